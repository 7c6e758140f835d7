// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Prometheus text format writer (user/hsbd/metrics/expo.h): HELP and
 * TYPE lines, samples with and without labels, escaping of label values
 * and HELP texts, refused names (metric, label, counter without _total,
 * samples outside a family), float values, growth past the first buffer,
 * and an output that `promtool check metrics` would read back the same
 * (checked end to end by tests/integration/test_metrics.sh).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "metrics/expo.h"

static void test_family_and_samples(void **state)
{
	struct hsb_expo e;
	struct hsb_expo_label l[] = { { "vrid", "7" }, { "state", "master" } };
	size_t len;
	char *out;

	(void)state;
	hsb_expo_init(&e);
	assert_true(hsb_expo_family(&e, "hsb_up", HSB_EXPO_GAUGE, "Up."));
	hsb_expo_u64(&e, NULL, 0, 1);
	assert_true(hsb_expo_family(&e, "hsb_vrrp_transitions_total",
				    HSB_EXPO_COUNTER, "Transitions."));
	hsb_expo_u64(&e, l, 2, 18446744073709551615ULL);
	out = hsb_expo_take(&e, &len);
	assert_string_equal(
		out, "# HELP hsb_up Up.\n"
		     "# TYPE hsb_up gauge\n"
		     "hsb_up 1\n"
		     "# HELP hsb_vrrp_transitions_total Transitions.\n"
		     "# TYPE hsb_vrrp_transitions_total counter\n"
		     "hsb_vrrp_transitions_total{vrid=\"7\",state=\"master\"} "
		     "18446744073709551615\n");
	assert_int_equal(len, strlen(out));
	free(out);
	/* taken: empty again */
	assert_null(e.buf);
	assert_int_equal(e.len, 0);
}

static void test_escaping(void **state)
{
	struct hsb_expo e;
	struct hsb_expo_label l[] = { { "iface", "a\"b\\c\nd" } };

	(void)state;
	hsb_expo_init(&e);
	assert_true(hsb_expo_family(&e, "hsb_x", HSB_EXPO_GAUGE,
				    "back\\slash \"quoted\"\nnext line"));
	hsb_expo_u64(&e, l, 1, 3);
	/* HELP escapes backslash and newline only; label values also the
	 * double quote */
	assert_string_equal(
		e.buf, "# HELP hsb_x back\\\\slash \"quoted\"\\nnext line\n"
		       "# TYPE hsb_x gauge\n"
		       "hsb_x{iface=\"a\\\"b\\\\c\\nd\"} 3\n");
	assert_int_equal(e.errors, 0);
	hsb_expo_free(&e);
}

static void test_names(void **state)
{
	(void)state;
	assert_true(hsb_expo_metric_name_ok("hsb_a:b_1"));
	assert_true(hsb_expo_metric_name_ok("_x"));
	assert_false(hsb_expo_metric_name_ok(""));
	assert_false(hsb_expo_metric_name_ok("1abc"));
	assert_false(hsb_expo_metric_name_ok("hsb-x"));
	assert_false(hsb_expo_metric_name_ok("hsb x"));
	assert_true(hsb_expo_label_name_ok("reason"));
	assert_false(hsb_expo_label_name_ok("__name__"));
	assert_false(hsb_expo_label_name_ok("a:b"));
	assert_false(hsb_expo_label_name_ok("0a"));
	assert_false(hsb_expo_label_name_ok(NULL));
}

static void test_refusals(void **state)
{
	struct hsb_expo e;
	struct hsb_expo_label bad[] = { { "ok", "1" }, { "bad-name", "2" } };

	(void)state;
	hsb_expo_init(&e);
	/* a sample before any family */
	hsb_expo_u64(&e, NULL, 0, 1);
	assert_int_equal(e.errors, 1);
	/* counters end in _total */
	assert_false(hsb_expo_family(&e, "hsb_drops", HSB_EXPO_COUNTER, "x"));
	assert_int_equal(e.errors, 2);
	/* ... and the samples after a refused family go nowhere */
	hsb_expo_u64(&e, NULL, 0, 1);
	assert_int_equal(e.errors, 3);
	assert_false(hsb_expo_family(&e, "hsb-bad", HSB_EXPO_GAUGE, "x"));
	assert_true(hsb_expo_family(&e, "hsb_ok", HSB_EXPO_GAUGE, "x"));
	/* one bad label name refuses the whole sample */
	hsb_expo_u64(&e, bad, 2, 1);
	assert_int_equal(e.errors, 5);
	assert_int_equal(e.samples, 0);
	assert_null(strstr(e.buf, "hsb_drops"));
	assert_null(strstr(e.buf, "hsb-bad"));
	assert_null(strstr(e.buf, "bad-name"));
	assert_string_equal(e.buf, "# HELP hsb_ok x\n# TYPE hsb_ok gauge\n");
	hsb_expo_free(&e);
}

static void test_floats(void **state)
{
	struct hsb_expo e;

	(void)state;
	hsb_expo_init(&e);
	assert_true(hsb_expo_family(&e, "hsb_seconds", HSB_EXPO_GAUGE, "s"));
	hsb_expo_f64(&e, NULL, 0, 0.25);
	hsb_expo_f64(&e, NULL, 0, 1.0 / 0.0);
	hsb_expo_f64(&e, NULL, 0, -1.0 / 0.0);
	hsb_expo_f64(&e, NULL, 0, 0.0 / 0.0);
	hsb_expo_f64(&e, NULL, 0, 3);
	hsb_expo_f64(&e, NULL, 0, 9.705);
	hsb_expo_f64(&e, NULL, 0, 0.1 + 0.2);
	assert_non_null(strstr(e.buf, "hsb_seconds 0.25\n"
				      "hsb_seconds +Inf\n"
				      "hsb_seconds -Inf\n"
				      "hsb_seconds NaN\n"
				      "hsb_seconds 3\n"
				      "hsb_seconds 9.705\n"
				      "hsb_seconds 0.30000000000000004\n"));
	hsb_expo_free(&e);
}

static void test_grows(void **state)
{
	struct hsb_expo e;
	char v[32];
	unsigned int i;
	size_t len;
	char *out;

	(void)state;
	hsb_expo_init(&e);
	assert_true(hsb_expo_family(&e, "hsb_many", HSB_EXPO_GAUGE, "many"));
	for (i = 0; i < 5000; i++) {
		struct hsb_expo_label l[] = { { "i", v } };

		snprintf(v, sizeof(v), "%u", i);
		hsb_expo_u64(&e, l, 1, i);
	}
	assert_false(e.oom);
	assert_int_equal(e.samples, 5000);
	out = hsb_expo_take(&e, &len);
	assert_true(len > 4096 * 8);
	assert_non_null(strstr(out, "hsb_many{i=\"4999\"} 4999\n"));
	assert_int_equal(out[len], '\0');
	free(out);
}

static void test_empty_take(void **state)
{
	struct hsb_expo e;
	size_t len = 99;
	char *out;

	(void)state;
	hsb_expo_init(&e);
	out = hsb_expo_take(&e, &len);
	assert_non_null(out);
	assert_string_equal(out, "");
	assert_int_equal(len, 0);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_family_and_samples),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_floats),
		cmocka_unit_test(test_grows),
		cmocka_unit_test(test_empty_take),
	};

	return cmocka_run_group_tests_name("metrics_expo", tests, NULL, NULL);
}
