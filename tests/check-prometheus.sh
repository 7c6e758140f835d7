#!/usr/bin/env bash
# `make check` / `make check-rules`: the alerting rules in deploy/prometheus/
# load (`promtool check rules`) and fire as their unit tests expect
# (`promtool test rules`). No root needed. Ends with the tally line.
set -u
cd "$(dirname "$0")/.." || exit 1
pass=0
fail=0
run() {
	local what=$1 out
	shift
	if out=$("$@" 2>&1); then
		pass=$((pass + 1))
		echo "  ok   $what"
	else
		fail=$((fail + 1))
		echo "  FAIL $what"
		printf '%s\n' "$out" | sed 's/^/       | /' | head -40
	fi
}
if ! command -v promtool >/dev/null 2>&1; then
	echo "  FAIL promtool missing: apt-get install prometheus (scripts/install-deps.sh)"
	echo "prometheus: 0 passed, 1 failed"
	exit 1
fi
run "promtool check rules deploy/prometheus/hsb-rules.yml" \
	promtool check rules deploy/prometheus/hsb-rules.yml
run "promtool test rules deploy/prometheus/hsb-rules.test.yml" \
	promtool test rules deploy/prometheus/hsb-rules.test.yml
echo "prometheus: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
