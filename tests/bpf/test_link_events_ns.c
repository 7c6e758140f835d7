// SPDX-License-Identifier: GPL-2.0-only
/*
 * The link-event source on a real rtnetlink socket (root): two
 * subscribers with different kinds on one source in a network namespace
 * of their own (hsb-lev-PID). Interfaces go down and up, get an address
 * and a route, are deleted: each subscriber must see its kinds, and only
 * those, with the interface the kernel named. Then a flood into a
 * deliberately small receive buffer must overrun it and reach both
 * subscribers as a resync.
 *
 * The tests run in a child: the parent creates the namespace, waits for
 * the child (bounded; killed after T_TIMEOUT_S) and deletes the namespace
 * whatever happened to it. Every wait for events is bounded too.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "clock.h"
#include "evloop.h"
#include "netlink/link_events.h"
#include "netns_harness.h"

#define T_TIMEOUT_S 120
#define T_WAIT_MS 5000
#define T_FLOOD 300
#define T_SEEN_MAX 512

/* ---- what a subscriber saw ------------------------------------------ */

struct seen {
	unsigned int want; /* the kinds it subscribed to */
	int batches;
	int off_kind; /* batches with none of its kinds and no resync */
	int resyncs;
	int overruns;
	unsigned int n;
	struct hsb_lev_if ifs[T_SEEN_MAX]; /* every entry of every batch */
};

static void on_batch(const struct hsb_lev_batch *b, void *ctx)
{
	struct seen *s = ctx;
	unsigned int i;

	s->batches++;
	if (!(b->kinds & s->want) && !b->resync)
		s->off_kind++;
	s->resyncs += b->resync;
	s->overruns += b->overrun;
	for (i = 0; i < b->n_ifs && s->n < T_SEEN_MAX; i++)
		s->ifs[s->n++] = b->ifs[i];
}

static void seen_reset(struct seen *s)
{
	unsigned int want = s->want;

	memset(s, 0, sizeof(*s));
	s->want = want;
}

/* An entry for ifindex with kind; for links also the flags wanted
 * (all of on, none of off) and whether deleted. */
struct want_if {
	int ifindex;
	unsigned int kind;
	unsigned int on, off;
	int deleted; /* -1: either */
	const char *name; /* NULL: any */
};

static bool saw(const struct seen *s, const struct want_if *w)
{
	unsigned int i;

	for (i = 0; i < s->n; i++) {
		const struct hsb_lev_if *e = &s->ifs[i];

		if (e->ifindex != w->ifindex || !(e->kinds & w->kind))
			continue;
		if (w->kind != HSB_LEV_LINK)
			return true;
		if ((e->flags & w->on) != w->on || (e->flags & w->off))
			continue;
		if (w->deleted >= 0 && e->deleted != (bool)w->deleted)
			continue;
		if (w->name && strcmp(e->name, w->name))
			continue;
		return true;
	}
	return false;
}

/* ---- running the loop, bounded -------------------------------------- */

typedef bool (*pred_fn)(void *ctx);

struct until {
	pred_fn pred;
	void *ctx;
	uint64_t deadline;
	bool met;
};

static void check_tick(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	struct until *u = ctx;

	(void)t;
	u->met = u->pred(u->ctx);
	if (u->met || hsb_now_ms() >= u->deadline)
		hsb_loop_stop(loop);
}

/* Runs the loop until pred holds or ms pass; returns whether it held. */
static bool run_until(struct hsb_loop *loop, pred_fn pred, void *ctx,
		      unsigned int ms)
{
	struct until u = { pred, ctx, hsb_now_ms() + ms, false };
	struct hsb_timer *t = hsb_timer_new(loop, check_tick, &u);

	assert_non_null(t);
	assert_int_equal(hsb_timer_arm(t, 10, 10), 0);
	assert_int_equal(hsb_loop_run(loop), 0);
	hsb_timer_free(t);
	return u.met;
}

static void sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("'%s' failed", cmd);
}

static int ifindex(const char *name)
{
	int i = (int)if_nametoindex(name);

	assert_true(i > 0);
	return i;
}

/* ---- the steps ------------------------------------------------------ */

#define T_WANTS 2

struct step {
	struct seen *a, *b;
	/* what each must see; ifindex 0: nothing */
	struct want_if wa[T_WANTS], wb[T_WANTS];
};

static bool saw_all(const struct seen *s, const struct want_if *w)
{
	unsigned int i;

	for (i = 0; i < T_WANTS; i++)
		if (w[i].ifindex && !saw(s, &w[i]))
			return false;
	return true;
}

static bool step_done(void *ctx)
{
	const struct step *st = ctx;

	return saw_all(st->a, st->wa) && saw_all(st->b, st->wb);
}

static void do_step(struct hsb_loop *loop, struct step *st, const char *what,
		    const char *cmd)
{
	seen_reset(st->a);
	seen_reset(st->b);
	sh("%s", cmd);
	if (!run_until(loop, step_done, st, T_WAIT_MS))
		fail_msg(
			"%s: not seen (a: %d batches, %u entries; b: %d batches, %u entries)",
			what, st->a->batches, st->a->n, st->b->batches,
			st->b->n);
	/* only its kinds, whatever else the kernel said */
	assert_int_equal(st->a->off_kind, 0);
	assert_int_equal(st->b->off_kind, 0);
}

#define IF_LINK(i, on_, off_, del, nm) \
	((struct want_if){ (i), HSB_LEV_LINK, (on_), (off_), (del), (nm) })
#define IF_KIND(i, k) ((struct want_if){ (i), (k), 0, 0, -1, NULL })
#define NONE IF_KIND(0, 0)

static void want(struct step *st, struct want_if a0, struct want_if a1,
		 struct want_if b0, struct want_if b1)
{
	st->wa[0] = a0;
	st->wa[1] = a1;
	st->wb[0] = b0;
	st->wb[1] = b1;
}

static void test_two_subscribers(void **state)
{
	struct hsb_loop *loop = hsb_loop_new();
	struct hsb_link_events *src = hsb_lev_new();
	static struct seen a = { .want = HSB_LEV_LINK | HSB_LEV_ADDR };
	static struct seen b = { .want = HSB_LEV_LINK | HSB_LEV_ROUTE };
	struct hsb_lev_sub *sa, *sb;
	struct hsb_lev_stats stats;
	struct step st = { .a = &a, .b = &b };
	char err[160];
	int if0, if1, if2;

	(void)state;
	assert_non_null(loop);
	assert_non_null(src);
	if0 = ifindex("hsbl0");
	if1 = ifindex("hsbl1");
	if2 = ifindex("hsbl2");
	assert_int_equal(hsb_lev_listen(src, loop, 0, err, sizeof(err)), 0);
	sa = hsb_lev_subscribe(src, a.want, on_batch, &a);
	sb = hsb_lev_subscribe(src, b.want, on_batch, &b);
	assert_non_null(sa);
	assert_non_null(sb);

	want(&st, IF_LINK(if0, 0, IFF_UP, 0, "hsbl0"), NONE, NONE, NONE);
	st.wb[0] = st.wa[0];
	do_step(loop, &st, "link down", "ip link set hsbl0 down");

	want(&st, IF_LINK(if0, IFF_UP | IFF_RUNNING, 0, 0, "hsbl0"), NONE, NONE,
	     NONE);
	st.wb[0] = st.wa[0];
	do_step(loop, &st, "link up", "ip link set hsbl0 up");

	/* b: its local and prefix routes */
	want(&st, IF_KIND(if1, HSB_LEV_ADDR), NONE, IF_KIND(if1, HSB_LEV_ROUTE),
	     NONE);
	do_step(loop, &st, "address added",
		"ip addr add 10.99.0.1/24 dev hsbl1");

	/* hsbl2 had its address before the source opened: only this
	 * route can name it */
	want(&st, NONE, NONE, IF_KIND(if2, HSB_LEV_ROUTE), NONE);
	do_step(loop, &st, "route added",
		"ip route add 10.77.0.0/16 via 10.98.0.2 dev hsbl2");

	/* deleting one end deletes both, and hsbl1's address (IPv4 flushes
	 * a dead link's routes without a notification) */
	want(&st, IF_LINK(if0, 0, 0, 1, NULL), IF_KIND(if1, HSB_LEV_ADDR),
	     IF_LINK(if0, 0, 0, 1, NULL), IF_LINK(if1, 0, 0, 1, NULL));
	do_step(loop, &st, "link deleted", "ip link del hsbl0");

	hsb_lev_stats(src, &stats);
	assert_true(stats.messages > 0);
	/* the default buffer holds all of this */
	assert_int_equal(stats.overruns, 0);
	assert_int_equal(stats.errors, 0);
	hsb_lev_unsubscribe(sa);
	hsb_lev_unsubscribe(sb);
	hsb_lev_free(src);
	hsb_loop_free(loop);
}

static bool both_resynced(void *ctx)
{
	struct seen *const *s = ctx;

	return s[0]->overruns && s[1]->overruns;
}

static void test_overrun_resyncs_both(void **state)
{
	struct hsb_loop *loop = hsb_loop_new();
	struct hsb_link_events *src = hsb_lev_new();
	static struct seen a = { .want = HSB_LEV_LINK };
	static struct seen b = { .want = HSB_LEV_NEIGH };
	struct seen *both[] = { &a, &b };
	struct hsb_lev_sub *sa, *sb;
	struct hsb_lev_stats stats;
	char err[160], path[] = "/tmp/hsb-lev-flood.XXXXXX";
	FILE *f;
	int fd, i;

	(void)state;
	/* 1 byte: the kernel's minimum, a few notifications */
	assert_int_equal(hsb_lev_listen(src, loop, 1, err, sizeof(err)), 0);
	sa = hsb_lev_subscribe(src, a.want, on_batch, &a);
	sb = hsb_lev_subscribe(src, b.want, on_batch, &b);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	for (i = 0; i < T_FLOOD; i++)
		fprintf(f, "addr add 10.200.%d.%d/32 dev hsbl2\n", i / 250,
			i % 250 + 1);
	fclose(f);
	/* nobody reads while the flood comes: the socket must overflow */
	sh("ip -batch %s", path);
	unlink(path);
	/* neither subscribed to addresses or routes: only the loss reaches
	 * them */
	assert_true(run_until(loop, both_resynced, both, T_WAIT_MS));
	assert_true(a.resyncs > 0);
	assert_true(b.resyncs > 0);
	assert_true(hsb_lev_sub_overruns(sa) > 0);
	assert_true(hsb_lev_sub_overruns(sb) > 0);
	hsb_lev_stats(src, &stats);
	assert_true(stats.overruns > 0);
	hsb_lev_free(src); /* with the subscriptions */
	hsb_loop_free(loop);
}

/* ---- namespace ------------------------------------------------------ */

static int enter_ns(void **state)
{
	static const char *const setup[] = {
		/* no IPv6 link-local addresses and routes: fewer events to
		 * wait through (absent IPv6 is fine too) */
		"sh -c 'echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6' 2>/dev/null || true",
		"ip link add hsbl0 type veth peer name hsbl1",
		"ip link add hsbl2 type veth peer name hsbl3",
		"ip link set hsbl0 up",
		"ip link set hsbl1 up",
		"ip link set hsbl2 up",
		"ip link set hsbl3 up",
		"ip addr add 10.98.0.1/24 dev hsbl2",
	};

	(void)state;
	return hsb_netns_enter(setup, sizeof(setup) / sizeof(setup[0]));
}

static int run_all(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_subscribers),
		cmocka_unit_test(test_overrun_resyncs_both),
	};

	return cmocka_run_group_tests(tests, enter_ns, NULL);
}

int main(void)
{
	return hsb_netns_run("lev", run_all, T_TIMEOUT_S);
}
