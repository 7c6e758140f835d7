// SPDX-License-Identifier: GPL-2.0-only
/*
 * VGMP datagrams from the heartbeat link: vgmp_decode(), then the link's
 * replay checks (vgmp_link_rx()) and the group state machine
 * (vgmp_group_rx_hello()) as the heartbeat layer drives them.
 *
 * Input: one mode byte, then the datagram. Every message ends with an
 * HMAC-SHA256, which a fuzzer cannot forge; rather than a test-only switch
 * in the product, the harness authenticates the fuzzer's bytes itself:
 *   mode bit 0 clear: the input is the message without its HMAC; the
 *     harness appends HMAC-SHA256(KEY, input) - and with bit 1 set also
 *     writes the right length into bytes 6..7 first - so vgmp_decode()
 *     checks every field past the HMAC;
 *   mode bit 0 set: the input goes in as it is (the checks before the
 *     HMAC, and the HMAC refusing).
 *
 * Invariants: a decoded message re-encodes (vgmp_encode()) to a datagram
 * that decodes to the same message; the link and the group take any
 * decoded hello.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fuzz_common.h"
#include "vgmp_codec.h"
#include "vgmp_group.h"
#include "vgmp_link.h"

#define KEY "fuzz-vgmp-key"
#define M_RAW 0x01
#define M_FIX_LENGTH 0x02

static const uint8_t our_node[VGMP_NODE_ID_SIZE] = { 0xaa, 0xbb, 0xcc };

static void re_encode(const struct vgmp_msg *m)
{
	static uint8_t buf[VGMP_MAX_MSG];
	static struct vgmp_msg back;
	int n = vgmp_encode(m, (const uint8_t *)KEY, strlen(KEY), buf,
			    sizeof(buf));

	FUZZ_ASSERT(n > 0 && (size_t)n <= sizeof(buf));
	FUZZ_ASSERT(vgmp_decode(buf, (size_t)n, (const uint8_t *)KEY,
				strlen(KEY), &back) == VGMP_RX_OK);
	FUZZ_ASSERT(!memcmp(&back, m, sizeof(back)));
}

/* The link and the group "g1" hear the message. */
static void deliver(const struct vgmp_msg *m)
{
	static struct vgmp_link link;
	static struct vgmp_group g;
	struct vgmp_group_config c;
	struct vgmp_actions out;
	unsigned int i;

	vgmp_link_init(&link, our_node, 1, 1000);
	if (vgmp_link_rx(&link, m, 10000) != VGMP_RX_OK ||
	    m->type != VGMP_MSG_HELLO)
		return;
	memset(&c, 0, sizeof(c));
	strcpy(c.name, "g1");
	c.priority = 65000;
	c.preempt = true;
	c.preempt_delay_ms = 1000;
	c.hello_ms = 1000;
	c.dead_count = 3;
	memcpy(c.node, our_node, sizeof(c.node));
	FUZZ_ASSERT(vgmp_group_init(&g, &c) == 0);
	vgmp_group_start(&g, 10000, &out);
	for (i = 0; i < m->n_groups; i++) {
		if (strcmp(m->groups[i].name, "g1"))
			continue;
		vgmp_group_rx_hello(&g, m->node, &m->groups[i].g, 10000 + i,
				    &out);
		FUZZ_ASSERT(vgmp_state_name(g.state));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vgmp_msg m;
	enum vgmp_rx_reason r;
	uint8_t mode, *buf;
	size_t len;

	if (size < 1)
		return 0;
	mode = data[0];
	data++;
	size--;
	len = mode & M_RAW ? size : size + VGMP_HMAC_LEN;
	buf = malloc(len ? len : 1);
	FUZZ_ASSERT(buf);
	memcpy(buf, data, size);
	if (!(mode & M_RAW)) {
		unsigned int n = VGMP_HMAC_LEN;

		if ((mode & M_FIX_LENGTH) && size >= 8) {
			buf[6] = (uint8_t)(len >> 8);
			buf[7] = (uint8_t)len;
		}
		HMAC(EVP_sha256(), KEY, (int)strlen(KEY), buf, size, buf + size,
		     &n);
	}
	r = vgmp_decode(buf, len, (const uint8_t *)KEY, strlen(KEY), &m);
	FUZZ_ASSERT(vgmp_rx_reason_name(r));
	if (r == VGMP_RX_OK) {
		FUZZ_ASSERT(m.n_groups <= VGMP_MAX_GROUPS);
		re_encode(&m);
		deliver(&m);
	}
	free(buf);
	return 0;
}
