// SPDX-License-Identifier: GPL-2.0-only
/* Whole-table reads of the NAT maps. See nat_table.h. */
#include "datapath/map_walk.h"
#include "nat/nat_table.h"

struct pub_walk {
	hsb_nat_visit_fn fn;
	void *ctx;
};

static void pub_batch(const void *keys, const void *vals, uint32_t n, void *ctx)
{
	const struct hsb_nat_key *k = keys;
	const struct hsb_nat_entry *v = vals;
	struct pub_walk *w = ctx;
	uint32_t i;

	for (i = 0; i < n; i++)
		if (k[i].dir == HSB_NAT_DIR_PUB)
			w->fn(&k[i], &v[i], w->ctx);
}

int hsb_nat_walk_pub(int fd, hsb_nat_visit_fn fn, void *ctx)
{
	struct pub_walk w = { .fn = fn, .ctx = ctx };

	return hsb_map_walk_all(fd, sizeof(struct hsb_nat_key),
				sizeof(struct hsb_nat_entry), pub_batch, &w);
}
