// SPDX-License-Identifier: GPL-2.0-only
/* The event loop: timers, fd watches, signals, and freeing from callbacks. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <cmocka.h>

#include "clock.h"
#include "evloop.h"

struct tick {
	int fired;
	int stop_after;
	uint64_t first_ms;
};

static void on_tick(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	struct tick *k = ctx;

	(void)t;
	if (!k->fired++)
		k->first_ms = hsb_now_ms();
	if (k->fired == k->stop_after)
		hsb_loop_stop(loop);
}

static void test_periodic_timer(void **state)
{
	struct hsb_loop *loop = hsb_loop_new();
	struct tick k = { .stop_after = 3 };
	struct hsb_timer *t = hsb_timer_new(loop, on_tick, &k);
	uint64_t start = hsb_now_ms();

	(void)state;
	assert_int_equal(hsb_timer_arm(t, 20, 10), 0);
	assert_int_equal(hsb_loop_run(loop), 0);
	assert_int_equal(k.fired, 3);
	/* never early: the first expiry is at least 20 ms after arming */
	assert_true(k.first_ms - start >= 20);
	hsb_timer_free(t);
	hsb_loop_free(loop);
}

static void free_self(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	int *fired = ctx;

	(*fired)++;
	hsb_timer_free(t); /* freeing inside its own callback is allowed */
	hsb_loop_stop(loop);
}

static void test_free_timer_in_callback(void **state)
{
	struct hsb_loop *loop = hsb_loop_new();
	int fired = 0;
	struct hsb_timer *t = hsb_timer_new(loop, free_self, &fired);

	(void)state;
	hsb_timer_arm(t, 1, 1);
	assert_int_equal(hsb_loop_run(loop), 0);
	assert_int_equal(fired, 1);
	hsb_loop_free(loop);
}

struct pipe_ctx {
	struct hsb_watch *victim;
	int first_calls;
	int victim_calls;
};

static void on_first(struct hsb_loop *loop, int fd, uint32_t events, void *ctx)
{
	struct pipe_ctx *p = ctx;
	char c;

	(void)events;
	assert_int_equal(read(fd, &c, 1), 1);
	p->first_calls++;
	/* The victim's event is pending in this same round: the loop must
	 * skip it, not call into freed memory. */
	hsb_watch_free(p->victim);
	hsb_loop_stop(loop);
}

static void on_victim(struct hsb_loop *loop, int fd, uint32_t events, void *ctx)
{
	struct pipe_ctx *p = ctx;

	(void)loop;
	(void)fd;
	(void)events;
	p->victim_calls++;
}

static void test_free_other_watch_in_same_round(void **state)
{
	struct hsb_loop *loop = hsb_loop_new();
	struct pipe_ctx ctx = { 0 };
	struct hsb_watch *a;
	int pa[2], pb[2];

	(void)state;
	assert_int_equal(pipe(pa), 0);
	assert_int_equal(pipe(pb), 0);
	a = hsb_loop_watch(loop, pa[0], EPOLLIN, on_first, &ctx);
	ctx.victim = hsb_loop_watch(loop, pb[0], EPOLLIN, on_victim, &ctx);
	assert_non_null(a);
	assert_non_null(ctx.victim);
	/* epoll reports ready fds in the order they became ready: a, then
	 * the victim, both in the first round */
	assert_int_equal(write(pa[1], "x", 1), 1);
	assert_int_equal(write(pb[1], "x", 1), 1);
	assert_int_equal(hsb_loop_run(loop), 0);
	assert_int_equal(ctx.first_calls, 1);
	assert_int_equal(ctx.victim_calls, 0);
	hsb_watch_free(a);
	hsb_loop_free(loop);
	close(pa[0]);
	close(pa[1]);
	close(pb[0]);
	close(pb[1]);
}

static void on_signal(struct hsb_loop *loop, int signo, void *ctx)
{
	int *got = ctx;

	*got = signo;
	hsb_loop_stop(loop);
}

static void test_signal_delivered_through_loop(void **state)
{
	struct hsb_loop *loop = hsb_loop_new();
	int got = 0;

	(void)state;
	assert_int_equal(hsb_loop_on_signal(loop, SIGUSR1, on_signal, &got), 0);
	assert_int_equal(hsb_loop_on_signal(loop, SIGUSR2, on_signal, &got), 0);
	raise(SIGUSR2); /* blocked: queued for the signalfd */
	assert_int_equal(hsb_loop_run(loop), 0);
	assert_int_equal(got, SIGUSR2);
	hsb_loop_free(loop);
}

static void test_disarm(void **state)
{
	struct hsb_loop *loop = hsb_loop_new();
	struct tick k = { .stop_after = 1 }, guard = { .stop_after = 1 };
	struct hsb_timer *t = hsb_timer_new(loop, on_tick, &k);
	struct hsb_timer *g = hsb_timer_new(loop, on_tick, &guard);

	(void)state;
	hsb_timer_arm(t, 5, 0);
	hsb_timer_arm(t, 0, 0); /* disarmed: must never fire */
	hsb_timer_arm(g, 30, 0);
	assert_int_equal(hsb_loop_run(loop), 0);
	assert_int_equal(k.fired, 0);
	assert_int_equal(guard.fired, 1);
	hsb_timer_free(t);
	hsb_timer_free(g);
	hsb_loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_periodic_timer),
		cmocka_unit_test(test_free_timer_in_callback),
		cmocka_unit_test(test_free_other_watch_in_same_round),
		cmocka_unit_test(test_signal_delivered_through_loop),
		cmocka_unit_test(test_disarm),
	};

	return cmocka_run_group_tests_name("evloop", tests, NULL, NULL);
}
