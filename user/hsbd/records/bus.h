/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The change-record bus: the one path every change record takes inside
 * hsbd, whether XDP wrote it to the ring (the collector checks it and
 * publishes it) or hsbd made it (session deletes, resyncs, NAT deletes
 * and resyncs), and the sweeper's passes over hsb_sessions. Any number
 * of subscribers (the NAT engine, HRP) each take the topics they ask
 * for, in batches.
 *
 * Topics: the record types of include/hsb/events.h (enum
 * hsb_event_type: HSB_EV_SESSION_NEW ... HSB_EV_NAT_RESYNC), and the
 * sweeper's passes: HSB_BUS_SWEEP_BEGIN, HSB_BUS_SWEEP_VISIT (the entries
 * each batch read of the pass returned, before any was expired),
 * HSB_BUS_SWEEP_END (the pass read the whole table; not after a failed
 * read, when the next pass begins again). An HSB_EV_SESSION_DELETE
 * record is published only by the caller whose delete succeeded, so a
 * subscriber may release what the session held exactly once.
 *
 * Contract:
 *  - Order. Every subscriber sees the batches in the order they were
 *    published, and the records of a batch in their order. A batch of
 *    records may mix types: a subscriber gets the runs of consecutive
 *    records whose types it asked for, each run as one call (a
 *    subscriber of every record type gets the batch whole). Records
 *    published by a callback are delivered after the batch being
 *    dispatched has reached every subscriber, so all subscribers see one
 *    order.
 *  - A subscriber sees only batches published after it subscribed, and
 *    none after hsb_bus_unsubscribe() returned, even the rest of the
 *    batch being dispatched.
 *  - In a callback a subscriber may publish, subscribe, unsubscribe
 *    itself or any other subscriber, read and write BPF maps. It must not
 *    block (it runs in the event loop) and must not free the bus.
 *  - Lifetime. A batch's pointers are valid only during the call; a
 *    subscriber that keeps records (HRP coalescing a frame) copies them.
 *    A publisher's buffers may be reused as soon as hsb_bus_publish()
 *    returns.
 *
 * Single-threaded (the event loop). No global state: each hsbd has its
 * bus (struct hsbd.bus), and tests make their own.
 */
#ifndef HSB_BUS_H
#define HSB_BUS_H

#include <stddef.h>
#include <stdint.h>

#include "hsb/events.h"

struct hsb_bus;
struct hsb_bus_sub;

/* One change record of either layout; hdr.type tells which. */
union hsb_record {
	struct hsb_event_hdr hdr;
	struct hsb_session_event sess; /* HSB_EV_SESSION_* */
	struct hsb_nat_event nat; /* HSB_EV_NAT_* */
};

enum hsb_bus_topic {
	/* 1 .. HSB_EV_NAT_RESYNC: the record types */
	HSB_BUS_RECORDS = 0, /* a batch of records (not a topic itself) */
	HSB_BUS_SWEEP_BEGIN = 16,
	HSB_BUS_SWEEP_VISIT = 17,
	HSB_BUS_SWEEP_END = 18,
	HSB_BUS_TOPICS
};

#define HSB_BUS_TOPIC(t) (1U << (t))
#define HSB_BUS_SESSION_RECORDS                  \
	(HSB_BUS_TOPIC(HSB_EV_SESSION_NEW) |     \
	 HSB_BUS_TOPIC(HSB_EV_SESSION_UPDATE) |  \
	 HSB_BUS_TOPIC(HSB_EV_SESSION_REFRESH) | \
	 HSB_BUS_TOPIC(HSB_EV_SESSION_DELETE) |  \
	 HSB_BUS_TOPIC(HSB_EV_SESSION_RESYNC))
#define HSB_BUS_NAT_RECORDS                                                    \
	(HSB_BUS_TOPIC(HSB_EV_NAT_CREATE) | HSB_BUS_TOPIC(HSB_EV_NAT_DELETE) | \
	 HSB_BUS_TOPIC(HSB_EV_NAT_RESYNC))
#define HSB_BUS_ALL_RECORDS (HSB_BUS_SESSION_RECORDS | HSB_BUS_NAT_RECORDS)
#define HSB_BUS_SWEEP                         \
	(HSB_BUS_TOPIC(HSB_BUS_SWEEP_BEGIN) | \
	 HSB_BUS_TOPIC(HSB_BUS_SWEEP_VISIT) | \
	 HSB_BUS_TOPIC(HSB_BUS_SWEEP_END))

/* What a subscriber is handed. */
struct hsb_bus_batch {
	enum hsb_bus_topic topic; /* HSB_BUS_RECORDS or a sweep topic */
	uint64_t now_ns; /* monotonic, as the publisher saw it */
	size_t n; /* records, or entries visited; 0 for BEGIN/END */
	const union hsb_record *recs; /* HSB_BUS_RECORDS */
	const struct hsb_flow_key *keys; /* HSB_BUS_SWEEP_VISIT */
	const struct hsb_session *vals; /* HSB_BUS_SWEEP_VISIT */
};

typedef void (*hsb_bus_fn)(const struct hsb_bus_batch *b, void *ctx);

struct hsb_bus *hsb_bus_new(void);
/* Frees the bus and the subscriptions left; never from a callback. */
void hsb_bus_free(struct hsb_bus *bus);

/* fn gets the topics in mask (HSB_BUS_TOPIC() bits). Returns the
 * subscription, or NULL with errno set. */
struct hsb_bus_sub *hsb_bus_subscribe(struct hsb_bus *bus, uint32_t mask,
				      hsb_bus_fn fn, void *ctx);
/* Ends a subscription (NULL: nothing); from anywhere, callbacks too. */
void hsb_bus_unsubscribe(struct hsb_bus *bus, struct hsb_bus_sub *sub);

/* Publishes b (records: counted per type) to the subscribers. */
void hsb_bus_publish(struct hsb_bus *bus, const struct hsb_bus_batch *b);
/* The n records of recs, as one batch. */
void hsb_bus_publish_records(struct hsb_bus *bus, const union hsb_record *recs,
			     size_t n, uint64_t now_ns);

/* Records of type published so far (hsbctl show counters). */
uint64_t hsb_bus_published(const struct hsb_bus *bus, unsigned int type);

#endif /* HSB_BUS_H */
