/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Session tracking: the canonical flow key, session creation, per-direction
 * accounting and the connection state machines.
 *
 * One entry per flow, found with one lookup from either direction: the key
 * orders its endpoints (include/hsb/flow.h) and the value says which one
 * initiated (HSB_SESS_F_INIT_B).
 *
 * TCP (dir: ORIG from the initiator, REPLY from the responder; the FIN_*
 * flags remember which sides have sent a FIN):
 *
 *   state        packet                         next
 *   any          RST                            CLOSE
 *   CLOSE        SYN (no ACK)                   new session (port reuse)
 *   TIME_WAIT    SYN (no ACK)                   new session (port reuse)
 *   SYN_SENT     SYN+ACK from REPLY             SYN_RECV
 *   SYN_SENT     ACK from ORIG                  ESTABLISHED (*)
 *   SYN_RECV     ACK from ORIG                  ESTABLISHED
 *   SYN_SENT,    FIN, first side                FIN_WAIT
 *    SYN_RECV,
 *    ESTABLISHED
 *   FIN_WAIT     any packet from the other side CLOSE_WAIT
 *   any but      FIN, both sides have sent one  TIME_WAIT
 *    CLOSE
 *   otherwise                                   unchanged
 *
 * (*) hsb may never see the responder's SYN+ACK: the host itself is the
 * responder (XDP sees only received packets), or the reply takes the
 * peer firewall in load-balancing mode.
 *
 * TIME_WAIT is the end of an orderly close: hsbd's TIME_WAIT timeout, not
 * a last ACK, retires the entry, so late retransmissions still pass.
 *
 * The tracker is liberal: it checks no sequence numbers or windows
 * (like conntrack with nf_conntrack_tcp_be_liberal=1). A session backed up
 * to the peer (HSB_SESS_F_FROM_PEER) is installed there without the peer
 * having seen any window, and after a failover its packets arrive
 * mid-stream; window tracking would drop them. The price is that a RST
 * with any sequence number closes a session.
 *
 * UDP and other protocols: UDP_NEW until a packet from the responder, then
 * UDP_ESTABLISHED. ICMP/ICMPv6 sessions: ICMP_NEW until one from the
 * responder (the echo reply), then ICMP_REPLIED.
 *
 * State changes are serialized with a compare-and-swap on the 32-bit word
 * holding the state byte (its other bytes, zone_in/zone_out/pad, never
 * change for a live entry): only the CPU whose swap succeeds emits the
 * UPDATE record, so each real transition gives exactly one record. A CPU
 * whose swap fails recomputes from the new state (bounded retries).
 */
#ifndef HSB_BPF_LIB_CONNTRACK_H
#define HSB_BPF_LIB_CONNTRACK_H

#include "maps.h"
#include "parse.h"
#include "events.h"
#include "nexthop.h"
#include "words.h"

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HSB_STATE_SHIFT 0
#else
#define HSB_STATE_SHIFT 24
#endif
#define HSB_CT_CAS_TRIES 3

/* a < b as 16 address bytes in network order: -1, 0, 1. */
static __always_inline int hsb_addr_cmp(const __u8 *a, const __u8 *b)
{
	const __u32 *x = (const __u32 *)a, *y = (const __u32 *)b;
	int i;

#pragma unroll
	for (i = 0; i < 4; i++) {
		__u32 u = bpf_ntohl(x[i]), v = bpf_ntohl(y[i]);

		if (u != v)
			return u < v ? -1 : 1;
	}
	return 0;
}

/* Build the canonical key of pkt's flow; returns 1 when the packet's source
 * is endpoint a. */
static __always_inline int hsb_flow_key(struct hsb_flow_key *k,
					const struct hsb_pkt *p)
{
	int c = hsb_addr_cmp(p->saddr, p->daddr);
	int src_is_a = c < 0 || (c == 0 && p->sport <= p->dport);
	__u32 *w = (__u32 *)&k->port_a;

	if (src_is_a) {
		__builtin_memcpy(k->addr_a, p->saddr, 16);
		__builtin_memcpy(k->addr_b, p->daddr, 16);
		w[0] = hsb_w16x2(p->sport, p->dport);
	} else {
		__builtin_memcpy(k->addr_a, p->daddr, 16);
		__builtin_memcpy(k->addr_b, p->saddr, 16);
		w[0] = hsb_w16x2(p->dport, p->sport);
	}
	/* proto, family, pad: one word (lib/words.h) */
	w[1] = hsb_w16x2(hsb_w8x2(p->proto, p->family), 0);
	return src_is_a;
}

static __always_inline int hsb_ct_dir(const struct hsb_session *s, int src_is_a)
{
	int init_a = !(s->flags & HSB_SESS_F_INIT_B);

	return src_is_a == init_a ? HSB_DIR_ORIG : HSB_DIR_REPLY;
}

/* Flag combinations no TCP stack sends: SYN+FIN, SYN+RST, and segments
 * with none of SYN, ACK, RST (null scans, FIN or Xmas without ACK). */
static __always_inline int hsb_tcp_flags_bad(__u8 f)
{
	if ((f & (HSB_TCP_SYN | HSB_TCP_FIN)) == (HSB_TCP_SYN | HSB_TCP_FIN))
		return 1;
	if ((f & (HSB_TCP_SYN | HSB_TCP_RST)) == (HSB_TCP_SYN | HSB_TCP_RST))
		return 1;
	return !(f & (HSB_TCP_SYN | HSB_TCP_ACK | HSB_TCP_RST));
}

/* A SYN that may open a session: SYN without ACK. */
static __always_inline int hsb_tcp_is_syn(__u8 f)
{
	return (f & (HSB_TCP_SYN | HSB_TCP_ACK)) == HSB_TCP_SYN;
}

static __always_inline __u8 hsb_ct_initial_state(__u8 proto)
{
	if (proto == IPPROTO_TCP)
		return HSB_CT_SYN_SENT;
	if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6)
		return HSB_CT_ICMP_NEW;
	return HSB_CT_UDP_NEW;
}

/* The table above, for a packet whose FIN (if any) is already recorded in
 * sflags. */
static __always_inline __u8 hsb_tcp_next(__u8 cur, __u32 sflags, __u8 tf,
					 int dir)
{
	__u32 both = HSB_SESS_F_FIN_ORIG | HSB_SESS_F_FIN_REPLY;
	__u32 mine = dir == HSB_DIR_ORIG ? HSB_SESS_F_FIN_ORIG :
					   HSB_SESS_F_FIN_REPLY;

	if (tf & HSB_TCP_RST)
		return HSB_CT_CLOSE;
	if (cur == HSB_CT_CLOSE)
		return cur;
	if ((sflags & both) == both)
		return HSB_CT_TIME_WAIT;
	if (tf & HSB_TCP_FIN) {
		if (cur == HSB_CT_SYN_SENT || cur == HSB_CT_SYN_RECV ||
		    cur == HSB_CT_ESTABLISHED)
			return HSB_CT_FIN_WAIT;
		return cur;
	}
	if (tf & HSB_TCP_SYN) {
		if ((tf & HSB_TCP_ACK) && cur == HSB_CT_SYN_SENT &&
		    dir == HSB_DIR_REPLY)
			return HSB_CT_SYN_RECV;
		return cur;
	}
	if (dir == HSB_DIR_ORIG &&
	    (cur == HSB_CT_SYN_SENT || cur == HSB_CT_SYN_RECV))
		return HSB_CT_ESTABLISHED;
	if (cur == HSB_CT_FIN_WAIT && !(sflags & mine))
		return HSB_CT_CLOSE_WAIT;
	return cur;
}

static __always_inline __u8 hsb_dgram_next(__u8 cur, int dir)
{
	if (dir != HSB_DIR_REPLY)
		return cur;
	if (cur == HSB_CT_UDP_NEW)
		return HSB_CT_UDP_ESTABLISHED;
	if (cur == HSB_CT_ICMP_NEW)
		return HSB_CT_ICMP_REPLIED;
	return cur;
}

/* A SYN on a closed session: the ports are being reused by a new
 * connection, which gets a new session (and a new policy decision). */
static __always_inline int hsb_ct_is_reuse(const struct hsb_session *s,
					   const struct hsb_pkt *p)
{
	__u8 st = *(volatile __u8 *)&s->state;

	return p->kind == HSB_PK_TCP && hsb_tcp_is_syn(p->tcp_flags) &&
	       (st == HSB_CT_CLOSE || st == HSB_CT_TIME_WAIT);
}

/* Advance the state for packet p travelling in dir. Returns 1 when this
 * CPU made a transition, which it must report. */
static __always_inline int hsb_ct_track(struct hsb_session *s,
					const struct hsb_pkt *p, int dir)
{
	__u32 *word = (__u32 *)&s->state;
	int i;

	if (p->kind == HSB_PK_TCP && (p->tcp_flags & HSB_TCP_FIN))
		__sync_fetch_and_or(&s->flags, dir == HSB_DIR_ORIG ?
						       HSB_SESS_F_FIN_ORIG :
						       HSB_SESS_F_FIN_REPLY);
#pragma unroll
	for (i = 0; i < HSB_CT_CAS_TRIES; i++) {
		__u32 old = *(volatile __u32 *)word;
		__u8 cur = old >> HSB_STATE_SHIFT;
		__u32 want;
		__u8 next;

		if (p->kind == HSB_PK_TCP)
			next = hsb_tcp_next(cur, *(volatile __u32 *)&s->flags,
					    p->tcp_flags, dir);
		else
			next = hsb_dgram_next(cur, dir);
		if (next == cur)
			return 0;
		want = (old & ~(0xffU << HSB_STATE_SHIFT)) |
		       ((__u32)next << HSB_STATE_SHIFT);
		if (__sync_val_compare_and_swap(word, old, want) == old)
			return 1;
	}
	return 0;
}

/* Per-direction counters: atomic adds, the entry is shared by all CPUs.
 * last_seen_ns is a plain store: every writer stores "now". */
static __always_inline void hsb_ct_account(struct hsb_session *s, int dir,
					   __u32 len, __u64 now)
{
	dir &= 1;
	__sync_fetch_and_add(&s->packets[dir], 1);
	__sync_fetch_and_add(&s->bytes[dir], len);
	s->last_seen_ns = now;
}

struct hsb_ct_new {
	__u64 now;
	__u32 ifindex_in;
	__u16 rule;
	__u8 zone_in;
	__u8 zone_out;
	__u8 replace; /* overwrite a closed entry (port reuse) */
	/* the first packet's successful FIB lookup (MTU checked), which
	 * seeds the ORIG direction's next-hop cache; or NULL */
	const struct bpf_fib_lookup *fib;
	/* the session's NAT translation (lib/nat.h), or NULL */
	const struct hsb_session_nat *nat;
};

/* Insert the session of a permitted first packet and report it. The NEW
 * record is reserved before the insert so that, if the ring is full, the
 * entry enters the table already marked DIRTY: no window in which it is
 * neither reported nor dirty. Returns 0, or the map update's error
 * (-EEXIST: another CPU inserted the same flow first). */
static __always_inline int hsb_ct_create(const struct hsb_flow_key *k,
					 const struct hsb_pkt *p, int src_is_a,
					 const struct hsb_ct_new *n)
{
	struct hsb_session_event *ev;
	struct hsb_session *vp;
	__u32 zero = 0;
	int err, live;

	/* built in a per-CPU slot: 168 bytes are too many for the stack
	 * the datapath's stages share (512 in all) */
	vp = bpf_map_lookup_elem(&hsb_scratch, &zero);
	if (!vp)
		return -12; /* ENOMEM */
#define v (*vp)
	__builtin_memset(&v, 0, sizeof(v));
	v.created_ns = n->now;
	v.last_seen_ns = n->now;
	v.last_sync_ns = n->now;
	v.packets[HSB_DIR_ORIG] = 1;
	v.bytes[HSB_DIR_ORIG] = p->l3_len;
	v.flags = src_is_a ? 0 : HSB_SESS_F_INIT_B;
	v.state = hsb_ct_initial_state(p->proto);
	v.zone_in = n->zone_in;
	v.zone_out = n->zone_out;
	v.rule = n->rule;
	v.ifindex_in = n->ifindex_in;
	if (n->fib)
		hsb_nh_fill(&v.nh[HSB_DIR_ORIG], n->fib, n->ifindex_in,
			    p->l3_len);
	if (n->nat && n->nat->kind) {
		v.flags |= HSB_SESS_F_NAT;
		__builtin_memcpy(&v.nat, n->nat, sizeof(v.nat));
	}

	ev = hsb_ev_reserve();
	live = hsb_rb_live(ev); /* tested three times: lib/events.h */
	if (!live)
		v.flags |= HSB_SESS_F_DIRTY;
	err = bpf_map_update_elem(&hsb_sessions, k, &v,
				  n->replace ? BPF_ANY : BPF_NOEXIST);
	if (err) {
		if (live)
			bpf_ringbuf_discard(ev, 0);
		return err;
	}
	hsb_count(HSB_CNT_SESSION_NEW);
	if (!live) {
		hsb_count(HSB_CNT_RING_FULL);
		return 0;
	}
	hsb_ev_fill(ev, HSB_EV_SESSION_NEW, k);
	__builtin_memcpy(&ev->sess, &v, sizeof(v));
	hsb_ev_submit(ev);
	return 0;
#undef v
}

#endif /* HSB_BPF_LIB_CONNTRACK_H */
