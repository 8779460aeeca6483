# SPDX-License-Identifier: Apache-2.0
"""Slow and greedy clients: a whole request must arrive in time, one client
address cannot hold every connection, and behind a trusted proxy the client
is the address the proxy forwards (X-Forwarded-For)."""

import socket
import time

import pytest

from helpers import Server, fresh_source, http_request, new_email, wait_until

REQUEST_TIMEOUT_S = 2
PER_CLIENT = 8  # in all; each of the 2 workers keeps its share of 4


@pytest.fixture(scope="module")
def strict(pg):
    """A piirid with a short request deadline and a small per-client cap."""
    srv = Server(pg.url, "strict", env={
        "PIIRI_HTTP_REQUEST_TIMEOUT_S": str(REQUEST_TIMEOUT_S),
        "PIIRI_MAX_CONNECTIONS_PER_CLIENT": str(PER_CLIENT),
        "PIIRI_TRUSTED_PROXIES": "127.0.0.1",
    }).start()
    yield srv
    assert srv.stop() == 0


def connect(srv, source):
    s = socket.create_connection((srv.host, srv.port), timeout=5, source_address=(source, 0))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def closed_by_server(s, wait=0.0):
    """True when the server has closed s (EOF or reset) within wait seconds."""
    s.settimeout(wait if wait > 0 else 0.001)
    try:
        return s.recv(4096) == b""
    except (ConnectionResetError, BrokenPipeError):
        return True
    except (socket.timeout, BlockingIOError):
        return False


def read_response(s, timeout=5):
    s.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def trickle(s, parts, every, until_closed=True):
    """Sends parts one by one, every seconds apart; returns seconds until the server hung up (or None)."""
    start = time.monotonic()
    for part in parts:
        try:
            s.sendall(part)
        except (BrokenPipeError, ConnectionResetError):
            return time.monotonic() - start
        if closed_by_server(s, every):
            return time.monotonic() - start
    return None


def test_trickled_headers_closed_at_the_deadline(strict):
    s = connect(strict, fresh_source())
    lines = [b"GET /healthz HTTP/1.1\r\n"] + [f"X-Slow-{i}: y\r\n".encode() for i in range(40)]
    # A line every 0.4 s is never silent for long: only the deadline stops it.
    took = trickle(s, lines, 0.4)
    s.close()
    assert took is not None, "a request trickled for 16 s was never closed"
    assert REQUEST_TIMEOUT_S - 0.5 <= took <= REQUEST_TIMEOUT_S + 1.5, took


def test_trickled_body_closed_at_the_deadline(strict):
    s = connect(strict, fresh_source())
    head = (b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n")
    took = trickle(s, [head] + [b" "] * 40, 0.4)
    s.close()
    assert took is not None and took <= REQUEST_TIMEOUT_S + 1.5, took


def test_idle_keepalive_is_not_a_slow_request(strict):
    """The deadline counts from a request's first byte, not from the last answer."""
    s = connect(strict, fresh_source())
    req = f"GET /healthz HTTP/1.1\r\nHost: {strict.host}\r\n\r\n".encode()
    s.sendall(req)
    assert read_response(s).startswith(b"HTTP/1.1 200")
    assert not closed_by_server(s, REQUEST_TIMEOUT_S + 1.0)
    s.sendall(req)
    assert read_response(s).startswith(b"HTTP/1.1 200")
    s.close()


def test_a_request_that_arrives_in_time_is_answered(strict):
    s = connect(strict, fresh_source())
    parts = [b"GET /healthz HTTP/1.1\r\n", b"Host: x\r\n", b"X-A: 1\r\n", b"\r\n"]
    for p in parts:
        s.sendall(p)
        time.sleep(0.3)
    assert read_response(s).startswith(b"HTTP/1.1 200")
    s.close()


def test_one_client_cannot_hold_every_connection(strict):
    greedy = fresh_source()
    held = []
    try:
        for _ in range(60):
            s = connect(strict, greedy)
            s.sendall(b"GET /healthz HTTP/1.1\r\nX-Half: ")  # never finished
            held.append(s)
        time.sleep(0.5)
        alive = [s for s in held if not closed_by_server(s)]
        assert 1 <= len(alive) <= PER_CLIENT, len(alive)
        # Someone else is served at once, while the greedy client holds its share.
        start = time.monotonic()
        r = http_request(strict.host, strict.port, "GET", "/healthz", source=fresh_source(), timeout=5)
        assert r.status == 200 and time.monotonic() - start < 1.0
        # The greedy client's connections that were let in still work.
        s = alive[0]
        s.sendall(b"1\r\n\r\n")
        assert read_response(s).startswith(b"HTTP/1.1 200")
    finally:
        for s in held:
            s.close()
    # When they close, the address gets its share back.
    def again():
        r = http_request(strict.host, strict.port, "GET", "/healthz", source=greedy, timeout=2)
        return r.status == 200
    wait_until(again, timeout=5, what="the greedy address served again")


def test_a_trusted_proxy_is_not_capped(strict):
    """127.0.0.1 is the trusted proxy here: it speaks for many clients."""
    held = []
    try:
        for _ in range(3 * PER_CLIENT):
            s = connect(strict, "127.0.0.1")
            s.sendall(b"GET /healthz HTTP/1.1\r\nX-Half: ")
            held.append(s)
        time.sleep(0.5)
        assert not any(closed_by_server(s) for s in held)
    finally:
        for s in held:
            s.close()


def failed_login(srv, source, forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else None
    return http_request(srv.host, srv.port, "POST", "/api/v1/auth/login", source=source, headers=headers,
                        json={"email": new_email(), "password": "not-the-password"}).status


def test_forwarded_client_is_the_throttled_address(strict):
    """Behind the trusted proxy, failed logins count against the forwarded client."""
    client = f"203.0.113.{int(time.time() * 1000) % 200 + 1}"
    statuses = [failed_login(strict, "127.0.0.1", f"198.51.100.1, {client}") for _ in range(21)]
    assert statuses[:20] == [401] * 20 and statuses[20] == 429, statuses
    # Another client behind the same proxy is not throttled.
    assert failed_login(strict, "127.0.0.1", "203.0.113.250") == 401
    # An untrusted peer cannot borrow (or blame) the throttled address.
    assert failed_login(strict, fresh_source(), client) == 401
