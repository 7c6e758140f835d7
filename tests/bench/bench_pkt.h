/* SPDX-License-Identifier: GPL-2.0-only */
/* Byte helpers the benchmark programs use to build their test frames. */
#ifndef HSB_BENCH_PKT_H
#define HSB_BENCH_PKT_H

#include <stddef.h>
#include <stdint.h>

/* RFC 1071 sum of big-endian 16-bit words; an odd last byte is padded. */
static inline uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	return sum;
}

static inline uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static inline void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

#endif /* HSB_BENCH_PKT_H */
