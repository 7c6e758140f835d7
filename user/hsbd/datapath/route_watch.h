/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The route watcher engine: a subscriber of the link-event source that
 * invalidates the datapath's next-hop cache (bpf/lib/nexthop.h) whenever
 * the kernel's links, addresses, routes, rules, next hops, neighbours or
 * forwarding settings change. See route_watch.c.
 */
#ifndef HSB_ROUTE_WATCH_H
#define HSB_ROUTE_WATCH_H

#include "hsbd.h"

extern const struct hsb_engine hsb_route_watch_engine;

#endif /* HSB_ROUTE_WATCH_H */
