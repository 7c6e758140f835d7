// SPDX-License-Identifier: GPL-2.0-only
/* HRP sender coalescing (user/hsbd/hrp/hrp_coalesce.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hrp/hrp_coalesce.h"

static struct hsb_flow_key key(uint32_t i)
{
	struct hsb_flow_key k;

	memset(&k, 0, sizeof(k));
	k.addr_a[0] = 10;
	memcpy(&k.addr_a[1], &i, 3);
	k.addr_b[0] = 198;
	k.port_a = (uint16_t)(i >> 24);
	k.port_b = 443;
	k.proto = 6;
	k.family = 4;
	return k;
}

static struct hrp_coalesce *fresh(void)
{
	struct hrp_coalesce *c = malloc(sizeof(*c));

	assert_non_null(c);
	hrp_coalesce_init(c);
	return c;
}

/* A key put is found at its offset; a second put moves it; others are
 * absent. */
static void test_put_find(void **state)
{
	struct hrp_coalesce *c = fresh();
	struct hsb_flow_key a = key(1), b = key(2);

	(void)state;
	assert_int_equal(hrp_coalesce_find(c, &a), HRP_COALESCE_NONE);
	assert_true(hrp_coalesce_put(c, &a, 0));
	assert_true(hrp_coalesce_put(c, &b, 124));
	assert_int_equal(hrp_coalesce_find(c, &a), 0);
	assert_int_equal(hrp_coalesce_find(c, &b), 124);
	assert_true(hrp_coalesce_put(c, &a, 248));
	assert_int_equal(hrp_coalesce_find(c, &a), 248);
	assert_int_equal(c->used, 2);
	free(c);
}

/* A delete forgets the key (a later change is a new record after it);
 * putting it again records the new place. */
static void test_forget(void **state)
{
	struct hrp_coalesce *c = fresh();
	struct hsb_flow_key a = key(1), b = key(2);

	(void)state;
	assert_true(hrp_coalesce_put(c, &a, 0));
	assert_true(hrp_coalesce_put(c, &b, 124));
	hrp_coalesce_forget(c, &a);
	assert_int_equal(hrp_coalesce_find(c, &a), HRP_COALESCE_NONE);
	assert_int_equal(hrp_coalesce_find(c, &b), 124);
	hrp_coalesce_forget(c, &b);
	hrp_coalesce_forget(c, &b); /* twice, and an unknown key: no harm */
	hrp_coalesce_forget(c, &(struct hsb_flow_key){ 0 });
	assert_true(hrp_coalesce_put(c, &a, 372));
	assert_int_equal(hrp_coalesce_find(c, &a), 372);
	free(c);
}

/* A flush empties the table, also across the generation wrapping. */
static void test_reset(void **state)
{
	struct hrp_coalesce *c = fresh();
	struct hsb_flow_key a = key(1);

	(void)state;
	assert_true(hrp_coalesce_put(c, &a, 0));
	hrp_coalesce_reset(c);
	assert_int_equal(hrp_coalesce_find(c, &a), HRP_COALESCE_NONE);
	assert_int_equal(c->used, 0);
	c->gen = UINT32_MAX;
	assert_true(hrp_coalesce_put(c, &a, 5));
	hrp_coalesce_reset(c); /* wraps: every slot cleared */
	assert_int_equal(c->gen, 1);
	assert_int_equal(hrp_coalesce_find(c, &a), HRP_COALESCE_NONE);
	free(c);
}

/* A frame's worth of keys (colliding or not) all found; a full table
 * refuses new keys but still updates and finds those it holds. */
static void test_full(void **state)
{
	struct hrp_coalesce *c = fresh();
	struct hsb_flow_key k;
	uint32_t i;

	(void)state;
	for (i = 0; i < HRP_COALESCE_SLOTS - 1; i++) {
		k = key(i * 7919u);
		assert_true(hrp_coalesce_put(c, &k, i * 124));
	}
	k = key(0xfffffff);
	assert_false(hrp_coalesce_put(c, &k, 0));
	assert_int_equal(hrp_coalesce_find(c, &k), HRP_COALESCE_NONE);
	for (i = 0; i < HRP_COALESCE_SLOTS - 1; i++) {
		k = key(i * 7919u);
		assert_int_equal(hrp_coalesce_find(c, &k), i * 124);
	}
	k = key(7919u);
	assert_true(hrp_coalesce_put(c, &k, 1));
	assert_int_equal(hrp_coalesce_find(c, &k), 1);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_find),
		cmocka_unit_test(test_forget),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
