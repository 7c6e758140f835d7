/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * NAT44 in the datapath: source NAT from address groups (PAT, NO-PAT),
 * the server map (static NAT servers, dynamic pinholes), the rewrite of
 * addresses, ports and checksums both ways (ICMP errors included) and the
 * release of mappings (ARP for public addresses: lib/vaddr.h). The tables
 * and the reference-count rule are in include/hsb/nat.h.
 *
 * Sessions are keyed by the ORIGINAL (pre-NAT) tuple, and
 * hsb_session.nat says how the session is translated (reverse it for
 * replies). A packet finds its session so:
 *
 *   1  the packet's own tuple (one lookup): every packet of a session's
 *      original direction, and replies of sessions without NAT
 *   on a miss, with v = the packet (an ICMP error: the reverse of the
 *   packet it quotes, i.e. a packet of the flow travelling the way the
 *   error does), each step one to three hash lookups, then the session
 *   with the recovered original tuple, accepted only if its nat matches:
 *   2  hsb_nat_pat  PUB (v.dst, proto, v.dport): reply to a PAT mapping
 *   3  hsb_nat_nopat PUB (v.dst): reply to a NO-PAT mapping
 *   4  hsb_nat_srv  IN (v.src, proto, v.sport): reply from a NAT server
 *   5  hsb_nat_srv  PUB (v.dst, proto, v.dport): reply to a connection a
 *      NAT server opened (its source was translated to its global
 *      address); if no session, the entry is the first packet's DNAT
 *   6  none: a first packet (lists, route, policy, NAT decision)
 *
 * Server-map steps try the exact key, then the protocol with port 0 (a
 * server without a port), then protocol 0 (`protocol any`). So a reply
 * of a translated flow costs at most 1 + 1..9 + 1 lookups, a constant;
 * the original direction costs what a session without NAT costs.
 *
 * First packet, after the security policy permitted it: a server-map
 * DNAT (step 5; decided before the route lookup, which must see the
 * inside address, and the policy matches the inside address too); else
 * a session from a NAT server gets its global address (SRV_SNAT); else
 * the NAT policy (first match: source-nat with a group, or no-nat).
 *
 * The kernel answers for packets hsb passes to it with an ICMP error
 * (TTL <= 1, too big with DF): those must reach it as they arrived, so
 * such a packet is not translated (or the translation is undone); packets
 * the kernel forwards (unresolved neighbour, VLAN, too big without DF:
 * it fragments) go translated.
 */
#ifndef HSB_BPF_LIB_NAT_H
#define HSB_BPF_LIB_NAT_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "maps.h"
#include "parse.h"
#include "csum.h"
#include "events.h"
#include "words.h"

#define HSB_IP_DF 0x4000
#define HSB_NAT_CAS_TRIES 8

/* Lookups to leave out (include/hsb/nat.h); written by hsbd. */
__u32 hsb_nat_skip;
/* Pool addresses, a Bloom filter (include/hsb/nat.h); written by hsbd. */
__u64 hsb_nat_pubf[HSB_NAT_PUBF_WORDS];

static __always_inline int hsb_nat_pub_maybe(__be32 a)
{
	__u32 b = hsb_nat_pubf_bit(bpf_ntohl(a));

	return (hsb_nat_pubf[(b >> 6) & (HSB_NAT_PUBF_WORDS - 1)] >> (b & 63)) &
	       1;
}

/* ---- small helpers -------------------------------------------------- */

static __always_inline __be32 hsb_nat_a4(const __u8 *a)
{
	return *(const __be32 *)a;
}

static __always_inline __u32 hsb_nat_hash(__u32 a, __u32 b)
{
	__u32 h = a * 0x9e3779b1U;

	h ^= b + 0x7f4a7c15U + (h << 6) + (h >> 2);
	h *= 0x85ebca6bU;
	return h ^ (h >> 15);
}

/* Whether protocol proto has ports (or an echo id) NAT translates. */
static __always_inline int hsb_nat_ported(__u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_ICMP;
}

static __always_inline struct hsb_nat_entry *
hsb_nat_get(void *map, __be32 addr, __u16 port, __u8 proto, __u8 dir)
{
	union {
		struct hsb_nat_key k;
		__u32 w[2];
	} u;

	/* struct hsb_nat_key: addr; port, proto, dir */
	u.w[0] = addr;
	u.w[1] = hsb_w16x2(port, hsb_w8x2(proto, dir));
	return bpf_map_lookup_elem(map, &u.k);
}

/* The server map for (addr, proto, port) on side dir: exact, then the
 * protocol without port, then any protocol. Expired pinholes do not
 * match. */
static __always_inline struct hsb_nat_entry *
hsb_nat_srv_find(__be32 addr, __u8 proto, __u16 port, __u8 dir, __u64 now)
{
	__u32 skip = *(volatile __u32 *)&hsb_nat_skip;
	struct hsb_nat_entry *e = 0;

	if (skip & HSB_NAT_SKIP_SRV)
		return 0;
	if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP) && port)
		e = hsb_nat_get(&hsb_nat_srv, addr, port, proto, dir);
	if (!e && !(skip & HSB_NAT_SKIP_SRV_NOPORT))
		e = hsb_nat_get(&hsb_nat_srv, addr, 0, proto, dir);
	if (!e && !(skip & HSB_NAT_SKIP_SRV_ANY))
		e = hsb_nat_get(&hsb_nat_srv, addr, 0, 0, dir);
	if (e && (e->flags & HSB_NAT_F_DYNAMIC) && e->expires_ns &&
	    now > e->expires_ns)
		return 0;
	return e;
}

/* Canonical session key of an IPv4 tuple (as hsb_flow_key() builds it);
 * returns 1 when (sa, sp) is endpoint a. */
static __always_inline int hsb_nat_flow_key(struct hsb_flow_key *k, __be32 sa,
					    __u16 sp, __be32 da, __u16 dp,
					    __u8 proto)
{
	__u32 x = bpf_ntohl(sa), y = bpf_ntohl(da);
	int src_is_a = x < y || (x == y && sp <= dp);
	__u32 *wa = (__u32 *)k->addr_a, *wb = (__u32 *)k->addr_b;
	__u32 *wp = (__u32 *)&k->port_a;

	/* whole words (see hsb_nat_get()) */
	wa[1] = wa[2] = wa[3] = 0;
	wb[1] = wb[2] = wb[3] = 0;
	wa[0] = src_is_a ? sa : da;
	wb[0] = src_is_a ? da : sa;
	/* port_a, port_b; proto, family, pad */
	wp[0] = src_is_a ? hsb_w16x2(sp, dp) : hsb_w16x2(dp, sp);
	wp[1] = hsb_w16x2(hsb_w8x2(proto, HSB_FAMILY_IPV4), 0);
	return src_is_a;
}

/* ---- the translation of one packet ---------------------------------- */

/* What to rewrite: on side dst (1) or source (0), old -> new. For an ICMP
 * error (err), the outer header's address on that side and the quoted
 * packet's endpoint on the other side. */
struct hsb_nat_xl {
	__be32 old_addr;
	__be32 new_addr;
	__u16 old_port; /* host order */
	__u16 new_port;
	__u8 dst;
	__u8 err;
	__u8 proto;
	__u8 pad;
};

/* The translation of a packet of session s (key k) travelling in dir. */
static __always_inline void hsb_nat_xl_of(const struct hsb_session *s,
					  const struct hsb_flow_key *k, int dir,
					  struct hsb_nat_xl *x)
{
	int init_b = !!(s->flags & HSB_SESS_F_INIT_B);
	__be32 ia = init_b ? hsb_nat_a4(k->addr_b) : hsb_nat_a4(k->addr_a);
	__be32 ra = init_b ? hsb_nat_a4(k->addr_a) : hsb_nat_a4(k->addr_b);
	__u16 ip = init_b ? k->port_b : k->port_a;
	__u16 rp = init_b ? k->port_a : k->port_b;
	__be32 na = hsb_nat_a4(s->nat.addr);
	__u16 np = s->nat.port;

	x->err = 0;
	x->proto = k->proto;
	x->pad = 0;
	if (s->nat.kind == HSB_NAT_KIND_DNAT) {
		/* responder: global (key) <-> inside (nat) */
		x->dst = dir == HSB_DIR_ORIG;
		x->old_addr = dir == HSB_DIR_ORIG ? ra : na;
		x->old_port = dir == HSB_DIR_ORIG ? rp : np;
		x->new_addr = dir == HSB_DIR_ORIG ? na : ra;
		x->new_port = dir == HSB_DIR_ORIG ? np : rp;
	} else {
		/* initiator: inside (key) <-> public (nat) */
		x->dst = dir != HSB_DIR_ORIG;
		x->old_addr = dir == HSB_DIR_ORIG ? ia : na;
		x->old_port = dir == HSB_DIR_ORIG ? ip : np;
		x->new_addr = dir == HSB_DIR_ORIG ? na : ia;
		x->new_port = dir == HSB_DIR_ORIG ? np : ip;
	}
}

static __always_inline void hsb_nat_xl_invert(struct hsb_nat_xl *x)
{
	__be32 a = x->old_addr;
	__u16 p = x->old_port;

	x->old_addr = x->new_addr;
	x->new_addr = a;
	x->old_port = x->new_port;
	x->new_port = p;
}

/* Port (or echo id) field of a TCP/UDP/ICMP-echo header at l4, on side
 * dst, and the offset of the checksum covering it; NULL when the header
 * has none. */
static __always_inline __be16 *hsb_nat_l4_port(void *l4, void *data_end,
					       __u8 proto, int dst)
{
	__u8 *b = l4;

	if ((void *)(b + 8) > data_end)
		return 0;
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP)
		return (__be16 *)(b + (dst ? 2 : 0));
	if (proto == IPPROTO_ICMP &&
	    (b[0] == ICMP_ECHO || b[0] == ICMP_ECHOREPLY))
		return (__be16 *)(b + 4);
	return 0;
}

/* Rewrite a packet that is not an ICMP error: IPv4 address, L4 port and
 * the IPv4, TCP/UDP (pseudo-header) and ICMP checksums. */
static __always_inline int hsb_nat_rewrite_pkt(struct iphdr *iph,
					       void *data_end,
					       const struct hsb_nat_xl *x)
{
	__be32 *fa = x->dst ? &iph->daddr : &iph->saddr;
	__u32 ihl = (iph->ihl & 0xf) * 4;
	void *l4 = (void *)iph + ihl;
	__be32 newa = x->new_addr;
	__u32 da = hsb_csum_diff4(*fa, newa);
	__be16 *fp, newp = bpf_htons(x->new_port);
	__u32 dp = 0;
	__u8 proto = iph->protocol;

	hsb_csum_apply(&iph->check, da);
	*fa = newa;
	fp = hsb_nat_l4_port(l4, data_end, proto, x->dst);
	if (fp) {
		dp = hsb_csum_diff2(*fp, newp);
		*fp = newp;
	}
	if (proto == IPPROTO_TCP) {
		struct tcphdr *th = l4;

		if ((void *)(th + 1) <= data_end)
			hsb_csum_apply(&th->check, hsb_csum_add32(da, dp));
	} else if (proto == IPPROTO_UDP) {
		struct udphdr *uh = l4;

		if ((void *)(uh + 1) <= data_end)
			hsb_csum_apply_udp(&uh->check, hsb_csum_add32(da, dp));
	} else if (proto == IPPROTO_ICMP && fp) {
		struct hsb_icmphdr *ic = l4;

		if ((void *)(ic + 1) <= data_end)
			hsb_csum_apply(&ic->checksum, dp);
	}
	return 0;
}

/* Rewrite an ICMP error about a translated flow: the outer address on
 * side x->dst, then the quoted packet's endpoint on the other side
 * (address, IPv4 checksum, port or echo id, its L4 checksum when quoted
 * whole), and the ICMP checksum by the sum of every word changed. The
 * quote ends with the outer IP length, not at data_end: bytes after it
 * (link padding, trailing junk) are no part of the ICMP message, so a
 * word changed there would be summed into a checksum that does not
 * cover it. Every offset is checked against both. */
static __always_inline int hsb_nat_rewrite_err(struct iphdr *iph,
					       void *data_end,
					       const struct hsb_nat_xl *x)
{
	__be32 *fa = x->dst ? &iph->daddr : &iph->saddr;
	__u32 ihl = (iph->ihl & 0xf) * 4;
	struct hsb_icmphdr *ic = (void *)iph + ihl;
	struct iphdr *q;
	__be32 *qa, newa = x->new_addr;
	__be16 *qp, newp = bpf_htons(x->new_port);
	__u32 qihl, dqa, dqp = 0, dic, tot = bpf_ntohs(iph->tot_len);
	__sum16 oldc;
	__u8 *ql4;

	if ((void *)(ic + 1) > data_end)
		return -1;
	q = (void *)(ic + 1);
	if ((void *)(q + 1) > data_end)
		return -1;
	qihl = (q->ihl & 0xf) * 4;
	if (qihl < sizeof(*q))
		return -1;
	ql4 = (__u8 *)q + qihl;
	/* tot: the quoted ports (8 bytes of transport) in the message */
	if ((void *)(ql4 + 8) > data_end || ihl + sizeof(*ic) + qihl + 8 > tot)
		return -1;

	/* outer header */
	hsb_csum_apply(&iph->check, hsb_csum_diff4(*fa, newa));
	*fa = newa;

	/* quoted IPv4 header: the other side */
	qa = x->dst ? &q->saddr : &q->daddr;
	dqa = hsb_csum_diff4(*qa, newa);
	oldc = q->check;
	hsb_csum_apply(&q->check, dqa);
	dic = hsb_csum_add32(dqa, hsb_csum_diff2(oldc, q->check));
	*qa = newa;

	/* quoted transport header (not of a later fragment) */
	if (q->frag_off & bpf_htons(HSB_IP_OFFSET))
		goto done;
	qp = hsb_nat_l4_port(ql4, data_end, q->protocol, !x->dst);
	if (!qp)
		goto done;
	dqp = hsb_csum_diff2(*qp, newp);
	*qp = newp;
	dic = hsb_csum_add32(dic, dqp);
	if (q->protocol == IPPROTO_UDP) {
		__sum16 *c = (__sum16 *)(ql4 + 6);

		oldc = *c;
		hsb_csum_apply_udp(c, hsb_csum_add32(dqa, dqp));
		dic = hsb_csum_add32(dic, hsb_csum_diff2(oldc, *c));
	} else if (q->protocol == IPPROTO_TCP) {
		__sum16 *c = (__sum16 *)(ql4 + 16);

		if ((void *)(ql4 + 18) <= data_end &&
		    ihl + sizeof(*ic) + qihl + 18 <= tot) {
			oldc = *c;
			hsb_csum_apply(c, hsb_csum_add32(dqa, dqp));
			dic = hsb_csum_add32(dic, hsb_csum_diff2(oldc, *c));
		}
	} else {
		/* quoted ICMP echo: its checksum covers the id */
		__sum16 *c = (__sum16 *)(ql4 + 2);

		oldc = *c;
		hsb_csum_apply(c, dqp);
		dic = hsb_csum_add32(dic, hsb_csum_diff2(oldc, *c));
	}
done:
	hsb_csum_apply(&ic->checksum, dic);
	return 0;
}

/* Apply x to the frame. Returns 0, or -1 (header not in the frame). */
static __always_inline int hsb_nat_rewrite(const struct hsb_pkt *p, void *data,
					   void *data_end,
					   const struct hsb_nat_xl *x)
{
	struct iphdr *iph = hsb_l3(p, data, data_end, sizeof(*iph));

	if (!iph)
		return -1;
	if (x->err)
		return hsb_nat_rewrite_err(iph, data_end, x);
	return hsb_nat_rewrite_pkt(iph, data_end, x);
}

/* Whether the kernel will answer p itself with an ICMP error (so it must
 * see p as it arrived): TTL about to expire. */
static __always_inline int hsb_nat_ttl_expiring(const struct hsb_pkt *p,
						void *data, void *data_end)
{
	struct iphdr *iph = hsb_l3(p, data, data_end, sizeof(*iph));

	return !iph || iph->ttl <= 1;
}

static __always_inline int hsb_nat_df(const struct hsb_pkt *p, void *data,
				      void *data_end)
{
	struct iphdr *iph = hsb_l3(p, data, data_end, sizeof(*iph));

	return iph && (iph->frag_off & bpf_htons(HSB_IP_DF));
}

/* ---- finding the session of a translated packet --------------------- */

/* A packet as NAT lookups see it: for an ICMP error, the reverse of the
 * quoted packet (the flow's packet travelling the way the error does). */
struct hsb_nat_view {
	__be32 saddr;
	__be32 daddr;
	__u16 sport;
	__u16 dport;
	__u8 proto;
	__u8 err;
	__u16 pad;
};

static __always_inline void hsb_nat_view_of(const struct hsb_pkt *p,
					    struct hsb_nat_view *v)
{
	v->proto = p->proto;
	v->err = p->kind == HSB_PK_ICMP_ERR;
	v->pad = 0;
	if (v->err) {
		v->saddr = hsb_nat_a4(p->daddr);
		v->daddr = hsb_nat_a4(p->saddr);
		v->sport = p->dport;
		v->dport = p->sport;
	} else {
		v->saddr = hsb_nat_a4(p->saddr);
		v->daddr = hsb_nat_a4(p->daddr);
		v->sport = p->sport;
		v->dport = p->dport;
	}
}

/* What the miss path found. */
struct hsb_nat_found {
	int src_is_a; /* of the view's source in the recovered key */
	/* a server map entry for the view's destination (step 5) without
	 * a session: the first packet's DNAT candidate */
	__u8 have_srv;
	__u8 srv_zone;
	__u16 srv_id;
	__be32 srv_addr;
	__u16 srv_port;
	__u16 pad;
};

/* Look up the session of recovered tuple (sa:sp -> da:dp) and accept it
 * only if its translation is kind with public side (na, np) and the view
 * travels in its reply direction: the view's source is then the key's
 * endpoint b exactly when endpoint b initiated (hsb_nat_view_side()). */
static __always_inline struct hsb_session *
hsb_nat_try(struct hsb_flow_key *k, __be32 sa, __u16 sp, __be32 da, __u16 dp,
	    __u8 proto, __u8 kind, __be32 na, __u16 np)
{
	struct hsb_session *s;
	int a = hsb_nat_flow_key(k, sa, sp, da, dp, proto);

	s = bpf_map_lookup_elem(&hsb_sessions, k);
	if (!s || !(s->flags & HSB_SESS_F_NAT) || s->nat.kind != kind ||
	    hsb_nat_a4(s->nat.addr) != na || s->nat.port != np)
		return 0;
	if (a == !(s->flags & HSB_SESS_F_INIT_B))
		return 0; /* would be the original direction */
	return s;
}

/* Whether the view of a session found by hsb_nat_try() runs from the
 * key's endpoint a (it travels the reply direction). */
static __always_inline int hsb_nat_view_side(const struct hsb_session *s)
{
	return !!(s->flags & HSB_SESS_F_INIT_B);
}

/* Steps 2 and 3 of the lookup sequence (top of this file): a reply to a
 * PAT or NO-PAT mapping, for view (sa:sp -> da:dp, proto pr). On a hit,
 * k is the session's key (hsb_nat_view_side(): the view's side). Takes
 * scalars, not a view in hsb_nat_tmp: the established reply path calls it
 * with the packet's own tuple, before the session key is built. */
static __always_inline struct hsb_session *
hsb_nat_find_pub4(__be32 sa, __be32 da, __u16 sp, __u16 dp, __u8 pr,
		  struct hsb_flow_key *k)
{
	__u32 skip = *(volatile __u32 *)&hsb_nat_skip;
	struct hsb_nat_entry *e;
	struct hsb_session *s;

	if (hsb_nat_ported(pr) && !(skip & HSB_NAT_SKIP_PAT)) {
		e = hsb_nat_get(&hsb_nat_pat, da, dp, pr, HSB_NAT_DIR_PUB);
		if (e) {
			/* echo: both ports of the key are the id */
			s = hsb_nat_try(k, sa,
					pr == IPPROTO_ICMP ? e->port : sp,
					e->addr, e->port, pr, HSB_NAT_KIND_PAT,
					da, dp);
			if (s)
				return s;
		}
	}
	e = skip & HSB_NAT_SKIP_NOPAT ?
		    0 :
		    hsb_nat_get(&hsb_nat_nopat, da, 0, 0, HSB_NAT_DIR_PUB);
	if (e) {
		s = hsb_nat_try(k, sa, sp, e->addr, dp, pr, HSB_NAT_KIND_NOPAT,
				da, dp);
		if (s)
			return s;
	}
	return 0;
}

/* hsb_nat_find_pub4() for view v; found->src_is_a the view's side. */
static __always_inline struct hsb_session *
hsb_nat_find_pub(const struct hsb_nat_view *v, struct hsb_flow_key *k,
		 struct hsb_nat_found *found)
{
	struct hsb_session *s;

	s = hsb_nat_find_pub4(v->saddr, v->daddr, v->sport, v->dport, v->proto,
			      k);
	if (s)
		found->src_is_a = hsb_nat_view_side(s);
	return s;
}

/* Steps 2..5 of the lookup sequence (top of this file) for view v. On a
 * hit, k is the session's key and found->src_is_a the view's side. A
 * function of its own (the miss path, not the established one): inline,
 * its registers spill into the flow stage's frame, which shares the
 * 512-byte stack with hsb_nat_first()'s. */
static __noinline struct hsb_session *hsb_nat_find(const struct hsb_nat_view *v,
						   struct hsb_flow_key *k,
						   struct hsb_nat_found *found,
						   __u64 now)
{
	struct hsb_nat_entry *e;
	struct hsb_session *s;
	__u8 pr = v->proto;
	__u16 np;

	found->have_srv = 0;
	s = hsb_nat_find_pub(v, k, found);
	if (s)
		return s;
	e = hsb_nat_srv_find(v->saddr, pr, v->sport, HSB_NAT_DIR_IN, now);
	if (e) {
		np = e->port ? e->port : v->sport;
		s = hsb_nat_try(k, e->addr, np, v->daddr,
				pr == IPPROTO_ICMP ? np : v->dport, pr,
				HSB_NAT_KIND_DNAT, v->saddr, v->sport);
		if (s) {
			found->src_is_a = hsb_nat_view_side(s);
			return s;
		}
	}
	e = hsb_nat_srv_find(v->daddr, pr, v->dport, HSB_NAT_DIR_PUB, now);
	if (e) {
		np = e->port ? e->port : v->dport;
		s = hsb_nat_try(k, v->saddr, pr == IPPROTO_ICMP ? np : v->sport,
				e->addr, np, pr, HSB_NAT_KIND_SRV_SNAT,
				v->daddr, v->dport);
		if (s) {
			found->src_is_a = hsb_nat_view_side(s);
			return s;
		}
		found->have_srv = 1;
		found->srv_addr = e->addr;
		found->srv_port = np;
		found->srv_zone = e->zone;
		found->srv_id = e->group;
	}
	return 0;
}

/* ---- change records ------------------------------------------------- */

static __always_inline struct hsb_nat_event *hsb_nat_ev_reserve(void)
{
	return bpf_ringbuf_reserve(&hsb_events, sizeof(struct hsb_nat_event),
				   0);
}

static __always_inline void hsb_nat_ev_submit(struct hsb_nat_event *ev,
					      __u8 table,
					      const struct hsb_nat_key *k,
					      const struct hsb_nat_entry *v)
{
	ev->hdr.type = HSB_EV_NAT_CREATE;
	ev->hdr.len = sizeof(*ev);
	ev->hdr.pad = 0;
	ev->hdr.ts_ns = hsb_ev_now();
	ev->nat.table = table;
	__builtin_memset(ev->nat.pad, 0, sizeof(ev->nat.pad));
	__builtin_memcpy(&ev->nat.key, k, sizeof(*k));
	__builtin_memcpy(&ev->nat.val, v, sizeof(*v));
	bpf_ringbuf_submit(ev, hsb_ev_wake_flags(ev->hdr.ts_ns));
	hsb_count(HSB_CNT_EVENTS);
}

/* ---- reference counts ----------------------------------------------- */

/* Take a reference on a live mapping: only from a non-zero count (0 is
 * final, the mapping is being freed). */
static __always_inline int hsb_nat_ref_get(struct hsb_nat_entry *e, __u64 now)
{
	int i;

#pragma unroll
	for (i = 0; i < 4; i++) {
		__u32 r = *(volatile __u32 *)&e->refcnt;

		if (!r)
			return -1;
		if (__sync_val_compare_and_swap(&e->refcnt, r, r + 1) == r) {
			e->last_ref_ns = now;
			return 0;
		}
	}
	return -1;
}

/*
 * Drop a reference on the mapping pub of map (in_addr, in_port its
 * inside endpoint, for the check that pub still is that mapping). The
 * caller that takes the count to 0 deletes the IN index (if it still
 * names this mapping) and then the PUB entry. Returns the count after,
 * -1 when the mapping is not there (or is another one), -2 when the
 * count kept changing (try again).
 */
static __always_inline int hsb_nat_ref_put(void *map,
					   const struct hsb_nat_key *pub,
					   __be32 in_addr, __u16 in_port,
					   __u32 *deleted)
{
	struct hsb_nat_entry *e = bpf_map_lookup_elem(map, pub);
	struct hsb_nat_entry *idx;
	struct hsb_nat_key ik;
	int i;

	*deleted = 0;
	if (!e || e->addr != in_addr || e->port != in_port)
		return -1;
#pragma unroll
	for (i = 0; i < HSB_NAT_CAS_TRIES; i++) {
		__u32 r = *(volatile __u32 *)&e->refcnt;

		if (!r)
			return -1;
		if (__sync_val_compare_and_swap(&e->refcnt, r, r - 1) != r)
			continue;
		if (r > 1)
			return (int)(r - 1);
		ik.addr = in_addr;
		ik.port = in_port;
		ik.proto = pub->proto;
		ik.dir = HSB_NAT_DIR_IN;
		idx = bpf_map_lookup_elem(map, &ik);
		if (idx && idx->addr == pub->addr && idx->port == pub->port)
			bpf_map_delete_elem(map, &ik);
		bpf_map_delete_elem(map, pub);
		*deleted = 1;
		return 0;
	}
	return -2;
}

/*
 * Take a reference for a session hsbd installs from the peer
 * (HSB_NAT_OP_ACQUIRE, include/hsb/nat.h): join pub when it is the
 * mapping of inside endpoint (in_addr, in_port), with the compare-and-swap
 * from a non-zero count XDP joins with, so a dying mapping is never
 * revived; create it when absent (BPF_NOEXIST: an XDP allocation racing
 * for the same port wins, and the caller tries again). The IN index is
 * written unless it names another live mapping of the endpoint: a local
 * mapping keeps serving the endpoint's new sessions.
 */
static __always_inline int hsb_nat_acquire(void *map,
					   struct hsb_nat_release_args *a,
					   const struct hsb_nat_key *pub,
					   __u16 in_port)
{
	struct hsb_nat_entry v, *e, *cur;
	struct hsb_nat_key ik;

	a->deleted = 0;
	e = bpf_map_lookup_elem(map, pub);
	if (e) {
		if (e->addr != a->inside || e->port != in_port)
			return HSB_NAT_ACQ_CONFLICT;
		if (hsb_nat_ref_get(e, a->now_ns))
			return HSB_NAT_ACQ_BUSY;
		return (int)*(volatile __u32 *)&e->refcnt;
	}
	__builtin_memset(&v, 0, sizeof(v));
	v.addr = a->inside;
	v.port = in_port;
	v.flags = HSB_NAT_F_FROM_PEER;
	v.refcnt = 1;
	v.group = a->group;
	v.created_ns = a->created_ns;
	v.last_ref_ns = a->now_ns;
	if (bpf_map_update_elem(map, pub, &v, BPF_NOEXIST))
		return HSB_NAT_ACQ_BUSY;
	a->deleted = 1;
	ik.addr = a->inside;
	ik.port = in_port;
	ik.proto = pub->proto;
	ik.dir = HSB_NAT_DIR_IN;
	e = bpf_map_lookup_elem(map, &ik);
	if (e && (e->addr != pub->addr || e->port != pub->port)) {
		struct hsb_nat_key ck = { .addr = e->addr,
					  .port = e->port,
					  .proto = pub->proto,
					  .dir = HSB_NAT_DIR_PUB };

		cur = bpf_map_lookup_elem(map, &ck);
		if (cur && cur->addr == a->inside && cur->port == in_port &&
		    *(volatile __u32 *)&cur->refcnt)
			return 1;
	}
	v.addr = pub->addr;
	v.port = pub->port;
	v.flags = 0;
	v.refcnt = 0;
	bpf_map_update_elem(map, &ik, &v, BPF_ANY);
	return 1;
}

/* Clear HSB_NAT_F_DIRTY of a mapping whose state hsbd has just re-emitted:
 * an atomic AND on the 32-bit word holding flags, so a concurrent
 * reference change is never overwritten (a userspace map update would
 * write the whole value). */
static __always_inline int hsb_nat_clean(void *map,
					 const struct hsb_nat_key *pub)
{
	struct hsb_nat_entry *e = bpf_map_lookup_elem(map, pub);
	__u32 *w;

	if (!e)
		return -1;
	/* port and flags share the 32-bit word at offset 4 */
	w = (__u32 *)&e->port;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	__sync_fetch_and_and(w, ~((__u32)HSB_NAT_F_DIRTY << 16));
#else
	__sync_fetch_and_and(w, ~(__u32)HSB_NAT_F_DIRTY);
#endif
	return (int)e->refcnt;
}

/* ---- address groups ------------------------------------------------- */

/* Address i of pool (walks its sections). 0 when out of range. */
static __always_inline __be32 hsb_nat_pool_addr(const struct hsb_nat_pool *pool,
						__u32 i)
{
	int s;

#pragma unroll
	for (s = 0; s < HSB_NAT_MAX_SECTIONS; s++) {
		__u32 c = pool->sec[s].count;

		if (s >= pool->n_sections)
			break;
		if (i < c)
			return bpf_htonl(pool->sec[s].first + i);
		i -= c;
	}
	return 0;
}

/* ---- PAT ------------------------------------------------------------ */

/* State of an allocation's probe loop (in hsb_nat_tmp). */
struct hsb_nat_alloc {
	__u32 group;
	__u32 h; /* hash of the inside endpoint */
	__u32 linear; /* span <= probes per address: try every port */
	__u32 lo; /* first port of the span */
	__u32 n; /* ports in the span (NO-PAT: addresses) */
	__u32 a0; /* paired address index */
	__u32 n_addrs;
	__u32 busy;
	__be32 got_addr;
	__u16 got_port;
	__u8 proto;
	__u8 found;
};

/* State of the NAT policy walk (in hsb_nat_tmp). */
struct hsb_nat_rule_ctx {
	__be32 saddr;
	__be32 daddr;
	__u32 base;
	__u32 n;
	__u32 hit; /* slot or (__u32)-1 */
	__u32 slot; /* the callback's lookup key (no stack of its own) */
	__u16 group;
	__u8 action;
	__u8 from_zone;
	__u8 to_zone;
	__u8 proto;
	__u8 pad[2];
};

/*
 * Per-CPU working space of the NAT stages. The datapath's stages share
 * one 512-byte stack across their call frames (the entry point, the
 * global flow stage, the NAT decision, bpf_loop callbacks), so what is
 * larger than a few words lives here.
 */
struct hsb_nat_tmp {
	struct hsb_nat_entry tmpl; /* PUB entry being allocated */
	struct hsb_nat_entry idx; /* its IN index */
	struct hsb_nat_view nv;
	struct hsb_nat_found nf;
	struct hsb_nat_xl nx;
	struct hsb_session_nat fnat;
	struct hsb_nat_key pk; /* key a probe tries */
	/* the loops' state: their bpf_loop context is only the key of this
	 * map (a __u32 0 on the caller's stack), so neither the callers nor
	 * the callbacks hold it in their frames */
	struct hsb_nat_alloc al;
	struct hsb_nat_rule_ctx rc;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hsb_nat_tmp);
} hsb_nat_tmp SEC(".maps");

static __always_inline struct hsb_nat_tmp *hsb_nat_tmp_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&hsb_nat_tmp, &zero);
}

static long hsb_nat_pat_probe(__u32 i, void *data)
{
	struct hsb_nat_tmp *t = bpf_map_lookup_elem(&hsb_nat_tmp, data);
	struct hsb_nat_alloc *c;
	struct hsb_nat_pool *pool;
	__u32 ai;

	if (!t)
		return 1;
	c = &t->al;
	pool = bpf_map_lookup_elem(&hsb_nat_pool, &c->group);
	if (!pool || !c->n || !c->n_addrs)
		return 1;
	ai = (c->a0 + i / HSB_NAT_PAT_PER_ADDR) % c->n_addrs;
	t->pk.addr = hsb_nat_pool_addr(pool, ai);
	if (!t->pk.addr)
		return 1;
	/* a small span is walked whole (from a hashed start); a large one
	 * is probed at independent pseudo-random ports, which do not
	 * cluster the way a linear walk does at high occupancy (expected
	 * probes 1/(1-occupancy): 10 at 90%) */
	if (c->linear)
		t->pk.port = (__u16)(c->lo +
				     (c->h + i % HSB_NAT_PAT_PER_ADDR) % c->n);
	else
		t->pk.port = (__u16)(c->lo + hsb_nat_hash(c->h, i) % c->n);
	t->pk.proto = c->proto;
	t->pk.dir = HSB_NAT_DIR_PUB;
	/* a lookup sees a taken port without the bucket lock an insert
	 * takes; the insert (BPF_NOEXIST) still decides between CPUs */
	if (bpf_map_lookup_elem(&hsb_nat_pat, &t->pk) ||
	    bpf_map_update_elem(&hsb_nat_pat, &t->pk, &t->tmpl, BPF_NOEXIST)) {
		c->busy++;
		return 0;
	}
	c->got_addr = t->pk.addr;
	c->got_port = t->pk.port;
	c->found = 1;
	return 1;
}

/*
 * The public endpoint of inside endpoint (ia, ip) for proto in PAT group
 * group: the mapping it already has (endpoint-independent, a reference
 * taken), or a new one: HSB_NAT_PAT_PER_ADDR probes on the paired address
 * (hash of the inside address), then as many on the next, at most
 * HSB_NAT_PAT_PROBES in all, each an insert with BPF_NOEXIST (so two
 * CPUs never get the same port, and a live mapping is never reused).
 * Bounded: a span nearly full may fail before its last free port is
 * found (exhaustion is counted, the packet dropped). Returns 0 with *oa and *op set, or -1 (exhausted).
 */
static __always_inline int hsb_nat_pat_get(struct hsb_nat_tmp *t,
					   struct hsb_nat_alloc *cp,
					   __u32 group, __u8 part, __be32 ia,
					   __u16 ip, __u8 proto, __u64 now,
					   __be32 *oa, __u16 *op)
{
	struct hsb_nat_entry *idx, *pub;
	struct hsb_nat_event *ev;
	struct hsb_nat_pool *pool;
	struct hsb_nat_key k;
	__u32 zero = 0;
	int live;
#define c (*cp)

	idx = hsb_nat_get(&hsb_nat_pat, ia, ip, proto, HSB_NAT_DIR_IN);
	if (idx) {
		pub = hsb_nat_get(&hsb_nat_pat, idx->addr, idx->port, proto,
				  HSB_NAT_DIR_PUB);
		if (pub && pub->addr == ia && pub->port == ip &&
		    !hsb_nat_ref_get(pub, now)) {
			*oa = idx->addr;
			*op = idx->port;
			return 0;
		}
	}
	pool = bpf_map_lookup_elem(&hsb_nat_pool, &group);
	if (!pool || !pool->n_addrs) {
		hsb_count(HSB_CNT_NAT_NO_POOL);
		return -1;
	}
	__builtin_memset(&c, 0, sizeof(c));
	__builtin_memset(&t->tmpl, 0, sizeof(t->tmpl));
	t->tmpl.addr = ia;
	t->tmpl.port = ip;
	t->tmpl.refcnt = 1;
	t->tmpl.group = (__u16)group;
	t->tmpl.created_ns = now;
	t->tmpl.last_ref_ns = now;
	c.group = group;
	c.proto = proto;
	c.n_addrs = pool->n_addrs;
	hsb_nat_port_span(pool, part, &c.lo, &c.n);
	c.a0 = hsb_nat_hash(bpf_ntohl(ia), 0) % c.n_addrs;
	c.h = hsb_nat_hash(bpf_ntohl(ia), ((__u32)ip << 8) | proto);
	c.linear = c.n <= HSB_NAT_PAT_PER_ADDR;

	ev = hsb_nat_ev_reserve();
	live = hsb_rb_live(ev); /* tested once: lib/events.h */
	if (!live)
		t->tmpl.flags |= HSB_NAT_F_DIRTY;
	bpf_loop(HSB_NAT_PAT_PROBES, hsb_nat_pat_probe, &zero, 0);
	hsb_count_n(HSB_CNT_NAT_PROBE_BUSY, c.busy);
	if (!c.found) {
		if (live)
			bpf_ringbuf_discard(ev, 0);
		hsb_count(HSB_CNT_NAT_EXHAUSTED);
		return -1;
	}
	/* the index for the next session of this endpoint */
	k.addr = ia;
	k.port = ip;
	k.proto = proto;
	k.dir = HSB_NAT_DIR_IN;
	__builtin_memcpy(&t->idx, &t->tmpl, sizeof(t->idx));
	t->idx.addr = c.got_addr;
	t->idx.port = c.got_port;
	t->idx.refcnt = 0;
	t->idx.flags = 0;
	bpf_map_update_elem(&hsb_nat_pat, &k, &t->idx, BPF_ANY);
	k.addr = c.got_addr;
	k.port = c.got_port;
	k.dir = HSB_NAT_DIR_PUB;
	if (live)
		hsb_nat_ev_submit(ev, HSB_NAT_TABLE_PAT, &k, &t->tmpl);
	else
		hsb_count(HSB_CNT_RING_FULL);
	*oa = c.got_addr;
	*op = c.got_port;
	return 0;
#undef c
}

/* ---- NO-PAT --------------------------------------------------------- */

static long hsb_nat_nopat_probe(__u32 i, void *data)
{
	struct hsb_nat_tmp *t = bpf_map_lookup_elem(&hsb_nat_tmp, data);
	struct hsb_nat_alloc *c;
	struct hsb_nat_pool *pool;

	if (!t)
		return 1;
	c = &t->al;
	pool = bpf_map_lookup_elem(&hsb_nat_pool, &c->group);
	if (!pool || !c->n_addrs || i >= c->n_addrs)
		return 1;
	t->pk.addr = hsb_nat_pool_addr(pool, (c->a0 + i) % c->n_addrs);
	if (!t->pk.addr)
		return 1;
	t->pk.port = 0;
	t->pk.proto = 0;
	t->pk.dir = HSB_NAT_DIR_PUB;
	if (bpf_map_lookup_elem(&hsb_nat_nopat, &t->pk) ||
	    bpf_map_update_elem(&hsb_nat_nopat, &t->pk, &t->tmpl,
				BPF_NOEXIST)) {
		c->busy++;
		return 0;
	}
	c->got_addr = t->pk.addr;
	c->found = 1;
	return 1;
}

/* The public address of inside address ia in NO-PAT group group: the
 * one it borrows already (a reference taken) or the first free one from
 * its paired index on (at most HSB_NAT_NOPAT_PROBES). */
static __always_inline int hsb_nat_nopat_get(struct hsb_nat_tmp *t,
					     struct hsb_nat_alloc *cp,
					     __u32 group, __be32 ia, __u64 now,
					     __be32 *oa)
{
	struct hsb_nat_entry *idx, *pub;
	struct hsb_nat_event *ev;
	struct hsb_nat_pool *pool;
	struct hsb_nat_key k;
	__u32 zero = 0;
	int live;
#define c (*cp)

	idx = hsb_nat_get(&hsb_nat_nopat, ia, 0, 0, HSB_NAT_DIR_IN);
	if (idx) {
		pub = hsb_nat_get(&hsb_nat_nopat, idx->addr, 0, 0,
				  HSB_NAT_DIR_PUB);
		if (pub && pub->addr == ia && !hsb_nat_ref_get(pub, now)) {
			*oa = idx->addr;
			return 0;
		}
	}
	pool = bpf_map_lookup_elem(&hsb_nat_pool, &group);
	if (!pool || !pool->n_addrs) {
		hsb_count(HSB_CNT_NAT_NO_POOL);
		return -1;
	}
	__builtin_memset(&c, 0, sizeof(c));
	__builtin_memset(&t->tmpl, 0, sizeof(t->tmpl));
	t->tmpl.addr = ia;
	t->tmpl.refcnt = 1;
	t->tmpl.group = (__u16)group;
	t->tmpl.created_ns = now;
	t->tmpl.last_ref_ns = now;
	c.group = group;
	c.n_addrs = pool->n_addrs;
	c.a0 = hsb_nat_hash(bpf_ntohl(ia), 0) % c.n_addrs;
	ev = hsb_nat_ev_reserve();
	live = hsb_rb_live(ev); /* tested once: lib/events.h */
	if (!live)
		t->tmpl.flags |= HSB_NAT_F_DIRTY;
	bpf_loop(HSB_NAT_NOPAT_PROBES, hsb_nat_nopat_probe, &zero, 0);
	hsb_count_n(HSB_CNT_NAT_PROBE_BUSY, c.busy);
	if (!c.found) {
		if (live)
			bpf_ringbuf_discard(ev, 0);
		hsb_count(HSB_CNT_NAT_EXHAUSTED);
		return -1;
	}
	k.addr = ia;
	k.port = 0;
	k.proto = 0;
	k.dir = HSB_NAT_DIR_IN;
	__builtin_memcpy(&t->idx, &t->tmpl, sizeof(t->idx));
	t->idx.addr = c.got_addr;
	t->idx.refcnt = 0;
	t->idx.flags = 0;
	bpf_map_update_elem(&hsb_nat_nopat, &k, &t->idx, BPF_ANY);
	k.addr = c.got_addr;
	k.dir = HSB_NAT_DIR_PUB;
	if (live)
		hsb_nat_ev_submit(ev, HSB_NAT_TABLE_NOPAT, &k, &t->tmpl);
	else
		hsb_count(HSB_CNT_RING_FULL);
	*oa = c.got_addr;
	return 0;
#undef c
}

/* Give back the reference a first packet took when its session could not
 * be inserted (another CPU made it first, or the table refused it). */
static __always_inline void hsb_nat_undo_ref(const struct hsb_session_nat *n,
					     __be32 ia, __u16 ip, __u8 proto)
{
	struct hsb_nat_key k = { .addr = hsb_nat_a4(n->addr) };
	__u32 deleted;

	if (n->kind == HSB_NAT_KIND_PAT) {
		k.port = n->port;
		k.proto = proto;
		hsb_nat_ref_put(&hsb_nat_pat, &k, ia, ip, &deleted);
	} else if (n->kind == HSB_NAT_KIND_NOPAT) {
		hsb_nat_ref_put(&hsb_nat_nopat, &k, ia, 0, &deleted);
	}
}

/* ---- NAT policy ----------------------------------------------------- */

static __always_inline int hsb_nat_pfx(__be32 a, __be32 r, __u8 len)
{
	__u32 m;

	if (!len)
		return 1;
	m = len >= 32 ? 0xffffffffU : ~(0xffffffffU >> len);
	return !((bpf_ntohl(a) ^ bpf_ntohl(r)) & m);
}

static long hsb_nat_rule_step(__u32 i, void *data)
{
	struct hsb_nat_tmp *t = bpf_map_lookup_elem(&hsb_nat_tmp, data);
	struct hsb_nat_rule_ctx *c;
	struct hsb_nat_rule *r;

	if (!t)
		return 1;
	c = &t->rc;
	if (i >= c->n)
		return 1;
	c->slot = c->base + i;
	r = bpf_map_lookup_elem(&hsb_nat_rules, &c->slot);
	if (!r)
		return 1;
	if (r->from_zone != HSB_ZONE_ANY && r->from_zone != c->from_zone)
		return 0;
	if (r->to_zone != HSB_ZONE_ANY && r->to_zone != c->to_zone)
		return 0;
	if (r->proto != HSB_PROTO_ANY && r->proto != c->proto)
		return 0;
	if (!hsb_nat_pfx(c->saddr, r->src, r->src_len) ||
	    !hsb_nat_pfx(c->daddr, r->dst, r->dst_len))
		return 0;
	c->hit = c->slot;
	c->action = r->action;
	c->group = r->group;
	return 1;
}

/*
 * Source NAT for a permitted first packet p going from_zone -> to_zone,
 * into *d (zeroed: no translation): a session from a NAT server keeps its
 * global address; otherwise the first matching NAT rule, with a PAT or
 * NO-PAT reference taken. Returns -1 when the packet must be dropped (the
 * group has no address, or is exhausted; counted). A global function:
 * verified once, with its own stack frame (the allocation state).
 */
__attribute__((noinline)) int hsb_nat_first(struct hsb_pkt *p, __u32 from_zone,
					    __u32 to_zone, __u64 now,
					    struct hsb_session_nat *nat)
{
	struct hsb_nat_ctl *ctl;
	struct hsb_nat_entry *e;
	struct hsb_nat_tmp *t;
	__u32 zero = 0, active, n, g;
	__be32 sa;

	t = hsb_nat_tmp_get();
	if (!t)
		return -1;
#define c (t->rc)

	if (!p || !nat)
		return 0;
	__builtin_memset(nat, 0, sizeof(*nat));
	if (p->family != HSB_FAMILY_IPV4)
		return 0;
	sa = hsb_nat_a4(p->saddr);
	e = hsb_nat_srv_find(sa, p->proto, p->sport, HSB_NAT_DIR_IN, now);
	if (e) {
		nat->kind = HSB_NAT_KIND_SRV_SNAT;
		*(__be32 *)nat->addr = e->addr;
		nat->port = e->port ? e->port : p->sport;
		nat->ref = e->group;
		return 0;
	}
	ctl = bpf_map_lookup_elem(&hsb_nat_ctl, &zero);
	if (!ctl)
		return 0;
	active = *(volatile __u32 *)&ctl->active & 1;
	n = ctl->n_rules[active];
	if (!n)
		return 0;
	__builtin_memset(&c, 0, sizeof(c));
	c.saddr = sa;
	c.daddr = hsb_nat_a4(p->daddr);
	c.base = active * HSB_NAT_MAX_RULES;
	c.n = n > HSB_NAT_MAX_RULES ? HSB_NAT_MAX_RULES : n;
	c.hit = (__u32)-1;
	c.from_zone = from_zone;
	c.to_zone = to_zone;
	c.proto = p->proto;
	bpf_loop(c.n, hsb_nat_rule_step, &zero, 0);
	if (c.hit == (__u32)-1 || c.action != HSB_NAT_RULE_SNAT)
		return 0;
	g = c.group;
#undef c
	{
		struct hsb_nat_pool *pool =
			bpf_map_lookup_elem(&hsb_nat_pool, &g);

		if (!pool || !pool->n_addrs) {
			hsb_count(HSB_CNT_NAT_NO_POOL);
			return -1;
		}
		if (pool->mode == HSB_NAT_POOL_NOPAT) {
			if (hsb_nat_nopat_get(t, &t->al, g, sa, now,
					      (__be32 *)nat->addr))
				return -1;
			nat->kind = HSB_NAT_KIND_NOPAT;
			nat->port = p->sport;
			nat->ref = g;
			return 0;
		}
		/* PAT needs a port or echo id to tell flows apart: other
		 * protocols (and other ICMP) cannot be translated by it */
		if (p->kind != HSB_PK_TCP && p->kind != HSB_PK_UDP &&
		    p->kind != HSB_PK_ECHO_REQ) {
			hsb_count(HSB_CNT_NAT_EXHAUSTED);
			return -1;
		}
		if (hsb_nat_pat_get(t, &t->al, g, ctl->partition, sa, p->sport,
				    p->proto, now, (__be32 *)nat->addr,
				    &nat->port))
			return -1;
		nat->kind = HSB_NAT_KIND_PAT;
		nat->ref = g;
	}
	return 0;
}

/* ---- the established path ------------------------------------------ */

/* Translate a packet of NAT session s (key k) travelling dir; for an ICMP
 * error, dir is the error's. Returns 1 when the frame was rewritten
 * (x says how, to undo it), 0 when it goes on as it is: TTL about to
 * expire, so the kernel answers with "time exceeded" about the packet as
 * its sender sent it. */
static __always_inline int hsb_nat_pkt(const struct hsb_session *s,
				       const struct hsb_flow_key *k, int dir,
				       const struct hsb_pkt *p, void *data,
				       void *data_end, struct hsb_nat_xl *x)
{
	if (hsb_nat_ttl_expiring(p, data, data_end))
		return 0;
	hsb_nat_xl_of(s, k, dir, x);
	x->err = p->kind == HSB_PK_ICMP_ERR;
	if (hsb_nat_rewrite(p, data, data_end, x))
		return 0;
	hsb_count(x->err ? HSB_CNT_NAT_ICMP_ERR : HSB_CNT_NAT_XLATE);
	return 1;
}

/* hsb_nat_key_side_a(), hsb_nat_prep(): the checksum adjustments a
 * session keeps, computed once when it is created (include/hsb/
 * nat_csum.h, shared with hsbd's install path). */

/*
 * hsb_nat_pkt() for the established path: a TCP, UDP or ICMP echo packet
 * (not an error) of a session with precomputed checksum adjustments is
 * rewritten with them and the session's addresses, nothing on the stack
 * or in hsb_nat_tmp (the undo, hsb_nat_fix_frag_fast(), recomputes the
 * translation from the session); anything else takes hsb_nat_pkt(). The
 * packet's own endpoint on the rewritten side is the one the
 * translation replaces: it found the session by it.
 */
static __always_inline int hsb_nat_pkt_fast(const struct hsb_session *s,
					    const struct hsb_flow_key *k,
					    int dir, const struct hsb_pkt *p,
					    void *data, void *data_end)
{
	struct hsb_nat_xl x;
	struct iphdr *iph;
	__be16 *fp, np;
	__sum16 *cs;
	__be32 na;
	__u32 dip, dl4;
	__u8 kind = s->nat.kind, *l4;
	int toward, dst, sa;

	if (!(s->nat.xflags & HSB_NAT_XF_CSUM) || p->kind == HSB_PK_ICMP_ERR)
		goto slow;
	iph = hsb_l3(p, data, data_end, sizeof(*iph));
	if (!iph || (iph->ihl & 0xf) != 5)
		goto slow;
	l4 = (__u8 *)(iph + 1);
	if ((void *)(l4 + 8) > data_end)
		goto slow;
	if (iph->ttl <= 1)
		return 0;
	/* the original direction goes toward the translated endpoint */
	toward = dir == HSB_DIR_ORIG;
	dst = kind == HSB_NAT_KIND_DNAT ? toward : !toward;
	if (toward) {
		na = hsb_nat_a4(s->nat.addr);
		np = bpf_htons(s->nat.port);
		dip = s->nat.csum_ip;
		dl4 = s->nat.csum_l4;
	} else {
		sa = hsb_nat_key_side_a(kind, !!(s->flags & HSB_SESS_F_INIT_B));
		na = sa ? hsb_nat_a4(k->addr_a) : hsb_nat_a4(k->addr_b);
		np = bpf_htons(sa ? k->port_a : k->port_b);
		dip = (__u16)~s->nat.csum_ip;
		dl4 = (__u16)~s->nat.csum_l4;
	}
	switch (iph->protocol) {
	case IPPROTO_TCP:
		if ((void *)(l4 + 18) > data_end)
			goto slow;
		fp = (__be16 *)(l4 + (dst ? 2 : 0));
		cs = (__sum16 *)(l4 + 16);
		break;
	case IPPROTO_UDP:
		fp = (__be16 *)(l4 + (dst ? 2 : 0));
		cs = (__sum16 *)(l4 + 6);
		break;
	case IPPROTO_ICMP:
		if (l4[0] != ICMP_ECHO && l4[0] != ICMP_ECHOREPLY)
			goto slow;
		fp = (__be16 *)(l4 + 4);
		cs = (__sum16 *)(l4 + 2);
		break;
	default:
		goto slow;
	}
	hsb_csum_apply(&iph->check, dip);
	if (dst)
		iph->daddr = na;
	else
		iph->saddr = na;
	*fp = np;
	if (iph->protocol == IPPROTO_UDP)
		hsb_csum_apply_udp(cs, dl4);
	else
		hsb_csum_apply(cs, dl4);
	hsb_count(HSB_CNT_NAT_XLATE);
	return 1;
slow:
	return hsb_nat_pkt(s, k, dir, p, data, data_end, &x);
}

/* hsb_nat_fix_frag() for a packet hsb_nat_pkt_fast() translated. */
static __always_inline void
hsb_nat_fix_frag_fast(int xl, int fib_rc, const struct hsb_session *s,
		      const struct hsb_flow_key *k, int dir,
		      const struct hsb_pkt *p, void *data, void *data_end)
{
	struct hsb_nat_xl x;

	if (!xl || fib_rc != BPF_FIB_LKUP_RET_FRAG_NEEDED ||
	    !hsb_nat_df(p, data, data_end))
		return;
	hsb_nat_xl_of(s, k, dir, &x);
	x.err = p->kind == HSB_PK_ICMP_ERR;
	hsb_nat_xl_invert(&x);
	hsb_nat_rewrite(p, data, data_end, &x);
}

/* After the route lookup of a translated packet: a packet too big for
 * the egress with DF set goes to the kernel, which answers "fragmentation
 * needed" quoting it, so it must be the packet its sender sent: undo. (A
 * too-big packet without DF stays translated: the kernel fragments and
 * forwards it.) */
static __always_inline void hsb_nat_fix_frag(int xl, int fib_rc,
					     const struct hsb_pkt *p,
					     void *data, void *data_end,
					     struct hsb_nat_xl *x)
{
	if (!xl || fib_rc != BPF_FIB_LKUP_RET_FRAG_NEEDED ||
	    !hsb_nat_df(p, data, data_end))
		return;
	hsb_nat_xl_invert(x);
	hsb_nat_rewrite(p, data, data_end, x);
}

#endif /* HSB_BPF_LIB_NAT_H */
