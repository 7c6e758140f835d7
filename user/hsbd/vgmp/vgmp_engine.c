// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VGMP engine's groups: reconcile `vgmp group` entries, run each
 * group's state machine, execute its actions (the members through the
 * VRRP engine, the slot through the switchover owner, hellos through the
 * heartbeat), keep the running priority from failed members and tracks.
 * See vgmp_engine.h and docs/vgmp.md.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

#include "clock.h"
#include "evloop.h"
#include "log.h"
#include "hsbd.h"
#include "ha/handover.h"
#include "ha/switchover.h"
#include "netlink/link_events.h"
#include "hrp/hrp_engine.h"
#include "vgmp/vgmp_int.h"
#include "vgmp/vgmp_notify.h"
#include "vgmp/vgmp_probe.h"
#include "vrrp/vrrp_engine.h"

struct vgmp_grp *vgmp_grp_find(struct hsb_vgmp *e, const char *name)
{
	unsigned int i;

	for (i = 0; i < e->n; i++)
		if (!strcmp(e->grp[i]->cfg.name, name))
			return e->grp[i];
	return NULL;
}

/* --- running priority ----------------------------------------------------- */

static bool iface_usable(const char *ifname)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool up = false;

	if (fd < 0)
		return false;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	/* missing, admin-down and no carrier all count as failed */
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0)
		up = (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
	close(fd);
	return up;
}

static bool iface_tracked(const struct vgmp_grp *g, const char *ifname)
{
	unsigned int i;

	for (i = 0; i < g->n_tracks; i++)
		if (g->tracks[i].cfg.type == HSB_TRACK_INTERFACE &&
		    !strcmp(g->tracks[i].cfg.ifname, ifname))
			return true;
	return false;
}

struct member_sum {
	const struct vgmp_grp *g;
	unsigned int failed; /* counted members */
	uint32_t penalty;
};

static void sum_member(const struct hsb_ha_member_info *m, void *ctx)
{
	struct member_sum *s = ctx;

	/* a member whose interface is tracked counts once, as the track */
	if (m->state != HSB_HA_MEMBER_DOWN || iface_tracked(s->g, m->ifname))
		return;
	s->failed++;
	s->penalty += HSB_VGMP_MEMBER_REDUCE;
}

/* base priority - failed members - failed tracks */
static void update_penalty(struct vgmp_grp *g)
{
	struct hsb_vgmp *e = g->eng;
	struct member_sum s = { .g = g };
	struct vgmp_actions out;
	unsigned int i;

	if (e->busy) {
		e->penalties_stale = true;
		return;
	}
	if (e->d->ha)
		hsb_switchover_members(e->d->ha, g->slot, sum_member, &s);
	if (s.failed > g->failed_members)
		e->st.member_failures += s.failed - g->failed_members;
	g->failed_members = s.failed;
	for (i = 0; i < g->n_tracks; i++)
		if (g->tracks[i].down)
			s.penalty += g->tracks[i].cfg.reduce;
	vgmp_group_set_penalty(&g->fsm, s.penalty, hsb_now_ms(), &out);
	vgmp_grp_execute(g, &out);
}

static void update_all(struct hsb_vgmp *e)
{
	unsigned int i;

	e->penalties_stale = false;
	for (i = 0; i < e->n; i++)
		update_penalty(e->grp[i]);
}

static void track_set(struct vgmp_grp *g, struct vgmp_track_rt *t, bool down)
{
	char what[INET6_ADDRSTRLEN + HSB_CFG_IFNAME_SIZE];

	if (t->down == down)
		return;
	t->down = down;
	t->changes++;
	g->eng->st.track_changes++;
	if (t->cfg.type == HSB_TRACK_INTERFACE)
		snprintf(what, sizeof(what), "interface %s", t->cfg.ifname);
	else
		inet_ntop(t->cfg.ip.family, &t->cfg.ip.v6, what, sizeof(what));
	hsb_log(HSB_LOG_WARNING, "vgmp %s: track %s %s (priority -%u)",
		g->cfg.name, what, down ? "failed" : "recovered",
		t->cfg.reduce);
	update_penalty(g);
}

static void on_links(const struct hsb_lev_batch *b, void *ctx)
{
	struct hsb_vgmp *e = ctx;
	unsigned int i, k;

	(void)b;
	/* a few ioctls per batch: cheaper than matching names and
	 * indexes, and always right after an overrun */
	for (i = 0; i < e->n; i++) {
		struct vgmp_grp *g = e->grp[i];

		for (k = 0; k < g->n_tracks; k++)
			if (g->tracks[k].cfg.type == HSB_TRACK_INTERFACE)
				track_set(
					g, &g->tracks[k],
					!iface_usable(g->tracks[k].cfg.ifname));
	}
}

static void on_probe(struct vgmp_probe *p, bool up, void *ctx)
{
	struct vgmp_grp *g = ctx;
	unsigned int k;

	for (k = 0; k < g->n_tracks; k++)
		if (g->tracks[k].probe == p)
			track_set(g, &g->tracks[k], !up);
}

/* --- actions ------------------------------------------------------------ */

struct flip_ctx {
	struct vgmp_grp *g;
	bool active;
	const char *reason;
};

static void flip(void *ctx)
{
	struct flip_ctx *f = ctx;
	struct hsbd *d = f->g->eng->d;

	if (d->ha)
		hsb_switchover_set_group(d->ha, f->g->slot, f->active,
					 f->reason);
}

/* Every member and the group's slot to the group's state. */
static void drive(struct vgmp_grp *g, bool active, const char *reason)
{
	struct hsb_vgmp *e = g->eng;
	struct flip_ctx f = { g, active, reason };
	bool was = e->busy;

	e->busy = true;
	if (hsb_vrrp_follow(e->d->vrrp, g->slot, active, flip, &f) < 0)
		hsb_log(HSB_LOG_ERR, "vgmp %s: out of memory moving members",
			g->cfg.name);
	e->busy = was;
}

static void record(struct vgmp_grp *g, const struct vgmp_transition *tr)
{
	struct vgmp_history *h = &g->hist[g->n_hist++ % HSB_VGMP_HISTORY];
	struct vgmp_notify_event ev;
	int ret;

	if ((unsigned int)tr->reason < VGMP_REASON__COUNT)
		g->transitions[tr->reason]++;
	h->at_ms = hsb_wall_ms();
	h->from = tr->from;
	h->to = tr->to;
	h->reason = tr->reason;
	hsb_log(tr->to == VGMP_STATE_ACTIVE ? HSB_LOG_WARNING : HSB_LOG_INFO,
		"vgmp %s: %s -> %s (%s), priority %u, peer %u", g->cfg.name,
		vgmp_state_name(tr->from), vgmp_state_name(tr->to),
		vgmp_reason_name(tr->reason), g->fsm.priority,
		g->fsm.peer.priority);
	if (!g->cfg.notify[0])
		return;
	ev.group = g->cfg.name;
	ev.old_state = vgmp_state_name(tr->from);
	ev.new_state = vgmp_state_name(tr->to);
	ev.reason = vgmp_reason_name(tr->reason);
	ev.priority = g->fsm.priority;
	ev.peer_priority = g->fsm.peer.priority;
	ret = vgmp_notify_run(g->cfg.notify, &ev);
	if (ret) {
		g->eng->st.notify_errors++;
		hsb_log_ratelimited(HSB_LOG_WARNING,
				    "vgmp %s: notify hook not run: %s",
				    g->cfg.name, strerror(-ret));
	} else {
		g->notify_runs++;
	}
}

static void arm(struct vgmp_grp *g, enum vgmp_timer t, uint64_t deadline)
{
	uint64_t now = hsb_now_ms();

	/* 0 would disarm: a deadline already past fires in 1 ms */
	hsb_timer_arm(g->tm[t].t, deadline > now ? deadline - now : 1, 0);
}

void vgmp_grp_execute(struct vgmp_grp *g, const struct vgmp_actions *out)
{
	const char *reason =
		out->transitioned ? vgmp_reason_name(out->tr.reason) : "";
	bool hello = false;
	unsigned int i;

	for (i = 0; i < out->n; i++) {
		const struct vgmp_action *a = &out->v[i];

		switch (a->type) {
		case VGMP_ACT_BECOME_ACTIVE:
			drive(g, true, reason);
			break;
		case VGMP_ACT_BECOME_STANDBY:
			drive(g, false, reason);
			break;
		case VGMP_ACT_SEND_HELLO:
			hello = true;
			break;
		case VGMP_ACT_ARM_TIMER:
			arm(g, a->timer, a->deadline_ms);
			break;
		case VGMP_ACT_CANCEL_TIMER:
			hsb_timer_arm(g->tm[a->timer].t, 0, 0);
			break;
		case VGMP_ACT__COUNT:
			break;
		}
	}
	if (out->transitioned)
		record(g, &out->tr);
	if (out->split_brain_guard)
		hsb_log_ratelimited(
			HSB_LOG_ERR,
			"vgmp %s: heartbeat on %s lost but the peer's VRRP adverts still arrive: staying %s (split-brain guard); check the heartbeat link",
			g->cfg.name, g->eng->hrp.ifname,
			vgmp_state_name(g->fsm.state));
	/* after the members moved: the hello tells the peer the result */
	if (hello)
		vgmp_hb_send(g->eng, true);
	if (g->eng->penalties_stale && !g->eng->busy)
		update_all(g->eng);
}

static void on_timer(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	struct vgmp_grp_timer *gt = ctx;
	struct vgmp_grp *g = gt->grp;
	struct vgmp_actions out;
	uint64_t now = hsb_now_ms();

	(void)loop;
	(void)t;
	vgmp_hb_check_stall(g->eng, now);
	/* the timer may fire a little early against the fsm's deadline */
	if (g->fsm.timers_armed[gt->kind] &&
	    now < g->fsm.timers_deadline[gt->kind]) {
		arm(g, gt->kind, g->fsm.timers_deadline[gt->kind]);
		return;
	}
	vgmp_group_timer_expired(&g->fsm, gt->kind, now, &out);
	vgmp_grp_execute(g, &out);
}

/* --- switchover events ---------------------------------------------------------- */

static struct vgmp_grp *grp_of_slot(struct hsb_vgmp *e, uint16_t slot)
{
	unsigned int i;

	for (i = 0; i < e->n; i++)
		if (e->grp[i]->slot == slot)
			return e->grp[i];
	return NULL;
}

static void on_ha_event(const struct hsb_ha_event *ev, void *ctx)
{
	struct hsb_vgmp *e = ctx;
	struct vgmp_grp *g = grp_of_slot(e, ev->slot);
	struct vgmp_actions out;

	if (!g)
		return;
	switch (ev->kind) {
	case HSB_HA_EV_MEMBER:
		/* only going down or coming back changes the priority */
		if ((ev->from == HSB_HA_MEMBER_DOWN) !=
		    (ev->to == HSB_HA_MEMBER_DOWN))
			update_penalty(g);
		break;
	case HSB_HA_EV_HEARD:
		if (e->busy)
			break;
		vgmp_group_peer_advert(&g->fsm, hsb_now_ms(), &out);
		vgmp_grp_execute(g, &out);
		break;
	case HSB_HA_EV_GROUP:
		break;
	}
}

/* --- groups --------------------------------------------------------------- */

static void fsm_config(const struct hsb_vgmp *e, const struct hsb_cfg_vgmp *c,
		       struct vgmp_group_config *fc)
{
	memset(fc, 0, sizeof(*fc));
	snprintf(fc->name, sizeof(fc->name), "%s", c->name);
	fc->priority = c->priority;
	fc->preempt = c->preempt;
	fc->preempt_delay_ms = c->preempt_delay * 1000;
	fc->hello_ms = c->hello_ms;
	fc->dead_count = c->dead_count;
	memcpy(fc->node, e->node, VGMP_NODE_ID_SIZE);
}

static bool track_same(const struct hsb_cfg_track *a,
		       const struct hsb_cfg_track *b)
{
	if (a->type != b->type)
		return false;
	if (a->type == HSB_TRACK_INTERFACE)
		return !strcmp(a->ifname, b->ifname);
	return !strcmp(a->ifname, b->ifname) &&
	       a->interval_ms == b->interval_ms &&
	       a->threshold == b->threshold &&
	       !memcmp(&a->ip, &b->ip, sizeof(a->ip));
}

/* The tracks of c, keeping the state of those that stay (probes keep
 * running); new probes start first, so a failure changes nothing. */
static int tracks_reconcile(struct vgmp_grp *g, const struct hsb_cfg_vgmp *c,
			    char *err, size_t errlen)
{
	struct vgmp_track_rt next[HSB_CFG_MAX_TRACKS];
	bool kept[HSB_CFG_MAX_TRACKS] = { false };
	unsigned int i, k;

	memset(next, 0, sizeof(next));
	for (i = 0; i < c->n_tracks; i++) {
		next[i].cfg = c->tracks[i];
		for (k = 0; k < g->n_tracks; k++) {
			if (kept[k] ||
			    !track_same(&g->tracks[k].cfg, &c->tracks[i]))
				continue;
			kept[k] = true;
			next[i].down = g->tracks[k].down;
			next[i].changes = g->tracks[k].changes;
			next[i].probe = g->tracks[k].probe;
			break;
		}
		if (c->tracks[i].type == HSB_TRACK_INTERFACE)
			next[i].down = !iface_usable(c->tracks[i].ifname);
		else if (!next[i].probe)
			next[i].probe =
				vgmp_probe_start(g->eng->d->loop, &c->tracks[i],
						 on_probe, g, err, errlen);
		if (c->tracks[i].type == HSB_TRACK_IP && !next[i].probe)
			goto fail;
	}
	for (k = 0; k < g->n_tracks; k++)
		if (!kept[k])
			vgmp_probe_stop(g->tracks[k].probe);
	memcpy(g->tracks, next, sizeof(next));
	g->n_tracks = c->n_tracks;
	return 0;
fail:
	/* stop what this call started, keep what was running */
	while (i--) {
		bool old = false;

		for (k = 0; k < g->n_tracks; k++)
			old |= next[i].probe &&
			       g->tracks[k].probe == next[i].probe;
		if (!old)
			vgmp_probe_stop(next[i].probe);
	}
	return -1;
}

static void grp_free(struct vgmp_grp *g)
{
	unsigned int i;

	if (!g)
		return;
	for (i = 0; i < VGMP_TIMER__COUNT; i++)
		hsb_timer_free(g->tm[i].t);
	for (i = 0; i < g->n_tracks; i++)
		vgmp_probe_stop(g->tracks[i].probe);
	free(g);
}

static struct vgmp_grp *grp_new(struct hsb_vgmp *e,
				const struct hsb_cfg_vgmp *c, char *err,
				size_t errlen)
{
	struct vgmp_grp *g = calloc(1, sizeof(*g));
	struct vgmp_group_config fc;
	unsigned int i;

	if (!g)
		goto nomem;
	g->eng = e;
	g->cfg = *c;
	fsm_config(e, c, &fc);
	if (vgmp_group_init(&g->fsm, &fc)) {
		snprintf(err, errlen, "vgmp group %s: invalid settings",
			 c->name);
		free(g);
		return NULL;
	}
	for (i = 0; i < VGMP_TIMER__COUNT; i++) {
		g->tm[i].grp = g;
		g->tm[i].kind = (enum vgmp_timer)i;
		g->tm[i].t = hsb_timer_new(e->d->loop, on_timer, &g->tm[i]);
		if (!g->tm[i].t) {
			grp_free(g);
			goto nomem;
		}
	}
	if (tracks_reconcile(g, c, err, errlen)) {
		grp_free(g);
		return NULL;
	}
	/* HRP's hook: no preemption before the peer's state is here */
	if (e->d->hrp && !hsb_hrp_backup_complete(e->d->hrp))
		g->fsm.ready = false;
	return g;
nomem:
	snprintf(err, errlen, "vgmp group %s: out of memory", c->name);
	return NULL;
}

static void grp_shutdown(struct vgmp_grp *g)
{
	struct vgmp_actions out;

	vgmp_group_shutdown(&g->fsm, hsb_now_ms(), &out);
	vgmp_grp_execute(g, &out);
}

static const struct hsb_cfg_vgmp *cfg_find(const struct hsb_config *cfg,
					   const char *name)
{
	unsigned int i;

	for (i = 0; i < cfg->n_vgmp; i++)
		if (!strcmp(cfg->vgmp[i].name, name))
			return &cfg->vgmp[i];
	return NULL;
}

/* --- the engine --------------------------------------------------------------- */

static void engine_free(struct hsb_vgmp *e)
{
	unsigned int i;

	if (!e)
		return;
	for (i = 0; i < e->n; i++)
		grp_free(e->grp[i]);
	if (e->observing)
		hsb_switchover_unobserve(e->d->ha, on_ha_event, e);
	hsb_lev_unsubscribe(e->links);
	vgmp_hb_free(e);
	free(e);
}

static struct hsb_vgmp *engine_new(struct hsbd *d, char *err, size_t errlen)
{
	struct hsb_vgmp *e = calloc(1, sizeof(*e));

	if (!e)
		goto nomem;
	e->d = d;
	if (vgmp_hb_init(e))
		goto nomem;
	if (d->links) {
		e->links =
			hsb_lev_subscribe(d->links, HSB_LEV_LINK, on_links, e);
		if (!e->links)
			goto nomem;
	}
	if (d->ha) {
		if (hsb_switchover_observe(d->ha, on_ha_event, e))
			goto nomem;
		e->observing = true;
	}
	return e;
nomem:
	engine_free(e);
	snprintf(err, errlen, "vgmp: out of memory");
	return NULL;
}

/*
 * Stopping with the datapath kept (ha/handover.h): no group steps down or
 * says Initialize; one last hello, states as they are, asks the peer to
 * hold this host for alive HSB_HANDOVER_GRACE_MS, and the active groups
 * note it for the handover record.
 */
static void hand_over(struct hsb_vgmp *e)
{
	uint64_t until = hsb_boot_ns() + HSB_HANDOVER_GRACE_MS * 1000000ull;
	unsigned int i;

	if (!vgmp_hb_send_hold(e, HSB_HANDOVER_GRACE_MS) || !e->d->ha)
		return;
	for (i = 0; i < e->n; i++)
		if (e->grp[i]->fsm.state == VGMP_STATE_ACTIVE &&
		    e->grp[i]->slot)
			hsb_switchover_hold(e->d->ha, e->grp[i]->slot, until);
}

static void vgmp_stop(struct hsbd *d)
{
	struct hsb_vgmp *e = d->vgmp;
	unsigned int i;

	if (!e)
		return;
	if (d->opt.keep_datapath) {
		hand_over(e);
		engine_free(e);
		d->vgmp = NULL;
		return;
	}
	/* each shutdown sends a hello saying Initialize: the peer takes
	 * the groups over at once instead of waiting for them to die */
	for (i = 0; i < e->n; i++)
		grp_shutdown(e->grp[i]);
	engine_free(e);
	d->vgmp = NULL;
}

/* Groups of cfg: gone ones shut down, kept ones reconfigured, new ones
 * started. Everything that can fail (new groups, their probes) happens
 * before anything running is touched. */
static int groups_reconcile(struct hsb_vgmp *e, const struct hsb_config *cfg,
			    char *err, size_t errlen)
{
	struct vgmp_grp *next[HSB_CFG_MAX_VGMP] = { NULL };
	struct vgmp_grp *fresh[HSB_CFG_MAX_VGMP] = { NULL };
	struct vgmp_group_config fc;
	struct vgmp_actions out;
	uint64_t now = hsb_now_ms();
	unsigned int i;

	for (i = 0; i < cfg->n_vgmp; i++) {
		next[i] = vgmp_grp_find(e, cfg->vgmp[i].name);
		if (next[i])
			continue;
		fresh[i] = next[i] = grp_new(e, &cfg->vgmp[i], err, errlen);
		if (!next[i])
			goto fail;
	}
	/* kept groups: tracks can fail (a probe socket); do them before any
	 * group is shut down */
	for (i = 0; i < cfg->n_vgmp; i++)
		if (!fresh[i] &&
		    tracks_reconcile(next[i], &cfg->vgmp[i], err, errlen))
			goto fail;
	for (i = 0; i < e->n; i++)
		if (!cfg_find(cfg, e->grp[i]->cfg.name)) {
			grp_shutdown(e->grp[i]);
			grp_free(e->grp[i]);
		}
	memcpy(e->grp, next, sizeof(next));
	e->n = cfg->n_vgmp;
	for (i = 0; i < e->n; i++) {
		struct vgmp_grp *g = e->grp[i];

		g->cfg = cfg->vgmp[i];
		g->slot = e->d->ha ? hsb_switchover_slot_of_vgmp(e->d->ha,
								 g->cfg.name) :
				     0;
		fsm_config(e, &g->cfg, &fc);
		if (fresh[i] && g->slot &&
		    hsb_switchover_resuming(e->d->ha, g->slot)) {
			/* an agent restart: handed over active */
			vgmp_group_resume(&g->fsm, now, &out);
		} else if (fresh[i]) {
			vgmp_group_start(&g->fsm, now, &out);
		} else {
			vgmp_group_reconfigure(&g->fsm, &fc, now, &out);
		}
		vgmp_grp_execute(g, &out);
	}
	return 0;
fail:
	for (i = 0; i < cfg->n_vgmp; i++)
		grp_free(fresh[i]);
	return -1;
}

static int vgmp_reconcile(struct hsbd *d, const struct hsb_config *cfg,
			  char *err, size_t errlen)
{
	struct hsb_vgmp *e = d->vgmp;
	uint32_t hello = 0;
	unsigned int i;

	if (!cfg->n_vgmp) {
		vgmp_stop(d);
		return 0;
	}
	if (!e) {
		e = engine_new(d, err, errlen);
		if (!e)
			return -1;
		d->vgmp = e;
	}
	if (vgmp_hb_reconcile(e, cfg, err, errlen) ||
	    groups_reconcile(e, cfg, err, errlen)) {
		if (!e->n) {
			engine_free(e);
			d->vgmp = NULL;
		}
		return -1;
	}
	for (i = 0; i < e->n; i++)
		if (!hello || e->grp[i]->cfg.hello_ms < hello)
			hello = e->grp[i]->cfg.hello_ms;
	vgmp_hb_set_interval(e, hello);
	/* members added or re-created by this change follow their group;
	 * the priority counts the members as they are now */
	for (i = 0; i < e->n; i++) {
		struct vgmp_grp *g = e->grp[i];

		if (g->fsm.state != VGMP_STATE_INIT)
			drive(g, g->fsm.state == VGMP_STATE_ACTIVE, "config");
	}
	update_all(e);
	return 0;
}

static void vgmp_counters(struct hsbd *d, struct json_object *o)
{
	const struct hsb_vgmp *e = d->vgmp;
	const struct vgmp_link_stats *l;
	unsigned int i;

	if (!e)
		return;
	l = &e->link.st;
	json_object_object_add(o, "hellos_sent",
			       json_object_new_uint64(l->tx_hellos));
	json_object_object_add(o, "hellos_received",
			       json_object_new_uint64(l->rx_hellos));
	json_object_object_add(o, "retransmits",
			       json_object_new_uint64(l->tx_retransmits));
	json_object_object_add(o, "acks_missing",
			       json_object_new_uint64(l->acks_missing));
	for (i = 1; i < VGMP_RX__COUNT; i++) {
		char key[48];

		snprintf(key, sizeof(key), "rx_rejected_%s",
			 vgmp_rx_reason_name((enum vgmp_rx_reason)i));
		json_object_object_add(
			o, key, json_object_new_uint64(l->rx_rejected[i]));
	}
	json_object_object_add(o, "member_failures",
			       json_object_new_uint64(e->st.member_failures));
	json_object_object_add(o, "track_changes",
			       json_object_new_uint64(e->st.track_changes));
	json_object_object_add(o, "notify_errors",
			       json_object_new_uint64(e->st.notify_errors));
}

/* --- for the control socket --------------------------------------------------- */

void hsb_vgmp_foreach(const struct hsb_vgmp *v, vgmp_grp_fn fn, void *ctx)
{
	unsigned int i;

	for (i = 0; v && i < v->n; i++)
		fn(v->grp[i], ctx);
}

void hsb_vgmp_roles(const struct hsb_vgmp *v, struct hsb_vgmp_roles *out)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
	if (v && v->n)
		out->first = v->grp[0]->fsm.state;
	for (i = 0; v && i < v->n; i++) {
		switch (v->grp[i]->fsm.state) {
		case VGMP_STATE_ACTIVE:
			out->active++;
			break;
		case VGMP_STATE_STANDBY:
			out->standby++;
			break;
		case VGMP_STATE_INIT:
			out->init++;
			break;
		}
	}
}

enum hsb_vgmp_side hsb_vgmp_side(const struct hsb_vgmp_roles *r)
{
	if (r->active && r->standby)
		return HSB_VGMP_SIDE_MIXED;
	if (r->active)
		return HSB_VGMP_SIDE_ACTIVE;
	if (r->standby)
		return HSB_VGMP_SIDE_STANDBY;
	return HSB_VGMP_SIDE_NONE;
}

void hsb_vgmp_set_ready(struct hsb_vgmp *v, bool ready)
{
	struct vgmp_actions out;
	unsigned int i;

	for (i = 0; v && i < v->n; i++) {
		vgmp_group_set_ready(&v->grp[i]->fsm, ready, hsb_now_ms(),
				     &out);
		vgmp_grp_execute(v->grp[i], &out);
	}
}

const struct hsb_vgmp_stats *hsb_vgmp_stats(const struct hsb_vgmp *v)
{
	return v ? &v->st : NULL;
}

int hsb_vgmp_switchover(struct hsb_vgmp *v, const char *name, char *err,
			size_t errlen)
{
	enum vgmp_switchover_refusal r;
	struct vgmp_actions out;
	unsigned int i, done = 0;

	if (!v || !v->n) {
		snprintf(err, errlen, "no vgmp group is configured");
		return -1;
	}
	for (i = 0; i < v->n; i++) {
		struct vgmp_grp *g = v->grp[i];

		if (name && strcmp(g->cfg.name, name))
			continue;
		if (!name && g->fsm.state != VGMP_STATE_ACTIVE)
			continue;
		r = vgmp_group_switchover(&g->fsm, hsb_now_ms(), &out);
		if (r != VGMP_SWITCHOVER_OK) {
			snprintf(err, errlen, "vgmp group %s: %s", g->cfg.name,
				 vgmp_switchover_refusal_text(r));
			return -1;
		}
		vgmp_grp_execute(g, &out);
		done++;
	}
	if (!done) {
		if (name)
			snprintf(err, errlen, "no vgmp group '%s'", name);
		else
			snprintf(err, errlen,
				 "this host is active for no vgmp group");
		return -1;
	}
	return 0;
}

const struct hsb_engine hsb_vgmp_engine = {
	.name = "vgmp",
	.reconcile = vgmp_reconcile,
	.stop = vgmp_stop,
	.counters = vgmp_counters,
};
