#!/usr/bin/env bash
# VRRP between two hsbd nodes and a client on one LAN (veths into a bridge
# in a "lan" namespace), IPv4 (VRID 10) and IPv6 (VRID 11) instances at a
# 100 ms advert interval: election by priority, preemption, crash
# (kill -9), orderly stop (priority 0), link down on the master's port,
# preempt delay, the equal-priority tie-break by primary address, notify
# hooks, bad packets counted. During every takeover the client pings the
# VIPs at 200 Hz and the longest gap between replies is checked against
# the RFC bound plus VRRP_MARGIN_MS.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vrrp_lib.sh"
hsb_test_init vrrp

vrrp_lan || exit 1
vrrp_node a 10.77.0.1/24 || exit 1
NA=$NS
vrrp_node b 10.77.0.2/24 || exit 1
NB=$NS
vrrp_node c 10.77.0.10/24 fd00:77::10/64 || exit 1
NC=$NS
VIP4=10.77.0.100
VIP6=fd00:77::100
M=$VRRP_MARGIN_MS
# Timers at 10 cs: Master_Down_Interval = 300 + Skew_Time, Skew_Time =
# (256 - P) * 100 / 256 ms: priority 100 -> 60 ms skew, 360 ms MDI;
# priority 150 -> 41 ms skew, 341 ms MDI.
MDI_B=360
SKEW_B=60

cat >"$T_DIR/hook.sh" <<HOOK
#!/bin/sh
echo "args=\$* env=\$HSB_VRRP_VRID,\$HSB_VRRP_INTERFACE,\$HSB_VRRP_FAMILY,\$HSB_VRRP_OLD_STATE,\$HSB_VRRP_NEW_STATE,\$HSB_VRRP_REASON,\$HSB_VRRP_PRIORITY" >>"$T_DIR/notify-a.log"
sleep 2 # a slow hook must not delay anything
HOOK
chmod +x "$T_DIR/hook.sh"

# node config: NAME PRIORITY [EXTRA for VRID 10]
node_conf() {
	cat <<CFG
sysname fw-$1
interface eth0 zone trust
security-policy rule lan from trust to local action permit
vrrp vrid 10 interface eth0 virtual-ip $VIP4/24 priority $2 advert-interval 10 accept garp count 3 interval 20 ${3:-}
vrrp vrid 11 interface eth0 virtual-ip fe80::77:1 $VIP6/64 priority $2 advert-interval 10 accept garp count 3 interval 20
CFG
}
node_conf a 150 "notify \"$T_DIR/hook.sh \\\"\$@\\\"\"" >"$T_DIR/a.conf"
node_conf b 100 >"$T_DIR/b.conf"

ctl_a() { "$HSBCTL" -s "$A_SOCK" "$@"; }
ctl_b() { "$HSBCTL" -s "$B_SOCK" "$@"; }
field() { vrrp_field "$@"; }

echo "-- election by priority, preemption"
check "config with vrrp is valid" "$HSBD" --check-config "$T_DIR/a.conf"
start_hsbd B "$NB" "$T_DIR/b.conf" || exit 1
check "b alone becomes master" wait_for 5 vrrp_state_is "$B_SOCK" 10 master
check "b holds the IPv4 VIP" has_addr "$NB" "$VIP4"
start_hsbd A "$NA" "$T_DIR/a.conf" || exit 1
check "a (150) takes over from b (100)" wait_for 5 vrrp_state_is "$A_SOCK" 10 master
check "b is backup" wait_for 2 vrrp_state_is "$B_SOCK" 10 backup
check "b yielded to a higher priority" \
	test "$(field "$B_SOCK" 10 reason)" = higher-priority-advert
check "b sees a as master" test "$(field "$B_SOCK" 10 master_address)" = 10.77.0.1
check "IPv6: a master" wait_for 5 vrrp_state_is "$A_SOCK" 11 master
check "IPv6: b backup" wait_for 2 vrrp_state_is "$B_SOCK" 11 backup
check "a holds the IPv4 VIP" wait_for 2 has_addr "$NA" "$VIP4"
check "b removed the IPv4 VIP" wait_for 2 sh -c "! ip -n $NB addr show dev eth0 | grep -qw $VIP4"
check "a holds the IPv6 VIPs" has_addr "$NA" "$VIP6"
check "b does not hold the IPv6 VIP" sh -c "! ip -n $NB addr show dev eth0 | grep -qw $VIP6"
check "client reaches the IPv4 VIP" ip netns exec "$NC" ping -c 3 -i 0.2 -W 1 "$VIP4"
check "client reaches the IPv6 VIP" ip netns exec "$NC" ping -c 3 -i 0.2 -W 1 "$VIP6"
dp_ctr() { "$HSBCTL" -s "$1" -j show counters | json_get "d[\"datapath\"][\"$2\"]"; }
check "a's XDP answered the client's neighbour solicitation" \
	test "$(dp_ctr "$A_SOCK" vaddr_na_reply)" -gt 0
check "b's XDP dropped the solicitations (standby)" \
	test "$(dp_ctr "$B_SOCK" vaddr_standby)" -gt 0
check "the client holds a's MAC for the IPv6 VIP" sh -c \
	"ip -n '$NC' -6 neigh show '$VIP6' | grep -q \"\$(ip -n '$NA' -br link show eth0 | awk '{print \$3}')\""
check "show vrrp" ctl_a show vrrp
last_has "human view names the state" "state        master"
check "show vrrp brief" ctl_b show vrrp brief
last_has "brief view lists the instance" "backup"
check_exit "show vrrp with a bad argument" 1 ctl_a show vrrp nonsense
check "notify hook ran with arguments" wait_for 3 grep -q \
	"args=10 eth0 backup master master-down-timer 150" "$T_DIR/notify-a.log"
check "notify hook got the environment" grep -q \
	"env=10,eth0,ipv4,backup,master,master-down-timer,150" "$T_DIR/notify-a.log"

echo "-- bad packets are counted"
ip netns exec "$NC" python3 - <<'PY'
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("10.77.0.10"))
vip = socket.inet_aton("10.77.0.100")
# VRID 10 with a wrong checksum, VRID 99 (not ours), TTL 1 for VRID 10
s.sendto(struct.pack("!BBBBHH", 0x31, 10, 200, 1, 10, 0xdead) + vip, ("224.0.0.18", 0))
s.sendto(struct.pack("!BBBBHH", 0x31, 99, 200, 1, 10, 0) + vip, ("224.0.0.18", 0))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
s.sendto(struct.pack("!BBBBHH", 0x31, 10, 200, 1, 10, 0) + vip, ("224.0.0.18", 0))
PY
rejected() {
	ctl_a -j show vrrp | python3 -c 'import json,sys
i=[x for x in json.load(sys.stdin)["instances"] if x["vrid"]==10][0]
print(i["counters"]["rx_rejected"][sys.argv[1]])' "$1"
}
unknown_vrid() {
	ctl_a -j show counters | python3 -c 'import json,sys; print(json.load(sys.stdin)["vrrp"]["rx_unknown_vrid"])'
}
rejected_ge1() { [ "$(rejected "$1")" -ge 1 ]; }
check "bad checksum counted" wait_for 2 rejected_ge1 bad-checksum
check "TTL != 255 counted" test "$(rejected bad-ttl)" -ge 1
check "unknown VRID counted" test "$(unknown_vrid)" -ge 1
check "a still master after bad packets" vrrp_state_is "$A_SOCK" 10 master

echo "-- kill -9 of the master (host dies: daemon killed, its port goes dark)"
ping_start k4 "$NC" "$VIP4"
P4=$PING_PID
ping_start k6 "$NC" "$VIP6"
P6=$PING_PID
sleep 1
t0=$(now_s)
kill -KILL "$A_PID"
wait "$A_PID" 2>/dev/null
ip -n "$NA" link set eth0 down
check "b takes over" wait_for 5 vrrp_state_is "$B_SOCK" 10 master
check "IPv6: b takes over" wait_for 5 vrrp_state_is "$B_SOCK" 11 master
sleep 1
t1=$(now_s)
ping_stop "$P4"
ping_stop "$P6"
check_outage "kill -9, IPv4" k4 "$t0" "$t1" $((MDI_B + M))
check_outage "kill -9, IPv6" k6 "$t0" "$t1" $((MDI_B + M))
check "b: master-down-timer" test "$(field "$B_SOCK" 10 reason)" = master-down-timer
check "the dead node's VIP is still configured (crash)" has_addr "$NA" "$VIP4"

echo "-- the crashed node comes back: stale VIP removed, preempts"
ip -n "$NA" link set eth0 up
rm -f "$A_SOCK"
start_hsbd A "$NA" "$T_DIR/a.conf" || exit 1
# measured from here: the preemption itself (make before break)
ping_start r4 "$NC" "$VIP4"
P4=$PING_PID
t0=$(now_s)
check "a removed the VIP the crash left" wait_for 2 grep -q \
	"removed 1 virtual IP left by an earlier run" "$A_LOG"
check "a preempts again" wait_for 5 vrrp_state_is "$A_SOCK" 10 master
check "b backup again" wait_for 2 vrrp_state_is "$B_SOCK" 10 backup
check "IPv6: a master again" wait_for 5 vrrp_state_is "$A_SOCK" 11 master
sleep 1
t1=$(now_s)
ping_stop "$P4"
check_outage "planned preemption, IPv4" r4 "$t0" "$t1" "$M"

echo "-- SIGTERM of the master: priority 0, takeover after Skew_Time"
ping_start t4 "$NC" "$VIP4"
P4=$PING_PID
ping_start t6 "$NC" "$VIP6"
P6=$PING_PID
sleep 1
t0=$(now_s)
kill -TERM "$A_PID"
check "b takes over" wait_for 5 vrrp_state_is "$B_SOCK" 10 master
check "a exits cleanly" stop_hsbd "$A_PID"
sleep 1
t1=$(now_s)
ping_stop "$P4"
ping_stop "$P6"
check_outage "SIGTERM, IPv4" t4 "$t0" "$t1" $((SKEW_B + M))
check_outage "SIGTERM, IPv6" t6 "$t0" "$t1" $((SKEW_B + M))
check "b: master sent priority 0" test "$(field "$B_SOCK" 10 reason)" = master-sent-priority-0
check "IPv6: b: master sent priority 0" test "$(field "$B_SOCK" 11 reason)" = master-sent-priority-0
check "a left no VIP behind" sh -c "! ip -n $NA addr show dev eth0 | grep -qE '$VIP4|$VIP6|fe80::77:1'"

echo "-- restart; link down on the master's port"
rm -f "$A_SOCK"
start_hsbd A "$NA" "$T_DIR/a.conf" || exit 1
check "a master again" wait_for 5 vrrp_state_is "$A_SOCK" 10 master
check "IPv6: a master again" wait_for 5 vrrp_state_is "$A_SOCK" 11 master
ping_start l4 "$NC" "$VIP4"
P4=$PING_PID
ping_start l6 "$NC" "$VIP6"
P6=$PING_PID
sleep 1
t0=$(now_s)
ip -n "$LAN" link set pa down
check "b takes over" wait_for 5 vrrp_state_is "$B_SOCK" 10 master
check "IPv6: b takes over" wait_for 5 vrrp_state_is "$B_SOCK" 11 master
reason_is() { [ "$(field "$1" "$2" reason)" = "$3" ]; }
check "a: initialize (link-down)" wait_for 2 reason_is "$A_SOCK" 10 link-down
check "a removed its VIP on link down" sh -c "! ip -n $NA addr show dev eth0 | grep -qw $VIP4"
sleep 1
t1=$(now_s)
ping_stop "$P4"
ping_stop "$P6"
check_outage "link down, IPv4" l4 "$t0" "$t1" $((MDI_B + M))
check_outage "link down, IPv6" l6 "$t0" "$t1" $((MDI_B + M))
ip -n "$LAN" link set pa up
check "link back: a master again" wait_for 5 vrrp_state_is "$A_SOCK" 10 master
check "link back: b backup" wait_for 2 vrrp_state_is "$B_SOCK" 10 backup

echo "-- preempt delay (1 s)"
check "a: preempt delay 100 cs" ctl_a config 'vrrp vrid 10 interface eth0 preempt delay 100'
check "b took over while a restarted its instance" wait_for 2 vrrp_state_is "$B_SOCK" 10 master
delay_started() {
	ctl_a -j show vrrp | python3 -c 'import json,sys
i=[x for x in json.load(sys.stdin)["instances"] if x["vrid"]==10][0]
sys.exit(i["counters"]["preempt_delay_started"] < 1)'
}
check "a holds off: preempt delay started" wait_for 2 delay_started
check "a takes over after the delay" wait_for 4 vrrp_state_is "$A_SOCK" 10 master
check "a: preempt-delay-expired" test "$(field "$A_SOCK" 10 reason)" = preempt-delay-expired
s=$(log_ms "$A_LOG" "vrrp 10 eth0: initialize -> backup (startup)")
e=$(log_ms "$A_LOG" "vrrp 10 eth0: backup -> master (preempt-delay-expired)")
d=$((e - s))
echo "     backup -> master after ${d} ms (delay 1000 ms)"
check "takeover no earlier than the delay" test "$d" -ge 1000
check "takeover within the delay + one interval + margin" test "$d" -le $((1100 + M))

echo "-- equal priority: the higher primary address wins"
check "b: priority 150" ctl_b config 'vrrp vrid 10 interface eth0 priority 150'
check "b's running priority changed in place" \
	test "$(field "$B_SOCK" 10 priority_effective)" = 150
check "b's instance was not restarted" \
	test "$(field "$B_SOCK" 10 reason)" != startup
sleep 0.5
check "equal priority does not preempt" vrrp_state_is "$B_SOCK" 10 backup
bridge -n "$LAN" link set dev pa isolated on
bridge -n "$LAN" link set dev pb isolated on
check "partitioned: b becomes master too" wait_for 5 vrrp_state_is "$B_SOCK" 10 master
check "partitioned: a stays master" vrrp_state_is "$A_SOCK" 10 master
bridge -n "$LAN" link set dev pa isolated off
bridge -n "$LAN" link set dev pb isolated off
check "healed: a (10.77.0.1) yields" wait_for 5 vrrp_state_is "$A_SOCK" 10 backup
check "a: equal-priority-higher-address" \
	test "$(field "$A_SOCK" 10 reason)" = equal-priority-higher-address
check "b (10.77.0.2) master" vrrp_state_is "$B_SOCK" 10 master
one_master() {
	[ "$( (field "$A_SOCK" 11 state; field "$B_SOCK" 11 state) | grep -c master)" -eq 1 ]
}
check "IPv6: one master after the partition" wait_for 3 one_master

echo "-- removing an instance; orderly stop of both"
check "undo vrrp on b" ctl_b config 'undo vrrp vrid 10 interface eth0'
check "a takes over at once (priority 0)" wait_for 2 vrrp_state_is "$A_SOCK" 10 master
check "b removed the VIP" sh -c "! ip -n $NB addr show dev eth0 | grep -qw $VIP4"
check "a stops cleanly" stop_hsbd "$A_PID"
check "b stops cleanly" stop_hsbd "$B_PID"
check "no VIP left on a" sh -c "! ip -n $NA addr show dev eth0 | grep -qE '$VIP4|$VIP6'"
check "no VIP left on b" sh -c "! ip -n $NB addr show dev eth0 | grep -qE '$VIP4|$VIP6'"
# (the bad packets sent above are the only expected warnings)
check "no error in a's log" sh -c "! grep -E ' (error|warning):|Sanitizer|runtime error' '$A_LOG' | grep -v 'dropped: bad-'"
check "no error in b's log" sh -c "! grep -E ' (error|warning):|Sanitizer|runtime error' '$B_LOG' | grep -v 'dropped: bad-'"
hsb_test_done
