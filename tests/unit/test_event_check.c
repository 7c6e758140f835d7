// SPDX-License-Identifier: GPL-2.0-only
/* Ring records are checked before anyone trusts them: short, mis-sized,
 * unknown-type and bad-family records are refused; valid ones pass. Also
 * the black/whitelist trie keys (IPv4 as v4-mapped IPv6). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "records/collector.h"
#include "firewall/lists_engine.h"

static struct hsb_session_event valid(void)
{
	struct hsb_session_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.hdr.type = HSB_EV_SESSION_NEW;
	ev.hdr.len = sizeof(ev);
	ev.key.family = HSB_FAMILY_IPV4;
	ev.key.proto = 6;
	return ev;
}

static void test_valid_records(void **state)
{
	struct hsb_session_event ev = valid();
	uint8_t padded[sizeof(ev) + 8];

	(void)state;
	assert_int_equal(hsb_event_check(&ev, sizeof(ev)), HSB_EVF_OK);
	ev.hdr.type = HSB_EV_SESSION_UPDATE;
	ev.key.family = HSB_FAMILY_IPV6;
	assert_int_equal(hsb_event_check(&ev, sizeof(ev)), HSB_EVF_OK);
	ev.hdr.type = HSB_EV_SESSION_REFRESH;
	assert_int_equal(hsb_event_check(&ev, sizeof(ev)), HSB_EVF_OK);
	/* A sample padded by the ring is fine: hdr.len tells the size. */
	memset(padded, 0, sizeof(padded));
	memcpy(padded, &ev, sizeof(ev));
	assert_int_equal(hsb_event_check(padded, sizeof(padded)), HSB_EVF_OK);
}

static void test_short_records(void **state)
{
	struct hsb_session_event ev = valid();

	(void)state;
	assert_int_equal(hsb_event_check(&ev, 0), HSB_EVF_SHORT);
	assert_int_equal(hsb_event_check(&ev, sizeof(ev.hdr) - 1),
			 HSB_EVF_SHORT);
	/* A header claiming the full size on a cut record. */
	assert_int_equal(hsb_event_check(&ev, sizeof(ev) - 1), HSB_EVF_LENGTH);
	assert_int_equal(hsb_event_check(&ev, sizeof(ev.hdr)), HSB_EVF_LENGTH);
}

static void test_length_mismatch(void **state)
{
	struct hsb_session_event ev = valid();

	(void)state;
	ev.hdr.len = sizeof(ev) - 8;
	assert_int_equal(hsb_event_check(&ev, sizeof(ev)), HSB_EVF_LENGTH);
	ev.hdr.len = sizeof(ev) + 8;
	assert_int_equal(hsb_event_check(&ev, sizeof(ev)), HSB_EVF_LENGTH);
	ev.hdr.len = 0;
	assert_int_equal(hsb_event_check(&ev, sizeof(ev)), HSB_EVF_LENGTH);
}

static void test_unknown_types(void **state)
{
	static const uint16_t bad[] = { 0,
					HSB_EV_SESSION_DELETE,
					HSB_EV_SESSION_RESYNC,
					HSB_EV_NAT_DELETE,
					HSB_EV_NAT_RESYNC,
					9,
					0xffff };
	struct hsb_session_event ev = valid();
	size_t i;

	(void)state;
	/* Deletes and resyncs are hsbd's own records, never XDP's. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ev.hdr.type = bad[i];
		assert_int_equal(hsb_event_check(&ev, sizeof(ev)),
				 HSB_EVF_TYPE);
	}
}

static void test_bad_family(void **state)
{
	struct hsb_session_event ev = valid();

	(void)state;
	ev.key.family = 0;
	assert_int_equal(hsb_event_check(&ev, sizeof(ev)), HSB_EVF_FAMILY);
	ev.key.family = 5;
	assert_int_equal(hsb_event_check(&ev, sizeof(ev)), HSB_EVF_FAMILY);
	assert_string_equal(hsb_event_fault_name(HSB_EVF_FAMILY),
			    "bad address family");
}

static void test_list_keys(void **state)
{
	static const uint8_t mapped[16] = { 0, 0, 0,	0,    0,   0, 0, 0,
					    0, 0, 0xff, 0xff, 192, 0, 2, 0 };
	struct hsb_cfg_prefix p = { .addr.family = AF_INET, .len = 24 }, back;
	struct hsb_lpm_key key;
	char buf[64];

	(void)state;
	inet_pton(AF_INET, "192.0.2.0", &p.addr.v4);
	hsb_lpm_key_of(&p, &key);
	assert_int_equal(key.prefixlen, 96 + 24);
	assert_memory_equal(key.addr, mapped, 16);
	hsb_prefix_of_lpm_key(&key, &back);
	hsb_prefix_format(&back, buf, sizeof(buf));
	assert_string_equal(buf, "192.0.2.0/24");

	memset(&p, 0, sizeof(p));
	p.addr.family = AF_INET6;
	p.len = 32;
	inet_pton(AF_INET6, "2001:db8::", &p.addr.v6);
	hsb_lpm_key_of(&p, &key);
	assert_int_equal(key.prefixlen, 32);
	assert_int_equal(key.addr[0], 0x20);
	assert_int_equal(key.addr[3], 0xb8);
	hsb_prefix_of_lpm_key(&key, &back);
	hsb_prefix_format(&back, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::/32");

	/* 0.0.0.0/0 is "every IPv4 source", not every source. */
	memset(&p, 0, sizeof(p));
	p.addr.family = AF_INET;
	hsb_lpm_key_of(&p, &key);
	assert_int_equal(key.prefixlen, 96);
}

/* NAT creates: their own length, a known table. */
static void test_nat_records(void **state)
{
	struct hsb_nat_event ev;

	(void)state;
	memset(&ev, 0, sizeof(ev));
	ev.hdr.type = HSB_EV_NAT_CREATE;
	ev.hdr.len = sizeof(ev);
	ev.nat.table = HSB_NAT_TABLE_PAT;
	assert_int_equal(hsb_event_check(&ev, sizeof(ev)), HSB_EVF_OK);
	assert_int_equal(hsb_event_check(&ev, sizeof(ev) - 1), HSB_EVF_LENGTH);
	ev.hdr.len = sizeof(struct hsb_session_event);
	assert_int_equal(hsb_event_check(&ev, sizeof(ev)), HSB_EVF_LENGTH);
	ev.hdr.len = sizeof(ev);
	ev.nat.table = 0;
	assert_int_equal(hsb_event_check(&ev, sizeof(ev)), HSB_EVF_TABLE);
	ev.nat.table = HSB_NAT_TABLE_SRV + 1;
	assert_int_equal(hsb_event_check(&ev, sizeof(ev)), HSB_EVF_TABLE);
	ev.nat.table = HSB_NAT_TABLE_NOPAT;
	ev.hdr.type = HSB_EV_NAT_DELETE; /* hsbd's, never XDP's */
	assert_int_equal(hsb_event_check(&ev, sizeof(ev)), HSB_EVF_TYPE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_records),
		cmocka_unit_test(test_short_records),
		cmocka_unit_test(test_length_mismatch),
		cmocka_unit_test(test_unknown_types),
		cmocka_unit_test(test_bad_family),
		cmocka_unit_test(test_nat_records),
		cmocka_unit_test(test_list_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
