/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The filter of `show sessions` and `clear sessions`: words AND-ed
 * together, each at most once:
 *   source ADDR[/LEN]       the initiator's address
 *   destination ADDR[/LEN]  the responder's address
 *   port N                  either endpoint's port (TCP and UDP sessions)
 *   protocol tcp|udp|icmp|icmpv6
 *   zone NAME               the initiator's or the responder's zone
 *   state NAME              the STATE column (established, syn-sent, ...)
 * Pure: parsing needs only the configuration (zone names).
 */
#ifndef HSB_SESSION_FILTER_H
#define HSB_SESSION_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "hsb/session.h"

struct hsb_flow_prefix {
	uint8_t family; /* HSB_FAMILY_IPV4 / _IPV6 */
	uint8_t addr[16];
	unsigned int len;
};

struct hsb_session_filter {
	unsigned int has; /* HSB_SF_* */
	struct hsb_flow_prefix src;
	struct hsb_flow_prefix dst;
	uint16_t port;
	uint8_t proto;
	uint32_t zone;
	const char *state; /* a name hsb_ct_state_name() returns */
};

#define HSB_SF_SRC (1U << 0)
#define HSB_SF_DST (1U << 1)
#define HSB_SF_PORT (1U << 2)
#define HSB_SF_PROTO (1U << 3)
#define HSB_SF_ZONE (1U << 4)
#define HSB_SF_STATE (1U << 5)
/* translated sessions only (show nat sessions; no filter word) */
#define HSB_SF_NAT (1U << 6)

/* Whether addr (flow-key layout, of family) is inside p. */
bool hsb_flow_prefix_has(const struct hsb_flow_prefix *p, uint8_t family,
			 const uint8_t *addr);
/* The configuration's prefix in flow-key layout. */
void hsb_flow_prefix_of(struct hsb_flow_prefix *p,
			const struct hsb_cfg_prefix *c);

/* Parses argv[0..argc). Returns 0, or -1 with a message in err. */
int hsb_session_filter_parse(struct hsb_session_filter *f, int argc,
			     char *const *argv, const struct hsb_config *cfg,
			     char *err, size_t errlen);

bool hsb_session_filter_match(const struct hsb_session_filter *f,
			      const struct hsb_flow_key *k,
			      const struct hsb_session *s);

#endif /* HSB_SESSION_FILTER_H */
