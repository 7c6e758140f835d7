#!/usr/bin/env bash
# `make check`: unit tests, BPF tests, then integration tests; each suite
# runs even when an earlier one failed. Ends with one total line,
# "check: N passed, N failed", which CI reads.
set -u
cd "$(dirname "$0")/.." || exit 1
B=${HSB_BUILD:-build}
passed=0
failed=0
suite() {
	local out line p f rc
	out=$("$@" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | grep -E '^[a-z]+: [0-9]+ passed, [0-9]+ failed$' | tail -n1)
	p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed.*/\1/p')
	f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed$/\1/p')
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
		failed=$((failed + 1))
	fi
}
suite tests/run-unit.sh $(ls "$B"/tests/test_* 2>/dev/null)
suite env HSB_BUILD="$B" tests/integration/run.sh
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
