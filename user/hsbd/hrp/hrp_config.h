/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HRP configuration backup in hsbd (docs/hrp.md, "Configuration
 * backup"): the backed-up part of the running configuration travels in
 * CONFIG frames on the HRP connection, from HRP_M to HRP_S (both ways
 * with `hrp standby-config enable`). Offered whole - its canonical text
 * with a generation and a digest, in chunks paced by the send buffer so
 * state records keep flowing - on connection, on becoming HRP_M and after
 * every change an operator (or an expiry) made here; adopted whole
 * through hsbd_apply_config_from() with this host's local part kept, or
 * refused whole with a reason that goes back to the sender. What is
 * adopted is written to the configuration file (local lines as the file
 * has them), so a host restarted alone comes up with the pair's policy.
 * The pure rules and codec are user/hrp/hrp_cfgsync.h.
 */
#ifndef HSBD_HRP_CONFIG_H
#define HSBD_HRP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hrp_cfgsync.h"

struct hsbd;
struct hsb_config;
struct hrp_link;
struct hrp_config;

struct hrp_config_stats {
	uint64_t offers_sent, offers_received;
	uint64_t results[HRP_CFG__STATUS_COUNT]; /* ours, for the peer */
	uint64_t peer_results[HRP_CFG__STATUS_COUNT]; /* the peer's */
	uint64_t refused_payloads[HRP_CFE__COUNT];
	uint64_t edits_refused; /* operator changes refused on HRP_S */
	uint64_t persist_failures;
};

struct hrp_config_info {
	enum hrp_cfg_role role;
	bool auto_sync, standby_config;
	uint64_t gen, peer_gen;
	uint8_t digest[HRP_CFG_DIGEST_LEN];
	bool peer_known; /* a result or offer told us the peer's */
	uint8_t peer_digest[HRP_CFG_DIGEST_LEN];
	bool sending; /* an offer is on its way */
	uint64_t last_applied_ms; /* CLOCK_REALTIME; 0: never */
	uint64_t last_offer_ms; /* CLOCK_REALTIME of our last offer */
	uint64_t last_apply_took_ms; /* adopt + apply of the last one */
	/* the peer's last result for one of our offers */
	enum hrp_cfg_status peer_status;
	char peer_reason[HRP_CFG_MSG_MAX + 1];
	/* our last refusal of the peer's */
	char refused_reason[HRP_CFG_MSG_MAX + 1];
	const struct hrp_config_stats *st;
};

struct hrp_config *hrp_config_new(struct hsbd *d);
void hrp_config_free(struct hrp_config *c);

/* The engine's link: set whenever it is (re)opened. */
void hrp_config_set_link(struct hrp_config *c, struct hrp_link *l);
void hrp_config_link_up(struct hrp_config *c);
void hrp_config_link_down(struct hrp_config *c);
/* A CONFIG frame's payload. */
void hrp_config_rx(struct hrp_config *c, const uint8_t *p, size_t len);
/* A VGMP group changed side: HRP_M / HRP_S may have moved. */
void hrp_config_roles(struct hrp_config *c);

/* During a reconcile to next: -1 with err when an operator changes the
 * backed-up part on HRP_S. */
int hrp_config_check(struct hrp_config *c, const struct hsb_config *next,
		     char *err, size_t errlen);
/* After a change was committed. */
void hrp_config_applied(struct hrp_config *c, const struct hsb_config *prev);
/* hsbctl hrp sync config: offer now, pushed. -1 with err. */
int hrp_config_push(struct hrp_config *c, char *err, size_t errlen);
/* The backed-up part belongs to the peer (HRP_S): a reload keeps it. */
bool hrp_config_from_peer(const struct hrp_config *c);

void hrp_config_info(const struct hrp_config *c, struct hrp_config_info *out);

#endif /* HSBD_HRP_CONFIG_H */
