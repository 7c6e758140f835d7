/* SPDX-License-Identifier: GPL-2.0-only
 *
 * The collector: reads change records from the hsb_events ring buffer
 * (include/hsb/events.h) in the event loop - when XDP wakes it, a
 * millisecond after a read that found records, and every
 * HSB_EVENTS_POLL_MS, since XDP batches its wakeups - checks each one (a
 * malformed record is dropped and counted, never trusted) and publishes
 * what one read yields on the bus (records/bus.h) in batches of at most
 * HSB_RECORD_BUF_MAX. Records hsbd makes itself take the same bus, so a
 * subscriber - HRP - sees one stream of every change.
 */
#ifndef HSB_COLLECTOR_H
#define HSB_COLLECTOR_H

#include <stddef.h>
#include <stdint.h>

#include "hsb/events.h"

struct hsb_loop;
struct hsb_bus;
struct hsb_collector;
struct json_object;

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

/* Watches the ring's fd in loop, publishing on bus. Returns NULL with
 * errno set. */
struct hsb_collector *hsb_collector_new(struct hsb_loop *loop,
					struct hsb_bus *bus, int ring_fd);
void hsb_collector_free(struct hsb_collector *c);

/* Reads the ring now, as a wakeup or the poll timer does: at most a
 * budget of records. Returns the records read, or -errno. */
int hsb_collector_read(struct hsb_collector *c);

/* Malformed records and reads cut short, into a JSON object (the
 * records per type are the bus's: hsb_bus_published()). */
void hsb_collector_counters(const struct hsb_collector *c,
			    struct json_object *out);

#endif /* HSB_COLLECTOR_H */
