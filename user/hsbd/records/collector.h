/* SPDX-License-Identifier: GPL-2.0-only
 *
 * The collector: reads change records from the hsb_events ring buffer
 * (include/hsb/events.h) in the event loop - when XDP wakes it, and every
 * HSB_EVENTS_POLL_MS since XDP batches its wakeups - checks each one (a malformed
 * record is dropped and counted, never trusted) and hands it to the
 * subscribers. Records hsbd makes itself (the sweeper's deletes and
 * resyncs) go through hsb_collector_publish(), so a subscriber - HRP -
 * sees one stream of every change.
 */
#ifndef HSB_COLLECTOR_H
#define HSB_COLLECTOR_H

#include <stddef.h>
#include <stdint.h>

#include "hsb/events.h"

struct hsb_loop;
struct hsb_collector;
struct json_object;

#define HSB_COLLECTOR_MAX_SUBSCRIBERS 8

/* ev is valid only during the call. */
typedef void (*hsb_event_fn)(const struct hsb_session_event *ev, void *ctx);
/* NAT mapping records (HSB_EV_NAT_*), to their own subscribers. */
typedef void (*hsb_nat_event_fn)(const struct hsb_nat_event *ev, void *ctx);

/* Why hsb_event_check() refused a record. */
enum hsb_event_fault {
	HSB_EVF_OK = 0,
	HSB_EVF_SHORT = -1, /* shorter than its header */
	HSB_EVF_LENGTH = -2, /* hdr.len differs from the record's size */
	HSB_EVF_TYPE = -3, /* unknown type, or one XDP never emits */
	HSB_EVF_FAMILY = -4, /* key.family neither IPv4 nor IPv6 */
	HSB_EVF_TABLE = -5, /* NAT record naming no NAT table */
};

/* Checks one record as read from the ring. Pure. */
enum hsb_event_fault hsb_event_check(const void *data, size_t len);
const char *hsb_event_fault_name(enum hsb_event_fault f);

/* Watches the ring's fd in loop. Returns NULL with errno set. */
struct hsb_collector *hsb_collector_new(struct hsb_loop *loop, int ring_fd);
void hsb_collector_free(struct hsb_collector *c);

int hsb_collector_subscribe(struct hsb_collector *c, hsb_event_fn fn,
			    void *ctx);
void hsb_collector_publish(struct hsb_collector *c,
			   const struct hsb_session_event *ev);
int hsb_collector_subscribe_nat(struct hsb_collector *c, hsb_nat_event_fn fn,
				void *ctx);
void hsb_collector_publish_nat(struct hsb_collector *c,
			       const struct hsb_nat_event *ev);

/* Records per type and malformed ones, into a JSON object. */
void hsb_collector_counters(const struct hsb_collector *c,
			    struct json_object *out);

#endif /* HSB_COLLECTOR_H */
