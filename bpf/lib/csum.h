/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checksum helpers for header rewrites.
 */
#ifndef HSB_BPF_LIB_CSUM_H
#define HSB_BPF_LIB_CSUM_H

#include <linux/ip.h>
#include <bpf/bpf_endian.h>

#include "hsb/nat_csum.h"

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

/* Incremental checksum updates for NAT rewrites: hsb_csum_add32(),
 * hsb_csum_fold(), hsb_csum_diff4(), hsb_csum_diff2(), shared with hsbd
 * (include/hsb/nat_csum.h). No helper call: a few adds, cheaper than
 * bpf_csum_diff(). */

/* Apply a partial sum d to the checksum field at sum. A d that folds to
 * 0xffff (-0: the words did not change, or their changes cancel) leaves
 * the field alone: the sum of the data is the same, but adding -0 would
 * turn a right 0xffff (every other word zero, as in an all-zero ICMP echo
 * reply) into 0x0000, which receivers refuse (RFC 1624, section 3). */
static __always_inline void hsb_csum_apply(__sum16 *sum, __u32 d)
{
	__u32 c = (__u16) ~*sum;

	if (hsb_csum_fold(d) == 0xffff)
		return;
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
