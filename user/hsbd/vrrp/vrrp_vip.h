/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Virtual IPs on the interface (netlink). Addresses hsbd adds are marked
 * with IFA_PROTO VRRP_NL_ADDR_PROTO; removal touches only marked ones, so
 * an address the administrator configured (the address owner's real
 * address, priority 255) is never deleted, and a sweep finds what a
 * crashed run left. Idempotent: an address already present / already
 * gone is not an error.
 */
#ifndef HSBD_VRRP_VIP_H
#define HSBD_VRRP_VIP_H

#include "config_model.h"

struct mnl_socket;

/* Returns the number of addresses that could not be added (each logged,
 * rate-limited). */
int vrrp_vip_add_all(struct mnl_socket *nl, int ifindex,
		     const struct hsb_cfg_vrrp *c);
/* Returns the number that could not be removed. */
int vrrp_vip_remove_all(struct mnl_socket *nl, int ifindex,
			const struct hsb_cfg_vrrp *c);
/* Removes every marked address of the namespace; returns how many, or
 * -errno when the addresses cannot be listed. */
int vrrp_vip_sweep(struct mnl_socket *nl);

#endif /* HSBD_VRRP_VIP_H */
