// SPDX-License-Identifier: GPL-2.0-only
/*
 * The neighbours heard of, and which of their notifications can change a
 * cached next-hop answer. See nh_neigh.h.
 *
 * An open-addressing table (linear probing, deletion by backward shift,
 * so no tombstones build up under churn) filled to at most three
 * quarters, which keeps a probe to a few slots.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/neighbour.h>

#include "datapath/nh_neigh.h"

/* The kernel's NUD_VALID (include/net/neighbour.h, not uapi): the states
 * in which bpf_fib_lookup() answers with the neighbour's address. */
#define NH_NUD_VALID                                                         \
	(NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | \
	 NUD_DELAY)

struct nh_entry {
	bool used;
	bool valid; /* the last state was NUD_VALID */
	uint8_t family;
	uint8_t lladdr_len;
	int ifindex;
	uint8_t addr[16];
	uint8_t lladdr[HSB_LEV_LLADDR_MAX];
};

struct hsb_nh_neigh {
	uint32_t mask; /* slots - 1 */
	uint32_t used;
	uint32_t limit; /* used at most: the capacity, <= 3/4 of the slots */
	uint64_t changes, unchanged, untracked;
	struct nh_entry *slots;
};

struct hsb_nh_neigh *hsb_nh_neigh_new(uint32_t capacity)
{
	struct hsb_nh_neigh *t;
	uint32_t n = 16;

	if (!capacity || capacity > (1u << 24)) {
		errno = EINVAL;
		return NULL;
	}
	/* slots for capacity at three quarters full */
	while (n / 4 * 3 < capacity)
		n *= 2;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->slots = calloc(n, sizeof(*t->slots));
	if (!t->slots) {
		free(t);
		return NULL;
	}
	t->mask = n - 1;
	t->limit = capacity;
	return t;
}

void hsb_nh_neigh_free(struct hsb_nh_neigh *t)
{
	if (!t)
		return;
	free(t->slots);
	free(t);
}

/* The home slot of a neighbour: FNV-1a over what names it (interface,
 * family, address). */
static uint32_t home(const struct hsb_nh_neigh *t, int ifindex, uint8_t family,
		     const uint8_t addr[16])
{
	uint32_t h = 2166136261u;
	uint8_t buf[4 + 1 + 16];
	size_t i;

	memcpy(buf, &ifindex, 4);
	buf[4] = family;
	memcpy(buf + 5, addr, 16);
	for (i = 0; i < sizeof(buf); i++)
		h = (h ^ buf[i]) * 16777619u;
	return h & t->mask;
}

static bool same(const struct nh_entry *e, const struct hsb_lev_neigh *n)
{
	return e->ifindex == n->ifindex && e->family == n->family &&
	       !memcmp(e->addr, n->addr, sizeof(e->addr));
}

/* n's slot, or the empty slot where it would go (*found false). */
static uint32_t lookup(const struct hsb_nh_neigh *t,
		       const struct hsb_lev_neigh *n, bool *found)
{
	uint32_t i = home(t, n->ifindex, n->family, n->addr);

	while (t->slots[i].used) {
		if (same(&t->slots[i], n)) {
			*found = true;
			return i;
		}
		i = (i + 1) & t->mask;
	}
	*found = false;
	return i;
}

/* Empties slot i and moves back the entries after it that probed past it,
 * so every entry stays reachable from its home slot. */
static void remove_at(struct hsb_nh_neigh *t, uint32_t i)
{
	uint32_t j = i;

	for (;;) {
		const struct nh_entry *e;
		uint32_t h;

		j = (j + 1) & t->mask;
		e = &t->slots[j];
		if (!e->used)
			break;
		h = home(t, e->ifindex, e->family, e->addr);
		/* j may move to i unless its home lies cyclically in (i, j] */
		if (((j - h) & t->mask) >= ((j - i) & t->mask)) {
			t->slots[i] = t->slots[j];
			i = j;
		}
	}
	memset(&t->slots[i], 0, sizeof(t->slots[i]));
	t->used--;
}

static void store(struct nh_entry *e, const struct hsb_lev_neigh *n, bool valid)
{
	e->used = true;
	e->valid = valid;
	e->family = n->family;
	e->ifindex = n->ifindex;
	memcpy(e->addr, n->addr, sizeof(e->addr));
	e->lladdr_len = n->lladdr_len;
	memcpy(e->lladdr, n->lladdr, n->lladdr_len);
}

static bool judge(struct hsb_nh_neigh *t, const struct hsb_lev_neigh *n)
{
	bool valid = !n->deleted && (n->state & NH_NUD_VALID);
	bool found;
	uint32_t i = lookup(t, n, &found);
	struct nh_entry *e = &t->slots[i];
	bool change;

	if (!found) {
		/* never heard of: it may have been cached under an address
		 * hsbd did not see */
		if (!n->deleted) {
			if (t->used < t->limit) {
				store(e, n, valid);
				t->used++;
			} else {
				t->untracked++;
			}
		}
		return true;
	}
	if (n->deleted) {
		change = e->valid;
		remove_at(t, i);
		return change;
	}
	if (!valid)
		change = e->valid; /* reachability lost, or still lost */
	else
		/* back to valid: the earlier answer, "no neighbour", was
		 * never cached; valid all along: only a new address counts */
		change = e->valid &&
			 (e->lladdr_len != n->lladdr_len ||
			  memcmp(e->lladdr, n->lladdr, n->lladdr_len));
	store(e, n, valid);
	return change;
}

bool hsb_nh_neigh_changes(struct hsb_nh_neigh *t, const struct hsb_lev_neigh *n)
{
	bool change = judge(t, n);

	if (change)
		t->changes++;
	else
		t->unchanged++;
	return change;
}

void hsb_nh_neigh_forget(struct hsb_nh_neigh *t)
{
	memset(t->slots, 0, ((size_t)t->mask + 1) * sizeof(*t->slots));
	t->used = 0;
}

void hsb_nh_neigh_stats(const struct hsb_nh_neigh *t,
			struct hsb_nh_neigh_stats *out)
{
	out->changes = t->changes;
	out->unchanged = t->unchanged;
	out->untracked = t->untracked;
	out->tracked = t->used;
	out->capacity = t->limit;
}
