# shellcheck shell=bash
# Shared by the test runners: add up "NAME: N passed, N failed" lines.
#   tally_reset; tally_output "$out" "$rc"; tally_line LABEL
# A suite that exited non-zero without reporting a failure counts as one.
TALLY_PASSED=0
TALLY_FAILED=0

tally_output() {
	local out=$1 rc=$2 line p f
	line=$(printf '%s\n' "$out" |
		grep -E '^[a-z0-9_-]+: [0-9]+ passed, [0-9]+ failed$' | tail -n1)
	p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed.*/\1/p')
	f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed$/\1/p')
	TALLY_PASSED=$((TALLY_PASSED + ${p:-0}))
	TALLY_FAILED=$((TALLY_FAILED + ${f:-0}))
	if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
		TALLY_FAILED=$((TALLY_FAILED + 1))
	fi
}

# Prints the closing line CI reads and returns non-zero on any failure.
tally_line() {
	echo "$1: $TALLY_PASSED passed, $TALLY_FAILED failed"
	[ "$TALLY_FAILED" -eq 0 ]
}
