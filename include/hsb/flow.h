/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Flow identity: the key of the session table.
 *
 * One entry serves both directions: the key is canonical, its endpoint "a"
 * being the smaller of the two (compared as address bytes, then port), so
 * a packet and its reply find the same entry with one lookup. Which
 * endpoint opened the session is in the value (HSB_SESS_F_INIT_B).
 *
 * Ports are in host byte order so `bpftool map dump` prints 80 as 80;
 * addresses are byte arrays in network order (an IPv4 address fills the
 * first 4 bytes, the other 12 are zero). For ICMP/ICMPv6 echo both ports
 * hold the echo identifier.
 */
#ifndef HSB_FLOW_H
#define HSB_FLOW_H

#include "abi.h"

#define HSB_FAMILY_IPV4 4
#define HSB_FAMILY_IPV6 6

struct hsb_flow_key {
	__u8 addr_a[16];
	__u8 addr_b[16];
	__u16 port_a;
	__u16 port_b;
	__u8 proto; /* IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMPV6 */
	__u8 family; /* HSB_FAMILY_IPV4 or HSB_FAMILY_IPV6 */
	__u16 pad; /* zero */
};
HSB_ASSERT_SIZE(struct hsb_flow_key, 40);

/* Directions relative to the session's initiator. */
enum hsb_dir {
	HSB_DIR_ORIG = 0, /* initiator -> responder */
	HSB_DIR_REPLY = 1, /* responder -> initiator */
};

#endif /* HSB_FLOW_H */
