// SPDX-License-Identifier: GPL-2.0-only
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>
#include <json-c/json.h>

#include "render.h"

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return "?";
	return json_object_get_string(v);
}

static uint64_t u64(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	return json_object_get_uint64(v);
}

static int render_status(FILE *out, struct json_object *r)
{
	uint64_t up = u64(r, "uptime_s");

	fprintf(out,
		"%s hsbd %s, up %" PRIu64 "d %02" PRIu64 ":%02" PRIu64
		":%02" PRIu64 "\n",
		str(r, "prompt"), str(r, "version"), up / 86400, up / 3600 % 24,
		up / 60 % 60, up % 60);
	fprintf(out, "  config file  %s\n", str(r, "config_file"));
	fprintf(out, "  pin dir      %s\n", str(r, "pin_dir"));
	fprintf(out, "  interfaces   %s\n", str(r, "interfaces"));
	fprintf(out, "  log level    %s\n", str(r, "log_level"));
	return 0;
}

/* Plain command lines: the output is itself a valid configuration file. */
static int render_running(FILE *out, struct json_object *r)
{
	struct json_object *cmds;
	size_t i;

	if (!json_object_object_get_ex(r, "commands", &cmds) ||
	    !json_object_is_type(cmds, json_type_array))
		return -1;
	for (i = 0; i < json_object_array_length(cmds); i++)
		fprintf(out, "%s\n",
			str(json_object_array_get_idx(cmds, i), "command"));
	return 0;
}

static int render_interfaces(FILE *out, struct json_object *r)
{
	struct json_object *arr;
	size_t i;

	if (!json_object_object_get_ex(r, "interfaces", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return -1;
	fprintf(out, "%-16s %7s %-12s %-8s %14s %16s\n", "INTERFACE", "IFINDEX",
		"ZONE", "XDP", "RX-PACKETS", "RX-BYTES");
	for (i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		const char *zone = str(o, "zone");

		fprintf(out,
			"%-16s %7" PRIu64 " %-12s %-8s %14" PRIu64 " %16" PRIu64
			"\n",
			str(o, "name"), u64(o, "ifindex"), *zone ? zone : "-",
			str(o, "xdp_mode"), u64(o, "rx_packets"),
			u64(o, "rx_bytes"));
	}
	return 0;
}

static int render_counters(FILE *out, struct json_object *r)
{
	json_object_object_foreach(r, group, counters) {
		fprintf(out, "%s:\n", group);
		json_object_object_foreach(counters, name, value) {
			fprintf(out, "  %-24s %20" PRIu64 "\n", name,
				json_object_get_uint64(value));
		}
	}
	return 0;
}

static struct json_object *member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

/* "10.0.0.1:80", "[2001:db8::1]:80". */
static void endpoint(struct json_object *e, char *buf, size_t len)
{
	const char *a = str(e, "addr");

	snprintf(buf, len, strchr(a, ':') ? "[%s]:%" PRIu64 : "%s:%" PRIu64, a,
		 u64(e, "port"));
}

static void dir_pair(struct json_object *o, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu64 "/%" PRIu64, u64(o, "orig"),
		 u64(o, "reply"));
}

static int render_sessions(FILE *out, struct json_object *r)
{
	struct json_object *arr = member(r, "sessions");
	uint64_t matched = u64(r, "matched"), shown;
	size_t i;

	if (!arr || !json_object_is_type(arr, json_type_array))
		return -1;
	shown = json_object_array_length(arr);
	if (shown)
		fprintf(out, "%-6s %-11s %-41s %-41s %-19s %6s %8s %13s %19s\n",
			"PROTO", "STATE", "INITIATOR", "RESPONDER", "ZONES",
			"IDLE", "EXPIRES", "PKTS(O/R)", "BYTES(O/R)");
	for (i = 0; i < shown; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		char ini[64], rsp[64], zones[80], pk[48], by[48];

		endpoint(member(o, "initiator"), ini, sizeof(ini));
		endpoint(member(o, "responder"), rsp, sizeof(rsp));
		snprintf(zones, sizeof(zones), "%s->%s", str(o, "zone_in"),
			 str(o, "zone_out"));
		dir_pair(member(o, "packets"), pk, sizeof(pk));
		dir_pair(member(o, "bytes"), by, sizeof(by));
		fprintf(out,
			"%-6s %-11s %-41s %-41s %-19s %5" PRIu64 "s %7" PRIu64
			"s %13s %19s\n",
			str(o, "protocol"), str(o, "state"), ini, rsp, zones,
			u64(o, "idle_s"), u64(o, "expires_in_s"), pk, by);
	}
	if (shown < matched)
		fprintf(out,
			"%" PRIu64 " of %" PRIu64
			" matching sessions shown (at most %" PRIu64
			"; narrow with a filter), table capacity %" PRIu64 "\n",
			shown, matched, u64(r, "limit"), u64(r, "capacity"));
	else
		fprintf(out,
			"%" PRIu64 " session%s, table capacity %" PRIu64 "\n",
			matched, matched == 1 ? "" : "s", u64(r, "capacity"));
	return 0;
}

static int render_cleared(FILE *out, struct json_object *r)
{
	uint64_t n = u64(r, "cleared");

	fprintf(out, "cleared %" PRIu64 " session%s\n", n, n == 1 ? "" : "s");
	return 0;
}

static int render_list(FILE *out, struct json_object *r)
{
	struct json_object *arr = member(r, "entries");
	size_t i, n;

	if (!arr || !json_object_is_type(arr, json_type_array))
		return -1;
	n = json_object_array_length(arr);
	if (n)
		fprintf(out, "%-44s %12s %16s\n", "PREFIX", "EXPIRES-IN",
			"HITS");
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		struct json_object *exp = member(o, "expires_in_s");
		char e[24];

		if (exp)
			snprintf(e, sizeof(e), "%" PRIu64 "s",
				 json_object_get_uint64(exp));
		else
			snprintf(e, sizeof(e), "never");
		fprintf(out, "%-44s %12s %16" PRIu64 "\n", str(o, "prefix"), e,
			u64(o, "hits"));
	}
	fprintf(out, "%zu entr%s\n", n, n == 1 ? "y" : "ies");
	return 0;
}

static int render_saved(FILE *out, struct json_object *r)
{
	fprintf(out, "configuration saved to %s\n", str(r, "saved"));
	return 0;
}

static const struct {
	const char *what;
	int (*fn)(FILE *out, struct json_object *reply);
} views[] = {
	{ "status", render_status },
	{ "show running-config", render_running },
	{ "show interfaces", render_interfaces },
	{ "show counters", render_counters },
	{ "show sessions", render_sessions },
	{ "clear sessions", render_cleared },
	{ "show blacklist", render_list },
	{ "show whitelist", render_list },
	{ "save", render_saved },
};

/* what is the view's request, possibly followed by arguments (filters). */
static bool is_view(const char *view, const char *what)
{
	size_t n = strlen(view);

	return !strncmp(view, what, n) && (what[n] == '\0' || what[n] == ' ');
}

int hsbctl_render(FILE *out, const char *what, struct json_object *reply)
{
	size_t i;

	for (i = 0; i < sizeof(views) / sizeof(views[0]); i++)
		if (is_view(views[i].what, what))
			return json_object_is_type(reply, json_type_object) ?
				       views[i].fn(out, reply) :
				       -1;
	/* A request without a view of its own: show the raw document. */
	fprintf(out, "%s\n",
		json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PRETTY));
	return 0;
}
