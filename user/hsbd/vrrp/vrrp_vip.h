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

#include <stdbool.h>

#include "config_model.h"
#include "vrrp_codec.h"

struct mnl_socket;

/* Returns the number of addresses that could not be added (each logged,
 * rate-limited). */
int vrrp_vip_add_all(struct mnl_socket *nl, int ifindex,
		     const struct hsb_cfg_vrrp *c);
/* Returns the number that could not be removed. */
int vrrp_vip_remove_all(struct mnl_socket *nl, int ifindex,
			const struct hsb_cfg_vrrp *c);
struct vrrp_nl_addr;
/* Whether a is one of c's VIPs (any interface). */
bool vrrp_vip_is_of(const struct hsb_cfg_vrrp *c, const struct vrrp_addr *a);
/* Removes every marked address of the namespace but those keep() says
 * to keep (keep may be NULL); returns how many, or -errno when the
 * addresses cannot be listed. */
typedef bool (*vrrp_vip_keep_fn)(const struct vrrp_nl_addr *a, void *ctx);
int vrrp_vip_sweep(struct mnl_socket *nl, vrrp_vip_keep_fn keep, void *ctx);

#endif /* HSBD_VRRP_VIP_H */
