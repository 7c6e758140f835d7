/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The switchover owner: which side of the pair this host is on, for every
 * group of addresses that moves between the hosts together.
 *
 * A *group* is the unit of switchover: a VGMP group with its member VRRP
 * instances (which follow the group instead of electing), or a VRRP
 * instance in no VGMP group, which is a group of its own. Each group
 * has one hsb_vgroups slot (include/hsb/vaddr.h); every address the
 * datapath answers for - VIPs, NAT pool and server addresses - and every
 * virtual MAC names the slot it follows, so a switchover is one write.
 * This module is the only writer of hsb_vgroups.
 *
 * Members report their transitions here (hsb_switchover_member()). A
 * group of one instance follows it: the module writes the slot. A VGMP
 * group is *driven*: its engine decides (hsb_switchover_set_group()) and
 * member reports only update the members. Every change is told to every
 * observer: member events (a VRRP instance changed state; VGMP counts
 * failed members), "heard" events (a member heard another router's
 * advertisement: VGMP's sign that the peer lives) and group events (the
 * group became active or standby: HRP, metrics).
 *
 * Slots are allocated by group identity and kept while the group exists,
 * so reordering or editing the configuration does not move a group's
 * addresses to another slot. A new slot starts standby; a freed slot is
 * written standby.
 *
 * Address binding (which group an address follows):
 *   - a VIP follows its instance's group;
 *   - a NAT address answered on interface IF follows, when its address
 *     group has `vrrp vrid N`, the IPv4 instance with VRID N on IF, else
 *     the first in configuration order with VRID N; without the clause,
 *     the IPv4 instance with the lowest VRID on IF; with none there, no
 *     group (slot 0: always active).
 *
 * Pure: the slot writes go through struct hsb_ha_io, so unit tests drive
 * it with a fake datapath (tests/unit/test_switchover.c).
 */
#ifndef HSBD_HA_SWITCHOVER_H
#define HSBD_HA_SWITCHOVER_H

#include <stdbool.h>
#include <stdint.h>

#include "config_model.h"
#include "hsb/handover.h"
#include "hsb/vaddr.h"

struct hsb_switchover;

/* A member's state as the switchover sees it. */
enum hsb_ha_member_state {
	HSB_HA_MEMBER_DOWN = 0, /* not running: VRRP Initialize */
	HSB_HA_MEMBER_BACKUP,
	HSB_HA_MEMBER_MASTER,
};

enum hsb_ha_event_kind {
	HSB_HA_EV_MEMBER = 0, /* a member changed state */
	HSB_HA_EV_GROUP, /* a group became active or standby */
	HSB_HA_EV_HEARD, /* a member heard another router's advert */
};

/* What observers get; pointers are valid during the call only. */
struct hsb_ha_event {
	enum hsb_ha_event_kind kind;
	uint16_t slot;
	const char *group; /* "vrrp 10 eth1" or "vgmp NAME" */
	/* The member that reported (also set on the group event it caused) */
	uint32_t vrid;
	const char *ifname;
	int family; /* AF_INET or AF_INET6 */
	/* HSB_HA_EV_MEMBER */
	enum hsb_ha_member_state from, to;
	unsigned int priority; /* the member's running priority */
	/* HSB_HA_EV_GROUP */
	bool active;
	/* Why, in the reporter's words ("master-down", "shutdown" ...) */
	const char *reason;
};

typedef void (*hsb_ha_observer_fn)(const struct hsb_ha_event *ev, void *ctx);

/* The datapath side: write hsb_vgroups[slot] (0 or -errno). */
struct hsb_ha_io {
	int (*write_slot)(void *ctx, uint16_t slot, bool active);
	void *ctx;
};

struct hsb_ha_stats {
	uint64_t member_events;
	uint64_t group_changes; /* active <-> standby */
	uint64_t slot_write_errors;
	uint64_t unknown_member; /* reports from members of no group */
};

/* Which group an address follows, and the MAC it is answered with when
 * that is a virtual MAC (else the interface's). */
struct hsb_ha_binding {
	uint16_t slot; /* 0: no group, always active */
	bool has_vmac;
	uint8_t vmac[6];
};

/* Allocates the module; NULL on ENOMEM. Its first reconcile writes every
 * slot standby (a fresh start: nothing is active until a member says
 * so), except the slots of resumed groups. */
struct hsb_switchover *hsb_switchover_new(const struct hsb_ha_io *io);
void hsb_switchover_free(struct hsb_switchover *sw);

/*
 * An agent restart (docs/operations.md, "Restarting or upgrading hsbd"):
 * before the first reconcile, name each group (as observers see it:
 * "vgmp NAME", "vrrp VRID IFNAME") the previous hsbd handed over active
 * in time (include/hsb/handover.h). The first reconcile then writes its
 * slot active instead of standby, so the datapath never stops answering;
 * hsb_switchover_resuming() tells its members and engine to resume it
 * rather than start it. A member report or hsb_switchover_set_group()
 * confirms it; hsb_switchover_resume_done(), after the engines started,
 * turns the unconfirmed ones standby. -EINVAL after the first reconcile,
 * for a name too long or too many names.
 */
int hsb_switchover_resume(struct hsb_switchover *sw, const char *group);
bool hsb_switchover_resuming(const struct hsb_switchover *sw, uint16_t slot);
void hsb_switchover_resume_done(struct hsb_switchover *sw);

/* Stopping with the datapath kept: the peer keeps this host's group of
 * slot for alive until hold_until_ns (CLOCK_BOOTTIME), as the grace its
 * member or engine announced says (the earliest of several). */
void hsb_switchover_hold(struct hsb_switchover *sw, uint16_t slot,
			 uint64_t hold_until_ns);

struct hsb_ha_group_info {
	const char *name;
	uint16_t slot;
	bool active;
	uint64_t hold_until_ns; /* 0: no hold announced */
};
typedef void (*hsb_ha_group_fn)(const struct hsb_ha_group_info *g, void *ctx);
/* Every group, in configuration order (VGMP groups first). */
void hsb_switchover_foreach_group(const struct hsb_switchover *sw,
				  hsb_ha_group_fn fn, void *ctx);

/* Make the groups those of cfg: new groups get a slot (standby), gone
 * groups free theirs (written standby), kept groups keep slot and state.
 * Never fails for a valid configuration. */
int hsb_switchover_reconcile(struct hsb_switchover *sw,
			     const struct hsb_config *cfg, char *err,
			     size_t errlen);

/* The slot of VRRP instance (vrid, ifname); 0 when it is in no group. */
uint16_t hsb_switchover_slot_of_vrrp(const struct hsb_switchover *sw,
				     uint32_t vrid, const char *ifname);
/* The slot of VGMP group name; 0 when there is none. */
uint16_t hsb_switchover_slot_of_vgmp(const struct hsb_switchover *sw,
				     const char *name);

/* A driven (VGMP) group's state, decided by its engine: writes the slot
 * when it changes, then tells the observers (a group event). -EINVAL for
 * a slot that is not a driven group's. */
int hsb_switchover_set_group(struct hsb_switchover *sw, uint16_t slot,
			     bool active, const char *reason);

/* A member heard another router's advertisement on its link. */
void hsb_switchover_heard(struct hsb_switchover *sw, uint32_t vrid,
			  const char *ifname);

/* The members of the group of slot, in configuration order. */
struct hsb_ha_member_info {
	uint32_t vrid;
	const char *ifname;
	int family;
	enum hsb_ha_member_state state;
};
typedef void (*hsb_ha_member_fn)(const struct hsb_ha_member_info *m, void *ctx);
void hsb_switchover_members(const struct hsb_switchover *sw, uint16_t slot,
			    hsb_ha_member_fn fn, void *ctx);

/* Member report, in the takeover order of docs/vrrp.md: MASTER after the
 * VIPs are on the interface and before the first advert/GARP; BACKUP or
 * DOWN before they are removed. Writes the group's slot when the group's
 * state changes, then tells the observers (member event first). A report
 * that changes nothing (same state again) is ignored. */
void hsb_switchover_member(struct hsb_switchover *sw, uint32_t vrid,
			   const char *ifname, enum hsb_ha_member_state state,
			   unsigned int priority, const char *reason);

/* Whether this host is active for slot (slot 0: always). */
bool hsb_switchover_active(const struct hsb_switchover *sw, uint16_t slot);

/* The binding of a NAT address answered on ifname whose address group
 * says `vrrp vrid bind_vrid` (0: the default rule). */
struct hsb_ha_binding hsb_switchover_bind(const struct hsb_switchover *sw,
					  const char *ifname,
					  uint32_t bind_vrid);

/* Observers: any number; adding or removing one (itself included) from
 * inside a callback is safe, and takes effect from the next event.
 * Returns 0, -EEXIST (same fn and ctx already there) or -ENOMEM. */
int hsb_switchover_observe(struct hsb_switchover *sw, hsb_ha_observer_fn fn,
			   void *ctx);
void hsb_switchover_unobserve(struct hsb_switchover *sw, hsb_ha_observer_fn fn,
			      void *ctx);

const struct hsb_ha_stats *
hsb_switchover_stats(const struct hsb_switchover *sw);

const char *hsb_ha_member_state_name(enum hsb_ha_member_state s);

#endif /* HSBD_HA_SWITCHOVER_H */
