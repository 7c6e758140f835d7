// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VRRP receive path: what a raw socket hands hsbd, through the
 * parsers and into a running instance.
 *
 * Input: one flags byte, then
 *   IPv4 (flags bit 0 clear): the bytes a raw IPv4 socket returns (IP
 *     header + VRRP message), through vrrp_ip4_parse() then vrrp_decode();
 *   IPv6 (bit 0 set): 16 bytes source, 16 bytes destination, 1 byte hop
 *     limit (what IPV6_PKTINFO / IPV6_HOPLIMIT give the socket layer),
 *     then the VRRP message, through vrrp_decode().
 * Bit 1 makes the harness write the correct VRRP checksum into the
 * message first, so the fuzzer gets past the checksum to every later
 * check. Bit 2 makes the receiving instance Master before the advert
 * arrives (else it is Backup).
 *
 * Invariants: the decoded address list lies inside the message; a
 * decoded advert re-encodes (vrrp_encode()) to a message that decodes to
 * the same fields; the state machine takes any decoded advert.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "vrrp_codec.h"
#include "vrrp_fsm.h"
#include "vrrp_ipv4.h"

#define F_IPV6 0x01
#define F_FIX_CSUM 0x02
#define F_MASTER 0x04

static struct vrrp_addr addr(int family, const char *s)
{
	uint8_t b[16];

	FUZZ_ASSERT(inet_pton(family, s, b) == 1);
	return vrrp_addr_make(family, b);
}

/* The instance that hears the advert: VRID 1, as configured by hsbd. */
static void instance(struct vrrp_fsm *f, int family, unsigned int version,
		     bool master)
{
	struct vrrp_fsm_config c;
	struct vrrp_actions out;

	memset(&c, 0, sizeof(c));
	c.vrid = 1;
	c.version = (uint8_t)version;
	c.family = family;
	c.priority = 100;
	c.advert_cs = version == 2 ? 100 : 100;
	c.preempt = true;
	c.n_vips = 2;
	if (family == AF_INET) {
		c.vips[0] = addr(AF_INET, "192.0.2.1");
		c.vips[1] = addr(AF_INET, "192.0.2.2");
		c.primary = addr(AF_INET, "192.0.2.10");
	} else {
		c.vips[0] = addr(AF_INET6, "fe80::1");
		c.vips[1] = addr(AF_INET6, "2001:db8::1");
		c.primary = addr(AF_INET6, "fe80::10");
	}
	FUZZ_ASSERT(vrrp_fsm_init(f, &c) == 0);
	FUZZ_ASSERT(vrrp_fsm_start(f, 1000, &out) == 0);
	if (master && f->state != VRRP_STATE_MASTER)
		FUZZ_ASSERT(vrrp_fsm_timer_expired(f, VRRP_TIMER_MASTER_DOWN,
						   5000, &out) == 0);
}

static void fix_checksum(uint8_t *msg, size_t len,
			 const struct vrrp_rx_meta *meta)
{
	uint16_t c;

	if (len < VRRP_HDR_LEN)
		return;
	msg[6] = msg[7] = 0;
	c = vrrp_checksum(msg[0] >> 4, &meta->src, &meta->dst, msg, len);
	msg[6] = (uint8_t)(c >> 8);
	msg[7] = (uint8_t)c;
}

/* A decoded advert, encoded again, decodes to the same fields. */
static void re_encode(const struct vrrp_advert *adv,
		      const struct vrrp_rx_meta *meta)
{
	static uint8_t buf[VRRP_MAX_MSG_LEN];
	struct vrrp_addr addrs[VRRP_MAX_WIRE_ADDRS];
	struct vrrp_advert back;
	struct vrrp_tx tx;
	size_t alen = vrrp_addr_len(adv->family);
	unsigned int i;
	int n;

	memset(&tx, 0, sizeof(tx));
	for (i = 0; i < adv->n_addrs; i++)
		addrs[i] = vrrp_advert_addr(adv, i);
	tx.version = adv->version;
	tx.vrid = adv->vrid;
	tx.priority = adv->priority;
	tx.adver_cs = adv->adver_cs;
	tx.addrs = addrs;
	tx.n_addrs = adv->n_addrs;
	tx.src = meta->src;
	tx.dst = meta->dst;
	n = vrrp_encode(&tx, buf, sizeof(buf));
	if (adv->vrid)
		FUZZ_ASSERT(n > 0);
	if (n <= 0)
		return;
	FUZZ_ASSERT((size_t)n ==
		    vrrp_msg_len(adv->family, adv->version, adv->n_addrs));
	FUZZ_ASSERT(vrrp_decode(buf, (size_t)n, meta, &back) == VRRP_RX_OK);
	FUZZ_ASSERT(back.version == adv->version && back.vrid == adv->vrid &&
		    back.priority == adv->priority &&
		    back.n_addrs == adv->n_addrs &&
		    back.adver_cs == adv->adver_cs);
	FUZZ_ASSERT(!memcmp(back.addrs, adv->addrs, adv->n_addrs * alen));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vrrp_rx_meta meta;
	struct vrrp_advert adv;
	struct vrrp_actions out;
	struct vrrp_fsm f;
	enum vrrp_rx_reason r;
	uint8_t flags, *copy;
	const uint8_t *msg;
	size_t len;

	if (size < 1)
		return 0;
	flags = data[0];
	data++;
	size--;
	memset(&meta, 0, sizeof(meta));
	if (flags & F_IPV6) {
		if (size < 33)
			return 0;
		meta.src = vrrp_addr_make(AF_INET6, data);
		meta.dst = vrrp_addr_make(AF_INET6, data + 16);
		meta.ttl = data[32];
		data += 33;
		size -= 33;
	}
	/* an exact-size copy the checksum fix may write to */
	copy = malloc(size ? size : 1);
	FUZZ_ASSERT(copy);
	memcpy(copy, data, size);
	msg = copy;
	len = size;
	if (!(flags & F_IPV6)) {
		enum vrrp_ip4_result ir =
			vrrp_ip4_parse(copy, size, &meta, &msg, &len);

		FUZZ_ASSERT(vrrp_ip4_result_name(ir));
		if (ir != VRRP_IP4_OK)
			goto out;
		FUZZ_ASSERT(msg >= copy && msg + len <= copy + size);
	}
	if (flags & F_FIX_CSUM)
		fix_checksum(copy + (msg - copy), len, &meta);
	r = vrrp_decode(msg, len, &meta, &adv);
	FUZZ_ASSERT(vrrp_rx_reason_name(r));
	if (r != VRRP_RX_OK)
		goto out;
	FUZZ_ASSERT(adv.n_addrs >= 1);
	FUZZ_ASSERT(adv.addrs >= msg &&
		    adv.addrs + adv.n_addrs * vrrp_addr_len(adv.family) <=
			    msg + len);
	FUZZ_ASSERT(vrrp_checksum(adv.version, &meta.src, &meta.dst, msg,
				  len) == 0);
	re_encode(&adv, &meta);
	instance(&f, adv.family, adv.version, flags & F_MASTER);
	r = vrrp_fsm_rx_advert(&f, &adv, 6000, &out);
	FUZZ_ASSERT(vrrp_rx_reason_name(r));
out:
	free(copy);
	return 0;
}
