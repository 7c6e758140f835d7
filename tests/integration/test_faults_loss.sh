#!/usr/bin/env bash
# Fault injection on the HA topology with VGMP (100 ms hellos) and HRP,
# under traffic (FT_CONNS long-lived TCP connections, data both ways):
#  - random loss on the heartbeat link (nftables numgen random drop at
#    both ends' ingress, 5 % then 30 %, FT_LOSS_S each), new connections
#    opened meanwhile;
#  - random loss on the service links (both switches drop that share of
#    the frames they forward, 5 % then 30 %);
#  - hsbd of the active host paused (SIGSTOP) for FT_PAUSE_MS, longer
#    than the peer-death time (dead-count x hello), then resumed.
# Checked, with both hosts' VGMP state sampled every 10 ms: never two
# active hosts during loss (and no switchover at all: the split-brain
# guard and the members' adverts hold); after each phase one active host
# in every layer within a bound, the HRP connection up and every
# connection the server accepted installed on the standby ("nothing
# acknowledged is lost": a connection whose handshake went through the
# active host is on the standby once the loss stops); the pause: the peer
# takes over within dead-count x hello + margin, the resumed host steps
# down ("stalled") within a hello + margin instead of making the peer
# yield, and takes the group back only as a preemption (after its delay);
# two active hosts for at most 50 ms in all of it; then a failover (kill
# -9 of the active host) that every connection survives.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ha_lib.sh"
. "$(dirname "$0")/faults_lib.sh"
hsb_test_init faults-loss

CONNS=${FT_CONNS:-20}
LOSS_S=${FT_LOSS_S:-5}
PAUSE_MS=${FT_PAUSE_MS:-1000}
M=$FT_MARGIN_MS

# ft_loss NS NAME PCT HOOK: nftables in NS drops PCT % of what HOOK sees
# (table NAME; PCT 0 removes it). HOOK: "ingress DEV" (netdev, before
# the stack; no XDP program on DEV, or it runs first) or "bridge" (every
# frame the switch forwards).
ft_loss() {
	local ns=$1 name=$2 pct=$3 fam=netdev hook
	ip netns exec "$ns" nft delete table "$fam" "$name" 2>/dev/null
	ip netns exec "$ns" nft delete table bridge "$name" 2>/dev/null
	[ "$pct" = 0 ] && return 0
	case $4 in
	bridge) fam=bridge hook="type filter hook forward priority 0" ;;
	*) hook="type filter hook ingress device \"${4#ingress }\" priority 0" ;;
	esac
	ip netns exec "$ns" nft -f - <<-EOF
		table $fam $name {
			chain loss {
				$hook;
				numgen random mod 100 < $pct counter drop
			}
		}
	EOF
}
# ft_dropped NS NAME: frames the loss rule dropped
ft_dropped() {
	ip netns exec "$1" nft list table "$2" "$3" 2>/dev/null |
		sed -n 's/.*counter packets \([0-9]*\).*/\1/p'
}

hb_loss() {
	ft_loss "${HA_NS[A]}" ftloss "$1" "ingress hb0" &&
		ft_loss "${HA_NS[B]}" ftloss "$1" "ingress hb0"
}
svc_loss() {
	ft_loss "$HA_IN" ftloss "$1" bridge && ft_loss "$HA_OUT" ftloss "$1" bridge
}

echo "-- setup: VGMP + HRP, $CONNS connections"
ft_setup 1 || exit 1
ft_traffic_start "$CONNS" 600
check "fwB installed the connections" wait_for 5 ft_installed B "$CONNS"
check "probe through the gateway (1 kHz)" ha_probe_start loss 1000 600

# settled_after WHAT: one active host (fwA) in every layer, the HRP
# connection up (connect backoff 5 s + 25 %), every connection on fwB
settled_after() {
	local t0
	t0=$(ft_now_ms)
	check "$1: fwA the one active host" ft_wait 2 "$(ft_one A)"
	check "$1: addresses and datapath agree" wait_for 2 ft_layers A
	check "$1: the HRP connection is up" ft_wait 8 "$FT_HRP_UP"
	check "$1: fwB holds all $FT_N connections" wait_for 5 ft_installed B "$FT_N"
	echo "     settled $(($(ft_now_ms) - t0)) ms after the loss stopped"
}

# no_dual TAG: the sampler saw exactly one active host throughout
no_dual() {
	ha_sample_report "$1" >"$T_DIR/sample-$1.json"
	echo "     sampler: $(cat "$T_DIR/sample-$1.json")"
	check "$1: never two active hosts, never none (10 ms samples)" \
		test "$(json_get 'd["keys"]["g1"]["both_active"] + d["keys"]["g1"]["none_active"]' \
			<"$T_DIR/sample-$1.json")" = 0
}

for pct in 5 30; do
	echo "-- heartbeat link: $pct % random loss for $LOSS_S s, $CONNS new connections"
	ha_sample_start "hb$pct" vgmp
	hb_loss "$pct" || exit 1
	ft_more_conns "$pct % heartbeat loss" "$CONNS"
	sleep "$LOSS_S"
	echo "     dropped on hb0: fwA $(ft_dropped "${HA_NS[A]}" netdev ftloss), fwB $(ft_dropped "${HA_NS[B]}" netdev ftloss)"
	hb_loss 0
	echo "     fwB: split-brain guard $(ha_vgmp_field B g1 'g["counters"]["split_brain_guard"]'), hellos resent by fwA $(ha_vgmp_field A g1 'd["heartbeat"]["retransmits"]'), HRP disconnects $(ft_hrp A 'd["connection"]["disconnects"]')"
	check "the server accepted all $FT_N connections" \
		wait_for 10 sh -c "[ \$(wc -l <'$T_DIR/accepts') -ge $FT_N ]"
	settled_after "heartbeat $pct %"
	ha_sample_stop
	no_dual "hb$pct"
done

for pct in 5 30; do
	echo "-- service links: $pct % random loss for $LOSS_S s"
	ha_sample_start "svc$pct" vgmp
	svc_loss "$pct" || exit 1
	sleep "$LOSS_S"
	echo "     dropped: inside switch $(ft_dropped "$HA_IN" bridge ftloss), outside $(ft_dropped "$HA_OUT" bridge ftloss)"
	svc_loss 0
	settled_after "service links $pct %"
	ha_sample_stop
	no_dual "svc$pct"
done

echo "-- hsbd on fwA paused (SIGSTOP) for $PAUSE_MS ms, then resumed"
ha_sample_start pause vgmp
HA_T_EVENT=$(ha_now_ns)
t_stop=$(ft_now_ms)
kill -STOP "$A_PID"
check "fwB takes over while fwA is paused" \
	ft_wait $(((FT_DEAD_MS + M) / 1000 + 1)) "role(b) == 'active' and vrrp(b, 'master') == 2"
tk=$(($(ha_log_ms B "vgmp g1: standby -> active") - $(ha_event_mono_ms)))
echo "     fwB active $tk ms after the SIGSTOP (dead-count x hello = $FT_DEAD_MS ms)"
check "within dead-count x hello + 10 ms + margin" test "$tk" -le $((FT_DEAD_MS + 10 + M))
ft_sleep_until $((t_stop + PAUSE_MS))
t_cont=$(ft_now_ms)
kill -CONT "$A_PID"
# the resumed host finds it sent no hello for longer than the peer waits
# and steps down before it handles what was queued (vgmp.md, "Stalls"):
# at once, bounded here by a hello interval + margin
check "fwA steps down after the resume, fwB the one active host" \
	ft_wait $(((FT_HELLO + M) / 1000 + 1)) "$(ft_one B)"
echo "     settled $(($(ft_now_ms) - t_cont)) ms after SIGCONT"
check "addresses and datapath agree" wait_for 2 ft_layers B
check "fwA says why: stalled" test "$(ha_vgmp_field A g1 'g["history"][0]["reason"]')" = stalled
# then fwA (preferred, preempt delay 2 s) takes it back as any
# preemption: after the delay, make before break
check "fwA preempts back after its delay" ft_wait 6 "$(ft_one A)"
t_back=$(($(ft_now_ms) - t_cont))
echo "     fwA active again $t_back ms after SIGCONT (preempt delay 2000 ms)"
check "not before the delay" test "$t_back" -ge 2000
check "fwA's reason: preempt" test "$(ha_vgmp_field A g1 'g["history"][0]["reason"]')" = preempt
sleep 0.5
ha_sample_stop
ha_sample_report pause >"$T_DIR/sample-pause.json"
echo "     sampler: $(cat "$T_DIR/sample-pause.json")"
# as test_ha.sh's preemption: both active for at most a hello's latency
check "two active hosts for <= 50 ms in all of it" \
	test "$(json_get 'int(d["keys"]["g1"]["both_active_ms"])' <"$T_DIR/sample-pause.json")" -le 50
check "the HRP connection is up" ft_wait 8 "$FT_HRP_UP"
check "fwB holds all $FT_N connections" wait_for 5 ft_installed B "$FT_N"

ft_failover_end A loss
hsb_test_done
