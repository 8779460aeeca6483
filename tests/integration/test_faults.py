# SPDX-License-Identifier: Apache-2.0
"""Faults under load, each on a server (and where it matters a PostgreSQL) of
its own: a worker killed with -9, PostgreSQL restarted or killed with -9 in
the middle of a signup burst, a read-only database and a full disk. What is
proven: every signup answered 201 is stored, a signup answered 503 left no
row, no seat is oversold, waitlist positions stay 1..n, and the server
answers 201 again once the database is back. The numbers measured are
printed at the end of the run."""

import collections
import http.client
import os
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest

from helpers import (PGCLUSTER, Cluster, Headers, Resp, Server, add_session, assert_error, every_worker_ready,
                     assert_json, in_days, make_group, measured, people_in_sql, psql, set_role,
                     sign_up, signup_listing, unique, wait_until, worker_pids)

# Client-side failures of a request that got no HTTP answer at all.
LOST = (OSError, http.client.HTTPException)


def durable(cluster):
    """Commits reach the kernel before they are answered: the suite's clusters
    run with synchronous_commit off, which a crash of PostgreSQL's processes
    would turn into lost commits that were answered. (fsync stays off: the
    machine does not crash, only processes do.)"""
    psql(cluster.url, "ALTER SYSTEM SET synchronous_commit = on")
    psql(cluster.url, "SELECT pg_reload_conf()")
    wait_until(lambda: psql(cluster.url, "SHOW synchronous_commit") == "on", 10, 0.05)


def an_org(srv, db_url, capacity):
    """An org with a coordinator, made by an admin written into the database;
    an open group's session and a closed group, both of CAPACITY seats:
    (coordinator, session, closed group)."""
    admin, coord = people_in_sql(db_url, 1, admin=True)[0], people_in_sql(db_url, 1)[0]
    slug = unique("piiri")
    org = srv.api("POST", "/api/v1/orgs", json={"slug": slug, "name": f"Vertaistuki {slug}"},
                  token=admin.token)
    assert_json(org, 201)
    set_role(srv, slug, coord.id, "coordinator", admin.token)
    cafe = make_group(srv, slug, coord.token, access="open", kind="family_cafe", capacity=capacity)
    session = add_session(srv, cafe["id"], coord.token, in_days(21))
    closed = make_group(srv, slug, coord.token, access="closed", kind="peer_group",
                        capacity=capacity)
    return coord, session, closed


class Outcomes:
    """What each request got: (kind, person, key, status or None, body or the error)."""

    def __init__(self):
        self.rows = []
        self.lock = threading.Lock()

    def add(self, *row):
        with self.lock:
            self.rows.append((time.monotonic(), *row))

    def count(self, status=None, since=0.0):
        with self.lock:
            return sum(1 for t, _, _, _, st, _ in self.rows
                       if t >= since and (status is None or st == status))

    def signups(self, status):
        with self.lock:
            return [(p, k, b) for _, kind, p, k, st, b in self.rows if kind == "signup" and st == status]

    def lost(self, kind=None):
        with self.lock:
            return [(p, k, b) for _, knd, p, k, st, b in self.rows
                    if st is None and (kind is None or knd == kind)]

    def statuses(self):
        with self.lock:
            return {st for _, _, _, _, st, _ in self.rows}


def signup_call(srv, target, person, key, i):
    """Signs PERSON up: odd I to the closed group (a party of 1 or 2), even I to the session."""
    kind, tid = target(i)
    adults = 1 + (i // 2) % 2 if kind == "group" else 1
    return srv.api("POST", f"/api/v1/{kind}s/{tid}/signups", json={"adults": adults},
                   token=person.token, headers={"Idempotency-Key": key}, timeout=10)


class Burst:
    """THREADS signing up the next of PEOPLE each, with a short pause (longer
    after a 503, as a client backs off), until stopped; every person is tried
    once, so that a 503 can be told from a later success."""

    def __init__(self, srv, people, target, threads=12, pause=0.01, backoff=0.2):
        self.srv, self.target, self.pause, self.backoff = srv, target, pause, backoff
        self.people = list(enumerate(people))
        self.out = Outcomes()
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(threads)]

    def take(self):
        with self.lock:
            return self.people.pop(0) if self.people else None

    def run(self):
        while not self.stop.is_set():
            item = self.take()
            if item is None:
                return
            i, p = item
            key = f"burst-{uuid.uuid4().hex}"
            try:
                r = signup_call(self.srv, self.target, p, key, i)
                self.out.add("signup", p, key, r.status, r.body)
            except LOST as e:
                self.out.add("signup", p, key, None, e)
                r = None
            time.sleep(self.pause if r is not None and r.status == 201 else self.backoff)

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(30)
        assert not any(t.is_alive() for t in self.threads), "a burst thread hangs"

    def wait_for(self, status, n, since=0.0, timeout=30, what=None):
        wait_until(lambda: self.out.count(status, since) >= n or not self.people, timeout, 0.01,
                   what or f"{n} answers {status}")
        assert self.people, f"the burst ran out of people before {n} answers {status}"


def signup_rows(db_url, people):
    """person id -> [(signup id, status, seats)] for PEOPLE, from the database."""
    ids = ",".join(f"'{p.id}'" for p in people)
    out = {}
    text = psql(db_url, f"SELECT person_id, id, status, seats FROM signups WHERE person_id IN ({ids})")
    for line in text.splitlines():
        pid, sid, status, seats = line.split("|")
        out.setdefault(pid, []).append((sid, status, int(seats)))
    return out


def key_rows(db_url, keys):
    if not keys:
        return set()
    ks = ",".join(f"'{k}'" for k in keys)
    return set(psql(db_url, f"SELECT key FROM idempotency_keys WHERE key IN ({ks})").split())


def assert_capacity_exact(srv, db_url, coord, session, closed, capacity):
    """In SQL: confirmed seats never above capacity, and exactly at it when more
    were asked for (strict FIFO fills every seat a party fits in); through the
    API: the waitlist in line order with positions 1..n."""
    for kind, where, tid in (("session", f"session_id = '{session['id']}'", session["id"]),
                             ("group", f"group_id = '{closed['id']}' AND session_id IS NULL",
                              closed["id"])):
        rows = psql(db_url, f"SELECT status, seats, id FROM signups WHERE {where} AND "
                            f"status <> 'cancelled' ORDER BY queue_seq").splitlines()
        rows = [r.split("|") for r in rows]
        taken = sum(int(s) for st, s, _ in rows if st == "confirmed")
        waiting = [(int(s), i) for st, s, i in rows if st == "waitlisted"]
        assert taken <= capacity, f"{kind}: {taken} seats confirmed of {capacity}"
        if waiting:
            assert waiting[0][0] > capacity - taken, \
                f"{kind}: {capacity - taken} seats free, yet the head of the line ({waiting[0][0]}) waits"
        listing = signup_listing(srv, kind, tid, coord.token)
        line = [x for x in listing if x["status"] == "waitlisted"]
        assert [x["id"] for x in line] == [i for _, i in waiting], f"{kind}: waitlist order"
        assert [x["waitlist_position"] for x in line] == list(range(1, len(line) + 1)), \
            f"{kind}: positions {[x['waitlist_position'] for x in line]}"


def assert_stored_and_nothing_more(db_url, burst, people):
    """Every 201 is a row of that person with that id; a person whose only
    request got 503 has no signup and left no idempotency key."""
    rows = signup_rows(db_url, people)
    ok = burst.out.signups(201)
    for p, _, body in ok:
        sid = body["signup"]["id"]
        assert [r[0] for r in rows.get(p.id, [])] == [sid], \
            f"a signup answered 201 ({sid}) is not stored as the person's one signup: {rows.get(p.id)}"
    refused = burst.out.signups(503)
    for _, _, body in refused:
        assert_error(http_like(503, body), 503, "database_unavailable")
    left = [p.id for p, _, _ in refused if p.id in rows]
    assert not left, f"{len(left)} of {len(refused)} signups answered 503 left a row: {left[:5]}"
    keys = key_rows(db_url, [k for _, k, _ in refused])
    assert not keys, f"signups answered 503 left idempotency keys: {sorted(keys)[:5]}"
    return len(ok), len(refused)


def http_like(status, body):
    return Resp(status, Headers([("Content-Type", "application/json")]), body)


# --- A worker killed with -9 during reads and signups -----------------------

def test_worker_killed_during_load(pg, own_server):
    srv = own_server(pg.url, "kill-worker")
    capacity = 20
    coord, session, closed = an_org(srv, pg.url, capacity)
    people = people_in_sql(pg.url, 400)
    out = Outcomes()
    stop = threading.Event()
    queue = list(enumerate(people))
    qlock = threading.Lock()
    target = (lambda i: ("group", closed["id"]) if i % 2 else ("session", session["id"]))
    reads = [f"/api/v1/groups/{closed['id']}", f"/api/v1/groups/{closed['id']}/signups",
             f"/api/v1/sessions/{session['id']}/signups", "/api/v1/me"]
    lost_by_thread = collections.Counter()

    def lose(kind, p, key, e):
        out.add(kind, p, key, None, e)
        with qlock:
            lost_by_thread[threading.current_thread().name] += 1

    def reader(n):
        while not stop.is_set():
            path = reads[n % len(reads)]
            n += 1
            try:
                r = srv.api("GET", path, token=coord.token, timeout=10)
                out.add("read", None, None, r.status, r.body)
            except LOST as e:
                lose("read", None, None, e)

    def signer():
        while not stop.is_set():
            with qlock:
                if not queue:
                    return
                i, p = queue.pop(0)
            key = f"kill-{uuid.uuid4().hex}"
            try:
                r = signup_call(srv, target, p, key, i)
                out.add("signup", p, key, r.status, r.body)
            except LOST as e:
                lose("signup", p, key, e)
            time.sleep(0.02)

    n_readers, n_signers = 6, 6
    threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(n_readers)]
    threads += [threading.Thread(target=signer, daemon=True) for _ in range(n_signers)]
    for t in threads:
        t.start()
    killed = []
    try:
        for round_ in range(2):  # each of the first two workers once, under load
            wait_until(lambda: out.count(201) >= 30 * (round_ + 1), 30, 0.01, "signups flowing")
            before = worker_pids(srv)
            victim = sorted(before - set(killed))[0]
            assert queue, "the signups ran out before the kill"
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
            wait_until(lambda: len(worker_pids(srv) - before) == 1 and len(worker_pids(srv)) == 2,
                       15, 0.01, "the supervisor to restart the worker")
    finally:
        wait_until(lambda: not queue, 60, 0.05, "the rest of the signups")
        stop.set()
        for t in threads:
            t.join(30)
    assert not any(t.is_alive() for t in threads)
    assert not set(killed) & worker_pids(srv)

    total, lost = len(out.rows), out.lost()
    statuses = out.statuses() - {None}
    assert statuses <= {200, 201}, f"answers other than 200/201 while a worker died: {statuses}"
    # Each client thread has at most one request in flight, so a killed worker takes
    # that one with it, and at most one more: the thread reconnects at once, and the
    # kernel may queue the new connection on the dying worker's SO_REUSEPORT socket
    # in the instant before it is closed (net.ipv4.tcp_migrate_req=1 would move it
    # to a live worker; see the README). The rest of the line is served by the others.
    per_thread = 2 * len(killed)
    worst = max(lost_by_thread.values(), default=0)
    assert worst <= per_thread, f"a client lost {worst} requests to {len(killed)} kills: {lost_by_thread}"
    assert len(lost) <= per_thread * len(threads)
    assert len(lost) < total / 10, f"{len(lost)} of {total} requests lost"

    # Every 201 is stored; a lost signup may have been done (its answer died with
    # the worker): retrying with the same Idempotency-Key gives its one answer.
    rows = signup_rows(pg.url, people)
    ok = out.signups(201)
    for p, _, body in ok:
        assert [r[0] for r in rows.get(p.id, [])] == [body["signup"]["id"]], rows.get(p.id)
    lost_signups = out.lost("signup")
    done_unanswered = 0
    for p, key, _ in lost_signups:
        stored = [r[0] for r in rows.get(p.id, [])]
        done_unanswered += bool(stored)
        i = next(i for i, q in enumerate(people) if q.id == p.id)
        r = signup_call(srv, target, p, key, i)
        sid = assert_json(r, 201)["signup"]["id"]
        assert stored in ([], [sid]), f"the retry of a lost signup made a second one: {stored} {sid}"
    rows = signup_rows(pg.url, people)
    assert all(len(v) == 1 for v in rows.values()), "a person has two signups"
    assert len(rows) == len(people), f"{len(people) - len(rows)} people have no signup"
    assert_capacity_exact(srv, pg.url, coord, session, closed, capacity)
    measured(f"kill -9 of a worker, twice, under {n_readers} readers and {n_signers} signers: "
             f"{total} requests, {len(lost)} lost (connection reset; at most {per_thread} a client), "
             f"{len(ok)} signups answered 201, all stored; {len(lost_signups)} signups lost "
             f"({done_unanswered} of them done, the answer lost with the worker); retried with the "
             f"same Idempotency-Key, every person has exactly one signup")
    assert srv.stop() == 0


# --- PostgreSQL restarted, or killed with -9, during a signup burst ----------

def restart_fast(cluster):
    cluster.stop()  # pg_ctl stop -m fast


def kill_postmaster(cluster):
    """SIGKILL to the postmaster alone, as the OOM killer does; its backends
    notice and exit by themselves, and until they have, a new postmaster
    refuses to start on their shared memory."""
    data = cluster.dir / "data"
    pm = int((data / "postmaster.pid").read_text().split()[0])
    try:
        children = {int(x) for x in Path(f"/proc/{pm}/task/{pm}/children").read_text().split()}
    except OSError:
        children = set()
    os.kill(pm, signal.SIGKILL)

    def alive(pid):
        try:
            return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
        except OSError:
            return False
    wait_until(lambda: not alive(pm) and not any(alive(c) for c in children), 30, 0.05,
               "PostgreSQL's processes to exit after the postmaster died")


def burst_through(own_cluster, own_server, label, fault):
    """A signup burst through a server of its own; FAULT takes PostgreSQL away
    once signups flow, then it is started again; the checks of the module
    docstring, and the numbers."""
    cluster = own_cluster(label)
    durable(cluster)
    srv = own_server(cluster.url, label)
    capacity = 25
    coord, session, closed = an_org(srv, cluster.url, capacity)
    people = people_in_sql(cluster.url, 500)
    target = (lambda i: ("group", closed["id"]) if i % 2 else ("session", session["id"]))
    with Burst(srv, people, target) as b:
        b.wait_for(201, 40, what="signups before the fault")
        t_fault = time.monotonic()
        fault(cluster)
        b.wait_for(503, 10, since=t_fault, what="503s while PostgreSQL is down")
        down = time.monotonic() - t_fault
        wait_until(lambda: cluster.start(), 60, 0.2, "PostgreSQL to start again")
        t_back = time.monotonic()
        b.wait_for(201, 1, since=t_back, what="a 201 after PostgreSQL is back")
        recovered = time.monotonic() - t_back
        # Every worker is back once a connection of its pool is open again;
        # from then on nothing is refused.
        every_worker_ready(srv, 15)
        t_ready = time.monotonic()
        b.wait_for(201, 40, since=t_ready, what="signups after PostgreSQL is back")
    lost = b.out.lost()
    assert not lost, f"{len(lost)} requests got no HTTP answer: {lost[:3]}"
    assert b.out.statuses() <= {201, 503}, b.out.statuses()
    late = b.out.count(503, since=t_ready)
    assert late == 0, f"{late} signups refused after every worker was ready again"
    n_ok, n_refused = assert_stored_and_nothing_more(cluster.url, b, people)
    assert_capacity_exact(srv, cluster.url, coord, session, closed, capacity)
    assert srv.api("GET", "/readyz").status == 200
    return n_ok, n_refused, down, recovered


def test_postgres_restart_during_signup_burst(own_cluster, own_server):
    n_ok, n_refused, down, back = burst_through(own_cluster, own_server, "burst-restart", restart_fast)
    measured(f"PostgreSQL fast restart during a signup burst: {n_ok} signups answered 201, all "
             f"stored; {n_refused} answered 503 database_unavailable, none left a row; "
             f"no seat oversold; first 201 {back:.2f} s after PostgreSQL was back")


def test_postgres_killed_during_signup_burst(own_cluster, own_server):
    n_ok, n_refused, down, back = burst_through(own_cluster, own_server, "burst-kill", kill_postmaster)
    measured(f"PostgreSQL postmaster kill -9 during a signup burst: {n_ok} signups answered 201, "
             f"all stored after crash recovery; {n_refused} answered 503, none left a row; "
             f"no seat oversold; first 201 {back:.2f} s after PostgreSQL was back")


# --- A read-only database, a full disk ---------------------------------------

@pytest.fixture(scope="module")
def calm():
    """A PostgreSQL and a piirid of this module's own, with an org ready."""
    cluster = Cluster("calm")
    cluster.start()
    srv = Server(cluster.url, "calm")
    try:
        srv.start()
        coord, session, closed = an_org(srv, cluster.url, 10)
        yield cluster, srv, coord, session, closed
    finally:
        srv.stop()
        cluster.destroy()


def count(db_url, sql):
    return int(psql(db_url, f"SELECT count(*) FROM {sql}"))


def set_read_only(cluster, on):
    # ALTER SYSTEM cannot run inside a transaction, and in a read-only database
    # psql's own session must be writable to run it.
    env = {"PGOPTIONS": "-c default_transaction_read_only=off"}
    value = "on" if on else "DEFAULT"
    psql(cluster.url, f"ALTER SYSTEM SET default_transaction_read_only = {value}", env)
    psql(cluster.url, "SELECT pg_reload_conf()", env)
    want = "on" if on else "off"
    wait_until(lambda: psql(cluster.url, "SHOW default_transaction_read_only") == want, 10, 0.05)
    time.sleep(0.3)  # the postmaster has it; its backends get SIGHUP right after


def test_read_only_database_503_and_nothing_written(calm):
    """A database that refuses writes (read-only, or a standby after a failover
    gone wrong: SQLSTATE 25006) is 503 database_unavailable for every write,
    and nothing of a refused request is written; reads go on."""
    cluster, srv, coord, session, closed = calm
    p, q = people_in_sql(cluster.url, 2)
    email = f"{unique('ro')}@example.org"
    tables = ["signups", "idempotency_keys", "notification_outbox", "persons", "organizations",
              "auth_tokens"]
    before = {t: count(cluster.url, t) for t in tables}
    set_read_only(cluster, True)
    try:
        writes = [
            sign_up(srv, "session", session["id"], p.token, key="ro-1"),
            sign_up(srv, "group", closed["id"], q.token, key="ro-2"),
            srv.api("POST", "/api/v1/auth/register",
                    json={"email": email, "password": "salasana-ro-12345", "display_name": "Testi RO"}),
            srv.api("PATCH", f"/api/v1/groups/{closed['id']}", json={"title": "Ei muutu"},
                    token=coord.token),
        ]
        for r in writes:
            assert_error(r, 503, "database_unavailable")
        after = {t: count(cluster.url, t) for t in tables}
        assert after == before, f"rows written in a read-only database: {before} -> {after}"
        assert psql(cluster.url, f"SELECT title FROM groups WHERE id = '{closed['id']}'") != "Ei muutu"
        assert_json(srv.api("GET", f"/api/v1/groups/{closed['id']}"), 200)
        assert_json(srv.api("GET", "/readyz"), 200)
    finally:
        set_read_only(cluster, False)
    r = sign_up(srv, "session", session["id"], p.token, key="ro-1")
    assert_json(r, 201)
    assert count(cluster.url, f"signups WHERE person_id = '{p.id}'") == 1
    measured(f"read-only database: {len(writes)} writes answered 503 database_unavailable, "
             f"no row written; reads 200; 201 again once writable")


def test_disk_full_error_503_and_nothing_written(calm):
    """SQLSTATE 53100, as PostgreSQL raises it when a table cannot grow, from a
    trigger (works everywhere; the real thing is the next test)."""
    cluster, srv, coord, session, closed = calm
    (p,) = people_in_sql(cluster.url, 1)
    psql(cluster.url, """
        CREATE FUNCTION test_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = 'disk_full'; END $$;
        CREATE TRIGGER test_disk_full BEFORE INSERT ON signups
            FOR EACH ROW EXECUTE FUNCTION test_disk_full()""")
    try:
        before = count(cluster.url, "idempotency_keys") + count(cluster.url, "notification_outbox")
        assert_error(sign_up(srv, "session", session["id"], p.token, key="full-1"), 503,
                     "database_unavailable")
        assert count(cluster.url, f"signups WHERE person_id = '{p.id}'") == 0
        assert count(cluster.url, "idempotency_keys") + count(cluster.url, "notification_outbox") == before
    finally:
        psql(cluster.url, "DROP TRIGGER test_disk_full ON signups; DROP FUNCTION test_disk_full()")
    assert_json(sign_up(srv, "session", session["id"], p.token, key="full-1"), 201)


class SmallDiskCluster(Cluster):
    """A cluster whose postmaster runs in a mount namespace of its own with a
    1 MiB tmpfs at DIR/small, for a tablespace that really fills up. Needs
    root (mount); nothing is mounted outside that namespace, and it goes away
    with the postmaster."""

    def start(self):
        import pwd
        small = self.dir / "small"
        small.mkdir(exist_ok=True)
        pw = pwd.getpwnam("postgres")
        script = (f"mount -t tmpfs -o size=1m,uid={pw.pw_uid},gid={pw.pw_gid},mode=0700 "
                  f"piiri-small {small} && exec bash {PGCLUSTER} start {self.dir} {self.port}")
        p = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                           env={**os.environ, "PGCLUSTER_FAST": "1"}, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, f"starting PostgreSQL with a small disk failed: {p.stderr}"
        self.url = p.stdout.strip()
        return self.url


def can_mount_privately():
    if os.geteuid() != 0 or not PGCLUSTER.exists():
        return False
    try:
        import pwd
        pwd.getpwnam("postgres")
        p = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                            "mount -t tmpfs -o size=64k none /mnt"],
                           capture_output=True, timeout=20)
        return p.returncode == 0
    except (OSError, KeyError, subprocess.SubprocessError):
        return False


def psql_fails(url, sql):
    p = subprocess.run(["psql", url, "-XAtq", "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose",
                        "-c", sql], capture_output=True, text=True, timeout=120)
    assert p.returncode != 0, f"expected an error from: {sql}"
    return p.stderr


@pytest.mark.skipif(not can_mount_privately(),
                    reason="needs root to mount a small tmpfs in a private mount namespace")
def test_disk_really_full_503_and_nothing_written(own_server):
    """The signups table on a 1 MiB tmpfs that is then filled: PostgreSQL's own
    ENOSPC (SQLSTATE 53100) is 503, nothing of the signup is written, and once
    there is room again the same request succeeds. The real disk is not touched."""
    cluster = SmallDiskCluster("small-disk")
    try:
        cluster.start()
        srv = own_server(cluster.url, "small-disk")
        coord, session, closed = an_org(srv, cluster.url, 10)
        (p,) = people_in_sql(cluster.url, 1)
        assert count(cluster.url, "signups") == 0  # so the table has no page to spare
        psql(cluster.url, f"CREATE TABLESPACE small LOCATION '{cluster.dir / 'small'}'")
        psql(cluster.url, "ALTER TABLE signups SET TABLESPACE small")
        psql(cluster.url, "CREATE TABLE filler (x text) TABLESPACE small")
        err = psql_fails(cluster.url, "INSERT INTO filler SELECT repeat('x', 1000) "
                                      "FROM generate_series(1, 10000)")
        assert "53100" in err, f"filling the tmpfs did not end in disk_full: {err}"
        keys = count(cluster.url, "idempotency_keys")
        r = sign_up(srv, "session", session["id"], p.token, key="disk-1")
        assert_error(r, 503, "database_unavailable")
        assert count(cluster.url, "signups") == 0
        assert count(cluster.url, "idempotency_keys") == keys
        log = (cluster.dir / "postgres.log").read_text(errors="replace")
        assert "No space left on device" in log or "wrote only" in log, "not a real ENOSPC"
        psql(cluster.url, "DROP TABLE filler")
        assert_json(sign_up(srv, "session", session["id"], p.token, key="disk-1"), 201)
        measured("disk full (a 1 MiB tmpfs tablespace, real ENOSPC): 503 database_unavailable, "
                 "nothing written; 201 once there was room")
    finally:
        cluster.destroy()
