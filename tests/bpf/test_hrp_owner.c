// SPDX-License-Identifier: GPL-2.0-only
/*
 * HRP's ownership passes (user/hsbd/hrp/hrp_owner.h) on real hash maps
 * (root: bpf_map_create): a claim clears the from-peer mark of every
 * session and NAT entry, a yield sets it, configured servers stay
 * nobody's; and a pass is sliced - one step with no time budget rewrites
 * at most a few dozen entries, so a takeover with a large table leaves
 * the event loop between steps instead of holding it for the whole
 * table; and an entry the install path replaced while the pass held it
 * in a batch keeps the installed value (only its mark may change).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <cmocka.h>

#include "clock.h"

#include "hsb/flow.h"
#include "hsb/nat.h"
#include "hsb/session.h"
#include "datapath/datapath.h"
#include "hrp/hrp_owner.h"

#define N_SESS 5000
#define N_NAT 300

static struct hsb_dp_maps m;

static struct hsb_flow_key key_of(uint32_t id)
{
	struct hsb_flow_key k;

	memset(&k, 0, sizeof(k));
	k.family = HSB_FAMILY_IPV4;
	k.proto = 6;
	memcpy(k.addr_a, &id, sizeof(id));
	return k;
}

static int setup(void **state)
{
	struct hsb_session s;
	struct hsb_nat_entry e;
	struct hsb_nat_key k;
	uint32_t i;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.sessions = bpf_map_create(BPF_MAP_TYPE_HASH, "hsbt_own_s",
				    sizeof(struct hsb_flow_key),
				    sizeof(struct hsb_session), N_SESS, NULL);
	m.nat_pat = bpf_map_create(BPF_MAP_TYPE_HASH, "hsbt_own_p", sizeof(k),
				   sizeof(e), N_NAT, NULL);
	m.nat_nopat = bpf_map_create(BPF_MAP_TYPE_HASH, "hsbt_own_n", sizeof(k),
				     sizeof(e), N_NAT, NULL);
	m.nat_srv = bpf_map_create(BPF_MAP_TYPE_HASH, "hsbt_own_v", sizeof(k),
				   sizeof(e), N_NAT, NULL);
	assert_true(m.sessions >= 0 && m.nat_pat >= 0 && m.nat_nopat >= 0 &&
		    m.nat_srv >= 0);
	memset(&s, 0, sizeof(s));
	s.flags = HSB_SESS_F_FROM_PEER;
	for (i = 0; i < N_SESS; i++) {
		struct hsb_flow_key fk = key_of(i + 1);

		s.packets[0] = i;
		assert_int_equal(bpf_map_update_elem(m.sessions, &fk, &s, 0),
				 0);
	}
	for (i = 0; i < N_NAT; i++) {
		memset(&k, 0, sizeof(k));
		memset(&e, 0, sizeof(e));
		k.addr = i + 1;
		k.proto = 6;
		e.flags = HSB_NAT_F_FROM_PEER;
		assert_int_equal(bpf_map_update_elem(m.nat_pat, &k, &e, 0), 0);
		/* a third of the servers configured here */
		e.flags = i % 3 ? HSB_NAT_F_FROM_PEER | HSB_NAT_F_DYNAMIC :
				  HSB_NAT_F_STATIC;
		assert_int_equal(bpf_map_update_elem(m.nat_srv, &k, &e, 0), 0);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	close(m.sessions);
	close(m.nat_pat);
	close(m.nat_nopat);
	close(m.nat_srv);
	return 0;
}

/* Entries of fd (sessions or NAT) whose from-peer mark is set. */
static unsigned int marked_sessions(void)
{
	struct hsb_flow_key k, next;
	struct hsb_session s;
	unsigned int n = 0;
	void *prev = NULL;

	while (!bpf_map_get_next_key(m.sessions, prev, &next)) {
		k = next;
		prev = &k;
		assert_int_equal(bpf_map_lookup_elem(m.sessions, &k, &s), 0);
		n += !!(s.flags & HSB_SESS_F_FROM_PEER);
	}
	return n;
}

static unsigned int synced_since(uint64_t t)
{
	struct hsb_flow_key k, next;
	struct hsb_session s;
	unsigned int n = 0;
	void *prev = NULL;

	while (!bpf_map_get_next_key(m.sessions, prev, &next)) {
		k = next;
		prev = &k;
		assert_int_equal(bpf_map_lookup_elem(m.sessions, &k, &s), 0);
		n += s.last_sync_ns >= t;
	}
	return n;
}

static unsigned int marked_nat(int fd, unsigned int *statics)
{
	struct hsb_nat_key k, next;
	struct hsb_nat_entry e;
	unsigned int n = 0;
	void *prev = NULL;

	*statics = 0;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		assert_int_equal(bpf_map_lookup_elem(fd, &k, &e), 0);
		n += !!(e.flags & HSB_NAT_F_FROM_PEER);
		*statics += !!(e.flags & HSB_NAT_F_STATIC);
	}
	return n;
}

/* One step without a time budget rewrites a small slice; the pass ends
 * after many steps with every entry claimed. */
static void test_claim_sliced(void **state)
{
	struct hrp_owner_stats st = { 0 };
	struct hrp_owner_pass *p;
	unsigned int statics, steps = 1;

	(void)state;
	p = hrp_owner_start(&m, true, &st);
	assert_non_null(p);
	assert_true(hrp_owner_claiming(p));
	/* the first step reads a batch, the second rewrites a chunk of it */
	assert_false(hrp_owner_step(p, 0));
	assert_int_equal(st.sessions, 0);
	assert_false(hrp_owner_step(p, 0));
	steps++;
	assert_true(st.sessions > 0 && st.sessions <= 64);
	assert_int_equal(marked_sessions(), N_SESS - st.sessions);
	while (!hrp_owner_step(p, 0))
		assert_true(++steps < 10 * N_SESS);
	hrp_owner_free(p);
	assert_true(steps > N_SESS / 64);
	assert_int_equal(st.sessions, N_SESS);
	assert_int_equal(st.mappings, N_NAT + N_NAT * 2 / 3);
	assert_int_equal(st.errors, 0);
	assert_int_equal(st.passes_done, 1);
	assert_int_equal(marked_sessions(), 0);
	assert_int_equal(marked_nat(m.nat_pat, &statics), 0);
	assert_int_equal(marked_nat(m.nat_srv, &statics), 0);
	assert_int_equal(statics, N_NAT / 3);
}

/* A yield with a budget goes faster per step and marks everything back,
 * servers configured here excepted. */
static void test_yield(void **state)
{
	struct hrp_owner_stats st = { 0 };
	struct hrp_owner_pass *p;
	unsigned int statics, steps = 1;
	uint64_t t0;

	(void)state;
	t0 = hsb_now_ns();
	p = hrp_owner_start(&m, false, &st);
	assert_non_null(p);
	assert_false(hrp_owner_claiming(p));
	while (!hrp_owner_step(p, 50000000ull))
		assert_true(++steps < 1000);
	hrp_owner_free(p);
	assert_int_equal(st.yields, 1);
	assert_int_equal(marked_sessions(), N_SESS);
	/* every session handed over counts as synced at the yield: a stale
	 * sweep of a batch backup begun before it keeps them */
	assert_int_equal(synced_since(t0), N_SESS);
	assert_int_equal(marked_nat(m.nat_pat, &statics), N_NAT);
	assert_int_equal(marked_nat(m.nat_srv, &statics), N_NAT * 2 / 3);
	assert_int_equal(statics, N_NAT / 3);
	/* freeing a pass halfway is fine (replaced by the opposite one) */
	p = hrp_owner_start(&m, true, &st);
	assert_false(hrp_owner_step(p, 0));
	hrp_owner_free(p);
}

/* What the install path does meanwhile: the peer's record replaces every
 * session still this host's (adopt_local), marked from-peer; returns how
 * many. */
#define INSTALLED_SYNC 4242

static unsigned int install_over_own_sessions(void)
{
	struct hsb_flow_key k, next;
	struct hsb_session s;
	unsigned int n = 0;
	void *prev = NULL;

	while (!bpf_map_get_next_key(m.sessions, prev, &next)) {
		k = next;
		prev = &k;
		assert_int_equal(bpf_map_lookup_elem(m.sessions, &k, &s), 0);
		if (s.flags & HSB_SESS_F_FROM_PEER)
			continue;
		memset(&s, 0, sizeof(s));
		s.flags = HSB_SESS_F_FROM_PEER;
		s.last_sync_ns = INSTALLED_SYNC;
		s.packets[1] = 7;
		assert_int_equal(
			bpf_map_update_elem(m.sessions, &k, &s, BPF_EXIST), 0);
		n++;
	}
	return n;
}

static unsigned int install_over_own_nat(int fd)
{
	struct hsb_nat_key k, next;
	struct hsb_nat_entry e;
	unsigned int n = 0;
	void *prev = NULL;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		assert_int_equal(bpf_map_lookup_elem(fd, &k, &e), 0);
		if (e.flags & HSB_NAT_F_FROM_PEER)
			continue;
		e.flags |= HSB_NAT_F_FROM_PEER;
		e.last_ref_ns = INSTALLED_SYNC;
		assert_int_equal(bpf_map_update_elem(fd, &k, &e, BPF_EXIST), 0);
		n++;
	}
	return n;
}

/* The entries of the batch a yield holds are replaced by the peer's
 * records between two steps (a restarted host yields while the peer's
 * batch backup arrives): the yield must leave them as installed, not
 * write its older copy back (the stale sweep then removed live sessions:
 * test_hrp_lb.sh, the give-back). */
static void test_yield_keeps_installs(void **state)
{
	struct hrp_owner_stats st = { 0 };
	struct hrp_owner_pass *p;
	struct hsb_flow_key k, next;
	struct hsb_nat_key nk, nnext;
	struct hsb_session s;
	struct hsb_nat_entry e;
	unsigned int n, yielded, found = 0;
	void *prev = NULL;

	(void)state;
	p = hrp_owner_start(&m, true, &st);
	while (!hrp_owner_step(p, 50000000ull))
		;
	hrp_owner_free(p);
	assert_int_equal(marked_sessions(), 0);

	memset(&st, 0, sizeof(st));
	p = hrp_owner_start(&m, false, &st);
	/* a batch read, a chunk of it yielded; the rest is in hand */
	assert_false(hrp_owner_step(p, 0));
	assert_false(hrp_owner_step(p, 0));
	yielded = (unsigned int)st.sessions;
	assert_true(yielded > 0 && yielded <= 64);
	n = install_over_own_sessions();
	assert_int_equal(n, N_SESS - yielded);
	/* on to the PAT table: its one batch in hand, a chunk yielded */
	while (!st.mappings)
		assert_false(hrp_owner_step(p, 0));
	n = install_over_own_nat(m.nat_pat);
	assert_true(n > 0 && n < N_NAT);
	while (!hrp_owner_step(p, 0))
		;
	hrp_owner_free(p);
	assert_int_equal(st.errors, 0);
	/* nothing installed was rewritten */
	assert_int_equal(st.sessions, yielded);
	assert_int_equal(marked_sessions(), N_SESS);
	while (!bpf_map_get_next_key(m.sessions, prev, &next)) {
		k = next;
		prev = &k;
		assert_int_equal(bpf_map_lookup_elem(m.sessions, &k, &s), 0);
		if (s.last_sync_ns != INSTALLED_SYNC)
			continue;
		assert_int_equal(s.packets[1], 7);
		found++;
	}
	assert_int_equal(found, N_SESS - yielded);
	found = 0;
	prev = NULL;
	while (!bpf_map_get_next_key(m.nat_pat, prev, &nnext)) {
		nk = nnext;
		prev = &nk;
		assert_int_equal(bpf_map_lookup_elem(m.nat_pat, &nk, &e), 0);
		assert_true(e.flags & HSB_NAT_F_FROM_PEER);
		found += e.last_ref_ns == INSTALLED_SYNC;
	}
	assert_int_equal(found, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_claim_sliced),
		cmocka_unit_test(test_yield),
		cmocka_unit_test(test_yield_keeps_installs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
