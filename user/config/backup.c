// SPDX-License-Identifier: GPL-2.0-only
/* Adopting the peer's backed-up configuration (config.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

static void set_err(struct hsb_cfg_error *err, unsigned int line,
		    const char *fmt, const char *a, const char *b)
{
	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "peer");
	err->line = line;
	snprintf(err->msg, sizeof(err->msg), fmt, a, b);
}

/* The peer's lines onto base, one by one: each is checked against what
 * base already holds, and must be a backed-up command. */
static int apply_peer_lines(struct hsb_config *base, const char *text,
			    struct hsb_cfg_error *err)
{
	const char *p = text, *nl;
	enum hsb_cmd_scope scope;
	unsigned int lineno = 0;
	char line[HCFG_MAX_LINE + 2];
	size_t n;

	for (; *p; p = nl ? nl + 1 : p + n) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		lineno++;
		if (!n)
			continue;
		if (n >= sizeof(line)) {
			set_err(err, lineno,
				"a line of the peer's configuration is longer than %s bytes%s",
				"4096", "");
			return -1;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		if (hsb_config_apply_line(base, line, HSB_CFG_IMPLEMENTED,
					  "peer", lineno, &scope, err))
			return -1;
		if (scope != HSB_SCOPE_BACKED_UP && line[0] != '#') {
			set_err(err, lineno,
				"'%.60s' is a local command: the peer sends backed-up commands only%s",
				line, "");
			return -1;
		}
	}
	return 0;
}

/* err names the line of text it points at, not a line number of a text
 * nobody sees. */
static void name_merged_line(struct hsb_cfg_error *err, const char *text)
{
	const char *p = text, *nl;
	char msg[sizeof(err->msg)];
	unsigned int i;
	int len;

	for (i = 1; i < err->line && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p)
		return;
	nl = strchr(p, '\n');
	len = nl ? (int)(nl - p) : (int)strlen(p);
	/* the reason first: it is what a truncation must keep */
	snprintf(msg, sizeof(msg), "%.160s (this host's '%.*s')", err->msg,
		 len > 80 ? 80 : len, p);
	memcpy(err->msg, msg, sizeof(err->msg));
	snprintf(err->file, sizeof(err->file), "peer");
	err->line = 0;
	err->column = 0;
}

int hsb_config_adopt_backed_up(const struct hsb_config *own,
			       const char *peer_text, struct hsb_config **out,
			       struct hsb_cfg_error *err)
{
	struct hsb_config *base = hsb_config_clone(own);
	struct hsb_config *blank = hsb_config_new();
	struct hsb_config *merged = NULL;
	char *text = NULL;

	*out = NULL;
	memset(err, 0, sizeof(*err));
	if (!base || !blank || !(merged = hsb_config_new()))
		goto nomem;
	/* nothing of this host's backed-up part survives */
	hsb_config_copy_backed_up(base, blank);
	if (apply_peer_lines(base, peer_text, err))
		goto fail;
	text = hsb_config_render(base);
	if (!text)
		goto nomem;
	/* own was accepted by its caller already: its commands need no
	 * second judgement of what this build implements */
	if (hsb_config_apply_text(merged, text, HSB_CFG_ALL_KNOWN, "merged",
				  err)) {
		name_merged_line(err, text);
		goto fail;
	}
	free(text);
	hsb_config_free(base);
	hsb_config_free(blank);
	*out = merged;
	return 0;
nomem:
	set_err(err, 0, "out of memory%s%s", "", "");
fail:
	free(text);
	hsb_config_free(base);
	hsb_config_free(blank);
	hsb_config_free(merged);
	return -1;
}
