#!/usr/bin/env bash
# Fault injection: the standby's hsbd killed (kill -9) while the active
# host sends it a batch backup. With FT_BULK_SESSIONS (30000) sessions a
# batch backup (`hrp sync`) takes many ticks of 1024 entries, paced by the
# peer's reading; killing the peer a few ms into it makes one of the
# active host's sends fail inside the backup loop (connection reset).
# FT_BULK_ROUNDS rounds with growing delays between the sync and the kill.
# Checked: the active host's hsbd survives every round (it crashed here:
# the failed send ended the backup and freed its map walk under the loop,
# which then read it), stays active, and after the standby's restart the
# connection comes back with the batch backup complete and every session
# installed on the standby.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ha_lib.sh"
. "$(dirname "$0")/faults_lib.sh"
hsb_test_init faults-bulk

SESSIONS=${FT_BULK_SESSIONS:-30000}
ROUNDS=${FT_BULK_ROUNDS:-6}

ft_setup 0 || exit 1
echo "-- $SESSIONS UDP sessions through fwA"
# one datagram per destination port, a new source socket (port) every
# 65000 of them: as many flows as asked (make soak asks for 100000)
ip netns exec "$HA_CL" "$HA_PY" -c '
import socket, sys
socks = []
for i in range(int(sys.argv[2])):
    if i % 65000 == 0:
        socks.append(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
    socks[-1].sendto(b"x", (sys.argv[1], i % 65000 + 1))' "$HA_SERVER" "$SESSIONS"
made() {
	[ "$(ft_ctl A -j show counters | json_get 'd["datapath"]["session_new"]')" -ge "$SESSIONS" ]
}
check "fwA made them" wait_for $((5 + SESSIONS / 20000)) made

echo "-- $ROUNDS rounds: hrp sync on fwA, kill -9 of fwB's hsbd 1..$ROUNDS x 10 ms later"
survived=0
for i in $(seq "$ROUNDS"); do
	ft_ctl A hrp sync >/dev/null
	sleep "0.0$i"
	kill -KILL "$B_PID"
	wait "$B_PID" 2>/dev/null
	sleep 0.3
	kill -0 "$A_PID" 2>/dev/null || break
	start_hsbd B "${HA_NS[B]}" "$T_DIR/B.conf" || break
	ft_wait 10 "$FT_HRP_UP" >/dev/null || break
	survived=$i
done
check "fwA's hsbd survived all $ROUNDS rounds" test "$survived" = "$ROUNDS"
check "fwA is still the active host" ft_wait 5 "$(ft_one A)"
installed() { [ "$(ft_hrp B 'd["install"]["sessions"]')" -ge "$SESSIONS" ]; }
check "fwB's batch backup from fwA complete" ft_wait 20 "backup_done(b)"
check "fwB installed every session" wait_for $((10 + SESSIONS / 20000)) installed
check "fwA's log has no error" sh -c "! grep -E ' error:|Sanitizer|runtime error' '$A_LOG'"
hsb_test_done
