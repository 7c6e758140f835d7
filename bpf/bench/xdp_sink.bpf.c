// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_sink: the receiving end of the forwarding benchmark. Attached to
 * the server's veth, it counts every frame in a per-CPU slot and drops it;
 * received packets / generator time is the forwarding rate. Being an XDP
 * program it also gives the veth the NAPI context that redirects into it
 * need.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} bench_sink_cnt SEC(".maps");

SEC("xdp")
int bench_sink(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(&bench_sink_cnt, &key);

	(void)ctx;
	if (n)
		*n += 1;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
