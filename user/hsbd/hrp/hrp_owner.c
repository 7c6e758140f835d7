// SPDX-License-Identifier: GPL-2.0-only
/* Claiming and yielding the backed-up state. See hrp_owner.h. */
#include <bpf/bpf.h>

#include "datapath/datapath.h"
#include "datapath/map_walk.h"
#include "hrp/hrp_owner.h"
#include "hsb/nat.h"
#include "hsb/session.h"

struct pass {
	int fd;
	bool claim;
	struct hrp_owner_stats *st;
};

static void sessions(const void *keys, const void *vals, uint32_t n, void *ctx)
{
	const struct hsb_flow_key *k = keys;
	const struct hsb_session *v = vals;
	struct pass *p = ctx;
	uint32_t i;

	for (i = 0; i < n; i++) {
		struct hsb_session s = v[i];
		bool peer = s.flags & HSB_SESS_F_FROM_PEER;

		if (peer != p->claim)
			continue;
		if (p->claim)
			s.flags &= ~HSB_SESS_F_FROM_PEER;
		else
			s.flags |= HSB_SESS_F_FROM_PEER;
		/* BPF_EXIST: an entry deleted meanwhile stays deleted */
		if (bpf_map_update_elem(p->fd, &k[i], &s, BPF_EXIST))
			p->st->errors++;
		else
			p->st->sessions++;
	}
}

static void mappings(const void *keys, const void *vals, uint32_t n, void *ctx)
{
	const struct hsb_nat_key *k = keys;
	const struct hsb_nat_entry *v = vals;
	struct pass *p = ctx;
	uint32_t i;

	for (i = 0; i < n; i++) {
		struct hsb_nat_entry e = v[i];
		bool peer = e.flags & HSB_NAT_F_FROM_PEER;

		/* configured servers are nobody's to hand over */
		if (peer != p->claim || (e.flags & HSB_NAT_F_STATIC))
			continue;
		if (p->claim)
			e.flags &= (__u16)~HSB_NAT_F_FROM_PEER;
		else
			e.flags |= HSB_NAT_F_FROM_PEER;
		if (bpf_map_update_elem(p->fd, &k[i], &e, BPF_EXIST))
			p->st->errors++;
		else
			p->st->mappings++;
	}
}

void hrp_owner_set(const struct hsb_dp_maps *m, bool claim,
		   struct hrp_owner_stats *st)
{
	struct pass p = { .claim = claim, .st = st };
	const int nat[] = { m->nat_pat, m->nat_nopat, m->nat_srv };
	unsigned int i;

	if (claim)
		st->claims++;
	else
		st->yields++;
	p.fd = m->sessions;
	if (hsb_map_walk_all(m->sessions, sizeof(struct hsb_flow_key),
			     sizeof(struct hsb_session), sessions, &p))
		st->errors++;
	for (i = 0; i < sizeof(nat) / sizeof(nat[0]); i++) {
		p.fd = nat[i];
		if (hsb_map_walk_all(nat[i], sizeof(struct hsb_nat_key),
				     sizeof(struct hsb_nat_entry), mappings,
				     &p))
			st->errors++;
	}
}
