# shellcheck shell=bash
# The fault-injection suite's common part (test_faults_*.sh; source it on
# top of lib.sh and ha_lib.sh, after hsb_test_init). docs/testing.md,
# "Fault injection".
#
# The HA topology with VGMP (100 ms hellos, dead-count 3) and HRP state
# backup, PAT through the active host, long-lived TCP connections from the
# client to the server (hrp_conn.py: a line each way every 20 ms on each),
# and the checks every fault test shares: which host is active (control
# plane, addresses and datapath together), what a killed hsbd may leave
# behind (leaks), and the connections' fate.

FT_HELLO=${FT_HELLO:-100}
# peer death: dead-count x hello
# shellcheck disable=SC2034 # for the tests that source this
FT_DEAD_MS=$((3 * FT_HELLO))
# Margin (ms) over a protocol bound on a loaded 2-vCPU VM, as HA_MARGIN_MS
# (test_ha.sh) and VRRP_MARGIN_MS: scheduling of two hsbd, the probe, the
# sampler, the connections and two bridges, with other tests running.
FT_MARGIN_MS=${FT_MARGIN_MS:-400}
FT_CONN=$(realpath "$(dirname "${BASH_SOURCE[0]}")/hrp_conn.py")
FT_PORT=9000

# ft_conf NODE [PREEMPT]: ha_conf_vgmp with HRP on; PREEMPT 0 drops the
# preemption (the hosts then keep whatever they hold).
ft_conf() {
	ha_conf_vgmp "$1" "$FT_HELLO" |
		if [ "${2:-1}" = 0 ]; then sed 's/ preempt delay [0-9]*//'; else cat; fi
	echo "hrp enable"
}

# ft_now_ms: wall clock in ms, without a fork (a python one costs up to
# half a second on a loaded VM). ft_sleep_until MS: until then.
ft_now_ms() { echo $((${EPOCHREALTIME/./} / 1000)); }
ft_sleep_until() {
	local d=$(($1 - $(ft_now_ms)))
	[ "$d" -gt 0 ] && sleep "$((d / 1000)).$(printf %03d $((d % 1000)))"
	return 0
}

ft_ctl() { "$HSBCTL" -s "$(ha_sock "$1")" "${@:2}"; }
# ft_hrp NODE EXPR: EXPR (Python, over `show hrp -j` as d)
ft_hrp() { ft_ctl "$1" -j show hrp 2>/dev/null | json_get "$2" 2>/dev/null; }
ft_other() { if [ "$1" = A ]; then echo B; else echo A; fi; }

# ft_setup [PREEMPT]: topology, both hosts up (fwA active, fwB standby),
# the HRP connection up.
ft_setup() {
	ha_topology || return 1
	ft_conf A "${1:-1}" >"$T_DIR/A.conf"
	ft_conf B "${1:-1}" >"$T_DIR/B.conf"
	ha_start A "$T_DIR/A.conf" || return 1
	ha_start B "$T_DIR/B.conf" || return 1
	check "fwA active, fwB standby" ft_wait 5 "$(ft_one A)"
	check "addresses and datapath agree" wait_for 2 ft_layers A
	check "the hrp connection is up" ft_wait 5 "$FT_HRP_UP"
}

# --- who is active ---------------------------------------------------------

# ft_vips NODE: how many of the inside and outside VIPs NODE's ports hold
# (the NAT address is not an interface address: XDP answers for it, by
# the datapath slot).
ft_vips() {
	local n=0
	ha_has_addr "$1" in0 "$HA_IN_VIP" && n=$((n + 1))
	ha_has_addr "$1" out0 "$HA_OUT_VIP" && n=$((n + 1))
	echo "$n"
}

# ft_slot NODE: g1's slot in NODE's datapath (hsb_vgroups, pinned): what
# XDP acts on (answers ARP for the VIPs and the NAT address): 1 active,
# 0 standby.
ft_slot() {
	bpftool -j map dump pinned "$(eval echo "\${${1}_PINS}")/hsb_vgroups" |
		grep -o '"active":1' | grep -c .
}

# ft_wait TIMEOUT_S EXPR: until EXPR holds over both hosts' control
# sockets (ha_tool.py wait: one process polling every 10 ms); prints the
# seconds it took, or the last states.
ft_wait() {
	"$HA_PY" "$HA_TOOL" wait "$1" "$2" "$(ha_sock A)" "$(ha_sock B)"
}

# ft_one NODE: EXPR (for ft_wait): NODE's group active with both members
# master, the other host's standby with both members backup.
ft_one() {
	local x=a y=b
	[ "$1" = B ] && x=b y=a
	echo "role($x) == 'active' and vrrp($x, 'master') == 2 and" \
		"role($y) == 'standby' and vrrp($y, 'backup') == 2"
}
FT_HRP_UP='hrp_up(a) and hrp_up(b)'

# ft_layers NODE: the addresses and the datapath agree that NODE is the
# one active host: the VIPs on its ports and none on the other's, g1's
# slot active in its datapath and standby in the other's.
ft_layers() {
	local o
	o=$(ft_other "$1")
	[ "$(ft_vips "$1")" = 2 ] && [ "$(ft_vips "$o")" = 0 ] &&
		[ "$(ft_slot "$1")" = 1 ] && [ "$(ft_slot "$o")" = 0 ]
}

# ft_settled NODE: NODE is the one active host in every layer (VGMP, VRRP
# members, addresses, datapath), now.
ft_settled() { ft_wait 0 "$(ft_one "$1")" >/dev/null && ft_layers "$1"; }

# ft_active: the host whose VGMP group alone is active ("" if none or both).
ft_active() {
	if ft_wait 0 "role(a) == 'active' and role(b) != 'active'" >/dev/null; then
		echo A
	elif ft_wait 0 "role(b) == 'active' and role(a) != 'active'" >/dev/null; then
		echo B
	fi
}

# --- traffic ---------------------------------------------------------------

# ft_traffic_start N SECONDS: the server, and N connections from the
# client through the gateway; waits until the server has them all and the
# standby has installed them. FT_CLIENT is the client's pid.
ft_traffic_start() {
	FT_N=$1
	rm -f "$T_DIR/accepts" "$T_DIR/stop" "$T_DIR/client.json"
	ip netns exec "$HA_SV" "$HA_PY" "$FT_CONN" server "$FT_PORT" \
		"$T_DIR/accepts" &
	T_PIDS+=("$!")
	check "the server listens" wait_for 10 sh -c \
		"ip netns exec '$HA_SV' ss -Hltn 'sport = :$FT_PORT' | grep -q ."
	ip netns exec "$HA_CL" "$HA_PY" "$FT_CONN" client "$HA_SERVER" \
		"$FT_PORT" "$FT_N" "$2" "$T_DIR/client.json" "$T_DIR/stop" \
		>/dev/null 2>&1 &
	FT_CLIENT=$!
	T_PIDS+=("$FT_CLIENT")
	check "the server sees $FT_N connections" wait_for 10 sh -c \
		"[ \$(wc -l <'$T_DIR/accepts' 2>/dev/null || echo 0) -ge $FT_N ]"
}

# ft_installed NODE N: NODE holds at least N sessions from the peer to the
# server's port (the connections' copies).
ft_installed() {
	[ "$(ft_ctl "$1" -j show sessions destination "$HA_SERVER" port "$FT_PORT" |
		json_get 'sum("from-peer" in s["flags"] for s in d["sessions"])')" -ge "$2" ]
}

# ft_traffic_stop: ends the client and checks what nothing may lose: no
# connection reset or timed out, none opened again (the server accepted
# each once: same public address and port throughout), echoes flowed.
# Prints the longest stall.
ft_traffic_stop() {
	local rc
	touch "$T_DIR/stop"
	wait "$FT_CLIENT"
	rc=$?
	echo "     client: $(cat "$T_DIR/client.json" 2>/dev/null)"
	check "no connection lost (client exit 0)" test "$rc" = 0
	check "no connection reset or failed" \
		test "$(json_get 'd["errors"]' <"$T_DIR/client.json")" = 0
	check "the server accepted each connection once" \
		test "$(wc -l <"$T_DIR/accepts")" = "$FT_N"
}

# --- leaks -----------------------------------------------------------------
#
# What a killed hsbd may leave behind and its successor must not add to.
# "Leaked" after a kill -9 and restart, once the restarted host settled:
#   processes  any hsbd for the node's control socket but the one running
#              (the killed one reaped), any process in a firewall
#              namespace but its hsbd;
#   namespaces any hsb-<test>-<pid>-* namespace but the six of the topology;
#   programs   a BPF program the killed hsbd held that still exists (the
#              new one attached its own), or hsbd holding more programs
#              than its first run did;
#   maps       a BPF map the killed hsbd held that still exists and is not
#              held again by its successor (the pinned maps it reopens);
#              more maps held than in the first run;
#   XDP        on in0 and out0 anything but one of the running hsbd's
#              programs; any XDP program on hb0;
#   pins       any file in the node's pin dir that the first run did not
#              pin, or one of those missing;
#   TC         any qdisc or filter on the node's ports that the first run
#              did not have;
#   sockets    in the firewall's namespace, a socket owned by another
#              process than the running hsbd, or the running hsbd owning
#              more of a kind (tcp, udp, raw, packet, unix, netlink) than
#              the first run did (more TCP: a second HRP connection).

# ft_bpf_held PID prog|map: ids of the BPF objects PID holds open (its
# fds' fdinfo: prog_id / map_id; Debian's bpftool has no pid iterator),
# one a line, sorted.
ft_bpf_held() {
	cat /proc/"$1"/fdinfo/* 2>/dev/null | sed -n "s/^$2_id:[[:space:]]*//p" |
		sort -nu
}

# ft_bpf_exists prog|map IDS...: prints the ids that still exist (one
# listing of the kernel's objects, not one bpftool per id).
ft_bpf_exists() {
	local kind=$1
	shift
	[ $# -gt 0 ] || return 0
	comm -12 <(printf '%s\n' "$@" | sort) \
		<(bpftool -j "$kind" show | grep -o '"id":[0-9]*' | cut -d: -f2 | sort)
}

# ft_gone prog|map IDS...: none of them exists any more.
ft_gone() { [ -z "$(ft_bpf_exists "$@")" ]; }

# ft_xdp NODE DEV: the id of the XDP program on DEV ("" if none).
ft_xdp() {
	ip -n "${HA_NS[$1]}" -d link show dev "$2" |
		sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'
}

# ft_snapshot NODE: what NODE's hsbd holds and left, as lines "KIND VALUE"
# (the invariant part; program and map ids change with every run).
ft_snapshot() {
	local n=$1 ns=${HA_NS[$1]} pid pins dev
	pid=$(ha_pid "$n")
	pins=$(eval echo "\${${n}_PINS}")
	echo "progs $(ft_bpf_held "$pid" prog | wc -l)"
	echo "maps $(ft_bpf_held "$pid" map | wc -l)"
	(cd "$pins" && find . | sort | sed 's/^/pin /')
	# qdiscs and filters of in0, out0, hb0 in that order (one tc)
	for dev in in0 out0 hb0; do
		printf 'qdisc show dev %s\nfilter show dev %s ingress\nfilter show dev %s egress\n' \
			"$dev" "$dev" "$dev"
	done | tc -n "$ns" -batch - 2>&1 | sed 's/^/tc /; s/ id [0-9]*/ id N/g'
	# sockets by kind, and who owns them ("self": the running hsbd);
	# TIME-WAIT / FIN-WAIT sockets a connection closed by the kernel
	# leaves have no owner and time out: not counted
	ip netns exec "$ns" ss -Hanp -A all 2>/dev/null | awk -v pid="$pid" '
		/TIME-WAIT|FIN-WAIT|LAST-ACK/ { next }
		{
			who = "none"
			if (match($0, /pid=[0-9]+/)) {
				who = "self"
				s = $0
				while (match(s, /pid=[0-9]+/)) {
					if (substr(s, RSTART + 4, RLENGTH - 4) != pid)
						who = "other"
					s = substr(s, RSTART + RLENGTH)
				}
			}
			c[$1 " " who]++
		}
		END { for (k in c) print "socket " k " " c[k] }' | sort
	# processes in the namespace: only hsbd
	ip netns pids "$ns" | while read -r p; do
		[ "$p" = "$pid" ] || echo "process $p $(tr '\0' ' ' </proc/"$p"/cmdline 2>/dev/null)"
	done
	echo "hsbd $(pgrep -fc -- "-s $T_DIR/$n.sock")"
	echo "netns $(ip netns list | grep -c "^$T_PREFIX-")"
}

# ft_xdp_ok NODE: in0 and out0 run one of the running hsbd's programs, hb0
# none.
ft_xdp_ok() {
	local held d id
	held=$(ft_bpf_held "$(ha_pid "$1")" prog)
	for d in in0 out0; do
		id=$(ft_xdp "$1" "$d")
		if [ -z "$id" ] || ! grep -qx "$id" <<<"$held"; then
			echo "$d: XDP program '$id' not one of hsbd's ($held)"
			return 1
		fi
	done
	[ -z "$(ft_xdp "$1" hb0)" ] || { echo "hb0 has XDP"; return 1; }
}

# ft_more_conns TAG N: N more connections from the client (another
# process, opened now, during a fault); counted in FT_N for
# ft_traffic_stop, checked by ft_failover_end.
FT_MORE=()
ft_more_conns() {
	ip netns exec "$HA_CL" "$HA_PY" "$FT_CONN" client "$HA_SERVER" \
		"$FT_PORT" "$2" 900 "$T_DIR/client-$1.json" "$T_DIR/stop" \
		>/dev/null 2>&1 &
	T_PIDS+=("$!")
	FT_MORE+=("$1:$!")
	FT_N=$((FT_N + $2))
}

# ft_failover_end NODE PROBE_TAG: the last check of a fault test: NODE
# (the active host) dies (ha_kill), the other takes over; the probe's
# outage of it is reported; then every connection, those of
# ft_more_conns too, must have survived everything (ft_traffic_stop).
ft_failover_end() {
	local o m
	o=$(ft_other "$1")
	echo "-- then a failover: kill -9 of fw$1"
	HA_T_EVENT=$(ha_now_ns)
	ha_kill "$1"
	check "fw$o active" ft_wait 3 "role(${o,}) == 'active' and vrrp(${o,}, 'master') == 2"
	sleep 1
	ha_probe_stop
	"$HA_PY" "$HA_TOOL" outages "$T_DIR/probe-$2" "$HA_T_EVENT" >"$T_DIR/outages"
	echo "     client outage of the failover: $(head -1 "$T_DIR/outages") ms"
	touch "$T_DIR/stop"
	for m in "${FT_MORE[@]}"; do
		wait "${m#*:}"
		check "the connections opened during ${m%%:*} survived" test $? = 0
	done
	ft_traffic_stop
}
