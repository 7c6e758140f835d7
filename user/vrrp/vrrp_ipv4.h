/* SPDX-License-Identifier: GPL-2.0-only */
/* The IPv4 header in front of a VRRP message read from a raw IPv4 socket.
 * Pure: the receive path hands the bytes recvmsg() returned and gets the
 * IP-layer facts vrrp_decode() needs plus the VRRP message inside. Reads
 * nothing outside buf[0..len). */
#ifndef HSB_VRRP_IPV4_H
#define HSB_VRRP_IPV4_H

#include <stddef.h>
#include <stdint.h>

#include "vrrp_codec.h"

enum vrrp_ip4_result {
	VRRP_IP4_OK = 0,
	VRRP_IP4_TOO_SHORT, /* fewer than 20 bytes */
	VRRP_IP4_BAD_VERSION, /* version field != 4 */
	VRRP_IP4_BAD_IHL, /* header length < 20 or beyond the data */
	VRRP_IP4_BAD_TOTAL_LENGTH, /* total length < header or > data */
	VRRP_IP4_BAD_PROTOCOL, /* not 112 */
	VRRP_IP4_FRAGMENT, /* MF set or offset != 0 (never reassembled) */
	VRRP_IP4__COUNT
};

const char *vrrp_ip4_result_name(enum vrrp_ip4_result r);

/* On VRRP_IP4_OK: meta gets source, destination and TTL; *msg / *msg_len
 * the VRRP message (bytes past the total length are ignored: link-layer
 * padding). */
enum vrrp_ip4_result vrrp_ip4_parse(const uint8_t *buf, size_t len,
				    struct vrrp_rx_meta *meta,
				    const uint8_t **msg, size_t *msg_len);

#endif /* HSB_VRRP_IPV4_H */
