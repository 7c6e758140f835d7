#!/usr/bin/env bash
# hsbd in a namespace on a veth pair: control socket, hsbctl, config
# changes (atomic batches, bad input), save, SIGHUP reload, counters that
# move with real traffic, orderly stop with nothing left behind, and a
# --keep-datapath restart that adopts the running datapath.
. "$(dirname "$0")/lib.sh"
hsb_test_init daemon

new_netns fw || exit 1
FW=$NS
new_netns cl || exit 1
CL=$NS
ip link add hsbt0 netns "$FW" type veth peer name hsbt1 netns "$CL"
ip -n "$FW" addr add 10.99.0.1/24 dev hsbt0
ip -n "$CL" addr add 10.99.0.2/24 dev hsbt1
ip -n "$FW" link set hsbt0 up
ip -n "$CL" link set hsbt1 up

CONF=$T_DIR/hsbd.conf
cat >"$CONF" <<'CFG'
# a node of the integration test
sysname fw-a
interface hsbt0 zone trust
security-policy rule mgmt from trust to local action permit
CFG

ctl() { "$HSBCTL" -s "$A_SOCK" "$@"; }
xdp_attached() { ip -n "$FW" -d link show hsbt0 | grep -q 'prog/xdp'; }
prog_id() { ip -n "$FW" -d link show hsbt0 | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'; }

echo "-- start"
start_hsbd A "$FW" "$CONF" || exit 1
check "control socket is mode 0600" test "$(stat -c %a "$A_SOCK")" = 600
check "XDP program attached to hsbt0" xdp_attached
check "maps pinned" test -e "$A_PINS/hsb_stats" -a -e "$A_PINS/hsb_ifaces"
check "status answers" ctl status
last_has "status carries the node name" "[fw-a]"
check "status -j is JSON" sh -c "'$HSBCTL' -s '$A_SOCK' -j status | python3 -m json.tool"
last_has "JSON status has sysname" '"sysname": "fw-a"'

echo "-- running-config"
check "show running-config" ctl show running-config
last_has "running-config has the interface" "interface hsbt0 zone trust"
ctl show running-config >"$T_DIR/rc1.conf"
check "running-config output is itself a valid config" \
	"$HSBD" --check-config "$T_DIR/rc1.conf"
check "-j show running-config is valid JSON" \
	sh -c "'$HSBCTL' -s '$A_SOCK' -j show running-config | python3 -m json.tool"
last_has "JSON running-config classes commands" '"scope": "local"'

echo "-- traffic moves counters"
check "client pings the fw" ip netns exec "$CL" ping -c 3 -i 0.2 -W 1 10.99.0.1
check "show interfaces" ctl -j show interfaces
rx=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["interfaces"][0]["rx_packets"])' <"$T_DIR/last.out")
check "hsbt0 rx_packets >= 3 (got $rx)" test "${rx:-0}" -ge 3
check "bpftool reads the pinned per-interface stats" \
	bpftool -j map dump pinned "$A_PINS/hsb_if_stats"
check "show counters" ctl show counters
last_has "datapath counters listed" "rx_packets"

echo "-- configuration changes"
check "config sets sysname" ctl config 'sysname fw-b'
check "status" ctl status
last_has "new name in the prompt" "[fw-b]"
check_exit "typo refused" 1 ctl config 'sysnme fw-x'
last_has "typo names the column and a suggestion" "did you mean"
check_exit "missing interface refused" 1 ctl config 'interface hsbnope0'
last_has "missing interface is named" "hsbnope0"
check_exit "a batch with one bad line is refused whole" 1 \
	ctl config 'sysname fw-c' 'interface hsbt0 zone nosuchzone'
last_has "error points at line 2" ":2:"
check "status after refused batch" ctl status
last_has "refused batch changed nothing" "[fw-b]"
check "quick session backup accepted without a heartbeat link (it waits for one)" \
	ctl config 'hrp mirror session enable'
check "and undone" ctl config 'undo hrp mirror session enable'
check_exit "a vgmp group without the heartbeat link refused" 1 \
	ctl config 'vgmp group g1 priority 65001'
last_has "names what is missing" "hrp interface"
printf 'sysname fw-f\nlog level debug\n' >"$T_DIR/batch.conf"
check "config -f applies a file" ctl config -f "$T_DIR/batch.conf"
check "status" ctl status
last_has "file batch applied" "[fw-f]"
printf 'sysname fw-g\nlog level loud\n' >"$T_DIR/bad.conf"
check_exit "config -f with an error" 1 ctl config -f "$T_DIR/bad.conf"
last_has "error names file and line" "bad.conf:2:"

echo "-- save and reload"
check "save" ctl save
check "saved file has the change" grep -qx 'sysname fw-f' "$CONF"
check "saved file is valid" "$HSBD" --check-config "$CONF"
check "no temp files left by save" sh -c "[ \$(ls -A '$T_DIR' | grep -c '^hsbd.conf.') -eq 0 ]"
sed -i 's/^sysname .*/sysname fw-h/' "$CONF"
kill -HUP "$A_PID"
check "SIGHUP reloads the file" wait_for 5 sh -c "'$HSBCTL' -s '$A_SOCK' status | grep -qF '[fw-h]'"
printf 'sysname fw-i\ninterface hsbt0 zone\n' >"$CONF"
kill -HUP "$A_PID"
reload_failures() {
	ctl -j show counters | python3 -c 'import json,sys; print(json.load(sys.stdin)["config"]["reload_failures"])'
}
reload_failures_is() { [ "$(reload_failures)" = "$1" ]; }
check "bad file on SIGHUP is counted" wait_for 5 reload_failures_is 1
check "status" ctl status
last_has "bad file on SIGHUP keeps the running config" "[fw-h]"
check "XDP still attached after the bad reload" xdp_attached

echo "-- bad control input"
check_exit "unknown request refused" 1 ctl show nonsense
check "garbage on the socket gets an error line" sh -c \
	"printf 'config zz\n' | timeout 5 socat - UNIX-CONNECT:'$A_SOCK' | grep -q '^error'"
# a python client, not socat: hsbd answers and closes after 4096 bytes,
# and socat may die of EPIPE on the rest before it prints the answer
check "oversized request line refused" sh -c \
	"timeout 5 python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
try:
    s.sendall(b\"a\" * 5000 + b\"\\n\")
except OSError:
    pass
out = b\"\"
while True:
    try:
        b = s.recv(4096)
    except OSError:
        break
    if not b:
        break
    out += b
print(out.decode(errors=\"replace\"))
' '$A_SOCK' | grep -q 'longer than 4096'"
check "a silent client is dropped, daemon still serves" sh -c \
	"(sleep 7 | timeout 9 socat - UNIX-CONNECT:'$A_SOCK' >/dev/null &) ; '$HSBCTL' -s '$A_SOCK' status"
check_exit "hsbctl without a daemon exits 2" 2 "$HSBCTL" -s "$T_DIR/none.sock" status
printf 'sysname other\n' >"$T_DIR/other.conf"
check_exit "a second hsbd on the same socket refuses to start" 1 \
	ip netns exec "$FW" timeout 10 "$HSBD" -c "$T_DIR/other.conf" -s "$A_SOCK" -p "$A_BPFFS/hsb2"
last_has "and says why" "another hsbd"
check "first hsbd still serves" ctl status

echo "-- --check-config"
printf 'sysname ok\n\n# comment\nfirewall zone dmz2\ninterfce hsbt0\n' >"$T_DIR/typo.conf"
check_exit "--check-config rejects a typo" 1 "$HSBD" --check-config "$T_DIR/typo.conf"
last_has "and names line 5" "typo.conf:5:"
printf 'sysname ok\nvgmp group g1\n' >"$T_DIR/novgmplink.conf"
check_exit "--check-config rejects a vgmp group without the heartbeat link" 1 \
	"$HSBD" --check-config "$T_DIR/novgmplink.conf"
last_has "and says what is missing" "hrp interface IFNAME remote ADDR"

echo "-- an interface deleted and created again gets hsb_xdp back"
# a pool address on its subnet: answered for on hsbt0 (hsb_vaddrs)
check "a NAT pool on hsbt0's subnet" ctl config \
	'nat address-group p1 mode pat' \
	'nat address-group p1 section 10.99.0.50 10.99.0.50' \
	'nat policy rule r1 from trust to untrust action source-nat address-group p1'
vaddr_ifindex() {
	ip netns exec "$FW" bpftool -j map dump pinned "$A_PINS/hsb_vaddrs" |
		json_get '" ".join(str(e["formatted"]["key"]["ifindex"]) for e in d)'
}
old_ifindex=$(ip -n "$FW" -o link show hsbt0 | cut -d: -f1)
check "the pool address is bound to hsbt0 ($old_ifindex)" test "$(vaddr_ifindex)" = "$old_ifindex"
ip -n "$FW" link del hsbt0
ip link add hsbt0 netns "$FW" type veth peer name hsbt1 netns "$CL"
ip -n "$FW" addr add 10.99.0.1/24 dev hsbt0
ip -n "$CL" addr add 10.99.0.2/24 dev hsbt1
ip -n "$FW" link set hsbt0 up
ip -n "$CL" link set hsbt1 up
check "XDP attached again to the new hsbt0" wait_for 5 xdp_attached
check "show interfaces" ctl -j show interfaces
new_ifindex=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["interfaces"][0]["ifindex"])' <"$T_DIR/last.out")
check "the datapath follows the new ifindex ($old_ifindex -> $new_ifindex)" \
	test "$new_ifindex" != "$old_ifindex" -a "$new_ifindex" = "$(ip -n "$FW" -o link show hsbt0 | cut -d: -f1)"
check "the re-created link was logged" grep -q "re-created" "$A_LOG"
check "the pool address follows the new hsbt0" wait_for 2 sh -c \
	"test \"\$(ip netns exec '$FW' bpftool -j map dump pinned '$A_PINS/hsb_vaddrs' | python3 -c 'import json,sys; print(\" \".join(str(e[\"formatted\"][\"key\"][\"ifindex\"]) for e in json.load(sys.stdin)))')\" = '$new_ifindex'"
check "traffic is accounted on the new link" ip netns exec "$CL" ping -c 2 -i 0.2 -W 1 10.99.0.1

echo "-- orderly stop"
stop_hsbd "$A_PID" TERM
check "SIGTERM: exit 0 (got $STOP_RC)" test "$STOP_RC" = 0
check "XDP detached" sh -c "! ip -n '$FW' -d link show hsbt0 | grep -q prog/xdp"
check "pins removed" test ! -e "$A_PINS"
check "socket removed" test ! -e "$A_SOCK"

echo "-- keep-datapath restart"
printf 'sysname fw-k\ninterface hsbt0 zone trust\nsecurity-policy rule mgmt from trust to local action permit\n' >"$CONF"
start_hsbd A "$FW" "$CONF" --keep-datapath || exit 1
ip netns exec "$CL" ping -c 2 -i 0.2 -W 1 10.99.0.1 >/dev/null
id1=$(prog_id)
stop_hsbd "$A_PID" TERM
check "stop with --keep-datapath: exit 0 (got $STOP_RC)" test "$STOP_RC" = 0
check "XDP stays attached" xdp_attached
check "maps stay pinned" test -e "$A_PINS/hsb_ifaces"
check "pinned interface map still has hsbt0" \
	sh -c "bpftool map dump pinned '$A_PINS/hsb_ifaces' | grep -q slot"
start_hsbd A "$FW" "$CONF" || exit 1
id2=$(prog_id)
check "restart replaced the program ($id1 -> $id2)" test -n "$id2" -a "$id1" != "$id2"
check "restart logged the adoption" grep -q "adopting" "$A_LOG"
check "show interfaces" ctl -j show interfaces
rx=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["interfaces"][0]["rx_packets"])' <"$T_DIR/last.out")
check "stats survived the restart (rx_packets $rx >= 2)" test "${rx:-0}" -ge 2
stop_hsbd "$A_PID" TERM
check "final stop: exit 0 (got $STOP_RC)" test "$STOP_RC" = 0
check "final stop cleans up" sh -c "! ip -n '$FW' -d link show hsbt0 | grep -q prog/xdp && test ! -e '$A_PINS'"

hsb_test_done
