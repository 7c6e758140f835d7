/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A batch backup must not be overtaken by older state. The batch backup
 * reads the session table as it is now; a change record of the same
 * session emitted by XDP *before* that read can still sit in the ring
 * and reach the sender *after* it. Sent as it is, it would follow the
 * snapshot on the stream and the peer would apply the older state last
 * (a session's FIN or a NAT change undone until the next packet).
 *
 * So while a batch backup runs, and for HRP_FRESH_GRACE_NS after it
 * (records emitted before its last read still draining from the ring),
 * a session record is sent with the table's current value instead of the
 * record's: the table only moves forward, and the stream is in order, so
 * what follows the snapshot is never older than it. A session gone from
 * the table meanwhile is not sent (its delete follows, or went already);
 * nor one that is now the peer's. Outside batch backups the ring's order
 * is the table's order and records go as they are. Costs one map lookup
 * per session record during a batch backup.
 */
#ifndef HSBD_HRP_FRESH_H
#define HSBD_HRP_FRESH_H

#include <stdbool.h>
#include <stdint.h>

#include "hsb/events.h"
#include "records/bus.h"

#define HRP_FRESH_GRACE_NS (1000ull * 1000000ull)

enum hrp_fresh {
	HRP_FRESH_SEND, /* *u holds the table's current value */
	HRP_FRESH_GONE, /* no longer in the table: do not send */
	HRP_FRESH_PEER, /* the peer's now: do not send */
};

/* u: a session upsert record of this host (NEW, UPDATE, REFRESH,
 * RESYNC); fd: the session table. */
enum hrp_fresh hrp_fresh_session(int fd, union hsb_record *u);

#endif /* HSBD_HRP_FRESH_H */
