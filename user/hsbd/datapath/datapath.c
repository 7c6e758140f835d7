// SPDX-License-Identifier: GPL-2.0-only
/*
 * The datapath engine. See datapath.h.
 *
 * hsb_xdp is loaded once (maps pinned by name, so a restarted hsbd finds the
 * same maps and the datapath keeps its state) and attached to every
 * configured interface. hsb owns the interface's XDP hook:
 * it refuses to replace a foreign program, and it atomically replaces an
 * hsb_xdp left behind by an earlier hsbd (--keep-datapath, or an upgrade).
 */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <net/if_arp.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>
#include <linux/if_link.h>

#include "datapath/datapath.h"
#include "hsbd.h"
#include "log.h"
#include "datapath/pindir.h"
#include "netlink/link_events.h"
#include "firewall/zones.h"
#include "hsb/maps.h"
#include "hsb/session.h"
#include "hsb/peer.h"
#include "hsb_xdp.skel.h"

#define PROG_NAME "hsb_xdp"

struct dp_iface {
	bool used;
	bool stale_prog; /* adopted from an earlier hsbd: replace its prog */
	bool generic;
	char name[IF_NAMESIZE];
	char zone[HSB_CFG_NAME_SIZE];
	uint32_t ifindex;
	uint32_t zone_id;
	uint8_t mac[6]; /* its dev_addr as last read; all zero: unknown */
	enum hsb_xdp_mode mode;
	uint32_t role; /* HSB_IFACE_F_HEARTBEAT, HSB_IFACE_F_PEER_LINK */
};

struct hsb_datapath {
	struct hsb_xdp_bpf *skel;
	int nr_cpus;
	struct hsb_dp_maps maps;
	uint32_t table_size_cfg; /* the configured size last seen */
	uint64_t nh_bumps; /* next-hop generation bumps */
	struct hsb_lev_sub *links; /* re-attach to re-created interfaces */
	/* index == slot in hsb_if_stats */
	struct dp_iface ifaces[HSB_MAX_IFACES];
};

static int libbpf_to_log(enum libbpf_print_level level, const char *fmt,
			 va_list ap)
{
	char line[512];
	size_t n;

	(void)level;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	/* libbpf warns about expected fallbacks (feature probes): keep it at
	 * debug; hsbd's own messages carry the errors that matter. */
	hsb_dbg("libbpf: %s", line);
	return 0;
}

static struct dp_iface *find_iface(struct hsb_datapath *dp, const char *name)
{
	unsigned int i;

	for (i = 0; i < HSB_MAX_IFACES; i++)
		if (dp->ifaces[i].used && !strcmp(dp->ifaces[i].name, name))
			return &dp->ifaces[i];
	return NULL;
}

static struct dp_iface *alloc_slot(struct hsb_datapath *dp)
{
	unsigned int i;

	for (i = 0; i < HSB_MAX_IFACES; i++)
		if (!dp->ifaces[i].used)
			return &dp->ifaces[i];
	return NULL;
}

static uint32_t slot_of(struct hsb_datapath *dp, struct dp_iface *ifc)
{
	return (uint32_t)(ifc - dp->ifaces);
}

/*
 * The datapath's .bss copy of hsb_ifaces (include/hsb/maps.h): an entry is
 * written only when its place is free or already ours (a managed
 * interface whose place another holds is served from the map), with
 * ifindex cleared first and stored last so XDP never uses it half-written.
 */
static void write_fast(struct hsb_datapath *dp, uint32_t ifindex,
		       const struct hsb_iface *val)
{
	struct hsb_iface_fast *fe =
		&dp->skel->bss->hsb_if_fast[ifindex & (HSB_IF_FAST_SIZE - 1)];

	if (fe->ifindex && fe->ifindex != ifindex)
		return;
	__atomic_store_n(&fe->ifindex, 0, __ATOMIC_RELEASE);
	fe->slot = val->slot;
	fe->zone_id = val->zone_id;
	fe->flags = val->flags;
	memcpy(fe->mac, val->mac, sizeof(fe->mac));
	__atomic_store_n(&fe->ifindex, ifindex, __ATOMIC_RELEASE);
}

static void clear_fast(struct hsb_datapath *dp, uint32_t ifindex)
{
	struct hsb_iface_fast *fe =
		&dp->skel->bss->hsb_if_fast[ifindex & (HSB_IF_FAST_SIZE - 1)];

	if (fe->ifindex == ifindex)
		__atomic_store_n(&fe->ifindex, 0, __ATOMIC_RELEASE);
}

/* hsb_ifaces and its .bss copy: the only writer of either. */
static int write_iface_map(struct hsb_datapath *dp, struct dp_iface *ifc)
{
	struct hsb_iface val = {
		.slot = slot_of(dp, ifc),
		.zone_id = ifc->zone_id,
		.flags = (ifc->generic ? HSB_IFACE_F_XDP_GENERIC : 0) |
			 ifc->role,
	};
	int ret;

	memcpy(val.mac, ifc->mac, sizeof(val.mac));
	ret = bpf_map_update_elem(bpf_map__fd(dp->skel->maps.hsb_ifaces),
				  &ifc->ifindex, &val, BPF_ANY);
	if (ret)
		clear_fast(dp, ifc->ifindex);
	else
		write_fast(dp, ifc->ifindex, &val);
	return ret;
}

/*
 * The interface's own MAC, which XDP compares every unicast frame's
 * destination with (include/hsb/maps.h): frames to another MAC (and not
 * to an active vmac) are another host's. All zero when it cannot be read
 * or the interface is not Ethernet: XDP then checks nothing.
 */
static void read_mac(const char *name, uint8_t mac[6])
{
	struct ifreq ifr;
	int fd;

	memset(mac, 0, 6);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0 &&
	    ifr.ifr_hwaddr.sa_family == ARPHRD_ETHER)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
}

/* Read the MAC again; 1 if it changed (the maps need writing). */
static int refresh_mac(struct dp_iface *ifc)
{
	uint8_t mac[6];

	read_mac(ifc->name, mac);
	if (!memcmp(mac, ifc->mac, sizeof(mac)))
		return 0;
	hsb_info("%s: MAC %02x:%02x:%02x:%02x:%02x:%02x", ifc->name, mac[0],
		 mac[1], mac[2], mac[3], mac[4], mac[5]);
	memcpy(ifc->mac, mac, sizeof(mac));
	return 1;
}

static int zero_if_stats(struct hsb_datapath *dp, uint32_t slot)
{
	struct hsb_iface_stats *zero = calloc(dp->nr_cpus, sizeof(*zero));
	int ret;

	if (!zero)
		return -ENOMEM;
	ret = bpf_map_update_elem(bpf_map__fd(dp->skel->maps.hsb_if_stats),
				  &slot, zero, BPF_ANY);
	free(zero);
	return ret;
}

static __u32 mode_flags(bool generic)
{
	return generic ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
}

static __u32 prog_id_of(int fd)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

/* The XDP program on ifindex: 0 none, 1 an hsb_xdp (a new fd to it and its
 * mode returned), -EBUSY a foreign one (named in err), another negative
 * errno when it cannot be told (err says why). own_fd is this hsbd's
 * program: recognised by id, so that detaching it on stop needs no
 * BPF_PROG_GET_FD_BY_ID, which the kernel allows only with CAP_SYS_ADMIN.
 * Opening someone else's program (an earlier hsbd's, to adopt it) does. */
static int query_attached(uint32_t ifindex, int own_fd, int *fd, bool *generic,
			  char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);
	int ret;

	*fd = -1;
	ret = bpf_xdp_query((int)ifindex, 0, &q);
	if (ret)
		return ret == -ENODEV ? -ENODEV : 0;
	if (q.attach_mode == XDP_ATTACHED_NONE)
		return 0;
	if (q.attach_mode == XDP_ATTACHED_MULTI) {
		snprintf(
			err, errlen,
			"XDP programs in more than one mode are attached (ids %u, %u); hsb does not replace foreign programs",
			q.drv_prog_id, q.skb_prog_id);
		return -EBUSY;
	}
	*generic = q.attach_mode == XDP_ATTACHED_SKB;
	if (own_fd >= 0 && q.prog_id == prog_id_of(own_fd)) {
		*fd = dup(own_fd);
		return *fd < 0 ? -errno : 1;
	}
	*fd = bpf_prog_get_fd_by_id(q.prog_id);
	if (*fd < 0) {
		ret = -errno;
		snprintf(
			err, errlen,
			"cannot open the XDP program attached (id %u): %s%s",
			q.prog_id, strerror(-ret),
			ret == -EPERM ?
				" (adopting an earlier hsbd's program needs CAP_SYS_ADMIN)" :
				"");
		return ret;
	}
	if (bpf_obj_get_info_by_fd(*fd, &info, &len) == 0 &&
	    strcmp(info.name, PROG_NAME) == 0)
		return 1;
	snprintf(
		err, errlen,
		"XDP program '%s' (id %u) is already attached; hsb does not replace foreign programs",
		info.name, q.prog_id);
	close(*fd);
	*fd = -1;
	return -EBUSY;
}

/*
 * Attach with libbpf's netlink API rather than libxdp: hsb must own the
 * interface's first XDP hook, so libxdp's multi-program dispatcher is of no
 * use here, and Debian 12's libxdp 1.3.1 probes that dispatcher on every
 * attach (it fails on 6.x kernels, and crashes without CAP_SYS_ADMIN).
 * XDP_FLAGS_UPDATE_IF_NOEXIST: never silently replace a program that
 * appeared since the query.
 */
static int attach_mode(struct hsb_datapath *dp, struct dp_iface *ifc,
		       bool generic, int old_fd)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = old_fd);
	int fd = bpf_program__fd(dp->skel->progs.hsb_xdp);

	if (old_fd < 0)
		return bpf_xdp_attach((int)ifc->ifindex, fd,
				      mode_flags(generic) |
					      XDP_FLAGS_UPDATE_IF_NOEXIST,
				      NULL);
	/* An earlier hsbd's program: swap it in one netlink request so no
	 * packet sees the interface without hsb. */
	return bpf_xdp_attach((int)ifc->ifindex, fd,
			      mode_flags(generic) | XDP_FLAGS_REPLACE, &opts);
}

/* Detach prog_fd from ifindex, and only it: a program someone attached
 * since stays. */
static int detach_prog(uint32_t ifindex, int prog_fd, bool generic)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = prog_fd);

	return bpf_xdp_attach((int)ifindex, -1,
			      mode_flags(generic) | XDP_FLAGS_REPLACE, &opts);
}

static int attach(struct hsb_datapath *dp, struct dp_iface *ifc, char *err,
		  size_t errlen)
{
	bool old_generic = false, generic;
	int old_fd, ret;

	ret = query_attached(ifc->ifindex,
			     bpf_program__fd(dp->skel->progs.hsb_xdp), &old_fd,
			     &old_generic, err, errlen);
	if (ret < 0)
		return ret;
	generic = ifc->mode == HSB_XDP_MODE_GENERIC;
	/* auto keeps whatever mode an earlier hsbd's program runs in. */
	if (old_fd >= 0 && ifc->mode == HSB_XDP_MODE_AUTO)
		generic = old_generic;
	if (old_fd >= 0 && old_generic != generic) {
		/* REPLACE cannot change mode: detach, then attach fresh. */
		detach_prog(ifc->ifindex, old_fd, old_generic);
		close(old_fd);
		old_fd = -1;
	}
	ret = attach_mode(dp, ifc, generic, old_fd);
	if (ret && !generic && ifc->mode == HSB_XDP_MODE_AUTO) {
		hsb_warn(
			"%s: native XDP attach failed (%s); falling back to generic XDP, which is much slower",
			ifc->name, strerror(-ret));
		generic = true;
		ret = attach_mode(dp, ifc, generic, -1);
	}
	if (old_fd >= 0)
		close(old_fd);
	if (ret) {
		snprintf(err, errlen, "cannot attach XDP (%s mode): %s",
			 generic ? "generic" : "native", strerror(-ret));
		return ret;
	}
	ifc->generic = generic;
	ifc->stale_prog = false;
	hsb_info("%s: hsb_xdp attached (%s mode)", ifc->name,
		 generic ? "generic" : "native");
	return 0;
}

/* Detach whatever hsb_xdp sits on ifindex: ours, or an earlier hsbd's. */
static void detach(struct hsb_datapath *dp, struct dp_iface *ifc)
{
	bool generic = false;
	char err[256] = "";
	int fd, ret;

	ret = query_attached(ifc->ifindex,
			     bpf_program__fd(dp->skel->progs.hsb_xdp), &fd,
			     &generic, err, sizeof(err));
	if (ret < 0 && ret != -EBUSY && ret != -ENODEV)
		hsb_warn("%s: cannot detach XDP: %s", ifc->name, err);
	if (ret <= 0)
		return;
	ret = detach_prog(ifc->ifindex, fd, generic);
	close(fd);
	if (ret)
		hsb_warn("%s: cannot detach XDP: %s", ifc->name,
			 strerror(-ret));
	else
		hsb_info("%s: hsb_xdp detached", ifc->name);
}

static void release_iface(struct hsb_datapath *dp, struct dp_iface *ifc)
{
	detach(dp, ifc);
	clear_fast(dp, ifc->ifindex);
	bpf_map_delete_elem(bpf_map__fd(dp->skel->maps.hsb_ifaces),
			    &ifc->ifindex);
	memset(ifc, 0, sizeof(*ifc));
}

static int add_iface(struct hsb_datapath *dp, const struct hsb_config *cfg,
		     const struct hsb_cfg_iface *want, uint32_t role, char *err,
		     size_t errlen)
{
	struct dp_iface *ifc = alloc_slot(dp);
	char why[200];
	int ret;

	if (!ifc) {
		snprintf(err, errlen, "interface %s: more than %d interfaces",
			 want->name, HSB_MAX_IFACES);
		return -ENOSPC;
	}
	ifc->ifindex = if_nametoindex(want->name);
	if (!ifc->ifindex) {
		snprintf(err, errlen, "interface %s: %s", want->name,
			 strerror(errno));
		return -ENODEV;
	}
	snprintf(ifc->name, sizeof(ifc->name), "%s", want->name);
	snprintf(ifc->zone, sizeof(ifc->zone), "%s", want->zone);
	ifc->zone_id = hsb_zone_id(cfg, want->zone);
	ifc->mode = want->xdp_mode;
	ifc->role = role;
	ifc->used = true;
	refresh_mac(ifc);
	/* Entry first, so the very first packet is accounted. */
	ret = zero_if_stats(dp, slot_of(dp, ifc));
	if (!ret)
		ret = write_iface_map(dp, ifc);
	if (ret) {
		snprintf(err, errlen, "interface %s: cannot update maps: %s",
			 want->name, strerror(errno));
		release_iface(dp, ifc);
		return ret;
	}
	ret = attach(dp, ifc, why, sizeof(why));
	if (ret) {
		snprintf(err, errlen, "interface %s: %s", want->name, why);
		release_iface(dp, ifc);
		return ret;
	}
	/* attach() may have fallen back to generic: record it. */
	return write_iface_map(dp, ifc);
}

static const struct hsb_cfg_iface *cfg_iface(const struct hsb_config *cfg,
					     const char *name)
{
	unsigned int i;

	for (i = 0; i < cfg->n_ifaces; i++)
		if (!strcmp(cfg->ifaces[i].name, name))
			return &cfg->ifaces[i];
	return NULL;
}

/*
 * The heartbeat link takes hsb_xdp too when quick session backup is on:
 * the peer forwards frames for this host's sessions over it (include/
 * hsb/peer.h). Everything else on it passes untouched (HEARTBEAT), unless
 * it is also a zone's interface. Fills *hb and returns it, or NULL.
 */
static const struct hsb_cfg_iface *peer_link(const struct hsb_config *cfg,
					     struct hsb_cfg_iface *hb)
{
	if (!cfg->hrp.mirror_session || !cfg->hrp.has_link)
		return NULL;
	memset(hb, 0, sizeof(*hb));
	snprintf(hb->name, sizeof(hb->name), "%s", cfg->hrp.ifname);
	hb->xdp_mode = HSB_XDP_MODE_AUTO;
	return hb;
}

/* The configuration's wish for interface name: a zone's interface, the
 * peer link, both or neither (NULL). *role gets the link's flags. */
static const struct hsb_cfg_iface *wanted(const struct hsb_config *cfg,
					  const char *name,
					  struct hsb_cfg_iface *hb,
					  uint32_t *role)
{
	const struct hsb_cfg_iface *want = cfg_iface(cfg, name);
	const struct hsb_cfg_iface *link = peer_link(cfg, hb);

	*role = 0;
	if (link && !strcmp(link->name, name)) {
		*role = HSB_IFACE_F_PEER_LINK;
		if (!want) {
			*role |= HSB_IFACE_F_HEARTBEAT;
			want = link;
		}
	}
	return want;
}

/* Whether an attached interface can stay as it is under a wanted mode. An
 * interface adopted from an earlier hsbd is judged by the mode its program
 * actually runs in, so a restart does not re-attach needlessly. */
static bool mode_satisfies(enum hsb_xdp_mode want, const struct dp_iface *ifc)
{
	if (!ifc->stale_prog)
		return want == ifc->mode;
	switch (want) {
	case HSB_XDP_MODE_NATIVE:
		return !ifc->generic;
	case HSB_XDP_MODE_GENERIC:
		return ifc->generic;
	case HSB_XDP_MODE_AUTO:
		break;
	}
	return true;
}

/* The interface was deleted and created again under the same name: it has
 * a new ifindex and no hsb_xdp. (Gone for good: kept until configured
 * away, so the configuration still applies when it comes back.) */
static bool recreated(const struct dp_iface *ifc)
{
	unsigned int now = if_nametoindex(ifc->name);

	return now && now != ifc->ifindex;
}

static int dp_reconcile(struct hsbd *d, const struct hsb_config *cfg, char *err,
			size_t errlen)
{
	struct hsb_datapath *dp = d->dp;
	const struct hsb_cfg_iface *want;
	struct hsb_cfg_iface hb;
	unsigned int i, n;
	uint32_t role;
	int ret;

	/* Drop what the configuration no longer has, or has in another XDP
	 * mode (re-added below). */
	for (i = 0; i < HSB_MAX_IFACES; i++) {
		struct dp_iface *ifc = &dp->ifaces[i];

		if (!ifc->used)
			continue;
		want = wanted(cfg, ifc->name, &hb, &role);
		if (!want || !mode_satisfies(want->xdp_mode, ifc) ||
		    recreated(ifc))
			release_iface(dp, ifc);
		else
			ifc->mode = want->xdp_mode;
	}
	/* the zones' interfaces, then the peer link if it is none of them */
	n = cfg->n_ifaces + !!peer_link(cfg, &hb);
	for (i = 0; i < n; i++) {
		const char *name = i < cfg->n_ifaces ? cfg->ifaces[i].name :
						       cfg->hrp.ifname;
		struct dp_iface *ifc;

		if (i == cfg->n_ifaces && cfg_iface(cfg, name))
			break;
		want = wanted(cfg, name, &hb, &role);
		ifc = find_iface(dp, want->name);
		if (!ifc) {
			ret = add_iface(dp, cfg, want, role, err, errlen);
			if (ret)
				return ret;
			continue;
		}
		ifc->role = role;
		snprintf(ifc->zone, sizeof(ifc->zone), "%s", want->zone);
		ifc->zone_id = hsb_zone_id(cfg, want->zone);
		refresh_mac(ifc);
		if (ifc->stale_prog) {
			char why[200];

			ret = attach(dp, ifc, why, sizeof(why));
			if (ret) {
				snprintf(err, errlen, "interface %s: %s",
					 ifc->name, why);
				return ret;
			}
		}
		ret = write_iface_map(dp, ifc);
		if (ret) {
			snprintf(err, errlen, "interface %s: %s", ifc->name,
				 strerror(errno));
			return ret;
		}
	}
	return 0;
}

/* A link appeared or changed: re-attach to configured interfaces whose
 * ifindex changed (deleted and created again under the same name), and
 * give XDP the MAC of any whose MAC changed. Until then (one loop round)
 * XDP still takes frames to the old MAC and refuses those to the new. */
static void relink(const struct hsb_lev_batch *b, void *ctx)
{
	struct hsbd *d = ctx;
	char err[256];
	unsigned int i;

	if (!d->dp || !hsb_lev_batch_has_newlink(b))
		return;
	for (i = 0; i < HSB_MAX_IFACES; i++) {
		struct dp_iface *ifc = &d->dp->ifaces[i];

		if (ifc->used && !recreated(ifc) && refresh_mac(ifc) &&
		    write_iface_map(d->dp, ifc))
			hsb_err("%s: cannot update hsb_ifaces: %s", ifc->name,
				strerror(errno));
	}
	for (i = 0; i < HSB_MAX_IFACES; i++)
		if (d->dp->ifaces[i].used && recreated(&d->dp->ifaces[i]))
			break;
	if (i == HSB_MAX_IFACES)
		return;
	hsb_info("%s: interface re-created (new ifindex); attaching again",
		 d->dp->ifaces[i].name);
	if (dp_reconcile(d, d->cfg, err, sizeof(err)))
		hsb_err("re-attaching after a link change: %s", err);
}

/* Take over interfaces an earlier hsbd left attached (hsb_ifaces is
 * pinned): they keep their stats slot and get the new program on the next
 * reconcile, or are detached if no longer configured. */
static void adopt_pinned_ifaces(struct hsb_datapath *dp)
{
	int fd = bpf_map__fd(dp->skel->maps.hsb_ifaces);
	__u32 key, next, *prev = NULL, stale[HSB_MAX_IFACES];
	unsigned int n_stale = 0, i;
	struct hsb_iface val;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &val) ||
		    val.slot >= HSB_MAX_IFACES || dp->ifaces[val.slot].used ||
		    !if_indextoname(key, dp->ifaces[val.slot].name)) {
			/* Deleted after the walk: deleting now would make
			 * get_next_key lose its place. */
			if (n_stale < HSB_MAX_IFACES)
				stale[n_stale++] = key;
			continue;
		}
		dp->ifaces[val.slot].used = true;
		dp->ifaces[val.slot].stale_prog = true;
		dp->ifaces[val.slot].ifindex = key;
		dp->ifaces[val.slot].generic =
			!!(val.flags & HSB_IFACE_F_XDP_GENERIC);
		memcpy(dp->ifaces[val.slot].mac, val.mac, sizeof(val.mac));
		/* before the new program is attached on it */
		write_fast(dp, key, &val);
		hsb_info("%s: adopting hsb_xdp left by an earlier hsbd",
			 dp->ifaces[val.slot].name);
	}
	for (i = 0; i < n_stale; i++)
		bpf_map_delete_elem(fd, &stale[i]);
}

/* The capacity of a session table pinned by an earlier hsbd; 0 if none. */
static uint32_t pinned_sessions_max(const char *pin_dir)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", pin_dir, HSB_MAP_SESSIONS);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		info.max_entries = 0;
	close(fd);
	return info.max_entries;
}

/*
 * The session table's size is fixed when the map is created. A pinned
 * table of another size is kept as it is: libbpf would refuse to reuse it,
 * and replacing it would drop every session. The configured size applies
 * once hsbd stops without --keep-datapath (which removes the pins) and
 * starts again.
 */
static int size_session_table(struct hsbd *d, struct hsb_datapath *dp,
			      const struct hsb_config *cfg)
{
	uint32_t want = cfg->session.table_size;
	uint32_t pinned = pinned_sessions_max(d->opt.pin_dir);
	uint32_t size = pinned ? pinned : want;

	if (pinned && pinned != want)
		hsb_warn(
			"%s/%s is pinned with %u entries: keeping it and its sessions; table-size %u takes effect once hsbd stops without --keep-datapath and starts again",
			d->opt.pin_dir, HSB_MAP_SESSIONS, pinned, want);
	dp->maps.sessions_max = size;
	dp->table_size_cfg = want;
	return bpf_map__set_max_entries(dp->skel->maps.hsb_sessions, size);
}

/*
 * The next-hop generation (bpf/lib/nexthop.h): a global in the program's
 * .bss, which the skeleton maps into our memory, so a bump is one store
 * and the datapath reads it with one load. Seeded at random at every load:
 * sessions kept across a --keep-datapath restart hold next hops cached
 * under the old program's generation, and a counter restarted from a
 * fixed value could meet their generation again. Never 0 (caching off).
 */
static void nh_seed(struct hsb_datapath *dp)
{
	uint32_t gen = 0;

	if (getrandom(&gen, sizeof(gen), GRND_NONBLOCK) != sizeof(gen))
		gen = (uint32_t)random() ^ (uint32_t)getpid();
	if (!gen)
		gen = 1;
	__atomic_store_n(&dp->skel->bss->hsb_nh_gen, gen, __ATOMIC_RELEASE);
}

void hsb_datapath_set_peer_fwd(struct hsb_datapath *dp,
			       const struct hsb_peer_fwd *fwd)
{
	struct hsb_peer_fwd *b = &dp->skel->bss->hsb_peer_fwd;

	/* off while the rest changes, and on (if it is) last */
	__atomic_store_n(&b->on, 0, __ATOMIC_SEQ_CST);
	b->ifindex = fwd->ifindex;
	b->family = fwd->family;
	memcpy(b->addr, fwd->addr, sizeof(b->addr));
	b->per_ms = fwd->per_ms;
	__atomic_store_n(&b->on, fwd->on, __ATOMIC_SEQ_CST);
}

void hsb_datapath_set_nat_skip(struct hsb_datapath *dp, uint32_t skip)
{
	__atomic_store_n(&dp->skel->bss->hsb_nat_skip, skip, __ATOMIC_SEQ_CST);
}

void hsb_datapath_set_nat_pubf(struct hsb_datapath *dp, const uint64_t *words)
{
	unsigned int i;

	/* word by word: a reader sees each word old or new, and either is
	 * only a hint */
	for (i = 0; i < HSB_NAT_PUBF_WORDS; i++)
		__atomic_store_n(&dp->skel->bss->hsb_nat_pubf[i], words[i],
				 __ATOMIC_RELAXED);
}

void hsb_datapath_set_vaddr_filters(struct hsb_datapath *dp,
				    const uint64_t *bloom,
				    const uint64_t *vmac_ifs)
{
	unsigned int i;

	/* word by word, like the pool filter: each word is only a hint */
	for (i = 0; i < HSB_VADDR_BLOOMS * HSB_VADDR_BLOOM_WORDS; i++)
		__atomic_store_n(&dp->skel->bss->hsb_vaddr_bloom[0][0] + i,
				 bloom[i], __ATOMIC_RELAXED);
	for (i = 0; i < HSB_VMAC_IF_WORDS; i++)
		__atomic_store_n(&dp->skel->bss->hsb_vmac_ifs[i], vmac_ifs[i],
				 __ATOMIC_RELAXED);
}

void hsb_datapath_vaddr_filters(struct hsb_datapath *dp, uint64_t *bloom,
				uint64_t *vmac_ifs)
{
	unsigned int i;

	for (i = 0; i < HSB_VADDR_BLOOMS * HSB_VADDR_BLOOM_WORDS; i++)
		bloom[i] = __atomic_load_n(
			&dp->skel->bss->hsb_vaddr_bloom[0][0] + i,
			__ATOMIC_RELAXED);
	for (i = 0; i < HSB_VMAC_IF_WORDS; i++)
		vmac_ifs[i] = __atomic_load_n(&dp->skel->bss->hsb_vmac_ifs[i],
					      __ATOMIC_RELAXED);
}

uint32_t hsb_datapath_nat_skip(struct hsb_datapath *dp)
{
	return __atomic_load_n(&dp->skel->bss->hsb_nat_skip, __ATOMIC_SEQ_CST);
}

uint32_t *hsb_datapath_nat_skip_word(struct hsb_datapath *dp)
{
	return &dp->skel->bss->hsb_nat_skip;
}

void hsb_datapath_nh_bump(struct hsb_datapath *dp)
{
	uint32_t gen = dp->skel->bss->hsb_nh_gen + 1;

	if (!gen)
		gen = 1;
	__atomic_store_n(&dp->skel->bss->hsb_nh_gen, gen, __ATOMIC_RELEASE);
	dp->nh_bumps++;
}

static void fill_maps(struct hsb_datapath *dp)
{
	struct hsb_xdp_bpf *s = dp->skel;

	dp->maps.sessions = bpf_map__fd(s->maps.hsb_sessions);
	dp->maps.events = bpf_map__fd(s->maps.hsb_events);
	dp->maps.blacklist = bpf_map__fd(s->maps.hsb_blacklist);
	dp->maps.whitelist = bpf_map__fd(s->maps.hsb_whitelist);
	dp->maps.policy = bpf_map__fd(s->maps.hsb_policy);
	dp->maps.policy_ctl = bpf_map__fd(s->maps.hsb_policy_ctl);
	dp->maps.rule_stats = bpf_map__fd(s->maps.hsb_rule_stats);
	dp->maps.nat_pat = bpf_map__fd(s->maps.hsb_nat_pat);
	dp->maps.nat_nopat = bpf_map__fd(s->maps.hsb_nat_nopat);
	dp->maps.nat_srv = bpf_map__fd(s->maps.hsb_nat_srv);
	dp->maps.nat_pool = bpf_map__fd(s->maps.hsb_nat_pool);
	dp->maps.nat_rules = bpf_map__fd(s->maps.hsb_nat_rules);
	dp->maps.nat_ctl = bpf_map__fd(s->maps.hsb_nat_ctl);
	dp->maps.vaddrs = bpf_map__fd(s->maps.hsb_vaddrs);
	dp->maps.vgroups = bpf_map__fd(s->maps.hsb_vgroups);
	dp->maps.handover = bpf_map__fd(s->maps.hsb_handover);
	dp->maps.vmacs = bpf_map__fd(s->maps.hsb_vmacs);
	dp->maps.tc_ingress = bpf_program__fd(s->progs.hsb_tc_ingress);
	dp->maps.tc_egress = bpf_program__fd(s->progs.hsb_tc_egress);
	dp->maps.nat_release = bpf_program__fd(s->progs.hsb_nat_release);
	dp->maps.install_buf = bpf_map__fd(s->maps.hsb_install_buf);
	dp->maps.install_batch = bpf_program__fd(s->progs.hsb_install_batch);
	dp->maps.recheck_buf = bpf_map__fd(s->maps.hsb_recheck_buf);
	dp->maps.recheck = bpf_program__fd(s->progs.hsb_recheck);
}

const struct hsb_dp_maps *hsb_datapath_maps(struct hsb_datapath *dp)
{
	return &dp->maps;
}

static int dp_open(struct hsbd *d, const struct hsb_config *cfg, char *err,
		   size_t errlen)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = d->opt.pin_dir);
	struct hsb_datapath *dp;
	int ret;

	libbpf_set_print(libbpf_to_log);
	ret = hsb_pindir_prepare(d->opt.pin_dir, err, errlen);
	if (ret)
		return ret;
	dp = calloc(1, sizeof(*dp));
	if (!dp)
		return -ENOMEM;
	dp->nr_cpus = libbpf_num_possible_cpus();
	dp->links = hsb_lev_subscribe(d->links, HSB_LEV_LINK, relink, d);
	if (!dp->links) {
		ret = -ENOMEM;
		snprintf(err, errlen, "cannot subscribe to link events");
		goto fail;
	}
	dp->skel = hsb_xdp_bpf__open_opts(&oo);
	if (!dp->skel) {
		ret = -errno;
		snprintf(err, errlen, "cannot open BPF object: %s",
			 strerror(errno));
		goto fail;
	}
	ret = size_session_table(d, dp, cfg);
	if (ret) {
		snprintf(err, errlen, "cannot size the session table: %s",
			 strerror(-ret));
		goto fail;
	}
	ret = hsb_xdp_bpf__load(dp->skel);
	if (ret) {
		snprintf(
			err, errlen,
			"cannot load BPF object: %s (pinned maps from an incompatible hsb version? remove %s; log level debug shows the verifier log)",
			strerror(-ret), d->opt.pin_dir);
		goto fail;
	}
	fill_maps(dp);
	nh_seed(dp);
	d->dp = dp;
	adopt_pinned_ifaces(dp);
	return 0;
fail:
	hsb_lev_unsubscribe(dp->links);
	hsb_xdp_bpf__destroy(dp->skel);
	free(dp);
	return ret;
}

static int dp_start_or_reconcile(struct hsbd *d, const struct hsb_config *cfg,
				 char *err, size_t errlen)
{
	int ret;

	if (!d->dp) {
		ret = dp_open(d, cfg, err, errlen);
		if (ret)
			return ret;
	}
	if (cfg->session.table_size != d->dp->table_size_cfg) {
		d->dp->table_size_cfg = cfg->session.table_size;
		if (cfg->session.table_size == d->dp->maps.sessions_max)
			hsb_info(
				"firewall session table-size %u: the size the table has",
				cfg->session.table_size);
		else
			hsb_warn(
				"firewall session table-size %u: the table keeps its %u entries now; the new size takes effect once hsbd stops without --keep-datapath and starts again",
				cfg->session.table_size,
				d->dp->maps.sessions_max);
	}
	ret = dp_reconcile(d, cfg, err, errlen);
	/* Interfaces (and their XDP programs) may have come or gone, even
	 * half-way on failure: next hops cached before are suspect. */
	hsb_datapath_nh_bump(d->dp);
	return ret;
}

static void dp_stop(struct hsbd *d)
{
	struct hsb_datapath *dp = d->dp;
	unsigned int i;

	if (!dp)
		return;
	if (d->opt.keep_datapath) {
		hsb_info("keeping XDP attached and maps pinned in %s",
			 d->opt.pin_dir);
	} else {
		for (i = 0; i < HSB_MAX_IFACES; i++)
			if (dp->ifaces[i].used)
				release_iface(dp, &dp->ifaces[i]);
		bpf_object__unpin_maps(dp->skel->obj, NULL);
		hsb_pindir_remove(d->opt.pin_dir);
	}
	hsb_lev_unsubscribe(dp->links);
	hsb_xdp_bpf__destroy(dp->skel);
	free(dp);
	d->dp = NULL;
}

static int percpu_sum(struct hsb_datapath *dp, int fd, uint32_t key,
		      size_t nvals, uint64_t *sum)
{
	uint64_t *vals = calloc((size_t)dp->nr_cpus * nvals, sizeof(*vals));
	int cpu, ret;
	size_t j;

	if (!vals)
		return -ENOMEM;
	ret = bpf_map_lookup_elem(fd, &key, vals);
	if (!ret) {
		for (j = 0; j < nvals; j++)
			sum[j] = 0;
		for (cpu = 0; cpu < dp->nr_cpus; cpu++)
			for (j = 0; j < nvals; j++)
				sum[j] += vals[(size_t)cpu * nvals + j];
	}
	free(vals);
	return ret;
}

int hsb_datapath_counter(struct hsb_datapath *dp, enum hsb_counter id,
			 uint64_t *value)
{
	return percpu_sum(dp, bpf_map__fd(dp->skel->maps.hsb_stats), id, 1,
			  value);
}

void hsb_datapath_for_each_iface(struct hsb_datapath *dp, hsb_dp_iface_fn fn,
				 void *ctx)
{
	int fd = bpf_map__fd(dp->skel->maps.hsb_if_stats);
	unsigned int i;

	for (i = 0; i < HSB_MAX_IFACES; i++) {
		struct dp_iface *ifc = &dp->ifaces[i];
		uint64_t st[2] = { 0, 0 };
		struct hsb_dp_iface_info info;

		if (!ifc->used)
			continue;
		percpu_sum(dp, fd, i, 2, st);
		info = (struct hsb_dp_iface_info){
			.name = ifc->name,
			.ifindex = ifc->ifindex,
			.zone_id = ifc->zone_id,
			.zone = ifc->zone,
			.generic = ifc->generic,
			.rx_packets = st[0],
			.rx_bytes = st[1],
		};
		fn(&info, ctx);
	}
}

static const char *const counter_names[] = {
#define HSB_COUNTER_NAME(id, name, help) name,
	HSB_COUNTERS(HSB_COUNTER_NAME)
#undef HSB_COUNTER_NAME
};

static void dp_counters(struct hsbd *d, struct json_object *out)
{
	uint64_t v;
	int i;

	json_object_object_add(
		out, "session_capacity",
		json_object_new_uint64(d->dp->maps.sessions_max));
	json_object_object_add(out, "nh_generation_bumps",
			       json_object_new_uint64(d->dp->nh_bumps));
	for (i = 0; i < HSB_CNT__MAX; i++)
		if (hsb_datapath_counter(d->dp, i, &v) == 0)
			json_object_object_add(out, counter_names[i],
					       json_object_new_uint64(v));
}

const struct hsb_engine hsb_datapath_engine = {
	.name = "datapath",
	.reconcile = dp_start_or_reconcile,
	.stop = dp_stop,
	.counters = dp_counters,
};
