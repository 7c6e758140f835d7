// SPDX-License-Identifier: GPL-2.0-only
/* Interface state for VRRP: ioctl for flags and MAC, a netlink dump for
 * the primary address, a netlink group subscription for changes. */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <net/if_arp.h>
#include <linux/rtnetlink.h>

#include "evloop.h"
#include "log.h"
#include "vrrp/vrrp_link.h"
#include "vrrp/vrrp_nl.h"

struct vrrp_link {
	struct mnl_socket *nl;
	struct hsb_watch *w;
	vrrp_link_cb cb;
	void *ctx;
	uint64_t overruns;
};

static int ioctl_fd(void)
{
	static int fd = -1;

	if (fd < 0)
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	return fd;
}

struct pick {
	int family;
	bool found;
	struct vrrp_addr a;
};

/* IPv4: the first primary (not secondary) address. IPv6: the first
 * usable link-local address. Never an address hsbd added (a VIP). */
static void pick_primary(const struct vrrp_nl_addr *a, void *ctx)
{
	struct pick *p = ctx;

	if (p->found || a->proto == VRRP_NL_ADDR_PROTO)
		return;
	if (p->family == AF_INET) {
		if (a->flags & IFA_F_SECONDARY)
			return;
	} else {
		if (a->addr.b[0] != 0xfe || (a->addr.b[1] & 0xc0) != 0x80)
			return;
		if (a->flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED))
			return;
	}
	p->found = true;
	p->a = a->addr;
}

void vrrp_link_query(struct mnl_socket *nl, const char *ifname, int family,
		     struct vrrp_if_state *out)
{
	struct pick p = { .family = family };
	struct ifreq ifr;
	int fd = ioctl_fd();

	memset(out, 0, sizeof(*out));
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	if (fd < 0 || ioctl(fd, SIOCGIFINDEX, &ifr) < 0)
		return;
	out->ifindex = ifr.ifr_ifindex;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0)
		out->up = (ifr.ifr_flags & IFF_UP) &&
			  (ifr.ifr_flags & IFF_RUNNING);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0 &&
	    ifr.ifr_hwaddr.sa_family == ARPHRD_ETHER) {
		memcpy(out->mac, ifr.ifr_hwaddr.sa_data, 6);
		out->has_mac = true;
	}
	if (vrrp_nl_addr_walk(nl, family, out->ifindex, pick_primary, &p) ==
		    0 &&
	    p.found) {
		out->has_primary = true;
		out->primary = p.a;
	}
}

static void readable(struct hsb_loop *loop, int fd, uint32_t events, void *ctx)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct vrrp_link *l = ctx;
	bool any = false;
	ssize_t n;

	(void)loop;
	(void)events;
	/* The content does not matter: any change re-reads the state. */
	for (;;) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0) {
			any = true;
			continue;
		}
		if (n < 0 && errno == ENOBUFS) {
			l->overruns++;
			any = true;
			continue;
		}
		break;
	}
	if (any)
		l->cb(l->ctx);
}

struct vrrp_link *vrrp_link_watch(struct hsb_loop *loop, vrrp_link_cb cb,
				  void *ctx)
{
	struct vrrp_link *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->cb = cb;
	l->ctx = ctx;
	l->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!l->nl || mnl_socket_bind(l->nl,
				      RTMGRP_LINK | RTMGRP_IPV4_IFADDR |
					      RTMGRP_IPV6_IFADDR,
				      MNL_SOCKET_AUTOPID) < 0)
		goto err;
	l->w = hsb_loop_watch(loop, mnl_socket_get_fd(l->nl), EPOLLIN, readable,
			      l);
	if (!l->w)
		goto err;
	return l;
err:
	if (l->nl)
		mnl_socket_close(l->nl);
	free(l);
	return NULL;
}

void vrrp_link_unwatch(struct vrrp_link *l)
{
	if (!l)
		return;
	hsb_watch_free(l->w);
	mnl_socket_close(l->nl);
	free(l);
}

uint64_t vrrp_link_overruns(const struct vrrp_link *l)
{
	return l ? l->overruns : 0;
}
