#!/usr/bin/env bash
# Fault injection: the heartbeat link flaps (down / up every
# FT_FLAP_MS, 200 ms, for FT_FLAP_S, 30 s; make soak: 180 s) with the
# service links up, on
# the HA topology with VGMP (100 ms hellos) and HRP, under traffic:
# FT_CONNS long-lived TCP connections opened before and FT_CONNS more
# opened while the link flaps. A sampler reads both hosts' VGMP state
# every 10 ms throughout: never two active hosts, and never none (the
# split-brain guard holds the standby back: the active host's VRRP adverts
# still arrive on the service links). After the flapping stops: one
# active host in every layer within a bound, the HRP connection up, every
# connection (those opened during the flapping too) installed on the
# standby; then a failover (kill -9 of the active host) that every
# connection survives.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ha_lib.sh"
. "$(dirname "$0")/faults_lib.sh"
hsb_test_init faults-flap

FLAP_MS=${FT_FLAP_MS:-200}
FLAP_S=${FT_FLAP_S:-30}
CONNS=${FT_CONNS:-20}
M=$FT_MARGIN_MS

echo "-- setup: VGMP + HRP, $CONNS connections"
ft_setup 1 || exit 1
ft_traffic_start "$CONNS" 300
check "fwB installed the connections" wait_for 5 ft_installed B "$CONNS"

echo "-- heartbeat link down / up every $FLAP_MS ms for $FLAP_S s"
ha_sample_start flap vgmp
ha_probe_start flap 1000 300
# more connections while it flaps (from the same client, another
# process): their sessions are made and backed up across the flapping
ft_more_conns "the flapping" "$CONNS"
flaps=0
nominal=$((FLAP_S * 1000 / FLAP_MS))
t_start=$(ft_now_ms)
# on a fixed schedule (toggle k at k x FLAP_MS), bounded in count and time
for k in $(seq "$nominal"); do
	[ "$(ft_now_ms)" -lt $((t_start + FLAP_S * 1000)) ] || break
	if [ $((flaps % 2)) = 0 ]; then ha_cut A hb; else ha_restore A hb; fi
	flaps=$((flaps + 1))
	ft_sleep_until $((t_start + k * FLAP_MS))
done
ha_restore A hb
echo "     $flaps toggles of hb0 in $((($(ft_now_ms) - t_start) / 1000)) s"
check "hb0 toggled >= 90 % of $nominal times" test "$flaps" -ge $((nominal * 9 / 10))
# settles: hellos again within a few intervals, the HRP connection back
# (connect backoff up to 5 s, jittered +25 %), the standby's copies
# complete (a batch backup on reconnection)
t0=$(ft_now_ms)
check "one active host (fwA) in every layer after the flapping" \
	ft_wait $(((FT_DEAD_MS + M) / 1000 + 1)) "$(ft_one A)"
check "addresses and datapath agree" wait_for 2 ft_layers A
check "the HRP connection is up again (connect backoff 5 s + 25 %)" \
	ft_wait 8 "$FT_HRP_UP"
echo "     settled $(($(ft_now_ms) - t0)) ms after the last toggle"
check "fwB holds every connection, those opened during the flapping too" \
	wait_for 5 ft_installed B "$FT_N"
sleep 0.5
ha_sample_stop
ha_sample_report flap >"$T_DIR/sample.json"
echo "     sampler: $(cat "$T_DIR/sample.json")"
check "never two active hosts (10 ms samples)" \
	test "$(json_get 'd["keys"]["g1"]["both_active"]' <"$T_DIR/sample.json")" = 0
check "never no active host" \
	test "$(json_get 'd["keys"]["g1"]["none_active"]' <"$T_DIR/sample.json")" = 0
check "the sampler ran through it (>= $((FLAP_S * 50)) samples)" \
	test "$(json_get 'd["ticks"]' <"$T_DIR/sample.json")" -ge $((FLAP_S * 50))
echo "     fwB: split-brain guard $(ha_vgmp_field B g1 'g["counters"]["split_brain_guard"]'), peer deaths $(ha_vgmp_field B g1 'g["counters"]["peer_deaths"]' 2>/dev/null)"
echo "     fwA's HRP connection: $(ft_hrp A 'd["connection"]["connects"]') connects, $(ft_hrp A 'd["connection"]["disconnects"]') disconnects"

ft_failover_end A flap
hsb_test_done
