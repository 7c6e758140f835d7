/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The heartbeat link's addresses (`hrp interface IF remote ADDR [local
 * ADDR] [port N]`), shared by VGMP's hello socket and HRP's connection:
 * the local and remote socket addresses and this host's node id.
 */
#ifndef HSBD_HEARTBEAT_ADDR_H
#define HSBD_HEARTBEAT_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "config_model.h"

#define HSB_NODE_ID_SIZE 16

struct hsb_hb_addr {
	struct sockaddr_storage local, remote; /* both with the port */
	/* the local address, IPv4 as IPv4-mapped IPv6: compared as bytes
	 * for tie-breaks (VGMP) and the connection that wins (HRP) */
	uint8_t node[HSB_NODE_ID_SIZE];
};

/* Without `local`, the source address the kernel picks towards remote
 * through the interface. 0, or -1 with the reason in err. */
int hsb_hb_resolve(const struct hsb_cfg_hrp *h, struct hsb_hb_addr *out,
		   char *err, size_t errlen);

/* The node id of address ss (IPv4 as IPv4-mapped IPv6). */
void hsb_node_of(const struct sockaddr_storage *ss, uint8_t *node);

/* "a.b.c.d:port" / "[v6]:port"; "" for AF_UNSPEC. */
const char *hsb_sa_fmt(const struct sockaddr_storage *ss, char *buf,
		       size_t len);
socklen_t hsb_sa_len(const struct sockaddr_storage *ss);
/* Same address (and port when with_port). */
int hsb_sa_equal(const struct sockaddr_storage *a,
		 const struct sockaddr_storage *b, int with_port);

#endif /* HSBD_HEARTBEAT_ADDR_H */
