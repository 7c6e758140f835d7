// SPDX-License-Identifier: GPL-2.0-only
/* Round trip: render(parse(x)) parses back to an equal model and is a
 * fixed point; mutated lines never crash and fail with a position. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"

#include "config_samples.h"

/* parse(render(cfg)) == cfg and render is a fixed point. */
static void assert_round_trip(const struct hsb_config *cfg)
{
	char *text = hsb_config_render(cfg), *again;
	struct hsb_config *back;

	assert_non_null(text);
	back = parse_or_fail(text);
	if (!hsb_config_equal(cfg, back))
		fail_msg("model differs after round trip of:\n%s", text);
	again = hsb_config_render(back);
	assert_non_null(again);
	assert_string_equal(text, again);
	free(again);
	free(text);
	hsb_config_free(back);
}

static void test_rich_round_trip(void **state)
{
	struct hsb_config *cfg = parse_or_fail(hsb_test_rich_config);
	char *text;

	(void)state;
	assert_round_trip(cfg);
	text = hsb_config_render(cfg);
	/* Order and a few canonical forms. */
	assert_non_null(strstr(text,
			       "sysname fw-a.dc1\nlog level debug\n"
			       "firewall zone dmz2\nfirewall zone mgmt\n"
			       "interface eth0 zone trust xdp-mode native\n"));
	assert_non_null(strstr(
		text,
		"security-policy rule dns from trust to untrust protocol udp destination-port 53 action permit\n"));
	assert_non_null(strstr(
		text,
		"security-policy rule ssh from mgmt to local protocol tcp destination-port 22 action permit\n"
		"security-policy rule web "));
	assert_non_null(strstr(
		text,
		"nat address-group pool2 mode no-pat\n"
		"nat address-group pool2 section 203.0.113.40 203.0.113.47\n"
		"nat address-group empty mode pat\n"
		"nat port-partition upper\n"
		"nat policy rule keep "));
	assert_non_null(strstr(
		text,
		"hrp enable\nvgmp group vg1 priority 120 preempt delay 30 hello-interval 500 dead-count 4\n"));
	assert_non_null(strstr(
		text,
		"vrrp vrid 2 interface eth0 virtual-ip 10.0.0.1 priority 255 advert-interval 200 no-preempt version 2\n"));
	assert_non_null(strstr(text, "\nmetrics listen 2001:db8::10 9100\n"));
	assert_null(strstr(text, "move"));
	assert_null(strstr(text, "firewall zone trust"));
	free(text);
	hsb_config_free(cfg);
}

static void test_empty_round_trip(void **state)
{
	struct hsb_config *cfg = hsb_config_new();

	(void)state;
	assert_round_trip(cfg);
	hsb_config_free(cfg);
}

/* Each command on its own, so one missing render is not hidden by the
 * rich config happening to contain a default. */
static void test_single_commands_round_trip(void **state)
{
	static const char *const lines[] = {
		"sysname x",
		"log level error",
		"log level warning",
		"firewall zone z",
		"interface lo xdp-mode generic",
		"firewall session table-size 1024",
		"firewall session timeout icmp 86400",
		"firewall blacklist ::/0 expire 31536000",
		"firewall whitelist 0.0.0.0/0",
		"security-policy rule r from trust to trust protocol 0 action deny",
		"security-policy rule r from trust to trust protocol udp destination-port 65535 action deny",
		"nat address-group g port-range 1024 1024",
		"nat address-group g section 0.0.0.0 255.255.255.255",
		"nat port-partition lower",
		"nat server s protocol udp global 1.1.1.1 1 inside 2.2.2.2 65535",
		"hrp interface eth0 remote ::1",
		"hrp authentication-key \"\\\\ \\\" 12345\"",
		"hrp auto-sync config",
		"vgmp group g preempt delay 0",
		"vgmp group g\nvgmp group g track ip ::",
		"metrics listen 0.0.0.0 1",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct hsb_config *cfg = parse_or_fail(lines[i]);

		assert_round_trip(cfg);
		hsb_config_free(cfg);
	}
}

struct count {
	unsigned int lines, backed_up, stop_at;
};

static int count_line(const char *line, enum hsb_cmd_scope scope, void *ctx)
{
	struct count *c = ctx;

	assert_null(strchr(line, '\n'));
	c->lines++;
	c->backed_up += scope == HSB_SCOPE_BACKED_UP;
	return c->lines == c->stop_at ? 42 : 0;
}

static void test_foreach(void **state)
{
	struct hsb_config *cfg = parse_or_fail(hsb_test_rich_config);
	struct count c = { 0 };

	(void)state;
	assert_int_equal(hsb_config_foreach(cfg, count_line, &c), 0);
	assert_true(c.lines > 50);
	/* zones 2, timeouts 7, lists 5, rules 7, groups 3+3 sections, NAT
	 * policy 3, servers 3, a group's vrrp binding 1 */
	assert_int_equal(c.backed_up, 34);
	c = (struct count){ .stop_at = 3 };
	assert_int_equal(hsb_config_foreach(cfg, count_line, &c), 42);
	assert_int_equal(c.lines, 3);
	hsb_config_free(cfg);
}

/* xorshift32: deterministic across platforms. */
static uint32_t rnd_state = 2463534242u;

static uint32_t rnd(uint32_t n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state % n;
}

#define MAX_WORDS 64

static const char *const junk[] = {
	"",	      "\"",	    "\"\"",
	"#",	      "undo",	    "0",
	"-1",	      "4294967296", "65536",
	"256",	      "::",	    "/",
	"1.2.3.4/33", "1.2.3.4/",   "::ffff:1.2.3.4",
	"a-b",	      "x\ty",	    "\"a\\\"b\"",
	"\\",	      "eth0/1",	    "any",
	"move",	      "before",	    "after",
	"delay",      "\x01",	    "\xff",
	"1-",	      "2-1",	    "abcdefghijabcdefghijabcdefghijabc",
};

static size_t split(char *s, char **words)
{
	size_t n = 0;
	char *tok, *save;

	for (tok = strtok_r(s, " ", &save); tok && n < MAX_WORDS;
	     tok = strtok_r(NULL, " ", &save))
		words[n++] = tok;
	return n;
}

/* Builds a mutant of one rich line in out: words deleted, replaced by
 * words of other lines or junk, duplicated or swapped. */
static void mutate(char **lines, size_t n_lines, char *out, size_t len)
{
	char copy[1024], other[1024], *w[MAX_WORDS], *ow[MAX_WORDS];
	size_t n, on, i, edits = 1 + rnd(3);

	snprintf(copy, sizeof(copy), "%s", lines[rnd((uint32_t)n_lines)]);
	snprintf(other, sizeof(other), "%s", lines[rnd((uint32_t)n_lines)]);
	n = split(copy, w);
	on = split(other, ow);
	for (i = 0; i < edits && n; i++) {
		size_t at = rnd((uint32_t)n);

		switch (rnd(4)) {
		case 0:
			memmove(&w[at], &w[at + 1], (n - at - 1) * sizeof(*w));
			n--;
			break;
		case 1:
			w[at] = (char *)junk[rnd(sizeof(junk) / sizeof(*junk))];
			break;
		case 2:
			w[at] = ow[rnd((uint32_t)on)];
			break;
		default:
			if (n < MAX_WORDS)
				w[n++] = w[at];
			break;
		}
	}
	out[0] = '\0';
	for (i = 0; i < n; i++)
		snprintf(out + strlen(out), len - strlen(out), "%s%s",
			 i ? " " : "", w[i]);
}

static void test_fuzz(void **state)
{
	struct hsb_config *cfg = parse_or_fail(hsb_test_rich_config), *before;
	char text[sizeof(hsb_test_rich_config)], *lines[128], *save, *l,
		line[1200];
	struct hsb_cfg_error err;
	size_t n_lines = 0;
	unsigned int i, applied = 0;

	(void)state;
	memcpy(text, hsb_test_rich_config, sizeof(hsb_test_rich_config));
	for (l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save))
		lines[n_lines++] = l;
	before = hsb_config_clone(cfg);
	assert_non_null(before);
	for (i = 0; i < 4000; i++) {
		mutate(lines, n_lines, line, sizeof(line));
		memcpy(before, cfg, sizeof(*cfg));
		if (hsb_config_apply_line(cfg, line, HSB_CFG_ALL_KNOWN, "fuzz",
					  i + 1, NULL, &err) == 0) {
			applied++;
			if (applied % 8 == 0)
				assert_round_trip(cfg);
		} else {
			if (err.line != i + 1 || err.column < 1 ||
			    err.column > strlen(line) + 1 || !err.msg[0])
				fail_msg("'%s': bad error %u:%u '%s'", line,
					 err.line, err.column, err.msg);
			if (!hsb_config_equal(before, cfg))
				fail_msg("'%s' failed but changed the config",
					 line);
		}
	}
	hsb_config_free(before);
	/* Both outcomes must have been exercised. */
	assert_true(applied > 100 && applied < 3900);
	assert_round_trip(cfg);
	hsb_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rich_round_trip),
		cmocka_unit_test(test_empty_round_trip),
		cmocka_unit_test(test_single_commands_round_trip),
		cmocka_unit_test(test_foreach),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
