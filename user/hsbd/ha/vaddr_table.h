/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hsbd's side of the virtual-address tables (include/hsb/vaddr.h): the
 * VRRP engine and the NAT engine each own one kind of hsb_vaddrs entry
 * and replace theirs as a set; the filters in the program's .bss follow
 * the map. Which group each entry names is the switchover owner's
 * decision (ha/switchover.h).
 */
#ifndef HSBD_VADDR_TABLE_H
#define HSBD_VADDR_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "hsb/flow.h"
#include "hsb/vaddr.h"

struct hsb_datapath;

struct hsb_vaddr_want {
	struct hsb_vaddr_key key;
	struct hsb_vaddr val;
};

struct hsb_vmac_want {
	struct hsb_vmac_key key;
	struct hsb_vmac val;
};

/* Make the entries whose kind is in kinds (a bit mask of 1 << kind) be
 * exactly want[0..n): new ones added, changed ones rewritten (their
 * counters kept), the rest of those kinds deleted; the address filter is
 * widened before and narrowed after. Returns 0 or -errno. */
int hsb_vaddr_replace(struct hsb_datapath *dp, unsigned int kinds,
		      const struct hsb_vaddr_want *want, unsigned int n);

/* Make hsb_vmacs exactly want[0..n), the interface filter likewise. */
int hsb_vmac_replace(struct hsb_datapath *dp, const struct hsb_vmac_want *want,
		     unsigned int n);

/* What the datapath holds for group (0: always active). The writes are
 * the switchover owner's (ha/switchover.h). */
int hsb_vgroup_get(struct hsb_datapath *dp, uint16_t group, bool *active);

/* Calls fn for every entry of the given kinds bound to group (the
 * addresses a new master announces), on whatever interface. */
void hsb_vaddr_foreach(struct hsb_datapath *dp, unsigned int kinds,
		       uint16_t group,
		       void (*fn)(const struct hsb_vaddr_key *k,
				  const struct hsb_vaddr *v, void *ctx),
		       void *ctx);

#endif /* HSBD_VADDR_TABLE_H */
