#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Write the request fuzzer's seeds (tests/fuzz/seeds-fuzz_request/).

Every curl example of docs/api.md becomes a raw HTTP request (and, when it
has a body, a JSON-mode input for its route too; and with a token, one
where the token is a site admin's), plus a few requests made for the
protocol's corners; and the fuzzer's dictionary. Org slugs in paths are also written with a slug
of the recorded principals (answers.json), so that authz can say yes. Each
input starts with the 16-byte header fuzz_request.c describes.

usage: seeds.py  (from anywhere; rewrites the directory)
"""

import json
import re
import shlex
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
OUT = ROOT / "tests" / "fuzz" / "seeds-fuzz_request"
HEADER_LEN = 16
FLAG_JSON = 0x01
FLAG_SPLIT = 0x20
FLAG_NOTIFY = 0x40
FLAG_TWO_CLIENTS = 0x80
TOKEN = "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuz"
UUID = "8a6e0804-2bd0-4672-b79d-d97027f8fd1d"


def routes():
    """(method, pattern, has_body) of server/routes.c, in table order."""
    text = (ROOT / "server" / "routes.c").read_text()
    out = []
    for m in re.finditer(r'R\((\w+),\s*"([^"]+)",\s*\w+,\s*([^)]*)\)', text):
        out.append((m.group(1), m.group(2), re.search(r"\bJSON", m.group(3)) is not None))
    return out


def route_regex(pattern):
    rx = re.sub(r"\\\{[a-z_]+(?::[a-z]+)?\\\}", "[^/]+", re.escape(pattern))
    return re.compile(rx + r"$")


def recorded_slugs():
    """Org slugs of the recorded principals, in the order fuzz_request.c collects them."""
    stmts = json.loads((ROOT / "tests/fuzz/request/answers.json").read_text())["statements"]
    slugs = ["perhekahvilat-tampere"]
    for answers in stmts.values():
        for a in answers:
            res = a.get("result") or {}
            for i, name in enumerate(res.get("fields", [])):
                if name != "slug":
                    continue
                for row in res["rows"]:
                    if row[i] is not None and row[i] not in slugs and len(slugs) < 16:
                        slugs.append(row[i])
    return slugs


def admin_choice():
    """The choice byte that makes the principal lookup answer a site admin."""
    stmts = json.loads((ROOT / "tests/fuzz/request/answers.json").read_text())["statements"]
    for answers in stmts.values():
        for i, a in enumerate(answers):
            res = a.get("result") or {}
            if "is_admin" in res.get("fields", ()) and res["rows"] and res["rows"][0][1] == "t":
                return i
    return None


def curl_examples():
    """(method, path, headers, body) of each `$ curl` in docs/api.md."""
    lines = (ROOT / "docs" / "api.md").read_text().splitlines()
    i = 0
    while i < len(lines):
        if not lines[i].startswith("$ curl"):
            i += 1
            continue
        cmd = lines[i][2:]
        while cmd.endswith("\\") and i + 1 < len(lines):
            i += 1
            cmd = cmd[:-1] + " " + lines[i].strip()
        i += 1
        try:
            argv = shlex.split(cmd)
        except ValueError:
            continue
        method, url, headers, body = None, None, [], None
        k = 1
        while k < len(argv):
            a = argv[k]
            if a == "-X":
                method = argv[k + 1]
                k += 1
            elif a == "-H":
                headers.append(argv[k + 1])
                k += 1
            elif a in ("-d", "--data", "--data-binary"):
                body = argv[k + 1]
                k += 1
            elif a.startswith("http"):
                url = a
            k += 1
        if url is None:
            continue
        path = re.sub(r"^https?://[^/]+", "", url) or "/"
        yield (method or ("POST" if body is not None else "GET"), path, headers, body)


def raw_request(method, path, headers, body):
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1:8080"] + headers
    data = body.encode("utf-8") if body is not None else b""
    if body is not None:
        head.append(f"Content-Length: {len(data)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode("utf-8") + data


def header(flags=0, selector=0, slug=0, first_choice=0):
    h = bytearray(HEADER_LEN)
    h[0], h[1], h[2], h[3] = flags, selector, slug, first_choice
    return bytes(h)


def corners():
    """Requests for the protocol's corners, named."""
    auth = f"Authorization: Bearer {TOKEN}\r\n"
    json_post = lambda path, body: (  # noqa: E731
        f"POST {path} HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n{body}")
    yield "pipelined", ("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                        f"GET /api/v1/me HTTP/1.1\r\nHost: x\r\n{auth}\r\n"
                        "GET /api/v1/orgs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    yield "http10-keepalive", "GET /api/v1/orgs HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /healthz HTTP/1.0\r\n\r\n"
    yield "http09", "GET /healthz\r\n\r\n"
    yield "version-odd", "GET /healthz HTTP/1.7\r\nHost: x\r\n\r\n"
    yield "version-zero", "GET /healthz HTTP/0.1\r\nHost: x\r\n\r\n"
    yield "head", "HEAD /api/v1/orgs HTTP/1.1\r\nHost: x\r\n\r\n"
    yield "options", "OPTIONS /api/v1/groups HTTP/1.1\r\nHost: x\r\n\r\n"
    yield "trace", "TRACE /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    yield "absolute-uri", "GET http://x/api/v1/groups?kind=camp HTTP/1.1\r\nHost: x\r\n\r\n"
    yield "chunked", (f"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n10\r\n{\"email\":\"a@b.c\"\r\n"
                      "17\r\n,\"password\":\"salasana1\"\r\n1\r\n}\r\n0\r\n\r\n")
    yield "expect-continue", ("POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                              "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
    yield "content-length-twice", ("POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                   "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}")
    yield "body-not-json-type", ("POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                                 "Content-Length: 2\r\n\r\n{}")
    yield "big-integer", json_post(f"/api/v1/groups/{UUID}/signups", '{"adults":123456789012345678901234567890}')
    yield "duplicate-key", json_post("/api/v1/auth/register", '{"email":"a@b.fi","email":"c@d.fi"}')
    yield "groups-all-filters", (
        "GET /api/v1/groups?org=perhekahvilat-tampere&kind=family_cafe&access=open&audience=public"
        "&modality=in_person&municipality=Tampere&language=fi&topic=isyys&q=kahvi&from=2026-10-01"
        "&to=2026-12-31T00:00:00Z&limit=5&cursor=MjAyNi0xMC0wMVQwMDowMDowMFp8OGE2ZTA4MDQtMmJkMC00NjcyLWI3OWQtZDk3MDI3ZjhmZDFk"
        f" HTTP/1.1\r\nHost: x\r\n{auth}\r\n")
    yield "report-csv", ("GET /api/v1/orgs/perhekahvilat-tampere/reports/attendance?from=2026-10-01&to=2026-10-31"
                         f" HTTP/1.1\r\nHost: x\r\n{auth}Accept: text/csv\r\n\r\n")
    yield "feed-gzip-etag", (f"GET /calendars/groups/{UUID}.ics HTTP/1.1\r\nHost: x\r\n"
                             "Accept-Encoding: br;q=1.0, gzip;q=0.5, *;q=0\r\nIf-None-Match: \"abc\", *\r\n\r\n"
                             f"GET /calendars/groups/{UUID}.ics HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n")
    yield "forwarded-metrics", ("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.5, 10.0.0.1\r\n\r\n"
                                "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.5\r\n"
                                "Authorization: Bearer fuzz-metrics-token-0123\r\n\r\n"
                                "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: ::1\r\n\r\n")
    yield "forwarded-login", (f"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 2001:db8::7\r\n"
                              "Content-Type: application/json\r\nContent-Length: 47\r\n\r\n"
                              '{"email": "aino@example.org", "password": "x1"}')
    yield "request-id", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: my-trace-0001\r\n\r\n"
    yield "percent-path", "GET /api/v1/orgs/%C3%A4iti%2Fx%00 HTTP/1.1\r\nHost: x\r\n\r\n"
    yield "access-log", ("GET /api/v1/orgs/perhekahvilat-tampere/support-requests/access-log?request_id="
                         f"{UUID}&limit=10 HTTP/1.1\r\nHost: x\r\n{auth}\r\n")


DICT_TOKENS = [
    "GET ", "POST ", "PUT ", "PATCH ", "DELETE ", "HEAD ", "OPTIONS ", " HTTP/1.1\r\n", " HTTP/1.0\r\n",
    "\r\n", "\r\n\r\n", "Host: ", "Content-Length: ", "Content-Type: application/json",
    "Transfer-Encoding: chunked", "Connection: close", "Connection: keep-alive", "Expect: 100-continue",
    "Authorization: Bearer ", "X-Request-Id: ", "Idempotency-Key: ", "Accept: text/csv",
    "Accept-Encoding: gzip", "If-None-Match: ", "X-Forwarded-For: ", "fuzz-metrics-token-0123", "/api/v1/", "/calendars/", ".ics",
    "?", "&", "=", "%00", "%2F", "/groups", "/sessions", "/signups", "/orgs", "/members", "/me",
    "/auth/login", "/auth/register", "/supporters", "/support-requests", "/pairings", "/matching",
    "/reports/attendance", "/attendance", "/absence", "/contacts", "/accept", "/decline", "/close",
    "/match", "/candidates", "/access-log", UUID, TOKEN, "2027-03-31T17:00:00+03:00", "2026-10-01",
    "FREQ=WEEKLY;BYDAY=TH", "Europe/Helsinki", "true", "false", "null", "{}", "[]", "1e400", "-0",
    "\\u0000", "\\ud800",
]


def dict_entry(text):
    out = "".join(c if 0x20 <= ord(c) < 0x7f and c not in '"\\' else
                  ("\\" + c if c in '"\\' else f"\\x{ord(c):02x}") for c in text)
    return f'"{out}"'


def write_dict():
    """tests/fuzz/fuzz_request.dict: HTTP, the routes, and the JSON keys the handlers read."""
    keys = set()
    for path in sorted((ROOT / "server").glob("*.c")):
        text = path.read_text()
        keys.update(re.findall(r'json_object_get\([^,()]+, "([a-z_]+)"\)', text))
        keys.update(re.findall(r'\{ "([a-z_]+)", (?:JSON|FIELD)_', text))
    lines = ["# libFuzzer dictionary for fuzz_request (written by tests/fuzz/request/seeds.py).",
             "# SPDX-License-Identifier: Apache-2.0"]
    lines += [dict_entry(t) for t in DICT_TOKENS]
    lines += [dict_entry(f'"{k}":') for k in sorted(keys)]
    (ROOT / "tests" / "fuzz" / "fuzz_request.dict").write_text("\n".join(lines) + "\n")


def main():
    table = routes()
    body_routes = [(m, p) for m, p, body in table if body]
    regexes = [(m, route_regex(p)) for m, p in body_routes]
    slugs = recorded_slugs()
    admin = admin_choice()
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    written = set()

    def write(name, data):
        if data in written:
            return
        written.add(data)
        (OUT / name).write_bytes(data)

    for n, (method, path, headers, body) in enumerate(curl_examples()):
        stem = re.sub(r"[^a-z0-9]+", "-", f"{method} {path.split('?')[0]}".lower()).strip("-")[:60]
        req = raw_request(method, path, headers, body)
        write(f"doc-{n:03d}-{stem}", header() + req)
        m = re.search(r"/orgs/([a-z0-9-]+)", path)
        if m and len(slugs) > 1:
            write(f"doc-{n:03d}-{stem}-recorded-org",
                  header() + raw_request(method, path.replace(m.group(0), f"/orgs/{slugs[1]}"), headers, body))
        if admin is not None and any(h.lower().startswith("authorization:") for h in headers):
            # The first query is the principal lookup: a site admin, whom authz lets through.
            write(f"doc-{n:03d}-{stem}-admin", header(first_choice=admin) + req)
        if body is None:
            continue
        for i, (rm, rx) in enumerate(regexes):
            if rm == method and rx.match(path.split("?")[0]):
                write(f"json-{n:03d}-{stem}", header(FLAG_JSON, i, 1 if len(slugs) > 1 else 0) + body.encode())
                break
    # Every route once, with a token and an empty object for a body, as
    # anyone and as a site admin: routes without an example still start out reached.
    for i, (method, pattern, has_body) in enumerate(table):
        path = re.sub(r"\{slug\}", slugs[1] if len(slugs) > 1 else slugs[0], pattern)
        path = re.sub(r"\{token\}", "abcdefghijklmnopqrstuv", path)
        path = re.sub(r"\{[a-z_]+\}", UUID, path)
        hdrs = [f"Authorization: Bearer {TOKEN}"] + (["Content-Type: application/json"] if has_body else [])
        req = raw_request(method, path, hdrs, "{}" if has_body else None)
        write(f"route-{i:02d}", header() + req)
        if admin is not None:
            write(f"route-{i:02d}-admin", header(first_choice=admin) + req)
    for name, text in corners():
        write(f"corner-{name}", header() + text.encode("utf-8"))
    # The same login split across two writes, and abandoned after the first pass.
    login = raw_request("POST", "/api/v1/auth/login", ["Content-Type: application/json"],
                        '{"email": "aino@example.org", "password": "kahvi-ja-pulla"}')
    write("corner-split-write", header(FLAG_SPLIT, 40) + login)
    write("corner-hang-up", header(2 << 2) + login)
    # Two clients at once; feeds with the cache dropped after every loop pass.
    write("corner-two-clients", header(FLAG_TWO_CLIENTS) + login)
    feeds = dict(corners())["feed-gzip-etag"].encode()
    write("corner-feed-two-clients-notify", header(FLAG_TWO_CLIENTS | FLAG_NOTIFY) + feeds)
    write("corner-feed-two-clients", header(FLAG_TWO_CLIENTS) + feeds)
    write_dict()
    print(f"seeds.py: {len(written)} seeds in {OUT.relative_to(ROOT)}, and fuzz_request.dict")


if __name__ == "__main__":
    main()
