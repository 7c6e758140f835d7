/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Logging to stderr or syslog with a level threshold, plus a token-bucket
 * rate limiter for messages a remote party can trigger (packets, frames,
 * control requests), so a flood cannot flood the log too.
 */
#ifndef HSB_LOG_H
#define HSB_LOG_H

#include <stdbool.h>
#include <stdint.h>

#include "log_level.h"

enum hsb_log_target {
	HSB_LOG_TO_STDERR,
	HSB_LOG_TO_SYSLOG,
};

void hsb_log_init(const char *ident, enum hsb_log_target target,
		  enum hsb_log_level level);
void hsb_log_set_level(enum hsb_log_level level);
enum hsb_log_level hsb_log_get_level(void);
const char *hsb_log_level_name(enum hsb_log_level level);

void hsb_log(enum hsb_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define hsb_err(...) hsb_log(HSB_LOG_ERR, __VA_ARGS__)
#define hsb_warn(...) hsb_log(HSB_LOG_WARNING, __VA_ARGS__)
#define hsb_info(...) hsb_log(HSB_LOG_INFO, __VA_ARGS__)
#define hsb_dbg(...) hsb_log(HSB_LOG_DEBUG, __VA_ARGS__)

/*
 * Token bucket: up to `burst` messages at once, refilled at one message per
 * `interval_ms`. Messages dropped in between are counted and reported with
 * the next one that passes.
 */
struct hsb_ratelimit {
	uint32_t interval_ms;
	uint32_t burst;
	uint32_t tokens;
	uint32_t suppressed;
	uint64_t last_ms;
	bool primed;
};

#define HSB_RATELIMIT_INIT(interval, burst_)                 \
	{                                                    \
		.interval_ms = (interval), .burst = (burst_) \
	}

/* Returns true when a message may be logged at now_ms; on true,
 * *suppressed receives the count dropped since the last allowed one. */
bool hsb_ratelimit_allow(struct hsb_ratelimit *rl, uint64_t now_ms,
			 uint32_t *suppressed);

void hsb_log_rl(struct hsb_ratelimit *rl, enum hsb_log_level level,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* One limiter per call site: at most 10 lines per 5 s, 1 per 500 ms after. */
#define hsb_log_ratelimited(level, ...)                                        \
	do {                                                                   \
		static struct hsb_ratelimit rl_ = HSB_RATELIMIT_INIT(500, 10); \
		hsb_log_rl(&rl_, level, __VA_ARGS__);                          \
	} while (0)

#endif /* HSB_LOG_H */
