/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hsbctl monitor, the parts that need neither hsbd nor a socket: the
 * timestamp every line carries, a monitor client's bounded output queue
 * (what is dropped when it is full, and the line that says so), and the
 * human form hsbctl prints of a line.
 *
 * The stream (docs/operations.md, "Watching hsbd: hsbctl monitor"): after
 * "ok\n", one JSON object per line, each with "time" (wall clock, ISO
 * 8601 UTC with milliseconds) and "kind":
 *   monitor   "event": "start" (the first line) or "dropped" ("dropped":
 *             how many lines this client missed because it read too slowly)
 *   vrrp      a VRRP instance changed state: group, vrid, interface,
 *             family, from, to, priority, reason
 *   group     a group became active or standby: group, slot, state,
 *             reason (and the member that caused it: vrid, interface)
 *   config    a configuration change was applied: origin, generation,
 *             changed (the first words of the commands that differ),
 *             added, removed (command lines) - never the lines themselves
 *   hrp       the HRP connection to the peer: state up or down
 *   datapath  once a second when non-zero: change records of the last
 *             interval (sessions_created, sessions_updated,
 *             sessions_deleted, nat_created, nat_deleted), interval_ms
 * Pure: unit-tested in tests/unit/test_monitor.c.
 */
#ifndef HSB_MONITOR_H
#define HSB_MONITOR_H

#include <stdint.h>
#include <stdio.h>
#include <stddef.h>

struct json_object;

/* "2026-12-05T07:52:49.123Z" (24 characters) */
#define HSB_MON_TIME_LEN 32
void hsb_mon_time(uint64_t wall_ms, char *buf, size_t len);

/* A new line's object: {"time": ..., "kind": kind}. NULL on ENOMEM. */
struct json_object *hsb_mon_event(uint64_t wall_ms, const char *kind);

/*
 * One monitor client's output: whole lines or nothing, at most limit
 * bytes waiting. A line that does not fit is dropped and counted; the
 * next line that fits is preceded by a "dropped" line with the count
 * (both must fit, else that one is dropped too).
 */
struct hsb_monq {
	char *buf;
	size_t cap; /* allocated */
	size_t limit; /* at most this many bytes waiting */
	size_t off, len; /* waiting: buf[off .. len) */
	uint64_t dropped; /* since the last "dropped" line */
	uint64_t dropped_total;
	uint64_t queued_total; /* lines queued, "dropped" lines too */
};

void hsb_monq_init(struct hsb_monq *q, size_t limit);
void hsb_monq_release(struct hsb_monq *q);
/* line: one JSON object, no '\n'. 1 queued, 0 dropped, -ENOMEM. */
int hsb_monq_push(struct hsb_monq *q, const char *line, size_t len,
		  uint64_t wall_ms);
static inline size_t hsb_monq_pending(const struct hsb_monq *q)
{
	return q->len - q->off;
}
static inline const char *hsb_monq_data(const struct hsb_monq *q)
{
	return q->buf + q->off;
}
/* n bytes of the front were written */
void hsb_monq_consume(struct hsb_monq *q, size_t n);

/* A line for people, '\n' included: "TIME KIND text". -1 when ev is not
 * an object with time and kind (printed as it came then). */
int hsb_mon_render(FILE *out, struct json_object *ev);

#endif /* HSB_MONITOR_H */
