// SPDX-License-Identifier: GPL-2.0-only
/*
 * hsb_xdp first-packet decisions: security policy (first match, zones from
 * the ingress interface and the route, prefixes, protocol, port range,
 * default deny, double-buffer flip, rule hit counters) and the black- and
 * whitelist (v4-mapped and IPv6 prefixes, whitelist precedence, expiry);
 * the recheck of live sessions by the same walk (hsb_recheck).
 */
#include "xdp_harness.h"

#define C4 "10.1.0.2"
#define S4 "10.50.0.5"

static struct t_spec tcp(const char *src, const char *dst, __u16 sport,
			 __u16 dport)
{
	struct t_spec s = { .family = 4,
			    .src = src,
			    .dst = dst,
			    .proto = 6,
			    .sport = sport,
			    .dport = dport,
			    .tcp_flags = T_TCP_SYN };
	return s;
}

static struct hsb_rule rule(__u8 from, __u8 to, __u8 proto, __u16 lo, __u16 hi,
			    __u8 action, __u16 id)
{
	struct hsb_rule r = { .from_zone = from,
			      .to_zone = to,
			      .proto = proto,
			      .dport_lo = lo,
			      .dport_hi = hi,
			      .action = action,
			      .id = id };
	return r;
}

static void prefix(struct hsb_rule *r, int dst, int family, const char *a,
		   int len)
{
	r->family = family;
	inet_pton(family == 4 ? AF_INET : AF_INET6, a, dst ? r->dst : r->src);
	if (dst)
		r->dst_len = len;
	else
		r->src_len = len;
}

static uint64_t rule_hits(struct t_fixture *f, __u32 slot)
{
	uint64_t *v = calloc(f->nr_cpus, sizeof(*v)), sum = 0;
	int i;

	assert_int_equal(
		bpf_map_lookup_elem(t_map_fd(f->skel->maps.hsb_rule_stats),
				    &slot, v),
		0);
	for (i = 0; i < f->nr_cpus; i++)
		sum += v[i];
	free(v);
	return sum;
}

/* Send s (first packet) on ifindex; expect permit (a session) or not. */
static void decide(struct t_fixture *f, const struct t_spec *s,
		   unsigned int ifindex, int permit)
{
	int v = t_send(f, s, ifindex);

	if (permit) {
		assert_int_not_equal(v, XDP_DROP);
		assert_int_not_equal(t_state(f, s), -1);
		t_session_del(f, s);
	} else {
		assert_int_equal(v, XDP_DROP);
		assert_int_equal(t_state(f, s), -1);
	}
}

static int restore_any(void **state)
{
	struct t_fixture *f = *state;
	struct hsb_rule any = t_rule_any(HSB_ACTION_PERMIT);

	t_set_policy(f, 0, &any, 1);
	t_list_clear(f);
	t_events_reset(f);
	return 0;
}

static void test_default_deny(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = tcp(C4, S4, 1000, 80);
	struct t_spec u = { .family = 4,
			    .src = C4,
			    .dst = S4,
			    .proto = 17,
			    .sport = 1,
			    .dport = 53 };
	struct t_counters c;

	t_set_policy(f, 1, NULL, 0);
	t_snap(f, &c);
	decide(f, &s, f->if_in, 0);
	decide(f, &u, f->if_in, 0);
	assert_int_equal(t_delta(f, &c, HSB_CNT_POLICY_DEFAULT), 2);
	assert_int_equal(t_delta(f, &c, HSB_CNT_DROP), 2);
	assert_int_equal(t_delta(f, &c, HSB_CNT_SESSION_NEW), 0);
}

static void test_first_match_wins(void **state)
{
	struct t_fixture *f = *state;
	struct hsb_rule rules[3] = {
		rule(HSB_ZONE_ANY, HSB_ZONE_ANY, 6, 22, 22, HSB_ACTION_DENY, 7),
		rule(HSB_ZONE_ANY, HSB_ZONE_ANY, 6, 1, 1023, HSB_ACTION_PERMIT,
		     8),
		rule(HSB_ZONE_ANY, HSB_ZONE_ANY, HSB_PROTO_ANY, 0, 65535,
		     HSB_ACTION_DENY, 9),
	};
	struct t_spec ssh = tcp(C4, S4, 1000, 22), web = tcp(C4, S4, 1000, 80);
	struct t_spec hi = tcp(C4, S4, 1000, 8080);
	struct hsb_session v;
	struct t_counters c;

	t_set_policy(f, 1, rules, 3);
	t_snap(f, &c);
	decide(f, &ssh, f->if_in, 0);
	assert_int_equal(t_send(f, &web, f->if_in), XDP_REDIRECT);
	assert_int_equal(t_session(f, &web, &v), 0);
	assert_int_equal(v.rule, 8);
	t_session_del(f, &web);
	decide(f, &hi, f->if_in, 0);
	assert_int_equal(t_delta(f, &c, HSB_CNT_POLICY_DENY), 2);
	assert_int_equal(t_delta(f, &c, HSB_CNT_POLICY_PERMIT), 1);
	assert_int_equal(t_delta(f, &c, HSB_CNT_POLICY_DEFAULT), 0);
	assert_int_equal(rule_hits(f, HSB_MAX_RULES + 0), 1);
	assert_int_equal(rule_hits(f, HSB_MAX_RULES + 1), 1);
	assert_int_equal(rule_hits(f, HSB_MAX_RULES + 2), 1);
	restore_any(state);
}

static void test_zones(void **state)
{
	struct t_fixture *f = *state;
	struct hsb_rule rules[2] = {
		rule(HSB_ZONE_TRUST, HSB_ZONE_UNTRUST, HSB_PROTO_ANY, 0, 65535,
		     HSB_ACTION_PERMIT, 1),
		rule(HSB_ZONE_TRUST, HSB_ZONE_LOCAL, 6, 22, 22,
		     HSB_ACTION_PERMIT, 2),
	};
	struct t_spec out = tcp(C4, S4, 1000, 443);
	struct t_spec in = tcp("10.2.0.2", C4, 1000, 443);
	struct t_spec ssh_fw = tcp(C4, "10.1.0.1", 1000, 22);
	struct t_spec web_fw = tcp(C4, "10.1.0.1", 1000, 80);
	struct t_spec ssh_fw_out = tcp("10.2.0.2", "10.2.0.1", 1000, 22);

	t_set_policy(f, 0, rules, 2);
	decide(f, &out, f->if_in, 1); /* trust -> untrust */
	decide(f, &in, f->if_out, 0); /* untrust -> trust */
	decide(f, &ssh_fw, f->if_in, 1); /* trust -> local:22 */
	decide(f, &web_fw, f->if_in, 0);
	decide(f, &ssh_fw_out, f->if_out, 0); /* untrust -> local */
	/* an interface moved to another zone changes the decision */
	t_set_iface(f, f->if_out, 2, HSB_ZONE_TRUST, 0);
	decide(f, &ssh_fw_out, f->if_out, 1);
	decide(f, &out, f->if_in, 0); /* now trust -> trust */
	t_set_iface(f, f->if_out, 2, HSB_ZONE_UNTRUST, 0);
	restore_any(state);
}

static void test_prefixes_family_proto_ports(void **state)
{
	struct t_fixture *f = *state;
	struct hsb_rule rules[4];
	struct t_spec a = tcp(C4, S4, 1000, 80);
	struct t_spec b = tcp("10.1.0.3", S4, 1000, 80);
	struct t_spec d = tcp(C4, "10.50.1.5", 1000, 80);
	struct t_spec s6 = { .family = 6,
			     .src = "fd01::2",
			     .dst = "fd50::5",
			     .proto = 17,
			     .sport = 1,
			     .dport = 53 };
	struct t_spec s6b = s6;
	struct t_spec ping = { .family = 4,
			       .src = "10.1.0.3",
			       .dst = S4,
			       .proto = 1,
			       .sport = 3,
			       .dport = 3,
			       .icmp_type = 8 };

	s6b.src = "fd01:0:0:1::2";
	/* 10.1.0.2/32 -> 10.50.0.0/24 tcp 80-80 */
	rules[0] = rule(HSB_ZONE_ANY, HSB_ZONE_ANY, 6, 80, 80,
			HSB_ACTION_PERMIT, 1);
	prefix(&rules[0], 0, 4, C4, 32);
	prefix(&rules[0], 1, 4, "10.50.0.0", 24);
	/* fd01::/64 udp 53 */
	rules[1] = rule(HSB_ZONE_ANY, HSB_ZONE_ANY, 17, 53, 53,
			HSB_ACTION_PERMIT, 2);
	prefix(&rules[1], 0, 6, "fd01::", 64);
	/* any protocol but only ports 1-1023: ICMP has no port */
	rules[2] = rule(HSB_ZONE_ANY, HSB_ZONE_ANY, HSB_PROTO_ANY, 1, 1023,
			HSB_ACTION_PERMIT, 3);
	rules[2].family = 6;
	/* IPv4-only rule with no prefix: ICMP */
	rules[3] = rule(HSB_ZONE_ANY, HSB_ZONE_ANY, 1, 0, 65535,
			HSB_ACTION_PERMIT, 4);
	rules[3].family = 4;
	t_set_policy(f, 1, rules, 4);

	decide(f, &a, f->if_in, 1);
	decide(f, &b, f->if_in, 0); /* other source */
	decide(f, &d, f->if_in, 0); /* outside the /24 */
	a.dport = 81;
	decide(f, &a, f->if_in, 0); /* port */
	a.proto = 17;
	a.dport = 80;
	decide(f, &a, f->if_in, 0); /* protocol */
	decide(f, &s6, f->if_in, 1);
	decide(f, &s6b, f->if_in, 1); /* rule 2: v6, port 53 in 1-1023 */
	s6b.dport = 2000;
	decide(f, &s6b, f->if_in, 0);
	decide(f, &ping, f->if_in, 1); /* rule 4 */
	ping.family = 6;
	ping.src = "fd01::2";
	ping.dst = "fd50::5";
	ping.proto = 58;
	ping.icmp_type = 128;
	decide(f, &ping, f->if_in, 0); /* rule 3 needs a port */
	restore_any(state);
}

/* hsbd writes the inactive half, then flips `active`: packets see the old
 * set until the flip, the new one after, never a mix. */
static void test_double_buffer_flip(void **state)
{
	struct t_fixture *f = *state;
	struct hsb_rule deny_all = t_rule_any(HSB_ACTION_DENY);
	struct hsb_rule web = rule(HSB_ZONE_ANY, HSB_ZONE_ANY, 6, 80, 80,
				   HSB_ACTION_PERMIT, 1);
	struct hsb_policy_ctl ctl;
	struct t_spec s = tcp(C4, S4, 1000, 80);
	struct t_spec est = tcp(C4, S4, 1001, 80);
	__u32 zero = 0, slot = HSB_MAX_RULES;
	int fd = t_map_fd(f->skel->maps.hsb_policy_ctl);

	t_set_policy(f, 0, &web, 1);
	assert_int_equal(t_send(f, &est, f->if_in), XDP_REDIRECT);
	/* stage deny-all in half 1 without flipping */
	assert_int_equal(bpf_map_update_elem(t_map_fd(f->skel->maps.hsb_policy),
					     &slot, &deny_all, BPF_ANY),
			 0);
	assert_int_equal(bpf_map_lookup_elem(fd, &zero, &ctl), 0);
	ctl.n_rules[1] = 1;
	assert_int_equal(bpf_map_update_elem(fd, &zero, &ctl, BPF_ANY), 0);
	decide(f, &s, f->if_in, 1);
	/* flip */
	ctl.active = 1;
	assert_int_equal(bpf_map_update_elem(fd, &zero, &ctl, BPF_ANY), 0);
	decide(f, &s, f->if_in, 0);
	/* established sessions are not re-evaluated */
	est.tcp_flags = T_TCP_ACK;
	assert_int_equal(t_send(f, &est, f->if_in), XDP_REDIRECT);
	t_session_del(f, &est);
	/* back */
	ctl.active = 0;
	assert_int_equal(bpf_map_update_elem(fd, &zero, &ctl, BPF_ANY), 0);
	decide(f, &s, f->if_in, 1);
	/* a corrupt length is clamped, not trusted */
	ctl.n_rules[0] = 100000;
	assert_int_equal(bpf_map_update_elem(fd, &zero, &ctl, BPF_ANY), 0);
	decide(f, &s, f->if_in, 1);
	restore_any(state);
}

/* The last slot of a full rule set is reached. */
static void test_full_rule_set(void **state)
{
	struct t_fixture *f = *state;
	struct hsb_rule *rules = calloc(HSB_MAX_RULES, sizeof(*rules));
	struct t_spec s = tcp(C4, S4, 1000, 9999);
	struct hsb_session v;
	int i;

	for (i = 0; i < HSB_MAX_RULES; i++)
		rules[i] = rule(HSB_ZONE_ANY, HSB_ZONE_ANY, 6, i, i,
				HSB_ACTION_PERMIT, i);
	rules[HSB_MAX_RULES - 1].dport_lo = 9999;
	rules[HSB_MAX_RULES - 1].dport_hi = 9999;
	t_set_policy(f, 1, rules, HSB_MAX_RULES);
	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	assert_int_equal(t_session(f, &s, &v), 0);
	assert_int_equal(v.rule, HSB_MAX_RULES - 1);
	t_session_del(f, &s);
	free(rules);
	restore_any(state);
}

static void test_blacklist_whitelist(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = tcp(C4, S4, 2000, 80);
	struct t_spec s6 = { .family = 6,
			     .src = "fd01::2",
			     .dst = "fd50::5",
			     .proto = 6,
			     .sport = 2000,
			     .dport = 80,
			     .tcp_flags = T_TCP_SYN };
	struct t_spec other = tcp("10.1.0.3", S4, 2000, 80);
	struct hsb_lpm_key k = { .prefixlen = 96 + 24 };
	struct hsb_list_entry e;
	struct t_counters c;

	t_list_add(f, 0, 4, "10.1.0.0", 24, 0);
	t_list_add(f, 0, 6, "fd01::", 64, 0);
	t_snap(f, &c);
	decide(f, &s, f->if_in, 0);
	decide(f, &s6, f->if_in, 0);
	decide(f, &other, f->if_in, 0);
	assert_int_equal(t_delta(f, &c, HSB_CNT_BLACKLIST), 3);
	assert_int_equal(t_delta(f, &c, HSB_CNT_POLICY_DEFAULT), 0);
	k.addr[10] = k.addr[11] = 0xff;
	inet_pton(AF_INET, "10.1.0.0", k.addr + 12);
	assert_int_equal(bpf_map_lookup_elem(
				 t_map_fd(f->skel->maps.hsb_blacklist), &k, &e),
			 0);
	assert_int_equal(e.hits, 2);

	/* the whitelist wins over the blacklist (policy still applies) */
	t_list_add(f, 1, 4, C4, 32, 0);
	t_snap(f, &c);
	decide(f, &s, f->if_in, 1);
	decide(f, &other, f->if_in, 0);
	assert_int_equal(t_delta(f, &c, HSB_CNT_WHITELIST), 1);
	assert_int_equal(t_delta(f, &c, HSB_CNT_BLACKLIST), 1);

	/* an expired whitelist entry is ignored: blacklisted again */
	t_list_add(f, 1, 4, C4, 32, t_now_ns() - 1000000000ULL);
	decide(f, &s, f->if_in, 0);
	/* an expired blacklist entry is ignored */
	t_list_add(f, 0, 4, "10.1.0.0", 24, t_now_ns() - 1000000000ULL);
	decide(f, &s, f->if_in, 1);
	/* one that expires later applies */
	t_list_add(f, 0, 4, "10.1.0.0", 24, t_now_ns() + 60000000000ULL);
	decide(f, &s, f->if_in, 0);
	restore_any(state);
}

/* The lists judge packets without a session: a source blacklisted after
 * its session started keeps that session until hsbd removes it. */
static void test_blacklist_skips_established(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = tcp(C4, S4, 2001, 80);
	struct t_spec r = t_rev(&s);

	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	t_list_add(f, 0, 4, S4, 32, 0);
	r.tcp_flags = T_TCP_SYN | T_TCP_ACK;
	assert_int_equal(t_send(f, &r, f->if_out), XDP_REDIRECT);
	t_session_del(f, &s);
	r.tcp_flags = T_TCP_ACK;
	assert_int_equal(t_send(f, &r, f->if_out), XDP_DROP);
	restore_any(state);
}

/* Runs hsb_recheck over e[0..n); returns how many it permits. */
static __u32 recheck(struct t_fixture *f, struct hsb_recheck_ent *e, __u32 n)
{
	static struct hsb_recheck_buf b;
	struct hsb_recheck_args a = { .n = n };
	LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = &a,
		    .ctx_size_in = sizeof(a));
	__u32 zero = 0;
	int fd = t_map_fd(f->skel->maps.hsb_recheck_buf);

	memset(&b, 0, sizeof(b));
	memcpy(b.e, e, n * sizeof(*e));
	assert_int_equal(bpf_map_update_elem(fd, &zero, &b, 0), 0);
	assert_int_equal(bpf_prog_test_run_opts(
				 bpf_program__fd(f->skel->progs.hsb_recheck),
				 &o),
			 0);
	assert_int_equal(o.retval, 0);
	assert_int_equal(bpf_map_lookup_elem(fd, &zero, &b), 0);
	memcpy(e, b.e, n * sizeof(*e));
	return a.permitted;
}

/* A live session's first packet asked again (include/hsb/policy.h): the
 * initiator's side and zones, a server-map session by its inside
 * address; the same walk as a first packet, counting nothing. */
static void test_recheck_live_sessions(void **state)
{
	struct t_fixture *f = *state;
	struct hsb_rule rs[2];
	struct hsb_recheck_ent e[4];
	struct t_spec s = tcp(C4, S4, 3001, 80);
	struct t_counters c;
	uint64_t hits;

	/* trust -> untrust to port 80 only; untrust -> trust to 10.1.0.2
	 * port 9100 only (a server map's inside server) */
	rs[0] = rule(HSB_ZONE_TRUST, HSB_ZONE_UNTRUST, 6, 80, 80,
		     HSB_ACTION_PERMIT, 7);
	rs[1] = rule(HSB_ZONE_UNTRUST, HSB_ZONE_TRUST, 6, 9100, 9100,
		     HSB_ACTION_PERMIT, 8);
	prefix(&rs[1], 1, 4, C4, 32);
	t_set_policy(f, 1, rs, 2);
	memset(e, 0, sizeof(e));
	/* 0: C4:3001 -> S4:80 from trust: permitted by rule 7 */
	if (t_key(&s, &e[0].key) == 0)
		e[0].flags |= HSB_RECHECK_F_INIT_B;
	e[0].zone_in = HSB_ZONE_TRUST;
	e[0].zone_out = HSB_ZONE_UNTRUST;
	/* 1: the same flow initiated from the other side: S4:80 -> C4:3001
	 * from untrust, no rule */
	e[1] = e[0];
	e[1].flags ^= HSB_RECHECK_F_INIT_B;
	e[1].zone_in = HSB_ZONE_UNTRUST;
	e[1].zone_out = HSB_ZONE_TRUST;
	/* 2: S4:5000 -> global 10.2.0.80:8080, inside C4:9100: rule 8 */
	s = tcp(S4, "10.2.0.80", 5000, 8080);
	if (t_key(&s, &e[2].key) == 0)
		e[2].flags |= HSB_RECHECK_F_INIT_B;
	e[2].zone_in = HSB_ZONE_UNTRUST;
	e[2].zone_out = HSB_ZONE_TRUST;
	e[2].flags |= HSB_RECHECK_F_DNAT;
	t_addr(4, C4, e[2].dnat_addr);
	e[2].dnat_port = 9100;
	/* 3: the same judged by its global address: no rule */
	e[3] = e[2];
	e[3].flags &= ~HSB_RECHECK_F_DNAT;
	hits = rule_hits(f, HSB_MAX_RULES);
	t_snap(f, &c);
	assert_int_equal(recheck(f, e, 4), 2);
	assert_int_equal(e[0].permit, 1);
	assert_int_equal(e[0].rule_id, 7);
	assert_int_equal(e[1].permit, 0);
	assert_int_equal(e[2].permit, 1);
	assert_int_equal(e[2].rule_id, 8);
	assert_int_equal(e[3].permit, 0);
	/* a question, not a first packet: no counter, no rule hit */
	assert_int_equal(t_delta(f, &c, HSB_CNT_POLICY_PERMIT), 0);
	assert_int_equal(t_delta(f, &c, HSB_CNT_POLICY_DENY), 0);
	assert_int_equal(t_delta(f, &c, HSB_CNT_POLICY_DEFAULT), 0);
	assert_int_equal(rule_hits(f, HSB_MAX_RULES), hits);
	/* a deny rule first: denied, and named */
	rs[1] = rs[0];
	rs[0].action = HSB_ACTION_DENY;
	rs[0].id = 9;
	t_set_policy(f, 0, rs, 2);
	assert_int_equal(recheck(f, e, 1), 0);
	assert_int_equal(e[0].rule_id, 9);
	/* an empty batch */
	assert_int_equal(recheck(f, e, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_deny),
		cmocka_unit_test_teardown(test_first_match_wins, restore_any),
		cmocka_unit_test_teardown(test_zones, restore_any),
		cmocka_unit_test_teardown(test_prefixes_family_proto_ports,
					  restore_any),
		cmocka_unit_test_teardown(test_double_buffer_flip, restore_any),
		cmocka_unit_test_teardown(test_full_rule_set, restore_any),
		cmocka_unit_test_teardown(test_blacklist_whitelist,
					  restore_any),
		cmocka_unit_test_teardown(test_blacklist_skips_established,
					  restore_any),
		cmocka_unit_test_teardown(test_recheck_live_sessions,
					  restore_any),
	};

	return cmocka_run_group_tests_name("xdp_policy", tests, t_setup,
					   t_teardown);
}
