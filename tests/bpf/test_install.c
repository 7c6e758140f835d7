// SPDX-License-Identifier: GPL-2.0-only
/*
 * The install path (user/hsbd/datapath/install.h) between two sets of
 * maps: a "peer" datapath (A) makes the entries from real packets and
 * reports them on its ring; their records, in transfer form, are
 * installed into a fresh datapath (B) on a clock that differs, and read
 * back equal but for the listed fields (install_prep.h). Sessions of
 * IPv4 and IPv6 in every state of TCP, UDP and ICMP; PAT, NO-PAT and
 * server-map entries; then under BPF_PROG_TEST_RUN packets of an
 * installed session take B's established path (counters) with the
 * installed translation (bytes, every checksum recomputed); the
 * references: one per installed session, kept over updates, given back
 * by the real removal path until the mapping is gone; and what B must
 * refuse, counted. B emits no record for anything installed.
 */
#include "nat_harness.h"
#include "../unit/install_expect.h"
#include "datapath/datapath.h"
#include "datapath/install.h"
#include "nat/nat_engine.h"
#include "nat/nat_install.h"
#include "nat/nat_ref.h"
#include "records/bus.h"
#include "records/record_buf.h"
#include "records/xfer.h"
#include "sessions/session_table.h"

#define SEC 1000000000ULL
#define SKEW (7 * SEC) /* B's clock runs this much ahead of A's */

static struct t_fixture *fb; /* the fresh maps */
static int b_records; /* records B's ring got */
static struct hsb_install inst;

static int count_b(void *ctx, void *data, size_t size)
{
	(void)ctx;
	(void)data;
	(void)size;
	b_records++;
	return 0;
}

static void b_drain(void)
{
	ring_buffer__consume(fb->rb);
}

/* A fresh B: maps empty, NAT lookups all off (hsbd's skip bits for empty
 * tables: the install must switch on what it needs), an installer. */
static void fresh_b(void)
{
	struct hsb_dp_maps m;

	if (fb) {
		ring_buffer__free(fb->rb);
		hsb_xdp_bpf__destroy(fb->skel);
		free(fb);
	}
	fb = calloc(1, sizeof(*fb));
	assert_non_null(fb);
	assert_int_equal(t_load(fb, 0), 0);
	ring_buffer__free(fb->rb);
	fb->rb = ring_buffer__new(bpf_map__fd(fb->skel->maps.hsb_events),
				  count_b, NULL, NULL);
	assert_non_null(fb->rb);
	fb->if_in = if_nametoindex("hsbt-in");
	fb->if_out = if_nametoindex("hsbt-out");
	t_set_iface(fb, fb->if_in, 1, HSB_ZONE_TRUST, 0);
	t_set_iface(fb, fb->if_out, 2, HSB_ZONE_UNTRUST, 0);
	{
		struct hsb_rule any = t_rule_any(HSB_ACTION_PERMIT);

		t_set_policy(fb, 0, &any, 1);
	}
	fb->skel->bss->hsb_nat_skip =
		HSB_NAT_SKIP_PAT | HSB_NAT_SKIP_NOPAT | HSB_NAT_SKIP_SRV |
		HSB_NAT_SKIP_SRV_NOPORT | HSB_NAT_SKIP_SRV_ANY;
	memset(&m, 0, sizeof(m));
	m.sessions = t_map_fd(fb->skel->maps.hsb_sessions);
	m.nat_pat = t_map_fd(fb->skel->maps.hsb_nat_pat);
	m.nat_nopat = t_map_fd(fb->skel->maps.hsb_nat_nopat);
	m.nat_srv = t_map_fd(fb->skel->maps.hsb_nat_srv);
	m.nat_release = bpf_program__fd(fb->skel->progs.hsb_nat_release);
	hsb_install_init(&inst, &m, &fb->skel->bss->hsb_nat_skip);
	b_records = 0;
}

static int setup(void **state)
{
	if (nat_setup(state))
		return -1;
	fresh_b();
	return 0;
}

static int teardown(void **state)
{
	if (fb) {
		ring_buffer__free(fb->rb);
		hsb_xdp_bpf__destroy(fb->skel);
		free(fb);
		fb = NULL;
	}
	return t_teardown(state);
}

/* ---- entries and records -------------------------------------------- */

/* A record of the entry under k in map fd as hsbd re-emits one (the
 * sweeper's resync, the NAT sweep): header, then the value in val. */
static void read_record(struct hsb_event_hdr *hdr, __u16 type, size_t len,
			int fd, const void *k, void *val)
{
	memset(hdr, 0, len);
	hdr->type = type;
	hdr->len = (__u16)len;
	hdr->ts_ns = t_now_ns();
	assert_int_equal(bpf_map_lookup_elem(fd, k, val), 0);
}

/* The record of A's session key. */
static struct hsb_session_event a_record(struct t_fixture *a,
					 const struct hsb_flow_key *k)
{
	struct hsb_session_event ev;

	read_record(&ev.hdr, HSB_EV_SESSION_RESYNC, sizeof(ev),
		    t_map_fd(a->skel->maps.hsb_sessions), k, &ev.sess);
	ev.key = *k;
	return ev;
}

/* Session record ev into B, sent at now_a on A's clock. */
static enum hsb_install_fault put_session(const struct hsb_session_event *ev,
					  uint64_t now_a)
{
	struct hsb_xfer_session x;

	hsb_xfer_session_of(ev, now_a, &x);
	return hsb_install_session(&inst, &x, now_a + SKEW);
}

static enum hsb_install_fault put_nat(const struct hsb_nat_event *ev,
				      uint64_t now_a)
{
	struct hsb_xfer_nat x;

	hsb_xfer_nat_of(ev, now_a, &x);
	return hsb_install_nat(&inst, &x, now_a + SKEW);
}

/* B's entry equals A's but for the listed fields (install_prep.h). */
static void expect_installed(const struct hsb_session *a,
			     const struct hsb_session *b, uint64_t now_b)
{
	struct hsb_session w = install_expected(a, SKEW, now_b);

	assert_memory_equal(b, &w, sizeof(w));
}

static int b_session(const struct hsb_flow_key *k, struct hsb_session *v)
{
	return bpf_map_lookup_elem(t_map_fd(fb->skel->maps.hsb_sessions), k, v);
}

/* ---- sessions in every state ------------------------------------------ */

/* A first packet of proto through A makes the session (XDP's own entry,
 * next hop cached); its state is then set to st as the tracker would
 * have it after more packets. */
static void session_case(struct t_fixture *a, int family, __u8 proto, __u8 st,
			 __u16 sport)
{
	struct t_spec s = { .family = family,
			    .src = family == 4 ? "10.1.0.2" : "fd01::2",
			    .dst = family == 4 ? "10.50.0.5" : "fd50::5",
			    .proto = proto,
			    .sport = sport,
			    .dport = 443,
			    .tcp_flags = T_TCP_SYN,
			    .icmp_type = family == 4 ? 8 : 128 };
	struct hsb_session_event ev;
	struct hsb_session av, bv;
	struct hsb_flow_key k;
	uint64_t now;

	t_key(&s, &k);
	assert_int_equal(t_send(a, &s, a->if_in), XDP_REDIRECT);
	assert_int_equal(t_session(a, &s, &av), 0);
	assert_int_not_equal(av.nh[HSB_DIR_ORIG].gen, 0); /* cached */
	av.state = st;
	if (proto == 6 && st >= HSB_CT_FIN_WAIT)
		av.flags |= HSB_SESS_F_FIN_ORIG;
	if (proto == 6 && st == HSB_CT_TIME_WAIT)
		av.flags |= HSB_SESS_F_FIN_REPLY;
	av.packets[HSB_DIR_REPLY] = 3;
	av.bytes[HSB_DIR_REPLY] = 4500;
	t_session_put(a, &s, &av);

	ev = a_record(a, &k);
	now = t_now_ns();
	assert_int_equal(put_session(&ev, now), HSB_INSF_OK);
	assert_int_equal(b_session(&k, &bv), 0);
	expect_installed(&ev.sess, &bv, now + SKEW);
}

static void test_sessions_every_state(void **state)
{
	struct t_fixture *a = *state;
	__u16 sport = 20000;
	int family, n = 0;
	__u8 st;

	reset(a);
	fresh_b();
	for (family = 4; family <= 6; family += 2) {
		__u8 icmp = family == 4 ? 1 : 58;

		for (st = HSB_CT_SYN_SENT; st <= HSB_CT_CLOSE; st++, n++)
			session_case(a, family, 6, st, sport++);
		for (st = HSB_CT_UDP_NEW; st <= HSB_CT_UDP_ESTABLISHED;
		     st++, n++)
			session_case(a, family, 17, st, sport++);
		for (st = HSB_CT_ICMP_NEW; st <= HSB_CT_ICMP_REPLIED; st++, n++)
			session_case(a, family, icmp, st, sport++);
	}
	assert_int_equal(n, 22);
	assert_int_equal(inst.stats.sessions, 22);
	/* nothing of it came out of B's datapath */
	b_drain();
	assert_int_equal(b_records, 0);
	assert_int_equal(t_counter(fb, HSB_CNT_SESSION_NEW), 0);
	assert_int_equal(t_counter(fb, HSB_CNT_EVENTS), 0);
}

/* ---- PAT: round trip, fast path, references ----------------------------- */

struct pat_flow {
	struct t_spec s;
	struct hsb_flow_key k;
	struct hsb_session_event rec; /* its last record from A's ring */
};

/* The last record A's ring gave for key k. */
static struct hsb_session_event last_record(struct t_fixture *a,
					    const struct hsb_flow_key *k)
{
	int i;

	for (i = a->n_events - 1; i >= 0; i--)
		if (!memcmp(&a->events[i].key, k, sizeof(*k)))
			return a->events[i];
	fail_msg("no record for the session");
	return a->events[0];
}

/* Makes on A two TCP sessions of inside endpoint IN4:7000 sharing one
 * PAT mapping (the first established), collects A's records, and makes
 * a fresh B. Returns A's clock then. */
static uint64_t pat_on_a(struct t_fixture *a, struct pat_flow *f1,
			 struct pat_flow *f2, char *pool, __u16 *pp)
{
	struct frame in, out;
	struct t_spec r;

	reset(a);
	use_group(a, G_PAT, HSB_NAT_PART_NONE);
	f1->s = spec(6, IN4, 7000, SRV4, 80);
	f2->s = spec(6, IN4, 7000, "10.50.0.6", 443);
	build(&f1->s, &in, 0);
	assert_int_equal(run(a, &in, a->if_in, &out), XDP_REDIRECT);
	inet_ntop(AF_INET, out.b + out.l3 + 12, pool, 16);
	*pp = get16(out.b + out.l4);
	r = t_rev(&f1->s);
	r.dst = pool;
	r.dport = *pp;
	r.tcp_flags = T_TCP_SYN | T_TCP_ACK;
	build(&r, &in, 0);
	assert_int_equal(run(a, &in, a->if_out, &out), XDP_REDIRECT);
	f1->s.tcp_flags = T_TCP_ACK;
	build(&f1->s, &in, 0);
	assert_int_equal(run(a, &in, a->if_in, &out), XDP_REDIRECT);
	assert_int_equal(t_state(a, &f1->s), HSB_CT_ESTABLISHED);
	build(&f2->s, &in, 0);
	assert_int_equal(run(a, &in, a->if_in, &out), XDP_REDIRECT);
	expect_src(&out, pool, *pp); /* joined */
	t_drain(a);
	assert_int_equal(n_nat_events, 1);
	assert_int_equal(nat_events[0].hdr.type, HSB_EV_NAT_CREATE);
	t_key(&f1->s, &f1->k);
	t_key(&f2->s, &f2->k);
	f1->rec = last_record(a, &f1->k);
	f2->rec = last_record(a, &f2->k);
	assert_int_equal(f1->rec.sess.state, HSB_CT_ESTABLISHED);
	fresh_b();
	return t_now_ns();
}

static int nat_get(struct t_fixture *f, int fd_of_b, const char *addr,
		   __u16 port, __u8 proto, __u8 dir, struct hsb_nat_entry *e)
{
	struct hsb_nat_key k = {
		.addr = a4(addr), .port = port, .proto = proto, .dir = dir
	};
	int fd = fd_of_b ? t_map_fd(fb->skel->maps.hsb_nat_pat) :
			   t_map_fd(f->skel->maps.hsb_nat_pat);

	return bpf_map_lookup_elem(fd, &k, e);
}

static void test_pat_round_trip_and_fast_path(void **state)
{
	struct t_fixture *a = *state;
	struct pat_flow f1, f2;
	struct hsb_nat_entry ap, bp, ai, bi;
	struct hsb_session bv;
	struct t_counters c;
	struct frame in, out;
	struct t_spec r;
	char pool[16];
	uint64_t now;
	__u16 pp;

	now = pat_on_a(a, &f1, &f2, pool, &pp);
	/* in the ring's order: the mapping's record comes first, when no
	 * session here holds it yet */
	assert_int_equal(put_nat(&nat_events[0], now), HSB_INSF_OK);
	assert_int_equal(inst.stats.unheld, 1);
	assert_int_not_equal(nat_get(a, 1, pool, pp, 6, HSB_NAT_DIR_PUB, &bp),
			     0);
	assert_int_equal(put_session(&f1.rec, now), HSB_INSF_OK);
	assert_int_equal(put_session(&f2.rec, now), HSB_INSF_OK);
	assert_int_equal(put_nat(&nat_events[0], now), HSB_INSF_OK);
	assert_int_equal(inst.stats.mappings, 1);
	/* an update of an installed session keeps its one reference */
	assert_int_equal(put_session(&f1.rec, now), HSB_INSF_OK);
	assert_int_equal(inst.stats.sessions, 3);

	/* the mapping, both keys, equal to A's but for the listed fields */
	assert_int_equal(nat_get(a, 0, pool, pp, 6, HSB_NAT_DIR_PUB, &ap), 0);
	assert_int_equal(nat_get(a, 1, pool, pp, 6, HSB_NAT_DIR_PUB, &bp), 0);
	assert_int_equal(ap.refcnt, 2);
	assert_int_equal(bp.refcnt, 2);
	assert_int_equal(bp.flags, ap.flags | HSB_NAT_F_FROM_PEER);
	assert_int_equal(bp.created_ns, ap.created_ns + SKEW);
	assert_int_equal(bp.last_ref_ns, now + SKEW);
	bp.flags = ap.flags;
	bp.created_ns = ap.created_ns;
	bp.last_ref_ns = ap.last_ref_ns;
	assert_memory_equal(&bp, &ap, sizeof(ap));
	assert_int_equal(nat_get(a, 0, IN4, 7000, 6, HSB_NAT_DIR_IN, &ai), 0);
	assert_int_equal(nat_get(a, 1, IN4, 7000, 6, HSB_NAT_DIR_IN, &bi), 0);
	assert_int_equal(bi.created_ns, ai.created_ns + SKEW);
	bi.created_ns = ai.created_ns;
	bi.last_ref_ns = ai.last_ref_ns;
	assert_memory_equal(&bi, &ai, sizeof(ai));
	/* the sessions */
	assert_int_equal(b_session(&f1.k, &bv), 0);
	expect_installed(&f1.rec.sess, &bv, now + SKEW);
	assert_int_equal(bv.nat.kind, HSB_NAT_KIND_PAT);
	/* the lookups replies need are on, the others still off */
	assert_int_equal(fb->skel->bss->hsb_nat_skip & HSB_NAT_SKIP_PAT, 0);
	assert_true(fb->skel->bss->hsb_nat_skip & HSB_NAT_SKIP_NOPAT);

	/* B forwards the established session on its fast path with the
	 * installed translation: no new session, no NAT decision, the
	 * first packet refills the zeroed next-hop cache, the second uses
	 * it */
	t_snap(fb, &c);
	f1.s.tcp_flags = T_TCP_ACK | T_TCP_PSH;
	f1.s.payload = 100;
	build(&f1.s, &in, 0);
	assert_int_equal(run(fb, &in, fb->if_in, &out), XDP_REDIRECT);
	verify_frame(&out);
	expect_src(&out, pool, pp);
	expect_dst(&out, SRV4, 80);
	assert_memory_equal(out.b, t_mac_nh_out, 6);
	assert_int_equal(run(fb, &in, fb->if_in, &out), XDP_REDIRECT);
	expect_src(&out, pool, pp);
	r = t_rev(&f1.s);
	r.dst = pool;
	r.dport = pp;
	r.tcp_flags = T_TCP_ACK;
	build(&r, &in, 0);
	assert_int_equal(run(fb, &in, fb->if_out, &out), XDP_REDIRECT);
	verify_frame(&out);
	expect_src(&out, SRV4, 80);
	expect_dst(&out, IN4, 7000);
	assert_memory_equal(out.b, t_mac_nh_in, 6);
	assert_int_equal(t_delta(fb, &c, HSB_CNT_SESSION_HIT), 3);
	assert_int_equal(t_delta(fb, &c, HSB_CNT_SESSION_NEW), 0);
	assert_int_equal(t_delta(fb, &c, HSB_CNT_NAT_SNAT), 0);
	assert_int_equal(t_delta(fb, &c, HSB_CNT_NAT_XLATE), 3);
	assert_int_equal(t_delta(fb, &c, HSB_CNT_NH_MISS), 2); /* 1 a way */
	assert_int_equal(t_delta(fb, &c, HSB_CNT_STATE_CHANGE), 0);
	assert_int_equal(b_session(&f1.k, &bv), 0);
	assert_int_equal(bv.packets[HSB_DIR_ORIG],
			 f1.rec.sess.packets[HSB_DIR_ORIG] + 2);
	assert_int_equal(bv.packets[HSB_DIR_REPLY],
			 f1.rec.sess.packets[HSB_DIR_REPLY] + 1);
	/* and nothing went back out as a change of B */
	b_drain();
	assert_int_equal(b_records, 0);
}

/* ---- references given back through the real removal path ------------- */

struct releaser {
	int prog;
	int released, freed, misses;
};

/* What the NAT engine does with a session delete (nat_engine.c). */
static void on_delete(const struct hsb_bus_batch *b, void *ctx)
{
	struct releaser *rl = ctx;
	struct hsb_nat_release_args a;
	size_t i;

	for (i = 0; i < b->n; i++) {
		if (!hsb_nat_session_ref(&b->recs[i].sess.key,
					 &b->recs[i].sess.sess, &a))
			continue;
		a.op = HSB_NAT_OP_RELEASE;
		assert_int_equal(hsb_nat_run_release(rl->prog, &a), 0);
		if (a.result < 0) {
			rl->misses++;
			continue;
		}
		rl->released++;
		rl->freed += a.deleted;
	}
}

static void remove_b(struct hsb_record_buf *rb, const struct hsb_flow_key *k)
{
	struct hsb_session v;

	assert_int_equal(b_session(k, &v), 0);
	assert_int_equal(
		hsb_session_remove(t_map_fd(fb->skel->maps.hsb_sessions), rb, k,
				   &v, t_now_ns()),
		0);
	hsb_record_buf_flush(rb);
}

static void test_pat_released_on_remove(void **state)
{
	struct t_fixture *a = *state;
	struct releaser rl = { 0 };
	struct hsb_record_buf *rb = calloc(1, sizeof(*rb));
	struct hsb_bus *bus = hsb_bus_new();
	struct hsb_nat_entry e;
	struct pat_flow f1, f2;
	char pool[16];
	uint64_t now;
	__u16 pp;

	assert_non_null(rb);
	assert_non_null(bus);
	now = pat_on_a(a, &f1, &f2, pool, &pp);
	rl.prog = bpf_program__fd(fb->skel->progs.hsb_nat_release);
	assert_non_null(hsb_bus_subscribe(
		bus, HSB_BUS_TOPIC(HSB_EV_SESSION_DELETE), on_delete, &rl));
	hsb_record_buf_init(rb, bus);
	assert_int_equal(put_session(&f1.rec, now), HSB_INSF_OK);
	assert_int_equal(put_session(&f2.rec, now), HSB_INSF_OK);
	assert_int_equal(nat_get(a, 1, pool, pp, 6, HSB_NAT_DIR_PUB, &e), 0);
	assert_int_equal(e.refcnt, 2);

	remove_b(rb, &f1.k);
	assert_int_equal(nat_get(a, 1, pool, pp, 6, HSB_NAT_DIR_PUB, &e), 0);
	assert_int_equal(e.refcnt, 1);
	remove_b(rb, &f2.k);
	/* the last reference freed both keys: nothing leaks */
	assert_int_equal(rl.released, 2);
	assert_int_equal(rl.freed, 1);
	assert_int_equal(rl.misses, 0);
	assert_int_not_equal(nat_get(a, 1, pool, pp, 6, HSB_NAT_DIR_PUB, &e),
			     0);
	assert_int_not_equal(nat_get(a, 1, IN4, 7000, 6, HSB_NAT_DIR_IN, &e),
			     0);
	assert_int_not_equal(
		bpf_map_get_next_key(t_map_fd(fb->skel->maps.hsb_nat_pat), NULL,
				     &e),
		0);
	/* a second delete of the same session releases nothing more */
	assert_int_equal(
		hsb_session_remove(t_map_fd(fb->skel->maps.hsb_sessions), rb,
				   &f1.k, &f1.rec.sess, now),
		-ENOENT);
	hsb_record_buf_flush(rb);
	assert_int_equal(rl.released, 2);

	/* re-installed and replaced by a translation without a mapping:
	 * the replaced one's reference is given back */
	assert_int_equal(put_session(&f1.rec, now), HSB_INSF_OK);
	assert_int_equal(nat_get(a, 1, pool, pp, 6, HSB_NAT_DIR_PUB, &e), 0);
	f1.rec.sess.flags &= ~HSB_SESS_F_NAT;
	memset(&f1.rec.sess.nat, 0, sizeof(f1.rec.sess.nat));
	assert_int_equal(put_session(&f1.rec, now), HSB_INSF_OK);
	assert_int_not_equal(nat_get(a, 1, pool, pp, 6, HSB_NAT_DIR_PUB, &e),
			     0);
	hsb_bus_free(bus);
	free(rb);
}

/* ---- NO-PAT ------------------------------------------------------------ */

static void test_nopat_round_trip(void **state)
{
	struct t_fixture *a = *state;
	struct t_spec s = spec(17, IN4B, 5000, SRV4, 53), r;
	struct hsb_session_event rec;
	struct hsb_nat_entry ae, be;
	struct hsb_nat_key k = { .dir = HSB_NAT_DIR_PUB };
	struct hsb_flow_key key;
	struct frame in, out;
	struct t_counters c;
	char pub[16];
	uint64_t now;

	reset(a);
	use_group(a, G_NOPAT, HSB_NAT_PART_NONE);
	build(&s, &in, 0);
	assert_int_equal(run(a, &in, a->if_in, &out), XDP_REDIRECT);
	inet_ntop(AF_INET, out.b + out.l3 + 12, pub, sizeof(pub));
	t_drain(a);
	assert_int_equal(n_nat_events, 1);
	t_key(&s, &key);
	rec = last_record(a, &key);

	fresh_b();
	now = t_now_ns();
	assert_int_equal(put_session(&rec, now), HSB_INSF_OK);
	assert_int_equal(put_nat(&nat_events[0], now), HSB_INSF_OK);
	assert_int_equal(inst.stats.mappings, 1);
	k.addr = a4(pub);
	assert_int_equal(
		bpf_map_lookup_elem(t_map_fd(a->skel->maps.hsb_nat_nopat), &k,
				    &ae),
		0);
	assert_int_equal(
		bpf_map_lookup_elem(t_map_fd(fb->skel->maps.hsb_nat_nopat), &k,
				    &be),
		0);
	assert_int_equal(be.flags, ae.flags | HSB_NAT_F_FROM_PEER);
	assert_int_equal(be.created_ns, ae.created_ns + SKEW);
	be.flags = ae.flags;
	be.created_ns = ae.created_ns;
	be.last_ref_ns = ae.last_ref_ns;
	assert_memory_equal(&be, &ae, sizeof(ae));
	k.addr = a4(IN4B);
	k.dir = HSB_NAT_DIR_IN;
	assert_int_equal(
		bpf_map_lookup_elem(t_map_fd(fb->skel->maps.hsb_nat_nopat), &k,
				    &be),
		0);
	assert_int_equal(be.addr, a4(pub));

	/* a reply reaches the inside host through B's installed mapping */
	t_snap(fb, &c);
	r = t_rev(&s);
	r.dst = pub;
	build(&r, &in, 0);
	assert_int_equal(run(fb, &in, fb->if_out, &out), XDP_REDIRECT);
	verify_frame(&out);
	expect_dst(&out, IN4B, 5000);
	assert_int_equal(t_delta(fb, &c, HSB_CNT_SESSION_HIT), 1);
	assert_int_equal(t_delta(fb, &c, HSB_CNT_SESSION_NEW), 0);
}

/* ---- server map ---------------------------------------------------------- */

/* The record of A's server-map PUB entry, as the NAT engine's sweep
 * reads it. */
static struct hsb_nat_event srv_record(struct t_fixture *a,
				       const struct hsb_nat_key *k)
{
	struct hsb_nat_event ev;

	read_record(&ev.hdr, HSB_EV_NAT_RESYNC, sizeof(ev),
		    t_map_fd(a->skel->maps.hsb_nat_srv), k, &ev.nat.val);
	ev.nat.table = HSB_NAT_TABLE_SRV;
	ev.nat.key = *k;
	return ev;
}

static void srv_both(struct t_fixture *f, struct hsb_nat_key k,
		     struct hsb_nat_entry *pub, struct hsb_nat_entry *in)
{
	int fd = t_map_fd(f->skel->maps.hsb_nat_srv);

	assert_int_equal(bpf_map_lookup_elem(fd, &k, pub), 0);
	k.addr = pub->addr;
	k.port = pub->port;
	k.dir = HSB_NAT_DIR_IN;
	assert_int_equal(bpf_map_lookup_elem(fd, &k, in), 0);
}

static void expect_srv_equal(struct t_fixture *a, struct hsb_nat_key k)
{
	struct hsb_nat_entry ap, ai, bp, bi;

	srv_both(a, k, &ap, &ai);
	srv_both(fb, k, &bp, &bi);
	assert_int_equal(bp.flags, ap.flags | HSB_NAT_F_FROM_PEER);
	/* a time never set (a configured server's) stays unset */
	assert_int_equal(bp.created_ns,
			 ap.created_ns ? ap.created_ns + SKEW : 0);
	assert_int_equal(bp.last_ref_ns, 0);
	assert_int_equal(bp.expires_ns,
			 ap.expires_ns ? ap.expires_ns + SKEW : 0);
	bp.flags = ap.flags;
	bp.created_ns = ap.created_ns;
	bp.last_ref_ns = ap.last_ref_ns;
	bp.expires_ns = ap.expires_ns;
	assert_memory_equal(&bp, &ap, sizeof(ap));
	bi.flags = ai.flags;
	bi.created_ns = ai.created_ns;
	bi.last_ref_ns = ai.last_ref_ns;
	bi.expires_ns = ai.expires_ns;
	assert_memory_equal(&bi, &ai, sizeof(ai));
}

static void test_server_map_round_trip(void **state)
{
	struct t_fixture *a = *state;
	struct hsb_nat_key www = { .addr = a4(GLOBAL_WWW),
				   .port = 80,
				   .proto = 6,
				   .dir = HSB_NAT_DIR_PUB };
	struct hsb_nat_key all = { .addr = a4(GLOBAL_ALL),
				   .dir = HSB_NAT_DIR_PUB };
	struct hsb_nat_event ev;
	struct t_spec s = spec(6, OUT4, 5555, GLOBAL_WWW, 80);
	struct frame in, out;
	struct t_counters c;
	uint64_t now = t_now_ns();

	reset(a);
	srv_put(a, GLOBAL_WWW, 80, 6, IN4, 8080, HSB_ZONE_UNTRUST);
	srv_put(a, GLOBAL_ALL, 0, 0, IN4B, 0, HSB_ZONE_ANY);
	{
		/* make the second a pinhole with a deadline */
		struct hsb_nat_entry p, i;
		struct hsb_nat_key ik = { .addr = a4(IN4B),
					  .dir = HSB_NAT_DIR_IN };
		int fd = t_map_fd(a->skel->maps.hsb_nat_srv);

		srv_both(a, all, &p, &i);
		p.flags = i.flags = HSB_NAT_F_DYNAMIC;
		p.created_ns = i.created_ns = now - 5 * SEC;
		p.expires_ns = i.expires_ns = now + 60 * SEC;
		assert_int_equal(bpf_map_update_elem(fd, &all, &p, BPF_EXIST),
				 0);
		assert_int_equal(bpf_map_update_elem(fd, &ik, &i, BPF_EXIST),
				 0);
	}
	fresh_b();
	ev = srv_record(a, &www);
	assert_int_equal(put_nat(&ev, now), HSB_INSF_OK);
	ev = srv_record(a, &all);
	assert_int_equal(put_nat(&ev, now), HSB_INSF_OK);
	assert_int_equal(inst.stats.servers, 2);
	expect_srv_equal(a, www);
	expect_srv_equal(a, all);
	assert_int_equal(fb->skel->bss->hsb_nat_skip &
				 (HSB_NAT_SKIP_SRV | HSB_NAT_SKIP_SRV_ANY),
			 0);

	/* a first packet to the global address: B's DNAT from it */
	t_snap(fb, &c);
	build(&s, &in, 0);
	assert_int_equal(run(fb, &in, fb->if_out, &out), XDP_REDIRECT);
	verify_frame(&out);
	expect_dst(&out, IN4, 8080);
	assert_int_equal(t_delta(fb, &c, HSB_CNT_NAT_DNAT), 1);
	/* that new session is B's own: it is reported */
	b_drain();
	assert_int_equal(b_records, 1);
}

/* ---- refusals, counted ------------------------------------------------- */

static void test_refusals_counted(void **state)
{
	struct t_fixture *a = *state;
	struct pat_flow f1, f2;
	struct hsb_session local;
	struct hsb_nat_event ev;
	struct hsb_nat_entry e;
	struct hsb_nat_key www = { .addr = a4(GLOBAL_WWW),
				   .port = 80,
				   .proto = 6,
				   .dir = HSB_NAT_DIR_PUB };
	char pool[16];
	uint64_t now;
	__u16 pp;

	now = pat_on_a(a, &f1, &f2, pool, &pp);

	/* a malformed record: nothing written */
	f2.rec.key.pad = 1;
	assert_int_equal(put_session(&f2.rec, now), HSB_INSF_KEY);
	assert_int_equal(inst.stats.refused[HSB_INSF_KEY], 1);
	f2.rec.key.pad = 0;

	/* B's own session of the flow is never overwritten */
	local = f1.rec.sess;
	local.flags &= ~HSB_SESS_F_NAT;
	memset(&local.nat, 0, sizeof(local.nat));
	assert_int_equal(
		bpf_map_update_elem(t_map_fd(fb->skel->maps.hsb_sessions),
				    &f1.k, &local, BPF_NOEXIST),
		0);
	assert_int_equal(put_session(&f1.rec, now), HSB_INSF_LOCAL);
	assert_int_equal(inst.stats.refused[HSB_INSF_LOCAL], 1);
	assert_int_not_equal(nat_get(a, 1, pool, pp, 6, HSB_NAT_DIR_PUB, &e),
			     0);

	/* the public endpoint is B's mapping of another inside host */
	{
		struct hsb_nat_key k = { .addr = a4(pool),
					 .port = pp,
					 .proto = 6,
					 .dir = HSB_NAT_DIR_PUB };
		struct hsb_nat_entry v = { .addr = a4(IN4B),
					   .port = 7000,
					   .refcnt = 1 };

		assert_int_equal(bpf_map_update_elem(
					 t_map_fd(fb->skel->maps.hsb_nat_pat),
					 &k, &v, BPF_NOEXIST),
				 0);
	}
	assert_int_equal(put_session(&f2.rec, now), HSB_INSF_CONFLICT);
	assert_int_equal(put_nat(&nat_events[0], now), HSB_INSF_CONFLICT);
	assert_int_equal(inst.stats.refused[HSB_INSF_CONFLICT], 2);
	assert_int_not_equal(b_session(&f2.k, &local), 0);
	assert_int_equal(nat_get(a, 1, pool, pp, 6, HSB_NAT_DIR_PUB, &e), 0);
	assert_int_equal(e.refcnt, 1);

	/* a configured server that differs from the peer's */
	reset(a);
	srv_put(a, GLOBAL_WWW, 80, 6, IN4, 8080, HSB_ZONE_UNTRUST);
	srv_put(fb, GLOBAL_WWW, 80, 6, IN4B, 8080, HSB_ZONE_UNTRUST);
	ev = srv_record(a, &www);
	assert_int_equal(put_nat(&ev, now), HSB_INSF_CONFLICT);
	assert_int_equal(inst.stats.refused[HSB_INSF_CONFLICT], 3);
	assert_int_equal(
		bpf_map_lookup_elem(t_map_fd(fb->skel->maps.hsb_nat_srv), &www,
				    &e),
		0);
	assert_int_equal(e.addr, a4(IN4B));
	assert_int_equal(inst.stats.sessions + inst.stats.servers, 0);
}

/* ---- the batched install (hsb_install_sessions) ----------------------- */

static struct hsb_xfer_session batch_sess(uint32_t i)
{
	struct hsb_xfer_session x;
	uint32_t a = htonl(0x0a630000u | i); /* 10.99.x.y */

	memset(&x, 0, sizeof(x));
	memcpy(x.key.addr_a, &a, 4);
	x.key.addr_b[0] = 198;
	x.key.addr_b[1] = 51;
	x.key.addr_b[2] = 100;
	x.key.addr_b[3] = 7;
	x.key.port_a = htons(40000);
	x.key.port_b = htons(443);
	x.key.proto = IPPROTO_TCP;
	x.key.family = HSB_FAMILY_IPV4;
	x.state = HSB_CT_ESTABLISHED;
	x.zone_in = HSB_ZONE_TRUST;
	x.zone_out = HSB_ZONE_UNTRUST;
	x.age_ns = 2 * SEC;
	x.idle_ns = SEC / 1000;
	x.packets[0] = 3;
	x.bytes[0] = 180;
	return x;
}

/* More sessions than a batch, in order, through the datapath's
 * hsb_install_batch program: new ones go in (from-peer), a local session
 * in the middle is refused and kept, an installed one is updated in its
 * place (the later record of the same key wins), a malformed one is
 * refused; the counters say so, and B's ring stays silent. */
static void test_batched_install(void **state)
{
	enum { N = HSB_INSTALL_BATCH + 100, LOCAL = 77, AGAIN = 300 };
	static struct hsb_xfer_session xs[N + 2];
	struct hsb_install_stats before;
	struct hsb_session v, local;
	struct hsb_install_sess p;
	struct hsb_dp_maps m;
	uint64_t now = 1000 * SEC;
	uint32_t i;

	(void)state;
	fresh_b();
	memset(&m, 0, sizeof(m));
	m.sessions = t_map_fd(fb->skel->maps.hsb_sessions);
	m.nat_pat = t_map_fd(fb->skel->maps.hsb_nat_pat);
	m.nat_nopat = t_map_fd(fb->skel->maps.hsb_nat_nopat);
	m.nat_srv = t_map_fd(fb->skel->maps.hsb_nat_srv);
	m.nat_release = bpf_program__fd(fb->skel->progs.hsb_nat_release);
	m.install_buf = t_map_fd(fb->skel->maps.hsb_install_buf);
	m.install_batch = bpf_program__fd(fb->skel->progs.hsb_install_batch);
	hsb_install_init(&inst, &m, &fb->skel->bss->hsb_nat_skip);

	/* session 20 was installed before; LOCAL is this host's own */
	xs[0] = batch_sess(20);
	assert_int_equal(hsb_install_session(&inst, &xs[0], now), HSB_INSF_OK);
	xs[0] = batch_sess(LOCAL);
	assert_int_equal(hsb_install_prep_session(&xs[0], now, &p),
			 HSB_INSF_OK);
	p.val.flags &= ~HSB_SESS_F_FROM_PEER;
	local = p.val;
	assert_int_equal(bpf_map_update_elem(m.sessions, &p.key, &p.val,
					     BPF_NOEXIST),
			 0);
	before = inst.stats;

	for (i = 0; i < N; i++)
		xs[i] = batch_sess(i);
	xs[20].packets[0] = 20; /* the update of the installed one */
	xs[AGAIN] = batch_sess(5); /* a later record of an earlier key */
	xs[AGAIN].packets[0] = 99;
	xs[N] = batch_sess(N);
	xs[N].key.pad = 1; /* malformed: refused, nothing written */
	xs[N + 1] = batch_sess(N + 1);
	assert_int_equal(hsb_install_sessions(&inst, xs, N + 2, now), N);
	assert_true(inst.stats.batches >= 2);
	assert_int_equal(inst.stats.sessions - before.sessions, N);
	assert_int_equal(inst.stats.refused[HSB_INSF_LOCAL] -
				 before.refused[HSB_INSF_LOCAL],
			 1);
	assert_int_equal(inst.stats.refused[HSB_INSF_KEY] -
				 before.refused[HSB_INSF_KEY],
			 1);

	for (i = 0; i <= N + 1; i++) {
		struct hsb_xfer_session x = batch_sess(i);
		int ret = bpf_map_lookup_elem(m.sessions, &x.key, &v);

		if (i == N || i == AGAIN) { /* refused / never sent */
			assert_int_not_equal(ret, 0);
			continue;
		}
		if (ret)
			fail_msg("session %u missing", i);
		if (i == LOCAL) {
			assert_memory_equal(&v, &local, sizeof(v));
			continue;
		}
		assert_true(v.flags & HSB_SESS_F_FROM_PEER);
		assert_int_equal(v.packets[0], i == 20 ? 20 : i == 5 ? 99 : 3);
	}
	b_drain();
	assert_int_equal(b_records, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sessions_every_state),
		cmocka_unit_test(test_pat_round_trip_and_fast_path),
		cmocka_unit_test(test_pat_released_on_remove),
		cmocka_unit_test(test_nopat_round_trip),
		cmocka_unit_test(test_server_map_round_trip),
		cmocka_unit_test(test_refusals_counted),
		cmocka_unit_test(test_batched_install),
	};

	return cmocka_run_group_tests_name("install", tests, setup, teardown);
}
