// SPDX-License-Identifier: GPL-2.0-only
/* HRP's connection to the peer. See hrp_link.h. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>
#include <openssl/crypto.h>

#include "clock.h"
#include "evloop.h"
#include "log.h"
#include "hrp/hrp_link.h"

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000
#define RX_CHUNK 65536

struct hrp_sock {
	struct hrp_link *l;
	int fd;
	struct hsb_watch *w;
	bool connecting; /* non-blocking connect in progress */
	bool up; /* HELLOs exchanged */
	struct hrp_conn_keys k;
	uint8_t *sbuf; /* HRP_LINK_SNDBUF: bytes [soff, slen) pending */
	size_t soff, slen;
	uint64_t last_rx_ms, last_tx_ms;
};

struct hrp_link {
	struct hsb_loop *loop;
	struct hrp_link_cfg cfg;
	struct hrp_link_ops ops;
	void *ctx;
	bool connector; /* lower node id: connects; else listens */
	int lfd;
	struct hsb_watch *lw;
	struct hrp_sock *cur; /* up, or on its way */
	struct hrp_sock *pending; /* listener: accepted, HELLO not done */
	struct hsb_timer *retry_t, *tick_t;
	uint32_t backoff_ms;
	struct hrp_link_stats st;
};

static void sock_close(struct hrp_sock *s)
{
	if (!s)
		return;
	hsb_watch_free(s->w);
	if (s->fd >= 0)
		close(s->fd);
	free(s->sbuf);
	hrp_conn_release(&s->k);
	free(s);
}

static void schedule_retry(struct hrp_link *l)
{
	uint32_t jitter = 0;

	if (!l->connector)
		return;
	if (getrandom(&jitter, sizeof(jitter), GRND_NONBLOCK) < 0)
		jitter = 0;
	/* +-25 %: two restarts in step do not keep colliding */
	hsb_timer_arm(l->retry_t,
		      l->backoff_ms * 3 / 4 + jitter % (l->backoff_ms / 2 + 1),
		      0);
	l->backoff_ms = l->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS :
							     l->backoff_ms * 2;
}

/* The current connection is gone. */
static void drop_cur(struct hrp_link *l, const char *why)
{
	struct hrp_sock *s = l->cur;
	bool was_up = s && s->up;

	if (!s)
		return;
	l->cur = NULL;
	sock_close(s);
	if (was_up) {
		l->st.disconnects++;
		l->st.up_since_ms = 0;
		hsb_log(HSB_LOG_WARNING, "hrp: connection to the peer lost: %s",
			why);
		l->ops.down(l->ctx, why);
	}
	schedule_retry(l);
}

static void drop(struct hrp_link *l, struct hrp_sock *s, const char *why)
{
	if (s == l->cur) {
		drop_cur(l, why);
	} else {
		if (s == l->pending)
			l->pending = NULL;
		sock_close(s);
	}
}

/* --- sending --------------------------------------------------------------- */

static int flush(struct hrp_sock *s)
{
	while (s->soff < s->slen) {
		ssize_t n = send(s->fd, s->sbuf + s->soff, s->slen - s->soff,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			return -errno;
		}
		s->soff += (size_t)n;
		s->l->st.bytes_tx += (uint64_t)n;
	}
	if (s->soff == s->slen)
		s->soff = s->slen = 0;
	hsb_watch_set_events(s->w, EPOLLIN | (s->slen ? EPOLLOUT : 0));
	return 0;
}

/* Room for n more bytes, compacting what is pending to the front. */
static bool room(struct hrp_sock *s, size_t n)
{
	if (s->slen + n <= HRP_LINK_SNDBUF)
		return true;
	if (s->soff) {
		memmove(s->sbuf, s->sbuf + s->soff, s->slen - s->soff);
		s->slen -= s->soff;
		s->soff = 0;
	}
	return s->slen + n <= HRP_LINK_SNDBUF;
}

static int send_hello(struct hrp_sock *s)
{
	size_t n = hrp_hello_encode(&s->k, s->l->cfg.addr.node, 0,
				    s->sbuf + s->slen);

	s->slen += n;
	s->last_tx_ms = hsb_now_ms();
	return flush(s);
}

int hrp_link_send(struct hrp_link *l, enum hrp_frame_type type, uint16_t flags,
		  uint32_t count, const uint8_t *payload, size_t len)
{
	struct hrp_sock *s = l->cur;
	size_t n;
	int ret;

	if (!s || !s->up)
		return -ENOTCONN;
	if (len > HRP_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (!room(s, HRP_HDR_LEN + len + HRP_HMAC_LEN)) {
		l->st.sndbuf_full++;
		return -ENOBUFS;
	}
	n = hrp_frame_encode(&s->k, type, flags, count, payload, len,
			     s->sbuf + s->slen, HRP_LINK_SNDBUF - s->slen);
	if (!n)
		return -EMSGSIZE;
	s->slen += n;
	s->last_tx_ms = hsb_now_ms();
	l->st.frames_tx++;
	ret = flush(s);
	if (ret) {
		drop(l, s, strerror(-ret));
		return -ENOTCONN;
	}
	return 0;
}

uint64_t hrp_link_tx_seq(const struct hrp_link *l)
{
	return l->cur ? l->cur->k.tx.seq : 0;
}

/* --- receiving --------------------------------------------------------------- */

static void came_up(struct hrp_link *l, struct hrp_sock *s,
		    const struct hrp_hello *h)
{
	char why[64];

	if (s == l->pending) {
		/* the listener: the newest connection is the live one */
		l->pending = NULL;
		if (l->cur) {
			l->st.replaced++;
			snprintf(why, sizeof(why),
				 "replaced by a new connection");
			drop_cur(l, why);
		}
		l->cur = s;
	}
	s->up = true;
	l->backoff_ms = BACKOFF_MIN_MS;
	l->st.connects++;
	l->st.up_since_ms = hsb_now_ms();
	hsb_log(HSB_LOG_INFO, "hrp: connected to the peer (%s)",
		l->connector ? "outgoing" : "incoming");
	l->ops.up(l->ctx, h);
}

/* Returns false when s was closed. */
static bool consume(struct hrp_link *l, struct hrp_sock *s, const uint8_t *b,
		    size_t n)
{
	while (n) {
		struct hrp_frame f;
		struct hrp_hello h;
		enum hrp_frame_err e;
		bool complete;
		size_t used;

		e = hrp_rx_feed(&s->k, b, n, &used, &complete, &f, &h);
		if (e != HRP_FE_OK) {
			l->st.rx_err[e]++;
			hsb_log_ratelimited(
				HSB_LOG_WARNING,
				"hrp: frame from the peer refused (%s): closing the connection",
				hrp_frame_err_name(e));
			drop(l, s, hrp_frame_err_name(e));
			return false;
		}
		b += used;
		n -= used;
		if (!complete)
			continue;
		s->last_rx_ms = hsb_now_ms();
		if (f.type == HRP_FT_HELLO) {
			if (memcmp(h.node, l->cfg.addr.node,
				   HSB_NODE_ID_SIZE) == 0) {
				drop(l, s, "own node id");
				return false;
			}
			came_up(l, s, &h);
			continue;
		}
		l->st.frames_rx++;
		l->st.bytes_rx += f.wire_len;
		if (f.type != HRP_FT_KEEPALIVE && s == l->cur)
			l->ops.frame(l->ctx, &f);
		if (s != l->cur && s != l->pending)
			return false; /* the handler closed it */
	}
	return true;
}

static void on_sock(struct hsb_loop *loop, int fd, uint32_t events, void *ctx)
{
	static uint8_t buf[RX_CHUNK];
	struct hrp_sock *s = ctx;
	struct hrp_link *l = s->l;
	int soerr = 0, i;
	socklen_t sl = sizeof(soerr);
	ssize_t n;

	(void)loop;
	if (s->connecting) {
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
		if (soerr) {
			l->st.connect_failures++;
			hsb_log_ratelimited(HSB_LOG_INFO,
					    "hrp: connect to the peer: %s",
					    strerror(soerr));
			drop(l, s, strerror(soerr));
			return;
		}
		s->connecting = false;
		if (send_hello(s)) {
			drop(l, s, "hello not sent");
			return;
		}
	}
	if ((events & EPOLLOUT) && flush(s)) {
		drop(l, s, "send failed");
		return;
	}
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	/* bounded: one connection cannot hold the loop */
	for (i = 0; i < 16; i++) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0) {
			drop(l, s, "closed by the peer");
			return;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			drop(l, s, strerror(errno));
			return;
		}
		if (!consume(l, s, buf, (size_t)n))
			return;
	}
}

/* --- sockets ---------------------------------------------------------------- */

static void tune(int fd, const char *ifname)
{
	int one = 1, idle = 2, intvl = 1, cnt = 3;
	unsigned int user_timeout = HRP_LINK_RX_TIMEOUT_MS;
	int prio = 6;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
	setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout,
		   sizeof(user_timeout));
	setsockopt(fd, SOL_SOCKET, SO_PRIORITY, &prio, sizeof(prio));
	setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
		   (socklen_t)strlen(ifname) + 1);
}

static struct hrp_sock *sock_new(struct hrp_link *l, int fd)
{
	struct hrp_sock *s = calloc(1, sizeof(*s));
	uint8_t nonce[HRP_NONCE_LEN];

	if (!s)
		return NULL;
	s->l = l;
	s->fd = fd;
	s->sbuf = malloc(HRP_LINK_SNDBUF);
	if (!s->sbuf ||
	    getrandom(nonce, sizeof(nonce), 0) != (ssize_t)sizeof(nonce) ||
	    hrp_conn_init(&s->k, l->cfg.key, l->cfg.keylen, nonce)) {
		free(s->sbuf);
		free(s);
		return NULL;
	}
	s->w = hsb_loop_watch(l->loop, fd, EPOLLIN, on_sock, s);
	if (!s->w) {
		hrp_conn_release(&s->k);
		free(s->sbuf);
		free(s);
		return NULL;
	}
	s->last_rx_ms = s->last_tx_ms = hsb_now_ms();
	return s;
}

static void try_connect(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	struct hrp_link *l = ctx;
	struct sockaddr_storage src = l->cfg.addr.local;
	struct hrp_sock *s;
	int fd;

	(void)loop;
	(void)t;
	if (l->cur)
		return;
	fd = socket(l->cfg.addr.remote.ss_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	tune(fd, l->cfg.ifname);
	/* from the heartbeat address, any port */
	if (src.ss_family == AF_INET)
		((struct sockaddr_in *)&src)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&src)->sin6_port = 0;
	if (bind(fd, (const struct sockaddr *)&src, hsb_sa_len(&src)))
		goto fail;
	if (connect(fd, (const struct sockaddr *)&l->cfg.addr.remote,
		    hsb_sa_len(&l->cfg.addr.remote)) &&
	    errno != EINPROGRESS)
		goto fail;
	s = sock_new(l, fd);
	if (!s)
		goto fail;
	s->connecting = true;
	hsb_watch_set_events(s->w, EPOLLOUT | EPOLLIN);
	l->cur = s;
	return;
fail:
	l->st.connect_failures++;
	if (fd >= 0)
		close(fd);
	schedule_retry(l);
}

static void on_accept(struct hsb_loop *loop, int fd, uint32_t events, void *ctx)
{
	struct hrp_link *l = ctx;
	struct sockaddr_storage from;
	socklen_t len = sizeof(from);
	struct hrp_sock *s;
	int c;

	(void)loop;
	(void)events;
	c = accept4(fd, (struct sockaddr *)&from, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (c < 0)
		return;
	if (!hsb_sa_equal(&from, &l->cfg.addr.remote, 0)) {
		l->st.refused_foreign++;
		close(c);
		return;
	}
	tune(c, l->cfg.ifname);
	s = sock_new(l, c);
	if (!s) {
		close(c);
		return;
	}
	l->st.accepted++;
	/* one HELLO in progress at a time: the newest attempt */
	if (l->pending)
		sock_close(l->pending);
	l->pending = s;
	if (send_hello(s))
		drop(l, s, "hello not sent");
}

/* Keepalives out, silence in. */
static void on_tick(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	struct hrp_link *l = ctx;
	struct hrp_sock *s = l->cur;
	uint64_t now = hsb_now_ms();

	(void)loop;
	(void)t;
	if (l->pending && now - l->pending->last_rx_ms > HRP_LINK_RX_TIMEOUT_MS)
		drop(l, l->pending, "no hello");
	if (!s || s->connecting)
		return;
	if (now - s->last_rx_ms > HRP_LINK_RX_TIMEOUT_MS) {
		l->st.timeouts++;
		drop_cur(l, "nothing received for 5 s");
		return;
	}
	if (s->up && now - s->last_tx_ms >= HRP_LINK_KEEPALIVE_MS)
		hrp_link_send(l, HRP_FT_KEEPALIVE, 0, 0, NULL, 0);
}

static int listen_on(struct hrp_link *l, char *err, size_t errlen)
{
	int one = 1;

	l->lfd = socket(l->cfg.addr.local.ss_family,
			SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->lfd < 0)
		goto fail;
	setsockopt(l->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (setsockopt(l->lfd, SOL_SOCKET, SO_BINDTODEVICE, l->cfg.ifname,
		       (socklen_t)strlen(l->cfg.ifname) + 1) ||
	    bind(l->lfd, (const struct sockaddr *)&l->cfg.addr.local,
		 hsb_sa_len(&l->cfg.addr.local)) ||
	    listen(l->lfd, 4))
		goto fail;
	l->lw = hsb_loop_watch(l->loop, l->lfd, EPOLLIN, on_accept, l);
	if (!l->lw) {
		errno = ENOMEM;
		goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "hrp: listening on %s: %s", l->cfg.ifname,
		 strerror(errno));
	return -1;
}

struct hrp_link *hrp_link_new(struct hsb_loop *loop,
			      const struct hrp_link_cfg *cfg,
			      const struct hrp_link_ops *ops, void *ctx,
			      char *err, size_t errlen)
{
	struct hrp_link *l = calloc(1, sizeof(*l));
	uint8_t peer[HSB_NODE_ID_SIZE];

	if (!l) {
		snprintf(err, errlen, "hrp: out of memory");
		return NULL;
	}
	l->loop = loop;
	l->cfg = *cfg;
	l->ops = *ops;
	l->ctx = ctx;
	l->lfd = -1;
	l->backoff_ms = BACKOFF_MIN_MS;
	/* the peer's node id is its heartbeat address, as ours is ours */
	hsb_node_of(&cfg->addr.remote, peer);
	l->connector = memcmp(cfg->addr.node, peer, HSB_NODE_ID_SIZE) < 0;
	l->retry_t = hsb_timer_new(loop, try_connect, l);
	l->tick_t = hsb_timer_new(loop, on_tick, l);
	if (!l->retry_t || !l->tick_t) {
		snprintf(err, errlen, "hrp: out of memory");
		goto fail;
	}
	if (!l->connector && listen_on(l, err, errlen))
		goto fail;
	hsb_timer_arm(l->tick_t, HRP_LINK_KEEPALIVE_MS / 4,
		      HRP_LINK_KEEPALIVE_MS / 4);
	if (l->connector)
		hsb_timer_arm(l->retry_t, 1, 0);
	return l;
fail:
	hrp_link_free(l);
	return NULL;
}

void hrp_link_free(struct hrp_link *l)
{
	if (!l)
		return;
	sock_close(l->cur);
	sock_close(l->pending);
	hsb_watch_free(l->lw);
	if (l->lfd >= 0)
		close(l->lfd);
	hsb_timer_free(l->retry_t);
	hsb_timer_free(l->tick_t);
	OPENSSL_cleanse(l->cfg.key, sizeof(l->cfg.key));
	free(l);
}

bool hrp_link_is_up(const struct hrp_link *l)
{
	return l && l->cur && l->cur->up;
}

bool hrp_link_connects(const struct hrp_link *l)
{
	return l->connector;
}

size_t hrp_link_queued(const struct hrp_link *l)
{
	return l && l->cur ? l->cur->slen - l->cur->soff : 0;
}

const struct hrp_link_stats *hrp_link_stats(const struct hrp_link *l)
{
	return &l->st;
}
