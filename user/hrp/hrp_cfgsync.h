/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HRP configuration backup, the pure part: the CONFIG frame payloads
 * (offers of a backed-up configuration in chunks, and the receiver's
 * result), their reassembly, and the rules that decide who sends and
 * whose configuration wins. docs/hrp.md ("Configuration backup") has
 * the byte layout and the rules; integers big-endian. No I/O.
 *
 * The unit of replication is the whole backed-up part of a running
 * configuration (its canonical text), with a generation and a SHA-256
 * digest - never a single command. A receiver that adopts it ends with
 * exactly a configuration one operator applied and validated on the
 * sender, even when two operators typed at once; per-object merging
 * could combine two valid halves into an invalid whole (a NAT rule
 * naming an address group the other side deleted).
 */
#ifndef HSB_HRP_CFGSYNC_H
#define HSB_HRP_CFGSYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HRP_CFG_DIGEST_LEN 32
#define HRP_CFG_HDR_LEN 52
/* A backed-up configuration at most: bounds the receiver's buffer (the
 * model's limits give about 2 MiB of canonical text). */
#define HRP_CFG_MAX_TEXT (8u * 1024u * 1024u)
#define HRP_CFG_MSG_MAX 200 /* a result's reason */

enum hrp_cfg_kind {
	HRP_CFG_OFFER = 1, /* a chunk of a backed-up configuration */
	HRP_CFG_RESULT = 2, /* what the receiver did with an offer */
};

/* OFFER flags */
#define HRP_CFG_F_FIRST 0x01
#define HRP_CFG_F_LAST 0x02
#define HRP_CFG_F_MASTER 0x04 /* the sender is HRP_M */
#define HRP_CFG_F_PUSHED 0x08 /* hsbctl hrp sync config */

enum hrp_cfg_status {
	HRP_CFG_APPLIED = 0,
	HRP_CFG_SAME = 1, /* the receiver runs it already */
	HRP_CFG_KEPT = 2, /* the receiver's own wins (docs/hrp.md) */
	HRP_CFG_REFUSED = 3, /* it cannot run here: the reason says why */
	HRP_CFG__STATUS_COUNT
};

/* Why a CONFIG payload was dropped (counted; the connection stays). */
enum hrp_cfg_err {
	HRP_CFE_OK = 0,
	HRP_CFE_SHORT, /* shorter than its header */
	HRP_CFE_KIND, /* an unknown kind or status, reserved bits set */
	HRP_CFE_ORDER, /* a chunk not following the previous one */
	HRP_CFE_SIZE, /* over HRP_CFG_MAX_TEXT, or past its own total */
	HRP_CFE_DIGEST, /* the whole text does not hash to its digest */
	HRP_CFE_TEXT, /* a NUL byte, or a result reason too long */
	HRP_CFE__COUNT
};

const char *hrp_cfg_err_name(enum hrp_cfg_err e);
const char *hrp_cfg_status_name(enum hrp_cfg_status s);

struct hrp_cfg_msg {
	enum hrp_cfg_kind kind;
	uint8_t flags; /* OFFER */
	uint64_t gen;
	uint8_t digest[HRP_CFG_DIGEST_LEN];
	uint32_t total, offset; /* OFFER */
	const uint8_t *data; /* OFFER: this chunk; RESULT: the reason */
	size_t len;
	enum hrp_cfg_status status; /* RESULT */
};

/* SHA-256 of a configuration text. */
void hrp_cfg_digest(const char *text, size_t len,
		    uint8_t out[HRP_CFG_DIGEST_LEN]);

/* Encodes the chunk of text at offset (at most room - HRP_CFG_HDR_LEN
 * bytes of it); *chunk says how many. Returns the payload length, 0
 * when room cannot hold a header and one byte (an empty text: the
 * header alone, FIRST|LAST). */
size_t hrp_cfg_offer_encode(uint8_t flags, uint64_t gen,
			    const uint8_t digest[HRP_CFG_DIGEST_LEN],
			    const char *text, uint32_t total, uint32_t offset,
			    uint8_t *out, size_t room, uint32_t *chunk);
/* A result; reason may be NULL. Returns the payload length (room must
 * hold HRP_CFG_HDR_LEN + HRP_CFG_MSG_MAX). */
size_t hrp_cfg_result_encode(uint64_t gen,
			     const uint8_t digest[HRP_CFG_DIGEST_LEN],
			     enum hrp_cfg_status st, const char *reason,
			     uint8_t *out, size_t room);

enum hrp_cfg_err hrp_cfg_decode(const uint8_t *p, size_t len,
				struct hrp_cfg_msg *m);

/* Reassembles one offer from its chunks. */
struct hrp_cfg_rx {
	char *text; /* NUL-terminated once complete; malloc()ed */
	uint32_t total, have;
	uint64_t gen;
	uint8_t digest[HRP_CFG_DIGEST_LEN];
	uint8_t flags; /* of the first chunk */
	bool busy; /* a FIRST arrived, the LAST not yet */
};

void hrp_cfg_rx_reset(struct hrp_cfg_rx *rx);
/* Adds an OFFER chunk. Returns HRP_CFE_OK with *complete set when the
 * whole text arrived and matches its digest (rx->text holds it until
 * the next call or reset); any error drops what was gathered. A FIRST
 * chunk starts over (a newer offer replaces an unfinished one). -ENOMEM
 * is reported as HRP_CFE_SIZE. */
enum hrp_cfg_err hrp_cfg_rx_add(struct hrp_cfg_rx *rx,
				const struct hrp_cfg_msg *m, bool *complete);

/* Who this host is for configuration. */
enum hrp_cfg_role {
	HRP_CFG_ROLE_NONE = 0, /* no VGMP group decided yet */
	HRP_CFG_ROLE_MASTER, /* HRP_M */
	HRP_CFG_ROLE_SLAVE, /* HRP_S */
};

const char *hrp_cfg_role_name(enum hrp_cfg_role r);

/* The rules (docs/hrp.md, "Who wins"). */
struct hrp_cfg_state {
	enum hrp_cfg_role role;
	bool standby_config; /* hrp standby-config enable */
	uint64_t gen; /* of the running backed-up part */
	uint8_t digest[HRP_CFG_DIGEST_LEN];
};

/* Whether this host offers its configuration on its own (connection,
 * becoming HRP_M, a change): HRP_M always, HRP_S with standby-config. */
bool hrp_cfg_offers(const struct hrp_cfg_state *s);

/* Whether an operator may change the backed-up part here; false on
 * HRP_S without standby-config. */
bool hrp_cfg_may_edit(const struct hrp_cfg_state *s);

/*
 * What to do with a complete offer: SAME when it is what runs here;
 * APPLIED (apply it) when the sender is HRP_M and this host is not, or
 * it was pushed by an operator, or - with standby-config - its
 * generation is newer, or equal and the sender wins the tie
 * (sender_wins_tie: the caller's deterministic order of the two hosts);
 * KEPT otherwise.
 */
enum hrp_cfg_status hrp_cfg_judge(const struct hrp_cfg_state *s,
				  const struct hrp_cfg_msg *offer,
				  bool sender_wins_tie);

/* The generation of a change made here: newer than both sides'. */
uint64_t hrp_cfg_next_gen(uint64_t own, uint64_t peer);

#endif /* HSB_HRP_CFGSYNC_H */
