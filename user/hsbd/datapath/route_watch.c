// SPDX-License-Identifier: GPL-2.0-only
/*
 * Route watcher: keeps the datapath's next-hop cache honest.
 *
 * Every session direction caches its bpf_fib_lookup() answer (egress,
 * MACs), valid while the datapath's next-hop generation is unchanged
 * (bpf/lib/nexthop.h). This engine subscribes to every kind the
 * link-event source (netlink/link_events.h) delivers: links (up/down,
 * MTU, MAC, XDP), IPv4/IPv6 addresses, IPv4/IPv6 routes, policy-routing
 * rules, next-hop objects, neighbours (MAC changes, NUD state) and
 * netconf (the forwarding sysctls). It does not look at the summary: any
 * batch bumps the generation, which is cheap (one store) and safe (each
 * flow's next packet asks the FIB again). A batch is one round of the
 * event loop (at most HSB_LEV_ROUND datagrams), so a round bumps at most
 * once. Lost notifications reach every subscriber as a batch too: lost
 * events must invalidate.
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

#include "datapath/datapath.h"
#include "log.h"
#include "netlink/link_events.h"
#include "datapath/route_watch.h"

struct route_watch {
	struct hsb_lev_sub *sub;
	struct hsbd *d;
	uint64_t bumps; /* generation bumps made by this engine */
};

static struct route_watch rw;

static void rw_bump(struct route_watch *w)
{
	if (!w->d->dp)
		return;
	hsb_datapath_nh_bump(w->d->dp);
	w->bumps++;
}

static void rw_changed(const struct hsb_lev_batch *b, void *ctx)
{
	(void)b;
	rw_bump(ctx);
}

static int rw_reconcile(struct hsbd *d, const struct hsb_config *cfg, char *err,
			size_t errlen)
{
	(void)cfg;
	if (rw.sub)
		return 0;
	memset(&rw, 0, sizeof(rw));
	rw.d = d;
	rw.sub = hsb_lev_subscribe(d->links, HSB_LEV_ANY, rw_changed, &rw);
	if (!rw.sub) {
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
}

/* messages, overruns and errors are the shared source's: this engine
 * hears all it hears */
static void rw_counters(struct hsbd *d, struct json_object *out)
{
	struct hsb_lev_stats st = { 0 };

	if (d->links)
		hsb_lev_stats(d->links, &st);
	json_object_object_add(out, "messages",
			       json_object_new_uint64(st.messages));
	json_object_object_add(out, "bumps", json_object_new_uint64(rw.bumps));
	json_object_object_add(out, "overruns",
			       json_object_new_uint64(st.overruns));
	json_object_object_add(out, "errors",
			       json_object_new_uint64(st.errors));
}

const struct hsb_engine hsb_route_watch_engine = {
	.name = "route_watch",
	.reconcile = rw_reconcile,
	.stop = rw_stop,
	.counters = rw_counters,
};
