/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VGMP engine of hsbd: one pure group state machine
 * (user/vgmp/vgmp_group.h) per `vgmp group`, hellos over the heartbeat
 * link (vgmp_socket.h, the message layer user/vgmp/vgmp_link.h), the
 * group's running priority from its failed members (the switchover
 * owner's member events) and tracks (interfaces from the link events, IP
 * targets from vgmp_probe.h), and the actions: the group's slot through
 * the switchover owner and its member VRRP instances through the VRRP
 * engine, in the takeover order of docs/vrrp.md; notify hooks. See
 * docs/vgmp.md.
 */
#ifndef HSBD_VGMP_ENGINE_H
#define HSBD_VGMP_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "config_model.h"
#include "vgmp_codec.h"
#include "vgmp_group.h"
#include "vgmp_link.h"

struct hsb_vgmp;
struct hsb_timer;
struct vgmp_grp;
struct vgmp_probe;

/* What a failed member takes off its group's priority (a member whose
 * interface is also tracked counts once, with the track's reduce). */
#define HSB_VGMP_MEMBER_REDUCE 2
#define HSB_VGMP_HISTORY 8

struct vgmp_grp_timer {
	struct vgmp_grp *grp;
	enum vgmp_timer kind;
	struct hsb_timer *t;
};

struct vgmp_track_rt {
	struct hsb_cfg_track cfg;
	bool down;
	uint64_t changes;
	struct vgmp_probe *probe; /* IP tracks */
};

struct vgmp_history {
	uint64_t at_ms; /* CLOCK_REALTIME, for people */
	enum vgmp_state from, to;
	enum vgmp_reason reason;
};

struct vgmp_grp {
	struct hsb_vgmp *eng;
	struct hsb_cfg_vgmp cfg;
	struct vgmp_group fsm;
	uint16_t slot; /* hsb_vgroups slot (switchover owner) */
	struct vgmp_grp_timer tm[VGMP_TIMER__COUNT];
	struct vgmp_track_rt tracks[HSB_CFG_MAX_TRACKS];
	unsigned int n_tracks;
	unsigned int failed_members;
	/* the peer's members as its last hello listed them */
	struct vgmp_wire_group peer_view;
	struct vgmp_history hist[HSB_VGMP_HISTORY];
	unsigned int n_hist; /* total, the last HSB_VGMP_HISTORY kept */
	uint64_t transitions[VGMP_REASON__COUNT]; /* by reason (metrics) */
	uint64_t notify_runs;
};

/* The heartbeat link as the engine runs it. */
struct vgmp_hb_info {
	const char *ifname;
	char local[64]; /* address:port, "" when not bound */
	char remote[64];
	bool up; /* socket open */
	uint32_t hello_ms; /* the period hellos go out at */
	const struct vgmp_link_stats *link;
	uint64_t rx_packets, rx_foreign, rx_oversized, tx_packets, tx_errors;
	uint64_t unknown_groups; /* hello groups we do not run */
};

typedef void (*vgmp_grp_fn)(const struct vgmp_grp *g, void *ctx);

/* Groups in configuration order; v may be NULL (no group configured). */
void hsb_vgmp_foreach(const struct hsb_vgmp *v, vgmp_grp_fn fn, void *ctx);
void hsb_vgmp_heartbeat(const struct hsb_vgmp *v, struct vgmp_hb_info *out);

/* Operator switchover of group name (NULL: every group this host is
 * active for). Returns 0, or -1 with the reason in err. */
int hsb_vgmp_switchover(struct hsb_vgmp *v, const char *name, char *err,
			size_t errlen);

/* How many groups this host is active, standby and not yet started
 * (Initialize) for; all 0 when v is NULL. */
struct hsb_vgmp_roles {
	unsigned int active, standby, init;
	enum vgmp_state first; /* the first group in configuration order */
};
void hsb_vgmp_roles(const struct hsb_vgmp *v, struct hsb_vgmp_roles *out);

/* The side this host is on as a whole: active (or standby) for every
 * group it runs, some of each (load balancing), or no group decided. HRP
 * derives ownership (all active: claim, all standby: yield) and its
 * configuration role from it. */
enum hsb_vgmp_side {
	HSB_VGMP_SIDE_NONE = 0,
	HSB_VGMP_SIDE_ACTIVE,
	HSB_VGMP_SIDE_STANDBY,
	HSB_VGMP_SIDE_MIXED,
};
enum hsb_vgmp_side hsb_vgmp_side(const struct hsb_vgmp_roles *r);

/* HRP's preemption hook: the state backup from the peer is complete
 * (true), so every group may preempt; v may be NULL. A group created
 * while HRP runs and has not completed starts not ready. */
void hsb_vgmp_set_ready(struct hsb_vgmp *v, bool ready);

/* The engine's own counters (show counters). */
struct hsb_vgmp_stats {
	uint64_t member_failures; /* members seen going down */
	uint64_t track_changes;
	uint64_t notify_errors;
};
const struct hsb_vgmp_stats *hsb_vgmp_stats(const struct hsb_vgmp *v);

#endif /* HSBD_VGMP_ENGINE_H */
