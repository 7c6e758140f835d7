// SPDX-License-Identifier: GPL-2.0-only
/* hsbctl monitor's pure parts (user/lib/monitor.h): the timestamp, a
 * monitor's bounded queue and its "dropped" line, the human form; and
 * the command names a config line reports (hsb_config_command_name). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "config.h"
#include "monitor.h"

static void test_time(void **state)
{
	char buf[HSB_MON_TIME_LEN];

	(void)state;
	hsb_mon_time(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00.000Z");
	hsb_mon_time(1796889169123ULL, buf, sizeof(buf));
	assert_string_equal(buf, "2026-12-10T07:52:49.123Z");
	hsb_mon_time(1796889169007ULL, buf, sizeof(buf));
	assert_string_equal(buf, "2026-12-10T07:52:49.007Z");
}

static void test_event(void **state)
{
	struct json_object *o = hsb_mon_event(1000, "vrrp");

	(void)state;
	assert_non_null(o);
	assert_string_equal(
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
		"{\"time\":\"1970-01-01T00:00:01.000Z\",\"kind\":\"vrrp\"}");
	json_object_put(o);
}

static char *pending(const struct hsb_monq *q)
{
	static char buf[4096];

	assert_true(hsb_monq_pending(q) < sizeof(buf));
	memcpy(buf, hsb_monq_data(q), hsb_monq_pending(q));
	buf[hsb_monq_pending(q)] = '\0';
	return buf;
}

static void test_queue_lines(void **state)
{
	struct hsb_monq q;

	(void)state;
	hsb_monq_init(&q, 1024);
	assert_int_equal(hsb_monq_pending(&q), 0);
	assert_int_equal(hsb_monq_push(&q, "{\"a\":1}", 7, 0), 1);
	assert_int_equal(hsb_monq_push(&q, "{\"b\":2}", 7, 0), 1);
	assert_string_equal(pending(&q), "{\"a\":1}\n{\"b\":2}\n");
	hsb_monq_consume(&q, 3);
	assert_string_equal(pending(&q), "\":1}\n{\"b\":2}\n");
	hsb_monq_consume(&q, 100); /* more than waits: all of it */
	assert_int_equal(hsb_monq_pending(&q), 0);
	assert_int_equal(q.queued_total, 2);
	hsb_monq_release(&q);
}

/* Full: lines are dropped and counted, the next line that fits comes
 * after one that says how many; whole lines only, never more than the
 * limit waiting. */
static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && !strcmp(s + n - t, tail);
}

static void test_queue_drops(void **state)
{
	char line[100];
	struct hsb_monq q;
	int i;

	(void)state;
	memset(line, 'x', sizeof(line));
	hsb_monq_init(&q, 504); /* 5 lines of 100 + '\n' do not fit */
	for (i = 0; i < 4; i++)
		assert_int_equal(hsb_monq_push(&q, line, 100, 0), 1);
	assert_int_equal(hsb_monq_pending(&q), 404);
	assert_int_equal(hsb_monq_push(&q, line, 100, 0), 0);
	assert_int_equal(hsb_monq_push(&q, line, 100, 0), 0);
	assert_int_equal(hsb_monq_push(&q, line, 100, 0), 0);
	assert_int_equal(q.dropped, 3);
	assert_int_equal(hsb_monq_pending(&q), 404);
	/* room for the line, not for the notice with it: still dropped */
	hsb_monq_consume(&q, 1);
	assert_int_equal(hsb_monq_push(&q, line, 100, 0), 0);
	assert_int_equal(q.dropped, 4);
	/* room for both: the notice first, then the line */
	hsb_monq_consume(&q, 202);
	assert_int_equal(hsb_monq_push(&q, "{\"c\":3}", 7, 2000), 1);
	assert_int_equal(q.dropped, 0);
	assert_int_equal(q.dropped_total, 4);
	assert_true(ends_with(
		pending(&q),
		"x\n{\"time\":\"1970-01-01T00:00:02.000Z\",\"kind\":\"monitor\",\"event\":\"dropped\",\"dropped\":4}\n"
		"{\"c\":3}\n"));
	assert_true(hsb_monq_pending(&q) <= q.limit);
	/* and the count starts again */
	assert_int_equal(hsb_monq_push(&q, "{}", 2, 0), 1);
	assert_true(ends_with(pending(&q), "{\"c\":3}\n{}\n"));
	hsb_monq_release(&q);
}

/* A long run of pushes and partial writes: the bytes that come out are
 * the lines that went in, in order, each whole. */
static void test_queue_stream(void **state)
{
	struct hsb_monq q;
	char line[64], *out = malloc(1 << 20), *p, *end;
	size_t outlen = 0;
	int i, last = -1;
	uint64_t lines = 0;

	(void)state;
	assert_non_null(out);
	hsb_monq_init(&q, 300);
	for (i = 0; i < 5000; i++) {
		int n = snprintf(line, sizeof(line), "{\"n\":%d}", i);

		hsb_monq_push(&q, line, (size_t)n, 0);
		assert_true(hsb_monq_pending(&q) <= 300);
		if (i % 5 == 0) {
			/* a partial write, and a line cut in two */
			size_t take = hsb_monq_pending(&q) / 10;

			memcpy(out + outlen, hsb_monq_data(&q), take);
			outlen += take;
			hsb_monq_consume(&q, take);
		}
	}
	memcpy(out + outlen, hsb_monq_data(&q), hsb_monq_pending(&q));
	outlen += hsb_monq_pending(&q);
	hsb_monq_consume(&q, hsb_monq_pending(&q));
	assert_true(q.dropped_total > 0);
	/* whole lines, increasing, as many as were queued */
	out[outlen] = '\0';
	for (p = out; *p; p = end + 1) {
		int n;

		end = strchr(p, '\n');
		assert_non_null(end);
		lines++;
		if (sscanf(p, "{\"n\":%d}", &n) == 1) {
			assert_true(n > last);
			last = n;
		} else {
			assert_non_null(strstr(p, "\"event\":\"dropped\""));
		}
	}
	assert_int_equal(lines, q.queued_total);
	assert_true(last > 0);
	free(out);
	hsb_monq_release(&q);
}

static char *render(const char *json)
{
	static char buf[512];
	struct json_object *o = json_tokener_parse(json);
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	int ret;

	assert_non_null(f);
	ret = hsb_mon_render(f, o);
	fclose(f);
	json_object_put(o);
	return ret ? NULL : buf;
}

static void test_render(void **state)
{
	(void)state;
	assert_string_equal(
		render("{\"time\":\"T\",\"kind\":\"vrrp\",\"group\":\"vrrp 10 eth1\",\"from\":\"backup\",\"to\":\"master\",\"priority\":100,\"reason\":\"master-down-timer\"}"),
		"T vrrp     vrrp 10 eth1: backup -> master, priority 100 (master-down-timer)\n");
	assert_string_equal(
		render("{\"time\":\"T\",\"kind\":\"group\",\"group\":\"vgmp g1\",\"state\":\"standby\",\"reason\":\"switchover\"}"),
		"T group    vgmp g1: standby (switchover)\n");
	assert_string_equal(
		render("{\"time\":\"T\",\"kind\":\"config\",\"origin\":\"peer\",\"generation\":7,\"changed\":[\"nat server\",\"security-policy rule\"],\"added\":2,\"removed\":1}"),
		"T config   applied, from peer, generation 7: nat server, security-policy rule (+2 -1 lines)\n");
	assert_string_equal(
		render("{\"time\":\"T\",\"kind\":\"datapath\",\"sessions_created\":12,\"sessions_updated\":0,\"sessions_deleted\":3,\"nat_created\":0,\"nat_deleted\":0,\"interval_ms\":1000}"),
		"T datapath sessions created 12, deleted 3 in 1000 ms\n");
	assert_string_equal(
		render("{\"time\":\"T\",\"kind\":\"hrp\",\"state\":\"down\"}"),
		"T hrp      connection to the peer down\n");
	assert_string_equal(
		render("{\"time\":\"T\",\"kind\":\"monitor\",\"event\":\"dropped\",\"dropped\":5}"),
		"T monitor  5 events dropped (read too slowly)\n");
	/* a kind this hsbctl does not know: the object as it came */
	assert_string_equal(
		render("{\"time\":\"T\",\"kind\":\"new\",\"x\":1}"),
		"T new      {\"time\":\"T\",\"kind\":\"new\",\"x\":1}\n");
	assert_null(render("{\"kind\":\"vrrp\"}"));
	assert_null(render("[1]"));
}

static void test_command_name(void **state)
{
	char buf[128];

	(void)state;
	assert_true(hsb_config_command_name("hrp authentication-key \"secret\"",
					    buf, sizeof(buf)));
	assert_string_equal(buf, "hrp authentication-key");
	assert_true(hsb_config_command_name(
		"vrrp vrid 10 interface eth0 virtual-ip 10.0.0.1/24", buf,
		sizeof(buf)));
	assert_string_equal(buf, "vrrp vrid");
	assert_true(hsb_config_command_name("firewall session timeout tcp 600",
					    buf, sizeof(buf)));
	assert_string_equal(buf, "firewall session timeout");
	assert_true(hsb_config_command_name("sysname fw", buf, sizeof(buf)));
	assert_string_equal(buf, "sysname");
	assert_false(hsb_config_command_name("bogus x", buf, sizeof(buf)));
	assert_false(hsb_config_command_name("", buf, sizeof(buf)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_event),
		cmocka_unit_test(test_queue_lines),
		cmocka_unit_test(test_queue_drops),
		cmocka_unit_test(test_queue_stream),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_command_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
