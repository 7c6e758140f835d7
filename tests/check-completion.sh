#!/usr/bin/env bash
# The bash completion of hsbctl (deploy/bash-completion/hsbctl), sourced
# into bash and asked as bash would ask it: every request hsbd dispatches
# is completed word by word, nothing that is not a request (or an argument
# hsbctl --help shows) is offered, options, the session FILTER keywords
# and states come from the code (scripts/code-names.sh), and file names
# after -s and config -f. Run twice: with bash-completion's
# _init_completion and without it. Needs no root; ends with
# "completion: N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
# the integration tests' helpers: ok/not_ok/check, a temporary directory
# removed on exit, the closing line (nothing here needs root)
. tests/integration/lib.sh
hsb_test_init completion
T=$T_DIR
B=${HSB_BUILD:-build}
COMP=deploy/bash-completion/hsbctl
BC=/usr/share/bash-completion/bash_completion
for l in verbs hsbctl-options filter-words session-states; do
	scripts/code-names.sh "$l" >"$T/$l" || not_ok "scripts/code-names.sh $l"
done
"$B/hsbctl" --help >"$T/help"
: >"$T/file.conf"

# ask LINE: sets R to what completing at the end of LINE offers, sorted,
# one a line, as bash sets it up for a completion function. Memoised: the
# walks below ask for the same lines again and again, and each answer
# costs forks (compgen, sort) on a busy machine.
ask() {
	local line=$1 COMP_WORDS COMP_CWORD COMP_LINE COMP_POINT COMPREPLY=()
	if [[ -v MEMO[$line] ]]; then
		R=${MEMO[$line]}
		return
	fi
	read -ra COMP_WORDS <<<"$line"
	[ "${line: -1}" = " " ] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	_hsbctl hsbctl "${COMP_WORDS[COMP_CWORD]}" \
		"${COMP_WORDS[COMP_CWORD - 1]}"
	R=""
	((${#COMPREPLY[@]})) && R=$(printf '%s\n' "${COMPREPLY[@]}" | sort -u)
	MEMO[$line]=$R
}
# comp LINE: the same on stdout
comp() {
	ask "$1"
	[ -z "$R" ] || printf '%s\n' "$R"
}
offers() {
	ask "$1"
	[[ $'\n'$R$'\n' == *$'\n'"$2"$'\n'* ]]
}

# Walks the offered words from "hsbctl " down the request tree: adds to
# PATHS every path ("show", "show nat", "show nat pat"), and below a
# complete request one level of its arguments ("show vrrp brief"), no
# deeper.
walk() {
	local path=$1 w a words args
	ask "hsbctl $path"
	words=$R
	for w in $words; do
		PATHS+=("$path$w")
		if [[ $'\n'$VERBS$'\n' == *$'\n'"$path$w"$'\n'* ]]; then
			ask "hsbctl $path$w "
			args=$R
			for a in $args; do
				PATHS+=("$path$w $a")
			done
		elif [ "${#path}" -lt 40 ]; then # bounded
			walk "$path$w "
		fi
	done
}

# "VERB ARG": ARG is a literal word of VERB's --help line
# ("show vrrp [brief]", "config -f FILE"), or a FILTER keyword of a
# request that takes a [FILTER]
is_arg() {
	local verb=$1 arg=$2 line
	line=$(grep -E "^  $verb( |$)" "$T/help") || return 1
	grep -qE "(^|[ [])$arg([] ]|$)" <<<"$line" && return 0
	grep -qF '[FILTER]' <<<"$line" && grep -qxF "$arg" "$T/filter-words"
}

# One mode's checks, in a subshell that has loaded what the mode needs;
# prints ok/FAIL lines, counted below.
checks() {
	local mode=$1 missing extra verb path w p v o
	declare -gA MEMO=()
	PATHS=()
	VERBS=$(cat "$T/verbs")
	missing=""
	while read -r verb; do
		path=""
		for w in $verb; do
			offers "hsbctl $path" "$w" || {
				missing="$missing '$verb'"
				break
			}
			path="$path$w "
		done
	done <"$T/verbs"
	[ -z "$missing" ] && ok "every request completes word by word" ||
		not_ok "requests not completed:$missing"

	# every path offered is a request, part of one, or a request and a
	# literal word its --help line shows ("show vrrp [brief]")
	extra=""
	walk ""
	for p in "${PATHS[@]}"; do
		# a request, or the first words of one
		[[ $'\n'$VERBS$'\n' == *$'\n'"$p"[$' \n']* ]] && continue
		[[ $'\n'$VERBS$'\n' == *$'\n'"${p% *}"$'\n'* ]] &&
			is_arg "${p% *}" "${p##* }" && continue
		extra="$extra '$p'"
	done
	[ -z "$extra" ] && ok "nothing offered that is not a request" ||
		not_ok "offered, but no request:$extra"

	missing=""
	while read -r o; do
		offers "hsbctl -" "--$o" || missing="$missing --$o"
	done <"$T/hsbctl-options"
	[ -z "$missing" ] && ok "every long option of hsbctl" ||
		not_ok "options not offered:$missing"
	offers "hsbctl -s $T/x -j -t 500 sh" show &&
		ok "options and their values are skipped" ||
		not_ok "hsbctl -s X -j -t 500 sh: no 'show'"
	for v in "show sessions" "clear sessions" "show nat sessions"; do
		comp "hsbctl $v " >"$T/got"
		if diff -q <(sort "$T/filter-words") "$T/got" >/dev/null; then
			ok "$v: the FILTER keywords"
		else
			not_ok "$v: offers $(paste -sd' ' "$T/got")"
		fi
	done
	offers "hsbctl show sessions source 10.0.0.0/8 " source &&
		not_ok "a FILTER keyword offered twice" ||
		ok "a FILTER keyword is offered once"
	comp "hsbctl show sessions state " >"$T/got"
	diff -q "$T/session-states" "$T/got" >/dev/null &&
		ok "state: the names the filter accepts" ||
		not_ok "state offers $(paste -sd' ' "$T/got")"
	comp "hsbctl clear sessions protocol " >"$T/got"
	[ "$(paste -sd' ' "$T/got")" = "icmp icmpv6 tcp udp" ] &&
		ok "protocol: tcp udp icmp icmpv6" ||
		not_ok "protocol offers $(paste -sd' ' "$T/got")"
	offers "hsbctl config -f $T/fi" "$T/file.conf" &&
		ok "config -f completes file names" ||
		not_ok "config -f $T/fi: no $T/file.conf"
	offers "hsbctl -s $T/fi" "$T/file.conf" &&
		ok "-s completes file names" || not_ok "-s: no file name"
	[ -z "$(comp "hsbctl status ")" ] &&
		ok "a complete request offers nothing more" ||
		not_ok "hsbctl status offers $(comp "hsbctl status ")"
}

for mode in bc plain; do
	if [ $mode = bc ]; then
		echo "-- with bash-completion ($BC)"
		if [ ! -r "$BC" ]; then
			not_ok "bash-completion missing: apt-get install bash-completion"
			continue
		fi
	else
		echo "-- without bash-completion"
	fi
	out=$(
		set +u # bash-completion is not written for set -u
		if [ $mode = bc ]; then
			. "$BC"
		fi
		. "$COMP"
		checks $mode 2>&1
	)
	printf '%s\n' "$out"
	T_PASS=$((T_PASS + $(grep -c '^  ok ' <<<"$out")))
	T_FAIL=$((T_FAIL + $(grep -c '^  FAIL ' <<<"$out")))
	# a subshell that died half-way must not pass
	[ "$(grep -cE '^  (ok|FAIL) ' <<<"$out")" -eq 13 ] ||
		not_ok "$mode: $(grep -cE '^  (ok|FAIL) ' <<<"$out") of 13 checks ran"
done

bash --norc -c ". $COMP && complete -p hsbctl" >"$T/out" 2>&1 &&
	grep -q -- '-F _hsbctl hsbctl' "$T/out" &&
	ok "sourcing it registers the completion" ||
	not_ok "complete -p hsbctl: $(cat "$T/out")"

hsb_test_done
