# shellcheck shell=bash
# Helpers for the VRRP integration tests (test_vrrp*.sh), on top of lib.sh:
# a LAN (bridge in its own namespace) with router nodes and a client, VRRP
# state through hsbctl, and outage measurement with a 200 Hz ping.

# Outage margin (ms) over the protocol's own bound: what a loaded 2-vCPU
# CI VM adds (scheduling of hsbd, the client and the bridge, ping
# granularity 5 ms, GARP processing). Measured outages are printed.
VRRP_MARGIN_MS=${VRRP_MARGIN_MS:-400}

# vrrp_lan PREFIX: the "lan" namespace with bridge br0; sets LAN.
vrrp_lan() {
	new_netns lan || return 1
	LAN=$NS
	ip -n "$LAN" link add br0 type bridge || return 1
	ip -n "$LAN" link set br0 up
}

# vrrp_node NAME ADDR4/LEN [ADDR6/LEN]: a namespace NAME with eth0 on the
# bridge (port pNAME); IPv6 DAD off so link-local addresses are usable at
# once. Sets NS.
vrrp_node() {
	local name=$1 a4=$2 a6=${3:-}
	new_netns "$name" || return 1
	ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0
	ip link add eth0 netns "$NS" type veth peer name "p$name" netns "$LAN" ||
		return 1
	ip -n "$LAN" link set "p$name" master br0
	# the ARP / NA answers for VIPs leave by XDP_TX: the bridge port
	# needs an XDP program to take them (scripts/veth-wake.sh)
	scripts/veth-wake.sh "$LAN" "p$name" || return 1
	ip -n "$LAN" link set "p$name" up
	ip -n "$NS" addr add "$a4" dev eth0
	[ -n "$a6" ] && ip -n "$NS" addr add "$a6" dev eth0 nodad
	ip -n "$NS" link set eth0 up
}

# vrrp_field SOCK VRID FIELD: one field of `show vrrp -j` for VRID
# (last_transition.reason as "reason").
vrrp_field() {
	"$HSBCTL" -s "$1" -j show vrrp 2>/dev/null | python3 -c '
import json, sys
vrid, field = int(sys.argv[1]), sys.argv[2]
for i in json.load(sys.stdin)["instances"]:
    if i["vrid"] == vrid:
        if field == "reason":
            print((i["last_transition"] or {}).get("reason", "-"))
        else:
            print(i.get(field))
' "$2" "$3"
}

vrrp_state_is() { [ "$(vrrp_field "$1" "$2" state)" = "$3" ]; }

# has_addr NS ADDR: ADDR is configured in NS.
has_addr() { ip -n "$1" addr show dev eth0 | grep -qw "$2"; }

# ping_start TAG NS ADDR: 200 Hz pings with receive timestamps into
# $T_DIR/ping-TAG; sets PING_PID.
ping_start() {
	ip netns exec "$2" ping -D -n -i 0.005 -W 1 "$3" \
		>"$T_DIR/ping-$1" 2>&1 &
	PING_PID=$!
	T_PIDS+=("$PING_PID")
}

# ping_stop PID: stop a ping (SIGINT: it flushes its output).
ping_stop() {
	kill -INT "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

now_s() { date +%s.%N; }

# ping_gap TAG FROM_S TO_S: the longest time (ms) without a reply in
# [FROM_S, TO_S] (epoch seconds), counting the edges, so pings that never
# came back show as the whole window.
ping_gap() {
	python3 - "$T_DIR/ping-$1" "$2" "$3" <<'PY'
import re, sys
path, lo, hi = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
ts = [float(m.group(1)) for m in
      re.finditer(r'^\[(\d+\.\d+)\].*icmp_seq', open(path).read(), re.M)]
inside = [lo] + [t for t in ts if lo < t < hi] + [hi]
print(int(max(b - a for a, b in zip(inside, inside[1:])) * 1000))
PY
}

# log_ms FILE PATTERN: the hsbd log time (ms) of the last line matching
# PATTERN (fixed string); empty if none.
log_ms() {
	grep -F -- "$2" "$1" | tail -1 |
		sed -n 's/^hsbd\[\([0-9]*\)\.\([0-9]*\)\].*/\1\2/p'
}

# check_outage WHAT TAG FROM TO BOUND_MS: record and check one outage.
check_outage() {
	local gap
	gap=$(ping_gap "$2" "$3" "$4")
	echo "     outage $1: ${gap} ms (bound $5 ms)"
	check "$1: client outage ${gap} ms <= $5 ms" test "$gap" -le "$5"
}
