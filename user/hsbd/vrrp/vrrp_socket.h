/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Raw IP protocol 112 sockets, one per interface and family: bound to the
 * interface, the group (224.0.0.18 / ff02::12) joined on that interface
 * only, TTL / hop limit 255, no loopback of our own multicast. Received
 * packets are handed up with the IP-layer facts vrrp_decode() needs: IPv4
 * from the IP header the raw socket delivers (parsed by vrrp_ip4_parse()),
 * IPv6 from IPV6_HOPLIMIT / IPV6_PKTINFO ancillary data.
 */
#ifndef HSBD_VRRP_SOCKET_H
#define HSBD_VRRP_SOCKET_H

#include <stddef.h>
#include <stdint.h>

#include "vrrp_codec.h"
#include "vrrp_ipv4.h"

struct hsb_loop;
struct hsb_watch;
struct vrrp_sock;

typedef void (*vrrp_sock_rx_fn)(struct vrrp_sock *s, const uint8_t *msg,
				size_t len, const struct vrrp_rx_meta *meta,
				void *ctx);

struct vrrp_sock_stats {
	uint64_t rx_packets; /* read from the socket */
	uint64_t rx_bad_ip[VRRP_IP4__COUNT]; /* IPv4 header rejections */
	uint64_t rx_no_ancillary; /* IPv6 without hop limit / pktinfo */
	uint64_t rx_truncated; /* larger than any VRRP packet */
	uint64_t rx_errors; /* recvmsg() failures */
	uint64_t tx_packets;
	uint64_t tx_errors;
};

struct vrrp_sock {
	int fd;
	int family;
	int ifindex;
	unsigned int refs; /* instances using it (the engine's count) */
	struct hsb_watch *w;
	vrrp_sock_rx_fn fn;
	void *ctx;
	struct vrrp_sock_stats st;
};

/* Returns NULL with a message in err. */
struct vrrp_sock *vrrp_sock_open(struct hsb_loop *loop, const char *ifname,
				 int ifindex, int family, vrrp_sock_rx_fn fn,
				 void *ctx, char *err, size_t errlen);
void vrrp_sock_close(struct vrrp_sock *s);

/* The group address of a family. */
struct vrrp_addr vrrp_sock_group(int family);

/* Send one VRRP message from src to dst (the group or a unicast peer).
 * Returns 0 or -errno (counted in tx_errors). */
int vrrp_sock_send(struct vrrp_sock *s, const struct vrrp_addr *src,
		   const struct vrrp_addr *dst, const uint8_t *msg, size_t len);

#endif /* HSBD_VRRP_SOCKET_H */
