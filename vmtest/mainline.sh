#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The newest upstream kernel release of a series that `vng --run` can boot:
# vng downloads it from Ubuntu's mainline kernel builds, so the answer is
# taken from that archive's listing, newest first, skipping releases
# without an amd64 linux-image package (a failed or unfinished build).
#
#   vmtest/mainline.sh 6.6       ->  v6.6.63 (say)
#   vmtest/mainline.sh stable    ->  the newest release of all, v6.13.2 (say)
#
# Prints the version for `vmtest/run.sh --kernel` (make vmtest
# VMTEST_KERNEL=...); exits 1 when none is found. Needs curl and the
# network; used by .github/workflows/vmtest.yml (docs/vmtest.md).
# VMTEST_MAINLINE_URL overrides the archive's address.
set -eu
url=${VMTEST_MAINLINE_URL:-https://kernel.ubuntu.com/mainline}
want=${1:?usage: vmtest/mainline.sh SERIES|stable}

# Releases only: vX.Y or vX.Y.Z directories (no -rc).
list=$(curl -fsSL --retry 3 "$url/" |
	sed -n 's/.*href="\(v[0-9][0-9]*\.[0-9][0-9]*\(\.[0-9][0-9]*\)\{0,1\}\)\/".*/\1/p' |
	sort -u)
case $want in
stable) candidates=$list ;;
[0-9]*.[0-9]*)
	re="^v$(printf '%s' "$want" | sed 's/\./\\./g')(\.[0-9]+)?\$"
	candidates=$(printf '%s\n' "$list" | grep -E "$re" || true)
	;;
*)
	echo "mainline.sh: '$want': expected a series such as 6.6, or stable" >&2
	exit 2
	;;
esac
for v in $(printf '%s\n' "$candidates" | sort -rV | head -n 8); do
	if curl -fsSL --retry 3 "$url/$v/amd64/" |
		grep -q 'linux-image-[^"]*_amd64\.deb'; then
		echo "$v"
		exit 0
	fi
done
echo "mainline.sh: no amd64 build of '$want' in $url" >&2
exit 1
