// SPDX-License-Identifier: GPL-2.0-only
/* hsbctl: talks to hsbd over its control socket. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "client.h"
#include "ctl_proto.h"
#include "monitor.h"
#include "render.h"
#include "version.h"

#define DEFAULT_SOCKET "/run/hsb/hsbd.sock"
#define DEFAULT_TIMEOUT_MS 10000

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: hsbctl [-s SOCKET] [-j] [-t MS] COMMAND\n"
		"Control and inspect a running hsbd.\n"
		"\n"
		"Commands:\n"
		"  status                    node name (prompt), version, uptime\n"
		"  show running-config       the running configuration, as commands\n"
		"  show interfaces           interfaces with hsb_xdp attached, counters\n"
		"  show counters             datapath, policy, lists, events, control\n"
		"                            and config counters\n"
		"  show sessions [FILTER]    the session table (at most 10000 shown)\n"
		"  clear sessions [FILTER]   delete sessions (all, or those matching)\n"
		"  show blacklist            blacklist entries: expiry, hits\n"
		"  show whitelist            whitelist entries: hits\n"
		"  show nat sessions [FILTER]  translated sessions and their\n"
		"                            public / inside endpoint\n"
		"  show nat pat              PAT mappings: pool address:port <->\n"
		"                            inside address:port, sessions using it\n"
		"  show nat no-pat           NO-PAT mappings: public <-> inside address\n"
		"  show nat pool-usage       ports used per pool address and protocol\n"
		"  show server-map           NAT servers (static) and pinholes\n"
		"                            (dynamic, with their expiry)\n"
		"  show vrrp [brief]         VRRP instances: state, priority, master,\n"
		"                            timers, counters, last transition\n"
		"  show vgmp [GROUP]         VGMP groups: state, local and peer priority,\n"
		"                            members, tracks, heartbeat, transitions\n"
		"  show hrp                  state backup: connection, records sent and\n"
		"                            received, batch backup, installs, refusals;\n"
		"                            configuration backup: HRP_M/HRP_S, in sync\n"
		"  hrp sync [state]          send the peer a batch backup now\n"
		"  hrp sync config           offer the peer this host's backed-up\n"
		"                            configuration now (HRP_M, or standby-config)\n"
		"  switchover [GROUP]        hand GROUP (default: every group this host\n"
		"                            is active for) to the peer; refused with a\n"
		"                            reason when the peer cannot take it\n"
		"  config 'CMD' ['CMD'...]   apply commands (each argument one line),\n"
		"                            all or nothing\n"
		"  config -f FILE            apply the commands in FILE ('-': stdin),\n"
		"                            all or nothing\n"
		"  save                      write the running config to hsbd's config file\n"
		"  reload                    re-read hsbd's config file (as SIGHUP)\n"
		"  monitor                   stream events until Ctrl-C: VRRP and group\n"
		"                            transitions, configuration changes (what,\n"
		"                            not the text), HRP connection, a per-second\n"
		"                            datapath summary; -j: one JSON object a line\n"
		"\n"
		"FILTER: any of these, all must match:\n"
		"  source ADDR[/LEN]  destination ADDR[/LEN]  port N\n"
		"  protocol tcp|udp|icmp|icmpv6  zone NAME  state NAME\n"
		"  (STATE column names: syn-sent, established, fin-wait, new, ...)\n"
		"\n"
		"Options:\n"
		"  -s, --socket PATH   hsbd's control socket (default " DEFAULT_SOCKET
		")\n"
		"  -j, --json          print replies as JSON\n"
		"  -t, --timeout MS    give up waiting for hsbd after MS (default %d)\n"
		"  -V, --version       print the version\n"
		"  -h, --help          this help\n"
		"\n"
		"Exit status: 0 ok (monitor: ended by Ctrl-C); 1 refused by hsbd,\n"
		"hsbd's reason on stderr (a bad command, or the connection itself:\n"
		"'busy', 'permission denied'), or bad usage; 2 hsbd unreachable or\n"
		"no valid answer (monitor: hsbd ended it).\n"
		"The command language: hsbd.conf(5), docs/configuration.md.\n",
		DEFAULT_TIMEOUT_MS);
}

static char *read_stream(FILE *f, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);

	while (buf) {
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (n > HSB_CTL_MAX_BODY) {
			fprintf(stderr, "hsbctl: input larger than %d bytes\n",
				HSB_CTL_MAX_BODY);
			break;
		}
		if (got == 0) {
			if (ferror(f))
				break;
			*len = n;
			return buf;
		}
		if (n == cap) {
			char *bigger = realloc(buf, cap * 2);

			if (!bigger)
				break;
			buf = bigger;
			cap *= 2;
		}
	}
	free(buf);
	return NULL;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *buf;

	if (!f) {
		fprintf(stderr, "hsbctl: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	buf = read_stream(f, len);
	if (!buf)
		fprintf(stderr, "hsbctl: cannot read %s\n", path);
	if (f != stdin)
		fclose(f);
	return buf;
}

/* The arguments, one command per line. */
static char *join_lines(int argc, char **argv, size_t *len)
{
	size_t total = 0;
	char *buf, *p;
	int i;

	for (i = 0; i < argc; i++)
		total += strlen(argv[i]) + 1;
	buf = malloc(total + 1);
	if (!buf)
		return NULL;
	for (p = buf, i = 0; i < argc; i++)
		p += sprintf(p, "%s\n", argv[i]);
	*len = total;
	return buf;
}

/* A SOURCE word for error messages: the file name when it is one word. */
static const char *source_label(const char *path)
{
	if (!path || !strcmp(path, "-") || strpbrk(path, " \t\n") ||
	    strlen(path) > 200)
		return "hsbctl";
	return path;
}

static int build_config_request(int argc, char **argv, char *line,
				size_t line_len, char **body, size_t *body_len)
{
	const char *file = NULL;

	if (argc >= 2 && !strcmp(argv[1], "-f")) {
		if (argc != 3) {
			fprintf(stderr, "hsbctl: usage: config -f FILE\n");
			return -1;
		}
		file = argv[2];
		*body = read_file(file, body_len);
	} else if (argc >= 2) {
		*body = join_lines(argc - 1, argv + 1, body_len);
	} else {
		fprintf(stderr,
			"hsbctl: usage: config 'COMMAND' ... | config -f FILE\n");
		return -1;
	}
	if (!*body)
		return -1;
	snprintf(line, line_len, "config %zu %s", *body_len,
		 source_label(file));
	return 0;
}

static int build_line(int argc, char **argv, char *line, size_t len)
{
	size_t used = 0;
	int i;

	line[0] = '\0';
	for (i = 0; i < argc; i++) {
		int n = snprintf(line + used, len - used, "%s%s", i ? " " : "",
				 argv[i]);

		if (n < 0 || (size_t)n >= len - used) {
			fprintf(stderr, "hsbctl: command too long\n");
			return -1;
		}
		used += (size_t)n;
	}
	return 0;
}

static int print_reply(const char *what, const char *body, int json)
{
	struct json_object *doc;
	int ret = HSBCTL_OK;

	if (!*body)
		return HSBCTL_OK;
	doc = json_tokener_parse(body);
	if (!doc) {
		fprintf(stderr, "hsbctl: hsbd sent malformed JSON\n");
		return HSBCTL_NO_DAEMON;
	}
	if (json)
		printf("%s\n",
		       json_object_to_json_string_ext(
			       doc, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	else if (hsbctl_render(stdout, what, doc)) {
		fprintf(stderr, "hsbctl: unexpected reply to '%s'\n", what);
		ret = HSBCTL_NO_DAEMON;
	}
	json_object_put(doc);
	return ret;
}

/* One line of hsbctl monitor: as it came with -j, else for people. */
static int monitor_line(const char *line, void *ctx)
{
	int json = *(int *)ctx;
	struct json_object *ev;

	if (json) {
		printf("%s\n", line);
	} else {
		ev = json_tokener_parse(line);
		if (!ev || hsb_mon_render(stdout, ev))
			printf("%s\n", line);
		json_object_put(ev);
	}
	/* each line as it happens, also into a pipe or file */
	if (fflush(stdout)) {
		fprintf(stderr, "hsbctl: writing the monitor: %s\n",
			strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = DEFAULT_SOCKET;
	int json = 0, timeout_ms = DEFAULT_TIMEOUT_MS, c, ret;
	char line[HSB_CTL_MAX_LINE + 1], err[160], *end;
	struct hsbctl_reply reply;
	char *body = NULL;
	size_t body_len = 0;

	/* '+': options end at the command, so "config -f" stays ours. */
	while ((c = getopt_long(argc, argv, "+s:jt:Vh", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			sock = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 't':
			errno = 0;
			timeout_ms = (int)strtol(optarg, &end, 10);
			if (errno || *end || timeout_ms <= 0) {
				fprintf(stderr, "hsbctl: bad timeout '%s'\n",
					optarg);
				return HSBCTL_REFUSED;
			}
			break;
		case 'V':
			printf("hsbctl %s\n", HSB_VERSION);
			return HSBCTL_OK;
		case 'h':
			usage(stdout);
			return HSBCTL_OK;
		default:
			usage(stderr);
			return HSBCTL_REFUSED;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		usage(stderr);
		return HSBCTL_REFUSED;
	}
	if (!strcmp(argv[0], "monitor")) {
		if (argc != 1) {
			fprintf(stderr, "hsbctl: usage: monitor\n");
			return HSBCTL_REFUSED;
		}
		return hsbctl_stream(sock, "monitor", timeout_ms, monitor_line,
				     &json);
	}
	if (!strcmp(argv[0], "config")) {
		if (build_config_request(argc, argv, line, sizeof(line), &body,
					 &body_len))
			return HSBCTL_REFUSED;
	} else if (build_line(argc, argv, line, sizeof(line))) {
		return HSBCTL_REFUSED;
	}
	if (hsb_ctl_check_line(line, err, sizeof(err))) {
		fprintf(stderr, "hsbctl: %s\n", err);
		free(body);
		return HSBCTL_REFUSED;
	}
	ret = hsbctl_request(sock, line, body, body_len, timeout_ms, &reply);
	free(body);
	if (ret != HSBCTL_OK)
		return ret;
	if (!reply.ok) {
		fprintf(stderr, "hsbctl: %s\n", reply.msg);
		ret = HSBCTL_REFUSED;
	} else {
		build_line(argc, argv, line, sizeof(line));
		ret = print_reply(line, reply.body, json);
	}
	hsbctl_reply_free(&reply);
	return ret;
}
