#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The measurements of bench/reports.sh that need more than curl:

  reports.py sample URL N AUTH   N requests one after another on one keep-alive
                                 connection, gzip accepted (for render times);
                                 AUTH is cookie:NAME=VALUE, bearer:TOKEN or -;
                                 prints p50 and p99 of their round trips in ms, as
                                 this client timed them (piirid logs /healthz as 0.00)
  reports.py times LOG PATTERN N p50, p99 and max of the last N durations piirid
                                 logged for route PATTERN (as bench/pages.py)
  reports.py weight URL AUTH     the answer's bytes, the bytes sent when gzip is
                                 accepted, and "sent" or "local" (gzip -6 of the
                                 bytes here when piirid does not compress it)
  reports.py ratio A B           A / B to two decimals
"""

import gzip
import http.client
import sys
import time
import urllib.parse

import pages


def get(url, auth, gz, conn=None):
    u = urllib.parse.urlsplit(url)
    c = conn or http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    headers = {"User-Agent": "piiri-bench"}
    if gz:
        headers["Accept-Encoding"] = "gzip"
    if auth.startswith("cookie:"):
        headers["Cookie"] = auth[7:]
    elif auth.startswith("bearer:"):
        headers["Authorization"] = "Bearer " + auth[7:]
    c.request("GET", u.path + ("?" + u.query if u.query else ""), headers=headers)
    r = c.getresponse()
    body = r.read()
    if r.status != 200:
        sys.exit(f"reports.py: {url} answered {r.status}")
    return r, body, c


def sample(url, n, auth):
    conn, ms = None, []
    for _ in range(n):
        t0 = time.perf_counter()
        _, _, conn = get(url, auth, True, conn)
        ms.append((time.perf_counter() - t0) * 1000)
    conn.close()
    print(f"{pages.percentile(ms, 50):.3f} {pages.percentile(ms, 99):.3f}")


def weight(url, auth):
    _, plain, c = get(url, auth, False)
    c.close()
    r, sent, c = get(url, auth, True)
    c.close()
    if r.getheader("Content-Encoding") == "gzip":
        print(len(plain), len(sent), "sent")
    else:
        print(len(plain), len(gzip.compress(plain, 6)), "local")


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "sample":
        sample(args[0], int(args[1]), args[2])
    elif cmd == "times":
        pages.times(args[0], args[1], int(args[2]))
    elif cmd == "weight":
        weight(args[0], args[1])
    elif cmd == "ratio":
        a, b = float(args[0]), float(args[1])
        print(f"{a / b:.2f}" if b else "inf")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
