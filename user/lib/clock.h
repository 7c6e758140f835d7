/* SPDX-License-Identifier: GPL-2.0-only */
/* The daemon's clock: CLOCK_MONOTONIC, immune to wall-clock steps. Protocol
 * engines never call it; they receive "now" from the event loop. */
#ifndef HSB_CLOCK_H
#define HSB_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t hsb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static inline uint64_t hsb_now_ms(void)
{
	return hsb_now_ns() / 1000000ULL;
}

/* CLOCK_BOOTTIME nanoseconds: like CLOCK_MONOTONIC but counting
 * suspends, for times one process leaves for the next in a pinned map
 * (include/hsb/handover.h; bpf_ktime_get_boot_ns() reads the same). */
static inline uint64_t hsb_boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Wall-clock milliseconds (CLOCK_REALTIME): for timestamps people read
 * (show views, logs) and that tests compare across processes; never for
 * measuring an interval. */
static inline uint64_t hsb_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000ULL +
	       (uint64_t)ts.tv_nsec / 1000000ULL;
}

#endif /* HSB_CLOCK_H */
