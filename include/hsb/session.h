/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The session table (hsb_sessions, LRU hash): struct hsb_flow_key ->
 * struct hsb_session. XDP creates entries on a permitted first packet and
 * keeps state and counters; hsbd's sweeper removes expired entries (and
 * reports their deletion); HRP installs entries backed up from the peer.
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
 */
struct hsb_session_nat {
	__u8 kind; /* 0 none; HSB_NAT_KIND_* in nat.h */
	__u8 pad[3];
	__u8 addr[16]; /* translated address (source for SNAT, dest for DNAT) */
	__u16 port; /* translated port / echo id, host order */
	__u16 pad2;
	__u32 ref; /* NAT table entry (pool slot) it holds, if any */
};
HSB_ASSERT_SIZE(struct hsb_session_nat, 28);

struct hsb_session {
	__u64 created_ns;
	__u64 last_seen_ns;
	__u64 last_sync_ns; /* last change record emitted for this entry */
	__u64 packets[2]; /* by enum hsb_dir */
	__u64 bytes[2];
	__u32 flags; /* HSB_SESS_F_* */
	__u8 state; /* enum hsb_ct_state */
	__u8 zone_in; /* zone of the initiator's side */
	__u8 zone_out; /* zone of the responder's side */
	__u8 pad;
	__u16 rule; /* security-policy rule index that permitted it */
	__u16 pad2;
	__u32 ifindex_in; /* interface the first packet arrived on */
	struct hsb_session_nat nat;
	__u32 pad3;
};
HSB_ASSERT_SIZE(struct hsb_session, 104);

#endif /* HSB_SESSION_H */
