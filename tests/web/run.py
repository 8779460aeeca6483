#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Runs the browser checks (tests/web/check.js) against a real piirid: starts a
throwaway PostgreSQL and piirid with the integration tests' helpers, loads the
demo data (schema/demo/demo.sql), serves tests/web/fixtures/ on a second port
for the checks' own self-test, then runs node and exits with its status.

Environment: PIIRI_BIN (default build/asan/piirid), PIIRI_WEB_ARTIFACTS
(default build/web-artifacts), PIIRI_WEB_ONLY (a substring: only the checks
whose names contain it), PIIRI_WEB_KEEP=1 (leave the server running and print
its URL, for looking at the pages by hand; Ctrl-C stops it)."""

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "integration"))
os.environ.setdefault("PIIRI_BIN", "build/asan/piirid")

from helpers import Cluster, Server, assert_json, psql, register, tail, wait_until  # noqa: E402

HERE = ROOT / "tests" / "web"
JS_DIR = ROOT / "build" / "web-js"
DEMO = ROOT / "schema" / "demo" / "demo.sql"
# A demo group whose sessions the horizon timer makes: the data is ready when it has some.
HERVANTA = "20000000-0000-4000-8000-000000000001"
# The demo's family café that Lauri leads, where the attendance checks meet.
KALEVA = "20000000-0000-4000-8000-000000000002"
DEMO_PASSWORD = "vertaistuki-demo"
# The headers piirid's pages carry (docs/web.md), so the fixtures meet the same CSP.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; connect-src 'self'")


class FixtureHandler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, *args):
        pass


def serve_fixtures():
    handler = functools.partial(FixtureHandler, directory=str(HERE / "fixtures"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def load_demo(srv):
    p = subprocess.run(["psql", srv.db_url, "-Xq", "-v", "ON_ERROR_STOP=1", "-f", str(DEMO)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, f"loading {DEMO} failed: {p.stderr}"

    def sessions_made():
        r = srv.api("GET", f"/api/v1/groups/{HERVANTA}/sessions")
        return r.status == 200 and len(r.body.get("sessions", [])) > 4
    wait_until(sessions_made, timeout=60, what="the demo groups' sessions")


def started_session(srv):
    """A meeting of Perhekahvila Kaleva (an open group with a capacity, led by Lauri)
    that began half an hour ago, with Aino and Eero signed up for it and the guest
    Helmi signed up by the coordinator: what the leader's attendance page is checked
    on. Made ahead and then moved to now, as nobody signs up for a meeting that has
    begun. Its id."""
    from datetime import datetime, timedelta, timezone
    login = srv.api("POST", "/api/v1/auth/login", json={"email": "kaisa@piiri.example", "password": DEMO_PASSWORD})
    kaisa = assert_json(login, 200)["token"]
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)

    def times(start):
        return {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat()}
    r = srv.api("POST", f"/api/v1/groups/{KALEVA}/sessions", json=times(now + timedelta(days=2)), token=kaisa)
    sid = assert_json(r, 201)["session"]["id"]
    for name in ("Aino Esimerkki", "Eero Esimerkki"):
        p = register(srv, display_name=name)
        assert_json(srv.api("POST", f"/api/v1/sessions/{sid}/signups", json={}, token=p.token), 201)
    assert_json(srv.api("POST", f"/api/v1/sessions/{sid}/signups/on-behalf", json={"display_name": "Helmi Soittaja"},
                        token=kaisa), 201)
    assert_json(srv.api("PATCH", f"/api/v1/sessions/{sid}", json=times(now - timedelta(minutes=30)), token=kaisa), 200)
    return sid


def mail_links(srv):
    """A link by email of each kind for the demo member Minna, as the delivery
    process stores them (only the token's SHA-256): the pages they open are
    checked signed out. Their tokens, comma-separated."""
    import hashlib
    import secrets
    tokens, rows = [], []
    for purpose, kind in (("verify", "NULL"), ("signin", "NULL"), ("reset", "NULL"),
                          ("unsubscribe", "'signup_confirmed'")):
        token = secrets.token_urlsafe(32)
        digest = hashlib.sha256(token.encode()).hexdigest()
        tokens.append(token)
        rows.append(f"('\\x{digest}', '00000000-0000-4000-8000-000000000004', '{purpose}', {kind}, "
                    "now() + interval '1 hour')")
    psql(srv.db_url, "INSERT INTO mail_links (token_hash, person_id, purpose, kind, expires_at) VALUES "
                     + ", ".join(rows))
    return ",".join(tokens)


def run_checks(site, fixtures, artifacts, attendance, links):
    env = dict(os.environ, NODE_PATH=str(JS_DIR / "node_modules"), PIIRI_WEB_URL=site,
               PIIRI_WEB_FIXTURES=fixtures, PIIRI_WEB_ARTIFACTS=str(artifacts), PIIRI_WEB_ATTENDANCE=attendance,
               PIIRI_WEB_LINKS=links)
    return subprocess.run(["node", str(HERE / "check.js")], env=env, cwd=ROOT).returncode


def main():
    artifacts = Path(os.environ.get("PIIRI_WEB_ARTIFACTS", ROOT / "build" / "web-artifacts"))
    shutil.rmtree(artifacts, ignore_errors=True)
    artifacts.mkdir(parents=True)
    httpd, fixtures = serve_fixtures()
    cluster = Cluster("web")
    srv = None
    try:
        cluster.start()
        srv = Server(cluster.url, "web").start()
        load_demo(srv)
        attendance = started_session(srv)
        links = mail_links(srv)
        if os.environ.get("PIIRI_WEB_KEEP") == "1":
            print(f"piirid with the demo data on {srv.base_url} (Ctrl-C stops it); a meeting under way: "
                  f"/fi/sessions/{attendance}/attendance (lauri@piiri.example)", flush=True)
            threading.Event().wait()
        rc = run_checks(srv.base_url, fixtures, artifacts, attendance, links)
        if rc != 0:
            print(f"\n--- piirid log (last lines, {srv.log_path}) ---\n{tail(srv.log_path, lines=40)}")
        print(f"screenshots and saved pages: {artifacts}")
        return rc
    except KeyboardInterrupt:
        return 130
    finally:
        httpd.shutdown()
        stopped = srv.stop() if srv is not None else 0
        cluster.destroy()
        if stopped != 0:
            # A sanitizer's report (a leak, say) ends piirid with a failure.
            print(f"piirid exited with {stopped} on SIGTERM:\n{tail(srv.log_path, lines=60)}")
            sys.exit(1)


if __name__ == "__main__":
    sys.exit(main())
