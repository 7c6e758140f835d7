// SPDX-License-Identifier: GPL-2.0-only
/* Lists and policy on live sessions. See session_recheck.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "datapath/datapath.h"
#include "datapath/map_walk.h"
#include "hsb/policy.h"
#include "hsb/session.h"
#include "log.h"
#include "records/record_buf.h"
#include "sessions/session_recheck.h"
#include "sessions/session_table.h"
#include "sessions/session_view.h"

#define RECHECK_WALK_BATCH 1024

struct hsb_session_recheck {
	int fd; /* hsb_sessions */
	int buf_fd, prog_fd; /* hsb_recheck_buf, hsb_recheck */
	struct hsb_record_buf *deletes;
	struct hsb_map_walk *walk;
	bool running;
	bool policy;
	struct hsb_flow_prefix *black, *white;
	size_t n_black, n_white;
	/* the policy batch being filled, and the sessions it stands for */
	struct hsb_recheck_buf pb;
	struct hsb_flow_key pkeys[HSB_RECHECK_BATCH];
	struct hsb_session pvals[HSB_RECHECK_BATCH];
	uint32_t pn;
	struct hsb_recheck_stats st;
};

struct hsb_session_recheck *
hsb_session_recheck_new(const struct hsb_dp_maps *m,
			struct hsb_record_buf *deletes)
{
	struct hsb_session_recheck *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->fd = m->sessions;
	r->buf_fd = m->recheck_buf;
	r->prog_fd = m->recheck;
	r->deletes = deletes;
	r->walk = hsb_map_walk_new(r->fd, sizeof(struct hsb_flow_key),
				   sizeof(struct hsb_session),
				   RECHECK_WALK_BATCH);
	if (!r->walk) {
		free(r);
		return NULL;
	}
	return r;
}

void hsb_session_recheck_free(struct hsb_session_recheck *r)
{
	if (!r)
		return;
	hsb_map_walk_free(r->walk);
	free(r->black);
	free(r->white);
	free(r);
}

int hsb_session_recheck_request(struct hsb_session_recheck *r, bool policy,
				const struct hsb_flow_prefix *black,
				size_t n_black,
				const struct hsb_flow_prefix *white,
				size_t n_white)
{
	struct hsb_flow_prefix *b = NULL, *w = NULL;

	if (!policy && !n_black)
		return 0;
	if (n_black) {
		b = realloc(r->black, (r->n_black + n_black) * sizeof(*b));
		if (!b)
			return -ENOMEM;
		r->black = b;
		memcpy(b + r->n_black, black, n_black * sizeof(*b));
		r->n_black += n_black;
	}
	/* the whitelist as it is now replaces the one the pass had */
	if (n_white) {
		w = malloc(n_white * sizeof(*w));
		if (!w)
			return -ENOMEM;
		memcpy(w, white, n_white * sizeof(*w));
	}
	free(r->white);
	r->white = w;
	r->n_white = n_white;
	r->policy |= policy;
	if (r->running)
		r->st.restarted++;
	else
		r->st.passes++;
	r->running = true;
	r->pn = 0;
	hsb_map_walk_rewind(r->walk);
	return 0;
}

bool hsb_session_recheck_running(const struct hsb_session_recheck *r)
{
	return r->running;
}

const struct hsb_recheck_stats *
hsb_session_recheck_stats(const struct hsb_session_recheck *r)
{
	return &r->st;
}

static bool any_has(const struct hsb_flow_prefix *p, size_t n, uint8_t family,
		    const uint8_t *addr)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (hsb_flow_prefix_has(&p[i], family, addr))
			return true;
	return false;
}

/* The first packet's source was blacklisted since, and not exempt. */
static bool blacklisted(const struct hsb_session_recheck *r,
			const struct hsb_flow_key *k,
			const struct hsb_session *s)
{
	struct hsb_endpoint ini, rsp;

	if (!r->n_black)
		return false;
	hsb_session_endpoints(k, s, &ini, &rsp);
	return any_has(r->black, r->n_black, k->family, ini.addr) &&
	       !any_has(r->white, r->n_white, k->family, ini.addr);
}

static void end(struct hsb_session_recheck *r, const struct hsb_flow_key *k,
		const struct hsb_session *s, uint64_t now_ns, uint64_t *count)
{
	/* -ENOENT: it ended meanwhile, and was reported then */
	if (!hsb_session_remove(r->fd, r->deletes, k, s, now_ns))
		(*count)++;
}

/* Runs the policy batch; ends the sessions it no longer permits. */
static void policy_flush(struct hsb_session_recheck *r, uint64_t now_ns)
{
	struct hsb_recheck_args a = { .n = r->pn };
	/* a syscall program's ctx_in is copied back (no ctx_out) */
	LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = &a,
		    .ctx_size_in = sizeof(a));
	uint32_t zero = 0, i;

	if (!r->pn)
		return;
	if (bpf_map_update_elem(r->buf_fd, &zero, &r->pb, 0) ||
	    bpf_prog_test_run_opts(r->prog_fd, &o) || o.retval ||
	    bpf_map_lookup_elem(r->buf_fd, &zero, &r->pb)) {
		r->st.errors++;
		hsb_log_ratelimited(HSB_LOG_ERR,
				    "sessions: policy recheck failed: %s",
				    strerror(errno));
		r->pn = 0;
		return;
	}
	for (i = 0; i < r->pn; i++)
		if (!r->pb.e[i].permit)
			end(r, &r->pkeys[i], &r->pvals[i], now_ns,
			    &r->st.ended_policy);
	r->pn = 0;
}

/* What the session's first packet presented to the policy. */
static void policy_add(struct hsb_session_recheck *r,
		       const struct hsb_flow_key *k,
		       const struct hsb_session *s, uint64_t now_ns)
{
	struct hsb_recheck_ent *e = &r->pb.e[r->pn];

	memset(e, 0, sizeof(*e));
	e->key = *k;
	e->zone_in = s->zone_in;
	e->zone_out = s->zone_out;
	if (s->flags & HSB_SESS_F_INIT_B)
		e->flags |= HSB_RECHECK_F_INIT_B;
	if ((s->flags & HSB_SESS_F_NAT) && s->nat.kind == HSB_NAT_KIND_DNAT) {
		e->flags |= HSB_RECHECK_F_DNAT;
		memcpy(e->dnat_addr, s->nat.addr, sizeof(e->dnat_addr));
		e->dnat_port = s->nat.port;
	}
	r->pkeys[r->pn] = *k;
	r->pvals[r->pn] = *s;
	if (++r->pn == HSB_RECHECK_BATCH)
		policy_flush(r, now_ns);
}

bool hsb_session_recheck_step(struct hsb_session_recheck *r, uint64_t now_ns)
{
	const struct hsb_flow_key *keys;
	const struct hsb_session *vals;
	int n, i;

	if (!r->running)
		return false;
	n = hsb_map_walk_next(r->walk, (const void **)&keys,
			      (const void **)&vals);
	if (n < 0)
		r->st.errors++;
	for (i = 0; i < n; i++) {
		/* the peer's: it judges them by the same policy */
		if (vals[i].flags & HSB_SESS_F_FROM_PEER)
			continue;
		r->st.visited++;
		if (blacklisted(r, &keys[i], &vals[i]))
			end(r, &keys[i], &vals[i], now_ns,
			    &r->st.ended_blacklist);
		else if (r->policy)
			policy_add(r, &keys[i], &vals[i], now_ns);
	}
	policy_flush(r, now_ns);
	hsb_record_buf_flush(r->deletes);
	if (n >= 0 && hsb_map_walk_in_pass(r->walk))
		return true;
	/* done (or abandoned on a read error: the next change starts over) */
	r->running = false;
	r->policy = false;
	free(r->black);
	r->black = NULL;
	r->n_black = 0;
	if (n >= 0)
		r->st.passes_done++;
	return false;
}
