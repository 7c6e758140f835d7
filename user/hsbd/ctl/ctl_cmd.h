/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control requests hsbd answers, as tables: each ctl_*.c file
 * answers the requests of one part of hsbd and exports one table, and
 * ctl_dispatch.c matches a request against the tables. A new engine adds
 * its own ctl_ENGINE.c and one line in ctl_dispatch.c's list, nothing
 * else. Replies are JSON; hsbctl renders them for people.
 */
#ifndef HSB_CTL_CMD_H
#define HSB_CTL_CMD_H

#include <stdbool.h>
#include <stddef.h>

struct hsbd;
struct hsb_ctl_request;
struct json_object;

/*
 * One request. run gets the number of words that named it (the rest of
 * req->argv are its arguments) and returns 0 with *reply set (a JSON
 * value, or NULL for "ok" without data), or -1 with a one-line reason in
 * err. A streaming request (monitor) returns HSB_CTL_STREAM instead of 0
 * (ctl_server.h).
 */
struct hsb_ctl_cmd {
	const char *words[4]; /* the verb, NULL-terminated */
	bool takes_args; /* words after the verb are its arguments */
	int (*run)(struct hsbd *d, const struct hsb_ctl_request *req, int words,
		   struct json_object **reply, char *err, size_t errlen);
};

struct hsb_ctl_table {
	const struct hsb_ctl_cmd *cmds;
	size_t n;
};

#define HSB_CTL_TABLE(name, array)                     \
	const struct hsb_ctl_table name = {            \
		.cmds = array,                         \
		.n = sizeof(array) / sizeof(array[0]), \
	}

extern const struct hsb_ctl_table hsb_ctl_core_cmds; /* ctl_core.c */
extern const struct hsb_ctl_table hsb_ctl_firewall_cmds; /* ctl_firewall.c */
extern const struct hsb_ctl_table hsb_ctl_nat_cmds; /* ctl_nat.c */
extern const struct hsb_ctl_table hsb_ctl_vrrp_cmds; /* ctl_vrrp.c */
extern const struct hsb_ctl_table hsb_ctl_vgmp_cmds; /* ctl_vgmp.c */
extern const struct hsb_ctl_table hsb_ctl_hrp_cmds; /* ctl_hrp.c */
extern const struct hsb_ctl_table hsb_ctl_monitor_cmds; /* ctl_monitor.c */

/* Run one request: the ctl_server's handler (main.c passes it). */
int hsbd_ctl_dispatch(void *hsbd, const struct hsb_ctl_request *req,
		      struct json_object **reply, char *err, size_t errlen);

#endif /* HSB_CTL_CMD_H */
