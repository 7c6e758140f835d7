/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Map keys and values. Map names are the pin names under the pin directory
 * (default /sys/fs/bpf/hsb/) and stay within the kernel's 15-character limit
 * for object names (BPF_OBJ_NAME_LEN - 1).
 */
#ifndef HSB_MAPS_H
#define HSB_MAPS_H

#include "abi.h"
#include "counters.h"

#define HSB_MAP_IFACES "hsb_ifaces"
#define HSB_MAP_STATS "hsb_stats"
#define HSB_MAP_IF_STATS "hsb_if_stats"

/* hsb_ifaces: key __u32 ifindex -> struct hsb_iface. Written by hsbd when it
 * attaches to an interface; a packet on an ifindex missing here is passed
 * and counted as UNMANAGED_IFACE (a stale attachment, never a crash). */
struct hsb_iface {
	__u32 slot; /* index into hsb_if_stats, < HSB_MAX_IFACES */
	__u32 zone_id; /* HSB_ZONE_NONE or a zone id */
	__u32 flags; /* HSB_IFACE_F_* */
	/* The interface's own MAC (its dev_addr), refreshed by hsbd on link
	 * events. A unicast frame to neither it nor an active virtual MAC of
	 * the interface is not this host's (counted as not_for_us, dropped).
	 * All zero: not known, destinations are not checked. */
	__u8 mac[6];
	__u8 pad[2];
};
HSB_ASSERT_SIZE(struct hsb_iface, 20);

/*
 * Fast copy of hsb_ifaces for the datapath: hsb_if_fast, an array in the
 * XDP program's .bss (no map lookup: one load), direct-mapped by
 * ifindex & (HSB_IF_FAST_SIZE - 1). An entry holds the hsb_ifaces value of
 * the interface named by its ifindex; 0 is empty. hsb_ifaces stays the
 * truth: XDP falls back to it when the entry names another interface (two
 * managed ifindexes sharing low bits) or none, so a missing fast entry
 * costs a hash lookup, never a wrong answer. hsbd writes both together
 * (user/hsbd/datapath.c: ifindex cleared first and stored last); nothing
 * else may write hsb_ifaces while hsbd runs.
 */
#define HSB_IF_FAST_SIZE 64

struct hsb_iface_fast {
	__u32 ifindex; /* 0: empty */
	__u32 slot;
	__u32 zone_id;
	__u32 flags;
	__u8 mac[6];
	__u8 pad[2];
};
HSB_ASSERT_SIZE(struct hsb_iface_fast, 24);

#define HSB_IFACE_F_XDP_GENERIC (1U << 0) /* attached in generic (skb) mode */
/* The heartbeat link: XDP hands every packet to the kernel untouched (HRP,
 * VGMP hellos); no lists, sessions or policy. */
#define HSB_IFACE_F_HEARTBEAT (1U << 1)
/* Frames the peer forwards for sessions of this host (include/hsb/peer.h)
 * are taken here: the heartbeat link, with quick session backup on. */
#define HSB_IFACE_F_PEER_LINK (1U << 2)

#endif /* HSB_MAPS_H */
