/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Virtual addresses in XDP (tables and the switchover rule:
 * include/hsb/vaddr.h). Four checks, each skipped cheaply by frames that
 * cannot concern a virtual address:
 *
 *   hsb_vaddr_vmac()  frames to a virtual MAC: taken or, on the standby
 *                     host, dropped. Only on interfaces with a vmac, for
 *                     unicast frames not to the interface's own MAC
 *                     (lib/datapath.h, hsb_front()).
 *   hsb_vaddr_arp()   ARP requests for a virtual address: answered
 *                     (XDP_TX) when active, dropped when standby, so
 *                     the kernel never answers for it on its own.
 *   hsb_vaddr_ns()    the same for IPv6 neighbour solicitations.
 *   hsb_vaddr_ip()    IP packets addressed to a virtual address: dropped
 *                     on the standby host, and on the active one for a
 *                     VIP without accept mode.
 *
 * and two in TC on interfaces with a virtual MAC: hsb_tc_ingress marks
 * frames to an active vmac that XDP passed as the host's own
 * (hsb_vmac_ingress_is_ours()), hsb_tc_egress gives what the host itself
 * sends for a vmac that MAC as its source (hsb_vaddr_egress()).
 *
 * Each returns HSB_VA_PASS (not ours: go on), HSB_VA_TX or HSB_VA_DROP;
 * hsb_vaddr_vmac() returns HSB_VA_OURS for a frame to an active vmac.
 */
#ifndef HSB_BPF_LIB_VADDR_H
#define HSB_BPF_LIB_VADDR_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ipv6.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "maps.h"
#include "parse.h"
#include "csum.h"

enum { HSB_VA_PASS, HSB_VA_TX, HSB_VA_DROP, HSB_VA_OURS };

/* Filters written by hsbd (include/hsb/vaddr.h). */
__u64 hsb_vaddr_bloom[HSB_VADDR_BLOOMS][HSB_VADDR_BLOOM_WORDS];
__u64 hsb_vmac_ifs[HSB_VMAC_IF_WORDS];

/* Whether addr may be in hsb_vaddrs (filter HSB_BLOOM_NEIGH: any kind)
 * or be a VIP (HSB_BLOOM_IP). */
static __always_inline int hsb_vaddr_maybe(const __u8 *addr, __u8 family,
					   int filter)
{
	__u32 low = family == HSB_FAMILY_IPV6 ? *(const __u32 *)(addr + 12) :
						*(const __u32 *)addr;
	__u32 b = hsb_vaddr_bloom_bit(bpf_ntohl(low));

	return (hsb_vaddr_bloom[filter & 1]
			       [(b >> 6) & (HSB_VADDR_BLOOM_WORDS - 1)] >>
		(b & 63)) &
	       1;
}

static __always_inline int hsb_vmac_if_maybe(__u32 ifindex)
{
	__u32 b = ifindex & (HSB_VMAC_IF_WORDS * 64 - 1);

	return (hsb_vmac_ifs[b >> 6] >> (b & 63)) & 1;
}

static __always_inline int hsb_vgroup_active(__u16 group)
{
	__u32 k = group;
	struct hsb_vgroup *g;

	if (!group)
		return 1;
	g = bpf_map_lookup_elem(&hsb_vgroups, &k);
	return g && g->active;
}

/* The entry of addr (flow-key layout) on ifindex, or NULL. */
static __always_inline struct hsb_vaddr *
hsb_vaddr_find(__u32 ifindex, __u8 family, const void *addr)
{
	struct hsb_vaddr_key k = { .ifindex = ifindex, .family = family };

	if (family == HSB_FAMILY_IPV6)
		__builtin_memcpy(k.addr, addr, 16);
	else
		__builtin_memcpy(k.addr, addr, 4);
	return bpf_map_lookup_elem(&hsb_vaddrs, &k);
}

static __always_inline int hsb_vaddr_standby(struct hsb_vaddr *e)
{
	hsb_count(HSB_CNT_VADDR_STANDBY);
	__sync_fetch_and_add(&e->drops, 1);
	return HSB_VA_DROP;
}

/* ---- virtual MAC ------------------------------------------------------ */

/* The hsb_vmacs entry of a unicast frame's destination on ifindex, or
 * NULL (interfaces without a vmac are ruled out by their filter bit). */
static __always_inline struct hsb_vmac *
hsb_vmac_of_dest(void *data, void *data_end, __u32 ifindex)
{
	struct ethhdr *eth = data;
	struct hsb_vmac_key k = { .ifindex = ifindex };

	if (!hsb_vmac_if_maybe(ifindex) || (void *)(eth + 1) > data_end ||
	    (eth->h_dest[0] & 1))
		return NULL;
	__builtin_memcpy(k.mac, eth->h_dest, ETH_ALEN);
	return bpf_map_lookup_elem(&hsb_vmacs, &k);
}

static __always_inline int hsb_vaddr_vmac(void *data, void *data_end,
					  __u32 ifindex)
{
	struct hsb_vmac *m = hsb_vmac_of_dest(data, data_end, ifindex);

	if (!m)
		return HSB_VA_PASS;
	if (!hsb_vgroup_active(m->group)) {
		hsb_count(HSB_CNT_VMAC_STANDBY);
		__sync_fetch_and_add(&m->drops, 1);
		return HSB_VA_DROP;
	}
	hsb_count(HSB_CNT_VMAC_RX);
	return HSB_VA_OURS;
}

/* TC ingress, for frames XDP passed to the kernel: one sent to an active
 * virtual MAC is marked as the host's own (PACKET_HOST), which the stack
 * needs to deliver or route it. Rewriting the destination in XDP would
 * not do: on a veth (and with generic XDP) the skb's packet type was set
 * before XDP ran and eth_type_trans() does not set it back. */
static __always_inline int hsb_vmac_ingress_is_ours(void *data, void *data_end,
						    __u32 ifindex)
{
	struct hsb_vmac *m = hsb_vmac_of_dest(data, data_end, ifindex);

	return m && hsb_vgroup_active(m->group);
}

/* ---- ARP ------------------------------------------------------------- */

struct hsb_arp {
	__be16 htype;
	__be16 ptype;
	__u8 hlen;
	__u8 plen;
	__be16 op;
	__u8 sha[6];
	__u8 spa[4];
	__u8 tha[6];
	__u8 tpa[4];
} __attribute__((packed));

/* An ARP request for a virtual address on the receiving interface: the
 * frame becomes the reply when the address is active. Announcements
 * (sender address = target address: another host's gratuitous ARP) are
 * left to the kernel. */
static __always_inline int hsb_vaddr_arp(void *data, void *data_end,
					 __u32 ifindex)
{
	struct ethhdr *eth = data;
	struct hsb_arp *a = (void *)(eth + 1);
	struct hsb_vaddr *e;
	__u8 spa[4];

	if ((void *)(a + 1) > data_end)
		return HSB_VA_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_ARP) || a->htype != bpf_htons(1) ||
	    a->ptype != bpf_htons(ETH_P_IP) || a->hlen != 6 || a->plen != 4 ||
	    a->op != bpf_htons(1))
		return HSB_VA_PASS;
	if (!hsb_vaddr_maybe(a->tpa, HSB_FAMILY_IPV4, HSB_BLOOM_NEIGH))
		return HSB_VA_PASS;
	if (!__builtin_memcmp(a->spa, a->tpa, 4))
		return HSB_VA_PASS;
	e = hsb_vaddr_find(ifindex, HSB_FAMILY_IPV4, a->tpa);
	if (!e)
		return HSB_VA_PASS;
	if (!hsb_vgroup_active(e->group))
		return hsb_vaddr_standby(e);
	__builtin_memcpy(spa, a->spa, 4);
	a->op = bpf_htons(2);
	__builtin_memcpy(a->spa, a->tpa, 4); /* the address answers */
	__builtin_memcpy(a->tpa, spa, 4);
	__builtin_memcpy(a->tha, a->sha, 6);
	__builtin_memcpy(a->sha, e->mac, 6);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, e->mac, ETH_ALEN);
	__sync_fetch_and_add(&e->replies, 1);
	hsb_count(HSB_CNT_VADDR_ARP_REPLY);
	return HSB_VA_TX;
}

/* ---- neighbour solicitation --------------------------------------------- */

/* NS / NA body with one link-layer address option (RFC 4861 §4.3, §4.4). */
struct hsb_nd {
	__u8 type;
	__u8 code;
	__sum16 csum;
	__be32 flags; /* NA: R S O in the top bits; NS: reserved */
	__u8 target[16];
	__u8 opt_type; /* 1: source, 2: target link-layer address */
	__u8 opt_len; /* in 8 octets */
	__u8 opt_mac[6];
} __attribute__((packed));

#define HSB_NA_FLAGS 0xe0000000 /* Router, Solicited, Override */

/*
 * A neighbour solicitation for a virtual address, carrying the
 * solicitor's link-layer address (as address resolution always does):
 * the frame becomes the solicited advertisement when the address is
 * active. Solicitations without the option (unicast reachability probes)
 * and DAD probes (unspecified source) are left to the kernel when active.
 */
static __always_inline int hsb_vaddr_ns(void *data, void *data_end,
					__u32 ifindex)
{
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	struct hsb_nd *nd = (void *)(ip6 + 1);
	struct hsb_vaddr *e;
	__be32 ph[2];
	__s64 sum;

	if ((void *)(ip6 + 1) > data_end ||
	    eth->h_proto != bpf_htons(ETH_P_IPV6) ||
	    ip6->nexthdr != IPPROTO_ICMPV6 || ip6->hop_limit != 255)
		return HSB_VA_PASS;
	if ((void *)nd + 24 > data_end || nd->type != 135 || nd->code)
		return HSB_VA_PASS;
	if (!hsb_vaddr_maybe(nd->target, HSB_FAMILY_IPV6, HSB_BLOOM_NEIGH))
		return HSB_VA_PASS;
	e = hsb_vaddr_find(ifindex, HSB_FAMILY_IPV6, nd->target);
	if (!e)
		return HSB_VA_PASS;
	if (!hsb_vgroup_active(e->group))
		return hsb_vaddr_standby(e);
	/* exactly one option (bytes past payload_len are padding) */
	if (ip6->payload_len != bpf_htons(sizeof(*nd)) ||
	    (void *)(nd + 1) > data_end || nd->opt_type != 1 ||
	    nd->opt_len != 1)
		return HSB_VA_PASS;
	/* the solicitor: its address becomes the destination; :: is DAD */
	if (!(ip6->saddr.in6_u.u6_addr32[0] | ip6->saddr.in6_u.u6_addr32[1] |
	      ip6->saddr.in6_u.u6_addr32[2] | ip6->saddr.in6_u.u6_addr32[3]))
		return HSB_VA_PASS;
	__builtin_memcpy(eth->h_dest, nd->opt_mac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, e->mac, ETH_ALEN);
	__builtin_memcpy(&ip6->daddr, &ip6->saddr, 16);
	__builtin_memcpy(&ip6->saddr, nd->target, 16);
	nd->type = 136;
	nd->flags = bpf_htonl(HSB_NA_FLAGS);
	nd->opt_type = 2;
	__builtin_memcpy(nd->opt_mac, e->mac, ETH_ALEN);
	nd->csum = 0;
	/* RFC 4443 §2.3: pseudo-header (addresses, length, next header)
	 * then the message */
	ph[0] = bpf_htonl(sizeof(*nd));
	ph[1] = bpf_htonl(IPPROTO_ICMPV6);
	sum = bpf_csum_diff(0, 0, (void *)&ip6->saddr, 32, 0);
	sum = bpf_csum_diff(0, 0, ph, sizeof(ph), (__u32)sum);
	sum = bpf_csum_diff(0, 0, (void *)nd, sizeof(*nd), (__u32)sum);
	nd->csum = (__sum16)~hsb_csum_fold((__u32)sum);
	__sync_fetch_and_add(&e->replies, 1);
	hsb_count(HSB_CNT_VADDR_NA_REPLY);
	return HSB_VA_TX;
}

/* ---- IP packets to a virtual address ------------------------------------ */

static __always_inline int hsb_vaddr_ip(const struct hsb_pkt *p, __u32 ifindex)
{
	struct hsb_vaddr *e;

	e = hsb_vaddr_find(ifindex, p->family, p->daddr);
	if (!e)
		return HSB_VA_PASS;
	if (!hsb_vgroup_active(e->group))
		return hsb_vaddr_standby(e);
	if (!(e->flags & HSB_VADDR_F_ACCEPT)) {
		hsb_count(HSB_CNT_VADDR_NOT_ACCEPTED);
		__sync_fetch_and_add(&e->drops, 1);
		return HSB_VA_DROP;
	}
	return HSB_VA_PASS;
}

/* ---- egress: the virtual MAC as source ----------------------------------- */

/* The MAC an outgoing frame speaks for, if any: a VRRP advertisement for
 * its VRID's virtual MAC (RFC 5798 §7.3: the source MAC of an
 * advertisement is the virtual router MAC), a neighbour advertisement
 * for the MAC in its target link-layer option, an ARP packet from a
 * virtual address for that address's MAC. Returns 1 and fills mac;
 * *leaving is set for an advertisement with priority 0. */
static __always_inline int hsb_vmac_of_egress(void *data, void *data_end,
					      __u32 ifindex, __u8 mac[6],
					      int *leaving)
{
	struct ethhdr *eth = data;
	struct hsb_vaddr *e;

	if ((void *)(eth + 1) > data_end)
		return 0;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);
		__u8 *vrrp;

		if ((void *)(ip + 1) > data_end || ip->protocol != 112 ||
		    ip->ihl < 5)
			return 0;
		vrrp = (__u8 *)ip + ip->ihl * 4;
		if ((void *)(vrrp + 3) > data_end)
			return 0;
		hsb_vrrp_vmac(mac, 0, vrrp[1]);
		*leaving = vrrp[2] == 0;
		return 1;
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);
		struct hsb_nd *nd = (void *)(ip6 + 1);
		__u8 *vrrp = (__u8 *)nd;

		/* An advert with one VIP is 24 bytes, shorter than an NA
		 * with its option: test for it with its own bound. */
		if ((void *)(vrrp + 3) > data_end)
			return 0;
		if (ip6->nexthdr == 112) {
			hsb_vrrp_vmac(mac, 1, vrrp[1]);
			*leaving = vrrp[2] == 0;
			return 1;
		}
		if ((void *)(nd + 1) > data_end)
			return 0;
		if (ip6->nexthdr != IPPROTO_ICMPV6 || nd->type != 136 ||
		    nd->opt_type != 2 || nd->opt_len != 1)
			return 0;
		__builtin_memcpy(mac, nd->opt_mac, ETH_ALEN);
		return 1;
	}
	if (eth->h_proto == bpf_htons(ETH_P_ARP)) {
		struct hsb_arp *a = (void *)(eth + 1);

		if ((void *)(a + 1) > data_end ||
		    !hsb_vaddr_maybe(a->spa, HSB_FAMILY_IPV4, HSB_BLOOM_NEIGH))
			return 0;
		e = hsb_vaddr_find(ifindex, HSB_FAMILY_IPV4, a->spa);
		if (!e)
			return 0;
		__builtin_memcpy(mac, e->mac, ETH_ALEN);
		return 1;
	}
	return 0;
}

/* Rewrite the source MAC (and an ARP sender address) of what the host
 * sends for an active virtual MAC of the interface. */
static __always_inline void hsb_vaddr_egress(void *data, void *data_end,
					     __u32 ifindex)
{
	struct ethhdr *eth = data;
	struct hsb_vmac_key k = { .ifindex = ifindex };
	struct hsb_vmac *m;
	int leaving = 0;

	if (!hsb_vmac_if_maybe(ifindex) ||
	    !hsb_vmac_of_egress(data, data_end, ifindex, k.mac, &leaving))
		return;
	m = bpf_map_lookup_elem(&hsb_vmacs, &k);
	/* A master leaving (RFC 5798 priority 0) has already flipped its
	 * group to standby before it says goodbye (docs/vrrp.md, "Takeover
	 * ordering"), yet its last advert must come from the vmac too, or
	 * switches move the vmac to this port on the way out. */
	if (!m || (!leaving && !hsb_vgroup_active(m->group)))
		return;
	if ((void *)(eth + 1) > data_end)
		return;
	__builtin_memcpy(eth->h_source, k.mac, ETH_ALEN);
	if (eth->h_proto == bpf_htons(ETH_P_ARP)) {
		struct hsb_arp *a = (void *)(eth + 1);

		if ((void *)(a + 1) <= data_end)
			__builtin_memcpy(a->sha, k.mac, ETH_ALEN);
	}
	hsb_count(HSB_CNT_VMAC_TX);
}

#endif /* HSB_BPF_LIB_VADDR_H */
