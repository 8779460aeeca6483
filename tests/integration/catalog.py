# SPDX-License-Identifier: Apache-2.0
"""What a database's schema is, as text to compare: every function's definition,
the triggers, views, tables and columns, indexes, constraints, sequences, types,
extensions and the recorded migrations. Names, not OIDs, so that two databases
built in different ways compare equal when their schemas are the same."""

import json
import subprocess

# Objects of the public schema that no extension owns.
_OURS = "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = {oid} AND d.deptype = 'e')"

QUERIES = {
    "functions": f"""
        SELECT p.oid::regprocedure::text, pg_get_functiondef(p.oid)
        FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.prokind IN ('f', 'p')
          AND {_OURS.format(oid='p.oid')}""",
    "triggers": """
        SELECT t.tgrelid::regclass::text || ' ' || t.tgname, pg_get_triggerdef(t.oid)
        FROM pg_trigger t WHERE NOT t.tgisinternal""",
    "views": """
        SELECT c.relname, pg_get_viewdef(c.oid)
        FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('v', 'm')""",
    "columns": """
        SELECT c.relname || '.' || a.attname,
               concat_ws(' ', a.attnum, format_type(a.atttypid, a.atttypmod),
                         CASE WHEN a.attnotnull THEN 'NOT NULL' END, a.attgenerated, a.attidentity,
                         pg_get_expr(d.adbin, d.adrelid))
        FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
        LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
          AND a.attnum > 0 AND NOT a.attisdropped""",
    "indexes": """
        SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'""",
    "constraints": """
        SELECT c.conrelid::regclass::text || ' ' || c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c WHERE c.connamespace = 'public'::regnamespace""",
    "sequences": """
        SELECT c.relname, ''
        FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'S'""",
    "types": f"""
        SELECT t.typname, t.typtype
        FROM pg_type t WHERE t.typnamespace = 'public'::regnamespace AND t.typelem = 0
          AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
          AND {_OURS.format(oid='t.oid')}""",
    "extensions": "SELECT extname, '' FROM pg_extension",
    "migrations": "SELECT version, '' FROM schema_migrations",
}


def catalog(url):
    """{kind: {name: definition}} of the database at URL."""
    sql = " UNION ALL ".join(
        f"SELECT json_build_array('{kind}', x.k, x.v)::text FROM ({q}) x(k, v)" for kind, q in QUERIES.items())
    p = subprocess.run(["psql", url, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql],
                       capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, f"psql failed: {p.stderr}"
    out = {kind: {} for kind in QUERIES}
    for line in p.stdout.splitlines():
        kind, name, definition = json.loads(line)
        out[kind][name] = definition
    return out


def differences(a, b):
    """Lines naming what differs between two catalogs (empty when they are equal)."""
    lines = []
    for kind in QUERIES:
        x, y = a.get(kind, {}), b.get(kind, {})
        for name in sorted(set(x) | set(y)):
            if name not in y:
                lines.append(f"{kind} {name}: only in the first")
            elif name not in x:
                lines.append(f"{kind} {name}: only in the second")
            elif x[name] != y[name]:
                lines.append(f"{kind} {name}: differs:\n{x[name]}\n---\n{y[name]}")
    return lines
