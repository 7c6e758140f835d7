#!/usr/bin/env bash
# A batch backup deletes what the peer no longer has (docs/hrp.md, "Batch
# backup"): fwA's sessions are backed up to fwB; the heartbeat link goes
# down (fwB stays standby: fwA's adverts still arrive); on fwA the UDP
# sessions end (clear sessions: real ends, whose deletes cannot travel);
# the link comes back, fwA's batch backup lists what it has, and fwB
# removes the UDP sessions it got from fwA earlier - and nothing else.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ha_lib.sh"
hsb_test_init hrpstale

N_UDP=40
HELLO=100
CONN=$(realpath "$(dirname "$0")/hrp_conn.py")

ha_topology || exit 1
for n in A B; do
	ha_conf_hrp "$n" "$HELLO" >"$T_DIR/$n.conf"
done
ctl() { "$HSBCTL" -s "$(ha_sock "$1")" "${@:2}"; }
hrpv() { ctl "$1" -j show hrp | json_get "d$2"; }
# from_peer NODE PROTO: how many sessions from the peer of that protocol
from_peer() {
	ctl "$1" -j show sessions | json_get "sum(1 for s in d['sessions'] if 'from-peer' in s['flags'] and s['protocol'] == '$2')"
}
link_up() { [ "$(hrpv A "['connection']['up']")" = "$1" ]; }

ha_start A "$T_DIR/A.conf" || exit 1
ha_start B "$T_DIR/B.conf" || exit 1
check "fwA active" wait_for 5 ha_vgmp_is A g1 active
check "fwB standby" wait_for 5 ha_vgmp_is B g1 standby
check "the hrp connection is up" wait_for 5 link_up True

ip netns exec "$HA_SV" "$HA_PY" "$CONN" server 9000 "$T_DIR/accepts" &
T_PIDS+=("$!")
check "the server listens" wait_for 10 sh -c "ip netns exec '$HA_SV' ss -Hltn 'sport = :9000' | grep -q ."
ip netns exec "$HA_CL" "$HA_PY" "$CONN" client "$HA_SERVER" 9000 5 60 \
	"$T_DIR/client.json" "$T_DIR/stop" >/dev/null 2>&1 &
CLIENT=$!
ip netns exec "$HA_CL" "$HA_PY" - "$HA_SERVER" "$N_UDP" <<-'EOF'
	import socket, sys
	for i in range(int(sys.argv[2])):
	    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	    s.bind(("", 20000 + i))
	    s.sendto(b"x", (sys.argv[1], 9999))
	    s.close()
EOF
udp_at_least() { [ "$(from_peer B udp)" -ge "$1" ]; }
check "fwB has fwA's $N_UDP UDP sessions" wait_for 5 udp_at_least "$N_UDP"
TCP_B=$(from_peer B tcp)
check "and the TCP ones" test "$TCP_B" -ge 5

echo "-- the heartbeat link goes down; fwA's UDP sessions end meanwhile"
ha_cut A hb
check "fwA sees the hrp connection go" wait_for 15 link_up False
check "fwB stays standby (fwA's adverts arrive)" ha_vgmp_is B g1 standby
check "fwA clears its UDP sessions" ctl A clear sessions protocol udp
check "fwB still has them (the deletes could not travel)" test "$(from_peer B udp)" -ge "$N_UDP"
ip -n "${HA_NS[A]}" link set hb0 up

echo "-- back: fwA's batch backup, and fwB removes what fwA no longer has"
check "the hrp connection comes back" wait_for 15 link_up True
stale_at_least() { [ "$(hrpv B "['stale_removed']")" -ge "$1" ]; }
check "fwB removed the $N_UDP stale UDP sessions" wait_for 10 stale_at_least "$N_UDP"
check "fwB has no UDP session from fwA left" test "$(from_peer B udp)" = 0
check "fwB kept every TCP session" test "$(from_peer B tcp)" -ge "$TCP_B"
check "fwB still standby" ha_vgmp_is B g1 standby
touch "$T_DIR/stop"
wait "$CLIENT"
check "the TCP connections lived through it" test "$?" = 0

hsb_test_done
