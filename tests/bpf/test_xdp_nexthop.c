// SPDX-License-Identifier: GPL-2.0-only
/*
 * The next-hop cache (bpf/lib/nexthop.h): an established packet with a
 * valid entry is rewritten exactly as the FIB path rewrites it, without a
 * lookup; a generation bump makes the next packet ask the FIB (a changed
 * neighbour MAC is picked up); a packet longer than the entry has seen
 * takes the FIB, so FRAG_NEEDED still reaches the kernel; NO_NEIGH is never
 * cached; TTL 1 still goes to the kernel; an entry serves only its
 * ingress; generation 0 turns caching off. The harness seeds the
 * generation and bumps it after every t_sh() (as hsbd's route watcher
 * does); t_sh_quiet() changes the namespace without a bump.
 */
#include "xdp_harness.h"

#define C4 "10.1.0.2"
#define S4 "10.50.0.5"

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0x0a, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0x0b, 0x0b };

static struct t_spec udp4(const char *dst, __u16 sport, int payload)
{
	struct t_spec s = { .family = 4,
			    .src = C4,
			    .dst = dst,
			    .proto = 17,
			    .sport = sport,
			    .dport = 53,
			    .payload = payload };
	return s;
}

static __u32 gen_now(struct t_fixture *f)
{
	return f->skel->bss->hsb_nh_gen;
}

/* The cached next hop of s's direction dir. */
static struct hsb_nexthop nh_of(struct t_fixture *f, const struct t_spec *s,
				int dir)
{
	struct hsb_session v;

	assert_int_equal(t_session(f, s, &v), 0);
	return v.nh[dir];
}

static void test_hit_rewrites_like_fib(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = udp4(S4, 200, 40), r = t_rev(&s);
	static struct t_result first, hit, rhit;
	struct hsb_nexthop nh;
	struct t_counters c;
	uint8_t in[2048];
	size_t len;

	/* first packet: routed by the FIB, which also fills ORIG */
	len = t_build(&s, in);
	assert_int_equal(t_run_ex(f, in, len, f->if_in, &first), XDP_REDIRECT);
	nh = nh_of(f, &s, HSB_DIR_ORIG);
	assert_int_equal(nh.gen, gen_now(f));
	assert_int_equal(nh.ifindex, f->if_out);
	assert_int_equal(nh.iif, f->if_in);
	assert_memory_equal(nh.dmac, t_mac_nh_out, 6);
	assert_memory_equal(nh.smac, t_mac_out, 6);
	assert_int_equal(nh.mtu, 20 + 8 + 40);
	assert_int_equal(nh_of(f, &s, HSB_DIR_REPLY).gen, 0);

	/* second: from the cache, byte for byte what the FIB path made */
	t_snap(f, &c);
	assert_int_equal(t_run_ex(f, in, len, f->if_in, &hit), XDP_REDIRECT);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NH_MISS), 0);
	assert_int_equal(t_delta(f, &c, HSB_CNT_REDIRECT), 1);
	assert_int_equal(hit.len, first.len);
	assert_memory_equal(hit.out, first.out, first.len);
	assert_int_equal(t_csum(hit.out + ETH_HLEN, 20), 0);

	/* the reply: one FIB lookup fills REPLY, then hits */
	len = t_build(&r, in);
	assert_int_equal(t_run_ex(f, in, len, f->if_out, &first), XDP_REDIRECT);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NH_MISS), 1);
	nh = nh_of(f, &s, HSB_DIR_REPLY);
	assert_int_equal(nh.gen, gen_now(f));
	assert_int_equal(nh.ifindex, f->if_in);
	assert_int_equal(nh.iif, f->if_out);
	assert_int_equal(t_run_ex(f, in, len, f->if_out, &rhit), XDP_REDIRECT);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NH_MISS), 1);
	assert_memory_equal(rhit.out, first.out, first.len);
	assert_memory_equal(rhit.out, t_mac_nh_in, 6);
	assert_memory_equal(rhit.out + 6, t_mac_in, 6);
	t_session_del(f, &s);
	t_events_reset(f);
}

/* A neighbour's MAC changes: the cache keeps the old one until the
 * generation moves (the window hsbd's route watcher closes), then the
 * FIB's new answer is used and cached. */
static void test_bump_forces_lookup(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = udp4("10.51.0.7", 201, 20);
	static struct t_result r;
	struct t_counters c;
	uint8_t in[2048];
	size_t len = t_build(&s, in);

	assert_int_equal(t_sh("ip neigh replace 10.2.0.4 lladdr "
			      "02:00:00:00:0a:0a dev hsbt-out nud permanent"),
			 0);
	assert_int_equal(t_sh("ip route add 10.51.0.0/16 via 10.2.0.4"), 0);
	assert_int_equal(t_run_ex(f, in, len, f->if_in, &r), XDP_REDIRECT);
	assert_memory_equal(r.out, mac_a, 6);

	/* changed behind hsb's back: still the cached MAC */
	assert_int_equal(t_sh_quiet("ip neigh replace 10.2.0.4 lladdr "
				    "02:00:00:00:0b:0b dev hsbt-out nud "
				    "permanent"),
			 0);
	t_snap(f, &c);
	assert_int_equal(t_run_ex(f, in, len, f->if_in, &r), XDP_REDIRECT);
	assert_memory_equal(r.out, mac_a, 6);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NH_MISS), 0);

	/* the bump: one lookup, the new MAC, cached again */
	t_nh_bump();
	assert_int_equal(t_run_ex(f, in, len, f->if_in, &r), XDP_REDIRECT);
	assert_memory_equal(r.out, mac_b, 6);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NH_MISS), 1);
	assert_memory_equal(nh_of(f, &s, HSB_DIR_ORIG).dmac, mac_b, 6);
	assert_int_equal(t_run_ex(f, in, len, f->if_in, &r), XDP_REDIRECT);
	assert_memory_equal(r.out, mac_b, 6);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NH_MISS), 1);

	/* a route change (bumped by t_sh) is seen on the next packet */
	assert_int_equal(t_sh("ip route replace blackhole 10.51.0.0/16"), 0);
	assert_int_equal(t_run_ex(f, in, len, f->if_in, &r), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_FIB_UNREACHABLE), 1);
	assert_int_equal(t_sh("ip route del 10.51.0.0/16"), 0);
	assert_int_equal(t_sh("ip neigh del 10.2.0.4 dev hsbt-out"), 0);
	t_session_del(f, &s);
	t_events_reset(f);
}

/* Longer than the entry has seen: the FIB with its MTU check answers.
 * Above the egress MTU that is FRAG_NEEDED (kernel, frame untouched);
 * below, a redirect that raises the entry's length. */
static void test_mtu_takes_slow_path(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = udp4(S4, 202, 100);
	static struct t_result r;
	struct t_counters c;
	uint8_t in[2048];
	size_t len;

	assert_int_equal(t_sh("ip link set hsbt-out mtu 1280"), 0);
	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	assert_int_equal(nh_of(f, &s, HSB_DIR_ORIG).mtu, 128);

	t_snap(f, &c);
	s.payload = 1300;
	len = t_build(&s, in);
	assert_int_equal(t_run_ex(f, in, len, f->if_in, &r), XDP_PASS);
	assert_memory_equal(r.out, in, len);
	assert_int_equal(t_delta(f, &c, HSB_CNT_FIB_FRAG_NEEDED), 1);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NH_MISS), 1);
	/* FRAG_NEEDED did not touch the entry */
	assert_int_equal(nh_of(f, &s, HSB_DIR_ORIG).mtu, 128);
	assert_int_equal(nh_of(f, &s, HSB_DIR_ORIG).gen, gen_now(f));

	s.payload = 1200;
	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NH_MISS), 2);
	assert_int_equal(nh_of(f, &s, HSB_DIR_ORIG).mtu, 1228);
	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	s.payload = 10;
	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NH_MISS), 2);
	s.payload = 1300;
	assert_int_equal(t_send(f, &s, f->if_in), XDP_PASS);
	assert_int_equal(t_delta(f, &c, HSB_CNT_FIB_FRAG_NEEDED), 2);

	assert_int_equal(t_sh("ip link set hsbt-out mtu 1500"), 0);
	t_session_del(f, &s);
	t_events_reset(f);
}

/* An unresolved neighbour goes to the kernel on every packet and is never
 * cached; neither is a local destination. */
static void test_no_neigh_not_cached(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = udp4("10.2.0.3", 203, 20);
	struct t_counters c;
	int i;

	t_snap(f, &c);
	for (i = 0; i < 3; i++)
		assert_int_equal(t_send(f, &s, f->if_in), XDP_PASS);
	assert_int_equal(t_delta(f, &c, HSB_CNT_FIB_NO_NEIGH), 3);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NH_MISS), 2);
	assert_int_equal(nh_of(f, &s, HSB_DIR_ORIG).gen, 0);
	t_session_del(f, &s);

	s = udp4("10.2.0.1", 204, 20);
	for (i = 0; i < 2; i++)
		assert_int_equal(t_send(f, &s, f->if_in), XDP_PASS);
	assert_int_equal(t_delta(f, &c, HSB_CNT_FIB_LOCAL), 2);
	assert_int_equal(nh_of(f, &s, HSB_DIR_ORIG).gen, 0);
	t_session_del(f, &s);
	t_events_reset(f);
}

/* TTL 1 on a cached flow: the kernel, untouched; the entry stays. */
static void test_ttl_on_hit(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = udp4(S4, 205, 20);
	static struct t_result r;
	struct t_counters c;
	uint8_t in[2048];
	size_t len;

	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	t_snap(f, &c);
	s.ttl = 1;
	len = t_build(&s, in);
	assert_int_equal(t_run_ex(f, in, len, f->if_in, &r), XDP_PASS);
	assert_memory_equal(r.out, in, len);
	assert_int_equal(t_delta(f, &c, HSB_CNT_TTL_EXCEEDED), 1);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NH_MISS), 0);
	s.ttl = 2;
	len = t_build(&s, in);
	assert_int_equal(t_run_ex(f, in, len, f->if_in, &r), XDP_REDIRECT);
	assert_int_equal(r.out[ETH_HLEN + 8], 1);
	assert_int_equal(t_csum(r.out + ETH_HLEN, 20), 0);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NH_MISS), 0);
	t_session_del(f, &s);
	t_events_reset(f);
}

/* The same direction arriving on another interface asks the FIB (its
 * answer depends on the ingress); generation 0 turns caching off. */
static void test_other_ingress_and_gen_zero(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = udp4(S4, 206, 20);
	struct t_counters c;
	__u32 gen = gen_now(f);

	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	t_snap(f, &c);
	assert_int_equal(t_send(f, &s, f->if_out), XDP_REDIRECT);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NH_MISS), 1);
	assert_int_equal(nh_of(f, &s, HSB_DIR_ORIG).iif, f->if_out);

	f->skel->bss->hsb_nh_gen = 0;
	assert_int_equal(t_send(f, &s, f->if_out), XDP_REDIRECT);
	assert_int_equal(t_send(f, &s, f->if_out), XDP_REDIRECT);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NH_MISS), 3);
	f->skel->bss->hsb_nh_gen = gen;
	t_session_del(f, &s);
	t_events_reset(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit_rewrites_like_fib),
		cmocka_unit_test(test_bump_forces_lookup),
		cmocka_unit_test(test_mtu_takes_slow_path),
		cmocka_unit_test(test_no_neigh_not_cached),
		cmocka_unit_test(test_ttl_on_hit),
		cmocka_unit_test(test_other_ingress_and_gen_zero),
	};

	return cmocka_run_group_tests_name("xdp_nexthop", tests, t_setup,
					   t_teardown);
}
