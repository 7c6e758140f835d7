// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "firewall/policy_compile.h"
#include "hsb/flow.h"
#include "firewall/zones.h"

_Static_assert(HSB_CFG_MAX_SEC_RULES <= HSB_MAX_RULES,
	       "the datapath holds every configurable rule");

/* Prefix bytes as in struct hsb_flow_key: IPv4 in the first 4 bytes. The
 * parser guarantees zero host bits, so no masking is needed here. */
static int prefix_family(const struct hsb_cfg_prefix *p, __u8 *addr, __u8 *len)
{
	switch (p->addr.family) {
	case AF_INET:
		memcpy(addr, &p->addr.v4, 4);
		*len = (__u8)p->len;
		return HSB_FAMILY_IPV4;
	case AF_INET6:
		memcpy(addr, &p->addr.v6, 16);
		*len = (__u8)p->len;
		return HSB_FAMILY_IPV6;
	}
	return 0; /* any */
}

static int compile_one(const struct hsb_config *cfg, unsigned int idx,
		       struct hsb_rule *r, char *err, size_t errlen)
{
	const struct hsb_cfg_sec_rule *sr = &cfg->sec_rules[idx];
	const struct hsb_cfg_match *m = &sr->match;
	int fs, fd;

	memset(r, 0, sizeof(*r));
	r->from_zone = (__u8)hsb_zone_id(cfg, m->from);
	r->to_zone = (__u8)hsb_zone_id(cfg, m->to);
	if (m->protocol == HSB_CFG_PROTO_ANY) {
		r->proto = HSB_PROTO_ANY;
	} else if (m->protocol == HSB_PROTO_ANY) {
		/* 255 is IANA-reserved and doubles as "any" in the ABI. */
		snprintf(
			err, errlen,
			"security-policy rule '%s': protocol 255 is reserved and cannot be matched",
			sr->name);
		return -1;
	} else {
		r->proto = (__u8)m->protocol;
	}
	fs = prefix_family(&m->src, r->src, &r->src_len);
	fd = prefix_family(&m->dst, r->dst, &r->dst_len);
	/* The parser refuses mixed families; a rule with one prefix takes
	 * its family, one with none matches both. */
	r->family = (__u8)(fs ? fs : fd);
	if (m->dport_lo || m->dport_hi) {
		r->dport_lo = m->dport_lo;
		r->dport_hi = m->dport_hi;
	} else {
		r->dport_lo = 0;
		r->dport_hi = 65535;
	}
	r->action = sr->action == HSB_CFG_ACTION_PERMIT ? HSB_ACTION_PERMIT :
							  HSB_ACTION_DENY;
	r->id = (__u16)idx;
	return 0;
}

int hsb_policy_compile(const struct hsb_config *cfg, struct hsb_rule *out,
		       char *err, size_t errlen)
{
	unsigned int i;

	for (i = 0; i < cfg->n_sec_rules; i++)
		if (compile_one(cfg, i, &out[i], err, errlen))
			return -1;
	return (int)cfg->n_sec_rules;
}
