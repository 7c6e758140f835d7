// SPDX-License-Identifier: GPL-2.0-only
/* The VGMP group state machine. See vgmp_group.h for the rules and
 * docs/vgmp.md for the protocol around it. */
#include <errno.h>
#include <string.h>

#include "vgmp_group.h"

/* --- names ------------------------------------------------------------ */

const char *vgmp_state_name(enum vgmp_state s)
{
	switch (s) {
	case VGMP_STATE_INIT:
		return "initialize";
	case VGMP_STATE_STANDBY:
		return "standby";
	case VGMP_STATE_ACTIVE:
		return "active";
	}
	return "unknown";
}

static const char *const reason_names[VGMP_REASON__COUNT] = {
	[VGMP_REASON_NONE] = "none",
	[VGMP_REASON_STARTUP] = "startup",
	[VGMP_REASON_PEER_DEAD] = "peer-dead",
	[VGMP_REASON_NO_PEER] = "no-peer",
	[VGMP_REASON_ELECTION] = "election",
	[VGMP_REASON_PEER_WINS] = "peer-active-and-preferred",
	[VGMP_REASON_PRIORITY_REDUCED] = "priority-reduced",
	[VGMP_REASON_PREEMPT] = "preempt",
	[VGMP_REASON_HANDOVER_OUT] = "switchover-to-peer",
	[VGMP_REASON_HANDOVER_IN] = "switchover-from-peer",
	[VGMP_REASON_HANDOVER_FAILED] = "switchover-not-taken",
	[VGMP_REASON_PEER_LEFT] = "peer-left",
	[VGMP_REASON_SHUTDOWN] = "shutdown",
	[VGMP_REASON_STALLED] = "stalled",
	[VGMP_REASON_RESUME] = "resume",
};

const char *vgmp_reason_name(enum vgmp_reason r)
{
	if ((unsigned int)r >= VGMP_REASON__COUNT || !reason_names[r])
		return "unknown";
	return reason_names[r];
}

const char *vgmp_timer_name(enum vgmp_timer t)
{
	switch (t) {
	case VGMP_TIMER_PEER_DEAD:
		return "peer-dead";
	case VGMP_TIMER_PREEMPT:
		return "preempt-delay";
	case VGMP_TIMER_HANDOVER:
		return "switchover";
	case VGMP_TIMER__COUNT:
		break;
	}
	return "unknown";
}

const char *vgmp_switchover_refusal_text(enum vgmp_switchover_refusal r)
{
	switch (r) {
	case VGMP_SWITCHOVER_OK:
		return "ok";
	case VGMP_SWITCHOVER_NOT_ACTIVE:
		return "this host is not active for the group";
	case VGMP_SWITCHOVER_PEER_DEAD:
		return "the peer is not reachable";
	case VGMP_SWITCHOVER_PEER_NOT_READY:
		return "the peer's state backup is not complete";
	case VGMP_SWITCHOVER_PEER_DEGRADED:
		return "the peer has failed members or tracks";
	case VGMP_SWITCHOVER_BUSY:
		return "a switchover is already in progress";
	}
	return "unknown";
}

/* --- actions ------------------------------------------------------------ */

static struct vgmp_action *emit(struct vgmp_actions *out,
				enum vgmp_action_type type)
{
	struct vgmp_action *a;

	/* VGMP_MAX_ACTIONS exceeds what any one event produces */
	if (out->n == VGMP_MAX_ACTIONS)
		return NULL;
	a = &out->v[out->n++];
	memset(a, 0, sizeof(*a));
	a->type = type;
	return a;
}

static void reset(struct vgmp_actions *out)
{
	memset(out, 0, sizeof(*out));
}

static void arm(struct vgmp_group *g, struct vgmp_actions *out,
		enum vgmp_timer t, uint64_t deadline_ms)
{
	struct vgmp_action *a = emit(out, VGMP_ACT_ARM_TIMER);

	if (a) {
		a->timer = t;
		a->deadline_ms = deadline_ms;
	}
	g->timers_armed[t] = true;
	g->timers_deadline[t] = deadline_ms;
}

static void cancel(struct vgmp_group *g, struct vgmp_actions *out,
		   enum vgmp_timer t)
{
	struct vgmp_action *a;

	if (!g->timers_armed[t])
		return;
	a = emit(out, VGMP_ACT_CANCEL_TIMER);
	if (a)
		a->timer = t;
	g->timers_armed[t] = false;
	g->timers_deadline[t] = 0;
}

/* One triggered hello per event is enough: it carries every group. */
static void send_hello(struct vgmp_actions *out)
{
	unsigned int i;

	for (i = 0; i < out->n; i++)
		if (out->v[i].type == VGMP_ACT_SEND_HELLO)
			return;
	emit(out, VGMP_ACT_SEND_HELLO);
}

static void transition(struct vgmp_group *g, struct vgmp_actions *out,
		       enum vgmp_state to, enum vgmp_reason why,
		       uint64_t now_ms)
{
	struct vgmp_transition tr = {
		.from = g->state, .to = to, .reason = why, .at_ms = now_ms
	};

	g->state = to;
	g->last = tr;
	g->has_transition = true;
	g->cnt.transitions++;
	out->tr = tr;
	out->transitioned = true;
}

/* --- rules -------------------------------------------------------------- */

uint64_t vgmp_group_dead_ms(const struct vgmp_group *g)
{
	return (uint64_t)g->cfg.hello_ms * g->cfg.dead_count;
}

bool vgmp_group_wins(const struct vgmp_group *g)
{
	if (g->priority != g->peer.priority)
		return g->priority > g->peer.priority;
	return memcmp(g->cfg.node, g->peer_node, VGMP_NODE_ID_SIZE) > 0;
}

static bool peer_alive(const struct vgmp_group *g)
{
	return g->peer_known && !g->peer_dead;
}

static void become_active(struct vgmp_group *g, struct vgmp_actions *out,
			  enum vgmp_reason why, uint64_t now_ms)
{
	g->handover = false;
	g->preempt_hold = false;
	cancel(g, out, VGMP_TIMER_PREEMPT);
	cancel(g, out, VGMP_TIMER_HANDOVER);
	emit(out, VGMP_ACT_BECOME_ACTIVE);
	send_hello(out);
	transition(g, out, VGMP_STATE_ACTIVE, why, now_ms);
}

static void become_standby(struct vgmp_group *g, struct vgmp_actions *out,
			   enum vgmp_reason why, uint64_t now_ms)
{
	emit(out, VGMP_ACT_BECOME_STANDBY);
	send_hello(out);
	transition(g, out, VGMP_STATE_STANDBY, why, now_ms);
}

/* Standby, peer active, we win: preempt, when allowed. */
static void consider_preempt(struct vgmp_group *g, struct vgmp_actions *out,
			     uint64_t now_ms)
{
	bool may = g->cfg.preempt && !g->preempt_hold && vgmp_group_wins(g);

	if (!may || !g->ready) {
		if (may && !g->timers_armed[VGMP_TIMER_PREEMPT])
			g->cnt.preempt_waiting_ready++;
		if (g->timers_armed[VGMP_TIMER_PREEMPT]) {
			g->cnt.preempt_delay_cancelled++;
			cancel(g, out, VGMP_TIMER_PREEMPT);
		}
		return;
	}
	if (!g->cfg.preempt_delay_ms) {
		become_active(g, out, VGMP_REASON_PREEMPT, now_ms);
		return;
	}
	if (g->timers_armed[VGMP_TIMER_PREEMPT])
		return;
	g->cnt.preempt_delay_started++;
	arm(g, out, VGMP_TIMER_PREEMPT, now_ms + g->cfg.preempt_delay_ms);
}

/* The rules of vgmp_group.h, after any event. why_active names the
 * reason if the peer turns out dead or both are standby. */
static void evaluate(struct vgmp_group *g, struct vgmp_actions *out,
		     uint64_t now_ms, enum vgmp_reason both_standby_reason)
{
	if (g->state == VGMP_STATE_INIT)
		return;
	if (!peer_alive(g)) {
		if (g->state == VGMP_STATE_ACTIVE)
			return;
		if (!g->peer_known &&
		    now_ms < g->started_ms + vgmp_group_dead_ms(g))
			return; /* still listening after start */
		become_active(g, out,
			      g->peer_known ? VGMP_REASON_PEER_DEAD :
					      VGMP_REASON_NO_PEER,
			      now_ms);
		return;
	}
	if (g->state == VGMP_STATE_ACTIVE) {
		if (g->peer.state != VGMP_STATE_ACTIVE)
			return;
		g->cnt.conflicts++;
		if (!vgmp_group_wins(g))
			become_standby(g, out, VGMP_REASON_PEER_WINS, now_ms);
		return;
	}
	/* standby */
	if (g->handover)
		return; /* waiting for the peer to take it */
	switch (g->peer.state) {
	case VGMP_STATE_INIT:
		become_active(g, out, VGMP_REASON_PEER_LEFT, now_ms);
		break;
	case VGMP_STATE_STANDBY:
		if (g->peer.handover)
			become_active(g, out, VGMP_REASON_HANDOVER_IN, now_ms);
		else if (vgmp_group_wins(g))
			become_active(g, out, both_standby_reason, now_ms);
		break;
	case VGMP_STATE_ACTIVE:
		consider_preempt(g, out, now_ms);
		break;
	}
}

/* Peer death: nothing from it (hello or advert) for dead-count hello
 * intervals. Hellos missing while adverts arrive: heartbeat lost, the
 * peer is alive (the split-brain guard). */
static void arm_peer_dead(struct vgmp_group *g, struct vgmp_actions *out)
{
	uint64_t last = g->last_hello_ms > g->last_advert_ms ?
				g->last_hello_ms :
				g->last_advert_ms;

	uint64_t at;

	if (last < g->started_ms)
		last = g->started_ms;
	at = last + vgmp_group_dead_ms(g);
	/* a restarting peer asked for a hold: it is not dead before */
	if (at < g->peer_hold_until_ms)
		at = g->peer_hold_until_ms;
	arm(g, out, VGMP_TIMER_PEER_DEAD, at);
}

static void check_peer(struct vgmp_group *g, uint64_t now_ms,
		       struct vgmp_actions *out)
{
	uint64_t dead = vgmp_group_dead_ms(g);
	bool held = now_ms < g->peer_hold_until_ms;
	bool hello_gone = !held && (!g->peer_hello_known ||
				    now_ms >= g->last_hello_ms + dead);
	bool advert_gone = !held && now_ms >= g->last_advert_ms + dead;

	/* Adverts that outlived the last hello by less than an interval are
	 * the peer's last ones before it died, not proof of a live peer cut
	 * off the heartbeat (they are sent more often than hellos): the
	 * timer, re-armed from them, decides. */
	bool adverts_go_on = !g->peer_hello_known ||
			     g->last_advert_ms >=
				     g->last_hello_ms + g->cfg.hello_ms;

	if (g->peer_known && hello_gone && !advert_gone) {
		if (!g->heartbeat_lost && adverts_go_on) {
			g->heartbeat_lost = true;
			g->cnt.split_brain_guard++;
			out->split_brain_guard = true;
		}
	} else if (g->peer_known && hello_gone && advert_gone) {
		if (!g->peer_dead)
			g->cnt.peer_deaths++;
		g->peer_dead = true;
		g->heartbeat_lost = false;
	}
	/* nothing to wait for until the peer shows a sign of life (a hello
	 * or an advert re-arms it) */
	if (g->peer_known && !g->peer_dead && g->state != VGMP_STATE_INIT)
		arm_peer_dead(g, out);
}

/* --- entry points ------------------------------------------------------- */

static bool config_valid(const struct vgmp_group_config *c)
{
	return c->name[0] && c->hello_ms && c->dead_count;
}

int vgmp_group_init(struct vgmp_group *g, const struct vgmp_group_config *c)
{
	if (!config_valid(c))
		return -EINVAL;
	memset(g, 0, sizeof(*g));
	g->cfg = *c;
	g->priority = c->priority;
	g->ready = true; /* until the state-backup hook says otherwise */
	return 0;
}

/* Start or resume: from Initialize only; what the last run knew of the
 * peer is forgotten. */
static bool begin(struct vgmp_group *g, uint64_t now_ms,
		  struct vgmp_actions *out)
{
	reset(out);
	if (g->state != VGMP_STATE_INIT)
		return false;
	g->started_ms = now_ms;
	g->peer_known = g->peer_hello_known = g->peer_dead = false;
	g->heartbeat_lost = g->handover = g->preempt_hold = false;
	g->peer_hold_until_ms = 0;
	return true;
}

void vgmp_group_start(struct vgmp_group *g, uint64_t now_ms,
		      struct vgmp_actions *out)
{
	if (!begin(g, now_ms, out))
		return;
	become_standby(g, out, VGMP_REASON_STARTUP, now_ms);
	arm_peer_dead(g, out);
}

void vgmp_group_resume(struct vgmp_group *g, uint64_t now_ms,
		       struct vgmp_actions *out)
{
	if (!begin(g, now_ms, out))
		return;
	become_active(g, out, VGMP_REASON_RESUME, now_ms);
	arm_peer_dead(g, out);
}

void vgmp_group_shutdown(struct vgmp_group *g, uint64_t now_ms,
			 struct vgmp_actions *out)
{
	unsigned int t;

	reset(out);
	if (g->state == VGMP_STATE_INIT)
		return;
	for (t = 0; t < VGMP_TIMER__COUNT; t++)
		cancel(g, out, (enum vgmp_timer)t);
	emit(out, VGMP_ACT_BECOME_STANDBY);
	/* the peer hears "initialize" and takes over at once */
	send_hello(out);
	transition(g, out, VGMP_STATE_INIT, VGMP_REASON_SHUTDOWN, now_ms);
}

void vgmp_group_stalled(struct vgmp_group *g, uint64_t now_ms,
			struct vgmp_actions *out)
{
	reset(out);
	if (g->state != VGMP_STATE_ACTIVE)
		return;
	g->cnt.stalls++;
	become_standby(g, out, VGMP_REASON_STALLED, now_ms);
}

static void set_priority(struct vgmp_group *g, uint32_t base, uint32_t penalty,
			 uint64_t now_ms, struct vgmp_actions *out)
{
	uint32_t old = g->priority;

	g->penalty = penalty;
	g->priority = penalty >= base ? 0 : base - penalty;
	if (g->priority == old)
		return;
	/* the peer learns it now, not at the next interval */
	send_hello(out);
	if (g->state == VGMP_STATE_ACTIVE && g->priority < old &&
	    peer_alive(g) && g->peer.state == VGMP_STATE_STANDBY &&
	    !vgmp_group_wins(g)) {
		become_standby(g, out, VGMP_REASON_PRIORITY_REDUCED, now_ms);
		return;
	}
	evaluate(g, out, now_ms, VGMP_REASON_ELECTION);
}

void vgmp_group_reconfigure(struct vgmp_group *g,
			    const struct vgmp_group_config *c, uint64_t now_ms,
			    struct vgmp_actions *out)
{
	bool dead_changed = c->hello_ms != g->cfg.hello_ms ||
			    c->dead_count != g->cfg.dead_count;

	reset(out);
	if (!config_valid(c))
		return;
	g->cfg = *c;
	if (g->state == VGMP_STATE_INIT) {
		g->priority =
			c->priority > g->penalty ? c->priority - g->penalty : 0;
		return;
	}
	if (dead_changed && g->timers_armed[VGMP_TIMER_PEER_DEAD])
		arm_peer_dead(g, out);
	set_priority(g, c->priority, g->penalty, now_ms, out);
	evaluate(g, out, now_ms, VGMP_REASON_ELECTION);
}

void vgmp_group_rx_hello(struct vgmp_group *g, const uint8_t *peer_node,
			 const struct vgmp_peer_group *pg, uint64_t now_ms,
			 struct vgmp_actions *out)
{
	reset(out);
	if (g->state == VGMP_STATE_INIT)
		return;
	g->cnt.hellos_rx++;
	g->peer_known = g->peer_hello_known = true;
	g->peer_dead = false;
	g->heartbeat_lost = false;
	g->last_hello_ms = now_ms;
	g->peer_hold_until_ms = pg->hold_ms ? now_ms + pg->hold_ms : 0;
	memcpy(g->peer_node, peer_node, VGMP_NODE_ID_SIZE);
	g->peer = *pg;
	if (g->handover && pg->state == VGMP_STATE_ACTIVE) {
		/* taken up: do not preempt it back */
		g->handover = false;
		g->preempt_hold = true;
		cancel(g, out, VGMP_TIMER_HANDOVER);
	}
	arm_peer_dead(g, out);
	evaluate(g, out, now_ms, VGMP_REASON_ELECTION);
}

void vgmp_group_peer_advert(struct vgmp_group *g, uint64_t now_ms,
			    struct vgmp_actions *out)
{
	reset(out);
	if (g->state == VGMP_STATE_INIT)
		return;
	g->cnt.adverts_seen++;
	g->last_advert_ms = now_ms;
	if (!g->peer_known) {
		/* Known only from its adverts: its members are master, so it
		 * is active; with no priority to compare, never preempt it. */
		g->peer_known = true;
		g->peer.state = VGMP_STATE_ACTIVE;
		g->peer.priority = UINT32_MAX;
		g->peer.ready = false;
	}
	if (g->peer_dead || !g->timers_armed[VGMP_TIMER_PEER_DEAD]) {
		if (g->peer_dead) {
			/* Back from the dead (it was stopped, or not
			 * scheduled): its last hello is older than its
			 * silence. Not a rival until a fresh hello says so:
			 * it may be stepping down (vgmp_group_stalled()),
			 * and yielding to its stale "active" would be a
			 * second switchover. */
			g->peer_hello_known = false;
			if (g->peer.state == VGMP_STATE_ACTIVE)
				g->peer.state = VGMP_STATE_STANDBY;
		}
		g->peer_dead = false;
		arm_peer_dead(g, out);
		evaluate(g, out, now_ms, VGMP_REASON_ELECTION);
	}
	/* The dead timer moves lazily: check_peer() re-arms it from the
	 * latest sign when it fires, so adverts cost no timer work. */
}

void vgmp_group_set_penalty(struct vgmp_group *g, uint32_t penalty,
			    uint64_t now_ms, struct vgmp_actions *out)
{
	reset(out);
	if (g->state == VGMP_STATE_INIT) {
		g->penalty = penalty;
		g->priority = penalty >= g->cfg.priority ?
				      0 :
				      g->cfg.priority - penalty;
		return;
	}
	set_priority(g, g->cfg.priority, penalty, now_ms, out);
}

void vgmp_group_set_ready(struct vgmp_group *g, bool ready, uint64_t now_ms,
			  struct vgmp_actions *out)
{
	reset(out);
	if (g->ready == ready)
		return;
	g->ready = ready;
	/* the peer's switchover check reads it */
	if (g->state != VGMP_STATE_INIT)
		send_hello(out);
	evaluate(g, out, now_ms, VGMP_REASON_ELECTION);
}

void vgmp_group_timer_expired(struct vgmp_group *g, enum vgmp_timer t,
			      uint64_t now_ms, struct vgmp_actions *out)
{
	reset(out);
	if ((unsigned int)t >= VGMP_TIMER__COUNT || !g->timers_armed[t])
		return;
	if (now_ms < g->timers_deadline[t]) {
		/* early (the caller's timer is coarser): fire again */
		arm(g, out, t, g->timers_deadline[t]);
		return;
	}
	g->timers_armed[t] = false;
	switch (t) {
	case VGMP_TIMER_PEER_DEAD:
		check_peer(g, now_ms, out);
		evaluate(g, out, now_ms, VGMP_REASON_ELECTION);
		break;
	case VGMP_TIMER_PREEMPT:
		if (g->state == VGMP_STATE_STANDBY && peer_alive(g) &&
		    g->peer.state == VGMP_STATE_ACTIVE && g->cfg.preempt &&
		    !g->preempt_hold && g->ready && vgmp_group_wins(g))
			become_active(g, out, VGMP_REASON_PREEMPT, now_ms);
		break;
	case VGMP_TIMER_HANDOVER:
		if (!g->handover)
			break;
		g->handover = false;
		send_hello(out);
		evaluate(g, out, now_ms, VGMP_REASON_HANDOVER_FAILED);
		break;
	case VGMP_TIMER__COUNT:
		break;
	}
}

enum vgmp_switchover_refusal vgmp_group_switchover(struct vgmp_group *g,
						   uint64_t now_ms,
						   struct vgmp_actions *out)
{
	reset(out);
	if (g->handover)
		return VGMP_SWITCHOVER_BUSY;
	if (g->state != VGMP_STATE_ACTIVE)
		return VGMP_SWITCHOVER_NOT_ACTIVE;
	if (!peer_alive(g) || !g->peer_hello_known || g->heartbeat_lost)
		return VGMP_SWITCHOVER_PEER_DEAD;
	if (!g->peer.ready)
		return VGMP_SWITCHOVER_PEER_NOT_READY;
	if (g->peer.penalty)
		return VGMP_SWITCHOVER_PEER_DEGRADED;
	g->handover = true;
	become_standby(g, out, VGMP_REASON_HANDOVER_OUT, now_ms);
	arm(g, out, VGMP_TIMER_HANDOVER, now_ms + vgmp_group_dead_ms(g));
	return VGMP_SWITCHOVER_OK;
}
