// SPDX-License-Identifier: GPL-2.0-only
/*
 * Control requests end to end in hsbd, short of the system: the bytes a
 * client sends are parsed (hsb_ctl_feed()) and dispatched
 * (hsbd_ctl_dispatch(), user/hsbd/ctl/ctl_dispatch.c) against the real
 * request tables, into a fake daemon - a `struct hsbd` holding a rich
 * running configuration and no engines (no datapath, no VRRP or VGMP
 * instances: what a daemon without those parts configured has).
 *
 * Requests whose handlers need the datapath's BPF maps or change the
 * system (config, save, reload, show/clear sessions, show nat ...,
 * show server-map, show interfaces, show counters, show black/whitelist)
 * are not dispatched: the harness runs the pure part of each instead -
 * the session filter parser (hsb_session_filter_parse()) on the
 * arguments of the session requests, and the command language on the
 * body of `config` (what cmd_config() applies before it reconciles the
 * engines). Everything else - status, show running-config, show vrrp,
 * show vgmp, switchover, unknown requests - goes through dispatch.
 *
 * Invariants: dispatch answers 0 with a reply that serialises (or none),
 * HSB_CTL_STREAM (monitor) with its first line, or -1 with a message; the session filter parser answers 0 or -1 with a
 * message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "config.h"
#include "ctl/ctl_cmd.h"
#include "ctl/ctl_server.h"
#include "ctl_proto.h"
#include "fuzz_common.h"
#include "hsbd.h"
#include "sessions/session_filter.h"

static const char base_text[] =
	"sysname fw-a\n"
	"firewall zone dmz\n"
	"interface eth0 zone trust\n"
	"interface eth1 zone untrust\n"
	"interface eth2 zone dmz\n"
	"security-policy rule web from untrust to dmz protocol tcp destination-port 80-443 action permit\n"
	"nat address-group pool1 section 203.0.113.16 203.0.113.20\n"
	"nat policy rule out from trust to untrust action source-nat address-group pool1\n"
	"hrp interface eth2 remote 10.255.0.2 local 10.255.0.1\n"
	"hrp authentication-key \"fuzz key 123\"\n"
	"vgmp group g1 priority 65001\n"
	"vrrp vrid 1 interface eth1 virtual-ip 192.0.2.1 vgmp-group g1\n";

static struct hsbd daemon;

static void init(void)
{
	struct hsb_cfg_error err;

	daemon.opt.config_path = "/nonexistent/hsbd.conf";
	daemon.opt.sock_path = "/nonexistent/hsbd.sock";
	daemon.opt.pin_dir = "/nonexistent/hsb";
	daemon.cfg = hsb_config_new();
	FUZZ_ASSERT(daemon.cfg);
	FUZZ_ASSERT(!hsb_config_apply_text(daemon.cfg, base_text,
					   HSB_CFG_IMPLEMENTED, "base", &err));
}

/* The requests not dispatched; words: how many name them. */
static const char *const kept_out[][3] = {
	{ "config" },
	{ "save" },
	{ "reload" },
	{ "show", "sessions" },
	{ "clear", "sessions" },
	{ "show", "nat" },
	{ "show", "server-map" },
	{ "show", "interfaces" },
	{ "show", "counters" },
	{ "show", "blacklist" },
	{ "show", "whitelist" },
};

static int kept_out_words(const struct hsb_ctl_request *req)
{
	size_t i;
	int w;

	for (i = 0; i < sizeof(kept_out) / sizeof(kept_out[0]); i++) {
		for (w = 0; w < 3 && kept_out[i][w]; w++)
			if (w >= req->argc ||
			    strcmp(kept_out[i][w], req->argv[w]))
				break;
		if (w == 3 || !kept_out[i][w])
			return w;
	}
	return 0;
}

static void pure_part(const struct hsb_ctl_request *req, int words)
{
	char err[256];

	if (!strcmp(req->argv[0], "config")) {
		struct hsb_config *next = hsb_config_clone(daemon.cfg);
		struct hsb_cfg_error cerr;

		FUZZ_ASSERT(next);
		hsb_config_apply_text(next, req->body ? req->body : "",
				      HSB_CFG_IMPLEMENTED,
				      req->argc == 3 ? req->argv[2] : "hsbctl",
				      &cerr);
		hsb_config_free(next);
		return;
	}
	if (words == 2 && !strcmp(req->argv[1], "sessions")) {
		struct hsb_session_filter f;

		err[0] = '\0';
		if (hsb_session_filter_parse(&f, req->argc - words,
					     req->argv + words, daemon.cfg, err,
					     sizeof(err)))
			FUZZ_ASSERT(err[0]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hsb_ctl_request req;
	struct json_object *reply = NULL;
	char err[512];
	size_t used;
	int words, ret;

	if (!daemon.cfg)
		init();
	hsb_ctl_request_init(&req);
	if (hsb_ctl_feed(&req, (const char *)data, size, &used) !=
	    HSB_CTL_COMPLETE)
		goto out;
	words = kept_out_words(&req);
	if (words) {
		pure_part(&req, words);
		goto out;
	}
	err[0] = '\0';
	ret = hsbd_ctl_dispatch(&daemon, &req, &reply, err, sizeof(err));
	if (ret < 0) {
		FUZZ_ASSERT(err[0] && !reply);
	} else {
		/* 0, or HSB_CTL_STREAM (monitor: its first line) */
		FUZZ_ASSERT(ret == 0 || ret == HSB_CTL_STREAM);
		if (reply)
			FUZZ_ASSERT(json_object_to_json_string(reply));
		json_object_put(reply);
	}
out:
	hsb_ctl_request_release(&req);
	return 0;
}
