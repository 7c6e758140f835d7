/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checksum helpers for header rewrites.
 */
#ifndef HSB_BPF_LIB_CSUM_H
#define HSB_BPF_LIB_CSUM_H

#include <linux/ip.h>
#include <bpf/bpf_endian.h>

/*
 * Decrement the IPv4 TTL and patch the header checksum incrementally
 * (RFC 1624), as the kernel's ip_decrease_ttl() does: the TTL is the high
 * byte of its 16-bit word, so the word drops by 0x0100 and the one's
 * complement sum rises by the same amount, with the end-around carry
 * folded back in. Cheaper than bpf_csum_diff() and needs no helper.
 */
static __always_inline void hsb_ipv4_dec_ttl(struct iphdr *iph)
{
	__u32 check = iph->check;

	check += bpf_htons(0x0100);
	iph->check = (__sum16)(check + (check >= 0xffff));
	iph->ttl--;
}

/*
 * Incremental checksum updates for NAT rewrites (RFC 1624, eqn. 3:
 * HC' = ~(~HC + ~m + m')), done on the raw network-order bytes as the
 * kernel's csum_replace4()/csum_replace2() do: the one's complement sum
 * does not depend on byte order as long as both sides use the same one.
 * No helper call: a few adds, cheaper than bpf_csum_diff().
 */
static __always_inline __u32 hsb_csum_add32(__u32 c, __u32 v)
{
	c += v;
	return c + (c < v);
}

static __always_inline __u16 hsb_csum_fold(__u32 c)
{
	c = (c & 0xffff) + (c >> 16);
	c = (c & 0xffff) + (c >> 16);
	return (__u16)c;
}

/* The one's complement difference of replacing a 32-bit word, as a
 * 32-bit partial sum to feed hsb_csum_apply(). */
static __always_inline __u32 hsb_csum_diff4(__u32 from, __u32 to)
{
	return hsb_csum_add32(~from, to);
}

static __always_inline __u32 hsb_csum_diff2(__u16 from, __u16 to)
{
	return (__u32)(__u16)~from + to;
}

/* Apply a partial sum d to the checksum field at sum. */
static __always_inline void hsb_csum_apply(__sum16 *sum, __u32 d)
{
	__u32 c = (__u16) ~*sum;

	c = hsb_csum_add32(c, d);
	*sum = (__sum16)~hsb_csum_fold(c);
}

/* UDP: a zero checksum means "none" and stays zero; a computed zero is
 * sent as 0xffff (RFC 768). */
static __always_inline void hsb_csum_apply_udp(__sum16 *sum, __u32 d)
{
	if (!*sum)
		return;
	hsb_csum_apply(sum, d);
	if (!*sum)
		*sum = (__sum16)0xffff;
}

#endif /* HSB_BPF_LIB_CSUM_H */
