// SPDX-License-Identifier: GPL-2.0-only
/* Shared policy: zones, session timeouts, black/whitelist, security rules,
 * and the rule helpers NAT policy shares. */
#include <stdio.h>
#include <string.h>

#include "config_int.h"

/* Describes the first object that refers to zone into buf. */
static bool zone_user(const struct hsb_config *cfg, const char *zone, char *buf,
		      size_t len)
{
	unsigned int i;

	for (i = 0; i < cfg->n_ifaces; i++)
		if (!strcmp(cfg->ifaces[i].zone, zone))
			return snprintf(buf, len, "interface '%s'",
					cfg->ifaces[i].name) > 0;
	for (i = 0; i < cfg->n_sec_rules; i++)
		if (!strcmp(cfg->sec_rules[i].match.from, zone) ||
		    !strcmp(cfg->sec_rules[i].match.to, zone))
			return snprintf(buf, len, "security-policy rule '%s'",
					cfg->sec_rules[i].name) > 0;
	for (i = 0; i < cfg->n_nat_rules; i++)
		if (!strcmp(cfg->nat_rules[i].match.from, zone) ||
		    !strcmp(cfg->nat_rules[i].match.to, zone))
			return snprintf(buf, len, "nat policy rule '%s'",
					cfg->nat_rules[i].name) > 0;
	for (i = 0; i < cfg->n_nat_servers; i++)
		if (!strcmp(cfg->nat_servers[i].zone, zone))
			return snprintf(buf, len, "nat server '%s'",
					cfg->nat_servers[i].name) > 0;
	return false;
}

static int zone_remove(struct hcfg_parse *p, const struct hcfg_tok *t, int idx)
{
	struct hsb_config *cfg = p->cfg;
	char user[80];

	if (hcfg_is_builtin_zone(t->s))
		return hcfg_err(p, t,
				"zone '%s' is built in and cannot be removed",
				t->s);
	if (idx < 0)
		return hcfg_err(p, t, "no such zone '%s'", t->s);
	if (zone_user(cfg, t->s, user, sizeof(user)))
		return hcfg_err(p, t, "zone '%s' is still used by %s", t->s,
				user);
	hcfg_arr_remove(cfg->zones, sizeof(cfg->zones[0]), &cfg->n_zones,
			(unsigned int)idx);
	return 0;
}

/* Defining a zone that exists (built-in ones included) changes nothing. */
int hcfg_cmd_zone(struct hcfg_parse *p)
{
	struct hsb_config *cfg = p->cfg;
	const struct hcfg_tok *t = hcfg_peek(p);
	char name[HSB_CFG_NAME_SIZE];
	int idx;

	if (hcfg_name(p, "zone", name) || hcfg_end(p))
		return -1;
	idx = hcfg_find_zone(cfg, name);
	if (p->undo)
		return zone_remove(p, t, idx);
	if (idx >= 0 || hcfg_is_builtin_zone(name))
		return 0;
	if (cfg->n_zones == HSB_CFG_MAX_ZONES)
		return hcfg_err(p, t, "too many zones (at most %d)",
				HSB_CFG_MAX_ZONES);
	strcpy(cfg->zones[cfg->n_zones++].name, name);
	return 0;
}

int hcfg_cmd_timeout(struct hcfg_parse *p)
{
	int kind;
	uint32_t secs;

	if (hcfg_keyword(p, "timeout", hcfg_tmo_names, &kind))
		return -1;
	secs = hcfg_def_timeout[kind];
	if (!p->undo && hcfg_uint(p, hcfg_tmo_names[kind], 1, 86400, &secs))
		return -1;
	if (hcfg_end(p))
		return -1;
	p->cfg->session.timeout[kind] = secs;
	return 0;
}

static int find_prefix(const struct hsb_cfg_list_entry *list, unsigned int n,
		       const struct hsb_cfg_prefix *pfx)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (hcfg_prefix_eq(&list[i].prefix, pfx))
			return (int)i;
	return -1;
}

/* Black and whitelist: entries are keyed by prefix; re-entering one
 * replaces its expiry. */
static int list_cmd(struct hcfg_parse *p, struct hsb_cfg_list_entry *list,
		    unsigned int *n, const char *kind, bool has_expire)
{
	static const char *const clauses[] = { "expire", NULL };
	const struct hcfg_tok *t = hcfg_peek(p);
	struct hsb_cfg_list_entry e;
	unsigned int seen = 0;
	int idx, c, rc = 1;

	memset(&e, 0, sizeof(e));
	if (hcfg_prefix(p, kind, AF_UNSPEC, &e.prefix))
		return -1;
	idx = find_prefix(list, *n, &e.prefix);
	if (!p->undo && has_expire)
		while ((rc = hcfg_clause(p, clauses, &seen, &c)) == 0)
			if (hcfg_uint(p, "expire", 1, 31536000, &e.expire))
				return -1;
	if (rc < 0 || hcfg_end(p))
		return -1;
	if (p->undo) {
		if (idx < 0)
			return hcfg_err(p, t, "no such %s entry '%s'", kind,
					t->s);
		hcfg_arr_remove(list, sizeof(*list), n, (unsigned int)idx);
		return 0;
	}
	if (idx < 0 && *n == HSB_CFG_MAX_LIST)
		return hcfg_err(p, t, "too many %s entries (at most %d)", kind,
				HSB_CFG_MAX_LIST);
	if (idx < 0)
		idx = (int)(*n)++;
	list[idx] = e;
	return 0;
}

int hcfg_cmd_blacklist(struct hcfg_parse *p)
{
	return list_cmd(p, p->cfg->blacklist, &p->cfg->n_blacklist, "blacklist",
			true);
}

int hcfg_cmd_whitelist(struct hcfg_parse *p)
{
	return list_cmd(p, p->cfg->whitelist, &p->cfg->n_whitelist, "whitelist",
			false);
}

int hcfg_match_clause(struct hcfg_parse *p, int clause, struct hsb_cfg_match *m,
		      int family)
{
	const struct hcfg_tok *t = hcfg_peek(p);

	switch (clause) {
	case HCFG_M_FROM:
		return hcfg_name(p, "from", m->from) ||
		       hcfg_need_zone(p, t, m->from);
	case HCFG_M_TO:
		return hcfg_name(p, "to", m->to) || hcfg_need_zone(p, t, m->to);
	case HCFG_M_SOURCE:
		return hcfg_prefix(p, "source", family, &m->src);
	case HCFG_M_DESTINATION:
		return hcfg_prefix(p, "destination", family, &m->dst);
	default:
		return hcfg_protocol(p, &m->protocol);
	}
}

static const struct hcfg_tok *clause_tok(const struct hcfg_tok *const *at,
					 int a, int b)
{
	return at[a] ? at[a] : at[b];
}

/* Checks what single clauses cannot: required clauses and consistency of
 * addresses, protocol and ports. at[] holds each given clause's keyword. */
int hcfg_match_check(struct hcfg_parse *p, const struct hsb_cfg_match *m,
		     const struct hcfg_tok *const *at, int family)
{
	int f = m->src.addr.family ? m->src.addr.family : m->dst.addr.family;

	if (!at[HCFG_M_FROM])
		return hcfg_err(p, NULL, "missing 'from ZONE'");
	if (!at[HCFG_M_TO])
		return hcfg_err(p, NULL, "missing 'to ZONE'");
	if (m->src.addr.family && m->dst.addr.family &&
	    m->src.addr.family != m->dst.addr.family)
		return hcfg_err(
			p, at[HCFG_M_DESTINATION],
			"source and destination must be of the same address family");
	if (!f)
		f = family;
	if ((m->protocol == IPPROTO_ICMP && f == AF_INET6) ||
	    (m->protocol == IPPROTO_ICMPV6 && f == AF_INET))
		return hcfg_err(p, at[HCFG_M_PROTOCOL],
				"protocol %s does not match %s addresses",
				m->protocol == IPPROTO_ICMP ? "icmp" : "icmpv6",
				f == AF_INET ? "IPv4" : "IPv6");
	/* (NAT rules have no ports: at[HCFG_M_DPORT] is not read for them.) */
	if (m->dport_lo && m->protocol != IPPROTO_TCP &&
	    m->protocol != IPPROTO_UDP)
		return hcfg_err(p,
				clause_tok(at, HCFG_M_DPORT, HCFG_M_PROTOCOL),
				"destination-port needs protocol tcp or udp");
	return 0;
}

int hcfg_rule_remove(struct hcfg_parse *p, void *base, size_t size,
		     unsigned int *n, int idx, const struct hcfg_tok *name,
		     const char *kind)
{
	if (hcfg_end(p))
		return -1;
	if (idx < 0)
		return hcfg_err(p, name, "no such %s '%s'", kind, name->s);
	hcfg_arr_remove(base, size, n, (unsigned int)idx);
	return 0;
}

/* "... rule NAME move (before|after) OTHER", after the 'move' keyword. */
int hcfg_rule_move(struct hcfg_parse *p, void *base, size_t size, int idx,
		   const struct hcfg_tok *name, const char *kind,
		   int (*find)(const struct hsb_config *, const char *))
{
	static const char *const where[] = { "before", "after", NULL };
	const struct hcfg_tok *ot;
	char other[HSB_CFG_NAME_SIZE];
	int w, o;

	if (hcfg_keyword(p, "move", where, &w))
		return -1;
	ot = hcfg_peek(p);
	if (hcfg_name(p, "move", other) || hcfg_end(p))
		return -1;
	if (idx < 0)
		return hcfg_err(p, name, "no such %s '%s'", kind, name->s);
	o = find(p->cfg, other);
	if (o < 0)
		return hcfg_err(p, ot, "no such %s '%s'", kind, other);
	if (o == idx)
		return hcfg_err(p, ot, "cannot move %s '%s' relative to itself",
				kind, other);
	/* Index of OTHER once NAME is taken out, then NAME's new place. */
	o -= o > idx;
	hcfg_arr_move(base, size, (unsigned int)idx,
		      (unsigned int)(o + (w == 1)));
	return 0;
}

enum { SR_DPORT = HCFG_M_DPORT, SR_ACTION };
static const char *const sec_clauses[] = { "from",     "to",
					   "source",   "destination",
					   "protocol", "destination-port",
					   "action",   NULL };

static int sec_rule_clauses(struct hcfg_parse *p, struct hsb_cfg_sec_rule *r,
			    const struct hcfg_tok **at)
{
	static const char *const actions[] = { "permit", "deny", NULL };
	struct hsb_cfg_match *m = &r->match;
	unsigned int seen = 0;
	int c, rc, a;

	while ((rc = hcfg_clause(p, sec_clauses, &seen, &c)) == 0) {
		at[c] = hcfg_prev(p);
		if (c < HCFG_M_DPORT)
			rc = hcfg_match_clause(p, c, m, AF_UNSPEC);
		else if (c == SR_DPORT)
			rc = hcfg_port_range(p, "destination-port",
					     &m->dport_lo, &m->dport_hi);
		else if (!(rc = hcfg_keyword(p, "action", actions, &a)))
			r->action = (enum hsb_cfg_action)a;
		if (rc)
			return -1;
	}
	return rc < 0 ? -1 : 0;
}

/* A rule is given whole: a new name is appended, a known one replaced in
 * place so its position in the first-match order is kept. */
int hcfg_cmd_sec_rule(struct hcfg_parse *p)
{
	struct hsb_config *cfg = p->cfg;
	const struct hcfg_tok *t = hcfg_peek(p), *at[SR_ACTION + 1] = { 0 };
	struct hsb_cfg_sec_rule r;
	int idx;

	memset(&r, 0, sizeof(r));
	r.match.protocol = HSB_CFG_PROTO_ANY;
	if (hcfg_name(p, "rule", r.name))
		return -1;
	idx = hcfg_find_sec_rule(cfg, r.name);
	if (p->undo)
		return hcfg_rule_remove(p, cfg->sec_rules, sizeof(r),
					&cfg->n_sec_rules, idx, t,
					"security-policy rule");
	if (hcfg_peek_is(p, "move") && hcfg_next(p))
		return hcfg_rule_move(p, cfg->sec_rules, sizeof(r), idx, t,
				      "security-policy rule",
				      hcfg_find_sec_rule);
	if (sec_rule_clauses(p, &r, at) ||
	    hcfg_match_check(p, &r.match, at, AF_UNSPEC))
		return -1;
	if (!at[SR_ACTION])
		return hcfg_err(p, NULL, "missing 'action (permit|deny)'");
	if (idx < 0 && cfg->n_sec_rules == HSB_CFG_MAX_SEC_RULES)
		return hcfg_err(p, t,
				"too many security-policy rules (at most %d)",
				HSB_CFG_MAX_SEC_RULES);
	if (idx < 0)
		idx = (int)cfg->n_sec_rules++;
	cfg->sec_rules[idx] = r;
	return 0;
}
