#!/usr/bin/env bash
# The virtual-address programs (bpf/lib/vaddr.h) between two hsbd nodes
# and a client on one LAN: only the master answers ARP for the VIPs and
# for the NAT pool address bound to its instance, the backup drops those
# requests (counted); a VIP without accept mode is answered but traffic
# to it is dropped (RFC 5798); a vmac instance is answered with
# 00-00-5e-00-01-VRID, its advertisements leave with that source MAC, and
# after a kill -9 of the master the client keeps the same neighbour entry
# while the new master takes the frames; the new master announces the
# VIPs and the pool address (gratuitous ARP); the datapath tables are
# visible with bpftool.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vrrp_lib.sh"
hsb_test_init vip

vrrp_lan || exit 1
vrrp_node a 10.78.0.1/24 || exit 1
NA=$NS
vrrp_node b 10.78.0.2/24 || exit 1
NB=$NS
vrrp_node c 10.78.0.10/24 || exit 1
NC=$NS
VIP=10.78.0.100 # VRID 30: vmac, accept
VIPNA=10.78.0.101 # VRID 31: real MAC, no accept mode
POOL=10.78.0.200 # NAT pool address: follows VRID 30 (lowest on eth0)
VMAC=00:00:5e:00:01:1e
MAC_A=$(ip -n "$NA" -br link show eth0 | awk '{print $3}')
MAC_B=$(ip -n "$NB" -br link show eth0 | awk '{print $3}')

node_conf() {
	cat <<CFG
sysname fw-$1
interface eth0 zone trust
security-policy rule lan from trust to local action permit
vrrp vrid 30 interface eth0 virtual-ip $VIP/24 priority $2 advert-interval 10 accept vmac garp count 3 interval 20
vrrp vrid 31 interface eth0 virtual-ip $VIPNA/24 priority $2 advert-interval 10 garp count 3 interval 20
nat address-group pool1 mode pat
nat address-group pool1 section $POOL $POOL
nat policy rule out from trust to untrust action source-nat address-group pool1
CFG
}
node_conf a 150 >"$T_DIR/a.conf"
node_conf b 100 >"$T_DIR/b.conf"

ctr() { "$HSBCTL" -s "$1" -j show counters | json_get "d[\"$2\"][\"$3\"]"; }
# neigh_mac NS ADDR: the lladdr NS holds for ADDR (empty if none)
neigh_mac() {
	ip -n "$1" neigh show "$2" dev eth0 |
		sed -n 's/.*lladdr \([0-9a-f:]*\).*/\1/p'
}
# resolve ADDR: the client forgets ADDR and resolves it again
resolve() {
	ip -n "$NC" neigh flush to "$1" dev eth0 2>/dev/null
	ip netns exec "$NC" ping -c 1 -W 1 "$1" >/dev/null 2>&1
	neigh_mac "$NC" "$1"
}
gt() { [ "$1" -gt "$2" ]; }

echo "-- only the master answers"
start_hsbd A "$NA" "$T_DIR/a.conf" || exit 1
check "a master (vmac instance)" wait_for 5 vrrp_state_is "$A_SOCK" 30 master
start_hsbd B "$NB" "$T_DIR/b.conf" || exit 1
check "b backup" wait_for 5 vrrp_state_is "$B_SOCK" 30 backup
check "b backup (VRID 31)" wait_for 5 vrrp_state_is "$B_SOCK" 31 backup
dp_active() {
	"$HSBCTL" -s "$1" -j show vrrp | json_get \
		"[i['datapath']['active'] for i in d['instances'] if i['vrid'] == $2][0]"
}
check "show vrrp: a's datapath answers for VRID 30" test "$(dp_active "$A_SOCK" 30)" = True
check "show vrrp: b's datapath is silent" test "$(dp_active "$B_SOCK" 30)" = False
check "show vrrp names the vmac" sh -c \
	"'$HSBCTL' -s '$A_SOCK' show vrrp | grep -q 'datapath     group 1, answering (active), MAC $VMAC (virtual)'"
check "VIP answered with the vmac" test "$(resolve $VIP)" = "$VMAC"
check "client reaches the vmac VIP" ip netns exec "$NC" ping -c 3 -i 0.2 -W 1 "$VIP"
check "frames to the vmac taken by a" gt "$(ctr "$A_SOCK" datapath vmac_rx)" 0
check "VIP without vmac answered with a's MAC" test "$(resolve $VIPNA)" = "$MAC_A"
check "pool address answered with the vmac of its instance" \
	test "$(resolve $POOL)" = "$VMAC"
check "a answered (counted)" gt "$(ctr "$A_SOCK" datapath vaddr_arp_reply)" 2
check "b stayed silent: standby drops counted" \
	gt "$(ctr "$B_SOCK" datapath vaddr_standby)" 2
check "b answered nothing" test "$(ctr "$B_SOCK" datapath vaddr_arp_reply)" = 0

echo "-- accept mode"
check_exit "VIP without accept mode: no reply" 1 \
	ip netns exec "$NC" ping -c 2 -i 0.2 -W 1 "$VIPNA"
check "dropped by a (counted)" gt "$(ctr "$A_SOCK" datapath vaddr_not_accepted)" 1

echo "-- advertisements leave with the vmac"
ip netns exec "$NC" timeout 3 tcpdump -c 2 -eni eth0 'ip proto 112 and ip[21] = 30' \
	>"$T_DIR/adv.txt" 2>/dev/null
check "VRID 30 adverts from $VMAC" grep -q "^.*$VMAC > 01:00:5e:00:00:12" "$T_DIR/adv.txt"
ip netns exec "$NC" timeout 3 tcpdump -c 2 -eni eth0 'ip proto 112 and ip[21] = 31' \
	>"$T_DIR/adv31.txt" 2>/dev/null
check "VRID 31 adverts from a's own MAC" grep -q "$MAC_A > 01:00:5e:00:00:12" "$T_DIR/adv31.txt"
check "egress rewrites counted" gt "$(ctr "$A_SOCK" datapath vmac_tx)" 0

echo "-- the tables in bpftool"
A_PINS=$T_DIR/bpffs-A/hsb
ip netns exec "$NA" bpftool -j map dump pinned "$A_PINS/hsb_vaddrs" >"$T_DIR/vaddrs.json"
check "hsb_vaddrs: 2 VIPs + 1 pool address" python3 -c '
import json, sys
e = json.load(open(sys.argv[1]))
kinds = sorted(x["formatted"]["value"]["kind"] for x in e)
sys.exit(0 if kinds == [1, 1, 2] else 1)' "$T_DIR/vaddrs.json"
check "hsb_vgroups: both of a's groups active" sh -c \
	"ip netns exec '$NA' bpftool -j map dump pinned '$A_PINS/hsb_vgroups' | python3 -c 'import json,sys; g=[x[\"formatted\"][\"value\"][\"active\"] for x in json.load(sys.stdin)]; sys.exit(0 if g[1] == 1 and g[2] == 1 else 1)'"
check "hsb_vmacs: the vmac on eth0" sh -c \
	"ip netns exec '$NA' bpftool map dump pinned '$A_PINS/hsb_vmacs' | grep -q '0x1e\|30'"
check "TC egress program on a's eth0" sh -c \
	"ip netns exec '$NA' tc filter show dev eth0 egress | grep -q hsb_tc_egress"
check "TC ingress program on a's eth0" sh -c \
	"ip netns exec '$NA' tc filter show dev eth0 ingress | grep -q hsb_tc_ingress"

echo "-- an address group bound to another instance moves with it"
# a gives VRID 31 to b (lower priority, b preempts) and keeps VRID 30;
# pool1 bound to VRID 31 must then be answered by b, with b's own MAC
# (VRID 31 has no vmac), though the default binding (VRID 30) is a's.
check "a lowers VRID 31" "$HSBCTL" -s "$A_SOCK" config \
	"vrrp vrid 31 interface eth0 priority 90"
check "b master for VRID 31" wait_for 5 vrrp_state_is "$B_SOCK" 31 master
check "a still master for VRID 30" vrrp_state_is "$A_SOCK" 30 master
check "pool address still a's (default binding: VRID 30)" \
	test "$(resolve $POOL)" = "$VMAC"
for n in A B; do
	s=${n}_SOCK
	check "$n binds pool1 to VRID 31" "$HSBCTL" -s "${!s}" config \
		"nat address-group pool1 vrrp vrid 31"
done
check "pool address answered by b with its own MAC" \
	test "$(resolve $POOL)" = "$MAC_B"
check "running-config shows the binding after the instances" sh -c \
	"'$HSBCTL' -s '$A_SOCK' show running-config | tail -1 | grep -qx 'nat address-group pool1 vrrp vrid 31'"
check_exit "VRID 31 cannot be removed while bound" 1 "$HSBCTL" -s "$A_SOCK" \
	config "undo vrrp vrid 31 interface eth0"
for n in A B; do
	s=${n}_SOCK
	check "$n unbinds pool1" "$HSBCTL" -s "${!s}" config \
		"undo nat address-group pool1 vrrp"
done
check "pool address back with a's vmac" test "$(resolve $POOL)" = "$VMAC"
check "a takes VRID 31 back" "$HSBCTL" -s "$A_SOCK" config \
	"vrrp vrid 31 interface eth0 priority 150"
check "a master for VRID 31 again" wait_for 5 vrrp_state_is "$A_SOCK" 31 master
check "b backup for VRID 31 again" wait_for 5 vrrp_state_is "$B_SOCK" 31 backup

echo "-- kill -9 of the master"
ip -n "$NC" neigh show dev eth0 >"$T_DIR/neigh-before.txt"
ip netns exec "$NC" timeout 8 tcpdump -l -eni eth0 arp >"$T_DIR/garp.txt" 2>/dev/null &
TCPDUMP=$!
T_PIDS+=("$TCPDUMP")
ping_start vm "$NC" "$VIP"
P=$PING_PID
sleep 1
t0=$(now_s)
kill -KILL "$A_PID"
wait "$A_PID" 2>/dev/null
ip -n "$NA" link set eth0 down
check "b takes over" wait_for 5 vrrp_state_is "$B_SOCK" 30 master
check "b takes over (VRID 31)" wait_for 5 vrrp_state_is "$B_SOCK" 31 master
sleep 1
t1=$(now_s)
ping_stop "$P"
check_outage "kill -9, vmac VIP" vm "$t0" "$t1" $((360 + VRRP_MARGIN_MS))
check "client still holds the vmac for the VIP" test "$(neigh_mac "$NC" $VIP)" = "$VMAC"
check "frames to the vmac now taken by b" gt "$(ctr "$B_SOCK" datapath vmac_rx)" 0
check "GARP for the non-vmac VIP moved the client to b" \
	wait_for 2 sh -c "ip -n '$NC' neigh show $VIPNA dev eth0 | grep -q '$MAC_B'"
sleep 0.3
kill "$TCPDUMP" 2>/dev/null
wait "$TCPDUMP" 2>/dev/null
check "b announced the pool address (gratuitous ARP)" \
	grep -q "Request who-has $POOL tell $POOL" "$T_DIR/garp.txt"
check "b announced it from the vmac" \
	grep -q "$VMAC > ff:ff:ff:ff:ff:ff.*who-has $POOL tell $POOL" "$T_DIR/garp.txt"
check "b now answers for the pool address" test "$(resolve $POOL)" = "$VMAC"
check "b answered (counted)" gt "$(ctr "$B_SOCK" datapath vaddr_arp_reply)" 0

echo "-- orderly stop removes the tables' VIP entries and the TC program"
kill -TERM "$B_PID"
check "b stops cleanly" stop_hsbd "$B_PID"
check "no TC filter left on b's eth0" sh -c \
	"! ip netns exec '$NB' tc filter show dev eth0 egress | grep -q hsb_tc &&
	 ! ip netns exec '$NB' tc filter show dev eth0 ingress | grep -q hsb_tc"

hsb_test_done
