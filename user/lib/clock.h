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

#endif /* HSB_CLOCK_H */
