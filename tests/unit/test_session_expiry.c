// SPDX-License-Identifier: GPL-2.0-only
/* Session expiry on a fake clock: timeout kind per state, idle time,
 * remaining lifetime, configured timeouts, and the sweeper's slice size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "sessions/session_expiry.h"
#include "sessions/sweeper.h"

#define SEC 1000000000ULL
#define T0 (1000 * SEC) /* the fake clock's start */

static struct hsb_config *cfg;

static int setup(void **state)
{
	(void)state;
	cfg = hsb_config_new();
	return cfg ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	hsb_config_free(cfg);
	return 0;
}

static struct hsb_session at(uint8_t state, uint64_t last_seen)
{
	struct hsb_session s;

	memset(&s, 0, sizeof(s));
	s.state = state;
	s.created_ns = last_seen;
	s.last_seen_ns = last_seen;
	return s;
}

static void test_kind_per_state(void **state)
{
	static const struct {
		uint8_t state, proto;
		enum hsb_session_tmo kind;
	} cases[] = {
		{ HSB_CT_SYN_SENT, 6, HSB_TMO_TCP_SYN },
		{ HSB_CT_SYN_RECV, 6, HSB_TMO_TCP_SYN },
		{ HSB_CT_ESTABLISHED, 6, HSB_TMO_TCP_ESTABLISHED },
		{ HSB_CT_FIN_WAIT, 6, HSB_TMO_TCP_FIN },
		{ HSB_CT_CLOSE_WAIT, 6, HSB_TMO_TCP_FIN },
		{ HSB_CT_TIME_WAIT, 6, HSB_TMO_TCP_TIME_WAIT },
		{ HSB_CT_CLOSE, 6, HSB_TMO_TCP_CLOSE },
		{ HSB_CT_UDP_NEW, 17, HSB_TMO_UDP },
		{ HSB_CT_UDP_ESTABLISHED, 17, HSB_TMO_UDP },
		{ HSB_CT_ICMP_NEW, 1, HSB_TMO_ICMP },
		{ HSB_CT_ICMP_REPLIED, 58, HSB_TMO_ICMP },
		/* States this build does not know: by protocol. */
		{ HSB_CT_NONE, 6, HSB_TMO_TCP_CLOSE },
		{ 200, 17, HSB_TMO_UDP },
		{ 200, 58, HSB_TMO_ICMP },
		{ 200, 47, HSB_TMO_UDP },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(hsb_session_tmo_kind(cases[i].state,
						      cases[i].proto),
				 cases[i].kind);
}

static void test_defaults(void **state)
{
	const struct hsb_cfg_session *cs = &cfg->session;

	(void)state;
	assert_int_equal(hsb_session_timeout_ns(cs, HSB_CT_ESTABLISHED, 6),
			 3600 * SEC);
	assert_int_equal(hsb_session_timeout_ns(cs, HSB_CT_SYN_SENT, 6),
			 30 * SEC);
	assert_int_equal(hsb_session_timeout_ns(cs, HSB_CT_UDP_NEW, 17),
			 120 * SEC);
	assert_int_equal(hsb_session_timeout_ns(cs, HSB_CT_ICMP_NEW, 1),
			 30 * SEC);
	assert_int_equal(hsb_session_timeout_ns(cs, HSB_CT_CLOSE, 6), 10 * SEC);
}

static void test_expiry_on_fake_clock(void **state)
{
	struct hsb_cfg_error e;
	struct hsb_session s = at(HSB_CT_UDP_ESTABLISHED, T0);
	const struct hsb_cfg_session *cs = &cfg->session;

	(void)state;
	assert_int_equal(
		hsb_config_apply_text(cfg, "firewall session timeout udp 2\n",
				      HSB_CFG_ALL_KNOWN, NULL, &e),
		0);
	assert_false(hsb_session_expired(cs, 17, &s, T0));
	assert_int_equal(hsb_session_expires_in_ns(cs, 17, &s, T0), 2 * SEC);
	assert_int_equal(hsb_session_idle_ns(&s, T0 + SEC), SEC);
	assert_false(hsb_session_expired(cs, 17, &s, T0 + 2 * SEC - 1));
	assert_int_equal(
		hsb_session_expires_in_ns(cs, 17, &s, T0 + 2 * SEC - 1), 1);
	/* Expired exactly when idle reaches the timeout. */
	assert_true(hsb_session_expired(cs, 17, &s, T0 + 2 * SEC));
	assert_int_equal(hsb_session_expires_in_ns(cs, 17, &s, T0 + 9 * SEC),
			 0);
	/* A packet refreshes it. */
	s.last_seen_ns = T0 + 9 * SEC;
	assert_false(hsb_session_expired(cs, 17, &s, T0 + 10 * SEC));
}

static void test_touched_after_now(void **state)
{
	/* A packet raced the read: last_seen is later than "now". */
	struct hsb_session s = at(HSB_CT_CLOSE, T0 + 5);

	(void)state;
	assert_int_equal(hsb_session_idle_ns(&s, T0), 0);
	assert_false(hsb_session_expired(&cfg->session, 6, &s, T0));
}

static void test_state_change_changes_deadline(void **state)
{
	const struct hsb_cfg_session *cs = &cfg->session;
	struct hsb_session s = at(HSB_CT_ESTABLISHED, T0);

	(void)state;
	assert_false(hsb_session_expired(cs, 6, &s, T0 + 60 * SEC));
	s.state = HSB_CT_CLOSE; /* RST seen: 10 s */
	assert_true(hsb_session_expired(cs, 6, &s, T0 + 60 * SEC));
	assert_false(hsb_session_expired(cs, 6, &s, T0 + 9 * SEC));
}

/* Entries a whole pass reads at the tick and slice for max_entries. */
static uint64_t per_pass(uint32_t max_entries)
{
	return (uint64_t)hsb_sweep_slice(max_entries) * HSB_SWEEP_PASS_S *
	       1000 / hsb_sweep_tick_ms(max_entries);
}

static void test_sweep_slice(void **state)
{
	(void)state;
	/* Small tables: one batch every 250 ms reads them whole. */
	assert_int_equal(hsb_sweep_tick_ms(1024), HSB_SWEEP_TICK_MAX_MS);
	assert_int_equal(hsb_sweep_slice(1024), HSB_SWEEP_BATCH);
	/* The default table (262144): one batch a tick, ticks of ~15 ms,
	 * a pass within HSB_SWEEP_PASS_S. */
	assert_int_equal(hsb_sweep_slice(262144), HSB_SWEEP_BATCH);
	assert_int_equal(hsb_sweep_tick_ms(262144), 15);
	assert_true(per_pass(262144) >= 262144);
	/* 1M: the shortest tick, a few batches each, the pass still in time. */
	assert_int_equal(hsb_sweep_tick_ms(1048576), HSB_SWEEP_TICK_MIN_MS);
	assert_true(hsb_sweep_slice(1048576) <= HSB_SWEEP_SLICE_MAX);
	assert_true(per_pass(1048576) >= 1048576);
	/* 16M: bounded per tick, the pass takes longer. */
	assert_int_equal(hsb_sweep_slice(16777216), HSB_SWEEP_SLICE_MAX);
	assert_true(per_pass(16777216) < 16777216);
	/* Every size: never more than the bound in one tick. */
	for (uint32_t n = 1024; n && n <= 16777216; n *= 2)
		assert_true(hsb_sweep_slice(n) <= HSB_SWEEP_SLICE_MAX);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_kind_per_state),
		T(test_defaults),
		T(test_expiry_on_fake_clock),
		T(test_touched_after_now),
		T(test_state_change_changes_deadline),
		T(test_sweep_slice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
