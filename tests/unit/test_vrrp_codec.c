// SPDX-License-Identifier: GPL-2.0-only
/* VRRP codec: golden bytes with independently computed checksums, round
 * trips, every rejection class, and a bounded fixed-seed fuzz.
 *
 * Golden vectors were produced outside this code base with python3 (the
 * struct module and its own RFC 1071 sum; the script is reproduced below)
 * and cross-checked: the v2 vector was fed to tcpdump -vv, which verifies
 * VRRPv2 checksums and flags a one-bit corruption of it as "bad vrrp
 * cksum". The test also recomputes every golden checksum with ref_cksum(),
 * a separate byte-by-byte RFC 1071 implementation over a pseudo-header
 * assembled by hand here, sharing no code with user/vrrp.
 *
 *   def csum(d):                      # RFC 1071
 *       if len(d) % 2: d += b'\0'
 *       s = sum(struct.unpack('!%dH' % (len(d) // 2), d))
 *       while s >> 16: s = (s & 0xffff) + (s >> 16)
 *       return ~s & 0xffff
 *   def v3(src, dst, vrid, prio, adv_cs, vips):
 *       msg = struct.pack('!BBBBHH', 0x31, vrid, prio, len(vips),
 *                         adv_cs & 0xfff, 0) + b''.join(ip(v) for v in vips)
 *       ph = src + dst + (struct.pack('!BBH', 0, 112, len(msg)) if v4 else
 *                         struct.pack('!I', len(msg)) + b'\0\0\0\x70')
 *       return msg[:6] + struct.pack('!H', csum(ph + msg)) + msg[8:]
 *   def v2(vrid, prio, adv_s, vips):
 *       msg = struct.pack('!BBBBBBH', 0x21, vrid, prio, len(vips), 0,
 *                         adv_s, 0) + addrs + b'\0' * 8
 *       return msg[:6] + struct.pack('!H', csum(msg)) + msg[8:]
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "vrrp_codec.h"

/* --- independent reference ------------------------------------------------ */

static uint16_t ref_cksum(const uint8_t *p, size_t n)
{
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += (i % 2 == 0) ? (uint64_t)p[i] * 256 : p[i];
	while (s > 0xffff)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)(0xffff - s);
}

/* v3 checksum over [pseudo-header | message with checksum zeroed] */
static uint16_t ref_v3(const char *src, const char *dst, const uint8_t *msg,
		       size_t len)
{
	uint8_t buf[512];
	size_t off = 0;
	int fam = strchr(src, ':') ? AF_INET6 : AF_INET;
	size_t alen = fam == AF_INET ? 4 : 16;

	assert_int_equal(inet_pton(fam, src, buf), 1);
	assert_int_equal(inet_pton(fam, dst, buf + alen), 1);
	off = 2 * alen;
	if (fam == AF_INET) {
		buf[off++] = 0;
		buf[off++] = 112;
		buf[off++] = (uint8_t)(len >> 8);
		buf[off++] = (uint8_t)len;
	} else {
		buf[off++] = 0;
		buf[off++] = 0;
		buf[off++] = (uint8_t)(len >> 8);
		buf[off++] = (uint8_t)len;
		buf[off++] = 0;
		buf[off++] = 0;
		buf[off++] = 0;
		buf[off++] = 112;
	}
	memcpy(buf + off, msg, len);
	buf[off + 6] = buf[off + 7] = 0;
	return ref_cksum(buf, off + len);
}

static uint16_t ref_v2(const uint8_t *msg, size_t len)
{
	uint8_t buf[512];

	memcpy(buf, msg, len);
	buf[6] = buf[7] = 0;
	return ref_cksum(buf, len);
}

/* Rewrite a message's checksum with the reference (to test checks that
 * come after the checksum). */
static void fix_v3(uint8_t *msg, size_t len, const char *src, const char *dst)
{
	uint16_t c = ref_v3(src, dst, msg, len);

	msg[6] = (uint8_t)(c >> 8);
	msg[7] = (uint8_t)c;
}

static void fix_v2(uint8_t *msg, size_t len)
{
	uint16_t c = ref_v2(msg, len);

	msg[6] = (uint8_t)(c >> 8);
	msg[7] = (uint8_t)c;
}

static struct vrrp_addr A(const char *s) {
	uint8_t b[16];
	int fam = strchr(s, ':') ? AF_INET6 : AF_INET;

	assert_int_equal(inet_pton(fam, s, b), 1);
	return vrrp_addr_make(fam, b);
}

static struct vrrp_rx_meta
meta(const char *src, const char *dst)
{
	struct vrrp_rx_meta m = {
		.src = A(src),
		.dst = A(dst),
		.ttl = 255,
	};

	return m;
}

/* --- golden vectors ---------------------------------------------------------- */

/* v3, IPv4, 192.0.2.10 -> 224.0.0.18, VRID 1, prio 100, 100 cs,
 * VIPs 192.0.2.1, 192.0.2.2. Checksum 0x43f6. */
static const uint8_t gold_v3v4[] = {
	0x31, 0x01, 0x64, 0x02, 0x00, 0x64, 0x43, 0xf6,
	0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x02,
};

/* Same, sent unicast to 192.0.2.11: only the checksum differs (0x61fd). */
static const uint8_t gold_v3v4_uc[] = {
	0x31, 0x01, 0x64, 0x02, 0x00, 0x64, 0x61, 0xfd,
	0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x02,
};

/* v3, IPv6, fe80::2 -> ff02::12, VRID 3, prio 200, 50 cs, VIP fe80::1.
 * Checksum 0x0a27. */
static const uint8_t gold_v3v6[] = {
	0x31, 0x03, 0xc8, 0x01, 0x00, 0x32, 0x0a, 0x27, 0xfe, 0x80, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
};

/* v2, IPv4, VRID 51, prio 150, 1 s, auth 0, VIP 10.0.0.100, 8 bytes of
 * zero Authentication Data. Checksum 0x3e66 (hand check: 0x2133 + 0x9601
 * + 0x0001 + 0x0a00 + 0x0064 = 0xc199, ~0xc199 = 0x3e66). */
static const uint8_t gold_v2v4[] = {
	0x21, 0x33, 0x96, 0x01, 0x00, 0x01, 0x3e, 0x66, 0x0a, 0x00,
	0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static void test_golden_v3_ipv4(void **state)
{
	struct vrrp_addr vips[2] = { A("192.0.2.1"), A("192.0.2.2") };
	struct vrrp_tx tx = {
		.version = 3,
		.vrid = 1,
		.priority = 100,
		.adver_cs = 100,
		.addrs = vips,
		.n_addrs = 2,
		.src = A("192.0.2.10"),
		.dst = A("224.0.0.18"),
	};
	struct vrrp_rx_meta m = meta("192.0.2.10", "224.0.0.18");
	struct vrrp_advert adv;
	uint8_t buf[64];
	struct vrrp_addr a;

	(void)state;
	assert_int_equal(ref_v3("192.0.2.10", "224.0.0.18", gold_v3v4,
				sizeof(gold_v3v4)),
			 0x43f6);
	assert_int_equal(vrrp_encode(&tx, buf, sizeof(buf)), sizeof(gold_v3v4));
	assert_memory_equal(buf, gold_v3v4, sizeof(gold_v3v4));

	assert_int_equal(vrrp_decode(gold_v3v4, sizeof(gold_v3v4), &m, &adv),
			 VRRP_RX_OK);
	assert_int_equal(adv.family, AF_INET);
	assert_int_equal(adv.version, 3);
	assert_int_equal(adv.type, 1);
	assert_int_equal(adv.vrid, 1);
	assert_int_equal(adv.priority, 100);
	assert_int_equal(adv.n_addrs, 2);
	assert_int_equal(adv.adver_cs, 100);
	assert_int_equal(adv.checksum, 0x43f6);
	assert_true(vrrp_addr_eq(&adv.src, &m.src));
	a = vrrp_advert_addr(&adv, 0);
	assert_true(vrrp_addr_eq(&a, &vips[0]));
	a = vrrp_advert_addr(&adv, 1);
	assert_true(vrrp_addr_eq(&a, &vips[1]));
	a = vrrp_advert_addr(&adv, 2);
	assert_int_equal(a.family, AF_UNSPEC);
}

static void test_golden_v3_ipv4_unicast(void **state)
{
	struct vrrp_addr vips[2] = { A("192.0.2.1"), A("192.0.2.2") };
	struct vrrp_tx tx = {
		.version = 3,
		.vrid = 1,
		.priority = 100,
		.adver_cs = 100,
		.addrs = vips,
		.n_addrs = 2,
		.src = A("192.0.2.10"),
		.dst = A("192.0.2.11"),
	};
	struct vrrp_rx_meta uc = meta("192.0.2.10", "192.0.2.11");
	struct vrrp_rx_meta mc = meta("192.0.2.10", "224.0.0.18");
	struct vrrp_advert adv;
	uint8_t buf[64];

	(void)state;
	assert_int_equal(ref_v3("192.0.2.10", "192.0.2.11", gold_v3v4_uc,
				sizeof(gold_v3v4_uc)),
			 0x61fd);
	assert_int_equal(vrrp_encode(&tx, buf, sizeof(buf)),
			 sizeof(gold_v3v4_uc));
	assert_memory_equal(buf, gold_v3v4_uc, sizeof(gold_v3v4_uc));
	assert_int_equal(vrrp_decode(buf, 16, &uc, &adv), VRRP_RX_OK);
	/* the pseudo-header destination is part of the v3 checksum */
	assert_int_equal(vrrp_decode(buf, 16, &mc, &adv), VRRP_RX_BAD_CHECKSUM);
	assert_int_equal(vrrp_decode(gold_v3v4, 16, &uc, &adv),
			 VRRP_RX_BAD_CHECKSUM);
	/* and so is the source */
	uc.src = A("192.0.2.12");
	assert_int_equal(vrrp_decode(buf, 16, &uc, &adv), VRRP_RX_BAD_CHECKSUM);
}

static void test_golden_v3_ipv6(void **state)
{
	struct vrrp_addr vip = A("fe80::1");
	struct vrrp_tx tx = {
		.version = 3,
		.vrid = 3,
		.priority = 200,
		.adver_cs = 50,
		.addrs = &vip,
		.n_addrs = 1,
		.src = A("fe80::2"),
		.dst = A("ff02::12"),
	};
	struct vrrp_rx_meta m = meta("fe80::2", "ff02::12");
	struct vrrp_advert adv;
	struct vrrp_addr a;
	uint8_t buf[64];

	(void)state;
	assert_int_equal(ref_v3("fe80::2", "ff02::12", gold_v3v6,
				sizeof(gold_v3v6)),
			 0x0a27);
	assert_int_equal(vrrp_encode(&tx, buf, sizeof(buf)), sizeof(gold_v3v6));
	assert_memory_equal(buf, gold_v3v6, sizeof(gold_v3v6));
	assert_int_equal(vrrp_decode(gold_v3v6, sizeof(gold_v3v6), &m, &adv),
			 VRRP_RX_OK);
	assert_int_equal(adv.family, AF_INET6);
	assert_int_equal(adv.vrid, 3);
	assert_int_equal(adv.priority, 200);
	assert_int_equal(adv.adver_cs, 50);
	assert_int_equal(adv.n_addrs, 1);
	a = vrrp_advert_addr(&adv, 0);
	assert_true(vrrp_addr_eq(&a, &vip));
}

static void test_golden_v2_ipv4(void **state)
{
	struct vrrp_addr vip = A("10.0.0.100");
	struct vrrp_tx tx = {
		.version = 2,
		.vrid = 51,
		.priority = 150,
		.adver_cs = 100,
		.addrs = &vip,
		.n_addrs = 1,
		.src = A("10.0.0.2"),
		.dst = A("224.0.0.18"),
	};
	struct vrrp_rx_meta m = meta("10.0.0.2", "224.0.0.18");
	struct vrrp_advert adv;
	uint8_t buf[64];

	(void)state;
	assert_int_equal(ref_v2(gold_v2v4, sizeof(gold_v2v4)), 0x3e66);
	assert_int_equal(vrrp_encode(&tx, buf, sizeof(buf)), sizeof(gold_v2v4));
	assert_memory_equal(buf, gold_v2v4, sizeof(gold_v2v4));
	assert_int_equal(vrrp_decode(gold_v2v4, sizeof(gold_v2v4), &m, &adv),
			 VRRP_RX_OK);
	assert_int_equal(adv.version, 2);
	assert_int_equal(adv.vrid, 51);
	assert_int_equal(adv.priority, 150);
	assert_int_equal(adv.v2_adver_s, 1);
	assert_int_equal(adv.adver_cs, 100);
	assert_int_equal(adv.v2_auth_type, 0);
	/* v2 has no pseudo-header: addresses do not matter */
	m = meta("10.9.9.9", "10.0.0.3");
	assert_int_equal(vrrp_decode(gold_v2v4, sizeof(gold_v2v4), &m, &adv),
			 VRRP_RX_OK);
}

/* Encode -> decode for a spread of parameters; every field survives. */
static void roundtrip_one(bool v6, unsigned int ver, unsigned int n,
			  unsigned int prio, unsigned int ivl)
{
	static const char *const v4s[] = { "198.51.100.1", "198.51.100.254",
					   "203.0.113.7", "10.255.0.128" };
	static const char *const v6s[] = { "fe80::1", "2001:db8::1",
					   "2001:db8::ffff:1", "fd00::80" };
	struct vrrp_rx_meta m = v6 ? meta("fe80::a", "ff02::12") :
				     meta("192.0.2.9", "224.0.0.18");
	struct vrrp_addr vips[4];
	struct vrrp_tx tx = {
		.version = (uint8_t)ver,
		.vrid = (uint8_t)(prio % 255 + 1),
		.priority = (uint8_t)prio,
		.adver_cs = (uint16_t)ivl,
		.addrs = vips,
		.n_addrs = n,
		.src = m.src,
		.dst = m.dst,
	};
	struct vrrp_advert adv;
	uint8_t buf[VRRP_MAX_MSG_LEN];
	unsigned int i;
	int len;

	for (i = 0; i < n; i++)
		vips[i] = A(v6 ? v6s[i] : v4s[i]);
	len = vrrp_encode(&tx, buf, sizeof(buf));
	if (ver == 2 && v6) {
		assert_int_equal(len, -EINVAL);
		return;
	}
	assert_int_equal(len, vrrp_msg_len(m.src.family, ver, n));
	assert_int_equal(vrrp_decode(buf, (size_t)len, &m, &adv), VRRP_RX_OK);
	assert_int_equal(adv.version, ver);
	assert_int_equal(adv.vrid, prio % 255 + 1);
	assert_int_equal(adv.priority, prio);
	assert_int_equal(adv.adver_cs, ivl);
	assert_int_equal(adv.n_addrs, n);
	for (i = 0; i < n; i++) {
		struct vrrp_addr a = vrrp_advert_addr(&adv, i);

		assert_true(vrrp_addr_eq(&a, &vips[i]));
	}
}

static void test_roundtrip(void **state)
{
	static const unsigned int ivls[] = { 1, 2, 99, 100, 255, 2000, 4095 };
	unsigned int fam, ver, n, prio, i;

	(void)state;
	for (fam = 0; fam < 2; fam++)
		for (ver = 2; ver <= 3; ver++)
			for (n = 1; n <= 4; n++)
				for (prio = 0; prio <= 255; prio += 51)
					for (i = 0; i < 7; i++) {
						/* v2: whole seconds */
						unsigned int ivl =
							ver == 2 ?
								(i + 1) * 100 :
								ivls[i];

						roundtrip_one(fam, ver, n, prio,
							      ivl);
					}
}

/* RFC 5798 §5.2.6: rsvd is ignored on reception. */
static void test_v3_reserved_bits_ignored(void **state)
{
	uint8_t msg[sizeof(gold_v3v4)];
	struct vrrp_rx_meta m = meta("192.0.2.10", "224.0.0.18");
	struct vrrp_advert adv;

	(void)state;
	memcpy(msg, gold_v3v4, sizeof(msg));
	msg[4] |= 0xf0;
	fix_v3(msg, sizeof(msg), "192.0.2.10", "224.0.0.18");
	assert_int_equal(vrrp_decode(msg, sizeof(msg), &m, &adv), VRRP_RX_OK);
	assert_int_equal(adv.adver_cs, 100);
	/* the 12-bit maximum */
	msg[4] = 0x0f;
	msg[5] = 0xff;
	fix_v3(msg, sizeof(msg), "192.0.2.10", "224.0.0.18");
	assert_int_equal(vrrp_decode(msg, sizeof(msg), &m, &adv), VRRP_RX_OK);
	assert_int_equal(adv.adver_cs, 4095);
}

/* --- every rejection class ------------------------------------------------ */

static void test_reject_ip_layer(void **state)
{
	struct vrrp_rx_meta m = meta("192.0.2.10", "224.0.0.18");
	struct vrrp_advert adv;
	unsigned int ttl;

	(void)state;
	/* TTL / Hop Limit must be exactly 255 (RFC 5798 §5.1.1.3, §7.1) */
	for (ttl = 0; ttl < 255; ttl += 17) {
		m.ttl = ttl;
		assert_int_equal(vrrp_decode(gold_v3v4, 16, &m, &adv),
				 VRRP_RX_BAD_TTL);
		assert_int_equal(adv.vrid, 1); /* still attributable */
	}
	m.ttl = 254;
	assert_int_equal(vrrp_decode(gold_v3v4, 16, &m, &adv), VRRP_RX_BAD_TTL);
	m = meta("fe80::2", "ff02::12");
	m.ttl = 1;
	assert_int_equal(vrrp_decode(gold_v3v6, 24, &m, &adv), VRRP_RX_BAD_TTL);

	/* families: unset, mixed */
	m = meta("192.0.2.10", "224.0.0.18");
	m.src.family = AF_UNSPEC;
	assert_int_equal(vrrp_decode(gold_v3v4, 16, &m, &adv),
			 VRRP_RX_BAD_FAMILY);
	m = meta("192.0.2.10", "ff02::12");
	assert_int_equal(vrrp_decode(gold_v3v4, 16, &m, &adv),
			 VRRP_RX_BAD_FAMILY);
}

/* RFC 5798 §5.1.1.1 / §5.1.2.1: the source is the sender's primary
 * address, and over IPv6 its link-local one. Unspecified, loopback,
 * multicast and broadcast sources can name no real master; each advert
 * here is otherwise valid (checksum over its own source). */
static enum vrrp_rx_reason decode_from(const char *src)
{
	struct vrrp_rx_meta m = strchr(src, ':') ? meta(src, "ff02::12") :
						   meta(src, "224.0.0.18");
	struct vrrp_addr vip = A(strchr(src, ':') ? "fe80::1" : "192.0.2.1");
	struct vrrp_tx tx = {
		.version = 3,
		.vrid = 7,
		.priority = 200,
		.adver_cs = 100,
		.addrs = &vip,
		.n_addrs = 1,
		.src = m.src,
		.dst = m.dst,
	};
	struct vrrp_advert adv;
	uint8_t buf[VRRP_MAX_MSG_LEN];
	enum vrrp_rx_reason r;
	int len = vrrp_encode(&tx, buf, sizeof(buf));

	assert_true(len > 0);
	r = vrrp_decode(buf, (size_t)len, &m, &adv);
	assert_int_equal(adv.vrid, 7); /* still attributable */
	return r;
}

static void test_reject_source(void **state)
{
	static const char *const bad[] = {
		"0.0.0.0",
		"0.1.2.3",
		"127.0.0.1",
		"224.0.0.18",
		"239.255.255.255",
		"240.0.0.1",
		"255.255.255.255",
		"::",
		"::1",
		"ff02::12",
		"ff02::1",
		"2001:db8::5",
		"fd00::1",
		"::ffff:192.0.2.10",
		"fec0::1",
	};
	static const char *const good[] = { "192.0.2.10", "10.0.0.2",
					    "223.255.255.254", "fe80::2",
					    "febf::1" };
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("    source %s\n", bad[i]);
		assert_int_equal(decode_from(bad[i]), VRRP_RX_BAD_SOURCE);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(decode_from(good[i]), VRRP_RX_OK);
	assert_string_equal(vrrp_rx_reason_name(VRRP_RX_BAD_SOURCE),
			    "bad-source");
}

static void test_reject_header(void **state)
{
	struct vrrp_rx_meta m = meta("192.0.2.10", "224.0.0.18");
	struct vrrp_rx_meta m6 = meta("fe80::2", "ff02::12");
	struct vrrp_advert adv;
	uint8_t msg[64];
	size_t len;
	unsigned int v, t;

	(void)state;
	/* too short for the fixed header */
	for (len = 0; len < VRRP_HDR_LEN; len++)
		assert_int_equal(vrrp_decode(gold_v3v4, len, &m, &adv),
				 VRRP_RX_TOO_SHORT);
	assert_int_equal(vrrp_decode(NULL, 16, &m, &adv), VRRP_RX_TOO_SHORT);

	/* versions other than 3 (and 2 over IPv4) */
	for (v = 0; v < 16; v++) {
		if (v == 2 || v == 3)
			continue;
		memcpy(msg, gold_v3v4, 16);
		msg[0] = (uint8_t)(v << 4 | 1);
		fix_v3(msg, 16, "192.0.2.10", "224.0.0.18");
		assert_int_equal(vrrp_decode(msg, 16, &m, &adv),
				 VRRP_RX_BAD_VERSION);
	}
	/* VRRPv2 is IPv4 only */
	memcpy(msg, gold_v3v6, 24);
	msg[0] = 0x21;
	assert_int_equal(vrrp_decode(msg, 24, &m6, &adv), VRRP_RX_BAD_VERSION);

	/* types other than 1 (RFC 5798 §5.2.2) */
	for (t = 0; t < 16; t++) {
		if (t == 1)
			continue;
		memcpy(msg, gold_v3v4, 16);
		msg[0] = (uint8_t)(0x30 | t);
		fix_v3(msg, 16, "192.0.2.10", "224.0.0.18");
		assert_int_equal(vrrp_decode(msg, 16, &m, &adv),
				 VRRP_RX_BAD_TYPE);
	}

	/* count 0 (RFC 5798 §5.2.5: minimum 1) */
	memcpy(msg, gold_v3v4, 8);
	msg[3] = 0;
	fix_v3(msg, 8, "192.0.2.10", "224.0.0.18");
	assert_int_equal(vrrp_decode(msg, 8, &m, &adv), VRRP_RX_NO_ADDRS);
}

static void test_reject_length(void **state)
{
	struct vrrp_rx_meta m = meta("192.0.2.10", "224.0.0.18");
	struct vrrp_rx_meta m2 = meta("10.0.0.2", "224.0.0.18");
	struct vrrp_advert adv;
	uint8_t msg[64];

	(void)state;
	/* count 3, two addresses present */
	memcpy(msg, gold_v3v4, 16);
	msg[3] = 3;
	fix_v3(msg, 16, "192.0.2.10", "224.0.0.18");
	assert_int_equal(vrrp_decode(msg, 16, &m, &adv), VRRP_RX_LENGTH_SHORT);
	/* count 255 in a 16-byte packet */
	msg[3] = 255;
	assert_int_equal(vrrp_decode(msg, 16, &m, &adv), VRRP_RX_LENGTH_SHORT);
	/* count 1, two addresses present: trailing bytes */
	memcpy(msg, gold_v3v4, 16);
	msg[3] = 1;
	fix_v3(msg, 16, "192.0.2.10", "224.0.0.18");
	assert_int_equal(vrrp_decode(msg, 16, &m, &adv), VRRP_RX_LENGTH_LONG);
	/* v2 without its 8 bytes of Authentication Data */
	memcpy(msg, gold_v2v4, 12);
	fix_v2(msg, 12);
	assert_int_equal(vrrp_decode(msg, 12, &m2, &adv), VRRP_RX_LENGTH_SHORT);
	/* v2 with 4 extra bytes */
	memcpy(msg, gold_v2v4, 20);
	memset(msg + 20, 0, 4);
	fix_v2(msg, 24);
	assert_int_equal(vrrp_decode(msg, 24, &m2, &adv), VRRP_RX_LENGTH_LONG);
}

static void test_reject_checksum(void **state)
{
	struct vrrp_rx_meta m = meta("192.0.2.10", "224.0.0.18");
	struct vrrp_rx_meta m6 = meta("fe80::2", "ff02::12");
	struct vrrp_rx_meta m2 = meta("10.0.0.2", "224.0.0.18");
	struct vrrp_advert adv;
	uint8_t msg[64];
	size_t i;
	unsigned int bit;

	(void)state;
	/* every single-bit flip anywhere is caught */
	for (i = 0; i < sizeof(gold_v3v4); i++)
		for (bit = 0; bit < 8; bit++) {
			memcpy(msg, gold_v3v4, 16);
			msg[i] ^= (uint8_t)(1u << bit);
			assert_int_not_equal(vrrp_decode(msg, 16, &m, &adv),
					     VRRP_RX_OK);
		}
	memcpy(msg, gold_v3v4, 16);
	msg[15] ^= 0x01; /* last VIP byte */
	assert_int_equal(vrrp_decode(msg, 16, &m, &adv), VRRP_RX_BAD_CHECKSUM);
	memcpy(msg, gold_v3v6, 24);
	msg[2] = 201; /* priority */
	assert_int_equal(vrrp_decode(msg, 24, &m6, &adv), VRRP_RX_BAD_CHECKSUM);
	memcpy(msg, gold_v2v4, 20);
	msg[19] = 1; /* Authentication Data is covered */
	assert_int_equal(vrrp_decode(msg, 20, &m2, &adv), VRRP_RX_BAD_CHECKSUM);
	/* a v3 checksum computed the v2 way (no pseudo-header) */
	memcpy(msg, gold_v3v4, 16);
	fix_v2(msg, 16);
	assert_int_equal(vrrp_decode(msg, 16, &m, &adv), VRRP_RX_BAD_CHECKSUM);
}

static void test_reject_v2_auth_and_interval(void **state)
{
	struct vrrp_rx_meta m = meta("192.0.2.10", "224.0.0.18");
	struct vrrp_rx_meta m2 = meta("10.0.0.2", "224.0.0.18");
	struct vrrp_advert adv;
	uint8_t msg[64];
	unsigned int auth;

	(void)state;
	/* RFC 3768: only Auth Type 0 is valid; 1 (simple text) and 2 (IP
	 * AH, RFC 2338) are counted as a mismatch */
	for (auth = 1; auth < 256; auth += 127) {
		memcpy(msg, gold_v2v4, 20);
		msg[4] = (uint8_t)auth;
		fix_v2(msg, 20);
		assert_int_equal(vrrp_decode(msg, 20, &m2, &adv),
				 VRRP_RX_V2_AUTH_TYPE);
		assert_int_equal(adv.v2_auth_type, auth);
	}
	memcpy(msg, gold_v2v4, 20);
	msg[4] = 2;
	fix_v2(msg, 20);
	assert_int_equal(vrrp_decode(msg, 20, &m2, &adv), VRRP_RX_V2_AUTH_TYPE);

	/* zero intervals */
	memcpy(msg, gold_v2v4, 20);
	msg[5] = 0;
	fix_v2(msg, 20);
	assert_int_equal(vrrp_decode(msg, 20, &m2, &adv), VRRP_RX_BAD_INTERVAL);
	memcpy(msg, gold_v3v4, 16);
	msg[4] = 0xf0; /* reserved bits set, interval 0 */
	msg[5] = 0;
	fix_v3(msg, 16, "192.0.2.10", "224.0.0.18");
	assert_int_equal(vrrp_decode(msg, 16, &m, &adv), VRRP_RX_BAD_INTERVAL);
}

/* --- truncation and fuzz ---------------------------------------------------- */

/* Decode from an exactly-sized heap copy so ASan sees any over-read. */
static enum vrrp_rx_reason decode_exact(const uint8_t *p, size_t len,
					const struct vrrp_rx_meta *m,
					struct vrrp_advert *adv)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum vrrp_rx_reason r;

	assert_non_null(copy);
	if (len)
		memcpy(copy, p, len);
	r = vrrp_decode(copy, len, m, adv);
	if (r == VRRP_RX_OK) {
		size_t need =
			vrrp_msg_len(adv->family, adv->version, adv->n_addrs);

		/* invariants of an accepted message */
		assert_int_equal(need, len);
		assert_true(adv->version == 2 || adv->version == 3);
		assert_int_equal(adv->type, 1);
		assert_true(adv->n_addrs >= 1);
		assert_true(adv->adver_cs >= 1);
		assert_ptr_equal(adv->addrs, copy + VRRP_HDR_LEN);
	}
	free(copy);
	return r;
}

static void test_every_truncation(void **state)
{
	static const struct {
		const uint8_t *p;
		size_t len;
		const char *src, *dst;
	} g[] = {
		{ gold_v3v4, sizeof(gold_v3v4), "192.0.2.10", "224.0.0.18" },
		{ gold_v3v6, sizeof(gold_v3v6), "fe80::2", "ff02::12" },
		{ gold_v2v4, sizeof(gold_v2v4), "10.0.0.2", "224.0.0.18" },
	};
	unsigned int i;
	size_t len;

	(void)state;
	for (i = 0; i < 3; i++) {
		struct vrrp_rx_meta m = meta(g[i].src, g[i].dst);
		struct vrrp_advert adv;

		for (len = 0; len < g[i].len; len++) {
			enum vrrp_rx_reason r =
				decode_exact(g[i].p, len, &m, &adv);

			assert_int_equal(r, len < VRRP_HDR_LEN ?
						    VRRP_RX_TOO_SHORT :
						    VRRP_RX_LENGTH_SHORT);
		}
		assert_int_equal(decode_exact(g[i].p, len, &m, &adv),
				 VRRP_RX_OK);
	}
}

/* xorshift64*, fixed seed: the same bytes on every run. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static void test_fuzz_random_bytes(void **state)
{
	uint8_t buf[VRRP_MAX_MSG_LEN + 64];
	unsigned int iter, ok = 0;
	size_t i;

	(void)state;
	for (iter = 0; iter < 20000; iter++) {
		struct vrrp_rx_meta m =
			(rnd() & 1) ? meta("fe80::2", "ff02::12") :
				      meta("192.0.2.10", "224.0.0.18");
		struct vrrp_advert adv;
		size_t len = (iter % 10 == 0) ? rnd() % sizeof(buf) :
						rnd() % 48;

		for (i = 0; i < len; i++)
			buf[i] = (uint8_t)rnd();
		/* make the header plausible half of the time so the deeper
		 * checks are reached */
		if (len >= VRRP_HDR_LEN && (rnd() & 1)) {
			buf[0] = (rnd() & 1) ? 0x31 : 0x21;
			buf[3] = (uint8_t)(rnd() % 4);
		}
		if (rnd() % 8 == 0)
			m.ttl = (unsigned int)(rnd() % 256);
		if (decode_exact(buf, len, &m, &adv) == VRRP_RX_OK)
			ok++;
	}
	/* random checksums essentially never pass */
	assert_true(ok < 10);
}

/* Mutate golden packets, re-checksum some, decode: exercises the checks
 * behind the checksum with odd values. */
static void test_fuzz_mutations(void **state)
{
	static const struct {
		const uint8_t *p;
		size_t len;
		const char *src, *dst;
		int ver;
	} g[] = {
		{ gold_v3v4, sizeof(gold_v3v4), "192.0.2.10", "224.0.0.18", 3 },
		{ gold_v3v6, sizeof(gold_v3v6), "fe80::2", "ff02::12", 3 },
		{ gold_v2v4, sizeof(gold_v2v4), "10.0.0.2", "224.0.0.18", 2 },
	};
	unsigned int iter, counts[VRRP_RX__COUNT] = { 0 };

	(void)state;
	for (iter = 0; iter < 30000; iter++) {
		unsigned int k = (unsigned int)(rnd() % 3), n, j;
		struct vrrp_rx_meta m = meta(g[k].src, g[k].dst);
		struct vrrp_advert adv;
		uint8_t msg[64];
		size_t len = g[k].len;
		enum vrrp_rx_reason r;

		memcpy(msg, g[k].p, len);
		n = 1 + (unsigned int)(rnd() % 3);
		for (j = 0; j < n; j++)
			msg[rnd() % len] ^= (uint8_t)(1u << (rnd() % 8));
		if (rnd() % 4 == 0)
			len = (size_t)(rnd() % (len + 1));
		if (rnd() & 1) {
			if (len >= VRRP_HDR_LEN && g[k].ver == 3)
				fix_v3(msg, len, g[k].src, g[k].dst);
			else if (len >= VRRP_HDR_LEN)
				fix_v2(msg, len);
		}
		r = decode_exact(msg, len, &m, &adv);
		assert_true((unsigned int)r < VRRP_RX__COUNT);
		counts[r]++;
	}
	/* the mutations reached the deep checks, not only the checksum */
	assert_true(counts[VRRP_RX_OK] > 0);
	assert_true(counts[VRRP_RX_BAD_CHECKSUM] > 0);
	assert_true(counts[VRRP_RX_BAD_TYPE] > 0);
	assert_true(counts[VRRP_RX_BAD_VERSION] > 0);
	assert_true(counts[VRRP_RX_LENGTH_SHORT] > 0);
}

/* --- encoder errors, names, address order ---------------------------------- */

static void test_encode_errors(void **state)
{
	struct vrrp_addr vip = A("192.0.2.1"), vip6 = A("fe80::1");
	struct vrrp_tx ok = {
		.version = 3,
		.vrid = 1,
		.priority = 100,
		.adver_cs = 100,
		.addrs = &vip,
		.n_addrs = 1,
		.src = A("192.0.2.10"),
		.dst = A("224.0.0.18"),
	};
	struct vrrp_tx tx;
	uint8_t buf[64];

	(void)state;
	assert_int_equal(vrrp_encode(&ok, buf, sizeof(buf)), 12);
	assert_int_equal(vrrp_encode(&ok, buf, 11), -ENOSPC);
	assert_int_equal(vrrp_encode(&ok, NULL, 64), -ENOSPC);
	tx = ok;
	tx.vrid = 0;
	assert_int_equal(vrrp_encode(&tx, buf, sizeof(buf)), -EINVAL);
	tx = ok;
	tx.adver_cs = 0;
	assert_int_equal(vrrp_encode(&tx, buf, sizeof(buf)), -EINVAL);
	tx.adver_cs = 4096;
	assert_int_equal(vrrp_encode(&tx, buf, sizeof(buf)), -EINVAL);
	tx = ok;
	tx.n_addrs = 0;
	assert_int_equal(vrrp_encode(&tx, buf, sizeof(buf)), -EINVAL);
	tx = ok;
	tx.addrs = &vip6; /* family differs from src */
	assert_int_equal(vrrp_encode(&tx, buf, sizeof(buf)), -EINVAL);
	tx = ok;
	tx.dst = A("ff02::12");
	assert_int_equal(vrrp_encode(&tx, buf, sizeof(buf)), -EINVAL);
	tx = ok;
	tx.version = 4;
	assert_int_equal(vrrp_encode(&tx, buf, sizeof(buf)), -EINVAL);
	/* v2: whole seconds, 1..255 */
	tx = ok;
	tx.version = 2;
	tx.adver_cs = 150;
	assert_int_equal(vrrp_encode(&tx, buf, sizeof(buf)), -EINVAL);
	tx.adver_cs = 0;
	assert_int_equal(vrrp_encode(&tx, buf, sizeof(buf)), -EINVAL);
	tx.adver_cs = 25500;
	assert_int_equal(vrrp_encode(&tx, buf, sizeof(buf)), 20);
	assert_int_equal(buf[5], 255);
	/* priority 0 (shutdown) encodes */
	tx = ok;
	tx.priority = 0;
	assert_int_equal(vrrp_encode(&tx, buf, sizeof(buf)), 12);
	assert_int_equal(buf[2], 0);
}

static void test_reason_names(void **state)
{
	unsigned int i, j;

	(void)state;
	for (i = 0; i < VRRP_RX__COUNT; i++) {
		const char *n = vrrp_rx_reason_name((enum vrrp_rx_reason)i);

		assert_non_null(n);
		assert_string_not_equal(n, "unknown");
		for (j = 0; j < i; j++)
			assert_string_not_equal(
				n, vrrp_rx_reason_name((enum vrrp_rx_reason)j));
	}
	assert_string_equal(vrrp_rx_reason_name(VRRP_RX__COUNT), "unknown");
	assert_string_equal(vrrp_rx_reason_name(VRRP_RX_BAD_CHECKSUM),
			    "bad-checksum");
}

static void test_addr_cmp_unsigned(void **state)
{
	struct vrrp_addr a = A("192.0.2.200"), b = A("192.0.2.10");
	struct vrrp_addr c = A("fe80::ff00"), d = A("fe80::1");

	(void)state;
	/* 0xc8 > 0x0a as unsigned bytes (a signed compare would invert) */
	assert_true(vrrp_addr_cmp(&a, &b) > 0);
	assert_true(vrrp_addr_cmp(&b, &a) < 0);
	assert_true(vrrp_addr_cmp(&c, &d) > 0);
	assert_int_equal(vrrp_addr_cmp(&a, &a), 0);
	assert_int_equal(vrrp_addr_len(AF_INET), 4);
	assert_int_equal(vrrp_addr_len(AF_INET6), 16);
	assert_int_equal(vrrp_addr_len(AF_UNIX), 0);
	assert_int_equal(vrrp_msg_len(AF_INET6, 2, 1), 0);
	assert_int_equal(vrrp_msg_len(AF_INET, 3, 256), 0);
	assert_int_equal(vrrp_msg_len(AF_INET6, 3, 255), VRRP_MAX_MSG_LEN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_v3_ipv4),
		cmocka_unit_test(test_golden_v3_ipv4_unicast),
		cmocka_unit_test(test_golden_v3_ipv6),
		cmocka_unit_test(test_golden_v2_ipv4),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_v3_reserved_bits_ignored),
		cmocka_unit_test(test_reject_ip_layer),
		cmocka_unit_test(test_reject_source),
		cmocka_unit_test(test_reject_header),
		cmocka_unit_test(test_reject_length),
		cmocka_unit_test(test_reject_checksum),
		cmocka_unit_test(test_reject_v2_auth_and_interval),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_fuzz_random_bytes),
		cmocka_unit_test(test_fuzz_mutations),
		cmocka_unit_test(test_encode_errors),
		cmocka_unit_test(test_reason_names),
		cmocka_unit_test(test_addr_cmp_unsigned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
