// SPDX-License-Identifier: GPL-2.0-only
/* NAT entries from the peer -> NAT table entries. See nat_install_prep.h. */
#include <netinet/in.h>
#include <string.h>

#include "hsb/policy.h"
#include "nat/nat_install_prep.h"

#define NAT_FLAGS_KNOWN                                           \
	(HSB_NAT_F_DIRTY | HSB_NAT_F_STATIC | HSB_NAT_F_DYNAMIC | \
	 HSB_NAT_F_FROM_PEER)
#define NAT_FLAGS_SRV (HSB_NAT_F_STATIC | HSB_NAT_F_DYNAMIC)

/* A mapping's key and value as allocation makes them (bpf/lib/nat.h):
 * PAT on a protocol with ports or echo ids, NO-PAT on addresses alone,
 * an address group, no server flags, no deadline. */
static enum hsb_install_fault check_mapping(const struct hsb_xfer_nat *x)
{
	const struct hsb_nat_key *k = &x->key;

	if (x->table == HSB_NAT_TABLE_PAT) {
		if (k->proto != IPPROTO_TCP && k->proto != IPPROTO_UDP &&
		    k->proto != IPPROTO_ICMP)
			return HSB_INSF_NAT_KEY;
	} else if (k->port || k->proto || x->port) {
		return HSB_INSF_NAT_KEY;
	}
	if (x->group >= HSB_NAT_MAX_GROUPS || x->zone)
		return HSB_INSF_NAT_KEY;
	/* allocation sets both times, a reference is never older */
	if (x->ref_idle_ns > x->age_ns)
		return HSB_INSF_TIMES;
	if ((x->flags & NAT_FLAGS_SRV) || x->has_deadline)
		return HSB_INSF_NAT_FLAGS;
	return HSB_INSF_OK;
}

/* A server-map entry as `nat server` or a pinhole makes it: static or
 * dynamic (only a dynamic one may have a deadline), a zone or any, no
 * port without a protocol. */
static enum hsb_install_fault check_server(const struct hsb_xfer_nat *x)
{
	const struct hsb_nat_key *k = &x->key;
	uint16_t kind = x->flags & NAT_FLAGS_SRV;

	if ((!k->proto && (k->port || x->port)) ||
	    (x->zone >= HSB_MAX_ZONES && x->zone != HSB_ZONE_ANY))
		return HSB_INSF_NAT_KEY;
	if (kind != HSB_NAT_F_STATIC && kind != HSB_NAT_F_DYNAMIC)
		return HSB_INSF_NAT_FLAGS;
	if (x->has_deadline && kind != HSB_NAT_F_DYNAMIC)
		return HSB_INSF_NAT_FLAGS;
	if (x->has_deadline && !x->expires_in_ns)
		return HSB_INSF_EXPIRED;
	return HSB_INSF_OK;
}

enum hsb_install_fault hsb_install_prep_nat(const struct hsb_xfer_nat *x,
					    uint64_t now,
					    struct hsb_install_nat *out)
{
	struct hsb_nat_entry *v = &out->pub_val;
	enum hsb_install_fault f;

	if (x->table < HSB_NAT_TABLE_PAT || x->table > HSB_NAT_TABLE_SRV)
		return HSB_INSF_TABLE;
	if (x->key.dir != HSB_NAT_DIR_PUB || !x->key.addr || !x->addr)
		return HSB_INSF_NAT_KEY;
	if (x->flags & ~NAT_FLAGS_KNOWN)
		return HSB_INSF_NAT_FLAGS;
	f = x->table == HSB_NAT_TABLE_SRV ? check_server(x) : check_mapping(x);
	if (f)
		return f;

	memset(out, 0, sizeof(*out));
	out->table = x->table;
	out->pub = x->key;
	v->addr = x->addr;
	v->port = x->port;
	v->flags = (x->flags & NAT_FLAGS_SRV) | HSB_NAT_F_FROM_PEER;
	v->group = x->group;
	v->zone = x->zone;
	v->created_ns = hsb_install_rebase(now, x->age_ns);
	v->last_ref_ns = hsb_install_rebase(now, x->ref_idle_ns);
	v->expires_ns = x->has_deadline ? now + x->expires_in_ns : 0;
	/* the IN index: the same entry seen from the inside (the
	 * datapath's, bpf/lib/nat.h; compiled servers, nat_compile.c) */
	out->in.addr = x->addr;
	out->in.port = x->port;
	out->in.proto = x->key.proto;
	out->in.dir = HSB_NAT_DIR_IN;
	out->in_val = *v;
	out->in_val.addr = x->key.addr;
	out->in_val.port = x->key.port;
	if (x->table != HSB_NAT_TABLE_SRV)
		out->in_val.flags = 0;
	return HSB_INSF_OK;
}
