/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Deleting hsb_sessions from userspace: the one way hsbd deletes an
 * entry, which also reports it to the collector's subscribers as an
 * HSB_EV_SESSION_DELETE record. (Reads: datapath/map_walk.h.)
 */
#ifndef HSB_SESSION_TABLE_H
#define HSB_SESSION_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "hsb/events.h"

struct hsb_collector;

/* A record for subscribers, stamped now (monotonic ns). */
void hsb_session_event_fill(struct hsb_session_event *ev, __u16 type,
			    const struct hsb_flow_key *key,
			    const struct hsb_session *sess, uint64_t now);

/*
 * Called after hsbd deleted a session (expiry, clear sessions) with its
 * last snapshot, before the deletion is reported: the NAT engine drops
 * the reference the session held on its PAT / NO-PAT mapping
 * (user/hsbd/nat/nat_engine.c). One hook; NULL removes it.
 */
typedef void (*hsb_session_gone_fn)(const struct hsb_flow_key *key,
				    const struct hsb_session *sess,
				    uint64_t now, void *ctx);
void hsb_session_set_gone_hook(hsb_session_gone_fn fn, void *ctx);

/* Deletes key and reports the deletion with the snapshot sess. Returns 0,
 * or -ENOENT when the entry was already gone (nothing reported). */
int hsb_session_remove(int fd, struct hsb_collector *col,
		       const struct hsb_flow_key *key,
		       const struct hsb_session *sess, uint64_t now);

#endif /* HSB_SESSION_TABLE_H */
