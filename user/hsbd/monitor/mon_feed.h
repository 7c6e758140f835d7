/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What hsbctl monitor streams (user/lib/monitor.h lists the lines): the
 * switchover's member and group events, configuration changes (from
 * hsbd_apply_config_from()), the HRP connection going up or down, and
 * once a second a summary of the change records the bus carried. Every
 * line goes to the control server's streams (hsb_ctl_server_broadcast());
 * nothing is built while no monitor listens.
 */
#ifndef HSBD_MON_FEED_H
#define HSBD_MON_FEED_H

struct hsbd;
struct hsb_config;
struct json_object;
struct hsbd_monitor;

#define HSBD_MON_TICK_MS 1000 /* datapath summary, HRP connection check */

/* After the control server started; NULL on ENOMEM (no monitor lines,
 * logged). Stopped before the control server. */
struct hsbd_monitor *hsbd_monitor_start(struct hsbd *d);
void hsbd_monitor_stop(struct hsbd_monitor *m);

/* A change was committed: d->cfg is the new one, d->origin whose. */
void hsbd_monitor_config(struct hsbd *d, const struct hsb_config *prev);

/* The first line of a stream ("kind": "monitor", "event": "start"). */
struct json_object *hsbd_monitor_hello(struct hsbd *d);

#endif /* HSBD_MON_FEED_H */
