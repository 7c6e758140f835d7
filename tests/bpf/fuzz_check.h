/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Invariants of the XDP fuzzer (test_xdp_fuzz.c), checked after every
 * frame (fz_check_run()) and over the tables (fz_check_tables()). Each
 * returns NULL or a sentence naming the broken invariant, so that the
 * driver can print the seed and the frame before it fails the test.
 * Nothing here uses the datapath's code: checksums are recomputed with
 * nat_harness.h's sum16(), flow keys with t_key().
 */
#ifndef HSB_TESTS_FUZZ_CHECK_H
#define HSB_TESTS_FUZZ_CHECK_H

#include "fuzz_frames.h"

/* The counters whose sum is the drop counter ("sum of the drop reasons",
 * include/hsb/counters.h): every XDP_DROP charges exactly one of them. */
static const __u32 fz_drop_reasons[] = {
	HSB_CNT_BAD_L2,
	HSB_CNT_BAD_L3,
	HSB_CNT_BAD_IPV6_EXT,
	HSB_CNT_BAD_L4,
	HSB_CNT_BLACKLIST,
	HSB_CNT_SESSION_FAIL,
	HSB_CNT_POLICY_DENY,
	HSB_CNT_POLICY_DEFAULT,
	HSB_CNT_TCP_NO_SESSION,
	HSB_CNT_TCP_BAD_FLAGS,
	HSB_CNT_ICMP_NO_SESSION,
	HSB_CNT_ICMP_ERR_NO_SESSION,
	HSB_CNT_FIB_UNREACHABLE,
	HSB_CNT_NAT_EXHAUSTED,
	HSB_CNT_NAT_NO_POOL,
	HSB_CNT_VADDR_STANDBY,
	HSB_CNT_VADDR_NOT_ACCEPTED,
	HSB_CNT_VMAC_STANDBY,
	HSB_CNT_NOT_FOR_US,
	HSB_CNT_NAT_BYPASS,
	HSB_CNT_PEER_FWD_LIMITED,
	HSB_CNT_PEER_FWD_NO_ROUTE,
	HSB_CNT_PEER_FWD_BAD,
	HSB_CNT_PEER_FWD_NO_SESSION,
};

/* All counters, summed over the CPUs, in one batch lookup (one system
 * call instead of HSB_CNT__MAX). */
static inline void fz_counters(struct t_fixture *f, uint64_t *out)
{
	static __u32 keys[HSB_CNT__MAX];
	static uint64_t *vals;
	__u32 count = HSB_CNT__MAX, i, batch;
	int c;

	if (!vals)
		vals = calloc((size_t)HSB_CNT__MAX * f->nr_cpus, sizeof(*vals));
	assert_non_null(vals);
	assert_int_equal(bpf_map_lookup_batch(t_map_fd(f->skel->maps.hsb_stats),
					      NULL, &batch, keys, vals, &count,
					      NULL) == 0 ||
				 errno == ENOENT,
			 1);
	assert_int_equal(count, HSB_CNT__MAX);
	for (i = 0; i < HSB_CNT__MAX; i++) {
		out[keys[i]] = 0;
		for (c = 0; c < f->nr_cpus; c++)
			out[keys[i]] += vals[(size_t)i * f->nr_cpus + c];
	}
}

/* IPv6 L4 checksum (TCP, UDP, ICMPv6 right after the fixed header). */
static inline int fz_csum6_ok(const uint8_t *ip, size_t avail)
{
	size_t plen;
	uint32_t sum;

	if (avail < 40)
		return 0;
	plen = get16(ip + 4);
	if (plen + 40 > avail)
		return 0;
	if (ip[6] != 6 && ip[6] != 17 && ip[6] != 58)
		return 1;
	sum = sum16(ip + 8, 32, 0) + (uint32_t)plen + ip[6];
	if (ip[6] == 17 && plen >= 8 && !get16(ip + 46))
		return 1;
	return fold(sum16(ip + 40, plen, sum)) == 0xffff;
}

/* The flow a clean frame would create a session for, or 0. */
static inline int fz_flow_key(const struct fz_frame *z, struct hsb_flow_key *k)
{
	const struct t_spec *p = &z->spec;
	int i;

	if (z->arp || z->derived || z->mutated || p->vlan || p->frag & 0x3fff)
		return 0;
	/* the parser skips these four; any other (AH, mobility, no next
	 * header) is the packet's protocol as far as the session goes */
	for (i = 0; i < p->n_ext; i++)
		if (p->ext[i] != 0 && p->ext[i] != 43 && p->ext[i] != 60 &&
		    p->ext[i] != 44)
			return 0;
	if (p->proto != 6 && p->proto != 17 &&
	    !(p->proto == 1 && p->icmp_type == 8) &&
	    !(p->proto == 58 && p->icmp_type == 128))
		return 0;
	t_key(p, k);
	return 1;
}

struct fz_run {
	const struct fz_frame *in;
	int verdict;
	size_t out_len;
	const uint8_t *out;
	const uint64_t *before, *after; /* counters */
	int had_session, has_session; /* of fz_flow_key(), -1: n/a */
	int peer_on; /* hsb_peer_fwd.on during the run */
	int peer_link; /* hsbt-hb flagged HSB_IFACE_F_PEER_LINK */
	__u8 zone; /* of the ingress interface */
};

#define FZ_D(id) (r->after[id] - r->before[id])

/* The peer's type at offset 12 (the bytes decide, not the generator). */
static inline int fz_is_tagged(const uint8_t *b, size_t len)
{
	return len >= 14 && get16(b + 12) == HSB_ETH_P_PEER;
}

/* A tag the receiver takes (include/hsb/peer.h): version 1, IPv4 or
 * IPv6 inside, and an Ethernet header left once it is removed. */
static inline int fz_tag_good(const struct fz_frame *z)
{
	const uint8_t *b = z->fr.b;

	return z->fr.len >= 14 + HSB_PEER_TAG_LEN &&
	       b[14] == HSB_PEER_VERSION &&
	       (get16(b + 16) == 0x0800 || get16(b + 16) == 0x86dd);
}

/* The program tagged its output for the peer. */
static inline int fz_out_tagged(const struct fz_run *r)
{
	return r->verdict == XDP_REDIRECT && fz_is_tagged(r->out, r->out_len);
}

/* A tagged frame the program takes from the peer (untags). */
static inline int fz_from_peer(const struct fz_run *r)
{
	return r->in->hb && r->peer_link &&
	       fz_is_tagged(r->in->fr.b, r->in->fr.len);
}

/* The counters of one run. */
static inline const char *fz_check_counters(const struct fz_run *r)
{
	uint64_t reasons = 0;
	size_t i;

	if (FZ_D(HSB_CNT_RX_PACKETS) != 1)
		return "rx_packets did not move by one";
	if (FZ_D(HSB_CNT_RX_BYTES) != r->in->fr.len)
		return "rx_bytes did not move by the frame's length";
	for (i = 0; i < sizeof(fz_drop_reasons) / sizeof(fz_drop_reasons[0]);
	     i++)
		reasons += FZ_D(fz_drop_reasons[i]);
	if (FZ_D(HSB_CNT_PASS) != (r->verdict == XDP_PASS))
		return "pass counter does not match the verdict";
	if (FZ_D(HSB_CNT_DROP) != (r->verdict == XDP_DROP))
		return "drop counter does not match the verdict";
	if (FZ_D(HSB_CNT_REDIRECT) != (r->verdict == XDP_REDIRECT))
		return "redirect counter does not match the verdict";
	if (reasons != (r->verdict == XDP_DROP))
		return "drop reasons do not add up to the drops";
	if (r->verdict == XDP_TX &&
	    FZ_D(HSB_CNT_VADDR_ARP_REPLY) + FZ_D(HSB_CNT_VADDR_NA_REPLY) != 1)
		return "XDP_TX without one ARP/NA reply counted";
	if (FZ_D(HSB_CNT_SESSION_NEW) > 1)
		return "more than one session created by one frame";
	if (r->verdict == XDP_DROP && FZ_D(HSB_CNT_SESSION_NEW))
		return "session_new counted for a dropped frame";
	if (FZ_D(HSB_CNT_PEER_FWD_TX) != (uint64_t)fz_out_tagged(r))
		return "peer_fwd_tx does not match a frame tagged for the peer";
	if (!fz_from_peer(r) &&
	    (FZ_D(HSB_CNT_PEER_FWD_RX) || FZ_D(HSB_CNT_PEER_FWD_BAD) ||
	     FZ_D(HSB_CNT_PEER_FWD_NO_SESSION)))
		return "peer_fwd_rx/bad/no_session counted for a frame not tagged on the peer link";
	if (fz_from_peer(r) &&
	    FZ_D(HSB_CNT_PEER_FWD_RX) != (uint64_t)fz_tag_good(r->in))
		return "peer_fwd_rx does not match a good tag from the peer";
	if (FZ_D(HSB_CNT_HEARTBEAT) !=
	    (uint64_t)(r->in->hb && !fz_from_peer(r)))
		return "heartbeat counter does not match an untagged heartbeat-link frame";
	return NULL;
}

/* A TCP SYN without ACK, by the bytes (IPv6: after the extension headers
 * the parser skips), for the check that none goes to the peer. */
static inline int fz_syn_only(const uint8_t *b, size_t len, size_t l3)
{
	size_t at = l3 + 40, step;
	uint8_t nh;
	int i;

	if (l3 + 20 > len)
		return 0;
	if ((b[l3] >> 4) == 4) {
		if (get16(b + l3 + 6) & 0x1fff || b[l3 + 9] != 6)
			return 0; /* a later fragment has no TCP header */
		at = l3 + (b[l3] & 0xf) * 4;
	} else {
		nh = l3 + 40 <= len ? b[l3 + 6] : 0;
		for (i = 0; i < 8 && nh != 6; i++) {
			if ((nh != 0 && nh != 43 && nh != 60 && nh != 44) ||
			    at + 8 > len)
				return 0;
			if (nh == 44 && get16(b + at + 2) & 0xfff8)
				return 0;
			step = nh == 44 ? 8 : (b[at + 1] + 1) * 8;
			nh = b[at];
			at += step;
		}
		if (nh != 6)
			return 0;
	}
	return at + 14 <= len && (b[at + 13] & 0x12) == 0x02;
}

/*
 * Quick session backup (include/hsb/peer.h). A frame that came in tagged
 * never opens a session and is never answered with a tagged frame (no
 * loop between the two hosts); on a service interface it is not even
 * untagged. A frame tagged on output is the input with the tag inserted
 * (version 1, the ingress zone, from the heartbeat link to the peer's
 * MAC), was not a SYN (which never belongs to a session the peer has),
 * and is only sent while forwarding is on.
 */
static inline const char *fz_check_peer(const struct fz_run *r)
{
	const struct fz_frame *z = r->in;
	const uint8_t *in = z->fr.b, *out = r->out;
	size_t len = z->fr.len;

	if (fz_is_tagged(in, len)) {
		if (FZ_D(HSB_CNT_SESSION_NEW) ||
		    (r->had_session == 0 && r->has_session == 1))
			return "a tagged frame created a session";
		if (fz_out_tagged(r))
			return "a tagged frame was answered with a tagged frame (loop)";
		if (r->verdict == XDP_TX)
			return "a tagged frame was answered with XDP_TX";
		if (fz_from_peer(r) && !fz_tag_good(z) &&
		    (r->verdict != XDP_DROP || !FZ_D(HSB_CNT_PEER_FWD_BAD)))
			return "a frame from the peer with a bad tag was not dropped as peer_fwd_bad";
		if (!fz_from_peer(r) && r->verdict != XDP_DROP &&
		    (r->out_len != len || memcmp(out, in, len)))
			return "a tagged frame was changed off the peer link";
	} else if (z->hb && (r->verdict != XDP_PASS || r->out_len != len ||
			     memcmp(out, in, len))) {
		return "an untagged heartbeat-link frame was not passed untouched";
	}
	if (!fz_out_tagged(r))
		return NULL;
	if (!r->peer_on)
		return "a frame was tagged for the peer with forwarding off";
	if (r->out_len != len + HSB_PEER_TAG_LEN)
		return "a frame tagged for the peer is not the input's length + 4";
	if (out[14] != HSB_PEER_VERSION || out[15] != r->zone)
		return "a frame tagged for the peer has not version 1 and the ingress zone";
	if (memcmp(out + 16, in + 12, len - 12))
		return "a frame tagged for the peer differs from the input after the tag";
	if (memcmp(out, fz_mac_peer, 6) || memcmp(out + 6, fz_mac_hb, 6))
		return "a frame tagged for the peer is not from the heartbeat link to the peer's MAC";
	if (fz_syn_only(in, len, 14))
		return "a TCP SYN without ACK was tagged for the peer";
	if (FZ_D(HSB_CNT_SESSION_NEW))
		return "a frame tagged for the peer created a session";
	return NULL;
}

/* The bytes of a frame the program sends (redirect, TX), but for one
 * tagged for the peer (fz_check_peer()). A frame from the peer leaves
 * without its tag: its packet starts 4 bytes earlier. */
static inline const char *fz_check_output(const struct fz_run *r)
{
	const struct fz_frame *z = r->in;
	const uint8_t *in = z->fr.b, *out = r->out;
	size_t l3 = z->fr.l3, ol3 = l3;
	uint16_t et;

	if ((r->verdict != XDP_REDIRECT && r->verdict != XDP_TX) ||
	    fz_out_tagged(r))
		return NULL;
	if (fz_from_peer(r))
		ol3 = l3 - HSB_PEER_TAG_LEN;
	if (r->out_len + (l3 - ol3) != z->fr.len)
		return "a sent frame changed length";
	if (z->arp || l3 + 20 > z->fr.len)
		return NULL;
	et = get16(out + ol3 - 2);
	if (et == 0x0800 && get16(in + l3 - 2) == 0x0800 &&
	    csums_ok(in + l3, z->fr.len - l3)) {
		if (!csums_ok(out + ol3, r->out_len - ol3))
			return "a sent IPv4 packet has a bad checksum";
		if (r->verdict == XDP_REDIRECT &&
		    out[ol3 + 8] + 1 != in[l3 + 8])
			return "a forwarded IPv4 packet's TTL is not one less";
	}
	if (et == 0x86dd && !z->mutated && !z->spec.n_ext &&
	    fz_csum6_ok(in + l3, z->fr.len - l3) &&
	    !fz_csum6_ok(out + ol3, r->out_len - ol3))
		return "a sent IPv6 packet has a bad L4 checksum";
	return NULL;
}

static inline const char *fz_check_run(const struct fz_run *r)
{
	const char *why;

	if (r->verdict != XDP_PASS && r->verdict != XDP_DROP &&
	    r->verdict != XDP_TX && r->verdict != XDP_REDIRECT)
		return "verdict outside PASS/DROP/TX/REDIRECT";
	why = fz_check_counters(r);
	if (why)
		return why;
	if (r->had_session == 0 && r->has_session == 1 &&
	    r->verdict == XDP_DROP)
		return "a session was created for a dropped frame";
	if (r->had_session == 0 && r->has_session == 0 &&
	    FZ_D(HSB_CNT_SESSION_NEW))
		return "session_new counted but the flow has no session";
	why = fz_check_peer(r);
	if (why)
		return why;
	return fz_check_output(r);
}

/* ---- tables ---------------------------------------------------------- */

/* A PAT or NO-PAT mapping and the sessions that hold it. */
struct fz_ref {
	struct hsb_nat_key k;
	int table; /* HSB_NAT_KIND_PAT or _NOPAT */
	uint32_t sessions;
};

static inline struct fz_ref *fz_ref_find(struct fz_ref *refs, size_t *n,
					 size_t max, int table,
					 const struct hsb_nat_key *k)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (refs[i].table == table &&
		    !memcmp(&refs[i].k, k, sizeof(*k)))
			return &refs[i];
	if (*n == max)
		return NULL;
	memset(&refs[*n], 0, sizeof(refs[*n]));
	refs[*n].k = *k;
	refs[*n].table = table;
	return &refs[(*n)++];
}

/*
 * The NAT tables against the sessions. What is checkable without hsbd
 * (nothing releases a reference here, and the table is never full enough
 * for the LRU to evict): every PUB entry's refcnt is the number of
 * sessions translated with it, so none is 0 (a dying mapping would be
 * gone: the last release deletes it); every IN index names a PUB entry
 * that names it back; every translated session has its mapping, whose
 * inside side is one of the session's endpoints.
 */
static inline const char *fz_check_tables(struct t_fixture *f,
					  size_t *n_sessions)
{
	static struct fz_ref refs[8192];
	int sfd = t_map_fd(f->skel->maps.hsb_sessions);
	int fds[2] = { t_map_fd(f->skel->maps.hsb_nat_pat),
		       t_map_fd(f->skel->maps.hsb_nat_nopat) };
	struct hsb_flow_key sk, *prev = NULL;
	struct hsb_session s;
	struct hsb_nat_key k, *kp;
	struct hsb_nat_entry e, pub;
	struct fz_ref *ref;
	size_t n = 0;
	int t;

	*n_sessions = 0;
	while (bpf_map_get_next_key(sfd, prev, &sk) == 0) {
		prev = &sk;
		if (bpf_map_lookup_elem(sfd, &sk, &s))
			continue;
		(*n_sessions)++;
		if (s.nat.kind != HSB_NAT_KIND_PAT &&
		    s.nat.kind != HSB_NAT_KIND_NOPAT)
			continue;
		memset(&k, 0, sizeof(k));
		memcpy(&k.addr, s.nat.addr, 4);
		if (s.nat.kind == HSB_NAT_KIND_PAT) {
			k.port = s.nat.port;
			k.proto = sk.proto;
		}
		k.dir = HSB_NAT_DIR_PUB;
		t = s.nat.kind == HSB_NAT_KIND_PAT ? 0 : 1;
		if (bpf_map_lookup_elem(fds[t], &k, &pub))
			return "a translated session's mapping is missing";
		if (memcmp(&pub.addr, sk.addr_a, 4) &&
		    memcmp(&pub.addr, sk.addr_b, 4))
			return "a mapping's inside address is not an endpoint of its session";
		ref = fz_ref_find(refs, &n, 8192, s.nat.kind, &k);
		if (ref)
			ref->sessions++;
	}
	for (t = 0; t < 2; t++) {
		kp = NULL;
		while (bpf_map_get_next_key(fds[t], kp, &k) == 0) {
			struct hsb_nat_key back;

			kp = &k;
			if (bpf_map_lookup_elem(fds[t], &k, &e))
				continue;
			if (k.dir == HSB_NAT_DIR_IN) {
				back.addr = e.addr;
				back.port = e.port;
				back.proto = k.proto;
				back.dir = HSB_NAT_DIR_PUB;
				if (bpf_map_lookup_elem(fds[t], &back, &pub))
					return "an IN index names no mapping";
				if (pub.addr != k.addr ||
				    (t == 0 && pub.port != k.port))
					return "an IN index's mapping does not name it back";
				continue;
			}
			if (!e.refcnt)
				return "a mapping with refcnt 0 was left in the table";
			ref = fz_ref_find(
				refs, &n, 8192,
				t ? HSB_NAT_KIND_NOPAT : HSB_NAT_KIND_PAT, &k);
			if (ref && ref->sessions != e.refcnt)
				return "a mapping's refcnt is not its number of sessions";
		}
	}
	return NULL;
}

#endif /* HSB_TESTS_FUZZ_CHECK_H */
