/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The transfer form of a change record: what a session or NAT mapping
 * record becomes to leave this host (HRP's state backup) and what the
 * install path (datapath/install_prep.h) takes on the other side.
 *
 * The same fields as the record, except times: a record carries this
 * host's bpf_ktime_get_ns() values, which mean nothing on another host
 * (docs/architecture.md, "Install path"), so the transfer form carries
 * ages and remaining lifetimes computed against the sender's clock when
 * it is made, and the receiver turns them back into its own clock's
 * times. Fields that only describe this host are left out: the next-hop
 * cache (the peer's MACs and interfaces), last_sync_ns (when this host
 * last reported the entry), the interface the first packet came in on,
 * and the per-session checksum adjustments (hsb_session.nat.csum_*: the
 * receiver computes them from the translation, so a peer's values are
 * never trusted for a rewrite).
 *
 * In host byte order and natural layout: HRP's codec, not this struct,
 * defines the bytes on the wire. Pure.
 */
#ifndef HSB_XFER_H
#define HSB_XFER_H

#include <stdint.h>

#include "hsb/events.h"

/* The age of a time that was never set (0 in the entry: a server-map
 * entry's last_ref_ns): the receiver's rebase gives 0 back. */
#define HSB_XFER_NEVER UINT64_MAX

struct hsb_xfer_session {
	struct hsb_flow_key key;
	uint32_t flags; /* HSB_SESS_F_* as the sender had them */
	uint8_t state; /* enum hsb_ct_state */
	uint8_t zone_in;
	uint8_t zone_out;
	uint16_t rule;
	uint64_t age_ns; /* since the session was created */
	uint64_t idle_ns; /* since its last packet */
	uint64_t packets[2]; /* by enum hsb_dir */
	uint64_t bytes[2];
	/* the translation: kind, addr, port, ref (csum_* and xflags are
	 * recomputed by the receiver, not carried) */
	uint8_t nat_kind; /* enum hsb_nat_kind */
	uint8_t nat_addr[16];
	uint16_t nat_port;
	uint32_t nat_ref;
};

struct hsb_xfer_nat {
	uint8_t table; /* HSB_NAT_TABLE_* */
	struct hsb_nat_key key; /* the PUB key */
	uint32_t addr; /* the inside side (network order) */
	uint16_t port;
	uint16_t flags; /* HSB_NAT_F_* as the sender had them */
	uint32_t refcnt; /* the sender's count (information only) */
	uint16_t group;
	uint8_t zone;
	uint64_t age_ns; /* since the mapping was created */
	uint64_t ref_idle_ns; /* since a session last took a reference */
	uint8_t has_deadline; /* DYNAMIC server entries: expires_ns was set */
	uint64_t expires_in_ns; /* with a deadline: time left; 0: passed */
};

/* The transfer form of session record ev, ages against now (the sender's
 * clock; a time after now counts as age 0, one never set as
 * HSB_XFER_NEVER). */
void hsb_xfer_session_of(const struct hsb_session_event *ev, uint64_t now,
			 struct hsb_xfer_session *out);

/* The transfer form of NAT record ev, ages against now (a deadline
 * already passed: expires_in_ns 0, which the receiver refuses). */
void hsb_xfer_nat_of(const struct hsb_nat_event *ev, uint64_t now,
		     struct hsb_xfer_nat *out);

#endif /* HSB_XFER_H */
