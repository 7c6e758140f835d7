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
 * A pass is sliced (hrp_owner_step()): a few thousand entries per event
 * loop tick, like the batch backup's walk, so that a takeover with a
 * million sessions does not hold the loop - and VRRP/VGMP timers - for
 * the seconds a whole pass takes. Until a claim is done, the batch
 * backup that follows it waits (it sends only this host's entries);
 * while a yield runs, the peer's records may replace the entries not yet
 * yielded (the engine tells the install path, hsb_install.adopt_local).
 *
 * The walker's batch only says which entries to look at: each one is
 * read again right before its write and only its mark is changed, since
 * the install path may have replaced it in the ticks since the batch was
 * read (writing the batch's copy back undid the peer's record: a session
 * in use went back to this host's stale copy and was swept). The flags
 * are rewritten from userspace, entry by entry, while XDP may update the
 * same entry in place; a change XDP makes between that read and the
 * write can be lost (a FIN flag, a state step). The tracker is liberal
 * and the next packet repeats the change, so this is accepted rather
 * than stopping the datapath.
 */
#ifndef HSBD_HRP_OWNER_H
#define HSBD_HRP_OWNER_H

#include <stdbool.h>
#include <stdint.h>

struct hsb_dp_maps;
struct hrp_owner_pass;

/* Entries per walker read; a step reads until HRP_OWNER_STEP_NS passed. */
#define HRP_OWNER_SLICE 1024
#define HRP_OWNER_STEP_NS 1000000ull

struct hrp_owner_stats {
	uint64_t claims, yields; /* passes started */
	uint64_t sessions, mappings; /* entries changed */
	uint64_t errors;
	uint64_t passes_done, passes_replaced; /* replaced: by the opposite */
	uint64_t steps; /* event-loop ticks spent in passes */
	uint64_t longest_step_ns; /* the longest of them */
};

/* Starts marking every session and NAT entry own (claim) or from the
 * peer. NULL (errno set) when out of memory. */
struct hrp_owner_pass *hrp_owner_start(const struct hsb_dp_maps *m, bool claim,
				       struct hrp_owner_stats *st);
/* One tick's worth: HRP_OWNER_SLICE entries at a time until budget_ns
 * passed (at least one slice). True when the pass is complete. */
bool hrp_owner_step(struct hrp_owner_pass *p, uint64_t budget_ns);
bool hrp_owner_claiming(const struct hrp_owner_pass *p);
void hrp_owner_free(struct hrp_owner_pass *p);

#endif /* HSBD_HRP_OWNER_H */
