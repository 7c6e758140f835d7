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

#endif /* HSB_BPF_LIB_CSUM_H */
