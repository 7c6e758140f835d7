/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An agent restart that is not a failover (docs/operations.md,
 * "Restarting or upgrading hsbd"): the handover record in the pinned
 * hsb_handover map (include/hsb/handover.h).
 *
 * Stopping with --keep-datapath, the VRRP and VGMP engines do not step
 * down: each active group's last advertisement or hello announces a grace
 * (HSB_HANDOVER_GRACE_MS) for which the peer keeps this host for alive,
 * and its end is noted with hsb_switchover_hold(). The HA engine, stopped
 * after them, saves one record per active group with a hold.
 *
 * Starting on an adopted datapath, the HA engine loads the records before
 * its first reconcile and empties the map: each group still inside its
 * hold by more than HSB_HANDOVER_MARGIN_MS resumes (its slot stays active,
 * its instances start as Master, its VGMP group active); the others start
 * as after a crash, as does everything when there is no record.
 */
#ifndef HSBD_HA_HANDOVER_H
#define HSBD_HA_HANDOVER_H

#include <stdint.h>

struct hsbd;
struct hsb_switchover;

/* How long the peer waits for the restarted hsbd: a VRRPv3 Master's last
 * advert carries a 1 s interval (3 intervals: 3 s), a VGMP group's last
 * hello a 3 s hold. hsbd restarts in about 0.5 s here (the program load
 * is most of it); the grace covers a slow host and an upgrade. */
#define HSB_HANDOVER_GRACE_MS 3000
#define HSB_HANDOVER_GRACE_CS (HSB_HANDOVER_GRACE_MS / 30)
/* The least hold left for a group to resume: its first advert or hello
 * must reach the peer before the hold ends. */
#define HSB_HANDOVER_MARGIN_MS 200

/* Load the records into sw (hsb_switchover_resume()) and empty the map.
 * Returns the number of groups resumed; 0 without a datapath or record. */
int hsbd_handover_load(struct hsbd *d, struct hsb_switchover *sw);
/* Save a record per active group with a hold; returns how many. */
int hsbd_handover_save(struct hsbd *d, const struct hsb_switchover *sw);

#endif /* HSBD_HA_HANDOVER_H */
