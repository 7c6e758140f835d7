// SPDX-License-Identifier: GPL-2.0-only
/*
 * The metrics engine's HTTP side: /metrics, /healthz and /readyz served by
 * libmicrohttpd from hsbd's event loop. No thread: MHD runs in external
 * epoll mode (MHD_USE_EPOLL); the loop watches MHD's epoll fd and calls
 * MHD_run() when it is readable, and a one-shot timer follows
 * MHD_get_timeout() (idle connections). Sockets are non-blocking, so a
 * slow client costs memory (bounded: 64 connections, 10 s each), never
 * the loop's time.
 *
 * `metrics listen ADDR PORT` is applied all or nothing: the new socket is
 * bound before the old one is closed; when the new address overlaps the
 * old (same port), the old is closed, the new bound, and on failure the
 * old bound again.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <json-c/json.h>
#include <microhttpd.h>

#include "clock.h"
#include "hsbd.h"
#include "log.h"
#include "metrics/expo.h"
#include "metrics/metrics.h"

#define MET_CONN_LIMIT 64
#define MET_CONN_TIMEOUT_S 10

static const char ctype_text[] = "text/plain; version=0.0.4; charset=utf-8";

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int code,
			     char *body, size_t len, bool owned)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, body,
					    owned ? MHD_RESPMEM_MUST_FREE :
						    MHD_RESPMEM_PERSISTENT);
	if (!r) {
		if (owned)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype_text);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned int code,
				  const char *text)
{
	size_t n = strlen(text);
	char *b = malloc(n + 2);

	if (!b)
		return MHD_NO;
	memcpy(b, text, n);
	b[n] = '\n';
	b[n + 1] = '\0';
	return reply(c, code, b, n + 1, true);
}

static enum MHD_Result scrape(struct hsb_metrics *m, struct MHD_Connection *c)
{
	struct hsb_expo e;
	uint64_t t0 = now_us();
	size_t len;
	char *body;

	hsb_expo_init(&e);
	hsb_met_collect(m, &e);
	if (e.oom) {
		hsb_expo_free(&e);
		m->st.errors++;
		return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
				  "out of memory");
	}
	if (e.errors)
		hsb_log_ratelimited(HSB_LOG_WARNING,
				    "metrics: %u samples refused (a bug)",
				    e.errors);
	body = hsb_expo_take(&e, &len);
	if (!body)
		return MHD_NO;
	m->st.scrapes++;
	m->st.last_scrape_us = now_us() - t0;
	return reply(c, MHD_HTTP_OK, body, len, true);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct hsb_metrics *m = cls;
	const char *why;

	(void)version;
	(void)upload;
	(void)con_cls;
	m->st.requests++;
	if (*upload_size) /* a body: ignored, answered below */
		*upload_size = 0;
	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED,
				  "only GET and HEAD");
	if (!strcmp(url, "/metrics"))
		return scrape(m, c);
	if (!strcmp(url, "/healthz"))
		/* answered from the loop: the loop is alive */
		return reply_text(c, MHD_HTTP_OK, "ok");
	if (!strcmp(url, "/readyz")) {
		why = hsb_met_not_ready(m);
		return why ? reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, why) :
			     reply_text(c, MHD_HTTP_OK, "ready");
	}
	m->st.not_found++;
	return reply_text(c, MHD_HTTP_NOT_FOUND,
			  "not found: /metrics, /healthz, /readyz");
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	hsb_log_ratelimited(HSB_LOG_WARNING, "metrics: %s", msg);
}

static void rearm(struct hsb_metrics *m)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (!m->srv.mhd || !m->srv.timer)
		return;
	if (MHD_get_timeout(m->srv.mhd, &ms) == MHD_YES)
		hsb_timer_arm(m->srv.timer, ms ? ms : 1, 0);
	else
		hsb_timer_arm(m->srv.timer, 0, 0);
}

static void run(struct hsb_metrics *m)
{
	if (!m->srv.mhd)
		return;
	MHD_run(m->srv.mhd);
	rearm(m);
}

static void on_epoll(struct hsb_loop *loop, int fd, uint32_t events, void *ctx)
{
	(void)loop;
	(void)fd;
	(void)events;
	run(ctx);
}

static void on_timer(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	(void)loop;
	(void)t;
	run(ctx);
}

static int bind_listen(const struct hsb_cfg_metrics *c, char *err,
		       size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	char a[INET6_ADDRSTRLEN];
	int one = 1, fd, e;

	memset(&ss, 0, sizeof(ss));
	if (c->addr.family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(c->port);
		s4->sin_addr = c->addr.v4;
		sl = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(c->port);
		s6->sin6_addr = c->addr.v6;
		sl = sizeof(*s6);
	}
	inet_ntop(c->addr.family, &c->addr.v6, a, sizeof(a));
	fd = socket(c->addr.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "metrics: socket: %s", strerror(e));
		return -e;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) || listen(fd, 64)) {
		e = errno;
		snprintf(err, errlen,
			 "metrics: cannot listen on %s port %u: %s", a, c->port,
			 strerror(e));
		close(fd);
		return -e;
	}
	return fd;
}

/* Starts serving c into the fields of m; nothing changed on failure. */
static int serve(struct hsb_metrics *m, const struct hsb_cfg_metrics *c,
		 char *err, size_t errlen)
{
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *mhd;
	struct hsb_watch *w;
	struct hsb_timer *t;
	int fd = bind_listen(c, err, errlen);

	if (fd < 0)
		return fd;
	mhd = MHD_start_daemon(
		MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL, handle, m,
		MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned int)MET_CONN_LIMIT, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned int)MET_CONN_TIMEOUT_S, MHD_OPTION_EXTERNAL_LOGGER,
		mhd_log, NULL, MHD_OPTION_END);
	if (!mhd) {
		close(fd);
		snprintf(err, errlen, "metrics: cannot start the HTTP server");
		return -ENOMEM;
	}
	info = MHD_get_daemon_info(mhd, MHD_DAEMON_INFO_EPOLL_FD);
	t = hsb_timer_new(m->d->loop, on_timer, m);
	w = info && t ? hsb_loop_watch(m->d->loop, info->epoll_fd, EPOLLIN,
				       on_epoll, m) :
			NULL;
	if (!w) {
		hsb_timer_free(t);
		MHD_stop_daemon(mhd); /* closes fd */
		snprintf(err, errlen, "metrics: cannot watch the HTTP server");
		return -ENOMEM;
	}
	m->srv.mhd = mhd;
	m->srv.watch = w;
	m->srv.timer = t;
	m->srv.cur = *c;
	rearm(m);
	return 0;
}

static void unserve(struct hsb_met_srv *s)
{
	hsb_watch_free(s->watch);
	hsb_timer_free(s->timer);
	if (s->mhd)
		MHD_stop_daemon(s->mhd); /* closes the listening socket */
	memset(s, 0, sizeof(*s));
}

static bool same(const struct hsb_cfg_metrics *a,
		 const struct hsb_cfg_metrics *b)
{
	if (a->enable != b->enable)
		return false;
	if (!a->enable)
		return true;
	return a->port == b->port && a->addr.family == b->addr.family &&
	       (a->addr.family == AF_INET ?
			a->addr.v4.s_addr == b->addr.v4.s_addr :
			!memcmp(&a->addr.v6, &b->addr.v6, sizeof(a->addr.v6)));
}

static void metrics_free(struct hsbd *d)
{
	struct hsb_metrics *m = d->metrics;

	if (!m)
		return;
	unserve(&m->srv);
	hsb_met_collect_stop(m);
	free(m);
	d->metrics = NULL;
}

static int metrics_reconcile(struct hsbd *d, const struct hsb_config *cfg,
			     char *err, size_t errlen)
{
	const struct hsb_cfg_metrics *want = &cfg->metrics;
	struct hsb_metrics *m = d->metrics;
	struct hsb_met_srv old;
	char a[INET6_ADDRSTRLEN];
	int ret;

	if (!want->enable) {
		if (m)
			hsb_info("metrics: endpoint stopped");
		metrics_free(d);
		return 0;
	}
	if (m)
		m->nat.at_ms = 0; /* NAT groups may have changed: re-read */
	if (m && same(&m->srv.cur, want))
		return 0;
	if (!m) {
		m = calloc(1, sizeof(*m));
		if (!m) {
			snprintf(err, errlen, "metrics: out of memory");
			return -ENOMEM;
		}
		m->d = d;
		if (hsb_met_collect_start(m)) {
			free(m);
			snprintf(err, errlen, "metrics: out of memory");
			return -ENOMEM;
		}
		d->metrics = m;
	}
	/* the new address first, the old one still served */
	old = m->srv;
	memset(&m->srv, 0, sizeof(m->srv));
	ret = serve(m, want, err, errlen);
	if (!ret) {
		unserve(&old);
	} else if (ret == -EADDRINUSE && old.mhd &&
		   old.cur.port == want->port) {
		/* overlapping addresses: the old one must go first */
		struct hsb_cfg_metrics was = old.cur;
		char e2[128];

		unserve(&old);
		ret = serve(m, want, err, errlen);
		if (ret && serve(m, &was, e2, sizeof(e2)))
			hsb_err("metrics: cannot listen on the old address "
				"again: %s",
				e2);
	} else {
		m->srv = old;
	}
	if (ret) {
		if (!m->srv.mhd)
			metrics_free(d);
		return ret;
	}
	inet_ntop(want->addr.family, &want->addr.v6, a, sizeof(a));
	hsb_info("metrics: serving http://%s%s%s:%u/metrics",
		 want->addr.family == AF_INET6 ? "[" : "", a,
		 want->addr.family == AF_INET6 ? "]" : "", want->port);
	return 0;
}

static void metrics_stop(struct hsbd *d)
{
	metrics_free(d);
}

static void metrics_counters(struct hsbd *d, struct json_object *out)
{
	struct hsb_metrics *m = d->metrics;

	json_object_object_add(out, "enabled",
			       json_object_new_boolean(m != NULL));
	if (!m)
		return;
	json_object_object_add(out, "requests",
			       json_object_new_uint64(m->st.requests));
	json_object_object_add(out, "scrapes",
			       json_object_new_uint64(m->st.scrapes));
	json_object_object_add(out, "not_found",
			       json_object_new_uint64(m->st.not_found));
	json_object_object_add(out, "errors",
			       json_object_new_uint64(m->st.errors));
	json_object_object_add(out, "last_scrape_us",
			       json_object_new_uint64(m->st.last_scrape_us));
}

const struct hsb_engine hsb_metrics_engine = {
	.name = "metrics",
	.reconcile = metrics_reconcile,
	.stop = metrics_stop,
	.counters = metrics_counters,
};
