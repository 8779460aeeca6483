# SPDX-License-Identifier: Apache-2.0
"""Runs last: the logs of every server of this run, and every response the tests saw."""

import os
import re
from collections import Counter

from helpers import LOGS, RESPONSES, SECRETS, is_json_type, route_pattern, wait_until

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def server_logs():
    return {label: path for label, path in LOGS.items()
            if label.startswith("piirid ") and os.path.exists(path)}


def test_logs_hold_no_personal_data(server):
    assert server_logs()
    problems = []
    for label, path in server_logs().items():
        text = open(path, encoding="utf-8", errors="replace").read()
        low = text.lower()
        for m in EMAIL.finditer(text):
            problems.append(f"{label}: an email address: {m.group(0)!r}")
        for kind, values in SECRETS.items():
            for v in values:
                if len(v) < 6:
                    continue
                if (v.lower() in low) if kind == "emails" else (v in text):
                    problems.append(f"{label}: a {kind[:-1]} used in the tests: {v[:40]!r}")
    assert not problems, "\n".join(problems[:30]) + f"\n({len(problems)} in all)"


SERVED_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def matcher(method, pattern, status):
    """A predicate: does a log line name METHOD, the route PATTERN and STATUS?"""
    rx = [re.compile(rf"(?<![A-Za-z]){method}(?![A-Za-z])"),
          re.compile(rf"(?<![\w/{{}}.-]){re.escape(pattern)}(?![\w/{{}}.-])"),
          re.compile(rf"(?<![\w.-]){status}(?![\w.])")]
    return lambda line: all(r.search(line) for r in rx)


def request_lines(text, method, pattern, status):
    match = matcher(method, pattern, status)
    return [line for line in text.splitlines() if match(line)]


def test_one_log_line_per_request(server, api):
    start = os.path.getsize(server.log_path)
    plan = [("GET", "/healthz", 200, 5),
            ("GET", "/api/v1/orgs/no-such-org-logs", 404, 3),
            ("DELETE", "/api/v1/orgs", 405, 4),
            ("POST", "/api/v1/auth/register", 400, 2)]
    for method, path, status, times in plan:
        for _ in range(times):
            r = api(method, path, body="[" if method == "POST" else None)
            assert r.status == status, (method, path, r.status)

    def new_text():
        with open(server.log_path, encoding="utf-8", errors="replace") as f:
            f.seek(start)
            return f.read()

    def all_logged():
        text = new_text()
        return all(len(request_lines(text, m, route_pattern(p), s)) >= t for m, p, s, t in plan)
    try:
        wait_until(all_logged, 5, what="a log line per request")
    except AssertionError:
        pass
    text = new_text()
    got = {(m, route_pattern(p), s): len(request_lines(text, m, route_pattern(p), s))
           for m, p, s, _ in plan}
    want = {(m, route_pattern(p), s): t for m, p, s, t in plan}
    assert got == want, f"log lines (method, route pattern, status) -> count: got {got}, " \
                        f"want {want}; the log:\n{text[-3000:]}"


def test_every_request_of_the_suite_was_logged(server):
    text = open(server.log_path, encoding="utf-8", errors="replace").read()
    lines = text.splitlines()
    want = Counter()
    for label, method, path, status, _, huge in RESPONSES:
        pattern = route_pattern(path)
        if method not in SERVED_METHODS:
            method = "OTHER"  # the log never repeats a method token a client made up
        if label == "session" and pattern and not huge:
            want[(method, pattern, status)] += 1
    have = Counter()
    for key in want:
        match = matcher(*key)
        have[key] = sum(1 for line in lines if match(line))
    missing = {k: (v, have[k]) for k, v in want.items() if have[k] < v}
    assert not missing, "requests -> (sent, log lines): " + repr(missing)


def test_every_response_had_request_id():
    bad = [(label, m, p, s) for label, m, p, s, h, huge in RESPONSES
           if not huge and not h.get("X-Request-Id")]
    assert not bad, f"{len(bad)} responses without X-Request-Id: {bad[:10]}"


def is_page_path(path):
    """A web page's path (docs/web.md): its answers, errors too, are HTML by design
    (and the service worker's script is JavaScript)."""
    first = path.split("?", 1)[0].split("/")[1]
    return first in ("", "fi", "sv", "en", "static", "sw.js")


def test_every_body_was_json_except_metrics_and_pages():
    bad = [(label, m, p, s, h.get("Content-Type")) for label, m, p, s, h, huge in RESPONSES
           if not huge and s not in (204, 303) and not p.startswith("/metrics") and not is_page_path(p)
           and not is_json_type(h)]
    assert not bad, f"{len(bad)} responses not application/json: {bad[:10]}"
    for label, m, p, s, h, huge in RESPONSES:
        if is_json_type(h):
            ct = h.get("Content-Type").lower().replace(" ", "")
            assert "charset" not in ct or "charset=utf-8" in ct, (m, p, ct)
