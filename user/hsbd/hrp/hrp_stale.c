// SPDX-License-Identifier: GPL-2.0-only
/* Sessions the peer no longer has, after its batch backup. See
 * hrp_stale.h. */
#include <stdlib.h>

#include "datapath/datapath.h"
#include "datapath/map_walk.h"
#include "hrp/hrp_stale.h"
#include "records/record_buf.h"
#include "sessions/session_table.h"

#define STALE_BATCH 1024

struct hrp_stale {
	int fd;
	struct hsb_record_buf *deletes;
	uint64_t since_ns;
	struct hsb_map_walk *walk;
};

struct hrp_stale *hrp_stale_start(const struct hsb_dp_maps *m,
				  struct hsb_record_buf *deletes,
				  uint64_t since_ns)
{
	struct hrp_stale *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->fd = m->sessions;
	s->deletes = deletes;
	s->since_ns = since_ns;
	s->walk = hsb_map_walk_new(s->fd, sizeof(struct hsb_flow_key),
				   sizeof(struct hsb_session), STALE_BATCH);
	if (!s->walk) {
		free(s);
		return NULL;
	}
	return s;
}

int hrp_stale_step(struct hrp_stale *s, uint64_t now_ns, uint64_t *removed)
{
	const struct hsb_flow_key *keys;
	const struct hsb_session *vals;
	int n, i;

	n = hsb_map_walk_next(s->walk, (const void **)&keys,
			      (const void **)&vals);
	for (i = 0; i < n; i++) {
		if (!(vals[i].flags & HSB_SESS_F_FROM_PEER) ||
		    vals[i].last_sync_ns >= s->since_ns)
			continue;
		if (!hsb_session_remove(s->fd, s->deletes, &keys[i], &vals[i],
					now_ns))
			(*removed)++;
	}
	hsb_record_buf_flush(s->deletes);
	/* an error abandons the pass: what was not seen waits for the
	 * next batch backup (or its own expiry) */
	return n >= 0 && hsb_map_walk_in_pass(s->walk);
}

void hrp_stale_free(struct hrp_stale *s)
{
	if (!s)
		return;
	hsb_map_walk_free(s->walk);
	free(s);
}
