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
