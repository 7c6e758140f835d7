// SPDX-License-Identifier: GPL-2.0-only
/*
 * prog_bench: ns/packet of hsb_xdp under BPF_PROG_TEST_RUN, next to the
 * harness floor (bpf/bench/xdp_pass.bpf.c) measured in the same run.
 *
 * The process moves into a private network namespace (unshare) with two
 * veth pairs, addresses, routes and permanent neighbours, so hsb_xdp's
 * bpf_fib_lookup() resolves deterministically; packets enter with
 * ctx.ingress_ifindex = the client-side (bc0) or server-side (bs0) veth.
 * The namespace disappears with the process, whatever way it ends.
 *
 * Rows (see docs/benchmarks.md): the harness floor three ways, the
 * established TCP fast path (one flow; 4096 sessions in rotation; 65536
 * random sessions of a 1M pre-filled table), the first packet of a flow
 * (policy + insert + ring record, a new 5-tuple per packet) and a
 * blacklist drop.
 *
 * Timing modes, each row compared with the floor timed the same way:
 *   batch   repeat=128 on one packet, TTL 255 so hsb_xdp's TTL decrement
 *           never expires within a call (each call starts from a fresh
 *           copy). Figure: mean over the calls.
 *   rotor   repeat=128 through bpf/bench/rotor.bpf.c, which restores the
 *           whole header and moves to the next flow on every repetition,
 *           then tail-calls the program under test (its floor: the rotor
 *           tail-calling the XDP_PASS program).
 *   single  repeat=1, a different packet per call. Figure: median over
 *           the calls. Each call pays cold TLB/caches after the syscall
 *           (PTI is on here), so these rows read high.
 * Rows are interleaved, their order rotated every round; the figure is
 * the median of the rounds.
 *
 * Writes a JSON document (-o) and prints a table.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
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
#include <linux/bpf.h>

#include "hsb/abi.h"
#include "hsb/counters.h"
#include "hsb/events.h"
#include "hsb/flow.h"
#include "hsb/lists.h"
#include "hsb/maps.h"
#include "hsb/policy.h"
#include "hsb/session.h"
#include "hsb/peer.h"
#include "hsb_xdp.skel.h"
#include "../../bpf/bench/rotor.h"
#include "bench_net.h"
#include "bench/rotor.skel.h"
#include "bench/xdp_pass.skel.h"

#define MAX_RUNS 51
#define BATCH_REPEAT 128 /* < 254: TTL 255 never reaches 1 in one call */
#define SMALL_TABLE 4096

#define IP(a, b, c, d) ((uint32_t)((a) << 24 | (b) << 16 | (c) << 8 | (d)))
#define CLIENT_IP IP(10, 0, 1, 2)
#define SERVER_IP IP(10, 0, 2, 2)
#define BLACK_NET IP(10, 0, 9, 0) /* blacklisted /24 */
#define HS_SPORT 40000 /* the handshake flow's client port */

static const char *const counter_names[] = {
#define HSB_COUNTER_NAME(id, name, help) name,
	HSB_COUNTERS(HSB_COUNTER_NAME)
#undef HSB_COUNTER_NAME
};

struct inst {
	struct hsb_xdp_bpf *skel;
	int prog_fd;
	int sessions_fd, policy_fd, policy_ctl_fd, blacklist_fd, ifaces_fd;
	int stats_fd;
	struct ring_buffer *rb;
	uint64_t ring_records;
	struct hsb_session tmpl; /* the handshake's session, for fills */
	int have_tmpl;
};

static int ifx_c, ifx_s; /* bc0, bs0 */
static int nr_cpus;

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* --- the private namespace -------------------------------------------- */

static int setup_netns(void)
{
	return bench_netns("prog_bench", &ifx_c, &ifx_s);
}

/* --- packets ------------------------------------------------------------ */

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_ACK 0x10

static void build_tcp(struct pkt *p, int ifindex, uint32_t saddr,
		      uint16_t sport, uint32_t daddr, uint16_t dport,
		      uint8_t flags, uint32_t seq, uint32_t ack, uint8_t ttl)
{
	bench_build_tcp(p, ifindex, ifindex == ifx_c, saddr, sport, daddr,
			dport, flags, seq, ack, ttl);
}

/* The session key hsb_xdp uses for a TCP flow (include/hsb/flow.h: the
 * smaller endpoint, by address bytes then port, is "a"). */
static struct hsb_flow_key flow_key(uint32_t c_addr, uint16_t c_port,
				    uint32_t s_addr, uint16_t s_port)
{
	struct hsb_flow_key k = { 0 };
	uint8_t ca[16] = { 0 }, sa[16] = { 0 };
	int c_first;

	put32(ca, c_addr);
	put32(sa, s_addr);
	c_first = memcmp(ca, sa, 16) < 0 ||
		  (!memcmp(ca, sa, 16) && c_port < s_port);
	memcpy(k.addr_a, c_first ? ca : sa, 16);
	memcpy(k.addr_b, c_first ? sa : ca, 16);
	k.port_a = c_first ? c_port : s_port;
	k.port_b = c_first ? s_port : c_port;
	k.proto = IPPROTO_TCP;
	k.family = HSB_FAMILY_IPV4;
	return k;
}

/* --- test runs ------------------------------------------------------------ */

static int test_run(int prog_fd, const struct pkt *p, uint32_t repeat,
		    uint32_t *retval, uint32_t *duration, struct pkt *out)
{
	uint8_t scratch[PKT_MAX];
	struct xdp_md ctx = { .data_end = p->len,
			      .ingress_ifindex = p->ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p->b,
		    .data_size_in = p->len, .data_out = out ? out->b : scratch,
		    .data_size_out = PKT_MAX, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = repeat);

	if (bpf_prog_test_run_opts(prog_fd, &o))
		return -errno;
	*retval = o.retval;
	*duration = o.duration;
	if (out)
		out->len = o.data_size_out;
	return 0;
}

static int ring_cb(void *ctx, void *data, size_t size)
{
	struct inst *in = ctx;

	(void)data;
	(void)size;
	in->ring_records++;
	return 0;
}

static void drain(struct inst *in)
{
	if (in->rb)
		ring_buffer__consume(in->rb);
}

/* --- hsb_xdp instances ------------------------------------------------- */

static int map_fd(struct inst *in, const char *name)
{
	return bpf_object__find_map_fd_by_name(in->skel->obj, name);
}

/* sessions_max 0 keeps the object's default size (what hsbd creates
 * without a table-size line); otherwise the table gets sessions_max. */
static int open_inst(struct inst *in, uint32_t sessions_max)
{
	struct bpf_map *m;

	memset(in, 0, sizeof(*in));
	in->skel = hsb_xdp_bpf__open();
	if (!in->skel)
		return -1;
	/* Private maps: never touch the pins of a running hsbd. */
	bpf_object__for_each_map(m, in->skel->obj)
		bpf_map__set_pin_path(m, NULL);
	m = bpf_object__find_map_by_name(in->skel->obj, HSB_MAP_SESSIONS);
	if (m && sessions_max && bpf_map__set_max_entries(m, sessions_max))
		return -1;
	if (hsb_xdp_bpf__load(in->skel)) {
		fprintf(stderr, "prog_bench: hsb_xdp load failed\n");
		return -1;
	}
	in->prog_fd = bpf_program__fd(in->skel->progs.hsb_xdp);
	in->sessions_fd = map_fd(in, HSB_MAP_SESSIONS);
	in->policy_fd = map_fd(in, HSB_MAP_POLICY);
	in->policy_ctl_fd = map_fd(in, HSB_MAP_POLICY_CTL);
	in->blacklist_fd = map_fd(in, HSB_MAP_BLACKLIST);
	in->ifaces_fd = map_fd(in, HSB_MAP_IFACES);
	in->stats_fd = map_fd(in, HSB_MAP_STATS);
	if (map_fd(in, HSB_MAP_EVENTS) >= 0)
		in->rb = ring_buffer__new(map_fd(in, HSB_MAP_EVENTS), ring_cb,
					  in, NULL);
	return 0;
}

static void close_inst(struct inst *in)
{
	ring_buffer__free(in->rb);
	hsb_xdp_bpf__destroy(in->skel);
}

static int stateful(const struct inst *in)
{
	return in->sessions_fd >= 0 && in->policy_fd >= 0 &&
	       in->policy_ctl_fd >= 0 && in->blacklist_fd >= 0;
}

/* Zones on the interfaces, one permit rule trust -> untrust in both
 * halves of the policy, 10.0.9.0/24 blacklisted. */
static int configure(struct inst *in)
{
	struct hsb_iface c = { .slot = 0, .zone_id = HSB_ZONE_TRUST };
	struct hsb_iface s = { .slot = 1, .zone_id = HSB_ZONE_UNTRUST };
	struct hsb_rule r = { .from_zone = HSB_ZONE_TRUST,
			      .to_zone = HSB_ZONE_UNTRUST,
			      .proto = HSB_PROTO_ANY,
			      .action = HSB_ACTION_PERMIT,
			      .dport_hi = 65535 };
	struct hsb_policy_ctl ctl = { .active = 0, .n_rules = { 1, 1 } };
	struct hsb_lpm_key bk = { .prefixlen = HSB_V4MAPPED_PREFIXLEN + 24 };
	struct hsb_list_entry be = { 0 };
	__u32 k0 = 0, k1 = HSB_MAX_RULES, ic = (__u32)ifx_c, is = (__u32)ifx_s;

	if (bpf_map_update_elem(in->ifaces_fd, &ic, &c, BPF_ANY) ||
	    bpf_map_update_elem(in->ifaces_fd, &is, &s, BPF_ANY))
		return -1;
	/* and, as hsbd does, their .bss copy (include/hsb/maps.h) and a
	 * non-zero next-hop generation (caching on; bpf/lib/nexthop.h) */
	in->skel->bss->hsb_if_fast[ic & (HSB_IF_FAST_SIZE - 1)] =
		(struct hsb_iface_fast){ ic, c.slot, c.zone_id, c.flags };
	in->skel->bss->hsb_if_fast[is & (HSB_IF_FAST_SIZE - 1)] =
		(struct hsb_iface_fast){ is, s.slot, s.zone_id, s.flags };
	in->skel->bss->hsb_nh_gen = 0x68736201;
	/* no NAT configured: hsbd lets the datapath skip the NAT tables'
	 * lookups on a session miss (include/hsb/nat.h) */
	in->skel->bss->hsb_nat_skip =
		HSB_NAT_SKIP_PAT | HSB_NAT_SKIP_NOPAT | HSB_NAT_SKIP_SRV |
		HSB_NAT_SKIP_SRV_NOPORT | HSB_NAT_SKIP_SRV_ANY;
	if (!stateful(in))
		return 0;
	bk.addr[10] = 0xff;
	bk.addr[11] = 0xff;
	put32(bk.addr + 12, BLACK_NET);
	if (bpf_map_update_elem(in->policy_fd, &k0, &r, BPF_ANY) ||
	    bpf_map_update_elem(in->policy_fd, &k1, &r, BPF_ANY) ||
	    bpf_map_update_elem(in->policy_ctl_fd, &k0, &ctl, BPF_ANY) ||
	    bpf_map_update_elem(in->blacklist_fd, &bk, &be, BPF_ANY))
		return -1;
	return 0;
}

/* SYN, SYN+ACK, ACK through the program; keeps the resulting session as
 * the template for bulk fills. Returns 0 when it reached ESTABLISHED. */
static int handshake(struct inst *in, json_object *notes)
{
	struct pkt p;
	struct hsb_flow_key k;
	uint32_t rv[3], d;
	char buf[160];

	build_tcp(&p, ifx_c, CLIENT_IP, HS_SPORT, SERVER_IP, 80, TCP_SYN, 1000,
		  0, 64);
	if (test_run(in->prog_fd, &p, 1, &rv[0], &d, NULL))
		return -1;
	build_tcp(&p, ifx_s, SERVER_IP, 80, CLIENT_IP, HS_SPORT,
		  TCP_SYN | TCP_ACK, 5000, 1001, 64);
	if (test_run(in->prog_fd, &p, 1, &rv[1], &d, NULL))
		return -1;
	build_tcp(&p, ifx_c, CLIENT_IP, HS_SPORT, SERVER_IP, 80, TCP_ACK, 1001,
		  5001, 64);
	if (test_run(in->prog_fd, &p, 1, &rv[2], &d, NULL))
		return -1;
	drain(in);
	k = flow_key(CLIENT_IP, HS_SPORT, SERVER_IP, 80);
	if (bpf_map_lookup_elem(in->sessions_fd, &k, &in->tmpl)) {
		snprintf(buf, sizeof(buf),
			 "handshake verdicts %u/%u/%u: no session under the "
			 "canonical key",
			 rv[0], rv[1], rv[2]);
		json_object_array_add(notes, json_object_new_string(buf));
		return -1;
	}
	in->have_tmpl = 1;
	if (in->tmpl.state != HSB_CT_ESTABLISHED) {
		snprintf(buf, sizeof(buf),
			 "handshake verdicts %u/%u/%u: session state %u, "
			 "not ESTABLISHED",
			 rv[0], rv[1], rv[2], in->tmpl.state);
		json_object_array_add(notes, json_object_new_string(buf));
		return -1;
	}
	return 0;
}

/* Fill flow i (client 10.0.1.(2 + i / 32768), port 1024 + i % 32768; all
 * below the server address, so the client is endpoint a). */
static uint32_t fill_addr(uint32_t i)
{
	return CLIENT_IP + (i >> 15);
}

static uint16_t fill_port(uint32_t i)
{
	return (uint16_t)(1024 + (i & 0x7fff));
}

/* n established sessions cloned from the handshake's, with update_batch.
 * Returns the number inserted, or -1. */
static long fill_sessions(struct inst *in, uint32_t n)
{
	const uint32_t chunk = 65536;
	struct hsb_flow_key *keys = calloc(chunk, sizeof(*keys));
	struct hsb_session *vals = calloc(chunk, sizeof(*vals));
	uint64_t now = mono_ns();
	uint32_t i = 0, j, cnt;
	long done = 0;
	LIBBPF_OPTS(bpf_map_batch_opts, bo, .elem_flags = BPF_ANY);

	if (!keys || !vals)
		goto out;
	while (i < n) {
		for (j = 0; j < chunk && i < n; j++, i++) {
			keys[j] = flow_key(fill_addr(i), fill_port(i),
					   SERVER_IP, 80);
			vals[j] = in->tmpl;
			vals[j].created_ns = now;
			vals[j].last_seen_ns = now;
			vals[j].last_sync_ns = now;
		}
		cnt = j;
		if (bpf_map_update_batch(in->sessions_fd, keys, vals, &cnt,
					 &bo)) {
			fprintf(stderr, "prog_bench: update_batch: %s\n",
				strerror(errno));
			done = -1;
			goto out;
		}
		done += cnt;
	}
out:
	free(keys);
	free(vals);
	return done;
}

/* Sessions present among flows 0..n-1 (LRU may evict when too small). */
static long count_present(struct inst *in, uint32_t n, uint32_t step)
{
	struct hsb_session v;
	struct hsb_flow_key k;
	long present = 0;
	uint32_t i;

	for (i = 0; i < n; i += step) {
		k = flow_key(fill_addr(i), fill_port(i), SERVER_IP, 80);
		if (!bpf_map_lookup_elem(in->sessions_fd, &k, &v))
			present++;
	}
	return present;
}

/* One established ACK through the fast path, repeat=1: the frame must come
 * out addressed to the server (MACs from the fib lookup), TTL - 1, with a
 * valid IP checksum. */
static int check_rewrite(struct inst *in)
{
	struct pkt p, out;
	uint32_t rv, d;

	build_tcp(&p, ifx_c, CLIENT_IP, HS_SPORT, SERVER_IP, 80, TCP_ACK, 1001,
		  5001, 64);
	if (test_run(in->prog_fd, &p, 1, &rv, &d, &out) || rv != XDP_REDIRECT ||
	    out.len < 34)
		return 0;
	return !memcmp(out.b, MAC_BS1, 6) && !memcmp(out.b + 6, MAC_BS0, 6) &&
	       out.b[14 + 8] == 63 &&
	       csum_fold(csum_add(0, out.b + 14, 20)) == 0;
}

/* --- the rotor: header restore + flow rotation, then a tail call ---------- */

struct rotor {
	struct rotor_bpf *skel;
	int prog_fd;
	int flows_fd;
};

static struct rot_flow rot_entry(const struct pkt *p)
{
	struct rot_flow f = { 0 };

	memcpy(&f.ip_csum, p->b + 24, 2);
	memcpy(&f.saddr, p->b + 26, 4);
	memcpy(&f.sport, p->b + 34, 2);
	memcpy(&f.l4_csum, p->b + 50, 2);
	return f;
}

/* Flows: n packets (n a power of two <= ROT_MAX_FLOWS), all with the same
 * header as pk[0] but source address, port and checksums. */
static int rotor_set_flows(struct rotor *ro, const struct pkt *pk, uint32_t n)
{
	struct rot_flow *v = calloc(n, sizeof(*v));
	__u32 *k = calloc(n, sizeof(*k)), cnt = n, i;
	LIBBPF_OPTS(bpf_map_batch_opts, bo, .elem_flags = BPF_ANY);
	int rc;

	if (!v || !k) {
		free(v);
		free(k);
		return -1;
	}
	for (i = 0; i < n; i++) {
		k[i] = i;
		v[i] = rot_entry(&pk[i]);
	}
	rc = bpf_map_update_batch(ro->flows_fd, k, v, &cnt, &bo);
	free(v);
	free(k);
	ro->skel->bss->rot_seq = 0;
	return rc;
}

static int open_rotor(struct rotor *ro, int target_fd, const struct pkt *pk,
		      uint32_t n)
{
	__u32 zero = 0;
	int tfd = target_fd;

	ro->skel = rotor_bpf__open();
	if (!ro->skel)
		return -1;
	memcpy(ro->skel->data->rot_cfg.hdr, pk[0].b, ROT_HDR_LEN);
	ro->skel->data->rot_cfg.mask = n - 1;
	if (rotor_bpf__load(ro->skel))
		return -1;
	ro->prog_fd = bpf_program__fd(ro->skel->progs.bench_rot);
	ro->flows_fd = bpf_map__fd(ro->skel->maps.rot_flows);
	if (bpf_map_update_elem(bpf_map__fd(ro->skel->maps.rot_jmp), &zero,
				&tfd, BPF_ANY)) {
		fprintf(stderr, "prog_bench: tail call map: %s\n",
			strerror(errno));
		return -1;
	}
	return rotor_set_flows(ro, pk, n);
}

/* --- rows ---------------------------------------------------------------- */

enum mode { BATCH, SINGLE };

enum row_id {
	FLOOR_BATCH,
	FLOOR_ROTOR,
	FLOOR_SINGLE,
	ESTABLISHED,
	ESTABLISHED_4K,
	ESTABLISHED_1M,
	FIRST_PACKET,
	FIRST_PACKET_SINGLE,
	BLACKLIST_DROP,
	NROWS
};

struct row {
	const char *name;
	const char *desc;
	enum mode mode;
	enum row_id floor;
	int needs_stateful;
	uint32_t expect; /* verdict */
	uint32_t calls; /* per run; 0: the mode's default */
	double ns[MAX_RUNS];
	int n;
	uint32_t verdict; /* of the last packet */
	int verdict_mixed;
	double median;
	const char *status;
};

static uint32_t calls_batch = 2000, calls_single = 10000, calls_first = 100;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	double *c = malloc(sizeof(*c) * (size_t)n), m;

	memcpy(c, v, sizeof(*c) * (size_t)n);
	qsort(c, (size_t)n, sizeof(*c), cmp_double);
	m = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
	free(c);
	return m;
}

static void note_verdict(struct row *r, uint32_t rv, uint32_t *first)
{
	if (*first == UINT32_MAX)
		*first = rv;
	else if (rv != *first)
		r->verdict_mixed = 1;
	r->verdict = rv;
}

/* Batch mode: one packet, repeat BATCH_REPEAT, mean over the calls. With
 * the rotor in front, every repetition is another flow. drain_in, when
 * set, has its ring drained after every call. */
static int run_batch(struct row *r, int prog_fd, const struct pkt *p,
		     uint32_t calls, struct inst *drain_in)
{
	uint32_t i, rv, d, first = UINT32_MAX;
	double sum = 0;
	int rc;

	for (i = 0; i < calls; i++) {
		rc = test_run(prog_fd, p, BATCH_REPEAT, &rv, &d, NULL);
		if (rc)
			return rc;
		note_verdict(r, rv, &first);
		sum += d;
		if (drain_in)
			drain(drain_in);
	}
	r->ns[r->n++] = sum / calls;
	return 0;
}

/* Single mode over a set of packets, round robin; median over calls. */
static int run_single(struct row *r, int prog_fd, const struct pkt *pk,
		      uint32_t npk, struct inst *drain_in)
{
	double *v = malloc(sizeof(*v) * calls_single);
	uint32_t i, rv, d, first = UINT32_MAX;
	int rc;

	if (!v)
		return -ENOMEM;
	for (i = 0; i < calls_single; i++) {
		rc = test_run(prog_fd, &pk[i % npk], 1, &rv, &d, NULL);
		if (rc) {
			free(v);
			return rc;
		}
		note_verdict(r, rv, &first);
		v[i] = d;
		if (drain_in && (i & 511) == 511)
			drain(drain_in);
	}
	r->ns[r->n++] = median(v, (int)calls_single);
	free(v);
	return 0;
}

/* n SYNs of flows never seen: client addr, ports 1024 + i. */
static void new_flows(struct pkt *pk, uint32_t n, uint32_t addr)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		build_tcp(&pk[i], ifx_c, addr, (uint16_t)(1024 + i), SERVER_IP,
			  80, TCP_SYN, 1000, 0, 64);
}

static void delete_flows(struct inst *in, uint32_t n, uint32_t addr)
{
	struct hsb_flow_key k;
	uint32_t i;

	for (i = 0; in->sessions_fd >= 0 && i < n; i++) {
		k = flow_key(addr, (uint16_t)(1024 + i), SERVER_IP, 80);
		bpf_map_delete_elem(in->sessions_fd, &k);
	}
}

/* --- output -------------------------------------------------------------- */

static const char *verdict_name(uint32_t v)
{
	static const char *const n[] = { "ABORTED", "DROP", "PASS", "TX",
					 "REDIRECT" };

	return v < 5 ? n[v] : "?";
}

static json_object *counters_json(struct inst *in)
{
	json_object *o = json_object_new_object();
	uint64_t *v = calloc((size_t)nr_cpus, sizeof(*v));
	__u32 id;
	int c;

	for (id = 0; v && in->stats_fd >= 0 && id < HSB_CNT__MAX; id++) {
		uint64_t sum = 0;

		if (bpf_map_lookup_elem(in->stats_fd, &id, v))
			continue;
		for (c = 0; c < nr_cpus; c++)
			sum += v[c];
		if (sum)
			json_object_object_add(
				o, counter_names[id],
				json_object_new_int64((int64_t)sum));
	}
	free(v);
	return o;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: prog_bench [-r RUNS] [-n FILL] [-s SIZE] [-q] [-o JSON]\n"
		"  -r RUNS  runs per row, 1..51 (default 9)\n"
		"  -n FILL  sessions pre-filled for the big-table row, "
		"65536..2097152 (default 1000000)\n"
		"  -s SIZE  session table size of the small instance "
		"(default: the object's default)\n"
		"  -q       quick: fewer calls per run\n");
	return 2;
}

static json_object *row_json(const struct row *r, const struct row *fl)
{
	json_object *o = json_object_new_object(), *a;
	int k;

	json_object_object_add(o, "name", json_object_new_string(r->name));
	json_object_object_add(o, "description",
			       json_object_new_string(r->desc));
	json_object_object_add(
		o, "mode",
		json_object_new_string(r->mode == BATCH ? "batch" : "single"));
	json_object_object_add(
		o, "repeat",
		json_object_new_int(r->mode == BATCH ? BATCH_REPEAT : 1));
	json_object_object_add(o, "calls_per_run",
			       json_object_new_int((int)r->calls));
	json_object_object_add(o, "ns_per_packet",
			       json_object_new_double(r->median));
	json_object_object_add(o, "floor_row",
			       json_object_new_string(fl->name));
	json_object_object_add(o, "floor_ns",
			       json_object_new_double(fl->median));
	json_object_object_add(o, "above_floor_ns",
			       json_object_new_double(r->median - fl->median));
	json_object_object_add(o, "n_runs", json_object_new_int(r->n));
	a = json_object_new_array();
	for (k = 0; k < r->n; k++)
		json_object_array_add(a, json_object_new_double(r->ns[k]));
	json_object_object_add(o, "runs_ns", a);
	json_object_object_add(
		o, "verdict", json_object_new_string(verdict_name(r->verdict)));
	json_object_object_add(o, "expected_verdict",
			       json_object_new_string(verdict_name(r->expect)));
	json_object_object_add(o, "status", json_object_new_string(r->status));
	return o;
}

static struct row R[NROWS] = {
	[FLOOR_BATCH] = { "floor_batch",
			  "XDP_PASS program, one packet, repeat=128", BATCH,
			  FLOOR_BATCH, 0, XDP_PASS },
	[FLOOR_ROTOR] = { "floor_rotor",
			  "rotor (header restore + next flow) tail-calling the "
			  "XDP_PASS program, repeat=128",
			  BATCH, FLOOR_ROTOR, 0, XDP_PASS },
	[FLOOR_SINGLE] = { "floor_single", "XDP_PASS program, repeat=1", SINGLE,
			   FLOOR_SINGLE, 0, XDP_PASS },
	[ESTABLISHED] = { "established",
			  "hsb_xdp, established TCP ACK, one flow, TTL 255, "
			  "repeat=128",
			  BATCH, FLOOR_BATCH, 1, XDP_REDIRECT },
	[ESTABLISHED_4K] = { "established_4k",
			     "rotor -> hsb_xdp, established TCP ACKs over "
			     "4096 sessions, repeat=128",
			     BATCH, FLOOR_ROTOR, 1, XDP_REDIRECT },
	[ESTABLISHED_1M] = { "established_1m",
			     "rotor -> hsb_xdp, established TCP ACKs over "
			     "65536 random sessions of a pre-filled table, "
			     "repeat=128",
			     BATCH, FLOOR_ROTOR, 1, XDP_REDIRECT },
	[FIRST_PACKET] = { "first_packet",
			   "rotor -> hsb_xdp, TCP SYN of a new flow every "
			   "packet (policy + insert + ring record), repeat=128",
			   BATCH, FLOOR_ROTOR, 1, XDP_REDIRECT },
	[FIRST_PACKET_SINGLE] = { "first_packet_single",
				  "hsb_xdp, TCP SYN of a new flow every call, "
				  "repeat=1",
				  SINGLE, FLOOR_SINGLE, 1, XDP_REDIRECT },
	[BLACKLIST_DROP] = { "blacklist_drop",
			     "hsb_xdp, SYN from a blacklisted /24, repeat=128",
			     BATCH, FLOOR_BATCH, 1, XDP_DROP },
};

int main(int argc, char **argv)
{
	const char *out_path = "build/bench/prog.json";
	uint32_t runs = 9, fill = 1000000, small_max = 0, i, first_n;
	struct inst small, big;
	struct xdp_pass_bpf *pass;
	struct rotor rot_floor, rot_4k, rot_1m, rot_first;
	struct pkt ack_batch, blk, *pk4k, *pk1m, *pkfirst;
	json_object *doc, *rows, *notes;
	struct utsname u;
	uint64_t t0 = mono_ns();
	long filled = -1, present = -1;
	int opt, is_stateful, hs_ok = 0, round, rewrite_ok = 0, pass_fd;
	char date[64];
	time_t now;

	while ((opt = getopt(argc, argv, "r:n:s:qo:")) != -1) {
		switch (opt) {
		case 'r':
			runs = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'n':
			fill = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 's':
			small_max = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'q':
			calls_batch = 400;
			calls_single = 2000;
			calls_first = 40;
			break;
		case 'o':
			out_path = optarg;
			break;
		default:
			return usage();
		}
	}
	if (runs < 1 || runs > MAX_RUNS || fill < ROT_MAX_FLOWS ||
	    fill > (64U << 15) || (small_max && small_max < SMALL_TABLE + 1))
		return usage();
	first_n = calls_first * BATCH_REPEAT;
	nr_cpus = libbpf_num_possible_cpus();
	if (setup_netns())
		return 1;

	notes = json_object_new_array();
	pass = xdp_pass_bpf__open_and_load();
	if (!pass || open_inst(&small, small_max) ||
	    open_inst(&big, fill + fill / 4) || configure(&small) ||
	    configure(&big))
		return 1;
	pass_fd = bpf_program__fd(pass->progs.bench_pass);
	is_stateful = stateful(&small);
	if (!is_stateful)
		json_object_array_add(
			notes,
			json_object_new_string(
				"hsb_xdp has no session/policy/blacklist maps "
				"yet: the hsb rows time the current program on "
				"the same packets and await the stateful "
				"datapath"));
	if (is_stateful && !handshake(&small, notes) &&
	    !handshake(&big, notes)) {
		hs_ok = 1;
		rewrite_ok = check_rewrite(&small);
		if (fill_sessions(&small, SMALL_TABLE) < 0)
			return 1;
		filled = fill_sessions(&big, fill);
		if (filled < 0)
			return 1;
		present = count_present(&big, fill, 1);
	}

	/* Packets. The one-flow ACK uses TTL 255 so BATCH_REPEAT decrements
	 * stay above 1; the rotor restores TTL 64 on every run. */
	build_tcp(&ack_batch, ifx_c, CLIENT_IP, HS_SPORT, SERVER_IP, 80,
		  TCP_ACK, 1001, 5001, 255);
	build_tcp(&blk, ifx_c, BLACK_NET + 5, 5555, SERVER_IP, 80, TCP_SYN, 1,
		  0, 255);
	pk4k = calloc(SMALL_TABLE, sizeof(*pk4k));
	pk1m = calloc(ROT_MAX_FLOWS, sizeof(*pk1m));
	pkfirst = calloc(ROT_MAX_FLOWS, sizeof(*pkfirst));
	if (!pk4k || !pk1m || !pkfirst || first_n > ROT_MAX_FLOWS)
		return 1;
	for (i = 0; i < SMALL_TABLE; i++)
		build_tcp(&pk4k[i], ifx_c, fill_addr(i), fill_port(i),
			  SERVER_IP, 80, TCP_ACK, 1001, 5001, 64);
	srandom(42);
	for (i = 0; i < ROT_MAX_FLOWS; i++) {
		uint32_t g = (uint32_t)random() % fill;

		build_tcp(&pk1m[i], ifx_c, fill_addr(g), fill_port(g),
			  SERVER_IP, 80, TCP_ACK, 1001, 5001, 64);
	}
	new_flows(pkfirst, ROT_MAX_FLOWS, IP(10, 0, 3, 1));
	if (open_rotor(&rot_floor, pass_fd, pk4k, SMALL_TABLE) ||
	    open_rotor(&rot_4k, small.prog_fd, pk4k, SMALL_TABLE) ||
	    open_rotor(&rot_1m, big.prog_fd, pk1m, ROT_MAX_FLOWS) ||
	    open_rotor(&rot_first, small.prog_fd, pkfirst, ROT_MAX_FLOWS)) {
		fprintf(stderr, "prog_bench: rotor setup failed\n");
		return 1;
	}

	for (i = 0; i < NROWS; i++)
		R[i].calls = R[i].mode == SINGLE ? calls_single : calls_batch;
	R[FIRST_PACKET].calls = calls_first;

	for (round = 0; round < (int)runs; round++) {
		/* Fresh flows for this round's first-packet rows. */
		uint32_t a_rot = IP(10, 0, 3, 1 + round);
		uint32_t a_single = IP(10, 0, 4, 1 + round);
		int j;

		new_flows(pkfirst, first_n, a_rot);
		if (rotor_set_flows(&rot_first, pkfirst, ROT_MAX_FLOWS))
			return 1;
		for (j = 0; j < NROWS; j++) {
			enum row_id id = (enum row_id)((j + round) % NROWS);
			struct row *r = &R[id];
			int rc = 0;

			switch (id) {
			case FLOOR_BATCH:
				rc = run_batch(r, pass_fd, &ack_batch, r->calls,
					       NULL);
				break;
			case FLOOR_ROTOR:
				rc = run_batch(r, rot_floor.prog_fd, &pk4k[0],
					       r->calls, NULL);
				break;
			case FLOOR_SINGLE:
				rc = run_single(r, pass_fd, pk4k, SMALL_TABLE,
						NULL);
				break;
			case ESTABLISHED:
				rc = run_batch(r, small.prog_fd, &ack_batch,
					       r->calls, NULL);
				break;
			case ESTABLISHED_4K:
				rc = run_batch(r, rot_4k.prog_fd, &pk4k[0],
					       r->calls, NULL);
				break;
			case ESTABLISHED_1M:
				rc = run_batch(r, rot_1m.prog_fd, &pk1m[0],
					       r->calls, NULL);
				break;
			case FIRST_PACKET:
				rot_first.skel->bss->rot_seq = 0;
				rc = run_batch(r, rot_first.prog_fd,
					       &pkfirst[0], r->calls, &small);
				delete_flows(&small, first_n, a_rot);
				break;
			case FIRST_PACKET_SINGLE: {
				struct pkt *np =
					calloc(calls_single, sizeof(*np));

				if (!np)
					return 1;
				new_flows(np, calls_single, a_single);
				rc = run_single(r, small.prog_fd, np,
						calls_single, &small);
				free(np);
				delete_flows(&small, calls_single, a_single);
				break;
			}
			case BLACKLIST_DROP:
				rc = run_batch(r, small.prog_fd, &blk, r->calls,
					       NULL);
				break;
			default:
				break;
			}
			if (rc) {
				fprintf(stderr,
					"prog_bench: %s: test run failed: %s\n",
					r->name, strerror(-rc));
				return 1;
			}
			drain(&small);
			drain(&big);
		}
	}

	/* Results. */
	doc = json_object_new_object();
	rows = json_object_new_array();
	uname(&u);
	now = time(NULL);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	for (i = 0; i < NROWS; i++)
		R[i].median = median(R[i].ns, R[i].n);
	printf("BPF_PROG_TEST_RUN ns/packet (median of %u runs, kernel %s)\n",
	       runs, u.release);
	printf("%-20s %-6s %8s %-13s %8s %8s  %-8s %s\n", "row", "mode",
	       "ns/pkt", "floor row", "floor", "above", "verdict", "status");
	for (i = 0; i < NROWS; i++) {
		struct row *r = &R[i];
		struct row *fl = &R[r->floor];

		if (r->needs_stateful && !is_stateful)
			r->status = "awaits-datapath";
		else if (r->needs_stateful && !hs_ok)
			r->status = "no-session";
		else if (r->verdict != r->expect || r->verdict_mixed)
			r->status = "unexpected-verdict";
		else
			r->status = "ok";
		json_object_array_add(rows, row_json(r, fl));
		printf("%-20s %-6s %8.1f %-13s %8.1f %8.1f  %-8s %s\n", r->name,
		       r->mode == BATCH ? "batch" : "single", r->median,
		       fl->name, fl->median, r->median - fl->median,
		       verdict_name(r->verdict), r->status);
	}
	{
		struct row *e = &R[ESTABLISHED];
		double above = e->median - R[FLOOR_BATCH].median;
		int met = !strcmp(e->status, "ok") && above <= 60.0;
		json_object *t = json_object_new_object();

		json_object_object_add(t, "row",
				       json_object_new_string("established"));
		json_object_object_add(t, "max_above_floor_ns",
				       json_object_new_double(60.0));
		json_object_object_add(t, "above_floor_ns",
				       json_object_new_double(above));
		json_object_object_add(t, "met", json_object_new_boolean(met));
		json_object_object_add(doc, "target", t);
		printf("target: established <= 60 ns above floor: %s "
		       "(%.1f ns)\n",
		       strcmp(e->status, "ok") ? "n/a, awaits datapath" :
		       met		       ? "met" :
						 "NOT met",
		       above);
	}
	if (filled >= 0)
		printf("big table: %ld sessions inserted, %ld of %u present "
		       "(max_entries %u)\n",
		       filled, present, fill, fill + fill / 4);

	json_object_object_add(doc, "benchmark",
			       json_object_new_string("prog_test_run"));
	json_object_object_add(doc, "date", json_object_new_string(date));
	json_object_object_add(doc, "kernel",
			       json_object_new_string(u.release));
	json_object_object_add(doc, "machine",
			       json_object_new_string(u.machine));
	json_object_object_add(doc, "cpus", json_object_new_int(nr_cpus));
	json_object_object_add(doc, "runs", json_object_new_int((int)runs));
	json_object_object_add(doc, "stateful_datapath",
			       json_object_new_boolean(is_stateful));
	json_object_object_add(doc, "fast_path_rewrite_ok",
			       json_object_new_boolean(rewrite_ok));
	json_object_object_add(doc, "fill_sessions",
			       json_object_new_int64(filled));
	json_object_object_add(doc, "fill_present",
			       json_object_new_int64(present));
	json_object_object_add(
		doc, "ring_records",
		json_object_new_int64(
			(int64_t)(small.ring_records + big.ring_records)));
	json_object_object_add(doc, "counters_small_table",
			       counters_json(&small));
	json_object_object_add(doc, "counters_big_table", counters_json(&big));
	json_object_object_add(doc, "rows", rows);
	json_object_object_add(doc, "notes", notes);
	json_object_object_add(
		doc, "elapsed_s",
		json_object_new_double((double)(mono_ns() - t0) / 1e9));
	if (json_object_to_file_ext(out_path, doc, JSON_C_TO_STRING_PRETTY)) {
		fprintf(stderr, "prog_bench: cannot write %s\n", out_path);
		return 1;
	}
	printf("JSON: %s\n", out_path);
	json_object_put(doc);
	free(pk4k);
	free(pk1m);
	free(pkfirst);
	rotor_bpf__destroy(rot_floor.skel);
	rotor_bpf__destroy(rot_4k.skel);
	rotor_bpf__destroy(rot_1m.skel);
	rotor_bpf__destroy(rot_first.skel);
	close_inst(&small);
	close_inst(&big);
	xdp_pass_bpf__destroy(pass);
	return 0;
}
