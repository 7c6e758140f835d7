// SPDX-License-Identifier: GPL-2.0-only
/* Claiming and yielding the backed-up state. See hrp_owner.h. */
#include <errno.h>
#include <stdlib.h>
#include <bpf/bpf.h>

#include "clock.h"
#include "datapath/datapath.h"
#include "datapath/map_walk.h"
#include "hrp/hrp_owner.h"
#include "hsb/nat.h"
#include "hsb/session.h"

/* The tables of a pass, in order: sessions, then the NAT tables. */
#define TABLES 4

struct hrp_owner_pass {
	int fds[TABLES];
	unsigned int table; /* the one being walked; TABLES: done */
	bool claim;
	struct hsb_map_walk *walk;
	/* the batch being rewritten: entries [i, n) are left */
	const void *keys, *vals;
	unsigned int batch_table; /* the table the batch in hand is of */
	int i, n;
	bool done_walk; /* the walker reached its end: free after the batch */
	struct hrp_owner_stats *st;
};

/* Entries rewritten between two looks at the clock. */
#define CHUNK 32

/*
 * The entry as it is now, into val; false when it is gone (it stays
 * gone). The batch in hand was read up to several loop ticks ago - a step
 * stops at its budget in the middle of one - and the loop ran in
 * between: the install path may have replaced the entry with the peer's
 * record since (a host that restarts yields while the peer's batch
 * backup arrives). Writing the batch's copy back would undo that
 * install: the entry would return to what this host's pinned maps held
 * from before it died, its last packet and last record included, and
 * the stale sweep after the batch backup (hrp_stale.h) or the sweeper
 * would remove a session in use (test_hrp_lb.sh, the give-back). So only
 * the mark changes, on the value read here: the event loop (the install
 * path, the sweeper) cannot run between this read and the write that
 * follows it, only XDP can (hrp_owner.h).
 */
static bool reread(int fd, const void *key, void *val)
{
	return !bpf_map_lookup_elem(fd, key, val);
}

static void sessions(struct hrp_owner_pass *p, const struct hsb_flow_key *k,
		     const struct hsb_session *v, int from, int to)
{
	int i;

	for (i = from; i < to; i++) {
		struct hsb_session s;

		/* the batch says what to look at; the entry as it is now
		 * says what to write (reread()) */
		if (!!(v[i].flags & HSB_SESS_F_FROM_PEER) != p->claim ||
		    !reread(p->fds[0], &k[i], &s) ||
		    !!(s.flags & HSB_SESS_F_FROM_PEER) != p->claim)
			continue;
		if (p->claim) {
			s.flags &= ~HSB_SESS_F_FROM_PEER;
		} else {
			s.flags |= HSB_SESS_F_FROM_PEER;
			/* given to the peer now: synced as of now for the
			 * stale sweep (hrp_stale.h). The peer's batch backup
			 * may have come before this host went standby and
			 * been refused as local: without the stamp the
			 * sweep at its end would remove every session just
			 * handed over (test_hrp.sh, the interface flap). */
			s.last_sync_ns = hsb_now_ns();
		}
		/* BPF_EXIST: an entry deleted meanwhile stays deleted */
		if (bpf_map_update_elem(p->fds[0], &k[i], &s, BPF_EXIST))
			p->st->errors++;
		else
			p->st->sessions++;
	}
}

static void mappings(struct hrp_owner_pass *p, int fd,
		     const struct hsb_nat_key *k, const struct hsb_nat_entry *v,
		     int from, int to)
{
	int i;

	for (i = from; i < to; i++) {
		struct hsb_nat_entry e;

		/* configured servers are nobody's to hand over */
		if (!!(v[i].flags & HSB_NAT_F_FROM_PEER) != p->claim ||
		    (v[i].flags & HSB_NAT_F_STATIC) || !reread(fd, &k[i], &e) ||
		    !!(e.flags & HSB_NAT_F_FROM_PEER) != p->claim)
			continue;
		if (p->claim)
			e.flags &= (__u16)~HSB_NAT_F_FROM_PEER;
		else
			e.flags |= HSB_NAT_F_FROM_PEER;
		if (bpf_map_update_elem(fd, &k[i], &e, BPF_EXIST))
			p->st->errors++;
		else
			p->st->mappings++;
	}
}

struct hrp_owner_pass *hrp_owner_start(const struct hsb_dp_maps *m, bool claim,
				       struct hrp_owner_stats *st)
{
	struct hrp_owner_pass *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->fds[0] = m->sessions;
	p->fds[1] = m->nat_pat;
	p->fds[2] = m->nat_nopat;
	p->fds[3] = m->nat_srv;
	p->claim = claim;
	p->st = st;
	if (claim)
		st->claims++;
	else
		st->yields++;
	return p;
}

/* Rewrites up to CHUNK entries of the batch in hand. */
static void rewrite(struct hrp_owner_pass *p)
{
	int to = p->i + CHUNK < p->n ? p->i + CHUNK : p->n;

	if (!p->batch_table)
		sessions(p, p->keys, p->vals, p->i, to);
	else
		mappings(p, p->fds[p->batch_table], p->keys, p->vals, p->i, to);
	p->i = to;
}

/* The next batch of the current table into hand, or on to the next
 * table; false when the pass is complete. */
static bool next_batch(struct hrp_owner_pass *p)
{
	int n;

	if (p->table == TABLES)
		return false;
	if (!p->walk) {
		p->walk = p->table ?
				  hsb_map_walk_new(p->fds[p->table],
						   sizeof(struct hsb_nat_key),
						   sizeof(struct hsb_nat_entry),
						   HRP_OWNER_SLICE) :
				  hsb_map_walk_new(p->fds[0],
						   sizeof(struct hsb_flow_key),
						   sizeof(struct hsb_session),
						   HRP_OWNER_SLICE);
		if (!p->walk) {
			/* no memory: this table is skipped, counted */
			p->st->errors++;
			p->table++;
			return p->table < TABLES;
		}
	}
	n = hsb_map_walk_next(p->walk, &p->keys, &p->vals);
	p->batch_table = p->table;
	p->i = 0;
	p->n = n > 0 ? n : 0;
	if (n < 0)
		p->st->errors++;
	if (n < 0 || !hsb_map_walk_in_pass(p->walk)) {
		/* the batch in hand stays valid until the walker's next
		 * read: keep the walker until it is rewritten */
		p->table++;
		p->done_walk = true;
	}
	return p->table < TABLES || p->n;
}

bool hrp_owner_step(struct hrp_owner_pass *p, uint64_t budget_ns)
{
	uint64_t t0 = hsb_now_ns(), dt;
	bool more = true;

	/* a system call per entry: the clock is read every CHUNK entries,
	 * so a step stays near budget_ns however slow they are */
	do {
		if (p->i < p->n) {
			rewrite(p);
			continue;
		}
		if (p->done_walk) {
			hsb_map_walk_free(p->walk);
			p->walk = NULL;
			p->done_walk = false;
		}
		more = next_batch(p);
	} while (more && hsb_now_ns() - t0 < budget_ns);
	more = more || p->i < p->n;
	dt = hsb_now_ns() - t0;
	p->st->steps++;
	if (dt > p->st->longest_step_ns)
		p->st->longest_step_ns = dt;
	if (!more)
		p->st->passes_done++;
	return !more;
}

bool hrp_owner_claiming(const struct hrp_owner_pass *p)
{
	return p && p->claim;
}

void hrp_owner_free(struct hrp_owner_pass *p)
{
	if (!p)
		return;
	hsb_map_walk_free(p->walk);
	free(p);
}
