# SPDX-License-Identifier: Apache-2.0
# Piiri: build, run, test and measure. `make run` and `make test` set up
# everything they need on a Debian machine (scripts/deps.sh).

PKGS      := libevent libpq libical jansson libsodium zlib
CC        ?= cc
CFLAGS_COMMON := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wmissing-prototypes \
                 -Wstrict-prototypes -Wno-unused-parameter -g -Iserver -Icalendars
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread
VERSION   := 0.1.0

# Release build in build/, sanitizer build (for tests) in build/asan/.
RELEASE_CFLAGS := $(CFLAGS_COMMON) -O2
ASAN_CFLAGS    := $(CFLAGS_COMMON) -O1 -Werror -fno-omit-frame-pointer -fsanitize=address,undefined \
                  -fno-sanitize-recover=undefined
ASAN_LDFLAGS   := -fsanitize=address,undefined

SERVER_SRCS := $(wildcard server/*.c)
CAL_SRCS    := $(wildcard calendars/*.c)
LIB_SRCS    := $(filter-out server/main.c,$(SERVER_SRCS))
FUZZERS     := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 60
SCHEMA      := $(sort $(wildcard schema/[0-9][0-9][0-9]_*.sql))
UNIT_TESTS  := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))

.PHONY: all run stop test unit integration bench soak fuzz deps deps-test deps-bench format clean install

all: build/piirid

# ---- objects ----------------------------------------------------------------

build/schema.c: $(SCHEMA) scripts/embed-schema.sh
	@mkdir -p build
	sh scripts/embed-schema.sh $(SCHEMA) > $@

build/obj/%.o: server/%.c server/*.h $(wildcard calendars/*.h)
	@mkdir -p build/obj
	$(CC) $(RELEASE_CFLAGS) $(PKG_CFLAGS) -DPIIRI_VERSION='"$(VERSION)"' -c $< -o $@

build/obj/cal-%.o: calendars/%.c calendars/*.h
	@mkdir -p build/obj
	$(CC) $(RELEASE_CFLAGS) $(PKG_CFLAGS) -c $< -o $@

build/asan/obj/cal-%.o: calendars/%.c calendars/*.h
	@mkdir -p build/asan/obj
	$(CC) $(ASAN_CFLAGS) $(PKG_CFLAGS) -c $< -o $@

build/obj/schema.o: build/schema.c server/migrate.h
	$(CC) $(RELEASE_CFLAGS) $(PKG_CFLAGS) -c $< -o $@

build/asan/obj/%.o: server/%.c server/*.h $(wildcard calendars/*.h)
	@mkdir -p build/asan/obj
	$(CC) $(ASAN_CFLAGS) $(PKG_CFLAGS) -DPIIRI_VERSION='"$(VERSION)"' -c $< -o $@

build/asan/obj/schema.o: build/schema.c server/migrate.h
	@mkdir -p build/asan/obj
	$(CC) $(ASAN_CFLAGS) $(PKG_CFLAGS) -c $< -o $@

CAL_OBJS      = $(patsubst calendars/%.c,build/obj/cal-%.o,$(CAL_SRCS))
ASAN_CAL_OBJS = $(patsubst calendars/%.c,build/asan/obj/cal-%.o,$(CAL_SRCS))

build/piirid: $(patsubst server/%.c,build/obj/%.o,$(SERVER_SRCS)) $(CAL_OBJS) build/obj/schema.o
	$(CC) -o $@ $^ $(PKG_LIBS)

build/asan/libpiiri.a: $(patsubst server/%.c,build/asan/obj/%.o,$(LIB_SRCS)) $(ASAN_CAL_OBJS) build/asan/obj/schema.o
	rm -f $@ && ar rcs $@ $^

build/asan/piirid: build/asan/obj/main.o build/asan/libpiiri.a
	$(CC) $(ASAN_LDFLAGS) -o $@ $^ $(PKG_LIBS)

build/asan/tests/%: tests/unit/%.c build/asan/libpiiri.a
	@mkdir -p build/asan/tests
	$(CC) $(ASAN_CFLAGS) $(PKG_CFLAGS) $(ASAN_LDFLAGS) -o $@ $< build/asan/libpiiri.a \
		$(PKG_LIBS) $(shell pkg-config --libs cmocka 2>/dev/null)

# ---- set-up -----------------------------------------------------------------

deps:
	@scripts/deps.sh run

deps-test:
	@scripts/deps.sh test

deps-bench:
	@scripts/deps.sh bench

# ---- running ----------------------------------------------------------------

run: deps
	@$(MAKE) --no-print-directory build/piirid
	@scripts/run.sh

stop:
	@scripts/pgcluster.sh stop var/pg

# ---- tests ------------------------------------------------------------------

export ASAN_OPTIONS := detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS := print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS := suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0

test: deps-test
	@$(MAKE) --no-print-directory unit integration

unit: $(addprefix build/asan/tests/,$(UNIT_TESTS))
	@failed=0; for t in $^; do echo "== $$t"; $$t || failed=1; done; exit $$failed

integration: build/asan/piirid
	cd tests/integration && PIIRI_BIN=$(CURDIR)/build/asan/piirid /usr/bin/python3 -m pytest -q -p no:cacheprovider

# ---- fuzzing (libFuzzer, clang): each target runs FUZZ_SECONDS ------------------

build/fuzz/%: tests/fuzz/%.c $(CAL_SRCS) calendars/*.h
	@mkdir -p build/fuzz
	clang -std=c11 -D_GNU_SOURCE -g -O1 -Icalendars -Iserver $(PKG_CFLAGS) \
		-fsanitize=fuzzer,address,undefined -o $@ $< $(CAL_SRCS) $(PKG_LIBS)

fuzz: deps-test $(addprefix build/fuzz/,$(FUZZERS))
	@set -e; for f in $(FUZZERS); do mkdir -p build/fuzz/corpus-$$f; \
		echo "== $$f ($(FUZZ_SECONDS) s)"; \
		build/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build/fuzz/corpus-$$f \
			$$( [ -d tests/fuzz/seeds-$$f ] && echo tests/fuzz/seeds-$$f ); done

# ---- measuring --------------------------------------------------------------

bench: deps-bench
	@$(MAKE) --no-print-directory build/piirid build/bench-matching
	build/bench-matching
	PIIRI_BIN=$(CURDIR)/build/piirid bench/run.sh

# Mixed traffic for SOAK_SECONDS (600), the workers' memory sampled (also the last part of make bench).
soak: deps-bench
	@$(MAKE) --no-print-directory build/piirid
	PIIRI_BIN=$(CURDIR)/build/piirid bench/soak.sh

# Batch matching proposals at scale against a greedy baseline: no server, no database.
build/bench-matching: bench/matching.c server/matching.c server/util.c server/matching.h server/util.h
	@mkdir -p build
	$(CC) $(RELEASE_CFLAGS) -o $@ bench/matching.c server/matching.c server/util.c

# ---- housekeeping -----------------------------------------------------------

format:
	clang-format -i server/*.c server/*.h calendars/*.[ch] tests/unit/*.c

clean:
	rm -rf build

PREFIX ?= /usr/local
install: build/piirid
	install -D -m 0755 build/piirid $(DESTDIR)$(PREFIX)/bin/piirid
