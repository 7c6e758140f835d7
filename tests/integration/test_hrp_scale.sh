#!/usr/bin/env bash
# HRP state backup at the scale issue 12 names, on the HA topology
# (ha_lib.sh) with VGMP (100 ms hellos), HRP and PAT on the active host
# fwA: HRP_SCALE_CONNS (1000) long-lived TCP connections with data
# flowing both ways (a line and its echo every HRP_CONN_INTERVAL_MS, 250
# ms here: 4000 lines/s each way from one Python client), HRP_SCALE_UDP
# (100) UDP flows and a 1 kHz ping, all through PAT to the NAT address.
# fwB must hold every session before fwA is killed (kill -9, links
# down); then every TCP connection continues through fwB with no reset
# and no stall over 2 s, under the same public address and port (the
# server's established peers are the same set before and after, and it
# accepted nothing new), every UDP flow continues from the same public
# port (the UDP server saw no new sender), and the ping's outage stays
# within peer death + margin. About 15 s.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ha_lib.sh"
hsb_test_init hrp-scale

N_CONN=${HRP_SCALE_CONNS:-1000}
N_UDP=${HRP_SCALE_UDP:-100}
export HRP_CONN_INTERVAL_MS=${HRP_CONN_INTERVAL_MS:-250}
HELLO=100
MARGIN_MS=${HA_MARGIN_MS:-400}
CONN=$(realpath "$(dirname "$0")/hrp_conn.py")
# the client and the server hold a socket per connection
ulimit -n 8192

ha_topology || exit 1
for n in A B; do
	ha_conf_hrp "$n" "$HELLO" >"$T_DIR/$n.conf"
	chmod 600 "$T_DIR/$n.conf"
done
hrp() { "$HSBCTL" -s "$(ha_sock "$1")" -j show hrp | json_get "$2"; }
installed_at_least() { [ "$(hrp "$1" 'd["install"]["sessions"]')" -ge "$2" ]; }
# the server's established peers on port 9000, sorted
peers() {
	ip netns exec "$HA_SV" ss -Htn state established '( sport = :9000 )' |
		awk '{ print $4 }' | sort
}

ha_start A "$T_DIR/A.conf" || exit 1
ha_start B "$T_DIR/B.conf" || exit 1
check "fwA active" wait_for 5 ha_vgmp_is A g1 active
check "fwB standby" wait_for 5 ha_vgmp_is B g1 standby

echo "-- $N_CONN TCP connections, $N_UDP UDP flows and a ping through fwA"
ip netns exec "$HA_SV" "$HA_PY" "$CONN" server 9000 "$T_DIR/accepts" &
T_PIDS+=("$!")
ip netns exec "$HA_SV" "$HA_PY" "$CONN" udpserver 9001 "$T_DIR/udp-peers" &
T_PIDS+=("$!")
check "the servers listen" wait_for 10 sh -c \
	"ip netns exec '$HA_SV' ss -Hltn 'sport = :9000' | grep -q . && ip netns exec '$HA_SV' ss -Hlun 'sport = :9001' | grep -q ."
ip netns exec "$HA_CL" "$HA_PY" "$CONN" client "$HA_SERVER" 9000 "$N_CONN" 120 \
	"$T_DIR/tcp.json" "$T_DIR/stop" >/dev/null 2>&1 &
TCP=$!
T_PIDS+=("$TCP")
ip netns exec "$HA_CL" "$HA_PY" "$CONN" udpclient "$HA_SERVER" 9001 "$N_UDP" 120 \
	"$T_DIR/udp.json" "$T_DIR/stop" >/dev/null 2>&1 &
UDP=$!
T_PIDS+=("$UDP")
check "the server accepted $N_CONN connections" wait_for 60 sh -c \
	"[ \$(wc -l <'$T_DIR/accepts') -ge $N_CONN ]"
check "the UDP server hears $N_UDP flows" wait_for 10 sh -c \
	"[ \$(wc -l <'$T_DIR/udp-peers') -ge $N_UDP ]"
check "every TCP connection from the NAT address" \
	sh -c "! grep -v '^accept $HA_NAT_ADDR:' '$T_DIR/accepts'"
check "every UDP flow from the NAT address" \
	sh -c "! grep -v '^peer $HA_NAT_ADDR:' '$T_DIR/udp-peers'"
check "fwB installed every session" wait_for 20 installed_at_least B $((N_CONN + N_UDP))
echo "   fwB installed $(hrp B 'd["install"]["sessions"]') sessions; applied lag on fwA p50 $(hrp A 'd["applied_lag"]["p50_ms"]') ms, p99 $(hrp A 'd["applied_lag"]["p99_ms"]') ms over the last $(hrp A 'd["applied_lag"]["window_s"]') s ($(hrp A 'd["applied_lag"]["frames"]') frames)"
peers >"$T_DIR/peers-before"
check "the server holds $N_CONN established peers" \
	test "$(wc -l <"$T_DIR/peers-before")" -eq "$N_CONN"
ha_probe_start scale || exit 1
sleep 1

echo "-- kill -9 fwA"
ha_kill A
check "fwB becomes active" wait_for 5 ha_vgmp_is B g1 active
sleep 4
ha_probe_stop
# the server's view while the connections are still open
peers >"$T_DIR/peers-after"
touch "$T_DIR/stop"
wait "$TCP"
TCP_RC=$?
wait "$UDP"
cat "$T_DIR/tcp.json" "$T_DIR/udp.json"
echo
check_ha_outage "kill -9 of fwA (ping)" scale $((3 * HELLO + MARGIN_MS))
check "no TCP connection was reset" test "$TCP_RC" = 0
check "no TCP connection stalled over 2 s" \
	test "$(json_get 'd["max_gap_ms"]' <"$T_DIR/tcp.json")" -le 2000
check "the server's peers are the same $N_CONN address:port pairs" \
	cmp -s "$T_DIR/peers-before" "$T_DIR/peers-after"
check "the server accepted no new connection" \
	test "$(wc -l <"$T_DIR/accepts")" -eq "$N_CONN"
check "every UDP flow answered after the failover, none stalled over 2 s" \
	test "$(json_get 'd["max_gap_ms"]' <"$T_DIR/udp.json")" -le 2000
check "no UDP flow changed its public port (no new sender)" \
	test "$(wc -l <"$T_DIR/udp-peers")" -eq "$N_UDP"
check "fwB claimed the backed-up sessions" test \
	"$(hrp B 'd["ownership"]["sessions_changed"]')" -ge $((N_CONN + N_UDP))
check "no error in fwB's log" sh -c "! grep -E ' error:|Sanitizer|runtime error' '$B_LOG'"
hsb_test_done
