// SPDX-License-Identifier: GPL-2.0-only
/* Host commands: sysname, log level, interface, session table size,
 * metrics. */
#include <string.h>

#include "config_int.h"

int hcfg_cmd_sysname(struct hcfg_parse *p)
{
	char name[HSB_CFG_SYSNAME_SIZE] = HSB_CFG_DEF_SYSNAME;

	if (!p->undo && hcfg_sysname(p, name))
		return -1;
	if (hcfg_end(p))
		return -1;
	strcpy(p->cfg->sysname, name);
	return 0;
}

int hcfg_cmd_log_level(struct hcfg_parse *p)
{
	static const char *const names[] = { "error", "warning", "info",
					     "debug", NULL };
	static const enum hsb_log_level levels[] = {
		HSB_LOG_ERR, HSB_LOG_WARNING, HSB_LOG_INFO, HSB_LOG_DEBUG
	};
	int idx = 2;

	if (!p->undo && hcfg_keyword(p, "level", names, &idx))
		return -1;
	if (hcfg_end(p))
		return -1;
	p->cfg->log_level = levels[idx];
	return 0;
}

enum { IF_ZONE, IF_XDP_MODE };
static const char *const iface_clauses[] = { "zone", "xdp-mode", NULL };
static const char *const xdp_modes[] = { "auto", "native", "generic", NULL };

/* VRRP instances run on declared interfaces: their VIPs are answered by
 * the XDP program attached there. */
static int iface_remove(struct hcfg_parse *p, const struct hcfg_tok *t,
			unsigned int idx)
{
	struct hsb_config *cfg = p->cfg;
	unsigned int i;

	for (i = 0; i < cfg->n_vrrp; i++)
		if (!strcmp(cfg->vrrp[i].ifname, t->s))
			return hcfg_err(
				p, t,
				"interface '%s' is still used by vrrp vrid %u",
				t->s, cfg->vrrp[i].vrid);
	hcfg_arr_remove(cfg->ifaces, sizeof(cfg->ifaces[0]), &cfg->n_ifaces,
			idx);
	return 0;
}

/* "undo interface IF" removes it, "undo interface IF CLAUSE..." resets
 * the clauses to their defaults. */
static int iface_undo(struct hcfg_parse *p, const struct hcfg_tok *t, int idx)
{
	struct hsb_cfg_iface ifc;
	unsigned int seen = 0;
	int c, rc;

	if (idx < 0)
		return hcfg_err(p, t, "no such interface '%s'", t->s);
	if (!hcfg_peek(p))
		return iface_remove(p, t, (unsigned int)idx);
	ifc = p->cfg->ifaces[idx];
	while ((rc = hcfg_clause(p, iface_clauses, &seen, &c)) == 0) {
		if (c == IF_ZONE)
			ifc.zone[0] = '\0';
		else
			ifc.xdp_mode = HSB_XDP_MODE_AUTO;
	}
	if (rc < 0)
		return -1;
	p->cfg->ifaces[idx] = ifc;
	return 0;
}

static int iface_zone(struct hcfg_parse *p, struct hsb_cfg_iface *ifc)
{
	const struct hcfg_tok *t = hcfg_peek(p);

	if (hcfg_name(p, "zone", ifc->zone) || hcfg_need_zone(p, t, ifc->zone))
		return -1;
	if (!strcmp(ifc->zone, "local"))
		return hcfg_err(
			p, t,
			"zone 'local' is the firewall itself; an interface cannot be in it");
	return 0;
}

int hcfg_cmd_interface(struct hcfg_parse *p)
{
	struct hsb_config *cfg = p->cfg;
	const struct hcfg_tok *t = hcfg_peek(p);
	struct hsb_cfg_iface ifc;
	unsigned int seen = 0;
	int idx, c, rc, mode;

	memset(&ifc, 0, sizeof(ifc));
	if (hcfg_ifname(p, "interface", ifc.name))
		return -1;
	idx = hcfg_find_iface(cfg, ifc.name);
	if (p->undo)
		return iface_undo(p, t, idx);
	if (idx >= 0)
		ifc = cfg->ifaces[idx];
	else if (cfg->n_ifaces == HSB_CFG_MAX_IFACES)
		return hcfg_err(p, t, "too many interfaces (at most %d)",
				HSB_CFG_MAX_IFACES);
	while ((rc = hcfg_clause(p, iface_clauses, &seen, &c)) == 0) {
		if (c == IF_ZONE)
			rc = iface_zone(p, &ifc);
		else if (!(rc = hcfg_keyword(p, "xdp-mode", xdp_modes, &mode)))
			ifc.xdp_mode = (enum hsb_xdp_mode)mode;
		if (rc)
			return -1;
	}
	if (rc < 0)
		return -1;
	if (idx < 0)
		idx = (int)cfg->n_ifaces++;
	cfg->ifaces[idx] = ifc;
	return 0;
}

int hcfg_cmd_table_size(struct hcfg_parse *p)
{
	uint32_t n = HSB_CFG_DEF_TABLE_SIZE;

	if (!p->undo && hcfg_uint(p, "table-size", 1024, 16777216, &n))
		return -1;
	if (hcfg_end(p))
		return -1;
	p->cfg->session.table_size = n;
	return 0;
}

int hcfg_cmd_metrics(struct hcfg_parse *p)
{
	struct hsb_cfg_metrics m;

	memset(&m, 0, sizeof(m));
	if (!p->undo) {
		if (hcfg_addr(p, "listen", AF_UNSPEC, &m.addr) ||
		    hcfg_port(p, "listen", &m.port))
			return -1;
		m.enable = true;
	}
	if (hcfg_end(p))
		return -1;
	p->cfg->metrics = m;
	return 0;
}
