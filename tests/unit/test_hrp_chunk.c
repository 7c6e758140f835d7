// SPDX-License-Identifier: GPL-2.0-only
/* Compressed BULK_CHUNK payloads (user/hrp/hrp_chunk.h): records round
 * trip through deflate and the frame layer's bounded inflate; truncated,
 * corrupt, padded, short and bomb chunks are refused with their reason,
 * counted, and nothing of them is handed up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>

#include "hrp_chunk.h"
#include "hrp_frame.h"

#define KEY "s3cret-key"
#define KEYLEN (sizeof(KEY) - 1)
#define RAW_LEN (60u * 1024u)

static const uint8_t node_a[HRP_NODE_LEN] = { 1 };
static const uint8_t node_b[HRP_NODE_LEN] = { 2 };

static struct hrp_conn_keys a, b;
static uint8_t raw[RAW_LEN];
static uint8_t chunk[HRP_MAX_PAYLOAD];
static uint8_t frame[HRP_MAX_FRAME];

/* Records-like input: 124-byte records that differ in a counter. */
static void fill_raw(void)
{
	size_t i;

	for (i = 0; i < RAW_LEN; i++)
		raw[i] = (uint8_t)(i % 124 < 8 ? (i / 124) >> (i % 4) : i % 7);
}

static void handshake(void)
{
	uint8_t na[HRP_NONCE_LEN] = { 1 }, nb[HRP_NONCE_LEN] = { 2 };
	uint8_t buf[256];
	struct hrp_frame f;
	struct hrp_hello h;
	size_t n, used;
	bool done;

	assert_int_equal(hrp_conn_init(&a, (const uint8_t *)KEY, KEYLEN, na),
			 0);
	assert_int_equal(hrp_conn_init(&b, (const uint8_t *)KEY, KEYLEN, nb),
			 0);
	n = hrp_hello_encode(&a, node_a, 0, buf);
	assert_int_equal(hrp_rx_feed(&b, buf, n, &used, &done, &f, &h),
			 HRP_FE_OK);
	assert_true(done);
	n = hrp_hello_encode(&b, node_b, 0, buf);
	assert_int_equal(hrp_rx_feed(&a, buf, n, &used, &done, &f, &h),
			 HRP_FE_OK);
	assert_true(done);
}

static int setup(void **state)
{
	(void)state;
	fill_raw();
	handshake();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	hrp_conn_release(&a);
	hrp_conn_release(&b);
	return 0;
}

/* Sends payload as a BULK_CHUNK a -> b; returns b's answer. A refused
 * frame leaves the connection unusable: the tests that expect one
 * re-handshake. */
static enum hrp_frame_err send_chunk(uint16_t flags, const uint8_t *p,
				     size_t len, struct hrp_frame *f,
				     bool *done)
{
	struct hrp_hello h;
	size_t n, used;

	n = hrp_frame_encode(&a, HRP_FT_BULK_CHUNK, flags, 7, p, len, frame,
			     sizeof(frame));
	assert_true(n > 0);
	return hrp_rx_feed(&b, frame, n, &used, done, f, &h);
}

static void reconnect(void)
{
	teardown(NULL);
	handshake();
}

/* A chunk payload made by hand: declared length, then a zlib stream of
 * src at level 9. */
static size_t make_chunk(uint32_t declared, const uint8_t *src, size_t len)
{
	uLongf zlen = sizeof(chunk) - HRP_CHUNK_HDR_LEN;

	assert_int_equal(
		compress2(chunk + HRP_CHUNK_HDR_LEN, &zlen, src, len, 9), Z_OK);
	chunk[0] = (uint8_t)(declared >> 24);
	chunk[1] = (uint8_t)(declared >> 16);
	chunk[2] = (uint8_t)(declared >> 8);
	chunk[3] = (uint8_t)declared;
	return HRP_CHUNK_HDR_LEN + zlen;
}

/* Records go out compressed and come up inflated, byte for byte; the
 * frame says how long it was on the wire. */
static void test_round_trip(void **state)
{
	struct hrp_deflater d;
	struct hrp_frame f;
	size_t z;
	bool done;
	int level;

	(void)state;
	for (level = 1; level <= 9; level += 4) {
		assert_int_equal(hrp_deflater_init(&d, level), 0);
		z = hrp_chunk_deflate(&d, raw, sizeof(raw), chunk,
				      sizeof(chunk));
		hrp_deflater_release(&d);
		assert_true(z > HRP_CHUNK_HDR_LEN && z < sizeof(raw) / 4);
		assert_int_equal(send_chunk(HRP_FF_ZLIB, chunk, z, &f, &done),
				 HRP_FE_OK);
		assert_true(done);
		assert_int_equal(f.type, HRP_FT_BULK_CHUNK);
		assert_int_equal(f.count, 7);
		assert_int_equal(f.payload_len, sizeof(raw));
		assert_memory_equal(f.payload, raw, sizeof(raw));
		assert_int_equal(f.wire_len, HRP_HDR_LEN + z + HRP_HMAC_LEN);
	}
	/* without the flag a BULK_CHUNK is taken as it is */
	assert_int_equal(send_chunk(0, raw, 100, &f, &done), HRP_FE_OK);
	assert_true(done);
	assert_int_equal(f.payload_len, 100);
	assert_memory_equal(f.payload, raw, 100);
}

/* Data that does not shrink, or does not fit, is not compressed: the
 * caller sends it as it is. */
static void test_incompressible(void **state)
{
	struct hrp_deflater d;
	uint8_t noise[4096];
	uint32_t x = 12345;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(noise); i++) {
		x = x * 1103515245u + 12345u;
		noise[i] = (uint8_t)(x >> 16);
	}
	assert_int_equal(hrp_deflater_init(&d, 1), 0);
	assert_int_equal(hrp_chunk_deflate(&d, noise, sizeof(noise), chunk,
					   sizeof(chunk)),
			 0);
	assert_int_equal(hrp_chunk_deflate(&d, raw, sizeof(raw), chunk, 64), 0);
	assert_int_equal(hrp_chunk_deflate(&d, raw, 0, chunk, sizeof(chunk)),
			 0);
	/* the deflater is reusable after a refusal */
	assert_true(hrp_chunk_deflate(&d, raw, sizeof(raw), chunk,
				      sizeof(chunk)) > 0);
	hrp_deflater_release(&d);
}

static void expect_refused(const uint8_t *p, size_t len, enum hrp_frame_err e)
{
	uint64_t before = b.rx.err[e], frames = b.rx.frames;
	struct hrp_frame f;
	bool done = false;

	memset(&f, 0, sizeof(f));
	assert_int_equal(send_chunk(HRP_FF_ZLIB, p, len, &f, &done), e);
	assert_false(done);
	assert_null(f.payload);
	assert_int_equal(b.rx.err[e], before + 1);
	assert_int_equal(b.rx.frames, frames);
	reconnect();
}

/* Cut, altered, padded or short streams: chunk-corrupt. */
static void test_corrupt(void **state)
{
	size_t n;

	(void)state;
	n = make_chunk(sizeof(raw), raw, sizeof(raw));
	expect_refused(chunk, n - 10, HRP_FE_CHUNK_CORRUPT); /* truncated */
	expect_refused(chunk, HRP_CHUNK_HDR_LEN, HRP_FE_CHUNK_CORRUPT);
	expect_refused(chunk, 2, HRP_FE_CHUNK_CORRUPT);
	n = make_chunk(sizeof(raw), raw, sizeof(raw));
	chunk[n - 2] ^= 0x40; /* the Adler-32 of the stream */
	expect_refused(chunk, n, HRP_FE_CHUNK_CORRUPT);
	n = make_chunk(sizeof(raw), raw, sizeof(raw));
	chunk[HRP_CHUNK_HDR_LEN] = 0x00; /* not a zlib header */
	expect_refused(chunk, n, HRP_FE_CHUNK_CORRUPT);
	n = make_chunk(sizeof(raw), raw, sizeof(raw));
	chunk[n] = 0; /* a byte after the stream's end */
	expect_refused(chunk, n + 1, HRP_FE_CHUNK_CORRUPT);
	/* declared longer than it inflates */
	n = make_chunk(sizeof(raw) + 1, raw, sizeof(raw));
	expect_refused(chunk, n, HRP_FE_CHUNK_CORRUPT);
}

/* Over the limit, declared or inflated: chunk-too-large. A bomb (a few
 * KiB that inflate to megabytes) stops at the declared length. */
static void test_bomb(void **state)
{
	uint8_t *zeros;
	size_t n, big = 8u << 20;

	(void)state;
	n = make_chunk(HRP_CHUNK_RAW_MAX + 1, raw, 100);
	expect_refused(chunk, n, HRP_FE_CHUNK_SIZE);
	n = make_chunk(0, raw, 100);
	expect_refused(chunk, n, HRP_FE_CHUNK_SIZE);
	/* declares 100, inflates to the whole of raw */
	n = make_chunk(100, raw, sizeof(raw));
	expect_refused(chunk, n, HRP_FE_CHUNK_SIZE);
	/* one byte more than declared */
	n = make_chunk(sizeof(raw) - 1, raw, sizeof(raw));
	expect_refused(chunk, n, HRP_FE_CHUNK_SIZE);
	zeros = calloc(1, big);
	assert_non_null(zeros);
	n = make_chunk(HRP_CHUNK_RAW_MAX, zeros, big);
	free(zeros);
	assert_true(n < 16384);
	expect_refused(chunk, n, HRP_FE_CHUNK_SIZE);
}

/* docs/hrp.md, "Compressed chunks": the worked session and its
 * neighbour (port 54322, NAT port 50008), deflated at level 1. */
static void test_worked_example(void **state)
{
	static const uint8_t want[] = {
		0x00, 0x00, 0x00, 0xf8, 0x78, 0x01, 0x63, 0x64, 0x60, 0xa8,
		0x39, 0xb0, 0x82, 0x8b, 0x8b, 0x01, 0x09, 0x1c, 0x33, 0x4e,
		0x61, 0x47, 0xe2, 0x32, 0x5c, 0x31, 0x64, 0xdc, 0xcd, 0xc6,
		0x02, 0x16, 0x61, 0x64, 0x61, 0x06, 0xd2, 0x4c, 0x87, 0xc3,
		0x81, 0x24, 0xe3, 0x69, 0x86, 0x42, 0x56, 0x64, 0x75, 0x20,
		0x99, 0x10, 0xee, 0x27, 0x10, 0x21, 0x7e, 0x27, 0x07, 0x08,
		0x83, 0x81, 0x07, 0x4a, 0x43, 0xed, 0x60, 0xbf, 0x00, 0xe1,
		0x1b, 0x5c, 0x61, 0x24, 0xc6, 0x6e, 0x23, 0x0c, 0xbb, 0x23,
		0x80, 0xfa, 0x29, 0xb6, 0x1b, 0x00, 0x93, 0xab, 0x16, 0xad,
	};
	static const uint8_t sess[124] = {
		0x01, 0x00,	    0x00,	 0x7c,	       0xc0,
		0xa8, 0x0a,	    0x0a,	 [20] = 0xc6,  0x33,
		0x64, 0x07,	    [36] = 0xd4, 0x31,	       0x01,
		0xbb, 0x06,	    0x04,	 [47] = 0x01,  0x04,
		0x03, [53] = 0x02,  0xc3,	 0x57,	       [59] = 0x01,
		0xcb, 0x00,	    0x71,	 0x05,	       [79] = 0x02,
		0x54, 0x0b,	    0xe4,	 0x00,	       [89] = 0x0f,
		0x42, 0x40,	    [99] = 0x0c, [107] = 0x0a, [114] = 0x07,
		0xd0, [122] = 0x30, 0xd4,
	};
	uint8_t recs[2 * sizeof(sess)];
	struct hrp_deflater d;
	struct hrp_frame f;
	bool done;
	size_t z;

	(void)state;
	memcpy(recs, sess, sizeof(sess));
	memcpy(recs + sizeof(sess), sess, sizeof(sess));
	recs[sizeof(sess) + 37] = 0x32;
	recs[sizeof(sess) + 55] = 0x58;
	assert_int_equal(hrp_deflater_init(&d, 1), 0);
	z = hrp_chunk_deflate(&d, recs, sizeof(recs), chunk, sizeof(chunk));
	hrp_deflater_release(&d);
	assert_int_equal(z, sizeof(want));
	assert_memory_equal(chunk, want, sizeof(want));
	assert_int_equal(send_chunk(HRP_FF_ZLIB, want, sizeof(want), &f, &done),
			 HRP_FE_OK);
	assert_true(done);
	assert_int_equal(f.payload_len, sizeof(recs));
	assert_memory_equal(f.payload, recs, sizeof(recs));
}

/* The reasons have the names the counters show. */
static void test_names(void **state)
{
	(void)state;
	assert_string_equal(hrp_frame_err_name(HRP_FE_CHUNK_CORRUPT),
			    "chunk-corrupt");
	assert_string_equal(hrp_frame_err_name(HRP_FE_CHUNK_SIZE),
			    "chunk-too-large");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_incompressible),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_bomb),
		cmocka_unit_test(test_worked_example),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
