// SPDX-License-Identifier: GPL-2.0-only
/* `vrrp vrid` configuration onto the VRRP engine's configuration, and the
 * change classes the engine's reconcile acts on. Entries come from the
 * real parser, so the test follows the command language. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "config.h"
#include "vrrp/vrrp_map.h"

static struct hsb_config *cfg;

static int setup(void **state)
{
	struct hsb_cfg_error err;

	(void)state;
	cfg = hsb_config_new();
	assert_non_null(cfg);
	assert_int_equal(hsb_config_apply_text(cfg,
					       "interface eth0\n"
					       "interface eth1\n",
					       HSB_CFG_ALL_KNOWN, "t", &err),
			 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	hsb_config_free(cfg);
	return 0;
}

/* The entry a line (plus earlier ones) makes. */
static struct hsb_cfg_vrrp entry(const char *text)
{
	struct hsb_config *c = hsb_config_clone(cfg);
	struct hsb_cfg_error err;
	struct hsb_cfg_vrrp v;

	assert_non_null(c);
	if (hsb_config_apply_text(c, text, HSB_CFG_ALL_KNOWN, "t", &err)) {
		char msg[256];

		hsb_cfg_error_format(&err, msg, sizeof(msg));
		fail_msg("%s: %s", text, msg);
	}
	assert_int_equal(c->n_vrrp, 1);
	v = c->vrrp[0];
	hsb_config_free(c);
	return v;
}

static void test_map_ipv4(void **state)
{
	struct hsb_cfg_vrrp v = entry(
		"vrrp vrid 7 interface eth0 virtual-ip 192.0.2.1/24 192.0.2.2 priority 120 advert-interval 50 preempt delay 300 accept\n");
	struct vrrp_fsm_config fc;
	char err[256];
	const uint8_t a1[4] = { 192, 0, 2, 1 }, a2[4] = { 192, 0, 2, 2 };

	(void)state;
	assert_int_equal(vrrp_map_config(&v, &fc, err, sizeof(err)), 0);
	assert_int_equal(fc.vrid, 7);
	assert_int_equal(fc.version, 3);
	assert_int_equal(fc.family, AF_INET);
	assert_int_equal(fc.priority, 120);
	assert_int_equal(fc.advert_cs, 50);
	assert_true(fc.preempt);
	assert_int_equal(fc.preempt_delay_cs, 300);
	assert_true(fc.accept);
	assert_int_equal(fc.n_vips, 2);
	assert_memory_equal(fc.vips[0].b, a1, 4);
	assert_memory_equal(fc.vips[1].b, a2, 4);
	assert_int_equal(fc.primary.family, AF_UNSPEC);
}

static void test_map_ipv6_and_v2(void **state)
{
	struct hsb_cfg_vrrp v = entry(
		"vrrp vrid 3 interface eth1 virtual-ip fe80::1 2001:db8::1/64 no-preempt priority 255\n");
	struct vrrp_fsm_config fc;
	char err[256];
	uint8_t ll[16] = { 0xfe, 0x80, [15] = 1 };

	(void)state;
	assert_int_equal(vrrp_map_config(&v, &fc, err, sizeof(err)), 0);
	assert_int_equal(fc.family, AF_INET6);
	assert_false(fc.preempt);
	assert_int_equal(fc.priority, 255);
	assert_memory_equal(fc.vips[0].b, ll, 16);
	v = entry(
		"vrrp vrid 2 interface eth0 virtual-ip 10.0.0.1 version 2 advert-interval 200\n");
	assert_int_equal(vrrp_map_config(&v, &fc, err, sizeof(err)), 0);
	assert_int_equal(fc.version, 2);
	assert_int_equal(fc.advert_cs, 200);
}

static void test_map_refused(void **state)
{
	struct hsb_cfg_vrrp v =
		entry("vrrp vrid 4 interface eth0 virtual-ip 10.0.0.1 vmac\n");
	struct vrrp_fsm_config fc;
	char err[256];

	(void)state;
	/* vmac is the datapath's business (include/hsb/vaddr.h) */
	assert_int_equal(vrrp_map_config(&v, &fc, err, sizeof(err)), 0);
	v = entry("vrrp vrid 4 interface eth0 virtual-ip 10.0.0.1\n");
	assert_false(fc.follow);
	/* a VGMP member follows its group instead of electing */
	strcpy(v.vgmp_group, "g1");
	assert_int_equal(vrrp_map_config(&v, &fc, err, sizeof(err)), 0);
	assert_true(fc.follow);
	/* what the parser would never produce is refused, not trusted */
	v = entry("vrrp vrid 4 interface eth0 virtual-ip 10.0.0.1\n");
	v.n_vips = 0;
	assert_int_equal(vrrp_map_config(&v, &fc, err, sizeof(err)), -1);
	v = entry("vrrp vrid 4 interface eth0 virtual-ip 10.0.0.1\n");
	v.priority = 0;
	assert_int_equal(vrrp_map_config(&v, &fc, err, sizeof(err)), -1);
	v = entry("vrrp vrid 4 interface eth0 virtual-ip 10.0.0.1\n");
	v.priority = 256;
	assert_int_equal(vrrp_map_config(&v, &fc, err, sizeof(err)), -1);
	v = entry("vrrp vrid 4 interface eth0 virtual-ip 10.0.0.1\n");
	v.vips[1] = v.vips[0]; /* a duplicate VIP */
	v.n_vips = 2;
	assert_int_equal(vrrp_map_config(&v, &fc, err, sizeof(err)), -1);
}

static void test_diff(void **state)
{
	const char *base =
		"vrrp vrid 1 interface eth0 virtual-ip 10.0.0.1/24 priority 100\n";
	struct hsb_cfg_vrrp a = entry(base), b;
	static const struct {
		const char *extra;
		enum vrrp_map_change want;
	} cases[] = {
		{ "", VRRP_MAP_SAME },
		{ "vrrp vrid 1 interface eth0 priority 100", VRRP_MAP_SAME },
		{ "vrrp vrid 1 interface eth0 priority 150", VRRP_MAP_UPDATE },
		{ "vrrp vrid 1 interface eth0 unicast-peer 10.0.0.9",
		  VRRP_MAP_UPDATE },
		{ "vrrp vrid 1 interface eth0 garp count 2 interval 50",
		  VRRP_MAP_UPDATE },
		{ "vrrp vrid 1 interface eth0 garp count 5 interval 200 refresh 9",
		  VRRP_MAP_UPDATE },
		{ "vrrp vrid 1 interface eth0 notify \"true\"",
		  VRRP_MAP_UPDATE },
		{ "vrrp vrid 1 interface eth0 priority 255", VRRP_MAP_RESTART },
		{ "vrrp vrid 1 interface eth0 virtual-ip 10.0.0.2",
		  VRRP_MAP_RESTART },
		{ "vrrp vrid 1 interface eth0 virtual-ip 10.0.0.1/25",
		  VRRP_MAP_RESTART },
		{ "vrrp vrid 1 interface eth0 advert-interval 10",
		  VRRP_MAP_RESTART },
		{ "vrrp vrid 1 interface eth0 no-preempt", VRRP_MAP_RESTART },
		{ "vrrp vrid 1 interface eth0 preempt delay 10",
		  VRRP_MAP_RESTART },
		{ "vrrp vrid 1 interface eth0 accept", VRRP_MAP_RESTART },
		{ "vrrp vrid 1 interface eth0 version 2", VRRP_MAP_RESTART },
		{ "vrrp vrid 1 interface eth0 vmac", VRRP_MAP_RESTART },
	};
	char text[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "%s%s\n", base, cases[i].extra);
		b = entry(text);
		if (vrrp_map_diff(&a, &b) != cases[i].want)
			fail_msg("'%s': got %d, want %d", cases[i].extra,
				 vrrp_map_diff(&a, &b), cases[i].want);
	}
	b = a;
	b.vrid = 2;
	assert_int_equal(vrrp_map_diff(&a, &b), VRRP_MAP_RESTART);
	b = a;
	strcpy(b.ifname, "eth1");
	assert_int_equal(vrrp_map_diff(&a, &b), VRRP_MAP_RESTART);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_ipv4),
		cmocka_unit_test(test_map_ipv6_and_v2),
		cmocka_unit_test(test_map_refused),
		cmocka_unit_test(test_diff),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
