# SPDX-License-Identifier: Apache-2.0
# Piiri: build, run, test and measure. `make run` and `make test` set up
# everything they need on a Debian machine (scripts/deps.sh).

PKGS      := libevent libpq libical jansson libsodium zlib libcurl
CC        ?= cc
CFLAGS_COMMON := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wmissing-prototypes \
                 -Wstrict-prototypes -Wno-unused-parameter -g -Iserver -Icalendars -Imatching -Imustache
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libunistring (Unicode normalization and case folding) has no pkg-config file on Debian 12.
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lunistring -lpthread
VERSION   := 0.1.0

# Release build in build/, sanitizer build (for tests) in build/asan/.
RELEASE_CFLAGS := $(CFLAGS_COMMON) -O2
ASAN_CFLAGS    := $(CFLAGS_COMMON) -O1 -Werror -fno-omit-frame-pointer -fsanitize=address,undefined \
                  -fno-sanitize-recover=undefined
ASAN_LDFLAGS   := -fsanitize=address,undefined

SERVER_SRCS := $(wildcard server/*.c)
CAL_SRCS    := $(wildcard calendars/*.c)
MATCH_SRCS  := $(wildcard matching/*.c)
MUSTACHE_SRCS := $(wildcard mustache/*.c)
LIB_SRCS    := $(filter-out server/main.c,$(SERVER_SRCS))
FUZZERS     := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 60
SCHEMA      := $(sort $(wildcard schema/[0-9][0-9][0-9]_*.sql))
# The function files in the order migrate applies them: a SQL-language body is
# checked when it is created, so a file comes after those whose functions its
# SQL functions call (schema/README.md). Every file of schema/functions/ is here.
FUNCTIONS   := $(addprefix schema/functions/,base.sql auth.sql orgs.sql groups.sql sessions.sql schedules.sql outbox.sql mail-links.sql mail.sql reminders.sql \
                 signups.sql offers.sql attendance.sql retention.sql reports.sql matching.sql people.sql feeds.sql invitations.sql \
                 web.sql web-member.sql web-leader.sql web-attendance.sql web-manage.sql web-people.sql \
                 web-coord-sessions.sql web-reports.sql web-support.sql)
ifneq ($(sort $(FUNCTIONS)),$(sort $(wildcard schema/functions/*.sql)))
$(error FUNCTIONS in the Makefile must list every schema/functions/*.sql file once)
endif
# The web client (clients/web/): templates, static files, string catalogs, built in.
WEB_FILES   := $(sort $(wildcard clients/web/templates/*.mustache clients/web/static/* clients/web/i18n/*.json clients/web/worker/*.js))
UNIT_TESTS  := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))

.PHONY: all run stop test unit integration integration-pgbouncer integration-upgrade web-test bench soak fuzz fuzz-smoke \
        fuzz-record lint lint-cycles lint-objects lint-format deps deps-test deps-bench format clean install

all: build/piirid build/piiri

# ---- objects ----------------------------------------------------------------

build/schema.c: $(SCHEMA) $(FUNCTIONS) scripts/embed-schema.sh Makefile
	@mkdir -p build
	sh scripts/embed-schema.sh $(SCHEMA) -- $(FUNCTIONS) > $@

build/web.c: $(WEB_FILES) scripts/embed-web.sh Makefile
	@mkdir -p build
	sh scripts/embed-web.sh $(WEB_FILES) > $@

build/obj/%.o: server/%.c server/*.h $(wildcard calendars/*.h) $(wildcard matching/*.h)
	@mkdir -p build/obj
	$(CC) $(RELEASE_CFLAGS) $(PKG_CFLAGS) -DPIIRI_VERSION='"$(VERSION)"' -c $< -o $@

build/obj/cal-%.o: calendars/%.c calendars/*.h
	@mkdir -p build/obj
	$(CC) $(RELEASE_CFLAGS) $(PKG_CFLAGS) -c $< -o $@

build/asan/obj/cal-%.o: calendars/%.c calendars/*.h
	@mkdir -p build/asan/obj
	$(CC) $(ASAN_CFLAGS) $(PKG_CFLAGS) -c $< -o $@

# The matching library sees only its own headers: nothing of server/.
LIB_ONLY = $(filter-out -Iserver -Icalendars,$(1))

build/obj/matching/%.o: matching/%.c matching/*.h
	@mkdir -p build/obj/matching
	$(CC) $(call LIB_ONLY,$(RELEASE_CFLAGS)) -c $< -o $@

build/asan/obj/matching/%.o: matching/%.c matching/*.h
	@mkdir -p build/asan/obj/matching
	$(CC) $(call LIB_ONLY,$(ASAN_CFLAGS)) -c $< -o $@

# The template renderer likewise, with Jansson's headers for the values it renders.
JANSSON_CFLAGS = $(shell pkg-config --cflags jansson 2>/dev/null)

build/obj/mustache/%.o: mustache/%.c mustache/*.h
	@mkdir -p build/obj/mustache
	$(CC) $(call LIB_ONLY,$(RELEASE_CFLAGS)) $(JANSSON_CFLAGS) -c $< -o $@

build/asan/obj/mustache/%.o: mustache/%.c mustache/*.h
	@mkdir -p build/asan/obj/mustache
	$(CC) $(call LIB_ONLY,$(ASAN_CFLAGS)) $(JANSSON_CFLAGS) -c $< -o $@

build/obj/schema.o: build/schema.c server/migrate.h
	$(CC) $(RELEASE_CFLAGS) $(PKG_CFLAGS) -c $< -o $@

build/obj/web.o: build/web.c server/web-assets.h
	@mkdir -p build/obj
	$(CC) $(RELEASE_CFLAGS) -c $< -o $@

build/asan/obj/web.o: build/web.c server/web-assets.h
	@mkdir -p build/asan/obj
	$(CC) $(ASAN_CFLAGS) -c $< -o $@

build/asan/obj/%.o: server/%.c server/*.h $(wildcard calendars/*.h) $(wildcard matching/*.h)
	@mkdir -p build/asan/obj
	$(CC) $(ASAN_CFLAGS) $(PKG_CFLAGS) -DPIIRI_VERSION='"$(VERSION)"' -c $< -o $@

build/asan/obj/schema.o: build/schema.c server/migrate.h
	@mkdir -p build/asan/obj
	$(CC) $(ASAN_CFLAGS) $(PKG_CFLAGS) -c $< -o $@

CAL_OBJS      = $(patsubst calendars/%.c,build/obj/cal-%.o,$(CAL_SRCS))
ASAN_CAL_OBJS = $(patsubst calendars/%.c,build/asan/obj/cal-%.o,$(CAL_SRCS))
MATCH_OBJS      = $(patsubst matching/%.c,build/obj/matching/%.o,$(MATCH_SRCS))
ASAN_MATCH_OBJS = $(patsubst matching/%.c,build/asan/obj/matching/%.o,$(MATCH_SRCS))
MUSTACHE_OBJS      = $(patsubst mustache/%.c,build/obj/mustache/%.o,$(MUSTACHE_SRCS))
ASAN_MUSTACHE_OBJS = $(patsubst mustache/%.c,build/asan/obj/mustache/%.o,$(MUSTACHE_SRCS))
PIIRID_OBJS     = $(patsubst server/%.c,build/obj/%.o,$(SERVER_SRCS)) $(CAL_OBJS) $(MATCH_OBJS) $(MUSTACHE_OBJS) \
                  build/obj/schema.o build/obj/web.o

build/piirid: $(PIIRID_OBJS)
	$(CC) -o $@ $^ $(PKG_LIBS)

build/asan/libpiiri.a: $(patsubst server/%.c,build/asan/obj/%.o,$(LIB_SRCS)) $(ASAN_CAL_OBJS) $(ASAN_MATCH_OBJS) \
		$(ASAN_MUSTACHE_OBJS) build/asan/obj/schema.o build/asan/obj/web.o
	rm -f $@ && ar rcs $@ $^

build/asan/piirid: build/asan/obj/main.o build/asan/libpiiri.a
	$(CC) $(ASAN_LDFLAGS) -o $@ $^ $(PKG_LIBS)

build/asan/tests/%: tests/unit/%.c build/asan/libpiiri.a
	@mkdir -p build/asan/tests
	$(CC) $(ASAN_CFLAGS) $(PKG_CFLAGS) $(ASAN_LDFLAGS) -o $@ $< build/asan/libpiiri.a \
		$(PKG_LIBS) $(shell pkg-config --libs cmocka 2>/dev/null)

# ---- the command-line client (clients/cli/, see its README) ------------------
# piiri links only its own objects, libcurl and Jansson: nothing of server/.
# The unit tests test_cli_*.c link build/asan/libpiiri-cli.a instead of the
# server's archive (the more specific pattern rule below wins).

CLI_SRCS      := $(wildcard clients/cli/*.c)
CLI_LIB_SRCS  := $(filter-out clients/cli/main.c,$(CLI_SRCS))
CLI_PKGS      := libcurl jansson
CLI_CFLAGS     = $(shell pkg-config --cflags $(CLI_PKGS) 2>/dev/null) -Iclients/cli -DPIIRI_VERSION='"$(VERSION)"'
CLI_LIBS       = $(shell pkg-config --libs $(CLI_PKGS) 2>/dev/null) -lm
CLI_OBJS       = $(patsubst clients/cli/%.c,build/obj/cli/%.o,$(CLI_SRCS))
ASAN_CLI_OBJS  = $(patsubst clients/cli/%.c,build/asan/obj/cli/%.o,$(CLI_LIB_SRCS))

build/obj/cli/%.o: clients/cli/%.c clients/cli/*.h
	@mkdir -p build/obj/cli
	$(CC) $(filter-out -I%,$(RELEASE_CFLAGS)) $(CLI_CFLAGS) -c $< -o $@

build/asan/obj/cli/%.o: clients/cli/%.c clients/cli/*.h
	@mkdir -p build/asan/obj/cli
	$(CC) $(filter-out -I%,$(ASAN_CFLAGS)) $(CLI_CFLAGS) -c $< -o $@

build/piiri: $(CLI_OBJS)
	$(CC) -o $@ $^ $(CLI_LIBS)

build/asan/libpiiri-cli.a: $(ASAN_CLI_OBJS)
	rm -f $@ && ar rcs $@ $^

build/asan/piiri: build/asan/obj/cli/main.o build/asan/libpiiri-cli.a
	$(CC) $(ASAN_LDFLAGS) -o $@ $^ $(CLI_LIBS)

build/asan/tests/test_cli_%: tests/unit/test_cli_%.c build/asan/libpiiri-cli.a
	@mkdir -p build/asan/tests
	$(CC) $(filter-out -I%,$(ASAN_CFLAGS)) $(CLI_CFLAGS) $(ASAN_LDFLAGS) -o $@ $< build/asan/libpiiri-cli.a \
		$(CLI_LIBS) $(shell pkg-config --libs cmocka 2>/dev/null)

# The man page, from scdoc's source.
build/piiri.1: clients/cli/piiri.1.scd
	@mkdir -p build
	scdoc < $< > $@

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
	@$(MAKE) --no-print-directory unit fuzz-smoke integration integration-pgbouncer integration-upgrade web-test

unit: $(addprefix build/asan/tests/,$(UNIT_TESTS))
	@failed=0; for t in $^; do echo "== $$t"; $$t || failed=1; done; exit $$failed

# The JavaScript parsers the feed tests read feeds with (tests/feeds-js), as
# the lock file pins them. Only the tests need node; make run does not.
build/feeds-js/.installed: tests/feeds-js/package.json tests/feeds-js/package-lock.json
	rm -rf build/feeds-js && mkdir -p build/feeds-js
	cp tests/feeds-js/package.json tests/feeds-js/package-lock.json build/feeds-js/
	cd build/feeds-js && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The browser checks' modules (tests/web): Playwright drives Debian's chromium,
# so no browser is downloaded, and vnu-jar runs on Debian's Java, so its
# install script (which would fetch one) is not run.
build/web-js/.installed: tests/web/package.json tests/web/package-lock.json
	rm -rf build/web-js && mkdir -p build/web-js
	cp tests/web/package.json tests/web/package-lock.json build/web-js/
	cd build/web-js && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# Every page in a real browser against piirid with the demo data (tests/web/README.md);
# screenshots and the saved pages go to build/web-artifacts/.
web-test: build/asan/piirid build/web-js/.installed
	PIIRI_BIN=$(CURDIR)/build/asan/piirid /usr/bin/python3 tests/web/run.py

integration: build/asan/piirid build/asan/piiri build/feeds-js/.installed
	cd tests/integration && PIIRI_BIN=$(CURDIR)/build/asan/piirid PIIRI_CLI=$(CURDIR)/build/asan/piiri \
		/usr/bin/python3 -m pytest -q -p no:cacheprovider

# The signup, feed and matching tests again, with two piirid behind PgBouncer in
# transaction mode (LISTEN straight to PostgreSQL), each request to the next.
PGBOUNCER_TESTS := test_signups.py test_feeds.py test_matching.py test_scale_out.py \
                   test_zz_logs.py::test_logs_hold_no_personal_data
integration-pgbouncer: build/asan/piirid build/feeds-js/.installed
	cd tests/integration && PIIRI_TEST_PGBOUNCER=1 PIIRI_BIN=$(CURDIR)/build/asan/piirid \
		/usr/bin/python3 -m pytest -q -p no:cacheprovider $(PGBOUNCER_TESTS)

# A part of the suite on a database that a piirid of 0c42dc8 made (when the
# migrations held the functions) and this piirid upgraded as it started; the
# whole schema of such a database is compared in test_schema_upgrade.py.
UPGRADE_TESTS := test_signups.py test_groups.py test_feeds.py test_me.py \
                 test_matching.py::test_match_accept_and_history test_matching.py::test_decline_and_rematch \
                 test_matching.py::test_requester_erasure_ends_their_requests \
                 test_matching.py::test_removed_supporter_loses_access_at_once \
                 test_matching.py::test_export_holds_requests_profiles_and_pairings \
                 test_auth.py::test_register test_auth.py::test_login test_auth.py::test_email_spellings_are_one_account \
                 test_auth.py::test_device_token_passes_a_locked_pair test_auth.py::test_registration_throttled_per_email
integration-upgrade: build/asan/piirid build/feeds-js/.installed
	cd tests/integration && PIIRI_TEST_UPGRADED=1 PIIRI_BIN=$(CURDIR)/build/asan/piirid \
		/usr/bin/python3 -m pytest -q -p no:cacheprovider $(UPGRADE_TESTS)

# ---- fuzzing (libFuzzer, clang): each target runs FUZZ_SECONDS ------------------
# Every server/, calendars/, matching/ and mustache/ object is built instrumented into one archive;
# a target links against it and so gets the objects it uses, and no others.

FUZZ_CFLAGS := $(CFLAGS_COMMON) -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
               -fno-sanitize-recover=undefined
FUZZ_OBJS    = $(patsubst server/%.c,build/fuzz/obj/%.o,$(LIB_SRCS)) \
               $(patsubst calendars/%.c,build/fuzz/obj/cal-%.o,$(CAL_SRCS)) \
               $(patsubst matching/%.c,build/fuzz/obj/matching/%.o,$(MATCH_SRCS)) \
               $(patsubst mustache/%.c,build/fuzz/obj/mustache/%.o,$(MUSTACHE_SRCS)) build/fuzz/obj/schema.o \
               build/fuzz/obj/web.o

build/fuzz/obj/%.o: server/%.c server/*.h $(wildcard calendars/*.h) $(wildcard matching/*.h)
	@mkdir -p build/fuzz/obj
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -DPIIRI_VERSION='"$(VERSION)"' -c $< -o $@

build/fuzz/obj/cal-%.o: calendars/%.c calendars/*.h
	@mkdir -p build/fuzz/obj
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -c $< -o $@

build/fuzz/obj/matching/%.o: matching/%.c matching/*.h
	@mkdir -p build/fuzz/obj/matching
	clang $(call LIB_ONLY,$(FUZZ_CFLAGS)) -fsanitize=fuzzer-no-link -c $< -o $@

build/fuzz/obj/mustache/%.o: mustache/%.c mustache/*.h
	@mkdir -p build/fuzz/obj/mustache
	clang $(call LIB_ONLY,$(FUZZ_CFLAGS)) $(JANSSON_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

build/fuzz/obj/schema.o: build/schema.c server/migrate.h
	@mkdir -p build/fuzz/obj
	clang $(FUZZ_CFLAGS) $(PKG_CFLAGS) -c $< -o $@

build/fuzz/obj/web.o: build/web.c server/web-assets.h
	@mkdir -p build/fuzz/obj
	clang $(FUZZ_CFLAGS) -c $< -o $@

build/fuzz/libpiiri.a: $(FUZZ_OBJS)
	rm -f $@ && ar rcs $@ $^

build/fuzz/%: tests/fuzz/%.c build/fuzz/libpiiri.a
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) -o $@ $< build/fuzz/libpiiri.a $(PKG_LIBS)

fuzz: deps-test $(addprefix build/fuzz/,$(FUZZERS))
	@set -e; for f in $(FUZZERS); do mkdir -p build/fuzz/corpus-$$f; \
		echo "== $$f ($(FUZZ_SECONDS) s)"; \
		build/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -artifact_prefix=build/fuzz/$$f- \
			$$( [ -f tests/fuzz/$$f.dict ] && echo -dict=tests/fuzz/$$f.dict ) build/fuzz/corpus-$$f \
			$$( [ -d tests/fuzz/seeds-$$f ] && echo tests/fuzz/seeds-$$f ); done

# ---- static analysis --------------------------------------------------------
# No cycle between modules (scripts/check-cycles.py, from the objects' symbols;
# the rule is in its first comment and server/README.md), then cppcheck, then
# clang's analyzer (scan-build) with clang's warnings as errors, over every C
# file in LINT_DIRS; any finding fails. A false positive is suppressed where it
# is (// cppcheck-suppress id, with the reason) or in tests/cppcheck.supp,
# never by turning a check off for everything.

LINT_DIRS     := server calendars matching mustache clients
LINT_SRCS      = $(sort $(shell find $(LINT_DIRS) -name '*.c' 2>/dev/null))
LINT_INCLUDES := $(addprefix -I,$(LINT_DIRS))
CPPCHECK_FLAGS = --std=c11 --enable=warning,style,performance,portability --error-exitcode=1 -q \
                 --inline-suppr --suppressions-list=tests/cppcheck.supp --suppress=missingIncludeSystem \
                 --include=$(shell pkg-config --variable=includedir jansson 2>/dev/null || echo /usr/include)/jansson.h \
                 -D_GNU_SOURCE $(LINT_INCLUDES) --template='{file}:{line}: {severity} ({id}): {message}'
SCAN_CHECKERS := security.FloatLoopCounter optin.portability.UnixAPI valist

lint: deps-test
	@$(MAKE) --no-print-directory lint-cycles lint-format
	cppcheck $(CPPCHECK_FLAGS) $(LINT_SRCS)
	rm -rf build/lint
	scan-build-14 --status-bugs -o build/lint/report --use-cc=clang $(addprefix -enable-checker ,$(SCAN_CHECKERS)) \
		sh -c '$(MAKE) --no-print-directory lint-objects CC="$$CC"'

lint-cycles: $(PIIRID_OBJS)
	@/usr/bin/python3 scripts/check-cycles.py --allow scripts/cycles-to-remove.txt $(PIIRID_OBJS)

# The layout .clang-format asks for, in the files held to it so far.
FORMAT_CHECKED = $(wildcard clients/cli/*.[ch]) $(wildcard tests/unit/test_cli_*.c)
lint-format:
	@clang-format --dry-run --Werror $(FORMAT_CHECKED)

# Run by scan-build, whose compiler wrapper is $(CC) here.
lint-objects: $(patsubst %.c,build/lint/%.o,$(LINT_SRCS))

build/lint/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) -Werror $(LINT_INCLUDES) $(PKG_CFLAGS) -DPIIRI_VERSION='"$(VERSION)"' -c $< -o $@

# ---- fuzzing the request path (tests/fuzz/fuzz_request.c) ----------------------
# The real server objects without the database pool, the background thread,
# the hasher and the log writer, which tests/fuzz/request/ replaces; the
# database answers come from tests/fuzz/request/answers.json, recorded by
# `make fuzz-record` (the integration suite against build/record/piirid).

REQFUZZ_FAKED := main worker supervisor migrate admin db-pool db-conn background hasher feed-listen log
REQFUZZ_SRCS  := $(filter-out $(patsubst %,server/%.c,$(REQFUZZ_FAKED)),$(SERVER_SRCS))
REQFUZZ_OBJS  := $(patsubst server/%.c,build/fuzz/request/%.o,$(REQFUZZ_SRCS)) \
                 $(patsubst calendars/%.c,build/fuzz/request/cal-%.o,$(CAL_SRCS)) \
                 $(patsubst matching/%.c,build/fuzz/request/matching/%.o,$(MATCH_SRCS)) \
                 $(patsubst mustache/%.c,build/fuzz/request/mustache/%.o,$(MUSTACHE_SRCS)) build/fuzz/request/web.o \
                 $(patsubst tests/fuzz/request/%.c,build/fuzz/request/tests/%.o,$(filter-out %/db-record.c,$(wildcard tests/fuzz/request/*.c)))
REQFUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -Iserver -Icalendars -Imatching -Imustache -Itests/fuzz/request $(PKG_CFLAGS) \
                  -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
                  -DPIIRI_VERSION='"$(VERSION)"' -DREQFUZZ_ANSWERS='"$(CURDIR)/tests/fuzz/request/answers.json"'
REQFUZZ_WARN  := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wno-unused-parameter -Werror

build/fuzz/request/%.o: server/%.c server/*.h $(wildcard calendars/*.h) $(wildcard matching/*.h)
	@mkdir -p build/fuzz/request
	clang $(REQFUZZ_CFLAGS) -c $< -o $@

build/fuzz/request/cal-%.o: calendars/%.c calendars/*.h
	@mkdir -p build/fuzz/request
	clang $(REQFUZZ_CFLAGS) -c $< -o $@

build/fuzz/request/matching/%.o: matching/%.c matching/*.h
	@mkdir -p build/fuzz/request/matching
	clang $(call LIB_ONLY,$(REQFUZZ_CFLAGS)) -c $< -o $@

build/fuzz/request/mustache/%.o: mustache/%.c mustache/*.h
	@mkdir -p build/fuzz/request/mustache
	clang $(call LIB_ONLY,$(REQFUZZ_CFLAGS)) $(JANSSON_CFLAGS) -c $< -o $@

build/fuzz/request/web.o: build/web.c server/web-assets.h
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
build/record/piirid: $(PIIRID_OBJS) tests/fuzz/request/db-record.c
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

# Mixed traffic for SOAK_SECONDS (600), the workers' memory sampled (also the last part of make bench).
soak: deps-bench
	@$(MAKE) --no-print-directory build/piirid
	PIIRI_BIN=$(CURDIR)/build/piirid bench/soak.sh

# Batch matching proposals at scale against a greedy baseline: no server, no database.
build/bench-matching: bench/matching.c $(MATCH_SRCS) matching/*.h
	@mkdir -p build
	$(CC) $(call LIB_ONLY,$(RELEASE_CFLAGS)) -o $@ bench/matching.c $(MATCH_SRCS)

# ---- housekeeping -----------------------------------------------------------

format:
	clang-format -i server/*.c server/*.h calendars/*.[ch] matching/*.[ch] mustache/*.[ch] clients/cli/*.[ch] tests/unit/*.c

clean:
	rm -rf build

PREFIX ?= /usr/local
install: build/piirid build/piiri build/piiri.1
	install -D -m 0755 build/piirid $(DESTDIR)$(PREFIX)/bin/piirid
	install -D -m 0755 build/piiri $(DESTDIR)$(PREFIX)/bin/piiri
	install -D -m 0644 build/piiri.1 $(DESTDIR)$(PREFIX)/share/man/man1/piiri.1
	install -D -m 0644 clients/cli/piiri.bash-completion \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/piiri
