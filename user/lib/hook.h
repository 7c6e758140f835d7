/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hooks: operator commands run on events (a VRRP or VGMP state change),
 * as `/bin/sh -c CMD NAME ARGS...`, started with posix_spawn() so the
 * event loop never waits for them, and reaped on SIGCHLD through the
 * loop. A hook starts with a clean signal mask and default dispositions,
 * in its own process group, with /dev/null as stdin. At most
 * HSB_HOOK_MAX_RUNNING run at once: more are dropped and counted (a
 * flapping instance cannot fork-bomb the host); non-zero exits are
 * logged, rate-limited.
 */
#ifndef HSB_HOOK_H
#define HSB_HOOK_H

#include <stdint.h>

#define HSB_HOOK_MAX_RUNNING 64

struct hsb_loop;

struct hsb_hook_stats {
	uint64_t spawned;
	uint64_t spawn_failed;
	uint64_t dropped; /* too many still running */
	uint64_t exit_ok;
	uint64_t exit_failed; /* non-zero status or killed by a signal */
	unsigned int running;
};

/* Registers the SIGCHLD handler with the loop (once per loop). */
int hsb_hook_setup(struct hsb_loop *loop);

/*
 * Starts `/bin/sh -c cmd name args...`: args is NULL-terminated and
 * becomes $1...; env ("KEY=value" strings, NULL-terminated) is added to
 * hsbd's environment, from which every variable starting with
 * env_prefix is removed first (so a stale value never leaks through).
 * Returns 0 or -errno (-EAGAIN: too many running). Never waits.
 */
int hsb_hook_run(const char *cmd, const char *name, const char *const *args,
		 const char *const *env, const char *env_prefix);

const struct hsb_hook_stats *hsb_hook_get_stats(void);

#endif /* HSB_HOOK_H */
