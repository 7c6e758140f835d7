/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Blacklist and whitelist: LPM tries (hsb_blacklist, hsb_whitelist) keyed
 * by source prefix. IPv4 and IPv6 share one trie: an IPv4 address is
 * stored as an IPv4-mapped IPv6 address (::ffff:a.b.c.d), so a /24 becomes
 * prefixlen 96 + 24. The whitelist is checked first and bypasses the
 * blacklist.
 */
#ifndef HSB_LISTS_H
#define HSB_LISTS_H

#include "abi.h"

#define HSB_MAP_BLACKLIST "hsb_blacklist"
#define HSB_MAP_WHITELIST "hsb_whitelist"
#define HSB_LIST_MAX_ENTRIES 4096

#define HSB_V4MAPPED_PREFIXLEN 96

struct hsb_lpm_key {
	__u32 prefixlen; /* of the 128-bit mapped address */
	__u8 addr[16];
};
HSB_ASSERT_SIZE(struct hsb_lpm_key, 20);

struct hsb_list_entry {
	__u64 expires_ns; /* bpf_ktime_get_ns() deadline; 0: never */
	__u64 hits; /* packets matched (approximate under contention) */
};
HSB_ASSERT_SIZE(struct hsb_list_entry, 16);

#endif /* HSB_LISTS_H */
