/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The checksum adjustments a translated session keeps (struct
 * hsb_session_nat: csum_ip, csum_l4, HSB_NAT_XF_CSUM; include/hsb/
 * session.h). One definition for XDP, which computes them when it
 * creates a session, and hsbd, which computes them for a session it
 * installs from the peer rather than take the peer's values: a wrong
 * adjustment would corrupt every checksum of the flow.
 *
 * Incremental updates per RFC 1624 (eqn. 3: HC' = ~(~HC + ~m + m')) on
 * the raw network-order words as the CPU loads them, as the kernel's
 * csum_replace4()/csum_replace2() do: the one's complement sum does not
 * depend on byte order as long as both sides use the same one.
 */
#ifndef HSB_NAT_CSUM_H
#define HSB_NAT_CSUM_H

#include "abi.h"
#include "flow.h"
#include "nat.h"
#include "session.h"

#define HSB_CSUM_INLINE static inline __attribute__((always_inline))

HSB_CSUM_INLINE __u32 hsb_csum_add32(__u32 c, __u32 v)
{
	c += v;
	return c + (c < v);
}

HSB_CSUM_INLINE __u16 hsb_csum_fold(__u32 c)
{
	c = (c & 0xffff) + (c >> 16);
	c = (c & 0xffff) + (c >> 16);
	return (__u16)c;
}

/* The one's complement difference of replacing a 32-bit word, as a
 * 32-bit partial sum to add to a complemented checksum. */
HSB_CSUM_INLINE __u32 hsb_csum_diff4(__u32 from, __u32 to)
{
	return hsb_csum_add32(~from, to);
}

HSB_CSUM_INLINE __u32 hsb_csum_diff2(__u16 from, __u16 to)
{
	return (__u32)(__u16)~from + to;
}

/* A host-order 16-bit value as it lies in a header. */
HSB_CSUM_INLINE __u16 hsb_csum_be16(__u16 h)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap16(h);
#else
	return h;
#endif
}

/* The key's endpoint a translation replaces: the initiator's (source
 * NAT), or the responder's (DNAT). 1 when it is endpoint a. */
HSB_CSUM_INLINE int hsb_nat_key_side_a(__u8 kind, int init_b)
{
	return kind == HSB_NAT_KIND_DNAT ? init_b : !init_b;
}

/*
 * Compute the checksum adjustments of translation n (kind, addr, port
 * set) of the IPv4 session keyed k, initiated by endpoint b when init_b:
 * the key's endpoint -> n's address and port. csum_ip covers the address
 * (IPv4 header), csum_l4 the address and port (TCP, UDP pseudo-header)
 * or the echo id alone (ICMP).
 */
HSB_CSUM_INLINE void hsb_nat_prep(struct hsb_session_nat *n,
				  const struct hsb_flow_key *k, int init_b)
{
	int sa = hsb_nat_key_side_a(n->kind, init_b);
	__u32 ka, na, da, dp;
	__u16 kp = sa ? k->port_a : k->port_b;

	__builtin_memcpy(&ka, sa ? k->addr_a : k->addr_b, 4);
	__builtin_memcpy(&na, n->addr, 4);
	da = hsb_csum_diff4(ka, na);
	dp = hsb_csum_diff2(hsb_csum_be16(kp), hsb_csum_be16(n->port));
	n->csum_ip = hsb_csum_fold(da);
	n->csum_l4 = hsb_csum_fold(
		k->proto == 1 /* IPPROTO_ICMP */ ? dp : hsb_csum_add32(da, dp));
	n->xflags |= HSB_NAT_XF_CSUM;
}

#endif /* HSB_NAT_CSUM_H */
