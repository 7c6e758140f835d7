/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The NAT part of the install path's apply half (datapath/install.h):
 * the references installed sessions hold on their PAT / NO-PAT
 * mappings, and NAT records from the peer (server-map entries written,
 * mappings checked against the ones their sessions hold).
 */
#ifndef HSB_NAT_INSTALL_H
#define HSB_NAT_INSTALL_H

#include <stdbool.h>
#include <stdint.h>

#include "datapath/install.h"
#include "hsb/session.h"

/* Whether sessions a and b (key k) hold the same mapping, or none. */
bool hsb_nat_install_same_ref(const struct hsb_flow_key *k,
			      const struct hsb_session *a,
			      const struct hsb_session *b);

/* Takes the reference session s (key k) holds on its PAT / NO-PAT
 * mapping, creating the mapping when absent (HSB_NAT_OP_ACQUIRE);
 * *taken tells whether one was taken (none for a session without one).
 * Returns HSB_INSF_OK, _CONFLICT, _BUSY or _MAP (nothing taken). */
enum hsb_install_fault hsb_nat_install_ref(struct hsb_install *in,
					   const struct hsb_flow_key *k,
					   const struct hsb_session *s,
					   uint64_t now, bool *taken);

/* Gives back the reference session s (key k) holds, as the NAT engine
 * does for a deleted session. */
void hsb_nat_install_unref(struct hsb_install *in, const struct hsb_flow_key *k,
			   const struct hsb_session *s);

/* Installs NAT entry x (now: this host's clock): a server-map entry is
 * written, both keys; a PAT / NO-PAT mapping is matched to the one its
 * installed sessions hold (counted as unheld when none does yet). Returns
 * HSB_INSF_OK or why it was refused. */
enum hsb_install_fault hsb_install_nat(struct hsb_install *in,
				       const struct hsb_xfer_nat *x,
				       uint64_t now);

#endif /* HSB_NAT_INSTALL_H */
