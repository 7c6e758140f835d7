// SPDX-License-Identifier: GPL-2.0-only
/* Engine orchestration: start, stop, and all-or-nothing config changes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "hsbd.h"
#include "log.h"
#include "datapath/route_watch.h"
#include "ha/switchover.h"
#include "hrp/hrp_engine.h"
#include "monitor/mon_feed.h"
#include "netlink/link_events.h"
#include "privs/conf_mode.h"
#include "service/service.h"

/* Host settings that need no engine of their own. */
static int core_reconcile(struct hsbd *d, const struct hsb_config *cfg,
			  char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	hsb_log_set_level(d->opt.debug ? HSB_LOG_DEBUG : cfg->log_level);
	return 0;
}

static const struct hsb_engine core_engine = {
	.name = "core",
	.reconcile = core_reconcile,
};

/* Started in this order, stopped in reverse. */
static const struct hsb_engine *const engines[] = {
	&core_engine, /* log level */
	&hsb_datapath_engine, /* loads the maps the engines below use */
	&hsb_route_watch_engine, /* next-hop cache invalidation */
	&hsb_policy_engine, /* security-policy rules */
	&hsb_lists_engine, /* black and whitelist */
	&hsb_events_engine, /* ring buffer collector, session sweeper */
	&hsb_recheck_engine, /* sessions a list or policy change ends */
	&hsb_ha_engine, /* switchover groups: before NAT and VRRP bind */
	&hsb_nat_engine, /* NAT tables, mapping release and resync */
	/* state backup: after the bus and NAT (installed sessions hold
	 * NAT references), before VRRP/VGMP decide who is active */
	&hsb_hrp_engine,
	&hsb_vrrp_engine, /* VRRP instances; priority 0 when stopped */
	/* VGMP groups drive their member instances: after VRRP, and
	 * stopped first, so the peer hears the groups go before the
	 * members' priority-0 adverts */
	&hsb_vgmp_engine,
	/* the Prometheus endpoint: reads every engine above; stopped
	 * first */
	&hsb_metrics_engine,
};

#define N_ENGINES (sizeof(engines) / sizeof(engines[0]))

/* Reconcile engines[0..n) back to cfg after a failure further on. */
static void roll_back(struct hsbd *d, size_t n, const struct hsb_config *cfg)
{
	char err[256];

	while (n--) {
		if (engines[n]->reconcile(d, cfg, err, sizeof(err)))
			hsb_err("%s: rollback failed: %s", engines[n]->name,
				err);
	}
}

/* Before any engine: a change made while they start is queued in the
 * socket and reaches each subscriber in the first round, so nothing an
 * engine read at start can be stale unnoticed (route_watch.c). */
static int open_links(struct hsbd *d, char *err, size_t errlen)
{
	int ret;

	d->links = hsb_lev_new();
	if (!d->links) {
		snprintf(err, errlen, "link events: out of memory");
		return -ENOMEM;
	}
	ret = hsb_lev_listen(d->links, d->loop, 0, err, errlen);
	if (ret) {
		hsb_lev_free(d->links);
		d->links = NULL;
	}
	return ret;
}

int hsbd_start_engines(struct hsbd *d, char *err, size_t errlen)
{
	size_t i;
	int ret;

	ret = open_links(d, err, errlen);
	if (ret)
		return ret;
	for (i = 0; i < N_ENGINES; i++) {
		ret = engines[i]->reconcile(d, d->cfg, err, errlen);
		if (ret) {
			/* The failing engine may be half-way (some interfaces
			 * attached): stop it too, then the ones before it. */
			do {
				if (engines[i]->stop)
					engines[i]->stop(d);
			} while (i--);
			hsb_lev_free(d->links);
			d->links = NULL;
			return ret;
		}
	}
	/* an agent restart: what was handed over and not taken up goes
	 * standby (ha/handover.h) */
	if (d->ha)
		hsb_switchover_resume_done(d->ha);
	return 0;
}

void hsbd_stop_engines(struct hsbd *d)
{
	size_t i = N_ENGINES;

	while (i--)
		if (engines[i]->stop)
			engines[i]->stop(d);
	/* last: every engine has unsubscribed */
	hsb_lev_free(d->links);
	d->links = NULL;
}

void hsbd_engine_counters(struct hsbd *d, struct json_object *out)
{
	size_t i;

	for (i = 0; i < N_ENGINES; i++) {
		struct json_object *o;

		if (!engines[i]->counters)
			continue;
		o = json_object_new_object();
		engines[i]->counters(d, o);
		json_object_object_add(out, engines[i]->name, o);
	}
}

int hsbd_apply_config_from(struct hsbd *d, struct hsb_config *next,
			   enum hsbd_origin origin, char *err, size_t errlen)
{
	struct hsb_config *prev = d->cfg;
	size_t i;
	int ret;

	d->origin = origin;
	for (i = 0; i < N_ENGINES; i++) {
		ret = engines[i]->reconcile(d, next, err, errlen);
		if (ret) {
			/* The failing engine may be half-way: include it. */
			roll_back(d, i + 1, d->cfg);
			d->stats.config_refused++;
			d->origin = HSBD_ORIGIN_OPERATOR;
			return ret;
		}
	}
	d->cfg = next;
	d->stats.config_applied++;
	for (i = 0; i < N_ENGINES; i++)
		if (engines[i]->applied)
			engines[i]->applied(d, prev);
	hsbd_monitor_config(d, prev);
	hsb_config_free(prev);
	d->origin = HSBD_ORIGIN_OPERATOR;
	return 0;
}

int hsbd_apply_config(struct hsbd *d, struct hsb_config *next, char *err,
		      size_t errlen)
{
	return hsbd_apply_config_from(d, next, HSBD_ORIGIN_OPERATOR, err,
				      errlen);
}

static int reload_file(struct hsbd *d)
{
	struct hsb_config *next = hsb_config_new();
	struct hsb_cfg_error cerr;
	char msg[512];
	int ret;

	d->stats.reloads++;
	if (!next)
		return -ENOMEM;
	if (hsb_config_load_file(next, d->opt.config_path, HSB_CFG_IMPLEMENTED,
				 &cerr)) {
		hsb_cfg_error_format(&cerr, msg, sizeof(msg));
		hsb_err("reload: %s; keeping the running configuration", msg);
		hsb_config_free(next);
		d->stats.reload_failures++;
		return -EINVAL;
	}
	/* on HRP_S the shared policy is the peer's, whatever the file
	 * says: a reload re-reads this host's own lines */
	if (hsb_hrp_config_from_peer(d->hrp))
		hsb_config_copy_backed_up(next, d->cfg);
	ret = hsbd_apply_config(d, next, msg, sizeof(msg));
	if (ret) {
		hsb_err("reload: %s; keeping the running configuration", msg);
		hsb_config_free(next);
		d->stats.reload_failures++;
		return ret;
	}
	hsb_info("reloaded %s", d->opt.config_path);
	if (hsbd_conf_mode_unsafe(d->opt.config_path, d->cfg, msg, sizeof(msg)))
		hsb_warn("%s", msg);
	return 0;
}

/* SIGHUP and hsbctl reload: systemd hears RELOADING=1 before and
 * READY=1 after, whether the file was applied or refused. */
int hsbd_reload(struct hsbd *d)
{
	int ret;

	hsbd_service_reloading(d->svc);
	ret = reload_file(d);
	hsbd_service_reloaded(d->svc, !ret);
	return ret;
}
