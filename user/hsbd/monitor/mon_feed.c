// SPDX-License-Identifier: GPL-2.0-only
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <json-c/json.h>

#include "json_add.h"
#include "clock.h"
#include "config.h"
#include "ctl/ctl_server.h"
#include "ha/switchover.h"
#include "hrp/hrp_engine.h"
#include "hsbd.h"
#include "log.h"
#include "monitor.h"
#include "monitor/mon_feed.h"
#include "records/bus.h"
#include "version.h"

/* the record types the datapath summary counts, and their keys */
static const struct {
	unsigned int type;
	const char *key;
} counted[] = {
	{ HSB_EV_SESSION_NEW, "sessions_created" },
	{ HSB_EV_SESSION_UPDATE, "sessions_updated" },
	{ HSB_EV_SESSION_DELETE, "sessions_deleted" },
	{ HSB_EV_NAT_CREATE, "nat_created" },
	{ HSB_EV_NAT_DELETE, "nat_deleted" },
};
#define N_COUNTED (sizeof(counted) / sizeof(counted[0]))

struct hsbd_monitor {
	struct hsbd *d;
	struct hsb_timer *tick;
	bool observing;
	/* the bus's totals at the last tick, and when it was */
	uint64_t last[N_COUNTED];
	uint64_t last_ms;
	bool hrp_up;
};

static bool listened(const struct hsbd *d)
{
	return hsb_ctl_server_streams(d->ctl) > 0;
}

/* Sends ev to every monitor and frees it. */
static void send_event(struct hsbd *d, struct json_object *ev)
{
	if (!ev)
		return;
	hsb_ctl_server_broadcast(d->ctl, json_object_to_json_string_ext(
						 ev, JSON_C_TO_STRING_PLAIN));
	json_object_put(ev);
}

static void add_str(struct json_object *o, const char *key, const char *v)
{
	if (v)
		json_object_object_add(o, key, json_object_new_string(v));
}

static void on_ha(const struct hsb_ha_event *ev, void *ctx)
{
	struct hsbd_monitor *m = ctx;
	struct json_object *o;

	if (!listened(m->d) || ev->kind == HSB_HA_EV_HEARD)
		return; /* heard: every advert, not a transition */
	o = hsb_mon_event(hsb_wall_ms(),
			  ev->kind == HSB_HA_EV_MEMBER ? "vrrp" : "group");
	if (!o)
		return;
	add_str(o, "group", ev->group);
	if (ev->kind == HSB_HA_EV_GROUP) {
		hsb_json_add_u64(o, "slot", ev->slot);
		add_str(o, "state", ev->active ? "active" : "standby");
	}
	if (ev->ifname) {
		hsb_json_add_u64(o, "vrid", ev->vrid);
		add_str(o, "interface", ev->ifname);
	}
	if (ev->kind == HSB_HA_EV_MEMBER) {
		add_str(o, "family", ev->family == AF_INET6 ? "ipv6" : "ipv4");
		add_str(o, "from", hsb_ha_member_state_name(ev->from));
		add_str(o, "to", hsb_ha_member_state_name(ev->to));
		hsb_json_add_u64(o, "priority", ev->priority);
	}
	add_str(o, "reason", ev->reason);
	send_event(m->d, o);
}

static void bus_totals(const struct hsbd *d, uint64_t *out)
{
	size_t i;

	for (i = 0; i < N_COUNTED; i++)
		out[i] = d->bus ? hsb_bus_published(d->bus, counted[i].type) :
				  0;
}

static void check_hrp(struct hsbd_monitor *m)
{
	struct hsb_hrp_info info;
	struct json_object *o;

	if (!m->d->hrp) {
		m->hrp_up = false;
		return;
	}
	hsb_hrp_info(m->d->hrp, &info);
	if (info.up == m->hrp_up)
		return;
	m->hrp_up = info.up;
	if (!listened(m->d))
		return;
	o = hsb_mon_event(hsb_wall_ms(), "hrp");
	if (!o)
		return;
	add_str(o, "state", info.up ? "up" : "down");
	send_event(m->d, o);
}

static void on_tick(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	struct hsbd_monitor *m = ctx;
	uint64_t now[N_COUNTED], now_ms = hsb_now_ms();
	struct json_object *o = NULL;
	size_t i;

	(void)loop;
	(void)t;
	bus_totals(m->d, now);
	check_hrp(m);
	if (listened(m->d)) {
		for (i = 0; i < N_COUNTED; i++) {
			if (now[i] == m->last[i])
				continue;
			if (!o)
				o = hsb_mon_event(hsb_wall_ms(), "datapath");
			if (o)
				hsb_json_add_u64(o, counted[i].key,
						 now[i] - m->last[i]);
		}
		if (o) {
			for (i = 0; i < N_COUNTED; i++)
				if (now[i] == m->last[i])
					hsb_json_add_u64(o, counted[i].key, 0);
			hsb_json_add_u64(o, "interval_ms", now_ms - m->last_ms);
			send_event(m->d, o);
		}
	}
	memcpy(m->last, now, sizeof(now));
	m->last_ms = now_ms;
}

struct hsbd_monitor *hsbd_monitor_start(struct hsbd *d)
{
	struct hsbd_monitor *m = calloc(1, sizeof(*m));

	if (!m)
		goto fail;
	m->d = d;
	bus_totals(d, m->last);
	m->last_ms = hsb_now_ms();
	m->tick = hsb_timer_new(d->loop, on_tick, m);
	if (!m->tick ||
	    hsb_timer_arm(m->tick, HSBD_MON_TICK_MS, HSBD_MON_TICK_MS))
		goto fail;
	if (d->ha) {
		if (hsb_switchover_observe(d->ha, on_ha, m))
			goto fail;
		m->observing = true;
	}
	return m;
fail:
	hsb_err("monitor: out of memory; hsbctl monitor streams nothing");
	hsbd_monitor_stop(m);
	return NULL;
}

void hsbd_monitor_stop(struct hsbd_monitor *m)
{
	if (!m)
		return;
	if (m->observing)
		hsb_switchover_unobserve(m->d->ha, on_ha, m);
	hsb_timer_free(m->tick);
	free(m);
}

struct line_set {
	/* the canonical lines of a configuration */
	char **lines;
	size_t n, cap;
	bool failed;
};

static int collect(const char *line, enum hsb_cmd_scope scope, void *ctx)
{
	struct line_set *c = ctx;

	(void)scope;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		char **bigger = realloc(c->lines, cap * sizeof(*bigger));

		if (!bigger) {
			c->failed = true;
			return 1;
		}
		c->lines = bigger;
		c->cap = cap;
	}
	c->lines[c->n] = strdup(line);
	if (!c->lines[c->n]) {
		c->failed = true;
		return 1;
	}
	c->n++;
	return 0;
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void release(struct line_set *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->lines[i]);
	free(c->lines);
}

/* Adds line's command name to the array names (once). */
static void add_name(struct json_object *names, const char *line)
{
	char name[128];
	size_t i, n = json_object_array_length(names);

	if (!hsb_config_command_name(line, name, sizeof(name)))
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(line, " "),
			 line);
	for (i = 0; i < n; i++)
		if (!strcmp(json_object_get_string(
				    json_object_array_get_idx(names, i)),
			    name))
			return;
	json_object_array_add(names, json_object_new_string(name));
}

static const char *origin_name(enum hsbd_origin o)
{
	switch (o) {
	case HSBD_ORIGIN_OPERATOR:
		return "operator";
	case HSBD_ORIGIN_PEER:
		return "peer";
	case HSBD_ORIGIN_EXPIRY:
		return "expiry";
	}
	return "?";
}

/* What changed, as command names and line counts: the lines themselves
 * may hold a secret (the HRP key) and a monitor may be read-only. */
void hsbd_monitor_config(struct hsbd *d, const struct hsb_config *prev)
{
	struct line_set a = { 0 }, b = { 0 };
	struct json_object *o, *names;
	uint64_t added = 0, removed = 0;
	size_t i = 0, j = 0;

	if (!listened(d))
		return;
	o = hsb_mon_event(hsb_wall_ms(), "config");
	if (!o)
		return;
	add_str(o, "origin", origin_name(d->origin));
	hsb_json_add_u64(o, "generation", d->stats.config_applied);
	if (prev)
		hsb_config_foreach(prev, collect, &a);
	hsb_config_foreach(d->cfg, collect, &b);
	if (!a.failed && !b.failed) {
		qsort(a.lines, a.n, sizeof(*a.lines), cmp_line);
		qsort(b.lines, b.n, sizeof(*b.lines), cmp_line);
		names = json_object_new_array();
		while (i < a.n || j < b.n) {
			int c = i == a.n ? 1 :
				j == b.n ? -1 :
					   strcmp(a.lines[i], b.lines[j]);

			if (c < 0) {
				add_name(names, a.lines[i++]);
				removed++;
			} else if (c > 0) {
				add_name(names, b.lines[j++]);
				added++;
			} else {
				i++;
				j++;
			}
		}
		json_object_object_add(o, "changed", names);
		hsb_json_add_u64(o, "added", added);
		hsb_json_add_u64(o, "removed", removed);
	}
	release(&a);
	release(&b);
	send_event(d, o);
}

struct json_object *hsbd_monitor_hello(struct hsbd *d)
{
	struct json_object *o = hsb_mon_event(hsb_wall_ms(), "monitor");

	if (!o)
		return NULL;
	add_str(o, "event", "start");
	add_str(o, "sysname", d->cfg->sysname);
	add_str(o, "version", HSB_VERSION);
	hsb_json_add_u64(o, "generation", d->stats.config_applied);
	return o;
}
