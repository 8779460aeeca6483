#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Condense recorded database answers into tests/fuzz/request/answers.json.

Reads the JSON lines build/record/piirid wrote ($PIIRI_DB_RECORD/<pid>.jsonl,
one per answer: sql, status, sqlstate, error fields, result) and keeps, per
statement, a few answers of different shapes: the smallest of each shape of
successful result (row count, NULLs, the keys of the JSON it returns), the
most common shape first (the fuzzer's choice 0), then each distinct error the
database raised; and for the principal lookup, also people whom the other
kept answers name (so that authz sometimes finds them involved). Answers that the pool's faults already stand for (status
"unavailable") are left out; tests/fuzz/request/db-fake.c adds those itself.

usage: answers.py RECORD_DIR > answers.json
"""

import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

MAX_OK = 8          # result shapes kept per statement
MAX_ERRORS = 8      # distinct errors kept per statement
MAX_BYTES = 48 * 1024  # an answer larger than this is kept only if its shape has no smaller one


def json_shape(text, depth=0):
    """A hashable outline of a JSON text: types, object keys, empty or not."""
    try:
        v = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return "text"
    if isinstance(v, dict):
        if depth >= 2:
            return ("object", tuple(sorted(v)))
        return ("object", tuple(sorted((k, json_shape(x, depth + 1)) for k, x in v.items())))
    if isinstance(v, list):
        if not v:
            return ("array", 0)
        return ("array", json_shape(v[0], depth + 1) if depth < 2 else "items")
    return type(v).__name__


def rows_bucket(n):
    return n if n < 2 else 2 if n < 6 else 6


# Columns whose values decide what a handler does (the principal's row): an
# admin, a coordinator and a member are different shapes.
DECIDING_COLUMNS = {"is_admin", "role"}


def shape(answer):
    if answer["status"] == "error":
        err = answer.get("error") or {}
        return ("error", answer.get("sqlstate"), err.get("primary"))
    res = answer["result"]
    rows = res["rows"]
    nulls = tuple(v is None for v in rows[0]) if rows else ()
    first = rows[0][0] if rows and rows[0] and rows[0][0] is not None else None
    deciding = tuple(sorted({(name, row[i]) for row in rows
                             for i, name in enumerate(res["fields"]) if name in DECIDING_COLUMNS},
                            key=repr))
    return ("ok", len(res["fields"]), rows_bucket(len(rows)), nulls, deciding,
            json_shape(first) if first is not None else None)


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MAX_INVOLVED = 24   # extra principals named by the answers kept for other statements


def is_principal(answer):
    res = answer.get("result") or {}
    return "is_admin" in res.get("fields", ()) and bool(res.get("rows"))


def involved_principals(out, all_texts):
    """For each kept answer of the other statements, a principal (the lookup's
    rows for one person) whom it names, if one was recorded: the supporter of
    a pairing, a signup's owner, a group's leader. Recorded answers come from
    different tests, so without these authz would almost never find the
    person asking involved in what was loaded."""
    extra = {}
    for psql, texts in all_texts.items():
        by_person = {}
        for text in sorted(texts, key=len):
            a = json.loads(text)
            if is_principal(a):
                by_person.setdefault(a["result"]["rows"][0][0], text)
        kept = {json.loads(t)["result"]["rows"][0][0] for sql, answers in out if sql == psql
                for t in answers if is_principal(json.loads(t))}
        picked = []
        for sql, answers in out:
            for text in answers:
                for person in UUID.findall(text):
                    if person in by_person and person not in kept and len(picked) < MAX_INVOLVED:
                        kept.add(person)
                        picked.append(by_person[person])
                        break
        if picked:
            extra[psql] = picked
    return extra


def main(record_dir):
    by_sql = defaultdict(dict)      # sql -> shape -> smallest answer text
    counts = defaultdict(Counter)   # sql -> shape -> how often
    all_texts = defaultdict(set)    # principal lookups: every distinct answer
    for path in sorted(Path(record_dir).glob("*.jsonl")):
        with open(path, encoding="utf-8") as f:
            for line in f:
                try:
                    a = json.loads(line)
                except ValueError:
                    continue  # a worker killed mid-write
                if a.get("status") == "unavailable":
                    continue
                sql = a.pop("sql")
                key = shape(a)
                text = json.dumps(a, ensure_ascii=False, separators=(",", ":"))
                counts[sql][key] += 1
                if is_principal(a) and len(all_texts[sql]) < 20000:
                    all_texts[sql].add(text)
                old = by_sql[sql].get(key)
                if old is None or len(text) < len(old):
                    by_sql[sql][key] = text

    out = []
    for sql in sorted(by_sql):
        ranked = [k for k, _ in counts[sql].most_common()]
        oks = [k for k in ranked if k[0] == "ok"]
        errors = [k for k in ranked if k[0] == "error"][:MAX_ERRORS]
        small = [k for k in oks if len(by_sql[sql][k]) <= MAX_BYTES]
        kept = (small or oks[:1])[:MAX_OK] + errors
        out.append((sql, [by_sql[sql][k] for k in kept]))
    extra = involved_principals(out, all_texts)
    out = [(sql, answers + [t for t in extra.get(sql, []) if t not in answers]) for sql, answers in out]

    w = sys.stdout.write
    w('{"about":"Database answers recorded from the integration suite by make fuzz-record '
      '(tests/fuzz/request/answers.py); the request fuzzer answers each statement with one of them.",\n')
    w('"statements":{\n')
    for i, (sql, answers) in enumerate(out):
        w(json.dumps(sql) + ":[\n")
        w(",\n".join(answers))
        w("\n]" + ("," if i + 1 < len(out) else "") + "\n")
    w("}}\n")
    total = sum(len(a) for _, a in out)
    print(f"answers.py: {len(out)} statements, {total} answers", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
