#!/usr/bin/env bash
# Least privilege and secrets. hsbd started with exactly the capabilities
# it needs (CAP_BPF CAP_PERFMON CAP_NET_ADMIN CAP_NET_RAW, no
# CAP_SYS_ADMIN) runs the datapath, forwards, becomes VRRP master and
# stops clean; with any one of them taken away it refuses to start and
# names it. Started as plain root it keeps only that set (plus
# CAP_SYS_ADMIN). The HRP key never shows in the log (at debug level),
# /metrics, errors or hsbctl output to a --socket-group member, who may
# only look; others are refused; hsbctl save writes 0600 and a config
# file others may read is warned about.
. "$(dirname "$0")/lib.sh"
hsb_test_init privs

for t in setpriv curl; do
	if ! command -v "$t" >/dev/null; then
		echo "  FAIL $t missing: scripts/install-deps.sh"
		exit 1
	fi
done

line_topology || exit 1

KEY='Pr1vs-t3st-KEY-4f1c'
KEY2='Pr1vs-n3w-KEY-9b2e'
PORT=9431
CONF=$T_DIR/hsbd.conf
cat >"$CONF" <<CFG
sysname fw-p
interface f0 zone trust
interface f1 zone untrust
security-policy rule out from trust to untrust action permit
security-policy rule mgmt from trust to local action permit
vrrp vrid 10 interface f0 virtual-ip 10.1.0.254/24 priority 150 advert-interval 10
metrics listen 127.0.0.1 $PORT
hrp authentication-key "$KEY"
CFG
chmod 0644 "$CONF"
SOCK=$T_DIR/fw.sock
LOG=$T_DIR/fw.log
new_bpffs fw || exit 1
PINS=$BPFFS/hsb
NEED=bpf,perfmon,net_admin,net_raw

ctl() { "$HSBCTL" -s "$SOCK" "$@"; }
xdp_on() { ip -n "$FW" -d link show "$1" | grep -q 'prog/xdp'; }
capline() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status"; }
# start_fw CAPS [ARGS...]: hsbd in fw with only CAPS (setpriv list, e.g.
# +bpf,+net_raw), or as plain root when CAPS is "root"; sets PID. Returns
# once the socket is there, or hsbd has exited (then 1). The bounding set
# alone would not do: root gets every capability of its bounding set at
# exec; inheritable and ambient are cleared too, so the bounding set is
# all hsbd can have.
start_fw() {
	local caps=$1
	shift
	rm -f "$SOCK"
	: >"$LOG"
	if [ "$caps" = root ]; then
		ip netns exec "$FW" "$HSBD" -d -c "$CONF" -s "$SOCK" -p "$PINS" \
			"$@" >>"$LOG" 2>&1 &
	else
		ip netns exec "$FW" setpriv --bounding-set "-all${caps:+,}$caps" \
			--inh-caps -all --ambient-caps -all \
			"$HSBD" -d -c "$CONF" -s "$SOCK" -p "$PINS" "$@" >>"$LOG" 2>&1 &
	fi
	PID=$!
	T_PIDS+=("$PID")
	for _ in $(seq 100); do
		[ -S "$SOCK" ] && return 0
		kill -0 "$PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
vrrp_master() { ctl show vrrp brief | grep -q ' master '; }
rx_f0() { ctl -j show interfaces | json_get '[i["rx_packets"] for i in d["interfaces"] if i["name"] == "f0"][0]'; }

echo "-- exactly $NEED (no CAP_SYS_ADMIN)"
check "hsbd starts with only $NEED" start_fw "+${NEED//,/,+}"
# bits 12 net_admin, 13 net_raw, 38 perfmon, 39 bpf
check "effective set is exactly those four (CapEff $(capline "$PID" CapEff))" \
	test "$(capline "$PID" CapEff)" = 000000c000003000
check "XDP attached to f0 and f1" sh -c "ip -n '$FW' -d link show f0 | grep -q prog/xdp && ip -n '$FW' -d link show f1 | grep -q prog/xdp"
check "client reaches the server through fw" \
	ip netns exec "$CL" ping -c 3 -i 0.2 -W 1 10.2.0.2
rx=$(rx_f0)
check "through the XDP datapath (f0 rx_packets $rx >= 3)" test "${rx:-0}" -ge 3
check "VRRP master (raw sockets work)" wait_for 5 vrrp_master
stop_hsbd "$PID" TERM
check "SIGTERM: exit 0 (got $STOP_RC)" test "$STOP_RC" = 0
check "XDP detached without CAP_SYS_ADMIN" sh -c "! ip -n '$FW' -d link show | grep -q prog/xdp"
check "pins removed" test ! -e "$PINS"

for drop in bpf perfmon net_admin net_raw; do
	echo "-- without cap_$drop"
	caps=$(echo ",$NEED" | sed "s/,$drop//; s/^,//; s/,/,+/g")
	start_fw "+$caps"
	check "hsbd does not start" test ! -S "$SOCK"
	stop_hsbd "$PID" TERM
	check "exit 1, not a crash (got $STOP_RC)" test "$STOP_RC" = 1
	up=$(echo "$drop" | tr a-z A-Z)
	check "the error names CAP_$up" grep -q "error: missing capability CAP_$up (" "$LOG"
	check "nothing left attached or pinned" sh -c "! ip -n '$FW' -d link show | grep -q prog/xdp && test ! -e '$PINS'"
done

echo "-- a kept datapath is adopted only with CAP_SYS_ADMIN"
check "root hsbd --keep-datapath starts" start_fw root --keep-datapath
stop_hsbd "$PID" TERM
check "and leaves XDP attached (exit $STOP_RC)" xdp_on f0
start_fw "+${NEED//,/,+}" --keep-datapath
check "without CAP_SYS_ADMIN the new hsbd does not start" test ! -S "$SOCK"
stop_hsbd "$PID" TERM
check "exit 1 (got $STOP_RC)" test "$STOP_RC" = 1
check "and says what is missing" grep -q "error: interface f0: cannot open the XDP program attached (id [0-9]*): Operation not permitted (adopting an earlier hsbd's program needs CAP_SYS_ADMIN)" "$LOG"
check "the kept datapath still forwards" ip netns exec "$CL" ping -c 2 -i 0.2 -W 1 10.2.0.2
check "maps still pinned" test -e "$PINS/hsb_ifaces"
check "with CAP_SYS_ADMIN it is adopted" start_fw "+${NEED//,/,+},+sys_admin"
check "adopted, not replaced blindly" grep -q "adopting hsb_xdp left by an earlier hsbd" "$LOG"
stop_hsbd "$PID" TERM
check "and stops clean (got $STOP_RC)" sh -c "[ '$STOP_RC' = 0 ] && ! ip -n '$FW' -d link show | grep -q prog/xdp && test ! -e '$PINS'"

echo "-- the deploy files grant that set"
TOP=$(dirname "$0")/../..
unit_caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$TOP/deploy/systemd/hsbd.service" |
	tr ' ' '\n' | sed 's/^CAP_/+/' | tr 'A-Z' 'a-z' | paste -sd, -)
check "hsbd starts with the unit's bounding set ($unit_caps)" start_fw "$unit_caps"
stop_hsbd "$PID" TERM
check "and stops clean (got $STOP_RC)" test "$STOP_RC" = 0
ds_caps=$(sed -n 's/^ *add: \[\(.*\)\]/\1/p' "$TOP/deploy/kubernetes/hsbd-daemonset.yaml" | tr -d '" ')
check "the DaemonSet adds each of them (add: $ds_caps)" sh -c "
	for c in BPF PERFMON NET_ADMIN NET_RAW; do
		echo ',$ds_caps,' | grep -q \",\$c,\" || exit 1
	done"
check "and drops ALL first" grep -q '^ *drop: \["ALL"\]' "$TOP/deploy/kubernetes/hsbd-daemonset.yaml"
check "and is not privileged" grep -q '^ *privileged: false' "$TOP/deploy/kubernetes/hsbd-daemonset.yaml"

echo "-- --socket-group needs CAP_CHOWN, at start only"
start_fw "+${NEED//,/,+}" -g nogroup
check "without it: no start" test ! -S "$SOCK"
stop_hsbd "$PID" TERM
check "exit 1 (got $STOP_RC)" test "$STOP_RC" = 1
check "the error names CAP_CHOWN" grep -q "error: missing capability CAP_CHOWN (--socket-group" "$LOG"
check "with it: hsbd starts" start_fw "+${NEED//,/,+},+chown" -g nogroup
check "and has dropped it once started (CapEff $(capline "$PID" CapEff))" \
	test "$(capline "$PID" CapEff)" = 000000c000003000
check "socket is mode 0660, group nogroup" test "$(stat -c '%a %G' "$SOCK")" = "660 nogroup"
stop_hsbd "$PID" TERM
check "stop: exit 0 (got $STOP_RC)" test "$STOP_RC" = 0

echo "-- as plain root: everything else dropped"
check "hsbd starts as root" start_fw root -g nogroup
# and bit 21, sys_admin
check "effective = permitted = bounding = the four + CAP_SYS_ADMIN" sh -c "
	for f in CapEff CapPrm CapBnd; do
		[ \"\$(sed -n \"s/^\$f:[[:space:]]*//p\" /proc/$PID/status)\" = 000000c000203000 ] || exit 1
	done"
check "no inheritable or ambient capabilities" sh -c "
	grep -q '^CapInh:[[:space:]]*0000000000000000' /proc/$PID/status &&
	grep -q '^CapAmb:[[:space:]]*0000000000000000' /proc/$PID/status"

echo "-- secrets"
check "warned: the file holding the key is mode 0644" \
	grep -q "hsbd.conf holds hrp authentication-key but is mode 0644.*chmod 600" "$LOG"
check "root sees the key in show running-config" ctl show running-config
last_has "in clear" "$KEY"
check "hsbctl config changes the key" ctl config "hrp authentication-key \"$KEY2\""
check_exit "a key one character too long is refused" 1 \
	ctl config "hrp authentication-key \"$KEY2$KEY2$KEY2$KEY2-\""
if grep -qF "$KEY2" "$T_DIR/last.out"; then
	not_ok "the refusal does not quote the key"
else
	ok "the refusal does not quote the key"
fi
check "save" ctl save
check "the saved file is mode 0600" test "$(stat -c %a "$CONF")" = 600
kill -HUP "$PID"
check "reloaded" wait_for 5 grep -q "reloaded $CONF" "$LOG"
check "no warning for the 0600 file on reload" sh -c "[ \$(grep -c 'holds hrp authentication-key' '$LOG') -eq 1 ]"
check "socket is mode 0660, group nogroup" test "$(stat -c '%a %G' "$SOCK")" = "660 nogroup"
chmod 0711 "$T_DIR"
as_member() { setpriv --reuid nobody --regid nogroup --clear-groups "$HSBCTL" -s "$SOCK" "$@"; }
as_supp() { setpriv --reuid nobody --regid 54321 --groups nogroup "$HSBCTL" -s "$SOCK" "$@"; }
as_other() { setpriv --reuid nobody --regid 54321 --clear-groups "$HSBCTL" -s "$SOCK" "$@"; }
check "a group member may run status" as_member status
check "a group member may show running-config" as_member show running-config
last_has "the key is masked" "hrp authentication-key ******"
check "and nowhere in clear (text)" sh -c "! grep -qF -e '$KEY2' -e '$KEY' '$T_DIR/last.out'"
check "-j show running-config" as_member -j show running-config
check "and not in the JSON" sh -c "! grep -qF -e '$KEY2' -e '$KEY' '$T_DIR/last.out'"
check "a member by supplementary group may run status" as_supp status
check_exit "a group member may not change the configuration" 1 \
	as_member config 'sysname pwned'
last_has "permission denied, and why" "permission denied: members of the control socket's group may only run show, status and monitor"
check_exit "nor save" 1 as_member save
check_exit "nor switch over" 1 as_member switchover
check "the configuration is unchanged" ctl status
last_has "still fw-p" "[fw-p]"
check_exit "a user outside the group cannot connect (socket mode)" 2 as_other status
last_has "told so" "Permission denied"
# the socket file is the first gate; SO_PEERCRED is the second, for a
# socket made wider by mistake (or a path the mode does not protect)
chmod 0666 "$SOCK"
refused() { ctl -j show counters | json_get 'd["control"]["refused_peers"]'; }
before=$(refused)
check_exit "with the socket opened up, hsbd itself refuses the outsider" 1 as_other status
last_has "permission denied" "hsbctl: permission denied"
check "counted in refused_peers ($before -> $(refused))" test "$(refused)" -eq $((before + 1))
check "/metrics answers" ip netns exec "$FW" curl -sf "http://127.0.0.1:$PORT/metrics"
check "and does not carry the key" sh -c "! grep -qF -e '$KEY2' -e '$KEY' '$T_DIR/last.out'"
stop_hsbd "$PID" TERM
check "stop: exit 0 (got $STOP_RC)" test "$STOP_RC" = 0
check "the debug log never shows a key" sh -c "! grep -qF -e '$KEY2' -e '$KEY' '$LOG'"
check "(the log is the debug one)" grep -q "debug: control: config" "$LOG"

hsb_test_done
