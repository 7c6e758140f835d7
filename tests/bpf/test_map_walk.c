// SPDX-License-Identifier: GPL-2.0-only
/*
 * The batch map walker (user/hsbd/datapath/map_walk.h) on real hash maps
 * with the session table's key and value sizes (root: bpf_map_create).
 *
 *  - 100k entries, a pass while another thread inserts, deletes and
 *    rewrites entries: each entry present for the whole pass is visited
 *    exactly once, no entry twice; in slices with pauses (as the sweeper
 *    walks, a slice per tick) and in one go (hsb_map_walk_all).
 *  - a batch of 1 on a table whose buckets hold several entries: the
 *    kernel refuses it (ENOSPC), the walker grows and goes on from the
 *    same bucket instead of restarting or skipping it.
 *  - resuming across calls with the table changed between them, the end
 *    of the table arriving with the last entries (ENOENT), rewinding, an
 *    empty table.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <cmocka.h>

#include "hsb/flow.h"
#include "hsb/session.h"
#include "datapath/map_walk.h"

#define N_STABLE 100000
#define N_VOLATILE 20000

enum { K_STABLE = 1, K_VOLATILE = 2 };

static struct hsb_flow_key key_of(int cls, uint32_t id)
{
	struct hsb_flow_key k;

	memset(&k, 0, sizeof(k));
	k.family = HSB_FAMILY_IPV4;
	k.proto = 17;
	k.addr_b[0] = (__u8)cls;
	memcpy(k.addr_a, &id, sizeof(id));
	return k;
}

static int new_table(uint32_t max_entries)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "hsbt_walk",
				sizeof(struct hsb_flow_key),
				sizeof(struct hsb_session), max_entries, NULL);

	assert_true(fd >= 0);
	return fd;
}

static void put(int fd, int cls, uint32_t id)
{
	struct hsb_flow_key k = key_of(cls, id);
	struct hsb_session v;

	memset(&v, 0, sizeof(v));
	v.created_ns = id;
	assert_int_equal(bpf_map_update_elem(fd, &k, &v, BPF_ANY), 0);
}

/* Visits per key, by class and id. */
struct seen {
	uint32_t *stable, *vol;
	uint32_t n_stable, n_vol;
	uint64_t entries, foreign;
};

static void seen_init(struct seen *s, uint32_t n_stable, uint32_t n_vol)
{
	s->stable = calloc(n_stable, sizeof(*s->stable));
	s->vol = calloc(n_vol ? n_vol : 1, sizeof(*s->vol));
	assert_non_null(s->stable);
	assert_non_null(s->vol);
	s->n_stable = n_stable;
	s->n_vol = n_vol;
	s->entries = s->foreign = 0;
}

static void seen_free(struct seen *s)
{
	free(s->stable);
	free(s->vol);
}

static void count_batch(const void *keys, const void *vals, uint32_t n,
			void *ctx)
{
	const struct hsb_flow_key *k = keys;
	struct seen *s = ctx;
	uint32_t i, id;

	(void)vals;
	for (i = 0; i < n; i++) {
		memcpy(&id, k[i].addr_a, sizeof(id));
		s->entries++;
		if (k[i].addr_b[0] == K_STABLE && id < s->n_stable)
			s->stable[id]++;
		else if (k[i].addr_b[0] == K_VOLATILE && id < s->n_vol)
			s->vol[id]++;
		else
			s->foreign++;
	}
}

/* Reads to the end of the pass (or a whole one), counting. */
static void finish_pass(struct hsb_map_walk *w, struct seen *s)
{
	const void *keys, *vals;
	int n;

	do {
		n = hsb_map_walk_next(w, &keys, &vals);
		assert_true(n >= 0);
		count_batch(keys, vals, (uint32_t)n, s);
	} while (hsb_map_walk_in_pass(w));
}

/* Stable entries exactly once, volatile ones at most once. */
static void assert_exactly_once(const struct seen *s, uint32_t stable_from)
{
	uint32_t i, twice = 0, missed = 0;

	for (i = stable_from; i < s->n_stable; i++) {
		missed += s->stable[i] == 0;
		twice += s->stable[i] > 1;
	}
	for (i = 0; i < s->n_vol; i++)
		twice += s->vol[i] > 1;
	if (missed || twice)
		fail_msg("%u stable entries missed, %u entries seen twice",
			 missed, twice);
	assert_int_equal(s->foreign, 0);
}

/* ---- a table changing under the walk -------------------------------- */

struct churn {
	int fd;
	atomic_bool stop;
	atomic_ulong ops;
	uint8_t present[N_VOLATILE];
};

/* Inserts and deletes volatile entries and rewrites stable ones in
 * place (as XDP updates sessions) until told to stop. */
static void *churn_run(void *arg)
{
	struct churn *c = arg;
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	struct hsb_session v;

	memset(&v, 0, sizeof(v));
	while (!atomic_load(&c->stop)) {
		struct hsb_flow_key k;
		uint32_t id;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		id = (uint32_t)(x % N_VOLATILE);
		k = key_of(K_VOLATILE, id);
		if (c->present[id]) {
			bpf_map_delete_elem(c->fd, &k);
			c->present[id] = 0;
		} else if (!bpf_map_update_elem(c->fd, &k, &v, BPF_NOEXIST)) {
			c->present[id] = 1;
		}
		k = key_of(K_STABLE, (uint32_t)((x >> 20) % N_STABLE));
		v.last_seen_ns++;
		bpf_map_update_elem(c->fd, &k, &v, BPF_EXIST);
		atomic_fetch_add(&c->ops, 1);
	}
	return NULL;
}

static int churn_setup(void **state)
{
	struct churn *c = calloc(1, sizeof(*c));
	uint32_t i;

	if (!c)
		return -1;
	c->fd = new_table(131072);
	for (i = 0; i < N_STABLE; i++)
		put(c->fd, K_STABLE, i);
	*state = c;
	return 0;
}

static int churn_teardown(void **state)
{
	struct churn *c = *state;

	close(c->fd);
	free(c);
	return 0;
}

/* Runs walk(c, ctx) while the churn thread changes the table; returns the
 * changes made during the walk. */
static unsigned long with_churn(struct churn *c,
				void (*walk)(struct churn *c, struct seen *s),
				struct seen *s)
{
	pthread_t t;
	unsigned long before;

	atomic_store(&c->stop, false);
	atomic_store(&c->ops, 0);
	assert_int_equal(pthread_create(&t, NULL, churn_run, c), 0);
	while (atomic_load(&c->ops) < 1000) /* the churn is under way */
		usleep(100);
	before = atomic_load(&c->ops);
	walk(c, s);
	before = atomic_load(&c->ops) - before;
	atomic_store(&c->stop, true);
	pthread_join(t, NULL);
	return before;
}

/* As the sweeper: a batch per "tick", pausing between them. */
static void walk_sliced(struct churn *c, struct seen *s)
{
	struct hsb_map_walk *w =
		hsb_map_walk_new(c->fd, sizeof(struct hsb_flow_key),
				 sizeof(struct hsb_session), 512);
	const void *keys, *vals;
	int n, reads = 0;

	assert_non_null(w);
	do {
		n = hsb_map_walk_next(w, &keys, &vals);
		assert_true(n >= 0);
		count_batch(keys, vals, (uint32_t)n, s);
		reads++;
		usleep(500);
	} while (hsb_map_walk_in_pass(w));
	assert_true(reads > 100);
	hsb_map_walk_free(w);
}

static void walk_whole(struct churn *c, struct seen *s)
{
	assert_int_equal(hsb_map_walk_all(c->fd, sizeof(struct hsb_flow_key),
					  sizeof(struct hsb_session),
					  count_batch, s),
			 0);
}

static void test_changing_table_sliced(void **state)
{
	struct churn *c = *state;
	struct seen s;
	unsigned long changes;

	seen_init(&s, N_STABLE, N_VOLATILE);
	changes = with_churn(c, walk_sliced, &s);
	assert_true(changes > 100); /* the table did change under the walk */
	assert_exactly_once(&s, 0);
	seen_free(&s);
}

static void test_changing_table_whole(void **state)
{
	struct churn *c = *state;
	struct seen s;

	seen_init(&s, N_STABLE, N_VOLATILE);
	with_churn(c, walk_whole, &s);
	assert_exactly_once(&s, 0);
	seen_free(&s);
}

/* ---- ENOSPC: a batch smaller than a bucket -------------------------- */

static void test_tiny_batch_grows(void **state)
{
	/* 256 entries in 256 buckets: some bucket holds two or more (the
	 * odds of none are about 1e-110) */
	int fd = new_table(256);
	struct hsb_map_walk *w;
	struct seen s;
	uint32_t i;

	(void)state;
	for (i = 0; i < 256; i++)
		put(fd, K_STABLE, i);
	w = hsb_map_walk_new(fd, sizeof(struct hsb_flow_key),
			     sizeof(struct hsb_session), 1);
	assert_non_null(w);
	assert_int_equal(hsb_map_walk_capacity(w), 1);
	seen_init(&s, 256, 0);
	finish_pass(w, &s);
	assert_true(hsb_map_walk_capacity(w) > 1); /* ENOSPC was met */
	assert_int_equal(s.entries, 256);
	assert_exactly_once(&s, 0);
	seen_free(&s);
	hsb_map_walk_free(w);
	close(fd);
}

/* ---- resuming across calls ------------------------------------------ */

static void test_resume_across_calls(void **state)
{
	int fd = new_table(16384);
	struct hsb_map_walk *w;
	const void *keys, *vals;
	struct seen s;
	uint32_t i, reads = 0, next_new = 0;
	int n;

	(void)state;
	for (i = 0; i < 10000; i++)
		put(fd, K_STABLE, i);
	w = hsb_map_walk_new(fd, sizeof(struct hsb_flow_key),
			     sizeof(struct hsb_session), 100);
	assert_non_null(w);
	assert_false(hsb_map_walk_in_pass(w));

	/* between reads ("ticks"): stable ids below 1000 deleted, new
	 * (volatile) entries inserted */
	seen_init(&s, 10000, 5000);
	do {
		n = hsb_map_walk_next(w, &keys, &vals);
		assert_true(n >= 0 && n <= 100);
		count_batch(keys, vals, (uint32_t)n, &s);
		if (reads < 50) {
			struct hsb_flow_key k = key_of(K_STABLE, reads * 20);

			bpf_map_delete_elem(fd, &k);
			for (i = 0; i < 50; i++)
				put(fd, K_VOLATILE, next_new++);
		}
		reads++;
	} while (hsb_map_walk_in_pass(w));
	assert_true(reads >= 100);
	/* ids >= 1000 were never touched */
	assert_exactly_once(&s, 1000);
	for (i = 0; i < 1000; i++)
		assert_true(s.stable[i] <= 1);
	seen_free(&s);

	/* the next read starts a new pass: everything now there, once */
	seen_init(&s, 10000, 5000);
	finish_pass(w, &s);
	assert_int_equal(s.entries, 10000 - 50 + next_new);
	assert_exactly_once(&s, 1000);
	for (i = 0; i < next_new; i++)
		assert_int_equal(s.vol[i], 1);
	seen_free(&s);

	/* rewinding mid-pass starts again from the beginning */
	seen_init(&s, 10000, 5000);
	n = hsb_map_walk_next(w, &keys, &vals);
	assert_true(n > 0 && hsb_map_walk_in_pass(w));
	hsb_map_walk_rewind(w);
	assert_false(hsb_map_walk_in_pass(w));
	finish_pass(w, &s);
	assert_int_equal(s.entries, 10000 - 50 + next_new);
	seen_free(&s);
	hsb_map_walk_free(w);
	close(fd);
}

static void test_empty_table(void **state)
{
	int fd = new_table(64);
	struct hsb_map_walk *w = hsb_map_walk_new(
		fd, sizeof(struct hsb_flow_key), sizeof(struct hsb_session), 8);
	const void *keys, *vals;

	(void)state;
	assert_non_null(w);
	assert_int_equal(hsb_map_walk_next(w, &keys, &vals), 0);
	assert_false(hsb_map_walk_in_pass(w));
	hsb_map_walk_free(w);
	close(fd);
	/* a bad descriptor is an error, not an empty table */
	w = hsb_map_walk_new(-1, 4, 4, 8);
	assert_non_null(w);
	assert_true(hsb_map_walk_next(w, &keys, &vals) < 0);
	assert_false(hsb_map_walk_in_pass(w));
	hsb_map_walk_free(w);
	assert_null(hsb_map_walk_new(fd, 0, 4, 8));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_changing_table_sliced,
						churn_setup, churn_teardown),
		cmocka_unit_test_setup_teardown(test_changing_table_whole,
						churn_setup, churn_teardown),
		cmocka_unit_test(test_tiny_batch_grows),
		cmocka_unit_test(test_resume_across_calls),
		cmocka_unit_test(test_empty_table),
	};

	return cmocka_run_group_tests_name("map_walk", tests, NULL, NULL);
}
