/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The NAT part of the install path's pure half (datapath/install_prep.h):
 * a PAT or NO-PAT mapping or a server-map entry in its transfer form
 * (records/xfer.h) -> the two entries its table stores (include/hsb/
 * nat.h: the PUB key the record names and the IN key that indexes it),
 * times on this host's clock, or a reason it cannot be installed.
 *
 * Differences from the peer's entry: created_ns and last_ref_ns rebased
 * from ages, expires_ns from the time left; HSB_NAT_F_FROM_PEER set and
 * HSB_NAT_F_DIRTY cleared (a dirty mapping would be re-emitted to the
 * peer by the NAT engine's sweep); refcnt 0 (the references of a PAT /
 * NO-PAT mapping are the sessions installed here that hold it:
 * datapath/install.h).
 */
#ifndef HSB_NAT_INSTALL_PREP_H
#define HSB_NAT_INSTALL_PREP_H

#include <stdint.h>

#include "datapath/install_prep.h"
#include "hsb/nat.h"

/* A NAT table entry as the datapath stores it: both keys. */
struct hsb_install_nat {
	uint8_t table; /* HSB_NAT_TABLE_* */
	struct hsb_nat_key pub;
	struct hsb_nat_entry pub_val;
	struct hsb_nat_key in;
	struct hsb_nat_entry in_val;
};

enum hsb_install_fault hsb_install_prep_nat(const struct hsb_xfer_nat *x,
					    uint64_t now,
					    struct hsb_install_nat *out);

#endif /* HSB_NAT_INSTALL_PREP_H */
