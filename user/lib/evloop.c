// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "evloop.h"
#include "log.h"

#define MAX_SIGNALS 8
#define MAX_EVENTS 32

struct hsb_watch {
	struct hsb_loop *loop;
	int fd;
	hsb_fd_cb cb;
	void *ctx;
	bool dead; /* freed inside a dispatch round; reaped after it */
	struct hsb_watch *next;
};

struct hsb_timer {
	struct hsb_watch *watch;
	hsb_timer_cb cb;
	void *ctx;
};

struct signal_handler {
	int signo;
	hsb_signal_cb cb;
	void *ctx;
};

struct hsb_loop {
	int epfd;
	bool running;
	bool dispatching;
	struct hsb_watch *watches;
	struct hsb_watch *sigwatch;
	int sigfd;
	sigset_t sigmask;
	struct signal_handler signals[MAX_SIGNALS];
	unsigned int n_signals;
};

struct hsb_loop *hsb_loop_new(void)
{
	struct hsb_loop *loop = calloc(1, sizeof(*loop));

	if (!loop)
		return NULL;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		free(loop);
		return NULL;
	}
	loop->sigfd = -1;
	sigemptyset(&loop->sigmask);
	return loop;
}

static void reap_dead(struct hsb_loop *loop)
{
	struct hsb_watch **pp = &loop->watches;

	while (*pp) {
		struct hsb_watch *w = *pp;

		if (w->dead) {
			*pp = w->next;
			free(w);
		} else {
			pp = &w->next;
		}
	}
}

void hsb_loop_free(struct hsb_loop *loop)
{
	struct hsb_watch *w, *next;

	if (!loop)
		return;
	for (w = loop->watches; w; w = next) {
		next = w->next;
		free(w);
	}
	if (loop->sigfd >= 0) {
		close(loop->sigfd);
		sigprocmask(SIG_UNBLOCK, &loop->sigmask, NULL);
	}
	close(loop->epfd);
	free(loop);
}

struct hsb_watch *hsb_loop_watch(struct hsb_loop *loop, int fd, uint32_t events,
				 hsb_fd_cb cb, void *ctx)
{
	struct epoll_event ev = { .events = events };
	struct hsb_watch *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->loop = loop;
	w->fd = fd;
	w->cb = cb;
	w->ctx = ctx;
	ev.data.ptr = w;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		free(w);
		return NULL;
	}
	w->next = loop->watches;
	loop->watches = w;
	return w;
}

int hsb_watch_set_events(struct hsb_watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	return epoll_ctl(w->loop->epfd, EPOLL_CTL_MOD, w->fd, &ev) ? -errno : 0;
}

void hsb_watch_free(struct hsb_watch *w)
{
	if (!w)
		return;
	epoll_ctl(w->loop->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	/* Events for w may still sit in this round's array: mark it and let
	 * the dispatcher skip and free it. */
	w->dead = true;
	if (!w->loop->dispatching)
		reap_dead(w->loop);
}

static void timer_fired(struct hsb_loop *loop, int fd, uint32_t events,
			void *ctx)
{
	struct hsb_timer *t = ctx;
	uint64_t expirations;

	(void)events;
	/* EAGAIN: the timer was re-armed after this round's event. */
	if (read(fd, &expirations, sizeof(expirations)) != sizeof(expirations))
		return;
	t->cb(loop, t, t->ctx);
}

struct hsb_timer *hsb_timer_new(struct hsb_loop *loop, hsb_timer_cb cb,
				void *ctx)
{
	struct hsb_timer *t = calloc(1, sizeof(*t));
	int fd;

	if (!t)
		return NULL;
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd < 0)
		goto err;
	t->cb = cb;
	t->ctx = ctx;
	t->watch = hsb_loop_watch(loop, fd, EPOLLIN, timer_fired, t);
	if (!t->watch) {
		close(fd);
		goto err;
	}
	return t;
err:
	free(t);
	return NULL;
}

static struct timespec ms_to_ts(uint64_t ms)
{
	return (struct timespec){ .tv_sec = (time_t)(ms / 1000),
				  .tv_nsec = (long)(ms % 1000) * 1000000L };
}

int hsb_timer_arm(struct hsb_timer *t, uint64_t first_ms, uint64_t interval_ms)
{
	struct itimerspec its = { .it_value = ms_to_ts(first_ms),
				  .it_interval = ms_to_ts(interval_ms) };

	return timerfd_settime(t->watch->fd, 0, &its, NULL) ? -errno : 0;
}

void hsb_timer_free(struct hsb_timer *t)
{
	int fd;

	if (!t)
		return;
	fd = t->watch->fd;
	hsb_watch_free(t->watch);
	close(fd);
	free(t);
}

static void signal_ready(struct hsb_loop *loop, int fd, uint32_t events,
			 void *ctx)
{
	struct signalfd_siginfo si;
	unsigned int i;

	(void)events;
	(void)ctx;
	while (read(fd, &si, sizeof(si)) == sizeof(si)) {
		for (i = 0; i < loop->n_signals; i++) {
			if (loop->signals[i].signo == (int)si.ssi_signo)
				loop->signals[i].cb(loop, (int)si.ssi_signo,
						    loop->signals[i].ctx);
		}
	}
}

int hsb_loop_on_signal(struct hsb_loop *loop, int signo, hsb_signal_cb cb,
		       void *ctx)
{
	int fd;

	if (loop->n_signals == MAX_SIGNALS)
		return -ENOSPC;
	sigaddset(&loop->sigmask, signo);
	if (sigprocmask(SIG_BLOCK, &loop->sigmask, NULL))
		return -errno;
	fd = signalfd(loop->sigfd, &loop->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (loop->sigfd < 0) {
		loop->sigfd = fd;
		loop->sigwatch =
			hsb_loop_watch(loop, fd, EPOLLIN, signal_ready, NULL);
		if (!loop->sigwatch)
			return -ENOMEM;
	}
	loop->signals[loop->n_signals++] =
		(struct signal_handler){ .signo = signo, .cb = cb, .ctx = ctx };
	return 0;
}

int hsb_loop_run(struct hsb_loop *loop)
{
	struct epoll_event events[MAX_EVENTS];
	int i, n;

	loop->running = true;
	while (loop->running) {
		n = epoll_wait(loop->epfd, events, MAX_EVENTS, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		loop->dispatching = true;
		for (i = 0; i < n; i++) {
			struct hsb_watch *w = events[i].data.ptr;

			if (!w->dead)
				w->cb(loop, w->fd, events[i].events, w->ctx);
		}
		loop->dispatching = false;
		reap_dead(loop);
	}
	return 0;
}

void hsb_loop_stop(struct hsb_loop *loop)
{
	loop->running = false;
}
