#!/usr/bin/env bash
# The authentication key never reaches a core dump: hsbd, started with
# core dumps allowed by its parent (ulimit -c unlimited) and the kernel's
# core pattern pointing at a file in this test's directory, is crashed
# (SIGSEGV) with a configuration holding an HRP key: no core file is
# written. The control: the same hsbd with --allow-core-dumps leaves a
# core file, and the key is in it in clear (so the first check could
# fail), and it warns about that at start. kernel.core_pattern is the
# machine's and is put back however the test ends. About 5 s.
. "$(dirname "$0")/lib.sh"
hsb_test_init coredump

KEY='C0re-dump-t3st-KEY-7d21'
OLD_PATTERN=$(cat /proc/sys/kernel/core_pattern)
restore_core() { printf '%s\n' "$OLD_PATTERN" >/proc/sys/kernel/core_pattern; }
trap 'restore_core; hsb_test_cleanup' EXIT

CONF=$T_DIR/hsbd.conf
cat >"$CONF" <<CFG
sysname fw-core
hrp authentication-key "$KEY"
CFG
chmod 0600 "$CONF"
echo "$T_DIR/core.%p" >/proc/sys/kernel/core_pattern || exit 1
ulimit -c unlimited || exit 1

# crash NODE [ARGS...]: hsbd NODE in a namespace of its own, up, then
# SIGSEGV; sets CRASH_RC to its exit status and CRASH_PID
crash() {
	local node=$1
	shift
	new_netns "$node" || return 1
	start_hsbd "$node" "$NS" "$CONF" "$@" || return 1
	CRASH_PID=$(eval echo "\$${node}_PID")
	wait_for 5 "$HSBCTL" -s "$T_DIR/$node.sock" status >/dev/null ||
		return 1
	kill -SEGV "$CRASH_PID"
	wait "$CRASH_PID"
	CRASH_RC=$?
}
cores() { find "$T_DIR" -maxdepth 1 -name 'core.*' | wc -l; }

echo "-- hsbd as it runs by default"
check "hsbd with an HRP key starts" crash A
check "SIGSEGV killed it (status $CRASH_RC)" test "$CRASH_RC" -eq $((128 + 11))
sleep 0.5
check "no core file was written" test "$(cores)" -eq 0

echo "-- the control: hsbd --allow-core-dumps"
check "hsbd --allow-core-dumps starts" crash B --allow-core-dumps
check "SIGSEGV killed it (status $CRASH_RC)" test "$CRASH_RC" -eq $((128 + 11))
check "a core file was written" wait_for 5 test -s "$T_DIR/core.$CRASH_PID"
check "and it holds the key in clear" grep -qaF "$KEY" "$T_DIR/core.$CRASH_PID"
check "hsbd warned at start" grep -q "allow-core-dumps: a core dump of hsbd holds the authentication key" "$B_LOG"
rm -f "$T_DIR"/core.*
check "neither log names the key" sh -c "! grep -qF '$KEY' '$A_LOG' '$B_LOG'"

hsb_test_done
