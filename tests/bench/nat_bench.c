// SPDX-License-Identifier: GPL-2.0-only
/*
 * nat_bench: BPF_PROG_TEST_RUN costs of NAT in hsb_xdp, each beside its
 * baseline measured in the same run:
 *
 *   established, both directions, without NAT and with PAT
 *     (target: NAT <= 1.3 x the same direction without NAT, floor
 *     subtracted);
 *   first packets of new flows without NAT, and with a PAT allocation
 *     at 50 % and 90 % occupancy of the pool's ports (bounded: no scan).
 *
 * Every packet goes through the benchmark rotor (bpf/bench/rotor.bpf.c),
 * which rewrites the whole header before each repetition (undoing the
 * previous translation, TTL and MAC rewrite) and tail-calls hsb_xdp; the
 * floor is the rotor tail-calling an XDP_PASS program. Private maps in a
 * private network namespace, as prog_bench.
 *
 *   nat_bench [-r RUNS] [-o JSON]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "hsb/maps.h"
#include "hsb/nat.h"
#include "hsb/policy.h"
#include "hsb/session.h"
#include "hsb/peer.h"
#include "hsb_xdp.skel.h"
#include "../../bpf/bench/rotor.h"
#include "bench_net.h"
#include "bench/rotor.skel.h"
#include "bench/xdp_pass.skel.h"

#define REPEAT 128
#define CALLS 400 /* per run, established rows */
#define FIRST_CALLS 4 /* per run, first-packet rows: 512 new flows */
#define NFLOWS 4096
#define MAX_RUNS 31

#define CLIENT 0x0a000102U /* 10.0.1.2: no NAT */
#define CLIENT_NAT 0x0a000103U /* 10.0.1.3: PAT */
#define SERVER 0x0a000202U /* 10.0.2.2 */
#define POOL 0x0a000232U /* 10.0.2.50 */
#define NEW_PLAIN 0x0a000400U /* 10.0.4.0/22: new flows, no NAT */
#define NEW_NAT 0x0a000800U /* 10.0.8.0/22: new flows, PAT */
#define FILL_INSIDE 0x0a090000U /* 10.9.0.0/16: pre-filled mappings */

static int ifx_c, ifx_s;
static struct hsb_xdp_bpf *skel;
static struct ring_buffer *rb;

static int setup_netns(void)
{
	return bench_netns("nat_bench", &ifx_c, &ifx_s);
}

static void build_tcp(struct pkt *p, int ifindex, uint32_t sa, uint16_t sp,
		      uint32_t da, uint16_t dp, uint8_t flags)
{
	bench_build_tcp(p, ifindex, ifindex == ifx_c, sa, sp, da, dp, flags, 0,
			0, 64);
}

static int run(int fd, const struct pkt *p, uint32_t repeat, uint32_t *rv,
	       uint32_t *ns)
{
	uint8_t out[256];
	struct xdp_md ctx = { .data_end = p->len,
			      .ingress_ifindex = p->ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p->b,
		    .data_size_in = p->len, .data_out = out,
		    .data_size_out = sizeof(out), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = repeat);

	if (bpf_prog_test_run_opts(fd, &o))
		return -errno;
	*rv = o.retval;
	*ns = o.duration;
	return 0;
}

static int ring_cb(void *ctx, void *data, size_t size)
{
	(void)ctx;
	(void)data;
	(void)size;
	return 0;
}

static uint64_t counter(__u32 id)
{
	int n = libbpf_num_possible_cpus(), i;
	uint64_t *v = calloc((size_t)n, sizeof(*v)), sum = 0;

	if (v &&
	    !bpf_map_lookup_elem(bpf_map__fd(skel->maps.hsb_stats), &id, v))
		for (i = 0; i < n; i++)
			sum += v[i];
	free(v);
	return sum;
}

static int mfd(const struct bpf_map *m)
{
	return bpf_map__fd(m);
}

static int configure(void)
{
	struct hsb_iface ic = { .slot = 1, .zone_id = HSB_ZONE_TRUST };
	struct hsb_iface is = { .slot = 2, .zone_id = HSB_ZONE_UNTRUST };
	struct hsb_rule r = { .from_zone = HSB_ZONE_ANY,
			      .to_zone = HSB_ZONE_ANY,
			      .proto = HSB_PROTO_ANY,
			      .dport_hi = 65535,
			      .action = HSB_ACTION_PERMIT };
	struct hsb_policy_ctl pc = { .active = 0, .n_rules = { 1, 0 } };
	struct hsb_nat_pool pool = { .mode = HSB_NAT_POOL_PAT,
				     .n_sections = 1,
				     .port_lo = 1024,
				     .port_hi = 65535,
				     .n_addrs = 1,
				     .sec = { { POOL, 1 } } };
	struct hsb_nat_rule nr[2] = {
		{ .from_zone = HSB_ZONE_TRUST,
		  .to_zone = HSB_ZONE_UNTRUST,
		  .proto = HSB_PROTO_ANY,
		  .src_len = 32,
		  .src = htonl(CLIENT_NAT) },
		{ .from_zone = HSB_ZONE_TRUST,
		  .to_zone = HSB_ZONE_UNTRUST,
		  .proto = HSB_PROTO_ANY,
		  .src_len = 22,
		  .src = htonl(NEW_NAT) },
	};
	struct hsb_nat_ctl nc = { .active = 0, .n_rules = { 2, 0 } };
	__u32 k0 = 0, k1 = 1, kc = (__u32)ifx_c, ks = (__u32)ifx_s;

	return bpf_map_update_elem(mfd(skel->maps.hsb_ifaces), &kc, &ic, 0) ||
	       bpf_map_update_elem(mfd(skel->maps.hsb_ifaces), &ks, &is, 0) ||
	       bpf_map_update_elem(mfd(skel->maps.hsb_policy), &k0, &r, 0) ||
	       bpf_map_update_elem(mfd(skel->maps.hsb_policy_ctl), &k0, &pc,
				   0) ||
	       bpf_map_update_elem(mfd(skel->maps.hsb_nat_pool), &k0, &pool,
				   0) ||
	       bpf_map_update_elem(mfd(skel->maps.hsb_nat_rules), &k0, &nr[0],
				   0) ||
	       bpf_map_update_elem(mfd(skel->maps.hsb_nat_rules), &k1, &nr[1],
				   0) ||
	       bpf_map_update_elem(mfd(skel->maps.hsb_nat_ctl), &k0, &nc, 0);
}

/* A rotor over n flows (n a power of two) tail-calling target. */
struct rotor {
	struct rotor_bpf *skel;
	int fd;
};

static int rotor_open(struct rotor *ro, int target, const struct pkt *pk,
		      uint32_t n)
{
	__u32 zero = 0, i;

	ro->skel = rotor_bpf__open();
	if (!ro->skel)
		return -1;
	memcpy(ro->skel->data->rot_cfg.hdr, pk[0].b, ROT_HDR_LEN);
	ro->skel->data->rot_cfg.mask = n - 1;
	if (rotor_bpf__load(ro->skel))
		return -1;
	ro->fd = bpf_program__fd(ro->skel->progs.bench_rot);
	if (bpf_map_update_elem(bpf_map__fd(ro->skel->maps.rot_jmp), &zero,
				&target, BPF_ANY))
		return -1;
	for (i = 0; i < n; i++) {
		struct rot_flow f = { 0 };

		memcpy(&f.ip_csum, pk[i].b + 24, 2);
		memcpy(&f.saddr, pk[i].b + 26, 4);
		memcpy(&f.sport, pk[i].b + 34, 2);
		memcpy(&f.l4_csum, pk[i].b + 50, 2);
		if (bpf_map_update_elem(bpf_map__fd(ro->skel->maps.rot_flows),
					&i, &f, BPF_ANY))
			return -1;
	}
	return 0;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Mean ns per packet over calls of repeat REPEAT; the verdict in *rv. */
static double measure(int fd, const struct pkt *p, uint32_t calls, uint32_t *rv)
{
	uint64_t sum = 0;
	uint32_t i, ns;

	for (i = 0; i < calls; i++) {
		if (run(fd, p, REPEAT, rv, &ns))
			return -1;
		sum += ns;
		ring_buffer__consume(rb);
	}
	return (double)sum / calls;
}

/* Occupy pct % of the pool's TCP ports with mappings of other hosts. */
static long prefill(unsigned int pct)
{
	struct hsb_nat_entry v = { .refcnt = 1 };
	uint32_t span = 65535 - 1024 + 1, want = span * pct / 100, i, n = 0;
	uint32_t *perm = malloc(span * sizeof(*perm));
	int fd = mfd(skel->maps.hsb_nat_pat);

	if (!perm)
		return -1;
	for (i = 0; i < span; i++)
		perm[i] = 1024 + i;
	srand(42 + pct);
	for (i = span - 1; i > 0; i--) {
		uint32_t j = (uint32_t)rand() % (i + 1), t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	for (i = 0; i < want; i++) {
		struct hsb_nat_key k = { .addr = htonl(POOL),
					 .port = (uint16_t)perm[i],
					 .proto = IPPROTO_TCP,
					 .dir = HSB_NAT_DIR_PUB };

		v.addr = htonl(FILL_INSIDE + i);
		v.port = 1;
		if (!bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST))
			n++;
	}
	free(perm);
	return n;
}

/* Remove what the first-packet rows made: sessions of the new flows,
 * mappings of their inside endpoints (and, with fill, the pre-fill). */
static void cleanup_new(int fill)
{
	int fd = mfd(skel->maps.hsb_nat_pat),
	    sfd = mfd(skel->maps.hsb_sessions);
	struct hsb_nat_key k, next;
	struct hsb_nat_entry v;
	struct hsb_flow_key fk, fn;
	int first = 1;

	while (!bpf_map_get_next_key(fd, first ? NULL : &k, &next)) {
		uint32_t in;

		first = 0;
		k = next;
		if (bpf_map_lookup_elem(fd, &k, &v))
			continue;
		in = ntohl(k.dir == HSB_NAT_DIR_PUB ? v.addr : k.addr);
		if ((in & 0xfffffc00U) == NEW_NAT ||
		    (fill && (in & 0xffff0000U) == FILL_INSIDE)) {
			bpf_map_delete_elem(fd, &k);
			first = 1;
		}
	}
	first = 1;
	while (!bpf_map_get_next_key(sfd, first ? NULL : &fk, &fn)) {
		uint32_t a, b;

		first = 0;
		fk = fn;
		memcpy(&a, fk.addr_a, 4);
		memcpy(&b, fk.addr_b, 4);
		a = ntohl(a) & 0xfffffc00U;
		b = ntohl(b) & 0xfffffc00U;
		if (a == NEW_NAT || a == NEW_PLAIN || b == NEW_NAT ||
		    b == NEW_PLAIN) {
			bpf_map_delete_elem(sfd, &fk);
			first = 1;
		}
	}
}

/* Open a session client:40000 -> server:80 (SYN, SYN+ACK, ACK); returns
 * the public endpoint the client appears as (itself without NAT). */
static int open_flow(int fd, uint32_t client, uint32_t *pub, uint16_t *pport)
{
	struct hsb_flow_key k = { 0 };
	struct hsb_session s;
	struct pkt p;
	uint32_t rv, ns, c = htonl(client), sv = htonl(SERVER);

	build_tcp(&p, ifx_c, client, 40000, SERVER, 80, 0x02);
	if (run(fd, &p, 1, &rv, &ns) || rv != XDP_REDIRECT)
		return -1;
	memcpy(k.addr_a, &c, 4);
	memcpy(k.addr_b, &sv, 4);
	k.port_a = 40000;
	k.port_b = 80;
	k.proto = IPPROTO_TCP;
	k.family = HSB_FAMILY_IPV4;
	if (bpf_map_lookup_elem(mfd(skel->maps.hsb_sessions), &k, &s))
		return -1;
	*pub = client;
	*pport = 40000;
	if (s.flags & HSB_SESS_F_NAT) {
		uint32_t a;

		memcpy(&a, s.nat.addr, 4);
		*pub = ntohl(a);
		*pport = s.nat.port;
	}
	build_tcp(&p, ifx_s, SERVER, 80, *pub, *pport, 0x12);
	if (run(fd, &p, 1, &rv, &ns) || rv != XDP_REDIRECT)
		return -1;
	build_tcp(&p, ifx_c, client, 40000, SERVER, 80, 0x10);
	return run(fd, &p, 1, &rv, &ns) || rv != XDP_REDIRECT ? -1 : 0;
}

enum {
	FLOOR,
	PLAIN_O,
	PLAIN_R,
	NAT_O,
	NAT_R,
	FIRST_PLAIN,
	FIRST_50,
	FIRST_90,
	NROWS
};
static const char *const names[NROWS] = {
	"floor_rotor", "established",  "established_reply", "nat_established",
	"nat_reply",   "first_packet", "first_pat_50pct",   "first_pat_90pct"
};
static const char *const descs[NROWS] = {
	"rotor -> XDP_PASS program (subtracted from the rows below)",
	"TCP ACK client -> server, no NAT",
	"TCP ACK server -> client, no NAT",
	"TCP ACK client -> server, PAT (source rewritten)",
	"TCP ACK server -> pool address:port, PAT (NAT table lookup + "
	"session + destination rewritten)",
	"SYN of a new flow, no NAT rule (the NAT lookups of a miss included)",
	"SYN of a new flow with a PAT allocation, pool ports 50 % taken",
	"SYN of a new flow with a PAT allocation, pool ports 90 % taken",
};

int main(int argc, char **argv)
{
	const char *out = "build/bench/nat.json";
	double v[NROWS][MAX_RUNS], med[NROWS];
	uint32_t rvs[NROWS] = { 0 };
	struct rotor ro[NROWS];
	struct xdp_pass_bpf *pass;
	struct pkt tmpl[NROWS], *flows;
	struct bpf_map *m;
	int runs = 7, r, i, c;
	uint32_t pub, rv;
	uint16_t pport;
	long filled[2] = { 0, 0 };
	uint64_t busy[2] = { 0, 0 }, made[2] = { 0, 0 };
	struct utsname u;
	json_object *root, *rows;

	while ((c = getopt(argc, argv, "r:o:")) != -1) {
		if (c == 'r')
			runs = atoi(optarg);
		else if (c == 'o')
			out = optarg;
		else
			return 2;
	}
	if (runs < 1 || runs > MAX_RUNS)
		return 2;
	if (setup_netns()) {
		fprintf(stderr, "nat_bench: namespace setup failed\n");
		return 1;
	}
	skel = hsb_xdp_bpf__open();
	if (!skel)
		return 1;
	bpf_object__for_each_map(m, skel->obj)
		bpf_map__set_pin_path(m, NULL);
	bpf_map__set_max_entries(skel->maps.hsb_sessions, 262144);
	if (hsb_xdp_bpf__load(skel) || configure())
		return 1;
	skel->bss->hsb_nh_gen = 1;
	/* as hsbd does: the pool in the address filter, nothing skipped */
	skel->bss->hsb_nat_pubf[hsb_nat_pubf_bit(POOL) >> 6] |=
		1ULL << (hsb_nat_pubf_bit(POOL) & 63);
	rb = ring_buffer__new(mfd(skel->maps.hsb_events), ring_cb, NULL, NULL);
	pass = xdp_pass_bpf__open_and_load();
	if (!rb || !pass)
		return 1;

	/* established flows, both directions */
	if (open_flow(bpf_program__fd(skel->progs.hsb_xdp), CLIENT, &pub,
		      &pport))
		return 1;
	build_tcp(&tmpl[FLOOR], ifx_c, CLIENT, 40000, SERVER, 80, 0x10);
	build_tcp(&tmpl[PLAIN_O], ifx_c, CLIENT, 40000, SERVER, 80, 0x10);
	build_tcp(&tmpl[PLAIN_R], ifx_s, SERVER, 80, CLIENT, 40000, 0x10);
	if (open_flow(bpf_program__fd(skel->progs.hsb_xdp), CLIENT_NAT, &pub,
		      &pport) ||
	    pub != POOL) {
		fprintf(stderr, "nat_bench: the PAT flow was not translated\n");
		return 1;
	}
	build_tcp(&tmpl[NAT_O], ifx_c, CLIENT_NAT, 40000, SERVER, 80, 0x10);
	build_tcp(&tmpl[NAT_R], ifx_s, SERVER, 80, POOL, pport, 0x10);
	if (rotor_open(&ro[FLOOR], bpf_program__fd(pass->progs.bench_pass),
		       &tmpl[FLOOR], 1))
		return 1;
	for (i = PLAIN_O; i <= NAT_R; i++)
		if (rotor_open(&ro[i], bpf_program__fd(skel->progs.hsb_xdp),
			       &tmpl[i], 1))
			return 1;
	/* new flows: NFLOWS distinct inside endpoints per row */
	flows = calloc(NFLOWS, sizeof(*flows));
	if (!flows)
		return 1;
	for (i = FIRST_PLAIN; i <= FIRST_90; i++) {
		uint32_t base = i == FIRST_PLAIN ? NEW_PLAIN : NEW_NAT, f;

		for (f = 0; f < NFLOWS; f++)
			build_tcp(&flows[f], ifx_c, base + (f & 1023),
				  (uint16_t)(2000 + (f >> 10)), SERVER, 80,
				  0x02);
		if (rotor_open(&ro[i], bpf_program__fd(skel->progs.hsb_xdp),
			       flows, NFLOWS))
			return 1;
	}

	for (r = 0; r < runs; r++) {
		for (i = FLOOR; i <= NAT_R; i++)
			v[i][r] = measure(ro[i].fd, &tmpl[i], CALLS, &rvs[i]);
		cleanup_new(1);
		ro[FIRST_PLAIN].skel->bss->rot_seq = 0;
		v[FIRST_PLAIN][r] = measure(ro[FIRST_PLAIN].fd, &tmpl[FLOOR],
					    FIRST_CALLS, &rvs[FIRST_PLAIN]);
		for (i = FIRST_50; i <= FIRST_90; i++) {
			cleanup_new(1);
			filled[i - FIRST_50] = prefill(i == FIRST_50 ? 50 : 90);
			ro[i].skel->bss->rot_seq = 0;
			busy[i - FIRST_50] -= counter(HSB_CNT_NAT_PROBE_BUSY);
			made[i - FIRST_50] -= counter(HSB_CNT_NAT_SNAT);
			v[i][r] = measure(ro[i].fd, &tmpl[FLOOR], FIRST_CALLS,
					  &rvs[i]);
			busy[i - FIRST_50] += counter(HSB_CNT_NAT_PROBE_BUSY);
			made[i - FIRST_50] += counter(HSB_CNT_NAT_SNAT);
		}
		cleanup_new(1);
	}
	for (i = 0; i < NROWS; i++)
		med[i] = median(v[i], runs);

	uname(&u);
	printf("NAT: BPF_PROG_TEST_RUN ns/packet (median of %d runs, kernel %s), floor subtracted\n",
	       runs, u.release);
	printf("%-18s %8s %8s  %-8s %s\n", "row", "ns", "-floor", "verdict",
	       "what");
	root = json_object_new_object();
	rows = json_object_new_array();
	for (i = 0; i < NROWS; i++) {
		json_object *o = json_object_new_object();
		double net = med[i] - (i == FLOOR ? 0 : med[FLOOR]);

		printf("%-18s %8.1f %8.1f  %-8s %s\n", names[i], med[i], net,
		       rvs[i] == XDP_REDIRECT ? "REDIRECT" :
		       rvs[i] == XDP_PASS     ? "PASS" :
						"other",
		       descs[i]);
		json_object_object_add(o, "name",
				       json_object_new_string(names[i]));
		json_object_object_add(o, "desc",
				       json_object_new_string(descs[i]));
		json_object_object_add(o, "ns_median",
				       json_object_new_double(med[i]));
		json_object_object_add(o, "ns_minus_floor",
				       json_object_new_double(net));
		json_object_object_add(o, "verdict",
				       json_object_new_int((int)rvs[i]));
		json_object_array_add(rows, o);
	}
	{
		double po = med[PLAIN_O] - med[FLOOR],
		       pr = med[PLAIN_R] - med[FLOOR],
		       no = med[NAT_O] - med[FLOOR],
		       nr = med[NAT_R] - med[FLOOR];
		double ro_ = no / po, rr = nr / pr,
		       both = (no + nr) / (po + pr);

		/* the target holds for each direction, not on average */
		printf("ratio NAT / no NAT: original %.2f, reply %.2f, both "
		       "directions %.2f (target <= 1.3 each way: %s)\n",
		       ro_, rr, both,
		       ro_ <= 1.3 && rr <= 1.3 ? "met" : "NOT met");
		printf("PAT allocation at 50%% / 90%% occupancy (%ld / %ld "
		       "ports taken of 64512): %.1f / %.1f ns above a first "
		       "packet without NAT (%.1f)\n",
		       filled[0], filled[1], med[FIRST_50] - med[FIRST_PLAIN],
		       med[FIRST_90] - med[FIRST_PLAIN],
		       med[FIRST_PLAIN] - med[FLOOR]);
		printf("probes per allocation (taken ports skipped + 1): "
		       "%.2f at 50%%, %.2f at 90%%\n",
		       made[0] ? 1.0 + (double)busy[0] / made[0] : 0,
		       made[1] ? 1.0 + (double)busy[1] / made[1] : 0);
		json_object_object_add(
			root, "probes_per_alloc_50",
			json_object_new_double(
				made[0] ? 1.0 + (double)busy[0] / made[0] : 0));
		json_object_object_add(
			root, "probes_per_alloc_90",
			json_object_new_double(
				made[1] ? 1.0 + (double)busy[1] / made[1] : 0));
		json_object_object_add(root, "ratio_original",
				       json_object_new_double(ro_));
		json_object_object_add(root, "ratio_reply",
				       json_object_new_double(rr));
		json_object_object_add(root, "ratio_both",
				       json_object_new_double(both));
		json_object_object_add(root, "target_ratio",
				       json_object_new_double(1.3));
		json_object_object_add(root, "target_met",
				       json_object_new_boolean(ro_ <= 1.3 &&
							       rr <= 1.3));
	}
	json_object_object_add(root, "kernel",
			       json_object_new_string(u.release));
	json_object_object_add(root, "runs", json_object_new_int(runs));
	json_object_object_add(root, "rows", rows);
	if (json_object_to_file_ext(out, root, JSON_C_TO_STRING_PRETTY))
		fprintf(stderr, "nat_bench: cannot write %s\n", out);
	else
		printf("JSON: %s\n", out);
	(void)rv;
	return 0;
}
