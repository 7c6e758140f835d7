// SPDX-License-Identifier: GPL-2.0-only
/*
 * The change-record bus (user/hsbd/records/bus.h): batches delivered in
 * order to every subscriber, subscribers joining and leaving mid-stream
 * (also from inside a dispatch, themselves or others), typed filtering
 * into runs of the batch, records published from a callback delivered
 * after the current batch (copied), counters per record type.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "records/bus.h"

#define MAX_CALLS 64
#define MAX_SEEN 256

/* What one subscriber saw: per call the topic and count, and every
 * record's number (hdr.ts_ns) in order. */
struct seen {
	struct hsb_bus *bus;
	struct hsb_bus_sub *sub;
	int calls;
	enum hsb_bus_topic topic[MAX_CALLS];
	size_t n[MAX_CALLS];
	const union hsb_record *first[MAX_CALLS];
	int n_recs;
	uint64_t rec[MAX_SEEN];
	/* what the callback does besides recording */
	int leave_at_call; /* unsubscribe itself at this call (1-based) */
	struct seen *kill; /* ... or unsubscribe this one */
	struct seen *add; /* ... or subscribe this one */
	uint32_t add_mask;
	int act_at_call;
	bool republish; /* a NAT_DELETE for each SESSION_DELETE seen */
};

static void on_batch(const struct hsb_bus_batch *b, void *ctx);

static struct hsb_bus_sub *sub(struct hsb_bus *bus, struct seen *s,
			       uint32_t mask)
{
	s->bus = bus;
	s->sub = hsb_bus_subscribe(bus, mask, on_batch, s);
	assert_non_null(s->sub);
	return s->sub;
}

static void on_batch(const struct hsb_bus_batch *b, void *ctx)
{
	struct seen *s = ctx;
	size_t i;

	assert_true(s->calls < MAX_CALLS);
	s->topic[s->calls] = b->topic;
	s->n[s->calls] = b->n;
	s->first[s->calls] = b->recs;
	s->calls++;
	for (i = 0; b->topic == HSB_BUS_RECORDS && i < b->n; i++) {
		assert_true(s->n_recs < MAX_SEEN);
		s->rec[s->n_recs++] = b->recs[i].hdr.ts_ns;
	}
	for (i = 0; b->topic == HSB_BUS_SWEEP_VISIT && i < b->n; i++)
		s->rec[s->n_recs++] = b->vals[i].created_ns;
	if (s->leave_at_call == s->calls)
		hsb_bus_unsubscribe(s->bus, s->sub);
	if (s->act_at_call == s->calls && s->kill)
		hsb_bus_unsubscribe(s->bus, s->kill->sub);
	if (s->act_at_call == s->calls && s->add)
		sub(s->bus, s->add, s->add_mask);
	for (i = 0; s->republish && b->topic == HSB_BUS_RECORDS && i < b->n;
	     i++) {
		union hsb_record r;

		if (b->recs[i].hdr.type != HSB_EV_SESSION_DELETE)
			continue;
		memset(&r, 0, sizeof(r));
		r.hdr.type = HSB_EV_NAT_DELETE;
		r.hdr.ts_ns = 1000 + b->recs[i].hdr.ts_ns;
		/* r lives on this stack frame only: the bus must copy */
		hsb_bus_publish_records(s->bus, &r, 1, 0);
	}
}

/* A batch of n records numbered from first, all of type t, or of the
 * types in types[] when given. */
static void publish(struct hsb_bus *bus, uint64_t first, size_t n, __u16 t,
		    const __u16 *types)
{
	union hsb_record r[16];
	size_t i;

	assert_true(n <= 16);
	memset(r, 0, sizeof(r));
	for (i = 0; i < n; i++) {
		r[i].hdr.type = types ? types[i] : t;
		r[i].hdr.ts_ns = first + i;
	}
	hsb_bus_publish_records(bus, r, n, 0);
	/* the publisher may reuse its buffer at once */
	memset(r, 0xee, sizeof(r));
}

static void assert_recs(const struct seen *s, const uint64_t *want, int n)
{
	int i;

	assert_int_equal(s->n_recs, n);
	for (i = 0; i < n; i++)
		assert_int_equal(s->rec[i], want[i]);
}

static void test_three_subscribers_one_leaves_itself(void **state)
{
	struct hsb_bus *bus = hsb_bus_new();
	struct seen a = { 0 }, b = { .leave_at_call = 2 }, c = { 0 };
	static const uint64_t all[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

	(void)state;
	sub(bus, &a, HSB_BUS_ALL_RECORDS);
	sub(bus, &b, HSB_BUS_ALL_RECORDS);
	sub(bus, &c, HSB_BUS_ALL_RECORDS);
	publish(bus, 1, 3, HSB_EV_SESSION_NEW, NULL);
	publish(bus, 4, 2, HSB_EV_SESSION_UPDATE, NULL);
	publish(bus, 6, 4, HSB_EV_SESSION_NEW, NULL);
	/* a and c: every batch whole, in order */
	assert_int_equal(a.calls, 3);
	assert_int_equal(a.n[0], 3);
	assert_int_equal(a.n[1], 2);
	assert_int_equal(a.n[2], 4);
	assert_recs(&a, all, 9);
	assert_int_equal(c.calls, 3);
	assert_recs(&c, all, 9);
	/* b left during its second call: nothing after */
	assert_int_equal(b.calls, 2);
	assert_recs(&b, all, 5);
	hsb_bus_free(bus);
}

static void test_batches_in_order(void **state)
{
	struct hsb_bus *bus = hsb_bus_new();
	struct seen a = { 0 };
	uint64_t want[40];
	int i;

	(void)state;
	sub(bus, &a, HSB_BUS_ALL_RECORDS);
	for (i = 0; i < 40; i++)
		want[i] = (uint64_t)i + 100;
	for (i = 0; i < 10; i++)
		publish(bus, 100 + 4 * i, 4,
			i & 1 ? HSB_EV_NAT_CREATE : HSB_EV_SESSION_REFRESH,
			NULL);
	assert_int_equal(a.calls, 10);
	for (i = 0; i < 10; i++)
		assert_int_equal(a.n[i], 4); /* a batch, not 4 calls */
	assert_recs(&a, want, 40);
	/* nothing for an empty batch */
	hsb_bus_publish_records(bus, NULL, 0, 0);
	assert_int_equal(a.calls, 10);
	hsb_bus_free(bus);
}

static void test_added_mid_stream_sees_only_later(void **state)
{
	struct hsb_bus *bus = hsb_bus_new();
	struct seen d = { 0 }, e = { 0 };
	struct seen a = { .add = &d,
			  .add_mask = HSB_BUS_ALL_RECORDS,
			  .act_at_call = 2 };
	static const uint64_t a_want[] = { 1, 2, 3, 4, 5, 6 };
	static const uint64_t d_want[] = { 5, 6 };
	static const uint64_t e_want[] = { 3, 4, 5, 6 };

	(void)state;
	sub(bus, &a, HSB_BUS_ALL_RECORDS);
	publish(bus, 1, 2, HSB_EV_SESSION_NEW, NULL);
	sub(bus, &e, HSB_BUS_ALL_RECORDS); /* between two batches */
	publish(bus, 3, 2, HSB_EV_SESSION_NEW, NULL); /* a adds d here */
	publish(bus, 5, 2, HSB_EV_SESSION_NEW, NULL);
	assert_recs(&a, a_want, 6);
	assert_recs(&e, e_want, 4);
	/* d joined during the second batch's dispatch: not that batch */
	assert_recs(&d, d_want, 2);
	hsb_bus_free(bus);
}

static void test_unsubscribe_another_during_dispatch(void **state)
{
	struct hsb_bus *bus = hsb_bus_new();
	struct seen before = { 0 }, after = { 0 };
	struct seen killer = { .act_at_call = 1 };
	static const uint64_t first[] = { 1, 2 };
	static const uint64_t both[] = { 1, 2, 3, 4 };

	(void)state;
	sub(bus, &before, HSB_BUS_ALL_RECORDS);
	sub(bus, &killer, HSB_BUS_ALL_RECORDS);
	sub(bus, &after, HSB_BUS_ALL_RECORDS);
	/* killer, called second, removes the first and the third */
	killer.kill = &after;
	publish(bus, 1, 2, HSB_EV_SESSION_NEW, NULL);
	/* after comes later in the same dispatch: never called */
	assert_int_equal(after.calls, 0);
	killer.kill = &before;
	killer.act_at_call = 2;
	publish(bus, 3, 2, HSB_EV_SESSION_NEW, NULL);
	/* before had this batch already when it was removed */
	assert_recs(&before, both, 4);
	publish(bus, 5, 2, HSB_EV_SESSION_NEW, NULL);
	assert_recs(&before, both, 4);
	assert_int_equal(killer.calls, 3);
	assert_recs(&after, first, 0);
	/* leaving outside a dispatch, and NULL, are fine too */
	hsb_bus_unsubscribe(bus, killer.sub);
	hsb_bus_unsubscribe(bus, NULL);
	publish(bus, 7, 1, HSB_EV_SESSION_NEW, NULL);
	assert_int_equal(killer.calls, 3);
	hsb_bus_free(bus);
}

static void test_typed_filtering(void **state)
{
	struct hsb_bus *bus = hsb_bus_new();
	struct seen all = { 0 }, del = { 0 }, nat = { 0 }, sweep = { 0 };
	struct seen del_once = { .leave_at_call = 1 };
	static const __u16 types[] = {
		HSB_EV_SESSION_NEW,
		HSB_EV_SESSION_DELETE,
		HSB_EV_SESSION_DELETE,
		HSB_EV_NAT_CREATE,
		HSB_EV_SESSION_NEW,
		HSB_EV_SESSION_DELETE,
		99, /* no subscriber can ask for it */
	};
	static const uint64_t del_want[] = { 2, 3, 6 };
	static const uint64_t nat_want[] = { 4 };
	struct hsb_bus_batch begin = { .topic = HSB_BUS_SWEEP_BEGIN };

	(void)state;
	sub(bus, &all, HSB_BUS_ALL_RECORDS);
	sub(bus, &del, HSB_BUS_TOPIC(HSB_EV_SESSION_DELETE));
	sub(bus, &nat, HSB_BUS_NAT_RECORDS);
	sub(bus, &sweep, HSB_BUS_SWEEP);
	sub(bus, &del_once, HSB_BUS_TOPIC(HSB_EV_SESSION_DELETE));
	publish(bus, 1, 7, 0, types);
	hsb_bus_publish(bus, &begin);
	/* the batch in one call, but for the last record: 99 is no type */
	assert_int_equal(all.calls, 1);
	assert_int_equal(all.n[0], 6);
	/* deletes: two runs, each pointing into the one batch */
	assert_int_equal(del.calls, 2);
	assert_int_equal(del.n[0], 2);
	assert_int_equal(del.n[1], 1);
	assert_ptr_equal(del.first[0], all.first[0] + 1);
	assert_ptr_equal(del.first[1], all.first[0] + 5);
	assert_recs(&del, del_want, 3);
	/* left during its first run: not the second run of the batch */
	assert_int_equal(del_once.calls, 1);
	assert_recs(&del_once, del_want, 2);
	assert_recs(&nat, nat_want, 1);
	/* sweep events only to whom asked */
	assert_int_equal(sweep.calls, 1);
	assert_int_equal(sweep.topic[0], HSB_BUS_SWEEP_BEGIN);
	assert_int_equal(del.calls, 2);
	/* counted per type as published */
	assert_int_equal(hsb_bus_published(bus, HSB_EV_SESSION_NEW), 2);
	assert_int_equal(hsb_bus_published(bus, HSB_EV_SESSION_DELETE), 3);
	assert_int_equal(hsb_bus_published(bus, HSB_EV_NAT_CREATE), 1);
	assert_int_equal(hsb_bus_published(bus, HSB_EV_NAT_DELETE), 0);
	assert_int_equal(hsb_bus_published(bus, 99), 0);
	hsb_bus_free(bus);
}

static void test_published_from_callback_comes_after(void **state)
{
	struct hsb_bus *bus = hsb_bus_new();
	struct seen first = { 0 }, nat = { .republish = true }, last = { 0 };
	static const __u16 types[] = { HSB_EV_SESSION_DELETE,
				       HSB_EV_SESSION_NEW,
				       HSB_EV_SESSION_DELETE };
	static const uint64_t want[] = { 1, 2, 3, 1001, 1003, 4 };

	(void)state;
	sub(bus, &first, HSB_BUS_ALL_RECORDS);
	sub(bus, &nat, HSB_BUS_ALL_RECORDS);
	sub(bus, &last, HSB_BUS_ALL_RECORDS);
	publish(bus, 1, 3, 0, types);
	publish(bus, 4, 1, HSB_EV_SESSION_NEW, NULL);
	/* everyone, before and after the publisher, sees one order: the
	 * batch whole, then what its dispatch published */
	assert_recs(&first, want, 6);
	assert_recs(&nat, want, 6);
	assert_recs(&last, want, 6);
	assert_int_equal(hsb_bus_published(bus, HSB_EV_NAT_DELETE), 2);
	hsb_bus_free(bus);
}

/* Publishes a sweep visit from inside a callback: its arrays are on the
 * stack, so the queued copy is what the others get. */
static void visit_from_callback(const struct hsb_bus_batch *b, void *ctx)
{
	struct hsb_flow_key k[3];
	struct hsb_session v[3];
	struct hsb_bus_batch visit = {
		.topic = HSB_BUS_SWEEP_VISIT, .n = 3, .keys = k, .vals = v
	};
	int i;

	(void)b;
	memset(k, 0, sizeof(k));
	memset(v, 0, sizeof(v));
	for (i = 0; i < 3; i++)
		v[i].created_ns = 50 + i;
	hsb_bus_publish(ctx, &visit);
	memset(v, 0xee, sizeof(v));
}

static void test_visit_published_from_callback(void **state)
{
	struct hsb_bus *bus = hsb_bus_new();
	struct seen s = { 0 };
	static const uint64_t want[] = { 50, 51, 52 };

	(void)state;
	assert_non_null(hsb_bus_subscribe(bus, HSB_BUS_ALL_RECORDS,
					  visit_from_callback, bus));
	sub(bus, &s, HSB_BUS_TOPIC(HSB_BUS_SWEEP_VISIT));
	publish(bus, 1, 1, HSB_EV_SESSION_NEW, NULL);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.topic[0], HSB_BUS_SWEEP_VISIT);
	assert_recs(&s, want, 3);
	hsb_bus_free(bus); /* frees the subscriptions left */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_three_subscribers_one_leaves_itself),
		cmocka_unit_test(test_batches_in_order),
		cmocka_unit_test(test_added_mid_stream_sees_only_later),
		cmocka_unit_test(test_unsubscribe_another_during_dispatch),
		cmocka_unit_test(test_typed_filtering),
		cmocka_unit_test(test_published_from_callback_comes_after),
		cmocka_unit_test(test_visit_published_from_callback),
	};

	return cmocka_run_group_tests_name("bus", tests, NULL, NULL);
}
