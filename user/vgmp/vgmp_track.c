// SPDX-License-Identifier: GPL-2.0-only
/* `track ip` probe accounting. See vgmp_track.h. */
#include <string.h>

#include "vgmp_track.h"

void vgmp_track_init(struct vgmp_track *t, uint32_t threshold)
{
	memset(t, 0, sizeof(*t));
	t->threshold = threshold ? threshold : 1;
	t->up = true;
}

uint16_t vgmp_track_probe(struct vgmp_track *t, bool *changed)
{
	*changed = false;
	if (t->awaiting && ++t->misses >= t->threshold && t->up) {
		t->up = false;
		t->downs++;
		*changed = true;
	}
	t->awaiting = true;
	t->probes++;
	return ++t->seq;
}

bool vgmp_track_reply(struct vgmp_track *t, uint16_t seq)
{
	bool was = t->up;

	if (!t->awaiting || seq != t->seq) {
		t->late++;
		return false;
	}
	t->awaiting = false;
	t->misses = 0;
	t->replies++;
	t->up = true;
	return !was;
}
