// SPDX-License-Identifier: GPL-2.0-only
/* The NAT compiler: address groups (sections, modes, port ranges),
 * NAT policy rules (zones, prefixes, protocol, action, group index),
 * NAT servers (both keys, protocol any, zone), the port partition and
 * its spans, and the public addresses to answer ARP for. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "nat/nat_compile.h"

static struct hsb_config *cfg;
static struct hsb_nat_compiled *out;
static char err[256];

static int setup(void **state)
{
	(void)state;
	cfg = hsb_config_new();
	out = calloc(1, sizeof(*out));
	return cfg && out ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	hsb_config_free(cfg);
	free(out);
	return 0;
}

static void apply(const char *text)
{
	struct hsb_cfg_error e;

	if (hsb_config_apply_text(cfg, text, HSB_CFG_ALL_KNOWN, NULL, &e))
		fail_msg("config: %u:%u: %s", e.line, e.column, e.msg);
}

static uint32_t ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static void test_empty(void **state)
{
	(void)state;
	assert_int_equal(hsb_nat_compile(cfg, out, err, sizeof(err)), 0);
	assert_int_equal(out->n_pools, 0);
	assert_int_equal(out->n_rules, 0);
	assert_int_equal(out->n_srv, 0);
	assert_int_equal(out->n_pub, 0);
	assert_int_equal(out->partition, HSB_NAT_PART_NONE);
}

static void test_groups_rules_partition(void **state)
{
	const struct hsb_nat_pool *p;
	uint32_t lo, n;

	(void)state;
	apply("nat address-group a mode pat port-range 2048 2057\n"
	      "nat address-group a section 203.0.113.16 203.0.113.18\n"
	      "nat address-group a section 203.0.113.30\n"
	      "nat address-group b mode no-pat\n"
	      "nat address-group b section 198.51.100.10 198.51.100.11\n"
	      "nat port-partition upper\n"
	      "nat policy rule x from trust to untrust source 10.0.0.0/8 "
	      "protocol udp action no-nat\n"
	      "nat policy rule y from trust to untrust destination "
	      "192.0.2.0/24 action source-nat address-group b\n"
	      "nat policy rule z from trust to untrust action source-nat "
	      "address-group a\n");
	assert_int_equal(hsb_nat_compile(cfg, out, err, sizeof(err)), 0);
	assert_int_equal(out->n_pools, 2);
	p = &out->pools[0];
	assert_int_equal(p->mode, HSB_NAT_POOL_PAT);
	assert_int_equal(p->n_sections, 2);
	assert_int_equal(p->n_addrs, 4);
	assert_int_equal(p->port_lo, 2048);
	assert_int_equal(p->port_hi, 2057);
	assert_int_equal(hsb_nat_pool_addr_host(p, 0),
			 ntohl(ip("203.0.113.16")));
	assert_int_equal(hsb_nat_pool_addr_host(p, 2),
			 ntohl(ip("203.0.113.18")));
	assert_int_equal(hsb_nat_pool_addr_host(p, 3),
			 ntohl(ip("203.0.113.30")));
	assert_int_equal(hsb_nat_pool_addr_host(p, 4), 0);
	assert_int_equal(out->pools[1].mode, HSB_NAT_POOL_NOPAT);
	assert_int_equal(out->pools[1].n_addrs, 2);

	assert_int_equal(out->partition, HSB_NAT_PART_UPPER);
	hsb_nat_port_span(p, HSB_NAT_PART_NONE, &lo, &n);
	assert_int_equal(lo, 2048);
	assert_int_equal(n, 10);
	hsb_nat_port_span(p, HSB_NAT_PART_LOWER, &lo, &n);
	assert_int_equal(lo, 2048);
	assert_int_equal(n, 5);
	hsb_nat_port_span(p, HSB_NAT_PART_UPPER, &lo, &n);
	assert_int_equal(lo, 2053);
	assert_int_equal(n, 5);

	assert_int_equal(out->n_rules, 3);
	assert_int_equal(out->rules[0].action, HSB_NAT_RULE_NO_NAT);
	assert_int_equal(out->rules[0].proto, 17);
	assert_int_equal(out->rules[0].src, ip("10.0.0.0"));
	assert_int_equal(out->rules[0].src_len, 8);
	assert_int_equal(out->rules[0].from_zone, 2); /* trust */
	assert_int_equal(out->rules[0].to_zone, 3); /* untrust */
	assert_int_equal(out->rules[1].action, HSB_NAT_RULE_SNAT);
	assert_int_equal(out->rules[1].group, 1);
	assert_int_equal(out->rules[1].dst, ip("192.0.2.0"));
	assert_int_equal(out->rules[1].dst_len, 24);
	assert_int_equal(out->rules[1].proto, HSB_PROTO_ANY);
	assert_int_equal(out->rules[2].group, 0);
	assert_int_equal(out->rules[2].id, 2);

	/* public addresses: both groups, reached from untrust */
	assert_int_equal(out->n_pub, 6);
	assert_int_equal(out->pub[0].kind, HSB_VADDR_NAT_POOL);
	assert_int_equal(out->pub[0].zone, 3);
}

static void test_servers(void **state)
{
	const struct hsb_nat_srv_entry *e;

	(void)state;
	apply("nat server www protocol tcp global 203.0.113.100 80 inside "
	      "10.0.2.10 8080 zone untrust\n"
	      "nat server all protocol any global 203.0.113.101 inside "
	      "10.0.2.12\n");
	assert_int_equal(hsb_nat_compile(cfg, out, err, sizeof(err)), 0);
	assert_int_equal(out->n_srv, 4);
	e = &out->srv[0];
	assert_int_equal(e->key.dir, HSB_NAT_DIR_PUB);
	assert_int_equal(e->key.addr, ip("203.0.113.100"));
	assert_int_equal(e->key.port, 80);
	assert_int_equal(e->key.proto, 6);
	assert_int_equal(e->val.addr, ip("10.0.2.10"));
	assert_int_equal(e->val.port, 8080);
	assert_int_equal(e->val.flags, HSB_NAT_F_STATIC);
	assert_int_equal(e->val.zone, 3);
	e = &out->srv[1];
	assert_int_equal(e->key.dir, HSB_NAT_DIR_IN);
	assert_int_equal(e->key.addr, ip("10.0.2.10"));
	assert_int_equal(e->key.port, 8080);
	assert_int_equal(e->val.addr, ip("203.0.113.100"));
	assert_int_equal(e->val.port, 80);
	e = &out->srv[2];
	assert_int_equal(e->key.proto, 0); /* any */
	assert_int_equal(e->key.port, 0);
	assert_int_equal(e->val.zone, HSB_ZONE_ANY);
	assert_int_equal(out->n_pub, 2);
	assert_int_equal(out->pub[0].kind, HSB_VADDR_NAT_SERVER);
	assert_int_equal(out->pub[1].addr, ip("203.0.113.101"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_groups_rules_partition,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_servers, setup, teardown),
	};

	return cmocka_run_group_tests_name("nat_compile", tests, NULL, NULL);
}
