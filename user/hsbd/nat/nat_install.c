// SPDX-License-Identifier: GPL-2.0-only
/* NAT entries and references of the install path. See nat_install.h. */
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>

#include "log.h"
#include "nat/nat_engine.h"
#include "nat/nat_install.h"
#include "nat/nat_install_prep.h"
#include "nat/nat_ref.h"

bool hsb_nat_install_same_ref(const struct hsb_flow_key *k,
			      const struct hsb_session *a,
			      const struct hsb_session *b)
{
	struct hsb_nat_release_args x, y;
	bool hx = hsb_nat_session_ref(k, a, &x);
	bool hy = hsb_nat_session_ref(k, b, &y);

	if (hx != hy)
		return false;
	return !hx ||
	       (x.table == y.table && !memcmp(&x.pub, &y.pub, sizeof(x.pub)) &&
		x.inside == y.inside && x.inside_port == y.inside_port);
}

enum hsb_install_fault hsb_nat_install_ref(struct hsb_install *in,
					   const struct hsb_flow_key *k,
					   const struct hsb_session *s,
					   uint64_t now, bool *taken)
{
	struct hsb_nat_release_args a;
	int err;

	*taken = false;
	if (!hsb_nat_session_ref(k, s, &a))
		return HSB_INSF_OK;
	a.op = HSB_NAT_OP_ACQUIRE;
	a.created_ns = s->created_ns;
	a.now_ns = now;
	hsb_install_need_lookups(in, a.table == HSB_NAT_TABLE_PAT ?
					     HSB_NAT_SKIP_PAT :
					     HSB_NAT_SKIP_NOPAT);
	err = hsb_nat_run_release(in->nat_prog, &a);
	if (err)
		return err == -EBUSY ? HSB_INSF_BUSY : HSB_INSF_MAP;
	if (a.result == HSB_NAT_ACQ_CONFLICT)
		return HSB_INSF_CONFLICT;
	if (a.result < 0)
		return HSB_INSF_BUSY;
	*taken = true;
	return HSB_INSF_OK;
}

void hsb_nat_install_unref(struct hsb_install *in, const struct hsb_flow_key *k,
			   const struct hsb_session *s)
{
	struct hsb_nat_release_args a;

	if (!hsb_nat_session_ref(k, s, &a))
		return;
	a.op = HSB_NAT_OP_RELEASE;
	if (hsb_nat_run_release(in->nat_prog, &a) || a.result < 0)
		hsb_log_ratelimited(
			HSB_LOG_ERR,
			"install: giving a mapping reference back failed");
}

/* A mapping record: the mapping exists only through the sessions holding
 * it (nat_install.h), so the record is checked against it. */
static enum hsb_install_fault check_held(struct hsb_install *in,
					 const struct hsb_install_nat *p)
{
	int fd = p->table == HSB_NAT_TABLE_PAT ? in->nat_pat : in->nat_nopat;
	struct hsb_nat_entry cur;

	if (bpf_map_lookup_elem(fd, &p->pub, &cur)) {
		in->stats.unheld++;
		return HSB_INSF_OK;
	}
	if (cur.addr != p->pub_val.addr || cur.port != p->pub_val.port)
		return HSB_INSF_CONFLICT;
	in->stats.mappings++;
	return HSB_INSF_OK;
}

/* A server-map entry, both keys (IN first: a first packet the PUB entry
 * translates finds the reply's entry already there). A configured server
 * is the configuration's: an equal one is left as it is, another one
 * refuses the entry. */
static enum hsb_install_fault install_server(struct hsb_install *in,
					     const struct hsb_install_nat *p)
{
	const struct hsb_nat_entry *v = &p->pub_val;
	struct hsb_nat_entry cur;
	uint32_t need = HSB_NAT_SKIP_SRV;

	if (!bpf_map_lookup_elem(in->nat_srv, &p->pub, &cur) &&
	    (cur.flags & HSB_NAT_F_STATIC) &&
	    !(cur.flags & HSB_NAT_F_FROM_PEER)) {
		if (!(v->flags & HSB_NAT_F_STATIC) || cur.addr != v->addr ||
		    cur.port != v->port || cur.zone != v->zone)
			return HSB_INSF_CONFLICT;
		in->stats.servers++;
		return HSB_INSF_OK;
	}
	if (!p->pub.proto)
		need |= HSB_NAT_SKIP_SRV_ANY;
	else if (!p->pub.port)
		need |= HSB_NAT_SKIP_SRV_NOPORT;
	hsb_install_need_lookups(in, need);
	if (bpf_map_update_elem(in->nat_srv, &p->in, &p->in_val, BPF_ANY) ||
	    bpf_map_update_elem(in->nat_srv, &p->pub, v, BPF_ANY))
		return HSB_INSF_MAP;
	in->stats.servers++;
	return HSB_INSF_OK;
}

enum hsb_install_fault hsb_install_nat(struct hsb_install *in,
				       const struct hsb_xfer_nat *x,
				       uint64_t now)
{
	struct hsb_install_nat p;
	enum hsb_install_fault f;

	f = hsb_install_prep_nat(x, now, &p);
	if (!f)
		f = p.table == HSB_NAT_TABLE_SRV ? install_server(in, &p) :
						   check_held(in, &p);
	return f ? hsb_install_refuse(in, f, "NAT entry") : HSB_INSF_OK;
}
