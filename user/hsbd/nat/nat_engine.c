// SPDX-License-Identifier: GPL-2.0-only
/*
 * The NAT engine: keeps the datapath's NAT maps equal to the configured
 * NAT (address groups, NAT policy, NAT servers, port partition), binds
 * the public addresses for ARP, releases the mapping references of
 * sessions hsbd deletes, and re-emits mappings whose change record was
 * lost. See nat_engine.h.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <json-c/json.h>

#include "clock.h"
#include "records/bus.h"
#include "records/record_buf.h"
#include "datapath/datapath.h"
#include "hsbd.h"
#include "log.h"
#include "nat/nat_compile.h"
#include "nat/nat_engine.h"
#include "nat/nat_ref.h"
#include "ha/switchover.h"
#include "nat/nat_table.h"
#include "netlink/link_events.h"
#include "ha/vaddr_table.h"
#include "firewall/zones.h"

#define NAT_SWEEP_MS 1000

struct hsb_nat {
	struct hsbd *d;
	struct hsb_nat_compiled *live; /* what the maps hold */
	bool have_live;
	struct hsb_timer *timer;
	/* session deletes and the sweeper's passes, from the bus */
	struct hsb_bus_sub *sub;
	/* records to the bus: from the timer, from bus callbacks (a
	 * callback may run while the timer's buffer is being flushed) */
	struct hsb_record_buf tick_out, cb_out;
	uint64_t rule_flips;
	uint64_t failures;
	uint64_t released; /* references dropped */
	uint64_t freed; /* mappings deleted by a release */
	uint64_t release_misses; /* mapping not there (already freed) */
	uint64_t resynced;
	uint64_t pinholes_expired;
	uint64_t arp_bound;
	struct hsb_lev_sub *links; /* re-bind after link / address changes */
	/* reference recount over sweeper passes (orphans) */
	struct ref_slot *refs;
	uint64_t pass_start;
	bool pass_begun; /* its BEGIN was seen: END of a pass joined late
			  * would count too few sessions */
	bool pass_overflow;
	uint64_t orphans; /* references dropped: their session was gone */
	uint64_t recounts;
};

/* Sessions per mapping seen in a sweeper pass: open addressing. */
#define REF_SLOTS (1U << 18)
#define ORPHAN_MARGIN_NS 1000000000ULL

struct ref_slot {
	struct hsb_nat_key key;
	uint32_t table; /* 0: empty */
	uint32_t seen;
};

static const struct hsb_dp_maps *maps(struct hsb_nat *ns)
{
	return hsb_datapath_maps(ns->d->dp);
}

/* ---- the release program -------------------------------------------- */

int hsb_nat_run_release(int prog_fd, struct hsb_nat_release_args *a)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = a,
		    .ctx_size_in = sizeof(*a));
	int i;

	/* result -2: the count kept changing under XDP; try again */
	for (i = 0; i < 8; i++) {
		if (bpf_prog_test_run_opts(prog_fd, &opts))
			return -errno;
		if (a->result != -2)
			return 0;
	}
	return -EBUSY;
}

/* A session hsbd deleted (its DELETE record: only the caller whose
 * delete succeeded publishes one) drops its reference. */
static void session_gone(struct hsb_nat *ns, const struct hsb_flow_key *k,
			 const struct hsb_session *s, uint64_t now)
{
	struct hsb_nat_release_args a;
	struct hsb_nat_entry v;

	if (!ns->d->dp || !hsb_nat_session_ref(k, s, &a))
		return;
	a.op = HSB_NAT_OP_RELEASE;
	if (hsb_nat_run_release(maps(ns)->nat_release, &a)) {
		ns->failures++;
		hsb_log_ratelimited(HSB_LOG_ERR,
				    "nat: releasing a mapping failed");
		return;
	}
	if (a.result < 0) {
		ns->release_misses++;
		return;
	}
	ns->released++;
	if (!a.deleted)
		return;
	ns->freed++;
	memset(&v, 0, sizeof(v));
	v.addr = a.inside;
	v.port = a.inside_port;
	v.group = s->nat.ref;
	hsb_record_buf_nat(&ns->cb_out, HSB_EV_NAT_DELETE, a.table, &a.pub, &v,
			   now);
}

/* ---- orphans: references whose session is gone ------------------------ */

/*
 * Sessions evicted from the LRU session table (or lost otherwise) never
 * reach session_gone(). Each full sweeper pass counts, per mapping, the
 * sessions that hold it; at the end, a mapping neither created nor joined
 * since the pass began (with a margin for the datapath's coarse clock)
 * and counting more references than sessions seen has orphans: the
 * excess is released. A session present for the whole pass is seen once
 * (sweeper.h); one deleted meanwhile was seen and released, so seen only
 * errs high, never releasing a live reference.
 */
static uint32_t ref_hash(const struct hsb_nat_key *k, uint32_t table)
{
	uint32_t h = k->addr * 0x9e3779b1U;

	h ^= ((uint32_t)k->port << 16 | (uint32_t)k->proto << 8 | table) *
	     0x85ebca6bU;
	return (h ^ (h >> 15)) & (REF_SLOTS - 1);
}

static struct ref_slot *ref_find(struct hsb_nat *ns,
				 const struct hsb_nat_key *k, uint32_t table,
				 bool add)
{
	uint32_t i = ref_hash(k, table), n;

	for (n = 0; n < 64; n++, i = (i + 1) & (REF_SLOTS - 1)) {
		struct ref_slot *r = &ns->refs[i];

		if (!r->table) {
			if (!add)
				return NULL;
			r->table = table;
			r->key = *k;
			return r;
		}
		if (r->table == table && !memcmp(&r->key, k, sizeof(*k)))
			return r;
	}
	if (add)
		ns->pass_overflow = true;
	return NULL;
}

static void pass_begin(struct hsb_nat *ns, uint64_t now)
{
	memset(ns->refs, 0, REF_SLOTS * sizeof(*ns->refs));
	ns->pass_start = now;
	ns->pass_begun = true;
	ns->pass_overflow = false;
}

static void pass_visit(struct hsb_nat *ns, const struct hsb_flow_key *k,
		       const struct hsb_session *s)
{
	struct hsb_nat_release_args a;
	struct ref_slot *r;

	if (!hsb_nat_session_ref(k, s, &a))
		return;
	r = ref_find(ns, &a.pub, a.table, true);
	if (r)
		r->seen++;
}

typedef void (*nat_entry_fn)(struct hsb_nat *ns, int fd, __u8 table,
			     const struct hsb_nat_key *k,
			     const struct hsb_nat_entry *v, uint64_t now);

struct pub_walk {
	struct hsb_nat *ns;
	int fd;
	__u8 table;
	uint64_t now;
	nat_entry_fn fn;
};

static void pub_entry(const struct hsb_nat_key *k,
		      const struct hsb_nat_entry *v, void *ctx)
{
	struct pub_walk *w = ctx;

	w->fn(w->ns, w->fd, w->table, k, v, w->now);
}

/* Calls fn for every public-side entry of one NAT table (the side that
 * holds the reference count). A failed read ends the walk: the next
 * sweep or pass tries again. */
static void walk_pub(struct hsb_nat *ns, int fd, __u8 table, uint64_t now,
		     nat_entry_fn fn)
{
	struct pub_walk w = {
		.ns = ns, .fd = fd, .table = table, .now = now, .fn = fn
	};

	hsb_nat_walk_pub(fd, pub_entry, &w);
}

/* Releases the references of sessions that vanished without hsbd seeing
 * them (LRU eviction): what the mapping counts beyond what the pass saw. */
static void recount_entry(struct hsb_nat *ns, int fd, __u8 table,
			  const struct hsb_nat_key *k,
			  const struct hsb_nat_entry *v, uint64_t now)
{
	struct ref_slot *r;
	uint32_t seen, extra;

	(void)fd;
	(void)now;
	if (!v->refcnt || v->created_ns + ORPHAN_MARGIN_NS >= ns->pass_start ||
	    v->last_ref_ns + ORPHAN_MARGIN_NS >= ns->pass_start)
		return;
	r = ref_find(ns, k, table, false);
	seen = r ? r->seen : 0;
	for (extra = v->refcnt > seen ? v->refcnt - seen : 0; extra; extra--) {
		struct hsb_nat_release_args a = {
			.table = table,
			.op = HSB_NAT_OP_RELEASE,
			.pub = *k,
			.inside = v->addr,
			.inside_port = table == HSB_NAT_TABLE_PAT ? v->port : 0
		};

		if (hsb_nat_run_release(maps(ns)->nat_release, &a) ||
		    a.result < 0)
			break;
		ns->orphans++;
		if (a.deleted) {
			struct hsb_nat_entry dv = *v;

			dv.refcnt = 0;
			ns->freed++;
			hsb_record_buf_nat(&ns->cb_out, HSB_EV_NAT_DELETE,
					   table, k, &dv, hsb_now_ns());
			break;
		}
	}
}

static void pass_end(struct hsb_nat *ns, uint64_t now)
{
	if (!ns->pass_begun || ns->pass_overflow || !ns->d->dp)
		return;
	walk_pub(ns, maps(ns)->nat_pat, HSB_NAT_TABLE_PAT, now, recount_entry);
	walk_pub(ns, maps(ns)->nat_nopat, HSB_NAT_TABLE_NOPAT, now,
		 recount_entry);
	ns->recounts++;
}

/* The NAT engine as a bus subscriber: session deletes release, the
 * sweeper's passes recount. Its records go out after the batch. */
static void on_bus(const struct hsb_bus_batch *b, void *ctx)
{
	struct hsb_nat *ns = ctx;
	size_t i;

	switch (b->topic) {
	case HSB_BUS_RECORDS: /* HSB_EV_SESSION_DELETE only */
		for (i = 0; i < b->n; i++)
			session_gone(ns, &b->recs[i].sess.key,
				     &b->recs[i].sess.sess,
				     b->recs[i].hdr.ts_ns);
		break;
	case HSB_BUS_SWEEP_BEGIN:
		pass_begin(ns, b->now_ns);
		break;
	case HSB_BUS_SWEEP_VISIT:
		for (i = 0; i < b->n; i++)
			pass_visit(ns, &b->keys[i], &b->vals[i]);
		break;
	case HSB_BUS_SWEEP_END:
		pass_end(ns, b->now_ns);
		break;
	default:
		break;
	}
	hsb_record_buf_flush(&ns->cb_out);
}

#define NAT_TOPICS (HSB_BUS_TOPIC(HSB_EV_SESSION_DELETE) | HSB_BUS_SWEEP)

/* ---- configuration -> maps ------------------------------------------ */

/* The pool-address filter (include/hsb/nat.h: hsb_nat_pubf): every
 * address of every group; a huge pool saturates it (all bits), which is
 * still right, only slower for traffic to other addresses. */
static void write_pubf(struct hsb_nat *ns, const struct hsb_nat_compiled *c)
{
	uint64_t w[HSB_NAT_PUBF_WORDS];
	unsigned int g;
	uint32_t i;

	memset(w, 0, sizeof(w));
	for (g = 0; g < c->n_pools; g++) {
		if (c->pools[g].n_addrs > 8 * sizeof(w)) {
			memset(w, 0xff, sizeof(w));
			break;
		}
		for (i = 0; i < c->pools[g].n_addrs; i++) {
			uint32_t b = hsb_nat_pubf_bit(
				hsb_nat_pool_addr_host(&c->pools[g], i));

			w[(b >> 6) % HSB_NAT_PUBF_WORDS] |= 1ULL << (b & 63);
		}
	}
	hsb_datapath_set_nat_pubf(ns->d->dp, w);
}

static int write_pools(struct hsb_nat *ns, const struct hsb_nat_compiled *c)
{
	struct hsb_nat_pool zero;
	__u32 i;

	memset(&zero, 0, sizeof(zero));
	for (i = 0; i < HSB_NAT_MAX_GROUPS; i++) {
		const struct hsb_nat_pool *p = i < c->n_pools ? &c->pools[i] :
								&zero;

		if (ns->have_live &&
		    !memcmp(p, &ns->live->pools[i], sizeof(*p)))
			continue;
		if (bpf_map_update_elem(maps(ns)->nat_pool, &i, p, BPF_ANY))
			return -errno;
	}
	return 0;
}

/* Rules into the inactive half, then one update of hsb_nat_ctl flips
 * them live with the partition (include/hsb/nat.h). */
static int write_rules(struct hsb_nat *ns, const struct hsb_nat_compiled *c)
{
	const struct hsb_dp_maps *m = maps(ns);
	struct hsb_nat_ctl ctl;
	__u32 zero = 0, next, i, key;

	if (ns->have_live && c->n_rules == ns->live->n_rules &&
	    c->partition == ns->live->partition &&
	    !memcmp(c->rules, ns->live->rules,
		    c->n_rules * sizeof(c->rules[0])))
		return 0;
	memset(&ctl, 0, sizeof(ctl));
	if (bpf_map_lookup_elem(m->nat_ctl, &zero, &ctl))
		return -errno;
	next = ctl.active ? 0 : 1;
	for (i = 0; i < c->n_rules; i++) {
		key = next * HSB_NAT_MAX_RULES + i;
		if (bpf_map_update_elem(m->nat_rules, &key, &c->rules[i],
					BPF_ANY))
			return -errno;
	}
	ctl.active = next;
	ctl.n_rules[next] = c->n_rules;
	ctl.partition = c->partition;
	if (bpf_map_update_elem(m->nat_ctl, &zero, &ctl, BPF_ANY))
		return -errno;
	ns->rule_flips++;
	return 0;
}

static bool srv_wanted(const struct hsb_nat_compiled *c,
		       const struct hsb_nat_key *k)
{
	unsigned int i;

	for (i = 0; i < c->n_srv; i++)
		if (!memcmp(&c->srv[i].key, k, sizeof(*k)))
			return true;
	return false;
}

/* Static entries by difference (a removed server's entries go, dynamic
 * pinholes stay); the whole map is read so entries a previous hsbd left
 * are found too. */
static int write_servers(struct hsb_nat *ns, const struct hsb_nat_compiled *c)
{
	int fd = maps(ns)->nat_srv;
	struct hsb_nat_key k, next;
	struct hsb_nat_entry v;
	unsigned int i;
	bool first = true;

	while (bpf_map_get_next_key(fd, first ? NULL : &k, &next) == 0) {
		first = false;
		k = next;
		if (bpf_map_lookup_elem(fd, &k, &v) ||
		    !(v.flags & HSB_NAT_F_STATIC) || srv_wanted(c, &k))
			continue;
		bpf_map_delete_elem(fd, &k);
		first = true; /* the walk restarts after a delete */
	}
	for (i = 0; i < c->n_srv; i++) {
		if (!bpf_map_lookup_elem(fd, &c->srv[i].key, &v) &&
		    !memcmp(&v, &c->srv[i].val, sizeof(v)))
			continue;
		if (bpf_map_update_elem(fd, &c->srv[i].key, &c->srv[i].val,
					BPF_ANY))
			return -errno;
	}
	return 0;
}

/* ---- addresses answered for (hsb_vaddrs) ----------------------------- */

static int if_mac(const char *name, __u8 *mac)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = -1;

	if (s < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(s, SIOCGIFHWADDR, &ifr) == 0) {
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
		ret = 0;
	}
	close(s);
	return ret;
}

/* Whether interface name has an IPv4 subnet holding addr. */
static bool on_link(const struct ifaddrs *ifa, const char *name, uint32_t addr)
{
	for (; ifa; ifa = ifa->ifa_next) {
		const struct sockaddr_in *a = (void *)ifa->ifa_addr;
		const struct sockaddr_in *m = (void *)ifa->ifa_netmask;

		if (!a || !m || a->sin_family != AF_INET ||
		    strcmp(ifa->ifa_name, name))
			continue;
		if (!((a->sin_addr.s_addr ^ addr) & m->sin_addr.s_addr))
			return true;
	}
	return false;
}

/*
 * Where each public address is answered: on the configured interfaces
 * whose connected IPv4 subnet holds it; when none does, on every
 * configured interface of the zone it is reached from (a pool: the
 * to-zone of the rules using it; a server: its zone), or on every
 * configured interface when that zone is any. Each binding follows the
 * group the switchover owner binds it to (ha/switchover.h:
 * hsb_switchover_bind) and is answered with that group's virtual MAC
 * when it has one there.
 */
static unsigned int vaddr_plan(const struct hsb_config *cfg,
			       const struct hsb_switchover *ha,
			       const struct hsb_nat_compiled *c,
			       struct hsb_vaddr_want *out, unsigned int max)
{
	struct ifaddrs *ifa = NULL;
	unsigned int i, j, n = 0;

	if (getifaddrs(&ifa))
		ifa = NULL;
	for (i = 0; i < c->n_pub; i++) {
		const struct hsb_nat_pub_addr *p = &c->pub[i];
		bool linked = false;
		int pass;

		for (pass = 0; pass < 2 && !linked; pass++) {
			for (j = 0; j < cfg->n_ifaces && n < max; j++) {
				const struct hsb_cfg_iface *f = &cfg->ifaces[j];
				unsigned int idx = if_nametoindex(f->name);
				uint32_t z = hsb_zone_id(cfg, f->zone);
				struct hsb_vaddr_want *w = &out[n];
				struct hsb_ha_binding b;

				if (!idx)
					continue;
				if (pass == 0 &&
				    !on_link(ifa, f->name, p->addr))
					continue;
				if (pass == 1 && p->zone && z != p->zone)
					continue;
				memset(w, 0, sizeof(*w));
				w->key.ifindex = idx;
				w->key.family = HSB_FAMILY_IPV4;
				memcpy(w->key.addr, &p->addr, 4);
				w->val.kind = p->kind;
				w->val.flags = HSB_VADDR_F_ACCEPT;
				/* without the HA engine: always active */
				memset(&b, 0, sizeof(b));
				if (ha)
					b = hsb_switchover_bind(ha, f->name,
								p->vrrp_vrid);
				w->val.group = b.slot;
				if (b.has_vmac)
					memcpy(w->val.mac, b.vmac, 6);
				else if (if_mac(f->name, w->val.mac))
					continue;
				n++;
				linked = true;
			}
		}
	}
	if (ifa)
		freeifaddrs(ifa);
	return n;
}

static int write_vaddrs(struct hsb_nat *ns, const struct hsb_config *cfg,
			const struct hsb_nat_compiled *c)
{
	struct hsb_vaddr_want *want = calloc(HSB_VADDR_MAX, sizeof(*want));
	unsigned int n;
	int ret;

	if (!want)
		return -ENOMEM;
	n = vaddr_plan(cfg, ns->d->ha, c, want, HSB_VADDR_MAX);
	ret = hsb_vaddr_replace(
		ns->d->dp,
		1u << HSB_VADDR_NAT_POOL | 1u << HSB_VADDR_NAT_SERVER, want, n);
	if (!ret)
		ns->arp_bound = n;
	free(want);
	return ret;
}

/* Interfaces or their addresses changed (a re-created interface has a
 * new ifindex, a subnet decides where an address is answered): bind the
 * public addresses to the interfaces as they are now. */
static void rebind(const struct hsb_lev_batch *b, void *ctx)
{
	struct hsb_nat *ns = ctx;
	int ret;

	if (!ns->have_live ||
	    (!(b->kinds & HSB_LEV_ADDR) && !hsb_lev_batch_has_newlink(b)))
		return;
	ret = write_vaddrs(ns, ns->d->cfg, ns->live);
	if (ret)
		hsb_err("nat: re-binding public addresses after an interface change: %s",
			strerror(-ret));
}

/* ---- lookups the datapath may skip ------------------------------------ */

/* The hsb_nat_skip bits configuration c needs cleared. */
static uint32_t skip_needed(const struct hsb_nat_compiled *c)
{
	uint32_t need = 0;
	unsigned int i;

	for (i = 0; i < c->n_pools; i++)
		need |= c->pools[i].mode == HSB_NAT_POOL_NOPAT ?
				HSB_NAT_SKIP_NOPAT :
				HSB_NAT_SKIP_PAT;
	for (i = 0; i < c->n_srv; i++) {
		need |= HSB_NAT_SKIP_SRV;
		if (!c->srv[i].key.proto)
			need |= HSB_NAT_SKIP_SRV_ANY;
		else if (!c->srv[i].key.port)
			need |= HSB_NAT_SKIP_SRV_NOPORT;
	}
	return need;
}

static bool map_empty(int fd)
{
	struct hsb_nat_key k;

	return bpf_map_get_next_key(fd, NULL, &k) != 0;
}

/* What may be skipped now: nothing configured needs it and the map holds
 * nothing it could find (mappings outlive a removed group until their
 * sessions end). Called after the maps were written and once a second,
 * which also heals a mapping an in-flight first packet made under rules
 * just replaced. */
static void skip_update(struct hsb_nat *ns)
{
	const struct hsb_dp_maps *m = maps(ns);
	uint32_t skip = HSB_NAT_SKIP_PAT | HSB_NAT_SKIP_NOPAT |
			HSB_NAT_SKIP_SRV | HSB_NAT_SKIP_SRV_NOPORT |
			HSB_NAT_SKIP_SRV_ANY;
	struct hsb_nat_key k, next;
	bool first = true;

	skip &= ~skip_needed(ns->live);
	if (!map_empty(m->nat_pat))
		skip &= ~HSB_NAT_SKIP_PAT;
	if (!map_empty(m->nat_nopat))
		skip &= ~HSB_NAT_SKIP_NOPAT;
	while (bpf_map_get_next_key(m->nat_srv, first ? NULL : &k, &next) ==
	       0) {
		first = false;
		k = next;
		skip &= ~HSB_NAT_SKIP_SRV;
		if (!k.proto)
			skip &= ~HSB_NAT_SKIP_SRV_ANY;
		else if (!k.port)
			skip &= ~HSB_NAT_SKIP_SRV_NOPORT;
	}
	hsb_datapath_set_nat_skip(ns->d->dp, skip);
}

/* ---- the sweep: lost records, expired pinholes ----------------------- */

/* Expired pinholes go; entries whose record was lost are re-emitted. */
static void sweep_entry(struct hsb_nat *ns, int fd, __u8 table,
			const struct hsb_nat_key *k,
			const struct hsb_nat_entry *v, uint64_t now)
{
	if (table == HSB_NAT_TABLE_SRV) {
		if ((v->flags & HSB_NAT_F_DYNAMIC) && v->expires_ns &&
		    now > v->expires_ns && !bpf_map_delete_elem(fd, k)) {
			ns->pinholes_expired++;
			hsb_record_buf_nat(&ns->tick_out, HSB_EV_NAT_DELETE,
					   table, k, v, now);
		}
		return;
	}
	if (v->flags & HSB_NAT_F_DIRTY) {
		struct hsb_nat_release_args a = { .table = table,
						  .op = HSB_NAT_OP_CLEAN,
						  .pub = *k };

		/* the snapshot is taken before the flag is cleared (and goes
		 * out with the tick's batch): a later change re-marks it */
		hsb_record_buf_nat(&ns->tick_out, HSB_EV_NAT_RESYNC, table, k,
				   v, now);
		hsb_nat_run_release(maps(ns)->nat_release, &a);
		ns->resynced++;
	}
}

static void tick(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	struct hsb_nat *ns = ctx;
	uint64_t now = hsb_now_ns();

	(void)loop;
	(void)t;
	if (!ns->d->dp)
		return;
	walk_pub(ns, maps(ns)->nat_pat, HSB_NAT_TABLE_PAT, now, sweep_entry);
	walk_pub(ns, maps(ns)->nat_nopat, HSB_NAT_TABLE_NOPAT, now,
		 sweep_entry);
	walk_pub(ns, maps(ns)->nat_srv, HSB_NAT_TABLE_SRV, now, sweep_entry);
	hsb_record_buf_flush(&ns->tick_out);
	if (ns->have_live)
		skip_update(ns);
}

/* ---- the engine ----------------------------------------------------- */

static void nat_free(struct hsb_nat *ns)
{
	if (!ns)
		return;
	hsb_bus_unsubscribe(ns->d->bus, ns->sub);
	hsb_lev_unsubscribe(ns->links);
	hsb_timer_free(ns->timer);
	free(ns->refs);
	free(ns->live);
	free(ns);
}

static struct hsb_nat *nat_new(struct hsbd *d)
{
	struct hsb_nat *ns = calloc(1, sizeof(*ns));

	if (!ns)
		return NULL;
	ns->d = d;
	hsb_record_buf_init(&ns->tick_out, d->bus);
	hsb_record_buf_init(&ns->cb_out, d->bus);
	ns->live = calloc(1, sizeof(*ns->live));
	ns->refs = calloc(REF_SLOTS, sizeof(*ns->refs));
	ns->timer = hsb_timer_new(d->loop, tick, ns);
	ns->sub = hsb_bus_subscribe(d->bus, NAT_TOPICS, on_bus, ns);
	ns->links = hsb_lev_subscribe(d->links, HSB_LEV_LINK | HSB_LEV_ADDR,
				      rebind, ns);
	if (!ns->live || !ns->refs || !ns->timer || !ns->sub || !ns->links ||
	    hsb_timer_arm(ns->timer, NAT_SWEEP_MS, NAT_SWEEP_MS)) {
		nat_free(ns);
		return NULL;
	}
	return ns;
}

static int nat_reconcile(struct hsbd *d, const struct hsb_config *cfg,
			 char *err, size_t errlen)
{
	struct hsb_nat *ns = d->nat;
	struct hsb_nat_compiled *c;
	int ret;

	if (!ns) {
		ns = nat_new(d);
		if (!ns) {
			snprintf(err, errlen, "nat: out of memory");
			return -ENOMEM;
		}
		d->nat = ns;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	if (hsb_nat_compile(cfg, c, err, errlen)) {
		free(c);
		return -EINVAL;
	}
	/* the lookups the new configuration needs are on before it is */
	hsb_datapath_set_nat_skip(d->dp, hsb_datapath_nat_skip(d->dp) &
						 ~skip_needed(c));
	ret = write_pools(ns, c);
	write_pubf(ns, c);
	if (!ret)
		ret = write_servers(ns, c);
	if (!ret)
		ret = write_rules(ns, c);
	if (!ret)
		ret = write_vaddrs(ns, cfg, c);
	if (ret) {
		ns->failures++;
		snprintf(err, errlen, "cannot update the NAT tables: %s",
			 strerror(-ret));
		/* the maps are partly new: compare nothing next time */
		ns->have_live = false;
		free(c);
		return ret;
	}
	memcpy(ns->live, c, sizeof(*c));
	ns->have_live = true;
	free(c);
	skip_update(ns);
	return 0;
}

static void nat_stop(struct hsbd *d)
{
	nat_free(d->nat);
	d->nat = NULL;
}

static void nat_counters(struct hsbd *d, struct json_object *out)
{
	struct hsb_nat *ns = d->nat;

	if (!ns)
		return;
#define C(name, field) \
	json_object_object_add(out, name, json_object_new_uint64(ns->field))
	C("rules", live->n_rules);
	C("rule_updates", rule_flips);
	C("failures", failures);
	C("references_released", released);
	C("mappings_freed", freed);
	C("release_misses", release_misses);
	C("mappings_resynced", resynced);
	C("pinholes_expired", pinholes_expired);
	C("arp_bindings", arp_bound);
	C("orphan_references_released", orphans);
	C("reference_recounts", recounts);
#undef C
}

const struct hsb_engine hsb_nat_engine = {
	.name = "nat",
	.reconcile = nat_reconcile,
	.stop = nat_stop,
	.counters = nat_counters,
};
