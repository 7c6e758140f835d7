#!/usr/bin/env bash
# `make fuzz-cov`: line coverage of what each harness fuzzes, from the
# committed corpus (and reproducers) replayed by the harness built with
# clang's source-based coverage (SANITIZE=cov, DIR/fuzzers/).
#
#   tests/fuzz/coverage.sh DIR [NAME...]
#
# Prints, per harness, llvm-cov's line coverage of the files it targets;
# the full per-file report is in DIR/cov/NAME.txt.
set -u
cd "$(dirname "$0")/../.." || exit 1
dir=${1:-build/fuzzcov}
shift || true
names=("$@")
[ ${#names[@]} -eq 0 ] && for b in "$dir"/fuzzers/fuzz_*; do
	names+=("$(basename "$b")")
done
profdata=$(command -v llvm-profdata || command -v llvm-profdata-14)
cov=$(command -v llvm-cov || command -v llvm-cov-14)

# The product files each harness is about.
targets() {
	case $1 in
	fuzz_config_line | fuzz_config_file) echo user/config/ ;;
	fuzz_vrrp) echo user/vrrp/vrrp_codec.c user/vrrp/vrrp_ipv4.c user/vrrp/vrrp_fsm.c ;;
	fuzz_vgmp) echo user/vgmp/vgmp_codec.c user/vgmp/vgmp_link.c user/vgmp/vgmp_group.c ;;
	fuzz_hrp) echo user/hrp/hrp_frame.c ;;
	fuzz_ctl_proto) echo user/lib/ctl_proto.c ;;
	fuzz_ctl_request) echo user/lib/ctl_proto.c user/hsbd/ctl/ctl_dispatch.c \
		user/hsbd/sessions/session_filter.c ;;
	fuzz_event_check) echo user/hsbd/records/collector.c ;;
	esac
}

# The parser functions proper (line coverage printed for each).
parsers() {
	case $1 in
	fuzz_config_line | fuzz_config_file) echo 'hcfg_lex|hcfg_apply_buf|apply_one|find_command' ;;
	fuzz_vrrp) echo 'vrrp_decode|vrrp_ip4_parse|vrrp_fsm_rx_advert' ;;
	fuzz_vgmp) echo 'vgmp_decode|decode_group|name_valid|vgmp_link_rx|vgmp_group_rx_hello' ;;
	fuzz_hrp) echo 'hrp_rx_feed|check_header|finish' ;;
	fuzz_ctl_proto | fuzz_ctl_request) echo 'hsb_ctl_feed|line_complete|split_words|hsbd_ctl_dispatch|matches|hsb_session_filter_parse|parse_prefix|parse_port|parse_proto|parse_state|parse_value' ;;
	fuzz_event_check) echo 'hsb_event_check|nat_check' ;;
	esac
}

mkdir -p "$dir/cov"
for name in "${names[@]}"; do
	bin=$dir/fuzzers/$name
	[ -x "$bin" ] || { echo "coverage.sh: $bin not built" >&2; continue; }
	raw=$dir/cov/$name.profraw
	rm -f "$raw"
	inputs=()
	for s in corpus regressions; do
		[ -d "tests/fuzz/$s/$name" ] && inputs+=("tests/fuzz/$s/$name")
	done
	LLVM_PROFILE_FILE=$raw "$bin" "${inputs[@]}" >/dev/null 2>&1
	"$profdata" merge -sparse "$raw" -o "$dir/cov/$name.profdata"
	# shellcheck disable=SC2046
	"$cov" report "$bin" -instr-profile="$dir/cov/$name.profdata" \
		$(targets "$name") >"$dir/cov/$name.txt"
	echo "== $name"
	# file, lines, missed lines, line coverage
	awk 'NR > 2 && $1 !~ /^-/ && NF >= 10 {
		printf "  %-44s lines %5s  missed %5s  %s\n", $1, $8, $9, $10 }' \
		"$dir/cov/$name.txt"
	# shellcheck disable=SC2046
	"$cov" report "$bin" -instr-profile="$dir/cov/$name.profdata" \
		-show-functions $(targets "$name") 2>/dev/null |
		awk -v re="^([a-z_]+\\.c:)?($(parsers "$name"))\$" '$1 ~ re {
			printf "    %-42s lines %5s  missed %5s  %s\n", $1, $5, $6, $7 }'
done
