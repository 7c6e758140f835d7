/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Who owns the backed-up state (active/standby): the host that carries
 * the traffic. An entry a host made itself is its own and goes to the
 * peer; an entry installed from the peer is marked from-peer
 * (HSB_SESS_F_FROM_PEER, HSB_NAT_F_FROM_PEER) and does not go back. When
 * this host becomes active for every VGMP group it claims every entry
 * (clears the mark: its later changes, and its batch backups, go to the
 * peer); when it becomes standby for every group it yields every entry
 * (sets the mark: the new active host's records replace them, and their
 * expiry here is never reported). With groups on both sides (load
 * balancing) ownership stays with the creator (the load-balancing issue
 * refines it per group).
 *
 * The flags are rewritten from userspace, entry by entry, while XDP may
 * update the same entry in place; a change XDP makes between the read
 * and the write of one entry can be lost (a FIN flag, a state step). The
 * tracker is liberal and the next packet repeats the change, so this is
 * accepted rather than stopping the datapath.
 */
#ifndef HSBD_HRP_OWNER_H
#define HSBD_HRP_OWNER_H

#include <stdbool.h>
#include <stdint.h>

struct hsb_dp_maps;

struct hrp_owner_stats {
	uint64_t claims, yields; /* passes */
	uint64_t sessions, mappings; /* entries changed */
	uint64_t errors;
};

/* Marks every session and NAT entry own (claim) or from the peer. */
void hrp_owner_set(const struct hsb_dp_maps *m, bool claim,
		   struct hrp_owner_stats *st);

#endif /* HSBD_HRP_OWNER_H */
