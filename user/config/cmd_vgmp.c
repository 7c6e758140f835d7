// SPDX-License-Identifier: GPL-2.0-only
/* VGMP commands: groups, their settings and what they track. */
#include <string.h>

#include "config_int.h"

enum { V_PRIORITY, V_PREEMPT, V_HELLO, V_DEAD_COUNT, V_MODE, V_NOTIFY };
static const char *const vgmp_clauses[] = {
	"priority", "preempt", "hello-interval", "dead-count", "mode",
	"notify",   NULL,
};

static int vgmp_clause(struct hcfg_parse *p, int c, struct hsb_cfg_vgmp *g)
{
	static const char *const modes[] = { "active-standby", "load-balance",
					     NULL };
	int mode;

	switch (c) {
	case V_PRIORITY:
		return hcfg_uint(p, "priority", 1, 65535, &g->priority);
	case V_PREEMPT:
		g->preempt = true;
		g->preempt_delay = 0;
		if (!hcfg_peek_is(p, "delay"))
			return 0;
		hcfg_next(p);
		return hcfg_uint(p, "delay", 0, 3600, &g->preempt_delay);
	case V_HELLO:
		return hcfg_uint(p, "hello-interval", 10, 10000, &g->hello_ms);
	case V_DEAD_COUNT:
		return hcfg_uint(p, "dead-count", 2, 10, &g->dead_count);
	case V_NOTIFY:
		return hcfg_string(p, "notify", 1, HSB_CFG_NOTIFY_SIZE - 1,
				   g->notify);
	default:
		if (hcfg_keyword(p, "mode", modes, &mode))
			return -1;
		g->mode = (enum hsb_vgmp_mode)mode;
		return 0;
	}
}

static void vgmp_reset(int c, struct hsb_cfg_vgmp *g)
{
	struct hsb_cfg_vgmp def;

	hcfg_vgmp_defaults(&def);
	switch (c) {
	case V_PRIORITY:
		g->priority = def.priority;
		break;
	case V_PREEMPT:
		g->preempt = def.preempt;
		g->preempt_delay = def.preempt_delay;
		break;
	case V_HELLO:
		g->hello_ms = def.hello_ms;
		break;
	case V_DEAD_COUNT:
		g->dead_count = def.dead_count;
		break;
	case V_NOTIFY:
		strcpy(g->notify, def.notify);
		break;
	default:
		g->mode = def.mode;
	}
}

static int vgmp_remove(struct hcfg_parse *p, const struct hcfg_tok *t,
		       unsigned int idx)
{
	struct hsb_config *cfg = p->cfg;
	unsigned int i;

	for (i = 0; i < cfg->n_vrrp; i++)
		if (!strcmp(cfg->vrrp[i].vgmp_group, t->s))
			return hcfg_err(
				p, t,
				"vgmp group '%s' is still used by vrrp vrid %u interface %s",
				t->s, cfg->vrrp[i].vrid, cfg->vrrp[i].ifname);
	hcfg_arr_remove(cfg->vgmp, sizeof(cfg->vgmp[0]), &cfg->n_vgmp, idx);
	return 0;
}

/* Without clauses removes the group, else resets the named settings. */
static int vgmp_undo(struct hcfg_parse *p, const struct hcfg_tok *t, int idx)
{
	struct hsb_cfg_vgmp *g;
	unsigned int seen = 0;
	int c, rc;

	if (idx < 0)
		return hcfg_err(p, t, "no such vgmp group '%s'", t->s);
	if (!hcfg_peek(p))
		return vgmp_remove(p, t, (unsigned int)idx);
	/* Resetting cannot fail half way: check the whole line first. */
	while ((rc = hcfg_clause(p, vgmp_clauses, &seen, &c)) == 0)
		;
	if (rc < 0)
		return -1;
	g = &p->cfg->vgmp[idx];
	for (c = V_PRIORITY; c <= V_NOTIFY; c++)
		if (seen & (1u << c))
			vgmp_reset(c, g);
	return 0;
}

enum { T_INTERFACE, T_INTERVAL, T_THRESHOLD, T_REDUCE };
static const char *const track_clauses[] = { "interface", "interval",
					     "threshold", "reduce", NULL };

static int find_track(const struct hsb_cfg_vgmp *g,
		      const struct hsb_cfg_track *tr)
{
	unsigned int i;

	for (i = 0; i < g->n_tracks; i++) {
		const struct hsb_cfg_track *o = &g->tracks[i];

		if (o->type == tr->type &&
		    (tr->type == HSB_TRACK_INTERFACE ?
			     !strcmp(o->ifname, tr->ifname) :
			     hcfg_addr_eq(&o->ip, &tr->ip)))
			return (int)i;
	}
	return -1;
}

/* Interface tracks take only "reduce"; IP tracks all three clauses. */
static int track_clauses_parse(struct hcfg_parse *p, struct hsb_cfg_track *tr)
{
	static const char *const if_clauses[] = { "reduce", NULL };
	bool ip = tr->type == HSB_TRACK_IP;
	unsigned int seen = 0;
	int c, rc;

	while ((rc = hcfg_clause(p, ip ? track_clauses : if_clauses, &seen,
				 &c)) == 0) {
		if (!ip)
			c = T_REDUCE;
		if (c == T_INTERFACE)
			rc = hcfg_ifname(p, "interface", tr->ifname);
		else if (c == T_INTERVAL)
			rc = hcfg_uint(p, "interval", 100, 60000,
				       &tr->interval_ms);
		else if (c == T_THRESHOLD)
			rc = hcfg_uint(p, "threshold", 1, 10, &tr->threshold);
		else
			rc = hcfg_uint(p, "reduce", 1, 65535, &tr->reduce);
		if (rc)
			return -1;
	}
	return rc < 0 ? -1 : 0;
}

/* "vgmp group NAME track (interface IFNAME | ip ADDR) ...", after
 * 'track'. A track is identified by its interface or address. */
static int track_cmd(struct hcfg_parse *p, const struct hcfg_tok *name,
		     int gidx)
{
	static const char *const types[] = { "interface", "ip", NULL };
	struct hsb_cfg_track tr;
	struct hsb_cfg_vgmp *g;
	const struct hcfg_tok *t;
	int type, tidx;

	memset(&tr, 0, sizeof(tr));
	if (hcfg_keyword(p, "track", types, &type))
		return -1;
	tr.type = (enum hsb_track_type)type;
	tr.reduce = HSB_CFG_DEF_TRACK_REDUCE;
	t = hcfg_peek(p);
	if (tr.type == HSB_TRACK_INTERFACE ?
		    hcfg_ifname(p, "track interface", tr.ifname) :
		    hcfg_addr(p, "track ip", AF_UNSPEC, &tr.ip))
		return -1;
	if (tr.type == HSB_TRACK_IP) {
		tr.interval_ms = HSB_CFG_DEF_TRACK_INTERVAL_MS;
		tr.threshold = HSB_CFG_DEF_TRACK_THRESHOLD;
	}
	if (gidx < 0)
		return hcfg_err(p, name, "vgmp group '%s' is not defined",
				name->s);
	g = &p->cfg->vgmp[gidx];
	tidx = find_track(g, &tr);
	if (p->undo) {
		if (hcfg_end(p))
			return -1;
		if (tidx < 0)
			return hcfg_err(p, t,
					"no such track in vgmp group '%s'",
					g->name);
		hcfg_arr_remove(g->tracks, sizeof(tr), &g->n_tracks,
				(unsigned int)tidx);
		return 0;
	}
	if (track_clauses_parse(p, &tr))
		return -1;
	if (tidx < 0 && g->n_tracks == HSB_CFG_MAX_TRACKS)
		return hcfg_err(
			p, t, "too many tracks in vgmp group '%s' (at most %d)",
			g->name, HSB_CFG_MAX_TRACKS);
	if (tidx < 0)
		tidx = (int)g->n_tracks++;
	g->tracks[tidx] = tr;
	return 0;
}

/* Settings given on separate lines merge into one group. */
int hcfg_cmd_vgmp(struct hcfg_parse *p)
{
	struct hsb_config *cfg = p->cfg;
	const struct hcfg_tok *t = hcfg_peek(p);
	struct hsb_cfg_vgmp g;
	unsigned int seen = 0;
	int idx, c, rc;

	hcfg_vgmp_defaults(&g);
	if (hcfg_name(p, "group", g.name))
		return -1;
	idx = hcfg_find_vgmp(cfg, g.name);
	if (hcfg_peek_is(p, "track") && hcfg_next(p))
		return track_cmd(p, t, idx);
	if (p->undo)
		return vgmp_undo(p, t, idx);
	if (idx >= 0)
		g = cfg->vgmp[idx];
	else if (cfg->n_vgmp == HSB_CFG_MAX_VGMP)
		return hcfg_err(p, t, "too many vgmp groups (at most %d)",
				HSB_CFG_MAX_VGMP);
	while ((rc = hcfg_clause(p, vgmp_clauses, &seen, &c)) == 0)
		if (vgmp_clause(p, c, &g))
			return -1;
	if (rc < 0)
		return -1;
	if (idx < 0)
		idx = (int)cfg->n_vgmp++;
	cfg->vgmp[idx] = g;
	return 0;
}
