# shellcheck shell=bash
# Helpers for hsb's network-namespace integration tests. Source it, then
# call hsb_test_init NAME. Everything a test creates (namespaces named
# hsb-NAME-PID-*, a bpffs under its temp dir, daemons) is torn down by an
# EXIT trap, also when the test fails half-way.
set -u

HSB_BUILD=${HSB_BUILD:-build}
HSBD=$(realpath "$HSB_BUILD/hsbd")
HSBCTL=$(realpath "$HSB_BUILD/hsbctl")
T_PASS=0
T_FAIL=0
T_NETNS=()
T_PIDS=()
T_MOUNTS=()

hsb_test_init() {
	T_NAME=$1
	T_DIR=$(mktemp -d "/tmp/hsb-$T_NAME.XXXXXX")
	T_PREFIX="hsb-$T_NAME-$$"
	trap hsb_test_cleanup EXIT
	trap 'exit 130' INT TERM
}

hsb_test_cleanup() {
	local pid ns m
	for pid in "${T_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${T_PIDS[@]}"; do
		# bounded: 50 * 0.1 s, then SIGKILL
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null
	done
	for ns in "${T_NETNS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	for m in "${T_MOUNTS[@]}"; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	[ -n "${T_KEEP:-}" ] || rm -rf "$T_DIR"
}

ok() {
	T_PASS=$((T_PASS + 1))
	echo "  ok   $*"
}

not_ok() {
	T_FAIL=$((T_FAIL + 1))
	echo "  FAIL $*"
}

# check DESCRIPTION COMMAND...: passes when COMMAND exits 0
check() {
	local what=$1
	shift
	if "$@" >"$T_DIR/last.out" 2>&1; then
		ok "$what"
	else
		not_ok "$what (exit $?)"
		sed 's/^/       | /' "$T_DIR/last.out" | head -20
	fi
}

# check_exit DESCRIPTION CODE COMMAND...: passes when COMMAND exits CODE
check_exit() {
	local what=$1 want=$2 rc
	shift 2
	"$@" >"$T_DIR/last.out" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok "$what"
	else
		not_ok "$what (exit $rc, wanted $want)"
		sed 's/^/       | /' "$T_DIR/last.out" | head -20
	fi
}

# Output of the last check/check_exit contains a fixed string.
last_has() {
	if grep -qF -- "$2" "$T_DIR/last.out"; then
		ok "$1"
	else
		not_ok "$1: no '$2' in:"
		sed 's/^/       | /' "$T_DIR/last.out" | head -20
	fi
}

# json_get EXPR: evaluate EXPR over the JSON document on stdin (as d).
json_get() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# wait_for TIMEOUT_S COMMAND...: poll every 0.1 s until COMMAND succeeds.
wait_for() {
	local tries=$(($1 * 10))
	shift
	while [ "$tries" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

# new_netns NAME: creates hsb-TEST-PID-NAME; sets NS to its name. No
# command substitution: the cleanup list must grow in this shell.
new_netns() {
	NS="$T_PREFIX-$1"
	ip netns add "$NS" || return 1
	T_NETNS+=("$NS")
	ip -n "$NS" link set lo up
}

# line_topology: client -- firewall -- server, IPv4: CL (c0 10.1.0.2),
# FW (f0 10.1.0.1, f1 10.2.0.1, forwarding on), SV (s0 10.2.0.2), each
# end host routed through FW. The end hosts keep GRO on (an XDP redirect
# reaches a veth peer only with NAPI up, lab-facts.md) and transmit
# checksum offload off (frames the firewall forwards by XDP carry no
# checksum of their own to complete).
line_topology() {
	local l
	new_netns cl || return 1
	CL=$NS
	new_netns fw || return 1
	FW=$NS
	new_netns sv || return 1
	SV=$NS
	ip link add c0 netns "$CL" type veth peer name f0 netns "$FW" || return 1
	ip link add s0 netns "$SV" type veth peer name f1 netns "$FW" || return 1
	ip -n "$CL" addr add 10.1.0.2/24 dev c0
	ip -n "$FW" addr add 10.1.0.1/24 dev f0
	ip -n "$FW" addr add 10.2.0.1/24 dev f1
	ip -n "$SV" addr add 10.2.0.2/24 dev s0
	for l in "$CL c0" "$FW f0" "$FW f1" "$SV s0"; do
		# shellcheck disable=SC2086 # split on purpose
		set -- $l
		ip -n "$1" link set "$2" up
	done
	ip -n "$CL" route add default via 10.1.0.1
	ip -n "$SV" route add default via 10.2.0.1
	ip netns exec "$FW" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$CL" ethtool -K c0 gro on tx off >/dev/null
	ip netns exec "$SV" ethtool -K s0 gro on tx off >/dev/null
}

# new_bpffs NAME: a private bpffs for one node; sets BPFFS. `ip netns exec`
# hides the host's /sys/fs/bpf, and separate nodes must not share pins.
new_bpffs() {
	BPFFS="$T_DIR/bpffs-$1"
	mkdir -p "$BPFFS"
	mount -t bpf bpf "$BPFFS" || return 1
	T_MOUNTS+=("$BPFFS")
}

# start_hsbd NODE NETNS CONFIG [ARGS...]: runs hsbd in NETNS with its own
# socket and pin dir; sets NODE_SOCK, NODE_PINS, NODE_PID, NODE_LOG.
start_hsbd() {
	local node=$1 ns=$2 conf=$3 bpffs
	shift 3
	bpffs=$(eval echo "\${${node}_BPFFS:-}")
	if [ -z "$bpffs" ]; then
		new_bpffs "$node" || return 1
		bpffs=$BPFFS
		eval "${node}_BPFFS=$bpffs"
	fi
	eval "${node}_SOCK=$T_DIR/$node.sock"
	eval "${node}_PINS=$bpffs/hsb"
	eval "${node}_LOG=$T_DIR/$node.log"
	ip netns exec "$ns" "$HSBD" -c "$conf" -s "$T_DIR/$node.sock" \
		-p "$bpffs/hsb" "$@" >>"$T_DIR/$node.log" 2>&1 &
	eval "${node}_PID=$!"
	T_PIDS+=("$!")
	if ! wait_for 10 test -S "$T_DIR/$node.sock"; then
		echo "hsbd $node did not come up:" >&2
		sed 's/^/  | /' "$T_DIR/$node.log" >&2
		return 1
	fi
}

# stop_hsbd PID [SIGNAL]: signal and wait (bounded, then SIGKILL); sets
# STOP_RC to the exit status, or "timeout". Not for $(...): only this shell
# can wait for its children.
stop_hsbd() {
	local pid=$1 sig=${2:-TERM}
	kill -"$sig" "$pid" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid"
		wait "$pid" 2>/dev/null
		STOP_RC=timeout
		return 1
	fi
	wait "$pid"
	STOP_RC=$?
}

hsb_test_done() {
	echo "$T_NAME: $T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ]
}
