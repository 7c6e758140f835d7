// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "clock.h"

static int wait_fd(int fd, short events, uint64_t deadline_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	uint64_t now = hsb_now_ms();
	int n;

	if (now >= deadline_ms)
		return -ETIMEDOUT;
	n = poll(&p, 1, (int)(deadline_ms - now));
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	return n == 0 ? -ETIMEDOUT : 0;
}

static int send_all(int fd, const char *buf, size_t len, uint64_t deadline)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			int ret;

			if (errno != EAGAIN && errno != EINTR)
				return -errno;
			ret = wait_fd(fd, POLLOUT, deadline);
			if (ret)
				return ret;
			continue;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read until EOF: the server closes after its reply. */
static int recv_all(int fd, char **out, size_t *out_len, uint64_t deadline)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (len + 1 == cap) {
			char *bigger = realloc(buf, cap * 2);

			if (!bigger) {
				free(buf);
				return -ENOMEM;
			}
			buf = bigger;
			cap *= 2;
		}
		n = recv(fd, buf + len, cap - len - 1, MSG_DONTWAIT);
		if (n == 0)
			break;
		/* hsbd closing with our request unread resets the
		 * connection after its answer: that answer is whole. */
		if (n < 0 && len && (errno == ECONNRESET || errno == EPIPE))
			break;
		if (n < 0) {
			int ret = errno == EAGAIN || errno == EINTR ?
					  wait_fd(fd, POLLIN, deadline) :
					  -errno;

			if (ret) {
				free(buf);
				return ret;
			}
			continue;
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	*out_len = len;
	return 0;
}

static int split_reply(char *raw, struct hsbctl_reply *reply)
{
	char *nl = strchr(raw, '\n');

	if (!nl)
		return -EPROTO;
	*nl = '\0';
	if (!strcmp(raw, "ok")) {
		reply->ok = 1;
	} else if (!strncmp(raw, "error ", 6)) {
		reply->ok = 0;
		reply->msg = strdup(raw + 6);
	} else {
		return -EPROTO;
	}
	reply->body = strdup(nl + 1);
	return reply->body ? 0 : -ENOMEM;
}

/* A connected socket to hsbd at sock_path, or -1 (said on stderr). */
static int connect_hsbd(const char *sock_path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(sock_path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "hsbctl: socket path too long: %s\n",
			sock_path);
		return -1;
	}
	strcpy(sun.sun_path, sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		fprintf(stderr, "hsbctl: cannot reach hsbd at %s: %s\n",
			sock_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int hsbctl_request(const char *sock_path, const char *line, const char *body,
		   size_t body_len, int timeout_ms, struct hsbctl_reply *reply)
{
	uint64_t deadline = hsb_now_ms() + (uint64_t)timeout_ms;
	char *raw = NULL;
	size_t raw_len;
	int fd, ret, sent;

	memset(reply, 0, sizeof(*reply));
	fd = connect_hsbd(sock_path);
	if (fd < 0)
		return HSBCTL_NO_DAEMON;
	ret = send_all(fd, line, strlen(line), deadline);
	if (!ret)
		ret = send_all(fd, "\n", 1, deadline);
	if (!ret && body_len)
		ret = send_all(fd, body, body_len, deadline);
	/* hsbd refuses a client (busy, permission denied) with one
	 * "error ..." line and closes without reading: the request then
	 * fails to send (EPIPE, ECONNRESET), but the reason is waiting to be
	 * read and is the answer to report. */
	sent = ret;
	if (!ret || ret == -EPIPE || ret == -ECONNRESET)
		ret = recv_all(fd, &raw, &raw_len, deadline);
	close(fd);
	if (!ret)
		ret = split_reply(raw, reply);
	free(raw);
	if (!ret && sent && reply->ok) {
		/* "ok" to a request that never arrived whole cannot be */
		hsbctl_reply_free(reply);
		ret = sent;
	} else if (ret && sent) {
		ret = sent; /* no refusal to show: report the send error */
	}
	if (ret) {
		fprintf(stderr, "hsbctl: no valid answer from hsbd at %s: %s\n",
			sock_path, strerror(-ret));
		hsbctl_reply_free(reply);
		return HSBCTL_NO_DAEMON;
	}
	return HSBCTL_OK;
}

void hsbctl_reply_free(struct hsbctl_reply *reply)
{
	free(reply->msg);
	free(reply->body);
	memset(reply, 0, sizeof(*reply));
}

static volatile sig_atomic_t stream_stop;

static void on_stop_signal(int sig)
{
	(void)sig;
	stream_stop = 1;
}

/* SIGINT and SIGTERM blocked but for the waits (ppoll), where they set
 * stream_stop: a signal between a check and a wait is not lost. */
static int stop_signals(sigset_t *wait_mask)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &block, wait_mask))
		return -errno;
	sigdelset(wait_mask, SIGINT);
	sigdelset(wait_mask, SIGTERM);
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return -errno;
	return 0;
}

#define STREAM_ON 100 /* not an exit code: the stream goes on */

/* Hands the whole lines of buf[0 .. *len) on, keeps the rest. *status:
 * whether the "ok" line is still awaited (then it is checked instead).
 * STREAM_ON, or the exit code. */
static int stream_lines(char *buf, size_t *len, bool *status,
			int (*on_line)(const char *line, void *ctx), void *ctx)
{
	size_t start = 0;
	char *nl;

	while ((nl = memchr(buf + start, '\n', *len - start))) {
		char *line = buf + start;

		*nl = '\0';
		start = (size_t)(nl - buf) + 1;
		if (*status) {
			if (!strncmp(line, "error ", 6)) {
				fprintf(stderr, "hsbctl: %s\n", line + 6);
				return HSBCTL_REFUSED;
			}
			if (strcmp(line, "ok")) {
				fprintf(stderr,
					"hsbctl: no valid answer from hsbd\n");
				return HSBCTL_NO_DAEMON;
			}
			*status = false;
			continue;
		}
		if (on_line(line, ctx))
			return HSBCTL_REFUSED;
	}
	memmove(buf, buf + start, *len - start);
	*len -= start;
	return STREAM_ON;
}

int hsbctl_stream(const char *sock_path, const char *line, int timeout_ms,
		  int (*on_line)(const char *line, void *ctx), void *ctx)
{
	uint64_t deadline = hsb_now_ms() + (uint64_t)timeout_ms;
	static char buf[65536];
	size_t len = 0;
	bool status = true;
	sigset_t wait_mask;
	int fd, ret;

	if (stop_signals(&wait_mask)) {
		fprintf(stderr, "hsbctl: signals: %s\n", strerror(errno));
		return HSBCTL_REFUSED;
	}
	fd = connect_hsbd(sock_path);
	if (fd < 0)
		return HSBCTL_NO_DAEMON;
	/* a refusal (busy, permission denied) is read below, not here */
	ret = send_all(fd, line, strlen(line), deadline);
	if (!ret)
		ret = send_all(fd, "\n", 1, deadline);
	ret = ret && ret != -EPIPE && ret != -ECONNRESET ? ret : STREAM_ON;
	while (ret == STREAM_ON) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct timespec ts, *tsp = NULL;
		uint64_t now = hsb_now_ms();
		ssize_t n;

		if (stream_stop) {
			ret = HSBCTL_OK;
			break;
		}
		if (status) {
			if (now >= deadline) {
				ret = -ETIMEDOUT;
				break;
			}
			ts.tv_sec = (time_t)((deadline - now) / 1000);
			ts.tv_nsec = (long)((deadline - now) % 1000) * 1000000;
			tsp = &ts;
		}
		if (ppoll(&p, 1, tsp, &wait_mask) < 0 && errno != EINTR) {
			ret = -errno;
			break;
		}
		if (stream_stop)
			continue;
		n = recv(fd, buf + len, sizeof(buf) - 1 - len, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0) {
			if (status) {
				ret = n ? -errno : -EPROTO;
				break;
			}
			fprintf(stderr, "hsbctl: hsbd ended the monitor\n");
			ret = HSBCTL_NO_DAEMON;
			break;
		}
		len += (size_t)n;
		ret = stream_lines(buf, &len, &status, on_line, ctx);
		if (ret == STREAM_ON && len == sizeof(buf) - 1) {
			fprintf(stderr, "hsbctl: a line from hsbd too long\n");
			ret = HSBCTL_NO_DAEMON;
		}
	}
	close(fd);
	if (ret < 0) {
		fprintf(stderr, "hsbctl: no valid answer from hsbd at %s: %s\n",
			sock_path, strerror(-ret));
		return HSBCTL_NO_DAEMON;
	}
	return ret;
}
