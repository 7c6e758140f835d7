/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hsbd's shared state and the engine interface.
 *
 * An engine (datapath, later VRRP, VGMP, HRP) is a reconciler: given a
 * configuration, it makes the system match it. Applying a configuration
 * change reconciles every engine to the new configuration in order; if one
 * fails, the engines already moved are reconciled back to the old one, so
 * a change is all or nothing as seen from outside.
 */
#ifndef HSBD_H
#define HSBD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "evloop.h"

struct json_object;
struct hsb_datapath;
struct hsb_ctl_server;
struct hsb_policy_state;
struct hsb_lists;
struct hsb_bus;
struct hsb_collector;
struct hsb_sweeper;
struct hsb_recheck_engine;
struct hsb_vrrp;
struct hsb_vgmp;
struct hsb_hrp;
struct hsb_nat;
struct hsb_switchover;
struct hsb_link_events;
struct hsb_metrics;
struct hsbd_service;
struct hsbd_monitor;

/* Where a configuration change comes from: HRP's configuration backup
 * replicates an operator's change, never one it applied from the peer,
 * and refuses an operator's change of the backed-up part on HRP_S. */
enum hsbd_origin {
	HSBD_ORIGIN_OPERATOR = 0, /* hsbctl config, a reload */
	HSBD_ORIGIN_PEER, /* HRP configuration backup */
	HSBD_ORIGIN_EXPIRY, /* a blacklist entry's expire */
};

struct hsbd_options {
	const char *config_path; /* /etc/hsb/hsbd.conf */
	const char *sock_path; /* /run/hsb/hsbd.sock */
	const char *pin_dir; /* /sys/fs/bpf/hsb */
	/* --socket-group: its members may use the control socket read-only;
	 * (gid_t)-1 when not given */
	gid_t sock_group;
	bool keep_datapath; /* leave XDP attached and maps pinned */
	bool allow_core_dumps; /* --allow-core-dumps: the key may be dumped */
	bool syslog;
	bool debug; /* debug logging regardless of `log level` */
};

struct hsbd {
	struct hsbd_options opt;
	struct hsb_loop *loop;
	/* rtnetlink changes, for the engines that subscribe; opened before
	 * them (netlink/link_events.h) */
	struct hsb_link_events *links;
	struct hsb_config *cfg; /* the running configuration */
	/* of the change being applied (valid during reconcile/applied) */
	enum hsbd_origin origin;
	uint64_t started_ms;
	struct hsb_datapath *dp;
	struct hsb_policy_state *policy;
	struct hsb_lists *lists;
	/* every change record, and the sweeper's passes (records/bus.h) */
	struct hsb_bus *bus;
	struct hsb_collector *collector;
	struct hsb_sweeper *sweeper;
	/* lists and policy on live sessions (sessions/session_recheck.h) */
	struct hsb_recheck_engine *recheck;
	struct hsb_switchover *ha; /* groups, slots, transitions */
	struct hsb_vrrp *vrrp; /* NULL until a vrrp instance is configured */
	struct hsb_vgmp *vgmp; /* NULL until a vgmp group is configured */
	struct hsb_hrp *hrp; /* NULL until hrp enable */
	struct hsb_nat *nat;
	struct hsb_ctl_server *ctl;
	struct hsb_metrics *metrics; /* NULL unless metrics listen */
	/* systemd notifications; NULL before READY=1 (service/service.h) */
	struct hsbd_service *svc;
	/* what hsbctl monitor streams; NULL before the control socket
	 * (monitor/mon_feed.h) */
	struct hsbd_monitor *mon;
	struct {
		uint64_t config_applied;
		uint64_t config_refused;
		uint64_t reloads;
		uint64_t reload_failures;
	} stats;
};

struct hsb_engine {
	const char *name;
	/* Make the system match cfg; on failure leave a message in err. */
	int (*reconcile)(struct hsbd *d, const struct hsb_config *cfg,
			 char *err, size_t errlen);
	/* Orderly shutdown; honours d->opt.keep_datapath. */
	void (*stop)(struct hsbd *d);
	/* Adds this engine's counters to a JSON object. */
	void (*counters)(struct hsbd *d, struct json_object *out);
	/* Optional: a change was committed (d->cfg is the new one, prev
	 * the old; d->origin says whose). Not called on a rollback. */
	void (*applied)(struct hsbd *d, const struct hsb_config *prev);
};

extern const struct hsb_engine hsb_datapath_engine;
extern const struct hsb_engine hsb_policy_engine;
extern const struct hsb_engine hsb_lists_engine;
extern const struct hsb_engine hsb_recheck_engine;
extern const struct hsb_engine hsb_events_engine;
extern const struct hsb_engine hsb_ha_engine;
extern const struct hsb_engine hsb_vrrp_engine;
extern const struct hsb_engine hsb_vgmp_engine;
extern const struct hsb_engine hsb_hrp_engine;
extern const struct hsb_engine hsb_nat_engine;
extern const struct hsb_engine hsb_metrics_engine;

/* Reconcile all engines to next, rolling back on failure. On success the
 * daemon takes ownership of next and frees the previous configuration. */
int hsbd_apply_config(struct hsbd *d, struct hsb_config *next, char *err,
		      size_t errlen);
/* The same for a change that is not an operator's. */
int hsbd_apply_config_from(struct hsbd *d, struct hsb_config *next,
			   enum hsbd_origin origin, char *err, size_t errlen);

/* Re-read the configuration file (SIGHUP). Keeps the running config when
 * the file is invalid or cannot be applied. */
int hsbd_reload(struct hsbd *d);

/* Open the link-event source, then start every engine on d->cfg; stop
 * them all in reverse order, then close the source. */
int hsbd_start_engines(struct hsbd *d, char *err, size_t errlen);
void hsbd_stop_engines(struct hsbd *d);
/* Every engine's counters, one JSON object per engine name. */
void hsbd_engine_counters(struct hsbd *d, struct json_object *out);

#endif /* HSBD_H */
