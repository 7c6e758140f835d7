// SPDX-License-Identifier: GPL-2.0-only
/* Saving and loading the config file: atomic replace, mode 0600, no temp
 * files left behind, old file intact when a save fails. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"

static char dir[256];
static char path[300];

static const char text[] =
	"sysname fw-b\n"
	"firewall zone dmz2\n"
	"interface eth0 zone dmz2\n"
	"security-policy rule r from trust to dmz2 protocol tcp destination-port 443 action permit\n"
	"hrp authentication-key \"secret key 1\"\n"
	"vgmp group g priority 110\n"
	"vrrp vrid 9 interface eth0 virtual-ip 192.0.2.9 vgmp-group g\n";

static void rm_tree(const char *d)
{
	char p[600];
	struct dirent *e;
	DIR *dh = opendir(d);

	if (!dh)
		return;
	while ((e = readdir(dh))) {
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", d, e->d_name);
		if (!lstat(p, &st) && S_ISDIR(st.st_mode))
			rm_tree(p);
		else
			unlink(p);
	}
	closedir(dh);
	rmdir(d);
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	(void)state;
	snprintf(dir, sizeof(dir), "%s/hsb-cfg-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/hsbd.conf", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rm_tree(dir);
	return 0;
}

static unsigned int count_entries(const char *d)
{
	struct dirent *e;
	unsigned int n = 0;
	DIR *dh = opendir(d);

	assert_non_null(dh);
	while ((e = readdir(dh)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(dh);
	return n;
}

static struct hsb_config *parse(const char *t)
{
	struct hsb_config *cfg = hsb_config_new();
	struct hsb_cfg_error err;

	assert_non_null(cfg);
	assert_int_equal(hsb_config_apply_text(cfg, t, HSB_CFG_ALL_KNOWN, NULL,
					       &err),
			 0);
	return cfg;
}

static char *slurp(const char *p)
{
	static char buf[8192];
	FILE *f = fopen(p, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void write_file(const char *p, const char *data, size_t len)
{
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void test_save_load(void **state)
{
	struct hsb_config *cfg = parse(text), *back = hsb_config_new();
	struct hsb_cfg_error err;
	struct stat st;
	char *rendered = hsb_config_render(cfg);

	(void)state;
	assert_int_equal(hsb_config_save(cfg, path, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(count_entries(dir), 1);
	assert_string_equal(slurp(path), rendered);
	assert_int_equal(
		hsb_config_load_file(back, path, HSB_CFG_ALL_KNOWN, &err), 0);
	assert_true(hsb_config_equal(cfg, back));
	/* Saving again replaces the file. */
	assert_int_equal(hsb_config_apply_line(cfg, "sysname fw-c",
					       HSB_CFG_ALL_KNOWN, NULL, 0, NULL,
					       &err),
			 0);
	assert_int_equal(hsb_config_save(cfg, path, &err), 0);
	assert_non_null(strstr(slurp(path), "sysname fw-c\n"));
	assert_int_equal(count_entries(dir), 1);
	/* An existing file's looser mode is not kept. */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(hsb_config_save(cfg, path, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	free(rendered);
	hsb_config_free(cfg);
	hsb_config_free(back);
}

static void test_save_to_directory_fails(void **state)
{
	struct hsb_config *cfg = parse(text);
	struct hsb_cfg_error err;
	struct stat st;

	(void)state;
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(hsb_config_save(cfg, path, &err), -1);
	assert_string_equal(err.file, path);
	assert_true(err.msg[0] != '\0');
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(count_entries(dir), 1);
	hsb_config_free(cfg);
}

static void test_save_missing_dir_fails(void **state)
{
	struct hsb_config *cfg = parse(text);
	struct hsb_cfg_error err;
	char p[400];

	(void)state;
	snprintf(p, sizeof(p), "%s/no/such/dir/hsbd.conf", dir);
	assert_int_equal(hsb_config_save(cfg, p, &err), -1);
	assert_non_null(strstr(err.msg, "No such file or directory"));
	hsb_config_free(cfg);
}

/* A write that fails half way (file size limit: works as root too)
 * leaves the old file as it was and no temporary file. */
static void test_failed_write_keeps_old_file(void **state)
{
	struct hsb_config *cfg = parse(text), *big = parse(text);
	struct hsb_cfg_error err;
	struct rlimit old, lim;
	char before[8192], line[80];
	unsigned int i;

	(void)state;
	assert_int_equal(hsb_config_save(cfg, path, &err), 0);
	snprintf(before, sizeof(before), "%s", slurp(path));
	for (i = 0; i < 200; i++) {
		snprintf(line, sizeof(line), "firewall blacklist 10.0.%u.0/24",
			 i);
		assert_int_equal(hsb_config_apply_line(big, line,
						       HSB_CFG_ALL_KNOWN, NULL,
						       0, NULL, &err),
				 0);
	}
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_IGN);
	lim = old;
	lim.rlim_cur = 1024;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	assert_int_equal(hsb_config_save(big, path, &err), -1);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_non_null(strstr(err.msg, "cannot write"));
	assert_string_equal(slurp(path), before);
	assert_int_equal(count_entries(dir), 1);
	hsb_config_free(cfg);
	hsb_config_free(big);
}

/*
 * A directory hsbd may not write: save must fail before touching the old
 * file. Root ignores directory permissions, so as root the attempt runs in
 * a child that has dropped to an unprivileged uid owning the directory.
 */
static int save_in_readonly_dir(const struct hsb_config *other,
				struct hsb_cfg_error *err)
{
	int ret;

	if (chmod(dir, 0500))
		return -2;
	ret = hsb_config_save(other, path, err);
	chmod(dir, 0700);
	return ret;
}

static void test_unwritable_dir_keeps_old_file(void **state)
{
	struct hsb_config *cfg = parse(text), *other = parse("sysname x\n");
	struct hsb_cfg_error err;
	char before[8192];
	int status;
	pid_t pid;

	(void)state;
	assert_int_equal(hsb_config_save(cfg, path, &err), 0);
	snprintf(before, sizeof(before), "%s", slurp(path));
	if (geteuid() != 0) {
		assert_int_equal(save_in_readonly_dir(other, &err), -1);
		assert_non_null(
			strstr(err.msg, "cannot create a temporary file"));
	} else {
		const uid_t nobody = 65534;

		assert_int_equal(chown(dir, nobody, nobody), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			if (setresgid(nobody, nobody, nobody) ||
			    setresuid(nobody, nobody, nobody))
				_exit(2);
			if (save_in_readonly_dir(other, &err) != -1 ||
			    !strstr(err.msg, "cannot create a temporary file"))
				_exit(1);
			_exit(0);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
		assert_int_equal(chown(dir, 0, 0), 0);
	}
	assert_string_equal(slurp(path), before);
	assert_int_equal(count_entries(dir), 1);
	hsb_config_free(cfg);
	hsb_config_free(other);
}

static void test_load_errors(void **state)
{
	struct hsb_config *cfg = parse("sysname keep\n"), *before;
	struct hsb_cfg_error err;
	char p[400];

	(void)state;
	before = hsb_config_clone(cfg);
	snprintf(p, sizeof(p), "%s/missing.conf", dir);
	assert_int_equal(hsb_config_load_file(cfg, p, HSB_CFG_ALL_KNOWN, &err),
			 -1);
	assert_string_equal(err.file, p);
	assert_non_null(strstr(err.msg, "cannot open"));
	/* A bad line: positioned error, nothing applied. */
	write_file(path, "sysname new\r\nlog level debug\r\nlog level loud\r\n",
		   46);
	assert_int_equal(
		hsb_config_load_file(cfg, path, HSB_CFG_ALL_KNOWN, &err), -1);
	assert_string_equal(err.file, path);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 11);
	assert_true(hsb_config_equal(cfg, before));
	/* A NUL byte is refused, not taken as the end of the file. */
	write_file(path, "sysname a\nsysname b\0junk\n", 25);
	assert_int_equal(
		hsb_config_load_file(cfg, path, HSB_CFG_ALL_KNOWN, &err), -1);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 10);
	assert_non_null(strstr(err.msg, "invalid byte 0x00"));
	assert_true(hsb_config_equal(cfg, before));
	/* A bad later line, as hsbd loads its file: nothing changes. */
	write_file(path, "sysname a\nlog level loud\n", 25);
	assert_int_equal(
		hsb_config_load_file(cfg, path, HSB_CFG_IMPLEMENTED, &err), -1);
	assert_int_equal(err.line, 2);
	assert_true(hsb_config_equal(cfg, before));
	/* CRLF and no final newline are fine. */
	write_file(path, "sysname new\r\n# c\r\nlog level debug", 33);
	assert_int_equal(
		hsb_config_load_file(cfg, path, HSB_CFG_IMPLEMENTED, &err), 0);
	assert_string_equal(cfg->sysname, "new");
	assert_int_equal(cfg->log_level, HSB_LOG_DEBUG);
	hsb_config_free(cfg);
	hsb_config_free(before);
}

/* A file of `size` bytes: "sysname big\n", then comment lines. */
static void write_sized(const char *p, size_t size)
{
	static const char head[] = "sysname big\n";
	char line[4096];
	FILE *f = fopen(p, "w");
	size_t left = size - (sizeof(head) - 1);

	assert_non_null(f);
	assert_int_equal(fwrite(head, 1, sizeof(head) - 1, f),
			 sizeof(head) - 1);
	memset(line, ' ', sizeof(line));
	line[0] = '#';
	line[sizeof(line) - 1] = '\n';
	while (left) {
		size_t n = left < sizeof(line) ? left : sizeof(line);

		/* the last piece may be short: keep it a comment line */
		if (n < sizeof(line))
			line[n - 1] = '\n';
		assert_int_equal(fwrite(line, 1, n, f), n);
		left -= n;
	}
	assert_int_equal(fclose(f), 0);
}

/* The documented limit (configuration.md: 16 MiB) is exact: the read
 * buffer growing past it must not let a bigger file in. */
static void test_load_size_limit(void **state)
{
	const size_t limit = 16u << 20;
	const size_t sizes_bad[] = { limit + 1, limit + (limit / 2),
				     2 * limit - 1 };
	struct hsb_config *cfg = parse("sysname keep\n");
	struct hsb_cfg_error err;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(sizes_bad) / sizeof(sizes_bad[0]); i++) {
		write_sized(path, sizes_bad[i]);
		assert_int_equal(hsb_config_load_file(
					 cfg, path, HSB_CFG_IMPLEMENTED, &err),
				 -1);
		assert_non_null(strstr(err.msg, "too large"));
		assert_string_equal(cfg->sysname, "keep");
	}
	write_sized(path, limit);
	assert_int_equal(
		hsb_config_load_file(cfg, path, HSB_CFG_IMPLEMENTED, &err), 0);
	assert_string_equal(cfg->sysname, "big");
	hsb_config_free(cfg);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_save_load),
		T(test_save_to_directory_fails),
		T(test_save_missing_dir_fails),
		T(test_failed_write_keeps_old_file),
		T(test_unwritable_dir_keeps_old_file),
		T(test_load_errors),
		T(test_load_size_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
