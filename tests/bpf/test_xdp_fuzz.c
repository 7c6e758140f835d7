// SPDX-License-Identifier: GPL-2.0-only
/*
 * The XDP program fuzzer: random and mutated frames (fuzz_frames.h)
 * through hsb_xdp with BPF_PROG_TEST_RUN, under map states redrawn every
 * epoch (policy, NAT rules and server map, black/whitelist, VIPs active
 * or standby, the interface MAC, sessions and mappings kept or cleared,
 * forwarding to the peer on or off), with the invariants of fuzz_check.h
 * after every frame and over the tables every FZ_SWEEP frames.
 *
 * Besides the fixture's hsbt-in and hsbt-out, a heartbeat link hsbt-hb
 * (10.3.0.1/29, fd03::1/64) whose peer 10.3.0.2 / fd03::2 has a
 * permanent neighbour, as in test_xdp_peer.c: frames tagged by the peer
 * arrive there, and frames without a session leave by it.
 *
 *   HSB_XDP_FUZZ_SEED=N     the seed (default 1: make check is
 *                           reproducible); printed at the start
 *   HSB_XDP_FUZZ_FRAMES=N   frames (default 200000)
 *   HSB_XDP_FUZZ_SECS=N     stop earlier after N seconds (default 50: the
 *                           same binary runs under TCG in make vmtest);
 *                           0: no limit
 *
 * Everything is drawn from the seed alone, so a failure at frame i
 * reproduces with the same seed and HSB_XDP_FUZZ_FRAMES=i+1; the failing
 * frame is also written to build/xdp-fuzz/ (hex, one line) with the seed.
 */
#include <sys/stat.h>

#include "fuzz_check.h"
#include "vaddr_harness.h"

#define FZ_EPOCH 512 /* frames between map-state draws */
#define FZ_SWEEP 256 /* frames between table checks */
#define FZ_GROUP 5 /* the VIPs' VRRP group */

static const char *fz_prog = "test_xdp_fuzz";

struct fz_state {
	struct t_fixture *f;
	uint64_t seed, rng;
	uint64_t frames, max_frames, verdicts[5];
	double secs;
	struct fz_frame z;
	struct fz_history hist;
	unsigned int if_hb;
	int peer_link; /* hsbt-hb flagged HSB_IFACE_F_PEER_LINK */
	int peer_budget; /* the budget is drawn before each frame */
	struct hsb_peer_budget *budget; /* one per CPU */
};

static unsigned int fz_if_hb;

/* nat_harness.h's fixture and the heartbeat link. */
static int fz_setup(void **state)
{
	if (nat_setup(state))
		return -1;
	fz_if_hb = t_peer_link_setup();
	return fz_if_hb ? 0 : -1;
}

/* ---- map states ------------------------------------------------------ */

static void fz_policy(struct fz_state *st)
{
	struct hsb_rule r[3];
	__u32 n = 1;

	r[0] = t_rule_any(HSB_ACTION_PERMIT);
	switch (fz_below(&st->rng, 5)) {
	case 0:
		r[0].action = HSB_ACTION_DENY;
		break;
	case 1:
		n = 0; /* default deny */
		break;
	case 2:
		r[1] = r[0];
		r[0].proto = 17;
		r[0].action = HSB_ACTION_DENY;
		n = 2;
		break;
	case 3:
		r[0].proto = 6;
		r[0].dport_lo = r[0].dport_hi = 80;
		r[1] = t_rule_any(HSB_ACTION_DENY);
		r[1].family = HSB_FAMILY_IPV6;
		r[2] = t_rule_any(HSB_ACTION_PERMIT);
		n = 3;
		break;
	}
	t_set_policy(st->f, (int)fz_below(&st->rng, 2), r, n);
}

static void fz_nat(struct fz_state *st)
{
	struct t_fixture *f = st->f;
	struct hsb_nat_rule r;
	__u32 g = fz_below(&st->rng, 4);

	if (g == 3) {
		set_rules(f, 0, NULL, 0);
	} else {
		r = snat_rule((__u16)g, NULL, 0);
		set_rules(f, 1, &r, (__u8)fz_below(&st->rng, 2));
	}
	clear_map(t_map_fd(f->skel->maps.hsb_nat_srv), 8);
	if (fz_below(&st->rng, 2))
		srv_put(f, GLOBAL_WWW, 80, 6, IN4B, 8080,
			fz_below(&st->rng, 2) ? HSB_ZONE_ANY :
						HSB_ZONE_UNTRUST);
	if (fz_below(&st->rng, 2))
		srv_put(f, GLOBAL_ALL, 0, 0, IN4, 0, HSB_ZONE_ANY);
	f->skel->bss->hsb_nat_skip = 0;
}

static void fz_lists(struct fz_state *st)
{
	t_list_clear(st->f);
	if (fz_one_in(&st->rng, 3))
		t_list_add(st->f, 0, 4, FZ_PICK(&st->rng, fz_addr4), 32, 0);
	if (fz_one_in(&st->rng, 3))
		t_list_add(st->f, 1, 4, FZ_PICK(&st->rng, fz_addr4), 32, 0);
	if (fz_one_in(&st->rng, 4))
		t_list_add(st->f, 0, 6, FZ_PICK(&st->rng, fz_addr6), 128, 0);
}

static void fz_vaddrs(struct fz_state *st)
{
	struct t_fixture *f = st->f;
	__u8 acc = fz_below(&st->rng, 2) ? HSB_VADDR_F_ACCEPT : 0;

	set_group(f, FZ_GROUP, (int)fz_below(&st->rng, 2));
	bind_addr(f, f->if_out, 4, "10.2.0.100", HSB_VADDR_VIP, FZ_GROUP, acc,
		  t_mac_out);
	bind_addr(f, f->if_in, 4, "10.1.0.100", HSB_VADDR_VIP, FZ_GROUP, acc,
		  t_mac_in);
	bind_addr(f, f->if_out, 6, "fd02::100", HSB_VADDR_VIP, FZ_GROUP, acc,
		  t_mac_out);
	bind_addr(f, f->if_out, 4, POOL_A, HSB_VADDR_NAT_POOL,
		  fz_below(&st->rng, 2) ? FZ_GROUP : 0, HSB_VADDR_F_ACCEPT,
		  t_mac_out);
}

/* Every CPU's budget (struct hsb_peer_budget): a window that started at
 * window_ns with sent frames in it. */
static void fz_budget_set(struct fz_state *st, __u64 window_ns, __u32 sent)
{
	__u32 zero = 0;
	int i;

	for (i = 0; i < st->f->nr_cpus; i++) {
		st->budget[i].window_ns = window_ns;
		st->budget[i].sent = sent;
	}
	assert_int_equal(
		bpf_map_update_elem(t_map_fd(st->f->skel->maps.hsb_peer_budget),
				    &zero, st->budget, BPF_ANY),
		0);
}

/* Before a frame of an epoch with a small budget: spent in the current
 * millisecond (the frame is over it) or a window long past (a new one
 * starts). The budget is a clock's, so only this keeps a frame's fate
 * to the seed; a frame that still finds a new millisecond (the run was
 * preempted over 1 ms) is sent instead, which changes no later draw
 * (fz_remember() keeps no frame tagged for the peer). */
static void fz_budget(struct fz_state *st)
{
	struct hsb_peer_fwd *b = &st->f->skel->bss->hsb_peer_fwd;

	if (fz_below(&st->rng, 2))
		fz_budget_set(st, t_now_ns(), b->per_ms);
	else
		fz_budget_set(st, 0, 0);
}

/* Forwarding to the peer: off, or on towards an address that resolves
 * on the heartbeat link (IPv4 or IPv6), has no neighbour, or is routed
 * out of another link; the budget unlimited (the fuzzer sends more than
 * 64 frames a millisecond to the peer on a fast machine, and which of
 * them goes must not depend on its speed) or one or two frames, spent or
 * not before each frame; the heartbeat link sometimes without the peer
 * link's flag (mirroring not configured). */
static void fz_peer(struct fz_state *st)
{
	static const char *const addrs[] = { "10.3.0.2", "10.3.0.2", "fd03::2",
					     "fd03::2",	 "10.3.0.3", "fd03::3",
					     "10.2.0.2" };
	struct hsb_peer_fwd *b = &st->f->skel->bss->hsb_peer_fwd;
	const char *addr = FZ_PICK(&st->rng, addrs);
	int v6 = strchr(addr, ':') != NULL;

	b->on = 0;
	b->ifindex = st->if_hb;
	b->family = v6 ? HSB_FAMILY_IPV6 : HSB_FAMILY_IPV4;
	memset(b->addr, 0, sizeof(b->addr));
	t_addr(v6 ? 6 : 4, addr, b->addr);
	st->peer_budget = fz_one_in(&st->rng, 4);
	b->per_ms = st->peer_budget ? 1 + fz_below(&st->rng, 2) : UINT32_MAX;
	fz_budget_set(st, 0, 0);
	b->on = fz_below(&st->rng, 2);
	st->peer_link = !fz_one_in(&st->rng, 8);
	t_set_iface(st->f, st->if_hb, 3, HSB_ZONE_NONE,
		    HSB_IFACE_F_HEARTBEAT |
			    (st->peer_link ? HSB_IFACE_F_PEER_LINK : 0));
}

/* Sessions and the mappings they hold go together: clearing one without
 * the other would break the refcount invariant by hand. */
static void fz_clear_flows(struct t_fixture *f)
{
	clear_map(t_map_fd(f->skel->maps.hsb_nat_pat), 8);
	clear_map(t_map_fd(f->skel->maps.hsb_nat_nopat), 8);
	clear_map(t_map_fd(f->skel->maps.hsb_sessions), 40);
}

static void fz_epoch(struct fz_state *st, size_t n_sessions)
{
	struct t_fixture *f = st->f;
	int mac = fz_below(&st->rng, 3);

	fz_policy(st);
	fz_nat(st);
	fz_lists(st);
	fz_vaddrs(st);
	fz_peer(st);
	t_set_iface_mac(f, f->if_in, 1, HSB_ZONE_TRUST, 0,
			mac ? t_mac_in : NULL);
	t_set_iface_mac(f, f->if_out, 2, HSB_ZONE_UNTRUST, 0,
			mac ? t_mac_out : NULL);
	/* far below T_SESSIONS_MAX: the LRU never evicts a session that
	 * holds a mapping (fz_check_tables()) */
	if (fz_one_in(&st->rng, 4) || n_sessions > T_SESSIONS_MAX / 8)
		fz_clear_flows(f);
}

/* ---- the run --------------------------------------------------------- */

static const char *const fz_names[] = {
#define HSB_COUNTER_NAME(id, name, help) name,
	HSB_COUNTERS(HSB_COUNTER_NAME)
#undef HSB_COUNTER_NAME
};

static void fz_fail(struct fz_state *st, const char *why,
		    const struct fz_run *r, const struct t_result *res)
{
	char path[128];
	FILE *out;
	size_t i;

	fprintf(stderr,
		"xdp-fuzz: FAIL at frame %llu (seed %llu): %s\n"
		"  reproduce: HSB_XDP_FUZZ_SEED=%llu HSB_XDP_FUZZ_FRAMES=%llu %s\n",
		(unsigned long long)st->frames, (unsigned long long)st->seed,
		why, (unsigned long long)st->seed,
		(unsigned long long)st->frames + 1,
		"build/tests/test_xdp_fuzz");
	mkdir("build", 0755);
	mkdir("build/xdp-fuzz", 0755);
	snprintf(path, sizeof(path), "build/xdp-fuzz/seed-%llu-frame-%llu.hex",
		 (unsigned long long)st->seed, (unsigned long long)st->frames);
	out = fopen(path, "w");
	fprintf(stderr, "  frame (%zu bytes, on %s, in %s): ", st->z.fr.len,
		st->z.hb      ? "hsbt-hb" :
		st->z.outside ? "hsbt-out" :
				"hsbt-in",
		path);
	for (i = 0; i < st->z.fr.len; i++) {
		fprintf(stderr, "%02x", st->z.fr.b[i]);
		if (out)
			fprintf(out, "%02x", st->z.fr.b[i]);
	}
	fprintf(stderr, "\n");
	if (res) {
		fprintf(stderr, "  verdict %d, out (%zu bytes): ", res->verdict,
			res->len);
		for (i = 0; i < res->len; i++)
			fprintf(stderr, "%02x", res->out[i]);
		fprintf(stderr, "\n");
	}
	if (r) {
		fprintf(stderr, "  counters moved:");
		for (i = 0; i < HSB_CNT__MAX; i++)
			if (r->after[i] != r->before[i] &&
			    i != HSB_CNT_RX_BYTES)
				fprintf(stderr, " %s %+lld", fz_names[i],
					(long long)(r->after[i] -
						    r->before[i]));
		fprintf(stderr, "\n");
	}
	if (out) {
		fprintf(out, "\n# seed %llu frame %llu: %s\n",
			(unsigned long long)st->seed,
			(unsigned long long)st->frames, why);
		fclose(out);
	}
	fail_msg("%s", why);
}

static void fz_one(struct fz_state *st, uint64_t *before, uint64_t *after)
{
	struct t_fixture *f = st->f;
	struct fz_frame *z = &st->z;
	struct hsb_flow_key k;
	struct hsb_session s;
	struct t_result res;
	struct fz_run r = { .in = z, .had_session = -1, .has_session = -1 };
	int sfd = t_map_fd(f->skel->maps.hsb_sessions), keyed;
	unsigned int ifindex;
	const char *why;

	fz_frame_gen(&st->rng, z, &st->hist);
	ifindex = z->hb ? st->if_hb : z->outside ? f->if_out : f->if_in;
	r.zone = z->outside ? HSB_ZONE_UNTRUST : HSB_ZONE_TRUST;
	r.peer_on = f->skel->bss->hsb_peer_fwd.on;
	r.peer_link = st->peer_link;
	keyed = fz_flow_key(z, &k);
	if (keyed)
		r.had_session = !bpf_map_lookup_elem(sfd, &k, &s);
	if (st->peer_budget && r.peer_on)
		fz_budget(st); /* last: the window is the clock's */
	t_run_ex(f, z->fr.b, z->fr.len, ifindex, &res);
	fz_counters(f, after);
	if (keyed)
		r.has_session = !bpf_map_lookup_elem(sfd, &k, &s);
	r.verdict = res.verdict;
	r.out = res.out;
	r.out_len = res.len;
	r.before = before;
	r.after = after;
	if (res.verdict >= 0 && res.verdict < 5)
		st->verdicts[res.verdict]++;
	why = fz_check_run(&r);
	if (why)
		fz_fail(st, why, &r, &res);
	if (res.verdict == XDP_REDIRECT)
		fz_remember(&st->hist, z, res.out, res.len);
}

/* What the frames did, as counters: shows which paths a seed reached. */
static void fz_print_counters(const uint64_t *c)
{
	int i, n = 0;

	printf("xdp-fuzz: counters:");
	for (i = 0; i < HSB_CNT__MAX; i++)
		if (c[i] && i != HSB_CNT_RX_BYTES)
			printf("%s %s %llu", n++ % 6 ? "," : "\n ", fz_names[i],
			       (unsigned long long)c[i]);
	printf("\n");
}

static uint64_t fz_env(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : dflt;
}

static void test_fuzz(void **state)
{
	static uint64_t ca[HSB_CNT__MAX], cb[HSB_CNT__MAX];
	struct fz_state st = { .f = *state, .if_hb = fz_if_hb };
	uint64_t *before = ca, *after = cb, *tmp, t0 = t_now_ns();
	size_t n_sessions = 0;
	const char *why;

	st.budget = calloc(st.f->nr_cpus, sizeof(*st.budget));
	assert_non_null(st.budget);

	st.seed = fz_env("HSB_XDP_FUZZ_SEED", 1);
	st.max_frames = fz_env("HSB_XDP_FUZZ_FRAMES", 200000);
	st.secs = (double)fz_env("HSB_XDP_FUZZ_SECS", 50);
	st.rng = st.seed * 0x9e3779b97f4a7c15ULL + 1;
	printf("xdp-fuzz: seed %llu, up to %llu frames or %.0f s\n",
	       (unsigned long long)st.seed, (unsigned long long)st.max_frames,
	       st.secs);
	/* group G_SMALL: eight ports, soon exhausted; group 3: no pool */
	set_pool(st.f, G_SMALL, HSB_NAT_POOL_PAT, POOL_B, 1, 1024, 1031);
	fz_counters(st.f, before);
	for (st.frames = 0; st.frames < st.max_frames; st.frames++) {
		if (st.frames % FZ_EPOCH == 0) {
			fz_epoch(&st, n_sessions);
			if (st.secs > 0 && (t_now_ns() - t0) / 1e9 > st.secs)
				break;
		}
		fz_one(&st, before, after);
		tmp = before;
		before = after;
		after = tmp;
		if (st.frames % FZ_SWEEP == FZ_SWEEP - 1) {
			why = fz_check_tables(st.f, &n_sessions);
			if (why)
				fz_fail(&st, why, NULL, NULL);
			t_drain(st.f);
			st.f->n_events = 0;
		}
	}
	fz_print_counters(before);
	printf("xdp-fuzz: %llu frames in %.1f s (%.0f frames/s): pass %llu drop %llu tx %llu redirect %llu; %zu sessions at the last sweep\n",
	       (unsigned long long)st.frames, (t_now_ns() - t0) / 1e9,
	       st.frames / ((t_now_ns() - t0) / 1e9),
	       (unsigned long long)st.verdicts[XDP_PASS],
	       (unsigned long long)st.verdicts[XDP_DROP],
	       (unsigned long long)st.verdicts[XDP_TX],
	       (unsigned long long)st.verdicts[XDP_REDIRECT], n_sessions);
	free(st.budget);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fuzz, fz_setup,
						t_teardown),
	};

	if (argc > 0)
		fz_prog = argv[0];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
