// SPDX-License-Identifier: GPL-2.0-only
/* VRRP state machine: RFC 5798 §6.4, with RFC 3768 (v2) where it differs.
 * See vrrp_fsm.h for the contract and docs/vrrp.md for the behaviour. */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "vrrp_fsm.h"

/* --- names ------------------------------------------------------------ */

const char *vrrp_state_name(enum vrrp_state s)
{
	switch (s) {
	case VRRP_STATE_INIT:
		return "initialize";
	case VRRP_STATE_BACKUP:
		return "backup";
	case VRRP_STATE_MASTER:
		return "master";
	}
	return "unknown";
}

static const char *const reason_names[VRRP_REASON__COUNT] = {
	[VRRP_REASON_NONE] = "none",
	[VRRP_REASON_STARTUP] = "startup",
	[VRRP_REASON_LINK_UP] = "link-up",
	[VRRP_REASON_MASTER_DOWN] = "master-down-timer",
	[VRRP_REASON_MASTER_RELEASED] = "master-sent-priority-0",
	[VRRP_REASON_PREEMPT_DELAY] = "preempt-delay-expired",
	[VRRP_REASON_HIGHER_PRIORITY] = "higher-priority-advert",
	[VRRP_REASON_HIGHER_ADDRESS] = "equal-priority-higher-address",
	[VRRP_REASON_SHUTDOWN] = "shutdown",
	[VRRP_REASON_LINK_DOWN] = "link-down",
	[VRRP_REASON_GROUP] = "vgmp-group",
	[VRRP_REASON_RESUME] = "resume",
};

const char *vrrp_reason_name(enum vrrp_reason r)
{
	if ((unsigned int)r >= VRRP_REASON__COUNT || !reason_names[r])
		return "unknown";
	return reason_names[r];
}

static const char *const action_names[VRRP_ACT__COUNT] = {
	[VRRP_ACT_SEND_ADVERT] = "send-advert",
	[VRRP_ACT_BECOME_MASTER] = "become-master",
	[VRRP_ACT_BECOME_BACKUP] = "become-backup",
	[VRRP_ACT_BECOME_INIT] = "become-init",
	[VRRP_ACT_ADD_VIPS] = "add-vips",
	[VRRP_ACT_REMOVE_VIPS] = "remove-vips",
	[VRRP_ACT_SEND_GARP_BURST] = "send-garp-burst",
	[VRRP_ACT_ARM_TIMER] = "arm-timer",
	[VRRP_ACT_CANCEL_TIMER] = "cancel-timer",
	[VRRP_ACT_SEND_GARP_ROUND] = "send-garp-round",
};

const char *vrrp_action_name(enum vrrp_action_type a)
{
	if ((unsigned int)a >= VRRP_ACT__COUNT || !action_names[a])
		return "unknown";
	return action_names[a];
}

const char *vrrp_timer_name(enum vrrp_timer t)
{
	switch (t) {
	case VRRP_TIMER_ADVER:
		return "adver";
	case VRRP_TIMER_MASTER_DOWN:
		return "master-down";
	case VRRP_TIMER_PREEMPT:
		return "preempt-delay";
	case VRRP_TIMER__COUNT:
		break;
	}
	return "unknown";
}

/* --- timer arithmetic --------------------------------------------------- */

uint32_t vrrp_skew_ms(unsigned int version, unsigned int priority,
		      unsigned int master_adver_cs)
{
	if (priority > 255)
		priority = 255;
	if (version == 2) /* RFC 3768 §6.1: (256 - Priority) / 256 s */
		return ((256 - priority) * 1000u) / 256;
	/* RFC 5798 §6.1: ((256 - Priority) * Master_Adver_Interval) / 256,
	 * in ms rather than cs so the truncation loses < 1 ms, not < 10. */
	return ((256 - priority) * master_adver_cs * 10u) / 256;
}

uint32_t vrrp_master_down_ms(unsigned int version, unsigned int priority,
			     unsigned int master_adver_cs)
{
	/* RFC 5798 §6.1 / RFC 3768 §6.1:
	 * Master_Down_Interval = (3 * Master_Adver_Interval) + Skew_Time */
	return 3 * master_adver_cs * 10u +
	       vrrp_skew_ms(version, priority, master_adver_cs);
}

/* --- helpers ------------------------------------------------------------ */

static void out_reset(struct vrrp_actions *out)
{
	memset(out, 0, sizeof(*out));
}

static struct vrrp_action *emit(struct vrrp_actions *out,
				enum vrrp_action_type type)
{
	struct vrrp_action *a;

	/* Bounded by construction: the longest sequence (Backup -> Master
	 * with two timers to cancel) is 7 actions. */
	assert(out->n < VRRP_MAX_ACTIONS);
	if (out->n >= VRRP_MAX_ACTIONS) /* NDEBUG: never write past v[] */
		out->n = VRRP_MAX_ACTIONS - 1;
	a = &out->v[out->n++];
	memset(a, 0, sizeof(*a));
	a->type = type;
	return a;
}

static void emit_simple(struct vrrp_actions *out, enum vrrp_action_type type)
{
	emit(out, type);
}

static void send_advert(struct vrrp_fsm *f, struct vrrp_actions *out,
			uint8_t priority)
{
	emit(out, VRRP_ACT_SEND_ADVERT)->priority = priority;
	f->cnt.adverts_tx++;
	if (priority == VRRP_PRIO_SHUTDOWN)
		f->cnt.prio0_tx++;
}

static void arm(struct vrrp_fsm *f, struct vrrp_actions *out, enum vrrp_timer t,
		uint64_t deadline_ms)
{
	struct vrrp_action *a = emit(out, VRRP_ACT_ARM_TIMER);

	a->timer = t;
	a->deadline_ms = deadline_ms;
	f->timers[t].armed = true;
	f->timers[t].deadline_ms = deadline_ms;
}

/* Emits CANCEL_TIMER only for a timer that is armed. */
static void cancel(struct vrrp_fsm *f, struct vrrp_actions *out,
		   enum vrrp_timer t)
{
	if (!f->timers[t].armed)
		return;
	emit(out, VRRP_ACT_CANCEL_TIMER)->timer = t;
	f->timers[t].armed = false;
	f->timers[t].deadline_ms = 0;
}

static void transition(struct vrrp_fsm *f, struct vrrp_actions *out,
		       enum vrrp_state to, enum vrrp_reason why,
		       uint64_t now_ms)
{
	struct vrrp_transition tr = {
		.from = f->state,
		.to = to,
		.reason = why,
		.at_ms = now_ms,
	};

	f->state = to;
	f->last = tr;
	if ((unsigned int)why < VRRP_REASON__COUNT)
		f->cnt.transitions[why]++;
	f->has_transition = true;
	out->tr = tr;
	out->transitioned = true;
}

static uint64_t adver_ms(const struct vrrp_fsm *f)
{
	return (uint64_t)f->cfg.advert_cs * 10;
}

static uint64_t skew_ms(const struct vrrp_fsm *f)
{
	return vrrp_skew_ms(f->cfg.version, f->priority, f->master_adver_cs);
}

static uint64_t master_down_ms(const struct vrrp_fsm *f)
{
	return vrrp_master_down_ms(f->cfg.version, f->priority,
				   f->master_adver_cs);
}

/* Never in follow mode: the group decides when a member becomes Master. */
static void arm_master_down(struct vrrp_fsm *f, struct vrrp_actions *out,
			    uint64_t now_ms, uint64_t after_ms,
			    enum vrrp_reason why)
{
	if (f->cfg.follow)
		return;
	arm(f, out, VRRP_TIMER_MASTER_DOWN, now_ms + after_ms);
	f->md_reason = why;
}

static void forget_master(struct vrrp_fsm *f)
{
	f->master_known = false;
	memset(&f->master_addr, 0, sizeof(f->master_addr));
	f->master_priority = 0;
}

static void note_master(struct vrrp_fsm *f, const struct vrrp_advert *adv)
{
	f->master_known = true;
	f->master_addr = adv->src;
	f->master_priority = adv->priority;
}

/* The Master_Adver_Interval an advert teaches. v3 carries it (RFC 5798
 * §6.4.2 / §6.4.3); v2 adverts must equal ours (RFC 3768 §7.1) and v2 has
 * no learning, so it stays the configured interval. */
static uint16_t advert_interval_cs(const struct vrrp_fsm *f,
				   const struct vrrp_advert *adv)
{
	return f->cfg.version == 3 ? adv->adver_cs : f->cfg.advert_cs;
}

/* --- transitions ---------------------------------------------------------- */

/* RFC 5798 §6.4.2 "If the Master_Down_Timer fires" (also reached when the
 * preempt delay runs out). The RFC sends the advert and GARPs, then
 * transitions; hsb first makes itself able to answer (VIPs, then the
 * datapath flip on BECOME_MASTER), then announces: an advert or GARP never
 * claims an address this host cannot answer for yet. */
static void become_master(struct vrrp_fsm *f, struct vrrp_actions *out,
			  uint64_t now_ms, enum vrrp_reason why)
{
	cancel(f, out, VRRP_TIMER_MASTER_DOWN);
	cancel(f, out, VRRP_TIMER_PREEMPT);
	emit_simple(out, VRRP_ACT_ADD_VIPS);
	emit_simple(out, VRRP_ACT_BECOME_MASTER);
	send_advert(f, out, f->priority);
	emit_simple(out, VRRP_ACT_SEND_GARP_BURST);
	arm(f, out, VRRP_TIMER_ADVER, now_ms + adver_ms(f));
	forget_master(f);
	f->cnt.become_master++;
	transition(f, out, VRRP_STATE_MASTER, why, now_ms);
}

/* RFC 5798 §6.4.1 Startup. */
static void startup(struct vrrp_fsm *f, struct vrrp_actions *out,
		    uint64_t now_ms, enum vrrp_reason why)
{
	if (f->cfg.follow ? f->follow_master : f->priority == VRRP_PRIO_OWNER) {
		/* "If the Priority = 255 (i.e., the router owns the IPvX
		 * address associated with the virtual router)": advert,
		 * GARP / unsolicited NA, Adver_Timer, Master. No
		 * Master_Down wait: the owner takes over at once. */
		become_master(f, out, now_ms, why);
		return;
	}
	/* "Set Master_Adver_Interval to Advertisement_Interval, set the
	 * Master_Down_Timer to Master_Down_Interval, transition to Backup."
	 * REMOVE_VIPS makes a restart after a crash (addresses left on the
	 * interface) converge to the Backup's "MUST NOT accept". */
	f->master_adver_cs = f->cfg.advert_cs;
	forget_master(f);
	emit_simple(out, VRRP_ACT_BECOME_BACKUP);
	emit_simple(out, VRRP_ACT_REMOVE_VIPS);
	arm_master_down(f, out, now_ms, master_down_ms(f),
			VRRP_REASON_MASTER_DOWN);
	transition(f, out, VRRP_STATE_BACKUP, why, now_ms);
}

/* Master -> Backup on a better advert (RFC 5798 §6.4.3): "Cancel
 * Adver_Timer, set Master_Adver_Interval to Adver Interval contained in
 * the ADVERTISEMENT, recompute the Skew_Time and Master_Down_Interval, set
 * Master_Down_Timer to Master_Down_Interval, transition to Backup." hsb
 * stops answering (BECOME_BACKUP) before it removes the VIPs. */
static void master_to_backup(struct vrrp_fsm *f, struct vrrp_actions *out,
			     const struct vrrp_advert *adv, uint64_t now_ms,
			     enum vrrp_reason why)
{
	cancel(f, out, VRRP_TIMER_ADVER);
	f->master_adver_cs = advert_interval_cs(f, adv);
	emit_simple(out, VRRP_ACT_BECOME_BACKUP);
	emit_simple(out, VRRP_ACT_REMOVE_VIPS);
	arm_master_down(f, out, now_ms, master_down_ms(f),
			VRRP_REASON_MASTER_DOWN);
	note_master(f, adv);
	transition(f, out, VRRP_STATE_BACKUP, why, now_ms);
}

/* To Initialize: Shutdown (RFC 5798 §6.4.2 / §6.4.3) or link down (hsb:
 * the interface cannot carry VRRP; like Shutdown without the priority-0
 * advert, which could not be sent). */
static void to_init(struct vrrp_fsm *f, struct vrrp_actions *out,
		    uint64_t now_ms, enum vrrp_reason why)
{
	switch (f->state) {
	case VRRP_STATE_INIT:
		return;
	case VRRP_STATE_BACKUP:
		/* §6.4.2: "Cancel the Master_Down_Timer, transition to
		 * Initialize." */
		cancel(f, out, VRRP_TIMER_MASTER_DOWN);
		cancel(f, out, VRRP_TIMER_PREEMPT);
		emit_simple(out, VRRP_ACT_BECOME_INIT);
		break;
	case VRRP_STATE_MASTER:
		/* §6.4.3: "Cancel the Adver_Timer, send an ADVERTISEMENT
		 * with Priority = 0, transition to Initialize." hsb stops
		 * answering first, then sends the priority-0 advert (the
		 * backup takes over after Skew_Time), then removes VIPs. */
		cancel(f, out, VRRP_TIMER_ADVER);
		emit_simple(out, VRRP_ACT_BECOME_INIT);
		if (why == VRRP_REASON_SHUTDOWN)
			send_advert(f, out, VRRP_PRIO_SHUTDOWN);
		emit_simple(out, VRRP_ACT_REMOVE_VIPS);
		break;
	}
	forget_master(f);
	transition(f, out, VRRP_STATE_INIT, why, now_ms);
}

/* --- entry points ----------------------------------------------------------- */

static bool cfg_valid(const struct vrrp_fsm_config *c)
{
	size_t alen = vrrp_addr_len(c->family);
	unsigned int i, j;

	if (!alen || c->vrid == 0 || c->priority == 0)
		return false;
	if (c->version == 3) {
		if (c->advert_cs == 0 || c->advert_cs > VRRP_V3_MAX_ADVER_CS)
			return false;
	} else if (c->version == 2) {
		if (c->family != AF_INET || c->advert_cs % 100 != 0 ||
		    c->advert_cs < 100 ||
		    c->advert_cs > VRRP_V2_MAX_ADVER_S * 100)
			return false;
	} else {
		return false;
	}
	if (c->n_vips == 0 || c->n_vips > VRRP_FSM_MAX_VIPS)
		return false;
	for (i = 0; i < c->n_vips; i++) {
		if (c->vips[i].family != c->family)
			return false;
		for (j = 0; j < i; j++)
			if (vrrp_addr_eq(&c->vips[i], &c->vips[j]))
				return false;
	}
	/* primary may be unset (AF_UNSPEC) until the interface has one */
	if (c->primary.family != AF_UNSPEC && c->primary.family != c->family)
		return false;
	return true;
}

int vrrp_fsm_init(struct vrrp_fsm *f, const struct vrrp_fsm_config *cfg)
{
	if (!cfg_valid(cfg))
		return -EINVAL;
	memset(f, 0, sizeof(*f));
	f->cfg = *cfg;
	f->state = VRRP_STATE_INIT;
	f->priority = cfg->priority;
	f->master_adver_cs = cfg->advert_cs;
	f->link_up = true;
	return 0;
}

int vrrp_fsm_start(struct vrrp_fsm *f, uint64_t now_ms,
		   struct vrrp_actions *out)
{
	out_reset(out);
	if (f->started)
		return 0;
	f->started = true;
	if (f->link_up && f->state == VRRP_STATE_INIT)
		startup(f, out, now_ms, VRRP_REASON_STARTUP);
	return 0;
}

int vrrp_fsm_resume(struct vrrp_fsm *f, uint64_t now_ms,
		    struct vrrp_actions *out)
{
	out_reset(out);
	if (f->started)
		return 0;
	if (!f->link_up || f->state != VRRP_STATE_INIT)
		return vrrp_fsm_start(f, now_ms, out);
	f->started = true;
	if (f->cfg.follow)
		f->follow_master = true;
	f->master_adver_cs = f->cfg.advert_cs;
	emit_simple(out, VRRP_ACT_ADD_VIPS);
	emit_simple(out, VRRP_ACT_BECOME_MASTER);
	send_advert(f, out, f->priority);
	arm(f, out, VRRP_TIMER_ADVER, now_ms + adver_ms(f));
	forget_master(f);
	transition(f, out, VRRP_STATE_MASTER, VRRP_REASON_RESUME, now_ms);
	return 0;
}

int vrrp_fsm_shutdown(struct vrrp_fsm *f, uint64_t now_ms,
		      struct vrrp_actions *out)
{
	out_reset(out);
	f->started = false;
	to_init(f, out, now_ms, VRRP_REASON_SHUTDOWN);
	return 0;
}

int vrrp_fsm_link_change(struct vrrp_fsm *f, bool up, uint64_t now_ms,
			 struct vrrp_actions *out)
{
	out_reset(out);
	if (f->link_up == up)
		return 0;
	f->link_up = up;
	if (!up)
		to_init(f, out, now_ms, VRRP_REASON_LINK_DOWN);
	else if (f->started && f->state == VRRP_STATE_INIT)
		startup(f, out, now_ms, VRRP_REASON_LINK_UP);
	return 0;
}

int vrrp_fsm_timer_expired(struct vrrp_fsm *f, enum vrrp_timer t,
			   uint64_t now_ms, struct vrrp_actions *out)
{
	out_reset(out);
	if ((unsigned int)t >= VRRP_TIMER__COUNT)
		return -EINVAL;
	/* A stale expiry (cancelled or re-armed since) changes nothing. */
	if (!f->timers[t].armed || now_ms < f->timers[t].deadline_ms)
		return 0;
	f->timers[t].armed = false;
	f->timers[t].deadline_ms = 0;

	switch (t) {
	case VRRP_TIMER_ADVER:
		/* §6.4.3: "Send an ADVERTISEMENT, reset the Adver_Timer to
		 * Advertisement_Interval." */
		if (f->state == VRRP_STATE_MASTER) {
			send_advert(f, out, f->priority);
			arm(f, out, VRRP_TIMER_ADVER, now_ms + adver_ms(f));
		}
		break;
	case VRRP_TIMER_MASTER_DOWN:
		if (f->state == VRRP_STATE_BACKUP)
			become_master(f, out, now_ms, f->md_reason);
		break;
	case VRRP_TIMER_PREEMPT:
		if (f->state == VRRP_STATE_BACKUP)
			become_master(f, out, now_ms,
				      VRRP_REASON_PREEMPT_DELAY);
		break;
	case VRRP_TIMER__COUNT:
		break;
	}
	return 0;
}

static void cancel_preempt_delay(struct vrrp_fsm *f, struct vrrp_actions *out)
{
	if (!f->timers[VRRP_TIMER_PREEMPT].armed)
		return;
	cancel(f, out, VRRP_TIMER_PREEMPT);
	f->cnt.preempt_delay_cancelled++;
}

int vrrp_fsm_set_priority(struct vrrp_fsm *f, unsigned int priority,
			  uint64_t now_ms, struct vrrp_actions *out)
{
	out_reset(out);
	if (priority == VRRP_PRIO_SHUTDOWN || priority > VRRP_PRIO_OWNER)
		return -EINVAL;
	if (priority == f->priority)
		return 0;
	f->priority = (uint8_t)priority;

	switch (f->state) {
	case VRRP_STATE_INIT:
		break;
	case VRRP_STATE_MASTER:
		/* Not in the RFC, which only reads the priority when it
		 * sends: advertise the new priority now rather than up to
		 * one interval later, so a backup that now outranks us
		 * starts preempting at once. */
		send_advert(f, out, f->priority);
		arm(f, out, VRRP_TIMER_ADVER, now_ms + adver_ms(f));
		break;
	case VRRP_STATE_BACKUP:
		/* Skew_Time and Master_Down_Interval use the new priority
		 * from the next accepted advert on (the RFC recomputes them
		 * there). A preempt delay in progress ends if we no longer
		 * outrank the master. */
		if (f->master_known && f->priority <= f->master_priority)
			cancel_preempt_delay(f, out);
		break;
	}
	return 0;
}

int vrrp_fsm_follow(struct vrrp_fsm *f, bool master, uint64_t now_ms,
		    struct vrrp_actions *out)
{
	out_reset(out);
	if (!f->cfg.follow)
		return -EINVAL;
	f->follow_master = master;
	if (master && f->state == VRRP_STATE_BACKUP) {
		become_master(f, out, now_ms, VRRP_REASON_GROUP);
	} else if (!master && f->state == VRRP_STATE_MASTER) {
		/* stop answering before the VIPs go, as everywhere */
		cancel(f, out, VRRP_TIMER_ADVER);
		emit_simple(out, VRRP_ACT_BECOME_BACKUP);
		emit_simple(out, VRRP_ACT_REMOVE_VIPS);
		forget_master(f);
		transition(f, out, VRRP_STATE_BACKUP, VRRP_REASON_GROUP,
			   now_ms);
	}
	return 0;
}

int vrrp_fsm_set_primary(struct vrrp_fsm *f, const struct vrrp_addr *a)
{
	if (a->family != AF_UNSPEC && a->family != f->cfg.family)
		return -EINVAL;
	f->cfg.primary = *a;
	return 0;
}

void vrrp_fsm_count_rx_reject(struct vrrp_fsm *f, enum vrrp_rx_reason r)
{
	if ((unsigned int)r < VRRP_RX__COUNT && r != VRRP_RX_OK)
		f->cnt.rx_rejected[r]++;
}

/* Same set: same count, and every VIP of ours is in the advert. With our
 * VIPs distinct, that is set equality. Order does not matter. */
static bool addr_list_matches(const struct vrrp_fsm *f,
			      const struct vrrp_advert *adv)
{
	unsigned int i, j;

	if (adv->n_addrs != f->cfg.n_vips)
		return false;
	for (i = 0; i < f->cfg.n_vips; i++) {
		bool found = false;

		for (j = 0; j < adv->n_addrs && !found; j++) {
			struct vrrp_addr a = vrrp_advert_addr(adv, j);

			found = vrrp_addr_eq(&a, &f->cfg.vips[i]);
		}
		if (!found)
			return false;
	}
	return true;
}

static bool is_own_vip(const struct vrrp_fsm *f, const struct vrrp_addr *a)
{
	unsigned int i;

	for (i = 0; i < f->cfg.n_vips; i++)
		if (vrrp_addr_eq(a, &f->cfg.vips[i]))
			return true;
	return false;
}

static enum vrrp_rx_reason reject(struct vrrp_fsm *f, enum vrrp_rx_reason r)
{
	vrrp_fsm_count_rx_reject(f, r);
	return r;
}

/* RFC 5798 §6.4.2, Backup: "If an ADVERTISEMENT is received". */
static void backup_rx(struct vrrp_fsm *f, const struct vrrp_advert *adv,
		      uint64_t now_ms, struct vrrp_actions *out)
{
	if (f->cfg.follow) {
		/* The group decides; remember who is master for show vrrp. */
		if (adv->priority != VRRP_PRIO_SHUTDOWN)
			note_master(f, adv);
		return;
	}
	if (adv->priority == VRRP_PRIO_SHUTDOWN) {
		/* "If the Priority in the ADVERTISEMENT is zero, then: Set
		 * the Master_Down_Timer to Skew_Time." */
		arm_master_down(f, out, now_ms, skew_ms(f),
				VRRP_REASON_MASTER_RELEASED);
		return;
	}
	if (!f->cfg.preempt || adv->priority >= f->priority) {
		/* "If Preempt_Mode is False, or if the Priority in the
		 * ADVERTISEMENT is greater than or equal to the local
		 * Priority: set Master_Adver_Interval to Adver Interval
		 * contained in the ADVERTISEMENT, recompute the
		 * Master_Down_Interval, reset the Master_Down_Timer to
		 * Master_Down_Interval." */
		f->master_adver_cs = advert_interval_cs(f, adv);
		arm_master_down(f, out, now_ms, master_down_ms(f),
				VRRP_REASON_MASTER_DOWN);
		note_master(f, adv);
		/* A master at or above our priority: nothing to preempt. */
		if (adv->priority >= f->priority)
			cancel_preempt_delay(f, out);
		return;
	}
	/* Preempt_Mode and a lower-priority master. */
	if (f->cfg.preempt_delay_cs == 0) {
		/* RFC: "else: Discard the ADVERTISEMENT." The
		 * Master_Down_Timer then runs out and we take over. */
		return;
	}
	/* hsb extension (keepalived's preempt_delay): hold off. Until the
	 * delay is over, treat the advert as if Preempt_Mode were False
	 * (keep the Master_Down_Timer from firing); when the PREEMPT timer
	 * fires, take over. */
	if (!f->timers[VRRP_TIMER_PREEMPT].armed) {
		arm(f, out, VRRP_TIMER_PREEMPT,
		    now_ms + (uint64_t)f->cfg.preempt_delay_cs * 10);
		f->cnt.preempt_delay_started++;
	}
	f->master_adver_cs = advert_interval_cs(f, adv);
	arm_master_down(f, out, now_ms, master_down_ms(f),
			VRRP_REASON_MASTER_DOWN);
	note_master(f, adv);
}

/* True, and the slot taken, if nothing passed within the last
 * Advertisement_Interval. */
static bool ratelimit_pass(const struct vrrp_fsm *f,
			   struct vrrp_fsm_ratelimit *rl, uint64_t now_ms)
{
	if (rl->used && now_ms < rl->last_ms + adver_ms(f))
		return false;
	rl->used = true;
	rl->last_ms = now_ms;
	return true;
}

/* RFC 5798 §6.4.3, Master: "If an ADVERTISEMENT is received". */
static void master_rx(struct vrrp_fsm *f, const struct vrrp_advert *adv,
		      uint64_t now_ms, struct vrrp_actions *out)
{
	int addr_cmp;

	if (adv->priority == VRRP_PRIO_SHUTDOWN) {
		/* "If the Priority in the ADVERTISEMENT is zero, then: Send
		 * an ADVERTISEMENT, reset the Adver_Timer to
		 * Advertisement_Interval." Once per interval: a real
		 * master leaves once, and a peer that keeps sending
		 * priority 0 must not get an advert back for each. The
		 * backups have heard one within this interval anyway. */
		if (!ratelimit_pass(f, &f->prio0_reply, now_ms)) {
			f->cnt.prio0_replies_suppressed++;
			return;
		}
		send_advert(f, out, f->priority);
		arm(f, out, VRRP_TIMER_ADVER, now_ms + adver_ms(f));
		return;
	}
	/* "If the Priority in the ADVERTISEMENT is greater than the local
	 * Priority, or the Priority is equal and the primary IPvX address
	 * of the sender is greater than the local primary IPvX address"
	 * (compared as unsigned integers in network byte order). */
	addr_cmp = vrrp_addr_cmp(&adv->src, &f->cfg.primary);
	if (f->cfg.follow && (adv->priority > f->priority ||
			      (adv->priority == f->priority && addr_cmp > 0))) {
		/* Another master that would win: the group, not this
		 * advert, decides. Counted; the caller reports the peer. */
		f->cnt.follow_ignored++;
		return;
	}
	if (adv->priority > f->priority) {
		master_to_backup(f, out, adv, now_ms,
				 VRRP_REASON_HIGHER_PRIORITY);
		return;
	}
	if (adv->priority == f->priority && addr_cmp > 0) {
		master_to_backup(f, out, adv, now_ms,
				 VRRP_REASON_HIGHER_ADDRESS);
		return;
	}
	/* "else: Discard ADVERTISEMENT." The RFC sends nothing: the sender
	 * hears our next scheduled advert and goes Backup. But a sender that
	 * briefly became Master (it missed our adverts on a loaded host) has
	 * already sent GARPs for the VIPs, and hosts now send to it; waiting
	 * for their ARP entries to fail costs seconds. So, like keepalived,
	 * answer at once with an advert and one GARP/NA round, at most once
	 * per Advertisement_Interval so a misbehaving peer cannot make us
	 * flood. A peer that never hears us (a one-way standoff) keeps
	 * sending; a whole burst (garp count rounds) per answer multiplied
	 * the GARPs, so an answer is one round, and one round per interval
	 * is what keeps the hosts' entries pointing here. */
	if (!ratelimit_pass(f, &f->reassert, now_ms)) {
		f->cnt.reasserts_suppressed++;
		return;
	}
	f->cnt.reasserts++;
	send_advert(f, out, f->priority);
	emit_simple(out, VRRP_ACT_SEND_GARP_ROUND);
	arm(f, out, VRRP_TIMER_ADVER, now_ms + adver_ms(f));
}

enum vrrp_rx_reason vrrp_fsm_rx_advert(struct vrrp_fsm *f,
				       const struct vrrp_advert *adv,
				       uint64_t now_ms,
				       struct vrrp_actions *out)
{
	uint16_t ours_cs = f->cfg.advert_cs;

	out_reset(out);
	/* §6.4.1: Initialize ignores everything but Startup. */
	if (f->state == VRRP_STATE_INIT)
		return reject(f, VRRP_RX_NOT_RUNNING);
	if (adv->family != f->cfg.family)
		return reject(f, VRRP_RX_FAMILY_MISMATCH);
	/* §7.1: "MUST verify that the VRRP version is 3" (2 for a v2
	 * instance: RFC 3768 §7.1). */
	if (adv->version != f->cfg.version)
		return reject(f, VRRP_RX_VERSION_MISMATCH);
	/* §7.1: "MUST verify that the VRID is configured on the receiving
	 * interface". */
	if (adv->vrid != f->cfg.vrid)
		return reject(f, VRRP_RX_VRID_MISMATCH);
	/* Our own advert looped back, or a host using our address: the
	 * §6.4.3 tie-break cannot order equal addresses. */
	if (f->cfg.primary.family != AF_UNSPEC &&
	    vrrp_addr_eq(&adv->src, &f->cfg.primary))
		return reject(f, VRRP_RX_OWN_ADDRESS);
	/* Likewise a VIP while we hold it (Master, or the owner, whose VIPs
	 * are its real addresses): IPv6 adverts carry the link-local VIP,
	 * so a reflected or spoofed one would otherwise win the tie-break.
	 * A Backup holds none, and an advert from a VIP is then the
	 * address owner's own and must be obeyed. */
	if ((f->state == VRRP_STATE_MASTER || vrrp_fsm_is_owner(f)) &&
	    is_own_vip(f, &adv->src))
		return reject(f, VRRP_RX_OWN_ADDRESS);

	if (adv->adver_cs != ours_cs) {
		f->cnt.interval_mismatch++;
		out->interval_mismatch = true;
		/* RFC 3768 §7.1: "MUST verify that the Adver Interval in the
		 * packet is the same as the locally configured for this
		 * virtual router. If the above check fails, the receiver
		 * MUST discard the packet". v3 learns the master's interval
		 * instead; the mismatch is only logged (RFC 9568 §7.1). */
		if (f->cfg.version == 2)
			return reject(f, VRRP_RX_V2_INTERVAL_MISMATCH);
	}
	if (!addr_list_matches(f, adv)) {
		f->cnt.addr_list_mismatch++;
		out->addr_list_mismatch = true;
		/* RFC 5798 §7.1: "MAY verify ... If the above check fails,
		 * the receiver SHOULD log the event": not fatal in v3.
		 * RFC 3768 §7.1 adds: "If the packet was not generated by
		 * the address owner (Priority does not equal 255
		 * (decimal)), the receiver MUST drop the packet". */
		if (f->cfg.version == 2 && adv->priority != VRRP_PRIO_OWNER)
			return reject(f, VRRP_RX_V2_ADDR_LIST_MISMATCH);
	}
	/* RFC 5798 §7.1 says an address owner discards every advert; RFC
	 * 9568 erratum 8298 corrects that to "log and process", since two
	 * owners that drop each other's adverts both stay Master forever.
	 * hsb processes (the §6.4.3 tie-break then picks one) and counts. */
	if (adv->priority == VRRP_PRIO_OWNER &&
	    f->priority == VRRP_PRIO_OWNER) {
		f->cnt.owner_conflict++;
		out->owner_conflict = true;
	}

	f->cnt.adverts_rx++;
	if (adv->priority == VRRP_PRIO_SHUTDOWN)
		f->cnt.prio0_rx++;
	if (f->state == VRRP_STATE_BACKUP)
		backup_rx(f, adv, now_ms, out);
	else
		master_rx(f, adv, now_ms, out);
	return VRRP_RX_OK;
}

/* --- helpers for the caller ---------------------------------------------- */

int vrrp_fsm_build_advert(const struct vrrp_fsm *f, uint8_t priority,
			  const struct vrrp_addr *dst, uint8_t *buf, size_t cap)
{
	struct vrrp_tx tx = {
		.version = f->cfg.version,
		.vrid = f->cfg.vrid,
		.priority = priority,
		.adver_cs = f->cfg.advert_cs,
		.addrs = f->cfg.vips,
		.n_addrs = f->cfg.n_vips,
		.src = f->cfg.primary,
		.dst = *dst,
	};

	return vrrp_encode(&tx, buf, cap);
}

int vrrp_fsm_build_grace_advert(const struct vrrp_fsm *f, uint16_t grace_cs,
				const struct vrrp_addr *dst, uint8_t *buf,
				size_t cap, uint32_t *grace_ms)
{
	struct vrrp_tx tx = {
		.version = f->cfg.version,
		.vrid = f->cfg.vrid,
		.priority = f->priority,
		.adver_cs = f->cfg.advert_cs,
		.addrs = f->cfg.vips,
		.n_addrs = f->cfg.n_vips,
		.src = f->cfg.primary,
		.dst = *dst,
	};

	if (f->state != VRRP_STATE_MASTER || grace_cs > 4095)
		return -EINVAL;
	if (f->cfg.version == 3 && grace_cs > tx.adver_cs)
		tx.adver_cs = grace_cs;
	*grace_ms = 3u * tx.adver_cs * 10u;
	return vrrp_encode(&tx, buf, cap);
}

bool vrrp_fsm_is_owner(const struct vrrp_fsm *f)
{
	return f->cfg.priority == VRRP_PRIO_OWNER;
}

bool vrrp_fsm_accepts_vip_traffic(const struct vrrp_fsm *f)
{
	return f->state == VRRP_STATE_MASTER &&
	       (vrrp_fsm_is_owner(f) || f->cfg.accept);
}
