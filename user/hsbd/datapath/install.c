// SPDX-License-Identifier: GPL-2.0-only
/* Installing sessions from the peer. See install.h. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <bpf/bpf.h>

#include "datapath/datapath.h"
#include "datapath/install.h"
#include "log.h"
#include "nat/nat_install.h"

void hsb_install_init(struct hsb_install *in, const struct hsb_dp_maps *m,
		      uint32_t *nat_skip)
{
	memset(in, 0, sizeof(*in));
	in->sessions = m->sessions;
	in->nat_pat = m->nat_pat;
	in->nat_nopat = m->nat_nopat;
	in->nat_srv = m->nat_srv;
	in->nat_prog = m->nat_release;
	in->nat_skip = nat_skip;
}

void hsb_install_need_lookups(struct hsb_install *in, uint32_t bits)
{
	/* cleared before the entry is written: the datapath never skips a
	 * table holding it (the NAT engine sets bits only for empty maps,
	 * from the same event loop) */
	if (in->nat_skip)
		__atomic_and_fetch(in->nat_skip, ~bits, __ATOMIC_SEQ_CST);
}

enum hsb_install_fault hsb_install_refuse(struct hsb_install *in,
					  enum hsb_install_fault f,
					  const char *what)
{
	if ((unsigned int)f < HSB_INSF__MAX)
		in->stats.refused[f]++;
	hsb_log_ratelimited(HSB_LOG_WARNING,
			    "install: %s from the peer refused: %s", what,
			    hsb_install_fault_name(f));
	return f;
}

enum hsb_install_fault hsb_install_session(struct hsb_install *in,
					   const struct hsb_xfer_session *x,
					   uint64_t now)
{
	struct hsb_install_sess p;
	struct hsb_session old;
	enum hsb_install_fault f;
	bool had, same, taken = false;
	int err;

	f = hsb_install_prep_session(x, now, &p);
	if (f)
		return hsb_install_refuse(in, f, "session");
	had = !bpf_map_lookup_elem(in->sessions, &p.key, &old);
	if (had && !(old.flags & HSB_SESS_F_FROM_PEER))
		return hsb_install_refuse(in, HSB_INSF_LOCAL, "session");
	/* an update of an installed session keeps the reference it holds
	 * when the translation is the same */
	same = had && hsb_nat_install_same_ref(&p.key, &old, &p.val);
	if (!same) {
		f = hsb_nat_install_ref(in, &p.key, &p.val, now, &taken);
		if (f)
			return hsb_install_refuse(in, f, "session");
	}
	/* NOEXIST / EXIST: an entry XDP inserted since the lookup (a local
	 * session) is never overwritten */
	if (bpf_map_update_elem(in->sessions, &p.key, &p.val,
				had ? BPF_EXIST : BPF_NOEXIST)) {
		err = errno;
		if (taken)
			hsb_nat_install_unref(in, &p.key, &p.val);
		return hsb_install_refuse(in,
					  err == EEXIST ? HSB_INSF_LOCAL :
					  err == ENOENT ? HSB_INSF_BUSY :
							  HSB_INSF_MAP,
					  "session");
	}
	if (had && !same)
		hsb_nat_install_unref(in, &p.key, &old);
	in->stats.sessions++;
	return HSB_INSF_OK;
}
