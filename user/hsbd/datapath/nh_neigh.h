/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which neighbour notifications can change an answer the next-hop cache
 * holds (bpf/lib/nexthop.h). The cache keeps only successful
 * bpf_fib_lookup() answers, and the kernel answers successfully only for
 * a neighbour in a NUD_VALID state (PERMANENT, NOARP, REACHABLE, STALE,
 * DELAY, PROBE), with its link-layer address. So a cached answer changes
 * when a neighbour leaves the valid states (FAILED, INCOMPLETE, deleted)
 * or changes its address; not when it moves between valid states, which
 * every neighbour in use does every few tens of seconds (REACHABLE ->
 * STALE -> DELAY -> REACHABLE), nor when it becomes valid (its earlier
 * answer was "no neighbour", never cached).
 *
 * Telling these apart needs the neighbour's last state and address: a
 * bounded table of the neighbours heard of. A neighbour not in it (not
 * heard of since hsbd started, or the table full) counts as a change:
 * it may have been cached under an address hsbd never saw. Pure: no I/O.
 */
#ifndef HSBD_NH_NEIGH_H
#define HSBD_NH_NEIGH_H

#include <stdbool.h>
#include <stdint.h>

#include "netlink/link_batch.h"

/* Neighbours remembered at most, by default. */
#define HSB_NH_NEIGH_CAPACITY 16384

struct hsb_nh_neigh;

struct hsb_nh_neigh_stats {
	uint64_t changes; /* notifications that can change a cached answer */
	uint64_t unchanged; /* that cannot: no invalidation needed */
	uint64_t untracked; /* not remembered: the table was full */
	uint32_t tracked; /* neighbours remembered now */
	uint32_t capacity;
};

/* A table for capacity neighbours (1 .. 2^24); NULL with errno set. */
struct hsb_nh_neigh *hsb_nh_neigh_new(uint32_t capacity);
void hsb_nh_neigh_free(struct hsb_nh_neigh *t);

/* Whether notification n can change a cached next-hop answer; remembers
 * what n says. */
bool hsb_nh_neigh_changes(struct hsb_nh_neigh *t,
			  const struct hsb_lev_neigh *n);

/* Forgets every neighbour: after notifications were lost, what the table
 * holds may be stale, so every neighbour's next notification counts as a
 * change again. */
void hsb_nh_neigh_forget(struct hsb_nh_neigh *t);

void hsb_nh_neigh_stats(const struct hsb_nh_neigh *t,
			struct hsb_nh_neigh_stats *out);

#endif /* HSBD_NH_NEIGH_H */
