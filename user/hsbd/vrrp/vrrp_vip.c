// SPDX-License-Identifier: GPL-2.0-only
/* VIPs on the interface: add / remove / sweep through netlink. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "vrrp/vrrp_map.h"
#include "vrrp/vrrp_nl.h"
#include "vrrp/vrrp_vip.h"

#define SWEEP_MAX 256 /* marked addresses removed per sweep pass */

static const char *fmt(const struct vrrp_addr *a, char *buf, size_t len)
{
	if (!inet_ntop(a->family, a->b, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

int vrrp_vip_add_all(struct mnl_socket *nl, int ifindex,
		     const struct hsb_cfg_vrrp *c)
{
	char s[INET6_ADDRSTRLEN];
	unsigned int i;
	int failed = 0, ret;

	for (i = 0; i < c->n_vips; i++) {
		struct vrrp_addr a = vrrp_map_addr(&c->vips[i].addr);

		ret = vrrp_nl_addr_change(nl, true, ifindex, &a,
					  c->vips[i].len);
		if (ret == 0 || ret == -EEXIST)
			continue;
		failed++;
		hsb_log_ratelimited(HSB_LOG_ERR,
				    "vrrp %u %s: cannot add %s/%u: %s", c->vrid,
				    c->ifname, fmt(&a, s, sizeof(s)),
				    c->vips[i].len, strerror(-ret));
	}
	return failed;
}

struct marked {
	unsigned int n;
	struct vrrp_nl_addr a[SWEEP_MAX];
	const struct hsb_cfg_vrrp *only; /* NULL: every marked address */
	vrrp_vip_keep_fn keep; /* sweep: spare these */
	void *keep_ctx;
};

bool vrrp_vip_is_of(const struct hsb_cfg_vrrp *c, const struct vrrp_addr *a)
{
	unsigned int i;

	for (i = 0; i < c->n_vips; i++) {
		struct vrrp_addr v = vrrp_map_addr(&c->vips[i].addr);

		if (vrrp_addr_eq(&v, a))
			return true;
	}
	return false;
}

static void collect(const struct vrrp_nl_addr *a, void *ctx)
{
	struct marked *m = ctx;

	if (a->proto != VRRP_NL_ADDR_PROTO || m->n == SWEEP_MAX)
		return;
	if (m->only && !vrrp_vip_is_of(m->only, &a->addr))
		return;
	if (m->keep && m->keep(a, m->keep_ctx))
		return;
	m->a[m->n++] = *a;
}

/* Delete what collect() found; returns the number of failures. */
static int delete_marked(struct mnl_socket *nl, const struct marked *m)
{
	char s[INET6_ADDRSTRLEN];
	unsigned int i;
	int failed = 0, ret;

	for (i = 0; i < m->n; i++) {
		ret = vrrp_nl_addr_change(nl, false, m->a[i].ifindex,
					  &m->a[i].addr, m->a[i].prefixlen);
		if (ret == 0 || ret == -EADDRNOTAVAIL || ret == -ENODEV ||
		    ret == -ENOENT)
			continue;
		failed++;
		hsb_log_ratelimited(
			HSB_LOG_ERR,
			"vrrp: cannot remove %s/%u (ifindex %d): %s",
			fmt(&m->a[i].addr, s, sizeof(s)), m->a[i].prefixlen,
			m->a[i].ifindex, strerror(-ret));
	}
	return failed;
}

int vrrp_vip_remove_all(struct mnl_socket *nl, int ifindex,
			const struct hsb_cfg_vrrp *c)
{
	static struct marked m; /* one loop thread; too big for the stack */
	int family = c->vips[0].addr.family, ret;

	m.n = 0;
	m.only = c;
	m.keep = NULL;
	ret = vrrp_nl_addr_walk(nl, family, ifindex, collect, &m);
	if (ret) {
		hsb_log_ratelimited(HSB_LOG_ERR,
				    "vrrp %u %s: cannot list addresses: %s",
				    c->vrid, c->ifname, strerror(-ret));
		return (int)c->n_vips;
	}
	return delete_marked(nl, &m);
}

int vrrp_vip_sweep(struct mnl_socket *nl, vrrp_vip_keep_fn keep, void *ctx)
{
	static struct marked m;
	static const int families[] = { AF_INET, AF_INET6 };
	unsigned int i;
	int removed = 0, ret;

	for (i = 0; i < 2; i++) {
		m.n = 0;
		m.only = NULL;
		m.keep = keep;
		m.keep_ctx = ctx;
		ret = vrrp_nl_addr_walk(nl, families[i], 0, collect, &m);
		if (ret)
			return ret;
		delete_marked(nl, &m);
		removed += (int)m.n;
	}
	return removed;
}
