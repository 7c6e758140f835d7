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
#include "records/collector.h"
#include "datapath/datapath.h"
#include "datapath/map_walk.h"
#include "hsbd.h"
#include "log.h"
#include "sessions/session_expiry.h"
#include "sessions/session_table.h"
#include "sessions/sweeper.h"

#define SLICE_MIN 1024
#define SLICE_MAX 65536 /* ~20 ms of batch reads on the lab VM */

struct hsb_sweeper {
	struct hsbd *d;
	struct hsb_timer *timer;
	struct hsb_map_walk *walk; /* the pass, a slice per tick */
	uint64_t pass_started_ns;
	uint64_t passes;
	uint64_t last_pass_ms;
	uint64_t expired;
	uint64_t resynced;
	uint64_t resync_deferred; /* DIRTY left set: the entry moved */
	uint64_t errors;
};

static const struct hsb_sweep_hooks *hooks;
static void *hooks_ctx;

void hsb_sweeper_set_hooks(const struct hsb_sweep_hooks *h, void *ctx)
{
	hooks = h;
	hooks_ctx = ctx;
}

uint32_t hsb_sweep_slice(uint32_t max_entries)
{
	uint32_t ticks = HSB_SWEEP_PASS_S * 1000 / HSB_SWEEP_TICK_MS;
	uint32_t slice = max_entries / ticks + 1;

	if (slice < SLICE_MIN)
		return SLICE_MIN;
	return slice > SLICE_MAX ? SLICE_MAX : slice;
}

static void expire(struct hsb_sweeper *sw, int fd,
		   const struct hsb_flow_key *key, uint64_t now)
{
	const struct hsb_cfg_session *cs = &sw->d->cfg->session;
	struct hsb_session fresh;

	if (bpf_map_lookup_elem(fd, key, &fresh))
		return; /* gone already (LRU eviction) */
	if (!hsb_session_expired(cs, key->proto, &fresh, now))
		return;
	if (hsb_session_remove(fd, sw->d->collector, key, &fresh, now) == 0)
		sw->expired++;
}

static void resync(struct hsb_sweeper *sw, int fd,
		   const struct hsb_flow_key *key,
		   const struct hsb_session *snap, uint64_t now)
{
	struct hsb_session_event ev;
	struct hsb_session fresh;

	hsb_session_event_fill(&ev, HSB_EV_SESSION_RESYNC, key, snap, now);
	hsb_collector_publish(sw->d->collector, &ev);
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

/* Expires or re-emits each entry of one batch read. */
static void sweep_batch(struct hsb_sweeper *sw, int fd,
			const struct hsb_flow_key *keys,
			const struct hsb_session *vals, uint32_t n,
			uint64_t now)
{
	const struct hsb_cfg_session *cs = &sw->d->cfg->session;
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (hooks)
			hooks->visit(&keys[i], &vals[i], hooks_ctx);
		if (hsb_session_expired(cs, keys[i].proto, &vals[i], now))
			expire(sw, fd, &keys[i], now);
		else if (vals[i].flags & HSB_SESS_F_DIRTY)
			resync(sw, fd, &keys[i], &vals[i], now);
	}
}

static void tick(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	struct hsb_sweeper *sw = ctx;
	const struct hsb_dp_maps *m = hsb_datapath_maps(sw->d->dp);
	uint32_t budget = hsb_sweep_slice(m->sessions_max);
	uint64_t now = hsb_now_ns();
	const void *keys, *vals;
	int n;

	(void)loop;
	(void)t;
	/* Always whole batches (fewer system calls); the budget only
	 * bounds the number of batches per tick. */
	while (budget) {
		if (!hsb_map_walk_in_pass(sw->walk)) {
			sw->pass_started_ns = now;
			if (hooks)
				hooks->begin(now, hooks_ctx);
		}
		n = hsb_map_walk_next(sw->walk, &keys, &vals);
		if (n < 0) {
			sw->errors++;
			hsb_log_ratelimited(HSB_LOG_ERR,
					    "sweeper: reading hsb_sessions: %s",
					    strerror(-n));
			return;
		}
		sweep_batch(sw, m->sessions, keys, vals, (uint32_t)n, now);
		if (!hsb_map_walk_in_pass(sw->walk)) {
			if (hooks)
				hooks->end(now, hooks_ctx);
			sw->passes++;
			sw->last_pass_ms =
				(hsb_now_ns() - sw->pass_started_ns) /
				1000000ULL;
			return;
		}
		budget -= (uint32_t)n < budget ? (uint32_t)n : budget;
	}
}

struct hsb_sweeper *hsb_sweeper_new(struct hsbd *d)
{
	struct hsb_sweeper *sw = calloc(1, sizeof(*sw));

	if (!sw)
		return NULL;
	sw->d = d;
	sw->walk = hsb_map_walk_new(hsb_datapath_maps(d->dp)->sessions,
				    sizeof(struct hsb_flow_key),
				    sizeof(struct hsb_session),
				    HSB_MAP_WALK_BATCH);
	sw->timer = hsb_timer_new(d->loop, tick, sw);
	if (!sw->walk || !sw->timer ||
	    hsb_timer_arm(sw->timer, HSB_SWEEP_TICK_MS, HSB_SWEEP_TICK_MS)) {
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
