# SPDX-License-Identifier: Apache-2.0
"""/healthz, /readyz, /metrics and the X-Request-Id header."""

import ipaddress
import re
import socket
import time
import uuid
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest

from helpers import Server, assert_error, assert_json, http_request, wait_until


def test_healthz(api):
    r = api("GET", "/healthz")
    assert assert_json(r, 200) == {"status": "ok"}


def test_readyz(api):
    r = api("GET", "/readyz")
    assert assert_json(r, 200) == {"status": "ready"}


def test_date_header_follows_the_clock(api):
    """Date is an IMF-fixdate of now on every reply, errors too; piirid formats
    it once a second, so it must move on with the clock. (time() reads the
    kernel's coarse clock, up to a tick behind Python's: hence a second of
    slack before.)"""
    def date_of(r):
        value = r.headers.get("Date")
        fixdate = r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT"
        assert value and re.fullmatch(fixdate, value), value
        return parsedate_to_datetime(value)
    first = None
    for method, path in [("GET", "/healthz"), ("GET", "/no/such/route"), ("GET", "/api/v1/me")]:
        before = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(seconds=1)
        d = date_of(api(method, path))
        assert before <= d <= datetime.now(timezone.utc), (method, path, d)
        first = first or d
    time.sleep(1)
    wait_until(lambda: date_of(api("GET", "/healthz")) > first, 3, what="a later Date")


def test_request_id_generated(api):
    ids = set()
    for _ in range(5):
        r = api("GET", "/healthz")
        rid = r.headers.get("X-Request-Id")
        assert rid, f"no X-Request-Id: {dict(r.headers)}"
        ids.add(rid)
    assert len(ids) == 5, f"request ids repeat: {ids}"


def test_request_id_echoed(api):
    rid = "test-4f1c2a9e-7b3d"
    for method, path in [("GET", "/healthz"), ("GET", "/api/v1/me"), ("GET", "/no/such/route")]:
        r = api(method, path, headers={"X-Request-Id": rid})
        assert r.headers.get("X-Request-Id") == rid, (method, path, dict(r.headers))


def test_request_id_on_errors(api):
    for method, path, kw in [
        ("GET", "/nope", {}),
        ("DELETE", "/api/v1/orgs", {}),
        ("POST", "/api/v1/auth/register", {"body": "{"}),
        ("GET", "/api/v1/me", {"token": "garbage"}),
    ]:
        r = api(method, path, **kw)
        assert r.status >= 400
        assert r.headers.get("X-Request-Id"), (method, path, r.status, dict(r.headers))


SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*')


def parse_metrics(text):
    """Prometheus text -> ({name: type}, [(name, {label: value}, float)])."""
    types, samples = {}, []
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("#"):
            parts = line.split()
            if len(parts) >= 4 and parts[1] == "TYPE":
                types[parts[2]] = parts[3]
            continue
        m = SAMPLE.match(line)
        assert m, f"not a Prometheus sample line: {line!r}"
        labels = {}
        if m.group(3):
            pos, s = 0, m.group(3)
            while pos < len(s):
                lm = LABEL.match(s, pos)
                assert lm, f"bad labels in {line!r}"
                labels[lm.group(1)] = lm.group(2)
                pos = lm.end()
        samples.append((m.group(1), labels, float(m.group(4))))
    return types, samples


def metrics(api):
    r = api("GET", "/metrics")
    assert r.status == 200, r
    ct = r.headers.get("Content-Type", "")
    assert ct.startswith("text/plain") and "version=0.0.4" in ct, ct
    assert isinstance(r.body, bytes)
    return parse_metrics(r.body.decode("utf-8"))


def counter(samples, route, method, status):
    want = {"route": route, "method": method, "status": str(status)}
    found = [v for n, lab, v in samples
             if n == "piiri_http_requests_total" and all(lab.get(k) == w for k, w in want.items())]
    return found[0] if found else 0.0


def test_metrics_format(api):
    api("GET", "/healthz")
    api("GET", "/api/v1/orgs/no-such-org-for-metrics")
    types, samples = metrics(api)
    assert types.get("piiri_http_requests_total") == "counter", types
    assert types.get("piiri_http_request_duration_seconds") == "histogram", types
    for g in ("piiri_db_connections_in_use", "piiri_db_connections_open", "piiri_db_waiting"):
        assert types.get(g) == "gauge", (g, types)
        assert any(n == g and v >= 0 for n, _, v in samples), f"no sample of {g}"
    assert counter(samples, "/healthz", "GET", 200) >= 1
    # The route label is the pattern, never the concrete path.
    assert counter(samples, "/api/v1/orgs/{slug}", "GET", 404) >= 1
    routes = {lab.get("route") for n, lab, _ in samples if n == "piiri_http_requests_total"}
    assert not any(r and "no-such-org" in r for r in routes), routes


def test_metrics_histogram(api):
    api("GET", "/healthz")
    _, samples = metrics(api)
    series = {}
    for n, lab, v in samples:
        if n == "piiri_http_request_duration_seconds_bucket":
            key = tuple(sorted((k, x) for k, x in lab.items() if k != "le"))
            series.setdefault(key, []).append((lab["le"], v))
    assert series, "no piiri_http_request_duration_seconds_bucket samples"
    sums = {tuple(sorted(lab.items())): v for n, lab, v in samples
            if n == "piiri_http_request_duration_seconds_sum"}
    counts = {tuple(sorted(lab.items())): v for n, lab, v in samples
              if n == "piiri_http_request_duration_seconds_count"}
    for key, buckets in series.items():
        les = [le for le, _ in buckets]
        assert "+Inf" in les, f"no +Inf bucket for {key}"
        ordered = sorted(buckets, key=lambda b: float(b[0]))
        values = [v for _, v in ordered]
        assert values == sorted(values), f"buckets not cumulative for {key}: {ordered}"
        assert key in counts and key in sums, f"no _count/_sum for {key}"
        assert counts[key] == dict(buckets)["+Inf"], (key, counts[key], buckets)
        assert sums[key] >= 0


def test_metrics_counters_shared_by_workers(api):
    # Each request is a new connection, so SO_REUSEPORT spreads them over the workers.
    _, before = metrics(api)
    base = counter(before, "/healthz", "GET", 200)
    n = 40
    for _ in range(n):
        assert api("GET", "/healthz").status == 200
    readings = []
    for _ in range(8):
        _, after = metrics(api)
        readings.append(counter(after, "/healthz", "GET", 200))
    assert all(x >= base + n for x in readings), \
        f"counter read {readings} after {n} requests on top of {base}: not shared by the workers?"



def test_insane_request_id_not_echoed(server, api):
    for bad in ("forged id status=200 route=/x", "x" * 1000, 'q"uote'):
        r = api("GET", "/healthz", headers={"X-Request-Id": bad})
        rid = r.headers.get("X-Request-Id")
        assert rid and rid != bad, f"echoed an unsafe request id: {bad[:60]!r}"
    assert "forged id" not in server.log_text()


# ---- who may scrape /metrics -----------------------------------------------------------

class OpenServer(Server):
    """piirid listening on every interface (HOST, e.g. 0.0.0.0 or ::), with
    PIIRI_METRICS_TOKEN set when TOKEN is; its own checks still use 127.0.0.1."""

    def __init__(self, db_url, label, host, token=None):
        super().__init__(db_url, label)
        self.listen_host, self.metrics_token = host, token

    def env(self):
        listen = f"[{self.listen_host}]" if ":" in self.listen_host else self.listen_host
        env = {**super().env(), "PIIRI_LISTEN": f"{listen}:{self.port}"}
        if self.metrics_token is not None:
            env["PIIRI_METRICS_TOKEN"] = self.metrics_token
        return env


def outside_address():
    """An IPv4 address of this machine that is not loopback (the one its default
    route would use; no packet is sent), or None."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))
            addr = s.getsockname()[0]
    except OSError:
        return None
    return None if ipaddress.ip_address(addr).is_loopback else addr


@pytest.fixture
def outside():
    addr = outside_address()
    if addr is None:
        pytest.skip("this machine has no address but loopback to come from")
    return addr


def scrape(srv, host, token=None):
    return http_request(host, srv.port, "GET", "/metrics", token=token)


def assert_metrics_text(r):
    assert r.status == 200, r
    assert r.headers.get("Content-Type", "").startswith("text/plain"), r.headers
    assert b"piiri_http_requests_total" in r.body


def test_metrics_only_for_loopback_without_a_token(pg, outside):
    srv = OpenServer(pg.url, "metrics-loopback", "0.0.0.0").start()
    try:
        assert_metrics_text(scrape(srv, "127.0.0.1"))
        assert_json(http_request(outside, srv.port, "GET", "/healthz"), 200)
        for token in (None, "x" * 32):
            r = scrape(srv, outside, token)
            assert_error(r, 403, "forbidden")
            assert b"piiri_" not in r.body
    finally:
        assert srv.stop() == 0


def test_metrics_with_the_configured_token(pg, outside):
    token = f"scrape-{uuid.uuid4().hex}"
    # Listening on ::, IPv4 clients arrive as ::ffff:a.b.c.d: ::ffff:127.0.0.1 is loopback.
    srv = OpenServer(pg.url, "metrics-token", "::", token=token).start()
    try:
        assert_metrics_text(scrape(srv, "127.0.0.1"))
        for wrong in (None, f"Bearer {token[:-1]}", f"Bearer {token}x", f"Bearer {token.upper()}",
                      f"Basic {token}", token):
            r = http_request(outside, srv.port, "GET", "/metrics", headers={"Authorization": wrong})
            assert_error(r, 401, "unauthorized")
            assert r.headers.get("WWW-Authenticate") == "Bearer", r.headers
            assert b"piiri_" not in r.body
        assert_metrics_text(scrape(srv, outside, token))
        assert token not in srv.log_text()
    finally:
        assert srv.stop() == 0
