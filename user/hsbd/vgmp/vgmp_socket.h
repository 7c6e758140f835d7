/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The heartbeat socket for VGMP hellos: UDP, bound to the heartbeat
 * link's local address and the `hrp interface ... port` (the same number
 * HRP's TCP stream uses; UDP and TCP ports are apart), SO_BINDTODEVICE to
 * the heartbeat interface, DSCP CS6 (network control). Hellos never
 * queue behind HRP's bulk stream: they have their own socket. Only
 * datagrams from the configured remote address and port are handed up;
 * others are counted and dropped.
 */
#ifndef HSBD_VGMP_SOCKET_H
#define HSBD_VGMP_SOCKET_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

struct hsb_loop;
struct vgmp_sock;

struct vgmp_sock_stats {
	uint64_t rx_packets;
	uint64_t rx_foreign; /* not from the remote address and port */
	uint64_t rx_oversized;
	uint64_t rx_errors;
	uint64_t tx_packets;
	uint64_t tx_errors;
};

typedef void (*vgmp_sock_rx_fn)(const uint8_t *msg, size_t len, void *ctx);

/* local and remote: the same family (AF_INET or AF_INET6). Returns NULL
 * with a message in err. */
struct vgmp_sock *vgmp_sock_open(struct hsb_loop *loop, const char *ifname,
				 const struct sockaddr_storage *local,
				 const struct sockaddr_storage *remote,
				 vgmp_sock_rx_fn fn, void *ctx, char *err,
				 size_t errlen);
void vgmp_sock_close(struct vgmp_sock *s);

/* Every datagram queued now, in order, to the callback (at most 1024). */
void vgmp_sock_drain(struct vgmp_sock *s);
/* Sends one message to the remote. 0 or -errno (counted). */
int vgmp_sock_send(struct vgmp_sock *s, const uint8_t *msg, size_t len);

const struct vgmp_sock_stats *vgmp_sock_stats(const struct vgmp_sock *s);

#endif /* HSBD_VGMP_SOCKET_H */
