/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The running configuration: a model built by applying commands of the hsb
 * command language (docs/configuration.md) one line at a time.
 *
 * The same language serves the config file, `hsbctl config` and (later) HRP
 * configuration replication. Each command is either BACKED_UP (shared
 * policy, replicated from HRP_M to HRP_S) or LOCAL (describes this host).
 * The model, not the text, is the truth: `hsb_config_render()` prints a
 * canonical command list that parses back to an equal model.
 */
#ifndef HSB_CONFIG_H
#define HSB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config_model.h"

enum hsb_cmd_scope {
	HSB_SCOPE_LOCAL = 0,
	HSB_SCOPE_BACKED_UP = 1,
};

/* Which commands a caller accepts. hsbd passes HSB_CFG_IMPLEMENTED: commands
 * the grammar knows but this build does not act on yet are refused with a
 * clear message. Tools and tests may pass HSB_CFG_ALL_KNOWN. */
enum hsb_cfg_accept {
	HSB_CFG_IMPLEMENTED = 0,
	HSB_CFG_ALL_KNOWN = 1,
};

struct hsb_cfg_error {
	char file[128]; /* "" when not from a file */
	unsigned int line; /* 1-based; 0 when not line oriented */
	unsigned int column; /* 1-based column of the offending token */
	char msg[256]; /* "expected X, got 'Y'" style */
};

/* Formats "FILE:LINE:COL: MSG" (parts that are unset are left out). */
int hsb_cfg_error_format(const struct hsb_cfg_error *err, char *buf,
			 size_t len);

struct hsb_config *hsb_config_new(void);
void hsb_config_free(struct hsb_config *cfg);
struct hsb_config *hsb_config_clone(const struct hsb_config *cfg);
bool hsb_config_equal(const struct hsb_config *a, const struct hsb_config *b);

/*
 * Apply one command line. Blank lines and '#' comments are accepted and do
 * nothing. On error, returns -1, fills *err and leaves cfg unchanged.
 * On success returns 0 and, when scope is not NULL, stores the command's
 * scope there.
 */
int hsb_config_apply_line(struct hsb_config *cfg, const char *line,
			  enum hsb_cfg_accept accept, const char *file,
			  unsigned int lineno, enum hsb_cmd_scope *scope,
			  struct hsb_cfg_error *err);

/*
 * Apply a batch of lines (NUL-terminated text, '\n' separated) all or
 * nothing: on the first error cfg is left exactly as it was.
 */
int hsb_config_apply_text(struct hsb_config *cfg, const char *text,
			  enum hsb_cfg_accept accept, const char *file,
			  struct hsb_cfg_error *err);

/* Read and apply a file, all or nothing. A missing file is an error. */
int hsb_config_load_file(struct hsb_config *cfg, const char *path,
			 enum hsb_cfg_accept accept, struct hsb_cfg_error *err);

/* What a secret shows as to clients that may not see it. */
#define HSB_CONFIG_SECRET_MASK "******"

/* True for a canonical line that carries a secret (hrp authentication-key). */
bool hsb_config_line_secret(const char *line);
/* line itself, or its masked form written into buf. */
const char *hsb_config_line_masked(const char *line, char *buf, size_t len);

/* Callback for each canonical command line (without '\n'). Return non-zero
 * to stop the walk; that value is returned by hsb_config_foreach(). */
typedef int (*hsb_config_line_fn)(const char *line, enum hsb_cmd_scope scope,
				  void *ctx);
int hsb_config_foreach(const struct hsb_config *cfg, hsb_config_line_fn fn,
		       void *ctx);

/* The command line is of, as the grammar names it ("security-policy
 * rule", "hrp authentication-key"): its keywords, never its arguments.
 * False for a line of no known command. */
bool hsb_config_command_name(const char *line, char *buf, size_t len);

/* The canonical text: every command of the running config, one per line,
 * in an order that parses back (dependencies first). malloc()ed. */
char *hsb_config_render(const struct hsb_config *cfg);

/*
 * Persist the canonical text to path atomically: write a temporary file in
 * the same directory, fsync it, rename() over path, fsync the directory.
 * A crash at any point leaves either the old or the new file, never a mix.
 */
int hsb_config_save(const struct hsb_config *cfg, const char *path,
		    struct hsb_cfg_error *err);

/*
 * What the hot-standby commands need of each other, which no single line
 * can check (lines may come in any order): a `vgmp group` or `hrp
 * enable` needs `hrp interface` and `hrp authentication-key`. Returns 0,
 * or -1 with the reason in err. hsbd --check-config and the VGMP and HRP
 * engines say the same thing.
 */
int hsb_config_check_ha(const struct hsb_config *cfg, char *err, size_t errlen);

/*
 * Configuration backup (docs/hrp.md, "Configuration backup"): the
 * backed-up part of a model is the shared policy HRP replicates from
 * HRP_M to HRP_S; the local part describes the host and never travels.
 */
bool hsb_config_backed_up_equal(const struct hsb_config *a,
				const struct hsb_config *b);
/* The security policy's part: zones and rules. */
bool hsb_config_policy_equal(const struct hsb_config *a,
			     const struct hsb_config *b);
/* Whether cfg's blacklist has an entry for exactly prefix p. */
bool hsb_config_blacklists(const struct hsb_config *cfg,
			   const struct hsb_cfg_prefix *p);
/* Replaces dst's backed-up part with src's; dst's local part stays. */
void hsb_config_copy_backed_up(struct hsb_config *dst,
			       const struct hsb_config *src);
/* The canonical lines of one scope only (malloc()ed; NULL: no memory). */
char *hsb_config_render_scope(const struct hsb_config *cfg,
			      enum hsb_cmd_scope scope);
/*
 * The configuration a host runs after adopting its peer's backed-up
 * part: own's local part with the backed-up commands of peer_text (the
 * peer's hsb_config_render_scope(..., HSB_SCOPE_BACKED_UP)). The peer
 * text is checked line by line against own's local objects (a `nat
 * address-group ... vrrp vrid N` needs this host's VRID N); a local
 * command in it is an error (the peer may not set this host's
 * interfaces). The result is then printed and parsed again, which checks
 * what no single line can: a local `interface ... zone Z` whose zone the
 * peer no longer defines. Returns 0 with *out set (malloc()ed), or -1
 * with err (its file is "peer") and *out NULL.
 */
int hsb_config_adopt_backed_up(const struct hsb_config *own,
			       const char *peer_text, struct hsb_config **out,
			       struct hsb_cfg_error *err);

#endif /* HSB_CONFIG_H */
