// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>

#include "monitor.h"

void hsb_mon_time(uint64_t wall_ms, char *buf, size_t len)
{
	time_t secs = (time_t)(wall_ms / 1000);
	struct tm tm;

	if (!gmtime_r(&secs, &tm)) {
		snprintf(buf, len, "%" PRIu64, wall_ms);
		return;
	}
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (unsigned int)(wall_ms % 1000));
}

struct json_object *hsb_mon_event(uint64_t wall_ms, const char *kind)
{
	struct json_object *o = json_object_new_object();
	char t[HSB_MON_TIME_LEN];

	if (!o)
		return NULL;
	hsb_mon_time(wall_ms, t, sizeof(t));
	json_object_object_add(o, "time", json_object_new_string(t));
	json_object_object_add(o, "kind", json_object_new_string(kind));
	return o;
}

void hsb_monq_init(struct hsb_monq *q, size_t limit)
{
	memset(q, 0, sizeof(*q));
	q->limit = limit;
}

void hsb_monq_release(struct hsb_monq *q)
{
	free(q->buf);
	hsb_monq_init(q, q->limit);
}

/* Room for need more bytes at the end (pending ones moved to the front). */
static int reserve(struct hsb_monq *q, size_t need)
{
	size_t pending = hsb_monq_pending(q), cap;
	char *bigger;

	if (q->off && q->len + need > q->cap) {
		memmove(q->buf, q->buf + q->off, pending);
		q->off = 0;
		q->len = pending;
	}
	if (q->len + need <= q->cap)
		return 0;
	cap = q->cap ? q->cap : 4096;
	while (cap < q->len + need)
		cap *= 2;
	if (cap > q->limit)
		cap = q->limit;
	bigger = realloc(q->buf, cap);
	if (!bigger)
		return -ENOMEM;
	q->buf = bigger;
	q->cap = cap;
	return 0;
}

static void append(struct hsb_monq *q, const char *s, size_t n)
{
	memcpy(q->buf + q->len, s, n);
	q->len += n;
	q->buf[q->len++] = '\n';
	q->queued_total++;
}

int hsb_monq_push(struct hsb_monq *q, const char *line, size_t len,
		  uint64_t wall_ms)
{
	char notice[160], t[HSB_MON_TIME_LEN];
	size_t nlen = 0, need = len + 1;

	if (q->dropped) {
		hsb_mon_time(wall_ms, t, sizeof(t));
		nlen = (size_t)snprintf(
			notice, sizeof(notice),
			"{\"time\":\"%s\",\"kind\":\"monitor\",\"event\":\"dropped\",\"dropped\":%" PRIu64
			"}",
			t, q->dropped);
		need += nlen + 1;
	}
	if (hsb_monq_pending(q) + need > q->limit) {
		q->dropped++;
		q->dropped_total++;
		return 0;
	}
	if (reserve(q, need)) {
		q->dropped++;
		q->dropped_total++;
		return -ENOMEM;
	}
	if (nlen) {
		append(q, notice, nlen);
		q->dropped = 0;
	}
	append(q, line, len);
	return 1;
}

void hsb_monq_consume(struct hsb_monq *q, size_t n)
{
	if (n > hsb_monq_pending(q))
		n = hsb_monq_pending(q);
	q->off += n;
	if (q->off == q->len)
		q->off = q->len = 0;
}

/* --- the human form ----------------------------------------------------- */

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	return json_object_get_string(v);
}

static const char *str_or(struct json_object *o, const char *key,
			  const char *dflt)
{
	const char *s = str(o, key);

	return s ? s : dflt;
}

static int64_t num(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	return json_object_get_int64(v);
}

static void render_monitor(FILE *out, struct json_object *ev)
{
	const char *what = str_or(ev, "event", "?");

	if (!strcmp(what, "dropped"))
		fprintf(out, "%" PRId64 " events dropped (read too slowly)",
			num(ev, "dropped"));
	else if (!strcmp(what, "start"))
		fprintf(out, "monitoring hsbd [%s] %s",
			str_or(ev, "sysname", ""), str_or(ev, "version", ""));
	else
		fputs(what, out);
}

static void render_vrrp(FILE *out, struct json_object *ev)
{
	fprintf(out, "%s: %s -> %s, priority %" PRId64 " (%s)",
		str_or(ev, "group", "?"), str_or(ev, "from", "?"),
		str_or(ev, "to", "?"), num(ev, "priority"),
		str_or(ev, "reason", "-"));
}

static void render_group(FILE *out, struct json_object *ev)
{
	fprintf(out, "%s: %s (%s)", str_or(ev, "group", "?"),
		str_or(ev, "state", "?"), str_or(ev, "reason", "-"));
}

static void render_config(FILE *out, struct json_object *ev)
{
	struct json_object *changed;
	size_t i, n = 0;

	fprintf(out, "applied, from %s, generation %" PRId64,
		str_or(ev, "origin", "?"), num(ev, "generation"));
	if (json_object_object_get_ex(ev, "changed", &changed) &&
	    json_object_is_type(changed, json_type_array))
		n = json_object_array_length(changed);
	for (i = 0; i < n; i++)
		fprintf(out, "%s%s", i ? ", " : ": ",
			json_object_get_string(
				json_object_array_get_idx(changed, i)));
	fprintf(out, " (+%" PRId64 " -%" PRId64 " lines)", num(ev, "added"),
		num(ev, "removed"));
}

static void render_datapath(FILE *out, struct json_object *ev)
{
	static const struct {
		const char *key, *label;
	} parts[] = {
		{ "sessions_created", "sessions created" },
		{ "sessions_updated", "updated" },
		{ "sessions_deleted", "deleted" },
		{ "nat_created", "nat mappings created" },
		{ "nat_deleted", "nat mappings deleted" },
	};
	bool first = true;
	size_t i;

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		int64_t v = num(ev, parts[i].key);

		if (!v)
			continue;
		fprintf(out, "%s%s %" PRId64, first ? "" : ", ", parts[i].label,
			v);
		first = false;
	}
	if (first)
		fputs("no change", out);
	fprintf(out, " in %" PRId64 " ms", num(ev, "interval_ms"));
}

int hsb_mon_render(FILE *out, struct json_object *ev)
{
	const char *t, *kind;

	if (!json_object_is_type(ev, json_type_object))
		return -1;
	t = str(ev, "time");
	kind = str(ev, "kind");
	if (!t || !kind)
		return -1;
	fprintf(out, "%s %-8s ", t, kind);
	if (!strcmp(kind, "monitor"))
		render_monitor(out, ev);
	else if (!strcmp(kind, "vrrp"))
		render_vrrp(out, ev);
	else if (!strcmp(kind, "group"))
		render_group(out, ev);
	else if (!strcmp(kind, "config"))
		render_config(out, ev);
	else if (!strcmp(kind, "hrp"))
		fprintf(out, "connection to the peer %s",
			str_or(ev, "state", "?"));
	else if (!strcmp(kind, "datapath"))
		render_datapath(out, ev);
	else /* newer hsbd: the object as it came */
		fputs(json_object_to_json_string_ext(ev,
						     JSON_C_TO_STRING_PLAIN),
		      out);
	fputc('\n', out);
	return 0;
}
