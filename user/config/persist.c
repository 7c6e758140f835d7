// SPDX-License-Identifier: GPL-2.0-only
/* Loading and atomically saving the configuration file. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_int.h"

#define MAX_FILE_SIZE (16u << 20)

static int read_all(int fd, char **out, size_t *len)
{
	size_t cap = 0, n = 0;
	char *buf = NULL;

	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *b;

			/* The buffer holds at most MAX_FILE_SIZE + 1 bytes:
			 * reading one byte past the limit is how a file just
			 * over it is told from one exactly at it. Checking the
			 * doubled capacity instead let files up to twice the
			 * limit in. */
			if (n > MAX_FILE_SIZE) {
				errno = EFBIG;
				break;
			}
			cap = cap ? cap * 2 : 65536;
			if (cap > MAX_FILE_SIZE + 1)
				cap = MAX_FILE_SIZE + 1;
			b = realloc(buf, cap);
			if (!b)
				break;
			buf = b;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		if (r == 0) {
			*out = buf;
			*len = n;
			return 0;
		}
		n += (size_t)r;
	}
	free(buf);
	return -1;
}

int hsb_config_load_file(struct hsb_config *cfg, const char *path,
			 enum hsb_cfg_accept accept, struct hsb_cfg_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf;
	size_t len;
	int rc;

	if (fd < 0)
		return hcfg_error_set(err, path, "cannot open: %s",
				      strerror(errno));
	rc = read_all(fd, &buf, &len);
	if (rc)
		hcfg_error_set(err, path, "cannot read: %s", strerror(errno));
	close(fd);
	if (rc)
		return -1;
	rc = hcfg_apply_buf(cfg, buf, len, accept, path, err);
	free(buf);
	return rc;
}

static int write_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t w = write(fd, s, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		s += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Makes the rename itself durable. */
static int sync_dir(const char *path)
{
	char copy[PATH_MAX];
	int fd, rc;

	snprintf(copy, sizeof(copy), "%s", path);
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Writes text to a fresh 0600 file next to path, then renames it over. */
static int save_text(const char *text, const char *path,
		     struct hsb_cfg_error *err)
{
	char tmp[PATH_MAX];
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path) >=
	    (int)sizeof(tmp))
		return hcfg_error_set(err, path, "path too long");
	fd = mkstemp(tmp);
	if (fd < 0)
		return hcfg_error_set(err, path,
				      "cannot create a temporary file: %s",
				      strerror(errno));
	if (fchmod(fd, 0600) || write_all(fd, text, strlen(text)) ||
	    fsync(fd)) {
		hcfg_error_set(err, path, "cannot write %s: %s", tmp,
			       strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) || rename(tmp, path)) {
		hcfg_error_set(err, path, "cannot replace the file: %s",
			       strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (sync_dir(path))
		return hcfg_error_set(
			err, path,
			"saved, but syncing the directory failed: %s",
			strerror(errno));
	return 0;
}

int hsb_config_save(const struct hsb_config *cfg, const char *path,
		    struct hsb_cfg_error *err)
{
	char *text = hsb_config_render(cfg);
	int rc;

	if (!text)
		return hcfg_error_set(err, path, "out of memory");
	rc = save_text(text, path, err);
	free(text);
	return rc;
}
