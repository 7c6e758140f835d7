/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The private namespace and the TCP frames the BPF_PROG_TEST_RUN
 * benchmarks (prog_bench, nat_bench) share: a client veth bc0/bc1
 * (10.0.1.0/24) and a server veth bs0/bs1 (10.0.2.0/24), forwarding on,
 * permanent neighbours for the client(s) and the server.
 */
#ifndef HSB_BENCH_NET_H
#define HSB_BENCH_NET_H

#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_pkt.h"

#define PKT_MAX 128

static const uint8_t MAC_BC0[6] = { 2, 0, 0, 0, 1, 1 }; /* fw, client side */
static const uint8_t MAC_BC1[6] = { 2, 0, 0, 0, 1, 2 }; /* client */
static const uint8_t MAC_BS0[6] = { 2, 0, 0, 0, 2, 1 }; /* fw, server side */
static const uint8_t MAC_BS1[6] = { 2, 0, 0, 0, 2, 2 }; /* server */

struct pkt {
	uint8_t b[PKT_MAX];
	uint32_t len;
	uint32_t ifindex;
};

static inline int bench_sh(const char *who, const char *cmd)
{
	int rc = system(cmd);

	if (rc != 0)
		fprintf(stderr, "%s: '%s' failed (%d)\n", who, cmd, rc);
	return rc;
}

/* Enter a new network namespace and build the topology; *ifx_c and
 * *ifx_s get bc0's and bs0's ifindex. Returns 0 or -1 (said on stderr). */
static inline int bench_netns(const char *who, int *ifx_c, int *ifx_s)
{
	static const char *const cmds[] = {
		"ip link set lo up",
		"ip link add bc0 address 02:00:00:00:01:01 type veth peer name bc1 address 02:00:00:00:01:02",
		"ip link add bs0 address 02:00:00:00:02:01 type veth peer name bs1 address 02:00:00:00:02:02",
		"ip link set bc0 up",
		"ip link set bc1 up",
		"ip link set bs0 up",
		"ip link set bs1 up",
		"ip addr add 10.0.1.1/24 dev bc0",
		"ip addr add 10.0.2.1/24 dev bs0",
		"ip neigh replace 10.0.1.2 lladdr 02:00:00:00:01:02 dev bc0 nud permanent",
		"ip neigh replace 10.0.1.3 lladdr 02:00:00:00:01:02 dev bc0 nud permanent",
		"ip neigh replace 10.0.2.2 lladdr 02:00:00:00:02:02 dev bs0 nud permanent",
	};
	FILE *f;
	size_t i;

	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr, "%s: unshare(CLONE_NEWNET): %m\n", who);
		return -1;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (bench_sh(who, cmds[i]))
			return -1;
	f = fopen("/proc/sys/net/ipv4/ip_forward", "w");
	if (!f || fputs("1\n", f) < 0 || fclose(f)) {
		fprintf(stderr, "%s: ip_forward: %m\n", who);
		return -1;
	}
	*ifx_c = (int)if_nametoindex("bc0");
	*ifx_s = (int)if_nametoindex("bs0");
	return *ifx_c && *ifx_s ? 0 : -1;
}

/* An IPv4/TCP frame (54 bytes) from saddr:sport to daddr:dport entering
 * on ifindex (from the client side or the server side), with valid IP
 * and TCP checksums. */
static inline void bench_build_tcp(struct pkt *p, int ifindex, int from_client,
				   uint32_t saddr, uint16_t sport,
				   uint32_t daddr, uint16_t dport,
				   uint8_t flags, uint32_t seq, uint32_t ack,
				   uint8_t ttl)
{
	uint8_t *e = p->b, *ip = e + 14, *t = ip + 20, ph[12];

	memset(p, 0, sizeof(*p));
	memcpy(e, from_client ? MAC_BC0 : MAC_BS0, 6);
	memcpy(e + 6, from_client ? MAC_BC1 : MAC_BS1, 6);
	put16(e + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, 40);
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = ttl;
	ip[9] = IPPROTO_TCP;
	put32(ip + 12, saddr);
	put32(ip + 16, daddr);
	put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	put16(t, sport);
	put16(t + 2, dport);
	put32(t + 4, seq);
	put32(t + 8, ack);
	t[12] = 5 << 4;
	t[13] = flags;
	put16(t + 14, 65535);
	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = IPPROTO_TCP;
	put16(ph + 10, 20);
	put16(t + 16, csum_fold(csum_add(csum_add(0, ph, 12), t, 20)));
	p->len = 54;
	p->ifindex = (uint32_t)ifindex;
}

#endif /* HSB_BENCH_NET_H */
