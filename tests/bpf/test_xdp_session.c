// SPDX-License-Identifier: GPL-2.0-only
/*
 * hsb_xdp sessions: canonical keys, TCP state machine (handshake, FIN both
 * ways, RST, port reuse), first-packet rules (TCP only from a SYN, echo
 * replies need a session), UDP / ICMP echo / other protocols, ICMP errors
 * about tracked flows, per-direction counters, IPv4 and IPv6.
 */
#include "xdp_harness.h"

#define CLIENT4 "10.1.0.2"
#define SERVER4 "10.50.0.5"
#define CLIENT6 "fd01::2"
#define SERVER6 "fd50::5"

static struct t_spec tcp4(__u8 flags)
{
	struct t_spec s = { .family = 4,
			    .src = CLIENT4,
			    .dst = SERVER4,
			    .proto = 6,
			    .sport = 40000,
			    .dport = 80,
			    .tcp_flags = flags };
	return s;
}

/* Send s from the client side (hsbt-in) or its reverse from the server
 * side (hsbt-out) with flags, and expect a redirect. */
static void fwd(struct t_fixture *f, const struct t_spec *s, int reply,
		__u8 flags)
{
	struct t_spec p = reply ? t_rev(s) : *s;

	p.tcp_flags = flags;
	assert_int_equal(t_send(f, &p, reply ? f->if_out : f->if_in),
			 XDP_REDIRECT);
}

/* The last record must be type/state for s's key. */
static void expect_event(struct t_fixture *f, int idx, __u16 type, __u8 state,
			 const struct t_spec *s)
{
	struct hsb_flow_key k;

	t_key(s, &k);
	assert_true(idx < f->n_events);
	assert_int_equal(f->events[idx].hdr.type, type);
	assert_int_equal(f->events[idx].hdr.len,
			 sizeof(struct hsb_session_event));
	assert_int_equal(f->events[idx].sess.state, state);
	assert_memory_equal(&f->events[idx].key, &k, sizeof(k));
}

static void test_tcp_handshake_and_close_initiator_first(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = tcp4(T_TCP_SYN);
	struct hsb_session v;
	struct hsb_flow_key k;
	struct t_counters c;
	uint8_t buf[2048];
	__u64 len = 40; /* IPv4 + TCP, no payload */

	t_events_reset(f);
	t_snap(f, &c);
	assert_int_equal(t_key(&s, &k), 1); /* 10.1.0.2 < 10.50.0.5 */

	fwd(f, &s, 0, T_TCP_SYN);
	assert_int_equal(t_session(f, &s, &v), 0);
	assert_int_equal(v.state, HSB_CT_SYN_SENT);
	assert_int_equal(v.flags & HSB_SESS_F_INIT_B, 0);
	assert_int_equal(v.zone_in, HSB_ZONE_TRUST);
	assert_int_equal(v.zone_out, HSB_ZONE_UNTRUST);
	assert_int_equal(v.ifindex_in, f->if_in);
	assert_int_equal(v.packets[HSB_DIR_ORIG], 1);
	assert_int_equal(v.bytes[HSB_DIR_ORIG], len);
	assert_true(v.created_ns > 0 && v.created_ns == v.last_seen_ns);
	assert_int_equal(t_delta(f, &c, HSB_CNT_SESSION_NEW), 1);
	assert_int_equal(t_delta(f, &c, HSB_CNT_POLICY_PERMIT), 1);

	fwd(f, &s, 1, T_TCP_SYN | T_TCP_ACK);
	assert_int_equal(t_state(f, &s), HSB_CT_SYN_RECV);
	fwd(f, &s, 0, T_TCP_ACK);
	assert_int_equal(t_state(f, &s), HSB_CT_ESTABLISHED);

	/* data: 3 segments of 100 bytes out, 2 back */
	s.payload = 100;
	fwd(f, &s, 0, T_TCP_ACK | T_TCP_PSH);
	fwd(f, &s, 0, T_TCP_ACK | T_TCP_PSH);
	fwd(f, &s, 0, T_TCP_ACK | T_TCP_PSH);
	fwd(f, &s, 1, T_TCP_ACK | T_TCP_PSH);
	fwd(f, &s, 1, T_TCP_ACK);
	s.payload = 0;
	assert_int_equal(t_state(f, &s), HSB_CT_ESTABLISHED);

	fwd(f, &s, 0, T_TCP_FIN | T_TCP_ACK);
	assert_int_equal(t_state(f, &s), HSB_CT_FIN_WAIT);
	fwd(f, &s, 0, T_TCP_FIN | T_TCP_ACK); /* retransmitted FIN */
	assert_int_equal(t_state(f, &s), HSB_CT_FIN_WAIT);
	fwd(f, &s, 1, T_TCP_ACK);
	assert_int_equal(t_state(f, &s), HSB_CT_CLOSE_WAIT);
	fwd(f, &s, 1, T_TCP_FIN | T_TCP_ACK);
	assert_int_equal(t_state(f, &s), HSB_CT_TIME_WAIT);
	fwd(f, &s, 0, T_TCP_ACK); /* last ACK: TIME_WAIT until timeout */
	assert_int_equal(t_state(f, &s), HSB_CT_TIME_WAIT);

	assert_int_equal(t_session(f, &s, &v), 0);
	/* orig: SYN, ACK, 3 data, FIN, FIN, last ACK = 8; reply: 5 */
	assert_int_equal(v.packets[HSB_DIR_ORIG], 8);
	assert_int_equal(v.packets[HSB_DIR_REPLY], 5);
	assert_int_equal(v.bytes[HSB_DIR_ORIG], 8 * len + 300);
	assert_int_equal(v.bytes[HSB_DIR_REPLY], 5 * len + 200);
	assert_int_equal(v.flags & (HSB_SESS_F_FIN_ORIG | HSB_SESS_F_FIN_REPLY),
			 HSB_SESS_F_FIN_ORIG | HSB_SESS_F_FIN_REPLY);
	assert_int_equal(t_delta(f, &c, HSB_CNT_SESSION_HIT), 12);
	assert_int_equal(t_delta(f, &c, HSB_CNT_REDIRECT), 13);
	assert_int_equal(t_delta(f, &c, HSB_CNT_STATE_CHANGE), 5);

	/* one record per transition, in order */
	assert_int_equal(t_drain(f), 6);
	expect_event(f, 0, HSB_EV_SESSION_NEW, HSB_CT_SYN_SENT, &s);
	expect_event(f, 1, HSB_EV_SESSION_UPDATE, HSB_CT_SYN_RECV, &s);
	expect_event(f, 2, HSB_EV_SESSION_UPDATE, HSB_CT_ESTABLISHED, &s);
	expect_event(f, 3, HSB_EV_SESSION_UPDATE, HSB_CT_FIN_WAIT, &s);
	expect_event(f, 4, HSB_EV_SESSION_UPDATE, HSB_CT_CLOSE_WAIT, &s);
	expect_event(f, 5, HSB_EV_SESSION_UPDATE, HSB_CT_TIME_WAIT, &s);
	/* the snapshot includes the packet that made the change */
	assert_int_equal(f->events[5].sess.packets[HSB_DIR_REPLY], 5);
	/* precise record time, coarse session time: never behind it */
	assert_true(f->events[0].hdr.ts_ns >= f->events[0].sess.last_sync_ns);
	assert_true(f->events[0].hdr.ts_ns - f->events[0].sess.last_sync_ns <
		    1000000000ULL);

	/* SYN on TIME_WAIT: port reuse, a fresh session */
	t_snap(f, &c);
	fwd(f, &s, 0, T_TCP_SYN);
	assert_int_equal(t_session(f, &s, &v), 0);
	assert_int_equal(v.state, HSB_CT_SYN_SENT);
	assert_int_equal(v.packets[HSB_DIR_ORIG], 1);
	assert_int_equal(v.packets[HSB_DIR_REPLY], 0);
	assert_int_equal(v.flags & (HSB_SESS_F_FIN_ORIG | HSB_SESS_F_FIN_REPLY),
			 0);
	assert_int_equal(t_delta(f, &c, HSB_CNT_TCP_REUSE), 1);
	assert_int_equal(t_delta(f, &c, HSB_CNT_SESSION_NEW), 1);
	assert_int_equal(t_drain(f), 1);
	expect_event(f, 6, HSB_EV_SESSION_NEW, HSB_CT_SYN_SENT, &s);
	t_session_del(f, &s);
	(void)buf;
}

static void test_tcp_close_responder_first(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = tcp4(T_TCP_SYN);
	struct hsb_session v;

	s.sport = 40001;
	fwd(f, &s, 0, T_TCP_SYN);
	fwd(f, &s, 1, T_TCP_SYN | T_TCP_ACK);
	fwd(f, &s, 0, T_TCP_ACK);
	fwd(f, &s, 1, T_TCP_FIN | T_TCP_ACK);
	assert_int_equal(t_session(f, &s, &v), 0);
	assert_int_equal(v.state, HSB_CT_FIN_WAIT);
	assert_int_equal(v.flags & (HSB_SESS_F_FIN_ORIG | HSB_SESS_F_FIN_REPLY),
			 HSB_SESS_F_FIN_REPLY);
	fwd(f, &s, 1, T_TCP_ACK); /* same side again: no change */
	assert_int_equal(t_state(f, &s), HSB_CT_FIN_WAIT);
	fwd(f, &s, 0, T_TCP_ACK);
	assert_int_equal(t_state(f, &s), HSB_CT_CLOSE_WAIT);
	fwd(f, &s, 0, T_TCP_FIN | T_TCP_ACK);
	assert_int_equal(t_state(f, &s), HSB_CT_TIME_WAIT);
	t_session_del(f, &s);
	t_events_reset(f);
}

static void test_tcp_rst_closes_both_ways(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = tcp4(T_TCP_SYN);
	struct t_counters c;
	int dir;

	for (dir = 0; dir < 2; dir++) {
		s.sport = 40010 + dir;
		t_events_reset(f);
		fwd(f, &s, 0, T_TCP_SYN);
		fwd(f, &s, 1, T_TCP_SYN | T_TCP_ACK);
		fwd(f, &s, 0, T_TCP_ACK);
		fwd(f, &s, dir, T_TCP_RST | T_TCP_ACK);
		assert_int_equal(t_state(f, &s), HSB_CT_CLOSE);
		t_snap(f, &c);
		/* further RSTs and stray ACKs pass but change nothing */
		fwd(f, &s, !dir, T_TCP_RST);
		fwd(f, &s, 0, T_TCP_ACK);
		assert_int_equal(t_state(f, &s), HSB_CT_CLOSE);
		assert_int_equal(t_delta(f, &c, HSB_CNT_STATE_CHANGE), 0);
		assert_int_equal(t_drain(f), 4); /* NEW + 3 updates */
		assert_int_equal(f->events[3].sess.state, HSB_CT_CLOSE);

		/* a SYN after RST opens the ports again */
		fwd(f, &s, 0, T_TCP_SYN);
		assert_int_equal(t_state(f, &s), HSB_CT_SYN_SENT);
		assert_int_equal(t_delta(f, &c, HSB_CNT_TCP_REUSE), 1);
		t_session_del(f, &s);
	}
	/* RST answering a SYN (connection refused) */
	s.sport = 40019;
	fwd(f, &s, 0, T_TCP_SYN);
	fwd(f, &s, 1, T_TCP_RST | T_TCP_ACK);
	assert_int_equal(t_state(f, &s), HSB_CT_CLOSE);
	t_session_del(f, &s);
	t_events_reset(f);
}

static void test_tcp_without_session_needs_syn(void **state)
{
	struct t_fixture *f = *state;
	static const __u8 flags[] = { T_TCP_ACK, T_TCP_SYN | T_TCP_ACK,
				      T_TCP_FIN | T_TCP_ACK, T_TCP_RST,
				      T_TCP_ACK | T_TCP_PSH };
	struct t_spec s = tcp4(0);
	struct t_counters c;
	size_t i;

	t_snap(f, &c);
	s.sport = 40020;
	for (i = 0; i < sizeof(flags); i++) {
		s.tcp_flags = flags[i];
		assert_int_equal(t_send(f, &s, f->if_in), XDP_DROP);
		assert_int_equal(t_state(f, &s), -1);
	}
	assert_int_equal(t_delta(f, &c, HSB_CNT_TCP_NO_SESSION), sizeof(flags));
	assert_int_equal(t_delta(f, &c, HSB_CNT_DROP), sizeof(flags));
	assert_int_equal(t_delta(f, &c, HSB_CNT_SESSION_NEW), 0);
}

static void test_tcp_invalid_flags_dropped(void **state)
{
	struct t_fixture *f = *state;
	static const __u8 flags[] = { T_TCP_SYN | T_TCP_FIN,
				      T_TCP_SYN | T_TCP_RST, 0, T_TCP_FIN,
				      T_TCP_FIN | T_TCP_PSH | 0x20 };
	struct t_spec s = tcp4(T_TCP_SYN);
	struct t_counters c;
	size_t i;

	/* with a session too: the flags are judged first */
	s.sport = 40030;
	fwd(f, &s, 0, T_TCP_SYN);
	t_snap(f, &c);
	for (i = 0; i < sizeof(flags); i++) {
		s.tcp_flags = flags[i];
		assert_int_equal(t_send(f, &s, f->if_in), XDP_DROP);
	}
	assert_int_equal(t_delta(f, &c, HSB_CNT_TCP_BAD_FLAGS), sizeof(flags));
	assert_int_equal(t_state(f, &s), HSB_CT_SYN_SENT);
	t_session_del(f, &s);
	t_events_reset(f);
}

/* Initiator with the larger address: it is endpoint b of the key. */
static void test_canonical_key_initiator_b(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = { .family = 4,
			    .src = "10.50.0.9",
			    .dst = CLIENT4,
			    .proto = 6,
			    .sport = 5555,
			    .dport = 22,
			    .tcp_flags = T_TCP_SYN };
	struct hsb_session v;
	struct hsb_flow_key k;

	assert_int_equal(t_key(&s, &k), 0);
	assert_int_equal(k.port_a, 22);
	assert_int_equal(k.port_b, 5555);
	assert_int_equal(t_send(f, &s, f->if_out), XDP_REDIRECT);
	assert_int_equal(t_session(f, &s, &v), 0);
	assert_int_equal(v.flags & HSB_SESS_F_INIT_B, HSB_SESS_F_INIT_B);
	assert_int_equal(v.zone_in, HSB_ZONE_UNTRUST);
	assert_int_equal(v.zone_out, HSB_ZONE_TRUST);
	/* the reply is counted as REPLY although it comes from endpoint a */
	fwd(f, &s, 1, T_TCP_SYN | T_TCP_ACK);
	assert_int_equal(t_session(f, &s, &v), 0);
	assert_int_equal(v.state, HSB_CT_SYN_RECV);
	assert_int_equal(v.packets[HSB_DIR_ORIG], 1);
	assert_int_equal(v.packets[HSB_DIR_REPLY], 1);
	/* same addresses, the port decides */
	t_session_del(f, &s);
	t_events_reset(f);
}

static void test_udp_new_then_established(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = { .family = 4,
			    .src = CLIENT4,
			    .dst = SERVER4,
			    .proto = 17,
			    .sport = 5353,
			    .dport = 53,
			    .payload = 30 };
	struct t_spec r = t_rev(&s);
	struct hsb_session v;

	t_events_reset(f);
	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	assert_int_equal(t_state(f, &s), HSB_CT_UDP_NEW);
	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	assert_int_equal(t_state(f, &s), HSB_CT_UDP_NEW);
	assert_int_equal(t_send(f, &r, f->if_out), XDP_REDIRECT);
	assert_int_equal(t_session(f, &s, &v), 0);
	assert_int_equal(v.state, HSB_CT_UDP_ESTABLISHED);
	assert_int_equal(v.packets[HSB_DIR_ORIG], 2);
	assert_int_equal(v.packets[HSB_DIR_REPLY], 1);
	assert_int_equal(v.bytes[HSB_DIR_ORIG], 2 * (20 + 8 + 30));
	assert_int_equal(t_drain(f), 2);
	expect_event(f, 1, HSB_EV_SESSION_UPDATE, HSB_CT_UDP_ESTABLISHED, &s);
	t_session_del(f, &s);
}

static void test_icmp_echo(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = { .family = 4,
			    .src = CLIENT4,
			    .dst = SERVER4,
			    .proto = 1,
			    .sport = 777,
			    .dport = 777,
			    .icmp_type = 8 };
	struct t_spec r = t_rev(&s);
	struct t_spec lone = r;
	struct hsb_flow_key k;
	struct hsb_session v;
	struct t_counters c;

	r.icmp_type = 0;
	lone.icmp_type = 0;
	lone.sport = lone.dport = 778;
	t_snap(f, &c);
	/* a reply nobody asked for */
	assert_int_equal(t_send(f, &lone, f->if_out), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_ICMP_NO_SESSION), 1);

	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	t_key(&s, &k);
	assert_int_equal(k.port_a, 777);
	assert_int_equal(k.port_b, 777);
	assert_int_equal(t_state(f, &s), HSB_CT_ICMP_NEW);
	assert_int_equal(t_send(f, &r, f->if_out), XDP_REDIRECT);
	assert_int_equal(t_session(f, &s, &v), 0);
	assert_int_equal(v.state, HSB_CT_ICMP_REPLIED);
	assert_int_equal(v.packets[HSB_DIR_REPLY], 1);
	/* another identifier is another session */
	lone.icmp_type = 8;
	lone.src = CLIENT4;
	lone.dst = SERVER4;
	assert_int_equal(t_send(f, &lone, f->if_in), XDP_REDIRECT);
	assert_int_equal(t_state(f, &lone), HSB_CT_ICMP_NEW);
	t_session_del(f, &s);
	t_session_del(f, &lone);
	t_events_reset(f);
}

static void test_ipv6_tcp_udp_icmp(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = { .family = 6,
			    .src = CLIENT6,
			    .dst = SERVER6,
			    .proto = 6,
			    .sport = 41000,
			    .dport = 443,
			    .tcp_flags = T_TCP_SYN };
	struct t_spec u = { .family = 6,
			    .src = CLIENT6,
			    .dst = SERVER6,
			    .proto = 17,
			    .sport = 41000,
			    .dport = 443,
			    .payload = 10 };
	struct t_spec e = { .family = 6,
			    .src = CLIENT6,
			    .dst = SERVER6,
			    .proto = 58,
			    .sport = 9,
			    .dport = 9,
			    .icmp_type = 128 };
	struct t_spec er = t_rev(&e);
	struct hsb_session v;

	fwd(f, &s, 0, T_TCP_SYN);
	fwd(f, &s, 1, T_TCP_SYN | T_TCP_ACK);
	/* extension headers in between do not hide the flow */
	s.n_ext = 2;
	s.ext[0] = 0; /* hop-by-hop */
	s.ext[1] = 60; /* destination options */
	fwd(f, &s, 0, T_TCP_ACK);
	assert_int_equal(t_session(f, &s, &v), 0);
	assert_int_equal(v.state, HSB_CT_ESTABLISHED);
	assert_int_equal(v.bytes[HSB_DIR_ORIG], 60 + 76);
	t_session_del(f, &s);

	assert_int_equal(t_send(f, &u, f->if_in), XDP_REDIRECT);
	assert_int_equal(t_state(f, &u), HSB_CT_UDP_NEW);
	t_session_del(f, &u);

	er.icmp_type = 129;
	assert_int_equal(t_send(f, &er, f->if_out), XDP_DROP);
	assert_int_equal(t_send(f, &e, f->if_in), XDP_REDIRECT);
	assert_int_equal(t_send(f, &er, f->if_out), XDP_REDIRECT);
	assert_int_equal(t_state(f, &e), HSB_CT_ICMP_REPLIED);
	t_session_del(f, &e);
	t_events_reset(f);
}

/* GRE: policy on the protocol, one session per address pair (ports 0). */
static void test_other_protocol_ports_zero(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = {
		.family = 4, .src = CLIENT4, .dst = SERVER4, .proto = 47
	};
	struct t_spec r = t_rev(&s);
	struct hsb_flow_key k;
	struct hsb_session v;

	t_key(&s, &k);
	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	assert_int_equal(bpf_map_lookup_elem(
				 t_map_fd(f->skel->maps.hsb_sessions), &k, &v),
			 0);
	assert_int_equal(k.port_a, 0);
	assert_int_equal(v.state, HSB_CT_UDP_NEW);
	assert_int_equal(t_send(f, &r, f->if_out), XDP_REDIRECT);
	assert_int_equal(t_state(f, &s), HSB_CT_UDP_ESTABLISHED);
	t_session_del(f, &s);
	t_events_reset(f);
}

/* ICMP errors quoting a tracked flow pass (PMTU discovery, unreachable);
 * others are dropped. */
static void test_icmp_errors(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec u = { .family = 4,
			    .src = CLIENT4,
			    .dst = SERVER4,
			    .proto = 17,
			    .sport = 6000,
			    .dport = 7000 };
	struct t_spec u6 = { .family = 6,
			     .src = CLIENT6,
			     .dst = SERVER6,
			     .proto = 17,
			     .sport = 6000,
			     .dport = 7000 };
	struct t_spec err = { .family = 4,
			      .src = "10.2.0.2",
			      .dst = CLIENT4,
			      .proto = 1,
			      .icmp_type = 3 };
	struct t_spec err6 = { .family = 6,
			       .src = "fd02::2",
			       .dst = CLIENT6,
			       .proto = 58,
			       .icmp_type = 2 };
	uint8_t q[2048];
	size_t l3, len;
	struct t_counters c;
	int i;

	assert_int_equal(t_send(f, &u, f->if_in), XDP_REDIRECT);
	assert_int_equal(t_send(f, &u6, f->if_in), XDP_REDIRECT);
	t_snap(f, &c);
	for (i = 0; i < 2; i++) {
		struct t_spec qs = i ? u6 : u;
		struct t_spec *e = i ? &err6 : &err;

		len = t_build_ex(&qs, q, &l3, NULL);
		e->quote = q + l3;
		e->quote_len = (i ? 40 : 20) + 8;
		assert_int_equal(t_send(f, e, f->if_out), XDP_REDIRECT);
		/* about a flow hsb does not know */
		qs.sport = 6001;
		len = t_build_ex(&qs, q, &l3, NULL);
		assert_int_equal(t_send(f, e, f->if_out), XDP_DROP);
		/* quote cut inside its transport header: malformed */
		e->quote_len = (i ? 40 : 20) + 4;
		assert_int_equal(t_send(f, e, f->if_out), XDP_DROP);
	}
	(void)len;
	assert_int_equal(t_delta(f, &c, HSB_CNT_ICMP_ERR_RELATED), 2);
	assert_int_equal(t_delta(f, &c, HSB_CNT_ICMP_ERR_NO_SESSION), 2);
	assert_int_equal(t_delta(f, &c, HSB_CNT_BAD_L4), 2);
	t_session_del(f, &u);
	t_session_del(f, &u6);
	t_events_reset(f);
}

/* An entry installed by HRP from the peer, ESTABLISHED: mid-stream
 * segments in both directions pass without any handshake seen here. */
static void test_from_peer_midstream(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = tcp4(T_TCP_ACK);
	struct hsb_flow_key k;
	struct hsb_session v = { 0 };
	struct t_counters c;

	s.sport = 40100;
	v.state = HSB_CT_ESTABLISHED;
	v.flags = HSB_SESS_F_FROM_PEER |
		  (t_key(&s, &k) ? 0 : HSB_SESS_F_INIT_B);
	v.zone_in = HSB_ZONE_TRUST;
	v.zone_out = HSB_ZONE_UNTRUST;
	v.created_ns = v.last_seen_ns = v.last_sync_ns = t_now_ns();
	v.packets[0] = 1000;
	t_session_put(f, &s, &v);
	t_snap(f, &c);
	s.payload = 500;
	fwd(f, &s, 0, T_TCP_ACK | T_TCP_PSH);
	fwd(f, &s, 1, T_TCP_ACK);
	assert_int_equal(t_session(f, &s, &v), 0);
	assert_int_equal(v.state, HSB_CT_ESTABLISHED);
	assert_int_equal(v.packets[HSB_DIR_ORIG], 1001);
	assert_int_equal(v.packets[HSB_DIR_REPLY], 1);
	assert_true(v.flags & HSB_SESS_F_FROM_PEER);
	assert_int_equal(t_delta(f, &c, HSB_CNT_SESSION_NEW), 0);
	assert_int_equal(t_delta(f, &c, HSB_CNT_TCP_NO_SESSION), 0);
	t_session_del(f, &s);
	t_events_reset(f);
}

/* Traffic to the host itself: zone local, passed to the kernel. The host
 * answers outside XDP, so the initiator's ACK establishes the session. */
static void test_local_destination(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = { .family = 4,
			    .src = CLIENT4,
			    .dst = "10.1.0.1",
			    .proto = 6,
			    .sport = 40200,
			    .dport = 22,
			    .tcp_flags = T_TCP_SYN };
	struct hsb_session v;

	assert_int_equal(t_send(f, &s, f->if_in), XDP_PASS);
	assert_int_equal(t_session(f, &s, &v), 0);
	assert_int_equal(v.zone_out, HSB_ZONE_LOCAL);
	assert_int_equal(v.state, HSB_CT_SYN_SENT);
	s.tcp_flags = T_TCP_ACK;
	assert_int_equal(t_send(f, &s, f->if_in), XDP_PASS);
	assert_int_equal(t_state(f, &s), HSB_CT_ESTABLISHED);
	t_session_del(f, &s);
	t_events_reset(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_handshake_and_close_initiator_first),
		cmocka_unit_test(test_tcp_close_responder_first),
		cmocka_unit_test(test_tcp_rst_closes_both_ways),
		cmocka_unit_test(test_tcp_without_session_needs_syn),
		cmocka_unit_test(test_tcp_invalid_flags_dropped),
		cmocka_unit_test(test_canonical_key_initiator_b),
		cmocka_unit_test(test_udp_new_then_established),
		cmocka_unit_test(test_icmp_echo),
		cmocka_unit_test(test_ipv6_tcp_udp_icmp),
		cmocka_unit_test(test_other_protocol_ports_zero),
		cmocka_unit_test(test_icmp_errors),
		cmocka_unit_test(test_from_peer_midstream),
		cmocka_unit_test(test_local_destination),
	};

	return cmocka_run_group_tests_name("xdp_session", tests, t_setup,
					   t_teardown);
}
