// SPDX-License-Identifier: GPL-2.0-only
/* The command table and the dispatch of a line to its handler. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

#define L HSB_SCOPE_LOCAL
#define B HSB_SCOPE_BACKED_UP
#define IMPL true /* this build acts on it */
#define TODO false /* parsed and checked, refused by hsbd for now */
#define CMD(scope, impl, fn, ...)                           \
	{                                                   \
		{ __VA_ARGS__ }, scope, impl, hcfg_cmd_##fn \
	}

/*
 * Every command the language knows. A command is named by its leading
 * keywords (no name is a prefix of another); the handler parses the rest.
 * implemented: accepted under HSB_CFG_IMPLEMENTED. Flip TODO to IMPL when
 * the feature lands.
 */
static const struct hcfg_cmd {
	const char *words[5];
	enum hsb_cmd_scope scope;
	bool implemented;
	int (*fn)(struct hcfg_parse *p);
} commands[] = {
	CMD(L, IMPL, sysname, "sysname"),
	CMD(L, IMPL, log_level, "log", "level"),
	CMD(L, IMPL, interface, "interface"),
	CMD(B, IMPL, zone, "firewall", "zone"),
	CMD(L, IMPL, table_size, "firewall", "session", "table-size"),
	CMD(B, IMPL, timeout, "firewall", "session", "timeout"),
	CMD(B, IMPL, blacklist, "firewall", "blacklist"),
	CMD(B, IMPL, whitelist, "firewall", "whitelist"),
	CMD(B, IMPL, sec_rule, "security-policy", "rule"),
	CMD(B, IMPL, nat_group, "nat", "address-group"),
	CMD(L, IMPL, nat_partition, "nat", "port-partition"),
	CMD(B, IMPL, nat_rule, "nat", "policy", "rule"),
	CMD(B, IMPL, nat_server, "nat", "server"),
	CMD(L, IMPL, hrp_enable, "hrp", "enable"),
	CMD(L, IMPL, hrp_interface, "hrp", "interface"),
	CMD(L, IMPL, hrp_key, "hrp", "authentication-key"),
	CMD(L, IMPL, hrp_mirror, "hrp", "mirror", "session", "enable"),
	CMD(L, IMPL, hrp_auto_sync, "hrp", "auto-sync"),
	CMD(L, IMPL, hrp_standby, "hrp", "standby-config", "enable"),
	CMD(L, IMPL, vgmp, "vgmp", "group"),
	CMD(L, IMPL, vrrp, "vrrp", "vrid"),
	CMD(L, IMPL, metrics, "metrics", "listen"),
};

#undef CMD
#undef TODO
#undef IMPL
#undef B
#undef L

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/* Whether c's first depth keywords are the tokens from first on. */
static bool cmd_has_prefix(const struct hcfg_cmd *c, const struct hcfg_line *ln,
			   unsigned int first, unsigned int depth)
{
	unsigned int d;

	for (d = 0; d < depth; d++)
		if (strcmp(c->words[d], ln->tok[first + d].s))
			return false;
	return true;
}

/* The distinct keywords that may follow the first depth tokens. */
static void next_words(const struct hcfg_line *ln, unsigned int first,
		       unsigned int depth, const char **cands)
{
	size_t i, j, n = 0;

	for (i = 0; i < N_COMMANDS; i++) {
		const char *w = commands[i].words[depth];

		if (!cmd_has_prefix(&commands[i], ln, first, depth))
			continue;
		for (j = 0; j < n && strcmp(cands[j], w); j++)
			;
		if (j == n)
			cands[n++] = w;
	}
	cands[n] = NULL;
}

static int unknown_command(struct hcfg_parse *p, const char **cands)
{
	const struct hcfg_tok *t = hcfg_peek(p);
	const char *hint;

	if (!t)
		return hcfg_err(p, t, "expected a command after 'undo'");
	hint = hcfg_suggest(t->s, cands);
	return hcfg_err(p, t, "unknown command '%.40s'%s%s%s", t->s,
			hint ? " (did you mean '" : "", hint ? hint : "",
			hint ? "'?)" : "");
}

/* Matches the command keywords one level at a time, so an error names the
 * keywords that were possible at the point where the line went wrong. */
static const struct hcfg_cmd *find_command(struct hcfg_parse *p)
{
	const char *cands[N_COMMANDS + 1];
	unsigned int first = p->pos, depth;
	char label[64] = "";
	size_t i;
	int idx;

	for (depth = 0;; depth++) {
		next_words(p->line, first, depth, cands);
		if (depth == 0) {
			const struct hcfg_tok *t = hcfg_peek(p);

			for (idx = 0; t && cands[idx]; idx++)
				if (!t->quoted && !strcmp(cands[idx], t->s))
					break;
			if (!t || !cands[idx]) {
				unknown_command(p, cands);
				return NULL;
			}
			p->pos++;
		} else if (hcfg_keyword(p, label, cands, &idx)) {
			return NULL;
		}
		snprintf(label + strlen(label), sizeof(label) - strlen(label),
			 "%s%s", depth ? " " : "", cands[idx]);
		for (i = 0; i < N_COMMANDS; i++) {
			const struct hcfg_cmd *c = &commands[i];

			if (cmd_has_prefix(c, p->line, first, depth + 1) &&
			    !c->words[depth + 1])
				return c;
		}
	}
}

static int apply_one(struct hsb_config *cfg, const char *s, size_t len,
		     enum hsb_cfg_accept accept, const char *file,
		     unsigned int lineno, enum hsb_cmd_scope *scope,
		     struct hsb_cfg_error *err)
{
	struct hcfg_line ln; /* filled by hcfg_lex() */
	struct hcfg_parse p = { .cfg = cfg,
				.line = &ln,
				.file = file,
				.lineno = lineno,
				.err = err };
	const struct hcfg_cmd *c;
	char name[64] = "";
	int i;

	if (hcfg_lex(&p, s, len))
		return -1;
	/* cppcheck-suppress uninitvar ; hcfg_lex() sets ln through p.line */
	if (!ln.n) {
		if (scope)
			*scope = HSB_SCOPE_LOCAL;
		return 0;
	}
	p.undo = hcfg_peek_is(&p, "undo");
	p.pos = p.undo;
	c = find_command(&p);
	if (!c)
		return -1;
	if (!c->implemented && accept != HSB_CFG_ALL_KNOWN) {
		for (i = 0; c->words[i]; i++)
			snprintf(name + strlen(name),
				 sizeof(name) - strlen(name), "%s%s",
				 i || p.undo ? " " : "", c->words[i]);
		return hcfg_err_col(
			&p, ln.tok[0].col,
			"'%s%s' is recognised but not implemented in this version of hsbd yet",
			p.undo ? "undo" : "", name);
	}
	if (c->fn(&p))
		return -1;
	if (scope)
		*scope = c->scope;
	return 0;
}

int hsb_config_apply_line(struct hsb_config *cfg, const char *line,
			  enum hsb_cfg_accept accept, const char *file,
			  unsigned int lineno, enum hsb_cmd_scope *scope,
			  struct hsb_cfg_error *err)
{
	return apply_one(cfg, line, strlen(line), accept, file, lineno, scope,
			 err);
}

/* Lines are delimited by '\n' only, so a NUL inside a file reaches the
 * lexer and is refused rather than silently ending the text. */
int hcfg_apply_buf(struct hsb_config *cfg, const char *buf, size_t len,
		   enum hsb_cfg_accept accept, const char *file,
		   struct hsb_cfg_error *err)
{
	struct hsb_config *work = hsb_config_clone(cfg);
	const char *s = buf, *end = buf + len;
	unsigned int lineno = 1;

	if (!work)
		return hcfg_error_set(err, file, "out of memory");
	for (;; lineno++) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

		if (apply_one(work, s, n, accept, file, lineno, NULL, err)) {
			hsb_config_free(work);
			return -1;
		}
		if (!nl)
			break;
		s = nl + 1;
	}
	memcpy(cfg, work, sizeof(*cfg));
	hsb_config_free(work);
	return 0;
}

int hsb_config_apply_text(struct hsb_config *cfg, const char *text,
			  enum hsb_cfg_accept accept, const char *file,
			  struct hsb_cfg_error *err)
{
	return hcfg_apply_buf(cfg, text, strlen(text), accept, file, err);
}

/* The command a canonical line is of: its leading keywords. */
bool hsb_config_command_name(const char *line, char *buf, size_t len)
{
	const char *toks[5];
	char copy[256], *save = NULL, *w;
	unsigned int n = 0, d;
	size_t i;

	snprintf(copy, sizeof(copy), "%s", line);
	for (w = strtok_r(copy, " \t", &save); w && n < 5;
	     w = strtok_r(NULL, " \t", &save))
		toks[n++] = w;
	for (i = 0; i < N_COMMANDS; i++) {
		const struct hcfg_cmd *c = &commands[i];

		for (d = 0; d < 5 && c->words[d]; d++)
			if (d >= n || strcmp(c->words[d], toks[d]))
				break;
		if (d == 5 || c->words[d])
			continue;
		buf[0] = '\0';
		for (d = 0; d < 5 && c->words[d]; d++)
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
				 d ? " " : "", c->words[d]);
		return true;
	}
	return false;
}
