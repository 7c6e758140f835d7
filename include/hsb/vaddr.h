/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Virtual addresses: addresses that only the active host of a pair may
 * answer for. VRRP virtual IPs, NAT pool addresses and NAT-server global
 * addresses all are; the XDP program answers ARP requests and neighbour
 * solicitations for them, and drops (and counts) what reaches the
 * standby host, so the kernel never answers on its own.
 *
 * Tables (pinned like every hsb map):
 *
 *   hsb_vaddrs   struct hsb_vaddr_key -> struct hsb_vaddr   (hash)
 *                one entry per address and interface, naming its group
 *   hsb_vgroups  __u32 group -> struct hsb_vgroup           (array)
 *                whether this host is active for the group
 *   hsb_vmacs    struct hsb_vmac_key -> struct hsb_vmac     (hash)
 *                virtual MACs (00-00-5E-00-01-VRID ...) per interface
 *
 * The switchover is one write: every address and virtual MAC names a
 * group, and hsbd flips hsb_vgroups[group].active on a group transition,
 * so all addresses of an instance (its VIPs and the NAT addresses bound
 * to it) change side in the same instant. Group 0 is "not governed":
 * always active (NAT addresses on an interface without VRRP). Which
 * slot a group has is hsbd's switchover owner's choice
 * (user/hsbd/ha/switchover.h); today a group is one VRRP instance, a
 * VGMP group can later point all its instances at one slot without a
 * layout change.
 *
 * Ownership of hsb_vaddrs entries: hsbd's VRRP engine writes the VIP
 * entries, its NAT engine the NAT ones (kind says which); each replaces
 * only its own kind.
 */
#ifndef HSB_VADDR_H
#define HSB_VADDR_H

#include "abi.h"

#define HSB_MAP_VADDRS "hsb_vaddrs"
#define HSB_MAP_VGROUPS "hsb_vgroups"
#define HSB_MAP_VMACS "hsb_vmacs"

#define HSB_VADDR_MAX 4096
#define HSB_VGROUP_MAX 256 /* > HSB_CFG_MAX_VRRP */
#define HSB_VMAC_MAX 256

/* addr: IPv4 in the first 4 bytes and zeros after (the flow-key layout),
 * or the IPv6 address; family tells them apart. */
struct hsb_vaddr_key {
	__u32 ifindex;
	__u8 family; /* HSB_FAMILY_IPV4 or HSB_FAMILY_IPV6 */
	__u8 pad[3];
	__u8 addr[16];
};
HSB_ASSERT_SIZE(struct hsb_vaddr_key, 24);

/* struct hsb_vaddr.kind */
#define HSB_VADDR_VIP 1
#define HSB_VADDR_NAT_POOL 2
#define HSB_VADDR_NAT_SERVER 3

/* struct hsb_vaddr.flags */
/* Traffic addressed to the address is taken by this host when active (a
 * VIP in accept mode or of the address owner; NAT addresses always).
 * Without it an active VIP still answers ARP/ND but packets to it are
 * dropped (RFC 5798 §6.4.3, Accept_Mode False). */
#define HSB_VADDR_F_ACCEPT 0x01

struct hsb_vaddr {
	__u8 mac[6]; /* answer with this MAC: the interface's or a vmac */
	__u8 kind; /* HSB_VADDR_* */
	__u8 flags; /* HSB_VADDR_F_* */
	__u16 group; /* hsb_vgroups slot; 0: always active */
	__u16 pad;
	__u32 pad2;
	__u64 replies; /* ARP replies / NAs sent (approximate) */
	__u64 drops; /* packets dropped for it: standby, not accepted */
};
HSB_ASSERT_SIZE(struct hsb_vaddr, 32);

struct hsb_vgroup {
	__u32 active; /* 1: this host answers for the group's addresses */
	__u32 pad;
};
HSB_ASSERT_SIZE(struct hsb_vgroup, 8);

struct hsb_vmac_key {
	__u32 ifindex;
	__u8 mac[6];
	__u16 pad;
};
HSB_ASSERT_SIZE(struct hsb_vmac_key, 12);

/* A frame to an active vmac is taken (the TC ingress program marks it
 * as the host's own when XDP passes it to the kernel); on the standby
 * host it is dropped. */
struct hsb_vmac {
	__u16 group;
	__u16 pad[3];
	__u64 drops; /* frames dropped on the standby host */
};
HSB_ASSERT_SIZE(struct hsb_vmac, 16);

/*
 * Two filters in the XDP program's .bss, written by hsbd, let packets
 * that cannot concern a virtual address skip the lookups:
 *
 *   hsb_vaddr_bloom  __u64[2][HSB_VADDR_BLOOM_WORDS]: bit
 *                    hsb_vaddr_bloom_bit(last 32 bits of the address) set
 *                    in [HSB_BLOOM_NEIGH] for every hsb_vaddrs address
 *                    (gates the ARP / NS answers) and in [HSB_BLOOM_IP]
 *                    for every VIP (gates the check of IP packets to it;
 *                    NAT addresses stay out, so translated replies to a
 *                    pool address never pay it). False positives only
 *                    cost a lookup.
 *   hsb_vmac_ifs     __u64[HSB_VMAC_IF_WORDS]: bit (ifindex & 1023) set
 *                    for every interface with a hsb_vmacs entry
 */
#define HSB_VADDR_BLOOM_WORDS 64 /* 4096 bits each */
#define HSB_BLOOM_NEIGH 0
#define HSB_BLOOM_IP 1
#define HSB_VADDR_BLOOMS 2
#define HSB_VMAC_IF_WORDS 16 /* 1024 bits */

static inline __u32 hsb_vaddr_bloom_bit(__u32 low32)
{
	return (low32 * 0x9e3779b1U) >> 20;
}

/* The RFC 5798 §7.3 virtual router MAC: 00-00-5E-00-01-{VRID} (IPv4),
 * 00-00-5E-00-02-{VRID} (IPv6). */
static inline void hsb_vrrp_vmac(__u8 mac[6], int ipv6, __u8 vrid)
{
	mac[0] = 0x00;
	mac[1] = 0x00;
	mac[2] = 0x5e;
	mac[3] = 0x00;
	mac[4] = ipv6 ? 0x02 : 0x01;
	mac[5] = vrid;
}

#endif /* HSB_VADDR_H */
