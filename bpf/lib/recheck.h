/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Policy recheck of live sessions (include/hsb/policy.h, struct
 * hsb_recheck_ent): the first packet's policy question asked again of a
 * session, with the datapath's own walk (lib/policy.h), so hsbd's
 * judgement of "would the new policy still permit it" is the datapath's
 * by construction. The first packet the question stands for runs from
 * the initiator to the responder, with the inside address of a
 * server-map (DNAT) session as its destination - what the policy saw
 * when the session was created.
 */
#ifndef HSB_BPF_LIB_RECHECK_H
#define HSB_BPF_LIB_RECHECK_H

#include "maps.h"
#include "parse.h"
#include "policy.h"

/* hsbd's scratch: not pinned, no state */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hsb_recheck_buf);
} hsb_recheck_buf SEC(".maps");

static __always_inline __u8 hsb_recheck_kind(__u8 proto)
{
	if (proto == IPPROTO_TCP)
		return HSB_PK_TCP;
	if (proto == IPPROTO_UDP)
		return HSB_PK_UDP;
	return HSB_PK_OTHER; /* the policy reads no port of these */
}

/* Whether the policy permits e's first packet now; sets e->permit and
 * e->rule_id. */
static __always_inline int hsb_recheck_one(struct hsb_recheck_ent *e)
{
	const struct hsb_flow_key *k = &e->key;
	int init_b = e->flags & HSB_RECHECK_F_INIT_B;
	struct hsb_policy_ctx c;
	struct hsb_pkt p;

	__builtin_memset(&p, 0, sizeof(p));
	__builtin_memcpy(p.saddr, init_b ? k->addr_b : k->addr_a, 16);
	__builtin_memcpy(p.daddr, init_b ? k->addr_a : k->addr_b, 16);
	p.sport = init_b ? k->port_b : k->port_a;
	p.dport = init_b ? k->port_a : k->port_b;
	if (e->flags & HSB_RECHECK_F_DNAT) {
		__builtin_memcpy(p.daddr, e->dnat_addr, 16);
		p.dport = e->dnat_port;
	}
	p.family = k->family;
	p.proto = k->proto;
	p.kind = hsb_recheck_kind(k->proto);
	hsb_policy_walk(&p, e->zone_in, e->zone_out, &c);
	e->permit = c.hit != (__u32)-1 && c.action == HSB_ACTION_PERMIT;
	e->rule_id = c.hit != (__u32)-1 ? c.rule_id : 0;
	return e->permit;
}

#endif /* HSB_BPF_LIB_RECHECK_H */
