/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What an installed session must read back as, written once for the
 * unit test of the pure half (test_install_prep.c) and the BPF test of
 * the whole path (tests/bpf/test_install.c): the peer's entry but for
 * the listed fields (docs/architecture.md, "Install path").
 */
#ifndef HSB_TESTS_INSTALL_EXPECT_H
#define HSB_TESTS_INSTALL_EXPECT_H

#include <stdint.h>
#include <string.h>

#include "hsb/session.h"

/* Peer entry o after a round trip to a receiver whose clock reads skew
 * more than the sender's (modulo 2^64), installed at now. */
static inline struct hsb_session install_expected(const struct hsb_session *o,
						  uint64_t skew, uint64_t now)
{
	struct hsb_session e = *o;

	e.flags = (o->flags & ~HSB_SESS_F_DIRTY) | HSB_SESS_F_FROM_PEER;
	e.created_ns = o->created_ns + skew;
	e.last_seen_ns = o->last_seen_ns + skew;
	e.last_sync_ns = now;
	memset(e.nh, 0, sizeof(e.nh));
	e.ifindex_in = 0;
	return e;
}

#endif /* HSB_TESTS_INSTALL_EXPECT_H */
