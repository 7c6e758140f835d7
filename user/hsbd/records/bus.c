// SPDX-License-Identifier: GPL-2.0-only
/*
 * The change-record bus. See bus.h.
 *
 * Subscribers live in an array of pointers walked by index, so one added
 * during a dispatch (realloc) or marked dead (unsubscribed) never
 * invalidates the walk; dead ones are dropped once the outermost publish
 * returns. Batches are numbered: a subscriber sees those numbered after
 * its subscription. A batch published during a dispatch is copied and
 * queued, and the outermost publish delivers the queue in order, so
 * callbacks never nest and every subscriber sees one order.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "records/bus.h"

#define N_TYPES (HSB_EV_NAT_RESYNC + 1)

struct hsb_bus_sub {
	uint32_t mask;
	hsb_bus_fn fn;
	void *ctx;
	uint64_t from; /* the first batch number it sees */
	bool dead;
};

/* A batch published from a callback, with a copy of what it points to. */
struct pending {
	struct pending *next;
	uint64_t seq;
	struct hsb_bus_batch b;
	/* the records, or the keys then the values, follow */
};

struct hsb_bus {
	struct hsb_bus_sub **subs;
	size_t n_subs, cap_subs;
	bool some_dead;
	unsigned int depth; /* publishes under way: 0, or 1 when dispatching */
	uint64_t seq; /* batches published */
	struct pending *head, *tail;
	uint64_t by_type[N_TYPES];
};

_Static_assert(HSB_BUS_TOPICS <= 32, "topics are bits of a uint32_t");
_Static_assert(N_TYPES <= HSB_BUS_SWEEP_BEGIN, "record types below sweeps");

struct hsb_bus *hsb_bus_new(void)
{
	return calloc(1, sizeof(struct hsb_bus));
}

void hsb_bus_free(struct hsb_bus *bus)
{
	size_t i;

	if (!bus)
		return;
	while (bus->head) {
		struct pending *p = bus->head;

		bus->head = p->next;
		free(p);
	}
	for (i = 0; i < bus->n_subs; i++)
		free(bus->subs[i]);
	free(bus->subs);
	free(bus);
}

struct hsb_bus_sub *hsb_bus_subscribe(struct hsb_bus *bus, uint32_t mask,
				      hsb_bus_fn fn, void *ctx)
{
	struct hsb_bus_sub *s;

	if (bus->n_subs == bus->cap_subs) {
		size_t cap = bus->cap_subs ? 2 * bus->cap_subs : 4;
		struct hsb_bus_sub **a =
			reallocarray(bus->subs, cap, sizeof(*a));

		if (!a)
			return NULL;
		bus->subs = a;
		bus->cap_subs = cap;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->mask = mask;
	s->fn = fn;
	s->ctx = ctx;
	s->from = bus->seq + 1;
	bus->subs[bus->n_subs++] = s;
	return s;
}

/* Drops the dead subscribers, keeping the order of the others. */
static void compact(struct hsb_bus *bus)
{
	size_t i, n = 0;

	for (i = 0; i < bus->n_subs; i++) {
		if (bus->subs[i]->dead)
			free(bus->subs[i]);
		else
			bus->subs[n++] = bus->subs[i];
	}
	bus->n_subs = n;
	bus->some_dead = false;
}

void hsb_bus_unsubscribe(struct hsb_bus *bus, struct hsb_bus_sub *sub)
{
	if (!sub)
		return;
	sub->dead = true;
	bus->some_dead = true;
	if (!bus->depth)
		compact(bus);
}

static bool wants(const struct hsb_bus_sub *s, __u16 type)
{
	return type < 32 && (s->mask & HSB_BUS_TOPIC(type));
}

/* The runs of records s asked for, one call each. */
static void deliver_runs(struct hsb_bus_sub *s, const struct hsb_bus_batch *b)
{
	struct hsb_bus_batch run = *b;
	size_t i = 0, start;

	while (i < b->n && !s->dead) {
		while (i < b->n && !wants(s, b->recs[i].hdr.type))
			i++;
		start = i;
		while (i < b->n && wants(s, b->recs[i].hdr.type))
			i++;
		if (i == start)
			break;
		run.recs = b->recs + start;
		run.n = i - start;
		s->fn(&run, s->ctx);
	}
}

static void dispatch(struct hsb_bus *bus, const struct hsb_bus_batch *b,
		     uint64_t seq)
{
	size_t i;

	/* n_subs is read again each time: subscribers added meanwhile
	 * come after seq and are skipped */
	for (i = 0; i < bus->n_subs; i++) {
		struct hsb_bus_sub *s = bus->subs[i];

		if (s->dead || s->from > seq)
			continue;
		if (b->topic == HSB_BUS_RECORDS)
			deliver_runs(s, b);
		else if (s->mask & HSB_BUS_TOPIC(b->topic))
			s->fn(b, s->ctx);
	}
}

static size_t payload_size(const struct hsb_bus_batch *b)
{
	if (b->topic == HSB_BUS_RECORDS)
		return b->n * sizeof(*b->recs);
	if (b->topic == HSB_BUS_SWEEP_VISIT)
		return b->n * (sizeof(*b->keys) + sizeof(*b->vals));
	return 0;
}

static int enqueue(struct hsb_bus *bus, const struct hsb_bus_batch *b,
		   uint64_t seq)
{
	size_t size = payload_size(b);
	struct pending *p = malloc(sizeof(*p) + size);
	char *data;

	if (!p)
		return -ENOMEM;
	data = (char *)(p + 1);
	p->next = NULL;
	p->seq = seq;
	p->b = *b;
	if (b->topic == HSB_BUS_RECORDS) {
		memcpy(data, b->recs, size);
		p->b.recs = (const union hsb_record *)data;
	} else if (b->topic == HSB_BUS_SWEEP_VISIT) {
		memcpy(data, b->keys, b->n * sizeof(*b->keys));
		p->b.keys = (const struct hsb_flow_key *)data;
		data += b->n * sizeof(*b->keys);
		memcpy(data, b->vals, b->n * sizeof(*b->vals));
		p->b.vals = (const struct hsb_session *)data;
	}
	if (bus->tail)
		bus->tail->next = p;
	else
		bus->head = p;
	bus->tail = p;
	return 0;
}

static void drain(struct hsb_bus *bus)
{
	struct pending *p;

	while ((p = bus->head)) {
		bus->head = p->next;
		if (!bus->head)
			bus->tail = NULL;
		dispatch(bus, &p->b, p->seq);
		free(p);
	}
}

void hsb_bus_publish(struct hsb_bus *bus, const struct hsb_bus_batch *b)
{
	uint64_t seq = ++bus->seq;
	size_t i;

	if (b->topic == HSB_BUS_RECORDS)
		for (i = 0; i < b->n; i++)
			if (b->recs[i].hdr.type < N_TYPES)
				bus->by_type[b->recs[i].hdr.type]++;
	if (bus->depth) {
		/* Delivered after the batch being dispatched. Without memory
		 * for the copy it is dropped: delivering it now, nested,
		 * would break the one order every subscriber relies on. */
		if (enqueue(bus, b, seq))
			hsb_log_ratelimited(
				HSB_LOG_ERR,
				"bus: out of memory, a batch of %zu lost",
				b->n);
		return;
	}
	bus->depth++;
	dispatch(bus, b, seq);
	drain(bus);
	bus->depth--;
	if (bus->some_dead)
		compact(bus);
}

void hsb_bus_publish_records(struct hsb_bus *bus, const union hsb_record *recs,
			     size_t n, uint64_t now_ns)
{
	struct hsb_bus_batch b = {
		.topic = HSB_BUS_RECORDS, .now_ns = now_ns, .n = n, .recs = recs
	};

	if (n)
		hsb_bus_publish(bus, &b);
}

uint64_t hsb_bus_published(const struct hsb_bus *bus, unsigned int type)
{
	return type < N_TYPES ? bus->by_type[type] : 0;
}
