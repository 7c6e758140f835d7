/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The packet path shared by the XDP entry point and (later) the TC
 * fallback: it sees only the frame bytes, the ingress ifindex and the
 * program context for helpers, and returns an enum hsb_verdict that the
 * entry point turns into its own return code.
 *
 *   1 interface     hsb_ifaces[ingress] (through its .bss copy
 *                   hsb_if_fast): unmanaged -> pass; a frame the
 *                   peer forwards (lib/peer.h) on the heartbeat link ->
 *                   untagged, sessions only; heartbeat link -> pass
 *                   untouched; unicast to a MAC that is
 *                   neither the interface's nor an active virtual MAC
 *                   of it -> drop (not_for_us), as a router ignores
 *                   frames for other hosts (a switch flooding unknown
 *                   unicast sends this host the peer's traffic)
 *   2 parse         lib/parse.h: pass (ARP, ND, VRRP, IGMP/MLD, non-IP,
 *                   fragments) / drop (malformed) / go on
 *   3 session       one lookup with the canonical key, both directions
 *     hit           account, track state, report, forward with the
 *                   direction's cached next hop (lib/nexthop.h), or
 *                   route (FIB) and refill the cache
 *     miss          4 lists (lib/lists.h), 5 first-packet rules (TCP only
 *                   from a SYN, echo replies and ICMP errors need a
 *                   session), 6 route (for the egress zone), 7 policy,
 *                   8 insert + NEW record, forward. With quick session
 *                   backup, what 5 or 7 would drop goes to the peer,
 *                   which may have the session (lib/peer.h); a packet
 *                   the peer sent is dropped here on a miss
 *
 * The established path costs: one load of hsb_if_fast (and a compare of
 * the destination MAC with the interface's), one session lookup
 * and the per-CPU counters; a FIB lookup only when the direction's
 * next-hop cache is stale (after a network change) or the packet is longer
 * than any the FIB has accepted for it.
 */
#ifndef HSB_BPF_LIB_DATAPATH_H
#define HSB_BPF_LIB_DATAPATH_H

#include "maps.h"
#include "parse.h"
#include "lists.h"
#include "conntrack.h"
#include "policy.h"
#include "events.h"
#include "forward.h"
#include "nexthop.h"
#include "nat.h"
#include "vaddr.h"
#include "peer.h"

static __always_inline __u8 hsb_iface_zone(__u32 ifindex)
{
	struct hsb_iface_fast ifc;

	return hsb_iface_get(ifindex, &ifc) ? (__u8)ifc.zone_id : HSB_ZONE_NONE;
}

/* The zone a first packet is going to, from its route. Returns -1 when the
 * route drops it (the counter is charged by hsb_forward()). */
static __always_inline int hsb_to_zone(void *ctx, const struct hsb_pkt *p,
				       struct bpf_fib_lookup *f, int rc,
				       __u32 ifindex, void *data,
				       void *data_end)
{
	switch (rc) {
	case BPF_FIB_LKUP_RET_SUCCESS:
	case BPF_FIB_LKUP_RET_NO_NEIGH:
		return hsb_iface_zone(f->ifindex);
	case BPF_FIB_LKUP_RET_NOT_FWDED:
	case BPF_FIB_LKUP_RET_FWD_DISABLED:
		return HSB_ZONE_LOCAL;
	case BPF_FIB_LKUP_RET_BLACKHOLE:
	case BPF_FIB_LKUP_RET_UNREACHABLE:
	case BPF_FIB_LKUP_RET_PROHIBIT:
		return -1;
	case BPF_FIB_LKUP_RET_FRAG_NEEDED:
		/* The MTU check stops the lookup before it names the
		 * egress; ask again without it. The packet still goes to
		 * the kernel (the caller keeps rc FRAG_NEEDED). */
		if (hsb_fib_lookup(ctx, p, f, ifindex, data, data_end, 0) ==
		    BPF_FIB_LKUP_RET_SUCCESS)
			return hsb_iface_zone(f->ifindex);
		return HSB_ZONE_NONE;
	}
	return HSB_ZONE_NONE;
}

/* Returned by hsb_front() when the parser and the flow stage must decide. */
#define HSB_V_CONTINUE (-1)
/* Returned by hsb_front_parse() for ARP and neighbour discovery: the
 * virtual address stage (lib/vaddr.h) decides, else the kernel gets it. */
#define HSB_V_NEIGH (-2)
/* Returned by hsb_front() for a unicast frame to a MAC that is not the
 * interface's: taken only if it is an active virtual MAC of the
 * interface (lib/vaddr.h); otherwise it is another host's frame. */
#define HSB_V_OTHER_MAC (-3)
/* The same on an interface whose MAC is not known: only a standby
 * virtual MAC is refused. */
#define HSB_V_ANY_MAC (-4)
/* Returned by hsb_front() for a frame the peer forwards (lib/peer.h). */
#define HSB_V_PEER_RX (-5)

/* HSB_V_CONTINUE, or, for a unicast frame to a MAC other than the
 * interface's own (ifc->mac), HSB_V_OTHER_MAC, or HSB_V_ANY_MAC when
 * that MAC is not known (all zero: nothing is refused for it).
 * Broadcast and multicast are everyone's. Frames too short for a
 * header are left to the parser. */
static __always_inline int hsb_dmac_check(void *data, void *data_end,
					  const struct hsb_iface_fast *ifc)
{
	struct ethhdr *eth = data;
	__u32 d32, m32;
	__u16 d16, m16;

	if ((void *)(eth + 1) > data_end || (eth->h_dest[0] & 1))
		return HSB_V_CONTINUE;
	d32 = *(__u32 *)eth->h_dest;
	d16 = *(__u16 *)(eth->h_dest + 4);
	m32 = *(const __u32 *)ifc->mac;
	m16 = *(const __u16 *)(ifc->mac + 4);
	if (!((d32 ^ m32) | (__u32)(d16 ^ m16)))
		return HSB_V_CONTINUE;
	return (m32 | m16) ? HSB_V_OTHER_MAC : HSB_V_ANY_MAC;
}

/*
 * Front stage, inline in the entry point: global and interface counters,
 * the interface's zone, the destination MAC. Returns HSB_V_PASS
 * (unmanaged interface, heartbeat link), HSB_V_PEER_RX, HSB_V_OTHER_MAC,
 * HSB_V_ANY_MAC or HSB_V_CONTINUE, with *from_zone filled in.
 */
static __always_inline int hsb_front(void *data, void *data_end, __u32 ifindex,
				     __u32 *from_zone)
{
	struct hsb_iface_stats *ifs;
	struct hsb_iface_fast ifc;
	__u64 len = data_end - data;

	hsb_count(HSB_CNT_RX_PACKETS);
	hsb_count_n(HSB_CNT_RX_BYTES, len);

	if (!hsb_iface_get(ifindex, &ifc)) {
		hsb_count(HSB_CNT_UNMANAGED_IFACE);
		return HSB_V_PASS;
	}
	ifs = bpf_map_lookup_elem(&hsb_if_stats, &ifc.slot);
	if (ifs) {
		ifs->rx_packets++;
		ifs->rx_bytes += len;
	}
	if ((ifc.flags & HSB_IFACE_F_PEER_LINK) &&
	    hsb_eth_proto(data, data_end) == HSB_ETH_P_PEER)
		return HSB_V_PEER_RX;
	if (ifc.flags & HSB_IFACE_F_HEARTBEAT) {
		hsb_count(HSB_CNT_HEARTBEAT);
		return HSB_V_PASS;
	}
	*from_zone = ifc.zone_id;
	return hsb_dmac_check(data, data_end, &ifc);
}

/* The parser, for a frame hsb_front() let through. Returns a verdict, or
 * HSB_V_CONTINUE with *pkt filled in. */
static __always_inline int hsb_front_parse(void *data, void *data_end,
					   struct hsb_pkt *pkt)
{
	int rc;

	rc = hsb_parse(pkt, data, data_end);
	if (rc != HSB_PARSE_OK) {
		hsb_count(pkt->reason);
		if (rc != HSB_PARSE_PASS)
			return HSB_V_DROP;
		/* ARP / ND for a virtual address: lib/vaddr.h */
		if ((pkt->reason == HSB_CNT_ARP || pkt->reason == HSB_CNT_ND) &&
		    !pkt->vlan)
			return HSB_V_NEIGH;
		return HSB_V_PASS;
	}
	return HSB_V_CONTINUE;
}

/* A packet this host would drop for want of a session, or of a permit
 * for a new flow (reason): the peer's, if quick session backup is on and
 * the peer did not send it; the reason counts it only when dropped. */
static __always_inline int hsb_no_session(__u32 reason, const struct hsb_pkt *p,
					  __u32 from_zone_in)
{
	if (!(from_zone_in & HSB_FLOW_FROM_PEER) && !p->vlan &&
	    hsb_peer_fwd_on())
		return HSB_V_PEER;
	hsb_count(reason);
	return HSB_V_DROP;
}

/*
 * Flow stage: sessions, lists, policy, forwarding, for a parsed IP packet.
 * The entry point wraps it in a global (non-inline) function, which the
 * verifier checks once for any *pkt instead of once per parser outcome
 * (IPv6 extension chains, VLAN, protocols multiply into many states).
 * from_zone_in: the ingress zone, with HSB_FLOW_FROM_PEER for a packet
 * the peer forwarded (only a session of this host may take it).
 */
static __always_inline int hsb_flow(void *ctx, void *data, void *data_end,
				    __u32 ifindex, const struct hsb_pkt *p,
				    __u32 from_zone_in, __u32 *out_ifindex)
{
	struct bpf_fib_lookup fib;
	struct hsb_policy_result pol;
	struct hsb_flow_key key;
	struct hsb_session *s;
	struct hsb_ct_new cn;
	struct hsb_nat_tmp *nt = 0; /* NAT working space, when needed */
	__u8 from_zone = from_zone_in;
	int rc, fib_rc, src_is_a = 0, vsa, dir, to_zone, replace = 0;
	int direct = 1, xl = 0, acquired = 0;
	__u64 now;

	if (p->kind == HSB_PK_TCP && hsb_tcp_flags_bad(p->tcp_flags)) {
		hsb_count(HSB_CNT_TCP_BAD_FLAGS);
		return HSB_V_DROP;
	}

	now = hsb_now();
	s = 0;
	if (p->family == HSB_FAMILY_IPV4 && p->kind != HSB_PK_ICMP_ERR &&
	    hsb_nat_pub_maybe(hsb_nat_a4(p->daddr))) {
		/* to a pool address: most likely a reply to a mapping, try
		 * the mapping tables first (lib/nat.h), with the packet's
		 * tuple as it is (no view, no working space) */
		s = hsb_nat_find_pub4(hsb_nat_a4(p->saddr),
				      hsb_nat_a4(p->daddr), p->sport, p->dport,
				      p->proto, &key);
		if (s) {
			vsa = hsb_nat_view_side(s);
			direct = 0;
		}
	}
	if (!s) {
		src_is_a = hsb_flow_key(&key, p);
		/* vsa: whether the packet's way (an error's, not its
		 * quote's) runs from endpoint a */
		vsa = p->kind == HSB_PK_ICMP_ERR ? !src_is_a : src_is_a;
		s = bpf_map_lookup_elem(&hsb_sessions, &key);
	}
	if (!s && p->family == HSB_FAMILY_IPV4) {
		/* a reply (or error) with translated addresses: lib/nat.h */
		if (!nt)
			nt = hsb_nat_tmp_get();
		if (!nt)
			return HSB_V_DROP;
		hsb_nat_view_of(p, &nt->nv);
		s = hsb_nat_find(&nt->nv, &key, &nt->nf, now);
		if (s) {
			vsa = nt->nf.src_is_a;
			direct = 0;
		} else {
			src_is_a = hsb_flow_key(&key, p); /* key was reused */
		}
	}
	if (s) {
		if (p->kind == HSB_PK_ICMP_ERR) {
			/* About a flow we track (PMTU, unreachable): let it
			 * through like the flow's own packets. */
			hsb_count(HSB_CNT_ICMP_ERR_RELATED);
			goto route;
		}
		if (direct && (s->flags & HSB_SESS_F_NAT) &&
		    hsb_ct_dir(s, vsa) == HSB_DIR_REPLY) {
			/* A translated session's replies carry its
			 * translated endpoint and find it through the NAT
			 * tables (direct 0). One that found it by the
			 * original tuple went around the mapping (to the
			 * inside address of a source-NAT session, from the
			 * global address of a NAT server): not the
			 * session's, and it cannot have its own (same key).
			 * The translation would rewrite an endpoint that is
			 * already the new one and only corrupt the
			 * checksums. */
			hsb_count(HSB_CNT_NAT_BYPASS);
			return HSB_V_DROP;
		}
		if (direct && hsb_ct_is_reuse(s, p)) {
			hsb_count(HSB_CNT_TCP_REUSE);
			replace = 1;
			goto first;
		}
established:
		hsb_count(HSB_CNT_SESSION_HIT);
		dir = hsb_ct_dir(s, vsa);
		hsb_ct_account(s, dir, p->l3_len, now);
		if (hsb_ct_track(s, p, dir)) {
			hsb_count(HSB_CNT_STATE_CHANGE);
			hsb_ev_emit(s, &key, HSB_EV_SESSION_UPDATE, now);
		} else {
			hsb_ev_maybe_refresh(s, &key, now);
		}
		dir &= 1;
		if (s->flags & HSB_SESS_F_NAT)
			xl = hsb_nat_pkt_fast(s, &key, dir, p, data, data_end);
		rc = hsb_nh_forward(&s->nh[dir], p, ifindex, data, data_end,
				    out_ifindex);
		if (rc != HSB_NH_MISS)
			return rc;
		hsb_count(HSB_CNT_NH_MISS);
		fib_rc = hsb_fib_lookup(ctx, p, &fib, ifindex, data, data_end,
					1);
		if (fib_rc == BPF_FIB_LKUP_RET_SUCCESS)
			hsb_nh_fill(&s->nh[dir], &fib, ifindex, p->l3_len);
		hsb_nat_fix_frag_fast(xl, fib_rc, s, &key, dir, p, data,
				      data_end);
		return hsb_forward(p, &fib, fib_rc, data, data_end,
				   out_ifindex);
route:
		if (s->flags & HSB_SESS_F_NAT) {
			if (!nt)
				nt = hsb_nat_tmp_get();
			if (!nt)
				return HSB_V_DROP;
			xl = hsb_nat_pkt(s, &key, hsb_ct_dir(s, vsa) & 1, p,
					 data, data_end, &nt->nx);
		}
		fib_rc = hsb_fib_lookup(ctx, p, &fib, ifindex, data, data_end,
					1);
		if (xl && nt)
			hsb_nat_fix_frag(xl, fib_rc, p, data, data_end,
					 &nt->nx);
		return hsb_forward(p, &fib, fib_rc, data, data_end,
				   out_ifindex);
	}

first:
	if (from_zone_in & HSB_FLOW_FROM_PEER) {
		hsb_count(HSB_CNT_PEER_FWD_NO_SESSION);
		return HSB_V_DROP;
	}
	if (hsb_lists_check(p, data, data_end, now) == HSB_LIST_BLACK)
		return HSB_V_DROP;
	switch (p->kind) {
	case HSB_PK_TCP:
		if (!hsb_tcp_is_syn(p->tcp_flags))
			return hsb_no_session(HSB_CNT_TCP_NO_SESSION, p,
					      from_zone_in);
		break;
	case HSB_PK_ECHO_REPLY:
		return hsb_no_session(HSB_CNT_ICMP_NO_SESSION, p, from_zone_in);
	case HSB_PK_ICMP_ERR:
		return hsb_no_session(HSB_CNT_ICMP_ERR_NO_SESSION, p,
				      from_zone_in);
	}

	/* NAT of a first packet: a port reuse keeps the closed session's
	 * translation (and the reference it holds); a server-map DNAT is
	 * applied before the route lookup and the policy, which see the
	 * inside address. */
	if (!nt)
		nt = hsb_nat_tmp_get();
	if (!nt)
		return HSB_V_DROP;
	__builtin_memset(&nt->fnat, 0, sizeof(nt->fnat));
	if (replace && s && (s->flags & HSB_SESS_F_NAT))
		__builtin_memcpy(&nt->fnat, &s->nat, sizeof(nt->fnat));
	else if (!replace && p->family == HSB_FAMILY_IPV4 && nt->nf.have_srv &&
		 (nt->nf.srv_zone == HSB_ZONE_ANY ||
		  nt->nf.srv_zone == from_zone)) {
		nt->fnat.kind = HSB_NAT_KIND_DNAT;
		*(__be32 *)nt->fnat.addr = nt->nf.srv_addr;
		nt->fnat.port = nt->nf.srv_port;
		nt->fnat.ref = nt->nf.srv_id;
	}
	if (nt->fnat.kind == HSB_NAT_KIND_DNAT) {
		nt->nx.dst = 1;
		nt->nx.err = 0;
		nt->nx.old_addr = hsb_nat_a4(p->daddr);
		nt->nx.old_port = p->dport;
		nt->nx.new_addr = hsb_nat_a4(nt->fnat.addr);
		nt->nx.new_port = nt->fnat.port;
		if (hsb_nat_rewrite(p, data, data_end, &nt->nx))
			return HSB_V_DROP;
		xl = 1;
		/* from here on p describes the packet as rewritten (the key
		 * keeps the original tuple) */
		*(__be32 *)((struct hsb_pkt *)p)->daddr = nt->nx.new_addr;
		((struct hsb_pkt *)p)->dport = nt->nx.new_port;
	}

	fib_rc = hsb_fib_lookup(ctx, p, &fib, ifindex, data, data_end, 1);
	to_zone = hsb_to_zone(ctx, p, &fib, fib_rc, ifindex, data, data_end);
	if (to_zone < 0)
		return hsb_forward(p, &fib, fib_rc, data, data_end,
				   out_ifindex);
	if (!hsb_policy_eval_g((struct hsb_pkt *)p, from_zone, to_zone, &pol)) {
		/* a datagram refused as a new flow may be a reply to one
		 * the peer let out: sent there, it is not refused here (a
		 * drop reason counts drops only); a SYN never belongs to
		 * an existing session */
		if (p->kind != HSB_PK_TCP && !replace && !xl)
			return hsb_no_session(pol.reason, p, from_zone_in);
		hsb_count(pol.reason);
		return HSB_V_DROP;
	}
	if (!nt->fnat.kind) {
		if (hsb_nat_first((struct hsb_pkt *)p, from_zone, to_zone, now,
				  &nt->fnat))
			return HSB_V_DROP;
		acquired = nt->fnat.kind == HSB_NAT_KIND_PAT ||
			   nt->fnat.kind == HSB_NAT_KIND_NOPAT;
	}

	cn.now = now;
	cn.ifindex_in = ifindex;
	cn.rule = pol.rule_id;
	cn.zone_in = from_zone;
	cn.zone_out = to_zone;
	cn.replace = replace;
	cn.fib = fib_rc == BPF_FIB_LKUP_RET_SUCCESS ? &fib : 0;
	if (nt->fnat.kind)
		hsb_nat_prep(&nt->fnat, &key, !src_is_a);
	cn.nat = &nt->fnat;
	rc = hsb_ct_create(&key, p, src_is_a, &cn);
	if (rc && acquired)
		hsb_nat_undo_ref(&nt->fnat, hsb_nat_a4(p->saddr), p->sport,
				 p->proto);
	if (rc == -17 /* EEXIST */) {
		/* Another CPU created it since our lookup: join it (as the
		 * packet arrived: it has its own translation). */
		if (xl) {
			hsb_nat_xl_invert(&nt->nx);
			hsb_nat_rewrite(p, data, data_end, &nt->nx);
			*(__be32 *)((struct hsb_pkt *)p)->daddr =
				nt->nx.new_addr;
			((struct hsb_pkt *)p)->dport = nt->nx.new_port;
			xl = 0;
		}
		s = bpf_map_lookup_elem(&hsb_sessions, &key);
		if (s)
			goto established;
	}
	if (rc) {
		hsb_count(HSB_CNT_SESSION_FAIL);
		return HSB_V_DROP;
	}
	if (nt->fnat.kind) {
		hsb_count(nt->fnat.kind == HSB_NAT_KIND_DNAT ?
				  HSB_CNT_NAT_DNAT :
				  HSB_CNT_NAT_SNAT);
		if (hsb_nat_ttl_expiring(p, data, data_end)) {
			/* the kernel answers "time exceeded" about the
			 * packet as it came */
			if (xl) {
				hsb_nat_xl_invert(&nt->nx);
				hsb_nat_rewrite(p, data, data_end, &nt->nx);
				xl = 0;
			}
		} else if (nt->fnat.kind != HSB_NAT_KIND_DNAT) {
			nt->nx.dst = 0;
			nt->nx.err = 0;
			nt->nx.old_addr = hsb_nat_a4(p->saddr);
			nt->nx.old_port = p->sport;
			nt->nx.new_addr = hsb_nat_a4(nt->fnat.addr);
			nt->nx.new_port = nt->fnat.port;
			xl = !hsb_nat_rewrite(p, data, data_end, &nt->nx);
		}
		if (xl)
			hsb_count(HSB_CNT_NAT_XLATE);
		hsb_nat_fix_frag(xl, fib_rc, p, data, data_end, &nt->nx);
	}
	/* fib still holds the route of the first lookup (for FRAG_NEEDED,
	 * the retry's, which hsb_forward() does not use). */
	return hsb_forward(p, &fib, fib_rc, data, data_end, out_ifindex);
}

#endif /* HSB_BPF_LIB_DATAPATH_H */
