/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Configuration of the benchmark traffic generator (trafficgen.bpf.c),
 * shared with its loader tests/bench/trafficgen.c, which fills it in the
 * skeleton's .data before load.
 */
#ifndef HSB_BENCH_TRAFFICGEN_H
#define HSB_BENCH_TRAFFICGEN_H

#include <linux/types.h>

#define TG_HDR_LEN 42 /* Ethernet 14 + IPv4 20 + UDP 8 */
#define TG_SPORT_OFF 34 /* UDP source port in the frame */
#define TG_DPORT_OFF 36 /* UDP destination port in the frame */

/* Flow f (0 .. n_flows - 1) is source port sport_base + f % sports to
 * destination port dport_base + f / sports: up to sports flows differ by
 * source port only, more take the next destination ports. */
struct tg_cfg {
	__u8 hdr[TG_HDR_LEN]; /* frame template, network order */
	__u16 sport_base; /* host order */
	__u32 n_flows;
	__u16 dport_base; /* host order */
	__u16 pad;
	__u32 sports; /* >= 1 */
};

#endif /* HSB_BENCH_TRAFFICGEN_H */
