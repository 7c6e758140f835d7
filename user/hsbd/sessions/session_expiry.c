// SPDX-License-Identifier: GPL-2.0-only
#include <netinet/in.h>

#include "sessions/session_expiry.h"

#define NSEC_PER_SEC 1000000000ULL

enum hsb_session_tmo hsb_session_tmo_kind(uint8_t state, uint8_t proto)
{
	switch (state) {
	case HSB_CT_SYN_SENT:
	case HSB_CT_SYN_RECV:
		return HSB_TMO_TCP_SYN;
	case HSB_CT_ESTABLISHED:
		return HSB_TMO_TCP_ESTABLISHED;
	case HSB_CT_FIN_WAIT:
	case HSB_CT_CLOSE_WAIT:
		return HSB_TMO_TCP_FIN;
	case HSB_CT_TIME_WAIT:
		return HSB_TMO_TCP_TIME_WAIT;
	case HSB_CT_CLOSE:
		return HSB_TMO_TCP_CLOSE;
	case HSB_CT_UDP_NEW:
	case HSB_CT_UDP_ESTABLISHED:
		return HSB_TMO_UDP;
	case HSB_CT_ICMP_NEW:
	case HSB_CT_ICMP_REPLIED:
		return HSB_TMO_ICMP;
	}
	switch (proto) {
	case IPPROTO_TCP:
		return HSB_TMO_TCP_CLOSE;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return HSB_TMO_ICMP;
	}
	return HSB_TMO_UDP;
}

uint64_t hsb_session_timeout_ns(const struct hsb_cfg_session *cs, uint8_t state,
				uint8_t proto)
{
	return (uint64_t)cs->timeout[hsb_session_tmo_kind(state, proto)] *
	       NSEC_PER_SEC;
}

uint64_t hsb_session_idle_ns(const struct hsb_session *s, uint64_t now)
{
	return now > s->last_seen_ns ? now - s->last_seen_ns : 0;
}

uint64_t hsb_session_expires_in_ns(const struct hsb_cfg_session *cs,
				   uint8_t proto, const struct hsb_session *s,
				   uint64_t now)
{
	uint64_t tmo = hsb_session_timeout_ns(cs, s->state, proto);
	uint64_t idle = hsb_session_idle_ns(s, now);

	return idle >= tmo ? 0 : tmo - idle;
}

bool hsb_session_expired(const struct hsb_cfg_session *cs, uint8_t proto,
			 const struct hsb_session *s, uint64_t now)
{
	return hsb_session_expires_in_ns(cs, proto, s, now) == 0;
}
