// SPDX-License-Identifier: GPL-2.0-only
/* Notify hooks: posix_spawn() and SIGCHLD reaping on the loop. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "evloop.h"
#include "log.h"
#include "vrrp_notify.h"

#define N_VARS 7

extern char **environ;

static struct {
	struct hsb_loop *loop; /* the handler is registered with it */
	pid_t pids[VRRP_NOTIFY_MAX_RUNNING]; /* 0: free slot */
	struct vrrp_notify_stats st;
} nt;

const struct vrrp_notify_stats *vrrp_notify_get_stats(void)
{
	return &nt.st;
}

/* Reap only our own children, by pid: other code may spawn too. */
static void on_sigchld(struct hsb_loop *loop, int signo, void *ctx)
{
	unsigned int i;
	int status;

	(void)loop;
	(void)signo;
	(void)ctx;
	for (i = 0; i < VRRP_NOTIFY_MAX_RUNNING; i++) {
		if (!nt.pids[i] || waitpid(nt.pids[i], &status, WNOHANG) <= 0)
			continue;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			nt.st.exit_ok++;
		} else {
			nt.st.exit_failed++;
			if (WIFEXITED(status))
				hsb_log_ratelimited(
					HSB_LOG_WARNING,
					"vrrp notify hook (pid %d) exited with status %d",
					(int)nt.pids[i], WEXITSTATUS(status));
			else
				hsb_log_ratelimited(
					HSB_LOG_WARNING,
					"vrrp notify hook (pid %d) killed by signal %d",
					(int)nt.pids[i],
					WIFSIGNALED(status) ? WTERMSIG(status) :
							      0);
		}
		nt.pids[i] = 0;
		nt.st.running--;
	}
}

int vrrp_notify_setup(struct hsb_loop *loop)
{
	int ret;

	if (nt.loop == loop)
		return 0;
	ret = hsb_loop_on_signal(loop, SIGCHLD, on_sigchld, NULL);
	if (ret == 0)
		nt.loop = loop;
	return ret;
}

static bool is_ours(const char *var)
{
	return !strncmp(var, "HSB_VRRP_", 9);
}

/* environ without HSB_VRRP_*, plus ours; vars holds the strings. */
static char **make_env(char vars[N_VARS][300],
		       const struct vrrp_notify_event *ev)
{
	size_t n = 0, i, k = 0;
	char **env;

	while (environ && environ[n])
		n++;
	env = calloc(n + N_VARS + 1, sizeof(*env));
	if (!env)
		return NULL;
	for (i = 0; i < n; i++)
		if (!is_ours(environ[i]))
			env[k++] = environ[i];
	snprintf(vars[0], 300, "HSB_VRRP_VRID=%u", ev->vrid);
	snprintf(vars[1], 300, "HSB_VRRP_INTERFACE=%s", ev->ifname);
	snprintf(vars[2], 300, "HSB_VRRP_FAMILY=%s",
		 ev->family == AF_INET6 ? "ipv6" : "ipv4");
	snprintf(vars[3], 300, "HSB_VRRP_OLD_STATE=%s", ev->old_state);
	snprintf(vars[4], 300, "HSB_VRRP_NEW_STATE=%s", ev->new_state);
	snprintf(vars[5], 300, "HSB_VRRP_REASON=%s", ev->reason);
	snprintf(vars[6], 300, "HSB_VRRP_PRIORITY=%u", ev->priority);
	for (i = 0; i < N_VARS; i++)
		env[k++] = vars[i];
	env[k] = NULL;
	return env;
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

int vrrp_notify_run(const char *cmd, const struct vrrp_notify_event *ev)
{
	char vars[N_VARS][300], vrid[8], prio[8];
	char *argv[] = { "sh",
			 "-c",
			 (char *)cmd,
			 "hsb-vrrp-notify", /* $0 */
			 vrid,
			 (char *)ev->ifname,
			 (char *)ev->old_state,
			 (char *)ev->new_state,
			 (char *)ev->reason,
			 prio,
			 NULL };
	unsigned int slot;
	char **env;
	pid_t pid;
	int ret;

	for (slot = 0; slot < VRRP_NOTIFY_MAX_RUNNING && nt.pids[slot]; slot++)
		;
	if (slot == VRRP_NOTIFY_MAX_RUNNING) {
		nt.st.dropped++;
		hsb_log_ratelimited(
			HSB_LOG_WARNING,
			"vrrp %u %s: notify hook not run: %d hooks still running",
			ev->vrid, ev->ifname, VRRP_NOTIFY_MAX_RUNNING);
		return -EAGAIN;
	}
	snprintf(vrid, sizeof(vrid), "%u", ev->vrid);
	snprintf(prio, sizeof(prio), "%u", ev->priority);
	env = make_env(vars, ev);
	if (!env)
		return -ENOMEM;
	ret = spawn(&pid, argv, env);
	free(env);
	if (ret) {
		nt.st.spawn_failed++;
		hsb_log_ratelimited(HSB_LOG_ERR,
				    "vrrp %u %s: cannot start notify hook: %s",
				    ev->vrid, ev->ifname, strerror(-ret));
		return ret;
	}
	nt.pids[slot] = pid;
	nt.st.spawned++;
	nt.st.running++;
	return 0;
}
