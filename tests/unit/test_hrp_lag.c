// SPDX-License-Identifier: GPL-2.0-only
/* The applied-lag window (user/hsbd/hrp/hrp_lag.h) on an injected clock:
 * an ACK turns the frames up to its sequence into samples; p50/p99 cover
 * the last minute and forget what is older; memory stays bounded when
 * ACKs do not come; buckets are within 12.5 %. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hrp/hrp_lag.h"

#define MS 1000000ull
#define S 1000000000ull

static struct hrp_lag lag;

/* every value falls in a bucket whose bound is >= it and within 12.5 % */
static void test_buckets(void **state)
{
	uint64_t v;
	unsigned int b, last = 0;

	(void)state;
	for (v = 0; v < 5000000; v = v < 100 ? v + 1 : v + v / 7) {
		b = hrp_lag_bucket(v);
		assert_true(b >= last);
		last = b;
		assert_true(hrp_lag_bucket_max(b) >= v);
		assert_true(hrp_lag_bucket_max(b) <= v + v / 8);
		if (b)
			assert_true(hrp_lag_bucket_max(b - 1) < v);
	}
	assert_int_equal(hrp_lag_bucket(UINT64_MAX), HRP_LAG_BUCKETS - 1);
}

/* An ACK acknowledges every frame up to its sequence; the lag is from
 * each frame's oldest record to the ACK. */
static void test_ack_and_quantiles(void **state)
{
	struct hrp_lag_q q;
	uint64_t t = 1000 * S, i;

	(void)state;
	hrp_lag_init(&lag);
	hrp_lag_quantiles(&lag, t, &q);
	assert_int_equal(q.n, 0);
	/* 100 frames: 98 applied after 1 ms, then two after 40 ms */
	for (i = 1; i <= 100; i++) {
		hrp_lag_sent(&lag, i, t);
		if (i <= 98)
			hrp_lag_acked(&lag, i, t + 1 * MS);
		t += 2 * MS;
	}
	hrp_lag_acked(&lag, 100, t - 4 * MS + 40 * MS); /* 99 and 100 */
	assert_int_equal(lag.n, 0);
	hrp_lag_quantiles(&lag, t, &q);
	assert_int_equal(q.n, 100);
	assert_true(q.p50_us >= 1000 && q.p50_us <= 1125);
	assert_true(q.p99_us >= 38000 && q.p99_us <= 45000);
	assert_true(q.max_us >= 40000 && q.max_us <= 45000);
	/* an ACK for nothing in flight is counted, not sampled */
	hrp_lag_acked(&lag, 100, t);
	assert_int_equal(lag.unexpected, 1);
	assert_int_equal(lag.samples, 100);
}

/* The window is the last minute: samples older than six 10 s slots are
 * gone; a slot reused a minute later starts empty. */
static void test_window_slides(void **state)
{
	struct hrp_lag_q q;
	uint64_t t = 2000 * S;

	(void)state;
	hrp_lag_init(&lag);
	hrp_lag_sent(&lag, 1, t);
	hrp_lag_acked(&lag, 1, t + 100 * MS); /* 100 ms, at t + 0.1 s */
	hrp_lag_sent(&lag, 2, t + 30 * S);
	hrp_lag_acked(&lag, 2, t + 30 * S + 2 * MS); /* 2 ms, at t + 30 s */
	hrp_lag_quantiles(&lag, t + 31 * S, &q);
	assert_int_equal(q.n, 2);
	assert_true(q.max_us >= 100000);
	/* 55 s on, the 100 ms sample is still in (50-60 s window) */
	hrp_lag_quantiles(&lag, t + 55 * S, &q);
	assert_int_equal(q.n, 2);
	/* 60 s on, its slot has left the window */
	hrp_lag_quantiles(&lag, t + 60 * S + 1, &q);
	assert_int_equal(q.n, 1);
	assert_true(q.p99_us >= 2000 && q.p99_us < 2300);
	/* a sample in the same slot a minute later starts it over */
	hrp_lag_sent(&lag, 3, t + 60 * S + 10 * MS);
	hrp_lag_acked(&lag, 3, t + 60 * S + 15 * MS);
	hrp_lag_quantiles(&lag, t + 60 * S + 20 * MS, &q);
	assert_int_equal(q.n, 2);
	assert_true(q.max_us >= 5000 && q.max_us < 5700); /* not 100 ms */
	/* and after two quiet minutes nothing is left */
	hrp_lag_quantiles(&lag, t + 200 * S, &q);
	assert_int_equal(q.n, 0);
	assert_int_equal(q.p99_us, 0);
}

/* Frames never acknowledged: memory stays at HRP_LAG_PENDING, the oldest
 * are forgotten and counted; a lost connection forgets the rest. */
static void test_bounded(void **state)
{
	struct hrp_lag_q q;
	uint64_t i, t = 3000 * S;

	(void)state;
	hrp_lag_init(&lag);
	for (i = 1; i <= 3 * HRP_LAG_PENDING; i++)
		hrp_lag_sent(&lag, i, t + i);
	assert_int_equal(lag.n, HRP_LAG_PENDING);
	assert_int_equal(lag.forgotten, 2 * HRP_LAG_PENDING);
	hrp_lag_acked(&lag, 2 * HRP_LAG_PENDING + 10, t + 5 * MS);
	assert_int_equal(lag.samples, 10);
	assert_int_equal(lag.n, HRP_LAG_PENDING - 10);
	hrp_lag_cut(&lag);
	assert_int_equal(lag.n, 0);
	assert_int_equal(lag.forgotten, 3 * HRP_LAG_PENDING - 10);
	/* a new connection starts at sequence 1 again */
	hrp_lag_sent(&lag, 1, t + 10 * MS);
	hrp_lag_acked(&lag, 1, t + 13 * MS);
	hrp_lag_quantiles(&lag, t + 13 * MS, &q);
	assert_int_equal(q.n, 11);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buckets),
		cmocka_unit_test(test_ack_and_quantiles),
		cmocka_unit_test(test_window_slides),
		cmocka_unit_test(test_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
