// SPDX-License-Identifier: GPL-2.0-only
/* Gratuitous ARP and unsolicited NA. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "vrrp/vrrp_garp.h"

struct vrrp_garp {
	int pkt_fd; /* AF_PACKET: ARP frames */
	int icmp6_fd; /* raw ICMPv6: neighbour advertisements */
};

size_t vrrp_garp_build_arp(uint8_t *buf, const uint8_t mac[6],
			   const uint8_t ip[4])
{
	uint8_t *arp = buf + 14;

	memset(buf, 0, VRRP_GARP_FRAME_LEN);
	memset(buf, 0xff, 6); /* broadcast */
	memcpy(buf + 6, mac, 6);
	buf[12] = 0x08; /* ETH_P_ARP */
	buf[13] = 0x06;
	arp[1] = 1; /* hardware type Ethernet */
	arp[2] = 0x08; /* protocol IPv4 */
	arp[4] = 6; /* hardware size */
	arp[5] = 4; /* protocol size */
	arp[7] = 1; /* request */
	memcpy(arp + 8, mac, 6); /* sender hardware address */
	memcpy(arp + 14, ip, 4); /* sender protocol address */
	/* target hardware address: zero */
	memcpy(arp + 24, ip, 4); /* target protocol address */
	return VRRP_GARP_FRAME_LEN;
}

size_t vrrp_garp_build_na(uint8_t *buf, const uint8_t mac[6],
			  const uint8_t ip6[16])
{
	memset(buf, 0, VRRP_NA_LEN);
	buf[0] = ND_NEIGHBOR_ADVERT; /* 136 */
	buf[4] = 0x80 | 0x20; /* Router, Override (not Solicited) */
	memcpy(buf + 8, ip6, 16);
	buf[24] = ND_OPT_TARGET_LINKADDR; /* 2 */
	buf[25] = 1; /* length in units of 8 bytes */
	memcpy(buf + 26, mac, 6);
	return VRRP_NA_LEN;
}

struct vrrp_garp *vrrp_garp_open(char *err, size_t errlen)
{
	struct vrrp_garp *g = calloc(1, sizeof(*g));
	struct icmp6_filter filt;
	int hops = 255;

	if (!g) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	g->icmp6_fd = -1;
	/* protocol 0: this socket receives nothing */
	g->pkt_fd =
		socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (g->pkt_fd < 0) {
		snprintf(err, errlen, "AF_PACKET socket: %s", strerror(errno));
		goto err;
	}
	g->icmp6_fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
			     IPPROTO_ICMPV6);
	if (g->icmp6_fd < 0) {
		snprintf(err, errlen, "ICMPv6 socket: %s", strerror(errno));
		goto err;
	}
	ICMP6_FILTER_SETBLOCKALL(&filt); /* send only */
	if (setsockopt(g->icmp6_fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt,
		       sizeof(filt)) ||
	    setsockopt(g->icmp6_fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
		       sizeof(hops)) ||
	    setsockopt(g->icmp6_fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops,
		       sizeof(hops))) {
		snprintf(err, errlen, "ICMPv6 socket options: %s",
			 strerror(errno));
		goto err;
	}
	return g;
err:
	vrrp_garp_close(g);
	return NULL;
}

void vrrp_garp_close(struct vrrp_garp *g)
{
	if (!g)
		return;
	if (g->pkt_fd >= 0)
		close(g->pkt_fd);
	if (g->icmp6_fd >= 0)
		close(g->icmp6_fd);
	free(g);
}

static int send_arp(struct vrrp_garp *g, int ifindex, const uint8_t mac[6],
		    const uint8_t ip[4])
{
	uint8_t frame[VRRP_GARP_FRAME_LEN];
	struct sockaddr_ll to = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_ARP),
				  .sll_ifindex = ifindex,
				  .sll_halen = 6 };
	size_t len = vrrp_garp_build_arp(frame, mac, ip);

	memset(to.sll_addr, 0xff, 6);
	if (sendto(g->pkt_fd, frame, len, 0, (struct sockaddr *)&to,
		   sizeof(to)) < 0)
		return -errno;
	return 0;
}

static int send_na(struct vrrp_garp *g, int ifindex, const uint8_t mac[6],
		   const uint8_t ip6[16], const struct vrrp_addr *src6)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	uint8_t msg[VRRP_NA_LEN];
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} cb;
	struct sockaddr_in6 to = { .sin6_family = AF_INET6,
				   .sin6_scope_id = (uint32_t)ifindex };
	struct in6_pktinfo pi = { .ipi6_ifindex = (unsigned int)ifindex };
	struct iovec iov = { .iov_base = msg,
			     .iov_len = vrrp_garp_build_na(msg, mac, ip6) };
	struct msghdr mh = { .msg_name = &to,
			     .msg_namelen = sizeof(to),
			     .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cb.buf,
			     .msg_controllen = sizeof(cb.buf) };
	struct cmsghdr *c;

	memset(&cb, 0, sizeof(cb));
	memcpy(&to.sin6_addr, all_nodes, 16);
	if (src6 && src6->family == AF_INET6)
		memcpy(&pi.ipi6_addr, src6->b, 16);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	if (sendmsg(g->icmp6_fd, &mh, MSG_DONTWAIT) < 0)
		return -errno;
	return 0;
}

int vrrp_garp_send(struct vrrp_garp *g, int ifindex, const uint8_t mac[6],
		   const struct vrrp_addr *vip, const struct vrrp_addr *src6)
{
	if (vip->family == AF_INET)
		return send_arp(g, ifindex, mac, vip->b);
	if (vip->family == AF_INET6)
		return send_na(g, ifindex, mac, vip->b, src6);
	return -EAFNOSUPPORT;
}
