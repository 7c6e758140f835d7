// SPDX-License-Identifier: GPL-2.0-only
/* Coalescing in HRP's sender. See hrp_coalesce.h. */
#include <string.h>

#include "hrp/hrp_coalesce.h"

void hrp_coalesce_init(struct hrp_coalesce *c)
{
	memset(c, 0, sizeof(*c));
	c->gen = 1;
}

void hrp_coalesce_reset(struct hrp_coalesce *c)
{
	c->used = 0;
	if (++c->gen == 0) {
		/* wrapped: slots of generation 0 would look in use */
		memset(c->s, 0, sizeof(c->s));
		c->gen = 1;
	}
}

static uint32_t hash(const struct hsb_flow_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint32_t h = 2166136261u; /* FNV-1a */
	size_t i;

	for (i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* k's slot, or the free slot where it would go; NULL: full, absent. */
static struct hrp_coalesce_slot *slot(const struct hrp_coalesce *c,
				      const struct hsb_flow_key *k)
{
	uint32_t i = hash(k) & (HRP_COALESCE_SLOTS - 1), n;

	for (n = 0; n < HRP_COALESCE_SLOTS; n++) {
		const struct hrp_coalesce_slot *s = &c->s[i];

		if (s->gen != c->gen || !memcmp(&s->key, k, sizeof(*k)))
			return (struct hrp_coalesce_slot *)s;
		i = (i + 1) & (HRP_COALESCE_SLOTS - 1);
	}
	return NULL;
}

uint32_t hrp_coalesce_find(const struct hrp_coalesce *c,
			   const struct hsb_flow_key *k)
{
	const struct hrp_coalesce_slot *s = slot(c, k);

	return s && s->gen == c->gen ? s->off : HRP_COALESCE_NONE;
}

bool hrp_coalesce_put(struct hrp_coalesce *c, const struct hsb_flow_key *k,
		      uint32_t off)
{
	struct hrp_coalesce_slot *s = slot(c, k);

	if (!s)
		return false;
	if (s->gen != c->gen) {
		/* keep one slot free: lookups of absent keys end */
		if (c->used + 1 >= HRP_COALESCE_SLOTS)
			return false;
		c->used++;
		s->key = *k;
		s->gen = c->gen;
	}
	s->off = off;
	return true;
}

void hrp_coalesce_forget(struct hrp_coalesce *c, const struct hsb_flow_key *k)
{
	struct hrp_coalesce_slot *s = slot(c, k);

	/* the key keeps its slot (no hole in a probe chain), unplaced */
	if (s && s->gen == c->gen)
		s->off = HRP_COALESCE_NONE;
}
