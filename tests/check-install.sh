#!/usr/bin/env bash
# `make install` into temporary DESTDIRs: the exact file list with modes
# (binaries, unit, man pages, bash completion, configuration)
# (PREFIX=/usr and the default /usr/local), the unit's paths following
# PREFIX, the installed binaries and example configuration working, an
# existing /etc/hsb/hsbd.conf left alone on a second install, and
# `make uninstall` leaving only the configuration. Needs no root. Ends
# with "install: N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
# the integration tests' helpers: ok/not_ok/check, a temporary directory
# removed on exit, the closing line (nothing here needs root)
. tests/integration/lib.sh
hsb_test_init install
T=$T_DIR
B=${HSB_BUILD:-build}
inst() { # DESTDIR [make variables]
	local d=$1
	shift
	make --no-print-directory -s BUILD="$B" DESTDIR="$d" "$@" install
}
# "MODE PATH" of every file and directory under $1, sorted by path
listing() { (cd "$1" && find . -mindepth 1 -printf '%M %P\n' | sort -k2); }

# What an install puts where, for PREFIX=$1 (no leading /).
expected() {
	local p=$1 dirs="" d
	# every directory on the way to each file, once
	for d in etc etc/hsb $p/sbin $p/lib/systemd/system $p/share/man/man5 \
		$p/share/man/man8 $p/share/bash-completion/completions; do
		while [ "$d" != . ]; do
			dirs="$dirs $d"
			d=$(dirname "$d")
		done
	done
	for d in $(printf '%s\n' $dirs | sort -u); do
		echo "drwxr-xr-x $d"
	done
	cat <<LIST
-rw------- etc/hsb/hsbd.conf
-rw-r--r-- etc/hsb/hsbd.conf.example
-rwxr-xr-x $p/sbin/hsbctl
-rwxr-xr-x $p/sbin/hsbd
-rw-r--r-- $p/lib/systemd/system/hsbd.service
-rw-r--r-- $p/share/bash-completion/completions/hsbctl
-rw-r--r-- $p/share/man/man5/hsbd.conf.5
-rw-r--r-- $p/share/man/man8/hsbctl.8
-rw-r--r-- $p/share/man/man8/hsbd.8
LIST
}

echo "-- PREFIX=/usr"
D=$T/usr
check "make install PREFIX=/usr" inst "$D" PREFIX=/usr
expected usr | sort -k2 >"$T/want"
listing "$D" >"$T/got"
check "file list and modes" diff -u "$T/want" "$T/got"
U=$D/usr/lib/systemd/system/hsbd.service
check "unit runs /usr/sbin/hsbd" grep -qx 'ExecStart=/usr/sbin/hsbd --syslog' "$U"
check "no /usr/local left in the unit" sh -c "! grep -n /usr/local '$U'"
# verify wants ExecStart='s binaries to exist: the installed ones
sed "s|/usr/sbin/|$D/usr/sbin/|g" "$U" >"$T/hsbd.service"
check "systemd-analyze verify on the installed unit" \
	systemd-analyze verify "$T/hsbd.service"
check "installed hsbd runs" "$D/usr/sbin/hsbd" --version
check "installed hsbctl runs" "$D/usr/sbin/hsbctl" --version
check "installed configuration is valid" \
	"$D/usr/sbin/hsbd" --check-config "$D/etc/hsb/hsbd.conf"
sed 's/^#\([a-z]\)/\1/' "$D/etc/hsb/hsbd.conf" >"$T/uncommented.conf"
check "and so is every example in it, uncommented" \
	"$D/usr/sbin/hsbd" --check-config "$T/uncommented.conf"

check "installed man pages open" sh -c "MANPATH='$D/usr/share/man' \
	MANWIDTH=80 man hsbd.conf | grep -q 'vrrp vrid'"

echo "-- a second install keeps the configuration"
printf 'sysname mine\n' >"$D/etc/hsb/hsbd.conf"
chmod 0640 "$D/etc/hsb/hsbd.conf"
check "make install again" inst "$D" PREFIX=/usr
check "hsbd.conf untouched" test "$(cat "$D/etc/hsb/hsbd.conf")" = "sysname mine"
check "its mode untouched" test "$(stat -c %a "$D/etc/hsb/hsbd.conf")" = 640
check "hsbd.conf.example is the current example" \
	cmp deploy/config/hsbd.conf "$D/etc/hsb/hsbd.conf.example"

echo "-- make uninstall"
check "make uninstall" make --no-print-directory -s BUILD="$B" DESTDIR="$D" \
	PREFIX=/usr uninstall
check "only the configuration is left" test \
	"$(cd "$D" && find . -type f)" = "./etc/hsb/hsbd.conf"

echo "-- default PREFIX (/usr/local)"
D=$T/local
check "make install" inst "$D"
expected usr/local | sort -k2 >"$T/want"
listing "$D" >"$T/got"
check "file list and modes" diff -u "$T/want" "$T/got"
check "unit runs /usr/local/sbin/hsbd" grep -qx \
	'ExecStart=/usr/local/sbin/hsbd --syslog' \
	"$D/usr/local/lib/systemd/system/hsbd.service"

hsb_test_done
