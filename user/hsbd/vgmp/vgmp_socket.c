// SPDX-License-Identifier: GPL-2.0-only
/* The VGMP heartbeat socket. See vgmp_socket.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "evloop.h"
#include "ha/heartbeat_addr.h"
#include "vgmp/vgmp_socket.h"
#include "vgmp_codec.h"

#define DSCP_CS6 0xc0 /* in the TOS / traffic class byte */

struct vgmp_sock {
	int fd;
	struct sockaddr_storage remote;
	socklen_t remote_len;
	struct hsb_watch *w;
	vgmp_sock_rx_fn fn;
	void *ctx;
	struct vgmp_sock_stats st;
};

/* Up to max datagrams, in the order they came, to the callback. */
static void read_some(struct vgmp_sock *s, unsigned int max)
{
	/* one byte more than any message: a longer one is cut, and seen */
	uint8_t buf[VGMP_MAX_MSG + 1];
	struct sockaddr_storage from;
	socklen_t flen;
	unsigned int i;
	ssize_t n;

	for (i = 0; i < max; i++) {
		flen = sizeof(from);
		n = recvfrom(s->fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &flen);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				s->st.rx_errors++;
			return;
		}
		s->st.rx_packets++;
		/* the remote address and port only */
		if (!hsb_sa_equal(&from, &s->remote, 1)) {
			s->st.rx_foreign++;
			continue;
		}
		if ((size_t)n > VGMP_MAX_MSG) {
			s->st.rx_oversized++;
			continue;
		}
		s->fn(buf, (size_t)n, s->ctx);
	}
}

static void readable(struct hsb_loop *loop, int fd, uint32_t events, void *ctx)
{
	(void)loop;
	(void)fd;
	(void)events;
	/* bounded: a flood cannot hold the loop */
	read_some(ctx, 64);
}

void vgmp_sock_drain(struct vgmp_sock *s)
{
	/* a receive buffer's worth of hellos at most (the default rmem
	 * holds a few hundred): bounded like readable() */
	read_some(s, 1024);
}

struct vgmp_sock *vgmp_sock_open(struct hsb_loop *loop, const char *ifname,
				 const struct sockaddr_storage *local,
				 const struct sockaddr_storage *remote,
				 vgmp_sock_rx_fn fn, void *ctx, char *err,
				 size_t errlen)
{
	struct vgmp_sock *s = calloc(1, sizeof(*s));
	int one = 1, tos = DSCP_CS6, prio = 6;
	int fam = remote->ss_family;

	if (!s) {
		snprintf(err, errlen, "vgmp: out of memory");
		return NULL;
	}
	s->remote = *remote;
	s->remote_len = hsb_sa_len(remote);
	s->fn = fn;
	s->ctx = ctx;
	s->fd = socket(fam, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		goto fail;
	if (setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(s->fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
		       (socklen_t)strlen(ifname) + 1))
		goto fail;
	/* network control: ahead of anything else queued on the link */
	if (fam == AF_INET)
		setsockopt(s->fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	else
		setsockopt(s->fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos));
	setsockopt(s->fd, SOL_SOCKET, SO_PRIORITY, &prio, sizeof(prio));
	if (bind(s->fd, (const struct sockaddr *)local, hsb_sa_len(local)))
		goto fail;
	s->w = hsb_loop_watch(loop, s->fd, EPOLLIN, readable, s);
	if (!s->w) {
		errno = ENOMEM;
		goto fail;
	}
	return s;
fail:
	snprintf(err, errlen, "vgmp: heartbeat socket on %s: %s", ifname,
		 strerror(errno));
	vgmp_sock_close(s);
	return NULL;
}

void vgmp_sock_close(struct vgmp_sock *s)
{
	if (!s)
		return;
	hsb_watch_free(s->w);
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

int vgmp_sock_send(struct vgmp_sock *s, const uint8_t *msg, size_t len)
{
	ssize_t n = sendto(s->fd, msg, len, 0,
			   (const struct sockaddr *)&s->remote, s->remote_len);

	if (n == (ssize_t)len) {
		s->st.tx_packets++;
		return 0;
	}
	s->st.tx_errors++;
	return n < 0 ? -errno : -EIO;
}

const struct vgmp_sock_stats *vgmp_sock_stats(const struct vgmp_sock *s)
{
	return &s->st;
}
