# SPDX-License-Identifier: Apache-2.0
"""What the tests of a coordinator's pages share: signing in with a cookie, a GET
with it, and who may open each page and send each form (only the org's
coordinators: everybody else gets the 403 page, a signed-out GET the sign-in
page, a signed-out POST 401, and a form without its token 403)."""

from test_web_auth import csrf_of, form, sign_in


def cookie_of(api, person, lang="fi"):
    """The web session's cookie header and its form token."""
    value = sign_in(api, person, lang=lang)
    return f"piiri_session={value}", csrf_of(value)


def get(api, path, cookie=None):
    return api("GET", path, headers={"Cookie": cookie} if cookie else {})


def assert_refused_to(api, people, routes, fields):
    """Each of PEOPLE gets the 403 page on each (method, path) of ROUTES, a
    form sent with their own token and FIELDS."""
    for p in people:
        cookie, token = cookie_of(api, p)
        for method, path in routes:
            r = get(api, path, cookie) if method == "GET" else form(api, path, {**fields, "csrf": token},
                                                                    cookie=cookie)
            assert r.status == 403, (p.email, method, path, r.status)
            assert r.headers["Content-Type"].startswith("text/html")


def assert_signed_out_refused(api, routes, fields):
    """Signed out, a GET goes to the sign-in page (and back after it); a POST is 401."""
    for method, path in routes:
        r = get(api, path) if method == "GET" else form(api, path, fields)
        if method == "GET":
            assert r.status == 303 and r.headers["Location"] == f"/fi/signin?next={path}", (path, r.status)
        else:
            assert r.status == 401, (path, r.status)


def assert_forms_need_their_token(api, coordinator, routes, fields):
    """Even the coordinator's forms are refused without the form token."""
    cookie, _ = cookie_of(api, coordinator)
    for method, path in routes:
        if method == "POST":
            assert form(api, path, fields, cookie=cookie).status == 403, path
