#!/usr/bin/env bash
# Forwarding throughput: client -> fw -> server on veth pairs in namespaces
# hsb-bench-PID-{cl,fw,srv}. The client's traffic generator (live-frames
# BPF_PROG_TEST_RUN, tests/bench/trafficgen.c) sends 64-byte UDP frames to
# the server through the fw; the server counts what arrives with an
# XDP_DROP sink, so pps = received / generator time.
#
# Scenarios, interleaved round by round (order rotated each round):
#   A  hsbd on the fw: hsb_xdp on both fw interfaces (zones trust/untrust,
#      a trust -> untrust permit rule)
#   B  kernel forwarding + nftables stateful ruleset, no XDP on the fw
#   C  kernel forwarding, no nftables (context)
#   D  the harness ceiling: generator -> XDP_DROP sink on the fw's first
#      interface, no forwarding (context; 1 flow only)
#   E  as A, plus source NAT: PAT from two pool addresses for every flow
#   F  kernel forwarding + nftables conntrack ruleset + masquerade
# each at 1 flow and at FLOWS_MANY flows (distinct UDP source ports).
#
# Writes $OUT (JSON) and prints a table. Environment: HSB_BUILD (build dir),
# BENCH_RUNS (5), BENCH_SECONDS (2 per measurement), BENCH_FLOWS_MANY
# (10000), BENCH_CPU (CPU to pin the generator to, default: the last one),
# BENCH_OUT (build/bench/fwd.json).
set -u
cd "$(dirname "$0")/../.." || exit 1

HSB_BUILD=${HSB_BUILD:-build}
RUNS=${BENCH_RUNS:-5}
SECONDS_PER=${BENCH_SECONDS:-2}
FLOWS_MANY=${BENCH_FLOWS_MANY:-10000}
CPU=${BENCH_CPU:-$(($(nproc) - 1))}
OUT=${BENCH_OUT:-$HSB_BUILD/bench/fwd.json}
TGEN=$(realpath "$HSB_BUILD/bench/bin/trafficgen")
HSBD=$(realpath "$HSB_BUILD/hsbd")
HSBCTL=$(realpath "$HSB_BUILD/hsbctl")

[ "$(id -u)" -eq 0 ] || { echo "fwd_bench: needs root" >&2; exit 1; }
if [ "$RUNS" -lt 1 ] || [ "$RUNS" -gt 50 ]; then
	echo "BENCH_RUNS 1..50" >&2
	exit 2
fi
if [ "$SECONDS_PER" -lt 1 ] || [ "$SECONDS_PER" -gt 30 ]; then
	echo "BENCH_SECONDS 1..30" >&2
	exit 2
fi
for f in "$TGEN" "$HSBD" "$HSBCTL"; do
	[ -x "$f" ] || { echo "fwd_bench: missing $f (make bench-build)" >&2; exit 1; }
done
for t in nft ethtool python3 taskset; do
	command -v "$t" >/dev/null ||
		{ echo "fwd_bench: missing $t (scripts/install-deps.sh)" >&2; exit 1; }
done

P="hsb-bench-$$"
CL=$P-cl FW=$P-fw SRV=$P-srv
TMP=$(mktemp -d /tmp/hsb-bench.XXXXXX)
HSBD_PID=""
BPFFS=""

cleanup() {
	local ns
	if [ -n "$HSBD_PID" ]; then
		kill -TERM "$HSBD_PID" 2>/dev/null
		for _ in $(seq 50); do
			kill -0 "$HSBD_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$HSBD_PID" 2>/dev/null
	fi
	for ns in "$CL" "$FW" "$SRV"; do
		ip netns del "$ns" 2>/dev/null
	done
	[ -n "$BPFFS" ] && { umount "$BPFFS" 2>/dev/null || umount -l "$BPFFS" 2>/dev/null; }
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Namespaces left by a bench run that died (its PID is gone).
for ns in $(ip netns list | awk '{print $1}' | grep '^hsb-bench-[0-9]*-'); do
	pid=${ns#hsb-bench-}
	pid=${pid%%-*}
	kill -0 "$pid" 2>/dev/null || ip netns del "$ns" 2>/dev/null
done

MAC_CL=02:00:00:00:01:02 MAC_FWC=02:00:00:00:01:01
MAC_FWS=02:00:00:00:02:01 MAC_SRV=02:00:00:00:02:02

setup() {
	local ns
	for ns in "$CL" "$FW" "$SRV"; do
		ip netns add "$ns" || return 1
		ip -n "$ns" link set lo up
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	done
	ip link add cl0 netns "$CL" address $MAC_CL type veth peer name fwc \
		netns "$FW" address $MAC_FWC || return 1
	ip link add fws netns "$FW" address $MAC_FWS type veth peer name sv0 \
		netns "$SRV" address $MAC_SRV || return 1
	ip -n "$CL" addr add 10.0.1.2/24 dev cl0
	ip -n "$FW" addr add 10.0.1.1/24 dev fwc
	ip -n "$FW" addr add 10.0.2.1/24 dev fws
	ip -n "$SRV" addr add 10.0.2.2/24 dev sv0
	ip -n "$CL" link set cl0 up
	ip -n "$FW" link set fwc up
	ip -n "$FW" link set fws up
	ip -n "$SRV" link set sv0 up
	ip netns exec "$FW" sysctl -qw net.ipv4.ip_forward=1
	# Permanent neighbours: the sink answers no ARP; forwarding must
	# never wait for resolution.
	ip -n "$FW" neigh replace 10.0.2.2 lladdr $MAC_SRV dev fws nud permanent
	ip -n "$FW" neigh replace 10.0.1.2 lladdr $MAC_CL dev fwc nud permanent
	# NAPI on the fw's client side for the generator's XDP_TX frames when
	# no XDP program is attached there (scenarios B and C).
	ip netns exec "$FW" ethtool -K fwc gro on >/dev/null
	ip netns exec "$SRV" "$TGEN" sink-attach sv0 || return 1
	BPFFS=$TMP/bpffs
	mkdir -p "$BPFFS" && mount -t bpf bpf "$BPFFS"
}

SINK_NS=$SRV SINK_DEV=sv0
sink() { ip netns exec "$SINK_NS" "$TGEN" sink-read "$SINK_DEV"; }
fwd_datagrams() {
	# shellcheck disable=SC2016 # awk's $7, not the shell's
	ip netns exec "$FW" awk '/^Ip: [0-9]/ {print $7}' /proc/net/snmp
}

# measure SCENARIO FLOWS RUN: one timed send; appends a TSV line.
measure() {
	local scen=$1 flows=$2 run=$3 r0 r1 f0 f1 gen
	r0=$(sink) || return 1
	f0=$(fwd_datagrams)
	gen=$(taskset -c "$CPU" nice -n -20 ip netns exec "$CL" "$TGEN" send "${TGEN_MODE[@]}" \
		-i cl0 -m $MAC_FWC -s 10.0.1.2 -d 10.0.2.2 -f "$flows" \
		-t "$SECONDS_PER" -b 10000 -p 9) || return 1
	r1=$(sink) || return 1
	f1=$(fwd_datagrams)
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$scen" "$flows" "$run" \
		"$((r1 - r0))" "$((f1 - f0))" "$gen" >>"$TMP/raw.tsv"
}

NFT_RULES="table inet hsb_bench {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		iifname \"fwc\" ct state new accept
	}
}"

NFT_MASQ="table ip hsb_bench_nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname \"fws\" masquerade
	}
}"

POLICY_METHOD=none
# start_hsbd [nat]
start_hsbd() {
	cat >"$TMP/hsbd.conf" <<-EOF
		sysname bench-fw
		interface fwc zone trust
		interface fws zone untrust
	EOF
	ip netns exec "$FW" "$HSBD" -c "$TMP/hsbd.conf" -s "$TMP/hsbd.sock" \
		-p "$BPFFS/hsb" >>"$TMP/hsbd.log" 2>&1 &
	HSBD_PID=$!
	for _ in $(seq 100); do
		[ -S "$TMP/hsbd.sock" ] && break
		sleep 0.1
	done
	[ -S "$TMP/hsbd.sock" ] || { cat "$TMP/hsbd.log" >&2; return 1; }
	# The policy through the command language when hsbd implements it;
	# otherwise straight into the pinned maps (include/hsb/policy.h).
	if "$HSBCTL" -s "$TMP/hsbd.sock" config \
		'security-policy rule bench from trust to untrust action permit' \
		>"$TMP/policy.out" 2>&1; then
		POLICY_METHOD=config
	elif [ -e "$BPFFS/hsb/hsb_policy" ] && [ -e "$BPFFS/hsb/hsb_policy_ctl" ]; then
		# rule: from trust(2) to untrust(3), any proto(0xff), any
		# family, action permit, ports 0-65535, in both halves.
		local rule="2 3 255 0 0 0 1 0 0 0 255 255 0 0 0 0"
		rule="$rule $(printf '0 %.0s' $(seq 32))"
		# shellcheck disable=SC2086 # $rule is a list of byte values
		bpftool map update pinned "$BPFFS/hsb/hsb_policy" key 0 0 0 0 \
			value $rule &&
			bpftool map update pinned "$BPFFS/hsb/hsb_policy" \
				key 0 4 0 0 value $rule &&
			bpftool map update pinned "$BPFFS/hsb/hsb_policy_ctl" \
				key 0 0 0 0 value 0 0 0 0 1 0 0 0 1 0 0 0 0 0 0 0 &&
			POLICY_METHOD=maps
	else
		POLICY_METHOD=none
	fi
	[ "${1:-}" = nat ] || return 0
	"$HSBCTL" -s "$TMP/hsbd.sock" config \
		'nat address-group bench mode pat' \
		'nat address-group bench section 10.0.2.50 10.0.2.51' \
		'nat policy rule bench from trust to untrust action source-nat address-group bench' \
		>"$TMP/nat.out" 2>&1 || { cat "$TMP/nat.out" >&2; return 1; }
}

stop_hsbd() {
	[ -n "$HSBD_PID" ] || return 0
	kill -TERM "$HSBD_PID" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$HSBD_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$HSBD_PID" 2>/dev/null
	wait "$HSBD_PID" 2>/dev/null
	HSBD_PID=""
}

# scenario NAME RUN: set the fw up for NAME, measure both flow counts,
# put it back.
scenario() {
	local s=$1 run=$2 rc=0 flows
	case $s in
	A) start_hsbd || return 1 ;;
	B) printf '%s\n' "$NFT_RULES" | ip netns exec "$FW" nft -f - || return 1 ;;
	C) ;;
	E) start_hsbd nat || return 1 ;;
	F)
		{ printf '%s\n' "$NFT_RULES"; printf '%s\n' "$NFT_MASQ"; } |
			ip netns exec "$FW" nft -f - || return 1
		;;
	D)
		# The harness ceiling: the sink on the fw's first interface.
		ip netns exec "$FW" "$TGEN" sink-attach fwc || return 1
		SINK_NS=$FW SINK_DEV=fwc
		measure D 1 "$run"
		rc=$?
		ip netns exec "$FW" "$TGEN" sink-detach fwc
		SINK_NS=$SRV SINK_DEV=sv0
		return $rc
		;;
	esac
	for flows in 1 "$FLOWS_MANY"; do
		measure "$s" "$flows" "$run" || { rc=1; break; }
	done
	if [ "$s" = A ] && [ "$run" -eq 1 ]; then
		"$HSBCTL" -s "$TMP/hsbd.sock" -j show counters \
			>"$TMP/hsbd-counters.json" 2>/dev/null
	fi
	if [ "$s" = E ] && [ "$run" -eq 1 ]; then
		"$HSBCTL" -s "$TMP/hsbd.sock" -j show counters \
			>"$TMP/hsbd-nat-counters.json" 2>/dev/null
	fi
	case $s in
	A | E) stop_hsbd ;;
	B) ip netns exec "$FW" nft delete table inet hsb_bench ;;
	F)
		ip netns exec "$FW" nft delete table inet hsb_bench
		ip netns exec "$FW" nft delete table ip hsb_bench_nat
		;;
	esac
	return $rc
}

setup || { echo "fwd_bench: setup failed" >&2; exit 1; }
: >"$TMP/raw.tsv"
# Warm-up, not recorded: page pools, conntrack/neighbour caches. A kernel
# that refuses live frames (6.18.44 here: EPERM for XDP_TX) gets the same
# frames through an AF_PACKET socket (trafficgen -P, slower: the ceiling,
# scenario D, shows by how much), for every scenario alike.
TGEN_MODE=()
if ! taskset -c "$CPU" nice -n -20 ip netns exec "$CL" "$TGEN" send -i cl0 \
	-m $MAC_FWC -s 10.0.1.2 -d 10.0.2.2 -f 1 -t 1 >/dev/null 2>"$TMP/tgen.err"; then
	TGEN_MODE=(-P)
	echo "fwd_bench: live frames refused ($(head -1 "$TMP/tgen.err")): the generator uses an AF_PACKET socket" >&2
	taskset -c "$CPU" nice -n -20 ip netns exec "$CL" "$TGEN" send -P -i cl0 \
		-m $MAC_FWC -s 10.0.1.2 -d 10.0.2.2 -f 1 -t 1 >/dev/null || exit 1
fi

SCENS=(A B C D E F)
start=$(date +%s)
for run in $(seq "$RUNS"); do
	for i in 0 1 2 3 4 5; do
		s=${SCENS[$(((i + run - 1) % 6))]}
		scenario "$s" "$run" || {
			echo "fwd_bench: scenario $s run $run failed" >&2
			[ -s "$TMP/hsbd.log" ] && tail -5 "$TMP/hsbd.log" >&2
			exit 1
		}
	done
	echo "fwd_bench: round $run/$RUNS done ($(($(date +%s) - start)) s)" >&2
done

mkdir -p "$(dirname "$OUT")"
python3 tests/bench/fwd_report.py "$TMP/raw.tsv" "$OUT" \
	--runs "$RUNS" --seconds "$SECONDS_PER" --flows-many "$FLOWS_MANY" \
	--cpu "$CPU" --policy-method "$POLICY_METHOD" \
	--hsbd-counters "$TMP/hsbd-counters.json"
