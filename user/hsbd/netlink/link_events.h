/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The link-event source: hsbd's one rtnetlink listener. One socket joins
 * the groups whose changes matter to some engine (links, IPv4/IPv6
 * addresses and routes, rules, next-hop objects, neighbours, netconf);
 * each event-loop round reads at most HSB_LEV_ROUND datagrams into one
 * batch summary (link_batch.h) and calls every subscriber whose kinds
 * arrived, once. Lost notifications (ENOBUFS) call every subscriber with
 * resync set.
 *
 * Subscribers are called in subscription order. hsbd opens the source
 * before starting any engine and engines subscribe as they start, so the
 * datapath re-attaches before NAT re-binds; and a change made after the
 * source opened is queued in its socket and reaches every subscriber that
 * exists by the first round, however late during start it subscribed.
 *
 * Subscribing and unsubscribing are allowed at any time, also from inside
 * a callback: a subscription removed there is not called again (not even
 * later in the same batch); one added there is called from the next
 * batch on. The source itself must not be freed from a callback.
 */
#ifndef HSBD_LINK_EVENTS_H
#define HSBD_LINK_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "netlink/link_batch.h"

struct hsb_loop;
struct hsb_link_events;
struct hsb_lev_sub;

/* Datagrams read per loop round at most; the rest waits for the next. */
#define HSB_LEV_ROUND 64
/* Receive buffer asked for by default: bursts (a link going down
 * withdraws all its routes and neighbours) should not overrun it. */
#define HSB_LEV_RCVBUF (4 << 20)

typedef void (*hsb_lev_fn)(const struct hsb_lev_batch *b, void *ctx);

struct hsb_lev_stats {
	uint64_t messages; /* notifications received */
	uint64_t batches; /* rounds that delivered something */
	/* notifications lost: ENOBUFS, or a datagram cut short (which
	 * counts as an error too) */
	uint64_t overruns;
	uint64_t errors; /* receive errors */
};

/* A source without a socket (hsb_lev_listen() adds it); NULL: ENOMEM. */
struct hsb_link_events *hsb_lev_new(void);
/* Frees the source, its socket and any subscription left. */
void hsb_lev_free(struct hsb_link_events *src);

/* Opens the socket, joins the groups and watches it on loop. rcvbuf 0
 * asks for HSB_LEV_RCVBUF. Returns 0 or -errno with a message in err. */
int hsb_lev_listen(struct hsb_link_events *src, struct hsb_loop *loop,
		   int rcvbuf, char *err, size_t errlen);

/* Calls fn for every batch holding one of kinds (HSB_LEV_*), and for every
 * batch with notifications lost. NULL: out of memory. */
struct hsb_lev_sub *hsb_lev_subscribe(struct hsb_link_events *src,
				      unsigned int kinds, hsb_lev_fn fn,
				      void *ctx);
/* NULL is a no-op. */
void hsb_lev_unsubscribe(struct hsb_lev_sub *sub);
/* Batches with notifications lost this subscription was called for. */
uint64_t hsb_lev_sub_overruns(const struct hsb_lev_sub *sub);

/* The round as hsb_lev_listen()'s reader runs it, for tests and other
 * readers: datagrams, losses, then one flush that dispatches the batch
 * (nothing when it is empty) and starts the next. */
void hsb_lev_feed(struct hsb_link_events *src, const void *buf, size_t len);
void hsb_lev_lost(struct hsb_link_events *src);
void hsb_lev_flush(struct hsb_link_events *src);

void hsb_lev_stats(const struct hsb_link_events *src,
		   struct hsb_lev_stats *out);

#endif /* HSBD_LINK_EVENTS_H */
