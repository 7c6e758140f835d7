#!/usr/bin/env bash
# Fault injection: resources run out under a running hsbd (docs/testing.md,
# "Fault injection"). One gateway, fwA of the HA topology (ha_lib.sh):
# VRRP master alone, PAT to the NAT address, a session table of
# EX_TABLE (4096) entries and a PAT range of EX_PORTS (64) ports, with
# 5 long-lived TCP connections through it the whole time. Injected, each
# with what is checked:
#   1. the NAT pool exhausted (4 x EX_PORTS new UDP flows): nat_exhausted
#      counts the refused flows, the mappings stop at the range, no crash,
#      the connections unaffected;
#   2. the session table full: a flood of new UDP flows (EX_FLOOD_S
#      seconds from one Python sender, 10 x the table and more): the
#      table stays at its size, the LRU evicts idle sessions, the
#      connections (active every 20 ms) lose nothing, hsbd answers status
#      throughout, its peak RSS (VmHWM) grows by less than 64 MiB;
#   3. 1000 control connections in a burst, each asking status: every one
#      answered or refused with a reason, none left hanging, hsbd alive;
#   4. the disk full when saving the configuration (the file on a 64 KiB
#      tmpfs, filled): hsbctl save fails with the reason, the old file is
#      intact, no temporary file is left;
#   5. the pin directory removed under the running hsbd: forwarding goes
#      on, status answers, the stop is clean; the next start recovers
#      (fresh pins, forwarding again).
# About 20 s.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ha_lib.sh"
hsb_test_init faults-exhaust

TABLE=${EX_TABLE:-4096}
PORTS=${EX_PORTS:-64}
FLOOD_S=${EX_FLOOD_S:-8}
CONN=$(realpath "$(dirname "$0")/hrp_conn.py")
FLOOD_SRC=10.77.0.1

ha_topology || exit 1
{
	ha_conf_vrrp A 150
	echo "firewall session table-size $TABLE"
	echo "nat address-group pool1 port-range 20000 $((20000 + PORTS - 1))"
	echo "security-policy rule udp from trust to untrust protocol udp action permit"
} >"$T_DIR/A.conf"
ctl() { "$HSBCTL" -s "$(ha_sock A)" "$@"; }
ctr() { ctl -j show counters | json_get "d['datapath']['$1']"; }
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$A_PID/status"; }
alive() { kill -0 "$A_PID" 2>/dev/null && ctl status >/dev/null; }
reach() { ip netns exec "$HA_CL" ping -c 2 -i 0.2 -W 1 "$HA_SERVER" >/dev/null; }

check "configuration is valid" "$HSBD" --check-config "$T_DIR/A.conf"
ha_start A "$T_DIR/A.conf" || exit 1
check "fwA master" wait_for 5 ha_both_vrrp A master
check "the client reaches the server through fwA" wait_for 5 reach

ip netns exec "$HA_SV" "$HA_PY" "$CONN" server 9000 "$T_DIR/accepts" &
T_PIDS+=("$!")
wait_for 10 sh -c "ip netns exec '$HA_SV' ss -Hltn 'sport = :9000' | grep -q ."
ip netns exec "$HA_CL" "$HA_PY" "$CONN" client "$HA_SERVER" 9000 5 120 \
	"$T_DIR/tcp.json" "$T_DIR/stop" "$T_DIR/mark" >/dev/null 2>&1 &
TCP=$!
T_PIDS+=("$TCP")
check "5 TCP connections through fwA" wait_for 10 sh -c \
	"[ \$(wc -l <'$T_DIR/accepts') -ge 5 ]"

# udp_flows N FIRST_PORT: N new UDP flows from the client (one datagram
# each, source ports FIRST_PORT...) to the server's port 7.
udp_flows() {
	ip netns exec "$HA_CL" "$HA_PY" -c '
import socket, sys
n, first = int(sys.argv[2]), int(sys.argv[3])
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", first + i % 40000))
    s.sendto(b"x", (sys.argv[1], 7))
    s.close()' "$HA_SERVER" "$1" "$2"
}

echo "-- 1. the NAT pool exhausted: $((4 * PORTS)) new UDP flows for $PORTS ports"
ex0=$(ctr nat_exhausted)
udp_flows $((4 * PORTS)) 30000
sleep 0.5
ex=$(($(ctr nat_exhausted) - ex0))
echo "     nat_exhausted +$ex"
check "the refused flows are counted (nat_exhausted +$ex >= $((2 * PORTS)))" \
	test "$ex" -ge $((2 * PORTS))
check "hsbd alive and answering" alive
check "the client still reaches the server (its ping has a mapping)" reach

echo "-- 2. the session table ($TABLE) full: new UDP flows for $FLOOD_S s"
# from an address outside the NAT rule's source (the pool is exhausted
# by part 1): sessions without NAT, one per new destination port
ip -n "$HA_CL" addr add "$FLOOD_SRC/32" dev "$(ip -n "$HA_CL" -o -4 addr show | awk '$4 ~ /^192\.168\.10\./ { print $2; exit }')"
hwm0=$(hwm_kb)
new0=$(ctr session_new)
touch "$T_DIR/mark"
timeout $((FLOOD_S + 5)) ip netns exec "$HA_CL" "$HA_PY" -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[3], 0))
end = time.monotonic() + float(sys.argv[2])
port = 0
while time.monotonic() < end:
    port = port % 65000 + 1
    s.sendto(b"x", (sys.argv[1], port))' "$HA_SERVER" "$FLOOD_S" "$FLOOD_SRC" &
FLOOD=$!
answered=0
for _ in $(seq "$FLOOD_S"); do
	ctl status >/dev/null 2>&1 && answered=$((answered + 1))
	sleep 1
done
wait "$FLOOD"
new=$(($(ctr session_new) - new0))
hwm=$(hwm_kb)
echo "     session_new +$new during the flood; ring_full $(ctr ring_full); status answered $answered of $FLOOD_S; VmHWM ${hwm0} -> ${hwm} kB"
check "the flood made more sessions than the table holds (+$new > 2 x $TABLE)" \
	test "$new" -gt $((2 * TABLE))
check "status answered throughout the flood" test "$answered" -ge $((FLOOD_S - 1))
check "hsbd's peak RSS grew by less than 64 MiB" test $((hwm - hwm0)) -lt 65536
check "hsbd alive" alive
check "the table is still its size" test \
	"$(bpftool map show pinned "$A_PINS/hsb_sessions" -j | json_get 'd["max_entries"]')" = "$TABLE"

echo "-- 3. 1000 control connections in a burst"
"$HA_PY" - "$(ha_sock A)" 1000 >"$T_DIR/burst.json" <<'PY'
import json, socket, sys, time
path, n = sys.argv[1], int(sys.argv[2])
socks, refused_connect = [], 0
for _ in range(n):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    try:
        s.connect(path)
        s.sendall(b"status\n")
        socks.append(s)
    except OSError:
        refused_connect += 1
        s.close()
ok = refused = hung = 0
reasons = set()
for s in socks:
    try:
        buf = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            buf += b
        head = buf.split(b"\n", 1)[0]
        if head == b"ok":
            ok += 1
        else:
            refused += 1
            reasons.add(head.decode(errors="replace")[:60])
    except socket.timeout:
        hung += 1
    finally:
        s.close()
print(json.dumps({"ok": ok, "refused": refused, "hung": hung,
                  "connect_refused": refused_connect,
                  "reasons": sorted(reasons)}))
PY
cat "$T_DIR/burst.json"
check "no control connection left hanging" \
	test "$(json_get 'd["hung"]' <"$T_DIR/burst.json")" = 0
check "every one answered or refused with a reason" \
	test "$(json_get 'd["ok"] + d["refused"] + d["connect_refused"]' <"$T_DIR/burst.json")" = 1000
check "most were answered (>= 900)" \
	test "$(json_get 'd["ok"]' <"$T_DIR/burst.json")" -ge 900
check "hsbd alive after the burst" alive

touch "$T_DIR/stop"
wait "$TCP"
TCP_RC=$?
cat "$T_DIR/tcp.json"
echo
check "the TCP connections lived through 1-3: no reset" test "$TCP_RC" = 0
check "no stall over 1 s before the flood" \
	test "$(json_get 'd["before_mark"]["max_gap_ms"]' <"$T_DIR/tcp.json")" -le 1000
check "no stall over 1 s in the flood and the burst" \
	test "$(json_get 'd["after_mark"]["max_gap_ms"]' <"$T_DIR/tcp.json")" -le 1000

echo "-- 4. the disk full when saving the configuration"
mkdir -p "$T_DIR/small"
mount -t tmpfs -o size=64k tmpfs "$T_DIR/small" && T_MOUNTS+=("$T_DIR/small")
cp "$T_DIR/A.conf" "$T_DIR/small/hsbd.conf"
chmod 600 "$T_DIR/small/hsbd.conf"
before=$(md5sum <"$T_DIR/small/hsbd.conf")
stop_hsbd "$A_PID" TERM
ha_start A "$T_DIR/small/hsbd.conf" || exit 1
check "fwA master again (from the small disk)" wait_for 5 ha_both_vrrp A master
dd if=/dev/zero of="$T_DIR/small/fill" bs=4k 2>/dev/null
check_exit "hsbctl save on a full disk: exit 1" 1 ctl save
last_has "the reason names the disk" "No space left on device"
check "the old file is intact" test "$(md5sum <"$T_DIR/small/hsbd.conf")" = "$before"
check "no temporary file left" test "$(find "$T_DIR/small" -mindepth 1 | wc -l)" = 2
rm -f "$T_DIR/small/fill"
check "saving works again with room" ctl save
check "hsbd alive" alive

echo "-- 5. the pin directory removed under the running hsbd"
rm -rf "$A_PINS"
check "forwarding goes on" reach
check "status answers" ctl status
stop_hsbd "$A_PID" TERM
check "the stop is clean (exit 0, got $STOP_RC)" test "$STOP_RC" = 0
check "XDP detached by the stop" sh -c "! ip -n '${HA_NS[A]}' -d link show in0 | grep -q prog/xdp"
ha_start A "$T_DIR/small/hsbd.conf" || exit 1
check "the next start recovers: fresh pins" test -e "$A_PINS/hsb_sessions"
check "master again" wait_for 5 ha_both_vrrp A master
check "forwarding again" wait_for 5 reach

check "no error in fwA's log" sh -c "! grep -E ' error:|Sanitizer|runtime error' '$A_LOG'"
hsb_test_done
