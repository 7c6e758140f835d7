// SPDX-License-Identifier: GPL-2.0-only
/*
 * rtnetlink notifications -> the batch summary. See link_batch.h.
 *
 * Only the fixed headers, the few attributes naming an interface, and a
 * neighbour's address and link-layer address are read; every length is
 * checked by libmnl's walkers (mnl_nlmsg_ok, mnl_attr_for_each) or here,
 * since the bytes come from the kernel but a truncated datagram must not
 * be read past its end.
 */
#include <string.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netconf.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include "netlink/link_batch.h"

void hsb_lev_batch_reset(struct hsb_lev_batch *b)
{
	memset(b, 0, sizeof(*b));
}

static unsigned int kind_of(uint16_t type)
{
	switch (type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		return HSB_LEV_LINK;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		return HSB_LEV_ADDR;
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		return HSB_LEV_ROUTE;
	case RTM_NEWNEIGH:
	case RTM_DELNEIGH:
		return HSB_LEV_NEIGH;
	case RTM_NEWRULE:
	case RTM_DELRULE:
		return HSB_LEV_RULE;
	case RTM_NEWNETCONF:
	case RTM_DELNETCONF:
		return HSB_LEV_NETCONF;
	case RTM_NEWNEXTHOP:
	case RTM_DELNEXTHOP:
		return HSB_LEV_NEXTHOP;
	default:
		/* still a change someone may care about (the next-hop
		 * cache invalidates on anything) */
		return HSB_LEV_OTHER;
	}
}

/* The entry of ifindex, added if new; NULL when full (the batch is then
 * "many") or for no interface (netconf's "all"/"default" are < 0). */
static struct hsb_lev_if *if_get(struct hsb_lev_batch *b, int ifindex)
{
	struct hsb_lev_if *e;
	unsigned int i;

	if (ifindex <= 0)
		return NULL;
	for (i = 0; i < b->n_ifs; i++)
		if (b->ifs[i].ifindex == ifindex)
			return &b->ifs[i];
	if (b->n_ifs == HSB_LEV_IFS) {
		b->many = true;
		return NULL;
	}
	e = &b->ifs[b->n_ifs++];
	memset(e, 0, sizeof(*e));
	e->ifindex = ifindex;
	return e;
}

static void note(struct hsb_lev_batch *b, int ifindex, unsigned int kind)
{
	struct hsb_lev_if *e = if_get(b, ifindex);

	if (e)
		e->kinds |= kind;
}

static bool has_payload(const struct nlmsghdr *nlh, size_t len)
{
	return mnl_nlmsg_get_payload_len(nlh) >= len;
}

/* A name the kernel could have given: NUL-terminated, shorter than
 * IF_NAMESIZE. Anything else stays "" rather than truncated, which could
 * name another interface. */
static void copy_name(char *dst, const struct nlattr *a)
{
	const char *s = mnl_attr_get_payload(a);
	size_t n = strnlen(s, mnl_attr_get_payload_len(a));

	if (n == mnl_attr_get_payload_len(a) || n >= IF_NAMESIZE)
		return;
	memcpy(dst, s, n + 1);
}

static void add_link(struct hsb_lev_batch *b, const struct nlmsghdr *nlh)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	struct hsb_lev_if *e;

	if (!has_payload(nlh, sizeof(*ifi)))
		return;
	e = if_get(b, ifi->ifi_index);
	if (!e)
		return;
	/* the last message is the state now: a link deleted and created
	 * again under the same ifindex (netns moves) reads as present */
	e->kinds |= HSB_LEV_LINK;
	e->deleted = nlh->nlmsg_type == RTM_DELLINK;
	e->flags = ifi->ifi_flags;
	e->name[0] = '\0';
	mnl_attr_for_each(a, nlh, sizeof(*ifi))
		if (mnl_attr_get_type(a) == IFLA_IFNAME)
			copy_name(e->name, a);
}

/* A multipath route concerns every interface it leaves by. */
static void add_multipath(struct hsb_lev_batch *b, const struct nlattr *a)
{
	const struct rtnexthop *nh = mnl_attr_get_payload(a);
	int left = (int)mnl_attr_get_payload_len(a);

	while (left >= (int)sizeof(*nh) && RTNH_OK(nh, left)) {
		note(b, nh->rtnh_ifindex, HSB_LEV_ROUTE);
		left -= (int)RTNH_ALIGN(nh->rtnh_len);
		nh = RTNH_NEXT(nh);
	}
}

static void add_route(struct hsb_lev_batch *b, const struct nlmsghdr *nlh)
{
	const struct nlattr *a;

	if (!has_payload(nlh, sizeof(struct rtmsg)))
		return;
	mnl_attr_for_each(a, nlh, sizeof(struct rtmsg)) {
		if (mnl_attr_get_type(a) == RTA_OIF &&
		    !mnl_attr_validate(a, MNL_TYPE_U32))
			note(b, (int)mnl_attr_get_u32(a), HSB_LEV_ROUTE);
		else if (mnl_attr_get_type(a) == RTA_MULTIPATH)
			add_multipath(b, a);
	}
}

/* A u32 attribute that names an interface (NHA_OIF, NETCONFA_IFINDEX). */
static void add_attr_if(struct hsb_lev_batch *b, const struct nlmsghdr *nlh,
			size_t hdrlen, uint16_t type, unsigned int kind)
{
	const struct nlattr *a;

	if (!has_payload(nlh, hdrlen))
		return;
	mnl_attr_for_each(a, nlh, hdrlen)
		if (mnl_attr_get_type(a) == type &&
		    !mnl_attr_validate(a, MNL_TYPE_U32))
			note(b, (int)mnl_attr_get_u32(a), kind);
}

/* An IPv4/IPv6 neighbour into neighs[]; other families are left out. */
static void add_neigh(struct hsb_lev_batch *b, const struct nlmsghdr *nlh)
{
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	struct hsb_lev_neigh n = { 0 };
	const struct nlattr *a;
	bool dst = false;
	size_t alen;

	if (!has_payload(nlh, sizeof(*ndm)))
		return;
	note(b, ndm->ndm_ifindex, HSB_LEV_NEIGH);
	if (ndm->ndm_family != AF_INET && ndm->ndm_family != AF_INET6)
		return;
	alen = ndm->ndm_family == AF_INET ? 4 : 16;
	n.ifindex = ndm->ndm_ifindex;
	n.family = ndm->ndm_family;
	n.deleted = nlh->nlmsg_type == RTM_DELNEIGH;
	n.state = ndm->ndm_state;
	mnl_attr_for_each(a, nlh, sizeof(*ndm)) {
		size_t len = mnl_attr_get_payload_len(a);

		if (mnl_attr_get_type(a) == NDA_DST && len == alen) {
			memcpy(n.addr, mnl_attr_get_payload(a), len);
			dst = true;
		} else if (mnl_attr_get_type(a) == NDA_LLADDR) {
			if (len > sizeof(n.lladdr)) {
				/* cannot be compared: the list is incomplete */
				b->neighs_many = true;
				return;
			}
			memcpy(n.lladdr, mnl_attr_get_payload(a), len);
			n.lladdr_len = (uint8_t)len;
		}
	}
	if (!dst || b->n_neighs == HSB_LEV_NEIGHS) {
		b->neighs_many = true;
		return;
	}
	b->neighs[b->n_neighs++] = n;
}

static void add_msg(struct hsb_lev_batch *b, const struct nlmsghdr *nlh)
{
	unsigned int kind = kind_of(nlh->nlmsg_type);
	const struct ifaddrmsg *ifa;

	b->kinds |= kind;
	switch (kind) {
	case HSB_LEV_LINK:
		add_link(b, nlh);
		break;
	case HSB_LEV_ADDR:
		ifa = mnl_nlmsg_get_payload(nlh);
		if (has_payload(nlh, sizeof(*ifa)))
			note(b, (int)ifa->ifa_index, kind);
		break;
	case HSB_LEV_ROUTE:
		add_route(b, nlh);
		break;
	case HSB_LEV_NEIGH:
		add_neigh(b, nlh);
		break;
	case HSB_LEV_NETCONF:
		add_attr_if(b, nlh, sizeof(struct netconfmsg), NETCONFA_IFINDEX,
			    kind);
		break;
	case HSB_LEV_NEXTHOP:
		add_attr_if(b, nlh, sizeof(struct nhmsg), NHA_OIF, kind);
		break;
	default:
		/* rules name interfaces by name, if at all */
		break;
	}
}

unsigned int hsb_lev_batch_add(struct hsb_lev_batch *b, const void *buf,
			       size_t len)
{
	const struct nlmsghdr *nlh = buf;
	int left = len > (size_t)INT32_MAX ? INT32_MAX : (int)len;
	unsigned int n = 0;

	while (mnl_nlmsg_ok(nlh, left)) {
		add_msg(b, nlh);
		n++;
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	b->messages += n;
	return n;
}

void hsb_lev_batch_lost(struct hsb_lev_batch *b)
{
	b->overrun = true;
	b->kinds = HSB_LEV_ANY;
}

bool hsb_lev_batch_close(struct hsb_lev_batch *b)
{
	b->resync = b->overrun || b->many;
	return b->kinds || b->resync;
}

const struct hsb_lev_if *hsb_lev_batch_find(const struct hsb_lev_batch *b,
					    int ifindex)
{
	unsigned int i;

	for (i = 0; i < b->n_ifs; i++)
		if (b->ifs[i].ifindex == ifindex)
			return &b->ifs[i];
	return NULL;
}

bool hsb_lev_batch_has_newlink(const struct hsb_lev_batch *b)
{
	unsigned int i;

	if (b->resync)
		return true;
	for (i = 0; i < b->n_ifs; i++)
		if ((b->ifs[i].kinds & HSB_LEV_LINK) && !b->ifs[i].deleted)
			return true;
	return false;
}
