// SPDX-License-Identifier: GPL-2.0-only
/*
 * The link-event source without its socket: datagrams of real rtnetlink
 * messages (built with libmnl as the kernel lays them out) parsed into
 * the batch summary, per-subscriber kind filters, subscriptions changed
 * during a dispatch, the overrun -> resync-all rule, and the bound on
 * interfaces per batch.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netconf.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include "netlink/link_events.h"

#ifndef IFF_LOWER_UP /* linux/if.h has it; it clashes with net/if.h */
#define IFF_LOWER_UP 0x10000
#endif

/* ---- datagrams ------------------------------------------------------ */

struct dgram {
	size_t len;
	char buf[16384] __attribute__((aligned(4)));
};

static struct nlmsghdr *msg(struct dgram *d, uint16_t type)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(d->buf + d->len);

	nlh->nlmsg_type = type;
	return nlh;
}

static void end(struct dgram *d, const struct nlmsghdr *nlh)
{
	d->len += MNL_ALIGN(nlh->nlmsg_len);
	assert_true(d->len <= sizeof(d->buf));
}

static void put_link(struct dgram *d, uint16_t type, int ifindex,
		     unsigned int flags, const char *name)
{
	struct nlmsghdr *nlh = msg(d, type);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = flags;
	ifi->ifi_change = 0xffffffff;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
	end(d, nlh);
}

static void put_addr(struct dgram *d, uint16_t type, int ifindex)
{
	struct nlmsghdr *nlh = msg(d, type);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	uint32_t a = htonl(0x0a000001);

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 24;
	ifa->ifa_index = (uint32_t)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, sizeof(a), &a);
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(a), &a);
	end(d, nlh);
}

static struct nlmsghdr *route_head(struct dgram *d, uint16_t type)
{
	struct nlmsghdr *nlh = msg(d, type);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	uint32_t dst = htonl(0x0a320000);

	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 16;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_MAIN);
	mnl_attr_put(nlh, RTA_DST, sizeof(dst), &dst);
	return nlh;
}

static void put_route(struct dgram *d, uint16_t type, int oif)
{
	struct nlmsghdr *nlh = route_head(d, type);

	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)oif);
	end(d, nlh);
}

/* RTA_MULTIPATH: rtnexthops back to back, each possibly with attributes */
static void put_multipath(struct dgram *d, const int *oifs, unsigned int n)
{
	struct nlmsghdr *nlh = route_head(d, RTM_NEWROUTE);
	struct nlattr *mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);
	unsigned int i;
	char *tail;

	for (i = 0; i < n; i++) {
		struct rtnexthop *nh = mnl_nlmsg_get_payload_tail(nlh);
		uint32_t gw = htonl(0x0a020002 + i);

		memset(nh, 0, sizeof(*nh));
		nh->rtnh_ifindex = oifs[i];
		nlh->nlmsg_len += MNL_ALIGN(sizeof(*nh));
		mnl_attr_put(nlh, RTA_GATEWAY, sizeof(gw), &gw);
		tail = mnl_nlmsg_get_payload_tail(nlh);
		nh->rtnh_len = (unsigned short)(tail - (char *)nh);
	}
	mnl_attr_nest_end(nlh, mp);
	end(d, nlh);
}

static void put_neigh(struct dgram *d, int ifindex)
{
	struct nlmsghdr *nlh = msg(d, RTM_NEWNEIGH);
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));

	ndm->ndm_family = AF_INET;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = NUD_REACHABLE;
	end(d, nlh);
}

static void put_rule(struct dgram *d)
{
	struct nlmsghdr *nlh = msg(d, RTM_NEWRULE);
	struct fib_rule_hdr *frh =
		mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));

	frh->family = AF_INET;
	frh->action = FR_ACT_TO_TBL;
	mnl_attr_put_strz(nlh, FRA_IIFNAME, "lan0");
	mnl_attr_put_u32(nlh, FRA_PRIORITY, 100);
	end(d, nlh);
}

/* netconf and next-hop objects: a fixed header that starts with its
 * family, then two u32 attributes */
static void put_u32s(struct dgram *d, uint16_t type, size_t hdrlen, uint16_t t1,
		     uint32_t v1, uint16_t t2, uint32_t v2)
{
	struct nlmsghdr *nlh = msg(d, type);
	uint8_t *family = mnl_nlmsg_put_extra_header(nlh, hdrlen);

	*family = AF_INET;
	mnl_attr_put_u32(nlh, t1, v1);
	mnl_attr_put_u32(nlh, t2, v2);
	end(d, nlh);
}

static const struct hsb_lev_if *find(const struct hsb_lev_batch *b, int i)
{
	const struct hsb_lev_if *e = hsb_lev_batch_find(b, i);

	assert_non_null(e);
	return e;
}

/* ---- parsing -------------------------------------------------------- */

static void test_parse_datagram(void **state)
{
	static struct dgram d;
	static const int mp[] = { 12, 13 };
	struct hsb_lev_batch b;
	const struct hsb_lev_if *e;

	(void)state;
	memset(&d, 0, sizeof(d));
	put_link(&d, RTM_NEWLINK, 7, IFF_UP | IFF_RUNNING | IFF_LOWER_UP,
		 "veth-a");
	put_addr(&d, RTM_NEWADDR, 7);
	put_route(&d, RTM_NEWROUTE, 11);
	put_multipath(&d, mp, 2);
	put_neigh(&d, 14);
	put_rule(&d);
	/* "all": no interface */
	put_u32s(&d, RTM_NEWNETCONF, sizeof(struct netconfmsg),
		 NETCONFA_IFINDEX, (uint32_t)NETCONFA_IFINDEX_ALL,
		 NETCONFA_FORWARDING, 1);
	put_u32s(&d, RTM_NEWNETCONF, sizeof(struct netconfmsg),
		 NETCONFA_IFINDEX, 15, NETCONFA_FORWARDING, 1);
	put_u32s(&d, RTM_NEWNEXTHOP, sizeof(struct nhmsg), NHA_ID, 42, NHA_OIF,
		 16);
	put_link(&d, RTM_DELLINK, 9, IFF_UP, "gone0");
	msg(&d, RTM_NEWQDISC); /* a type no kind covers: still a change */
	end(&d, (struct nlmsghdr *)(d.buf + d.len));

	hsb_lev_batch_reset(&b);
	assert_int_equal(hsb_lev_batch_add(&b, d.buf, d.len), 11);
	assert_int_equal(b.messages, 11);
	assert_int_equal(b.kinds, HSB_LEV_ANY);
	assert_true(hsb_lev_batch_close(&b));
	assert_false(b.resync);
	assert_false(b.many);
	assert_false(b.overrun);
	/* 7, 11, 12, 13, 14, 15, 16, 9: in the order first named */
	assert_int_equal(b.n_ifs, 8);
	assert_int_equal(b.ifs[0].ifindex, 7);
	assert_int_equal(b.ifs[7].ifindex, 9);

	e = find(&b, 7);
	assert_int_equal(e->kinds, HSB_LEV_LINK | HSB_LEV_ADDR);
	assert_string_equal(e->name, "veth-a");
	assert_int_equal(e->flags, IFF_UP | IFF_RUNNING | IFF_LOWER_UP);
	assert_false(e->deleted);
	assert_int_equal(find(&b, 11)->kinds, HSB_LEV_ROUTE);
	assert_int_equal(find(&b, 12)->kinds, HSB_LEV_ROUTE);
	assert_int_equal(find(&b, 13)->kinds, HSB_LEV_ROUTE);
	assert_int_equal(find(&b, 14)->kinds, HSB_LEV_NEIGH);
	assert_int_equal(find(&b, 15)->kinds, HSB_LEV_NETCONF);
	assert_int_equal(find(&b, 16)->kinds, HSB_LEV_NEXTHOP);
	e = find(&b, 9);
	assert_int_equal(e->kinds, HSB_LEV_LINK);
	assert_true(e->deleted);
	assert_string_equal(e->name, "gone0");
	assert_null(hsb_lev_batch_find(&b, 1));
	assert_true(hsb_lev_batch_has_newlink(&b));
}

/* Several datagrams make one batch; per interface the last link message
 * is the state, and the kinds add up. */
static void test_parse_batch_merges(void **state)
{
	static struct dgram d1, d2;
	struct hsb_lev_batch b;
	const struct hsb_lev_if *e;

	(void)state;
	memset(&d1, 0, sizeof(d1));
	memset(&d2, 0, sizeof(d2));
	put_link(&d1, RTM_NEWLINK, 5, IFF_UP, "eth5");
	put_addr(&d2, RTM_DELADDR, 5);
	put_link(&d2, RTM_DELLINK, 5, 0, "eth5");
	hsb_lev_batch_reset(&b);
	hsb_lev_batch_add(&b, d1.buf, d1.len);
	hsb_lev_batch_add(&b, d2.buf, d2.len);
	assert_int_equal(b.messages, 3);
	assert_int_equal(b.kinds, HSB_LEV_LINK | HSB_LEV_ADDR);
	assert_int_equal(b.n_ifs, 1);
	e = find(&b, 5);
	assert_int_equal(e->kinds, HSB_LEV_LINK | HSB_LEV_ADDR);
	assert_true(e->deleted);
	assert_int_equal(e->flags, 0);
	hsb_lev_batch_close(&b);
	/* only a deletion: nothing to re-attach to */
	assert_false(hsb_lev_batch_has_newlink(&b));
}

/* Short headers, a name that does not fit, a datagram cut mid-message:
 * counted as far as they can be read, never read past. */
static void test_parse_malformed(void **state)
{
	static struct dgram d;
	struct hsb_lev_batch b;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	char longname[24];
	size_t last;

	(void)state;
	memset(&d, 0, sizeof(d));
	/* RTM_NEWLINK without its ifinfomsg */
	nlh = msg(&d, RTM_NEWLINK);
	end(&d, nlh);
	/* a name of IF_NAMESIZE characters, not terminated */
	memset(longname, 'x', sizeof(longname));
	nlh = msg(&d, RTM_NEWLINK);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = 3;
	ifi->ifi_flags = IFF_UP;
	mnl_attr_put(nlh, IFLA_IFNAME, IF_NAMESIZE, longname);
	end(&d, nlh);
	/* RTA_OIF of the wrong size is not an interface */
	nlh = route_head(&d, RTM_NEWROUTE);
	mnl_attr_put_u16(nlh, RTA_OIF, 4);
	end(&d, nlh);
	/* a message claiming more than the datagram holds */
	last = d.len;
	put_neigh(&d, 8);
	nlh = (struct nlmsghdr *)(d.buf + last);
	nlh->nlmsg_len += 64;

	hsb_lev_batch_reset(&b);
	assert_int_equal(hsb_lev_batch_add(&b, d.buf, d.len), 3);
	assert_int_equal(b.kinds, HSB_LEV_LINK | HSB_LEV_ROUTE);
	assert_int_equal(b.n_ifs, 1);
	assert_int_equal(find(&b, 3)->flags, IFF_UP);
	assert_string_equal(find(&b, 3)->name, "");
	assert_null(hsb_lev_batch_find(&b, 4));
	assert_null(hsb_lev_batch_find(&b, 8));
	/* nothing at all */
	assert_int_equal(hsb_lev_batch_add(&b, d.buf, 3), 0);
}

/* ---- subscribers ---------------------------------------------------- */

struct rec {
	struct hsb_link_events *src;
	int calls;
	int order; /* position in the last dispatch */
	struct hsb_lev_batch last;
	/* what to do when called */
	struct hsb_lev_sub *self;
	struct hsb_lev_sub *drop; /* unsubscribe this one */
	struct rec *add; /* subscribe this one (all kinds) */
};

static int dispatch_pos;

static void on_batch(const struct hsb_lev_batch *b, void *ctx)
{
	struct rec *r = ctx;

	r->calls++;
	r->order = ++dispatch_pos;
	r->last = *b;
	if (r->drop) {
		hsb_lev_unsubscribe(r->drop);
		r->drop = NULL;
	}
	if (r->add) {
		r->add->self = hsb_lev_subscribe(r->src, HSB_LEV_ANY, on_batch,
						 r->add);
		assert_non_null(r->add->self);
		r->add = NULL;
	}
}

static struct hsb_lev_sub *sub(struct hsb_link_events *src, struct rec *r,
			       unsigned int kinds)
{
	r->src = src;
	r->self = hsb_lev_subscribe(src, kinds, on_batch, r);
	assert_non_null(r->self);
	return r->self;
}

static void flush(struct hsb_link_events *src)
{
	dispatch_pos = 0;
	hsb_lev_flush(src);
}

static void test_kind_filter(void **state)
{
	struct hsb_link_events *src = hsb_lev_new();
	struct rec link = { 0 }, route = { 0 }, any = { 0 };
	static struct dgram d1, d2;
	struct hsb_lev_stats st;

	(void)state;
	sub(src, &link, HSB_LEV_LINK);
	sub(src, &route, HSB_LEV_ROUTE | HSB_LEV_RULE);
	sub(src, &any, HSB_LEV_ANY);

	memset(&d1, 0, sizeof(d1));
	put_addr(&d1, RTM_NEWADDR, 4);
	hsb_lev_feed(src, d1.buf, d1.len);
	flush(src);
	assert_int_equal(link.calls, 0);
	assert_int_equal(route.calls, 0);
	assert_int_equal(any.calls, 1);
	assert_int_equal(any.last.kinds, HSB_LEV_ADDR);
	assert_int_equal(any.last.ifs[0].ifindex, 4);

	/* two datagrams, one round: one call each, in subscription order */
	memset(&d1, 0, sizeof(d1));
	memset(&d2, 0, sizeof(d2));
	put_link(&d1, RTM_NEWLINK, 4, IFF_UP, "eth4");
	put_route(&d2, RTM_DELROUTE, 6);
	hsb_lev_feed(src, d1.buf, d1.len);
	hsb_lev_feed(src, d2.buf, d2.len);
	flush(src);
	assert_int_equal(link.calls, 1);
	assert_int_equal(route.calls, 1);
	assert_int_equal(any.calls, 2);
	assert_int_equal(link.order, 1);
	assert_int_equal(route.order, 2);
	assert_int_equal(any.order, 3);
	assert_int_equal(route.last.kinds, HSB_LEV_LINK | HSB_LEV_ROUTE);
	assert_int_equal(route.last.n_ifs, 2);

	/* an empty round calls nobody */
	flush(src);
	assert_int_equal(any.calls, 2);
	hsb_lev_stats(src, &st);
	assert_int_equal(st.messages, 3);
	assert_int_equal(st.batches, 2);
	assert_int_equal(st.overruns, 0);
	hsb_lev_free(src); /* frees the subscriptions left */
}

static void test_overrun_resyncs_everyone(void **state)
{
	struct hsb_link_events *src = hsb_lev_new();
	struct rec link = { 0 }, neigh = { 0 }, rule = { 0 };
	static struct dgram d;
	struct hsb_lev_stats st;

	(void)state;
	sub(src, &link, HSB_LEV_LINK);
	sub(src, &neigh, HSB_LEV_NEIGH);
	sub(src, &rule, HSB_LEV_RULE);
	memset(&d, 0, sizeof(d));
	put_route(&d, RTM_NEWROUTE, 2);
	hsb_lev_feed(src, d.buf, d.len);
	hsb_lev_lost(src);
	hsb_lev_feed(src, d.buf, d.len);
	flush(src);
	/* none of them asked for routes; all of them must resync */
	assert_int_equal(link.calls, 1);
	assert_int_equal(neigh.calls, 1);
	assert_int_equal(rule.calls, 1);
	assert_true(rule.last.resync);
	assert_true(rule.last.overrun);
	assert_int_equal(rule.last.kinds, HSB_LEV_ANY);
	/* what did arrive is still summarised */
	assert_int_equal(rule.last.ifs[0].ifindex, 2);
	assert_int_equal(hsb_lev_sub_overruns(link.self), 1);
	hsb_lev_stats(src, &st);
	assert_int_equal(st.overruns, 1);

	/* the next round is an ordinary one again */
	hsb_lev_feed(src, d.buf, d.len);
	flush(src);
	assert_int_equal(link.calls, 1);
	/* a loss with nothing else read still dispatches */
	hsb_lev_lost(src);
	flush(src);
	assert_int_equal(link.calls, 2);
	assert_int_equal(neigh.calls, 2);
	assert_true(neigh.last.resync);
	assert_int_equal(neigh.last.messages, 0);
	assert_int_equal(hsb_lev_sub_overruns(neigh.self), 2);
	hsb_lev_free(src);
}

/* n interfaces deleted, one datagram each */
static void feed_deletions(struct hsb_link_events *src, int n)
{
	static struct dgram d;
	int i;

	for (i = 1; i <= n; i++) {
		memset(&d, 0, sizeof(d));
		put_link(&d, RTM_DELLINK, 100 + i, 0, NULL);
		hsb_lev_feed(src, d.buf, d.len);
	}
}

/* More interfaces than the summary holds: "many", and resync. */
static void test_many_interfaces(void **state)
{
	struct hsb_link_events *src = hsb_lev_new();
	struct rec link = { 0 }, route = { 0 };

	(void)state;
	sub(src, &link, HSB_LEV_LINK);
	sub(src, &route, HSB_LEV_ROUTE);
	/* deletions only, so only the bound can ask to re-link */
	feed_deletions(src, HSB_LEV_IFS + 8);
	flush(src);
	assert_int_equal(link.calls, 1);
	assert_true(link.last.many);
	assert_true(link.last.resync);
	assert_false(link.last.overrun);
	assert_int_equal(link.last.n_ifs, HSB_LEV_IFS);
	assert_int_equal(link.last.messages, HSB_LEV_IFS + 8);
	assert_true(hsb_lev_batch_has_newlink(&link.last));
	/* the kinds are still known: route subscribers are not bothered */
	assert_int_equal(route.calls, 0);
	assert_int_equal(link.last.kinds, HSB_LEV_LINK);

	/* exactly the bound is not "many" */
	feed_deletions(src, HSB_LEV_IFS);
	flush(src);
	assert_int_equal(link.calls, 2);
	assert_false(link.last.many);
	assert_false(link.last.resync);
	assert_false(hsb_lev_batch_has_newlink(&link.last));
	hsb_lev_free(src);
}

static void feed_link(struct hsb_link_events *src)
{
	static struct dgram d;

	memset(&d, 0, sizeof(d));
	put_link(&d, RTM_NEWLINK, 1, IFF_UP, "lo");
	hsb_lev_feed(src, d.buf, d.len);
}

/* A callback unsubscribes itself and one not yet called, another
 * subscribes someone new: the removed are not called (not even later in
 * the batch), the new one only from the next batch. Under ASan a use
 * after free shows here. */
static void test_change_during_dispatch(void **state)
{
	struct hsb_link_events *src = hsb_lev_new();
	struct rec a = { 0 }, b = { 0 }, c = { 0 }, fresh = { 0 };

	(void)state;
	sub(src, &a, HSB_LEV_ANY);
	sub(src, &b, HSB_LEV_ANY);
	sub(src, &c, HSB_LEV_ANY);
	a.drop = b.self;
	c.add = &fresh;
	fresh.src = src;
	feed_link(src);
	flush(src);
	assert_int_equal(a.calls, 1);
	assert_int_equal(b.calls, 0);
	assert_int_equal(c.calls, 1);
	assert_int_equal(fresh.calls, 0);

	/* a drops itself; c drops the newcomer, which comes after it */
	a.drop = a.self;
	c.drop = fresh.self;
	feed_link(src);
	flush(src);
	assert_int_equal(a.calls, 2);
	assert_int_equal(c.calls, 2);
	assert_int_equal(fresh.calls, 0);

	feed_link(src);
	flush(src);
	assert_int_equal(a.calls, 2);
	assert_int_equal(c.calls, 3);
	assert_int_equal(c.order, 1);

	/* the list still appends at its end after removals at it */
	hsb_lev_unsubscribe(c.self);
	sub(src, &b, HSB_LEV_LINK);
	sub(src, &c, HSB_LEV_LINK);
	feed_link(src);
	flush(src);
	assert_int_equal(b.order, 1);
	assert_int_equal(c.order, 2);
	hsb_lev_unsubscribe(NULL);
	hsb_lev_free(src);
}

/* A subscription made during a dispatch: called from the next batch on. */
static void test_subscribe_during_dispatch(void **state)
{
	struct hsb_link_events *src = hsb_lev_new();
	struct rec a = { 0 }, fresh = { 0 };

	(void)state;
	sub(src, &a, HSB_LEV_ANY);
	a.add = &fresh;
	fresh.src = src;
	feed_link(src);
	flush(src);
	assert_int_equal(fresh.calls, 0);
	feed_link(src);
	flush(src);
	assert_int_equal(a.calls, 2);
	assert_int_equal(fresh.calls, 1);
	assert_int_equal(fresh.order, 2);
	hsb_lev_free(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_datagram),
		cmocka_unit_test(test_parse_batch_merges),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_kind_filter),
		cmocka_unit_test(test_overrun_resyncs_everyone),
		cmocka_unit_test(test_many_interfaces),
		cmocka_unit_test(test_change_during_dispatch),
		cmocka_unit_test(test_subscribe_during_dispatch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
