// SPDX-License-Identifier: GPL-2.0-only
/*
 * hsb_xdp parser: what goes to the kernel untouched (ARP, ND, MLD, IGMP,
 * VRRP, non-IP, fragments, heartbeat link), what is malformed (dropped and
 * counted), and truncation at every header boundary: Ethernet, VLAN, IPv4
 * header and options, IPv6 header and each extension header, TCP with
 * options, UDP, ICMP, ICMPv6.
 */
#include "xdp_harness.h"

#define C4 "10.1.0.2"
#define S4 "10.50.0.5"
#define C6 "fd01::2"
#define S6 "fd50::5"

/* Run s and expect verdict v with counter id moved by one. */
static void expect(struct t_fixture *f, const struct t_spec *s, int v, __u32 id)
{
	struct t_counters c;

	t_snap(f, &c);
	assert_int_equal(t_send(f, s, f->if_in), v);
	assert_int_equal(t_delta(f, &c, id), 1);
	assert_int_equal(t_delta(f, &c, HSB_CNT_SESSION_NEW), 0);
}

static void test_arp_and_non_ip_pass(void **state)
{
	struct t_fixture *f = *state;
	uint8_t b[64] = { 0 };
	struct t_counters c;

	memcpy(b, t_mac_in, 6);
	t_snap(f, &c);
	b[12] = 0x08;
	b[13] = 0x06; /* ARP */
	assert_int_equal(t_run_raw(f, b, 60, f->if_in), XDP_PASS);
	b[12] = 0x88;
	b[13] = 0xcc; /* LLDP */
	assert_int_equal(t_run_raw(f, b, 60, f->if_in), XDP_PASS);
	b[12] = 0x00;
	b[13] = 0x40; /* 802.3 length field */
	assert_int_equal(t_run_raw(f, b, 60, f->if_in), XDP_PASS);
	/* ARP inside a VLAN tag */
	b[12] = 0x81;
	b[13] = 0x00;
	b[16] = 0x08;
	b[17] = 0x06;
	assert_int_equal(t_run_raw(f, b, 60, f->if_in), XDP_PASS);
	assert_int_equal(t_delta(f, &c, HSB_CNT_ARP), 2);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NON_IP), 2);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PASS), 4);
}

static void test_control_protocols_pass(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s;
	int type;

	/* ND: RS, RA, NS, NA, redirect */
	for (type = 133; type <= 137; type++) {
		s = (struct t_spec){ .family = 6,
				     .src = "fe80::1",
				     .dst = "ff02::1",
				     .proto = 58,
				     .icmp_type = type,
				     .ttl = 255 };
		expect(f, &s, XDP_PASS, HSB_CNT_ND);
	}
	/* MLDv2 report behind a hop-by-hop header (router alert) */
	s = (struct t_spec){ .family = 6,
			     .src = "fe80::1",
			     .dst = "ff02::16",
			     .proto = 58,
			     .icmp_type = 143,
			     .n_ext = 1,
			     .ext = { 0 } };
	expect(f, &s, XDP_PASS, HSB_CNT_IGMP_MLD);
	s = (struct t_spec){
		.family = 4, .src = C4, .dst = "224.0.0.22", .proto = 2
	};
	expect(f, &s, XDP_PASS, HSB_CNT_IGMP_MLD);
	s = (struct t_spec){ .family = 4,
			     .src = C4,
			     .dst = "224.0.0.18",
			     .proto = 112,
			     .ttl = 255 };
	expect(f, &s, XDP_PASS, HSB_CNT_VRRP);
	s = (struct t_spec){ .family = 6,
			     .src = "fe80::1",
			     .dst = "ff02::12",
			     .proto = 112,
			     .ttl = 255 };
	expect(f, &s, XDP_PASS, HSB_CNT_VRRP);
}

static void test_fragments_pass_untracked(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = { .family = 4,
			    .src = C4,
			    .dst = S4,
			    .proto = 17,
			    .sport = 1,
			    .dport = 2,
			    .payload = 100 };

	s.frag = 0x2000; /* first fragment: MF */
	expect(f, &s, XDP_PASS, HSB_CNT_FRAGMENT);
	s.frag = 185; /* a later one, offset 1480 */
	expect(f, &s, XDP_PASS, HSB_CNT_FRAGMENT);
	s.frag = 0x4000; /* DF only: not a fragment */
	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	t_session_del(f, &s);

	s = (struct t_spec){ .family = 6,
			     .src = C6,
			     .dst = S6,
			     .proto = 17,
			     .sport = 1,
			     .dport = 2,
			     .payload = 100,
			     .n_ext = 1,
			     .ext = { 44 } };
	s.frag = 1; /* offset 0, M */
	expect(f, &s, XDP_PASS, HSB_CNT_FRAGMENT);
	s.frag = 1480; /* offset 185 << 3 */
	expect(f, &s, XDP_PASS, HSB_CNT_FRAGMENT);
	s.frag = 0; /* atomic fragment: a whole packet */
	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	assert_int_equal(t_state(f, &s), HSB_CT_UDP_NEW);
	t_session_del(f, &s);
	t_events_reset(f);
}

static void test_heartbeat_and_unmanaged_pass(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = { .family = 4,
			    .src = C4,
			    .dst = S4,
			    .proto = 6,
			    .sport = 1,
			    .dport = 2,
			    .tcp_flags = T_TCP_ACK };
	struct t_counters c;

	t_set_iface(f, f->if_in, 1, HSB_ZONE_TRUST, HSB_IFACE_F_HEARTBEAT);
	expect(f, &s, XDP_PASS, HSB_CNT_HEARTBEAT);
	t_del_iface(f, f->if_in);
	expect(f, &s, XDP_PASS, HSB_CNT_UNMANAGED_IFACE);
	t_set_iface(f, f->if_in, 1, HSB_ZONE_TRUST, 0);
	t_snap(f, &c);
	assert_int_equal(t_send(f, &s, f->if_in), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_TCP_NO_SESSION), 1);
}

static void test_vlan(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = { .family = 4,
			    .src = C4,
			    .dst = S4,
			    .proto = 17,
			    .sport = 3,
			    .dport = 4,
			    .vlan = 1 };
	struct hsb_session v;

	struct t_counters c;

	/* one tag: firewalled, then forwarded by the kernel */
	t_snap(f, &c);
	assert_int_equal(t_send(f, &s, f->if_in), XDP_PASS);
	assert_int_equal(t_delta(f, &c, HSB_CNT_VLAN_PASS), 1);
	assert_int_equal(t_session(f, &s, &v), 0);
	assert_int_equal(v.bytes[HSB_DIR_ORIG], 28);
	t_session_del(f, &s);
	s.vlan = 2; /* 802.1ad + 802.1Q: not parsed, dropped */
	expect(f, &s, XDP_DROP, HSB_CNT_BAD_L2);
	t_events_reset(f);
}

static void test_malformed_headers(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = { .family = 4,
			    .src = C4,
			    .dst = S4,
			    .proto = 6,
			    .sport = 1,
			    .dport = 2,
			    .tcp_flags = T_TCP_SYN };
	uint8_t b[2048];
	size_t len, l3, l4;

	/* IPv4: version, IHL < 5, tot_len < IHL */
	len = t_build_ex(&s, b, &l3, &l4);
	b[l3] = 0x55;
	assert_int_equal(t_run_raw(f, b, len, f->if_in), XDP_DROP);
	b[l3] = 0x44;
	assert_int_equal(t_run_raw(f, b, len, f->if_in), XDP_DROP);
	b[l3] = 0x45;
	t_put16(b + l3 + 2, 19);
	assert_int_equal(t_run_raw(f, b, len, f->if_in), XDP_DROP);
	/* TCP doff < 5, doff beyond the packet */
	len = t_build_ex(&s, b, &l3, &l4);
	b[l4 + 12] = 4 << 4;
	assert_int_equal(t_run_raw(f, b, len, f->if_in), XDP_DROP);
	b[l4 + 12] = 15 << 4;
	assert_int_equal(t_run_raw(f, b, len, f->if_in), XDP_DROP);
	/* UDP length below 8, beyond the IP payload */
	s.proto = 17;
	len = t_build_ex(&s, b, &l3, &l4);
	t_put16(b + l4 + 4, 7);
	assert_int_equal(t_run_raw(f, b, len, f->if_in), XDP_DROP);
	t_put16(b + l4 + 4, 9);
	assert_int_equal(t_run_raw(f, b, len, f->if_in), XDP_DROP);
	/* IPv6 ethertype with an IPv4 header */
	s.family = 6;
	s.src = C6;
	s.dst = S6;
	len = t_build_ex(&s, b, &l3, &l4);
	b[l3] = 0x45;
	assert_int_equal(t_run_raw(f, b, len, f->if_in), XDP_DROP);
	assert_int_equal(t_counter(f, HSB_CNT_BAD_L3) >= 4, 1);
	assert_int_equal(t_counter(f, HSB_CNT_BAD_L4) >= 4, 1);
}

static void test_ipv6_extension_bound(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = { .family = 6,
			    .src = C6,
			    .dst = S6,
			    .proto = 17,
			    .sport = 5,
			    .dport = 6,
			    .n_ext = 4,
			    .ext = { 0, 60, 43, 60 } };

	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	assert_int_equal(t_state(f, &s), HSB_CT_UDP_NEW);
	t_session_del(f, &s);
	s.n_ext = 5;
	s.ext[4] = 60;
	expect(f, &s, XDP_DROP, HSB_CNT_BAD_IPV6_EXT);
	t_events_reset(f);
}

/* The reason a packet cut to len bytes must be dropped for, when its IP
 * length fields are made to agree with the cut (fix) or not. */
static __u32 cut_reason(const struct t_spec *s, size_t l3, size_t l4,
			size_t len, int fix)
{
	size_t ext_end = l3 + 40 + 8 * s->n_ext;

	if (len < l3)
		return HSB_CNT_BAD_L2;
	if (s->family == 4) {
		if (len < l3 + 20 || !fix || len < l4)
			return HSB_CNT_BAD_L3;
		return HSB_CNT_BAD_L4;
	}
	if (len < l3 + 40 || !fix)
		return HSB_CNT_BAD_L3;
	if (len < ext_end)
		return HSB_CNT_BAD_IPV6_EXT;
	return HSB_CNT_BAD_L4;
}

/* Cut the frame at every length short of complete: always dropped, for
 * the reason of the header the cut falls in. */
static void truncate_all(struct t_fixture *f, const struct t_spec *s)
{
	uint8_t full[2048], b[2048];
	size_t l3, l4, real, len;
	int fix;

	t_build_ex(s, full, &l3, &l4);
	real = l3 + (s->family == 4 ?
			     ((size_t)full[l3 + 2] << 8 | full[l3 + 3]) :
			     40 + ((size_t)full[l3 + 4] << 8 | full[l3 + 5]));
	for (fix = 0; fix < 2; fix++) {
		/* With lengths that agree, a cut in an ICMP body is a valid
		 * shorter packet: stop at the end of the ICMP header. UDP
		 * carries its own length, TCP here has no payload. */
		size_t end = fix && (s->proto == 1 || s->proto == 58) ? l4 + 8 :
									real;

		for (len = ETH_HLEN; len < end; len++) {
			struct t_counters c;
			__u32 why = cut_reason(s, l3, l4, len, fix);

			memcpy(b, full, len);
			if (fix && s->family == 4 && len >= l3 + 4)
				t_put16(b + l3 + 2, len - l3);
			if (fix && s->family == 6 && len >= l3 + 6)
				t_put16(b + l3 + 4, len - l3 - 40);
			t_snap(f, &c);
			if (t_run_raw(f, b, len, f->if_in) != XDP_DROP ||
			    t_delta(f, &c, why) != 1)
				fail_msg(
					"proto %u family %d vlan %d cut at %zu "
					"(fix %d): want drop by counter %u",
					s->proto, s->family, s->vlan, len, fix,
					why);
			assert_int_equal(t_delta(f, &c, HSB_CNT_SESSION_NEW),
					 0);
		}
	}
	/* and whole, it is accepted */
	memcpy(b, full, real);
	assert_int_not_equal(t_run_raw(f, b, real, f->if_in), XDP_DROP);
	t_session_del(f, s);
	t_events_reset(f);
}

static void test_truncation_every_boundary(void **state)
{
	struct t_fixture *f = *state;
	const struct t_spec specs[] = {
		/* VLAN + IPv4 with options + TCP */
		{ .family = 4,
		  .src = C4,
		  .dst = S4,
		  .proto = 6,
		  .sport = 10,
		  .dport = 20,
		  .tcp_flags = T_TCP_SYN,
		  .vlan = 1,
		  .ip_optlen = 8 },
		{ .family = 4,
		  .src = C4,
		  .dst = S4,
		  .proto = 17,
		  .sport = 10,
		  .dport = 20,
		  .payload = 30 },
		{ .family = 4,
		  .src = C4,
		  .dst = S4,
		  .proto = 1,
		  .sport = 10,
		  .dport = 10,
		  .icmp_type = 8,
		  .payload = 30 },
		/* IPv6 + hop-by-hop + routing + dest options + fragment */
		{ .family = 6,
		  .src = C6,
		  .dst = S6,
		  .proto = 6,
		  .sport = 10,
		  .dport = 20,
		  .tcp_flags = T_TCP_SYN,
		  .n_ext = 4,
		  .ext = { 0, 43, 60, 44 } },
		{ .family = 6,
		  .src = C6,
		  .dst = S6,
		  .proto = 17,
		  .sport = 10,
		  .dport = 20,
		  .vlan = 1 },
		{ .family = 6,
		  .src = C6,
		  .dst = S6,
		  .proto = 58,
		  .sport = 10,
		  .dport = 10,
		  .icmp_type = 128 },
	};
	size_t i;

	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
		truncate_all(f, &specs[i]);
}

/* TCP options: the header is only complete with all of doff. */
static void test_tcp_options_truncated(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = { .family = 4,
			    .src = C4,
			    .dst = S4,
			    .proto = 6,
			    .sport = 11,
			    .dport = 21,
			    .tcp_flags = T_TCP_SYN,
			    .payload = 12 };
	uint8_t b[2048];
	size_t l3, l4, len;
	struct t_counters c;

	len = t_build_ex(&s, b, &l3, &l4);
	b[l4 + 12] = 8 << 4; /* 32 bytes: options in the "payload" */
	assert_int_equal(t_run_raw(f, b, len, f->if_in), XDP_REDIRECT);
	t_session_del(f, &s);
	t_snap(f, &c);
	t_put16(b + l3 + 2, 20 + 31); /* IP says one byte short */
	assert_int_equal(t_run_raw(f, b, l3 + 51, f->if_in), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_BAD_L4), 1);
	t_events_reset(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arp_and_non_ip_pass),
		cmocka_unit_test(test_control_protocols_pass),
		cmocka_unit_test(test_fragments_pass_untracked),
		cmocka_unit_test(test_heartbeat_and_unmanaged_pass),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_malformed_headers),
		cmocka_unit_test(test_ipv6_extension_bound),
		cmocka_unit_test(test_truncation_every_boundary),
		cmocka_unit_test(test_tcp_options_truncated),
	};

	return cmocka_run_group_tests_name("xdp_parse", tests, t_setup,
					   t_teardown);
}
