// SPDX-License-Identifier: GPL-2.0-only
/*
 * Route watcher: keeps the datapath's next-hop cache honest.
 *
 * Every session direction caches its bpf_fib_lookup() answer (egress,
 * MACs), valid while the datapath's next-hop generation is unchanged
 * (bpf/lib/nexthop.h). This engine listens on an rtnetlink socket to the
 * groups whose changes can change a FIB answer: links (up/down, MTU, MAC,
 * XDP), IPv4/IPv6 addresses, IPv4/IPv6 routes, policy-routing rules, next
 * hop objects, neighbours (MAC changes, NUD state) and netconf (the
 * forwarding sysctls). It does not parse the messages: any message bumps
 * the generation, which is cheap (one store) and safe (each flow's next
 * packet asks the FIB again). A round of the event loop drains what the
 * socket holds, at most HSB_RW_BATCH datagrams, and bumps at most once.
 * An overrun (ENOBUFS: the kernel dropped notifications) bumps too: lost
 * events must invalidate.
 *
 * The window: between a change in the kernel and the bump, packets of
 * established sessions may still use the old next hop, for at most one
 * event-loop round of hsbd (the socket is watched by epoll; callbacks
 * never block).
 *
 * Start order: the socket subscribes first, then the generation is
 * bumped, so no change made before the subscription can hide behind a
 * cache filled before it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <json-c/json.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "datapath/datapath.h"
#include "log.h"
#include "nat/nat_engine.h"
#include "datapath/route_watch.h"

/* Datagrams read per loop round at most; the rest waits for the next. */
#define HSB_RW_BATCH 64
/* Socket receive buffer asked for: bursts (a link going down withdraws
 * all its routes and neighbours) should not overrun it. */
#define HSB_RW_RCVBUF (4 << 20)

static const unsigned int rw_groups[] = {
	RTNLGRP_LINK,	      RTNLGRP_NEIGH,	  RTNLGRP_IPV4_IFADDR,
	RTNLGRP_IPV6_IFADDR,  RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE,
	RTNLGRP_IPV4_RULE,    RTNLGRP_IPV6_RULE,  RTNLGRP_IPV4_NETCONF,
	RTNLGRP_IPV6_NETCONF, RTNLGRP_NEXTHOP,
};

struct route_watch {
	struct mnl_socket *nl;
	struct hsb_watch *watch;
	struct hsbd *d;
	uint64_t messages; /* notifications received */
	uint64_t bumps; /* generation bumps made by this engine */
	uint64_t overruns; /* ENOBUFS: notifications lost */
	uint64_t errors; /* other receive errors */
};

static struct route_watch rw;

static void rw_bump(struct route_watch *w)
{
	if (!w->d->dp)
		return;
	hsb_datapath_nh_bump(w->d->dp);
	w->bumps++;
}

/* Messages in one datagram (a multipart dump never comes here, but a
 * datagram may carry several notifications); *link is set when one is
 * about a link appearing, so a re-created interface gets hsb_xdp back. */
static unsigned int rw_count(const void *buf, size_t len, bool *link,
			     bool *addr)
{
	const struct nlmsghdr *nlh = buf;
	int left = (int)len;
	unsigned int n = 0;

	while (mnl_nlmsg_ok(nlh, left)) {
		n++;
		if (nlh->nlmsg_type == RTM_NEWLINK)
			*link = true;
		if (nlh->nlmsg_type == RTM_NEWADDR ||
		    nlh->nlmsg_type == RTM_DELADDR)
			*addr = true;
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	return n;
}

static void rw_readable(struct hsb_loop *loop, int fd, uint32_t events,
			void *ctx)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct route_watch *w = ctx;
	bool changed = false, link = false, addr = false;
	unsigned int i;
	ssize_t n;

	(void)loop;
	(void)fd;
	(void)events;
	for (i = 0; i < HSB_RW_BATCH; i++) {
		n = mnl_socket_recvfrom(w->nl, buf, sizeof(buf));
		if (n > 0) {
			w->messages += rw_count(buf, (size_t)n, &link, &addr);
			changed = true;
			continue;
		}
		if (n < 0 && errno == ENOBUFS) {
			/* Lost notifications: whatever they said, the
			 * cache may be stale. The socket stays usable. */
			w->overruns++;
			changed = true;
			link = addr = true;
			hsb_log_ratelimited(
				HSB_LOG_WARNING,
				"route watch: netlink overrun; next-hop cache invalidated");
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			w->errors++;
			hsb_log_ratelimited(HSB_LOG_WARNING,
					    "route watch: recv: %s",
					    strerror(errno));
		}
		break;
	}
	if (link && w->d->dp)
		hsb_datapath_relink(w->d);
	/* where public NAT addresses are answered follows links and
	 * subnets */
	if (link || addr)
		hsb_nat_rebind(w->d);
	if (changed)
		rw_bump(w);
}

static int rw_open(struct route_watch *w, char *err, size_t errlen)
{
	int fd, size = HSB_RW_RCVBUF;
	unsigned int i;

	w->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!w->nl) {
		snprintf(err, errlen, "route watch: netlink socket: %s",
			 strerror(errno));
		return -errno;
	}
	fd = mnl_socket_get_fd(w->nl);
	/* FORCE needs CAP_NET_ADMIN (hsbd has it); else what rmem_max
	 * allows. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (mnl_socket_bind(w->nl, 0, MNL_SOCKET_AUTOPID))
		goto fail;
	/* By membership, not bind()'s group mask: RTNLGRP_NEXTHOP is above
	 * 32. A kernel without a group refuses only that one. */
	for (i = 0; i < sizeof(rw_groups) / sizeof(rw_groups[0]); i++) {
		int grp = (int)rw_groups[i];

		if (mnl_socket_setsockopt(w->nl, NETLINK_ADD_MEMBERSHIP, &grp,
					  sizeof(grp)) &&
		    rw_groups[i] != RTNLGRP_NEXTHOP)
			goto fail;
	}
	w->watch = hsb_loop_watch(w->d->loop, fd, EPOLLIN, rw_readable, w);
	if (!w->watch) {
		errno = ENOMEM;
		goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "route watch: netlink subscription: %s",
		 strerror(errno));
	mnl_socket_close(w->nl);
	w->nl = NULL;
	return -EIO;
}

static int rw_reconcile(struct hsbd *d, const struct hsb_config *cfg, char *err,
			size_t errlen)
{
	int ret;

	(void)cfg;
	if (rw.nl)
		return 0;
	memset(&rw, 0, sizeof(rw));
	rw.d = d;
	ret = rw_open(&rw, err, errlen);
	if (ret)
		return ret;
	/* Subscribed: changes from now on bump. One bump now covers what
	 * changed before (hsbd start, or the datapath adopted from an
	 * earlier hsbd). */
	rw_bump(&rw);
	hsb_info(
		"route watch: listening for link, address, route and neighbour changes");
	return 0;
}

static void rw_stop(struct hsbd *d)
{
	(void)d;
	if (rw.watch)
		hsb_watch_free(rw.watch);
	if (rw.nl)
		mnl_socket_close(rw.nl);
	rw.watch = NULL;
	rw.nl = NULL;
}

static void rw_counters(struct hsbd *d, struct json_object *out)
{
	(void)d;
	json_object_object_add(out, "messages",
			       json_object_new_uint64(rw.messages));
	json_object_object_add(out, "bumps", json_object_new_uint64(rw.bumps));
	json_object_object_add(out, "overruns",
			       json_object_new_uint64(rw.overruns));
	json_object_object_add(out, "errors",
			       json_object_new_uint64(rw.errors));
}

const struct hsb_engine hsb_route_watch_engine = {
	.name = "route_watch",
	.reconcile = rw_reconcile,
	.stop = rw_stop,
	.counters = rw_counters,
};
