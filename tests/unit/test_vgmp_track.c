// SPDX-License-Identifier: GPL-2.0-only
/* `track ip` accounting (user/vgmp/vgmp_track.h): misses in a row against
 * the threshold, the first matching reply brings a target back, stale
 * and unexpected replies change nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vgmp_track.h"

static void test_down_after_threshold(void **state)
{
	struct vgmp_track t;
	bool changed;
	uint16_t seq;

	(void)state;
	vgmp_track_init(&t, 3);
	assert_true(t.up); /* no penalty before a chance to hear back */
	seq = vgmp_track_probe(&t, &changed);
	assert_false(changed);
	/* answered: no miss */
	assert_false(vgmp_track_reply(&t, seq));
	assert_int_equal(t.misses, 0);
	/* three unanswered probes: the 4th probe finds 3 misses */
	vgmp_track_probe(&t, &changed);
	vgmp_track_probe(&t, &changed);
	assert_false(changed);
	vgmp_track_probe(&t, &changed);
	assert_false(changed);
	assert_int_equal(t.misses, 2);
	vgmp_track_probe(&t, &changed);
	assert_true(changed);
	assert_false(t.up);
	assert_int_equal(t.downs, 1);
	/* still down: no new change */
	vgmp_track_probe(&t, &changed);
	assert_false(changed);
	assert_int_equal(t.downs, 1);
}

static void test_reply_restores(void **state)
{
	struct vgmp_track t;
	bool changed;
	uint16_t seq = 0;
	int i;

	(void)state;
	vgmp_track_init(&t, 1);
	vgmp_track_probe(&t, &changed);
	seq = vgmp_track_probe(&t, &changed);
	assert_true(changed); /* threshold 1: one miss */
	assert_false(t.up);
	/* a reply to an older probe is late: still down */
	assert_false(vgmp_track_reply(&t, (uint16_t)(seq - 1)));
	assert_false(t.up);
	assert_int_equal(t.late, 1);
	/* the current one: up again */
	assert_true(vgmp_track_reply(&t, seq));
	assert_true(t.up);
	assert_int_equal(t.misses, 0);
	/* a duplicate of it: nothing */
	assert_false(vgmp_track_reply(&t, seq));
	assert_int_equal(t.late, 2);
	/* misses counted in a row only: answered probes reset them */
	vgmp_track_init(&t, 3);
	for (i = 0; i < 10; i++) {
		seq = vgmp_track_probe(&t, &changed);
		assert_false(changed);
		if (i % 2)
			vgmp_track_reply(&t, seq);
	}
	assert_true(t.up);
}

static void test_zero_threshold_is_one(void **state)
{
	struct vgmp_track t;
	bool changed;

	(void)state;
	vgmp_track_init(&t, 0);
	assert_int_equal(t.threshold, 1);
	vgmp_track_probe(&t, &changed);
	vgmp_track_probe(&t, &changed);
	assert_true(changed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_down_after_threshold),
		cmocka_unit_test(test_reply_restores),
		cmocka_unit_test(test_zero_threshold_is_one),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
