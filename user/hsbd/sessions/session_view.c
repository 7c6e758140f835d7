// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "sessions/session_view.h"

void hsb_session_endpoints(const struct hsb_flow_key *k,
			   const struct hsb_session *s,
			   struct hsb_endpoint *initiator,
			   struct hsb_endpoint *responder)
{
	struct hsb_endpoint a, b;

	memcpy(a.addr, k->addr_a, 16);
	a.port = k->port_a;
	memcpy(b.addr, k->addr_b, 16);
	b.port = k->port_b;
	*initiator = s->flags & HSB_SESS_F_INIT_B ? b : a;
	*responder = s->flags & HSB_SESS_F_INIT_B ? a : b;
}

static const char *const state_names[HSB_CT__MAX] = {
	[HSB_CT_NONE] = "none",
	[HSB_CT_SYN_SENT] = "syn-sent",
	[HSB_CT_SYN_RECV] = "syn-recv",
	[HSB_CT_ESTABLISHED] = "established",
	[HSB_CT_FIN_WAIT] = "fin-wait",
	[HSB_CT_CLOSE_WAIT] = "close-wait",
	[HSB_CT_TIME_WAIT] = "time-wait",
	[HSB_CT_CLOSE] = "close",
	[HSB_CT_UDP_NEW] = "new",
	[HSB_CT_UDP_ESTABLISHED] = "established",
	[HSB_CT_ICMP_NEW] = "new",
	[HSB_CT_ICMP_REPLIED] = "replied",
};

const char *hsb_ct_state_name(uint8_t state)
{
	return state < HSB_CT__MAX ? state_names[state] : "unknown";
}

const char *hsb_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "icmpv6";
	}
	return NULL;
}

void hsb_flow_addr_format(uint8_t family, const uint8_t *addr, char *buf,
			  size_t len)
{
	int af = family == HSB_FAMILY_IPV4 ? AF_INET : AF_INET6;

	if (!inet_ntop(af, addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

static const struct {
	uint32_t flag;
	const char *name;
} flag_names[] = {
	{ HSB_SESS_F_INIT_B, "init-b" },
	{ HSB_SESS_F_DIRTY, "dirty" },
	{ HSB_SESS_F_FROM_PEER, "from-peer" },
	{ HSB_SESS_F_FIN_ORIG, "fin-orig" },
	{ HSB_SESS_F_FIN_REPLY, "fin-reply" },
	{ HSB_SESS_F_NAT, "nat" },
};

void hsb_session_flag_names(uint32_t flags,
			    void (*fn)(const char *name, void *ctx), void *ctx)
{
	size_t i;

	for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if (flags & flag_names[i].flag)
			fn(flag_names[i].name, ctx);
}
