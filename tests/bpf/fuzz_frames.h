/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Frame generator of the XDP fuzzer (test_xdp_fuzz.c): every header
 * combination bpf/lib/parse.h knows, from a seeded PRNG, then mutated.
 *
 * Addresses and ports come from small sets (the fixture's hosts, the NAT
 * pools, the VIPs, blackholed and local addresses) so that frames hit each
 * other's sessions and mappings: a random 32-bit address would only ever
 * miss. Frames are built with t_build_ex() and their checksums made valid
 * (fix() for IPv4, fix6() here for IPv6) before any mutation, so that
 * the harness can tell a packet the datapath broke from one it received
 * broken.
 */
#ifndef HSB_TESTS_FUZZ_FRAMES_H
#define HSB_TESTS_FUZZ_FRAMES_H

#include "nat_harness.h"

/* xorshift64*: deterministic for a seed, on every libc. */
static inline uint64_t fz_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static inline uint32_t fz_below(uint64_t *s, uint32_t n)
{
	return n ? (uint32_t)((fz_next(s) >> 32) % n) : 0;
}

/* 1 with probability 1/n. */
static inline int fz_one_in(uint64_t *s, uint32_t n)
{
	return fz_below(s, n) == 0;
}

#define FZ_PICK(s, arr) ((arr)[fz_below((s), sizeof(arr) / sizeof((arr)[0]))])

static const char *const fz_addr4[] = {
	IN4,
	IN4B,
	SRV4,
	OUT4,
	POOL_A,
	POOL_B,
	NOPAT_A,
	GLOBAL_WWW,
	"10.1.0.1",
	"10.2.0.1",
	"10.2.0.100",
	"10.1.0.100",
	"10.9.1.1",
	"10.8.1.1",
	"10.7.1.1",
	"10.2.0.3",
	"255.255.255.255",
	"224.0.0.18",
	"0.0.0.0",
};

static const char *const fz_addr6[] = {
	"fd01::2", "fd50::5", "fd02::2", "fd01::1",	     "fd02::100",
	"fd09::1", "fd02::3", "ff02::1", "ff02::1:ff00:100", "::",
};

static const uint16_t fz_ports[] = { 80, 53, 443, 8080, 1024, 40000, 0, 65535 };

/* The IPv6 extension headers the parser skips, and the ones it does not. */
static const uint8_t fz_ext6[] = { 0, 43, 60, 44, 51, 59, 135 };

static const uint8_t fz_proto4[] = { 6, 6, 6, 17, 17, 1, 1, 2, 112, 47, 132 };
static const uint8_t fz_proto6[] = { 6, 6, 17, 17, 58, 58, 58, 112, 47 };

/* TCP flags: the first packets, replies, teardown and nonsense. */
static const uint8_t fz_tcp_flags[] = { 0x02, 0x02, 0x12, 0x10, 0x18,
					0x11, 0x04, 0x14, 0x00, 0x03,
					0x06, 0x3f, 0x29, 0x01 };

static const uint8_t fz_icmp4[] = { 8, 8, 0, 0, 3, 3, 11, 12, 5, 13 };
static const uint8_t fz_icmp6[] = { 128, 128, 129, 1,	2,   3,
				    4,	 135, 136, 133, 130, 143 };

/* One generated frame, and what the checks may assume about it. */
struct fz_frame {
	struct frame fr; /* bytes, length, L3 and L4 offsets */
	struct t_spec spec; /* as built, before mutations */
	int mutated; /* bytes changed after the build */
	int arp;
	int derived; /* built from a sent frame: spec does not describe it */
	int outside; /* arrives on hsbt-out (else hsbt-in); for a frame from
		      * the peer: the side the peer received it on */
	int hb; /* arrives on the heartbeat link hsbt-hb instead */
};

/* The heartbeat link's MAC and the peer's, whose neighbour entry the
 * fuzzer's fixture holds (test_xdp_fuzz.c, fz_setup()). */
static const uint8_t fz_mac_hb[6] = { 0x02, 0, 0, 0, 0, 0x0c };
static const uint8_t fz_mac_peer[6] = { 0x02, 0, 0, 0, 0x03, 0x02 };

/* Frames the program sent (redirected), kept to answer them: replies
 * reach established sessions and NAT mappings, and ICMP errors quoting
 * them reach the error paths, which random tuples would rarely do. */
#define FZ_SEEN 64
#define FZ_SEEN_LEN 256

struct fz_seen {
	uint8_t b[FZ_SEEN_LEN];
	size_t len, l3;
	int outside; /* it left through hsbt-out */
};

struct fz_history {
	struct fz_seen e[FZ_SEEN];
	unsigned int n, next;
};

/* IPv6 L4 checksum over the pseudo-header (RFC 8200 8.1) at l4. */
static inline void fix6(uint8_t *ip, uint8_t *l4, size_t l4len, uint8_t nh)
{
	uint32_t sum = sum16(ip + 8, 32, 0) + (uint32_t)l4len + nh;
	size_t at = nh == 6 ? 16 : nh == 17 ? 6 : nh == 58 ? 2 : 0;
	uint16_t c;

	if (!at || l4len < at + 2)
		return;
	l4[at] = l4[at + 1] = 0;
	c = ~fold(sum16(l4, l4len, sum));
	if (nh == 17 && !c)
		c = 0xffff;
	t_put16(l4 + at, c);
}

/* The packet an ICMP error quotes: some flow between the known hosts,
 * whole or cut anywhere after 8 bytes. */
static inline size_t fz_quote(uint64_t *s, int family, uint8_t *out)
{
	struct t_spec q = { .family = family };
	struct frame fr;
	size_t n;

	q.src = family == 4 ? FZ_PICK(s, fz_addr4) : FZ_PICK(s, fz_addr6);
	q.dst = family == 4 ? FZ_PICK(s, fz_addr4) : FZ_PICK(s, fz_addr6);
	q.proto = family == 4 ? FZ_PICK(s, fz_proto4) : FZ_PICK(s, fz_proto6);
	q.sport = FZ_PICK(s, fz_ports);
	q.dport = FZ_PICK(s, fz_ports);
	q.tcp_flags = 0x02;
	q.icmp_type = family == 4 ? 8 : 128;
	q.payload = fz_below(s, 16);
	if (family == 4 && fz_one_in(s, 8))
		q.ip_optlen = 4;
	fr.len = t_build_ex(&q, fr.b, &fr.l3, &fr.l4);
	if (family == 4)
		fix(fr.b + fr.l3, fr.len - fr.l3, 1);
	n = fr.len - fr.l3;
	if (fz_one_in(s, 3))
		n = 8 + fz_below(s, (uint32_t)n - 7);
	memcpy(out, fr.b + fr.l3, n);
	return n;
}

static inline void fz_build_ip(uint64_t *s, struct fz_frame *z, uint8_t *quote)
{
	struct t_spec *p = &z->spec;
	int family = fz_one_in(s, 4) ? 6 : 4, i;

	p->family = family;
	p->src = family == 4 ? FZ_PICK(s, fz_addr4) : FZ_PICK(s, fz_addr6);
	p->dst = family == 4 ? FZ_PICK(s, fz_addr4) : FZ_PICK(s, fz_addr6);
	p->proto = family == 4 ? FZ_PICK(s, fz_proto4) : FZ_PICK(s, fz_proto6);
	p->sport = FZ_PICK(s, fz_ports);
	p->dport = FZ_PICK(s, fz_ports);
	p->tcp_flags = FZ_PICK(s, fz_tcp_flags);
	p->icmp_type = family == 4 ? FZ_PICK(s, fz_icmp4) :
				     FZ_PICK(s, fz_icmp6);
	p->ttl = fz_one_in(s, 10) ? 1 + fz_below(s, 2) : 0;
	p->vlan = fz_one_in(s, 8) ? 1 + fz_below(s, 3) : 0;
	p->payload = fz_below(s, 4) ? fz_below(s, 64) : fz_below(s, 1500);
	if (family == 4) {
		p->ip_optlen = fz_one_in(s, 6) ? 4 * (1 + fz_below(s, 10)) : 0;
		if (fz_one_in(s, 12))
			p->frag = fz_below(s, 2) ? 0x2000 :
						   1 + fz_below(s, 100);
		else if (fz_one_in(s, 4))
			p->frag = 0x4000; /* DF */
	} else if (fz_one_in(s, 4)) {
		p->n_ext = 1 + fz_below(s, 6);
		for (i = 0; i < p->n_ext; i++)
			p->ext[i] = FZ_PICK(s, fz_ext6);
		p->frag = fz_below(s, 2) ? 1 : (1 + fz_below(s, 100)) << 3;
		if (fz_one_in(s, 3))
			p->frag = 0; /* an atomic fragment */
	}
	if ((p->proto == 1 &&
	     (p->icmp_type == 3 || p->icmp_type == 11 || p->icmp_type == 12)) ||
	    (p->proto == 58 && p->icmp_type < 128)) {
		p->quote = quote;
		p->quote_len = fz_quote(s, family, quote);
		p->payload = 0;
	} else if (p->proto == 58 &&
		   (p->icmp_type == 135 || p->icmp_type == 136)) {
		/* the target right after the 8-byte header, then mostly a
		 * source link-layer address option (an NS without one is
		 * left to the kernel) */
		inet_pton(AF_INET6, FZ_PICK(s, fz_addr6), quote);
		quote[16] = 1;
		quote[17] = 1;
		memcpy(quote + 18, t_mac_nh_out, 6);
		p->quote = quote;
		p->quote_len = fz_below(s, 4) ? 24 : 16;
		p->payload = fz_below(s, 4) ? 0 : p->payload;
		p->ttl = fz_below(s, 4) ? 255 : 0;
	}
	z->fr.len = t_build_ex(p, z->fr.b, &z->fr.l3, &z->fr.l4);
	if (family == 4) {
		fix(z->fr.b + z->fr.l3, z->fr.len - z->fr.l3, 1);
	} else {
		uint8_t *ip = z->fr.b + z->fr.l3;

		fix6(ip, z->fr.b + z->fr.l4, get16(ip + 4) - 8 * p->n_ext,
		     p->proto);
	}
}

static inline void fz_build_arp(uint64_t *s, struct fz_frame *z)
{
	uint8_t *b = z->fr.b;
	size_t off = 12;

	memset(b, 0, sizeof(z->fr.b));
	memset(b, 0xff, 6);
	memcpy(b + 6, t_mac_nh_out, 6);
	if (fz_one_in(s, 8)) {
		t_put16(b + off, 0x8100);
		t_put16(b + off + 2, 5);
		off += 4;
	}
	t_put16(b + off, 0x0806);
	b += off + 2;
	t_put16(b, 1);
	t_put16(b + 2, 0x0800);
	b[4] = 6;
	b[5] = 4;
	t_put16(b + 6, fz_below(s, 4) ? 1 : 2);
	memcpy(b + 8, t_mac_nh_out, 6);
	inet_pton(AF_INET, FZ_PICK(s, fz_addr4), b + 14);
	inet_pton(AF_INET, FZ_PICK(s, fz_addr4), b + 24);
	z->fr.l3 = off + 2;
	z->fr.l4 = z->fr.l3;
	z->fr.len = 60;
	z->arp = 1;
}

/* Truncate (mostly at or near a header boundary), corrupt a length
 * field, flip bytes, or append bytes past the IP length. */
static inline void fz_mutate(uint64_t *s, struct fz_frame *z)
{
	struct frame *fr = &z->fr;
	uint8_t *ip = fr->b + fr->l3;
	size_t cut;

	switch (fz_below(s, 6)) {
	case 0: /* truncation near a boundary */
		cut = FZ_PICK(s, ((size_t[]){ 14, fr->l3, fr->l3 + 20, fr->l4,
					      fr->l4 + 8, fr->l4 + 20,
					      fr->l4 + 28 })) +
		      fz_below(s, 3) - 1;
		if (cut >= 14 && cut < fr->len)
			fr->len = cut;
		break;
	case 1: /* truncation anywhere */
		fr->len = 14 + fz_below(s, (uint32_t)fr->len - 13);
		break;
	case 2: /* IP length fields */
		if (fz_below(s, 2))
			t_put16(ip + (z->spec.family == 4 ? 2 : 4),
				(uint16_t)fz_next(s));
		else if (z->spec.family == 4)
			ip[0] = 0x40 | fz_below(s, 16);
		else
			ip[0] = (uint8_t)fz_next(s);
		break;
	case 3: /* L4 length fields: TCP data offset, UDP length */
		if (fr->l4 + 14 <= fr->len)
			fr->b[fr->l4 + 12] = (uint8_t)(fz_below(s, 16) << 4);
		if (z->spec.proto == 17 && fr->l4 + 6 <= fr->len)
			t_put16(fr->b + fr->l4 + 4, (uint16_t)fz_next(s));
		break;
	case 4: /* byte flips in the headers */
		cut = 1 + fz_below(s, 4);
		while (cut--)
			fr->b[fz_below(s, (uint32_t)(fr->l4 + 28 < fr->len ?
							     fr->l4 + 28 :
							     fr->len))] ^=
				(uint8_t)(1 + fz_below(s, 255));
		break;
	default: /* trailing bytes past the IP length (link padding) */
		cut = fz_below(s, 64);
		if (fr->len + cut <= 1600) {
			memset(fr->b + fr->len, 0xa5, cut);
			fr->len += cut;
			return; /* checksums stay valid */
		}
		break;
	}
	z->mutated = 1;
}

/* Destination MAC: the interface's mostly; broadcast, multicast, another
 * host's, a virtual MAC. */
static inline void fz_dmac(uint64_t *s, struct fz_frame *z)
{
	static const uint8_t other[6] = { 0x02, 0, 0, 0, 0x09, 0x09 };
	static const uint8_t vmac[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 7 };
	static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x12 };

	switch (fz_below(s, 16)) {
	case 0:
		memset(z->fr.b, 0xff, 6);
		break;
	case 1:
		memcpy(z->fr.b, mcast, 6);
		break;
	case 2:
		memcpy(z->fr.b, other, 6);
		break;
	case 3:
		memcpy(z->fr.b, vmac, 6);
		break;
	case 4:
		memcpy(z->fr.b, t_mac_out, 6);
		break;
	}
}

/* Keep a redirected IP frame whose headers fit FZ_SEEN_LEN, without a
 * VLAN or peer tag. A frame tagged for the peer is not kept: whether one
 * is sent or over the budget depends on the clock (test_xdp_fuzz.c,
 * fz_budget()), and what follows must depend on the seed alone. */
static inline void fz_remember(struct fz_history *h, const struct fz_frame *z,
			       const uint8_t *out, size_t len)
{
	struct fz_seen *e = &h->e[h->next];
	size_t l3 = 14;

	if (z->arp || len < l3 + 48 || len > FZ_SEEN_LEN ||
	    (get16(out + 12) != 0x0800 && get16(out + 12) != 0x86dd))
		return;
	if ((out[l3 + 9] == 1 && out[l3 + 20] != 0 && out[l3 + 20] != 8 &&
	     (out[l3] >> 4) == 4) ||
	    (out[l3 + 6] == 58 && out[l3 + 40] < 128 && (out[l3] >> 4) == 6))
		return; /* errors: answering one makes another */
	memcpy(e->b, out, len);
	e->len = len;
	e->l3 = l3;
	e->outside = !memcmp(out + 6, t_mac_out, 6);
	h->next = (h->next + 1) % FZ_SEEN;
	if (h->n < FZ_SEEN)
		h->n++;
}

/* The answer to a sent frame: addresses and ports swapped, from the
 * interface it left by, to that interface's MAC; a TCP answer with
 * reply-ish flags, an echo request answered. */
static inline void fz_reply(uint64_t *s, struct fz_frame *z,
			    const struct fz_seen *e)
{
	static const uint8_t rflags[] = { 0x12, 0x10, 0x18, 0x11, 0x04, 0x02 };
	uint8_t *b = z->fr.b, *ip, *l4, tmp[16], proto;
	size_t alen;
	int v4;

	memcpy(b, e->b, e->len);
	z->fr.len = e->len;
	z->fr.l3 = e->l3;
	memcpy(b, e->b + 6, 6);
	memcpy(b + 6, e->outside ? t_mac_nh_out : t_mac_nh_in, 6);
	ip = b + e->l3;
	v4 = (ip[0] >> 4) == 4;
	alen = v4 ? 4 : 16;
	memcpy(tmp, ip + (v4 ? 12 : 8), alen);
	memcpy(ip + (v4 ? 12 : 8), ip + (v4 ? 16 : 24), alen);
	memcpy(ip + (v4 ? 16 : 24), tmp, alen);
	ip[v4 ? 8 : 7] = 64;
	proto = ip[v4 ? 9 : 6];
	z->fr.l4 = e->l3 + (v4 ? (ip[0] & 0xf) * 4 : 40);
	l4 = b + z->fr.l4;
	if (proto == 6 || proto == 17) {
		memcpy(tmp, l4, 2);
		memcpy(l4, l4 + 2, 2);
		memcpy(l4 + 2, tmp, 2);
		if (proto == 6)
			l4[13] = FZ_PICK(s, rflags);
	} else if (proto == 1 && l4[0] == 8) {
		l4[0] = 0;
	} else if (proto == 58 && l4[0] == 128) {
		l4[0] = 129;
	}
	if (v4)
		fix(ip, z->fr.len - e->l3, 0);
	else
		fix6(ip, l4, get16(ip + 4), proto);
	z->outside = e->outside;
}

/* An ICMP error about a sent frame, from a router on its way back. */
static inline void fz_error_about(uint64_t *s, struct fz_frame *z,
				  const struct fz_seen *e, uint8_t *quote)
{
	const uint8_t *ip = e->b + e->l3;
	int v4 = (ip[0] >> 4) == 4;
	char src[INET6_ADDRSTRLEN];
	size_t n = e->len - e->l3;

	memset(&z->spec, 0, sizeof(z->spec));
	z->spec.family = v4 ? 4 : 6;
	z->spec.proto = v4 ? 1 : 58;
	z->spec.icmp_type = v4 ? (fz_below(s, 2) ? 3 : 11) : 1 + fz_below(s, 3);
	inet_ntop(v4 ? AF_INET : AF_INET6, ip + (v4 ? 12 : 8), src,
		  sizeof(src));
	z->spec.dst = src; /* the quoted packet's source */
	z->spec.src = v4 ? (e->outside ? "10.2.0.2" : "10.1.0.2") :
			   (e->outside ? "fd02::2" : "fd01::2");
	if (fz_one_in(s, 3))
		n = 8 + fz_below(s, (uint32_t)n - 7);
	memcpy(quote, ip, n);
	z->spec.quote = quote;
	z->spec.quote_len = n;
	z->spec.dmac = e->outside ? t_mac_out : t_mac_in;
	z->fr.len = t_build_ex(&z->spec, z->fr.b, &z->fr.l3, &z->fr.l4);
	memcpy(z->fr.b + 6, e->outside ? t_mac_nh_out : t_mac_nh_in, 6);
	if (v4)
		fix(z->fr.b + z->fr.l3, z->fr.len - z->fr.l3, 1);
	else
		fix6(z->fr.b + z->fr.l3, z->fr.b + z->fr.l4,
		     get16(z->fr.b + z->fr.l3 + 4), 58);
	z->spec.src = z->spec.dst = NULL; /* src is on this stack */
	z->outside = e->outside;
}

/*
 * The frame as the peer sends it for a packet it has no session for
 * (include/hsb/peer.h): to this host's heartbeat MAC, the tag inserted at
 * offset 12, the frame's own type and packet after it. A quarter then
 * get a bad tag: another version, a type other than IPv4/IPv6 inside, or
 * cut inside the tag or inside the packet's headers.
 */
static inline void fz_tag(uint64_t *s, struct fz_frame *z)
{
	static const uint16_t inner[] = { 0x0806, 0x8100, 0x88b5,
					  0x88a8, 0x0000, 0xffff };
	struct frame *fr = &z->fr;
	uint8_t *b = fr->b;
	size_t n;

	memmove(b + 12 + HSB_PEER_TAG_LEN, b + 12, fr->len - 12);
	memcpy(b, fz_mac_hb, 6);
	memcpy(b + 6, fz_mac_peer, 6);
	t_put16(b + 12, HSB_ETH_P_PEER);
	b[14] = HSB_PEER_VERSION;
	/* the zone the peer received it in; any byte is taken */
	b[15] = z->outside ? HSB_ZONE_UNTRUST : HSB_ZONE_TRUST;
	if (fz_one_in(s, 8))
		b[15] = (uint8_t)fz_next(s);
	fr->len += HSB_PEER_TAG_LEN;
	fr->l3 += HSB_PEER_TAG_LEN;
	fr->l4 += HSB_PEER_TAG_LEN;
	if (!fz_one_in(s, 4))
		return;
	switch (fz_below(s, 4)) {
	case 0: /* any version but 1 (2..255, 0) */
		b[14] = (uint8_t)(HSB_PEER_VERSION + 1 + fz_below(s, 255));
		break;
	case 1: /* not IP inside, or the other IP version's type */
		if (fz_below(s, 2))
			t_put16(b + 16, FZ_PICK(s, inner));
		else
			t_put16(b + 16,
				get16(b + 16) == 0x0800 ? 0x86dd : 0x0800);
		break;
	case 2: /* cut inside the type, the tag or the inner type */
		fr->len = 14 + fz_below(s, 5);
		break;
	default: /* cut inside the packet's first 60 bytes */
		n = fr->len - fr->l3;
		if (n > 1)
			fr->len =
				fr->l3 + fz_below(s, n < 60 ? (uint32_t)n : 60);
		break;
	}
}

static inline void fz_frame_gen(uint64_t *s, struct fz_frame *z,
				const struct fz_history *h)
{
	static uint8_t quote[1600];
	int hb = fz_one_in(s, 10);

	memset(z, 0, sizeof(*z));
	/* half the heartbeat link's frames answer a frame sent from here:
	 * what the peer forwards is a reply of a session this host has */
	if (h->n && (hb ? fz_one_in(s, 2) : fz_one_in(s, 3))) {
		const struct fz_seen *e = &h->e[fz_below(s, h->n)];

		if (fz_one_in(s, 4))
			fz_error_about(s, z, e, quote);
		else
			fz_reply(s, z, e);
		z->derived = 1;
	} else {
		z->outside = fz_one_in(s, 3);
		if (fz_one_in(s, 12))
			fz_build_arp(s, z);
		else
			fz_build_ip(s, z, quote);
		if (z->outside && !z->arp) {
			memcpy(z->fr.b, t_mac_out, 6);
			memcpy(z->fr.b + 6, t_mac_nh_out, 6);
		}
		if (!z->arp)
			fz_dmac(s, z);
	}
	if (fz_one_in(s, 4))
		fz_mutate(s, z);
	/* on the heartbeat link: tagged by the peer mostly, else what the
	 * link carries untagged (VGMP, HRP: the kernel's); rarely a tagged
	 * frame on a service interface, which is not the peer's */
	if (hb) {
		z->hb = 1;
		if (fz_below(s, 4))
			fz_tag(s, z);
	} else if (fz_one_in(s, 64)) {
		fz_tag(s, z);
		memcpy(z->fr.b, z->outside ? t_mac_out : t_mac_in, 6);
	}
}

#endif /* HSB_TESTS_FUZZ_FRAMES_H */
