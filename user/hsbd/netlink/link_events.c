// SPDX-License-Identifier: GPL-2.0-only
/*
 * The link-event source: subscriptions and the dispatch of a batch. See
 * link_events.h; the socket that feeds it is link_socket.c.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "netlink/link_events.h"
#include "netlink/link_socket.h"

struct hsb_lev_sub {
	struct hsb_lev_sub *next;
	struct hsb_link_events *src;
	unsigned int kinds;
	hsb_lev_fn fn; /* NULL: unsubscribed during a dispatch, freed after */
	void *ctx;
	/* src->st.batches when subscribed: a subscription made by a
	 * callback skips the batch being dispatched, which happened before
	 * it existed */
	uint64_t born;
	uint64_t overruns;
};

struct hsb_link_events {
	struct hsb_lev_sub *subs; /* in subscription order */
	struct hsb_lev_sub **tail;
	bool dispatching;
	bool dead; /* some subscription waits to be freed */
	struct hsb_lev_batch batch; /* the round being read */
	struct hsb_lev_stats st;
	struct hsb_lev_socket *sock;
};

struct hsb_link_events *hsb_lev_new(void)
{
	struct hsb_link_events *src = calloc(1, sizeof(*src));

	if (!src)
		return NULL;
	src->tail = &src->subs;
	return src;
}

void hsb_lev_free(struct hsb_link_events *src)
{
	struct hsb_lev_sub *s, *next;

	if (!src)
		return;
	hsb_lev_socket_close(src->sock);
	for (s = src->subs; s; s = next) {
		next = s->next;
		free(s);
	}
	free(src);
}

int hsb_lev_listen(struct hsb_link_events *src, struct hsb_loop *loop,
		   int rcvbuf, char *err, size_t errlen)
{
	if (src->sock) {
		snprintf(err, errlen, "link events: already listening");
		return -EALREADY;
	}
	return hsb_lev_socket_open(&src->sock, src, loop,
				   rcvbuf ? rcvbuf : HSB_LEV_RCVBUF, err,
				   errlen);
}

struct hsb_lev_sub *hsb_lev_subscribe(struct hsb_link_events *src,
				      unsigned int kinds, hsb_lev_fn fn,
				      void *ctx)
{
	struct hsb_lev_sub *s;

	if (!src || !fn)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->src = src;
	s->kinds = kinds;
	s->fn = fn;
	s->ctx = ctx;
	s->born = src->st.batches;
	*src->tail = s;
	src->tail = &s->next;
	return s;
}

static void unlink_sub(struct hsb_link_events *src, struct hsb_lev_sub **pp)
{
	struct hsb_lev_sub *s = *pp;

	*pp = s->next;
	if (src->tail == &s->next)
		src->tail = pp;
	free(s);
}

void hsb_lev_unsubscribe(struct hsb_lev_sub *sub)
{
	struct hsb_link_events *src;
	struct hsb_lev_sub **pp;

	if (!sub)
		return;
	src = sub->src;
	if (src->dispatching) {
		/* the dispatch loop holds pointers into the list */
		sub->fn = NULL;
		src->dead = true;
		return;
	}
	for (pp = &src->subs; *pp != sub; pp = &(*pp)->next)
		;
	unlink_sub(src, pp);
}

static void reap(struct hsb_link_events *src)
{
	struct hsb_lev_sub **pp = &src->subs;

	while (*pp) {
		if ((*pp)->fn)
			pp = &(*pp)->next;
		else
			unlink_sub(src, pp);
	}
	src->dead = false;
}

uint64_t hsb_lev_sub_overruns(const struct hsb_lev_sub *sub)
{
	return sub ? sub->overruns : 0;
}

void hsb_lev_feed(struct hsb_link_events *src, const void *buf, size_t len)
{
	src->st.messages += hsb_lev_batch_add(&src->batch, buf, len);
}

void hsb_lev_lost(struct hsb_link_events *src)
{
	src->st.overruns++;
	hsb_lev_batch_lost(&src->batch);
}

void hsb_lev_flush(struct hsb_link_events *src)
{
	const struct hsb_lev_batch *b = &src->batch;
	struct hsb_lev_sub *s;

	/* a callback flushing would deliver a half-read batch twice */
	if (src->dispatching || !hsb_lev_batch_close(&src->batch))
		return;
	src->st.batches++;
	src->dispatching = true;
	for (s = src->subs; s; s = s->next) {
		if (!s->fn || s->born == src->st.batches ||
		    !(s->kinds & b->kinds))
			continue;
		if (b->overrun)
			s->overruns++;
		s->fn(b, s->ctx);
	}
	src->dispatching = false;
	if (src->dead)
		reap(src);
	hsb_lev_batch_reset(&src->batch);
}

void hsb_lev_stats(const struct hsb_link_events *src, struct hsb_lev_stats *out)
{
	*out = src->st;
	out->errors = hsb_lev_socket_errors(src->sock);
}
