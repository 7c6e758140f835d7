#!/usr/bin/env bash
# The Prometheus endpoint (`metrics listen`): client -- fw -- server, hsbd
# on fw with a VRRP instance alone on f0 (it becomes master after its
# Master_Down_Interval) and `metrics listen 127.0.0.1 PORT` in fw's
# namespace. Scrapes /metrics with curl and checks it with
# `promtool check metrics` (no lint complaint); /healthz, /readyz 503
# before the VRRP state is decided and 200 after; the VRRP state gauge,
# sessions after a ping through, datapath counters moving; hsbctl status
# answering during 50 parallel scrapes; a VGMP group and HRP added at run
# time, then a peer hsbd across a heartbeat veth (peer up and priority,
# HRP connected, batch backup received, standby ready); a rebind to
# another port, a refused rebind (port taken) that keeps the old one, a
# wider address on the same port, IPv6, `undo`.
. "$(dirname "$0")/lib.sh"
hsb_test_init metrics

for t in curl promtool; do
	if ! command -v "$t" >/dev/null; then
		echo "  FAIL $t missing: scripts/install-deps.sh (curl, prometheus)"
		echo "metrics: 0 passed, 1 failed"
		exit 1
	fi
done

line_topology || exit 1

PORT=9417
PORT2=9418
CONF=$T_DIR/hsbd.conf
# advert-interval 100 cs: Master_Down_Interval ~3.6 s, time to see
# /readyz answer 503 first
cat >"$CONF" <<CFG
sysname fw
interface f0 zone trust
interface f1 zone untrust
security-policy rule out from trust to untrust action permit
security-policy rule mgmt from trust to local action permit
nat address-group pool1 mode pat section 10.2.0.50 10.2.0.51
vrrp vrid 7 interface f0 virtual-ip 10.1.0.100/24 priority 120 advert-interval 100
metrics listen 127.0.0.1 $PORT
CFG

ctl() { "$HSBCTL" -s "$A_SOCK" "$@"; }
get() { # PATH [PORT]: prints the body; curl's exit status
	ip netns exec "$FW" curl -sS --max-time 5 \
		"http://127.0.0.1:${2:-$PORT}$1"
}
code() { # PATH: the HTTP status
	ip netns exec "$FW" curl -s -o /dev/null -w '%{http_code}' \
		--max-time 5 "http://127.0.0.1:$PORT$1"
}
code_is() { [ "$(code "$1")" = "$2" ]; }
# sample NAME{LABELS}: the value of one sample of the last scrape
sample() {
	get /metrics | awk -v k="$1" '$1 == k { print $2; found = 1 }
		END { exit !found }'
}
sample_is() { [ "$(sample "$1")" = "$2" ]; }
sample_gt() { # NAME GE
	local v
	v=$(sample "$1") || return 1
	awk -v v="$v" -v n="$2" 'BEGIN { exit !(v + 0 > n + 0) }'
}

check "the config is valid" "$HSBD" --check-config "$CONF"
start_hsbd A "$FW" "$CONF" || exit 1
check "/healthz answers 200" code_is /healthz 200
check "/readyz answers 503 while VRRP has no master" code_is /readyz 503
get /readyz >"$T_DIR/readyz.out" 2>&1
check "/readyz says why" grep -q "vrrp" "$T_DIR/readyz.out"
# initialize until the instance starts (the control socket may answer
# first), then backup for the master-down interval (3.6 s here)
check "the VRRP state gauge says backup" wait_for 3 \
	sample_is 'hsb_vrrp_state{vrid="7",interface="f0",family="ipv4",state="backup"}' 1
check "VRRP becomes master" wait_for 10 sample_is \
	'hsb_vrrp_state{vrid="7",interface="f0",family="ipv4",state="master"}' 1
check "/readyz answers 200 once decided" code_is /readyz 200
check "a transition by master_down is counted" sample_is \
	'hsb_vrrp_transitions_total{vrid="7",interface="f0",family="ipv4",reason="master-down-timer"}' 1

echo "-- promtool"
get /metrics >"$T_DIR/scrape.txt"
check "promtool check metrics passes with no complaint" \
	sh -c "promtool check metrics <'$T_DIR/scrape.txt'"
check "promtool printed nothing" test ! -s "$T_DIR/last.out"
echo "   $(grep -c '^# TYPE' "$T_DIR/scrape.txt") families, $(grep -vc '^#' "$T_DIR/scrape.txt") samples, $(wc -c <"$T_DIR/scrape.txt") bytes"
check "content type is the text format 0.0.4" sh -c \
	"ip netns exec '$FW' curl -s -D - -o /dev/null http://127.0.0.1:$PORT/metrics | grep -qi 'content-type: text/plain; version=0.0.4'"
check "unknown path: 404" code_is /nope 404
check "POST refused: 405" sh -c "[ \"\$(ip netns exec '$FW' curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:$PORT/metrics)\" = 405 ]"

echo "-- values follow traffic"
before=$(sample hsb_datapath_received_packets_total)
check "ping through the firewall" ip netns exec "$CL" ping -c 3 -i 0.2 -W 1 10.2.0.2
check "received packets grew" sample_gt hsb_datapath_received_packets_total "$before"
check "the ICMP session shows after a sweeper pass" wait_for 10 sample_gt \
	'hsb_sessions{protocol="icmp",state="replied"}' 0
check "per-interface packets on f0" sample_gt \
	'hsb_interface_received_packets_total{interface="f0",zone="trust"}' 0
check "session table capacity exported" sample_gt hsb_session_table_capacity 0
check "reconcile passes counted" sample_gt hsb_reconcile_passes_total 0
check "NAT pool addresses" sample_is \
	'hsb_nat_pool_addresses{group="pool1",mode="pat"}' 2
check "a drop reason exported" sample 'hsb_datapath_drops_total{reason="policy_default_deny"}'

echo "-- a scrape does not stall the loop"
# status_ms: one hsbctl status, its wall time in ms on stdout
status_ms() {
	local t0 t1
	t0=$(date +%s%N)
	ctl status >/dev/null || return 1
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}
idle=()
for _ in 1 2 3 4 5; do idle+=("$(status_ms)"); done
# one curl process, 50 connections at once, again and again until the
# timings are taken (bounded: 200 rounds)
urls=()
for _ in $(seq 50); do urls+=("http://127.0.0.1:$PORT/metrics"); done
# shellcheck disable=SC2016 # expanded by the inner sh
ip netns exec "$FW" sh -c 'for r in $(seq 200); do
	[ -e "$0" ] && exit 0
	curl -s -Z --parallel-max 50 --max-time 10 "$@" >/dev/null 2>&1 ||
		exit 1
done' "$T_DIR/stop-scraping" "${urls[@]}" &
SCRAPER=$!
T_PIDS+=("$SCRAPER")
sleep 0.3
busy=()
fails=0
for _ in $(seq 10); do
	if v=$(status_ms); then busy+=("$v"); else fails=$((fails + 1)); fi
done
check "the scrapes went on during all the timings" kill -0 "$SCRAPER"
touch "$T_DIR/stop-scraping"
check "hsbctl status answered every time during 50 parallel scrapes" \
	test "$fails" = 0
check "the scraper finished without error" wait "$SCRAPER"
echo "   hsbctl status ms, idle: ${idle[*]}; during 50 parallel scrapes: ${busy[*]}"
check "scrapes served" sample_gt hsb_metrics_scrapes_total 50
echo "   scrapes served so far: $(sample hsb_metrics_scrapes_total)"
echo "   collection time of a scrape: $(sample hsb_metrics_last_scrape_duration_seconds) s"

echo "-- VGMP and HRP families"
ip link add hb0 netns "$FW" type veth peer name hb0 netns "$CL" || exit 1
ip -n "$FW" addr add 10.98.0.1/30 dev hb0
ip -n "$CL" addr add 10.98.0.2/30 dev hb0
ip -n "$FW" link set hb0 up
ip -n "$CL" link set hb0 up
check "add a VGMP group and HRP (no peer)" ctl config \
	'hrp interface hb0 remote 10.98.0.2 local 10.98.0.1' \
	'hrp authentication-key "metrics-test"' 'hrp enable' \
	'vgmp group g1 priority 65001 hello-interval 100'
check "the group state gauge: standby or active" wait_for 5 sh -c \
	"ip netns exec '$FW' curl -s http://127.0.0.1:$PORT/metrics | grep -Eq '^hsb_vgmp_state\\{group=\"g1\",state=\"(standby|active)\"\\} 1'"
check "alone, the group becomes active" wait_for 10 sample_is \
	'hsb_vgmp_state{group="g1",state="active"}' 1
check "no peer heard" sample_is 'hsb_vgmp_peer_up{group="g1"}' 0
check "HRP not connected" sample_is hsb_hrp_connected 0
check "group transition by no-peer counted" sample_gt \
	'hsb_vgmp_transitions_total{group="g1",reason="no-peer"}' 0
get /metrics >"$T_DIR/scrape2.txt"
check "promtool still silent with VGMP and HRP families" \
	sh -c "promtool check metrics <'$T_DIR/scrape2.txt'"
check "promtool printed nothing" test ! -s "$T_DIR/last.out"
echo "   $(grep -c '^# TYPE' "$T_DIR/scrape2.txt") families, $(grep -vc '^#' "$T_DIR/scrape2.txt") samples, $(wc -c <"$T_DIR/scrape2.txt") bytes"
check "/readyz 200 (group active)" code_is /readyz 200

echo "-- a peer: hsbd B across hb0 (in the client's namespace)"
cat >"$T_DIR/b.conf" <<CFG
sysname fw-b
hrp interface hb0 remote 10.98.0.1 local 10.98.0.2
hrp authentication-key "metrics-test"
hrp enable
vgmp group g1 priority 65000 hello-interval 100
metrics listen 127.0.0.1 $PORT
CFG
bget() { ip netns exec "$CL" curl -sS --max-time 5 "http://127.0.0.1:$PORT$1"; }
bsample_is() {
	[ "$(bget /metrics | awk -v k="$1" '$1 == k { print $2 }')" = "$2" ]
}
start_hsbd B "$CL" "$T_DIR/b.conf" || exit 1
check "A hears the peer" wait_for 10 sample_is 'hsb_vgmp_peer_up{group="g1"}' 1
check "A sees the peer's priority" sample_is 'hsb_vgmp_peer_priority{group="g1"}' 65000
check "B is standby" wait_for 10 bsample_is 'hsb_vgmp_state{group="g1",state="standby"}' 1
check "B ready: standby hearing an active peer" sh -c \
	"[ \"\$(ip netns exec '$CL' curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$PORT/readyz)\" = 200 ]"
check "HRP connected on A" wait_for 10 sample_is hsb_hrp_connected 1
check "HRP connected on B" wait_for 10 bsample_is hsb_hrp_connected 1
check "HRP bytes flow" sample_gt hsb_hrp_sent_bytes_total 0
check "B received a complete batch backup" wait_for 10 bsample_is hsb_hrp_batch_received_total 1
lag_exposed() { sample hsb_hrp_applied_lag_p99_seconds | grep -q '^[0-9]'; }
check "the applied lag p99 is exposed" lag_exposed
check "A is HRP_M" wait_for 5 sample_is 'hsb_hrp_config_role{role="HRP_M"}' 1
check "B is HRP_S" wait_for 5 bsample_is 'hsb_hrp_config_role{role="HRP_S"}' 1
check "the pair runs one backed-up configuration" wait_for 5 sample_is hsb_hrp_config_in_sync 1
get /metrics >"$T_DIR/scrape3.txt"
check "promtool silent with a connected peer" \
	sh -c "promtool check metrics <'$T_DIR/scrape3.txt'"
stop_hsbd "$B_PID"
check "B stopped cleanly" test "$STOP_RC" = 0
check "A hears the peer leave" wait_for 10 sample_is 'hsb_vgmp_peer_up{group="g1"}' 0

echo "-- rebinding"
check "move to another port" ctl config "metrics listen 127.0.0.1 $PORT2"
check "served on the new port" get /healthz "$PORT2"
check_exit "not on the old one" 7 get /healthz "$PORT"
# a port taken by another listener: refused, the old address kept
ip netns exec "$FW" python3 -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen()
time.sleep(30)' "$PORT" &
HOLD=$!
T_PIDS+=("$HOLD")
wait_for 5 sh -c "ip netns exec '$FW' ss -ltn | grep -q ':$PORT '"
check_exit "a port taken elsewhere is refused" 1 ctl config "metrics listen 127.0.0.1 $PORT"
last_has "the refusal names the address" "cannot listen on 127.0.0.1 port $PORT"
check "still served on the old port" get /healthz "$PORT2"
check "running config unchanged" sh -c "'$HSBCTL' -s '$A_SOCK' show running-config | grep -q 'metrics listen 127.0.0.1 $PORT2'"
kill "$HOLD" 2>/dev/null
check "same port, wider address (overlap: old closed first)" \
	ctl config "metrics listen 0.0.0.0 $PORT2"
check "served on the wider address" get /healthz "$PORT2"
check "IPv6: move to ::1" ctl config "metrics listen ::1 $PORT"
check "served on [::1]" ip netns exec "$FW" curl -sS --max-time 5 -g \
	"http://[::1]:$PORT/metrics" -o "$T_DIR/scrape6.txt"
check "the IPv6 scrape passes promtool too" \
	sh -c "promtool check metrics <'$T_DIR/scrape6.txt'"
check "HEAD answers 200" sh -c "ip netns exec '$FW' curl -sI -g http://[::1]:$PORT/healthz | grep -q '^HTTP/1.1 200'"
check "undo metrics listen" ctl config "undo metrics listen"
check_exit "no longer served" 7 ip netns exec "$FW" curl -sS --max-time 5 \
	-g "http://[::1]:$PORT/healthz"
check "hsbd still running" ctl status

stop_hsbd "$A_PID"
check "hsbd stopped cleanly" test "$STOP_RC" = 0
hsb_test_done
