// SPDX-License-Identifier: GPL-2.0-only
/* `show hrp` for people. */
#include <inttypes.h>
#include <stdbool.h>
#include <json-c/json.h>

#include "render_json.h"

static void nonzero(FILE *out, const char *what, struct json_object *o)
{
	bool any = false;

	fprintf(out, "  %-12s", what);
	if (o) {
		json_object_object_foreach(o, key, val) {
			if (!json_object_get_uint64(val))
				continue;
			fprintf(out, " %s %" PRIu64, key,
				json_object_get_uint64(val));
			any = true;
		}
	}
	fprintf(out, "%s\n", any ? "" : " none");
}

/* The configuration backup: role, generation, whether the peer runs the
 * same, the last refusal either way. */
static void render_hrp_config(FILE *out, struct json_object *c)
{
	if (!c)
		return;
	fprintf(out,
		"configuration: %s, generation %" PRIu64 ", digest %.12s, %s\n",
		str(c, "role"), u64(c, "generation"), str(c, "digest"),
		json_object_get_boolean(member(c, "in_sync")) ?
			"same as the peer" :
		member(c, "peer_digest") ? "differs from the peer's" :
					   "the peer's not known yet");
	fprintf(out,
		"  offers       %" PRIu64 " sent, %" PRIu64 " received%s%s%s\n",
		u64(c, "offers_sent"), u64(c, "offers_received"),
		json_object_get_boolean(member(c, "auto_sync")) ?
			"" :
			"; automatic sync off",
		json_object_get_boolean(member(c, "standby_config")) ?
			"; standby-config on" :
			"",
		json_object_get_boolean(member(c, "sending")) ? "; sending" :
								"");
	nonzero(out, "results", member(c, "results_sent"));
	nonzero(out, "peer said", member(c, "results_received"));
	if (member(c, "peer_refusal"))
		fprintf(out, "  peer refused: %s\n", str(c, "peer_refusal"));
	if (member(c, "our_refusal"))
		fprintf(out, "  refused here: %s\n", str(c, "our_refusal"));
	if (u64(c, "edits_refused"))
		fprintf(out, "  edits refused here (HRP_S): %" PRIu64 "\n",
			u64(c, "edits_refused"));
	nonzero(out, "bad frames", member(c, "frames_dropped"));
}

/* Quick session backup: on, configured but waiting for the connection,
 * or off; what went through the peer either way. */
static void render_quick_backup(FILE *out, struct json_object *q)
{
	if (!q)
		return;
	fprintf(out, "quick session backup: %s\n",
		json_object_get_boolean(member(q, "on")) ?
			"on" :
		json_object_get_boolean(member(q, "configured")) ?
			"off (no connection to the peer)" :
			"off");
	fprintf(out,
		"  via the peer %" PRIu64 " packets sent to it, %" PRIu64
		" received from it\n",
		u64(q, "sent"), u64(q, "received"));
	fprintf(out,
		"  dropped      %" PRIu64
		" received without a session here, %" PRIu64 " bad, %" PRIu64
		" over budget, %" PRIu64 " no route to the peer\n",
		u64(q, "received_without_session"), u64(q, "received_bad"),
		u64(q, "over_budget"), u64(q, "no_route_to_peer"));
}

int render_hrp(FILE *out, struct json_object *r)
{
	struct json_object *c = member(r, "connection");
	struct json_object *b = member(r, "batch_backup");
	struct json_object *in = member(r, "install");
	struct json_object *lag;

	if (!json_object_get_boolean(member(r, "enabled"))) {
		fprintf(out, "hrp is not enabled\n");
		return 0;
	}
	if (json_object_get_boolean(member(c, "up")))
		fprintf(out, "hrp: connected (%s), up %" PRIu64 " s\n",
			str(c, "role"), u64(c, "uptime_s"));
	else
		fprintf(out, "hrp: not connected (%s)\n", str(c, "role"));
	fprintf(out,
		"  connection   %" PRIu64 " up, %" PRIu64 " lost, %" PRIu64
		" failed attempts, %" PRIu64 " bytes queued\n",
		u64(c, "connects"), u64(c, "disconnects"),
		u64(c, "connect_failures"), u64(c, "queued_bytes"));
	fprintf(out,
		"  traffic      %" PRIu64 " frames / %" PRIu64
		" bytes sent, %" PRIu64 " / %" PRIu64 " received\n",
		u64(c, "frames_tx"), u64(c, "bytes_tx"), u64(c, "frames_rx"),
		u64(c, "bytes_rx"));
	nonzero(out, "sent", member(r, "records_sent"));
	nonzero(out, "received", member(r, "records_received"));
	fprintf(out,
		"  lost         %" PRIu64 " dropped (buffer full), %" PRIu64
		" while down (the batch backup carries them)\n",
		u64(r, "records_dropped"), u64(r, "records_while_down"));
	if (json_object_get_boolean(member(b, "running")))
		fprintf(out,
			"  progress     %s: %" PRIu64 " entries in %" PRIu64
			" ms, %" PRIu64 "/s; %" PRIu64
			" sessions in the table, about %" PRIu64 " ms left\n",
			str(b, "phase"), u64(b, "progress_entries"),
			u64(b, "progress_elapsed_ms"), u64(b, "progress_rate"),
			u64(b, "progress_sessions_in_table"),
			u64(b, "progress_eta_ms"));
	fprintf(out,
		"  batch        %s, %" PRIu64 " done, %" PRIu64
		" entries sent; %" PRIu64 " received from the peer\n",
		json_object_get_boolean(member(b, "running")) ? "running" :
								"idle",
		u64(b, "done"), u64(b, "entries_sent"), u64(b, "received"));
	if (u64(b, "compressed_bytes"))
		fprintf(out,
			"  compressed   %" PRIu64
			" bytes of records sent as %" PRIu64 " (zlib)\n",
			u64(b, "compressed_record_bytes"),
			u64(b, "compressed_bytes"));
	fprintf(out,
		"  installed    %" PRIu64 " sessions, %" PRIu64
		" mappings, %" PRIu64 " servers\n",
		u64(in, "sessions"), u64(in, "mappings"), u64(in, "servers"));
	lag = member(r, "applied_lag");
	if (u64(lag, "frames"))
		fprintf(out,
			"  lag          p50 %.2f ms, p99 %.2f ms, max %.2f ms"
			" (last minute, %" PRIu64 " frames applied)\n",
			json_object_get_double(member(lag, "p50_ms")),
			json_object_get_double(member(lag, "p99_ms")),
			json_object_get_double(member(lag, "max_ms")),
			u64(lag, "frames"));
	else
		fprintf(out,
			"  lag          none measured in the last minute\n");
	nonzero(out, "refused", member(in, "refused"));
	nonzero(out, "bad frames", member(c, "frames_refused"));
	nonzero(out, "bad records", member(r, "record_frames_refused"));
	render_quick_backup(out, member(r, "quick_session_backup"));
	render_hrp_config(out, member(r, "configuration"));
	return 0;
}
