/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Whitelist and blacklist: LPM tries keyed by source prefix, IPv4 stored
 * v4-mapped (include/hsb/lists.h). The whitelist wins over the blacklist.
 *
 * An entry whose expires_ns has passed is ignored here and removed later by
 * hsbd's sweeper. Until then it also hides a shorter, unexpired prefix
 * covering the same source (the trie returns the longest match only); the
 * sweeper's period bounds that window.
 *
 * The lists are consulted on packets that found no session: the first
 * packet of every flow and every packet of a flood that never gets one.
 * Established sessions skip both tries (two LPM walks per packet would be
 * most of the fast path's budget); hsbd ends the sessions a source
 * started when it blacklists it (user/hsbd/sessions/session_recheck.h).
 */
#ifndef HSB_BPF_LIB_LISTS_H
#define HSB_BPF_LIB_LISTS_H

#include "maps.h"
#include "parse.h"

enum hsb_list_verdict {
	HSB_LIST_NONE = 0,
	HSB_LIST_WHITE,
	HSB_LIST_BLACK,
};

/* The outer source address of the packet as a full-length trie key. For
 * ICMP errors pkt->saddr is the quoted packet's; the lists judge the
 * sender of the error, so read the outer header again. */
static __always_inline void hsb_lpm_src(struct hsb_lpm_key *k,
					const struct hsb_pkt *p, void *data,
					void *data_end)
{
	__u32 *w = (__u32 *)k->addr;

	k->prefixlen = 128;
	w[0] = 0;
	w[1] = 0;
	w[2] = 0;
	w[3] = 0;
	if (p->family == HSB_FAMILY_IPV4) {
		struct iphdr *iph = hsb_l3(p, data, data_end, sizeof(*iph));

		if (!iph)
			return;
		w[2] = bpf_htonl(0x0000ffff);
		w[3] = iph->saddr;
	} else {
		struct ipv6hdr *ip6h = hsb_l3(p, data, data_end, sizeof(*ip6h));

		if (!ip6h)
			return;
		__builtin_memcpy(k->addr, &ip6h->saddr, 16);
	}
}

static __always_inline int hsb_list_hit(void *map, const struct hsb_lpm_key *k,
					__u64 now)
{
	struct hsb_list_entry *e = bpf_map_lookup_elem(map, k);

	if (!e)
		return 0;
	if (e->expires_ns && now > e->expires_ns)
		return 0;
	/* Approximate by contract: a lost increment under contention is
	 * cheaper than a locked add on a line every CPU writes. */
	e->hits++;
	return 1;
}

static __always_inline int hsb_lists_check(const struct hsb_pkt *p, void *data,
					   void *data_end, __u64 now)
{
	struct hsb_lpm_key k;

	hsb_lpm_src(&k, p, data, data_end);
	if (hsb_list_hit(&hsb_whitelist, &k, now)) {
		hsb_count(HSB_CNT_WHITELIST);
		return HSB_LIST_WHITE;
	}
	if (hsb_list_hit(&hsb_blacklist, &k, now)) {
		hsb_count(HSB_CNT_BLACKLIST);
		return HSB_LIST_BLACK;
	}
	return HSB_LIST_NONE;
}

#endif /* HSB_BPF_LIB_LISTS_H */
