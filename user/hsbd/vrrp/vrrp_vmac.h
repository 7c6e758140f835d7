/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host side of a virtual MAC (docs/vrrp.md, "Virtual MAC"): XDP
 * answers ARP / ND with the vmac and takes frames sent to it
 * (bpf/lib/vaddr.h); this puts the two things outside XDP in place on
 * an interface:
 *   - the vmac in the interface's unicast address filter (a bridge-style
 *     "fdb add ... self" entry), so a NIC delivers frames sent to it;
 *   - hsb_tc_ingress on the interface's clsact ingress hook, so frames
 *     to the vmac that XDP passes are the host's own for the stack;
 *   - hsb_tc_egress on the egress hook, so the host's own
 *     advertisements, NAs and ARP leave with the vmac as source.
 */
#ifndef HSBD_VRRP_VMAC_H
#define HSBD_VRRP_VMAC_H

#include <stdint.h>

struct mnl_socket;

struct vrrp_vmac_progs {
	int ingress_fd; /* hsb_tc_ingress */
	int egress_fd; /* hsb_tc_egress */
};

/* All three steps, idempotent. Returns 0, or -errno of the first that
 * failed (the others are still tried). */
int vrrp_vmac_attach(struct mnl_socket *nl, const struct vrrp_vmac_progs *p,
		     int ifindex, const uint8_t mac[6]);
/* Undo both; an interface that is gone is not an error. */
int vrrp_vmac_detach(struct mnl_socket *nl, int ifindex, const uint8_t mac[6]);

#endif /* HSBD_VRRP_VMAC_H */
