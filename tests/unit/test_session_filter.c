// SPDX-License-Identifier: GPL-2.0-only
/* `show sessions` / `clear sessions` filters: parsing (valid and refused
 * input), matching against canonical keys, and the initiator/responder
 * view of a key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "config.h"
#include "sessions/session_filter.h"
#include "sessions/session_view.h"

static struct hsb_config *cfg;
static struct hsb_session_filter f;
static char err[256];

static int setup(void **state)
{
	struct hsb_cfg_error e;

	(void)state;
	cfg = hsb_config_new();
	return hsb_config_apply_text(cfg, "firewall zone lab\n",
				     HSB_CFG_ALL_KNOWN, NULL, &e);
}

static int teardown(void **state)
{
	(void)state;
	hsb_config_free(cfg);
	return 0;
}

/* Splits words on spaces (a scratch copy) and parses them. */
static int parse(const char *words)
{
	static char buf[256];
	char *argv[32], *save = NULL, *w;
	int argc = 0;

	strcpy(buf, words);
	for (w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	err[0] = '\0';
	return hsb_session_filter_parse(&f, argc, argv, cfg, err, sizeof(err));
}

static void refused(const char *words, const char *msg)
{
	if (parse(words) != -1)
		fail_msg("'%s' was accepted", words);
	if (!strstr(err, msg))
		fail_msg("'%s': '%s' lacks '%s'", words, err, msg);
}

/* A TCP session between 10.0.0.2:40000 (endpoint a, the smaller address)
 * and 192.0.2.7:80; init_b: b opened it. */
static void v4_session(struct hsb_flow_key *k, struct hsb_session *s,
		       bool init_b)
{
	memset(k, 0, sizeof(*k));
	memset(s, 0, sizeof(*s));
	k->family = HSB_FAMILY_IPV4;
	k->proto = 6;
	inet_pton(AF_INET, "10.0.0.2", k->addr_a);
	k->port_a = 40000;
	inet_pton(AF_INET, "192.0.2.7", k->addr_b);
	k->port_b = 80;
	s->flags = init_b ? HSB_SESS_F_INIT_B : 0;
	s->state = HSB_CT_ESTABLISHED;
	s->zone_in = HSB_ZONE_TRUST;
	s->zone_out = HSB_ZONE_UNTRUST;
}

static void test_empty_filter_matches_all(void **state)
{
	struct hsb_flow_key k;
	struct hsb_session s;

	(void)state;
	assert_int_equal(parse(""), 0);
	assert_int_equal(f.has, 0);
	v4_session(&k, &s, false);
	assert_true(hsb_session_filter_match(&f, &k, &s));
}

static void test_valid_filters(void **state)
{
	(void)state;
	assert_int_equal(parse("source 10.0.0.0/8 destination 2001:db8::1 "
			       "port 443 protocol udp zone lab state new"),
			 0);
	assert_int_equal(f.has, HSB_SF_SRC | HSB_SF_DST | HSB_SF_PORT |
					HSB_SF_PROTO | HSB_SF_ZONE |
					HSB_SF_STATE);
	assert_int_equal(f.src.family, HSB_FAMILY_IPV4);
	assert_int_equal(f.src.len, 8);
	assert_int_equal(f.dst.family, HSB_FAMILY_IPV6);
	assert_int_equal(f.dst.len, 128);
	assert_int_equal(f.port, 443);
	assert_int_equal(f.proto, 17);
	assert_int_equal(f.zone, HSB_ZONE_FIRST_USER);
	assert_string_equal(f.state, "new");
	assert_int_equal(parse("protocol icmpv6 state time-wait"), 0);
	assert_int_equal(f.proto, 58);
}

static void test_invalid_filters(void **state)
{
	(void)state;
	refused("bogus 1", "unknown filter 'bogus'");
	refused("source", "filter 'source' needs a value");
	refused("source 10.0.0.1 source 10.0.0.2", "'source' given twice");
	refused("source 10.0.0.300", "source: expected an IPv4 or IPv6");
	refused("destination 10.0.0.0/33", "destination: expected");
	refused("source 10.0.0.0/", "source: expected");
	refused("source ::1/129", "source: expected");
	refused("port 0", "port: expected 1..65535, got '0'");
	refused("port 65536", "port: expected 1..65535");
	refused("port -1", "port: expected");
	refused("port 8x", "port: expected");
	refused("protocol sctp", "protocol: expected one of tcp, udp");
	refused("zone nowhere", "zone: no such zone 'nowhere'");
	refused("state open", "state: expected one of");
	refused("state", "filter 'state' needs a value");
}

static void test_source_is_the_initiator(void **state)
{
	struct hsb_flow_key k;
	struct hsb_session s;

	(void)state;
	v4_session(&k, &s, false); /* 10.0.0.2 opened it */
	assert_int_equal(parse("source 10.0.0.2 destination 192.0.2.0/24"), 0);
	assert_true(hsb_session_filter_match(&f, &k, &s));
	s.flags = HSB_SESS_F_INIT_B; /* now 192.0.2.7 opened it */
	assert_false(hsb_session_filter_match(&f, &k, &s));
	assert_int_equal(parse("source 192.0.2.7 destination 10.0.0.0/30"), 0);
	assert_true(hsb_session_filter_match(&f, &k, &s));
	/* A prefix of the other family never matches. */
	assert_int_equal(parse("source ::/0"), 0);
	assert_false(hsb_session_filter_match(&f, &k, &s));
	/* Prefix bits beyond the length are ignored. */
	assert_int_equal(parse("source 192.0.2.255/24"), 0);
	assert_true(hsb_session_filter_match(&f, &k, &s));
	assert_int_equal(parse("source 192.0.2.255/25"), 0);
	assert_false(hsb_session_filter_match(&f, &k, &s));
}

static void test_port_proto_zone_state(void **state)
{
	struct hsb_flow_key k;
	struct hsb_session s;

	(void)state;
	v4_session(&k, &s, false);
	assert_int_equal(parse("port 80"), 0);
	assert_true(hsb_session_filter_match(&f, &k, &s));
	assert_int_equal(parse("port 40000"), 0);
	assert_true(hsb_session_filter_match(&f, &k, &s));
	assert_int_equal(parse("port 81"), 0);
	assert_false(hsb_session_filter_match(&f, &k, &s));
	/* ICMP "ports" are echo ids: never matched by port. */
	k.proto = 1;
	k.port_a = k.port_b = 80;
	s.state = HSB_CT_ICMP_NEW;
	assert_int_equal(parse("port 80"), 0);
	assert_false(hsb_session_filter_match(&f, &k, &s));
	assert_int_equal(parse("protocol icmp state new"), 0);
	assert_true(hsb_session_filter_match(&f, &k, &s));
	assert_int_equal(parse("protocol tcp"), 0);
	assert_false(hsb_session_filter_match(&f, &k, &s));
	/* zone: either side. */
	assert_int_equal(parse("zone untrust"), 0);
	assert_true(hsb_session_filter_match(&f, &k, &s));
	assert_int_equal(parse("zone dmz"), 0);
	assert_false(hsb_session_filter_match(&f, &k, &s));
	/* state names the STATE column: "established" is TCP's and UDP's. */
	v4_session(&k, &s, false);
	assert_int_equal(parse("state established"), 0);
	assert_true(hsb_session_filter_match(&f, &k, &s));
	k.proto = 17;
	s.state = HSB_CT_UDP_ESTABLISHED;
	assert_true(hsb_session_filter_match(&f, &k, &s));
	s.state = HSB_CT_UDP_NEW;
	assert_false(hsb_session_filter_match(&f, &k, &s));
	/* All words must match. */
	assert_int_equal(parse("state new protocol tcp"), 0);
	assert_false(hsb_session_filter_match(&f, &k, &s));
}

static void test_endpoints_from_canonical_key(void **state)
{
	struct hsb_endpoint ini, rsp;
	struct hsb_flow_key k;
	struct hsb_session s;
	char a[64];

	(void)state;
	v4_session(&k, &s, true);
	hsb_session_endpoints(&k, &s, &ini, &rsp);
	hsb_flow_addr_format(k.family, ini.addr, a, sizeof(a));
	assert_string_equal(a, "192.0.2.7");
	assert_int_equal(ini.port, 80);
	hsb_flow_addr_format(k.family, rsp.addr, a, sizeof(a));
	assert_string_equal(a, "10.0.0.2");
	assert_int_equal(rsp.port, 40000);
	assert_string_equal(hsb_ct_state_name(HSB_CT_ESTABLISHED),
			    "established");
	assert_string_equal(hsb_ct_state_name(200), "unknown");
	assert_string_equal(hsb_proto_name(58), "icmpv6");
	assert_null(hsb_proto_name(47));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_empty_filter_matches_all),
		T(test_valid_filters),
		T(test_invalid_filters),
		T(test_source_is_the_initiator),
		T(test_port_proto_zone_state),
		T(test_endpoints_from_canonical_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
