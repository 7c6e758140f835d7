// SPDX-License-Identifier: GPL-2.0-only
/*
 * Canonical printing: one line per object in dependency order, clauses in
 * a fixed order, defaults left out. Parsing the output gives an equal
 * model, and printing that model gives the same text.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

struct walk {
	hsb_config_line_fn fn;
	void *ctx;
	int rc; /* first non-zero callback result: stops the walk */
	size_t len;
	char line[HCFG_MAX_LINE + 1];
};

/* Lines cannot overflow: the limits on every list keep the longest
 * (a VRRP instance) under half of HCFG_MAX_LINE. */
static void add(struct walk *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add(struct walk *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(w->line + w->len, sizeof(w->line) - w->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		w->len += (size_t)n;
	if (w->len >= sizeof(w->line))
		w->len = sizeof(w->line) - 1;
}

static void emit(struct walk *w, enum hsb_cmd_scope scope)
{
	if (!w->rc)
		w->rc = w->fn(w->line, scope, w->ctx);
	w->len = 0;
	w->line[0] = '\0';
}

static void add_quoted(struct walk *w, const char *s)
{
	add(w, " \"");
	for (; *s; s++)
		add(w, "%s%c", *s == '"' || *s == '\\' ? "\\" : "", *s);
	add(w, "\"");
}

static void add_prefix(struct walk *w, const char *kw,
		       const struct hsb_cfg_prefix *pfx)
{
	char buf[HCFG_ADDRSTRLEN];

	if (pfx->addr.family)
		add(w, " %s %s", kw, hcfg_fmt_prefix(pfx, buf));
}

static void add_v4(struct walk *w, const struct in_addr *a)
{
	struct hsb_cfg_addr addr = { .family = AF_INET, .v4 = *a };
	char buf[HCFG_ADDRSTRLEN];

	add(w, " %s", hcfg_fmt_addr(&addr, buf));
}

static void add_protocol(struct walk *w, int proto)
{
	switch (proto) {
	case HSB_CFG_PROTO_ANY:
		break;
	case IPPROTO_TCP:
		add(w, " protocol tcp");
		break;
	case IPPROTO_UDP:
		add(w, " protocol udp");
		break;
	case IPPROTO_ICMP:
		add(w, " protocol icmp");
		break;
	case IPPROTO_ICMPV6:
		add(w, " protocol icmpv6");
		break;
	default:
		add(w, " protocol %d", proto);
	}
}

static void add_match(struct walk *w, const struct hsb_cfg_match *m)
{
	add(w, " from %s to %s", m->from, m->to);
	add_prefix(w, "source", &m->src);
	add_prefix(w, "destination", &m->dst);
	add_protocol(w, m->protocol);
	if (m->dport_lo == m->dport_hi && m->dport_lo)
		add(w, " destination-port %u", m->dport_lo);
	else if (m->dport_lo)
		add(w, " destination-port %u-%u", m->dport_lo, m->dport_hi);
}

static void render_host(struct walk *w, const struct hsb_config *cfg)
{
	static const char *const xdp_modes[] = { "auto", "native", "generic" };
	const char *level = cfg->log_level == HSB_LOG_ERR     ? "error" :
			    cfg->log_level == HSB_LOG_WARNING ? "warning" :
			    cfg->log_level == HSB_LOG_DEBUG   ? "debug" :
								"info";
	unsigned int i;

	if (strcmp(cfg->sysname, HSB_CFG_DEF_SYSNAME)) {
		add(w, "sysname %s", cfg->sysname);
		emit(w, HSB_SCOPE_LOCAL);
	}
	if (cfg->log_level != HSB_LOG_INFO) {
		add(w, "log level %s", level);
		emit(w, HSB_SCOPE_LOCAL);
	}
	for (i = 0; i < cfg->n_zones; i++) {
		add(w, "firewall zone %s", cfg->zones[i].name);
		emit(w, HSB_SCOPE_BACKED_UP);
	}
	for (i = 0; i < cfg->n_ifaces; i++) {
		const struct hsb_cfg_iface *ifc = &cfg->ifaces[i];

		add(w, "interface %s", ifc->name);
		if (ifc->zone[0])
			add(w, " zone %s", ifc->zone);
		if (ifc->xdp_mode != HSB_XDP_MODE_AUTO)
			add(w, " xdp-mode %s", xdp_modes[ifc->xdp_mode]);
		emit(w, HSB_SCOPE_LOCAL);
	}
}

static void render_session(struct walk *w, const struct hsb_config *cfg)
{
	char buf[HCFG_ADDRSTRLEN];
	unsigned int i;

	if (cfg->session.table_size != HSB_CFG_DEF_TABLE_SIZE) {
		add(w, "firewall session table-size %u",
		    cfg->session.table_size);
		emit(w, HSB_SCOPE_LOCAL);
	}
	for (i = 0; i < HSB_TMO_COUNT; i++) {
		if (cfg->session.timeout[i] == hcfg_def_timeout[i])
			continue;
		add(w, "firewall session timeout %s %u", hcfg_tmo_names[i],
		    cfg->session.timeout[i]);
		emit(w, HSB_SCOPE_BACKED_UP);
	}
	for (i = 0; i < cfg->n_blacklist; i++) {
		add(w, "firewall blacklist %s",
		    hcfg_fmt_prefix(&cfg->blacklist[i].prefix, buf));
		if (cfg->blacklist[i].expire)
			add(w, " expire %u", cfg->blacklist[i].expire);
		emit(w, HSB_SCOPE_BACKED_UP);
	}
	for (i = 0; i < cfg->n_whitelist; i++) {
		add(w, "firewall whitelist %s",
		    hcfg_fmt_prefix(&cfg->whitelist[i].prefix, buf));
		emit(w, HSB_SCOPE_BACKED_UP);
	}
}

static void render_security(struct walk *w, const struct hsb_config *cfg)
{
	unsigned int i;

	for (i = 0; i < cfg->n_sec_rules; i++) {
		const struct hsb_cfg_sec_rule *r = &cfg->sec_rules[i];

		add(w, "security-policy rule %s", r->name);
		add_match(w, &r->match);
		add(w, " action %s",
		    r->action == HSB_CFG_ACTION_PERMIT ? "permit" : "deny");
		emit(w, HSB_SCOPE_BACKED_UP);
	}
}

static void render_nat_groups(struct walk *w, const struct hsb_config *cfg)
{
	static const char *const partitions[] = { "none", "lower", "upper" };
	unsigned int i, j;

	for (i = 0; i < cfg->n_nat_groups; i++) {
		const struct hsb_cfg_nat_group *g = &cfg->nat_groups[i];

		add(w, "nat address-group %s mode %s", g->name,
		    g->mode == HSB_NAT_MODE_PAT ? "pat" : "no-pat");
		if (g->port_lo != HSB_CFG_DEF_NAT_PORT_LO ||
		    g->port_hi != HSB_CFG_DEF_NAT_PORT_HI)
			add(w, " port-range %u %u", g->port_lo, g->port_hi);
		emit(w, HSB_SCOPE_BACKED_UP);
		for (j = 0; j < g->n_sections; j++) {
			const struct hsb_cfg_nat_section *s = &g->sections[j];

			add(w, "nat address-group %s section", g->name);
			add_v4(w, &s->lo);
			if (s->hi.s_addr != s->lo.s_addr)
				add_v4(w, &s->hi);
			emit(w, HSB_SCOPE_BACKED_UP);
		}
	}
	if (cfg->nat_partition != HSB_NAT_PARTITION_NONE) {
		add(w, "nat port-partition %s", partitions[cfg->nat_partition]);
		emit(w, HSB_SCOPE_LOCAL);
	}
}

static void render_nat(struct walk *w, const struct hsb_config *cfg)
{
	unsigned int i;

	for (i = 0; i < cfg->n_nat_rules; i++) {
		const struct hsb_cfg_nat_rule *r = &cfg->nat_rules[i];

		add(w, "nat policy rule %s", r->name);
		add_match(w, &r->match);
		if (r->action == HSB_NAT_ACTION_SOURCE_NAT)
			add(w, " action source-nat address-group %s", r->group);
		else
			add(w, " action no-nat");
		emit(w, HSB_SCOPE_BACKED_UP);
	}
	for (i = 0; i < cfg->n_nat_servers; i++) {
		const struct hsb_cfg_nat_server *s = &cfg->nat_servers[i];

		add(w, "nat server %s protocol %s global", s->name,
		    s->protocol == IPPROTO_TCP ? "tcp" :
		    s->protocol == IPPROTO_UDP ? "udp" :
						 "any");
		add_v4(w, &s->global);
		if (s->global_port)
			add(w, " %u", s->global_port);
		add(w, " inside");
		add_v4(w, &s->inside);
		if (s->inside_port)
			add(w, " %u", s->inside_port);
		if (s->zone[0])
			add(w, " zone %s", s->zone);
		emit(w, HSB_SCOPE_BACKED_UP);
	}
}

static void render_flag(struct walk *w, bool on, const char *line)
{
	if (on) {
		add(w, "%s", line);
		emit(w, HSB_SCOPE_LOCAL);
	}
}

/* The link and options first, "hrp enable" last: enabling needs them. */
static void render_hrp(struct walk *w, const struct hsb_cfg_hrp *hrp)
{
	char buf[HCFG_ADDRSTRLEN];

	if (hrp->has_link) {
		add(w, "hrp interface %s remote %s", hrp->ifname,
		    hcfg_fmt_addr(&hrp->remote, buf));
		if (hrp->local.family)
			add(w, " local %s", hcfg_fmt_addr(&hrp->local, buf));
		if (hrp->port != HSB_CFG_DEF_HRP_PORT)
			add(w, " port %u", hrp->port);
		emit(w, HSB_SCOPE_LOCAL);
	}
	if (hrp->auth_key[0]) {
		add(w, "hrp authentication-key");
		add_quoted(w, hrp->auth_key);
		emit(w, HSB_SCOPE_LOCAL);
	}
	render_flag(w, hrp->mirror_session, "hrp mirror session enable");
	render_flag(w, !hrp->auto_sync_config, "undo hrp auto-sync config");
	render_flag(w, !hrp->auto_sync_state, "undo hrp auto-sync state");
	render_flag(w, hrp->standby_config, "hrp standby-config enable");
	render_flag(w, hrp->enable, "hrp enable");
}

static void render_track(struct walk *w, const struct hsb_cfg_vgmp *g,
			 const struct hsb_cfg_track *tr)
{
	char buf[HCFG_ADDRSTRLEN];

	add(w, "vgmp group %s track", g->name);
	if (tr->type == HSB_TRACK_INTERFACE) {
		add(w, " interface %s", tr->ifname);
	} else {
		add(w, " ip %s", hcfg_fmt_addr(&tr->ip, buf));
		if (tr->ifname[0])
			add(w, " interface %s", tr->ifname);
		if (tr->interval_ms != HSB_CFG_DEF_TRACK_INTERVAL_MS)
			add(w, " interval %u", tr->interval_ms);
		if (tr->threshold != HSB_CFG_DEF_TRACK_THRESHOLD)
			add(w, " threshold %u", tr->threshold);
	}
	if (tr->reduce != HSB_CFG_DEF_TRACK_REDUCE)
		add(w, " reduce %u", tr->reduce);
	emit(w, HSB_SCOPE_LOCAL);
}

static void render_vgmp(struct walk *w, const struct hsb_config *cfg)
{
	unsigned int i, j;

	for (i = 0; i < cfg->n_vgmp; i++) {
		const struct hsb_cfg_vgmp *g = &cfg->vgmp[i];

		add(w, "vgmp group %s", g->name);
		if (g->priority != HSB_CFG_DEF_VGMP_PRIORITY)
			add(w, " priority %u", g->priority);
		if (g->preempt)
			add(w, " preempt");
		if (g->preempt && g->preempt_delay)
			add(w, " delay %u", g->preempt_delay);
		if (g->hello_ms != HSB_CFG_DEF_VGMP_HELLO_MS)
			add(w, " hello-interval %u", g->hello_ms);
		if (g->dead_count != HSB_CFG_DEF_VGMP_DEAD_COUNT)
			add(w, " dead-count %u", g->dead_count);
		if (g->mode == HSB_VGMP_MODE_LOAD_BALANCE)
			add(w, " mode load-balance");
		if (g->notify[0]) {
			add(w, " notify");
			add_quoted(w, g->notify);
		}
		emit(w, HSB_SCOPE_LOCAL);
		for (j = 0; j < g->n_tracks; j++)
			render_track(w, g, &g->tracks[j]);
	}
}

/* After the instances, which they name. */
static void render_nat_bindings(struct walk *w, const struct hsb_config *cfg)
{
	unsigned int i;

	for (i = 0; i < cfg->n_nat_groups; i++) {
		const struct hsb_cfg_nat_group *g = &cfg->nat_groups[i];

		if (!g->vrrp_vrid)
			continue;
		add(w, "nat address-group %s vrrp vrid %u", g->name,
		    g->vrrp_vrid);
		emit(w, HSB_SCOPE_BACKED_UP);
	}
}

static void render_vrrp_opts(struct walk *w, const struct hsb_cfg_vrrp *v)
{
	char buf[HCFG_ADDRSTRLEN];
	unsigned int i;

	if (v->n_peers)
		add(w, " unicast-peer");
	for (i = 0; i < v->n_peers; i++)
		add(w, " %s", hcfg_fmt_addr(&v->peers[i], buf));
	if (v->garp_count != HSB_CFG_DEF_GARP_COUNT ||
	    v->garp_interval_ms != HSB_CFG_DEF_GARP_INTERVAL_MS ||
	    v->garp_refresh_s)
		add(w, " garp count %u interval %u", v->garp_count,
		    v->garp_interval_ms);
	if (v->garp_refresh_s)
		add(w, " refresh %u", v->garp_refresh_s);
	if (v->vmac)
		add(w, " vmac");
	if (v->vgmp_group[0])
		add(w, " vgmp-group %s", v->vgmp_group);
	if (v->notify[0]) {
		add(w, " notify");
		add_quoted(w, v->notify);
	}
}

static void render_vrrp(struct walk *w, const struct hsb_config *cfg)
{
	char buf[HCFG_ADDRSTRLEN];
	unsigned int i, j;

	for (i = 0; i < cfg->n_vrrp; i++) {
		const struct hsb_cfg_vrrp *v = &cfg->vrrp[i];

		add(w, "vrrp vrid %u interface %s virtual-ip", v->vrid,
		    v->ifname);
		for (j = 0; j < v->n_vips; j++)
			add(w, " %s", hcfg_fmt_prefix(&v->vips[j], buf));
		if (v->priority != HSB_CFG_DEF_VRRP_PRIORITY)
			add(w, " priority %u", v->priority);
		if (v->advert_cs != HSB_CFG_DEF_VRRP_ADVERT_CS)
			add(w, " advert-interval %u", v->advert_cs);
		if (!v->preempt)
			add(w, " no-preempt");
		else if (v->preempt_delay_cs)
			add(w, " preempt delay %u", v->preempt_delay_cs);
		if (v->accept)
			add(w, " accept");
		if (v->version != HSB_CFG_DEF_VRRP_VERSION)
			add(w, " version %u", v->version);
		render_vrrp_opts(w, v);
		emit(w, HSB_SCOPE_LOCAL);
	}
}

int hsb_config_foreach(const struct hsb_config *cfg, hsb_config_line_fn fn,
		       void *ctx)
{
	struct walk *w = calloc(1, sizeof(*w));
	char buf[HCFG_ADDRSTRLEN];
	int rc;

	if (!w)
		return -1;
	w->fn = fn;
	w->ctx = ctx;
	render_host(w, cfg);
	render_session(w, cfg);
	render_security(w, cfg);
	render_nat_groups(w, cfg);
	render_nat(w, cfg);
	render_hrp(w, &cfg->hrp);
	render_vgmp(w, cfg);
	render_vrrp(w, cfg);
	render_nat_bindings(w, cfg);
	if (cfg->metrics.enable) {
		add(w, "metrics listen %s %u",
		    hcfg_fmt_addr(&cfg->metrics.addr, buf), cfg->metrics.port);
		emit(w, HSB_SCOPE_LOCAL);
	}
	rc = w->rc;
	free(w);
	return rc;
}

struct text {
	char *s;
	size_t len, cap;
	int scope; /* -1: every line */
};

static int append_line(const char *line, enum hsb_cmd_scope scope, void *ctx)
{
	struct text *t = ctx;
	size_t n = strlen(line);

	if (t->scope >= 0 && (int)scope != t->scope)
		return 0;
	if (t->len + n + 2 > t->cap) {
		size_t cap = (t->cap + n + 2) * 2;
		char *s = realloc(t->s, cap);

		if (!s)
			return 1;
		t->s = s;
		t->cap = cap;
	}
	memcpy(t->s + t->len, line, n);
	t->len += n;
	t->s[t->len++] = '\n';
	t->s[t->len] = '\0';
	return 0;
}

static char *render(const struct hsb_config *cfg, int scope)
{
	struct text t = { .s = calloc(1, 1), .cap = 1, .scope = scope };

	if (!t.s || hsb_config_foreach(cfg, append_line, &t)) {
		free(t.s);
		return NULL;
	}
	return t.s;
}

char *hsb_config_render(const struct hsb_config *cfg)
{
	return render(cfg, -1);
}

char *hsb_config_render_scope(const struct hsb_config *cfg,
			      enum hsb_cmd_scope scope)
{
	return render(cfg, (int)scope);
}
