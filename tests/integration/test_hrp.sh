#!/usr/bin/env bash
# HRP state backup on the HA topology (ha_lib.sh) with PAT on the active
# firewall: long-lived TCP connections through fwA are backed up to fwB;
# a connection from the server to a NAT server (a static mapping on the
# outside address .60 to the client) is carried too;
# fwA is killed (kill -9, links down) and every connection goes on
# through fwB with the same public address and port (the server accepts
# no new connection, the client sees no reset); fwB claims the state;
# fwA restarts, pulls the state from fwB, preempts only after that batch
# backup, and the connections come back through it, again without a
# reset; the peer's copies are installed, not echoed back; an interface
# flap on fwA (its inside port down and up: a switchover to fwB and back)
# deletes no session on fwB and sends no session delete; a wrong key is
# refused and counted; a blacklist entry added on fwA (configuration
# backup) is enforced by fwB after the takeover, for that source only; an
# hsbctl -j monitor on fwA sees the HRP
# connection come up, the VGMP group go standby and active again, and the
# datapath summary count the sessions and NAT mappings, and ends on
# SIGINT with status 0. About 25-40 s here (the flap: ~5 s of it), well
# within run.sh's 300 s.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ha_lib.sh"
hsb_test_init hrp

N_CONN=${HRP_TEST_CONNS:-50}
HELLO=100
CONN=$(realpath "$(dirname "$0")/hrp_conn.py")

ha_topology || exit 1
NAT_SRV=192.168.20.60
for n in A B; do
	{
		ha_conf_vgmp "$n" "$HELLO"
		echo "hrp enable"
		echo "nat server web protocol tcp global $NAT_SRV 8080 inside $HA_CLIENT 8080"
		echo "security-policy rule web from untrust to trust destination $HA_CLIENT protocol tcp destination-port 8080 action permit"
	} >"$T_DIR/$n.conf"
done
sed 's/^hrp authentication-key .*/hrp authentication-key "a-different-key"/' \
	"$T_DIR/B.conf" >"$T_DIR/B-badkey.conf"

hrp() { "$HSBCTL" -s "$(ha_sock "$1")" -j show hrp | json_get "$2"; }
installed() { [ "$(hrp "$1" 'd["install"]["sessions"]')" -ge "$2" ]; }

check "config with hrp is valid" "$HSBD" --check-config "$T_DIR/A.conf"
ha_start A "$T_DIR/A.conf" || exit 1
# hsbctl monitor on fwA, from before the peer is there to the end of the
# flap below: the HRP connection, the VGMP group, the datapath summary
"$HSBCTL" -s "$(ha_sock A)" -j monitor >"$T_DIR/mon.out" 2>"$T_DIR/mon.err" &
MON=$!
T_PIDS+=("$MON")
check "a monitor on fwA" wait_for 5 grep -q '"event":"start"' "$T_DIR/mon.out"
ha_start B "$T_DIR/B.conf" || exit 1
check "fwA active" wait_for 5 ha_vgmp_is A g1 active
check "fwB standby" wait_for 5 ha_vgmp_is B g1 standby
check "the hrp connection comes up" wait_for 5 sh -c "[ \"\$('$HSBCTL' -s '$(ha_sock A)' -j show hrp | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"connection\"][\"up\"])')\" = True ]"
check "show hrp renders" sh -c "'$HSBCTL' -s '$(ha_sock B)' show hrp | grep -q 'hrp: connected'"
check "the monitor saw the connection come up" \
	wait_for 3 grep -q '"kind":"hrp","state":"up"' "$T_DIR/mon.out"

echo "-- $N_CONN TCP connections through fwA, backed up to fwB"
ip netns exec "$HA_SV" "$HA_PY" "$CONN" server 9000 "$T_DIR/accepts" &
T_PIDS+=("$!")
check "the server listens" wait_for 10 sh -c "ip netns exec '$HA_SV' ss -Hltn 'sport = :9000' | grep -q ."
ip netns exec "$HA_CL" "$HA_PY" "$CONN" client "$HA_SERVER" 9000 "$N_CONN" 90 \
	"$T_DIR/client.json" "$T_DIR/stop" >/dev/null 2>&1 &
CLIENT=$!
# the other way: the server opens a connection to the NAT server
ip netns exec "$HA_CL" "$HA_PY" "$CONN" server 8080 "$T_DIR/accepts-srv" &
T_PIDS+=("$!")
check "the inside server listens" wait_for 10 sh -c "ip netns exec '$HA_CL' ss -Hltn 'sport = :8080' | grep -q ."
ip netns exec "$HA_SV" "$HA_PY" "$CONN" client "$NAT_SRV" 8080 1 90 \
	"$T_DIR/srv.json" "$T_DIR/stop" >/dev/null 2>&1 &
SRVCLIENT=$!
check "the server sees $N_CONN connections" wait_for 10 sh -c "[ \$(wc -l <'$T_DIR/accepts') -ge $N_CONN ]"
check "all from the NAT address" sh -c "! grep -v '^accept $HA_NAT_ADDR:' '$T_DIR/accepts'"
check "fwB installed the sessions" wait_for 5 installed B "$N_CONN"
check "fwA installed none of its own back" test "$(hrp A 'd["install"]["sessions"]')" = 0
check "fwA sent session records" test "$(hrp A 'd["records_sent"]["session"]')" -ge "$N_CONN"
check "fwB refused nothing" test "$(hrp B 'sum(d["install"]["refused"].values())')" = 0
check "fwA measures the applied lag (fwB's ACKs)" test "$(hrp A 'd["applied_lag"]["frames"]')" -gt 0
check "the lag is under a second" test "$(hrp A 'int(d["applied_lag"]["p99_ms"])')" -lt 1000
check "show hrp renders the lag" sh -c "'$HSBCTL' -s '$(ha_sock A)' show hrp | grep -q '^  lag          p50 '"
echo "   applied lag on fwA (fwB's ACKs): p50 $(hrp A 'd["applied_lag"]["p50_ms"]') ms, p99 $(hrp A 'd["applied_lag"]["p99_ms"]') ms, $(hrp A 'd["applied_lag"]["frames"]') frames"
check "fwB's copies are marked from the peer" test "$("$HSBCTL" -s "$(ha_sock B)" -j show sessions | json_get 'sum("from-peer" in s["flags"] for s in d["sessions"])')" -ge "$N_CONN"

echo "-- an interface flap on fwA: fwB keeps every session"
# sessions of the test's flows in fwB's table, and deletes fwA has sent
flows_on() { "$HSBCTL" -s "$(ha_sock "$1")" -j show sessions | json_get "sum(s['responder']['port'] == 9000 for s in d['sessions'])"; }
DEL0=$(hrp A 'd["records_sent"]["session-delete"]')
check "fwB holds the $N_CONN sessions before" test "$(flows_on B)" -ge "$N_CONN"
ip -n "${HA_NS[A]}" link set in0 down
check "fwB takes over while fwA's port is down" wait_for 3 ha_vgmp_is B g1 active
sleep 0.5
ip -n "${HA_NS[A]}" link set in0 up
check "fwA takes back after its port came back (preempt delay)" wait_for 10 ha_vgmp_is A g1 active
check "fwB is standby again" wait_for 3 ha_vgmp_is B g1 standby
check "fwB still holds the $N_CONN sessions" test "$(flows_on B)" -ge "$N_CONN"
check "fwA sent no session delete for the flap" test "$(hrp A 'd["records_sent"]["session-delete"]')" = "$DEL0"
check "fwB's copies are the peer's again" wait_for 3 sh -c "[ \$('$HSBCTL' -s '$(ha_sock B)' -j show sessions | python3 -c 'import json,sys; print(sum(\"from-peer\" in s[\"flags\"] for s in json.load(sys.stdin)[\"sessions\"]))') -ge $N_CONN ]"
kill -INT "$MON"
wait "$MON"
check "the monitor ends on SIGINT with status 0" test "$?" = 0
check "the monitor's stream: group, datapath with NAT, hrp" python3 - "$T_DIR/mon.out" "$N_CONN" <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
g = [(e["state"], e["reason"]) for e in evs if e["kind"] == "group" and e["group"] == "vgmp g1"]
states = [s for s, _ in g]
assert "active" in states and "standby" in states, g
assert states[-1] == "active", g  # took back after the flap
dp = [e for e in evs if e["kind"] == "datapath"]
assert sum(e["sessions_created"] for e in dp) >= int(sys.argv[2]), dp
assert sum(e["nat_created"] for e in dp) > 0, dp
assert all(e["interval_ms"] > 0 for e in dp), dp
assert [e["state"] for e in evs if e["kind"] == "hrp"][0] == "up", evs
PY

echo "-- a blacklist entry added on fwA (a second client address)"
BL_ADDR=192.168.10.77
ip -n "$HA_CL" addr add "$BL_ADDR/24" dev eth0
check "blacklist $BL_ADDR on fwA" "$HSBCTL" -s "$(ha_sock A)" config "firewall blacklist $BL_ADDR"
check "fwB has it (configuration backup)" wait_for 3 sh -c \
	"'$HSBCTL' -s '$(ha_sock B)' show running-config | grep -q '^firewall blacklist $BL_ADDR'"

echo "-- kill -9 fwA: the connections go on through fwB"
sleep 1
ha_kill A
check "fwB becomes active" wait_for 3 ha_vgmp_is B g1 active
check "fwB claims the backed-up state" wait_for 2 sh -c "[ \$('$HSBCTL' -s '$(ha_sock B)' -j show hrp | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"ownership\"][\"sessions_changed\"])') -ge $N_CONN ]"
bl_count() { "$HSBCTL" -s "$(ha_sock B)" -j show counters | json_get 'd["datapath"]["blacklist"]'; }
BL0=$(bl_count)
check "fwB forwards the other client address" \
	ip netns exec "$HA_CL" ping -c 1 -W 2 -I "$HA_CLIENT" "$HA_SERVER"
check "fwB drops the address fwA blacklisted" sh -c \
	"! ip netns exec '$HA_CL' ping -c 3 -i 0.2 -W 1 -I '$BL_ADDR' '$HA_SERVER' >/dev/null"
check "and counts it (blacklist +$(($(bl_count) - BL0)))" test "$(($(bl_count) - BL0))" -ge 3
sleep 3

echo "-- fwA comes back: it pulls the state, then preempts"
ha_revive A "$T_DIR/A.conf" || exit 1
check "fwA receives fwB's batch backup" wait_for 10 sh -c "[ \"\$('$HSBCTL' -s '$(ha_sock A)' -j show hrp | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"ownership\"][\"backup_from_peer_complete\"])')\" = True ]"
check "fwA installed the connections" installed A "$N_CONN"
check "fwA preempts (after its delay)" wait_for 10 ha_vgmp_is A g1 active
check "fwB is standby again" wait_for 3 ha_vgmp_is B g1 standby
# fwA's history starts at its revive: its first way into active must be
# the preemption (after the backup), not a peer it believed dead. The
# history is printed when it is not.
first_active_by() {
	"$HSBCTL" -s "$(ha_sock "$1")" -j show vgmp | python3 -c '
import json, sys
g = [g for g in json.load(sys.stdin)["groups"] if g["name"] == sys.argv[1]][0]
up = [h for h in reversed(g["history"]) if h["to"] == "active"]
print(json.dumps(g["history"]))
sys.exit(not up or up[0]["reason"] != sys.argv[2])' "$2" "$3"
}
check "fwA waited for the backup before preempting" first_active_by A g1 preempt
sleep 3
touch "$T_DIR/stop"
wait "$CLIENT"
RC=$?
wait "$SRVCLIENT"
SRC=$?
cat "$T_DIR/client.json" "$T_DIR/srv.json"; echo
check "the connection to the NAT server survived both switchovers" test "$SRC" = 0
check "the NAT server saw it once, from the server's address" \
	test "$(cat "$T_DIR/accepts-srv")" = "accept $HA_SERVER:$(cut -d: -f2 <"$T_DIR/accepts-srv")"
check "no connection was reset" test "$RC" = 0
check "no connection reset (report)" test "$(json_get 'd["errors"]' <"$T_DIR/client.json")" = 0
check "no new connection at the server (same public address and port)" \
	test "$(wc -l <"$T_DIR/accepts")" = "$N_CONN"
GAP=$(json_get 'd["max_gap_ms"]' <"$T_DIR/client.json")
echo "   longest stall on any connection, both ways: $GAP ms (peer death $((3 * HELLO)) ms)"
check "no connection stalled for 2 s" test "$GAP" -lt 2000

echo "-- a wrong key"
ha_stop B
ha_start B "$T_DIR/B-badkey.conf" || exit 1
check "fwA refuses fwB's frames" wait_for 5 sh -c "[ \$('$HSBCTL' -s '$(ha_sock A)' -j show hrp | python3 -c 'import json,sys; d=json.load(sys.stdin)[\"connection\"]; print(d[\"frames_refused\"][\"authentication\"] + d[\"connect_failures\"])') -gt 0 ]"
CONNECTS=$(hrp A 'd["connection"]["connects"]')
sleep 1
check "the connection does not come up again" test "$(hrp A 'd["connection"]["connects"]')" = "$CONNECTS"
check "and fwA says it is down" test "$(hrp A 'd["connection"]["up"]')" = False

hsb_test_done
