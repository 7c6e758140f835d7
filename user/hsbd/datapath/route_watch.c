// SPDX-License-Identifier: GPL-2.0-only
/*
 * Route watcher: keeps the datapath's next-hop cache honest.
 *
 * Every session direction caches its bpf_fib_lookup() answer (egress,
 * MACs), valid while the datapath's next-hop generation is unchanged
 * (bpf/lib/nexthop.h). This engine subscribes to every kind the
 * link-event source (netlink/link_events.h) delivers: links (up/down,
 * MTU, MAC, XDP), IPv4/IPv6 addresses, IPv4/IPv6 routes, policy-routing
 * rules, next-hop objects, neighbours and netconf (the forwarding
 * sysctls). A batch of any of these bumps the generation, which is cheap
 * (one store) but makes every flow's next packet ask the FIB again,
 * except a batch of neighbour changes that cannot alter a cached answer
 * (nh_neigh.h): a neighbour moving between valid NUD states, which every
 * neighbour in use does every few tens of seconds, becoming valid, or a
 * bridge's FDB entry. A batch is one round of the event loop (at most
 * HSB_LEV_ROUND datagrams), so a round bumps at most once. Lost
 * notifications reach every subscriber as a batch too: lost events must
 * invalidate (and the neighbours remembered are forgotten).
 *
 * The window: between a change in the kernel and the bump, packets of
 * established sessions may still use the old next hop, for at most one
 * event-loop round of hsbd (the socket is watched by epoll; callbacks
 * never block).
 *
 * Start order: the socket subscribes first, then the generation is
 * bumped, so no change made before the subscription can hide behind a
 * cache filled before it. hsbd opens the source's socket before any
 * engine starts (daemon.c); this engine subscribes and bumps once
 * started; a change after the socket joined its groups is queued there
 * and reaches this subscription in the first round.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "json_add.h"
#include "datapath/datapath.h"
#include "log.h"
#include "netlink/link_events.h"
#include "datapath/nh_neigh.h"
#include "datapath/route_watch.h"

struct route_watch {
	struct hsb_lev_sub *sub;
	struct hsbd *d;
	struct hsb_nh_neigh *neighs;
	uint64_t bumps; /* generation bumps made by this engine */
	uint64_t batches_kept; /* batches that left the cache alone */
};

static struct route_watch rw;

static void rw_bump(struct route_watch *w)
{
	if (!w->d->dp)
		return;
	hsb_datapath_nh_bump(w->d->dp);
	w->bumps++;
}

/* Whether batch b can have changed a cached next-hop answer. Every
 * neighbour in it is judged, so the table learns them all. (Subscribed
 * only with a table: w->neighs is set.) */
static bool nh_changed(struct route_watch *w, const struct hsb_lev_batch *b)
{
	bool changed = b->resync || (b->kinds & ~HSB_LEV_NEIGH) ||
		       b->neighs_many;
	unsigned int i;

	if (b->resync)
		hsb_nh_neigh_forget(w->neighs);
	for (i = 0; i < b->n_neighs; i++)
		if (hsb_nh_neigh_changes(w->neighs, &b->neighs[i]))
			changed = true;
	return changed;
}

static void rw_changed(const struct hsb_lev_batch *b, void *ctx)
{
	struct route_watch *w = ctx;

	if (nh_changed(w, b))
		rw_bump(w);
	else
		w->batches_kept++;
}

static int rw_reconcile(struct hsbd *d, const struct hsb_config *cfg, char *err,
			size_t errlen)
{
	(void)cfg;
	if (rw.sub)
		return 0;
	memset(&rw, 0, sizeof(rw));
	rw.d = d;
	rw.neighs = hsb_nh_neigh_new(HSB_NH_NEIGH_CAPACITY);
	rw.sub = rw.neighs ? hsb_lev_subscribe(d->links, HSB_LEV_ANY,
					       rw_changed, &rw) :
			     NULL;
	if (!rw.sub) {
		hsb_nh_neigh_free(rw.neighs);
		rw.neighs = NULL;
		snprintf(err, errlen, "route watch: cannot subscribe: %s",
			 strerror(ENOMEM));
		return -ENOMEM;
	}
	/* Subscribed: changes from now on bump. One bump now covers what
	 * changed before (hsbd start, or the datapath adopted from an
	 * earlier hsbd). */
	rw_bump(&rw);
	hsb_info(
		"route watch: listening for link, address, route and neighbour changes");
	return 0;
}

static void rw_stop(struct hsbd *d)
{
	(void)d;
	hsb_lev_unsubscribe(rw.sub);
	rw.sub = NULL;
	hsb_nh_neigh_free(rw.neighs);
	rw.neighs = NULL;
}

/* messages, overruns and errors are the shared source's: this engine
 * hears all it hears */
static void rw_counters(struct hsbd *d, struct json_object *out)
{
	struct hsb_lev_stats st = { 0 };
	struct hsb_nh_neigh_stats ns = { 0 };

	if (d->links)
		hsb_lev_stats(d->links, &st);
	if (rw.neighs)
		hsb_nh_neigh_stats(rw.neighs, &ns);
	hsb_json_add_u64(out, "messages", st.messages);
	hsb_json_add_u64(out, "bumps", rw.bumps);
	hsb_json_add_u64(out, "batches_kept", rw.batches_kept);
	hsb_json_add_u64(out, "neigh_changes", ns.changes);
	hsb_json_add_u64(out, "neigh_unchanged", ns.unchanged);
	hsb_json_add_u64(out, "neigh_untracked", ns.untracked);
	hsb_json_add_u64(out, "neigh_tracked", ns.tracked);
	hsb_json_add_u64(out, "overruns", st.overruns);
	hsb_json_add_u64(out, "errors", st.errors);
}

const struct hsb_engine hsb_route_watch_engine = {
	.name = "route_watch",
	.reconcile = rw_reconcile,
	.stop = rw_stop,
	.counters = rw_counters,
};
