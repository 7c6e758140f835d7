// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_rot: header restore + flow rotation in front of the program under
 * test, for BPF_PROG_TEST_RUN with repeat > 1. Every run rewrites the whole
 * Ethernet/IPv4/TCP header from a template (undoing the TTL decrement and
 * MAC rewrite of the previous run), sets the next flow's source address,
 * port and checksums from rot_flows, and tail-calls rot_jmp[0] (hsb_xdp, or
 * the XDP_PASS program for the floor). The rotor's own cost is in the
 * floor too, so figure - floor is the cost of the program under test.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "rotor.h"

struct rot_cfg rot_cfg = { .mask = ROT_MAX_FLOWS - 1 };
__u32 rot_seq;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, ROT_MAX_FLOWS);
	__type(key, __u32);
	__type(value, struct rot_flow);
} rot_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} rot_jmp SEC(".maps");

SEC("xdp")
int bench_rot(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u8 *p = data;
	__u32 i = rot_seq++ & rot_cfg.mask;
	struct rot_flow *f;

	if (p + ROT_HDR_LEN > (__u8 *)data_end)
		return XDP_ABORTED;
	f = bpf_map_lookup_elem(&rot_flows, &i);
	if (!f)
		return XDP_ABORTED;
	__builtin_memcpy(p, rot_cfg.hdr, ROT_HDR_LEN);
	*(__u16 *)(p + 24) = f->ip_csum;
	*(__u32 *)(p + 26) = f->saddr;
	*(__u16 *)(p + 34) = f->sport;
	*(__u16 *)(p + 50) = f->l4_csum;
	bpf_tail_call(ctx, &rot_jmp, 0);
	return XDP_ABORTED;
}

char LICENSE[] SEC("license") = "GPL";
