/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Run a test program in a network namespace of its own (hsb-NAME-PID),
 * in a child bounded in time, and delete the namespace whatever happens.
 * For the tests/bpf programs that need real sockets and interfaces.
 */
#ifndef HSB_NETNS_HARNESS_H
#define HSB_NETNS_HARNESS_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

#include "clock.h"

static char hsb_netns_name[64];

/* In the child: enter the namespace, run each setup command. */
static inline int hsb_netns_enter(const char *const *setup, unsigned int n)
{
	char path[128];
	unsigned int i;
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", hsb_netns_name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		perror(path);
		return -1;
	}
	close(fd);
	for (i = 0; i < n; i++)
		if (system(setup[i])) {
			fprintf(stderr, "'%s' failed\n", setup[i]);
			return -1;
		}
	return 0;
}

/* Creates the namespace, runs fn in a child (which enters it with
 * hsb_netns_enter()), kills it after timeout_s, deletes the namespace.
 * Returns the process exit status to use. */
static inline int hsb_netns_run(const char *name, int (*fn)(void),
				unsigned int timeout_s)
{
	char cmd[128];
	uint64_t end;
	int status = 0, rc = 1;
	pid_t pid;

	if (geteuid()) {
		fprintf(stderr, "%s: needs root\n", name);
		return 1;
	}
	snprintf(hsb_netns_name, sizeof(hsb_netns_name), "hsb-%s-%d", name,
		 (int)getpid());
	snprintf(cmd, sizeof(cmd), "ip netns add %s", hsb_netns_name);
	if (system(cmd)) {
		fprintf(stderr, "'%s' failed\n", cmd);
		return 1;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(fn() ? 1 : 0);
	end = hsb_now_ms() + timeout_s * 1000ULL;
	while (pid > 0) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid) {
			rc = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
			break;
		}
		if (w < 0 && errno != EINTR)
			break;
		if (hsb_now_ms() >= end) {
			fprintf(stderr, "%s: timed out\n", name);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		usleep(20000);
	}
	snprintf(cmd, sizeof(cmd), "ip netns del %s", hsb_netns_name);
	if (system(cmd))
		rc = 1;
	return rc;
}

#endif /* HSB_NETNS_HARNESS_H */
