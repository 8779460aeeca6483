# SPDX-License-Identifier: Apache-2.0
"""The HTTP version of a request line (found by tests/fuzz/fuzz_request.c).

libevent 2.1 accepts any "HTTP/x.y" with x <= 1 and answers in the version
the request named, so "GET / HTTP/0.1" got "HTTP/0.1 404". The server now
answers a later 1.x as HTTP/1.1 and anything else with a JSON 505."""

import json
import socket

import pytest


def exchange(srv, request):
    """Send REQUEST (bytes) on a fresh connection; (status line, headers, body) of the reply."""
    with socket.create_connection((srv.host, srv.port), timeout=15) as s:
        s.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            assert chunk, f"connection closed before a whole response head: {data!r}"
            data += chunk
        head, body = data.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, v in (ln.split(":", 1) for ln in lines[1:])}
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            chunk = s.recv(65536)
            assert chunk, "connection closed inside the body"
            body += chunk
    return lines[0], headers, body[:length]


@pytest.mark.parametrize("version", ["HTTP/0.1", "HTTP/0.9", "HTTP/-3.2", "HTTP/1.-1"])
def test_unsupported_version_505_in_http11(server, version):
    status, headers, body = exchange(server, f"GET /healthz {version}\r\nHost: x\r\n\r\n".encode())
    assert status.startswith("HTTP/1.1 505 "), status
    assert headers["content-type"].startswith("application/json")
    assert headers.get("connection", "").lower() == "close"
    assert json.loads(body)["error"]["code"] == "http_version_not_supported"


@pytest.mark.parametrize("version", ["HTTP/1.2", "HTTP/1.7"])
def test_later_http1_served_as_http11(server, version):
    status, _, body = exchange(server, f"GET /healthz {version}\r\nHost: x\r\n\r\n".encode())
    assert status == "HTTP/1.1 200 OK", status
    assert json.loads(body) == {"status": "ok"}


def test_http10_and_http11_unchanged(server):
    assert exchange(server, b"GET /healthz HTTP/1.0\r\n\r\n")[0] == "HTTP/1.0 200 OK"
    assert exchange(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")[0] == "HTTP/1.1 200 OK"
