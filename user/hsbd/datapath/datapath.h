/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The datapath engine: loads the XDP object through its skeleton, pins its
 * maps (with BTF) under the pin directory, attaches hsb_xdp to every
 * configured interface and keeps hsb_ifaces in step with the configuration.
 */
#ifndef HSB_DATAPATH_H
#define HSB_DATAPATH_H

#include <stdbool.h>
#include <stdint.h>

#include "hsb/counters.h"
#include "hsb/nat.h"
#include "hsb/vaddr.h"

struct hsbd;
struct hsb_datapath;
struct hsb_peer_fwd;

/* Live view of one attached interface, for `show interfaces`. */
struct hsb_dp_iface_info {
	const char *name;
	uint32_t ifindex;
	uint32_t zone_id;
	const char *zone;
	bool generic; /* attached in generic (skb) mode */
	uint64_t rx_packets;
	uint64_t rx_bytes;
};

typedef void (*hsb_dp_iface_fn)(const struct hsb_dp_iface_info *info,
				void *ctx);
void hsb_datapath_for_each_iface(struct hsb_datapath *dp, hsb_dp_iface_fn fn,
				 void *ctx);

/* File descriptors of the maps the other engines work on (owned by the
 * datapath; valid while it runs), and the session table's capacity as
 * loaded, which differs from the configured one when pinned maps were
 * kept (see hsb_datapath_engine). */
struct hsb_dp_maps {
	int sessions;
	int events;
	int blacklist;
	int whitelist;
	int policy;
	int policy_ctl;
	int rule_stats;
	/* NAT (include/hsb/nat.h) and the program that releases mapping
	 * references (bpf/hsb_xdp.bpf.c: hsb_nat_release) */
	int nat_pat;
	int nat_nopat;
	int nat_srv;
	int nat_pool;
	int nat_rules;
	int nat_ctl;
	/* virtual addresses (include/hsb/vaddr.h) */
	int vaddrs;
	int vgroups;
	int vmacs;
	int handover; /* include/hsb/handover.h */
	int tc_ingress; /* hsb_tc_ingress, hsb_tc_egress: vrrp_vmac.h */
	int tc_egress;
	int nat_release;
	/* the batched install (include/hsb/session.h) */
	int install_buf;
	int install_batch;
	/* the policy recheck of live sessions (include/hsb/policy.h) */
	int recheck_buf;
	int recheck;
	uint32_t sessions_max;
};

const struct hsb_dp_maps *hsb_datapath_maps(struct hsb_datapath *dp);

/* Invalidate every session's next-hop cache (bpf/lib/nexthop.h): bump
 * the datapath's next-hop generation. One store; call it after any change
 * that may change a FIB answer (route_watch.c) or the interfaces. */
void hsb_datapath_nh_bump(struct hsb_datapath *dp);

/* Set the NAT lookups the datapath may leave out (hsb_nat_skip,
 * include/hsb/nat.h). One store. */
/* Forwarding through the peer for quick session backup (include/hsb/
 * peer.h): where the peer is and whether it is on; on is stored last. */
void hsb_datapath_set_peer_fwd(struct hsb_datapath *dp,
			       const struct hsb_peer_fwd *fwd);
void hsb_datapath_set_nat_skip(struct hsb_datapath *dp, uint32_t skip);
uint32_t hsb_datapath_nat_skip(struct hsb_datapath *dp);
/* The hsb_nat_skip word itself, for a writer that only ever clears bits
 * with atomic operations (the install path, datapath/install.h). */
uint32_t *hsb_datapath_nat_skip_word(struct hsb_datapath *dp);
/* Replace the datapath's filter of pool addresses (hsb_nat_pubf). */
void hsb_datapath_set_nat_pubf(struct hsb_datapath *dp, const uint64_t *words);

/* The virtual-address filters (hsb_vaddr_bloom, hsb_vmac_ifs in
 * include/hsb/vaddr.h): replace / read them. bloom has
 * HSB_VADDR_BLOOMS * HSB_VADDR_BLOOM_WORDS words, filter by filter. */
void hsb_datapath_set_vaddr_filters(struct hsb_datapath *dp,
				    const uint64_t *bloom,
				    const uint64_t *vmac_ifs);
void hsb_datapath_vaddr_filters(struct hsb_datapath *dp, uint64_t *bloom,
				uint64_t *vmac_ifs);

/* Sum of a global counter over all CPUs. */
int hsb_datapath_counter(struct hsb_datapath *dp, enum hsb_counter id,
			 uint64_t *value);

#endif /* HSB_DATAPATH_H */
