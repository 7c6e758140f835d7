#!/usr/bin/env bash
# HRP state backup (issue 12): live records/s, applied lag p50/p99 and the
# batch backup of many sessions, with conntrackd (conntrack-tools 1.4.7,
# FTFW over UDP between two namespaces) as the same-run baseline.
#
# hsb (build/bench/bin/hrp_bench, in its own namespace): synthetic
# session records through hsbd's HRP modules - transfer form, records,
# frames on a real hrp_link pair (HMAC, TCP over lo), the real check and
# install path into a real session map loaded from the skeleton. The
# records do not come from XDP and the ring, and the sender's gathering
# is a copy of hrp_engine.c's policy (tests/bench/hrp_bench.c says what).
# Sender and receiver run as two processes, as on two hosts; the live and
# bulk runs are repeated with both in one thread (hrp_bench -s, how this
# bench measured before 2026-12-05) so the two figures can be compared.
#   live  BENCH_HRP_N (1000000) records as fast as the link takes them;
#         and a quarter of it installed one by one (hrp_bench -1: the
#         install path before hsb_install_sessions(), for comparison)
#   lag   new sessions at BENCH_HRP_RATE (100000)/s for 2 s, and at the
#         rate the conntrackd generator reached (same-rate comparison)
#   bulk  BENCH_HRP_BULK_N (1000000) sessions in the sender's map, one
#         batch backup: seconds until all are installed, wire bytes each;
#         with BULK_CHUNK frames zlib-compressed at the engine's level
#         (hrp_bench -z 1, HRP_BULK_ZLIB_LEVEL) and uncompressed (-z 0)
# conntrackd (tests/bench/ct_bench.py): fwA and fwB namespaces joined by a
# veth, a conntrackd each; new UDP flows from fwA through nftables
# masquerade to a sink namespace create the conntrack entries.
#   live  BENCH_CT_N (100000) entries created at BENCH_CT_RATE (100000)/s
#         (the generator reaches what it reaches: printed), time until
#         fwB's external cache has them all; lag from the two curves
#   bulk  BENCH_CT_BULK_N (200000) entries in fwA, then fwB's conntrackd
#         starts (StartupResync): time until its external cache has them
#         (under the host's nf_conntrack_max, which this does not touch)
#
# Interleaved, BENCH_RUNS (3) rounds, medians; BENCH_HRP_PARTS ("hsb
# conntrackd") selects. JSON per benchmark:
# $OUTDIR/hrp_live.json, hrp_lag.json, hrp_bulk.json; a table on stdout.
set -u
cd "$(dirname "$0")/../.." || exit 1

HSB_BUILD=${HSB_BUILD:-build}
OUTDIR=${BENCH_HRP_OUTDIR:-$HSB_BUILD/bench}
RUNS=${BENCH_RUNS:-3}
HRP_N=${BENCH_HRP_N:-1000000}
HRP_RATE=${BENCH_HRP_RATE:-100000}
HRP_BULK_N=${BENCH_HRP_BULK_N:-1000000}
CT_N=${BENCH_CT_N:-100000}
CT_RATE=${BENCH_CT_RATE:-100000}
CT_BULK_N=${BENCH_CT_BULK_N:-200000}
PARTS=${BENCH_HRP_PARTS:-hsb conntrackd}
BIN=$HSB_BUILD/bench/bin/hrp_bench
CTPY=$(realpath tests/bench/ct_bench.py)

[ "$(id -u)" -eq 0 ] || { echo "hrp_bench: needs root" >&2; exit 1; }
[ -x "$BIN" ] || { echo "hrp_bench: $BIN missing (make bench-build)" >&2; exit 1; }
if [ "$RUNS" -lt 1 ] || [ "$RUNS" -gt 20 ]; then
	echo "BENCH_RUNS 1..20" >&2
	exit 2
fi
HAVE_CT=1
if ! command -v conntrackd >/dev/null || ! command -v conntrack >/dev/null ||
	! command -v nft >/dev/null; then
	echo "hrp_bench: conntrackd/conntrack/nft missing (scripts/install-deps.sh): no baseline" >&2
	HAVE_CT=0
fi

# Namespaces left by a bench run that died (its PID is gone).
for ns in $(ip netns list | awk '{print $1}' | grep '^hsb-hrpbench-[0-9]*-'); do
	pid=${ns#hsb-hrpbench-}
	pid=${pid%%-*}
	kill -0 "$pid" 2>/dev/null || ip netns del "$ns" 2>/dev/null
done

# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh
hsb_test_init hrpbench
mkdir -p "$OUTDIR"
RES=$T_DIR/results.jsonl
: >"$RES"

new_netns hsb || exit 1
NS_HSB=$NS

# hsb RUN MODE ARGS...: one hrp_bench run, its JSON line tagged.
hsb() {
	local run=$1 line
	shift
	case " $PARTS " in *" hsb "*) ;; *) return 0 ;; esac
	line=$(timeout -k 5 150 ip netns exec "$NS_HSB" nice -n -10 "$BIN" "$@" \
		2>>"$T_DIR/hrp_bench.log") || {
		echo "hrp_bench: hrp_bench $* failed" >&2
		return 1
	}
	echo "{\"impl\": \"hsb\", \"run\": $run, \"args\": \"$*\", \"r\": $line}" >>"$RES"
}

# --- conntrackd ---------------------------------------------------------
ct_setup() {
	new_netns ctA || return 1
	NS_A=$NS
	new_netns ctB || return 1
	NS_B=$NS
	new_netns ctS || return 1
	NS_S=$NS
	ip link add hb0 netns "$NS_A" type veth peer name hb0 netns "$NS_B" || return 1
	ip link add d0 netns "$NS_A" type veth peer name d0 netns "$NS_S" || return 1
	ip -n "$NS_A" addr add 10.98.0.1/30 dev hb0
	ip -n "$NS_B" addr add 10.98.0.2/30 dev hb0
	ip -n "$NS_A" addr add 10.97.0.1/24 dev d0
	ip -n "$NS_S" addr add 10.97.0.2/24 dev d0
	ip -n "$NS_A" link set hb0 up
	ip -n "$NS_B" link set hb0 up
	ip -n "$NS_A" link set d0 up
	ip -n "$NS_S" link set d0 up
	ip netns exec "$NS_A" nft 'table ip hsbbench { chain post { type nat hook postrouting priority 100; oifname "d0" masquerade; }; }' || return 1
	ip netns exec "$NS_S" nft 'table ip hsbbench { chain in { type filter hook input priority 0; drop; }; }' || return 1
	ct_conf A 10.98.0.1 10.98.0.2 >"$T_DIR/ctA.conf"
	ct_conf B 10.98.0.2 10.98.0.1 >"$T_DIR/ctB.conf"
}

# ct_conf NODE LOCAL REMOTE: FTFW over UDP on hb0, own lock/socket/log.
ct_conf() {
	cat <<EOF
Sync {
	Mode FTFW {
		StartupResync on
	}
	UDP {
		IPv4_address $2
		IPv4_Destination_Address $3
		Port 3780
		Interface hb0
		SndSocketBuffer 24985600
		RcvSocketBuffer 24985600
		Checksum on
	}
}
General {
	HashSize 262144
	HashLimit 2097152
	LogFile $T_DIR/ct$1.log
	Syslog off
	LockFile $T_DIR/ct$1.lock
	UNIX {
		Path $T_DIR/ct$1.ctl
	}
	NetlinkBufferSize 8388608
	NetlinkBufferSizeMaxGrowth 67108864
	Filter From Kernelspace {
		Protocol Accept {
			UDP
		}
		Address Ignore {
			IPv4_address 127.0.0.1
			IPv4_address 10.98.0.1
			IPv4_address 10.98.0.2
		}
	}
}
EOF
}

# ct_start NODE: conntrackd in its namespace (daemon; pid from the lock's
# owner is not needed: ct_stop asks it to quit through its socket).
ct_start() {
	local ns=$NS_A
	[ "$1" = B ] && ns=$NS_B
	rm -f "$T_DIR/ct$1.lock" "$T_DIR/ct$1.ctl"
	ip netns exec "$ns" conntrackd -d -C "$T_DIR/ct$1.conf" || return 1
	for _ in $(seq 50); do
		[ -S "$T_DIR/ct$1.ctl" ] && return 0
		sleep 0.05
	done
	return 1
}

ct_stop() {
	local n
	for n in A B; do
		[ -S "$T_DIR/ct$n.ctl" ] || continue
		conntrackd -C "$T_DIR/ct$n.conf" -k >/dev/null 2>&1
		for _ in $(seq 50); do
			[ -S "$T_DIR/ct$n.ctl" ] || break
			sleep 0.1
		done
	done
	ip netns exec "$NS_A" conntrack -F >/dev/null 2>&1
	sleep 0.5
}
trap 'ct_stop; hsb_test_cleanup' EXIT

ct_live() {
	local run=$1 lag
	ct_stop
	if ! ct_start A || ! ct_start B; then
		echo "hrp_bench: conntrackd did not start" >&2
		return 1
	fi
	sleep 0.5
	timeout -k 5 120 ip netns exec "$NS_B" python3 "$CTPY" poll "$T_DIR/ctB.conf" "$CT_N" 60 \
		>"$T_DIR/poll.json" &
	local poller=$!
	sleep 0.3
	timeout -k 5 120 ip netns exec "$NS_A" nice -n -10 python3 "$CTPY" gen 10.97.0.2 "$CT_N" "$CT_RATE" \
		>"$T_DIR/gen.json" || { echo "hrp_bench: generator failed" >&2; wait "$poller"; return 1; }
	wait "$poller"
	lag=$(python3 "$CTPY" lag "$T_DIR/gen.json" "$T_DIR/poll.json" "$CT_N") || return 1
	echo "{\"impl\": \"conntrackd\", \"run\": $run, \"args\": \"live $CT_N\", \"r\": $lag}" >>"$RES"
	# the hsb runs that follow do not share the CPUs with two
	# conntrackd holding 100k entries (lag p99 of 44-122 ms seen)
	ct_stop
}

ct_bulk() {
	local run=$1 t0 res
	ct_stop
	ct_start A || return 1
	timeout -k 5 120 ip netns exec "$NS_A" python3 "$CTPY" gen 10.97.0.2 "$CT_BULK_N" 0 \
		>/dev/null || return 1
	# every entry in fwA's internal cache before fwB starts
	for _ in $(seq 200); do
		conntrackd -C "$T_DIR/ctA.conf" -s 2>/dev/null | sed -n 2p |
			awk -v n="$CT_BULK_N" '{ exit !($NF >= n) }' && break
		sleep 0.05
	done
	t0=$(python3 -c 'import time; print(time.monotonic())')
	ct_start B || return 1
	res=$(timeout -k 5 120 ip netns exec "$NS_B" python3 "$CTPY" poll "$T_DIR/ctB.conf" "$CT_BULK_N" 60 |
		python3 -c '
import json, sys
t0, n = float(sys.argv[1]), int(sys.argv[2])
s = json.load(sys.stdin)["samples"]
done = next((t for t, c in s if c >= n), None)
print(json.dumps({"n": n, "seconds": done - t0 if done else None,
		  "records_per_s": n / (done - t0) if done else None,
		  "have": s[-1][1] if s else 0}))' "$t0" "$CT_BULK_N") || return 1
	echo "{\"impl\": \"conntrackd\", \"run\": $run, \"args\": \"bulk $CT_BULK_N\", \"r\": $res}" >>"$RES"
}

case " $PARTS " in *" conntrackd "*) ;; *) HAVE_CT=0 ;; esac
if [ "$HAVE_CT" = 1 ]; then
	ct_setup || { echo "hrp_bench: conntrackd topology failed" >&2; HAVE_CT=0; }
fi

echo "HRP state backup: hsb (HRP layer, synthetic records) vs conntrackd FTFW, $RUNS runs"
CT_GOT_RATE=""
for run in $(seq "$RUNS"); do
	hsb "$run" -m live -n "$HRP_N"
	hsb "$run" -s -m live -n "$HRP_N"
	# the same, installing one by one (as before the batched install)
	hsb "$run" -1 -m live -n $((HRP_N / 4))
	if [ "$HAVE_CT" = 1 ]; then
		ct_live "$run" || echo "hrp_bench: conntrackd live run $run failed" >&2
		# the rate conntrackd's generator reached, for a same-rate hsb run
		CT_GOT_RATE=$(tail -n 1 "$RES" | python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
print(int(r["r"].get("generator_rate", 0)) if r["impl"] == "conntrackd" else "")' 2>/dev/null)
	fi
	hsb "$run" -m lag -n $((HRP_RATE * 2)) -r "$HRP_RATE"
	if [ -n "$CT_GOT_RATE" ] && [ "$CT_GOT_RATE" -gt 0 ]; then
		hsb "$run" -m lag -n "$CT_N" -r "$CT_GOT_RATE"
	fi
	hsb "$run" -m bulk -n "$HRP_BULK_N" -z 1
	hsb "$run" -s -m bulk -n "$HRP_BULK_N" -z 1
	hsb "$run" -m bulk -n "$HRP_BULK_N" -z 0
	if [ "$HAVE_CT" = 1 ]; then
		ct_bulk "$run" || echo "hrp_bench: conntrackd bulk run $run failed" >&2
	fi
done
ct_stop

python3 - "$RES" "$OUTDIR" "$HRP_RATE" <<'EOF'
import json, statistics, sys

res = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
outdir, rate = sys.argv[2], int(sys.argv[3])


def med(rows, key):
    v = [r["r"][key] for r in rows if r["r"].get(key) is not None]
    return statistics.median(v) if v else None


def sel(impl, pred):
    return [r for r in res if r["impl"] == impl and pred(r)]


def one(r):
    return r["r"].get("processes") == 1


hl = sel("hsb", lambda r: r["r"]["mode"] == "live" and "-1" not in r["args"] and not one(r))
hs = sel("hsb", lambda r: r["r"]["mode"] == "live" and "-1" not in r["args"] and one(r))
h1 = sel("hsb", lambda r: r["r"]["mode"] == "live" and "-1" in r["args"])
hlag = sel("hsb", lambda r: r["r"]["mode"] == "lag" and r["r"]["rate"] == rate)
hlag_same = sel("hsb", lambda r: r["r"]["mode"] == "lag" and r["r"]["rate"] != rate)
hb = sel("hsb", lambda r: r["r"]["mode"] == "bulk" and r["r"]["zlib_level"] and not one(r))
hbs = sel("hsb", lambda r: r["r"]["mode"] == "bulk" and r["r"]["zlib_level"] and one(r))
hb0 = sel("hsb", lambda r: r["r"]["mode"] == "bulk" and not r["r"]["zlib_level"])
cl = sel("conntrackd", lambda r: r["args"].startswith("live"))
cb = sel("conntrackd", lambda r: r["args"].startswith("bulk"))


def ratio(a, b):
    return round(a / b, 2) if a and b else None


live = {
    "what": "records/s end to end: hsb = HRP layer driven by synthetic records "
            "(hrp_link + frames + records + install path into a real map); "
            "conntrackd = conntrack entries from real flows (generator-bound) "
            "until fwB's external cache has them",
    "hsb": {"records_per_s": med(hl, "records_per_s"), "n": hl[0]["r"]["n"] if hl else None,
            "sender_ns_per_record": med(hl, "sender_ns_per_record"),
            "receiver_ns_per_record": med(hl, "receiver_ns_per_record"),
            "install_ns_per_record": med(hl, "install_ns_per_record"),
            "bytes_per_session": med(hl, "bytes_per_session")},
    "hsb_one_process": {"records_per_s": med(hs, "records_per_s"),
                        "sender_ns_per_record": med(hs, "sender_ns_per_record"),
                        "receiver_ns_per_record": med(hs, "receiver_ns_per_record")},
    "hsb_one_by_one": {"records_per_s": med(h1, "records_per_s"),
                       "install_ns_per_record": med(h1, "install_ns_per_record")},
    "conntrackd": {"records_per_s": med(cl, "records_per_s"),
                   "generator_rate": med(cl, "generator_rate"),
                   "n": None},
    "target_records_per_s": 1000000,
    "runs": [r for r in res if r in hl or r in hs or r in h1 or r in cl],
}
live["ratio_hsb_over_conntrackd"] = ratio(live["hsb"]["records_per_s"],
                                          live["conntrackd"]["records_per_s"])
lag = {
    "what": "applied lag: creation (the record's scheduled time; conntrackd: "
            "the generator's curve) to presence in the peer's map (hsb: "
            "installed; conntrackd: fwB's external cache count, FIFO, "
            "sampled)",
    "hsb_at_target_rate": {"rate": rate, "lag_p50_ms": med(hlag, "lag_p50_ms"),
                           "lag_p99_ms": med(hlag, "lag_p99_ms"),
                           "lag_max_ms": med(hlag, "lag_max_ms")},
    "hsb_at_conntrackd_rate": {"rate": med(hlag_same, "rate"),
                               "lag_p50_ms": med(hlag_same, "lag_p50_ms"),
                               "lag_p99_ms": med(hlag_same, "lag_p99_ms")},
    "conntrackd": {"rate": med(cl, "generator_rate"),
                   "lag_p50_ms": med(cl, "lag_p50_ms"),
                   "lag_p99_ms": med(cl, "lag_p99_ms")},
    "target_p99_ms": 5,
    "runs": [r for r in res if r in hlag or r in hlag_same or r in cl],
}
lag["ratio_p99_conntrackd_over_hsb_same_rate"] = ratio(
    lag["conntrackd"]["lag_p99_ms"], lag["hsb_at_conntrackd_rate"]["lag_p99_ms"])
bulk = {
    "what": "batch backup: sessions in the sender's map until all installed "
            "on the peer (hsb: HRP layer, the engine's walk and pacing; "
            "conntrackd: fwB started with StartupResync until its external "
            "cache has them)",
    "hsb": {"n": hb[0]["r"]["n"] if hb else None, "seconds": med(hb, "seconds"),
            "records_per_s": med(hb, "records_per_s"),
            "bytes_per_session": med(hb, "bytes_per_session"),
            "zlib_level": hb[0]["r"]["zlib_level"] if hb else None},
    "hsb_one_process": {"seconds": med(hbs, "seconds"),
                        "records_per_s": med(hbs, "records_per_s")},
    "hsb_uncompressed": {"seconds": med(hb0, "seconds"),
                         "records_per_s": med(hb0, "records_per_s"),
                         "bytes_per_session": med(hb0, "bytes_per_session")},
    "conntrackd": {"n": cb[0]["r"]["n"] if cb else None,
                   "seconds": med(cb, "seconds"),
                   "records_per_s": med(cb, "records_per_s")},
    "target_seconds_1M": 2,
    "runs": [r for r in res if r in hb or r in hbs or r in hb0 or r in cb],
}
bulk["ratio_hsb_over_conntrackd"] = ratio(bulk["hsb"]["records_per_s"],
                                          bulk["conntrackd"]["records_per_s"])
for name, o in (("hrp_live", live), ("hrp_lag", lag), ("hrp_bulk", bulk)):
    with open(f"{outdir}/{name}.json", "w") as f:
        json.dump(o, f, indent=1)


def f(v, fmt="{:,.0f}"):
    return fmt.format(v) if v is not None else "-"


print()
print(f"{'benchmark':<40} {'hsb':>14} {'conntrackd':>14} {'ratio':>8}")
print(f"{'live records/s':<40} {f(live['hsb']['records_per_s']):>14} "
      f"{f(live['conntrackd']['records_per_s']):>14} "
      f"{f(live['ratio_hsb_over_conntrackd'], '{:.1f}x'):>8}")
print(f"{'  hsb sender+receiver in one thread':<40} {f(live['hsb_one_process']['records_per_s']):>14}")
print(f"{'  hsb installing one by one (before)':<40} {f(live['hsb_one_by_one']['records_per_s']):>14}")
print(f"{'  hsb install us/record batched / 1-by-1':<40} "
      f"{f(live['hsb']['install_ns_per_record'] and live['hsb']['install_ns_per_record'] / 1000, '{:.2f}') + ' / ' + f(live['hsb_one_by_one']['install_ns_per_record'] and live['hsb_one_by_one']['install_ns_per_record'] / 1000, '{:.2f}'):>14}")
print(f"{'  conntrackd generator rate /s':<40} {'':>14} {f(live['conntrackd']['generator_rate']):>14}")
L = lag["hsb_at_target_rate"]
print(f"{'lag p50/p99 ms at %d/s' % rate:<40} "
      f"{f(L['lag_p50_ms'], '{:.2f}') + '/' + f(L['lag_p99_ms'], '{:.2f}'):>14} {'':>14}")
S, C = lag["hsb_at_conntrackd_rate"], lag["conntrackd"]
print(f"{'lag p50/p99 ms at conntrackd rate %s/s' % f(C['rate']):<40} "
      f"{f(S['lag_p50_ms'], '{:.2f}') + '/' + f(S['lag_p99_ms'], '{:.2f}'):>14} "
      f"{f(C['lag_p50_ms'], '{:.1f}') + '/' + f(C['lag_p99_ms'], '{:.1f}'):>14} "
      f"{f(lag['ratio_p99_conntrackd_over_hsb_same_rate'], '{:.1f}x'):>8}")
B, CB = bulk["hsb"], bulk["conntrackd"]
print(f"{'bulk: seconds (n)':<40} "
      f"{f(B['seconds'], '{:.2f}') + ' (' + f(B['n']) + ')':>14} "
      f"{f(CB['seconds'], '{:.2f}') + ' (' + f(CB['n']) + ')':>14}")
print(f"{'bulk: sessions/s':<40} {f(B['records_per_s']):>14} "
      f"{f(CB['records_per_s']):>14} {f(bulk['ratio_hsb_over_conntrackd'], '{:.1f}x'):>8}")
print(f"{'bulk: wire bytes per session':<40} {f(B['bytes_per_session'], '{:.1f}'):>14}")
print(f"{'  sender+receiver in one thread: seconds':<40} {f(bulk['hsb_one_process']['seconds'], '{:.2f}'):>14}")
B0 = bulk["hsb_uncompressed"]
print(f"{'  uncompressed: seconds, bytes/session':<40} "
      f"{f(B0['seconds'], '{:.2f}') + ', ' + f(B0['bytes_per_session'], '{:.1f}'):>14}")
print(f"targets: live >= 1,000,000/s; lag p99 <= 5 ms at {rate}/s; 1M bulk <= 2 s; live ratio >= 10x")
print(f"JSON: {outdir}/hrp_live.json hrp_lag.json hrp_bulk.json")
EOF
