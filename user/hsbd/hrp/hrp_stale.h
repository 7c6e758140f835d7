/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * After a complete batch backup from the peer: the sessions installed
 * from it in an earlier connection that it no longer has (they ended
 * while the two were apart, and their deletes never came) are removed
 * here. A batch backup otherwise only adds and updates (the firewall
 * convention: an entry is never deleted because a list lacks it); these
 * are the exception because the peer itself gave them, owns them, and
 * has just listed everything it owns (docs/hrp.md, "Batch backup").
 *
 * Which ones: marked from the peer and not installed (or refreshed by a
 * packet here) since the batch backup began - every session the install
 * path writes gets its last_sync_ns set then, and XDP sets it on the
 * packets it refreshes. The walk is sliced like the batch backup, one
 * walker batch per call, so a million sessions never hold the loop.
 */
#ifndef HSBD_HRP_STALE_H
#define HSBD_HRP_STALE_H

#include <stdint.h>

struct hsb_dp_maps;
struct hsb_record_buf;
struct hrp_stale;

/* NULL: out of memory (or the map cannot be walked). */
struct hrp_stale *hrp_stale_start(const struct hsb_dp_maps *m,
				  struct hsb_record_buf *deletes,
				  uint64_t since_ns);
/* One slice: 1 while there is more, 0 when done. *removed counts what
 * it removed (through the bus: what a session held is released). */
int hrp_stale_step(struct hrp_stale *s, uint64_t now_ns, uint64_t *removed);
void hrp_stale_free(struct hrp_stale *s);

#endif /* HSBD_HRP_STALE_H */
