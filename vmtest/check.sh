#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make vmtest`: the BPF test binaries (what `make check-bpf` runs) in a VM
# on another kernel, Debian 12's 6.1 by default, then, in a second boot,
# the integration tests named after a second "--" (the HA path: hsbd on
# that kernel). Ends with the closing line "vmtest: N passed, N failed";
# a VM that failed to boot, timed out or crashed counts as one failure
# (tests/tally.sh).
#
#   vmtest/check.sh [vmtest/run.sh options] -- TEST_BINARY... [-- TEST.sh...]
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/tally.sh

opts=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	opts+=("$1")
	shift
done
[ $# -gt 0 ] && shift
bins=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	bins+=("$1")
	shift
done
[ $# -gt 0 ] && shift

out=$(mktemp "${TMPDIR:-/tmp}/vmtest-check.XXXXXX")
trap 'rm -f "$out"' EXIT
# run_vm COMMAND...: one boot, its output shown and tallied
run_vm() {
	vmtest/run.sh ${opts[@]+"${opts[@]}"} -- "$@" 2>&1 | tee "$out"
	tally_output "$(cat "$out")" "${PIPESTATUS[0]}"
}
run_vm tests/run-unit.sh ${bins[@]+"${bins[@]}"}
[ $# -eq 0 ] || run_vm tests/integration/run.sh "$@"
tally_line vmtest
