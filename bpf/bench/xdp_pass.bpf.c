// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_pass: the harness floor of the BPF_PROG_TEST_RUN benchmark. It does
 * nothing but return XDP_PASS, so its ns/packet is the cost of the test-run
 * loop itself; every other figure is reported above it.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int bench_pass(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
