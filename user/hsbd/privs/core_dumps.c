// SPDX-License-Identifier: GPL-2.0-only
/*
 * hsbd out of core dumps. See core_dumps.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "privs/core_dumps.h"

int hsbd_core_dumps_off(char *err, size_t errlen)
{
	const struct rlimit none = { 0, 0 };
	int ret;

	if (setrlimit(RLIMIT_CORE, &none)) {
		ret = -errno;
		snprintf(err, errlen, "cannot set RLIMIT_CORE to 0: %s",
			 strerror(errno));
		return ret;
	}
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)) {
		ret = -errno;
		snprintf(err, errlen, "cannot make hsbd non-dumpable: %s",
			 strerror(errno));
		return ret;
	}
	return 0;
}
