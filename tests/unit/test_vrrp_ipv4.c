// SPDX-License-Identifier: GPL-2.0-only
/* The IPv4 header parser of the VRRP receive path: a real packet, every
 * rejection class, options, padding, every truncation, and a bounded
 * fixed-seed fuzz that checks the message it returns lies inside the
 * buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "vrrp_codec.h"
#include "vrrp_ipv4.h"

/* 10.7.0.1 -> 224.0.0.18, TTL 255, proto 112, VRRPv3 VRID 5 prio 200,
 * 1 address 10.7.0.100, interval 10 cs (checksum as captured). */
static const uint8_t pkt[] = {
	0x45, 0xc0, 0x00, 0x20, 0x12, 0x34, 0x00, 0x00, 0xff, 0x70, 0x00,
	0x00, 10,   7,	  0,	1,    224,  0,	  0,	18,   0x31, 0x05,
	0xc8, 0x01, 0x00, 0x0a, 0x00, 0x00, 10,	  7,	0,    100,
};

static void test_good(void **state)
{
	struct vrrp_rx_meta m;
	const uint8_t *msg;
	size_t len;
	const uint8_t src[4] = { 10, 7, 0, 1 }, dst[4] = { 224, 0, 0, 18 };

	(void)state;
	assert_int_equal(vrrp_ip4_parse(pkt, sizeof(pkt), &m, &msg, &len),
			 VRRP_IP4_OK);
	assert_int_equal(m.ttl, 255);
	assert_int_equal(m.src.family, AF_INET);
	assert_memory_equal(m.src.b, src, 4);
	assert_memory_equal(m.dst.b, dst, 4);
	assert_ptr_equal(msg, pkt + 20);
	assert_int_equal(len, 12);
	assert_int_equal(msg[1], 5); /* VRID */
}

static void test_padding_and_options(void **state)
{
	uint8_t b[80];
	struct vrrp_rx_meta m;
	const uint8_t *msg;
	size_t len;

	(void)state;
	/* trailing bytes past the total length (link padding) are ignored */
	memset(b, 0xee, sizeof(b));
	memcpy(b, pkt, sizeof(pkt));
	assert_int_equal(vrrp_ip4_parse(b, sizeof(pkt) + 14, &m, &msg, &len),
			 VRRP_IP4_OK);
	assert_int_equal(len, 12);
	/* a 24-byte header (one option word) */
	memcpy(b, pkt, 20);
	b[0] = 0x46;
	b[3] = 0x24;
	memset(b + 20, 1, 4); /* NOPs */
	memcpy(b + 24, pkt + 20, 12);
	assert_int_equal(vrrp_ip4_parse(b, 36, &m, &msg, &len), VRRP_IP4_OK);
	assert_ptr_equal(msg, b + 24);
	assert_int_equal(len, 12);
}

static void test_rejections(void **state)
{
	uint8_t b[sizeof(pkt)];
	struct vrrp_rx_meta m;
	const uint8_t *msg;
	size_t len;

	(void)state;
#define TRY(mutate, want)                                                      \
	do {                                                                   \
		memcpy(b, pkt, sizeof(b));                                     \
		mutate;                                                        \
		assert_int_equal(vrrp_ip4_parse(b, sizeof(b), &m, &msg, &len), \
				 want);                                        \
	} while (0)
	TRY(b[0] = 0x65, VRRP_IP4_BAD_VERSION);
	TRY(b[0] = 0x44, VRRP_IP4_BAD_IHL); /* 16 bytes */
	TRY(b[0] = 0x4f, VRRP_IP4_BAD_IHL); /* 60 > 32 bytes received */
	TRY(b[3] = 0x13, VRRP_IP4_BAD_TOTAL_LENGTH); /* < header */
	TRY(b[3] = 0x21, VRRP_IP4_BAD_TOTAL_LENGTH); /* > received */
	TRY(b[2] = 0xff, VRRP_IP4_BAD_TOTAL_LENGTH);
	TRY(b[6] = 0x20, VRRP_IP4_FRAGMENT); /* MF */
	TRY(b[7] = 0x01, VRRP_IP4_FRAGMENT); /* offset */
	TRY(b[6] = 0x40, VRRP_IP4_OK); /* DF is fine */
	TRY(b[9] = 17, VRRP_IP4_BAD_PROTOCOL);
#undef TRY
	assert_int_equal(vrrp_ip4_parse(pkt, 0, &m, &msg, &len),
			 VRRP_IP4_TOO_SHORT);
	assert_int_equal(vrrp_ip4_parse(NULL, 0, &m, &msg, &len),
			 VRRP_IP4_TOO_SHORT);
	assert_string_equal(vrrp_ip4_result_name(VRRP_IP4_FRAGMENT),
			    "ip-fragment");
	assert_string_equal(vrrp_ip4_result_name(VRRP_IP4__COUNT), "unknown");
}

/* Every prefix of the packet: never OK short of the full length, never
 * reads past it (ASan in SANITIZE=1 builds: copied to an exact-size
 * heap buffer). */
static void test_truncations(void **state)
{
	struct vrrp_rx_meta m;
	const uint8_t *msg;
	size_t n, len;

	(void)state;
	for (n = 0; n < sizeof(pkt); n++) {
		uint8_t *b = malloc(n ? n : 1);

		memcpy(b, pkt, n);
		assert_int_not_equal(vrrp_ip4_parse(b, n, &m, &msg, &len),
				     VRRP_IP4_OK);
		free(b);
	}
}

static uint32_t rng = 0x5eed1234;

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static void check_result(const uint8_t *b, size_t n)
{
	struct vrrp_rx_meta m;
	const uint8_t *msg = NULL;
	size_t len = 0;
	enum vrrp_ip4_result r = vrrp_ip4_parse(b, n, &m, &msg, &len);

	assert_true((unsigned int)r < VRRP_IP4__COUNT);
	if (r != VRRP_IP4_OK)
		return;
	/* the message is inside the buffer, after a >= 20-byte header */
	assert_true(msg >= b + 20 && msg <= b + n);
	assert_true(len <= (size_t)(b + n - msg));
	assert_int_equal(b[9], VRRP_IPPROTO);
	/* and what follows goes through the decoder safely */
	{
		struct vrrp_advert adv;

		(void)vrrp_decode(msg, len, &m, &adv);
	}
}

static void test_fuzz(void **state)
{
	unsigned int i, k;

	(void)state;
	for (i = 0; i < 200000; i++) {
		size_t n = next_rand() % 96;
		uint8_t *b = malloc(n ? n : 1);

		if (i % 2) {
			/* mutations of the real packet, some bytes flipped */
			size_t c = n < sizeof(pkt) ? n : sizeof(pkt);

			memcpy(b, pkt, c);
			for (k = (unsigned int)c; k < n; k++)
				b[k] = (uint8_t)next_rand();
			for (k = next_rand() % 4; n && k; k--)
				b[next_rand() % n] = (uint8_t)next_rand();
		} else {
			for (k = 0; k < n; k++)
				b[k] = (uint8_t)next_rand();
			if (n > 9) {
				b[0] = (uint8_t)(0x40 | (next_rand() & 0x0f));
				b[9] = VRRP_IPPROTO;
				b[6] &= 0x40;
				b[7] = 0;
			}
		}
		check_result(b, n);
		free(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_padding_and_options),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
