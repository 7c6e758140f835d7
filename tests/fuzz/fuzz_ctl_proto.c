// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control protocol's request parser (hsb_ctl_feed()): what a client
 * of /run/hsb/hsbd.sock may send, fed in pieces as the socket delivers
 * them (the first byte: piece size 1..255, 0 = all at once), and the
 * client-side line check (hsb_ctl_check_line()) on the same bytes.
 *
 * Invariants: a feed never takes more than it was given; a complete
 * request has 1..HSB_CTL_MAX_ARGS words inside its line, and a body
 * exactly as long as announced, NUL-terminated, without NUL inside;
 * feeding after COMPLETE or BAD is refused; the parser agrees with the
 * client check on the line it accepted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_proto.h"
#include "fuzz_common.h"

static void check_request(const struct hsb_ctl_request *req)
{
	char err[128];
	int i;

	FUZZ_ASSERT(req->argc >= 1 && req->argc <= HSB_CTL_MAX_ARGS);
	for (i = 0; i < req->argc; i++) {
		FUZZ_ASSERT(req->argv[i] >= req->line &&
			    req->argv[i] < req->line + sizeof(req->line));
		FUZZ_ASSERT(req->argv[i][0]);
		FUZZ_ASSERT(!strchr(req->argv[i], ' '));
	}
	if (req->body) {
		FUZZ_ASSERT(!strcmp(req->argv[0], "config"));
		FUZZ_ASSERT(req->body_len == req->body_want);
		FUZZ_ASSERT(req->body[req->body_len] == '\0');
		FUZZ_ASSERT(strlen(req->body) == req->body_len);
	}
	/* the words were checked as a line: so are they one by one */
	for (i = 0; i < req->argc; i++)
		FUZZ_ASSERT(hsb_ctl_check_line(req->argv[i], err,
					       sizeof(err)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hsb_ctl_request *req;
	enum hsb_ctl_status st = HSB_CTL_NEED_MORE;
	size_t piece, used;
	char err[128], *line;

	if (size < 1)
		return 0;
	piece = data[0];
	data++;
	size--;
	line = strndup((const char *)data, size);
	FUZZ_ASSERT(line);
	hsb_ctl_check_line(line, err, sizeof(err));
	free(line);

	req = malloc(sizeof(*req));
	FUZZ_ASSERT(req);
	hsb_ctl_request_init(req);
	while (size && st == HSB_CTL_NEED_MORE) {
		size_t n = piece && piece < size ? piece : size;

		st = hsb_ctl_feed(req, (const char *)data, n, &used);
		FUZZ_ASSERT(used <= n);
		if (st == HSB_CTL_NEED_MORE)
			FUZZ_ASSERT(used == n);
		data += used;
		size -= used;
	}
	if (st == HSB_CTL_COMPLETE)
		check_request(req);
	if (st == HSB_CTL_BAD)
		FUZZ_ASSERT(req->err[0]);
	if (st != HSB_CTL_NEED_MORE) {
		FUZZ_ASSERT(hsb_ctl_feed(req, "x", 1, &used) == HSB_CTL_BAD &&
			    used == 0);
	}
	hsb_ctl_request_release(req);
	free(req);
	return 0;
}
