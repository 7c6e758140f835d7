// SPDX-License-Identifier: GPL-2.0-only
/* VGMP message codec. See vgmp_codec.h and docs/vgmp.md. */
#include <errno.h>
#include <string.h>
#include <openssl/crypto.h>

#include "vgmp_codec.h"
#include "wire.h"

static const char *const rx_names[VGMP_RX__COUNT] = {
	[VGMP_RX_OK] = "ok",
	[VGMP_RX_SHORT] = "short",
	[VGMP_RX_MAGIC] = "bad-magic",
	[VGMP_RX_VERSION] = "unknown-version",
	[VGMP_RX_LENGTH] = "bad-length",
	[VGMP_RX_TYPE] = "unknown-type",
	[VGMP_RX_BOUNDS] = "too-many-entries",
	[VGMP_RX_FIELD] = "bad-field",
	[VGMP_RX_AUTH] = "authentication",
	[VGMP_RX_REPLAY] = "replay",
	[VGMP_RX_SELF] = "own-message",
};

const char *vgmp_rx_reason_name(enum vgmp_rx_reason r)
{
	if ((unsigned int)r >= VGMP_RX__COUNT)
		return "unknown";
	return rx_names[r];
}

/* --- encode ------------------------------------------------------------ */

static size_t encode_group(const struct vgmp_wire_group *g, uint8_t *p)
{
	uint8_t flags = 0;
	unsigned int i;

	memset(p, 0, VGMP_GROUP_LEN);
	strncpy((char *)p, g->name, VGMP_NAME_LEN);
	p[32] = (uint8_t)g->g.state;
	if (g->g.ready)
		flags |= VGMP_GF_READY;
	if (g->g.handover)
		flags |= VGMP_GF_HANDOVER;
	if (g->preempt)
		flags |= VGMP_GF_PREEMPT;
	p[33] = flags;
	p[34] = (uint8_t)g->n_members;
	hsb_put32(p + 36, g->g.priority);
	hsb_put32(p + 40, g->g.penalty);
	p += VGMP_GROUP_LEN;
	for (i = 0; i < g->n_members; i++, p += VGMP_MEMBER_LEN) {
		p[0] = g->members[i].vrid;
		p[1] = g->members[i].state;
		p[2] = g->members[i].family;
		p[3] = 0;
	}
	return VGMP_GROUP_LEN + g->n_members * VGMP_MEMBER_LEN;
}

int vgmp_encode(const struct vgmp_msg *m, const uint8_t *key, size_t keylen,
		uint8_t *buf, size_t buflen)
{
	size_t len = VGMP_HDR_LEN;
	unsigned int i;

	if (m->n_groups > VGMP_MAX_GROUPS || buflen < VGMP_MAX_MSG)
		return -EINVAL;
	for (i = 0; i < m->n_groups; i++)
		if (m->groups[i].n_members > VGMP_MAX_MEMBERS)
			return -EINVAL;
	memset(buf, 0, VGMP_HDR_LEN);
	hsb_put16(buf, VGMP_MAGIC);
	buf[2] = VGMP_VERSION;
	buf[3] = (uint8_t)m->type;
	hsb_put16(buf + 4, m->flags);
	hsb_put64(buf + 8, m->epoch);
	hsb_put64(buf + 16, m->seq);
	hsb_put64(buf + 24, m->ack);
	memcpy(buf + 32, m->node, VGMP_NODE_ID_SIZE);
	hsb_put16(buf + 48, m->hello_ms);
	buf[50] = (uint8_t)m->n_groups;
	hsb_put32(buf + 52, m->hold_ms);
	for (i = 0; i < m->n_groups; i++)
		len += encode_group(&m->groups[i], buf + len);
	len += VGMP_HMAC_LEN;
	hsb_put16(buf + 6, (uint16_t)len);
	hsb_hmac_sha256(key, keylen, buf, len - VGMP_HMAC_LEN,
			buf + len - VGMP_HMAC_LEN);
	return (int)len;
}

/* --- decode ------------------------------------------------------------ */

static bool name_valid(const uint8_t *p)
{
	unsigned int i;

	/* NUL-padded, at least one character, printable */
	if (!p[0])
		return false;
	for (i = 0; i < VGMP_NAME_LEN && p[i]; i++)
		if (p[i] < 0x21 || p[i] > 0x7e)
			return false;
	for (; i < VGMP_NAME_LEN; i++)
		if (p[i])
			return false;
	return true;
}

static enum vgmp_rx_reason decode_group(const uint8_t *p, size_t left,
					struct vgmp_wire_group *g, size_t *used)
{
	unsigned int i;

	if (left < VGMP_GROUP_LEN)
		return VGMP_RX_LENGTH;
	if (!name_valid(p))
		return VGMP_RX_FIELD;
	memcpy(g->name, p, VGMP_NAME_LEN);
	g->name[VGMP_NAME_LEN] = '\0';
	if (p[32] > VGMP_STATE_ACTIVE)
		return VGMP_RX_FIELD;
	g->g.state = (enum vgmp_state)p[32];
	g->g.ready = p[33] & VGMP_GF_READY;
	g->g.handover = p[33] & VGMP_GF_HANDOVER;
	g->preempt = p[33] & VGMP_GF_PREEMPT;
	g->n_members = p[34];
	g->g.priority = hsb_get32(p + 36);
	g->g.penalty = hsb_get32(p + 40);
	if (g->n_members > VGMP_MAX_MEMBERS)
		return VGMP_RX_BOUNDS;
	if (left < VGMP_GROUP_LEN + g->n_members * VGMP_MEMBER_LEN)
		return VGMP_RX_LENGTH;
	p += VGMP_GROUP_LEN;
	for (i = 0; i < g->n_members; i++, p += VGMP_MEMBER_LEN) {
		if (!p[0] || p[1] > VGMP_MEMBER_MASTER ||
		    (p[2] != 4 && p[2] != 6))
			return VGMP_RX_FIELD;
		g->members[i].vrid = p[0];
		g->members[i].state = p[1];
		g->members[i].family = p[2];
	}
	*used = VGMP_GROUP_LEN + g->n_members * VGMP_MEMBER_LEN;
	return VGMP_RX_OK;
}

enum vgmp_rx_reason vgmp_decode(const uint8_t *buf, size_t len,
				const uint8_t *key, size_t keylen,
				struct vgmp_msg *m)
{
	uint8_t mac[VGMP_HMAC_LEN];
	size_t off = VGMP_HDR_LEN, body, used;
	enum vgmp_rx_reason r;
	unsigned int i;

	memset(m, 0, sizeof(*m));
	if (len < VGMP_HDR_LEN + VGMP_HMAC_LEN)
		return VGMP_RX_SHORT;
	if (hsb_get16(buf) != VGMP_MAGIC)
		return VGMP_RX_MAGIC;
	if (buf[2] != VGMP_VERSION)
		return VGMP_RX_VERSION;
	if (hsb_get16(buf + 6) != len || len > VGMP_MAX_MSG)
		return VGMP_RX_LENGTH;
	/* authenticated before any other field is believed */
	hsb_hmac_sha256(key, keylen, buf, len - VGMP_HMAC_LEN, mac);
	if (CRYPTO_memcmp(mac, buf + len - VGMP_HMAC_LEN, VGMP_HMAC_LEN))
		return VGMP_RX_AUTH;
	if (buf[3] != VGMP_MSG_HELLO && buf[3] != VGMP_MSG_ACK)
		return VGMP_RX_TYPE;
	m->type = (enum vgmp_msg_type)buf[3];
	m->flags = hsb_get16(buf + 4);
	m->epoch = hsb_get64(buf + 8);
	m->seq = hsb_get64(buf + 16);
	m->ack = hsb_get64(buf + 24);
	memcpy(m->node, buf + 32, VGMP_NODE_ID_SIZE);
	m->hello_ms = hsb_get16(buf + 48);
	m->n_groups = buf[50];
	m->hold_ms = hsb_get32(buf + 52);
	if (m->n_groups > VGMP_MAX_GROUPS)
		return VGMP_RX_BOUNDS;
	if (m->type == VGMP_MSG_ACK && m->n_groups)
		return VGMP_RX_FIELD;
	body = len - VGMP_HMAC_LEN;
	for (i = 0; i < m->n_groups; i++) {
		r = decode_group(buf + off, body - off, &m->groups[i], &used);
		if (r != VGMP_RX_OK)
			return r;
		off += used;
	}
	return off == body ? VGMP_RX_OK : VGMP_RX_LENGTH;
}
