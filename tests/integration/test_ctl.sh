#!/usr/bin/env bash
# The control socket and hsbctl: hsbctl reports hsbd's refusals (busy,
# permission denied) with hsbd's reason and exit status 1, also when the
# refusal cuts its request short; 200 idle clients and a slow-loris
# writer cannot keep an operator's hsbctl out. hsbd runs in a namespace only to keep
# its VRRP address sweep away from the host; the control socket is a
# file, and the clients (ctl_clients.py, stdlib) run outside.
. "$(dirname "$0")/lib.sh"
hsb_test_init ctl

CLIENTS=$(realpath "$(dirname "$0")/ctl_clients.py")

echo "-- hsbctl shows a refusal's reason"
FAKE=$T_DIR/fake.sock
python3 "$CLIENTS" refuse "$FAKE" 20 "error busy: too many control clients" &
FAKE_PID=$!
T_PIDS+=("$FAKE_PID")
wait_for 5 test -S "$FAKE"
check_exit "busy: exit 1 (refused)" 1 "$HSBCTL" -s "$FAKE" status
last_has "busy: hsbd's reason on stderr" "hsbctl: busy: too many control clients"
# a request far bigger than the socket buffer: the refusal cuts it short
# (EPIPE / ECONNRESET while sending), the answer is still the reason
head -c 900000 /dev/zero | tr '\0' '#' >"$T_DIR/big.conf"
check_exit "busy during a large config: exit 1" 1 \
	"$HSBCTL" -s "$FAKE" config -f "$T_DIR/big.conf"
last_has "busy during a large config: the reason" "hsbctl: busy: too many control clients"
cp "$T_DIR/last.out" "$T_DIR/big.out"
check "no 'no valid answer' for a refusal" sh -c "! grep -q 'no valid answer' '$T_DIR/big.out'"
kill "$FAKE_PID" 2>/dev/null
wait "$FAKE_PID" 2>/dev/null

new_netns fw || exit 1
FW=$NS
cat >"$T_DIR/hsbd.conf" <<'CFG'
sysname fw-ctl
CFG
start_hsbd A "$FW" "$T_DIR/hsbd.conf" || exit 1
check "status answers" "$HSBCTL" -s "$A_SOCK" status

# hsbd's own "permission denied" to another user (the socket opened up
# for the test: mode 0600 would stop the connect itself)
chmod 0711 "$T_DIR"
chmod 0666 "$A_SOCK"
check_exit "another user: exit 1 (refused)" 1 \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$HSBCTL" -s "$A_SOCK" status
last_has "another user: hsbd's reason" "hsbctl: permission denied"
check_exit "another user, large config: exit 1" 1 \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$HSBCTL" -s "$A_SOCK" config -f "$T_DIR/big.conf"
last_has "another user, large config: the reason" "hsbctl: permission denied"
chmod 0600 "$A_SOCK"
chmod 0700 "$T_DIR"
check_exit "no daemon: exit 2" 2 "$HSBCTL" -s "$T_DIR/none.sock" status

echo "-- an operator always gets in: 200 idle clients and a slow loris"
# 200 connections that never send, reopened when hsbd closes them, and 20
# that trickle a request that never ends, for 30 s; meanwhile 20
# `hsbctl status`, each of which must succeed
python3 "$CLIENTS" idle "$A_SOCK" 200 30 >"$T_DIR/idle.out" &
IDLE_PID=$!
T_PIDS+=("$IDLE_PID")
python3 "$CLIENTS" loris "$A_SOCK" 20 30 &
LORIS_PID=$!
T_PIDS+=("$LORIS_PID")
sleep 3
good=0
worst=0
for i in $(seq 20); do
	t0=$(date +%s%N)
	if timeout 10 "$HSBCTL" -s "$A_SOCK" -t 5000 status >"$T_DIR/st.out" 2>&1; then
		good=$((good + 1))
	else
		sed 's/^/       | /' "$T_DIR/st.out"
	fi
	ms=$((($(date +%s%N) - t0) / 1000000))
	[ "$ms" -gt "$worst" ] && worst=$ms
	sleep 0.5
done
echo "     status answered $good of 20 times, slowest $worst ms"
check "status answered every time" test "$good" -eq 20
ctl_ctr() { "$HSBCTL" -s "$A_SOCK" -j show counters | json_get "d[\"control\"][\"$1\"]"; }
check "show counters answers too" "$HSBCTL" -s "$A_SOCK" show counters
echo "     control: evicted $(ctl_ctr evicted), idle_timeouts $(ctl_ctr idle_timeouts)," \
	"timeouts $(ctl_ctr timeouts), busy $(ctl_ctr busy)"
check "idle clients were closed (counted)" \
	test "$(($(ctl_ctr evicted) + $(ctl_ctr idle_timeouts)))" -gt 0
kill "$IDLE_PID" "$LORIS_PID" 2>/dev/null
wait "$IDLE_PID" "$LORIS_PID" 2>/dev/null
check "hsbd still answers afterwards" "$HSBCTL" -s "$A_SOCK" status

echo "-- an operator always gets in: a slow loris alone, 100 connections"
python3 "$CLIENTS" loris "$A_SOCK" 100 15 &
LORIS_PID=$!
T_PIDS+=("$LORIS_PID")
sleep 2
good=0
for i in $(seq 10); do
	timeout 10 "$HSBCTL" -s "$A_SOCK" -t 5000 status >/dev/null 2>&1 &&
		good=$((good + 1))
	sleep 0.5
done
echo "     status answered $good of 10 times"
check "status answered every time under the slow loris" test "$good" -eq 10
kill "$LORIS_PID" 2>/dev/null
wait "$LORIS_PID" 2>/dev/null

echo "-- -s never replaces anything but a stale socket"
FWB=$T_DIR/bpffs-s
mkdir -p "$FWB"
mount -t bpf bpf "$FWB" && T_MOUNTS+=("$FWB")
# run_s PATH: hsbd with control socket PATH; must refuse and exit
run_s() {
	timeout 20 ip netns exec "$FW" "$HSBD" -c "$T_DIR/hsbd.conf" -s "$1" \
		-p "$FWB/hsb"
}
printf 'sysname precious\n' >"$T_DIR/keep.conf"
sum0=$(md5sum <"$T_DIR/keep.conf")
check_exit "a regular file at the socket path: refused" 1 run_s "$T_DIR/keep.conf"
last_has "the error names it" "$T_DIR/keep.conf exists and is not a socket"
check "the file is intact" test "$(md5sum <"$T_DIR/keep.conf")" = "$sum0"
mkdir "$T_DIR/adir"
check_exit "a directory: refused" 1 run_s "$T_DIR/adir"
check "the directory is still there" test -d "$T_DIR/adir"
ln -s keep.conf "$T_DIR/link.sock"
check_exit "a symlink: refused" 1 run_s "$T_DIR/link.sock"
check "the symlink is still there" test -L "$T_DIR/link.sock"
check "the file behind it is intact" test "$(md5sum <"$T_DIR/keep.conf")" = "$sum0"
check_exit "a live hsbd's socket: refused" 1 run_s "$A_SOCK"
check "the live hsbd still answers" "$HSBCTL" -s "$A_SOCK" status
# a socket nobody listens on (a crash leaves one): replaced, and removed
# when hsbd stops
python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$T_DIR/S.sock"
check "a stale socket is there" test -S "$T_DIR/S.sock"
start_hsbd S "$FW" "$T_DIR/hsbd.conf" || exit 1
check "a stale socket is replaced" wait_for 10 "$HSBCTL" -s "$S_SOCK" status
stop_hsbd "$S_PID"
check "hsbd removes its socket on exit" test ! -e "$S_SOCK"

hsb_test_done
