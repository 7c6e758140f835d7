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
 * States are "initialize", "backup", "master". user/lib/hook.h runs it:
 * never waited for, at most HSB_HOOK_MAX_RUNNING at once (more are
 * dropped and counted), non-zero exits logged.
 */
#ifndef HSBD_VRRP_NOTIFY_H
#define HSBD_VRRP_NOTIFY_H

struct vrrp_notify_event {
	unsigned int vrid;
	const char *ifname;
	int family;
	const char *old_state;
	const char *new_state;
	const char *reason;
	unsigned int priority;
};

/* Starts the hook (user/lib/hook.h); returns 0 or -errno. */
int vrrp_notify_run(const char *cmd, const struct vrrp_notify_event *ev);

#endif /* HSBD_VRRP_NOTIFY_H */
