// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "log.h"
#include "datapath/pindir.h"

#define STD_BPFFS "/sys/fs/bpf"

static bool on_bpffs(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == BPF_FS_MAGIC;
}

int hsb_pindir_prepare(const char *dir, char *err, size_t errlen)
{
	char copy[PATH_MAX];
	const char *parent;

	if (snprintf(copy, sizeof(copy), "%s", dir) >= (int)sizeof(copy)) {
		snprintf(err, errlen, "pin directory path too long");
		return -ENAMETOOLONG;
	}
	parent = dirname(copy);
	if (!on_bpffs(parent)) {
		if (strcmp(parent, STD_BPFFS) != 0) {
			snprintf(
				err, errlen,
				"%s is not on a BPF filesystem; mount one first: mount -t bpf bpf %s",
				parent, parent);
			return -ENOTSUP;
		}
		if (mount("bpf", STD_BPFFS, "bpf", 0, "mode=0700")) {
			snprintf(err, errlen, "cannot mount bpffs on %s: %s",
				 STD_BPFFS, strerror(errno));
			return -errno;
		}
		hsb_info("mounted a BPF filesystem on %s", STD_BPFFS);
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		snprintf(err, errlen, "cannot create pin directory %s: %s", dir,
			 strerror(errno));
		return -errno;
	}
	if (!on_bpffs(dir)) {
		snprintf(err, errlen, "%s is not on a BPF filesystem", dir);
		return -ENOTSUP;
	}
	return 0;
}

void hsb_pindir_remove(const char *dir)
{
	if (rmdir(dir) && errno != ENOENT && errno != ENOTEMPTY)
		hsb_warn("cannot remove pin directory %s: %s", dir,
			 strerror(errno));
}
