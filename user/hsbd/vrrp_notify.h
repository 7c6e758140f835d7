/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Notify hooks: `notify "CMD"` runs `/bin/sh -c CMD` on every state
 * change of an instance, started with posix_spawn() (the loop never
 * waits for it) and reaped on SIGCHLD through the loop. The hook gets the
 * instance and the change as positional parameters of CMD and in the
 * environment:
 *
 *   $1 VRID  $2 interface  $3 old state  $4 new state  $5 reason
 *   $6 running priority
 *   HSB_VRRP_VRID, HSB_VRRP_INTERFACE, HSB_VRRP_FAMILY (ipv4|ipv6),
 *   HSB_VRRP_OLD_STATE, HSB_VRRP_NEW_STATE, HSB_VRRP_REASON,
 *   HSB_VRRP_PRIORITY
 *
 * States are "initialize", "backup", "master". A hook still running from
 * an earlier change is not waited for; at most VRRP_NOTIFY_MAX_RUNNING
 * run at once (more are dropped and counted), non-zero exits are logged.
 */
#ifndef HSBD_VRRP_NOTIFY_H
#define HSBD_VRRP_NOTIFY_H

#include <stdint.h>

#define VRRP_NOTIFY_MAX_RUNNING 64

struct hsb_loop;

struct vrrp_notify_event {
	unsigned int vrid;
	const char *ifname;
	int family;
	const char *old_state;
	const char *new_state;
	const char *reason;
	unsigned int priority;
};

struct vrrp_notify_stats {
	uint64_t spawned;
	uint64_t spawn_failed;
	uint64_t dropped; /* too many still running */
	uint64_t exit_ok;
	uint64_t exit_failed; /* non-zero status or killed by a signal */
	unsigned int running;
};

/* Registers the SIGCHLD handler with the loop (once per loop). */
int vrrp_notify_setup(struct hsb_loop *loop);
/* Starts the hook; returns 0 or -errno. Never waits for it. */
int vrrp_notify_run(const char *cmd, const struct vrrp_notify_event *ev);
const struct vrrp_notify_stats *vrrp_notify_get_stats(void);

#endif /* HSBD_VRRP_NOTIFY_H */
