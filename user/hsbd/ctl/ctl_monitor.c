// SPDX-License-Identifier: GPL-2.0-only
/* hsbctl monitor: the one streaming request (monitor/mon_feed.h). */
#include <stddef.h>

#include "ctl/ctl_cmd.h"
#include "ctl/ctl_server.h"
#include "monitor/mon_feed.h"

/* Read-only clients may monitor too: the stream holds no secret. */
static int cmd_monitor(struct hsbd *d, const struct hsb_ctl_request *req,
		       int words, struct json_object **reply, char *err,
		       size_t errlen)
{
	(void)req;
	(void)words;
	(void)err;
	(void)errlen;
	*reply = hsbd_monitor_hello(d);
	return HSB_CTL_STREAM;
}

static const struct hsb_ctl_cmd cmds[] = {
	{ { "monitor" }, false, cmd_monitor },
};

HSB_CTL_TABLE(hsb_ctl_monitor_cmds, cmds);
