// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which neighbour notifications invalidate the next-hop cache
 * (user/hsbd/datapath/nh_neigh.[ch]), and the neighbour list of a
 * link-event batch they come from (netlink/link_batch.c): NUD churn
 * between valid states keeps the cache, a new link-layer address, a loss
 * of reachability or a deletion does not; a neighbour never heard of
 * counts as a change; a full table keeps judging conservatively; the
 * table's deletions keep every entry reachable under churn.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "datapath/nh_neigh.h"
#include "netlink/link_batch.h"

static const uint8_t mac1[6] = { 0x02, 0, 0, 0, 0, 1 };
static const uint8_t mac2[6] = { 0x02, 0, 0, 0, 0, 2 };

static struct hsb_lev_neigh nb(int ifindex, uint32_t ip, uint16_t state,
			       const uint8_t *mac)
{
	struct hsb_lev_neigh n = { .ifindex = ifindex,
				   .family = AF_INET,
				   .state = state };
	uint32_t a = htonl(ip);

	memcpy(n.addr, &a, 4);
	if (mac) {
		memcpy(n.lladdr, mac, 6);
		n.lladdr_len = 6;
	}
	return n;
}

static bool changes(struct hsb_nh_neigh *t, struct hsb_lev_neigh n)
{
	return hsb_nh_neigh_changes(t, &n);
}

static void test_churn_keeps_the_cache(void **state)
{
	struct hsb_nh_neigh *t = hsb_nh_neigh_new(64);
	struct hsb_nh_neigh_stats st;

	(void)state;
	assert_non_null(t);
	/* first heard of: it may have been cached under another address */
	assert_true(changes(t, nb(2, 0x0a000002, NUD_REACHABLE, mac1)));
	/* a neighbour in use, every few tens of seconds */
	assert_false(changes(t, nb(2, 0x0a000002, NUD_STALE, mac1)));
	assert_false(changes(t, nb(2, 0x0a000002, NUD_DELAY, mac1)));
	assert_false(changes(t, nb(2, 0x0a000002, NUD_PROBE, mac1)));
	assert_false(changes(t, nb(2, 0x0a000002, NUD_REACHABLE, mac1)));
	assert_false(changes(t, nb(2, 0x0a000002, NUD_PERMANENT, mac1)));
	hsb_nh_neigh_stats(t, &st);
	assert_int_equal(st.changes, 1);
	assert_int_equal(st.unchanged, 5);
	assert_int_equal(st.tracked, 1);
	hsb_nh_neigh_free(t);
}

static void test_what_changes_an_answer(void **state)
{
	struct hsb_nh_neigh *t = hsb_nh_neigh_new(64);
	struct hsb_lev_neigh del;

	(void)state;
	assert_true(changes(t, nb(2, 0x0a000002, NUD_REACHABLE, mac1)));
	/* a new MAC, same state */
	assert_true(changes(t, nb(2, 0x0a000002, NUD_REACHABLE, mac2)));
	assert_false(changes(t, nb(2, 0x0a000002, NUD_STALE, mac2)));
	/* reachability lost */
	assert_true(changes(t, nb(2, 0x0a000002, NUD_FAILED, mac2)));
	/* still lost: nothing cached since */
	assert_false(changes(t, nb(2, 0x0a000002, NUD_INCOMPLETE, NULL)));
	/* valid again, even with another MAC: "no neighbour" was never
	 * cached */
	assert_false(changes(t, nb(2, 0x0a000002, NUD_REACHABLE, mac1)));
	/* deleted while valid */
	del = nb(2, 0x0a000002, NUD_STALE, mac1);
	del.deleted = true;
	assert_true(hsb_nh_neigh_changes(t, &del));
	/* heard of again after the delete: unknown, so a change */
	assert_true(changes(t, nb(2, 0x0a000002, NUD_REACHABLE, mac1)));
	/* deleted after failing: nothing cached */
	assert_true(changes(t, nb(2, 0x0a000002, NUD_FAILED, NULL)));
	del = nb(2, 0x0a000002, NUD_FAILED, NULL);
	del.deleted = true;
	assert_false(hsb_nh_neigh_changes(t, &del));
	/* never heard of, deleted: conservatively a change */
	del = nb(3, 0x0a000003, NUD_STALE, mac1);
	del.deleted = true;
	assert_true(hsb_nh_neigh_changes(t, &del));
	hsb_nh_neigh_free(t);
}

static void test_neighbours_are_told_apart(void **state)
{
	struct hsb_nh_neigh *t = hsb_nh_neigh_new(64);
	struct hsb_lev_neigh v6 = nb(2, 0x0a000002, NUD_REACHABLE, mac1);

	(void)state;
	assert_true(changes(t, nb(2, 0x0a000002, NUD_REACHABLE, mac1)));
	/* same address, other interface; other address; IPv6 */
	assert_true(changes(t, nb(3, 0x0a000002, NUD_REACHABLE, mac1)));
	assert_true(changes(t, nb(2, 0x0a000003, NUD_REACHABLE, mac1)));
	v6.family = AF_INET6;
	assert_true(hsb_nh_neigh_changes(t, &v6));
	assert_false(hsb_nh_neigh_changes(t, &v6));
	/* each was remembered on its own */
	assert_true(changes(t, nb(3, 0x0a000002, NUD_REACHABLE, mac2)));
	assert_false(changes(t, nb(2, 0x0a000002, NUD_STALE, mac1)));
	hsb_nh_neigh_free(t);
}

static void test_full_table_stays_conservative(void **state)
{
	struct hsb_nh_neigh *t = hsb_nh_neigh_new(8);
	struct hsb_nh_neigh_stats st;
	uint32_t i;

	(void)state;
	for (i = 0; i < 8; i++)
		assert_true(
			changes(t, nb(2, 0x0a000100 + i, NUD_REACHABLE, mac1)));
	/* the ninth is not remembered: every notification of it is a
	 * change, the remembered ones are judged as before */
	assert_true(changes(t, nb(2, 0x0a000200, NUD_REACHABLE, mac1)));
	assert_true(changes(t, nb(2, 0x0a000200, NUD_STALE, mac1)));
	assert_false(changes(t, nb(2, 0x0a000100, NUD_STALE, mac1)));
	hsb_nh_neigh_stats(t, &st);
	assert_int_equal(st.tracked, 8);
	assert_int_equal(st.capacity, 8);
	assert_int_equal(st.untracked, 2);
	/* forgotten after a loss: all unknown again */
	hsb_nh_neigh_forget(t);
	assert_true(changes(t, nb(2, 0x0a000100, NUD_STALE, mac1)));
	hsb_nh_neigh_stats(t, &st);
	assert_int_equal(st.tracked, 1);
	assert_null(hsb_nh_neigh_new(0));
	assert_int_equal(errno, EINVAL);
	hsb_nh_neigh_free(t);
}

/* Many inserts and deletes in a small table (long probe runs, wrapping
 * around its end): every neighbour still in it is found, every deleted
 * one is unknown. */
static void test_deletes_keep_entries_reachable(void **state)
{
	struct hsb_nh_neigh *t = hsb_nh_neigh_new(48);
	bool in[200] = { false };
	uint32_t seed = 1, i, round;

	(void)state;
	for (round = 0; round < 20000; round++) {
		struct hsb_lev_neigh n;
		struct hsb_nh_neigh_stats st;

		seed = seed * 1103515245u + 12345u;
		i = (seed >> 8) % 200;
		n = nb(2, 0x0a010000 + i, NUD_REACHABLE, mac1);
		hsb_nh_neigh_stats(t, &st);
		if (in[i]) {
			/* remembered: a NUD move is no change */
			n.state = NUD_STALE;
			assert_false(hsb_nh_neigh_changes(t, &n));
			n.deleted = true;
			assert_true(hsb_nh_neigh_changes(t, &n));
			in[i] = false;
		} else {
			assert_true(hsb_nh_neigh_changes(t, &n));
			in[i] = st.tracked < 48;
		}
	}
	for (i = 0; i < 200; i++) {
		struct hsb_lev_neigh n = nb(2, 0x0a010000 + i, NUD_STALE, mac1);

		assert_int_equal(hsb_nh_neigh_changes(t, &n), !in[i]);
	}
	hsb_nh_neigh_free(t);
}

/* ---- the batch's neighbour list ------------------------------------- */

struct dgram {
	size_t len;
	char buf[65536] __attribute__((aligned(4)));
};

static void put_neigh(struct dgram *d, uint16_t type, uint8_t family,
		      int ifindex, uint16_t state, const void *dst,
		      size_t dst_len, const void *ll, size_t ll_len)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(d->buf + d->len);
	struct ndmsg *ndm;

	nlh->nlmsg_type = type;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = family;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = state;
	if (dst)
		mnl_attr_put(nlh, NDA_DST, dst_len, dst);
	if (ll)
		mnl_attr_put(nlh, NDA_LLADDR, ll_len, ll);
	d->len += MNL_ALIGN(nlh->nlmsg_len);
	assert_true(d->len <= sizeof(d->buf));
}

static void test_batch_lists_ip_neighbours(void **state)
{
	static struct dgram d;
	static struct hsb_lev_batch b;
	uint32_t v4 = htonl(0x0a000002);
	uint8_t v6[16] = { 0xfe, 0x80, [15] = 1 };
	uint8_t long_ll[32] = { 0 };

	(void)state;
	d.len = 0;
	put_neigh(&d, RTM_NEWNEIGH, AF_INET, 4, NUD_STALE, &v4, 4, mac1, 6);
	put_neigh(&d, RTM_DELNEIGH, AF_INET6, 5, NUD_FAILED, v6, 16, NULL, 0);
	/* a bridge FDB entry: counted, not listed */
	put_neigh(&d, RTM_NEWNEIGH, AF_BRIDGE, 6, NUD_REACHABLE, NULL, 0, mac2,
		  6);
	hsb_lev_batch_reset(&b);
	assert_int_equal(hsb_lev_batch_add(&b, d.buf, d.len), 3);
	assert_true(hsb_lev_batch_close(&b));
	assert_true(b.kinds == HSB_LEV_NEIGH);
	assert_false(b.neighs_many);
	assert_int_equal(b.n_neighs, 2);
	assert_int_equal(b.neighs[0].ifindex, 4);
	assert_int_equal(b.neighs[0].family, AF_INET);
	assert_false(b.neighs[0].deleted);
	assert_int_equal(b.neighs[0].state, NUD_STALE);
	assert_memory_equal(b.neighs[0].addr, &v4, 4);
	assert_int_equal(b.neighs[0].lladdr_len, 6);
	assert_memory_equal(b.neighs[0].lladdr, mac1, 6);
	assert_true(b.neighs[1].deleted);
	assert_int_equal(b.neighs[1].family, AF_INET6);
	assert_memory_equal(b.neighs[1].addr, v6, 16);
	assert_int_equal(b.neighs[1].lladdr_len, 0);
	/* the bridge's interface is still named */
	assert_non_null(hsb_lev_batch_find(&b, 6));

	/* no NDA_DST, a wrong-sized one, a link-layer address too long to
	 * compare: the list is incomplete, said so */
	d.len = 0;
	put_neigh(&d, RTM_NEWNEIGH, AF_INET, 4, NUD_STALE, NULL, 0, mac1, 6);
	hsb_lev_batch_reset(&b);
	hsb_lev_batch_add(&b, d.buf, d.len);
	assert_true(b.neighs_many);
	assert_int_equal(b.n_neighs, 0);
	d.len = 0;
	put_neigh(&d, RTM_NEWNEIGH, AF_INET, 4, NUD_STALE, v6, 16, mac1, 6);
	hsb_lev_batch_reset(&b);
	hsb_lev_batch_add(&b, d.buf, d.len);
	assert_true(b.neighs_many);
	d.len = 0;
	put_neigh(&d, RTM_NEWNEIGH, AF_INET, 4, NUD_STALE, &v4, 4, long_ll,
		  sizeof(long_ll));
	hsb_lev_batch_reset(&b);
	hsb_lev_batch_add(&b, d.buf, d.len);
	assert_true(b.neighs_many);
	assert_int_equal(b.n_neighs, 0);
}

static void test_batch_neighbour_bound(void **state)
{
	static struct dgram d;
	static struct hsb_lev_batch b;
	uint32_t i;

	(void)state;
	d.len = 0;
	for (i = 0; i < HSB_LEV_NEIGHS + 1; i++) {
		uint32_t a = htonl(0x0a000000 + i);

		put_neigh(&d, RTM_NEWNEIGH, AF_INET, 4, NUD_REACHABLE, &a, 4,
			  mac1, 6);
	}
	hsb_lev_batch_reset(&b);
	assert_int_equal(hsb_lev_batch_add(&b, d.buf, d.len),
			 HSB_LEV_NEIGHS + 1);
	assert_int_equal(b.n_neighs, HSB_LEV_NEIGHS);
	assert_true(b.neighs_many);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_churn_keeps_the_cache),
		cmocka_unit_test(test_what_changes_an_answer),
		cmocka_unit_test(test_neighbours_are_told_apart),
		cmocka_unit_test(test_full_table_stays_conservative),
		cmocka_unit_test(test_deletes_keep_entries_reachable),
		cmocka_unit_test(test_batch_lists_ip_neighbours),
		cmocka_unit_test(test_batch_neighbour_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
