// SPDX-License-Identifier: GPL-2.0-only
/* The HRP engine: state backup to the peer. See hrp_engine.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <json-c/json.h>

#include "json_add.h"
#include "clock.h"
#include "evloop.h"
#include "log.h"
#include "wire.h"
#include "hsbd.h"
#include "datapath/datapath.h"
#include "datapath/map_walk.h"
#include "hrp_chunk.h"
#include "hrp/hrp_coalesce.h"
#include "hrp/hrp_config.h"
#include "hrp/hrp_engine.h"
#include "hrp/hrp_fresh.h"
#include "hrp/hrp_lag.h"
#include "hrp/hrp_mirror.h"
#include "hrp/hrp_link.h"
#include "hrp/hrp_stale.h"
#include "ha/switchover.h"
#include "vgmp/vgmp_engine.h"
#include "nat/nat_install.h"
#include "records/bus.h"
#include "records/record_buf.h"
#include "sessions/session_table.h"
#include "sessions/sweeper.h"

/* A batch backup sends while the connection holds less than this, walker
 * batches of BULK_BATCH for up to BULK_STEP_NS per 1 ms loop tick: the
 * loop stays as responsive as the ownership passes keep it (VRRP adverts,
 * hellos, live records beside the backup), and a fast host is not held
 * to one batch a tick (1M entries/s at most, a floor of 1 s per million). */
#define BULK_QUEUE_MAX (1u << 20)
#define BULK_BATCH 1024
#define BULK_TICK_MS 1
#define BULK_STEP_NS HRP_OWNER_STEP_NS

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
	bool mirror_on; /* forwarding to the peer (hrp_mirror.h) */
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
	uint64_t out_t0; /* the frame's oldest record emitted (lag) */
	struct hrp_lag lag; /* applied lag, from the peer's ACKs */
	struct hrp_coalesce co; /* the frame's sessions, by key */
	struct hrp_deflater zip; /* BULK_CHUNK frames */
	uint8_t zout[HRP_MAX_PAYLOAD];
	struct hsb_timer *flush_t;
	/* the batch backup */
	enum bulk_phase bulk;
	bool bulk_again; /* asked for while one runs */
	uint64_t fresh_until_ns; /* session records from the table (hrp_fresh.h) */
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
	struct hrp_owner_pass *pass; /* a claim or yield under way */
	struct hsb_timer *pass_t;
	bool bulk_after_pass; /* a batch backup waits for it */
	struct hrp_config *cfgsync; /* configuration backup */
	uint64_t bulk_t0_ns, bulk_sent0; /* progress of the one under way */
	/* the peer's batch backup: since when, and what it left behind */
	uint64_t rx_bulk_since;
	bool rx_bulk_open;
	struct hrp_stale *stale;
	struct hsb_timer *stale_t;
	struct hsb_hrp_stats st;
};

static uint64_t now_ns(void)
{
	return hsb_now_ns();
}

/* --- sending ------------------------------------------------------------ */

/* A batch backup's records go compressed when that is shorter. */
static int send_out(struct hsb_hrp *h)
{
	size_t z = 0;

	if (h->out_type == HRP_FT_BULK_CHUNK)
		z = hrp_chunk_deflate(&h->zip, h->out, h->out_len, h->zout,
				      sizeof(h->zout));
	if (!z)
		return hrp_link_send(h->link, h->out_type, 0, h->out_count,
				     h->out, h->out_len);
	h->st.bulk_raw_bytes += h->out_len;
	h->st.bulk_zlib_bytes += z;
	return hrp_link_send(h->link, h->out_type, HRP_FF_ZLIB, h->out_count,
			     h->zout, z);
}

static void flush(struct hsb_hrp *h)
{
	int ret;

	if (!h->out_count)
		return;
	ret = send_out(h);
	if (!ret && h->out_type == HRP_FT_RECORDS)
		hrp_lag_sent(&h->lag, hrp_link_tx_seq(h->link), h->out_t0);
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

/* t_ns: when the record was emitted (the applied lag starts there). */
static void add(struct hsb_hrp *h, const struct hrp_rec *r,
		enum hrp_frame_type type, uint64_t t_ns)
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
			/* the frame's oldest record is still its first */
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
	if (!h->out_count || t_ns < h->out_t0)
		h->out_t0 = t_ns;
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

/* A session upsert while a batch backup runs or just ran: the table's
 * value, never older than the snapshot it follows (hrp_fresh.h). NULL:
 * not to be sent. */
static const union hsb_record *fresh(struct hsb_hrp *h,
				     const union hsb_record *u, uint64_t now,
				     union hsb_record *buf)
{
	switch (u->hdr.type) {
	case HSB_EV_SESSION_NEW:
	case HSB_EV_SESSION_UPDATE:
	case HSB_EV_SESSION_REFRESH:
	case HSB_EV_SESSION_RESYNC:
		break;
	default:
		return u;
	}
	if (h->bulk == BULK_IDLE && now >= h->fresh_until_ns)
		return u;
	if (u->sess.sess.flags & HSB_SESS_F_FROM_PEER)
		return u; /* to_rec() skips it */
	buf->sess = u->sess;
	if (hrp_fresh_session(hsb_datapath_maps(h->d->dp)->sessions, buf) ==
	    HRP_FRESH_SEND) {
		h->st.tx_freshened++;
		return buf;
	}
	h->st.tx_stale_dropped++;
	return NULL;
}

static void on_records(const struct hsb_bus_batch *b, void *ctx)
{
	struct hsb_hrp *h = ctx;
	const union hsb_record *u;
	union hsb_record buf;
	struct hrp_rec r;
	size_t i;

	/* undo hrp auto-sync state: by hand only (hrp sync state) */
	if (!h->d->cfg->hrp.auto_sync_state)
		return;
	for (i = 0; i < b->n; i++) {
		uint64_t t = b->recs[i].hdr.ts_ns;

		u = fresh(h, &b->recs[i], b->now_ns, &buf);
		if (!u)
			continue;
		if (!to_rec(u, b->now_ns, &r)) {
			h->st.tx_skipped_peer++;
			continue;
		}
		if (!hrp_link_is_up(h->link)) {
			/* the batch backup on connection carries it */
			h->st.tx_down++;
			continue;
		}
		/* XDP's emission time (the same clock); the bus's for a
		 * record hsbd made itself */
		add(h, &r, HRP_FT_RECORDS, t && t <= b->now_ns ? t : b->now_ns);
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
	if (h->pass) {
		/* it sends this host's entries: once they are settled */
		h->bulk_after_pass = true;
		return;
	}
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
	h->bulk_t0_ns = now_ns();
	h->bulk_sent0 = h->st.bulk_sent_entries;
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
		add(h, &r, HRP_FT_BULK_CHUNK, now);
		h->st.bulk_sent_entries++;
	}
	flush(h);
}

static void on_bulk(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	struct hsb_hrp *h = ctx;
	const void *keys, *vals;
	uint64_t t0 = now_ns();
	size_t ks, vs;
	int fd, n;

	(void)loop;
	(void)t;
	if (!hrp_link_is_up(h->link)) {
		bulk_stop(h);
		return;
	}
	while (h->bulk != BULK_IDLE && now_ns() - t0 < BULK_STEP_NS &&
	       hrp_link_queued(h->link) < BULK_QUEUE_MAX) {
		if (h->bulk == BULK_END_PHASE) {
			if (hrp_link_send(h->link, HRP_FT_BULK_END, 0, 0, NULL,
					  0))
				return; /* buffer full: next tick */
			h->st.bulk_done++;
			h->st.last_bulk_ms = hsb_wall_ms();
			/* records emitted before its last read may still be
			 * in the ring */
			h->fresh_until_ns = now_ns() + HRP_FRESH_GRACE_NS;
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
	/* The peer's copy ended, but packets pass here: the traffic moved
	 * to this host (load balancing: a group taken back) and the peer's
	 * idle copy expired. The session is this host's now - the next
	 * refresh record tells the peer - rather than cut. */
	if (now > s.last_seen_ns && now - s.last_seen_ns < HRP_LIVE_NS) {
		s.flags &= ~HSB_SESS_F_FROM_PEER;
		if (!bpf_map_update_elem(m->sessions, key, &s, BPF_EXIST))
			h->st.rx_deletes_kept_live++;
		return;
	}
	/* through the bus like every delete: the NAT engine releases what
	 * the session held (the HRP sender skips it: FROM_PEER) */
	hsb_session_remove(m->sessions, h->deletes, key, &s, now);
}

/* Tells the peer its RECORDS frame seq is applied: its lag ends here. A
 * full send buffer loses the ACK; the next one covers it. */
static void ack(struct hsb_hrp *h, uint64_t seq)
{
	uint8_t p[HRP_ACK_LEN];

	hsb_put64(p, seq);
	if (hrp_link_send(h->link, HRP_FT_ACK, 0, 0, p, sizeof(p)))
		h->st.tx_acks_lost++;
}

/* After the peer's complete batch backup: its sessions it no longer has
 * (hrp_stale.h), a slice per tick. */
static void on_stale(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	struct hsb_hrp *h = ctx;
	uint64_t n = 0;

	(void)loop;
	(void)t;
	if (h->stale && hrp_stale_step(h->stale, now_ns(), &n) > 0) {
		h->st.rx_stale_removed += n;
		return;
	}
	h->st.rx_stale_removed += n;
	hrp_stale_free(h->stale);
	h->stale = NULL;
	hsb_timer_arm(h->stale_t, 0, 0);
	hsb_log(HSB_LOG_INFO,
		"hrp: after the peer's batch backup, %llu of its sessions it no longer has removed in all",
		(unsigned long long)h->st.rx_stale_removed);
}

static void stale_start(struct hsb_hrp *h)
{
	hrp_stale_free(h->stale);
	h->stale = hrp_stale_start(hsb_datapath_maps(h->d->dp), h->deletes,
				   h->rx_bulk_since);
	if (!h->stale) {
		hsb_log(HSB_LOG_ERR,
			"hrp: cannot walk the sessions after the batch backup: out of memory");
		return;
	}
	hsb_timer_arm(h->stale_t, 1, 1);
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
		h->rx_bulk_since = now;
		h->rx_bulk_open = true;
		return;
	case HRP_FT_ACK:
		if (f->payload_len != HRP_ACK_LEN) {
			h->st.rx_bad_acks++;
			return;
		}
		hrp_lag_acked(&h->lag, hsb_get64(f->payload), now);
		return;
	case HRP_FT_BULK_END:
		h->st.bulk_received++;
		hsb_log(HSB_LOG_INFO, "hrp: batch backup from the peer done");
		if (h->rx_bulk_open)
			stale_start(h);
		h->rx_bulk_open = false;
		if (!h->backup_complete) {
			h->backup_complete = true;
			hsb_timer_arm(h->ready_t, 0, 0);
			hsb_vgmp_set_ready(h->d->vgmp, true);
		}
		return;
	case HRP_FT_CONFIG:
		hrp_config_rx(h->cfgsync, f->payload, f->payload_len);
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
	if (f->type == HRP_FT_RECORDS)
		ack(h, f->seq);
}

static void owner_eval(struct hsb_hrp *h);

static void on_up(void *ctx, const struct hrp_hello *peer)
{
	struct hsb_hrp *h = ctx;

	(void)peer;
	h->mirror_on = hrp_mirror_set(h->d->dp, &h->d->cfg->hrp, true);
	/* a host that starts standby yields what its maps kept from an
	 * earlier run before the peer's batch backup arrives: the active
	 * peer's records must replace them, not be refused as local */
	owner_eval(h);
	/* the policy first: the entries of the batch backup may need it */
	hrp_config_link_up(h->cfgsync);
	/* what the peer missed while we were apart */
	bulk_stop(h);
	if (h->d->cfg->hrp.auto_sync_state)
		bulk_start(h);
}

static void on_down(void *ctx, const char *why)
{
	struct hsb_hrp *h = ctx;

	(void)why;
	h->mirror_on = hrp_mirror_set(h->d->dp, &h->d->cfg->hrp, false);
	bulk_stop(h);
	h->rx_bulk_open = false; /* an unfinished one lists nothing */
	hrp_config_link_down(h->cfgsync);
	hrp_lag_cut(&h->lag);
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
	switch (hsb_vgmp_side(&r)) {
	case HSB_VGMP_SIDE_ACTIVE:
		want = 1;
		break;
	case HSB_VGMP_SIDE_STANDBY:
		want = 0;
		break;
	default:
		return; /* load balancing, or no group: creators own */
	}
	if (want == h->owned)
		return;
	h->owned = want;
	if (h->pass) {
		/* the opposite pass: what it did so far is undone by this */
		h->owner.passes_replaced++;
		hrp_owner_free(h->pass);
	}
	h->pass = hrp_owner_start(hsb_datapath_maps(h->d->dp), want, &h->owner);
	if (!h->pass) {
		h->owner.errors++;
		hsb_log(HSB_LOG_ERR, "hrp: cannot %s the state: out of memory",
			want ? "claim" : "yield");
		return;
	}
	/* while yielding, the peer's records replace what is not yielded
	 * yet: it is about to be the peer's anyway */
	h->inst.adopt_local = !want;
	hsb_timer_arm(h->pass_t, 1, 1);
	hsb_log(HSB_LOG_INFO, "hrp: %s the backed-up state",
		want ? "active: claiming" : "standby: yielding");
	/* the peer gets what is ours now (once the claim is done) */
	if (want && hrp_link_is_up(h->link) && h->d->cfg->hrp.auto_sync_state)
		bulk_start(h);
}

/* A slice of the claim or yield per loop tick (hrp_owner.h). */
static void on_pass(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	struct hsb_hrp *h = ctx;
	bool claimed;

	(void)loop;
	(void)t;
	if (!h->pass || !hrp_owner_step(h->pass, HRP_OWNER_STEP_NS))
		return;
	claimed = hrp_owner_claiming(h->pass);
	hrp_owner_free(h->pass);
	h->pass = NULL;
	h->inst.adopt_local = false;
	hsb_timer_arm(h->pass_t, 0, 0);
	hsb_log(HSB_LOG_INFO,
		"hrp: %s the backed-up state (%" PRIu64 " sessions and %" PRIu64
		" mappings changed so far)",
		claimed ? "claimed" : "yielded", h->owner.sessions,
		h->owner.mappings);
	if (h->bulk_after_pass) {
		h->bulk_after_pass = false;
		if (hrp_link_is_up(h->link))
			bulk_start(h);
	}
}

/* After a group changed side (deferred: not inside the switchover), and
 * once at start, when the groups have started. */
static void on_owner(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	struct hsb_hrp *h = ctx;

	(void)loop;
	(void)t;
	owner_eval(h);
	hrp_config_roles(h->cfgsync);
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
	hrp_config_free(h->cfgsync);
	hsb_timer_free(h->stale_t);
	hrp_stale_free(h->stale);
	if (h->sub)
		hsb_bus_unsubscribe(h->d->bus, h->sub);
	if (h->observing)
		hsb_switchover_unobserve(h->d->ha, on_ha, h);
	hsb_timer_free(h->ready_t);
	hsb_timer_free(h->owner_t);
	hsb_timer_free(h->pass_t);
	hrp_owner_free(h->pass);
	hsb_map_walk_free(h->walk);
	hsb_timer_free(h->flush_t);
	hsb_timer_free(h->bulk_t);
	hrp_deflater_release(&h->zip);
	free(h->deletes);
	free(h);
}

static void hrp_stop(struct hsbd *d)
{
	if (d->hrp)
		hrp_mirror_set(d->dp, NULL, false);
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
	hrp_config_set_link(h->cfgsync, l);
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
	h->pass_t = hsb_timer_new(d->loop, on_pass, h);
	h->stale_t = hsb_timer_new(d->loop, on_stale, h);
	h->cfgsync = hrp_config_new(d);
	h->owned = -1;
	hrp_lag_init(&h->lag);
	hrp_coalesce_init(&h->co);
	if (hrp_deflater_init(&h->zip, HRP_BULK_ZLIB_LEVEL))
		goto nomem;
	if (!h->deletes || !h->flush_t || !h->bulk_t || !h->ready_t ||
	    !h->owner_t || !h->pass_t || !h->stale_t || !h->cfgsync)
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
	/* an operator's change of the policy on HRP_S is refused whole */
	if (h && hrp_config_check(h->cfgsync, cfg, err, errlen))
		return -1;
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
	h->mirror_on = hrp_mirror_set(d->dp, c, hrp_link_is_up(h->link));
	return 0;
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
		hsb_json_add_u64(o, k, h->st.tx_records[t]);
		snprintf(k, sizeof(k), "rx_%s",
			 hrp_rec_type_name((enum hrp_rec_type)t));
		hsb_json_add_u64(o, k, h->st.rx_records[t]);
	}
	hsb_json_add_u64(o, "tx_dropped", h->st.tx_dropped);
	hsb_json_add_u64(o, "tx_coalesced", h->st.tx_coalesced);
	hsb_json_add_u64(o, "bulk_done", h->st.bulk_done);
	hsb_json_add_u64(o, "bulk_raw_bytes", h->st.bulk_raw_bytes);
	hsb_json_add_u64(o, "bulk_zlib_bytes", h->st.bulk_zlib_bytes);
	hsb_json_add_u64(o, "install_sessions", h->inst.stats.sessions);
}

static const char *const phase_names[] = {
	[BULK_IDLE] = "idle",	       [BULK_SESSIONS] = "sessions",
	[BULK_NAT_PAT] = "nat-pat",    [BULK_NAT_NOPAT] = "nat-no-pat",
	[BULK_NAT_SRV] = "server-map", [BULK_END_PHASE] = "end",
};

/* Entries, rate and, while sessions go, the time left: the table's size
 * is the sweeper's count of its last pass (no walk of its own). */
static void bulk_progress(const struct hsb_hrp *v, struct hsb_hrp_info *out)
{
	struct hsb_sweeper_stats sw = { 0 };
	uint64_t ms = (now_ns() - v->bulk_t0_ns) / 1000000;

	out->bulk_phase = phase_names[v->bulk];
	out->bulk_sent = v->st.bulk_sent_entries - v->bulk_sent0;
	out->bulk_elapsed_ms = ms;
	out->bulk_rate = ms ? out->bulk_sent * 1000 / ms : 0;
	if (v->d->sweeper)
		hsb_sweeper_stats(v->d->sweeper, &sw);
	out->bulk_sessions = sw.last_pass_entries;
	if (v->bulk == BULK_SESSIONS && out->bulk_rate &&
	    sw.last_pass_entries > out->bulk_sent)
		out->bulk_eta_ms = (sw.last_pass_entries - out->bulk_sent) *
				   1000 / out->bulk_rate;
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
	out->owner_pass_running = v->pass != NULL;
	out->backup_complete = v->backup_complete;
	out->mirror_on = v->mirror_on;
	hrp_lag_quantiles(&v->lag, now_ns(), &out->lag);
	out->lag_stats = &v->lag;
	if (out->bulk_running)
		bulk_progress(v, out);
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

static void hrp_applied(struct hsbd *d, const struct hsb_config *prev)
{
	if (d->hrp)
		hrp_config_applied(d->hrp->cfgsync, prev);
}

void hsb_hrp_config_info(const struct hsb_hrp *v, struct hrp_config_info *out)
{
	hrp_config_info(v->cfgsync, out);
}

int hsb_hrp_sync_config(struct hsb_hrp *v, char *err, size_t errlen)
{
	if (!v) {
		snprintf(err, errlen, "hrp is not enabled");
		return -1;
	}
	return hrp_config_push(v->cfgsync, err, errlen);
}

bool hsb_hrp_config_from_peer(const struct hsb_hrp *v)
{
	return v && hrp_config_from_peer(v->cfgsync);
}

const struct hsb_engine hsb_hrp_engine = {
	.name = "hrp",
	.reconcile = hrp_reconcile,
	.stop = hrp_stop,
	.counters = hrp_counters,
	.applied = hrp_applied,
};
