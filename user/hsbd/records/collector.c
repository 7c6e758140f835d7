// SPDX-License-Identifier: GPL-2.0-only
/* The collector. See collector.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "records/collector.h"
#include "evloop.h"
#include "log.h"

#define N_TYPES (HSB_EV_NAT_RESYNC + 1)

struct subscriber {
	hsb_event_fn fn;
	void *ctx;
};

struct nat_subscriber {
	hsb_nat_event_fn fn;
	void *ctx;
};

struct hsb_collector {
	struct ring_buffer *rb;
	struct hsb_watch *watch;
	struct hsb_timer *poll;
	struct subscriber subs[HSB_COLLECTOR_MAX_SUBSCRIBERS];
	unsigned int n_subs;
	struct nat_subscriber nat_subs[HSB_COLLECTOR_MAX_SUBSCRIBERS];
	unsigned int n_nat_subs;
	uint64_t by_type[N_TYPES];
	uint64_t malformed;
	unsigned int budget; /* records left in this read */
	uint64_t yields; /* reads cut short by the budget */
};

/* At most this many records per read, so a flood of new sessions cannot
 * hold the loop (VRRP adverts, the control socket) for long; the rest
 * waits for the next wakeup or poll tick. */
#define HSB_COLLECTOR_BUDGET 4096
#define HSB_COLLECTOR_YIELD (-ECANCELED)

static const char *const type_names[N_TYPES] = {
	[HSB_EV_SESSION_NEW] = "events_new",
	[HSB_EV_SESSION_UPDATE] = "events_update",
	[HSB_EV_SESSION_REFRESH] = "events_refresh",
	[HSB_EV_SESSION_DELETE] = "events_delete",
	[HSB_EV_SESSION_RESYNC] = "events_resync",
	[HSB_EV_NAT_CREATE] = "events_nat_create",
	[HSB_EV_NAT_DELETE] = "events_nat_delete",
	[HSB_EV_NAT_RESYNC] = "events_nat_resync",
};

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

void hsb_collector_publish(struct hsb_collector *c,
			   const struct hsb_session_event *ev)
{
	unsigned int i;

	if (ev->hdr.type < N_TYPES)
		c->by_type[ev->hdr.type]++;
	for (i = 0; i < c->n_subs; i++)
		c->subs[i].fn(ev, c->subs[i].ctx);
}

void hsb_collector_publish_nat(struct hsb_collector *c,
			       const struct hsb_nat_event *ev)
{
	unsigned int i;

	if (ev->hdr.type < N_TYPES)
		c->by_type[ev->hdr.type]++;
	for (i = 0; i < c->n_nat_subs; i++)
		c->nat_subs[i].fn(ev, c->nat_subs[i].ctx);
}

static void handle_record(struct hsb_collector *c, const void *data, size_t len)
{
	struct hsb_session_event ev;
	enum hsb_event_fault f = hsb_event_check(data, len);

	if (f != HSB_EVF_OK) {
		c->malformed++;
		hsb_log_ratelimited(HSB_LOG_WARNING,
				    "events: dropped a record (%zu bytes): %s",
				    len, hsb_event_fault_name(f));
		return;
	}
	if (((const struct hsb_event_hdr *)data)->type == HSB_EV_NAT_CREATE) {
		struct hsb_nat_event nev;

		memcpy(&nev, data, sizeof(nev));
		hsb_collector_publish_nat(c, &nev);
		return;
	}
	/* A private copy: subscribers never see memory XDP may reuse. */
	memcpy(&ev, data, sizeof(ev));
	hsb_collector_publish(c, &ev);
}

static int on_record(void *ctx, void *data, size_t len)
{
	struct hsb_collector *c = ctx;

	handle_record(c, data, len);
	/* libbpf has already moved its consumer position past this record,
	 * so stopping here loses nothing. */
	return --c->budget ? 0 : HSB_COLLECTOR_YIELD;
}

static void consume(struct hsb_collector *c)
{
	int n;

	c->budget = HSB_COLLECTOR_BUDGET;
	n = ring_buffer__consume(c->rb);
	if (n == HSB_COLLECTOR_YIELD)
		c->yields++;
	else if (n < 0)
		hsb_log_ratelimited(HSB_LOG_ERR, "events: ring read: %s",
				    strerror(-n));
}

static void ring_ready(struct hsb_loop *loop, int fd, uint32_t events,
		       void *ctx)
{
	(void)loop;
	(void)fd;
	(void)events;
	consume(ctx);
}

/* XDP wakes the reader only once HSB_EVENTS_WAKEUP_BYTES are pending
 * (include/hsb/events.h): the timer bounds the delay of a lone record. */
static void poll_tick(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	(void)loop;
	(void)t;
	consume(ctx);
}

struct hsb_collector *hsb_collector_new(struct hsb_loop *loop, int ring_fd)
{
	struct hsb_collector *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->rb = ring_buffer__new(ring_fd, on_record, c, NULL);
	if (!c->rb)
		goto fail;
	c->watch = hsb_loop_watch(loop, ring_buffer__epoll_fd(c->rb), EPOLLIN,
				  ring_ready, c);
	c->poll = hsb_timer_new(loop, poll_tick, c);
	if (!c->watch || !c->poll ||
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
	hsb_timer_free(c->poll);
	hsb_watch_free(c->watch);
	ring_buffer__free(c->rb);
	free(c);
}

int hsb_collector_subscribe(struct hsb_collector *c, hsb_event_fn fn, void *ctx)
{
	if (c->n_subs == HSB_COLLECTOR_MAX_SUBSCRIBERS)
		return -ENOSPC;
	c->subs[c->n_subs].fn = fn;
	c->subs[c->n_subs].ctx = ctx;
	c->n_subs++;
	return 0;
}

int hsb_collector_subscribe_nat(struct hsb_collector *c, hsb_nat_event_fn fn,
				void *ctx)
{
	if (c->n_nat_subs == HSB_COLLECTOR_MAX_SUBSCRIBERS)
		return -ENOSPC;
	c->nat_subs[c->n_nat_subs].fn = fn;
	c->nat_subs[c->n_nat_subs].ctx = ctx;
	c->n_nat_subs++;
	return 0;
}

void hsb_collector_counters(const struct hsb_collector *c,
			    struct json_object *out)
{
	unsigned int t;

	for (t = 1; t < N_TYPES; t++)
		json_object_object_add(out, type_names[t],
				       json_object_new_uint64(c->by_type[t]));
	json_object_object_add(out, "events_malformed",
			       json_object_new_uint64(c->malformed));
	json_object_object_add(out, "events_read_yields",
			       json_object_new_uint64(c->yields));
}
