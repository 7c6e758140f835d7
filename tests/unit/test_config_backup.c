// SPDX-License-Identifier: GPL-2.0-only
/* The backed-up part of a configuration: what is copied, compared and
 * adopted from the peer (config.h, docs/hrp.md "Configuration backup"). */
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

/* Another host of the same pair: its own interfaces, VRRP and HRP link,
 * and a policy of its own that the peer's must replace. */
static const char own_text[] =
	"sysname fw-b\n"
	"firewall zone mgmt\n"
	"interface eth0 zone trust\n"
	"interface eth1 zone untrust\n"
	"interface eth2\n"
	"interface eth3\n"
	"firewall session timeout udp 30\n"
	"firewall blacklist 10.9.9.0/24\n"
	"security-policy rule old from trust to untrust action permit\n"
	"hrp interface eth3 remote 10.255.0.1 local 10.255.0.2\n"
	"hrp authentication-key secret-key-1\n"
	"hrp enable\n"
	"vgmp group vg1 priority 110\n"
	"vrrp vrid 255 interface eth2 virtual-ip 10.0.2.1\n";

static void assert_scope_equal(const struct hsb_config *a,
			       const struct hsb_config *b,
			       enum hsb_cmd_scope scope)
{
	char *ta = hsb_config_render_scope(a, scope);
	char *tb = hsb_config_render_scope(b, scope);

	assert_non_null(ta);
	assert_non_null(tb);
	assert_string_equal(ta, tb);
	free(ta);
	free(tb);
}

static unsigned int count_lines(const char *s)
{
	unsigned int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Every canonical line is in exactly one scope, and each scope's lines
 * keep the canonical order. */
static void test_render_scope_partitions(void **state)
{
	struct hsb_config *cfg = parse_or_fail(hsb_test_rich_config);
	char *all = hsb_config_render(cfg);
	char *bu = hsb_config_render_scope(cfg, HSB_SCOPE_BACKED_UP);
	char *lo = hsb_config_render_scope(cfg, HSB_SCOPE_LOCAL);
	const char *p = all, *nl, *in_bu = bu, *in_lo = lo;

	(void)state;
	assert_int_equal(count_lines(all), count_lines(bu) + count_lines(lo));
	assert_non_null(strstr(bu, "security-policy rule web "));
	assert_non_null(strstr(bu, "nat address-group pool2 vrrp vrid 255\n"));
	assert_null(strstr(bu, "interface "));
	assert_null(strstr(bu, "hrp "));
	assert_null(strstr(lo, "firewall blacklist"));
	for (; (nl = strchr(p, '\n')); p = nl + 1) {
		size_t n = (size_t)(nl - p) + 1;

		if (!strncmp(in_bu, p, n))
			in_bu += n;
		else if (!strncmp(in_lo, p, n))
			in_lo += n;
		else
			fail_msg("line out of order: %.*s", (int)n, p);
	}
	free(all);
	free(bu);
	free(lo);
	hsb_config_free(cfg);
}

/* Copying moves every backed-up object and not one local one: checked
 * with the configuration that has every command of the language. */
static void test_copy_is_exactly_the_backed_up_part(void **state)
{
	struct hsb_config *rich = parse_or_fail(hsb_test_rich_config);
	struct hsb_config *blank = hsb_config_new();
	struct hsb_config *fresh = hsb_config_new();

	(void)state;
	assert_false(hsb_config_backed_up_equal(blank, rich));
	hsb_config_copy_backed_up(blank, rich);
	assert_true(hsb_config_backed_up_equal(blank, rich));
	assert_scope_equal(blank, rich, HSB_SCOPE_BACKED_UP);
	assert_scope_equal(blank, fresh, HSB_SCOPE_LOCAL);
	/* and back: a local change is not a backed-up difference */
	snprintf(blank->sysname, sizeof(blank->sysname), "other");
	blank->session.table_size = 1024;
	assert_true(hsb_config_backed_up_equal(blank, rich));
	blank->session.timeout[HSB_TMO_UDP]++;
	assert_false(hsb_config_backed_up_equal(blank, rich));
	hsb_config_free(rich);
	hsb_config_free(blank);
	hsb_config_free(fresh);
}

static void test_adopt_keeps_local_takes_backed_up(void **state)
{
	struct hsb_config *own = parse_or_fail(own_text);
	struct hsb_config *peer = parse_or_fail(hsb_test_rich_config);
	char *text = hsb_config_render_scope(peer, HSB_SCOPE_BACKED_UP);
	struct hsb_config *out;
	struct hsb_cfg_error err;
	char msg[512];

	(void)state;
	if (hsb_config_adopt_backed_up(own, text, &out, &err)) {
		hsb_cfg_error_format(&err, msg, sizeof(msg));
		fail_msg("%s", msg);
	}
	assert_scope_equal(out, own, HSB_SCOPE_LOCAL);
	assert_scope_equal(out, peer, HSB_SCOPE_BACKED_UP);
	assert_string_equal(out->sysname, "fw-b");
	/* this host's own policy is gone, not merged */
	assert_int_equal(out->n_blacklist, peer->n_blacklist);
	assert_int_equal(out->session.timeout[HSB_TMO_UDP], 90);
	free(text);
	hsb_config_free(out);
	hsb_config_free(own);
	hsb_config_free(peer);
}

/* An empty backed-up part is a valid one: the peer has no policy. */
static void test_adopt_empty(void **state)
{
	struct hsb_config *own = parse_or_fail(own_text), *out;
	struct hsb_config *fresh = hsb_config_new();
	struct hsb_cfg_error err;

	(void)state;
	assert_int_equal(hsb_config_adopt_backed_up(own, "", &out, &err), 0);
	assert_scope_equal(out, fresh, HSB_SCOPE_BACKED_UP);
	assert_scope_equal(out, own, HSB_SCOPE_LOCAL);
	hsb_config_free(out);
	hsb_config_free(own);
	hsb_config_free(fresh);
}

static void expect_refusal(const char *own_txt, const char *peer_text,
			   const char *needle)
{
	struct hsb_config *own = parse_or_fail(own_txt), *out = (void *)1;
	struct hsb_cfg_error err;
	char msg[512];

	assert_int_equal(hsb_config_adopt_backed_up(own, peer_text, &out, &err),
			 -1);
	assert_null(out);
	hsb_cfg_error_format(&err, msg, sizeof(msg));
	if (!strstr(msg, needle))
		fail_msg("'%s' does not say '%s'", msg, needle);
	assert_int_equal(strncmp(msg, "peer", 4), 0);
	hsb_config_free(own);
}

/* What a peer may not do, each refused whole with a reason. */
static void test_adopt_refusals(void **state)
{
	(void)state;
	/* a local command: the peer does not configure this host */
	expect_refusal(own_text, "firewall zone dmz9\ninterface eth7\n",
		       "'interface eth7' is a local command");
	expect_refusal(own_text, "sysname evil\n", "local command");
	/* a bad line */
	expect_refusal(own_text, "firewall blacklist 10.0.0.1/8\n",
		       "host bits are set");
	/* this host's interface is in a zone the peer no longer defines */
	expect_refusal("firewall zone mgmt\ninterface eth0 zone mgmt\n",
		       "firewall zone other\n",
		       "this host's 'interface eth0 zone mgmt'");
	/* NAT addresses bound to a VRID this host does not have */
	expect_refusal(own_text,
		       "nat address-group p section 192.0.2.9\n"
		       "nat address-group p vrrp vrid 77\n",
		       "77");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_scope_partitions),
		cmocka_unit_test(test_copy_is_exactly_the_backed_up_part),
		cmocka_unit_test(test_adopt_keeps_local_takes_backed_up),
		cmocka_unit_test(test_adopt_empty),
		cmocka_unit_test(test_adopt_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
