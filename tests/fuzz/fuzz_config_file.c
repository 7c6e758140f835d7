// SPDX-License-Identifier: GPL-2.0-only
/*
 * A whole configuration file through the path `hsbd --check-config` and
 * the daemon's start and reload take: hsb_config_load_file() reads the
 * file and hands the bytes to hcfg_apply_buf() (user/config/persist.c);
 * the harness calls the latter directly with the fuzzer's bytes, embedded
 * NULs and all. The first byte picks which commands are accepted (hsbd's
 * HSB_CFG_IMPLEMENTED, or every command the grammar knows).
 *
 * Invariants: a refused file leaves the model as it was (empty) and
 * carries an error with a message; an accepted one renders to text that
 * parses back to an equal model, and rendering is a fixed point.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"
#include "fuzz_common.h"

static void round_trip(const struct hsb_config *cfg)
{
	struct hsb_config *back = hsb_config_new();
	struct hsb_cfg_error err;
	char *text = hsb_config_render(cfg), *again;

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
	again = hsb_config_render(back);
	FUZZ_ASSERT(again);
	if (strcmp(text, again)) {
		fprintf(stderr, "render not a fixed point:\n%s---\n%s", text,
			again);
		FUZZ_ASSERT(!"render is a fixed point");
	}
	free(again);
	free(text);
	hsb_config_free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* allocated once: see fuzz_config_line.c */
	static struct hsb_config *empty, *cfg;
	struct hsb_cfg_error err;
	enum hsb_cfg_accept accept;
	char msg[512];

	if (!size)
		return 0;
	accept = data[0] & 1 ? HSB_CFG_ALL_KNOWN : HSB_CFG_IMPLEMENTED;
	if (!empty) {
		empty = hsb_config_new();
		cfg = hsb_config_new();
	}
	FUZZ_ASSERT(cfg && empty);
	memcpy(cfg, empty, sizeof(*cfg)); /* hsb_config_new() */
	memset(&err, 0, sizeof(err));
	if (hcfg_apply_buf(cfg, (const char *)data + 1, size - 1, accept,
			   "fuzz.conf", &err)) {
		FUZZ_ASSERT(err.msg[0]);
		hsb_cfg_error_format(&err, msg, sizeof(msg));
		FUZZ_ASSERT(hsb_config_equal(cfg, empty));
	} else {
		round_trip(cfg);
	}
	return 0;
}
