// SPDX-License-Identifier: GPL-2.0-only
/* The requests on hsbd itself: status, configuration, interfaces,
 * counters (ctl_cmd.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "clock.h"
#include "ctl/ctl_cmd.h"
#include "ctl/ctl_server.h"
#include "datapath/datapath.h"
#include "hsbd.h"
#include "hrp/hrp_config.h"
#include "hrp/hrp_engine.h"
#include "log.h"
#include "version.h"
#include "vgmp/vgmp_engine.h"

static struct json_object *jstr(const char *s)
{
	return json_object_new_string(s);
}

/* Name and the host's VGMP role: "[fw-a]" without groups, else
 * "[fw-a:active]", "[fw-a:standby]", or "[fw-a:active/standby]" when
 * groups differ (load balancing); with HRP's configuration role decided,
 * "HRP_M" or "HRP_S" in front: "HRP_M[fw-a:active]". */
static void prompt(const struct hsbd *d, char *buf, size_t len)
{
	struct hrp_config_info ci = { .role = HRP_CFG_ROLE_NONE };
	struct hsb_vgmp_roles r;
	unsigned int standby;
	const char *hrp;

	if (d->hrp)
		hsb_hrp_config_info(d->hrp, &ci);
	hrp = ci.role == HRP_CFG_ROLE_NONE ? "" : hrp_cfg_role_name(ci.role);
	hsb_vgmp_roles(d->vgmp, &r);
	standby = r.standby + r.init; /* not carrying the traffic */
	if (!r.active && !standby)
		snprintf(buf, len, "%s[%s]", hrp, d->cfg->sysname);
	else
		snprintf(buf, len, "%s[%s:%s]", hrp, d->cfg->sysname,
			 r.active && standby ? "active/standby" :
			 r.active	     ? "active" :
					       "standby");
}

static int cmd_status(struct hsbd *d, const struct hsb_ctl_request *req,
		      int words, struct json_object **reply, char *err,
		      size_t errlen)
{
	struct json_object *o = json_object_new_object();
	char p[HSB_CFG_SYSNAME_SIZE + 32];

	(void)req;
	(void)words;
	(void)err;
	(void)errlen;
	prompt(d, p, sizeof(p));
	json_object_object_add(o, "sysname", jstr(d->cfg->sysname));
	json_object_object_add(o, "prompt", jstr(p));
	json_object_object_add(o, "version", jstr(HSB_VERSION));
	json_object_object_add(
		o, "uptime_s",
		json_object_new_uint64((hsb_now_ms() - d->started_ms) / 1000));
	json_object_object_add(o, "config_file", jstr(d->opt.config_path));
	json_object_object_add(o, "pin_dir", jstr(d->opt.pin_dir));
	json_object_object_add(o, "interfaces",
			       json_object_new_int((int)d->cfg->n_ifaces));
	json_object_object_add(o, "log_level",
			       jstr(hsb_log_level_name(hsb_log_get_level())));
	*reply = o;
	return 0;
}

struct running_walk {
	struct json_object *lines;
	bool mask; /* secrets masked: the client is not root */
};

static int add_line(const char *line, enum hsb_cmd_scope scope, void *ctx)
{
	struct running_walk *w = ctx;
	struct json_object *o = json_object_new_object();
	char masked[128];

	if (w->mask)
		line = hsb_config_line_masked(line, masked, sizeof(masked));
	json_object_object_add(o, "command", jstr(line));
	json_object_object_add(o, "scope",
			       jstr(scope == HSB_SCOPE_BACKED_UP ? "backed-up" :
								   "local"));
	json_object_array_add(w->lines, o);
	return 0;
}

static int cmd_show_running(struct hsbd *d, const struct hsb_ctl_request *req,
			    int words, struct json_object **reply, char *err,
			    size_t errlen)
{
	struct json_object *o = json_object_new_object();
	struct running_walk w = {
		.lines = json_object_new_array(),
		/* Root (or hsbd's own user) reads the key in the file
		 * anyway; a client let in by the socket's group does not
		 * get it. */
		.mask = req->peer_readonly,
	};

	(void)words;
	(void)err;
	(void)errlen;
	hsb_config_foreach(d->cfg, add_line, &w);
	json_object_object_add(o, "sysname", jstr(d->cfg->sysname));
	json_object_object_add(o, "commands", w.lines);
	*reply = o;
	return 0;
}

static void add_iface(const struct hsb_dp_iface_info *info, void *ctx)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", jstr(info->name));
	json_object_object_add(o, "ifindex",
			       json_object_new_uint64(info->ifindex));
	json_object_object_add(o, "zone", jstr(info->zone));
	json_object_object_add(o, "zone_id",
			       json_object_new_uint64(info->zone_id));
	json_object_object_add(o, "xdp_mode",
			       jstr(info->generic ? "generic" : "native"));
	json_object_object_add(o, "rx_packets",
			       json_object_new_uint64(info->rx_packets));
	json_object_object_add(o, "rx_bytes",
			       json_object_new_uint64(info->rx_bytes));
	json_object_array_add(ctx, o);
}

static int cmd_show_interfaces(struct hsbd *d,
			       const struct hsb_ctl_request *req, int words,
			       struct json_object **reply, char *err,
			       size_t errlen)
{
	struct json_object *arr = json_object_new_array();

	(void)req;
	(void)words;
	(void)err;
	(void)errlen;
	hsb_datapath_for_each_iface(d->dp, add_iface, arr);
	*reply = json_object_new_object();
	json_object_object_add(*reply, "interfaces", arr);
	return 0;
}

static int cmd_show_counters(struct hsbd *d, const struct hsb_ctl_request *req,
			     int words, struct json_object **reply, char *err,
			     size_t errlen)
{
	const struct hsb_ctl_stats *cs = hsb_ctl_server_stats(d->ctl);
	struct json_object *o = json_object_new_object();
	struct json_object *ctl = json_object_new_object();
	struct json_object *cfg = json_object_new_object();

	(void)req;
	(void)words;
	(void)err;
	(void)errlen;
	hsbd_engine_counters(d, o);
	json_object_object_add(ctl, "requests",
			       json_object_new_uint64(cs->requests));
	json_object_object_add(ctl, "bad_requests",
			       json_object_new_uint64(cs->bad_requests));
	json_object_object_add(ctl, "refused_peers",
			       json_object_new_uint64(cs->refused_peers));
	json_object_object_add(ctl, "timeouts",
			       json_object_new_uint64(cs->timeouts));
	json_object_object_add(ctl, "idle_timeouts",
			       json_object_new_uint64(cs->idle_timeouts));
	json_object_object_add(ctl, "evicted",
			       json_object_new_uint64(cs->evicted));
	json_object_object_add(ctl, "busy", json_object_new_uint64(cs->busy));
	json_object_object_add(ctl, "streams",
			       json_object_new_uint64(cs->streams));
	json_object_object_add(ctl, "streams_started",
			       json_object_new_uint64(cs->streams_started));
	json_object_object_add(ctl, "streams_refused",
			       json_object_new_uint64(cs->streams_refused));
	json_object_object_add(ctl, "streams_stalled",
			       json_object_new_uint64(cs->streams_stalled));
	json_object_object_add(
		ctl, "stream_lines_dropped",
		json_object_new_uint64(cs->stream_lines_dropped));
	json_object_object_add(o, "control", ctl);
	json_object_object_add(cfg, "applied",
			       json_object_new_uint64(d->stats.config_applied));
	json_object_object_add(cfg, "refused",
			       json_object_new_uint64(d->stats.config_refused));
	json_object_object_add(cfg, "reloads",
			       json_object_new_uint64(d->stats.reloads));
	json_object_object_add(
		cfg, "reload_failures",
		json_object_new_uint64(d->stats.reload_failures));
	json_object_object_add(o, "config", cfg);
	*reply = o;
	return 0;
}

/* A batch of commands: parsed onto a copy of the running configuration,
 * then applied to the system; any error leaves everything as it was. */
static int cmd_config(struct hsbd *d, const struct hsb_ctl_request *req,
		      int words, struct json_object **reply, char *err,
		      size_t errlen)
{
	struct hsb_config *next = hsb_config_clone(d->cfg);
	struct hsb_cfg_error cerr;

	(void)words;
	(void)reply;
	if (!next) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (hsb_config_apply_text(
		    next, req->body ? req->body : "", HSB_CFG_IMPLEMENTED,
		    req->argc == 3 ? req->argv[2] : "hsbctl", &cerr)) {
		hsb_cfg_error_format(&cerr, err, errlen);
		hsb_config_free(next);
		d->stats.config_refused++;
		return -1;
	}
	if (hsbd_apply_config(d, next, err, errlen)) {
		hsb_config_free(next);
		return -1;
	}
	return 0;
}

static int cmd_save(struct hsbd *d, const struct hsb_ctl_request *req,
		    int words, struct json_object **reply, char *err,
		    size_t errlen)
{
	struct hsb_cfg_error cerr;

	(void)req;
	(void)words;
	if (hsb_config_save(d->cfg, d->opt.config_path, &cerr)) {
		hsb_cfg_error_format(&cerr, err, errlen);
		return -1;
	}
	hsb_info("configuration saved to %s", d->opt.config_path);
	*reply = json_object_new_object();
	json_object_object_add(*reply, "saved", jstr(d->opt.config_path));
	return 0;
}

static int cmd_reload(struct hsbd *d, const struct hsb_ctl_request *req,
		      int words, struct json_object **reply, char *err,
		      size_t errlen)
{
	(void)req;
	(void)words;
	(void)reply;
	if (hsbd_reload(d)) {
		snprintf(
			err, errlen,
			"reload of %s failed (see hsbd's log); the running configuration is unchanged",
			d->opt.config_path);
		return -1;
	}
	return 0;
}

static const struct hsb_ctl_cmd cmds[] = {
	{ { "status" }, false, cmd_status },
	{ { "show", "running-config" }, false, cmd_show_running },
	{ { "show", "interfaces" }, false, cmd_show_interfaces },
	{ { "show", "counters" }, false, cmd_show_counters },
	/* The argument is the body length (and its source name). */
	{ { "config" }, true, cmd_config },
	{ { "save" }, false, cmd_save },
	{ { "reload" }, false, cmd_reload },
};

HSB_CTL_TABLE(hsb_ctl_core_cmds, cmds);
