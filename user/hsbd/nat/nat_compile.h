/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The NAT compiler: the configuration's address groups, NAT policy rules,
 * NAT servers and port partition -> what the datapath's NAT maps hold
 * (include/hsb/nat.h). Pure: no maps, no I/O, so unit tests drive it.
 */
#ifndef HSB_NAT_COMPILE_H
#define HSB_NAT_COMPILE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "hsb/nat.h"
#include "hsb/policy.h"
#include "hsb/vaddr.h"

_Static_assert(HSB_CFG_MAX_NAT_GROUPS <= HSB_NAT_MAX_GROUPS,
	       "every configurable group fits hsb_nat_pool");
_Static_assert(HSB_CFG_MAX_NAT_RULES <= HSB_NAT_MAX_RULES,
	       "every configurable NAT rule fits hsb_nat_rules");

/* One static server-map entry (both of its keys are derived from it). */
struct hsb_nat_srv_entry {
	struct hsb_nat_key key; /* dir HSB_NAT_DIR_PUB or _IN */
	struct hsb_nat_entry val;
};

/* A public address the host must answer ARP for. */
struct hsb_nat_pub_addr {
	uint32_t addr; /* network order */
	uint8_t kind; /* HSB_VADDR_NAT_POOL / _SERVER */
	/* zone the address is reached from: for pools, a to-zone of a rule
	 * using the group (0: any); for servers, the server's zone */
	uint32_t zone;
	/* the group's `vrrp vrid` binding (ha/switchover.h); 0: default */
	uint32_t vrrp_vrid;
};

/* Public addresses of pools larger than this are not bound for ARP
 * (route them to the host instead; docs/configuration.md). */
#define HSB_NAT_VADDR_POOL_MAX 1024

struct hsb_nat_compiled {
	struct hsb_nat_pool pools[HSB_NAT_MAX_GROUPS]; /* by group index */
	unsigned int n_pools;
	struct hsb_nat_rule rules[HSB_NAT_MAX_RULES];
	unsigned int n_rules;
	/* two entries (PUB and IN) per configured server */
	struct hsb_nat_srv_entry srv[2 * HSB_CFG_MAX_NAT_SERVERS];
	unsigned int n_srv;
	struct hsb_nat_pub_addr pub[HSB_VADDR_MAX];
	unsigned int n_pub;
	uint8_t partition; /* HSB_NAT_PART_* */
};

/* Compile cfg into out. Returns 0, or -1 with a message in err naming the
 * object the datapath cannot express. */
int hsb_nat_compile(const struct hsb_config *cfg, struct hsb_nat_compiled *out,
		    char *err, size_t errlen);

/* Address i (host order) of a compiled pool, or 0 when out of range. */
uint32_t hsb_nat_pool_addr_host(const struct hsb_nat_pool *p, uint32_t i);

#endif /* HSB_NAT_COMPILE_H */
