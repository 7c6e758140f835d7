// SPDX-License-Identifier: GPL-2.0-only
/*
 * hsb_xdp under BPF_PROG_TEST_RUN: the verdict and the counters it keeps,
 * for a managed interface and for one missing from hsb_ifaces; the
 * .bss copy of hsb_ifaces (hsb_if_fast) and the fall back to the map.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <cmocka.h>

#include "hsb/maps.h"
#include "hsb/peer.h"
#include "hsb_xdp.skel.h"

#define LO_IFINDEX 1 /* test runs need a real device; lo always exists */

struct fixture {
	struct hsb_xdp_bpf *skel;
	int nr_cpus;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct bpf_map *m;

	f->skel = hsb_xdp_bpf__open();
	if (!f->skel)
		return -1;
	/* Private maps: never touch the pins of a running hsbd. */
	bpf_object__for_each_map(m, f->skel->obj)
		bpf_map__set_pin_path(m, NULL);
	/* The LRU session table preallocates: keep the test's small. */
	bpf_map__set_max_entries(f->skel->maps.hsb_sessions, 1024);
	if (hsb_xdp_bpf__load(f->skel))
		return -1;
	f->nr_cpus = libbpf_num_possible_cpus();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (!f) /* the setup failed */
		return 0;
	hsb_xdp_bpf__destroy(f->skel);
	free(f);
	return 0;
}

static int run_packet(struct fixture *f, size_t len)
{
	unsigned char pkt[128] = { 0 };
	unsigned char out[128];
	struct xdp_md ctx = { .data_end = (__u32)len,
			      .ingress_ifindex = LO_IFINDEX };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt,
		    .data_size_in = (__u32)len, .data_out = out,
		    .data_size_out = sizeof(out), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1);

	memset(pkt, 0xff, 6); /* broadcast dst, so it looks like a frame */
	assert_int_equal(
		bpf_prog_test_run_opts(bpf_program__fd(f->skel->progs.hsb_xdp),
				       &opts),
		0);
	return (int)opts.retval;
}

static uint64_t counter(struct fixture *f, enum hsb_counter id)
{
	uint64_t *v = calloc(f->nr_cpus, sizeof(*v)), sum = 0;
	__u32 key = id;
	int i;

	assert_int_equal(bpf_map_lookup_elem(
				 bpf_map__fd(f->skel->maps.hsb_stats), &key, v),
			 0);
	for (i = 0; i < f->nr_cpus; i++)
		sum += v[i];
	free(v);
	return sum;
}

static struct hsb_iface_stats if_stats(struct fixture *f, __u32 slot)
{
	struct hsb_iface_stats *v = calloc(f->nr_cpus, sizeof(*v)), sum = { 0 };
	int i;

	assert_int_equal(
		bpf_map_lookup_elem(bpf_map__fd(f->skel->maps.hsb_if_stats),
				    &slot, v),
		0);
	for (i = 0; i < f->nr_cpus; i++) {
		sum.rx_packets += v[i].rx_packets;
		sum.rx_bytes += v[i].rx_bytes;
	}
	free(v);
	return sum;
}

static void test_unmanaged_interface_passes_and_counts(void **state)
{
	struct fixture *f = *state;
	uint64_t rx = counter(f, HSB_CNT_RX_PACKETS);
	uint64_t unmanaged = counter(f, HSB_CNT_UNMANAGED_IFACE);
	uint64_t bytes = counter(f, HSB_CNT_RX_BYTES);

	assert_int_equal(run_packet(f, 60), XDP_PASS);
	assert_int_equal(counter(f, HSB_CNT_RX_PACKETS), rx + 1);
	assert_int_equal(counter(f, HSB_CNT_UNMANAGED_IFACE), unmanaged + 1);
	assert_int_equal(counter(f, HSB_CNT_RX_BYTES), bytes + 60);
}

static void test_managed_interface_counts_per_slot(void **state)
{
	struct fixture *f = *state;
	struct hsb_iface ifc = { .slot = 7, .zone_id = 2 };
	__u32 ifindex = LO_IFINDEX;
	uint64_t unmanaged = counter(f, HSB_CNT_UNMANAGED_IFACE);
	uint64_t pass = counter(f, HSB_CNT_PASS);
	struct hsb_iface_stats st;

	assert_int_equal(
		bpf_map_update_elem(bpf_map__fd(f->skel->maps.hsb_ifaces),
				    &ifindex, &ifc, BPF_ANY),
		0);
	assert_int_equal(run_packet(f, 64), XDP_PASS);
	assert_int_equal(run_packet(f, 100), XDP_PASS);
	st = if_stats(f, 7);
	assert_int_equal(st.rx_packets, 2);
	assert_int_equal(st.rx_bytes, 164);
	assert_int_equal(if_stats(f, 6).rx_packets, 0);
	assert_int_equal(counter(f, HSB_CNT_UNMANAGED_IFACE), unmanaged);
	assert_int_equal(counter(f, HSB_CNT_PASS), pass + 2);
	bpf_map_delete_elem(bpf_map__fd(f->skel->maps.hsb_ifaces), &ifindex);
}

/* A corrupt slot (written by hand with bpftool, say) must not fault: the
 * per-interface stats are skipped, the packet still passes. */
static void test_out_of_range_slot_is_harmless(void **state)
{
	struct fixture *f = *state;
	struct hsb_iface ifc = { .slot = 1000 };
	__u32 ifindex = LO_IFINDEX;
	uint64_t rx = counter(f, HSB_CNT_RX_PACKETS);

	assert_int_equal(
		bpf_map_update_elem(bpf_map__fd(f->skel->maps.hsb_ifaces),
				    &ifindex, &ifc, BPF_ANY),
		0);
	assert_int_equal(run_packet(f, 60), XDP_PASS);
	assert_int_equal(counter(f, HSB_CNT_RX_PACKETS), rx + 1);
	bpf_map_delete_elem(bpf_map__fd(f->skel->maps.hsb_ifaces), &ifindex);
}

/* hsb_if_fast answers when its entry names the interface; an entry
 * naming another interface (same place) or none sends XDP to the map. */
static void test_fast_copy_and_fallback(void **state)
{
	struct fixture *f = *state;
	struct hsb_iface_fast *fe =
		&f->skel->bss->hsb_if_fast[LO_IFINDEX & (HSB_IF_FAST_SIZE - 1)];
	struct hsb_iface ifc = { .slot = 6, .zone_id = 2 };
	__u32 ifindex = LO_IFINDEX;
	uint64_t unmanaged = counter(f, HSB_CNT_UNMANAGED_IFACE);

	*fe = (struct hsb_iface_fast){ .ifindex = LO_IFINDEX,
				       .slot = 5,
				       .zone_id = 2 };
	assert_int_equal(run_packet(f, 60), XDP_PASS);
	assert_int_equal(if_stats(f, 5).rx_packets, 1);
	assert_int_equal(counter(f, HSB_CNT_UNMANAGED_IFACE), unmanaged);

	/* the place is another interface's: the map decides */
	fe->ifindex = LO_IFINDEX + HSB_IF_FAST_SIZE;
	assert_int_equal(run_packet(f, 60), XDP_PASS);
	assert_int_equal(counter(f, HSB_CNT_UNMANAGED_IFACE), unmanaged + 1);
	assert_int_equal(
		bpf_map_update_elem(bpf_map__fd(f->skel->maps.hsb_ifaces),
				    &ifindex, &ifc, BPF_ANY),
		0);
	assert_int_equal(run_packet(f, 60), XDP_PASS);
	assert_int_equal(if_stats(f, 6).rx_packets, 1);
	assert_int_equal(if_stats(f, 5).rx_packets, 1);
	bpf_map_delete_elem(bpf_map__fd(f->skel->maps.hsb_ifaces), &ifindex);
	memset(fe, 0, sizeof(*fe));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unmanaged_interface_passes_and_counts),
		cmocka_unit_test(test_managed_interface_counts_per_slot),
		cmocka_unit_test(test_out_of_range_slot_is_harmless),
		cmocka_unit_test(test_fast_copy_and_fallback),
	};

	return cmocka_run_group_tests_name("xdp_counters", tests, setup,
					   teardown);
}
