#!/usr/bin/env bash
# Lists and policy act on live sessions (sessions/session_recheck.h):
# client -- fw -- server, long-lived TCP connections through hsbd.
#  - a policy change that still permits them ends nothing; removing the
#    rule that permitted them ends them (counted ended_policy), and their
#    packets are dropped from then on (tcp_no_session);
#  - a new blacklist entry covering the client ends its sessions
#    (ended_blacklist) unless the whitelist exempts it;
#  - a server-map (DNAT) session is judged as its first packet was, by
#    its inside address: a change that keeps the rule naming the inside
#    address keeps it; removing that rule ends it.
# The sessions are counted with `show sessions`, the ends with `show
# counters` (recheck), the traffic with the clients' echo reports.
. "$(dirname "$0")/lib.sh"
hsb_test_init livepolicy

PY=$(command -v /usr/bin/python3 || command -v python3)
CONN=$(realpath "$(dirname "$0")/hrp_conn.py")
line_topology || exit 1
CONF=$T_DIR/hsbd.conf
cat >"$CONF" <<CFG
sysname fw
interface f0 zone trust
interface f1 zone untrust
security-policy rule out from trust to untrust action permit
nat server web protocol tcp global 10.2.0.80 8080 inside 10.1.0.2 9100 zone untrust
security-policy rule web from untrust to trust destination 10.1.0.2/32 protocol tcp destination-port 9100 action permit
CFG

ctl() { "$HSBCTL" -s "$A_SOCK" "$@"; }
# sessions PORT: this host's TCP sessions to server port PORT
sessions() {
	ctl -j show sessions port "$1" |
		json_get 'sum(1 for s in d["sessions"] if s["protocol"] == "tcp")'
}
recheck() { ctl -j show counters | json_get "d['recheck']['$1']"; }
dp() { ctl -j show counters | json_get "d['datapath'].get('$1', 0)"; }
# clients TAG NS ADDR PORT N: N connections, report in $T_DIR/TAG.json
clients() {
	ip netns exec "$2" "$PY" "$CONN" client "$3" "$4" "$5" 60 \
		"$T_DIR/$1.json" "$T_DIR/$1.stop" >/dev/null 2>&1 &
	eval "${1}_PID=\$!"
	T_PIDS+=("$!")
}
clients_end() {
	touch "$T_DIR/$1.stop"
	wait "$(eval echo "\$${1}_PID")" 2>/dev/null
}

start_hsbd A "$FW" "$CONF" || exit 1
ip netns exec "$SV" "$PY" "$CONN" server 9000 "$T_DIR/accepts" &
T_PIDS+=("$!")
ip netns exec "$CL" "$PY" "$CONN" server 9100 "$T_DIR/accepts-in" &
T_PIDS+=("$!")
check "the servers listen" wait_for 10 sh -c "ip netns exec '$SV' ss -Hltn 'sport = :9000' | grep -q . && ip netns exec '$CL' ss -Hltn 'sport = :9100' | grep -q ."

echo "-- policy"
clients p1 "$CL" 10.2.0.2 9000 3
clients in1 "$SV" 10.2.0.80 8080 2
check "3 sessions out, 2 in through the server map" wait_for 10 sh -c "[ \$('$HSBCTL' -s '$A_SOCK' -j show sessions port 9000 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[\"sessions\"]))') -ge 3 ] && [ \$('$HSBCTL' -s '$A_SOCK' -j show sessions port 8080 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[\"sessions\"]))') -ge 2 ]"
check "a change that still permits them" ctl config \
	'security-policy rule other from untrust to trust destination 10.9.9.9/32 action permit'
check "the recheck pass ran" wait_for 3 sh -c "[ \$('$HSBCTL' -s '$A_SOCK' -j show counters | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"recheck\"][\"passes_done\"])') -ge 1 ]"
check "it ended nothing" test "$(recheck ended_policy)" = 0
check "the sessions out are there" test "$(sessions 9000)" = 3
check "the server-map sessions too (judged by their inside address)" test "$(sessions 8080)" = 2
E0=$(dp tcp_no_session)
check "remove the rule that permitted the sessions out" ctl config 'undo security-policy rule out'
check "their sessions end" wait_for 3 sh -c "[ \$('$HSBCTL' -s '$A_SOCK' -j show sessions port 9000 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[\"sessions\"]))') = 0 ]"
check "counted as ended by the policy" test "$(recheck ended_policy)" = 3
check "the server-map sessions stay" test "$(sessions 8080)" = 2
sleep 1
check "their packets are dropped since (tcp_no_session)" test "$(dp tcp_no_session)" -gt "$E0"
clients_end p1
# a line every 20 ms on each: the gap is the time from the end to the stop
check "the connections got no echo from the end on (a gap over 900 ms)" \
	test "$(json_get 'int(d["max_gap_ms"])' <"$T_DIR/p1.json")" -ge 900
check "remove the rule of the server map" ctl config 'undo security-policy rule web'
check "the server-map sessions end" wait_for 3 sh -c "[ \$('$HSBCTL' -s '$A_SOCK' -j show sessions port 8080 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[\"sessions\"]))') = 0 ]"
check "counted" test "$(recheck ended_policy)" = 5
clients_end in1

echo "-- blacklist"
check "the rule out again, the client whitelisted" ctl config \
	'security-policy rule out from trust to untrust action permit' \
	'firewall whitelist 10.1.0.2/32'
clients b1 "$CL" 10.2.0.2 9000 3
check "3 sessions" wait_for 10 sh -c "[ \$('$HSBCTL' -s '$A_SOCK' -j show sessions port 9000 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[\"sessions\"]))') = 3 ]"
P0=$(recheck passes_done)
check "blacklist the client's network" ctl config 'firewall blacklist 10.1.0.0/24'
check "the pass ran" wait_for 3 sh -c "[ \$('$HSBCTL' -s '$A_SOCK' -j show counters | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"recheck\"][\"passes_done\"])') -gt $P0 ]"
check "the whitelisted client keeps its sessions" test "$(sessions 9000)" = 3
check "nothing ended by the blacklist" test "$(recheck ended_blacklist)" = 0
check "the whitelist entry goes; a new blacklist entry" ctl config \
	'undo firewall whitelist 10.1.0.2/32' 'firewall blacklist 10.1.0.2/32'
check "the client's sessions end" wait_for 3 sh -c "[ \$('$HSBCTL' -s '$A_SOCK' -j show sessions port 9000 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[\"sessions\"]))') = 0 ]"
check "counted as ended by the blacklist" test "$(recheck ended_blacklist)" = 3
clients_end b1
check "no pass left running, no error" sh -c "[ \$('$HSBCTL' -s '$A_SOCK' -j show counters | python3 -c 'import json,sys; r=json.load(sys.stdin)[\"recheck\"]; print(int(r[\"running\"]) + r[\"errors\"])') = 0 ]"

hsb_test_done
