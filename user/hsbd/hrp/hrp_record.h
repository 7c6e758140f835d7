/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HRP state records: the payload of RECORDS and BULK frames
 * (user/hrp/hrp_frame.h), one TLV record per session or NAT change in
 * its transfer form (records/xfer.h). docs/hrp.md ("Records") has the
 * byte layout; integers big-endian. Pure.
 *
 * A frame's records are checked as a whole before any is used
 * (hrp_recs_check()): a frame with one malformed record is refused
 * whole, so a receiver never applies part of a frame. Record types this
 * host does not know are skipped by their length and counted (a newer
 * peer may send more), never guessed at.
 */
#ifndef HSBD_HRP_RECORD_H
#define HSBD_HRP_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "records/xfer.h"

#define HRP_REC_HDR_LEN 4
#define HRP_REC_SESSION_LEN (HRP_REC_HDR_LEN + 120)
#define HRP_REC_SESSION_DEL_LEN (HRP_REC_HDR_LEN + 40)
#define HRP_REC_NAT_LEN (HRP_REC_HDR_LEN + 52)
#define HRP_REC_NAT_DEL_LEN (HRP_REC_HDR_LEN + 12)
#define HRP_REC_MAX_LEN HRP_REC_SESSION_LEN

enum hrp_rec_type {
	HRP_REC_SESSION = 1, /* upsert: struct hsb_xfer_session */
	HRP_REC_SESSION_DEL = 2, /* the session ended: its key */
	HRP_REC_NAT = 3, /* upsert: struct hsb_xfer_nat */
	HRP_REC_NAT_DEL = 4, /* the mapping ended: table and PUB key */
	HRP_REC__MAX
};

/* Why a frame's records were refused (counted per reason). */
enum hrp_rec_err {
	HRP_RE_OK = 0,
	HRP_RE_SHORT, /* a record header cut by the end of the payload */
	HRP_RE_LENGTH, /* a length shorter than a header, past the end, or
			* not the length of its type */
	HRP_RE_COUNT, /* not as many records as the frame header says */
	HRP_RE_FIELD, /* a family, table, flag or padding out of range */
	HRP_RE__COUNT
};

const char *hrp_rec_err_name(enum hrp_rec_err e);
const char *hrp_rec_type_name(enum hrp_rec_type t);

struct hrp_nat_del {
	uint8_t table; /* HSB_NAT_TABLE_* */
	struct hsb_nat_key key;
};

struct hrp_rec {
	enum hrp_rec_type type;
	union {
		struct hsb_xfer_session s; /* HRP_REC_SESSION */
		struct hsb_flow_key key; /* HRP_REC_SESSION_DEL */
		struct hsb_xfer_nat n; /* HRP_REC_NAT */
		struct hrp_nat_del nd; /* HRP_REC_NAT_DEL */
	};
};

/* Appends r to out; returns its length, or 0 when room is too small or
 * the type unknown. */
size_t hrp_rec_encode(const struct hrp_rec *r, uint8_t *out, size_t room);

/* Checks every record of a payload; *unknown counts records of types
 * this host does not know (skipped by hrp_rec_next()). */
enum hrp_rec_err hrp_recs_check(const uint8_t *p, size_t len, uint32_t count,
				uint32_t *unknown);

/* Walks a payload hrp_recs_check() accepted. */
struct hrp_rec_iter {
	const uint8_t *p;
	size_t left;
};

void hrp_rec_iter_init(struct hrp_rec_iter *it, const uint8_t *p, size_t len);
/* The next known record into *r; false at the end. */
bool hrp_rec_next(struct hrp_rec_iter *it, struct hrp_rec *r);

#endif /* HSBD_HRP_RECORD_H */
