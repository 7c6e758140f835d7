#!/usr/bin/env bash
# Load balancing with HRP both ways (ha_lib.sh, ha_conf_vgmp_lb): group g1
# (VRIDs 10/20) is active on fwA, g2 (VRIDs 11/21) on fwB. Client 1
# (192.168.10.100) routes through g1's inside VIP and leaves translated to
# pool1 (.50, bound to VRID 20); client 2 (.101) through g2's VIP .254 and
# pool2 (.51, VRID 21). Both hosts carry traffic and back their sessions
# up to each other; kill -9 fwA and every connection of both groups goes
# on through fwB with the same public address and port. fwA comes back
# and takes g1 back: the connections of g1 - those fwA opened before it
# died, of which its pinned maps kept stale copies, and those fwB opened
# meanwhile - go on through fwA after a short stall (GIVEBACK_MS). Before
# all that, 10k UDP flows through a pool both hosts share (pool3, .52)
# with `nat port-partition lower` on fwA and `upper` on fwB: no two live
# sessions of the two hosts hold the same public address and port.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ha_lib.sh"
hsb_test_init hrplb

N_CONN=${HRP_LB_CONNS:-20}
N_FLOWS=${HRP_LB_FLOWS:-5000} # per client
# the default hello: 10k flows in a burst keep a 2-vCPU machine busy for
# longer than 3 x 100 ms, and a peer declared dead by a starved loop is not
# what this test is about (tests/integration/test_vgmp.sh is)
HELLO=${HRP_LB_HELLO:-1000}
CONN=$(realpath "$(dirname "$0")/hrp_conn.py")
# short enough that a copy nobody forwards on expires within the test
EST_S=8
# The longest stall a connection may see at the give-back. No failure is
# detected there (both hosts are up, fwA preempts g1 after the batch
# backup): the switch learns fwA's MAC from VRRP's gratuitous ARPs and
# every connection already has its session on fwA. Measured 36-418 ms;
# 1 s allows a packet lost in the move and its retransmission (TCP's
# 200 ms minimum RTO, doubled: 600 ms for two tries) and stays under
# HRP_LIVE_NS (2 s), the idle time up to which fwA keeps a session the
# peer's delete names. A connection whose session fwA lost stalls until
# the end of the test instead (12 s and more: docs/hrp.md, ownership).
GIVEBACK_MS=1000
CL2=192.168.10.101
SV2=192.168.20.101

ha_topology || exit 1
ha_endhost cl2 "$HA_IN" "$CL2" 02:00:00:10:00:65 || exit 1
HA_CL2=$NS
ip -n "$HA_CL2" route add default via 192.168.10.254
ip -n "$HA_SV" addr add "$SV2/24" dev eth0
for n in A B; do
	part=lower
	[ "$n" = B ] && part=upper
	{
		ha_conf_vgmp_lb "$n" "$HELLO"
		cat <<-EOF
			hrp enable
			nat port-partition $part
			nat address-group pool2 mode pat
			nat address-group pool2 section 192.168.20.51 192.168.20.51
			nat address-group pool2 vrrp vrid 21
			nat address-group pool3 mode pat port-range 20000 39999
			nat address-group pool3 section 192.168.20.52 192.168.20.52
			nat policy rule out2 from trust to untrust source $CL2 action source-nat address-group pool2
			nat policy rule out2 move before out
			nat policy rule shared from trust to untrust destination $SV2 protocol udp action source-nat address-group pool3
			nat policy rule shared move before out2
			firewall session timeout tcp-established $EST_S
		EOF
	} >"$T_DIR/$n.conf"
done

ctl() { "$HSBCTL" -s "$(ha_sock "$1")" "${@:2}"; }
lb_is() { ha_vgmp_is "$1" g1 "$2" && ha_vgmp_is "$1" g2 "$3"; }
installed() { [ "$(ctl "$1" -j show hrp | json_get 'd["install"]["sessions"]')" -ge "$2" ]; }

check "config is valid" "$HSBD" --check-config "$T_DIR/A.conf"
ha_start A "$T_DIR/A.conf" || exit 1
ha_start B "$T_DIR/B.conf" || exit 1
check "fwA active for g1, standby for g2" wait_for 5 lb_is A active standby
check "fwB active for g2, standby for g1" wait_for 5 lb_is B standby active
check "fwA is HRP_M (active for the first group)" wait_for 3 sh -c "'$HSBCTL' -s '$(ha_sock A)' status | grep -q '^HRP_M\[fw-a:active/standby\]'"
check "fwB is HRP_S" wait_for 3 sh -c "'$HSBCTL' -s '$(ha_sock B)' status | grep -q '^HRP_S\[fw-b:active/standby\]'"
check "the hrp connection is up" wait_for 5 sh -c "[ \"\$('$HSBCTL' -s '$(ha_sock A)' -j show hrp | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"connection\"][\"up\"])')\" = True ]"

echo "-- 10k UDP flows through the shared pool, half through each host"
flows() {
	ip netns exec "$1" "$HA_PY" - "$SV2" "$N_FLOWS" <<-'EOF'
		import socket, sys
		# one flow per source port, each a session of its own
		for i in range(int(sys.argv[2])):
		    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
		    s.bind(("", 10000 + i))
		    s.sendto(b"x", (sys.argv[1], 9999))
		    s.close()
	EOF
}
flows "$HA_CL" &
F1=$!
flows "$HA_CL2" &
F2=$!
wait "$F1" "$F2"
# pool3's live mappings each host made itself (not backed up from the peer)
own_pat() {
	ctl "$1" -j show nat pat | json_get '"\n".join("%s:%d" % (m["pool_addr"], m["pool_port"]) for m in d["entries"] if m["pool_addr"] == "192.168.20.52" and "from-peer" not in m["flags"])' | sort
}
own_pat A >"$T_DIR/pat.A"
own_pat B >"$T_DIR/pat.B"
NA=$(grep -c . "$T_DIR/pat.A")
NB=$(grep -c . "$T_DIR/pat.B")
echo "   own mappings of pool3: fwA $NA, fwB $NB"
check "each host translated its $N_FLOWS flows" sh -c "[ $NA -eq $N_FLOWS ] && [ $NB -eq $N_FLOWS ]"
check "no public address:port held by both hosts" test "$(comm -12 "$T_DIR/pat.A" "$T_DIR/pat.B" | wc -l)" = 0
check "fwA allocated from the lower half (20000-29999)" sh -c "! cut -d: -f2 '$T_DIR/pat.A' | awk '\$1 < 20000 || \$1 > 29999' | grep -q ."
check "fwB allocated from the upper half (30000-39999)" sh -c "! cut -d: -f2 '$T_DIR/pat.B' | awk '\$1 < 30000 || \$1 > 39999' | grep -q ."
check "each host holds the other's mappings too" sh -c "[ \$('$HSBCTL' -s '$(ha_sock A)' -j show nat pat | python3 -c 'import json,sys; print(sum(\"from-peer\" in m[\"flags\"] for m in json.load(sys.stdin)[\"entries\"]))') -ge $((NB * 9 / 10)) ]"

# conns TAG: N_CONN connections from each client, reports in
# $T_DIR/TAG-clientC.json, until $T_DIR/TAG.stop exists; their gaps are
# split at the give-back (hrp_conn.py's mark: $T_DIR/giveback)
conns() {
	local c ns
	for c in 1 2; do
		ns=$HA_CL
		[ "$c" = 2 ] && ns=$HA_CL2
		ip netns exec "$ns" "$HA_PY" "$CONN" client "$HA_SERVER" 9000 \
			"$N_CONN" 120 "$T_DIR/$1-client$c.json" "$T_DIR/$1.stop" \
			"$T_DIR/giveback" >/dev/null 2>&1 &
		eval "${1}_CLIENT$c=\$!"
	done
}
# conns_stall TAG C WHEN BOUND_MS: client C's longest stall WHEN (before,
# after: the give-back) is under BOUND_MS. A gap counts where it ends: a
# connection that never came back after the kill counts after.
conns_stall() {
	local f=$T_DIR/$1-client$2.json gap
	gap=$(json_get "d['$3_mark']['max_gap_ms']" <"$f")
	echo "   $1: longest stall $3 the give-back, client $2: $gap ms" \
		"(bound $4 ms; port $(json_get "d['$3_mark']['port']" <"$f"))"
	check "$1: no connection of client $2 stalled over $4 ms $3 the give-back" \
		test "$gap" -lt "$4"
}
# conns_end TAG BOUND_BEFORE_MS BOUND_AFTER_MS: stops them; no reset, no
# stall over the bounds before and after the give-back
conns_end() {
	local c pid
	touch "$T_DIR/$1.stop"
	for c in 1 2; do
		pid=$(eval echo "\$${1}_CLIENT$c")
		wait "$pid"
		check "$1: no connection of client $c was reset" test "$?" = 0
		conns_stall "$1" "$c" before "$2"
		conns_stall "$1" "$c" after "$3"
	done
}

echo "-- $N_CONN TCP connections per group, each through its own host"
ip netns exec "$HA_SV" "$HA_PY" "$CONN" server 9000 "$T_DIR/accepts" &
T_PIDS+=("$!")
check "the server listens" wait_for 10 sh -c "ip netns exec '$HA_SV' ss -Hltn 'sport = :9000' | grep -q ."
conns kill
check "the server sees $((2 * N_CONN)) connections" wait_for 10 sh -c "[ \$(wc -l <'$T_DIR/accepts') -ge $((2 * N_CONN)) ]"
check "client 1's from pool1 (fwA)" test "$(grep -c '^accept 192.168.20.50:' "$T_DIR/accepts")" = "$N_CONN"
check "client 2's from pool2 (fwB)" test "$(grep -c '^accept 192.168.20.51:' "$T_DIR/accepts")" = "$N_CONN"
check "fwA has fwB's connections" wait_for 5 installed A "$N_CONN"
check "fwB has fwA's connections" wait_for 5 installed B "$N_CONN"

echo "-- kill -9 fwA: both groups' connections go on through fwB"
sleep 1
# fwB's copies last EST_S after their last record (a live connection
# sends one every 30 s, HSB_REFRESH_INTERVAL_NS): a batch backup from fwA
# just before the kill renews them, so the time a loaded machine takes to
# set the connections up does not eat into the EST_S the takeover needs
# (seen: client 1's copies expired on fwB, idle 8.1 s, 0.6 s before it
# took g1 over; those connections never came back)
RX0=$(ctl B -j show hrp | json_get 'd["batch_backup"]["received"]')
ctl A hrp sync >/dev/null
check "fwB has fwA's batch backup just before the kill" wait_for 5 sh -c "[ \$('$HSBCTL' -s '$(ha_sock B)' -j show hrp | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"batch_backup\"][\"received\"])') -gt $RX0 ]"
ha_kill A
check "fwB active for both groups" wait_for 3 lb_is B active active
check "fwB claims what fwA owned" wait_for 3 sh -c "[ \$('$HSBCTL' -s '$(ha_sock B)' -j show hrp | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"ownership\"][\"sessions_changed\"])') -ge $N_CONN ]"
sleep 2
check "no new connection at the server (same public address and port)" \
	test "$(wc -l <"$T_DIR/accepts")" = "$((2 * N_CONN))"

echo "-- fwA comes back and takes g1 back; fwB's copies of g1 idle out"
# the kill phase's connections go on: client 1's were fwA's before it
# died, and its pinned maps still hold its copies of them, older than
# what fwB's batch backup brings. These are opened on fwB alone: its own
# entries for g1, which pass fwA once g1 is back there.
conns back
check "the server sees the new connections" wait_for 10 sh -c "[ \$(wc -l <'$T_DIR/accepts') -ge $((4 * N_CONN)) ]"
touch "$T_DIR/giveback"
ha_revive A "$T_DIR/A.conf" || exit 1
check "fwA active for g1 again (after the batch backup)" wait_for 15 lb_is A active standby
check "fwB active for g2 only" wait_for 3 lb_is B standby active
# fwB no longer sees the packets of g1 and its copies expire after
# EST_S: their deletes must not take the live sessions from fwA
# (its sweeper's pass takes up to 4 s to find them: a little more grace)
sleep $((EST_S + 4))
check "fwA kept the live sessions fwB let go" wait_for 5 sh -c "[ \$('$HSBCTL' -s '$(ha_sock A)' -j show hrp | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"deletes_kept_live\"])') -ge 1 ]"
# the kill phase's: peer death + 1 s at the takeover (they were opened
# before it); both sets: GIVEBACK_MS at the give-back
conns_end kill $((3 * HELLO + 1000)) "$GIVEBACK_MS"
conns_end back "$GIVEBACK_MS" "$GIVEBACK_MS"
check "no new connection at the server" test "$(wc -l <"$T_DIR/accepts")" = "$((4 * N_CONN))"
echo "   returning host's tcp_no_session drops: $(ctl A -j show counters | json_get 'd["datapath"].get("tcp_no_session", 0)')"

hsb_test_done
