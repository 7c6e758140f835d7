/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Global datapath counters: one per-CPU __u64 slot per index in the
 * hsb_stats map. HSB_COUNTERS is an X-macro so the enum (BPF and userspace)
 * and the names printed by `hsbctl show counters` come from one list.
 * Append only: the index is ABI (pinned maps survive an upgrade of hsbd).
 */
#ifndef HSB_COUNTERS_H
#define HSB_COUNTERS_H

#include "abi.h"

#define HSB_COUNTERS(X)                                                \
	X(RX_PACKETS, "rx_packets", "packets seen by the XDP program") \
	X(RX_BYTES, "rx_bytes", "bytes seen by the XDP program")       \
	X(PASS, "pass", "packets handed to the kernel stack")          \
	X(UNMANAGED_IFACE, "unmanaged_iface",                          \
	  "packets on an interface missing from hsb_ifaces (passed)")

enum hsb_counter {
#define HSB_COUNTER_ENUM(id, name, help) HSB_CNT_##id,
	HSB_COUNTERS(HSB_COUNTER_ENUM)
#undef HSB_COUNTER_ENUM
		HSB_CNT__MAX
};

/* Per-interface counters, indexed by struct hsb_iface.slot. */
struct hsb_iface_stats {
	__u64 rx_packets;
	__u64 rx_bytes;
};
HSB_ASSERT_SIZE(struct hsb_iface_stats, 16);

#endif /* HSB_COUNTERS_H */
