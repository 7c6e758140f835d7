// SPDX-License-Identifier: GPL-2.0-only
/* The Prometheus text format writer (expo.h). */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/expo.h"

void hsb_expo_init(struct hsb_expo *e)
{
	memset(e, 0, sizeof(*e));
}

void hsb_expo_free(struct hsb_expo *e)
{
	free(e->buf);
	hsb_expo_init(e);
}

char *hsb_expo_take(struct hsb_expo *e, size_t *len)
{
	char *b = e->buf;

	if (!b)
		b = calloc(1, 1);
	if (len)
		*len = e->len;
	e->buf = NULL;
	hsb_expo_free(e);
	return b;
}

static bool reserve(struct hsb_expo *e, size_t more)
{
	size_t cap;
	char *nb;

	if (e->oom)
		return false;
	if (e->len + more + 1 <= e->cap)
		return true;
	cap = e->cap ? e->cap : 4096;
	while (cap < e->len + more + 1)
		cap *= 2;
	nb = realloc(e->buf, cap);
	if (!nb) {
		e->oom = true;
		return false;
	}
	e->buf = nb;
	e->cap = cap;
	return true;
}

static void put(struct hsb_expo *e, const char *s, size_t n)
{
	if (!reserve(e, n))
		return;
	memcpy(e->buf + e->len, s, n);
	e->len += n;
	e->buf[e->len] = '\0';
}

static void puts_(struct hsb_expo *e, const char *s)
{
	put(e, s, strlen(s));
}

static void putf(struct hsb_expo *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void putf(struct hsb_expo *e, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(e, tmp,
		    (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* HELP: backslash and newline escaped; label values: quote too. */
static void put_escaped(struct hsb_expo *e, const char *s, bool quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			puts_(e, "\\\\");
		else if (*s == '\n')
			puts_(e, "\\n");
		else if (*s == '"' && quote)
			puts_(e, "\\\"");
		else
			put(e, s, 1);
	}
}

static bool name_ok(const char *s, bool colon)
{
	const char *p;

	if (!s || !*s)
		return false;
	for (p = s; *p; p++) {
		char c = *p;
		bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     c == '_' || (colon && c == ':');

		if (!alpha && !(p != s && c >= '0' && c <= '9'))
			return false;
	}
	return true;
}

bool hsb_expo_metric_name_ok(const char *name)
{
	return name_ok(name, true);
}

bool hsb_expo_label_name_ok(const char *name)
{
	return name_ok(name, false) && strncmp(name, "__", 2) != 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

bool hsb_expo_family(struct hsb_expo *e, const char *name,
		     enum hsb_expo_type type, const char *help)
{
	if (!hsb_expo_metric_name_ok(name) ||
	    strlen(name) >= sizeof(e->family) ||
	    (type == HSB_EXPO_COUNTER && !ends_with(name, "_total"))) {
		e->errors++;
		e->family[0] = '\0';
		return false;
	}
	snprintf(e->family, sizeof(e->family), "%s", name);
	e->families++;
	puts_(e, "# HELP ");
	puts_(e, name);
	puts_(e, " ");
	put_escaped(e, help ? help : "", false);
	puts_(e, "\n# TYPE ");
	puts_(e, name);
	puts_(e, type == HSB_EXPO_COUNTER ? " counter\n" : " gauge\n");
	return true;
}

/* name{labels} with a trailing space; false if refused. */
static bool sample_head(struct hsb_expo *e, const struct hsb_expo_label *l,
			size_t n)
{
	size_t i;

	if (!e->family[0]) {
		e->errors++;
		return false;
	}
	for (i = 0; i < n; i++) {
		if (!hsb_expo_label_name_ok(l[i].name)) {
			e->errors++;
			return false;
		}
	}
	puts_(e, e->family);
	if (n) {
		puts_(e, "{");
		for (i = 0; i < n; i++) {
			if (i)
				puts_(e, ",");
			puts_(e, l[i].name);
			puts_(e, "=\"");
			put_escaped(e, l[i].value ? l[i].value : "", true);
			puts_(e, "\"");
		}
		puts_(e, "}");
	}
	puts_(e, " ");
	e->samples++;
	return true;
}

void hsb_expo_u64(struct hsb_expo *e, const struct hsb_expo_label *labels,
		  size_t n_labels, uint64_t value)
{
	if (sample_head(e, labels, n_labels))
		putf(e, "%" PRIu64 "\n", value);
}

void hsb_expo_f64(struct hsb_expo *e, const struct hsb_expo_label *labels,
		  size_t n_labels, double value)
{
	if (!sample_head(e, labels, n_labels))
		return;
	if (isnan(value))
		puts_(e, "NaN\n");
	else if (isinf(value))
		puts_(e, value > 0 ? "+Inf\n" : "-Inf\n");
	else {
		char tmp[40];

		/* the shortest of 15 or 17 digits that reads back the same */
		snprintf(tmp, sizeof(tmp), "%.15g", value);
		if (strtod(tmp, NULL) != value)
			snprintf(tmp, sizeof(tmp), "%.17g", value);
		putf(e, "%s\n", tmp);
	}
}
