// SPDX-License-Identifier: GPL-2.0-only
/* Matches a control request against every part's table (ctl_cmd.h). */
#include <stdio.h>
#include <string.h>

#include "ctl/ctl_cmd.h"
#include "ctl_proto.h"
#include "hsbd.h"

static const struct hsb_ctl_table *const tables[] = {
	&hsb_ctl_core_cmds,    &hsb_ctl_firewall_cmds, &hsb_ctl_nat_cmds,
	&hsb_ctl_vrrp_cmds,    &hsb_ctl_vgmp_cmds,     &hsb_ctl_hrp_cmds,
	&hsb_ctl_monitor_cmds,
};

/* The number of words that name c when req asks for it, else 0. */
static int matches(const struct hsb_ctl_cmd *c,
		   const struct hsb_ctl_request *req)
{
	int i;

	for (i = 0; c->words[i]; i++)
		if (i >= req->argc || strcmp(c->words[i], req->argv[i]))
			return 0;
	return i == req->argc || c->takes_args ? i : 0;
}

int hsbd_ctl_dispatch(void *hsbd, const struct hsb_ctl_request *req,
		      struct json_object **reply, char *err, size_t errlen)
{
	struct hsbd *d = hsbd;
	size_t t, i;
	int words;

	*reply = NULL;
	/* A client let in by the socket's group only looks: the requests
	 * that change nothing all start with show or status, or are
	 * monitor (a stream without secrets). Checked here, once, so that
	 * a new command is read-only or refused by default. */
	if (req->peer_readonly && strcmp(req->argv[0], "show") &&
	    strcmp(req->argv[0], "status") && strcmp(req->argv[0], "monitor")) {
		snprintf(
			err, errlen,
			"permission denied: members of the control socket's group may only run show, status and monitor");
		return -1;
	}
	for (t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (i = 0; i < tables[t]->n; i++) {
			const struct hsb_ctl_cmd *c = &tables[t]->cmds[i];

			words = matches(c, req);
			if (words)
				return c->run(d, req, words, reply, err,
					      errlen);
		}
	snprintf(err, errlen,
		 "unknown request '%s' (are hsbctl and hsbd the same version?)",
		 req->argv[0]);
	return -1;
}
