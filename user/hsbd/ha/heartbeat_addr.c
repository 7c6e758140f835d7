// SPDX-License-Identifier: GPL-2.0-only
/* The heartbeat link's addresses. See heartbeat_addr.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ha/heartbeat_addr.h"

static void to_sockaddr(const struct hsb_cfg_addr *a, uint16_t port,
			unsigned int scope, struct sockaddr_storage *out)
{
	memset(out, 0, sizeof(*out));
	if (a->family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)out;

		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		s->sin_addr = a->v4;
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)out;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		s->sin6_addr = a->v6;
		if (IN6_IS_ADDR_LINKLOCAL(&a->v6))
			s->sin6_scope_id = scope;
	}
}

void hsb_node_of(const struct sockaddr_storage *ss, uint8_t *node)
{
	memset(node, 0, HSB_NODE_ID_SIZE);
	if (ss->ss_family == AF_INET) {
		node[10] = node[11] = 0xff;
		memcpy(node + 12, &((const struct sockaddr_in *)ss)->sin_addr,
		       4);
	} else {
		memcpy(node, &((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
	}
}

socklen_t hsb_sa_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
					   sizeof(struct sockaddr_in);
}

int hsb_sa_equal(const struct sockaddr_storage *a,
		 const struct sockaddr_storage *b, int with_port)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a;
		const struct sockaddr_in *y = (const void *)b;

		return x->sin_addr.s_addr == y->sin_addr.s_addr &&
		       (!with_port || x->sin_port == y->sin_port);
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a;
		const struct sockaddr_in6 *y = (const void *)b;

		return !memcmp(&x->sin6_addr, &y->sin6_addr, 16) &&
		       (!with_port || x->sin6_port == y->sin6_port);
	}
	return 0;
}

/* The source address the kernel picks towards remote through ifname. */
static int pick_local(const char *ifname, const struct sockaddr_storage *remote,
		      struct sockaddr_storage *local)
{
	socklen_t len = sizeof(*local);
	int fd = socket(remote->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
		       (socklen_t)strlen(ifname) + 1) ||
	    connect(fd, (const struct sockaddr *)remote, hsb_sa_len(remote)) ||
	    getsockname(fd, (struct sockaddr *)local, &len))
		ret = -errno;
	close(fd);
	return ret;
}

const char *hsb_sa_fmt(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)ss;

		inet_ntop(AF_INET, &s->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(s->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)ss;

		inet_ntop(AF_INET6, &s->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(s->sin6_port));
	} else {
		snprintf(buf, len, "%s", "");
	}
	return buf;
}

int hsb_hb_resolve(const struct hsb_cfg_hrp *h, struct hsb_hb_addr *out,
		   char *err, size_t errlen)
{
	unsigned int scope = if_nametoindex(h->ifname);
	char a[80];
	int ret;

	memset(out, 0, sizeof(*out));
	to_sockaddr(&h->remote, h->port, scope, &out->remote);
	if (h->local.family) {
		to_sockaddr(&h->local, h->port, scope, &out->local);
	} else {
		ret = pick_local(h->ifname, &out->remote, &out->local);
		if (ret) {
			snprintf(
				err, errlen,
				"no local address on %s towards %s (%s); set hrp interface ... local ADDR",
				h->ifname,
				hsb_sa_fmt(&out->remote, a, sizeof(a)),
				strerror(-ret));
			return -1;
		}
		if (out->local.ss_family == AF_INET)
			((struct sockaddr_in *)&out->local)->sin_port =
				htons(h->port);
		else
			((struct sockaddr_in6 *)&out->local)->sin6_port =
				htons(h->port);
	}
	hsb_node_of(&out->local, out->node);
	return 0;
}
