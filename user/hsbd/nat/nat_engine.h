/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The NAT engine (hsb_nat_engine, hsbd.h): compiles the configured NAT
 * (nat_compile.h) into the datapath's NAT maps - address groups, the NAT
 * policy (double-buffered, flipped with the port partition in one
 * update), static server-map entries by difference (dynamic pinholes are
 * kept), the public addresses answered for (hsb_vaddrs, ha/vaddr_table.h);
 * as a subscriber of the bus (records/bus.h), drops the mapping
 * reference of every session hsbd deletes (its HSB_EV_SESSION_DELETE
 * record) and recounts references over the sweeper's passes; and once a
 * second re-emits mappings XDP marked dirty and removes expired pinholes,
 * reporting each.
 */
#ifndef HSB_NAT_ENGINE_H
#define HSB_NAT_ENGINE_H

#include "hsb/nat.h"

struct hsbd;

/* Run the hsb_nat_release program with a (retrying while the count is
 * busy). Returns 0 with a->result/a->deleted set, or -errno. */
int hsb_nat_run_release(int prog_fd, struct hsb_nat_release_args *a);

#endif /* HSB_NAT_ENGINE_H */
