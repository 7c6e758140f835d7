#!/usr/bin/env bash
# Runs every tests/integration/test_*.sh (they need root: namespaces, BPF)
# and ends with "integration: N passed, N failed" over all their checks.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/tally.sh
if [ "$(id -u)" -ne 0 ]; then
	echo "integration tests need root (network namespaces, BPF)" >&2
	exit 1
fi
for t in tests/integration/test_*.sh; do
	echo "== $t"
	out=$(timeout 300 bash "$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	[ "$rc" -ne 0 ] && echo "!! $t exited with status $rc"
	tally_output "$out" "$rc"
done
tally_line integration
