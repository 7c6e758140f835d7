/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Quick session backup (`hrp mirror session enable`), hsbd's part: tells
 * the datapath where the peer is and whether to forward packets without
 * a session to it (include/hsb/peer.h, bpf/lib/peer.h). On only while
 * the HRP connection is up: then the peer is alive and receives this
 * host's sessions, so what it forwards back finds them, and what this
 * host forwards to it may find the peer's. The datapath engine attaches
 * hsb_xdp to the heartbeat link for the frames coming the other way.
 */
#ifndef HSBD_HRP_MIRROR_H
#define HSBD_HRP_MIRROR_H

#include <stdbool.h>

struct hsb_datapath;
struct hsb_cfg_hrp;

/* Writes the datapath's forwarding to the peer for configuration c (NULL:
 * off) with the HRP connection up or not. Returns whether it is on. */
bool hrp_mirror_set(struct hsb_datapath *dp, const struct hsb_cfg_hrp *c,
		    bool up);

#endif /* HSBD_HRP_MIRROR_H */
