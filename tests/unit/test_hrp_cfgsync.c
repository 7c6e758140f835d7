// SPDX-License-Identifier: GPL-2.0-only
/* HRP configuration backup, the pure part: offers in chunks, results,
 * reassembly with its refusals, and who wins (hrp_cfgsync.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hrp_cfgsync.h"

#define ROOM 100 /* small frames: a text of a few hundred bytes in chunks */

static char text[700];

static void make_text(void)
{
	size_t i;

	for (i = 0; i + 1 < sizeof(text); i++)
		text[i] = i % 50 == 49 ? '\n' : (char)('a' + i % 26);
	text[sizeof(text) - 1] = '\0';
}

/* Offers text in chunks of at most ROOM bytes of payload each; returns
 * the number of chunks, the payloads in out[]. */
static int offer_chunks(uint8_t out[][ROOM], size_t *lens, uint8_t flags,
			uint64_t gen)
{
	uint8_t d[HRP_CFG_DIGEST_LEN];
	uint32_t total = (uint32_t)strlen(text), off = 0, n;
	int k = 0;

	hrp_cfg_digest(text, total, d);
	do {
		lens[k] = hrp_cfg_offer_encode(flags, gen, d, text, total, off,
					       out[k], ROOM, &n);
		assert_true(lens[k] > 0);
		off += n;
		k++;
	} while (off < total);
	return k;
}

static void feed_all(struct hrp_cfg_rx *rx, uint8_t out[][ROOM],
		     const size_t *lens, int k, bool expect_complete)
{
	struct hrp_cfg_msg m;
	bool complete = false;
	int i;

	for (i = 0; i < k; i++) {
		assert_int_equal(hrp_cfg_decode(out[i], lens[i], &m),
				 HRP_CFE_OK);
		assert_int_equal(hrp_cfg_rx_add(rx, &m, &complete), HRP_CFE_OK);
		assert_int_equal(complete, i == k - 1 && expect_complete);
	}
}

static void test_offer_round_trip(void **state)
{
	uint8_t out[16][ROOM];
	size_t lens[16];
	struct hrp_cfg_rx rx = { 0 };
	struct hrp_cfg_msg m;
	int k;

	(void)state;
	make_text();
	k = offer_chunks(out, lens, HRP_CFG_F_MASTER, 7);
	assert_int_equal(k, (699 + ROOM - HRP_CFG_HDR_LEN - 1) /
				    (ROOM - HRP_CFG_HDR_LEN));
	assert_int_equal(hrp_cfg_decode(out[0], lens[0], &m), HRP_CFE_OK);
	assert_int_equal(m.flags, HRP_CFG_F_MASTER | HRP_CFG_F_FIRST);
	assert_int_equal(m.gen, 7);
	feed_all(&rx, out, lens, k, true);
	assert_string_equal(rx.text, text);
	assert_int_equal(rx.gen, 7);
	assert_true(rx.flags & HRP_CFG_F_MASTER);
	/* a second offer over the first */
	feed_all(&rx, out, lens, k, true);
	hrp_cfg_rx_reset(&rx);
}

/* The empty backed-up part is one header, FIRST|LAST, and valid. */
static void test_empty_offer(void **state)
{
	uint8_t out[ROOM], d[HRP_CFG_DIGEST_LEN];
	struct hrp_cfg_rx rx = { 0 };
	struct hrp_cfg_msg m;
	uint32_t n;
	bool complete;
	size_t len;

	(void)state;
	hrp_cfg_digest("", 0, d);
	len = hrp_cfg_offer_encode(0, 1, d, "", 0, 0, out, sizeof(out), &n);
	assert_int_equal(len, HRP_CFG_HDR_LEN);
	assert_int_equal(hrp_cfg_decode(out, len, &m), HRP_CFE_OK);
	assert_int_equal(m.flags, HRP_CFG_F_FIRST | HRP_CFG_F_LAST);
	assert_int_equal(hrp_cfg_rx_add(&rx, &m, &complete), HRP_CFE_OK);
	assert_true(complete);
	assert_string_equal(rx.text, "");
	hrp_cfg_rx_reset(&rx);
}

static void test_decode_refusals(void **state)
{
	uint8_t out[16][ROOM], b[ROOM];
	size_t lens[16];
	struct hrp_cfg_msg m;
	size_t i;

	(void)state;
	make_text();
	offer_chunks(out, lens, 0, 1);
	for (i = 0; i < HRP_CFG_HDR_LEN; i++)
		assert_int_equal(hrp_cfg_decode(out[0], i, &m), HRP_CFE_SHORT);
	memcpy(b, out[0], lens[0]);
	b[0] = 9;
	assert_int_equal(hrp_cfg_decode(b, lens[0], &m), HRP_CFE_KIND);
	memcpy(b, out[0], lens[0]);
	b[2] = 1; /* reserved */
	assert_int_equal(hrp_cfg_decode(b, lens[0], &m), HRP_CFE_KIND);
	memcpy(b, out[0], lens[0]);
	b[1] |= 0x80; /* an unknown flag */
	assert_int_equal(hrp_cfg_decode(b, lens[0], &m), HRP_CFE_KIND);
	memcpy(b, out[0], lens[0]);
	b[44] = 0x7f; /* total over the limit */
	assert_int_equal(hrp_cfg_decode(b, lens[0], &m), HRP_CFE_SIZE);
	memcpy(b, out[0], lens[0]);
	b[47] = 10; /* total shorter than this chunk */
	b[46] = 0;
	b[45] = 0;
	b[44] = 0;
	assert_int_equal(hrp_cfg_decode(b, lens[0], &m), HRP_CFE_SIZE);
}

static void test_reassembly_refusals(void **state)
{
	uint8_t out[16][ROOM];
	size_t lens[16];
	struct hrp_cfg_rx rx = { 0 };
	struct hrp_cfg_msg m;
	bool complete;
	int k;

	(void)state;
	make_text();
	k = offer_chunks(out, lens, 0, 3);
	assert_true(k >= 3);
	/* a chunk without its FIRST */
	hrp_cfg_decode(out[1], lens[1], &m);
	assert_int_equal(hrp_cfg_rx_add(&rx, &m, &complete), HRP_CFE_ORDER);
	/* a chunk skipped */
	hrp_cfg_decode(out[0], lens[0], &m);
	assert_int_equal(hrp_cfg_rx_add(&rx, &m, &complete), HRP_CFE_OK);
	hrp_cfg_decode(out[2], lens[2], &m);
	assert_int_equal(hrp_cfg_rx_add(&rx, &m, &complete), HRP_CFE_ORDER);
	assert_false(rx.busy);
	/* a changed byte: the digest catches it at the end */
	out[1][HRP_CFG_HDR_LEN + 3] ^= 1;
	hrp_cfg_decode(out[0], lens[0], &m);
	assert_int_equal(hrp_cfg_rx_add(&rx, &m, &complete), HRP_CFE_OK);
	for (int i = 1; i < k; i++) {
		hrp_cfg_decode(out[i], lens[i], &m);
		assert_int_equal(hrp_cfg_rx_add(&rx, &m, &complete),
				 i == k - 1 ? HRP_CFE_DIGEST : HRP_CFE_OK);
	}
	assert_false(complete);
	assert_null(rx.text);
	out[1][HRP_CFG_HDR_LEN + 3] ^= 1;
	/* a NUL in the text */
	out[1][HRP_CFG_HDR_LEN + 3] = 0;
	hrp_cfg_decode(out[0], lens[0], &m);
	hrp_cfg_rx_add(&rx, &m, &complete);
	hrp_cfg_decode(out[1], lens[1], &m);
	assert_int_equal(hrp_cfg_rx_add(&rx, &m, &complete), HRP_CFE_TEXT);
	hrp_cfg_rx_reset(&rx);
}

static void test_result(void **state)
{
	uint8_t out[HRP_CFG_HDR_LEN + HRP_CFG_MSG_MAX], d[HRP_CFG_DIGEST_LEN];
	char reason[300];
	struct hrp_cfg_msg m;
	size_t len;

	(void)state;
	memset(d, 0xab, sizeof(d));
	len = hrp_cfg_result_encode(9, d, HRP_CFG_REFUSED,
				    "zone 'x' is not defined\n\x01", out,
				    sizeof(out));
	assert_int_equal(hrp_cfg_decode(out, len, &m), HRP_CFE_OK);
	assert_int_equal(m.kind, HRP_CFG_RESULT);
	assert_int_equal(m.status, HRP_CFG_REFUSED);
	assert_int_equal(m.gen, 9);
	assert_memory_equal(m.data, "zone 'x' is not defined??", m.len);
	memset(reason, 'r', sizeof(reason));
	reason[sizeof(reason) - 1] = '\0';
	len = hrp_cfg_result_encode(9, d, HRP_CFG_KEPT, reason, out,
				    sizeof(out));
	assert_int_equal(len, HRP_CFG_HDR_LEN + HRP_CFG_MSG_MAX);
	assert_int_equal(hrp_cfg_decode(out, len, &m), HRP_CFE_OK);
	out[1] = HRP_CFG__STATUS_COUNT;
	assert_int_equal(hrp_cfg_decode(out, len, &m), HRP_CFE_KIND);
	out[1] = HRP_CFG_KEPT;
	out[HRP_CFG_HDR_LEN] = 0x7f;
	assert_int_equal(hrp_cfg_decode(out, len, &m), HRP_CFE_TEXT);
}

static enum hrp_cfg_status judge(enum hrp_cfg_role role, bool standby,
				 uint64_t gen, uint8_t flags, uint64_t ogen,
				 bool same, bool wins)
{
	struct hrp_cfg_state s = { .role = role,
				   .standby_config = standby,
				   .gen = gen };
	struct hrp_cfg_msg o = { .kind = HRP_CFG_OFFER,
				 .flags = flags,
				 .gen = ogen };

	memset(s.digest, 1, sizeof(s.digest));
	memset(o.digest, same ? 1 : 2, sizeof(o.digest));
	return hrp_cfg_judge(&s, &o, wins);
}

#define M HRP_CFG_ROLE_MASTER
#define S HRP_CFG_ROLE_SLAVE
#define N HRP_CFG_ROLE_NONE
#define FM HRP_CFG_F_MASTER
#define FP HRP_CFG_F_PUSHED

static void test_who_wins(void **state)
{
	(void)state;
	/* the same text: nothing to do, whoever sent it */
	assert_int_equal(judge(S, false, 1, FM, 9, true, false), HRP_CFG_SAME);
	/* HRP_M's wins over HRP_S and a host not decided, even older */
	assert_int_equal(judge(S, false, 9, FM, 1, false, false),
			 HRP_CFG_APPLIED);
	assert_int_equal(judge(N, false, 9, FM, 1, false, false),
			 HRP_CFG_APPLIED);
	/* HRP_S does not change HRP_M... */
	assert_int_equal(judge(M, false, 1, 0, 9, false, true), HRP_CFG_KEPT);
	/* ...unless standby-config is on and the change is newer */
	assert_int_equal(judge(M, true, 1, 0, 9, false, true), HRP_CFG_APPLIED);
	assert_int_equal(judge(M, true, 9, 0, 9, false, true), HRP_CFG_KEPT);
	/* two HRP_M for a moment: newer first, then host order */
	assert_int_equal(judge(M, false, 3, FM, 4, false, false),
			 HRP_CFG_APPLIED);
	assert_int_equal(judge(M, false, 4, FM, 3, false, true), HRP_CFG_KEPT);
	assert_int_equal(judge(M, false, 4, FM, 4, false, true),
			 HRP_CFG_APPLIED);
	assert_int_equal(judge(M, false, 4, FM, 4, false, false), HRP_CFG_KEPT);
	/* two HRP_S: only with standby-config */
	assert_int_equal(judge(S, false, 1, 0, 9, false, true), HRP_CFG_KEPT);
	assert_int_equal(judge(S, true, 1, 0, 9, false, false),
			 HRP_CFG_APPLIED);
	/* an operator's push is applied */
	assert_int_equal(judge(M, true, 9, FP, 1, false, false),
			 HRP_CFG_APPLIED);
	/* a change here is newer than both sides' */
	assert_int_equal(hrp_cfg_next_gen(3, 7), 8);
	assert_int_equal(hrp_cfg_next_gen(7, 3), 8);
}

static void test_roles(void **state)
{
	struct hrp_cfg_state s = { 0 };

	(void)state;
	s.role = S;
	assert_false(hrp_cfg_offers(&s));
	assert_false(hrp_cfg_may_edit(&s));
	s.standby_config = true;
	assert_true(hrp_cfg_offers(&s));
	assert_true(hrp_cfg_may_edit(&s));
	s.standby_config = false;
	s.role = M;
	assert_true(hrp_cfg_offers(&s));
	assert_true(hrp_cfg_may_edit(&s));
	s.role = N;
	assert_false(hrp_cfg_offers(&s));
	assert_true(hrp_cfg_may_edit(&s));
	assert_string_equal(hrp_cfg_role_name(M), "HRP_M");
}

/* docs/hrp.md, "CONFIG payload": the bytes of the worked example. */
static void test_worked_example(void **state)
{
	static const uint8_t offer[] = {
		0x01, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x03, 0x0c, 0x83, 0x4d, 0xd0, 0x1c, 0x62,
		0x8e, 0x4b, 0xbf, 0xb5, 0x15, 0x73, 0xf8, 0xa7, 0x72,
		0x96, 0x70, 0xcb, 0x2f, 0xc7, 0xe8, 0xda, 0x43, 0xf3,
		0x99, 0x44, 0x41, 0xa4, 0x44, 0x3b, 0x5a, 0x55, 0x00,
		0x00, 0x00, 0x13, 0x00, 0x00, 0x00, 0x00, 'f',	'i',
		'r',  'e',  'w',  'a',	'l',  'l',  ' ',  'z',	'o',
		'n',  'e',  ' ',  'd',	'm',  'z',  '9',  '\n',
	};
	const char *line = "firewall zone dmz9\n";
	uint8_t out[200], d[HRP_CFG_DIGEST_LEN];
	uint32_t n;
	size_t len;

	(void)state;
	hrp_cfg_digest(line, strlen(line), d);
	len = hrp_cfg_offer_encode(HRP_CFG_F_MASTER, 3, d, line,
				   (uint32_t)strlen(line), 0, out, sizeof(out),
				   &n);
	assert_int_equal(len, sizeof(offer));
	assert_memory_equal(out, offer, sizeof(offer));
	len = hrp_cfg_result_encode(3, d, HRP_CFG_APPLIED, NULL, out,
				    sizeof(out));
	assert_int_equal(len, HRP_CFG_HDR_LEN);
	assert_int_equal(out[0], HRP_CFG_RESULT);
	assert_int_equal(out[1], HRP_CFG_APPLIED);
	assert_memory_equal(out + 2, offer + 2, 42); /* gen and digest */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offer_round_trip),
		cmocka_unit_test(test_empty_offer),
		cmocka_unit_test(test_decode_refusals),
		cmocka_unit_test(test_reassembly_refusals),
		cmocka_unit_test(test_result),
		cmocka_unit_test(test_who_wins),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_worked_example),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
