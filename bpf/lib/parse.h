/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Packet parser: Ethernet (+ one 802.1Q/802.1ad tag), IPv4 (options), IPv6
 * (a bounded chain of extension headers), TCP, UDP, ICMP and ICMPv6.
 *
 * The parser decides nothing about policy; it sorts a frame into one of
 * three outcomes, the counter to charge in pkt->reason:
 *
 *   HSB_PARSE_OK    an IP packet the firewall handles (pkt->kind says how)
 *   HSB_PARSE_PASS  left to the kernel untouched: non-IP ethertypes, ARP,
 *                   ND, MLD, IGMP, VRRP, and IP fragments (hsb does not
 *                   reassemble, so it cannot key a fragment to a session;
 *                   the kernel's own rules apply to them)
 *   HSB_PARSE_DROP  malformed: a header that is truncated or inconsistent
 *                   (IHL < 5, TCP doff < 5, lengths beyond the frame, more
 *                   than HSB_IPV6_EXT_MAX extension headers, nested tags).
 *                   A firewall fails closed on what it cannot parse.
 *
 * Lengths are checked twice where it matters: against data_end (what the
 * verifier needs) and against the IP header's own length (so Ethernet
 * padding is never parsed as a transport header).
 */
#ifndef HSB_BPF_LIB_PARSE_H
#define HSB_BPF_LIB_PARSE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/icmpv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "hsb/counters.h"
#include "hsb/flow.h"

/* IPv6 extension headers skipped before giving up (and dropping). Real
 * traffic carries at most two or three; the bound keeps the verifier's
 * walk short. */
#define HSB_IPV6_EXT_MAX 4

#ifndef IPPROTO_VRRP
#define IPPROTO_VRRP 112
#endif

#define HSB_TCP_FIN 0x01
#define HSB_TCP_SYN 0x02
#define HSB_TCP_RST 0x04
#define HSB_TCP_PSH 0x08
#define HSB_TCP_ACK 0x10

enum hsb_parse_verdict {
	HSB_PARSE_OK = 0,
	HSB_PARSE_PASS,
	HSB_PARSE_DROP,
};

enum hsb_pkt_kind {
	HSB_PK_TCP = 0,
	HSB_PK_UDP,
	HSB_PK_ECHO_REQ, /* ICMP/ICMPv6 echo request: ports = identifier */
	HSB_PK_ECHO_REPLY,
	HSB_PK_ICMP_ERR, /* addresses, ports, proto: the quoted packet's */
	HSB_PK_OTHER, /* another protocol or ICMP type: ports 0 */
};

/*
 * What the parser found. Scalars only, no packet pointers: the stages after
 * the parser run in a global function (verified once, whatever path the
 * parser took), whose pointer arguments must point to plain data. Later
 * stages find the IP header again with hsb_l3().
 */
struct hsb_pkt {
	__u8 saddr[16]; /* flow-key layout: IPv4 in the first 4 bytes */
	__u8 daddr[16];
	__u16 sport; /* host order */
	__u16 dport;
	__u16 l3_len; /* IP total length: byte counters, fib MTU check */
	__u8 family; /* HSB_FAMILY_* */
	__u8 proto; /* the flow's L4 protocol */
	__u8 kind; /* enum hsb_pkt_kind */
	__u8 tcp_flags;
	__u8 vlan; /* 1: arrived with a VLAN tag */
	__u8 reason; /* enum hsb_counter for PASS and DROP outcomes */
	__u8 l3_off; /* IP header offset in the frame: 14 or 18 */
	__u8 pad[3];
};

/* The IP header of a parsed frame, if need bytes of it are in the frame
 * (always, after a successful parse; the check is for the verifier). */
static __always_inline void *hsb_l3(const struct hsb_pkt *p, void *data,
				    void *data_end, __u32 need)
{
	void *l3 = data + (p->l3_off & 0x1f);

	if (l3 + need > data_end)
		return NULL;
	return l3;
}

struct hsb_vlan_hdr {
	__be16 tci;
	__be16 encap_proto;
};

/* linux/icmp.h pulls in libc's sys/socket.h (via linux/if.h), which a
 * -target bpf build cannot include: the few ICMPv4 definitions needed. */
struct hsb_icmphdr {
	__u8 type;
	__u8 code;
	__sum16 checksum;
	__be16 id; /* echo */
	__be16 sequence;
};

#define ICMP_ECHOREPLY 0
#define ICMP_DEST_UNREACH 3
#define ICMP_SOURCE_QUENCH 4
#define ICMP_REDIRECT 5
#define ICMP_ECHO 8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PARAMETERPROB 12

/* iphdr.frag_off bits (net/ip.h, not UAPI). */
#define HSB_IP_MF 0x2000
#define HSB_IP_OFFSET 0x1fff

/* Not in the UAPI headers (the kernel's is in net/ipv6.h). */
struct hsb_frag_hdr {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off; /* offset << 3 | M */
	__be32 identification;
};

/*
 * bpf_ntohs() for a length that is added to a packet pointer. The 6.1
 * verifier knows nothing of a byte swap's result (BPF_END leaves the
 * register unbounded), and it refuses pointer arithmetic with an
 * unbounded register; the compiler, which knows the bound, would drop a
 * plain mask, hence the barrier. See docs/vmtest.md.
 */
static __always_inline __u32 hsb_ntohs_len(__be16 v)
{
	__u32 r = bpf_ntohs(v);

	barrier_var(r);
	return r & 0xffff;
}

static __always_inline int hsb_parse_out(struct hsb_pkt *p, int verdict,
					 __u32 reason)
{
	p->reason = reason;
	return verdict;
}

static __always_inline void hsb_addr4(__u8 *dst, __be32 a)
{
	__u32 *w = (__u32 *)dst;

	w[0] = a;
	w[1] = 0;
	w[2] = 0;
	w[3] = 0;
}

static __always_inline void hsb_addr6(__u8 *dst, const struct in6_addr *a)
{
	__builtin_memcpy(dst, a, 16);
}

/* Ports (TCP/UDP) or echo identifier (ICMP) of a packet quoted in an ICMP
 * error; only the first 8 bytes of its transport header are guaranteed. */
static __always_inline void hsb_quoted_ports(struct hsb_pkt *p, __u8 *l4,
					     __u8 proto)
{
	__u16 a = ((__u16)l4[0] << 8) | l4[1];
	__u16 b = ((__u16)l4[2] << 8) | l4[3];
	__u16 id = ((__u16)l4[4] << 8) | l4[5];

	p->sport = 0;
	p->dport = 0;
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP) {
		p->sport = a;
		p->dport = b;
	} else if ((proto == IPPROTO_ICMP &&
		    (l4[0] == ICMP_ECHO || l4[0] == ICMP_ECHOREPLY)) ||
		   (proto == IPPROTO_ICMPV6 && (l4[0] == ICMPV6_ECHO_REQUEST ||
						l4[0] == ICMPV6_ECHO_REPLY))) {
		p->sport = id;
		p->dport = id;
	}
}

/* The IPv4 packet quoted by an ICMP error becomes the flow to look up. */
static __always_inline int hsb_parse_quoted4(struct hsb_pkt *p, void *q,
					     void *data_end)
{
	struct iphdr *iph = q;
	__u32 ihl;
	__u8 *l4;

	if ((void *)(iph + 1) > data_end)
		return hsb_parse_out(p, HSB_PARSE_DROP, HSB_CNT_BAD_L4);
	ihl = iph->ihl * 4;
	if (iph->version != 4 || ihl < sizeof(*iph))
		return hsb_parse_out(p, HSB_PARSE_DROP, HSB_CNT_BAD_L4);
	l4 = (__u8 *)iph + ihl;
	if ((void *)(l4 + 8) > data_end)
		return hsb_parse_out(p, HSB_PARSE_DROP, HSB_CNT_BAD_L4);
	hsb_addr4(p->saddr, iph->saddr);
	hsb_addr4(p->daddr, iph->daddr);
	p->proto = iph->protocol;
	if (iph->frag_off & bpf_htons(HSB_IP_OFFSET)) {
		/* A later fragment carries no ports: no session to find. */
		p->sport = 0;
		p->dport = 0;
	} else {
		hsb_quoted_ports(p, l4, p->proto);
	}
	p->kind = HSB_PK_ICMP_ERR;
	return HSB_PARSE_OK;
}

/* The IPv6 packet quoted by an ICMPv6 error. Extension headers inside the
 * quote are not walked: such a quote finds no session (ports 0). */
static __always_inline int hsb_parse_quoted6(struct hsb_pkt *p, void *q,
					     void *data_end)
{
	struct ipv6hdr *ip6h = q;
	__u8 *l4 = (__u8 *)(ip6h + 1);

	if ((void *)(l4 + 8) > data_end || ip6h->version != 6)
		return hsb_parse_out(p, HSB_PARSE_DROP, HSB_CNT_BAD_L4);
	hsb_addr6(p->saddr, &ip6h->saddr);
	hsb_addr6(p->daddr, &ip6h->daddr);
	p->proto = ip6h->nexthdr;
	hsb_quoted_ports(p, l4, p->proto);
	p->kind = HSB_PK_ICMP_ERR;
	return HSB_PARSE_OK;
}

/* TCP, UDP, ICMP, ICMPv6 or anything else at l4, l4_len bytes long by the
 * IP header. */
static __always_inline int hsb_parse_l4(struct hsb_pkt *p, void *l4,
					void *data_end, __u32 l4_len)
{
	p->sport = 0;
	p->dport = 0;
	p->tcp_flags = 0;

	switch (p->proto) {
	case IPPROTO_TCP: {
		struct tcphdr *th = l4;
		__u32 doff;

		if ((void *)(th + 1) > data_end || l4_len < sizeof(*th))
			return hsb_parse_out(p, HSB_PARSE_DROP, HSB_CNT_BAD_L4);
		doff = th->doff * 4;
		if (doff < sizeof(*th) || l4 + doff > data_end || doff > l4_len)
			return hsb_parse_out(p, HSB_PARSE_DROP, HSB_CNT_BAD_L4);
		p->sport = bpf_ntohs(th->source);
		p->dport = bpf_ntohs(th->dest);
		p->tcp_flags = ((__u8 *)th)[13];
		p->kind = HSB_PK_TCP;
		return HSB_PARSE_OK;
	}
	case IPPROTO_UDP: {
		struct udphdr *uh = l4;
		__u32 ulen;

		if ((void *)(uh + 1) > data_end || l4_len < sizeof(*uh))
			return hsb_parse_out(p, HSB_PARSE_DROP, HSB_CNT_BAD_L4);
		ulen = bpf_ntohs(uh->len);
		if (ulen < sizeof(*uh) || ulen > l4_len)
			return hsb_parse_out(p, HSB_PARSE_DROP, HSB_CNT_BAD_L4);
		p->sport = bpf_ntohs(uh->source);
		p->dport = bpf_ntohs(uh->dest);
		p->kind = HSB_PK_UDP;
		return HSB_PARSE_OK;
	}
	case IPPROTO_ICMP: {
		struct hsb_icmphdr *ic = l4;

		if (p->family != HSB_FAMILY_IPV4)
			break; /* ICMPv4 in IPv6: just another protocol */
		if ((void *)(ic + 1) > data_end || l4_len < sizeof(*ic))
			return hsb_parse_out(p, HSB_PARSE_DROP, HSB_CNT_BAD_L4);
		switch (ic->type) {
		case ICMP_ECHO:
		case ICMP_ECHOREPLY:
			p->sport = bpf_ntohs(ic->id);
			p->dport = p->sport;
			p->kind = ic->type == ICMP_ECHO ? HSB_PK_ECHO_REQ :
							  HSB_PK_ECHO_REPLY;
			return HSB_PARSE_OK;
		case ICMP_DEST_UNREACH:
		case ICMP_SOURCE_QUENCH:
		case ICMP_REDIRECT:
		case ICMP_TIME_EXCEEDED:
		case ICMP_PARAMETERPROB:
			return hsb_parse_quoted4(p, ic + 1, data_end);
		}
		p->kind = HSB_PK_OTHER;
		return HSB_PARSE_OK;
	}
	case IPPROTO_ICMPV6: {
		struct icmp6hdr *ic = l4;

		if (p->family != HSB_FAMILY_IPV6)
			break;
		if ((void *)(ic + 1) > data_end || l4_len < sizeof(*ic))
			return hsb_parse_out(p, HSB_PARSE_DROP, HSB_CNT_BAD_L4);
		switch (ic->icmp6_type) {
		case ICMPV6_ECHO_REQUEST:
		case ICMPV6_ECHO_REPLY:
			p->sport = bpf_ntohs(ic->icmp6_identifier);
			p->dport = p->sport;
			p->kind = ic->icmp6_type == ICMPV6_ECHO_REQUEST ?
					  HSB_PK_ECHO_REQ :
					  HSB_PK_ECHO_REPLY;
			return HSB_PARSE_OK;
		case 133: /* router solicitation */
		case 134: /* router advertisement */
		case 135: /* neighbour solicitation */
		case 136: /* neighbour advertisement */
		case 137: /* redirect */
			return hsb_parse_out(p, HSB_PARSE_PASS, HSB_CNT_ND);
		case ICMPV6_MGM_QUERY:
		case ICMPV6_MGM_REPORT:
		case ICMPV6_MGM_REDUCTION:
		case ICMPV6_MLD2_REPORT:
			return hsb_parse_out(p, HSB_PARSE_PASS,
					     HSB_CNT_IGMP_MLD);
		case ICMPV6_DEST_UNREACH:
		case ICMPV6_PKT_TOOBIG:
		case ICMPV6_TIME_EXCEED:
		case ICMPV6_PARAMPROB:
			return hsb_parse_quoted6(p, ic + 1, data_end);
		}
		p->kind = HSB_PK_OTHER;
		return HSB_PARSE_OK;
	}
	case IPPROTO_IGMP:
		if (p->family == HSB_FAMILY_IPV4)
			return hsb_parse_out(p, HSB_PARSE_PASS,
					     HSB_CNT_IGMP_MLD);
		break;
	case IPPROTO_VRRP:
		return hsb_parse_out(p, HSB_PARSE_PASS, HSB_CNT_VRRP);
	}
	/* GRE, ESP, SCTP, ...: policy on the protocol alone, one session per
	 * address pair and protocol (ports 0). */
	p->kind = HSB_PK_OTHER;
	return HSB_PARSE_OK;
}

static __always_inline int hsb_parse_ipv4(struct hsb_pkt *p, void *l3,
					  void *data_end)
{
	struct iphdr *iph = l3;
	__u32 ihl, tot;

	if ((void *)(iph + 1) > data_end)
		return hsb_parse_out(p, HSB_PARSE_DROP, HSB_CNT_BAD_L3);
	ihl = iph->ihl * 4;
	if (iph->version != 4 || ihl < sizeof(*iph) ||
	    (void *)iph + ihl > data_end)
		return hsb_parse_out(p, HSB_PARSE_DROP, HSB_CNT_BAD_L3);
	tot = hsb_ntohs_len(iph->tot_len);
	if (tot < ihl || (void *)iph + tot > data_end)
		return hsb_parse_out(p, HSB_PARSE_DROP, HSB_CNT_BAD_L3);
	if (iph->frag_off & bpf_htons(HSB_IP_MF | HSB_IP_OFFSET))
		return hsb_parse_out(p, HSB_PARSE_PASS, HSB_CNT_FRAGMENT);

	p->family = HSB_FAMILY_IPV4;
	p->l3_len = tot;
	p->proto = iph->protocol;
	hsb_addr4(p->saddr, iph->saddr);
	hsb_addr4(p->daddr, iph->daddr);
	return hsb_parse_l4(p, (void *)iph + ihl, data_end, tot - ihl);
}

static __always_inline int hsb_parse_ipv6(struct hsb_pkt *p, void *l3,
					  void *data_end)
{
	struct ipv6hdr *ip6h = l3;
	void *cur = ip6h + 1;
	__u32 tot, hlen;
	__u8 nh;
	int i;

	if ((void *)(ip6h + 1) > data_end || ip6h->version != 6)
		return hsb_parse_out(p, HSB_PARSE_DROP, HSB_CNT_BAD_L3);
	tot = hsb_ntohs_len(ip6h->payload_len) + sizeof(*ip6h);
	if ((void *)ip6h + tot > data_end)
		return hsb_parse_out(p, HSB_PARSE_DROP, HSB_CNT_BAD_L3);

	nh = ip6h->nexthdr;
#pragma unroll
	for (i = 0; i < HSB_IPV6_EXT_MAX; i++) {
		if (nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING ||
		    nh == IPPROTO_DSTOPTS) {
			struct ipv6_opt_hdr *oh = cur;

			if (cur + 8 > data_end)
				return hsb_parse_out(p, HSB_PARSE_DROP,
						     HSB_CNT_BAD_IPV6_EXT);
			nh = oh->nexthdr;
			cur += (oh->hdrlen + 1) * 8;
		} else if (nh == IPPROTO_FRAGMENT) {
			struct hsb_frag_hdr *fh = cur;

			if ((void *)(fh + 1) > data_end)
				return hsb_parse_out(p, HSB_PARSE_DROP,
						     HSB_CNT_BAD_IPV6_EXT);
			/* An atomic fragment (offset 0, M clear, RFC 6946)
			 * is a whole packet: keep parsing it. */
			if (fh->frag_off & bpf_htons(0xfff9))
				return hsb_parse_out(p, HSB_PARSE_PASS,
						     HSB_CNT_FRAGMENT);
			nh = fh->nexthdr;
			cur += sizeof(*fh);
		} else {
			break;
		}
	}
	if (nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING ||
	    nh == IPPROTO_DSTOPTS || nh == IPPROTO_FRAGMENT)
		return hsb_parse_out(p, HSB_PARSE_DROP, HSB_CNT_BAD_IPV6_EXT);
	hlen = cur - (void *)ip6h;
	if (hlen > tot)
		return hsb_parse_out(p, HSB_PARSE_DROP, HSB_CNT_BAD_IPV6_EXT);

	p->family = HSB_FAMILY_IPV6;
	p->l3_len = tot;
	p->proto = nh;
	hsb_addr6(p->saddr, &ip6h->saddr);
	hsb_addr6(p->daddr, &ip6h->daddr);
	return hsb_parse_l4(p, cur, data_end, tot - hlen);
}

static __always_inline int hsb_parse(struct hsb_pkt *p, void *data,
				     void *data_end)
{
	struct ethhdr *eth = data;
	void *l3 = eth + 1;
	__be16 proto;

	/* Every byte defined: *p crosses into a global function, and an
	 * older verifier rejects passing uninitialized stack. */
	__builtin_memset(p, 0, sizeof(*p));
	p->l3_off = sizeof(*eth);
	if ((void *)(eth + 1) > data_end)
		return hsb_parse_out(p, HSB_PARSE_DROP, HSB_CNT_BAD_L2);
	proto = eth->h_proto;
	if (proto == bpf_htons(ETH_P_8021Q) ||
	    proto == bpf_htons(ETH_P_8021AD)) {
		struct hsb_vlan_hdr *vh = l3;

		if ((void *)(vh + 1) > data_end)
			return hsb_parse_out(p, HSB_PARSE_DROP, HSB_CNT_BAD_L2);
		proto = vh->encap_proto;
		/* One tag only: a nested tag hides what is inside. */
		if (proto == bpf_htons(ETH_P_8021Q) ||
		    proto == bpf_htons(ETH_P_8021AD))
			return hsb_parse_out(p, HSB_PARSE_DROP, HSB_CNT_BAD_L2);
		p->vlan = 1;
		p->l3_off += sizeof(*vh);
		l3 = vh + 1;
	}

	if (proto == bpf_htons(ETH_P_IP))
		return hsb_parse_ipv4(p, l3, data_end);
	if (proto == bpf_htons(ETH_P_IPV6))
		return hsb_parse_ipv6(p, l3, data_end);
	if (proto == bpf_htons(ETH_P_ARP))
		return hsb_parse_out(p, HSB_PARSE_PASS, HSB_CNT_ARP);
	return hsb_parse_out(p, HSB_PARSE_PASS, HSB_CNT_NON_IP);
}

#endif /* HSB_BPF_LIB_PARSE_H */
