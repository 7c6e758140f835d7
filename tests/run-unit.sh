#!/usr/bin/env bash
# Runs cmocka test binaries, keeps going after a failure, and ends with the
# closing line CI reads: "N passed, N failed".
set -u
passed=0
failed=0
for t in "$@"; do
	echo "== $(basename "$t")"
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	# cmocka's stdout and stderr interleave: match anywhere on a line
	p=$(printf '%s\n' "$out" | grep -o '\[  PASSED  \] [0-9]* test' | tail -n1 | tr -dc 0-9)
	f=$(printf '%s\n' "$out" | grep -o '\[  FAILED  \] [0-9]* test' | tail -n1 | tr -dc 0-9)
	passed=$((passed + ${p:-0}))
	if [ -n "$f" ]; then
		failed=$((failed + f))
	elif [ "$rc" -ne 0 ]; then
		# crashed or aborted before cmocka could count: one failure
		echo "!! $(basename "$t") exited with status $rc"
		failed=$((failed + 1))
	fi
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
