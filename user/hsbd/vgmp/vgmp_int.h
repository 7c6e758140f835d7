/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the VGMP engine: the state shared by its two halves, the groups
 * (vgmp_engine.c: reconcile, actions, priorities, tracks) and the
 * heartbeat (vgmp_heartbeat.c: socket, message layer, hellos in and out).
 */
#ifndef HSBD_VGMP_INT_H
#define HSBD_VGMP_INT_H

#include <sys/socket.h>

#include "vgmp/vgmp_engine.h"

struct hsbd;
struct hsb_lev_sub;
struct vgmp_sock;

struct hsb_vgmp {
	struct hsbd *d;
	struct vgmp_grp *grp[HSB_CFG_MAX_VGMP];
	unsigned int n;
	struct hsb_lev_sub *links; /* interface tracks */
	bool observing; /* switchover events */
	/* Set while the engine drives members: events it causes itself
	 * are folded in afterwards instead of re-entering a group. */
	bool busy;
	bool penalties_stale;
	/* the heartbeat */
	struct hsb_cfg_hrp hrp; /* the link settings the socket runs with */
	struct vgmp_sock *sock;
	struct sockaddr_storage local, remote;
	uint8_t node[VGMP_NODE_ID_SIZE];
	struct vgmp_link link;
	struct hsb_timer *hello_t, *rtx_t;
	uint32_t hello_ms;
	uint64_t last_tx_ms; /* the last hello handed to the socket; 0: none */
	/* after a stall: hellos read are kept (the newest), not delivered */
	bool backlog;
	bool has_backlog;
	struct vgmp_msg backlog_msg;
	struct vgmp_msg rx_msg, tx_msg; /* large: not on the stack */
	uint64_t unknown_groups;
	uint64_t tx_errors;
	struct hsb_vgmp_stats st;
};

/* Heartbeat (vgmp_heartbeat.c). init: its timers; free: all of it. */
int vgmp_hb_init(struct hsb_vgmp *e);
void vgmp_hb_free(struct hsb_vgmp *e);
int vgmp_hb_reconcile(struct hsb_vgmp *e, const struct hsb_config *cfg,
		      char *err, size_t errlen);
/* A hello with every group now; triggered ones ask for an ACK. */
void vgmp_hb_send(struct hsb_vgmp *e, bool triggered);
/* The last hello before an agent restart: the peer keeps this host for
 * alive hold_ms (ha/handover.h). Whether it went out. */
bool vgmp_hb_send_hold(struct hsb_vgmp *e, uint32_t hold_ms);
/* Before handling anything: after a stall (no hello sent for a group's
 * peer-death time), the hellos queued meanwhile are read and only the
 * newest counts; an active group whose peer it shows active steps down
 * (vgmp_group_stalled()). */
void vgmp_hb_check_stall(struct hsb_vgmp *e, uint64_t now);
/* The hello period: the shortest of the groups' intervals. */
void vgmp_hb_set_interval(struct hsb_vgmp *e, uint32_t hello_ms);

/* Groups (vgmp_engine.c), for the heartbeat */
struct vgmp_grp *vgmp_grp_find(struct hsb_vgmp *e, const char *name);
void vgmp_grp_execute(struct vgmp_grp *g, const struct vgmp_actions *out);

#endif /* HSBD_VGMP_INT_H */
