#!/usr/bin/env bash
# make bench: the BPF_PROG_TEST_RUN benchmark (prog_bench), the
# forwarding benchmark (fwd_bench.sh), the VRRP failover benchmark
# (vrrp_bench.sh), the whole-firewall (VGMP) failover benchmark
# (vgmp_bench.sh) and HRP's state backup against conntrackd
# (hrp_bench.sh: hrp_live, hrp_lag, hrp_bulk; hrp_e2e.sh: through the
# whole daemon) and an agent restart on the master (restart_bench.sh), one
# JSON file each under $HSB_BUILD/bench/, tables on stdout. Needs root. Bounded: each part runs under `timeout`.
#
#   BENCH_QUICK=1   fewer runs and calls (a smoke run of ~1 minute)
#   BENCH_CPU=N     CPU to pin to (default: the last one)
#   BENCH_ONLY=prog|nat|fwd|vrrp|vgmp|hrp|restart   run one part
set -u
cd "$(dirname "$0")/../.." || exit 1
HSB_BUILD=${HSB_BUILD:-build}
OUTDIR=$HSB_BUILD/bench
CPU=${BENCH_CPU:-$(($(nproc) - 1))}
ONLY=${BENCH_ONLY:-}

[ "$(id -u)" -eq 0 ] || { echo "make bench needs root (namespaces, BPF)" >&2; exit 1; }
mkdir -p "$OUTDIR"
stats=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo 0)
[ "$stats" = 0 ] ||
	echo "bench: warning: kernel.bpf_stats_enabled=$stats slows every BPF program (~40%); figures are inflated" >&2

if [ "${BENCH_QUICK:-0}" = 1 ]; then
	prog_args="-r 3 -q"
	export BENCH_RUNS=${BENCH_RUNS:-3} BENCH_SECONDS=${BENCH_SECONDS:-1}
	export BENCH_VRRP_RUNS=${BENCH_VRRP_RUNS:-1}
	export BENCH_VGMP_REPS=${BENCH_VGMP_REPS:-1} BENCH_VGMP_HB_S=${BENCH_VGMP_HB_S:-12}
	export BENCH_HRP_N=${BENCH_HRP_N:-200000} BENCH_HRP_BULK_N=${BENCH_HRP_BULK_N:-200000}
	export BENCH_CT_N=${BENCH_CT_N:-30000} BENCH_CT_BULK_N=${BENCH_CT_BULK_N:-50000}
else
	prog_args="-r 9"
	export BENCH_RUNS=${BENCH_RUNS:-5} BENCH_SECONDS=${BENCH_SECONDS:-2}
fi
export HSB_BUILD BENCH_CPU=$CPU

rc=0
start=$(date +%s)
echo "hsb benchmarks: $(uname -r), $(nproc) CPUs, pinned to CPU $CPU, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "Noisy VM: compare figures only with the baseline measured in the same run."
echo
if [ -z "$ONLY" ] || [ "$ONLY" = prog ]; then
	# shellcheck disable=SC2086
	timeout -k 10 300 taskset -c "$CPU" nice -n -20 \
		"$HSB_BUILD/bench/bin/prog_bench" $prog_args -o "$OUTDIR/prog.json" ||
		{ echo "bench: prog_bench failed" >&2; rc=1; }
	echo
fi
if [ -z "$ONLY" ] || [ "$ONLY" = nat ]; then
	timeout -k 10 300 taskset -c "$CPU" nice -n -20 \
		"$HSB_BUILD/bench/bin/nat_bench" -r "$([ "${BENCH_QUICK:-0}" = 1 ] && echo 3 || echo 9)" \
		-o "$OUTDIR/nat.json" ||
		{ echo "bench: nat_bench failed" >&2; rc=1; }
	echo
fi
if [ -z "$ONLY" ] || [ "$ONLY" = fwd ]; then
	timeout -k 20 420 tests/bench/fwd_bench.sh ||
		{ echo "bench: fwd_bench failed" >&2; rc=1; }
fi
if [ -z "$ONLY" ] || [ "$ONLY" = vrrp ]; then
	echo
	timeout -k 20 420 tests/bench/vrrp_bench.sh ||
		{ echo "bench: vrrp_bench failed" >&2; rc=1; }
fi
if [ -z "$ONLY" ] || [ "$ONLY" = vgmp ]; then
	echo
	timeout -k 20 900 tests/bench/vgmp_bench.sh ||
		{ echo "bench: vgmp_bench failed" >&2; rc=1; }
fi
if [ -z "$ONLY" ] || [ "$ONLY" = hrp ]; then
	echo
	# BENCH_RUNS is 5 (3 quick) for the others; 3 rounds here by default
	BENCH_RUNS=${BENCH_HRP_RUNS:-$([ "${BENCH_QUICK:-0}" = 1 ] && echo 1 || echo 3)} timeout -k 20 900 tests/bench/hrp_bench.sh ||
		{ echo "bench: hrp_bench failed" >&2; rc=1; }
	echo
	# the same through the whole daemon (XDP, ring, both hsbd)
	BENCH_RUNS=${BENCH_HRP_RUNS:-$([ "${BENCH_QUICK:-0}" = 1 ] && echo 1 || echo 3)} timeout -k 20 600 tests/bench/hrp_e2e.sh ||
		{ echo "bench: hrp_e2e failed" >&2; rc=1; }
fi
if [ -z "$ONLY" ] || [ "$ONLY" = restart ]; then
	echo
	BENCH_RESTART_RUNS=${BENCH_RESTART_RUNS:-$([ "${BENCH_QUICK:-0}" = 1 ] && echo 1 || echo 3)} \
		timeout -k 20 300 tests/bench/restart_bench.sh ||
		{ echo "bench: restart_bench failed" >&2; rc=1; }
fi
echo
echo "bench: done in $(($(date +%s) - start)) s; JSON in $OUTDIR/"
exit $rc
