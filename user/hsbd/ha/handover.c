// SPDX-License-Identifier: GPL-2.0-only
/* The handover record of an agent restart; see handover.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>

#include "clock.h"
#include "datapath/datapath.h"
#include "ha/handover.h"
#include "ha/switchover.h"
#include "hsb/handover.h"
#include "hsbd.h"
#include "log.h"

static int map_fd(struct hsbd *d)
{
	return d->dp ? hsb_datapath_maps(d->dp)->handover : -1;
}

/* Every key first, then the records: deleting while iterating would
 * restart the walk. */
int hsbd_handover_load(struct hsbd *d, struct hsb_switchover *sw)
{
	static struct hsb_handover_key keys[HSB_HANDOVER_MAX];
	struct hsb_handover_key *prev = NULL;
	int fd = map_fd(d), n = 0, resumed = 0, i;
	uint64_t now = hsb_boot_ns();

	if (fd < 0)
		return 0;
	while (n < HSB_HANDOVER_MAX &&
	       !bpf_map_get_next_key(fd, prev, &keys[n])) {
		prev = &keys[n];
		n++;
	}
	for (i = 0; i < n; i++) {
		struct hsb_handover h;
		char name[HSB_HANDOVER_NAME + 1];
		uint64_t age_ms, left_ms;

		memcpy(name, keys[i].group, HSB_HANDOVER_NAME);
		name[HSB_HANDOVER_NAME] = '\0';
		if (bpf_map_lookup_elem(fd, &keys[i], &h))
			continue;
		bpf_map_delete_elem(fd, &keys[i]);
		age_ms = now > h.stopped_ns ? (now - h.stopped_ns) / 1000000 :
					      0;
		left_ms = h.hold_until_ns > now ?
				  (h.hold_until_ns - now) / 1000000 :
				  0;
		if (left_ms < HSB_HANDOVER_MARGIN_MS) {
			hsb_warn(
				"%s: handed over active %llu ms ago, past the grace the peer gave it: starting it afresh (the peer may have taken over)",
				name, (unsigned long long)age_ms);
			continue;
		}
		if (hsb_switchover_resume(sw, name)) {
			hsb_warn("%s: cannot resume it", name);
			continue;
		}
		hsb_info(
			"%s: resuming as active, handed over %llu ms ago (the peer waits %llu ms more)",
			name, (unsigned long long)age_ms,
			(unsigned long long)left_ms);
		resumed++;
	}
	return resumed;
}

struct save_ctx {
	int fd;
	uint64_t now;
	int saved;
};

static void save_one(const struct hsb_ha_group_info *g, void *ctx)
{
	struct save_ctx *c = ctx;
	struct hsb_handover_key k;
	struct hsb_handover h = {
		.stopped_ns = c->now,
		.hold_until_ns = g->hold_until_ns,
	};

	if (!g->active || !g->hold_until_ns)
		return;
	memset(&k, 0, sizeof(k));
	snprintf(k.group, sizeof(k.group), "%s", g->name);
	if (bpf_map_update_elem(c->fd, &k, &h, BPF_ANY)) {
		hsb_err("%s: cannot record the handover: %s", g->name,
			strerror(errno));
		return;
	}
	c->saved++;
}

int hsbd_handover_save(struct hsbd *d, const struct hsb_switchover *sw)
{
	struct save_ctx c = { .fd = map_fd(d), .now = hsb_boot_ns() };

	if (c.fd < 0)
		return 0;
	hsb_switchover_foreach_group(sw, save_one, &c);
	if (c.saved)
		hsb_info(
			"handing over %d active group%s to the next hsbd: the peer waits up to %d ms for it",
			c.saved, c.saved == 1 ? "" : "s",
			HSB_HANDOVER_GRACE_MS);
	return c.saved;
}
