// SPDX-License-Identifier: GPL-2.0-only
/* Interface state for VRRP: ioctl for flags and MAC, a netlink dump for
 * the primary address. Changes arrive through the link-event source
 * (netlink/link_events.h), to which the engine subscribes. */
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <net/if_arp.h>

#include "vrrp/vrrp_link.h"
#include "vrrp/vrrp_nl.h"

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
