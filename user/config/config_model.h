/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The configuration model: a plain struct hsbd reads directly. Every list
 * has a fixed capacity (HSB_CFG_MAX_*); commands that would exceed one are
 * refused. Only hsb_config_new() gives a valid model; change it through
 * hsb_config_apply_*() so the invariants below hold:
 *   - names are NUL-terminated and valid for their kind,
 *   - every reference (zone, address-group, vgmp group, interface of a
 *     VRRP instance) names an object that exists,
 *   - list order is meaningful only for rules (first match wins).
 * Addresses are in network byte order.
 */
#ifndef HSB_CONFIG_MODEL_H
#define HSB_CONFIG_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "log_level.h"

#define HSB_CFG_NAME_MAX 32 /* zones, rules, groups, servers */
#define HSB_CFG_NAME_SIZE (HSB_CFG_NAME_MAX + 1)
#define HSB_CFG_IFNAME_SIZE 16 /* IFNAMSIZ */
#define HSB_CFG_SYSNAME_SIZE 64
#define HSB_CFG_KEY_SIZE 65 /* hrp authentication-key: 8..64 chars */
#define HSB_CFG_NOTIFY_SIZE 256 /* vrrp notify command: 1..255 chars */

#define HSB_CFG_MAX_IFACES 32
#define HSB_CFG_MAX_ZONES 64 /* user-defined, besides the 4 built-in */
#define HSB_CFG_MAX_SEC_RULES 1024
#define HSB_CFG_MAX_LIST 4096 /* blacklist and whitelist, each */
#define HSB_CFG_MAX_NAT_GROUPS 64
#define HSB_CFG_MAX_NAT_SECTIONS 16 /* per address-group */
#define HSB_CFG_MAX_NAT_RULES 1024
#define HSB_CFG_MAX_NAT_SERVERS 256
#define HSB_CFG_MAX_VGMP 4
#define HSB_CFG_MAX_TRACKS 16 /* per vgmp group */
#define HSB_CFG_MAX_VRRP 64
#define HSB_CFG_MAX_VIPS 16 /* per VRRP instance */
#define HSB_CFG_MAX_PEERS 16 /* unicast peers per VRRP instance */

/* Defaults (a default is never printed by the canonical render). */
#define HSB_CFG_DEF_SYSNAME "hsb"
#define HSB_CFG_DEF_TABLE_SIZE 262144u
#define HSB_CFG_DEF_NAT_PORT_LO 1024
#define HSB_CFG_DEF_NAT_PORT_HI 65535
#define HSB_CFG_DEF_HRP_PORT 18514
#define HSB_CFG_DEF_VGMP_PRIORITY 65000 /* 65001 on the preferred host */
#define HSB_CFG_DEF_VGMP_HELLO_MS 1000
#define HSB_CFG_DEF_VGMP_DEAD_COUNT 3
#define HSB_CFG_DEF_TRACK_REDUCE 2
#define HSB_CFG_DEF_TRACK_THRESHOLD 3 /* probes missed in a row */
#define HSB_CFG_DEF_TRACK_INTERVAL_MS 1000
#define HSB_CFG_DEF_VRRP_PRIORITY 100
#define HSB_CFG_DEF_VRRP_ADVERT_CS 100
#define HSB_CFG_DEF_VRRP_VERSION 3
#define HSB_CFG_DEF_GARP_COUNT 5
#define HSB_CFG_DEF_GARP_INTERVAL_MS 200

/* AF_UNSPEC (0) in family means "not set" (e.g. any source address). */
struct hsb_cfg_addr {
	int family;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

struct hsb_cfg_prefix {
	struct hsb_cfg_addr addr;
	unsigned int len;
};

enum hsb_xdp_mode {
	HSB_XDP_MODE_AUTO = 0, /* native, falling back to generic */
	HSB_XDP_MODE_NATIVE,
	HSB_XDP_MODE_GENERIC,
};

struct hsb_cfg_iface {
	char name[HSB_CFG_IFNAME_SIZE];
	char zone[HSB_CFG_NAME_SIZE]; /* "" when in no zone */
	enum hsb_xdp_mode xdp_mode;
};

/* The zones that always exist, in the order of their datapath ids
 * (include/hsb/abi.h: HSB_ZONE_LOCAL ... HSB_ZONE_DMZ). */
#define HSB_CFG_N_BUILTIN_ZONES 4
extern const char *const hsb_cfg_builtin_zones[HSB_CFG_N_BUILTIN_ZONES];

/* A user-defined zone, besides the built-in ones. */
struct hsb_cfg_zone {
	char name[HSB_CFG_NAME_SIZE];
};

#define HSB_CFG_PROTO_ANY (-1) /* else an IP protocol number 0..255 */

/* What a security or NAT rule matches. */
struct hsb_cfg_match {
	char from[HSB_CFG_NAME_SIZE];
	char to[HSB_CFG_NAME_SIZE];
	struct hsb_cfg_prefix src; /* family AF_UNSPEC: any */
	struct hsb_cfg_prefix dst;
	int protocol;
	uint16_t dport_lo; /* 0..0: any; only with TCP/UDP */
	uint16_t dport_hi;
};

enum hsb_cfg_action {
	HSB_CFG_ACTION_PERMIT = 0,
	HSB_CFG_ACTION_DENY,
};

struct hsb_cfg_sec_rule {
	char name[HSB_CFG_NAME_SIZE];
	struct hsb_cfg_match match;
	enum hsb_cfg_action action;
};

/* Blacklist and whitelist entries (whitelist entries never expire). */
struct hsb_cfg_list_entry {
	struct hsb_cfg_prefix prefix;
	uint32_t expire; /* seconds after the entry is applied; 0: never */
};

enum hsb_session_tmo {
	HSB_TMO_TCP_SYN = 0,
	HSB_TMO_TCP_ESTABLISHED,
	HSB_TMO_TCP_FIN,
	HSB_TMO_TCP_TIME_WAIT,
	HSB_TMO_TCP_CLOSE,
	HSB_TMO_UDP,
	HSB_TMO_ICMP,
	HSB_TMO_COUNT,
};

struct hsb_cfg_session {
	uint32_t table_size;
	uint32_t timeout[HSB_TMO_COUNT]; /* seconds */
};

enum hsb_nat_mode {
	HSB_NAT_MODE_PAT = 0,
	HSB_NAT_MODE_NO_PAT,
};

/* An inclusive IPv4 address range. */
struct hsb_cfg_nat_section {
	struct in_addr lo;
	struct in_addr hi;
};

struct hsb_cfg_nat_group {
	char name[HSB_CFG_NAME_SIZE];
	enum hsb_nat_mode mode;
	struct hsb_cfg_nat_section sections[HSB_CFG_MAX_NAT_SECTIONS];
	unsigned int n_sections;
	uint16_t port_lo; /* PAT only */
	uint16_t port_hi;
	/* `vrrp vrid N`: the addresses follow the IPv4 VRRP instance with
	 * this VRID (user/hsbd/ha/switchover.h); 0: the default binding,
	 * the lowest IPv4 VRID of the interface they are answered on. */
	uint32_t vrrp_vrid;
};

/* Which half of each PAT port range this host allocates from. */
enum hsb_nat_partition {
	HSB_NAT_PARTITION_NONE = 0,
	HSB_NAT_PARTITION_LOWER,
	HSB_NAT_PARTITION_UPPER,
};

enum hsb_nat_action {
	HSB_NAT_ACTION_SOURCE_NAT = 0,
	HSB_NAT_ACTION_NO_NAT,
};

/* NAT is IPv4 only: prefixes in match are AF_INET or unset. */
struct hsb_cfg_nat_rule {
	char name[HSB_CFG_NAME_SIZE];
	struct hsb_cfg_match match;
	enum hsb_nat_action action;
	char group[HSB_CFG_NAME_SIZE]; /* source-nat only */
};

struct hsb_cfg_nat_server {
	char name[HSB_CFG_NAME_SIZE];
	int protocol; /* IPPROTO_TCP, IPPROTO_UDP or HSB_CFG_PROTO_ANY */
	struct in_addr global;
	uint16_t global_port; /* 0: all ports (then inside_port is 0 too) */
	struct in_addr inside;
	uint16_t inside_port;
	char zone[HSB_CFG_NAME_SIZE]; /* "" when any */
};

struct hsb_cfg_hrp {
	bool enable;
	bool has_link; /* hrp interface ... configured */
	char ifname[HSB_CFG_IFNAME_SIZE];
	struct hsb_cfg_addr remote;
	struct hsb_cfg_addr local; /* AF_UNSPEC: chosen by the kernel */
	uint16_t port;
	char auth_key[HSB_CFG_KEY_SIZE]; /* "" when none */
	bool mirror_session;
	bool auto_sync_config; /* default on */
	bool auto_sync_state; /* default on */
	bool standby_config;
};

enum hsb_vgmp_mode {
	HSB_VGMP_MODE_ACTIVE_STANDBY = 0,
	HSB_VGMP_MODE_LOAD_BALANCE,
};

enum hsb_track_type {
	HSB_TRACK_INTERFACE = 0,
	HSB_TRACK_IP,
};

/* Identity: (type, ifname) for interface tracks, (type, ip) for IP. */
struct hsb_cfg_track {
	enum hsb_track_type type;
	char ifname[HSB_CFG_IFNAME_SIZE]; /* IP tracks: "" or egress */
	struct hsb_cfg_addr ip;
	uint32_t interval_ms; /* IP tracks */
	uint32_t threshold; /* IP tracks: probes missed in a row = down */
	uint32_t reduce;
};

struct hsb_cfg_vgmp {
	char name[HSB_CFG_NAME_SIZE];
	uint32_t priority;
	bool preempt; /* default off */
	uint32_t preempt_delay; /* seconds */
	uint32_t hello_ms;
	uint32_t dead_count;
	enum hsb_vgmp_mode mode;
	struct hsb_cfg_track tracks[HSB_CFG_MAX_TRACKS];
	unsigned int n_tracks;
	char notify[HSB_CFG_NOTIFY_SIZE]; /* "" when none */
};

/* Identity: (vrid, ifname). VIPs (at least one) share one family. */
struct hsb_cfg_vrrp {
	uint32_t vrid;
	char ifname[HSB_CFG_IFNAME_SIZE];
	struct hsb_cfg_prefix vips[HSB_CFG_MAX_VIPS]; /* len: on-link */
	unsigned int n_vips;
	uint32_t priority; /* 255: address owner */
	uint32_t advert_cs;
	bool preempt; /* default on */
	uint32_t preempt_delay_cs;
	bool accept;
	uint32_t version;
	struct hsb_cfg_addr peers[HSB_CFG_MAX_PEERS]; /* unicast */
	unsigned int n_peers;
	uint32_t garp_count;
	uint32_t garp_interval_ms;
	uint32_t garp_refresh_s; /* 0: no periodic refresh */
	bool vmac;
	char vgmp_group[HSB_CFG_NAME_SIZE]; /* "" when none */
	char notify[HSB_CFG_NOTIFY_SIZE]; /* "" when none */
};

struct hsb_cfg_metrics {
	bool enable;
	struct hsb_cfg_addr addr;
	uint16_t port;
};

struct hsb_config {
	char sysname[HSB_CFG_SYSNAME_SIZE];
	enum hsb_log_level log_level;

	struct hsb_cfg_zone zones[HSB_CFG_MAX_ZONES];
	unsigned int n_zones;
	struct hsb_cfg_iface ifaces[HSB_CFG_MAX_IFACES];
	unsigned int n_ifaces;

	struct hsb_cfg_session session;
	struct hsb_cfg_list_entry blacklist[HSB_CFG_MAX_LIST];
	unsigned int n_blacklist;
	struct hsb_cfg_list_entry whitelist[HSB_CFG_MAX_LIST];
	unsigned int n_whitelist;
	struct hsb_cfg_sec_rule sec_rules[HSB_CFG_MAX_SEC_RULES];
	unsigned int n_sec_rules;

	struct hsb_cfg_nat_group nat_groups[HSB_CFG_MAX_NAT_GROUPS];
	unsigned int n_nat_groups;
	enum hsb_nat_partition nat_partition;
	struct hsb_cfg_nat_rule nat_rules[HSB_CFG_MAX_NAT_RULES];
	unsigned int n_nat_rules;
	struct hsb_cfg_nat_server nat_servers[HSB_CFG_MAX_NAT_SERVERS];
	unsigned int n_nat_servers;

	struct hsb_cfg_hrp hrp;
	struct hsb_cfg_vgmp vgmp[HSB_CFG_MAX_VGMP];
	unsigned int n_vgmp;
	struct hsb_cfg_vrrp vrrp[HSB_CFG_MAX_VRRP];
	unsigned int n_vrrp;
	struct hsb_cfg_metrics metrics;
};

#endif /* HSB_CONFIG_MODEL_H */
