/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control socket: accepts hsbctl connections, frames requests with
 * ctl_proto, checks the peer's credentials and hands complete requests to
 * hsbd_ctl_dispatch(). Never blocks: reads and writes follow epoll, and a
 * client that stalls is dropped after HSB_CTL_CLIENT_TIMEOUT_MS.
 */
#ifndef HSB_CTL_SERVER_H
#define HSB_CTL_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "ctl_proto.h"

#define HSB_CTL_MAX_CLIENTS 16
#define HSB_CTL_CLIENT_TIMEOUT_MS 5000

struct hsbd;
struct hsb_ctl_server;
struct json_object;

struct hsb_ctl_stats {
	uint64_t requests;
	uint64_t bad_requests;
	uint64_t refused_peers; /* wrong uid */
	uint64_t timeouts;
	uint64_t busy; /* connection refused: too many clients */
};

int hsb_ctl_server_start(struct hsbd *d, const char *path, char *err,
			 size_t errlen);
void hsb_ctl_server_stop(struct hsb_ctl_server *srv);
const struct hsb_ctl_stats *hsb_ctl_server_stats(struct hsb_ctl_server *srv);

/*
 * Run one request. Returns 0 with *reply set (a JSON value, may be NULL for
 * "ok" without data), or -1 with a one-line message in err.
 */
int hsbd_ctl_dispatch(struct hsbd *d, const struct hsb_ctl_request *req,
		      struct json_object **reply, char *err, size_t errlen);

#endif /* HSB_CTL_SERVER_H */
