/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The black/whitelist engine: keeps the LPM tries hsb_blacklist and
 * hsb_whitelist equal to the configuration, by difference, so entries that
 * did not change keep their hit counters and expiry deadlines.
 *
 * Expiry: `firewall blacklist PREFIX expire S` gets the deadline now + S
 * when the entry is first applied (or its S changes). A once-a-second
 * check removes expired entries the way `undo firewall blacklist PREFIX`
 * would: from the map and from the running configuration, so an expired
 * entry disappears from `show blacklist`, `show running-config` and the
 * next `save`. Deadlines are monotonic times of this host and survive a
 * restart only with kept pins (--keep-datapath): a restart without them, or
 * a reload of a saved file, starts the entry's full lifetime again.
 */
#ifndef HSB_LISTS_ENGINE_H
#define HSB_LISTS_ENGINE_H

#include <stdint.h>

#include "config.h"
#include "hsb/lists.h"

struct hsbd;

/* The trie key of a configured prefix: IPv4 as ::ffff:a.b.c.d/96+len. */
void hsb_lpm_key_of(const struct hsb_cfg_prefix *p, struct hsb_lpm_key *key);

/* The prefix a trie key stands for (the inverse of hsb_lpm_key_of). */
void hsb_prefix_of_lpm_key(const struct hsb_lpm_key *key,
			   struct hsb_cfg_prefix *p);

/* "192.0.2.0/24", "2001:db8::/32". */
void hsb_prefix_format(const struct hsb_cfg_prefix *p, char *buf, size_t len);

/* One entry as `show blacklist|whitelist` reports it. */
struct hsb_list_view {
	const struct hsb_cfg_prefix *prefix;
	uint32_t expire_s; /* configured lifetime; 0: never */
	uint64_t expires_ns; /* monotonic deadline; 0: never */
	uint64_t hits;
};

typedef void (*hsb_list_view_fn)(const struct hsb_list_view *v, void *ctx);

/* Walks the blacklist (black true) or the whitelist, in key order. */
void hsb_lists_for_each(struct hsbd *d, bool black, hsb_list_view_fn fn,
			void *ctx);

#endif /* HSB_LISTS_ENGINE_H */
