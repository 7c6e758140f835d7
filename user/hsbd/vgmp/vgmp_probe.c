// SPDX-License-Identifier: GPL-2.0-only
/* ICMP echo probes for `track ip`. See vgmp_probe.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netinet/icmp6.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>

#include "evloop.h"
#include "vgmp/vgmp_probe.h"

struct vgmp_probe {
	int fd;
	int family;
	struct sockaddr_storage dst;
	uint16_t id;
	struct hsb_watch *w;
	struct hsb_timer *t;
	struct vgmp_track tr;
	uint64_t send_errors;
	vgmp_probe_fn fn;
	void *ctx;
};

static uint16_t csum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static void send_probe(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	struct vgmp_probe *p = ctx;
	struct icmphdr h4;
	struct icmp6_hdr h6;
	const void *msg;
	size_t len;
	bool changed;
	uint16_t seq;

	(void)loop;
	(void)t;
	seq = vgmp_track_probe(&p->tr, &changed);
	if (changed)
		p->fn(p, p->tr.up, p->ctx);
	if (p->family == AF_INET) {
		memset(&h4, 0, sizeof(h4));
		h4.type = ICMP_ECHO;
		h4.un.echo.id = htons(p->id);
		h4.un.echo.sequence = htons(seq);
		h4.checksum = csum(&h4, sizeof(h4));
		msg = &h4;
		len = sizeof(h4);
	} else {
		/* the kernel fills the ICMPv6 checksum on raw sockets */
		memset(&h6, 0, sizeof(h6));
		h6.icmp6_type = ICMP6_ECHO_REQUEST;
		h6.icmp6_id = htons(p->id);
		h6.icmp6_seq = htons(seq);
		msg = &h6;
		len = sizeof(h6);
	}
	if (sendto(p->fd, msg, len, 0, (const struct sockaddr *)&p->dst,
		   p->family == AF_INET ? sizeof(struct sockaddr_in) :
					  sizeof(struct sockaddr_in6)) < 0)
		p->send_errors++;
}

/* Our echo replies only: the raw socket sees every ICMP packet. */
static void readable(struct hsb_loop *loop, int fd, uint32_t events, void *ctx)
{
	struct vgmp_probe *p = ctx;
	uint8_t buf[256];
	unsigned int i;
	ssize_t n;

	(void)loop;
	(void)events;
	for (i = 0; i < 64; i++) {
		const uint8_t *icmp = buf;
		uint16_t id, seq;
		size_t left;

		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n <= 0)
			return;
		left = (size_t)n;
		if (p->family == AF_INET) {
			size_t ihl = (buf[0] & 0x0f) * 4u;

			/* IPv4 raw sockets deliver the IP header */
			if (left < ihl + sizeof(struct icmphdr))
				continue;
			icmp += ihl;
			left -= ihl;
			if (icmp[0] != ICMP_ECHOREPLY)
				continue;
		} else if (left < sizeof(struct icmp6_hdr) ||
			   icmp[0] != ICMP6_ECHO_REPLY) {
			continue;
		}
		id = (uint16_t)(icmp[4] << 8 | icmp[5]);
		seq = (uint16_t)(icmp[6] << 8 | icmp[7]);
		if (id == p->id && vgmp_track_reply(&p->tr, seq))
			p->fn(p, p->tr.up, p->ctx);
	}
}

struct vgmp_probe *vgmp_probe_start(struct hsb_loop *loop,
				    const struct hsb_cfg_track *tr,
				    vgmp_probe_fn fn, void *ctx, char *err,
				    size_t errlen)
{
	struct vgmp_probe *p = calloc(1, sizeof(*p));
	int fam = tr->ip.family;

	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->fn = fn;
	p->ctx = ctx;
	p->family = fam;
	vgmp_track_init(&p->tr, tr->threshold);
	if (getrandom(&p->id, sizeof(p->id), 0) != sizeof(p->id))
		p->id = (uint16_t)getpid();
	if (fam == AF_INET) {
		struct sockaddr_in *d = (void *)&p->dst;

		d->sin_family = AF_INET;
		d->sin_addr = tr->ip.v4;
		p->fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
			       IPPROTO_ICMP);
	} else {
		struct sockaddr_in6 *d = (void *)&p->dst;

		d->sin6_family = AF_INET6;
		d->sin6_addr = tr->ip.v6;
		p->fd = socket(AF_INET6,
			       SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
			       IPPROTO_ICMPV6);
	}
	if (p->fd < 0)
		goto fail;
	if (fam == AF_INET6) {
		struct icmp6_filter f;

		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
		setsockopt(p->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
	}
	if (tr->ifname[0] &&
	    setsockopt(p->fd, SOL_SOCKET, SO_BINDTODEVICE, tr->ifname,
		       (socklen_t)strlen(tr->ifname) + 1))
		goto fail;
	p->w = hsb_loop_watch(loop, p->fd, EPOLLIN, readable, p);
	p->t = hsb_timer_new(loop, send_probe, p);
	if (!p->w || !p->t ||
	    hsb_timer_arm(p->t, tr->interval_ms, tr->interval_ms)) {
		errno = ENOMEM;
		goto fail;
	}
	return p;
fail:
	snprintf(err, errlen, "probe socket: %s", strerror(errno));
	vgmp_probe_stop(p);
	return NULL;
}

void vgmp_probe_stop(struct vgmp_probe *p)
{
	if (!p)
		return;
	hsb_timer_free(p->t);
	hsb_watch_free(p->w);
	if (p->fd > 0)
		close(p->fd);
	free(p);
}

const struct vgmp_track *vgmp_probe_state(const struct vgmp_probe *p)
{
	return &p->tr;
}

uint64_t vgmp_probe_send_errors(const struct vgmp_probe *p)
{
	return p->send_errors;
}
