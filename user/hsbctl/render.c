// SPDX-License-Identifier: GPL-2.0-only
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>
#include <json-c/json.h>

#include "render.h"
#include "render_json.h"

const char *str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return "?";
	return json_object_get_string(v);
}

uint64_t u64(struct json_object *o, const char *key)
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

struct json_object *member(struct json_object *o, const char *key)
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

/* "-" for null / missing strings. */
const char *str_or_dash(struct json_object *o, const char *key)
{
	struct json_object *v = member(o, key);

	return v && json_object_is_type(v, json_type_string) ?
		       json_object_get_string(v) :
		       "-";
}

static void vrrp_vips(struct json_object *o, char *buf, size_t len)
{
	struct json_object *arr = member(o, "vips");
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; arr && i < json_object_array_length(arr) && n < len; i++)
		n += (size_t)snprintf(
			buf + n, len - n, "%s%s", i ? "," : "",
			json_object_get_string(
				json_object_array_get_idx(arr, i)));
}

static void vrrp_last(struct json_object *o, char *buf, size_t len)
{
	struct json_object *t = member(o, "last_transition");

	if (!t) {
		snprintf(buf, len, "-");
		return;
	}
	snprintf(buf, len, "%s %.1fs ago", str(t, "reason"),
		 (double)u64(t, "age_ms") / 1000.0);
}

static int render_vrrp_brief(FILE *out, struct json_object *r)
{
	struct json_object *arr = member(r, "instances");
	char vips[256], last[96], prio[16];
	size_t i;

	if (!arr || !json_object_is_type(arr, json_type_array))
		return -1;
	fprintf(out, "%-4s %-12s %-10s %-7s %-39s %-24s %s\n", "VRID",
		"INTERFACE", "STATE", "PRIO", "MASTER", "VIPS", "LAST CHANGE");
	for (i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);

		vrrp_vips(o, vips, sizeof(vips));
		vrrp_last(o, last, sizeof(last));
		snprintf(prio, sizeof(prio), "%" PRIu64 "/%" PRIu64,
			 u64(o, "priority_configured"),
			 u64(o, "priority_effective"));
		fprintf(out, "%-4" PRIu64 " %-12s %-10s %-7s %-39s %-24s %s\n",
			u64(o, "vrid"), str(o, "interface"), str(o, "state"),
			prio, str_or_dash(o, "master_address"), vips, last);
	}
	fprintf(out, "%zu instance%s\n", json_object_array_length(arr),
		json_object_array_length(arr) == 1 ? "" : "s");
	return 0;
}

static void vrrp_counters(FILE *out, struct json_object *c)
{
	struct json_object *rej = member(c, "rx_rejected");
	bool any = false;

	fprintf(out,
		"  adverts      rx %" PRIu64 ", tx %" PRIu64
		" (priority 0: rx %" PRIu64 ", tx %" PRIu64
		"), tx errors %" PRIu64 "\n",
		u64(c, "adverts_rx"), u64(c, "adverts_tx"), u64(c, "prio0_rx"),
		u64(c, "prio0_tx"), u64(c, "tx_errors"));
	fprintf(out,
		"  answers      re-asserts %" PRIu64 ", not answered (rate "
		"limit): losing adverts %" PRIu64 ", priority 0 %" PRIu64 "\n",
		u64(c, "reasserts"), u64(c, "reasserts_suppressed"),
		u64(c, "prio0_replies_suppressed"));
	fprintf(out,
		"  became master %" PRIu64 "; GARP/NA sent %" PRIu64
		", errors %" PRIu64 "; notify runs %" PRIu64 "\n",
		u64(c, "become_master"), u64(c, "garp_sent"),
		u64(c, "garp_errors"), u64(c, "notify_runs"));
	fprintf(out,
		"  mismatches   interval %" PRIu64 ", address list %" PRIu64
		", owner conflict %" PRIu64 "\n",
		u64(c, "interval_mismatch"), u64(c, "addr_list_mismatch"),
		u64(c, "owner_conflict"));
	fprintf(out, "  rejected    ");
	json_object_object_foreach(rej, k, v) {
		if (!json_object_get_uint64(v))
			continue;
		fprintf(out, " %s %" PRIu64, k, json_object_get_uint64(v));
		any = true;
	}
	fprintf(out, "%s\n", any ? "" : " none");
}

/* The datapath's side of an instance: group, answering or not, MAC. */
static void vrrp_datapath(FILE *out, struct json_object *dp)
{
	struct json_object *act = member(dp, "active");

	if (!dp)
		return;
	fprintf(out, "  datapath     group %" PRIu64 ", %s, MAC %s%s\n",
		u64(dp, "group"),
		!act			     ? "state unknown" :
		json_object_get_boolean(act) ? "answering (active)" :
					       "silent (standby)",
		str(dp, "mac"),
		json_object_get_boolean(member(dp, "vmac")) ? " (virtual)" :
							      "");
}

static int render_vrrp(FILE *out, struct json_object *r)
{
	struct json_object *arr = member(r, "instances");
	char vips[256], last[96];
	size_t i;

	if (!arr || !json_object_is_type(arr, json_type_array))
		return -1;
	for (i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		struct json_object *c = member(o, "counters");

		vrrp_vips(o, vips, sizeof(vips));
		vrrp_last(o, last, sizeof(last));
		fprintf(out,
			"%svrrp vrid %" PRIu64 " interface %s (%s, v%" PRIu64
			")\n",
			i ? "\n" : "", u64(o, "vrid"), str(o, "interface"),
			str(o, "family"), u64(o, "version"));
		fprintf(out, "  state        %s%s\n", str(o, "state"),
			json_object_get_boolean(member(o, "link_usable")) ?
				"" :
				" (interface not usable)");
		fprintf(out,
			"  priority     %" PRIu64 " configured, %" PRIu64
			" running%s\n",
			u64(o, "priority_configured"),
			u64(o, "priority_effective"),
			json_object_get_boolean(member(o, "owner")) ?
				" (address owner)" :
				"");
		fprintf(out, "  master       %s\n",
			str_or_dash(o, "master_address"));
		fprintf(out, "  primary      %s\n",
			str_or_dash(o, "primary_address"));
		fprintf(out, "  virtual IPs  %s\n", vips);
		fprintf(out,
			"  timers       advert %" PRIu64
			" cs (master's %" PRIu64 " cs), skew %" PRIu64
			" ms, master down %" PRIu64 " ms\n",
			u64(o, "advert_interval_cs"),
			u64(o, "master_adver_interval_cs"), u64(o, "skew_ms"),
			u64(o, "master_down_interval_ms"));
		fprintf(out,
			"  preempt      %s, delay %" PRIu64 " cs; accept %s\n",
			json_object_get_boolean(member(o, "preempt")) ? "on" :
									"off",
			u64(o, "preempt_delay_cs"),
			json_object_get_boolean(member(o, "accept")) ? "on" :
								       "off");
		fprintf(out, "  last change  %s\n", last);
		vrrp_datapath(out, member(o, "datapath"));
		if (c)
			vrrp_counters(out, c);
	}
	if (!json_object_array_length(arr))
		fprintf(out, "no vrrp instances\n");
	return 0;
}

/* ---- NAT ------------------------------------------------------------ */

static void flags_str(struct json_object *o, char *buf, size_t len)
{
	struct json_object *a = member(o, "flags");
	size_t i, n = a ? json_object_array_length(a) : 0, off = 0;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(
			buf + off, len - off, "%s%s", i ? "," : "",
			json_object_get_string(
				json_object_array_get_idx(a, i)));
	if (!n)
		snprintf(buf, len, "-");
}

static void addr_port(struct json_object *o, const char *a, const char *p,
		      char *buf, size_t len)
{
	snprintf(buf, len, "%s:%" PRIu64, str(o, a), u64(o, p));
}

static void nat_footer(FILE *out, struct json_object *r, const char *one,
		       const char *many)
{
	uint64_t matched = u64(r, "matched");

	fprintf(out, "%" PRIu64 " %s", matched, matched == 1 ? one : many);
	if (matched > u64(r, "limit"))
		fprintf(out, " (%" PRIu64 " shown)", u64(r, "limit"));
	fprintf(out, "\n");
}

static int render_nat_pat(FILE *out, struct json_object *r)
{
	struct json_object *arr = member(r, "entries");
	size_t i, n;

	if (!arr || !json_object_is_type(arr, json_type_array))
		return -1;
	n = json_object_array_length(arr);
	if (n)
		fprintf(out, "%-6s %-21s %-21s %8s %-12s %8s %8s %s\n", "PROTO",
			"POOL", "INSIDE", "SESSIONS", "GROUP", "AGE", "IDLE",
			"FLAGS");
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		char pub[32], in[32], fl[64];

		addr_port(o, "pool_addr", "pool_port", pub, sizeof(pub));
		addr_port(o, "inside", "inside_port", in, sizeof(in));
		flags_str(o, fl, sizeof(fl));
		fprintf(out,
			"%-6s %-21s %-21s %8" PRIu64 " %-12s %7" PRIu64
			"s %7" PRIu64 "s %s\n",
			str(o, "protocol"), pub, in, u64(o, "sessions"),
			str(o, "group"), u64(o, "age_s"), u64(o, "idle_s"), fl);
	}
	nat_footer(out, r, "PAT mapping", "PAT mappings");
	return 0;
}

static int render_nat_nopat(FILE *out, struct json_object *r)
{
	struct json_object *arr = member(r, "entries");
	size_t i, n;

	if (!arr || !json_object_is_type(arr, json_type_array))
		return -1;
	n = json_object_array_length(arr);
	if (n)
		fprintf(out, "%-16s %-16s %8s %-12s %8s %8s %s\n", "PUBLIC",
			"INSIDE", "SESSIONS", "GROUP", "AGE", "IDLE", "FLAGS");
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		char fl[64];

		flags_str(o, fl, sizeof(fl));
		fprintf(out,
			"%-16s %-16s %8" PRIu64 " %-12s %7" PRIu64 "s %7" PRIu64
			"s %s\n",
			str(o, "public"), str(o, "inside"), u64(o, "sessions"),
			str(o, "group"), u64(o, "age_s"), u64(o, "idle_s"), fl);
	}
	nat_footer(out, r, "NO-PAT mapping", "NO-PAT mappings");
	return 0;
}

static int render_server_map(FILE *out, struct json_object *r)
{
	struct json_object *arr = member(r, "entries");
	size_t i, n;

	if (!arr || !json_object_is_type(arr, json_type_array))
		return -1;
	n = json_object_array_length(arr);
	if (n)
		fprintf(out, "%-8s %-6s %-21s %-21s %-10s %-14s %s\n", "TYPE",
			"PROTO", "GLOBAL", "INSIDE", "ZONE", "SERVER",
			"EXPIRES");
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		struct json_object *exp = member(o, "expires_in_s");
		char g[32], in[32], ex[24];

		if (u64(o, "global_port"))
			addr_port(o, "global", "global_port", g, sizeof(g));
		else
			snprintf(g, sizeof(g), "%s", str(o, "global"));
		if (u64(o, "inside_port"))
			addr_port(o, "inside", "inside_port", in, sizeof(in));
		else
			snprintf(in, sizeof(in), "%s", str(o, "inside"));
		if (exp)
			snprintf(ex, sizeof(ex), "%" PRIu64 "s",
				 (uint64_t)json_object_get_uint64(exp));
		else
			snprintf(ex, sizeof(ex), "never");
		fprintf(out, "%-8s %-6s %-21s %-21s %-10s %-14s %s\n",
			str(o, "type"), str(o, "protocol"), g, in,
			str(o, "zone"), str_or_dash(o, "server"), ex);
	}
	nat_footer(out, r, "server-map entry", "server-map entries");
	return 0;
}

static int render_pool_usage(FILE *out, struct json_object *r)
{
	struct json_object *groups = member(r, "groups");
	size_t g, n;

	if (!groups || !json_object_is_type(groups, json_type_array))
		return -1;
	n = json_object_array_length(groups);
	fprintf(out, "port partition: %s\n", str(r, "partition"));
	for (g = 0; g < n; g++) {
		struct json_object *o = json_object_array_get_idx(groups, g);
		struct json_object *addrs = member(o, "addresses");
		bool pat = !strcmp(str(o, "mode"), "pat");
		size_t i, na = addrs ? json_object_array_length(addrs) : 0;

		if (pat)
			fprintf(out,
				"address-group %s (pat, %" PRIu64
				" addresses, ports %" PRIu64 "-%" PRIu64
				" on this host: %" PRIu64 " per protocol)\n",
				str(o, "name"), u64(o, "addresses_total"),
				u64(o, "port_lo"), u64(o, "port_hi"),
				u64(o, "ports_per_protocol"));
		else
			fprintf(out,
				"address-group %s (no-pat, %" PRIu64
				" addresses)\n",
				str(o, "name"), u64(o, "addresses_total"));
		for (i = 0; i < na; i++) {
			struct json_object *a =
				json_object_array_get_idx(addrs, i);

			if (pat)
				fprintf(out,
					"  %-16s tcp %6" PRIu64
					"  udp %6" PRIu64 "  icmp %6" PRIu64
					"\n",
					str(a, "addr"), u64(a, "tcp"),
					u64(a, "udp"), u64(a, "icmp"));
			else
				fprintf(out, "  %-16s %s\n", str(a, "addr"),
					json_object_get_boolean(
						member(a, "in_use")) ?
						str(a, "inside") :
						"free");
		}
	}
	return 0;
}

static int render_nat_sessions(FILE *out, struct json_object *r)
{
	struct json_object *arr = member(r, "sessions");
	size_t i, n;

	if (!arr || !json_object_is_type(arr, json_type_array))
		return -1;
	n = json_object_array_length(arr);
	if (n)
		fprintf(out, "%-6s %-11s %-21s %-21s %-14s %-21s %6s\n",
			"PROTO", "STATE", "INITIATOR", "RESPONDER", "NAT",
			"TRANSLATED", "IDLE");
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		struct json_object *nat = member(o, "nat");
		struct json_object *t = member(nat, "initiator_public");
		char ini[64], rsp[64], tr[64];

		if (!t)
			t = member(nat, "responder_inside");
		endpoint(member(o, "initiator"), ini, sizeof(ini));
		endpoint(member(o, "responder"), rsp, sizeof(rsp));
		if (t)
			endpoint(t, tr, sizeof(tr));
		else
			snprintf(tr, sizeof(tr), "-");
		fprintf(out,
			"%-6s %-11s %-21s %-21s %-14s %-21s %5" PRIu64 "s\n",
			str(o, "protocol"), str(o, "state"), ini, rsp,
			str(nat, "kind"), tr, u64(o, "idle_s"));
	}
	fprintf(out, "%" PRIu64 " translated session%s\n", u64(r, "matched"),
		u64(r, "matched") == 1 ? "" : "s");
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
	{ "show nat sessions", render_nat_sessions },
	{ "show nat pat", render_nat_pat },
	{ "show nat no-pat", render_nat_nopat },
	{ "show nat pool-usage", render_pool_usage },
	{ "show server-map", render_server_map },
	/* before "show vrrp", which would match it too */
	{ "show vrrp brief", render_vrrp_brief },
	{ "show vrrp", render_vrrp },
	{ "show vgmp", render_vgmp },
	{ "show hrp", render_hrp },
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
