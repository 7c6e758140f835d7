// SPDX-License-Identifier: GPL-2.0-only
/* Sessions from the peer -> hsb_sessions entries. See install_prep.h. */
#include <netinet/in.h>
#include <string.h>

#include "datapath/install_prep.h"
#include "hsb/nat_csum.h"

static const char *const fault_names[HSB_INSF__MAX] = {
	[HSB_INSF_OK] = "ok",
	[HSB_INSF_FAMILY] = "bad_family",
	[HSB_INSF_KEY] = "bad_key",
	[HSB_INSF_ORDER] = "key_not_canonical",
	[HSB_INSF_PROTO] = "bad_ports",
	[HSB_INSF_STATE] = "bad_state",
	[HSB_INSF_FLAGS] = "bad_flags",
	[HSB_INSF_ZONE] = "bad_zone",
	[HSB_INSF_TIMES] = "bad_times",
	[HSB_INSF_NAT] = "bad_translation",
	[HSB_INSF_TABLE] = "bad_nat_table",
	[HSB_INSF_NAT_KEY] = "bad_nat_key",
	[HSB_INSF_NAT_FLAGS] = "bad_nat_flags",
	[HSB_INSF_EXPIRED] = "expired",
	[HSB_INSF_LOCAL] = "local_session",
	[HSB_INSF_CONFLICT] = "conflict",
	[HSB_INSF_BUSY] = "busy",
	[HSB_INSF_MAP] = "map_error",
};

const char *hsb_install_fault_name(enum hsb_install_fault f)
{
	if ((unsigned int)f >= HSB_INSF__MAX)
		return "unknown";
	return fault_names[f];
}

uint64_t hsb_install_rebase(uint64_t now, uint64_t age_ns)
{
	return age_ns < now ? now - age_ns : 0;
}

/* Session flags the datapath sets; DIRTY and FROM_PEER are the sender's
 * bookkeeping and are replaced. */
#define SESS_FLAGS_KNOWN                                               \
	(HSB_SESS_F_INIT_B | HSB_SESS_F_DIRTY | HSB_SESS_F_FROM_PEER | \
	 HSB_SESS_F_FIN_ORIG | HSB_SESS_F_FIN_REPLY | HSB_SESS_F_NAT)
#define SESS_FLAGS_KEPT                                                   \
	(HSB_SESS_F_INIT_B | HSB_SESS_F_FIN_ORIG | HSB_SESS_F_FIN_REPLY | \
	 HSB_SESS_F_NAT)

static int is_icmp(uint8_t proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

static int all_zero(const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

/* The key as the datapath builds it (bpf/lib/conntrack.h hsb_flow_key()):
 * an address per family, endpoint a the smaller, ports only where the
 * protocol has them (ICMP: the echo id, or 0, on both sides). */
static enum hsb_install_fault check_key(const struct hsb_flow_key *k)
{
	size_t alen = k->family == HSB_FAMILY_IPV4 ? 4 : 16;
	int c;

	if (k->family != HSB_FAMILY_IPV4 && k->family != HSB_FAMILY_IPV6)
		return HSB_INSF_FAMILY;
	if (k->pad || all_zero(k->addr_a, alen) || all_zero(k->addr_b, alen) ||
	    !all_zero(k->addr_a + alen, 16 - alen) ||
	    !all_zero(k->addr_b + alen, 16 - alen))
		return HSB_INSF_KEY;
	c = memcmp(k->addr_a, k->addr_b, 16);
	if (c > 0 || (c == 0 && k->port_a > k->port_b))
		return HSB_INSF_ORDER;
	if (is_icmp(k->proto) ?
		    k->port_a != k->port_b :
		    k->proto != IPPROTO_TCP && k->proto != IPPROTO_UDP &&
			    (k->port_a || k->port_b))
		return HSB_INSF_PROTO;
	return HSB_INSF_OK;
}

/* The states the tracker gives the protocol (bpf/lib/conntrack.h). */
static int state_ok(uint8_t proto, uint8_t st)
{
	if (proto == IPPROTO_TCP)
		return st >= HSB_CT_SYN_SENT && st <= HSB_CT_CLOSE;
	if (is_icmp(proto))
		return st == HSB_CT_ICMP_NEW || st == HSB_CT_ICMP_REPLIED;
	return st == HSB_CT_UDP_NEW || st == HSB_CT_UDP_ESTABLISHED;
}

/* The translation as the datapath makes it (bpf/lib/nat.h): NAT44 only;
 * PAT for protocols with ports or echo ids; NO-PAT keeps the initiator's
 * port; an address group id for the kinds that hold a mapping. */
static enum hsb_install_fault check_nat(const struct hsb_xfer_session *x)
{
	const struct hsb_flow_key *k = &x->key;
	uint16_t iport = x->flags & HSB_SESS_F_INIT_B ? k->port_b : k->port_a;
	int has = !!(x->flags & HSB_SESS_F_NAT);

	if (has != (x->nat_kind != HSB_NAT_KIND_NONE))
		return HSB_INSF_NAT;
	if (!has)
		return all_zero(x->nat_addr, 16) && !x->nat_port &&
				       !x->nat_ref ?
			       HSB_INSF_OK :
			       HSB_INSF_NAT;
	if (k->family != HSB_FAMILY_IPV4 ||
	    x->nat_kind > HSB_NAT_KIND_SRV_SNAT || all_zero(x->nat_addr, 4) ||
	    !all_zero(x->nat_addr + 4, 12))
		return HSB_INSF_NAT;
	switch (x->nat_kind) {
	case HSB_NAT_KIND_PAT:
		if (k->proto != IPPROTO_TCP && k->proto != IPPROTO_UDP &&
		    k->proto != IPPROTO_ICMP)
			return HSB_INSF_NAT;
		break;
	case HSB_NAT_KIND_NOPAT:
		if (x->nat_port != iport)
			return HSB_INSF_NAT;
		break;
	default:
		return HSB_INSF_OK;
	}
	return x->nat_ref < HSB_NAT_MAX_GROUPS ? HSB_INSF_OK : HSB_INSF_NAT;
}

enum hsb_install_fault
hsb_install_prep_session(const struct hsb_xfer_session *x, uint64_t now,
			 struct hsb_install_sess *out)
{
	const struct hsb_flow_key *k = &x->key;
	struct hsb_session *v = &out->val;
	enum hsb_install_fault f;

	f = check_key(k);
	if (f)
		return f;
	if (!state_ok(k->proto, x->state))
		return HSB_INSF_STATE;
	if ((x->flags & ~SESS_FLAGS_KNOWN) ||
	    (k->proto != IPPROTO_TCP &&
	     (x->flags & (HSB_SESS_F_FIN_ORIG | HSB_SESS_F_FIN_REPLY))))
		return HSB_INSF_FLAGS;
	if (x->zone_in >= HSB_MAX_ZONES || x->zone_out >= HSB_MAX_ZONES)
		return HSB_INSF_ZONE;
	if (x->idle_ns > x->age_ns)
		return HSB_INSF_TIMES;
	f = check_nat(x);
	if (f)
		return f;

	memset(out, 0, sizeof(*out));
	out->key = *k;
	v->flags = (x->flags & SESS_FLAGS_KEPT) | HSB_SESS_F_FROM_PEER;
	v->state = x->state;
	v->zone_in = x->zone_in;
	v->zone_out = x->zone_out;
	v->rule = x->rule;
	v->created_ns = hsb_install_rebase(now, x->age_ns);
	v->last_seen_ns = hsb_install_rebase(now, x->idle_ns);
	v->last_sync_ns = now;
	memcpy(v->packets, x->packets, sizeof(v->packets));
	memcpy(v->bytes, x->bytes, sizeof(v->bytes));
	v->nat.kind = x->nat_kind;
	memcpy(v->nat.addr, x->nat_addr, sizeof(v->nat.addr));
	v->nat.port = x->nat_port;
	v->nat.ref = x->nat_ref;
	/* the checksum adjustments as XDP computes them for its own
	 * sessions: the established path's precomputed rewrite */
	if (v->nat.kind)
		hsb_nat_prep(&v->nat, k, !!(v->flags & HSB_SESS_F_INIT_B));
	return HSB_INSF_OK;
}
