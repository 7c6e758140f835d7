/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Security policy as the datapath sees it: an ordered rule array evaluated
 * on a session's first packet only (first match wins, default deny).
 *
 * Atomic updates: hsb_policy holds two rule sets of HSB_MAX_RULES slots
 * each. hsbd writes the whole new set into the inactive half, then flips
 * hsb_policy_ctl.active in one map update; a packet reads `active` once
 * and sees one complete set, old or new, never a mix.
 */
#ifndef HSB_POLICY_H
#define HSB_POLICY_H

#include "abi.h"

#define HSB_MAP_POLICY "hsb_policy"
#define HSB_MAP_POLICY_CTL "hsb_policy_ctl"
/* Per-CPU __u64 hits by hsb_policy slot (2 * HSB_MAX_RULES): first packets
 * a rule decided (permit or deny). Slots of the inactive half are stale. */
#define HSB_MAP_RULE_STATS "hsb_rule_stats"
#define HSB_MAX_RULES 1024

#define HSB_PROTO_ANY 0xff /* rule.proto: any protocol */
#define HSB_ZONE_ANY 0xff /* rule zone: any zone */

enum hsb_rule_action {
	HSB_ACTION_DENY = 0,
	HSB_ACTION_PERMIT = 1,
};

struct hsb_rule {
	__u8 from_zone; /* zone id, or HSB_ZONE_ANY */
	__u8 to_zone;
	__u8 proto; /* IP protocol, or HSB_PROTO_ANY */
	__u8 family; /* 0 any, HSB_FAMILY_IPV4, HSB_FAMILY_IPV6 */
	__u8 src_len; /* prefix length in bits of the family; 0 any */
	__u8 dst_len;
	__u8 action; /* enum hsb_rule_action */
	__u8 pad;
	__u16 dport_lo; /* host order; 0-65535 when any */
	__u16 dport_hi;
	__u16 id; /* index in the configuration, for counters/show */
	__u16 pad2;
	__u8 src[16];
	__u8 dst[16];
};
HSB_ASSERT_SIZE(struct hsb_rule, 48);

/* hsb_policy_ctl[0] */
struct hsb_policy_ctl {
	__u32 active; /* 0 or 1: which half of hsb_policy is live */
	__u32 n_rules[2]; /* rules in each half */
	__u32 pad;
};
HSB_ASSERT_SIZE(struct hsb_policy_ctl, 16);

#endif /* HSB_POLICY_H */
