/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Applied lag of the live state backup (pure: the clock is a parameter).
 *
 * The peer acknowledges each RECORDS frame once it has applied it (an ACK
 * frame carrying the frame's sequence number). The sender remembers, per
 * frame in flight, the monotonic time its oldest record was emitted (the
 * record's ring timestamp, so the ring, the bus, the frame's 1 ms
 * gathering, the wire, the peer's install and the ACK's way back are all
 * in it; XDP's clock is the coarse monotonic one, up to a tick behind
 * hsbd's reading of it, which a sample overstates by at most). When the ACK arrives, lag = now - that
 * time, for every frame up to the acknowledged sequence. It is the worst
 * record of each frame, and an upper bound by the ACK's one-way delay.
 *
 * Bounded memory: at most HRP_LAG_PENDING frames are remembered (the
 * oldest is forgotten beyond, counted); samples go into a log-linear
 * histogram (8 buckets per power of two: 12.5 % resolution, in
 * microseconds) per 10-second slot, six slots: the quantiles cover the
 * current slot and the five before it, 50 to 60 s - "the last minute".
 */
#ifndef HSBD_HRP_LAG_H
#define HSBD_HRP_LAG_H

#include <stdint.h>

#define HRP_LAG_PENDING 1024
#define HRP_LAG_SLOTS 6
#define HRP_LAG_SLOT_NS (10ull * 1000000000ull)
#define HRP_LAG_SUB 8 /* buckets per power of two */
#define HRP_LAG_BUCKETS (HRP_LAG_SUB * 30) /* up to 2^32 us, ~71 min */

struct hrp_lag_frame {
	uint64_t seq;
	uint64_t t_ns; /* its oldest record emitted */
};

struct hrp_lag {
	struct hrp_lag_frame q[HRP_LAG_PENDING]; /* in sequence order */
	uint32_t head, n;
	uint64_t slot_of[HRP_LAG_SLOTS]; /* which 10 s a slot holds, + 1 */
	uint32_t hist[HRP_LAG_SLOTS][HRP_LAG_BUCKETS];
	uint64_t samples; /* frames acknowledged with a time */
	uint64_t forgotten; /* frames beyond HRP_LAG_PENDING, or cut */
	uint64_t unexpected; /* ACKs naming no frame in flight */
};

struct hrp_lag_q {
	uint64_t n; /* samples in the window */
	uint64_t p50_us, p99_us, max_us; /* upper bounds of their buckets */
};

void hrp_lag_init(struct hrp_lag *l);
/* A RECORDS frame went out with sequence seq; its oldest record was
 * emitted at t_ns. */
void hrp_lag_sent(struct hrp_lag *l, uint64_t seq, uint64_t t_ns);
/* The peer applied every frame up to seq. */
void hrp_lag_acked(struct hrp_lag *l, uint64_t seq, uint64_t now_ns);
/* The connection went: no ACK comes for the frames in flight. */
void hrp_lag_cut(struct hrp_lag *l);
void hrp_lag_quantiles(const struct hrp_lag *l, uint64_t now_ns,
		       struct hrp_lag_q *q);

/* Buckets, for tests: the bucket of a value, and its upper bound. */
unsigned int hrp_lag_bucket(uint64_t us);
uint64_t hrp_lag_bucket_max(unsigned int b);

#endif /* HSBD_HRP_LAG_H */
