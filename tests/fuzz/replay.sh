#!/usr/bin/env bash
# `make check` / `make fuzz-replay`: every harness in DIR (built with
# tests/fuzz/standalone_main.c, no libFuzzer) over its reproducers in
# tests/fuzz/regressions/NAME/ and its corpus in tests/fuzz/corpus/NAME/.
# One test per harness and input set; ends with "fuzz-replay: N passed,
# N failed" (tests/tally.sh).
set -u
cd "$(dirname "$0")/../.." || exit 1
dir=${1:-build/fuzzers}
passed=0
failed=0
for bin in "$dir"/fuzz_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	for set in regressions corpus; do
		inputs=tests/fuzz/$set/$name
		[ -d "$inputs" ] || continue
		out=$("$bin" "$inputs" 2>&1)
		rc=$?
		if [ "$rc" -eq 0 ]; then
			passed=$((passed + 1))
			echo "ok   $name $set: $(printf '%s\n' "$out" | tail -n1 | sed 's/.*: //')"
		else
			failed=$((failed + 1))
			printf '%s\n' "$out" | tail -n 40
			echo "FAIL $name $set (status $rc)"
		fi
	done
done
echo "fuzz-replay: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
