/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Security policy: on a flow's first packet, walk the active half of
 * hsb_policy in order; the first rule that matches decides, no match
 * denies. The active half and its length are read once from
 * hsb_policy_ctl, so a flip by hsbd is seen entirely or not at all.
 *
 * The walk is a bpf_loop (kernel 5.17+): the verifier checks the callback
 * once instead of unrolling up to HSB_MAX_RULES iterations.
 *
 * Matching, per rule field:
 *   from_zone/to_zone  equal, or HSB_ZONE_ANY
 *   family             0 (any) or equal to the packet's
 *   src/dst, *_len     the first *_len bits equal; the rule's address is
 *                      in flow-key layout (IPv4 in the first 4 bytes), so
 *                      a rule with a prefix must name its family
 *   proto              equal, or HSB_PROTO_ANY
 *   dport_lo..hi       the destination port for TCP and UDP; other
 *                      protocols (ICMP, GRE, ...) have port 0, so a rule
 *                      limited to ports never matches them
 */
#ifndef HSB_BPF_LIB_POLICY_H
#define HSB_BPF_LIB_POLICY_H

#include "maps.h"
#include "parse.h"

struct hsb_policy_ctx {
	__u8 saddr[16];
	__u8 daddr[16];
	__u32 base; /* first slot of the active half */
	__u32 n; /* rules in it */
	__u32 hit; /* matching slot, or (__u32)-1 */
	__u16 rule_id; /* its hsb_rule.id */
	__u16 dport;
	__u8 from_zone;
	__u8 to_zone;
	__u8 proto;
	__u8 family;
	__u8 action;
	__u8 pad[3];
};

/* Whether the first len bits of a and b are equal (16-byte addresses). */
static __always_inline int hsb_prefix_eq(const __u8 *a, const __u8 *b,
					 __u32 len)
{
	const __u32 *x = (const __u32 *)a, *y = (const __u32 *)b;
	int i;

	if (len > 128)
		len = 128;
#pragma unroll
	for (i = 0; i < 4; i++) {
		__u32 bits = len > 32 ? 32 : len;
		__u32 mask;

		if (!bits)
			break;
		mask = bpf_htonl(bits == 32 ? 0xffffffffU :
					      ~(0xffffffffU >> bits));
		if ((x[i] ^ y[i]) & mask)
			return 0;
		len -= bits;
	}
	return 1;
}

static __always_inline int hsb_rule_match(const struct hsb_rule *r,
					  const struct hsb_policy_ctx *c)
{
	if (r->from_zone != HSB_ZONE_ANY && r->from_zone != c->from_zone)
		return 0;
	if (r->to_zone != HSB_ZONE_ANY && r->to_zone != c->to_zone)
		return 0;
	if (r->proto != HSB_PROTO_ANY && r->proto != c->proto)
		return 0;
	if (r->family && r->family != c->family)
		return 0;
	if (c->dport < r->dport_lo || c->dport > r->dport_hi)
		return 0;
	if (r->src_len && !hsb_prefix_eq(r->src, c->saddr, r->src_len))
		return 0;
	if (r->dst_len && !hsb_prefix_eq(r->dst, c->daddr, r->dst_len))
		return 0;
	return 1;
}

static long hsb_policy_step(__u32 i, void *data)
{
	struct hsb_policy_ctx *c = data;
	struct hsb_rule *r;
	__u32 slot;

	if (i >= c->n)
		return 1;
	slot = c->base + i;
	r = bpf_map_lookup_elem(&hsb_policy, &slot);
	if (!r)
		return 1;
	if (!hsb_rule_match(r, c))
		return 0;
	c->hit = slot;
	c->rule_id = r->id;
	c->action = r->action;
	return 1;
}

struct hsb_policy_result {
	__u16 rule_id; /* hsb_rule.id of the deciding rule */
	__u8 permit;
	/* a refusal's counter, HSB_CNT_POLICY_DENY or _DEFAULT, for the
	 * caller to count: a drop reason, and a refused datagram may leave
	 * for the peer instead (lib/peer.h) */
	__u8 reason;
};

/* The walk: c->hit is the deciding slot ((__u32)-1: none), c->action and
 * c->rule_id its rule's. Counts nothing. */
static __always_inline void hsb_policy_walk(const struct hsb_pkt *p,
					    __u8 from_zone, __u8 to_zone,
					    struct hsb_policy_ctx *c)
{
	struct hsb_policy_ctl *ctl;
	__u32 zero = 0, active, n;

	c->hit = (__u32)-1;
	ctl = bpf_map_lookup_elem(&hsb_policy_ctl, &zero);
	if (!ctl)
		return;
	__builtin_memcpy(c->saddr, p->saddr, 16);
	__builtin_memcpy(c->daddr, p->daddr, 16);
	/* Read the half once: base and length must come from one flip. */
	active = *(volatile __u32 *)&ctl->active & 1;
	c->base = active * HSB_MAX_RULES;
	n = ctl->n_rules[active];
	c->n = n > HSB_MAX_RULES ? HSB_MAX_RULES : n;
	c->from_zone = from_zone;
	c->to_zone = to_zone;
	c->proto = p->proto;
	c->family = p->family;
	c->dport = (p->kind == HSB_PK_TCP || p->kind == HSB_PK_UDP) ? p->dport :
								      0;
	c->action = HSB_ACTION_DENY;
	c->rule_id = 0;
	c->pad[0] = c->pad[1] = c->pad[2] = 0;
	if (c->n)
		bpf_loop(c->n, hsb_policy_step, c, 0);
}

/* Evaluate the policy for a first packet; counts a permit (a refusal's
 * counter is left in res->reason). */
static __always_inline int hsb_policy_eval(const struct hsb_pkt *p,
					   __u8 from_zone, __u8 to_zone,
					   struct hsb_policy_result *res)
{
	struct hsb_policy_ctx c;
	__u64 *hits;

	res->rule_id = 0;
	res->permit = 0;
	res->reason = HSB_CNT_POLICY_DEFAULT;
	hsb_policy_walk(p, from_zone, to_zone, &c);
	if (c.hit == (__u32)-1)
		goto deny;

	hits = bpf_map_lookup_elem(&hsb_rule_stats, &c.hit);
	if (hits)
		*hits += 1;
	res->rule_id = c.rule_id;
	if (c.action == HSB_ACTION_PERMIT) {
		res->permit = 1;
		hsb_count(HSB_CNT_POLICY_PERMIT);
		return 1;
	}
	res->reason = HSB_CNT_POLICY_DENY;
deny:
	return 0;
}

/* hsb_policy_eval() as a global function: verified once, and its walk
 * state (struct hsb_policy_ctx) in its own frame rather than in the
 * flow stage's, which the NAT stages' frames stack on. */
__attribute__((noinline)) int hsb_policy_eval_g(struct hsb_pkt *p,
						__u32 from_zone, __u32 to_zone,
						struct hsb_policy_result *res)
{
	if (!p || !res)
		return 0;
	return hsb_policy_eval(p, from_zone, to_zone, res);
}

#endif /* HSB_BPF_LIB_POLICY_H */
