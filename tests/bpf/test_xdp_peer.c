// SPDX-License-Identifier: GPL-2.0-only
/*
 * hsb_xdp forwarding through the peer (quick session backup, include/hsb/
 * peer.h). The namespace gets a heartbeat link hsbt-hb (10.3.0.1/29,
 * fd03::1/64) whose peer 10.3.0.2 / fd03::2 has a permanent neighbour.
 *
 * Sender: a packet without a session that would be dropped (TCP without
 * SYN, echo reply, a datagram the policy refuses) leaves tagged towards
 * the peer's MAC on hsbt-hb, the IP packet untouched; a SYN never does;
 * nothing goes while forwarding is off, over the budget, without a route
 * or neighbour to the peer, or tagged with VLAN.
 * Receiver: a tagged frame on the peer link is untagged and forwarded
 * along a session of this host; without one it is dropped (no session is
 * opened, nothing goes back to the peer); malformed tags and tags on
 * other interfaces are not taken.
 */
#include "xdp_harness.h"

#include "hsb/peer.h"

#define C4 "10.1.0.2"
#define S4 "10.50.0.5"
#define C6 "fd01::2"
#define S6 "fd50::5"
#define ZONE_HB 9

static const uint8_t mac_hb[6] = { 0x02, 0, 0, 0, 0, 0x0c };
static const uint8_t mac_peer[6] = { 0x02, 0, 0, 0, 0x03, 0x02 };
static unsigned int if_hb;

static int setup(void **state)
{
	struct t_fixture *f;

	if (t_setup(state))
		return -1;
	f = *state;
	if_hb = t_peer_link_setup();
	if (!if_hb)
		return -1;
	t_set_iface(f, if_hb, 3, HSB_ZONE_NONE,
		    HSB_IFACE_F_HEARTBEAT | HSB_IFACE_F_PEER_LINK);
	return 0;
}

/* Forwarding to the peer at addr (IPv4 or IPv6 text), on or off. */
static void peer_fwd(struct t_fixture *f, const char *addr, int on)
{
	struct hsb_peer_fwd *b = &f->skel->bss->hsb_peer_fwd;
	int v6 = strchr(addr, ':') != NULL;

	b->on = 0;
	b->ifindex = if_hb;
	b->family = v6 ? HSB_FAMILY_IPV6 : HSB_FAMILY_IPV4;
	memset(b->addr, 0, sizeof(b->addr));
	t_addr(v6 ? 6 : 4, addr, b->addr);
	b->per_ms = 0;
	b->on = on;
}

/* Every CPU's budget: sent frames in a window starting at window_ns. */
static void budget(struct t_fixture *f, __u64 window_ns, __u32 sent)
{
	struct hsb_peer_budget *v = calloc(f->nr_cpus, sizeof(*v));
	__u32 zero = 0;
	int i;

	assert_non_null(v);
	for (i = 0; i < f->nr_cpus; i++) {
		v[i].window_ns = window_ns;
		v[i].sent = sent;
	}
	assert_int_equal(
		bpf_map_update_elem(t_map_fd(f->skel->maps.hsb_peer_budget),
				    &zero, v, BPF_ANY),
		0);
	free(v);
}

/*
 * s, on hsbt-out, with the budget of the current millisecond spent (c is
 * snapped before the last try). The window is the clock's: a send that
 * reaches the program over 1 ms after the budget was written finds a new
 * one and goes (a loaded VM under TCG, make vmtest), so the write comes
 * after the snapshot, the slow part, and a redirect is tried again.
 */
static int send_over_budget(struct t_fixture *f, const struct t_spec *s,
			    struct t_counters *c)
{
	int i, v = XDP_REDIRECT;

	for (i = 0; i < 5 && v == XDP_REDIRECT; i++) {
		t_snap(f, c);
		budget(f, t_now_ns(), HSB_PEER_FWD_PER_MS);
		v = t_send(f, s, f->if_out);
	}
	return v;
}

static struct t_spec tcp(int family, const char *src, const char *dst,
			 __u16 sport, __u8 flags)
{
	struct t_spec s = { .family = family,
			    .src = src,
			    .dst = dst,
			    .proto = 6,
			    .sport = sport,
			    .dport = 80,
			    .tcp_flags = flags,
			    .payload = 10 };
	return s;
}

/* A frame the peer would send for s: s as built, tagged. */
static size_t tagged(const struct t_spec *s, uint8_t version, uint8_t *out)
{
	uint8_t in[2048];
	size_t len = t_build(s, in);

	memcpy(out, mac_hb, 6);
	memcpy(out + 6, mac_peer, 6);
	out[12] = HSB_ETH_P_PEER >> 8;
	out[13] = HSB_ETH_P_PEER & 0xff;
	out[14] = version;
	out[15] = HSB_ZONE_UNTRUST;
	memcpy(out + 16, in + 12, len - 12);
	return len + HSB_PEER_TAG_LEN;
}

static void test_reply_without_session_goes_to_peer(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = tcp(4, S4, C4, 80, T_TCP_SYN | T_TCP_ACK);
	static struct t_result r;
	uint8_t in[2048];
	struct t_counters c;
	size_t len;

	s.dport = 40000;
	peer_fwd(f, "10.3.0.2", 1);
	budget(f, 0, 0);
	t_snap(f, &c);
	len = t_build(&s, in);
	assert_int_equal(t_run_ex(f, in, len, f->if_out, &r), XDP_REDIRECT);
	assert_int_equal(r.len, len + HSB_PEER_TAG_LEN);
	assert_memory_equal(r.out, mac_peer, 6);
	assert_memory_equal(r.out + 6, mac_hb, 6);
	assert_int_equal(r.out[12] << 8 | r.out[13], HSB_ETH_P_PEER);
	assert_int_equal(r.out[14], HSB_PEER_VERSION);
	assert_int_equal(r.out[15], HSB_ZONE_UNTRUST);
	/* the original type and IP packet, TTL and checksums untouched */
	assert_memory_equal(r.out + 16, in + 12, len - 12);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_TX), 1);
	assert_int_equal(t_delta(f, &c, HSB_CNT_TCP_NO_SESSION), 0);
	assert_int_equal(t_delta(f, &c, HSB_CNT_SESSION_NEW), 0);
	assert_int_equal(t_delta(f, &c, HSB_CNT_REDIRECT), 1);

	/* an echo reply too; IPv6 through the IPv6 route to the peer */
	s = tcp(4, S4, C4, 7, 0);
	s.proto = 1;
	s.icmp_type = 0;
	t_snap(f, &c);
	assert_int_equal(t_send(f, &s, f->if_out), XDP_REDIRECT);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_TX), 1);
	assert_int_equal(t_delta(f, &c, HSB_CNT_ICMP_NO_SESSION), 0);
	peer_fwd(f, "fd03::2", 1);
	s = tcp(6, S6, C6, 80, T_TCP_ACK);
	t_snap(f, &c);
	len = t_build(&s, in);
	assert_int_equal(t_run_ex(f, in, len, f->if_out, &r), XDP_REDIRECT);
	assert_memory_equal(r.out, mac_peer, 6);
	assert_memory_equal(r.out + 16, in + 12, len - 12);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_TX), 1);
	peer_fwd(f, "10.3.0.2", 0);
}

static void test_what_is_not_sent(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = tcp(4, S4, C4, 80, T_TCP_ACK);
	struct hsb_rule only_out = t_rule_any(HSB_ACTION_PERMIT);
	struct hsb_rule any = t_rule_any(HSB_ACTION_PERMIT);
	struct t_counters c;

	/* off: dropped as ever */
	peer_fwd(f, "10.3.0.2", 0);
	budget(f, 0, 0);
	t_snap(f, &c);
	assert_int_equal(t_send(f, &s, f->if_out), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_TCP_NO_SESSION), 1);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_TX), 0);

	/* VLAN-tagged: dropped */
	peer_fwd(f, "10.3.0.2", 1);
	s.vlan = 1;
	t_snap(f, &c);
	assert_int_equal(t_send(f, &s, f->if_out), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_TCP_NO_SESSION), 1);
	s.vlan = 0;

	/* no neighbour for the peer, or a route out of another link */
	peer_fwd(f, "10.3.0.3", 1);
	t_snap(f, &c);
	assert_int_equal(t_send(f, &s, f->if_out), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_NO_ROUTE), 1);
	peer_fwd(f, "10.2.0.2", 1);
	assert_int_equal(t_send(f, &s, f->if_out), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_NO_ROUTE), 2);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_TX), 0);

	/* the budget of this millisecond spent: dropped; a new one */
	peer_fwd(f, "10.3.0.2", 1);
	assert_int_equal(send_over_budget(f, &s, &c), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_LIMITED), 1);
	budget(f, t_now_ns() - 2000000, HSB_PEER_FWD_PER_MS);
	assert_int_equal(t_send(f, &s, f->if_out), XDP_REDIRECT);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_TX), 1);

	/* the policy refuses a datagram as a new flow: the peer's, maybe;
	 * a SYN the policy refuses is not */
	only_out.from_zone = HSB_ZONE_TRUST;
	t_set_policy(f, 1, &only_out, 1);
	s = tcp(4, S4, C4, 53, 0);
	s.proto = 17;
	t_snap(f, &c);
	assert_int_equal(t_send(f, &s, f->if_out), XDP_REDIRECT);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_TX), 1);
	assert_int_equal(t_delta(f, &c, HSB_CNT_SESSION_NEW), 0);
	s = tcp(4, S4, C4, 1234, T_TCP_SYN);
	assert_int_equal(t_send(f, &s, f->if_out), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_TX), 1);
	t_set_policy(f, 0, &any, 1);
	peer_fwd(f, "10.3.0.2", 0);
}

/* A datagram the policy refuses as a new flow, sent to the peer, was
 * counted as refused (policy_default_deny, policy_deny) as well: a drop
 * reason for a redirected packet, or two for one drop when the budget or
 * the route to the peer stopped it (test_xdp_fuzz, seed 1, frame 10).
 * A drop reason counts drops: one sent to the peer is the peer's. */
static void test_refused_datagram_counted_once(void **state)
{
	struct t_fixture *f = *state;
	struct hsb_rule r[2] = { t_rule_any(HSB_ACTION_PERMIT),
				 t_rule_any(HSB_ACTION_DENY) };
	struct hsb_rule any = t_rule_any(HSB_ACTION_PERMIT);
	struct t_spec s = tcp(4, S4, C4, 53, 0);
	struct t_spec syn = tcp(4, S4, C4, 1235, T_TCP_SYN);
	struct t_counters c;

	s.proto = 17;
	s.dport = 40053;
	/* from trust only: the datagram from untrust matches no rule */
	r[0].from_zone = HSB_ZONE_TRUST;
	t_set_policy(f, 1, r, 1);
	peer_fwd(f, "10.3.0.2", 1);
	budget(f, 0, 0);
	t_snap(f, &c);
	assert_int_equal(t_send(f, &s, f->if_out), XDP_REDIRECT);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_TX), 1);
	assert_int_equal(t_delta(f, &c, HSB_CNT_POLICY_DEFAULT), 0);
	assert_int_equal(t_delta(f, &c, HSB_CNT_DROP), 0);
	/* over the budget, or no neighbour for the peer: one reason each */
	assert_int_equal(send_over_budget(f, &s, &c), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_LIMITED), 1);
	budget(f, 0, 0);
	peer_fwd(f, "10.3.0.3", 1);
	assert_int_equal(t_send(f, &s, f->if_out), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_NO_ROUTE), 1);
	assert_int_equal(t_delta(f, &c, HSB_CNT_POLICY_DEFAULT), 0);
	assert_int_equal(t_delta(f, &c, HSB_CNT_DROP), 2);
	/* a SYN is not the peer's: refused here */
	peer_fwd(f, "10.3.0.2", 1);
	t_snap(f, &c);
	assert_int_equal(t_send(f, &syn, f->if_out), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_POLICY_DEFAULT), 1);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_TX), 0);
	/* a deny rule's refusal the same; counted as ever with it off */
	r[1].from_zone = HSB_ZONE_UNTRUST;
	t_set_policy(f, 0, r, 2);
	t_snap(f, &c);
	assert_int_equal(t_send(f, &s, f->if_out), XDP_REDIRECT);
	assert_int_equal(t_delta(f, &c, HSB_CNT_POLICY_DENY), 0);
	peer_fwd(f, "10.3.0.2", 0);
	assert_int_equal(t_send(f, &s, f->if_out), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_POLICY_DENY), 1);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_TX), 1);
	assert_int_equal(t_delta(f, &c, HSB_CNT_DROP), 1);
	t_set_policy(f, 1, &any, 1);
}

static void test_peer_frame_forwarded_along_session(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec syn = tcp(4, C4, S4, 41000, T_TCP_SYN);
	struct t_spec rep = t_rev(&syn);
	static struct t_result r;
	uint8_t fr[2048], in[2048];
	struct t_counters c;
	size_t len, plain;

	/* the session this host opened */
	assert_int_equal(t_send(f, &syn, f->if_in), XDP_REDIRECT);
	peer_fwd(f, "10.3.0.2", 1);
	rep.tcp_flags = T_TCP_SYN | T_TCP_ACK;
	len = tagged(&rep, HSB_PEER_VERSION, fr);
	plain = t_build(&rep, in);
	t_snap(f, &c);
	assert_int_equal(t_run_ex(f, fr, len, if_hb, &r), XDP_REDIRECT);
	/* untagged, routed to the client like the reply it is */
	assert_int_equal(r.len, plain);
	assert_memory_equal(r.out, t_mac_nh_in, 6);
	assert_memory_equal(r.out + 6, t_mac_in, 6);
	assert_int_equal(r.out[12] << 8 | r.out[13], 0x0800);
	assert_int_equal(r.out[ETH_HLEN + 8], 63);
	assert_int_equal(t_csum(r.out + ETH_HLEN, 20), 0);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_RX), 1);
	assert_int_equal(t_delta(f, &c, HSB_CNT_SESSION_HIT), 1);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_TX), 0);
	assert_int_equal(t_state(f, &syn), HSB_CT_SYN_RECV);

	/* IPv6 */
	syn = tcp(6, C6, S6, 41001, T_TCP_SYN);
	assert_int_equal(t_send(f, &syn, f->if_in), XDP_REDIRECT);
	rep = t_rev(&syn);
	rep.tcp_flags = T_TCP_ACK;
	len = tagged(&rep, HSB_PEER_VERSION, fr);
	t_snap(f, &c);
	assert_int_equal(t_run_ex(f, fr, len, if_hb, &r), XDP_REDIRECT);
	assert_int_equal(r.len, len - HSB_PEER_TAG_LEN);
	assert_memory_equal(r.out, t_mac_nh_in, 6);
	assert_int_equal(r.out[12] << 8 | r.out[13], 0x86dd);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_RX), 1);
	peer_fwd(f, "10.3.0.2", 0);
}

static void test_peer_frame_without_session(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec ack = tcp(4, S4, C4, 80, T_TCP_ACK);
	struct t_spec syn = tcp(4, S4, C4, 42000, T_TCP_SYN);
	struct hsb_session v;
	uint8_t fr[2048];
	struct t_counters c;
	size_t len;

	/* on here too: what the peer sent never goes back */
	peer_fwd(f, "10.3.0.2", 1);
	budget(f, 0, 0);
	ack.dport = 42001;
	len = tagged(&ack, HSB_PEER_VERSION, fr);
	t_snap(f, &c);
	assert_int_equal(t_run_raw(f, fr, len, if_hb), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_NO_SESSION), 1);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_TX), 0);
	/* a SYN from the peer opens nothing */
	len = tagged(&syn, HSB_PEER_VERSION, fr);
	assert_int_equal(t_run_raw(f, fr, len, if_hb), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_NO_SESSION), 2);
	assert_int_equal(t_delta(f, &c, HSB_CNT_SESSION_NEW), 0);
	assert_int_not_equal(t_session(f, &syn, &v), 0);
	peer_fwd(f, "10.3.0.2", 0);
}

static void test_bad_tags(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec syn = tcp(4, C4, S4, 43000, T_TCP_SYN);
	struct t_spec rep;
	uint8_t fr[2048];
	struct t_counters c;
	size_t len;

	assert_int_equal(t_send(f, &syn, f->if_in), XDP_REDIRECT);
	rep = t_rev(&syn);
	rep.tcp_flags = T_TCP_ACK;
	t_snap(f, &c);
	/* another version */
	len = tagged(&rep, HSB_PEER_VERSION + 1, fr);
	assert_int_equal(t_run_raw(f, fr, len, if_hb), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_BAD), 1);
	/* not IP inside */
	len = tagged(&rep, HSB_PEER_VERSION, fr);
	fr[16] = 0x08;
	fr[17] = 0x06;
	assert_int_equal(t_run_raw(f, fr, len, if_hb), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_BAD), 2);
	/* cut inside the tag, and inside the IP header */
	len = tagged(&rep, HSB_PEER_VERSION, fr);
	assert_int_equal(t_run_raw(f, fr, 16, if_hb), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_BAD), 3);
	assert_int_equal(t_run_raw(f, fr, 30, if_hb), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_BAD_L3), 1);
	/* a fragment inside: not the peer's to send */
	rep.frag = 0x2000;
	len = tagged(&rep, HSB_PEER_VERSION, fr);
	assert_int_equal(t_run_raw(f, fr, len, if_hb), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_BAD), 4);
	rep.frag = 0;
	/* tagged on an interface that is not the peer link: the kernel's
	 * (which drops the unknown type); never untagged */
	len = tagged(&rep, HSB_PEER_VERSION, fr);
	memcpy(fr, t_mac_out, 6);
	assert_int_equal(t_run_raw(f, fr, len, f->if_out), XDP_PASS);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NON_IP), 1);
	/* untagged: the two with a good tag (cut IP header, fragment) */
	assert_int_equal(t_delta(f, &c, HSB_CNT_PEER_FWD_RX), 2);
	/* anything else on the heartbeat link passes untouched */
	assert_int_equal(t_send(f, &rep, if_hb), XDP_PASS);
	assert_int_equal(t_delta(f, &c, HSB_CNT_HEARTBEAT), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_without_session_goes_to_peer),
		cmocka_unit_test(test_what_is_not_sent),
		cmocka_unit_test(test_refused_datagram_counted_once),
		cmocka_unit_test(test_peer_frame_forwarded_along_session),
		cmocka_unit_test(test_peer_frame_without_session),
		cmocka_unit_test(test_bad_tags),
	};

	return cmocka_run_group_tests_name("xdp_peer", tests, setup,
					   t_teardown);
}
