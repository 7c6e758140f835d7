// SPDX-License-Identifier: GPL-2.0-only
/* The model: construction, copy, comparison and lookups. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

const uint32_t hcfg_def_timeout[HSB_TMO_COUNT] = {
	[HSB_TMO_TCP_SYN] = 30,	  [HSB_TMO_TCP_ESTABLISHED] = 3600,
	[HSB_TMO_TCP_FIN] = 120,  [HSB_TMO_TCP_TIME_WAIT] = 120,
	[HSB_TMO_TCP_CLOSE] = 10, [HSB_TMO_UDP] = 120,
	[HSB_TMO_ICMP] = 30,
};

const char *const hcfg_tmo_names[] = {
	"tcp-syn",   "tcp-established",
	"tcp-fin",   "tcp-time-wait",
	"tcp-close", "udp",
	"icmp",	     NULL,
};

const char *const hsb_cfg_builtin_zones[HSB_CFG_N_BUILTIN_ZONES] = {
	"local", "trust", "untrust", "dmz"
};

struct hsb_config *hsb_config_new(void)
{
	struct hsb_config *cfg = calloc(1, sizeof(*cfg));
	int i;

	if (!cfg)
		return NULL;
	strcpy(cfg->sysname, HSB_CFG_DEF_SYSNAME);
	cfg->log_level = HSB_LOG_INFO;
	cfg->session.table_size = HSB_CFG_DEF_TABLE_SIZE;
	for (i = 0; i < HSB_TMO_COUNT; i++)
		cfg->session.timeout[i] = hcfg_def_timeout[i];
	cfg->hrp.port = HSB_CFG_DEF_HRP_PORT;
	cfg->hrp.auto_sync_config = true;
	cfg->hrp.auto_sync_state = true;
	return cfg;
}

void hsb_config_free(struct hsb_config *cfg)
{
	free(cfg);
}

/* Fixed-size arrays: a flat copy is a deep copy. */
struct hsb_config *hsb_config_clone(const struct hsb_config *cfg)
{
	struct hsb_config *c = malloc(sizeof(*c));

	if (c)
		memcpy(c, cfg, sizeof(*c));
	return c;
}

void hcfg_vgmp_defaults(struct hsb_cfg_vgmp *g)
{
	memset(g, 0, sizeof(*g));
	g->priority = HSB_CFG_DEF_VGMP_PRIORITY;
	g->hello_ms = HSB_CFG_DEF_VGMP_HELLO_MS;
	g->dead_count = HSB_CFG_DEF_VGMP_DEAD_COUNT;
}

void hcfg_vrrp_defaults(struct hsb_cfg_vrrp *v)
{
	memset(v, 0, sizeof(*v));
	v->priority = HSB_CFG_DEF_VRRP_PRIORITY;
	v->advert_cs = HSB_CFG_DEF_VRRP_ADVERT_CS;
	v->preempt = true;
	v->version = HSB_CFG_DEF_VRRP_VERSION;
	v->garp_count = HSB_CFG_DEF_GARP_COUNT;
	v->garp_interval_ms = HSB_CFG_DEF_GARP_INTERVAL_MS;
}

/*
 * Comparison is field by field (not memcmp) so bytes past a string's NUL
 * and struct padding never make two equal models differ.
 */
#define EQ(f) (a->f == b->f)
#define STR_EQ(f) (!strcmp(a->f, b->f))

static bool iface_eq(const struct hsb_cfg_iface *a,
		     const struct hsb_cfg_iface *b)
{
	return STR_EQ(name) && STR_EQ(zone) && EQ(xdp_mode);
}

static bool zone_eq(const struct hsb_cfg_zone *a, const struct hsb_cfg_zone *b)
{
	return STR_EQ(name);
}

static bool list_eq(const struct hsb_cfg_list_entry *a,
		    const struct hsb_cfg_list_entry *b)
{
	return hcfg_prefix_eq(&a->prefix, &b->prefix) && EQ(expire);
}

static bool match_eq(const struct hsb_cfg_match *a,
		     const struct hsb_cfg_match *b)
{
	return STR_EQ(from) && STR_EQ(to) && hcfg_prefix_eq(&a->src, &b->src) &&
	       hcfg_prefix_eq(&a->dst, &b->dst) && EQ(protocol) &&
	       EQ(dport_lo) && EQ(dport_hi);
}

static bool sec_rule_eq(const struct hsb_cfg_sec_rule *a,
			const struct hsb_cfg_sec_rule *b)
{
	return STR_EQ(name) && match_eq(&a->match, &b->match) && EQ(action);
}

static bool nat_rule_eq(const struct hsb_cfg_nat_rule *a,
			const struct hsb_cfg_nat_rule *b)
{
	return STR_EQ(name) && match_eq(&a->match, &b->match) && EQ(action) &&
	       STR_EQ(group);
}

static bool section_eq(const struct hsb_cfg_nat_section *a,
		       const struct hsb_cfg_nat_section *b)
{
	return EQ(lo.s_addr) && EQ(hi.s_addr);
}

static bool track_eq(const struct hsb_cfg_track *a,
		     const struct hsb_cfg_track *b)
{
	return EQ(type) && STR_EQ(ifname) && hcfg_addr_eq(&a->ip, &b->ip) &&
	       EQ(interval_ms) && EQ(threshold) && EQ(reduce);
}

static bool addr_eq(const struct hsb_cfg_addr *a, const struct hsb_cfg_addr *b)
{
	return hcfg_addr_eq(a, b);
}

/* Compares two counted arrays with an element comparator. */
#define ARR_EQ(arr, n, fn)                                        \
	({                                                        \
		bool _eq = EQ(n);                                 \
		for (unsigned int _i = 0; _eq && _i < a->n; _i++) \
			_eq = fn(&a->arr[_i], &b->arr[_i]);       \
		_eq;                                              \
	})

static bool nat_group_eq(const struct hsb_cfg_nat_group *a,
			 const struct hsb_cfg_nat_group *b)
{
	return STR_EQ(name) && EQ(mode) && EQ(port_lo) && EQ(port_hi) &&
	       EQ(vrrp_vrid) && ARR_EQ(sections, n_sections, section_eq);
}

static bool nat_server_eq(const struct hsb_cfg_nat_server *a,
			  const struct hsb_cfg_nat_server *b)
{
	return STR_EQ(name) && EQ(protocol) && EQ(global.s_addr) &&
	       EQ(global_port) && EQ(inside.s_addr) && EQ(inside_port) &&
	       STR_EQ(zone);
}

static bool hrp_eq(const struct hsb_cfg_hrp *a, const struct hsb_cfg_hrp *b)
{
	return EQ(enable) && EQ(has_link) && STR_EQ(ifname) &&
	       hcfg_addr_eq(&a->remote, &b->remote) &&
	       hcfg_addr_eq(&a->local, &b->local) && EQ(port) &&
	       STR_EQ(auth_key) && EQ(mirror_session) && EQ(auto_sync_config) &&
	       EQ(auto_sync_state) && EQ(standby_config);
}

static bool vgmp_eq(const struct hsb_cfg_vgmp *a, const struct hsb_cfg_vgmp *b)
{
	return STR_EQ(name) && EQ(priority) && EQ(preempt) &&
	       EQ(preempt_delay) && EQ(hello_ms) && EQ(dead_count) &&
	       EQ(mode) && ARR_EQ(tracks, n_tracks, track_eq) && STR_EQ(notify);
}

static bool vrrp_eq(const struct hsb_cfg_vrrp *a, const struct hsb_cfg_vrrp *b)
{
	return EQ(vrid) && STR_EQ(ifname) &&
	       ARR_EQ(vips, n_vips, hcfg_prefix_eq) && EQ(priority) &&
	       EQ(advert_cs) && EQ(preempt) && EQ(preempt_delay_cs) &&
	       EQ(accept) && EQ(version) && ARR_EQ(peers, n_peers, addr_eq) &&
	       EQ(garp_count) && EQ(garp_interval_ms) && EQ(garp_refresh_s) &&
	       EQ(vmac) && STR_EQ(vgmp_group) && STR_EQ(notify);
}

static bool metrics_eq(const struct hsb_cfg_metrics *a,
		       const struct hsb_cfg_metrics *b)
{
	return EQ(enable) && hcfg_addr_eq(&a->addr, &b->addr) && EQ(port);
}

/* The backed-up part (docs/configuration.md, "Scope"): what HRP's
 * configuration backup replicates. A field added to the model must be
 * classed here or in local_equal(); the round-trip test
 * of every command (test_config_backup.c) catches a miss. */
bool hsb_config_backed_up_equal(const struct hsb_config *a,
				const struct hsb_config *b)
{
	return ARR_EQ(zones, n_zones, zone_eq) &&
	       !memcmp(a->session.timeout, b->session.timeout,
		       sizeof(a->session.timeout)) &&
	       ARR_EQ(blacklist, n_blacklist, list_eq) &&
	       ARR_EQ(whitelist, n_whitelist, list_eq) &&
	       ARR_EQ(sec_rules, n_sec_rules, sec_rule_eq) &&
	       ARR_EQ(nat_groups, n_nat_groups, nat_group_eq) &&
	       ARR_EQ(nat_rules, n_nat_rules, nat_rule_eq) &&
	       ARR_EQ(nat_servers, n_nat_servers, nat_server_eq);
}

bool hsb_config_policy_equal(const struct hsb_config *a,
			     const struct hsb_config *b)
{
	return ARR_EQ(zones, n_zones, zone_eq) &&
	       ARR_EQ(sec_rules, n_sec_rules, sec_rule_eq);
}

bool hsb_config_blacklists(const struct hsb_config *cfg,
			   const struct hsb_cfg_prefix *p)
{
	unsigned int i;

	for (i = 0; i < cfg->n_blacklist; i++)
		if (hcfg_prefix_eq(&cfg->blacklist[i].prefix, p))
			return true;
	return false;
}

/* The local part: what describes this host and never travels. */
static bool local_equal(const struct hsb_config *a, const struct hsb_config *b)
{
	return STR_EQ(sysname) && EQ(log_level) &&
	       ARR_EQ(ifaces, n_ifaces, iface_eq) && EQ(session.table_size) &&
	       EQ(nat_partition) && hrp_eq(&a->hrp, &b->hrp) &&
	       ARR_EQ(vgmp, n_vgmp, vgmp_eq) && ARR_EQ(vrrp, n_vrrp, vrrp_eq) &&
	       metrics_eq(&a->metrics, &b->metrics);
}

bool hsb_config_equal(const struct hsb_config *a, const struct hsb_config *b)
{
	return local_equal(a, b) && hsb_config_backed_up_equal(a, b);
}

#define COPY_ARR(arr, n)                                      \
	do {                                                  \
		memcpy(dst->arr, src->arr, sizeof(dst->arr)); \
		dst->n = src->n;                              \
	} while (0)

void hsb_config_copy_backed_up(struct hsb_config *dst,
			       const struct hsb_config *src)
{
	COPY_ARR(zones, n_zones);
	memcpy(dst->session.timeout, src->session.timeout,
	       sizeof(dst->session.timeout));
	COPY_ARR(blacklist, n_blacklist);
	COPY_ARR(whitelist, n_whitelist);
	COPY_ARR(sec_rules, n_sec_rules);
	COPY_ARR(nat_groups, n_nat_groups);
	COPY_ARR(nat_rules, n_nat_rules);
	COPY_ARR(nat_servers, n_nat_servers);
}

#undef COPY_ARR
#undef ARR_EQ
#undef STR_EQ
#undef EQ

/* Linear lookups: lists are small and only searched on config changes. */
#define FIND_BY_NAME(arr, n, field)                           \
	do {                                                  \
		for (unsigned int i = 0; i < cfg->n; i++)     \
			if (!strcmp(cfg->arr[i].field, name)) \
				return (int)i;                \
		return -1;                                    \
	} while (0)

bool hcfg_vrid_has_ipv4(const struct hsb_config *cfg, uint32_t vrid, int except)
{
	unsigned int i;

	for (i = 0; i < cfg->n_vrrp; i++)
		if ((int)i != except && cfg->vrrp[i].vrid == vrid &&
		    cfg->vrrp[i].vips[0].addr.family == AF_INET)
			return true;
	return false;
}

int hcfg_find_iface(const struct hsb_config *cfg, const char *name)
{
	FIND_BY_NAME(ifaces, n_ifaces, name);
}

int hcfg_find_zone(const struct hsb_config *cfg, const char *name)
{
	FIND_BY_NAME(zones, n_zones, name);
}

int hcfg_find_sec_rule(const struct hsb_config *cfg, const char *name)
{
	FIND_BY_NAME(sec_rules, n_sec_rules, name);
}

int hcfg_find_nat_rule(const struct hsb_config *cfg, const char *name)
{
	FIND_BY_NAME(nat_rules, n_nat_rules, name);
}

int hcfg_find_nat_group(const struct hsb_config *cfg, const char *name)
{
	FIND_BY_NAME(nat_groups, n_nat_groups, name);
}

int hcfg_find_nat_server(const struct hsb_config *cfg, const char *name)
{
	FIND_BY_NAME(nat_servers, n_nat_servers, name);
}

int hcfg_find_vgmp(const struct hsb_config *cfg, const char *name)
{
	FIND_BY_NAME(vgmp, n_vgmp, name);
}

#undef FIND_BY_NAME

int hcfg_find_vrrp(const struct hsb_config *cfg, uint32_t vrid,
		   const char *ifname)
{
	unsigned int i;

	for (i = 0; i < cfg->n_vrrp; i++)
		if (cfg->vrrp[i].vrid == vrid &&
		    !strcmp(cfg->vrrp[i].ifname, ifname))
			return (int)i;
	return -1;
}

bool hcfg_is_builtin_zone(const char *name)
{
	unsigned int i;

	for (i = 0; i < HSB_CFG_N_BUILTIN_ZONES; i++)
		if (!strcmp(hsb_cfg_builtin_zones[i], name))
			return true;
	return false;
}

int hcfg_need_zone(struct hcfg_parse *p, const struct hcfg_tok *t,
		   const char *zone)
{
	if (hcfg_is_builtin_zone(zone) || hcfg_find_zone(p->cfg, zone) >= 0)
		return 0;
	return hcfg_err(p, t, "zone '%s' is not defined", zone);
}

/* Removes element idx, keeping order; the freed slot is zeroed. */
void hcfg_arr_remove(void *base, size_t size, unsigned int *n, unsigned int idx)
{
	char *b = base;

	memmove(b + idx * size, b + (idx + 1) * size, (*n - idx - 1) * size);
	(*n)--;
	memset(b + *n * size, 0, size);
}

static void swap_bytes(char *a, char *b, size_t size)
{
	while (size--) {
		char t = *a;

		*a++ = *b;
		*b++ = t;
	}
}

/* Moves element from to position to, shifting the ones in between. */
void hcfg_arr_move(void *base, size_t size, unsigned int from, unsigned int to)
{
	char *b = base;

	for (; from < to; from++)
		swap_bytes(b + from * size, b + (from + 1) * size, size);
	for (; from > to; from--)
		swap_bytes(b + from * size, b + (from - 1) * size, size);
}

int hsb_config_check_ha(const struct hsb_config *cfg, char *err, size_t errlen)
{
	const char *who;

	if (cfg->n_vgmp)
		who = "vgmp group";
	else if (cfg->hrp.enable)
		who = "hrp enable";
	else
		return 0;
	if (!cfg->hrp.has_link) {
		snprintf(
			err, errlen,
			"%s needs the heartbeat link: hrp interface IFNAME remote ADDR",
			who);
		return -1;
	}
	if (!cfg->hrp.auth_key[0]) {
		snprintf(
			err, errlen,
			"%s needs hrp authentication-key: the heartbeat link is authenticated",
			who);
		return -1;
	}
	return 0;
}
