/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Deleting hsb_sessions from userspace: the one way hsbd deletes an
 * entry, which also reports it on the bus as an HSB_EV_SESSION_DELETE
 * record. That record is the session-delete event: the NAT engine drops
 * the reference the session held on its PAT / NO-PAT mapping when it
 * sees it (user/hsbd/nat/nat_engine.c). (Reads: datapath/map_walk.h.)
 */
#ifndef HSB_SESSION_TABLE_H
#define HSB_SESSION_TABLE_H

#include <stdint.h>

#include "hsb/events.h"

struct hsb_record_buf;

/*
 * Deletes key and, only if this delete removed it, adds its deletion
 * (with the last snapshot sess) to out, so a session's deletion is
 * reported - and what it held released - exactly once however many
 * callers race. Returns 0, or -errno (-ENOENT: already gone, nothing
 * reported).
 */
int hsb_session_remove(int fd, struct hsb_record_buf *out,
		       const struct hsb_flow_key *key,
		       const struct hsb_session *sess, uint64_t now);

#endif /* HSB_SESSION_TABLE_H */
