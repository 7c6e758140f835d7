/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rtnetlink requests for the VRRP engine (libmnl): one request socket,
 * an acknowledged request, and a walk over the addresses of the namespace.
 *
 * The kernel answers address requests and dumps synchronously (the
 * acknowledgement is queued before sendmsg() returns, a dump is produced
 * on recvmsg()), so these calls do not wait on anything but the kernel;
 * a 1 s receive timeout guards the loop against the impossible.
 */
#ifndef HSBD_VRRP_NL_H
#define HSBD_VRRP_NL_H

#include <stdbool.h>
#include <stdint.h>

#include "vrrp_codec.h"

/* IFA_PROTO value that marks the addresses hsbd adds (VIPs), so a later
 * run finds those a crashed run left behind. 112: VRRP's IP protocol. */
#define VRRP_NL_ADDR_PROTO 112

struct mnl_socket;
struct nlmsghdr;

struct mnl_socket *vrrp_nl_open(void);
void vrrp_nl_close(struct mnl_socket *nl);

/* Send nlh (NLM_F_ACK is added) and wait for the acknowledgement.
 * Returns 0 or -errno from the kernel. */
int vrrp_nl_request(struct mnl_socket *nl, struct nlmsghdr *nlh);

/* One address as a dump reports it. */
struct vrrp_nl_addr {
	int ifindex;
	int family;
	unsigned int prefixlen;
	uint32_t flags; /* IFA_F_*, from IFA_FLAGS when present */
	uint8_t proto; /* IFA_PROTO, 0 when absent */
	uint8_t scope;
	struct vrrp_addr addr; /* IFA_LOCAL (IPv4) / IFA_ADDRESS (IPv6) */
};

typedef void (*vrrp_nl_addr_fn)(const struct vrrp_nl_addr *a, void *ctx);

/* Every address of family (AF_INET / AF_INET6) on ifindex (0: all).
 * Returns 0 or -errno. */
int vrrp_nl_addr_walk(struct mnl_socket *nl, int family, int ifindex,
		      vrrp_nl_addr_fn fn, void *ctx);

/* RTM_NEWADDR (add) / RTM_DELADDR of one address; added addresses carry
 * VRRP_NL_ADDR_PROTO and, for IPv6, IFA_F_NODAD. Returns 0 or -errno. */
int vrrp_nl_addr_change(struct mnl_socket *nl, bool add, int ifindex,
			const struct vrrp_addr *a, unsigned int prefixlen);

#endif /* HSBD_VRRP_NL_H */
