/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Forwarding: route lookup in the kernel's FIB (bpf_fib_lookup, as if the
 * packet were forwarded from its ingress interface), then either a
 * redirect with rewritten MACs and TTL, or the kernel.
 *
 * Outcomes of the lookup (what the kernel would have done decides):
 *
 *   SUCCESS        rewrite and redirect; but TTL/hop limit <= 1 goes to
 *                  the kernel, which sends the ICMP time exceeded, and a
 *                  VLAN-tagged frame goes to the kernel (hsb does not push
 *                  or pop tags; the egress may be another VLAN)
 *   NO_NEIGH       kernel: it resolves the next hop (ARP/ND) and forwards
 *   NOT_FWDED      local destination (or forwarding disabled on the
 *   FWD_DISABLED   ingress, where the kernel would only deliver locally):
 *                  kernel
 *   FRAG_NEEDED    kernel: it fragments or sends "fragmentation needed" /
 *                  "packet too big" (PMTU discovery keeps working)
 *   BLACKHOLE,     dropped here. The kernel would only drop them or answer
 *   UNREACHABLE,   with an ICMP unreachable; a firewall does not help
 *   PROHIBIT       scanners map its routes, and a flood towards an
 *                  unrouted prefix never reaches the stack.
 *   other          (lwt encapsulation, errors) kernel
 *
 * Multicast and limited-broadcast destinations never go through the FIB
 * (it would route 255.255.255.255 like unicast): they are local.
 */
#ifndef HSB_BPF_LIB_FORWARD_H
#define HSB_BPF_LIB_FORWARD_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "maps.h"
#include "parse.h"
#include "csum.h"

#define HSB_AF_INET 2
#define HSB_AF_INET6 10

/* What the core asks the entry point to do with the frame. */
enum hsb_verdict {
	HSB_V_PASS = 0,
	HSB_V_DROP,
	HSB_V_REDIRECT, /* to out_ifindex */
	HSB_V_TX, /* back out of the ingress (ARP answers) */
	HSB_V_PEER, /* no session here: to the peer (lib/peer.h) */
};

static __always_inline int hsb_dst_is_local_class(const struct hsb_pkt *p,
						  void *data, void *data_end)
{
	if (p->family == HSB_FAMILY_IPV4) {
		struct iphdr *iph = hsb_l3(p, data, data_end, sizeof(*iph));
		__u32 d;

		if (!iph)
			return 1;
		d = bpf_ntohl(iph->daddr);
		return (d & 0xf0000000U) == 0xe0000000U || d == 0xffffffffU;
	} else {
		struct ipv6hdr *ip6h = hsb_l3(p, data, data_end, sizeof(*ip6h));

		if (!ip6h)
			return 1;
		return ip6h->daddr.in6_u.u6_addr8[0] == 0xff;
	}
}

/*
 * Route p. check_mtu: give the kernel the packet's length so an oversized
 * packet reports FRAG_NEEDED (without it, the lookup names the egress
 * interface even for such a packet, which the first packet's policy
 * needs). Returns a BPF_FIB_LKUP_RET_* code (or a negative error).
 */
static __always_inline int hsb_fib_lookup(void *ctx, const struct hsb_pkt *p,
					  struct bpf_fib_lookup *f,
					  __u32 ifindex, void *data,
					  void *data_end, int check_mtu)
{
	int ports = p->kind == HSB_PK_TCP || p->kind == HSB_PK_UDP;

	if (hsb_dst_is_local_class(p, data, data_end))
		return BPF_FIB_LKUP_RET_NOT_FWDED;
	__builtin_memset(f, 0, sizeof(*f));
	f->ifindex = ifindex;
	f->tot_len = check_mtu ? p->l3_len : 0;
	if (ports) {
		f->sport = bpf_htons(p->sport);
		f->dport = bpf_htons(p->dport);
	}
	if (p->family == HSB_FAMILY_IPV4) {
		struct iphdr *iph = hsb_l3(p, data, data_end, sizeof(*iph));

		if (!iph)
			return -1;
		f->family = HSB_AF_INET;
		f->tos = iph->tos;
		f->l4_protocol = iph->protocol;
		f->ipv4_src = iph->saddr;
		f->ipv4_dst = iph->daddr;
	} else {
		struct ipv6hdr *ip6h = hsb_l3(p, data, data_end, sizeof(*ip6h));

		if (!ip6h)
			return -1;
		f->family = HSB_AF_INET6;
		f->flowinfo = *(__be32 *)ip6h & bpf_htonl(0x0fffffff);
		f->l4_protocol = p->kind == HSB_PK_ICMP_ERR ? IPPROTO_ICMPV6 :
							      p->proto;
		__builtin_memcpy(f->ipv6_src, &ip6h->saddr, 16);
		__builtin_memcpy(f->ipv6_dst, &ip6h->daddr, 16);
	}
	return bpf_fib_lookup(ctx, f, sizeof(*f), 0);
}

/*
 * Rewrite p for next hop (ifindex, dmac, smac), as the kernel's forwarding
 * would: TTL / hop limit decremented (IPv4 checksum patched), MACs
 * replaced. A TTL / hop limit <= 1 (the kernel sends time exceeded) and a
 * VLAN-tagged frame (hsb does not push or pop tags) go to the kernel.
 * Shared by the FIB path and the next-hop cache (lib/nexthop.h).
 */
static __always_inline int hsb_rewrite(const struct hsb_pkt *p, __u32 ifindex,
				       const __u8 *dmac, const __u8 *smac,
				       void *data, void *data_end,
				       __u32 *out_ifindex)
{
	struct ethhdr *eth = data;

	if (p->vlan) {
		hsb_count(HSB_CNT_VLAN_PASS);
		return HSB_V_PASS;
	}
	if ((void *)(eth + 1) > data_end)
		return HSB_V_PASS;
	if (p->family == HSB_FAMILY_IPV4) {
		struct iphdr *iph = hsb_l3(p, data, data_end, sizeof(*iph));

		if (!iph)
			return HSB_V_PASS;
		if (iph->ttl <= 1) {
			hsb_count(HSB_CNT_TTL_EXCEEDED);
			return HSB_V_PASS;
		}
		hsb_ipv4_dec_ttl(iph);
	} else {
		struct ipv6hdr *ip6h = hsb_l3(p, data, data_end, sizeof(*ip6h));

		if (!ip6h)
			return HSB_V_PASS;
		if (ip6h->hop_limit <= 1) {
			hsb_count(HSB_CNT_TTL_EXCEEDED);
			return HSB_V_PASS;
		}
		ip6h->hop_limit--;
	}
	__builtin_memcpy(eth->h_dest, dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, smac, ETH_ALEN);
	*out_ifindex = ifindex;
	return HSB_V_REDIRECT;
}

/* Act on a lookup result rc for p; on HSB_V_REDIRECT the frame has been
 * rewritten for f->ifindex. */
static __always_inline int hsb_forward(const struct hsb_pkt *p,
				       const struct bpf_fib_lookup *f, int rc,
				       void *data, void *data_end,
				       __u32 *out_ifindex)
{
	switch (rc) {
	case BPF_FIB_LKUP_RET_SUCCESS:
		break;
	case BPF_FIB_LKUP_RET_NO_NEIGH:
		hsb_count(HSB_CNT_FIB_NO_NEIGH);
		return HSB_V_PASS;
	case BPF_FIB_LKUP_RET_NOT_FWDED:
	case BPF_FIB_LKUP_RET_FWD_DISABLED:
		hsb_count(HSB_CNT_FIB_LOCAL);
		return HSB_V_PASS;
	case BPF_FIB_LKUP_RET_FRAG_NEEDED:
		hsb_count(HSB_CNT_FIB_FRAG_NEEDED);
		return HSB_V_PASS;
	case BPF_FIB_LKUP_RET_BLACKHOLE:
	case BPF_FIB_LKUP_RET_UNREACHABLE:
	case BPF_FIB_LKUP_RET_PROHIBIT:
		hsb_count(HSB_CNT_FIB_UNREACHABLE);
		return HSB_V_DROP;
	default:
		hsb_count(HSB_CNT_FIB_OTHER);
		return HSB_V_PASS;
	}
	return hsb_rewrite(p, f->ifindex, f->dmac, f->smac, data, data_end,
			   out_ifindex);
}

#endif /* HSB_BPF_LIB_FORWARD_H */
