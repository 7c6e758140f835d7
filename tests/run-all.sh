#!/usr/bin/env bash
# `make check`: unit and BPF tests, the fuzz reproducers and corpus
# replayed (tests/fuzz/replay.sh), then integration tests; each suite runs
# even when an earlier one failed. Ends with one total line,
# "check: N passed, N failed", which CI reads.
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/tally.sh
B=${HSB_BUILD:-build}
suite() {
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	tally_output "$out" "$rc"
}
# shellcheck disable=SC2046
suite tests/run-unit.sh $(ls "$B"/tests/test_* 2>/dev/null)
suite tests/fuzz/replay.sh "$B/fuzzers"
suite tests/check-prometheus.sh
suite env HSB_BUILD="$B" tests/check-install.sh
suite env HSB_BUILD="$B" tests/check-docs.sh
suite env HSB_BUILD="$B" tests/check-k8s.sh
suite env HSB_BUILD="$B" tests/check-completion.sh
suite env HSB_BUILD="$B" tests/integration/run.sh
tally_line check
