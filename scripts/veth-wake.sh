#!/bin/sh
# veth-wake.sh NETNS DEV: attach a pass-through XDP program to veth DEV in
# NETNS. Lab topologies only: a veth delivers the frames its peer sends
# with XDP_TX (hsb's ARP / neighbour answers for virtual addresses) only
# when DEV runs an XDP program of its own (GRO is not enough, unlike for
# redirects). A NIC or a bridge on real ports needs none of this.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 NETNS DEV" >&2; exit 2; }
dir=${TMPDIR:-/tmp}/hsb-veth-wake
obj=$dir/pass.o
if [ ! -s "$obj" ]; then
	mkdir -p "$dir"
	printf '%s\n' '#include <linux/bpf.h>' \
		'__attribute__((section("xdp"), used)) int pass(struct xdp_md *c) { return XDP_PASS; }' \
		'char _l[] __attribute__((section("license"), used)) = "GPL";' >"$dir/pass.c.$$"
	clang -O2 -target bpf -I"/usr/include/$(gcc -dumpmachine)" -x c \
		-c "$dir/pass.c.$$" -o "$obj.$$"
	mv "$obj.$$" "$obj"
	rm -f "$dir/pass.c.$$"
fi
ip -n "$1" link set dev "$2" xdpdrv obj "$obj" sec xdp
