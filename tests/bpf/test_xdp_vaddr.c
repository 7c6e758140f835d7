// SPDX-License-Identifier: GPL-2.0-only
/*
 * hsb_xdp virtual addresses (bpf/lib/vaddr.h): ARP answers and neighbour
 * advertisements for active addresses, silence (drop) on the standby
 * host, the switchover as one hsb_vgroups write flipping a VIP and a NAT
 * address of the same group together, accept mode, virtual MACs, and the
 * frames that must stay with the kernel (gratuitous ARP, DAD, unicast
 * probes without a link-layer option, VLAN-tagged ARP), and the
 * destination MAC check: frames to another host's MAC are dropped and
 * counted (not_for_us), never forwarded or tracked.
 *
 * The NA checksum is verified by recomputing it here over the
 * pseudo-header and the message (t_csum), not with the program's code.
 */
#include <arpa/inet.h>

#include "vaddr_harness.h"

#define VIP4 "10.2.0.100"
#define POOL4 "10.2.0.101" /* a NAT pool address in the same group */
#define VIP6 "fd02::100"
#define ASKER4 "10.2.0.2"
#define ASKER6 "fd02::2"
#define GROUP 3

static const uint8_t asker_mac[6] = { 0x02, 0, 0, 0, 0x02, 0x02 };
static const uint8_t vmac4[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 7 };

static void clear(int fd, size_t ksize)
{
	uint8_t k[64];

	while (bpf_map_get_next_key(fd, NULL, k) == 0)
		assert_int_equal(bpf_map_delete_elem(fd, k), 0);
	(void)ksize;
}

static void reset(struct t_fixture *f)
{
	clear(t_map_fd(f->skel->maps.hsb_vaddrs), sizeof(struct hsb_vaddr_key));
	clear(t_map_fd(f->skel->maps.hsb_vmacs), sizeof(struct hsb_vmac_key));
	memset(f->skel->bss->hsb_vaddr_bloom, 0,
	       sizeof(f->skel->bss->hsb_vaddr_bloom));
	memset(f->skel->bss->hsb_vmac_ifs, 0,
	       sizeof(f->skel->bss->hsb_vmac_ifs));
}

static struct hsb_vaddr get_addr(struct t_fixture *f, unsigned int ifindex,
				 int family, const char *addr)
{
	struct hsb_vaddr_key k = vkey(ifindex, family, addr);
	struct hsb_vaddr v;

	assert_int_equal(bpf_map_lookup_elem(t_map_fd(f->skel->maps.hsb_vaddrs),
					     &k, &v),
			 0);
	return v;
}

static size_t arp_req(uint8_t *b, const char *spa, const char *tpa)
{
	memset(b, 0, 64);
	memset(b, 0xff, 6);
	memcpy(b + 6, asker_mac, 6);
	t_put16(b + 12, 0x0806);
	t_put16(b + 14, 1);
	t_put16(b + 16, 0x0800);
	b[18] = 6;
	b[19] = 4;
	t_put16(b + 20, 1);
	memcpy(b + 22, asker_mac, 6);
	inet_pton(AF_INET, spa, b + 28);
	inet_pton(AF_INET, tpa, b + 38);
	return 60;
}

/* A neighbour solicitation for target from src (NULL: "::", DAD), with
 * the source link-layer address option unless bare. */
static size_t ns_req(uint8_t *b, const char *src, const char *target, int bare)
{
	size_t icmp_len = bare ? 24 : 32;
	uint8_t ph[40 + 32];
	uint8_t *ip = b + 14, *nd = b + 54;

	memset(b, 0, 128);
	b[0] = 0x33; /* solicited-node multicast MAC */
	b[1] = 0x33;
	b[2] = 0xff;
	memcpy(b + 6, asker_mac, 6);
	t_put16(b + 12, 0x86dd);
	ip[0] = 0x60;
	t_put16(ip + 4, (uint16_t)icmp_len);
	ip[6] = 58;
	ip[7] = 255;
	if (src)
		inet_pton(AF_INET6, src, ip + 8);
	inet_pton(AF_INET6, "ff02::1:ff00:100", ip + 24);
	nd[0] = 135;
	inet_pton(AF_INET6, target, nd + 8);
	if (!bare) {
		nd[24] = 1;
		nd[25] = 1;
		memcpy(nd + 26, asker_mac, 6);
	}
	memcpy(ph, ip + 8, 32);
	memset(ph + 32, 0, 8);
	ph[35] = (uint8_t)icmp_len;
	ph[39] = 58;
	memcpy(ph + 40, nd, icmp_len);
	t_put16(nd + 2, t_csum(ph, 40 + icmp_len));
	return 54 + icmp_len;
}

/* ---- ARP ---------------------------------------------------------------- */

static void test_arp_active_standby_and_flip(void **state)
{
	struct t_fixture *f = *state;
	struct t_result r;
	struct t_counters c;
	uint8_t b[64], a[4];
	size_t len;

	reset(f);
	bind_addr(f, f->if_out, 4, VIP4, HSB_VADDR_VIP, GROUP,
		  HSB_VADDR_F_ACCEPT, t_mac_out);
	bind_addr(f, f->if_out, 4, POOL4, HSB_VADDR_NAT_POOL, GROUP,
		  HSB_VADDR_F_ACCEPT, t_mac_out);
	set_group(f, GROUP, 1);
	t_snap(f, &c);

	len = arp_req(b, ASKER4, VIP4);
	assert_int_equal(t_run_ex(f, b, len, f->if_out, &r), XDP_TX);
	assert_memory_equal(r.out, asker_mac, 6); /* to the asker */
	assert_memory_equal(r.out + 6, t_mac_out, 6);
	assert_int_equal(r.out[20] << 8 | r.out[21], 2); /* reply */
	assert_memory_equal(r.out + 22, t_mac_out, 6); /* sha */
	inet_pton(AF_INET, VIP4, a);
	assert_memory_equal(r.out + 28, a, 4); /* spa: the VIP */
	assert_memory_equal(r.out + 32, asker_mac, 6); /* tha */
	inet_pton(AF_INET, ASKER4, a);
	assert_memory_equal(r.out + 38, a, 4); /* tpa */
	len = arp_req(b, ASKER4, POOL4);
	assert_int_equal(t_run_ex(f, b, len, f->if_out, &r), XDP_TX);
	assert_int_equal(t_delta(f, &c, HSB_CNT_VADDR_ARP_REPLY), 2);
	assert_int_equal(get_addr(f, f->if_out, 4, VIP4).replies, 1);

	/* the switchover: one write, both addresses fall silent */
	set_group(f, GROUP, 0);
	len = arp_req(b, ASKER4, VIP4);
	assert_int_equal(t_run_ex(f, b, len, f->if_out, &r), XDP_DROP);
	len = arp_req(b, ASKER4, POOL4);
	assert_int_equal(t_run_ex(f, b, len, f->if_out, &r), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_VADDR_STANDBY), 2);
	assert_int_equal(get_addr(f, f->if_out, 4, POOL4).drops, 1);

	/* and back */
	set_group(f, GROUP, 1);
	len = arp_req(b, ASKER4, POOL4);
	assert_int_equal(t_run_ex(f, b, len, f->if_out, &r), XDP_TX);
	assert_int_equal(t_delta(f, &c, HSB_CNT_VADDR_ARP_REPLY), 3);
}

static void test_arp_left_to_the_kernel(void **state)
{
	struct t_fixture *f = *state;
	struct t_counters c;
	uint8_t b[64];
	size_t len;

	reset(f);
	bind_addr(f, f->if_out, 4, VIP4, HSB_VADDR_VIP, 0, 0, t_mac_out);
	t_snap(f, &c);
	/* another interface than the binding */
	len = arp_req(b, "10.1.0.2", VIP4);
	assert_int_equal(t_run_raw(f, b, len, f->if_in), XDP_PASS);
	/* an interface address, not virtual */
	len = arp_req(b, ASKER4, "10.2.0.1");
	assert_int_equal(t_run_raw(f, b, len, f->if_out), XDP_PASS);
	/* gratuitous ARP (announcement) of the address by the peer */
	len = arp_req(b, VIP4, VIP4);
	assert_int_equal(t_run_raw(f, b, len, f->if_out), XDP_PASS);
	/* a reply, not a request */
	len = arp_req(b, ASKER4, VIP4);
	b[21] = 2;
	assert_int_equal(t_run_raw(f, b, len, f->if_out), XDP_PASS);
	/* a request cut short at every byte: never answered */
	len = arp_req(b, ASKER4, VIP4);
	for (size_t cut = 14; cut < 42; cut++)
		assert_int_equal(t_run_raw(f, b, cut, f->if_out), XDP_PASS);
	/* the filter says "no virtual address": no lookup, no answer */
	memset(f->skel->bss->hsb_vaddr_bloom, 0,
	       sizeof(f->skel->bss->hsb_vaddr_bloom));
	len = arp_req(b, ASKER4, VIP4);
	assert_int_equal(t_run_raw(f, b, len, f->if_out), XDP_PASS);
	assert_int_equal(t_delta(f, &c, HSB_CNT_VADDR_ARP_REPLY), 0);
	assert_int_equal(t_delta(f, &c, HSB_CNT_VADDR_STANDBY), 0);
}

/* ---- neighbour solicitation ------------------------------------------------ */

static void test_ns_answered_with_na(void **state)
{
	struct t_fixture *f = *state;
	struct t_result r;
	struct t_counters c;
	uint8_t b[128], a[16], ph[40 + 32];
	size_t len;

	reset(f);
	bind_addr(f, f->if_out, 6, VIP6, HSB_VADDR_VIP, GROUP, 0, vmac4);
	set_group(f, GROUP, 1);
	t_snap(f, &c);
	len = ns_req(b, ASKER6, VIP6, 0);
	assert_int_equal(t_run_ex(f, b, len, f->if_out, &r), XDP_TX);
	assert_int_equal(r.len, len);
	assert_memory_equal(r.out, asker_mac, 6);
	assert_memory_equal(r.out + 6, vmac4, 6);
	inet_pton(AF_INET6, VIP6, a);
	assert_memory_equal(r.out + 22, a, 16); /* source: the VIP */
	inet_pton(AF_INET6, ASKER6, a);
	assert_memory_equal(r.out + 38, a, 16); /* to the solicitor */
	assert_int_equal(r.out[21], 255); /* hop limit */
	assert_int_equal(r.out[54], 136);
	assert_int_equal(r.out[58], 0xe0); /* Router, Solicited, Override */
	inet_pton(AF_INET6, VIP6, a);
	assert_memory_equal(r.out + 62, a, 16); /* target */
	assert_int_equal(r.out[78], 2); /* target link-layer address */
	assert_int_equal(r.out[79], 1);
	assert_memory_equal(r.out + 80, vmac4, 6);
	/* checksum: pseudo-header + message, summed here from scratch */
	memcpy(ph, r.out + 22, 32);
	memset(ph + 32, 0, 8);
	ph[35] = 32;
	ph[39] = 58;
	memcpy(ph + 40, r.out + 54, 32);
	assert_int_equal(t_csum(ph, sizeof(ph)), 0);
	assert_int_equal(t_delta(f, &c, HSB_CNT_VADDR_NA_REPLY), 1);

	/* DAD probe and a bare (unicast reachability) probe: the kernel */
	len = ns_req(b, NULL, VIP6, 0);
	assert_int_equal(t_run_raw(f, b, len, f->if_out), XDP_PASS);
	len = ns_req(b, ASKER6, VIP6, 1);
	assert_int_equal(t_run_raw(f, b, len, f->if_out), XDP_PASS);
	/* a solicitation cut short at every byte: never answered */
	len = ns_req(b, ASKER6, VIP6, 0);
	for (size_t cut = 14; cut < len; cut++) {
		struct t_result tr;

		t_run_ex(f, b, cut, f->if_out, &tr);
		assert_int_not_equal(tr.verdict, XDP_TX);
	}
	/* hop limit below 255: not a valid solicitation, the kernel drops */
	len = ns_req(b, ASKER6, VIP6, 0);
	b[21] = 64;
	assert_int_equal(t_run_raw(f, b, len, f->if_out), XDP_PASS);
	assert_int_equal(t_delta(f, &c, HSB_CNT_VADDR_NA_REPLY), 1);

	/* standby: every solicitation for it is dropped */
	set_group(f, GROUP, 0);
	len = ns_req(b, ASKER6, VIP6, 0);
	assert_int_equal(t_run_raw(f, b, len, f->if_out), XDP_DROP);
	len = ns_req(b, ASKER6, VIP6, 1);
	assert_int_equal(t_run_raw(f, b, len, f->if_out), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_VADDR_STANDBY), 2);
}

/* ---- traffic to the addresses --------------------------------------------- */

static void test_ip_standby_and_accept(void **state)
{
	struct t_fixture *f = *state;
	struct t_spec s = { .family = 4,
			    .src = ASKER4,
			    .dst = VIP4,
			    .proto = IPPROTO_UDP,
			    .sport = 4000,
			    .dport = 53,
			    .dmac = t_mac_out };
	struct t_spec s6 = { .family = 6,
			     .src = ASKER6,
			     .dst = VIP6,
			     .proto = IPPROTO_UDP,
			     .sport = 4000,
			     .dport = 53,
			     .dmac = t_mac_out };
	struct t_counters c;

	reset(f);
	bind_addr(f, f->if_out, 4, VIP4, HSB_VADDR_VIP, GROUP, 0, t_mac_out);
	bind_addr(f, f->if_out, 6, VIP6, HSB_VADDR_VIP, GROUP,
		  HSB_VADDR_F_ACCEPT, t_mac_out);
	set_group(f, GROUP, 1);
	t_snap(f, &c);
	/* active, no accept mode: dropped (RFC 5798 §6.4.3) */
	assert_int_equal(t_send(f, &s, f->if_out), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_VADDR_NOT_ACCEPTED), 1);
	/* active, accept mode: on to the firewall (the VIP is not an
	 * address of this test namespace: routed back out, permitted) */
	assert_int_not_equal(t_send(f, &s6, f->if_out), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_VADDR_NOT_ACCEPTED), 1);
	/* standby: dropped whatever the mode */
	set_group(f, GROUP, 0);
	s6.sport = 4001;
	assert_int_equal(t_send(f, &s6, f->if_out), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_VADDR_STANDBY), 1);
	assert_int_equal(get_addr(f, f->if_out, 6, VIP6).drops, 1);
	/* on another interface the binding does not apply */
	s6.sport = 4002;
	assert_int_not_equal(t_send(f, &s6, f->if_in), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_VADDR_STANDBY), 1);
	/* packets to a NAT address are the NAT stage's, standby or not:
	 * only the neighbour filter has it, so translated replies never pay
	 * the lookup */
	bind_addr(f, f->if_out, 4, POOL4, HSB_VADDR_NAT_POOL, GROUP,
		  HSB_VADDR_F_ACCEPT, t_mac_out);
	s.dst = POOL4;
	t_send(f, &s, f->if_out);
	assert_int_equal(t_delta(f, &c, HSB_CNT_VADDR_STANDBY), 1);
	assert_int_equal(get_addr(f, f->if_out, 4, POOL4).drops, 0);
}

/* ---- virtual MAC ------------------------------------------------------------- */

static void test_vmac(void **state)
{
	struct t_fixture *f = *state;
	struct hsb_vmac_key k = { .ifindex = f->if_out };
	struct hsb_vmac v = { .group = GROUP };
	struct t_spec s = { .family = 4,
			    .src = "10.50.0.9",
			    .dst = "10.1.0.2",
			    .proto = IPPROTO_UDP,
			    .sport = 4100,
			    .dport = 53,
			    .dmac = vmac4 };
	struct t_counters c;
	struct t_result r;
	uint8_t b[2048], arp[64];
	uint32_t bit = f->if_out & (HSB_VMAC_IF_WORDS * 64 - 1);
	size_t len;

	reset(f);
	memcpy(k.mac, vmac4, 6);
	assert_int_equal(bpf_map_update_elem(t_map_fd(f->skel->maps.hsb_vmacs),
					     &k, &v, BPF_ANY),
			 0);
	f->skel->bss->hsb_vmac_ifs[bit >> 6] |= 1ULL << (bit & 63);
	set_group(f, GROUP, 1);
	t_snap(f, &c);

	/* active: taken, then the firewall (permit any: forwarded) */
	len = t_build(&s, b);
	t_run_ex(f, b, len, f->if_out, &r);
	assert_int_not_equal(r.verdict, XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_VMAC_RX), 1);
	/* a frame to the vmac for the kernel goes as it came (hsb_tc_ingress
	 * marks it as the host's own) */
	bind_addr(f, f->if_out, 4, VIP4, HSB_VADDR_VIP, GROUP, 0, vmac4);
	len = arp_req(arp, ASKER4, "10.2.0.1");
	memcpy(arp, vmac4, 6);
	t_run_ex(f, arp, len, f->if_out, &r);
	assert_int_equal(r.verdict, XDP_PASS);
	assert_memory_equal(r.out, vmac4, 6);
	assert_int_equal(t_delta(f, &c, HSB_CNT_VMAC_RX), 2);
	/* ARP for the VIP is answered with the vmac */
	len = arp_req(arp, ASKER4, VIP4);
	assert_int_equal(t_run_ex(f, arp, len, f->if_out, &r), XDP_TX);
	assert_memory_equal(r.out + 6, vmac4, 6);
	assert_memory_equal(r.out + 22, vmac4, 6);

	/* standby: frames to the vmac are dropped and counted */
	set_group(f, GROUP, 0);
	s.sport = 4101;
	assert_int_equal(t_send(f, &s, f->if_out), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_VMAC_STANDBY), 1);
	assert_int_equal(bpf_map_lookup_elem(t_map_fd(f->skel->maps.hsb_vmacs),
					     &k, &v),
			 0);
	assert_int_equal(v.drops, 1);
	/* frames to the interface's own MAC are not concerned */
	s.dmac = t_mac_out;
	s.sport = 4102;
	assert_int_not_equal(t_send(f, &s, f->if_out), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_VMAC_STANDBY), 1);
}

/* ---- destination MAC ---------------------------------------------------------- */

/* Unicast to the interface's MAC or an active vmac of it is ours; to a
 * standby vmac dropped (vmac_standby); to any other MAC another host's:
 * dropped, not_for_us, no session, whatever the session table holds.
 * Broadcast and multicast are everyone's; an interface whose MAC is not
 * known checks nothing. */
static void test_dest_mac(void **state)
{
	struct t_fixture *f = *state;
	static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x99 };
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct hsb_vmac_key k = { .ifindex = f->if_in };
	struct hsb_vmac v = { .group = GROUP };
	struct t_spec s = { .family = 4,
			    .src = "10.1.0.2",
			    .dst = "10.50.0.9",
			    .proto = IPPROTO_UDP,
			    .sport = 5100,
			    .dport = 53,
			    .dmac = peer_mac };
	struct t_spec r6;
	struct hsb_session sess;
	struct t_counters c;
	uint32_t bit = f->if_in & (HSB_VMAC_IF_WORDS * 64 - 1);
	uint8_t arp[64];
	size_t len;

	reset(f);
	t_set_iface_mac(f, f->if_in, 1, HSB_ZONE_TRUST, 0, t_mac_in);
	t_set_iface_mac(f, f->if_out, 2, HSB_ZONE_UNTRUST, 0, t_mac_out);
	memcpy(k.mac, vmac4, 6);
	assert_int_equal(bpf_map_update_elem(t_map_fd(f->skel->maps.hsb_vmacs),
					     &k, &v, BPF_ANY),
			 0);
	f->skel->bss->hsb_vmac_ifs[bit >> 6] |= 1ULL << (bit & 63);
	set_group(f, GROUP, 1);
	t_snap(f, &c);

	/* another host's MAC (the peer's, flooded by a switch): dropped,
	 * counted, no session, nothing forwarded */
	assert_int_equal(t_send(f, &s, f->if_in), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NOT_FOR_US), 1);
	assert_int_equal(t_delta(f, &c, HSB_CNT_DROP), 1);
	assert_int_equal(t_delta(f, &c, HSB_CNT_SESSION_NEW), 0);
	assert_int_equal(t_delta(f, &c, HSB_CNT_REDIRECT), 0);
	assert_int_not_equal(t_session(f, &s, &sess), 0);
	/* IPv6 and a unicast ARP alike */
	r6 = (struct t_spec){ .family = 6,
			      .src = "fd01::2",
			      .dst = "fd50::9",
			      .proto = IPPROTO_UDP,
			      .sport = 5100,
			      .dport = 53,
			      .dmac = peer_mac };
	assert_int_equal(t_send(f, &r6, f->if_in), XDP_DROP);
	len = arp_req(arp, "10.1.0.2", "10.1.0.1");
	memcpy(arp, peer_mac, 6);
	assert_int_equal(t_run_raw(f, arp, len, f->if_in), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NOT_FOR_US), 3);
	assert_int_equal(t_delta(f, &c, HSB_CNT_ARP), 0);

	/* the interface's own MAC: forwarded as before, session created */
	s.dmac = t_mac_in;
	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	assert_int_equal(t_delta(f, &c, HSB_CNT_SESSION_NEW), 1);
	assert_int_equal(t_session(f, &s, &sess), 0);
	/* the reply, to the out interface's MAC: forwarded by the session */
	{
		struct t_spec rep = t_rev(&s);

		rep.dmac = t_mac_out;
		assert_int_equal(t_send(f, &rep, f->if_out), XDP_REDIRECT);
		assert_int_equal(t_delta(f, &c, HSB_CNT_SESSION_HIT), 1);
		/* the same reply to another MAC: not forwarded, although
		 * the session is there */
		rep.dmac = peer_mac;
		assert_int_equal(t_send(f, &rep, f->if_out), XDP_DROP);
		assert_int_equal(t_delta(f, &c, HSB_CNT_SESSION_HIT), 1);
		assert_int_equal(t_delta(f, &c, HSB_CNT_NOT_FOR_US), 4);
	}

	/* an active vmac of the interface: ours, forwarded */
	s.dmac = vmac4;
	s.sport = 5101;
	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	assert_int_equal(t_delta(f, &c, HSB_CNT_VMAC_RX), 1);
	assert_int_equal(t_delta(f, &c, HSB_CNT_SESSION_NEW), 2);

	/* the same vmac while its group is standby: dropped as
	 * vmac_standby, no session */
	set_group(f, GROUP, 0);
	s.sport = 5102;
	assert_int_equal(t_send(f, &s, f->if_in), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_VMAC_STANDBY), 1);
	assert_int_equal(t_delta(f, &c, HSB_CNT_SESSION_NEW), 2);
	assert_int_not_equal(t_session(f, &s, &sess), 0);
	/* a vmac of the interface's is another interface's frame elsewhere */
	s.sport = 5103;
	assert_int_equal(t_send(f, &s, f->if_out), XDP_DROP);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NOT_FOR_US), 5);

	/* broadcast: everyone's, handled as before (ARP to the kernel) */
	len = arp_req(arp, "10.1.0.2", "10.1.0.1");
	memcpy(arp, bcast, 6);
	assert_int_equal(t_run_raw(f, arp, len, f->if_in), XDP_PASS);
	assert_int_equal(t_delta(f, &c, HSB_CNT_ARP), 1);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NOT_FOR_US), 5);

	/* an interface whose MAC is not known checks nothing */
	t_set_iface(f, f->if_in, 1, HSB_ZONE_TRUST, 0);
	s.dmac = peer_mac;
	s.sport = 5104;
	assert_int_equal(t_send(f, &s, f->if_in), XDP_REDIRECT);
	assert_int_equal(t_delta(f, &c, HSB_CNT_NOT_FOR_US), 5);
	assert_int_equal(t_delta(f, &c, HSB_CNT_SESSION_NEW), 3);

	t_set_iface(f, f->if_out, 2, HSB_ZONE_UNTRUST, 0);
	reset(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arp_active_standby_and_flip),
		cmocka_unit_test(test_arp_left_to_the_kernel),
		cmocka_unit_test(test_ns_answered_with_na),
		cmocka_unit_test(test_ip_standby_and_accept),
		cmocka_unit_test(test_vmac),
		cmocka_unit_test(test_dest_mac),
	};

	return cmocka_run_group_tests_name("xdp_vaddr", tests, t_setup,
					   t_teardown);
}
