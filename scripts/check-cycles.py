#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""No cycles between modules: reads the objects' symbols with nm, links each
file to the files whose symbols it uses, groups the files into modules and
fails on any cycle between two modules, printing it with the symbols that
make each step.

A module is a directory and the file-name prefix up to the first hyphen:
server/db-conn.c and server/db-pool.c are the module server/db, server/api.c
and every server/api-*.c are server/api, server/matching-*.c are
server/matching, calendars/rrule.c, rrule-by.c and rrule-text.c are
calendars/rrule, and a file with no hyphen and no partner (calendars/tz.c,
server/log.c) is a module of its own. Inside a module files may call each
other both ways; between modules the calls must form no cycle.

Objects are found by the names the Makefile gives them: build/obj/X.o is
server/X.c, build/obj/cal-X.o is calendars/X.c, build/obj/matching/X.o is
matching/X.c, build/obj/mustache/X.o is mustache/X.c, build/obj/schema.o the
embedded schema, build/obj/web.o the embedded web client.

An edge that is known and being removed elsewhere may be listed in the
allowlist (scripts/cycles-allowed.txt): one `from -> to  # reason` a line.
The checker ignores a listed edge, and fails on a line whose edge no longer
exists, so the list only ever shrinks.

The libraries (calendars/, matching/, mustache/) must also include nothing from outside
their own directory but system headers: checked from their #include lines.

Usage: check-cycles.py [--allow FILE] OBJECT...
"""

import argparse
import os
import re
import subprocess
import sys

LIBRARIES = ("calendars", "matching", "mustache")


def source_of(obj):
    """The source file an object was built from, by the Makefile's names."""
    parent = os.path.basename(os.path.dirname(obj))
    name = os.path.basename(obj)[:-2]
    if parent in ("matching", "mustache"):
        return f"{parent}/{name}.c"
    if name == "schema":
        return "build/schema.c"
    if name == "web":
        return "build/web.c"
    if name.startswith("cal-"):
        return f"calendars/{name[4:]}.c"
    return f"server/{name}.c"


def module_of(path):
    directory, base = os.path.split(path)
    return f"{directory}/{base[:-2].split('-', 1)[0]}"


def symbols(obj):
    """(defined, used) global symbols of one object."""
    out = subprocess.run(["nm", "-P", "-g", obj], capture_output=True, text=True, check=True).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        name, kind = parts[0], parts[1]
        if kind in ("U", "w", "v"):
            used.add(name)
        else:
            defined.add(name)
    return defined, used


def file_edges(objects):
    """{(from file, to file): sorted symbols} for every use of another file's symbol."""
    owner, uses = {}, {}
    for obj in objects:
        src = source_of(obj)
        defined, used = symbols(obj)
        for name in defined:
            owner.setdefault(name, src)
        uses[src] = used
    edges = {}
    for src, used in uses.items():
        for name in used:
            dst = owner.get(name)
            if dst is not None and dst != src:
                edges.setdefault((src, dst), set()).add(name)
    return {k: sorted(v) for k, v in edges.items()}


def read_allowlist(path):
    """{(from module, to module): reason}."""
    allowed = {}
    if path is None or not os.path.exists(path):
        return allowed
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            text = line.split("#", 1)
            rule = text[0].strip()
            if not rule:
                continue
            m = re.fullmatch(r"(\S+)\s*->\s*(\S+)", rule)
            if m is None or len(text) < 2 or not text[1].strip():
                sys.exit(f"{path}:{n}: expected `from -> to  # reason`")
            allowed[(m.group(1), m.group(2))] = text[1].strip()
    return allowed


def strongly_connected(nodes, succ):
    """Tarjan's components, each a sorted list; iterative, so depth is no limit."""
    index, low, on_stack, stack, comps = {}, {}, set(), [], []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(succ.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(succ.get(w, ())))))
                    advanced = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                comps.append(sorted(comp))
    return comps


def one_cycle(comp, succ):
    """A shortest cycle through the component's first module (breadth first)."""
    inside = set(comp)
    start = comp[0]
    prev, frontier = {start: None}, [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(succ.get(v, ())):
                if w == start:
                    path = [v]
                    while prev[path[-1]] is not None:
                        path.append(prev[path[-1]])
                    return list(reversed(path)) + [start]
                if w in inside and w not in prev:
                    prev[w] = v
                    nxt.append(w)
        frontier = nxt
    return comp + [comp[0]]


def check_includes():
    """Library files include only their own directory's headers."""
    bad = []
    for lib in LIBRARIES:
        if not os.path.isdir(lib):
            continue
        for name in sorted(os.listdir(lib)):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(lib, name)
            with open(path, encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                    if m and not os.path.exists(os.path.join(lib, m.group(1))):
                        bad.append(f"{path}:{n}: includes \"{m.group(1)}\", which is not in {lib}/")
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--allow", help="allowlist of module edges being removed elsewhere")
    ap.add_argument("objects", nargs="+")
    args = ap.parse_args()

    failures = check_includes()
    edges = file_edges(args.objects)
    allowed = read_allowlist(args.allow)

    module_edges = {}
    for (a, b), syms in edges.items():
        ma, mb = module_of(a), module_of(b)
        if ma != mb:
            module_edges.setdefault((ma, mb), []).append((a, b, syms))
    for edge, reason in sorted(allowed.items()):
        if edge not in module_edges:
            failures.append(f"{args.allow}: {edge[0]} -> {edge[1]} is gone: remove its line ({reason})")

    succ, nodes = {}, set()
    for (ma, mb) in module_edges:
        nodes.update((ma, mb))
        if (ma, mb) not in allowed:
            succ.setdefault(ma, set()).add(mb)
    for comp in strongly_connected(nodes, succ):
        if len(comp) < 2:
            continue
        cycle = one_cycle(comp, succ)
        lines = [f"cycle between modules: {' -> '.join(cycle)}"]
        for ma, mb in zip(cycle, cycle[1:]):
            for a, b, syms in module_edges[(ma, mb)]:
                shown = ", ".join(syms[:4]) + (", ..." if len(syms) > 4 else "")
                lines.append(f"  {a} uses {b}: {shown}")
        if len(comp) > len(cycle) - 1:
            lines.append(f"  (all modules in this knot: {', '.join(comp)})")
        failures.append("\n".join(lines))

    for f in failures:
        print(f, file=sys.stderr)
    if failures:
        return 1
    nfiles = len({s for e in edges for s in e})
    print(f"check-cycles: {nfiles} files in {len(nodes)} modules, no cycle between modules"
          + (f" ({len(allowed)} allowed edge(s) in {args.allow})" if allowed else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
