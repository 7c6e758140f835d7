// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_proto.h"

enum parse_state {
	ST_LINE,
	ST_BODY,
	ST_DONE,
	ST_BAD,
};

void hsb_ctl_request_init(struct hsb_ctl_request *req)
{
	memset(req, 0, sizeof(*req));
	req->state = ST_LINE;
}

void hsb_ctl_request_release(struct hsb_ctl_request *req)
{
	free(req->body);
	req->body = NULL;
}

static enum hsb_ctl_status bad(struct hsb_ctl_request *req, const char *msg)
{
	snprintf(req->err, sizeof(req->err), "%s", msg);
	req->state = ST_BAD;
	return HSB_CTL_BAD;
}

static bool is_line_char(unsigned char c)
{
	return c == ' ' || c == '\t' || (c > ' ' && c < 0x7f);
}

int hsb_ctl_check_line(const char *line, char *err, size_t errlen)
{
	size_t i, len = strlen(line);

	if (len == 0 || len > HSB_CTL_MAX_LINE) {
		snprintf(err, errlen, "request line must be 1..%d bytes",
			 HSB_CTL_MAX_LINE);
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		if (!is_line_char((unsigned char)line[i])) {
			snprintf(
				err, errlen,
				"request line: byte 0x%02x at offset %zu is not printable ASCII",
				(unsigned char)line[i], i);
			return -EINVAL;
		}
	}
	return 0;
}

static int split_words(struct hsb_ctl_request *req)
{
	char *save = NULL, *w;

	req->argc = 0;
	for (w = strtok_r(req->line, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save)) {
		if (req->argc == HSB_CTL_MAX_ARGS)
			return -E2BIG;
		req->argv[req->argc++] = w;
	}
	return req->argc ? 0 : -EINVAL;
}

/* "config N [SOURCE]": the only verb with a body. */
static enum hsb_ctl_status line_complete(struct hsb_ctl_request *req)
{
	char err[128];
	unsigned long long n;
	char *end;

	req->line[req->line_len] = '\0';
	if (req->line_len && req->line[req->line_len - 1] == '\r')
		req->line[--req->line_len] = '\0';
	if (hsb_ctl_check_line(req->line, err, sizeof(err)))
		return bad(req, err);
	switch (split_words(req)) {
	case -E2BIG:
		return bad(req, "too many words in request line");
	case -EINVAL:
		return bad(req, "empty request line");
	}
	if (strcmp(req->argv[0], "config") != 0) {
		req->state = ST_DONE;
		return HSB_CTL_COMPLETE;
	}
	if (req->argc != 2 && req->argc != 3)
		return bad(
			req,
			"usage: config BYTES [SOURCE], then BYTES of commands");
	errno = 0;
	n = strtoull(req->argv[1], &end, 10);
	if (errno || *end || end == req->argv[1] || req->argv[1][0] == '-')
		return bad(req, "config: body length is not a number");
	if (n > HSB_CTL_MAX_BODY)
		return bad(req, "config: body larger than 1 MiB");
	req->body = malloc(n + 1);
	if (!req->body)
		return bad(req, "out of memory");
	req->body_want = n;
	req->body_len = 0;
	req->body[0] = '\0';
	req->state = n ? ST_BODY : ST_DONE;
	return n ? HSB_CTL_NEED_MORE : HSB_CTL_COMPLETE;
}

enum hsb_ctl_status hsb_ctl_feed(struct hsb_ctl_request *req, const char *data,
				 size_t len, size_t *used)
{
	size_t i = 0, take;
	enum hsb_ctl_status st;

	*used = 0;
	if (req->state == ST_DONE || req->state == ST_BAD)
		return bad(req, "request already complete");
	while (i < len && req->state == ST_LINE) {
		char c = data[i++];

		if (c == '\n') {
			st = line_complete(req);
			if (st != HSB_CTL_NEED_MORE) {
				*used = i;
				return st;
			}
			break;
		}
		if (c == '\0')
			return bad(req, "NUL byte in request line");
		if (req->line_len == HSB_CTL_MAX_LINE)
			return bad(req, "request line longer than 4096 bytes");
		req->line[req->line_len++] = c;
	}
	if (req->state == ST_BODY && i < len) {
		take = len - i;
		if (take > req->body_want - req->body_len)
			take = req->body_want - req->body_len;
		memcpy(req->body + req->body_len, data + i, take);
		req->body_len += take;
		req->body[req->body_len] = '\0';
		i += take;
		if (req->body_len == req->body_want) {
			if (memchr(req->body, '\0', req->body_len))
				return bad(req, "NUL byte in config body");
			req->state = ST_DONE;
			*used = i;
			return HSB_CTL_COMPLETE;
		}
	}
	*used = i;
	return HSB_CTL_NEED_MORE;
}
