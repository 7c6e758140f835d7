#!/usr/bin/env bash
# An agent restart that nobody notices (docs/operations.md, "Restarting
# or upgrading hsbd"). On the HA topology (ha_lib.sh), hsbd on the active
# host fwA is stopped with --keep-datapath and started again while a
# 1 kHz probe and RESTART_CONNS (100) TCP connections run through the
# gateway. Checked, for plain VRRP (100 ms adverts, fwA 150 / fwB 100,
# PAT) and for a VGMP group with HRP (100 ms hellos): no probe lost, fwB
# never leaves backup/standby (sampled every 10 ms), no priority-0
# advert reaches fwB, fwA's VIPs never leave its interfaces, no
# gratuitous ARP burst, the instances resumed as master ("resume" in
# the history), every connection alive with no echo gap over
# RESTART_GAP_MS. A control run: the same restart without
# --keep-datapath is a failover (fwB takes over), which shows the checks
# can fail. About 30 s.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ha_lib.sh"
hsb_test_init restart

N_CONN=${RESTART_CONNS:-100}
# the longest echo stall a connection may see: a restart costs the
# probe nothing, but the client sends every 20 ms and a loaded CI VM
# deschedules it now and then
GAP_MS=${RESTART_GAP_MS:-300}
CONN=$(realpath "$(dirname "$0")/hrp_conn.py")

ha_topology || exit 1
ctl() { "$HSBCTL" -s "$(ha_sock "$1")" "${@:2}"; }
vrrp_sum() { ctl "$1" -j show vrrp | json_get "sum(i['counters']$2 for i in d['instances'])"; }

# conns_start TAG: the server and N_CONN connections through fwA.
conns_start() {
	ip netns exec "$HA_SV" "$HA_PY" "$CONN" server 9000 "$T_DIR/accepts-$1" &
	T_PIDS+=("$!")
	SERVER=$!
	wait_for 10 sh -c "ip netns exec '$HA_SV' ss -Hltn 'sport = :9000' | grep -q ." || return 1
	ip netns exec "$HA_CL" "$HA_PY" "$CONN" client "$HA_SERVER" 9000 "$N_CONN" 60 \
		"$T_DIR/client-$1.json" "$T_DIR/stop-$1" >/dev/null 2>&1 &
	CLIENT=$!
	T_PIDS+=("$CLIENT")
	wait_for 10 sh -c "[ \$(wc -l <'$T_DIR/accepts-$1') -ge $N_CONN ]"
}

# conns_stop TAG: ends the client; sets CLIENT_RC.
conns_stop() {
	touch "$T_DIR/stop-$1"
	wait "$CLIENT"
	CLIENT_RC=$?
	kill "$SERVER" 2>/dev/null
	wait "$SERVER" 2>/dev/null
	cat "$T_DIR/client-$1.json"
	echo
}

# restart TAG CONF KIND: the measured restart of fwA's hsbd: stopped
# (SIGTERM; with the options it was started with), started again with
# --keep-datapath, under the probe and the sampler (KIND vrrp or vgmp).
restart() {
	local tag=$1 conf=$2 t0 t1
	ip -n "${HA_NS[A]}" monitor address >"$T_DIR/addr-$tag" 2>&1 &
	ADDRMON=$!
	T_PIDS+=("$ADDRMON")
	ha_probe_start "$tag" || return 1
	ha_sample_start "$tag" "$3"
	# VGMP: fwB's side of the heartbeat link, for the hold hello
	if [ "$3" = vgmp ]; then
		ip netns exec "${HA_NS[B]}" tcpdump -q -n -U -i hb0 \
			-w "$T_DIR/hb-$tag.pcap" udp port 18514 2>/dev/null &
		CAPTURE=$!
		T_PIDS+=("$CAPTURE")
	fi
	sleep 0.5
	HA_T_EVENT=$(ha_now_ns)
	t0=$(ha_mono_ms)
	stop_hsbd "$A_PID" TERM
	ha_start A "$conf" --keep-datapath || return 1
	t1=$(ha_mono_ms)
	echo "     fwA's hsbd stopped and started again in $((t1 - t0)) ms"
	sleep 1.5
	ha_probe_stop
	ha_sample_stop
	if [ "$3" = vgmp ]; then
		kill -INT "$CAPTURE" 2>/dev/null
		wait "$CAPTURE" 2>/dev/null
	fi
	kill "$ADDRMON" 2>/dev/null
	wait "$ADDRMON" 2>/dev/null
	return 0
}

lost() { "$HA_PY" "$HA_TOOL" lost "$T_DIR/probe-$1"; }
none_lost() { [ "$(lost "$1" | json_get 'd["lost"]')" = 0 ]; }
all_resumed() {
	ctl A -j show vrrp >"$T_DIR/vrrp-$1.json" &&
		json_get 'all(i["state"] == "master" and i["last_transition"]["reason"] == "resume" for i in d["instances"])' <"$T_DIR/vrrp-$1.json" | grep -qx True
}
hrp_up() { [ "$(ctl "$1" -j show hrp | json_get 'd["connection"]["up"]')" = True ]; }

# scenario TAG KIND WHAT: one restart with --keep-datapath, checked.
# KIND vrrp (states of the VRIDs) or vgmp (the group).
scenario() {
	local tag=$1 kind=$2 b_p0 a_garp
	check "$tag: $N_CONN connections through fwA" conns_start "$tag"
	b_p0=$(vrrp_sum B "['prio0_rx']")
	restart "$tag" "$T_DIR/A-$tag.conf" "$kind" || return 1
	echo "     probe: $(lost "$tag")"
	check "$tag: no probe lost across the restart" none_lost "$tag"
	check "$tag: fwB never left backup (sampled every 10 ms)" sample_ok "$tag" \
		'r["ticks"] >= 150 and all(k["b_active"] == 0 for k in r["keys"].values())'
	check "$tag: fwA is active again" sample_ok "$tag" \
		'all(k["a_active_last"] for k in r["keys"].values())'
	check "$tag: fwB heard no priority-0 advert" test "$(vrrp_sum B "['prio0_rx']")" = "$b_p0"
	check "$tag: fwA's VIPs never left its interfaces" \
		sh -c "! grep -E '^Deleted.* ($HA_IN_VIP|$HA_OUT_VIP|$HA_NAT_ADDR)/' '$T_DIR/addr-$tag'"
	check "$tag: every instance resumed as master" all_resumed "$tag"
	a_garp=$(vrrp_sum A "['garp_sent']")
	echo "     fwA sent $a_garp gratuitous ARPs since the restart"
	check "$tag: no gratuitous ARP (the switches never lost fwA)" test "$a_garp" = 0
	conns_stop "$tag"
	check "$tag: every connection alive, no reset" test "$CLIENT_RC" = 0
	check "$tag: no connection stalled over $GAP_MS ms" \
		test "$(json_get 'd["max_gap_ms"]' <"$T_DIR/client-$tag.json")" -le "$GAP_MS"
	check "$tag: fwA logged the resume" grep -q "resum" "$A_LOG"
}

[ -n "${RESTART_ONLY_VGMP:-}" ] || {
echo "-- plain VRRP"
ha_conf_vrrp A 150 >"$T_DIR/A-vrrp.conf"
ha_conf_vrrp B 100 >"$T_DIR/B-vrrp.conf"
ha_start A "$T_DIR/A-vrrp.conf" || exit 1
check "fwA master of both" wait_for 5 ha_both_vrrp A master
ha_start B "$T_DIR/B-vrrp.conf" || exit 1
check "fwB backup of both" wait_for 5 ha_both_vrrp B backup

echo "-- control: fwA's hsbd ran without --keep-datapath: a restart is a failover"
check "control: $N_CONN connections through fwA" conns_start control
restart control "$T_DIR/A-vrrp.conf" vrrp
echo "     probe: $(lost control)"
check "control: fwB took over (the checks below can fail)" sample_ok control \
	'any(k["b_active"] > 0 for k in r["keys"].values())'
conns_stop control
check "control: fwA preempts back" wait_for 5 ha_both_vrrp A master
check "control: fwB backup again" wait_for 5 ha_both_vrrp B backup

echo "-- plain VRRP: restart fwA's hsbd, which runs with --keep-datapath"
scenario vrrp vrrp
ha_stop A
ha_stop B
}

echo "-- VGMP with HRP: restart fwA's hsbd with --keep-datapath"
ha_conf_hrp A 100 >"$T_DIR/A-vgmp.conf"
ha_conf_hrp B 100 >"$T_DIR/B-vgmp.conf"
ha_start A "$T_DIR/A-vgmp.conf" --keep-datapath || exit 1
check "fwA active" wait_for 5 ha_vgmp_is A g1 active
ha_start B "$T_DIR/B-vgmp.conf" || exit 1
check "fwB standby" wait_for 5 ha_vgmp_is B g1 standby
scenario vgmp vgmp
# hold_hellos: fwA's hellos with a hold, decoded by the dissector
hold_hellos() {
	HOME="$T_DIR" tshark -X "lua_script:$(dirname "$0")/../../tools/wireshark/hsb.lua" \
		-r "$T_DIR/hb-vgmp.pcap" -Y "vgmp.hold == 3000 && ip.src == ${HA_HB[A]}" \
		-T fields -e vgmp.group.state 2>/dev/null
}
hold_once_active() { [ "$(hold_hellos | tr '\n' ' ')" = "2 " ]; }
check "vgmp: one hello of fwA asked for a 3000 ms hold, group active (tshark)" \
	hold_once_active
check "vgmp: the group resumed active" test "$(ha_vgmp_field A g1 'g["history"][0]["reason"]')" = resume
check "vgmp: the HRP connection is back" wait_for 5 hrp_up A

[ -n "${RESTART_KEEP_LOGS:-}" ] && cp "$A_LOG" "$B_LOG" "$RESTART_KEEP_LOGS/"
echo "-- orderly stop"
check "fwB stops cleanly" ha_stop B
check "fwA stops cleanly (kept datapath removed on a plain stop)" ha_stop A
check "no error in fwA's log" sh -c "! grep -E ' error:|Sanitizer|runtime error' '$A_LOG'"
hsb_test_done
