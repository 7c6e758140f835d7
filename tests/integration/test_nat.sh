#!/usr/bin/env bash
# NAT end to end: 20 client addresses behind fw reach a server that sees
# only the pool's addresses (the server logs every peer); an outside
# client reaches an inside server through a NAT server mapping; a 24 MB
# transfer through PAT; traceroute and path MTU discovery (a 1280-byte
# link past the server's router) through the gateway; the pool and
# global addresses are answered for by ARP from XDP; hsbctl's NAT views;
# mappings released when their sessions are cleared.
#
#   cl (10.1.0.2-21) -- fw -- sv (198.51.100.2, router) -- far (10.9.0.2)
#        f0 trust  10.1.0.1    f1 untrust 198.51.100.1      MTU 1280
#   pool 198.51.100.50-51 (on f1's subnet: sv ARPs for them)
#   nat server web: 198.51.100.100:80 -> 10.1.0.2:8080
. "$(dirname "$0")/lib.sh"
hsb_test_init nat

new_netns cl || exit 1
CL=$NS
new_netns fw || exit 1
FW=$NS
new_netns sv || exit 1
SV=$NS
new_netns far || exit 1
FAR=$NS
ip link add c0 netns "$CL" type veth peer name f0 netns "$FW"
ip link add s0 netns "$SV" type veth peer name f1 netns "$FW"
ip link add s1 netns "$SV" type veth peer name r0 netns "$FAR"
for i in $(seq 2 21); do
	ip -n "$CL" addr add "10.1.0.$i/24" dev c0
done
ip -n "$FW" addr add 10.1.0.1/24 dev f0
ip -n "$FW" addr add 198.51.100.1/24 dev f1
ip -n "$SV" addr add 198.51.100.2/24 dev s0
ip -n "$SV" addr add 10.9.0.1/24 dev s1
ip -n "$FAR" addr add 10.9.0.2/24 dev r0
ip -n "$SV" link set s1 mtu 1280
ip -n "$FAR" link set r0 mtu 1280
for l in "$CL c0" "$FW f0" "$FW f1" "$SV s0" "$SV s1" "$FAR r0"; do
	set -- $l
	ip -n "$1" link set "$2" up
done
ip -n "$CL" route add default via 10.1.0.1
ip -n "$FAR" route add default via 10.9.0.1
# sv knows nothing of 10.1.0.0/24: only the pool's addresses reach it
ip netns exec "$FW" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "$SV" sysctl -qw net.ipv4.ip_forward=1
ip -n "$FW" route add 10.9.0.0/24 via 198.51.100.2
for e in "$CL c0" "$SV s0"; do
	set -- $e
	ip netns exec "$1" ethtool -K "$2" gro on >/dev/null
	ip netns exec "$1" ethtool -K "$2" tx off >/dev/null
done
ip netns exec "$SV" ethtool -K s1 tx off >/dev/null
# ARP answers leave fw by XDP_TX: the veth peer needs an XDP program
scripts/veth-wake.sh "$SV" s0 || exit 1
ip netns exec "$FAR" ethtool -K r0 tx off >/dev/null

CONF=$T_DIR/hsbd.conf
cat >"$CONF" <<'CFG'
sysname fw
interface f0 zone trust
interface f1 zone untrust
security-policy rule out from trust to untrust action permit
security-policy rule web from untrust to trust destination 10.1.0.2 protocol tcp destination-port 8080 action permit
nat address-group pool1 mode pat
nat address-group pool1 section 198.51.100.50 198.51.100.51
nat policy rule out from trust to untrust action source-nat address-group pool1
nat server web protocol tcp global 198.51.100.100 80 inside 10.1.0.2 8080 zone untrust
CFG

ctl() { "$HSBCTL" -s "$A_SOCK" "$@"; }
counter() { ctl -j show counters | json_get "d[\"$1\"][\"$2\"]"; }
cl() { ip netns exec "$CL" "$@"; }
sv() { ip netns exec "$SV" "$@"; }
bg_in() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@" >/dev/null 2>&1 &
	T_PIDS+=("$!")
}
gt() { [ "$1" -gt "$2" ]; }

# A TCP server that logs "PEER_ADDR BYTES" per connection and answers
# "ok BYTES".
cat >"$T_DIR/srv.py" <<'PY'
import socket, sys, threading
log = open(sys.argv[2], "a", buffering=1)
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(128)
def serve(c, a):
    n = 0
    while True:
        d = c.recv(65536)
        if not d:
            break
        n += len(d)
    log.write("%s %d\n" % (a[0], n))
    c.sendall(b"ok %d\n" % n)
    c.close()
while True:
    c, a = s.accept()
    threading.Thread(target=serve, args=(c, a), daemon=True).start()
PY
# client.py SRC DST PORT BYTES: prints the server's answer
cat >"$T_DIR/client.py" <<'PY'
import socket, sys
src, dst, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
s = socket.create_connection((dst, port), timeout=20,
                             source_address=(src, 0) if src != "-" else None)
chunk = b"x" * 65536
left = n
while left:
    k = min(left, len(chunk))
    s.sendall(chunk[:k])
    left -= k
s.shutdown(socket.SHUT_WR)
print(s.recv(100).decode().strip())
PY

echo "-- start"
start_hsbd A "$FW" "$CONF" || exit 1
check "NAT maps pinned" sh -c \
	"for m in hsb_nat_pat hsb_nat_nopat hsb_nat_srv hsb_nat_pool hsb_nat_rules hsb_nat_ctl hsb_vaddrs; do test -e '$A_PINS'/\$m || exit 1; done"
check "nat engine: 1 rule" test "$(counter nat rules)" = 1
check "public addresses bound for ARP (2 pool + 1 global)" test "$(counter nat arp_bindings)" = 3
check "server map: the static server" ctl show server-map
last_has "global -> inside" "198.51.100.100:80"
last_has "inside endpoint" "10.1.0.2:8080"

echo "-- many inside clients, the server sees only the pool"
bg_in "$SV" timeout 120 python3 "$T_DIR/srv.py" 8000 "$T_DIR/peers.log"
wait_for 5 sh -c "ip netns exec '$SV' ss -ltn | grep -q ':8000 '"
fails=0
for i in $(seq 2 21); do
	out=$(cl timeout 20 python3 "$T_DIR/client.py" "10.1.0.$i" 198.51.100.2 8000 1000 2>&1)
	[ "$out" = "ok 1000" ] || fails=$((fails + 1))
done
check "20 clients connected and were answered" test "$fails" = 0
check "the server logged 20 connections" wait_for 5 sh -c "test \$(wc -l <'$T_DIR/peers.log') -ge 20"
check "every peer it saw is a pool address" python3 -c '
import sys
peers = [l.split()[0] for l in open(sys.argv[1])]
assert len(peers) >= 20, peers
assert set(peers) <= {"198.51.100.50", "198.51.100.51"}, set(peers)
' "$T_DIR/peers.log"
check "sv learnt the pool address by ARP (answered by XDP)" sh -c \
	"ip -n '$SV' neigh show 198.51.100.50 | grep -q lladdr || ip -n '$SV' neigh show 198.51.100.51 | grep -q lladdr"
check "ARP answers counted" gt "$(counter datapath vaddr_arp_reply)" 0
check "show nat pat" ctl show nat pat
last_has "a pool address listed" "198.51.100.5"
last_has "an inside client" "10.1.0."
check "show nat sessions" ctl show nat sessions
last_has "PAT sessions listed" "pat"
check "show nat pool-usage" ctl show nat pool-usage
last_has "per-address usage" "tcp"
ctl -j show nat pool-usage >"$T_DIR/usage.json"
check "JSON pool usage: the pool's two addresses" python3 -c '
import json,sys
d = json.load(open(sys.argv[1]))
g = d["groups"][0]
assert g["name"] == "pool1" and g["mode"] == "pat", g
assert [a["addr"] for a in g["addresses"]] == ["198.51.100.50", "198.51.100.51"], g
assert sum(a["tcp"] for a in g["addresses"]) >= 1, g
' "$T_DIR/usage.json"
check "NAT create records reached the collector" gt "$(counter events events_nat_create)" 0
check "no malformed records" test "$(counter events events_malformed)" = 0

echo "-- a large transfer through PAT"
out=$(cl timeout 60 python3 "$T_DIR/client.py" 10.1.0.7 198.51.100.2 8000 25165824 2>&1)
check "24 MB sent and acknowledged in full ($out)" test "$out" = "ok 25165824"

echo "-- NAT server: outside client -> inside server"
bg_in "$CL" timeout 120 python3 "$T_DIR/srv.py" 8080 "$T_DIR/inside.log"
wait_for 5 sh -c "ip netns exec '$CL' ss -ltn | grep -q ':8080 '"
check "sv resolves the global address by ARP (answered from XDP)" sh -c \
	"ip netns exec '$SV' ping -c 1 -W 1 198.51.100.100 >/dev/null 2>&1; ip -n '$SV' neigh show 198.51.100.100 | grep -q lladdr"
out=$(sv timeout 20 python3 "$T_DIR/client.py" - 198.51.100.100 80 5000 2>&1)
check "connected to the global address and answered ($out)" test "$out" = "ok 5000"
check "the inside server saw the real client" grep -q '^198.51.100.2 5000$' "$T_DIR/inside.log"
check "DNAT counted" gt "$(counter datapath nat_dnat)" 0

echo "-- traceroute and path MTU through the gateway"
check "traceroute (UDP) reaches far through fw and sv" sh -c \
	"ip netns exec '$CL' timeout 30 traceroute -n -q 1 -w 2 -m 5 10.9.0.2 >'$T_DIR/tr.txt'; cat '$T_DIR/tr.txt'; grep -q ' 10.1.0.1 ' '$T_DIR/tr.txt' && grep -q ' 198.51.100.2 ' '$T_DIR/tr.txt' && grep -q ' 10.9.0.2 ' '$T_DIR/tr.txt'"
check "traceroute (ICMP) too" sh -c \
	"ip netns exec '$CL' timeout 30 traceroute -I -n -q 1 -w 2 -m 5 10.9.0.2 >'$T_DIR/tri.txt'; cat '$T_DIR/tri.txt'; grep -q ' 198.51.100.2 ' '$T_DIR/tri.txt' && grep -q ' 10.9.0.2 ' '$T_DIR/tri.txt'"
check "ICMP errors translated" gt "$(counter datapath nat_icmp_err)" 0
check "DF ping above the 1280 link gets 'frag needed' back" sh -c \
	"ip netns exec '$CL' ping -c 2 -W 2 -M do -s 1400 10.9.0.2 2>&1 | grep -qi 'mtu = 1280\|message too long, mtu=1280\|frag needed'"
check "the client learnt the path MTU" sh -c \
	"ip -n '$CL' route get 10.9.0.2 | grep -q 'mtu 1280'"
bg_in "$FAR" timeout 120 python3 "$T_DIR/srv.py" 8001 "$T_DIR/far.log"
wait_for 5 sh -c "ip netns exec '$FAR' ss -ltn | grep -q ':8001 '"
out=$(cl timeout 60 python3 "$T_DIR/client.py" 10.1.0.9 10.9.0.2 8001 4194304 2>&1)
check "TCP over the 1280 path (PMTU discovery through NAT) ($out)" test "$out" = "ok 4194304"

echo "-- release of mappings"
check "clear sessions" ctl clear sessions
check "mappings freed with their last session" wait_for 5 sh -c \
	"test \"\$('$HSBCTL' -s '$A_SOCK' -j show nat pat | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"matched\"])')\" = 0"
check "references released counted" gt "$(counter nat mappings_freed)" 0
check "delete records published" gt "$(counter events events_nat_delete)" 0
check "traffic translates again after" sh -c \
	"test \"\$(ip netns exec '$CL' timeout 20 python3 '$T_DIR/client.py' 10.1.0.3 198.51.100.2 8000 10)\" = 'ok 10'"

echo "-- orphaned references: a session lost behind hsbd's back"
cl python3 -c "import socket; s = socket.socket(2, 2); s.bind(('10.1.0.20', 4444)); s.sendto(b'x', ('198.51.100.2', 9999))"
pat_of() { ctl -j show nat pat | python3 -c "import json,sys; print(sum(1 for e in json.load(sys.stdin)['entries'] if e['inside'] == '$1'))"; }
check "a mapping for 10.1.0.20" test "$(pat_of 10.1.0.20)" = 1
# delete its session directly, as an LRU eviction would (no report)
check "session deleted with bpftool" python3 -c '
import json, subprocess, sys
path = sys.argv[1]
d = json.loads(subprocess.check_output(["bpftool", "-j", "map", "dump", "pinned", path]))
n = 0
for e in d:
    k = e["formatted"]["key"]
    if k["addr_a"][:4] == [10, 1, 0, 20] or k["addr_b"][:4] == [10, 1, 0, 20]:
        subprocess.check_call(["bpftool", "map", "delete", "pinned", path, "key", "hex"] + [b[2:] for b in e["key"]])
        n += 1
assert n == 1, n
' "$A_PINS/hsb_sessions"
check "the orphaned mapping is released after a sweeper pass" wait_for 20 sh -c "test \"\$('$HSBCTL' -s '$A_SOCK' -j show nat pat | python3 -c \"import json,sys; print(sum(1 for e in json.load(sys.stdin)['entries'] if e['inside'] == '10.1.0.20'))\")\" = 0"
check "counted as an orphan" gt "$(counter nat orphan_references_released)" 0

echo "-- configuration changes"
check "remove the NAT server" ctl config 'undo nat server web'
check "its server-map entries are gone" sh -c \
	"test \"\$('$HSBCTL' -s '$A_SOCK' -j show server-map | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"matched\"])')\" = 0"
check "port partition upper" ctl config 'nat port-partition upper'
ctl -j show nat pool-usage >"$T_DIR/usage2.json"
check "pool usage shows the upper half" python3 -c '
import json,sys
d = json.load(open(sys.argv[1]))
assert d["partition"] == "upper", d
assert d["groups"][0]["port_lo"] == 1024 + 32256, d
' "$T_DIR/usage2.json"
out=$(cl timeout 20 python3 "$T_DIR/client.py" 10.1.0.4 198.51.100.2 8000 10 2>&1)
check "new mappings come from the upper half" sh -c \
	"'$HSBCTL' -s '$A_SOCK' -j show nat pat | python3 -c '
import json,sys
e = [x for x in json.load(sys.stdin)[\"entries\"] if x[\"inside\"] == \"10.1.0.4\"]
assert e and all(x[\"pool_port\"] >= 33280 for x in e), e'"
check "bpftool dumps the PAT map" sh -c \
	"bpftool map dump pinned '$A_PINS/hsb_nat_pat' | grep -q refcnt"

stop_hsbd "$A_PID" TERM
check "orderly stop (got $STOP_RC)" test "$STOP_RC" = 0
hsb_test_done
