/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * When a session expires: its idle time (now - last_seen_ns, both
 * CLOCK_MONOTONIC, the clock of bpf_ktime_get_ns()) against the configured
 * timeout of its state (`firewall session timeout KIND`). Pure: "now" is a
 * parameter, so tests run on a fake clock.
 */
#ifndef HSB_SESSION_EXPIRY_H
#define HSB_SESSION_EXPIRY_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "hsb/session.h"

/* The timeout kind of a state; a state this build does not know (a newer
 * peer's) falls back on the protocol's shortest sensible kind. */
enum hsb_session_tmo hsb_session_tmo_kind(uint8_t state, uint8_t proto);

uint64_t hsb_session_timeout_ns(const struct hsb_cfg_session *cs, uint8_t state,
				uint8_t proto);

/* 0 when the entry was touched after now (a packet raced the read). */
uint64_t hsb_session_idle_ns(const struct hsb_session *s, uint64_t now);

/* Time left before the entry expires; 0 once it has. */
uint64_t hsb_session_expires_in_ns(const struct hsb_cfg_session *cs,
				   uint8_t proto, const struct hsb_session *s,
				   uint64_t now);

bool hsb_session_expired(const struct hsb_cfg_session *cs, uint8_t proto,
			 const struct hsb_session *s, uint64_t now);

#endif /* HSB_SESSION_EXPIRY_H */
