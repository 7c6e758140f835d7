// SPDX-License-Identifier: GPL-2.0-only
/*
 * The events engine: the collector (ring buffer -> bus) and the sweeper
 * (expiry and reconciliation of hsb_sessions), both publishing on hsbd's
 * bus. Both start once the datapath has loaded its maps and read the
 * running configuration's timeouts as they go, so a configuration change
 * needs no action here.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "records/bus.h"
#include "records/collector.h"
#include "datapath/datapath.h"
#include "hsbd.h"
#include "sessions/sweeper.h"

/* The records published per type, as hsbctl show counters names them. */
static const char *const type_names[] = {
	[HSB_EV_SESSION_NEW] = "events_new",
	[HSB_EV_SESSION_UPDATE] = "events_update",
	[HSB_EV_SESSION_REFRESH] = "events_refresh",
	[HSB_EV_SESSION_DELETE] = "events_delete",
	[HSB_EV_SESSION_RESYNC] = "events_resync",
	[HSB_EV_NAT_CREATE] = "events_nat_create",
	[HSB_EV_NAT_DELETE] = "events_nat_delete",
	[HSB_EV_NAT_RESYNC] = "events_nat_resync",
};

static int events_start(struct hsbd *d, const struct hsb_config *cfg, char *err,
			size_t errlen)
{
	const struct hsb_dp_maps *m = hsb_datapath_maps(d->dp);

	(void)cfg;
	if (d->collector)
		return 0;
	d->collector = hsb_collector_new(d->loop, d->bus, m->events);
	if (!d->collector) {
		int e = errno ? errno : ENOMEM;

		snprintf(err, errlen, "cannot read the hsb_events ring: %s",
			 strerror(e));
		return -e;
	}
	d->sweeper = hsb_sweeper_new(d->loop, d->bus, m->sessions,
				     m->sessions_max, &d->cfg);
	if (!d->sweeper) {
		snprintf(err, errlen, "cannot start the session sweeper");
		hsb_collector_free(d->collector);
		d->collector = NULL;
		return -ENOMEM;
	}
	return 0;
}

static void events_stop(struct hsbd *d)
{
	hsb_sweeper_free(d->sweeper);
	d->sweeper = NULL;
	hsb_collector_free(d->collector);
	d->collector = NULL;
}

static void events_counters(struct hsbd *d, struct json_object *out)
{
	unsigned int t;

	if (!d->collector)
		return;
	for (t = 1; t < sizeof(type_names) / sizeof(type_names[0]); t++)
		json_object_object_add(
			out, type_names[t],
			json_object_new_uint64(hsb_bus_published(d->bus, t)));
	hsb_collector_counters(d->collector, out);
	if (d->sweeper)
		hsb_sweeper_counters(d->sweeper, out);
}

const struct hsb_engine hsb_events_engine = {
	.name = "events",
	.reconcile = events_start,
	.stop = events_stop,
	.counters = events_counters,
};
