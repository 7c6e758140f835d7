// SPDX-License-Identifier: GPL-2.0-only
/*
 * HRP configuration backup as a receiver meets it: CONFIG payloads
 * (user/hrp/hrp_cfgsync.h) decoded and reassembled; a complete offer
 * judged and adopted onto this host's configuration
 * (hsb_config_adopt_backed_up(), the path hsbd takes before applying).
 * The frame layer's HMAC is not in the way: payloads start here.
 *
 * Input: one byte choosing this host's state (bits 0-1 role, bit 2
 * standby-config, bit 3 the sender wins a tie), then payloads, each a
 * 2-byte big-endian length and that many bytes.
 *
 * Invariants: a RESULT re-encodes to its own bytes; a complete offer's
 * text is its total length and hashes to its digest; an adopted
 * configuration keeps this host's local part exactly, and adopting its
 * own backed-up part again changes nothing; a refusal leaves no output
 * and says why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz_common.h"
#include "hrp_cfgsync.h"

/* This host: local objects the peer's lines may refer to. */
static const char own_text[] =
	"sysname fw-b\n"
	"firewall zone mgmt\n"
	"interface in0 zone trust\n"
	"interface out0 zone untrust\n"
	"interface mg0 zone mgmt\n"
	"hrp interface hb0 remote 10.99.0.1 local 10.99.0.2\n"
	"hrp authentication-key fuzz-key-1\n"
	"hrp enable\n"
	"vgmp group g1\n"
	"vrrp vrid 20 interface out0 virtual-ip 192.168.20.1/24 vgmp-group g1\n";

static struct hsb_config *own;

static void check_result(const uint8_t *p, size_t len,
			 const struct hrp_cfg_msg *m)
{
	static uint8_t buf[HRP_CFG_HDR_LEN + HRP_CFG_MSG_MAX];
	char reason[HRP_CFG_MSG_MAX + 1];
	size_t n;

	memcpy(reason, m->data, m->len);
	reason[m->len] = '\0';
	n = hrp_cfg_result_encode(m->gen, m->digest, m->status, reason, buf,
				  sizeof(buf));
	FUZZ_ASSERT(n == len && !memcmp(buf, p, len));
}

static void local_equal(const struct hsb_config *a)
{
	char *x = hsb_config_render_scope(a, HSB_SCOPE_LOCAL);
	char *y = hsb_config_render_scope(own, HSB_SCOPE_LOCAL);

	FUZZ_ASSERT(x && y && !strcmp(x, y));
	free(x);
	free(y);
}

static void adopt(const char *text)
{
	struct hsb_config *out, *again;
	struct hsb_cfg_error err;
	char *bu;

	if (hsb_config_adopt_backed_up(own, text, &out, &err)) {
		FUZZ_ASSERT(!out && err.msg[0]);
		return;
	}
	local_equal(out);
	bu = hsb_config_render_scope(out, HSB_SCOPE_BACKED_UP);
	FUZZ_ASSERT(bu);
	FUZZ_ASSERT(!hsb_config_adopt_backed_up(own, bu, &again, &err));
	FUZZ_ASSERT(hsb_config_equal(out, again));
	free(bu);
	hsb_config_free(again);
	hsb_config_free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hrp_cfg_state st = { 0 };
	struct hrp_cfg_rx rx = { 0 };
	uint8_t d[HRP_CFG_DIGEST_LEN];
	struct hrp_cfg_msg m;
	bool complete, tie;
	size_t len;

	if (!own) {
		struct hsb_cfg_error err;

		own = hsb_config_new();
		FUZZ_ASSERT(own && !hsb_config_apply_text(own, own_text,
							  HSB_CFG_ALL_KNOWN,
							  "own", &err));
	}
	if (!size)
		return 0;
	st.role = (enum hrp_cfg_role)(data[0] % 3);
	st.standby_config = data[0] & 0x04;
	tie = data[0] & 0x08;
	data++;
	size--;
	while (size >= 2) {
		len = (size_t)data[0] << 8 | data[1];
		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		if (hrp_cfg_decode(data, len, &m) == HRP_CFE_OK) {
			if (m.kind == HRP_CFG_RESULT) {
				check_result(data, len, &m);
			} else if (hrp_cfg_rx_add(&rx, &m, &complete) ==
					   HRP_CFE_OK &&
				   complete) {
				FUZZ_ASSERT(strlen(rx.text) == rx.total);
				hrp_cfg_digest(rx.text, rx.total, d);
				FUZZ_ASSERT(!memcmp(d, rx.digest, sizeof(d)));
				m.flags = rx.flags;
				m.gen = rx.gen;
				memcpy(m.digest, rx.digest, sizeof(d));
				if (hrp_cfg_judge(&st, &m, tie) ==
				    HRP_CFG_APPLIED)
					adopt(rx.text);
			}
		}
		data += len;
		size -= len;
	}
	hrp_cfg_rx_reset(&rx);
	return 0;
}
