// SPDX-License-Identifier: GPL-2.0-only
/* Control protocol framing: what hsbd accepts and what it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ctl_proto.h"

static enum hsb_ctl_status feed_str(struct hsb_ctl_request *req, const char *s)
{
	size_t used;

	return hsb_ctl_feed(req, s, strlen(s), &used);
}

static void test_simple_request(void **state)
{
	struct hsb_ctl_request req;

	(void)state;
	hsb_ctl_request_init(&req);
	assert_int_equal(feed_str(&req, "show  running-config\n"),
			 HSB_CTL_COMPLETE);
	assert_int_equal(req.argc, 2);
	assert_string_equal(req.argv[0], "show");
	assert_string_equal(req.argv[1], "running-config");
	assert_null(req.body);
	hsb_ctl_request_release(&req);
}

static void test_crlf_and_byte_by_byte(void **state)
{
	const char *msg = "status\r\n";
	struct hsb_ctl_request req;
	size_t i, used;

	(void)state;
	hsb_ctl_request_init(&req);
	for (i = 0; i + 1 < strlen(msg); i++)
		assert_int_equal(hsb_ctl_feed(&req, msg + i, 1, &used),
				 HSB_CTL_NEED_MORE);
	assert_int_equal(hsb_ctl_feed(&req, msg + i, 1, &used),
			 HSB_CTL_COMPLETE);
	assert_string_equal(req.argv[0], "status");
	assert_int_equal(req.argc, 1);
	hsb_ctl_request_release(&req);
}

static void test_config_body_split_across_reads(void **state)
{
	const char *msg = "config 24 my.conf\nsysname fw-a\nlog level info\n";
	struct hsb_ctl_request req;
	size_t used, len = strlen(msg);

	(void)state;
	hsb_ctl_request_init(&req);
	assert_int_equal(hsb_ctl_feed(&req, msg, 20, &used), HSB_CTL_NEED_MORE);
	assert_int_equal(used, 20);
	assert_int_equal(hsb_ctl_feed(&req, msg + 20, len - 20, &used),
			 HSB_CTL_COMPLETE);
	/* the body is exactly 24 bytes; what follows is not consumed */
	assert_int_equal(used, 24 - (20 - 18));
	assert_int_equal(req.body_len, 24);
	assert_memory_equal(req.body, "sysname fw-a\nlog level i", 24);
	assert_string_equal(req.argv[2], "my.conf");
	hsb_ctl_request_release(&req);
}

static void test_config_empty_body(void **state)
{
	struct hsb_ctl_request req;

	(void)state;
	hsb_ctl_request_init(&req);
	assert_int_equal(feed_str(&req, "config 0\n"), HSB_CTL_COMPLETE);
	assert_non_null(req.body);
	assert_int_equal(req.body_len, 0);
	hsb_ctl_request_release(&req);
}

/* Each of these must be refused with a reason, never crash or hang. */
static void test_malformed(void **state)
{
	static const struct {
		const char *input;
		size_t len;
		const char *reason;
	} cases[] = {
		{ "\n", 1, "1..4096" },
		{ "   \n", 4, "empty request line" },
		{ "sh\x01ow\n", 6, "not printable" },
		{ "show\xc3\xa9\n", 7, "not printable" },
		{ "sh\0ow\n", 6, "NUL byte" },
		{ "config\n", 7, "usage: config" },
		{ "config 1 2 3\n", 13, "usage: config" },
		{ "config abc\n", 11, "not a number" },
		{ "config -5\n", 10, "not a number" },
		{ "config 12x\n", 11, "not a number" },
		{ "config 99999999999999999999999\n", 31, "not a number" },
		{ "config 1048577\n", 15, "larger than 1 MiB" },
		{ "config 3\na\0b", 12, "NUL byte in config body" },
		{ "a b c d e f g h i j k l m n o p q r s t u v w x y z 1 2 3 4 5 6 7\n",
		  66, "too many words" },
	};
	size_t i, used;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hsb_ctl_request req;

		hsb_ctl_request_init(&req);
		assert_int_equal(hsb_ctl_feed(&req, cases[i].input,
					      cases[i].len, &used),
				 HSB_CTL_BAD);
		if (!strstr(req.err, cases[i].reason))
			fail_msg("case %zu: '%s' lacks '%s'", i, req.err,
				 cases[i].reason);
		/* a refused request stays refused */
		assert_int_equal(hsb_ctl_feed(&req, "status\n", 7, &used),
				 HSB_CTL_BAD);
		hsb_ctl_request_release(&req);
	}
}

static void test_oversized_line(void **state)
{
	char *big = malloc(HSB_CTL_MAX_LINE + 2);
	struct hsb_ctl_request req;
	size_t used;

	(void)state;
	memset(big, 'a', HSB_CTL_MAX_LINE + 1);
	big[HSB_CTL_MAX_LINE + 1] = '\n';
	hsb_ctl_request_init(&req);
	assert_int_equal(hsb_ctl_feed(&req, big, HSB_CTL_MAX_LINE + 2, &used),
			 HSB_CTL_BAD);
	assert_non_null(strstr(req.err, "longer than 4096"));
	hsb_ctl_request_release(&req);

	/* exactly the limit is fine */
	big[HSB_CTL_MAX_LINE] = '\n';
	hsb_ctl_request_init(&req);
	assert_int_equal(hsb_ctl_feed(&req, big, HSB_CTL_MAX_LINE + 1, &used),
			 HSB_CTL_COMPLETE);
	hsb_ctl_request_release(&req);
	free(big);
}

static void test_max_body_accepted(void **state)
{
	char line[32];
	char *body = malloc(HSB_CTL_MAX_BODY);
	struct hsb_ctl_request req;
	size_t used;

	(void)state;
	memset(body, 'x', HSB_CTL_MAX_BODY);
	snprintf(line, sizeof(line), "config %d\n", HSB_CTL_MAX_BODY);
	hsb_ctl_request_init(&req);
	assert_int_equal(feed_str(&req, line), HSB_CTL_NEED_MORE);
	assert_int_equal(hsb_ctl_feed(&req, body, HSB_CTL_MAX_BODY, &used),
			 HSB_CTL_COMPLETE);
	assert_int_equal(req.body_len, HSB_CTL_MAX_BODY);
	hsb_ctl_request_release(&req);
	free(body);
}

static void test_check_line(void **state)
{
	char err[128];

	(void)state;
	assert_int_equal(hsb_ctl_check_line("show counters", err, sizeof(err)),
			 0);
	assert_int_not_equal(hsb_ctl_check_line("", err, sizeof(err)), 0);
	assert_int_not_equal(hsb_ctl_check_line("a\nb", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "offset 1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_request),
		cmocka_unit_test(test_crlf_and_byte_by_byte),
		cmocka_unit_test(test_config_body_split_across_reads),
		cmocka_unit_test(test_config_empty_body),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_oversized_line),
		cmocka_unit_test(test_max_body_accepted),
		cmocka_unit_test(test_check_line),
	};

	return cmocka_run_group_tests_name("ctl_proto", tests, NULL, NULL);
}
