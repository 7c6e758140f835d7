#!/usr/bin/env bash
# Prints names that the code defines, one per line, for the checks that
# keep the man pages, --help texts and bash completion in step with it
# (tests/check-docs.sh, tests/check-completion.sh):
#   grammar          configuration commands: user/config/grammar.c CMD()
#   verbs            hsbctl requests: the { { "show", "vrrp" } ... } tables
#                    of user/hsbd/ctl/*.c, which hsbd dispatches on
#   hsbd-options     long options of hsbd: user/hsbd/main.c opts[]
#   hsbctl-options   long options of hsbctl: user/hsbctl/main.c opts[]
#   filter-words     session FILTER keywords (show/clear sessions)
#   session-states   the names `state NAME` in a FILTER accepts
# Exits 1 when the source no longer has the expected shape (nothing
# found), so a check never passes on an empty list.
set -euo pipefail
cd "$(dirname "$0")/.."

words() { grep -o '"[^"]*"' | tr -d '"' | paste -sd' '; }

case "${1:-}" in
grammar)
	# CMD(scope, impl, fn, "word", "word"...)
	out=$(grep -E '^\s*CMD\(' user/config/grammar.c |
		sed -E 's/^\s*CMD\([^,]*,[^,]*,[^,]*,//' |
		while read -r l; do words <<<"$l"; done)
	;;
verbs)
	# { { "word", "word" }, takes_args, handler }
	out=$(grep -hoE '^\s*\{ \{ "[^}]*\}' user/hsbd/ctl/*.c |
		while read -r l; do words <<<"$l"; done)
	;;
filter-words)
	# the session FILTER keywords: filter_words[] of session_filter.c
	out=$(sed -n '/filter_words\[\] = {/,/};/p' \
		user/hsbd/sessions/session_filter.c | grep -oE '"[a-z-]+"' |
		tr -d '"')
	;;
session-states)
	# what `state NAME` accepts: the STATE column's names, none aside
	out=$(sed -n '/state_names\[HSB_CT__MAX\] = {/,/};/p' \
		user/hsbd/sessions/session_view.c | grep -oE '= "[a-z-]+"' |
		grep -oE '[a-z-]+' | grep -vx none | sort -u)
	;;
hsbd-options | hsbctl-options)
	f=user/${1%-options}/main.c
	# { "name", has_arg, NULL, 'c' } inside opts[]
	out=$(sed -n '/struct option opts\[\]/,/};/p' "$f" |
		grep -oE '^\s*\{ "[a-z-]+"' | grep -oE '[a-z-]+')
	;;
*)
	echo "usage: $0 grammar|verbs|hsbd-options|hsbctl-options|filter-words|session-states" >&2
	exit 2
	;;
esac
if [ -z "$out" ]; then
	echo "$0 $1: found nothing: has the source changed shape?" >&2
	exit 1
fi
printf '%s\n' "$out"
