// SPDX-License-Identifier: GPL-2.0-only
/* hsbd: the hsb daemon. Runs in the foreground (systemd, Kubernetes). */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "ctl/ctl_cmd.h"
#include "ctl/ctl_server.h"
#include "hsbd.h"
#include "log.h"
#include "monitor/mon_feed.h"
#include "privs/caps.h"
#include "privs/conf_mode.h"
#include "privs/core_dumps.h"
#include "records/bus.h"
#include "service/service.h"
#include "version.h"

#define DEFAULT_CONFIG "/etc/hsb/hsbd.conf"
#define DEFAULT_SOCKET "/run/hsb/hsbd.sock"
#define DEFAULT_PIN_DIR "/sys/fs/bpf/hsb"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: hsbd [OPTION]...\n"
		"       hsbd --check-config FILE\n"
		"The hsb daemon: HA firewall/NAT gateway agent (VRRP, VGMP, HRP)\n"
		"with an XDP datapath. Runs in the foreground.\n"
		"\n"
		"  -c, --config FILE      configuration file (default " DEFAULT_CONFIG
		");\n"
		"                         a missing file starts an empty configuration\n"
		"  -s, --socket PATH      control socket for hsbctl (default " DEFAULT_SOCKET
		");\n"
		"                         only a stale socket there is replaced: any\n"
		"                         other file, or a live hsbd's socket, is refused\n"
		"  -p, --pin-dir DIR      BPF pin directory, on a bpffs (default " DEFAULT_PIN_DIR
		")\n"
		"  -g, --socket-group GROUP  members of GROUP may use the control\n"
		"                         socket read-only (show, status; the HRP key\n"
		"                         masked); without it only root may\n"
		"  -k, --keep-datapath    on exit, leave XDP attached and maps pinned so\n"
		"                         the datapath keeps forwarding across a restart,\n"
		"                         and hand masters and active groups over: the\n"
		"                         peer waits 3 s, the next hsbd resumes them\n"
		"  -l, --syslog           log to syslog instead of stderr\n"
		"  -d, --debug            log at debug level, whatever `log level` says\n"
		"      --allow-core-dumps  let a crash leave a core dump (by default\n"
		"                         hsbd is kept out of them: its memory holds\n"
		"                         the authentication key in clear); for a\n"
		"                         debugging session, then change the key\n"
		"      --check-config FILE  validate FILE without touching the system;\n"
		"                         exit 0 if valid, 1 with FILE:LINE:COL: reason\n"
		"  -V, --version          print the version\n"
		"  -h, --help             this help\n"
		"\n"
		"Signals: SIGTERM/SIGINT stop (a failover, or with -k a handover);\n"
		"SIGHUP re-reads the config file (an invalid file is reported and\n"
		"the running configuration kept).\n"
		"Under systemd (NOTIFY_SOCKET set), hsbd sends READY=1 once the\n"
		"datapath is attached and the configuration applied, STATUS= lines,\n"
		"RELOADING=1 around SIGHUP, STOPPING=1, and WATCHDOG=1 at half of\n"
		"WATCHDOG_USEC (WatchdogSec=).\n"
		"The command language: hsbd.conf(5), docs/configuration.md.\n");
}

/* A group name, or a number. */
static int group_id(const char *name, gid_t *gid)
{
	struct group *g = getgrnam(name);
	char *end;
	unsigned long n;

	if (g) {
		*gid = g->gr_gid;
		return 0;
	}
	n = strtoul(name, &end, 10);
	if (!*name || *end || n >= (gid_t)-1)
		return -1;
	*gid = (gid_t)n;
	return 0;
}

static int check_config(const char *path)
{
	struct hsb_config *cfg = hsb_config_new();
	struct hsb_cfg_error err;
	char msg[512];
	int ret = 0;

	if (!cfg)
		return 1;
	if (hsb_config_load_file(cfg, path, HSB_CFG_IMPLEMENTED, &err)) {
		hsb_cfg_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "%s\n", msg);
		ret = 1;
	} else if (hsb_config_check_ha(cfg, msg, sizeof(msg))) {
		fprintf(stderr, "%s: %s\n", path, msg);
		ret = 1;
	} else {
		if (hsbd_conf_mode_unsafe(path, cfg, msg, sizeof(msg)))
			fprintf(stderr, "warning: %s\n", msg);
		printf("%s: configuration OK\n", path);
	}
	hsb_config_free(cfg);
	return ret;
}

static void on_stop(struct hsb_loop *loop, int signo, void *ctx)
{
	(void)ctx;
	hsb_info("%s: stopping", strsignal(signo));
	hsb_loop_stop(loop);
}

static void on_reload(struct hsb_loop *loop, int signo, void *ctx)
{
	(void)loop;
	(void)signo;
	hsbd_reload(ctx);
}

static int load_initial_config(struct hsbd *d)
{
	struct hsb_cfg_error err;
	char msg[512];

	if (access(d->opt.config_path, F_OK) && errno == ENOENT) {
		hsb_info(
			"%s does not exist: starting with an empty configuration (hsbctl save writes it)",
			d->opt.config_path);
		return 0;
	}
	if (hsb_config_load_file(d->cfg, d->opt.config_path,
				 HSB_CFG_IMPLEMENTED, &err)) {
		hsb_cfg_error_format(&err, msg, sizeof(msg));
		hsb_err("%s", msg);
		return -1;
	}
	if (hsbd_conf_mode_unsafe(d->opt.config_path, d->cfg, msg, sizeof(msg)))
		hsb_warn("%s", msg);
	return 0;
}

static int run(struct hsbd *d)
{
	char err[512];
	int ret;

	d->loop = hsb_loop_new();
	d->bus = hsb_bus_new();
	d->cfg = hsb_config_new();
	if (!d->loop || !d->bus || !d->cfg)
		return 1;
	d->started_ms = hsb_now_ms();
	/* Before the key is read: nothing of it may reach a core dump. */
	if (d->opt.allow_core_dumps) {
		hsb_warn(
			"--allow-core-dumps: a core dump of hsbd holds the authentication key in clear; change the key after sharing one");
	} else if (hsbd_core_dumps_off(err, sizeof(err))) {
		hsb_err("%s", err);
		return 1;
	}
	if (load_initial_config(d))
		return 1;
	/* Before anything touches the system: a missing capability is named
	 * here, not reported as EPERM from deep inside an engine. */
	if (hsbd_caps_check(d->opt.sock_group != (gid_t)-1, err, sizeof(err))) {
		hsb_err("%s", err);
		return 1;
	}
	if (hsb_loop_on_signal(d->loop, SIGTERM, on_stop, d) ||
	    hsb_loop_on_signal(d->loop, SIGINT, on_stop, d) ||
	    hsb_loop_on_signal(d->loop, SIGHUP, on_reload, d)) {
		hsb_err("cannot set up signal handling");
		return 1;
	}
	if (hsbd_start_engines(d, err, sizeof(err))) {
		hsb_err("%s", err);
		return 1;
	}
	d->ctl = hsb_ctl_server_start(d->loop, d->opt.sock_path,
				      d->opt.sock_group, hsbd_ctl_dispatch, d,
				      err, sizeof(err));
	if (!d->ctl) {
		hsb_err("%s", err);
		hsbd_stop_engines(d);
		return 1;
	}
	/* Started: the rest is given up for the life of the daemon. Not
	 * earlier only because giving the control socket to --socket-group
	 * takes CAP_CHOWN; the integration test starts hsbd with exactly
	 * the kept set, so nothing at start depends on the others. */
	if (hsbd_caps_limit(err, sizeof(err))) {
		hsb_err("%s", err);
		hsb_ctl_server_stop(d->ctl);
		d->ctl = NULL;
		hsbd_stop_engines(d);
		return 1;
	}
	hsb_info("hsbd %s running as [%s], control socket %s", HSB_VERSION,
		 d->cfg->sysname, d->opt.sock_path);
	/* Ready: XDP is attached and every engine has reconciled the first
	 * configuration, and hsbctl can reach us. */
	d->svc = hsbd_service_start(d);
	d->mon = hsbd_monitor_start(d);
	ret = hsb_loop_run(d->loop);
	if (ret)
		hsb_err("event loop: %s", strerror(-ret));
	/* STOPPING=1 before the engines step down (priority 0, detach) */
	hsbd_service_stop(d->svc);
	d->svc = NULL;
	hsbd_monitor_stop(d->mon);
	d->mon = NULL;
	hsb_ctl_server_stop(d->ctl);
	d->ctl = NULL; /* the engines stopping below tell nobody */
	hsbd_stop_engines(d);
	hsb_info("stopped");
	return ret ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "pin-dir", required_argument, NULL, 'p' },
		{ "socket-group", required_argument, NULL, 'g' },
		{ "keep-datapath", no_argument, NULL, 'k' },
		{ "syslog", no_argument, NULL, 'l' },
		{ "debug", no_argument, NULL, 'd' },
		{ "check-config", required_argument, NULL, 'C' },
		{ "allow-core-dumps", no_argument, NULL, 'D' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hsbd d = { .opt = { .config_path = DEFAULT_CONFIG,
				   .sock_path = DEFAULT_SOCKET,
				   .pin_dir = DEFAULT_PIN_DIR,
				   .sock_group = (gid_t)-1 } };
	int c, ret;

	/* A configuration change copies the whole model (700 KB) a few
	 * times. Served by mmap, every copy faults in each of its pages
	 * afresh - 5-10 ms a change on a virtual machine, the most of a
	 * replicated change's delay. From the heap, and kept there, the
	 * pages stay mapped: 0.2 ms. */
	mallopt(M_MMAP_THRESHOLD, 16 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);

	while ((c = getopt_long(argc, argv, "c:s:p:g:kldVh", opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'c':
			d.opt.config_path = optarg;
			break;
		case 's':
			d.opt.sock_path = optarg;
			break;
		case 'p':
			d.opt.pin_dir = optarg;
			break;
		case 'g':
			if (group_id(optarg, &d.opt.sock_group)) {
				fprintf(stderr, "hsbd: no such group '%s'\n",
					optarg);
				return 1;
			}
			break;
		case 'k':
			d.opt.keep_datapath = true;
			break;
		case 'l':
			d.opt.syslog = true;
			break;
		case 'd':
			d.opt.debug = true;
			break;
		case 'C':
			return check_config(optarg);
		case 'D':
			d.opt.allow_core_dumps = true;
			break;
		case 'V':
			printf("hsbd %s\n", HSB_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "hsbd: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return 1;
	}
	hsb_log_init("hsbd",
		     d.opt.syslog ? HSB_LOG_TO_SYSLOG : HSB_LOG_TO_STDERR,
		     d.opt.debug ? HSB_LOG_DEBUG : HSB_LOG_INFO);
	signal(SIGPIPE, SIG_IGN);
	ret = run(&d);
	hsb_config_free(d.cfg);
	hsb_bus_free(d.bus);
	hsb_loop_free(d.loop);
	return ret;
}
