// SPDX-License-Identifier: GPL-2.0-only
/* Records gathered into batches. See record_buf.h. */
#include <string.h>

#include "records/record_buf.h"

void hsb_record_buf_init(struct hsb_record_buf *rb, struct hsb_bus *bus)
{
	rb->bus = bus;
	rb->n = 0;
	rb->now_ns = 0;
}

void hsb_record_buf_flush(struct hsb_record_buf *rb)
{
	size_t n = rb->n;

	if (!n)
		return;
	hsb_bus_publish_records(rb->bus, rb->recs, n, rb->now_ns);
	rb->n = 0;
}

union hsb_record *hsb_record_buf_next(struct hsb_record_buf *rb,
				      uint64_t now_ns)
{
	union hsb_record *r;

	if (rb->n == HSB_RECORD_BUF_MAX)
		hsb_record_buf_flush(rb);
	r = &rb->recs[rb->n++];
	memset(r, 0, sizeof(*r));
	rb->now_ns = now_ns;
	return r;
}

/* A zeroed record with its header: type, length, stamped now. */
static union hsb_record *stamped(struct hsb_record_buf *rb, __u16 type,
				 __u16 len, uint64_t now_ns)
{
	union hsb_record *r = hsb_record_buf_next(rb, now_ns);

	r->hdr.type = type;
	r->hdr.len = len;
	r->hdr.ts_ns = now_ns;
	return r;
}

void hsb_record_buf_session(struct hsb_record_buf *rb, __u16 type,
			    const struct hsb_flow_key *key,
			    const struct hsb_session *sess, uint64_t now_ns)
{
	struct hsb_session_event *ev =
		&stamped(rb, type, sizeof(*ev), now_ns)->sess;

	ev->key = *key;
	ev->sess = *sess;
}

void hsb_record_buf_nat(struct hsb_record_buf *rb, __u16 type, __u8 table,
			const struct hsb_nat_key *key,
			const struct hsb_nat_entry *val, uint64_t now_ns)
{
	struct hsb_nat_event *ev = &stamped(rb, type, sizeof(*ev), now_ns)->nat;

	ev->nat.table = table;
	ev->nat.key = *key;
	ev->nat.val = *val;
}
