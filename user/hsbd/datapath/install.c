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
#include "nat/nat_ref.h"

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
	in->batch_buf = m->install_buf > 0 ? m->install_buf : -1;
	in->batch_prog = m->install_batch > 0 ? m->install_batch : -1;
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
	if (had && !(old.flags & HSB_SESS_F_FROM_PEER) && !in->adopt_local)
		return hsb_install_refuse(in, HSB_INSF_LOCAL, "session");
	/* a peer's record never moves the last packet back: packets may
	 * pass here as well (load balancing, after a group moved back),
	 * and an older time would expire a session in use here */
	if (had && old.last_seen_ns > p.val.last_seen_ns)
		p.val.last_seen_ns = old.last_seen_ns;
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

/* The batch: buf.e[0..n) prepared from src[0..n). */
static struct hsb_install_buf batch_buf;
static const struct hsb_xfer_session *batch_src[HSB_INSTALL_BATCH];

/* Writes the batch; an entry the program stops at takes the single path
 * at its place, then the batch goes on after it. */
static size_t write_batch(struct hsb_install *in, size_t n, uint64_t now)
{
	struct hsb_install_batch_args a;
	/* a syscall program's ctx_in is copied back (no ctx_out) */
	LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = &a,
		    .ctx_size_in = sizeof(a));
	uint32_t zero = 0, start = 0;
	size_t done = 0, i;

	if (!n)
		return 0;
	if (bpf_map_update_elem(in->batch_buf, &zero, &batch_buf, 0)) {
		goto one_by_one;
	}
	while (start < n) {
		memset(&a, 0, sizeof(a));
		a.start = start;
		a.n = (uint32_t)n;
		if (bpf_prog_test_run_opts(in->batch_prog, &o) || a.err == -2 ||
		    a.done < start || a.done > n) {
			goto one_by_one;
		}
		in->stats.batches++;
		in->stats.sessions += a.done - start;
		done += a.done - start;
		start = a.done;
		if (start >= n)
			break;
		/* present here (or the map refused it): the single path */
		if (hsb_install_session(in, batch_src[start], now) ==
		    HSB_INSF_OK)
			done++;
		start++;
	}
	return done;
one_by_one:
	for (i = start; i < n; i++)
		if (hsb_install_session(in, batch_src[i], now) == HSB_INSF_OK)
			done++;
	return done;
}

size_t hsb_install_sessions(struct hsb_install *in,
			    const struct hsb_xfer_session *x, size_t n,
			    uint64_t now)
{
	struct hsb_nat_release_args a;
	struct hsb_install_sess p;
	enum hsb_install_fault f;
	size_t np = 0, done = 0, i;

	for (i = 0; i < n; i++) {
		if (in->batch_prog < 0) {
			if (hsb_install_session(in, &x[i], now) == HSB_INSF_OK)
				done++;
			continue;
		}
		f = hsb_install_prep_session(&x[i], now, &p);
		if (f) {
			/* nothing written: its place in the order is moot */
			hsb_install_refuse(in, f, "session");
			continue;
		}
		if (hsb_nat_session_ref(&p.key, &p.val, &a)) {
			/* references are taken one by one, in order */
			done += write_batch(in, np, now);
			np = 0;
			if (hsb_install_session(in, &x[i], now) == HSB_INSF_OK)
				done++;
			continue;
		}
		batch_buf.e[np].key = p.key;
		batch_buf.e[np].val = p.val;
		batch_src[np++] = &x[i];
		if (np == HSB_INSTALL_BATCH) {
			done += write_batch(in, np, now);
			np = 0;
		}
	}
	return done + write_batch(in, np, now);
}
