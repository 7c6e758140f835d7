/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Change records (include/hsb/events.h): one struct hsb_session_event per
 * session create, state change and periodic refresh, carrying the key and
 * a snapshot of the value.
 *
 * No record is lost silently. When the ring is full the entry gets
 * HSB_SESS_F_DIRTY and RING_FULL is counted; hsbd's reconciliation pass
 * reads dirty entries back from the map and re-emits them. A record that
 * does get out clears DIRTY *before* it snapshots the entry: a change made
 * by another CPU after the clear either lands in this snapshot or sets
 * DIRTY again itself, so a clear never hides a change.
 */
#ifndef HSB_BPF_LIB_EVENTS_H
#define HSB_BPF_LIB_EVENTS_H

#include "maps.h"

static __always_inline struct hsb_session_event *hsb_ev_reserve(void)
{
	return bpf_ringbuf_reserve(&hsb_events,
				   sizeof(struct hsb_session_event), 0);
}

/* A record's emission time: the precise clock, unlike the sessions' own
 * times (hsb_now(), coarse). The coarse clock was measured 5.2 ms behind
 * CLOCK_MONOTONIC on average (7.2 ms at most) in a 2-vCPU VM at HZ=250,
 * and the applied lag starts here (docs/hrp.md); one helper call per
 * record, not per packet. */
static __always_inline __u64 hsb_ev_now(void)
{
	return bpf_ktime_get_ns();
}

static __always_inline void hsb_ev_fill(struct hsb_session_event *ev,
					__u16 type,
					const struct hsb_flow_key *key)
{
	ev->hdr.type = type;
	ev->hdr.len = sizeof(*ev);
	ev->hdr.pad = 0;
	ev->hdr.ts_ns = hsb_ev_now();
	__builtin_memcpy(&ev->key, key, sizeof(*key));
}

/*
 * 1 if a ringbuf record was reserved, 0 if not, as a value the compiler
 * cannot trace back to the pointer. A function that tests its record
 * more than once (reserve, then discard or submit after other work)
 * tests this instead: the 6.1 verifier does not know that a record it
 * has seen non-NULL stays so, and at a second test of the pointer walks
 * a path where the record leaks ("Unreleased reference"). A scalar it
 * has seen is 1 stays 1. See docs/vmtest.md.
 */
static __always_inline int hsb_rb_live(const void *rec)
{
	int live = rec != NULL;

	barrier_var(live);
	return live;
}

/* When XDP last forced a wakeup of the reader (any CPU; a lost update
 * between CPUs costs one extra wakeup at most). */
__u64 hsb_ev_woken_ns;

/* The submit flags for a record made at now: wake the reader when a batch
 * is pending or none was woken for HSB_EVENTS_WAKE_NS
 * (include/hsb/events.h: hsbd also polls on a timer). */
static __always_inline __u64 hsb_ev_wake_flags(__u64 now)
{
	if ((__s64)(now - *(volatile __u64 *)&hsb_ev_woken_ns) <
		    (__s64)HSB_EVENTS_WAKE_NS &&
	    bpf_ringbuf_query(&hsb_events, BPF_RB_AVAIL_DATA) <
		    HSB_EVENTS_WAKEUP_BYTES)
		return BPF_RB_NO_WAKEUP;
	*(volatile __u64 *)&hsb_ev_woken_ns = now;
	return BPF_RB_FORCE_WAKEUP;
}

/* Hand a filled record to the reader. */
static __always_inline void hsb_ev_submit(struct hsb_session_event *ev)
{
	bpf_ringbuf_submit(ev, hsb_ev_wake_flags(ev->hdr.ts_ns));
	hsb_count(HSB_CNT_EVENTS);
}

/* Record for a live entry s (in the map): UPDATE or REFRESH. */
static __always_inline void hsb_ev_emit(struct hsb_session *s,
					const struct hsb_flow_key *key,
					__u16 type, __u64 now)
{
	struct hsb_session_event *ev = hsb_ev_reserve();

	if (!ev) {
		__sync_fetch_and_or(&s->flags, HSB_SESS_F_DIRTY);
		hsb_count(HSB_CNT_RING_FULL);
		return;
	}
	__sync_fetch_and_and(&s->flags, ~HSB_SESS_F_DIRTY);
	s->last_sync_ns = now;
	hsb_ev_fill(ev, type, key);
	__builtin_memcpy(&ev->sess, s, sizeof(*s));
	hsb_ev_submit(ev);
}

/* REFRESH a long-lived session once per HSB_REFRESH_INTERVAL_NS. The
 * compare-and-swap on last_sync_ns elects one CPU per interval, so two
 * CPUs carrying the same flow do not both emit. */
static __always_inline void hsb_ev_maybe_refresh(struct hsb_session *s,
						 const struct hsb_flow_key *key,
						 __u64 now)
{
	__u64 last = *(volatile __u64 *)&s->last_sync_ns;

	if (now - last <= HSB_REFRESH_INTERVAL_NS || now < last)
		return;
	if (__sync_val_compare_and_swap(&s->last_sync_ns, last, now) != last)
		return;
	hsb_ev_emit(s, key, HSB_EV_SESSION_REFRESH, now);
}

#endif /* HSB_BPF_LIB_EVENTS_H */
