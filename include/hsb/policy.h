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
#include "flow.h"

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

/*
 * Policy recheck of live sessions (user/hsbd/sessions/session_recheck.h):
 * after a policy change hsbd asks the datapath's own policy walk, through
 * the hsb_recheck program (BPF_PROG_TYPE_SYSCALL, BPF_PROG_RUN with
 * struct hsb_recheck_args as ctx), whether each session would be
 * permitted as a first packet now; the sessions it would not be are
 * ended. hsbd fills entries 0 .. n-1 of hsb_recheck_buf (array, one
 * element, not pinned) with what the first packet's policy saw: the flow
 * key, the initiator's side, the zones, and for a server-map (DNAT)
 * session the inside address and port the policy judged. The program
 * sets permit and rule_id. Nothing is counted (rule hits, policy
 * counters are first packets').
 */
#define HSB_RECHECK_BATCH 64

#define HSB_RECHECK_F_INIT_B (1U << 0) /* endpoint b initiated */
#define HSB_RECHECK_F_DNAT (1U << 1) /* dnat_addr/dnat_port are valid */

struct hsb_recheck_ent {
	struct hsb_flow_key key;
	__u8 dnat_addr[16]; /* flow-key layout */
	__u16 dnat_port; /* host order */
	__u8 zone_in;
	__u8 zone_out;
	__u8 flags; /* HSB_RECHECK_F_* */
	__u8 permit; /* out: 1 when a rule permits it */
	__u16 rule_id; /* out: the deciding rule's id, if any */
};
HSB_ASSERT_SIZE(struct hsb_recheck_ent, 64);

struct hsb_recheck_buf {
	struct hsb_recheck_ent e[HSB_RECHECK_BATCH];
};

struct hsb_recheck_args {
	__u32 n; /* in: entries filled */
	__u32 permitted; /* out: how many permit */
};
HSB_ASSERT_SIZE(struct hsb_recheck_args, 8);

#endif /* HSB_POLICY_H */
