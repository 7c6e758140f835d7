// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sessions/session_filter.h"
#include "sessions/session_view.h"
#include "firewall/zones.h"

static const char *const filter_words[] = {
	"source", "destination", "port", "protocol", "zone", "state"
};

#define N_WORDS (sizeof(filter_words) / sizeof(filter_words[0]))

static int parse_prefix(const char *word, const char *s,
			struct hsb_flow_prefix *p, char *err, size_t errlen)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned int max;
	char *end;
	long len;

	memset(p, 0, sizeof(*p));
	if (alen >= sizeof(addr))
		goto bad;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, p->addr) == 1)
		p->family = HSB_FAMILY_IPV4;
	else if (inet_pton(AF_INET6, addr, p->addr) == 1)
		p->family = HSB_FAMILY_IPV6;
	else
		goto bad;
	max = p->family == HSB_FAMILY_IPV4 ? 32 : 128;
	p->len = max;
	if (slash) {
		errno = 0;
		len = strtol(slash + 1, &end, 10);
		if (errno || *end || end == slash + 1 || len < 0 ||
		    len > (long)max)
			goto bad;
		p->len = (unsigned int)len;
	}
	return 0;
bad:
	snprintf(err, errlen,
		 "%s: expected an IPv4 or IPv6 address[/LEN], got '%.64s'",
		 word, s);
	return -1;
}

bool hsb_flow_prefix_has(const struct hsb_flow_prefix *p, uint8_t family,
			 const uint8_t *addr)
{
	unsigned int full = p->len / 8, rest = p->len % 8;
	uint8_t mask;

	if (p->family != family || memcmp(p->addr, addr, full))
		return false;
	if (!rest)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return (p->addr[full] & mask) == (addr[full] & mask);
}

void hsb_flow_prefix_of(struct hsb_flow_prefix *p,
			const struct hsb_cfg_prefix *c)
{
	memset(p, 0, sizeof(*p));
	p->len = c->len;
	if (c->addr.family == AF_INET) {
		p->family = HSB_FAMILY_IPV4;
		memcpy(p->addr, &c->addr.v4, 4);
	} else {
		p->family = HSB_FAMILY_IPV6;
		memcpy(p->addr, &c->addr.v6, 16);
	}
}

static int parse_proto(const char *s, uint8_t *proto, char *err, size_t errlen)
{
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP,
					  IPPROTO_ICMP, IPPROTO_ICMPV6 };
	size_t i;

	for (i = 0; i < sizeof(protos); i++)
		if (!strcmp(s, hsb_proto_name(protos[i]))) {
			*proto = protos[i];
			return 0;
		}
	snprintf(
		err, errlen,
		"protocol: expected one of tcp, udp, icmp, icmpv6, got '%.40s'",
		s);
	return -1;
}

static int parse_state(const char *s, const char **state, char *err,
		       size_t errlen)
{
	uint8_t st;

	for (st = 0; st < HSB_CT__MAX; st++)
		if (!strcmp(s, hsb_ct_state_name(st))) {
			*state = hsb_ct_state_name(st);
			return 0;
		}
	snprintf(
		err, errlen,
		"state: expected one of syn-sent, syn-recv, established, fin-wait, close-wait, time-wait, close, new, replied, got '%.40s'",
		s);
	return -1;
}

static int parse_port(const char *s, uint16_t *port, char *err, size_t errlen)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || s[0] == '-' || s[0] == '+' || v < 1 ||
	    v > 65535) {
		snprintf(err, errlen, "port: expected 1..65535, got '%.40s'",
			 s);
		return -1;
	}
	*port = (uint16_t)v;
	return 0;
}

static int parse_value(struct hsb_session_filter *f, unsigned int w,
		       const char *v, const struct hsb_config *cfg, char *err,
		       size_t errlen)
{
	switch (w) {
	case 0:
		return parse_prefix("source", v, &f->src, err, errlen);
	case 1:
		return parse_prefix("destination", v, &f->dst, err, errlen);
	case 2:
		return parse_port(v, &f->port, err, errlen);
	case 3:
		return parse_proto(v, &f->proto, err, errlen);
	case 4:
		f->zone = hsb_zone_id(cfg, v);
		if (f->zone)
			return 0;
		snprintf(err, errlen, "zone: no such zone '%.40s'", v);
		return -1;
	default:
		return parse_state(v, &f->state, err, errlen);
	}
}

int hsb_session_filter_parse(struct hsb_session_filter *f, int argc,
			     char *const *argv, const struct hsb_config *cfg,
			     char *err, size_t errlen)
{
	unsigned int w;
	int i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < argc; i += 2) {
		for (w = 0; w < N_WORDS && strcmp(argv[i], filter_words[w]);
		     w++)
			;
		if (w == N_WORDS) {
			snprintf(
				err, errlen,
				"unknown filter '%.40s' (expected source, destination, port, protocol, zone or state)",
				argv[i]);
			return -1;
		}
		if (f->has & (1U << w)) {
			snprintf(err, errlen, "filter '%s' given twice",
				 filter_words[w]);
			return -1;
		}
		if (i + 1 >= argc) {
			snprintf(err, errlen, "filter '%s' needs a value",
				 filter_words[w]);
			return -1;
		}
		if (parse_value(f, w, argv[i + 1], cfg, err, errlen))
			return -1;
		f->has |= 1U << w;
	}
	return 0;
}

bool hsb_session_filter_match(const struct hsb_session_filter *f,
			      const struct hsb_flow_key *k,
			      const struct hsb_session *s)
{
	struct hsb_endpoint ini, rsp;
	bool has_ports = k->proto == IPPROTO_TCP || k->proto == IPPROTO_UDP;

	if (f->has & HSB_SF_NAT && !(s->flags & HSB_SESS_F_NAT))
		return false;
	hsb_session_endpoints(k, s, &ini, &rsp);
	if (f->has & HSB_SF_SRC &&
	    !hsb_flow_prefix_has(&f->src, k->family, ini.addr))
		return false;
	if (f->has & HSB_SF_DST &&
	    !hsb_flow_prefix_has(&f->dst, k->family, rsp.addr))
		return false;
	if (f->has & HSB_SF_PORT &&
	    (!has_ports || (ini.port != f->port && rsp.port != f->port)))
		return false;
	if (f->has & HSB_SF_PROTO && k->proto != f->proto)
		return false;
	if (f->has & HSB_SF_ZONE && s->zone_in != f->zone &&
	    s->zone_out != f->zone)
		return false;
	if (f->has & HSB_SF_STATE &&
	    strcmp(hsb_ct_state_name(s->state), f->state))
		return false;
	return true;
}
