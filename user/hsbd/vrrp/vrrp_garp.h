/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Gratuitous ARP (IPv4, AF_PACKET) and unsolicited neighbour
 * advertisements (IPv6, raw ICMPv6, hop limit 255, Override and Router
 * flags, target link-layer address option) for the VIPs of a new master,
 * so hosts and switches relearn where the addresses are. Source MAC: the
 * interface's (the virtual MAC comes with the XDP virtual-IP program).
 * The frame builders are pure.
 */
#ifndef HSBD_VRRP_GARP_H
#define HSBD_VRRP_GARP_H

#include <stddef.h>
#include <stdint.h>

#include "vrrp_codec.h"

#define VRRP_GARP_FRAME_LEN 60 /* Ethernet minimum without FCS */
#define VRRP_NA_LEN 32 /* NA header 24 + target link-layer option 8 */

/* A gratuitous ARP request (RFC 5227 announcement: sender and target
 * protocol address both the VIP, target hardware address zero) to the
 * broadcast address, padded to 60 bytes. Returns the length. */
size_t vrrp_garp_build_arp(uint8_t *buf, const uint8_t mac[6],
			   const uint8_t ip[4]);

/* An unsolicited NA for ip6 (RFC 4861 §7.2.6) with R and O set and the
 * target link-layer address option; the checksum is left 0 (the kernel
 * fills it on raw ICMPv6 sockets). Returns the length. */
size_t vrrp_garp_build_na(uint8_t *buf, const uint8_t mac[6],
			  const uint8_t ip6[16]);

struct vrrp_garp;

struct vrrp_garp *vrrp_garp_open(char *err, size_t errlen);
void vrrp_garp_close(struct vrrp_garp *g);

/* One GARP / NA for vip out of ifindex. src6: the IPv6 source (the
 * interface's link-local address; ignored for IPv4). Returns 0 or
 * -errno. */
int vrrp_garp_send(struct vrrp_garp *g, int ifindex, const uint8_t mac[6],
		   const struct vrrp_addr *vip, const struct vrrp_addr *src6);

#endif /* HSBD_VRRP_GARP_H */
