"""Two-step sign-in (issue 15): setting it up, the code after the password, recovery codes
that work once, the five-minute marker, wrong codes slowed down, and people who must use it
sent to set it up from every page."""

from __future__ import annotations

import re

import pyotp
from sqlalchemy import func, select

from dpsupport.models import Organisation, RecoveryCode, User, UserSession
from dpsupport.services import two_step
from tests.support.factories import (
    PASSWORD,
    TOTP_SECRET,
    create_org,
    create_user,
    csrf_token,
    current_code,
    post,
    sign_in,
)
from tests.support.routes import routes
from tests.support.scenario import build_world, url_args


def _fresh(session, user: User) -> User:  # type: ignore[no-untyped-def]
    """The person as the database has them now (the app wrote in its own transactions)."""
    session.rollback()
    session.expire_all()
    found = session.get(User, user.id)
    assert found is not None
    return found


def _sessions(session, user: User) -> int:  # type: ignore[no-untyped-def]
    session.rollback()  # a fresh snapshot: the app wrote in its own transactions
    return session.scalar(select(func.count()).select_from(UserSession)
                          .where(UserSession.user_id == user.id)) or 0


def _password(client, user: User):  # type: ignore[no-untyped-def]
    return post(client, "/sign-in", {"email": user.email, "password": PASSWORD})


def _officer(session) -> User:  # type: ignore[no-untyped-def]
    org = create_org(session)
    user = create_user(session, org, "finance_officer", name="Farah Officer")
    session.commit()
    return user


def test_sign_in_needs_the_code_and_opens_no_session_before_it(app, session, client) -> None:  # type: ignore[no-untyped-def]
    officer = _officer(session)
    response = _password(client, officer)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sign-in/code")
    assert _sessions(session, officer) == 0
    # the password alone opens nothing: pages still send to sign in
    assert "/sign-in" in client.get("/holders").headers["Location"]
    page = client.get("/sign-in/code")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Open the authenticator app on your phone" in body
    assert "Use a recovery code instead" in body
    assert "Demo only" not in body  # the demo's code is never shown outside the demo

    wrong = (int(current_code()) + 500000) % 1000000
    refused = post(client, "/sign-in/code", {"code": f"{wrong:06d}"})
    assert refused.status_code == 400
    assert "That code is not right" in refused.get_data(as_text=True)
    assert "govuk-error-summary" in refused.get_data(as_text=True)
    assert _sessions(session, officer) == 0

    accepted = post(client, "/sign-in/code", {"code": current_code()})
    assert accepted.status_code == 302
    assert _sessions(session, officer) == 1
    assert client.get("/holders").status_code == 200


def test_the_code_page_without_a_password_goes_to_sign_in(app, session, client) -> None:  # type: ignore[no-untyped-def]
    officer = _officer(session)
    response = client.get("/sign-in/code")
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in")
    # a made-up marker is refused too
    with client.session_transaction() as cookie:
        cookie["password_passed"] = f'{{"user": {officer.id}}}'
    refused = post(client, "/sign-in/code", {"code": current_code()})
    assert refused.status_code == 302 and "/sign-in" in refused.headers["Location"]
    assert _sessions(session, officer) == 0


def test_a_marker_older_than_five_minutes_is_refused(app, session, client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    officer = _officer(session)
    import itsdangerous.timed

    real = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() - 301)
    assert _password(client, officer).headers["Location"].endswith("/sign-in/code")
    monkeypatch.setattr(itsdangerous.timed.time, "time", real)
    response = post(client, "/sign-in/code", {"code": current_code()})
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in")
    assert _sessions(session, officer) == 0
    page = client.get("/sign-in").get_data(as_text=True)
    assert "Signing in took too long" in page
    # ...and a marker just under five minutes old still works
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() - 280)
    _password(client, officer)
    monkeypatch.setattr(itsdangerous.timed.time, "time", real)
    assert post(client, "/sign-in/code", {"code": current_code()}).status_code == 302
    assert _sessions(session, officer) == 1


def _codes(page: str) -> list[str]:
    return re.findall(r'<li class="dp-code[^"]*">([a-z2-9]{5}-[a-z2-9]{5})</li>', page)


def _make_codes(client) -> list[str]:  # type: ignore[no-untyped-def]
    """New recovery codes, read from the page that shows them once."""
    response = post(client, "/account/two-step/recovery-codes", {})
    assert response.status_code == 302
    page = client.get("/account/two-step/recovery-codes").get_data(as_text=True)
    return _codes(page)


def test_a_recovery_code_works_once(app, session, client) -> None:  # type: ignore[no-untyped-def]
    officer = _officer(session)
    sign_in(client, officer)
    codes = _make_codes(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    # shown once: the page does not show them again
    again = client.get("/account/two-step/recovery-codes").get_data(as_text=True)
    assert not any(code in again for code in codes)
    assert "shown only once" in again
    session.rollback()
    stored = session.scalars(select(RecoveryCode.code_hash)
                             .where(RecoveryCode.user_id == officer.id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # only hashes are kept

    other = app.test_client()
    _password(other, officer)
    response = post(other, "/sign-in/code?recovery=1", {"code": codes[3].upper()})
    assert response.status_code == 302
    assert "9 recovery codes left" in other.get("/holders").get_data(as_text=True)

    third = app.test_client()
    _password(third, officer)
    used_again = post(third, "/sign-in/code", {"code": codes[3]})
    assert used_again.status_code == 400
    assert _sessions(session, officer) == 2  # the first browser and the recovery code's


def test_wrong_codes_are_slowed_down(app, session, client) -> None:  # type: ignore[no-untyped-def]
    officer = _officer(session)
    _password(client, officer)
    wrong = f"{(int(current_code()) + 500000) % 1000000:06d}"
    for _ in range(5):
        assert post(client, "/sign-in/code", {"code": wrong}).status_code == 400
    held = post(client, "/sign-in/code", {"code": current_code()})
    assert held.status_code == 429  # even the right code waits now
    assert "Too many wrong codes" in held.get_data(as_text=True)
    assert _sessions(session, officer) == 0


def test_setting_it_up_turns_it_on_and_shows_codes_once(app, session, client, holder_with_account) -> None:  # type: ignore[no-untyped-def]
    worker = holder_with_account.worker
    sign_in(client, worker)
    page = client.get("/account/two-step/set-up").get_data(as_text=True)
    assert "<svg" in page and "Open the authenticator app on your phone" in page
    secret = re.search(r'name="secret"[^>]*value="([A-Z2-7]{32})"', page)
    assert secret, page
    key = secret.group(1)
    # the key to type is shown in groups of 4
    assert " ".join(key[i:i + 4] for i in range(0, 32, 4)) in page

    wrong = f"{(int(pyotp.TOTP(key).now()) + 500000) % 1000000:06d}"
    refused = post(client, "/account/two-step/set-up", {"secret": key, "code": wrong})
    assert refused.status_code == 400 and "That code is not right" in refused.get_data(True)
    assert key in refused.get_data(as_text=True)  # the same key, so the app still matches
    assert _fresh(session, worker).totp_enabled_at is None

    done = post(client, "/account/two-step/set-up",
                {"secret": key, "code": pyotp.TOTP(key).now()})
    assert done.status_code == 302 and done.headers["Location"].endswith("recovery-codes")
    codes_page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert len(_codes(codes_page)) == 10
    assert "Print this page" in codes_page
    saved = _fresh(session, worker)
    assert saved.totp_enabled_at is not None and saved.totp_secret == key
    # the key is never shown again
    assert key not in client.get("/account/two-step").get_data(as_text=True)

    # from now on, signing in needs the code
    other = app.test_client()
    assert _password(other, worker).headers["Location"].endswith("/sign-in/code")
    assert post(other, "/sign-in/code", {"code": pyotp.TOTP(key).now()}).status_code == 302

    # a support worker need not use it, so may turn it off
    off = post(client, "/account/two-step/turn-off", {})
    assert off.status_code == 302
    third = app.test_client()
    assert not _password(third, worker).headers["Location"].endswith("/sign-in/code")


def test_a_changed_key_is_not_saved(app, session, client, holder_with_account) -> None:  # type: ignore[no-untyped-def]
    worker = holder_with_account.worker
    sign_in(client, worker)
    response = post(client, "/account/two-step/set-up",
                    {"secret": "not-a-key", "code": "123456"})
    assert response.status_code == 400
    assert "changed on the way" in response.get_data(as_text=True)
    assert _fresh(session, worker).totp_secret is None


def test_required_but_not_set_up_is_sent_to_set_up_from_every_page(app, session) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    officer = world.users["finance_officer"]
    officer.totp_secret = officer.totp_enabled_at = None
    session.commit()
    client = app.test_client()
    sign_in(client, officer)  # the password alone: it is not set up
    from dpsupport.web.two_step import WHILE_SETTING_UP

    tried = 0
    for route in routes(app):
        if "GET" not in route.methods or route.endpoint in WHILE_SETTING_UP:
            continue
        with app.test_request_context():
            from flask import url_for

            url = url_for(route.endpoint, **url_args(world, set(route.arguments)))
        response = client.get(url)
        tried += 1
        assert response.status_code == 302, (route.endpoint, response.status_code)
        assert response.headers["Location"].endswith("/account/two-step/set-up"), route.endpoint
    assert tried > 20
    # a POST is sent there too, and changes nothing
    assert post(client, f"/holders/{world.holder_id}/plan/lines/new",
                {"category": "respite", "label": "x", "planned": "1"}
                ).headers["Location"].endswith("/account/two-step/set-up")
    page = client.get("/account/two-step/set-up").get_data(as_text=True)
    assert "needed for all finance officers" in page
    key = re.search(r'name="secret"[^>]*value="([A-Z2-7]{32})"', page).group(1)  # type: ignore[union-attr]
    post(client, "/account/two-step/set-up", {"secret": key, "code": pyotp.TOTP(key).now()})
    assert client.get("/holders").status_code == 200
    # ...and they cannot turn it off
    refused = post(client, "/account/two-step/turn-off", {})
    assert refused.status_code == 400
    assert "You cannot turn off two-step sign-in" in refused.get_data(as_text=True)


def test_the_organisation_can_ask_all_staff_to_use_it(app, session) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    admin, worker = world.users["org_admin"], world.users["support_worker"]
    representative = world.users["representative"]
    worker_client, admin_client, rep_client = (app.test_client() for _ in range(3))
    sign_in(worker_client, worker)
    sign_in(rep_client, representative)
    # only admins may change it
    assert worker_client.get("/organisation/two-step").status_code == 403
    assert post(worker_client, "/organisation/two-step", {"required": "yes"}).status_code == 403
    sign_in(admin_client, admin)
    listing = admin_client.get("/holders").get_data(as_text=True)
    assert "needed for finance officers and organisation admins" in listing
    page = admin_client.get("/organisation/two-step")
    assert page.status_code == 200 and "Everyone on the staff" in page.get_data(as_text=True)
    empty = post(admin_client, "/organisation/two-step", {})
    assert empty.status_code == 400
    assert "Select who must use two-step sign-in" in empty.get_data(as_text=True)
    assert post(admin_client, "/organisation/two-step", {"required": "yes"}).status_code == 302
    session.rollback()
    assert session.scalar(select(Organisation.two_step_required)
                          .where(Organisation.name == "Org A"))
    assert "needed for everyone on the staff" in admin_client.get("/holders").get_data(True)
    # the support worker must set it up now; the representative (not staff) need not
    moved = worker_client.get(f"/holders/{world.holder_id}")
    assert moved.headers["Location"].endswith("/account/two-step/set-up")
    assert "asks all its staff" in worker_client.get("/account/two-step/set-up").get_data(True)
    assert rep_client.get(f"/holders/{world.holder_id}").status_code == 200
    assert two_step.required_for(session, worker) and not two_step.required_for(
        session, representative)


def test_the_demo_shows_the_code_and_says_so(app, session, client) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    officer = _officer(session)
    app.config["DPSUPPORT"] = replace(app.config["DPSUPPORT"], mode="demo")
    _password(client, officer)
    page = client.get("/sign-in/code").get_data(as_text=True)
    assert "Demo only" in page and pyotp.TOTP(TOTP_SECRET).now() in page
    assert csrf_token(client)
