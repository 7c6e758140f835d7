// SPDX-License-Identifier: GPL-2.0-only
/*
 * Ring-buffer records as the collector reads them from hsb_events:
 * hsb_event_check() (user/hsbd/records/collector.c) decides whether a
 * record is trusted; a trusted one is then copied by its hdr.len, as the
 * collector does before publishing it on the bus. The fuzzer's bytes are
 * one record exactly as the ring hands it over (libbpf passes the
 * sample's length, which may include padding).
 *
 * Invariants: an accepted record is a type XDP emits, as long as its
 * type's struct, and no longer than the sample; the copy reads nothing
 * past the sample (ASan); every fault has a name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "hsb/events.h"
#include "records/collector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum hsb_event_fault f = hsb_event_check(data, size);
	const struct hsb_event_hdr *hdr = (const void *)data;
	void *copy;

	FUZZ_ASSERT(hsb_event_fault_name(f));
	FUZZ_ASSERT(strcmp(hsb_event_fault_name(f), "?"));
	if (f != HSB_EVF_OK)
		return 0;
	FUZZ_ASSERT(size >= sizeof(*hdr) && hdr->len <= size);
	switch (hdr->type) {
	case HSB_EV_SESSION_NEW:
	case HSB_EV_SESSION_UPDATE:
	case HSB_EV_SESSION_REFRESH: {
		const struct hsb_session_event *ev = (const void *)data;

		FUZZ_ASSERT(hdr->len == sizeof(*ev));
		FUZZ_ASSERT(ev->key.family == HSB_FAMILY_IPV4 ||
			    ev->key.family == HSB_FAMILY_IPV6);
		break;
	}
	case HSB_EV_NAT_CREATE:
		FUZZ_ASSERT(hdr->len == sizeof(struct hsb_nat_event));
		break;
	default:
		FUZZ_ASSERT(!"a type XDP never emits was accepted");
	}
	/* what the collector does with it */
	copy = malloc(hdr->len);
	FUZZ_ASSERT(copy);
	memcpy(copy, data, hdr->len);
	free(copy);
	return 0;
}
