// SPDX-License-Identifier: GPL-2.0-only
/* The switchover owner; see switchover.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ha/switchover.h"

#define MAX_GROUPS (HSB_VGROUP_MAX - 1) /* slot 0 is "no group" */
#define MAX_OBSERVERS 16

struct ha_member {
	uint32_t vrid;
	char ifname[HSB_CFG_IFNAME_SIZE];
	int family;
	bool vmac;
	enum hsb_ha_member_state state;
	unsigned int group; /* index into groups[] */
};

struct ha_group {
	char name[HSB_CFG_NAME_SIZE + HSB_CFG_IFNAME_SIZE + 16];
	uint16_t slot;
	bool active;
	bool driven; /* a VGMP group: its engine decides */
	/* active since the start because the previous hsbd handed it over
	 * active, and not yet confirmed by its member or engine */
	bool resumed;
	uint64_t hold_until_ns; /* hsb_switchover_hold() */
};

struct ha_observer {
	hsb_ha_observer_fn fn; /* NULL: removed, compacted after dispatch */
	void *ctx;
};

struct hsb_switchover {
	struct hsb_ha_io io;
	struct ha_member members[HSB_CFG_MAX_VRRP];
	unsigned int n_members;
	struct ha_group groups[MAX_GROUPS];
	unsigned int n_groups;
	struct ha_observer obs[MAX_OBSERVERS];
	unsigned int n_obs;
	unsigned int dispatching; /* nesting depth of notify() */
	bool fresh; /* no reconcile yet: every slot still to be written */
	/* hsb_switchover_resume(), until the first reconcile */
	char resume[HSB_HANDOVER_MAX][HSB_HANDOVER_NAME];
	unsigned int n_resume;
	struct hsb_ha_stats st;
};

const char *hsb_ha_member_state_name(enum hsb_ha_member_state s)
{
	switch (s) {
	case HSB_HA_MEMBER_DOWN:
		return "down";
	case HSB_HA_MEMBER_BACKUP:
		return "backup";
	case HSB_HA_MEMBER_MASTER:
		return "master";
	}
	return "?";
}

static void write_slot(struct hsb_switchover *sw, uint16_t slot, bool active)
{
	if (sw->io.write_slot(sw->io.ctx, slot, active))
		sw->st.slot_write_errors++;
}

struct hsb_switchover *hsb_switchover_new(const struct hsb_ha_io *io)
{
	struct hsb_switchover *sw = calloc(1, sizeof(*sw));

	if (!sw)
		return NULL;
	sw->io = *io;
	sw->fresh = true;
	return sw;
}

int hsb_switchover_resume(struct hsb_switchover *sw, const char *group)
{
	if (!sw->fresh || sw->n_resume == HSB_HANDOVER_MAX ||
	    strlen(group) >= HSB_HANDOVER_NAME)
		return -EINVAL;
	snprintf(sw->resume[sw->n_resume++], HSB_HANDOVER_NAME, "%s", group);
	return 0;
}

static bool in_resume(const struct hsb_switchover *sw, const char *group)
{
	unsigned int i;

	for (i = 0; i < sw->n_resume; i++)
		if (!strcmp(sw->resume[i], group))
			return true;
	return false;
}

/* The first reconcile: what an earlier run left in the pinned maps is
 * not this run's decision, except the groups it handed over active:
 * those stay active (their slot is written active, which it already is
 * when the configuration kept its order), every other slot standby. */
static void first_writes(struct hsb_switchover *sw, struct ha_group *groups,
			 unsigned int n)
{
	bool taken[MAX_GROUPS + 1] = { false };
	unsigned int i;
	uint16_t slot;

	for (i = 0; i < n; i++) {
		groups[i].resumed = groups[i].active =
			in_resume(sw, groups[i].name);
		taken[groups[i].slot] = true;
		write_slot(sw, groups[i].slot, groups[i].active);
	}
	for (slot = 1; slot <= MAX_GROUPS; slot++)
		if (!taken[slot])
			write_slot(sw, slot, false);
	sw->fresh = false;
	sw->n_resume = 0;
}

void hsb_switchover_free(struct hsb_switchover *sw)
{
	free(sw);
}

/* ---- observers --------------------------------------------------------- */

int hsb_switchover_observe(struct hsb_switchover *sw, hsb_ha_observer_fn fn,
			   void *ctx)
{
	unsigned int i;

	for (i = 0; i < sw->n_obs; i++)
		if (sw->obs[i].fn == fn && sw->obs[i].ctx == ctx)
			return -EEXIST;
	if (sw->n_obs == MAX_OBSERVERS)
		return -ENOMEM;
	sw->obs[sw->n_obs].fn = fn;
	sw->obs[sw->n_obs].ctx = ctx;
	sw->n_obs++;
	return 0;
}

static void compact(struct hsb_switchover *sw)
{
	unsigned int i, n = 0;

	for (i = 0; i < sw->n_obs; i++)
		if (sw->obs[i].fn)
			sw->obs[n++] = sw->obs[i];
	sw->n_obs = n;
}

void hsb_switchover_unobserve(struct hsb_switchover *sw, hsb_ha_observer_fn fn,
			      void *ctx)
{
	unsigned int i;

	for (i = 0; i < sw->n_obs; i++)
		if (sw->obs[i].fn == fn && sw->obs[i].ctx == ctx)
			sw->obs[i].fn = NULL;
	if (!sw->dispatching)
		compact(sw);
}

/* Observers present when the event starts get it; one removed meanwhile
 * does not, one added meanwhile waits for the next event. */
static void notify(struct hsb_switchover *sw, const struct hsb_ha_event *ev)
{
	unsigned int i, n = sw->n_obs;

	sw->dispatching++;
	for (i = 0; i < n; i++)
		if (sw->obs[i].fn)
			sw->obs[i].fn(ev, sw->obs[i].ctx);
	if (!--sw->dispatching)
		compact(sw);
}

/* A group event: g became active (or standby) for reason; counted. */
static void group_changed(struct hsb_switchover *sw, const struct ha_group *g,
			  bool active, const char *reason)
{
	struct hsb_ha_event ev;

	sw->st.group_changes++;
	memset(&ev, 0, sizeof(ev));
	ev.kind = HSB_HA_EV_GROUP;
	ev.slot = g->slot;
	ev.group = g->name;
	ev.active = active;
	ev.reason = reason;
	notify(sw, &ev);
}

/* ---- groups and slots ------------------------------------------------- */

static int find_member(const struct hsb_switchover *sw, uint32_t vrid,
		       const char *ifname)
{
	unsigned int i;

	for (i = 0; i < sw->n_members; i++)
		if (sw->members[i].vrid == vrid &&
		    !strcmp(sw->members[i].ifname, ifname))
			return (int)i;
	return -1;
}

static int find_group(const struct hsb_switchover *sw, const char *name)
{
	unsigned int i;

	for (i = 0; i < sw->n_groups; i++)
		if (!strcmp(sw->groups[i].name, name))
			return (int)i;
	return -1;
}

static uint16_t free_slot(const struct ha_group *groups, unsigned int n)
{
	bool used[MAX_GROUPS + 1] = { false };
	unsigned int i;
	uint16_t slot;

	for (i = 0; i < n; i++)
		used[groups[i].slot] = true;
	for (slot = 1; slot <= MAX_GROUPS; slot++)
		if (!used[slot])
			return slot;
	return 0;
}

/* Groups of sw that are not in next[0..n): their slot goes standby, so
 * nothing answers for a slot nobody runs (their members, stopped a
 * moment later, are no longer known), and observers hear of it. */
static void retire(struct hsb_switchover *sw, const struct ha_group *next,
		   unsigned int n)
{
	unsigned int i, j;

	for (i = 0; i < sw->n_groups; i++) {
		const struct ha_group *g = &sw->groups[i];

		for (j = 0; j < n && strcmp(next[j].name, g->name); j++)
			;
		if (j < n)
			continue;
		write_slot(sw, g->slot, false);
		if (g->active)
			group_changed(sw, g, false, "removed");
	}
}

static void group_name(char *buf, size_t len, const struct hsb_cfg_vrrp *v)
{
	/* an instance in no VGMP group is a group of its own */
	if (v->vgmp_group[0])
		snprintf(buf, len, "vgmp %s", v->vgmp_group);
	else
		snprintf(buf, len, "vrrp %u %s", v->vrid, v->ifname);
}

/* The index of the group named like that in groups[0..*n), added (with
 * the state it had in sw) when new. */
static unsigned int group_index(const struct hsb_switchover *sw,
				struct ha_group *groups, unsigned int *n,
				const char *name, bool driven)
{
	unsigned int i;
	int old;

	for (i = 0; i < *n; i++)
		if (!strcmp(groups[i].name, name))
			return i;
	snprintf(groups[*n].name, sizeof(groups[0].name), "%s", name);
	old = find_group(sw, name);
	if (old >= 0)
		groups[*n] = sw->groups[old];
	groups[*n].driven = driven;
	return (*n)++;
}

int hsb_switchover_reconcile(struct hsb_switchover *sw,
			     const struct hsb_config *cfg, char *err,
			     size_t errlen)
{
	struct ha_group *groups = calloc(MAX_GROUPS, sizeof(*groups));
	struct ha_member *members = calloc(HSB_CFG_MAX_VRRP, sizeof(*members));
	char name[sizeof(groups[0].name)];
	unsigned int i, n_groups = 0;

	if (!groups || !members) {
		free(groups);
		free(members);
		snprintf(err, errlen, "switchover: out of memory");
		return -ENOMEM;
	}
	/* Kept groups keep slot and state; gone ones release their slot
	 * before new ones take a free one. VGMP groups first, in their
	 * order, then the instances' own. */
	for (i = 0; i < cfg->n_vgmp; i++) {
		snprintf(name, sizeof(name), "vgmp %s", cfg->vgmp[i].name);
		group_index(sw, groups, &n_groups, name, true);
	}
	for (i = 0; i < cfg->n_vrrp; i++) {
		const struct hsb_cfg_vrrp *v = &cfg->vrrp[i];
		struct ha_member *m = &members[i];
		int old = find_member(sw, v->vrid, v->ifname);

		m->vrid = v->vrid;
		snprintf(m->ifname, sizeof(m->ifname), "%s", v->ifname);
		m->family = v->vips[0].addr.family;
		m->vmac = v->vmac;
		m->state = old >= 0 ? sw->members[old].state :
				      HSB_HA_MEMBER_DOWN;
		group_name(name, sizeof(name), v);
		m->group = group_index(sw, groups, &n_groups, name,
				       v->vgmp_group[0] != '\0');
	}
	retire(sw, groups, n_groups);
	for (i = 0; i < n_groups; i++) {
		if (groups[i].slot)
			continue;
		/* n_groups <= HSB_CFG_MAX_VRRP + HSB_CFG_MAX_VGMP <
		 * MAX_GROUPS: never 0 */
		groups[i].slot = free_slot(groups, n_groups);
		groups[i].active = false;
		if (!sw->fresh)
			write_slot(sw, groups[i].slot, false);
	}
	if (sw->fresh)
		first_writes(sw, groups, n_groups);
	memcpy(sw->groups, groups, n_groups * sizeof(*groups));
	sw->n_groups = n_groups;
	memcpy(sw->members, members, cfg->n_vrrp * sizeof(*members));
	sw->n_members = cfg->n_vrrp;
	free(groups);
	free(members);
	return 0;
}

uint16_t hsb_switchover_slot_of_vrrp(const struct hsb_switchover *sw,
				     uint32_t vrid, const char *ifname)
{
	int m = find_member(sw, vrid, ifname);

	return m < 0 ? 0 : sw->groups[sw->members[m].group].slot;
}

bool hsb_switchover_active(const struct hsb_switchover *sw, uint16_t slot)
{
	unsigned int i;

	if (!slot)
		return true;
	for (i = 0; i < sw->n_groups; i++)
		if (sw->groups[i].slot == slot)
			return sw->groups[i].active;
	return false;
}

/* A group of one member is active while that member is master. */
static bool group_wants_active(const struct hsb_switchover *sw, unsigned int g)
{
	unsigned int i;

	for (i = 0; i < sw->n_members; i++)
		if (sw->members[i].group == g &&
		    sw->members[i].state == HSB_HA_MEMBER_MASTER)
			return true;
	return false;
}

void hsb_switchover_member(struct hsb_switchover *sw, uint32_t vrid,
			   const char *ifname, enum hsb_ha_member_state state,
			   unsigned int priority, const char *reason)
{
	int mi = find_member(sw, vrid, ifname);
	struct ha_member *m;
	struct ha_group *g;
	struct hsb_ha_event ev;
	bool active, changed;

	if (mi < 0) {
		/* an instance being stopped after its group went away */
		sw->st.unknown_member++;
		return;
	}
	m = &sw->members[mi];
	if (m->state == state)
		return;
	g = &sw->groups[m->group];
	memset(&ev, 0, sizeof(ev));
	ev.kind = HSB_HA_EV_MEMBER;
	ev.slot = g->slot;
	ev.group = g->name;
	ev.vrid = vrid;
	ev.ifname = m->ifname;
	ev.family = m->family;
	ev.from = m->state;
	ev.to = state;
	ev.priority = priority;
	ev.reason = reason;
	m->state = state;
	sw->st.member_events++;
	/* a group of one is confirmed by its member; a driven one by its
	 * engine (all its members resume first) */
	if (!g->driven)
		g->resumed = false;
	/* a driven group moves only when its engine says */
	active = g->driven ? g->active : group_wants_active(sw, m->group);
	changed = active != g->active;
	if (changed) {
		/* the one write every address of the group follows, made
		 * before anyone hears of it */
		write_slot(sw, g->slot, active);
		g->active = active;
		sw->st.group_changes++;
	}
	notify(sw, &ev);
	if (!changed)
		return;
	/* the group's event, after its member's */
	ev.kind = HSB_HA_EV_GROUP;
	ev.active = active;
	notify(sw, &ev);
}

bool hsb_switchover_resuming(const struct hsb_switchover *sw, uint16_t slot)
{
	unsigned int i;

	for (i = 0; i < sw->n_groups; i++)
		if (sw->groups[i].slot == slot)
			return sw->groups[i].resumed;
	return false;
}

void hsb_switchover_resume_done(struct hsb_switchover *sw)
{
	unsigned int i;

	for (i = 0; i < sw->n_groups; i++) {
		struct ha_group *g = &sw->groups[i];

		if (!g->resumed)
			continue;
		g->resumed = false;
		if (!g->active)
			continue;
		/* nobody took it up (an instance whose link is down, a
		 * group whose engine did not resume it): standby, as a
		 * fresh start has it */
		write_slot(sw, g->slot, false);
		g->active = false;
		group_changed(sw, g, false, "not-resumed");
	}
}

void hsb_switchover_hold(struct hsb_switchover *sw, uint16_t slot,
			 uint64_t hold_until_ns)
{
	unsigned int i;

	for (i = 0; i < sw->n_groups; i++)
		if (sw->groups[i].slot == slot &&
		    (!sw->groups[i].hold_until_ns ||
		     hold_until_ns < sw->groups[i].hold_until_ns))
			sw->groups[i].hold_until_ns = hold_until_ns;
}

void hsb_switchover_foreach_group(const struct hsb_switchover *sw,
				  hsb_ha_group_fn fn, void *ctx)
{
	unsigned int i;

	for (i = 0; i < sw->n_groups; i++) {
		struct hsb_ha_group_info gi = {
			.name = sw->groups[i].name,
			.slot = sw->groups[i].slot,
			.active = sw->groups[i].active,
			.hold_until_ns = sw->groups[i].hold_until_ns,
		};

		fn(&gi, ctx);
	}
}

uint16_t hsb_switchover_slot_of_vgmp(const struct hsb_switchover *sw,
				     const char *name)
{
	char key[sizeof(sw->groups[0].name)];
	int g;

	snprintf(key, sizeof(key), "vgmp %s", name);
	g = find_group(sw, key);
	return g < 0 ? 0 : sw->groups[g].slot;
}

static struct ha_group *group_of_slot(struct hsb_switchover *sw, uint16_t slot)
{
	unsigned int i;

	for (i = 0; i < sw->n_groups; i++)
		if (sw->groups[i].slot == slot)
			return &sw->groups[i];
	return NULL;
}

int hsb_switchover_set_group(struct hsb_switchover *sw, uint16_t slot,
			     bool active, const char *reason)
{
	struct ha_group *g = group_of_slot(sw, slot);

	if (!g || !g->driven)
		return -EINVAL;
	g->resumed = false;
	if (g->active == active)
		return 0;
	write_slot(sw, slot, active);
	g->active = active;
	group_changed(sw, g, active, reason);
	return 0;
}

void hsb_switchover_heard(struct hsb_switchover *sw, uint32_t vrid,
			  const char *ifname)
{
	int mi = find_member(sw, vrid, ifname);
	const struct ha_member *m;
	struct hsb_ha_event ev;

	if (mi < 0)
		return;
	m = &sw->members[mi];
	memset(&ev, 0, sizeof(ev));
	ev.kind = HSB_HA_EV_HEARD;
	ev.slot = sw->groups[m->group].slot;
	ev.group = sw->groups[m->group].name;
	ev.vrid = vrid;
	ev.ifname = m->ifname;
	ev.family = m->family;
	ev.from = ev.to = m->state;
	notify(sw, &ev);
}

void hsb_switchover_members(const struct hsb_switchover *sw, uint16_t slot,
			    hsb_ha_member_fn fn, void *ctx)
{
	unsigned int i;

	for (i = 0; i < sw->n_members; i++) {
		const struct ha_member *m = &sw->members[i];
		struct hsb_ha_member_info info = {
			.vrid = m->vrid,
			.ifname = m->ifname,
			.family = m->family,
			.state = m->state,
		};

		if (sw->groups[m->group].slot == slot)
			fn(&info, ctx);
	}
}

/* ---- address binding ------------------------------------------------- */

struct hsb_ha_binding hsb_switchover_bind(const struct hsb_switchover *sw,
					  const char *ifname,
					  uint32_t bind_vrid)
{
	struct hsb_ha_binding b = { 0 };
	const struct ha_member *best = NULL;
	unsigned int i;

	for (i = 0; i < sw->n_members; i++) {
		const struct ha_member *m = &sw->members[i];
		bool here = !strcmp(m->ifname, ifname);

		if (m->family != AF_INET)
			continue;
		if (bind_vrid) {
			/* VRID N here wins over VRID N elsewhere */
			if (m->vrid != bind_vrid)
				continue;
			if (!best || (here && strcmp(best->ifname, ifname)))
				best = m;
		} else if (here && (!best || m->vrid < best->vrid)) {
			best = m;
		}
	}
	if (!best)
		return b;
	b.slot = sw->groups[best->group].slot;
	/* its vmac only where the instance runs: elsewhere the interface's
	 * own MAC answers */
	if (best->vmac && !strcmp(best->ifname, ifname)) {
		b.has_vmac = true;
		hsb_vrrp_vmac(b.vmac, 0, (uint8_t)best->vrid);
	}
	return b;
}

const struct hsb_ha_stats *hsb_switchover_stats(const struct hsb_switchover *sw)
{
	return &sw->st;
}
