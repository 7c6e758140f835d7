#!/usr/bin/env bash
# VGMP between two hsbd nodes on one LAN (vrrp_lib.sh's bridge) plus a
# direct heartbeat veth: one group with an IPv4 and an IPv6 member
# instance. The preferred host (65001) becomes active and both members
# follow it; the standby's members stay backup; `hsbctl switchover` hands
# the group over and back; a wrong authentication key is rejected and
# counted; kill -9 of the active moves the group within dead-count x
# hello plus a margin; a stopped host sends Initialize and the peer takes
# over at once. (The full HA topology with NAT and split-brain sampling
# is test_ha.sh.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vrrp_lib.sh"
hsb_test_init vgmp

vrrp_lan || exit 1
vrrp_node a 10.78.0.1/24 || exit 1
NA=$NS
vrrp_node b 10.78.0.2/24 || exit 1
NB=$NS
vrrp_node c 10.78.0.10/24 || exit 1
NC=$NS
# b reaches the probe target c through a link without hsb's XDP: replies
# to probes the host itself sends need host-traffic sessions, which the
# datapath does not track yet (docs/vgmp.md, "Tracks")
ip link add tp0 netns "$NB" type veth peer name tp0 netns "$NC" || exit 1
ip -n "$NB" addr add 10.79.0.1/30 dev tp0
ip -n "$NC" addr add 10.79.0.2/30 dev tp0
ip -n "$NB" link set tp0 up
ip -n "$NC" link set tp0 up
ip link add hb0 netns "$NA" type veth peer name hb0 netns "$NB" || exit 1
ip -n "$NA" addr add 10.98.0.1/30 dev hb0
ip -n "$NB" addr add 10.98.0.2/30 dev hb0
ip -n "$NA" link set hb0 up
ip -n "$NB" link set hb0 up
HELLO=100

# node config: NAME PRIORITY LOCAL REMOTE KEY
node_conf() {
	cat <<CFG
sysname fw-$1
interface eth0 zone trust
security-policy rule lan from trust to local action permit
hrp interface hb0 remote $4 local $3
hrp authentication-key "$5"
vgmp group g1 priority $2 hello-interval $HELLO notify "echo \$* >>$T_DIR/notify-$1.log"
vrrp vrid 10 interface eth0 virtual-ip 10.78.0.100/24 advert-interval 10 vgmp-group g1
vrrp vrid 11 interface eth0 virtual-ip fe80::78:1 fd00:78::100/64 advert-interval 10 vgmp-group g1
CFG
}
node_conf a 65001 10.98.0.1 10.98.0.2 "key-of-the-pair" >"$T_DIR/a.conf"
node_conf b 65000 10.98.0.2 10.98.0.1 "key-of-the-pair" >"$T_DIR/b.conf"
node_conf b 65000 10.98.0.2 10.98.0.1 "not-the-same-key" >"$T_DIR/b-badkey.conf"

ctl_a() { "$HSBCTL" -s "$A_SOCK" "$@"; }
ctl_b() { "$HSBCTL" -s "$B_SOCK" "$@"; }
vg() { "$HSBCTL" -s "$1" -j show vgmp | json_get "$2"; }
# the monotonic clock hsbd's log lines carry, in ms
mono_ms() { python3 -c 'import time; print(int(time.monotonic() * 1000))'; }
state_is() { [ "$(vg "$1" 'd["groups"][0]["state"]')" = "$2" ]; }
auth_rejected() {
	[ "$(vg "$1" 'd["heartbeat"]["rx_rejected"]["authentication"]')" -gt 2 ]
}
members_are() {
	[ "$(vg "$1" '",".join(m["state"] for m in d["groups"][0]["members"])')" = "$2,$2" ]
}

echo "-- election"
check "config with vgmp is valid" "$HSBD" --check-config "$T_DIR/a.conf"
start_hsbd A "$NA" "$T_DIR/a.conf" || exit 1
start_hsbd B "$NB" "$T_DIR/b.conf" || exit 1
check "a (65001) becomes active" wait_for 5 state_is "$A_SOCK" active
check "b (65000) is standby" wait_for 5 state_is "$B_SOCK" standby
check "a's members are both master" wait_for 2 members_are "$A_SOCK" master
check "b's members are both backup" wait_for 2 members_are "$B_SOCK" backup
check "b knows a's priority" \
	test "$(vg "$B_SOCK" 'd["groups"][0]["peer"]["priority"]')" = 65001
check "a holds the IPv4 VIP" wait_for 2 has_addr "$NA" 10.78.0.100
check "b does not" sh -c "! ip -n $NB addr show dev eth0 | grep -qw 10.78.0.100"
check "a's status prompt shows the role" sh -c "'$HSBCTL' -s '$A_SOCK' status | grep -q '^\[fw-a:active\]'"
check "b's status prompt shows the role" sh -c "'$HSBCTL' -s '$B_SOCK' status | grep -q '^\[fw-b:standby\]'"
check "show vgmp renders" sh -c "'$HSBCTL' -s '$A_SOCK' show vgmp | grep -q 'vgmp group g1'"
check "hellos flow both ways" test "$(vg "$B_SOCK" 'd["heartbeat"]["hellos_received"]')" -gt 3
check "the notify hook ran on a" wait_for 2 grep -q "g1 standby active" "$T_DIR/notify-a.log"

echo "-- operator switchover"
check_exit "switchover on the standby is refused" 1 ctl_b switchover g1
check "switchover a -> b" ctl_a switchover g1
check "b becomes active" wait_for 2 state_is "$B_SOCK" active
check "a becomes standby" wait_for 2 state_is "$A_SOCK" standby
check "b's members follow" wait_for 2 members_are "$B_SOCK" master
check "a does not take it back (preempt off)" sh -c "sleep 0.5; [ \"\$('$HSBCTL' -s '$A_SOCK' -j show vgmp | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"groups\"][0][\"state\"])')\" = standby ]"
check "switchover b -> a" ctl_b switchover
check "a is active again" wait_for 2 state_is "$A_SOCK" active
check "b is standby again" wait_for 2 state_is "$B_SOCK" standby

echo "-- kill -9 of the active"
T0=$(mono_ms)
stop_hsbd "$A_PID" KILL
check "b takes over" wait_for 3 state_is "$B_SOCK" active
MS=$(($(log_ms "$B_LOG" "vgmp g1: standby -> active (peer-dead)") - T0))
echo "   takeover ${MS} ms after the kill (dead-count 3 x ${HELLO} ms = $((3 * HELLO)) ms)"
check "b took over in time" test "$MS" -le $((3 * HELLO + VRRP_MARGIN_MS))
check "b says the peer died" test "$(vg "$B_SOCK" 'd["groups"][0]["history"][0]["reason"]')" = peer-dead
check "b holds the IPv4 VIP" wait_for 2 has_addr "$NB" 10.78.0.100

echo "-- restart of the preferred host (no preempt): it stays standby"
start_hsbd A "$NA" "$T_DIR/a.conf" || exit 1
check "a comes back as standby" wait_for 5 state_is "$A_SOCK" standby
check "b stays active" state_is "$B_SOCK" active

echo "-- track ip on the active: the target stops answering"
check "b tracks the client" ctl_b config 'vgmp group g1 track ip 10.79.0.2 interface tp0 interval 100 threshold 3 reduce 10'
check "the target answers" wait_for 2 sh -c "[ \"\$('$HSBCTL' -s '$B_SOCK' -j show vgmp | python3 -c 'import json,sys; t=json.load(sys.stdin)[\"groups\"][0][\"tracks\"][0]; print(t[\"state\"], t[\"replies\"] > 0)')\" = 'up True' ]"
ip -n "$NC" link set tp0 down
check "b's priority drops by the reduce" wait_for 3 sh -c "[ \$('$HSBCTL' -s '$B_SOCK' -j show vgmp | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"groups\"][0][\"priority\"])') = 64990 ]"
check "b goes standby" wait_for 2 state_is "$B_SOCK" standby
check "a takes over" wait_for 2 state_is "$A_SOCK" active
check "b says why" test "$(vg "$B_SOCK" 'd["groups"][0]["history"][0]["reason"]')" = priority-reduced
check "a's members follow" wait_for 2 members_are "$A_SOCK" master
ip -n "$NC" link set tp0 up
check "b's priority comes back when the target answers" wait_for 3 sh -c "[ \$('$HSBCTL' -s '$B_SOCK' -j show vgmp | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"groups\"][0][\"priority\"])') = 65000 ]"
check "a stays active (no preempt)" state_is "$A_SOCK" active

echo "-- track interface on the active: carrier lost"
ip link add trk0 netns "$NA" type veth peer name trk1 netns "$NA" || exit 1
ip -n "$NA" link set trk0 up
ip -n "$NA" link set trk1 up
check "a tracks trk0" ctl_a config 'vgmp group g1 track interface trk0 reduce 5'
check "the track is up" test "$(vg "$A_SOCK" 'd["groups"][0]["tracks"][0]["state"]')" = up
ip -n "$NA" link set trk1 down
check "the track is down" wait_for 2 sh -c "[ \"\$('$HSBCTL' -s '$A_SOCK' -j show vgmp | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"groups\"][0][\"tracks\"][0][\"state\"])')\" = down ]"
check "a (64996) goes standby" wait_for 2 state_is "$A_SOCK" standby
check "b takes over" wait_for 2 state_is "$B_SOCK" active
ip -n "$NA" link set trk1 up
check "a's priority comes back" wait_for 2 sh -c "[ \$('$HSBCTL' -s '$A_SOCK' -j show vgmp | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"groups\"][0][\"priority\"])') = 65001 ]"

echo "-- orderly stop: the peer takes over at once"
stop_hsbd "$B_PID" TERM
check "a takes over" wait_for 2 state_is "$A_SOCK" active
MS=$(($(log_ms "$A_LOG" "vgmp g1: standby -> active (peer-left)") - $(log_ms "$B_LOG" "vgmp g1: active -> initialize (shutdown)")))
echo "   takeover ${MS} ms after b's shutdown"
check "faster than peer death" test "$MS" -lt $((3 * HELLO))
check "a says the peer left" test "$(vg "$A_SOCK" 'd["groups"][0]["history"][0]["reason"]')" = peer-left

echo "-- a wrong key"
start_hsbd B "$NB" "$T_DIR/b-badkey.conf" || exit 1
check "a rejects b's hellos" wait_for 3 auth_rejected "$A_SOCK"
check "b rejects a's hellos" wait_for 3 auth_rejected "$B_SOCK"
check "a stays active: b's VRRP adverts prove it alive but b is no threat" state_is "$A_SOCK" active

hsb_test_done
