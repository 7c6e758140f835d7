/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VGMP group state machine: one per `vgmp group`, deciding whether
 * this host is active or standby for the group as a whole. Pure: events
 * and the caller's millisecond clock in, actions out (like
 * user/vrrp/vrrp_fsm.h); the caller sends hellos, drives the member VRRP
 * instances, runs timers and hooks. docs/vgmp.md describes the protocol.
 *
 * Running priority = base priority - penalties (failed members and
 * tracks; the caller sums them), never below 0.
 *
 * The rules, evaluated after every event (peer = the other host's view of
 * this group, from its last hello):
 *   - peer dead (no hello AND no VRRP advertisement of the peer on any
 *     member link for dead-count hello intervals; before the first hello,
 *     the same interval from start): active.
 *   - heartbeat lost while the peer's advertisements still arrive on
 *     member links: the peer is alive; nothing changes (split-brain guard,
 *     counted and reported).
 *   - both active (preemption by the peer, or a healed partition): the
 *     winner stays, the loser goes standby at once.
 *   - both standby: the winner goes active at once (unless it handed the
 *     group over, below); the peer handing over makes us active.
 *   - active, and our own priority drops so that we no longer win (a
 *     failure here): standby at once - the peer, then standby too, wins.
 *   - standby, peer active, we win: preemption, only with `preempt`, after
 *     the preempt delay, once the state backup from the peer is complete
 *     (vgmp_group_set_ready(); the HRP engine wires it), and not while an
 *     operator switchover holds it. A peer whose priority rises above ours
 *     while we are active does not make us yield: it preempts, or not.
 *   - "win": higher running priority; equal priorities: the higher node
 *     id (the heartbeat address, compared as bytes).
 */
#ifndef HSB_VGMP_GROUP_H
#define HSB_VGMP_GROUP_H

#include <stdbool.h>
#include <stdint.h>

#define VGMP_NAME_SIZE 33 /* HSB_CFG_NAME_SIZE */
#define VGMP_NODE_ID_SIZE 16 /* an IPv6 or IPv4-mapped address */
#define VGMP_MAX_ACTIONS 8

enum vgmp_state {
	VGMP_STATE_INIT = 0, /* not started, or shut down */
	VGMP_STATE_STANDBY,
	VGMP_STATE_ACTIVE,
};

enum vgmp_timer {
	VGMP_TIMER_PEER_DEAD = 0, /* no sign of the peer by then: dead */
	VGMP_TIMER_PREEMPT, /* preempt delay */
	VGMP_TIMER_HANDOVER, /* an operator switchover not taken up */
	VGMP_TIMER__COUNT
};

enum vgmp_action_type {
	VGMP_ACT_BECOME_ACTIVE = 0, /* members master, group slot active */
	VGMP_ACT_BECOME_STANDBY, /* members backup, group slot standby */
	VGMP_ACT_SEND_HELLO, /* triggered: now, asking for an ack */
	VGMP_ACT_ARM_TIMER, /* .timer at .deadline_ms (replaces any) */
	VGMP_ACT_CANCEL_TIMER, /* .timer */
	VGMP_ACT__COUNT
};

enum vgmp_reason {
	VGMP_REASON_NONE = 0,
	VGMP_REASON_STARTUP, /* Init -> Standby */
	VGMP_REASON_PEER_DEAD, /* no hello and no advert from the peer */
	VGMP_REASON_NO_PEER, /* none ever heard since start */
	VGMP_REASON_ELECTION, /* both standby: won */
	VGMP_REASON_PEER_WINS, /* both active: lost */
	VGMP_REASON_PRIORITY_REDUCED, /* our priority fell below the peer's */
	VGMP_REASON_PREEMPT, /* preempt delay over, took over */
	VGMP_REASON_HANDOVER_OUT, /* operator switchover: gave it away */
	VGMP_REASON_HANDOVER_IN, /* operator switchover on the peer */
	VGMP_REASON_HANDOVER_FAILED, /* the peer did not take it: back */
	VGMP_REASON_PEER_LEFT, /* the peer stopped running the group */
	VGMP_REASON_SHUTDOWN,
	VGMP_REASON_STALLED, /* this host was silent past the peer's patience */
	/* an agent restart: the previous hsbd handed the group over active
	 * with the datapath kept (vgmp_group_resume()) */
	VGMP_REASON_RESUME,
	VGMP_REASON__COUNT
};

struct vgmp_action {
	enum vgmp_action_type type;
	enum vgmp_timer timer; /* ARM_TIMER, CANCEL_TIMER */
	uint64_t deadline_ms; /* ARM_TIMER: absolute, caller's clock */
};

struct vgmp_transition {
	enum vgmp_state from, to;
	enum vgmp_reason reason;
	uint64_t at_ms;
};

/* Filled by every entry point (reset first). */
struct vgmp_actions {
	unsigned int n;
	struct vgmp_action v[VGMP_MAX_ACTIONS];
	bool transitioned; /* tr is valid */
	struct vgmp_transition tr;
	bool split_brain_guard; /* heartbeat lost, peer alive: log loudly */
};

struct vgmp_group_config {
	char name[VGMP_NAME_SIZE];
	uint32_t priority; /* base */
	bool preempt;
	uint32_t preempt_delay_ms;
	uint32_t hello_ms;
	uint32_t dead_count;
	uint8_t node[VGMP_NODE_ID_SIZE]; /* this host's node id */
};

/* The peer's view of the group, as its hellos carry it. */
struct vgmp_peer_group {
	enum vgmp_state state;
	uint32_t priority; /* running */
	uint32_t penalty; /* what its failures take off its base */
	bool ready; /* its state backup is complete (it may preempt) */
	bool handover; /* it is handing the group over to us */
	/* the hello's hold (vgmp_codec.h): the peer's agent restarts; keep
	 * it for alive this long without hearing it. 0: as usual */
	uint32_t hold_ms;
};

struct vgmp_counters {
	uint64_t hellos_rx; /* for this group, passed the transport checks */
	uint64_t adverts_seen; /* peer VRRP adverts on member links */
	uint64_t transitions;
	uint64_t peer_deaths;
	uint64_t split_brain_guard; /* heartbeat lost, peer alive */
	uint64_t stalls; /* vgmp_group_stalled() */
	uint64_t conflicts; /* both active heard */
	uint64_t preempt_delay_started;
	uint64_t preempt_delay_cancelled;
	uint64_t preempt_waiting_ready; /* would preempt, backup not done */
};

struct vgmp_group {
	struct vgmp_group_config cfg;
	enum vgmp_state state;
	uint32_t penalty;
	uint32_t priority; /* running: cfg.priority - penalty */
	bool ready; /* our state backup from the peer is complete */
	bool handover; /* we are handing over (operator switchover) */
	bool preempt_hold; /* after a handover: do not preempt back */
	bool heartbeat_lost; /* hellos stopped, adverts still arrive */
	/* the peer */
	bool peer_known; /* a hello or an advert ever arrived */
	bool peer_hello_known; /* a hello ever arrived */
	bool peer_dead;
	uint8_t peer_node[VGMP_NODE_ID_SIZE];
	struct vgmp_peer_group peer;
	uint64_t started_ms;
	uint64_t last_hello_ms;
	uint64_t last_advert_ms;
	uint64_t peer_hold_until_ms; /* its last hello's hold; 0: none */
	bool timers_armed[VGMP_TIMER__COUNT];
	uint64_t timers_deadline[VGMP_TIMER__COUNT];
	bool has_transition;
	struct vgmp_transition last;
	struct vgmp_counters cnt;
};

/* Refusals of an operator switchover. */
enum vgmp_switchover_refusal {
	VGMP_SWITCHOVER_OK = 0,
	VGMP_SWITCHOVER_NOT_ACTIVE, /* this host is not active for it */
	VGMP_SWITCHOVER_PEER_DEAD, /* no peer to hand it to */
	VGMP_SWITCHOVER_PEER_NOT_READY, /* its state backup is not done */
	VGMP_SWITCHOVER_PEER_DEGRADED, /* its priority is below ours */
	VGMP_SWITCHOVER_BUSY, /* a handover is already running */
};

int vgmp_group_init(struct vgmp_group *g, const struct vgmp_group_config *c);
/* Configuration change keeping state (priority, preempt, intervals). */
void vgmp_group_reconfigure(struct vgmp_group *g,
			    const struct vgmp_group_config *c, uint64_t now_ms,
			    struct vgmp_actions *out);

void vgmp_group_start(struct vgmp_group *g, uint64_t now_ms,
		      struct vgmp_actions *out);
void vgmp_group_shutdown(struct vgmp_group *g, uint64_t now_ms,
			 struct vgmp_actions *out);
/* Startup of a group the previous hsbd was active for and handed over
 * with the datapath kept, inside the hold its last hello announced
 * (docs/vgmp.md, "Agent restart"): Initialize -> Active at once
 * (BECOME_ACTIVE, a hello), the peer-death timer from now as at a
 * start. */
void vgmp_group_resume(struct vgmp_group *g, uint64_t now_ms,
		       struct vgmp_actions *out);

/* A hello from the peer carried this group (after the transport checks:
 * authentication, replay). */
void vgmp_group_rx_hello(struct vgmp_group *g, const uint8_t *peer_node,
			 const struct vgmp_peer_group *pg, uint64_t now_ms,
			 struct vgmp_actions *out);
/* A VRRP advertisement from the peer arrived on a member link. */
void vgmp_group_peer_advert(struct vgmp_group *g, uint64_t now_ms,
			    struct vgmp_actions *out);
/* The sum of penalties changed (a member or track failed or recovered). */
void vgmp_group_set_penalty(struct vgmp_group *g, uint32_t penalty,
			    uint64_t now_ms, struct vgmp_actions *out);
/* Our state backup from the peer completed (true) or restarted. */
void vgmp_group_set_ready(struct vgmp_group *g, bool ready, uint64_t now_ms,
			  struct vgmp_actions *out);
void vgmp_group_timer_expired(struct vgmp_group *g, enum vgmp_timer t,
			      uint64_t now_ms, struct vgmp_actions *out);
/*
 * This host sent nothing for longer than the peer waits (the process was
 * stopped or not scheduled), and the peer's newest hello shows it active:
 * it took over meanwhile. An active group steps down ("stalled") instead
 * of comparing priorities (rule 3 would make the peer yield it back at
 * once, without preempt delay or state backup); taking the group back is
 * a preemption like any other. The caller delivers that hello next.
 */
void vgmp_group_stalled(struct vgmp_group *g, uint64_t now_ms,
			struct vgmp_actions *out);
/* Operator switchover: hand the group to the peer. */
enum vgmp_switchover_refusal vgmp_group_switchover(struct vgmp_group *g,
						   uint64_t now_ms,
						   struct vgmp_actions *out);

/* dead-count hello intervals */
uint64_t vgmp_group_dead_ms(const struct vgmp_group *g);
/* Whether we win an election against the peer as last heard. */
bool vgmp_group_wins(const struct vgmp_group *g);

const char *vgmp_state_name(enum vgmp_state s);
const char *vgmp_reason_name(enum vgmp_reason r);
const char *vgmp_timer_name(enum vgmp_timer t);
const char *vgmp_switchover_refusal_text(enum vgmp_switchover_refusal r);

#endif /* HSB_VGMP_GROUP_H */
