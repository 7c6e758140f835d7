#!/usr/bin/env bash
# The hsb demo, in network namespaces on this host (nothing leaves it):
#
#   hsb-demo-client --- hsb-demo-fw (hsbd, XDP) --- hsb-demo-server
#     10.98.1.2/24      10.98.1.1 | 10.98.2.1       10.98.2.2/24
#
# Starts hsbd on the fw with its XDP datapath on both interfaces (a
# stateful firewall: trust may open sessions to untrust, nothing else),
# sends a TCP transfer and pings through it, shows that the server cannot
# open a connection back, and what an operator sees:
# hsbctl status / running-config / interfaces / counters, and the pinned
# maps through bpftool. Part two (scripts/demo-failover.sh) runs two
# gateways (VGMP, HRP, PAT) and kills the active one under live TCP
# connections and a ping: the connections go on through the other one. Cleans up after
# itself, also on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
	echo "demo.sh: run as root (namespaces, BPF)" >&2
	exit 1
fi
scripts/install-deps.sh >/dev/null
make -s -j"$(nproc)"

B=${HSB_BUILD:-build}
HSBD=$(realpath "$B/hsbd")
HSBCTL=$(realpath "$B/hsbctl")
DIR=$(mktemp -d /tmp/hsb-demo.XXXXXX)
C=hsb-demo-client
F=hsb-demo-fw
S=hsb-demo-server
HSBD_PID=

cleanup() {
	[ -n "$HSBD_PID" ] && kill "$HSBD_PID" 2>/dev/null && wait "$HSBD_PID" 2>/dev/null
	for ns in $C $F $S; do ip netns del $ns 2>/dev/null || true; done
	umount "$DIR/bpffs" 2>/dev/null || true
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "building the topology"
for ns in $C $F $S; do ip netns del $ns 2>/dev/null || true; ip netns add $ns; done
ip link add hsbd-in netns $F type veth peer name eth0 netns $C
ip link add hsbd-out netns $F type veth peer name eth0 netns $S
ip -n $C addr add 10.98.1.2/24 dev eth0
ip -n $F addr add 10.98.1.1/24 dev hsbd-in
ip -n $F addr add 10.98.2.1/24 dev hsbd-out
ip -n $S addr add 10.98.2.2/24 dev eth0
for ns in $C $F $S; do ip -n $ns link set lo up; done
ip -n $C link set eth0 up
ip -n $S link set eth0 up
ip -n $F link set hsbd-in up
ip -n $F link set hsbd-out up
ip -n $C route add default via 10.98.1.1
ip -n $S route add default via 10.98.2.1
ip netns exec $F sysctl -qw net.ipv4.ip_forward=1
# XDP redirects into the far veth need NAPI there (GRO on), and the
# endpoints must put real checksums in (no tx offload) because XDP
# forwards frames as they are.
for ns in $C $S; do
	ip netns exec $ns ethtool -K eth0 gro on >/dev/null
	ip netns exec $ns ethtool -K eth0 tx off >/dev/null
done

cat >"$DIR/hsbd.conf" <<'CFG'
sysname fw-a
interface hsbd-in zone trust
interface hsbd-out zone untrust
security-policy rule out from trust to untrust action permit
CFG
mkdir -p "$DIR/bpffs"
mount -t bpf bpf "$DIR/bpffs"
PINS=$DIR/bpffs/hsb
SOCK=$DIR/hsbd.sock

say "starting hsbd on the fw"
cat "$DIR/hsbd.conf"
ip netns exec $F "$HSBD" -c "$DIR/hsbd.conf" -s "$SOCK" -p "$PINS" \
	>"$DIR/hsbd.log" 2>&1 &
HSBD_PID=$!
for _ in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || { cat "$DIR/hsbd.log"; exit 1; }
ctl() { "$HSBCTL" -s "$SOCK" "$@"; }
run ctl status
run ctl show running-config

say "traffic through the fw: ping and a 4 MB TCP transfer"
run ip netns exec $C ping -c 3 -i 0.2 10.98.2.2
ip netns exec $S timeout 20 socat -u TCP-LISTEN:8080,reuseaddr OPEN:/dev/null &
SINK=$!
sleep 0.3
run ip netns exec $C timeout 20 sh -c \
	"head -c 4000000 /dev/zero | socat -u - TCP:10.98.2.2:8080"
wait $SINK || true

say "the other way is closed: the server cannot reach the client"
echo '$ ip netns exec '$S' ping -c 2 -W 1 10.98.1.2   # dropped by policy'
ip netns exec $S ping -c 2 -i 0.2 -W 1 10.98.1.2 | tail -n 2 || true

say "what hsbd saw"
run ctl show sessions
run ctl show interfaces
run ctl show counters

say "changing the configuration at run time"
run ctl config 'sysname fw-demo'
run ctl status
echo '$ ctl config '"'"'sysname bad name'"'"'   # refused, nothing changes'
ctl config 'sysname bad name' || true

say "the pinned maps, as bpftool shows them"
run bpftool map dump pinned "$PINS/hsb_ifaces"
run ls "$PINS"

say "orderly stop: XDP detached, pins removed"
kill "$HSBD_PID"
wait "$HSBD_PID" || true
HSBD_PID=
run ip -n $F -d link show hsbd-in
tail -n 5 "$DIR/hsbd.log"

say "part two: two gateways, a failover that keeps live connections"
HSB_BUILD=$B scripts/demo-failover.sh
echo
echo "demo complete."
