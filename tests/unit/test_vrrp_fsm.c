// SPDX-License-Identifier: GPL-2.0-only
/* VRRP state machine, RFC 5798 §6.4 rule by rule, on a fake clock (plain
 * integers in ms: the engine never reads a clock). Adverts are fed through
 * the real codec (encode, then decode) so each test also exercises the
 * path the daemon will use.
 *
 * Timer values are computed independently of the engine: either written
 * out by hand (skew = floor((256 - P) * I_cs * 10 / 256) ms, truncating
 * toward zero; e.g. P = 100, I = 100 cs: 156000 / 256 = 609.375 -> 609 ms,
 * Master_Down_Interval = 3000 + 609 = 3609 ms), or with floating point,
 * which is exact here because dividing an integer below 2^53 by 256 is
 * exact in binary (the float is truncated by a cast, i.e. floored). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "vrrp_fsm.h"

/* --- harness -------------------------------------------------------------- */

static struct vrrp_addr A(const char *s) {
	uint8_t b[16];
	int fam = strchr(s, ':') ? AF_INET6 : AF_INET;

	assert_int_equal(inet_pton(fam, s, b), 1);
	return vrrp_addr_make(fam, b);
}

/* IPv4 VRRPv3, VRID 1, VIP 192.0.2.1, our primary 192.0.2.10, preempt on. */
static struct vrrp_fsm_config
cfg4(unsigned int prio, unsigned int adv_cs)
{
	struct vrrp_fsm_config c;

	memset(&c, 0, sizeof(c));
	c.vrid = 1;
	c.version = 3;
	c.family = AF_INET;
	c.priority = (uint8_t)prio;
	c.advert_cs = (uint16_t)adv_cs;
	c.preempt = true;
	c.vips[0] = A("192.0.2.1");
	c.n_vips = 1;
	c.primary = A("192.0.2.10");
	return c;
}

static void init_ok(struct vrrp_fsm *f, const struct vrrp_fsm_config *c)
{
	assert_int_equal(vrrp_fsm_init(f, c), 0);
}

/* IPv6 VRRPv3, VRID 1, VIP fe80::1 (the link-local one, listed first),
 * our link-local address `primary`, preempt on. */
static struct vrrp_fsm_config cfg6(unsigned int prio, unsigned int adv_cs,
				   const char *primary)
{
	struct vrrp_fsm_config c = cfg4(prio, adv_cs);

	c.family = AF_INET6;
	c.vips[0] = A("fe80::1");
	c.n_vips = 1;
	c.primary = A(primary);
	return c;
}

/* How many actions of type t out holds. */
static uint64_t n_acts(const struct vrrp_actions *out, enum vrrp_action_type t)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < out->n; i++)
		n += out->v[i].type == t;
	return n;
}

/* Fire the Adver_Timer if it is due at t; the adverts it sent. */
static uint64_t adver_if_due(struct vrrp_fsm *f, uint64_t t)
{
	struct vrrp_actions out;

	if (!f->timers[VRRP_TIMER_ADVER].armed ||
	    f->timers[VRRP_TIMER_ADVER].deadline_ms > t)
		return 0;
	vrrp_fsm_timer_expired(f, VRRP_TIMER_ADVER, t, &out);
	return n_acts(&out, VRRP_ACT_SEND_ADVERT);
}

/* An advert as the socket layer will hand it over. */
struct rx {
	uint8_t buf[VRRP_MAX_MSG_LEN];
	struct vrrp_advert adv;
};

static const struct vrrp_advert *
mk_advert_ex(struct rx *r, unsigned int version, unsigned int vrid,
	     const char *src, unsigned int prio, unsigned int adv_cs,
	     const char *const *vips, unsigned int n)
{
	struct vrrp_addr a[8];
	struct vrrp_rx_meta m;
	struct vrrp_tx tx;
	unsigned int i;
	int len;

	memset(&m, 0, sizeof(m));
	m.src = A(src);
	m.dst = m.src.family == AF_INET ? A("224.0.0.18") : A("ff02::12");
	m.ttl = 255;
	for (i = 0; i < n; i++)
		a[i] = A(vips[i]);
	memset(&tx, 0, sizeof(tx));
	tx.version = (uint8_t)version;
	tx.vrid = (uint8_t)vrid;
	tx.priority = (uint8_t)prio;
	tx.adver_cs = (uint16_t)adv_cs;
	tx.addrs = a;
	tx.n_addrs = n;
	tx.src = m.src;
	tx.dst = m.dst;
	len = vrrp_encode(&tx, r->buf, sizeof(r->buf));
	assert_true(len > 0);
	assert_int_equal(vrrp_decode(r->buf, (size_t)len, &m, &r->adv),
			 VRRP_RX_OK);
	return &r->adv;
}

static const char *const vip1[] = { "192.0.2.1" };

/* v3, VRID 1, VIP 192.0.2.1: the matching advert. */
static const struct vrrp_advert *
mk_advert(struct rx *r, const char *src, unsigned int prio, unsigned int adv_cs)
{
	return mk_advert_ex(r, 3, 1, src, prio, adv_cs, vip1, 1);
}

struct exp {
	enum vrrp_action_type type;
	unsigned int arg; /* priority or timer */
	uint64_t at; /* ARM deadline */
};

#define E(t)                       \
	{                          \
		VRRP_ACT_##t, 0, 0 \
	}
#define E_SEND(p)                            \
	{                                    \
		VRRP_ACT_SEND_ADVERT, (p), 0 \
	}
#define E_ARM(t, d)                                     \
	{                                               \
		VRRP_ACT_ARM_TIMER, VRRP_TIMER_##t, (d) \
	}
#define E_CANCEL(t)                                      \
	{                                                \
		VRRP_ACT_CANCEL_TIMER, VRRP_TIMER_##t, 0 \
	}
#define EXPECT(out, ...)                                              \
	do {                                                          \
		const struct exp e_[] = { __VA_ARGS__ };              \
		expect_actions((out), e_, sizeof(e_) / sizeof(e_[0]), \
			       __LINE__);                             \
	} while (0)
#define EXPECT_NONE(out) expect_actions((out), NULL, 0, __LINE__)

static void dump_actions(const struct vrrp_actions *out)
{
	unsigned int i;

	for (i = 0; i < out->n; i++) {
		const struct vrrp_action *a = &out->v[i];

		print_message("    %u: %s prio=%u timer=%s at=%llu\n", i,
			      vrrp_action_name(a->type), a->priority,
			      vrrp_timer_name(a->timer),
			      (unsigned long long)a->deadline_ms);
	}
}

static void expect_actions(const struct vrrp_actions *out, const struct exp *e,
			   unsigned int n, int line)
{
	unsigned int i;
	bool ok = out->n == n;

	for (i = 0; ok && i < n; i++) {
		const struct vrrp_action *a = &out->v[i];

		ok = a->type == e[i].type;
		if (ok && a->type == VRRP_ACT_SEND_ADVERT)
			ok = a->priority == e[i].arg;
		if (ok && (a->type == VRRP_ACT_ARM_TIMER ||
			   a->type == VRRP_ACT_CANCEL_TIMER))
			ok = a->timer == (enum vrrp_timer)e[i].arg;
		if (ok && a->type == VRRP_ACT_ARM_TIMER)
			ok = a->deadline_ms == e[i].at;
	}
	if (!ok) {
		print_message("line %d: expected %u actions, got:\n", line, n);
		dump_actions(out);
		fail_msg("unexpected actions (line %d)", line);
	}
}

static void expect_tr(const struct vrrp_actions *out, enum vrrp_state from,
		      enum vrrp_state to, enum vrrp_reason why, uint64_t at)
{
	assert_true(out->transitioned);
	assert_int_equal(out->tr.from, from);
	assert_int_equal(out->tr.to, to);
	assert_int_equal(out->tr.reason, why);
	assert_int_equal(out->tr.at_ms, at);
}

/* Start a non-owner at t and check it went Backup; returns the
 * Master_Down deadline. */
static uint64_t start_backup(struct vrrp_fsm *f, uint64_t t)
{
	struct vrrp_actions out;

	assert_int_equal(vrrp_fsm_start(f, t, &out), 0);
	assert_int_equal(f->state, VRRP_STATE_BACKUP);
	assert_true(f->timers[VRRP_TIMER_MASTER_DOWN].armed);
	return f->timers[VRRP_TIMER_MASTER_DOWN].deadline_ms;
}

/* Start, let Master_Down expire: Master. Returns the time. */
static uint64_t make_master(struct vrrp_fsm *f, uint64_t t)
{
	struct vrrp_actions out;
	uint64_t at = start_backup(f, t);

	assert_int_equal(
		vrrp_fsm_timer_expired(f, VRRP_TIMER_MASTER_DOWN, at, &out), 0);
	assert_int_equal(f->state, VRRP_STATE_MASTER);
	return at;
}

/* --- timer arithmetic ----------------------------------------------------------- */

static void test_timer_arithmetic_table(void **state)
{
	static const struct {
		unsigned int ver, prio, ivl_cs, skew, mdi;
	} t[] = {
		/* (256 - P) * I * 10 / 256, truncated; MDI = 30 * I + skew */
		{ 3, 100, 100, 609, 3609 }, /* 609.375 */
		{ 3, 200, 100, 218, 3218 }, /* 218.75 */
		{ 3, 255, 100, 3, 3003 }, /* 3.90625 */
		{ 3, 200, 50, 109, 1609 }, /* 109.375 */
		{ 3, 100, 50, 304, 1804 }, /* 304.6875 */
		{ 3, 100, 200, 1218, 7218 }, /* 1218.75 */
		{ 3, 254, 1, 0, 30 }, /* 10 ms minimum: 0.078125 */
		{ 3, 1, 1, 9, 39 }, /* 9.9609375 */
		{ 3, 1, 4095, 40790, 163640 }, /* 12-bit max: 40790.039 */
		/* v2 (RFC 3768 §6.1): (256 - P) / 256 s, whatever I */
		{ 2, 100, 100, 609, 3609 },
		{ 2, 100, 200, 609, 6609 },
		{ 2, 200, 100, 218, 3218 },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(vrrp_skew_ms(t[i].ver, t[i].prio, t[i].ivl_cs),
				 t[i].skew);
		assert_int_equal(vrrp_master_down_ms(t[i].ver, t[i].prio,
						     t[i].ivl_cs),
				 t[i].mdi);
	}
}

static void test_timer_arithmetic_sweep(void **state)
{
	unsigned int prio, ivl;

	(void)state;
	for (prio = 1; prio <= 255; prio++)
		for (ivl = 1; ivl <= 4095; ivl += (ivl < 300 ? 1 : 37)) {
			double exact = (256.0 - prio) * ivl * 10.0 / 256.0;
			/* exact >= 0: the cast truncates, i.e. floors */
			uint32_t skew = (uint32_t)exact;

			assert_int_equal(vrrp_skew_ms(3, prio, ivl), skew);
			assert_int_equal(vrrp_master_down_ms(3, prio, ivl),
					 30 * ivl + skew);
			/* never more than the exact value, < 1 ms below */
			assert_true(skew <= exact && exact - skew < 1.0);
		}
}

/* --- §6.4.1 Initialize ------------------------------------------------------ */

static void test_init_to_backup(void **state)
{
	struct vrrp_fsm_config c = cfg4(100, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;

	(void)state;
	init_ok(&f, &c);
	assert_int_equal(f.state, VRRP_STATE_INIT);
	assert_int_equal(vrrp_fsm_start(&f, 1000, &out), 0);
	/* Master_Adver_Interval = Advertisement_Interval; Master_Down_Timer
	 * = 3 * 1000 + 609 ms */
	EXPECT(&out, E(BECOME_BACKUP), E(REMOVE_VIPS),
	       E_ARM(MASTER_DOWN, 1000 + 3609));
	expect_tr(&out, VRRP_STATE_INIT, VRRP_STATE_BACKUP, VRRP_REASON_STARTUP,
		  1000);
	assert_int_equal(f.master_adver_cs, 100);
	assert_int_equal(f.cnt.adverts_tx, 0);
	/* a second Startup changes nothing */
	assert_int_equal(vrrp_fsm_start(&f, 1500, &out), 0);
	EXPECT_NONE(&out);
	assert_false(out.transitioned);
}

static void test_init_owner_to_master(void **state)
{
	struct vrrp_fsm_config c = cfg4(255, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;

	(void)state;
	init_ok(&f, &c);
	assert_true(vrrp_fsm_is_owner(&f));
	assert_int_equal(vrrp_fsm_start(&f, 1000, &out), 0);
	/* §6.4.1 Priority = 255: advert, GARP, Adver_Timer, Master at once */
	EXPECT(&out, E(ADD_VIPS), E(BECOME_MASTER), E_SEND(255),
	       E(SEND_GARP_BURST), E_ARM(ADVER, 2000));
	expect_tr(&out, VRRP_STATE_INIT, VRRP_STATE_MASTER, VRRP_REASON_STARTUP,
		  1000);
	assert_int_equal(f.cnt.become_master, 1);
	assert_int_equal(f.cnt.adverts_tx, 1);
	assert_false(f.timers[VRRP_TIMER_MASTER_DOWN].armed);
}

/* --- §6.4.2 Backup ---------------------------------------------------------- */

static void test_backup_master_down_exact(void **state)
{
	static const unsigned int prios[] = { 1, 100, 200, 254 };
	static const unsigned int ivls[] = { 1, 2, 100, 4095 };
	unsigned int i, j;

	(void)state;
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++) {
			struct vrrp_fsm_config c = cfg4(prios[i], ivls[j]);
			uint64_t mdi = 30ull * ivls[j] +
				       (256 - prios[i]) * ivls[j] * 10 / 256;
			uint64_t t0 = 5000, at;
			struct vrrp_fsm f;
			struct vrrp_actions out;

			init_ok(&f, &c);
			at = start_backup(&f, t0);
			assert_int_equal(at, t0 + mdi);
			/* 1 ms early: a stale expiry does nothing */
			assert_int_equal(vrrp_fsm_timer_expired(
						 &f, VRRP_TIMER_MASTER_DOWN,
						 at - 1, &out),
					 0);
			EXPECT_NONE(&out);
			assert_int_equal(f.state, VRRP_STATE_BACKUP);
			/* on time: takeover, in the documented order */
			assert_int_equal(vrrp_fsm_timer_expired(
						 &f, VRRP_TIMER_MASTER_DOWN, at,
						 &out),
					 0);
			EXPECT(&out, E(ADD_VIPS), E(BECOME_MASTER),
			       E_SEND(prios[i]), E(SEND_GARP_BURST),
			       E_ARM(ADVER, at + 10ull * ivls[j]));
			expect_tr(&out, VRRP_STATE_BACKUP, VRRP_STATE_MASTER,
				  VRRP_REASON_MASTER_DOWN, at);
		}
}

static void test_backup_higher_priority_resets_and_learns(void **state)
{
	struct vrrp_fsm_config c = cfg4(100, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct rx r;

	(void)state;
	init_ok(&f, &c);
	start_backup(&f, 1000);
	assert_int_equal(
		vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.20", 150, 100),
				   3000, &out),
		VRRP_RX_OK);
	/* reset to Master_Down_Interval from now */
	EXPECT(&out, E_ARM(MASTER_DOWN, 3000 + 3609));
	assert_false(out.transitioned);
	assert_false(out.interval_mismatch);
	assert_true(f.master_known);
	assert_int_equal(f.master_priority, 150);

	/* the master advertises 50 cs: Backup learns it (v3):
	 * 3 * 500 + (156 * 500 / 256 = 304.69 -> 304) = 1804 */
	assert_int_equal(
		vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.20", 150, 50),
				   4000, &out),
		VRRP_RX_OK);
	EXPECT(&out, E_ARM(MASTER_DOWN, 4000 + 1804));
	assert_int_equal(f.master_adver_cs, 50);
	assert_true(out.interval_mismatch);
	assert_int_equal(f.cnt.interval_mismatch, 1);
	assert_int_equal(f.cnt.adverts_rx, 2);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
}

static void test_backup_equal_priority_resets(void **state)
{
	struct vrrp_fsm_config c = cfg4(100, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct rx r;

	(void)state;
	init_ok(&f, &c);
	start_backup(&f, 0);
	/* preempt on, equal priority (even from a lower address): §6.4.2
	 * "greater than or equal to the local Priority" -> reset */
	vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.5", 100, 100), 2000,
			   &out);
	EXPECT(&out, E_ARM(MASTER_DOWN, 2000 + 3609));
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
}

static void test_backup_lower_priority_preempt_discards(void **state)
{
	struct vrrp_fsm_config c = cfg4(200, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct rx r;
	uint64_t md;

	(void)state;
	init_ok(&f, &c);
	md = start_backup(&f, 0);
	assert_int_equal(md, 3218);
	/* Preempt_Mode true, lower priority: discard; the timer is not
	 * touched, so it runs out and we preempt */
	assert_int_equal(
		vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.20", 100, 100),
				   1000, &out),
		VRRP_RX_OK);
	EXPECT_NONE(&out);
	vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.20", 100, 100), 2000,
			   &out);
	EXPECT_NONE(&out);
	assert_false(f.master_known);
	assert_int_equal(f.timers[VRRP_TIMER_MASTER_DOWN].deadline_ms, md);
	vrrp_fsm_timer_expired(&f, VRRP_TIMER_MASTER_DOWN, md, &out);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	expect_tr(&out, VRRP_STATE_BACKUP, VRRP_STATE_MASTER,
		  VRRP_REASON_MASTER_DOWN, md);
}

static void test_backup_lower_priority_no_preempt_resets(void **state)
{
	struct vrrp_fsm_config c = cfg4(200, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct rx r;
	uint64_t t;

	(void)state;
	c.preempt = false;
	init_ok(&f, &c);
	start_backup(&f, 0);
	/* Preempt_Mode false: any advert resets; we never take over from a
	 * live master, however low its priority */
	for (t = 1000; t <= 60000; t += 1000) {
		vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.20", 1, 100), t,
				   &out);
		EXPECT(&out, E_ARM(MASTER_DOWN, t + 3218));
		assert_int_equal(vrrp_fsm_timer_expired(
					 &f, VRRP_TIMER_MASTER_DOWN, t, &out),
				 0);
		EXPECT_NONE(&out);
	}
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	assert_int_equal(f.cnt.become_master, 0);
}

static void test_backup_priority_zero_skew(void **state)
{
	struct vrrp_fsm_config c = cfg4(100, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct rx r;

	(void)state;
	init_ok(&f, &c);
	start_backup(&f, 0);
	vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.20", 150, 100), 1000,
			   &out);
	/* §6.4.2: priority 0 -> Master_Down_Timer = Skew_Time (609 ms) */
	assert_int_equal(vrrp_fsm_rx_advert(&f,
					    mk_advert(&r, "192.0.2.20", 0, 100),
					    1500, &out),
			 VRRP_RX_OK);
	EXPECT(&out, E_ARM(MASTER_DOWN, 1500 + 609));
	assert_int_equal(f.cnt.prio0_rx, 1);
	vrrp_fsm_timer_expired(&f, VRRP_TIMER_MASTER_DOWN, 2109, &out);
	EXPECT(&out, E(ADD_VIPS), E(BECOME_MASTER), E_SEND(100),
	       E(SEND_GARP_BURST), E_ARM(ADVER, 3109));
	expect_tr(&out, VRRP_STATE_BACKUP, VRRP_STATE_MASTER,
		  VRRP_REASON_MASTER_RELEASED, 2109);
}

/* Skew_Time on priority 0 uses the learned Master_Adver_Interval. */
static void test_backup_priority_zero_learned_interval(void **state)
{
	struct vrrp_fsm_config c = cfg4(200, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct rx r;

	(void)state;
	init_ok(&f, &c);
	start_backup(&f, 0);
	vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.20", 250, 400), 1000,
			   &out);
	/* 3 * 4000 + 56 * 4000 / 256 = 12000 + 875 */
	EXPECT(&out, E_ARM(MASTER_DOWN, 1000 + 12875));
	vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.20", 0, 400), 5000, &out);
	EXPECT(&out, E_ARM(MASTER_DOWN, 5000 + 875));
}

/* --- §6.4.3 Master ------------------------------------------------------------ */

static void test_master_adver_timer(void **state)
{
	struct vrrp_fsm_config c = cfg4(100, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;
	uint64_t t;

	(void)state;
	init_ok(&f, &c);
	t = make_master(&f, 0);
	assert_int_equal(f.timers[VRRP_TIMER_ADVER].deadline_ms, t + 1000);
	vrrp_fsm_timer_expired(&f, VRRP_TIMER_ADVER, t + 999, &out);
	EXPECT_NONE(&out);
	vrrp_fsm_timer_expired(&f, VRRP_TIMER_ADVER, t + 1000, &out);
	EXPECT(&out, E_SEND(100), E_ARM(ADVER, t + 2000));
	assert_false(out.transitioned);
	/* the wrong timer kind, never armed in Master: stale */
	vrrp_fsm_timer_expired(&f, VRRP_TIMER_MASTER_DOWN, t + 5000, &out);
	EXPECT_NONE(&out);
	assert_int_equal(vrrp_fsm_timer_expired(&f, VRRP_TIMER__COUNT, t, &out),
			 -EINVAL);
}

static void test_master_higher_priority_to_backup(void **state)
{
	struct vrrp_fsm_config c = cfg4(100, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct rx r;
	uint64_t t;

	(void)state;
	init_ok(&f, &c);
	t = make_master(&f, 0) + 300;
	/* the better master advertises 200 cs: learned, then
	 * 3 * 2000 + 156 * 2000 / 256 (1218.75) = 7218 */
	assert_int_equal(
		vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.20", 150, 200), t,
				   &out),
		VRRP_RX_OK);
	EXPECT(&out, E_CANCEL(ADVER), E(BECOME_BACKUP), E(REMOVE_VIPS),
	       E_ARM(MASTER_DOWN, t + 7218));
	expect_tr(&out, VRRP_STATE_MASTER, VRRP_STATE_BACKUP,
		  VRRP_REASON_HIGHER_PRIORITY, t);
	assert_int_equal(f.master_adver_cs, 200);
	assert_false(f.timers[VRRP_TIMER_ADVER].armed);
	assert_int_equal(f.cnt.adverts_tx, 1); /* nothing extra sent */
}

static void test_master_equal_priority_tie_break(void **state)
{
	struct vrrp_fsm_config c = cfg4(100, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct rx r;
	uint64_t t;

	(void)state;
	/* primary 192.0.2.100; 192.0.2.99 is lower: discard */
	c.primary = A("192.0.2.100");
	init_ok(&f, &c);
	t = make_master(&f, 0) + 10;
	vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.99", 100, 100), t, &out);
	/* the loser is answered at once (see master_rx) */
	EXPECT(&out, E_SEND(100), E(SEND_GARP_ROUND), E_ARM(ADVER, t + 1000));
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	/* 192.0.2.200 is higher as unsigned bytes (0xc8 > 0x64): Backup */
	vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.200", 100, 100), t + 1,
			   &out);
	EXPECT(&out, E_CANCEL(ADVER), E(BECOME_BACKUP), E(REMOVE_VIPS),
	       E_ARM(MASTER_DOWN, t + 1 + 3609));
	expect_tr(&out, VRRP_STATE_MASTER, VRRP_STATE_BACKUP,
		  VRRP_REASON_HIGHER_ADDRESS, t + 1);
}

static void test_master_ipv6_tie_break(void **state)
{
	static const char *const v6vip[] = { "fe80::1" };
	struct vrrp_fsm_config c = cfg6(100, 100, "fe80::8000");
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct rx r;
	uint64_t t;

	(void)state;
	init_ok(&f, &c);
	t = make_master(&f, 0);
	vrrp_fsm_rx_advert(
		&f, mk_advert_ex(&r, 3, 1, "fe80::7fff", 100, 100, v6vip, 1), t,
		&out);
	EXPECT(&out, E_SEND(100), E(SEND_GARP_ROUND), E_ARM(ADVER, t + 1000));
	vrrp_fsm_rx_advert(
		&f, mk_advert_ex(&r, 3, 1, "fe80::8001", 100, 100, v6vip, 1), t,
		&out);
	expect_tr(&out, VRRP_STATE_MASTER, VRRP_STATE_BACKUP,
		  VRRP_REASON_HIGHER_ADDRESS, t);
}

static void test_master_lower_priority_discards(void **state)
{
	struct vrrp_fsm_config c = cfg4(100, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct rx r;
	uint64_t t;

	(void)state;
	init_ok(&f, &c);
	t = make_master(&f, 0);
	assert_int_equal(
		vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.250", 99, 100),
				   t + 5, &out),
		VRRP_RX_OK);
	/* RFC 5798 says discard; a loser that briefly was Master has sent
	 * GARPs, so we answer at once: advert, one GARP round, timer
	 * restarted */
	EXPECT(&out, E_SEND(100), E(SEND_GARP_ROUND), E_ARM(ADVER, t + 1005));
	assert_int_equal(f.cnt.reasserts, 1);
	/* at most once per Advertisement_Interval: a flood gets nothing */
	vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.250", 99, 100), t + 500,
			   &out);
	EXPECT_NONE(&out);
	assert_int_equal(f.cnt.reasserts_suppressed, 1);
	assert_int_equal(f.timers[VRRP_TIMER_ADVER].deadline_ms, t + 1005);
	vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.250", 99, 100), t + 1005,
			   &out);
	EXPECT(&out, E_SEND(100), E(SEND_GARP_ROUND), E_ARM(ADVER, t + 2005));
	assert_int_equal(f.cnt.reasserts, 2);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
}

/* A standoff: a lower-priority peer that never hears us stays Master and
 * keeps advertising (here every 10 ms, faster than our 100 ms interval,
 * for 7 s). We answer each interval at most once, with an advert and one
 * GARP/NA round - never a whole burst (garp count rounds) per answer,
 * which made 3 GARP rounds per interval - and count what we left
 * unanswered. */
static void test_master_reassert_standoff_bounded(void **state)
{
	struct vrrp_fsm_config c = cfg4(150, 10);
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct rx r;
	uint64_t t0, t, adverts = 0, rounds = 0, bursts = 0, rx = 0;

	(void)state;
	init_ok(&f, &c);
	t0 = make_master(&f, 0);
	mk_advert(&r, "192.0.2.20", 100, 10);
	for (t = t0 + 1; t <= t0 + 7000; t++) {
		adverts += adver_if_due(&f, t);
		if (t % 10)
			continue;
		rx++;
		vrrp_fsm_rx_advert(&f, &r.adv, t, &out);
		adverts += n_acts(&out, VRRP_ACT_SEND_ADVERT);
		rounds += n_acts(&out, VRRP_ACT_SEND_GARP_ROUND);
		bursts += n_acts(&out, VRRP_ACT_SEND_GARP_BURST);
		assert_int_equal(f.state, VRRP_STATE_MASTER);
	}
	/* 7000 ms at 100 ms: 70 answers, each one round */
	assert_int_equal(f.cnt.reasserts, 70);
	assert_int_equal(rounds, 70);
	assert_int_equal(bursts, 0);
	assert_int_equal(f.cnt.reasserts_suppressed, rx - 70);
	/* an answer restarts the Adver_Timer: with the scheduled advert at
	 * most two per interval */
	assert_true(adverts <= 2 * 70 + 1);
}

static void test_master_priority_zero_sends(void **state)
{
	struct vrrp_fsm_config c = cfg4(100, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct rx r;
	uint64_t t;

	(void)state;
	init_ok(&f, &c);
	t = make_master(&f, 0) + 400;
	vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.20", 0, 100), t, &out);
	/* §6.4.3: send an advert now, reset Adver_Timer */
	EXPECT(&out, E_SEND(100), E_ARM(ADVER, t + 1000));
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	assert_int_equal(f.cnt.prio0_rx, 1);
}

/* §6.4.3 answers a priority-0 advert at once; a peer sending nothing but
 * priority 0 must not get one advert back for each (docs/vrrp.md: a
 * misbehaving peer cannot make it flood). 2000 of them in 2 s, one every
 * ms, at a 1 s interval: the replies and the scheduled adverts together
 * stay at one per interval, the rest counted. */
static void test_master_priority_zero_flood(void **state)
{
	struct vrrp_fsm_config c = cfg4(100, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct rx r;
	uint64_t t0, t, sent = 0, tx0;
	unsigned int i;

	(void)state;
	init_ok(&f, &c);
	t0 = make_master(&f, 0);
	tx0 = f.cnt.adverts_tx;
	mk_advert(&r, "192.0.2.20", 0, 100);
	for (i = 0; i < 2000; i++) {
		t = t0 + 1 + i;
		sent += adver_if_due(&f, t);
		vrrp_fsm_rx_advert(&f, &r.adv, t, &out);
		sent += n_acts(&out, VRRP_ACT_SEND_ADVERT);
		assert_int_equal(f.state, VRRP_STATE_MASTER);
	}
	/* t0 + 1: the first is answered at once; then one per 1000 ms */
	assert_int_equal(f.cnt.prio0_rx, 2000);
	assert_true(sent <= 3);
	assert_int_equal(f.cnt.adverts_tx - tx0, sent);
	assert_int_equal(f.cnt.prio0_replies_suppressed, 2000 - 2);
	/* the Adver_Timer was never starved: it is due within an interval */
	assert_true(f.timers[VRRP_TIMER_ADVER].armed);
	assert_true(f.timers[VRRP_TIMER_ADVER].deadline_ms <= t + 1000);
}

/* --- Shutdown -------------------------------------------------------------------- */

static void test_shutdown_from_master(void **state)
{
	struct vrrp_fsm_config c = cfg4(100, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct rx r;
	uint64_t t;
	unsigned int i;

	(void)state;
	init_ok(&f, &c);
	t = make_master(&f, 0) + 10;
	assert_int_equal(vrrp_fsm_shutdown(&f, t, &out), 0);
	/* stop answering, then priority 0, then remove the VIPs */
	EXPECT(&out, E_CANCEL(ADVER), E(BECOME_INIT), E_SEND(0),
	       E(REMOVE_VIPS));
	expect_tr(&out, VRRP_STATE_MASTER, VRRP_STATE_INIT,
		  VRRP_REASON_SHUTDOWN, t);
	assert_int_equal(f.cnt.prio0_tx, 1);
	for (i = 0; i < VRRP_TIMER__COUNT; i++)
		assert_false(f.timers[i].armed);
	/* Initialize ignores adverts */
	assert_int_equal(
		vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.20", 150, 100),
				   t + 1, &out),
		VRRP_RX_NOT_RUNNING);
	EXPECT_NONE(&out);
	assert_int_equal(f.cnt.rx_rejected[VRRP_RX_NOT_RUNNING], 1);
	/* restart */
	vrrp_fsm_start(&f, t + 100, &out);
	expect_tr(&out, VRRP_STATE_INIT, VRRP_STATE_BACKUP, VRRP_REASON_STARTUP,
		  t + 100);
}

static void test_shutdown_from_backup_and_init(void **state)
{
	struct vrrp_fsm_config c = cfg4(100, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;

	(void)state;
	init_ok(&f, &c);
	vrrp_fsm_shutdown(&f, 0, &out); /* from Initialize: nothing */
	EXPECT_NONE(&out);
	start_backup(&f, 0);
	vrrp_fsm_shutdown(&f, 50, &out);
	EXPECT(&out, E_CANCEL(MASTER_DOWN), E(BECOME_INIT));
	expect_tr(&out, VRRP_STATE_BACKUP, VRRP_STATE_INIT,
		  VRRP_REASON_SHUTDOWN, 50);
	assert_int_equal(f.cnt.prio0_tx, 0);
	/* a stale Master_Down expiry after shutdown does nothing */
	vrrp_fsm_timer_expired(&f, VRRP_TIMER_MASTER_DOWN, 3609, &out);
	EXPECT_NONE(&out);
}

static void test_shutdown_owner(void **state)
{
	struct vrrp_fsm_config c = cfg4(255, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;

	(void)state;
	init_ok(&f, &c);
	vrrp_fsm_start(&f, 0, &out);
	vrrp_fsm_shutdown(&f, 100, &out);
	EXPECT(&out, E_CANCEL(ADVER), E(BECOME_INIT), E_SEND(0),
	       E(REMOVE_VIPS));
}

/* --- preempt delay (hsb extension) ------------------------------------------------ */

static void test_preempt_delay_takes_over_at_deadline(void **state)
{
	struct vrrp_fsm_config c = cfg4(200, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct rx r;
	uint64_t t;

	(void)state;
	c.preempt_delay_cs = 500; /* 5 s */
	init_ok(&f, &c);
	start_backup(&f, 0);
	/* a lower-priority master: delay starts; meanwhile its adverts
	 * hold the Master_Down_Timer off as if Preempt_Mode were false */
	vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.20", 100, 100), 1000,
			   &out);
	EXPECT(&out, E_ARM(PREEMPT, 6000), E_ARM(MASTER_DOWN, 1000 + 3218));
	assert_int_equal(f.cnt.preempt_delay_started, 1);
	for (t = 2000; t <= 5000; t += 1000) {
		vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.20", 100, 100), t,
				   &out);
		EXPECT(&out, E_ARM(MASTER_DOWN, t + 3218)); /* no re-arm */
	}
	vrrp_fsm_timer_expired(&f, VRRP_TIMER_PREEMPT, 5999, &out);
	EXPECT_NONE(&out);
	vrrp_fsm_timer_expired(&f, VRRP_TIMER_PREEMPT, 6000, &out);
	EXPECT(&out, E_CANCEL(MASTER_DOWN), E(ADD_VIPS), E(BECOME_MASTER),
	       E_SEND(200), E(SEND_GARP_BURST), E_ARM(ADVER, 7000));
	expect_tr(&out, VRRP_STATE_BACKUP, VRRP_STATE_MASTER,
		  VRRP_REASON_PREEMPT_DELAY, 6000);
	/* the old master's last advert: we stay, and answer at once so it
	 * goes Backup without waiting for our next scheduled advert */
	vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.20", 100, 100), 6001,
			   &out);
	EXPECT(&out, E_SEND(200), E(SEND_GARP_ROUND), E_ARM(ADVER, 7001));
	assert_int_equal(f.state, VRRP_STATE_MASTER);
}

static void test_preempt_delay_cancelled_by_higher(void **state)
{
	struct vrrp_fsm_config c = cfg4(200, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct rx r;

	(void)state;
	c.preempt_delay_cs = 500;
	init_ok(&f, &c);
	start_backup(&f, 0);
	vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.20", 100, 100), 1000,
			   &out);
	/* a higher-priority master appears during the delay: cancel */
	vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.30", 250, 100), 2000,
			   &out);
	EXPECT(&out, E_ARM(MASTER_DOWN, 2000 + 3218), E_CANCEL(PREEMPT));
	assert_int_equal(f.cnt.preempt_delay_cancelled, 1);
	vrrp_fsm_timer_expired(&f, VRRP_TIMER_PREEMPT, 6000, &out);
	EXPECT_NONE(&out);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	/* equal priority cancels too (nothing to preempt) */
	vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.20", 100, 100), 3000,
			   &out);
	EXPECT(&out, E_ARM(PREEMPT, 8000), E_ARM(MASTER_DOWN, 3000 + 3218));
	vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.20", 200, 100), 4000,
			   &out);
	EXPECT(&out, E_ARM(MASTER_DOWN, 4000 + 3218), E_CANCEL(PREEMPT));
}

static void test_preempt_delay_master_dies(void **state)
{
	struct vrrp_fsm_config c = cfg4(200, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct rx r;

	(void)state;
	c.preempt_delay_cs = 6000; /* 60 s */
	init_ok(&f, &c);
	start_backup(&f, 0);
	vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.20", 100, 100), 1000,
			   &out);
	/* the master dies: Master_Down runs out long before the delay */
	vrrp_fsm_timer_expired(&f, VRRP_TIMER_MASTER_DOWN, 4218, &out);
	EXPECT(&out, E_CANCEL(PREEMPT), E(ADD_VIPS), E(BECOME_MASTER),
	       E_SEND(200), E(SEND_GARP_BURST), E_ARM(ADVER, 5218));
	expect_tr(&out, VRRP_STATE_BACKUP, VRRP_STATE_MASTER,
		  VRRP_REASON_MASTER_DOWN, 4218);
}

static void test_preempt_delay_priority_drop_cancels(void **state)
{
	struct vrrp_fsm_config c = cfg4(200, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct rx r;

	(void)state;
	c.preempt_delay_cs = 500;
	init_ok(&f, &c);
	start_backup(&f, 0);
	vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.20", 100, 100), 1000,
			   &out);
	vrrp_fsm_set_priority(&f, 150, 1500, &out); /* still above */
	EXPECT_NONE(&out);
	vrrp_fsm_set_priority(&f, 100, 2000, &out); /* no longer above */
	EXPECT(&out, E_CANCEL(PREEMPT));
	assert_int_equal(f.cnt.preempt_delay_cancelled, 1);
}

/* --- link, priority, accept --------------------------------------------------- */

static void test_link_down_up(void **state)
{
	struct vrrp_fsm_config c = cfg4(100, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;
	uint64_t t;

	(void)state;
	init_ok(&f, &c);
	t = make_master(&f, 0);
	/* Master, link down: no advert (cannot be sent), to Initialize */
	vrrp_fsm_link_change(&f, false, t + 10, &out);
	EXPECT(&out, E_CANCEL(ADVER), E(BECOME_INIT), E(REMOVE_VIPS));
	expect_tr(&out, VRRP_STATE_MASTER, VRRP_STATE_INIT,
		  VRRP_REASON_LINK_DOWN, t + 10);
	assert_int_equal(f.cnt.prio0_tx, 0);
	vrrp_fsm_link_change(&f, false, t + 20, &out); /* repeated: nothing */
	EXPECT_NONE(&out);
	/* link up: Startup again (§6.4.1) -> Backup */
	vrrp_fsm_link_change(&f, true, t + 30, &out);
	EXPECT(&out, E(BECOME_BACKUP), E(REMOVE_VIPS),
	       E_ARM(MASTER_DOWN, t + 30 + 3609));
	expect_tr(&out, VRRP_STATE_INIT, VRRP_STATE_BACKUP, VRRP_REASON_LINK_UP,
		  t + 30);
	/* Backup, link down */
	vrrp_fsm_link_change(&f, false, t + 40, &out);
	EXPECT(&out, E_CANCEL(MASTER_DOWN), E(BECOME_INIT));
}

static void test_link_down_before_start(void **state)
{
	struct vrrp_fsm_config c = cfg4(255, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;

	(void)state;
	init_ok(&f, &c);
	vrrp_fsm_link_change(&f, false, 0, &out);
	EXPECT_NONE(&out);
	vrrp_fsm_start(&f, 10, &out); /* waits for the link */
	EXPECT_NONE(&out);
	assert_int_equal(f.state, VRRP_STATE_INIT);
	vrrp_fsm_link_change(&f, true, 20, &out);
	EXPECT(&out, E(ADD_VIPS), E(BECOME_MASTER), E_SEND(255),
	       E(SEND_GARP_BURST), E_ARM(ADVER, 1020));
	/* link up without Startup: stays in Initialize */
	vrrp_fsm_shutdown(&f, 30, &out);
	vrrp_fsm_link_change(&f, false, 40, &out);
	vrrp_fsm_link_change(&f, true, 50, &out);
	EXPECT_NONE(&out);
	assert_int_equal(f.state, VRRP_STATE_INIT);
}

static void test_priority_change_master(void **state)
{
	struct vrrp_fsm_config c = cfg4(100, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct rx r;
	uint64_t t;

	(void)state;
	init_ok(&f, &c);
	t = make_master(&f, 0);
	assert_int_equal(vrrp_fsm_set_priority(&f, 100, t, &out), 0);
	EXPECT_NONE(&out);
	assert_int_equal(vrrp_fsm_set_priority(&f, 0, t, &out), -EINVAL);
	assert_int_equal(vrrp_fsm_set_priority(&f, 256, t, &out), -EINVAL);
	/* advertise the new priority at once */
	assert_int_equal(vrrp_fsm_set_priority(&f, 50, t + 100, &out), 0);
	EXPECT(&out, E_SEND(50), E_ARM(ADVER, t + 1100));
	/* a backup at 80 now wins the comparison */
	vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.5", 80, 100), t + 200,
			   &out);
	expect_tr(&out, VRRP_STATE_MASTER, VRRP_STATE_BACKUP,
		  VRRP_REASON_HIGHER_PRIORITY, t + 200);
	/* and Skew_Time now uses 50: 3000 + 206 * 1000 / 256 (804.69) */
	EXPECT(&out, E_CANCEL(ADVER), E(BECOME_BACKUP), E(REMOVE_VIPS),
	       E_ARM(MASTER_DOWN, t + 200 + 3804));
}

static void test_priority_change_backup(void **state)
{
	struct vrrp_fsm_config c = cfg4(100, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct rx r;

	(void)state;
	init_ok(&f, &c);
	start_backup(&f, 0);
	vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.20", 150, 100), 1000,
			   &out);
	/* raise above the master: no action now (preempt happens through
	 * the RFC rules from the next advert) */
	vrrp_fsm_set_priority(&f, 200, 1100, &out);
	EXPECT_NONE(&out);
	/* next advert (150 < 200, preempt): discarded */
	vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.20", 150, 100), 2000,
			   &out);
	EXPECT_NONE(&out);
	/* the running Master_Down (armed at 1000 with priority 100) fires */
	vrrp_fsm_timer_expired(&f, VRRP_TIMER_MASTER_DOWN, 1000 + 3609, &out);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	EXPECT(&out, E(ADD_VIPS), E(BECOME_MASTER), E_SEND(200),
	       E(SEND_GARP_BURST), E_ARM(ADVER, 5609));
}

static void test_accept_mode(void **state)
{
	struct vrrp_fsm_config c = cfg4(100, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;

	(void)state;
	init_ok(&f, &c);
	assert_false(vrrp_fsm_accepts_vip_traffic(&f));
	make_master(&f, 0);
	assert_false(vrrp_fsm_accepts_vip_traffic(&f)); /* accept off */
	c.accept = true;
	init_ok(&f, &c);
	start_backup(&f, 0);
	assert_false(vrrp_fsm_accepts_vip_traffic(&f)); /* Backup */
	vrrp_fsm_timer_expired(&f, VRRP_TIMER_MASTER_DOWN, 3609, &out);
	assert_true(vrrp_fsm_accepts_vip_traffic(&f));
	/* the owner accepts without Accept_Mode */
	c = cfg4(255, 100);
	init_ok(&f, &c);
	vrrp_fsm_start(&f, 0, &out);
	assert_true(vrrp_fsm_accepts_vip_traffic(&f));
}

/* --- receive checks against the instance --------------------------------------- */

static void test_rx_rejections(void **state)
{
	static const char *const v6vip[] = { "fe80::1" };
	struct vrrp_fsm_config c = cfg4(100, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct rx r;
	uint64_t md;

	(void)state;
	init_ok(&f, &c);
	md = start_backup(&f, 0);
	assert_int_equal(vrrp_fsm_rx_advert(&f,
					    mk_advert_ex(&r, 3, 2, "192.0.2.20",
							 150, 100, vip1, 1),
					    10, &out),
			 VRRP_RX_VRID_MISMATCH);
	EXPECT_NONE(&out);
	assert_int_equal(vrrp_fsm_rx_advert(&f,
					    mk_advert_ex(&r, 2, 1, "192.0.2.20",
							 150, 100, vip1, 1),
					    10, &out),
			 VRRP_RX_VERSION_MISMATCH);
	assert_int_equal(vrrp_fsm_rx_advert(&f,
					    mk_advert_ex(&r, 3, 1, "fe80::2",
							 150, 100, v6vip, 1),
					    10, &out),
			 VRRP_RX_FAMILY_MISMATCH);
	/* our own address: looped back or a conflict */
	assert_int_equal(
		vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.10", 150, 100),
				   10, &out),
		VRRP_RX_OWN_ADDRESS);
	EXPECT_NONE(&out);
	assert_int_equal(f.cnt.rx_rejected[VRRP_RX_VRID_MISMATCH], 1);
	assert_int_equal(f.cnt.rx_rejected[VRRP_RX_VERSION_MISMATCH], 1);
	assert_int_equal(f.cnt.rx_rejected[VRRP_RX_FAMILY_MISMATCH], 1);
	assert_int_equal(f.cnt.rx_rejected[VRRP_RX_OWN_ADDRESS], 1);
	assert_int_equal(f.cnt.adverts_rx, 0);
	assert_int_equal(f.timers[VRRP_TIMER_MASTER_DOWN].deadline_ms, md);
	/* decoder rejections charged by the caller */
	vrrp_fsm_count_rx_reject(&f, VRRP_RX_BAD_CHECKSUM);
	vrrp_fsm_count_rx_reject(&f, VRRP_RX_OK); /* not a rejection */
	vrrp_fsm_count_rx_reject(&f, VRRP_RX__COUNT); /* out of range */
	assert_int_equal(f.cnt.rx_rejected[VRRP_RX_BAD_CHECKSUM], 1);
	assert_int_equal(f.cnt.rx_rejected[VRRP_RX_OK], 0);
}

/* An advert from one of our VIPs while we hold them is our own address
 * reflected (or spoofed): it must not make a Master yield. IPv6 carries
 * the link-local VIP (RFC 5798 §5.2.9), which a Master has configured. */
static void test_master_rejects_own_vip_source(void **state)
{
	static const char *const v6vip[] = { "fe80::1", "2001:db8::1" };
	struct vrrp_fsm_config c = cfg6(100, 100, "fe80::10");
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct rx r;
	uint64_t t;

	(void)state;
	c.vips[1] = A("2001:db8::1");
	c.n_vips = 2;
	init_ok(&f, &c);
	t = make_master(&f, 0);
	assert_int_equal(vrrp_fsm_rx_advert(&f,
					    mk_advert_ex(&r, 3, 1, "fe80::1",
							 200, 100, v6vip, 2),
					    t + 10, &out),
			 VRRP_RX_OWN_ADDRESS);
	EXPECT_NONE(&out);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	assert_int_equal(f.cnt.rx_rejected[VRRP_RX_OWN_ADDRESS], 1);
	assert_false(f.master_known);

	/* IPv4 likewise */
	c = cfg4(100, 100);
	init_ok(&f, &c);
	t = make_master(&f, 0);
	assert_int_equal(
		vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.1", 200, 100),
				   t + 10, &out),
		VRRP_RX_OWN_ADDRESS);
	assert_int_equal(f.state, VRRP_STATE_MASTER);

	/* A Backup does not hold the VIPs: an advert from a VIP is the
	 * address owner's (its real address is the VIP) and is obeyed. */
	c = cfg4(100, 100);
	init_ok(&f, &c);
	start_backup(&f, 0);
	assert_int_equal(
		vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.1", 255, 100), 10,
				   &out),
		VRRP_RX_OK);
	assert_true(f.master_known);
	assert_true(vrrp_addr_eq(&f.master_addr, &c.vips[0]));
}

static void test_v3_addr_list_mismatch_not_fatal(void **state)
{
	static const char *const other[] = { "192.0.2.99" };
	static const char *const two[] = { "192.0.2.1", "192.0.2.2" };
	static const char *const swapped[] = { "192.0.2.2", "192.0.2.1" };
	struct vrrp_fsm_config c = cfg4(100, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct rx r;

	(void)state;
	init_ok(&f, &c);
	start_backup(&f, 0);
	assert_int_equal(vrrp_fsm_rx_advert(&f,
					    mk_advert_ex(&r, 3, 1, "192.0.2.20",
							 150, 100, other, 1),
					    1000, &out),
			 VRRP_RX_OK);
	/* RFC 5798 §7.1: log (caller, rate-limited) and count; process */
	assert_true(out.addr_list_mismatch);
	EXPECT(&out, E_ARM(MASTER_DOWN, 1000 + 3609));
	vrrp_fsm_rx_advert(
		&f, mk_advert_ex(&r, 3, 1, "192.0.2.20", 150, 100, two, 2),
		2000, &out);
	assert_true(out.addr_list_mismatch);
	assert_int_equal(f.cnt.addr_list_mismatch, 2);
	/* order does not matter */
	c.vips[1] = A("192.0.2.2");
	c.n_vips = 2;
	init_ok(&f, &c);
	start_backup(&f, 0);
	vrrp_fsm_rx_advert(
		&f, mk_advert_ex(&r, 3, 1, "192.0.2.20", 150, 100, swapped, 2),
		1000, &out);
	assert_false(out.addr_list_mismatch);
	assert_int_equal(f.cnt.addr_list_mismatch, 0);
}

static void test_v2_instance(void **state)
{
	static const char *const other[] = { "192.0.2.99" };
	struct vrrp_fsm_config c = cfg4(100, 200);
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct rx r;
	uint64_t md;

	(void)state;
	c.version = 2;
	init_ok(&f, &c);
	/* RFC 3768 Skew_Time: 156 / 256 s = 609 ms, not scaled by the 2 s
	 * interval (v3 would give 1218) */
	md = start_backup(&f, 0);
	assert_int_equal(md, 6000 + 609);
	/* RFC 3768 §7.1: interval mismatch -> MUST discard */
	assert_int_equal(vrrp_fsm_rx_advert(&f,
					    mk_advert_ex(&r, 2, 1, "192.0.2.20",
							 150, 100, vip1, 1),
					    100, &out),
			 VRRP_RX_V2_INTERVAL_MISMATCH);
	EXPECT_NONE(&out);
	assert_true(out.interval_mismatch);
	assert_int_equal(f.cnt.interval_mismatch, 1);
	assert_int_equal(f.cnt.rx_rejected[VRRP_RX_V2_INTERVAL_MISMATCH], 1);
	/* address list mismatch from a non-owner: MUST drop */
	assert_int_equal(vrrp_fsm_rx_advert(&f,
					    mk_advert_ex(&r, 2, 1, "192.0.2.20",
							 150, 200, other, 1),
					    200, &out),
			 VRRP_RX_V2_ADDR_LIST_MISMATCH);
	EXPECT_NONE(&out);
	/* ... but from the owner (255): continue processing */
	assert_int_equal(vrrp_fsm_rx_advert(&f,
					    mk_advert_ex(&r, 2, 1, "192.0.2.20",
							 255, 200, other, 1),
					    300, &out),
			 VRRP_RX_OK);
	EXPECT(&out, E_ARM(MASTER_DOWN, 300 + 6609));
	assert_int_equal(f.cnt.addr_list_mismatch, 2);
	/* a matching advert */
	assert_int_equal(vrrp_fsm_rx_advert(&f,
					    mk_advert_ex(&r, 2, 1, "192.0.2.20",
							 150, 200, vip1, 1),
					    400, &out),
			 VRRP_RX_OK);
	EXPECT(&out, E_ARM(MASTER_DOWN, 400 + 6609));
	assert_int_equal(f.master_adver_cs, 200);
}

/* RFC 9568 erratum 8298: owners do not drop each other's adverts. */
static void test_owner_conflict(void **state)
{
	struct vrrp_fsm_config c = cfg4(255, 100);
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct rx r;

	(void)state;
	init_ok(&f, &c);
	vrrp_fsm_start(&f, 0, &out);
	/* lower address: we stay Master, conflict flagged */
	assert_int_equal(
		vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.9", 255, 100), 10,
				   &out),
		VRRP_RX_OK);
	EXPECT(&out, E_SEND(255), E(SEND_GARP_ROUND), E_ARM(ADVER, 1010));
	assert_true(out.owner_conflict);
	/* higher address: the tie-break resolves it, we go Backup */
	vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.11", 255, 100), 20, &out);
	assert_true(out.owner_conflict);
	expect_tr(&out, VRRP_STATE_MASTER, VRRP_STATE_BACKUP,
		  VRRP_REASON_HIGHER_ADDRESS, 20);
	assert_int_equal(f.cnt.owner_conflict, 2);
	/* a non-owner's advert is ordinary for an owner */
	init_ok(&f, &c);
	vrrp_fsm_start(&f, 0, &out);
	vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.11", 254, 100), 30, &out);
	assert_false(out.owner_conflict);
	EXPECT(&out, E_SEND(255), E(SEND_GARP_ROUND), E_ARM(ADVER, 1030));
}

/* --- configuration, helpers, names ----------------------------------------------- */

static void test_init_rejects_bad_config(void **state)
{
	struct vrrp_fsm_config ok = cfg4(100, 100), c;
	struct vrrp_fsm f;

	(void)state;
	memset(&f, 0x5a, sizeof(f));
	c = ok;
	c.vrid = 0;
	assert_int_equal(vrrp_fsm_init(&f, &c), -EINVAL);
	c = ok;
	c.priority = 0;
	assert_int_equal(vrrp_fsm_init(&f, &c), -EINVAL);
	c = ok;
	c.advert_cs = 0;
	assert_int_equal(vrrp_fsm_init(&f, &c), -EINVAL);
	c.advert_cs = 4096;
	assert_int_equal(vrrp_fsm_init(&f, &c), -EINVAL);
	c = ok;
	c.version = 2;
	c.advert_cs = 150; /* v2: whole seconds */
	assert_int_equal(vrrp_fsm_init(&f, &c), -EINVAL);
	c = ok;
	c.version = 2;
	c.family = AF_INET6;
	c.vips[0] = A("fe80::1");
	c.primary = A("fe80::2");
	assert_int_equal(vrrp_fsm_init(&f, &c), -EINVAL);
	c = ok;
	c.version = 1;
	assert_int_equal(vrrp_fsm_init(&f, &c), -EINVAL);
	c = ok;
	c.n_vips = 0;
	assert_int_equal(vrrp_fsm_init(&f, &c), -EINVAL);
	c.n_vips = VRRP_FSM_MAX_VIPS + 1;
	assert_int_equal(vrrp_fsm_init(&f, &c), -EINVAL);
	c = ok;
	c.vips[1] = A("fe80::1"); /* mixed families */
	c.n_vips = 2;
	assert_int_equal(vrrp_fsm_init(&f, &c), -EINVAL);
	c.vips[1] = c.vips[0]; /* duplicate */
	assert_int_equal(vrrp_fsm_init(&f, &c), -EINVAL);
	c = ok;
	c.primary = A("fe80::2");
	assert_int_equal(vrrp_fsm_init(&f, &c), -EINVAL);
	c = ok;
	c.family = AF_UNIX;
	assert_int_equal(vrrp_fsm_init(&f, &c), -EINVAL);
	/* unset primary is allowed (interface without an address yet) */
	c = ok;
	c.primary.family = AF_UNSPEC;
	assert_int_equal(vrrp_fsm_init(&f, &c), 0);
	assert_int_equal(vrrp_fsm_set_primary(&f, &ok.primary), 0);
	c.primary = A("fe80::2");
	assert_int_equal(vrrp_fsm_set_primary(&f, &c.primary), -EINVAL);
}

static void test_build_advert(void **state)
{
	struct vrrp_fsm_config c = cfg4(120, 100);
	struct vrrp_addr dst = A("224.0.0.18");
	struct vrrp_rx_meta m;
	struct vrrp_advert adv;
	struct vrrp_fsm f;
	uint8_t buf[64];
	int len;

	(void)state;
	c.vips[1] = A("192.0.2.2");
	c.n_vips = 2;
	init_ok(&f, &c);
	len = vrrp_fsm_build_advert(&f, 0, &dst, buf, sizeof(buf));
	assert_int_equal(len, 16);
	memset(&m, 0, sizeof(m));
	m.src = c.primary;
	m.dst = dst;
	m.ttl = 255;
	assert_int_equal(vrrp_decode(buf, (size_t)len, &m, &adv), VRRP_RX_OK);
	assert_int_equal(adv.priority, 0);
	assert_int_equal(adv.vrid, 1);
	assert_int_equal(adv.adver_cs, 100);
	assert_int_equal(adv.n_addrs, 2);
	assert_int_equal(vrrp_fsm_build_advert(&f, 120, &dst, buf, 15),
			 -ENOSPC);
}

static void test_names(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < VRRP_REASON__COUNT; i++)
		assert_string_not_equal(vrrp_reason_name((enum vrrp_reason)i),
					"unknown");
	for (i = 0; i < VRRP_ACT__COUNT; i++)
		assert_string_not_equal(
			vrrp_action_name((enum vrrp_action_type)i), "unknown");
	for (i = 0; i < VRRP_TIMER__COUNT; i++)
		assert_string_not_equal(vrrp_timer_name((enum vrrp_timer)i),
					"unknown");
	assert_string_equal(vrrp_state_name(VRRP_STATE_INIT), "initialize");
	assert_string_equal(vrrp_state_name(VRRP_STATE_BACKUP), "backup");
	assert_string_equal(vrrp_state_name(VRRP_STATE_MASTER), "master");
	assert_string_equal(vrrp_reason_name(VRRP_REASON__COUNT), "unknown");
}

/* --- two engines on one fake segment ------------------------------------------- */

struct sim_node {
	struct vrrp_fsm f;
	bool alive;
};

static bool sim_partitioned;

/* Execute one node's actions: adverts are encoded, decoded and handed to
 * the peer at once (zero latency) unless the segment is partitioned; the
 * peer's own actions are executed in turn. */
static void sim_exec(struct sim_node *n, unsigned int self,
		     const struct vrrp_actions *out, uint64_t now, int depth);

static void sim_deliver(struct sim_node *n, unsigned int from, uint8_t prio,
			uint64_t now, int depth)
{
	struct vrrp_addr grp = A("224.0.0.18");
	struct vrrp_rx_meta m;
	struct vrrp_advert adv;
	struct vrrp_actions out;
	uint8_t buf[64];
	unsigned int to = !from;
	int len;

	len = vrrp_fsm_build_advert(&n[from].f, prio, &grp, buf, sizeof(buf));
	assert_true(len > 0);
	if (!n[to].alive || sim_partitioned)
		return;
	memset(&m, 0, sizeof(m));
	m.src = n[from].f.cfg.primary;
	m.dst = grp;
	m.ttl = 255;
	assert_int_equal(vrrp_decode(buf, (size_t)len, &m, &adv), VRRP_RX_OK);
	vrrp_fsm_rx_advert(&n[to].f, &adv, now, &out);
	sim_exec(n, to, &out, now, depth + 1);
}

static void sim_exec(struct sim_node *n, unsigned int self,
		     const struct vrrp_actions *out, uint64_t now, int depth)
{
	unsigned int i;

	assert_true(depth < 8);
	for (i = 0; i < out->n; i++)
		if (out->v[i].type == VRRP_ACT_SEND_ADVERT)
			sim_deliver(n, self, out->v[i].priority, now, depth);
}

/* Advance to `until`, firing timers in deadline order. */
static void sim_run(struct sim_node *n, uint64_t until)
{
	for (;;) {
		uint64_t best = UINT64_MAX;
		unsigned int bn = 0, bt = 0, i, t;
		struct vrrp_actions out;

		for (i = 0; i < 2; i++)
			for (t = 0; n[i].alive && t < VRRP_TIMER__COUNT; t++)
				if (n[i].f.timers[t].armed &&
				    n[i].f.timers[t].deadline_ms < best) {
					best = n[i].f.timers[t].deadline_ms;
					bn = i;
					bt = t;
				}
		if (best > until)
			return;
		vrrp_fsm_timer_expired(&n[bn].f, (enum vrrp_timer)bt, best,
				       &out);
		sim_exec(n, bn, &out, best, 0);
	}
}

static void test_two_nodes_election_and_failover(void **state)
{
	struct vrrp_fsm_config ca = cfg4(200, 100), cb = cfg4(100, 100);
	struct sim_node n[2];
	struct vrrp_actions out;
	uint64_t last_advert;

	(void)state;
	ca.primary = A("192.0.2.10");
	cb.primary = A("192.0.2.11");
	init_ok(&n[0].f, &ca);
	init_ok(&n[1].f, &cb);
	n[0].alive = n[1].alive = true;
	/* both start at t=0: A (200) wins after its Master_Down 3218 */
	vrrp_fsm_start(&n[0].f, 0, &out);
	vrrp_fsm_start(&n[1].f, 0, &out);
	sim_run(n, 10000);
	assert_int_equal(n[0].f.state, VRRP_STATE_MASTER);
	assert_int_equal(n[1].f.state, VRRP_STATE_BACKUP);
	assert_int_equal(n[0].f.last.at_ms, 3218);
	assert_int_equal(n[0].f.cnt.become_master, 1);
	assert_int_equal(n[1].f.cnt.become_master, 0);

	/* kill -9 of A at 10000: its last advert went out at 9218; B takes
	 * over exactly Master_Down_Interval (3609) later */
	last_advert = 9218;
	n[0].alive = false;
	sim_run(n, 20000);
	assert_int_equal(n[1].f.state, VRRP_STATE_MASTER);
	assert_int_equal(n[1].f.last.at_ms, last_advert + 3609);
	assert_int_equal(n[1].f.last.reason, VRRP_REASON_MASTER_DOWN);

	/* A restarts at 20000 and preempts B after its own Master_Down */
	init_ok(&n[0].f, &ca);
	n[0].alive = true;
	vrrp_fsm_start(&n[0].f, 20000, &out);
	sim_run(n, 30000);
	assert_int_equal(n[0].f.state, VRRP_STATE_MASTER);
	assert_int_equal(n[0].f.last.at_ms, 20000 + 3218);
	assert_int_equal(n[1].f.state, VRRP_STATE_BACKUP);
	assert_int_equal(n[1].f.last.reason, VRRP_REASON_HIGHER_PRIORITY);

	/* orderly shutdown of A at 30000: B takes over after its
	 * Skew_Time, 609 ms */
	vrrp_fsm_shutdown(&n[0].f, 30000, &out);
	sim_exec(n, 0, &out, 30000, 0);
	n[0].alive = false;
	sim_run(n, 40000);
	assert_int_equal(n[1].f.state, VRRP_STATE_MASTER);
	assert_int_equal(n[1].f.last.at_ms, 30000 + 609);
	assert_int_equal(n[1].f.last.reason, VRRP_REASON_MASTER_RELEASED);
}

static void test_two_nodes_equal_priority(void **state)
{
	struct vrrp_fsm_config ca = cfg4(100, 100), cb = cfg4(100, 100);
	struct sim_node n[2];
	struct vrrp_actions out;

	(void)state;
	ca.primary = A("192.0.2.10");
	cb.primary = A("192.0.2.11");
	init_ok(&n[0].f, &ca);
	init_ok(&n[1].f, &cb);
	n[0].alive = n[1].alive = true;
	/* a partitioned segment: both become Master at 3609 */
	sim_partitioned = true;
	vrrp_fsm_start(&n[0].f, 0, &out);
	vrrp_fsm_start(&n[1].f, 0, &out);
	sim_run(n, 4000);
	assert_int_equal(n[0].f.state, VRRP_STATE_MASTER);
	assert_int_equal(n[1].f.state, VRRP_STATE_MASTER);
	/* healed: at the next adverts (4609) the equal priorities are
	 * ordered by address, and the higher one (B, .11) stays Master */
	sim_partitioned = false;
	sim_run(n, 10000);
	assert_int_equal(n[0].f.state, VRRP_STATE_BACKUP);
	assert_int_equal(n[1].f.state, VRRP_STATE_MASTER);
	assert_int_equal(n[0].f.last.reason, VRRP_REASON_HIGHER_ADDRESS);
	assert_int_equal(n[0].f.last.at_ms, 4609);
	assert_int_equal(n[1].f.cnt.become_master, 1);
}

/* Follow mode (a VGMP member): no election of its own. */
static void test_follow_mode(void **state)
{
	struct vrrp_fsm_config c = cfg4(100, 100);
	struct vrrp_actions out;
	struct vrrp_fsm f;
	struct rx r;
	uint64_t t = 1000;

	(void)state;
	init_ok(&f, &c);
	assert_int_equal(vrrp_fsm_follow(&f, true, t, &out), -EINVAL);
	c.follow = true;
	init_ok(&f, &c);
	/* starts Backup, no Master_Down_Timer */
	assert_int_equal(vrrp_fsm_start(&f, t, &out), 0);
	EXPECT(&out, E(BECOME_BACKUP), E(REMOVE_VIPS));
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	/* a master heard, a priority 0, silence: nothing moves it */
	vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.20", 50, 100), t, &out);
	EXPECT_NONE(&out);
	assert_true(f.master_known);
	vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.20", 0, 100), t, &out);
	EXPECT_NONE(&out);
	/* the group says Master: the documented takeover order */
	assert_int_equal(vrrp_fsm_follow(&f, true, t, &out), 0);
	EXPECT(&out, E(ADD_VIPS), E(BECOME_MASTER), E_SEND(100),
	       E(SEND_GARP_BURST), E_ARM(ADVER, t + 1000));
	expect_tr(&out, VRRP_STATE_BACKUP, VRRP_STATE_MASTER, VRRP_REASON_GROUP,
		  t);
	/* a better master does not make it step down */
	t += 10;
	vrrp_fsm_rx_advert(&f, mk_advert(&r, "192.0.2.20", 200, 100), t, &out);
	EXPECT_NONE(&out);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	assert_int_equal(f.cnt.follow_ignored, 1);
	/* it keeps advertising */
	vrrp_fsm_timer_expired(&f, VRRP_TIMER_ADVER, 2000, &out);
	EXPECT(&out, E_SEND(100), E_ARM(ADVER, 3000));
	/* the group says Backup: stop answering, then remove the VIPs */
	assert_int_equal(vrrp_fsm_follow(&f, false, 2100, &out), 0);
	EXPECT(&out, E_CANCEL(ADVER), E(BECOME_BACKUP), E(REMOVE_VIPS));
	expect_tr(&out, VRRP_STATE_MASTER, VRRP_STATE_BACKUP, VRRP_REASON_GROUP,
		  2100);
	/* Master wanted while the link is down: Master when it returns */
	vrrp_fsm_link_change(&f, false, 2200, &out);
	assert_int_equal(f.state, VRRP_STATE_INIT);
	assert_int_equal(vrrp_fsm_follow(&f, true, 2300, &out), 0);
	EXPECT_NONE(&out);
	vrrp_fsm_link_change(&f, true, 2400, &out);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	assert_true(out.transitioned);
	assert_int_equal(out.tr.reason, VRRP_REASON_LINK_UP);
	assert_false(f.timers[VRRP_TIMER_MASTER_DOWN].armed);
	/* a follower shuts down like any master: priority 0 */
	vrrp_fsm_shutdown(&f, 2500, &out);
	EXPECT(&out, E_CANCEL(ADVER), E(BECOME_INIT), E_SEND(0),
	       E(REMOVE_VIPS));
}

/* An agent restart with the datapath kept: Initialize -> Master at once,
 * no GARP, no Master_Down wait; once only; without a link it is a plain
 * start; a follower resumes wanting Master. */
static void test_resume(void **state)
{
	struct vrrp_fsm_config c = cfg4(150, 10);
	struct vrrp_actions out;
	struct vrrp_fsm f;
	uint64_t t = 1000;

	(void)state;
	init_ok(&f, &c);
	assert_int_equal(vrrp_fsm_resume(&f, t, &out), 0);
	EXPECT(&out, E(ADD_VIPS), E(BECOME_MASTER), E_SEND(150),
	       E_ARM(ADVER, t + 100));
	expect_tr(&out, VRRP_STATE_INIT, VRRP_STATE_MASTER, VRRP_REASON_RESUME,
		  t);
	assert_int_equal(n_acts(&out, VRRP_ACT_SEND_GARP_BURST), 0);
	assert_int_equal(f.cnt.transitions[VRRP_REASON_RESUME], 1);
	assert_int_equal(vrrp_fsm_resume(&f, t + 1, &out), 0);
	EXPECT_NONE(&out);
	assert_int_equal(vrrp_fsm_start(&f, t + 2, &out), 0);
	EXPECT_NONE(&out);
	/* no usable link: a start (Initialize until the link comes) */
	init_ok(&f, &c);
	vrrp_fsm_link_change(&f, false, t, &out);
	assert_int_equal(vrrp_fsm_resume(&f, t, &out), 0);
	EXPECT_NONE(&out);
	assert_int_equal(f.state, VRRP_STATE_INIT);
	vrrp_fsm_link_change(&f, true, t + 10, &out);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	/* a follower: Master, and the group's Master is no change */
	c.follow = true;
	init_ok(&f, &c);
	assert_int_equal(vrrp_fsm_resume(&f, t, &out), 0);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	assert_int_equal(vrrp_fsm_follow(&f, true, t + 5, &out), 0);
	EXPECT_NONE(&out);
}

/* The grace advert: a v3 Backup learns the longer interval and waits
 * 3 x grace + skew; the normal advert after the restart teaches the
 * normal interval back. v2 keeps its interval. Only a Master sends it. */
static void test_grace_advert(void **state)
{
	struct vrrp_fsm_config mc = cfg4(150, 10), bc = cfg4(100, 10);
	struct vrrp_addr dst = A("224.0.0.18");
	struct vrrp_actions out;
	struct vrrp_rx_meta m;
	struct vrrp_advert adv;
	struct vrrp_fsm mf, bf;
	uint8_t buf[64];
	uint32_t grace_ms = 0;
	uint64_t t = 5000;
	int len;

	(void)state;
	mc.primary = A("192.0.2.20");
	init_ok(&mf, &mc);
	assert_int_equal(vrrp_fsm_build_grace_advert(&mf, 100, &dst, buf,
						     sizeof(buf), &grace_ms),
			 -EINVAL);
	vrrp_fsm_resume(&mf, t, &out);
	len = vrrp_fsm_build_grace_advert(&mf, 100, &dst, buf, sizeof(buf),
					  &grace_ms);
	assert_true(len > 0);
	assert_int_equal(grace_ms, 3000);
	memset(&m, 0, sizeof(m));
	m.src = mc.primary;
	m.dst = dst;
	m.ttl = 255;
	assert_int_equal(vrrp_decode(buf, (size_t)len, &m, &adv), VRRP_RX_OK);
	assert_int_equal(adv.adver_cs, 100);
	assert_int_equal(adv.priority, 150);
	init_ok(&bf, &bc);
	vrrp_fsm_start(&bf, t, &out);
	assert_int_equal(vrrp_fsm_rx_advert(&bf, &adv, t, &out), VRRP_RX_OK);
	assert_true(bf.timers[VRRP_TIMER_MASTER_DOWN].armed);
	assert_int_equal(bf.timers[VRRP_TIMER_MASTER_DOWN].deadline_ms,
			 t + vrrp_master_down_ms(3, 100, 100));
	assert_true(bf.timers[VRRP_TIMER_MASTER_DOWN].deadline_ms >=
		    t + grace_ms);
	/* the resumed master's next advert: back to 100 ms */
	len = vrrp_fsm_build_advert(&mf, 150, &dst, buf, sizeof(buf));
	assert_int_equal(vrrp_decode(buf, (size_t)len, &m, &adv), VRRP_RX_OK);
	vrrp_fsm_rx_advert(&bf, &adv, t + 500, &out);
	assert_int_equal(bf.timers[VRRP_TIMER_MASTER_DOWN].deadline_ms,
			 t + 500 + vrrp_master_down_ms(3, 100, 10));
	/* shorter than the configured interval: the configured one */
	len = vrrp_fsm_build_grace_advert(&mf, 5, &dst, buf, sizeof(buf),
					  &grace_ms);
	assert_true(len > 0);
	assert_int_equal(grace_ms, 300);
	assert_int_equal(vrrp_fsm_build_grace_advert(&mf, 4096, &dst, buf,
						     sizeof(buf), &grace_ms),
			 -EINVAL);
	/* v2: its own interval, whatever the grace */
	mc.version = 2;
	mc.advert_cs = 100;
	init_ok(&mf, &mc);
	vrrp_fsm_resume(&mf, t, &out);
	len = vrrp_fsm_build_grace_advert(&mf, 300, &dst, buf, sizeof(buf),
					  &grace_ms);
	assert_true(len > 0);
	assert_int_equal(grace_ms, 3000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timer_arithmetic_table),
		cmocka_unit_test(test_timer_arithmetic_sweep),
		cmocka_unit_test(test_init_to_backup),
		cmocka_unit_test(test_init_owner_to_master),
		cmocka_unit_test(test_backup_master_down_exact),
		cmocka_unit_test(test_backup_higher_priority_resets_and_learns),
		cmocka_unit_test(test_backup_equal_priority_resets),
		cmocka_unit_test(test_backup_lower_priority_preempt_discards),
		cmocka_unit_test(test_backup_lower_priority_no_preempt_resets),
		cmocka_unit_test(test_backup_priority_zero_skew),
		cmocka_unit_test(test_backup_priority_zero_learned_interval),
		cmocka_unit_test(test_master_adver_timer),
		cmocka_unit_test(test_master_higher_priority_to_backup),
		cmocka_unit_test(test_master_equal_priority_tie_break),
		cmocka_unit_test(test_master_ipv6_tie_break),
		cmocka_unit_test(test_master_lower_priority_discards),
		cmocka_unit_test(test_master_reassert_standoff_bounded),
		cmocka_unit_test(test_master_priority_zero_sends),
		cmocka_unit_test(test_master_priority_zero_flood),
		cmocka_unit_test(test_shutdown_from_master),
		cmocka_unit_test(test_shutdown_from_backup_and_init),
		cmocka_unit_test(test_shutdown_owner),
		cmocka_unit_test(test_preempt_delay_takes_over_at_deadline),
		cmocka_unit_test(test_preempt_delay_cancelled_by_higher),
		cmocka_unit_test(test_preempt_delay_master_dies),
		cmocka_unit_test(test_preempt_delay_priority_drop_cancels),
		cmocka_unit_test(test_link_down_up),
		cmocka_unit_test(test_link_down_before_start),
		cmocka_unit_test(test_priority_change_master),
		cmocka_unit_test(test_priority_change_backup),
		cmocka_unit_test(test_accept_mode),
		cmocka_unit_test(test_rx_rejections),
		cmocka_unit_test(test_master_rejects_own_vip_source),
		cmocka_unit_test(test_v3_addr_list_mismatch_not_fatal),
		cmocka_unit_test(test_v2_instance),
		cmocka_unit_test(test_owner_conflict),
		cmocka_unit_test(test_init_rejects_bad_config),
		cmocka_unit_test(test_build_advert),
		cmocka_unit_test(test_resume),
		cmocka_unit_test(test_grace_advert),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_two_nodes_election_and_failover),
		cmocka_unit_test(test_two_nodes_equal_priority),
		cmocka_unit_test(test_follow_mode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
