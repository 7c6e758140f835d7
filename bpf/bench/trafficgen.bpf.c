// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_tgen: a traffic generator for BPF_PROG_TEST_RUN with
 * BPF_F_TEST_XDP_LIVE_FRAMES. Each run writes a whole Ethernet + IPv4 +
 * UDP header from the template in tg_cfg and returns XDP_TX, which the
 * live-frames runner turns into a transmit on ctx.ingress_ifindex.
 *
 * Live frames recycles pages without re-initialising them, so every header
 * byte is rewritten on every frame: a TTL decrement or a NAT rewrite done
 * downstream must not leak into the next frames. Frames cycle through
 * n_flows flows (source ports sport_base, sport_base + 1, ..., then the
 * next destination port: trafficgen.h), one flow per frame, so n_flows
 * distinct 5-tuples share the load evenly.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "trafficgen.h"

/* Writable data (not .rodata: clang folds a const template to zeros).
 * The loader fills it before load; n_flows = 1 keeps it out of .bss. */
struct tg_cfg tg_cfg = { .n_flows = 1, .sports = 1 };

__u32 tg_next; /* flow of the next frame */
__u64 tg_frames; /* frames built (the runner is single-threaded) */

SEC("xdp")
int bench_tgen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u8 *p = data;
	__u32 flow = tg_next;
	__u32 sports = tg_cfg.sports ? tg_cfg.sports : 1;
	__u16 sport, dport;

	if (p + TG_HDR_LEN > (__u8 *)data_end)
		return XDP_ABORTED;
	__builtin_memcpy(p, tg_cfg.hdr, TG_HDR_LEN);
	sport = (__u16)(tg_cfg.sport_base + flow % sports);
	dport = (__u16)(tg_cfg.dport_base + flow / sports);
	p[TG_SPORT_OFF] = sport >> 8;
	p[TG_SPORT_OFF + 1] = sport & 0xff;
	p[TG_DPORT_OFF] = dport >> 8;
	p[TG_DPORT_OFF + 1] = dport & 0xff;
	flow++;
	tg_next = flow >= tg_cfg.n_flows ? 0 : flow;
	tg_frames++;
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
