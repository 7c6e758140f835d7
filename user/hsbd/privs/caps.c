// SPDX-License-Identifier: GPL-2.0-only
/*
 * Capabilities with capget/capset and prctl directly rather than libcap:
 * three system calls on two 64-bit masks do not justify a new library
 * dependency (and libcap's text form is not needed: the names printed
 * are the few below).
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "privs/caps.h"

struct cap_need {
	int cap;
	const char *name;
	const char *why;
	bool optional;
};

/*
 * Measured on 6.18 by starting hsbd with the bounding set reduced one
 * capability at a time (tests/integration/test_privs.sh): without
 * CAP_BPF or CAP_PERFMON the BPF object does not load (EPERM without
 * CAP_BPF, EACCES from the verifier without CAP_PERFMON), without
 * CAP_NET_ADMIN no XDP attach, without CAP_NET_RAW no
 * AF_PACKET/raw sockets. CAP_SYS_ADMIN is only for opening another
 * process's program by id (adopting a --keep-datapath datapath) and for
 * mounting bpffs when /sys/fs/bpf is not one.
 */
static const struct cap_need needs[] = {
	{ CAP_BPF, "CAP_BPF", "load the XDP program, create and pin maps",
	  false },
	{ CAP_PERFMON, "CAP_PERFMON", "the verifier refuses hsb_xdp without it",
	  false },
	{ CAP_NET_ADMIN, "CAP_NET_ADMIN",
	  "attach XDP, rtnetlink changes, macvlan VMACs, socket priority",
	  false },
	{ CAP_NET_RAW, "CAP_NET_RAW",
	  "VRRP/VGMP raw and packet sockets, GARP, SO_BINDTODEVICE", false },
	{ CAP_SYS_ADMIN, "CAP_SYS_ADMIN",
	  "adopt a datapath left by --keep-datapath, mount bpffs", true },
};

#define N_NEEDS (sizeof(needs) / sizeof(needs[0]))

static int caps_get(uint64_t *eff, uint64_t *perm)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { 0 };

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	*eff = data[0].effective | (uint64_t)data[1].effective << 32;
	*perm = data[0].permitted | (uint64_t)data[1].permitted << 32;
	return 0;
}

static int caps_set(uint64_t keep)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { 0 };

	data[0].effective = data[0].permitted = (uint32_t)keep;
	data[1].effective = data[1].permitted = (uint32_t)(keep >> 32);
	return (int)syscall(SYS_capset, &hdr, data);
}

int hsbd_caps_check(bool socket_group, char *err, size_t errlen)
{
	uint64_t eff, perm;
	size_t i, off = 0;

	if (caps_get(&eff, &perm)) {
		snprintf(err, errlen, "cannot read capabilities: %s",
			 strerror(errno));
		return -1;
	}
	err[0] = '\0';
	for (i = 0; i < N_NEEDS; i++) {
		if (needs[i].optional || eff & (1ULL << needs[i].cap))
			continue;
		if (off < errlen)
			off += (size_t)snprintf(
				err + off, errlen - off, "%s%s (%s)",
				off ? ", " : "missing capability ",
				needs[i].name, needs[i].why);
	}
	if (socket_group && !(eff & (1ULL << CAP_CHOWN)) && off < errlen)
		off += (size_t)snprintf(
			err + off, errlen - off,
			"%sCAP_CHOWN (--socket-group: give the control socket to the group; dropped once started)",
			off ? ", " : "missing capability ");
	return off ? -1 : 0;
}

int hsbd_caps_limit(char *err, size_t errlen)
{
	uint64_t eff, perm, keep = 0;
	bool can_bound;
	size_t i;
	int c;

	if (caps_get(&eff, &perm)) {
		snprintf(err, errlen, "cannot read capabilities: %s",
			 strerror(errno));
		return -1;
	}
	for (i = 0; i < N_NEEDS; i++)
		keep |= 1ULL << needs[i].cap;
	keep &= perm;
	if (!(keep & (1ULL << CAP_SYS_ADMIN)))
		hsb_info(
			"no CAP_SYS_ADMIN: a datapath left attached by an earlier hsbd --keep-datapath cannot be adopted");
	/* Bounding set first: dropping from it takes CAP_SETPCAP, which
	 * goes with the capset below. Without CAP_SETPCAP (a container
	 * runtime that dropped it) the bounding set was chosen by whoever
	 * started us; nothing here can regain what capset drops. */
	can_bound = eff & (1ULL << CAP_SETPCAP);
	for (c = 0; can_bound && c < 64; c++) {
		if (keep & (1ULL << c))
			continue;
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) < 0)
			break; /* beyond the kernel's last capability */
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0)) {
			snprintf(
				err, errlen,
				"cannot drop capability %d from the bounding set: %s",
				c, strerror(errno));
			return -1;
		}
	}
	/* Ambient and inheritable are cleared: nothing hsbd might exec
	 * inherits a capability. EINVAL: a kernel without ambient sets. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) &&
	    errno != EINVAL) {
		snprintf(err, errlen, "cannot clear ambient capabilities: %s",
			 strerror(errno));
		return -1;
	}
	if (caps_set(keep)) {
		snprintf(err, errlen, "cannot drop capabilities: %s",
			 strerror(errno));
		return -1;
	}
	hsb_dbg("capabilities limited to 0x%llx", (unsigned long long)keep);
	return 0;
}
