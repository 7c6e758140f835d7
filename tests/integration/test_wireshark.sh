#!/usr/bin/env bash
# tools/wireshark/hsb.lua under tshark (`make check` runs it like every
# tests/integration/test_*.sh):
# (a) a live capture of the heartbeat link between two hsbd with a VGMP
#     group (a active at 65001, b standby at 65000) decodes into the right
#     fields per sender; during a switchover, the triggered hellos and
#     the ACKs naming their sequence numbers;
# (b) examples.pcap (hsb_pcap.py): the HRP worked example of docs/hrp.md,
#     a TCP stream cut at awkward places, is reassembled into its two
#     frames with every field right; the VGMP worked example of
#     docs/vgmp.md decodes field for field; a zlib-compressed BULK_CHUNK
#     is inflated into its records; the CONFIG offer of docs/hrp.md and
#     a refusing result decode field for field; a packet quick session
#     backup forwards to the peer decodes as the tag and the TCP segment
#     inside; datagrams, streams and chunks hsbd
#     drops are flagged with the reason hsbd counts, without a Lua error;
# (c) the port preferences move the dissectors.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vrrp_lib.sh"
hsb_test_init wireshark

if ! command -v tshark >/dev/null; then
	not_ok "tshark is not installed (scripts/install-deps.sh installs it)"
	hsb_test_done
	exit 1
fi
LUA=$(realpath tools/wireshark/hsb.lua)
mkdir -p "$T_DIR/home"

# ts ARGS...: tshark with hsb.lua. A private HOME: no personal plugins
# (a copy of hsb.lua there would register the protocols twice) and no
# personal preferences. Fails on anything on stderr but the warning
# about running as root (tests run as root; reading a file is harmless).
ts() {
	local rc
	HOME="$T_DIR/home" tshark -X "lua_script:$LUA" "$@" 2>"$T_DIR/ts.err"
	rc=$?
	if grep -v '^Running as user "root" and group "root"' "$T_DIR/ts.err" >&2; then
		return 1
	fi
	return "$rc"
}

# same NAME WANT GOT: GOT is exactly WANT (both shown when not)
same() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		printf '       | want: %s\n       | got:  %s\n' "$2" "$3"
	fi
}

echo "-- (a) live VGMP hellos on the heartbeat link"
vrrp_lan || exit 1
vrrp_node a 10.78.0.1/24 || exit 1
NA=$NS
vrrp_node b 10.78.0.2/24 || exit 1
NB=$NS
ip link add hb0 netns "$NA" type veth peer name hb0 netns "$NB" || exit 1
ip -n "$NA" addr add 10.98.0.1/30 dev hb0
ip -n "$NB" addr add 10.98.0.2/30 dev hb0
ip -n "$NA" link set hb0 up
ip -n "$NB" link set hb0 up

# node config: NAME PRIORITY LOCAL REMOTE
node_conf() {
	cat <<CFG
sysname fw-$1
interface eth0 zone trust
security-policy rule lan from trust to local action permit
hrp interface hb0 remote $4 local $3
hrp authentication-key "key-of-the-pair"
vgmp group g1 priority $2 hello-interval 100
vrrp vrid 10 interface eth0 virtual-ip 10.78.0.100/24 advert-interval 10 vgmp-group g1
vrrp vrid 11 interface eth0 virtual-ip fe80::78:1 fd00:78::100/64 advert-interval 10 vgmp-group g1
CFG
}
node_conf a 65001 10.98.0.1 10.98.0.2 >"$T_DIR/a.conf"
node_conf b 65000 10.98.0.2 10.98.0.1 >"$T_DIR/b.conf"
# role_is SOCK ROLE: the status prompt shows ROLE (no Python: quick)
role_is() { "$HSBCTL" -s "$1" status | grep -q "^\[fw-.:$2\]"; }
start_hsbd A "$NA" "$T_DIR/a.conf" || exit 1
start_hsbd B "$NB" "$T_DIR/b.conf" || exit 1
check "a (65001) becomes active" wait_for 5 role_is "$A_SOCK" active
check "b (65000) is standby" wait_for 5 role_is "$B_SOCK" standby

# 20 datagrams: about 1 s of hellos at 100 ms from both hosts
CAP=$T_DIR/hb0.pcap
check "tcpdump captures 20 datagrams on hb0" timeout -s INT 5 \
	ip netns exec "$NA" tcpdump -q -n -i hb0 -c 20 -w "$CAP" udp port 18514
check "tshark decodes the capture" ts -r "$CAP" -Y vgmp -T fields \
	-E header=y -e ip.src -e udp.length -e vgmp.magic -e vgmp.version \
	-e vgmp.type -e vgmp.length -e vgmp.epoch -e vgmp.seq -e vgmp.node \
	-e vgmp.interval -e vgmp.group_count -e vgmp.group.name \
	-e vgmp.group.state -e vgmp.group.priority -e vgmp.group.penalty \
	-e vgmp.member.vrid -e vgmp.member.state -e vgmp.member.family \
	-e vgmp.hmac -e _ws.expert.message
cp "$T_DIR/last.out" "$T_DIR/live.tsv"

# One pass over the fields (python3 may start slowly: once only):
# "SRC KEY VALUE" lines in live.sum, VALUE the distinct values over the
# hellos of SRC joined by " | ", and for "seq" whether the sequence
# rises with every message of SRC (hellos and ACKs) in one epoch.
python3 - "$T_DIR/live.tsv" >"$T_DIR/live.sum" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
for src in sorted({r["ip.src"] for r in rows}):
    mine = [r for r in rows if r["ip.src"] == src]
    hellos = [r for r in mine if r["vgmp.type"] == "1"]
    def distinct(*keys, fn=None):
        vals = {fn(r) if fn else "/".join(r[k] for k in keys) for r in hellos}
        return " | ".join(sorted(vals))
    seqs = [int(r["vgmp.seq"]) for r in mine]
    rising = (len({r["vgmp.epoch"] for r in mine}) == 1 and
              all(a < b for a, b in zip(seqs, seqs[1:])))
    out = {
        "messages": str(len(mine)),
        "header": distinct("vgmp.magic", "vgmp.version"),
        "length": distinct(fn=lambda r: str(
            int(r["vgmp.length"]) == int(r["udp.length"]) - 8)),
        "node": distinct("vgmp.node", "vgmp.interval", "vgmp.group_count",
                         "vgmp.group.name"),
        "group": distinct("vgmp.group.state", "vgmp.group.priority",
                          "vgmp.group.penalty"),
        "members": distinct("vgmp.member.vrid", "vgmp.member.state",
                            "vgmp.member.family"),
        "hmac": distinct(fn=lambda r: str(len(bytes.fromhex(r["vgmp.hmac"])))),
        "experts": distinct(fn=lambda r: r["_ws.expert.message"] or "none"),
        "seq": "increasing" if rising else "NOT increasing: %s" % seqs,
    }
    for k, v in out.items():
        print(src, k, v)
PY
# lv SRC KEY: a value of live.sum
lv() { awk -v s="$1" -v k="$2" '$1 == s && $2 == k { sub(/^[^ ]* [^ ]* /, ""); print }' "$T_DIR/live.sum"; }

A4=10.98.0.1
B4=10.98.0.2
echo "     a sent $(lv $A4 messages), b $(lv $B4 messages) of the 20 datagrams"
same "a sends hellos with magic 0x5647, version 1" "0x5647/1" "$(lv $A4 header)"
same "b sends hellos with magic 0x5647, version 1" "0x5647/1" "$(lv $B4 header)"
same "the length field is the UDP payload" "True True" \
	"$(lv $A4 length) $(lv $B4 length)"
same "a: node id, interval 100, one group g1" "::ffff:10.98.0.1/100/1/g1" \
	"$(lv $A4 node)"
same "b: node id, interval 100, one group g1" "::ffff:10.98.0.2/100/1/g1" \
	"$(lv $B4 node)"
same "a says g1 active (2) at 65001, penalty 0" "2/65001/0" "$(lv $A4 group)"
same "b says g1 standby (1) at 65000, penalty 0" "1/65000/0" "$(lv $B4 group)"
same "a's members: VRID 10 and 11, master, IPv4 and IPv6" "10,11/2,2/4,6" \
	"$(lv $A4 members)"
same "b's members: VRID 10 and 11, backup, IPv4 and IPv6" "10,11/1,1/4,6" \
	"$(lv $B4 members)"
same "the HMACs are 32 bytes" "32 32" "$(lv $A4 hmac) $(lv $B4 hmac)"
same "no expert info on live hellos" "none none" \
	"$(lv $A4 experts) $(lv $B4 experts)"
check "a and b sent 5 or more each" \
	test "$(lv $A4 messages)" -ge 5 -a "$(lv $B4 messages)" -ge 5
same "a's sequence numbers increase, one epoch" increasing "$(lv $A4 seq)"
same "b's sequence numbers increase, one epoch" increasing "$(lv $B4 seq)"
# the detail view, split by sender (live-SRC.txt)
check "tshark shows the detail view" ts -r "$CAP" -Y vgmp -O vgmp -V
cp "$T_DIR/last.out" "$T_DIR/live.txt"
check "no Lua error" sh -c "! grep -i 'lua error' '$T_DIR/live.txt'"
awk -v d="$T_DIR" '
	/^Internet Protocol Version 4, Src: / {
		split($0, w, /Src: |, Dst/)
		f = d "/live-" w[2] ".txt"
	}
	f { print > f }' "$T_DIR/live.txt"
check "a's hellos show 'State: active (2)' and master members" sh -c \
	"grep -q 'State: active (2)' '$T_DIR/live-$A4.txt' && grep -q 'Member VRID 11: master, IPv6' '$T_DIR/live-$A4.txt'"
check "b's hellos show 'State: standby (1)' and backup members" sh -c \
	"grep -q 'State: standby (1)' '$T_DIR/live-$B4.txt' && grep -q 'Member VRID 10: backup, IPv4' '$T_DIR/live-$B4.txt'"
check "the HMAC is shown, not verified" \
	grep -q 'HMAC-SHA256: [0-9a-f]\{64\} \[not verified' "$T_DIR/live-$B4.txt"

echo "-- (a') a switchover: triggered hellos and their ACKs"
SW=$T_DIR/switchover.pcap
ip netns exec "$NA" tcpdump --immediate-mode -U -n -i hb0 -w "$SW" \
	udp port 18514 \
	2>"$T_DIR/tcpdump.err" &
TCPDUMP=$!
T_PIDS+=("$TCPDUMP")
check "tcpdump is listening" wait_for 5 grep -q "listening on" "$T_DIR/tcpdump.err"
check "switchover a -> b" "$HSBCTL" -s "$A_SOCK" switchover g1
check "b becomes active" wait_for 3 role_is "$B_SOCK" active
sleep 0.3 # the ACKs of the last triggered hellos
kill -INT "$TCPDUMP"
wait "$TCPDUMP"
check "tshark decodes the capture" ts -r "$SW" -Y vgmp -T fields \
	-e ip.src -e vgmp.type -e vgmp.flags.ack_requested -e vgmp.seq \
	-e vgmp.ack -e vgmp.group_count -e _ws.expert.message
cp "$T_DIR/last.out" "$T_DIR/switchover.tsv"
# triggered.txt: "SRC SEQ" of every hello with ACK requested; acks.txt:
# for every ACK, "SRC SEQ" of the hello it answers (the other host's)
awk -F'\t' '$2 == 1 && $3 == 1 { print $1, $4 }' "$T_DIR/switchover.tsv" |
	sort -u >"$T_DIR/triggered.txt"
awk -F'\t' -v a=$A4 -v b=$B4 '$2 == 2 { print ($1 == a ? b : a), $5 }' \
	"$T_DIR/switchover.tsv" | sort -u >"$T_DIR/acks.txt"
same "both hosts sent triggered hellos" "$A4 $B4" \
	"$(cut -d' ' -f1 "$T_DIR/triggered.txt" | sort -u | paste -sd' ')"
same "both hosts sent ACKs" "$A4 $B4" \
	"$(cut -d' ' -f1 "$T_DIR/acks.txt" | sort -u | paste -sd' ')"
same "every ACK names the seq of a triggered hello of the peer" "" \
	"$(comm -23 "$T_DIR/acks.txt" "$T_DIR/triggered.txt" | paste -sd' ')"
same "ACKs list no groups; nothing flagged" "0" \
	"$(awk -F'\t' '$2 == 2 { print $6 $7 }' "$T_DIR/switchover.tsv" |
		sort -u | paste -sd' ')"

echo "-- (b) the worked examples of the docs (hsb_pcap.py)"
check "write examples.pcap" python3 tests/integration/hsb_pcap.py "$T_DIR"
check "tshark decodes it" ts -r "$T_DIR/examples.pcap" -T fields -E header=y \
	-e frame.number -e _ws.col.Protocol -e tcp.segment -e hrp.magic \
	-e hrp.version -e hrp.type -e hrp.length -e hrp.seq -e hrp.count \
	-e hrp.payload_length -e hrp.hello.nonce -e hrp.hello.node \
	-e hrp.hello.flags -e hrp.payload -e hrp.hmac -e vgmp.magic \
	-e vgmp.version -e vgmp.type -e vgmp.flags.ack_requested \
	-e vgmp.length -e vgmp.epoch -e vgmp.seq -e vgmp.ack -e vgmp.node \
	-e vgmp.interval -e vgmp.group_count -e vgmp.group.name \
	-e vgmp.group.state -e vgmp.group.flags -e vgmp.group.flags.ready \
	-e vgmp.group.flags.handover -e vgmp.group.flags.preempt \
	-e vgmp.group.member_count -e vgmp.group.priority \
	-e vgmp.group.penalty -e vgmp.group.base_priority -e vgmp.member.vrid \
	-e vgmp.member.state -e vgmp.member.family -e vgmp.hmac \
	-e hrp.rec.type -e hrp.rec.length -e hrp.rec.family -e hrp.rec.proto \
	-e hrp.rec.a -e hrp.rec.b -e hrp.rec.state -e hrp.rec.age_ns \
	-e hrp.rec.table -e hrp.rec.public -e hrp.rec.inside -e hrp.flags.zlib -e hrp.chunk.raw_length -e hrp.ack.seq \
	-e hrp.cfg.kind -e hrp.cfg.flags -e hrp.cfg.status -e hrp.cfg.generation \
	-e hrp.cfg.digest -e hrp.cfg.total -e hrp.cfg.offset -e hrp.cfg.text \
	-e hrp.cfg.reason -e hsbpeer.version -e hsbpeer.zone -e hsbpeer.type \
	-e ip.src -e ip.dst -e tcp.flags \
	-e _ws.expert.message -e _ws.col.Info
cp "$T_DIR/last.out" "$T_DIR/examples.tsv"
check "tshark shows the detail view" ts -r "$T_DIR/examples.pcap" -V
cp "$T_DIR/last.out" "$T_DIR/examples.txt"

# ex FRAME FIELD...: fields of one frame of examples.tsv, space-separated
ex() {
	awk -F'\t' -v frame="$1" -v want="${*:2}" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$col["frame.number"] == frame {
			n = split(want, w, " ")
			for (i = 1; i <= n; i++)
				printf "%s%s", (i > 1 ? " " : ""), $col[w[i]]
			print ""
		}' "$T_DIR/examples.tsv"
}
# frames_of PROTOCOL [FILE]: the frames the Protocol column names so
frames_of() {
	awk -F'\t' -v p="$1" 'NR > 1 && $2 == p { printf "%s ", $1 }' \
		"${2:-$T_DIR/examples.tsv}"
}

echo "   HRP (docs/hrp.md) as a TCP stream in awkward segments"
HRP_F="tcp.segment hrp.magic hrp.version hrp.type hrp.length hrp.seq
	hrp.count hrp.payload_length hrp.hello.nonce hrp.hello.node
	hrp.hello.flags hrp.payload hrp.hmac _ws.expert.message _ws.col.Info"
# shellcheck disable=SC2086 # a list of field names
same "HELLO reassembled from segments 4 and 6, every field" \
	"4,6 0x4852 1 1 104 0 0 40 000102030405060708090a0b0c0d0e0f ::ffff:10.255.0.1 0x00000001  909dd242d26529f5696df0ff894f0c65894e89038846e7f70161985bd728aec7  HELLO node 10.255.0.1" \
	"$(ex 6 $HRP_F)"
# shellcheck disable=SC2086
# (the frame layer's example payload, de ad be ef, is no state record:
# hsbd would refuse the records, and the dissector says why)
same "RECORDS reassembled from segments 6 and 8, every field" \
	"6,8 0x4852 1 2 68 1 1 4    deadbeef 837a226ecc9fd63d12956f9a5d9c578319e8af4b93997b2df5c677c2907b307e bad-length: record 1, type 222, length 48879 RECORDS seq 1 count 1" \
	"$(ex 8 $HRP_F)"
same "HRP in frames 6, 8, 32, 37, 44, 49, 51 (and 22, 27, 39: bad ones)" \
	"6 8 22 27 32 37 39 44 49 51 " \
	"$(frames_of HRP)"
# shellcheck disable=SC2086
same "state records (docs/hrp.md, Records): a session and a NAT entry" \
	"1,3 124,56 4 6,6 192.168.10.10:54321 198.51.100.7:443 4 10000000000,5000000000 3 203.0.113.5:8080 192.168.10.100:80 " \
	"$(ex 32 hrp.rec.type hrp.rec.length hrp.rec.family hrp.rec.proto \
		hrp.rec.a hrp.rec.b hrp.rec.state hrp.rec.age_ns hrp.rec.table \
		hrp.rec.public hrp.rec.inside _ws.expert.message)"
# shellcheck disable=SC2086
same "a zlib-compressed BULK_CHUNK (docs/hrp.md): inflated, the same records" \
	"1,4 1 180 1,3 124,56 4 6,6 192.168.10.10:54321 198.51.100.7:443 4 10000000000,5000000000 3 203.0.113.5:8080 192.168.10.100:80 " \
	"$(ex 37 hrp.type hrp.flags.zlib hrp.chunk.raw_length hrp.rec.type \
		hrp.rec.length hrp.rec.family hrp.rec.proto hrp.rec.a hrp.rec.b \
		hrp.rec.state hrp.rec.age_ns hrp.rec.table hrp.rec.public \
		hrp.rec.inside _ws.expert.message)"
same "an ACK: the sequence the peer applied" "1,8 7 HELLO node 10.255.0.1, ACK seq 1 count 0 applied 7" \
	"$(ex 44 hrp.type hrp.ack.seq _ws.col.Info)"
# shellcheck disable=SC2086
same "a CONFIG offer (docs/hrp.md, CONFIG payload): every field" \
	"1,7 1 0x07 3 0c834dd01c628e4bbfb51573f8a7729670cb2fc7e8da43f3994441a4443b5a55 19 0 firewall zone dmz9\\n  HELLO node 10.255.0.1, CONFIG offer gen 3, 19 of 19 bytes at 0 seq 1" \
	"$(ex 49 hrp.type hrp.cfg.kind hrp.cfg.flags hrp.cfg.generation \
		hrp.cfg.digest hrp.cfg.total hrp.cfg.offset hrp.cfg.text \
		_ws.expert.message _ws.col.Info)"
same "a CONFIG result: refused, with the reason" \
	"2 3 3 zone 'dmz9': not here CONFIG result gen 3 refused: zone 'dmz9': not here seq 2" \
	"$(ex 51 hrp.cfg.kind hrp.cfg.status hrp.cfg.generation hrp.cfg.reason \
		_ws.col.Info)"
echo "   quick session backup: a packet forwarded to the peer (ethertype 0x88B5)"
same "the tag, then the SYN+ACK inside decoded as TCP" \
	"TCP 1 3 0x0800 192.0.2.80 10.0.0.5 0x0012" \
	"$(ex 53 _ws.col.Protocol hsbpeer.version hsbpeer.zone hsbpeer.type \
		ip.src ip.dst tcp.flags)"
same "the info column says it came via the peer" "[via peer, zone 3] 80" \
	"$(ex 53 _ws.col.Info | cut -d' ' -f1-5)"
same "a tag of another version: flagged as hsbd drops it, nothing inside" \
	"hsbpeer 2  peer_fwd_bad: version or type hsbd does not take" \
	"$(ex 54 _ws.col.Protocol hsbpeer.version ip.src _ws.expert.message)"
same "the offer's flags by name in the detail view" \
	"Offer flags: 0x07 (first|last|HRP_M)" \
	"$(awk '/^Frame [0-9]+:/ { f = $2 == "49:" } f' "$T_DIR/examples.txt" |
		grep -o 'Offer flags: .*')"
same "the records are listed in the detail view" \
	"Record: session 192.168.10.10:54321 <-> 198.51.100.7:443|Record: nat 203.0.113.5:8080" \
	"$(awk '/^Frame [0-9]+:/ { f = $2 == "32:" } f' "$T_DIR/examples.txt" |
		grep -o 'Record: [a-z].*' | paste -sd'|')"
same "types by name: HELLO, then RECORDS" \
	"Type: HELLO (1)|Type: RECORDS (2)" \
	"$(awk '/^Frame [0-9]+:/ { f = $2 == "6:" || $2 == "8:" } f' \
		"$T_DIR/examples.txt" | grep -o 'Type: [A-Z_]* ([0-9])' |
		paste -sd'|')"

echo "   VGMP (docs/vgmp.md); datagrams and streams hsbd drops"
# shellcheck disable=SC2086
same "the worked example, every field" \
	"0x5647 1 1 1 144 1762688878166920687 7 0 ::ffff:10.255.0.1 1000 1 vg1 2 0x05 1 0 1 2 65001 0 65001 10,20 2,2 4,4 b435ff8775119fa3e14a373be7087ec2e00c617061ed6524078752f93adaeb49  hello seq 7 [ACK requested] vg1=active/65001" \
	"$(ex 10 vgmp.magic \
		vgmp.version vgmp.type vgmp.flags.ack_requested vgmp.length \
		vgmp.epoch vgmp.seq vgmp.ack vgmp.node vgmp.interval \
		vgmp.group_count vgmp.group.name vgmp.group.state vgmp.group.flags \
		vgmp.group.flags.ready vgmp.group.flags.handover \
		vgmp.group.flags.preempt vgmp.group.member_count \
		vgmp.group.priority vgmp.group.penalty vgmp.group.base_priority \
		vgmp.member.vrid vgmp.member.state vgmp.member.family vgmp.hmac \
		_ws.expert.message _ws.col.Info)"
while read -r frame reason; do
	got=$(ex "$frame" _ws.expert.message)
	case ",$got" in
	*",$reason: "*) ok "frame $frame is flagged $reason" ;;
	*) not_ok "frame $frame is flagged $reason: got '$got'" ;;
	esac
done <"$T_DIR/reasons.txt"
same "VGMP in frames 10-18" "10 11 12 13 14 15 16 17 18 " "$(frames_of VGMP)"
check "no Lua error in any frame" sh -c "! grep -i 'lua error' '$T_DIR/examples.txt'"
same "the two short datagrams are malformed" 2 \
	"$(grep -c 'Expert Info (Error/Malformed): short' "$T_DIR/examples.txt")"

echo "-- (c) the port preferences"
check "tshark -o vgmp.port:18515 -o hrp.port:40000" ts -o vgmp.port:18515 \
	-o hrp.port:40000 -r "$T_DIR/examples.pcap" -T fields -E header=y \
	-e frame.number -e _ws.col.Protocol
cp "$T_DIR/last.out" "$T_DIR/prefs.tsv"
same "VGMP is no longer decoded on 18514" "" "$(frames_of VGMP "$T_DIR/prefs.tsv")"
same "HRP is decoded on the client's port 40000" "6 8 " \
	"$(frames_of HRP "$T_DIR/prefs.tsv")"

hsb_test_done
