#!/usr/bin/env bash
# Fault injection: FT_CYCLES (20; make soak: 150) successive kill -9 /
# restart cycles of the active hsbd under traffic, on the HA topology with VGMP (100 ms
# hellos) and HRP, without preemption (so the active host alternates and
# both hosts are killed in turn). The host stays up: only the daemon
# dies, as in a crash, and it is restarted once its peer has taken over
# (as systemd's Restart= would). Traffic throughout: FT_CONNS long-lived
# TCP connections with data both ways every 20 ms and a 1 kHz ICMP probe
# through the gateway; a sampler reads both hosts' VGMP state every 10 ms.
# After each cycle: the peer took over within dead-count x hello + margin,
# exactly one host is active in every layer (VGMP, VRRP members, addresses,
# datapath slot) once the restarted host is standby again with the HRP
# connection up and its batch backup in, and the restarted host leaked
# nothing (faults_lib.sh, "leaks"). At the end: no connection lost, never
# two active hosts, the outage distribution and the time per cycle.
# 20 cycles take about a minute here, 50 two to five (make soak's 150:
# 6 min), depending on the machine's load:
# timeout: 480
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ha_lib.sh"
. "$(dirname "$0")/faults_lib.sh"
hsb_test_init faults-kill

CYCLES=${FT_CYCLES:-20}
CONNS=${FT_CONNS:-20}
M=$FT_MARGIN_MS
# A restarted host is settled when it is standby with the backup in: its
# start, the HRP connect backoff (first try at once, 100 ms then), the
# batch backup of a few sessions. Measured ~0.5 s; the bound is generous
# and only bounds the wait (the time per cycle is reported).
SETTLE_S=10

echo "-- setup: VGMP + HRP, no preemption, $CONNS connections"
ft_setup 0 || exit 1
ft_traffic_start "$CONNS" 900
check "fwB installed the connections" wait_for 5 ft_installed B "$CONNS"
check "probe through the gateway (1 kHz)" ha_probe_start kill 1000 900
ha_sample_start kill vgmp
for n in A B; do
	check "fw$n: XDP on in0 and out0 is hsbd's" ft_xdp_ok "$n"
	ft_snapshot "$n" >"$T_DIR/snap0-$n"
done
echo "     baseline of fwA: $(grep -c . "$T_DIR/snap0-A") lines:" \
	"$(grep -E '^(progs|maps|hsbd|netns)' "$T_DIR/snap0-A" | tr '\n' ' ')"

# one cycle; on failure the reason is in $T_DIR/why and the loop stops
cycle() {
	local i=$1 x y pid t0 t1 tk old_progs old_maps left new_maps nodes n
	# the active host: fwA first, then the one the last cycle settled on
	x=$ACTIVE
	y=$(ft_other "$x")
	pid=$(ha_pid "$x")
	old_progs=$(ft_bpf_held "$pid" prog)
	old_maps=$(ft_bpf_held "$pid" map)
	t0=$(ft_now_ms)
	HA_T_EVENT=$(ha_now_ns)
	EVENTS+=("$HA_T_EVENT")
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	if ! ft_wait 5 "role(${y,}) == 'active'" >/dev/null; then
		echo "cycle $i: fw$y did not take over from fw$x" >"$T_DIR/why"
		return 1
	fi
	tk=$(($(ha_log_ms "$y" "vgmp g1: standby -> active") - $(ha_event_mono_ms)))
	TAKEOVER+=("$tk")
	# restart, as a supervisor would (the stale control socket is
	# hsbd's to replace)
	start_hsbd "$x" "${HA_NS[$x]}" "$T_DIR/$x.conf" || {
		echo "cycle $i: fw$x did not restart" >"$T_DIR/why"
		return 1
	}
	if ! ft_wait "$SETTLE_S" "$(ft_one "$y") and $FT_HRP_UP and backup_done(${x,})" \
		>"$T_DIR/why"; then
		sed -i "s/^/cycle $i: not settled after ${SETTLE_S}s: /" "$T_DIR/why"
		return 1
	fi
	if ! wait_for 2 ft_layers "$y"; then
		echo "cycle $i: addresses or datapath disagree: fw$x vips" \
			"$(ft_vips "$x") slot $(ft_slot "$x"), fw$y vips" \
			"$(ft_vips "$y") slot $(ft_slot "$y")" >"$T_DIR/why"
		return 1
	fi
	t1=$(ft_now_ms)
	CYCLE_MS+=($((t1 - t0)))
	ACTIVE=$y
	# leaks: the killed run's programs are gone, its maps gone or
	# reopened by the new run; the rest as the first run had it
	# shellcheck disable=SC2086 # lists of ids
	if ! wait_for 2 ft_gone prog $old_progs; then
		echo "cycle $i: programs of the killed fw$x hsbd left:" \
			"$(ft_bpf_exists prog $old_progs)" >"$T_DIR/why"
		return 1
	fi
	new_maps=$(ft_bpf_held "$(ha_pid "$x")" map)
	# shellcheck disable=SC2086
	left=$(comm -23 <(ft_bpf_exists map $old_maps | tr ' ' '\n' | sort) \
		<(sort <<<"$new_maps") | tr '\n' ' ')
	if [ -n "${left// /}" ]; then
		echo "cycle $i: maps of the killed fw$x hsbd orphaned: $left" >"$T_DIR/why"
		return 1
	fi
	if ! ft_xdp_ok "$x" >"$T_DIR/xdp" 2>&1; then
		echo "cycle $i: fw$x: $(cat "$T_DIR/xdp")" >"$T_DIR/why"
		return 1
	fi
	# the restarted host every cycle, its peer (its HRP connection was
	# replaced) every fifth and in the last: a snapshot costs ~40 forks
	nodes=$x
	[ $((i % 5)) = 0 ] || [ "$i" = "$CYCLES" ] && nodes="$x $y"
	for n in $nodes; do
		ft_snapshot "$n" >"$T_DIR/snap-$n"
		if ! diff "$T_DIR/snap0-$n" "$T_DIR/snap-$n" >"$T_DIR/snapdiff"; then
			{
				echo "cycle $i: fw$n differs from its first run:"
				cat "$T_DIR/snapdiff"
			} >"$T_DIR/why"
			return 1
		fi
	done
}

echo "-- $CYCLES kill -9 / restart cycles of the active hsbd"
ACTIVE=A
EVENTS=()
TAKEOVER=()
CYCLE_MS=()
done_cycles=0
T_START=$(ft_now_ms)
for i in $(seq "$CYCLES"); do
	cycle "$i" || break
	done_cycles=$i
done
T_END=$(ft_now_ms)
ha_sample_stop
ha_probe_stop
[ "$done_cycles" = "$CYCLES" ] || sed 's/^/       | /' "$T_DIR/why"
check "$CYCLES cycles done, each settled with one active host and no leak" \
	test "$done_cycles" = "$CYCLES"
echo "     $done_cycles cycles in $(((T_END - T_START) / 1000)) s"
stats() { tr ' ' '\n' | sort -n | awk '{v[NR] = $1} END {
	if (NR) printf "median %d ms, max %d ms, min %d ms (%d)", v[int((NR + 1) / 2)], v[NR], v[1], NR }'; }
echo "     takeover after the kill: $(echo "${TAKEOVER[*]}" | stats)"
echo "     cycle (kill to settled): $(echo "${CYCLE_MS[*]}" | stats)"
check "every takeover within dead-count x hello + 10 ms + margin" \
	test "$(echo "${TAKEOVER[*]}" | tr ' ' '\n' | sort -n | tail -1)" -le $((FT_DEAD_MS + 10 + M))
"$HA_PY" "$HA_TOOL" outages "$T_DIR/probe-kill" "${EVENTS[@]}" >"$T_DIR/outages"
echo "     client outage per cycle (1 kHz probe): $(tail -1 "$T_DIR/outages")"
# shellcheck disable=SC2016 # an awk program
check "every cycle's outage within dead-count x hello + 10 ms + margin" \
	awk -v b=$((FT_DEAD_MS + 10 + M)) \
	'NR < last && ($1 == "none" || $1 + 0 > b) { print "cycle " NR ": " $1; bad = 1 } END { exit bad }' \
	last="$(wc -l <"$T_DIR/outages")" "$T_DIR/outages"
ha_sample_report kill >"$T_DIR/sample.json"
echo "     sampler: $(cat "$T_DIR/sample.json")"
check "never two active hosts (10 ms samples)" \
	test "$(json_get 'd["keys"]["g1"]["both_active"]' <"$T_DIR/sample.json")" = 0
echo "-- the connections"
ft_traffic_stop
# no heartbeat fault here: a split-brain guard line would be a dead
# peer's last adverts taken for a live one (fixed), as any other error
for n in A B; do
	check "no error in fw$n's log (split-brain guard included)" sh -c \
		"! grep -E ' error:|Sanitizer|runtime error' '$T_DIR/$n.log'"
done
hsb_test_done
