// SPDX-License-Identifier: GPL-2.0-only
/*
 * VGMP messages (user/vgmp/vgmp_codec.h) and their message layer
 * (vgmp_link.h): round trip, the worked example of docs/vgmp.md byte for
 * byte, every truncation, every flipped byte, wrong keys, bounds, replay
 * within a run and across restarts, and the ACK / retransmit schedule.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "vgmp_codec.h"
#include "vgmp_link.h"

static const uint8_t key[] = "s3cret-key";
#define KEYLEN (sizeof(key) - 1)

static const uint8_t node_a[VGMP_NODE_ID_SIZE] = {
	[10] = 0xff, [11] = 0xff, [12] = 10, [13] = 255, [14] = 0, [15] = 1
};
static const uint8_t node_b[VGMP_NODE_ID_SIZE] = {
	[10] = 0xff, [11] = 0xff, [12] = 10, [13] = 255, [14] = 0, [15] = 2
};

static void sample(struct vgmp_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = VGMP_MSG_HELLO;
	m->flags = VGMP_F_ACK_REQUESTED;
	m->hello_ms = 1000;
	m->epoch = 0x1876543210abcdefULL;
	m->seq = 7;
	memcpy(m->node, node_a, sizeof(node_a));
	m->n_groups = 1;
	strcpy(m->groups[0].name, "vg1");
	m->groups[0].g.state = VGMP_STATE_ACTIVE;
	m->groups[0].g.priority = 65001;
	m->groups[0].g.penalty = 0;
	m->groups[0].g.ready = true;
	m->groups[0].preempt = true;
	m->groups[0].n_members = 2;
	m->groups[0].members[0] = (struct vgmp_wire_member){ .vrid = 10,
							     .state = 2,
							     .family = 4 };
	m->groups[0].members[1] = (struct vgmp_wire_member){ .vrid = 20,
							     .state = 2,
							     .family = 4 };
}

static void test_round_trip(void **state)
{
	uint8_t buf[VGMP_MAX_MSG];
	struct vgmp_msg m, back;
	int len;

	(void)state;
	sample(&m);
	len = vgmp_encode(&m, key, KEYLEN, buf, sizeof(buf));
	assert_int_equal(len, VGMP_HDR_LEN + VGMP_GROUP_LEN +
				      2 * VGMP_MEMBER_LEN + VGMP_HMAC_LEN);
	assert_int_equal(vgmp_decode(buf, (size_t)len, key, KEYLEN, &back),
			 VGMP_RX_OK);
	assert_int_equal(back.type, m.type);
	assert_int_equal(back.flags, m.flags);
	assert_int_equal(back.hello_ms, 1000);
	assert_true(back.epoch == m.epoch);
	assert_true(back.seq == m.seq);
	assert_memory_equal(back.node, m.node, VGMP_NODE_ID_SIZE);
	assert_int_equal(back.n_groups, 1);
	assert_string_equal(back.groups[0].name, "vg1");
	assert_int_equal(back.groups[0].g.state, VGMP_STATE_ACTIVE);
	assert_int_equal(back.groups[0].g.priority, 65001);
	assert_true(back.groups[0].g.ready);
	assert_false(back.groups[0].g.handover);
	assert_true(back.groups[0].preempt);
	assert_int_equal(back.groups[0].n_members, 2);
	assert_int_equal(back.groups[0].members[1].vrid, 20);
	assert_int_equal(back.hold_ms, 0);
	/* the hold of an agent restart: bytes 52..55, big-endian */
	m.hold_ms = 3000;
	len = vgmp_encode(&m, key, KEYLEN, buf, sizeof(buf));
	assert_int_equal(buf[51], 0);
	assert_int_equal(buf[52], 0);
	assert_int_equal(buf[53], 0);
	assert_int_equal(buf[54], 0x0b);
	assert_int_equal(buf[55], 0xb8);
	assert_int_equal(vgmp_decode(buf, (size_t)len, key, KEYLEN, &back),
			 VGMP_RX_OK);
	assert_int_equal(back.hold_ms, 3000);

	/* ACK: no groups */
	memset(&m, 0, sizeof(m));
	m.type = VGMP_MSG_ACK;
	m.ack = 99;
	memcpy(m.node, node_b, sizeof(node_b));
	len = vgmp_encode(&m, key, KEYLEN, buf, sizeof(buf));
	assert_int_equal(len, VGMP_HDR_LEN + VGMP_HMAC_LEN);
	assert_int_equal(vgmp_decode(buf, (size_t)len, key, KEYLEN, &back),
			 VGMP_RX_OK);
	assert_true(back.ack == 99);
}

/* The worked example of docs/vgmp.md, byte for byte; the HMAC was also
 * computed independently (Python hmac/hashlib) over the same bytes. */
static void test_worked_example(void **state)
{
	static const char *const hex = "5647"
				       "01"
				       "01"
				       "0001"
				       "0090"
				       "1876543210abcdef"
				       "0000000000000007"
				       "0000000000000000"
				       "00000000000000000000ffff0aff0001"
				       "03e8"
				       "01"
				       "00"
				       "00000000"
				       "76673100000000000000000000000000"
				       "00000000000000000000000000000000"
				       "02"
				       "05"
				       "02"
				       "00"
				       "0000fde9"
				       "00000000"
				       "00000000"
				       "0a020400"
				       "14020400";
	uint8_t buf[VGMP_MAX_MSG], want[VGMP_MAX_MSG];
	struct vgmp_msg m;
	size_t i, n = strlen(hex) / 2;
	char mac[2 * VGMP_HMAC_LEN + 1];
	int len;

	(void)state;
	for (i = 0; i < n; i++)
		assert_int_equal(sscanf(hex + 2 * i, "%2hhx", &want[i]), 1);
	sample(&m);
	len = vgmp_encode(&m, key, KEYLEN, buf, sizeof(buf));
	assert_int_equal(len, (int)n + VGMP_HMAC_LEN);
	assert_memory_equal(buf, want, n);
	for (i = 0; i < VGMP_HMAC_LEN; i++)
		sprintf(mac + 2 * i, "%02x", buf[n + i]);
	/* printed so docs/vgmp.md can quote it */
	print_message("hmac %s\n", mac);
	assert_string_equal(
		mac,
		"b435ff8775119fa3e14a373be7087ec2e00c617061ed6524078752f93adaeb49");
}

/* Every truncation is refused, and so is every single flipped byte
 * (never accepted as another valid message). */
static void test_truncated_and_flipped(void **state)
{
	uint8_t buf[VGMP_MAX_MSG], bad[VGMP_MAX_MSG];
	struct vgmp_msg m, back;
	int len, i, bit;

	(void)state;
	sample(&m);
	len = vgmp_encode(&m, key, KEYLEN, buf, sizeof(buf));
	for (i = 0; i < len; i++)
		assert_int_not_equal(vgmp_decode(buf, (size_t)i, key, KEYLEN,
						 &back),
				     VGMP_RX_OK);
	for (i = 0; i < len; i++)
		for (bit = 0; bit < 8; bit++) {
			memcpy(bad, buf, (size_t)len);
			bad[i] ^= (uint8_t)(1 << bit);
			assert_int_not_equal(vgmp_decode(bad, (size_t)len, key,
							 KEYLEN, &back),
					     VGMP_RX_OK);
		}
	/* the specific reasons of a few */
	assert_int_equal(vgmp_decode(buf, 10, key, KEYLEN, &back),
			 VGMP_RX_SHORT);
	memcpy(bad, buf, (size_t)len);
	bad[0] = 0;
	assert_int_equal(vgmp_decode(bad, (size_t)len, key, KEYLEN, &back),
			 VGMP_RX_MAGIC);
	memcpy(bad, buf, (size_t)len);
	bad[2] = 2;
	assert_int_equal(vgmp_decode(bad, (size_t)len, key, KEYLEN, &back),
			 VGMP_RX_VERSION);
	assert_int_equal(vgmp_decode(buf, (size_t)len - 1, key, KEYLEN, &back),
			 VGMP_RX_LENGTH);
	memcpy(bad, buf, (size_t)len);
	bad[len - 1] ^= 1;
	assert_int_equal(vgmp_decode(bad, (size_t)len, key, KEYLEN, &back),
			 VGMP_RX_AUTH);
	/* a wrong key, an empty key */
	assert_int_equal(vgmp_decode(buf, (size_t)len, (const uint8_t *)"x", 1,
				     &back),
			 VGMP_RX_AUTH);
	assert_int_equal(vgmp_decode(buf, (size_t)len, NULL, 0, &back),
			 VGMP_RX_AUTH);
}

/* Fields that pass the HMAC (the sender has the key) but are out of
 * range: refused before use. */
static void test_fields(void **state)
{
	uint8_t buf[VGMP_MAX_MSG];
	struct vgmp_msg m, back;
	int len;

	(void)state;
	sample(&m);
	m.groups[0].g.state = 3;
	len = vgmp_encode(&m, key, KEYLEN, buf, sizeof(buf));
	assert_int_equal(vgmp_decode(buf, (size_t)len, key, KEYLEN, &back),
			 VGMP_RX_FIELD);
	sample(&m);
	m.groups[0].members[0].family = 5;
	len = vgmp_encode(&m, key, KEYLEN, buf, sizeof(buf));
	assert_int_equal(vgmp_decode(buf, (size_t)len, key, KEYLEN, &back),
			 VGMP_RX_FIELD);
	sample(&m);
	m.groups[0].name[0] = '\0';
	len = vgmp_encode(&m, key, KEYLEN, buf, sizeof(buf));
	assert_int_equal(vgmp_decode(buf, (size_t)len, key, KEYLEN, &back),
			 VGMP_RX_FIELD);
	sample(&m);
	m.type = 9;
	len = vgmp_encode(&m, key, KEYLEN, buf, sizeof(buf));
	assert_int_equal(vgmp_decode(buf, (size_t)len, key, KEYLEN, &back),
			 VGMP_RX_TYPE);
	/* too many groups / members: the encoder refuses */
	sample(&m);
	m.n_groups = VGMP_MAX_GROUPS + 1;
	assert_int_equal(vgmp_encode(&m, key, KEYLEN, buf, sizeof(buf)),
			 -EINVAL);
	sample(&m);
	m.groups[0].n_members = VGMP_MAX_MEMBERS + 1;
	assert_int_equal(vgmp_encode(&m, key, KEYLEN, buf, sizeof(buf)),
			 -EINVAL);
	/* the largest message round-trips */
	sample(&m);
	m.n_groups = VGMP_MAX_GROUPS;
	for (int g = 0; g < VGMP_MAX_GROUPS; g++) {
		snprintf(m.groups[g].name, sizeof(m.groups[g].name),
			 "group-%d-abcdefghijklmnopqrstuvw", g);
		m.groups[g].n_members = VGMP_MAX_MEMBERS;
		for (int i = 0; i < VGMP_MAX_MEMBERS; i++)
			m.groups[g].members[i] = (struct vgmp_wire_member){
				.vrid = (uint8_t)(i + 1), .family = 6
			};
	}
	len = vgmp_encode(&m, key, KEYLEN, buf, sizeof(buf));
	assert_int_equal(len, VGMP_MAX_MSG);
	assert_int_equal(vgmp_decode(buf, (size_t)len, key, KEYLEN, &back),
			 VGMP_RX_OK);
	assert_string_equal(back.groups[7].name, m.groups[7].name);
}

/* Replay: not newer than the last accepted one, in a run or after the
 * sender restarts; our own messages looped back. */
static void test_replay(void **state)
{
	struct vgmp_link a, b;
	struct vgmp_msg m1, m2, old;

	(void)state;
	vgmp_link_init(&a, node_a, 1000, 1000);
	vgmp_link_init(&b, node_b, 2000, 1000);
	vgmp_link_next(&a, VGMP_MSG_HELLO, false, 0, &m1);
	vgmp_link_next(&a, VGMP_MSG_HELLO, false, 0, &m2);
	assert_int_equal(vgmp_link_rx(&b, &m1, 0), VGMP_RX_OK);
	assert_int_equal(vgmp_link_rx(&b, &m2, 0), VGMP_RX_OK);
	assert_int_equal(vgmp_link_rx(&b, &m1, 0), VGMP_RX_REPLAY);
	assert_int_equal(vgmp_link_rx(&b, &m2, 0), VGMP_RX_REPLAY);
	old = m2;
	/* a restarts: a later epoch, seq from 1 again: accepted */
	vgmp_link_init(&a, node_a, 5000, 1000);
	vgmp_link_next(&a, VGMP_MSG_HELLO, false, 0, &m1);
	assert_true(m1.seq == 1);
	assert_int_equal(vgmp_link_rx(&b, &m1, 0), VGMP_RX_OK);
	assert_int_equal(b.st.peer_restarts, 1);
	/* the previous run's hello, replayed: refused */
	assert_int_equal(vgmp_link_rx(&b, &old, 0), VGMP_RX_REPLAY);
	/* our own message looped back */
	vgmp_link_next(&b, VGMP_MSG_HELLO, false, 0, &m2);
	assert_int_equal(vgmp_link_rx(&b, &m2, 0), VGMP_RX_SELF);
	assert_int_equal(b.st.rx_rejected[VGMP_RX_REPLAY], 3);
	assert_int_equal(b.st.rx_rejected[VGMP_RX_SELF], 1);
}

/* A triggered hello waits for its ACK, is resent (fresh) a tenth of the
 * interval later, at most VGMP_MAX_RETRANSMITS times; the ACK ends it; a
 * stale ACK does not. */
static void test_ack_retransmit(void **state)
{
	struct vgmp_link a, b;
	struct vgmp_msg h, ack, h2;
	uint64_t t = 1000;
	int i;

	(void)state;
	vgmp_link_init(&a, node_a, 1, 1000);
	vgmp_link_init(&b, node_b, 2, 1000);
	vgmp_link_next(&a, VGMP_MSG_HELLO, true, t, &h);
	assert_true(h.flags & VGMP_F_ACK_REQUESTED);
	assert_true(vgmp_link_deadline(&a) == t + 50);
	assert_false(vgmp_link_retransmit_due(&a, t + 49));
	/* lost: resent every 50 ms, at most VGMP_MAX_RETRANSMITS times */
	for (i = 0; i < VGMP_MAX_RETRANSMITS; i++) {
		t = vgmp_link_deadline(&a);
		assert_true(vgmp_link_retransmit_due(&a, t));
		vgmp_link_next(&a, VGMP_MSG_HELLO, true, t, &h2);
	}
	t = vgmp_link_deadline(&a);
	assert_false(vgmp_link_retransmit_due(&a, t));
	assert_true(vgmp_link_deadline(&a) == 0);
	assert_int_equal(a.st.acks_missing, 1);
	assert_int_equal(a.st.tx_retransmits, VGMP_MAX_RETRANSMITS);

	/* answered: the wait ends; the ACK names the hello */
	vgmp_link_next(&a, VGMP_MSG_HELLO, true, t, &h);
	assert_int_equal(vgmp_link_rx(&b, &h, t), VGMP_RX_OK);
	vgmp_link_ack(&b, &h, t, &ack);
	assert_int_equal(ack.type, VGMP_MSG_ACK);
	assert_true(ack.ack == h.seq);
	/* a stale ACK (for an older hello) leaves the wait */
	vgmp_link_next(&a, VGMP_MSG_HELLO, true, t, &h2);
	assert_int_equal(vgmp_link_rx(&a, &ack, t), VGMP_RX_OK);
	assert_int_equal(a.st.rx_acks_stale, 1);
	assert_true(vgmp_link_deadline(&a) != 0);
	vgmp_link_ack(&b, &h2, t, &ack);
	assert_int_equal(vgmp_link_rx(&a, &ack, t), VGMP_RX_OK);
	assert_true(vgmp_link_deadline(&a) == 0);
	/* a short interval: the retransmit floor is 5 ms */
	vgmp_link_init(&a, node_a, 1, 10);
	vgmp_link_next(&a, VGMP_MSG_HELLO, true, 0, &h);
	assert_true(vgmp_link_deadline(&a) == 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_worked_example),
		cmocka_unit_test(test_truncated_and_flipped),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_ack_retransmit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
