// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"
#include "clock.h"

static enum hsb_log_target log_target = HSB_LOG_TO_STDERR;
static enum hsb_log_level log_level = HSB_LOG_INFO;
static const char *log_ident = "hsb";

void hsb_log_init(const char *ident, enum hsb_log_target target,
		  enum hsb_log_level level)
{
	log_ident = ident;
	log_target = target;
	log_level = level;
	if (target == HSB_LOG_TO_SYSLOG)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void hsb_log_set_level(enum hsb_log_level level)
{
	log_level = level;
}

enum hsb_log_level hsb_log_get_level(void)
{
	return log_level;
}

const char *hsb_log_level_name(enum hsb_log_level level)
{
	switch (level) {
	case HSB_LOG_ERR:
		return "error";
	case HSB_LOG_WARNING:
		return "warning";
	case HSB_LOG_INFO:
		return "info";
	case HSB_LOG_DEBUG:
		return "debug";
	}
	return "?";
}

static void log_va(enum hsb_log_level level, const char *fmt, va_list ap)
{
	char msg[1024];

	if (level > log_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_target == HSB_LOG_TO_SYSLOG) {
		syslog((int)level, "%s", msg);
		return;
	}
	/* Monotonic seconds: lines from two daemons in one test interleave
	 * readably; wall-clock time is the journal's job. */
	fprintf(stderr, "%s[%.3f] %s: %s\n", log_ident,
		(double)hsb_now_ms() / 1000.0, hsb_log_level_name(level), msg);
}

void hsb_log(enum hsb_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_va(level, fmt, ap);
	va_end(ap);
}

bool hsb_ratelimit_allow(struct hsb_ratelimit *rl, uint64_t now_ms,
			 uint32_t *suppressed)
{
	uint64_t refill;

	if (!rl->primed) {
		rl->tokens = rl->burst;
		rl->last_ms = now_ms;
		rl->primed = true;
	}
	if (now_ms > rl->last_ms && rl->interval_ms) {
		refill = (now_ms - rl->last_ms) / rl->interval_ms;
		if (refill) {
			uint64_t tokens = rl->tokens + refill;

			rl->tokens = tokens > rl->burst ? rl->burst :
							  (uint32_t)tokens;
			rl->last_ms += refill * rl->interval_ms;
		}
	}
	if (!rl->tokens) {
		rl->suppressed++;
		return false;
	}
	rl->tokens--;
	*suppressed = rl->suppressed;
	rl->suppressed = 0;
	return true;
}

void hsb_log_rl(struct hsb_ratelimit *rl, enum hsb_log_level level,
		const char *fmt, ...)
{
	uint32_t suppressed;
	va_list ap;

	if (level > log_level)
		return;
	if (!hsb_ratelimit_allow(rl, hsb_now_ms(), &suppressed))
		return;
	if (suppressed)
		hsb_log(level, "(%u similar messages suppressed)", suppressed);
	va_start(ap, fmt);
	log_va(level, fmt, ap);
	va_end(ap);
}
