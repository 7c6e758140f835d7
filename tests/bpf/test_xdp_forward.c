// SPDX-License-Identifier: GPL-2.0-only
/*
 * hsb_xdp forwarding against the namespace's FIB: redirect with rewritten
 * MACs and TTL / hop limit (the IPv4 checksum checked by a full
 * recomputation here, over many headers), and the cases left to the
 * kernel or dropped: unresolved neighbour, local destination, multicast
 * and broadcast, forwarding disabled, TTL expiring, MTU exceeded,
 * blackhole / unreachable / prohibit routes.
 */
#include "xdp_harness.h"

#define C4 "10.1.0.2"
#define S4 "10.50.0.5"
#define C6 "fd01::2"
#define S6 "fd50::5"

static struct t_spec udp4(const char *src, const char *dst, __u16 sport)
{
	struct t_spec s = { .family = 4,
			    .src = src,
			    .dst = dst,
			    .proto = 17,
			    .sport = sport,
			    .dport = 53,
			    .payload = 20 };
	return s;
}

/* Run s on ifindex and return the result (with the output frame). */
static int run(struct t_fixture *f, const struct t_spec *s,
	       unsigned int ifindex, uint8_t *in, size_t *len,
	       struct t_result *r)
{
	*len = t_build(s, in);
	return t_run_ex(f, in, *len, ifindex, r);
}

static void test_redirect_ipv4_rewrites(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = udp4(C4, S4, 100);
	static struct t_result r;
	uint8_t in[2048];
	size_t len, l3 = ETH_HLEN;
	struct t_counters c;
	int ttl;

	t_snap(f, &c);
	assert_int_equal(run(f, &s, f->if_in, in, &len, &r), XDP_REDIRECT);
	assert_int_equal(r.len, len);
	assert_memory_equal(r.out, t_mac_nh_out, 6);
	assert_memory_equal(r.out + 6, t_mac_out, 6);
	assert_int_equal(r.out[l3 + 8], 63);
	assert_int_equal(t_csum(r.out + l3, 20), 0);
	/* nothing else changed */
	assert_memory_equal(r.out + 12, in + 12, l3 + 8 - 12);
	assert_memory_equal(r.out + l3 + 12, in + l3 + 12, len - l3 - 12);
	assert_int_equal(t_delta(f, &c, HSB_CNT_REDIRECT), 1);

	/* the reply goes back out of hsbt-in */
	s = t_rev(&s);
	assert_int_equal(run(f, &s, f->if_out, in, &len, &r), XDP_REDIRECT);
	assert_memory_equal(r.out, t_mac_nh_in, 6);
	assert_memory_equal(r.out + 6, t_mac_in, 6);
	s = t_rev(&s);
	t_session_del(f, &s);

	/* The incremental checksum against a full recomputation, for every
	 * TTL and headers whose checksums cover the carry cases. */
	for (ttl = 2; ttl <= 255; ttl++) {
		s.ttl = ttl;
		s.ip_optlen = (ttl % 3) * 4;
		len = t_build(&s, in);
		in[l3 + 1] = ttl * 7; /* TOS */
		t_put16(in + l3 + 4, ttl * 257); /* id */
		t_put16(in + l3 + 10, 0);
		t_put16(in + l3 + 10, t_csum(in + l3, 20 + s.ip_optlen));
		assert_int_equal(t_run_ex(f, in, len, f->if_in, &r),
				 XDP_REDIRECT);
		assert_int_equal(r.out[l3 + 8], ttl - 1);
		if (t_csum(r.out + l3, 20 + s.ip_optlen) != 0)
			fail_msg("ttl %d: checksum %02x%02x is wrong", ttl,
				 r.out[l3 + 10], r.out[l3 + 11]);
	}
	t_session_del(f, &s);
	t_events_reset(f);
}

static void test_redirect_ipv6_hop_limit(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = { .family = 6,
			    .src = C6,
			    .dst = S6,
			    .proto = 6,
			    .sport = 100,
			    .dport = 80,
			    .tcp_flags = T_TCP_SYN,
			    .ttl = 10 };
	static struct t_result r;
	uint8_t in[2048];
	size_t len;

	assert_int_equal(run(f, &s, f->if_in, in, &len, &r), XDP_REDIRECT);
	assert_memory_equal(r.out, t_mac_nh_out, 6);
	assert_memory_equal(r.out + 6, t_mac_out, 6);
	assert_int_equal(r.out[ETH_HLEN + 7], 9);
	assert_memory_equal(r.out + 12, in + 12, 2 + 7);
	assert_memory_equal(r.out + ETH_HLEN + 8, in + ETH_HLEN + 8,
			    len - ETH_HLEN - 8);
	t_session_del(f, &s);
	t_events_reset(f);
}

/* Verdict v, counter id, a session with zone_out (or none: -1), the frame
 * untouched. */
static void expect_kernel(struct t_fixture *f, const struct t_spec *s,
			  unsigned int ifindex, int v, __u32 id, int zone_out)
{
	static struct t_result r;
	uint8_t in[2048];
	struct hsb_session sess;
	struct t_counters c;
	size_t len;

	t_snap(f, &c);
	assert_int_equal(run(f, s, ifindex, in, &len, &r), v);
	assert_int_equal(t_delta(f, &c, id), 1);
	if (v == XDP_PASS)
		assert_memory_equal(r.out, in, len);
	if (zone_out < 0) {
		assert_int_equal(t_session(f, s, &sess), -ENOENT);
	} else {
		assert_int_equal(t_session(f, s, &sess), 0);
		assert_int_equal(sess.zone_out, zone_out);
		t_session_del(f, s);
	}
	t_events_reset(f);
}

static void test_kernel_cases(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s;

	/* next hop not resolved: the kernel resolves it; the route named
	 * the egress, so the zone is known */
	s = udp4(C4, "10.2.0.3", 1);
	expect_kernel(f, &s, f->if_in, XDP_PASS, HSB_CNT_FIB_NO_NEIGH,
		      HSB_ZONE_UNTRUST);
	s = (struct t_spec){ .family = 6,
			     .src = C6,
			     .dst = "fd02::3",
			     .proto = 17,
			     .sport = 1,
			     .dport = 2 };
	expect_kernel(f, &s, f->if_in, XDP_PASS, HSB_CNT_FIB_NO_NEIGH,
		      HSB_ZONE_UNTRUST);
	/* local addresses, multicast, limited broadcast */
	s = udp4(C4, "10.1.0.1", 2);
	expect_kernel(f, &s, f->if_in, XDP_PASS, HSB_CNT_FIB_LOCAL,
		      HSB_ZONE_LOCAL);
	s = udp4(C4, "10.2.0.1", 2);
	expect_kernel(f, &s, f->if_in, XDP_PASS, HSB_CNT_FIB_LOCAL,
		      HSB_ZONE_LOCAL);
	s = udp4(C4, "239.1.2.3", 3);
	expect_kernel(f, &s, f->if_in, XDP_PASS, HSB_CNT_FIB_LOCAL,
		      HSB_ZONE_LOCAL);
	s = udp4("0.0.0.0", "255.255.255.255", 68);
	expect_kernel(f, &s, f->if_in, XDP_PASS, HSB_CNT_FIB_LOCAL,
		      HSB_ZONE_LOCAL);
	s = (struct t_spec){ .family = 6,
			     .src = C6,
			     .dst = "ff05::fb",
			     .proto = 17,
			     .sport = 5353,
			     .dport = 5353 };
	expect_kernel(f, &s, f->if_in, XDP_PASS, HSB_CNT_FIB_LOCAL,
		      HSB_ZONE_LOCAL);
	s = (struct t_spec){ .family = 6,
			     .src = C6,
			     .dst = "fd01::1",
			     .proto = 17,
			     .sport = 1,
			     .dport = 2 };
	expect_kernel(f, &s, f->if_in, XDP_PASS, HSB_CNT_FIB_LOCAL,
		      HSB_ZONE_LOCAL);
	/* TTL / hop limit would expire: the kernel sends time exceeded */
	s = udp4(C4, S4, 4);
	s.ttl = 1;
	expect_kernel(f, &s, f->if_in, XDP_PASS, HSB_CNT_TTL_EXCEEDED,
		      HSB_ZONE_UNTRUST);
	s = (struct t_spec){ .family = 6,
			     .src = C6,
			     .dst = S6,
			     .proto = 17,
			     .sport = 1,
			     .dport = 2,
			     .ttl = 1 };
	expect_kernel(f, &s, f->if_in, XDP_PASS, HSB_CNT_TTL_EXCEEDED,
		      HSB_ZONE_UNTRUST);
	/* unrouted: dropped here, no session */
	s = udp4(C4, "10.9.1.1", 5);
	expect_kernel(f, &s, f->if_in, XDP_DROP, HSB_CNT_FIB_UNREACHABLE, -1);
	s = udp4(C4, "10.8.1.1", 5);
	expect_kernel(f, &s, f->if_in, XDP_DROP, HSB_CNT_FIB_UNREACHABLE, -1);
	s = udp4(C4, "10.7.1.1", 5);
	expect_kernel(f, &s, f->if_in, XDP_DROP, HSB_CNT_FIB_UNREACHABLE, -1);
	s = (struct t_spec){ .family = 6,
			     .src = C6,
			     .dst = "fd09::1",
			     .proto = 17,
			     .sport = 1,
			     .dport = 2 };
	expect_kernel(f, &s, f->if_in, XDP_DROP, HSB_CNT_FIB_UNREACHABLE, -1);
}

static void test_mtu_exceeded(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = udp4(C4, S4, 6);

	assert_int_equal(t_sh("ip link set hsbt-out mtu 1280"), 0);
	s.payload = 1300;
	expect_kernel(f, &s, f->if_in, XDP_PASS, HSB_CNT_FIB_FRAG_NEEDED,
		      HSB_ZONE_UNTRUST);
	s.payload = 1200;
	expect_kernel(f, &s, f->if_in, XDP_REDIRECT, HSB_CNT_REDIRECT,
		      HSB_ZONE_UNTRUST);
	assert_int_equal(t_sh("ip link set hsbt-out mtu 1500"), 0);
}

/* Forwarding disabled on the ingress: the kernel would only deliver
 * locally, so hsb treats the packet as local. */
static void test_forwarding_disabled(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = udp4(C4, S4, 7);

	assert_int_equal(
		t_write("/proc/sys/net/ipv4/conf/hsbt-in/forwarding", "0"), 0);
	expect_kernel(f, &s, f->if_in, XDP_PASS, HSB_CNT_FIB_LOCAL,
		      HSB_ZONE_LOCAL);
	assert_int_equal(
		t_write("/proc/sys/net/ipv4/conf/hsbt-in/forwarding", "1"), 0);
	expect_kernel(f, &s, f->if_in, XDP_REDIRECT, HSB_CNT_REDIRECT,
		      HSB_ZONE_UNTRUST);
}

/* An established session whose route disappears: dropped, counted; the
 * session stays (it may come back). */
static void test_route_lost_midstream(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = udp4(C4, "10.60.0.1", 8);

	assert_int_equal(t_sh("ip route add 10.60.0.0/16 via 10.2.0.2"), 0);
	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	assert_int_equal(t_sh("ip route replace blackhole 10.60.0.0/16"), 0);
	assert_int_equal(t_send(f, &s, f->if_in), XDP_DROP);
	assert_int_equal(t_state(f, &s), HSB_CT_UDP_NEW);
	assert_int_equal(t_sh("ip route del 10.60.0.0/16"), 0);
	t_session_del(f, &s);
	t_events_reset(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redirect_ipv4_rewrites),
		cmocka_unit_test(test_redirect_ipv6_hop_limit),
		cmocka_unit_test(test_kernel_cases),
		cmocka_unit_test(test_mtu_exceeded),
		cmocka_unit_test(test_forwarding_disabled),
		cmocka_unit_test(test_route_lost_midstream),
	};

	return cmocka_run_group_tests_name("xdp_forward", tests, t_setup,
					   t_teardown);
}
