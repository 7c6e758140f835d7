/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Quick session backup (`hrp mirror session enable`): forwarding through
 * the peer for asymmetric paths (docs/hrp.md, "Quick session backup").
 *
 * When a connection's forward path crosses fwA and its return path fwB,
 * fwB sees the reply (a SYN+ACK, an echo reply, a UDP answer) before HRP
 * has carried the session that fwA created. Instead of dropping it for
 * want of a session, fwB's XDP program sends the frame, unchanged but for
 * a 4-byte tag, over the heartbeat link to fwA, which has the session and
 * forwards it as if it had arrived there. Once the session record
 * arrives, fwB forwards the connection's packets itself.
 *
 * On the heartbeat link the frame is:
 *
 *   dst MAC (6) | src MAC (6) | 0x88B5 (2) | struct hsb_peer_tag (2) |
 *   the original ethertype (2) | the original IP packet, untouched
 *
 * 0x88B5 is IEEE 802's "local experimental" ethertype: a host without
 * hsb's program on the link (the kernel) drops it rather than routing the
 * packet inside. Four bytes is a VLAN tag's size, which every Ethernet
 * driver (veth included) accepts above the MTU, so a full-sized packet
 * still fits. A tagged frame is accepted only on an interface marked
 * HSB_IFACE_F_PEER_LINK, is forwarded only along a session the receiver
 * has (it never opens one) and is never sent back (no loops).
 *
 * hsbd writes struct hsb_peer_fwd into the program's .bss (hsb_peer_fwd):
 * where the peer is (its heartbeat address, routed by bpf_fib_lookup()
 * to find the link and the peer's MAC) and whether forwarding is on (only
 * while the HRP connection is up: a peer that is gone has nothing to
 * forward along).
 */
#ifndef HSB_PEER_H
#define HSB_PEER_H

#include "abi.h"

#define HSB_ETH_P_PEER 0x88B5
#define HSB_PEER_TAG_LEN 4 /* ethertype + struct hsb_peer_tag */
#define HSB_PEER_VERSION 1

struct hsb_peer_tag {
	__u8 version; /* HSB_PEER_VERSION */
	__u8 zone; /* zone of the interface the sender received it on */
};
HSB_ASSERT_SIZE(struct hsb_peer_tag, 2);

/* Frames one CPU may send to the peer per millisecond; more are dropped
 * and counted (peer_fwd_limited). A flood of packets without a session
 * (spoofed ACKs) must not fill the heartbeat link that carries VGMP's
 * hellos and HRP: a new connection needs a few frames forwarded, for the
 * milliseconds until its record arrives. */
#define HSB_PEER_FWD_PER_MS 64

struct hsb_peer_fwd {
	__u32 on; /* forward to the peer: mirror enabled and HRP up */
	__u32 ifindex; /* the heartbeat link */
	__u8 family; /* HSB_FAMILY_IPV4 / IPV6: of addr */
	__u8 pad[3];
	__u8 addr[16]; /* the peer's heartbeat address (IPv4: first 4) */
	__u32 per_ms; /* frames per CPU per ms; 0: HSB_PEER_FWD_PER_MS */
};
HSB_ASSERT_SIZE(struct hsb_peer_fwd, 32);

/* Per-CPU budget of hsb_peer_budget (BPF_MAP_TYPE_PERCPU_ARRAY, one
 * element, not pinned). */
struct hsb_peer_budget {
	__u64 window_ns; /* start of the current millisecond */
	__u32 sent; /* frames sent in it */
	__u32 pad;
};
HSB_ASSERT_SIZE(struct hsb_peer_budget, 16);

#endif /* HSB_PEER_H */
