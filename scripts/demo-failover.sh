#!/usr/bin/env bash
# Part two of the demo: two gateways running hsbd, one VGMP group holding
# both VRRP instances, HRP backing sessions and NAT mappings up over a
# heartbeat link; the client's traffic leaves translated (PAT) to
# 10.98.2.50. Long-lived TCP connections and a 100 Hz ping run through
# the active gateway while it is killed (kill -9, links down): the
# connections go on through the other one with the same public address
# and port. In namespaces on this host only:
#
#   client 10.98.1.10 --[lan1 bridge]-- fw-a / fw-b --[lan2 bridge]-- server 10.98.2.10
#          gw 10.98.1.254 (VRID 1)       hb 10.98.9.1/.2   NAT 10.98.2.50 (VRID 2)
set -euo pipefail
cd "$(dirname "$0")/.."

B=${HSB_BUILD:-build}
HSBD=$(realpath "$B/hsbd")
HSBCTL=$(realpath "$B/hsbctl")
DIR=$(mktemp -d /tmp/hsb-demo2.XXXXXX)
P=hsb-demo2
NSS="$P-client $P-server $P-lan1 $P-lan2 $P-fwa $P-fwb"
PIDS=()

cleanup() {
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	for ns in $NSS; do ip netns del "$ns" 2>/dev/null || true; done
	for m in "$DIR"/bpffs-*; do umount "$m" 2>/dev/null || true; done
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

for ns in $NSS; do ip netns del "$ns" 2>/dev/null || true; ip netns add "$ns"; ip -n "$ns" link set lo up; done
for lan in lan1 lan2; do
	ip -n "$P-$lan" link add br0 type bridge
	ip -n "$P-$lan" link set br0 up
done
# plug NS:IF into LAN's bridge, with the offloads XDP redirect needs
plug() {
	local ns=$1 ifname=$2 lan=$3 port=$4
	ip link add "$ifname" netns "$P-$ns" type veth peer name "$port" netns "$P-$lan"
	ip -n "$P-$lan" link set "$port" master br0
	ip -n "$P-$lan" link set "$port" up
	ip netns exec "$P-$lan" ethtool -K "$port" gro on >/dev/null
	# ARP answers for the VIPs leave the gateways by XDP_TX: a veth
	# peer takes those only with an XDP program of its own
	"$(dirname "$0")/veth-wake.sh" "$P-$lan" "$port" >/dev/null
	ip netns exec "$P-$ns" ethtool -K "$ifname" tx off >/dev/null
	ip -n "$P-$ns" link set "$ifname" up
}
plug client eth0 lan1 pc
plug server eth0 lan2 ps
for fw in a b; do
	plug "fw$fw" hsb-in lan1 "p${fw}in"
	plug "fw$fw" hsb-out lan2 "p${fw}out"
	ip netns exec "$P-fw$fw" sysctl -qw net.ipv4.ip_forward=1
done
ip -n "$P-client" addr add 10.98.1.10/24 dev eth0
ip -n "$P-server" addr add 10.98.2.10/24 dev eth0
ip -n "$P-client" route add default via 10.98.1.254
ip -n "$P-server" route add default via 10.98.2.254
ip -n "$P-fwa" addr add 10.98.1.1/24 dev hsb-in
ip -n "$P-fwa" addr add 10.98.2.1/24 dev hsb-out
ip -n "$P-fwb" addr add 10.98.1.2/24 dev hsb-in
ip -n "$P-fwb" addr add 10.98.2.2/24 dev hsb-out
# the heartbeat link: VGMP hellos and HRP's state backup
ip link add hb0 netns "$P-fwa" type veth peer name hb0 netns "$P-fwb"
ip -n "$P-fwa" addr add 10.98.9.1/30 dev hb0
ip -n "$P-fwb" addr add 10.98.9.2/30 dev hb0
ip -n "$P-fwa" link set hb0 up
ip -n "$P-fwb" link set hb0 up
# the server knows no way back to 10.98.1.0/24: it sees the NAT address
ip -n "$P-server" route del default via 10.98.2.254

conf() { # NAME PRIORITY HB-LOCAL HB-REMOTE
	cat <<CFG
sysname $1
interface hsb-in zone trust
interface hsb-out zone untrust
security-policy rule out from trust to untrust action permit
nat address-group pool1 mode pat
nat address-group pool1 section 10.98.2.50 10.98.2.50
nat policy rule out from trust to untrust source 10.98.1.0/24 action source-nat address-group pool1
hrp interface hb0 remote $4 local $3
hrp authentication-key "demo-key-change-me"
hrp enable
vgmp group g1 priority $2 preempt delay 1 hello-interval 100
vrrp vrid 1 interface hsb-in virtual-ip 10.98.1.254/24 advert-interval 10 accept vgmp-group g1
vrrp vrid 2 interface hsb-out virtual-ip 10.98.2.254/24 advert-interval 10 accept vgmp-group g1
nat address-group pool1 vrrp vrid 2
CFG
}
start() { # fw NAME PRIORITY HB-LOCAL HB-REMOTE
	mkdir -p "$DIR/bpffs-$1"
	mount -t bpf bpf "$DIR/bpffs-$1"
	conf "$2" "$3" "$4" "$5" >"$DIR/$1.conf"
	ip netns exec "$P-$1" "$HSBD" -c "$DIR/$1.conf" -s "$DIR/$1.sock" \
		-p "$DIR/bpffs-$1/hsb" >"$DIR/$1.log" 2>&1 &
	PIDS+=("$!")
	disown "$!" # killed on purpose below: no job-control chatter
}
say "two gateways, one VGMP group each: fw-a (priority 65001) and fw-b (65000)"
start fwa fw-a 65001 10.98.9.1 10.98.9.2
start fwb fw-b 65000 10.98.9.2 10.98.9.1
for _ in $(seq 50); do [ -S "$DIR/fwa.sock" ] && [ -S "$DIR/fwb.sock" ] && break; sleep 0.1; done
# whichever host is up first takes the group; fw-a, preferred, takes it
# over after its preempt delay (1 s)
for _ in $(seq 100); do
	"$HSBCTL" -s "$DIR/fwa.sock" status 2>/dev/null | grep -q ':active\]' && break
	sleep 0.1
done
for fw in a b; do
	echo "\$ hsbctl status; hsbctl show vrrp brief   # on fw-$fw"
	"$HSBCTL" -s "$DIR/fw$fw.sock" status | head -n 1
	"$HSBCTL" -s "$DIR/fw$fw.sock" show vrrp brief
done

say "5 long-lived TCP connections (a line each way every 20 ms) and a 100 Hz ping"
CONN=tests/integration/hrp_conn.py
ip netns exec "$P-server" python3 "$CONN" server 9000 "$DIR/accepts" &
PIDS+=("$!")
disown "$!"
for _ in $(seq 100); do
	ip netns exec "$P-server" ss -Hltn 'sport = :9000' | grep -q . && break
	sleep 0.1
done
ip netns exec "$P-client" python3 "$CONN" client 10.98.2.10 9000 5 30 \
	"$DIR/client.json" "$DIR/stop" >/dev/null 2>&1 &
CLIENT=$!
ip netns exec "$P-client" ping -i 0.01 -c 500 -W 1 -D 10.98.2.10 >"$DIR/ping.log" 2>&1 &
PING=$!
for _ in $(seq 50); do
	[ -f "$DIR/accepts" ] && [ "$(wc -l <"$DIR/accepts")" -ge 5 ] && break
	sleep 0.1
done
sleep 2
echo "\$ cat accepts   # the server's view: every connection from the NAT address"
cat "$DIR/accepts"
echo "\$ hsbctl show nat sessions   # on fw-a: the translation"
"$HSBCTL" -s "$DIR/fwa.sock" show nat sessions | head -n 3
echo "\$ hsbctl show sessions   # on fw-b: the backed-up copies"
"$HSBCTL" -s "$DIR/fwb.sock" show sessions protocol tcp | head -n 4
echo "\$ hsbctl show hrp   # on fw-b"
"$HSBCTL" -s "$DIR/fwb.sock" show hrp

say "kill -9 hsbd on fw-a, and its links go down as a dead host's would"
kill -9 "${PIDS[0]}"
ip -n "$P-fwa" link set hsb-in down
ip -n "$P-fwa" link set hsb-out down
ip -n "$P-fwa" link set hb0 down
sleep 3
touch "$DIR/stop"
wait "$CLIENT" || true
wait "$PING" || true
echo "\$ hsbctl status; show vgmp   # on fw-b"
"$HSBCTL" -s "$DIR/fwb.sock" status | head -n 1
"$HSBCTL" -s "$DIR/fwb.sock" show vgmp | sed -n '1,3p;/transitions/p'
python3 - "$DIR/client.json" "$DIR/accepts" "$DIR/ping.log" <<'PY'
import json, re, sys
r = json.load(open(sys.argv[1]))
accepts = open(sys.argv[2]).read().split()
ts = [float(m.group(1)) for m in
      (re.match(r'\[(\d+\.\d+)\].*icmp_seq=', l) for l in open(sys.argv[3])) if m]
gap = max((b - a for a, b in zip(ts, ts[1:])), default=0)
print(f"TCP: {r['connections']} connections, {r['errors']} reset, "
      f"{len(accepts) // 2} accepted by the server in all (no reconnect), "
      f"longest stall {r['max_gap_ms']} ms")
print(f"ping: {len(ts)} of 500 replies; longest gap {gap*1000:.0f} ms "
      f"(VGMP peer death: 3 hellos of 100 ms)")
PY
echo
echo "failover demo complete: the connections went on through fw-b with the same translation."