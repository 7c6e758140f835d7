// SPDX-License-Identifier: GPL-2.0-only
/* HRP state records (user/hsbd/hrp/hrp_record.h): every type round-trips
 * field for field; a payload with any malformed record is refused whole
 * (truncated anywhere, a length off, a count off, a field out of range);
 * unknown types are skipped by length and counted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hrp/hrp_record.h"

static void fill(void *p, size_t n, uint8_t seed)
{
	uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(seed + i * 13);
}

static struct hrp_rec session_rec(void)
{
	struct hrp_rec r;

	memset(&r, 0, sizeof(r));
	r.type = HRP_REC_SESSION;
	fill(r.s.key.addr_a, 16, 1);
	fill(r.s.key.addr_b, 16, 2);
	r.s.key.port_a = 40000;
	r.s.key.port_b = 443;
	r.s.key.proto = 6;
	r.s.key.family = HSB_FAMILY_IPV6;
	r.s.flags = 0x80000011;
	r.s.state = 3;
	r.s.zone_in = 1;
	r.s.zone_out = 2;
	r.s.rule = 65535;
	r.s.age_ns = 0x0102030405060708ULL;
	r.s.idle_ns = HSB_XFER_NEVER;
	r.s.packets[0] = 1;
	r.s.packets[1] = 2;
	r.s.bytes[0] = 3000000000000ULL;
	r.s.bytes[1] = 4;
	r.s.nat_kind = 1;
	fill(r.s.nat_addr, 16, 9);
	r.s.nat_port = 1024;
	r.s.nat_ref = 0xdeadbeef;
	return r;
}

static struct hrp_rec nat_rec(void)
{
	struct hrp_rec r;

	memset(&r, 0, sizeof(r));
	r.type = HRP_REC_NAT;
	r.n.table = HSB_NAT_TABLE_SRV;
	r.n.key.addr = 0x010200cb; /* 203.0.2.1 in memory order */
	r.n.key.port = 8443;
	r.n.key.proto = 17;
	r.n.key.dir = 1;
	r.n.addr = 0x0a00000a;
	r.n.port = 53;
	r.n.flags = 0x0004;
	r.n.refcnt = 7;
	r.n.group = 300;
	r.n.zone = 4;
	r.n.age_ns = 12345;
	r.n.ref_idle_ns = 678;
	r.n.has_deadline = 1;
	r.n.expires_in_ns = 5000000000ULL;
	return r;
}

/* the four types, one after another */
static size_t payload(uint8_t *buf, size_t room)
{
	struct hrp_rec r[4];
	size_t n = 0, i;

	r[0] = session_rec();
	memset(&r[1], 0, sizeof(r[1]));
	r[1].type = HRP_REC_SESSION_DEL;
	r[1].key = r[0].s.key;
	r[2] = nat_rec();
	memset(&r[3], 0, sizeof(r[3]));
	r[3].type = HRP_REC_NAT_DEL;
	r[3].nd.table = HSB_NAT_TABLE_PAT;
	r[3].nd.key = r[2].n.key;
	for (i = 0; i < 4; i++) {
		size_t k = hrp_rec_encode(&r[i], buf + n, room - n);

		assert_int_not_equal(k, 0);
		n += k;
	}
	return n;
}

static void test_round_trip(void **state)
{
	struct hrp_rec want = session_rec(), got, nw = nat_rec();
	struct hrp_rec_iter it;
	uint8_t buf[512];
	uint32_t unknown;
	size_t n;

	(void)state;
	n = payload(buf, sizeof(buf));
	assert_int_equal(n, HRP_REC_SESSION_LEN + HRP_REC_SESSION_DEL_LEN +
				    HRP_REC_NAT_LEN + HRP_REC_NAT_DEL_LEN);
	assert_int_equal(hrp_recs_check(buf, n, 4, &unknown), HRP_RE_OK);
	assert_int_equal(unknown, 0);
	hrp_rec_iter_init(&it, buf, n);
	assert_true(hrp_rec_next(&it, &got));
	assert_int_equal(got.type, HRP_REC_SESSION);
	assert_memory_equal(&got.s, &want.s, sizeof(want.s));
	assert_true(hrp_rec_next(&it, &got));
	assert_int_equal(got.type, HRP_REC_SESSION_DEL);
	assert_memory_equal(&got.key, &want.s.key, sizeof(want.s.key));
	assert_true(hrp_rec_next(&it, &got));
	assert_int_equal(got.type, HRP_REC_NAT);
	assert_memory_equal(&got.n, &nw.n, sizeof(nw.n));
	assert_true(hrp_rec_next(&it, &got));
	assert_int_equal(got.type, HRP_REC_NAT_DEL);
	assert_int_equal(got.nd.table, HSB_NAT_TABLE_PAT);
	assert_memory_equal(&got.nd.key, &nw.n.key, sizeof(nw.n.key));
	assert_false(hrp_rec_next(&it, &got));
}

/* Any cut refuses the whole payload; so does every length off by one
 * and a count that does not match. */
static void test_refused_whole(void **state)
{
	uint8_t buf[512], bad[512];
	uint32_t unknown;
	size_t n, cut, off;

	(void)state;
	n = payload(buf, sizeof(buf));
	for (cut = 1; cut < n; cut++) {
		enum hrp_rec_err e = hrp_recs_check(buf, cut, 4, &unknown);

		/* a cut exactly between records is a count mismatch */
		assert_int_not_equal(e, HRP_RE_OK);
	}
	assert_int_equal(hrp_recs_check(buf, n, 3, &unknown), HRP_RE_COUNT);
	assert_int_equal(hrp_recs_check(buf, n, 5, &unknown), HRP_RE_COUNT);
	assert_int_equal(hrp_recs_check(buf, 0, 0, &unknown), HRP_RE_OK);
	/* each record's length field, one more and one less */
	for (off = 0; off < n;) {
		size_t len = (size_t)(buf[off + 2] << 8 | buf[off + 3]);
		int d;

		for (d = -1; d <= 1; d += 2) {
			memcpy(bad, buf, n);
			bad[off + 3] = (uint8_t)(bad[off + 3] + d);
			assert_int_equal(hrp_recs_check(bad, n, 4, &unknown),
					 HRP_RE_LENGTH);
		}
		off += len;
	}
	memcpy(bad, buf, n);
	bad[2] = bad[3] = 0; /* length 0 */
	assert_int_equal(hrp_recs_check(bad, n, 4, &unknown), HRP_RE_LENGTH);
	assert_int_equal(hrp_recs_check(buf, 3, 1, &unknown), HRP_RE_SHORT);
}

static void test_fields(void **state)
{
	uint8_t buf[512], bad[512];
	size_t n, nat_off = HRP_REC_SESSION_LEN + HRP_REC_SESSION_DEL_LEN;
	uint32_t unknown;

	(void)state;
	n = payload(buf, sizeof(buf));
#define BAD_AT(off, val)                                              \
	do {                                                          \
		memcpy(bad, buf, n);                                  \
		bad[off] = (val);                                     \
		assert_int_equal(hrp_recs_check(bad, n, 4, &unknown), \
				 HRP_RE_FIELD);                       \
	} while (0)
	BAD_AT(1, 1); /* record flags */
	BAD_AT(HRP_REC_HDR_LEN + 37, 5); /* family */
	BAD_AT(HRP_REC_HDR_LEN + 38, 1); /* key padding */
	BAD_AT(nat_off + HRP_REC_HDR_LEN, 0); /* table 0 */
	BAD_AT(nat_off + HRP_REC_HDR_LEN, 4); /* table 4 */
	BAD_AT(nat_off + HRP_REC_HDR_LEN + 24, 2); /* has_deadline */
	BAD_AT(nat_off + HRP_REC_HDR_LEN + 25, 1); /* padding */
#undef BAD_AT
}

/* A newer peer's record type: skipped by length, counted; the known ones
 * around it still come through. */
static void test_unknown_type(void **state)
{
	struct hrp_rec r = session_rec(), got;
	struct hrp_rec_iter it;
	uint8_t buf[512];
	uint32_t unknown;
	size_t n;

	(void)state;
	n = hrp_rec_encode(&r, buf, sizeof(buf));
	buf[n] = 200;
	buf[n + 1] = 0;
	buf[n + 2] = 0;
	buf[n + 3] = 10;
	memset(buf + n + 4, 0xee, 6);
	n += 10;
	n += hrp_rec_encode(&r, buf + n, sizeof(buf) - n);
	assert_int_equal(hrp_recs_check(buf, n, 3, &unknown), HRP_RE_OK);
	assert_int_equal(unknown, 1);
	hrp_rec_iter_init(&it, buf, n);
	assert_true(hrp_rec_next(&it, &got));
	assert_true(hrp_rec_next(&it, &got));
	assert_int_equal(got.type, HRP_REC_SESSION);
	assert_false(hrp_rec_next(&it, &got));
	/* no room, unknown type: nothing encoded */
	assert_int_equal(hrp_rec_encode(&r, buf, HRP_REC_SESSION_LEN - 1), 0);
	r.type = HRP_REC__MAX;
	assert_int_equal(hrp_rec_encode(&r, buf, sizeof(buf)), 0);
}

/* The bytes docs/hrp.md quotes: an IPv4 TCP session through PAT. */
static void test_worked_example(void **state)
{
	static const char *const want =
		"0100007c"
		"c0a80a0a000000000000000000000000"
		"c6336407000000000000000000000000"
		"d43101bb060400000000000104030000"
		"0002c35700000001cb007105000000000000000000000000"
		"00000002540be40000000000000f4240"
		"000000000000000c000000000000000a"
		"00000000000007d000000000000030d4";
	struct hrp_rec r;
	uint8_t buf[HRP_REC_MAX_LEN];
	char hex[2 * HRP_REC_MAX_LEN + 1];
	size_t n, i;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.type = HRP_REC_SESSION;
	memcpy(r.s.key.addr_a, "\xc0\xa8\x0a\x0a", 4); /* 192.168.10.10 */
	memcpy(r.s.key.addr_b, "\xc6\x33\x64\x07", 4); /* 198.51.100.7 */
	r.s.key.port_a = 54321;
	r.s.key.port_b = 443;
	r.s.key.proto = 6;
	r.s.key.family = HSB_FAMILY_IPV4;
	r.s.flags = 0x00000001;
	r.s.state = 4;
	r.s.zone_in = 3;
	r.s.zone_out = 0;
	r.s.nat_kind = 0;
	r.s.rule = 2;
	r.s.nat_port = 50007;
	r.s.nat_ref = 1;
	memcpy(r.s.nat_addr, "\xcb\x00\x71\x05", 4); /* 203.0.113.5 */
	r.s.age_ns = 10000000000ULL;
	r.s.idle_ns = 1000000;
	r.s.packets[0] = 12;
	r.s.packets[1] = 10;
	r.s.bytes[0] = 2000;
	r.s.bytes[1] = 12500;
	n = hrp_rec_encode(&r, buf, sizeof(buf));
	for (i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", buf[i]);
	print_message("session %s\n", hex);
	assert_string_equal(hex, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refused_whole),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_unknown_type),
		cmocka_unit_test(test_worked_example),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
