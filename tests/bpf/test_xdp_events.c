// SPDX-License-Identifier: GPL-2.0-only
/*
 * hsb_xdp change records: NEW on create, UPDATE per state change (none
 * without one), REFRESH of long-lived sessions, DIRTY cleared by a
 * record that gets out; a lone record waking the reader, a second within
 * a millisecond not; and the proof that a full ring loses no state:
 * with a one-page ring, every session is either in a record hsbd's
 * collector published on the bus with its current state or marked
 * HSB_SESS_F_DIRTY, and a pass of hsbd's sweeper re-emits the dirty
 * entries on the same bus, leaving 0 sessions missing.
 */
#include <sys/epoll.h>

#include "xdp_harness.h"
#include "clock.h"
#include "config.h"
#include "evloop.h"
#include "records/bus.h"
#include "records/collector.h"
#include "sessions/sweeper.h"

#define C4 "10.1.0.2"
#define S4 "10.50.0.5"

static struct t_spec udp(__u16 sport)
{
	struct t_spec s = { .family = 4,
			    .src = C4,
			    .dst = S4,
			    .proto = 17,
			    .sport = sport,
			    .dport = 53 };
	return s;
}

static void test_new_record_is_the_entry(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = udp(100);
	struct hsb_session v;
	struct hsb_flow_key k;
	struct t_counters c;

	t_events_reset(f);
	t_snap(f, &c);
	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	assert_int_equal(t_drain(f), 1);
	assert_int_equal(t_session(f, &s, &v), 0);
	t_key(&s, &k);
	assert_int_equal(f->events[0].hdr.type, HSB_EV_SESSION_NEW);
	assert_int_equal(f->events[0].hdr.len, 224);
	assert_memory_equal(&f->events[0].key, &k, sizeof(k));
	assert_memory_equal(&f->events[0].sess, &v, sizeof(v));
	/* the record's time is the precise clock, the session's the coarse
	 * one (bpf/lib/events.h hsb_ev_now()): never behind it, not by much */
	assert_true(f->events[0].hdr.ts_ns >= v.last_sync_ns);
	assert_true(f->events[0].hdr.ts_ns - v.last_sync_ns < 1000000000ULL);
	assert_int_equal(v.flags & HSB_SESS_F_DIRTY, 0);
	assert_int_equal(t_delta(f, &c, HSB_CNT_EVENTS), 1);

	/* more packets, same state: no record */
	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	assert_int_equal(t_drain(f), 0);
	t_session_del(f, &s);
}

/* Whether the ring woke a reader (epoll on libbpf's ring fd) since the
 * last call, within 50 ms (a wakeup is an irq_work: it runs shortly after
 * the program, not in it): drains the ring, then asks again so the next
 * answer is about new wakeups only (epoll re-checks a ready fd's data,
 * not its wakeups). */
static int woken(struct t_fixture *f)
{
	struct epoll_event e;
	int n;

	n = epoll_wait(ring_buffer__epoll_fd(f->rb), &e, 1, 50);
	t_drain(f);
	assert_int_equal(epoll_wait(ring_buffer__epoll_fd(f->rb), &e, 1, 0), 0);
	return n;
}

/* A lone record wakes the reader at once; a second within
 * HSB_EVENTS_WAKE_NS of the wakeup does not (include/hsb/events.h). */
static void test_wakeups(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = udp(150);

	t_events_reset(f);
	woken(f);
	f->skel->bss->hsb_ev_woken_ns = 0;
	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	assert_int_equal(woken(f), 1);
	assert_true(f->skel->bss->hsb_ev_woken_ns > 0);
	/* a wakeup "just now" (later than the record, so that however
	 * late this thread runs it is within HSB_EVENTS_WAKE_NS): the next
	 * record does not wake */
	f->skel->bss->hsb_ev_woken_ns = t_now_ns() + 1000 * HSB_EVENTS_WAKE_NS;
	s.sport++;
	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	assert_int_equal(woken(f), 0);
	/* later it does (the datapath's clock is the coarse one, up to a
	 * tick - 10 ms at HZ=100 - behind this thread's) */
	f->skel->bss->hsb_ev_woken_ns = t_now_ns() - 50 * HSB_EVENTS_WAKE_NS;
	s.sport++;
	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	assert_int_equal(woken(f), 1);
	assert_int_equal(f->n_events, 3);
	t_session_del(f, &s);
	s.sport--;
	t_session_del(f, &s);
	s.sport--;
	t_session_del(f, &s);
}

/*
 * The refresh test backdates last_sync_ns by more than the interval, which
 * needs the monotonic clock (bpf_ktime_get_ns) past it: not yet so in a VM
 * that has just booted (make vmtest). Wait for it; at most the interval.
 */
static void wait_clock_past(__u64 ns)
{
	struct timespec ts;
	__u64 now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	if (now >= ns)
		return;
	ts.tv_sec = (ns - now) / 1000000000ULL;
	ts.tv_nsec = (ns - now) % 1000000000ULL;
	nanosleep(&ts, NULL);
}

static void test_refresh_long_lived(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = udp(101);
	struct hsb_session v;
	__u64 old;

	wait_clock_past(HSB_REFRESH_INTERVAL_NS + 2000000000ULL);
	t_events_reset(f);
	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	assert_int_equal(t_drain(f), 1);
	/* pretend the last record is older than the refresh interval */
	assert_int_equal(t_session(f, &s, &v), 0);
	old = v.last_sync_ns - HSB_REFRESH_INTERVAL_NS - 1000000000ULL;
	v.last_sync_ns = old;
	t_session_put(f, &s, &v);
	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	assert_int_equal(t_drain(f), 1);
	assert_int_equal(f->events[1].hdr.type, HSB_EV_SESSION_REFRESH);
	assert_int_equal(f->events[1].sess.packets[HSB_DIR_ORIG], 3);
	assert_int_equal(t_session(f, &s, &v), 0);
	assert_true(v.last_sync_ns > old + HSB_REFRESH_INTERVAL_NS);
	/* once per interval */
	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	assert_int_equal(t_drain(f), 0);
	t_session_del(f, &s);
}

static void test_record_clears_dirty(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = udp(102);
	struct t_spec r = t_rev(&s);
	struct hsb_session v;

	t_events_reset(f);
	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	assert_int_equal(t_session(f, &s, &v), 0);
	v.flags |= HSB_SESS_F_DIRTY;
	t_session_put(f, &s, &v);
	assert_int_equal(t_send(f, &r, f->if_out), XDP_REDIRECT);
	assert_int_equal(t_drain(f), 2);
	assert_int_equal(f->events[1].hdr.type, HSB_EV_SESSION_UPDATE);
	assert_int_equal(f->events[1].sess.state, HSB_CT_UDP_ESTABLISHED);
	assert_int_equal(f->events[1].sess.flags & HSB_SESS_F_DIRTY, 0);
	assert_int_equal(t_session(f, &s, &v), 0);
	assert_int_equal(v.flags & HSB_SESS_F_DIRTY, 0);
	t_session_del(f, &s);
}

/* ---- the overflow proof, with a one-page ring ------------------------ */

#define N_FLOWS 300

/* A second copy of the program in the same namespace, whose ring is one
 * page: room for 24 records of 168 bytes (with the ring's own header). */
static struct t_fixture *load_tiny(const struct t_fixture *f)
{
	struct t_fixture *g = calloc(1, sizeof(*g));
	struct hsb_rule any = t_rule_any(HSB_ACTION_PERMIT);

	assert_non_null(g);
	g->if_in = f->if_in;
	g->if_out = f->if_out;
	assert_int_equal(t_load(g, 4096), 0);
	t_set_iface(g, g->if_in, 1, HSB_ZONE_TRUST, 0);
	t_set_iface(g, g->if_out, 2, HSB_ZONE_UNTRUST, 0);
	t_set_policy(g, 0, &any, 1);
	return g;
}

/* The last consumed record for key k, or NULL. */
static const struct hsb_session_event *last_record(struct t_fixture *f,
						   const struct hsb_flow_key *k)
{
	int i;

	for (i = f->n_events - 1; i >= 0; i--)
		if (!memcmp(&f->events[i].key, k, sizeof(*k)))
			return &f->events[i];
	return NULL;
}

struct audit {
	int sessions, recorded, dirty, missing;
};

/* Every session must be dirty or match its last record: the state and
 * the zones, i.e. what a standby needs. */
static struct audit audit(struct t_fixture *f)
{
	int fd = t_map_fd(f->skel->maps.hsb_sessions);
	static struct hsb_flow_key keys[T_SESSIONS_MAX];
	static struct hsb_session vals[T_SESSIONS_MAX];
	struct audit a = { 0 };
	__u32 count = T_SESSIONS_MAX, i;
	__u64 batch = 0;
	LIBBPF_OPTS(bpf_map_batch_opts, bo);
	int err;

	err = bpf_map_lookup_batch(fd, NULL, &batch, keys, vals, &count, &bo);
	assert_true(err == 0 || errno == ENOENT);
	for (i = 0; i < count; i++) {
		const struct hsb_session_event *ev = last_record(f, &keys[i]);

		a.sessions++;
		if (vals[i].flags & HSB_SESS_F_DIRTY)
			a.dirty++;
		else if (ev && ev->sess.state == vals[i].state &&
			 ev->sess.zone_in == vals[i].zone_in &&
			 ev->sess.zone_out == vals[i].zone_out)
			a.recorded++;
		else
			a.missing++;
	}
	return a;
}

/* A subscriber of every session record: what a peer would be sent. */
static void record(const struct hsb_bus_batch *b, void *ctx)
{
	struct t_fixture *g = ctx;
	size_t i;

	for (i = 0; i < b->n && g->n_events < T_MAX_EVENTS; i++)
		g->events[g->n_events++] = b->recs[i].sess;
}

/* hsbd's side of the ring: its collector and sweeper on one bus. */
struct hsbd_side {
	struct hsb_loop *loop;
	struct hsb_bus *bus;
	struct hsb_config *cfg;
	struct hsb_collector *col;
	struct hsb_sweeper *sw;
};

static void hsbd_side_start(struct hsbd_side *h, struct t_fixture *g)
{
	h->loop = hsb_loop_new();
	h->bus = hsb_bus_new();
	h->cfg = hsb_config_new();
	assert_non_null(h->loop);
	assert_non_null(h->bus);
	assert_non_null(h->cfg);
	assert_non_null(
		hsb_bus_subscribe(h->bus, HSB_BUS_SESSION_RECORDS, record, g));
	h->col = hsb_collector_new(h->loop, h->bus,
				   t_map_fd(g->skel->maps.hsb_events));
	h->sw = hsb_sweeper_new(h->loop, h->bus,
				t_map_fd(g->skel->maps.hsb_sessions),
				T_SESSIONS_MAX, &h->cfg);
	assert_non_null(h->col);
	assert_non_null(h->sw);
}

static void hsbd_side_stop(struct hsbd_side *h)
{
	hsb_sweeper_free(h->sw);
	hsb_collector_free(h->col);
	hsb_bus_free(h->bus);
	hsb_config_free(h->cfg);
	hsb_loop_free(h->loop);
}

static void test_ring_overflow_loses_nothing(void **state)
{
	struct t_fixture *f = load_tiny(*state);
	struct hsbd_side h;
	struct t_counters c;
	struct audit a;
	int i;

	f->n_events = 0;
	hsbd_side_start(&h, f);
	t_snap(f, &c);
	/* N_FLOWS sessions, half of them answered (a state change each),
	 * and nothing consumed meanwhile: the ring holds ~24 records */
	for (i = 0; i < N_FLOWS; i++) {
		struct t_spec s = udp(1000 + i);

		assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	}
	for (i = 0; i < N_FLOWS; i += 2) {
		struct t_spec r = udp(1000 + i);

		r = t_rev(&r);
		assert_int_equal(t_send(f, &r, f->if_out), XDP_REDIRECT);
	}
	assert_int_equal(t_delta(f, &c, HSB_CNT_SESSION_NEW), N_FLOWS);
	assert_int_equal(t_delta(f, &c, HSB_CNT_EVENTS) +
				 t_delta(f, &c, HSB_CNT_RING_FULL),
			 N_FLOWS + N_FLOWS / 2);
	assert_true(t_delta(f, &c, HSB_CNT_RING_FULL) > N_FLOWS);
	/* the collector reads the ring and publishes what it read */
	assert_int_equal(hsb_collector_read(h.col),
			 t_delta(f, &c, HSB_CNT_EVENTS));
	assert_int_equal(f->n_events, t_delta(f, &c, HSB_CNT_EVENTS));
	assert_int_equal(hsb_bus_published(h.bus, HSB_EV_SESSION_NEW) +
				 hsb_bus_published(h.bus,
						   HSB_EV_SESSION_UPDATE),
			 f->n_events);

	a = audit(f);
	assert_int_equal(a.sessions, N_FLOWS);
	assert_int_equal(a.missing, 0);
	assert_int_equal(a.recorded + a.dirty, N_FLOWS);
	assert_true(a.dirty > 0);

	/* one sweeper pass (the table fits in one tick's slice) */
	hsb_sweeper_tick(h.sw, hsb_now_ns());
	assert_int_equal(hsb_bus_published(h.bus, HSB_EV_SESSION_RESYNC),
			 a.dirty);
	assert_int_equal(hsb_bus_published(h.bus, HSB_EV_SESSION_DELETE), 0);
	a = audit(f);
	assert_int_equal(a.dirty, 0);
	assert_int_equal(a.missing, 0);
	assert_int_equal(a.recorded, N_FLOWS);

	/* with room again, records flow and carry the full state */
	for (i = 1; i < 20; i += 2) {
		struct t_spec r = udp(1000 + i);

		r = t_rev(&r);
		assert_int_equal(t_send(f, &r, f->if_out), XDP_REDIRECT);
	}
	assert_int_equal(hsb_collector_read(h.col), 10);
	a = audit(f);
	assert_int_equal(a.missing, 0);
	assert_int_equal(a.dirty, 0);
	hsbd_side_stop(&h);
	t_teardown((void **)&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_record_is_the_entry),
		cmocka_unit_test(test_wakeups),
		cmocka_unit_test(test_refresh_long_lived),
		cmocka_unit_test(test_record_clears_dirty),
		cmocka_unit_test(test_ring_overflow_loses_nothing),
	};

	return cmocka_run_group_tests_name("xdp_events", tests, t_setup,
					   t_teardown);
}
