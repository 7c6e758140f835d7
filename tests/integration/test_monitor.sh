#!/usr/bin/env bash
# hsbctl monitor: a -j monitor started before a configuration change that
# adds a VRRP instance (alone on its LAN: it becomes master) sees the
# change and the transitions as JSON lines with their fields, outlives the
# 5 s request deadline, and ends on SIGINT with status 0 and nothing on
# stderr; the human form says the same; a read-only client (the socket's
# group) may monitor and sees no configuration text; the 9th monitor is
# refused with a reason; a monitor that does not read does not hold hsbd
# up (status answers at once while it sits, its queue full), loses the
# lines that do not fit, counted, and is told how many with the next
# line it gets. About 30 s here.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vrrp_lib.sh"
hsb_test_init monitor

vrrp_lan || exit 1
vrrp_node a 10.77.0.1/24 || exit 1
NA=$NS
ip -n "$LAN" addr add 10.77.0.50/24 dev br0
VIP=10.77.0.100
cat >"$T_DIR/a.conf" <<'CFG'
sysname fw-mon
interface eth0 zone trust
security-policy rule lan from trust to local action permit
CFG
start_hsbd A "$NA" "$T_DIR/a.conf" --socket-group nogroup || exit 1
ctl() { "$HSBCTL" -s "$A_SOCK" "$@"; }
chmod 0711 "$T_DIR"

# mon_start NAME COMMAND...: COMMAND monitor (hsbctl, or setpriv running
# it: a program, so that MON_PID is the process SIGINT goes to) into
# $T_DIR/NAME.out (.err), waiting for its first line; sets MON_PID.
mon_start() {
	local name=$1
	shift
	"$@" monitor >"$T_DIR/$name.out" 2>"$T_DIR/$name.err" &
	MON_PID=$!
	T_PIDS+=("$MON_PID")
	wait_for 5 grep -q "monitor" "$T_DIR/$name.out"
}
# mon_stop PID: SIGINT, wait; sets MON_RC
mon_stop() {
	kill -INT "$1"
	MON_RC=timeout
	for _ in $(seq 50); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$1" 2>/dev/null || {
		wait "$1"
		MON_RC=$?
	}
}

echo "-- a config change and a VRRP transition, as JSON lines"
check "-j monitor starts" mon_start json "$HSBCTL" -s "$A_SOCK" -j
J_PID=$MON_PID
check "a read-only client may monitor" mon_start ro \
	setpriv --reuid nobody --regid nogroup --clear-groups "$HSBCTL" -s "$A_SOCK" -j
R_PID=$MON_PID
check "human monitor starts" mon_start human "$HSBCTL" -s "$A_SOCK"
H_PID=$MON_PID
# past the 5 s every request must finish in
sleep 6
check "monitors outlive the request deadline" kill -0 "$J_PID"
check "config adds a VRRP instance" ctl config \
	"vrrp vrid 10 interface eth0 virtual-ip $VIP/24 priority 100 advert-interval 10"
check "the instance becomes master" wait_for 5 vrrp_state_is "$A_SOCK" 10 master
check "the monitor sees the transition to master" \
	wait_for 5 grep -q '"to":"master"' "$T_DIR/json.out"
check "and the group going active" \
	wait_for 5 grep -q '"state":"active"' "$T_DIR/json.out"
# traffic to the firewall itself: sessions, counted once a second
ping -c 3 -i 0.2 -W 1 10.77.0.1 >/dev/null 2>&1 ||
	ip netns exec "$LAN" ping -c 3 -i 0.2 -W 1 10.77.0.1 >/dev/null 2>&1
check "a datapath summary line" \
	wait_for 5 grep -q '"kind":"datapath"' "$T_DIR/json.out"
check "the read-only monitor sees the transition too" \
	wait_for 5 grep -q '"to":"master"' "$T_DIR/ro.out"
check "the human monitor too" wait_for 5 grep -q "vrrp 10 eth0: backup -> master" "$T_DIR/human.out"
for p in "$J_PID:json" "$R_PID:ro" "$H_PID:human"; do
	mon_stop "${p%%:*}"
	check "${p#*:} monitor: SIGINT ends it with status 0" test "$MON_RC" = 0
	check "${p#*:} monitor: nothing on stderr" test ! -s "$T_DIR/${p#*:}.err"
done
check "every line is a JSON object with time and kind" python3 - "$T_DIR/json.out" <<'PY'
import json, re, sys
kinds = {}
for n, line in enumerate(open(sys.argv[1]), 1):
    ev = json.loads(line)
    assert isinstance(ev, dict), n
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", ev["time"]), ev
    kinds.setdefault(ev["kind"], []).append(ev)
first = json.loads(open(sys.argv[1]).readline())
assert first["kind"] == "monitor" and first["event"] == "start", first
assert first["sysname"] == "fw-mon", first
cfg = kinds["config"]
assert len(cfg) == 1, cfg
c = cfg[0]
assert c["origin"] == "operator" and isinstance(c["generation"], int), c
assert c["changed"] == ["vrrp vrid"] and c["added"] == 1 and c["removed"] == 0, c
assert "virtual-ip" not in json.dumps(c), c  # what changed, never the text
v = [e for e in kinds["vrrp"] if e["to"] == "master"]
assert v, kinds["vrrp"]
v = v[-1]
assert v["vrid"] == 10 and v["interface"] == "eth0" and v["family"] == "ipv4", v
assert v["from"] == "backup" and v["priority"] == 100 and v["reason"], v
g = [e for e in kinds["group"] if e["state"] == "active"]
assert g and g[-1]["group"] == "vrrp 10 eth0", kinds["group"]
d = kinds["datapath"][0]
assert d["sessions_created"] > 0 and d["interval_ms"] > 0, d
assert "dropped" not in json.dumps(kinds.get("monitor", [])[1:]), kinds["monitor"]
PY
check "the read-only stream has the config line, without text" python3 - "$T_DIR/ro.out" <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
c = [e for e in evs if e["kind"] == "config"]
assert c and c[0]["changed"] == ["vrrp vrid"], c
PY
check "human lines: time, kind, text" grep -qE \
	'^[0-9-]{10}T[0-9:.]{12}Z config +applied, from operator, generation [0-9]+: vrrp vrid \(\+1 -0 lines\)$' \
	"$T_DIR/human.out"

echo "-- at most 8 monitors; one that does not read holds nothing up"
# a monitor that reads nothing until $T_DIR/go exists, then everything
# that came, into $T_DIR/slow.out
python3 -c '
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"monitor\n")
while not os.path.exists(sys.argv[2]):
    time.sleep(0.1)
# until the line after a "dropped" one (at most 20 s)
s.settimeout(20)
data = b""
try:
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
        i = data.find(b"\"event\":\"dropped\"")
        if i >= 0 and data.count(b"\n", i) >= 2:
            break
except socket.timeout:
    pass
open(sys.argv[3], "wb").write(data)
' "$A_SOCK" "$T_DIR/go" "$T_DIR/slow.out" &
SLOW=$!
T_PIDS+=("$!")
PIDS=()
for i in 1 2 3 4 5 6 7; do
	mon_start "m$i" "$HSBCTL" -s "$A_SOCK" -j || not_ok "monitor $i starts"
	PIDS+=("$MON_PID")
done
streams_are() {
	[ "$(ctl -j show counters | json_get 'd["control"]["streams"]')" = "$1" ]
}
check "8 monitors (7 hsbctl, 1 that does not read)" wait_for 5 streams_are 8
check_exit "the 9th is refused: exit 1" 1 timeout 10 "$HSBCTL" -s "$A_SOCK" monitor
last_has "with a reason" "hsbctl: busy: too many monitors (at most 8 at once)"
for i in $(seq 20); do
	ctl config "vrrp vrid 10 interface eth0 virtual-ip $VIP/24 priority $((100 + i)) advert-interval 10" >/dev/null ||
		not_ok "config change $i"
done
check "status answers within 2 s beside a monitor that does not read" \
	timeout 3 "$HSBCTL" -s "$A_SOCK" -t 2000 status
check "every reading monitor got the 20 changes" wait_for 5 sh -c \
	"for i in 1 2 3 4 5 6 7; do [ \$(grep -c '\"kind\":\"config\"' \"$T_DIR/m\$i.out\") -eq 20 ] || exit 1; done"
for p in "${PIDS[@]}"; do
	mon_stop "$p"
	[ "$MON_RC" = 0 ] || not_ok "monitor $p: SIGINT status $MON_RC"
done
ok "7 monitors stopped by SIGINT"

echo "-- a full queue: lines dropped, counted, and said"
# 3000 configuration changes, each one line (about 130 bytes) to the
# monitor that does not read: more than its 256 KiB queue and the
# socket's buffer hold. Sent by one process over the socket, not 3000
# hsbctl: the point is volume. About 10 s here; hsbd closes a monitor
# that took nothing for 60 s while lines waited, and a much slower build
# (ASan) may get there: the check on streams_stalled then says so.
check "3000 configuration changes" timeout 120 python3 - "$A_SOCK" "$VIP" <<'PY'
import socket, sys
for i in range(3000):
    body = ("vrrp vrid 10 interface eth0 virtual-ip %s/24 priority %d advert-interval 10\n"
            % (sys.argv[2], 150 + i % 2)).encode()
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    s.sendall(b"config %d flood\n" % len(body) + body)
    reply = b""
    while True:
        b = s.recv(4096)
        if not b:
            break
        reply += b
    s.close()
    assert reply.startswith(b"ok"), reply
PY
check "status answers within 2 s beside a full monitor" \
	timeout 3 "$HSBCTL" -s "$A_SOCK" -t 2000 status
check "hsbd counted the lines it dropped" test \
	"$(ctl -j show counters | json_get 'd["control"]["stream_lines_dropped"]')" -gt 0
check "the monitor that does not read is still open (not stalled 60 s)" test \
	"$(ctl -j show counters | json_get 'd["control"]["streams_stalled"]')" = 0
touch "$T_DIR/go"
sleep 1
# the next line after the drops: the one that says how many comes first
ctl config "vrrp vrid 10 interface eth0 virtual-ip $VIP/24 priority 120 advert-interval 10"
wait "$SLOW"
check "the slow monitor then reads a \"dropped\" line, and the lines after" \
	python3 - "$T_DIR/slow.out" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().split("\n")
assert lines[0] == "ok", lines[:2]
evs = [json.loads(l) for l in lines[1:] if l]
drops = [i for i, e in enumerate(evs) if e.get("event") == "dropped"]
assert len(drops) == 1, drops
d = evs[drops[0]]
assert d["kind"] == "monitor" and d["dropped"] > 0, d
configs = [e for e in evs if e["kind"] == "config"]
# the 20 before, of the 3000 those that fitted, and the one after, in order
assert len(configs) + d["dropped"] >= 3021, (len(configs), d)
gens = [e["generation"] for e in configs]
assert gens == sorted(gens), gens
assert drops[0] < len(evs) - 1, "a line follows the notice"
print("  ", len(configs), "config lines read,", d["dropped"], "dropped")
PY
cat "$T_DIR/last.out"
check "a monitor ends when hsbd stops" mon_start final "$HSBCTL" -s "$A_SOCK" -j
L_PID=$MON_PID
stop_hsbd "$A_PID"
check "hsbd stopped cleanly" test "$STOP_RC" = 0
wait "$L_PID"
L_RC=$?
check "the monitor then exits 2 (hsbd gone)" test "$L_RC" = 2
check "and says so" grep -q "hsbd ended the monitor" "$T_DIR/final.err"
hsb_test_done
