/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Forwarding through the peer, for quick session backup on asymmetric
 * paths (include/hsb/peer.h has the frame format and the why).
 *
 *   sender    a packet that would be dropped here for want of a session
 *             (TCP without SYN, an echo reply, an ICMP error, a datagram
 *             the policy refuses as a new flow) while hsb_peer_fwd.on:
 *             hsb_peer_tx() tags it and redirects it to the peer's MAC
 *             on the heartbeat link, within a per-CPU budget
 *   receiver  a tagged frame on an interface marked
 *             HSB_IFACE_F_PEER_LINK: hsb_peer_rx() removes the tag and
 *             the packet takes the flow stage with HSB_FLOW_FROM_PEER,
 *             which forwards it along a session of this host or drops it
 *             (it never opens a session, and is never sent back)
 *
 * These are XDP functions (they move the frame's head); the cost of
 * mirroring when nothing is forwarded is one load of hsb_peer_fwd.on on
 * a path that drops the packet anyway.
 */
#ifndef HSB_BPF_LIB_PEER_H
#define HSB_BPF_LIB_PEER_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "hsb/peer.h"
#include "maps.h"
#include "forward.h"

/* Written by hsbd (include/hsb/peer.h). */
struct hsb_peer_fwd hsb_peer_fwd;

/* Set in the flow stage's zone argument for a packet the peer sent. */
#define HSB_FLOW_FROM_PEER (1U << 8)

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hsb_peer_budget);
} hsb_peer_budget SEC(".maps");

static __always_inline int hsb_peer_fwd_on(void)
{
	return *(volatile __u32 *)&hsb_peer_fwd.on;
}

/* Takes one frame of this CPU's budget for the current millisecond. */
static __always_inline int hsb_peer_budget_take(__u64 now)
{
	__u32 zero = 0, per_ms = *(volatile __u32 *)&hsb_peer_fwd.per_ms;
	struct hsb_peer_budget *b;

	b = bpf_map_lookup_elem(&hsb_peer_budget, &zero);
	if (!b)
		return 0;
	if (!per_ms)
		per_ms = HSB_PEER_FWD_PER_MS;
	if (now - b->window_ns >= 1000000ULL) {
		b->window_ns = now;
		b->sent = 0;
	}
	if (b->sent >= per_ms)
		return 0;
	b->sent++;
	return 1;
}

/* Where the peer is: the route to its heartbeat address, which must
 * leave by the heartbeat link, and its MAC from the neighbour table
 * (the HRP connection keeps that entry fresh). */
static __always_inline int hsb_peer_route(void *ctx, struct bpf_fib_lookup *f,
					  __u32 ifindex)
{
	__builtin_memset(f, 0, sizeof(*f));
	f->ifindex = ifindex;
	if (*(volatile __u8 *)&hsb_peer_fwd.family == HSB_FAMILY_IPV4) {
		f->family = HSB_AF_INET;
		f->ipv4_dst = *(volatile __u32 *)hsb_peer_fwd.addr;
	} else {
		f->family = HSB_AF_INET6;
		__builtin_memcpy(f->ipv6_dst, hsb_peer_fwd.addr, 16);
	}
	if (bpf_fib_lookup(ctx, f, sizeof(*f), BPF_FIB_LOOKUP_OUTPUT) !=
	    BPF_FIB_LKUP_RET_SUCCESS)
		return -1;
	return f->ifindex == ifindex ? 0 : -1;
}

/*
 * Tags the frame (an untagged Ethernet frame whose type field is at
 * offset 12) and addresses it to the peer. Returns HSB_V_REDIRECT with
 * *out_ifindex set, or HSB_V_DROP (counted).
 */
static __always_inline int hsb_peer_tx(struct xdp_md *ctx, __u32 zone,
				       __u32 *out_ifindex)
{
	__u32 ifindex = *(volatile __u32 *)&hsb_peer_fwd.ifindex;
	struct bpf_fib_lookup f;
	struct hsb_peer_tag *tag;
	struct ethhdr *eth;
	void *data, *data_end;

	if (!hsb_peer_budget_take(bpf_ktime_get_ns())) {
		hsb_count(HSB_CNT_PEER_FWD_LIMITED);
		return HSB_V_DROP;
	}
	if (hsb_peer_route(ctx, &f, ifindex) ||
	    bpf_xdp_adjust_head(ctx, -HSB_PEER_TAG_LEN)) {
		hsb_count(HSB_CNT_PEER_FWD_NO_ROUTE);
		return HSB_V_DROP;
	}
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	tag = data + sizeof(*eth);
	if ((void *)(tag + 1) + 2 > data_end)
		return HSB_V_DROP;
	/* The frame's own type field now sits right after the tag. */
	__builtin_memcpy(eth->h_dest, f.dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, f.smac, ETH_ALEN);
	eth->h_proto = bpf_htons(HSB_ETH_P_PEER);
	tag->version = HSB_PEER_VERSION;
	tag->zone = (__u8)zone;
	hsb_count(HSB_CNT_PEER_FWD_TX);
	*out_ifindex = ifindex;
	return HSB_V_REDIRECT;
}

/* The type field of a frame (untagged), or 0 when it is too short. */
static __always_inline __u16 hsb_eth_proto(void *data, void *data_end)
{
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return 0;
	return bpf_ntohs(eth->h_proto);
}

/*
 * Removes the tag of a frame from the peer. Returns 0 with *zone the
 * sender's ingress zone, or -1 (counted: drop it). The caller reloads its
 * packet pointers.
 */
static __always_inline int hsb_peer_rx(struct xdp_md *ctx, __u32 *zone)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct hsb_peer_tag *tag = data + sizeof(struct ethhdr);
	__u8 macs[2 * ETH_ALEN];
	__be16 inner;

	if ((void *)(tag + 1) + sizeof(inner) > data_end)
		goto bad;
	inner = *(__be16 *)(tag + 1);
	if (tag->version != HSB_PEER_VERSION ||
	    (inner != bpf_htons(ETH_P_IP) && inner != bpf_htons(ETH_P_IPV6)))
		goto bad;
	*zone = tag->zone;
	__builtin_memcpy(macs, data, sizeof(macs));
	if (bpf_xdp_adjust_head(ctx, HSB_PEER_TAG_LEN))
		goto bad;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + sizeof(struct ethhdr) > data_end)
		goto bad;
	/* as it came, so the kernel takes what it is handed (NO_NEIGH) */
	__builtin_memcpy(data, macs, sizeof(macs));
	hsb_count(HSB_CNT_PEER_FWD_RX);
	return 0;
bad:
	hsb_count(HSB_CNT_PEER_FWD_BAD);
	return -1;
}

#endif /* HSB_BPF_LIB_PEER_H */
