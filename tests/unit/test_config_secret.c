// SPDX-License-Identifier: GPL-2.0-only
/* hrp authentication-key stays secret: parse errors never quote it, the
 * masked running-config line hides it and cannot be fed back as a key,
 * and a configuration file others may read is reported. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "privs/conf_mode.h"

#define KEY "s3cr3t-Key-0123456789"

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

/* Applies line, which must fail; the formatted error must not hold
 * secret (nor any 8-character piece of it). */
static void refused_without(const char *line, const char *secret)
{
	struct hsb_cfg_error err;
	char msg[512], piece[9];
	size_t i;

	assert_int_not_equal(hsb_config_apply_text(
				     cfg, line, HSB_CFG_IMPLEMENTED, "t", &err),
			     0);
	hsb_cfg_error_format(&err, msg, sizeof(msg));
	for (i = 0; i + 8 <= strlen(secret); i++) {
		memcpy(piece, secret + i, 8);
		piece[8] = '\0';
		if (strstr(msg, piece))
			fail_msg("error quotes the key: %s", msg);
	}
	assert_non_null(strstr(msg, "authentication-key"));
}

static void test_errors_do_not_quote_the_key(void **state)
{
	char long_key[80], line[128];

	(void)state;
	memset(long_key, 'k', 65);
	memcpy(long_key, KEY, strlen(KEY));
	long_key[65] = '\0';
	snprintf(line, sizeof(line), "hrp authentication-key \"%s\"", long_key);
	refused_without(line, long_key);
	/* an unquoted key with a space: the second word is the key too */
	refused_without("hrp authentication-key s3cr3t-Ke y-0123456789",
			"y-0123456789");
	refused_without("hrp authentication-key s3cr3t", "s3cr3t");
	refused_without("undo hrp authentication-key " KEY, KEY);
}

static int find_key_line(const char *line, enum hsb_cmd_scope scope, void *ctx)
{
	(void)scope;
	if (hsb_config_line_secret(line))
		snprintf(ctx, 128, "%s", line);
	return 0;
}

static void test_masked_line(void **state)
{
	struct hsb_cfg_error err;
	char line[128] = "", buf[128];
	const char *m;

	(void)state;
	assert_int_equal(
		hsb_config_apply_text(cfg, "hrp authentication-key \"" KEY "\"",
				      HSB_CFG_IMPLEMENTED, "t", &err),
		0);
	hsb_config_foreach(cfg, find_key_line, line);
	assert_non_null(strstr(line, KEY));
	m = hsb_config_line_masked(line, buf, sizeof(buf));
	assert_string_equal(m, "hrp authentication-key ******");
	/* other lines pass unchanged */
	assert_string_equal(hsb_config_line_masked("sysname fw", buf,
						   sizeof(buf)),
			    "sysname fw");
	assert_false(hsb_config_line_secret("hrp authentication-keys x"));
	/* the masked line fed back is refused, not taken as a key */
	assert_int_not_equal(hsb_config_apply_text(cfg, m, HSB_CFG_IMPLEMENTED,
						   "t", &err),
			     0);
	assert_string_equal(cfg->hrp.auth_key, KEY);
}

static void test_conf_mode(void **state)
{
	char path[] = "/tmp/hsb-secret-XXXXXX", msg[512];
	struct hsb_cfg_error err;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	/* no key: any mode is fine */
	assert_int_equal(chmod(path, 0644), 0);
	assert_false(hsbd_conf_mode_unsafe(path, cfg, msg, sizeof(msg)));
	assert_int_equal(
		hsb_config_apply_text(cfg, "hrp authentication-key \"" KEY "\"",
				      HSB_CFG_IMPLEMENTED, "t", &err),
		0);
	assert_true(hsbd_conf_mode_unsafe(path, cfg, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "0644"));
	assert_non_null(strstr(msg, "chmod 600"));
	assert_null(strstr(msg, KEY));
	assert_int_equal(chmod(path, 0640), 0);
	assert_true(hsbd_conf_mode_unsafe(path, cfg, msg, sizeof(msg)));
	assert_int_equal(chmod(path, 0600), 0);
	assert_false(hsbd_conf_mode_unsafe(path, cfg, msg, sizeof(msg)));
	assert_int_equal(chmod(path, 0400), 0);
	assert_false(hsbd_conf_mode_unsafe(path, cfg, msg, sizeof(msg)));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_errors_do_not_quote_the_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_masked_line, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_conf_mode, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
