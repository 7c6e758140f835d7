/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `track ip` probes, the pure part: an address is probed every interval
 * (ICMP echo); an interval that ends without the reply to its probe is a
 * miss; `threshold` misses in a row make the target down, the first reply
 * makes it up again. A target starts up, so a host that just started is
 * not penalised before it had a chance to hear back.
 */
#ifndef HSB_VGMP_TRACK_H
#define HSB_VGMP_TRACK_H

#include <stdbool.h>
#include <stdint.h>

struct vgmp_track {
	uint32_t threshold;
	uint32_t misses; /* in a row */
	bool up;
	bool awaiting; /* the last probe has no reply yet */
	uint16_t seq; /* of the last probe */
	uint64_t probes, replies, late; /* late: a reply to an older probe */
	uint64_t downs;
};

void vgmp_track_init(struct vgmp_track *t, uint32_t threshold);
/* A new probe goes out: the one before it, if unanswered, was a miss.
 * Returns the sequence number to put in it; *changed when up/down
 * changed. */
uint16_t vgmp_track_probe(struct vgmp_track *t, bool *changed);
/* A reply with sequence number seq arrived. Returns true when up/down
 * changed. */
bool vgmp_track_reply(struct vgmp_track *t, uint16_t seq);

#endif /* HSB_VGMP_TRACK_H */
