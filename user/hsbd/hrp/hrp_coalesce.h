/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Coalescing in HRP's sender (pure): while a frame is being filled, the
 * session records it holds, by flow key. A later change of a session
 * whose record is still in the frame replaces that record in place, so
 * each flush carries a session's latest state once (as conntrackd's FTFW
 * and pfsync do), at the place of its first record in the frame. A
 * session delete makes its key forgotten: a change after the delete is
 * a new record after it, so the receiver sees them in order.
 *
 * Open addressing over a fixed table sized for a whole frame of session
 * records; emptied in O(1) at each flush (a generation). A full table
 * only stops coalescing for the rest of that frame.
 */
#ifndef HSBD_HRP_COALESCE_H
#define HSBD_HRP_COALESCE_H

#include <stdbool.h>
#include <stdint.h>

#include "hsb/flow.h"

#define HRP_COALESCE_SLOTS 1024u /* > a 60 KiB frame's 124-byte records */
#define HRP_COALESCE_NONE UINT32_MAX

struct hrp_coalesce_slot {
	struct hsb_flow_key key;
	uint32_t off; /* the record's offset in the frame, or _NONE */
	uint32_t gen; /* in use when equal to the table's */
};

struct hrp_coalesce {
	struct hrp_coalesce_slot s[HRP_COALESCE_SLOTS];
	uint32_t gen;
	uint32_t used;
};

void hrp_coalesce_init(struct hrp_coalesce *c);
/* Forgets every key (the frame was flushed). */
void hrp_coalesce_reset(struct hrp_coalesce *c);
/* The offset of k's record in the frame, or HRP_COALESCE_NONE. */
uint32_t hrp_coalesce_find(const struct hrp_coalesce *c,
			   const struct hsb_flow_key *k);
/* k's record is at off now. false: the table is full (not recorded). */
bool hrp_coalesce_put(struct hrp_coalesce *c, const struct hsb_flow_key *k,
		      uint32_t off);
/* k was deleted: a later record of k must not replace an earlier one. */
void hrp_coalesce_forget(struct hrp_coalesce *c, const struct hsb_flow_key *k);

#endif /* HSBD_HRP_COALESCE_H */
