// SPDX-License-Identifier: GPL-2.0-only
/* rtnetlink requests and address dumps for the VRRP engine (libmnl). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "vrrp/vrrp_nl.h"

static uint32_t next_seq(void)
{
	static uint32_t seq;

	if (!seq)
		seq = (uint32_t)time(NULL);
	return ++seq;
}

struct mnl_socket *vrrp_nl_open(void)
{
	struct timeval tv = { .tv_sec = 1 };
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	int one = 1;

	if (!nl)
		return NULL;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv,
		       sizeof(tv)) < 0) {
		mnl_socket_close(nl);
		return NULL;
	}
	/* Errors on requests carry only the header: smaller replies. */
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	return nl;
}

void vrrp_nl_close(struct mnl_socket *nl)
{
	if (nl)
		mnl_socket_close(nl);
}

/* Receive until the reply to seq ends; cb may be NULL (an ack). */
static int run(struct mnl_socket *nl, uint32_t seq, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t portid = mnl_socket_get_portid(nl);
	ssize_t n;
	int ret;

	for (;;) {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		ret = mnl_cb_run(buf, (size_t)n, seq, portid, cb, data);
		if (ret < 0) {
			/* a reply to an older request that timed out: skip */
			if (errno == EPROTO || errno == ESRCH)
				continue;
			return -errno;
		}
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

int vrrp_nl_request(struct mnl_socket *nl, struct nlmsghdr *nlh)
{
	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = next_seq();
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return run(nl, nlh->nlmsg_seq, NULL, NULL);
}

struct walk {
	int ifindex;
	vrrp_nl_addr_fn fn;
	void *ctx;
};

static int addr_attr(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, IFA_MAX) < 0)
		return MNL_CB_OK; /* newer than our headers */
	tb[type] = attr;
	return MNL_CB_OK;
}

static int addr_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFA_MAX + 1] = { 0 };
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	struct walk *w = data;
	struct vrrp_nl_addr out = { 0 };
	size_t alen;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifa)) ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return MNL_CB_OK;
	if (w->ifindex && (int)ifa->ifa_index != w->ifindex)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*ifa), addr_attr, tb) < 0)
		return MNL_CB_OK;
	/* IPv4: IFA_LOCAL is the address (IFA_ADDRESS the peer on p2p) */
	a = ifa->ifa_family == AF_INET && tb[IFA_LOCAL] ? tb[IFA_LOCAL] :
							  tb[IFA_ADDRESS];
	alen = ifa->ifa_family == AF_INET ? 4 : 16;
	if (!a || mnl_attr_get_payload_len(a) != alen)
		return MNL_CB_OK;
	out.ifindex = (int)ifa->ifa_index;
	out.family = ifa->ifa_family;
	out.prefixlen = ifa->ifa_prefixlen;
	out.scope = ifa->ifa_scope;
	out.flags = ifa->ifa_flags;
	if (tb[IFA_FLAGS] && mnl_attr_get_payload_len(tb[IFA_FLAGS]) == 4)
		out.flags = mnl_attr_get_u32(tb[IFA_FLAGS]);
	if (tb[IFA_PROTO] && mnl_attr_get_payload_len(tb[IFA_PROTO]) == 1)
		out.proto = mnl_attr_get_u8(tb[IFA_PROTO]);
	out.addr = vrrp_addr_make(ifa->ifa_family, mnl_attr_get_payload(a));
	w->fn(&out, w->ctx);
	return MNL_CB_OK;
}

int vrrp_nl_addr_walk(struct mnl_socket *nl, int family, int ifindex,
		      vrrp_nl_addr_fn fn, void *ctx)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	struct walk w = { .ifindex = ifindex, .fn = fn, .ctx = ctx };

	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = next_seq();
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)family;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return run(nl, nlh->nlmsg_seq, addr_msg, &w);
}

int vrrp_nl_addr_change(struct mnl_socket *nl, bool add, int ifindex,
			const struct vrrp_addr *a, unsigned int prefixlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	size_t alen = vrrp_addr_len(a->family);
	struct ifaddrmsg *ifa;

	if (!alen || prefixlen > alen * 8)
		return -EINVAL;
	nlh->nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST |
			   (add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)a->family;
	ifa->ifa_prefixlen = (uint8_t)prefixlen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, alen, a->b);
	mnl_attr_put(nlh, IFA_ADDRESS, alen, a->b);
	if (add) {
		if (a->family == AF_INET6) {
			/* usable at once: the backup does not hold it, and a
			 * DAD wait would lengthen every takeover */
			ifa->ifa_flags = IFA_F_NODAD;
			mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
		}
		mnl_attr_put_u8(nlh, IFA_PROTO, VRRP_NL_ADDR_PROTO);
	}
	return vrrp_nl_request(nl, nlh);
}
