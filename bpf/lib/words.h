/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HSB_BPF_LIB_WORDS_H
#define HSB_BPF_LIB_WORDS_H

#include <linux/types.h>

/*
 * Keys a lookup reads back as whole words (the kernel hashes them with
 * jhash2() and compares them) are written as whole words: a word loaded
 * right after narrower stores to its bytes cannot be forwarded from them
 * (x86 store-to-load forwarding) and waits for them to retire, several
 * ns per lookup (session keys, NAT keys). hsb_w16x2(): a word of
 * two 16-bit fields, hsb_w8x2(): a 16-bit field of two bytes, the first
 * at the lower address.
 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define hsb_w16x2(first, second) ((__u32)(first) | (__u32)(second) << 16)
#define hsb_w8x2(first, second) ((__u16)((first) | (second) << 8))
#else
#define hsb_w16x2(first, second) ((__u32)(first) << 16 | (__u32)(second))
#define hsb_w8x2(first, second) ((__u16)((first) << 8 | (second)))
#endif

#endif /* HSB_BPF_LIB_WORDS_H */
