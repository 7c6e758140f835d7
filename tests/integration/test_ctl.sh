#!/usr/bin/env bash
# The control socket and hsbctl: hsbctl reports hsbd's refusals (busy,
# permission denied) with hsbd's reason and exit status 1, also when the
# refusal cuts its request short. hsbd runs in a namespace only to keep
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

hsb_test_done
