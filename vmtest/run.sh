#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot a Debian linux-image kernel under qemu (TCG) and run COMMAND inside,
# on this machine's own userspace: the host's / is the guest's root, read-only
# over 9p, the work tree is mounted read-write at the same path, and COMMAND
# runs in the current directory. Exits with COMMAND's status; 124 when the
# time limit ran out, 125 when the VM could not be started or said nothing.
#
#   vmtest/run.sh [options] -- COMMAND [ARG]...
#     --kernel VER    6.1 (default): newest linux-image-6.1.0-N-amd64 in apt;
#                     or an exact ABI such as 6.1.0-56-amd64; or, with vng,
#                     an upstream release such as v6.6.63 (vmtest/mainline.sh)
#     --timeout SECS  whole run, boot included (default 600)
#     --mem MB        guest memory (default 2048)
#     --smp N         guest CPUs (default 2)
#     --env NAME=VAL  set in COMMAND's environment (repeatable)
#     --verbose       show the kernel's boot messages
#
# Kernels are downloaded with `apt-get download`, unpacked with dpkg-deb
# and indexed with depmod under $VMTEST_CACHE (default build/vmtest). Needs
# qemu-system-x86 and busybox-static (scripts/install-deps.sh), and root (the
# 9p export of / must read every file). See docs/vmtest.md.
#
# When virtme-ng's `vng` is installed, vng boots the kernel instead of the
# initramfs built here (VMTEST_VNG=0: never; VMTEST_VNG=1: vng or fail):
# the same root, work tree, environment and exit codes, with KVM when
# /dev/kvm can be opened (VMTEST_KVM=0: TCG), and also upstream kernels
# (--kernel vX.Y.Z), which vng downloads from Ubuntu's mainline builds.
set -euo pipefail

usage() {
	sed -n '/^#   vmtest/,/^#     --verbose/s/^# \{0,1\}//p' "$0" >&2
	exit 125
}

die() {
	echo "vmtest: $*" >&2
	exit 125
}

KERNEL=6.1
TIMEOUT=600
MEM=2048
SMP=2
VERBOSE=0
ENVS=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) KERNEL=${2:?}; shift 2 ;;
	--timeout) TIMEOUT=${2:?}; shift 2 ;;
	--mem) MEM=${2:?}; shift 2 ;;
	--smp) SMP=${2:?}; shift 2 ;;
	--env) ENVS+=("${2:?}"); shift 2 ;;
	--verbose) VERBOSE=1; shift ;;
	--) shift; break ;;
	*) usage ;;
	esac
done
[ $# -gt 0 ] || usage

[ "$(id -u)" -eq 0 ] || die "must run as root"
VNG=""
case ${VMTEST_VNG:-auto} in
0) ;;
1) VNG=$(command -v vng) || die "VMTEST_VNG=1 but vng (virtme-ng) is not installed" ;;
*) VNG=$(command -v vng) || VNG="" ;;
esac
# An upstream release: only vng fetches those.
MAINLINE=0
case $KERNEL in
v[0-9]*)
	MAINLINE=1
	[ -n "$VNG" ] ||
		die "--kernel $KERNEL (an upstream release) needs vng (virtme-ng; docs/vmtest.md)"
	;;
esac
if [ -z "$VNG" ]; then
	tools="qemu-system-x86_64 busybox depmod modprobe dpkg-deb timeout"
elif [ "$MAINLINE" = 0 ]; then
	tools="depmod dpkg-deb timeout"
else
	tools="timeout"
fi
for t in $tools; do
	command -v "$t" >/dev/null || die "$t not found (scripts/install-deps.sh)"
done
# The guest's init must be static: it runs before the host's / is mounted.
BUSYBOX=/bin/busybox
[ -n "$VNG" ] || [ -x "$BUSYBOX" ] || die "$BUSYBOX missing (busybox-static)"

SRC=$(cd "$(dirname "$0")/.." && pwd -P)
CACHE=${VMTEST_CACHE:-$SRC/build/vmtest}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd -P)
# The guest mounts its own /tmp, /run, /dev, /proc and /sys over the
# host's, then the work tree at its own path (so a tree under /tmp is
# fine): a cache elsewhere under those would be hidden.
case $CACHE/ in
"$SRC"/*) ;;
/tmp/* | /run/* | /dev/* | /proc/* | /sys/*)
	die "VMTEST_CACHE=$CACHE: hidden in the guest; use a directory elsewhere" ;;
esac
CWD=$(pwd -P)
case $CWD/ in
"$SRC"/*) ;;
*) CWD=$SRC ;;
esac

# --- kernel: resolve, download, unpack, depmod (cached) ------------------
resolve_abi() {
	local pat
	case $1 in
	*-*) echo "$1"; return ;;
	esac
	pat="^linux-image-$(printf '%s' "$1" | sed 's/\./\\./g')\.[0-9]+-[0-9]+-amd64\$"
	apt-cache search --names-only "$pat" | cut -d' ' -f1 |
		sed 's/^linux-image-//' | sort -V | tail -n1
}

# An upstream release is vng's to fetch and cache (~/.cache/virtme-ng).
if [ "$MAINLINE" = 1 ]; then
	VMLINUZ=$KERNEL
else
# Prefer the newest kernel already in the cache, so that runs need no apt
# and stay on one kernel until the cache is removed.
ABI=$(for d in "$CACHE"/kernel/*/.ok; do
	[ -f "$d" ] || continue
	a=$(basename "$(dirname "$d")")
	case $a in
	"$KERNEL" | "$KERNEL".*-amd64) echo "$a" ;;
	esac
done | sort -V | tail -n1)
[ -n "$ABI" ] || ABI=$(resolve_abi "$KERNEL")
[ -n "$ABI" ] || die "no linux-image package for '$KERNEL' (apt-get update?)"

KROOT=$CACHE/kernel/$ABI
VMLINUZ=$KROOT/boot/vmlinuz-$ABI
if [ ! -f "$KROOT/.ok" ]; then
	echo "vmtest: fetching linux-image-$ABI" >&2
	rm -rf "$KROOT" "$CACHE/dl"
	mkdir -p "$CACHE/dl"
	# apt's _apt user must be able to write the download directory.
	chmod 0777 "$CACHE/dl"
	(cd "$CACHE/dl" && apt-get download -q "linux-image-$ABI") >&2 ||
		die "apt-get download linux-image-$ABI failed"
	mkdir -p "$KROOT"
	dpkg-deb -x "$CACHE"/dl/linux-image-"$ABI"_*.deb "$KROOT" ||
		die "dpkg-deb -x failed"
	# Debian 12 ships modules in lib/, later releases in usr/lib/.
	if [ ! -d "$KROOT/lib/modules/$ABI" ]; then
		mkdir -p "$KROOT/lib"
		ln -s ../usr/lib/modules "$KROOT/lib/modules"
	fi
	depmod -b "$KROOT" "$ABI" || die "depmod failed"
	rm -rf "$CACHE/dl"
	touch "$KROOT/.ok"
fi
[ -f "$VMLINUZ" ] || die "$VMLINUZ missing"
MODDIR=$(cd "$KROOT/lib/modules/$ABI" && pwd -P)
fi

# --- per-run directory: initramfs, command, status ------------------------
if [ -z "$VNG" ]; then
	RUN=$(mktemp -d "${TMPDIR:-/tmp}/vmtest.XXXXXX")
else
	# In the work tree, which vng shares read-write: the guest's /tmp is
	# its own.
	mkdir -p "$SRC/build"
	RUN=$(mktemp -d "$SRC/build/vmtest-run.XXXXXX")
fi
qpid=""
tpid=""
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local p

	for p in $qpid $tpid; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
CTL=$RUN/ctl
IRD=$RUN/initramfs
mkdir -p "$CTL"
# COMMAND's PATH starts with its modprobe wrapper (below); none with vng.
GUEST_PATH=/run/vmtest/bin:
if [ -n "$VNG" ]; then
	GUEST_PATH=""
	# vng's init mounts the host's / (read-only, with writable overlays
	# on /etc, /usr, /var ..., its own /tmp and /run), proc, sys and dev,
	# and links the kernel's modules into /lib/modules, so the host's
	# modprobe works as it is. The work tree, and in it the control
	# directory, is shared read-write at its own path (vng --rwdir); the
	# rest of what the initramfs below does, this does in the guest
	# before COMMAND.
	{
		printf 'CTL=%q\n' "$CTL"
		cat <<'EOF'
[ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" = bpf_fs ] ||
	mount -t bpf bpf /sys/fs/bpf
[ -d /sys/kernel/tracing/events ] ||
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mountpoint -q /dev/shm || mount -t tmpfs shm /dev/shm
ip link set lo up
echo "vmtest: $(uname -r), $(nproc) CPU(s), up $(cut -d' ' -f1 /proc/uptime)s (vng)" \
	>>"$CTL/out"
sh "$CTL/cmd" </dev/null >>"$CTL/out" 2>&1
echo $? >"$CTL/rc"
sync
EOF
	} >"$CTL/guest"
else
mkdir -p "$IRD"/{bin,sbin,dev,proc,sys,mod,newroot}

# Modules the initramfs needs to reach the 9p shares, in load order.
for m in virtio_pci 9pnet_virtio 9p; do
	modprobe -d "$KROOT" -S "$ABI" --show-depends "$m"
done | awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++' |
	while read -r ko; do
		cp "$ko" "$IRD/mod/"
		basename "$ko" >>"$IRD/mod/order"
	done

cp "$BUSYBOX" "$IRD/bin/busybox"
# The kernel runs its module loader in the initramfs' root, not in the
# chroot: hand the request to the host's modprobe on the mounted root.
# The host may have no /lib/modules to mount the tree on: point kmod at it.
{
	echo "#!/bin/busybox sh"
	printf 'exec /bin/busybox chroot /newroot /sbin/modprobe -d %q "$@"\n' \
		"$KROOT"
} >"$IRD/sbin/modprobe"
chmod 0755 "$IRD/sbin/modprobe"
# The same for COMMAND's own modprobe calls, first in its PATH.
mkdir -p "$CTL/bin"
{
	echo "#!/bin/sh"
	printf 'exec /sbin/modprobe -d %q "$@"\n' "$KROOT"
} >"$CTL/bin/modprobe"
chmod 0755 "$CTL/bin/modprobe"

{
	echo "#!/bin/busybox sh"
	printf 'ABI=%q\nSRC=%q\nMODDIR=%q\n' "$ABI" "$SRC" "$MODDIR"
	cat <<'EOF'
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /mod/order); do
	insmod "/mod/$m" || echo "vmtest: insmod $m failed"
done
o=trans=virtio,version=9p2000.L,msize=262144
R=/newroot
mount -t 9p -o "$o,ro,cache=loose" hostroot $R
mount -t tmpfs -o mode=0755 run $R/run
mount -t tmpfs -o mode=1777 tmp $R/tmp
mkdir -p $R/run/vmtest
mount -t 9p -o "$o" ctl $R/run/vmtest
# after /tmp and /run: the tree may live under either (a CI clone in /tmp)
mkdir -p "$R$SRC"
mount -t 9p -o "$o" work "$R$SRC"
mount -t proc proc $R/proc
mount -t sysfs sys $R/sys
mount -t devtmpfs dev $R/dev
mkdir -p $R/dev/pts $R/dev/shm
mount -t devpts devpts $R/dev/pts
mount -t tmpfs shm $R/dev/shm
mount -t bpf bpf $R/sys/fs/bpf
mount -t tracefs tracefs $R/sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs $R/sys/kernel/debug 2>/dev/null
if [ -d $R/usr/lib/modules ]; then
	mount -t tmpfs -o mode=0755 modules $R/usr/lib/modules
	mkdir -p "$R/usr/lib/modules/$ABI"
	mount -o bind "$R$MODDIR" "$R/usr/lib/modules/$ABI"
fi
ip link set lo up
echo "vmtest: $(uname -r), $(nproc) CPU(s), up $(cut -d' ' -f1 /proc/uptime)s" \
	>>$R/run/vmtest/out
# COMMAND's output goes to a file on the ctl share, which the host follows:
# under TCG a console (8250 or virtio) takes seconds for a few kilobytes.
chroot $R /bin/sh /run/vmtest/cmd </dev/null >>$R/run/vmtest/out 2>&1
echo $? >$R/run/vmtest/rc
sync
umount $R/run/vmtest
poweroff -f
EOF
} >"$IRD/init"
chmod 0755 "$IRD/init"
fi

{
	echo "cd $(printf '%q' "$CWD") || exit 125"
	printf 'exec env -i PATH=%s/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb VMTEST=1' \
		"$GUEST_PATH"
	for e in ${ENVS[@]+"${ENVS[@]}"}; do
		printf ' %q' "$e"
	done
	printf ' %q' "$@"
	echo
} >"$CTL/cmd"
: >"$CTL/out"

[ -n "$VNG" ] ||
	(cd "$IRD" && find . | busybox cpio -o -H newc --quiet | gzip -1) \
		>"$RUN/initramfs.gz"

# Without --verbose the console takes warnings and up (loglevel=5): the
# stack traces of a lockup or oops are printed at the default level (4),
# so they reach console.log, every CPU's, for the report below and
# $CACHE/last-console.log, while the info lines of every link a test
# makes do not go through the slow serial port.
if [ "$VERBOSE" = 1 ]; then
	LOG="loglevel=7"
else
	LOG="quiet loglevel=5"
fi
LOG="$LOG softlockup_all_cpu_backtrace=1"
fs() { # fs TAG PATH [ro]
	local ro=""
	[ "${3:-}" = ro ] && ro=",readonly=on"
	printf -- '-fsdev local,id=%s,path=%s,security_model=none,multidevs=remap%s ' \
		"$1" "$2" "$ro"
	printf -- '-device virtio-9p-pci,fsdev=%s,mount_tag=%s ' "$1" "$1"
}

set +e
: >"$RUN/console.log"
if [ -n "$VNG" ]; then
	# GUEST=HOST: the guest path is then absolute, the same as here.
	vopts=(--run "$VMLINUZ" --user root --cpus "$SMP" --memory "${MEM}M"
		--rwdir "$SRC=$SRC")
	[ "${VMTEST_KVM:-1}" != 0 ] || vopts+=(--disable-kvm)
	[ "$VERBOSE" = 0 ] || vopts+=(--verbose)
	# vng's own output (and with --verbose the kernel's) goes to qemu.log,
	# shown below.
	timeout -k 5 "$TIMEOUT" "$VNG" "${vopts[@]}" --exec "sh $CTL/guest" \
		</dev/null >"$RUN/qemu.log" 2>&1 &
else
# shellcheck disable=SC2046
timeout -k 5 "$TIMEOUT" qemu-system-x86_64 \
	-accel tcg,thread=multi -cpu max -smp "$SMP" -m "$MEM" \
	-M pc -nodefaults -no-user-config -display none -no-reboot \
	-serial "file:$RUN/console.log" -device virtio-rng-pci \
	-kernel "$VMLINUZ" -initrd "$RUN/initramfs.gz" \
	-append "console=ttyS0 panic=-1 $LOG rdinit=/init" \
	$(fs hostroot / ro) $(fs work "$SRC") $(fs ctl "$CTL") \
	</dev/null >"$RUN/qemu.log" 2>&1 &
fi
qpid=$!
# Both in the background: bash runs the INT/TERM trap during `wait`, not
# while a foreground child runs.
tail -n +1 -s 0.2 -f --pid="$qpid" "$CTL/out" &
tpid=$!
wait "$qpid"
qrc=$?
qpid=""
wait "$tpid"
tpid=""
set -e
[ ! -s "$RUN/qemu.log" ] || cat "$RUN/qemu.log" >&2

if [ "$VERBOSE" = 1 ]; then
	cat "$RUN/console.log" >&2
fi
mkdir -p "$CACHE" && cp "$RUN/console.log" "$CACHE/last-console.log" || true
# kernel_trouble: the kernel's first complaint (a lockup, BUG, oops,
# warning, hung task) with the traces after it, else the log's tail
kernel_trouble() {
	local at
	at=$(grep -n -m1 -E 'BUG:|WARNING:|Oops|soft lockup|hung_task|blocked for more than|rcu_.*stall' \
		"$RUN/console.log" | cut -d: -f1)
	if [ -n "$at" ]; then
		sed -n "${at},$((at + 150))p" "$RUN/console.log"
	else
		tail -n 40 "$RUN/console.log"
	fi
	echo "(the whole kernel log: $CACHE/last-console.log)"
}
if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
	echo "vmtest: timed out after ${TIMEOUT}s; kernel log:" >&2
	kernel_trouble >&2
	exit 124
fi
if [ ! -s "$CTL/rc" ]; then
	echo "vmtest: the VM exited ($qrc) without a status; kernel log:" >&2
	kernel_trouble >&2
	exit 125
fi
exit "$(cat "$CTL/rc")"
