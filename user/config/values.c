// SPDX-License-Identifier: GPL-2.0-only
/* Errors, token access and the typed value parsers of the language. */
#include <arpa/inet.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config_int.h"

int hsb_cfg_error_format(const struct hsb_cfg_error *err, char *buf, size_t len)
{
	char where[160] = "";
	size_t n = 0;

	if (err->file[0])
		n += snprintf(where + n, sizeof(where) - n, "%s:", err->file);
	if (err->line)
		n += snprintf(where + n, sizeof(where) - n, "%u:", err->line);
	if (err->column && n < sizeof(where))
		snprintf(where + n, sizeof(where) - n, "%u:", err->column);
	return snprintf(buf, len, "%s%s%s", where, where[0] ? " " : "",
			err->msg);
}

static int verror(struct hsb_cfg_error *err, const char *file,
		  unsigned int line, unsigned int col, const char *fmt,
		  va_list ap)
{
	if (!err) /* the caller does not want details */
		return -1;
	memset(err, 0, sizeof(*err));
	if (file)
		snprintf(err->file, sizeof(err->file), "%s", file);
	err->line = line;
	err->column = col;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	return -1;
}

int hcfg_error_set(struct hsb_cfg_error *err, const char *file, const char *fmt,
		   ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(err, file, 0, 0, fmt, ap);
	va_end(ap);
	return -1;
}

int hcfg_err_col(struct hcfg_parse *p, unsigned int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(p->err, p->file, p->lineno, col, fmt, ap);
	va_end(ap);
	return -1;
}

/* Errors about a missing token point just past the last token. */
static unsigned int end_col(const struct hcfg_parse *p)
{
	const struct hcfg_line *ln = p->line;

	return ln->n ? ln->tok[ln->n - 1].end : 1;
}

static const char *show(const struct hcfg_tok *t, char *buf, size_t len)
{
	if (!t)
		return "end of line";
	/* A quoted token is shown quoted: "got '"permit"'" would confuse. */
	if (strlen(t->s) > 40)
		snprintf(buf, len, "%s%.37s...%s", t->quoted ? "\"" : "'", t->s,
			 t->quoted ? "\"" : "'");
	else
		snprintf(buf, len, "%s%s%s", t->quoted ? "\"" : "'", t->s,
			 t->quoted ? "\"" : "'");
	return buf;
}

int hcfg_err(struct hcfg_parse *p, const struct hcfg_tok *t, const char *fmt,
	     ...)
{
	char msg[sizeof(p->err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return hcfg_err_col(p, t ? t->col : end_col(p), "%s", msg);
}

/* "LABEL: expected WHAT, got 'TOKEN'" */
static int hcfg_expected(struct hcfg_parse *p, const struct hcfg_tok *t,
			 const char *label, const char *what)
{
	char got[64];

	return hcfg_err(p, t, "%s%sexpected %s, got %s", label ? label : "",
			label ? ": " : "", what, show(t, got, sizeof(got)));
}

static unsigned int edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned int row[65];

	if (la > 64 || lb > 64)
		return UINT_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		unsigned int diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			unsigned int up = row[j];
			unsigned int best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* The closest candidate within two edits (and fewer edits than letters,
 * so "x" does not suggest "xdp-mode"), or NULL. */
const char *hcfg_suggest(const char *word, const char *const *cands)
{
	const char *best = NULL;
	unsigned int best_d = 3;

	for (; *cands; cands++) {
		unsigned int d = edit_distance(word, *cands);

		if (d < best_d && d < strlen(word)) {
			best = *cands;
			best_d = d;
		}
	}
	return best;
}

static void fmt_choices(char *buf, size_t len, const char *const *words)
{
	size_t n = 0;
	bool many = words[0] && words[1];

	n += snprintf(buf, len, "%s", many ? "one of " : "");
	for (; *words && n < len; words++)
		n += snprintf(buf + n, len - n, "'%s'%s", *words,
			      words[1] ? ", " : "");
}

static int bad_choice(struct hcfg_parse *p, const struct hcfg_tok *t,
		      const char *label, const char *const *words)
{
	char what[200], got[64];
	const char *hint = t ? hcfg_suggest(t->s, words) : NULL;

	fmt_choices(what, sizeof(what), words);
	return hcfg_err(p, t, "%s%sexpected %s, got %s%s%s%s",
			label ? label : "", label ? ": " : "", what,
			show(t, got, sizeof(got)),
			hint ? " (did you mean '" : "", hint ? hint : "",
			hint ? "'?)" : "");
}

const struct hcfg_tok *hcfg_peek(struct hcfg_parse *p)
{
	return p->pos < p->line->n ? &p->line->tok[p->pos] : NULL;
}

const struct hcfg_tok *hcfg_next(struct hcfg_parse *p)
{
	const struct hcfg_tok *t = hcfg_peek(p);

	if (t)
		p->pos++;
	return t;
}

/* The token just consumed. */
const struct hcfg_tok *hcfg_prev(struct hcfg_parse *p)
{
	return &p->line->tok[p->pos - 1];
}

bool hcfg_peek_is(struct hcfg_parse *p, const char *word)
{
	const struct hcfg_tok *t = hcfg_peek(p);

	return t && !t->quoted && !strcmp(t->s, word);
}

int hcfg_end(struct hcfg_parse *p)
{
	const struct hcfg_tok *t = hcfg_peek(p);
	char got[64];

	if (!t)
		return 0;
	return hcfg_err(p, t, "unexpected %s at the end of the command",
			show(t, got, sizeof(got)));
}

int hcfg_keyword(struct hcfg_parse *p, const char *label,
		 const char *const *words, int *idx)
{
	const struct hcfg_tok *t = hcfg_next(p);
	int i;

	for (i = 0; t && !t->quoted && words[i]; i++) {
		if (!strcmp(t->s, words[i])) {
			*idx = i;
			return 0;
		}
	}
	return bad_choice(p, t, label, words);
}

int hcfg_word(struct hcfg_parse *p, const char *word)
{
	const char *const words[] = { word, NULL };
	int idx;

	return hcfg_keyword(p, NULL, words, &idx);
}

int hcfg_clause(struct hcfg_parse *p, const char *const *clauses,
		unsigned int *seen, int *idx)
{
	const struct hcfg_tok *t = hcfg_peek(p);

	if (!t)
		return 1;
	if (hcfg_keyword(p, NULL, clauses, idx))
		return -1;
	if (*seen & (1u << *idx))
		return hcfg_err(p, t, "'%s' given twice", t->s);
	*seen |= 1u << *idx;
	return 0;
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

static bool is_name(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 1 || n > HSB_CFG_NAME_MAX ||
	    !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	for (i = 1; i < n; i++)
		if (!is_name_char(s[i]))
			return false;
	return true;
}

int hcfg_name(struct hcfg_parse *p, const char *label, char *out)
{
	const struct hcfg_tok *t = hcfg_next(p);

	if (!t || t->quoted || !is_name(t->s))
		return hcfg_expected(
			p, t, label,
			"a name (a letter, then up to 31 of A-Z a-z 0-9 _ . -)");
	strcpy(out, t->s);
	return 0;
}

int hcfg_sysname(struct hcfg_parse *p, char *out)
{
	const struct hcfg_tok *t = hcfg_next(p);
	size_t n = t ? strlen(t->s) : 0, i;
	bool ok = n >= 1 && n < HSB_CFG_SYSNAME_SIZE && !t->quoted;

	for (i = 0; ok && i < n; i++)
		ok = is_name_char(t->s[i]);
	if (!ok)
		return hcfg_expected(p, t, "sysname",
				     "1..63 of A-Z a-z 0-9 _ . -");
	strcpy(out, t->s);
	return 0;
}

/* The kernel's dev_valid_name() rules. */
int hcfg_ifname(struct hcfg_parse *p, const char *label, char *out)
{
	const struct hcfg_tok *t = hcfg_next(p);
	size_t n = t ? strlen(t->s) : 0;

	if (!t || t->quoted || n < 1 || n >= HSB_CFG_IFNAME_SIZE ||
	    strpbrk(t->s, "/:") || !strcmp(t->s, ".") || !strcmp(t->s, ".."))
		return hcfg_expected(
			p, t, label,
			"an interface name (1..15 chars, no '/' or ':', not '.' or '..')");
	strcpy(out, t->s);
	return 0;
}

static bool parse_u32(const char *s, uint32_t *out)
{
	uint64_t v = 0;

	if (!*s || strlen(s) > 10)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

bool hcfg_is_uint(const struct hcfg_tok *t)
{
	uint32_t v;

	return t && !t->quoted && parse_u32(t->s, &v);
}

int hcfg_uint(struct hcfg_parse *p, const char *label, uint32_t min,
	      uint32_t max, uint32_t *out)
{
	const struct hcfg_tok *t = hcfg_next(p);
	char what[64];
	uint32_t v;

	if (t && !t->quoted && parse_u32(t->s, &v) && v >= min && v <= max) {
		*out = v;
		return 0;
	}
	snprintf(what, sizeof(what), "an integer %u..%u", min, max);
	return hcfg_expected(p, t, label, what);
}

int hcfg_port(struct hcfg_parse *p, const char *label, uint16_t *out)
{
	uint32_t v;

	if (hcfg_uint(p, label, 1, 65535, &v))
		return -1;
	*out = (uint16_t)v;
	return 0;
}

int hcfg_port_range(struct hcfg_parse *p, const char *label, uint16_t *lo,
		    uint16_t *hi)
{
	const struct hcfg_tok *t = hcfg_next(p);
	char buf[16], *dash;
	uint32_t a, b;

	if (!t || t->quoted || strlen(t->s) >= sizeof(buf))
		goto bad;
	strcpy(buf, t->s);
	dash = strchr(buf, '-');
	if (dash)
		*dash++ = '\0';
	if (!parse_u32(buf, &a) || a < 1 || a > 65535)
		goto bad;
	b = a;
	if (dash && (!parse_u32(dash, &b) || b < a || b > 65535))
		goto bad;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
bad:
	return hcfg_expected(p, t, label,
			     "a port 1..65535 or a range LO-HI with LO <= HI");
}

static const char *family_what(int family, const char *kind, char *buf,
			       size_t len)
{
	const char *fam = family == AF_INET  ? "IPv4" :
			  family == AF_INET6 ? "IPv6" :
					       "IPv4 or IPv6";

	snprintf(buf, len, "an %s %s", fam, kind);
	return buf;
}

bool hcfg_addr_parse(const char *s, int family, struct hsb_cfg_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (family != AF_INET6 && inet_pton(AF_INET, s, &out->v4) == 1)
		out->family = AF_INET;
	else if (family != AF_INET && inet_pton(AF_INET6, s, &out->v6) == 1)
		out->family = AF_INET6;
	return out->family != AF_UNSPEC;
}

int hcfg_addr(struct hcfg_parse *p, const char *label, int family,
	      struct hsb_cfg_addr *out)
{
	const struct hcfg_tok *t = hcfg_next(p);
	char what[40];

	if (t && !t->quoted && hcfg_addr_parse(t->s, family, out))
		return 0;
	return hcfg_expected(p, t, label,
			     family_what(family, "address", what,
					 sizeof(what)));
}

static uint8_t *addr_bytes(struct hsb_cfg_addr *a)
{
	return a->family == AF_INET ? (uint8_t *)&a->v4 : a->v6.s6_addr;
}

static unsigned int addr_bits(const struct hsb_cfg_addr *a)
{
	return a->family == AF_INET ? 32 : 128;
}

/* Clears the host bits; returns whether any was set. */
static bool clear_host_bits(struct hsb_cfg_prefix *pfx)
{
	uint8_t *b = addr_bytes(&pfx->addr);
	unsigned int i, bits = addr_bits(&pfx->addr);
	bool set = false;

	for (i = pfx->len; i < bits; i++) {
		uint8_t bit = (uint8_t)(0x80 >> (i % 8));

		set |= (b[i / 8] & bit) != 0;
		b[i / 8] &= (uint8_t)~bit;
	}
	return set;
}

/* ADDR[/LEN]; a bare address is a host prefix. */
static bool parse_prefix(const char *s, int family, struct hsb_cfg_prefix *out)
{
	char a[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	uint32_t len;

	if (alen >= sizeof(a))
		return false;
	memcpy(a, s, alen);
	a[alen] = '\0';
	if (!hcfg_addr_parse(a, family, &out->addr))
		return false;
	out->len = addr_bits(&out->addr);
	if (!slash)
		return true;
	if (!parse_u32(slash + 1, &len) || len > out->len)
		return false;
	out->len = len;
	return true;
}

int hcfg_prefix(struct hcfg_parse *p, const char *label, int family,
		struct hsb_cfg_prefix *out)
{
	const struct hcfg_tok *t = hcfg_next(p);
	char what[40], net[HCFG_ADDRSTRLEN];

	if (!t || t->quoted || !parse_prefix(t->s, family, out))
		return hcfg_expected(p, t, label,
				     family_what(family, "prefix", what,
						 sizeof(what)));
	if (clear_host_bits(out))
		return hcfg_err(
			p, t,
			"%s: host bits are set in '%s' (the network is %s)",
			label, t->s, hcfg_fmt_prefix(out, net));
	return 0;
}

int hcfg_vip(struct hcfg_parse *p, const char *label,
	     struct hsb_cfg_prefix *out)
{
	const struct hcfg_tok *t = hcfg_next(p);

	if (t && !t->quoted && parse_prefix(t->s, AF_UNSPEC, out))
		return 0;
	return hcfg_expected(p, t, label,
			     "an IPv4 or IPv6 address, optionally with /LEN");
}

int hcfg_string(struct hcfg_parse *p, const char *label, size_t min, size_t max,
		char *out)
{
	const struct hcfg_tok *t = hcfg_next(p);
	size_t n = t ? strlen(t->s) : 0;
	char what[64];

	if (t && n >= min && n <= max) {
		strcpy(out, t->s);
		return 0;
	}
	snprintf(what, sizeof(what), "a quoted string of %zu..%zu characters",
		 min, max);
	return hcfg_expected(p, t, label, what);
}

int hcfg_protocol(struct hcfg_parse *p, int *out)
{
	static const char *const names[] = { "tcp",    "udp", "icmp",
					     "icmpv6", "any", NULL };
	static const int numbers[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP,
				       IPPROTO_ICMPV6, HSB_CFG_PROTO_ANY };
	const struct hcfg_tok *t = hcfg_next(p);
	uint32_t v;
	int i;

	for (i = 0; t && !t->quoted && names[i]; i++) {
		if (!strcmp(t->s, names[i])) {
			*out = numbers[i];
			return 0;
		}
	}
	if (t && !t->quoted && parse_u32(t->s, &v) && v <= 255) {
		*out = (int)v;
		return 0;
	}
	return hcfg_expected(
		p, t, "protocol",
		"one of 'tcp', 'udp', 'icmp', 'icmpv6', 'any' or a number 0..255");
}

bool hcfg_addr_eq(const struct hsb_cfg_addr *a, const struct hsb_cfg_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->v4.s_addr == b->v4.s_addr;
	if (a->family == AF_INET6)
		return !memcmp(&a->v6, &b->v6, sizeof(a->v6));
	return true;
}

bool hcfg_prefix_eq(const struct hsb_cfg_prefix *a,
		    const struct hsb_cfg_prefix *b)
{
	return hcfg_addr_eq(&a->addr, &b->addr) &&
	       (a->addr.family == AF_UNSPEC || a->len == b->len);
}

const char *hcfg_fmt_addr(const struct hsb_cfg_addr *a, char *buf)
{
	if (!inet_ntop(a->family,
		       a->family == AF_INET ? (const void *)&a->v4 :
					      (const void *)&a->v6,
		       buf, HCFG_ADDRSTRLEN))
		strcpy(buf, "?");
	return buf;
}

const char *hcfg_fmt_prefix(const struct hsb_cfg_prefix *p, char *buf)
{
	hcfg_fmt_addr(&p->addr, buf);
	if (p->len != addr_bits(&p->addr))
		sprintf(buf + strlen(buf), "/%u", p->len);
	return buf;
}
