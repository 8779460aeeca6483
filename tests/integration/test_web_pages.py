# SPDX-License-Identifier: Apache-2.0
"""The web client's pages (docs/web.md): languages in the URL, the headers of
every page, ETags, static files with hashed names, the front page's words for
when a group meets and whether there is room, errors as HTML pages, and the
escaping of group texts."""

import gzip
import html as htmllib
import re
from datetime import timedelta

import pytest

from helpers import (assert_json, create_group, http_request, in_days, org_with_people, raw_get, register,
                     signed_up, unique)

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; connect-src 'self'; manifest-src 'self'; worker-src 'self'")
WEEKDAY = {"fi": ["ma", "ti", "ke", "to", "pe", "la", "su"],
           "sv": ["mån", "tis", "ons", "tors", "fre", "lör", "sön"],
           "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]}
MONTH_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def page(server, path, headers=None):
    """GET PATH as a browser would (not recorded: the answers are HTML)."""
    return raw_get(server, path, headers=headers, record=False)


def html(r):
    assert r.headers.get("Content-Type") == "text/html; charset=utf-8", r.headers
    body = r.body
    if r.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return body.decode("utf-8")


def when_words(lang, start, hours=2):
    """A session's time as the page writes it (docs/web.md)."""
    end = start + timedelta(hours=hours)
    wd = WEEKDAY[lang][start.weekday()]
    if lang == "en":
        return f"{wd} {start.day} {MONTH_EN[start.month - 1]} {start.year}, {start:%H:%M}–{end:%H:%M}"
    word = "kl." if lang == "sv" else "klo"
    return f"{wd} {start.day}.{start.month}.{start.year} {word} {start.hour}.{start:%M}–{end.hour}.{end:%M}"


@pytest.fixture(scope="module")
def org(server, admin):
    return org_with_people(server, admin[1], coord="coordinator")


def weekly(start):
    return {"start": start.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 120, "timezone": "Europe/Helsinki",
            "rrule": "FREQ=WEEKLY"}


def test_root_sends_to_the_browsers_language(server):
    for accept, lang in [(None, "fi"), ("sv-FI,sv;q=0.9,en;q=0.5", "sv"), ("en-GB,en;q=0.9", "en"),
                         ("de-DE,de;q=0.9", "fi"), ("de, en;q=0.4, sv;q=0.7", "sv"), ("sv;q=0, en", "en")]:
        r = page(server, "/", headers={"Accept-Language": accept} if accept else None)
        assert r.status == 303, (accept, r.status)
        assert r.headers["Location"] == f"/{lang}/", accept
        assert "Accept-Language" in r.headers.get("Vary", "")
    r = page(server, "/sv")
    assert (r.status, r.headers["Location"]) == (301, "/sv/")


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_front_page_headers_and_language(server, lang):
    r = page(server, f"/{lang}/")
    assert r.status == 200
    text = html(r)
    assert r.headers["Content-Security-Policy"] == CSP
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "same-origin"
    assert r.headers["Content-Language"] == lang
    assert f'<html lang="{lang}">' in text
    # No inline script or style, nothing from elsewhere.
    assert not re.search(r"<script(?![^>]*\ssrc=\"/static/)", text), "an inline script"
    assert "<style" not in text and " style=" not in text
    assert not re.search(r"(src|href)=\"(https?:)?//", text), "a third-party URL"
    # The language switcher links this page in each language; this one is marked.
    for other in ("fi", "sv", "en"):
        assert f'href="/{other}/"' in text
    assert f'href="/{lang}/" lang="{lang}" aria-current="page"' in text
    assert '<form method="get" action="/%s/" role="search">' % lang in text


def test_switcher_keeps_the_search(server):
    text = html(page(server, "/fi/?q=kahvila&kind=family_cafe"))
    hrefs = [htmllib.unescape(h) for h in re.findall(r'<a href="([^"]*)" lang="sv"', text)]
    assert hrefs == ["/sv/?q=kahvila&kind=family_cafe"]


def test_unchanged_page_answers_304(server):
    r = page(server, "/en/")
    etag = r.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert "no-cache" in r.headers["Cache-Control"]
    again = page(server, "/en/", headers={"If-None-Match": etag})
    assert again.status == 304 and again.body == b""
    assert again.headers["ETag"] == etag
    other = page(server, "/en/", headers={"If-None-Match": '"0000"'})
    assert other.status == 200


def test_page_is_gzipped_when_asked(server):
    plain = page(server, "/fi/")
    zipped = page(server, "/fi/", headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers.get("Content-Encoding") == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert html(zipped) == html(plain)
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    refused = page(server, "/fi/", headers={"Accept-Encoding": "gzip;q=0"})
    assert refused.headers.get("Content-Encoding") is None


def static_paths(text):
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', text)


def test_static_files_are_hashed_cached_and_gzipped(server):
    paths = static_paths(html(page(server, "/fi/")))
    names = {re.sub(r"\.[0-9a-f]{12}\.", ".", p) for p in paths}
    assert names == {"/static/app.css", "/static/app.js", "/static/icon.svg"}, paths
    for p in paths:
        r = page(server, p)
        assert r.status == 200, p
        assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert r.headers.get("Content-Encoding") is None
        z = page(server, p, headers={"Accept-Encoding": "gzip"})
        assert z.headers.get("Content-Encoding") == "gzip", p
        assert gzip.decompress(z.body) == r.body
        assert "Accept-Encoding" in z.headers["Vary"]
    css = [p for p in paths if p.endswith(".css")][0]
    assert page(server, css).headers["Content-Type"] == "text/css; charset=utf-8"
    # Another hash (an old version) is not served.
    stale = re.sub(r"\.[0-9a-f]{12}\.", ".000000000000.", css)
    r = page(server, stale)
    assert r.status == 404 and "<html" in html(r)


@pytest.mark.parametrize("path, lang, status", [
    ("/fi/ei-tallaista-sivua", "fi", 404),
    ("/sv/groups/not-a-uuid", "sv", 404),
    ("/en/groups/00000000-0000-4000-8000-000000000000", "en", 404),
    ("/fi/?kind=nonsense", "fi", 422),
])
def test_errors_are_pages_in_the_language(server, path, lang, status):
    r = page(server, path)
    assert r.status == status
    text = html(r)
    assert f'<html lang="{lang}">' in text
    assert r.headers["Content-Security-Policy"] == CSP
    assert f'href="/{lang}/"' in text
    titles = {"fi": {404: "Sivua ei löytynyt", 422: "Tarkista tiedot"},
              "sv": {404: "Sidan hittades inte"}, "en": {404: "Page not found"}}
    assert f"<h1>{titles[lang][status]}</h1>" in text


def test_api_errors_stay_json(server):
    r = raw_get(server, "/api/v1/groups/not-a-uuid", record=False)
    assert r.status == 404 and r.headers["Content-Type"] == "application/json"


def test_post_to_a_page_is_an_html_405(server):
    r = http_request(server.host, server.port, "POST", "/fi/", body="x", headers={"Content-Type": "text/plain"})
    assert r.status == 405
    assert "<html" in html(r)


def test_front_page_words_for_next_meeting_and_room(server, org):
    word = unique("kerho")
    start = in_days(9, hour=18)
    token = org.coord.token
    open_g = create_group(server, org.slug, token, title=f"Avoin {word}", capacity=3, schedule=weekly(start),
                          location={"name": "Runosmäen nuorisotila", "municipality": "Turku"})
    closed_g = create_group(server, org.slug, token, title=f"Suljettu {word}", access="closed", kind="peer_group",
                            capacity=1, schedule=weekly(start), modality="remote")
    free_g = create_group(server, org.slug, token, title=f"Rajaton {word}", schedule=weekly(start))
    sessions = assert_json(server.api("GET", f"/api/v1/groups/{open_g['id']}/sessions"), 200)["sessions"]
    signed_up(server, "session", sessions[0]["id"], register(server).token, adults=1)
    signed_up(server, "group", closed_g["id"], register(server).token, status="confirmed")
    for _ in range(2):
        signed_up(server, "group", closed_g["id"], register(server).token, status="waitlisted")

    text = html(page(server, f"/fi/?q={word}"))
    cards = {m.group(1): m.group(0) for m in re.finditer(r'<li class="card">.*?>(\w+) ' + word + r'<.*?</li>',
                                                              text, re.S)}
    assert set(cards) == {"Avoin", "Suljettu", "Rajaton"}, text
    assert "2 paikkaa vapaana" in cards["Avoin"]
    assert "Täynnä, jonossa 2" in cards["Suljettu"]
    assert "Ei paikkarajaa" in cards["Rajaton"]
    # How one joins: an open group with a capacity takes signups per session,
    # so only one without says "come without signing up".
    assert "Avoin: ilmoittaudu kerralle etukäteen" in cards["Avoin"]
    assert "Avoin: voit tulla ilman ilmoittautumista" in cards["Rajaton"]
    assert "Suljettu: ilmoittaudu etukäteen koko sarjaan" in cards["Suljettu"]
    assert "Runosmäen nuorisotila, Turku" in cards["Avoin"]
    assert "Etänä verkossa" in cards["Suljettu"]
    assert f'<time datetime="{start.isoformat()}">{when_words("fi", start)}</time>' in cards["Avoin"]
    assert "Löytyi 3 ryhmää" in text
    for lang, room in [("sv", "2 platser lediga"), ("en", "2 places left")]:
        text = html(page(server, f"/{lang}/?q={word}"))
        assert when_words(lang, start) in text
        assert room in text
    assert html(page(server, f"/en/?q={word}&modality=remote")).count('<li class="card">') == 1


def test_group_texts_fall_back_to_finnish_marked(server, org):
    word = unique("perhe")
    create_group(server, org.slug, org.coord.token, title=f"Vain suomeksi {word}")
    create_group(server, org.slug, org.coord.token, title=f"Suomeksi {word}", title_sv=f"På svenska {word}")
    text = html(page(server, f"/sv/?q={word}"))
    assert re.search(r'<a href="/sv/groups/[0-9a-f-]+" lang="fi">Vain suomeksi ' + word + "</a>", text), text
    assert re.search(r'<a href="/sv/groups/[0-9a-f-]+">På svenska ' + word + "</a>", text), text
    text = html(page(server, f"/fi/?q={word}"))
    assert ' lang="fi">' not in text.split("<main", 1)[1]


def test_group_texts_are_escaped(server, org):
    word = unique("xss")
    create_group(server, org.slug, org.coord.token, title=f"<script>alert(1)</script> \"{word}\" & <b>",
                 location={"name": "<img src=x onerror=alert(1)>"})
    text = html(page(server, f"/fi/?q={word}"))
    assert "<script>alert" not in text and "<img src=x" not in text and "<b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;img src&#61;x onerror&#61;alert(1)&gt;" in text


def group_page(server, lang, gid, headers=None):
    r = page(server, f"/{lang}/groups/{gid}", headers=headers)
    assert r.status == 200, r.status
    return html(r)


def test_group_page_says_what_who_where_when(server, org):
    start = in_days(10, hour=10)
    g = create_group(server, org.slug, org.coord.token, title="Isien perhekahvila", title_en="Dads' family café",
                     description="Leikkiä, kahvia ja vertaistukea.", leader_type="peer", cost="Maksuton",
                     languages=["fi", "sv"], target_groups=["families"], capacity=10,
                     location={"name": "Perhetalo Villa Tuira", "address": "Tuiran puistokatu 2",
                               "municipality": "Oulu", "accessibility": "Esteetön sisäänkäynti, hissi"},
                     schedule={"start": start.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 120,
                               "timezone": "Europe/Helsinki", "rrule": "FREQ=WEEKLY;INTERVAL=2"})
    text = group_page(server, "fi", g["id"])
    weekday = ["maanantai", "tiistai", "keskiviikko", "torstai", "perjantai", "lauantai", "sunnuntai"]
    assert f"joka toinen {weekday[start.weekday()]} klo 10–12" in text
    assert "<h1>Isien perhekahvila</h1>" in text
    assert "<title>Isien perhekahvila – Piiri</title>" in text
    assert "Koulutetut vertaisohjaajat" in text
    assert "Perhetalo Villa Tuira, Oulu" in text and "Tuiran puistokatu 2" in text
    assert "Esteetön sisäänkäynti, hissi" in text
    assert "suomi, ruotsi" in text and "perheet" in text and "Maksuton" in text
    assert f'<time datetime="{start.isoformat()}">{when_words("fi", start)}</time> – ' \
           '<span class="room">10 paikkaa vapaana</span>' in text
    # An open group: a form per coming session, posting to that session.
    sessions = assert_json(server.api("GET", f"/api/v1/groups/{g['id']}/sessions"), 200)["sessions"]
    assert f'action="/fi/sessions/{sessions[0]["id"]}/signup"' in text
    assert '<input type="hidden" name="csrf" value="">' in text
    assert "<legend>Keitä tulee</legend>" in text
    assert 'name="adults"' in text and 'name="children"' in text and 'name="note"' in text
    assert "Ryhmän ohjaajat näkevät tämän viestin." in text
    # In English: the English title, the Finnish description and texts marked.
    text = group_page(server, "en", g["id"])
    assert "<h1>Dads&#39; family café</h1>" in text
    assert '<p class="description" lang="fi">Leikkiä, kahvia ja vertaistukea.</p>' in text
    assert '<dd lang="fi">Esteetön sisäänkäynti, hissi</dd>' in text
    assert "every other" in text and "10:00–12:00" in text


def test_closed_group_form_is_for_the_series_and_says_waitlist_when_full(server, org):
    start = in_days(12, hour=18)
    g = create_group(server, org.slug, org.coord.token, title=f"Suljettu {unique('r')}", kind="peer_group",
                     access="closed", capacity=1, schedule=weekly(start))
    text = group_page(server, "sv", g["id"])
    assert text.count('<form method="post"') == 1
    assert f'action="/sv/groups/{g["id"]}/signup"' in text
    assert "Anmälan gäller hela serien" in text
    assert ">Anmäl dig</button>" in text and "Ställ dig i kö" not in text
    assert text.count("1 plats ledig") == 1  # once for the series, not per session
    signed_up(server, "group", g["id"], register(server).token, status="confirmed")
    text = group_page(server, "fi", g["id"])
    assert ">Liity jonoon</button>" in text
    assert '<p class="room">Täynnä, voit liittyä jonoon</p>' in text
    assert "Ryhmä on täynnä. Jos lähetät ilmoittautumisen, pääset jonoon." in text
    assert 'aria-describedby="full"' in text


def test_cancelled_session_says_so(server, org):
    from helpers import cancel_session
    start = in_days(8, hour=17)
    g = create_group(server, org.slug, org.coord.token, title=f"Peruttava {unique('r')}", schedule=weekly(start))
    sessions = assert_json(server.api("GET", f"/api/v1/groups/{g['id']}/sessions"), 200)["sessions"]
    cancel_session(server, sessions[0]["id"], org.coord.token, reason="Ohjaaja sairastui")
    text = group_page(server, "fi", g["id"])
    assert re.search(r'<span class="cancelled">Peruttu:</span> <del><time datetime="[^"]+">[^<]+</time></del>'
                     r" – Ohjaaja sairastui", text)
    assert f'action="/fi/sessions/{sessions[0]["id"]}/signup"' not in text
    assert f'action="/fi/sessions/{sessions[1]["id"]}/signup"' in text


def test_group_page_304_and_unknown_group(server, org):
    g = create_group(server, org.slug, org.coord.token)
    r = page(server, f"/fi/groups/{g['id']}")
    again = page(server, f"/fi/groups/{g['id']}", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status == 304
    server.api("PATCH", f"/api/v1/groups/{g['id']}", json={"title": "Uusi nimi"}, token=org.coord.token)
    changed = page(server, f"/fi/groups/{g['id']}", headers={"If-None-Match": r.headers["ETag"]})
    assert changed.status == 200 and "Uusi nimi" in html(changed)


def test_org_page_lists_its_groups(server, org):
    word = unique("orgsivu")
    create_group(server, org.slug, org.coord.token, title=f"Ryhmä {word}")
    r = page(server, f"/sv/orgs/{org.slug}")
    assert r.status == 200
    text = html(r)
    assert f"<h1>{org.org['name']}</h1>" in text
    assert f'lang="fi">Ryhmä {word}</a>' in text
    assert page(server, "/fi/orgs/ei-tallaista-yhdistysta").status == 404


@pytest.mark.parametrize("lang, privacy, accessibility", [
    ("fi", "Tietosuojaseloste", "Saavutettavuusseloste"),
    ("sv", "Dataskyddsbeskrivning", "Tillgänglighetsutlåtande"),
    ("en", "Privacy notice", "Accessibility statement"),
])
def test_privacy_and_accessibility_pages(server, lang, privacy, accessibility):
    text = html(page(server, f"/{lang}/privacy"))
    assert f"<h1>{privacy}</h1>" in text and f'<html lang="{lang}">' in text
    assert "mailto:tietosuoja@piiri.example" in text
    text = html(page(server, f"/{lang}/accessibility"))
    assert f"<h1>{accessibility}</h1>" in text
    assert "WCAG 2.1" in text and "saavutettavuus@avi.fi" in text and "0295 016 000" in text
    assert "Etelä-Suomen aluehallintovirasto" in text


def test_members_only_group_says_so_on_its_card(server, org):
    word = unique("jasen")
    create_group(server, org.slug, org.coord.token, title=f"Jäsenille {word}", audience="members")
    create_group(server, org.slug, org.coord.token, title=f"Kaikille {word}")
    text = html(page(server, f"/fi/?q={word}"))
    cards = re.findall(r'<li class="card">.*?</li>', text, re.S)
    assert len(cards) == 2
    members = [c for c in cards if "Jäsenille" in c][0]
    everyone = [c for c in cards if "Kaikille" in c][0]
    assert "Vain yhdistyksen jäsenet voivat ilmoittautua." in members
    assert "Vain yhdistyksen jäsenet" not in everyone
    assert html(page(server, f"/fi/?q={word}&audience=members")).count('<li class="card">') == 1


def test_group_page_shows_the_next_sessions_and_folds_the_rest(server, org):
    # On a phone a dozen dates would push the sign-up form far down: the next
    # three are in sight, the rest behind a <details>, every one still listed.
    start = in_days(3, hour=18)
    g = create_group(server, org.slug, org.coord.token, title=f"Viikoittain {unique('r')}", capacity=8,
                     schedule=weekly(start))
    sessions = assert_json(server.api("GET", f"/api/v1/groups/{g['id']}/sessions"), 200)["sessions"]
    assert len(sessions) > 4
    text = group_page(server, "fi", g["id"])
    shown, folded = text.split('<details class="more-sessions">', 1)
    folded = folded.split("</details>", 1)[0]
    listed = shown.split('<ul class="sessions"', 1)[1].split("</ul>", 1)[0]
    assert listed.count("<li>") == 3
    shown_n = min(len(sessions), 12)  # the page lists at most twelve
    assert f"<summary>Näytä vielä {shown_n - 3} tapaamista</summary>" in folded
    assert folded.count("<li>") == shown_n - 3
    for s in sessions[:3]:
        assert f'<time datetime="{s["starts_at"]}">' in listed
    assert f'<time datetime="{sessions[3]["starts_at"]}">' in folded
    # The sign-up is one link away from the top.
    assert '<a href="#signup-heading">Siirry ilmoittautumiseen</a>' in shown
    text = group_page(server, "en", g["id"])
    assert f"<summary>Show {shown_n - 3} more meetings</summary>" in text


def test_group_page_with_few_sessions_folds_nothing(server, org):
    start = in_days(5, hour=12)
    g = create_group(server, org.slug, org.coord.token, title=f"Kerran {unique('r')}",
                     schedule={"start": start.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 60,
                               "timezone": "Europe/Helsinki"})
    text = group_page(server, "fi", g["id"])
    assert '<ul class="sessions"' in text and "more-sessions" not in text


def test_front_page_filters_fold_out_open_only_when_in_use(server, org):
    # The words first; the five filters behind a <details> that is open when
    # one of them is in use, so that what narrows the list is in sight.
    text = html(page(server, "/fi/"))
    assert '<details class="filters">' in text and "<summary>Rajaa hakua</summary>" in text
    words_at = text.index('id="q"')
    assert words_at < text.index('<details class="filters">') < text.index('id="municipality"')
    assert text.index(">Hae ryhmiä</button>") < text.index('<details class="filters">')
    assert '<details class="filters">' in html(page(server, "/fi/?q=perhekahvila"))
    for query in ("municipality=Oulu", "kind=family_cafe", "modality=remote", "language=sv", "audience=members"):
        assert '<details class="filters" open>' in html(page(server, f"/fi/?{query}")), query
    text = html(page(server, "/sv/?municipality=Oulu"))
    assert '<details class="filters" open>' in text and 'value="Oulu"' in text
    assert ">Sök med de här valen</button>" in text
