// SPDX-License-Identifier: GPL-2.0-only
/* The VGMP notify hook's arguments and environment; user/lib/hook.c
 * runs it. */
#include <stdio.h>

#include "hook.h"
#include "vgmp/vgmp_notify.h"

#define N_VARS 6
#define VAR_SIZE 300

int vgmp_notify_run(const char *cmd, const struct vgmp_notify_event *ev)
{
	char vars[N_VARS][VAR_SIZE], prio[12];
	const char *env[N_VARS + 1];
	const char *args[] = { ev->group,  ev->old_state, ev->new_state,
			       ev->reason, prio,	  NULL };
	unsigned int i;

	snprintf(prio, sizeof(prio), "%u", ev->priority);
	snprintf(vars[0], VAR_SIZE, "HSB_VGMP_GROUP=%s", ev->group);
	snprintf(vars[1], VAR_SIZE, "HSB_VGMP_OLD_STATE=%s", ev->old_state);
	snprintf(vars[2], VAR_SIZE, "HSB_VGMP_NEW_STATE=%s", ev->new_state);
	snprintf(vars[3], VAR_SIZE, "HSB_VGMP_REASON=%s", ev->reason);
	snprintf(vars[4], VAR_SIZE, "HSB_VGMP_PRIORITY=%u", ev->priority);
	snprintf(vars[5], VAR_SIZE, "HSB_VGMP_PEER_PRIORITY=%u",
		 ev->peer_priority);
	for (i = 0; i < N_VARS; i++)
		env[i] = vars[i];
	env[N_VARS] = NULL;
	return hsb_hook_run(cmd, "hsb-vgmp-notify", args, env, "HSB_VGMP_");
}
