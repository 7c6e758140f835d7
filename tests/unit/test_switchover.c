// SPDX-License-Identifier: GPL-2.0-only
/* The switchover owner (user/hsbd/ha/switchover.h) with a fake datapath:
 * slots per group, the one write per group transition, observers, and
 * the address binding rules. Configurations come from the real parser. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "ha/switchover.h"

/* The fake hsb_vgroups: its contents and every write, in order. */
static struct {
	bool slot[HSB_VGROUP_MAX];
	bool went_standby[HSB_VGROUP_MAX]; /* ever written false */
	unsigned int writes;
	uint16_t last_slot;
	bool fail;
} dp;

static int fake_write(void *ctx, uint16_t slot, bool active)
{
	(void)ctx;
	assert_true(slot > 0 && slot < HSB_VGROUP_MAX);
	if (dp.fail)
		return -5;
	dp.slot[slot] = active;
	dp.went_standby[slot] |= !active;
	dp.writes++;
	dp.last_slot = slot;
	return 0;
}

#define MAX_SEEN 16
struct seen {
	unsigned int n;
	struct {
		enum hsb_ha_event_kind kind;
		uint16_t slot;
		bool active;
		enum hsb_ha_member_state to;
		bool dp_at_call; /* what the datapath held when told */
		char reason[32];
	} ev[MAX_SEEN];
};

static void record(const struct hsb_ha_event *ev, void *ctx)
{
	struct seen *s = ctx;

	assert_true(s->n < MAX_SEEN);
	s->ev[s->n].kind = ev->kind;
	s->ev[s->n].slot = ev->slot;
	s->ev[s->n].active = ev->active;
	s->ev[s->n].to = ev->to;
	s->ev[s->n].dp_at_call = dp.slot[ev->slot];
	snprintf(s->ev[s->n].reason, sizeof(s->ev[0].reason), "%s",
		 ev->reason ? ev->reason : "");
	s->n++;
}

static struct hsb_config *parse(const char *text)
{
	struct hsb_config *cfg = hsb_config_new();
	struct hsb_cfg_error err;
	char msg[512];

	assert_non_null(cfg);
	if (hsb_config_apply_text(cfg, text, HSB_CFG_ALL_KNOWN, "t", &err)) {
		hsb_cfg_error_format(&err, msg, sizeof(msg));
		fail_msg("%s", msg);
	}
	return cfg;
}

static const char two[] =
	"interface eth0\n"
	"interface eth1\n"
	"vrrp vrid 10 interface eth0 virtual-ip 192.0.2.10\n"
	"vrrp vrid 20 interface eth1 virtual-ip 198.51.100.20\n";

static struct hsb_switchover *new_sw(const char *text)
{
	struct hsb_ha_io io = { .write_slot = fake_write };
	struct hsb_switchover *sw;
	struct hsb_config *cfg;
	char err[128];

	memset(&dp, 0, sizeof(dp));
	sw = hsb_switchover_new(&io);
	assert_non_null(sw);
	cfg = parse(text);
	assert_int_equal(hsb_switchover_reconcile(sw, cfg, err, sizeof(err)),
			 0);
	hsb_config_free(cfg);
	return sw;
}

static void reconcile(struct hsb_switchover *sw, const char *text)
{
	struct hsb_config *cfg = parse(text);
	char err[128];

	assert_int_equal(hsb_switchover_reconcile(sw, cfg, err, sizeof(err)),
			 0);
	hsb_config_free(cfg);
}

/* A fresh start writes every slot standby, once, at its first
 * reconcile: what a previous run left in pinned maps is not this run's
 * decision. */
static void test_start_all_standby(void **state)
{
	struct hsb_ha_io io = { .write_slot = fake_write };
	struct hsb_switchover *sw;
	struct hsb_config *cfg = parse(two);
	char err[128];
	unsigned int i;

	(void)state;
	memset(&dp, 0, sizeof(dp));
	for (i = 1; i < HSB_VGROUP_MAX; i++)
		dp.slot[i] = true;
	sw = hsb_switchover_new(&io);
	assert_non_null(sw);
	assert_int_equal(dp.writes, 0);
	assert_int_equal(hsb_switchover_reconcile(sw, cfg, err, sizeof(err)),
			 0);
	for (i = 1; i < HSB_VGROUP_MAX; i++)
		assert_false(dp.slot[i]);
	assert_int_equal(dp.writes, HSB_VGROUP_MAX - 1);
	assert_false(hsb_switchover_resuming(
		sw, hsb_switchover_slot_of_vrrp(sw, 10, "eth0")));
	hsb_config_free(cfg);
	hsb_switchover_free(sw);
}

/* An agent restart: the group the previous hsbd handed over active is
 * never written standby, its member's MASTER confirms it without a
 * write; every other slot goes standby. A resumed group nobody confirms
 * goes standby at resume_done, with a group event. */
static void test_resume(void **state)
{
	struct hsb_ha_io io = { .write_slot = fake_write };
	struct hsb_switchover *sw;
	struct hsb_config *cfg = parse(two);
	struct seen seen = { 0 };
	uint16_t a, b;
	char err[128];
	unsigned int i, writes;

	(void)state;
	memset(&dp, 0, sizeof(dp));
	for (i = 1; i < HSB_VGROUP_MAX; i++)
		dp.slot[i] = true;
	sw = hsb_switchover_new(&io);
	assert_non_null(sw);
	assert_int_equal(hsb_switchover_resume(sw, "vrrp 10 eth0"), 0);
	assert_int_equal(hsb_switchover_resume(sw, "vrrp 20 eth1"), 0);
	assert_int_equal(hsb_switchover_resume(sw, "vgmp gone"), 0);
	assert_int_equal(hsb_switchover_resume(
				 sw,
				 "vgmp a-name-far-too-long-for-the-record-key"),
			 -EINVAL);
	assert_int_equal(hsb_switchover_reconcile(sw, cfg, err, sizeof(err)),
			 0);
	assert_int_equal(hsb_switchover_resume(sw, "vrrp 10 eth0"), -EINVAL);
	a = hsb_switchover_slot_of_vrrp(sw, 10, "eth0");
	b = hsb_switchover_slot_of_vrrp(sw, 20, "eth1");
	for (i = 1; i < HSB_VGROUP_MAX; i++)
		assert_int_equal(dp.slot[i], i == a || i == b);
	assert_false(dp.went_standby[a]);
	assert_true(hsb_switchover_active(sw, a));
	assert_true(hsb_switchover_resuming(sw, a));
	assert_int_equal(hsb_switchover_observe(sw, record, &seen), 0);
	writes = dp.writes;
	hsb_switchover_member(sw, 10, "eth0", HSB_HA_MEMBER_MASTER, 150,
			      "resume");
	assert_int_equal(dp.writes, writes);
	assert_false(hsb_switchover_resuming(sw, a));
	assert_true(hsb_switchover_resuming(sw, b));
	hsb_switchover_resume_done(sw);
	assert_false(dp.went_standby[a]);
	assert_true(dp.slot[a]);
	assert_false(dp.slot[b]);
	assert_false(hsb_switchover_active(sw, b));
	assert_false(hsb_switchover_resuming(sw, b));
	assert_int_equal(seen.n, 2); /* a's member event, b's group event */
	assert_int_equal(seen.ev[1].kind, HSB_HA_EV_GROUP);
	assert_int_equal(seen.ev[1].slot, b);
	assert_false(seen.ev[1].active);
	assert_string_equal(seen.ev[1].reason, "not-resumed");
	hsb_switchover_resume_done(sw); /* once */
	assert_int_equal(seen.n, 2);
	hsb_config_free(cfg);
	hsb_switchover_free(sw);
}

/* A resumed VGMP group: its members' reports do not confirm it (both
 * must find it resuming), its engine's set_group does, without a write. */
static void test_resume_driven(void **state)
{
	struct hsb_ha_io io = { .write_slot = fake_write };
	struct hsb_switchover *sw;
	struct hsb_config *cfg = parse(
		"interface eth0\n"
		"interface eth1\n"
		"vgmp group g1\n"
		"vrrp vrid 10 interface eth0 virtual-ip 192.0.2.10 vgmp-group g1\n"
		"vrrp vrid 20 interface eth1 virtual-ip 198.51.100.20 vgmp-group g1\n");
	char err[128];
	uint16_t g;
	unsigned int writes;

	(void)state;
	memset(&dp, 0, sizeof(dp));
	dp.slot[1] = true;
	sw = hsb_switchover_new(&io);
	assert_non_null(sw);
	assert_int_equal(hsb_switchover_resume(sw, "vgmp g1"), 0);
	assert_int_equal(hsb_switchover_reconcile(sw, cfg, err, sizeof(err)),
			 0);
	g = hsb_switchover_slot_of_vgmp(sw, "g1");
	assert_true(dp.slot[g]);
	assert_false(dp.went_standby[g]);
	hsb_switchover_member(sw, 10, "eth0", HSB_HA_MEMBER_MASTER, 100,
			      "resume");
	assert_true(hsb_switchover_resuming(sw, g));
	hsb_switchover_member(sw, 20, "eth1", HSB_HA_MEMBER_MASTER, 100,
			      "resume");
	assert_true(hsb_switchover_resuming(sw, g));
	writes = dp.writes;
	assert_int_equal(hsb_switchover_set_group(sw, g, true, "resume"), 0);
	assert_int_equal(dp.writes, writes);
	assert_false(hsb_switchover_resuming(sw, g));
	hsb_switchover_resume_done(sw);
	assert_true(dp.slot[g]);
	assert_false(dp.went_standby[g]);
	hsb_config_free(cfg);
	hsb_switchover_free(sw);
}

/* The hold a stopping host announced: the earliest per group. */
static void hold_of(const struct hsb_ha_group_info *g, void *ctx)
{
	uint64_t *h = ctx;

	h[g->slot] = g->hold_until_ns;
}

static void test_hold(void **state)
{
	struct hsb_switchover *sw = new_sw(two);
	uint16_t a = hsb_switchover_slot_of_vrrp(sw, 10, "eth0");
	uint64_t h[HSB_VGROUP_MAX] = { 0 };

	(void)state;
	hsb_switchover_hold(sw, a, 3000);
	hsb_switchover_hold(sw, a, 2000);
	hsb_switchover_hold(sw, a, 5000);
	hsb_switchover_foreach_group(sw, hold_of, h);
	assert_int_equal(h[a], 2000);
	assert_int_equal(h[hsb_switchover_slot_of_vrrp(sw, 20, "eth1")], 0);
	hsb_switchover_free(sw);
}

/* Slots follow group identity, not configuration order. */
static void test_slots_stable(void **state)
{
	struct hsb_switchover *sw = new_sw(two);
	uint16_t a = hsb_switchover_slot_of_vrrp(sw, 10, "eth0");
	uint16_t b = hsb_switchover_slot_of_vrrp(sw, 20, "eth1");

	(void)state;
	assert_true(a && b && a != b);
	assert_int_equal(hsb_switchover_slot_of_vrrp(sw, 10, "eth1"), 0);
	/* reordered: same slots */
	reconcile(sw, "interface eth0\n"
		      "interface eth1\n"
		      "vrrp vrid 20 interface eth1 virtual-ip 198.51.100.20\n"
		      "vrrp vrid 10 interface eth0 virtual-ip 192.0.2.10\n");
	assert_int_equal(hsb_switchover_slot_of_vrrp(sw, 10, "eth0"), a);
	assert_int_equal(hsb_switchover_slot_of_vrrp(sw, 20, "eth1"), b);
	/* the first removed, a new one added: the new one never takes a
	 * slot still in use */
	reconcile(sw, "interface eth0\n"
		      "interface eth1\n"
		      "vrrp vrid 20 interface eth1 virtual-ip 198.51.100.20\n"
		      "vrrp vrid 30 interface eth0 virtual-ip 192.0.2.30\n");
	assert_int_equal(hsb_switchover_slot_of_vrrp(sw, 20, "eth1"), b);
	assert_int_not_equal(hsb_switchover_slot_of_vrrp(sw, 30, "eth0"), b);
	assert_int_equal(hsb_switchover_slot_of_vrrp(sw, 10, "eth0"), 0);
	hsb_switchover_free(sw);
}

/* Master -> the slot is written active before anyone is told; the member
 * event comes before the group event; a repeat changes nothing. */
static void test_transitions(void **state)
{
	struct hsb_switchover *sw = new_sw(two);
	uint16_t a = hsb_switchover_slot_of_vrrp(sw, 10, "eth0");
	struct seen s = { 0 };
	unsigned int writes;

	(void)state;
	assert_int_equal(hsb_switchover_observe(sw, record, &s), 0);
	assert_int_equal(hsb_switchover_observe(sw, record, &s), -EEXIST);
	writes = dp.writes;
	hsb_switchover_member(sw, 10, "eth0", HSB_HA_MEMBER_BACKUP, 100,
			      "startup");
	assert_int_equal(dp.writes, writes); /* standby already */
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ev[0].kind, HSB_HA_EV_MEMBER);
	assert_int_equal(s.ev[0].to, HSB_HA_MEMBER_BACKUP);

	hsb_switchover_member(sw, 10, "eth0", HSB_HA_MEMBER_MASTER, 100,
			      "master-down");
	assert_true(dp.slot[a]);
	assert_int_equal(dp.last_slot, a);
	assert_int_equal(dp.writes, writes + 1);
	assert_true(hsb_switchover_active(sw, a));
	assert_int_equal(s.n, 3);
	assert_int_equal(s.ev[1].kind, HSB_HA_EV_MEMBER);
	assert_true(s.ev[1].dp_at_call);
	assert_int_equal(s.ev[2].kind, HSB_HA_EV_GROUP);
	assert_true(s.ev[2].active);
	assert_string_equal(s.ev[2].reason, "master-down");

	/* the same state again: nothing */
	hsb_switchover_member(sw, 10, "eth0", HSB_HA_MEMBER_MASTER, 100, "x");
	assert_int_equal(dp.writes, writes + 1);
	assert_int_equal(s.n, 3);

	/* the other group is not touched */
	assert_false(hsb_switchover_active(
		sw, hsb_switchover_slot_of_vrrp(sw, 20, "eth1")));

	hsb_switchover_member(sw, 10, "eth0", HSB_HA_MEMBER_DOWN, 0,
			      "shutdown");
	assert_false(dp.slot[a]);
	assert_int_equal(s.n, 5);
	assert_false(s.ev[4].active);
	assert_false(s.ev[3].dp_at_call); /* standby before being told */
	assert_int_equal(hsb_switchover_stats(sw)->group_changes, 2);
	assert_true(hsb_switchover_active(sw, 0)); /* slot 0: always */
	hsb_switchover_free(sw);
}

/* An active group removed from the configuration: its slot goes standby,
 * observers hear it, later reports of its member are only counted. */
static void test_removed_group(void **state)
{
	struct hsb_switchover *sw = new_sw(two);
	uint16_t b = hsb_switchover_slot_of_vrrp(sw, 20, "eth1");
	struct seen s = { 0 };

	(void)state;
	hsb_switchover_member(sw, 20, "eth1", HSB_HA_MEMBER_MASTER, 100, "");
	assert_true(dp.slot[b]);
	assert_int_equal(hsb_switchover_observe(sw, record, &s), 0);
	reconcile(sw, "interface eth0\n"
		      "vrrp vrid 10 interface eth0 virtual-ip 192.0.2.10\n");
	assert_false(dp.slot[b]);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ev[0].kind, HSB_HA_EV_GROUP);
	assert_false(s.ev[0].active);
	assert_string_equal(s.ev[0].reason, "removed");
	hsb_switchover_member(sw, 20, "eth1", HSB_HA_MEMBER_DOWN, 0, "");
	assert_int_equal(s.n, 1);
	assert_int_equal(hsb_switchover_stats(sw)->unknown_member, 1);
	hsb_switchover_free(sw);
}

/* A member kept across a reconcile keeps its state and its group's. */
static void test_kept_state(void **state)
{
	struct hsb_switchover *sw = new_sw(two);
	uint16_t a = hsb_switchover_slot_of_vrrp(sw, 10, "eth0");

	(void)state;
	hsb_switchover_member(sw, 10, "eth0", HSB_HA_MEMBER_MASTER, 100, "");
	reconcile(sw, two);
	assert_true(dp.slot[a]);
	assert_true(hsb_switchover_active(sw, a));
	/* a repeat after the reconcile is still no change */
	dp.writes = 0;
	hsb_switchover_member(sw, 10, "eth0", HSB_HA_MEMBER_MASTER, 100, "");
	assert_int_equal(dp.writes, 0);
	hsb_switchover_free(sw);
}

static struct hsb_switchover *g_sw;
static struct seen g_late;

static void add_late(const struct hsb_ha_event *ev, void *ctx)
{
	(void)ev;
	(void)ctx;
	assert_int_equal(hsb_switchover_observe(g_sw, record, &g_late), 0);
}

static void remove_self(const struct hsb_ha_event *ev, void *ctx)
{
	struct seen *s = ctx;

	record(ev, ctx);
	hsb_switchover_unobserve(g_sw, remove_self, s);
}

static void remove_other(const struct hsb_ha_event *ev, void *ctx)
{
	(void)ev;
	hsb_switchover_unobserve(g_sw, record, ctx);
}

/* Observers added or removed during dispatch. */
static void test_observers_in_callbacks(void **state)
{
	struct seen self = { 0 }, victim = { 0 };

	(void)state;
	g_sw = new_sw(two);
	memset(&g_late, 0, sizeof(g_late));
	assert_int_equal(hsb_switchover_observe(g_sw, remove_self, &self), 0);
	assert_int_equal(hsb_switchover_observe(g_sw, remove_other, &victim),
			 0);
	assert_int_equal(hsb_switchover_observe(g_sw, record, &victim), 0);
	assert_int_equal(hsb_switchover_observe(g_sw, add_late, NULL), 0);
	hsb_switchover_member(g_sw, 10, "eth0", HSB_HA_MEMBER_BACKUP, 1, "");
	/* self saw its event and left; victim was removed before its turn;
	 * the late one was added during the event and did not get it */
	assert_int_equal(self.n, 1);
	assert_int_equal(victim.n, 0);
	assert_int_equal(g_late.n, 0);
	hsb_switchover_unobserve(g_sw, add_late, NULL);
	hsb_switchover_member(g_sw, 10, "eth0", HSB_HA_MEMBER_MASTER, 1, "");
	assert_int_equal(self.n, 1);
	assert_int_equal(victim.n, 0);
	assert_int_equal(g_late.n, 2); /* member, then group */
	hsb_switchover_free(g_sw);
}

/* Which group a NAT address answered on an interface follows. */
static void test_binding(void **state)
{
	struct hsb_switchover *sw = new_sw(
		"interface eth0\n"
		"interface eth1\n"
		"interface eth2\n"
		"vrrp vrid 30 interface eth0 virtual-ip 192.0.2.30\n"
		"vrrp vrid 5 interface eth0 virtual-ip fe80::5\n"
		"vrrp vrid 12 interface eth0 virtual-ip 192.0.2.12 vmac\n"
		"vrrp vrid 30 interface eth1 virtual-ip 198.51.100.30 vmac\n"
		"vrrp vrid 40 interface eth1 virtual-ip 198.51.100.40\n");
	struct hsb_ha_binding b;
	static const uint8_t vmac12[6] = { 0, 0, 0x5e, 0, 1, 12 };
	static const uint8_t vmac30[6] = { 0, 0, 0x5e, 0, 1, 30 };

	(void)state;
	/* default: the lowest IPv4 VRID there (IPv6 VRID 5 does not count),
	 * with its vmac */
	b = hsb_switchover_bind(sw, "eth0", 0);
	assert_int_equal(b.slot, hsb_switchover_slot_of_vrrp(sw, 12, "eth0"));
	assert_true(b.has_vmac);
	assert_memory_equal(b.vmac, vmac12, 6);
	/* no instance on the interface: no group */
	b = hsb_switchover_bind(sw, "eth2", 0);
	assert_int_equal(b.slot, 0);
	assert_false(b.has_vmac);
	/* vrrp vrid 30: the one on the same interface wins */
	b = hsb_switchover_bind(sw, "eth1", 30);
	assert_int_equal(b.slot, hsb_switchover_slot_of_vrrp(sw, 30, "eth1"));
	assert_memory_equal(b.vmac, vmac30, 6);
	b = hsb_switchover_bind(sw, "eth0", 30);
	assert_int_equal(b.slot, hsb_switchover_slot_of_vrrp(sw, 30, "eth0"));
	assert_false(b.has_vmac);
	/* vrrp vrid 40 from eth0: the instance on eth1, but not its MAC */
	b = hsb_switchover_bind(sw, "eth0", 40);
	assert_int_equal(b.slot, hsb_switchover_slot_of_vrrp(sw, 40, "eth1"));
	assert_false(b.has_vmac);
	/* vrrp vrid 30 from eth2: the first configured */
	b = hsb_switchover_bind(sw, "eth2", 30);
	assert_int_equal(b.slot, hsb_switchover_slot_of_vrrp(sw, 30, "eth0"));
	/* an IPv6-only VRID binds nothing */
	b = hsb_switchover_bind(sw, "eth0", 5);
	assert_int_equal(b.slot, 0);
	hsb_switchover_free(sw);
}

/* A failed slot write is counted; the state still moves (the next write,
 * or a reconcile, carries it). */
static void test_write_error(void **state)
{
	struct hsb_switchover *sw = new_sw(two);

	(void)state;
	dp.fail = true;
	hsb_switchover_member(sw, 10, "eth0", HSB_HA_MEMBER_MASTER, 1, "");
	assert_int_equal(hsb_switchover_stats(sw)->slot_write_errors, 1);
	dp.fail = false;
	hsb_switchover_free(sw);
}

/* A VGMP group is one slot for all its members, driven by its engine:
 * member reports do not move it, hsb_switchover_set_group() does, once;
 * an instance outside the group keeps a slot and its own rule. */
static void collect(const struct hsb_ha_member_info *m, void *ctx)
{
	char *buf = ctx;
	size_t n = strlen(buf);

	snprintf(buf + n, 64 - n, "%u:%s:%s ", m->vrid, m->ifname,
		 hsb_ha_member_state_name(m->state));
}

static void test_driven_group(void **state)
{
	struct hsb_switchover *sw = new_sw(
		"interface eth0\n"
		"interface eth1\n"
		"vgmp group g1\n"
		"vrrp vrid 10 interface eth0 virtual-ip 192.0.2.10 vgmp-group g1\n"
		"vrrp vrid 20 interface eth1 virtual-ip 198.51.100.20 vgmp-group g1\n"
		"vrrp vrid 30 interface eth1 virtual-ip 198.51.100.30\n");
	uint16_t g = hsb_switchover_slot_of_vgmp(sw, "g1");
	uint16_t own = hsb_switchover_slot_of_vrrp(sw, 30, "eth1");
	struct seen s = { 0 };
	char members[64] = "";
	unsigned int writes;

	(void)state;
	assert_int_not_equal(g, 0);
	assert_int_equal(hsb_switchover_slot_of_vrrp(sw, 10, "eth0"), g);
	assert_int_equal(hsb_switchover_slot_of_vrrp(sw, 20, "eth1"), g);
	assert_int_not_equal(own, g);
	assert_int_equal(hsb_switchover_slot_of_vgmp(sw, "g2"), 0);
	assert_int_equal(hsb_switchover_observe(sw, record, &s), 0);

	/* members report: the group's slot does not move by itself */
	writes = dp.writes;
	hsb_switchover_member(sw, 10, "eth0", HSB_HA_MEMBER_MASTER, 100,
			      "vgmp-group");
	hsb_switchover_member(sw, 20, "eth1", HSB_HA_MEMBER_MASTER, 100,
			      "vgmp-group");
	assert_int_equal(dp.writes, writes);
	assert_false(dp.slot[g]);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ev[1].kind, HSB_HA_EV_MEMBER);

	/* the engine decides: one write, one group event */
	assert_int_equal(hsb_switchover_set_group(sw, g, true, "election"), 0);
	assert_true(dp.slot[g]);
	assert_int_equal(dp.writes, writes + 1);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.ev[2].kind, HSB_HA_EV_GROUP);
	assert_true(s.ev[2].active);
	assert_true(s.ev[2].dp_at_call);
	assert_string_equal(s.ev[2].reason, "election");
	assert_int_equal(hsb_switchover_set_group(sw, g, true, "again"), 0);
	assert_int_equal(dp.writes, writes + 1);
	assert_int_equal(s.n, 3);

	/* a member failing does not take the group down either */
	hsb_switchover_member(sw, 20, "eth1", HSB_HA_MEMBER_DOWN, 0,
			      "link-down");
	assert_true(dp.slot[g]);

	/* only driven slots are the engine's to set */
	assert_int_equal(hsb_switchover_set_group(sw, own, true, "x"), -EINVAL);
	assert_int_equal(hsb_switchover_set_group(sw, 999, true, "x"), -EINVAL);
	assert_false(dp.slot[own]);

	/* the standalone instance still follows its own reports */
	hsb_switchover_member(sw, 30, "eth1", HSB_HA_MEMBER_MASTER, 100,
			      "master-down");
	assert_true(dp.slot[own]);

	/* adverts heard by a member reach observers with the group's slot */
	s.n = 0;
	hsb_switchover_heard(sw, 10, "eth0");
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ev[0].kind, HSB_HA_EV_HEARD);
	assert_int_equal(s.ev[0].slot, g);
	hsb_switchover_heard(sw, 99, "eth0"); /* no such member: nothing */
	assert_int_equal(s.n, 1);

	/* the members of the group, in configuration order */
	hsb_switchover_members(sw, g, collect, members);
	assert_string_equal(members, "10:eth0:master 20:eth1:down ");

	/* down: one write */
	assert_int_equal(hsb_switchover_set_group(sw, g, false, "peer-wins"),
			 0);
	assert_false(dp.slot[g]);
	assert_false(s.ev[s.n - 1].dp_at_call);
	hsb_switchover_free(sw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_all_standby),
		cmocka_unit_test(test_resume),
		cmocka_unit_test(test_resume_driven),
		cmocka_unit_test(test_hold),
		cmocka_unit_test(test_slots_stable),
		cmocka_unit_test(test_transitions),
		cmocka_unit_test(test_removed_group),
		cmocka_unit_test(test_kept_state),
		cmocka_unit_test(test_observers_in_callbacks),
		cmocka_unit_test(test_binding),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_driven_group),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
