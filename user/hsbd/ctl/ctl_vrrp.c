// SPDX-License-Identifier: GPL-2.0-only
/* show vrrp [brief]: one JSON object per instance. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "json_add.h"
#include "clock.h"
#include "ctl_proto.h"
#include "ctl/ctl_cmd.h"
#include "hsbd.h"
#include "ha/vaddr_table.h"
#include "vrrp/vrrp_engine.h"
#include "vrrp/vrrp_map.h"

struct show {
	struct hsbd *d;
	bool brief;
	uint64_t now;
	struct json_object *arr;
};

static struct json_object *jaddr(const struct vrrp_addr *a)
{
	char s[INET6_ADDRSTRLEN];

	if (a->family == AF_UNSPEC || !inet_ntop(a->family, a->b, s, sizeof(s)))
		return NULL; /* JSON null */
	return json_object_new_string(s);
}

/* The current master as this host knows it: itself when Master, the
 * sender of the last accepted advert when Backup. */
static struct json_object *master_addr(const struct vrrp_fsm *f)
{
	if (f->state == VRRP_STATE_MASTER)
		return jaddr(&f->cfg.primary);
	if (f->state == VRRP_STATE_BACKUP && f->master_known)
		return jaddr(&f->master_addr);
	return NULL;
}

static struct json_object *vips(const struct hsb_cfg_vrrp *c)
{
	struct json_object *arr = json_object_new_array();
	char s[INET6_ADDRSTRLEN + 8];
	unsigned int i;

	for (i = 0; i < c->n_vips; i++) {
		struct vrrp_addr a = vrrp_map_addr(&c->vips[i].addr);
		size_t n;

		if (!inet_ntop(a.family, a.b, s, INET6_ADDRSTRLEN))
			continue;
		n = strlen(s);
		snprintf(s + n, sizeof(s) - n, "/%u", c->vips[i].len);
		json_object_array_add(arr, json_object_new_string(s));
	}
	return arr;
}

static struct json_object *counters(const struct vrrp_inst *in)
{
	const struct vrrp_counters *c = &in->fsm.cnt;
	struct json_object *o = json_object_new_object();
	struct json_object *rej = json_object_new_object();
	unsigned int r;

	hsb_json_add_u64(o, "adverts_rx", c->adverts_rx);
	hsb_json_add_u64(o, "adverts_tx", c->adverts_tx);
	hsb_json_add_u64(o, "prio0_rx", c->prio0_rx);
	hsb_json_add_u64(o, "prio0_tx", c->prio0_tx);
	hsb_json_add_u64(o, "prio0_replies_suppressed",
			 c->prio0_replies_suppressed);
	hsb_json_add_u64(o, "become_master", c->become_master);
	hsb_json_add_u64(o, "reasserts", c->reasserts);
	hsb_json_add_u64(o, "reasserts_suppressed", c->reasserts_suppressed);
	hsb_json_add_u64(o, "interval_mismatch", c->interval_mismatch);
	hsb_json_add_u64(o, "addr_list_mismatch", c->addr_list_mismatch);
	hsb_json_add_u64(o, "owner_conflict", c->owner_conflict);
	hsb_json_add_u64(o, "preempt_delay_started", c->preempt_delay_started);
	hsb_json_add_u64(o, "preempt_delay_cancelled",
			 c->preempt_delay_cancelled);
	hsb_json_add_u64(o, "tx_errors", in->st.tx_errors);
	hsb_json_add_u64(o, "garp_sent", in->st.garp_sent);
	hsb_json_add_u64(o, "garp_errors", in->st.garp_errors);
	hsb_json_add_u64(o, "vip_add_errors", in->st.vip_add_errors);
	hsb_json_add_u64(o, "vip_remove_errors", in->st.vip_remove_errors);
	hsb_json_add_u64(o, "notify_runs", in->st.notify_runs);
	hsb_json_add_u64(o, "link_changes", in->st.link_changes);
	for (r = 1; r < VRRP_RX__COUNT; r++)
		hsb_json_add_u64(rej, vrrp_rx_reason_name(r),
				 c->rx_rejected[r]);
	json_object_object_add(o, "rx_rejected", rej);
	return o;
}

static struct json_object *last_transition(const struct vrrp_fsm *f,
					   uint64_t now)
{
	struct json_object *o;

	if (!f->has_transition)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(
		o, "from",
		json_object_new_string(vrrp_state_name(f->last.from)));
	json_object_object_add(
		o, "to", json_object_new_string(vrrp_state_name(f->last.to)));
	json_object_object_add(
		o, "reason",
		json_object_new_string(vrrp_reason_name(f->last.reason)));
	hsb_json_add_u64(o, "age_ms",
			 now >= f->last.at_ms ? now - f->last.at_ms : 0);
	return o;
}

static struct json_object *timers(const struct vrrp_fsm *f, uint64_t now)
{
	struct json_object *o = json_object_new_object();
	unsigned int t;

	/* remaining ms, null when not armed */
	for (t = 0; t < VRRP_TIMER__COUNT; t++) {
		const struct vrrp_fsm_timer *ft = &f->timers[t];

		json_object_object_add(
			o, vrrp_timer_name((enum vrrp_timer)t),
			ft->armed ? json_object_new_uint64(
					    ft->deadline_ms > now ?
						    ft->deadline_ms - now :
						    0) :
				    NULL);
	}
	return o;
}

/* The instance's addresses as XDP sees them (include/hsb/vaddr.h): its
 * group and whether the datapath answers for it now, the MAC used. */
static struct json_object *datapath(struct hsbd *d, const struct vrrp_inst *in)
{
	struct json_object *o = json_object_new_object();
	char mac[18];
	uint8_t m[6];
	bool active;

	hsb_json_add_u64(o, "group", in->group);
	if (d->dp && !hsb_vgroup_get(d->dp, in->group, &active))
		json_object_object_add(o, "active",
				       json_object_new_boolean(active));
	vrrp_inst_mac(in, m);
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
		 m[2], m[3], m[4], m[5]);
	json_object_object_add(o, "mac", json_object_new_string(mac));
	json_object_object_add(o, "vmac",
			       json_object_new_boolean(in->cfg.vmac));
	return o;
}

static void add_inst(const struct vrrp_inst *in, void *ctx)
{
	const struct vrrp_fsm *f = &in->fsm;
	const struct hsb_cfg_vrrp *c = &in->cfg;
	struct show *sh = ctx;
	struct json_object *o = json_object_new_object();
	struct json_object *peers;
	unsigned int i;

	hsb_json_add_u64(o, "vrid", c->vrid);
	json_object_object_add(o, "interface",
			       json_object_new_string(c->ifname));
	json_object_object_add(o, "family",
			       json_object_new_string(f->cfg.family == AF_INET ?
							      "ipv4" :
							      "ipv6"));
	hsb_json_add_u64(o, "version", c->version);
	json_object_object_add(
		o, "state", json_object_new_string(vrrp_state_name(f->state)));
	hsb_json_add_u64(o, "priority_configured", c->priority);
	hsb_json_add_u64(o, "priority_effective", f->priority);
	json_object_object_add(o, "master_address", master_addr(f));
	json_object_object_add(o, "vips", vips(c));
	json_object_object_add(o, "last_transition",
			       last_transition(f, sh->now));
	if (!sh->brief) {
		json_object_object_add(o, "primary_address",
				       jaddr(&f->cfg.primary));
		if (f->state == VRRP_STATE_BACKUP && f->master_known)
			hsb_json_add_u64(o, "master_priority",
					 f->master_priority);
		json_object_object_add(o, "link_usable",
				       json_object_new_boolean(f->link_up));
		hsb_json_add_u64(o, "advert_interval_cs", c->advert_cs);
		hsb_json_add_u64(o, "master_adver_interval_cs",
				 f->master_adver_cs);
		hsb_json_add_u64(o, "skew_ms",
				 vrrp_skew_ms(f->cfg.version, f->priority,
					      f->master_adver_cs));
		hsb_json_add_u64(o, "master_down_interval_ms",
				 vrrp_master_down_ms(f->cfg.version,
						     f->priority,
						     f->master_adver_cs));
		json_object_object_add(o, "preempt",
				       json_object_new_boolean(c->preempt));
		hsb_json_add_u64(o, "preempt_delay_cs", c->preempt_delay_cs);
		json_object_object_add(o, "accept",
				       json_object_new_boolean(c->accept));
		json_object_object_add(
			o, "owner",
			json_object_new_boolean(vrrp_fsm_is_owner(f)));
		peers = json_object_new_array();
		for (i = 0; i < c->n_peers; i++) {
			struct vrrp_addr a = vrrp_map_addr(&c->peers[i]);

			json_object_array_add(peers, jaddr(&a));
		}
		json_object_object_add(o, "unicast_peers", peers);
		hsb_json_add_u64(o, "garp_count", c->garp_count);
		hsb_json_add_u64(o, "garp_interval_ms", c->garp_interval_ms);
		hsb_json_add_u64(o, "garp_refresh_s", c->garp_refresh_s);
		json_object_object_add(
			o, "notify",
			c->notify[0] ? json_object_new_string(c->notify) :
				       NULL);
		json_object_object_add(o, "timers", timers(f, sh->now));
		json_object_object_add(o, "datapath", datapath(sh->d, in));
		json_object_object_add(o, "counters", counters(in));
	}
	json_object_array_add(sh->arr, o);
}

static int show_vrrp(struct hsbd *d, const struct hsb_ctl_request *req,
		     int words, struct json_object **reply, char *err,
		     size_t errlen)
{
	struct show sh = { .d = d, .now = hsb_now_ms() };

	if (req->argc > words + 1 ||
	    (req->argc == words + 1 && strcmp(req->argv[words], "brief"))) {
		snprintf(err, errlen, "usage: show vrrp [brief]");
		return -1;
	}
	sh.brief = req->argc == words + 1;
	sh.arr = json_object_new_array();
	hsb_vrrp_foreach(d->vrrp, add_inst, &sh);
	*reply = json_object_new_object();
	json_object_object_add(*reply, "instances", sh.arr);
	return 0;
}

static const struct hsb_ctl_cmd cmds[] = {
	{ { "show", "vrrp" }, true, show_vrrp },
};

HSB_CTL_TABLE(hsb_ctl_vrrp_cmds, cmds);
