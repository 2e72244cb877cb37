"""Security behaviour a person could be hurt by if it were wrong: headers on every kind of
response, cookies, password storage, sign-in throttling, signing out, redirects after
signing in (throttling: test_sign_in_throttling.py), what goes into the logs, and uploads that are too big."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from dpsupport import create_app
from dpsupport.errors import UserError
from dpsupport.models import User
from dpsupport.services import auth as auth_service
from dpsupport.services.auth import hash_password

from ..conftest import TEST_SECRET
from ..support.factories import PASSWORD, csrf_token, post, sign_in
from ..support.pagecheck import PageCheckingClient
from ..support.scenario import PNG, build_world
from .test_every_post import row_counts

COOKIE = "dpsupport_session"


# --- headers on every kind of response ------------------------------------------------------

def _csp(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    header = response.headers.get("Content-Security-Policy")
    assert header, "no Content-Security-Policy"
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value.strip()
    return directives


def assert_secure_headers(response, *, signed_in: bool = False) -> None:  # type: ignore[no-untyped-def]
    csp = _csp(response)
    assert csp["default-src"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in csp["script-src"] and "*" not in csp["script-src"]
    nonce = re.fullmatch(r"'self' 'nonce-([A-Za-z0-9_-]{16,})'", csp["script-src"])
    assert nonce, f"script-src has no usable nonce: {csp['script-src']!r}"
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("X-Frame-Options") == "DENY"
    assert response.headers.get("Referrer-Policy") in ("same-origin", "no-referrer",
                                                       "strict-origin-when-cross-origin")
    if signed_in:
        assert "no-store" in response.headers.get("Cache-Control", "")
    if response.mimetype == "text/html" and response.status_code != 302:
        page = response.get_data(as_text=True)
        used = re.findall(r'<script[^>]*\bnonce="([^"]*)"', page)
        assert used, "expected the page's scripts"
        assert set(used) == {nonce.group(1)}, "scripts carry a nonce the CSP does not allow"


def test_headers_on_200_302_and_404_signed_out(client) -> None:  # type: ignore[no-untyped-def]
    ok = client.get("/sign-in")
    assert ok.status_code == 200
    assert_secure_headers(ok)
    moved = client.get("/")
    assert moved.status_code == 302
    assert_secure_headers(moved)
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert "Page not found" in missing.get_data(as_text=True)
    assert_secure_headers(missing)
    # A new nonce every time: a nonce that repeats protects nothing.
    assert _csp(ok)["script-src"] != _csp(client.get("/sign-in"))["script-src"]


def test_headers_on_signed_in_pages_403_404_and_downloads(app, session) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    client = app.test_client()
    sign_in(client, world.users["finance_officer"])
    page = client.get(f"/holders/{world.holder_id}")
    assert page.status_code == 200
    assert_secure_headers(page, signed_in=True)

    forbidden = client.get(f"/holders/{world.holder_id}/plan/lines/new")
    assert forbidden.status_code == 403
    assert "You do not have permission" in forbidden.get_data(as_text=True)
    assert_secure_headers(forbidden, signed_in=True)

    elsewhere = client.get(f"/holders/{world.other_holder_id}")
    assert elsewhere.status_code == 404
    assert_secure_headers(elsewhere, signed_in=True)

    download = client.get(
        f"/holders/{world.holder_id}/transactions/attachments/{world.ids['attachment_id']}")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.data == PNG
    assert download.mimetype == "image/png"
    assert_secure_headers(download, signed_in=True)


def test_headers_and_no_stack_trace_on_500(app, session, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    client = app.test_client()
    sign_in(client, world.users["holder"])

    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("internal detail xyzzy")

    monkeypatch.setattr("dpsupport.web.holder.holder_money", broken)
    with caplog.at_level(logging.ERROR, logger="dpsupport"):
        response = client.get(f"/holders/{world.holder_id}")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Sorry, something went wrong on our side" in body
    assert "xyzzy" not in body and "Traceback" not in body
    assert_secure_headers(response, signed_in=True)
    assert "xyzzy" in caplog.text, "the error is logged for the people running the app"


def test_strict_transport_security_in_production_only(database_url: str, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                       client) -> None:
    """Issue 12.9: production sent no Strict-Transport-Security header."""
    for page in ("/sign-in", "/", "/no-such-page"):
        assert "Strict-Transport-Security" not in client.get(page).headers, "test mode: http"
    for mode in ("production", "demo", "development"):
        app = create_app({"mode": mode, "database_url": database_url,
                          "secret_key": TEST_SECRET, "instance_path": str(tmp_path / mode)})
        try:
            https = app.test_client()
            https.environ_base.update({"wsgi.url_scheme": "https", "HTTP_HOST": "dp.example"})
            for page in ("/sign-in", "/", "/no-such-page", "/static/build/app.css"):
                header = https.get(page).headers.get("Strict-Transport-Security")
                if mode == "production":
                    assert header is not None, page
                    max_age = re.fullmatch(r"max-age=(\d+)(; includeSubDomains)?", header)
                    assert max_age and int(max_age.group(1)) >= 31536000, header
                else:
                    assert header is None, f"{mode} runs over plain http: no HSTS"
        finally:
            app.extensions["dpsupport.engine"].dispose()


# --- cookies ----------------------------------------------------------------------------------

def _session_cookie_header(response) -> str:  # type: ignore[no-untyped-def]
    cookies = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{COOKIE}=")]
    assert len(cookies) == 1, response.headers.getlist("Set-Cookie")
    return cookies[0]


def _attributes(header: str) -> dict[str, str]:
    parts = [p.strip() for p in header.split(";")[1:]]
    return {p.partition("=")[0].lower(): p.partition("=")[2] for p in parts}


def _sign_in_response(client, user: User):  # type: ignore[no-untyped-def]
    token = csrf_token(client)
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD,
                                             "csrf_token": token})
    assert response.status_code == 302
    return response


def test_session_cookie_is_httponly_and_samesite_lax(app, session) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    client = app.test_client()
    client.get("/sign-in")
    before = client.get_cookie(COOKIE)
    response = _sign_in_response(client, world.users["holder"])
    attributes = _attributes(_session_cookie_header(response))
    assert "httponly" in attributes
    assert attributes["samesite"] == "Lax"
    assert "secure" not in attributes, "test mode serves plain http, like development"
    # A new session on signing in: a cookie planted before cannot be ridden (fixation).
    after = client.get_cookie(COOKIE)
    assert before is not None and after is not None and after.value != before.value


def test_session_cookie_is_secure_in_production(database_url: str, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                session) -> None:
    world = build_world(session)
    app = create_app({"mode": "production", "database_url": database_url,
                      "secret_key": TEST_SECRET, "instance_path": str(tmp_path / "prod")})
    app.test_client_class = PageCheckingClient
    try:
        assert not app.testing and not app.debug
        client = app.test_client()
        # As behind the HTTPS a production server must have (the referrer is checked there).
        client.environ_base.update({"wsgi.url_scheme": "https", "HTTP_HOST": "dp.example",
                                    "HTTP_REFERER": "https://dp.example/sign-in"})
        response = _sign_in_response(client, world.users["holder"])
        attributes = _attributes(_session_cookie_header(response))
        assert "secure" in attributes and "httponly" in attributes
        assert attributes["samesite"] == "Lax"
    finally:
        app.extensions["dpsupport.engine"].dispose()


# --- passwords --------------------------------------------------------------------------------

def test_passwords_are_stored_as_argon2_hashes(session) -> None:  # type: ignore[no-untyped-def]
    from dpsupport.services.demo import DEMO_PASSWORD, load_demo

    load_demo(session)
    session.commit()
    stored = session.execute(select(User.email, User.password_hash)).all()
    assert stored
    hasher = PasswordHasher()
    for email, password_hash in stored:
        assert password_hash.startswith("$argon2id$"), f"{email}: not an argon2id hash"
        assert DEMO_PASSWORD not in password_hash
        assert hasher.verify(password_hash, DEMO_PASSWORD)
    one, two = hash_password("same password"), hash_password("same password")
    assert one != two, "hashes are salted"
    assert one.startswith("$argon2id$") and "same password" not in one


@pytest.mark.parametrize("password,problem", [
    ("short1", "at least 8 characters"),
    ("", "at least 8 characters"),
    ("Password123", "too common"),
    ("qwerty123", "too common"),
])
def test_a_password_that_is_too_easy_is_never_stored(password: str, problem: str) -> None:
    assert problem in (auth_service.password_problem(password) or "")
    with pytest.raises(UserError, match=problem) as refused:
        hash_password(password)
    assert refused.value.field == "password"
    assert auth_service.password_problem("a calm river at dawn") is None


def test_the_stored_hash_is_what_sign_in_checks(app, session) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    user = world.users["holder"]
    client = app.test_client()
    page = post(client, "/sign-in", data={"email": user.email, "password": user.password_hash})
    assert page.status_code == 200, "the hash itself must not work as a password"
    assert "is not right" in page.get_data(as_text=True)


# --- sign-in throttling ----------------------------------------------------------------------

def _try(client, email: str, password: str):  # type: ignore[no-untyped-def]
    return post(client, "/sign-in", data={"email": email, "password": password})


def test_the_failure_message_does_not_say_which_part_was_wrong(app, session) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    client = app.test_client()
    wrong_password = _try(client, world.users["holder"].email, "not the password")
    unknown_email = _try(client, "nobody@nowhere.example", PASSWORD)
    assert wrong_password.status_code == unknown_email.status_code == 200

    def message(response) -> str:  # type: ignore[no-untyped-def]
        # Tokens, nonces and the typed email differ; everything else must be the same.
        return re.sub(r'(content|nonce|value)="[^"]*"', "", response.get_data(as_text=True))

    assert message(wrong_password) == message(unknown_email)


# --- signing out -----------------------------------------------------------------------------

def test_signing_out_makes_the_old_cookie_useless(app, session) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    client = app.test_client()
    sign_in(client, world.users["holder"])
    stolen = client.get_cookie(COOKIE)
    assert stolen is not None
    money = f"/holders/{world.holder_id}"

    replay = app.test_client()
    replay.set_cookie(COOKIE, stolen.value)
    assert replay.get(money).status_code == 200, "the copied cookie works while signed in"

    response = post(client, "/sign-out")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert client.get(money).status_code == 302

    replay = app.test_client()
    replay.set_cookie(COOKIE, stolen.value)
    again = replay.get(money)
    assert again.status_code == 302
    assert again.headers["Location"].startswith("/sign-in")


def test_a_disabled_account_is_signed_out_at_once(app, session) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    client = app.test_client()
    sign_in(client, world.users["holder"])
    money = f"/holders/{world.holder_id}"
    assert client.get(money).status_code == 200
    user = session.get(User, world.users["holder"].id)
    user.is_active = False
    session.commit()
    assert client.get(money).status_code == 302


# --- no open redirect ------------------------------------------------------------------------

EVIL_TARGETS = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "evil.example",
]


def test_next_cannot_send_people_to_another_site(app, session) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    wrong = []
    for target in EVIL_TARGETS:
        client = app.test_client()
        token = csrf_token(client)
        response = client.post("/sign-in", query_string={"next": target},
                               data={"email": world.users["holder"].email, "password": PASSWORD,
                                     "csrf_token": token})
        assert response.status_code == 302
        if response.headers["Location"] != "/":
            wrong.append(f"next={target!r} sent people to {response.headers['Location']!r}")
    assert not wrong, "\n".join(wrong)


def test_next_still_works_for_a_page_on_this_site(app, session) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    client = app.test_client()
    wanted = f"/holders/{world.holder_id}/plan?x=1"
    first = client.get(wanted)
    assert first.status_code == 302
    sign_in_url = first.headers["Location"]
    assert sign_in_url.startswith("/sign-in?next=")
    token = csrf_token(client)
    response = client.post(sign_in_url, data={"email": world.users["holder"].email,
                                              "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == wanted


# --- logs -------------------------------------------------------------------------------------

def test_no_password_or_email_in_the_logs_when_signing_in(app, session, caplog) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    user = world.users["holder"]
    caplog.set_level(logging.DEBUG)
    client = app.test_client()
    _try(client, user.email, "Wr0ng-Pa55word-Secret")
    _try(client, "Unknown.Person@Nowhere.example", "An0ther-Secret-Pa55")
    sign_in(client, user)
    # Something that is logged: proves the logs are being captured at all.
    assert client.get(f"/holders/{world.other_holder_id}").status_code == 404
    assert "refused" in caplog.text
    for _ in range(auth_service.FREE_FAILURES_PER_ACCOUNT + 1):
        _try(client, user.email, "Wr0ng-Pa55word-Secret")
    logged = caplog.text.lower() + " ".join(str(r.args) for r in caplog.records).lower()
    for secret in ("Wr0ng-Pa55word-Secret", "An0ther-Secret-Pa55", PASSWORD, user.email,
                   "unknown.person@nowhere.example", user.password_hash):
        assert secret.lower() not in logged, f"{secret!r} was logged"


# --- uploads ----------------------------------------------------------------------------------

def test_an_oversized_upload_gets_a_friendly_413_and_changes_nothing(database_url: str,  # type: ignore[no-untyped-def]
                                                                     tmp_path: Path,
                                                                     session) -> None:
    world = build_world(session)
    app = create_app({"mode": "test", "database_url": database_url, "secret_key": TEST_SECRET,
                      "instance_path": str(tmp_path / "small"), "max_upload_bytes": 20_000})
    app.test_client_class = PageCheckingClient
    try:
        engine = app.extensions["dpsupport.engine"]
        client = app.test_client()
        sign_in(client, world.users["holder"])
        url = f"/holders/{world.holder_id}/transactions/{world.ids['transaction_id']}/attachments"
        before = row_counts(engine)
        big = PNG + b"\x00" * 50_000
        response = post(client, url, data={"file": (__import__("io").BytesIO(big), "big.png")},
                        content_type="multipart/form-data")
        assert response.status_code == 413
        body = response.get_data(as_text=True)
        assert "The file is too big" in body and "Traceback" not in body
        assert_secure_headers(response, signed_in=True)
        assert row_counts(engine) == before

        # Under the limit, the same form works: the limit is what refused it.
        small = post(client, url, data={"file": (__import__("io").BytesIO(PNG), "ok.png")},
                     content_type="multipart/form-data")
        assert small.status_code == 302
        assert row_counts(engine)["attachment"] == before["attachment"] + 1
    finally:
        app.extensions["dpsupport.engine"].dispose()
