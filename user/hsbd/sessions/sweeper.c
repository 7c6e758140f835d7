// SPDX-License-Identifier: GPL-2.0-only
/*
 * The sweeper. See sweeper.h.
 *
 * Userspace cannot change an entry atomically against XDP, which updates
 * values in place. Two rules keep the races harmless:
 *  - delete: the entry is read again just before the delete and kept if a
 *    packet refreshed it since the batch read; a packet landing between
 *    that read and the delete loses its session (it starts a new one, or
 *    is dropped by policy like any packet of an expired session).
 *  - clearing DIRTY needs a whole-value write: it is done only when the
 *    entry's last_seen_ns did not move since the snapshot that was
 *    re-emitted (otherwise the next pass tries again), with BPF_EXIST so a
 *    deleted entry is never recreated. A packet processed in the few
 *    microseconds between the re-read and the write has its counter
 *    increments (and, rarely, a state change) overwritten by the older
 *    value; the next packet or record corrects the state, and counters are
 *    statistics. A dirty entry is rare (the ring was full), so is this.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <json-c/json.h>

#include "clock.h"
#include "config.h"
#include "datapath/map_walk.h"
#include "evloop.h"
#include "log.h"
#include "records/bus.h"
#include "records/record_buf.h"
#include "sessions/session_expiry.h"
#include "sessions/session_table.h"
#include "sessions/sweeper.h"

struct hsb_sweeper {
	struct hsb_bus *bus;
	struct hsb_config *const *cfg;
	int fd;
	uint32_t max_entries;
	struct hsb_timer *timer;
	struct hsb_map_walk *walk; /* the pass, a slice per tick */
	uint64_t pass_started_ns;
	uint64_t passes;
	uint64_t last_pass_ms;
	uint64_t pass_entries, last_pass_entries; /* entries read */
	uint64_t expired;
	uint64_t resynced;
	uint64_t resync_deferred; /* DIRTY left set: the entry moved */
	uint64_t errors;
	struct hsb_record_buf out; /* a batch's deletes and resyncs */
};

uint32_t hsb_sweep_tick_ms(uint32_t max_entries)
{
	uint64_t t = (uint64_t)HSB_SWEEP_PASS_S * 1000 * HSB_SWEEP_BATCH /
		     (max_entries ? max_entries : 1);

	if (t < HSB_SWEEP_TICK_MIN_MS)
		return HSB_SWEEP_TICK_MIN_MS;
	return t > HSB_SWEEP_TICK_MAX_MS ? HSB_SWEEP_TICK_MAX_MS : (uint32_t)t;
}

uint32_t hsb_sweep_slice(uint32_t max_entries)
{
	uint64_t per_pass = (uint64_t)HSB_SWEEP_PASS_S * 1000;
	uint64_t slice =
		((uint64_t)max_entries * hsb_sweep_tick_ms(max_entries) +
		 per_pass - 1) /
		per_pass;

	if (slice < HSB_SWEEP_BATCH)
		return HSB_SWEEP_BATCH;
	return slice > HSB_SWEEP_SLICE_MAX ? HSB_SWEEP_SLICE_MAX :
					     (uint32_t)slice;
}

static void expire(struct hsb_sweeper *sw, int fd,
		   const struct hsb_flow_key *key, uint64_t now)
{
	const struct hsb_cfg_session *cs = &(*sw->cfg)->session;
	struct hsb_session fresh;

	if (bpf_map_lookup_elem(fd, key, &fresh))
		return; /* gone already (LRU eviction) */
	if (!hsb_session_expired(cs, key->proto, &fresh, now))
		return;
	if (hsb_session_remove(fd, &sw->out, key, &fresh, now) == 0)
		sw->expired++;
}

/* The snapshot goes out (with the batch, before anything else runs)
 * whether or not the mark can be cleared. */
static void resync(struct hsb_sweeper *sw, int fd,
		   const struct hsb_flow_key *key,
		   const struct hsb_session *snap, uint64_t now)
{
	struct hsb_session fresh;

	hsb_record_buf_session(&sw->out, HSB_EV_SESSION_RESYNC, key, snap, now);
	sw->resynced++;
	if (bpf_map_lookup_elem(fd, key, &fresh))
		return;
	if (fresh.last_seen_ns != snap->last_seen_ns) {
		sw->resync_deferred++;
		return;
	}
	fresh.flags &= ~HSB_SESS_F_DIRTY;
	if (bpf_map_update_elem(fd, key, &fresh, BPF_EXIST) && errno != ENOENT)
		sw->errors++;
}

static void publish_pass(struct hsb_sweeper *sw, enum hsb_bus_topic topic,
			 uint64_t now)
{
	struct hsb_bus_batch b = { .topic = topic, .now_ns = now };

	hsb_bus_publish(sw->bus, &b);
}

/* Publishes the entries of one batch read as visited, then expires or
 * re-emits them, their records as one batch. */
static void sweep_batch(struct hsb_sweeper *sw, const struct hsb_flow_key *keys,
			const struct hsb_session *vals, uint32_t n,
			uint64_t now)
{
	const struct hsb_cfg_session *cs = &(*sw->cfg)->session;
	struct hsb_bus_batch visit = { .topic = HSB_BUS_SWEEP_VISIT,
				       .now_ns = now,
				       .n = n,
				       .keys = keys,
				       .vals = vals };
	uint32_t i;

	if (n)
		hsb_bus_publish(sw->bus, &visit);
	for (i = 0; i < n; i++) {
		if (hsb_session_expired(cs, keys[i].proto, &vals[i], now))
			expire(sw, sw->fd, &keys[i], now);
		else if (vals[i].flags & HSB_SESS_F_DIRTY)
			resync(sw, sw->fd, &keys[i], &vals[i], now);
	}
	hsb_record_buf_flush(&sw->out);
}

void hsb_sweeper_tick(struct hsb_sweeper *sw, uint64_t now)
{
	uint32_t budget = hsb_sweep_slice(sw->max_entries);
	const void *keys, *vals;
	int n;

	/* Always whole batches (fewer system calls); the budget only
	 * bounds the number of batches per tick. */
	while (budget) {
		if (!hsb_map_walk_in_pass(sw->walk)) {
			sw->pass_started_ns = now;
			sw->pass_entries = 0;
			publish_pass(sw, HSB_BUS_SWEEP_BEGIN, now);
		}
		n = hsb_map_walk_next(sw->walk, &keys, &vals);
		if (n < 0) {
			sw->errors++;
			hsb_log_ratelimited(HSB_LOG_ERR,
					    "sweeper: reading hsb_sessions: %s",
					    strerror(-n));
			return;
		}
		sweep_batch(sw, keys, vals, (uint32_t)n, now);
		sw->pass_entries += (uint64_t)n;
		if (!hsb_map_walk_in_pass(sw->walk)) {
			publish_pass(sw, HSB_BUS_SWEEP_END, now);
			sw->passes++;
			sw->last_pass_entries = sw->pass_entries;
			sw->last_pass_ms =
				(hsb_now_ns() - sw->pass_started_ns) /
				1000000ULL;
			return;
		}
		if (!n) /* never in a pass; not a reason to spin */
			return;
		budget -= (uint32_t)n < budget ? (uint32_t)n : budget;
	}
}

static void tick(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	(void)loop;
	(void)t;
	hsb_sweeper_tick(ctx, hsb_now_ns());
}

struct hsb_sweeper *hsb_sweeper_new(struct hsb_loop *loop, struct hsb_bus *bus,
				    int fd, uint32_t max_entries,
				    struct hsb_config *const *cfg)
{
	struct hsb_sweeper *sw = calloc(1, sizeof(*sw));

	if (!sw)
		return NULL;
	sw->bus = bus;
	sw->cfg = cfg;
	sw->fd = fd;
	sw->max_entries = max_entries;
	hsb_record_buf_init(&sw->out, bus);
	sw->walk = hsb_map_walk_new(fd, sizeof(struct hsb_flow_key),
				    sizeof(struct hsb_session),
				    HSB_SWEEP_BATCH);
	sw->timer = hsb_timer_new(loop, tick, sw);
	if (!sw->walk || !sw->timer ||
	    hsb_timer_arm(sw->timer, hsb_sweep_tick_ms(max_entries),
			  hsb_sweep_tick_ms(max_entries))) {
		hsb_sweeper_free(sw);
		return NULL;
	}
	return sw;
}

void hsb_sweeper_free(struct hsb_sweeper *sw)
{
	if (!sw)
		return;
	hsb_timer_free(sw->timer);
	hsb_map_walk_free(sw->walk);
	free(sw);
}

void hsb_sweeper_stats(const struct hsb_sweeper *sw,
		       struct hsb_sweeper_stats *out)
{
	out->passes = sw->passes;
	out->last_pass_ms = sw->last_pass_ms;
	out->last_pass_entries = sw->last_pass_entries;
	out->expired = sw->expired;
	out->resynced = sw->resynced;
	out->resync_deferred = sw->resync_deferred;
	out->errors = sw->errors;
}

void hsb_sweeper_counters(const struct hsb_sweeper *sw, struct json_object *out)
{
	json_object_object_add(out, "sweep_passes",
			       json_object_new_uint64(sw->passes));
	json_object_object_add(out, "sweep_last_pass_ms",
			       json_object_new_uint64(sw->last_pass_ms));
	json_object_object_add(out, "sessions_expired",
			       json_object_new_uint64(sw->expired));
	json_object_object_add(out, "sessions_resynced",
			       json_object_new_uint64(sw->resynced));
	json_object_object_add(out, "resync_deferred",
			       json_object_new_uint64(sw->resync_deferred));
	json_object_object_add(out, "sweep_errors",
			       json_object_new_uint64(sw->errors));
}
