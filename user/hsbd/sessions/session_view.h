/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A session entry as people read it: the canonical key (endpoint a is the
 * smaller one, include/hsb/flow.h) turned back into initiator and
 * responder with HSB_SESS_F_INIT_B, state and protocol names, flags. Pure.
 */
#ifndef HSB_SESSION_VIEW_H
#define HSB_SESSION_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "hsb/session.h"

struct hsb_endpoint {
	uint8_t addr[16]; /* IPv4 in the first 4 bytes */
	uint16_t port; /* host order; ICMP echo: the identifier */
};

void hsb_session_endpoints(const struct hsb_flow_key *k,
			   const struct hsb_session *s,
			   struct hsb_endpoint *initiator,
			   struct hsb_endpoint *responder);

/* "established", "syn-sent", "new" ...; the STATE column and the names
 * `show sessions state NAME` takes. "unknown" for a value this build does
 * not know. */
const char *hsb_ct_state_name(uint8_t state);

/* "tcp", "udp", "icmp", "icmpv6"; NULL for another protocol. */
const char *hsb_proto_name(uint8_t proto);

/* "10.0.0.1", "2001:db8::1" by the key's family. */
void hsb_flow_addr_format(uint8_t family, const uint8_t *addr, char *buf,
			  size_t len);

/* Calls fn with the name of every flag set ("dirty", "from-peer" ...). */
void hsb_session_flag_names(uint32_t flags,
			    void (*fn)(const char *name, void *ctx), void *ctx);

#endif /* HSB_SESSION_VIEW_H */
