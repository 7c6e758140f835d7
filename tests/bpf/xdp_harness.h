/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared fixture for the hsb_xdp BPF_PROG_TEST_RUN tests.
 *
 * Each test binary moves itself into a private network namespace
 * (unshare(CLONE_NEWNET)) and builds a small router there, so
 * bpf_fib_lookup() answers deterministically and nothing on the host is
 * touched; the namespace disappears with the process:
 *
 *   hsbt-in   10.1.0.1/24 fd01::1/64  zone trust   neighbour .2 permanent
 *   hsbt-out  10.2.0.1/24 fd02::1/64  zone untrust neighbour .2 permanent
 *             10.50.0.0/16, fd50::/32 via .2 / ::2 on hsbt-out
 *   blackhole 10.9.0.0/16 fd09::/32, unreachable 10.8.0.0/16, prohibit
 *   10.7.0.0/16; 10.2.0.3 / fd02::3 have no neighbour
 *
 * The skeleton's maps are private (pin paths cleared) and the session
 * table small. Packets are built by hand here, with their IPv4 header
 * checksum computed independently of the datapath.
 */
#ifndef HSB_TESTS_XDP_HARNESS_H
#define HSB_TESTS_XDP_HARNESS_H

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <cmocka.h>

#include "hsb/maps.h"
#include "hsb/counters.h"
#include "hsb/events.h"
#include "hsb/flow.h"
#include "hsb/lists.h"
#include "hsb/policy.h"
#include "hsb/session.h"
#include "hsb/peer.h"
#include "hsb_xdp.skel.h"

#define T_SESSIONS_MAX 16384
#define T_MAX_EVENTS 4096

#define T_TCP_FIN 0x01
#define T_TCP_SYN 0x02
#define T_TCP_RST 0x04
#define T_TCP_PSH 0x08
#define T_TCP_ACK 0x10

static const uint8_t t_mac_in[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t t_mac_out[6] = { 0x02, 0, 0, 0, 0, 0x0b };
static const uint8_t t_mac_nh_in[6] = { 0x02, 0, 0, 0, 0x01, 0x02 };
static const uint8_t t_mac_nh_out[6] = { 0x02, 0, 0, 0, 0x02, 0x02 };

struct t_fixture {
	struct hsb_xdp_bpf *skel;
	struct ring_buffer *rb;
	int nr_cpus;
	unsigned int if_in, if_out;
	int n_events;
	struct hsb_session_event events[T_MAX_EVENTS];
};

/* ---- next-hop generation -------------------------------------------- */

/* The loaded skeleton, whose next-hop generation (hsb_nh_gen in .bss)
 * t_sh() and t_write() bump after every change, as hsbd's route watcher
 * does for every netlink notification. */
static struct hsb_xdp_bpf *t_nh_skel;

#define T_NH_GEN_SEED 0x5eed0001U

static inline void t_nh_bump(void)
{
	if (!t_nh_skel)
		return;
	if (++t_nh_skel->bss->hsb_nh_gen == 0)
		t_nh_skel->bss->hsb_nh_gen = 1;
}

/* ---- namespace ------------------------------------------------------ */

/* Run cmd without telling the datapath (the next-hop cache keeps what it
 * has until a bump). */
static inline int t_sh_quiet(const char *cmd)
{
	int rc = system(cmd);

	if (rc != 0)
		fprintf(stderr, "harness: '%s' failed (%d)\n", cmd, rc);
	return rc;
}

static inline int t_sh(const char *cmd)
{
	int rc = system(cmd);

	t_nh_bump();

	if (rc != 0)
		fprintf(stderr, "harness: '%s' failed (%d)\n", cmd, rc);
	return rc;
}

static inline int t_write(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f)
		return -1;
	fputs(val, f);
	rc = fclose(f);
	t_nh_bump();
	return rc;
}

static inline int t_netns_setup(struct t_fixture *f)
{
	static const char *const cmds[] = {
		"ip link set lo up",
		"ip link add hsbt-in address 02:00:00:00:00:0a type veth peer name hsbt-in-p",
		"ip link add hsbt-out address 02:00:00:00:00:0b type veth peer name hsbt-out-p",
		"ip link set hsbt-in up",
		"ip link set hsbt-in-p up",
		"ip link set hsbt-out up",
		"ip link set hsbt-out-p up",
		"ip addr add 10.1.0.1/24 dev hsbt-in",
		"ip addr add 10.2.0.1/24 dev hsbt-out",
		"ip -6 addr add fd01::1/64 dev hsbt-in nodad",
		"ip -6 addr add fd02::1/64 dev hsbt-out nodad",
		"ip neigh add 10.1.0.2 lladdr 02:00:00:00:01:02 dev hsbt-in nud permanent",
		"ip neigh add 10.2.0.2 lladdr 02:00:00:00:02:02 dev hsbt-out nud permanent",
		"ip -6 neigh add fd01::2 lladdr 02:00:00:00:01:02 dev hsbt-in nud permanent",
		"ip -6 neigh add fd02::2 lladdr 02:00:00:00:02:02 dev hsbt-out nud permanent",
		"ip route add 10.50.0.0/16 via 10.2.0.2",
		"ip -6 route add fd50::/32 via fd02::2",
		"ip route add blackhole 10.9.0.0/16",
		"ip route add unreachable 10.8.0.0/16",
		"ip route add prohibit 10.7.0.0/16",
		"ip -6 route add blackhole fd09::/32",
	};
	size_t i;

	if (unshare(CLONE_NEWNET)) {
		perror("unshare(CLONE_NEWNET)");
		return -1;
	}
	if (t_write("/proc/sys/net/ipv4/ip_forward", "1") ||
	    t_write("/proc/sys/net/ipv6/conf/all/forwarding", "1"))
		return -1;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (t_sh(cmds[i]))
			return -1;
	f->if_in = if_nametoindex("hsbt-in");
	f->if_out = if_nametoindex("hsbt-out");
	return f->if_in && f->if_out ? 0 : -1;
}

/* The heartbeat link of the quick-session-backup tests: hsbt-hb
 * (02:00:00:00:00:0c, 10.3.0.1/29, fd03::1/64) whose peer 10.3.0.2 /
 * fd03::2 is at 02:00:00:00:03:02 (permanent). Returns its ifindex, or 0. */
static inline unsigned int t_peer_link_setup(void)
{
	static const char *const cmds[] = {
		"ip link add hsbt-hb address 02:00:00:00:00:0c type veth peer name hsbt-hb-p",
		"ip link set hsbt-hb up",
		"ip link set hsbt-hb-p up",
		"ip addr add 10.3.0.1/29 dev hsbt-hb",
		"ip -6 addr add fd03::1/64 dev hsbt-hb nodad",
		"ip neigh add 10.3.0.2 lladdr 02:00:00:00:03:02 dev hsbt-hb nud permanent",
		"ip -6 neigh add fd03::2 lladdr 02:00:00:00:03:02 dev hsbt-hb nud permanent",
	};
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (t_sh(cmds[i]))
			return 0;
	return if_nametoindex("hsbt-hb");
}

/* ---- skeleton ------------------------------------------------------- */

static inline int t_on_event(void *ctx, void *data, size_t size)
{
	struct t_fixture *f = ctx;

	if (size != sizeof(struct hsb_session_event) ||
	    f->n_events >= T_MAX_EVENTS)
		return 0;
	memcpy(&f->events[f->n_events++], data, size);
	return 0;
}

/* Open and load with private maps; ring_size 0 keeps the default. */
static inline int t_load(struct t_fixture *f, __u32 ring_size)
{
	struct bpf_map *m;

	f->skel = hsb_xdp_bpf__open();
	if (!f->skel)
		return -1;
	bpf_object__for_each_map(m, f->skel->obj)
		bpf_map__set_pin_path(m, NULL);
	bpf_map__set_max_entries(f->skel->maps.hsb_sessions, T_SESSIONS_MAX);
	if (ring_size)
		bpf_map__set_max_entries(f->skel->maps.hsb_events, ring_size);
	if (hsb_xdp_bpf__load(f->skel))
		return -1;
	/* as hsbd does at load: caching on, from a non-zero generation */
	f->skel->bss->hsb_nh_gen = T_NH_GEN_SEED;
	t_nh_skel = f->skel;
	f->nr_cpus = libbpf_num_possible_cpus();
	f->rb = ring_buffer__new(bpf_map__fd(f->skel->maps.hsb_events),
				 t_on_event, f, NULL);
	return f->rb ? 0 : -1;
}

static inline int t_map_fd(const struct bpf_map *m)
{
	return bpf_map__fd(m);
}

/* The interface entry with its MAC (NULL: none, destinations not
 * checked, as most tests want: they send every frame to t_mac_in). */
static inline void t_set_iface_mac(struct t_fixture *f, unsigned int ifindex,
				   __u32 slot, __u32 zone, __u32 flags,
				   const uint8_t *mac)
{
	struct hsb_iface v = { .slot = slot, .zone_id = zone, .flags = flags };
	__u32 k = ifindex;

	struct hsb_iface_fast *fe =
		&f->skel->bss->hsb_if_fast[k & (HSB_IF_FAST_SIZE - 1)];

	if (mac)
		memcpy(v.mac, mac, 6);
	assert_int_equal(bpf_map_update_elem(t_map_fd(f->skel->maps.hsb_ifaces),
					     &k, &v, BPF_ANY),
			 0);
	/* and its .bss copy, as hsbd writes them (include/hsb/maps.h) */
	fe->ifindex = 0;
	fe->slot = slot;
	fe->zone_id = zone;
	fe->flags = flags;
	memcpy(fe->mac, v.mac, 6);
	fe->ifindex = k;
}

static inline void t_set_iface(struct t_fixture *f, unsigned int ifindex,
			       __u32 slot, __u32 zone, __u32 flags)
{
	t_set_iface_mac(f, ifindex, slot, zone, flags, NULL);
}

static inline void t_del_iface(struct t_fixture *f, unsigned int ifindex)
{
	__u32 k = ifindex;

	f->skel->bss->hsb_if_fast[k & (HSB_IF_FAST_SIZE - 1)].ifindex = 0;
	bpf_map_delete_elem(t_map_fd(f->skel->maps.hsb_ifaces), &k);
}

/* Install rules into half `half` and make it active. */
static inline void t_set_policy(struct t_fixture *f, int half,
				const struct hsb_rule *rules, __u32 n)
{
	struct hsb_policy_ctl ctl = { 0 };
	__u32 i, zero = 0;

	bpf_map_lookup_elem(t_map_fd(f->skel->maps.hsb_policy_ctl), &zero,
			    &ctl);
	for (i = 0; i < n; i++) {
		__u32 slot = half * HSB_MAX_RULES + i;

		assert_int_equal(
			bpf_map_update_elem(t_map_fd(f->skel->maps.hsb_policy),
					    &slot, &rules[i], BPF_ANY),
			0);
	}
	ctl.n_rules[half] = n;
	ctl.active = half;
	assert_int_equal(
		bpf_map_update_elem(t_map_fd(f->skel->maps.hsb_policy_ctl),
				    &zero, &ctl, BPF_ANY),
		0);
}

static inline struct hsb_rule t_rule_any(__u8 action)
{
	struct hsb_rule r = { .from_zone = HSB_ZONE_ANY,
			      .to_zone = HSB_ZONE_ANY,
			      .proto = HSB_PROTO_ANY,
			      .dport_lo = 0,
			      .dport_hi = 65535,
			      .action = action };
	return r;
}

/* The router of the namespace, zones trust/untrust, permit everything. */
static inline int t_setup_common(void **state, __u32 ring_size)
{
	struct t_fixture *f = calloc(1, sizeof(*f));
	struct hsb_rule any;

	if (!f || t_netns_setup(f) || t_load(f, ring_size))
		return -1;
	t_set_iface(f, f->if_in, 1, HSB_ZONE_TRUST, 0);
	t_set_iface(f, f->if_out, 2, HSB_ZONE_UNTRUST, 0);
	any = t_rule_any(HSB_ACTION_PERMIT);
	t_set_policy(f, 0, &any, 1);
	*state = f;
	return 0;
}

static inline int t_setup(void **state)
{
	return t_setup_common(state, 0);
}

static inline int t_teardown(void **state)
{
	struct t_fixture *f = *state;

	if (!f) /* the setup failed */
		return 0;
	ring_buffer__free(f->rb);
	t_nh_skel = NULL;
	hsb_xdp_bpf__destroy(f->skel);
	free(f);
	return 0;
}

/* ---- packets -------------------------------------------------------- */

struct t_spec {
	int family; /* 4 or 6 */
	const char *src, *dst;
	__u8 proto;
	__u16 sport, dport;
	__u8 tcp_flags;
	__u8 icmp_type; /* ICMP: type; the id is sport */
	__u8 ttl; /* 0: 64 */
	int vlan; /* number of tags, 0..2 */
	int ip_optlen; /* IPv4 options, multiple of 4 */
	int n_ext; /* IPv6 extension headers */
	__u8 ext[6];
	__u16 frag; /* IPv4 frag_off (host order) or IPv6 frag offset<<3|M */
	int payload;
	const uint8_t *quote; /* ICMP error: quoted packet from its L3 */
	size_t quote_len;
	const uint8_t *dmac; /* NULL: t_mac_in */
};

static inline uint16_t t_csum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static inline void t_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Build the frame; returns its length. Offsets of L3/L4 in *l3, *l4. */
static inline size_t t_build_ex(const struct t_spec *s, uint8_t *buf,
				size_t *l3p, size_t *l4p)
{
	size_t off = 12, l3, l4, hl, i;
	uint8_t *ip;

	memset(buf, 0, 2048);
	memcpy(buf, s->dmac ? s->dmac : t_mac_in, 6);
	memcpy(buf + 6, t_mac_nh_in, 6);
	for (i = 0; i < (size_t)s->vlan; i++) {
		t_put16(buf + off, i == 0 && s->vlan == 2 ? 0x88a8 : 0x8100);
		t_put16(buf + off + 2, 100 + i);
		off += 4;
	}
	t_put16(buf + off, s->family == 4 ? 0x0800 : 0x86dd);
	l3 = off + 2;
	ip = buf + l3;
	if (s->family == 4) {
		hl = 20 + s->ip_optlen;
		ip[0] = 0x40 | (hl / 4);
		t_put16(ip + 6, s->frag);
		ip[8] = s->ttl ? s->ttl : 64;
		ip[9] = s->proto;
		inet_pton(AF_INET, s->src, ip + 12);
		inet_pton(AF_INET, s->dst, ip + 16);
		for (i = 20; i < hl; i++)
			ip[i] = 1; /* NOP options */
		l4 = l3 + hl;
	} else {
		__u8 nh = s->n_ext ? s->ext[0] : s->proto;
		int e;

		ip[0] = 0x60;
		ip[6] = nh;
		ip[7] = s->ttl ? s->ttl : 64;
		inet_pton(AF_INET6, s->src, ip + 8);
		inet_pton(AF_INET6, s->dst, ip + 24);
		l4 = l3 + 40;
		for (e = 0; e < s->n_ext; e++) {
			uint8_t *x = buf + l4;

			x[0] = e + 1 < s->n_ext ? s->ext[e + 1] : s->proto;
			if (s->ext[e] == 44) /* fragment */
				t_put16(x + 2, s->frag);
			else
				x[1] = 0; /* 8 bytes */
			l4 += 8;
		}
	}

	switch (s->proto) {
	case 6: {
		uint8_t *t = buf + l4;

		t_put16(t, s->sport);
		t_put16(t + 2, s->dport);
		t[12] = 5 << 4;
		t[13] = s->tcp_flags;
		t_put16(t + 14, 65535);
		l4 += 20;
		break;
	}
	case 17:
		t_put16(buf + l4, s->sport);
		t_put16(buf + l4 + 2, s->dport);
		t_put16(buf + l4 + 4, 8 + s->payload);
		l4 += 8;
		break;
	case 1:
	case 58:
		buf[l4] = s->icmp_type;
		t_put16(buf + l4 + 4, s->sport);
		t_put16(buf + l4 + 6, 1);
		l4 += 8;
		if (s->quote) {
			memcpy(buf + l4, s->quote, s->quote_len);
			l4 += s->quote_len;
		}
		break;
	default:
		l4 += 4; /* a token header of some protocol */
		break;
	}
	off = l4 + s->payload;
	if (s->family == 4) {
		t_put16(ip + 2, off - l3);
		t_put16(ip + 10, t_csum(ip, 20 + s->ip_optlen));
	} else {
		t_put16(ip + 4, off - l3 - 40);
	}
	if (l3p)
		*l3p = l3;
	if (l4p)
		*l4p = l3 +
		       (s->family == 4 ? 20 + s->ip_optlen : 40 + 8 * s->n_ext);
	return off < 60 ? 60 : off; /* Ethernet minimum: padding */
}

static inline size_t t_build(const struct t_spec *s, uint8_t *buf)
{
	return t_build_ex(s, buf, NULL, NULL);
}

struct t_result {
	int verdict;
	size_t len;
	uint8_t out[2048];
};

static inline int t_run_ex(struct t_fixture *f, const uint8_t *pkt, size_t len,
			   unsigned int ifindex, struct t_result *r)
{
	struct xdp_md ctx = { .data_end = (__u32)len,
			      .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt,
		    .data_size_in = (__u32)len, .data_out = r->out,
		    .data_size_out = sizeof(r->out), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1);
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(f->skel->progs.hsb_xdp),
				     &opts);
	assert_int_equal(err, 0);
	r->verdict = (int)opts.retval;
	r->len = opts.data_size_out;
	return r->verdict;
}

static inline int t_run_raw(struct t_fixture *f, const uint8_t *pkt, size_t len,
			    unsigned int ifindex)
{
	struct t_result r;

	return t_run_ex(f, pkt, len, ifindex, &r);
}

/* Build s and run it on ifindex (0: hsbt-in). */
static inline int t_send(struct t_fixture *f, const struct t_spec *s,
			 unsigned int ifindex)
{
	uint8_t buf[2048];
	size_t len = t_build(s, buf);

	return t_run_raw(f, buf, len, ifindex ? ifindex : f->if_in);
}

/* The same flow from the other side. */
static inline struct t_spec t_rev(const struct t_spec *s)
{
	struct t_spec r = *s;

	r.src = s->dst;
	r.dst = s->src;
	r.sport = s->dport;
	r.dport = s->sport;
	return r;
}

/* ---- maps ----------------------------------------------------------- */

static inline uint64_t t_counter(struct t_fixture *f, __u32 id)
{
	uint64_t *v = calloc(f->nr_cpus, sizeof(*v)), sum = 0;
	int i;

	assert_int_equal(bpf_map_lookup_elem(t_map_fd(f->skel->maps.hsb_stats),
					     &id, v),
			 0);
	for (i = 0; i < f->nr_cpus; i++)
		sum += v[i];
	free(v);
	return sum;
}

struct t_counters {
	uint64_t v[HSB_CNT__MAX];
};

static inline void t_snap(struct t_fixture *f, struct t_counters *c)
{
	__u32 i;

	for (i = 0; i < HSB_CNT__MAX; i++)
		c->v[i] = t_counter(f, i);
}

/* Counter id moved by exactly n since snapshot c. */
#define t_delta(f, c, id) (t_counter((f), (id)) - (c)->v[(id)])

static inline void t_addr(int family, const char *s, uint8_t out[16])
{
	memset(out, 0, 16);
	assert_int_equal(inet_pton(family == 4 ? AF_INET : AF_INET6, s, out),
			 1);
}

/* The canonical key of a flow, computed independently of the datapath:
 * endpoint a is the smaller (address bytes, then port). Returns 1 when
 * s's source is endpoint a. */
static inline int t_key(const struct t_spec *s, struct hsb_flow_key *k)
{
	uint8_t sa[16], da[16];
	__u16 sp = s->sport, dp = s->dport;
	int c, src_a;

	if (s->proto == 1 || s->proto == 58)
		dp = sp; /* echo: the identifier on both sides */
	else if (s->proto != 6 && s->proto != 17)
		sp = dp = 0;
	t_addr(s->family, s->src, sa);
	t_addr(s->family, s->dst, da);
	c = memcmp(sa, da, 16);
	src_a = c < 0 || (c == 0 && sp <= dp);
	memset(k, 0, sizeof(*k));
	memcpy(k->addr_a, src_a ? sa : da, 16);
	memcpy(k->addr_b, src_a ? da : sa, 16);
	k->port_a = src_a ? sp : dp;
	k->port_b = src_a ? dp : sp;
	k->proto = s->proto;
	k->family = s->family;
	return src_a;
}

static inline int t_session(struct t_fixture *f, const struct t_spec *s,
			    struct hsb_session *v)
{
	struct hsb_flow_key k;

	t_key(s, &k);
	return bpf_map_lookup_elem(t_map_fd(f->skel->maps.hsb_sessions), &k, v);
}

static inline void t_session_put(struct t_fixture *f, const struct t_spec *s,
				 const struct hsb_session *v)
{
	struct hsb_flow_key k;

	t_key(s, &k);
	assert_int_equal(
		bpf_map_update_elem(t_map_fd(f->skel->maps.hsb_sessions), &k, v,
				    BPF_ANY),
		0);
}

static inline void t_session_del(struct t_fixture *f, const struct t_spec *s)
{
	struct hsb_flow_key k;

	t_key(s, &k);
	bpf_map_delete_elem(t_map_fd(f->skel->maps.hsb_sessions), &k);
}

static inline int t_state(struct t_fixture *f, const struct t_spec *s)
{
	struct hsb_session v;

	if (t_session(f, s, &v))
		return -1;
	return v.state;
}

/* Read every record in the ring into f->events (appended). */
static inline int t_drain(struct t_fixture *f)
{
	int before = f->n_events;

	ring_buffer__consume(f->rb);
	return f->n_events - before;
}

static inline void t_events_reset(struct t_fixture *f)
{
	t_drain(f);
	f->n_events = 0;
}

static inline void t_list_add(struct t_fixture *f, int white, int family,
			      const char *addr, int plen, __u64 expires)
{
	struct hsb_lpm_key k = { 0 };
	struct hsb_list_entry v = { .expires_ns = expires };
	int fd = t_map_fd(white ? f->skel->maps.hsb_whitelist :
				  f->skel->maps.hsb_blacklist);

	if (family == 4) {
		k.addr[10] = 0xff;
		k.addr[11] = 0xff;
		inet_pton(AF_INET, addr, k.addr + 12);
		k.prefixlen = HSB_V4MAPPED_PREFIXLEN + plen;
	} else {
		inet_pton(AF_INET6, addr, k.addr);
		k.prefixlen = plen;
	}
	assert_int_equal(bpf_map_update_elem(fd, &k, &v, BPF_ANY), 0);
}

static inline void t_list_clear(struct t_fixture *f)
{
	int fds[2] = { t_map_fd(f->skel->maps.hsb_whitelist),
		       t_map_fd(f->skel->maps.hsb_blacklist) };
	struct hsb_lpm_key k;
	int i;

	for (i = 0; i < 2; i++)
		while (bpf_map_get_next_key(fds[i], NULL, &k) == 0)
			bpf_map_delete_elem(fds[i], &k);
}

static inline __u64 t_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

#endif /* HSB_TESTS_XDP_HARNESS_H */
