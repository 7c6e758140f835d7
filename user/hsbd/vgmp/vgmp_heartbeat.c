// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VGMP heartbeat: the socket on `hrp interface`, the message layer
 * (user/vgmp/vgmp_link.h), hellos out every interval and on every change,
 * hellos in to the groups they name. See vgmp_int.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "evloop.h"
#include "log.h"
#include "hsbd.h"
#include "ha/heartbeat_addr.h"
#include "ha/switchover.h"
#include "vgmp/vgmp_int.h"
#include "vgmp/vgmp_socket.h"

/* --- hellos out --------------------------------------------------------------- */

static enum vgmp_member_state wire_state(enum hsb_ha_member_state s)
{
	switch (s) {
	case HSB_HA_MEMBER_MASTER:
		return VGMP_MEMBER_MASTER;
	case HSB_HA_MEMBER_BACKUP:
		return VGMP_MEMBER_BACKUP;
	default:
		return VGMP_MEMBER_DOWN;
	}
}

static void add_member(const struct hsb_ha_member_info *m, void *ctx)
{
	struct vgmp_wire_group *wg = ctx;
	struct vgmp_wire_member *w;

	if (wg->n_members >= VGMP_MAX_MEMBERS)
		return;
	w = &wg->members[wg->n_members++];
	w->vrid = (uint8_t)m->vrid;
	w->state = (uint8_t)wire_state(m->state);
	w->family = m->family == AF_INET6 ? 6 : 4;
}

static void fill_group(const struct vgmp_grp *g, struct vgmp_wire_group *wg)
{
	const struct vgmp_group *f = &g->fsm;

	memset(wg, 0, sizeof(*wg));
	snprintf(wg->name, sizeof(wg->name), "%s", g->cfg.name);
	wg->g.state = f->state;
	wg->g.priority = f->priority;
	wg->g.penalty = f->penalty;
	wg->g.ready = f->ready;
	wg->g.handover = f->handover;
	wg->preempt = f->cfg.preempt;
	if (g->eng->d->ha)
		hsb_switchover_members(g->eng->d->ha, g->slot, add_member, wg);
}

static void rtx_arm(struct hsb_vgmp *e)
{
	uint64_t at = vgmp_link_deadline(&e->link), now = hsb_now_ms();

	if (at)
		hsb_timer_arm(e->rtx_t, at > now ? at - now : 1, 0);
}

static bool send_msg(struct hsb_vgmp *e, const struct vgmp_msg *m)
{
	static uint8_t buf[VGMP_MAX_MSG];
	const char *key = e->hrp.auth_key;
	int len, ret;

	len = vgmp_encode(m, (const uint8_t *)key, strlen(key), buf,
			  sizeof(buf));
	if (len < 0) {
		e->tx_errors++;
		return false;
	}
	ret = vgmp_sock_send(e->sock, buf, (size_t)len);
	if (ret)
		hsb_log_ratelimited(HSB_LOG_WARNING,
				    "vgmp: hello on %s not sent: %s",
				    e->hrp.ifname, strerror(-ret));
	return !ret;
}

static bool hello(struct hsb_vgmp *e, bool triggered, uint32_t hold_ms)
{
	struct vgmp_msg *m = &e->tx_msg;
	unsigned int i;
	bool sent;

	if (!e->sock)
		return false;
	e->last_tx_ms = hsb_now_ms();
	vgmp_link_next(&e->link, VGMP_MSG_HELLO, triggered, e->last_tx_ms, m);
	for (i = 0; i < e->n && i < VGMP_MAX_GROUPS; i++)
		fill_group(e->grp[i], &m->groups[i]);
	m->n_groups = i;
	m->hold_ms = hold_ms;
	sent = send_msg(e, m);
	m->hold_ms = 0;
	if (triggered)
		rtx_arm(e);
	return sent;
}

void vgmp_hb_send(struct hsb_vgmp *e, bool triggered)
{
	hello(e, triggered, 0);
}

bool vgmp_hb_send_hold(struct hsb_vgmp *e, uint32_t hold_ms)
{
	return hello(e, false, hold_ms);
}

/*
 * hsbd stopped (SIGSTOP, a debugger) or not scheduled for longer than the
 * peer waits before it declares this host dead: the peer may have taken
 * over, and the hellos queued meanwhile are old news, oldest first.
 * Handled one by one, they mislead: a stale "standby" from before the
 * peer's takeover, and this active host carries on; the peer's "active"
 * next, and the lower priority yields (vgmp_group.h, rule 3), so a peer
 * that rightly took over hands the group back at once, without preempt
 * delay or state backup: a second switchover. So the queue is read first
 * and only the newest hello counts: if it shows the peer active for a
 * group this host is active for, the group steps down ("stalled") and
 * taking it back is a preemption like any other. A stall is measured by
 * the hellos this host sent: the peer's patience starts to run when they
 * stop (its VRRP adverts, sent by the same loop, stop too); half an
 * interval of slack so a timer that fires a little late is not one.
 */
static bool stalled(const struct hsb_vgmp *e, const struct vgmp_grp *g,
		    uint64_t now)
{
	return e->last_tx_ms && now > e->last_tx_ms &&
	       g->fsm.state != VGMP_STATE_INIT &&
	       now - e->last_tx_ms >=
		       vgmp_group_dead_ms(&g->fsm) + g->fsm.cfg.hello_ms / 2;
}

static const struct vgmp_wire_group *named(const struct vgmp_msg *m,
					   const char *name)
{
	unsigned int i;

	for (i = 0; i < m->n_groups; i++)
		if (!strncmp(m->groups[i].name, name,
			     sizeof(m->groups[i].name)))
			return &m->groups[i];
	return NULL;
}

static void rx_one(struct hsb_vgmp *e, const uint8_t *buf, size_t len,
		   uint64_t now);
static void deliver(struct hsb_vgmp *e, const struct vgmp_msg *m, uint64_t now);

static bool check_stall(struct hsb_vgmp *e, uint64_t now, const uint8_t *first,
			size_t first_len)
{
	const struct vgmp_msg *m = &e->backlog_msg;
	struct vgmp_actions out;
	struct vgmp_msg ack;
	unsigned int i;
	bool any = false;

	if (e->backlog)
		return false;
	for (i = 0; i < e->n; i++)
		any |= stalled(e, e->grp[i], now);
	if (!any)
		return false;
	e->backlog = true;
	e->has_backlog = false;
	if (first)
		rx_one(e, first, first_len, now);
	if (e->sock)
		vgmp_sock_drain(e->sock);
	e->backlog = false;
	for (i = 0; i < e->n; i++) {
		struct vgmp_grp *g = e->grp[i];
		const struct vgmp_wire_group *wg;

		if (!stalled(e, g, now) || g->fsm.state != VGMP_STATE_ACTIVE)
			continue;
		wg = e->has_backlog ? named(m, g->cfg.name) : NULL;
		if (!wg || wg->g.state != VGMP_STATE_ACTIVE)
			continue;
		hsb_log(HSB_LOG_WARNING,
			"vgmp %s: no hello sent for %llu ms (hsbd stopped or not scheduled) and the peer took over meanwhile: standing down",
			g->cfg.name, (unsigned long long)(now - e->last_tx_ms));
		vgmp_group_stalled(&g->fsm, now, &out);
		vgmp_grp_execute(g, &out);
	}
	/* once: the hellos just sent (or the next one) restart the count */
	if (e->last_tx_ms < now)
		e->last_tx_ms = now;
	if (e->has_backlog) {
		if (m->flags & VGMP_F_ACK_REQUESTED) {
			vgmp_link_ack(&e->link, m, now, &ack);
			send_msg(e, &ack);
		}
		deliver(e, m, now);
	}
	return true;
}

void vgmp_hb_check_stall(struct hsb_vgmp *e, uint64_t now)
{
	check_stall(e, now, NULL, 0);
}

static void on_hello_timer(struct hsb_loop *loop, struct hsb_timer *t,
			   void *ctx)
{
	(void)loop;
	(void)t;
	vgmp_hb_check_stall(ctx, hsb_now_ms());
	vgmp_hb_send(ctx, false);
}

static void on_rtx_timer(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	struct hsb_vgmp *e = ctx;

	(void)loop;
	(void)t;
	vgmp_hb_check_stall(e, hsb_now_ms());
	if (vgmp_link_retransmit_due(&e->link, hsb_now_ms()))
		vgmp_hb_send(e, true);
	else if (!e->link.awaiting_ack && e->link.st.acks_missing)
		hsb_log_ratelimited(
			HSB_LOG_WARNING,
			"vgmp: no ACK from the peer on %s after %u retransmits",
			e->hrp.ifname, VGMP_MAX_RETRANSMITS);
	else
		rtx_arm(e);
}

void vgmp_hb_set_interval(struct hsb_vgmp *e, uint32_t hello_ms)
{
	if (hello_ms == e->hello_ms)
		return;
	e->hello_ms = hello_ms;
	e->link.hello_ms = hello_ms;
	hsb_timer_arm(e->hello_t, hello_ms, hello_ms);
}

/* --- hellos in -------------------------------------------------------------- */

/* The peer's hello: every group it names, and the groups we run that it
 * does not name (it does not run them: for them it is in Initialize). */
static void deliver(struct hsb_vgmp *e, const struct vgmp_msg *m, uint64_t now)
{
	bool named[HSB_CFG_MAX_VGMP] = { false };
	struct vgmp_actions out;
	unsigned int i, k;

	for (i = 0; i < m->n_groups; i++) {
		const struct vgmp_wire_group *wg = &m->groups[i];
		struct vgmp_grp *g = vgmp_grp_find(e, wg->name);

		if (!g) {
			e->unknown_groups++;
			continue;
		}
		for (k = 0; k < e->n; k++)
			if (e->grp[k] == g)
				named[k] = true;
		struct vgmp_peer_group pg = wg->g;

		g->peer_view = *wg;
		pg.hold_ms = m->hold_ms;
		vgmp_group_rx_hello(&g->fsm, m->node, &pg, now, &out);
		vgmp_grp_execute(g, &out);
	}
	for (k = 0; k < e->n; k++) {
		struct vgmp_peer_group none = { .state = VGMP_STATE_INIT };
		struct vgmp_grp *g = e->grp[k];

		if (named[k])
			continue;
		memset(&g->peer_view, 0, sizeof(g->peer_view));
		vgmp_group_rx_hello(&g->fsm, m->node, &none, now, &out);
		vgmp_grp_execute(g, &out);
	}
}

static void rx_one(struct hsb_vgmp *e, const uint8_t *buf, size_t len,
		   uint64_t now)
{
	struct vgmp_msg *m = &e->rx_msg;
	const char *key = e->hrp.auth_key;
	enum vgmp_rx_reason r;
	struct vgmp_msg ack;

	r = vgmp_decode(buf, len, (const uint8_t *)key, strlen(key), m);
	if (r == VGMP_RX_OK)
		r = vgmp_link_rx(&e->link, m, now);
	else
		vgmp_link_rx_rejected(&e->link, r);
	if (r != VGMP_RX_OK) {
		hsb_log_ratelimited(HSB_LOG_WARNING,
				    "vgmp: message on %s dropped: %s",
				    e->hrp.ifname, vgmp_rx_reason_name(r));
		return;
	}
	if (m->type == VGMP_MSG_ACK) {
		if (!e->link.awaiting_ack)
			hsb_timer_arm(e->rtx_t, 0, 0);
		return;
	}
	if (e->backlog) {
		/* after a stall: the newest only (check_stall()) */
		e->backlog_msg = *m;
		e->has_backlog = true;
		return;
	}
	if (m->flags & VGMP_F_ACK_REQUESTED) {
		vgmp_link_ack(&e->link, m, now, &ack);
		send_msg(e, &ack);
	}
	deliver(e, m, now);
}

static void on_rx(const uint8_t *buf, size_t len, void *ctx)
{
	struct hsb_vgmp *e = ctx;
	uint64_t now = hsb_now_ms();

	if (!check_stall(e, now, buf, len))
		rx_one(e, buf, len, now);
}

/* --- the socket ------------------------------------------------------------- */

static bool link_same(const struct hsb_cfg_hrp *a, const struct hsb_cfg_hrp *b)
{
	return !strcmp(a->ifname, b->ifname) && a->port == b->port &&
	       !memcmp(&a->remote, &b->remote, sizeof(a->remote)) &&
	       !memcmp(&a->local, &b->local, sizeof(a->local));
}

static struct timespec realtime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts;
}

int vgmp_hb_reconcile(struct hsb_vgmp *e, const struct hsb_config *cfg,
		      char *err, size_t errlen)
{
	const struct hsb_cfg_hrp *h = &cfg->hrp;
	struct hsb_hb_addr hb;
	struct vgmp_sock *s;
	char a[80], b[80], msg[200];
	struct timespec ts;

	if (hsb_config_check_ha(cfg, err, errlen))
		return -1;
	if (e->sock && link_same(&e->hrp, h)) {
		/* the key may change alone: the next hello uses it */
		e->hrp = *h;
		return 0;
	}
	if (hsb_hb_resolve(h, &hb, msg, sizeof(msg))) {
		snprintf(err, errlen, "vgmp: %s", msg);
		return -1;
	}
	/* the new socket first: a failure leaves the old link running */
	s = vgmp_sock_open(e->d->loop, h->ifname, &hb.local, &hb.remote, on_rx,
			   e, err, errlen);
	if (!s)
		return -1;
	vgmp_sock_close(e->sock);
	e->sock = s;
	e->last_tx_ms = 0; /* no stall across a new link */
	e->hrp = *h;
	e->local = hb.local;
	e->remote = hb.remote;
	memcpy(e->node, hb.node, VGMP_NODE_ID_SIZE);
	/* a new epoch: the peer's replay check starts over with us */
	ts = realtime();
	vgmp_link_init(&e->link, e->node,
		       (uint64_t)ts.tv_sec * 1000000000ULL +
			       (uint64_t)ts.tv_nsec,
		       e->hello_ms ? e->hello_ms : HSB_CFG_DEF_VGMP_HELLO_MS);
	hsb_log(HSB_LOG_INFO, "vgmp: heartbeat on %s, %s -> %s", h->ifname,
		hsb_sa_fmt(&hb.local, a, sizeof(a)),
		hsb_sa_fmt(&hb.remote, b, sizeof(b)));
	return 0;
}

int vgmp_hb_init(struct hsb_vgmp *e)
{
	e->hello_t = hsb_timer_new(e->d->loop, on_hello_timer, e);
	e->rtx_t = hsb_timer_new(e->d->loop, on_rtx_timer, e);
	return e->hello_t && e->rtx_t ? 0 : -ENOMEM;
}

void vgmp_hb_free(struct hsb_vgmp *e)
{
	hsb_timer_free(e->hello_t);
	hsb_timer_free(e->rtx_t);
	vgmp_sock_close(e->sock);
	e->hello_t = e->rtx_t = NULL;
	e->sock = NULL;
}

void hsb_vgmp_heartbeat(const struct hsb_vgmp *v, struct vgmp_hb_info *out)
{
	const struct vgmp_sock_stats *st;

	memset(out, 0, sizeof(*out));
	if (!v)
		return;
	out->ifname = v->hrp.ifname;
	out->up = v->sock != NULL;
	out->link = &v->link.st;
	out->unknown_groups = v->unknown_groups;
	out->hello_ms = v->hello_ms;
	if (!v->sock)
		return;
	hsb_sa_fmt(&v->local, out->local, sizeof(out->local));
	hsb_sa_fmt(&v->remote, out->remote, sizeof(out->remote));
	st = vgmp_sock_stats(v->sock);
	out->rx_packets = st->rx_packets;
	out->rx_foreign = st->rx_foreign;
	out->rx_oversized = st->rx_oversized;
	out->tx_packets = st->tx_packets;
	out->tx_errors = st->tx_errors + v->tx_errors;
}
