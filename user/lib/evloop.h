/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's single-threaded event loop: epoll over file descriptors,
 * timerfd timers and a signalfd. Callbacks run to completion and must never
 * block or sleep; long work is split across timer ticks.
 */
#ifndef HSB_EVLOOP_H
#define HSB_EVLOOP_H

#include <stdbool.h>
#include <stdint.h>

struct hsb_loop;
struct hsb_watch;
struct hsb_timer;

/* events: EPOLLIN/EPOLLOUT/... as returned by epoll. */
typedef void (*hsb_fd_cb)(struct hsb_loop *loop, int fd, uint32_t events,
			  void *ctx);
typedef void (*hsb_timer_cb)(struct hsb_loop *loop, struct hsb_timer *t,
			     void *ctx);
typedef void (*hsb_signal_cb)(struct hsb_loop *loop, int signo, void *ctx);

struct hsb_loop *hsb_loop_new(void);
/* Frees the loop, its signalfd and the watch records still registered.
 * Timers (their fds and structs) and the fds of watches belong to their
 * owners, who free them first with hsb_timer_free()/close(). */
void hsb_loop_free(struct hsb_loop *loop);

/* Run until hsb_loop_stop(); returns 0, or -errno if epoll fails. */
int hsb_loop_run(struct hsb_loop *loop);
void hsb_loop_stop(struct hsb_loop *loop);

struct hsb_watch *hsb_loop_watch(struct hsb_loop *loop, int fd, uint32_t events,
				 hsb_fd_cb cb, void *ctx);
int hsb_watch_set_events(struct hsb_watch *w, uint32_t events);
/* Safe to call from any callback, including the watch's own. */
void hsb_watch_free(struct hsb_watch *w);

struct hsb_timer *hsb_timer_new(struct hsb_loop *loop, hsb_timer_cb cb,
				void *ctx);
/* First expiry after first_ms, then every interval_ms (0: one-shot).
 * first_ms == 0 disarms. */
int hsb_timer_arm(struct hsb_timer *t, uint64_t first_ms, uint64_t interval_ms);
void hsb_timer_free(struct hsb_timer *t);

/* Blocks signo for the process and delivers it through the loop. */
int hsb_loop_on_signal(struct hsb_loop *loop, int signo, hsb_signal_cb cb,
		       void *ctx);

#endif /* HSB_EVLOOP_H */
