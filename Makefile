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

.PHONY: all run stop test unit integration bench fuzz fuzz-smoke fuzz-record deps deps-test deps-bench format clean install

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
	@$(MAKE) --no-print-directory unit fuzz-smoke integration

unit: $(addprefix build/asan/tests/,$(UNIT_TESTS))
	@failed=0; for t in $^; do echo "== $$t"; $$t || failed=1; done; exit $$failed

integration: build/asan/piirid
	cd tests/integration && PIIRI_BIN=$(CURDIR)/build/asan/piirid /usr/bin/python3 -m pytest -q -p no:cacheprovider

# ---- fuzzing (libFuzzer, clang): each target runs FUZZ_SECONDS ------------------

build/fuzz/%: tests/fuzz/%.c $(CAL_SRCS) calendars/*.h
	@mkdir -p build/fuzz
	clang -std=c11 -D_GNU_SOURCE -g -O1 -Icalendars -Iserver $(PKG_CFLAGS) \
		-fsanitize=fuzzer,address,undefined -o $@ $< $(CAL_SRCS) $(PKG_LIBS)

# Client addresses and X-Forwarded-For: server/netaddr.c alone.
build/fuzz/fuzz_netaddr: tests/fuzz/fuzz_netaddr.c server/netaddr.c server/util.c server/netaddr.h
	@mkdir -p build/fuzz
	clang -std=c11 -D_GNU_SOURCE -g -O1 -Iserver $(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined \
		-o $@ tests/fuzz/fuzz_netaddr.c server/netaddr.c server/util.c $(PKG_LIBS)

fuzz: deps-test $(addprefix build/fuzz/,$(FUZZERS))
	@set -e; for f in $(FUZZERS); do mkdir -p build/fuzz/corpus-$$f; \
		echo "== $$f ($(FUZZ_SECONDS) s)"; \
		build/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build/fuzz/corpus-$$f \
			$$( [ -d tests/fuzz/seeds-$$f ] && echo tests/fuzz/seeds-$$f ); done

# ---- fuzzing the request path (tests/fuzz/fuzz_request.c) ----------------------
# The real server objects without the database pool, the background thread,
# the hasher and the log writer, which tests/fuzz/request/ replaces; the
# database answers come from tests/fuzz/request/answers.json, recorded by
# `make fuzz-record` (the integration suite against build/record/piirid).

REQFUZZ_FAKED := main worker supervisor migrate admin db-pool db-conn background hasher feed-listen log
REQFUZZ_SRCS  := $(filter-out $(patsubst %,server/%.c,$(REQFUZZ_FAKED)),$(SERVER_SRCS))
REQFUZZ_OBJS  := $(patsubst server/%.c,build/fuzz/request/%.o,$(REQFUZZ_SRCS)) \
                 $(patsubst calendars/%.c,build/fuzz/request/cal-%.o,$(CAL_SRCS)) \
                 $(patsubst tests/fuzz/request/%.c,build/fuzz/request/tests/%.o,$(filter-out %/db-record.c,$(wildcard tests/fuzz/request/*.c)))
REQFUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -Iserver -Icalendars -Itests/fuzz/request $(PKG_CFLAGS) \
                  -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
                  -DPIIRI_VERSION='"$(VERSION)"' -DREQFUZZ_ANSWERS='"$(CURDIR)/tests/fuzz/request/answers.json"'
REQFUZZ_WARN  := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wno-unused-parameter -Werror

build/fuzz/request/%.o: server/%.c server/*.h $(wildcard calendars/*.h)
	@mkdir -p build/fuzz/request
	clang $(REQFUZZ_CFLAGS) -c $< -o $@

build/fuzz/request/cal-%.o: calendars/%.c calendars/*.h
	@mkdir -p build/fuzz/request
	clang $(REQFUZZ_CFLAGS) -c $< -o $@

build/fuzz/request/tests/%.o: tests/fuzz/request/%.c tests/fuzz/request/*.h server/*.h
	@mkdir -p build/fuzz/request/tests
	clang $(REQFUZZ_CFLAGS) $(REQFUZZ_WARN) -c $< -o $@

build/fuzz/fuzz_request: tests/fuzz/fuzz_request.c $(REQFUZZ_OBJS) tests/fuzz/request/*.h server/*.h
	clang $(REQFUZZ_CFLAGS) $(REQFUZZ_WARN) -fsanitize=fuzzer -o $@ $< $(REQFUZZ_OBJS) \
		-Wl,--wrap=evhttp_set_gencb,--wrap=evhttp_send_reply,--wrap=PQresultErrorField $(PKG_LIBS)

# The request fuzzer's seeds, each run once (a second): no fuzzing, that is make fuzz.
fuzz-smoke: build/fuzz/fuzz_request
	build/fuzz/fuzz_request -runs=0 tests/fuzz/seeds-fuzz_request

# piirid writing every database answer to $$PIIRI_DB_RECORD/<pid>.jsonl.
build/record/piirid: $(patsubst server/%.c,build/obj/%.o,$(SERVER_SRCS)) $(CAL_OBJS) build/obj/schema.o \
		tests/fuzz/request/db-record.c
	@mkdir -p build/record
	$(CC) $(RELEASE_CFLAGS) $(PKG_CFLAGS) -o $@ $(filter %.o,$^) tests/fuzz/request/db-record.c \
		-Wl,--wrap=db_pool_query $(PKG_LIBS)

fuzz-record: deps-test build/record/piirid
	rm -rf build/record/answers && mkdir -p build/record/answers
	-cd tests/integration && PIIRI_DB_RECORD=$(CURDIR)/build/record/answers \
		PIIRI_BIN=$(CURDIR)/build/record/piirid /usr/bin/python3 -m pytest -q -p no:cacheprovider
	/usr/bin/python3 tests/fuzz/request/answers.py build/record/answers > tests/fuzz/request/answers.json

# ---- measuring --------------------------------------------------------------

bench: deps-bench
	@$(MAKE) --no-print-directory build/piirid build/bench-matching
	build/bench-matching
	PIIRI_BIN=$(CURDIR)/build/piirid bench/run.sh

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
