# SPDX-License-Identifier: Apache-2.0
"""Signed-out pages answered from each worker's memory for a moment: the same bytes
and validators as a fresh render, never a page anyone signed in was shown, never
one that outlived a change to the group, and nothing kept when PIIRI_PAGE_CACHE_MS
is 0. Seat counts are not announced by the database, so they age at most the TTL."""

import gzip
import re
import time

import pytest

from helpers import (Server, add_session, assert_json, in_days, make_group, org_with_people, raw_get,
                     wait_until)
from test_web_member import register_and_sign_in

SIGNED_IN = 'action="/fi/signout"'


def page_cache_counts(srv):
    """(hits, misses) of signed-out pages, all workers, from /metrics."""
    body = raw_get(srv, "/metrics", record=False).body
    hits = re.search(rb"^piiri_page_cache_hits_total (\d+)$", body, re.M)
    misses = re.search(rb"^piiri_page_cache_misses_total (\d+)$", body, re.M)
    assert hits and misses, body[-600:]
    return int(hits.group(1)), int(misses.group(1))


def page(srv, path, headers=None):
    r = raw_get(srv, path, headers=headers, record=False)
    assert r.status == 200, (path, r.status, r.body[:300])
    return r


def text_of(r):
    body = gzip.decompress(r.body) if r.headers.get("Content-Encoding") == "gzip" else r.body
    return body.decode("utf-8")


def cached_soon(srv, path):
    """Ask for PATH until a worker answers it from memory (the cache is off until
    the worker's LISTEN connection is up); returns that answer."""
    got = {}

    def hit():
        before = page_cache_counts(srv)[0]
        got["r"] = page(srv, path)
        return page_cache_counts(srv)[0] > before
    wait_until(hit, 10, what=f"{path} answered from a worker's cache")
    return got["r"]


@pytest.fixture(scope="module")
def org(server, admin):
    return org_with_people(server, admin[1], coord="coordinator")


@pytest.fixture
def group(server, org):
    g = make_group(server, org.slug, org.coord.token, access="open", capacity=5)
    g["session"] = add_session(server, g["id"], org.coord.token, in_days(9))
    return g


@pytest.fixture
def server_with_ttl(server):
    """A piirid of its own on the shared database with PIIRI_PAGE_CACHE_MS set."""
    started = []

    def start(ms):
        srv = Server(server.db_url, f"pagecache{ms}", env={"PIIRI_PAGE_CACHE_MS": str(ms)})
        started.append(srv)
        return srv.start()
    yield start
    for srv in started:
        srv.stop()


def test_a_burst_of_visitors_gets_the_same_page_from_memory(server, group):
    path = f"/fi/groups/{group['id']}"
    fresh = page(server, path)
    cached = cached_soon(server, path)
    assert cached.body == fresh.body and cached.headers["ETag"] == fresh.headers["ETag"]
    assert group["title"] in text_of(cached)
    for name in ("Content-Security-Policy", "Content-Language", "Cache-Control", "Vary"):
        assert cached.headers[name] == fresh.headers[name], name
    # The compressed form has its own bytes and its own validator.
    zipped = page(server, path, {"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.body) == fresh.body
    assert zipped.headers["ETag"] != fresh.headers["ETag"]
    # A browser holding the page is told it has not changed.
    r = raw_get(server, path, headers={"If-None-Match": fresh.headers["ETag"]}, record=False)
    assert r.status == 304 and r.body == b""


def test_a_signed_in_page_is_never_kept_nor_shown_to_others(server, api, group):
    path = "/fi/"
    cached_soon(server, path)  # the signed-out front page is in memory now
    b = register_and_sign_in(api)
    before = page_cache_counts(server)
    for _ in range(4):
        assert SIGNED_IN in b.get(path), "a signed-in visitor was given the signed-out page"
        assert SIGNED_IN in b.get(f"/fi/groups/{group['id']}")
    assert page_cache_counts(server) == before, "a signed-in request went through the cache"
    for _ in range(4):
        assert SIGNED_IN not in text_of(page(server, path)), "a signed-in page reached a visitor"


def test_a_changed_group_is_shown_at_once(server, server_with_ttl, org, group):
    srv = server_with_ttl(60000)  # so that only the change can explain a fresh page
    path = f"/fi/groups/{group['id']}"
    assert group["title"] in text_of(cached_soon(srv, path))
    title = f"Perhekahvila {group['id'][:8]}"
    assert_json(server.api("PATCH", f"/api/v1/groups/{group['id']}", json={"title": title},
                           token=org.coord.token), 200)
    # Every worker hears of it from the database, not after the TTL.
    wait_until(lambda: all(title in text_of(page(srv, path)) for _ in range(4)), 5,
               what="the new title on every worker's page")


def test_seat_counts_age_at_most_the_ttl(server, server_with_ttl, person, group):
    srv = server_with_ttl(500)
    path = f"/fi/groups/{group['id']}"
    assert "5 paikkaa vapaana" in text_of(cached_soon(srv, path))
    assert_json(server.api("POST", f"/api/v1/sessions/{group['session']['id']}/signups", json={},
                           token=person.token), 201)
    time.sleep(0.6)
    for _ in range(4):
        html = text_of(page(srv, path))
        assert "4 paikkaa vapaana" in html and "5 paikkaa vapaana" not in html


def test_no_page_is_kept_when_the_ttl_is_zero(server_with_ttl, group):
    srv = server_with_ttl(0)
    path = f"/fi/groups/{group['id']}"
    for _ in range(6):
        assert group["title"] in text_of(page(srv, path))
    assert page_cache_counts(srv) == (0, 0)
