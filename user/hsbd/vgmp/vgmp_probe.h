/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ICMP / ICMPv6 echo probes for `track ip` targets: one raw socket per
 * target (bound to the track's interface when it names one), a probe
 * every interval, replies matched by identifier and sequence; the
 * accounting is user/vgmp/vgmp_track.h. The callback runs when the
 * target goes down or comes back.
 */
#ifndef HSBD_VGMP_PROBE_H
#define HSBD_VGMP_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "config_model.h"
#include "vgmp_track.h"

struct hsb_loop;
struct vgmp_probe;

typedef void (*vgmp_probe_fn)(struct vgmp_probe *p, bool up, void *ctx);

/* Starts probing tr->ip every tr->interval_ms. NULL with err set. */
struct vgmp_probe *vgmp_probe_start(struct hsb_loop *loop,
				    const struct hsb_cfg_track *tr,
				    vgmp_probe_fn fn, void *ctx, char *err,
				    size_t errlen);
void vgmp_probe_stop(struct vgmp_probe *p);

const struct vgmp_track *vgmp_probe_state(const struct vgmp_probe *p);
uint64_t vgmp_probe_send_errors(const struct vgmp_probe *p);

#endif /* HSBD_VGMP_PROBE_H */
