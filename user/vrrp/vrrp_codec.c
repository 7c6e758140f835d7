// SPDX-License-Identifier: GPL-2.0-only
/* VRRP advertisement codec (RFC 5798 §5, RFC 3768 §5). See vrrp_codec.h.
 *
 * Wire format, v3 (RFC 5798 §5.2):        v2 (RFC 3768 §5.1):
 *   0: Version(4) | Type(4)                 same
 *   1: Virtual Rtr ID                       same
 *   2: Priority                             same
 *   3: Count IPvX Addrs                     Count IP Addrs
 *   4: rsvd(4) | Max Adver Int(12, cs)      4: Auth Type  5: Adver Int (s)
 *   6: Checksum(16)                         same
 *   8: IPvX Address(es)                     IP Address(es), then 8 bytes of
 *                                           Authentication Data
 *
 * The decoder is written so its bounds are obvious: the only reads are of
 * buf[0..7] after `len >= VRRP_HDR_LEN` is known, and the checksum/address
 * reads after `len == need` with need computed from the count. */
#include <errno.h>
#include <string.h>

#include "vrrp_codec.h"

size_t vrrp_addr_len(int family)
{
	switch (family) {
	case AF_INET:
		return 4;
	case AF_INET6:
		return 16;
	default:
		return 0;
	}
}

int vrrp_addr_cmp(const struct vrrp_addr *a, const struct vrrp_addr *b)
{
	size_t n;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	n = vrrp_addr_len(a->family);
	return n ? memcmp(a->b, b->b, n) : 0;
}

bool vrrp_addr_eq(const struct vrrp_addr *a, const struct vrrp_addr *b)
{
	return vrrp_addr_cmp(a, b) == 0;
}

struct vrrp_addr vrrp_addr_make(int family, const void *bytes)
{
	struct vrrp_addr a;

	memset(&a, 0, sizeof(a));
	a.family = family;
	if (bytes)
		memcpy(a.b, bytes, vrrp_addr_len(family));
	return a;
}

static const char *const rx_reason_names[VRRP_RX__COUNT] = {
	[VRRP_RX_OK] = "ok",
	[VRRP_RX_BAD_FAMILY] = "bad-family",
	[VRRP_RX_BAD_TTL] = "bad-ttl",
	[VRRP_RX_TOO_SHORT] = "too-short",
	[VRRP_RX_BAD_VERSION] = "bad-version",
	[VRRP_RX_BAD_TYPE] = "bad-type",
	[VRRP_RX_NO_ADDRS] = "no-addresses",
	[VRRP_RX_LENGTH_SHORT] = "length-short",
	[VRRP_RX_LENGTH_LONG] = "length-long",
	[VRRP_RX_BAD_CHECKSUM] = "bad-checksum",
	[VRRP_RX_BAD_INTERVAL] = "bad-interval",
	[VRRP_RX_V2_AUTH_TYPE] = "v2-auth-type",
	[VRRP_RX_BAD_SOURCE] = "bad-source",
	[VRRP_RX_NOT_RUNNING] = "not-running",
	[VRRP_RX_FAMILY_MISMATCH] = "family-mismatch",
	[VRRP_RX_VERSION_MISMATCH] = "version-mismatch",
	[VRRP_RX_VRID_MISMATCH] = "vrid-mismatch",
	[VRRP_RX_OWN_ADDRESS] = "own-address",
	[VRRP_RX_V2_INTERVAL_MISMATCH] = "v2-interval-mismatch",
	[VRRP_RX_V2_ADDR_LIST_MISMATCH] = "v2-addr-list-mismatch",
};

const char *vrrp_rx_reason_name(enum vrrp_rx_reason r)
{
	if ((unsigned int)r >= VRRP_RX__COUNT || !rx_reason_names[r])
		return "unknown";
	return rx_reason_names[r];
}

/* One's complement sum of big-endian 16-bit words (RFC 1071), unfolded.
 * An odd trailing byte is padded with zero. The inputs here are at most
 * a few KiB, far from overflowing 32 bits. */
static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

uint16_t vrrp_checksum(unsigned int version, const struct vrrp_addr *src,
		       const struct vrrp_addr *dst, const uint8_t *msg,
		       size_t len)
{
	uint32_t sum = 0;

	if (version == 3) {
		size_t alen = vrrp_addr_len(src->family);

		sum = sum16(sum, src->b, alen);
		sum = sum16(sum, dst->b, alen);
		if (src->family == AF_INET6) {
			/* RFC 2460 §8.1: 32-bit upper-layer length, three
			 * zero bytes, next header 112. */
			sum += (uint32_t)(len >> 16) & 0xffff;
			sum += (uint32_t)len & 0xffff;
			sum += VRRP_IPPROTO;
		} else {
			/* IPv4 pseudo-header: zero byte, protocol 112,
			 * 16-bit length of the VRRP message. */
			sum += VRRP_IPPROTO;
			sum += (uint32_t)len & 0xffff;
		}
	}
	sum = sum16(sum, msg, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t vrrp_msg_len(int family, unsigned int version, unsigned int n_addrs)
{
	size_t alen = vrrp_addr_len(family);

	if (!alen || n_addrs > VRRP_MAX_WIRE_ADDRS)
		return 0;
	if (version == 3)
		return VRRP_HDR_LEN + n_addrs * alen;
	if (version == 2 && family == AF_INET)
		return VRRP_HDR_LEN + n_addrs * alen + VRRP_V2_AUTH_LEN;
	return 0;
}

/* Can this address be a router's primary address on the segment? RFC
 * 5798 §5.1.1.1: the IPv4 source is the interface's primary address;
 * §5.1.2.1: the IPv6 source is its link-local address. An unspecified,
 * loopback, multicast or broadcast source is forged or reflected, and
 * taking it as the master would make a real Master yield to nobody. */
static bool source_valid(const struct vrrp_addr *a)
{
	if (a->family == AF_INET)
		/* 0/8 "this network", 127/8, 224/4 multicast, 240/4 reserved
		 * with 255.255.255.255 */
		return a->b[0] != 0 && a->b[0] != 127 && a->b[0] < 224;
	/* fe80::/10 only: rules out ::, ::1, ff00::/8 and every global,
	 * unique-local or v4-mapped address */
	return a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80;
}

enum vrrp_rx_reason vrrp_decode(const uint8_t *buf, size_t len,
				const struct vrrp_rx_meta *meta,
				struct vrrp_advert *out)
{
	size_t alen, need;
	unsigned int version;

	memset(out, 0, sizeof(*out));
	if (!buf)
		len = 0;
	if (len >= 2)
		out->vrid = buf[1];

	alen = vrrp_addr_len(meta->src.family);
	if (!alen || meta->dst.family != meta->src.family)
		return VRRP_RX_BAD_FAMILY;
	out->family = meta->src.family;
	out->src = meta->src;

	/* RFC 5798 §5.1.1.3 / §5.1.2.3 and §7.1; RFC 3768 §7.1. */
	if (meta->ttl != VRRP_TTL)
		return VRRP_RX_BAD_TTL;
	if (!source_valid(&meta->src))
		return VRRP_RX_BAD_SOURCE;

	if (len < VRRP_HDR_LEN)
		return VRRP_RX_TOO_SHORT;
	/* From here buf[0..7] may be read. */
	version = buf[0] >> 4;
	out->version = (uint8_t)version;
	out->type = buf[0] & 0x0f;
	out->priority = buf[2];
	out->n_addrs = buf[3];
	out->checksum = (uint16_t)(buf[6] << 8 | buf[7]);

	/* RFC 5798 §7.1: version 3; RFC 3768 (v2) is IPv4 only. */
	if (!(version == 3 || (version == 2 && out->family == AF_INET)))
		return VRRP_RX_BAD_VERSION;
	/* RFC 5798 §5.2.2: unknown types MUST be discarded. */
	if (out->type != VRRP_TYPE_ADVERT)
		return VRRP_RX_BAD_TYPE;
	/* RFC 5798 §5.2.5: "The minimum value is 1." */
	if (out->n_addrs == 0)
		return VRRP_RX_NO_ADDRS;
	/* RFC 5798 §7.1: the complete packet, fixed fields and addresses. */
	need = vrrp_msg_len(out->family, version, out->n_addrs);
	if (len < need)
		return VRRP_RX_LENGTH_SHORT;
	if (len > need)
		return VRRP_RX_LENGTH_LONG;
	/* From here buf[0..need) may be read. */
	if (vrrp_checksum(version, &meta->src, &meta->dst, buf, len) != 0)
		return VRRP_RX_BAD_CHECKSUM;

	if (version == 3) {
		/* RFC 5798 §5.2.6: rsvd ignored on reception. */
		out->adver_cs = (uint16_t)((buf[4] & 0x0f) << 8 | buf[5]);
	} else {
		out->v2_auth_type = buf[4];
		out->v2_adver_s = buf[5];
		out->adver_cs = (uint16_t)(buf[5] * 100);
		/* RFC 3768 §5.3.6: type 0 only (1 and 2 were removed);
		 * hsb does no authentication. */
		if (out->v2_auth_type != 0)
			return VRRP_RX_V2_AUTH_TYPE;
	}
	/* A zero interval would make every backup's Master_Down_Interval
	 * the Skew_Time alone: reject it rather than flap. */
	if (out->adver_cs == 0)
		return VRRP_RX_BAD_INTERVAL;

	out->addrs = buf + VRRP_HDR_LEN;
	return VRRP_RX_OK;
}

struct vrrp_addr vrrp_advert_addr(const struct vrrp_advert *adv, unsigned int i)
{
	size_t alen = vrrp_addr_len(adv->family);

	if (!adv->addrs || i >= adv->n_addrs)
		return vrrp_addr_make(AF_UNSPEC, NULL);
	return vrrp_addr_make(adv->family, adv->addrs + i * alen);
}

int vrrp_encode(const struct vrrp_tx *tx, uint8_t *buf, size_t cap)
{
	int family = tx->src.family;
	size_t alen = vrrp_addr_len(family), len, off;
	unsigned int i;
	uint16_t ck;

	if (!alen || tx->vrid == 0 || !tx->addrs || tx->n_addrs == 0 ||
	    tx->n_addrs > VRRP_MAX_WIRE_ADDRS)
		return -EINVAL;
	for (i = 0; i < tx->n_addrs; i++)
		if (tx->addrs[i].family != family)
			return -EINVAL;
	if (tx->version == 3) {
		if (tx->dst.family != family || tx->adver_cs == 0 ||
		    tx->adver_cs > VRRP_V3_MAX_ADVER_CS)
			return -EINVAL;
	} else if (tx->version == 2) {
		if (family != AF_INET || tx->adver_cs % 100 != 0 ||
		    tx->adver_cs < 100 ||
		    tx->adver_cs > VRRP_V2_MAX_ADVER_S * 100)
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	len = vrrp_msg_len(family, tx->version, tx->n_addrs);
	if (!buf || cap < len)
		return -ENOSPC;

	memset(buf, 0, len);
	buf[0] = (uint8_t)(tx->version << 4 | VRRP_TYPE_ADVERT);
	buf[1] = tx->vrid;
	buf[2] = tx->priority;
	buf[3] = (uint8_t)tx->n_addrs;
	if (tx->version == 3) {
		/* rsvd MUST be zero on transmission (§5.2.6) */
		buf[4] = (uint8_t)(tx->adver_cs >> 8 & 0x0f);
		buf[5] = (uint8_t)(tx->adver_cs & 0xff);
	} else {
		buf[4] = 0; /* Auth Type 0: no authentication */
		buf[5] = (uint8_t)(tx->adver_cs / 100);
	}
	off = VRRP_HDR_LEN;
	for (i = 0; i < tx->n_addrs; i++, off += alen)
		memcpy(buf + off, tx->addrs[i].b, alen);
	/* v2: Authentication Data stays zero (RFC 3768 §5.3.10). */
	ck = vrrp_checksum(tx->version, &tx->src, &tx->dst, buf, len);
	buf[6] = (uint8_t)(ck >> 8);
	buf[7] = (uint8_t)(ck & 0xff);
	return (int)len;
}
