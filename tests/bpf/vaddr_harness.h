/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Virtual addresses as hsbd writes them, for the BPF_PROG_TEST_RUN tests
 * on top of xdp_harness.h (test_xdp_vaddr.c, test_xdp_fuzz.c): group
 * state, address entries and the Bloom filters the entry point reads
 * before it looks an address up.
 */
#ifndef HSB_TESTS_VADDR_HARNESS_H
#define HSB_TESTS_VADDR_HARNESS_H

#include "xdp_harness.h"
#include "hsb/vaddr.h"

static inline void set_group(struct t_fixture *f, __u32 g, int active)
{
	struct hsb_vgroup v = { .active = (__u32)active };

	assert_int_equal(
		bpf_map_update_elem(t_map_fd(f->skel->maps.hsb_vgroups), &g, &v,
				    BPF_ANY),
		0);
}

/* As hsbd does: every address in the neighbour filter, VIPs in the IP
 * filter too. */
static inline void bloom_set(struct t_fixture *f, const struct hsb_vaddr_key *k,
			     __u8 kind)
{
	uint32_t low, b;

	memcpy(&low, k->addr + (k->family == HSB_FAMILY_IPV6 ? 12 : 0), 4);
	b = hsb_vaddr_bloom_bit(ntohl(low));
	f->skel->bss->hsb_vaddr_bloom[HSB_BLOOM_NEIGH]
				     [(b >> 6) % HSB_VADDR_BLOOM_WORDS] |=
		1ULL << (b & 63);
	if (kind == HSB_VADDR_VIP)
		f->skel->bss
			->hsb_vaddr_bloom[HSB_BLOOM_IP]
					 [(b >> 6) % HSB_VADDR_BLOOM_WORDS] |=
			1ULL << (b & 63);
}

static inline struct hsb_vaddr_key vkey(unsigned int ifindex, int family,
					const char *addr)
{
	struct hsb_vaddr_key k = { .ifindex = ifindex };

	k.family = family == 6 ? HSB_FAMILY_IPV6 : HSB_FAMILY_IPV4;
	assert_int_equal(
		inet_pton(family == 6 ? AF_INET6 : AF_INET, addr, k.addr), 1);
	return k;
}

static inline void bind_addr(struct t_fixture *f, unsigned int ifindex,
			     int family, const char *addr, __u8 kind,
			     __u16 group, __u8 flags, const uint8_t *mac)
{
	struct hsb_vaddr_key k = vkey(ifindex, family, addr);
	struct hsb_vaddr v = { .kind = kind, .group = group, .flags = flags };

	memcpy(v.mac, mac, 6);
	assert_int_equal(bpf_map_update_elem(t_map_fd(f->skel->maps.hsb_vaddrs),
					     &k, &v, BPF_ANY),
			 0);
	bloom_set(f, &k, kind);
}

#endif /* HSB_TESTS_VADDR_HARNESS_H */
