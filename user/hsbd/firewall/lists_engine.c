// SPDX-License-Identifier: GPL-2.0-only
/* The black/whitelist engine. See lists_engine.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <json-c/json.h>

#include "clock.h"
#include "datapath/datapath.h"
#include "hsbd.h"
#include "firewall/lists_engine.h"
#include "log.h"

#define NSEC_PER_SEC 1000000000ULL
#define EXPIRY_CHECK_MS 1000
/* expire_s of an entry found in a pinned map at start: its lifetime is
 * unknown, its deadline (expires_ns) is kept. */
#define EXPIRE_ADOPTED UINT32_MAX

static const __u8 v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

struct list_item {
	struct hsb_lpm_key key;
	struct hsb_cfg_prefix prefix;
	uint32_t expire_s;
	uint64_t expires_ns;
};

struct list_table {
	const char *kind; /* "blacklist" */
	struct list_item *items; /* sorted by key */
	size_t n;
	bool primed; /* items mirror the map */
};

struct hsb_lists {
	struct list_table black;
	struct list_table white;
	struct hsb_timer *expiry;
	uint64_t added;
	uint64_t removed;
	uint64_t expired;
	uint64_t failures;
};

void hsb_lpm_key_of(const struct hsb_cfg_prefix *p, struct hsb_lpm_key *key)
{
	memset(key, 0, sizeof(*key));
	if (p->addr.family == AF_INET) {
		memcpy(key->addr, v4mapped, sizeof(v4mapped));
		memcpy(key->addr + 12, &p->addr.v4, 4);
		key->prefixlen = HSB_V4MAPPED_PREFIXLEN + p->len;
	} else {
		memcpy(key->addr, &p->addr.v6, 16);
		key->prefixlen = p->len;
	}
}

void hsb_prefix_of_lpm_key(const struct hsb_lpm_key *key,
			   struct hsb_cfg_prefix *p)
{
	memset(p, 0, sizeof(*p));
	if (key->prefixlen >= HSB_V4MAPPED_PREFIXLEN &&
	    !memcmp(key->addr, v4mapped, sizeof(v4mapped))) {
		p->addr.family = AF_INET;
		memcpy(&p->addr.v4, key->addr + 12, 4);
		p->len = key->prefixlen - HSB_V4MAPPED_PREFIXLEN;
	} else {
		p->addr.family = AF_INET6;
		memcpy(&p->addr.v6, key->addr, 16);
		p->len = key->prefixlen;
	}
}

void hsb_prefix_format(const struct hsb_cfg_prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(p->addr.family, &p->addr.v6, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, len, "%s/%u", a, p->len);
}

static int key_cmp(const void *a, const void *b)
{
	return memcmp(&((const struct list_item *)a)->key,
		      &((const struct list_item *)b)->key,
		      sizeof(struct hsb_lpm_key));
}

/* Reads what the map holds (entries left by an earlier hsbd). */
static int prime(struct list_table *t, int fd)
{
	struct hsb_lpm_key key, *prev = NULL;
	struct hsb_list_entry val;
	struct list_item *items;
	size_t n = 0;

	items = calloc(HSB_LIST_MAX_ENTRIES, sizeof(*items));
	if (!items)
		return -ENOMEM;
	while (n < HSB_LIST_MAX_ENTRIES &&
	       bpf_map_get_next_key(fd, prev, &items[n].key) == 0) {
		key = items[n].key;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &val))
			continue; /* deleted under us */
		hsb_prefix_of_lpm_key(&key, &items[n].prefix);
		items[n].expire_s = EXPIRE_ADOPTED;
		items[n].expires_ns = val.expires_ns;
		n++;
	}
	qsort(items, n, sizeof(*items), key_cmp);
	free(t->items);
	t->items = items;
	t->n = n;
	t->primed = true;
	return 0;
}

static struct list_item *wanted_items(const struct hsb_cfg_list_entry *cfg,
				      unsigned int n)
{
	struct list_item *w = calloc(n ? n : 1, sizeof(*w));
	unsigned int i;

	if (!w)
		return NULL;
	for (i = 0; i < n; i++) {
		hsb_lpm_key_of(&cfg[i].prefix, &w[i].key);
		w[i].prefix = cfg[i].prefix;
		w[i].expire_s = cfg[i].expire;
	}
	qsort(w, n, sizeof(*w), key_cmp);
	return w;
}

static uint64_t deadline(uint32_t expire_s, uint64_t now)
{
	return expire_s ? now + (uint64_t)expire_s * NSEC_PER_SEC : 0;
}

/* A kept entry's deadline: unchanged unless its lifetime changed. An
 * adopted entry keeps the deadline it had when it still has one. */
static uint64_t kept_deadline(const struct list_item *cur,
			      const struct list_item *want, uint64_t now)
{
	if (cur->expire_s == want->expire_s)
		return cur->expires_ns;
	if (cur->expire_s == EXPIRE_ADOPTED && want->expire_s &&
	    cur->expires_ns)
		return cur->expires_ns;
	return deadline(want->expire_s, now);
}

/* Rewrites only the deadline; hits keep counting (a hit landing between
 * the read and the write is lost: hits are approximate by contract). */
static int set_deadline(int fd, const struct hsb_lpm_key *key, uint64_t exp)
{
	struct hsb_list_entry val = { 0 };

	if (bpf_map_lookup_elem(fd, key, &val) && errno != ENOENT)
		return -errno;
	val.expires_ns = exp;
	return bpf_map_update_elem(fd, key, &val, BPF_ANY) ? -errno : 0;
}

/* Merge the sorted current and wanted lists, touching the map only where
 * they differ. */
static int sync_table(struct hsb_lists *ls, struct list_table *t, int fd,
		      struct list_item *want, size_t n_want, uint64_t now)
{
	size_t i = 0, j = 0;
	int c, ret = 0;

	while (!ret && (i < t->n || j < n_want)) {
		if (i == t->n)
			c = 1;
		else if (j == n_want)
			c = -1;
		else
			c = key_cmp(&t->items[i], &want[j]);
		if (c < 0) {
			if (bpf_map_delete_elem(fd, &t->items[i].key) &&
			    errno != ENOENT)
				ret = -errno;
			ls->removed++;
			i++;
		} else if (c > 0) {
			struct hsb_list_entry val = {
				.expires_ns = deadline(want[j].expire_s, now),
			};

			want[j].expires_ns = val.expires_ns;
			if (bpf_map_update_elem(fd, &want[j].key, &val,
						BPF_ANY))
				ret = -errno;
			ls->added++;
			j++;
		} else {
			want[j].expires_ns =
				kept_deadline(&t->items[i], &want[j], now);
			if (want[j].expires_ns != t->items[i].expires_ns)
				ret = set_deadline(fd, &want[j].key,
						   want[j].expires_ns);
			i++;
			j++;
		}
	}
	if (ret) {
		/* The map is half-way: re-read it on the next reconcile
		 * (the rollback) instead of trusting either list. */
		t->primed = false;
		free(want);
		return ret;
	}
	free(t->items);
	t->items = want;
	t->n = n_want;
	return 0;
}

static int reconcile_table(struct hsb_lists *ls, struct list_table *t, int fd,
			   const struct hsb_cfg_list_entry *cfg,
			   unsigned int n_cfg, char *err, size_t errlen)
{
	struct list_item *want;
	int ret = 0;

	if (!t->primed)
		ret = prime(t, fd);
	want = ret ? NULL : wanted_items(cfg, n_cfg);
	if (!want) {
		snprintf(err, errlen, "%s: out of memory", t->kind);
		return -ENOMEM;
	}
	ret = sync_table(ls, t, fd, want, n_cfg, hsb_now_ns());
	if (ret) {
		ls->failures++;
		snprintf(err, errlen, "cannot update the %s: %s", t->kind,
			 strerror(-ret));
	}
	return ret;
}

/* Expired blacklist entries leave through the normal configuration path,
 * as `undo firewall blacklist PREFIX`, so the running configuration, the
 * map and (later) the HRP peer agree. */
static void expire_entries(struct hsb_loop *loop, struct hsb_timer *tm,
			   void *ctx)
{
	struct hsbd *d = ctx;
	struct list_table *t = &d->lists->black;
	uint64_t now = hsb_now_ns();
	struct hsb_config *next;
	struct hsb_cfg_error cerr;
	char line[128], msg[512];
	unsigned int expired = 0;
	size_t i;
	int ret = 0;

	(void)loop;
	(void)tm;
	for (i = 0; i < t->n; i++)
		if (t->items[i].expires_ns && t->items[i].expires_ns <= now)
			break;
	if (i == t->n)
		return; /* the usual case: nothing due, nothing copied */
	next = hsb_config_clone(d->cfg);
	if (!next)
		return;
	for (i = 0; i < t->n && !ret; i++) {
		char pfx[INET6_ADDRSTRLEN + 8];

		if (!t->items[i].expires_ns || t->items[i].expires_ns > now)
			continue;
		hsb_prefix_format(&t->items[i].prefix, pfx, sizeof(pfx));
		snprintf(line, sizeof(line), "undo firewall blacklist %s", pfx);
		ret = hsb_config_apply_line(next, line, HSB_CFG_IMPLEMENTED,
					    NULL, 0, NULL, &cerr);
		if (!ret) {
			hsb_info("blacklist %s expired", pfx);
			expired++;
		}
	}
	if (expired && !ret)
		ret = hsbd_apply_config_from(d, next, HSBD_ORIGIN_EXPIRY, msg,
					     sizeof(msg));
	else if (ret)
		hsb_cfg_error_format(&cerr, msg, sizeof(msg));
	if (ret) {
		hsb_log_ratelimited(HSB_LOG_ERR, "blacklist expiry failed: %s",
				    msg);
		hsb_config_free(next);
		return;
	}
	if (!expired)
		hsb_config_free(next); /* else hsbd owns it now */
	d->lists->expired += expired;
}

static int lists_reconcile(struct hsbd *d, const struct hsb_config *cfg,
			   char *err, size_t errlen)
{
	const struct hsb_dp_maps *m = hsb_datapath_maps(d->dp);
	struct hsb_lists *ls = d->lists;
	int ret;

	if (!ls) {
		ls = calloc(1, sizeof(*ls));
		if (!ls)
			return -ENOMEM;
		ls->black.kind = "blacklist";
		ls->white.kind = "whitelist";
		ls->expiry = hsb_timer_new(d->loop, expire_entries, d);
		if (!ls->expiry || hsb_timer_arm(ls->expiry, EXPIRY_CHECK_MS,
						 EXPIRY_CHECK_MS)) {
			hsb_timer_free(ls->expiry);
			free(ls);
			snprintf(err, errlen, "lists: cannot create a timer");
			return -ENOMEM;
		}
		d->lists = ls;
	}
	/* Whitelist first: a prefix moving from one list to the other is
	 * never blacklisted without its exemption in place. */
	ret = reconcile_table(ls, &ls->white, m->whitelist, cfg->whitelist,
			      cfg->n_whitelist, err, errlen);
	if (!ret)
		ret = reconcile_table(ls, &ls->black, m->blacklist,
				      cfg->blacklist, cfg->n_blacklist, err,
				      errlen);
	return ret;
}

static void lists_stop(struct hsbd *d)
{
	struct hsb_lists *ls = d->lists;

	if (!ls)
		return;
	hsb_timer_free(ls->expiry);
	free(ls->black.items);
	free(ls->white.items);
	free(ls);
	d->lists = NULL;
}

void hsb_lists_for_each(struct hsbd *d, bool black, hsb_list_view_fn fn,
			void *ctx)
{
	const struct hsb_dp_maps *m = hsb_datapath_maps(d->dp);
	struct list_table *t;
	int fd;
	size_t i;

	if (!d->lists)
		return;
	t = black ? &d->lists->black : &d->lists->white;
	fd = black ? m->blacklist : m->whitelist;
	for (i = 0; i < t->n; i++) {
		struct hsb_list_entry val = { 0 };
		struct hsb_list_view v = {
			.prefix = &t->items[i].prefix,
			.expire_s = t->items[i].expire_s == EXPIRE_ADOPTED ?
					    0 :
					    t->items[i].expire_s,
			.expires_ns = t->items[i].expires_ns,
		};

		/* An exact key finds its own entry: no longer prefix of the
		 * same address can be shorter than the key's length. */
		if (bpf_map_lookup_elem(fd, &t->items[i].key, &val) == 0)
			v.hits = val.hits;
		fn(&v, ctx);
	}
}

static void lists_counters(struct hsbd *d, struct json_object *out)
{
	struct hsb_lists *ls = d->lists;

	if (!ls)
		return;
	json_object_object_add(out, "blacklist_entries",
			       json_object_new_uint64(ls->black.n));
	json_object_object_add(out, "whitelist_entries",
			       json_object_new_uint64(ls->white.n));
	json_object_object_add(out, "added", json_object_new_uint64(ls->added));
	json_object_object_add(out, "removed",
			       json_object_new_uint64(ls->removed));
	json_object_object_add(out, "expired",
			       json_object_new_uint64(ls->expired));
	json_object_object_add(out, "update_failures",
			       json_object_new_uint64(ls->failures));
}

const struct hsb_engine hsb_lists_engine = {
	.name = "lists",
	.reconcile = lists_reconcile,
	.stop = lists_stop,
	.counters = lists_counters,
};
