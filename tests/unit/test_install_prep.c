// SPDX-License-Identifier: GPL-2.0-only
/*
 * The install path's pure half on two fake clocks (a sender's and a
 * receiver's that differ): entry -> record -> transfer form (ages) ->
 * prepared map entries, for IPv4 and IPv6 sessions in every state of
 * every protocol, with and without NAT, PAT and NO-PAT mappings and
 * server-map entries; the prepared entry equals the original but for the
 * listed fields (install_prep.h, nat_install_prep.h). Then every kind of
 * malformed input, each refused with its own reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "datapath/install_prep.h"
#include "install_expect.h"
#include "hsb/policy.h"
#include "nat/nat_install_prep.h"
#include "records/xfer.h"

#define SEC 1000000000ULL
#define T_SEND (5000 * SEC) /* the sender's clock when it sends */
#define T_RECV (700 * SEC) /* the receiver's when it installs */

/* ---- sessions ------------------------------------------------------- */

static void addr(int family, const char *s, uint8_t out[16])
{
	memset(out, 0, 16);
	assert_int_equal(inet_pton(family == 4 ? AF_INET : AF_INET6, s, out),
			 1);
}

/* A session as XDP leaves it: canonical key, counters, both next hops
 * cached, a lost record (dirty), checksum adjustments of its NAT. */
static struct hsb_session_event entry(int family, uint8_t proto, uint8_t state)
{
	struct hsb_session_event ev;
	struct hsb_session *s = &ev.sess;
	int icmp = proto == 1 || proto == 58;

	memset(&ev, 0, sizeof(ev));
	ev.hdr.type = HSB_EV_SESSION_UPDATE;
	ev.hdr.len = sizeof(ev);
	ev.hdr.ts_ns = T_SEND - 2 * SEC;
	addr(family, family == 4 ? "10.1.0.2" : "fd01::2", ev.key.addr_a);
	addr(family, family == 4 ? "10.50.0.5" : "fd50::5", ev.key.addr_b);
	ev.key.port_a = icmp ? 77 : 40000;
	ev.key.port_b = icmp ? 77 : 443;
	ev.key.proto = proto;
	ev.key.family = family;
	s->flags = HSB_SESS_F_DIRTY;
	if (proto == 6 && state >= HSB_CT_FIN_WAIT)
		s->flags |= HSB_SESS_F_FIN_ORIG;
	if (proto == 6 && state == HSB_CT_TIME_WAIT)
		s->flags |= HSB_SESS_F_FIN_REPLY;
	s->state = state;
	s->zone_in = HSB_ZONE_TRUST;
	s->zone_out = HSB_ZONE_UNTRUST;
	s->created_ns = T_SEND - 600 * SEC;
	s->last_seen_ns = T_SEND - 3 * SEC;
	s->last_sync_ns = T_SEND - 30 * SEC;
	s->packets[0] = 10;
	s->packets[1] = 9;
	s->bytes[0] = 1500;
	s->bytes[1] = 90000;
	s->nh[0].gen = 0x1234;
	s->nh[0].ifindex = 7;
	s->nh[0].dmac[0] = 2;
	s->nh[1].gen = 0x1234;
	s->nh[1].ifindex = 8;
	s->rule = 3;
	s->ifindex_in = 7;
	return ev;
}

static void with_nat(struct hsb_session_event *ev, uint8_t kind, uint16_t port)
{
	struct hsb_session *s = &ev->sess;

	s->flags |= HSB_SESS_F_NAT;
	s->nat.kind = kind;
	s->nat.xflags = HSB_NAT_XF_CSUM;
	s->nat.csum_ip = 0xbeef; /* not what the translation gives */
	s->nat.csum_l4 = 0xcafe;
	addr(4, "203.0.113.16", s->nat.addr);
	s->nat.port = port;
	s->nat.ref = 1;
}

/* ---- independent checksum arithmetic (RFC 1071 over bytes) ---------- */

static uint32_t sum16(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Replacing n bytes old by new, as a checksum adjustment in network
 * order. */
static uint16_t delta(const uint8_t *old, const uint8_t *new, size_t n)
{
	return fold(sum16(new, n) + (0xffff - fold(sum16(old, n))));
}

static int ones_eq(uint16_t a, uint16_t b)
{
	return a == b || ((a == 0 || a == 0xffff) && (b == 0 || b == 0xffff));
}

/* The adjustments of session p's translation, recomputed from its bytes:
 * the key's translated endpoint (the responder for DNAT, else the
 * initiator) -> the translated address and port. */
static void expect_csum(const struct hsb_install_sess *p)
{
	const struct hsb_session_nat *n = &p->val.nat;
	int init_b = !!(p->val.flags & HSB_SESS_F_INIT_B);
	int side_b = n->kind == HSB_NAT_KIND_DNAT ? !init_b : init_b;
	uint16_t port = side_b ? p->key.port_b : p->key.port_a;
	uint8_t o[6], w[6];

	assert_int_equal(n->xflags, HSB_NAT_XF_CSUM);
	memcpy(o, side_b ? p->key.addr_b : p->key.addr_a, 4);
	o[4] = port >> 8;
	o[5] = port & 0xff;
	memcpy(w, n->addr, 4);
	w[4] = n->port >> 8;
	w[5] = n->port & 0xff;
	assert_true(ones_eq(ntohs(n->csum_ip), delta(o, w, 4)));
	if (p->key.proto == 1)
		assert_true(ones_eq(ntohs(n->csum_l4), delta(o + 4, w + 4, 2)));
	else
		assert_true(ones_eq(ntohs(n->csum_l4), delta(o, w, 6)));
}

static void round_trip(const struct hsb_session_event *ev)
{
	struct hsb_xfer_session x;
	struct hsb_install_sess p;
	struct hsb_session want =
		install_expected(&ev->sess, T_RECV - T_SEND, T_RECV);

	hsb_xfer_session_of(ev, T_SEND, &x);
	assert_int_equal(x.age_ns, 600 * SEC);
	assert_int_equal(x.idle_ns, 3 * SEC);
	assert_int_equal(hsb_install_prep_session(&x, T_RECV, &p), HSB_INSF_OK);
	assert_memory_equal(&p.key, &ev->key, sizeof(p.key));
	if (p.val.nat.kind) {
		/* recomputed, not the sender's (with_nat() gave it
		 * nonsense) */
		expect_csum(&p);
		assert_int_not_equal(p.val.nat.csum_ip, ev->sess.nat.csum_ip);
		want.nat.csum_ip = p.val.nat.csum_ip;
		want.nat.csum_l4 = p.val.nat.csum_l4;
	} else {
		assert_int_equal(p.val.nat.xflags, 0);
	}
	assert_memory_equal(&p.val, &want, sizeof(want));
	assert_int_equal(p.val.nh[0].gen, 0);
	assert_int_equal(p.val.flags & HSB_SESS_F_DIRTY, 0);
}

static void test_sessions_every_state(void **state)
{
	static const struct {
		uint8_t proto;
		uint8_t first, last;
	} protos[] = {
		{ 6, HSB_CT_SYN_SENT, HSB_CT_CLOSE },
		{ 17, HSB_CT_UDP_NEW, HSB_CT_UDP_ESTABLISHED },
		{ 1, HSB_CT_ICMP_NEW, HSB_CT_ICMP_REPLIED },
		{ 58, HSB_CT_ICMP_NEW, HSB_CT_ICMP_REPLIED },
		{ 47, HSB_CT_UDP_NEW, HSB_CT_UDP_ESTABLISHED }, /* GRE */
	};
	int family, n = 0;
	size_t i;
	uint8_t st;

	(void)state;
	for (family = 4; family <= 6; family += 2) {
		for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
			for (st = protos[i].first; st <= protos[i].last; st++) {
				struct hsb_session_event ev =
					entry(family, protos[i].proto, st);

				if (protos[i].proto == 47)
					ev.key.port_a = ev.key.port_b = 0;
				round_trip(&ev);
				/* initiated by endpoint b */
				ev.sess.flags |= HSB_SESS_F_INIT_B;
				round_trip(&ev);
				n++;
			}
		}
	}
	assert_int_equal(n, 2 * (7 + 2 + 2 + 2 + 2));
}

static void test_sessions_nat(void **state)
{
	struct hsb_session_event ev;

	(void)state;
	ev = entry(4, 6, HSB_CT_ESTABLISHED);
	with_nat(&ev, HSB_NAT_KIND_PAT, 1025);
	round_trip(&ev);
	ev = entry(4, 1, HSB_CT_ICMP_REPLIED);
	with_nat(&ev, HSB_NAT_KIND_PAT, 1030);
	round_trip(&ev);
	ev = entry(4, 17, HSB_CT_UDP_ESTABLISHED);
	with_nat(&ev, HSB_NAT_KIND_NOPAT, 40000); /* the initiator's port */
	round_trip(&ev);
	ev = entry(4, 6, HSB_CT_SYN_SENT);
	with_nat(&ev, HSB_NAT_KIND_DNAT, 8080);
	ev.sess.nat.ref = 4000; /* a server id, not a group */
	round_trip(&ev);
	ev = entry(4, 6, HSB_CT_ESTABLISHED);
	with_nat(&ev, HSB_NAT_KIND_SRV_SNAT, 443);
	round_trip(&ev);
}

/* A receiver whose clock is younger than the session: times start at
 * its origin; a record stamped after the sender's "now" has age 0. */
static void test_session_clock_edges(void **state)
{
	struct hsb_session_event ev = entry(6, 6, HSB_CT_ESTABLISHED);
	struct hsb_xfer_session x;
	struct hsb_install_sess p;

	(void)state;
	hsb_xfer_session_of(&ev, T_SEND, &x);
	assert_int_equal(hsb_install_prep_session(&x, 100 * SEC, &p),
			 HSB_INSF_OK);
	assert_int_equal(p.val.created_ns, 0);
	assert_int_equal(p.val.last_seen_ns, 100 * SEC - 3 * SEC);
	ev.sess.last_seen_ns = T_SEND + SEC;
	hsb_xfer_session_of(&ev, T_SEND, &x);
	assert_int_equal(x.idle_ns, 0);
}

/* Each malformed transfer form, refused with its reason. */
typedef void (*sess_mut)(struct hsb_xfer_session *x);

static void m_family(struct hsb_xfer_session *x)
{
	x->key.family = 5;
}
static void m_pad(struct hsb_xfer_session *x)
{
	x->key.pad = 1;
}
static void m_v4_tail(struct hsb_xfer_session *x)
{
	x->key.addr_b[9] = 1;
}
static void m_zero_addr(struct hsb_xfer_session *x)
{
	memset(x->key.addr_a, 0, 16);
}
static void m_order(struct hsb_xfer_session *x)
{
	uint8_t t[16];

	memcpy(t, x->key.addr_a, 16);
	memcpy(x->key.addr_a, x->key.addr_b, 16);
	memcpy(x->key.addr_b, t, 16);
}
static void m_port_order(struct hsb_xfer_session *x)
{
	memcpy(x->key.addr_b, x->key.addr_a, 16);
	x->key.port_a = 9000;
	x->key.port_b = 80;
}
static void m_icmp_ports(struct hsb_xfer_session *x)
{
	x->key.proto = 1;
	x->state = HSB_CT_ICMP_NEW;
	x->key.port_b = x->key.port_a + 1;
}
static void m_other_ports(struct hsb_xfer_session *x)
{
	x->key.proto = 47;
	x->state = HSB_CT_UDP_NEW;
}
static void m_state_none(struct hsb_xfer_session *x)
{
	x->state = HSB_CT_NONE;
}
static void m_state_udp_on_tcp(struct hsb_xfer_session *x)
{
	x->state = HSB_CT_UDP_ESTABLISHED;
}
static void m_state_unknown(struct hsb_xfer_session *x)
{
	x->state = HSB_CT__MAX;
}
static void m_flags_unknown(struct hsb_xfer_session *x)
{
	x->flags |= 1U << 20;
}
static void m_fin_on_udp(struct hsb_xfer_session *x)
{
	x->key.proto = 17;
	x->state = HSB_CT_UDP_NEW;
	x->flags |= HSB_SESS_F_FIN_ORIG;
}
static void m_zone(struct hsb_xfer_session *x)
{
	x->zone_out = HSB_MAX_ZONES;
}
static void m_times(struct hsb_xfer_session *x)
{
	x->idle_ns = x->age_ns + 1;
}
static void m_nat_flag_only(struct hsb_xfer_session *x)
{
	x->flags |= HSB_SESS_F_NAT;
}
static void m_nat_kind_only(struct hsb_xfer_session *x)
{
	x->nat_kind = HSB_NAT_KIND_PAT;
}
static void m_nat_leftover(struct hsb_xfer_session *x)
{
	x->nat_port = 5;
}
static void nat_pat(struct hsb_xfer_session *x)
{
	x->flags |= HSB_SESS_F_NAT;
	x->nat_kind = HSB_NAT_KIND_PAT;
	x->nat_addr[0] = 203;
	x->nat_port = 1025;
}
static void m_nat_v6(struct hsb_xfer_session *x)
{
	nat_pat(x);
	x->key.family = HSB_FAMILY_IPV6;
}
static void m_nat_kind(struct hsb_xfer_session *x)
{
	nat_pat(x);
	x->nat_kind = HSB_NAT_KIND_SRV_SNAT + 1;
}
static void m_nat_addr0(struct hsb_xfer_session *x)
{
	nat_pat(x);
	x->nat_addr[0] = 0;
}
static void m_nat_addr_tail(struct hsb_xfer_session *x)
{
	nat_pat(x);
	x->nat_addr[5] = 1;
}
static void m_nat_pat_proto(struct hsb_xfer_session *x)
{
	nat_pat(x);
	x->key.proto = 47;
	x->key.port_a = x->key.port_b = 0;
	x->state = HSB_CT_UDP_NEW;
}
static void m_nat_nopat_port(struct hsb_xfer_session *x)
{
	nat_pat(x);
	x->nat_kind = HSB_NAT_KIND_NOPAT; /* port 1025: not the initiator's */
}
static void m_nat_group(struct hsb_xfer_session *x)
{
	nat_pat(x);
	x->nat_ref = HSB_NAT_MAX_GROUPS;
}

static void test_session_refusals(void **state)
{
	static const struct {
		sess_mut fn;
		enum hsb_install_fault want;
	} cases[] = {
		{ m_family, HSB_INSF_FAMILY },
		{ m_pad, HSB_INSF_KEY },
		{ m_v4_tail, HSB_INSF_KEY },
		{ m_zero_addr, HSB_INSF_KEY },
		{ m_order, HSB_INSF_ORDER },
		{ m_port_order, HSB_INSF_ORDER },
		{ m_icmp_ports, HSB_INSF_PROTO },
		{ m_other_ports, HSB_INSF_PROTO },
		{ m_state_none, HSB_INSF_STATE },
		{ m_state_udp_on_tcp, HSB_INSF_STATE },
		{ m_state_unknown, HSB_INSF_STATE },
		{ m_flags_unknown, HSB_INSF_FLAGS },
		{ m_fin_on_udp, HSB_INSF_FLAGS },
		{ m_zone, HSB_INSF_ZONE },
		{ m_times, HSB_INSF_TIMES },
		{ m_nat_flag_only, HSB_INSF_NAT },
		{ m_nat_kind_only, HSB_INSF_NAT },
		{ m_nat_leftover, HSB_INSF_NAT },
		{ m_nat_v6, HSB_INSF_NAT },
		{ m_nat_kind, HSB_INSF_NAT },
		{ m_nat_addr0, HSB_INSF_NAT },
		{ m_nat_addr_tail, HSB_INSF_NAT },
		{ m_nat_pat_proto, HSB_INSF_NAT },
		{ m_nat_nopat_port, HSB_INSF_NAT },
		{ m_nat_group, HSB_INSF_NAT },
	};
	struct hsb_session_event ev = entry(4, 6, HSB_CT_ESTABLISHED);
	struct hsb_xfer_session good, x;
	struct hsb_install_sess p;
	size_t i;

	(void)state;
	hsb_xfer_session_of(&ev, T_SEND, &good);
	x = good;
	nat_pat(&x);
	assert_int_equal(hsb_install_prep_session(&x, T_RECV, &p), HSB_INSF_OK);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		x = good;
		cases[i].fn(&x);
		memset(&p, 0x5a, sizeof(p));
		assert_int_equal(hsb_install_prep_session(&x, T_RECV, &p),
				 cases[i].want);
		assert_string_not_equal(hsb_install_fault_name(cases[i].want),
					"unknown");
	}
	assert_string_equal(hsb_install_fault_name(HSB_INSF__MAX), "unknown");
}

/* ---- NAT entries ---------------------------------------------------- */

static __be32 a4(const char *s)
{
	__be32 a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static struct hsb_nat_event nat_entry(uint8_t table)
{
	struct hsb_nat_event ev;
	struct hsb_nat_entry *v = &ev.nat.val;

	memset(&ev, 0, sizeof(ev));
	ev.hdr.type = HSB_EV_NAT_CREATE;
	ev.hdr.len = sizeof(ev);
	ev.hdr.ts_ns = T_SEND - SEC;
	ev.nat.table = table;
	ev.nat.key.dir = HSB_NAT_DIR_PUB;
	v->created_ns = T_SEND - 90 * SEC;
	v->last_ref_ns = T_SEND - 10 * SEC;
	switch (table) {
	case HSB_NAT_TABLE_PAT:
		ev.nat.key.addr = a4("203.0.113.16");
		ev.nat.key.port = 1025;
		ev.nat.key.proto = 6;
		v->addr = a4("10.1.0.2");
		v->port = 40000;
		v->refcnt = 3;
		v->group = 2;
		v->flags = HSB_NAT_F_DIRTY;
		break;
	case HSB_NAT_TABLE_NOPAT:
		ev.nat.key.addr = a4("198.51.100.10");
		v->addr = a4("10.1.0.2");
		v->refcnt = 1;
		v->group = 1;
		break;
	default:
		ev.nat.key.addr = a4("203.0.113.100");
		ev.nat.key.port = 80;
		ev.nat.key.proto = 6;
		v->addr = a4("10.1.0.80");
		v->port = 8080;
		v->flags = HSB_NAT_F_DYNAMIC;
		v->group = 7;
		v->zone = HSB_ZONE_UNTRUST;
		v->expires_ns = T_SEND + 45 * SEC;
		break;
	}
	return ev;
}

static void nat_round_trip(const struct hsb_nat_event *ev)
{
	const struct hsb_nat_entry *o = &ev->nat.val;
	struct hsb_nat_entry want = *o, in_want;
	struct hsb_xfer_nat x;
	struct hsb_install_nat p;

	hsb_xfer_nat_of(ev, T_SEND, &x);
	assert_int_equal(hsb_install_prep_nat(&x, T_RECV, &p), HSB_INSF_OK);
	assert_int_equal(p.table, ev->nat.table);
	assert_memory_equal(&p.pub, &ev->nat.key, sizeof(p.pub));
	want.flags = (o->flags & ~HSB_NAT_F_DIRTY) | HSB_NAT_F_FROM_PEER;
	want.refcnt = 0;
	want.created_ns = o->created_ns - T_SEND + T_RECV;
	want.last_ref_ns = o->last_ref_ns - T_SEND + T_RECV;
	if (o->expires_ns)
		want.expires_ns = o->expires_ns - T_SEND + T_RECV;
	assert_memory_equal(&p.pub_val, &want, sizeof(want));
	/* the IN key: the same entry from the inside */
	assert_int_equal(p.in.addr, o->addr);
	assert_int_equal(p.in.port, o->port);
	assert_int_equal(p.in.proto, ev->nat.key.proto);
	assert_int_equal(p.in.dir, HSB_NAT_DIR_IN);
	in_want = want;
	in_want.addr = ev->nat.key.addr;
	in_want.port = ev->nat.key.port;
	if (ev->nat.table != HSB_NAT_TABLE_SRV)
		in_want.flags = 0;
	assert_memory_equal(&p.in_val, &in_want, sizeof(in_want));
}

static void test_nat_round_trips(void **state)
{
	struct hsb_nat_event ev;

	(void)state;
	nat_round_trip((ev = nat_entry(HSB_NAT_TABLE_PAT), &ev));
	ev.nat.key.proto = 1; /* an echo id mapping */
	nat_round_trip(&ev);
	nat_round_trip((ev = nat_entry(HSB_NAT_TABLE_NOPAT), &ev));
	nat_round_trip((ev = nat_entry(HSB_NAT_TABLE_SRV), &ev));
	ev.nat.val.expires_ns = 0; /* a pinhole without a deadline */
	nat_round_trip(&ev);
	ev.nat.val.flags = HSB_NAT_F_STATIC;
	ev.nat.key.proto = 0; /* protocol any, no ports */
	ev.nat.key.port = 0;
	ev.nat.val.port = 0;
	ev.nat.val.zone = HSB_ZONE_ANY;
	nat_round_trip(&ev);
}

typedef void (*nat_mut)(struct hsb_xfer_nat *x);

static void n_table0(struct hsb_xfer_nat *x)
{
	x->table = 0;
}
static void n_table4(struct hsb_xfer_nat *x)
{
	x->table = HSB_NAT_TABLE_SRV + 1;
}
static void n_dir(struct hsb_xfer_nat *x)
{
	x->key.dir = HSB_NAT_DIR_IN;
}
static void n_addr0(struct hsb_xfer_nat *x)
{
	x->key.addr = 0;
}
static void n_inside0(struct hsb_xfer_nat *x)
{
	x->addr = 0;
}
static void n_flags(struct hsb_xfer_nat *x)
{
	x->flags |= 1U << 9;
}
static void n_times(struct hsb_xfer_nat *x)
{
	x->ref_idle_ns = x->age_ns + 1;
}
static void n_pat_proto(struct hsb_xfer_nat *x)
{
	x->key.proto = 47;
}
static void n_pat_group(struct hsb_xfer_nat *x)
{
	x->group = HSB_NAT_MAX_GROUPS;
}
static void n_pat_zone(struct hsb_xfer_nat *x)
{
	x->zone = 3;
}
static void n_pat_static(struct hsb_xfer_nat *x)
{
	x->flags |= HSB_NAT_F_STATIC;
}
static void n_pat_deadline(struct hsb_xfer_nat *x)
{
	x->has_deadline = 1;
	x->expires_in_ns = SEC;
}
static void n_nopat_port(struct hsb_xfer_nat *x)
{
	x->table = HSB_NAT_TABLE_NOPAT; /* with the PAT key's port */
}
static void srv(struct hsb_xfer_nat *x)
{
	x->table = HSB_NAT_TABLE_SRV;
	x->flags = HSB_NAT_F_DYNAMIC;
	x->group = 9;
}
static void n_srv_kind0(struct hsb_xfer_nat *x)
{
	srv(x);
	x->flags = 0;
}
static void n_srv_kind2(struct hsb_xfer_nat *x)
{
	srv(x);
	x->flags = HSB_NAT_F_STATIC | HSB_NAT_F_DYNAMIC;
}
static void n_srv_zone(struct hsb_xfer_nat *x)
{
	srv(x);
	x->zone = HSB_MAX_ZONES;
}
static void n_srv_port_any(struct hsb_xfer_nat *x)
{
	srv(x);
	x->key.proto = 0;
}
static void n_srv_static_deadline(struct hsb_xfer_nat *x)
{
	srv(x);
	x->flags = HSB_NAT_F_STATIC;
	x->has_deadline = 1;
	x->expires_in_ns = SEC;
}
static void n_srv_expired(struct hsb_xfer_nat *x)
{
	srv(x);
	x->has_deadline = 1;
	x->expires_in_ns = 0;
}

static void test_nat_refusals(void **state)
{
	static const struct {
		nat_mut fn;
		enum hsb_install_fault want;
	} cases[] = {
		{ n_table0, HSB_INSF_TABLE },
		{ n_table4, HSB_INSF_TABLE },
		{ n_dir, HSB_INSF_NAT_KEY },
		{ n_addr0, HSB_INSF_NAT_KEY },
		{ n_inside0, HSB_INSF_NAT_KEY },
		{ n_flags, HSB_INSF_NAT_FLAGS },
		{ n_times, HSB_INSF_TIMES },
		{ n_pat_proto, HSB_INSF_NAT_KEY },
		{ n_pat_group, HSB_INSF_NAT_KEY },
		{ n_pat_zone, HSB_INSF_NAT_KEY },
		{ n_pat_static, HSB_INSF_NAT_FLAGS },
		{ n_pat_deadline, HSB_INSF_NAT_FLAGS },
		{ n_nopat_port, HSB_INSF_NAT_KEY },
		{ n_srv_kind0, HSB_INSF_NAT_FLAGS },
		{ n_srv_kind2, HSB_INSF_NAT_FLAGS },
		{ n_srv_zone, HSB_INSF_NAT_KEY },
		{ n_srv_port_any, HSB_INSF_NAT_KEY },
		{ n_srv_static_deadline, HSB_INSF_NAT_FLAGS },
		{ n_srv_expired, HSB_INSF_EXPIRED },
	};
	struct hsb_nat_event ev = nat_entry(HSB_NAT_TABLE_PAT);
	struct hsb_xfer_nat good, x;
	struct hsb_install_nat p;
	size_t i;

	(void)state;
	hsb_xfer_nat_of(&ev, T_SEND, &good);
	x = good;
	srv(&x);
	assert_int_equal(hsb_install_prep_nat(&x, T_RECV, &p), HSB_INSF_OK);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		x = good;
		cases[i].fn(&x);
		assert_int_equal(hsb_install_prep_nat(&x, T_RECV, &p),
				 cases[i].want);
	}
	/* the sender's view of a deadline passed */
	ev = nat_entry(HSB_NAT_TABLE_SRV);
	hsb_xfer_nat_of(&ev, ev.nat.val.expires_ns + 1, &x);
	assert_true(x.has_deadline);
	assert_int_equal(x.expires_in_ns, 0);
	assert_int_equal(hsb_install_prep_nat(&x, T_RECV, &p),
			 HSB_INSF_EXPIRED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sessions_every_state),
		cmocka_unit_test(test_sessions_nat),
		cmocka_unit_test(test_session_clock_edges),
		cmocka_unit_test(test_session_refusals),
		cmocka_unit_test(test_nat_round_trips),
		cmocka_unit_test(test_nat_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
