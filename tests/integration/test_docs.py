# SPDX-License-Identifier: Apache-2.0
"""docs/api.md, run: every example request in it goes to a real piirid, in the
document's order, and the answer is checked against the one written below it
(status line, headers, the body's keys, types and values), so the document
cannot drift from the server. The format of the examples is described at the
top of docs/api.md ("How the examples are checked").

PIIRI_DOCS_DUMP=FILE writes every real answer there, for updating the document."""

import glob
import gzip
import http.client
import json
import os
import re
import shlex
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pytest

from helpers import (PGCLUSTER, ROOT, Cluster, Headers, Server, _record_secrets_out, fresh_source, patiently,
                     every_worker_ready, psql, remember)

DOC = ROOT / "docs" / "api.md"
DOC_ORIGIN = "127.0.0.1:8080"
BOM = "\ufeff"
FAKETIME_LIBS = sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1"))

# ---- the document ----------------------------------------------------------


@dataclass
class Example:
    line: int
    console: str
    http: str = None
    shortened: bool = False
    not_run: str = None


@dataclass
class Run:
    name: str
    line: int
    steps: list = field(default_factory=list)   # Example, or (line, setup text)


class DocError(Exception):
    """The document breaks the example format."""


def doc_blocks(text):
    """(kind, text, line) for each ```console and ```http block and each
    <!-- example ... --> comment outside code blocks, in order."""
    lines, out, i = text.split("\n"), [], 0
    while i < len(lines):
        m = re.match(r"^```(\w*)\s*$", lines[i])
        if m:
            start, i = i + 1, i + 1
            body = []
            while i < len(lines) and lines[i] != "```":
                body.append(lines[i])
                i += 1
            if m.group(1) in ("console", "http"):
                out.append((m.group(1), "\n".join(body), start))
        elif lines[i].startswith("<!-- example"):
            start, body = i + 1, [lines[i]]
            while "-->" not in lines[i]:
                i += 1
                body.append(lines[i])
            out.append(("directive", "\n".join(body).removesuffix("-->").rstrip(), start))
        i += 1
    return out


def doc_runs(text):
    """The clock the examples run at and the runs, each a list of steps."""
    clock, runs, pending = None, [], {}
    blocks = doc_blocks(text)
    for n, (kind, body, line) in enumerate(blocks):
        where = f"docs/api.md:{line}"
        if kind == "directive":
            head, _, rest = body.partition("\n")
            head = head.removeprefix("<!-- example").strip()
            if head.startswith("clock:"):
                clock = datetime.fromisoformat(head.removeprefix("clock:").strip().replace("Z", "+00:00"))
            elif head.startswith("run:"):
                runs.append(Run(head.removeprefix("run:").strip(), line))
                if rest.strip():
                    runs[-1].steps.append((line, rest))
            elif head == "setup":
                if not runs:
                    raise DocError(f"{where}: a setup before the first run")
                runs[-1].steps.append((line, rest))
            elif head == ": shortened":
                pending["shortened"] = True
            elif head.startswith(": not run:"):
                pending["not_run"] = head.removeprefix(": not run:").strip()
            else:
                raise DocError(f"{where}: unknown directive {head!r}")
        elif kind == "console":
            if not runs:
                raise DocError(f"{where}: an example before the first <!-- example run: -->")
            ex = Example(line, body, **pending)
            pending = {}
            if n + 1 < len(blocks) and blocks[n + 1][0] == "http":
                ex.http = blocks[n + 1][1]
            elif body.lstrip("$ ").startswith("curl"):
                raise DocError(f"{where}: a curl example without its ```http answer")
            runs[-1].steps.append(ex)
        elif pending and not (n and blocks[n - 1][0] == "console"):
            raise DocError(f"{where}: a directive before an answer that has no request")
    if clock is None:
        raise DocError("docs/api.md: no <!-- example clock: ... -->")
    return clock, runs


CLOCK, RUNS = doc_runs(DOC.read_text("utf-8"))

# ---- values that differ from run to run ------------------------------------

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
NOW_TIME = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+(?:Z|[+-]\d{2}:\d{2})"
ANY_TIME = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})"
VOLATILE = re.compile(rf"(?P<time>{NOW_TIME})|(?P<uuid>{UUID})|(?P<token>[A-Za-z0-9_-]{{16,}})")
HTTP_DATE = r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT"


def is_token(s):
    """A random token (sign-in, feed, cursor, ETag): letters and digits, or both cases."""
    return bool(re.search(r"\d", s) and re.search(r"[A-Za-z]", s)) or \
        bool(re.search(r"[a-z]", s) and re.search(r"[A-Z]", s))


class Bindings(dict):
    """What each id, token and ETag of the document is in this run (document -> real)."""

    def apply(self, text):
        for doc in sorted(self, key=len, reverse=True):
            text = text.replace(doc, self[doc])
        return text

    def pattern(self, doc):
        """A regex for what the server may say where the document says DOC; each
        id or token not yet bound is a group named in the returned list."""
        out, names, pos = [], [], 0
        for m in VOLATILE.finditer(doc):
            part = m.group(0)
            if m.lastgroup == "token" and not is_token(part):
                continue
            out.append(re.escape(doc[pos:m.start()]))
            pos = m.end()
            if m.lastgroup == "time":
                out.append(ANY_TIME)
            elif part in self:
                out.append(re.escape(self[part]))
            else:
                names.append(part)
                out.append(f"({UUID})" if m.lastgroup == "uuid" else "([A-Za-z0-9_-]+)")
        out.append(re.escape(doc[pos:]))
        return "".join(out), names

    def match(self, doc, real, commit=True):
        """Whether REAL is what DOC stands for; binds what DOC names for the first time."""
        if doc == real and not any(v in self for v in self._parts(doc)):
            return True
        rx, names = self.pattern(doc)
        m = re.fullmatch(rx, real, re.S)
        if not m:
            return False
        found = {}
        for name, value in zip(names, m.groups()):
            if found.setdefault(name, value) != value:
                return False
        if commit:
            self.update(found)
        return True

    @staticmethod
    def _parts(doc):
        return [m.group(0) for m in VOLATILE.finditer(doc) if m.lastgroup != "time"]


# ---- comparing an answer with the document's -------------------------------


def json_type(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    return {str: "string", list: "array", dict: "object"}[type(v)]


def compare_json(doc, real, b, shortened, path, errs):
    if json_type(doc) != json_type(real):
        errs.append(f"{path}: the document has {json_type(doc)} {json.dumps(doc, ensure_ascii=False)[:80]}, "
                    f"the server {json_type(real)} {json.dumps(real, ensure_ascii=False)[:80]}")
    elif isinstance(doc, dict):
        missing = [k for k in doc if k not in real]
        extra = [] if shortened else [k for k in real if k not in doc]
        if missing:
            errs.append(f"{path}: the server has no {', '.join(missing)}")
        if extra:
            errs.append(f"{path}: the document leaves out {', '.join(extra)}")
        for k in doc:
            if k in real:
                compare_json(doc[k], real[k], b, shortened, f"{path}.{k}", errs)
    elif isinstance(doc, list):
        if len(real) < len(doc) or (len(real) != len(doc) and not shortened):
            errs.append(f"{path}: the document has {len(doc)} items, the server {len(real)}")
        for i, (d, r) in enumerate(zip(doc, real)):
            compare_json(d, r, b, shortened, f"{path}[{i}]", errs)
    elif isinstance(doc, str):
        if not b.match(doc, real):
            errs.append(f"{path}: the document has {doc!r}, the server {real!r}")
    elif doc != real:
        errs.append(f"{path}: the document has {doc!r}, the server {real!r}")


def text_lines(text, kind):
    """The lines of a text body to compare: unfolded for iCalendar, with what the
    clock makes (DTSTAMP, LAST-MODIFIED, metric values) replaced by a mark."""
    text = text.replace("\r\n", "\n")
    if kind == "text/calendar":
        text = text.replace("\n ", "")
    lines = [ln for ln in text.split("\n")]
    while lines and lines[-1] == "":
        lines.pop()
    out = []
    for ln in lines:
        if kind == "text/calendar":
            ln = re.sub(r"^(DTSTAMP|LAST-MODIFIED):\d{8}T\d{6}Z$", r"\1:(time)", ln)
        elif kind == "text/plain" and not ln.startswith("#"):
            ln = re.sub(r" \S+$", " (value)", ln)
        out.append(ln)
    return out


def compare_text(doc, real, b, shortened, kind, errs):
    """Every line of the document is in the answer; in the same order, and no others
    unless the example is shortened or has a line of its own that is an ellipsis."""
    dl, rl = text_lines(doc, kind), text_lines(real, kind)
    cut = any(ln in ("…", "...") for ln in dl)
    dl = [ln for ln in dl if ln not in ("…", "...")]
    if not (shortened or cut):
        if len(dl) != len(rl):
            errs.append(f"body: the document has {len(dl)} lines, the server {len(rl)}")
        for n, (d, r) in enumerate(zip(dl, rl)):
            if not b.match(d, r):
                errs.append(f"body line {n + 1}: the document has {d!r}, the server {r!r}")
        return
    j = 0
    for d in dl:
        while j < len(rl) and not b.match(d, rl[j], commit=False):
            j += 1
        if j == len(rl):
            errs.append(f"body: the server has no line {d!r} (in this order)")
            return
        b.match(d, rl[j])
        j += 1


def split_answer(text):
    """(status, reason, [(header, value)], body) of a ```http block."""
    head, _, body = text.partition("\n\n")
    first, *rest = head.split("\n")
    m = re.fullmatch(r"HTTP/1\.1 (\d{3}) (.+)", first)
    if not m:
        raise DocError(f"not a status line: {first!r}")
    headers = [tuple(x.strip() for x in ln.split(":", 1)) for ln in rest]
    return int(m.group(1)), m.group(2), headers, body


def compare_answer(ex, resp, b, sent_headers):
    """What differs between the example's answer and the server's, as lines."""
    status, reason, headers, body = split_answer(b.origin(ex.http))
    errs = []
    if (status, reason) != (resp.status, resp.reason):
        errs.append(f"status line: the document has {status} {reason}, the server {resp.status} {resp.reason}")
    for name, value in headers:
        real = resp.headers.get(name)
        if real is None:
            errs.append(f"header {name}: the server sends none")
        elif name.lower() == "x-request-id":
            sent = {k.lower(): v for k, v in sent_headers.items()}.get("x-request-id")
            if sent is not None and real != sent:
                errs.append(f"header X-Request-Id: sent {sent!r}, the server answered {real!r}")
        elif name.lower() in ("last-modified", "date"):
            if not re.fullmatch(HTTP_DATE, real):
                errs.append(f"header {name}: {real!r} is not an HTTP date")
        elif name.lower() == "retry-after":
            if not real.isdigit():
                errs.append(f"header Retry-After: {real!r} is not a number of seconds")
        elif not b.match(value, real):
            errs.append(f"header {name}: the document has {value!r}, the server {real!r}")
    kind = dict((k.lower(), v) for k, v in headers).get("content-type", "").split(";")[0].strip()
    data = resp.body
    if resp.headers.get("content-encoding") == "gzip":
        data = gzip.decompress(data)
    if re.fullmatch(r"\(.*\)", body.strip(), re.S):
        return errs                      # the document describes the body in words
    if not kind:
        if body.strip() or data:
            errs.append(f"body: the document has {len(body.strip())} bytes, the server {len(data)}")
    elif kind == "application/json":
        try:
            doc = json.loads(body)
        except ValueError as e:
            raise DocError(f"docs/api.md:{ex.line}: the answer's body is not JSON ({e})") from None
        try:
            real = json.loads(data.decode("utf-8"))
        except ValueError:
            return errs + [f"body: the server's is not JSON: {data[:200]!r}"]
        compare_json(doc, real, b, ex.shortened, "body", errs)
    else:
        text = data.decode("utf-8")
        if kind == "text/csv":
            # CSV starts with a byte order mark (docs/api.md says so; it does not show it).
            if not text.startswith(BOM):
                errs.append("body: a CSV without a byte order mark")
            text = text.removeprefix(BOM)
        compare_text(body, text, b, ex.shortened, kind, errs)
    return errs


# ---- running the examples --------------------------------------------------

class Runner:
    """One run of the document's examples against SRV, with its bindings."""

    def __init__(self, srv, cluster, dump=None):
        self.srv, self.cluster, self.dump = srv, cluster, dump
        self.b = Bindings()
        self.b.origin = lambda text: text.replace(DOC_ORIGIN, f"{srv.host}:{srv.port}")

    def request(self, method, path, headers, body):
        _record_secrets_out(_json_or_none(body))
        for k, v in headers.items():
            if k.lower() == "authorization":
                remember("tokens", v.removeprefix("Bearer "))
        conn = http.client.HTTPConnection(self.srv.host, self.srv.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            resp = _Resp(r.status, r.reason, Headers(r.getheaders()), r.read())
        finally:
            conn.close()
        if resp.headers.get("content-encoding") != "gzip":
            _record_secrets_out(_json_or_none(resp.body))
        return resp

    # -- setup steps

    def setup(self, line, text):
        for n, step in enumerate(ln.strip() for ln in text.split("\n")):
            if step and not step.startswith("#"):
                where = f"docs/api.md:{line + n + 1}"
                try:
                    self.setup_step(step)
                except AssertionError as e:
                    raise AssertionError(f"{where}: setup step {step!r}: {e}") from None

    def setup_step(self, step):
        word = step.split(" ", 1)[0]
        if word == "person":
            return self.person(*shlex.split(step)[1:])
        if word == "login":
            return self.login(*shlex.split(step)[1:])
        if step == "database stop":
            return self.cluster.stop()
        if step == "database start":
            self.cluster.start()
            return every_worker_ready(self.srv)
        m = re.fullmatch(r"(?:expect (\d{3}) )?(GET|POST|PUT|PATCH|DELETE) (\S+)(?: as (\S+))?"
                         r"(?: (?P<body>[\[{].*?))?(?: -> (?P<binds>.*))?", step)
        if not m:
            raise AssertionError("not a setup step (person, login or METHOD PATH ...)")
        headers = {}
        if m.group(4):
            headers["Authorization"] = f"Bearer {self.b.apply(m.group(4))}"
        body = m.group("body")
        if body is not None:
            body = self.b.apply(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        r = self.request(m.group(2), self.b.apply(m.group(3)), headers, body)
        want = int(m.group(1)) if m.group(1) else None
        ok = r.status == want if want else 200 <= r.status < 300
        assert ok, f"answered {r.status}: {r.body[:300]!r}"
        for bind in (m.group("binds") or "").split():
            where, _, doc = bind.partition("=")
            self.bind(doc, dig(json.loads(r.body), where))

    def bind(self, doc, real):
        assert self.b.get(doc, real) == real, f"{doc} is already {self.b[doc]}, not {real}"
        self.b[doc] = real

    def person(self, email, password, name, *opts):
        """person EMAIL PASSWORD NAME [admin] [token=DOC] [id=DOC]: registered, then signed in."""
        source = fresh_source()
        r = patiently(self.srv, "POST", "/api/v1/auth/register", source=source,
                      json={"email": email, "password": password, "display_name": name})
        assert r.status == 202, f"register answered {r.status}: {r.body!r}"
        if "admin" in opts:
            p = self.srv.cli("create-admin", email, stdin=password + "\n")
            assert p.returncode == 0, f"create-admin: {p.stdout}{p.stderr}"
        self.login(email, password, *[o for o in opts if o != "admin"], source=source)

    def login(self, email, password, *opts, source=None):
        """login EMAIL PASSWORD [token=DOC] [id=DOC] [device_token=DOC]"""
        r = patiently(self.srv, "POST", "/api/v1/auth/login", source=source or fresh_source(),
                      json={"email": email, "password": password})
        assert r.status == 200, f"login answered {r.status}: {r.body!r}"
        for opt in opts:
            key, _, doc = opt.partition("=")
            assert key in ("token", "id", "device_token"), f"unknown option {opt!r}"
            self.bind(doc, r.body["person"]["id"] if key == "id" else r.body[key])

    # -- examples

    def example(self, ex):
        """The differences between EX's answer and the server's, or []."""
        cmd, output = console_command(ex.console)
        if cmd.startswith("echo "):
            return self.cli_example(ex, cmd, output)
        method, url, headers, body = parse_curl(self.b.apply(self.b.origin(cmd)))
        path = url.split(f"{self.srv.host}:{self.srv.port}", 1)[1]
        resp = self.request(method, path, headers, body)
        errs = compare_answer(ex, resp, self.b, headers)
        if self.dump:
            self.dump.write(f"### docs/api.md:{ex.line}: {method} {path}\n{self.format(resp)}\n\n")
        if errs:
            errs.append("the server's answer, in the document's ids:\n" + self.format(resp))
        return errs

    def format(self, resp):
        """RESP as the document would show it: its ids and tokens, the document's address."""
        text = format_answer(resp)
        back = {}
        for doc, real in self.b.items():
            back.setdefault(real, doc)
        for real in sorted(back, key=len, reverse=True):
            text = text.replace(real, back[real])
        return text.replace(f"{self.srv.host}:{self.srv.port}", DOC_ORIGIN)

    def cli_example(self, ex, cmd, output):
        m = re.fullmatch(r"echo '([^']*)' \| build/piirid (.+)", cmd)
        if not m:
            raise DocError(f"docs/api.md:{ex.line}: a command other than curl or echo ... | build/piirid")
        p = self.srv.cli(*shlex.split(m.group(2)), stdin=m.group(1) + "\n")
        errs = [] if p.returncode == 0 else [f"exit status {p.returncode}: {p.stderr}"]
        compare_text("\n".join(output), p.stdout, self.b, ex.shortened, "text/plain+", errs)
        return errs


@dataclass
class _Resp:
    status: int
    reason: str
    headers: Headers
    body: bytes


def _json_or_none(data):
    try:
        return json.loads(data)
    except (TypeError, ValueError):
        return None


def dig(value, where):
    for part in where.split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def console_command(text):
    """The command of a ```console block and the lines it printed: a line ending in a
    backslash goes on in the next, and so does a quoted argument (a -d body)."""
    lines = text.split("\n")
    if not lines[0].startswith("$ "):
        raise DocError(f"a console block that does not start with '$ ': {lines[0]!r}")
    cmd, i = lines[0][2:], 0
    while cmd.endswith("\\") or not _balanced(cmd):
        i += 1
        if i == len(lines):
            raise DocError(f"an unfinished command: {cmd[:60]!r}")
        cmd = cmd[:-1] + " " + lines[i].lstrip() if cmd.endswith("\\") else cmd + "\n" + lines[i]
    return cmd, lines[i + 1:]


def _balanced(cmd):
    try:
        shlex.split(cmd)
        return True
    except ValueError:
        return False


def parse_curl(cmd):
    """(method, url, headers, body) of a curl command line, as curl would send it."""
    argv = shlex.split(cmd)
    if argv[0] != "curl":
        raise DocError(f"not a curl command: {cmd[:60]!r}")
    method, url, headers, body, i = None, None, {}, None, 1
    while i < len(argv):
        a = argv[i]
        if a in ("-i", "-s", "-si", "-is"):
            pass
        elif a == "-X":
            i += 1
            method = argv[i]
        elif a == "-H":
            i += 1
            k, _, v = argv[i].partition(":")
            headers[k.strip()] = v.strip()
        elif a in ("-d", "--data", "--data-binary"):
            i += 1
            body = argv[i].encode("utf-8")
        elif a.startswith("http://"):
            url = a
        else:
            raise DocError(f"a curl option the examples do not use: {a!r}")
        i += 1
    if body is not None and not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = "application/x-www-form-urlencoded"   # as curl does
    return method or ("POST" if body is not None else "GET"), url, headers, body


SHOWN = ("content-type", "content-disposition", "content-encoding", "allow", "retry-after", "etag",
         "last-modified", "cache-control", "vary", "www-authenticate", "location", "x-request-id")
HEADER_NAMES = {"etag": "ETag", "www-authenticate": "WWW-Authenticate", "x-request-id": "X-Request-Id"}


def format_answer(resp):
    lines = [f"HTTP/1.1 {resp.status} {resp.reason}"]
    lines += [f"{HEADER_NAMES.get(k, k.title())}: {v}" for k, v in resp.headers.items()
              if k in SHOWN and not (k == "cache-control" and v == "no-store")]
    data = resp.body
    if resp.headers.get("content-encoding") == "gzip":
        data = gzip.decompress(data)
    text = data.decode("utf-8", "replace").removeprefix(BOM)
    try:
        text = json.dumps(json.loads(text), ensure_ascii=False, indent=2)
    except ValueError:
        pass
    return "\n".join(lines) + "\n\n" + text


# ---- the server, at the document's clock ------------------------------------


def fake_clock_env():
    """libfaketime's settings that put the clock of the processes started with them
    at CLOCK now, ticking on (one offset for all, so they agree to the second)."""
    offset = int((datetime.now(timezone.utc) - CLOCK).total_seconds())
    return {"LD_PRELOAD": FAKETIME_LIBS[0], "FAKETIME": f"{-offset:+d}", "FAKETIME_DONT_FAKE_MONOTONIC": "1",
            "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"}


class FakeClockCluster(Cluster):
    def __init__(self, label, env):
        super().__init__(label)
        self.fake_env = env

    def initdb_log(self):
        try:
            return "\ninitdb.log:\n" + (self.dir / "initdb.log").read_text("utf-8", "replace")[-3000:]
        except OSError:
            return ""

    def start(self):
        p = subprocess.run(["bash", str(PGCLUSTER), "start", str(self.dir), str(self.port)],
                           env={**os.environ, "PGCLUSTER_FAST": "1", **self.fake_env},
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, f"pgcluster.sh start failed: {p.stderr}{self.initdb_log()}"
        self.url = p.stdout.strip()
        return self.url


@pytest.fixture(scope="module")
def doc_server():
    """A piirid and a PostgreSQL of their own whose clocks show the document's time."""
    if not FAKETIME_LIBS:
        pytest.fail("libfaketime is missing: install it (scripts/deps.sh test does)")
    env = fake_clock_env()
    cluster = FakeClockCluster("docs", env)
    cluster.start()
    srv = Server(cluster.url, "docs", env=env)
    try:
        srv.start()
        srv.cluster = cluster
        yield srv
    finally:
        srv.stop()
        cluster.destroy()


@pytest.fixture(scope="module")
def dump():
    path = os.environ.get("PIIRI_DOCS_DUMP")
    if not path:
        yield None
        return
    with open(path, "w", encoding="utf-8") as f:
        yield f


def empty_database(url):
    tables = psql(url, "SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables "
                       "WHERE schemaname = 'public' AND tablename <> 'schema_migrations'")
    psql(url, f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def test_the_document_has_runs_and_examples():
    examples = [s for r in RUNS for s in r.steps if isinstance(s, Example)]
    curls = DOC.read_text("utf-8").count("```console\n$ curl")
    assert RUNS and len([e for e in examples if e.console.startswith("$ curl")]) == curls


@pytest.mark.parametrize("run", RUNS, ids=[r.name for r in RUNS])
def test_doc_examples(doc_server, dump, run):
    """Each run starts on an empty database; its examples run in order, and every
    answer is checked against the document's. A run goes on after a difference,
    so that one failure lists every example that disagrees."""
    empty_database(doc_server.db_url)
    runner = Runner(doc_server, doc_server.cluster, dump)
    failures = []
    for step in run.steps:
        if not isinstance(step, Example):
            runner.setup(*step)
        elif step.not_run is None:
            errs = runner.example(step)
            if errs:
                failures.append(f"docs/api.md:{step.line}:\n  " + "\n  ".join(errs))
    assert not failures, f"{len(failures)} examples of run {run.name!r} disagree with the server:\n\n" + \
        "\n\n".join(failures)
