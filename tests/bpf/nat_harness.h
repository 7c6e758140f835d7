/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the NAT BPF_PROG_TEST_RUN tests (test_xdp_nat.c,
 * test_install.c), on top of xdp_harness.h: the addresses, NAT records
 * from the ring, checksums recomputed from scratch (sum16(): never the
 * datapath's incremental helpers), frames, the NAT configuration as hsbd
 * writes it, the release program, and the fixture with two address
 * groups.
 */
#ifndef HSB_TESTS_NAT_HARNESS_H
#define HSB_TESTS_NAT_HARNESS_H

#include "xdp_harness.h"
#include "hsb/nat.h"

#define IN4 "10.1.0.2" /* inside client */
#define IN4B "10.1.0.3" /* a second inside host */
#define SRV4 "10.50.0.5" /* outside server */
#define OUT4 "10.50.0.7" /* outside client */
#define POOL_A "203.0.113.16"
#define POOL_B "203.0.113.17"
#define NOPAT_A "198.51.100.10"
#define NOPAT_B "198.51.100.11"
#define GLOBAL_WWW "203.0.113.100"
#define GLOBAL_ALL "203.0.113.101"

#define G_PAT 0
#define G_NOPAT 1
#define G_SMALL 2

static int n_nat_events;
static struct hsb_nat_event nat_events[256];

static inline int on_event(void *ctx, void *data, size_t size)
{
	struct t_fixture *f = ctx;
	const struct hsb_event_hdr *h = data;

	if (size >= sizeof(struct hsb_nat_event) &&
	    h->len == sizeof(struct hsb_nat_event)) {
		if (n_nat_events < 256)
			memcpy(&nat_events[n_nat_events++], data,
			       sizeof(struct hsb_nat_event));
		return 0;
	}
	if (size >= sizeof(struct hsb_session_event) &&
	    f->n_events < T_MAX_EVENTS)
		memcpy(&f->events[f->n_events++], data,
		       sizeof(struct hsb_session_event));
	return 0;
}

/* ---- independent checksums ------------------------------------------ */

static inline uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static inline uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Sum of the L4 pseudo-header of the IPv4 packet at ip. */
static inline uint32_t pseudo(const uint8_t *ip, size_t l4len)
{
	uint32_t s = sum16(ip + 12, 8, 0);

	return s + ip[9] + (uint32_t)l4len;
}

/* Recompute every checksum of the IPv4 packet at ip (iplen bytes, or
 * less when it is a truncated quote): IPv4 header, TCP/UDP with the
 * pseudo-header (a UDP checksum of 0 is left 0 when keep_udp0), ICMP over
 * the whole message (after fixing a quoted packet inside it). A quote
 * cut inside its IP header is left as it is. */
static inline void fix(uint8_t *ip, size_t avail, int keep_udp0)
{
	size_t hl = (ip[0] & 0xf) * 4, tot = get16(ip + 2), l4len;
	uint8_t *l4 = ip + hl;

	if (avail < 20 || hl < 20 || hl > avail || tot < hl)
		return; /* a quote cut inside its header: nothing to sum */
	if (tot > avail)
		tot = avail; /* a quote */
	l4len = tot - hl;
	if (ip[9] == 6 && l4len >= 20) {
		l4[16] = l4[17] = 0;
		t_put16(l4 + 16, ~fold(sum16(l4, l4len, pseudo(ip, l4len))));
	} else if (ip[9] == 17 && l4len >= 8) {
		if (!(keep_udp0 && !get16(l4 + 6)) && get16(ip + 2) <= avail) {
			uint16_t c;

			l4[6] = l4[7] = 0;
			c = ~fold(sum16(l4, l4len, pseudo(ip, l4len)));
			t_put16(l4 + 6, c ? c : 0xffff);
		}
	} else if (ip[9] == 1 && l4len >= 8) {
		if (l4[0] == 3 || l4[0] == 11)
			fix(l4 + 8, l4len - 8, 1);
		l4[2] = l4[3] = 0;
		t_put16(l4 + 2, ~fold(sum16(l4, l4len, 0)));
	}
	ip[10] = ip[11] = 0;
	t_put16(ip + 10, ~fold(sum16(ip, hl, 0)));
}

/* Whether every checksum is right as fix() computes them (a zero UDP
 * checksum passes); quoted packets too, their L4 only when quoted whole.
 * 0 also for a header too short or longer than avail: nothing to check. */
static inline int csums_ok(const uint8_t *ip, size_t avail)
{
	size_t hl, tot, l4len;
	const uint8_t *l4;
	int whole;

	if (avail < 20)
		return 0;
	hl = (ip[0] & 0xf) * 4;
	tot = get16(ip + 2);
	if (hl < 20 || hl > avail || tot < hl)
		return 0;
	whole = tot <= avail;
	if (!whole)
		tot = avail;
	l4len = tot - hl;
	l4 = ip + hl;
	if (fold(sum16(ip, hl, 0)) != 0xffff)
		return 0;
	if (ip[9] == 6 && l4len >= 20 && whole)
		return fold(sum16(l4, l4len, pseudo(ip, l4len))) == 0xffff;
	if (ip[9] == 17 && l4len >= 8 && whole && get16(l4 + 6))
		return fold(sum16(l4, l4len, pseudo(ip, l4len))) == 0xffff;
	if (ip[9] == 1 && l4len >= 8) {
		if (fold(sum16(l4, l4len, 0)) != 0xffff)
			return 0;
		if (l4[0] == 3 || l4[0] == 11)
			return csums_ok(l4 + 8, l4len - 8);
	}
	return 1;
}

static inline void verify(const uint8_t *ip, size_t avail)
{
	assert_true(csums_ok(ip, avail));
}

/* ---- frames --------------------------------------------------------- */

struct frame {
	uint8_t b[2048];
	size_t len, l3, l4;
};

static inline void build(const struct t_spec *s, struct frame *fr, int udp0)
{
	fr->len = t_build_ex(s, fr->b, &fr->l3, &fr->l4);
	fix(fr->b + fr->l3, fr->len - fr->l3, udp0);
}

static inline int run(struct t_fixture *f, struct frame *in,
		      unsigned int ifindex, struct frame *out)
{
	struct t_result r;

	t_run_ex(f, in->b, in->len, ifindex, &r);
	memcpy(out->b, r.out, r.len);
	out->len = r.len;
	out->l3 = in->l3;
	out->l4 = in->l4;
	return r.verdict;
}

static inline void ip4(const char *s, uint8_t out[4])
{
	assert_int_equal(inet_pton(AF_INET, s, out), 1);
}

static inline __be32 a4(const char *s)
{
	__be32 a;

	ip4(s, (uint8_t *)&a);
	return a;
}

/* Source (dst 0) or destination (dst 1) address and port (or echo id)
 * of a frame. */
static inline void expect_end(const struct frame *fr, int dst, const char *addr,
			      __u16 port)
{
	uint8_t a[4];

	ip4(addr, a);
	assert_memory_equal(fr->b + fr->l3 + 12 + 4 * dst, a, 4);
	if (fr->b[fr->l3 + 9] == 1)
		assert_int_equal(get16(fr->b + fr->l4 + 4), port);
	else
		assert_int_equal(get16(fr->b + fr->l4 + 2 * dst), port);
}

static inline void expect_src(const struct frame *fr, const char *addr,
			      __u16 port)
{
	expect_end(fr, 0, addr, port);
}

static inline void expect_dst(const struct frame *fr, const char *addr,
			      __u16 port)
{
	expect_end(fr, 1, addr, port);
}

static inline void verify_frame(const struct frame *fr)
{
	verify(fr->b + fr->l3, fr->len - fr->l3);
}

/* The one's complement difference of replacing n bytes old by new, as a
 * checksum adjustment in network order (RFC 1624). */
static inline uint16_t csum_delta(const uint8_t *old, const uint8_t *new,
				  size_t n)
{
	return fold(sum16(new, n, 0) + (0xffff - fold(sum16(old, n, 0))));
}

/* Whether two one's complement values are equal (0 and 0xffff are both
 * zero). */
static inline int ones_eq(uint16_t a, uint16_t b)
{
	return a == b || ((a == 0 || a == 0xffff) && (b == 0 || b == 0xffff));
}

/* The checksum adjustments a session keeps for its translation
 * (include/hsb/session.h): the key's endpoint (addr, port) -> the
 * translated one, computed here from the bytes. csum_* are folded sums
 * over the words as the CPU loads them: ntohs() gives network order. */
static inline void expect_prep(const struct hsb_session *v, const char *addr,
			       __u16 port, __u8 proto)
{
	uint8_t o[6], n[6];

	assert_true(v->nat.xflags & HSB_NAT_XF_CSUM);
	ip4(addr, o);
	t_put16(o + 4, port);
	memcpy(n, v->nat.addr, 4);
	t_put16(n + 4, v->nat.port);
	assert_true(ones_eq(ntohs(v->nat.csum_ip), csum_delta(o, n, 4)));
	if (proto == 1)
		assert_true(ones_eq(ntohs(v->nat.csum_l4),
				    csum_delta(o + 4, n + 4, 2)));
	else
		assert_true(
			ones_eq(ntohs(v->nat.csum_l4), csum_delta(o, n, 6)));
}

/* ---- configuration -------------------------------------------------- */

static inline void set_pool(struct t_fixture *f, __u32 g, __u8 mode,
			    const char *first, __u32 count, __u16 lo, __u16 hi)
{
	struct hsb_nat_pool p = { .mode = mode,
				  .n_sections = count ? 1 : 0,
				  .port_lo = lo,
				  .port_hi = hi,
				  .n_addrs = count };

	if (count)
		p.sec[0].first = ntohl(a4(first));
	p.sec[0].count = count;
	assert_int_equal(
		bpf_map_update_elem(t_map_fd(f->skel->maps.hsb_nat_pool), &g,
				    &p, BPF_ANY),
		0);
}

/* NAT rules: trust -> untrust source-nat with group g, or none. */
static inline void set_rules(struct t_fixture *f, int n,
			     const struct hsb_nat_rule *r, __u8 partition)
{
	struct hsb_nat_ctl ctl = { 0 };
	__u32 zero = 0, i, half = 0;

	bpf_map_lookup_elem(t_map_fd(f->skel->maps.hsb_nat_ctl), &zero, &ctl);
	half = !ctl.active;
	for (i = 0; i < (__u32)n; i++) {
		__u32 slot = half * HSB_NAT_MAX_RULES + i;

		assert_int_equal(bpf_map_update_elem(
					 t_map_fd(f->skel->maps.hsb_nat_rules),
					 &slot, &r[i], BPF_ANY),
				 0);
	}
	ctl.active = half;
	ctl.n_rules[half] = n;
	ctl.partition = partition;
	assert_int_equal(
		bpf_map_update_elem(t_map_fd(f->skel->maps.hsb_nat_ctl), &zero,
				    &ctl, BPF_ANY),
		0);
}

static inline struct hsb_nat_rule snat_rule(__u16 group, const char *src,
					    __u8 len)
{
	struct hsb_nat_rule r = { .from_zone = HSB_ZONE_TRUST,
				  .to_zone = HSB_ZONE_UNTRUST,
				  .proto = HSB_PROTO_ANY,
				  .action = HSB_NAT_RULE_SNAT,
				  .group = group };

	if (src) {
		r.src = a4(src);
		r.src_len = len;
	}
	return r;
}

static inline void use_group(struct t_fixture *f, __u16 g, __u8 part)
{
	struct hsb_nat_rule r = snat_rule(g, NULL, 0);

	set_rules(f, 1, &r, part);
}

static inline void srv_put(struct t_fixture *f, const char *global, __u16 gport,
			   __u8 proto, const char *inside, __u16 iport,
			   __u8 zone)
{
	struct hsb_nat_key k = { .addr = a4(global),
				 .port = gport,
				 .proto = proto,
				 .dir = HSB_NAT_DIR_PUB };
	struct hsb_nat_entry v = { .addr = a4(inside),
				   .port = iport,
				   .flags = HSB_NAT_F_STATIC,
				   .zone = zone,
				   .group = 7 };
	int fd = t_map_fd(f->skel->maps.hsb_nat_srv);

	assert_int_equal(bpf_map_update_elem(fd, &k, &v, BPF_ANY), 0);
	k.addr = v.addr;
	k.port = iport;
	k.dir = HSB_NAT_DIR_IN;
	v.addr = a4(global);
	v.port = gport;
	assert_int_equal(bpf_map_update_elem(fd, &k, &v, BPF_ANY), 0);
}

static inline int pat_get(struct t_fixture *f, const char *addr, __u16 port,
			  __u8 proto, __u8 dir, struct hsb_nat_entry *e)
{
	struct hsb_nat_key k = {
		.addr = a4(addr), .port = port, .proto = proto, .dir = dir
	};

	return bpf_map_lookup_elem(t_map_fd(f->skel->maps.hsb_nat_pat), &k, e);
}

static inline void clear_map(int fd, size_t ksz)
{
	uint8_t k[64];

	(void)ksz;
	while (bpf_map_get_next_key(fd, NULL, k) == 0)
		bpf_map_delete_elem(fd, k);
}

static inline void reset(struct t_fixture *f)
{
	clear_map(t_map_fd(f->skel->maps.hsb_nat_pat), 8);
	clear_map(t_map_fd(f->skel->maps.hsb_nat_nopat), 8);
	clear_map(t_map_fd(f->skel->maps.hsb_nat_srv), 8);
	clear_map(t_map_fd(f->skel->maps.hsb_sessions), 40);
	t_events_reset(f);
	n_nat_events = 0;
}

/* The sweeper's release of a session's mapping. Returns the result. */
static inline int release(struct t_fixture *f, __u8 table, const char *pub,
			  __u16 pport, __u8 proto, const char *inside,
			  __u16 iport, __u32 *deleted)
{
	struct hsb_nat_release_args a = {
		.table = table,
		.pub = { .addr = a4(pub), .port = pport, .proto = proto },
		.inside = a4(inside),
		.inside_port = iport
	};
	/* a syscall program writes its ctx back into ctx_in */
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &a,
		    .ctx_size_in = sizeof(a));

	assert_int_equal(
		bpf_prog_test_run_opts(
			bpf_program__fd(f->skel->progs.hsb_nat_release), &opts),
		0);
	*deleted = a.deleted;
	return a.result;
}

/* ---- fixture -------------------------------------------------------- */

static inline int nat_setup(void **state)
{
	struct t_fixture *f;

	if (t_setup(state))
		return -1;
	f = *state;
	ring_buffer__free(f->rb);
	f->rb = ring_buffer__new(bpf_map__fd(f->skel->maps.hsb_events),
				 on_event, f, NULL);
	if (!f->rb)
		return -1;
	if (t_sh("ip neigh add 10.1.0.3 lladdr 02:00:00:00:01:03 dev hsbt-in nud permanent"))
		return -1;
	set_pool(f, G_PAT, HSB_NAT_POOL_PAT, POOL_A, 2, 1024, 65535);
	/* replies to POOL_A try the mapping tables first (the pool filter
	 * hsbd writes), those to POOL_B and the NO-PAT pool miss first: both
	 * lookup orders are exercised */
	{
		__u32 b = hsb_nat_pubf_bit(ntohl(a4(POOL_A)));

		f->skel->bss->hsb_nat_pubf[b >> 6] |= 1ULL << (b & 63);
	}
	set_pool(f, G_NOPAT, HSB_NAT_POOL_NOPAT, NOPAT_A, 2, 0, 0);
	return 0;
}

static inline struct t_spec spec(__u8 proto, const char *src, __u16 sport,
				 const char *dst, __u16 dport)
{
	struct t_spec s = { .family = 4,
			    .src = src,
			    .dst = dst,
			    .proto = proto,
			    .sport = sport,
			    .dport = dport,
			    .payload = 12 };

	if (proto == 6)
		s.tcp_flags = T_TCP_SYN;
	if (proto == 1)
		s.icmp_type = 8;
	return s;
}

#endif /* HSB_TESTS_NAT_HARNESS_H */
