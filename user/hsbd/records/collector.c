// SPDX-License-Identifier: GPL-2.0-only
/* The collector. See collector.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "clock.h"
#include "records/collector.h"
#include "records/record_buf.h"
#include "evloop.h"
#include "log.h"

struct hsb_collector {
	struct ring_buffer *rb;
	struct hsb_watch *watch;
	struct hsb_timer *poll;
	struct hsb_timer *busy; /* a read soon after one that found records */
	uint64_t malformed;
	unsigned int budget; /* records left in this read */
	uint64_t now; /* when this read began */
	uint64_t yields; /* reads cut short by the budget */
	struct hsb_record_buf out; /* this read's records, to the bus */
};

/* At most this many records per read, so a flood of new sessions cannot
 * hold the loop (VRRP adverts, the control socket) for long; the rest
 * waits for the next wakeup or poll tick. */
#define HSB_COLLECTOR_BUDGET 4096
#define HSB_COLLECTOR_YIELD (-ECANCELED)

/* A NAT record: XDP emits creates only. */
static enum hsb_event_fault nat_check(const struct hsb_nat_event *ev,
				      size_t len)
{
	if (ev->hdr.len != sizeof(*ev) || len < sizeof(*ev))
		return HSB_EVF_LENGTH;
	if (ev->nat.table < HSB_NAT_TABLE_PAT ||
	    ev->nat.table > HSB_NAT_TABLE_SRV)
		return HSB_EVF_TABLE;
	return HSB_EVF_OK;
}

enum hsb_event_fault hsb_event_check(const void *data, size_t len)
{
	const struct hsb_session_event *ev = data;

	if (len < sizeof(struct hsb_event_hdr))
		return HSB_EVF_SHORT;
	if (ev->hdr.type == HSB_EV_NAT_CREATE)
		return nat_check(data, len);
	/* Deletes and resyncs come from hsbd itself, never from XDP. */
	if (ev->hdr.type != HSB_EV_SESSION_NEW &&
	    ev->hdr.type != HSB_EV_SESSION_UPDATE &&
	    ev->hdr.type != HSB_EV_SESSION_REFRESH)
		return HSB_EVF_TYPE;
	/* The ring may pad a sample to 8 bytes; hdr.len is the record. */
	if (ev->hdr.len != sizeof(*ev) || len < sizeof(*ev))
		return HSB_EVF_LENGTH;
	if (ev->key.family != HSB_FAMILY_IPV4 &&
	    ev->key.family != HSB_FAMILY_IPV6)
		return HSB_EVF_FAMILY;
	return HSB_EVF_OK;
}

const char *hsb_event_fault_name(enum hsb_event_fault f)
{
	switch (f) {
	case HSB_EVF_OK:
		return "ok";
	case HSB_EVF_SHORT:
		return "shorter than a record header";
	case HSB_EVF_LENGTH:
		return "length does not match its type";
	case HSB_EVF_TYPE:
		return "unexpected record type";
	case HSB_EVF_FAMILY:
		return "bad address family";
	case HSB_EVF_TABLE:
		return "unknown NAT table";
	}
	return "?";
}

static void handle_record(struct hsb_collector *c, const void *data, size_t len)
{
	const struct hsb_event_hdr *hdr = data;
	enum hsb_event_fault f = hsb_event_check(data, len);

	if (f != HSB_EVF_OK) {
		c->malformed++;
		hsb_log_ratelimited(HSB_LOG_WARNING,
				    "events: dropped a record (%zu bytes): %s",
				    len, hsb_event_fault_name(f));
		return;
	}
	/* A private copy (hdr.len, checked): subscribers never see memory
	 * XDP may reuse. */
	memcpy(hsb_record_buf_next(&c->out, c->now), data, hdr->len);
}

static int on_record(void *ctx, void *data, size_t len)
{
	struct hsb_collector *c = ctx;

	handle_record(c, data, len);
	/* libbpf has already moved its consumer position past this record,
	 * so stopping here loses nothing. */
	return --c->budget ? 0 : HSB_COLLECTOR_YIELD;
}

int hsb_collector_read(struct hsb_collector *c)
{
	int n;

	c->budget = HSB_COLLECTOR_BUDGET;
	c->now = hsb_now_ns();
	n = ring_buffer__consume(c->rb);
	/* What this read yielded, in order, before anything else runs. */
	hsb_record_buf_flush(&c->out);
	if (n == HSB_COLLECTOR_YIELD) {
		c->yields++;
		return HSB_COLLECTOR_BUDGET;
	}
	if (n < 0)
		hsb_log_ratelimited(HSB_LOG_ERR, "events: ring read: %s",
				    strerror(-n));
	/* Records flow: look again shortly for the end of a burst, which
	 * XDP may not have woken us for (include/hsb/events.h). Re-armed by
	 * every such read, so it fires only once they stop. */
	if (n > 0)
		hsb_timer_arm(c->busy, HSB_EVENTS_BUSY_POLL_MS, 0);
	return n;
}

static void ring_ready(struct hsb_loop *loop, int fd, uint32_t events,
		       void *ctx)
{
	(void)loop;
	(void)fd;
	(void)events;
	hsb_collector_read(ctx);
}

/* XDP does not wake the reader for every record (include/hsb/events.h):
 * the timers bound the delay of the records it did not wake us for. */
static void poll_tick(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	(void)loop;
	(void)t;
	hsb_collector_read(ctx);
}

struct hsb_collector *hsb_collector_new(struct hsb_loop *loop,
					struct hsb_bus *bus, int ring_fd)
{
	struct hsb_collector *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	hsb_record_buf_init(&c->out, bus);
	c->rb = ring_buffer__new(ring_fd, on_record, c, NULL);
	if (!c->rb)
		goto fail;
	c->watch = hsb_loop_watch(loop, ring_buffer__epoll_fd(c->rb), EPOLLIN,
				  ring_ready, c);
	c->poll = hsb_timer_new(loop, poll_tick, c);
	c->busy = hsb_timer_new(loop, poll_tick, c);
	if (!c->watch || !c->poll || !c->busy ||
	    hsb_timer_arm(c->poll, HSB_EVENTS_POLL_MS, HSB_EVENTS_POLL_MS))
		goto fail;
	return c;
fail:
	hsb_collector_free(c);
	return NULL;
}

void hsb_collector_free(struct hsb_collector *c)
{
	if (!c)
		return;
	hsb_timer_free(c->busy);
	hsb_timer_free(c->poll);
	hsb_watch_free(c->watch);
	ring_buffer__free(c->rb);
	free(c);
}

void hsb_collector_counters(const struct hsb_collector *c,
			    struct json_object *out)
{
	json_object_object_add(out, "events_malformed",
			       json_object_new_uint64(c->malformed));
	json_object_object_add(out, "events_read_yields",
			       json_object_new_uint64(c->yields));
}
