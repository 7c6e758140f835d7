// SPDX-License-Identifier: GPL-2.0-only
#include <inttypes.h>
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
	{ "save", render_saved },
};

int hsbctl_render(FILE *out, const char *what, struct json_object *reply)
{
	size_t i;

	for (i = 0; i < sizeof(views) / sizeof(views[0]); i++)
		if (!strcmp(views[i].what, what))
			return json_object_is_type(reply, json_type_object) ?
				       views[i].fn(out, reply) :
				       -1;
	/* A request without a view of its own: show the raw document. */
	fprintf(out, "%s\n",
		json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PRETTY));
	return 0;
}
