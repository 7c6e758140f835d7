#!/usr/bin/env bash
# Called by make before the first build: names every missing tool or
# library together with the Debian package that provides it.
set -u
missing=0
need_cmd() { # command package
	command -v "$1" >/dev/null 2>&1 && return
	echo "missing tool '$1': apt-get install $2" >&2
	missing=1
}
need_pc() { # pkg-config-name package
	pkg-config --exists "$1" 2>/dev/null && return
	echo "missing library '$1': apt-get install $2" >&2
	missing=1
}
need_hdr() { # header package
	[ -e "/usr/include/$1" ] && return
	echo "missing header '$1': apt-get install $2" >&2
	missing=1
}
need_cmd pkg-config pkg-config
need_cmd clang clang
need_cmd llvm-strip llvm
need_cmd bpftool bpftool
need_pc libbpf libbpf-dev
need_pc libelf libelf-dev
need_pc zlib zlib1g-dev
need_pc libmnl libmnl-dev
need_pc libcrypto libssl-dev
need_pc json-c libjson-c-dev
need_pc libmicrohttpd libmicrohttpd-dev
need_pc libsystemd libsystemd-dev
need_pc cmocka libcmocka-dev
need_hdr linux/bpf.h linux-libc-dev
if [ "$missing" -ne 0 ]; then
	echo "run scripts/install-deps.sh as root to install everything" >&2
	exit 1
fi
