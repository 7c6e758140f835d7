/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every map of the hsb datapath, in one place so each entry point (XDP and
 * the TC fallback) in an object shares the same maps. All are pinned by
 * name: hsbd opens the object with its pin directory as pin_root_path, so a
 * restarted hsbd (and a program swapped in by an upgrade) finds the same
 * sessions, lists and policy. Names are the HSB_MAP_* macros of
 * include/hsb/ and stay within 15 characters.
 */
#ifndef HSB_BPF_LIB_MAPS_H
#define HSB_BPF_LIB_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "hsb/maps.h"
#include "hsb/counters.h"
#include "hsb/flow.h"
#include "hsb/session.h"
#include "hsb/events.h"
#include "hsb/lists.h"
#include "hsb/policy.h"
#include "hsb/nat.h"
#include "hsb/vaddr.h"
#include "hsb/handover.h"

/* Default size of the session table; hsbd sets the configured size with
 * bpf_map__set_max_entries() before load. LRU: a full table evicts the
 * least recently used session instead of refusing new ones. */
#define HSB_SESSIONS_DEFAULT_MAX 262144

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HSB_MAX_IFACES);
	__type(key, __u32);
	__type(value, struct hsb_iface);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hsb_ifaces SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, HSB_CNT__MAX);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hsb_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, HSB_MAX_IFACES);
	__type(key, __u32);
	__type(value, struct hsb_iface_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hsb_if_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, HSB_SESSIONS_DEFAULT_MAX);
	__type(key, struct hsb_flow_key);
	__type(value, struct hsb_session);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hsb_sessions SEC(".maps");

/* scratch of hsbd's batched install (include/hsb/session.h); not pinned */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hsb_install_buf);
} hsb_install_buf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, HSB_EVENTS_RING_SIZE);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hsb_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, HSB_LIST_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct hsb_lpm_key);
	__type(value, struct hsb_list_entry);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hsb_blacklist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, HSB_LIST_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct hsb_lpm_key);
	__type(value, struct hsb_list_entry);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hsb_whitelist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * HSB_MAX_RULES);
	__type(key, __u32);
	__type(value, struct hsb_rule);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hsb_policy SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hsb_policy_ctl);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hsb_policy_ctl SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2 * HSB_MAX_RULES);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hsb_rule_stats SEC(".maps");

/* Per-CPU scratch space for values too large for the stack (a new
 * session is built here before it is inserted). Not pinned: no state. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hsb_session);
} hsb_scratch SEC(".maps");

/* NAT (include/hsb/nat.h). Hash maps, preallocated: XDP inserts on
 * first packets only, and a full table refuses (counted) rather than
 * evicting a live mapping. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * HSB_NAT_PAT_MAX);
	__type(key, struct hsb_nat_key);
	__type(value, struct hsb_nat_entry);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hsb_nat_pat SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * HSB_NAT_NOPAT_MAX);
	__type(key, struct hsb_nat_key);
	__type(value, struct hsb_nat_entry);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hsb_nat_nopat SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * HSB_NAT_SRV_MAX);
	__type(key, struct hsb_nat_key);
	__type(value, struct hsb_nat_entry);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hsb_nat_srv SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, HSB_NAT_MAX_GROUPS);
	__type(key, __u32);
	__type(value, struct hsb_nat_pool);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hsb_nat_pool SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * HSB_NAT_MAX_RULES);
	__type(key, __u32);
	__type(value, struct hsb_nat_rule);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hsb_nat_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hsb_nat_ctl);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hsb_nat_ctl SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HSB_VADDR_MAX);
	__type(key, struct hsb_vaddr_key);
	__type(value, struct hsb_vaddr);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hsb_vaddrs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, HSB_VGROUP_MAX);
	__type(key, __u32);
	__type(value, struct hsb_vgroup);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hsb_vgroups SEC(".maps");

/* include/hsb/handover.h: hsbd's restart record; no program reads it */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HSB_HANDOVER_MAX);
	__type(key, struct hsb_handover_key);
	__type(value, struct hsb_handover);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hsb_handover SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HSB_VMAC_MAX);
	__type(key, struct hsb_vmac_key);
	__type(value, struct hsb_vmac);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hsb_vmacs SEC(".maps");

/* include/hsb/maps.h: a .bss copy of hsb_ifaces, written by hsbd. */
struct hsb_iface_fast hsb_if_fast[HSB_IF_FAST_SIZE];

/* The hsb_ifaces entry of ifindex into *out; 0 when it is not managed.
 * The .bss copy first (one load, then a re-check of its ifindex so an
 * entry hsbd rewrites meanwhile is not used half-written), else the
 * map. */
static __always_inline int hsb_iface_get(__u32 ifindex,
					 struct hsb_iface_fast *out)
{
	struct hsb_iface_fast *fe =
		&hsb_if_fast[ifindex & (HSB_IF_FAST_SIZE - 1)];
	struct hsb_iface *ifc;

	if (*(volatile __u32 *)&fe->ifindex == ifindex) {
		out->slot = fe->slot;
		out->zone_id = fe->zone_id;
		out->flags = fe->flags;
		__builtin_memcpy(out->mac, fe->mac, 6);
		asm volatile("" ::: "memory");
		if (*(volatile __u32 *)&fe->ifindex == ifindex)
			return 1;
	}
	ifc = bpf_map_lookup_elem(&hsb_ifaces, &ifindex);
	if (!ifc)
		return 0;
	out->slot = ifc->slot;
	out->zone_id = ifc->zone_id;
	out->flags = ifc->flags;
	__builtin_memcpy(out->mac, ifc->mac, 6);
	return 1;
}

/*
 * The datapath's clock: CLOCK_MONOTONIC at tick resolution. The coarse read
 * costs a couple of ns where bpf_ktime_get_ns() reads the clocksource
 * (about 25 ns with kvm-clock in a VM, most of a fast-path budget).
 * Session and list times only need second-scale precision; hsbd compares
 * them with clock_gettime(CLOCK_MONOTONIC), which may be up to one tick
 * ahead.
 */
static __always_inline __u64 hsb_now(void)
{
	return bpf_ktime_get_coarse_ns();
}

/* Add n to global counter id. Per-CPU slot: no other writer, so a plain
 * add is exact and needs no atomic. */
static __always_inline void hsb_count_n(__u32 id, __u64 n)
{
	__u64 *slot = bpf_map_lookup_elem(&hsb_stats, &id);

	if (slot)
		*slot += n;
}

static __always_inline void hsb_count(__u32 id)
{
	hsb_count_n(id, 1);
}

#endif /* HSB_BPF_LIB_MAPS_H */
