// SPDX-License-Identifier: GPL-2.0-only
/* Gratuitous ARP and unsolicited NA frames, byte by byte against RFC 826 /
 * RFC 5227 (ARP announcement) and RFC 4861 §4.4 / §4.6.1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vrrp/vrrp_garp.h"

static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

static void test_arp(void **state)
{
	static const uint8_t want[42] = {
		/* Ethernet: broadcast, our MAC, ARP */
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x11, 0x22, 0x33,
		0x44, 0x55, 0x08, 0x06,
		/* htype 1, ptype IPv4, hlen 6, plen 4, op request */
		0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
		/* sender MAC, sender IP = VIP */
		0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 192, 0, 2, 1,
		/* target MAC zero, target IP = VIP */
		0, 0, 0, 0, 0, 0, 192, 0, 2, 1
	};
	static const uint8_t ip[4] = { 192, 0, 2, 1 };
	uint8_t buf[VRRP_GARP_FRAME_LEN + 4];
	size_t i;

	(void)state;
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(vrrp_garp_build_arp(buf, mac, ip), 60);
	assert_memory_equal(buf, want, sizeof(want));
	for (i = sizeof(want); i < 60; i++)
		assert_int_equal(buf[i], 0); /* padding */
	assert_int_equal(buf[60], 0xaa); /* nothing written past 60 */
}

static void test_na(void **state)
{
	static const uint8_t ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x64 };
	uint8_t buf[VRRP_NA_LEN + 4];

	(void)state;
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(vrrp_garp_build_na(buf, mac, ip6), 32);
	assert_int_equal(buf[0], 136); /* Neighbor Advertisement */
	assert_int_equal(buf[1], 0); /* code */
	assert_int_equal(buf[2] | buf[3], 0); /* checksum: the kernel's */
	assert_int_equal(buf[4], 0xa0); /* R and O, not S */
	assert_int_equal(buf[5] | buf[6] | buf[7], 0);
	assert_memory_equal(buf + 8, ip6, 16); /* target */
	assert_int_equal(buf[24], 2); /* target link-layer address */
	assert_int_equal(buf[25], 1); /* 8 bytes */
	assert_memory_equal(buf + 26, mac, 6);
	assert_int_equal(buf[32], 0xaa);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arp),
		cmocka_unit_test(test_na),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
