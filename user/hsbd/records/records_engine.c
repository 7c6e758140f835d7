// SPDX-License-Identifier: GPL-2.0-only
/*
 * The events engine: the collector (ring buffer -> subscribers) and the
 * sweeper (expiry and reconciliation of hsb_sessions). Both start once the
 * datapath has loaded its maps and read the running configuration's
 * timeouts as they go, so a configuration change needs no action here.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "records/collector.h"
#include "datapath/datapath.h"
#include "hsbd.h"
#include "sessions/sweeper.h"

static int events_start(struct hsbd *d, const struct hsb_config *cfg, char *err,
			size_t errlen)
{
	(void)cfg;
	if (d->collector)
		return 0;
	d->collector =
		hsb_collector_new(d->loop, hsb_datapath_maps(d->dp)->events);
	if (!d->collector) {
		int e = errno ? errno : ENOMEM;

		snprintf(err, errlen, "cannot read the hsb_events ring: %s",
			 strerror(e));
		return -e;
	}
	d->sweeper = hsb_sweeper_new(d);
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
	if (d->collector)
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
