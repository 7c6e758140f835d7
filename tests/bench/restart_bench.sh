#!/usr/bin/env bash
# An agent restart seen from outside (issue 14, "an agent restart that
# nobody notices"), in the HA topology of tests/integration/ha_lib.sh:
# hsbd --keep-datapath on the VRRP master (fwA, priority 150, both
# instances at 100 ms adverts) gets SIGTERM and is started again at once
# (what `systemctl restart` does), while the client sends 1 kHz ICMP echo
# to the server through the gateway (vrrp_probe.py) and holds 100 TCP
# connections through it (hrp_conn.py), and both hosts' VRRP states are
# sampled every 10 ms (ha_tool.py), VRRP and ARP captured on the inside
# segment. Per run: probes lost, the longest reply gap, how long the peer
# (fwB) was master, resets and the longest stall of the connections,
# priority-0 adverts and gratuitous ARPs for the inside VIP after the
# SIGTERM (from either host), and SIGTERM -> READY=1 of the new hsbd (its
# notify socket is a stand-in, tests/integration/notify_listen.py).
#
# The goal is 0 probes lost, the peer never master, no priority-0
# advert and no GARP burst. Writes $OUT (JSON)
# and prints a table. Environment: HSB_BUILD, BENCH_RESTART_RUNS (3),
# BENCH_RESTART_OUT (build/bench/restart.json).
set -u
cd "$(dirname "$0")/../.." || exit 1
HSB_BUILD=${HSB_BUILD:-build}
RUNS=${BENCH_RESTART_RUNS:-3}
OUT=${BENCH_RESTART_OUT:-$HSB_BUILD/bench/restart.json}
CONNS=100
PORT=18600

[ "$(id -u)" -eq 0 ] || { echo "restart_bench: needs root" >&2; exit 1; }
if [ "$RUNS" -lt 1 ] || [ "$RUNS" -gt 20 ]; then
	echo "BENCH_RESTART_RUNS 1..20" >&2
	exit 2
fi
. tests/integration/lib.sh
. tests/integration/ha_lib.sh
hsb_test_init restart-bench
HERE=$(realpath tests/bench)
CONN=$(realpath tests/integration/hrp_conn.py)
LISTEN=$(realpath tests/integration/notify_listen.py)

ha_topology || exit 1
ha_conf_vrrp A 150 10 >"$T_DIR/a.conf"
ha_conf_vrrp B 100 10 >"$T_DIR/b.conf"
ip netns exec "$HA_SV" "$HA_PY" "$CONN" server "$PORT" "$T_DIR/accepts" &
T_PIDS+=("$!")

# start_a: fwA's hsbd with a stand-in notify socket logging to $1.
start_a() {
	rm -f "$T_DIR/notify.sock"
	"$HA_PY" "$LISTEN" "$T_DIR/notify.sock" "$1" --timeout 600 &
	T_PIDS+=("$!")
	wait_for 5 test -S "$T_DIR/notify.sock" || return 1
	NOTIFY_SOCKET=$T_DIR/notify.sock ha_start A "$T_DIR/a.conf" --keep-datapath
}

start_a "$T_DIR/notify-0" || exit 1
wait_for 10 ha_both_vrrp A master || { echo "fwA never master" >&2; exit 1; }
ha_start B "$T_DIR/b.conf" || exit 1
wait_for 10 ha_both_vrrp B backup || { echo "fwB never backup" >&2; exit 1; }

rows=()
for run in $(seq "$RUNS"); do
	rm -f "$T_DIR/conns.json"
	ip netns exec "$HA_CL" "$HA_PY" "$CONN" client "$HA_SERVER" "$PORT" \
		"$CONNS" 8 "$T_DIR/conns.json" >/dev/null &
	cpid=$!
	T_PIDS+=("$cpid")
	ha_probe_start "r$run" 1000 || { echo "no probe replies" >&2; exit 1; }
	ha_sample_start "r$run" vrrp 10 || exit 1
	ip netns exec "$HA_IN" tcpdump -i br0 -n -tt -l 'ip proto 112 or arp' \
		>"$T_DIR/cap-$run" 2>/dev/null &
	tdpid=$!
	T_PIDS+=("$tdpid")
	sleep 2 # connections open, a steady state before the event
	t_ms=$(ha_mono_ms)
	HA_T_EVENT=$(ha_now_ns)
	ha_stop A
	start_a "$T_DIR/notify-$run" || { echo "fwA did not restart" >&2; exit 1; }
	sleep 4
	ha_sample_stop
	ha_probe_stop
	kill -INT "$tdpid" 2>/dev/null
	wait "$tdpid" 2>/dev/null
	wait "$cpid"
	row=$("$HA_PY" "$HERE/restart_report.py" "$T_DIR/probe-r$run" \
		"$T_DIR/sample-r$run" "$T_DIR/conns.json" "$T_DIR/notify-$run" \
		"$T_DIR/cap-$run" "$HA_T_EVENT" "$t_ms")
	echo "  run $run: $row"
	rows+=("$row")
	# back to the steady state for the next run: fwA master again
	wait_for 15 ha_both_vrrp A master && wait_for 15 ha_both_vrrp B backup ||
		{ echo "no steady state after run $run" >&2; exit 1; }
done

mkdir -p "$(dirname "$OUT")"
printf '%s\n' "${rows[@]}" | "$HA_PY" -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin]
keys = ["probes_lost", "longest_reply_gap_ms", "peer_master_ms",
        "connection_resets", "connection_longest_stall_ms",
        "priority0_adverts", "vip_garps", "sigterm_to_ready_ms"]
print("%-28s %s" % ("restart --keep-datapath", " ".join("%9s" % ("run%d" % (i + 1)) for i in range(len(rows)))))
for k in keys:
    print("%-28s %s" % (k, " ".join("%9s" % r.get(k) for r in rows)))
json.dump({"bench": "restart", "advert_ms": 100, "probe_hz": 1000,
           "connections": rows[0]["connections"], "runs": rows},
          open(sys.argv[1], "w"), indent=1)
' "$OUT"
