// SPDX-License-Identifier: GPL-2.0-only
/* Hooks: posix_spawn() and SIGCHLD reaping on the loop. See hook.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "evloop.h"
#include "hook.h"
#include "log.h"

#define MAX_ARGS 16

extern char **environ;

static struct {
	struct hsb_loop *loop; /* the handler is registered with it */
	pid_t pids[HSB_HOOK_MAX_RUNNING]; /* 0: free slot */
	struct hsb_hook_stats st;
} hk;

const struct hsb_hook_stats *hsb_hook_get_stats(void)
{
	return &hk.st;
}

static void reaped(pid_t pid, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		hk.st.exit_ok++;
		return;
	}
	hk.st.exit_failed++;
	if (WIFEXITED(status))
		hsb_log_ratelimited(HSB_LOG_WARNING,
				    "hook (pid %d) exited with status %d",
				    (int)pid, WEXITSTATUS(status));
	else
		hsb_log_ratelimited(HSB_LOG_WARNING,
				    "hook (pid %d) killed by signal %d",
				    (int)pid,
				    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* Reap only our own children, by pid: other code may spawn too. */
static void on_sigchld(struct hsb_loop *loop, int signo, void *ctx)
{
	unsigned int i;
	int status;

	(void)loop;
	(void)signo;
	(void)ctx;
	for (i = 0; i < HSB_HOOK_MAX_RUNNING; i++) {
		if (!hk.pids[i] || waitpid(hk.pids[i], &status, WNOHANG) <= 0)
			continue;
		reaped(hk.pids[i], status);
		hk.pids[i] = 0;
		hk.st.running--;
	}
}

int hsb_hook_setup(struct hsb_loop *loop)
{
	int ret;

	if (hk.loop == loop)
		return 0;
	ret = hsb_loop_on_signal(loop, SIGCHLD, on_sigchld, NULL);
	if (ret == 0)
		hk.loop = loop;
	return ret;
}

static size_t count(const char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

/* environ without env_prefix*, then env. */
static char **make_env(const char *const *env, const char *env_prefix)
{
	size_t n = count((const char *const *)environ), m = count(env), i;
	size_t k = 0, plen = env_prefix ? strlen(env_prefix) : 0;
	char **out = calloc(n + m + 1, sizeof(*out));

	if (!out)
		return NULL;
	for (i = 0; i < n; i++)
		if (!plen || strncmp(environ[i], env_prefix, plen))
			out[k++] = environ[i];
	for (i = 0; i < m; i++)
		out[k++] = (char *)env[i];
	out[k] = NULL;
	return out;
}

static int spawn(pid_t *pid, char *const argv[], char *const envp[])
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	int ret;

	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	/* hsbd blocks the signals its loop reads and ignores SIGPIPE: the
	 * hook starts with a clean mask and default dispositions, its own
	 * process group, and no stdin */
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
					      POSIX_SPAWN_SETSIGDEF |
					      POSIX_SPAWN_SETPGROUP);
	ret = posix_spawn(pid, "/bin/sh", &fa, &at, argv, envp);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return -ret;
}

int hsb_hook_run(const char *cmd, const char *name, const char *const *args,
		 const char *const *env, const char *env_prefix)
{
	char *argv[MAX_ARGS + 5];
	size_t n = count(args), i;
	unsigned int slot;
	char **envp;
	pid_t pid;
	int ret;

	if (n > MAX_ARGS)
		return -E2BIG;
	for (slot = 0; slot < HSB_HOOK_MAX_RUNNING && hk.pids[slot]; slot++)
		;
	if (slot == HSB_HOOK_MAX_RUNNING) {
		hk.st.dropped++;
		hsb_log_ratelimited(HSB_LOG_WARNING,
				    "%s: hook not run: %d hooks still running",
				    name, HSB_HOOK_MAX_RUNNING);
		return -EAGAIN;
	}
	argv[0] = "sh";
	argv[1] = "-c";
	argv[2] = (char *)cmd;
	argv[3] = (char *)name; /* $0 */
	for (i = 0; i < n; i++)
		argv[4 + i] = (char *)args[i];
	argv[4 + n] = NULL;
	envp = make_env(env, env_prefix);
	if (!envp)
		return -ENOMEM;
	ret = spawn(&pid, argv, envp);
	free(envp);
	if (ret) {
		hk.st.spawn_failed++;
		hsb_log_ratelimited(HSB_LOG_ERR, "%s: cannot start hook: %s",
				    name, strerror(-ret));
		return ret;
	}
	hk.pids[slot] = pid;
	hk.st.spawned++;
	hk.st.running++;
	return 0;
}
