// SPDX-License-Identifier: GPL-2.0-only
/*
 * A batch backup is never followed by older state of the same session
 * (user/hsbd/hrp/hrp_fresh.h), on a real hash map (root): the snapshot
 * reads a session as it is now; a change record XDP emitted before that
 * (an older state) reaches the sender after it and is sent with the
 * table's value - what the peer applies last is at least the snapshot.
 * A session gone, or the peer's now, is not sent at all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <cmocka.h>

#include "hsb/flow.h"
#include "hsb/session.h"
#include "hrp/hrp_fresh.h"

static int fd;

static int setup(void **state)
{
	(void)state;
	fd = bpf_map_create(BPF_MAP_TYPE_HASH, "hsbt_fresh",
			    sizeof(struct hsb_flow_key),
			    sizeof(struct hsb_session), 16, NULL);
	assert_true(fd >= 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	close(fd);
	return 0;
}

static void session(struct hsb_session_event *ev, uint8_t state,
		    uint64_t packets, uint64_t seen)
{
	memset(ev, 0, sizeof(*ev));
	ev->hdr.type = HSB_EV_SESSION_UPDATE;
	ev->hdr.ts_ns = seen;
	ev->key.family = HSB_FAMILY_IPV4;
	ev->key.proto = 6;
	ev->key.addr_a[0] = 10;
	ev->key.addr_b[0] = 198;
	ev->key.port_a = 1000;
	ev->key.port_b = 443;
	ev->sess.state = state;
	ev->sess.packets[0] = packets;
	ev->sess.last_seen_ns = seen;
	ev->sess.created_ns = 1;
}

static void test_not_older_than_the_snapshot(void **state)
{
	struct hsb_session_event older, newer;
	struct hsb_session snap;
	union hsb_record u;

	(void)state;
	/* XDP: SYN_SENT at t=100 (record in the ring, not yet read), then
	 * ESTABLISHED, 5 packets, at t=200 */
	session(&older, HSB_CT_SYN_SENT, 1, 100);
	session(&newer, HSB_CT_ESTABLISHED, 5, 200);
	assert_int_equal(bpf_map_update_elem(fd, &newer.key, &newer.sess, 0),
			 0);
	/* the batch backup's snapshot */
	assert_int_equal(bpf_map_lookup_elem(fd, &newer.key, &snap), 0);
	/* the older record arrives now: what goes out after the snapshot */
	memset(&u, 0, sizeof(u));
	u.sess = older;
	assert_int_equal(hrp_fresh_session(fd, &u), HRP_FRESH_SEND);
	assert_int_equal(u.sess.sess.state, snap.state);
	assert_true(u.sess.sess.packets[0] >= snap.packets[0]);
	assert_true(u.sess.sess.last_seen_ns >= snap.last_seen_ns);
	/* the record keeps its own header: its emission time (lag) */
	assert_int_equal(u.hdr.ts_ns, 100);
	assert_int_equal(u.hdr.type, HSB_EV_SESSION_UPDATE);
}

static void test_gone_or_the_peers(void **state)
{
	struct hsb_session_event ev;
	union hsb_record u;

	(void)state;
	session(&ev, HSB_CT_ESTABLISHED, 5, 200);
	ev.key.port_a = 2000;
	memset(&u, 0, sizeof(u));
	u.sess = ev;
	/* deleted after the record was emitted: its delete travels */
	assert_int_equal(hrp_fresh_session(fd, &u), HRP_FRESH_GONE);
	/* claimed by the peer meanwhile (this host yielded) */
	ev.sess.flags = HSB_SESS_F_FROM_PEER;
	assert_int_equal(bpf_map_update_elem(fd, &ev.key, &ev.sess, 0), 0);
	u.sess.sess.flags = 0;
	assert_int_equal(hrp_fresh_session(fd, &u), HRP_FRESH_PEER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_older_than_the_snapshot),
		cmocka_unit_test(test_gone_or_the_peers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
