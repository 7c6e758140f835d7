// SPDX-License-Identifier: GPL-2.0-only
/* HRP frames (user/hrp/hrp_frame.h): the handshake keys both directions,
 * frames arrive whole and in order whatever the TCP segmentation, and
 * every malformed, truncated, oversized, altered, replayed or foreign
 * frame is refused with its reason before anything is handed up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hrp_frame.h"

#define KEY "s3cret-key"
#define KEYLEN (sizeof(KEY) - 1)

static const uint8_t node_a[HRP_NODE_LEN] = { [10] = 0xff, [11] = 0xff, 10,
					      255,	   0,		1 };
static const uint8_t node_b[HRP_NODE_LEN] = { [10] = 0xff, [11] = 0xff, 10,
					      255,	   0,		2 };

struct pair {
	struct hrp_conn_keys a, b;
};

static void nonce(uint8_t *n, uint8_t seed)
{
	int i;

	for (i = 0; i < HRP_NONCE_LEN; i++)
		n[i] = (uint8_t)(seed + i);
}

/* Feeds len bytes in pieces of step; returns the first error, and the
 * number of complete frames in *frames (the last one in *f). */
static enum hrp_frame_err feed(struct hrp_conn_keys *c, const uint8_t *buf,
			       size_t len, size_t step, unsigned int *frames,
			       struct hrp_frame *f, struct hrp_hello *h)
{
	size_t off = 0;

	*frames = 0;
	while (off < len) {
		size_t n = len - off < step ? len - off : step, used = 0;

		while (n) {
			bool complete;
			enum hrp_frame_err e = hrp_rx_feed(
				c, buf + off, n, &used, &complete, f, h);

			if (e != HRP_FE_OK)
				return e;
			if (complete)
				(*frames)++;
			off += used;
			n -= used;
		}
	}
	return HRP_FE_OK;
}

static void handshake(struct pair *p, uint8_t seed_a, uint8_t seed_b)
{
	uint8_t na[HRP_NONCE_LEN], nb[HRP_NONCE_LEN];
	uint8_t buf[256];
	struct hrp_frame f;
	struct hrp_hello h;
	unsigned int frames;
	size_t n;

	nonce(na, seed_a);
	nonce(nb, seed_b);
	assert_int_equal(hrp_conn_init(&p->a, (const uint8_t *)KEY, KEYLEN, na),
			 0);
	assert_int_equal(hrp_conn_init(&p->b, (const uint8_t *)KEY, KEYLEN, nb),
			 0);
	n = hrp_hello_encode(&p->a, node_a, 0, buf);
	assert_int_equal(n, HRP_HDR_LEN + HRP_HELLO_LEN + HRP_HMAC_LEN);
	assert_int_equal(feed(&p->b, buf, n, n, &frames, &f, &h), HRP_FE_OK);
	assert_int_equal(frames, 1);
	assert_int_equal(f.type, HRP_FT_HELLO);
	assert_memory_equal(h.node, node_a, HRP_NODE_LEN);
	n = hrp_hello_encode(&p->b, node_b, 0, buf);
	assert_int_equal(feed(&p->a, buf, n, n, &frames, &f, &h), HRP_FE_OK);
	assert_memory_equal(h.node, node_b, HRP_NODE_LEN);
	assert_true(p->a.tx.keyed && p->b.tx.keyed);
}

static void release(struct pair *p)
{
	hrp_conn_release(&p->a);
	hrp_conn_release(&p->b);
}

/* Frames of every size arrive whole and in order, fed a byte at a time,
 * in odd pieces, or many frames in one read. */
static void test_round_trip_any_segmentation(void **state)
{
	static uint8_t stream[8 * (HRP_MAX_FRAME)];
	static uint8_t payload[HRP_MAX_PAYLOAD];
	static const size_t sizes[] = { 0, 1, 100, 4096, HRP_MAX_PAYLOAD };
	static const size_t steps[] = { 1, 7, 1000, sizeof(stream) };
	struct hrp_frame f;
	struct hrp_hello h;
	unsigned int frames, i, s;
	size_t off = 0, n;
	struct pair p;

	(void)state;
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7);
	for (s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		handshake(&p, 1, 100);
		off = 0;
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			n = hrp_frame_encode(&p.a, HRP_FT_RECORDS, 3, 42,
					     payload, sizes[i], stream + off,
					     sizeof(stream) - off);
			assert_int_equal(n,
					 HRP_HDR_LEN + sizes[i] + HRP_HMAC_LEN);
			off += n;
		}
		if (steps[s] < 1000)
			off = HRP_HDR_LEN * 3 + 101 + 3 * HRP_HMAC_LEN;
		/* (byte-wise feeding of the big frames is slow: the first
		 * three frames then) */
		assert_int_equal(feed(&p.b, stream, off, steps[s], &frames, &f,
				      &h),
				 HRP_FE_OK);
		assert_int_equal(frames, steps[s] < 1000 ? 3 : 5);
		assert_int_equal(f.type, HRP_FT_RECORDS);
		assert_int_equal(f.flags, 3);
		assert_int_equal(f.count, 42);
		assert_int_equal(f.seq, frames);
		assert_memory_equal(f.payload, payload, f.payload_len);
		release(&p);
	}
}

/* Every byte flipped in a data frame: refused, never taken as another
 * frame; every truncation waits for more without handing anything up. */
static void test_flipped_and_truncated(void **state)
{
	uint8_t frame[HRP_HDR_LEN + 64 + HRP_HMAC_LEN], bad[sizeof(frame)];
	struct hrp_frame f;
	struct hrp_hello h;
	unsigned int frames;
	size_t n, i, cut;
	struct pair p;
	enum hrp_frame_err e;

	(void)state;
	handshake(&p, 1, 100);
	memset(bad, 0x5a, 64);
	n = hrp_frame_encode(&p.a, HRP_FT_RECORDS, 0, 1, bad, 64, frame,
			     sizeof(frame));
	assert_int_equal(n, sizeof(frame));
	for (i = 0; i < n; i++) {
		struct hrp_conn_keys saved = p.b;

		memcpy(bad, frame, n);
		bad[i] ^= 0x01;
		e = feed(&p.b, bad, n, n, &frames, &f, &h);
		/* a length field made longer waits for bytes that never
		 * come: no frame either */
		assert_int_equal(frames, 0);
		if (e == HRP_FE_OK)
			assert_true(i >= 8 && i < 12);
		p.b = saved; /* same connection state for the next try */
		p.b.rx.have = 0;
	}
	for (cut = 0; cut < n; cut++) {
		e = feed(&p.b, frame, cut, cut ? cut : 1, &frames, &f, &h);
		assert_int_equal(e, HRP_FE_OK);
		assert_int_equal(frames, 0);
		p.b.rx.have = 0;
	}
	/* and the intact frame still passes afterwards */
	assert_int_equal(feed(&p.b, frame, n, n, &frames, &f, &h), HRP_FE_OK);
	assert_int_equal(frames, 1);
	release(&p);
}

static void test_header_checks(void **state)
{
	uint8_t frame[HRP_HDR_LEN + HRP_HMAC_LEN], bad[sizeof(frame)];
	struct hrp_frame f;
	struct hrp_hello h;
	unsigned int frames;
	struct pair p;
	size_t n;

	(void)state;
	handshake(&p, 1, 100);
	n = hrp_frame_encode(&p.a, HRP_FT_KEEPALIVE, 0, 0, NULL, 0, frame,
			     sizeof(frame));
	assert_int_equal(n, sizeof(frame));
#define TRY(byte, val, want)                                             \
	do {                                                             \
		memcpy(bad, frame, n);                                   \
		bad[byte] = (val);                                       \
		assert_int_equal(feed(&p.b, bad, n, n, &frames, &f, &h), \
				 want);                                  \
		assert_int_equal(p.b.rx.have, 0);                        \
	} while (0)
	TRY(0, 0x00, HRP_FE_MAGIC);
	TRY(2, 2, HRP_FE_VERSION);
	TRY(3, 0, HRP_FE_TYPE);
	TRY(3, HRP_FT__MAX, HRP_FE_TYPE);
	/* over the maximum: refused at the header, nothing buffered */
	TRY(9, 0x10, HRP_FE_LENGTH); /* 0x00100040 > 256 KiB */
	TRY(11, 0x3f, HRP_FE_LENGTH); /* 63 < header + HMAC */
#undef TRY
	assert_int_equal(p.b.rx.err[HRP_FE_LENGTH], 2);
	assert_int_equal(p.b.rx.err[HRP_FE_TYPE], 2);
	assert_int_equal(p.b.rx.err[HRP_FE_MAGIC], 1);
	assert_int_equal(p.b.rx.err[HRP_FE_VERSION], 1);
	/* a payload over the maximum is never encoded */
	assert_int_equal(hrp_frame_encode(&p.a, HRP_FT_RECORDS, 0, 0, frame,
					  HRP_MAX_PAYLOAD + 1, frame,
					  sizeof(frame)),
			 0);
	release(&p);
}

/* Replay within a connection (same frame twice, an old one), and a frame
 * of an earlier connection on a new one: refused. */
static void test_replay(void **state)
{
	uint8_t f1[HRP_HDR_LEN + 8 + HRP_HMAC_LEN], f2[sizeof(f1)];
	uint8_t data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct hrp_frame f;
	struct hrp_hello h;
	unsigned int frames;
	struct pair p;
	size_t n;

	(void)state;
	handshake(&p, 1, 100);
	n = hrp_frame_encode(&p.a, HRP_FT_RECORDS, 0, 1, data, 8, f1,
			     sizeof(f1));
	hrp_frame_encode(&p.a, HRP_FT_RECORDS, 0, 1, data, 8, f2, sizeof(f2));
	assert_int_equal(feed(&p.b, f1, n, n, &frames, &f, &h), HRP_FE_OK);
	assert_int_equal(feed(&p.b, f1, n, n, &frames, &f, &h), HRP_FE_SEQ);
	/* a skipped one (f2 after f3) */
	hrp_frame_encode(&p.a, HRP_FT_RECORDS, 0, 1, data, 8, f1, sizeof(f1));
	assert_int_equal(feed(&p.b, f1, n, n, &frames, &f, &h), HRP_FE_SEQ);
	assert_int_equal(feed(&p.b, f2, n, n, &frames, &f, &h), HRP_FE_OK);
	release(&p);

	/* a new connection: new nonces, the old frame does not verify */
	handshake(&p, 2, 101);
	assert_int_equal(feed(&p.b, f2, n, n, &frames, &f, &h), HRP_FE_AUTH);
	release(&p);
}

static void test_hello_rules(void **state)
{
	uint8_t buf[256], n_a[HRP_NONCE_LEN];
	struct hrp_conn_keys a, b, wrong;
	struct hrp_frame f;
	struct hrp_hello h;
	unsigned int frames;
	struct pair p;
	size_t n;

	(void)state;
	nonce(n_a, 1);
	/* data before a HELLO */
	handshake(&p, 1, 100);
	n = hrp_frame_encode(&p.a, HRP_FT_KEEPALIVE, 0, 0, NULL, 0, buf,
			     sizeof(buf));
	assert_int_equal(hrp_conn_init(&b, (const uint8_t *)KEY, KEYLEN, n_a),
			 0);
	assert_int_not_equal(feed(&b, buf, n, n, &frames, &f, &h), HRP_FE_OK);
	assert_int_equal(frames, 0);
	hrp_conn_release(&b);
	/* a second HELLO */
	n = hrp_hello_encode(&p.a, node_a, 0, buf);
	assert_int_equal(feed(&p.b, buf, n, n, &frames, &f, &h), HRP_FE_HELLO);
	release(&p);
	/* our own HELLO reflected back */
	assert_int_equal(hrp_conn_init(&a, (const uint8_t *)KEY, KEYLEN, n_a),
			 0);
	n = hrp_hello_encode(&a, node_a, 0, buf);
	assert_int_equal(feed(&a, buf, n, n, &frames, &f, &h), HRP_FE_HELLO);
	assert_false(a.tx.keyed);
	/* a HELLO under another key */
	assert_int_equal(
		hrp_conn_init(&wrong, (const uint8_t *)"other-key", 9, n_a), 0);
	n = hrp_hello_encode(&wrong, node_b, 0, buf);
	assert_int_equal(feed(&a, buf, n, n, &frames, &f, &h), HRP_FE_AUTH);
	assert_int_equal(a.rx.err[HRP_FE_AUTH], 1);
	/* nothing is sent before the peer's HELLO keyed the connection */
	assert_int_equal(hrp_frame_encode(&a, HRP_FT_RECORDS, 0, 0, NULL, 0,
					  buf, sizeof(buf)),
			 0);
	hrp_conn_release(&a);
	hrp_conn_release(&wrong);
}

/* The frame docs/hrp.md quotes: A's HELLO and first RECORDS frame. */
static void test_worked_example(void **state)
{
	/* header | nonce 00..0f | node ::ffff:10.255.0.1 | flags 1 | 0 |
	 * HMAC-SHA256 under the hello key */
	static const char *const want_hello =
		"4852010100000000000000680000000000000000000000000000000000000000"
		"000102030405060708090a0b0c0d0e0f00000000000000000000ffff0aff0001"
		"0000000100000000"
		"909dd242d26529f5696df0ff894f0c65894e89038846e7f70161985bd728aec7";
	/* header (RECORDS, seq 1, count 1) | payload | HMAC under A->B's
	 * key, derived from both nonces */
	static const char *const want_data =
		"4852010200000000000000440000000000000000000000010000000100000000"
		"deadbeef"
		"837a226ecc9fd63d12956f9a5d9c578319e8af4b93997b2df5c677c2907b307e";
	uint8_t buf[256];
	char hex[2 * 256 + 1];
	struct pair p;
	size_t n, i;
	uint8_t na[HRP_NONCE_LEN], nb[HRP_NONCE_LEN];
	struct hrp_frame f;
	struct hrp_hello h;
	unsigned int frames;

	(void)state;
	nonce(na, 0);
	nonce(nb, 0x10);
	assert_int_equal(hrp_conn_init(&p.a, (const uint8_t *)KEY, KEYLEN, na),
			 0);
	assert_int_equal(hrp_conn_init(&p.b, (const uint8_t *)KEY, KEYLEN, nb),
			 0);
	n = hrp_hello_encode(&p.a, node_a, 1, buf);
	for (i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", buf[i]);
	print_message("hello %s\n", hex);
	assert_string_equal(hex, want_hello);
	assert_int_equal(feed(&p.b, buf, n, n, &frames, &f, &h), HRP_FE_OK);
	n = hrp_hello_encode(&p.b, node_b, 0, buf);
	assert_int_equal(feed(&p.a, buf, n, n, &frames, &f, &h), HRP_FE_OK);
	n = hrp_frame_encode(&p.a, HRP_FT_RECORDS, 0, 1,
			     (const uint8_t *)"\xde\xad\xbe\xef", 4, buf,
			     sizeof(buf));
	for (i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", buf[i]);
	print_message("data  %s\n", hex);
	assert_string_equal(hex, want_data);
	assert_int_equal(feed(&p.b, buf, n, n, &frames, &f, &h), HRP_FE_OK);
	release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_any_segmentation),
		cmocka_unit_test(test_flipped_and_truncated),
		cmocka_unit_test(test_header_checks),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_hello_rules),
		cmocka_unit_test(test_worked_example),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
