/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Next-hop cache: each direction of a session remembers what
 * bpf_fib_lookup() answered for it (struct hsb_nexthop in
 * include/hsb/session.h), so an established packet is rewritten and
 * redirected without a FIB lookup (~30 ns, a third of the fast path).
 *
 * Invalidation is by generation, not by walking sessions. hsb_nh_gen is a
 * global in the program's .bss: the fast path reads it with a direct load
 * (no helper call, no map lookup), and hsbd writes it through the
 * skeleton's memory-mapped .bss. hsbd seeds it with a random non-zero
 * value when it loads the program (so sessions kept across a
 * --keep-datapath restart, filled under the old program's generation,
 * match the new one only with probability 2^-32) and bumps it on every
 * link, address, route, rule, neighbour or netconf change it hears of on
 * netlink, on a netlink overrun, and whenever it reconciles interfaces
 * (user/hsbd/route_watch.c, datapath.c). An entry is used only while its
 * gen equals hsb_nh_gen; a bump thus invalidates every entry at once and
 * each flow's next packet takes the FIB and refills its entry. 0 means
 * "caching off" (the program before hsbd seeded it): nothing is used or
 * filled.
 *
 * What a hit must preserve from the FIB path (lib/forward.h): only
 * BPF_FIB_LKUP_RET_SUCCESS is cached (never NO_NEIGH, local, FRAG_NEEDED,
 * drops or errors: those keep asking the FIB every packet); the lookup
 * depends on the ingress interface, so an entry serves only the ingress it
 * was filled for; a packet longer than the lengths the FIB's MTU check has
 * accepted for the entry takes the FIB (which reports FRAG_NEEDED or
 * raises the entry's mtu); TTL/hop limit <= 1 and VLAN-tagged frames still
 * go to the kernel (hsb_rewrite()).
 *
 * Concurrency: CPUs carrying the same flow may fill and read an entry at
 * once. A filler zeroes gen, writes the fields, then stores gen; a reader
 * checks gen, copies the entry, and checks gen again, so it never uses a
 * half-written entry on a TSO machine (x86). On weakly ordered CPUs the
 * worst case is one packet with a mix of two FIB answers of the same
 * moment, which is within what the one-loop-round window between a route
 * change and the bump already allows.
 */
#ifndef HSB_BPF_LIB_NEXTHOP_H
#define HSB_BPF_LIB_NEXTHOP_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "maps.h"
#include "parse.h"
#include "forward.h"

/* The current next-hop generation (see above); written by hsbd. */
__u32 hsb_nh_gen;

#define HSB_NH_MISS (-1)

#define hsb_barrier() asm volatile("" ::: "memory")

/* Forward p with the cached next hop nh, if it is valid for p: returns a
 * verdict (hsb_rewrite()'s), or HSB_NH_MISS when the FIB must answer. */
static __always_inline int hsb_nh_forward(struct hsb_nexthop *nh,
					  const struct hsb_pkt *p, __u32 iif,
					  void *data, void *data_end,
					  __u32 *out_ifindex)
{
	__u32 gen = *(volatile __u32 *)&hsb_nh_gen;
	struct hsb_nexthop c;

	if (!gen || *(volatile __u32 *)&nh->gen != gen)
		return HSB_NH_MISS;
	__builtin_memcpy(&c, nh, sizeof(c));
	hsb_barrier();
	if (*(volatile __u32 *)&nh->gen != gen || c.iif != iif ||
	    p->l3_len > c.mtu)
		return HSB_NH_MISS;
	return hsb_rewrite(p, c.ifindex, c.dmac, c.smac, data, data_end,
			   out_ifindex);
}

/* Write a successful lookup f, made for ingress iif with the MTU check for
 * a packet of len bytes, into nh. nh may be shared (a live session): the
 * entry is invalid while it is written. */
static __always_inline void hsb_nh_fill(struct hsb_nexthop *nh,
					const struct bpf_fib_lookup *f,
					__u32 iif, __u16 len)
{
	__u32 gen = *(volatile __u32 *)&hsb_nh_gen;

	if (!gen || iif > 0xffff)
		return;
	*(volatile __u32 *)&nh->gen = 0;
	hsb_barrier();
	nh->ifindex = f->ifindex;
	__builtin_memcpy(nh->dmac, f->dmac, ETH_ALEN);
	__builtin_memcpy(nh->smac, f->smac, ETH_ALEN);
	nh->mtu = len;
	nh->iif = iif;
	hsb_barrier();
	*(volatile __u32 *)&nh->gen = gen;
}

#endif /* HSB_BPF_LIB_NEXTHOP_H */
