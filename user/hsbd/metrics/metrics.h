/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The metrics engine: a Prometheus endpoint (`metrics listen ADDR PORT`)
 * served from hsbd's event loop by libmicrohttpd (http.c), the text
 * format writer (expo.c, pure) and the collectors that read hsbd's state
 * (collect.c). docs/operations.md "Metrics" lists every family.
 */
#ifndef HSB_METRICS_H
#define HSB_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "config_model.h"
#include "hsb/nat.h"
#include "hsb/session.h"

struct hsbd;
struct hsb_expo;
struct hsb_bus_sub;

#define HSB_MET_PROTOS 5 /* tcp, udp, icmp, icmpv6, other */
#define HSB_MET_NAT_TTL_MS 10000 /* NAT pool usage: one walk per 10 s */

/* Sessions by protocol and state, tallied from the sweeper's passes
 * (SWEEP_VISIT on the bus): no walk of the session table of our own. */
struct hsb_met_sessions {
	uint64_t cur[HSB_MET_PROTOS][HSB_CT__MAX + 1]; /* pass under way */
	uint64_t last[HSB_MET_PROTOS][HSB_CT__MAX + 1]; /* last full pass */
	bool in_pass, have_pass;
	uint64_t last_total;
};

struct hsb_met_nat_group {
	char name[HSB_CFG_NAME_SIZE];
	bool pat;
	uint64_t addresses;
	uint64_t ports_per_address; /* per protocol (PAT) */
	uint64_t used[3]; /* PAT: tcp, udp, icmp mappings; NO-PAT: [0] */
};

struct hsb_met_nat {
	bool valid;
	uint64_t at_ms;
	unsigned int n;
	struct hsb_met_nat_group g[HSB_NAT_MAX_GROUPS];
};

struct hsb_metrics {
	struct hsbd *d;
	/* HTTP side (http.c) */
	struct hsb_met_srv {
		struct hsb_cfg_metrics cur; /* what is served */
		struct MHD_Daemon *mhd;
		struct hsb_watch *watch; /* MHD's epoll fd */
		struct hsb_timer *timer; /* MHD_get_timeout() */
	} srv;
	/* collectors (collect.c) */
	struct hsb_bus_sub *sub;
	struct hsb_met_sessions sess;
	struct hsb_met_nat nat;
	struct {
		uint64_t requests, scrapes, not_found, errors;
		uint64_t last_scrape_us;
	} st;
};

/* Subscribes to the sweeper's passes on d->bus. */
int hsb_met_collect_start(struct hsb_metrics *m);
void hsb_met_collect_stop(struct hsb_metrics *m);
/* Writes every family into e. */
void hsb_met_collect(struct hsb_metrics *m, struct hsb_expo *e);
/* /readyz: NULL when ready, else why not. */
const char *hsb_met_not_ready(struct hsb_metrics *m);

#endif /* HSB_METRICS_H */
