// SPDX-License-Identifier: GPL-2.0-only
/* The VRRP notify hook's arguments and environment; user/lib/hook.c
 * runs it. */
#include <stdio.h>
#include <sys/socket.h>

#include "hook.h"
#include "vrrp/vrrp_notify.h"

#define N_VARS 7
#define VAR_SIZE 300

int vrrp_notify_run(const char *cmd, const struct vrrp_notify_event *ev)
{
	char vars[N_VARS][VAR_SIZE], vrid[8], prio[8];
	const char *env[N_VARS + 1];
	const char *args[] = { vrid,	      ev->ifname, ev->old_state,
			       ev->new_state, ev->reason, prio,
			       NULL };
	unsigned int i;

	snprintf(vrid, sizeof(vrid), "%u", ev->vrid);
	snprintf(prio, sizeof(prio), "%u", ev->priority);
	snprintf(vars[0], VAR_SIZE, "HSB_VRRP_VRID=%u", ev->vrid);
	snprintf(vars[1], VAR_SIZE, "HSB_VRRP_INTERFACE=%s", ev->ifname);
	snprintf(vars[2], VAR_SIZE, "HSB_VRRP_FAMILY=%s",
		 ev->family == AF_INET6 ? "ipv6" : "ipv4");
	snprintf(vars[3], VAR_SIZE, "HSB_VRRP_OLD_STATE=%s", ev->old_state);
	snprintf(vars[4], VAR_SIZE, "HSB_VRRP_NEW_STATE=%s", ev->new_state);
	snprintf(vars[5], VAR_SIZE, "HSB_VRRP_REASON=%s", ev->reason);
	snprintf(vars[6], VAR_SIZE, "HSB_VRRP_PRIORITY=%u", ev->priority);
	for (i = 0; i < N_VARS; i++)
		env[i] = vars[i];
	env[N_VARS] = NULL;
	return hsb_hook_run(cmd, "hsb-vrrp-notify", args, env, "HSB_VRRP_");
}
