// SPDX-License-Identifier: GPL-2.0-only
/*
 * hsb_xdp NAT: PAT (TCP, UDP with and without checksum, ICMP echo ids),
 * NO-PAT, server map DNAT inbound and SNAT of the server's own sessions,
 * both directions each; port probing around taken ports, exhaustion
 * (dropped, counted), the host's port partition, endpoint-independent
 * reuse and reference counts with their release (the sweeper's path, via
 * the hsb_nat_release program), ICMP errors about translated flows
 * (embedded headers and every checksum), TTL / DF packets the kernel must
 * see untranslated and change records. ARP answers for public addresses:
 * test_xdp_vaddr.c.
 *
 * Every checksum of every output frame is verified by recomputing it
 * from scratch here (sum16() below), never with the datapath's
 * incremental helpers.
 */
#include "nat_harness.h"

/* ---- PAT ------------------------------------------------------------ */

static void test_pat_tcp_both_ways(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = spec(6, IN4, 40000, SRV4, 80), r;
	struct frame in, out;
	struct hsb_nat_entry pub, idx;
	struct hsb_session v;
	struct t_counters c;
	char pool[16];
	__u16 pp;

	reset(f);
	use_group(f, G_PAT, HSB_NAT_PART_NONE);
	t_snap(f, &c);
	build(&s, &in, 0);
	assert_int_equal(run(f, &in, f->if_in, &out), XDP_REDIRECT);
	verify_frame(&out);
	/* source: a pool address and a port of the range */
	inet_ntop(AF_INET, out.b + out.l3 + 12, pool, sizeof(pool));
	assert_true(!strcmp(pool, POOL_A) || !strcmp(pool, POOL_B));
	pp = get16(out.b + out.l4);
	assert_true(pp >= 1024);
	expect_dst(&out, SRV4, 80);

	/* the session: original tuple, translation in nat */
	assert_int_equal(t_session(f, &s, &v), 0);
	assert_true(v.flags & HSB_SESS_F_NAT);
	assert_int_equal(v.nat.kind, HSB_NAT_KIND_PAT);
	assert_int_equal(v.nat.port, pp);
	assert_memory_equal(v.nat.addr, out.b + out.l3 + 12, 4);
	/* the mapping, both ways, one reference */
	assert_int_equal(pat_get(f, pool, pp, 6, HSB_NAT_DIR_PUB, &pub), 0);
	assert_int_equal(pub.addr, a4(IN4));
	assert_int_equal(pub.port, 40000);
	assert_int_equal(pub.refcnt, 1);
	assert_int_equal(pat_get(f, IN4, 40000, 6, HSB_NAT_DIR_IN, &idx), 0);
	assert_int_equal(idx.addr, a4(pool));
	assert_int_equal(idx.port, pp);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NAT_SNAT), 1);
	/* its change record, and the session's */
	t_drain(f);
	assert_int_equal(n_nat_events, 1);
	assert_int_equal(nat_events[0].hdr.type, HSB_EV_NAT_CREATE);
	assert_int_equal(nat_events[0].nat.table, HSB_NAT_TABLE_PAT);
	assert_int_equal(nat_events[0].nat.key.addr, a4(pool));
	assert_int_equal(nat_events[0].nat.key.port, pp);
	assert_int_equal(nat_events[0].nat.val.refcnt, 1);
	assert_int_equal(f->n_events, 1);

	/* the reply, to the pool address: back to the inside host */
	r = t_rev(&s);
	r.src = SRV4;
	r.dst = pool;
	r.dport = pp;
	r.tcp_flags = T_TCP_SYN | T_TCP_ACK;
	build(&r, &in, 0);
	assert_int_equal(run(f, &in, f->if_out, &out), XDP_REDIRECT);
	verify_frame(&out);
	expect_src(&out, SRV4, 80);
	expect_dst(&out, IN4, 40000);
	assert_memory_equal(out.b, t_mac_nh_in, 6);
	assert_int_equal(t_state(f, &s), HSB_CT_SYN_RECV);

	/* established, data both ways */
	s.tcp_flags = T_TCP_ACK;
	s.payload = 700;
	build(&s, &in, 0);
	assert_int_equal(run(f, &in, f->if_in, &out), XDP_REDIRECT);
	verify_frame(&out);
	expect_src(&out, pool, pp);
	r.tcp_flags = T_TCP_ACK;
	r.payload = 333;
	build(&r, &in, 0);
	assert_int_equal(run(f, &in, f->if_out, &out), XDP_REDIRECT);
	verify_frame(&out);
	expect_dst(&out, IN4, 40000);
	assert_int_equal(t_state(f, &s), HSB_CT_ESTABLISHED);
	assert_int_equal(t_session(f, &s, &v), 0);
	assert_int_equal(v.packets[HSB_DIR_ORIG], 2);
	assert_int_equal(v.packets[HSB_DIR_REPLY], 2);
	assert_true(t_delta(f, &c, HSB_CNT_NAT_XLATE) >= 4);

	/* a packet to the pool address on a port with no mapping: no
	 * session, dropped (TCP without SYN) */
	r.dport = pp + 1 == 0 ? 1024 : pp + 1;
	build(&r, &in, 0);
	assert_int_equal(run(f, &in, f->if_out, &out), XDP_DROP);
}

static void test_pat_udp_checksums(void **state)
{
	struct t_fixture *f = *state;
	struct frame in, out;
	int zero;

	reset(f);
	use_group(f, G_PAT, HSB_NAT_PART_NONE);
	for (zero = 0; zero < 2; zero++) {
		struct t_spec s = spec(17, IN4, 5000 + zero, SRV4, 53), r;
		char pool[16];
		__u16 pp;

		build(&s, &in, zero);
		if (zero) {
			in.b[in.l4 + 6] = in.b[in.l4 + 7] = 0;
		} else {
			assert_true(get16(in.b + in.l4 + 6) != 0);
		}
		assert_int_equal(run(f, &in, f->if_in, &out), XDP_REDIRECT);
		verify_frame(&out);
		if (zero)
			assert_int_equal(get16(out.b + out.l4 + 6), 0);
		else
			assert_true(get16(out.b + out.l4 + 6) != 0);
		inet_ntop(AF_INET, out.b + out.l3 + 12, pool, sizeof(pool));
		pp = get16(out.b + out.l4);
		r = t_rev(&s);
		r.dst = pool;
		r.dport = pp;
		build(&r, &in, zero);
		if (zero)
			in.b[in.l4 + 6] = in.b[in.l4 + 7] = 0;
		assert_int_equal(run(f, &in, f->if_out, &out), XDP_REDIRECT);
		verify_frame(&out);
		expect_dst(&out, IN4, 5000 + zero);
		if (zero)
			assert_int_equal(get16(out.b + out.l4 + 6), 0);
		assert_int_equal(t_state(f, &s), HSB_CT_UDP_ESTABLISHED);
	}
}

static void test_pat_icmp_echo_id(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = spec(1, IN4, 77, SRV4, 77), r;
	struct frame in, out;
	struct hsb_session v;
	char pool[16];
	__u16 id;

	reset(f);
	use_group(f, G_PAT, HSB_NAT_PART_NONE);
	build(&s, &in, 0);
	assert_int_equal(run(f, &in, f->if_in, &out), XDP_REDIRECT);
	verify_frame(&out);
	id = get16(out.b + out.l4 + 4);
	assert_true(id >= 1024);
	inet_ntop(AF_INET, out.b + out.l3 + 12, pool, sizeof(pool));
	assert_int_equal(t_session(f, &s, &v), 0);
	assert_int_equal(v.nat.port, id);

	r = t_rev(&s);
	r.icmp_type = 0;
	r.dst = pool;
	r.sport = r.dport = id;
	build(&r, &in, 0);
	assert_int_equal(run(f, &in, f->if_out, &out), XDP_REDIRECT);
	verify_frame(&out);
	expect_dst(&out, IN4, 77);
	assert_int_equal(t_state(f, &s), HSB_CT_ICMP_REPLIED);
}

/* A session keeps its translation's checksum adjustments, computed once
 * when it is created; one without them (installed by an older datapath,
 * or from a peer) is translated by computing them per packet. TCP, UDP
 * and ICMP echo, both directions, each way. */
static void test_pat_precomputed_csum(void **state)
{
	static const __u8 protos[] = { 6, 17, 1 };
	struct t_fixture *f = *state;
	struct frame in, out;
	unsigned int i, pass;

	reset(f);
	use_group(f, G_PAT, HSB_NAT_PART_NONE);
	for (i = 0; i < sizeof(protos); i++) {
		__u8 pr = protos[i];
		__u16 ip = (__u16)(42000 + i), rp = pr == 1 ? ip : 443;
		struct t_spec s = spec(pr, IN4, ip, SRV4, rp), r;
		struct hsb_session v;
		char pool[16];
		__u16 pp;

		build(&s, &in, 0);
		assert_int_equal(run(f, &in, f->if_in, &out), XDP_REDIRECT);
		verify_frame(&out);
		inet_ntop(AF_INET, out.b + out.l3 + 12, pool, sizeof(pool));
		pp = get16(out.b + out.l4 + (pr == 1 ? 4 : 0));
		assert_int_equal(t_session(f, &s, &v), 0);
		expect_prep(&v, IN4, ip, pr);

		r = t_rev(&s);
		r.dst = pool;
		r.dport = pp;
		if (pr == 1) {
			r.icmp_type = 0;
			r.sport = pp;
		}
		if (pr == 6)
			r.tcp_flags = T_TCP_SYN | T_TCP_ACK;
		s.tcp_flags = T_TCP_ACK;
		for (pass = 0; pass < 2; pass++) {
			if (pass) {
				/* as a session from elsewhere has it */
				assert_int_equal(t_session(f, &s, &v), 0);
				v.nat.xflags = 0;
				v.nat.csum_ip = 0;
				v.nat.csum_l4 = 0;
				t_session_put(f, &s, &v);
				r.tcp_flags = T_TCP_ACK;
			}
			s.payload = 100 + pass;
			r.payload = 57 + pass;
			build(&r, &in, 0);
			assert_int_equal(run(f, &in, f->if_out, &out),
					 XDP_REDIRECT);
			verify_frame(&out);
			expect_src(&out, SRV4, pr == 1 ? ip : rp);
			expect_dst(&out, IN4, ip);
			build(&s, &in, 0);
			assert_int_equal(run(f, &in, f->if_in, &out),
					 XDP_REDIRECT);
			verify_frame(&out);
			expect_src(&out, pool, pp);
			expect_dst(&out, SRV4, pr == 1 ? pp : rp);
		}
		assert_int_equal(t_session(f, &s, &v), 0);
		assert_int_equal(v.packets[HSB_DIR_ORIG], 3);
		assert_int_equal(v.packets[HSB_DIR_REPLY], 2);
		assert_int_equal(v.nat.xflags, 0); /* not filled in later */
	}
}

/* A second session of the same inside endpoint reuses its mapping (one
 * more reference); releases free it only with the last. */
static void test_pat_refcount_and_release(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s1 = spec(17, IN4, 6000, SRV4, 53);
	struct t_spec s2 = spec(17, IN4, 6000, "10.50.0.6", 123);
	struct hsb_nat_entry pub;
	struct frame in, out;
	char pool[16];
	__u32 del;
	__u16 pp;

	reset(f);
	use_group(f, G_PAT, HSB_NAT_PART_NONE);
	build(&s1, &in, 0);
	assert_int_equal(run(f, &in, f->if_in, &out), XDP_REDIRECT);
	inet_ntop(AF_INET, out.b + out.l3 + 12, pool, sizeof(pool));
	pp = get16(out.b + out.l4);
	build(&s2, &in, 0);
	assert_int_equal(run(f, &in, f->if_in, &out), XDP_REDIRECT);
	expect_src(&out, pool, pp); /* endpoint-independent */
	assert_int_equal(pat_get(f, pool, pp, 17, HSB_NAT_DIR_PUB, &pub), 0);
	assert_int_equal(pub.refcnt, 2);
	t_drain(f);
	assert_int_equal(n_nat_events, 1); /* one mapping, one record */

	/* the sweeper deletes the first session: one reference left */
	t_session_del(f, &s1);
	assert_int_equal(release(f, HSB_NAT_TABLE_PAT, pool, pp, 17, IN4, 6000,
				 &del),
			 1);
	assert_int_equal(del, 0);
	/* a release naming another inside endpoint is refused */
	assert_int_equal(release(f, HSB_NAT_TABLE_PAT, pool, pp, 17, IN4B, 6000,
				 &del),
			 -1);
	/* the last one frees both entries */
	t_session_del(f, &s2);
	assert_int_equal(release(f, HSB_NAT_TABLE_PAT, pool, pp, 17, IN4, 6000,
				 &del),
			 0);
	assert_int_equal(del, 1);
	assert_int_not_equal(pat_get(f, pool, pp, 17, HSB_NAT_DIR_PUB, &pub),
			     0);
	assert_int_not_equal(pat_get(f, IN4, 6000, 17, HSB_NAT_DIR_IN, &pub),
			     0);
	/* and a second release of a freed mapping does nothing */
	assert_int_equal(release(f, HSB_NAT_TABLE_PAT, pool, pp, 17, IN4, 6000,
				 &del),
			 -1);

	/* a dying mapping (count 0) is never joined: a new session gets a
	 * fresh port, the dying entry is left to its releaser */
	build(&s1, &in, 0);
	assert_int_equal(run(f, &in, f->if_in, &out), XDP_REDIRECT);
	inet_ntop(AF_INET, out.b + out.l3 + 12, pool, sizeof(pool));
	pp = get16(out.b + out.l4);
	assert_int_equal(pat_get(f, pool, pp, 17, HSB_NAT_DIR_PUB, &pub), 0);
	pub.refcnt = 0;
	{
		struct hsb_nat_key k = { .addr = a4(pool),
					 .port = pp,
					 .proto = 17,
					 .dir = HSB_NAT_DIR_PUB };

		assert_int_equal(
			bpf_map_update_elem(t_map_fd(f->skel->maps.hsb_nat_pat),
					    &k, &pub, BPF_EXIST),
			0);
	}
	build(&s2, &in, 0);
	assert_int_equal(run(f, &in, f->if_in, &out), XDP_REDIRECT);
	{
		char p2[16];

		inet_ntop(AF_INET, out.b + out.l3 + 12, p2, sizeof(p2));
		assert_false(!strcmp(p2, pool) && get16(out.b + out.l4) == pp);
	}
}

/* Probing skips taken ports, never reuses one; exhaustion drops the
 * first packet and counts it; the partition halves the range. */
static void test_pat_collisions_exhaustion_partition(void **state)
{
	struct t_fixture *f = *state;
	int fd = t_map_fd(f->skel->maps.hsb_nat_pat);
	struct hsb_nat_entry taken = { .addr = a4("10.1.0.99"),
				       .port = 1,
				       .refcnt = 1 };
	struct frame in, out;
	struct t_counters c;
	int part, i, seen[16];

	for (part = 0; part < 3; part++) {
		/* 16 ports 7000..7015 on one address */
		__u16 lo = 7000, hi = 7015, plo = lo, phi = hi;

		reset(f);
		set_pool(f, G_SMALL, HSB_NAT_POOL_PAT, POOL_A, 1, lo, hi);
		use_group(f, G_SMALL, part);
		if (part == HSB_NAT_PART_LOWER)
			phi = lo + 7;
		else if (part == HSB_NAT_PART_UPPER)
			plo = lo + 8;
		/* every other port of this host's span is taken */
		for (i = plo; i <= phi; i += 2) {
			struct hsb_nat_key k = { .addr = a4(POOL_A),
						 .port = i,
						 .proto = 17,
						 .dir = HSB_NAT_DIR_PUB };

			assert_int_equal(bpf_map_update_elem(fd, &k, &taken,
							     BPF_NOEXIST),
					 0);
		}
		memset(seen, 0, sizeof(seen));
		t_snap(f, &c);
		for (i = 0; i < (phi - plo + 1) / 2; i++) {
			struct t_spec s = spec(17, IN4, 8000 + i, SRV4, 53);
			__u16 pp;

			build(&s, &in, 0);
			assert_int_equal(run(f, &in, f->if_in, &out),
					 XDP_REDIRECT);
			pp = get16(out.b + out.l4);
			assert_true(pp >= plo && pp <= phi);
			assert_int_equal((pp - plo) % 2, 1); /* a free one */
			assert_int_equal(seen[pp - lo]++, 0); /* unique */
		}
		/* the span is full: the next first packet is dropped */
		{
			struct t_spec s = spec(17, IN4, 9000, SRV4, 53);

			build(&s, &in, 0);
			assert_int_equal(run(f, &in, f->if_in, &out), XDP_DROP);
			assert_int_not_equal(
				t_session(f, &s, &(struct hsb_session){ 0 }),
				0);
		}
		assert_int_equal(t_delta(f, &c, HSB_CNT_NAT_EXHAUSTED), 1);
		assert_true(t_delta(f, &c, HSB_CNT_NAT_PROBE_BUSY) > 0);
		/* the taken entries are untouched */
		for (i = plo; i <= phi; i += 2) {
			struct hsb_nat_entry e;

			assert_int_equal(pat_get(f, POOL_A, i, 17,
						 HSB_NAT_DIR_PUB, &e),
					 0);
			assert_int_equal(e.addr, taken.addr);
		}
	}
}

/* ---- NO-PAT --------------------------------------------------------- */

static void test_nopat(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s1 = spec(6, IN4, 41000, SRV4, 443), r;
	struct t_spec s2 = spec(17, IN4, 41001, SRV4, 53);
	struct t_spec s3 = spec(17, IN4B, 41002, SRV4, 53);
	struct t_spec s4 = spec(17, "10.1.0.4", 41003, SRV4, 53);
	struct hsb_nat_entry e;
	struct frame in, out;
	struct t_counters c;
	char pub[16], pub2[16];
	__u32 del;
	struct hsb_nat_key k = { 0 };
	int fd = t_map_fd(f->skel->maps.hsb_nat_nopat);

	reset(f);
	use_group(f, G_NOPAT, HSB_NAT_PART_NONE);
	build(&s1, &in, 0);
	assert_int_equal(run(f, &in, f->if_in, &out), XDP_REDIRECT);
	verify_frame(&out);
	inet_ntop(AF_INET, out.b + out.l3 + 12, pub, sizeof(pub));
	assert_true(!strcmp(pub, NOPAT_A) || !strcmp(pub, NOPAT_B));
	assert_int_equal(get16(out.b + out.l4), 41000); /* port kept */

	r = t_rev(&s1);
	r.dst = pub;
	r.tcp_flags = T_TCP_SYN | T_TCP_ACK;
	build(&r, &in, 0);
	assert_int_equal(run(f, &in, f->if_out, &out), XDP_REDIRECT);
	verify_frame(&out);
	expect_dst(&out, IN4, 41000);

	/* same inside address: same public address, two references */
	build(&s2, &in, 0);
	assert_int_equal(run(f, &in, f->if_in, &out), XDP_REDIRECT);
	expect_src(&out, pub, 41001);
	k.addr = a4(pub);
	assert_int_equal(bpf_map_lookup_elem(fd, &k, &e), 0);
	assert_int_equal(e.refcnt, 2);
	assert_int_equal(e.addr, a4(IN4));

	/* another inside host borrows the other address */
	build(&s3, &in, 0);
	assert_int_equal(run(f, &in, f->if_in, &out), XDP_REDIRECT);
	inet_ntop(AF_INET, out.b + out.l3 + 12, pub2, sizeof(pub2));
	assert_string_not_equal(pub, pub2);
	/* a third has none left */
	t_snap(f, &c);
	build(&s4, &in, 0);
	assert_int_equal(run(f, &in, f->if_in, &out), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NAT_EXHAUSTED), 1);

	/* release IN4's two: its address is free again */
	assert_int_equal(
		release(f, HSB_NAT_TABLE_NOPAT, pub, 0, 0, IN4, 0, &del), 1);
	assert_int_equal(
		release(f, HSB_NAT_TABLE_NOPAT, pub, 0, 0, IN4, 0, &del), 0);
	assert_int_equal(del, 1);
	build(&s4, &in, 0);
	assert_int_equal(run(f, &in, f->if_in, &out), XDP_REDIRECT);
	expect_src(&out, pub, 41003);
}

/* ---- ICMP errors ---------------------------------------------------- */

/* An ICMP error (type, code) from src to dst quoting the L3 packet q. */
static void build_err(struct frame *fr, const char *src, const char *dst,
		      __u8 type, __u8 code, const struct frame *q, int ttl)
{
	struct t_spec e = { .family = 4,
			    .src = src,
			    .dst = dst,
			    .proto = 1,
			    .icmp_type = type,
			    .sport = 1400, /* next-hop MTU for frag-needed */
			    .ttl = ttl };

	e.quote = q->b + q->l3;
	e.quote_len = q->len - q->l3;
	fr->len = t_build_ex(&e, fr->b, &fr->l3, &fr->l4);
	fr->b[fr->l4 + 1] = code;
	fr->b[fr->l4 + 4] = 0;
	fix(fr->b + fr->l3, fr->len - fr->l3, 1);
}

static void test_icmp_errors(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = spec(17, IN4, 7777, SRV4, 53), r;
	struct frame in, out, q, e;
	struct t_counters c;
	char pool[16];
	const uint8_t *qi;
	__u16 pp;

	reset(f);
	use_group(f, G_PAT, HSB_NAT_PART_NONE);
	s.payload = 4;
	build(&s, &in, 0);
	assert_int_equal(run(f, &in, f->if_in, &out), XDP_REDIRECT);
	inet_ntop(AF_INET, out.b + out.l3 + 12, pool, sizeof(pool));
	pp = get16(out.b + out.l4);

	/* frag needed from an outside router about the translated packet
	 * (the quote is that packet, whole): to the inside host, the quote
	 * as the inside host sent it */
	t_snap(f, &c);
	q = out;
	q.len = q.l3 + get16(q.b + q.l3 + 2);
	build_err(&e, "10.2.0.2", pool, 3, 4, &q, 64);
	assert_int_equal(run(f, &e, f->if_out, &out), XDP_REDIRECT);
	verify_frame(&out);
	{
		uint8_t a[4];

		ip4("10.2.0.2", a);
		assert_memory_equal(out.b + out.l3 + 12, a, 4);
		ip4(IN4, a);
		assert_memory_equal(out.b + out.l3 + 16, a, 4);
	}
	qi = out.b + out.l4 + 8;
	{
		uint8_t a[4];

		ip4(IN4, a);
		assert_memory_equal(qi + 12, a, 4); /* quoted source */
		assert_int_equal(get16(qi + 20), 7777); /* quoted sport */
		ip4(SRV4, a);
		assert_memory_equal(qi + 16, a, 4);
	}
	assert_int_equal(out.b[out.l4], 3);
	assert_int_equal(out.b[out.l4 + 1], 4);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NAT_ICMP_ERR), 1);

	/* port unreachable from the inside host about a reply it got: to
	 * the server, from the pool address, quoting the reply as the
	 * server sent it */
	r = t_rev(&s);
	r.dst = pool;
	r.dport = pp;
	build(&r, &in, 0);
	assert_int_equal(run(f, &in, f->if_out, &out), XDP_REDIRECT);
	q = out; /* the reply as delivered inside */
	q.len = q.l3 + get16(q.b + q.l3 + 2);
	build_err(&e, IN4, SRV4, 3, 3, &q, 64);
	assert_int_equal(run(f, &e, f->if_in, &out), XDP_REDIRECT);
	verify_frame(&out);
	qi = out.b + out.l4 + 8;
	{
		uint8_t a[4];

		ip4(pool, a);
		assert_memory_equal(out.b + out.l3 + 12, a, 4); /* outer src */
		assert_memory_equal(qi + 16, a, 4); /* quoted dst */
		assert_int_equal(get16(qi + 22), pp);
	}

	/* a truncated quote (IPv4 + 8 bytes), time exceeded: headers and
	 * the ICMP checksum still right */
	q.len = q.l3 + 28;
	build_err(&e, IN4, SRV4, 11, 0, &q, 64);
	assert_int_equal(run(f, &e, f->if_in, &out), XDP_REDIRECT);
	verify_frame(&out);
}

/* Packets the kernel answers itself stay as they came: TTL 1, and a DF
 * packet too big for the egress. Without DF the kernel fragments: it
 * gets the packet translated. */
/* Found by the XDP fuzzer (test_xdp_fuzz.c): an ICMP error whose quote
 * ends inside the quoted UDP header, in a frame with bytes after the IP
 * length. The rewrite took those bytes for the rest of the quote,
 * changed a "UDP checksum" there and summed the change into the ICMP
 * checksum, which does not cover them. Each frame leaves with valid
 * checksums, and the trailing bytes untouched. */
static void test_icmp_error_trailing_bytes(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = spec(17, IN4, 7778, SRV4, 53);
	struct frame in, out, q, e;
	char pool[16];
	size_t cut, pad, i;

	reset(f);
	use_group(f, G_PAT, HSB_NAT_PART_NONE);
	build(&s, &in, 0);
	assert_int_equal(run(f, &in, f->if_in, &out), XDP_REDIRECT);
	inet_ntop(AF_INET, out.b + out.l3 + 12, pool, sizeof(pool));
	/* quotes of the translated packet: IP header + 4, 6, 8 bytes */
	for (cut = 24; cut <= 28; cut += 2) {
		for (pad = 0; pad <= 16; pad += 16) {
			q = out;
			q.len = q.l3 + cut;
			build_err(&e, "10.2.0.2", pool, 3, 3, &q, 64);
			for (i = 0; i < pad; i++)
				e.b[e.len + i] = 0xa5;
			e.len += pad;
			if (run(f, &e, f->if_out, &in) != XDP_REDIRECT)
				continue;
			verify_frame(&in);
			for (i = 0; i < pad; i++)
				assert_int_equal(in.b[in.len - pad + i], 0xa5);
		}
	}
}

/* An ICMP echo with id 0, sequence 0 and no data: the right checksum of
 * an all-zero message is 0xffff. */
static void build_zero_echo(const struct t_spec *s, struct frame *fr)
{
	build(s, fr, 0);
	t_put16(fr->b + fr->l4 + 6, 0);
	fix(fr->b + fr->l3, fr->len - fr->l3, 0);
}

/* Found by the XDP fuzzer (test_xdp_fuzz.c): a translation that leaves
 * the ICMP echo id as it is (a NAT server without a port) still added
 * its "change" (-0, 0xffff) to the ICMP checksum, which turned the
 * 0xffff of an all-zero echo reply into 0x0000. The reply, from the
 * inside host to the client, with IPv4 options (the rewrite without the
 * precomputed adjustments) and without (with them), leaves with its
 * checksum intact. */
static void test_echo_all_zero_checksum(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = spec(1, OUT4, 0, GLOBAL_ALL, 0), r;
	struct frame in, out;
	int opt;

	reset(f);
	use_group(f, G_PAT, HSB_NAT_PART_NONE);
	srv_put(f, GLOBAL_ALL, 0, 0, IN4B, 0, HSB_ZONE_ANY);
	s.payload = 0;
	build_zero_echo(&s, &in);
	assert_int_equal(run(f, &in, f->if_out, &out), XDP_REDIRECT);
	expect_dst(&out, IN4B, 0);
	for (opt = 0; opt <= 4; opt += 4) {
		r = t_rev(&s);
		r.src = IN4B;
		r.icmp_type = 0;
		r.ip_optlen = opt;
		build_zero_echo(&r, &in);
		assert_int_equal(get16(in.b + in.l4 + 2), 0xffff);
		assert_int_equal(run(f, &in, f->if_in, &out), XDP_REDIRECT);
		expect_src(&out, GLOBAL_ALL, 0);
		verify_frame(&out);
	}
}

static void test_ttl_and_pmtu_untranslated(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = spec(17, IN4, 7001, SRV4, 53);
	struct frame in, out;

	reset(f);
	use_group(f, G_PAT, HSB_NAT_PART_NONE);
	build(&s, &in, 0);
	assert_int_equal(run(f, &in, f->if_in, &out), XDP_REDIRECT);

	s.ttl = 1;
	build(&s, &in, 0);
	assert_int_equal(run(f, &in, f->if_in, &out), XDP_PASS);
	assert_memory_equal(out.b + out.l3, in.b + in.l3, in.len - in.l3);

	assert_int_equal(t_sh("ip link set hsbt-out mtu 1300"), 0);
	s.ttl = 0;
	s.payload = 1400;
	s.frag = 0x4000; /* DF */
	build(&s, &in, 0);
	assert_int_equal(run(f, &in, f->if_in, &out), XDP_PASS);
	assert_memory_equal(out.b + out.l3, in.b + in.l3, in.len - in.l3);
	s.frag = 0;
	build(&s, &in, 0);
	assert_int_equal(run(f, &in, f->if_in, &out), XDP_PASS);
	assert_memory_not_equal(out.b + out.l3 + 12, in.b + in.l3 + 12, 4);
	verify_frame(&out);
	assert_int_equal(t_sh("ip link set hsbt-out mtu 1500"), 0);
}

/* ---- server map ----------------------------------------------------- */

static void test_server_map(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = spec(6, OUT4, 5555, GLOBAL_WWW, 80), r;
	struct frame in, out;
	struct hsb_session v;
	struct t_counters c;

	reset(f);
	use_group(f, G_PAT, HSB_NAT_PART_NONE);
	/* www: tcp 80 -> 10.1.0.2:8080, only from untrust */
	srv_put(f, GLOBAL_WWW, 80, 6, IN4, 8080, HSB_ZONE_UNTRUST);
	/* all: any protocol, whole address -> 10.1.0.3 */
	srv_put(f, GLOBAL_ALL, 0, 0, IN4B, 0, HSB_ZONE_ANY);

	t_snap(f, &c);
	build(&s, &in, 0);
	assert_int_equal(run(f, &in, f->if_out, &out), XDP_REDIRECT);
	verify_frame(&out);
	expect_src(&out, OUT4, 5555);
	expect_dst(&out, IN4, 8080);
	assert_memory_equal(out.b, t_mac_nh_in, 6);
	assert_int_equal(t_session(f, &s, &v), 0); /* original tuple */
	assert_int_equal(v.nat.kind, HSB_NAT_KIND_DNAT);
	expect_prep(&v, GLOBAL_WWW, 80, 6); /* the responder's side */
	assert_int_equal(v.zone_in, HSB_ZONE_UNTRUST);
	assert_int_equal(v.zone_out, HSB_ZONE_TRUST);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NAT_DNAT), 1);

	r = t_rev(&s);
	r.src = IN4;
	r.sport = 8080;
	r.tcp_flags = T_TCP_SYN | T_TCP_ACK;
	build(&r, &in, 0);
	assert_int_equal(run(f, &in, f->if_in, &out), XDP_REDIRECT);
	verify_frame(&out);
	expect_src(&out, GLOBAL_WWW, 80);
	expect_dst(&out, OUT4, 5555);
	assert_int_equal(t_state(f, &s), HSB_CT_SYN_RECV);

	/* zone: from trust the global address is not translated (routed
	 * like any address: no route, it takes the default: none here) */
	{
		struct t_spec t = spec(6, "10.1.0.3", 5556, GLOBAL_WWW, 80);

		build(&t, &in, 0);
		run(f, &in, f->if_in, &out);
		assert_memory_equal(out.b + out.l3 + 16, in.b + in.l3 + 16, 4);
		if (t_session(f, &t, &v) == 0)
			assert_int_not_equal(v.nat.kind, HSB_NAT_KIND_DNAT);
	}

	/* whole-address server, UDP: port kept, both ways */
	{
		struct t_spec u = spec(17, OUT4, 6000, GLOBAL_ALL, 5353);

		build(&u, &in, 0);
		assert_int_equal(run(f, &in, f->if_out, &out), XDP_REDIRECT);
		verify_frame(&out);
		expect_dst(&out, IN4B, 5353);
		r = t_rev(&u);
		r.src = IN4B;
		build(&r, &in, 0);
		assert_int_equal(run(f, &in, f->if_in, &out), XDP_REDIRECT);
		verify_frame(&out);
		expect_src(&out, GLOBAL_ALL, 5353);
	}

	/* a session the server opens leaves with its global address (not
	 * the PAT pool of the NAT rule), and its replies come back */
	{
		struct t_spec o = spec(17, IN4B, 3333, SRV4, 53);

		t_snap(f, &c);
		build(&o, &in, 0);
		assert_int_equal(run(f, &in, f->if_in, &out), XDP_REDIRECT);
		verify_frame(&out);
		expect_src(&out, GLOBAL_ALL, 3333);
		assert_int_equal(t_session(f, &o, &v), 0);
		assert_int_equal(v.nat.kind, HSB_NAT_KIND_SRV_SNAT);
		expect_prep(&v, IN4B, 3333, 17);
		r = t_rev(&o);
		r.dst = GLOBAL_ALL;
		build(&r, &in, 0);
		assert_int_equal(run(f, &in, f->if_out, &out), XDP_REDIRECT);
		verify_frame(&out);
		expect_dst(&out, IN4B, 3333);
		assert_int_equal(t_state(f, &o), HSB_CT_UDP_ESTABLISHED);
		assert_int_equal(t_delta(f, &c, HSB_CNT_NAT_SNAT), 1);
	}
}

/* ---- no NAT rule: untouched ---------------------------------------- */

/* Found by the XDP fuzzer (test_xdp_fuzz.c): a packet with the tuple of
 * a translated session's reply but the untranslated address (to the
 * inside host of a PAT session, from a NAT server's global address) hit
 * the session by its key and was "translated" to the address it already
 * had: forwarded with both checksums corrupted, around the mapping. It
 * is dropped (nat_bypass); the session's real replies still pass. */
static void test_reply_around_mapping(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = spec(6, IN4, 40000, SRV4, 443), r;
	struct t_spec d = spec(6, OUT4, 5555, GLOBAL_WWW, 80);
	struct frame in, out;
	struct t_counters c;
	char pool[16];
	__u16 pp;

	reset(f);
	use_group(f, G_PAT, HSB_NAT_PART_NONE);
	build(&s, &in, 0);
	assert_int_equal(run(f, &in, f->if_in, &out), XDP_REDIRECT);
	inet_ntop(AF_INET, out.b + out.l3 + 12, pool, sizeof(pool));
	pp = get16(out.b + out.l4);

	/* to the inside address itself, from the server's side */
	r = t_rev(&s);
	r.tcp_flags = T_TCP_ACK;
	t_snap(f, &c);
	build(&r, &in, 0);
	assert_int_equal(run(f, &in, f->if_out, &out), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NAT_BYPASS), 1);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NAT_XLATE), 0);
	/* UDP too, whose zero checksum the translation would keep */
	{
		struct t_spec u = spec(17, IN4, 40001, SRV4, 53), ur;

		build(&u, &in, 0);
		assert_int_equal(run(f, &in, f->if_in, &out), XDP_REDIRECT);
		ur = t_rev(&u);
		build(&ur, &in, 1);
		assert_int_equal(run(f, &in, f->if_out, &out), XDP_DROP);
		assert_int_equal(t_delta(f, &c, HSB_CNT_NAT_BYPASS), 2);
	}

	/* the real reply, to the pool address, still goes through */
	r.dst = pool;
	r.dport = pp;
	build(&r, &in, 0);
	assert_int_equal(run(f, &in, f->if_out, &out), XDP_REDIRECT);
	verify_frame(&out);
	expect_dst(&out, IN4, 40000);

	/* a NAT server's inside host answering as its global address */
	srv_put(f, GLOBAL_WWW, 80, 6, IN4, 8080, HSB_ZONE_ANY);
	build(&d, &in, 0);
	assert_int_equal(run(f, &in, f->if_out, &out), XDP_REDIRECT);
	r = t_rev(&d);
	r.tcp_flags = T_TCP_SYN | T_TCP_ACK;
	t_snap(f, &c);
	build(&r, &in, 0);
	assert_int_equal(run(f, &in, f->if_in, &out), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NAT_BYPASS), 1);
}

static void test_no_rule_no_translation(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = spec(17, IN4, 9100, SRV4, 53);
	struct hsb_nat_rule nn = snat_rule(G_PAT, IN4, 32);
	struct hsb_session v;
	struct frame in, out;

	reset(f);
	set_rules(f, 0, NULL, 0);
	build(&s, &in, 0);
	assert_int_equal(run(f, &in, f->if_in, &out), XDP_REDIRECT);
	assert_memory_equal(out.b + out.l3 + 12, in.b + in.l3 + 12, 8);
	assert_int_equal(t_session(f, &s, &v), 0);
	assert_false(v.flags & HSB_SESS_F_NAT);

	/* no-nat rule first, source-nat second: exempted */
	{
		struct hsb_nat_rule rules[2] = { nn,
						 snat_rule(G_PAT, NULL, 0) };

		rules[0].action = HSB_NAT_RULE_NO_NAT;
		set_rules(f, 2, rules, 0);
	}
	s.sport = 9101;
	build(&s, &in, 0);
	assert_int_equal(run(f, &in, f->if_in, &out), XDP_REDIRECT);
	assert_memory_equal(out.b + out.l3 + 12, in.b + in.l3 + 12, 8);
	s.src = IN4B; /* not exempted */
	build(&s, &in, 0);
	assert_int_equal(run(f, &in, f->if_in, &out), XDP_REDIRECT);
	assert_memory_not_equal(out.b + out.l3 + 12, in.b + in.l3 + 12, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pat_tcp_both_ways),
		cmocka_unit_test(test_pat_udp_checksums),
		cmocka_unit_test(test_pat_icmp_echo_id),
		cmocka_unit_test(test_pat_precomputed_csum),
		cmocka_unit_test(test_pat_refcount_and_release),
		cmocka_unit_test(test_pat_collisions_exhaustion_partition),
		cmocka_unit_test(test_nopat),
		cmocka_unit_test(test_icmp_errors),
		cmocka_unit_test(test_icmp_error_trailing_bytes),
		cmocka_unit_test(test_echo_all_zero_checksum),
		cmocka_unit_test(test_ttl_and_pmtu_untranslated),
		cmocka_unit_test(test_server_map),
		cmocka_unit_test(test_no_rule_no_translation),
		cmocka_unit_test(test_reply_around_mapping),
	};

	return cmocka_run_group_tests_name("xdp_nat", tests, nat_setup,
					   t_teardown);
}
