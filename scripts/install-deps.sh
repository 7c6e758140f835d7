#!/usr/bin/env bash
# Install every Debian 12 / Ubuntu package that hsb needs to build, test,
# run the demo and run the benchmarks. Idempotent: packages already present
# are left alone, and apt is only touched when something is missing.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps.sh: must run as root (apt-get)" >&2
	exit 1
fi

# Build toolchain and libraries (see docs/architecture.md "Dependencies").
# libclang-rt-14-dev is clang 14's compiler-rt: the sanitizers and libFuzzer
# (make fuzz, docs/testing.md); llvm brings llvm-cov / llvm-profdata.
# scdoc builds the man pages (make man, make install; docs/man/).
build_pkgs="make gcc pkg-config clang llvm libbpf-dev bpftool
	libelf-dev zlib1g-dev libmnl-dev libssl-dev libjson-c-dev libcmocka-dev
	libmicrohttpd-dev libsystemd-dev
	libclang-rt-14-dev clang-format cppcheck scdoc"
# Runtime and test tools: namespaces, traffic, captures, kernel baselines;
# bash-completion: tests/check-completion.sh runs hsbctl's completion
# under its _init_completion, as an interactive shell would; systemd:
# systemd-analyze verify / security on the unit (test_sdnotify.sh,
# check-install.sh), on machines that do not boot systemd too; man-db:
# tests/check-docs.sh renders the man pages with man --warnings.
test_pkgs="iproute2 iputils-ping ethtool socat tcpdump nftables util-linux
	netcat-openbsd procps psmisc python3 kmod keepalived traceroute tshark
	curl prometheus conntrackd conntrack bash-completion systemd man-db"
# `make vmtest`: the BPF tests in a VM on Debian 12's kernel (docs/vmtest.md).
# The kernel itself is fetched by vmtest/run.sh (apt-get download).
vm_pkgs="qemu-system-x86 busybox-static"

missing=""
for p in $build_pkgs $test_pkgs $vm_pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "install-deps.sh: all packages present"
	exit 0
fi

echo "install-deps.sh: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# tshark (tests/integration/test_wireshark.sh decodes captures with
# tools/wireshark/hsb.lua) pulls in wireshark-common, whose postinst asks
# whether non-root users may capture: answer no beforehand so apt never
# prompts (the tests capture as root anyway).
case " $missing " in
*" tshark "*)
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
		debconf-set-selections
	;;
esac
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
