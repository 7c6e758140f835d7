/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The sweeper: every tick (hsb_sweep_tick_ms()) it reads the next slice of
 * hsb_sessions (datapath/map_walk.h), deletes entries idle longer than the
 * timeout of their state (reported as HSB_EV_SESSION_DELETE) and re-emits
 * entries marked HSB_SESS_F_DIRTY (a change record XDP could not put in the
 * full ring) as HSB_EV_SESSION_RESYNC, then clears the mark. A slice is
 * sized so a full pass takes about HSB_SWEEP_PASS_S seconds whatever the
 * table size, and never more than a bounded time per tick: the ticks come
 * as often as every HSB_SWEEP_TICK_MIN_MS so that one reads a batch of
 * HSB_SWEEP_BATCH entries (~1 ms on a 2-vCPU VM; ~1 us an entry), and a
 * table too big for that gets at most HSB_SWEEP_SLICE_MAX a tick and a
 * longer pass. (One 250 ms tick reading a 16th of the table stalled the
 * event loop 15-30 ms for a few hundred thousand entries, the applied
 * lag's p99 with it.)
 *
 * On the bus (records/bus.h), per batch read: HSB_BUS_SWEEP_VISIT with
 * the entries read, then the batch's deletes and resyncs as one batch of
 * records; HSB_BUS_SWEEP_BEGIN before a pass's first read and
 * HSB_BUS_SWEEP_END after its last (the NAT engine recounts mapping
 * references from them). Each entry present for a whole pass is visited
 * exactly once.
 */
#ifndef HSB_SWEEPER_H
#define HSB_SWEEPER_H

#include <stdint.h>

struct hsb_loop;
struct hsb_bus;
struct hsb_config;
struct hsb_sweeper;
struct json_object;

#define HSB_SWEEP_PASS_S 4
#define HSB_SWEEP_BATCH 1024
#define HSB_SWEEP_SLICE_MAX (8 * HSB_SWEEP_BATCH)
#define HSB_SWEEP_TICK_MIN_MS 10
#define HSB_SWEEP_TICK_MAX_MS 250

/* The tick, and the entries to read per tick, for a table of capacity
 * max_entries. */
uint32_t hsb_sweep_tick_ms(uint32_t max_entries);
uint32_t hsb_sweep_slice(uint32_t max_entries);

/*
 * Sweeps the session table fd (max_entries) on a timer of loop,
 * publishing on bus, with the timeouts of *cfg as it is at each tick (the
 * running configuration is replaced, not changed). Returns NULL on
 * failure.
 */
struct hsb_sweeper *hsb_sweeper_new(struct hsb_loop *loop, struct hsb_bus *bus,
				    int fd, uint32_t max_entries,
				    struct hsb_config *const *cfg);
void hsb_sweeper_free(struct hsb_sweeper *sw);

/* One tick's slice now (the timer's work). */
void hsb_sweeper_tick(struct hsb_sweeper *sw, uint64_t now);

struct hsb_sweeper_stats {
	uint64_t passes, last_pass_ms, expired, resynced, resync_deferred,
		errors;
	uint64_t last_pass_entries; /* the table's size, as of that pass */
};
void hsb_sweeper_stats(const struct hsb_sweeper *sw,
		       struct hsb_sweeper_stats *out);

void hsb_sweeper_counters(const struct hsb_sweeper *sw,
			  struct json_object *out);

#endif /* HSB_SWEEPER_H */
