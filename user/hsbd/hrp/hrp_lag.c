// SPDX-License-Identifier: GPL-2.0-only
/* Applied lag of the live state backup. See hrp_lag.h. */
#include <stdbool.h>
#include <string.h>

#include "hrp/hrp_lag.h"

void hrp_lag_init(struct hrp_lag *l)
{
	memset(l, 0, sizeof(*l));
}

unsigned int hrp_lag_bucket(uint64_t us)
{
	unsigned int e;

	if (us < HRP_LAG_SUB)
		return (unsigned int)us;
	e = 63 - (unsigned int)__builtin_clzll(us); /* 2^e <= us */
	/* e >= 3: the top four bits pick the bucket within the octave */
	if (HRP_LAG_SUB * (e - 2) + HRP_LAG_SUB - 1 >= HRP_LAG_BUCKETS)
		return HRP_LAG_BUCKETS - 1;
	return HRP_LAG_SUB * (e - 2) + (unsigned int)((us >> (e - 3)) & 7);
}

uint64_t hrp_lag_bucket_max(unsigned int b)
{
	unsigned int e;

	if (b < HRP_LAG_SUB)
		return b;
	e = b / HRP_LAG_SUB + 2;
	return ((uint64_t)(HRP_LAG_SUB + b % HRP_LAG_SUB + 1) << (e - 3)) - 1;
}

void hrp_lag_sent(struct hrp_lag *l, uint64_t seq, uint64_t t_ns)
{
	if (l->n == HRP_LAG_PENDING) {
		/* the peer is far behind: the oldest goes unmeasured */
		l->head = (l->head + 1) % HRP_LAG_PENDING;
		l->n--;
		l->forgotten++;
	}
	l->q[(l->head + l->n) % HRP_LAG_PENDING] =
		(struct hrp_lag_frame){ .seq = seq, .t_ns = t_ns };
	l->n++;
}

static void sample(struct hrp_lag *l, uint64_t lag_ns, uint64_t now_ns)
{
	uint64_t slot = now_ns / HRP_LAG_SLOT_NS;
	unsigned int i = (unsigned int)(slot % HRP_LAG_SLOTS);

	if (l->slot_of[i] != slot + 1) {
		/* this slot held a minute ago: start it over */
		memset(l->hist[i], 0, sizeof(l->hist[i]));
		l->slot_of[i] = slot + 1;
	}
	l->hist[i][hrp_lag_bucket(lag_ns / 1000)]++;
	l->samples++;
}

void hrp_lag_acked(struct hrp_lag *l, uint64_t seq, uint64_t now_ns)
{
	bool any = false;

	while (l->n && l->q[l->head].seq <= seq) {
		const struct hrp_lag_frame *f = &l->q[l->head];

		sample(l, now_ns > f->t_ns ? now_ns - f->t_ns : 0, now_ns);
		l->head = (l->head + 1) % HRP_LAG_PENDING;
		l->n--;
		any = true;
	}
	if (!any)
		l->unexpected++;
}

void hrp_lag_cut(struct hrp_lag *l)
{
	l->forgotten += l->n;
	l->head = 0;
	l->n = 0;
}

/* The upper bound of the bucket holding the k-th smallest (0-based). */
static uint64_t rank(const uint32_t *h, uint64_t k)
{
	uint64_t seen = 0;
	unsigned int b;

	for (b = 0; b < HRP_LAG_BUCKETS; b++) {
		seen += h[b];
		if (seen > k)
			return hrp_lag_bucket_max(b);
	}
	return 0;
}

void hrp_lag_quantiles(const struct hrp_lag *l, uint64_t now_ns,
		       struct hrp_lag_q *q)
{
	uint32_t sum[HRP_LAG_BUCKETS];
	uint64_t slot = now_ns / HRP_LAG_SLOT_NS;
	unsigned int i, b;

	memset(q, 0, sizeof(*q));
	memset(sum, 0, sizeof(sum));
	for (i = 0; i < HRP_LAG_SLOTS; i++) {
		/* the current slot and the five before it */
		if (!l->slot_of[i] || l->slot_of[i] > slot + 1 ||
		    l->slot_of[i] + HRP_LAG_SLOTS <= slot + 1)
			continue;
		for (b = 0; b < HRP_LAG_BUCKETS; b++) {
			sum[b] += l->hist[i][b];
			q->n += l->hist[i][b];
		}
	}
	if (!q->n)
		return;
	q->p50_us = rank(sum, (q->n - 1) / 2);
	q->p99_us = rank(sum, (q->n - 1) * 99 / 100);
	q->max_us = rank(sum, q->n - 1);
}
