// SPDX-License-Identifier: GPL-2.0-only
/* Records -> their transfer form. See xfer.h. */
#include <string.h>

#include "records/xfer.h"

static uint64_t age(uint64_t t, uint64_t now)
{
	if (!t)
		return HSB_XFER_NEVER;
	return t < now ? now - t : 0;
}

void hsb_xfer_session_of(const struct hsb_session_event *ev, uint64_t now,
			 struct hsb_xfer_session *out)
{
	const struct hsb_session *s = &ev->sess;

	memset(out, 0, sizeof(*out));
	out->key = ev->key;
	out->flags = s->flags;
	out->state = s->state;
	out->zone_in = s->zone_in;
	out->zone_out = s->zone_out;
	out->rule = s->rule;
	out->age_ns = age(s->created_ns, now);
	out->idle_ns = age(s->last_seen_ns, now);
	memcpy(out->packets, s->packets, sizeof(out->packets));
	memcpy(out->bytes, s->bytes, sizeof(out->bytes));
	out->nat_kind = s->nat.kind;
	memcpy(out->nat_addr, s->nat.addr, sizeof(out->nat_addr));
	out->nat_port = s->nat.port;
	out->nat_ref = s->nat.ref;
}

void hsb_xfer_nat_of(const struct hsb_nat_event *ev, uint64_t now,
		     struct hsb_xfer_nat *out)
{
	const struct hsb_nat_entry *v = &ev->nat.val;

	memset(out, 0, sizeof(*out));
	out->table = ev->nat.table;
	out->key = ev->nat.key;
	out->addr = v->addr;
	out->port = v->port;
	out->flags = v->flags;
	out->refcnt = v->refcnt;
	out->group = v->group;
	out->zone = v->zone;
	out->age_ns = age(v->created_ns, now);
	out->ref_idle_ns = age(v->last_ref_ns, now);
	out->has_deadline = v->expires_ns != 0;
	out->expires_in_ns = v->expires_ns > now ? v->expires_ns - now : 0;
}
