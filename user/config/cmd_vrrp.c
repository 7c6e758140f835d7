// SPDX-License-Identifier: GPL-2.0-only
/* VRRP instances: "vrrp vrid N interface IFNAME CLAUSE...". */
#include <string.h>

#include "config_int.h"

enum {
	R_VIP,
	R_PRIORITY,
	R_ADVERT,
	R_PREEMPT,
	R_NO_PREEMPT,
	R_ACCEPT,
	R_VERSION,
	R_PEER,
	R_GARP,
	R_VMAC,
	R_VGMP,
	R_NOTIFY,
	R_COUNT,
};
static const char *const vrrp_clauses[] = {
	"virtual-ip", "priority", "advert-interval", "preempt",
	"no-preempt", "accept",	  "version",	     "unicast-peer",
	"garp",	      "vmac",	  "vgmp-group",	     "notify",
	NULL,
};

/* Address lists end at the end of the line or at a word that cannot be
 * an address (has no '.' or ':'), so "prority" is reported as a
 * misspelt clause rather than a bad address. */
static bool list_ends(struct hcfg_parse *p)
{
	const struct hcfg_tok *t = hcfg_peek(p);

	return !t || t->quoted || !strpbrk(t->s, ".:");
}

static int find_vip(const struct hsb_cfg_vrrp *v, const struct hsb_cfg_addr *a)
{
	unsigned int i;

	for (i = 0; i < v->n_vips; i++)
		if (hcfg_addr_eq(&v->vips[i].addr, a))
			return (int)i;
	return -1;
}

static int find_peer(const struct hsb_cfg_vrrp *v, const struct hsb_cfg_addr *a)
{
	unsigned int i;

	for (i = 0; i < v->n_peers; i++)
		if (hcfg_addr_eq(&v->peers[i], a))
			return (int)i;
	return -1;
}

/* A VIP belongs to one instance (other than idx), or hosts would see two
 * masters answering for it. */
static int add_vip(struct hcfg_parse *p, const struct hcfg_tok *t,
		   struct hsb_cfg_vrrp *v, int idx,
		   const struct hsb_cfg_prefix *vip)
{
	const struct hsb_config *cfg = p->cfg;
	unsigned int i;
	int n;

	if (v->n_vips && v->vips[0].addr.family != vip->addr.family)
		return hcfg_err(
			p, t,
			"virtual-ip: the addresses of an instance must all be IPv4 or all IPv6");
	for (i = 0; i < cfg->n_vrrp; i++)
		if ((int)i != idx && find_vip(&cfg->vrrp[i], &vip->addr) >= 0)
			return hcfg_err(
				p, t,
				"virtual-ip is already used by vrrp vrid %u interface %s",
				cfg->vrrp[i].vrid, cfg->vrrp[i].ifname);
	n = find_vip(v, &vip->addr);
	if (n < 0 && v->n_vips == HSB_CFG_MAX_VIPS)
		return hcfg_err(p, t, "too many virtual IPs (at most %d)",
				HSB_CFG_MAX_VIPS);
	if (n < 0)
		n = (int)v->n_vips++;
	v->vips[n] = *vip;
	return 0;
}

static int vips_clause(struct hcfg_parse *p, struct hsb_cfg_vrrp *v, int idx)
{
	struct hsb_cfg_prefix vip;

	do {
		const struct hcfg_tok *t = hcfg_peek(p);

		if (hcfg_vip(p, "virtual-ip", &vip) ||
		    add_vip(p, t, v, idx, &vip))
			return -1;
	} while (!list_ends(p));
	return 0;
}

static int peers_clause(struct hcfg_parse *p, struct hsb_cfg_vrrp *v)
{
	struct hsb_cfg_addr a;

	do {
		const struct hcfg_tok *t = hcfg_peek(p);

		if (hcfg_addr(p, "unicast-peer", AF_UNSPEC, &a))
			return -1;
		if (v->n_peers && v->peers[0].family != a.family)
			return hcfg_err(
				p, t,
				"unicast-peer: the peers must all be IPv4 or all IPv6");
		if (find_peer(v, &a) >= 0)
			continue;
		if (v->n_peers == HSB_CFG_MAX_PEERS)
			return hcfg_err(p, t,
					"too many unicast peers (at most %d)",
					HSB_CFG_MAX_PEERS);
		v->peers[v->n_peers++] = a;
	} while (!list_ends(p));
	return 0;
}

/* "garp count N interval MS [refresh SECONDS]" */
static int garp_clause(struct hcfg_parse *p, struct hsb_cfg_vrrp *v)
{
	if (hcfg_word(p, "count") ||
	    hcfg_uint(p, "count", 1, 100, &v->garp_count) ||
	    hcfg_word(p, "interval") ||
	    hcfg_uint(p, "interval", 10, 10000, &v->garp_interval_ms))
		return -1;
	v->garp_refresh_s = 0;
	if (!hcfg_peek_is(p, "refresh"))
		return 0;
	hcfg_next(p);
	return hcfg_uint(p, "refresh", 1, 86400, &v->garp_refresh_s);
}

static int preempt_clause(struct hcfg_parse *p, struct hsb_cfg_vrrp *v)
{
	v->preempt = true;
	v->preempt_delay_cs = 0;
	if (!hcfg_peek_is(p, "delay"))
		return 0;
	hcfg_next(p);
	return hcfg_uint(p, "delay", 0, 360000, &v->preempt_delay_cs);
}

static int vgmp_clause(struct hcfg_parse *p, struct hsb_cfg_vrrp *v)
{
	const struct hcfg_tok *t = hcfg_peek(p);

	if (hcfg_name(p, "vgmp-group", v->vgmp_group))
		return -1;
	if (hcfg_find_vgmp(p->cfg, v->vgmp_group) < 0)
		return hcfg_err(p, t, "vgmp group '%s' is not defined",
				v->vgmp_group);
	return 0;
}

static int vrrp_clause(struct hcfg_parse *p, int c, struct hsb_cfg_vrrp *v,
		       int idx)
{
	switch (c) {
	case R_VIP:
		return vips_clause(p, v, idx);
	case R_PRIORITY:
		return hcfg_uint(p, "priority", 1, 255, &v->priority);
	case R_ADVERT:
		return hcfg_uint(p, "advert-interval", 1, 4095, &v->advert_cs);
	case R_PREEMPT:
		return preempt_clause(p, v);
	case R_NO_PREEMPT:
		v->preempt = false;
		v->preempt_delay_cs = 0;
		return 0;
	case R_ACCEPT:
		v->accept = true;
		return 0;
	case R_VERSION:
		return hcfg_uint(p, "version", 2, 3, &v->version);
	case R_PEER:
		return peers_clause(p, v);
	case R_GARP:
		return garp_clause(p, v);
	case R_VMAC:
		v->vmac = true;
		return 0;
	case R_VGMP:
		return vgmp_clause(p, v);
	default:
		return hcfg_string(p, "notify", 1, HSB_CFG_NOTIFY_SIZE - 1,
				   v->notify);
	}
}

static const struct hcfg_tok *pick(const struct hcfg_tok *const *at, int a,
				   int b)
{
	return at[a] ? at[a] : at[b];
}

/* What only the whole instance shows; at[] holds this line's clauses. */
static int vrrp_check(struct hcfg_parse *p, const struct hsb_cfg_vrrp *v,
		      const struct hcfg_tok *const *at)
{
	int family = v->n_vips ? v->vips[0].addr.family : AF_UNSPEC;

	if (!v->n_vips)
		return hcfg_err(
			p, NULL,
			"missing 'virtual-ip ADDR' (a new vrrp instance needs one)");
	if (v->n_peers && v->peers[0].family != family)
		return hcfg_err(
			p, pick(at, R_PEER, R_VIP),
			"unicast-peer and virtual-ip must be of the same address family");
	if (v->version == 2 && family != AF_INET)
		return hcfg_err(p, pick(at, R_VERSION, R_VIP),
				"version 2 is for IPv4 only");
	if (v->version == 2 && v->advert_cs % 100)
		return hcfg_err(
			p, pick(at, R_ADVERT, R_VERSION),
			"version 2 needs an advert-interval in whole seconds (a multiple of 100)");
	return 0;
}

static void vrrp_reset(int c, struct hsb_cfg_vrrp *v)
{
	struct hsb_cfg_vrrp def;

	hcfg_vrrp_defaults(&def);
	switch (c) {
	case R_PRIORITY:
		v->priority = def.priority;
		break;
	case R_ADVERT:
		v->advert_cs = def.advert_cs;
		break;
	case R_PREEMPT:
	case R_NO_PREEMPT:
		v->preempt = def.preempt;
		v->preempt_delay_cs = def.preempt_delay_cs;
		break;
	case R_ACCEPT:
		v->accept = def.accept;
		break;
	case R_VERSION:
		v->version = def.version;
		break;
	case R_GARP:
		v->garp_count = def.garp_count;
		v->garp_interval_ms = def.garp_interval_ms;
		v->garp_refresh_s = def.garp_refresh_s;
		break;
	case R_VMAC:
		v->vmac = def.vmac;
		break;
	case R_VGMP:
		strcpy(v->vgmp_group, def.vgmp_group);
		break;
	default:
		strcpy(v->notify, def.notify);
	}
}

/* "undo ... (virtual-ip|unicast-peer) ADDR..." */
static int remove_addrs(struct hcfg_parse *p, int c, struct hsb_cfg_vrrp *v)
{
	do {
		const struct hcfg_tok *t = hcfg_peek(p);
		struct hsb_cfg_prefix vip;
		struct hsb_cfg_addr a;
		int i;

		if (c == R_VIP ? hcfg_vip(p, "virtual-ip", &vip) :
				 hcfg_addr(p, "unicast-peer", AF_UNSPEC, &a))
			return -1;
		if (c == R_VIP)
			a = vip.addr;
		i = c == R_VIP ? find_vip(v, &a) : find_peer(v, &a);
		if (i < 0)
			return hcfg_err(p, t, "no such %s in this instance",
					vrrp_clauses[c]);
		if (c == R_VIP)
			hcfg_arr_remove(v->vips, sizeof(v->vips[0]), &v->n_vips,
					(unsigned int)i);
		else
			hcfg_arr_remove(v->peers, sizeof(a), &v->n_peers,
					(unsigned int)i);
	} while (!list_ends(p));
	return 0;
}

/* An address group bound to this VRID keeps it while another IPv4
 * instance has it. */
static int vrrp_remove(struct hcfg_parse *p, const struct hcfg_tok *t,
		       unsigned int idx)
{
	struct hsb_config *cfg = p->cfg;
	const struct hsb_cfg_vrrp *v = &cfg->vrrp[idx];
	unsigned int i;

	for (i = 0; i < cfg->n_nat_groups; i++)
		if (cfg->nat_groups[i].vrrp_vrid == v->vrid &&
		    !hcfg_vrid_has_ipv4(cfg, v->vrid, (int)idx))
			return hcfg_err(
				p, t,
				"vrrp vrid %u is still used by nat address-group '%s'",
				v->vrid, cfg->nat_groups[i].name);
	hcfg_arr_remove(cfg->vrrp, sizeof(*v), &cfg->n_vrrp, idx);
	return 0;
}

/* Without clauses removes the instance; with them, removes the listed
 * addresses and resets the other named settings to their defaults. */
static int vrrp_undo(struct hcfg_parse *p, const struct hcfg_tok *t, int idx)
{
	struct hsb_config *cfg = p->cfg;
	struct hsb_cfg_vrrp v;
	unsigned int seen = 0;
	int c, rc;

	if (idx < 0)
		return hcfg_err(p, t, "no such vrrp instance");
	if (!hcfg_peek(p))
		return vrrp_remove(p, t, (unsigned int)idx);
	v = cfg->vrrp[idx];
	while ((rc = hcfg_clause(p, vrrp_clauses, &seen, &c)) == 0) {
		if (c == R_VIP || c == R_PEER) {
			if (remove_addrs(p, c, &v))
				return -1;
		} else {
			vrrp_reset(c, &v);
		}
	}
	if (rc < 0)
		return -1;
	if (!v.n_vips)
		return hcfg_err(
			p, t,
			"cannot remove the last virtual-ip; undo the instance instead");
	cfg->vrrp[idx] = v;
	return 0;
}

/* New instance: its interface must be declared with "interface". */
static int vrrp_new(struct hcfg_parse *p, const struct hcfg_tok *ift,
		    struct hsb_cfg_vrrp *v)
{
	if (hcfg_find_iface(p->cfg, v->ifname) < 0)
		return hcfg_err(p, ift, "interface '%s' is not declared",
				v->ifname);
	if (p->cfg->n_vrrp == HSB_CFG_MAX_VRRP)
		return hcfg_err(p, ift, "too many vrrp instances (at most %d)",
				HSB_CFG_MAX_VRRP);
	return 0;
}

int hcfg_cmd_vrrp(struct hcfg_parse *p)
{
	struct hsb_config *cfg = p->cfg;
	const struct hcfg_tok *t = hcfg_peek(p), *ift, *at[R_COUNT] = { 0 };
	struct hsb_cfg_vrrp v;
	unsigned int seen = 0;
	int idx, c, rc;

	hcfg_vrrp_defaults(&v);
	if (hcfg_uint(p, "vrid", 1, 255, &v.vrid) || hcfg_word(p, "interface"))
		return -1;
	ift = hcfg_peek(p);
	if (hcfg_ifname(p, "interface", v.ifname))
		return -1;
	idx = hcfg_find_vrrp(cfg, v.vrid, v.ifname);
	if (p->undo)
		return vrrp_undo(p, t, idx);
	if (idx >= 0)
		v = cfg->vrrp[idx];
	else if (vrrp_new(p, ift, &v))
		return -1;
	while ((rc = hcfg_clause(p, vrrp_clauses, &seen, &c)) == 0) {
		at[c] = hcfg_prev(p);
		if (at[R_PREEMPT] && at[R_NO_PREEMPT])
			return hcfg_err(
				p, at[c],
				"'preempt' and 'no-preempt' exclude each other");
		if (vrrp_clause(p, c, &v, idx))
			return -1;
	}
	if (rc < 0 || vrrp_check(p, &v, at))
		return -1;
	if (idx < 0)
		idx = (int)cfg->n_vrrp++;
	cfg->vrrp[idx] = v;
	return 0;
}
