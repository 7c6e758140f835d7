// SPDX-License-Identifier: GPL-2.0-only
/* The log rate limiter, driven with explicit times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "log.h"

static void test_burst_then_refill(void **state)
{
	struct hsb_ratelimit rl = HSB_RATELIMIT_INIT(100, 3);
	uint32_t suppressed = 99;
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_true(hsb_ratelimit_allow(&rl, 1000, &suppressed));
		assert_int_equal(suppressed, 0);
	}
	/* bucket empty: the next five are dropped and counted */
	for (i = 0; i < 5; i++)
		assert_false(hsb_ratelimit_allow(&rl, 1050, &suppressed));
	/* one interval later, one token; it reports the five dropped */
	assert_true(hsb_ratelimit_allow(&rl, 1100, &suppressed));
	assert_int_equal(suppressed, 5);
	assert_false(hsb_ratelimit_allow(&rl, 1199, &suppressed));
	/* a long quiet period refills to the burst, not beyond */
	for (i = 0; i < 3; i++)
		assert_true(hsb_ratelimit_allow(&rl, 100000, &suppressed));
	assert_false(hsb_ratelimit_allow(&rl, 100000, &suppressed));
}

static void test_clock_going_backwards_is_harmless(void **state)
{
	struct hsb_ratelimit rl = HSB_RATELIMIT_INIT(100, 1);
	uint32_t suppressed;

	(void)state;
	assert_true(hsb_ratelimit_allow(&rl, 5000, &suppressed));
	assert_false(hsb_ratelimit_allow(&rl, 10, &suppressed));
	assert_true(hsb_ratelimit_allow(&rl, 5100, &suppressed));
	assert_int_equal(suppressed, 1);
}

static void test_level_names(void **state)
{
	(void)state;
	assert_string_equal(hsb_log_level_name(HSB_LOG_ERR), "error");
	assert_string_equal(hsb_log_level_name(HSB_LOG_DEBUG), "debug");
	hsb_log_set_level(HSB_LOG_WARNING);
	assert_int_equal(hsb_log_get_level(), HSB_LOG_WARNING);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_refill),
		cmocka_unit_test(test_clock_going_backwards_is_harmless),
		cmocka_unit_test(test_level_names),
	};

	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
