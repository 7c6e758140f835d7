/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The handover record: what an hsbd stopping with --keep-datapath leaves
 * for the hsbd that adopts its datapath, so that an agent restart is not
 * a failover (docs/operations.md, "Restarting or upgrading hsbd").
 *
 *   hsb_handover  struct hsb_handover_key -> struct hsb_handover  (hash)
 *                 one entry per switchover group this host was active
 *                 for when it stopped
 *
 * No BPF program reads it: it lives in the BPF object so that it is
 * pinned, adopted and removed with the maps it describes, and bpftool
 * shows it with its BTF. The stopping hsbd writes it last; the starting
 * hsbd reads it once and empties it, so a crash of the new hsbd never
 * resumes from a stale record.
 */
#ifndef HSB_HANDOVER_H
#define HSB_HANDOVER_H

#include "abi.h"

#define HSB_MAP_HANDOVER "hsb_handover"
#define HSB_HANDOVER_MAX 256 /* = HSB_VGROUP_MAX */
#define HSB_HANDOVER_NAME 40

/* The group as hsbd's switchover owner names it (user/hsbd/ha/
 * switchover.h): "vgmp NAME" or "vrrp VRID IFNAME", NUL-padded. */
struct hsb_handover_key {
	char group[HSB_HANDOVER_NAME];
};
HSB_ASSERT_SIZE(struct hsb_handover_key, 40);

/* Times on CLOCK_BOOTTIME (bpf_ktime_get_boot_ns()), which runs on
 * across processes and suspends. */
struct hsb_handover {
	__u64 stopped_ns; /* when the old hsbd sent its last word */
	/* until when the peer keeps this host for alive without hearing
	 * it: the grace its last advertisement or hello announced */
	__u64 hold_until_ns;
};
HSB_ASSERT_SIZE(struct hsb_handover, 16);

#endif /* HSB_HANDOVER_H */
