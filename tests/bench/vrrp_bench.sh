#!/usr/bin/env bash
# VRRP failover outage seen by a client: two gateway nodes (a, b) and a
# client (c) on a bridge, namespaces hsb-bench-PID-{lan,a,b,c}, one IPv4
# VIP. The client pings the VIP at BENCH_VRRP_HZ (2 kHz) from a raw socket
# with kernel receive timestamps (tests/bench/vrrp_probe.py); the outage
# is the longest gap between two echo replies around the event. A
# tcpdump on the client's interface (VRRP + ARP only) gives the timeline:
# the old master's last advert, its priority-0 advert, the new master's
# first advert and first gratuitous ARP.
#
# Implementations: an hsbd pair and a keepalived pair (Debian's 2.2.7,
# vrrp_version 3), same VRID, VIP, priorities (100 on both nodes) and
# intervals. Events on the current master:
#   kill  its port goes down, then SIGKILL of the daemon (a host dying:
#         a killed daemon leaves the VIP configured, so without the port
#         going dark the dead node's kernel would go on answering ARP and
#         echo for the VIP and the client would see no outage)
#   term  SIGTERM: the daemon sends priority 0 and removes the VIP
# Advert intervals 100, 10 and 2 cs. Rounds are interleaved: round r runs
# every interval, both implementations (order alternated), each block
# being: start a, a becomes master, start b (backup), event 1 on the
# master, restart the victim (it comes back as backup: equal priorities,
# no preemption, so the roles alternate), event 2 on the new master,
# stop both. Event order alternates by round. Before every event the
# client's ARP entry for the VIP is deleted and the roles are checked
# again after the probe's pre-roll; a run whose master changed meanwhile
# (a backup that missed adverts on this loaded VM) is discarded and
# retried, and counted.
#
# Writes $OUT (JSON) and prints a table. Environment: HSB_BUILD,
# BENCH_VRRP_RUNS (rounds, 3), BENCH_VRRP_INTERVALS ("100 10 2", cs),
# BENCH_VRRP_HZ (2000), BENCH_VRRP_PAIRS (kill+term pairs per block for
# intervals under 1 s, 2; 1 s blocks run one pair), BENCH_VRRP_IMPLS
# ("hsbd keepalived"), BENCH_VRRP_MAX_S (380: no round starts that would end later),
# BENCH_VRRP_OUT (build/bench/vrrp.json), BENCH_VRRP_KEEP=1 (copy the
# capture, probe files and daemon logs to $OUT.raw/).
set -u
cd "$(dirname "$0")/../.." || exit 1

HSB_BUILD=${HSB_BUILD:-build}
ROUNDS=${BENCH_VRRP_RUNS:-3}
read -r -a INTERVALS <<<"${BENCH_VRRP_INTERVALS:-100 10 2}"
read -r -a IMPLS <<<"${BENCH_VRRP_IMPLS:-hsbd keepalived}"
HZ=${BENCH_VRRP_HZ:-2000}
PAIRS=${BENCH_VRRP_PAIRS:-2}
MAX_S=${BENCH_VRRP_MAX_S:-380}
OUT=${BENCH_VRRP_OUT:-$HSB_BUILD/bench/vrrp.json}
PROBE=$(realpath tests/bench/vrrp_probe.py)
# The system interpreter: a pyenv shim costs a second per start.
PY=$(command -v /usr/bin/python3 || command -v python3)

PRIO=100
VRID=79
VIP=10.79.0.100
MARGIN_MS=10   # the issue's target: RFC bound + 10 ms
TOL_MS=1       # "not worse than keepalived": medians within 1 ms

[ "$(id -u)" -eq 0 ] || { echo "vrrp_bench: needs root" >&2; exit 1; }
if [ "$ROUNDS" -lt 1 ] || [ "$ROUNDS" -gt 20 ]; then
	echo "BENCH_VRRP_RUNS 1..20" >&2
	exit 2
fi
if [ "$PAIRS" -lt 1 ] || [ "$PAIRS" -gt 10 ]; then
	echo "BENCH_VRRP_PAIRS 1..10" >&2
	exit 2
fi
if [ "$MAX_S" -lt 30 ] || [ "$MAX_S" -gt 3600 ]; then
	echo "BENCH_VRRP_MAX_S 30..3600" >&2
	exit 2
fi
if [ "$HZ" -lt 1000 ] || [ "$HZ" -gt 10000 ]; then
	echo "BENCH_VRRP_HZ 1000..10000" >&2
	exit 2
fi
for ics in "${INTERVALS[@]}"; do
	case $ics in
	[1-9] | [1-9][0-9] | 100) ;;
	*) echo "BENCH_VRRP_INTERVALS: centiseconds 1..100" >&2; exit 2 ;;
	esac
done
for impl in "${IMPLS[@]}"; do
	case $impl in
	hsbd)
		for f in hsbd hsbctl; do
			[ -x "$HSB_BUILD/$f" ] ||
				{ echo "vrrp_bench: missing $HSB_BUILD/$f (make)" >&2; exit 1; }
		done
		;;
	keepalived)
		command -v keepalived >/dev/null ||
			{ echo "vrrp_bench: keepalived missing (scripts/install-deps.sh)" >&2; exit 1; }
		;;
	*) echo "BENCH_VRRP_IMPLS: hsbd, keepalived" >&2; exit 2 ;;
	esac
done
for t in tcpdump python3; do
	command -v "$t" >/dev/null ||
		{ echo "vrrp_bench: missing $t (scripts/install-deps.sh)" >&2; exit 1; }
done

P="hsb-bench-$$"
LAN=$P-lan
NSS=("$P-a" "$P-b")
NC=$P-c
IPS=(10.79.0.1 10.79.0.2)
MACS=(02:00:00:79:00:01 02:00:00:79:00:02)
NAMES=(a b)
MAC_C=02:00:00:79:00:0a
TMP=$(mktemp -d /tmp/hsb-bench-vrrp.XXXXXX)
# A private copy of the binaries: every run uses the same build, and a
# rebuild in the tree while the benchmark runs cannot break a restart.
HSBD=$TMP/hsbd
HSBCTL=$TMP/hsbctl
DPID=("" "")    # daemon (keepalived: parent) per node
KAVF=("" "")    # keepalived: the VRRP child's pid file
KALOG=("" "")   # keepalived: this start's log
KA_N=0
TCPDUMP_PID=""
PROBE_PID=""
MOUNTS=()

cleanup() {
	local i pid ns m
	[ -n "$PROBE_PID" ] && kill -TERM "$PROBE_PID" 2>/dev/null
	for i in 0 1; do
		pid=${DPID[$i]}
		[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
	done
	for i in 0 1; do
		pid=${DPID[$i]}
		[ -n "$pid" ] || continue
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null
		if [ -n "${KAVF[$i]}" ] && [ -s "${KAVF[$i]}" ]; then
			kill -KILL "$(cat "${KAVF[$i]}")" 2>/dev/null
		fi
	done
	[ -n "$TCPDUMP_PID" ] && kill -INT "$TCPDUMP_PID" 2>/dev/null
	wait 2>/dev/null
	for ns in "$NC" "${NSS[@]}" "$LAN"; do
		ip netns del "$ns" 2>/dev/null
	done
	for m in "${MOUNTS[@]}"; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ " ${IMPLS[*]} " == *" hsbd "* ]]; then
	if ! { cp "$HSB_BUILD/hsbd" "$HSBD" && cp "$HSB_BUILD/hsbctl" "$HSBCTL"; }; then
		echo "vrrp_bench: cannot copy the binaries" >&2
		exit 1
	fi
fi

# Namespaces left by a bench run that died (its PID is gone).
for ns in $(ip netns list | awk '{print $1}' | grep '^hsb-bench-[0-9]*-'); do
	pid=${ns#hsb-bench-}
	pid=${pid%%-*}
	kill -0 "$pid" 2>/dev/null || ip netns del "$ns" 2>/dev/null
done

now_ns() { date +%s%N; }

# RFC 5798 §6.1 for the backup's priority, in ms (real-valued).
skew_ms() { awk -v p="$PRIO" -v i="$1" 'BEGIN { print (256 - p) * i * 10 / 256 }'; }
mdi_ms() { awk -v p="$PRIO" -v i="$1" 'BEGIN { print 3 * i * 10 + (256 - p) * i * 10 / 256 }'; }
# calc EXPR: integer arithmetic on decimals (awk).
calc() { awk "BEGIN { printf \"%d\", $1 }"; }

# node NAME NS IP MAC: a namespace with eth0 on the bridge (port pNAME).
node() {
	ip netns add "$2" || return 1
	ip -n "$2" link set lo up
	ip netns exec "$2" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip link add eth0 netns "$2" address "$4" type veth peer name "p$1" \
		netns "$LAN" || return 1
	ip -n "$LAN" link set "p$1" master br0
	# hsbd answers ARP for the VIP by XDP_TX: the port needs XDP
	scripts/veth-wake.sh "$LAN" "p$1" || return 1
	ip -n "$LAN" link set "p$1" up
	ip -n "$2" addr add "$3/24" dev eth0
	ip -n "$2" link set eth0 up
}

setup() {
	local i
	ip netns add "$LAN" || return 1
	ip netns exec "$LAN" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	# No STP (a port that comes back forwards at once), no multicast
	# snooping (224.0.0.18 is link-local and flooded anyway).
	ip -n "$LAN" link add br0 type bridge stp_state 0 mcast_snooping 0 ||
		return 1
	ip -n "$LAN" link set br0 up
	for i in 0 1; do
		node "${NAMES[$i]}" "${NSS[$i]}" "${IPS[$i]}" "${MACS[$i]}" ||
			return 1
		mkdir -p "$TMP/bpffs-$i"
		mount -t bpf bpf "$TMP/bpffs-$i" || return 1
		MOUNTS+=("$TMP/bpffs-$i")
	done
	node c "$NC" 10.79.0.10 "$MAC_C" || return 1
	# The client's capture: VRRP and ARP only, nanosecond timestamps
	# (the clock of the probe's SO_TIMESTAMPNS).
	ip netns exec "$NC" tcpdump -i eth0 -n -U -Z root -s 128 \
		--time-stamp-precision=nano -w "$TMP/client.pcap" \
		'ip proto 112 or arp' 2>"$TMP/tcpdump.log" &
	TCPDUMP_PID=$!
	for _ in $(seq 50); do
		grep -q listening "$TMP/tcpdump.log" && return 0
		sleep 0.1
	done
	echo "vrrp_bench: tcpdump did not start" >&2
	cat "$TMP/tcpdump.log" >&2
	return 1
}

hsbd_conf() {
	cat <<-EOF
		sysname bench-$1
		interface eth0 zone trust
		security-policy rule lan from trust to local action permit
		vrrp vrid $VRID interface eth0 virtual-ip $VIP/24 priority $PRIO advert-interval $2 accept
	EOF
}

ka_conf() {
	local adv
	adv=$(awk -v i="$2" 'BEGIN { printf "%g", i / 100 }')
	cat <<-EOF
		global_defs {
			router_id bench-$1
			vrrp_version 3
		}
		vrrp_instance VI_$VRID {
			state BACKUP
			interface eth0
			virtual_router_id $VRID
			priority $PRIO
			advert_int $adv
			virtual_ipaddress {
				$VIP/24
			}
		}
	EOF
}

has_vip() { ip -n "${NSS[$1]}" -4 -o addr show dev eth0 | grep -q " $VIP/"; }

# start_node IMPL I ICS: start the daemon on node I.
start_node() {
	local impl=$1 i=$2 ics=$3 n=${NAMES[$2]}
	case $impl in
	hsbd)
		hsbd_conf "$n" "$ics" >"$TMP/hsbd-$n.conf"
		rm -f "$TMP/$n.sock"
		ip netns exec "${NSS[$i]}" "$HSBD" -c "$TMP/hsbd-$n.conf" \
			-s "$TMP/$n.sock" -p "$TMP/bpffs-$i/hsb" \
			>>"$TMP/hsbd-$n.log" 2>&1 &
		DPID[i]=$!
		disown "${DPID[$i]}" # no "Killed" job reports; kill -0 tracks it
		for _ in $(seq 100); do
			[ -S "$TMP/$n.sock" ] && return 0
			sleep 0.1
		done
		echo "vrrp_bench: hsbd $n did not start" >&2
		tail -5 "$TMP/hsbd-$n.log" >&2
		return 1
		;;
	keepalived)
		KA_N=$((KA_N + 1))
		ka_conf "$n" "$ics" >"$TMP/ka-$n.conf"
		# Own pid files per start: a clash makes keepalived exit 0.
		KAVF[i]=$TMP/ka-vrrp-$KA_N.pid
		KALOG[i]=$TMP/ka-$n-$KA_N.log
		ip netns exec "${NSS[$i]}" keepalived -n -l -D -P \
			-f "$TMP/ka-$n.conf" -p "$TMP/ka-$KA_N.pid" \
			-r "${KAVF[$i]}" >"${KALOG[$i]}" 2>&1 &
		DPID[i]=$!
		disown "${DPID[$i]}"
		for _ in $(seq 50); do
			[ -s "${KAVF[$i]}" ] && return 0
			sleep 0.1
		done
		echo "vrrp_bench: keepalived $n did not start" >&2
		tail -5 "${KALOG[$i]}" >&2
		return 1
		;;
	esac
}

hsbd_backup_heard() {
	"$HSBCTL" -s "$TMP/$1.sock" -j show vrrp 2>/dev/null | "$PY" -c '
import json, sys
i = json.load(sys.stdin)["instances"][0]
sys.exit(0 if i["state"] == "backup" and i["counters"]["adverts_rx"] > 0 else 1)'
}

# backup_ready IMPL I ICS: node I is backup and hears the master.
backup_ready() {
	local impl=$1 i=$2 ics=$3 n=${NAMES[$2]} w
	case $impl in
	hsbd)
		for _ in $(seq 60); do
			hsbd_backup_heard "$n" && return 0
			sleep 0.1
		done
		;;
	keepalived)
		for _ in $(seq 60); do
			grep -q "Entering BACKUP STATE" "${KALOG[$i]}" && break
			sleep 0.1
		done
		# keepalived has no query for the adverts heard: let two pass.
		w=$(awk -v i="$ics" 'BEGIN { w = 2 * i / 100; print (w < 0.1 ? 0.1 : w) }')
		sleep "$w"
		grep -q "Entering BACKUP STATE" "${KALOG[$i]}" &&
			! has_vip "$i" && return 0
		;;
	esac
	echo "vrrp_bench: $impl ${NAMES[$i]} not a listening backup" >&2
	return 1
}

# stop_node I SIG: signal node I's daemon and wait (bounded) for it.
stop_node() {
	local i=$1 sig=$2 pid=${DPID[$1]} v=""
	[ -n "$pid" ] || return 0
	[ -n "${KAVF[$i]}" ] && [ -s "${KAVF[$i]}" ] && v=$(cat "${KAVF[$i]}")
	kill -"$sig" "$pid" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	if [ -n "$v" ]; then
		for _ in $(seq 50); do
			kill -0 "$v" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$v" 2>/dev/null
	fi
	DPID[i]=""
	KAVF[i]=""
}

# current_master: sets M to the node holding the VIP (exactly one).
current_master() {
	if has_vip 0 && ! has_vip 1; then
		M=0
	elif has_vip 1 && ! has_vip 0; then
		M=1
	else
		return 1
	fi
}

# discard WHAT: a run not measured (retried), and why.
discard() {
	echo "vrrp_bench: discarded, retrying: $1" >&2
	printf '%s\n' "$1" >>"$TMP/discarded.txt"
}

RUN_N=0
M=0
# event IMPL ICS EVENT ROUND: one failover of the current master.
event() {
	local impl=$1 ics=$2 ev=$3 round=$4 m="" o t_ev t_done bound loops
	local took=0 f v="" t_take
	if [ "$ev" = kill ]; then bound=$(mdi_ms "$ics"); else bound=$(skew_ms "$ics"); fi
	for _ in 1 2 3; do
		current_master || { discard "$impl $ics $ev $round no-single-master"; sleep 0.5; continue; }
		m=$M
		o=$((1 - m))
		# The client resolves the VIP afresh: a transient master's GARP
		# (a backup that missed adverts) may have left its cache on the
		# wrong node (see docs/benchmarks.md).
		ip -n "$NC" neigh del "$VIP" dev eth0 2>/dev/null
		RUN_N=$((RUN_N + 1))
		f=$TMP/probe-$RUN_N.txt
		# shellcheck disable=SC2086 # $PROBE_SCHED: a command and its options
		ip netns exec "$NC" $PROBE_SCHED "$PY" "$PROBE" probe "$VIP" "$HZ" \
			30 "$f" &
		PROBE_PID=$!
		for _ in $(seq 100); do
			[ -e "$f.ready" ] && break
			sleep 0.05
		done
		if [ -e "$f.ready" ]; then
			sleep 0.3
			# still the same master after the pre-roll?
			current_master && [ "$M" = "$m" ] && break
			discard "$impl $ics $ev $round roles-changed"
		else
			discard "$impl $ics $ev $round no-reply"
		fi
		kill -TERM "$PROBE_PID" 2>/dev/null
		wait "$PROBE_PID" 2>/dev/null
		PROBE_PID=""
		m=""
	done
	[ -n "$m" ] || { echo "vrrp_bench: no stable master to fail over" >&2; return 1; }
	[ -n "${KAVF[$m]}" ] && v=$(cat "${KAVF[$m]}")
	t_ev=$(now_ns)
	case $ev in
	kill)
		ip -n "${NSS[$m]}" link set eth0 down
		# shellcheck disable=SC2086 # $v: the keepalived child, or nothing
		kill -KILL "${DPID[$m]}" $v
		;;
	term) kill -TERM "${DPID[$m]}" ;;
	esac
	t_done=$(now_ns)
	# Wait for the other node to hold the VIP: up to twice the bound + 3 s.
	loops=$(calc "(2 * $bound + 3000) / 20")
	for _ in $(seq "$loops"); do
		if has_vip "$o"; then
			took=1
			break
		fi
		sleep 0.02
	done
	t_take=$(now_ns)
	sleep 0.3
	kill -TERM "$PROBE_PID" 2>/dev/null
	wait "$PROBE_PID" 2>/dev/null
	PROBE_PID=""
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
		"$impl" "$ics" "$ev" "$round" "${NAMES[$m]}" "${NAMES[$o]}" \
		"${IPS[$m]}" "${IPS[$o]}" "${MACS[$o]}" "$MAC_C" "$t_ev" \
		"$t_done" "$f" "$took" >>"$TMP/runs.tsv"
	printf 'vrrp_bench: %-10s %4d ms %-4s round %d: %s -> %s outage %s ms (bound %.1f)\n' \
		"$impl" $((ics * 10)) "$ev" "$round" "${NAMES[$m]}" "${NAMES[$o]}" \
		"$("$PY" "$PROBE" gap "$f" "$t_ev")" "$bound" >&2
	[ "$took" = 1 ] || { echo "vrrp_bench: no takeover" >&2; return 1; }
	# Bring the victim back as a backup.
	if [ "$ev" = kill ]; then
		for _ in $(seq 50); do
			kill -0 "${DPID[$m]}" 2>/dev/null || { [ -n "$v" ] &&
				kill -0 "$v" 2>/dev/null; } || break
			sleep 0.1
		done
		DPID[m]=""
		KAVF[m]=""
		# A rebooted host has no VIP (kill -9 left it configured).
		ip -n "${NSS[$m]}" addr del "$VIP/24" dev eth0 2>/dev/null
		ip -n "${NSS[$m]}" link set eth0 up
	else
		stop_node "$m" TERM
		ip -n "${NSS[$m]}" addr del "$VIP/24" dev eth0 2>/dev/null
	fi
	start_node "$impl" "$m" "$ics" || return 1
	backup_ready "$impl" "$m" "$ics" || return 1
	# Let the new master's GARP rounds (hsbd: 5 x 200 ms) finish.
	while [ $(($(now_ns) - t_take)) -lt 1200000000 ]; do sleep 0.1; done
}

# block IMPL ICS ROUND: a pair from scratch, two failovers, stopped.
block() {
	local impl=$1 ics=$2 round=$3 loops e1=kill e2=term rc=0 pairs=1
	if [ $((round % 2)) = 0 ]; then e1=term e2=kill; fi
	[ "$ics" -lt 100 ] && pairs=$PAIRS
	ip -n "$NC" neigh flush dev eth0 2>/dev/null
	start_node "$impl" 0 "$ics" || return 1
	loops=$(calc "($(mdi_ms "$ics") + 5000) / 50")
	for _ in $(seq "$loops"); do
		has_vip 0 && break
		sleep 0.05
	done
	has_vip 0 || { echo "vrrp_bench: $impl a never became master" >&2; return 1; }
	start_node "$impl" 1 "$ics" || return 1
	backup_ready "$impl" 1 "$ics" || return 1
	sleep 0.5
	if [ "$impl" = keepalived ] && [ "$round" = 1 ] && [ "$ics" = "${INTERVALS[0]}" ]; then
		# keepalived's scheduling, for the record
		chrt -p "$(cat "${KAVF[0]}")" >"$TMP/ka-sched.txt" 2>&1
	fi
	for _ in $(seq "$pairs"); do
		event "$impl" "$ics" "$e1" "$round" || { rc=1; break; }
		event "$impl" "$ics" "$e2" "$round" || { rc=1; break; }
	done
	stop_node 0 TERM
	stop_node 1 TERM
	ip -n "${NSS[0]}" addr del "$VIP/24" dev eth0 2>/dev/null
	ip -n "${NSS[1]}" addr del "$VIP/24" dev eth0 2>/dev/null
	return $rc
}

# The probe runs SCHED_FIFO where allowed: its own pauses would blur the
# edges of the outage (it sleeps between sends, ~5% of a CPU at 2 kHz).
PROBE_SCHED="chrt -f 10"
$PROBE_SCHED true 2>/dev/null || PROBE_SCHED="nice -n -10"
# CLOCK_REALTIME - CLOCK_MONOTONIC: to put hsbd's log times (monotonic)
# next to the capture's (realtime).
CLOCK_OFFSET=$("$PY" -c 'import time; print(time.time_ns() - time.monotonic_ns())')

setup || { echo "vrrp_bench: setup failed" >&2; exit 1; }
printf 'impl\tinterval_cs\tevent\tround\told\tnew\told_ip\tnew_ip\tnew_mac\tclient_mac\tt_event_ns\tt_event_done_ns\tprobe\ttakeover\n' \
	>"$TMP/runs.tsv"
start=$(date +%s)
load=$(cut -d' ' -f1-3 /proc/loadavg)
failed=0
done_rounds=0
for round in $(seq "$ROUNDS"); do
	# Bounded: no round that would end after MAX_S (run.sh's timeout is
	# 420 s); the rounds done are reported.
	if [ "$round" -gt 1 ]; then
		per=$((($(date +%s) - start) / (round - 1)))
		if [ $(($(date +%s) - start + per)) -gt "$MAX_S" ]; then
			echo "vrrp_bench: stopping after $((round - 1)) rounds (BENCH_VRRP_MAX_S=$MAX_S)" >&2
			break
		fi
	fi
	k=0
	for ics in "${INTERVALS[@]}"; do
		for j in $(seq 0 $((${#IMPLS[@]} - 1))); do
			impl=${IMPLS[$(((j + round + k) % ${#IMPLS[@]}))]}
			# a block whose pair would not settle (a backup that
			# is not listening yet on a loaded machine) is run
			# again once; its finished events are kept
			block "$impl" "$ics" "$round" || {
				echo "vrrp_bench: $impl $ics cs round $round failed, running it again" >&2
				block "$impl" "$ics" "$round"
			} || {
				echo "vrrp_bench: $impl $ics cs round $round failed" >&2
				failed=$((failed + 1))
			}
		done
		k=$((k + 1))
	done
	done_rounds=$round
	echo "vrrp_bench: round $round/$ROUNDS done ($(($(date +%s) - start)) s)" >&2
done
elapsed=$(($(date +%s) - start))
kill -INT "$TCPDUMP_PID" 2>/dev/null
wait "$TCPDUMP_PID" 2>/dev/null
TCPDUMP_PID=""

ka_ver=$(keepalived -v 2>&1 | head -1)
# Masters that yielded to an equal-priority advert: a backup took over
# from a live master (it missed adverts for Master_Down_Interval), then
# lost the address tie-break. Never part of a measured failover.
dual_hsbd=$(cat "$TMP"/hsbd-*.log 2>/dev/null | grep -c "master -> backup (")
dual_ka=$(cat "$TMP"/ka-*.log 2>/dev/null | grep -c "Entering BACKUP STATE$")
touch "$TMP/discarded.txt"
commit=$(git describe --always --dirty 2>/dev/null || echo unknown)
"$PY" - "$TMP/meta.json" <<PY
import json, sys, time, os
meta = {
    "benchmark": "vrrp_failover",
    "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    "kernel": os.uname().release,
    "cpus": os.cpu_count(),
    "loadavg_at_start": "$load",
    "elapsed_s": $elapsed,
    "hsbd_commit": "$commit",
    "keepalived_version": "$ka_ver",
    "keepalived_vrrp_sched": open("$TMP/ka-sched.txt").read().strip()
        if os.path.exists("$TMP/ka-sched.txt") else None,
    "implementations": "${IMPLS[*]}".split(),
    "intervals_cs": [int(x) for x in "${INTERVALS[*]}".split()],
    "rounds": $done_rounds,
    "rounds_asked": $ROUNDS,
    "runs_per_cell": {str(i): $done_rounds * (1 if i >= 100 else $PAIRS)
                      for i in [int(x) for x in "${INTERVALS[*]}".split()]},
    "failed_blocks": $failed,
    "discarded_runs": [l.split() for l in open("$TMP/discarded.txt")
                       if l.strip()],
    "dual_master_episodes": {"hsbd": $dual_hsbd, "keepalived": $dual_ka},
    "priority": $PRIO,
    "vrid": $VRID,
    "vip": "$VIP",
    "probe_hz": $HZ,
    "probe_sched": "$PROBE_SCHED",
    "realtime_minus_monotonic_ns": $CLOCK_OFFSET,
    "target_margin_ms": $MARGIN_MS,
    "vs_keepalived_tolerance_ms": $TOL_MS,
    "notes": [
        "both nodes priority 100: the RFC bounds use the backup's priority;"
        " equal priorities let the restarted victim come back as backup so"
        " the roles alternate without a preemption wait",
        "kill: the master's port goes down, then SIGKILL of the daemon"
        " (keepalived: parent and VRRP child); a killed daemon leaves its"
        " VIP configured, the port going dark makes the host silent",
        "term: SIGTERM, the daemon sends priority 0 and removes the VIP",
        "outage: longest gap between two echo replies (kernel receive"
        " timestamps) from 300 ms before the event",
        "from_advert: first reply after the outage minus the old master's"
        " last advert (kill) or its priority-0 advert (term), both seen on"
        " the client's interface: independent of the kill's phase",
        "verdict.rfc: every run's client outage <= bound + 10 ms;"
        " verdict.vs_keepalived: hsbd median <= keepalived median + 1 ms"
        " (kill: from_advert, term: outage)",
        "hsbd: default garp (5 rounds, 200 ms apart); keepalived: defaults"
        " (5 GARPs at once, again after 5 s)",
    ],
}
json.dump(meta, open(sys.argv[1], "w"))
PY
mkdir -p "$(dirname "$OUT")"
"$PY" "$PROBE" report "$TMP/runs.tsv" "$TMP/client.pcap" "$TMP/meta.json" \
	"$OUT" || { echo "vrrp_bench: report failed" >&2; exit 1; }
if [ "${BENCH_VRRP_KEEP:-0}" = 1 ]; then
	# raw material (capture, probe files, daemon logs) for a closer look
	rm -rf "$OUT.raw"
	mkdir -p "$OUT.raw"
	cp "$TMP"/*.pcap "$TMP"/*.tsv "$TMP"/*.txt "$TMP"/*.log "$TMP"/*.conf \
		"$OUT.raw/" 2>/dev/null
fi
echo "vrrp_bench: ${elapsed} s, JSON in $OUT"
[ "$failed" = 0 ]
