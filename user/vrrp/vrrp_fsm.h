/* SPDX-License-Identifier: GPL-2.0-only */
/* VRRP state machine, RFC 5798 §6.4 (and RFC 3768 §6.4 for v2 instances).
 *
 * A pure engine: every entry point takes the current time (ms on the
 * caller's monotonic clock) and an action list to fill; it reads no clock,
 * does no I/O and allocates nothing. The caller executes the actions in
 * order, arms/cancels its real timers when told, and reports expiries with
 * vrrp_fsm_timer_expired().
 *
 * Action order (documented in docs/vrrp.md):
 *   becoming Master:  [cancel Backup timers] ADD_VIPS, BECOME_MASTER (the
 *                     caller flips the datapath to answer), SEND_ADVERT,
 *                     SEND_GARP_BURST, ARM_TIMER(ADVER)
 *   leaving Master:   CANCEL_TIMER(ADVER), BECOME_BACKUP/BECOME_INIT (the
 *                     caller stops answering), [SEND_ADVERT(0) on
 *                     shutdown], REMOVE_VIPS, [ARM_TIMER(MASTER_DOWN)]
 */
#ifndef HSB_VRRP_FSM_H
#define HSB_VRRP_FSM_H

#include <stdbool.h>
#include <stdint.h>

#include "vrrp_codec.h"

#define VRRP_FSM_MAX_VIPS 16 /* hsb's cap (configuration.md) */
#define VRRP_MAX_ACTIONS 12 /* more than any one event produces */
#define VRRP_PRIO_OWNER 255 /* RFC 5798 §5.2.4 */
#define VRRP_PRIO_SHUTDOWN 0 /* RFC 5798 §5.2.4: "stopped participating" */

enum vrrp_state {
	VRRP_STATE_INIT = 0, /* Initialize */
	VRRP_STATE_BACKUP,
	VRRP_STATE_MASTER,
};

enum vrrp_timer {
	VRRP_TIMER_ADVER = 0, /* Adver_Timer (Master) */
	VRRP_TIMER_MASTER_DOWN, /* Master_Down_Timer (Backup) */
	VRRP_TIMER_PREEMPT, /* hsb extension: preempt delay (Backup) */
	VRRP_TIMER__COUNT
};

enum vrrp_action_type {
	VRRP_ACT_SEND_ADVERT = 0, /* .priority: encode and send one advert */
	VRRP_ACT_BECOME_MASTER, /* datapath: answer for the VIPs */
	VRRP_ACT_BECOME_BACKUP, /* datapath: stop answering, drop VIP traffic */
	VRRP_ACT_BECOME_INIT, /* datapath: as Backup (instance not running) */
	VRRP_ACT_ADD_VIPS, /* netlink: add the VIPs to the interface */
	VRRP_ACT_REMOVE_VIPS, /* netlink: remove them (idempotent) */
	VRRP_ACT_SEND_GARP_BURST, /* GARP (IPv4) / unsolicited NA (IPv6) */
	VRRP_ACT_ARM_TIMER, /* .timer at .deadline_ms (replaces any) */
	VRRP_ACT_CANCEL_TIMER, /* .timer */
	/* one GARP / NA round, no burst: a Master re-asserting itself */
	VRRP_ACT_SEND_GARP_ROUND,
	VRRP_ACT__COUNT
};

/* Why a transition happened (show vrrp, notify hooks). */
enum vrrp_reason {
	VRRP_REASON_NONE = 0,
	VRRP_REASON_STARTUP, /* Init -> Backup / Master on Startup */
	VRRP_REASON_LINK_UP, /* Init -> Backup / Master on interface up */
	VRRP_REASON_MASTER_DOWN, /* Master_Down_Timer: no advert heard */
	VRRP_REASON_MASTER_RELEASED, /* Master_Down_Timer after priority 0 */
	VRRP_REASON_PREEMPT_DELAY, /* preempt delay over: took over */
	VRRP_REASON_HIGHER_PRIORITY, /* Master heard a higher priority */
	VRRP_REASON_HIGHER_ADDRESS, /* equal priority, higher address */
	VRRP_REASON_SHUTDOWN,
	VRRP_REASON_LINK_DOWN,
	VRRP_REASON_GROUP, /* follow mode: the VGMP group decided */
	/* an agent restart: the previous hsbd handed the instance over as
	 * Master with the datapath kept (vrrp_fsm_resume()) */
	VRRP_REASON_RESUME,
	VRRP_REASON__COUNT
};

struct vrrp_action {
	enum vrrp_action_type type;
	uint8_t priority; /* SEND_ADVERT */
	enum vrrp_timer timer; /* ARM_TIMER, CANCEL_TIMER */
	uint64_t deadline_ms; /* ARM_TIMER: absolute, caller's clock */
};

struct vrrp_transition {
	enum vrrp_state from, to;
	enum vrrp_reason reason;
	uint64_t at_ms;
};

/* Filled by every entry point (reset first). */
struct vrrp_actions {
	unsigned int n;
	struct vrrp_action v[VRRP_MAX_ACTIONS];
	bool transitioned; /* tr is valid */
	struct vrrp_transition tr;
	/* Received-advert findings the caller logs, rate-limited. They are
	 * also counted; none is fatal unless the rx reason says so. */
	bool interval_mismatch; /* advert interval != ours */
	bool addr_list_mismatch; /* advert addresses != our VIPs */
	bool owner_conflict; /* we and the sender both claim 255 */
};

struct vrrp_counters {
	uint64_t adverts_rx; /* passed every check, fed to the FSM */
	uint64_t adverts_tx; /* SEND_ADVERT actions emitted */
	uint64_t prio0_rx;
	uint64_t prio0_tx;
	uint64_t become_master;
	uint64_t interval_mismatch;
	uint64_t addr_list_mismatch;
	uint64_t owner_conflict;
	uint64_t preempt_delay_started;
	uint64_t preempt_delay_cancelled;
	uint64_t reasserts; /* Master answered a losing advert (see below) */
	uint64_t reasserts_suppressed; /* not answered: one this interval */
	/* Master: priority-0 adverts not answered, one already sent within
	 * this Advertisement_Interval */
	uint64_t prio0_replies_suppressed;
	uint64_t follow_ignored; /* follow mode: a better master not obeyed */
	uint64_t rx_rejected[VRRP_RX__COUNT]; /* [VRRP_RX_OK] stays 0 */
	uint64_t transitions[VRRP_REASON__COUNT]; /* state changes, by why */
};

struct vrrp_fsm_config {
	uint8_t vrid; /* 1..255 */
	uint8_t version; /* 3, or 2 (IPv4 only) */
	int family; /* AF_INET or AF_INET6 */
	uint8_t priority; /* 1..255; 255: address owner */
	/* Advertisement_Interval, cs. v3: 1..4095; v2: multiple of 100,
	 * 100..25500 (the wire carries whole seconds) */
	uint16_t advert_cs;
	bool preempt; /* Preempt_Mode */
	uint32_t preempt_delay_cs; /* hsb extension; 0: RFC behaviour */
	bool accept; /* Accept_Mode */
	/* A member of a VGMP group: no election of its own. It is Master or
	 * Backup as vrrp_fsm_follow() says (Backup until told), keeps
	 * advertising as Master and keeps listening, but neither a
	 * Master_Down_Timer nor a better advert moves it. */
	bool follow;
	struct vrrp_addr vips[VRRP_FSM_MAX_VIPS]; /* IPv6: link-local first
						  * (RFC 5798 §5.2.9) */
	unsigned int n_vips; /* 1..VRRP_FSM_MAX_VIPS */
	/* This host's primary address on the interface (IPv4: the primary
	 * address; IPv6: the link-local address): advert source and the
	 * tie-break key of RFC 5798 §6.4.3. */
	struct vrrp_addr primary;
};

struct vrrp_fsm_timer {
	bool armed;
	uint64_t deadline_ms;
};

/* At most one event per Advertisement_Interval. */
struct vrrp_fsm_ratelimit {
	bool used; /* last_ms is valid (0 is a valid time) */
	uint64_t last_ms;
};

/* One instance. Treat as opaque except for reading (show vrrp). */
struct vrrp_fsm {
	struct vrrp_fsm_config cfg;
	enum vrrp_state state;
	uint8_t priority; /* running priority (VGMP/tracking may change) */
	uint16_t master_adver_cs; /* Master_Adver_Interval */
	bool started; /* Startup given, no Shutdown since */
	bool link_up;
	struct vrrp_fsm_timer timers[VRRP_TIMER__COUNT];
	enum vrrp_reason md_reason; /* reported if Master_Down fires */
	/* Last advert accepted in Backup (the current master). */
	bool master_known;
	struct vrrp_addr master_addr;
	uint8_t master_priority;
	bool has_transition;
	struct vrrp_transition last; /* most recent transition */
	/* Master: last answer to a losing advert, to a priority-0 advert */
	struct vrrp_fsm_ratelimit reassert, prio0_reply;
	bool follow_master; /* follow mode: what the group wants */
	struct vrrp_counters cnt;
};

/* Timer arithmetic, exposed for show vrrp and tests.
 * v3 (RFC 5798 §6.1): Skew_Time = ((256 - Priority) * Master_Adver_Interval)
 * / 256 centiseconds, evaluated in milliseconds and truncated:
 * ((256 - P) * I_cs * 10) / 256.
 * v2 (RFC 3768 §6.1): Skew_Time = (256 - Priority) / 256 seconds, in ms:
 * ((256 - P) * 1000) / 256, whatever the interval.
 * Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time. */
uint32_t vrrp_skew_ms(unsigned int version, unsigned int priority,
		      unsigned int master_adver_cs);
uint32_t vrrp_master_down_ms(unsigned int version, unsigned int priority,
			     unsigned int master_adver_cs);

/* Validate cfg and set up an instance in Initialize, link assumed up.
 * Returns 0 or -EINVAL (nothing is changed then). */
int vrrp_fsm_init(struct vrrp_fsm *f, const struct vrrp_fsm_config *cfg);

/* Events. Each resets *out, then fills it. Return 0, or -EINVAL for an
 * invalid argument (no state change, no actions). */
int vrrp_fsm_start(struct vrrp_fsm *f, uint64_t now_ms,
		   struct vrrp_actions *out);
/*
 * Startup of an instance the previous hsbd was Master of and handed over
 * with the datapath kept, within the grace its last advert announced
 * (docs/vrrp.md, "Agent restart"): Initialize -> Master at once, as
 * though it had never stopped. ADD_VIPS (they are still there: a no-op
 * unless someone removed them), BECOME_MASTER (the slot is already
 * active), SEND_ADVERT (the Backup learns the normal interval again),
 * ARM_TIMER(ADVER); no GARP: the switches and hosts never lost this
 * host. In follow mode the group is taken to want Master. Without a
 * usable link it is vrrp_fsm_start().
 */
int vrrp_fsm_resume(struct vrrp_fsm *f, uint64_t now_ms,
		    struct vrrp_actions *out);
int vrrp_fsm_shutdown(struct vrrp_fsm *f, uint64_t now_ms,
		      struct vrrp_actions *out);
int vrrp_fsm_timer_expired(struct vrrp_fsm *f, enum vrrp_timer t,
			   uint64_t now_ms, struct vrrp_actions *out);
/* New running priority, 1..255 (0 is reserved for shutdown adverts). */
int vrrp_fsm_set_priority(struct vrrp_fsm *f, unsigned int priority,
			  uint64_t now_ms, struct vrrp_actions *out);
int vrrp_fsm_link_change(struct vrrp_fsm *f, bool up, uint64_t now_ms,
			 struct vrrp_actions *out);
/* The interface's primary (IPv4) / link-local (IPv6) address changed. */
int vrrp_fsm_set_primary(struct vrrp_fsm *f, const struct vrrp_addr *a);
/* Follow mode: the group wants this member Master (true) or Backup. Takes
 * effect now if the instance runs (started, link up), else when it next
 * starts. -EINVAL without cfg.follow. */
int vrrp_fsm_follow(struct vrrp_fsm *f, bool master, uint64_t now_ms,
		    struct vrrp_actions *out);

/* A decoded advertisement (vrrp_decode() returned VRRP_RX_OK). Returns
 * VRRP_RX_OK if it was processed, else the reason it was dropped (already
 * counted in cnt.rx_rejected). */
enum vrrp_rx_reason vrrp_fsm_rx_advert(struct vrrp_fsm *f,
				       const struct vrrp_advert *adv,
				       uint64_t now_ms,
				       struct vrrp_actions *out);

/* Charge a decoder rejection to this instance. */
void vrrp_fsm_count_rx_reject(struct vrrp_fsm *f, enum vrrp_rx_reason r);

/* Fill a vrrp_tx for SEND_ADVERT(priority) and encode it: source is
 * cfg.primary, dst the group or unicast peer it is sent to. Returns the
 * length, or -EINVAL / -ENOSPC as vrrp_encode(). */
int vrrp_fsm_build_advert(const struct vrrp_fsm *f, uint8_t priority,
			  const struct vrrp_addr *dst, uint8_t *buf,
			  size_t cap);

/*
 * The Master's last advert before an agent restart with the datapath
 * kept: its running priority and a longer Advertisement_Interval, so
 * every RFC 5798 Backup (which sets Master_Adver_Interval from the
 * advert, §6.4.2) waits 3 x grace_cs + Skew_Time before it takes over.
 * grace_cs is raised to the configured interval if shorter; 1..4095.
 * VRRPv2 Backups must discard an advert whose interval is not theirs
 * (RFC 3768 §7.1): a v2 instance's grace is its own interval, and
 * *grace_ms says so. Fills *grace_ms with the least time the Backup
 * holds off (3 x the interval sent) and returns as
 * vrrp_fsm_build_advert(); -EINVAL unless Master.
 */
int vrrp_fsm_build_grace_advert(const struct vrrp_fsm *f, uint16_t grace_cs,
				const struct vrrp_addr *dst, uint8_t *buf,
				size_t cap, uint32_t *grace_ms);

/* RFC 5798 §6.4.3: a Master accepts packets addressed to the VIPs (local
 * delivery, e.g. ping or ssh to the VIP) only if it is the address owner
 * or Accept_Mode is set. Forwarding through the VIP is not affected. */
bool vrrp_fsm_accepts_vip_traffic(const struct vrrp_fsm *f);
bool vrrp_fsm_is_owner(const struct vrrp_fsm *f);

const char *vrrp_state_name(enum vrrp_state s);
const char *vrrp_reason_name(enum vrrp_reason r);
const char *vrrp_action_name(enum vrrp_action_type a);
const char *vrrp_timer_name(enum vrrp_timer t);

#endif /* HSB_VRRP_FSM_H */
