/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control socket: accepts hsbctl connections, frames requests with
 * ctl_proto, checks the peer's credentials and hands complete requests to
 * a handler (hsbd's: hsbd_ctl_dispatch(), ctl_cmd.h). Never blocks: reads
 * and writes follow epoll, and a client that stalls is dropped after
 * HSB_CTL_CLIENT_TIMEOUT_MS.
 *
 * An operator must always get in, whatever other local clients do: a
 * connection that has sent nothing is closed after
 * HSB_CTL_IDLE_TIMEOUT_MS; one process holds at most
 * HSB_CTL_MAX_PER_PEER slots, its next connection taking the slot of its
 * own oldest one still sending its request; and when every slot is
 * taken a new connection takes the slot of the oldest one still sending
 * (both counted as evicted). Accepts are batched (HSB_CTL_ACCEPT_BATCH a
 * round) so that requests already received are read between them. Only
 * when every candidate is busy answering is a newcomer refused (error
 * busy).
 *
 * Streams (hsbctl monitor): a handler may answer HSB_CTL_STREAM instead
 * of 0; the client gets "ok", the reply as its first line, and then every
 * line hsb_ctl_server_broadcast() sends until it closes. A stream is
 * exempt from the request deadline and never evicted, but holds its slot;
 * at most HSB_CTL_MAX_STREAMS at once (the next is refused: error busy).
 * Each has a bounded queue (HSB_CTL_STREAM_QUEUE bytes, monitor.h): the
 * loop never waits for a slow reader, lines that do not fit are dropped
 * and counted, and a stream that took nothing for
 * HSB_CTL_STREAM_STALL_MS while lines waited is closed.
 */
#ifndef HSB_CTL_SERVER_H
#define HSB_CTL_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "ctl_proto.h"

#define HSB_CTL_MAX_CLIENTS 64
#define HSB_CTL_MAX_PER_PEER 8 /* slots one process may hold */
#define HSB_CTL_CLIENT_TIMEOUT_MS 5000 /* whole request and answer */
#define HSB_CTL_IDLE_TIMEOUT_MS 1000 /* not one byte received */
#define HSB_CTL_ACCEPT_BATCH 16 /* accepts per loop round */
/* Connections the kernel queues before hsbd accepts them: as many as
 * net.core.somaxconn allows (the kernel caps it), so a burst of clients
 * (a monitoring system, scripts in a loop) waits its turn instead of
 * getting EAGAIN from a non-blocking connect() while hsbd works through
 * 16 accepts a loop round. A queued connection costs one socket. */
#define HSB_CTL_BACKLOG SOMAXCONN
#define HSB_CTL_MAX_STREAMS 8 /* monitors at once */
#define HSB_CTL_STREAM_QUEUE (256 * 1024) /* bytes waiting per stream */
#define HSB_CTL_STREAM_STALL_MS 60000 /* nothing read with lines waiting */

/* A handler's answer: "ok", the reply, then the connection streams. */
#define HSB_CTL_STREAM 1

struct hsb_loop;
struct hsb_ctl_server;
struct json_object;

struct hsb_ctl_stats {
	uint64_t requests;
	uint64_t bad_requests;
	uint64_t refused_peers; /* wrong uid */
	uint64_t timeouts;
	uint64_t idle_timeouts; /* closed: nothing sent within the idle time */
	uint64_t evicted; /* closed to make room: oldest still sending */
	uint64_t busy; /* connection refused: every slot busy answering */
	uint64_t streams; /* streaming now */
	uint64_t streams_started;
	uint64_t streams_refused; /* HSB_CTL_MAX_STREAMS already */
	uint64_t streams_stalled; /* closed: read nothing for too long */
	uint64_t stream_lines_dropped; /* queue full */
};

/*
 * Runs one request. Returns 0 with *reply set (a JSON value, may be NULL
 * for "ok" without data), HSB_CTL_STREAM likewise (the connection then
 * stays open for hsb_ctl_server_broadcast()), or -1 with a one-line
 * message in err.
 */
typedef int (*hsb_ctl_handler_fn)(void *ctx, const struct hsb_ctl_request *req,
				  struct json_object **reply, char *err,
				  size_t errlen);

/* Listens on path; NULL with err set (and errno) when it cannot. */
struct hsb_ctl_server *hsb_ctl_server_start(struct hsb_loop *loop,
					    const char *path, gid_t group,
					    hsb_ctl_handler_fn handler,
					    void *ctx, char *err,
					    size_t errlen);
void hsb_ctl_server_stop(struct hsb_ctl_server *srv);
const struct hsb_ctl_stats *hsb_ctl_server_stats(struct hsb_ctl_server *srv);

/* Queue line (one JSON object, no '\n') to every stream; never blocks.
 * srv may be NULL (not started yet: nobody listens). */
void hsb_ctl_server_broadcast(struct hsb_ctl_server *srv, const char *line);
/* Streams open now (0 for NULL): nothing to tell when none listens. */
unsigned int hsb_ctl_server_streams(const struct hsb_ctl_server *srv);

#endif /* HSB_CTL_SERVER_H */
