// SPDX-License-Identifier: GPL-2.0-only
/* IPv4 header of a received VRRP packet (raw sockets deliver it). */
#include <string.h>
#include <sys/socket.h>

#include "vrrp_ipv4.h"

#define IP4_MIN_HDR 20

static const char *const names[VRRP_IP4__COUNT] = {
	[VRRP_IP4_OK] = "ok",
	[VRRP_IP4_TOO_SHORT] = "ip-too-short",
	[VRRP_IP4_BAD_VERSION] = "ip-bad-version",
	[VRRP_IP4_BAD_IHL] = "ip-bad-header-length",
	[VRRP_IP4_BAD_TOTAL_LENGTH] = "ip-bad-total-length",
	[VRRP_IP4_BAD_PROTOCOL] = "ip-bad-protocol",
	[VRRP_IP4_FRAGMENT] = "ip-fragment",
};

const char *vrrp_ip4_result_name(enum vrrp_ip4_result r)
{
	if ((unsigned int)r >= VRRP_IP4__COUNT)
		return "unknown";
	return names[r];
}

enum vrrp_ip4_result vrrp_ip4_parse(const uint8_t *buf, size_t len,
				    struct vrrp_rx_meta *meta,
				    const uint8_t **msg, size_t *msg_len)
{
	size_t ihl, total;

	if (len < IP4_MIN_HDR)
		return VRRP_IP4_TOO_SHORT;
	if (buf[0] >> 4 != 4)
		return VRRP_IP4_BAD_VERSION;
	ihl = (size_t)(buf[0] & 0x0f) * 4;
	if (ihl < IP4_MIN_HDR || ihl > len)
		return VRRP_IP4_BAD_IHL;
	total = (size_t)buf[2] << 8 | buf[3];
	if (total < ihl || total > len)
		return VRRP_IP4_BAD_TOTAL_LENGTH;
	/* flags + fragment offset: MF (0x2000) or any offset */
	if (((buf[6] << 8 | buf[7]) & 0x3fff) != 0)
		return VRRP_IP4_FRAGMENT;
	if (buf[9] != VRRP_IPPROTO)
		return VRRP_IP4_BAD_PROTOCOL;
	memset(meta, 0, sizeof(*meta));
	meta->ttl = buf[8];
	meta->src = vrrp_addr_make(AF_INET, buf + 12);
	meta->dst = vrrp_addr_make(AF_INET, buf + 16);
	*msg = buf + ihl;
	*msg_len = total - ihl;
	return VRRP_IP4_OK;
}
