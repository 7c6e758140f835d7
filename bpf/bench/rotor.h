/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The flow rotor of the BPF_PROG_TEST_RUN benchmark (rotor.bpf.c), shared
 * with tests/bench/prog_bench.c.
 */
#ifndef HSB_BENCH_ROTOR_H
#define HSB_BENCH_ROTOR_H

#include <linux/types.h>

#define ROT_HDR_LEN 54 /* Ethernet 14 + IPv4 20 + TCP 20 */
#define ROT_MAX_FLOWS 65536 /* power of two */

/* Per-flow bytes, all in network order, written over the template. */
struct rot_flow {
	__u32 saddr; /* IPv4 source, offset 26 */
	__u16 sport; /* TCP source port, offset 34 */
	__u16 ip_csum; /* offset 24 */
	__u16 l4_csum; /* TCP checksum, offset 50 */
	__u16 pad;
};

struct rot_cfg {
	__u8 hdr[ROT_HDR_LEN]; /* frame template */
	__u16 pad;
	__u32 mask; /* flows in use - 1 (a power of two minus one) */
};

#endif /* HSB_BENCH_ROTOR_H */
