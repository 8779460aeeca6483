# SPDX-License-Identifier: Apache-2.0
"""Helpers for the integration tests: a throwaway PostgreSQL, the real piirid, an HTTP client."""

import http.client
import itertools
import json as jsonlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections import namedtuple
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
PGCLUSTER = ROOT / "scripts" / "pgcluster.sh"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
MIB = 1024 * 1024

# Everything secret or personal the tests sent or received: the server's logs
# must contain none of it (checked last, in test_zz_logs.py).
SECRETS = {"emails": set(), "passwords": set(), "names": set(), "tokens": set()}
# Every response the client helper saw: (server label, method, path, status,
# headers). Checked last for X-Request-Id and Content-Type.
RESPONSES = []
# Every log file of this run, label -> Path; printed on failure.
LOGS = {}
_lock = threading.Lock()


def piirid_bin():
    """The binary under test: $PIIRI_BIN (relative to the repo root) or build/piirid."""
    return ROOT / os.environ.get("PIIRI_BIN", "build/piirid")


def wait_until(predicate, timeout=10.0, interval=0.02, what=None):
    """Poll PREDICATE until it returns something true; its value is returned."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except Exception as e:  # noqa: BLE001 - reported if we time out
            last = e
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"timed out after {timeout}s waiting for {what or predicate}"
                + (f" (last error: {last!r})" if last else ""))
        time.sleep(interval)


def every_worker_ready(srv, timeout=30.0):
    """Waits until /readyz is 200 from every worker, after PostgreSQL came back.
    Each worker's pool reconnects on its own backoff, so one 200 says only that
    one worker is back; 16 fresh connections in a row reach both of two workers
    but for a chance of 2 in 65536."""
    wait_until(lambda: all(srv.api("GET", "/readyz", timeout=5).status == 200 for _ in range(16)),
               timeout, 0.1, "/readyz 200 from every worker")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_sources = itertools.count(1)


def fresh_source():
    """A loopback address of its own (127.0.x.y), so per-address rate limits of one test touch no other."""
    n = next(_sources)
    return f"127.0.{10 + n // 250}.{1 + n % 250}"


def unique(prefix="t"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def new_email():
    return f"{unique('testi')}@example.org"


def new_name():
    return f"Testi Henkilö {uuid.uuid4().hex[:10]}"


def new_password():
    return f"salasana-{uuid.uuid4().hex[:12]}"


def remember(kind, value):
    if isinstance(value, str) and value:
        with _lock:
            SECRETS[kind].add(value)


class Headers(dict):
    """Response headers with case-insensitive lookup (keys stored lower-case)."""

    def __init__(self, pairs=()):
        super().__init__()
        for k, v in pairs:
            k = k.lower()
            self[k] = f"{self[k]}, {v}" if k in self else v

    def __getitem__(self, k):
        return super().__getitem__(k.lower())

    def __contains__(self, k):
        return super().__contains__(k.lower())

    def get(self, k, default=None):
        return super().get(k.lower(), default)


Resp = namedtuple("Resp", "status headers body")


def is_json_type(headers):
    ct = headers.get("content-type") or ""
    return ct.split(";")[0].strip().lower() == "application/json"


def _record_secrets_out(obj):
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "email":
                remember("emails", v)
            elif k == "password":
                remember("passwords", v)
            elif k == "display_name":
                remember("names", v)
            elif k in ("token", "device_token"):
                remember("tokens", v)
            else:
                _record_secrets_out(v)
    elif isinstance(obj, list):
        for v in obj:
            _record_secrets_out(v)


def http_request(host, port, method, path, json=None, token=None, headers=None,
                 body=None, source=None, timeout=15.0):
    """One request on a fresh connection; returns Resp(status, headers, JSON or bytes)."""
    hdrs = {}
    if json is not None:
        _record_secrets_out(json)
        body = jsonlib.dumps(json, ensure_ascii=False).encode("utf-8")
    elif isinstance(body, str):
        body = body.encode("utf-8")
    if body is not None:
        hdrs["Content-Type"] = "application/json"
    if token is not None:
        remember("tokens", token)
        hdrs["Authorization"] = f"Bearer {token}"
    for k, v in (headers or {}).items():
        for old in [h for h in hdrs if h.lower() == k.lower()]:
            del hdrs[old]
        if v is not None:
            hdrs[k] = v
    conn = http.client.HTTPConnection(
        host, port, timeout=timeout,
        source_address=(source, 0) if source else None)
    try:
        conn.request(method, path, body=body, headers=hdrs)
        r = conn.getresponse()
        data = r.read()
        rh = Headers(r.getheaders())
        status = r.status
    finally:
        conn.close()
    parsed = data
    if data and is_json_type(rh):
        try:
            parsed = jsonlib.loads(data.decode("utf-8"))
        except ValueError:
            parsed = data
    _record_secrets_out(parsed)
    return Resp(status, rh, parsed)


# Route patterns as the server names them in logs and metrics.
ROUTES = [
    ("/healthz", r"/healthz"),
    ("/readyz", r"/readyz"),
    ("/metrics", r"/metrics"),
    ("/api/v1/auth/register", r"/api/v1/auth/register"),
    ("/api/v1/auth/login", r"/api/v1/auth/login"),
    ("/api/v1/auth/logout", r"/api/v1/auth/logout"),
    ("/api/v1/me", r"/api/v1/me"),
    ("/api/v1/me/export", r"/api/v1/me/export"),
    ("/api/v1/orgs", r"/api/v1/orgs"),
    ("/api/v1/orgs/{slug}", r"/api/v1/orgs/[^/]+"),
    ("/api/v1/orgs/{slug}/members", r"/api/v1/orgs/[^/]+/members"),
    ("/api/v1/orgs/{slug}/members/{person_id}", r"/api/v1/orgs/[^/]+/members/[^/]+"),
    ("/api/v1/orgs/{slug}/groups", r"/api/v1/orgs/[^/]+/groups"),
    ("/api/v1/groups", r"/api/v1/groups"),
    ("/api/v1/groups/{id}", r"/api/v1/groups/[^/]+"),
    ("/api/v1/groups/{id}/sessions", r"/api/v1/groups/[^/]+/sessions"),
    ("/api/v1/sessions/{id}", r"/api/v1/sessions/[^/]+"),
]


def route_pattern(path):
    path = path.split("?", 1)[0]
    for pattern, rx in ROUTES:
        if re.fullmatch(rx, path):
            return pattern
    return None


def assert_json(r, status):
    """R has STATUS and a JSON body with the JSON content type."""
    assert r.status == status, f"expected {status}, got {r.status}: {r.body!r}"
    assert is_json_type(r.headers), \
        f"Content-Type {r.headers.get('content-type')!r} is not application/json"
    assert not isinstance(r.body, bytes), f"body is not JSON: {r.body[:300]!r}"
    return r.body


_MISSING = object()
# Errors that no single request field is to blame for: they carry no `field`.
NO_FIELD = {"not_found", "unauthorized", "forbidden", "method_not_allowed",
            "unsupported_media_type", "payload_too_large", "too_many_attempts",
            "database_unavailable", "invalid_credentials", "busy"}


def assert_error(r, status, code=None, field=_MISSING):
    """R is the JSON error STATUS with CODE (and FIELD, None meaning absent)."""
    assert r.status == status, \
        f"expected {status} {code or ''} {'' if field is _MISSING else field}, got {r.status}: {r.body!r}"
    assert is_json_type(r.headers), \
        f"error Content-Type {r.headers.get('content-type')!r} is not application/json: {r.body!r}"
    assert isinstance(r.body, dict) and isinstance(r.body.get("error"), dict), \
        f"not an error object: {r.body!r}"
    err = r.body["error"]
    assert isinstance(err.get("code"), str) and re.fullmatch(r"[a-z][a-z0-9_]*", err["code"]), \
        f"error code is not snake_case: {err!r}"
    if code is not None:
        assert err["code"] == code, f"expected code {code!r}, got {err!r}"
    assert isinstance(err.get("message"), str) and err["message"], f"no message: {err!r}"
    if field is None or (field is _MISSING and err["code"] in NO_FIELD):
        assert err.get("field") is None, f"unexpected field: {err!r}"
    elif field is not _MISSING:
        assert err.get("field") == field, f"expected field {field!r}, got {err!r}"
    return err


RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def assert_time(value):
    assert isinstance(value, str) and RFC3339.fullmatch(value), \
        f"not an RFC 3339 time with offset: {value!r}"


def parse_time(value):
    assert_time(value)
    return datetime.fromisoformat(value.replace("z", "Z").replace(" ", "T"))


def tail(path, offset=0, lines=200):
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            text = f.read().decode("utf-8", "replace")
    except OSError as e:
        return f"(cannot read {path}: {e})"
    return "\n".join(text.splitlines()[-lines:])


class Cluster:
    """A throwaway PostgreSQL cluster in a fresh directory under /tmp."""

    def __init__(self, label):
        self.label = label
        self.dir = Path(tempfile.mkdtemp(prefix=f"piiri-{label}-", dir="/tmp"))
        os.chmod(self.dir, 0o755)  # as root the cluster runs as postgres
        self.port = free_port()
        self.url = None
        LOGS[f"postgres {label}"] = self.dir / "postgres.log"

    def start(self):
        if PGCLUSTER.exists():
            p = subprocess.run(
                ["bash", str(PGCLUSTER), "start", str(self.dir), str(self.port)],
                env={**os.environ, "PGCLUSTER_FAST": "1"}, stdin=subprocess.DEVNULL,
                capture_output=True, text=True, timeout=120)
            assert p.returncode == 0, f"pgcluster.sh start failed: {p.stderr}"
            self.url = p.stdout.strip()
        else:
            self.url = self._fallback_start()
        return self.url

    def stop(self):
        if PGCLUSTER.exists():
            p = subprocess.run(["bash", str(PGCLUSTER), "stop", str(self.dir)],
                               stdin=subprocess.DEVNULL, capture_output=True,
                               text=True, timeout=120)
            assert p.returncode == 0, f"pgcluster.sh stop failed: {p.stderr}"
        else:
            self._as_pg([str(PG_BIN / "pg_ctl"), "stop", "-w", "-s", "-m", "fast",
                         "-D", str(self.dir / "data")])

    def destroy(self):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    # Used only until scripts/pgcluster.sh exists; same layout and URL shape.
    def _as_pg(self, argv):
        if os.geteuid() == 0:
            argv = ["runuser", "-u", "postgres", "--"] + argv
        subprocess.run(argv, check=True, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, timeout=120)

    def _fallback_start(self):
        data, run = self.dir / "data", self.dir / "run"
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        if not (data / "PG_VERSION").exists():
            self._as_pg([str(PG_BIN / "initdb"), "-D", str(data), "-U", "piiri",
                         "--auth-local=trust", "--auth-host=reject", "--no-sync",
                         "-E", "UTF8", "--locale=C"])
            self._as_pg(["mkdir", "-p", str(run)])
        opts = (f"-c listen_addresses='' -c unix_socket_directories={run} -p {self.port}"
                " -c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        self._as_pg([str(PG_BIN / "pg_ctl"), "start", "-w", "-s", "-D", str(data),
                     "-l", str(self.dir / "postgres.log"), "-o", opts])
        conn = f"host={run} port={self.port} user=piiri dbname=postgres"
        have = subprocess.run(
            ["psql", conn, "-XAtqc", "SELECT 1 FROM pg_database WHERE datname = 'piiri'"],
            capture_output=True, text=True, check=True).stdout.strip()
        if not have:
            subprocess.run(["psql", conn, "-Xqc", "CREATE DATABASE piiri"], check=True)
        return f"postgresql:///piiri?host={run}&port={self.port}&user=piiri"


class Server:
    """The real piirid on a free loopback port, its stdout and stderr in a log file."""

    def __init__(self, db_url, label, workers=2, env=None):
        self.db_url = db_url
        self.label = label
        self.extra_env = dict(env or {})
        self.host = "127.0.0.1"
        self.port = free_port()
        fd, name = tempfile.mkstemp(prefix=f"piirid-{label}-", suffix=".log")
        os.close(fd)
        self.log_path = Path(name)
        self.workers = workers
        self.proc = None
        LOGS[f"piirid {label}"] = self.log_path

    @property
    def base_url(self):
        return f"http://{self.host}:{self.port}"

    def env(self):
        return {**os.environ,
                "PIIRI_LISTEN": f"{self.host}:{self.port}",
                "PIIRI_DATABASE_URL": self.db_url,
                "PIIRI_WORKERS": str(self.workers),
                "PIIRI_PUBLIC_URL": self.base_url,
                **self.extra_env}

    def start(self, timeout=60):
        return self.spawn().wait_ready(timeout)

    def spawn(self):
        """Starts piirid without waiting for it (see wait_ready)."""
        binary = piirid_bin()
        assert binary.exists(), f"{binary} does not exist: build it first (make)"
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([str(binary), "serve"], env=self.env(), cwd=ROOT,
                                         stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        return self

    def wait_ready(self, timeout=60):
        def healthy():
            if self.proc.poll() is not None:
                raise RuntimeError(f"piirid exited with {self.proc.returncode}:\n{tail(self.log_path)}")
            try:
                return http_request(self.host, self.port, "GET", "/healthz", timeout=2).status == 200
            except OSError:
                return False
        try:
            wait_until(healthy, timeout, what=f"piirid {self.label} /healthz")
        except RuntimeError as e:
            raise AssertionError(str(e)) from None
        return self

    def stop(self, timeout=30):
        """SIGTERM, wait; returns the exit code (None if it had to be killed)."""
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def api(self, method, path, json=None, token=None, headers=None, body=None,
            source=None, timeout=15.0):
        r = http_request(self.host, self.port, method, path, json=json, token=token,
                         headers=headers, body=body, source=source, timeout=timeout)
        with _lock:
            RESPONSES.append((self.label, method, path, r.status, r.headers,
                              body is not None and len(body) > MIB))
        return r

    def cli(self, *args, stdin=""):
        """Runs `piirid ARGS` with this server's environment."""
        return subprocess.run([str(piirid_bin()), *args], env=self.env(), cwd=ROOT,
                              input=stdin, capture_output=True, text=True, timeout=60)

    def log_text(self):
        return self.log_path.read_text("utf-8", "replace")


Person = namedtuple("Person", "id email password display_name token device_token", defaults=(None,))

REGISTER = "/api/v1/auth/register"
LOGIN = "/api/v1/auth/login"


def patiently(srv, method, path, json, source, tries=8):
    """A request retried while it is answered 503 busy, after its Retry-After (at most
    3 s): what a client should do when the password hashing queue is full."""
    for _ in range(tries):
        r = srv.api(method, path, json=json, source=source)
        if r.status != 503 or not isinstance(r.body, dict) or r.body["error"]["code"] != "busy":
            return r
        time.sleep(min(3, int(r.headers.get("Retry-After", "1"))))
    return r


def register(srv, email=None, password=None, display_name=None, source=None):
    """Registers a new person (asserting 202) and signs in (asserting 200); returns it.
    Each registration comes from an address of its own (registrations are throttled
    per address) unless SOURCE is given."""
    email = email or new_email()
    password = password or new_password()
    display_name = display_name or new_name()
    source = source or fresh_source()
    r = patiently(srv, "POST", REGISTER, source=source,
                  json={"email": email, "password": password, "display_name": display_name})
    assert_json(r, 202)
    r = patiently(srv, "POST", LOGIN, json={"email": email, "password": password}, source=source)
    body = assert_json(r, 200)
    return Person(body["person"]["id"], email, password, display_name, body["token"],
                  body["device_token"])


def login(srv, person, source=None):
    r = patiently(srv, "POST", LOGIN, json={"email": person.email, "password": person.password},
                  source=source)
    return assert_json(r, 200)["token"]


# --- Groups, schedules and sessions -----------------------------------------

GROUPS = "/api/v1/groups"
SESSIONS = "/api/v1/sessions"
HELSINKI = "Europe/Helsinki"


def org_groups_path(slug):
    return f"/api/v1/orgs/{slug}/groups"


def group_body(**fields):
    """The smallest valid group (a weekly-less open family café), updated with FIELDS."""
    body = {"title": f"Perhekahvila {uuid.uuid4().hex[:8]}", "kind": "family_cafe",
            "access": "open", "modality": "in_person"}
    body.update(fields)
    return body


def create_group(srv, slug, token, **fields):
    """Creates a group in org SLUG (asserting 201) and returns its JSON."""
    r = srv.api("POST", org_groups_path(slug), json=group_body(**fields), token=token)
    return assert_json(r, 201)["group"]


def get_group(srv, gid, token=None):
    return assert_json(srv.api("GET", f"{GROUPS}/{gid}", token=token), 200)["group"]


def list_groups(srv, token=None, **params):
    """GET /api/v1/groups?PARAMS (asserting 200); returns the body."""
    return assert_json(srv.api("GET", GROUPS + query(params), token=token), 200)


def list_all_groups(srv, token=None, **params):
    """Every page of GET /api/v1/groups?PARAMS, in order."""
    out, cursor, pages = [], None, 0
    while True:
        p = dict(params)
        if cursor is not None:
            p["cursor"] = cursor
        body = list_groups(srv, token=token, **p)
        out.extend(body["groups"])
        cursor = body["next_cursor"]
        pages += 1
        assert pages < 1000, "next_cursor never ends"
        if cursor is None:
            return out


def query(params):
    from urllib.parse import quote, urlencode
    params = {k: v for k, v in params.items() if v is not None}
    return "?" + urlencode(params, quote_via=quote) if params else ""


def list_sessions(srv, gid, token=None, **params):
    """GET /api/v1/groups/{gid}/sessions?PARAMS (asserting 200); the list of sessions."""
    r = srv.api("GET", f"{GROUPS}/{gid}/sessions" + query(params), token=token)
    return assert_json(r, 200)["sessions"]


def today():
    return datetime.now(timezone.utc).date()


def weekday_on_or_after(day, weekday):
    """The first date on or after DAY that is WEEKDAY (Monday 0 .. Sunday 6)."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def nth_weekday(year, month, weekday, n):
    """The Nth (1-based; -1 = last) WEEKDAY of YEAR-MONTH."""
    if n > 0:
        return weekday_on_or_after(date(year, month, 1), weekday) + timedelta(weeks=n - 1)
    nxt = date(year + month // 12, month % 12 + 1, 1)
    last = nxt - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def around(rule, margin=14, horizon=340):
    """A date RULE(year) with MARGIN days either side wholly in the future and within
    HORIZON days (sessions are materialised about 12 months ahead), or else the
    latest one wholly in the past; so the tests do not age."""
    now = today()
    days = [rule(y) for y in (now.year - 1, now.year, now.year + 1)]
    for d in days:
        if now + timedelta(days=margin + 1) <= d and d + timedelta(days=margin) <= now + timedelta(days=horizon):
            return d
    return max(d for d in days if d + timedelta(days=margin) < now - timedelta(days=1))


def eu_spring_change():
    """An EU change to summer time (last Sunday of March)."""
    return around(lambda y: nth_weekday(y, 3, 6, -1))


def eu_autumn_change():
    """An EU change to winter time (last Sunday of October)."""
    return around(lambda y: nth_weekday(y, 10, 6, -1))


def us_spring_change():
    """A US change to summer time (second Sunday of March)."""
    return around(lambda y: nth_weekday(y, 3, 6, 2))


def us_autumn_change():
    """A US change to winter time (first Sunday of November)."""
    return around(lambda y: nth_weekday(y, 11, 6, 1))


def wall(day, hh=18, mm=0):
    """A schedule start in local wall time: "2027-03-23T18:00"."""
    return f"{day.isoformat()}T{hh:02d}:{mm:02d}"


def assert_local(value, tz, day, hh, mm=0):
    """VALUE (RFC 3339) is DAY HH:MM wall time in TZ, with TZ's offset at that moment."""
    t = parse_time(value)
    want = datetime(day.year, day.month, day.day, hh, mm, tzinfo=ZoneInfo(tz))
    assert t == want, f"{value} is not {want.isoformat()} ({tz})"
    assert t.utcoffset() == want.utcoffset(), \
        f"{value}: offset {t.utcoffset()} but {tz} is at {want.utcoffset()} then"
    assert (t.year, t.month, t.day, t.hour, t.minute) == \
        (day.year, day.month, day.day, hh, mm), f"{value}: not the wall time {want.isoformat()}"


def assert_offset_of_zone(value, tz):
    """VALUE carries the offset TZ has at that instant."""
    t = parse_time(value)
    assert t.utcoffset() == t.astimezone(ZoneInfo(tz)).utcoffset(), \
        f"{value}: offset is not that of {tz} ({t.astimezone(ZoneInfo(tz)).isoformat()})"


# --- Signups, attendance and reports -----------------------------------------
# (test_signups.py, test_attendance.py, test_reports.py). Only the helpers
# above the groups section are used here, so this section stands on its own.

ROUTES.extend([
    ("/api/v1/me/signups", r"/api/v1/me/signups"),
    ("/api/v1/groups/{id}/signups", r"/api/v1/groups/[^/]+/signups"),
    ("/api/v1/sessions/{id}/signups", r"/api/v1/sessions/[^/]+/signups"),
    ("/api/v1/signups/{id}", r"/api/v1/signups/[^/]+"),
    ("/api/v1/sessions/{id}/absence", r"/api/v1/sessions/[^/]+/absence"),
    ("/api/v1/sessions/{id}/attendance", r"/api/v1/sessions/[^/]+/attendance"),
    ("/api/v1/sessions/{id}/attendance/records/{person_id}", r"/api/v1/sessions/[^/]+/attendance/records/[^/]+"),
    ("/api/v1/sessions/{id}/attendance/drop-ins/{drop_in_id}",
     r"/api/v1/sessions/[^/]+/attendance/drop-ins/[^/]+"),
    ("/api/v1/orgs/{slug}/reports/attendance", r"/api/v1/orgs/[^/]+/reports/attendance"),
])

def set_role(srv, slug, person_id, role, token):
    """PUT the membership (asserting 200)."""
    r = srv.api("PUT", f"/api/v1/orgs/{slug}/members/{person_id}", json={"role": role}, token=token)
    assert_json(r, 200)


def concurrently(calls, timeout=60.0):
    """Runs every zero-argument callable of CALLS in its own thread, all released
    together by a barrier; returns their results in order (re-raising the first error)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)
    errors = []

    def run(i, call):
        try:
            barrier.wait(timeout)
            results[i] = call()
        except BaseException as e:  # noqa: BLE001 - re-raised below
            errors.append(e)
    threads = [threading.Thread(target=run, args=(i, c), daemon=True) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert not any(t.is_alive() for t in threads), "a concurrent call did not finish"
    if errors:
        raise errors[0]
    return results


def register_many(srv, n, workers=16):
    """N freshly registered people (registered a few at a time, in parallel)."""
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=min(workers, n)) as pool:
        return list(pool.map(lambda _: register(srv), range(n)))


def org_with_people(srv, admin_token, org_fields=None, **roles):
    """A new org (slug, org, admin_token) with a freshly registered person per
    keyword, e.g. coord="coordinator", leader="leader", member="member"; ORG_FIELDS
    (such as timezone) go into the org's body."""
    from types import SimpleNamespace
    body = {"slug": unique("piiri"), "name": f"Vertaistuki {unique('ry')}", **(org_fields or {})}
    org = assert_json(srv.api("POST", "/api/v1/orgs", json=body, token=admin_token), 201)["org"]
    o = SimpleNamespace(org=org, slug=org["slug"], admin_token=admin_token)
    for name, role in roles.items():
        p = register(srv)
        set_role(srv, o.slug, p.id, role, admin_token)
        setattr(o, name, p)
    return o


def make_group(srv, slug, token, **fields):
    """Creates a group (no schedule unless given) in org SLUG; returns its JSON."""
    body = {"title": f"Vertaisryhmä {uuid.uuid4().hex[:8]}", "kind": "peer_group",
            "access": "closed", "modality": "in_person"}
    body.update(fields)
    r = srv.api("POST", f"/api/v1/orgs/{slug}/groups", json=body, token=token)
    return assert_json(r, 201)["group"]


def at(when):
    """An RFC 3339 string for WHEN: a datetime (aware) or a string, as is."""
    return when if isinstance(when, str) else when.isoformat()


def in_days(days, hour=18):
    """An aware datetime DAYS from today at HOUR:00 in Helsinki (negative: the past)."""
    from datetime import datetime, time as dtime, timedelta
    from zoneinfo import ZoneInfo
    tz = ZoneInfo("Europe/Helsinki")
    day = datetime.now(tz).date() + timedelta(days=days)
    return datetime.combine(day, dtime(hour, 0), tz)


def add_session(srv, gid, token, starts, hours=2):
    """A one-off session of group GID starting at STARTS (datetime); its JSON."""
    from datetime import timedelta
    body = {"starts_at": at(starts), "ends_at": at(starts + timedelta(hours=hours))}
    r = srv.api("POST", f"/api/v1/groups/{gid}/sessions", json=body, token=token)
    return assert_json(r, 201)["session"]


def move_session(srv, sid, token, starts, hours=2):
    """Moves session SID to STARTS (datetime); its JSON."""
    from datetime import timedelta
    body = {"starts_at": at(starts), "ends_at": at(starts + timedelta(hours=hours))}
    return assert_json(srv.api("PATCH", f"/api/v1/sessions/{sid}", json=body, token=token), 200)["session"]


def cancel_session(srv, sid, token, reason="Ohjaaja sairastui"):
    body = {"status": "cancelled", "reason": reason}
    return assert_json(srv.api("PATCH", f"/api/v1/sessions/{sid}", json=body, token=token), 200)["session"]


def session_of(srv, gid, sid, near):
    """Session SID as GET /api/v1/groups/{gid}/sessions shows it; NEAR (a datetime)
    is within a year of its start."""
    from datetime import timedelta, timezone as tz_
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    frm = (near - timedelta(days=366)).astimezone(tz_.utc).strftime(fmt)
    to = (near + timedelta(days=366)).astimezone(tz_.utc).strftime(fmt)
    r = srv.api("GET", f"/api/v1/groups/{gid}/sessions?from={frm}&to={to}")
    for s in assert_json(r, 200)["sessions"]:
        if s["id"] == sid:
            return s
    raise AssertionError(f"session {sid} is not listed for group {gid}")


def signup_path(kind, target):
    """KIND "group" or "session": the POST path of a signup to TARGET (an id)."""
    assert kind in ("group", "session")
    return f"/api/v1/{kind}s/{target}/signups"


def sign_up(srv, kind, target, token, source=None, key=None, **party):
    """POST a signup; returns the Resp. PARTY: adults, children, note (as given)."""
    headers = {"Idempotency-Key": key} if key is not None else None
    return srv.api("POST", signup_path(kind, target), json=dict(party), token=token,
                   headers=headers, source=source)


def assert_signup(r, status=None, position=_MISSING, seats=None):
    """R is 201 {signup: {id, status, waitlist_position, seats}}; returns the signup."""
    s = assert_json(r, 201)["signup"]
    assert isinstance(s.get("id"), str) and s["id"], s
    assert s.get("status") in ("confirmed", "waitlisted"), s
    assert "waitlist_position" in s and "seats" in s, s
    if s["status"] == "confirmed":
        assert s["waitlist_position"] is None, f"a confirmed signup has a position: {s}"
    else:
        assert isinstance(s["waitlist_position"], int) and not isinstance(s["waitlist_position"], bool) \
            and s["waitlist_position"] >= 1, s
    if status is not None:
        assert s["status"] == status, f"expected {status}: {s}"
    if position is not _MISSING:
        assert s["waitlist_position"] == position, f"expected position {position}: {s}"
    if seats is not None:
        assert s["seats"] == seats, f"expected {seats} seats: {s}"
    return s


def signed_up(srv, kind, target, token, status=None, position=_MISSING, **party):
    """Signs up (asserting 201 and STATUS/POSITION); returns the signup."""
    return assert_signup(sign_up(srv, kind, target, token, **party), status, position)


def cancel_signup(srv, signup_id, token):
    return srv.api("DELETE", f"/api/v1/signups/{signup_id}", token=token)


def my_signups(srv, token):
    """GET /api/v1/me/signups (asserting 200): the list."""
    return assert_json(srv.api("GET", "/api/v1/me/signups", token=token), 200)["signups"]


def raw_get(srv, path, token=None, headers=None, record=True):
    """GET PATH returning Resp(status, headers, raw bytes); recorded like srv.api
    unless RECORD is false (for non-JSON answers such as CSV)."""
    hdrs = dict(headers or {})
    if token is not None:
        remember("tokens", token)
        hdrs["Authorization"] = f"Bearer {token}"
    conn = http.client.HTTPConnection(srv.host, srv.port, timeout=15)
    try:
        conn.request("GET", path, headers=hdrs)
        resp = conn.getresponse()
        r = Resp(resp.status, Headers(resp.getheaders()), resp.read())
    finally:
        conn.close()
    if record:
        with _lock:
            RESPONSES.append((srv.label, "GET", path, r.status, r.headers, False))
    return r


def signup_listing(srv, kind, target, token):
    """GET /api/v1/{groups|sessions}/{id}/signups (asserting 200, JSON, no email
    anywhere in the bytes); the list."""
    r = raw_get(srv, signup_path(kind, target), token=token)
    assert r.status == 200, f"expected 200, got {r.status}: {r.body[:300]!r}"
    assert is_json_type(r.headers), r.headers.get("content-type")
    assert b"@" not in r.body, f"an email in the signup list: {r.body[:500]!r}"
    body = jsonlib.loads(r.body)
    for s in body["signups"]:
        assert "email" not in s, s
    return body["signups"]


def assert_line(listing, confirmed, waitlisted):
    """LISTING (from signup_listing) is CONFIRMED (signup ids, any order) followed by
    WAITLISTED (signup ids in line order) with positions 1..n."""
    statuses = [s["status"] for s in listing]
    assert statuses == ["confirmed"] * len(confirmed) + ["waitlisted"] * len(waitlisted), \
        f"expected {len(confirmed)} confirmed then {len(waitlisted)} waitlisted, got {statuses}"
    assert {s["id"] for s in listing[:len(confirmed)]} == set(confirmed), listing
    assert all(s["waitlist_position"] is None for s in listing[:len(confirmed)]), listing
    tail_ = listing[len(confirmed):]
    assert [s["id"] for s in tail_] == list(waitlisted), \
        f"waitlist order: expected {list(waitlisted)}, got {[s['id'] for s in tail_]}"
    assert [s["waitlist_position"] for s in tail_] == list(range(1, len(waitlisted) + 1)), \
        [s["waitlist_position"] for s in tail_]


def attendance_path(sid):
    return f"/api/v1/sessions/{sid}/attendance"


def attendance_etag(srv, sid, token):
    """The ETag GET gives the attendance of session SID (None when it refuses)."""
    r = raw_get(srv, attendance_path(sid), token=token)
    return r.headers.get("ETag") if r.status == 200 else None


def put_attendance(srv, sid, token, records=(), walk_ins=0, if_match="read", **extra):
    """PUT the attendance of session SID; returns the Resp. RECORDS: (person, status)
    pairs, or dicts as they are. IF_MATCH: "read" sends the ETag a GET gives just
    before, None sends no If-Match, anything else is sent as it is."""
    recs = [r if isinstance(r, dict) else {"person_id": getattr(r[0], "id", r[0]), "status": r[1]}
            for r in records]
    body = {"records": recs, "walk_ins": walk_ins, **extra}
    if if_match == "read":
        if_match = attendance_etag(srv, sid, token) if token else None
    headers = {"If-Match": if_match} if if_match is not None else {}
    return srv.api("PUT", attendance_path(sid), json=body, token=token, headers=headers)


def marked(srv, sid, token, records=(), walk_ins=0, **extra):
    """PUT attendance asserting 200; returns the body."""
    return assert_json(put_attendance(srv, sid, token, records, walk_ins, **extra), 200)


def report_path(slug, frm, to):
    return f"/api/v1/orgs/{slug}/reports/attendance?from={frm}&to={to}"


# --- Faults and scale-out ----------------------------------------------------
# (test_faults.py, test_scale_out.py, and the PgBouncer run of the suite.)

# Numbers measured by the tests, printed at the end of the run (conftest.py).
MEASURED = []


def measured(line):
    print(line)
    with _lock:
        MEASURED.append(line)


def psql(url, sql, env=None):
    """Runs SQL (one or more statements) with psql on URL; the output, stripped."""
    p = subprocess.run(["psql", url, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql],
                       capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})})
    assert p.returncode == 0, f"psql failed: {p.stderr}"
    return p.stdout.strip()


# Account messages (a new address's verification, reset and sign-in links)
# belong to no organization: their outbox rows' org_id.
ACCOUNT_ORG = "00000000-0000-0000-0000-000000000000"


def verified(url, person):
    """PERSON's address counts as verified, as if they had used their link,
    and no verification mail of theirs is still to come (one being sent
    when this runs is waited for: its row is locked until it is marked)."""
    psql(url, f"UPDATE persons SET email_verified_at = now() WHERE id = '{person.id}'; "
              "UPDATE notification_outbox SET status = 'skipped', done_at = now() "
              f"WHERE person_id = '{person.id}' AND kind = 'email_verify' AND status = 'queued'")
    return person


def people_in_sql(url, n, admin=False):
    """N people with a sign-in token each, written straight into the database
    (registering hashes a password; a load test needs people, not hashes)."""
    import hashlib
    import secrets
    people, rows = [], []
    for _ in range(n):
        p = Person(str(uuid.uuid4()), new_email(), None, new_name(), secrets.token_urlsafe(32))
        for kind, v in (("emails", p.email), ("names", p.display_name), ("tokens", p.token)):
            remember(kind, v)
        digest = hashlib.sha256(p.token.encode()).hexdigest()
        rows.append(f"('{p.id}'::uuid, '{p.email}', '{p.display_name}', '\\x{digest}'::bytea)")
        people.append(p)
    psql(url, f"""
        WITH v (id, email, name, hash) AS (VALUES {", ".join(rows)}),
        p AS (INSERT INTO persons (id, email, display_name, is_admin)
              SELECT id, email, name, {"true" if admin else "false"} FROM v RETURNING id)
        INSERT INTO auth_tokens (token_hash, person_id, expires_at)
        SELECT hash, id, now() + interval '1 day' FROM v""")
    return people


def schema_files():
    """The migrations piirid applies, in order (Paths; .name is the version)."""
    return sorted((ROOT / "schema").glob("[0-9][0-9][0-9]_*.sql"))


# The migrations as they were at 0c42dc8, when each held its own functions:
# what a database made by a piirid of that time was built from.
OLD_SCHEMA = ROOT / "tests" / "integration" / "fixtures" / "schema-0c42dc8"


def old_schema_files():
    return sorted(OLD_SCHEMA.glob("[0-9][0-9][0-9]_*.sql"))


def build_old_schema(url, upto=None):
    """Builds the schema at URL as piirid did at 0c42dc8: each migration up to
    and including the version UPTO (all of them by default) in a transaction
    of its own, recorded in schema_migrations."""
    psql(url, "CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY,"
              " applied_at timestamptz NOT NULL DEFAULT now())")
    for f in old_schema_files():
        if upto is not None and f.name > upto:
            break
        p = subprocess.run(
            ["psql", url, "-XAtq", "-v", "ON_ERROR_STOP=1", "--single-transaction",
             "-c", "SET client_min_messages = warning", "-f", str(f),
             "-c", f"INSERT INTO schema_migrations (version) VALUES ('{f.name}')"],
            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        assert p.returncode == 0, f"{f.name}: {p.stderr}"


def cluster_owner(cluster):
    """(uid, gid) PostgreSQL runs as in CLUSTER, for helpers that must run as it too."""
    st = (cluster.dir / "data").stat()
    return st.st_uid, st.st_gid


def cluster_socket(cluster):
    """(socket directory, port) of CLUSTER, from its URL."""
    from urllib.parse import parse_qs, urlparse
    q = parse_qs(urlparse(cluster.url).query)
    return q["host"][0], int(q["port"][0])


class PgBouncer:
    """Debian's PgBouncer in transaction mode on a free loopback port, in front
    of CLUSTER's database piiri; its files in a fresh directory under /tmp."""

    BIN = Path("/usr/sbin/pgbouncer")

    def __init__(self, cluster, label, pool_size=20):
        self.cluster = cluster
        self.label = label
        self.pool_size = pool_size
        self.dir = Path(tempfile.mkdtemp(prefix=f"piiri-pgbouncer-{label}-", dir="/tmp"))
        self.port = free_port()
        self.proc = None
        LOGS[f"pgbouncer {label}"] = self.dir / "pgbouncer.log"

    @property
    def url(self):
        return f"postgresql://piiri@127.0.0.1:{self.port}/piiri"

    def config(self):
        host, port = cluster_socket(self.cluster)
        # options: piirid's "-c statement_timeout=..." (PgBouncer 1.18 refuses
        # the parameter otherwise); the statement timeout is then the role's.
        return f"""[databases]
piiri = host={host} port={port} dbname=piiri user=piiri

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.port}
unix_socket_dir =
auth_type = any
pool_mode = transaction
default_pool_size = {self.pool_size}
max_client_conn = 1000
ignore_startup_parameters = options
admin_users = piiri
logfile = {self.dir}/pgbouncer.log
pidfile = {self.dir}/pgbouncer.pid
log_connections = 0
log_disconnections = 0
"""

    def start(self, timeout=20):
        assert self.BIN.exists(), f"{self.BIN} is missing: scripts/deps.sh test installs pgbouncer"
        ini = self.dir / "pgbouncer.ini"
        ini.write_text(self.config())
        kw = {}
        if os.geteuid() == 0:  # PgBouncer refuses root: run it as PostgreSQL does
            uid, gid = cluster_owner(self.cluster)
            os.chown(self.dir, uid, gid)
            os.chown(ini, uid, gid)
            kw = {"user": uid, "group": gid, "extra_groups": []}
        self.proc = subprocess.Popen([str(self.BIN), str(ini)], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)

        def up():
            if self.proc.poll() is not None:
                raise RuntimeError(f"pgbouncer exited with {self.proc.returncode}:\n"
                                   f"{tail(self.dir / 'pgbouncer.log')}")
            return psql(self.url, "SELECT 1") == "1"
        try:
            wait_until(up, timeout, 0.1, f"pgbouncer {self.label}")
        except RuntimeError as e:
            raise AssertionError(str(e)) from None
        return self

    def show(self, what):
        """SHOW WHAT on the admin console: a list of dicts."""
        p = subprocess.run(["psql", f"postgresql://piiri@127.0.0.1:{self.port}/pgbouncer",
                            "-XAqF", "\t", "-c", f"SHOW {what}"],
                           capture_output=True, text=True, timeout=30)
        assert p.returncode == 0, f"SHOW {what} failed: {p.stderr}"
        lines = p.stdout.strip().splitlines()
        head = lines[0].split("\t")
        return [dict(zip(head, ln.split("\t"))) for ln in lines[1:] if "\t" in ln]

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def destroy(self):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


class ServerGroup:
    """Several piirid on one database used as one server: each request (and each
    read of .port) goes to the next of them in turn."""

    def __init__(self, servers, label):
        self.servers = servers
        self.label = label
        self.host = servers[0].host
        self._turn = itertools.cycle(servers)
        self._turn_lock = threading.Lock()
        self.answered = {s.port: 0 for s in servers}

    def next(self):
        with self._turn_lock:
            srv = next(self._turn)
            self.answered[srv.port] += 1
            return srv

    @property
    def port(self):
        return self.next().port

    @property
    def base_url(self):
        return self.servers[0].base_url

    @property
    def log_path(self):
        return self.servers[0].log_path

    def api(self, *args, **kw):
        return self.next().api(*args, **kw)

    def cli(self, *args, **kw):
        return self.servers[0].cli(*args, **kw)

    def log_text(self):
        return "".join(s.log_text() for s in self.servers)

    def start(self, timeout=60):
        """Starts them all at once (so they also migrate at once)."""
        for s in self.servers:
            s.spawn()
        for s in self.servers:
            s.wait_ready(timeout)
        return self

    def stop(self):
        """Stops them all; the worst exit code (None if one had to be killed)."""
        rcs = [s.stop() for s in self.servers]
        return None if None in rcs else max(rcs)


def behind_pgbouncer(cluster, bouncer, label, n=2):
    """N piirid whose pool goes through BOUNCER and whose LISTEN connection goes
    to CLUSTER itself, with one public URL; a ServerGroup, not started."""
    first = None
    servers = []
    for i in range(n):
        env = {"PIIRI_LISTEN_DATABASE_URL": cluster.url}
        if first is not None:
            env["PIIRI_PUBLIC_URL"] = first.base_url
        srv = Server(bouncer.url, f"{label}-{i + 1}", env=env)
        first = first or srv
        servers.append(srv)
    return ServerGroup(servers, label)


def worker_pids(srv):
    """The pids of SRV's workers (the children of its supervisor)."""
    pid = srv.proc.pid
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return set()
    return {int(x) for x in text.split()}
