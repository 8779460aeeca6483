# SPDX-License-Identifier: Apache-2.0
"""Piiri's feeds read by independent parsers, each asked for the occurrences
in a window: Debian's python3-vobject (with dateutil's rules), and from npm
ical.js, node-ical and rrule.js (tests/feeds-js/check.js, one node process for
the whole test session, modules installed by `npm ci` from the lock file into
build/feeds-js; the Makefile does that before the integration tests, and this
module does it on first use when run alone). recurring-ical-events, which the
tests read every feed with, is the reference the others are compared with.

An occurrence is (uid, start, end): Unix seconds, or "YYYY-MM-DD" for
all-day events."""

import atexit
import json
import os
import subprocess
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import vobject

ROOT = Path(__file__).resolve().parents[2]
JS_DIR = ROOT / "build" / "feeds-js"
CHECK_JS = ROOT / "tests" / "feeds-js" / "check.js"
JS_PARSERS = ("icaljs", "nodeical", "rrule")

_node = {}


def _node_process():
    if "p" not in _node:
        subprocess.run(["make", "--no-print-directory", "-s", "-C", str(ROOT), "build/feeds-js/.installed"],
                       check=True, stdout=subprocess.DEVNULL)
        env = dict(os.environ, NODE_PATH=str(JS_DIR / "node_modules"), TZ="UTC")
        _node["p"] = subprocess.Popen(["node", str(CHECK_JS)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      env=env, text=True, encoding="utf-8")
        atexit.register(_node_stop)
    return _node["p"]


def _node_stop():
    p = _node.pop("p", None)
    if p is not None:
        p.stdin.close()
        p.wait(timeout=10)


def js_occurrences(raw, lo, hi):
    """{parser: [occurrence dicts]} from the JavaScript parsers, for [LO, HI) (Unix seconds)."""
    p = _node_process()
    p.stdin.write(json.dumps({"ics": raw.decode("utf-8"), "from": lo, "to": hi}) + "\n")
    p.stdin.flush()
    line = p.stdout.readline()
    assert line, "the node parsers exited"
    answer = json.loads(line)
    assert "error" not in answer, answer["error"]
    for name in JS_PARSERS:
        assert isinstance(answer[name], list), f"{name} could not read the feed: {answer[name]['error']}"
    return answer


def value(v):
    """A DTSTART/DTEND value as comparable: Unix seconds, or a date string."""
    return int(v.timestamp()) if isinstance(v, datetime) else v.isoformat()


def _overlaps(start, end, lo, hi):
    if isinstance(start, str):
        return start < _day(hi) and end > _day(lo)
    return start < hi and end > lo


def _day(t):
    return datetime.fromtimestamp(t, timezone.utc).date().isoformat()


def vobject_occurrences(raw, lo, hi):
    """vobject's occurrences for [LO, HI): its rruleset (EXDATEs applied), and
    the overrides, which vobject leaves to its user, matched by RECURRENCE-ID."""
    cal = vobject.readOne(raw.decode("utf-8"))
    events = cal.contents.get("vevent", [])
    overrides = {(e.uid.value, value(e.contents["recurrence-id"][0].value)): e
                 for e in events if "recurrence-id" in e.contents}
    out = []

    def put(uid, start, end):
        s, e = value(start), value(end)
        if _overlaps(s, e, lo, hi):
            out.append((uid, s, e))

    for e in events:
        if "recurrence-id" in e.contents:
            continue
        uid, start = e.uid.value, e.dtstart.value
        end = e.dtend.value if "dtend" in e.contents else start
        if "rrule" not in e.contents:
            put(uid, start, end)
            continue
        assert isinstance(start, datetime) and start.tzinfo is not None, f"{uid}: a series in floating time"
        frm = datetime.fromtimestamp(lo, timezone.utc) - timedelta(days=3)
        to = datetime.fromtimestamp(hi, timezone.utc)
        for d in e.getrruleset(addRDate=True).between(frm, to, inc=True):
            o = overrides.get((uid, value(d)))
            if o is not None:
                put(uid, o.dtstart.value, o.dtend.value if "dtend" in o.contents else o.dtstart.value)
            else:
                put(uid, d, d + (end - start))
    return out


def check(raw, reference, lo, hi):
    """Asserts that every parser makes the REFERENCE occurrences ((uid, start,
    end) from recurring-ical-events) of the feed RAW in [LO, HI); returns the
    JavaScript parsers' answer (ical.js's occurrences carry their texts too)."""
    ours = sorted(reference)
    js = js_occurrences(raw, lo, hi)
    readings = {name: [(o["uid"], o["start"], o["end"]) for o in js[name]] for name in JS_PARSERS}
    readings["vobject"] = vobject_occurrences(raw, lo, hi)
    for name, occurrences in readings.items():
        theirs = sorted(occurrences)
        if theirs != ours:
            (ROOT / "build" / "feed-mismatch.ics").write_bytes(raw)
        assert theirs == ours, (f"{name} and recurring-ical-events differ (feed in build/feed-mismatch.ics):\n"
                                f"{name} only: {sorted(set(theirs) - set(ours))}\n"
                                f"recurring-ical-events only: {sorted(set(ours) - set(theirs))}")
    return js


def midnight(d, zone):
    """Unix seconds of local midnight starting the date D in ZONE."""
    return int(datetime.combine(d, datetime.min.time(), zone).timestamp())


__all__ = ["check", "js_occurrences", "vobject_occurrences", "value", "midnight", "date"]
