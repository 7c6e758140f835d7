/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Lists and policy act on live traffic: after a change, a pass over the
 * session table ends the sessions the new rules would not have let start
 * (docs/operations.md, "Policy and lists on live sessions"):
 *
 *   blacklist  a session whose initiator is inside a newly blacklisted
 *              prefix, unless the whitelist exempts it - the check XDP
 *              makes on a first packet (lib/lists.h judges the source);
 *   policy     a session the security policy no longer permits, judged
 *              by the datapath's own policy walk (include/hsb/policy.h,
 *              hsb_recheck: BPF_PROG_RUN over batches of sessions) with
 *              what its first packet presented: the initiator's side,
 *              the zones, the inside address of a server-map session.
 *
 * XDP checks neither on established packets (an LPM walk or a rule walk
 * per packet would be most of the fast path); a pass after the change is
 * what makes a removed rule stop its traffic, within the pass's time.
 * Ended sessions leave through hsb_session_remove(): a DELETE record, so
 * NAT references are released and HRP tells the peer (a real end).
 * Sessions installed from the peer are the peer's to judge (its policy is
 * the same backed-up one); their end arrives from it.
 *
 * Sliced: one walker batch per step, so a million sessions never hold
 * the event loop. A new request during a pass merges into it and starts
 * the walk again, so every session meets the union of the changes.
 */
#ifndef HSBD_SESSION_RECHECK_H
#define HSBD_SESSION_RECHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sessions/session_filter.h"

struct hsb_dp_maps;
struct hsb_record_buf;
struct hsb_session_recheck;

struct hsb_recheck_stats {
	uint64_t passes; /* started */
	uint64_t passes_done;
	uint64_t restarted; /* a change arrived during a pass */
	uint64_t visited; /* sessions looked at */
	uint64_t ended_blacklist;
	uint64_t ended_policy;
	uint64_t errors; /* program runs or reads that failed */
};

/* NULL with errno set. */
struct hsb_session_recheck *
hsb_session_recheck_new(const struct hsb_dp_maps *m,
			struct hsb_record_buf *deletes);
void hsb_session_recheck_free(struct hsb_session_recheck *r);

/* Asks for a pass: policy (the policy changed), black[0..n_black) the
 * newly blacklisted prefixes, white[0..n_white) the whitelist as it is
 * now. Merged into a pass under way. Returns 0, or -ENOMEM. */
int hsb_session_recheck_request(struct hsb_session_recheck *r, bool policy,
				const struct hsb_flow_prefix *black,
				size_t n_black,
				const struct hsb_flow_prefix *white,
				size_t n_white);

bool hsb_session_recheck_running(const struct hsb_session_recheck *r);

/* One slice of the pass under way; returns whether more remains. */
bool hsb_session_recheck_step(struct hsb_session_recheck *r, uint64_t now_ns);

const struct hsb_recheck_stats *
hsb_session_recheck_stats(const struct hsb_session_recheck *r);

#endif /* HSBD_SESSION_RECHECK_H */
