// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "nat/nat_compile.h"
#include "firewall/zones.h"

static int find_group(const struct hsb_config *cfg, const char *name)
{
	unsigned int i;

	for (i = 0; i < cfg->n_nat_groups; i++)
		if (!strcmp(cfg->nat_groups[i].name, name))
			return (int)i;
	return -1;
}

static int compile_pool(const struct hsb_cfg_nat_group *g,
			struct hsb_nat_pool *p, char *err, size_t errlen)
{
	uint64_t total = 0;
	unsigned int i;

	memset(p, 0, sizeof(*p));
	p->mode = g->mode == HSB_NAT_MODE_NO_PAT ? HSB_NAT_POOL_NOPAT :
						   HSB_NAT_POOL_PAT;
	p->port_lo = g->port_lo;
	p->port_hi = g->port_hi;
	for (i = 0; i < g->n_sections && i < HSB_NAT_MAX_SECTIONS; i++) {
		uint32_t lo = ntohl(g->sections[i].lo.s_addr);
		uint32_t hi = ntohl(g->sections[i].hi.s_addr);

		p->sec[i].first = lo;
		p->sec[i].count = hi - lo + 1;
		total += (uint64_t)hi - lo + 1;
	}
	if (total > 0xffffffffULL) {
		snprintf(err, errlen,
			 "nat address-group '%s': too many addresses", g->name);
		return -1;
	}
	p->n_sections = (__u8)i;
	p->n_addrs = (__u32)total;
	return 0;
}

static uint8_t proto_of(int p)
{
	return p == HSB_CFG_PROTO_ANY ? HSB_PROTO_ANY : (uint8_t)p;
}

static int compile_rule(const struct hsb_config *cfg, unsigned int idx,
			struct hsb_nat_rule *r, char *err, size_t errlen)
{
	const struct hsb_cfg_nat_rule *nr = &cfg->nat_rules[idx];
	const struct hsb_cfg_match *m = &nr->match;
	int g;

	memset(r, 0, sizeof(*r));
	r->from_zone = (__u8)hsb_zone_id(cfg, m->from);
	r->to_zone = (__u8)hsb_zone_id(cfg, m->to);
	if (m->protocol == HSB_PROTO_ANY) {
		snprintf(
			err, errlen,
			"nat policy rule '%s': protocol 255 is reserved and cannot be matched",
			nr->name);
		return -1;
	}
	r->proto = proto_of(m->protocol);
	if (m->src.addr.family == AF_INET) {
		r->src = m->src.addr.v4.s_addr;
		r->src_len = (__u8)m->src.len;
	}
	if (m->dst.addr.family == AF_INET) {
		r->dst = m->dst.addr.v4.s_addr;
		r->dst_len = (__u8)m->dst.len;
	}
	r->id = (__u16)idx;
	if (nr->action == HSB_NAT_ACTION_NO_NAT) {
		r->action = HSB_NAT_RULE_NO_NAT;
		return 0;
	}
	g = find_group(cfg, nr->group);
	if (g < 0) {
		snprintf(
			err, errlen,
			"nat policy rule '%s': address-group '%s' is not defined",
			nr->name, nr->group);
		return -1;
	}
	r->action = HSB_NAT_RULE_SNAT;
	r->group = (__u16)g;
	return 0;
}

static void compile_server(const struct hsb_config *cfg, unsigned int idx,
			   struct hsb_nat_srv_entry *pub,
			   struct hsb_nat_srv_entry *in)
{
	const struct hsb_cfg_nat_server *s = &cfg->nat_servers[idx];
	uint8_t proto = s->protocol == HSB_CFG_PROTO_ANY ? 0 :
							   (uint8_t)s->protocol;
	uint32_t zone = hsb_zone_id(cfg, s->zone);

	memset(pub, 0, sizeof(*pub));
	memset(in, 0, sizeof(*in));
	pub->key.addr = s->global.s_addr;
	pub->key.port = s->global_port;
	pub->key.proto = proto;
	pub->key.dir = HSB_NAT_DIR_PUB;
	pub->val.addr = s->inside.s_addr;
	pub->val.port = s->inside_port;
	pub->val.flags = HSB_NAT_F_STATIC;
	pub->val.group = (__u16)idx;
	pub->val.zone = zone ? (__u8)zone : HSB_ZONE_ANY;
	in->key.addr = s->inside.s_addr;
	in->key.port = s->inside_port;
	in->key.proto = proto;
	in->key.dir = HSB_NAT_DIR_IN;
	in->val = pub->val;
	in->val.addr = s->global.s_addr;
	in->val.port = s->global_port;
}

static void add_pub(struct hsb_nat_compiled *out, uint32_t addr, uint8_t kind,
		    uint32_t zone, uint32_t vrrp_vrid)
{
	unsigned int i;

	for (i = 0; i < out->n_pub; i++)
		if (out->pub[i].addr == addr && out->pub[i].zone == zone)
			return;
	if (out->n_pub == HSB_VADDR_MAX)
		return;
	out->pub[out->n_pub].addr = addr;
	out->pub[out->n_pub].kind = kind;
	out->pub[out->n_pub].zone = zone;
	out->pub[out->n_pub].vrrp_vrid = vrrp_vrid;
	out->n_pub++;
}

/* The addresses of group g, reached from the to-zones of the rules using
 * it (zone 0 when a rule's to-zone is any). */
static void pool_pubs(const struct hsb_config *cfg, unsigned int g,
		      const struct hsb_nat_pool *p,
		      struct hsb_nat_compiled *out)
{
	unsigned int r, i;

	if (p->n_addrs > HSB_NAT_VADDR_POOL_MAX)
		return;
	for (r = 0; r < cfg->n_nat_rules; r++) {
		const struct hsb_cfg_nat_rule *nr = &cfg->nat_rules[r];

		if (nr->action != HSB_NAT_ACTION_SOURCE_NAT ||
		    find_group(cfg, nr->group) != (int)g)
			continue;
		for (i = 0; i < p->n_addrs; i++)
			add_pub(out, htonl(hsb_nat_pool_addr_host(p, i)),
				HSB_VADDR_NAT_POOL,
				hsb_zone_id(cfg, nr->match.to),
				cfg->nat_groups[g].vrrp_vrid);
	}
}

int hsb_nat_compile(const struct hsb_config *cfg, struct hsb_nat_compiled *out,
		    char *err, size_t errlen)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < cfg->n_nat_groups; i++)
		if (compile_pool(&cfg->nat_groups[i], &out->pools[i], err,
				 errlen))
			return -1;
	out->n_pools = cfg->n_nat_groups;
	for (i = 0; i < cfg->n_nat_rules; i++)
		if (compile_rule(cfg, i, &out->rules[i], err, errlen))
			return -1;
	out->n_rules = cfg->n_nat_rules;
	for (i = 0; i < cfg->n_nat_servers; i++) {
		compile_server(cfg, i, &out->srv[2 * i], &out->srv[2 * i + 1]);
		add_pub(out, cfg->nat_servers[i].global.s_addr,
			HSB_VADDR_NAT_SERVER,
			hsb_zone_id(cfg, cfg->nat_servers[i].zone), 0);
	}
	out->n_srv = 2 * cfg->n_nat_servers;
	for (i = 0; i < out->n_pools; i++)
		pool_pubs(cfg, i, &out->pools[i], out);
	switch (cfg->nat_partition) {
	case HSB_NAT_PARTITION_LOWER:
		out->partition = HSB_NAT_PART_LOWER;
		break;
	case HSB_NAT_PARTITION_UPPER:
		out->partition = HSB_NAT_PART_UPPER;
		break;
	default:
		out->partition = HSB_NAT_PART_NONE;
	}
	return 0;
}

uint32_t hsb_nat_pool_addr_host(const struct hsb_nat_pool *p, uint32_t i)
{
	unsigned int s;

	for (s = 0; s < p->n_sections && s < HSB_NAT_MAX_SECTIONS; s++) {
		if (i < p->sec[s].count)
			return p->sec[s].first + i;
		i -= p->sec[s].count;
	}
	return 0;
}
