#!/usr/bin/env bash
# Keeps the man pages (docs/man/*.scd, the one source of hsbd(8),
# hsbctl(8) and hsbd.conf(5)), docs/configuration.md and the --help texts
# in step with the code: every configuration command of the grammar,
# every hsbctl request hsbd dispatches and every long option, as
# scripts/code-names.sh reads them from the source, must be documented,
# and every command the man pages document must exist. Then the pages
# must build with scdoc and render without warnings. Needs no root; ends
# with "docs: N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
# the integration tests' helpers: ok/not_ok/check, a temporary directory
# removed on exit, the closing line (nothing here needs root)
. tests/integration/lib.sh
hsb_test_init docs
T=$T_DIR
B=${HSB_BUILD:-build}
M=docs/man
names() {
	scripts/code-names.sh "$1" >"$T/$1" || {
		not_ok "scripts/code-names.sh $1"
		: >"$T/$1"
	}
}
# each NAME of list $1 must match the ERE that $2 makes of it (sed
# replacement, NAME as &) in file $3; one result line per list
all_in() {
	local list=$1 pat=$2 file=$3 what=$4 missing="" n re
	while read -r n; do
		re=$(printf '%s\n' "$n" | sed -E "s/[.-]/\\\\&/g; $pat")
		grep -qE -- "$re" "$file" || missing="$missing '$n'"
	done <"$T/$list"
	if [ -z "$missing" ]; then
		ok "$what: all $(wc -l <"$T/$list") there"
	else
		not_ok "$what: missing$missing"
	fi
}
# The "*word word*" entries that start a line in sections whose title
# matches $2 of page $1, with -options dropped: what the page documents.
entries() {
	awk -v sec="$2" '/^# /{on = ($0 ~ sec)} on' "$1" |
		grep -oE '^\*[a-z][a-z -]*\*' | tr -d '*' |
		sed -E 's/ -[a-z-]+//g' | sort -u
}
# every entry of $1 must be a name of list $2
all_known() {
	local extra
	extra=$(entries "$1" "$3" | grep -vxF -f "$T/$2" | paste -sd' ')
	if [ -z "$extra" ]; then
		ok "$4: every command it documents exists"
	else
		not_ok "$4: documents commands the code does not have: $extra"
	fi
}

for l in grammar verbs hsbd-options hsbctl-options; do
	names "$l"
done
n_grammar=$(wc -l <"$T/grammar")
n_verbs=$(wc -l <"$T/verbs")
# a regex that stopped matching the source would find few
[ "$n_grammar" -ge 20 ] && [ "$n_verbs" -ge 15 ] &&
	ok "the code names $n_grammar commands, $n_verbs requests" ||
	not_ok "too few names read from the code: $n_grammar commands, $n_verbs requests"

echo "-- configuration commands"
all_in grammar 's/.*/^\\*&\\*/' $M/hsbd.conf.5.scd "hsbd.conf(5)"
all_in grammar 's/.*/^#### .*`&[ `]/' docs/configuration.md \
	"docs/configuration.md headings"
all_known $M/hsbd.conf.5.scd grammar 'COMMANDS|METRICS' "hsbd.conf(5)"

echo "-- hsbctl requests"
"$B/hsbctl" --help >"$T/hsbctl.help"
all_in verbs 's/.*/^\\*&\\*/' $M/hsbctl.8.scd "hsbctl(8)"
all_in verbs 's/.*/^  &( |$)/' "$T/hsbctl.help" "hsbctl --help"
all_known $M/hsbctl.8.scd verbs 'COMMANDS' "hsbctl(8)"

echo "-- options"
"$B/hsbd" --help >"$T/hsbd.help"
all_in hsbd-options 's/.*/\\*--&\\*/' $M/hsbd.8.scd "hsbd(8) options"
all_in hsbd-options 's/.*/--&( |$)/' "$T/hsbd.help" "hsbd --help options"
all_in hsbctl-options 's/.*/\\*--&\\*/' $M/hsbctl.8.scd "hsbctl(8) options"
all_in hsbctl-options 's/.*/--&( |$)/' "$T/hsbctl.help" "hsbctl --help options"

echo "-- the pages build and render"
for src in $M/*.scd; do
	page=$(basename "$src" .scd)
	if ! scdoc <"$src" >"$T/$page" 2>"$T/err"; then
		not_ok "scdoc $src: $(cat "$T/err")"
		continue
	fi
	MANWIDTH=80 man --warnings -l "$T/$page" >"$T/$page.txt" 2>"$T/err"
	if [ -s "$T/err" ] || ! grep -q '^NAME' "$T/$page.txt"; then
		not_ok "man -l $page renders with warnings:"
		sed 's/^/       | /' "$T/err" | head
	else
		ok "$page builds and renders ($(wc -l <"$T/$page.txt") lines)"
	fi
done

hsb_test_done
