// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VGMP group state machine (user/vgmp/vgmp_group.h) with a fake
 * clock: every transition, preemption and its delay, the tie-break,
 * triggered hellos, the peer-death rule with the split-brain guard,
 * priority arithmetic, operator switchover and its refusals.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vgmp_group.h"

#define HELLO 1000
#define DEAD (3 * HELLO)

static const uint8_t node_lo[VGMP_NODE_ID_SIZE] = { [15] = 1 };
static const uint8_t node_hi[VGMP_NODE_ID_SIZE] = { [15] = 2 };

static struct vgmp_group g;
static struct vgmp_actions out;
static uint64_t now;

static void init(uint32_t prio, bool preempt, uint32_t delay_ms,
		 const uint8_t *node)
{
	struct vgmp_group_config c = {
		.name = "vg1",
		.priority = prio,
		.preempt = preempt,
		.preempt_delay_ms = delay_ms,
		.hello_ms = HELLO,
		.dead_count = 3,
	};

	memcpy(c.node, node, VGMP_NODE_ID_SIZE);
	assert_int_equal(vgmp_group_init(&g, &c), 0);
	now = 100000;
}

static bool has(enum vgmp_action_type t)
{
	unsigned int i;

	for (i = 0; i < out.n; i++)
		if (out.v[i].type == t)
			return true;
	return false;
}

static unsigned int count(enum vgmp_action_type t)
{
	unsigned int i, n = 0;

	for (i = 0; i < out.n; i++)
		n += out.v[i].type == t;
	return n;
}

static uint64_t deadline(enum vgmp_timer t)
{
	unsigned int i;

	for (i = 0; i < out.n; i++)
		if (out.v[i].type == VGMP_ACT_ARM_TIMER && out.v[i].timer == t)
			return out.v[i].deadline_ms;
	return 0;
}

static void hello(enum vgmp_state st, uint32_t prio, const uint8_t *node)
{
	struct vgmp_peer_group pg = { .state = st,
				      .priority = prio,
				      .ready = true };

	vgmp_group_rx_hello(&g, node, &pg, now, &out);
}

static void hello_flags(enum vgmp_state st, uint32_t prio, bool ready,
			bool handover, uint32_t penalty)
{
	struct vgmp_peer_group pg = { .state = st,
				      .priority = prio,
				      .ready = ready,
				      .handover = handover,
				      .penalty = penalty };

	vgmp_group_rx_hello(&g, node_lo, &pg, now, &out);
}

/* Fire timer t at its deadline (or now if that is later). */
static void fire(enum vgmp_timer t)
{
	assert_true(g.timers_armed[t]);
	if (now < g.timers_deadline[t])
		now = g.timers_deadline[t];
	vgmp_group_timer_expired(&g, t, now, &out);
}

static void start(void)
{
	vgmp_group_start(&g, now, &out);
	assert_int_equal(g.state, VGMP_STATE_STANDBY);
	assert_true(has(VGMP_ACT_BECOME_STANDBY));
	assert_true(has(VGMP_ACT_SEND_HELLO));
	assert_int_equal(deadline(VGMP_TIMER_PEER_DEAD), now + DEAD);
}

/* Alone: listens a dead interval, then active ("no-peer"). */
static void test_no_peer(void **state)
{
	(void)state;
	init(65001, false, 0, node_hi);
	start();
	now += DEAD - 1;
	vgmp_group_timer_expired(&g, VGMP_TIMER_PEER_DEAD, now, &out);
	assert_int_equal(g.state, VGMP_STATE_STANDBY); /* early: re-armed */
	fire(VGMP_TIMER_PEER_DEAD);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	assert_true(has(VGMP_ACT_BECOME_ACTIVE));
	assert_true(has(VGMP_ACT_SEND_HELLO));
	assert_int_equal(out.tr.reason, VGMP_REASON_NO_PEER);
	/* nothing to wait for: the dead timer is not re-armed */
	assert_false(g.timers_armed[VGMP_TIMER_PEER_DEAD]);
}

/* Both standby after start: the higher priority wins at once; the loser
 * stays standby. */
static void test_election(void **state)
{
	(void)state;
	init(65001, false, 0, node_lo);
	start();
	hello(VGMP_STATE_STANDBY, 65000, node_hi);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	assert_int_equal(out.tr.reason, VGMP_REASON_ELECTION);

	init(65000, false, 0, node_hi);
	start();
	hello(VGMP_STATE_STANDBY, 65001, node_lo);
	assert_int_equal(g.state, VGMP_STATE_STANDBY);
	assert_false(out.transitioned);
	/* the peer goes active: we stay standby, no preemption */
	hello(VGMP_STATE_ACTIVE, 65001, node_lo);
	assert_int_equal(g.state, VGMP_STATE_STANDBY);
}

/* Equal priorities: the higher node id wins, on both sides alike. */
static void test_tie_break(void **state)
{
	(void)state;
	init(65000, false, 0, node_hi);
	start();
	hello(VGMP_STATE_STANDBY, 65000, node_lo);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	assert_true(vgmp_group_wins(&g));

	init(65000, false, 0, node_lo);
	start();
	hello(VGMP_STATE_STANDBY, 65000, node_hi);
	assert_int_equal(g.state, VGMP_STATE_STANDBY);
	assert_false(vgmp_group_wins(&g));
	/* both active (a healed partition): the higher id stays */
	init(65000, false, 0, node_lo);
	start();
	fire(VGMP_TIMER_PEER_DEAD); /* alone: active */
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	hello(VGMP_STATE_ACTIVE, 65000, node_hi);
	assert_int_equal(g.state, VGMP_STATE_STANDBY);
	assert_int_equal(out.tr.reason, VGMP_REASON_PEER_WINS);
	assert_int_equal(g.cnt.conflicts, 1);
}

/* Running priority: base minus penalties, never below 0; a change is
 * told at once (triggered hello); the active yields when it no longer
 * wins. */
static void test_priority_reduced(void **state)
{
	(void)state;
	init(65001, false, 0, node_lo);
	start();
	hello(VGMP_STATE_STANDBY, 65000, node_hi);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	/* one failure: 64999 < 65000 -> standby at once */
	vgmp_group_set_penalty(&g, 2, now, &out);
	assert_int_equal(g.priority, 64999);
	assert_int_equal(g.state, VGMP_STATE_STANDBY);
	assert_int_equal(out.tr.reason, VGMP_REASON_PRIORITY_REDUCED);
	assert_int_equal(count(VGMP_ACT_SEND_HELLO), 1);
	assert_true(has(VGMP_ACT_BECOME_STANDBY));
	/* arithmetic: never below zero */
	vgmp_group_set_penalty(&g, 70000, now, &out);
	assert_int_equal(g.priority, 0);
	/* the same penalty again: nothing */
	vgmp_group_set_penalty(&g, 70000, now, &out);
	assert_int_equal(out.n, 0);
}

/* A penalty that still leaves us ahead changes nothing but a hello. */
static void test_priority_reduced_still_wins(void **state)
{
	(void)state;
	init(65001, false, 0, node_lo);
	start();
	hello(VGMP_STATE_STANDBY, 64990, node_hi);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	vgmp_group_set_penalty(&g, 2, now, &out);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	assert_true(has(VGMP_ACT_SEND_HELLO));
	assert_false(out.transitioned);
}

/* The peer's priority rising above ours while we are active does not
 * make us yield: it is the peer's preemption, or nothing. */
static void test_peer_rises_no_yield(void **state)
{
	(void)state;
	init(65000, false, 0, node_hi);
	start();
	fire(VGMP_TIMER_PEER_DEAD);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	hello(VGMP_STATE_STANDBY, 65001, node_lo);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	/* it preempts: claims active with a higher priority */
	hello(VGMP_STATE_ACTIVE, 65001, node_lo);
	assert_int_equal(g.state, VGMP_STATE_STANDBY);
	assert_int_equal(out.tr.reason, VGMP_REASON_PEER_WINS);
}

/* Preemption: only with preempt, after the delay, cancelled if the
 * reason goes away, and held until the state backup is complete. */
static void test_preempt_delay(void **state)
{
	uint64_t t0;

	(void)state;
	init(65001, true, 5000, node_lo);
	start();
	hello(VGMP_STATE_ACTIVE, 65000, node_hi);
	assert_int_equal(g.state, VGMP_STATE_STANDBY);
	t0 = now;
	assert_int_equal(deadline(VGMP_TIMER_PREEMPT), t0 + 5000);
	assert_int_equal(g.cnt.preempt_delay_started, 1);
	/* hellos meanwhile do not restart the delay */
	now += 1000;
	hello(VGMP_STATE_ACTIVE, 65000, node_hi);
	assert_int_equal(g.timers_deadline[VGMP_TIMER_PREEMPT], t0 + 5000);
	/* early expiry: nothing */
	vgmp_group_timer_expired(&g, VGMP_TIMER_PREEMPT, t0 + 4000, &out);
	assert_int_equal(g.state, VGMP_STATE_STANDBY);
	fire(VGMP_TIMER_PREEMPT);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	assert_int_equal(out.tr.reason, VGMP_REASON_PREEMPT);
	assert_int_equal(now, t0 + 5000);

	/* the reason goes away during the delay: cancelled */
	init(65001, true, 5000, node_lo);
	start();
	hello(VGMP_STATE_ACTIVE, 65000, node_hi);
	assert_true(g.timers_armed[VGMP_TIMER_PREEMPT]);
	vgmp_group_set_penalty(&g, 10, now, &out);
	assert_false(g.timers_armed[VGMP_TIMER_PREEMPT]);
	assert_int_equal(g.cnt.preempt_delay_cancelled, 1);

	/* without preempt: never */
	init(65001, false, 0, node_lo);
	start();
	hello(VGMP_STATE_ACTIVE, 65000, node_hi);
	assert_false(g.timers_armed[VGMP_TIMER_PREEMPT]);
	assert_int_equal(g.state, VGMP_STATE_STANDBY);
}

static void test_preempt_waits_for_ready(void **state)
{
	(void)state;
	init(65001, true, 0, node_lo);
	vgmp_group_set_ready(&g, false, now, &out);
	start();
	hello(VGMP_STATE_ACTIVE, 65000, node_hi);
	assert_int_equal(g.state, VGMP_STATE_STANDBY);
	assert_int_equal(g.cnt.preempt_waiting_ready, 1);
	vgmp_group_set_ready(&g, true, now, &out);
	/* delay 0: at once */
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	assert_int_equal(out.tr.reason, VGMP_REASON_PREEMPT);
}

/* Peer death needs silence on both the heartbeat and the member links.
 * Hellos lost while adverts arrive: nothing moves (split-brain guard). */
static void test_peer_dead_and_guard(void **state)
{
	int i;

	(void)state;
	init(65000, false, 0, node_lo);
	start();
	hello(VGMP_STATE_ACTIVE, 65001, node_hi);
	assert_int_equal(deadline(VGMP_TIMER_PEER_DEAD), now + DEAD);
	/* heartbeat cut; adverts keep coming every 100 ms for 10 s */
	for (i = 0; i < 100; i++) {
		now += 100;
		vgmp_group_peer_advert(&g, now, &out);
		if (g.timers_armed[VGMP_TIMER_PEER_DEAD] &&
		    now >= g.timers_deadline[VGMP_TIMER_PEER_DEAD]) {
			vgmp_group_timer_expired(&g, VGMP_TIMER_PEER_DEAD, now,
						 &out);
			assert_int_equal(g.state, VGMP_STATE_STANDBY);
		}
	}
	assert_true(g.heartbeat_lost);
	assert_int_equal(g.cnt.split_brain_guard, 1);
	assert_false(g.peer_dead);
	assert_int_equal(g.state, VGMP_STATE_STANDBY);
	/* the adverts stop too: dead a dead interval after the last one
	 * (the timer, moved lazily, may fire once more before) */
	for (i = 0; i < 3 && g.state == VGMP_STATE_STANDBY; i++)
		fire(VGMP_TIMER_PEER_DEAD);
	assert_int_equal(now, g.last_advert_ms + DEAD);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	assert_int_equal(out.tr.reason, VGMP_REASON_PEER_DEAD);
	assert_int_equal(g.cnt.peer_deaths, 1);
}

/* The guard is reported once when it starts. */
/* A peer that dies sends adverts (more often than hellos) a little after
 * its last hello: those are not a live peer cut off the heartbeat. No
 * split-brain guard, dead a dead interval after the last advert. */
static void test_death_is_no_guard(void **state)
{
	(void)state;
	init(65000, false, 0, node_lo);
	start();
	hello(VGMP_STATE_ACTIVE, 65001, node_hi);
	now += 50;
	vgmp_group_peer_advert(&g, now, &out);
	fire(VGMP_TIMER_PEER_DEAD);
	assert_false(out.split_brain_guard);
	assert_false(g.heartbeat_lost);
	assert_int_equal(g.state, VGMP_STATE_STANDBY);
	fire(VGMP_TIMER_PEER_DEAD);
	assert_int_equal(now, g.last_advert_ms + DEAD);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	assert_int_equal(out.tr.reason, VGMP_REASON_PEER_DEAD);
	assert_int_equal(g.cnt.split_brain_guard, 0);
}

static void test_guard_reported(void **state)
{
	(void)state;
	init(65000, false, 0, node_lo);
	start();
	hello(VGMP_STATE_ACTIVE, 65001, node_hi);
	now += DEAD - 10;
	vgmp_group_peer_advert(&g, now, &out);
	fire(VGMP_TIMER_PEER_DEAD);
	assert_true(out.split_brain_guard);
	assert_int_equal(g.state, VGMP_STATE_STANDBY);
	/* a hello ends it */
	hello(VGMP_STATE_ACTIVE, 65001, node_hi);
	assert_false(g.heartbeat_lost);
}

/* Known only from adverts (heartbeat down from the start): the peer is
 * active and is never preempted. */
static void test_peer_from_adverts(void **state)
{
	(void)state;
	init(65001, true, 0, node_lo);
	start();
	vgmp_group_peer_advert(&g, now, &out);
	now += DEAD + 1;
	vgmp_group_peer_advert(&g, now, &out);
	fire(VGMP_TIMER_PEER_DEAD);
	assert_int_equal(g.state, VGMP_STATE_STANDBY);
	assert_false(g.timers_armed[VGMP_TIMER_PREEMPT]);
}

/* The peer left (shut down, hello says initialize): active at once. */
static void test_peer_left(void **state)
{
	(void)state;
	init(65000, false, 0, node_lo);
	start();
	hello(VGMP_STATE_ACTIVE, 65001, node_hi);
	hello(VGMP_STATE_INIT, 65001, node_hi);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	assert_int_equal(out.tr.reason, VGMP_REASON_PEER_LEFT);
}

/* Shutdown: initialize, timers cancelled, a last hello. */
static void test_shutdown(void **state)
{
	(void)state;
	init(65001, false, 0, node_lo);
	start();
	fire(VGMP_TIMER_PEER_DEAD);
	vgmp_group_shutdown(&g, now, &out);
	assert_int_equal(g.state, VGMP_STATE_INIT);
	assert_true(has(VGMP_ACT_SEND_HELLO));
	assert_true(has(VGMP_ACT_BECOME_STANDBY));
	assert_int_equal(out.tr.reason, VGMP_REASON_SHUTDOWN);
	/* events after shutdown do nothing */
	hello(VGMP_STATE_STANDBY, 1, node_hi);
	assert_int_equal(out.n, 0);
}

/* Operator switchover: refused with a reason, or handed over; the peer
 * takes it; we do not preempt it back. */
static void test_switchover(void **state)
{
	(void)state;
	init(65001, true, 0, node_lo);
	start();
	assert_int_equal(vgmp_group_switchover(&g, now, &out),
			 VGMP_SWITCHOVER_NOT_ACTIVE);
	hello_flags(VGMP_STATE_STANDBY, 65000, false, false, 0);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	assert_int_equal(vgmp_group_switchover(&g, now, &out),
			 VGMP_SWITCHOVER_PEER_NOT_READY);
	hello_flags(VGMP_STATE_STANDBY, 64998, true, false, 2);
	assert_int_equal(vgmp_group_switchover(&g, now, &out),
			 VGMP_SWITCHOVER_PEER_DEGRADED);
	hello_flags(VGMP_STATE_STANDBY, 65000, true, false, 0);
	assert_int_equal(vgmp_group_switchover(&g, now, &out),
			 VGMP_SWITCHOVER_OK);
	assert_int_equal(g.state, VGMP_STATE_STANDBY);
	assert_int_equal(out.tr.reason, VGMP_REASON_HANDOVER_OUT);
	assert_true(g.handover);
	assert_int_equal(vgmp_group_switchover(&g, now, &out),
			 VGMP_SWITCHOVER_BUSY);
	/* both standby now, and we win by priority: we must not claim it */
	hello_flags(VGMP_STATE_STANDBY, 65000, true, false, 0);
	assert_int_equal(g.state, VGMP_STATE_STANDBY);
	/* the peer takes it: no preemption back (hold) */
	hello_flags(VGMP_STATE_ACTIVE, 65000, true, false, 0);
	assert_false(g.handover);
	assert_true(g.preempt_hold);
	assert_int_equal(g.state, VGMP_STATE_STANDBY);
	assert_false(g.timers_armed[VGMP_TIMER_PREEMPT]);
	/* the peer fails and yields: election makes us active again */
	hello_flags(VGMP_STATE_STANDBY, 64998, true, false, 2);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	assert_false(g.preempt_hold);
}

/* The receiving side of a switchover, and a handover nobody takes. */
static void test_switchover_peer_side_and_timeout(void **state)
{
	(void)state;
	init(65000, false, 0, node_lo);
	start();
	hello(VGMP_STATE_ACTIVE, 65001, node_hi);
	/* the peer hands over: we take it though it has a higher priority */
	hello_flags(VGMP_STATE_STANDBY, 65001, true, true, 0);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	assert_int_equal(out.tr.reason, VGMP_REASON_HANDOVER_IN);

	/* nobody takes it: back after a dead interval */
	init(65001, false, 0, node_hi);
	start();
	hello(VGMP_STATE_STANDBY, 65000, node_lo);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	assert_int_equal(vgmp_group_switchover(&g, now, &out),
			 VGMP_SWITCHOVER_OK);
	now += 500;
	hello(VGMP_STATE_STANDBY, 65000, node_lo); /* it keeps refusing */
	fire(VGMP_TIMER_HANDOVER);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	assert_int_equal(out.tr.reason, VGMP_REASON_HANDOVER_FAILED);
}

/* Reconfiguration: a new base priority acts like a penalty change. */
/* This host sent nothing for longer than the peer waits (hsbd stopped)
 * and the peer's newest hello shows it active (it took over meanwhile):
 * an active group steps down instead of comparing priorities (both
 * active: the lower priority yields, and the peer would hand the group
 * back at once). Taking it back is a preemption, with its delay. On the
 * peer's side, the stalled host's adverts revive it without its stale
 * "active" counting. */
static void test_stalled(void **state)
{
	(void)state;
	init(65001, true, 2000, node_hi);
	start();
	hello(VGMP_STATE_STANDBY, 65000, node_lo);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	now += DEAD + HELLO; /* stopped */
	vgmp_group_stalled(&g, now, &out);
	assert_int_equal(g.state, VGMP_STATE_STANDBY);
	assert_true(out.transitioned);
	assert_int_equal(out.tr.reason, VGMP_REASON_STALLED);
	assert_true(has(VGMP_ACT_BECOME_STANDBY));
	assert_true(has(VGMP_ACT_SEND_HELLO));
	assert_int_equal(g.cnt.stalls, 1);
	assert_string_equal(vgmp_reason_name(VGMP_REASON_STALLED), "stalled");
	/* the peer's hello that showed it active */
	hello(VGMP_STATE_ACTIVE, 65000, node_lo);
	assert_int_equal(g.state, VGMP_STATE_STANDBY);
	assert_false(has(VGMP_ACT_BECOME_ACTIVE));
	assert_int_equal(g.cnt.conflicts, 0);
	/* and it is preempted back only after the delay */
	assert_int_equal(deadline(VGMP_TIMER_PREEMPT), now + 2000);
	fire(VGMP_TIMER_PREEMPT);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	assert_int_equal(out.tr.reason, VGMP_REASON_PREEMPT);

	/* without the step-down, the same hello makes the peer yield: the
	 * behaviour stalled() is there to avoid */
	init(65001, true, 2000, node_hi);
	start();
	hello(VGMP_STATE_STANDBY, 65000, node_lo);
	now += DEAD + HELLO;
	hello(VGMP_STATE_ACTIVE, 65000, node_lo);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	assert_int_equal(g.cnt.conflicts, 1);

	/* the peer's side: it took over from a stalled host (peer-dead);
	 * that host's VRRP adverts come back before its fresh hello. Its
	 * last hello ("active") is older than its silence: no reason to
	 * yield, even to a higher priority */
	init(65000, false, 0, node_lo);
	start();
	hello(VGMP_STATE_ACTIVE, 65001, node_hi);
	fire(VGMP_TIMER_PEER_DEAD);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	assert_int_equal(out.tr.reason, VGMP_REASON_PEER_DEAD);
	now += HELLO;
	vgmp_group_peer_advert(&g, now, &out);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	assert_false(out.transitioned);
	assert_int_equal(g.cnt.conflicts, 0);
	/* switchover needs a fresh hello too */
	assert_int_equal(vgmp_group_switchover(&g, now, &out),
			 VGMP_SWITCHOVER_PEER_DEAD);
	/* its fresh hello: stepped down */
	hello(VGMP_STATE_STANDBY, 65001, node_hi);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	/* had it stayed active, the fresh hello decides (rule 3) */
	hello(VGMP_STATE_ACTIVE, 65001, node_hi);
	assert_int_equal(g.state, VGMP_STATE_STANDBY);
	assert_int_equal(out.tr.reason, VGMP_REASON_PEER_WINS);

	/* nothing to do unless active */
	init(65000, false, 0, node_lo);
	start();
	vgmp_group_stalled(&g, now, &out);
	assert_int_equal(out.n, 0);
	assert_int_equal(g.state, VGMP_STATE_STANDBY);
	assert_int_equal(g.cnt.stalls, 0);
}

static void test_reconfigure(void **state)
{
	struct vgmp_group_config c;

	(void)state;
	init(65001, false, 0, node_lo);
	start();
	hello(VGMP_STATE_STANDBY, 65000, node_hi);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	c = g.cfg;
	c.priority = 64000;
	vgmp_group_reconfigure(&g, &c, now, &out);
	assert_int_equal(g.priority, 64000);
	assert_int_equal(g.state, VGMP_STATE_STANDBY);
	assert_true(has(VGMP_ACT_SEND_HELLO));
	/* a bad configuration is ignored */
	c.hello_ms = 0;
	vgmp_group_reconfigure(&g, &c, now, &out);
	assert_int_equal(g.cfg.hello_ms, HELLO);
	assert_int_equal(vgmp_group_init(&g, &c), -EINVAL);
}

/* A restarting peer's hold: silent past the dead interval, it is still
 * alive until the hold ends; a normal hello ends the hold; without one,
 * dead at the hold's end. */
static void test_peer_hold(void **state)
{
	struct vgmp_peer_group pg = { .state = VGMP_STATE_ACTIVE,
				      .priority = 65001,
				      .ready = true,
				      .hold_ms = 2 * DEAD };

	(void)state;
	init(65000, true, 0, node_lo);
	start();
	hello(VGMP_STATE_ACTIVE, 65001, node_hi);
	vgmp_group_rx_hello(&g, node_hi, &pg, now, &out);
	assert_int_equal(deadline(VGMP_TIMER_PEER_DEAD), now + 2 * DEAD);
	/* the dead interval passes: not dead */
	now += DEAD + 10;
	vgmp_group_timer_expired(&g, VGMP_TIMER_PEER_DEAD, now, &out);
	assert_int_equal(g.state, VGMP_STATE_STANDBY);
	assert_false(g.peer_dead);
	/* back within the hold: a normal hello, the usual interval again */
	now += 400;
	hello(VGMP_STATE_ACTIVE, 65001, node_hi);
	assert_int_equal(deadline(VGMP_TIMER_PEER_DEAD), now + DEAD);
	assert_int_equal(g.state, VGMP_STATE_STANDBY);
	/* a hold not followed by anything: dead when it ends */
	vgmp_group_rx_hello(&g, node_hi, &pg, now, &out);
	fire(VGMP_TIMER_PEER_DEAD);
	assert_int_equal(now, g.last_hello_ms + 2 * DEAD);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	assert_int_equal(out.tr.reason, VGMP_REASON_PEER_DEAD);
}

/* An agent restart: Initialize -> Active at once; the peer's standby
 * hello changes nothing; once only. */
static void test_resume(void **state)
{
	(void)state;
	init(65001, true, 2000, node_hi);
	vgmp_group_resume(&g, now, &out);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	assert_true(has(VGMP_ACT_BECOME_ACTIVE));
	assert_true(has(VGMP_ACT_SEND_HELLO));
	assert_int_equal(out.tr.from, VGMP_STATE_INIT);
	assert_int_equal(out.tr.reason, VGMP_REASON_RESUME);
	assert_int_equal(deadline(VGMP_TIMER_PEER_DEAD), now + DEAD);
	now += 50;
	hello(VGMP_STATE_STANDBY, 65000, node_lo);
	assert_int_equal(g.state, VGMP_STATE_ACTIVE);
	assert_false(out.transitioned);
	vgmp_group_resume(&g, now, &out);
	assert_int_equal(out.n, 0);
	vgmp_group_start(&g, now, &out);
	assert_int_equal(out.n, 0);
	assert_int_equal(count(VGMP_ACT_BECOME_STANDBY), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_peer),
		cmocka_unit_test(test_election),
		cmocka_unit_test(test_tie_break),
		cmocka_unit_test(test_priority_reduced),
		cmocka_unit_test(test_priority_reduced_still_wins),
		cmocka_unit_test(test_peer_rises_no_yield),
		cmocka_unit_test(test_preempt_delay),
		cmocka_unit_test(test_preempt_waits_for_ready),
		cmocka_unit_test(test_peer_dead_and_guard),
		cmocka_unit_test(test_death_is_no_guard),
		cmocka_unit_test(test_guard_reported),
		cmocka_unit_test(test_peer_from_adverts),
		cmocka_unit_test(test_peer_left),
		cmocka_unit_test(test_shutdown),
		cmocka_unit_test(test_switchover),
		cmocka_unit_test(test_switchover_peer_side_and_timeout),
		cmocka_unit_test(test_stalled),
		cmocka_unit_test(test_reconfigure),
		cmocka_unit_test(test_peer_hold),
		cmocka_unit_test(test_resume),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
