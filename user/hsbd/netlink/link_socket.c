// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rtnetlink socket of the link-event source. See link_socket.h.
 *
 * Non-blocking, watched by the loop: a round reads at most HSB_LEV_ROUND
 * datagrams (the rest waits for the next round, so a flood cannot starve
 * the other watches), then flushes the batch once. The receive buffer is
 * large because a burst it cannot hold costs every subscriber a resync.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "evloop.h"
#include "log.h"
#include "netlink/link_events.h"
#include "netlink/link_socket.h"

/* A datagram's size at most: notifications are far smaller (the
 * kernel's dump size, libmnl's MNL_SOCKET_DUMP_SIZE, which Debian 12's
 * libmnl lacks); one cut short is a loss. */
#define LEV_BUF 32768

static const unsigned int groups[] = {
	RTNLGRP_LINK,	      RTNLGRP_NEIGH,	  RTNLGRP_IPV4_IFADDR,
	RTNLGRP_IPV6_IFADDR,  RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE,
	RTNLGRP_IPV4_RULE,    RTNLGRP_IPV6_RULE,  RTNLGRP_IPV4_NETCONF,
	RTNLGRP_IPV6_NETCONF, RTNLGRP_NEXTHOP,
};

struct hsb_lev_socket {
	struct mnl_socket *nl;
	struct hsb_watch *watch;
	struct hsb_link_events *src;
	uint64_t errors;
	char buf[LEV_BUF];
};

static void readable(struct hsb_loop *loop, int fd, uint32_t events, void *ctx)
{
	struct hsb_lev_socket *s = ctx;
	unsigned int i;
	ssize_t n;

	(void)loop;
	(void)fd;
	(void)events;
	for (i = 0; i < HSB_LEV_ROUND; i++) {
		n = mnl_socket_recvfrom(s->nl, s->buf, sizeof(s->buf));
		if (n > 0) {
			hsb_lev_feed(s->src, s->buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == ENOBUFS) {
			/* The kernel dropped notifications; the socket
			 * stays usable. */
			hsb_lev_lost(s->src);
			hsb_log_ratelimited(
				HSB_LOG_WARNING,
				"link events: netlink overrun (notifications lost); every subscriber resyncs");
			continue;
		}
		if (n < 0 && errno == ENOSPC) {
			/* truncated (MSG_TRUNC): what it said is unknown */
			s->errors++;
			hsb_lev_lost(s->src);
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			s->errors++;
			hsb_log_ratelimited(HSB_LOG_WARNING,
					    "link events: recv: %s",
					    strerror(errno));
		}
		break;
	}
	hsb_lev_flush(s->src);
}

static int join_groups(struct mnl_socket *nl)
{
	unsigned int i;

	/* By membership, not bind()'s group mask: RTNLGRP_NEXTHOP is above
	 * 32. A kernel without a group refuses only that one. */
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		int grp = (int)groups[i];

		if (mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &grp,
					  sizeof(grp)) &&
		    groups[i] != RTNLGRP_NEXTHOP)
			return -1;
	}
	return 0;
}

int hsb_lev_socket_open(struct hsb_lev_socket **out,
			struct hsb_link_events *src, struct hsb_loop *loop,
			int rcvbuf, char *err, size_t errlen)
{
	struct hsb_lev_socket *s = calloc(1, sizeof(*s));
	int fd, ret;

	if (!s) {
		snprintf(err, errlen, "link events: out of memory");
		return -ENOMEM;
	}
	s->src = src;
	s->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!s->nl)
		goto fail;
	fd = mnl_socket_get_fd(s->nl);
	/* FORCE needs CAP_NET_ADMIN (hsbd has it); else what rmem_max
	 * allows. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID) || join_groups(s->nl))
		goto fail;
	s->watch = hsb_loop_watch(loop, fd, EPOLLIN, readable, s);
	if (!s->watch) {
		errno = ENOMEM;
		goto fail;
	}
	*out = s;
	return 0;
fail:
	ret = errno ? -errno : -EIO;
	snprintf(err, errlen, "link events: netlink subscription: %s",
		 strerror(-ret));
	hsb_lev_socket_close(s);
	return ret;
}

void hsb_lev_socket_close(struct hsb_lev_socket *s)
{
	if (!s)
		return;
	if (s->watch)
		hsb_watch_free(s->watch);
	if (s->nl)
		mnl_socket_close(s->nl);
	free(s);
}

uint64_t hsb_lev_socket_errors(const struct hsb_lev_socket *s)
{
	return s ? s->errors : 0;
}
