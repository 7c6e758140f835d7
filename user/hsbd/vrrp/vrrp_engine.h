/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VRRP engine of hsbd: one pure state machine (user/vrrp/vrrp_fsm.h)
 * per `vrrp vrid` instance, driven by the loop. The engine feeds it
 * received adverts, timer expiries (one evloop timer per engine timer
 * kind per instance) and interface changes, and executes the actions it
 * returns, in order: adverts (vrrp_socket), VIPs (vrrp_vip), GARP/NA
 * bursts (vrrp_garp), notify hooks (vrrp_notify).
 */
#ifndef HSBD_VRRP_ENGINE_H
#define HSBD_VRRP_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "config_model.h"
#include "vrrp_fsm.h"
#include "vrrp/vrrp_link.h"

struct hsb_timer;
struct hsb_vrrp;
struct vrrp_inst;
struct vrrp_sock;

/* Counters the engine keeps per instance, besides the state machine's. */
struct vrrp_inst_stats {
	uint64_t tx_errors; /* adverts that could not be sent */
	uint64_t garp_sent; /* GARP / NA packets */
	uint64_t garp_errors;
	uint64_t vip_add_errors;
	uint64_t vip_remove_errors;
	uint64_t notify_runs;
	uint64_t link_changes; /* usable <-> unusable */
};

struct vrrp_inst_timer {
	struct vrrp_inst *inst;
	int kind; /* enum vrrp_timer, or VRRP_TIMER__COUNT for GARP */
	struct hsb_timer *t;
};

struct vrrp_inst {
	struct hsb_vrrp *eng;
	struct hsb_cfg_vrrp cfg;
	struct vrrp_fsm fsm;
	struct vrrp_if_state ifs; /* last read of the interface */
	struct vrrp_sock *sock; /* shared per interface and family */
	struct vrrp_inst_timer tm[VRRP_TIMER__COUNT + 1]; /* + GARP */
	unsigned int garp_left; /* rounds of the burst still to send */
	uint16_t group; /* hsb_vgroups slot its addresses follow */
	struct vrrp_inst_stats st;
};

/* The MAC the instance's addresses are answered with: the virtual router
 * MAC with `vmac`, else the interface's. */
void vrrp_inst_mac(const struct vrrp_inst *in, uint8_t mac[6]);

typedef void (*vrrp_inst_fn)(const struct vrrp_inst *in, void *ctx);

/* Instances in configuration order. v may be NULL (no engine yet). */
void hsb_vrrp_foreach(const struct hsb_vrrp *v, vrrp_inst_fn fn, void *ctx);

/*
 * VGMP: the follow-mode members of the group of slot become Master
 * (master) or Backup together, in docs/vrrp.md's takeover order stretched
 * over the group: to Master, every member's VIPs go on and the members
 * are reported, then flip(ctx) writes the group's slot once, then the
 * adverts and GARPs go out; to Backup, flip(ctx) first (stop answering),
 * then the members step down. flip is called exactly once, also when v is
 * NULL or the group has no member. Returns the members moved or -ENOMEM.
 */
typedef void (*hsb_vrrp_flip_fn)(void *ctx);
int hsb_vrrp_follow(struct hsb_vrrp *v, uint16_t slot, bool master,
		    hsb_vrrp_flip_fn flip, void *ctx);

#endif /* HSBD_VRRP_ENGINE_H */
