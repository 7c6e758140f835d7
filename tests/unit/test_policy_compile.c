// SPDX-License-Identifier: GPL-2.0-only
/* The security-policy compiler: zone ids, prefixes per family, protocol,
 * port ranges, actions, order, and the rules the datapath cannot hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "firewall/policy_compile.h"
#include "firewall/zones.h"
#include "hsb/flow.h"

static struct hsb_config *cfg;
static struct hsb_rule rules[HSB_MAX_RULES];
static char err[256];

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

static void apply(const char *text)
{
	struct hsb_cfg_error e;

	if (hsb_config_apply_text(cfg, text, HSB_CFG_ALL_KNOWN, NULL, &e))
		fail_msg("config: %u:%u: %s", e.line, e.column, e.msg);
}

static int compile(void)
{
	memset(rules, 0xaa, sizeof(rules));
	return hsb_policy_compile(cfg, rules, err, sizeof(err));
}

static void test_empty_policy(void **state)
{
	(void)state;
	assert_int_equal(compile(), 0);
}

static void test_zone_ids(void **state)
{
	(void)state;
	apply("firewall zone mgmt\n"
	      "firewall zone lab\n"
	      "security-policy rule a from trust to untrust action permit\n"
	      "security-policy rule b from lab to local action deny\n"
	      "security-policy rule c from dmz to mgmt action permit\n");
	assert_int_equal(compile(), 3);
	assert_int_equal(rules[0].from_zone, HSB_ZONE_TRUST);
	assert_int_equal(rules[0].to_zone, HSB_ZONE_UNTRUST);
	assert_int_equal(rules[1].from_zone, HSB_ZONE_FIRST_USER + 1);
	assert_int_equal(rules[1].to_zone, HSB_ZONE_LOCAL);
	assert_int_equal(rules[2].from_zone, HSB_ZONE_DMZ);
	assert_int_equal(rules[2].to_zone, HSB_ZONE_FIRST_USER);
	/* The same ids the interface table and session views use. */
	assert_int_equal(hsb_zone_id(cfg, "lab"), HSB_ZONE_FIRST_USER + 1);
	assert_string_equal(hsb_zone_name(cfg, HSB_ZONE_FIRST_USER), "mgmt");
	assert_string_equal(hsb_zone_name(cfg, HSB_ZONE_UNTRUST), "untrust");
	assert_null(hsb_zone_name(cfg, HSB_ZONE_FIRST_USER + 2));
	assert_int_equal(hsb_zone_id(cfg, ""), HSB_ZONE_NONE);
}

static void test_any_rule(void **state)
{
	(void)state;
	apply("security-policy rule a from trust to untrust action permit\n");
	assert_int_equal(compile(), 1);
	assert_int_equal(rules[0].proto, HSB_PROTO_ANY);
	assert_int_equal(rules[0].family, 0);
	assert_int_equal(rules[0].src_len, 0);
	assert_int_equal(rules[0].dst_len, 0);
	assert_int_equal(rules[0].dport_lo, 0);
	assert_int_equal(rules[0].dport_hi, 65535);
	assert_int_equal(rules[0].action, HSB_ACTION_PERMIT);
	assert_int_equal(rules[0].id, 0);
	/* Padding and unused bytes are zero: the rule set is compared and
	 * written as bytes. */
	assert_int_equal(rules[0].pad, 0);
	assert_int_equal(rules[0].pad2, 0);
	{
		static const __u8 zero[16];

		assert_memory_equal(rules[0].src, zero, 16);
		assert_memory_equal(rules[0].dst, zero, 16);
	}
}

static void test_ipv4_prefixes_ports(void **state)
{
	static const __u8 src[16] = { 10, 1, 0, 0 };
	static const __u8 dst[16] = { 192, 0, 2, 128 };

	(void)state;
	apply("security-policy rule web from untrust to dmz source 10.1.0.0/16 "
	      "destination 192.0.2.128/25 protocol tcp destination-port "
	      "80-443 action deny\n"
	      "security-policy rule dns from trust to untrust protocol udp "
	      "destination-port 53 action permit\n");
	assert_int_equal(compile(), 2);
	assert_int_equal(rules[0].family, HSB_FAMILY_IPV4);
	assert_int_equal(rules[0].proto, 6);
	assert_int_equal(rules[0].src_len, 16);
	assert_memory_equal(rules[0].src, src, 16);
	assert_int_equal(rules[0].dst_len, 25);
	assert_memory_equal(rules[0].dst, dst, 16);
	assert_int_equal(rules[0].dport_lo, 80);
	assert_int_equal(rules[0].dport_hi, 443);
	assert_int_equal(rules[0].action, HSB_ACTION_DENY);
	assert_int_equal(rules[1].proto, 17);
	assert_int_equal(rules[1].family, 0);
	assert_int_equal(rules[1].dport_lo, 53);
	assert_int_equal(rules[1].dport_hi, 53);
	assert_int_equal(rules[1].id, 1);
}

static void test_ipv6_prefixes(void **state)
{
	static const __u8 dst[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
				      0,    0,	  0,	0,    0, 0, 0, 0x42 };
	static const __u8 src[16] = { 0x20, 0x01, 0x0d, 0xb8 };

	(void)state;
	apply("security-policy rule v6 from trust to untrust source "
	      "2001:db8::/32 protocol icmpv6 action permit\n"
	      "security-policy rule h from trust to dmz destination "
	      "2001:db8::42 action permit\n"
	      "security-policy rule all6 from trust to dmz source ::/0 "
	      "action deny\n");
	assert_int_equal(compile(), 3);
	assert_int_equal(rules[0].family, HSB_FAMILY_IPV6);
	assert_int_equal(rules[0].proto, 58);
	assert_int_equal(rules[0].src_len, 32);
	assert_memory_equal(rules[0].src, src, 16);
	assert_int_equal(rules[0].dst_len, 0);
	/* A destination alone sets the family; a bare address is /128. */
	assert_int_equal(rules[1].family, HSB_FAMILY_IPV6);
	assert_int_equal(rules[1].dst_len, 128);
	assert_memory_equal(rules[1].dst, dst, 16);
	/* ::/0 matches every IPv6 packet, and only those. */
	assert_int_equal(rules[2].family, HSB_FAMILY_IPV6);
	assert_int_equal(rules[2].src_len, 0);
}

static void test_order_follows_config(void **state)
{
	(void)state;
	apply("security-policy rule a from trust to untrust action permit\n"
	      "security-policy rule b from trust to dmz action deny\n"
	      "security-policy rule b move before a\n");
	assert_int_equal(compile(), 2);
	assert_int_equal(rules[0].to_zone, HSB_ZONE_DMZ);
	assert_int_equal(rules[0].id, 0);
	assert_int_equal(rules[1].to_zone, HSB_ZONE_UNTRUST);
	assert_int_equal(rules[1].id, 1);
}

static void test_protocol_255_refused(void **state)
{
	(void)state;
	apply("security-policy rule ok from trust to untrust protocol 47 "
	      "action permit\n"
	      "security-policy rule odd from trust to untrust protocol 255 "
	      "action permit\n");
	assert_int_equal(compile(), -1);
	assert_non_null(strstr(err, "'odd'"));
	assert_non_null(strstr(err, "protocol 255"));
}

static void test_same_config_same_bytes(void **state)
{
	struct hsb_rule first[4];

	(void)state;
	apply("security-policy rule a from trust to untrust source 10.0.0.0/8 "
	      "action permit\n");
	assert_int_equal(compile(), 1);
	memcpy(first, rules, sizeof(first[0]));
	apply("sysname other\n");
	assert_int_equal(compile(), 1);
	assert_memory_equal(first, rules, sizeof(first[0]));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_empty_policy),
		T(test_zone_ids),
		T(test_any_rule),
		T(test_ipv4_prefixes_ports),
		T(test_ipv6_prefixes),
		T(test_order_follows_config),
		T(test_protocol_255_refused),
		T(test_same_config_same_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
