// SPDX-License-Identifier: GPL-2.0-only
/* Raw VRRP sockets: setup, receive with IP-layer facts, send. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "evloop.h"
#include "vrrp/vrrp_socket.h"

#define RX_BATCH 64 /* packets per wake-up, then back to the loop */
#define RX_BUF 8192 /* > 60-byte IP header + the largest VRRP message */

static const uint8_t group4[4] = { 224, 0, 0, 18 };
static const uint8_t group6[16] = { 0xff, 0x02, [15] = 0x12 };

struct vrrp_addr vrrp_sock_group(int family)
{
	return vrrp_addr_make(family, family == AF_INET ? group4 : group6);
}

static int setopt(int fd, int level, int name, const void *v, socklen_t len,
		  const char *what, char *err, size_t errlen)
{
	if (setsockopt(fd, level, name, v, len) == 0)
		return 0;
	snprintf(err, errlen, "%s: %s", what, strerror(errno));
	return -1;
}

static int setup4(int fd, int ifindex, char *err, size_t errlen)
{
	struct ip_mreqn mr = { .imr_ifindex = ifindex };
	int ttl = VRRP_TTL, off = 0;

	memcpy(&mr.imr_multiaddr, group4, 4);
	return setopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl),
		      "IP_MULTICAST_TTL", err, errlen) ||
	       setopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl), "IP_TTL", err,
		      errlen) ||
	       setopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &off, sizeof(off),
		      "IP_MULTICAST_LOOP", err, errlen) ||
	       setopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr),
		      "IP_MULTICAST_IF", err, errlen) ||
	       setopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr),
		      "joining 224.0.0.18", err, errlen);
}

static int setup6(int fd, int ifindex, char *err, size_t errlen)
{
	struct ipv6_mreq mr = { .ipv6mr_interface = (unsigned int)ifindex };
	int hops = VRRP_TTL, off = 0, on = 1;

	memcpy(&mr.ipv6mr_multiaddr, group6, 16);
	return setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
		      sizeof(hops), "IPV6_MULTICAST_HOPS", err, errlen) ||
	       setopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops),
		      "IPV6_UNICAST_HOPS", err, errlen) ||
	       setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof(off),
		      "IPV6_MULTICAST_LOOP", err, errlen) ||
	       setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex,
		      sizeof(ifindex), "IPV6_MULTICAST_IF", err, errlen) ||
	       setopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on),
		      "IPV6_RECVHOPLIMIT", err, errlen) ||
	       setopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on),
		      "IPV6_RECVPKTINFO", err, errlen) ||
	       setopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mr, sizeof(mr),
		      "joining ff02::12", err, errlen);
}

/* IPv6: source from the socket address, destination and hop limit from
 * ancillary data. Returns 0, or -1 if something is missing. */
static int meta6(struct msghdr *mh, const struct sockaddr_in6 *from,
		 struct vrrp_rx_meta *meta)
{
	struct cmsghdr *c;
	bool have_dst = false, have_hops = false;

	memset(meta, 0, sizeof(*meta));
	if (mh->msg_namelen < sizeof(*from) || from->sin6_family != AF_INET6)
		return -1;
	meta->src = vrrp_addr_make(AF_INET6, &from->sin6_addr);
	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != IPPROTO_IPV6)
			continue;
		if (c->cmsg_type == IPV6_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			meta->dst = vrrp_addr_make(AF_INET6, &pi.ipi6_addr);
			have_dst = true;
		} else if (c->cmsg_type == IPV6_HOPLIMIT &&
			   c->cmsg_len >= CMSG_LEN(sizeof(int))) {
			int hops;

			memcpy(&hops, CMSG_DATA(c), sizeof(hops));
			meta->ttl = (unsigned int)hops;
			have_hops = true;
		}
	}
	return have_dst && have_hops ? 0 : -1;
}

static void handle(struct vrrp_sock *s, const uint8_t *buf, size_t n,
		   struct msghdr *mh, const struct sockaddr_in6 *from6)
{
	struct vrrp_rx_meta meta;
	const uint8_t *msg = buf;
	size_t len = n;

	if (s->family == AF_INET) {
		enum vrrp_ip4_result r =
			vrrp_ip4_parse(buf, n, &meta, &msg, &len);

		if (r != VRRP_IP4_OK) {
			s->st.rx_bad_ip[r]++;
			return;
		}
	} else if (meta6(mh, from6, &meta)) {
		s->st.rx_no_ancillary++;
		return;
	}
	s->fn(s, msg, len, &meta, s->ctx);
}

static void readable(struct hsb_loop *loop, int fd, uint32_t events, void *ctx)
{
	static uint8_t buf[RX_BUF];
	struct vrrp_sock *s = ctx;
	int i;

	(void)loop;
	(void)events;
	for (i = 0; i < RX_BATCH; i++) {
		struct sockaddr_in6 from; /* large enough for either family */
		char cbuf[256];
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr mh = { .msg_name = &from,
				     .msg_namelen = sizeof(from),
				     .msg_iov = &iov,
				     .msg_iovlen = 1,
				     .msg_control = cbuf,
				     .msg_controllen = sizeof(cbuf) };
		ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);

		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				s->st.rx_errors++;
			return;
		}
		s->st.rx_packets++;
		if (mh.msg_flags & MSG_TRUNC) {
			s->st.rx_truncated++;
			continue;
		}
		handle(s, buf, (size_t)n, &mh, &from);
	}
}

struct vrrp_sock *vrrp_sock_open(struct hsb_loop *loop, const char *ifname,
				 int ifindex, int family, vrrp_sock_rx_fn fn,
				 void *ctx, char *err, size_t errlen)
{
	struct vrrp_sock *s = calloc(1, sizeof(*s));
	int fd;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    VRRP_IPPROTO);
	if (fd < 0) {
		snprintf(err, errlen, "raw socket: %s", strerror(errno));
		free(s);
		return NULL;
	}
	if (setopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
		   (socklen_t)strlen(ifname) + 1, "SO_BINDTODEVICE", err,
		   errlen) ||
	    (family == AF_INET ? setup4(fd, ifindex, err, errlen) :
				 setup6(fd, ifindex, err, errlen)))
		goto err;
	s->fd = fd;
	s->family = family;
	s->ifindex = ifindex;
	s->fn = fn;
	s->ctx = ctx;
	s->w = hsb_loop_watch(loop, fd, EPOLLIN, readable, s);
	if (!s->w) {
		snprintf(err, errlen, "cannot watch the socket");
		goto err;
	}
	return s;
err:
	close(fd);
	free(s);
	return NULL;
}

void vrrp_sock_close(struct vrrp_sock *s)
{
	if (!s)
		return;
	hsb_watch_free(s->w);
	close(s->fd);
	free(s);
}

static bool link_scoped6(const struct vrrp_addr *a)
{
	return (a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80) ||
	       (a->b[0] == 0xff && (a->b[1] & 0x0f) <= 2);
}

int vrrp_sock_send(struct vrrp_sock *s, const struct vrrp_addr *src,
		   const struct vrrp_addr *dst, const uint8_t *msg, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} cb;
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} to;
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	struct msghdr mh = { .msg_name = &to,
			     .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cb.buf };
	struct cmsghdr *c;

	memset(&to, 0, sizeof(to));
	memset(&cb, 0, sizeof(cb));
	c = (struct cmsghdr *)cb.buf;
	if (s->family == AF_INET) {
		struct in_pktinfo pi = { .ipi_ifindex = s->ifindex };

		to.v4.sin_family = AF_INET;
		memcpy(&to.v4.sin_addr, dst->b, 4);
		mh.msg_namelen = sizeof(to.v4);
		/* ipi_spec_dst: the source address of the packet */
		memcpy(&pi.ipi_spec_dst, src->b, 4);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
	} else {
		struct in6_pktinfo pi = { .ipi6_ifindex =
						  (unsigned int)s->ifindex };

		to.v6.sin6_family = AF_INET6;
		memcpy(&to.v6.sin6_addr, dst->b, 16);
		if (link_scoped6(dst))
			to.v6.sin6_scope_id = (uint32_t)s->ifindex;
		mh.msg_namelen = sizeof(to.v6);
		memcpy(&pi.ipi6_addr, src->b, 16);
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
	}
	if (sendmsg(s->fd, &mh, MSG_DONTWAIT) < 0) {
		s->st.tx_errors++;
		return -errno;
	}
	s->st.tx_packets++;
	return 0;
}
