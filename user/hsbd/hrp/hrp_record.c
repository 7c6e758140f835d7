// SPDX-License-Identifier: GPL-2.0-only
/* HRP state records. See hrp_record.h and docs/hrp.md ("Records"). */
#include <endian.h>
#include <string.h>

#include "hrp/hrp_record.h"

static const char *const err_names[HRP_RE__COUNT] = {
	[HRP_RE_OK] = "ok",
	[HRP_RE_SHORT] = "short",
	[HRP_RE_LENGTH] = "bad-length",
	[HRP_RE_COUNT] = "bad-count",
	[HRP_RE_FIELD] = "bad-field",
};

static const char *const type_names[HRP_REC__MAX] = {
	[HRP_REC_SESSION] = "session",
	[HRP_REC_SESSION_DEL] = "session-delete",
	[HRP_REC_NAT] = "nat",
	[HRP_REC_NAT_DEL] = "nat-delete",
};

const char *hrp_rec_err_name(enum hrp_rec_err e)
{
	return (unsigned int)e < HRP_RE__COUNT ? err_names[e] : "unknown";
}

const char *hrp_rec_type_name(enum hrp_rec_type t)
{
	return (unsigned int)t < HRP_REC__MAX && type_names[t] ? type_names[t] :
								 "unknown";
}

/* --- cursor ------------------------------------------------------------ */

/* Writes (w) or reads (!w) fields in order; the same code describes both
 * directions, so the two cannot disagree about the layout. */
struct cur {
	uint8_t *p; /* write */
	const uint8_t *q; /* read */
	bool w;
};

static void raw(struct cur *c, void *v, size_t n)
{
	if (c->w) {
		memcpy(c->p, v, n);
		c->p += n;
	} else {
		memcpy(v, c->q, n);
		c->q += n;
	}
}

static void u8(struct cur *c, uint8_t *v)
{
	raw(c, v, 1);
}

/* Big-endian on the wire: one swap and one copy per field (these run
 * per field of every record, a million times a second on a busy link). */
static void u16(struct cur *c, uint16_t *v)
{
	uint16_t x = htobe16(*v);

	raw(c, &x, 2);
	if (!c->w)
		*v = be16toh(x);
}

static void u32(struct cur *c, uint32_t *v)
{
	uint32_t x = htobe32(*v);

	raw(c, &x, 4);
	if (!c->w)
		*v = be32toh(x);
}

static void u64(struct cur *c, uint64_t *v)
{
	uint64_t x = htobe64(*v);

	raw(c, &x, 8);
	if (!c->w)
		*v = be64toh(x);
}

static void zero(struct cur *c, size_t n, bool *bad)
{
	uint8_t z[8] = { 0 };

	if (c->w) {
		raw(c, z, n);
		return;
	}
	raw(c, z, n);
	while (n--)
		*bad |= z[n] != 0;
}

/* --- bodies ------------------------------------------------------------------ */

static void flow_key(struct cur *c, struct hsb_flow_key *k, bool *bad)
{
	raw(c, k->addr_a, 16);
	raw(c, k->addr_b, 16);
	u16(c, &k->port_a);
	u16(c, &k->port_b);
	u8(c, &k->proto);
	u8(c, &k->family);
	zero(c, 2, bad);
	if (!c->w) {
		k->pad = 0;
		*bad |= k->family != HSB_FAMILY_IPV4 &&
			k->family != HSB_FAMILY_IPV6;
	}
}

static void session(struct cur *c, struct hsb_xfer_session *s, bool *bad)
{
	flow_key(c, &s->key, bad);
	u32(c, &s->flags);
	u8(c, &s->state);
	u8(c, &s->zone_in);
	u8(c, &s->zone_out);
	u8(c, &s->nat_kind);
	u16(c, &s->rule);
	u16(c, &s->nat_port);
	u32(c, &s->nat_ref);
	raw(c, s->nat_addr, 16);
	u64(c, &s->age_ns);
	u64(c, &s->idle_ns);
	u64(c, &s->packets[0]);
	u64(c, &s->packets[1]);
	u64(c, &s->bytes[0]);
	u64(c, &s->bytes[1]);
}

/* The NAT key's address is in network order in memory: carried as its
 * bytes; the port is host order: carried big-endian. */
static void nat_key(struct cur *c, uint8_t *table, struct hsb_nat_key *k,
		    bool *bad)
{
	u8(c, table);
	u8(c, &k->proto);
	u8(c, &k->dir);
	if (!c->w)
		*bad |= *table < HSB_NAT_TABLE_PAT ||
			*table > HSB_NAT_TABLE_SRV;
}

static void nat(struct cur *c, struct hsb_xfer_nat *n, bool *bad)
{
	nat_key(c, &n->table, &n->key, bad);
	u8(c, &n->zone);
	raw(c, &n->key.addr, 4);
	u16(c, &n->key.port);
	u16(c, &n->port);
	raw(c, &n->addr, 4);
	u16(c, &n->flags);
	u16(c, &n->group);
	u32(c, &n->refcnt);
	u8(c, &n->has_deadline);
	zero(c, 3, bad);
	u64(c, &n->age_ns);
	u64(c, &n->ref_idle_ns);
	u64(c, &n->expires_in_ns);
	if (!c->w)
		*bad |= n->has_deadline > 1;
}

static void nat_del(struct cur *c, struct hrp_nat_del *d, bool *bad)
{
	nat_key(c, &d->table, &d->key, bad);
	zero(c, 1, bad);
	raw(c, &d->key.addr, 4);
	u16(c, &d->key.port);
	zero(c, 2, bad);
}

static size_t len_of(unsigned int type)
{
	switch (type) {
	case HRP_REC_SESSION:
		return HRP_REC_SESSION_LEN;
	case HRP_REC_SESSION_DEL:
		return HRP_REC_SESSION_DEL_LEN;
	case HRP_REC_NAT:
		return HRP_REC_NAT_LEN;
	case HRP_REC_NAT_DEL:
		return HRP_REC_NAT_DEL_LEN;
	}
	return 0;
}

/* The body of r in either direction; *bad: a field out of range. */
static void body(struct cur *c, struct hrp_rec *r, bool *bad)
{
	switch (r->type) {
	case HRP_REC_SESSION:
		session(c, &r->s, bad);
		break;
	case HRP_REC_SESSION_DEL:
		flow_key(c, &r->key, bad);
		break;
	case HRP_REC_NAT:
		nat(c, &r->n, bad);
		break;
	case HRP_REC_NAT_DEL:
		nat_del(c, &r->nd, bad);
		break;
	case HRP_REC__MAX:
		break;
	}
}

size_t hrp_rec_encode(const struct hrp_rec *r, uint8_t *out, size_t room)
{
	size_t n = len_of(r->type);
	struct hrp_rec copy = *r;
	struct cur c = { .p = out + HRP_REC_HDR_LEN, .w = true };
	bool bad = false;

	if (!n || n > room)
		return 0;
	out[0] = (uint8_t)r->type;
	out[1] = 0;
	out[2] = (uint8_t)(n >> 8);
	out[3] = (uint8_t)n;
	body(&c, &copy, &bad);
	return n;
}

enum hrp_rec_err hrp_recs_check(const uint8_t *p, size_t len, uint32_t count,
				uint32_t *unknown)
{
	uint32_t seen = 0;

	*unknown = 0;
	while (len) {
		struct hrp_rec r;
		struct cur c;
		size_t n, want;
		bool bad = false;

		if (len < HRP_REC_HDR_LEN)
			return HRP_RE_SHORT;
		n = (size_t)(p[2] << 8 | p[3]);
		if (n < HRP_REC_HDR_LEN || n > len)
			return HRP_RE_LENGTH;
		want = len_of(p[0]);
		if (want && n != want)
			return HRP_RE_LENGTH;
		if (!want) {
			(*unknown)++;
		} else {
			if (p[1])
				return HRP_RE_FIELD;
			memset(&r, 0, sizeof(r));
			r.type = (enum hrp_rec_type)p[0];
			c = (struct cur){ .q = p + HRP_REC_HDR_LEN };
			body(&c, &r, &bad);
			if (bad)
				return HRP_RE_FIELD;
		}
		seen++;
		p += n;
		len -= n;
	}
	return seen == count ? HRP_RE_OK : HRP_RE_COUNT;
}

void hrp_rec_iter_init(struct hrp_rec_iter *it, const uint8_t *p, size_t len)
{
	it->p = p;
	it->left = len;
}

bool hrp_rec_next(struct hrp_rec_iter *it, struct hrp_rec *r)
{
	while (it->left >= HRP_REC_HDR_LEN) {
		size_t n = (size_t)(it->p[2] << 8 | it->p[3]);
		const uint8_t *p = it->p;
		struct cur c = { .q = p + HRP_REC_HDR_LEN };
		bool bad = false;

		if (n < HRP_REC_HDR_LEN || n > it->left)
			return false; /* not a checked payload */
		it->p += n;
		it->left -= n;
		if (!len_of(p[0]))
			continue;
		memset(r, 0, sizeof(*r));
		r->type = (enum hrp_rec_type)p[0];
		body(&c, r, &bad);
		return true;
	}
	return false;
}
