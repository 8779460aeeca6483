# SPDX-License-Identifier: Apache-2.0
# Piiri: build, run, test and measure. `make run` and `make test` set up
# everything they need on a Debian machine (scripts/deps.sh).

PKGS      := libevent libpq libical jansson libsodium
CC        ?= cc
CFLAGS_COMMON := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wmissing-prototypes \
                 -Wstrict-prototypes -Wno-unused-parameter -g -Iserver
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread
VERSION   := 0.1.0

# Release build in build/, sanitizer build (for tests) in build/asan/.
RELEASE_CFLAGS := $(CFLAGS_COMMON) -O2
ASAN_CFLAGS    := $(CFLAGS_COMMON) -O1 -Werror -fno-omit-frame-pointer -fsanitize=address,undefined \
                  -fno-sanitize-recover=undefined
ASAN_LDFLAGS   := -fsanitize=address,undefined

SERVER_SRCS := $(wildcard server/*.c)
LIB_SRCS    := $(filter-out server/main.c,$(SERVER_SRCS))
SCHEMA      := $(sort $(wildcard schema/[0-9][0-9][0-9]_*.sql))
UNIT_TESTS  := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))

.PHONY: all run stop test unit integration bench deps deps-test deps-bench format clean install

all: build/piirid

# ---- objects ----------------------------------------------------------------

build/schema.c: $(SCHEMA) scripts/embed-schema.sh
	@mkdir -p build
	sh scripts/embed-schema.sh $(SCHEMA) > $@

build/obj/%.o: server/%.c server/*.h
	@mkdir -p build/obj
	$(CC) $(RELEASE_CFLAGS) $(PKG_CFLAGS) -DPIIRI_VERSION='"$(VERSION)"' -c $< -o $@

build/obj/schema.o: build/schema.c server/migrate.h
	$(CC) $(RELEASE_CFLAGS) $(PKG_CFLAGS) -c $< -o $@

build/asan/obj/%.o: server/%.c server/*.h
	@mkdir -p build/asan/obj
	$(CC) $(ASAN_CFLAGS) $(PKG_CFLAGS) -DPIIRI_VERSION='"$(VERSION)"' -c $< -o $@

build/asan/obj/schema.o: build/schema.c server/migrate.h
	@mkdir -p build/asan/obj
	$(CC) $(ASAN_CFLAGS) $(PKG_CFLAGS) -c $< -o $@

build/piirid: $(patsubst server/%.c,build/obj/%.o,$(SERVER_SRCS)) build/obj/schema.o
	$(CC) -o $@ $^ $(PKG_LIBS)

build/asan/libpiiri.a: $(patsubst server/%.c,build/asan/obj/%.o,$(LIB_SRCS)) build/asan/obj/schema.o
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
	@set -e; for t in $^; do echo "== $$t"; $$t; done

integration: build/asan/piirid
	cd tests/integration && PIIRI_BIN=$(CURDIR)/build/asan/piirid /usr/bin/python3 -m pytest -q -p no:cacheprovider

# ---- measuring --------------------------------------------------------------

bench: deps-bench
	@$(MAKE) --no-print-directory build/piirid
	PIIRI_BIN=$(CURDIR)/build/piirid bench/run.sh

# ---- housekeeping -----------------------------------------------------------

format:
	clang-format -i server/*.c server/*.h tests/unit/*.c

clean:
	rm -rf build

PREFIX ?= /usr/local
install: build/piirid
	install -D -m 0755 build/piirid $(DESTDIR)$(PREFIX)/bin/piirid
