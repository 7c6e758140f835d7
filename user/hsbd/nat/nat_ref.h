/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which PAT / NO-PAT mapping a session holds a reference on: the one
 * reading of hsb_session.nat every reference holder and releaser shares
 * (the NAT engine's release and recount, the install path's acquire), so
 * the reference a session takes is the one it gives back. Pure.
 */
#ifndef HSB_NAT_REF_H
#define HSB_NAT_REF_H

#include <stdbool.h>

#include "hsb/flow.h"
#include "hsb/nat.h"
#include "hsb/session.h"

/*
 * Fills a->table, a->pub (the mapping's PUB key), a->inside and
 * a->inside_port (the session's inside endpoint: its initiator) and
 * a->group for the mapping session s (key k) holds, leaving a->op and
 * the rest zero. Returns false, a untouched, when s holds none (no NAT,
 * or a translation without a reference: DNAT, SRV_SNAT).
 */
bool hsb_nat_session_ref(const struct hsb_flow_key *k,
			 const struct hsb_session *s,
			 struct hsb_nat_release_args *a);

#endif /* HSB_NAT_REF_H */
