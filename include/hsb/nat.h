/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * NAT as the datapath sees it (IPv4 only, NAT44).
 *
 * Tables (hash maps, pinned like every hsb map):
 *
 *   hsb_nat_pat    PAT mappings          struct hsb_nat_key -> hsb_nat_entry
 *   hsb_nat_nopat  NO-PAT mappings       struct hsb_nat_key -> hsb_nat_entry
 *   hsb_nat_srv    server map            struct hsb_nat_key -> hsb_nat_entry
 *   hsb_nat_pool   address groups        array, group id -> hsb_nat_pool
 *   hsb_nat_rules  NAT policy, 2 halves  array -> struct hsb_nat_rule
 *   hsb_nat_ctl    live half, partition  array[1] -> struct hsb_nat_ctl
 *
 * Pool and NAT-server global addresses are answered for by ARP like VRRP
 * virtual IPs: entries of kind HSB_VADDR_NAT_* in hsb_vaddrs
 * (include/hsb/vaddr.h).
 *
 * Each mapping table is keyed both ways in one map: a key's dir says
 * which side it names. A PUB key names the public side (pool address and
 * port, NAT-server global address and port) and its value the inside
 * side; an IN key names the inside side and its value the public side.
 * One map per table rather than two: the two entries of a mapping are
 * created and deleted together, one pin and one `bpftool map dump` show
 * the whole mapping, one max_entries sizes it, and the dir byte keeps the
 * key spaces apart (a pool address may also be an inside address of
 * another mapping). For PAT and NO-PAT the PUB entry is the mapping
 * (it holds the reference count and is what change records carry); the
 * IN entry is an index that lets a new session of the same inside
 * endpoint reuse the mapping (endpoint-independent mapping, RFC 4787),
 * and is verified against the PUB entry before use.
 *
 * Reference counting (PAT, NO-PAT): refcnt counts the sessions holding
 * the mapping. XDP takes a reference only with a compare-and-swap from a
 * non-zero value, so a count that reached 0 is final: the mapping is
 * dying and no session can join it again. The release (hsbd, when it
 * deletes a session: expiry, clear) decrements with an atomic add in the
 * hsb_nat_release program (BPF_PROG_TYPE_SYSCALL, run by hsbd); the CPU
 * that takes the count to 0 deletes the IN index (only if it still names
 * this mapping) and then the PUB entry. A port is thus never handed out
 * while a session may still use it (new allocations insert with
 * BPF_NOEXIST, and the PUB entry exists until the last reference is
 * gone).
 */
#ifndef HSB_NAT_H
#define HSB_NAT_H

#include "abi.h"

#define HSB_MAP_NAT_PAT "hsb_nat_pat"
#define HSB_MAP_NAT_NOPAT "hsb_nat_nopat"
#define HSB_MAP_NAT_SRV "hsb_nat_srv"
#define HSB_MAP_NAT_POOL "hsb_nat_pool"
#define HSB_MAP_NAT_RULES "hsb_nat_rules"
#define HSB_MAP_NAT_CTL "hsb_nat_ctl"

#define HSB_NAT_PAT_MAX 131072 /* PAT mappings (two entries each) */
#define HSB_NAT_NOPAT_MAX 16384
#define HSB_NAT_SRV_MAX 8192 /* static servers and dynamic pinholes */
#define HSB_NAT_MAX_GROUPS 64 /* = HSB_CFG_MAX_NAT_GROUPS */
#define HSB_NAT_MAX_SECTIONS 16 /* per group */
#define HSB_NAT_MAX_RULES 1024

/* Allocation bounds (first packet): PAT tries at most this many ports,
 * HSB_NAT_PAT_PER_ADDR on each address starting with the paired one;
 * NO-PAT at most this many addresses. */
#define HSB_NAT_PAT_PROBES 64
#define HSB_NAT_PAT_PER_ADDR 32
#define HSB_NAT_NOPAT_PROBES 32

/* struct hsb_session_nat.kind */
enum hsb_nat_kind {
	HSB_NAT_KIND_NONE = 0,
	HSB_NAT_KIND_PAT = 1, /* source -> pool addr:port (holds a PAT ref) */
	HSB_NAT_KIND_NOPAT = 2, /* source addr -> pool addr (NO-PAT ref) */
	HSB_NAT_KIND_DNAT = 3, /* destination global -> inside (server map) */
	HSB_NAT_KIND_SRV_SNAT = 4, /* from a NAT server: source -> global */
};

enum hsb_nat_dir {
	HSB_NAT_DIR_PUB = 0, /* key names the public side */
	HSB_NAT_DIR_IN = 1, /* key names the inside side */
};

/*
 * Key of hsb_nat_pat, hsb_nat_nopat and hsb_nat_srv. NO-PAT keys have
 * port 0 and proto 0. Server keys: a server with a port has its protocol
 * and port; one without a port has port 0 (and proto 0 for `protocol
 * any`). The port is in host order (bpftool prints 8080 as 8080); the
 * address in network order.
 */
struct hsb_nat_key {
	__be32 addr;
	__u16 port; /* ICMP echo: the identifier */
	__u8 proto;
	__u8 dir; /* enum hsb_nat_dir */
};
HSB_ASSERT_SIZE(struct hsb_nat_key, 8);

/* hsb_nat_entry.flags */
#define HSB_NAT_F_DIRTY (1U << 0) /* change record lost: hsbd re-emits */
#define HSB_NAT_F_STATIC (1U << 1) /* server map: from `nat server` */
#define HSB_NAT_F_DYNAMIC (1U << 2) /* server map: pinhole, expires */
#define HSB_NAT_F_FROM_PEER (1U << 3) /* from the peer: datapath/install.h */

struct hsb_nat_entry {
	__be32 addr; /* the other side's address */
	__u16 port; /* the other side's port, host order; 0: unchanged */
	__u16 flags; /* HSB_NAT_F_* */
	__u32 refcnt; /* PUB entries of PAT/NO-PAT: sessions; 0: dying */
	__u16 group; /* address-group id (PAT, NO-PAT); server id (srv) */
	__u8 zone; /* server map: from-zone of the global side, or ANY */
	__u8 pad;
	__u64 created_ns;
	__u64 last_ref_ns; /* last time a session took a reference */
	__u64 expires_ns; /* DYNAMIC server entries: deadline; 0: never */
};
HSB_ASSERT_SIZE(struct hsb_nat_entry, 40);

/*
 * hsb_nat_skip (a __u32 in the XDP program's .bss, written by hsbd): NAT
 * lookups a packet that found no session may leave out because the table
 * cannot match (nothing configured, map empty). 0, the value before hsbd
 * sets it, skips nothing. hsbd clears a bit before it configures what
 * needs the lookup and sets it only once the table is empty.
 */
#define HSB_NAT_SKIP_PAT (1U << 0) /* hsb_nat_pat is empty */
#define HSB_NAT_SKIP_NOPAT (1U << 1) /* hsb_nat_nopat is empty */
#define HSB_NAT_SKIP_SRV (1U << 2) /* hsb_nat_srv is empty */
#define HSB_NAT_SKIP_SRV_NOPORT (1U << 3) /* no server-map key has port 0 */
#define HSB_NAT_SKIP_SRV_ANY (1U << 4) /* no server-map key has proto 0 */

/*
 * hsb_nat_pubf (__u64[HSB_NAT_PUBF_WORDS] in the XDP program's .bss,
 * written by hsbd): a one-hash Bloom filter of the pool addresses. A
 * packet to an address whose bit is set tries the PAT / NO-PAT tables
 * before its own tuple, sparing a reply the session miss. Only a hint:
 * a clear bit sends the reply through the miss path, a set bit of
 * another address costs one lookup.
 */
#define HSB_NAT_PUBF_WORDS 64 /* 4096 bits */
/* The filter bit of an address (host order): 0..4095. */
static inline __u32 hsb_nat_pubf_bit(__u32 host_addr)
{
	return (host_addr * 0x9e3779b1U) >> 20;
}

/* Address-group modes (hsb_nat_pool.mode). */
#define HSB_NAT_POOL_PAT 0
#define HSB_NAT_POOL_NOPAT 1

/* An address range of a group: first address (host order) and count. */
struct hsb_nat_section {
	__u32 first;
	__u32 count;
};
HSB_ASSERT_SIZE(struct hsb_nat_section, 8);

/* hsb_nat_pool[group id]. The addresses of the group are the sections'
 * in order, n_addrs in all; index i is found by walking the sections
 * (at most HSB_NAT_MAX_SECTIONS, no per-address array, so a /16 pool
 * costs 8 bytes). */
struct hsb_nat_pool {
	__u8 mode; /* HSB_NAT_POOL_* */
	__u8 n_sections;
	__u16 port_lo; /* PAT range as configured, host order */
	__u16 port_hi;
	__u16 pad;
	__u32 n_addrs; /* 0: group not defined */
	__u32 pad2;
	struct hsb_nat_section sec[HSB_NAT_MAX_SECTIONS];
};
HSB_ASSERT_SIZE(struct hsb_nat_pool, 144);

/* NAT policy rules: first match on a session's first packet, after the
 * security policy permitted it. */
enum hsb_nat_rule_action {
	HSB_NAT_RULE_SNAT = 0, /* source-nat with group */
	HSB_NAT_RULE_NO_NAT = 1,
};

struct hsb_nat_rule {
	__u8 from_zone; /* zone id or HSB_ZONE_ANY */
	__u8 to_zone;
	__u8 proto; /* or HSB_PROTO_ANY */
	__u8 src_len; /* 0..32 */
	__u8 dst_len;
	__u8 action; /* enum hsb_nat_rule_action */
	__u16 group; /* address-group id (SNAT) */
	__be32 src;
	__be32 dst;
	__u16 id; /* index in the configuration */
	__u16 pad;
};
HSB_ASSERT_SIZE(struct hsb_nat_rule, 20);

/* Port partition (nat port-partition): which half of every PAT range
 * this host allocates from. */
#define HSB_NAT_PART_NONE 0
#define HSB_NAT_PART_LOWER 1
#define HSB_NAT_PART_UPPER 2

/* hsb_nat_ctl[0]: double-buffered like hsb_policy_ctl. */
struct hsb_nat_ctl {
	__u32 active; /* 0 or 1: live half of hsb_nat_rules */
	__u32 n_rules[2];
	__u8 partition; /* HSB_NAT_PART_* */
	__u8 pad[3];
};
HSB_ASSERT_SIZE(struct hsb_nat_ctl, 16);

/* NAT change records (hsb_events ring), one per mapping created or
 * deleted. table says which map; key is the PUB key. */
#define HSB_NAT_TABLE_PAT 1
#define HSB_NAT_TABLE_NOPAT 2
#define HSB_NAT_TABLE_SRV 3

struct hsb_nat_event_body {
	__u8 table; /* HSB_NAT_TABLE_* */
	__u8 pad[7];
	struct hsb_nat_key key;
	struct hsb_nat_entry val;
};
HSB_ASSERT_SIZE(struct hsb_nat_event_body, 56);

/* Argument of the hsb_nat_release program (BPF_PROG_RUN, ctx_in; the
 * program writes result and deleted back into it). */
#define HSB_NAT_OP_RELEASE 0 /* drop one reference */
#define HSB_NAT_OP_CLEAN 1 /* clear HSB_NAT_F_DIRTY (after a resync) */
/*
 * Take one reference for a session installed from the peer (hsbd's
 * install path, user/hsbd/nat/nat_install.c): join the mapping pub if it
 * names the same inside endpoint (from a non-zero count, as XDP joins),
 * else create it with one reference, HSB_NAT_F_FROM_PEER, group,
 * created_ns and last_ref_ns = now_ns, and its IN index unless that names
 * another live mapping of the endpoint. result: the count after; -1 pub
 * is another endpoint's mapping; -2 busy (the count is 0, the mapping is
 * being freed; try again). deleted: 1 when this call created it.
 */
#define HSB_NAT_OP_ACQUIRE 2

/* hsb_nat_release_args.result of HSB_NAT_OP_ACQUIRE */
#define HSB_NAT_ACQ_CONFLICT (-1)
#define HSB_NAT_ACQ_BUSY (-2)

struct hsb_nat_release_args {
	__u8 table; /* HSB_NAT_TABLE_PAT or _NOPAT */
	__u8 op; /* HSB_NAT_OP_* */
	__u8 pad[2];
	struct hsb_nat_key pub; /* the mapping's PUB key */
	__be32 inside; /* the inside address the session used */
	__u16 inside_port;
	__u16 group; /* ACQUIRE: address-group id of a new mapping */
	__s32 result; /* out: refcnt after; -1 not found or another
		       * mapping; -2 busy, try again */
	__u32 deleted; /* out: 1 when this release freed the mapping
			* (ACQUIRE: when it created it) */
	__u32 pad3;
	__u64 created_ns; /* ACQUIRE: creation time of a new mapping */
	__u64 now_ns; /* ACQUIRE: last_ref_ns */
};
HSB_ASSERT_SIZE(struct hsb_nat_release_args, 48);

/*
 * The ports this host allocates from in a PAT pool: the group's range,
 * halved by the partition (lower: the first ceil(n/2) ports, upper: the
 * rest). One definition for XDP and hsbd: the two must agree, or the
 * usage hsbd reports and the ports XDP allocates would differ.
 */
static inline __attribute__((always_inline)) void
hsb_nat_port_span(const struct hsb_nat_pool *pool, __u8 part, __u32 *lo,
		  __u32 *n)
{
	__u32 l = pool->port_lo, h = pool->port_hi, cnt, half;

	if (h < l) {
		*lo = l;
		*n = 0;
		return;
	}
	cnt = h - l + 1;
	half = (cnt + 1) / 2;
	if (part == HSB_NAT_PART_LOWER) {
		cnt = half;
	} else if (part == HSB_NAT_PART_UPPER) {
		l += half;
		cnt -= half;
	}
	*lo = l;
	*n = cnt;
}

#endif /* HSB_NAT_H */
