#!/usr/bin/env bash
# Runs libFuzzer harnesses, one after the other or --jobs N at a time
# (never more than the cores: one core each is what the figures in
# docs/testing.md assume; make fuzz-ci runs one per core to halve CI's
# wall time, each harness still fuzzing for SECONDS).
#
#   tests/fuzz/run.sh [--build DIR] [--time SECONDS] [--jobs N] [--keep]
#                     [NAME...]
#
# Each harness NAME (default: every DIR/fuzzers/fuzz_*) runs for SECONDS
# from tests/fuzz/corpus/NAME/ and tests/fuzz/regressions/NAME/ (read
# only; new inputs go to DIR/corpus/NAME/), with tests/fuzz/dict/NAME.dict
# when there is one. --keep (make fuzz) merges the inputs that add
# coverage back into tests/fuzz/corpus/NAME/; without it (make fuzz-ci) the
# repository is left untouched. A crash leaves its input in
# DIR/artifacts/NAME/ and makes the script fail; copy it to
# tests/fuzz/regressions/NAME/ once fixed. Per-harness libFuzzer output
# (with -print_final_stats) is in DIR/logs/NAME.log.
set -u
cd "$(dirname "$0")/../.." || exit 1
build=build/fuzz
time=300
keep=0
jobs=1
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--time) time=$2; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	--) shift; break ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for b in "$build"/fuzzers/fuzz_*; do
		[ -x "$b" ] && names+=("$(basename "$b")")
	done
fi
case $jobs in
'' | *[!0-9]* | 0) echo "run.sh: --jobs wants a positive number" >&2; exit 2 ;;
esac
# run_one NAME: fuzz one harness; its report goes to DIR/logs/NAME.report,
# status 0 when it found nothing
run_one() {
	local name=$1 bin scratch art log seed dict rc d
	local -a opts dirs
	bin=$build/fuzzers/$name
	scratch=$build/corpus/$name
	art=$build/artifacts/$name
	log=$build/logs/$name.log
	if [ ! -x "$bin" ]; then
		echo "run.sh: $bin not built"
		return 1
	fi
	rm -rf "$scratch"
	mkdir -p "$scratch" "$art" "$(dirname "$log")"
	seed=tests/fuzz/corpus/$name
	opts=(-max_total_time="$time" -print_final_stats=1 -timeout=10
		-rss_limit_mb=2048 -artifact_prefix="$art/")
	dict=tests/fuzz/dict/$name.dict
	[ -f "$dict" ] && opts+=(-dict="$dict")
	echo "== $name: ${time}s"
	# new inputs go to the scratch directory (the first one given); the
	# reproducers of fixed crashes run first of all, under the sanitizers
	dirs=("$scratch")
	for d in "$seed" "tests/fuzz/regressions/$name"; do
		[ -d "$d" ] && dirs+=("$d")
	done
	"$bin" "${opts[@]}" "${dirs[@]}" >"$log" 2>&1
	rc=$?
	grep -E '^(stat::|#[0-9]+.*DONE|Done )|ERROR|SUMMARY' "$log" | tail -n 12
	if [ "$rc" -ne 0 ]; then
		grep -A30 -m1 -E '==ERROR|invariant broken|runtime error' "$log"
		echo "FAIL $name (status $rc): see $log and $art/"
		return 1
	fi
	if [ "$keep" -eq 1 ]; then
		mkdir -p "$seed"
		"$bin" -merge=1 "$seed" "$scratch" >>"$log" 2>&1 &&
			echo "corpus $seed: $(find "$seed" -type f | wc -l) inputs"
	fi
	return 0
}
mkdir -p "$build/logs"
passed=0
failed=0
running=0
# tally NAME STATUS: print NAME's report (whole, not interleaved) and count
tally() {
	cat "$build/logs/$1.report"
	if [ "$2" -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
}
declare -A job_name
# reap: wait for one harness to finish and tally it
reap() {
	local done_pid rc
	wait -n -p done_pid
	rc=$?
	tally "${job_name[$done_pid]}" "$rc"
	running=$((running - 1))
}
for name in "${names[@]}"; do
	[ "$running" -lt "$jobs" ] || reap
	run_one "$name" >"$build/logs/$name.report" 2>&1 &
	job_name[$!]=$name
	running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
	reap
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
