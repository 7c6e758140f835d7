// SPDX-License-Identifier: GPL-2.0-only
/* NAT commands: address groups, port partition, NAT policy, NAT servers.
 * NAT is IPv4 only (NAT44). */
#include <arpa/inet.h>
#include <string.h>

#include "config_int.h"

enum { G_MODE, G_SECTION, G_PORT_RANGE, G_VRRP };
static const char *const group_clauses[] = { "mode", "section", "port-range",
					     "vrrp", NULL };

static bool sections_overlap(const struct hsb_cfg_nat_section *a,
			     const struct hsb_cfg_nat_section *b)
{
	return ntohl(a->lo.s_addr) <= ntohl(b->hi.s_addr) &&
	       ntohl(b->lo.s_addr) <= ntohl(a->hi.s_addr);
}

static bool section_eq(const struct hsb_cfg_nat_section *a,
		       const struct hsb_cfg_nat_section *b)
{
	return a->lo.s_addr == b->lo.s_addr && a->hi.s_addr == b->hi.s_addr;
}

/* "ADDR [ADDR]": the second address is optional, so it is only taken
 * when the next word is one. */
static int parse_section(struct hcfg_parse *p, struct hsb_cfg_nat_section *s)
{
	const struct hcfg_tok *t;
	struct hsb_cfg_addr lo, hi;

	if (hcfg_addr(p, "section", AF_INET, &lo))
		return -1;
	hi = lo;
	t = hcfg_peek(p);
	if (t && !t->quoted && hcfg_addr_parse(t->s, AF_INET, &hi))
		hcfg_next(p);
	if (ntohl(hi.v4.s_addr) < ntohl(lo.v4.s_addr))
		return hcfg_err(p, t,
				"section: the range ends before it starts");
	s->lo = lo.v4;
	s->hi = hi.v4;
	return 0;
}

static int find_section(const struct hsb_cfg_nat_group *g,
			const struct hsb_cfg_nat_section *s)
{
	unsigned int i;

	for (i = 0; i < g->n_sections; i++)
		if (section_eq(&g->sections[i], s))
			return (int)i;
	return -1;
}

/* Adds a section to g (the edited copy of group gidx, -1 when new): a
 * translated address must belong to one group only. */
static int add_section(struct hcfg_parse *p, const struct hcfg_tok *t,
		       struct hsb_cfg_nat_group *g, int gidx,
		       const struct hsb_cfg_nat_section *s)
{
	const struct hsb_config *cfg = p->cfg;
	unsigned int i, j;

	if (find_section(g, s) >= 0)
		return 0;
	for (i = 0; i < g->n_sections; i++)
		if (sections_overlap(&g->sections[i], s))
			return hcfg_err(
				p, t,
				"section overlaps another section of address-group '%s'",
				g->name);
	for (i = 0; i < cfg->n_nat_groups; i++)
		for (j = 0; (int)i != gidx && j < cfg->nat_groups[i].n_sections;
		     j++)
			if (sections_overlap(&cfg->nat_groups[i].sections[j],
					     s))
				return hcfg_err(
					p, t,
					"section overlaps a section of address-group '%s'",
					cfg->nat_groups[i].name);
	if (g->n_sections == HSB_CFG_MAX_NAT_SECTIONS)
		return hcfg_err(
			p, t,
			"too many sections in address-group '%s' (at most %d)",
			g->name, HSB_CFG_MAX_NAT_SECTIONS);
	g->sections[g->n_sections++] = *s;
	return 0;
}

static int port_range(struct hcfg_parse *p, struct hsb_cfg_nat_group *g)
{
	const struct hcfg_tok *t;
	uint32_t lo, hi;

	if (hcfg_uint(p, "port-range", 1024, 65535, &lo))
		return -1;
	t = hcfg_peek(p);
	if (hcfg_uint(p, "port-range", 1024, 65535, &hi))
		return -1;
	if (lo > hi)
		return hcfg_err(p, t,
				"port-range: the range ends before it starts");
	g->port_lo = (uint16_t)lo;
	g->port_hi = (uint16_t)hi;
	return 0;
}

/* "vrrp vrid N": an IPv4 instance with VRID N must exist (on any
 * interface), or the addresses would follow nothing. */
static int vrrp_clause(struct hcfg_parse *p, struct hsb_cfg_nat_group *g)
{
	const struct hcfg_tok *t;

	if (hcfg_word(p, "vrid"))
		return -1;
	t = hcfg_peek(p);
	if (hcfg_uint(p, "vrid", 1, 255, &g->vrrp_vrid))
		return -1;
	if (!hcfg_vrid_has_ipv4(p->cfg, g->vrrp_vrid, -1))
		return hcfg_err(
			p, t,
			"vrrp vrid %u: no IPv4 vrrp instance has this VRID",
			g->vrrp_vrid);
	return 0;
}

static void default_ports(struct hsb_cfg_nat_group *g)
{
	g->port_lo = HSB_CFG_DEF_NAT_PORT_LO;
	g->port_hi = HSB_CFG_DEF_NAT_PORT_HI;
}

static int group_remove(struct hcfg_parse *p, const struct hcfg_tok *t,
			unsigned int idx)
{
	struct hsb_config *cfg = p->cfg;
	unsigned int i;

	for (i = 0; i < cfg->n_nat_rules; i++)
		if (!strcmp(cfg->nat_rules[i].group, t->s))
			return hcfg_err(
				p, t,
				"address-group '%s' is still used by nat policy rule '%s'",
				t->s, cfg->nat_rules[i].name);
	hcfg_arr_remove(cfg->nat_groups, sizeof(cfg->nat_groups[0]),
			&cfg->n_nat_groups, idx);
	return 0;
}

/* Without clauses removes the group; "section A [B]" removes a section,
 * "mode" and "port-range" reset to the defaults. */
static int group_undo(struct hcfg_parse *p, const struct hcfg_tok *t, int idx)
{
	struct hsb_cfg_nat_group g;
	struct hsb_cfg_nat_section s;
	unsigned int seen = 0;
	int c, rc, si;

	if (idx < 0)
		return hcfg_err(p, t, "no such address-group '%s'", t->s);
	if (!hcfg_peek(p))
		return group_remove(p, t, (unsigned int)idx);
	g = p->cfg->nat_groups[idx];
	while ((rc = hcfg_clause(p, group_clauses, &seen, &c)) == 0) {
		const struct hcfg_tok *st = hcfg_peek(p);

		if (c == G_MODE) {
			g.mode = HSB_NAT_MODE_PAT;
		} else if (c == G_PORT_RANGE) {
			default_ports(&g);
		} else if (c == G_VRRP) {
			/* "vrrp" or "vrrp vrid N": either resets */
			if (hcfg_peek_is(p, "vrid") &&
			    (hcfg_word(p, "vrid") ||
			     hcfg_uint(p, "vrid", 1, 255, &g.vrrp_vrid)))
				return -1;
			g.vrrp_vrid = 0;
		} else {
			if (parse_section(p, &s))
				return -1;
			si = find_section(&g, &s);
			if (si < 0)
				return hcfg_err(
					p, st,
					"no such section in address-group '%s'",
					g.name);
			hcfg_arr_remove(g.sections, sizeof(s), &g.n_sections,
					(unsigned int)si);
		}
	}
	if (rc < 0)
		return -1;
	p->cfg->nat_groups[idx] = g;
	return 0;
}

int hcfg_cmd_nat_group(struct hcfg_parse *p)
{
	static const char *const modes[] = { "pat", "no-pat", NULL };
	struct hsb_config *cfg = p->cfg;
	const struct hcfg_tok *t = hcfg_peek(p), *at[G_VRRP + 1] = { 0 };
	struct hsb_cfg_nat_group g;
	struct hsb_cfg_nat_section s;
	unsigned int seen = 0;
	int idx, c, rc, mode = HSB_NAT_MODE_PAT;

	memset(&g, 0, sizeof(g));
	if (hcfg_name(p, "address-group", g.name))
		return -1;
	idx = hcfg_find_nat_group(cfg, g.name);
	if (p->undo)
		return group_undo(p, t, idx);
	if (idx >= 0)
		g = cfg->nat_groups[idx];
	else if (cfg->n_nat_groups == HSB_CFG_MAX_NAT_GROUPS)
		return hcfg_err(p, t, "too many address-groups (at most %d)",
				HSB_CFG_MAX_NAT_GROUPS);
	else
		default_ports(&g);
	while ((rc = hcfg_clause(p, group_clauses, &seen, &c)) == 0) {
		const struct hcfg_tok *vt = hcfg_peek(p);

		at[c] = hcfg_prev(p);
		if (c == G_MODE) {
			rc = hcfg_keyword(p, "mode", modes, &mode);
			g.mode = (enum hsb_nat_mode)mode;
		} else if (c == G_SECTION) {
			rc = parse_section(p, &s) ||
			     add_section(p, vt, &g, idx, &s);
		} else if (c == G_VRRP) {
			rc = vrrp_clause(p, &g);
		} else {
			rc = port_range(p, &g);
		}
		if (rc)
			return -1;
	}
	if (rc < 0)
		return -1;
	if (g.mode == HSB_NAT_MODE_NO_PAT &&
	    (g.port_lo != HSB_CFG_DEF_NAT_PORT_LO ||
	     g.port_hi != HSB_CFG_DEF_NAT_PORT_HI))
		return hcfg_err(
			p, at[G_PORT_RANGE] ? at[G_PORT_RANGE] : at[G_MODE],
			"port-range applies to mode pat only");
	if (idx < 0)
		idx = (int)cfg->n_nat_groups++;
	cfg->nat_groups[idx] = g;
	return 0;
}

int hcfg_cmd_nat_partition(struct hcfg_parse *p)
{
	static const char *const names[] = { "none", "lower", "upper", NULL };
	int idx = HSB_NAT_PARTITION_NONE;

	if (!p->undo && hcfg_keyword(p, "port-partition", names, &idx))
		return -1;
	if (hcfg_end(p))
		return -1;
	p->cfg->nat_partition = (enum hsb_nat_partition)idx;
	return 0;
}

enum { NR_ACTION = HCFG_M_DPORT };
static const char *const nat_clauses[] = { "from",	  "to",	      "source",
					   "destination", "protocol", "action",
					   NULL };

/* "action (source-nat address-group GROUP | no-nat)" */
static int nat_action(struct hcfg_parse *p, struct hsb_cfg_nat_rule *r)
{
	static const char *const actions[] = { "source-nat", "no-nat", NULL };
	const struct hcfg_tok *t;
	int a;

	if (hcfg_keyword(p, "action", actions, &a))
		return -1;
	r->action = (enum hsb_nat_action)a;
	if (r->action == HSB_NAT_ACTION_NO_NAT)
		return 0;
	if (hcfg_word(p, "address-group"))
		return -1;
	t = hcfg_peek(p);
	if (hcfg_name(p, "address-group", r->group))
		return -1;
	if (hcfg_find_nat_group(p->cfg, r->group) < 0)
		return hcfg_err(p, t, "address-group '%s' is not defined",
				r->group);
	return 0;
}

int hcfg_cmd_nat_rule(struct hcfg_parse *p)
{
	struct hsb_config *cfg = p->cfg;
	const struct hcfg_tok *t = hcfg_peek(p), *at[NR_ACTION + 1] = { 0 };
	struct hsb_cfg_nat_rule r;
	unsigned int seen = 0;
	int idx, c, rc;

	memset(&r, 0, sizeof(r));
	r.match.protocol = HSB_CFG_PROTO_ANY;
	if (hcfg_name(p, "rule", r.name))
		return -1;
	idx = hcfg_find_nat_rule(cfg, r.name);
	if (p->undo)
		return hcfg_rule_remove(p, cfg->nat_rules, sizeof(r),
					&cfg->n_nat_rules, idx, t,
					"nat policy rule");
	if (hcfg_peek_is(p, "move") && hcfg_next(p))
		return hcfg_rule_move(p, cfg->nat_rules, sizeof(r), idx, t,
				      "nat policy rule", hcfg_find_nat_rule);
	while ((rc = hcfg_clause(p, nat_clauses, &seen, &c)) == 0) {
		at[c] = hcfg_prev(p);
		rc = c == NR_ACTION ?
			     nat_action(p, &r) :
			     hcfg_match_clause(p, c, &r.match, AF_INET);
		if (rc)
			return -1;
	}
	if (rc < 0 || hcfg_match_check(p, &r.match, at, AF_INET))
		return -1;
	if (!at[NR_ACTION])
		return hcfg_err(
			p, NULL,
			"missing 'action (source-nat address-group GROUP|no-nat)'");
	if (idx < 0 && cfg->n_nat_rules == HSB_CFG_MAX_NAT_RULES)
		return hcfg_err(p, t, "too many nat policy rules (at most %d)",
				HSB_CFG_MAX_NAT_RULES);
	if (idx < 0)
		idx = (int)cfg->n_nat_rules++;
	cfg->nat_rules[idx] = r;
	return 0;
}

enum { S_PROTOCOL, S_GLOBAL, S_INSIDE, S_ZONE };
static const char *const server_clauses[] = { "protocol", "global", "inside",
					      "zone", NULL };

/* "ADDR [PORT]" */
static int server_end(struct hcfg_parse *p, const char *label,
		      struct in_addr *addr, uint16_t *port)
{
	struct hsb_cfg_addr a;

	if (hcfg_addr(p, label, AF_INET, &a))
		return -1;
	*addr = a.v4;
	if (hcfg_is_uint(hcfg_peek(p)))
		return hcfg_port(p, label, port);
	return 0;
}

static int server_clause(struct hcfg_parse *p, int c,
			 struct hsb_cfg_nat_server *s)
{
	static const char *const protos[] = { "tcp", "udp", "any", NULL };
	static const int numbers[] = { IPPROTO_TCP, IPPROTO_UDP,
				       HSB_CFG_PROTO_ANY };
	const struct hcfg_tok *t = hcfg_peek(p);
	int i;

	switch (c) {
	case S_PROTOCOL:
		if (hcfg_keyword(p, "protocol", protos, &i))
			return -1;
		s->protocol = numbers[i];
		return 0;
	case S_GLOBAL:
		return server_end(p, "global", &s->global, &s->global_port);
	case S_INSIDE:
		return server_end(p, "inside", &s->inside, &s->inside_port);
	default:
		return hcfg_name(p, "zone", s->zone) ||
		       hcfg_need_zone(p, t, s->zone);
	}
}

/* Two servers clash when a packet to the global address could match
 * both: same address, and a shared port or no port on either. */
static bool servers_clash(const struct hsb_cfg_nat_server *a,
			  const struct hsb_cfg_nat_server *b)
{
	if (a->global.s_addr != b->global.s_addr)
		return false;
	if (!a->global_port || !b->global_port)
		return true;
	return a->global_port == b->global_port &&
	       (a->protocol == b->protocol ||
		a->protocol == HSB_CFG_PROTO_ANY ||
		b->protocol == HSB_CFG_PROTO_ANY);
}

static int server_check(struct hcfg_parse *p,
			const struct hsb_cfg_nat_server *s,
			const struct hcfg_tok *const *at, int idx)
{
	const struct hsb_config *cfg = p->cfg;
	unsigned int i;

	if (!at[S_PROTOCOL])
		return hcfg_err(p, NULL, "missing 'protocol (tcp|udp|any)'");
	if (!at[S_GLOBAL])
		return hcfg_err(p, NULL, "missing 'global ADDR [PORT]'");
	if (!at[S_INSIDE])
		return hcfg_err(p, NULL, "missing 'inside ADDR [PORT]'");
	if (!s->global_port != !s->inside_port)
		return hcfg_err(
			p, at[s->global_port ? S_INSIDE : S_GLOBAL],
			"give a port for both global and inside, or for neither");
	if (s->global_port && s->protocol == HSB_CFG_PROTO_ANY)
		return hcfg_err(p, at[S_PROTOCOL],
				"ports need protocol tcp or udp");
	for (i = 0; i < cfg->n_nat_servers; i++)
		if ((int)i != idx && servers_clash(&cfg->nat_servers[i], s))
			return hcfg_err(
				p, at[S_GLOBAL],
				"global address clashes with nat server '%s'",
				cfg->nat_servers[i].name);
	return 0;
}

int hcfg_cmd_nat_server(struct hcfg_parse *p)
{
	struct hsb_config *cfg = p->cfg;
	const struct hcfg_tok *t = hcfg_peek(p), *at[S_ZONE + 1] = { 0 };
	struct hsb_cfg_nat_server s;
	unsigned int seen = 0;
	int idx, c, rc;

	memset(&s, 0, sizeof(s));
	if (hcfg_name(p, "server", s.name))
		return -1;
	idx = hcfg_find_nat_server(cfg, s.name);
	if (p->undo)
		return hcfg_rule_remove(p, cfg->nat_servers, sizeof(s),
					&cfg->n_nat_servers, idx, t,
					"nat server");
	while ((rc = hcfg_clause(p, server_clauses, &seen, &c)) == 0) {
		at[c] = hcfg_prev(p);
		if (server_clause(p, c, &s))
			return -1;
	}
	if (rc < 0 || server_check(p, &s, at, idx))
		return -1;
	if (idx < 0 && cfg->n_nat_servers == HSB_CFG_MAX_NAT_SERVERS)
		return hcfg_err(p, t, "too many nat servers (at most %d)",
				HSB_CFG_MAX_NAT_SERVERS);
	if (idx < 0)
		idx = (int)cfg->n_nat_servers++;
	cfg->nat_servers[idx] = s;
	return 0;
}
