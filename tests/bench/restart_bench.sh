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
# advert and no GARP burst. The baseline, measured first in the same run
# on the same topology: keepalived (VRRPv3, the same priorities and
# 100 ms adverts, both instances in a sync group) with kernel forwarding
# and nftables NAT on both hosts, its master's keepalived restarted the
# same way. Writes $OUT (JSON: every run of both, and each figure's
# median next to the baseline's) and prints a table. Environment:
# HSB_BUILD, BENCH_RESTART_RUNS (3), BENCH_RESTART_OUT
# (build/bench/restart.json).
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
ha_conf_ka A 150 0.1 >"$T_DIR/a.kconf"
ha_conf_ka B 100 0.1 >"$T_DIR/b.kconf"
ip netns exec "$HA_SV" "$HA_PY" "$CONN" server "$PORT" "$T_DIR/accepts" &
T_PIDS+=("$!")

# start_a IMPL RUN: fwA's agent again; hsbd with a stand-in notify
# socket logging to $T_DIR/notify-RUN.
start_a() {
	if [ "$1" = keepalived ]; then
		ha_ka_start A "$T_DIR/a.kconf"
		return
	fi
	rm -f "$T_DIR/notify.sock"
	"$HA_PY" "$LISTEN" "$T_DIR/notify.sock" "$T_DIR/notify-$2" --timeout 600 &
	T_PIDS+=("$!")
	wait_for 5 test -S "$T_DIR/notify.sock" || return 1
	NOTIFY_SOCKET=$T_DIR/notify.sock ha_start A "$T_DIR/a.conf" --keep-datapath
}

# steady IMPL: fwA master of both instances, fwB backup.
steady() {
	if [ "$1" = keepalived ]; then
		ha_has_addr A in0 "$HA_IN_VIP" && ha_has_addr A out0 "$HA_OUT_VIP" &&
			! ha_has_addr B in0 "$HA_IN_VIP" && ! ha_has_addr B out0 "$HA_OUT_VIP"
	else
		ha_both_vrrp A master && ha_both_vrrp B backup
	fi
}

# measure IMPL: RUNS restarts of fwA's agent; one JSON row each in ROWS.
measure() {
	local impl=$1 run tag cpid tdpid t_ms row sample notify
	ROWS=()
	for run in $(seq "$RUNS"); do
		tag=$impl-$run
		rm -f "$T_DIR/conns.json"
		ip netns exec "$HA_CL" "$HA_PY" "$CONN" client "$HA_SERVER" "$PORT" \
			"$CONNS" 8 "$T_DIR/conns.json" >/dev/null &
		cpid=$!
		T_PIDS+=("$cpid")
		ha_probe_start "$tag" 1000 || { echo "no probe replies" >&2; return 1; }
		sample=- notify=-
		if [ "$impl" = hsb ]; then
			ha_sample_start "$tag" vrrp 10 || return 1
			sample=$T_DIR/sample-$tag notify=$T_DIR/notify-$tag
		fi
		ip netns exec "$HA_IN" tcpdump -i br0 -n -tt -l 'ip proto 112 or arp' \
			>"$T_DIR/cap-$tag" 2>/dev/null &
		tdpid=$!
		T_PIDS+=("$tdpid")
		sleep 2 # connections open, a steady state before the event
		t_ms=$(ha_mono_ms)
		HA_T_EVENT=$(ha_now_ns)
		ha_stop A
		start_a "$impl" "$tag" || { echo "fwA did not restart" >&2; return 1; }
		sleep 4
		[ "$impl" = hsb ] && ha_sample_stop
		ha_probe_stop
		kill -INT "$tdpid" 2>/dev/null
		wait "$tdpid" 2>/dev/null
		wait "$cpid"
		row=$("$HA_PY" "$HERE/restart_report.py" "$T_DIR/probe-$tag" \
			"$sample" "$T_DIR/conns.json" "$notify" \
			"$T_DIR/cap-$tag" "$HA_T_EVENT" "$t_ms")
		echo "  $impl run $run: $row"
		ROWS+=("$row")
		# back to the steady state for the next run: fwA master again
		wait_for 15 steady "$impl" ||
			{ echo "no steady state after $impl run $run" >&2; return 1; }
	done
}

echo "restart_bench: baseline, keepalived with kernel forwarding and nftables"
ha_kernel_fw A && ha_kernel_fw B || exit 1
ha_ka_start A "$T_DIR/a.kconf" || exit 1
wait_for 10 ha_has_addr A in0 "$HA_IN_VIP" || { echo "keepalived fwA never master" >&2; exit 1; }
ha_ka_start B "$T_DIR/b.kconf" || exit 1
wait_for 10 steady keepalived || { echo "keepalived pair never steady" >&2; exit 1; }
sleep 1
measure keepalived || exit 1
KA_ROWS=("${ROWS[@]}")
ha_stop B
ha_stop A
for n in A B; do
	ip netns exec "${HA_NS[$n]}" nft delete table ip ha
	ip netns exec "${HA_NS[$n]}" conntrack -F >/dev/null 2>&1
done

echo "restart_bench: hsb, hsbd --keep-datapath"
start_a hsb 0 || exit 1
wait_for 10 ha_both_vrrp A master || { echo "fwA never master" >&2; exit 1; }
ha_start B "$T_DIR/b.conf" || exit 1
wait_for 10 ha_both_vrrp B backup || { echo "fwB never backup" >&2; exit 1; }
measure hsb || exit 1

mkdir -p "$(dirname "$OUT")"
{
	printf 'hsb %s\n' "${ROWS[@]}"
	printf 'keepalived %s\n' "${KA_ROWS[@]}"
} | "$HA_PY" -c '
import json, statistics, sys
rows = {"hsb": [], "keepalived": []}
for line in sys.stdin:
    impl, row = line.split(" ", 1)
    rows[impl].append(json.loads(row))
keys = ["probes_lost", "longest_reply_gap_ms", "peer_master_ms",
        "peer_adverts", "connection_resets", "connection_longest_stall_ms",
        "priority0_adverts", "vip_garps", "sigterm_to_ready_ms"]
def med(impl, k):
    v = [r[k] for r in rows[impl] if r.get(k) is not None]
    return statistics.median(v) if v else None
h, b = rows["hsb"], rows["keepalived"]
print("%-28s %s | %s" % ("restart of the master agent",
      " ".join("%8s" % ("hsb%d" % (i + 1)) for i in range(len(h))),
      " ".join("%8s" % ("ka%d" % (i + 1)) for i in range(len(b)))))
for k in keys:
    print("%-28s %s | %s" % (k, " ".join("%8s" % r.get(k) for r in h),
                             " ".join("%8s" % r.get(k) for r in b)))
figures = {k: {"hsb": med("hsb", k), "baseline": med("keepalived", k)}
           for k in keys}
json.dump({"bench": "restart", "advert_ms": 100, "probe_hz": 1000,
           "connections": h[0]["connections"],
           "baseline": "keepalived, kernel forwarding, nftables NAT",
           "figures_median": figures, "runs": h, "baseline_runs": b},
          open(sys.argv[1], "w"), indent=1)
' "$OUT"
