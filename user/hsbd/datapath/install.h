/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The install path (docs/architecture.md, "Install path"): writes a
 * session, a PAT / NO-PAT mapping or a server-map entry that came from
 * the peer (HRP's state backup) into this host's maps, after the pure
 * half (datapath/install_prep.h, nat/nat_install_prep.h) checked it and
 * rebased its times.
 *
 * What it guarantees:
 *  - No change record: the maps are written from userspace, which never
 *    goes through the ring, and nothing is published on the bus; the
 *    entries carry no dirty mark, so neither the sweeper nor the NAT
 *    sweep re-emits them. The peer's state never comes back to it as a
 *    change of this host. (XDP reports an installed session again only
 *    when this host's own traffic changes it.)
 *  - References: a session holding a PAT / NO-PAT mapping takes one
 *    reference on it, creating the mapping when absent, through the
 *    datapath's NAT program (HSB_NAT_OP_ACQUIRE: the compare-and-swap
 *    XDP joins with); replacing an installed session gives the old
 *    translation's reference back unless it is the same mapping. So a
 *    mapping's count is the sessions holding it here, and removing the
 *    last (hsb_session_remove(), the NAT engine's release) frees it:
 *    no leak, no second free. A mapping record only confirms a mapping
 *    its sessions hold (one that no session here holds yet is counted
 *    as unheld and left out: an entry with no reference is one the
 *    datapath treats as dying and nothing would ever free).
 *  - Ownership: a session of this host (not HSB_SESS_F_FROM_PEER) under
 *    the same key is never overwritten; a public endpoint that is
 *    another inside endpoint's mapping, or a configured server that
 *    differs, refuses the entry.
 *  - The NAT lookups the entry needs are switched on (hsb_nat_skip)
 *    before it is written.
 *
 * Every refusal is returned, counted by reason and logged (rate-limited).
 * Single-threaded: the event loop's.
 */
#ifndef HSB_INSTALL_H
#define HSB_INSTALL_H

#include <stdint.h>

#include "datapath/install_prep.h"
#include "records/xfer.h"

struct hsb_dp_maps;

struct hsb_install_stats {
	uint64_t sessions; /* installed or updated */
	uint64_t mappings; /* mapping records matching a held mapping */
	uint64_t unheld; /* mapping records no session here holds yet */
	uint64_t servers; /* server-map entries written */
	uint64_t batches; /* hsb_install_batch runs */
	uint64_t refused[HSB_INSF__MAX]; /* by reason; [0] unused */
};

struct hsb_install {
	int sessions; /* hsb_sessions */
	int nat_pat;
	int nat_nopat;
	int nat_srv;
	int nat_prog; /* hsb_nat_release (include/hsb/nat.h) */
	uint32_t *nat_skip; /* the datapath's hsb_nat_skip, or NULL */
	/* hsb_install_buf and hsb_install_batch; -1: none (one by one) */
	int batch_buf;
	int batch_prog;
	/* a session of this host under the key is replaced as if it came
	 * from the peer: set while HRP yields this host's state */
	bool adopt_local;
	struct hsb_install_stats stats;
};

/* An installer writing the maps of m (nat_skip: the datapath's word, from
 * hsb_datapath_nat_skip_word()). m's install_buf / install_batch of 0 or
 * less: no batched install (hsb_install_sessions() goes one by one). */
void hsb_install_init(struct hsb_install *in, const struct hsb_dp_maps *m,
		      uint32_t *nat_skip);

/* Installs session x (now: this host's CLOCK_MONOTONIC). Returns
 * HSB_INSF_OK or why it was refused (nothing written then). */
enum hsb_install_fault hsb_install_session(struct hsb_install *in,
					   const struct hsb_xfer_session *x,
					   uint64_t now);

/*
 * Installs sessions x[0..n) in order, as n hsb_install_session() calls
 * would - the same checks, guarantees and counters - but writes the
 * sessions that hold no PAT / NO-PAT reference through the datapath's
 * hsb_install_batch program (include/hsb/session.h): up to
 * HSB_INSTALL_BATCH inserts (BPF_NOEXIST) for two system calls, instead of
 * a lookup and an update each. An entry the batch finds present (a local
 * session: refused; an installed one: updated) and a session holding a
 * reference take hsb_install_session() at their place in the order.
 * Returns how many were installed or updated.
 */
size_t hsb_install_sessions(struct hsb_install *in,
			    const struct hsb_xfer_session *x, size_t n,
			    uint64_t now);

/* NAT entries: nat/nat_install.h (hsb_install_nat()). */

/* Switches on the NAT lookups in bits (HSB_NAT_SKIP_*). */
void hsb_install_need_lookups(struct hsb_install *in, uint32_t bits);

/* Counts refusal f and logs it (rate-limited); returns f. */
enum hsb_install_fault hsb_install_refuse(struct hsb_install *in,
					  enum hsb_install_fault f,
					  const char *what);

#endif /* HSB_INSTALL_H */
