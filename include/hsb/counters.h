/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Global datapath counters: one per-CPU __u64 slot per index in the
 * hsb_stats map. HSB_COUNTERS is an X-macro so the enum (BPF and userspace)
 * and the names printed by `hsbctl show counters` come from one list.
 * Append only: the index is ABI (pinned maps survive an upgrade of hsbd).
 */
#ifndef HSB_COUNTERS_H
#define HSB_COUNTERS_H

#include "abi.h"

#define HSB_COUNTERS(X)                                                        \
	X(RX_PACKETS, "rx_packets", "packets seen by the XDP program")         \
	X(RX_BYTES, "rx_bytes", "bytes seen by the XDP program")               \
	X(PASS, "pass", "packets handed to the kernel stack")                  \
	X(UNMANAGED_IFACE, "unmanaged_iface",                                  \
	  "packets on an interface missing from hsb_ifaces (passed)")          \
	X(DROP, "drop", "packets dropped (sum of the drop reasons)")           \
	X(REDIRECT, "redirect", "packets forwarded by XDP redirect")           \
	X(HEARTBEAT, "heartbeat",                                              \
	  "packets on a heartbeat interface (passed untouched)")               \
	X(NON_IP, "non_ip", "non-IP ethertypes (passed)")                      \
	X(ARP, "arp", "ARP packets (passed)")                                  \
	X(ND, "nd", "IPv6 neighbour discovery packets (passed)")               \
	X(VRRP, "vrrp", "VRRP packets, IP protocol 112 (passed)")              \
	X(IGMP_MLD, "igmp_mld", "IGMP and MLD packets (passed)")               \
	X(FRAGMENT, "fragment", "IP fragments, not tracked by hsb (passed)")   \
	X(BAD_L2, "bad_l2",                                                    \
	  "truncated VLAN tag or nested VLAN tags (dropped)")                  \
	X(BAD_L3, "bad_l3",                                                    \
	  "truncated or malformed IPv4/IPv6 header (dropped)")                 \
	X(BAD_IPV6_EXT, "bad_ipv6_ext",                                        \
	  "IPv6 extension headers truncated or too many (dropped)")            \
	X(BAD_L4, "bad_l4",                                                    \
	  "truncated or malformed TCP/UDP/ICMP header (dropped)")              \
	X(WHITELIST, "whitelist", "packets matching the whitelist")            \
	X(BLACKLIST, "blacklist",                                              \
	  "packets from a blacklisted source (dropped)")                       \
	X(SESSION_HIT, "session_hit", "packets of an existing session")        \
	X(SESSION_NEW, "session_new", "sessions created")                      \
	X(SESSION_FAIL, "session_fail",                                        \
	  "session inserts that failed (packet dropped)")                      \
	X(TCP_REUSE, "tcp_reuse",                                              \
	  "SYN on a closed session: session started again")                    \
	X(STATE_CHANGE, "state_change", "session state transitions")           \
	X(POLICY_PERMIT, "policy_permit", "first packets permitted by a rule") \
	X(POLICY_DENY, "policy_deny",                                          \
	  "first packets denied by a rule (dropped)")                          \
	X(POLICY_DEFAULT, "policy_default_deny",                               \
	  "first packets matching no rule (dropped)")                          \
	X(TCP_NO_SESSION, "tcp_no_session",                                    \
	  "TCP packets other than SYN without a session (dropped)")            \
	X(TCP_BAD_FLAGS, "tcp_bad_flags",                                      \
	  "TCP flag combinations that are never valid (dropped)")              \
	X(ICMP_NO_SESSION, "icmp_no_session",                                  \
	  "ICMP echo replies without a session (dropped)")                     \
	X(ICMP_ERR_RELATED, "icmp_err_related",                                \
	  "ICMP errors about an existing session (forwarded)")                 \
	X(ICMP_ERR_NO_SESSION, "icmp_err_no_session",                          \
	  "ICMP errors about no known session (dropped)")                      \
	X(EVENTS, "events", "change records written to the ring")              \
	X(RING_FULL, "ring_full",                                              \
	  "change records lost to a full ring (entry marked dirty)")           \
	X(FIB_LOCAL, "fib_local",                                              \
	  "packets for this host or multicast/broadcast (passed)")             \
	X(FIB_NO_NEIGH, "fib_no_neigh",                                        \
	  "next hop unresolved, kernel resolves it (passed)")                  \
	X(FIB_FRAG_NEEDED, "fib_frag_needed",                                  \
	  "packets above the egress MTU (passed, kernel answers)")             \
	X(FIB_UNREACHABLE, "fib_unreachable",                                  \
	  "blackhole/unreachable/prohibit route (dropped)")                    \
	X(FIB_OTHER, "fib_other", "route lookup failed otherwise (passed)")    \
	X(TTL_EXCEEDED, "ttl_exceeded",                                        \
	  "TTL/hop limit would expire (passed, kernel answers)")               \
	X(VLAN_PASS, "vlan_pass",                                              \
	  "tagged packets forwarded by the kernel after the firewall")         \
	X(NH_MISS, "nh_cache_miss",                                            \
	  "session packets routed by a FIB lookup: next-hop cache empty, "     \
	  "stale or too short for the packet")                                 \
	X(NAT_SNAT, "nat_snat", "sessions created with source NAT")            \
	X(NAT_DNAT, "nat_dnat", "sessions created by the server map (DNAT)")   \
	X(NAT_EXHAUSTED, "nat_exhausted",                                      \
	  "first packets dropped: no free port/address in the pool")           \
	X(NAT_PROBE_BUSY, "nat_probe_busy",                                    \
	  "PAT/NO-PAT allocation probes that found the slot taken")            \
	X(NAT_NO_POOL, "nat_no_pool",                                          \
	  "first packets dropped: source-nat group has no address")            \
	X(NAT_XLATE, "nat_xlate", "packets translated")                        \
	X(NAT_ICMP_ERR, "nat_icmp_err",                                        \
	  "ICMP errors translated (outer and embedded headers)")               \
	X(VADDR_ARP_REPLY, "vaddr_arp_reply",                                  \
	  "ARP requests for active virtual/NAT addresses answered (XDP_TX)")   \
	X(VADDR_NA_REPLY, "vaddr_na_reply",                                    \
	  "neighbour solicitations for active VIPs answered (XDP_TX)")         \
	X(VADDR_STANDBY, "vaddr_standby",                                      \
	  "ARP/ND/packets for addresses of a standby group (dropped)")         \
	X(VADDR_NOT_ACCEPTED, "vaddr_not_accepted",                            \
	  "packets to a VIP without accept mode (dropped, RFC 5798)")          \
	X(VMAC_STANDBY, "vmac_standby",                                        \
	  "frames to the virtual MAC of a standby group (dropped)")            \
	X(VMAC_RX, "vmac_rx",                                                  \
	  "frames to an active virtual MAC (taken as the interface's own)")    \
	X(VMAC_TX, "vmac_tx",                                                  \
	  "frames sent with an active virtual MAC as source (TC egress)")      \
	X(NOT_FOR_US, "not_for_us",                                            \
	  "unicast frames to a MAC neither the interface's nor an active "     \
	  "virtual MAC of it: another host's (dropped)")                       \
	X(NAT_BYPASS, "nat_bypass",                                            \
	  "replies of a translated session sent to its untranslated "          \
	  "address, around the mapping (dropped)")                             \
	X(PEER_FWD_TX, "peer_fwd_tx",                                          \
	  "packets without a session here sent to the peer, which may have "   \
	  "it (quick session backup)")                                         \
	X(PEER_FWD_LIMITED, "peer_fwd_limited",                                \
	  "packets for the peer over the per-CPU budget (dropped)")            \
	X(PEER_FWD_NO_ROUTE, "peer_fwd_no_route",                              \
	  "packets for the peer with no route or neighbour to it on the "      \
	  "heartbeat link (dropped)")                                          \
	X(PEER_FWD_RX, "peer_fwd_rx",                                          \
	  "frames the peer sent for a session of this host, untagged")         \
	X(PEER_FWD_BAD, "peer_fwd_bad",                                        \
	  "frames from the peer with a bad tag, or not an IP packet it may "   \
	  "send (dropped)")                                                    \
	X(PEER_FWD_NO_SESSION, "peer_fwd_no_session",                          \
	  "packets from the peer without a session here either (dropped)")

enum hsb_counter {
#define HSB_COUNTER_ENUM(id, name, help) HSB_CNT_##id,
	HSB_COUNTERS(HSB_COUNTER_ENUM)
#undef HSB_COUNTER_ENUM
		HSB_CNT__MAX
};

/* Per-interface counters, indexed by struct hsb_iface.slot. */
struct hsb_iface_stats {
	__u64 rx_packets;
	__u64 rx_bytes;
};
HSB_ASSERT_SIZE(struct hsb_iface_stats, 16);

#endif /* HSB_COUNTERS_H */
