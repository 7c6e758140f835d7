// SPDX-License-Identifier: GPL-2.0-only
/*
 * The HA engine: the switchover owner (switchover.h) on the datapath's
 * hsb_vgroups. It reconciles before the engines that bind addresses to
 * groups (NAT, VRRP), so they find every group of the new configuration,
 * and keeps the handover record of an agent restart (handover.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>

#include "datapath/datapath.h"
#include "ha/handover.h"
#include "ha/switchover.h"
#include "hsbd.h"
#include "log.h"

/* The only write of hsb_vgroups in hsbd. */
static int write_slot(void *ctx, uint16_t slot, bool active)
{
	struct hsbd *d = ctx;
	struct hsb_vgroup g = { .active = active };
	__u32 k = slot;

	if (!d->dp || !slot || slot >= HSB_VGROUP_MAX)
		return -EINVAL;
	if (bpf_map_update_elem(hsb_datapath_maps(d->dp)->vgroups, &k, &g,
				BPF_ANY)) {
		hsb_log_ratelimited(HSB_LOG_ERR,
				    "ha: cannot switch group %u to %s: %s",
				    slot, active ? "active" : "standby",
				    strerror(errno));
		return -errno;
	}
	return 0;
}

static int ha_reconcile(struct hsbd *d, const struct hsb_config *cfg, char *err,
			size_t errlen)
{
	if (!d->ha) {
		struct hsb_ha_io io = { .write_slot = write_slot, .ctx = d };

		d->ha = hsb_switchover_new(&io);
		if (!d->ha) {
			snprintf(err, errlen, "ha: out of memory");
			return -ENOMEM;
		}
		/* an agent restart: the groups the previous hsbd handed
		 * over stay active (handover.h) */
		hsbd_handover_load(d, d->ha);
	}
	return hsb_switchover_reconcile(d->ha, cfg, err, errlen);
}

static void ha_stop(struct hsbd *d)
{
	/* after VRRP and VGMP, which noted the holds they announced */
	if (d->ha && d->opt.keep_datapath)
		hsbd_handover_save(d, d->ha);
	hsb_switchover_free(d->ha);
	d->ha = NULL;
}

const struct hsb_engine hsb_ha_engine = {
	.name = "ha",
	.reconcile = ha_reconcile,
	.stop = ha_stop,
};
