// SPDX-License-Identifier: GPL-2.0-only
/* `show vgmp` for people. */
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>

#include "render_json.h"

static bool flag(struct json_object *o, const char *key)
{
	return json_object_get_boolean(member(o, key));
}

static void peer_line(FILE *out, struct json_object *p)
{
	if (!p || !flag(p, "known")) {
		fprintf(out, "  peer         not heard yet\n");
		return;
	}
	if (member(p, "state"))
		fprintf(out,
			"  peer         %s, priority %" PRIu64
			" (%s), last hello %" PRIu64 " ms ago%s\n",
			str(p, "state"), u64(p, "priority"), str(p, "node"),
			u64(p, "last_hello_age_ms"),
			flag(p, "dead") ? ", DEAD" : "");
	else
		fprintf(out, "  peer         adverts only (no hello yet)%s\n",
			flag(p, "dead") ? ", DEAD" : "");
	if (flag(p, "heartbeat_lost"))
		fprintf(out,
			"  WARNING      heartbeat lost while the peer's adverts arrive: split-brain guard holds the state\n");
}

static void members(FILE *out, struct json_object *arr)
{
	size_t i;

	for (i = 0; arr && i < json_object_array_length(arr); i++) {
		struct json_object *m = json_object_array_get_idx(arr, i);

		fprintf(out,
			"  member       vrrp vrid %" PRIu64
			" interface %s (%s): %s, peer %s\n",
			u64(m, "vrid"), str(m, "interface"), str(m, "family"),
			str(m, "state"), str_or_dash(m, "peer_state"));
	}
}

static void tracks(FILE *out, struct json_object *arr)
{
	size_t i;

	for (i = 0; arr && i < json_object_array_length(arr); i++) {
		struct json_object *t = json_object_array_get_idx(arr, i);

		if (!strcmp(str(t, "type"), "interface"))
			fprintf(out,
				"  track        interface %s: %s (reduce %" PRIu64
				")\n",
				str(t, "interface"), str(t, "state"),
				u64(t, "reduce"));
		else
			fprintf(out,
				"  track        ip %s: %s (reduce %" PRIu64
				", %" PRIu64 "/%" PRIu64 " replies)\n",
				str(t, "ip"), str(t, "state"), u64(t, "reduce"),
				u64(t, "replies"), u64(t, "probes"));
	}
}

static void history(FILE *out, struct json_object *arr)
{
	char when[32];
	size_t i;

	for (i = 0; arr && i < json_object_array_length(arr); i++) {
		struct json_object *h = json_object_array_get_idx(arr, i);
		time_t t = (time_t)(u64(h, "at_ms") / 1000);
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(out, "  %s %s.%03" PRIu64 " %s -> %s (%s)\n",
			i ? "            " : "transitions", when,
			u64(h, "at_ms") % 1000, str(h, "from"), str(h, "to"),
			str(h, "reason"));
	}
}

static void heartbeat(FILE *out, struct json_object *hb)
{
	struct json_object *rej = member(hb, "rx_rejected");
	bool any = false;

	if (!hb || !flag(hb, "up")) {
		fprintf(out, "heartbeat: not running\n");
		return;
	}
	fprintf(out, "heartbeat %s, %s -> %s, hello every %" PRIu64 " ms\n",
		str(hb, "interface"), str(hb, "local"), str(hb, "remote"),
		u64(hb, "hello_interval_ms"));
	fprintf(out,
		"  hellos       %" PRIu64 " sent (%" PRIu64
		" triggered, %" PRIu64 " resent), %" PRIu64 " received\n",
		u64(hb, "hellos_sent"), u64(hb, "hellos_triggered"),
		u64(hb, "retransmits"), u64(hb, "hellos_received"));
	fprintf(out, "  rejected    ");
	if (rej) {
		json_object_object_foreach(rej, key, val) {
			if (!json_object_get_uint64(val))
				continue;
			fprintf(out, " %s %" PRIu64, key,
				json_object_get_uint64(val));
			any = true;
		}
	}
	fprintf(out, "%s\n", any ? "" : " none");
}

int render_vgmp(FILE *out, struct json_object *r)
{
	struct json_object *arr = member(r, "groups");
	size_t i;

	if (!arr || !json_object_is_type(arr, json_type_array))
		return -1;
	for (i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *g = json_object_array_get_idx(arr, i);
		struct json_object *c = member(g, "counters");

		fprintf(out, "vgmp group %s (%s)\n", str(g, "name"),
			str(g, "mode"));
		fprintf(out, "  state        %s\n", str(g, "state"));
		fprintf(out,
			"  priority     %" PRIu64 " running = %" PRIu64
			" base - %" PRIu64 " (%" PRIu64 " failed members)\n",
			u64(g, "priority"), u64(g, "base_priority"),
			u64(g, "penalty"), u64(g, "failed_members"));
		fprintf(out,
			"  timers       hello %" PRIu64
			" ms, dead after %" PRIu64
			"; preempt %s, delay %" PRIu64 " s\n",
			u64(g, "hello_interval_ms"), u64(g, "dead_count"),
			flag(g, "preempt") ? "on" : "off",
			u64(g, "preempt_delay_s"));
		peer_line(out, member(g, "peer"));
		members(out, member(g, "members"));
		tracks(out, member(g, "tracks"));
		if (c && u64(c, "split_brain_guard"))
			fprintf(out,
				"  split-brain guard held %" PRIu64
				" time(s)\n",
				u64(c, "split_brain_guard"));
		history(out, member(g, "history"));
		fprintf(out, "\n");
	}
	if (!json_object_array_length(arr))
		fprintf(out, "no vgmp groups\n\n");
	heartbeat(out, member(r, "heartbeat"));
	return 0;
}
