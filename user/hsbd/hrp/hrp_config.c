// SPDX-License-Identifier: GPL-2.0-only
/* HRP configuration backup in hsbd. See hrp_config.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "config.h"
#include "evloop.h"
#include "log.h"
#include "hsbd.h"
#include "hrp/hrp_config.h"
#include "hrp/hrp_engine.h"
#include "hrp/hrp_link.h"
#include "vgmp/vgmp_engine.h"

/* An offer goes out one chunk (a frame's payload) per tick while the
 * connection holds less than this: a large configuration never sits in
 * front of state records for more than one chunk's transmission. */
#define TX_QUEUE_MAX (256u * 1024u)
#define TX_TICK_MS 1

struct hrp_config {
	struct hsbd *d;
	struct hrp_link *link;
	struct hrp_cfg_state st; /* role, generation, digest of ours */
	char *text; /* our backed-up part, canonical */
	size_t text_len;
	/* the offer on its way (NULL: none): a copy, a change meanwhile
	 * starts over */
	char *tx_text;
	uint32_t tx_total, tx_off;
	uint64_t tx_gen;
	uint8_t tx_digest[HRP_CFG_DIGEST_LEN];
	uint8_t tx_flags;
	struct hsb_timer *tx_t;
	struct hrp_cfg_rx rx;
	uint8_t buf[HRP_FRAME_PAYLOAD];
	struct hrp_config_info info; /* peer view and last results */
	struct hrp_config_stats stats;
};

/* Our backed-up part: its text, digest; the generation is kept. */
static int snapshot(struct hrp_config *c)
{
	char *t = hsb_config_render_scope(c->d->cfg, HSB_SCOPE_BACKED_UP);

	if (!t)
		return -ENOMEM;
	free(c->text);
	c->text = t;
	c->text_len = strlen(t);
	hrp_cfg_digest(t, c->text_len, c->st.digest);
	return 0;
}

static enum hrp_cfg_role role_of(const struct hsbd *d)
{
	struct hsb_vgmp_roles r;

	hsb_vgmp_roles(d->vgmp, &r);
	switch (hsb_vgmp_side(&r)) {
	case HSB_VGMP_SIDE_ACTIVE:
		return HRP_CFG_ROLE_MASTER;
	case HSB_VGMP_SIDE_STANDBY:
		return HRP_CFG_ROLE_SLAVE;
	case HSB_VGMP_SIDE_MIXED: /* load balancing: the first group's */
		return r.first == VGMP_STATE_ACTIVE ? HRP_CFG_ROLE_MASTER :
						      HRP_CFG_ROLE_SLAVE;
	case HSB_VGMP_SIDE_NONE:
		break;
	}
	return HRP_CFG_ROLE_NONE;
}

static void settings(struct hrp_config *c)
{
	c->st.standby_config = c->d->cfg->hrp.standby_config;
	c->st.role = role_of(c->d);
}

/* --- offering ------------------------------------------------------------- */

static void on_tx(struct hsb_loop *loop, struct hsb_timer *t, void *ctx);

static void tx_stop(struct hrp_config *c)
{
	free(c->tx_text);
	c->tx_text = NULL;
	hsb_timer_arm(c->tx_t, 0, 0);
}

static void offer(struct hrp_config *c, bool pushed)
{
	if (!c->link || !hrp_link_is_up(c->link))
		return;
	tx_stop(c);
	c->tx_text = malloc(c->text_len + 1);
	if (!c->tx_text) {
		hsb_warn("hrp: configuration offer: out of memory");
		return;
	}
	memcpy(c->tx_text, c->text, c->text_len + 1);
	c->tx_total = (uint32_t)c->text_len;
	c->tx_off = 0;
	c->tx_gen = c->st.gen;
	memcpy(c->tx_digest, c->st.digest, sizeof(c->tx_digest));
	c->tx_flags =
		(c->st.role == HRP_CFG_ROLE_MASTER ? HRP_CFG_F_MASTER : 0) |
		(pushed ? HRP_CFG_F_PUSHED : 0);
	c->stats.offers_sent++;
	c->info.last_offer_ms = hsb_wall_ms();
	hsb_timer_arm(c->tx_t, TX_TICK_MS, TX_TICK_MS);
	/* the first chunk now: on a new connection it goes before the
	 * batch backup, whose NAT entries may need the policy it carries */
	on_tx(NULL, c->tx_t, c);
}

static void on_tx(struct hsb_loop *loop, struct hsb_timer *t, void *ctx)
{
	struct hrp_config *c = ctx;
	uint32_t n;
	size_t len;
	int ret;

	(void)loop;
	(void)t;
	if (!c->tx_text || !hrp_link_is_up(c->link)) {
		tx_stop(c);
		return;
	}
	if (hrp_link_queued(c->link) >= TX_QUEUE_MAX)
		return; /* the next tick */
	len = hrp_cfg_offer_encode(c->tx_flags, c->tx_gen, c->tx_digest,
				   c->tx_text, c->tx_total, c->tx_off, c->buf,
				   sizeof(c->buf), &n);
	ret = hrp_link_send(c->link, HRP_FT_CONFIG, 0, 1, c->buf, len);
	if (ret == -ENOBUFS)
		return;
	if (ret) {
		tx_stop(c);
		return;
	}
	c->tx_off += n;
	if (c->tx_off >= c->tx_total)
		tx_stop(c);
}

static void send_result(struct hrp_config *c, const struct hrp_cfg_rx *rx,
			enum hrp_cfg_status st, const char *reason)
{
	size_t len = hrp_cfg_result_encode(rx->gen, rx->digest, st, reason,
					   c->buf, sizeof(c->buf));

	c->stats.results[st]++;
	/* a result lost to a full buffer is only a report: the offer
	 * itself is repeated on the next change or connection */
	if (hrp_link_send(c->link, HRP_FT_CONFIG, 0, 1, c->buf, len))
		hsb_log_ratelimited(HSB_LOG_WARNING,
				    "hrp: configuration result not sent");
}

/* --- adopting --------------------------------------------------------------- */

/* The configuration file gets the adopted backed-up part and keeps its
 * own local lines, whatever the running configuration has of them: an
 * operator's unsaved local experiment is not saved behind their back. */
static void persist(struct hrp_config *c)
{
	struct hsb_config *file = hsb_config_new();
	const char *path = c->d->opt.config_path;
	struct hsb_cfg_error err;
	char msg[512];

	if (!file)
		goto fail;
	if (hsb_config_load_file(file, path, HSB_CFG_ALL_KNOWN, &err)) {
		hsb_cfg_error_format(&err, msg, sizeof(msg));
		hsb_warn("hrp: configuration from the peer not saved: %s", msg);
		goto fail;
	}
	hsb_config_copy_backed_up(file, c->d->cfg);
	if (hsb_config_save(file, path, &err)) {
		hsb_cfg_error_format(&err, msg, sizeof(msg));
		hsb_warn("hrp: configuration from the peer not saved: %s", msg);
		goto fail;
	}
	hsb_config_free(file);
	return;
fail:
	c->stats.persist_failures++;
	hsb_config_free(file);
}

static int adopt(struct hrp_config *c, const char *text, char *why,
		 size_t whylen)
{
	struct hsb_config *next;
	struct hsb_cfg_error err;

	if (hsb_config_adopt_backed_up(c->d->cfg, text, &next, &err)) {
		hsb_cfg_error_format(&err, why, whylen);
		return -1;
	}
	if (hsbd_apply_config_from(c->d, next, HSBD_ORIGIN_PEER, why, whylen)) {
		hsb_config_free(next);
		return -1;
	}
	return 0;
}

static void on_offer(struct hrp_config *c)
{
	const struct hrp_cfg_rx *rx = &c->rx;
	struct hrp_cfg_msg m = { .kind = HRP_CFG_OFFER,
				 .flags = rx->flags,
				 .gen = rx->gen };
	enum hrp_cfg_status st;
	char why[HRP_CFG_MSG_MAX + 1] = "";
	uint64_t t0 = hsb_wall_ms();

	c->stats.offers_received++;
	memcpy(m.digest, rx->digest, sizeof(m.digest));
	settings(c);
	/* the lower node id (the side that connects) wins a tie */
	st = hrp_cfg_judge(&c->st, &m, !hrp_link_connects(c->link));
	c->info.peer_known = true;
	c->info.peer_gen = rx->gen;
	memcpy(c->info.peer_digest, rx->digest, sizeof(rx->digest));
	if (st == HRP_CFG_APPLIED && adopt(c, rx->text, why, sizeof(why))) {
		st = HRP_CFG_REFUSED;
		snprintf(c->info.refused_reason, sizeof(c->info.refused_reason),
			 "%s", why);
		hsb_err("hrp: configuration from the peer (generation %llu) refused: %s",
			(unsigned long long)rx->gen, why);
	}
	if (st == HRP_CFG_APPLIED) {
		c->st.gen = rx->gen;
		snapshot(c);
		c->info.last_applied_ms = hsb_wall_ms();
		c->info.refused_reason[0] = '\0';
		c->info.last_apply_took_ms = c->info.last_applied_ms - t0;
		hsb_info(
			"hrp: configuration from the peer applied (generation %llu, %zu bytes, in %llu ms)",
			(unsigned long long)rx->gen, c->text_len,
			(unsigned long long)c->info.last_apply_took_ms);
		persist(c);
	} else if (st == HRP_CFG_SAME && rx->gen > c->st.gen) {
		c->st.gen = rx->gen;
	} else if (st == HRP_CFG_KEPT) {
		hsb_info(
			"hrp: configuration from the peer (generation %llu) not taken: this host's (generation %llu) wins",
			(unsigned long long)rx->gen,
			(unsigned long long)c->st.gen);
	}
	send_result(c, rx, st, why[0] ? why : NULL);
}

static void on_result(struct hrp_config *c, const struct hrp_cfg_msg *m)
{
	c->stats.peer_results[m->status]++;
	c->info.peer_status = m->status;
	snprintf(c->info.peer_reason, sizeof(c->info.peer_reason), "%.*s",
		 (int)m->len, (const char *)m->data);
	if (m->status == HRP_CFG_APPLIED || m->status == HRP_CFG_SAME) {
		c->info.peer_known = true;
		c->info.peer_gen = m->gen;
		memcpy(c->info.peer_digest, m->digest, sizeof(m->digest));
	} else if (m->status == HRP_CFG_REFUSED) {
		hsb_err("hrp: the peer refused this host's configuration (generation %llu): %s",
			(unsigned long long)m->gen, c->info.peer_reason);
	}
}

void hrp_config_rx(struct hrp_config *c, const uint8_t *p, size_t len)
{
	struct hrp_cfg_msg m;
	enum hrp_cfg_err e;
	bool complete;

	e = hrp_cfg_decode(p, len, &m);
	if (e == HRP_CFE_OK && m.kind == HRP_CFG_RESULT) {
		on_result(c, &m);
		return;
	}
	if (e == HRP_CFE_OK)
		e = hrp_cfg_rx_add(&c->rx, &m, &complete);
	if (e != HRP_CFE_OK) {
		c->stats.refused_payloads[e]++;
		hsb_log_ratelimited(HSB_LOG_WARNING,
				    "hrp: configuration frame dropped: %s",
				    hrp_cfg_err_name(e));
		return;
	}
	if (complete)
		on_offer(c);
}

/* --- events ----------------------------------------------------------------- */

void hrp_config_set_link(struct hrp_config *c, struct hrp_link *l)
{
	c->link = l;
	tx_stop(c);
	hrp_cfg_rx_reset(&c->rx);
}

void hrp_config_link_up(struct hrp_config *c)
{
	settings(c);
	if (c->d->cfg->hrp.auto_sync_config && hrp_cfg_offers(&c->st))
		offer(c, false);
}

void hrp_config_link_down(struct hrp_config *c)
{
	tx_stop(c);
	hrp_cfg_rx_reset(&c->rx);
}

void hrp_config_roles(struct hrp_config *c)
{
	enum hrp_cfg_role was = c->st.role;

	settings(c);
	if (c->st.role == was)
		return;
	hsb_info("hrp: this host is %s now", hrp_cfg_role_name(c->st.role));
	if (c->st.role == HRP_CFG_ROLE_MASTER &&
	    c->d->cfg->hrp.auto_sync_config)
		offer(c, false);
}

int hrp_config_check(struct hrp_config *c, const struct hsb_config *next,
		     char *err, size_t errlen)
{
	if (c->d->origin != HSBD_ORIGIN_OPERATOR ||
	    hsb_config_backed_up_equal(c->d->cfg, next))
		return 0;
	settings(c);
	if (hrp_cfg_may_edit(&c->st))
		return 0;
	c->stats.edits_refused++;
	snprintf(
		err, errlen,
		"this host is HRP_S: backed-up commands are configured on the peer (HRP_M) and replicated here (hrp standby-config enable allows changing them here)");
	return -1;
}

void hrp_config_applied(struct hrp_config *c, const struct hsb_config *prev)
{
	settings(c);
	if (c->d->origin == HSBD_ORIGIN_PEER ||
	    hsb_config_backed_up_equal(prev, c->d->cfg))
		return;
	snapshot(c);
	c->st.gen = hrp_cfg_next_gen(c->st.gen, c->info.peer_gen);
	/* HRP_S offers nothing without standby-config: its blacklist
	 * expiries happen on HRP_M too, and HRP_M's offer follows */
	if (c->d->cfg->hrp.auto_sync_config && hrp_cfg_offers(&c->st))
		offer(c, false);
}

int hrp_config_push(struct hrp_config *c, char *err, size_t errlen)
{
	settings(c);
	if (!hrp_cfg_offers(&c->st)) {
		snprintf(
			err, errlen,
			"this host is %s: the configuration is pushed from HRP_M (or with hrp standby-config enable)",
			hrp_cfg_role_name(c->st.role));
		return -1;
	}
	if (!c->link || !hrp_link_is_up(c->link)) {
		snprintf(err, errlen, "hrp: not connected to the peer");
		return -1;
	}
	offer(c, true);
	return 0;
}

bool hrp_config_from_peer(const struct hrp_config *c)
{
	return c && c->st.role == HRP_CFG_ROLE_SLAVE && !c->st.standby_config;
}

void hrp_config_info(const struct hrp_config *c, struct hrp_config_info *out)
{
	*out = c->info;
	out->role = c->st.role;
	out->auto_sync = c->d->cfg->hrp.auto_sync_config;
	out->standby_config = c->st.standby_config;
	out->gen = c->st.gen;
	memcpy(out->digest, c->st.digest, sizeof(out->digest));
	out->sending = c->tx_text != NULL;
	out->st = &c->stats;
}

struct hrp_config *hrp_config_new(struct hsbd *d)
{
	struct hrp_config *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->d = d;
	c->tx_t = hsb_timer_new(d->loop, on_tx, c);
	if (!c->tx_t || snapshot(c)) {
		hrp_config_free(c);
		return NULL;
	}
	settings(c);
	return c;
}

void hrp_config_free(struct hrp_config *c)
{
	if (!c)
		return;
	hsb_timer_free(c->tx_t);
	hrp_cfg_rx_reset(&c->rx);
	free(c->tx_text);
	free(c->text);
	free(c);
}
