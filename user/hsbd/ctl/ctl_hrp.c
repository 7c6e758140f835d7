// SPDX-License-Identifier: GPL-2.0-only
/* show hrp, hrp sync: the state backup to the peer. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "json_add.h"
#include "clock.h"
#include "ctl_proto.h"
#include "ctl/ctl_cmd.h"
#include "hsbd.h"
#include "datapath/datapath.h"
#include "datapath/install_prep.h"
#include "hrp/hrp_config.h"
#include "hrp/hrp_engine.h"
#include "hrp/hrp_link.h"

static struct json_object *per_type(const uint64_t *v)
{
	struct json_object *o = json_object_new_object();
	unsigned int t;

	for (t = 1; t < HRP_REC__MAX; t++)
		hsb_json_add_u64(o, hrp_rec_type_name((enum hrp_rec_type)t),
				 v[t]);
	return o;
}

static struct json_object *connection(const struct hsb_hrp_info *in)
{
	const struct hrp_link_stats *l = in->link;
	struct json_object *o = json_object_new_object();
	struct json_object *rej = json_object_new_object();
	unsigned int e;

	json_object_object_add(o, "up", json_object_new_boolean(in->up));
	json_object_object_add(
		o, "role",
		json_object_new_string(in->connects ? "connects" : "listens"));
	if (in->up)
		hsb_json_add_u64(o, "uptime_s",
				 (hsb_now_ms() - l->up_since_ms) / 1000);
	hsb_json_add_u64(o, "connects", l->connects);
	hsb_json_add_u64(o, "connect_failures", l->connect_failures);
	hsb_json_add_u64(o, "disconnects", l->disconnects);
	hsb_json_add_u64(o, "replaced", l->replaced);
	hsb_json_add_u64(o, "timeouts", l->timeouts);
	hsb_json_add_u64(o, "refused_foreign", l->refused_foreign);
	hsb_json_add_u64(o, "frames_tx", l->frames_tx);
	hsb_json_add_u64(o, "bytes_tx", l->bytes_tx);
	hsb_json_add_u64(o, "frames_rx", l->frames_rx);
	hsb_json_add_u64(o, "bytes_rx", l->bytes_rx);
	hsb_json_add_u64(o, "queued_bytes", in->queued);
	hsb_json_add_u64(o, "sndbuf_full", l->sndbuf_full);
	for (e = 1; e < HRP_FE__COUNT; e++)
		hsb_json_add_u64(rej, hrp_frame_err_name((enum hrp_frame_err)e),
				 l->rx_err[e]);
	json_object_object_add(o, "frames_refused", rej);
	return o;
}

static struct json_object *install(const struct hsb_install_stats *s)
{
	struct json_object *o = json_object_new_object();
	struct json_object *ref = json_object_new_object();
	unsigned int f;

	hsb_json_add_u64(o, "sessions", s->sessions);
	hsb_json_add_u64(o, "mappings", s->mappings);
	hsb_json_add_u64(o, "unheld", s->unheld);
	hsb_json_add_u64(o, "servers", s->servers);
	for (f = 1; f < HSB_INSF__MAX; f++)
		hsb_json_add_u64(
			ref, hsb_install_fault_name((enum hsb_install_fault)f),
			s->refused[f]);
	json_object_object_add(o, "refused", ref);
	return o;
}

static struct json_object *hexstr(const uint8_t *p, size_t n)
{
	char s[2 * HRP_CFG_DIGEST_LEN + 1];
	size_t i;

	for (i = 0; i < n && i < HRP_CFG_DIGEST_LEN; i++)
		snprintf(s + 2 * i, 3, "%02x", p[i]);
	return json_object_new_string(s);
}

static struct json_object *status_counts(const uint64_t *v)
{
	struct json_object *o = json_object_new_object();
	unsigned int s;

	for (s = 0; s < HRP_CFG__STATUS_COUNT; s++)
		hsb_json_add_u64(o, hrp_cfg_status_name((enum hrp_cfg_status)s),
				 v[s]);
	return o;
}

/* The configuration backup: who is HRP_M, whether both run the same. */
static struct json_object *configuration(const struct hsb_hrp *h)
{
	struct json_object *o = json_object_new_object();
	struct json_object *rej = json_object_new_object();
	struct hrp_config_info c;
	unsigned int e;

	hsb_hrp_config_info(h, &c);
	json_object_object_add(
		o, "role", json_object_new_string(hrp_cfg_role_name(c.role)));
	json_object_object_add(o, "auto_sync",
			       json_object_new_boolean(c.auto_sync));
	json_object_object_add(o, "standby_config",
			       json_object_new_boolean(c.standby_config));
	hsb_json_add_u64(o, "generation", c.gen);
	json_object_object_add(o, "digest",
			       hexstr(c.digest, HRP_CFG_DIGEST_LEN));
	json_object_object_add(
		o, "in_sync",
		json_object_new_boolean(
			c.peer_known &&
			!memcmp(c.digest, c.peer_digest, sizeof(c.digest))));
	if (c.peer_known) {
		hsb_json_add_u64(o, "peer_generation", c.peer_gen);
		json_object_object_add(o, "peer_digest",
				       hexstr(c.peer_digest,
					      HRP_CFG_DIGEST_LEN));
	}
	json_object_object_add(o, "sending",
			       json_object_new_boolean(c.sending));
	hsb_json_add_u64(o, "last_applied_ms", c.last_applied_ms);
	hsb_json_add_u64(o, "last_offer_ms", c.last_offer_ms);
	hsb_json_add_u64(o, "last_apply_took_ms", c.last_apply_took_ms);
	hsb_json_add_u64(o, "offers_sent", c.st->offers_sent);
	hsb_json_add_u64(o, "offers_received", c.st->offers_received);
	json_object_object_add(o, "results_sent", status_counts(c.st->results));
	json_object_object_add(o, "results_received",
			       status_counts(c.st->peer_results));
	if (c.peer_reason[0])
		json_object_object_add(o, "peer_refusal",
				       json_object_new_string(c.peer_reason));
	if (c.refused_reason[0])
		json_object_object_add(
			o, "our_refusal",
			json_object_new_string(c.refused_reason));
	hsb_json_add_u64(o, "edits_refused", c.st->edits_refused);
	hsb_json_add_u64(o, "persist_failures", c.st->persist_failures);
	for (e = 1; e < HRP_CFE__COUNT; e++)
		hsb_json_add_u64(rej, hrp_cfg_err_name((enum hrp_cfg_err)e),
				 c.st->refused_payloads[e]);
	json_object_object_add(o, "frames_dropped", rej);
	return o;
}

/* p50/p99 of the last minute, from the peer's ACKs (hrp_lag.h). */
static struct json_object *applied_lag(const struct hsb_hrp_info *in)
{
	struct json_object *o = json_object_new_object();

	hsb_json_add_u64(o, "window_s",
			 HRP_LAG_SLOTS * HRP_LAG_SLOT_NS / 1000000000ull);
	hsb_json_add_u64(o, "frames", in->lag.n);
	json_object_object_add(o, "p50_ms",
			       json_object_new_double(in->lag.p50_us / 1e3));
	json_object_object_add(o, "p99_ms",
			       json_object_new_double(in->lag.p99_us / 1e3));
	json_object_object_add(o, "max_ms",
			       json_object_new_double(in->lag.max_us / 1e3));
	hsb_json_add_u64(o, "frames_acknowledged", in->lag_stats->samples);
	hsb_json_add_u64(o, "frames_unmeasured", in->lag_stats->forgotten);
	hsb_json_add_u64(o, "acks_unexpected", in->lag_stats->unexpected);
	hsb_json_add_u64(o, "acks_bad", in->st->rx_bad_acks);
	hsb_json_add_u64(o, "acks_not_sent", in->st->tx_acks_lost);
	return o;
}

/* Quick session backup: forwarding through the peer (hrp_mirror.h) and
 * the datapath's counts of it (include/hsb/counters.h, peer_fwd_*). */
static struct json_object *quick_backup(struct hsbd *d,
					const struct hsb_hrp_info *in)
{
	static const struct {
		const char *key;
		enum hsb_counter id;
	} counts[] = {
		{ "sent", HSB_CNT_PEER_FWD_TX },
		{ "received", HSB_CNT_PEER_FWD_RX },
		{ "received_without_session", HSB_CNT_PEER_FWD_NO_SESSION },
		{ "received_bad", HSB_CNT_PEER_FWD_BAD },
		{ "over_budget", HSB_CNT_PEER_FWD_LIMITED },
		{ "no_route_to_peer", HSB_CNT_PEER_FWD_NO_ROUTE },
	};
	struct json_object *o = json_object_new_object();
	uint64_t v;
	size_t i;

	json_object_object_add(
		o, "configured",
		json_object_new_boolean(d->cfg->hrp.mirror_session));
	json_object_object_add(o, "on", json_object_new_boolean(in->mirror_on));
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		if (d->dp && !hsb_datapath_counter(d->dp, counts[i].id, &v))
			hsb_json_add_u64(o, counts[i].key, v);
	return o;
}

static int show_hrp(struct hsbd *d, const struct hsb_ctl_request *req,
		    int words, struct json_object **reply, char *err,
		    size_t errlen)
{
	struct json_object *o, *rej;
	struct hsb_hrp_info in;
	unsigned int e;

	if (req->argc > words) {
		snprintf(err, errlen, "usage: show hrp");
		return -1;
	}
	hsb_hrp_info(d->hrp, &in);
	o = json_object_new_object();
	json_object_object_add(o, "enabled",
			       json_object_new_boolean(in.link != NULL));
	*reply = o;
	if (!in.link)
		return 0;
	json_object_object_add(o, "connection", connection(&in));
	json_object_object_add(o, "records_sent", per_type(in.st->tx_records));
	json_object_object_add(o, "records_received",
			       per_type(in.st->rx_records));
	hsb_json_add_u64(o, "records_dropped", in.st->tx_dropped);
	hsb_json_add_u64(o, "records_while_down", in.st->tx_down);
	hsb_json_add_u64(o, "records_of_peer_entries", in.st->tx_skipped_peer);
	hsb_json_add_u64(o, "records_freshened", in.st->tx_freshened);
	hsb_json_add_u64(o, "records_stale_dropped", in.st->tx_stale_dropped);
	hsb_json_add_u64(o, "records_unknown", in.st->rx_unknown);
	hsb_json_add_u64(o, "deletes_ignored", in.st->rx_deletes_ignored);
	hsb_json_add_u64(o, "deletes_kept_live", in.st->rx_deletes_kept_live);
	hsb_json_add_u64(o, "stale_removed", in.st->rx_stale_removed);
	rej = json_object_new_object();
	for (e = 1; e < HRP_RE__COUNT; e++)
		hsb_json_add_u64(rej, hrp_rec_err_name((enum hrp_rec_err)e),
				 in.st->rx_refused_frames[e]);
	json_object_object_add(o, "record_frames_refused", rej);
	o = json_object_new_object();
	json_object_object_add(o, "running",
			       json_object_new_boolean(in.bulk_running));
	hsb_json_add_u64(o, "started", in.st->bulk_started);
	hsb_json_add_u64(o, "done", in.st->bulk_done);
	hsb_json_add_u64(o, "entries_sent", in.st->bulk_sent_entries);
	hsb_json_add_u64(o, "compressed_record_bytes", in.st->bulk_raw_bytes);
	hsb_json_add_u64(o, "compressed_bytes", in.st->bulk_zlib_bytes);
	hsb_json_add_u64(o, "last_done_ms", in.st->last_bulk_ms);
	hsb_json_add_u64(o, "received", in.st->bulk_received);
	if (in.bulk_running) {
		json_object_object_add(o, "phase",
				       json_object_new_string(in.bulk_phase));
		hsb_json_add_u64(o, "progress_entries", in.bulk_sent);
		hsb_json_add_u64(o, "progress_elapsed_ms", in.bulk_elapsed_ms);
		hsb_json_add_u64(o, "progress_rate", in.bulk_rate);
		hsb_json_add_u64(o, "progress_sessions_in_table",
				 in.bulk_sessions);
		hsb_json_add_u64(o, "progress_eta_ms", in.bulk_eta_ms);
	}
	json_object_object_add(*reply, "batch_backup", o);
	json_object_object_add(*reply, "install", install(in.install));
	json_object_object_add(*reply, "applied_lag", applied_lag(&in));
	o = json_object_new_object();
	json_object_object_add(o, "backup_from_peer_complete",
			       json_object_new_boolean(in.backup_complete));
	hsb_json_add_u64(o, "ready_timeouts", in.st->ready_timeouts);
	hsb_json_add_u64(o, "claims", in.owner->claims);
	hsb_json_add_u64(o, "yields", in.owner->yields);
	hsb_json_add_u64(o, "sessions_changed", in.owner->sessions);
	hsb_json_add_u64(o, "mappings_changed", in.owner->mappings);
	hsb_json_add_u64(o, "errors", in.owner->errors);
	json_object_object_add(o, "pass_running",
			       json_object_new_boolean(in.owner_pass_running));
	hsb_json_add_u64(o, "passes_done", in.owner->passes_done);
	hsb_json_add_u64(o, "passes_replaced", in.owner->passes_replaced);
	hsb_json_add_u64(o, "pass_ticks", in.owner->steps);
	json_object_object_add(
		o, "longest_tick_ms",
		json_object_new_double((double)in.owner->longest_step_ns /
				       1e6));
	json_object_object_add(*reply, "ownership", o);
	json_object_object_add(*reply, "quick_session_backup",
			       quick_backup(d, &in));
	json_object_object_add(*reply, "configuration", configuration(d->hrp));
	return 0;
}

static int hrp_sync(struct hsbd *d, const struct hsb_ctl_request *req,
		    int words, struct json_object **reply, char *err,
		    size_t errlen)
{
	const char *what = req->argc == words + 1 ? req->argv[words] : "state";

	if (req->argc > words + 1 ||
	    (strcmp(what, "state") && strcmp(what, "config"))) {
		snprintf(err, errlen, "usage: hrp sync [state|config]");
		return -1;
	}
	if (!strcmp(what, "config") ? hsb_hrp_sync_config(d->hrp, err, errlen) :
				      hsb_hrp_sync(d->hrp, err, errlen))
		return -1;
	*reply = NULL;
	return 0;
}

static const struct hsb_ctl_cmd cmds[] = {
	{ { "show", "hrp" }, false, show_hrp },
	{ { "hrp", "sync" }, true, hrp_sync },
};

HSB_CTL_TABLE(hsb_ctl_hrp_cmds, cmds);
