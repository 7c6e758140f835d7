// SPDX-License-Identifier: GPL-2.0-only
/*
 * show sessions / clear sessions / show blacklist|whitelist.
 *
 * A session request walks the whole table in one go (batch reads,
 * datapath/map_walk.h): about 0.3 s per million entries on the lab
 * machine, during which the event loop waits. Operators run these by hand;
 * the sweeper, which runs all the time, spreads its walk over ticks.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include <json-c/printbuf.h>

#include "clock.h"
#include "hsb/nat.h"
#include "ctl/ctl_cmd.h"
#include "ctl_proto.h"
#include "datapath/datapath.h"
#include "datapath/map_walk.h"
#include "hsbd.h"
#include "firewall/lists_engine.h"
#include "records/record_buf.h"
#include "sessions/session_expiry.h"
#include "sessions/session_filter.h"
#include "sessions/session_table.h"
#include "sessions/session_view.h"
#include "firewall/zones.h"

/* At most this many sessions in one `show sessions` reply. */
#define HSB_SHOW_SESSIONS_MAX 10000

#define NSEC_PER_SEC 1000000000ULL

typedef void (*visit_fn)(const struct hsb_flow_key *k,
			 const struct hsb_session *s, void *ctx);

struct walk_ctx {
	const struct hsb_session_filter *f;
	visit_fn fn;
	void *ctx;
};

static void walk_batch(const void *keys, const void *vals, uint32_t n,
		       void *ctx)
{
	const struct hsb_flow_key *k = keys;
	const struct hsb_session *s = vals;
	struct walk_ctx *w = ctx;
	uint32_t i;

	for (i = 0; i < n; i++)
		if (hsb_session_filter_match(w->f, &k[i], &s[i]))
			w->fn(&k[i], &s[i], w->ctx);
}

/* Calls fn for every entry matching f. */
static int walk(struct hsbd *d, const struct hsb_session_filter *f, visit_fn fn,
		void *ctx)
{
	struct walk_ctx w = { .f = f, .fn = fn, .ctx = ctx };

	return hsb_map_walk_all(hsb_datapath_maps(d->dp)->sessions,
				sizeof(struct hsb_flow_key),
				sizeof(struct hsb_session), walk_batch, &w);
}

/* The sessions listed go into the reply as JSON text, each rendered and
 * freed in turn: as a json-c tree, 10000 sessions held ~75 MiB of peak
 * heap (~7 KiB a session: an object and its hash table per endpoint and
 * counter pair), which hsbd then keeps (M_TRIM_THRESHOLD, main.c); as
 * text they take ~0.5 KiB each. */
struct show_ctx {
	const struct hsb_config *cfg;
	uint64_t now;
	uint64_t matched;
	uint64_t shown;
	struct printbuf *text; /* the array's elements, comma-separated */
	bool oom;
};

static struct json_object *endpoint(uint8_t family,
				    const struct hsb_endpoint *e)
{
	struct json_object *o = json_object_new_object();
	char a[64];

	hsb_flow_addr_format(family, e->addr, a, sizeof(a));
	json_object_object_add(o, "addr", json_object_new_string(a));
	json_object_object_add(o, "port", json_object_new_int(e->port));
	return o;
}

static struct json_object *zone(const struct hsb_config *cfg, uint32_t id)
{
	const char *name = hsb_zone_name(cfg, id);
	char buf[16];

	if (name)
		return json_object_new_string(name);
	if (id == 0)
		return json_object_new_string("");
	snprintf(buf, sizeof(buf), "zone#%u", id);
	return json_object_new_string(buf);
}

static struct json_object *pair(const __u64 v[2])
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "orig", json_object_new_uint64(v[0]));
	json_object_object_add(o, "reply", json_object_new_uint64(v[1]));
	return o;
}

static void add_flag(const char *name, void *ctx)
{
	json_object_array_add(ctx, json_object_new_string(name));
}

static uint64_t secs(uint64_t ns)
{
	return ns / NSEC_PER_SEC;
}

/* The translation: kind, and the public / inside endpoint it maps. */
static struct json_object *nat_json(const struct hsb_flow_key *k,
				    const struct hsb_session *s)
{
	static const char *const kinds[] = { [HSB_NAT_KIND_NONE] = "none",
					     [HSB_NAT_KIND_PAT] = "pat",
					     [HSB_NAT_KIND_NOPAT] = "no-pat",
					     [HSB_NAT_KIND_DNAT] = "server",
					     [HSB_NAT_KIND_SRV_SNAT] =
						     "server-source" };
	struct json_object *o = json_object_new_object();
	struct hsb_endpoint e;

	json_object_object_add(
		o, "kind",
		json_object_new_string(s->nat.kind <= HSB_NAT_KIND_SRV_SNAT ?
					       kinds[s->nat.kind] :
					       "unknown"));
	memset(&e, 0, sizeof(e));
	memcpy(e.addr, s->nat.addr, 4);
	e.port = s->nat.port;
	/* source NAT: the initiator appears as this; DNAT: the responder
	 * is reached at this */
	json_object_object_add(o,
			       s->nat.kind == HSB_NAT_KIND_DNAT ?
				       "responder_inside" :
				       "initiator_public",
			       endpoint(k->family, &e));
	return o;
}

static struct json_object *session_json(const struct show_ctx *c,
					const struct hsb_flow_key *k,
					const struct hsb_session *s)
{
	struct json_object *o = json_object_new_object();
	struct json_object *flags = json_object_new_array();
	const char *proto = hsb_proto_name(k->proto);
	struct hsb_endpoint ini, rsp;

	hsb_session_endpoints(k, s, &ini, &rsp);
	json_object_object_add(
		o, "family",
		json_object_new_string(k->family == HSB_FAMILY_IPV4 ? "ipv4" :
								      "ipv6"));
	json_object_object_add(o, "protocol",
			       proto ? json_object_new_string(proto) :
				       json_object_new_int(k->proto));
	json_object_object_add(o, "initiator", endpoint(k->family, &ini));
	json_object_object_add(o, "responder", endpoint(k->family, &rsp));
	json_object_object_add(
		o, "state",
		json_object_new_string(hsb_ct_state_name(s->state)));
	json_object_object_add(o, "zone_in", zone(c->cfg, s->zone_in));
	json_object_object_add(o, "zone_out", zone(c->cfg, s->zone_out));
	json_object_object_add(
		o, "age_s",
		json_object_new_uint64(secs(
			c->now > s->created_ns ? c->now - s->created_ns : 0)));
	json_object_object_add(
		o, "idle_s",
		json_object_new_uint64(secs(hsb_session_idle_ns(s, c->now))));
	json_object_object_add(
		o, "expires_in_s",
		json_object_new_uint64(
			secs(hsb_session_expires_in_ns(&c->cfg->session,
						       k->proto, s, c->now) +
			     NSEC_PER_SEC - 1)));
	json_object_object_add(o, "packets", pair(s->packets));
	json_object_object_add(o, "bytes", pair(s->bytes));
	hsb_session_flag_names(s->flags, add_flag, flags);
	json_object_object_add(o, "flags", flags);
	json_object_object_add(o, "rule", json_object_new_int(s->rule));
	if (s->flags & HSB_SESS_F_NAT)
		json_object_object_add(o, "nat", nat_json(k, s));
	json_object_object_add(o, "ifindex_in",
			       json_object_new_uint64(s->ifindex_in));
	return o;
}

static void show_one(const struct hsb_flow_key *k, const struct hsb_session *s,
		     void *ctx)
{
	struct show_ctx *c = ctx;
	struct json_object *o;
	const char *txt;

	if (c->matched++ >= HSB_SHOW_SESSIONS_MAX || c->oom)
		return;
	o = session_json(c, k, s);
	txt = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	if ((c->shown && printbuf_memappend(c->text, ",", 1) < 0) ||
	    printbuf_memappend(c->text, txt, (int)strlen(txt)) < 0)
		c->oom = true;
	else
		c->shown++;
	json_object_put(o);
}

/* Serializes the sessions array from its text (show_ctx.text). */
static int text_array(struct json_object *o, struct printbuf *pb, int level,
		      int flags)
{
	struct printbuf *text = json_object_get_userdata(o);

	(void)level;
	(void)flags;
	if (printbuf_memappend(pb, "[", 1) < 0 ||
	    printbuf_memappend(pb, text->buf, text->bpos) < 0 ||
	    printbuf_memappend(pb, "]", 1) < 0)
		return -1;
	return 0;
}

static void text_free(struct json_object *o, void *userdata)
{
	(void)o;
	printbuf_free(userdata);
}

static int parse_filter(struct hsbd *d, const struct hsb_ctl_request *req,
			int words, struct hsb_session_filter *f, char *err,
			size_t errlen)
{
	return hsb_session_filter_parse(f, req->argc - words, req->argv + words,
					d->cfg, err, errlen);
}

static int show_sessions(struct hsbd *d, const struct hsb_ctl_request *req,
			 int words, bool nat_only, struct json_object **reply,
			 char *err, size_t errlen)
{
	struct show_ctx c = { .cfg = d->cfg, .now = hsb_now_ns() };
	struct hsb_session_filter f;
	struct json_object *o, *arr;
	int ret;

	if (parse_filter(d, req, words, &f, err, errlen))
		return -1;
	if (nat_only)
		f.has |= HSB_SF_NAT;
	c.text = printbuf_new();
	arr = c.text ? json_object_new_array() : NULL;
	if (!arr) {
		printbuf_free(c.text);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	json_object_set_serializer(arr, text_array, c.text, text_free);
	ret = walk(d, &f, show_one, &c);
	if (!ret && c.oom)
		ret = -ENOMEM;
	if (ret) {
		json_object_put(arr);
		snprintf(err, errlen, "cannot read hsb_sessions: %s",
			 strerror(-ret));
		return -1;
	}
	o = json_object_new_object();
	json_object_object_add(o, "sessions", arr);
	json_object_object_add(o, "matched", json_object_new_uint64(c.matched));
	json_object_object_add(o, "shown", json_object_new_uint64(c.shown));
	json_object_object_add(o, "limit",
			       json_object_new_int(HSB_SHOW_SESSIONS_MAX));
	json_object_object_add(
		o, "capacity",
		json_object_new_uint64(hsb_datapath_maps(d->dp)->sessions_max));
	*reply = o;
	return 0;
}

static int show_all_sessions(struct hsbd *d, const struct hsb_ctl_request *req,
			     int words, struct json_object **reply, char *err,
			     size_t errlen)
{
	return show_sessions(d, req, words, false, reply, err, errlen);
}

static int show_nat_sessions(struct hsbd *d, const struct hsb_ctl_request *req,
			     int words, struct json_object **reply, char *err,
			     size_t errlen)
{
	return show_sessions(d, req, words, true, reply, err, errlen);
}

struct clear_ctx {
	struct hsbd *d;
	uint64_t now;
	uint64_t cleared;
	struct hsb_record_buf *out; /* the deletes, to the bus */
};

static void clear_one(const struct hsb_flow_key *k, const struct hsb_session *s,
		      void *ctx)
{
	struct clear_ctx *c = ctx;

	if (hsb_session_remove(hsb_datapath_maps(c->d->dp)->sessions, c->out, k,
			       s, c->now) == 0)
		c->cleared++;
}

static int clear_sessions(struct hsbd *d, const struct hsb_ctl_request *req,
			  int words, struct json_object **reply, char *err,
			  size_t errlen)
{
	struct clear_ctx c = { .d = d, .now = hsb_now_ns() };
	struct hsb_session_filter f;
	int ret;

	if (parse_filter(d, req, words, &f, err, errlen))
		return -1;
	c.out = malloc(sizeof(*c.out));
	if (!c.out) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	hsb_record_buf_init(c.out, d->bus);
	ret = walk(d, &f, clear_one, &c);
	hsb_record_buf_flush(c.out);
	free(c.out);
	if (ret) {
		snprintf(err, errlen,
			 "cannot read hsb_sessions: %s (%llu cleared)",
			 strerror(-ret), (unsigned long long)c.cleared);
		return -1;
	}
	*reply = json_object_new_object();
	json_object_object_add(*reply, "cleared",
			       json_object_new_uint64(c.cleared));
	return 0;
}

struct list_ctx {
	uint64_t now;
	struct json_object *arr;
};

static void list_one(const struct hsb_list_view *v, void *ctx)
{
	struct list_ctx *c = ctx;
	struct json_object *o = json_object_new_object();
	char pfx[64];

	hsb_prefix_format(v->prefix, pfx, sizeof(pfx));
	json_object_object_add(o, "prefix", json_object_new_string(pfx));
	json_object_object_add(o, "expire_s",
			       json_object_new_uint64(v->expire_s));
	/* null: never expires. */
	json_object_object_add(
		o, "expires_in_s",
		v->expires_ns ? json_object_new_uint64(
					v->expires_ns > c->now ?
						secs(v->expires_ns - c->now +
						     NSEC_PER_SEC - 1) :
						0) :
				NULL);
	json_object_object_add(o, "hits", json_object_new_uint64(v->hits));
	json_object_array_add(c->arr, o);
}

static int show_list(struct hsbd *d, bool black, struct json_object **reply)
{
	struct list_ctx c = { .now = hsb_now_ns(),
			      .arr = json_object_new_array() };

	hsb_lists_for_each(d, black, list_one, &c);
	*reply = json_object_new_object();
	json_object_object_add(*reply, "entries", c.arr);
	return 0;
}

static int show_blacklist(struct hsbd *d, const struct hsb_ctl_request *req,
			  int words, struct json_object **reply, char *err,
			  size_t errlen)
{
	(void)req;
	(void)words;
	(void)err;
	(void)errlen;
	return show_list(d, true, reply);
}

static int show_whitelist(struct hsbd *d, const struct hsb_ctl_request *req,
			  int words, struct json_object **reply, char *err,
			  size_t errlen)
{
	(void)req;
	(void)words;
	(void)err;
	(void)errlen;
	return show_list(d, false, reply);
}

/* The filter words follow "show sessions" / "clear sessions". */
static const struct hsb_ctl_cmd cmds[] = {
	{ { "show", "sessions" }, true, show_all_sessions },
	{ { "show", "blacklist" }, false, show_blacklist },
	{ { "show", "whitelist" }, false, show_whitelist },
	{ { "clear", "sessions" }, true, clear_sessions },
	{ { "show", "nat", "sessions" }, true, show_nat_sessions },
};

HSB_CTL_TABLE(hsb_ctl_firewall_cmds, cmds);
