// SPDX-License-Identifier: GPL-2.0-only
/* Tokenizer: splits one command line into words and quoted strings. */
#include <string.h>

#include "config_int.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Rejected everywhere, comments included, so a config file is plain ASCII
 * and what an operator sees is what the parser reads. */
static int check_bytes(struct hcfg_parse *p, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c != '\t' && (c < 0x20 || c > 0x7e))
			return hcfg_err_col(
				p, i + 1,
				"invalid byte 0x%02x (only printable ASCII and tab are allowed)",
				c);
	}
	return 0;
}

/* Copies the quoted string starting at s[*i] (the opening quote) to *out,
 * resolving \" and \\. */
static int lex_quoted(struct hcfg_parse *p, const char *s, size_t len,
		      size_t *i, char **out)
{
	size_t start = *i, j = *i + 1;

	for (; j < len && s[j] != '"'; j++) {
		if (s[j] == '\\') {
			if (j + 1 >= len ||
			    (s[j + 1] != '"' && s[j + 1] != '\\'))
				return hcfg_err_col(
					p, j + 1,
					"unknown escape in quoted string (only \\\" and \\\\ are allowed)");
			j++;
		}
		*(*out)++ = s[j];
	}
	if (j >= len)
		return hcfg_err_col(p, start + 1, "unterminated quoted string");
	j++;
	if (j < len && !is_blank(s[j]) && s[j] != '#')
		return hcfg_err_col(p, j + 1,
				    "expected a space after the closing quote");
	*i = j;
	return 0;
}

static int lex_word(struct hcfg_parse *p, const char *s, size_t len, size_t *i,
		    char **out)
{
	size_t j;

	for (j = *i; j < len && !is_blank(s[j]) && s[j] != '#'; j++) {
		if (s[j] == '"')
			return hcfg_err_col(p, j + 1,
					    "unexpected '\"' inside a word");
		*(*out)++ = s[j];
	}
	*i = j;
	return 0;
}

int hcfg_lex(struct hcfg_parse *p, const char *s, size_t len)
{
	struct hcfg_line *ln = p->line;
	char *out = ln->buf;
	size_t i = 0;

	ln->n = 0;
	/* Tolerate the line terminator of whoever handed the line over. */
	if (len && s[len - 1] == '\n')
		len--;
	if (len && s[len - 1] == '\r')
		len--;
	if (len > HCFG_MAX_LINE)
		return hcfg_err_col(p, HCFG_MAX_LINE + 1,
				    "line too long (more than %d bytes)",
				    HCFG_MAX_LINE);
	if (check_bytes(p, s, len))
		return -1;
	for (;;) {
		struct hcfg_tok *t;
		int rc;

		while (i < len && is_blank(s[i]))
			i++;
		if (i >= len || s[i] == '#')
			return 0;
		if (ln->n == HCFG_MAX_TOKENS)
			return hcfg_err_col(p, i + 1,
					    "too many words (more than %d)",
					    HCFG_MAX_TOKENS);
		t = &ln->tok[ln->n++];
		t->s = out;
		t->col = i + 1;
		t->quoted = s[i] == '"';
		rc = t->quoted ? lex_quoted(p, s, len, &i, &out) :
				 lex_word(p, s, len, &i, &out);
		if (rc)
			return rc;
		*out++ = '\0';
		t->end = i + 1;
	}
}
