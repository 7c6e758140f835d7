// SPDX-License-Identifier: GPL-2.0-only
/*
 * hsb_xdp: the XDP entry point hsbd attaches to every service interface.
 *
 * This stage accounts every frame per interface and hands it to the kernel;
 * the stateful firewall stages (parse, lists, sessions, policy, NAT,
 * forwarding) are added behind the same entry point.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "hsb/maps.h"
#include "hsb/counters.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HSB_MAX_IFACES);
	__type(key, __u32);
	__type(value, struct hsb_iface);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hsb_ifaces SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, HSB_CNT__MAX);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hsb_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, HSB_MAX_IFACES);
	__type(key, __u32);
	__type(value, struct hsb_iface_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hsb_if_stats SEC(".maps");

static __always_inline void count(__u32 id, __u64 n)
{
	__u64 *slot = bpf_map_lookup_elem(&hsb_stats, &id);

	/* Per-CPU slot: no other writer, a plain add is exact. */
	if (slot)
		*slot += n;
}

SEC("xdp")
int hsb_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 len = data_end - data;
	__u32 ifindex = ctx->ingress_ifindex;
	struct hsb_iface_stats *ifs;
	struct hsb_iface *iface;

	count(HSB_CNT_RX_PACKETS, 1);
	count(HSB_CNT_RX_BYTES, len);

	iface = bpf_map_lookup_elem(&hsb_ifaces, &ifindex);
	if (!iface) {
		count(HSB_CNT_UNMANAGED_IFACE, 1);
		goto pass;
	}
	ifs = bpf_map_lookup_elem(&hsb_if_stats, &iface->slot);
	if (ifs) {
		ifs->rx_packets++;
		ifs->rx_bytes += len;
	}
pass:
	count(HSB_CNT_PASS, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
