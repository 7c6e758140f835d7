#!/usr/bin/env bash
# HRP configuration backup on the HA topology (ha_lib.sh): fwA is active
# (HRP_M), fwB standby (HRP_S). A security policy, a NAT rule and a
# blacklist entry typed on fwA appear on fwB within 100 ms, and fwB's
# configuration file gets them with its own local lines kept; fwB refuses
# a backed-up command typed there, but takes local ones; a policy fwB
# cannot run (its interface is in a zone fwA removed) is refused whole,
# reported on both sides, and the connection stays up; after `hrp
# standby-config enable` fwB's changes flow back; fwB restarted with only
# its local lines comes back with the whole shared policy.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ha_lib.sh"
hsb_test_init hrpcfg

HELLO=100
ha_topology || exit 1
for n in A B; do
	ha_conf_hrp "$n" "$HELLO" >"$T_DIR/$n.conf"
done

ctl() { "$HSBCTL" -s "$(ha_sock "$1")" "${@:2}"; }
cfgv() { ctl "$1" -j show hrp | json_get "d['configuration']$2"; }
running_has() { ctl "$1" show running-config | grep -qxF -- "$2"; }
in_sync() { [ "$(cfgv "$1" "['in_sync']")" = True ]; }

ha_start A "$T_DIR/A.conf" || exit 1
ha_start B "$T_DIR/B.conf" || exit 1
check "fwA active" wait_for 5 ha_vgmp_is A g1 active
check "fwB standby" wait_for 5 ha_vgmp_is B g1 standby
check "fwA's prompt says HRP_M" wait_for 3 sh -c "'$HSBCTL' -s '$(ha_sock A)' status | grep -q '^HRP_M\[fw-a:active\]'"
check "fwB's prompt says HRP_S" wait_for 3 sh -c "'$HSBCTL' -s '$(ha_sock B)' status | grep -q '^HRP_S\[fw-b:standby\]'"
check "both run the same backed-up configuration" wait_for 5 in_sync A
check "fwB says so too" wait_for 3 in_sync B
check "show hrp renders the configuration backup" sh -c "'$HSBCTL' -s '$(ha_sock B)' show hrp | grep -q '^configuration: HRP_S, generation [0-9]*, digest [0-9a-f]*, same as the peer'"

echo "-- typed on HRP_M, replicated to HRP_S"
LINES=(
	"security-policy rule dns from trust to untrust protocol udp destination-port 53 action permit"
	"nat policy rule keep from trust to untrust source 192.168.10.200 action no-nat"
	"firewall blacklist 198.51.100.0/24"
)
# replicate: time one change typed on fwA until fwB applied it, from
# before hsbctl sent the lines to fwB's clock at its apply (one host's
# CLOCK_REALTIME): parse and apply on fwA, frame, adopt and apply on fwB
DELAYS=()
replicate() {
	local gen t0 applied
	gen=$(cfgv B "['generation']")
	t0=${EPOCHREALTIME/./}
	ctl A config "$@" >/dev/null || return 1
	wait_for 2 sh -c "[ \$('$HSBCTL' -s '$(ha_sock B)' -j show hrp | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"configuration\"][\"generation\"])') -gt $gen ]" || return 1
	applied=$(cfgv B "['last_applied_ms']")
	DELAYS+=($((applied - t0 / 1000)))
	echo "   typed on fwA -> applied on fwB: ${DELAYS[-1]} ms; offered by fwA -> applied on fwB: $((applied - $(cfgv A "['last_offer_ms']"))) ms, of which fwB's apply $(cfgv B "['last_apply_took_ms']") ms"
}
check "fwB applies fwA's change" replicate "${LINES[@]}"
cat "$T_DIR/last.out"
for i in 1 2; do
	replicate "firewall whitelist 203.0.113.$i" >"$T_DIR/last.out" 2>&1
	cat "$T_DIR/last.out"
done
DELAY_MS=$(printf '%s\n' "${DELAYS[@]}" | sort -n | sed -n 2p)
echo "   median of ${#DELAYS[@]}: $DELAY_MS ms"
for l in "${LINES[@]}"; do
	check "fwB runs '${l:0:40}...'" running_has B "$l"
done
check "within 100 ms (the median of three changes)" test "${DELAY_MS:-999}" -lt 100
check "the NAT rule is in fwB's order (after 'out')" sh -c "'$HSBCTL' -s '$(ha_sock B)' show running-config | grep '^nat policy rule' | tail -1 | grep -q '^nat policy rule keep '"
check "fwB's file has the shared policy" grep -qxF "${LINES[0]}" "$T_DIR/B.conf"
check "fwB's file keeps its own lines" grep -qxF "sysname fw-b" "$T_DIR/B.conf"
# the trie key: prefixlen 96 + 24, the address v4-mapped (include/hsb/lists.h)
check "fwB's blacklist reaches its datapath" sh -c "bpftool -j map dump pinned '$B_PINS/hsb_blacklist' | python3 -c 'import json,sys; sys.exit(not any(e[\"formatted\"][\"key\"][\"prefixlen\"] == 120 and e[\"formatted\"][\"key\"][\"addr\"][12:15] == [198, 51, 100] for e in json.load(sys.stdin)))'"
check "in sync after the change" wait_for 2 in_sync A

echo "-- HRP_S refuses backed-up commands, takes local ones"
check_exit "fwB refuses a security policy" 1 ctl B config "security-policy rule x from trust to untrust action deny"
last_has "with a reason naming HRP_S" "this host is HRP_S"
check "fwB runs no rule x" sh -c "! '$HSBCTL' -s '$(ha_sock B)' show running-config | grep -q 'rule x '"
check "fwB counts the refusal" test "$(cfgv B "['edits_refused']")" -ge 1
check "fwB takes a local command" ctl B config "log level debug"

echo "-- a configuration fwB cannot run is refused whole, on both sides"
ctl A config "firewall zone z9" >/dev/null
check "the zone reaches fwB" wait_for 2 running_has B "firewall zone z9"
check "fwB moves a local interface into it" ctl B config "interface out0 zone z9"
UPS=$(cfgv A "['offers_sent']")
DISC=$(ctl A -j show hrp | json_get 'd["connection"]["disconnects"]')
ctl A config "undo firewall zone z9" \
	"security-policy rule late from trust to untrust protocol tcp destination-port 25 action deny" >/dev/null
check "fwA hears the refusal" wait_for 2 sh -c "[ \"\$('$HSBCTL' -s '$(ha_sock A)' -j show hrp | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"configuration\"][\"results_received\"][\"refused\"])')\" -ge 1 ]"
check "fwA shows why" sh -c "'$HSBCTL' -s '$(ha_sock A)' show hrp | grep -q \"peer refused: .*zone 'z9'.*interface out0 zone z9\""
check "fwB shows why" sh -c "'$HSBCTL' -s '$(ha_sock B)' show hrp | grep -q \"refused here: .*interface out0 zone z9\""
check "fwB applied none of it (still has the zone)" running_has B "firewall zone z9"
check "fwB has no rule late" sh -c "! '$HSBCTL' -s '$(ha_sock B)' show running-config | grep -q 'rule late '"
check "they differ, and say so" test "$(cfgv A "['in_sync']")" = False
check "the connection stayed up" test "$(ctl A -j show hrp | json_get 'd["connection"]["disconnects"]')" = "$DISC"
check "fwA offered once more" test "$(cfgv A "['offers_sent']")" -gt "$UPS"
check "fwB puts its interface back" ctl B config "interface out0 zone untrust"
check "hrp sync config from fwA" ctl A hrp sync config
check "now fwB runs it" wait_for 2 running_has B "${LINES[0]}"
check "and has rule late" wait_for 2 sh -c "'$HSBCTL' -s '$(ha_sock B)' show running-config | grep -q 'rule late '"
check "in sync again" wait_for 2 in_sync A
check_exit "hrp sync config is refused on HRP_S" 1 ctl B hrp sync config
last_has "naming the role" "HRP_S"

echo "-- standby-config: changes flow both ways"
for n in A B; do
	check "standby-config on fw$n" ctl "$n" config "hrp standby-config enable"
done
check "fwB now takes a backed-up command" ctl B config "security-policy rule fromb from trust to untrust protocol tcp destination-port 22 action permit"
check "and fwA runs it" wait_for 2 running_has A "security-policy rule fromb from trust to untrust protocol tcp destination-port 22 action permit"
check "in sync" wait_for 2 in_sync A
for n in A B; do
	ctl "$n" config "undo hrp standby-config enable" >/dev/null
done

echo "-- fwB restarted with its local lines only gets the whole policy"
ha_conf_vgmp B "$HELLO" | grep -v '^security-policy\|^nat \|^firewall ' >"$T_DIR/B-local.conf"
echo "hrp enable" >>"$T_DIR/B-local.conf"
check "fwB's restart configuration has no policy" sh -c "! grep -q '^security-policy' '$T_DIR/B-local.conf'"
ha_stop B
ha_start B "$T_DIR/B-local.conf" || exit 1
check "fwB standby again" wait_for 5 ha_vgmp_is B g1 standby
check "fwB runs fwA's policy" wait_for 5 running_has B "${LINES[0]}"
check "and the NAT binding to its VRID" running_has B "nat address-group pool1 vrrp vrid 20"
check "and its own lines" running_has B "sysname fw-b"
check "the same backed-up part as fwA" wait_for 3 in_sync B
A_BU=$(ctl A show running-config | grep -E '^(firewall (zone|blacklist|whitelist|session timeout)|security-policy|nat (address-group|policy|server))')
B_BU=$(ctl B show running-config | grep -E '^(firewall (zone|blacklist|whitelist|session timeout)|security-policy|nat (address-group|policy|server))')
check "show running-config equal on both for the backed-up part" test "$A_BU" = "$B_BU"
check "fwB's file got it, local lines kept" sh -c "grep -qxF '${LINES[0]}' '$T_DIR/B-local.conf' && grep -qxF 'sysname fw-b' '$T_DIR/B-local.conf'"
check "no frame was dropped" test "$(ctl B -j show hrp | json_get 'sum(d["configuration"]["frames_dropped"].values())')" = 0

hsb_test_done
