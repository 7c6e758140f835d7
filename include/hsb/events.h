/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Change records: XDP -> ring buffer (hsb_events) -> hsbd. Every session
 * create, state change and periodic refresh is one record carrying the
 * entry's key and a snapshot of its value. hsbd's sweeper produces the
 * deletes (it is the one that deletes). A record that does not fit in the
 * ring is not lost state: XDP sets HSB_SESS_F_DIRTY on the entry and
 * counts RING_FULL; hsbd's reconciliation pass re-emits dirty entries.
 */
#ifndef HSB_EVENTS_H
#define HSB_EVENTS_H

#include "abi.h"
#include "flow.h"
#include "session.h"
#include "nat.h"

#define HSB_MAP_EVENTS "hsb_events"
/* Ring size in bytes (power of two, multiple of the page size). */
#define HSB_EVENTS_RING_SIZE (4U << 20)

enum hsb_event_type {
	HSB_EV_SESSION_NEW = 1,
	HSB_EV_SESSION_UPDATE = 2, /* state change */
	HSB_EV_SESSION_REFRESH = 3, /* long-lived session still in use */
	HSB_EV_SESSION_DELETE = 4, /* from hsbd's sweeper, never XDP */
	HSB_EV_SESSION_RESYNC = 5, /* a dirty entry re-emitted by hsbd */
	/* NAT mappings (struct hsb_nat_event, include/hsb/nat.h) */
	HSB_EV_NAT_CREATE = 6, /* PAT/NO-PAT mapping made by XDP */
	HSB_EV_NAT_DELETE = 7, /* from hsbd (last session gone), never XDP */
	HSB_EV_NAT_RESYNC = 8, /* a dirty mapping re-emitted by hsbd */
};

struct hsb_event_hdr {
	__u16 type; /* enum hsb_event_type */
	__u16 len; /* whole record, bytes */
	__u32 pad;
	__u64 ts_ns; /* bpf_ktime_get_ns() when emitted */
};
HSB_ASSERT_SIZE(struct hsb_event_hdr, 16);

struct hsb_session_event {
	struct hsb_event_hdr hdr;
	struct hsb_flow_key key;
	struct hsb_session sess;
};
HSB_ASSERT_SIZE(struct hsb_session_event, 224);

/* A NAT mapping created or deleted. Same loss-free rule as sessions: a
 * create that does not fit in the ring enters the map with
 * HSB_NAT_F_DIRTY, and hsbd's NAT sweeper re-emits it (NAT_RESYNC). */
struct hsb_nat_event {
	struct hsb_event_hdr hdr;
	struct hsb_nat_event_body nat;
};
HSB_ASSERT_SIZE(struct hsb_nat_event, 72);

/*
 * Wakeups: XDP submits records without waking the reader unless this many
 * bytes are pending or HSB_EVENTS_WAKE_NS passed since the last wakeup it
 * forced (then it forces one). A wakeup is an irq_work, a self-interrupt
 * costing microseconds in a VM, which would otherwise be paid for every
 * record whenever the reader keeps up; so a lone record wakes hsbd at
 * once, and a stream at most about once a millisecond (on the records'
 * precise clock, bpf/lib/events.h hsb_ev_now()). hsbd reads again
 * HSB_EVENTS_BUSY_POLL_MS after a read that found records (the tail of
 * a burst that woke no one), and every HSB_EVENTS_POLL_MS regardless:
 * together they bound the delay of a record reaching the peer to about
 * a millisecond while records flow, for at most ~2000 wakeups a second.
 */
#define HSB_EVENTS_WAKEUP_BYTES (HSB_EVENTS_RING_SIZE / 16)
#define HSB_EVENTS_WAKE_NS 1000000ULL
#define HSB_EVENTS_BUSY_POLL_MS 1
#define HSB_EVENTS_POLL_MS 10

/* A session emits a REFRESH record when its last record is older than
 * this and a packet passes (so the standby's timers stay current). */
#define HSB_REFRESH_INTERVAL_NS (30ULL * 1000000000ULL)

#endif /* HSB_EVENTS_H */
