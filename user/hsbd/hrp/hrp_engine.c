// SPDX-License-Identifier: GPL-2.0-only
/* The HRP engine: state backup to the peer. See hrp_engine.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <json-c/json.h>

#include "clock.h"
#include "evloop.h"
#include "log.h"
#include "hsbd.h"
#include "datapath/datapath.h"
#include "datapath/map_walk.h"
#include "hrp/hrp_coalesce.h"
#include "hrp/hrp_engine.h"
#include "hrp/hrp_link.h"
#include "ha/switchover.h"
#include "vgmp/vgmp_engine.h"
#include "nat/nat_install.h"
#include "records/bus.h"
#include "records/record_buf.h"
#include "sessions/session_table.h"

/* A batch backup sends while the connection holds less than this, one
 * walker batch per loop tick: state records keep flowing beside it. */
#define BULK_QUEUE_MAX (1u << 20)
#define BULK_BATCH 1024
#define BULK_TICK_MS 1

enum bulk_phase {
	BULK_IDLE = 0,
	BULK_SESSIONS,
	BULK_NAT_PAT,
	BULK_NAT_NOPAT,
	BULK_NAT_SRV,
	BULK_END_PHASE,
};

struct hsb_hrp {
	struct hsbd *d;
	struct hsb_cfg_hrp cfg; /* what the link runs with */
	struct hrp_link *link;
	struct hsb_bus_sub *sub;
	struct hsb_install inst;
	struct hsb_record_buf *deletes; /* sessions the peer ended */
	/* a frame's consecutive session records, installed as a batch */
	struct hsb_xfer_session rx_sess[HSB_INSTALL_BATCH];
	/* the RECORDS frame being filled */
	uint8_t out[HRP_FRAME_PAYLOAD];
	size_t out_len;
	uint32_t out_count;
	enum hrp_frame_type out_type;
	struct hrp_coalesce co; /* the frame's sessions, by key */
	struct hsb_timer *flush_t;
	/* the batch backup */
	enum bulk_phase bulk;
	bool bulk_again; /* asked for while one runs */
	struct hsb_map_walk *walk;
	struct hsb_timer *bulk_t;
	/* VGMP's preemption hook */
	bool backup_complete;
	struct hsb_timer *ready_t;
	/* ownership follows the active side (hrp_owner.h) */
	bool observing;
	int owned; /* -1 unknown, 0 yielded, 1 claimed */
	struct hsb_timer *owner_t;
	struct hrp_owner_stats owner;
	struct hsb_hrp_stats st;
};

static uint64_t now_ns(void)
{
	return hsb_now_ns();
}

/* --- sending ------------------------------------------------------------ */

static void flush(struct hsb_hrp *h)
{
	int ret;

	if (!h->out_count)
		return;
	ret = hrp_link_send(h->link, h->out_type, 0, h->out_count, h->out,
			    h->out_len);
	if (ret == -ENOBUFS) {
		/* the peer does not keep up: drop, and catch up with a
		 * batch backup once the buffer drained */
		h->st.tx_dropped += h->out_count;
		h->bulk_again = true;
		hsb_log_ratelimited(
			HSB_LOG_WARNING,
			"hrp: send buffer full, %u records dropped; a batch backup follows",
			h->out_count);
	} else if (ret) {
		h->st.tx_down += h->out_count;
	}
	h->out_len = 0;
	h->out_count = 0;
	hrp_coalesce_reset(&h->co);
	hsb_timer_arm(h->flush_t, 0, 0);
}

static void on_flush(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	(void)loop;
	(void)t;
	flush(ctx);
}

static void add(struct hsb_hrp *h, const struct hrp_rec *r,
		enum hrp_frame_type type)
{
	uint32_t off;
	size_t n;

	if (h->out_count && h->out_type != type)
		flush(h);
	/* a session already in the frame: its latest state, in place */
	if (r->type == HRP_REC_SESSION && h->out_count) {
		off = hrp_coalesce_find(&h->co, &r->s.key);
		if (off != HRP_COALESCE_NONE &&
		    hrp_rec_encode(r, h->out + off, HRP_REC_SESSION_LEN) ==
			    HRP_REC_SESSION_LEN) {
			h->st.tx_coalesced++;
			return;
		}
	}
	if (h->out_len + HRP_REC_MAX_LEN > sizeof(h->out))
		flush(h);
	n = hrp_rec_encode(r, h->out + h->out_len, sizeof(h->out) - h->out_len);
	if (!n)
		return;
	if (r->type == HRP_REC_SESSION)
		hrp_coalesce_put(&h->co, &r->s.key, (uint32_t)h->out_len);
	else if (r->type == HRP_REC_SESSION_DEL)
		hrp_coalesce_forget(&h->co, &r->key);
	if (!h->out_count) {
		h->out_type = type;
		if (type == HRP_FT_RECORDS)
			hsb_timer_arm(h->flush_t, HRP_FLUSH_MS, 0);
	}
	h->out_len += n;
	h->out_count++;
	h->st.tx_records[r->type]++;
}

/* A change record of this host, in its transfer form; false for one
 * that is not this host's to send. */
static bool to_rec(const union hsb_record *u, uint64_t now, struct hrp_rec *r)
{
	memset(r, 0, sizeof(*r));
	switch (u->hdr.type) {
	case HSB_EV_SESSION_NEW:
	case HSB_EV_SESSION_UPDATE:
	case HSB_EV_SESSION_REFRESH:
	case HSB_EV_SESSION_RESYNC:
		if (u->sess.sess.flags & HSB_SESS_F_FROM_PEER)
			return false;
		r->type = HRP_REC_SESSION;
		hsb_xfer_session_of(&u->sess, now, &r->s);
		return true;
	case HSB_EV_SESSION_DELETE:
		/* the peer's sessions end there, not because of here */
		if (u->sess.sess.flags & HSB_SESS_F_FROM_PEER)
			return false;
		r->type = HRP_REC_SESSION_DEL;
		r->key = u->sess.key;
		return true;
	case HSB_EV_NAT_CREATE:
	case HSB_EV_NAT_RESYNC:
		if (u->nat.nat.val.flags & HSB_NAT_F_FROM_PEER)
			return false;
		r->type = HRP_REC_NAT;
		hsb_xfer_nat_of(&u->nat, now, &r->n);
		return true;
	case HSB_EV_NAT_DELETE:
		if (u->nat.nat.val.flags & HSB_NAT_F_FROM_PEER)
			return false;
		r->type = HRP_REC_NAT_DEL;
		r->nd.table = u->nat.nat.table;
		r->nd.key = u->nat.nat.key;
		return true;
	}
	return false;
}

static void on_records(const struct hsb_bus_batch *b, void *ctx)
{
	struct hsb_hrp *h = ctx;
	struct hrp_rec r;
	size_t i;

	for (i = 0; i < b->n; i++) {
		if (!to_rec(&b->recs[i], b->now_ns, &r)) {
			h->st.tx_skipped_peer++;
			continue;
		}
		if (!hrp_link_is_up(h->link)) {
			/* the batch backup on connection carries it */
			h->st.tx_down++;
			continue;
		}
		add(h, &r, HRP_FT_RECORDS);
	}
}

/* --- batch backup ------------------------------------------------------------ */

static void bulk_stop(struct hsb_hrp *h)
{
	hsb_map_walk_free(h->walk);
	h->walk = NULL;
	h->bulk = BULK_IDLE;
	hsb_timer_arm(h->bulk_t, 0, 0);
}

static void bulk_start(struct hsb_hrp *h)
{
	if (h->bulk != BULK_IDLE) {
		h->bulk_again = true;
		return;
	}
	flush(h);
	if (hrp_link_send(h->link, HRP_FT_BULK_BEGIN, 0, 0, NULL, 0))
		return;
	h->bulk_again = false;
	h->bulk = BULK_SESSIONS;
	h->st.bulk_started++;
	hsb_timer_arm(h->bulk_t, BULK_TICK_MS, BULK_TICK_MS);
}

static int phase_map(struct hsb_hrp *h, size_t *ks, size_t *vs)
{
	const struct hsb_dp_maps *m = hsb_datapath_maps(h->d->dp);

	*vs = sizeof(struct hsb_nat_entry);
	*ks = sizeof(struct hsb_nat_key);
	switch (h->bulk) {
	case BULK_SESSIONS:
		*ks = sizeof(struct hsb_flow_key);
		*vs = sizeof(struct hsb_session);
		return m->sessions;
	case BULK_NAT_PAT:
		return m->nat_pat;
	case BULK_NAT_NOPAT:
		return m->nat_nopat;
	case BULK_NAT_SRV:
		return m->nat_srv;
	default:
		return -1;
	}
}

static uint8_t phase_table(enum bulk_phase p)
{
	return p == BULK_NAT_PAT   ? HSB_NAT_TABLE_PAT :
	       p == BULK_NAT_NOPAT ? HSB_NAT_TABLE_NOPAT :
				     HSB_NAT_TABLE_SRV;
}

/* One walker batch of the current table into BULK frames. */
static void bulk_entries(struct hsb_hrp *h, const void *keys, const void *vals,
			 int n, uint64_t now)
{
	union hsb_record u;
	struct hrp_rec r;
	int i;

	for (i = 0; i < n; i++) {
		memset(&u, 0, sizeof(u));
		if (h->bulk == BULK_SESSIONS) {
			u.hdr.type = HSB_EV_SESSION_RESYNC;
			u.sess.key = ((const struct hsb_flow_key *)keys)[i];
			u.sess.sess = ((const struct hsb_session *)vals)[i];
		} else {
			const struct hsb_nat_key *k =
				&((const struct hsb_nat_key *)keys)[i];

			/* PUB keys carry the mapping; IN keys index it */
			if (k->dir != HSB_NAT_DIR_PUB)
				continue;
			u.hdr.type = HSB_EV_NAT_RESYNC;
			u.nat.nat.table = phase_table(h->bulk);
			u.nat.nat.key = *k;
			u.nat.nat.val = ((const struct hsb_nat_entry *)vals)[i];
		}
		if (!to_rec(&u, now, &r))
			continue;
		add(h, &r, HRP_FT_BULK_CHUNK);
		h->st.bulk_sent_entries++;
	}
	flush(h);
}

static void on_bulk(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	struct hsb_hrp *h = ctx;
	const void *keys, *vals;
	size_t ks, vs;
	int fd, n;

	(void)loop;
	(void)t;
	if (!hrp_link_is_up(h->link)) {
		bulk_stop(h);
		return;
	}
	while (h->bulk != BULK_IDLE &&
	       hrp_link_queued(h->link) < BULK_QUEUE_MAX) {
		if (h->bulk == BULK_END_PHASE) {
			if (hrp_link_send(h->link, HRP_FT_BULK_END, 0, 0, NULL,
					  0))
				return; /* buffer full: next tick */
			h->st.bulk_done++;
			h->st.last_bulk_ms = (uint64_t)time(NULL) * 1000;
			bulk_stop(h);
			if (h->bulk_again)
				bulk_start(h);
			return;
		}
		fd = phase_map(h, &ks, &vs);
		if (!h->walk) {
			h->walk = hsb_map_walk_new(fd, ks, vs, BULK_BATCH);
			if (!h->walk) {
				hsb_log(HSB_LOG_ERR, "hrp: batch backup: %s",
					strerror(errno));
				bulk_stop(h);
				return;
			}
		}
		n = hsb_map_walk_next(h->walk, &keys, &vals);
		if (n > 0)
			bulk_entries(h, keys, vals, n, now_ns());
		/* a send in there found the connection gone: on_down() ended
		 * the backup and freed the walk */
		if (!h->walk)
			return;
		if (n < 0 || !hsb_map_walk_in_pass(h->walk)) {
			/* this table is done (or failed: the next backup
			 * repeats it); on to the next */
			hsb_map_walk_free(h->walk);
			h->walk = NULL;
			h->bulk++;
		}
		if (n > 0)
			return; /* one batch per tick */
	}
}

/* --- receiving ---------------------------------------------------------------- */

static void remove_peer_session(struct hsb_hrp *h,
				const struct hsb_flow_key *key, uint64_t now)
{
	const struct hsb_dp_maps *m = hsb_datapath_maps(h->d->dp);
	struct hsb_session s;

	if (bpf_map_lookup_elem(m->sessions, key, &s) ||
	    !(s.flags & HSB_SESS_F_FROM_PEER)) {
		h->st.rx_deletes_ignored++;
		return;
	}
	/* through the bus like every delete: the NAT engine releases what
	 * the session held (the HRP sender skips it: FROM_PEER) */
	hsb_session_remove(m->sessions, h->deletes, key, &s, now);
}

static void on_frame(void *ctx, const struct hrp_frame *f)
{
	struct hsb_hrp *h = ctx;
	struct hrp_rec_iter it;
	enum hrp_rec_err e;
	struct hrp_rec r;
	uint32_t unknown;
	uint64_t now = now_ns();
	size_t ns = 0;

	switch (f->type) {
	case HRP_FT_BULK_BEGIN:
		return;
	case HRP_FT_BULK_END:
		h->st.bulk_received++;
		hsb_log(HSB_LOG_INFO, "hrp: batch backup from the peer done");
		if (!h->backup_complete) {
			h->backup_complete = true;
			hsb_timer_arm(h->ready_t, 0, 0);
			hsb_vgmp_set_ready(h->d->vgmp, true);
		}
		return;
	case HRP_FT_RECORDS:
	case HRP_FT_BULK_CHUNK:
		break;
	default:
		return;
	}
	e = hrp_recs_check(f->payload, f->payload_len, f->count, &unknown);
	if (e != HRP_RE_OK) {
		h->st.rx_refused_frames[e]++;
		hsb_log_ratelimited(HSB_LOG_WARNING,
				    "hrp: records frame refused whole: %s",
				    hrp_rec_err_name(e));
		return;
	}
	h->st.rx_unknown += unknown;
	hrp_rec_iter_init(&it, f->payload, f->payload_len);
	while (hrp_rec_next(&it, &r)) {
		h->st.rx_records[r.type]++;
		if (r.type != HRP_REC_SESSION || ns == HSB_INSTALL_BATCH) {
			/* in order: the sessions before this record first */
			hsb_install_sessions(&h->inst, h->rx_sess, ns, now);
			ns = 0;
		}
		switch (r.type) {
		case HRP_REC_SESSION:
			/* gathered: installed in batches (datapath/install.h) */
			h->rx_sess[ns++] = r.s;
			break;
		case HRP_REC_NAT:
			hsb_install_nat(&h->inst, &r.n, now);
			break;
		case HRP_REC_SESSION_DEL:
			remove_peer_session(h, &r.key, now);
			break;
		case HRP_REC_NAT_DEL:
			/* a PAT / NO-PAT mapping goes with its last session,
			 * a pinhole at its deadline: nothing to do */
			h->st.rx_deletes_ignored++;
			break;
		case HRP_REC__MAX:
			break;
		}
	}
	hsb_install_sessions(&h->inst, h->rx_sess, ns, now);
	hsb_record_buf_flush(h->deletes);
}

static void owner_eval(struct hsb_hrp *h);

static void on_up(void *ctx, const struct hrp_hello *peer)
{
	struct hsb_hrp *h = ctx;

	(void)peer;
	/* a host that starts standby yields what its maps kept from an
	 * earlier run before the peer's batch backup arrives: the active
	 * peer's records must replace them, not be refused as local */
	owner_eval(h);
	/* what the peer missed while we were apart */
	bulk_stop(h);
	bulk_start(h);
}

static void on_down(void *ctx, const char *why)
{
	struct hsb_hrp *h = ctx;

	(void)why;
	bulk_stop(h);
	h->st.tx_down += h->out_count;
	h->out_len = 0;
	h->out_count = 0;
	hrp_coalesce_reset(&h->co);
}

static const struct hrp_link_ops link_ops = { on_up, on_down, on_frame };

/* --- preemption and ownership ------------------------------------------------- */

static void on_ready_timeout(struct hsb_loop *loop, struct hsb_timer *t,
			     void *ctx)
{
	struct hsb_hrp *h = ctx;

	(void)loop;
	(void)t;
	if (h->backup_complete)
		return;
	h->backup_complete = true;
	h->st.ready_timeouts++;
	hsb_log(HSB_LOG_WARNING,
		"hrp: no batch backup from the peer within %u s: preemption allowed without it",
		HRP_READY_TIMEOUT_MS / 1000);
	hsb_vgmp_set_ready(h->d->vgmp, true);
}

/* Ownership follows the side this host is on for every group. */
static void owner_eval(struct hsb_hrp *h)
{
	struct hsb_vgmp_roles r;
	int want;

	hsb_vgmp_roles(h->d->vgmp, &r);
	if (r.active && !r.standby)
		want = 1;
	else if (r.standby && !r.active)
		want = 0;
	else
		return; /* load balancing, or no group: creators own */
	if (want == h->owned)
		return;
	h->owned = want;
	hrp_owner_set(hsb_datapath_maps(h->d->dp), want, &h->owner);
	hsb_log(HSB_LOG_INFO, "hrp: %s the backed-up state",
		want ? "active: claimed" : "standby: yielded");
	/* the peer gets what is ours now */
	if (want && hrp_link_is_up(h->link))
		bulk_start(h);
}

/* After a group changed side (deferred: not inside the switchover), and
 * once at start, when the groups have started. */
static void on_owner(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	(void)loop;
	(void)t;
	owner_eval(ctx);
}

static void on_ha(const struct hsb_ha_event *ev, void *ctx)
{
	struct hsb_hrp *h = ctx;

	if (ev->kind == HSB_HA_EV_GROUP)
		hsb_timer_arm(h->owner_t, 1, 0);
}

/* --- the engine ---------------------------------------------------------------- */

static void engine_free(struct hsb_hrp *h)
{
	if (!h)
		return;
	hrp_link_free(h->link);
	if (h->sub)
		hsb_bus_unsubscribe(h->d->bus, h->sub);
	if (h->observing)
		hsb_switchover_unobserve(h->d->ha, on_ha, h);
	hsb_timer_free(h->ready_t);
	hsb_timer_free(h->owner_t);
	hsb_map_walk_free(h->walk);
	hsb_timer_free(h->flush_t);
	hsb_timer_free(h->bulk_t);
	free(h->deletes);
	free(h);
}

static void hrp_stop(struct hsbd *d)
{
	engine_free(d->hrp);
	d->hrp = NULL;
}

static bool link_same(const struct hsb_cfg_hrp *a, const struct hsb_cfg_hrp *b)
{
	return !strcmp(a->ifname, b->ifname) && a->port == b->port &&
	       !strcmp(a->auth_key, b->auth_key) &&
	       !memcmp(&a->remote, &b->remote, sizeof(a->remote)) &&
	       !memcmp(&a->local, &b->local, sizeof(a->local));
}

static int open_link(struct hsb_hrp *h, const struct hsb_cfg_hrp *c, char *err,
		     size_t errlen)
{
	struct hrp_link_cfg lc;
	struct hrp_link *l;
	char msg[200];

	memset(&lc, 0, sizeof(lc));
	snprintf(lc.ifname, sizeof(lc.ifname), "%s", c->ifname);
	if (hsb_hb_resolve(c, &lc.addr, msg, sizeof(msg))) {
		snprintf(err, errlen, "hrp: %s", msg);
		return -1;
	}
	lc.keylen = strlen(c->auth_key);
	memcpy(lc.key, c->auth_key, lc.keylen);
	l = hrp_link_new(h->d->loop, &lc, &link_ops, h, err, errlen);
	if (!l)
		return -1;
	hrp_link_free(h->link);
	h->link = l;
	h->cfg = *c;
	bulk_stop(h);
	return 0;
}

static struct hsb_hrp *engine_new(struct hsbd *d, char *err, size_t errlen)
{
	struct hsb_hrp *h = calloc(1, sizeof(*h));

	if (!h)
		goto nomem;
	h->d = d;
	h->deletes = malloc(sizeof(*h->deletes));
	h->flush_t = hsb_timer_new(d->loop, on_flush, h);
	h->bulk_t = hsb_timer_new(d->loop, on_bulk, h);
	h->ready_t = hsb_timer_new(d->loop, on_ready_timeout, h);
	h->owner_t = hsb_timer_new(d->loop, on_owner, h);
	h->owned = -1;
	hrp_coalesce_init(&h->co);
	if (!h->deletes || !h->flush_t || !h->bulk_t || !h->ready_t ||
	    !h->owner_t)
		goto nomem;
	hsb_timer_arm(h->ready_t, HRP_READY_TIMEOUT_MS, 0);
	hsb_timer_arm(h->owner_t, 1, 0);
	if (d->ha) {
		if (hsb_switchover_observe(d->ha, on_ha, h))
			goto nomem;
		h->observing = true;
	}
	hsb_record_buf_init(h->deletes, d->bus);
	hsb_install_init(&h->inst, hsb_datapath_maps(d->dp),
			 hsb_datapath_nat_skip_word(d->dp));
	h->sub = hsb_bus_subscribe(d->bus, HSB_BUS_ALL_RECORDS, on_records, h);
	if (!h->sub)
		goto nomem;
	return h;
nomem:
	engine_free(h);
	snprintf(err, errlen, "hrp: out of memory");
	return NULL;
}

static int hrp_reconcile(struct hsbd *d, const struct hsb_config *cfg,
			 char *err, size_t errlen)
{
	const struct hsb_cfg_hrp *c = &cfg->hrp;
	struct hsb_hrp *h = d->hrp;
	bool fresh = false;

	if (!c->enable) {
		hrp_stop(d);
		return 0;
	}
	if (hsb_config_check_ha(cfg, err, errlen))
		return -1;
	if (!d->dp || !d->bus) {
		snprintf(err, errlen, "hrp: the datapath is not running");
		return -1;
	}
	if (!h) {
		h = engine_new(d, err, errlen);
		if (!h)
			return -1;
		fresh = true;
	}
	if ((fresh || !link_same(&h->cfg, c)) && open_link(h, c, err, errlen)) {
		if (fresh)
			engine_free(h);
		return -1;
	}
	d->hrp = h;
	return 0;
}

static void add_u64(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

static void hrp_counters(struct hsbd *d, struct json_object *o)
{
	const struct hsb_hrp *h = d->hrp;
	unsigned int t;
	char k[48];

	if (!h)
		return;
	for (t = 1; t < HRP_REC__MAX; t++) {
		snprintf(k, sizeof(k), "tx_%s",
			 hrp_rec_type_name((enum hrp_rec_type)t));
		add_u64(o, k, h->st.tx_records[t]);
		snprintf(k, sizeof(k), "rx_%s",
			 hrp_rec_type_name((enum hrp_rec_type)t));
		add_u64(o, k, h->st.rx_records[t]);
	}
	add_u64(o, "tx_dropped", h->st.tx_dropped);
	add_u64(o, "tx_coalesced", h->st.tx_coalesced);
	add_u64(o, "bulk_done", h->st.bulk_done);
	add_u64(o, "install_sessions", h->inst.stats.sessions);
}

void hsb_hrp_info(const struct hsb_hrp *v, struct hsb_hrp_info *out)
{
	memset(out, 0, sizeof(*out));
	if (!v)
		return;
	out->up = hrp_link_is_up(v->link);
	out->connects = hrp_link_connects(v->link);
	out->bulk_running = v->bulk != BULK_IDLE;
	out->queued = hrp_link_queued(v->link);
	out->link = hrp_link_stats(v->link);
	out->st = &v->st;
	out->install = &v->inst.stats;
	out->owner = &v->owner;
	out->backup_complete = v->backup_complete;
}

bool hsb_hrp_backup_complete(const struct hsb_hrp *v)
{
	return !v || v->backup_complete;
}

int hsb_hrp_sync(struct hsb_hrp *v, char *err, size_t errlen)
{
	if (!v) {
		snprintf(err, errlen, "hrp is not enabled");
		return -1;
	}
	if (!hrp_link_is_up(v->link)) {
		snprintf(err, errlen, "hrp: not connected to the peer");
		return -1;
	}
	bulk_start(v);
	return 0;
}

const struct hsb_engine hsb_hrp_engine = {
	.name = "hrp",
	.reconcile = hrp_reconcile,
	.stop = hrp_stop,
	.counters = hrp_counters,
};
