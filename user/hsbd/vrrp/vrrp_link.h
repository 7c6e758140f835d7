/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the VRRP engine needs to know about an interface: whether it can
 * carry VRRP (exists, administratively up, carrier), its MAC (GARP/NA
 * source) and its primary address of a family (advert source and
 * tie-break key: IPv4 the primary address, IPv6 the link-local address).
 * When to ask again: the engine subscribes to link and address events
 * (netlink/link_events.h).
 */
#ifndef HSBD_VRRP_LINK_H
#define HSBD_VRRP_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "vrrp_codec.h"

struct mnl_socket;

struct vrrp_if_state {
	int ifindex; /* 0: no such interface */
	bool up; /* IFF_UP and IFF_RUNNING (carrier) */
	bool has_mac;
	uint8_t mac[6];
	bool has_primary;
	struct vrrp_addr primary;
};

/* Fills *out; never fails (a missing interface reads as ifindex 0). */
void vrrp_link_query(struct mnl_socket *nl, const char *ifname, int family,
		     struct vrrp_if_state *out);

#endif /* HSBD_VRRP_LINK_H */
