// SPDX-License-Identifier: GPL-2.0-only
/* The STATUS= line systemd shows for hsbd (service/status_line.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "service/status_line.h"

static const char *fmt(const struct hsbd_status_counts *c)
{
	static char buf[256];

	hsbd_status_format(c, buf, sizeof(buf));
	return buf;
}

static void test_nothing_configured(void **state)
{
	struct hsbd_status_counts c = { 0 };

	(void)state;
	assert_string_equal(fmt(&c), "running: no vrrp or vgmp configured");
	c.hrp_enabled = true;
	assert_string_equal(fmt(&c),
			    "running: no vrrp or vgmp configured, hrp down");
}

static void test_master_with_hrp(void **state)
{
	struct hsbd_status_counts c = { .vrrp = { 0, 0, 2 },
					.hrp_enabled = true,
					.hrp_up = true };

	(void)state;
	assert_string_equal(fmt(&c), "active: 2 vrrp master, hrp up");
}

static void test_groups_before_members(void **state)
{
	struct hsbd_status_counts c = { .vrrp = { 0, 3, 0 },
					.vgmp = { 0, 1, 0 } };

	(void)state;
	assert_string_equal(fmt(&c), "standby: 1 vgmp standby, 3 vrrp backup");
}

/* Load balancing: active for one group, standby for the other. */
static void test_any_active_is_active(void **state)
{
	struct hsbd_status_counts c = { .vgmp = { 0, 1, 1 },
					.vrrp = { 1, 1, 1 } };

	(void)state;
	assert_string_equal(
		fmt(&c),
		"active: 1 vgmp active, 1 vgmp standby, 1 vrrp master, "
		"1 vrrp backup, 1 vrrp init");
}

static void test_all_init_is_starting(void **state)
{
	struct hsbd_status_counts c = { .vrrp = { 2, 0, 0 } };

	(void)state;
	assert_string_equal(fmt(&c), "starting: 2 vrrp init");
}

static void test_reload_refused_is_said(void **state)
{
	struct hsbd_status_counts c = { .vrrp = { 0, 1, 0 },
					.reload_failed = true };

	(void)state;
	assert_string_equal(
		fmt(&c), "standby: 1 vrrp backup; last reload refused, running "
			 "configuration kept");
}

/* A short buffer is cut, still terminated, and nothing past it written. */
static void test_truncation(void **state)
{
	struct hsbd_status_counts c = { .vrrp = { 0, 0, 2 },
					.hrp_enabled = true };
	char buf[12];
	size_t i;

	(void)state;
	for (i = 1; i < sizeof(buf); i++) {
		memset(buf, 'x', sizeof(buf));
		hsbd_status_format(&c, buf, i);
		assert_int_equal(strlen(buf), i - 1);
		assert_memory_equal(buf, "active: 2 vrrp", i - 1);
		if (i < sizeof(buf) - 1)
			assert_int_equal(buf[i], 'x');
	}
	memset(buf, 'x', sizeof(buf));
	hsbd_status_format(&c, buf, 0);
	assert_int_equal(buf[0], 'x');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_configured),
		cmocka_unit_test(test_master_with_hrp),
		cmocka_unit_test(test_groups_before_members),
		cmocka_unit_test(test_any_active_is_active),
		cmocka_unit_test(test_all_init_is_starting),
		cmocka_unit_test(test_reload_refused_is_said),
		cmocka_unit_test(test_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
