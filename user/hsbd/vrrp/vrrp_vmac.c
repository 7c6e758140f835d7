// SPDX-License-Identifier: GPL-2.0-only
/* Virtual MAC: unicast filter entry and TC egress program; vrrp_vmac.h. */
#include <errno.h>
#include <string.h>
#include <linux/if_bridge.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>
#include <bpf/libbpf.h>

#include "vrrp/vrrp_nl.h"
#include "vrrp/vrrp_vmac.h"

/* Our filter on clsact egress: a fixed handle and priority, so a later
 * hsbd (after a crash) replaces it instead of adding a second. */
#define VMAC_TC_HANDLE 0x4853
#define VMAC_TC_PRIO 0x4853

static int fdb(struct mnl_socket *nl, int ifindex, const uint8_t mac[6],
	       bool add)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ndmsg *ndm;

	nlh->nlmsg_type = add ? RTM_NEWNEIGH : RTM_DELNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
			   (add ? NLM_F_CREATE | NLM_F_REPLACE : 0);
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_BRIDGE;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = NUD_PERMANENT;
	ndm->ndm_flags = NTF_SELF;
	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	return vrrp_nl_request(nl, nlh);
}

static void tc_opts(struct bpf_tc_hook *hook, struct bpf_tc_opts *opts,
		    int ifindex, enum bpf_tc_attach_point where)
{
	memset(hook, 0, sizeof(*hook));
	hook->sz = sizeof(*hook);
	hook->ifindex = ifindex;
	hook->attach_point = where;
	memset(opts, 0, sizeof(*opts));
	opts->sz = sizeof(*opts);
	opts->handle = VMAC_TC_HANDLE;
	opts->priority = VMAC_TC_PRIO;
}

static int tc_attach(int ifindex, enum bpf_tc_attach_point where, int prog_fd)
{
	struct bpf_tc_hook hook;
	struct bpf_tc_opts opts;
	int ret;

	tc_opts(&hook, &opts, ifindex, where);
	/* the clsact qdisc serves both points; it may exist already */
	ret = bpf_tc_hook_create(&hook);
	if (ret && ret != -EEXIST)
		return ret;
	opts.prog_fd = prog_fd;
	opts.flags = BPF_TC_F_REPLACE;
	return bpf_tc_attach(&hook, &opts);
}

static int tc_detach(int ifindex, enum bpf_tc_attach_point where)
{
	struct bpf_tc_hook hook;
	struct bpf_tc_opts opts;
	int ret;

	tc_opts(&hook, &opts, ifindex, where);
	ret = bpf_tc_detach(&hook, &opts);
	return ret == -ENOENT || ret == -ENODEV || ret == -EINVAL ? 0 : ret;
}

int vrrp_vmac_attach(struct mnl_socket *nl, const struct vrrp_vmac_progs *p,
		     int ifindex, const uint8_t mac[6])
{
	int ret, first = 0;

	ret = fdb(nl, ifindex, mac, true);
	if (ret && ret != -EEXIST)
		first = ret;
	ret = tc_attach(ifindex, BPF_TC_INGRESS, p->ingress_fd);
	if (ret && !first)
		first = ret;
	ret = tc_attach(ifindex, BPF_TC_EGRESS, p->egress_fd);
	if (ret && !first)
		first = ret;
	return first;
}

int vrrp_vmac_detach(struct mnl_socket *nl, int ifindex, const uint8_t mac[6])
{
	int a = fdb(nl, ifindex, mac, false), b, c;

	if (a == -ENOENT || a == -ENODEV)
		a = 0;
	/* the qdisc stays: other programs may hang off it */
	b = tc_detach(ifindex, BPF_TC_INGRESS);
	c = tc_detach(ifindex, BPF_TC_EGRESS);
	return a ? a : b ? b : c;
}
