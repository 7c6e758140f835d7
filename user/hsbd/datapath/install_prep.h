/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The pure half of the install path (docs/architecture.md, "Install
 * path"): a session or NAT mapping in its transfer form (records/xfer.h),
 * as it came from the peer, checked and turned into the map entries this
 * host's datapath stores for it, with times on this host's clock. The
 * apply half (datapath/install.h) writes them.
 *
 * Every input the datapath could not have made is refused with a reason
 * (enum hsb_install_fault), never repaired: an entry the datapath would
 * misread (a key it never looks up, a state its tracker has no transition
 * from, a translation replies would not find) is worse than no entry.
 *
 * What a prepared entry differs in from the peer's (the round trip's
 * listed differences): times are rebased (created and last-seen from
 * ages; last_sync_ns is the install time, the record just received being
 * the last sync); next-hop cache zeroed (the datapath re-resolves on the
 * first packet); HSB_SESS_F_FROM_PEER set and HSB_SESS_F_DIRTY cleared
 * (a dirty entry would be re-emitted by the sweeper: the peer's state
 * sent back as a local change); ifindex_in 0 (the peer's numbering).
 * The translation's checksum adjustments (nat.csum_*, HSB_NAT_XF_CSUM)
 * are computed here from key and translation, as XDP computes them
 * (include/hsb/nat_csum.h), never taken from the wire: equal to an
 * honest peer's.
 */
#ifndef HSB_INSTALL_PREP_H
#define HSB_INSTALL_PREP_H

#include <stdint.h>

#include "hsb/session.h"
#include "records/xfer.h"

/* Why an entry was not installed; every one is counted
 * (struct hsb_install_stats). The first group is the pure checks', the
 * second the apply half's. */
enum hsb_install_fault {
	HSB_INSF_OK = 0,
	HSB_INSF_FAMILY, /* key family neither IPv4 nor IPv6 */
	HSB_INSF_KEY, /* key padding, IPv4 address tail, or an address 0 */
	HSB_INSF_ORDER, /* endpoints not in canonical order */
	HSB_INSF_PROTO, /* ports a protocol cannot have */
	HSB_INSF_STATE, /* not a state of the protocol */
	HSB_INSF_FLAGS, /* unknown flag, or FIN flags on non-TCP */
	HSB_INSF_ZONE, /* zone id out of range */
	HSB_INSF_TIMES, /* idle longer than the age */
	HSB_INSF_NAT, /* translation inconsistent with key or flags */
	HSB_INSF_TABLE, /* NAT record naming no NAT table */
	HSB_INSF_NAT_KEY, /* NAT key or value the table cannot hold */
	HSB_INSF_NAT_FLAGS, /* NAT flags unknown or wrong for the table */
	HSB_INSF_EXPIRED, /* a pinhole whose deadline has passed */
	/* apply */
	HSB_INSF_LOCAL, /* a session of this host holds the flow */
	HSB_INSF_CONFLICT, /* the public endpoint is another mapping's, or
			    * a configured server differs */
	HSB_INSF_BUSY, /* the entry kept changing under the install */
	HSB_INSF_MAP, /* a map write or the NAT program failed */
	HSB_INSF__MAX
};

const char *hsb_install_fault_name(enum hsb_install_fault f);

/* A session as hsb_sessions stores it: one entry, canonical key. */
struct hsb_install_sess {
	struct hsb_flow_key key;
	struct hsb_session val;
};

/* x -> *out with times against now (this host's CLOCK_MONOTONIC; an age
 * older than the clock is taken as its origin). */
enum hsb_install_fault
hsb_install_prep_session(const struct hsb_xfer_session *x, uint64_t now,
			 struct hsb_install_sess *out);

/* A time age_ns before now on this host's clock (its origin, 0, when
 * the clock is younger than the age, or for HSB_XFER_NEVER). Shared by the NAT half
 * (nat/nat_install_prep.h). */
uint64_t hsb_install_rebase(uint64_t now, uint64_t age_ns);

#endif /* HSB_INSTALL_PREP_H */
