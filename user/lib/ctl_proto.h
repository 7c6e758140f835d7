/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control protocol between hsbctl and hsbd over the UNIX stream socket
 * (default /run/hsb/hsbd.sock). One request per connection:
 *
 *   request  = request-line [body]
 *   request-line = word *(" " word) "\n"     ; printable ASCII, <= 4096 bytes
 *   body     = exactly N bytes, present when the request line is
 *              "config N [SOURCE]" (N <= HSB_CTL_MAX_BODY): command text,
 *              '\n' separated; SOURCE names it in error messages
 *   response = ("ok" / "error " message) "\n" [json-document]
 *
 * The server closes the connection after the response, so the response
 * ends at EOF. The one exception is the streaming request "monitor": after
 * "ok\n" the server sends one JSON object a line (user/lib/monitor.h)
 * until the client closes the connection (or hsbd stops). Shows are JSON; hsbctl renders them for people unless -j.
 * The parser below is incremental and pure: feed it bytes as they come.
 */
#ifndef HSB_CTL_PROTO_H
#define HSB_CTL_PROTO_H

#include <stdbool.h>
#include <stddef.h>

#define HSB_CTL_MAX_LINE 4096
#define HSB_CTL_MAX_BODY (1024 * 1024)
#define HSB_CTL_MAX_ARGS 32

enum hsb_ctl_status {
	HSB_CTL_NEED_MORE = 0,
	HSB_CTL_COMPLETE = 1,
	HSB_CTL_BAD = -1, /* malformed or oversized; reason in err */
};

struct hsb_ctl_request {
	/* request line split into words; point into line[] */
	char line[HSB_CTL_MAX_LINE + 1];
	char *argv[HSB_CTL_MAX_ARGS];
	int argc;
	char *body; /* NUL-terminated, malloc()ed; NULL when no body */
	size_t body_len;
	/* Set by the server, not the codec (SO_PEERCRED): a client let in
	 * only as a member of the control socket's group may look, not
	 * change anything, and does not see secrets. */
	bool peer_readonly;

	/* parser state */
	size_t line_len;
	size_t body_want;
	int state;
	char err[128];
};

void hsb_ctl_request_init(struct hsb_ctl_request *req);
void hsb_ctl_request_release(struct hsb_ctl_request *req);

/*
 * Feed len bytes. Returns COMPLETE once a whole request is in (bytes after
 * it are ignored: *used tells how many were consumed), NEED_MORE, or BAD
 * with req->err set. After BAD or COMPLETE, further feeds are refused.
 */
enum hsb_ctl_status hsb_ctl_feed(struct hsb_ctl_request *req, const char *data,
				 size_t len, size_t *used);

/* Same checks for the client side, before it sends anything. */
int hsb_ctl_check_line(const char *line, char *err, size_t errlen);

#endif /* HSB_CTL_PROTO_H */
