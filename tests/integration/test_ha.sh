#!/usr/bin/env bash
# The HA topology (ha_lib.sh): client -- inside switch -- fwA/fwB --
# outside switch -- server, heartbeat veth between the firewalls, NAT of
# the client to an address that follows the outside VIP. Plain VRRP
# (two instances per firewall, 100 ms adverts, fwA 150, fwB 100):
# traffic flows through the active host, both instances and the NAT
# address move to fwB when fwA dies (kill -9) within Master_Down_Interval
# plus HA_MARGIN_MS at the client (1 kHz probe), fwA preempts on return
# without an outage, and a sampler reading both hosts every 10 ms sees no
# VRID master on both meanwhile. And what VRRP alone cannot do (the
# reason for VGMP): a member link failure moves one instance only and
# the traffic stops.
# The switches flood unknown unicast to the firewalls (HA_UNKNOWN_FLOOD,
# ha_lib.sh, default 1, as real switches do): a standby must not forward
# frames flooded to it that are addressed to the active host's MAC, or it
# would hide (and distort) the failovers checked here; a section below
# makes the inside switch flood everything and checks it does not.
HA_UNKNOWN_FLOOD=${HA_UNKNOWN_FLOOD:-1}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ha_lib.sh"
hsb_test_init ha

# Margin (ms) over the protocol's bound for a loaded 2-vCPU CI VM, as
# VRRP_MARGIN_MS in vrrp_lib.sh (scheduling of hsbd, the probe, two
# bridges; GARP processing at the client and the server).
HA_MARGIN_MS=${HA_MARGIN_MS:-400}
M=$HA_MARGIN_MS
# fwB's Master_Down_Interval at priority 100, 10 cs: 300 + 60 ms.
MDI_B=360

ha_topology || exit 1
ha_conf_vrrp A 150 >"$T_DIR/a.conf"
ha_conf_vrrp B 100 >"$T_DIR/b.conf"
ctl() { "$HSBCTL" -s "$(ha_sock "$1")" "${@:2}"; }
# dp_ctr NODE NAME: a datapath counter of NODE's hsbd
dp_ctr() { ctl "$1" -j show counters | json_get "d['datapath']['$2']"; }
reach() { ip netns exec "$HA_CL" ping -c "${1:-3}" -i 0.2 -W 1 "$HA_SERVER"; }
no_reach() { ! ip netns exec "$HA_CL" ping -c 3 -i 0.2 -W 1 "$HA_SERVER"; }
holder_is() { [ "$(ha_holder "$1")" = "$2" ]; }
no_dual='all(k["both_active"] == 0 for k in r["keys"].values())'

echo "-- VRRP only: the active host forwards and translates"
check "configuration is valid" "$HSBD" --check-config "$T_DIR/a.conf"
ha_start A "$T_DIR/a.conf" || exit 1
check "A alone: master of both instances" wait_for 5 ha_both_vrrp A master
ha_start B "$T_DIR/b.conf" || exit 1
check "B: backup of both instances" wait_for 5 ha_both_vrrp B backup
check "A still master of both" ha_both_vrrp A master
check "client reaches the server through the inside VIP" reach
check "the server has no route to the inside network" \
	sh -c "! ip -n '$HA_SV' route get 192.168.10.100 >/dev/null 2>&1"
check "the server resolved the NAT address to A" holder_is "$HA_NAT_ADDR" A
check "the client resolved the inside VIP to A" holder_is "$HA_IN_VIP" A
a_holds_vips() { ha_has_addr A in0 "$HA_IN_VIP" && ha_has_addr A out0 "$HA_OUT_VIP"; }
check "A holds both VIPs" a_holds_vips
check "sampler reads both hosts every 10 ms" ha_sample_start steady vrrp
sleep 1
ha_sample_stop
check "sampler: ticks of ~10 ms, A master, B backup, never both" \
	sample_ok steady "r['ticks'] >= 60 and r['tick_ms']['median'] <= 12 and $no_dual and all(k['none_active'] == 0 for k in r['keys'].values())"

if [ "$HA_UNKNOWN_FLOOD" = 1 ]; then
	echo "-- unknown unicast flooded to the standby: dropped, not forwarded"
	# The inside switch forgets every MAC at once (ageing 0: a hub), so the
	# client's frames to A's MAC reach B too, as when a switch has not (or
	# no longer) learned where A is. B must not forward or track them.
	ip -n "$HA_IN" link set br0 type bridge ageing_time 0
	b_nfu=$(dp_ctr B not_for_us)
	b_new=$(dp_ctr B session_new)
	b_red=$(dp_ctr B redirect)
	a_new=$(dp_ctr A session_new)
	check "client reaches the server through A while the switch floods" reach 5
	ip -n "$HA_IN" link set br0 type bridge ageing_time 30000
	echo "     B: not_for_us +$(($(dp_ctr B not_for_us) - b_nfu)), session_new +$(($(dp_ctr B session_new) - b_new)), redirect +$(($(dp_ctr B redirect) - b_red))"
	check "B received the flooded frames (not_for_us moved)" \
		test "$(dp_ctr B not_for_us)" -ge $((b_nfu + 5))
	check "B created no session" test "$(dp_ctr B session_new)" = "$b_new"
	check "B forwarded nothing" test "$(dp_ctr B redirect)" = "$b_red"
	check "A created the client's sessions" test "$(dp_ctr A session_new)" -gt "$a_new"
fi

echo "-- kill -9 of the active host: both instances and the NAT address move"
check "probe through the gateway (1 kHz)" ha_probe_start kill
ha_sample_start kill vrrp
sleep 0.5
ha_kill A
check "B master of both" wait_for 5 ha_both_vrrp B master
sleep 0.5
ha_probe_stop
ha_sample_stop
check_ha_outage "kill -9 of A" kill $((MDI_B + M))
check "the server now resolves the NAT address to B (gratuitous ARP)" \
	holder_is "$HA_NAT_ADDR" B
check "the client now resolves the inside VIP to B" holder_is "$HA_IN_VIP" B
check "client reaches the server through B" reach
check "never two masters (sampled every 10 ms)" sample_ok kill "$no_dual"

echo "-- A comes back: preempts both instances, make before break"
ha_probe_start back
ha_sample_start back vrrp
HA_T_EVENT=$(ha_now_ns)
ha_revive A "$T_DIR/a.conf" || exit 1
check "A master of both again" wait_for 5 ha_both_vrrp A master
check "B backup of both again" wait_for 2 ha_both_vrrp B backup
sleep 0.5
ha_probe_stop
ha_sample_stop
check_ha_outage "A preempts" back "$M"
check "the NAT address is A's again" holder_is "$HA_NAT_ADDR" A
# a planned handover overlaps by one advert's latency at most (vrrp.md,
# "Takeover ordering"): both masters for at most a few ticks
check "two masters for <= 50 ms during the preemption" sample_ok back \
	'all(k["both_active_ms"] <= 50 for k in r["keys"].values())'

echo "-- VRRP alone: a member link failure splits the instances"
ha_cut A in
check "B takes the inside instance" wait_for 5 ha_vrrp_is B 10 master
sleep 0.5
check "A keeps the outside instance (nothing binds them)" ha_vrrp_is A 20 master
check "B stays backup outside" ha_vrrp_is B 20 backup
check "return traffic goes to A, which cannot deliver it: no reply" no_reach
ha_restore A in
check "port back: A master of both" wait_for 5 ha_both_vrrp A master
check "client reaches the server again" wait_for 5 reach 1

echo "-- orderly stop"
check "B stops cleanly" ha_stop B
check "A stops cleanly" ha_stop A
for n in A B; do
	check "$n left no VIP" sh -c "! ip -n '${HA_NS[$n]}' -4 addr | grep -qE ' ($HA_IN_VIP|$HA_OUT_VIP)/'"
done
check "no error in A's log" sh -c "! grep -E ' (error|warning):|Sanitizer|runtime error' '$A_LOG'"
check "no error in B's log" sh -c "! grep -E ' (error|warning):|Sanitizer|runtime error' '$B_LOG'"

# ---------------------------------------------------------------------
# VGMP: both instances of a host in one group g1, hellos every 100 ms
# over hb0, dead-count 3, fwA 65001 / fwB 65000, preempt delay 2 s.
HELLO=100
DEAD_MS=$((3 * HELLO))
ha_conf_vgmp A $HELLO >"$T_DIR/a-vgmp.conf"
ha_conf_vgmp B $HELLO >"$T_DIR/b-vgmp.conf"
ha_conf_vgmp B $HELLO "another-secret-key" >"$T_DIR/b-badkey.conf"
vg() { ha_vgmp_field "$1" g1 "$2"; }
# members NODE: "VRID:STATE,..." of g1's members
members() { vg "$1" '",".join("%d:%s" % (m["vrid"], m["state"]) for m in g["members"])'; }
# group_on NODE [alone]: NODE active with both members master, the
# other host standby (or, with "alone", dead)
group_on() {
	local o=B
	[ "$1" = B ] && o=A
	ha_vgmp_is "$1" g1 active && ha_both_vrrp "$1" master &&
		{ [ "${2:-}" = alone ] || ha_vgmp_is "$o" g1 standby; }
}
mv_log() { mv "$T_DIR/$1.log" "$T_DIR/$1-$2.log"; }
mv_log A vrrp
mv_log B vrrp

echo "-- VGMP: one group binds both instances"
check "configuration is valid" "$HSBD" --check-config "$T_DIR/a-vgmp.conf"
ha_start A "$T_DIR/a-vgmp.conf" || exit 1
ha_start B "$T_DIR/b-vgmp.conf" || exit 1
check "A (65001) active, B (65000) standby, A's members master" \
	wait_for 5 group_on A
check "B's members backup" wait_for 2 ha_both_vrrp B backup
check "B knows A's priority" test "$(vg B 'g["peer"]["priority"]')" = 65001
check "client reaches the server through A" wait_for 3 reach 1
check "the NAT address is A's" holder_is "$HA_NAT_ADDR" A

echo "-- member link failure on the active: the whole group moves"
ha_probe_start member
ha_sample_start member vgmp
sleep 0.3
ha_cut A in
check "B active with both members master" wait_for 3 group_on B
check "A standby, its inside member down, outside backup" \
	wait_for 2 test "$(members A)" = "10:down,20:backup"
sleep 0.5
ha_probe_stop
ha_sample_stop
# a triggered hello, not a timeout: one hello interval is generous
check_ha_outage "member link failure (VGMP)" member $((HELLO + M))
check "the NAT address moved with the group" holder_is "$HA_NAT_ADDR" B
check "the inside VIP moved with the group" holder_is "$HA_IN_VIP" B
check "client reaches the server through B" reach
check "never two active hosts (10 ms samples)" sample_ok member "$no_dual"
check "A's reason: priority-reduced" \
	test "$(vg A 'g["history"][0]["reason"]')" = priority-reduced

echo "-- the repaired host preempts only after the delay (2 s)"
ha_sample_start preempt vgmp
t0=$(ha_mono_ms)
ha_restore A in
check "A active again" wait_for 6 group_on A
t1=$(ha_mono_ms)
ha_sample_stop
echo "     A active again $((t1 - t0)) ms after its port came back (delay 2000 ms)"
check "not before the preempt delay" test $((t1 - t0)) -ge 2000
check "A's reason: preempt" test "$(vg A 'g["history"][0]["reason"]')" = preempt
check "two active hosts for <= 50 ms during the preemption" sample_ok preempt \
	'all(k["both_active_ms"] <= 50 for k in r["keys"].values())'

echo "-- heartbeat cut, service links up: exactly one active host"
ha_sample_start hb vgmp
ha_cut A hb
sleep 2
check "B stays standby: A's adverts still arrive" ha_vgmp_is B g1 standby
check "B counts the split-brain guard" \
	test "$(vg B 'g["counters"]["split_brain_guard"]')" -gt 0
ha_restore A hb
sleep 1
ha_sample_stop
check "exactly one active host for the whole test (10 ms samples)" sample_ok hb \
	'r["keys"]["g1"]["both_active"] == 0 and r["keys"]["g1"]["none_active"] == 0 and r["dead_ticks"] == {"a": 0, "b": 0}'
check "A still active, hellos again" wait_for 2 test "$(vg B 'g["peer"]["dead"]')" = False

echo "-- kill -9 of the active host: B takes over within dead-count x hello"
ha_probe_start kill
check "the client resolves the inside VIP to A" holder_is "$HA_IN_VIP" A
sleep 0.3
ha_kill A
check "B active" wait_for 3 group_on B alone
ms=$(($(ha_log_ms B "vgmp g1: standby -> active (peer-dead)") - $(ha_event_mono_ms)))
sleep 0.3
ha_probe_stop
echo "     B active ${ms} ms after the kill (dead-count x hello = $DEAD_MS ms)"
check "takeover within dead-count x hello + 10 ms + HA_MARGIN_MS" \
	test "$ms" -le $((DEAD_MS + 10 + M))
check_ha_outage "kill -9 of A (VGMP)" kill $((DEAD_MS + 10 + M))
check "the NAT address moved" holder_is "$HA_NAT_ADDR" B

echo "-- A comes back: preempts after the delay, without an outage"
ha_probe_start back2
HA_T_EVENT=$(ha_now_ns)
t0=$(ha_mono_ms)
ha_revive A "$T_DIR/a-vgmp.conf" || exit 1
check "A standby first" wait_for 3 ha_vgmp_is A g1 standby
check "A active after the delay" wait_for 10 group_on A
t1=$(ha_mono_ms)
echo "     A active $((t1 - t0)) ms after its restart"
check "not before the preempt delay" test $((t1 - t0)) -ge 2000
sleep 0.3
ha_probe_stop
check_ha_outage "A preempts (VGMP)" back2 "$M"

echo "-- hsbctl switchover"
ha_probe_start sw
ha_sample_start sw vgmp
check_exit "refused on the standby" 1 ctl B switchover g1
HA_T_EVENT=$(ha_now_ns)
check "switchover A -> B" ctl A switchover g1
check "B active" wait_for 2 group_on B
sleep 2.5
check "A does not preempt it back (longer than the delay)" group_on B
ha_probe_stop
ha_sample_stop
check_ha_outage "switchover" sw "$M"
# a planned handover is make before break (docs/vgmp.md, "Switchover
# order"): both active for at most a hello's latency, as for VRRP above
check "two active hosts for <= 50 ms" sample_ok sw \
	'all(k["both_active_ms"] <= 50 for k in r["keys"].values())'

check "switchover B -> A" ctl B switchover
check "A active again" wait_for 2 group_on A

echo "-- a hello with a wrong key is rejected and counted"
check "B stops" ha_stop B
auth_rej() { [ "$(ha_vgmp_field "$1" g1 'd["heartbeat"]["rx_rejected"]["authentication"]')" -gt 0 ]; }
ha_start B "$T_DIR/b-badkey.conf" || exit 1
check "A rejects B's hellos (counted)" wait_for 3 auth_rej A
check "B rejects A's hellos (counted)" wait_for 3 auth_rej B
check "A stays active" ha_vgmp_is A g1 active
check "B accepted no hello" test "$(vg B 'd["heartbeat"]["hellos_received"]')" = 0
check "B stops" ha_stop B
check "A stops" ha_stop A
mv_log A vgmp
mv_log B vgmp

echo "-- load balancing: g1 on A, g2 on B; a host failure moves both"
ha_conf_vgmp_lb A $HELLO >"$T_DIR/a-lb.conf"
ha_conf_vgmp_lb B $HELLO >"$T_DIR/b-lb.conf"
lb_is() { ha_vgmp_is "$1" g1 "$2" && ha_vgmp_is "$1" g2 "$3"; }
# masters_are NODE LIST: the VRIDs NODE is master of, sorted, comma-separated
masters_are() {
	[ "$("$HSBCTL" -s "$(ha_sock "$1")" -j show vrrp | "$HA_PY" -c '
import json, sys
print(",".join(str(v) for v in sorted(i["vrid"] for i in json.load(sys.stdin)["instances"]
                                      if i["state"] == "master")))')" = "$2" ]
}
ha_start A "$T_DIR/a-lb.conf" || exit 1
ha_start B "$T_DIR/b-lb.conf" || exit 1
check "A active for g1, standby for g2" wait_for 5 lb_is A active standby
check "B active for g2, standby for g1" wait_for 5 lb_is B standby active
check "A masters VRIDs 10, 20" wait_for 2 masters_are A 10,20
check "B masters VRIDs 11, 21" wait_for 2 masters_are B 11,21
check "client reaches the server (g1 on A)" wait_for 3 reach 1
check "the client resolves the inside VIP to A" holder_is "$HA_IN_VIP" A
check "the server resolves the NAT address to A" holder_is "$HA_NAT_ADDR" A
ha_probe_start lb
sleep 0.3
ha_kill A
check "B active for both groups" wait_for 3 lb_is B active active
sleep 0.3
ha_probe_stop
check_ha_outage "kill -9 of A (load balancing)" lb $((DEAD_MS + 10 + M))
check "client reaches the server through B" reach
check "B stops" ha_stop B
# VGMP logs its transitions as warnings and the split-brain guard (the
# heartbeat cut above) as an error: only other errors count here
for n in A B; do
	check "no unexpected error in $n's VGMP logs" sh -c \
		"! cat '$T_DIR/$n'-vgmp.log '$T_DIR/$n.log' | grep -E ' error:|Sanitizer|runtime error' | grep -v 'split-brain guard'"
done
hsb_test_done
