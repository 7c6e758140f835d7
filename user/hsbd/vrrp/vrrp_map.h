/* SPDX-License-Identifier: GPL-2.0-only */
/* Pure: a `vrrp vrid` configuration entry onto the engine's configuration,
 * and what a change between two entries needs. */
#ifndef HSBD_VRRP_MAP_H
#define HSBD_VRRP_MAP_H

#include <stddef.h>

#include "config_model.h"
#include "vrrp_fsm.h"

/* Fill *out (primary address left unset: it comes from the interface).
 * A member of a VGMP group gets follow mode. Returns 0, or -1 with a
 * message naming the instance in err: settings the engine refuses. */
int vrrp_map_config(const struct hsb_cfg_vrrp *c, struct vrrp_fsm_config *out,
		    char *err, size_t errlen);

struct vrrp_addr vrrp_map_addr(const struct hsb_cfg_addr *a);

enum vrrp_map_change {
	VRRP_MAP_SAME = 0,
	/* priority (through vrrp_fsm_set_priority), unicast peers, garp,
	 * notify: applied to the running instance */
	VRRP_MAP_UPDATE,
	/* anything the running state machine was built from: the instance
	 * is shut down (priority 0) and started again */
	VRRP_MAP_RESTART,
};

enum vrrp_map_change vrrp_map_diff(const struct hsb_cfg_vrrp *old,
				   const struct hsb_cfg_vrrp *next);

#endif /* HSBD_VRRP_MAP_H */
