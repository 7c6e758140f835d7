// SPDX-License-Identifier: GPL-2.0-only
/* HRP configuration backup, the pure part. See hrp_cfgsync.h. */
#include <stdlib.h>
#include <string.h>
#include <openssl/sha.h>

#include "hrp_cfgsync.h"
#include "wire.h"

/*
 * Payload header (HRP_CFG_HDR_LEN bytes):
 *   0 kind, 1 flags (OFFER) or status (RESULT), 2..3 reserved (0),
 *   4..11 generation, 12..43 SHA-256 digest of the whole text,
 *   44..47 total text length (OFFER; 0 in a RESULT),
 *   48..51 offset of this chunk (OFFER; 0 in a RESULT),
 * then the chunk (OFFER) or the reason (RESULT, printable ASCII).
 */
#define OFF_KIND 0
#define OFF_FLAGS 1
#define OFF_RSVD 2
#define OFF_GEN 4
#define OFF_DIGEST 12
#define OFF_TOTAL 44
#define OFF_OFFSET 48

#define OFFER_FLAGS \
	(HRP_CFG_F_FIRST | HRP_CFG_F_LAST | HRP_CFG_F_MASTER | HRP_CFG_F_PUSHED)

static const char *const err_names[HRP_CFE__COUNT] = {
	[HRP_CFE_OK] = "ok",	 [HRP_CFE_SHORT] = "short",
	[HRP_CFE_KIND] = "kind", [HRP_CFE_ORDER] = "order",
	[HRP_CFE_SIZE] = "size", [HRP_CFE_DIGEST] = "digest",
	[HRP_CFE_TEXT] = "text",
};

static const char *const status_names[HRP_CFG__STATUS_COUNT] = {
	[HRP_CFG_APPLIED] = "applied",
	[HRP_CFG_SAME] = "same",
	[HRP_CFG_KEPT] = "kept",
	[HRP_CFG_REFUSED] = "refused",
};

const char *hrp_cfg_err_name(enum hrp_cfg_err e)
{
	return (unsigned int)e < HRP_CFE__COUNT ? err_names[e] : "?";
}

const char *hrp_cfg_status_name(enum hrp_cfg_status s)
{
	return (unsigned int)s < HRP_CFG__STATUS_COUNT ? status_names[s] : "?";
}

const char *hrp_cfg_role_name(enum hrp_cfg_role r)
{
	return r == HRP_CFG_ROLE_MASTER ? "HRP_M" :
	       r == HRP_CFG_ROLE_SLAVE	? "HRP_S" :
					  "none";
}

void hrp_cfg_digest(const char *text, size_t len,
		    uint8_t out[HRP_CFG_DIGEST_LEN])
{
	SHA256((const unsigned char *)text, len, out);
}

static void put_hdr(uint8_t *out, enum hrp_cfg_kind kind, uint8_t flags,
		    uint64_t gen, const uint8_t *digest, uint32_t total,
		    uint32_t offset)
{
	out[OFF_KIND] = (uint8_t)kind;
	out[OFF_FLAGS] = flags;
	hsb_put16(out + OFF_RSVD, 0);
	hsb_put64(out + OFF_GEN, gen);
	memcpy(out + OFF_DIGEST, digest, HRP_CFG_DIGEST_LEN);
	hsb_put32(out + OFF_TOTAL, total);
	hsb_put32(out + OFF_OFFSET, offset);
}

size_t hrp_cfg_offer_encode(uint8_t flags, uint64_t gen,
			    const uint8_t digest[HRP_CFG_DIGEST_LEN],
			    const char *text, uint32_t total, uint32_t offset,
			    uint8_t *out, size_t room, uint32_t *chunk)
{
	uint32_t left = total - offset, n;

	*chunk = 0;
	if (offset > total || room <= HRP_CFG_HDR_LEN)
		return 0;
	n = room - HRP_CFG_HDR_LEN < left ? (uint32_t)(room - HRP_CFG_HDR_LEN) :
					    left;
	flags &= HRP_CFG_F_MASTER | HRP_CFG_F_PUSHED;
	if (!offset)
		flags |= HRP_CFG_F_FIRST;
	if (offset + n == total)
		flags |= HRP_CFG_F_LAST;
	put_hdr(out, HRP_CFG_OFFER, flags, gen, digest, total, offset);
	memcpy(out + HRP_CFG_HDR_LEN, text + offset, n);
	*chunk = n;
	return HRP_CFG_HDR_LEN + n;
}

size_t hrp_cfg_result_encode(uint64_t gen,
			     const uint8_t digest[HRP_CFG_DIGEST_LEN],
			     enum hrp_cfg_status st, const char *reason,
			     uint8_t *out, size_t room)
{
	size_t n = reason ? strnlen(reason, HRP_CFG_MSG_MAX) : 0, i;

	if (room < HRP_CFG_HDR_LEN + n)
		return 0;
	put_hdr(out, HRP_CFG_RESULT, (uint8_t)st, gen, digest, 0, 0);
	/* the reason is for people: printable only, whatever it held */
	for (i = 0; i < n; i++)
		out[HRP_CFG_HDR_LEN + i] = reason[i] >= 0x20 &&
							   reason[i] < 0x7f ?
						   (uint8_t)reason[i] :
						   '?';
	return HRP_CFG_HDR_LEN + n;
}

enum hrp_cfg_err hrp_cfg_decode(const uint8_t *p, size_t len,
				struct hrp_cfg_msg *m)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	if (len < HRP_CFG_HDR_LEN)
		return HRP_CFE_SHORT;
	if (hsb_get16(p + OFF_RSVD))
		return HRP_CFE_KIND;
	m->kind = (enum hrp_cfg_kind)p[OFF_KIND];
	m->gen = hsb_get64(p + OFF_GEN);
	memcpy(m->digest, p + OFF_DIGEST, HRP_CFG_DIGEST_LEN);
	m->total = hsb_get32(p + OFF_TOTAL);
	m->offset = hsb_get32(p + OFF_OFFSET);
	m->data = p + HRP_CFG_HDR_LEN;
	m->len = len - HRP_CFG_HDR_LEN;
	switch (m->kind) {
	case HRP_CFG_OFFER:
		m->flags = p[OFF_FLAGS];
		if (m->flags & ~OFFER_FLAGS)
			return HRP_CFE_KIND;
		if (m->total > HRP_CFG_MAX_TEXT || m->offset > m->total ||
		    m->len > m->total - m->offset)
			return HRP_CFE_SIZE;
		return HRP_CFE_OK;
	case HRP_CFG_RESULT:
		if (p[OFF_FLAGS] >= HRP_CFG__STATUS_COUNT || m->total ||
		    m->offset)
			return HRP_CFE_KIND;
		m->status = (enum hrp_cfg_status)p[OFF_FLAGS];
		if (m->len > HRP_CFG_MSG_MAX)
			return HRP_CFE_TEXT;
		for (i = 0; i < m->len; i++)
			if (m->data[i] < 0x20 || m->data[i] >= 0x7f)
				return HRP_CFE_TEXT;
		return HRP_CFE_OK;
	}
	return HRP_CFE_KIND;
}

void hrp_cfg_rx_reset(struct hrp_cfg_rx *rx)
{
	free(rx->text);
	memset(rx, 0, sizeof(*rx));
}

static enum hrp_cfg_err rx_fail(struct hrp_cfg_rx *rx, enum hrp_cfg_err e)
{
	hrp_cfg_rx_reset(rx);
	return e;
}

enum hrp_cfg_err hrp_cfg_rx_add(struct hrp_cfg_rx *rx,
				const struct hrp_cfg_msg *m, bool *complete)
{
	uint8_t d[HRP_CFG_DIGEST_LEN];

	*complete = false;
	if (m->kind != HRP_CFG_OFFER)
		return HRP_CFE_KIND;
	if (m->flags & HRP_CFG_F_FIRST) {
		hrp_cfg_rx_reset(rx);
		if (m->offset)
			return HRP_CFE_ORDER;
		rx->text = malloc((size_t)m->total + 1);
		if (!rx->text)
			return HRP_CFE_SIZE;
		rx->total = m->total;
		rx->gen = m->gen;
		rx->flags = m->flags;
		memcpy(rx->digest, m->digest, sizeof(rx->digest));
		rx->busy = true;
	} else if (!rx->busy || m->offset != rx->have ||
		   m->total != rx->total || m->gen != rx->gen ||
		   memcmp(m->digest, rx->digest, sizeof(rx->digest))) {
		return rx_fail(rx, HRP_CFE_ORDER);
	}
	if (m->offset != rx->have || m->len > rx->total - rx->have)
		return rx_fail(rx, HRP_CFE_ORDER);
	if (memchr(m->data, '\0', m->len))
		return rx_fail(rx, HRP_CFE_TEXT);
	memcpy(rx->text + rx->have, m->data, m->len);
	rx->have += (uint32_t)m->len;
	if (!(m->flags & HRP_CFG_F_LAST))
		return HRP_CFE_OK;
	if (rx->have != rx->total)
		return rx_fail(rx, HRP_CFE_ORDER);
	rx->text[rx->total] = '\0';
	hrp_cfg_digest(rx->text, rx->total, d);
	if (memcmp(d, rx->digest, sizeof(d)))
		return rx_fail(rx, HRP_CFE_DIGEST);
	rx->busy = false;
	*complete = true;
	return HRP_CFE_OK;
}

bool hrp_cfg_offers(const struct hrp_cfg_state *s)
{
	return s->role == HRP_CFG_ROLE_MASTER || s->standby_config;
}

bool hrp_cfg_may_edit(const struct hrp_cfg_state *s)
{
	return s->role != HRP_CFG_ROLE_SLAVE || s->standby_config;
}

enum hrp_cfg_status hrp_cfg_judge(const struct hrp_cfg_state *s,
				  const struct hrp_cfg_msg *offer,
				  bool sender_wins_tie)
{
	bool from_master = offer->flags & HRP_CFG_F_MASTER;
	bool master = s->role == HRP_CFG_ROLE_MASTER;

	if (!memcmp(offer->digest, s->digest, sizeof(s->digest)))
		return HRP_CFG_SAME;
	if (offer->flags & HRP_CFG_F_PUSHED)
		return HRP_CFG_APPLIED;
	/* HRP_M's configuration is the pair's, whatever its generation */
	if (from_master && !master)
		return HRP_CFG_APPLIED;
	if (!from_master && master)
		return s->standby_config && offer->gen > s->gen ?
			       HRP_CFG_APPLIED :
			       HRP_CFG_KEPT;
	/* the same rank: both HRP_M for a moment (a switchover, the
	 * heartbeat link back after a split), or both HRP_S editing with
	 * standby-config. The newer change wins, a tie by host order. */
	if (!from_master && !s->standby_config)
		return HRP_CFG_KEPT;
	if (offer->gen != s->gen)
		return offer->gen > s->gen ? HRP_CFG_APPLIED : HRP_CFG_KEPT;
	return sender_wins_tie ? HRP_CFG_APPLIED : HRP_CFG_KEPT;
}

uint64_t hrp_cfg_next_gen(uint64_t own, uint64_t peer)
{
	return (own > peer ? own : peer) + 1;
}
