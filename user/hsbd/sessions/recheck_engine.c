// SPDX-License-Identifier: GPL-2.0-only
/*
 * The recheck engine: after a committed change of the security policy or
 * an added blacklist entry, a pass over the sessions ends those the new
 * rules would not have let start (sessions/session_recheck.h), one slice
 * per millisecond tick. Whatever the change's origin: the operator, a
 * reload, HRP's configuration backup, a blacklist entry's expiry (which
 * adds nothing and ends nothing).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <json-c/json.h>

#include "clock.h"
#include "config.h"
#include "datapath/datapath.h"
#include "evloop.h"
#include "hsbd.h"
#include "log.h"
#include "records/record_buf.h"
#include "sessions/session_recheck.h"

#define RECHECK_TICK_MS 1

struct hsb_recheck_engine {
	struct hsb_session_recheck *pass;
	struct hsb_timer *tick;
	struct hsb_record_buf deletes;
};

static void engine_free(struct hsb_recheck_engine *e)
{
	if (!e)
		return;
	hsb_timer_free(e->tick);
	hsb_session_recheck_free(e->pass);
	free(e);
}

static void on_tick(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	struct hsb_recheck_engine *e = ctx;
	const struct hsb_recheck_stats *st;

	(void)loop;
	if (hsb_session_recheck_step(e->pass, hsb_now_ns()))
		return;
	hsb_timer_arm(t, 0, 0); /* disarm */
	st = hsb_session_recheck_stats(e->pass);
	hsb_info(
		"sessions: recheck pass done: %llu ended by the blacklist, %llu by the policy in all",
		(unsigned long long)st->ended_blacklist,
		(unsigned long long)st->ended_policy);
}

static int recheck_reconcile(struct hsbd *d, const struct hsb_config *cfg,
			     char *err, size_t errlen)
{
	struct hsb_recheck_engine *e;

	(void)cfg;
	if (d->recheck)
		return 0;
	e = calloc(1, sizeof(*e));
	if (e) {
		hsb_record_buf_init(&e->deletes, d->bus);
		e->pass = hsb_session_recheck_new(hsb_datapath_maps(d->dp),
						  &e->deletes);
		e->tick = hsb_timer_new(d->loop, on_tick, e);
	}
	if (!e || !e->pass || !e->tick) {
		engine_free(e);
		snprintf(err, errlen, "sessions: recheck: out of memory");
		return -ENOMEM;
	}
	d->recheck = e;
	return 0;
}

static void recheck_stop(struct hsbd *d)
{
	engine_free(d->recheck);
	d->recheck = NULL;
}

static void prefixes(struct hsb_flow_prefix *out, size_t *n,
		     const struct hsb_cfg_list_entry *in, unsigned int n_in,
		     const struct hsb_config *except)
{
	unsigned int i;

	*n = 0;
	for (i = 0; i < n_in; i++)
		if (!except || !hsb_config_blacklists(except, &in[i].prefix))
			hsb_flow_prefix_of(&out[(*n)++], &in[i].prefix);
}

static void recheck_applied(struct hsbd *d, const struct hsb_config *prev)
{
	struct hsb_recheck_engine *e = d->recheck;
	struct hsb_flow_prefix *black, *white;
	size_t n_black, n_white;
	bool policy;

	if (!e)
		return;
	policy = !hsb_config_policy_equal(prev, d->cfg);
	black = calloc(HSB_CFG_MAX_LIST, sizeof(*black));
	white = calloc(HSB_CFG_MAX_LIST, sizeof(*white));
	if (!black || !white) {
		hsb_err("sessions: recheck after the change: out of memory");
		goto out;
	}
	/* entries new in this change; an expiry or a removal adds none */
	prefixes(black, &n_black, d->cfg->blacklist, d->cfg->n_blacklist, prev);
	prefixes(white, &n_white, d->cfg->whitelist, d->cfg->n_whitelist, NULL);
	if (!policy && !n_black)
		goto out;
	if (hsb_session_recheck_request(e->pass, policy, black, n_black, white,
					n_white)) {
		hsb_err("sessions: recheck after the change: out of memory");
		goto out;
	}
	hsb_info(
		"sessions: rechecking every session (%s%zu new blacklist entries)",
		policy ? "the policy changed, " : "", n_black);
	hsb_timer_arm(e->tick, RECHECK_TICK_MS, RECHECK_TICK_MS);
out:
	free(black);
	free(white);
}

static void recheck_counters(struct hsbd *d, struct json_object *out)
{
	const struct hsb_recheck_stats *st;

	if (!d->recheck)
		return;
	st = hsb_session_recheck_stats(d->recheck->pass);
	json_object_object_add(
		out, "running",
		json_object_new_boolean(
			hsb_session_recheck_running(d->recheck->pass)));
	json_object_object_add(out, "passes",
			       json_object_new_uint64(st->passes));
	json_object_object_add(out, "passes_done",
			       json_object_new_uint64(st->passes_done));
	json_object_object_add(out, "passes_restarted",
			       json_object_new_uint64(st->restarted));
	json_object_object_add(out, "sessions_visited",
			       json_object_new_uint64(st->visited));
	json_object_object_add(out, "ended_blacklist",
			       json_object_new_uint64(st->ended_blacklist));
	json_object_object_add(out, "ended_policy",
			       json_object_new_uint64(st->ended_policy));
	json_object_object_add(out, "errors",
			       json_object_new_uint64(st->errors));
}

const struct hsb_engine hsb_recheck_engine = {
	.name = "recheck",
	.reconcile = recheck_reconcile,
	.stop = recheck_stop,
	.counters = recheck_counters,
	.applied = recheck_applied,
};
