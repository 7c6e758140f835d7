/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the heartbeat protocols' codecs share (VGMP hellos, HRP frames):
 * big-endian integers at a byte pointer, and HMAC-SHA256 (OpenSSL
 * libcrypto) with the empty key treated as a key.
 */
#ifndef HSB_WIRE_H
#define HSB_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define HSB_HMAC_SHA256_LEN 32

static inline void hsb_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void hsb_put32(uint8_t *p, uint32_t v)
{
	hsb_put16(p, (uint16_t)(v >> 16));
	hsb_put16(p + 2, (uint16_t)v);
}

static inline void hsb_put64(uint8_t *p, uint64_t v)
{
	hsb_put32(p, (uint32_t)(v >> 32));
	hsb_put32(p + 4, (uint32_t)v);
}

static inline uint16_t hsb_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t hsb_get32(const uint8_t *p)
{
	return (uint32_t)hsb_get16(p) << 16 | hsb_get16(p + 2);
}

static inline uint64_t hsb_get64(const uint8_t *p)
{
	return (uint64_t)hsb_get32(p) << 32 | hsb_get32(p + 4);
}

/* HMAC-SHA256 of data under key (keylen 0: the empty key, integrity
 * without authentication). */
void hsb_hmac_sha256(const uint8_t *key, size_t keylen, const uint8_t *data,
		     size_t len, uint8_t out[HSB_HMAC_SHA256_LEN]);

#endif /* HSB_WIRE_H */
