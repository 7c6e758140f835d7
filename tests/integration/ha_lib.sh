# shellcheck shell=bash
# The HA topology every hot-standby test and benchmark uses (source it on
# top of lib.sh, after hsb_test_init). docs/testing.md, "HA topology".
#
#                inside switch                  outside switch
#                (bridge br0, ns "in")          (bridge br0, ns "out")
#   client -- pcl -+- pa -- in0  fwA  out0 -- pa -+- psv -- server
#                  +- pb -- in0  fwB  out0 -- pb -+
#                             hb0 ===== hb0  (heartbeat veth)
#
#   inside  192.168.10.0/24: VIP .1 (VRID 10), fwA .2, fwB .3, client .100
#   outside 192.168.20.0/24: VIP .1 (VRID 20), fwA .2, fwB .3, server .100,
#           NAT address .50 (the client's traffic leaves translated to it)
#   heartbeat: a direct veth fwA hb0 10.99.0.1/30 -- fwB hb0 10.99.0.2/30
#
# The two segments are bridges, each in its own namespace, so a firewall's
# service port can be cut at the "switch" (ip link set pa down: fwA's in0
# loses carrier, as with a pulled cable) while the other ports stay up.
# The client's default route is the inside VIP. The server has no route to
# the inside network: with NAT (HA_NAT=1, the default) it sees only the
# NAT address, which must move with the outside VIP; with HA_NAT=0 its
# route back is the outside VIP.
#
# Each firewall runs hsbd (own config, control socket, pin dir; XDP on
# in0 and out0) or keepalived with kernel forwarding and nftables NAT (the
# baseline). Functions: ha_topology, ha_conf_*, ha_start / ha_stop /
# ha_kill / ha_revive, ha_cut / ha_restore, ha_vrrp_state, ha_vgmp_field,
# ha_probe_* (client-side outage through the gateway, 1 kHz ICMP echo),
# ha_sample_* (both hosts' states every 10 ms, for split brain).

HA_PY=$(command -v /usr/bin/python3 || command -v python3)
HA_TOOL=$(realpath "$(dirname "${BASH_SOURCE[0]}")/ha_tool.py")
HA_PROBE=$(realpath "$(dirname "${BASH_SOURCE[0]}")/../bench/vrrp_probe.py")
HA_NAT=${HA_NAT:-1}
# Whether the switches flood unknown unicast to the firewalls' ports (1,
# as a switch does by default). When a firewall's port goes down its MAC
# is forgotten and the client's frames to it are flooded to the other
# firewall. hsb's XDP program drops frames to another host's MAC
# (counter not_for_us), so the standby does not forward them; 0 turns
# flooding off on the firewalls' ports (a switch with unknown-unicast
# flooding disabled), for runs that must not depend on that check.
HA_UNKNOWN_FLOOD=${HA_UNKNOWN_FLOOD:-1}
HA_IN_VIP=192.168.10.1
HA_OUT_VIP=192.168.20.1
HA_NAT_ADDR=192.168.20.50
HA_CLIENT=192.168.10.100
HA_SERVER=192.168.20.100
# Host part of each firewall's own addresses, and its heartbeat address.
declare -A HA_HOST=([A]=2 [B]=3)
declare -A HA_HB=([A]=10.99.0.1 [B]=10.99.0.2)
declare -A HA_NS=()
declare -A HA_KA_VPID=()

# ha_port NS DEV PEER_NS PEER_DEV MAC: a veth DEV in NS whose other end
# PEER_DEV is a port of PEER_NS's bridge br0.
ha_port() {
	ip link add "$2" netns "$1" address "$5" type veth peer name "$4" \
		netns "$3" || return 1
	ip -n "$3" link set "$4" master br0 || return 1
	ip -n "$3" link set "$4" up
}

# ha_segment NAME: a namespace with a bridge; sets NS. No STP (a port
# that comes back forwards at once) and no multicast snooping (224.0.0.18
# is link-local, flooded anyway): a plain L2 switch.
ha_segment() {
	new_netns "$1" || return 1
	ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip -n "$NS" link add br0 type bridge stp_state 0 mcast_snooping 0 ||
		return 1
	ip -n "$NS" link set br0 up
}

# ha_endhost NAME SEGMENT_NS ADDR MAC: the client or the server; sets NS.
ha_endhost() {
	new_netns "$1" || return 1
	ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ha_port "$NS" eth0 "$2" "p$1" "$4" || return 1
	ip -n "$NS" addr add "$3/24" dev eth0
	ip -n "$NS" link set eth0 up
	# frames the firewall forwards by XDP carry no checksum of their own
	# to complete: let the stack fill it in before they leave
	ip netns exec "$NS" ethtool -K eth0 tx off >/dev/null
}

# ha_topology: builds it all; sets HA_CL, HA_SV, HA_IN, HA_OUT and
# HA_NS[A], HA_NS[B].
ha_topology() {
	local n h
	ha_segment in || return 1
	HA_IN=$NS
	ha_segment out || return 1
	HA_OUT=$NS
	for n in A B; do
		h=${HA_HOST[$n]}
		new_netns "fw${n,}" || return 1
		HA_NS[$n]=$NS
		ip netns exec "$NS" sysctl -qw net.ipv4.ip_forward=1 \
			net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
		ha_port "$NS" in0 "$HA_IN" "p${n,}" "02:00:00:10:00:0$h" || return 1
		ha_port "$NS" out0 "$HA_OUT" "p${n,}" "02:00:00:20:00:0$h" ||
			return 1
		# ARP answers for the VIPs and the NAT address leave by
		# XDP_TX, forwarded frames by XDP_REDIRECT: the switch ports
		# facing the firewalls need an XDP program to take them
		# (scripts/veth-wake.sh)
		scripts/veth-wake.sh "$HA_IN" "p${n,}" || return 1
		scripts/veth-wake.sh "$HA_OUT" "p${n,}" || return 1
		if [ "$HA_UNKNOWN_FLOOD" = 0 ]; then
			bridge -n "$HA_IN" link set dev "p${n,}" flood off
			bridge -n "$HA_OUT" link set dev "p${n,}" flood off
		fi
		ip -n "$NS" addr add "192.168.10.$h/24" dev in0
		ip -n "$NS" addr add "192.168.20.$h/24" dev out0
		ip -n "$NS" link set in0 up
		ip -n "$NS" link set out0 up
	done
	ip link add hb0 netns "${HA_NS[A]}" type veth peer name hb0 \
		netns "${HA_NS[B]}" || return 1
	for n in A B; do
		ip -n "${HA_NS[$n]}" addr add "${HA_HB[$n]}/30" dev hb0
		ip -n "${HA_NS[$n]}" link set hb0 up
	done
	ha_endhost cl "$HA_IN" "$HA_CLIENT" 02:00:00:10:00:64 || return 1
	HA_CL=$NS
	ip -n "$HA_CL" route add default via "$HA_IN_VIP"
	ha_endhost sv "$HA_OUT" "$HA_SERVER" 02:00:00:20:00:64 || return 1
	HA_SV=$NS
	[ "$HA_NAT" = 1 ] ||
		ip -n "$HA_SV" route add 192.168.10.0/24 via "$HA_OUT_VIP"
}

# --- configuration -------------------------------------------------------

# The part every hsbd configuration shares: zones, policy, NAT.
ha_conf_base() {
	cat <<-EOF
		sysname fw-${1,}
		interface in0 zone trust
		interface out0 zone untrust
		security-policy rule out from trust to untrust action permit
	EOF
	[ "$HA_NAT" = 1 ] || return 0
	cat <<-EOF
		nat address-group pool1 mode pat
		nat address-group pool1 section $HA_NAT_ADDR $HA_NAT_ADDR
		nat policy rule out from trust to untrust source 192.168.10.0/24 action source-nat address-group pool1
	EOF
}

# ha_conf_vrrp NODE PRIORITY [ADVERT_CS]: two plain VRRP instances.
ha_conf_vrrp() {
	local adv=${3:-10}
	ha_conf_base "$1"
	cat <<-EOF
		vrrp vrid 10 interface in0 virtual-ip $HA_IN_VIP/24 priority $2 advert-interval $adv garp count 3 interval 20
		vrrp vrid 20 interface out0 virtual-ip $HA_OUT_VIP/24 priority $2 advert-interval $adv garp count 3 interval 20
	EOF
	# the NAT address moves with the outside VIP (also the default
	# binding: the lowest VRID on the interface; named to be explicit)
	[ "$HA_NAT" = 1 ] && echo "nat address-group pool1 vrrp vrid 20"
	return 0
}

# ha_conf_vgmp NODE HELLO_MS [KEY]: both instances in one VGMP group g1
# bound over the heartbeat link; fwA 65001, fwB 65000, preempt delay 2 s,
# dead-count 3. The members advertise every hello interval (at least
# 10 ms, at most 1 s): VGMP takes the peer's VRRP adverts as a sign of
# life next to its hellos (docs/vgmp.md, "The split-brain guard"), so
# adverts rarer than dead-count x hello could not carry it across a
# heartbeat cut.
HA_KEY="hsb-ha-test-key"
ha_conf_vgmp() {
	local me=${HA_HB[$1]} peer=${HA_HB[A]} prio=65000 adv
	[ "$1" = A ] && peer=${HA_HB[B]} prio=65001
	adv=$(($2 / 10))
	[ "$adv" -lt 1 ] && adv=1
	[ "$adv" -gt 100 ] && adv=100
	ha_conf_base "$1"
	cat <<-EOF
		hrp interface hb0 remote $peer local $me
		hrp authentication-key "${3:-$HA_KEY}"
		vgmp group g1 priority $prio preempt delay 2 hello-interval $2 dead-count 3
		vrrp vrid 10 interface in0 virtual-ip $HA_IN_VIP/24 advert-interval $adv vgmp-group g1 garp count 3 interval 20
		vrrp vrid 20 interface out0 virtual-ip $HA_OUT_VIP/24 advert-interval $adv vgmp-group g1 garp count 3 interval 20
	EOF
	[ "$HA_NAT" = 1 ] && echo "nat address-group pool1 vrrp vrid 20"
	return 0
}

# ha_conf_hrp NODE HELLO_MS [KEY]: ha_conf_vgmp with HRP on (state and
# configuration backup).
ha_conf_hrp() {
	ha_conf_vgmp "$@" || return 1
	echo "hrp enable"
}

# ha_conf_vgmp_lb NODE HELLO_MS: load balancing, two groups: g1 (VRIDs
# 10, 20: the VIPs .1 the client and server use, and the NAT address) and
# g2 (VRIDs 11, 21: VIPs .254). fwA is preferred for g1 (65001 / 65000),
# fwB for g2.
ha_conf_vgmp_lb() {
	local me=${HA_HB[$1]} peer=${HA_HB[A]} p1=65000 p2=65001 adv
	[ "$1" = A ] && peer=${HA_HB[B]} p1=65001 p2=65000
	adv=$(($2 / 10))
	[ "$adv" -lt 1 ] && adv=1
	[ "$adv" -gt 100 ] && adv=100
	ha_conf_base "$1"
	cat <<-EOF
		hrp interface hb0 remote $peer local $me
		hrp authentication-key "$HA_KEY"
		vgmp group g1 priority $p1 preempt delay 2 hello-interval $2 dead-count 3 mode load-balance
		vgmp group g2 priority $p2 preempt delay 2 hello-interval $2 dead-count 3 mode load-balance
		vrrp vrid 10 interface in0 virtual-ip $HA_IN_VIP/24 advert-interval $adv vgmp-group g1 garp count 3 interval 20
		vrrp vrid 20 interface out0 virtual-ip $HA_OUT_VIP/24 advert-interval $adv vgmp-group g1 garp count 3 interval 20
		vrrp vrid 11 interface in0 virtual-ip 192.168.10.254/24 advert-interval $adv vgmp-group g2 garp count 3 interval 20
		vrrp vrid 21 interface out0 virtual-ip 192.168.20.254/24 advert-interval $adv vgmp-group g2 garp count 3 interval 20
	EOF
	[ "$HA_NAT" = 1 ] && echo "nat address-group pool1 vrrp vrid 20"
	return 0
}

# ha_conf_ka NODE PRIORITY ADVERT_S [TRACK]: keepalived with both
# instances in one vrrp_sync_group. TRACK "fault" (default): no weights,
# a failed interface faults its instance and the sync group takes the
# other one along; "weight": track_interface with weight -60 on both
# instances (150 - 60 = 90 < 100: the peer preempts). VRRPv3: keepalived
# 2.2.7 accepts advert_int under 1 s only with version 3.
ha_conf_ka() {
	local track="" name ifc vrid vips
	if [ "${4:-fault}" = weight ]; then
		track="track_interface {
		in0 weight -60
		out0 weight -60
	}"
	fi
	cat <<-EOF
		global_defs {
			router_id fw-${1,}
			vrrp_version 3
		}
		vrrp_sync_group G1 {
			group {
				VI_IN
				VI_OUT
			}
		}
	EOF
	while read -r name ifc vrid vips; do
		[ "$ifc" = out0 ] && [ "$HA_NAT" = 1 ] && vips="$vips
		$HA_NAT_ADDR/32"
		cat <<-EOF
			vrrp_instance $name {
				state BACKUP
				interface $ifc
				virtual_router_id $vrid
				priority $2
				advert_int $3
				$track
				virtual_ipaddress {
					$vips
				}
			}
		EOF
	done <<-EOF
		VI_IN in0 10 $HA_IN_VIP/24
		VI_OUT out0 20 $HA_OUT_VIP/24
	EOF
}

# ha_kernel_fw NODE: the keepalived host's datapath: kernel forwarding
# with nftables, stateful, NAT to the NAT address (a VIP of VI_OUT).
ha_kernel_fw() {
	local nat=""
	[ "$HA_NAT" = 1 ] && nat="chain hanat {
		type nat hook postrouting priority 100;
		oifname out0 ip saddr 192.168.10.0/24 snat to $HA_NAT_ADDR
	}"
	ip netns exec "${HA_NS[$1]}" nft -f - <<-EOF
		table ip ha {
			chain hafwd {
				type filter hook forward priority 0; policy drop;
				ct state established,related accept
				iifname in0 oifname out0 accept
			}
			$nat
		}
	EOF
}

# --- daemons -------------------------------------------------------------

# ha_start NODE CONF [ARGS...]: hsbd on firewall NODE (A or B); lib.sh's
# start_hsbd sets NODE_SOCK, NODE_PID, NODE_LOG.
ha_start() {
	local n=$1 conf=$2
	shift 2
	rm -f "$T_DIR/$n.sock"
	start_hsbd "$n" "${HA_NS[$n]}" "$conf" "$@"
}

# ha_pid NODE: the pid of NODE's hsbd.
ha_pid() { eval echo "\${${1}_PID:-}"; }
ha_sock() { echo "$T_DIR/$1.sock"; }

# ha_stop NODE: orderly stop (SIGTERM: priority 0 / goodbye), bounded.
ha_stop() { stop_hsbd "$(ha_pid "$1")"; }

# ha_host_dark NODE: every port of the host goes down at once (one
# batch): what a dead host's links do. Its kernel still holds the VIPs a
# killed daemon left, and its XDP program the "active" state: without
# this the dead host would go on answering and forwarding.
ha_host_dark() {
	printf 'link set %s down\n' in0 out0 hb0 | ip -n "${HA_NS[$1]}" -batch -
}

# ha_kill NODE: the host dies: kill -9 of hsbd (or keepalived), then its
# ports go dark. Sets HA_T_EVENT (ns) to the moment of the kill.
ha_kill() {
	local n=$1 pid
	pid=$(ha_pid "$n")
	# no "Killed" job report in the test's output; kill -0 tracks it
	disown "$pid" 2>/dev/null
	HA_T_EVENT=$((${EPOCHREALTIME/./} * 1000))
	# shellcheck disable=SC2086 # keepalived: the VRRP child, or nothing
	kill -KILL "$pid" ${HA_KA_VPID[$n]:-}
	ha_host_dark "$n"
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
}

# ha_revive NODE CONF: the host boots again: ports up, without the
# addresses a crash left (hsbd would sweep its own; keepalived does not),
# daemon started.
ha_revive() {
	local n=$1 conf=$2
	ip -n "${HA_NS[$n]}" addr del "$HA_IN_VIP/24" dev in0 2>/dev/null
	ip -n "${HA_NS[$n]}" addr del "$HA_OUT_VIP/24" dev out0 2>/dev/null
	ip -n "${HA_NS[$n]}" addr del "$HA_NAT_ADDR/32" dev out0 2>/dev/null
	printf 'link set %s up\n' in0 out0 hb0 | ip -n "${HA_NS[$n]}" -batch -
	case $conf in
	*.kconf) ha_ka_start "$n" "$conf" ;;
	*) ha_start "$n" "$conf" ;;
	esac
}

# ha_ka_start NODE CONF: keepalived instead of hsbd (foreground, own pid
# files per start: a clash makes the second exit 0 silently). Sets
# NODE_PID (the parent) and HA_KA_VPID[NODE] (the VRRP child), NODE_LOG.
HA_KA_N=0
ha_ka_start() {
	local n=$1 conf=$2 vf pid
	HA_KA_N=$((HA_KA_N + 1))
	vf=$T_DIR/ka-$n-$HA_KA_N.vrrp.pid
	eval "${n}_LOG=$T_DIR/ka-$n.log"
	ip netns exec "${HA_NS[$n]}" keepalived -n -l -D -P -f "$conf" \
		-p "$T_DIR/ka-$n-$HA_KA_N.pid" -r "$vf" \
		>>"$T_DIR/ka-$n.log" 2>&1 &
	pid=$!
	eval "${n}_PID=$pid"
	T_PIDS+=("$pid")
	wait_for 5 test -s "$vf" || {
		echo "keepalived $n did not start:" >&2
		tail -5 "$T_DIR/ka-$n.log" >&2
		return 1
	}
	HA_KA_VPID[$n]=$(cat "$vf")
}

# --- state ---------------------------------------------------------------

# ha_vrrp_state NODE VRID: master / backup / initialize ("" if no answer).
ha_vrrp_state() {
	"$HSBCTL" -s "$(ha_sock "$1")" -j show vrrp 2>/dev/null | "$HA_PY" -c '
import json, sys
for i in json.load(sys.stdin)["instances"]:
    if i["vrid"] == int(sys.argv[1]):
        print(i["state"])' "$2"
}

ha_vrrp_is() { [ "$(ha_vrrp_state "$1" "$2")" = "$3" ]; }

# ha_both_vrrp NODE STATE: both instances (10, 20) of NODE are in STATE.
ha_both_vrrp() { ha_vrrp_is "$1" 10 "$2" && ha_vrrp_is "$1" 20 "$2"; }

# ha_vgmp_field NODE GROUP EXPR: EXPR (Python, over the group as g and
# the whole answer as d) from `show vgmp -j`.
ha_vgmp_field() {
	"$HSBCTL" -s "$(ha_sock "$1")" -j show vgmp 2>/dev/null | "$HA_PY" -c '
import json, sys
d = json.load(sys.stdin)
for g in d["groups"]:
    if g["name"] == sys.argv[1]:
        print(eval(sys.argv[2]))' "$2" "$3"
}

ha_vgmp_is() { [ "$(ha_vgmp_field "$1" "$2" 'g["state"]')" = "$3" ]; }

# ha_mono_ms: CLOCK_MONOTONIC in ms, the clock of hsbd's log lines.
ha_mono_ms() { "$HA_PY" -c 'import time; print(int(time.monotonic() * 1000))'; }

# Events are stamped with bash's $EPOCHREALTIME (no fork between the
# stamp and the event; realtime is the probe's clock); this offset puts
# them on hsbd's monotonic log clock.
HA_CLOCK_OFF_NS=$("$HA_PY" -c 'import time; print(time.time_ns() - time.monotonic_ns())')
ha_now_ns() { echo $((${EPOCHREALTIME/./} * 1000)); }

# ha_event_mono_ms: HA_T_EVENT (the last ha_cut / ha_kill) in monotonic ms.
ha_event_mono_ms() { echo $(((HA_T_EVENT - HA_CLOCK_OFF_NS) / 1000000)); }

# ha_log_ms NODE PATTERN: the log time (ms) of the last line of NODE's
# hsbd log holding PATTERN (a fixed string); empty if none.
ha_log_ms() {
	local log
	log=$(eval echo "\${${1}_LOG:-}")
	grep -F -- "$2" "$log" | tail -1 |
		sed -n 's/^hsbd\[\([0-9]*\)\.\([0-9]*\)\].*/\1\2/p'
}

# ha_has_addr NODE DEV ADDR: ADDR is configured on NODE's DEV.
ha_has_addr() { ip -n "${HA_NS[$1]}" -4 -o addr show dev "$2" | grep -q " $3/"; }

# ha_holder ADDR: which firewall the server's ARP entry for ADDR (on the
# outside segment) or the client's (inside) names: A, B or "".
ha_holder() {
	local ns=$HA_SV mac
	case $1 in 192.168.10.*) ns=$HA_CL ;; esac
	mac=$(ip -n "$ns" neigh show "$1" dev eth0 |
		sed -n 's/.*lladdr \([0-9a-f:]*\).*/\1/p')
	case $mac in
	02:00:00:?0:00:02) echo A ;;
	02:00:00:?0:00:03) echo B ;;
	esac
}

# --- faults --------------------------------------------------------------

# ha_cut NODE in|out|hb: the switch port facing NODE's in0 / out0 goes
# down (NODE loses carrier there, the rest of the segment stays up), or
# the heartbeat veth (both ends lose carrier). Sets HA_T_EVENT (ns).
ha_cut() {
	HA_T_EVENT=$((${EPOCHREALTIME/./} * 1000))
	case $2 in
	in) ip -n "$HA_IN" link set "p${1,}" down ;;
	out) ip -n "$HA_OUT" link set "p${1,}" down ;;
	hb) ip -n "${HA_NS[$1]}" link set hb0 down ;;
	esac
}

ha_restore() {
	case $2 in
	in) ip -n "$HA_IN" link set "p${1,}" up ;;
	out) ip -n "$HA_OUT" link set "p${1,}" up ;;
	hb) ip -n "${HA_NS[$1]}" link set hb0 up ;;
	esac
}

# --- client-side outage ----------------------------------------------------

# ha_probe_start TAG [HZ] [MAX_S]: ICMP echo client -> server through the
# gateway at HZ (1000) for at most MAX_S (120) seconds, kernel receive
# timestamps, into $T_DIR/probe-TAG; waits for the first reply (bounded,
# 5 s). Sets HA_PROBE_PID.
ha_probe_start() {
	local f=$T_DIR/probe-$1
	rm -f "$f" "$f.ready"
	ip netns exec "$HA_CL" "$HA_PY" "$HA_PROBE" probe "$HA_SERVER" \
		"${2:-1000}" "${3:-120}" "$f" &
	HA_PROBE_PID=$!
	T_PIDS+=("$HA_PROBE_PID")
	wait_for 5 test -e "$f.ready"
}

# ha_probe_stop: the probe writes its file on SIGTERM.
ha_probe_stop() {
	kill -TERM "$HA_PROBE_PID" 2>/dev/null
	wait "$HA_PROBE_PID" 2>/dev/null
}

# ha_outage TAG [T_EVENT_NS]: the longest reply gap (ms) around the event
# with at least one request lost in it; "0" if none was lost, "none" if
# no reply came after the event.
ha_outage() {
	"$HA_PY" "$HA_TOOL" outage "$T_DIR/probe-$1" "${2:-$HA_T_EVENT}"
}

# check_ha_outage WHAT TAG BOUND_MS: record and check one outage.
check_ha_outage() {
	local gap
	gap=$(ha_outage "$2")
	echo "     outage $1: $gap ms (bound $3 ms)"
	check "$1: client outage $gap ms <= $3 ms" awk -v g="$gap" -v b="$3" \
		'BEGIN { exit !(g != "none" && g + 0 <= b + 0) }'
}

# --- split-brain sampler ---------------------------------------------------

# ha_sample_start TAG vrrp|vgmp [INTERVAL_MS]: both hosts' states every
# INTERVAL_MS (10) into $T_DIR/sample-TAG. Sets HA_SAMPLE_PID.
ha_sample_start() {
	local f=$T_DIR/sample-$1
	rm -f "$f" "$f.ready"
	"$HA_PY" "$HA_TOOL" sample "$f" "${3:-10}" 600 "$2" \
		"$(ha_sock A)" "$(ha_sock B)" &
	HA_SAMPLE_PID=$!
	T_PIDS+=("$HA_SAMPLE_PID")
	wait_for 5 test -e "$f.ready"
}

ha_sample_stop() {
	kill -TERM "$HA_SAMPLE_PID" 2>/dev/null
	wait "$HA_SAMPLE_PID" 2>/dev/null
}

# ha_sample_report TAG: JSON summary (ha_tool.py report).
ha_sample_report() { "$HA_PY" "$HA_TOOL" report "$T_DIR/sample-$1"; }

# sample_ok TAG EXPR: EXPR (Python, over the report r) holds.
sample_ok() {
	ha_sample_report "$1" >"$T_DIR/sample-$1.json"
	"$HA_PY" -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(json.dumps(r))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$T_DIR/sample-$1.json" "$2"
}
