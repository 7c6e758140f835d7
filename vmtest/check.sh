#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make vmtest`: the BPF test binaries (what `make check-bpf` runs) in a VM
# on another kernel, Debian 12's 6.1 by default. Ends with the closing line
# "vmtest: N passed, N failed"; a VM that failed to boot, timed out or
# crashed counts as one failure (tests/tally.sh).
#
#   vmtest/check.sh [vmtest/run.sh options] -- TEST_BINARY...
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/tally.sh

opts=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	opts+=("$1")
	shift
done
[ $# -gt 0 ] && shift

out=$(mktemp "${TMPDIR:-/tmp}/vmtest-check.XXXXXX")
trap 'rm -f "$out"' EXIT
vmtest/run.sh ${opts[@]+"${opts[@]}"} -- tests/run-unit.sh "$@" 2>&1 |
	tee "$out"
rc=${PIPESTATUS[0]}
tally_output "$(cat "$out")" "$rc"
tally_line vmtest
