/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Gathering records into batches for the bus (records/bus.h): a producer
 * (the collector, the sweeper, the NAT engine, clear sessions) adds
 * records one at a time and the bus gets them HSB_RECORD_BUF_MAX at a
 * time at most, so a subscriber that ships records can coalesce them.
 * A full buffer is published before the next record is added; the
 * producer flushes when its unit of work (a ring read, a batch of the
 * table, a callback) ends.
 *
 * A buffer belongs to one producer context: the bus delivers from
 * inside hsb_record_buf_flush(), so code a subscriber runs must add to a
 * buffer of its own, not to one that may be flushing.
 */
#ifndef HSB_RECORD_BUF_H
#define HSB_RECORD_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "records/bus.h"

#define HSB_RECORD_BUF_MAX 256 /* 56 KiB of records */

struct hsb_record_buf {
	struct hsb_bus *bus;
	uint64_t now_ns; /* of the last record added */
	size_t n;
	union hsb_record recs[HSB_RECORD_BUF_MAX];
};

void hsb_record_buf_init(struct hsb_record_buf *rb, struct hsb_bus *bus);

/* A zeroed record to fill, the last of the next batch. */
union hsb_record *hsb_record_buf_next(struct hsb_record_buf *rb,
				      uint64_t now_ns);

/* A session record: key and a snapshot of its entry, stamped now. */
void hsb_record_buf_session(struct hsb_record_buf *rb, __u16 type,
			    const struct hsb_flow_key *key,
			    const struct hsb_session *sess, uint64_t now_ns);

/* A NAT mapping record of table, stamped now. */
void hsb_record_buf_nat(struct hsb_record_buf *rb, __u16 type, __u8 table,
			const struct hsb_nat_key *key,
			const struct hsb_nat_entry *val, uint64_t now_ns);

/* Publishes what was added as one batch. */
void hsb_record_buf_flush(struct hsb_record_buf *rb);

#endif /* HSB_RECORD_BUF_H */
