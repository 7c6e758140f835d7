#!/usr/bin/env bash
# VRRPv3 interop with keepalived (Debian's package) on one VRID: hsbd and
# keepalived elect the right master by priority in both arrangements
# (hsbd higher, keepalived higher), and each takes over from the other on
# a crash (kill -9, the node's port going dark with it) and on priority 0
# (SIGTERM: both send priority 0 when they stop). 100 ms adverts; the
# client pings the VIP at 200 Hz through every takeover.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vrrp_lib.sh"
hsb_test_init vrrp-interop

if ! command -v keepalived >/dev/null; then
	not_ok "keepalived is not installed (scripts/install-deps.sh installs it)"
	hsb_test_done
	exit 1
fi

vrrp_lan || exit 1
vrrp_node h 10.78.0.1/24 || exit 1
NH=$NS
vrrp_node k 10.78.0.2/24 || exit 1
NK=$NS
vrrp_node c 10.78.0.10/24 || exit 1
NC=$NS
VIP=10.78.0.100
M=$VRRP_MARGIN_MS

hsbd_conf() {
	cat <<CFG
sysname fw-h
interface eth0 zone trust
security-policy rule lan from trust to local action permit
vrrp vrid 20 interface eth0 virtual-ip $VIP/24 priority $1 advert-interval 10 accept garp count 3 interval 20
CFG
}

ka_conf() {
	cat <<CFG
global_defs {
	router_id ka-test
	vrrp_version 3
}
vrrp_instance VI_20 {
	state BACKUP
	interface eth0
	virtual_router_id 20
	priority $1
	advert_int 0.1
	virtual_ipaddress {
		$VIP/24
	}
}
CFG
}

# keepalived in NK; its own pid files (a clash makes it exit 0 silently).
KA_RUN=0
ka_start() {
	KA_RUN=$((KA_RUN + 1))
	ka_conf "$1" >"$T_DIR/ka.conf"
	ip netns exec "$NK" keepalived -n -l -D -P -f "$T_DIR/ka.conf" \
		-p "$T_DIR/ka-$KA_RUN.pid" -r "$T_DIR/ka-vrrp-$KA_RUN.pid" \
		>>"$T_DIR/ka.log" 2>&1 &
	KA_PID=$!
	T_PIDS+=("$KA_PID")
	wait_for 5 test -s "$T_DIR/ka-vrrp-$KA_RUN.pid"
}
ka_vrrp_pid() { cat "$T_DIR/ka-vrrp-$KA_RUN.pid"; }
ka_master() { has_addr "$NK" "$VIP"; }
ka_not_master() { ! has_addr "$NK" "$VIP"; }
h_master() { vrrp_state_is "$H_SOCK" 20 master; }
h_backup() { vrrp_state_is "$H_SOCK" 20 backup; }
reason() { vrrp_field "$H_SOCK" 20 reason; }

# takeover WHAT BOUND_MS EVENT-FN WAIT-FN: ping through EVENT-FN, wait for
# WAIT-FN, check the outage.
takeover() {
	local what=$1 bound=$2 ev=$3 until=$4 t0 t1 p
	ping_start "$what" "$NC" "$VIP"
	p=$PING_PID
	sleep 1
	t0=$(now_s)
	$ev
	check "$what: takeover" wait_for 5 "$until"
	sleep 1
	t1=$(now_s)
	ping_stop "$p"
	check_outage "$what" "$what" "$t0" "$t1" "$bound"
}

h_crash() {
	kill -KILL "$H_PID"
	wait "$H_PID" 2>/dev/null
	ip -n "$NH" link set eth0 down
}
k_crash() {
	local v
	v=$(ka_vrrp_pid)
	kill -KILL "$v" "$KA_PID"
	wait "$KA_PID" 2>/dev/null
	ip -n "$NK" link set eth0 down
}
h_term() { kill -TERM "$H_PID"; }
k_term() { kill -TERM "$KA_PID"; }

echo "-- arrangement 1: hsbd 150, keepalived 100"
hsbd_conf 150 >"$T_DIR/h.conf"
check "keepalived starts" ka_start 100
check "keepalived alone becomes master" wait_for 5 ka_master
start_hsbd H "$NH" "$T_DIR/h.conf" || exit 1
check "hsbd (150) takes over from keepalived (100)" wait_for 5 h_master
check "keepalived gives the VIP up" wait_for 2 ka_not_master
check "keepalived logs the higher-priority master" wait_for 2 grep -q \
	"received advert from 10.78.0.1 with higher priority 150" "$T_DIR/ka.log"
check "client reaches the VIP" ip netns exec "$NC" ping -c 3 -i 0.2 -W 1 "$VIP"
# keepalived's priority 100 at 10 cs: Master_Down_Interval 360 ms, skew 60
takeover "hsbd kill -9 -> keepalived" $((360 + M)) h_crash ka_master
ip -n "$NH" link set eth0 up
rm -f "$H_SOCK"
start_hsbd H "$NH" "$T_DIR/h.conf" || exit 1
check "restarted hsbd preempts keepalived" wait_for 5 h_master
check "keepalived backup again" wait_for 2 ka_not_master
takeover "hsbd SIGTERM -> keepalived" $((60 + M)) h_term ka_master
check "hsbd exits cleanly" stop_hsbd "$H_PID"
check "keepalived saw priority 0" grep -q "priority 0" "$T_DIR/ka.log"
check "keepalived stops" stop_hsbd "$KA_PID"

echo "-- arrangement 2: keepalived 150, hsbd 100"
hsbd_conf 100 >"$T_DIR/h.conf"
rm -f "$H_SOCK"
start_hsbd H "$NH" "$T_DIR/h.conf" || exit 1
check "hsbd alone becomes master" wait_for 5 h_master
check "keepalived starts" ka_start 150
check "keepalived (150) takes over from hsbd (100)" wait_for 5 ka_master
check "hsbd backup" wait_for 2 h_backup
check "hsbd yielded to a higher priority" test "$(reason)" = higher-priority-advert
check "hsbd sees keepalived as master" \
	test "$(vrrp_field "$H_SOCK" 20 master_address)" = 10.78.0.2
check "hsbd removed the VIP" sh -c "! ip -n $NH addr show dev eth0 | grep -qw $VIP"
check "client reaches the VIP" ip netns exec "$NC" ping -c 3 -i 0.2 -W 1 "$VIP"
# hsbd's priority 100 at 10 cs: Master_Down_Interval 360 ms, skew 60 ms
takeover "keepalived kill -9 -> hsbd" $((360 + M)) k_crash h_master
check "hsbd: master-down-timer" test "$(reason)" = master-down-timer
ip -n "$NK" link set eth0 up
check "keepalived restarts" ka_start 150
check "restarted keepalived preempts hsbd" wait_for 5 h_backup
check "keepalived holds the VIP" wait_for 2 ka_master
takeover "keepalived SIGTERM -> hsbd" $((60 + M)) k_term h_master
check "hsbd: master-sent-priority-0" test "$(reason)" = master-sent-priority-0
check "keepalived stopped" stop_hsbd "$KA_PID"
check "no bad advert from keepalived" sh -c \
	"'$HSBCTL' -s '$H_SOCK' -j show vrrp | python3 -c 'import json,sys; c=json.load(sys.stdin)[\"instances\"][0][\"counters\"]; sys.exit(sum(c[\"rx_rejected\"].values()) + c[\"addr_list_mismatch\"] + c[\"interval_mismatch\"])'"
check "hsbd stops cleanly" stop_hsbd "$H_PID"
check "no error in hsbd's log" sh -c "! grep -E ' error:|Sanitizer|runtime error' '$H_LOG'"
hsb_test_done
