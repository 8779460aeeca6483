# SPDX-License-Identifier: Apache-2.0
"""piiri, the command-line client: the real binary (build/piiri, or $PIIRI_CLI)
against the real piirid. Every command, its --json, its exit codes, the
credentials file, a server that is down, and the attendance screen in a
pseudo-terminal."""

import json
import os
import stat
import subprocess

import pytest

from helpers import (ROOT, add_session, assert_json, free_port, in_days, make_group, move_session,
                     org_with_people, register, signed_up)

OK, FAIL, USAGE, NOT_FOUND, DENIED = 0, 1, 2, 3, 4


def cli_bin():
    return ROOT / os.environ.get("PIIRI_CLI", "build/piiri")


class Cli:
    """Runs piiri with a home of its own (its credentials file) against SERVER."""

    def __init__(self, server, home):
        self.server = server
        self.home = home
        self.config = home / "config"

    def env(self, **extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith("PIIRI_")}
        env.update({"HOME": str(self.home), "XDG_CONFIG_HOME": str(self.config),
                    "PIIRI_SERVER": self.server.base_url, "LANG": "C.UTF-8"})
        env.pop("NO_COLOR", None)
        for k, v in extra.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
        return env

    def run(self, *args, stdin="", env=None):
        binary = cli_bin()
        assert binary.exists(), f"{binary} does not exist: build it first (make build/piiri)"
        return subprocess.run([str(binary), *args], input=stdin, capture_output=True, text=True,
                              env=self.env(**(env or {})), timeout=60)

    def ok(self, *args, **kw):
        p = self.run(*args, **kw)
        assert p.returncode == OK, f"piiri {' '.join(args)} exited {p.returncode}: {p.stderr}{p.stdout}"
        return p

    def json(self, *args, **kw):
        return json.loads(self.ok(*args, "--json", **kw).stdout)

    def login(self, person):
        return self.ok("login", person.email, stdin=person.password + "\n")

    @property
    def credentials(self):
        return self.config / "piiri" / "credentials"


@pytest.fixture
def cli(server, tmp_path):
    return Cli(server, tmp_path)


@pytest.fixture
def signed_in(cli, person):
    cli.login(person)
    return cli


@pytest.fixture(scope="module")
def org(server, admin):
    """An org with a coordinator, a leader and two members; a closed group led by
    the leader with a weekly schedule, and an open family café."""
    o = org_with_people(server, admin[1], coord="coordinator", leader="leader", m1="member",
                        m2="member")
    o.closed = make_group(server, o.slug, o.coord.token, title="Omaisten vertaisryhmä CLI",
                          access="closed", capacity=10, leaders=[o.leader.id],
                          location={"name": "Kirjasto", "municipality": "Turku"},
                          schedule={"start": in_days(30).strftime("%Y-%m-%dT18:00"),
                                    "duration_minutes": 90, "rrule": "FREQ=WEEKLY;COUNT=4"})
    o.cafe = make_group(server, o.slug, o.coord.token, title="Perhekahvila CLI", kind="family_cafe",
                        access="open", capacity=20, leaders=[o.leader.id])
    return o


# --- signing in ---------------------------------------------------------------

def test_login_keeps_the_token_in_a_private_file(cli, person):
    p = cli.login(person)
    assert person.display_name in p.stdout
    assert person.password not in p.stdout + p.stderr
    mode = stat.S_IMODE(cli.credentials.stat().st_mode)
    assert mode == 0o600, oct(mode)
    assert stat.S_IMODE(cli.credentials.parent.stat().st_mode) == 0o700
    text = cli.credentials.read_text()
    assert f"server = {cli.server.base_url}" in text
    assert "token = " in text and "device_token = " in text
    me = cli.json("whoami")
    assert me["person"]["id"] == person.id and me["person"]["email"] == person.email


def test_login_with_a_wrong_password_is_denied(cli, person):
    p = cli.run("login", person.email, stdin="väärä-salasana\n")
    assert p.returncode == DENIED, (p.returncode, p.stderr)
    assert "The email address or the password is wrong." in p.stderr
    assert not cli.credentials.exists()


def test_login_sends_the_device_token_back(cli, person, server):
    cli.login(person)
    first = dict(line.split(" = ", 1) for line in cli.credentials.read_text().splitlines() if " = " in line)
    cli.login(person)
    second = dict(line.split(" = ", 1) for line in cli.credentials.read_text().splitlines() if " = " in line)
    assert second["device_token"] == first["device_token"], "a known device keeps its device token"
    assert second["token"] != first["token"]


def test_whoami_lists_memberships(cli, org):
    cli.login(org.coord)
    p = cli.ok("whoami")
    assert org.coord.display_name in p.stdout and org.coord.email in p.stdout
    lines = p.stdout.splitlines()
    assert any(line.split()[:1] == [org.slug] and line.split()[-1] == "coordinator" for line in lines), p.stdout


def test_logout_revokes_the_token(cli, person, server):
    cli.login(person)
    token = [line.split(" = ", 1)[1] for line in cli.credentials.read_text().splitlines()
             if line.startswith("token = ")][0]
    cli.ok("logout")
    assert server.api("GET", "/api/v1/me", token=token).status == 401
    lines = cli.credentials.read_text().splitlines()
    assert not [line for line in lines if line.startswith("token = ")], lines
    assert [line for line in lines if line.startswith("device_token = ")], lines
    p = cli.run("whoami")
    assert p.returncode == DENIED and "piiri login" in p.stderr


def test_env_token_and_server_override_the_file(cli, person, server, make_person):
    cli.login(person)
    other = make_person()
    me = cli.json("whoami", env={"PIIRI_TOKEN": other.token})
    assert me["person"]["id"] == other.id
    # The file's token goes to no other server than its own.
    p = cli.run("whoami", env={"PIIRI_SERVER": f"http://127.0.0.1:{free_port()}"})
    assert p.returncode == DENIED, (p.returncode, p.stderr)


def test_a_revoked_token_is_exit_4(cli, server):
    p = cli.run("whoami", env={"PIIRI_TOKEN": "no-such-token-0000000000000000000000000000"})
    assert p.returncode == DENIED
    assert p.stderr.startswith("piiri: Sign in")


def test_a_server_that_is_down(cli):
    down = f"http://127.0.0.1:{free_port()}"
    for args in (["groups"], ["group", "x"], ["whoami"]):
        p = cli.run(*args, "--server", down, env={"PIIRI_TOKEN": "t" * 43})
        assert p.returncode == FAIL, (args, p.returncode, p.stderr)
        assert p.stderr.startswith(f"piiri: cannot reach {down}: "), p.stderr
        assert p.stdout == ""


# --- usage --------------------------------------------------------------------

@pytest.mark.parametrize("args", [[], ["frob"], ["group"], ["group", "a", "b"], ["groups", "--nope"],
                                  ["groups", "--org"], ["json", "--json=1"], ["signup", "x", "--adults", "many"],
                                  ["report", "org"], ["attendance", "s", "--walk-ins", "-1"]])
def test_usage_errors_are_exit_2(cli, args):
    p = cli.run(*args, env={"PIIRI_TOKEN": "t" * 43})
    assert p.returncode == USAGE, (args, p.returncode, p.stdout, p.stderr)
    assert p.stderr and p.stdout == ""


def test_help_of_every_command(cli):
    top = cli.ok("--help").stdout
    for name in ["login", "logout", "whoami", "groups", "group", "sessions", "today", "signup", "signups",
                 "cancel", "absence", "attendance", "report", "feed-url", "requests", "candidates",
                 "propose", "pairings"]:
        assert f"  {name} " in top, name
        p = cli.ok(name, "--help")
        assert p.stdout.startswith(f"usage: piiri {name}"), p.stdout
        assert "--json" in p.stdout
    assert cli.ok("--version").stdout.startswith("piiri ")


# --- groups and sessions -----------------------------------------------------

def test_groups_of_an_org(cli, org):
    body = cli.json("groups", "--org", org.slug)
    assert {g["id"] for g in body["groups"]} == {org.closed["id"], org.cafe["id"]}
    p = cli.ok("groups", "--org", org.slug)
    lines = p.stdout.splitlines()
    assert lines[0].split() == ["ID", "TITLE", "ORG", "KIND", "WHERE"]
    assert "\033" not in p.stdout, "no colour when stdout is not a terminal"
    row = next(line for line in lines if line.startswith(org.closed["id"]))
    assert "Omaisten vertaisryhmä CLI" in row and row.rstrip().endswith("Turku")
    # The columns line up: every row's second column starts where the header's does.
    col = lines[0].index("TITLE")
    assert all(line[col - 2:col] == "  " and line[col] != " " for line in lines[1:]), p.stdout


def test_groups_filters_and_search(cli, org):
    body = cli.json("groups", "--org", org.slug, "--kind", "family_cafe")
    assert [g["id"] for g in body["groups"]] == [org.cafe["id"]]
    body = cli.json("groups", "--org", org.slug, "--q", "perhekahvila")
    assert [g["id"] for g in body["groups"]] == [org.cafe["id"]]
    p = cli.run("groups", "--org", org.slug, "--kind", "disco")
    assert p.returncode == FAIL and "(kind)" in p.stderr, p.stderr
    p = cli.ok("groups", "--org", org.slug, "--limit", "1")
    assert "--cursor" in p.stderr


def test_group_and_its_sessions(cli, org):
    body = cli.json("group", org.closed["id"])
    assert body["group"]["id"] == org.closed["id"]
    p = cli.ok("group", org.closed["id"])
    assert "Omaisten vertaisryhmä CLI" in p.stdout and "Kirjasto" in p.stdout
    assert org.leader.display_name in p.stdout
    sessions = cli.json("sessions", org.closed["id"])["sessions"]
    assert len(sessions) == 4
    p = cli.ok("sessions", org.closed["id"])
    first = sessions[0]["starts_at"]
    assert f"{first[:10]} {first[11:16]}" in p.stdout and "0/10" in p.stdout
    frm = sessions[1]["starts_at"][:10]
    assert len(cli.json("sessions", org.closed["id"], "--from", frm)["sessions"]) == 3
    p = cli.run("sessions", org.closed["id"], "--from", "eilen")
    assert p.returncode == FAIL and "(from)" in p.stderr


def test_unknown_ids_are_exit_3(cli, signed_in):
    for args in (["group", "00000000-0000-4000-8000-000000000000"], ["sessions", "nope"],
                 ["cancel", "00000000-0000-4000-8000-000000000000"]):
        p = signed_in.run(*args)
        assert p.returncode == NOT_FOUND, (args, p.returncode, p.stderr)
        assert p.stderr.startswith("piiri: "), p.stderr


# --- signups and absence ----------------------------------------------------------

def test_signup_for_a_series_and_a_session(cli, org, server):
    cli.login(org.m1)
    body = cli.json("signup", org.closed["id"], "--adults", "1", "--children", "2", "--note", "Tulen")
    assert body["signup"]["status"] == "confirmed" and body["signup"]["seats"] == 3
    session = add_session(server, org.cafe["id"], org.coord.token, in_days(40))
    p = cli.ok("signup", session["id"])
    assert p.stdout.startswith("Signed up (1 seats): signup "), p.stdout
    mine = cli.json("signups")["signups"]
    assert {s["group_id"] for s in mine} >= {org.closed["id"], org.cafe["id"]}
    p = cli.ok("signups")
    assert p.stdout.splitlines()[0].split() == ["ID", "GROUP", "KIND", "NEXT", "STATUS", "SEATS"]
    assert "series" in p.stdout and "session" in p.stdout
    # Twice is the server's 409, exit 1, with its message.
    p = cli.run("signup", org.closed["id"])
    assert p.returncode == FAIL and p.stderr.startswith("piiri: "), p.stderr
    # Cancelling.
    sid = next(s["id"] for s in mine if s["group_id"] == org.cafe["id"])
    assert cli.ok("cancel", sid).stdout == "Cancelled.\n"
    assert [s["status"] for s in cli.json("signups")["signups"] if s["id"] == sid] == ["cancelled"]
    p = cli.run("cancel", sid)
    assert p.returncode == FAIL and "already" in p.stderr.lower(), p.stderr


def test_signing_up_needs_a_sign_in(cli, org):
    p = cli.run("signup", org.closed["id"])
    assert p.returncode == DENIED and "piiri login" in p.stderr


def test_cancelling_another_persons_signup_is_exit_4(cli, org, server, make_person):
    other = make_person()
    session = add_session(server, org.cafe["id"], org.coord.token, in_days(41))
    s = signed_up(server, "session", session["id"], other.token, "confirmed")
    cli.login(org.m2)
    p = cli.run("cancel", s["id"])
    assert p.returncode == DENIED, (p.returncode, p.stderr)


def test_absence_notice_and_its_withdrawal(cli, org, server):
    """A notice is for a closed group's confirmed participant, before the session."""
    g = make_group(server, org.slug, org.coord.token, access="closed", leaders=[org.leader.id])
    session = add_session(server, g["id"], org.coord.token, in_days(42))
    signed_up(server, "group", g["id"], org.m2.token, "confirmed")
    cli.login(org.m2)
    body = cli.json("absence", session["id"], "--reason", "Lapsi on kipeänä.")
    assert body["absence"]["reason"] == "Lapsi on kipeänä."
    att = assert_json(server.api("GET", f"/api/v1/sessions/{session['id']}/attendance", token=org.leader.token), 200)
    assert [e["absence_notice"] for e in att["expected"] if e["person_id"] == org.m2.id] == [True]
    assert cli.ok("absence", session["id"], "--withdraw").stdout == "Absence notice withdrawn.\n"
    att = assert_json(server.api("GET", f"/api/v1/sessions/{session['id']}/attendance", token=org.leader.token), 200)
    assert [e["absence_notice"] for e in att["expected"] if e["person_id"] == org.m2.id] == [False]
    cli.login(org.m1)
    p = cli.run("absence", session["id"])
    assert p.returncode == DENIED, "only a confirmed participant gives notice"


def test_today_lists_my_sessions_as_leader(cli, org, server):
    from datetime import datetime
    from zoneinfo import ZoneInfo
    g = make_group(server, org.slug, org.coord.token, title="Tämän päivän ryhmä", access="closed",
                   leaders=[org.leader.id])
    s = add_session(server, g["id"], org.coord.token, in_days(0, hour=12))
    day = datetime.now(ZoneInfo("Europe/Helsinki")).date().isoformat()
    cli.login(org.leader)
    body = cli.json("today", env={"PIIRI_TODAY": day})
    assert [x["id"] for x in body["sessions"] if x["group_id"] == g["id"]] == [s["id"]]
    p = cli.ok("today", env={"PIIRI_TODAY": day})
    row = next(line for line in p.stdout.splitlines() if line.startswith(s["id"]))
    assert "Tämän päivän ryhmä" in row and "leader" in row and "12:00" in row


# --- attendance without a screen --------------------------------------------------

@pytest.fixture(scope="module")
def held(server, org):
    """A session of the closed group held two hours ago; m1 and m2 are in the series."""
    for p in (org.m1, org.m2):
        r = server.api("POST", f"/api/v1/groups/{org.closed['id']}/signups", json={}, token=p.token)
        assert r.status in (201, 409), r
    g = make_group(server, org.slug, org.coord.token, access="closed", leaders=[org.leader.id])
    for p in (org.m1, org.m2):
        signed_up(server, "group", g["id"], p.token, "confirmed")
    return g


def held_session(server, org, held, hours_ago=2):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo
    start = datetime.now(ZoneInfo("Europe/Helsinki")).replace(microsecond=0) - timedelta(hours=hours_ago)
    return add_session(server, held["id"], org.coord.token, start, hours=3)


def attendance(server, org, sid):
    return assert_json(server.api("GET", f"/api/v1/sessions/{sid}/attendance", token=org.leader.token), 200)


def test_attendance_from_options(cli, org, server, held):
    s = held_session(server, org, held)
    cli.login(org.leader)
    body = cli.json("attendance", s["id"], "--present", org.m1.id, "--absent", org.m2.id,
                    "--walk-ins", "3", "--hours", "1,5")
    assert sorted((r["person_id"], r["status"]) for r in body["records"]) == \
        sorted([(org.m1.id, "present"), (org.m2.id, "absent")])
    assert body["walk_ins"] == 3 and body["volunteer_hours"] == 1.5
    assert attendance(server, org, s["id"])["records"] == body["records"]
    # Without a terminal and without options: shown, not changed.
    p = cli.ok("attendance", s["id"])
    lines = p.stdout.splitlines()
    assert lines[0].split() == ["PERSON", "NAME", "PARTY", "STATUS", "NOTICE"]
    assert any(line.startswith(org.m1.id) and " present " in line for line in lines), p.stdout
    assert "Walk-ins: 3   My hours: 1.5   All hours: 1.5" in p.stdout
    # One record at a time: the other leader's mark of m2 stays.
    cli.ok("attendance", s["id"], "--excused", org.m1.id)
    recs = {r["person_id"]: r["status"] for r in attendance(server, org, s["id"])["records"]}
    assert recs == {org.m1.id: "excused", org.m2.id: "absent"}


def test_attendance_errors(cli, org, server, held):
    ahead = add_session(server, held["id"], org.coord.token, in_days(5))
    cli.login(org.leader)
    p = cli.run("attendance", ahead["id"], "--present", org.m1.id)
    assert p.returncode == FAIL and "once the session has started" in p.stderr, p.stderr
    s = held_session(server, org, held)
    p = cli.run("attendance", s["id"], "--present", org.coord.id)
    assert p.returncode == NOT_FOUND, (p.returncode, p.stderr)
    cli.login(org.m1)
    p = cli.run("attendance", s["id"])
    assert p.returncode == DENIED, (p.returncode, p.stderr)
    p = cli.run("attendance", s["id"], "--hours", "lots")
    assert p.returncode == USAGE


# --- reports and feeds ------------------------------------------------------------------

def test_report_json_csv_and_table(cli, org, server, held):
    from datetime import datetime
    from zoneinfo import ZoneInfo
    s = held_session(server, org, held, hours_ago=1)
    server.api("PATCH", f"/api/v1/sessions/{s['id']}/attendance", json={"walk_ins": 4}, token=org.leader.token)
    day = datetime.now(ZoneInfo("Europe/Helsinki")).date().isoformat()
    cli.login(org.coord)
    body = cli.json("report", org.slug, "--from", "2020-01-01", "--to", day)
    assert body["org"] == org.slug and body["total"]["walk_in_visits"] >= 4
    p = cli.ok("report", org.slug, "--from", "2020-01-01", "--to", day, "--csv")
    assert p.stdout.startswith("\ufeffgroup_id,title,"), p.stdout[:80]
    p = cli.ok("report", org.slug, "--from", "2020-01-01", "--to", day)
    assert p.stdout.splitlines()[2].split()[:2] == ["GROUP", "SESSIONS"]
    assert p.stdout.splitlines()[-1].startswith("Total")
    p = cli.run("report", org.slug, "--from", "2020-01-01")
    assert p.returncode == USAGE
    p = cli.run("report", org.slug, "--from", "2020-13-01", "--to", day)
    assert p.returncode == FAIL and "(from)" in p.stderr, p.stderr
    cli.login(org.leader)
    assert cli.run("report", org.slug, "--from", "2020-01-01", "--to", day).returncode == DENIED
    assert cli.run("report", "no-such-org-x", "--from", "2020-01-01", "--to", day).returncode in (DENIED, NOT_FOUND)


def test_feed_url_and_its_rotation(cli, person, server):
    cli.login(person)
    url = cli.ok("feed-url").stdout.strip()
    assert url.startswith(server.base_url + "/calendars/people/") and url.endswith(".ics")
    body = cli.json("feed-url", "--rotate")
    assert body["calendar_url"] != url
    assert server.api("GET", url[len(server.base_url):]).status == 404
    assert cli.ok("feed-url").stdout.strip() == body["calendar_url"]


# --- matching --------------------------------------------------------------------------

def test_matching_requests_candidates_propose_pairings(cli, server, admin):
    o = org_with_people(server, admin[1], coord="coordinator", peer="member", asker="member")
    r = server.api("POST", f"/api/v1/orgs/{o.slug}/supporters", token=o.coord.token,
                   json={"person_id": o.peer.id, "public_name": "Tuomas", "topics": ["rekrytointi"],
                         "municipalities": ["Helsinki"], "languages": ["fi"], "contact_modes": ["phone"]})
    sup = assert_json(r, 201)["supporter"]
    r = server.api("POST", f"/api/v1/orgs/{o.slug}/support-requests", token=o.asker.token,
                   json={"topics": ["rekrytointi"], "municipality": "Helsinki", "languages": ["fi"],
                         "contact_modes": ["phone"], "message": "Apua", "consent": True})
    req = assert_json(r, 201)["request"]
    cli.login(o.coord)
    body = cli.json("requests", o.slug, "--status", "open")
    assert [q["id"] for q in body["requests"]] == [req["id"]]
    p = cli.ok("requests", o.slug)
    assert req["id"] in p.stdout and "rekrytointi" in p.stdout
    body = cli.json("candidates", req["id"])
    assert [c["supporter_id"] for c in body["candidates"]] == [sup["id"]]
    p = cli.ok("candidates", req["id"])
    assert "Tuomas" in p.stdout and "shared topics: rekrytointi" in p.stdout
    body = cli.json("propose", req["id"], sup["id"], "--note", "Sopii hyvin")
    assert body["pairing"]["status"] == "proposed"
    p = cli.run("propose", req["id"], sup["id"])
    assert p.returncode == FAIL, p.stderr
    cli.login(o.peer)
    body = cli.json("pairings")
    assert [x["request_id"] for x in body["pairings"]] == [req["id"]]
    assert "proposed" in cli.ok("pairings").stdout
    assert cli.run("requests", o.slug).returncode == DENIED


# --- the attendance screen in a pseudo-terminal -----------------------------------------

def screen_of(cli, sid, rows=24, cols=80, env=None):
    import pexpect
    child = pexpect.spawn(str(cli_bin()), ["attendance", sid], env=cli.env(TERM="xterm", **(env or {})),
                          dimensions=(rows, cols), encoding="utf-8", timeout=15)
    child.expect_exact("\033[?1049h")  # the alternate screen: the terminal is set up
    return child


def test_attendance_screen_marks_and_saves(cli, org, server, held):
    s = held_session(server, org, held)
    server.api("PATCH", f"/api/v1/sessions/{s['id']}/attendance", json={"walk_ins": 1}, token=org.leader.token)
    cli.login(org.leader)
    child = screen_of(cli, s["id"])
    child.expect_exact("walk-ins 1")
    child.expect_exact("j/k move")
    names = sorted([org.m1, org.m2], key=lambda p: p.display_name)
    order = [e["person_id"] for e in attendance(server, org, s["id"])["expected"]]
    first, second = (org.m1, org.m2) if order[0] == org.m1.id else (org.m2, org.m1)
    assert names  # both are expected
    child.send(" ")             # first: present
    child.expect_exact("present")
    child.send("j")             # down (vi)
    child.send("\033[A")        # up (arrow)
    child.send("\033[B")        # down again
    child.send("  ")            # second: present, then absent
    child.expect_exact("absent")
    child.send("++-+")          # two more walk-ins
    child.expect_exact("walk-ins 3*")
    child.send("h")
    child.expect_exact("My volunteer hours:")
    child.send("\x7f2,5\r")     # Backspace over the 0, then 2,5
    child.expect_exact("my hours 2.5*")
    child.send("s")
    child.expect_exact("Saved.")
    child.send("q")
    child.expect(pexpect_eof())
    child.close()
    assert child.exitstatus == OK, child.before
    assert "\033[?1049l" in child.before and "\033[?25h" in child.before, "the terminal is restored"
    att = attendance(server, org, s["id"])
    assert {r["person_id"]: r["status"] for r in att["records"]} == {first.id: "present", second.id: "absent"}
    assert att["walk_ins"] == 3 and att["volunteer_hours"] == 2.5


def pexpect_eof():
    import pexpect
    return pexpect.EOF


def test_attendance_screen_keeps_another_leaders_marks(cli, org, server, held):
    """Saving sends only what was marked here: a record another leader set
    meanwhile and the walk-ins they counted stay."""
    s = held_session(server, org, held)
    cli.login(org.leader)
    child = screen_of(cli, s["id"])
    child.expect_exact("j/k move")
    order = [e["person_id"] for e in attendance(server, org, s["id"])["expected"]]
    child.send(" +")  # the first present, one walk-in
    child.expect_exact("walk-ins 1*")
    # Meanwhile the coordinator marks the second absent and counts two walk-ins.
    assert server.api("PUT", f"/api/v1/sessions/{s['id']}/attendance/records/{order[1]}",
                      json={"status": "absent"}, token=org.coord.token).status == 200
    assert server.api("PATCH", f"/api/v1/sessions/{s['id']}/attendance", json={"walk_ins": 2},
                      token=org.coord.token).status == 200
    child.send("s")
    child.expect_exact("walk-ins 3  ")  # the head line comes first in the frame
    child.expect_exact("Saved.")
    child.send("q")
    child.expect(pexpect_eof())
    att = attendance(server, org, s["id"])
    assert {r["person_id"]: r["status"] for r in att["records"]} == {order[0]: "present", order[1]: "absent"}
    assert att["walk_ins"] == 3


def drain(child, quiet=0.5):
    """What the child writes until it is quiet for QUIET seconds."""
    import pexpect
    out = ""
    while True:
        try:
            out += child.read_nonblocking(65536, timeout=quiet)
        except pexpect.TIMEOUT:
            return out


def test_attendance_screen_redraws_only_what_changed(cli, org, server, held):
    import re
    s = held_session(server, org, held)
    cli.login(org.leader)
    child = screen_of(cli, s["id"], env={"NO_COLOR": "1"})
    child.expect_exact("j/k move")
    drain(child)
    child.send("j")  # the cursor moves: the rows it left and entered change, nothing else
    frame = drain(child)
    assert re.findall(r"\x1b\[(\d+);1H", frame) == ["3", "4"], repr(frame)
    assert "\033[2J" not in frame, "no clearing of the whole screen"
    assert "\033[7m" not in frame, "NO_COLOR: no reverse video, the > marks the row"
    assert "\033[4;1H>" in frame, repr(frame)
    child.send("+")  # a walk-in: the head line alone
    frame = drain(child)
    assert re.findall(r"\x1b\[(\d+);1H", frame) == ["1"], repr(frame)
    child.send("qq")
    child.expect(pexpect_eof())


def test_attendance_screen_resizes_and_quits_on_sigterm(cli, org, server, held):
    import signal
    s = held_session(server, org, held)
    cli.login(org.leader)
    child = screen_of(cli, s["id"])
    child.expect_exact("j/k move")
    child.setwinsize(30, 100)
    child.kill(signal.SIGWINCH)
    child.expect_exact("\033[30;1H")  # the help line, redrawn at the new bottom
    child.send(" ")
    child.expect_exact("present")
    child.kill(signal.SIGTERM)
    child.expect(pexpect_eof())
    child.close()
    assert child.exitstatus == FAIL
    assert "\033[?1049l" in child.before and "\033[?25h" in child.before
    assert "not saved were not sent" in child.before
    assert attendance(server, org, s["id"])["records"] == []


def test_attendance_screen_asks_before_dropping_marks(cli, org, server, held):
    s = held_session(server, org, held)
    cli.login(org.leader)
    child = screen_of(cli, s["id"])
    child.expect_exact("j/k move")
    child.send(" q")
    child.expect_exact("Not saved: s saves, q again quits without saving.")
    child.send("q")
    child.expect(pexpect_eof())
    assert attendance(server, org, s["id"])["records"] == []


# --- the man page and the completion --------------------------------------------------

def commands_of(cli):
    top = cli.ok("--help").stdout
    return [line.split()[0] for line in top.split("commands:\n", 1)[1].split("\n\n", 1)[0].splitlines()]


def complete(*words):
    """What the bash completion offers for the last of WORDS."""
    script = (f"source {ROOT / 'clients/cli/piiri.bash-completion'}; COMP_WORDS=({' '.join(repr(w) for w in words)}); "
              f"COMP_CWORD={len(words) - 1}; _piiri; printf '%s\\n' \"${{COMPREPLY[@]}}\"")
    p = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True)
    return [w for w in p.stdout.split("\n") if w]


def test_man_page_and_completion_know_every_command(cli):
    import shutil
    names = commands_of(cli)
    assert len(names) == 18, names
    source = (ROOT / "clients/cli/piiri.1.scd").read_text()
    completion = (ROOT / "clients/cli/piiri.bash-completion").read_text()
    for name in names:
        assert f"\n*{name}*" in source, f"the man page does not describe {name}"
    assert set(complete("piiri", "")) == set(names) | {"help"}
    assert complete("piiri", "attendance", "S", "--wa") == ["--walk-ins"]
    assert complete("piiri", "groups", "--kind", "fam") == ["family_cafe"]
    for code in ("*0*", "*1*", "*2*", "*3*", "*4*"):
        assert code in source.split("# EXIT STATUS", 1)[1].split("# ENVIRONMENT", 1)[0]
    if shutil.which("scdoc"):
        p = subprocess.run(["scdoc"], input=source, capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        assert p.stdout.startswith(".\\\" Generated by scdoc")
