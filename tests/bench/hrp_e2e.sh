#!/usr/bin/env bash
# HRP state backup through the whole daemon (issue 12: "ring -> wire ->
# peer map"): new sessions made by XDP on the active host, carried by
# hsbd to the standby's map. On the HA topology (tests/integration/
# ha_lib.sh, VGMP at 100 ms hellos, HRP, no NAT), the client's namespace
# runs the traffic generator (trafficgen -P -r: BENCH_E2E_RATE, 100000, new
# UDP flows a second for BENCH_E2E_SECONDS, 2, 64-byte frames paced per
# millisecond); fwA's XDP makes a session for each and pushes it to the
# ring; fwA's hsbd reads the ring, frames the records and sends them;
# fwB's hsbd checks and installs them and ACKs each frame. The server's
# port drops everything (an XDP sink). Both hsbd start afresh for every
# run (empty tables: no batch backup, the lag window holds this run).
#
# Figures per run, from fwA's and fwB's `show hrp -j` and counters:
#   installed   sessions in fwB's table from fwA / sessions fwA made
#   lag         fwA's applied lag (hrp.md, "Applied lag"): per RECORDS
#               frame, its oldest record's ring timestamp (XDP's
#               bpf_ktime_get_ns(), CLOCK_MONOTONIC) to the peer's ACK; p50,
#               p99, max over the run's frames, 12.5 % buckets
#   settle      generator end to the last session installed on fwB
#               (polled every 10 ms)
#   ring_full   records XDP could not push (then a batch backup follows)
# Baseline in the same run: hrp_bench -m lag at the same rate (the HRP
# layer alone, synthetic records, per record: scheduled time to
# installed), so the difference is what the ring, the collector and the
# bus add.
#
# Interleaved, BENCH_RUNS (3) rounds, medians; JSON $OUTDIR/hrp_e2e.json.
set -u
cd "$(dirname "$0")/../.." || exit 1

HSB_BUILD=${HSB_BUILD:-build}
OUTDIR=${BENCH_HRP_OUTDIR:-$HSB_BUILD/bench}
RUNS=${BENCH_RUNS:-3}
RATE=${BENCH_E2E_RATE:-100000}
SECS=${BENCH_E2E_SECONDS:-2}
TGEN=$(realpath "$HSB_BUILD/bench/bin/trafficgen")
HRPB=$(realpath "$HSB_BUILD/bench/bin/hrp_bench")
HSBD_BIN=$HSB_BUILD/hsbd

[ "$(id -u)" -eq 0 ] || { echo "hrp_e2e: needs root" >&2; exit 1; }
for f in "$TGEN" "$HRPB" "$HSBD_BIN"; do
	[ -x "$f" ] || { echo "hrp_e2e: $f missing (make bench-build)" >&2; exit 1; }
done
if [ "$RUNS" -lt 1 ] || [ "$RUNS" -gt 20 ] || [ "$SECS" -lt 1 ] ||
	[ "$SECS" -gt 10 ] || [ "$RATE" -lt 1000 ] || [ "$RATE" -gt 1000000 ]; then
	echo "hrp_e2e: BENCH_RUNS 1..20, BENCH_E2E_SECONDS 1..10, BENCH_E2E_RATE 1000..1000000" >&2
	exit 2
fi
FLOWS=$((RATE * SECS))

# Namespaces left by a bench run that died (its PID is gone).
for ns in $(ip netns list | awk '{print $1}' | grep '^hsb-hrpe2e-[0-9]*-'); do
	pid=${ns#hsb-hrpe2e-}
	pid=${pid%%-*}
	kill -0 "$pid" 2>/dev/null || ip netns del "$ns" 2>/dev/null
done

# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh
HA_NAT=0
# shellcheck source=tests/integration/ha_lib.sh
. tests/integration/ha_lib.sh
hsb_test_init hrpe2e
mkdir -p "$OUTDIR"
RES=$T_DIR/results.jsonl
: >"$RES"

ha_topology || exit 1
# the generator's frames leave the client by XDP_TX: the switch port
# facing it needs an XDP program to take them (scripts/veth-wake.sh)
scripts/veth-wake.sh "$HA_IN" pcl || exit 1
# the sink answers nothing: the firewalls know its MAC for good
for n in A B; do
	ip -n "${HA_NS[$n]}" neigh replace "$HA_SERVER" lladdr 02:00:00:20:00:64 \
		dev out0 nud permanent
done
ip netns exec "$HA_SV" "$TGEN" sink-attach eth0 || exit 1
for n in A B; do
	{
		ha_conf_hrp "$n" 100
		echo "firewall session table-size $((FLOWS * 2))"
	} >"$T_DIR/$n.conf"
	chmod 600 "$T_DIR/$n.conf"
done
hrp() { "$HSBCTL" -s "$(ha_sock "$1")" -j show hrp | json_get "$2"; }
hrp_up() { [ "$(hrp "$1" 'd["connection"]["up"]')" = True ]; }
ctr() { "$HSBCTL" -s "$(ha_sock "$1")" -j show counters | json_get "d['datapath']['$2']"; }
# cpu_ms NODE: CPU time hsbd of NODE used so far (user + system), ms
cpu_ms() {
	awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' \
		"/proc/$(ha_pid "$1")/stat"
}

new_netns lay || exit 1
NS_LAYER=$NS

# e2e RUN: both hsbd fresh, RATE new flows/s for SECS, the figures.
e2e() {
	local run=$1 mac t_end settle n0 got lag ca cb
	for n in A B; do
		ha_start "$n" "$T_DIR/$n.conf" || return 1
	done
	wait_for 10 ha_vgmp_is A g1 active || { echo "hrp_e2e: fwA not active" >&2; return 1; }
	wait_for 10 ha_vgmp_is B g1 standby || return 1
	wait_for 10 hrp_up A || { echo "hrp_e2e: HRP not up" >&2; return 1; }
	# the client learns the inside VIP's MAC (the generator sends to it)
	ip netns exec "$HA_CL" ping -c 1 -W 1 "$HA_IN_VIP" >/dev/null
	mac=$(ip -n "$HA_CL" neigh show "$HA_IN_VIP" | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") { print $(i + 1); exit } }')
	[ -n "$mac" ] || { echo "hrp_e2e: no MAC for the VIP" >&2; return 1; }
	n0=$(ctr A session_new)
	ca=$(cpu_ms A)
	cb=$(cpu_ms B)
	ip netns exec "$HA_CL" nice -n -10 "$TGEN" send -P -i eth0 -m "$mac" \
		-s "$HA_CLIENT" -d "$HA_SERVER" -f "$FLOWS" -t "$SECS" \
		-b 1024 -p 1024 -r "$RATE" >"$T_DIR/gen.json" || return 1
	t_end=$(ha_mono_ms)
	# settle: fwB's installs stop growing (10 ms polls, 10 s at most)
	"$HA_PY" - "$(ha_sock B)" "$HSBCTL" >"$T_DIR/settle.json" <<'PY'
import json, subprocess, sys, time
sock, ctl = sys.argv[1], sys.argv[2]
last, t_last, end = -1, time.monotonic(), time.monotonic() + 10
while time.monotonic() < end:
    d = json.loads(subprocess.run([ctl, "-s", sock, "-j", "show", "hrp"],
                                  capture_output=True, text=True).stdout)
    n = d["install"]["sessions"]
    if n != last:
        last, t_last = n, time.monotonic()
    elif time.monotonic() - t_last > 0.5:
        break
    time.sleep(0.01)
print(json.dumps({"installed": last, "t_last_ms": t_last * 1000}))
PY
	ca=$(($(cpu_ms A) - ca))
	cb=$(($(cpu_ms B) - cb))
	settle=$(json_get "int(d['t_last_ms']) - $t_end" <"$T_DIR/settle.json")
	got=$(json_get 'd["installed"]' <"$T_DIR/settle.json")
	"$HSBCTL" -s "$(ha_sock A)" -j show hrp >"$T_DIR/hrpA.json"
	lag=$(json_get 'json.dumps(d["applied_lag"])' <"$T_DIR/hrpA.json")
	echo "{\"impl\": \"hsb_daemon\", \"run\": $run, \"rate\": $RATE, \"seconds\": $SECS," \
		"\"gen\": $(cat "$T_DIR/gen.json"), \"made\": $(($(ctr A session_new) - n0))," \
		"\"installed\": $got, \"settle_ms\": $settle, \"cpu_ms_a\": $ca, \"cpu_ms_b\": $cb, \"ring_full\": $(ctr A ring_full)," \
		"\"records_dropped\": $(json_get 'd["records_dropped"]' <"$T_DIR/hrpA.json")," \
		"\"applied_lag\": $lag}" >>"$RES"
	for n in A B; do
		stop_hsbd "$(ha_pid "$n")"
		# fresh tables next run
		rm -rf "$(eval echo "\${${n}_PINS}")"
	done
}

layer() {
	local run=$1 line
	line=$(timeout -k 5 150 ip netns exec "$NS_LAYER" nice -n -10 "$HRPB" \
		-m lag -n "$FLOWS" -r "$RATE" 2>>"$T_DIR/hrp_bench.log") || {
		echo "hrp_e2e: hrp_bench failed" >&2
		return 1
	}
	echo "{\"impl\": \"hsb_layer\", \"run\": $run, \"r\": $line}" >>"$RES"
}

echo "HRP through the whole daemon: $RATE new sessions/s for $SECS s, $RUNS runs"
for run in $(seq "$RUNS"); do
	e2e "$run" || echo "hrp_e2e: run $run failed" >&2
	layer "$run"
done

python3 - "$RES" "$OUTDIR" <<'EOF'
import json, statistics, sys

res = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
outdir = sys.argv[2]
d = [r for r in res if r["impl"] == "hsb_daemon"]
l = [r for r in res if r["impl"] == "hsb_layer"]


def med(v):
    v = [x for x in v if x is not None]
    return statistics.median(v) if v else None


out = {
    "what": "new sessions made by XDP on fwA at a paced rate, carried by "
            "fwA's and fwB's hsbd into fwB's map (ring, collector, bus, "
            "HRP sender, link, receiver, install); lag = fwA's applied "
            "lag per frame (coarse ring timestamp to the peer's ACK)",
    "rate": d[0]["rate"] if d else None,
    "daemon": {
        "generator_pps": med([r["gen"]["pps"] for r in d]),
        "made": med([r["made"] for r in d]),
        "installed": med([r["installed"] for r in d]),
        "settle_ms": med([r["settle_ms"] for r in d]),
        "lag_p50_ms": med([r["applied_lag"]["p50_ms"] for r in d]),
        "lag_p99_ms": med([r["applied_lag"]["p99_ms"] for r in d]),
        "lag_max_ms": med([r["applied_lag"].get("max_ms") for r in d]),
        "frames": med([r["applied_lag"]["frames"] for r in d]),
        "ring_full": med([r["ring_full"] for r in d]),
        "sender_us_per_session": med([r["cpu_ms_a"] * 1000 / r["made"] for r in d if r["made"]]),
        "receiver_us_per_session": med([r["cpu_ms_b"] * 1000 / r["installed"] for r in d if r["installed"]]),
    },
    "baseline_hrp_layer": {
        "lag_p50_ms": med([r["r"]["lag_p50_ms"] for r in l]),
        "lag_p99_ms": med([r["r"]["lag_p99_ms"] for r in l]),
    },
    "target_p99_ms": 5,
    "runs": res,
}
D, B = out["daemon"], out["baseline_hrp_layer"]
out["ratio_p99_daemon_over_layer"] = (
    round(D["lag_p99_ms"] / B["lag_p99_ms"], 2)
    if D["lag_p99_ms"] and B["lag_p99_ms"] else None)
with open(f"{outdir}/hrp_e2e.json", "w") as f:
    json.dump(out, f, indent=1)


def f(v, fmt="{:,.0f}"):
    return fmt.format(v) if v is not None else "-"


print()
print(f"{'benchmark':<44} {'daemon':>14} {'HRP layer':>12} {'ratio':>7}")
print(f"{'generator frames/s':<44} {f(D['generator_pps']):>14}")
print(f"{'sessions made on fwA / installed on fwB':<44} {f(D['made']) + ' / ' + f(D['installed']):>14}")
print(f"{'lag p50 ms':<44} {f(D['lag_p50_ms'], '{:.2f}'):>14} {f(B['lag_p50_ms'], '{:.2f}'):>12}")
print(f"{'lag p99 ms':<44} {f(D['lag_p99_ms'], '{:.2f}'):>14} {f(B['lag_p99_ms'], '{:.2f}'):>12} "
      f"{f(out['ratio_p99_daemon_over_layer'], '{:.1f}x'):>7}")
print(f"{'lag max ms':<44} {f(D['lag_max_ms'], '{:.2f}'):>14}")
print(f"{'generator end to last install on fwB ms':<44} {f(D['settle_ms']):>14}")
print(f"{'ring_full (records XDP could not push)':<44} {f(D['ring_full']):>14}")
print(f"{'hsbd CPU us/session, fwA (sender) / fwB':<44} {f(D['sender_us_per_session'], '{:.2f}') + ' / ' + f(D['receiver_us_per_session'], '{:.2f}'):>14}")
print(f"JSON: {outdir}/hrp_e2e.json")
EOF
