# SPDX-License-Identifier: Apache-2.0
"""Times at the edges of what parses. In query strings, an instant in UTC
before year 1 (a date or time early on 0001-01-01 east of Greenwich) reached
PostgreSQL as "0-12-31T..." and was a 500: instants outside years 1 to 9999
in UTC (as bodies' times already are) are a 422 naming the parameter, in
every listing that takes a window. In bodies and query strings alike, years
before 1000 were written with fewer than four digits, which PostgreSQL read
as another year (0001 as 2001) or refused (a 500)."""

import urllib.parse

import pytest

from helpers import (GROUPS, assert_error, assert_json, create_group, get_group, parse_time,
                     report_path)

EARLY = ["0001-01-01", "0001-01-01T00:00:00+23:59", "0001-01-01T01:59:59+02:00",
         "9999-12-31T23:59:59-00:01"]


@pytest.mark.parametrize("when", EARLY)
@pytest.mark.parametrize("param", ["from", "to"])
def test_groups_listing(api, when, param):
    r = api("GET", f"{GROUPS}?{param}={urllib.parse.quote(when)}")
    assert_error(r, 422, "invalid", param)


@pytest.mark.parametrize("when", EARLY)
def test_sessions_listing(server, circle, when):
    g = create_group(server, circle.slug, circle.coord.token)
    r = server.api("GET", f"{GROUPS}/{g['id']}/sessions?from={urllib.parse.quote(when)}")
    assert_error(r, 422, "invalid", "from")


@pytest.mark.parametrize("when", EARLY)
def test_attendance_report(server, circle, when):
    r = server.api("GET", report_path(circle.slug, urllib.parse.quote(when), "0001-06-01"),
                   token=circle.coord.token)
    assert_error(r, 422, "invalid", "from")


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00Z", "0001-01-02", "9999-12-31T23:59:59Z",
                                  "9999-12-31T23:59:59.999+00:00"])
def test_the_first_and_last_instants_still_work(api, when):
    assert_json(api("GET", f"{GROUPS}?from={urllib.parse.quote(when)}"), 200)


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00Z", "0050-01-01T00:00:00Z", "0999-06-01T12:00:00Z",
                                  "1000-01-01T00:00:00+00:00", "9999-12-31T23:59:59Z"])
def test_early_years_in_a_body_are_stored_as_sent(server, circle, when):
    g = create_group(server, circle.slug, circle.coord.token, registration={"opens": when})
    for got in (g, get_group(server, g["id"])):
        assert parse_time(got["registration"]["opens"]) == parse_time(when), got["registration"]
