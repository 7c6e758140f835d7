// SPDX-License-Identifier: GPL-2.0-only
/* show vgmp [GROUP], switchover [GROUP]: the VGMP groups. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "json_add.h"
#include "clock.h"
#include "ctl_proto.h"
#include "ctl/ctl_cmd.h"
#include "hsbd.h"
#include "ha/switchover.h"
#include "ha/vaddr_table.h"
#include "vgmp/vgmp_engine.h"
#include "vgmp/vgmp_probe.h"

struct show {
	struct hsbd *d;
	const char *only; /* a group name, or NULL */
	uint64_t now;
	struct json_object *arr;
};

static void add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void add_bool(struct json_object *o, const char *k, bool v)
{
	json_object_object_add(o, k, json_object_new_boolean(v));
}

static uint64_t age(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

static struct json_object *peer(const struct vgmp_grp *g, uint64_t now)
{
	const struct vgmp_group *f = &g->fsm;
	struct json_object *o = json_object_new_object();
	char node[INET6_ADDRSTRLEN];

	add_bool(o, "known", f->peer_known);
	add_bool(o, "dead", f->peer_dead);
	add_bool(o, "heartbeat_lost", f->heartbeat_lost);
	if (!f->peer_known)
		return o;
	if (f->peer_hello_known) {
		add_str(o, "state", vgmp_state_name(f->peer.state));
		hsb_json_add_u64(o, "priority", f->peer.priority);
		hsb_json_add_u64(o, "penalty", f->peer.penalty);
		add_bool(o, "ready", f->peer.ready);
		hsb_json_add_u64(o, "last_hello_age_ms",
				 age(now, f->last_hello_ms));
		/* IPv4-mapped node ids read as IPv4 */
		if (!memcmp(f->peer_node, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12))
			inet_ntop(AF_INET, f->peer_node + 12, node,
				  sizeof(node));
		else
			inet_ntop(AF_INET6, f->peer_node, node, sizeof(node));
		add_str(o, "node", node);
	}
	if (f->last_advert_ms)
		hsb_json_add_u64(o, "last_advert_age_ms",
				 age(now, f->last_advert_ms));
	return o;
}

struct members_ctx {
	const struct vgmp_grp *g;
	struct json_object *arr;
};

static void add_member(const struct hsb_ha_member_info *m, void *ctx)
{
	struct members_ctx *mc = ctx;
	struct json_object *o = json_object_new_object();
	unsigned int i;

	hsb_json_add_u64(o, "vrid", m->vrid);
	add_str(o, "interface", m->ifname);
	add_str(o, "family", m->family == AF_INET6 ? "ipv6" : "ipv4");
	add_str(o, "state", hsb_ha_member_state_name(m->state));
	/* the peer's view of the same instance, from its last hello */
	for (i = 0; i < mc->g->peer_view.n_members; i++) {
		const struct vgmp_wire_member *w = &mc->g->peer_view.members[i];

		if (w->vrid == m->vrid &&
		    w->family == (m->family == AF_INET6 ? 6 : 4))
			add_str(o, "peer_state",
				w->state == VGMP_MEMBER_MASTER ? "master" :
				w->state == VGMP_MEMBER_BACKUP ? "backup" :
								 "down");
	}
	json_object_array_add(mc->arr, o);
}

static struct json_object *tracks(const struct vgmp_grp *g)
{
	struct json_object *arr = json_object_new_array();
	char ip[INET6_ADDRSTRLEN];
	unsigned int i;

	for (i = 0; i < g->n_tracks; i++) {
		const struct vgmp_track_rt *t = &g->tracks[i];
		struct json_object *o = json_object_new_object();

		if (t->cfg.type == HSB_TRACK_INTERFACE) {
			add_str(o, "type", "interface");
			add_str(o, "interface", t->cfg.ifname);
		} else {
			const struct vgmp_track *p = vgmp_probe_state(t->probe);

			add_str(o, "type", "ip");
			inet_ntop(t->cfg.ip.family, &t->cfg.ip.v6, ip,
				  sizeof(ip));
			add_str(o, "ip", ip);
			if (t->cfg.ifname[0])
				add_str(o, "interface", t->cfg.ifname);
			hsb_json_add_u64(o, "interval_ms", t->cfg.interval_ms);
			hsb_json_add_u64(o, "threshold", t->cfg.threshold);
			hsb_json_add_u64(o, "probes", p->probes);
			hsb_json_add_u64(o, "replies", p->replies);
			hsb_json_add_u64(o, "misses_in_a_row", p->misses);
			hsb_json_add_u64(o, "send_errors",
					 vgmp_probe_send_errors(t->probe));
		}
		add_str(o, "state", t->down ? "down" : "up");
		hsb_json_add_u64(o, "reduce", t->cfg.reduce);
		hsb_json_add_u64(o, "changes", t->changes);
		json_object_array_add(arr, o);
	}
	return arr;
}

static struct json_object *timers(const struct vgmp_group *f, uint64_t now)
{
	struct json_object *o = json_object_new_object();
	unsigned int t;

	/* remaining ms, null when not armed */
	for (t = 0; t < VGMP_TIMER__COUNT; t++)
		json_object_object_add(
			o, vgmp_timer_name((enum vgmp_timer)t),
			f->timers_armed[t] ?
				json_object_new_uint64(
					age(f->timers_deadline[t], now)) :
				NULL);
	return o;
}

static struct json_object *counters(const struct vgmp_grp *g)
{
	const struct vgmp_counters *c = &g->fsm.cnt;
	struct json_object *o = json_object_new_object();

	hsb_json_add_u64(o, "hellos_rx", c->hellos_rx);
	hsb_json_add_u64(o, "adverts_seen", c->adverts_seen);
	hsb_json_add_u64(o, "transitions", c->transitions);
	hsb_json_add_u64(o, "peer_deaths", c->peer_deaths);
	hsb_json_add_u64(o, "split_brain_guard", c->split_brain_guard);
	hsb_json_add_u64(o, "stalls", c->stalls);
	hsb_json_add_u64(o, "conflicts", c->conflicts);
	hsb_json_add_u64(o, "preempt_delay_started", c->preempt_delay_started);
	hsb_json_add_u64(o, "preempt_delay_cancelled",
			 c->preempt_delay_cancelled);
	hsb_json_add_u64(o, "preempt_waiting_ready", c->preempt_waiting_ready);
	hsb_json_add_u64(o, "notify_runs", g->notify_runs);
	return o;
}

static struct json_object *history(const struct vgmp_grp *g)
{
	struct json_object *arr = json_object_new_array();
	unsigned int i,
		n = g->n_hist < HSB_VGMP_HISTORY ? g->n_hist : HSB_VGMP_HISTORY;

	/* newest first */
	for (i = 0; i < n; i++) {
		const struct vgmp_history *h =
			&g->hist[(g->n_hist - 1 - i) % HSB_VGMP_HISTORY];
		struct json_object *o = json_object_new_object();

		hsb_json_add_u64(o, "at_ms", h->at_ms);
		add_str(o, "from", vgmp_state_name(h->from));
		add_str(o, "to", vgmp_state_name(h->to));
		add_str(o, "reason", vgmp_reason_name(h->reason));
		json_object_array_add(arr, o);
	}
	return arr;
}

static void add_group(const struct vgmp_grp *g, void *ctx)
{
	const struct vgmp_group *f = &g->fsm;
	struct show *sh = ctx;
	struct json_object *o;
	struct members_ctx mc;
	bool active;

	if (sh->only && strcmp(sh->only, g->cfg.name))
		return;
	o = json_object_new_object();
	add_str(o, "name", g->cfg.name);
	add_str(o, "state", vgmp_state_name(f->state));
	add_str(o, "mode",
		g->cfg.mode == HSB_VGMP_MODE_LOAD_BALANCE ? "load-balance" :
							    "active-standby");
	hsb_json_add_u64(o, "priority", f->priority);
	hsb_json_add_u64(o, "base_priority", f->cfg.priority);
	hsb_json_add_u64(o, "penalty", f->penalty);
	add_bool(o, "preempt", g->cfg.preempt);
	hsb_json_add_u64(o, "preempt_delay_s", g->cfg.preempt_delay);
	hsb_json_add_u64(o, "hello_interval_ms", g->cfg.hello_ms);
	hsb_json_add_u64(o, "dead_count", g->cfg.dead_count);
	add_bool(o, "ready", f->ready);
	add_bool(o, "handover", f->handover);
	hsb_json_add_u64(o, "slot", g->slot);
	if (sh->d->dp && !hsb_vgroup_get(sh->d->dp, g->slot, &active))
		add_bool(o, "datapath_active", active);
	json_object_object_add(o, "peer", peer(g, sh->now));
	mc.g = g;
	mc.arr = json_object_new_array();
	if (sh->d->ha)
		hsb_switchover_members(sh->d->ha, g->slot, add_member, &mc);
	json_object_object_add(o, "members", mc.arr);
	hsb_json_add_u64(o, "failed_members", g->failed_members);
	json_object_object_add(o, "tracks", tracks(g));
	json_object_object_add(o, "timers", timers(f, sh->now));
	json_object_object_add(o, "counters", counters(g));
	json_object_object_add(o, "history", history(g));
	json_object_object_add(o, "notify",
			       g->cfg.notify[0] ?
				       json_object_new_string(g->cfg.notify) :
				       NULL);
	json_object_array_add(sh->arr, o);
}

static struct json_object *heartbeat(const struct hsbd *d)
{
	struct json_object *o = json_object_new_object();
	struct json_object *rej;
	struct vgmp_hb_info hb;
	unsigned int r;

	hsb_vgmp_heartbeat(d->vgmp, &hb);
	add_bool(o, "up", hb.up);
	/* no VGMP group configured: nothing more (and no rx_rejected
	 * object made only to be lost) */
	if (!hb.link)
		return o;
	rej = json_object_new_object();
	add_str(o, "interface", hb.ifname);
	add_str(o, "local", hb.local);
	add_str(o, "remote", hb.remote);
	hsb_json_add_u64(o, "hello_interval_ms", hb.hello_ms);
	hsb_json_add_u64(o, "hellos_sent", hb.link->tx_hellos);
	hsb_json_add_u64(o, "hellos_triggered", hb.link->tx_triggered);
	hsb_json_add_u64(o, "retransmits", hb.link->tx_retransmits);
	hsb_json_add_u64(o, "acks_sent", hb.link->tx_acks);
	hsb_json_add_u64(o, "hellos_received", hb.link->rx_hellos);
	hsb_json_add_u64(o, "acks_received", hb.link->rx_acks);
	hsb_json_add_u64(o, "acks_missing", hb.link->acks_missing);
	hsb_json_add_u64(o, "peer_restarts", hb.link->peer_restarts);
	hsb_json_add_u64(o, "packets_rx", hb.rx_packets);
	hsb_json_add_u64(o, "packets_tx", hb.tx_packets);
	hsb_json_add_u64(o, "tx_errors", hb.tx_errors);
	hsb_json_add_u64(o, "rx_foreign", hb.rx_foreign);
	hsb_json_add_u64(o, "rx_oversized", hb.rx_oversized);
	hsb_json_add_u64(o, "unknown_groups", hb.unknown_groups);
	for (r = 1; r < VGMP_RX__COUNT; r++)
		hsb_json_add_u64(rej,
				 vgmp_rx_reason_name((enum vgmp_rx_reason)r),
				 hb.link->rx_rejected[r]);
	json_object_object_add(o, "rx_rejected", rej);
	return o;
}

static int show_vgmp(struct hsbd *d, const struct hsb_ctl_request *req,
		     int words, struct json_object **reply, char *err,
		     size_t errlen)
{
	struct show sh = { .d = d, .now = hsb_now_ms() };

	if (req->argc > words + 1) {
		snprintf(err, errlen, "usage: show vgmp [GROUP]");
		return -1;
	}
	if (req->argc == words + 1)
		sh.only = req->argv[words];
	sh.arr = json_object_new_array();
	hsb_vgmp_foreach(d->vgmp, add_group, &sh);
	if (sh.only && !json_object_array_length(sh.arr)) {
		json_object_put(sh.arr);
		snprintf(err, errlen, "no vgmp group '%s'", sh.only);
		return -1;
	}
	*reply = json_object_new_object();
	json_object_object_add(*reply, "groups", sh.arr);
	json_object_object_add(*reply, "heartbeat", heartbeat(d));
	return 0;
}

static int switchover(struct hsbd *d, const struct hsb_ctl_request *req,
		      int words, struct json_object **reply, char *err,
		      size_t errlen)
{
	if (req->argc > words + 1) {
		snprintf(err, errlen, "usage: switchover [GROUP]");
		return -1;
	}
	if (hsb_vgmp_switchover(
		    d->vgmp, req->argc == words + 1 ? req->argv[words] : NULL,
		    err, errlen))
		return -1;
	*reply = NULL;
	return 0;
}

static const struct hsb_ctl_cmd cmds[] = {
	{ { "show", "vgmp" }, true, show_vgmp },
	{ { "switchover" }, true, switchover },
};

HSB_CTL_TABLE(hsb_ctl_vgmp_cmds, cmds);
