#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The measurements of bench/pages.sh that need more than curl and wrk:

  pages.py sample URL N          N requests one after another on one keep-alive
                                 connection, gzip accepted (for render times)
  pages.py times LOG PATTERN N   p50 and p99 of the last N durations piirid logged
                                 for route PATTERN (its info lines: "GET PATTERN
                                 200 1.23ms rid=...")
  pages.py hist BEFORE AFTER PATTERN
                                 the bucket holding p99 of the requests to PATTERN
                                 between two /metrics snapshots
  pages.py cached BEFORE AFTER   the share of signed-out pages answered from the
                                 workers' page cache between two /metrics snapshots
  pages.py weight URL [COOKIE]   what a first visit fetches: the page and every
                                 stylesheet, script, icon and image it names
                                 (and what the stylesheets name), compressed as
                                 sent; prints "bytes requests kind=bytes..."
  pages.py lighthouse JSON       a line from Lighthouse's report, and on stderr
                                 every audit of the two categories that did not pass
  pages.py session-under-way BASE
                                 a meeting of the demo's family café Kaleva that
                                 began half an hour ago, with Minna's family and a
                                 guest signed up; its id
"""

import gzip
import http.client
import json
import re
import sys
import urllib.parse
from html.parser import HTMLParser


def get(url, cookie=None, conn=None):
    u = urllib.parse.urlsplit(url)
    c = conn or http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    headers = {"Accept-Encoding": "gzip, deflate, br", "User-Agent": "piiri-bench"}
    if cookie:
        headers["Cookie"] = cookie
    c.request("GET", u.path + ("?" + u.query if u.query else ""), headers=headers)
    r = c.getresponse()
    body = r.read()
    # What went over the wire for this answer: the status line, the headers and the body.
    head = len(f"HTTP/1.1 {r.status} {r.reason}\r\n") + sum(len(k) + len(v) + 4 for k, v in r.getheaders()) + 2
    return r, body, head, c


def sample(url, n):
    conn = None
    for _ in range(n):
        r, _, _, conn = get(url, conn=conn)
        if r.status != 200:
            sys.exit(f"pages.py: {url} answered {r.status}")
    conn.close()


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, int(round(p / 100 * len(xs) + 0.5)) - 1))]


def times(log, pattern, n):
    rx = re.compile(r" GET (\S+) 200 ([0-9.]+)ms ")
    ms = []
    with open(log, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = rx.search(line)
            if m and m.group(1) == pattern:
                ms.append(float(m.group(2)))
    ms = ms[-n:]
    if len(ms) < n:
        sys.exit(f"pages.py: {len(ms)} log lines for {pattern}, not {n}")
    print(f"{percentile(ms, 50):.2f} {percentile(ms, 99):.2f} {max(ms):.2f}")


def buckets(path, pattern):
    rx = re.compile(r'^piiri_http_request_duration_seconds_bucket\{(.*),le="([^"]+)"\} (\d+)$')
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = rx.match(line.strip())
            if m and f'"{pattern}"' in m.group(1) and 'method="GET"' in m.group(1):
                le = float("inf") if m.group(2) == "+Inf" else float(m.group(2))
                out[le] = out.get(le, 0) + int(m.group(3))
    return out


def hist(before, after, pattern):
    a, b = buckets(before, pattern), buckets(after, pattern)
    diff = sorted((le, b[le] - a.get(le, 0)) for le in b)
    total = diff[-1][1] if diff else 0
    if total == 0:
        sys.exit(f"pages.py: no requests to {pattern} in /metrics")
    for le, cumulative in diff:
        if cumulative >= 0.99 * total:
            print(f"{le * 1000:g} {total}")
            return


def counter(path, name):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith(name + " "):
                return int(line.split()[1])
    sys.exit(f"pages.py: no {name} in {path}")


def cached(before, after):
    hits, misses = (counter(after, n) - counter(before, n)
                    for n in ("piiri_page_cache_hits_total", "piiri_page_cache_misses_total"))
    print(f"{100 * hits / max(hits + misses, 1):.2f} %")


class Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("href") and set((a.get("rel") or "").split()) & {
                "stylesheet", "icon", "manifest", "preload", "modulepreload", "apple-touch-icon"}:
            self.refs.append(a["href"])
        elif tag in ("script", "img", "source", "video", "audio", "iframe") and a.get("src"):
            self.refs.append(a["src"])
        elif tag == "img" and a.get("srcset"):
            self.refs.extend(s.split()[0] for s in a["srcset"].split(",") if s.strip())


def kind_of(ctype, url):
    ctype = (ctype or "").split(";")[0]
    if ctype == "text/html":
        return "html"
    if ctype == "text/css":
        return "css"
    if "javascript" in ctype:
        return "js"
    if ctype.startswith("image/"):
        return "img"
    return "other"


def weight(url, cookie=None):
    todo, seen, total, count, by_kind = [url], set(), 0, 0, {}
    while todo:
        u = todo.pop(0)
        if u in seen:
            continue
        seen.add(u)
        r, body, head, conn = get(u, cookie)
        conn.close()
        if r.status != 200:
            sys.exit(f"pages.py: {u} answered {r.status}")
        kind = kind_of(r.getheader("Content-Type"), u)
        size = head + len(body)
        total += size
        count += 1
        by_kind[kind] = by_kind.get(kind, 0) + size
        text = gzip.decompress(body) if r.getheader("Content-Encoding") == "gzip" else body
        if kind == "html":
            p = Refs()
            p.feed(text.decode("utf-8", "replace"))
            refs = p.refs
        elif kind == "css":
            refs = [m.strip("'\" ") for m in re.findall(r"url\(([^)]+)\)", text.decode("utf-8", "replace"))]
            refs += re.findall(r"@import\s+[\"']([^\"']+)", text.decode("utf-8", "replace"))
        else:
            refs = []
        for ref in refs:
            if ref.startswith("data:"):
                continue
            full = urllib.parse.urljoin(u, ref)
            if urllib.parse.urlsplit(full).netloc != urllib.parse.urlsplit(url).netloc:
                sys.exit(f"pages.py: {u} names {full}, on another origin")
            todo.append(full)
    print(total, count, " ".join(f"{k}={v}" for k, v in sorted(by_kind.items())))


def lighthouse(path):
    with open(path, encoding="utf-8") as f:
        rep = json.load(f)
    cats, audits = rep["categories"], rep["audits"]

    def score(c):
        s = cats.get(c, {}).get("score")
        return "-" if s is None else f"{round(s * 100)}"

    def metric(a, unit):
        v = audits.get(a, {}).get("numericValue")
        if v is None:
            return "-"
        return f"{v / 1000:.1f} s" if unit == "s" else f"{v:.0f} ms" if unit == "ms" else f"{v:.3f}"

    print(f"performance {score('performance')}, accessibility {score('accessibility')}; "
          f"FCP {metric('first-contentful-paint', 's')}, LCP {metric('largest-contentful-paint', 's')}, "
          f"TBT {metric('total-blocking-time', 'ms')}, CLS {metric('cumulative-layout-shift', '')}, "
          f"SI {metric('speed-index', 's')}, "
          f"{audits.get('total-byte-weight', {}).get('numericValue', 0) / 1000:.1f} KB transferred; "
          f"CPU benchmark index {rep.get('environment', {}).get('benchmarkIndex', 0):.0f}, "
          f"slowdown {rep.get('configSettings', {}).get('throttling', {}).get('cpuSlowdownMultiplier', '-')}x")
    for c in ("performance", "accessibility"):
        for ref in cats.get(c, {}).get("auditRefs", []):
            a = audits.get(ref["id"], {})
            if ref.get("weight", 0) > 0 and a.get("score") is not None and a["score"] < 1 and \
                    a.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings"):
                print(f"bench: lighthouse {c}: {ref['id']} {a['score']:.2f}: {a.get('title', '')}"
                      f"{' (' + a['displayValue'] + ')' if a.get('displayValue') else ''}", file=sys.stderr)
    for w in rep.get("runWarnings", []):
        print(f"bench: lighthouse warning: {w}", file=sys.stderr)


KALEVA = "20000000-0000-4000-8000-000000000002"  # an open group with a capacity, led by Lauri


def api(base, method, path, body, token=None):
    u = urllib.parse.urlsplit(base)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    c.request(method, path, body=json.dumps(body), headers=headers)
    r = c.getresponse()
    data = json.loads(r.read() or b"{}")
    if r.status >= 300:
        sys.exit(f"bench: {method} {path} answered {r.status}: {data}")
    return data


def session_under_way(base):
    """Made ahead and then moved to now, as nobody signs up for a meeting that has begun."""
    from datetime import datetime, timedelta, timezone

    def times(start):
        return {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat()}

    kaisa = api(base, "POST", "/api/v1/auth/login", {"email": "kaisa@piiri.example", "password": "vertaistuki-demo"})
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    sid = api(base, "POST", f"/api/v1/groups/{KALEVA}/sessions", times(now + timedelta(days=2)),
              kaisa["token"])["session"]["id"]
    minna = api(base, "POST", "/api/v1/auth/login", {"email": "minna@piiri.example", "password": "vertaistuki-demo"})
    api(base, "POST", f"/api/v1/sessions/{sid}/signups", {"adults": 1, "children": 2}, minna["token"])
    api(base, "POST", f"/api/v1/sessions/{sid}/signups/on-behalf", {"display_name": "Helmi Soittaja"}, kaisa["token"])
    api(base, "PATCH", f"/api/v1/sessions/{sid}", times(now - timedelta(minutes=30)), kaisa["token"])
    print(sid)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "sample":
        sample(args[0], int(args[1]))
    elif cmd == "times":
        times(args[0], args[1], int(args[2]))
    elif cmd == "hist":
        hist(*args)
    elif cmd == "cached":
        cached(*args)
    elif cmd == "weight":
        weight(args[0], args[1] if len(args) > 1 else None)
    elif cmd == "lighthouse":
        lighthouse(args[0])
    elif cmd == "session-under-way":
        session_under_way(args[0])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
