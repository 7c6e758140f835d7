#!/usr/bin/env bash
# The stateful firewall end to end: client -- fw -- server on veth pairs,
# hsbd on fw with f0 in zone trust and f1 in zone untrust. Traffic from
# inside (TCP transfer, UDP, ping, IPv6 ping) passes and creates sessions;
# unsolicited traffic from outside is dropped; the blacklist drops and the
# whitelist overrides it; sessions show in hsbctl and bpftool, expire on
# schedule and can be cleared.
. "$(dirname "$0")/lib.sh"
hsb_test_init firewall

new_netns cl || exit 1
CL=$NS
new_netns fw || exit 1
FW=$NS
new_netns sv || exit 1
SV=$NS
ip link add c0 netns "$CL" type veth peer name f0 netns "$FW"
ip link add s0 netns "$SV" type veth peer name f1 netns "$FW"
ip -n "$CL" addr add 10.1.0.2/24 dev c0
ip -n "$CL" addr add fd00:1::2/64 dev c0 nodad
ip -n "$FW" addr add 10.1.0.1/24 dev f0
ip -n "$FW" addr add fd00:1::1/64 dev f0 nodad
ip -n "$FW" addr add 10.2.0.1/24 dev f1
ip -n "$FW" addr add fd00:2::1/64 dev f1 nodad
ip -n "$SV" addr add 10.2.0.2/24 dev s0
ip -n "$SV" addr add fd00:2::2/64 dev s0 nodad
for l in "$CL c0" "$FW f0" "$FW f1" "$SV s0"; do
	set -- $l
	ip -n "$1" link set "$2" up
done
ip -n "$CL" route add default via 10.1.0.1
ip -n "$CL" -6 route add default via fd00:1::1
ip -n "$SV" route add default via 10.2.0.1
ip -n "$SV" -6 route add default via fd00:2::1
ip netns exec "$FW" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "$FW" sysctl -qw net.ipv6.conf.all.forwarding=1
# XDP redirects into a veth only reach a peer with NAPI up: GRO on the
# receiving ends (../../shared/lab-facts.md).
ip netns exec "$CL" ethtool -K c0 gro on >/dev/null
ip netns exec "$SV" ethtool -K s0 gro on >/dev/null
# A veth hands its peer UDP/TCP packets with the checksum left to
# offload; XDP forwards frames as bytes, so the far end would see a bad
# checksum. Hosts on a wire send complete checksums: make the ends do so.
ip netns exec "$CL" ethtool -K c0 tx off >/dev/null
ip netns exec "$SV" ethtool -K s0 tx off >/dev/null

CONF=$T_DIR/hsbd.conf
cat >"$CONF" <<'CFG'
sysname fw
interface f0 zone trust
interface f1 zone untrust
firewall session timeout udp 3
security-policy rule out from trust to untrust action permit
security-policy rule mgmt from trust to local action permit
CFG

ctl() { "$HSBCTL" -s "$A_SOCK" "$@"; }
# jq-like access without jq: json_get 'd["events"]["events_new"]'
counter() { ctl -j show counters | json_get "d[\"$1\"][\"$2\"]"; }
n_sessions() { ctl -j show sessions "$@" | json_get 'd["matched"]'; }
cl() { ip netns exec "$CL" "$@"; }
sv() { ip netns exec "$SV" "$@"; }
# background process inside a namespace, killed by the EXIT trap
bg_in() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@" >/dev/null 2>&1 &
	T_PIDS+=("$!")
}
gt() { [ "$1" -gt "$2" ]; }

echo "-- start"
start_hsbd A "$FW" "$CONF" || exit 1
check "XDP attached to both fw interfaces" sh -c \
	"ip -n '$FW' -d link show f0 | grep -q prog/xdp && ip -n '$FW' -d link show f1 | grep -q prog/xdp"
check "session, list and policy maps pinned" sh -c \
	"for m in hsb_sessions hsb_events hsb_blacklist hsb_whitelist hsb_policy hsb_policy_ctl; do test -e '$A_PINS'/\$m || exit 1; done"
check "policy: 2 rules live" test "$(counter policy rules)" = 2
check "no sessions yet" test "$(n_sessions)" = 0

echo "-- inside -> outside passes"
check "ping client -> server" cl ping -c 3 -i 0.2 -W 2 10.2.0.2
check "IPv6 ping client -> server" cl ping -6 -c 3 -i 0.2 -W 2 fd00:2::2
head -c 2000000 /dev/urandom >"$T_DIR/blob"
bg_in "$SV" timeout 30 socat -u TCP4-LISTEN:5001,reuseaddr "OPEN:$T_DIR/got,creat,trunc"
wait_for 5 sh -c "ip netns exec '$SV' ss -ltn | grep -q ':5001 '"
check "TCP transfer of 2 MB client -> server" cl timeout 20 socat -u \
	"OPEN:$T_DIR/blob" TCP4:10.2.0.2:5001
check "the server received every byte" wait_for 5 cmp -s "$T_DIR/blob" "$T_DIR/got"
# A UDP responder that answers every datagram (socat's fork mode dropped
# the odd first reply).
bg_in "$SV" timeout 60 python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 5002))
while True:
    _, peer = s.recvfrom(2048)
    s.sendto(b"pong\n", peer)
'
wait_for 5 sh -c "ip netns exec '$SV' ss -lun | grep -q ':5002 '"
check "UDP request and reply" sh -c \
	"echo ping | ip netns exec '$CL' timeout 5 socat -t 1 -T 3 - UDP4:10.2.0.2:5002 | grep -qx pong"
check "XDP forwarded packets (redirect counter moved)" gt "$(counter datapath redirect)" 0
check "collector read NEW records" gt "$(counter events events_new)" 0
check "no malformed records" test "$(counter events events_malformed)" = 0

echo "-- sessions are visible"
check "show sessions" ctl show sessions
last_has "TCP session listed initiator first" "10.1.0.2:"
last_has "with the server as responder" "10.2.0.2:5001"
last_has "zones shown" "trust->untrust"
last_has "a count line" "table capacity"
ctl -j show sessions protocol tcp destination 10.2.0.2 port 5001 >"$T_DIR/tcp.json"
check "filtered JSON: one TCP session to :5001" test "$(json_get 'd["matched"]' <"$T_DIR/tcp.json")" = 1
check "JSON fields: initiator, zones, bytes" python3 -c '
import json,sys
s = json.load(open(sys.argv[1]))["sessions"][0]
assert s["family"] == "ipv4" and s["protocol"] == "tcp", s
assert s["initiator"]["addr"] == "10.1.0.2", s
assert s["responder"] == {"addr": "10.2.0.2", "port": 5001}, s
assert s["zone_in"] == "trust" and s["zone_out"] == "untrust", s
assert s["bytes"]["orig"] > 2000000 and s["packets"]["reply"] > 0, s
assert s["state"] in ("fin-wait", "close-wait", "time-wait", "close", "established"), s
' "$T_DIR/tcp.json"
check "IPv6 ICMP session listed" test "$(n_sessions source fd00:1::2 protocol icmpv6)" -ge 1
check "bpftool dumps the pinned session table" sh -c \
	"bpftool map dump pinned '$A_PINS/hsb_sessions' >'$T_DIR/dump.txt'"
check "bpftool shows port 5001 as a number" grep -q '"port_[ab]": 5001' "$T_DIR/dump.txt"
check "bpftool shows the session state and counters" grep -q '"packets"' "$T_DIR/dump.txt"
check_exit "bad filter refused" 1 ctl show sessions port 99999
last_has "and says why" "port: expected 1..65535"
check_exit "unknown filter word refused" 1 ctl show sessions colour red
last_has "naming the filters" "unknown filter 'colour'"

echo "-- outside -> inside is dropped"
bg_in "$CL" timeout 30 socat -u TCP4-LISTEN:5003,reuseaddr OPEN:/dev/null
wait_for 5 sh -c "ip netns exec '$CL' ss -ltn | grep -q ':5003 '"
deny0=$(counter datapath policy_default_deny)
check_exit "unsolicited ping server -> client fails" 1 \
	sv ping -c 2 -i 0.2 -W 1 10.1.0.2
check_exit "unsolicited TCP connect server -> client fails" 1 \
	sv timeout 5 socat -u /dev/null TCP4:10.1.0.2:5003,connect-timeout=2
deny1=$(counter datapath policy_default_deny)
check "default-deny counter moved ($deny0 -> $deny1)" gt "$deny1" "$deny0"
check "no session from untrust" test "$(n_sessions zone untrust source 10.2.0.2)" = 0

echo "-- blacklist and whitelist"
check "the client's TCP session (the transfer) is there" test "$(n_sessions protocol tcp source 10.1.0.2)" -ge 1
check "blacklist the client" ctl config 'firewall blacklist 10.1.0.2'
check "which ends the sessions it started" wait_for 3 sh -c "[ \$('$HSBCTL' -s '$A_SOCK' -j show sessions source 10.1.0.2 | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"matched\"])') = 0 ]"
check "counted (recheck ended_blacklist)" gt "$(counter recheck ended_blacklist)" 0
check "show blacklist" ctl show blacklist
last_has "lists the entry" "10.1.0.2/32"
check_exit "blacklisted client cannot open a session" 1 \
	cl ping -c 2 -i 0.2 -W 1 10.2.0.2
check "blacklist counter moved" gt "$(counter datapath blacklist)" 0
check "entry hits counted" test "$(ctl -j show blacklist | json_get 'd["entries"][0]["hits"]')" -gt 0
check "whitelist the client's network" ctl config 'firewall whitelist 10.1.0.0/24'
check "whitelisted client passes despite the blacklist" \
	cl ping -c 2 -i 0.2 -W 2 10.2.0.2
check "whitelist counter moved" gt "$(counter datapath whitelist)" 0
check "remove both" ctl config 'undo firewall whitelist 10.1.0.0/24' \
	'undo firewall blacklist 10.1.0.2'
check "blacklist empty again" test "$(ctl -j show blacklist | json_get 'len(d["entries"])')" = 0
check "blacklist entry with expiry" ctl config 'firewall blacklist 192.0.2.0/24 expire 2'
check "expiring entry removed from map and config" wait_for 5 sh -c \
	"! '$HSBCTL' -s '$A_SOCK' show running-config | grep -q 192.0.2.0"
check "expired entry counted" test "$(counter lists expired)" = 1

echo "-- expiry"
check "UDP request and reply again" sh -c \
	"echo ping | ip netns exec '$CL' timeout 5 socat -t 1 -T 3 - UDP4:10.2.0.2:5002 | grep -qx pong"
check "UDP session present" test "$(n_sessions protocol udp)" -ge 1
exp0=$(counter events sessions_expired)
check "UDP session (timeout 3 s) expires within 6 s" wait_for 6 \
	sh -c "[ \$('$HSBCTL' -s '$A_SOCK' -j show sessions protocol udp | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"matched\"])') = 0 ]"
check "expired sessions counted" gt "$(counter events sessions_expired)" "$exp0"
check "deletes reported to subscribers" gt "$(counter events events_delete)" 0
check "sweeper passes run" gt "$(counter events sweep_passes)" 0

echo "-- clear sessions"
# a connection refused (RST): its session stays, closed, for a while
cl timeout 3 socat -u /dev/null TCP4:10.2.0.2:5009 2>/dev/null
check "at least one TCP session" test "$(n_sessions protocol tcp)" -ge 1
check "clear sessions protocol tcp" ctl clear sessions protocol tcp
last_has "says how many" "cleared"
check "no TCP session left" test "$(n_sessions protocol tcp)" = 0
check "ping recreates an ICMP session" cl ping -c 1 -W 2 10.2.0.2
check "clear sessions (all)" ctl clear sessions
check "table empty" test "$(n_sessions)" = 0

echo "-- policy change"
check "remove the trust->untrust rule" ctl config 'undo security-policy rule out'
check "policy: 1 rule live" test "$(counter policy rules)" = 1
check_exit "new sessions to untrust are denied" 1 cl ping -c 2 -i 0.2 -W 1 10.2.0.2
check "trust->local still permitted" cl ping -c 1 -W 2 10.1.0.1
check "rule back" ctl config 'security-policy rule out from trust to untrust action permit'
check "traffic passes again" cl ping -c 1 -W 2 10.2.0.2

echo "-- next-hop cache"
# Established packets take the direction's cached next hop, not the FIB
# (architecture.md, "Next-hop cache"); any routing change and any
# neighbour change that can alter a cached answer (a new MAC, lost
# reachability, a delete) heard on netlink invalidates every entry, and a
# long-lived flow follows the change.
nh_mostly_cached() {
	test "$(($(counter datapath nh_cache_miss) * 10))" -lt \
		"$(counter datapath session_hit)"
}
bumped_since() { test "$(counter route_watch bumps)" -gt "$1"; }
udp_pong() {
	echo ping | ip netns exec "$CL" timeout 3 socat -t 0.5 -T 1 - \
		UDP4:10.2.0.2:5003,sourceport=40003 | grep -qx pong
}
udp_lost() { ! udp_pong; }
check "session packets mostly skipped the FIB" nh_mostly_cached
bg_in "$SV" timeout 60 python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 5003))
while True:
    _, peer = s.recvfrom(2048)
    s.sendto(b"pong\n", peer)
'
wait_for 5 sh -c "ip netns exec '$SV' ss -lun | grep -q ':5003 '"
check "a long-lived UDP flow passes" udp_pong
check "and again, from the cache" udp_pong
# NUD churn of a neighbour in use (REACHABLE -> STALE -> REACHABLE, every
# few tens of seconds in real life) alters no cached answer: once heard
# of, its moves between valid states keep the cache (nh_neigh.h)
kept_since() { test "$(counter route_watch batches_kept)" -gt "$1"; }
check "the server's neighbour goes stale" ip -n "$FW" neigh change \
	10.2.0.2 dev f1 nud stale
check "the watcher heard of it" wait_for 5 sh -c \
	"ip -n '$FW' neigh show 10.2.0.2 dev f1 | grep -q STALE"
sleep 0.2
kept=$(counter route_watch batches_kept)
unchanged=$(counter route_watch neigh_unchanged)
check "and reachable again, with its MAC" ip -n "$FW" neigh change \
	10.2.0.2 dev f1 nud reachable
check "the watcher kept the cache for that change" wait_for 5 kept_since "$kept"
check "judged the neighbour unchanged" \
	test "$(counter route_watch neigh_unchanged)" -gt "$unchanged"
check "the flow still passes, from the cache" udp_pong
bumps=$(counter route_watch bumps)
check "the server's neighbour gets a wrong MAC" ip -n "$FW" neigh replace \
	10.2.0.2 lladdr 02:00:00:00:de:ad dev f1 nud permanent
check "the route watcher heard it and bumped" wait_for 5 bumped_since "$bumps"
check "the flow follows: its packets now go to the wrong MAC" udp_lost
bumps=$(counter route_watch bumps)
check "neighbour entry removed" ip -n "$FW" neigh del 10.2.0.2 dev f1
check "bumped again" wait_for 5 bumped_since "$bumps"
check "the flow recovers (the kernel resolves the neighbour)" \
	wait_for 5 udp_pong
check "route watcher messages counted" gt "$(counter route_watch messages)" 0
check "no netlink overrun" test "$(counter route_watch overruns)" = 0

echo "-- table size"
check "table-size change accepted" ctl config 'firewall session table-size 4096'
check "and logged as taking effect at the next start" \
	grep -q "takes effect once hsbd stops without --keep-datapath" "$A_LOG"
check "capacity unchanged while running" test "$(counter datapath session_capacity)" = 262144

stop_hsbd "$A_PID" TERM
check "orderly stop (got $STOP_RC)" test "$STOP_RC" = 0
hsb_test_done
