/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VGMP notify hook (`vgmp group NAME notify "CMD"`): run on every
 * group transition with the conventions of the VRRP hook
 * (docs/vrrp.md): `/bin/sh -c CMD hsb-vgmp-notify GROUP OLD NEW REASON
 * PRIORITY`, and HSB_VGMP_* in the environment. Never waits.
 */
#ifndef HSBD_VGMP_NOTIFY_H
#define HSBD_VGMP_NOTIFY_H

#include <stdint.h>

struct vgmp_notify_event {
	const char *group;
	const char *old_state,
		*new_state; /* "initialize", "standby", "active" */
	const char *reason;
	uint32_t priority, peer_priority; /* running */
};

/* 0 or -errno (hook.h). */
int vgmp_notify_run(const char *cmd, const struct vgmp_notify_event *ev);

#endif /* HSBD_VGMP_NOTIFY_H */
