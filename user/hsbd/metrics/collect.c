// SPDX-License-Identifier: GPL-2.0-only
/*
 * The collectors: hsbd's state as Prometheus families (metrics.h). They
 * read what the hsbctl views read (the ctl folder), never block, and never walk a
 * big map on a scrape: per-CPU counters are read directly (a few dozen
 * small lookups); sessions by protocol and state come from the sweeper's
 * own passes on the bus; NAT pool usage walks the PAT / NO-PAT tables at
 * most every HSB_MET_NAT_TTL_MS and serves the cached figures between.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "hsbd.h"
#include "version.h"
#include "datapath/datapath.h"
#include "hrp/hrp_config.h"
#include "hrp/hrp_engine.h"
#include "hrp/hrp_link.h"
#include "hrp/hrp_record.h"
#include "hrp/hrp_owner.h"
#include "datapath/install.h"
#include "datapath/install_prep.h"
#include "metrics/expo.h"
#include "metrics/metrics.h"
#include "nat/nat_compile.h"
#include "nat/nat_table.h"
#include "records/bus.h"
#include "sessions/session_view.h"
#include "sessions/sweeper.h"
#include "vgmp/vgmp_engine.h"
#include "vrrp/vrrp_engine.h"

#define L(n, v)          \
	{                \
		(n), (v) \
	}
#define NL(a) (sizeof(a) / sizeof((a)[0]))

static const char *const proto_names[HSB_MET_PROTOS] = { "tcp", "udp", "icmp",
							 "icmpv6", "other" };

static unsigned int proto_index(uint8_t p)
{
	switch (p) {
	case IPPROTO_TCP:
		return 0;
	case IPPROTO_UDP:
		return 1;
	case IPPROTO_ICMP:
		return 2;
	case IPPROTO_ICMPV6:
		return 3;
	default:
		return 4;
	}
}

/* --- sessions by protocol and state: the sweeper's passes ------------- */

static void on_sweep(const struct hsb_bus_batch *b, void *ctx)
{
	struct hsb_met_sessions *s = &((struct hsb_metrics *)ctx)->sess;
	size_t i;

	switch (b->topic) {
	case HSB_BUS_SWEEP_BEGIN:
		memset(s->cur, 0, sizeof(s->cur));
		s->in_pass = true;
		break;
	case HSB_BUS_SWEEP_VISIT:
		if (!s->in_pass)
			break; /* subscribed mid-pass: wait for the next */
		for (i = 0; i < b->n; i++) {
			uint8_t st = b->vals[i].state;

			if (st > HSB_CT__MAX)
				st = HSB_CT__MAX;
			s->cur[proto_index(b->keys[i].proto)][st]++;
		}
		break;
	case HSB_BUS_SWEEP_END:
		if (!s->in_pass)
			break;
		memcpy(s->last, s->cur, sizeof(s->last));
		s->in_pass = false;
		s->have_pass = true;
		break;
	default:
		break;
	}
}

int hsb_met_collect_start(struct hsb_metrics *m)
{
	if (m->sub || !m->d->bus)
		return 0;
	m->sub = hsb_bus_subscribe(m->d->bus, HSB_BUS_SWEEP, on_sweep, m);
	return m->sub ? 0 : -1;
}

void hsb_met_collect_stop(struct hsb_metrics *m)
{
	if (m->sub && m->d->bus)
		hsb_bus_unsubscribe(m->d->bus, m->sub);
	m->sub = NULL;
	memset(&m->sess, 0, sizeof(m->sess));
	memset(&m->nat, 0, sizeof(m->nat));
}

/* --- helpers ----------------------------------------------------------- */

static void one_u64(struct hsb_expo *e, const char *name, enum hsb_expo_type t,
		    const char *help, uint64_t v)
{
	if (hsb_expo_family(e, name, t, help))
		hsb_expo_u64(e, NULL, 0, v);
}

static void one_f64(struct hsb_expo *e, const char *name, const char *help,
		    double v)
{
	if (hsb_expo_family(e, name, HSB_EXPO_GAUGE, help))
		hsb_expo_f64(e, NULL, 0, v);
}

/* --- datapath: global counters, drops by reason, interfaces ------------ */

struct dp_counter {
	const char *name, *help;
};

static const struct dp_counter dp_counters[HSB_CNT__MAX] = {
#define HSB_COUNTER_DESC(id, n, h) [HSB_CNT_##id] = { n, h },
	HSB_COUNTERS(HSB_COUNTER_DESC)
#undef HSB_COUNTER_DESC
};

/* A drop reason: its description says the packet was dropped. DROP
 * itself is their sum, exported on its own. */
static bool is_drop_reason(unsigned int i)
{
	return i != HSB_CNT_DROP && strstr(dp_counters[i].help, "dropped");
}

static void collect_datapath(struct hsbd *d, struct hsb_expo *e)
{
	uint64_t v[HSB_CNT__MAX];
	bool ok[HSB_CNT__MAX];
	unsigned int i;

	if (!d->dp)
		return;
	for (i = 0; i < HSB_CNT__MAX; i++)
		ok[i] = !hsb_datapath_counter(d->dp, (enum hsb_counter)i,
					      &v[i]);

	if (ok[HSB_CNT_RX_PACKETS])
		one_u64(e, "hsb_datapath_received_packets_total",
			HSB_EXPO_COUNTER, "Packets seen by the XDP program.",
			v[HSB_CNT_RX_PACKETS]);
	if (ok[HSB_CNT_RX_BYTES])
		one_u64(e, "hsb_datapath_received_bytes_total",
			HSB_EXPO_COUNTER, "Bytes seen by the XDP program.",
			v[HSB_CNT_RX_BYTES]);
	if (hsb_expo_family(e, "hsb_datapath_verdicts_total", HSB_EXPO_COUNTER,
			    "Packets by XDP verdict: pass (to the kernel), "
			    "redirect (forwarded), drop.")) {
		static const struct {
			const char *name;
			enum hsb_counter c;
		} verdicts[] = { { "pass", HSB_CNT_PASS },
				 { "redirect", HSB_CNT_REDIRECT },
				 { "drop", HSB_CNT_DROP } };

		for (i = 0; i < NL(verdicts); i++) {
			struct hsb_expo_label l[] = { L("verdict",
							verdicts[i].name) };

			if (ok[verdicts[i].c])
				hsb_expo_u64(e, l, NL(l), v[verdicts[i].c]);
		}
	}
	if (hsb_expo_family(e, "hsb_datapath_drops_total", HSB_EXPO_COUNTER,
			    "Packets dropped by the XDP program, by reason "
			    "(the names of hsbctl show counters).")) {
		for (i = 0; i < HSB_CNT__MAX; i++) {
			struct hsb_expo_label l[] = { L("reason",
							dp_counters[i].name) };

			if (ok[i] && is_drop_reason(i))
				hsb_expo_u64(e, l, NL(l), v[i]);
		}
	}
	if (hsb_expo_family(e, "hsb_datapath_events_total", HSB_EXPO_COUNTER,
			    "Every other datapath counter, by name (hsbctl "
			    "show counters; include/hsb/counters.h).")) {
		for (i = 0; i < HSB_CNT__MAX; i++) {
			struct hsb_expo_label l[] = { L("event",
							dp_counters[i].name) };

			if (!ok[i] || is_drop_reason(i) ||
			    i == HSB_CNT_RX_PACKETS || i == HSB_CNT_RX_BYTES ||
			    i == HSB_CNT_PASS || i == HSB_CNT_REDIRECT ||
			    i == HSB_CNT_DROP || i == HSB_CNT_EVENTS ||
			    i == HSB_CNT_RING_FULL)
				continue;
			hsb_expo_u64(e, l, NL(l), v[i]);
		}
	}
	if (ok[HSB_CNT_EVENTS])
		one_u64(e, "hsb_ring_records_total", HSB_EXPO_COUNTER,
			"Change records XDP wrote to the ring buffer.",
			v[HSB_CNT_EVENTS]);
	if (ok[HSB_CNT_RING_FULL])
		one_u64(e, "hsb_ring_records_lost_total", HSB_EXPO_COUNTER,
			"Change records lost to a full ring (the entry is "
			"marked dirty and the sweeper resends it).",
			v[HSB_CNT_RING_FULL]);
}

struct if_ctx {
	struct hsb_expo *e;
	int which; /* 0 packets, 1 bytes */
};

static void if_sample(const struct hsb_dp_iface_info *in, void *ctx)
{
	struct if_ctx *c = ctx;
	struct hsb_expo_label l[] = { L("interface", in->name),
				      L("zone", in->zone ? in->zone : "") };

	hsb_expo_u64(c->e, l, NL(l), c->which ? in->rx_bytes : in->rx_packets);
}

static void collect_ifaces(struct hsbd *d, struct hsb_expo *e)
{
	struct if_ctx c = { e, 0 };

	if (!d->dp)
		return;
	if (hsb_expo_family(e, "hsb_interface_received_packets_total",
			    HSB_EXPO_COUNTER,
			    "Packets seen by XDP on an attached interface."))
		hsb_datapath_for_each_iface(d->dp, if_sample, &c);
	c.which = 1;
	if (hsb_expo_family(e, "hsb_interface_received_bytes_total",
			    HSB_EXPO_COUNTER,
			    "Bytes seen by XDP on an attached interface."))
		hsb_datapath_for_each_iface(d->dp, if_sample, &c);
}

/* --- sessions, ring consumers, reconciliation ------------------------- */

static const char *const record_names[] = {
	[HSB_EV_SESSION_NEW] = "session_new",
	[HSB_EV_SESSION_UPDATE] = "session_update",
	[HSB_EV_SESSION_REFRESH] = "session_refresh",
	[HSB_EV_SESSION_DELETE] = "session_delete",
	[HSB_EV_SESSION_RESYNC] = "session_resync",
	[HSB_EV_NAT_CREATE] = "nat_create",
	[HSB_EV_NAT_DELETE] = "nat_delete",
	[HSB_EV_NAT_RESYNC] = "nat_resync",
};

/* One protocol's row: states that share a name (UDP's and ICMP's "new")
 * are summed, so no series is written twice. */
static uint64_t sessions_of(struct hsb_expo *e, const char *proto,
			    const uint64_t *by_state)
{
	const char *names[HSB_CT__MAX + 1] = { NULL };
	uint64_t sums[HSB_CT__MAX + 1] = { 0 }, total = 0;
	unsigned int n = 0, s, j;

	for (s = 0; s <= HSB_CT__MAX; s++) {
		const char *nm = hsb_ct_state_name((uint8_t)s);

		if (!by_state[s])
			continue;
		total += by_state[s];
		for (j = 0; j < n && strcmp(names[j], nm); j++)
			;
		if (j == n) {
			names[n] = nm;
			sums[n++] = 0;
		}
		sums[j] += by_state[s];
	}
	for (j = 0; j < n; j++) {
		struct hsb_expo_label l[] = { L("protocol", proto),
					      L("state", names[j]) };

		hsb_expo_u64(e, l, NL(l), sums[j]);
	}
	return total;
}

static void collect_sessions(struct hsb_metrics *m, struct hsb_expo *e)
{
	struct hsbd *d = m->d;
	const struct hsb_dp_maps *maps = d->dp ? hsb_datapath_maps(d->dp) :
						 NULL;
	unsigned int p;

	if (maps)
		one_u64(e, "hsb_session_table_capacity", HSB_EXPO_GAUGE,
			"Entries the session table holds (firewall session "
			"table-size of the running table).",
			maps->sessions_max);
	if (m->sess.have_pass) {
		uint64_t total = 0;

		if (hsb_expo_family(e, "hsb_sessions", HSB_EXPO_GAUGE,
				    "Sessions by protocol and state, as the "
				    "sweeper's last full pass read them (at "
				    "most ~4 s old).")) {
			for (p = 0; p < HSB_MET_PROTOS; p++)
				total += sessions_of(e, proto_names[p],
						     m->sess.last[p]);
		}
		one_u64(e, "hsb_session_table_entries", HSB_EXPO_GAUGE,
			"Entries in the session table at the sweeper's last "
			"full pass.",
			total);
	}
	if (d->bus &&
	    hsb_expo_family(e, "hsb_records_published_total", HSB_EXPO_COUNTER,
			    "Change records on hsbd's record bus, by type "
			    "(from the ring and from hsbd's sweeps).")) {
		unsigned int t;

		for (t = 1; t < NL(record_names); t++) {
			struct hsb_expo_label l[] = { L("type",
							record_names[t]) };

			hsb_expo_u64(e, l, NL(l), hsb_bus_published(d->bus, t));
		}
	}
	if (d->sweeper) {
		struct hsb_sweeper_stats st;

		hsb_sweeper_stats(d->sweeper, &st);
		one_u64(e, "hsb_reconcile_passes_total", HSB_EXPO_COUNTER,
			"Full passes of the session sweeper (expiry and "
			"resync of entries whose record was lost).",
			st.passes);
		one_f64(e, "hsb_reconcile_last_pass_duration_seconds",
			"Duration of the sweeper's last full pass.",
			(double)st.last_pass_ms / 1000.0);
		one_u64(e, "hsb_sessions_expired_total", HSB_EXPO_COUNTER,
			"Sessions deleted by the sweeper as idle.", st.expired);
		one_u64(e, "hsb_sessions_resynced_total", HSB_EXPO_COUNTER,
			"Dirty sessions re-emitted by the sweeper (a record "
			"lost to a full ring).",
			st.resynced);
		one_u64(e, "hsb_reconcile_errors_total", HSB_EXPO_COUNTER,
			"Sweeper map reads or deletes that failed.", st.errors);
	}
}

/* --- NAT pool usage (cached walk) -------------------------------------- */

struct nat_walk {
	struct hsb_met_nat *n;
	bool nopat;
};

static void nat_one(const struct hsb_nat_key *k, const struct hsb_nat_entry *v,
		    void *ctx)
{
	struct nat_walk *w = ctx;
	struct hsb_met_nat_group *g;

	if (v->group >= w->n->n)
		return;
	g = &w->n->g[v->group];
	if (w->nopat)
		g->used[0]++;
	else if (k->proto == IPPROTO_TCP)
		g->used[0]++;
	else if (k->proto == IPPROTO_UDP)
		g->used[1]++;
	else
		g->used[2]++;
}

static void nat_refresh(struct hsb_metrics *m)
{
	struct hsbd *d = m->d;
	const struct hsb_dp_maps *maps = hsb_datapath_maps(d->dp);
	struct hsb_nat_compiled *c = calloc(1, sizeof(*c));
	struct hsb_met_nat *n = &m->nat;
	struct nat_walk w = { n, false };
	char err[128];
	unsigned int g;

	n->valid = false;
	n->at_ms = hsb_now_ms();
	if (!c || hsb_nat_compile(d->cfg, c, err, sizeof(err))) {
		free(c);
		return;
	}
	memset(n->g, 0, sizeof(n->g));
	n->n = c->n_pools < HSB_NAT_MAX_GROUPS ? c->n_pools :
						 HSB_NAT_MAX_GROUPS;
	for (g = 0; g < n->n && g < d->cfg->n_nat_groups; g++) {
		const struct hsb_nat_pool *p = &c->pools[g];
		__u32 lo, span;

		snprintf(n->g[g].name, sizeof(n->g[g].name), "%s",
			 d->cfg->nat_groups[g].name);
		n->g[g].pat = p->mode == HSB_NAT_POOL_PAT;
		n->g[g].addresses = p->n_addrs;
		if (n->g[g].pat) {
			hsb_nat_port_span(p, c->partition, &lo, &span);
			n->g[g].ports_per_address = span;
		}
	}
	free(c);
	if (hsb_nat_walk_pub(maps->nat_pat, nat_one, &w))
		return;
	w.nopat = true;
	if (hsb_nat_walk_pub(maps->nat_nopat, nat_one, &w))
		return;
	n->valid = true;
}

static void collect_nat(struct hsb_metrics *m, struct hsb_expo *e)
{
	struct hsb_met_nat *n = &m->nat;
	unsigned int g, p;

	if (!m->d->dp || !m->d->cfg->n_nat_groups)
		return;
	if (!n->at_ms || hsb_now_ms() - n->at_ms >= HSB_MET_NAT_TTL_MS)
		nat_refresh(m);
	if (!n->valid)
		return;
	if (hsb_expo_family(e, "hsb_nat_pool_addresses", HSB_EXPO_GAUGE,
			    "Public addresses of a NAT address group.")) {
		for (g = 0; g < n->n; g++) {
			struct hsb_expo_label l[] = {
				L("group", n->g[g].name),
				L("mode", n->g[g].pat ? "pat" : "no-pat")
			};

			hsb_expo_u64(e, l, NL(l), n->g[g].addresses);
		}
	}
	if (hsb_expo_family(e, "hsb_nat_pool_ports_capacity", HSB_EXPO_GAUGE,
			    "PAT ports a group can hand out per protocol "
			    "(addresses x ports per address, this host's "
			    "partition).")) {
		for (g = 0; g < n->n; g++) {
			struct hsb_expo_label l[] = { L("group",
							n->g[g].name) };

			if (n->g[g].pat)
				hsb_expo_u64(e, l, NL(l),
					     n->g[g].addresses *
						     n->g[g].ports_per_address);
		}
	}
	if (hsb_expo_family(e, "hsb_nat_pool_ports_used", HSB_EXPO_GAUGE,
			    "PAT mappings in use, by group and protocol "
			    "(refreshed at most every 10 s).")) {
		static const char *const pn[3] = { "tcp", "udp", "icmp" };

		for (g = 0; g < n->n; g++) {
			for (p = 0; n->g[g].pat && p < 3; p++) {
				struct hsb_expo_label l[] = {
					L("group", n->g[g].name),
					L("protocol", pn[p])
				};

				hsb_expo_u64(e, l, NL(l), n->g[g].used[p]);
			}
		}
	}
	if (hsb_expo_family(e, "hsb_nat_pool_addresses_used", HSB_EXPO_GAUGE,
			    "NO-PAT addresses lent to an inside host "
			    "(refreshed at most every 10 s).")) {
		for (g = 0; g < n->n; g++) {
			struct hsb_expo_label l[] = { L("group",
							n->g[g].name) };

			if (!n->g[g].pat)
				hsb_expo_u64(e, l, NL(l), n->g[g].used[0]);
		}
	}
}

/* --- VRRP -------------------------------------------------------------- */

enum vr_fam {
	VR_STATE,
	VR_PRIO,
	VR_PRIO_CFG,
	VR_MASTER_PRIO,
	VR_TRANS,
	VR_ADV_RX,
	VR_ADV_TX,
	VR_REJ,
};

struct vr_ctx {
	struct hsb_expo *e;
	enum vr_fam fam;
};

static void vr_sample(const struct vrrp_inst *in, void *ctx)
{
	struct vr_ctx *c = ctx;
	const struct vrrp_fsm *f = &in->fsm;
	char vrid[8];
	const char *fam = f->cfg.family == AF_INET ? "ipv4" : "ipv6";
	unsigned int i;

	snprintf(vrid, sizeof(vrid), "%u", in->cfg.vrid);
	switch (c->fam) {
	case VR_STATE:
		for (i = VRRP_STATE_INIT; i <= VRRP_STATE_MASTER; i++) {
			struct hsb_expo_label l[] = {
				L("vrid", vrid), L("interface", in->cfg.ifname),
				L("family", fam),
				L("state", vrrp_state_name((enum vrrp_state)i))
			};

			hsb_expo_u64(c->e, l, NL(l), f->state == i);
		}
		return;
	case VR_TRANS:
		for (i = 1; i < VRRP_REASON__COUNT; i++) {
			struct hsb_expo_label l[] = {
				L("vrid", vrid), L("interface", in->cfg.ifname),
				L("family", fam),
				L("reason",
				  vrrp_reason_name((enum vrrp_reason)i))
			};

			hsb_expo_u64(c->e, l, NL(l), f->cnt.transitions[i]);
		}
		return;
	case VR_REJ:
		for (i = 1; i < VRRP_RX__COUNT; i++) {
			struct hsb_expo_label l[] = {
				L("vrid", vrid), L("interface", in->cfg.ifname),
				L("family", fam),
				L("reason",
				  vrrp_rx_reason_name((enum vrrp_rx_reason)i))
			};

			hsb_expo_u64(c->e, l, NL(l), f->cnt.rx_rejected[i]);
		}
		return;
	default:
		break;
	}
	{
		struct hsb_expo_label l[] = { L("vrid", vrid),
					      L("interface", in->cfg.ifname),
					      L("family", fam) };
		uint64_t v = 0;

		switch (c->fam) {
		case VR_PRIO:
			v = f->priority;
			break;
		case VR_PRIO_CFG:
			v = in->cfg.priority;
			break;
		case VR_MASTER_PRIO:
			if (f->state != VRRP_STATE_BACKUP || !f->master_known)
				return;
			v = f->master_priority;
			break;
		case VR_ADV_RX:
			v = f->cnt.adverts_rx;
			break;
		case VR_ADV_TX:
			v = f->cnt.adverts_tx;
			break;
		default:
			return;
		}
		hsb_expo_u64(c->e, l, NL(l), v);
	}
}

static void collect_vrrp(struct hsbd *d, struct hsb_expo *e)
{
	static const struct {
		enum vr_fam fam;
		const char *name;
		enum hsb_expo_type type;
		const char *help;
	} fams[] = {
		{ VR_STATE, "hsb_vrrp_state", HSB_EXPO_GAUGE,
		  "VRRP instance state: 1 for the current one." },
		{ VR_PRIO, "hsb_vrrp_priority", HSB_EXPO_GAUGE,
		  "Running priority of the instance (what its adverts "
		  "carry)." },
		{ VR_PRIO_CFG, "hsb_vrrp_configured_priority", HSB_EXPO_GAUGE,
		  "Configured priority of the instance." },
		{ VR_MASTER_PRIO, "hsb_vrrp_peer_priority", HSB_EXPO_GAUGE,
		  "Priority of the master heard (Backup with a known master "
		  "only)." },
		{ VR_TRANS, "hsb_vrrp_transitions_total", HSB_EXPO_COUNTER,
		  "State transitions of the instance, by reason." },
		{ VR_ADV_RX, "hsb_vrrp_adverts_received_total",
		  HSB_EXPO_COUNTER, "Advertisements accepted." },
		{ VR_ADV_TX, "hsb_vrrp_adverts_sent_total", HSB_EXPO_COUNTER,
		  "Advertisements sent." },
		{ VR_REJ, "hsb_vrrp_adverts_rejected_total", HSB_EXPO_COUNTER,
		  "Advertisements refused, by reason." },
	};
	unsigned int i;

	if (!d->vrrp)
		return;
	for (i = 0; i < NL(fams); i++) {
		struct vr_ctx c = { e, fams[i].fam };

		if (hsb_expo_family(e, fams[i].name, fams[i].type,
				    fams[i].help))
			hsb_vrrp_foreach(d->vrrp, vr_sample, &c);
	}
}

/* --- VGMP -------------------------------------------------------------- */

enum vg_fam {
	VG_STATE,
	VG_PRIO,
	VG_PEER_PRIO,
	VG_PEER_ALIVE,
	VG_HB_LOST,
	VG_TRANS,
	VG_HELLOS,
	VG_CONFLICTS,
	VG_PEER_DEATHS,
	VG_FAILED_MEMBERS,
};

struct vg_ctx {
	struct hsb_expo *e;
	enum vg_fam fam;
};

static void vg_sample(const struct vgmp_grp *g, void *ctx)
{
	struct vg_ctx *c = ctx;
	const struct vgmp_group *f = &g->fsm;
	struct hsb_expo_label l1[] = { L("group", g->cfg.name) };
	uint64_t v;
	unsigned int i;

	switch (c->fam) {
	case VG_STATE:
		for (i = VGMP_STATE_INIT; i <= VGMP_STATE_ACTIVE; i++) {
			struct hsb_expo_label l[] = {
				L("group", g->cfg.name),
				L("state", vgmp_state_name((enum vgmp_state)i))
			};

			hsb_expo_u64(c->e, l, NL(l), f->state == i);
		}
		return;
	case VG_TRANS:
		for (i = 1; i < VGMP_REASON__COUNT; i++) {
			struct hsb_expo_label l[] = {
				L("group", g->cfg.name),
				L("reason",
				  vgmp_reason_name((enum vgmp_reason)i))
			};

			hsb_expo_u64(c->e, l, NL(l), g->transitions[i]);
		}
		return;
	case VG_PRIO:
		v = f->priority;
		break;
	case VG_PEER_PRIO:
		if (!f->peer_known || f->peer_dead)
			return;
		v = f->peer.priority;
		break;
	case VG_PEER_ALIVE:
		v = f->peer_known && !f->peer_dead;
		break;
	case VG_HB_LOST:
		v = f->heartbeat_lost;
		break;
	case VG_HELLOS:
		v = f->cnt.hellos_rx;
		break;
	case VG_CONFLICTS:
		v = f->cnt.conflicts;
		break;
	case VG_PEER_DEATHS:
		v = f->cnt.peer_deaths;
		break;
	case VG_FAILED_MEMBERS:
		v = g->failed_members;
		break;
	default:
		return;
	}
	hsb_expo_u64(c->e, l1, NL(l1), v);
}

static void collect_vgmp(struct hsbd *d, struct hsb_expo *e)
{
	static const struct {
		enum vg_fam fam;
		const char *name;
		enum hsb_expo_type type;
		const char *help;
	} fams[] = {
		{ VG_STATE, "hsb_vgmp_state", HSB_EXPO_GAUGE,
		  "VGMP group state: 1 for the current one." },
		{ VG_PRIO, "hsb_vgmp_priority", HSB_EXPO_GAUGE,
		  "Running priority of the group (base minus penalties)." },
		{ VG_PEER_PRIO, "hsb_vgmp_peer_priority", HSB_EXPO_GAUGE,
		  "The peer's running priority, from its hellos (while the "
		  "peer is alive)." },
		{ VG_PEER_ALIVE, "hsb_vgmp_peer_up", HSB_EXPO_GAUGE,
		  "1 while the peer is heard (hellos or adverts), 0 when "
		  "none was ever heard or it was declared dead." },
		{ VG_HB_LOST, "hsb_vgmp_heartbeat_lost", HSB_EXPO_GAUGE,
		  "1 when hellos stopped but the peer's adverts still "
		  "arrive (heartbeat link down, split-brain guard)." },
		{ VG_TRANS, "hsb_vgmp_transitions_total", HSB_EXPO_COUNTER,
		  "Group state transitions, by reason." },
		{ VG_HELLOS, "hsb_vgmp_hellos_received_total", HSB_EXPO_COUNTER,
		  "Peer hellos accepted for the group." },
		{ VG_CONFLICTS, "hsb_vgmp_conflicts_total", HSB_EXPO_COUNTER,
		  "Times both hosts were heard active for the group." },
		{ VG_PEER_DEATHS, "hsb_vgmp_peer_deaths_total",
		  HSB_EXPO_COUNTER, "Times the peer was declared dead." },
		{ VG_FAILED_MEMBERS, "hsb_vgmp_failed_members", HSB_EXPO_GAUGE,
		  "Member VRRP instances or tracks down now." },
	};
	unsigned int i;

	if (!d->vgmp)
		return;
	for (i = 0; i < NL(fams); i++) {
		struct vg_ctx c = { e, fams[i].fam };

		if (hsb_expo_family(e, fams[i].name, fams[i].type,
				    fams[i].help))
			hsb_vgmp_foreach(d->vgmp, vg_sample, &c);
	}
}

/* --- HRP --------------------------------------------------------------- */

static void per_type(struct hsb_expo *e, const char *name, const char *help,
		     const uint64_t *v)
{
	unsigned int t;

	if (!hsb_expo_family(e, name, HSB_EXPO_COUNTER, help))
		return;
	for (t = 1; t < HRP_REC__MAX; t++) {
		struct hsb_expo_label l[] = { L(
			"type", hrp_rec_type_name((enum hrp_rec_type)t)) };

		hsb_expo_u64(e, l, NL(l), v[t]);
	}
}

/* The configuration backup (docs/hrp.md, "Configuration backup"). */
static void collect_hrp_config(struct hsbd *d, struct hsb_expo *e)
{
	static const enum hrp_cfg_role roles[] = { HRP_CFG_ROLE_MASTER,
						   HRP_CFG_ROLE_SLAVE,
						   HRP_CFG_ROLE_NONE };
	struct hrp_config_info c;
	unsigned int i;

	hsb_hrp_config_info(d->hrp, &c);
	if (hsb_expo_family(e, "hsb_hrp_config_role", HSB_EXPO_GAUGE,
			    "1 for this host's configuration role (HRP_M, "
			    "HRP_S, or none before a VGMP group is decided).")) {
		for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
			struct hsb_expo_label l[] = { L(
				"role", hrp_cfg_role_name(roles[i])) };

			hsb_expo_u64(e, l, NL(l), c.role == roles[i]);
		}
	}
	one_u64(e, "hsb_hrp_config_in_sync", HSB_EXPO_GAUGE,
		"1 when the peer runs the same backed-up configuration "
		"(digests equal).",
		c.peer_known &&
			!memcmp(c.digest, c.peer_digest, sizeof(c.digest)));
	one_u64(e, "hsb_hrp_config_generation", HSB_EXPO_GAUGE,
		"Generation of the backed-up configuration this host runs.",
		c.gen);
	if (hsb_expo_family(e, "hsb_hrp_config_results_total", HSB_EXPO_COUNTER,
			    "Results of configuration offers: what this host "
			    "did with the peer's (side=here) and the peer with "
			    "this host's (side=peer).")) {
		for (i = 0; i < HRP_CFG__STATUS_COUNT; i++) {
			const char *st =
				hrp_cfg_status_name((enum hrp_cfg_status)i);
			struct hsb_expo_label here[] = { L("side", "here"),
							 L("status", st) };
			struct hsb_expo_label peer[] = { L("side", "peer"),
							 L("status", st) };

			hsb_expo_u64(e, here, NL(here), c.st->results[i]);
			hsb_expo_u64(e, peer, NL(peer), c.st->peer_results[i]);
		}
	}
	one_u64(e, "hsb_hrp_config_edits_refused_total", HSB_EXPO_COUNTER,
		"Backed-up commands refused on HRP_S.", c.st->edits_refused);
}

static void collect_hrp(struct hsbd *d, struct hsb_expo *e)
{
	struct hsb_hrp_info in;
	unsigned int i;

	hsb_hrp_info(d->hrp, &in);
	if (!in.link)
		return;
	one_u64(e, "hsb_hrp_connected", HSB_EXPO_GAUGE,
		"1 while the HRP connection to the peer is up.", in.up);
	one_u64(e, "hsb_hrp_connects_total", HSB_EXPO_COUNTER,
		"HRP connections that came up.", in.link->connects);
	one_u64(e, "hsb_hrp_disconnects_total", HSB_EXPO_COUNTER,
		"HRP connections lost.", in.link->disconnects);
	one_u64(e, "hsb_hrp_sent_bytes_total", HSB_EXPO_COUNTER,
		"Bytes of HRP frames sent.", in.link->bytes_tx);
	one_u64(e, "hsb_hrp_received_bytes_total", HSB_EXPO_COUNTER,
		"Bytes of HRP frames received.", in.link->bytes_rx);
	one_u64(e, "hsb_hrp_send_queue_bytes", HSB_EXPO_GAUGE,
		"Bytes waiting in the HRP send buffer.", in.queued);
	per_type(e, "hsb_hrp_records_sent_total",
		 "State records sent to the peer, by type.", in.st->tx_records);
	per_type(e, "hsb_hrp_records_received_total",
		 "State records received from the peer, by type.",
		 in.st->rx_records);
	one_u64(e, "hsb_hrp_records_dropped_total", HSB_EXPO_COUNTER,
		"Records lost to a full send buffer (the batch backup "
		"repairs).",
		in.st->tx_dropped);
	if (hsb_expo_family(e, "hsb_hrp_frames_rejected_total",
			    HSB_EXPO_COUNTER,
			    "Frames from the peer refused (the connection is "
			    "closed), by reason.")) {
		for (i = 1; i < HRP_FE__COUNT; i++) {
			struct hsb_expo_label l[] = { L(
				"reason",
				hrp_frame_err_name((enum hrp_frame_err)i)) };

			hsb_expo_u64(e, l, NL(l), in.link->rx_err[i]);
		}
	}
	if (hsb_expo_family(
		    e, "hsb_hrp_record_frames_rejected_total", HSB_EXPO_COUNTER,
		    "Record frames from the peer refused, by reason.")) {
		for (i = 1; i < HRP_RE__COUNT; i++) {
			struct hsb_expo_label l[] = { L(
				"reason",
				hrp_rec_err_name((enum hrp_rec_err)i)) };

			hsb_expo_u64(e, l, NL(l), in.st->rx_refused_frames[i]);
		}
	}
	if (hsb_expo_family(
		    e, "hsb_hrp_install_refused_total", HSB_EXPO_COUNTER,
		    "Entries from the peer not installed, by reason.")) {
		for (i = 1; i < HSB_INSF__MAX; i++) {
			struct hsb_expo_label l[] = { L(
				"reason", hsb_install_fault_name(
						  (enum hsb_install_fault)i)) };

			hsb_expo_u64(e, l, NL(l), in.install->refused[i]);
		}
	}
	one_u64(e, "hsb_hrp_batch_running", HSB_EXPO_GAUGE,
		"1 while a batch backup to the peer is being sent.",
		in.bulk_running);
	one_u64(e, "hsb_hrp_batch_started_total", HSB_EXPO_COUNTER,
		"Batch backups started.", in.st->bulk_started);
	one_u64(e, "hsb_hrp_batch_completed_total", HSB_EXPO_COUNTER,
		"Batch backups sent completely.", in.st->bulk_done);
	one_u64(e, "hsb_hrp_batch_entries_sent_total", HSB_EXPO_COUNTER,
		"Entries sent by batch backups.", in.st->bulk_sent_entries);
	/* gauges, not a summary: the quantiles are of a window, and a
	 * summary's quantile label is for client-side streaming ones */
	if (hsb_expo_family(e, "hsb_hrp_applied_lag_p50_seconds",
			    HSB_EXPO_GAUGE,
			    "Median applied lag of live records over the last "
			    "minute (emitted here until the peer acknowledged "
			    "the frame applied); 0 without samples."))
		hsb_expo_f64(e, NULL, 0, (double)in.lag.p50_us / 1e6);
	if (hsb_expo_family(e, "hsb_hrp_applied_lag_p99_seconds",
			    HSB_EXPO_GAUGE,
			    "99th percentile of the applied lag over the last "
			    "minute; 0 without samples."))
		hsb_expo_f64(e, NULL, 0, (double)in.lag.p99_us / 1e6);
	one_u64(e, "hsb_hrp_applied_lag_frames", HSB_EXPO_GAUGE,
		"Frames the applied-lag quantiles are made of (last minute).",
		in.lag.n);
	one_u64(e, "hsb_hrp_batch_record_bytes_total", HSB_EXPO_COUNTER,
		"Bytes of records batch backups sent zlib-compressed.",
		in.st->bulk_raw_bytes);
	one_u64(e, "hsb_hrp_batch_compressed_bytes_total", HSB_EXPO_COUNTER,
		"What those records took compressed (payload bytes).",
		in.st->bulk_zlib_bytes);
	one_u64(e, "hsb_hrp_batch_received_total", HSB_EXPO_COUNTER,
		"Complete batch backups received from the peer.",
		in.st->bulk_received);
	one_u64(e, "hsb_hrp_backup_complete", HSB_EXPO_GAUGE,
		"1 once the state backup from the peer is complete (or its "
		"wait timed out).",
		in.backup_complete);
	collect_hrp_config(d, e);
}

/* --- hsbd itself ------------------------------------------------------- */

static void collect_self(struct hsb_metrics *m, struct hsb_expo *e)
{
	struct hsbd *d = m->d;

	if (hsb_expo_family(e, "hsb_build_info", HSB_EXPO_GAUGE,
			    "Always 1; the version of hsbd.")) {
		struct hsb_expo_label l[] = { L("version", HSB_VERSION) };

		hsb_expo_u64(e, l, NL(l), 1);
	}
	one_f64(e, "hsb_uptime_seconds", "Time since hsbd started.",
		(double)(hsb_now_ms() - d->started_ms) / 1000.0);
	one_u64(e, "hsb_config_applied_total", HSB_EXPO_COUNTER,
		"Configuration changes applied.", d->stats.config_applied);
	one_u64(e, "hsb_config_refused_total", HSB_EXPO_COUNTER,
		"Configuration changes refused.", d->stats.config_refused);
	one_u64(e, "hsb_metrics_scrapes_total", HSB_EXPO_COUNTER,
		"Scrapes of /metrics served.", m->st.scrapes);
	one_f64(e, "hsb_metrics_last_scrape_duration_seconds",
		"Time the previous scrape took to collect, on the event "
		"loop.",
		(double)m->st.last_scrape_us / 1e6);
	one_u64(e, "hsb_ready", HSB_EXPO_GAUGE,
		"1 when /readyz answers 200 (datapath attached, VRRP/VGMP "
		"state decided).",
		hsb_met_not_ready(m) == NULL);
}

void hsb_met_collect(struct hsb_metrics *m, struct hsb_expo *e)
{
	collect_self(m, e);
	collect_datapath(m->d, e);
	collect_ifaces(m->d, e);
	collect_sessions(m, e);
	collect_nat(m, e);
	collect_vrrp(m->d, e);
	collect_vgmp(m->d, e);
	collect_hrp(m->d, e);
}

/* --- readiness ---------------------------------------------------------- */

struct ready_ctx {
	const char *why;
};

/* Decided: Master, or Backup that hears a master. A Backup that has
 * heard none yet waits for Master_Down: not decided. */
static void vr_ready(const struct vrrp_inst *in, void *ctx)
{
	struct ready_ctx *r = ctx;
	const struct vrrp_fsm *f = &in->fsm;

	if (in->cfg.vgmp_group[0]) /* its group decides */
		return;
	if (f->state == VRRP_STATE_MASTER ||
	    (f->state == VRRP_STATE_BACKUP && f->master_known))
		return;
	if (!r->why)
		r->why = "vrrp: an instance has no master decided";
}

/* Decided: Active, or Standby with the peer alive. */
static void vg_ready(const struct vgmp_grp *g, void *ctx)
{
	struct ready_ctx *r = ctx;
	const struct vgmp_group *f = &g->fsm;

	if (f->state == VGMP_STATE_ACTIVE ||
	    (f->state == VGMP_STATE_STANDBY && f->peer_known && !f->peer_dead))
		return;
	if (!r->why)
		r->why = "vgmp: a group has no state decided";
}

static void count_if(const struct hsb_dp_iface_info *in, void *ctx)
{
	(void)in;
	(*(unsigned int *)ctx)++;
}

const char *hsb_met_not_ready(struct hsb_metrics *m)
{
	struct hsbd *d = m->d;
	struct ready_ctx r = { NULL };
	unsigned int n = 0;

	if (!d->dp)
		return "datapath not loaded";
	hsb_datapath_for_each_iface(d->dp, count_if, &n);
	if (d->cfg->n_ifaces && !n)
		return "datapath not attached to any interface";
	hsb_vgmp_foreach(d->vgmp, vg_ready, &r);
	hsb_vrrp_foreach(d->vrrp, vr_ready, &r);
	return r.why;
}
