// SPDX-License-Identifier: GPL-2.0-only
/*
 * hsb_xdp: the XDP entry point hsbd attaches to every service interface,
 * the stateful firewall datapath. The packet path lives in lib/datapath.h
 * and its stages in lib/ (parse, lists, conntrack, policy, events,
 * forward); this file binds them to the XDP context and turns the verdict
 * into an XDP action, counted.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_packet.h>
#include <bpf/bpf_helpers.h>

#include "lib/maps.h"
#include "lib/datapath.h"
#include "lib/recheck.h"

/* Global, so verified once (see hsb_flow()). */
__noinline int hsb_xdp_flow(struct xdp_md *ctx, struct hsb_pkt *pkt,
			    __u32 from_zone, __u32 *out_ifindex)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	if (!pkt || !out_ifindex)
		return HSB_V_DROP;
	return hsb_flow(ctx, data, data_end, ctx->ingress_ifindex, pkt,
			from_zone, out_ifindex);
}

/* The virtual-address stages (lib/vaddr.h), global like hsb_xdp_flow()
 * and out of the hot path: the entry calls them only for frames their
 * .bss filters let through. Each returns an HSB_VA_* verdict. */
__noinline int hsb_xdp_vmac(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	return hsb_vaddr_vmac(data, data_end, ctx->ingress_ifindex);
}

__noinline int hsb_xdp_neigh(struct xdp_md *ctx, __u32 reason)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	if (reason == HSB_CNT_ARP)
		return hsb_vaddr_arp(data, data_end, ctx->ingress_ifindex);
	return hsb_vaddr_ns(data, data_end, ctx->ingress_ifindex);
}

__noinline int hsb_xdp_vaddr(struct xdp_md *ctx, struct hsb_pkt *pkt)
{
	if (!pkt)
		return HSB_VA_DROP;
	return hsb_vaddr_ip(pkt, ctx->ingress_ifindex);
}

/* lib/peer.h: a frame from the peer loses its tag; one for the peer gets
 * it. Global: both move the frame's head, off the hot path. */
__noinline int hsb_xdp_peer_rx(struct xdp_md *ctx, __u32 *zone)
{
	if (!zone)
		return -1;
	return hsb_peer_rx(ctx, zone);
}

__noinline int hsb_xdp_peer_tx(struct xdp_md *ctx, __u32 zone,
			       __u32 *out_ifindex)
{
	if (!out_ifindex)
		return HSB_V_DROP;
	return hsb_peer_tx(ctx, zone, out_ifindex);
}

static __always_inline int hsb_va_verdict(int va, int v)
{
	return va == HSB_VA_TX ? HSB_V_TX : va == HSB_VA_DROP ? HSB_V_DROP : v;
}

SEC("xdp")
int hsb_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 out_ifindex = 0, from_zone = 0;
	struct hsb_pkt pkt;
	int v, va;

	v = hsb_front(data, data_end, ctx->ingress_ifindex, &from_zone);
	if (v == HSB_V_PEER_RX) {
		/* forwarded by the peer for a session of ours: IP only,
		 * no virtual-address stage (the session decides) */
		v = hsb_xdp_peer_rx(ctx, &from_zone) ? HSB_V_DROP :
						       HSB_V_CONTINUE;
		from_zone |= HSB_FLOW_FROM_PEER;
		data = (void *)(long)ctx->data;
		data_end = (void *)(long)ctx->data_end;
	}
	if (v == HSB_V_OTHER_MAC || v == HSB_V_ANY_MAC) {
		/* Unicast to another MAC: ours only if it is an active
		 * virtual MAC of the interface (a standby one is dropped
		 * there). Any other is another host's frame, which a switch
		 * flooded here (unknown unicast) or a promiscuous interface
		 * let in: not to be forwarded or tracked. */
		va = hsb_vmac_if_maybe(ctx->ingress_ifindex) ?
			     hsb_xdp_vmac(ctx) :
			     HSB_VA_PASS;
		if (va == HSB_VA_DROP) {
			v = HSB_V_DROP;
		} else if (va == HSB_VA_OURS || v == HSB_V_ANY_MAC) {
			v = HSB_V_CONTINUE;
		} else {
			hsb_count(HSB_CNT_NOT_FOR_US);
			v = HSB_V_DROP;
		}
	}
	if (v == HSB_V_CONTINUE)
		v = hsb_front_parse(data, data_end, &pkt);
	if ((from_zone & HSB_FLOW_FROM_PEER) && v != HSB_V_CONTINUE &&
	    v != HSB_V_DROP) {
		hsb_count(HSB_CNT_PEER_FWD_BAD);
		v = HSB_V_DROP;
	}
	if (v == HSB_V_NEIGH)
		v = hsb_va_verdict(hsb_xdp_neigh(ctx, pkt.reason), HSB_V_PASS);
	if (v == HSB_V_CONTINUE && !(from_zone & HSB_FLOW_FROM_PEER) &&
	    hsb_vaddr_maybe(pkt.daddr, pkt.family, HSB_BLOOM_IP))
		v = hsb_va_verdict(hsb_xdp_vaddr(ctx, &pkt), v);
	if (v == HSB_V_CONTINUE)
		v = hsb_xdp_flow(ctx, &pkt, from_zone, &out_ifindex);
	if (v == HSB_V_PEER)
		v = hsb_xdp_peer_tx(ctx, from_zone, &out_ifindex);

	switch (v) {
	case HSB_V_REDIRECT:
		hsb_count(HSB_CNT_REDIRECT);
		return bpf_redirect(out_ifindex, 0);
	case HSB_V_DROP:
		hsb_count(HSB_CNT_DROP);
		return XDP_DROP;
	case HSB_V_TX:
		return XDP_TX;
	default:
		hsb_count(HSB_CNT_PASS);
		return XDP_PASS;
	}
}

/*
 * hsb_tc_ingress: TC (clsact ingress) on interfaces with a virtual MAC,
 * attached with hsb_tc_egress: frames to an active vmac that XDP passed
 * become the host's own (lib/vaddr.h).
 */
SEC("tc")
int hsb_tc_ingress(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	if (skb->pkt_type == PACKET_OTHERHOST &&
	    hsb_vmac_ingress_is_ours(data, data_end, skb->ifindex))
		bpf_skb_change_type(skb, PACKET_HOST);
	return TC_ACT_OK;
}

/*
 * hsb_tc_egress: TC (clsact egress) on interfaces with a virtual MAC,
 * attached by hsbd's VRRP engine. The host's own VRRP advertisements,
 * neighbour advertisements and ARP for a virtual address leave with the
 * virtual MAC as source (lib/vaddr.h); everything else is untouched.
 */
SEC("tc")
int hsb_tc_egress(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	hsb_vaddr_egress(data, data_end, skb->ifindex);
	return TC_ACT_OK;
}

/*
 * hsb_nat_release: hsbd drops a session's reference on its PAT or NO-PAT
 * mapping with this program (BPF_PROG_RUN, args in ctx), because the
 * count must be changed with an atomic compare-and-swap against the XDP
 * CPUs joining the mapping, which a map update from userspace cannot do
 * (include/hsb/nat.h). The last reference deletes the mapping. The
 * same program takes the reference of a session installed from the peer
 * (HSB_NAT_OP_ACQUIRE) and clears a re-emitted mapping's dirty mark.
 */
SEC("syscall")
int hsb_nat_release(struct hsb_nat_release_args *a)
{
	struct hsb_nat_key k;
	__be32 in = a->inside;
	__u16 inp = a->inside_port;
	__u32 deleted = 0;
	int r;

	k.addr = a->pub.addr;
	k.port = a->pub.port;
	k.proto = a->pub.proto;
	k.dir = HSB_NAT_DIR_PUB;
	if (a->op == HSB_NAT_OP_ACQUIRE)
		r = a->table == HSB_NAT_TABLE_NOPAT ?
			    hsb_nat_acquire(&hsb_nat_nopat, a, &k, 0) :
			    hsb_nat_acquire(&hsb_nat_pat, a, &k, inp);
	else if (a->op == HSB_NAT_OP_CLEAN)
		r = a->table == HSB_NAT_TABLE_NOPAT ?
			    hsb_nat_clean(&hsb_nat_nopat, &k) :
			    hsb_nat_clean(&hsb_nat_pat, &k);
	else if (a->table == HSB_NAT_TABLE_NOPAT)
		r = hsb_nat_ref_put(&hsb_nat_nopat, &k, in, 0, &deleted);
	else
		r = hsb_nat_ref_put(&hsb_nat_pat, &k, in, inp, &deleted);
	a->result = r;
	if (a->op != HSB_NAT_OP_ACQUIRE)
		a->deleted = deleted;
	return 0;
}

struct install_loop {
	struct hsb_install_buf *b;
	__u32 start, n, done;
	__s32 err;
};

static long install_one(__u32 i, struct install_loop *l)
{
	__u32 idx = l->start + i;
	long r;

	if (idx >= l->n || idx >= HSB_INSTALL_BATCH)
		return 1;
	r = bpf_map_update_elem(&hsb_sessions, &l->b->e[idx].key,
				&l->b->e[idx].val, BPF_NOEXIST);
	if (r) {
		l->err = (__s32)r;
		return 1;
	}
	l->done = idx + 1;
	return 0;
}

/*
 * hsb_install_batch: hsbd's batched install of sessions from the peer
 * (include/hsb/session.h, struct hsb_install_batch_args): entries start
 * .. n-1 of hsb_install_buf into hsb_sessions with BPF_NOEXIST, in
 * order, up to the first the map refuses. A session present here (a
 * local one, or an installed one to update) is never overwritten: hsbd
 * takes that entry through its single path.
 */
SEC("syscall")
int hsb_install_batch(struct hsb_install_batch_args *a)
{
	struct install_loop l = { 0 };
	__u32 zero = 0;

	l.b = bpf_map_lookup_elem(&hsb_install_buf, &zero);
	l.start = a->start;
	l.n = a->n > HSB_INSTALL_BATCH ? HSB_INSTALL_BATCH : a->n;
	l.done = l.start;
	if (l.b && l.start < l.n)
		bpf_loop(l.n - l.start, install_one, &l, 0);
	a->done = l.done;
	a->err = l.b ? l.err : -2;
	return 0;
}

/* One entry, global: verified once, not once per iteration of the loop
 * below. */
__noinline int hsb_recheck_ent_g(struct hsb_recheck_ent *e)
{
	if (!e)
		return 0;
	return hsb_recheck_one(e);
}

/*
 * hsb_recheck: hsbd's policy recheck of live sessions (include/hsb/
 * policy.h): entries 0 .. n-1 of hsb_recheck_buf judged by the current
 * policy; permitted is how many it permits.
 */
SEC("syscall")
int hsb_recheck(struct hsb_recheck_args *a)
{
	struct hsb_recheck_buf *b;
	__u32 zero = 0, n = a->n, i, permitted = 0;

	b = bpf_map_lookup_elem(&hsb_recheck_buf, &zero);
	if (!b)
		return -2;
	for (i = 0; i < HSB_RECHECK_BATCH; i++) {
		if (i >= n)
			break;
		permitted += hsb_recheck_ent_g(&b->e[i]);
	}
	a->permitted = permitted;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
