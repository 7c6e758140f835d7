#!/usr/bin/env bash
# Runs every tests/integration/test_*.sh (they need root: namespaces, BPF),
# or the ones named as arguments, each under `timeout 300` unless it
# declares its own bound in a line "# timeout: SECONDS" (HSB_TEST_TIMEOUT,
# when set, bounds every test instead: make soak), and ends with
# "integration: N passed, N failed" over all their checks.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/tally.sh
if [ "$(id -u)" -ne 0 ]; then
	echo "integration tests need root (network namespaces, BPF)" >&2
	exit 1
fi
[ $# -gt 0 ] || set -- tests/integration/test_*.sh
for t in "$@"; do
	echo "== $t"
	t0=$(date +%s)
	# 300 s each, or what the script declares ("# timeout: N" line)
	limit=$(sed -n 's/^# timeout: *\([0-9][0-9]*\)$/\1/p' "$t" | head -1)
	limit=${HSB_TEST_TIMEOUT:-$limit}
	out=$(timeout "${limit:-300}" bash "$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	# what each test costs, for keeping CI under its 30 minutes
	echo "== $t: $(($(date +%s) - t0)) s"
	[ "$rc" -ne 0 ] && echo "!! $t exited with status $rc"
	tally_output "$out" "$rc"
done
tally_line integration
