// SPDX-License-Identifier: GPL-2.0-only
/*
 * show nat pat | no-pat | pool-usage, show server-map: the NAT maps read
 * whole (nat/nat_table.h), one walk per request like show sessions.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <json-c/json.h>

#include "clock.h"
#include "ctl/ctl_cmd.h"
#include "ctl_proto.h"
#include "datapath/datapath.h"
#include "hsbd.h"
#include "nat/nat_compile.h"
#include "nat/nat_table.h"
#include "sessions/session_view.h"
#include "firewall/zones.h"

#define NSEC_PER_SEC 1000000000ULL
/* At most this many entries in one reply. */
#define HSB_SHOW_NAT_MAX 10000

static struct json_object *jaddr(__be32 a)
{
	char buf[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, buf, sizeof(buf));
	return json_object_new_string(buf);
}

static struct json_object *jproto(__u8 p)
{
	const char *n = hsb_proto_name(p);

	if (!p)
		return json_object_new_string("any");
	return n ? json_object_new_string(n) : json_object_new_int(p);
}

static struct json_object *jflags(__u16 f)
{
	struct json_object *a = json_object_new_array();

	if (f & HSB_NAT_F_DIRTY)
		json_object_array_add(a, json_object_new_string("dirty"));
	if (f & HSB_NAT_F_STATIC)
		json_object_array_add(a, json_object_new_string("static"));
	if (f & HSB_NAT_F_DYNAMIC)
		json_object_array_add(a, json_object_new_string("dynamic"));
	if (f & HSB_NAT_F_FROM_PEER)
		json_object_array_add(a, json_object_new_string("from-peer"));
	return a;
}

struct list_ctx {
	const struct hsb_config *cfg;
	uint64_t now;
	uint64_t matched;
	int table;
	struct json_object *arr;
};

static uint64_t age_s(uint64_t now, uint64_t then)
{
	return then && now > then ? (now - then) / NSEC_PER_SEC : 0;
}

static const char *group_name(const struct hsb_config *cfg, unsigned int g)
{
	return g < cfg->n_nat_groups ? cfg->nat_groups[g].name : "";
}

static void list_one(const struct hsb_nat_key *k, const struct hsb_nat_entry *v,
		     void *ctx)
{
	struct list_ctx *c = ctx;
	struct json_object *o;

	if (c->matched++ >= HSB_SHOW_NAT_MAX)
		return;
	o = json_object_new_object();
	if (c->table == HSB_NAT_TABLE_SRV) {
		const char *zn = v->zone == HSB_ZONE_ANY ?
					 "any" :
					 hsb_zone_name(c->cfg, v->zone);

		json_object_object_add(o, "protocol", jproto(k->proto));
		json_object_object_add(o, "global", jaddr(k->addr));
		json_object_object_add(o, "global_port",
				       json_object_new_int(k->port));
		json_object_object_add(o, "inside", jaddr(v->addr));
		json_object_object_add(o, "inside_port",
				       json_object_new_int(v->port));
		json_object_object_add(
			o, "type",
			json_object_new_string(v->flags & HSB_NAT_F_DYNAMIC ?
						       "dynamic" :
						       "static"));
		json_object_object_add(o, "zone",
				       json_object_new_string(zn ? zn : "?"));
		if ((v->flags & HSB_NAT_F_STATIC) &&
		    v->group < c->cfg->n_nat_servers)
			json_object_object_add(
				o, "server",
				json_object_new_string(
					c->cfg->nat_servers[v->group].name));
		json_object_object_add(
			o, "expires_in_s",
			v->expires_ns ?
				json_object_new_uint64(
					v->expires_ns > c->now ?
						(v->expires_ns - c->now) /
							NSEC_PER_SEC :
						0) :
				NULL);
	} else {
		bool pat = c->table == HSB_NAT_TABLE_PAT;

		if (pat)
			json_object_object_add(o, "protocol", jproto(k->proto));
		json_object_object_add(o, pat ? "pool_addr" : "public",
				       jaddr(k->addr));
		if (pat)
			json_object_object_add(o, "pool_port",
					       json_object_new_int(k->port));
		json_object_object_add(o, "inside", jaddr(v->addr));
		if (pat)
			json_object_object_add(o, "inside_port",
					       json_object_new_int(v->port));
		json_object_object_add(o, "sessions",
				       json_object_new_uint64(v->refcnt));
		json_object_object_add(
			o, "group",
			json_object_new_string(group_name(c->cfg, v->group)));
		json_object_object_add(
			o, "age_s",
			json_object_new_uint64(age_s(c->now, v->created_ns)));
		json_object_object_add(
			o, "idle_s",
			json_object_new_uint64(age_s(c->now, v->last_ref_ns)));
	}
	json_object_object_add(o, "flags", jflags(v->flags));
	json_object_array_add(c->arr, o);
}

static int show_table(struct hsbd *d, int table, const char *what,
		      struct json_object **reply, char *err, size_t errlen)
{
	const struct hsb_dp_maps *m = hsb_datapath_maps(d->dp);
	struct list_ctx c = { .cfg = d->cfg,
			      .now = hsb_now_ns(),
			      .table = table,
			      .arr = json_object_new_array() };
	int fd = table == HSB_NAT_TABLE_PAT   ? m->nat_pat :
		 table == HSB_NAT_TABLE_NOPAT ? m->nat_nopat :
						m->nat_srv;
	int ret = hsb_nat_walk_pub(fd, list_one, &c);

	if (ret) {
		json_object_put(c.arr);
		snprintf(err, errlen, "cannot read %s: %s", what,
			 strerror(-ret));
		return -1;
	}
	*reply = json_object_new_object();
	json_object_object_add(*reply, "entries", c.arr);
	json_object_object_add(*reply, "matched",
			       json_object_new_uint64(c.matched));
	json_object_object_add(*reply, "limit",
			       json_object_new_int(HSB_SHOW_NAT_MAX));
	return 0;
}

static int show_pat(struct hsbd *d, const struct hsb_ctl_request *req,
		    int words, struct json_object **reply, char *err,
		    size_t errlen)
{
	(void)req;
	(void)words;
	return show_table(d, HSB_NAT_TABLE_PAT, HSB_MAP_NAT_PAT, reply, err,
			  errlen);
}

static int show_nopat(struct hsbd *d, const struct hsb_ctl_request *req,
		      int words, struct json_object **reply, char *err,
		      size_t errlen)
{
	(void)req;
	(void)words;
	return show_table(d, HSB_NAT_TABLE_NOPAT, HSB_MAP_NAT_NOPAT, reply, err,
			  errlen);
}

static int show_server_map(struct hsbd *d, const struct hsb_ctl_request *req,
			   int words, struct json_object **reply, char *err,
			   size_t errlen)
{
	(void)req;
	(void)words;
	return show_table(d, HSB_NAT_TABLE_SRV, HSB_MAP_NAT_SRV, reply, err,
			  errlen);
}

/* ---- pool usage ----------------------------------------------------- */

#define USAGE_MAX_ADDRS 1024 /* addresses listed per group */

struct usage {
	uint32_t addr; /* host order */
	uint32_t used[3]; /* tcp, udp, icmp (PAT); NO-PAT: [0] in use */
	__be32 inside; /* NO-PAT */
};

struct usage_ctx {
	struct usage *u[HSB_NAT_MAX_GROUPS];
	unsigned int n[HSB_NAT_MAX_GROUPS];
	const struct hsb_nat_compiled *c;
	int nopat;
};

/* The usage slot of addr in group g: its index in the pool (by section,
 * at most HSB_NAT_MAX_SECTIONS steps), if listed. */
static struct usage *usage_of(struct usage_ctx *uc, unsigned int g,
			      uint32_t addr)
{
	const struct hsb_nat_pool *p;
	uint32_t base = 0, s;

	if (g >= uc->c->n_pools || !uc->u[g])
		return NULL;
	p = &uc->c->pools[g];
	for (s = 0; s < p->n_sections && s < HSB_NAT_MAX_SECTIONS; s++) {
		if (addr >= p->sec[s].first &&
		    addr - p->sec[s].first < p->sec[s].count) {
			uint32_t i = base + (addr - p->sec[s].first);

			return i < uc->n[g] ? &uc->u[g][i] : NULL;
		}
		base += p->sec[s].count;
	}
	return NULL;
}

static void usage_one(const struct hsb_nat_key *k,
		      const struct hsb_nat_entry *v, void *ctx)
{
	struct usage_ctx *uc = ctx;
	struct usage *u;

	u = usage_of(uc, v->group, ntohl(k->addr));
	if (!u)
		return;
	if (uc->nopat) {
		u->used[0] = 1;
		u->inside = v->addr;
	} else if (k->proto == IPPROTO_TCP) {
		u->used[0]++;
	} else if (k->proto == IPPROTO_UDP) {
		u->used[1]++;
	} else {
		u->used[2]++;
	}
}

static int show_pool_usage(struct hsbd *d, const struct hsb_ctl_request *req,
			   int words, struct json_object **reply, char *err,
			   size_t errlen)
{
	const struct hsb_dp_maps *m = hsb_datapath_maps(d->dp);
	struct hsb_nat_compiled *c = calloc(1, sizeof(*c));
	struct usage_ctx uc;
	struct json_object *groups;
	unsigned int g, i;
	int ret = 0;

	(void)req;
	(void)words;
	memset(&uc, 0, sizeof(uc));
	if (!c || hsb_nat_compile(d->cfg, c, err, errlen)) {
		free(c);
		if (!c)
			snprintf(err, errlen, "out of memory");
		return -1;
	}
	uc.c = c;
	for (g = 0; g < c->n_pools; g++) {
		uint32_t n = c->pools[g].n_addrs;

		if (n > USAGE_MAX_ADDRS)
			n = USAGE_MAX_ADDRS;
		uc.u[g] = calloc(n ? n : 1, sizeof(struct usage));
		uc.n[g] = n;
		for (i = 0; uc.u[g] && i < n; i++)
			uc.u[g][i].addr =
				hsb_nat_pool_addr_host(&c->pools[g], i);
	}
	ret = hsb_nat_walk_pub(m->nat_pat, usage_one, &uc);
	uc.nopat = 1;
	if (!ret)
		ret = hsb_nat_walk_pub(m->nat_nopat, usage_one, &uc);
	if (ret) {
		snprintf(err, errlen, "cannot read the NAT maps: %s",
			 strerror(-ret));
		goto out;
	}
	groups = json_object_new_array();
	for (g = 0; g < c->n_pools; g++) {
		const struct hsb_nat_pool *p = &c->pools[g];
		struct json_object *o = json_object_new_object();
		struct json_object *addrs = json_object_new_array();
		bool pat = p->mode == HSB_NAT_POOL_PAT;
		uint32_t lo, span;

		hsb_nat_port_span(p, c->partition, &lo, &span);
		json_object_object_add(
			o, "name",
			json_object_new_string(d->cfg->nat_groups[g].name));
		json_object_object_add(o, "mode",
				       json_object_new_string(pat ? "pat" :
								    "no-pat"));
		json_object_object_add(o, "addresses_total",
				       json_object_new_uint64(p->n_addrs));
		if (pat) {
			json_object_object_add(o, "port_lo",
					       json_object_new_int(lo));
			json_object_object_add(
				o, "port_hi",
				json_object_new_int((int)(lo + span) - 1));
			json_object_object_add(o, "ports_per_protocol",
					       json_object_new_uint64(span));
		}
		for (i = 0; uc.u[g] && i < uc.n[g]; i++) {
			struct usage *u = &uc.u[g][i];
			struct json_object *a = json_object_new_object();
			__be32 na = htonl(u->addr);

			json_object_object_add(a, "addr", jaddr(na));
			if (pat) {
				json_object_object_add(
					a, "tcp",
					json_object_new_uint64(u->used[0]));
				json_object_object_add(
					a, "udp",
					json_object_new_uint64(u->used[1]));
				json_object_object_add(
					a, "icmp",
					json_object_new_uint64(u->used[2]));
			} else {
				json_object_object_add(
					a, "in_use",
					json_object_new_boolean(u->used[0]));
				json_object_object_add(
					a, "inside",
					u->used[0] ? jaddr(u->inside) : NULL);
			}
			json_object_array_add(addrs, a);
		}
		json_object_object_add(o, "addresses", addrs);
		json_object_array_add(groups, o);
	}
	*reply = json_object_new_object();
	json_object_object_add(
		*reply, "partition",
		json_object_new_string(
			c->partition == HSB_NAT_PART_LOWER ? "lower" :
			c->partition == HSB_NAT_PART_UPPER ? "upper" :
							     "none"));
	json_object_object_add(*reply, "groups", groups);
out:
	for (g = 0; g < HSB_NAT_MAX_GROUPS; g++)
		free(uc.u[g]);
	free(c);
	return ret ? -1 : 0;
}

static const struct hsb_ctl_cmd cmds[] = {
	{ { "show", "nat", "pat" }, false, show_pat },
	{ { "show", "nat", "no-pat" }, false, show_nopat },
	{ { "show", "nat", "pool-usage" }, false, show_pool_usage },
	{ { "show", "server-map" }, false, show_server_map },
};

HSB_CTL_TABLE(hsb_ctl_nat_cmds, cmds);
