/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control socket: accepts hsbctl connections, frames requests with
 * ctl_proto, checks the peer's credentials and hands complete requests to
 * a handler (hsbd's: hsbd_ctl_dispatch(), ctl_cmd.h). Never blocks: reads and writes follow epoll, and a
 * client that stalls is dropped after HSB_CTL_CLIENT_TIMEOUT_MS.
 */
#ifndef HSB_CTL_SERVER_H
#define HSB_CTL_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "ctl_proto.h"

#define HSB_CTL_MAX_CLIENTS 16
#define HSB_CTL_CLIENT_TIMEOUT_MS 5000

struct hsb_loop;
struct hsb_ctl_server;
struct json_object;

struct hsb_ctl_stats {
	uint64_t requests;
	uint64_t bad_requests;
	uint64_t refused_peers; /* wrong uid */
	uint64_t timeouts;
	uint64_t busy; /* connection refused: too many clients */
};

/*
 * Runs one request. Returns 0 with *reply set (a JSON value, may be NULL
 * for "ok" without data), or -1 with a one-line message in err.
 */
typedef int (*hsb_ctl_handler_fn)(void *ctx, const struct hsb_ctl_request *req,
				  struct json_object **reply, char *err,
				  size_t errlen);

/* Listens on path; NULL with err set (and errno) when it cannot. */
struct hsb_ctl_server *hsb_ctl_server_start(struct hsb_loop *loop,
					    const char *path,
					    hsb_ctl_handler_fn handler,
					    void *ctx, char *err,
					    size_t errlen);
void hsb_ctl_server_stop(struct hsb_ctl_server *srv);
const struct hsb_ctl_stats *hsb_ctl_server_stats(struct hsb_ctl_server *srv);

#endif /* HSB_CTL_SERVER_H */
