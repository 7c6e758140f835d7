/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The sweeper: every HSB_SWEEP_TICK_MS it reads the next slice of
 * hsb_sessions (batch reads), deletes entries idle longer than the
 * timeout of their state (reported as HSB_EV_SESSION_DELETE) and re-emits
 * entries marked HSB_SESS_F_DIRTY (a change record XDP could not put in the
 * full ring) as HSB_EV_SESSION_RESYNC, then clears the mark. A slice is
 * sized so a full pass takes about HSB_SWEEP_PASS_S seconds whatever the
 * table size, and never more than a bounded time per tick.
 */
#ifndef HSB_SWEEPER_H
#define HSB_SWEEPER_H

#include <stdint.h>

#include "hsb/session.h"

struct hsbd;
struct hsb_sweeper;
struct json_object;

#define HSB_SWEEP_TICK_MS 250
#define HSB_SWEEP_PASS_S 4

/*
 * Observers of the passes (the NAT engine recounts mapping references
 * from them): begin when a pass starts, visit for every entry the pass
 * reads (before it may expire it), end when a pass has read the whole
 * table (not after a failed read: the next pass begins again). Each
 * entry present for a whole pass is visited exactly once. One set;
 * NULL removes it.
 */
struct hsb_sweep_hooks {
	void (*begin)(uint64_t now, void *ctx);
	void (*visit)(const struct hsb_flow_key *key,
		      const struct hsb_session *sess, void *ctx);
	void (*end)(uint64_t now, void *ctx);
};
void hsb_sweeper_set_hooks(const struct hsb_sweep_hooks *h, void *ctx);

/* Entries to read per tick for a table of capacity max_entries. */
uint32_t hsb_sweep_slice(uint32_t max_entries);

struct hsb_sweeper *hsb_sweeper_new(struct hsbd *d);
void hsb_sweeper_free(struct hsb_sweeper *sw);
void hsb_sweeper_counters(const struct hsb_sweeper *sw,
			  struct json_object *out);

#endif /* HSB_SWEEPER_H */
