/* SPDX-License-Identifier: GPL-2.0-only */
/* hsbctl's side of the control protocol (user/lib/ctl_proto.h). */
#ifndef HSBCTL_CLIENT_H
#define HSBCTL_CLIENT_H

#include <stddef.h>

/* Exit codes of hsbctl, part of its interface. */
enum hsbctl_exit {
	HSBCTL_OK = 0,
	/* hsbd answered "error ..." (to a request, or refusing the
	 * connection: busy, permission denied), or bad usage */
	HSBCTL_REFUSED = 1,
	HSBCTL_NO_DAEMON = 2, /* cannot reach hsbd, or it stopped mid-answer */
};

struct hsbctl_reply {
	int ok; /* 1: "ok", 0: "error" */
	char *msg; /* the error message, when !ok */
	char *body; /* the JSON document, "" when none */
};

/*
 * Send one request (line plus optional body) and read the whole reply.
 * Returns HSBCTL_OK with *reply filled (caller frees with
 * hsbctl_reply_free), or HSBCTL_NO_DAEMON with a message on stderr.
 */
int hsbctl_request(const char *sock_path, const char *line, const char *body,
		   size_t body_len, int timeout_ms, struct hsbctl_reply *reply);
void hsbctl_reply_free(struct hsbctl_reply *reply);

/*
 * A streaming request (monitor): send line, wait up to timeout_ms for
 * hsbd's "ok", then hand each line that follows to on_line (non-zero
 * from it ends the stream with HSBCTL_REFUSED) until SIGINT or SIGTERM
 * (HSBCTL_OK: the way a monitor ends) or hsbd closes (HSBCTL_NO_DAEMON).
 * "error ..." is HSBCTL_REFUSED with the reason on stderr.
 */
int hsbctl_stream(const char *sock_path, const char *line, int timeout_ms,
		  int (*on_line)(const char *line, void *ctx), void *ctx);

#endif /* HSBCTL_CLIENT_H */
