/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading a NAT table (hsb_nat_pat, hsb_nat_nopat, hsb_nat_srv) whole:
 * its public-side entries, the side that holds the reference count and
 * that change records carry (the inside-side entries are an index).
 */
#ifndef HSB_NAT_TABLE_H
#define HSB_NAT_TABLE_H

#include "hsb/nat.h"

typedef void (*hsb_nat_visit_fn)(const struct hsb_nat_key *k,
				 const struct hsb_nat_entry *v, void *ctx);

/* Calls fn for every public-side entry of the table fd, in one pass of
 * batch reads (datapath/map_walk.h). Returns 0 or -errno. */
int hsb_nat_walk_pub(int fd, hsb_nat_visit_fn fn, void *ctx);

#endif /* HSB_NAT_TABLE_H */
