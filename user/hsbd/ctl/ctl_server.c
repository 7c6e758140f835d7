// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <json-c/json.h>

#include "clock.h"
#include "ctl/ctl_server.h"
#include "evloop.h"
#include "log.h"
#include "monitor.h"

struct ctl_client {
	struct hsb_ctl_server *srv;
	int fd;
	struct hsb_watch *watch;
	uint64_t accepted_ms;
	uint64_t deadline_ms;
	bool got_bytes; /* anything received: the idle timeout is over */
	pid_t pid; /* the peer's process (SO_PEERCRED) */
	bool readonly; /* let in as a member of the socket's group */
	struct hsb_ctl_request req;
	char *out; /* response being written */
	size_t out_len;
	size_t out_off;
	/* a stream (HSB_CTL_STREAM): lines waiting, and when the reader
	 * last took some (or the queue last went from empty to not) */
	bool stream;
	struct hsb_monq q;
	uint64_t progress_ms;
};

struct hsb_ctl_server {
	hsb_ctl_handler_fn handler;
	void *handler_ctx;
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	gid_t group; /* may connect read-only; (gid_t)-1: nobody else */
	dev_t dev; /* the socket file bound, removed on stop if still it */
	ino_t ino;
	bool bound;
	struct hsb_watch *watch;
	struct hsb_timer *sweep;
	struct ctl_client *clients[HSB_CTL_MAX_CLIENTS];
	struct hsb_ctl_stats stats;
	bool accept_paused; /* out of fds: listener off until the sweep */
	unsigned int streams;
};

static void client_close(struct ctl_client *c)
{
	struct hsb_ctl_server *srv = c->srv;
	unsigned int i;

	for (i = 0; i < HSB_CTL_MAX_CLIENTS; i++)
		if (srv->clients[i] == c)
			srv->clients[i] = NULL;
	if (c->stream) {
		srv->streams--;
		srv->stats.streams = srv->streams;
		hsb_monq_release(&c->q);
	}
	hsb_watch_free(c->watch);
	close(c->fd);
	hsb_ctl_request_release(&c->req);
	free(c->out);
	free(c);
}

static void client_write(struct ctl_client *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off,
				 c->out_len - c->out_off, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			break; /* peer went away: nothing more to do */
		}
		c->out_off += (size_t)n;
	}
	client_close(c);
}

/* Queue the whole response and switch the client to writing. */
static void client_respond(struct ctl_client *c, const char *status,
			   const char *body)
{
	size_t slen = strlen(status), blen = body ? strlen(body) : 0;

	c->out = malloc(slen + blen + 2);
	if (!c->out) {
		client_close(c);
		return;
	}
	memcpy(c->out, status, slen);
	c->out[slen] = '\n';
	if (blen)
		memcpy(c->out + slen + 1, body, blen);
	c->out_len = slen + 1 + blen;
	if (blen)
		c->out[c->out_len++] = '\n';
	hsb_watch_set_events(c->watch, EPOLLOUT);
	client_write(c);
}

static void client_error(struct ctl_client *c, const char *msg)
{
	char line[HSB_CTL_MAX_LINE];

	/* Keep the status on one line whatever the message holds. */
	snprintf(line, sizeof(line), "error %s", msg);
	line[strcspn(line, "\n")] = '\0';
	client_respond(c, line, NULL);
}

/* Write what the stream has waiting, as much as the socket takes. False
 * when the client was closed (c is gone). */
static bool stream_write(struct ctl_client *c)
{
	while (hsb_monq_pending(&c->q)) {
		ssize_t n = send(c->fd, hsb_monq_data(&c->q),
				 hsb_monq_pending(&c->q),
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				hsb_watch_set_events(c->watch,
						     EPOLLIN | EPOLLOUT);
				return true;
			}
			client_close(c); /* the reader went away */
			return false;
		}
		hsb_monq_consume(&c->q, (size_t)n);
		c->progress_ms = hsb_now_ms();
	}
	hsb_watch_set_events(c->watch, EPOLLIN);
	return true;
}

static void stream_push(struct ctl_client *c, const char *line, size_t len)
{
	bool was_empty = !hsb_monq_pending(&c->q);

	if (hsb_monq_push(&c->q, line, len, hsb_wall_ms()) <= 0) {
		/* dropped: counted, and said with the next line */
		c->srv->stats.stream_lines_dropped++;
		return;
	}
	if (was_empty) {
		c->progress_ms = hsb_now_ms();
		stream_write(c);
	}
}

/* The stream's reader sends nothing more: read to notice it leave. */
static void stream_ready(struct ctl_client *c, uint32_t events)
{
	char buf[256];
	ssize_t n;

	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		n = read(c->fd, buf, sizeof(buf));
		if (n == 0 ||
		    (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
			client_close(c);
			return;
		}
	}
	if (events & EPOLLOUT)
		stream_write(c);
}

static void stream_start(struct ctl_client *c, struct json_object *first)
{
	struct hsb_ctl_server *srv = c->srv;
	const char *s;

	if (srv->streams >= HSB_CTL_MAX_STREAMS) {
		char msg[128];

		srv->stats.streams_refused++;
		snprintf(msg, sizeof(msg),
			 "busy: too many monitors (at most %d at once)",
			 HSB_CTL_MAX_STREAMS);
		client_error(c, msg);
		return;
	}
	c->stream = true;
	srv->streams++;
	srv->stats.streams = srv->streams;
	srv->stats.streams_started++;
	hsb_monq_init(&c->q, HSB_CTL_STREAM_QUEUE);
	/* both queued, then one write: a write that fails closes c */
	hsb_monq_push(&c->q, "ok", 2, 0);
	if (first) {
		s = json_object_to_json_string_ext(first,
						   JSON_C_TO_STRING_PLAIN);
		hsb_monq_push(&c->q, s, strlen(s), 0);
	}
	c->progress_ms = hsb_now_ms();
	stream_write(c);
}

static void client_run(struct ctl_client *c)
{
	struct json_object *reply = NULL;
	char err[1024];
	int ret;

	c->srv->stats.requests++;
	c->req.peer_readonly = c->readonly;
	hsb_dbg("control: %s", c->req.line);
	ret = c->srv->handler(c->srv->handler_ctx, &c->req, &reply, err,
			      sizeof(err));
	if (ret < 0) {
		client_error(c, err);
		return;
	}
	if (ret == HSB_CTL_STREAM) {
		stream_start(c, reply);
		json_object_put(reply);
		return;
	}
	client_respond(c, "ok",
		       reply ? json_object_to_json_string_ext(
				       reply, JSON_C_TO_STRING_PLAIN) :
			       NULL);
	json_object_put(reply);
}

/* Read what the client sent so far (once). True while it is still
 * sending its request; false once it was answered or closed, after which
 * c may be gone. */
static bool client_read(struct ctl_client *c)
{
	char buf[16384];
	size_t used;
	ssize_t n;

	n = read(c->fd, buf, sizeof(buf));
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return true;
	if (n <= 0) {
		/* EOF before a whole request: nothing to answer. */
		client_close(c);
		return false;
	}
	c->got_bytes = true;
	switch (hsb_ctl_feed(&c->req, buf, (size_t)n, &used)) {
	case HSB_CTL_NEED_MORE:
		return true;
	case HSB_CTL_COMPLETE:
		client_run(c);
		return false;
	case HSB_CTL_BAD:
		c->srv->stats.bad_requests++;
		hsb_log_ratelimited(HSB_LOG_WARNING, "control: bad request: %s",
				    c->req.err);
		client_error(c, c->req.err);
		return false;
	}
	return false;
}

static void client_ready(struct hsb_loop *loop, int fd, uint32_t events,
			 void *ctx)
{
	struct ctl_client *c = ctx;

	(void)loop;
	(void)fd;
	if (c->stream) {
		stream_ready(c, events);
		return;
	}
	if (c->out) {
		client_write(c);
		return;
	}
	if (events & (EPOLLERR | EPOLLHUP) && !(events & EPOLLIN)) {
		client_close(c);
		return;
	}
	client_read(c);
}

/* Whether the peer has group among its groups: the primary one from
 * SO_PEERCRED, the supplementary ones from SO_PEERGROUPS (as they were
 * when it connected). */
static bool peer_in_group(int fd, const struct ucred *cred, gid_t group)
{
	gid_t groups[256];
	socklen_t len = sizeof(groups);
	size_t i;

	if (cred->gid == group)
		return true;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len))
		return false; /* more than 256 groups: not worth guessing */
	for (i = 0; i < len / sizeof(groups[0]); i++)
		if (groups[i] == group)
			return true;
	return false;
}

/* Root or our own user may do anything; a member of the socket's group
 * (--socket-group) may look. -1: refused. *pid is the peer's process. */
static int peer_access(struct hsb_ctl_server *srv, int fd, pid_t *pid,
		       bool *readonly)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return -1;
	*pid = cred.pid;
	*readonly = false;
	if (cred.uid == 0 || cred.uid == geteuid())
		return 0;
	if (srv->group == (gid_t)-1 || !peer_in_group(fd, &cred, srv->group))
		return -1;
	*readonly = true;
	return 0;
}

static void refuse(int fd, const char *msg)
{
	/* Best effort, never blocks: the socket is non-blocking. */
	if (send(fd, msg, strlen(msg), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		hsb_dbg("control: refusing a client: %s", strerror(errno));
	close(fd);
}

/* The oldest client still sending its request, of process pid (or of
 * any process if pid < 0); NULL if none. *at: its slot. */
static struct ctl_client *oldest_sending(struct hsb_ctl_server *srv, pid_t pid,
					 int *at)
{
	struct ctl_client *oldest = NULL;
	int i;

	for (i = 0; i < HSB_CTL_MAX_CLIENTS; i++) {
		struct ctl_client *c = srv->clients[i];

		if (!c || c->out || c->stream || (pid >= 0 && c->pid != pid))
			continue;
		if (!oldest || c->accepted_ms < oldest->accepted_ms) {
			oldest = c;
			*at = i;
		}
	}
	return oldest;
}

/* A slot for a new client of process pid. A process holds at most
 * HSB_CTL_MAX_PER_PEER slots: beyond that its own oldest client still
 * sending its request makes room, so one process opening connections
 * (idle, or trickling a request that never ends, however fast it
 * reconnects) only ever pushes out its own and never an operator's.
 * Otherwise a free slot, else the oldest client still sending of any
 * process. A client being answered is never closed, and the one about to
 * be is read a last time first: a request that has arrived whole
 * (hsbctl sends it at once) is answered, not thrown away. -1 if no slot
 * can be had: every candidate is busy answering. */
static int free_slot(struct hsb_ctl_server *srv, pid_t pid)
{
	static const char evict_msg[] = "error busy: closed to make room\n";
	unsigned int tries;

	/* each round frees a slot or starts an answer: bounded */
	for (tries = 0; tries <= HSB_CTL_MAX_CLIENTS; tries++) {
		struct ctl_client *victim;
		unsigned int mine = 0;
		int i, at = -1, free_at = -1;

		for (i = 0; i < HSB_CTL_MAX_CLIENTS; i++) {
			if (!srv->clients[i])
				free_at = free_at < 0 ? i : free_at;
			else if (srv->clients[i]->pid == pid)
				mine++;
		}
		if (mine >= HSB_CTL_MAX_PER_PEER)
			victim = oldest_sending(srv, pid, &at);
		else if (free_at >= 0)
			return free_at;
		else
			victim = oldest_sending(srv, -1, &at);
		if (!victim)
			return -1;
		if (!client_read(victim))
			continue; /* answered or gone: look again */
		srv->stats.evicted++;
		hsb_log_ratelimited(
			HSB_LOG_WARNING,
			"control: closed a client of process %d still sending its request, to make room",
			(int)victim->pid);
		if (send(victim->fd, evict_msg, sizeof(evict_msg) - 1,
			 MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			hsb_dbg("control: evicting a client: %s",
				strerror(errno));
		client_close(victim);
		return at;
	}
	return -1;
}

static void accept_ready(struct hsb_loop *loop, int lfd, uint32_t events,
			 void *ctx)
{
	struct hsb_ctl_server *srv = ctx;
	struct ctl_client *c;
	unsigned int batch = 0;
	int fd, slot;
	pid_t pid;
	bool readonly;

	(void)events;
	/* A bounded batch: the listener is level-triggered, so the rest
	 * comes next round, after requests already received were read. */
	while (batch++ < HSB_CTL_ACCEPT_BATCH &&
	       (fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >=
		       0) {
		if (peer_access(srv, fd, &pid, &readonly)) {
			srv->stats.refused_peers++;
			hsb_log_ratelimited(
				HSB_LOG_WARNING,
				"control: refused a client of another user");
			refuse(fd, "error permission denied\n");
			continue;
		}
		slot = free_slot(srv, pid);
		c = slot < 0 ? NULL : calloc(1, sizeof(*c));
		if (!c) {
			srv->stats.busy++;
			refuse(fd, "error busy: too many control clients\n");
			continue;
		}
		c->srv = srv;
		c->fd = fd;
		c->pid = pid;
		c->readonly = readonly;
		c->accepted_ms = hsb_now_ms();
		c->deadline_ms = c->accepted_ms + HSB_CTL_CLIENT_TIMEOUT_MS;
		hsb_ctl_request_init(&c->req);
		c->watch = hsb_loop_watch(loop, fd, EPOLLIN, client_ready, c);
		if (!c->watch) {
			close(fd);
			free(c);
			continue;
		}
		srv->clients[slot] = c;
	}
	if (batch > HSB_CTL_ACCEPT_BATCH)
		return; /* batch full: errno is not accept4()'s */
	if (errno == EMFILE || errno == ENFILE) {
		/* The listener stays readable, so a level-triggered watch
		 * would spin: stop watching it until the next sweep. */
		srv->stats.busy++;
		srv->accept_paused = true;
		hsb_watch_set_events(srv->watch, 0);
		hsb_log_ratelimited(
			HSB_LOG_ERR,
			"control: out of file descriptors (%s); not accepting for a second",
			strerror(errno));
	}
}

static void sweep(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	struct hsb_ctl_server *srv = ctx;
	uint64_t now = hsb_now_ms();
	unsigned int i;

	(void)loop;
	(void)t;
	for (i = 0; i < HSB_CTL_MAX_CLIENTS; i++) {
		struct ctl_client *c = srv->clients[i];

		if (!c)
			continue;
		if (c->stream) {
			/* no deadline; only a reader that stopped reading */
			if (hsb_monq_pending(&c->q) &&
			    now >= c->progress_ms + HSB_CTL_STREAM_STALL_MS) {
				srv->stats.streams_stalled++;
				hsb_log_ratelimited(
					HSB_LOG_WARNING,
					"control: closed a monitor of process %d that read nothing for %d s",
					(int)c->pid,
					HSB_CTL_STREAM_STALL_MS / 1000);
				client_close(c);
			}
			continue;
		}
		if (now >= c->deadline_ms) {
			srv->stats.timeouts++;
			client_close(c);
		} else if (!c->got_bytes && !c->out &&
			   now >= c->accepted_ms + HSB_CTL_IDLE_TIMEOUT_MS) {
			srv->stats.idle_timeouts++;
			client_close(c);
		}
	}
	if (srv->accept_paused) {
		srv->accept_paused = false;
		hsb_watch_set_events(srv->watch, EPOLLIN);
	}
}

/* Only a socket file nobody listens on is stale (a crash left it) and
 * may be replaced; a live one means another hsbd owns this path. Anything
 * else is refused and left alone: -s with a typo (-s /etc/hsb/hsbd.conf)
 * must not delete the configuration. lstat(), so a symlink is refused
 * too rather than followed. */
static int claim_path(const struct sockaddr_un *sun, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	struct stat st;
	int fd, ret;

	snprintf(dir, sizeof(dir), "%s", sun->sun_path);
	if (mkdir(dirname(dir), 0755) && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", dir,
			 strerror(errno));
		return -errno;
	}
	if (lstat(sun->sun_path, &st)) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "control socket %s: %s", sun->sun_path,
			 strerror(errno));
		return -errno;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(
			err, errlen,
			"control socket %s exists and is not a socket; refusing to replace it (wrong -s?)",
			sun->sun_path);
		return -EEXIST;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ret = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	if (ret == 0) {
		snprintf(err, errlen, "another hsbd is listening on %s",
			 sun->sun_path);
		return -EADDRINUSE;
	}
	if (unlink(sun->sun_path) && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove stale %s: %s",
			 sun->sun_path, strerror(errno));
		return -errno;
	}
	return 0;
}

/* The socket file just bound, so that stopping removes that file and
 * never another one put at the path since. */
static void remember_file(struct hsb_ctl_server *srv)
{
	struct stat st;

	if (lstat(srv->path, &st))
		return;
	srv->dev = st.st_dev;
	srv->ino = st.st_ino;
	srv->bound = true;
}

struct hsb_ctl_server *hsb_ctl_server_start(struct hsb_loop *loop,
					    const char *path, gid_t group,
					    hsb_ctl_handler_fn handler,
					    void *ctx, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct hsb_ctl_server *srv;
	mode_t old_umask;
	int ret;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "control socket path too long: %s", path);
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(sun.sun_path, path);
	ret = claim_path(&sun, err, errlen);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	srv = calloc(1, sizeof(*srv));
	if (!srv) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	srv->group = group;
	srv->handler = handler;
	srv->handler_ctx = ctx;
	snprintf(srv->path, sizeof(srv->path), "%s", path);
	srv->fd =
		socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (srv->fd < 0)
		goto fail_errno;
	/* Mode 0600 from the start: no window where others may connect. */
	old_umask = umask(0177);
	ret = bind(srv->fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old_umask);
	if (ret)
		goto fail_errno;
	remember_file(srv);
	/* Group first, then the group bits: still nobody else can connect
	 * in between. Before listen(): no client is in yet either way. */
	if (group != (gid_t)-1 &&
	    (chown(path, (uid_t)-1, group) || chmod(path, 0660)))
		goto fail_errno;
	if (listen(srv->fd, HSB_CTL_BACKLOG))
		goto fail_errno;
	srv->watch = hsb_loop_watch(loop, srv->fd, EPOLLIN, accept_ready, srv);
	srv->sweep = hsb_timer_new(loop, sweep, srv);
	if (!srv->watch || !srv->sweep)
		goto fail_errno;
	/* a fifth of the idle timeout: idle clients go within 1.2 s */
	hsb_timer_arm(srv->sweep, HSB_CTL_IDLE_TIMEOUT_MS / 5,
		      HSB_CTL_IDLE_TIMEOUT_MS / 5);
	return srv;
fail_errno:
	ret = errno;
	snprintf(err, errlen, "control socket %s: %s", path, strerror(errno));
	hsb_ctl_server_stop(srv);
	errno = ret;
	return NULL;
}

void hsb_ctl_server_stop(struct hsb_ctl_server *srv)
{
	unsigned int i;

	if (!srv)
		return;
	for (i = 0; i < HSB_CTL_MAX_CLIENTS; i++)
		if (srv->clients[i])
			client_close(srv->clients[i]);
	hsb_timer_free(srv->sweep);
	hsb_watch_free(srv->watch);
	if (srv->fd >= 0)
		close(srv->fd);
	/* Ours only: the file we bound, not whatever replaced it since. */
	if (srv->bound) {
		struct stat st;

		if (!lstat(srv->path, &st) && S_ISSOCK(st.st_mode) &&
		    st.st_dev == srv->dev && st.st_ino == srv->ino)
			unlink(srv->path);
	}
	free(srv);
}

const struct hsb_ctl_stats *hsb_ctl_server_stats(struct hsb_ctl_server *srv)
{
	return &srv->stats;
}

void hsb_ctl_server_broadcast(struct hsb_ctl_server *srv, const char *line)
{
	size_t len = strlen(line);
	unsigned int i;

	if (!srv || !srv->streams)
		return;
	for (i = 0; i < HSB_CTL_MAX_CLIENTS; i++) {
		struct ctl_client *c = srv->clients[i];

		/* a write that fails closes c and empties its slot */
		if (c && c->stream)
			stream_push(c, line, len);
	}
}

unsigned int hsb_ctl_server_streams(const struct hsb_ctl_server *srv)
{
	return srv ? srv->streams : 0;
}
