/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The session table (hsb_sessions, LRU hash): struct hsb_flow_key ->
 * struct hsb_session. XDP creates entries on a permitted first packet and
 * keeps state and counters; hsbd's sweeper removes expired entries (and
 * reports their deletion); entries backed up from the peer enter through
 * hsbd's install path (user/hsbd/datapath/install.h).
 *
 * Times are bpf_ktime_get_ns() values (CLOCK_MONOTONIC) of this host: they
 * never cross the wire as such, only as ages and remaining lifetimes.
 */
#ifndef HSB_SESSION_H
#define HSB_SESSION_H

#include "abi.h"
#include "flow.h"

#define HSB_MAP_SESSIONS "hsb_sessions"

/* Connection states. TCP uses all; UDP and ICMP use NEW/ESTABLISHED
 * (a reply seen) only. Values are ABI: they cross the HRP wire. */
enum hsb_ct_state {
	HSB_CT_NONE = 0,
	HSB_CT_SYN_SENT = 1, /* SYN from the initiator */
	HSB_CT_SYN_RECV = 2, /* SYN+ACK from the responder */
	HSB_CT_ESTABLISHED = 3, /* ACK after SYN+ACK, or data both ways */
	HSB_CT_FIN_WAIT = 4, /* FIN from one side */
	HSB_CT_CLOSE_WAIT = 5, /* FIN acknowledged, other side still open */
	HSB_CT_TIME_WAIT = 6, /* FIN from both sides */
	HSB_CT_CLOSE = 7, /* RST, or FIN exchange complete */
	HSB_CT_UDP_NEW = 8, /* UDP, one direction only so far */
	HSB_CT_UDP_ESTABLISHED = 9,
	HSB_CT_ICMP_NEW = 10, /* echo request seen */
	HSB_CT_ICMP_REPLIED = 11,
	HSB_CT__MAX
};

/* hsb_session.flags */
#define HSB_SESS_F_INIT_B (1U << 0) /* endpoint b of the key initiated */
#define HSB_SESS_F_DIRTY (1U << 1) /* a change record was lost: resend */
#define HSB_SESS_F_FROM_PEER (1U << 2) /* installed by HRP from the peer */
#define HSB_SESS_F_FIN_ORIG (1U << 3) /* FIN seen from the initiator */
#define HSB_SESS_F_FIN_REPLY (1U << 4) /* FIN seen from the responder */
#define HSB_SESS_F_NAT (1U << 5) /* nat is valid (NAT issue) */

/*
 * NAT translation of the session, as seen in the original direction
 * (reverse it for replies). Filled by the NAT stage; zero otherwise.
 * Reserved here so NAT needs no change of the value layout.
 *
 * csum_ip and csum_l4, valid when xflags has HSB_NAT_XF_CSUM: the
 * checksum adjustments of the original direction's rewrite (the key's
 * endpoint -> addr:port), computed once when the session is created so
 * that established packets need not: a folded one's complement partial
 * sum (RFC 1624) over the header words as the CPU loads them, to add to
 * the complemented checksum; a reply adds its complement. csum_ip covers
 * the address (IPv4 header), csum_l4 the address and port (TCP, UDP
 * pseudo-header) or the echo id alone (ICMP). Computed by hsb_nat_prep()
 * (nat_csum.h), by XDP and by hsbd for sessions it installs from the
 * peer. A session without the flag (from an older datapath) is
 * translated by computing the differences per packet.
 */
#define HSB_NAT_XF_CSUM (1U << 0) /* csum_ip and csum_l4 are valid */

struct hsb_session_nat {
	__u8 kind; /* 0 none; HSB_NAT_KIND_* in nat.h */
	__u8 xflags; /* HSB_NAT_XF_* */
	__u16 csum_ip; /* see above */
	__u8 addr[16]; /* translated address (source for SNAT, dest for DNAT) */
	__u16 port; /* translated port / echo id, host order */
	__u16 csum_l4; /* see above */
	__u32 ref; /* NAT table entry (pool slot) it holds, if any */
};
HSB_ASSERT_SIZE(struct hsb_session_nat, 28);

/*
 * Next-hop cache of one direction of a session: what bpf_fib_lookup()
 * answered for that direction's last looked-up packet, so the established
 * path can rewrite and redirect without a FIB lookup.
 *
 * Valid only while gen equals the datapath's current next-hop generation
 * (hsb_nh_gen in the XDP program's .bss), which hsbd seeds with a random
 * non-zero value when it loads the program and bumps on every link,
 * address, route, rule, neighbour or netconf change (user/hsbd/
 * route_watch.c) and on every datapath reconcile. Generation 0 is never
 * current: a zeroed entry is empty. Change records carry nh as it is;
 * whoever installs a session from elsewhere (HRP, from the peer) must zero
 * nh[], since the peer's next hops and MACs are not this host's.
 * Filled only from BPF_FIB_LKUP_RET_SUCCESS with the MTU check on, for the
 * ingress interface iif (only when its ifindex fits in 16 bits; other
 * ingresses always take the FIB). mtu is not the route's MTU (the FIB
 * reports that only on FRAG_NEEDED) but the largest IP length the FIB's
 * MTU check accepted for this entry: a longer packet takes the FIB again,
 * which raises mtu or answers FRAG_NEEDED.
 */
struct hsb_nexthop {
	__u32 gen; /* hsb_nh_gen when filled; 0: empty */
	__u32 ifindex; /* egress interface */
	__u8 dmac[6]; /* next hop's MAC */
	__u8 smac[6]; /* egress interface's MAC */
	__u16 mtu; /* IP lengths up to this passed the FIB MTU check */
	__u16 iif; /* ingress ifindex the lookup was made for */
};
HSB_ASSERT_SIZE(struct hsb_nexthop, 24);

/*
 * Field order is the fast path's: an established packet reads and writes
 * only the first 104 bytes (state word, times, packets, bytes, its
 * direction's next hop); what only the first packet, hsbd and HRP use
 * comes after. The kernel stores an LRU hash element as a 48-byte header,
 * the key (40 bytes) and the value, so with this 168-byte value an element
 * is 256 bytes, four whole cache lines, and a lookup plus the fast path's
 * work touch three of them: header and key start; key end and the first
 * 40 value bytes; value bytes 40..103.
 */
struct hsb_session {
	/* -- hot: every packet -- */
	__u32 flags; /* HSB_SESS_F_* */
	__u8 state; /* enum hsb_ct_state */
	__u8 zone_in; /* zone of the initiator's side */
	__u8 zone_out; /* zone of the responder's side */
	__u8 pad;
	__u64 last_seen_ns;
	__u64 last_sync_ns; /* last change record emitted for this entry */
	__u64 packets[2]; /* by enum hsb_dir */
	__u64 bytes[2];
	struct hsb_nexthop nh[2]; /* by enum hsb_dir */
	/* -- cold: first packet, hsbd, HRP -- */
	__u64 created_ns;
	__u16 rule; /* security-policy rule index that permitted it */
	__u16 pad2;
	__u32 ifindex_in; /* interface the first packet arrived on */
	struct hsb_session_nat nat;
	__u32 pad3;
	__u8 reserved[16]; /* zero; keeps the element whole cache lines */
};
HSB_ASSERT_SIZE(struct hsb_session, 168);

/*
 * Batched install of sessions from the peer (user/hsbd/datapath/
 * install.h, hsb_install_sessions()): hsbd writes up to
 * HSB_INSTALL_BATCH entries into the one element of hsb_install_buf
 * (array, not pinned: scratch of the event loop) and runs the
 * hsb_install_batch program (BPF_PROG_TYPE_SYSCALL, BPF_PROG_RUN with
 * struct hsb_install_batch_args as ctx), which inserts entries start ..
 * n-1 into hsb_sessions with BPF_NOEXIST, in order, and stops at the
 * first the map refuses (present: a local session, or one to update):
 * done is its index (n when all went in), err the map's error. Two system
 * calls for a batch instead of a lookup and an update per session; the
 * kernel's BPF_MAP_UPDATE_BATCH cannot do this (it refuses BPF_NOEXIST).
 */
#define HSB_INSTALL_BATCH 256

struct hsb_install_ent {
	struct hsb_flow_key key;
	struct hsb_session val;
};
HSB_ASSERT_SIZE(struct hsb_install_ent, 208);

struct hsb_install_buf {
	struct hsb_install_ent e[HSB_INSTALL_BATCH];
};

struct hsb_install_batch_args {
	__u32 start; /* in: first entry to insert */
	__u32 n; /* in: entries in the buffer (at most HSB_INSTALL_BATCH) */
	__u32 done; /* out: the entry it stopped at, or n */
	__s32 err; /* out: the map's error at done, or 0 */
};
HSB_ASSERT_SIZE(struct hsb_install_batch_args, 16);

#endif /* HSB_SESSION_H */
