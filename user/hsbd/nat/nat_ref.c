// SPDX-License-Identifier: GPL-2.0-only
/* The mapping a session holds. See nat_ref.h. */
#include <string.h>

#include "nat/nat_ref.h"

bool hsb_nat_session_ref(const struct hsb_flow_key *k,
			 const struct hsb_session *s,
			 struct hsb_nat_release_args *a)
{
	int init_b = !!(s->flags & HSB_SESS_F_INIT_B);
	int pat = s->nat.kind == HSB_NAT_KIND_PAT;

	if (!(s->flags & HSB_SESS_F_NAT) ||
	    (!pat && s->nat.kind != HSB_NAT_KIND_NOPAT))
		return false;
	memset(a, 0, sizeof(*a));
	a->table = pat ? HSB_NAT_TABLE_PAT : HSB_NAT_TABLE_NOPAT;
	memcpy(&a->pub.addr, s->nat.addr, 4);
	a->pub.port = pat ? s->nat.port : 0;
	a->pub.proto = pat ? k->proto : 0;
	a->pub.dir = HSB_NAT_DIR_PUB;
	memcpy(&a->inside, init_b ? k->addr_b : k->addr_a, 4);
	a->inside_port = pat ? (init_b ? k->port_b : k->port_a) : 0;
	a->group = (__u16)s->nat.ref;
	return true;
}
