// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VRRP engine: reconciles the `vrrp vrid` instances to the
 * configuration and runs them on the loop. See vrrp_engine.h and
 * docs/vrrp.md.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "clock.h"
#include "evloop.h"
#include "hook.h"
#include "hsbd.h"
#include "log.h"
#include "vrrp/vrrp_engine.h"
#include "vrrp/vrrp_garp.h"
#include "vrrp/vrrp_link.h"
#include "vrrp/vrrp_map.h"
#include "vrrp/vrrp_nl.h"
#include "vrrp/vrrp_notify.h"
#include "vrrp/vrrp_socket.h"
#include "vrrp/vrrp_vip.h"
#include "vrrp/vrrp_vmac.h"
#include "datapath/datapath.h"
#include "ha/handover.h"
#include "ha/switchover.h"
#include "ha/vaddr_table.h"
#include "netlink/link_events.h"

#define T_GARP VRRP_TIMER__COUNT

struct hsb_vrrp {
	struct hsbd *d;
	struct mnl_socket *nl; /* requests: VIPs, address dumps */
	struct hsb_lev_sub *links; /* link / address change events */
	struct vrrp_garp *garp;
	struct vrrp_inst *inst[HSB_CFG_MAX_VRRP];
	unsigned int n;
	struct vrrp_sock *socks[HSB_CFG_MAX_VRRP];
	unsigned int n_socks;
	struct {
		uint64_t rx_unknown_vrid; /* VRIDs we do not run */
		/* decoder rejections of packets for VRIDs we do not run */
		uint64_t rx_rejected[VRRP_RX__COUNT];
		uint64_t vips_swept; /* left by an earlier run, removed */
		uint64_t socket_errors; /* sockets that could not be opened */
		uint64_t vaddr_errors; /* hsb_vaddrs / hsb_vgroups writes */
	} st;
	bool vaddrs_stale; /* an interface changed: publish again */
	/* interfaces where vrrp_vmac_attach() put a vmac in place */
	struct vmac_on {
		int ifindex;
		uint8_t mac[6];
	} vmac_on[HSB_CFG_MAX_VRRP];
	unsigned int n_vmac_on;
};

static const char *fmt_addr(const struct vrrp_addr *a, char *buf, size_t len)
{
	if (a->family == AF_UNSPEC || !inet_ntop(a->family, a->b, buf, len))
		snprintf(buf, len, "-");
	return buf;
}

/* --- sockets, shared per interface and family ---------------------------- */

static void on_rx(struct vrrp_sock *s, const uint8_t *msg, size_t len,
		  const struct vrrp_rx_meta *meta, void *ctx);

static struct vrrp_sock *sock_get(struct hsb_vrrp *v, struct vrrp_inst *in)
{
	char err[160];
	struct vrrp_sock *s;
	unsigned int i;

	for (i = 0; i < v->n_socks; i++) {
		s = v->socks[i];
		if (s->ifindex == in->ifs.ifindex &&
		    s->family == in->fsm.cfg.family) {
			s->refs++;
			return s;
		}
	}
	if (v->n_socks == HSB_CFG_MAX_VRRP)
		return NULL;
	s = vrrp_sock_open(v->d->loop, in->cfg.ifname, in->ifs.ifindex,
			   in->fsm.cfg.family, on_rx, v, err, sizeof(err));
	if (!s) {
		v->st.socket_errors++;
		hsb_log_ratelimited(HSB_LOG_ERR, "vrrp %u %s: %s", in->cfg.vrid,
				    in->cfg.ifname, err);
		return NULL;
	}
	s->refs = 1;
	v->socks[v->n_socks++] = s;
	return s;
}

static void sock_put(struct hsb_vrrp *v, struct vrrp_sock *s)
{
	unsigned int i;

	if (!s || --s->refs)
		return;
	for (i = 0; i < v->n_socks; i++)
		if (v->socks[i] == s) {
			v->socks[i] = v->socks[--v->n_socks];
			break;
		}
	vrrp_sock_close(s);
}

/* --- actions --------------------------------------------------------------- */

/* One advert to the group or each unicast peer: priority prio, or with
 * grace_cs the grace advert of an agent restart (vrrp_fsm.h), whose
 * least hold time goes to *grace_ms. Returns how many went out. */
static unsigned int send_advert_ex(struct vrrp_inst *in, uint8_t prio,
				   uint16_t grace_cs, uint32_t *grace_ms)
{
	uint8_t buf[VRRP_MAX_MSG_LEN];
	struct vrrp_addr dst = vrrp_sock_group(in->fsm.cfg.family);
	unsigned int i = 0, n = in->cfg.n_peers ? in->cfg.n_peers : 1, sent = 0;
	int len, ret;

	if (!in->sock || in->fsm.cfg.primary.family == AF_UNSPEC) {
		in->st.tx_errors += n;
		return 0;
	}
	for (i = 0; i < n; i++) {
		/* unicast: the checksum's pseudo-header names the peer */
		if (in->cfg.n_peers)
			dst = vrrp_map_addr(&in->cfg.peers[i]);
		len = grace_cs ? vrrp_fsm_build_grace_advert(&in->fsm, grace_cs,
							     &dst, buf,
							     sizeof(buf),
							     grace_ms) :
				 vrrp_fsm_build_advert(&in->fsm, prio, &dst,
						       buf, sizeof(buf));
		ret = len < 0 ? len :
				vrrp_sock_send(in->sock, &in->fsm.cfg.primary,
					       &dst, buf, (size_t)len);
		if (ret < 0) {
			char s[INET6_ADDRSTRLEN];

			in->st.tx_errors++;
			hsb_log_ratelimited(HSB_LOG_WARNING,
					    "vrrp %u %s: advert to %s: %s",
					    in->cfg.vrid, in->cfg.ifname,
					    fmt_addr(&dst, s, sizeof(s)),
					    strerror(-ret));
			continue;
		}
		sent++;
	}
	return sent;
}

static void send_advert(struct vrrp_inst *in, uint8_t prio)
{
	send_advert_ex(in, prio, 0, NULL);
}

void vrrp_inst_mac(const struct vrrp_inst *in, uint8_t mac[6])
{
	if (in->cfg.vmac)
		hsb_vrrp_vmac(mac, in->fsm.cfg.family == AF_INET6,
			      (uint8_t)in->cfg.vrid);
	else
		memcpy(mac, in->ifs.mac, 6);
}

static void garp_one(struct vrrp_inst *in, int ifindex, const uint8_t mac[6],
		     const struct vrrp_addr *a)
{
	int ret = vrrp_garp_send(in->eng->garp, ifindex, mac, a,
				 &in->fsm.cfg.primary);

	if (ret == 0) {
		in->st.garp_sent++;
		return;
	}
	in->st.garp_errors++;
	hsb_log_ratelimited(HSB_LOG_WARNING,
			    "vrrp %u %s: gratuitous ARP/NA: %s", in->cfg.vrid,
			    in->cfg.ifname, strerror(-ret));
}

/* Who announces a NAT address of a group: the group's member on the
 * address's interface, or, on an interface where none runs (an address
 * group bound with `vrrp vrid N` elsewhere), the group's first member. */
static bool announces(const struct vrrp_inst *in, uint32_t ifindex)
{
	const struct hsb_vrrp *v = in->eng;
	const struct vrrp_inst *first = NULL;
	unsigned int i;

	if ((uint32_t)in->ifs.ifindex == ifindex)
		return true;
	for (i = 0; i < v->n; i++) {
		const struct vrrp_inst *o = v->inst[i];

		if (o->group != in->group)
			continue;
		if ((uint32_t)o->ifs.ifindex == ifindex)
			return false;
		if (!first)
			first = o;
	}
	return first == in;
}

static void garp_nat(const struct hsb_vaddr_key *k, const struct hsb_vaddr *v,
		     void *ctx)
{
	struct vrrp_inst *in = ctx;
	struct vrrp_addr a = vrrp_addr_make(AF_INET, k->addr);

	if (announces(in, k->ifindex))
		garp_one(in, (int)k->ifindex, v->mac, &a);
}

/* One round: the VIPs, then the NAT addresses that follow this instance's
 * group (include/hsb/vaddr.h), each on its interface with the MAC it is
 * answered with. */
static void garp_round(struct vrrp_inst *in)
{
	struct hsb_vrrp *v = in->eng;
	uint8_t mac[6];
	unsigned int i;

	if (!in->ifs.ifindex || !in->ifs.has_mac)
		return;
	vrrp_inst_mac(in, mac);
	for (i = 0; i < in->fsm.cfg.n_vips; i++)
		garp_one(in, in->ifs.ifindex, mac, &in->fsm.cfg.vips[i]);
	if (v->d->dp && in->fsm.cfg.family == AF_INET && in->group)
		hsb_vaddr_foreach(v->d->dp,
				  1u << HSB_VADDR_NAT_POOL |
					  1u << HSB_VADDR_NAT_SERVER,
				  in->group, garp_nat, in);
}

static void garp_schedule(struct vrrp_inst *in)
{
	struct hsb_timer *t = in->tm[T_GARP].t;

	if (in->garp_left)
		hsb_timer_arm(t, in->cfg.garp_interval_ms, 0);
	else if (in->cfg.garp_refresh_s)
		hsb_timer_arm(t, (uint64_t)in->cfg.garp_refresh_s * 1000, 0);
	else
		hsb_timer_arm(t, 0, 0);
}

static void garp_start(struct vrrp_inst *in)
{
	in->garp_left = in->cfg.garp_count;
	garp_round(in);
	if (in->garp_left)
		in->garp_left--;
	garp_schedule(in);
}

static void garp_stop(struct vrrp_inst *in)
{
	in->garp_left = 0;
	hsb_timer_arm(in->tm[T_GARP].t, 0, 0);
}

static void arm_timer(struct vrrp_inst *in, enum vrrp_timer t,
		      uint64_t deadline)
{
	uint64_t now = hsb_now_ms();

	/* 0 would disarm: a deadline already past fires in 1 ms */
	hsb_timer_arm(in->tm[t].t, deadline > now ? deadline - now : 1, 0);
}

static void notify(struct vrrp_inst *in, const struct vrrp_transition *tr)
{
	struct vrrp_notify_event ev = {
		.vrid = in->cfg.vrid,
		.ifname = in->cfg.ifname,
		.family = in->fsm.cfg.family,
		.old_state = vrrp_state_name(tr->from),
		.new_state = vrrp_state_name(tr->to),
		.reason = vrrp_reason_name(tr->reason),
		.priority = in->fsm.priority,
	};

	hsb_info("vrrp %u %s: %s -> %s (%s)", in->cfg.vrid, in->cfg.ifname,
		 ev.old_state, ev.new_state, ev.reason);
	if (!in->cfg.notify[0])
		return;
	in->st.notify_runs++;
	vrrp_notify_run(in->cfg.notify, &ev);
}

static void log_findings(struct vrrp_inst *in, const struct vrrp_actions *out)
{
	if (out->interval_mismatch)
		hsb_log_ratelimited(
			HSB_LOG_WARNING,
			"vrrp %u %s: advert interval differs from ours (%u cs); using the master's (%u cs)",
			in->cfg.vrid, in->cfg.ifname, in->cfg.advert_cs,
			in->fsm.master_adver_cs);
	if (out->addr_list_mismatch)
		hsb_log_ratelimited(
			HSB_LOG_WARNING,
			"vrrp %u %s: advert lists other addresses than our virtual-ip",
			in->cfg.vrid, in->cfg.ifname);
	if (out->owner_conflict)
		hsb_log_ratelimited(
			HSB_LOG_WARNING,
			"vrrp %u %s: another router also claims priority 255 (address owner)",
			in->cfg.vrid, in->cfg.ifname);
}

/* The switchover of the instance's addresses: its group's slot follows
 * (ha/switchover.h), in the order of docs/vrrp.md. */
static void report(struct vrrp_inst *in, enum hsb_ha_member_state state,
		   const struct vrrp_actions *out)
{
	struct hsb_vrrp *v = in->eng;

	if (!v->d->ha)
		return;
	hsb_switchover_member(
		v->d->ha, in->cfg.vrid, in->cfg.ifname, state, in->fsm.priority,
		out->transitioned ? vrrp_reason_name(out->tr.reason) : "");
}

/* Run actions [from, to) of out in their order. */
static void execute_range(struct vrrp_inst *in, const struct vrrp_actions *out,
			  unsigned int from, unsigned int to)
{
	struct hsb_vrrp *v = in->eng;
	unsigned int i;
	int bad;

	for (i = from; i < to && i < out->n; i++) {
		const struct vrrp_action *a = &out->v[i];

		switch (a->type) {
		case VRRP_ACT_SEND_ADVERT:
			send_advert(in, a->priority);
			break;
		case VRRP_ACT_BECOME_MASTER:
			/* after ADD_VIPS, before the GARP burst: the
			 * order of docs/vrrp.md */
			report(in, HSB_HA_MEMBER_MASTER, out);
			break;
		case VRRP_ACT_BECOME_BACKUP:
		case VRRP_ACT_BECOME_INIT:
			/* before REMOVE_VIPS */
			report(in,
			       a->type == VRRP_ACT_BECOME_BACKUP ?
				       HSB_HA_MEMBER_BACKUP :
				       HSB_HA_MEMBER_DOWN,
			       out);
			garp_stop(in);
			break;
		case VRRP_ACT_ADD_VIPS:
			if (!in->ifs.ifindex)
				break;
			bad = vrrp_vip_add_all(v->nl, in->ifs.ifindex,
					       &in->cfg);
			in->st.vip_add_errors += (uint64_t)bad;
			break;
		case VRRP_ACT_REMOVE_VIPS:
			if (!in->ifs.ifindex)
				break;
			bad = vrrp_vip_remove_all(v->nl, in->ifs.ifindex,
						  &in->cfg);
			in->st.vip_remove_errors += (uint64_t)bad;
			break;
		case VRRP_ACT_SEND_GARP_BURST:
			garp_start(in);
			break;
		case VRRP_ACT_SEND_GARP_ROUND:
			/* A burst still running covers this interval; a
			 * re-assert neither restarts nor lengthens it. */
			if (!in->garp_left)
				garp_round(in);
			break;
		case VRRP_ACT_ARM_TIMER:
			arm_timer(in, a->timer, a->deadline_ms);
			break;
		case VRRP_ACT_CANCEL_TIMER:
			hsb_timer_arm(in->tm[a->timer].t, 0, 0);
			break;
		case VRRP_ACT__COUNT:
			break;
		}
	}
}

/* After the actions: the hook and what the state machine noticed. */
static void execute_done(struct vrrp_inst *in, const struct vrrp_actions *out)
{
	if (out->transitioned)
		notify(in, &out->tr);
	log_findings(in, out);
}

/* Run the engine's actions in its order. */
static void execute(struct vrrp_inst *in, const struct vrrp_actions *out)
{
	execute_range(in, out, 0, out->n);
	execute_done(in, out);
}

/* Where a takeover splits: everything up to and including BECOME_MASTER
 * (VIPs on the interface, member reported) comes before the group's slot
 * flips, the adverts and GARPs after it. out->n when there is none. */
static unsigned int takeover_split(const struct vrrp_actions *out)
{
	unsigned int i;

	for (i = 0; i < out->n; i++)
		if (out->v[i].type == VRRP_ACT_BECOME_MASTER)
			return i + 1;
	return out->n;
}

int hsb_vrrp_follow(struct hsb_vrrp *v, uint16_t slot, bool master,
		    hsb_vrrp_flip_fn flip, void *ctx)
{
	struct vrrp_actions *outs;
	struct vrrp_inst *members[HSB_CFG_MAX_VRRP];
	unsigned int i, n = 0;
	uint64_t now = hsb_now_ms();

	if (!v) {
		flip(ctx);
		return 0;
	}
	for (i = 0; i < v->n; i++)
		if (v->inst[i]->fsm.cfg.follow && v->inst[i]->group == slot)
			members[n++] = v->inst[i];
	outs = calloc(n ? n : 1, sizeof(*outs));
	if (!outs) {
		flip(ctx);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		vrrp_fsm_follow(&members[i]->fsm, master, now, &outs[i]);
	if (master) {
		/* docs/vrrp.md's takeover order for the whole group: every
		 * member's VIPs first, then the one slot write (the datapath
		 * answers for every address of the group), then adverts and
		 * GARPs, so no GARP names an address nobody answers for. */
		for (i = 0; i < n; i++)
			execute_range(members[i], &outs[i], 0,
				      takeover_split(&outs[i]));
		flip(ctx);
		for (i = 0; i < n; i++)
			execute_range(members[i], &outs[i],
				      takeover_split(&outs[i]), outs[i].n);
	} else {
		/* stop answering before the VIPs leave */
		flip(ctx);
		for (i = 0; i < n; i++)
			execute_range(members[i], &outs[i], 0, outs[i].n);
	}
	for (i = 0; i < n; i++)
		execute_done(members[i], &outs[i]);
	free(outs);
	return (int)n;
}

/* --- events ------------------------------------------------------------------ */

static struct vrrp_inst *find_rx(struct hsb_vrrp *v, const struct vrrp_sock *s,
				 uint8_t vrid)
{
	unsigned int i;

	for (i = 0; i < v->n; i++)
		if (v->inst[i]->sock == s && v->inst[i]->cfg.vrid == vrid)
			return v->inst[i];
	return NULL;
}

static void on_rx(struct vrrp_sock *s, const uint8_t *msg, size_t len,
		  const struct vrrp_rx_meta *meta, void *ctx)
{
	struct hsb_vrrp *v = ctx;
	struct vrrp_actions out;
	struct vrrp_advert adv;
	struct vrrp_inst *in;
	enum vrrp_rx_reason r;
	char src[INET6_ADDRSTRLEN];

	memset(&adv, 0, sizeof(adv));
	r = vrrp_decode(msg, len, meta, &adv);
	in = find_rx(v, s, adv.vrid);
	if (!in) {
		v->st.rx_unknown_vrid++;
		if (r != VRRP_RX_OK)
			v->st.rx_rejected[r]++;
		return;
	}
	if (r != VRRP_RX_OK) {
		vrrp_fsm_count_rx_reject(&in->fsm, r);
		hsb_log_ratelimited(HSB_LOG_WARNING,
				    "vrrp %u %s: advert from %s dropped: %s",
				    in->cfg.vrid, in->cfg.ifname,
				    fmt_addr(&meta->src, src, sizeof(src)),
				    vrrp_rx_reason_name(r));
		return;
	}
	r = vrrp_fsm_rx_advert(&in->fsm, &adv, hsb_now_ms(), &out);
	/* another router is alive on a member link: VGMP's evidence that
	 * the peer lives while its hellos do not arrive */
	if (r == VRRP_RX_OK && in->fsm.cfg.follow &&
	    adv.priority != VRRP_PRIO_SHUTDOWN && v->d->ha)
		hsb_switchover_heard(v->d->ha, in->cfg.vrid, in->cfg.ifname);
	if (r != VRRP_RX_OK && r != VRRP_RX_NOT_RUNNING)
		hsb_log_ratelimited(HSB_LOG_WARNING,
				    "vrrp %u %s: advert from %s dropped: %s",
				    in->cfg.vrid, in->cfg.ifname,
				    fmt_addr(&meta->src, src, sizeof(src)),
				    vrrp_rx_reason_name(r));
	execute(in, &out);
}

static void on_timer(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	struct vrrp_inst_timer *it = ctx;
	struct vrrp_inst *in = it->inst;
	struct vrrp_actions out;
	uint64_t now = hsb_now_ms();

	(void)loop;
	(void)t;
	if (it->kind == T_GARP) {
		if (in->fsm.state != VRRP_STATE_MASTER)
			return;
		garp_round(in);
		if (in->garp_left)
			in->garp_left--;
		garp_schedule(in);
		return;
	}
	if (in->fsm.timers[it->kind].armed &&
	    now < in->fsm.timers[it->kind].deadline_ms) {
		arm_timer(in, (enum vrrp_timer)it->kind,
			  in->fsm.timers[it->kind].deadline_ms);
		return;
	}
	vrrp_fsm_timer_expired(&in->fsm, (enum vrrp_timer)it->kind, now, &out);
	execute(in, &out);
}

/* Re-read the interface; tell the state machine what changed. */
static void refresh(struct vrrp_inst *in)
{
	struct hsb_vrrp *v = in->eng;
	struct vrrp_if_state s;
	struct vrrp_actions out;
	bool usable;

	vrrp_link_query(v->nl, in->cfg.ifname, in->fsm.cfg.family, &s);
	if (s.ifindex != in->ifs.ifindex && in->sock) {
		/* the interface went away (or was re-created) */
		sock_put(v, in->sock);
		in->sock = NULL;
	}
	if (s.ifindex != in->ifs.ifindex || s.has_mac != in->ifs.has_mac ||
	    memcmp(s.mac, in->ifs.mac, 6))
		in->eng->vaddrs_stale = true;
	in->ifs = s;
	if (s.ifindex && !in->sock)
		in->sock = sock_get(v, in);
	if (s.has_primary && !vrrp_addr_eq(&s.primary, &in->fsm.cfg.primary))
		vrrp_fsm_set_primary(&in->fsm, &s.primary);
	usable = s.ifindex && s.up && s.has_primary && in->sock;
	if (usable == in->fsm.link_up)
		return;
	in->st.link_changes++;
	if (in->fsm.started)
		hsb_info("vrrp %u %s: interface %s", in->cfg.vrid,
			 in->cfg.ifname,
			 usable	    ? "usable" :
			 !s.ifindex ? "missing" :
			 !s.up	    ? "down" :
			 !in->sock  ? "without a VRRP socket" :
				      "without a primary address");
	vrrp_fsm_link_change(&in->fsm, usable, hsb_now_ms(), &out);
	execute(in, &out);
}

static void publish(struct hsb_vrrp *v);

/* Any link or address change re-reads every instance's interface: the
 * interface is known by name, and a re-created one has a new ifindex. */
static void on_link_change(const struct hsb_lev_batch *b, void *ctx)
{
	struct hsb_vrrp *v = ctx;
	unsigned int i;

	(void)b;
	for (i = 0; i < v->n; i++)
		refresh(v->inst[i]);
	if (v->vaddrs_stale)
		publish(v);
}

/* --- instances ------------------------------------------------------------ */

static void inst_free(struct vrrp_inst *in)
{
	unsigned int i;

	for (i = 0; i <= VRRP_TIMER__COUNT; i++)
		hsb_timer_free(in->tm[i].t);
	sock_put(in->eng, in->sock);
	free(in);
}

/* Shut down (priority 0 if Master, VIPs removed) and free. */
static void inst_stop(struct vrrp_inst *in)
{
	struct vrrp_actions out;

	vrrp_fsm_shutdown(&in->fsm, hsb_now_ms(), &out);
	execute(in, &out);
	inst_free(in);
}

/*
 * Stopping with the datapath kept (ha/handover.h): a Master neither steps
 * down nor sends priority 0; it keeps its VIPs and its slot, and its last
 * advert asks the Backup for a grace (vrrp_fsm_build_grace_advert()),
 * whose end it notes for the handover record. Then freed.
 */
static void inst_hand_over(struct vrrp_inst *in)
{
	struct hsb_switchover *sw = in->eng->d->ha;
	uint32_t grace_ms = 0;
	uint64_t now = hsb_boot_ns();

	if (in->fsm.state == VRRP_STATE_MASTER && sw && in->group &&
	    send_advert_ex(in, 0, HSB_HANDOVER_GRACE_CS, &grace_ms) && grace_ms)
		hsb_switchover_hold(sw, in->group,
				    now + (uint64_t)grace_ms * 1000000);
	inst_free(in);
}

static struct vrrp_inst *inst_new(struct hsb_vrrp *v,
				  const struct hsb_cfg_vrrp *c,
				  const struct vrrp_fsm_config *fc)
{
	struct vrrp_inst *in = calloc(1, sizeof(*in));
	struct vrrp_actions out;
	unsigned int i;

	if (!in)
		return NULL;
	in->eng = v;
	in->cfg = *c;
	if (v->d->ha)
		in->group = hsb_switchover_slot_of_vrrp(v->d->ha, c->vrid,
							c->ifname);
	if (vrrp_fsm_init(&in->fsm, fc)) {
		free(in);
		return NULL;
	}
	for (i = 0; i <= VRRP_TIMER__COUNT; i++) {
		in->tm[i].inst = in;
		in->tm[i].kind = (int)i;
		in->tm[i].t = hsb_timer_new(v->d->loop, on_timer, &in->tm[i]);
		if (!in->tm[i].t) {
			inst_free(in);
			return NULL;
		}
	}
	refresh(in); /* primary address, socket, link state */
	/* an agent restart: its group was handed over active */
	if (in->group && hsb_switchover_resuming(v->d->ha, in->group))
		vrrp_fsm_resume(&in->fsm, hsb_now_ms(), &out);
	else
		vrrp_fsm_start(&in->fsm, hsb_now_ms(), &out);
	execute(in, &out);
	return in;
}

static void inst_update(struct vrrp_inst *in, const struct hsb_cfg_vrrp *c)
{
	bool refresh_changed = c->garp_refresh_s != in->cfg.garp_refresh_s;
	struct vrrp_actions out;

	in->cfg = *c;
	if (c->priority != in->fsm.priority) {
		vrrp_fsm_set_priority(&in->fsm, c->priority, hsb_now_ms(),
				      &out);
		execute(in, &out);
	}
	if (refresh_changed && in->fsm.state == VRRP_STATE_MASTER &&
	    !in->garp_left)
		garp_schedule(in);
}

/* --- engine ------------------------------------------------------------------ */

static struct vrrp_inst *find_inst(struct hsb_vrrp *v,
				   const struct hsb_cfg_vrrp *c)
{
	unsigned int i;

	for (i = 0; i < v->n; i++)
		if (v->inst[i]->cfg.vrid == c->vrid &&
		    !strcmp(v->inst[i]->cfg.ifname, c->ifname))
			return v->inst[i];
	return NULL;
}

static int find_cfg(const struct hsb_config *cfg, const struct vrrp_inst *in)
{
	unsigned int i;

	for (i = 0; i < cfg->n_vrrp; i++)
		if (cfg->vrrp[i].vrid == in->cfg.vrid &&
		    !strcmp(cfg->vrrp[i].ifname, in->cfg.ifname))
			return (int)i;
	return -1;
}

static void sweep(struct hsb_vrrp *v, struct mnl_socket *nl, const char *when,
		  vrrp_vip_keep_fn keep, void *ctx)
{
	int n = vrrp_vip_sweep(nl, keep, ctx);

	if (n < 0)
		hsb_warn("vrrp: cannot list addresses to remove stale VIPs: %s",
			 strerror(-n));
	else if (n > 0)
		hsb_info("vrrp: removed %d virtual IP%s left %s", n,
			 n == 1 ? "" : "s", when);
	if (v && n > 0)
		v->st.vips_swept += (uint64_t)n;
}

static void engine_free(struct hsb_vrrp *v)
{
	hsb_lev_unsubscribe(v->links);
	vrrp_garp_close(v->garp);
	vrrp_nl_close(v->nl);
	free(v);
}

struct resumed_vips {
	const struct hsbd *d;
	const struct hsb_config *cfg;
};

/* A VIP of an instance whose group resumes (an agent restart): it stays
 * on its interface, never removed and added back. */
static bool resumed_vip(const struct vrrp_nl_addr *a, void *ctx)
{
	const struct resumed_vips *r = ctx;
	unsigned int i;

	for (i = 0; i < r->cfg->n_vrrp; i++) {
		const struct hsb_cfg_vrrp *c = &r->cfg->vrrp[i];
		uint16_t slot = hsb_switchover_slot_of_vrrp(r->d->ha, c->vrid,
							    c->ifname);

		if (slot && hsb_switchover_resuming(r->d->ha, slot) &&
		    (int)if_nametoindex(c->ifname) == a->ifindex &&
		    vrrp_vip_is_of(c, &a->addr))
			return true;
	}
	return false;
}

static struct hsb_vrrp *engine_new(struct hsbd *d, const struct hsb_config *cfg,
				   char *err, size_t errlen)
{
	struct resumed_vips keep = { .d = d, .cfg = cfg };
	struct hsb_vrrp *v = calloc(1, sizeof(*v));
	int ret;

	if (!v) {
		snprintf(err, errlen, "vrrp: out of memory");
		return NULL;
	}
	v->d = d;
	v->nl = vrrp_nl_open();
	if (!v->nl) {
		snprintf(err, errlen, "vrrp: netlink socket: %s",
			 strerror(errno));
		goto err;
	}
	v->garp = vrrp_garp_open(err, errlen);
	if (!v->garp)
		goto err;
	v->links = hsb_lev_subscribe(d->links, HSB_LEV_LINK | HSB_LEV_ADDR,
				     on_link_change, v);
	if (!v->links) {
		snprintf(err, errlen, "vrrp: link events: %s",
			 strerror(ENOMEM));
		goto err;
	}
	ret = hsb_hook_setup(d->loop);
	if (ret) {
		snprintf(err, errlen, "vrrp: SIGCHLD handling: %s",
			 strerror(-ret));
		goto err;
	}
	/* addresses a crashed run left, before any instance adds its own;
	 * those of a handed-over group stay */
	sweep(v, v->nl, "by an earlier run", d->ha ? resumed_vip : NULL, &keep);
	return v;
err:
	engine_free(v);
	return NULL;
}

/* Without instances and without an engine: still clear what a crashed
 * run left, once. */
static void sweep_only(void)
{
	static bool done;
	struct mnl_socket *nl;

	if (done)
		return;
	done = true;
	nl = vrrp_nl_open();
	if (!nl)
		return;
	sweep(NULL, nl, "by an earlier run", NULL, NULL);
	vrrp_nl_close(nl);
}

/* Every instance's slot as the switchover owner now has it, and its
 * state reported again: a group it created in this reconcile (a rollback
 * re-creates one) learns the state of an instance that kept running. */
static void regroup(struct hsb_vrrp *v)
{
	static const enum hsb_ha_member_state of_state[] = {
		[VRRP_STATE_INIT] = HSB_HA_MEMBER_DOWN,
		[VRRP_STATE_BACKUP] = HSB_HA_MEMBER_BACKUP,
		[VRRP_STATE_MASTER] = HSB_HA_MEMBER_MASTER,
	};
	unsigned int i;

	for (i = 0; i < v->n && v->d->ha; i++) {
		struct vrrp_inst *in = v->inst[i];

		in->group = hsb_switchover_slot_of_vrrp(v->d->ha, in->cfg.vrid,
							in->cfg.ifname);
		hsb_switchover_member(v->d->ha, in->cfg.vrid, in->cfg.ifname,
				      of_state[in->fsm.state], in->fsm.priority,
				      "reconfigured");
	}
}

/* Unicast filter entries and the TC egress program where virtual MACs
 * are (vrrp_vmac.h): put in place for new ones, removed for gone ones. */
static void vmac_sync(struct hsb_vrrp *v, const struct hsb_vmac_want *macs,
		      unsigned int nm)
{
	const struct hsb_dp_maps *dm = hsb_datapath_maps(v->d->dp);
	struct vrrp_vmac_progs progs = { .ingress_fd = dm->tc_ingress,
					 .egress_fd = dm->tc_egress };
	unsigned int i, j, n = 0;
	struct vmac_on keep[HSB_CFG_MAX_VRRP];
	int ret;

	for (i = 0; i < v->n_vmac_on; i++) {
		const struct vmac_on *o = &v->vmac_on[i];

		for (j = 0; j < nm; j++)
			if (macs[j].key.ifindex == (uint32_t)o->ifindex &&
			    !memcmp(macs[j].key.mac, o->mac, 6))
				break;
		if (j < nm) {
			keep[n++] = *o;
			continue;
		}
		ret = vrrp_vmac_detach(v->nl, o->ifindex, o->mac);
		if (ret)
			hsb_log_ratelimited(
				HSB_LOG_WARNING,
				"vrrp: removing a virtual MAC from interface %d: %s",
				o->ifindex, strerror(-ret));
	}
	for (j = 0; j < nm; j++) {
		for (i = 0; i < n; i++)
			if (macs[j].key.ifindex == (uint32_t)keep[i].ifindex &&
			    !memcmp(macs[j].key.mac, keep[i].mac, 6))
				break;
		if (i < n || n == HSB_CFG_MAX_VRRP)
			continue;
		ret = vrrp_vmac_attach(v->nl, &progs, (int)macs[j].key.ifindex,
				       macs[j].key.mac);
		if (ret) {
			v->st.vaddr_errors++;
			hsb_log_ratelimited(
				HSB_LOG_ERR,
				"vrrp: virtual MAC on interface %u: %s",
				macs[j].key.ifindex, strerror(-ret));
		}
		keep[n].ifindex = (int)macs[j].key.ifindex;
		memcpy(keep[n].mac, macs[j].key.mac, 6);
		n++;
	}
	memcpy(v->vmac_on, keep, n * sizeof(keep[0]));
	v->n_vmac_on = n;
}

/* The VIP entries of hsb_vaddrs and the virtual MACs of hsb_vmacs, from
 * every instance on an interface that exists. */
static void publish(struct hsb_vrrp *v)
{
	struct hsb_vaddr_want *want;
	struct hsb_vmac_want macs[HSB_CFG_MAX_VRRP];
	unsigned int i, k, n = 0, nm = 0;
	int ret;

	v->vaddrs_stale = false;
	if (!v->d->dp)
		return;
	want = calloc(HSB_CFG_MAX_VRRP * HSB_CFG_MAX_VIPS, sizeof(*want));
	if (!want) {
		v->st.vaddr_errors++;
		v->vaddrs_stale = true;
		return;
	}
	for (i = 0; i < v->n; i++) {
		const struct vrrp_inst *in = v->inst[i];
		bool v6 = in->fsm.cfg.family == AF_INET6;
		uint8_t mac[6];

		if (!in->ifs.ifindex || !in->ifs.has_mac)
			continue;
		vrrp_inst_mac(in, mac);
		for (k = 0; k < in->fsm.cfg.n_vips; k++) {
			struct hsb_vaddr_want *w = &want[n++];

			memset(w, 0, sizeof(*w));
			w->key.ifindex = (uint32_t)in->ifs.ifindex;
			w->key.family = v6 ? HSB_FAMILY_IPV6 : HSB_FAMILY_IPV4;
			memcpy(w->key.addr, in->fsm.cfg.vips[k].b, v6 ? 16 : 4);
			memcpy(w->val.mac, mac, 6);
			w->val.kind = HSB_VADDR_VIP;
			w->val.group = in->group;
			if (in->cfg.accept || in->cfg.priority == 255)
				w->val.flags |= HSB_VADDR_F_ACCEPT;
		}
		if (in->cfg.vmac) {
			struct hsb_vmac_want *m = &macs[nm++];

			memset(m, 0, sizeof(*m));
			m->key.ifindex = (uint32_t)in->ifs.ifindex;
			memcpy(m->key.mac, mac, 6);
			m->val.group = in->group;
		}
	}
	ret = hsb_vaddr_replace(v->d->dp, 1u << HSB_VADDR_VIP, want, n);
	if (!ret)
		ret = hsb_vmac_replace(v->d->dp, macs, nm);
	free(want);
	vmac_sync(v, macs, nm);
	if (ret) {
		v->st.vaddr_errors++;
		v->vaddrs_stale = true;
		hsb_log_ratelimited(
			HSB_LOG_ERR,
			"vrrp: cannot write the virtual addresses to the datapath: %s",
			strerror(-ret));
	}
}

static int vrrp_reconcile(struct hsbd *d, const struct hsb_config *cfg,
			  char *err, size_t errlen)
{
	struct vrrp_fsm_config *fc;
	struct vrrp_inst *next[HSB_CFG_MAX_VRRP];
	struct hsb_vrrp *v = d->vrrp;
	unsigned int i, j;
	int ret = 0;

	if (!v && !cfg->n_vrrp) {
		sweep_only();
		return 0;
	}
	/* Validate everything before touching anything. */
	fc = calloc(HSB_CFG_MAX_VRRP, sizeof(*fc));
	if (!fc) {
		snprintf(err, errlen, "vrrp: out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < cfg->n_vrrp; i++)
		if (vrrp_map_config(&cfg->vrrp[i], &fc[i], err, errlen)) {
			free(fc);
			return -EINVAL;
		}
	if (!v) {
		v = engine_new(d, cfg, err, errlen);
		if (!v) {
			free(fc);
			return -EIO;
		}
		d->vrrp = v;
	}
	/* Gone, or changed beyond an update: shut down (priority 0). */
	for (i = 0; i < v->n;) {
		int k = find_cfg(cfg, v->inst[i]);

		if (k >= 0 && vrrp_map_diff(&v->inst[i]->cfg, &cfg->vrrp[k]) !=
				      VRRP_MAP_RESTART) {
			i++;
			continue;
		}
		inst_stop(v->inst[i]);
		memmove(&v->inst[i], &v->inst[i + 1],
			(v->n - i - 1) * sizeof(v->inst[0]));
		v->n--;
	}
	/* New and updated ones, in configuration order. */
	for (j = 0; j < cfg->n_vrrp; j++) {
		struct vrrp_inst *in = find_inst(v, &cfg->vrrp[j]);

		if (in)
			inst_update(in, &cfg->vrrp[j]);
		else
			in = inst_new(v, &cfg->vrrp[j], &fc[j]);
		next[j] = in;
		if (!in) {
			snprintf(err, errlen,
				 "vrrp vrid %u interface %s: out of memory",
				 cfg->vrrp[j].vrid, cfg->vrrp[j].ifname);
			ret = -ENOMEM;
		}
	}
	/* Keep configuration order (show vrrp lists instances that way). */
	for (j = 0, i = 0; j < cfg->n_vrrp; j++)
		if (next[j])
			v->inst[i++] = next[j];
	v->n = i;
	free(fc);
	regroup(v);
	publish(v);
	return ret;
}

static void vrrp_stop(struct hsbd *d)
{
	struct hsb_vrrp *v = d->vrrp;
	unsigned int i;

	if (!v)
		return;
	if (d->opt.keep_datapath) {
		/* an agent restart: the datapath, the VIPs and the virtual
		 * MACs stay as they are for the next hsbd */
		for (i = 0; i < v->n; i++)
			inst_hand_over(v->inst[i]);
		v->n = 0;
		engine_free(v);
		d->vrrp = NULL;
		return;
	}
	/* Masters send priority 0 and remove their VIPs. */
	for (i = 0; i < v->n; i++)
		inst_stop(v->inst[i]);
	v->n = 0;
	publish(v); /* no instances: no VIP entries, no vmacs */
	sweep(v, v->nl, "behind", NULL, NULL);
	engine_free(v);
	d->vrrp = NULL;
}

/* Flat counters (hsbctl show counters prints name / value pairs). */
static void vrrp_counters(struct hsbd *d, struct json_object *o)
{
	const struct hsb_hook_stats *ns = hsb_hook_get_stats();
	struct hsb_vrrp *v = d->vrrp;
	struct vrrp_sock_stats sum = { 0 };
	uint64_t bad_ip = 0;
	unsigned int i, r;
	char name[64];

#define U64(k, val) json_object_object_add(o, k, json_object_new_uint64(val))
	for (i = 0; v && i < v->n_socks; i++) {
		const struct vrrp_sock_stats *st = &v->socks[i]->st;

		sum.rx_packets += st->rx_packets;
		for (r = 1; r < VRRP_IP4__COUNT; r++)
			bad_ip += st->rx_bad_ip[r];
		sum.rx_no_ancillary += st->rx_no_ancillary;
		sum.rx_truncated += st->rx_truncated;
		sum.rx_errors += st->rx_errors;
		sum.tx_packets += st->tx_packets;
		sum.tx_errors += st->tx_errors;
	}
	U64("instances", v ? v->n : 0);
	U64("sockets", v ? v->n_socks : 0);
	U64("rx_packets", sum.rx_packets);
	U64("rx_bad_ip_header", bad_ip);
	U64("rx_no_ancillary", sum.rx_no_ancillary);
	U64("rx_truncated", sum.rx_truncated);
	U64("rx_errors", sum.rx_errors);
	U64("rx_unknown_vrid", v ? v->st.rx_unknown_vrid : 0);
	for (r = 1; v && r < VRRP_RX__COUNT; r++) {
		if (!v->st.rx_rejected[r])
			continue;
		snprintf(name, sizeof(name), "rx_unknown_vrid_%s",
			 vrrp_rx_reason_name(r));
		U64(name, v->st.rx_rejected[r]);
	}
	U64("tx_packets", sum.tx_packets);
	U64("tx_errors", sum.tx_errors);
	U64("vips_swept", v ? v->st.vips_swept : 0);
	U64("socket_errors", v ? v->st.socket_errors : 0);
	U64("vaddr_errors", v ? v->st.vaddr_errors : 0);
	U64("link_event_overruns", v ? hsb_lev_sub_overruns(v->links) : 0);
	U64("notify_spawned", ns->spawned);
	U64("notify_spawn_failed", ns->spawn_failed);
	U64("notify_dropped", ns->dropped);
	U64("notify_exit_ok", ns->exit_ok);
	U64("notify_exit_failed", ns->exit_failed);
	U64("notify_running", ns->running);
#undef U64
}

void hsb_vrrp_foreach(const struct hsb_vrrp *v, vrrp_inst_fn fn, void *ctx)
{
	unsigned int i;

	for (i = 0; v && i < v->n; i++)
		fn(v->inst[i], ctx);
}

const struct hsb_engine hsb_vrrp_engine = {
	.name = "vrrp",
	.reconcile = vrrp_reconcile,
	.stop = vrrp_stop,
	.counters = vrrp_counters,
};
