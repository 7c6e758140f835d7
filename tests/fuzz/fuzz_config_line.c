// SPDX-License-Identifier: GPL-2.0-only
/*
 * One command line (hsb_config_apply_line(): what `hsbctl config`, the
 * file loader and HRP's configuration replication apply one at a time)
 * onto a rich running configuration, so `undo`, `move`, references to
 * zones, groups, pools and instances meet existing objects. The first
 * byte picks the accepted set (hsbd's HSB_CFG_IMPLEMENTED, or every
 * command the grammar knows); the rest, up to a NUL, is the line.
 *
 * Invariants: a refused line leaves the model exactly as it was, with an
 * error message and a column inside the line (or 0); an accepted one
 * gives a model whose rendering parses back to an equal model.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz_common.h"

/* Every kind of object, so that most commands have something to act on
 * (the rich configuration of tests/unit/test_config_roundtrip.c). */
static const char base_text[] =
	"sysname fw-a.dc1\n"
	"log level debug\n"
	"firewall zone dmz2\n"
	"firewall zone mgmt\n"
	"firewall zone trust\n"
	"interface eth0 zone trust xdp-mode native\n"
	"interface eth1 zone untrust\n"
	"interface eth2 zone dmz2 xdp-mode generic\n"
	"interface eth3\n"
	"firewall session table-size 65536\n"
	"firewall session timeout udp 90\n"
	"firewall blacklist 192.0.2.0/24 expire 600\n"
	"firewall blacklist 2001:db8:bad::/48\n"
	"firewall whitelist 203.0.113.0/28\n"
	"security-policy rule web from untrust to dmz2 destination 10.0.2.0/24 protocol tcp destination-port 80-443 action permit\n"
	"security-policy rule ping6 from trust to untrust source 2001:db8:1::/48 destination ::/0 protocol icmpv6 action permit\n"
	"security-policy rule deny-all from untrust to trust action deny\n"
	"nat address-group pool1 mode pat port-range 2048 60000\n"
	"nat address-group pool1 section 203.0.113.16 203.0.113.20\n"
	"nat address-group pool2 section 203.0.113.40 203.0.113.47 mode no-pat\n"
	"nat policy rule out from trust to untrust source 10.0.0.0/8 protocol any action source-nat address-group pool1\n"
	"nat policy rule keep from trust to dmz2 action no-nat\n"
	"nat server www protocol tcp global 203.0.113.100 80 inside 10.0.2.10 8080 zone untrust\n"
	"hrp interface eth3 remote 10.255.0.2 local 10.255.0.1 port 20000\n"
	"hrp authentication-key \"k3y with \\\"quotes\\\", \\\\ and # hash\"\n"
	"hrp enable\n"
	"vgmp group vg1 priority 120 preempt delay 30 hello-interval 500 dead-count 4\n"
	"vgmp group vg2 mode load-balance preempt\n"
	"vgmp group vg1 track interface eth0 reduce 20\n"
	"vgmp group vg1 track ip 10.0.0.254 interface eth0 interval 200 reduce 50\n"
	"vrrp vrid 1 interface eth1 virtual-ip 192.0.2.1 192.0.2.2/24 priority 120 advert-interval 50 preempt delay 300 accept\n"
	"vrrp vrid 1 interface eth1 unicast-peer 192.0.2.250 garp count 3 interval 100 refresh 60 vmac vgmp-group vg1\n"
	"vrrp vrid 3 interface eth0 virtual-ip fe80::1 2001:db8::1/64 vgmp-group vg2\n"
	"vrrp vrid 255 interface eth2 virtual-ip 10.0.2.1\n"
	"nat address-group pool2 vrrp vrid 255\n"
	"metrics listen 2001:db8::10 9100\n";

/* base, and the copy each run works on: allocated once, because a model
 * is 712 KB and a fresh allocation that size per run (ASan maps it anew)
 * cost most of the run time */
static struct hsb_config *base, *work;

static void round_trip(const struct hsb_config *cfg)
{
	struct hsb_config *back = hsb_config_new();
	struct hsb_cfg_error err;
	char *text = hsb_config_render(cfg);

	FUZZ_ASSERT(back && text);
	if (hsb_config_apply_text(back, text, HSB_CFG_ALL_KNOWN, "rendered",
				  &err)) {
		char msg[512];

		hsb_cfg_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "rendered text refused: %s\n%s", msg, text);
		FUZZ_ASSERT(!"rendered configuration parses back");
	}
	if (!hsb_config_equal(cfg, back)) {
		fprintf(stderr, "model differs after round trip of:\n%s", text);
		FUZZ_ASSERT(!"round trip gives an equal model");
	}
	free(text);
	hsb_config_free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hsb_cfg_error err;
	enum hsb_cmd_scope scope = (enum hsb_cmd_scope) - 1;
	enum hsb_cfg_accept accept;
	char *line, msg[512];

	if (!base) {
		base = hsb_config_new();
		FUZZ_ASSERT(base);
		FUZZ_ASSERT(!hsb_config_apply_text(
			base, base_text, HSB_CFG_ALL_KNOWN, "base", &err));
		round_trip(base);
		work = hsb_config_clone(base);
		FUZZ_ASSERT(work);
	}
	if (!size)
		return 0;
	accept = data[0] & 1 ? HSB_CFG_ALL_KNOWN : HSB_CFG_IMPLEMENTED;
	line = strndup((const char *)data + 1, size - 1);
	FUZZ_ASSERT(line);
	memcpy(work, base, sizeof(*work)); /* hsb_config_clone() */
	memset(&err, 0, sizeof(err));
	if (hsb_config_apply_line(work, line, accept, NULL, 1, &scope, &err)) {
		FUZZ_ASSERT(err.msg[0]);
		FUZZ_ASSERT(err.column <= strlen(line) + 1);
		hsb_cfg_error_format(&err, msg, sizeof(msg));
		FUZZ_ASSERT(hsb_config_equal(work, base));
	} else {
		FUZZ_ASSERT(scope == HSB_SCOPE_LOCAL ||
			    scope == HSB_SCOPE_BACKED_UP);
		/* the base's own round trip is checked once, at start */
		if (!hsb_config_equal(work, base))
			round_trip(work);
	}
	free(line);
	return 0;
}
