#!/usr/bin/env bash
# Part two of the demo: two gateways running hsbd share virtual IPs with
# VRRP; a client pings a server through them while the active one is
# killed. In namespaces on this host only:
#
#   client 10.98.1.10 --[lan1 bridge]-- fw-a / fw-b --[lan2 bridge]-- server 10.98.2.10
#          gw 10.98.1.254 (VRID 1)                    gw 10.98.2.254 (VRID 2)
#
# Sessions are not backed up between the gateways yet (HRP comes next),
# so a TCP connection would not survive; ICMP echo opens a new session on
# the new master with each request, which is what this part shows.
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

conf() { # NAME PRIORITY
	cat <<CFG
sysname $1
interface hsb-in zone trust
interface hsb-out zone untrust
security-policy rule out from trust to untrust action permit
vrrp vrid 1 interface hsb-in virtual-ip 10.98.1.254/24 priority $2 advert-interval 10 accept
vrrp vrid 2 interface hsb-out virtual-ip 10.98.2.254/24 priority $2 advert-interval 10 accept
CFG
}
start() { # fw NAME PRIORITY
	mkdir -p "$DIR/bpffs-$1"
	mount -t bpf bpf "$DIR/bpffs-$1"
	conf "$2" "$3" >"$DIR/$1.conf"
	ip netns exec "$P-$1" "$HSBD" -c "$DIR/$1.conf" -s "$DIR/$1.sock" \
		-p "$DIR/bpffs-$1/hsb" >"$DIR/$1.log" 2>&1 &
	PIDS+=("$!")
	disown "$!" # killed on purpose below: no job-control chatter
}
say "two gateways: fw-a (priority 120) and fw-b (priority 100)"
start fwa fw-a 120
start fwb fw-b 100
for _ in $(seq 50); do [ -S "$DIR/fwa.sock" ] && [ -S "$DIR/fwb.sock" ] && break; sleep 0.1; done
sleep 1.5 # a few advert intervals: the election settles
for fw in a b; do
	echo "\$ hsbctl show vrrp brief   # on fw-$fw"
	"$HSBCTL" -s "$DIR/fw$fw.sock" show vrrp brief
done

say "client pings the server through the VIP gateway every 10 ms; fw-a is killed after 2 s"
ip netns exec "$P-client" ping -i 0.01 -c 500 -W 1 -D 10.98.2.10 >"$DIR/ping.log" 2>&1 &
PING=$!
sleep 2
echo "\$ kill -9 hsbd on fw-a, and its links go down as a dead host's would"
kill -9 "${PIDS[0]}"
ip -n "$P-fwa" link set hsb-in down
ip -n "$P-fwa" link set hsb-out down
wait "$PING" || true
tail -n 3 "$DIR/ping.log"
python3 - "$DIR/ping.log" <<'PY'
import re, sys
ts = [float(m.group(1)) for m in
      (re.match(r'\[(\d+\.\d+)\].*icmp_seq=', l) for l in open(sys.argv[1])) if m]
gap = max((b - a for a, b in zip(ts, ts[1:])), default=0)
print(f"replies: {len(ts)} of 500; longest gap between replies: {gap*1000:.0f} ms "
      f"(VRRP Master_Down_Interval at 100 ms adverts, priority 100: 361 ms)")
PY
echo "\$ hsbctl show vrrp brief   # on fw-b"
"$HSBCTL" -s "$DIR/fwb.sock" show vrrp brief
echo
echo "failover demo complete (sessions are not carried over yet: HRP is next)."
