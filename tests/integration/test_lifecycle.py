# SPDX-License-Identifier: Apache-2.0
"""Servers of their own: graceful shutdown on SIGTERM, PostgreSQL going away and coming back."""

import http.client
import json
import signal
import socket
import threading
import time

from helpers import assert_error, assert_json, register, wait_until

LOGIN = "/api/v1/auth/login"


def test_graceful_shutdown(pg, own_server):
    srv = own_server(pg.url, "shutdown")
    # Logins in flight count against the throttle (per email and per address),
    # so spread them: three per person, each from its own loopback address.
    people = [register(srv) for _ in range(8)]
    n = 24
    # Connections the server has accepted (a request answered on each), then a login on each.
    conns = []
    for i in range(n):
        c = http.client.HTTPConnection(srv.host, srv.port, timeout=30,
                                       source_address=(f"127.0.9.{i + 1}", 0))
        c.request("GET", "/healthz")
        r = c.getresponse()
        r.read()
        assert r.status == 200
        conns.append(c)
    done = [None] * n
    finished_at = [None] * n

    def read(i):
        try:
            r = conns[i].getresponse()
            body = r.read()
            done[i] = (r.status, r.getheader("Content-Type"), body)
        except Exception as e:  # noqa: BLE001 - reported below
            done[i] = e
        finished_at[i] = time.monotonic()
    readers = []
    for i, c in enumerate(conns):
        p = people[i % len(people)]
        c.request("POST", LOGIN, body=json.dumps({"email": p.email, "password": p.password}),
                  headers={"Content-Type": "application/json"})
        readers.append(threading.Thread(target=read, args=(i,)))
    for t in readers:
        t.start()
    wait_until(lambda: any(d is not None for d in done), 20, 0.001, "a first login response")
    signalled = time.monotonic()
    srv.proc.send_signal(signal.SIGTERM)
    for t in readers:
        t.join(30)
    rc = srv.proc.wait(30)
    after = sum(1 for f in finished_at if f is not None and f > signalled)
    print(f"{after} of {n} logins answered after SIGTERM")
    bad = [(i, d) for i, d in enumerate(done)
           if not (isinstance(d, tuple) and d[0] == 200 and "token" in json.loads(d[2]))]
    assert not bad, f"{len(bad)} of {n} in-flight logins got no complete 200 " \
                    f"({after} answered after SIGTERM): {bad[:5]}"
    for c in conns:
        c.close()
    assert rc == 0, f"piirid exited with {rc} after SIGTERM"
    try:
        socket.create_connection((srv.host, srv.port), timeout=2).close()
        raise AssertionError("the port still accepts connections after exit")
    except ConnectionRefusedError:
        pass


def test_sigterm_idle_exits_zero_and_frees_port(pg, own_server):
    srv = own_server(pg.url, "idle-shutdown")
    assert srv.api("GET", "/readyz").status == 200
    assert srv.stop() == 0
    try:
        socket.create_connection((srv.host, srv.port), timeout=2).close()
        raise AssertionError("the port still accepts connections after exit")
    except ConnectionRefusedError:
        pass


def timed(srv, *args, **kw):
    t0 = time.monotonic()
    r = srv.api(*args, timeout=10, **kw)
    return r, time.monotonic() - t0


def test_postgres_restart(own_cluster, own_server):
    cluster = own_cluster("restart")
    srv = own_server(cluster.url, "pg-restart")
    p = register(srv)
    cluster.stop()
    creds = {"email": p.email, "password": p.password}
    # Several of each, so that both workers' pools notice.
    for _ in range(4):
        r, took = timed(srv, "GET", "/readyz")
        assert took < 5, f"/readyz took {took:.1f}s with PostgreSQL down"
        assert_error(r, 503, "database_unavailable")
        r, took = timed(srv, "POST", LOGIN, json=creds)
        assert took < 5, f"login took {took:.1f}s with PostgreSQL down"
        assert_error(r, 503, "database_unavailable")
        r, took = timed(srv, "GET", "/api/v1/me", token=p.token)
        assert took < 5, f"/api/v1/me took {took:.1f}s with PostgreSQL down"
        assert_error(r, 503, "database_unavailable")
        assert assert_json(srv.api("GET", "/healthz"), 200) == {"status": "ok"}
    cluster.start()
    wait_until(lambda: srv.api("GET", "/readyz", timeout=5).status == 200, 30,
               0.1, "/readyz 200 after PostgreSQL came back")
    body = wait_until(lambda: (lambda r: r.status == 200 and r.body)(
        srv.api("POST", LOGIN, json=creds, timeout=5)), 10, 0.1, "login after restart")
    assert body["person"]["id"] == p.id
    # Every worker is back: a run of requests all succeed.
    for _ in range(10):
        assert srv.api("GET", "/readyz").status == 200
        assert assert_json(srv.api("GET", "/api/v1/me", token=p.token), 200)["person"]["id"] == p.id
    assert srv.stop() == 0
