// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>

#include "records/collector.h"
#include "sessions/session_table.h"

void hsb_session_event_fill(struct hsb_session_event *ev, __u16 type,
			    const struct hsb_flow_key *key,
			    const struct hsb_session *sess, uint64_t now)
{
	memset(ev, 0, sizeof(*ev));
	ev->hdr.type = type;
	ev->hdr.len = sizeof(*ev);
	ev->hdr.ts_ns = now;
	ev->key = *key;
	ev->sess = *sess;
}

static hsb_session_gone_fn gone_fn;
static void *gone_ctx;

void hsb_session_set_gone_hook(hsb_session_gone_fn fn, void *ctx)
{
	gone_fn = fn;
	gone_ctx = ctx;
}

int hsb_session_remove(int fd, struct hsb_collector *col,
		       const struct hsb_flow_key *key,
		       const struct hsb_session *sess, uint64_t now)
{
	struct hsb_session_event ev;

	if (bpf_map_delete_elem(fd, key))
		return -errno;
	/* Only the caller whose delete succeeded releases: a session's
	 * reference is dropped exactly once. */
	if (gone_fn)
		gone_fn(key, sess, now, gone_ctx);
	hsb_session_event_fill(&ev, HSB_EV_SESSION_DELETE, key, sess, now);
	hsb_collector_publish(col, &ev);
	return 0;
}
