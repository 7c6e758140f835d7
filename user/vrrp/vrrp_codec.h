/* SPDX-License-Identifier: GPL-2.0-only */
/* VRRP advertisement codec: VRRPv3 (RFC 5798) for IPv4 and IPv6, VRRPv2
 * (RFC 3768) for IPv4. Pure: no I/O, no allocation, no clock.
 *
 * The codec works on the VRRP message only (what follows the IPv4 header /
 * what an IPv6 raw socket returns). The IP-layer facts a receiver must
 * check (source, destination, TTL / Hop Limit) are passed in by the caller,
 * which reads them from the IPv4 header or from IPV6_HOPLIMIT /
 * IPV6_PKTINFO ancillary data. */
#ifndef HSB_VRRP_CODEC_H
#define HSB_VRRP_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define VRRP_IPPROTO 112 /* RFC 5798 §5.1.1.4 / §5.1.2.4 */
#define VRRP_TTL 255 /* RFC 5798 §5.1.1.3 / §5.1.2.3 */
#define VRRP_TYPE_ADVERT 1 /* RFC 5798 §5.2.2: the only type */
#define VRRP_HDR_LEN 8 /* fixed part, v2 and v3 */
#define VRRP_V2_AUTH_LEN 8 /* RFC 3768 §5.3.10: Authentication Data */
#define VRRP_V3_MAX_ADVER_CS 4095 /* RFC 5798 §5.2.7: 12 bits */
#define VRRP_V2_MAX_ADVER_S 255 /* RFC 3768 §5.3.7: 8 bits, seconds */
#define VRRP_MAX_WIRE_ADDRS 255 /* Count IPvX Addrs is 8 bits */
/* Largest message: v3, IPv6, 255 addresses. */
#define VRRP_MAX_MSG_LEN (VRRP_HDR_LEN + VRRP_MAX_WIRE_ADDRS * 16)

/* An IPv4 or IPv6 address, network byte order. IPv4 uses b[0..3]. */
struct vrrp_addr {
	int family; /* AF_INET, AF_INET6; AF_UNSPEC (0) = not set */
	uint8_t b[16];
};

/* 4, 16, or 0 for an unknown family. */
size_t vrrp_addr_len(int family);
/* Compare as unsigned bytes in network order (RFC 5798 §6.4.3 tie-break).
 * Addresses of different families compare by family first. */
int vrrp_addr_cmp(const struct vrrp_addr *a, const struct vrrp_addr *b);
bool vrrp_addr_eq(const struct vrrp_addr *a, const struct vrrp_addr *b);
/* Build an address from raw network-order bytes (4 or 16 of them). */
struct vrrp_addr vrrp_addr_make(int family, const void *bytes);

/*
 * Why a received advertisement was not processed. One enum for the decoder
 * (packet-intrinsic checks) and the state machine (checks against the
 * instance), so one counter array per instance covers every class.
 * VRRP_RX_OK is 0.
 */
enum vrrp_rx_reason {
	VRRP_RX_OK = 0,
	/* decoder: vrrp_decode() */
	VRRP_RX_BAD_FAMILY, /* caller passed no / mixed address families */
	VRRP_RX_BAD_TTL, /* TTL / Hop Limit != 255 (§5.1.1.3, §7.1) */
	VRRP_RX_TOO_SHORT, /* fewer than 8 bytes: no fixed header */
	VRRP_RX_BAD_VERSION, /* not 3, or not 2 over IPv4 (§7.1) */
	VRRP_RX_BAD_TYPE, /* type != 1 ADVERTISEMENT (§5.2.2) */
	VRRP_RX_NO_ADDRS, /* Count IPvX Addrs == 0 (§5.2.5: minimum 1) */
	VRRP_RX_LENGTH_SHORT, /* count says more than the packet holds */
	VRRP_RX_LENGTH_LONG, /* bytes beyond the message the count gives */
	VRRP_RX_BAD_CHECKSUM, /* §5.2.8, §7.1 */
	VRRP_RX_BAD_INTERVAL, /* advertisement interval field is 0 */
	VRRP_RX_V2_AUTH_TYPE, /* v2 Auth Type != 0 (RFC 3768 §5.3.6) */
	/* source unspecified, loopback, multicast or broadcast; IPv6: not
	 * link-local (RFC 5798 §5.1.1.1, §5.1.2.1) */
	VRRP_RX_BAD_SOURCE,
	/* state machine: vrrp_fsm_rx_advert() */
	VRRP_RX_NOT_RUNNING, /* instance in Initialize (§6.4.1) */
	VRRP_RX_FAMILY_MISMATCH, /* advert family != instance family */
	VRRP_RX_VERSION_MISMATCH, /* v2 advert on a v3 instance or back */
	VRRP_RX_VRID_MISMATCH, /* VRID not this instance's (§7.1) */
	VRRP_RX_OWN_ADDRESS, /* source is our own primary address */
	VRRP_RX_V2_INTERVAL_MISMATCH, /* RFC 3768 §7.1: MUST discard */
	VRRP_RX_V2_ADDR_LIST_MISMATCH, /* RFC 3768 §7.1: non-owner: drop */
	VRRP_RX__COUNT
};

const char *vrrp_rx_reason_name(enum vrrp_rx_reason r);

/* IP-layer facts about a received message. src and dst must share a
 * family; it selects IPv4 or IPv6 decoding. */
struct vrrp_rx_meta {
	struct vrrp_addr src; /* IP source: the sender's primary address */
	struct vrrp_addr dst; /* IP destination: group, or ours (unicast) */
	unsigned int ttl; /* IPv4 TTL or IPv6 Hop Limit */
};

/* A decoded advertisement. addrs points into the decoded buffer: it is
 * valid only as long as that buffer is. */
struct vrrp_advert {
	int family;
	uint8_t version; /* 2 or 3 */
	uint8_t type;
	uint8_t vrid;
	uint8_t priority;
	uint8_t n_addrs;
	/* v3: Max Adver Int (cs, reserved bits masked off);
	 * v2: Adver Int (s) * 100 */
	uint16_t adver_cs;
	uint8_t v2_adver_s; /* v2 only: raw Adver Int, seconds */
	uint8_t v2_auth_type; /* v2 only */
	uint16_t checksum; /* as received */
	const uint8_t *addrs; /* n_addrs * vrrp_addr_len(family) bytes */
	struct vrrp_addr src; /* copied from vrrp_rx_meta */
};

/*
 * Validate and decode one VRRP message of len bytes. Reads nothing outside
 * buf[0..len). Returns VRRP_RX_OK and fills *out, or the first check that
 * failed. Whatever the result, out->vrid holds the packet's VRID when the
 * message has at least 2 bytes (0 otherwise), so the caller can charge a
 * rejection to the instance it was meant for.
 *
 * Checks, in order (RFC 5798 §7.1, RFC 3768 §7.1): families, TTL/Hop Limit
 * 255, length >= 8, version (3; or 2 over IPv4), type 1, address count >= 1,
 * length == what the count implies (v2: plus 8 bytes of Authentication
 * Data), checksum, v2 Auth Type 0, interval != 0. VRID, version-vs-instance,
 * interval and address-list checks need the instance: the state machine
 * does them.
 */
enum vrrp_rx_reason vrrp_decode(const uint8_t *buf, size_t len,
				const struct vrrp_rx_meta *meta,
				struct vrrp_advert *out);

/* Address i (< n_addrs) of a decoded advertisement. */
struct vrrp_addr vrrp_advert_addr(const struct vrrp_advert *adv,
				  unsigned int i);

/* What to encode. */
struct vrrp_tx {
	uint8_t version; /* 2 (IPv4 only) or 3 */
	uint8_t vrid; /* 1..255 */
	uint8_t priority; /* 0 (shutdown) .. 255 */
	/* v3: 1..4095 cs; v2: a multiple of 100 cs, 100..25500 */
	uint16_t adver_cs;
	const struct vrrp_addr *addrs; /* 1..255, all of src's family */
	unsigned int n_addrs;
	struct vrrp_addr src; /* IP source: selects the family */
	struct vrrp_addr dst; /* IP destination (v3 pseudo-header) */
};

/* Message length for a family, version and address count (0 if invalid). */
size_t vrrp_msg_len(int family, unsigned int version, unsigned int n_addrs);

/* Encode into buf. Returns the length written, -EINVAL for invalid
 * parameters, -ENOSPC if cap is too small. */
int vrrp_encode(const struct vrrp_tx *tx, uint8_t *buf, size_t cap);

/*
 * The VRRP checksum (RFC 1071 one's complement sum), as the 16-bit value
 * to write big-endian into bytes 6..7. v3 (RFC 5798 §5.2.8) covers a
 * pseudo-header and the message: IPv4 {src, dst, 0, 112, length(16)},
 * IPv6 {src, dst, length(32), 0, 0, 0, 112} (RFC 2460 §8.1); v2 (RFC 3768
 * §5.3.8) covers the message only. Over a message that carries a correct
 * checksum the result is 0.
 */
uint16_t vrrp_checksum(unsigned int version, const struct vrrp_addr *src,
		       const struct vrrp_addr *dst, const uint8_t *msg,
		       size_t len);

#endif /* HSB_VRRP_CODEC_H */
