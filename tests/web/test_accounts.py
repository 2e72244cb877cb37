"""Invitations, password resets and changing a password: links that work once and expire,
no hint whether an address has an account, other sessions ended, mail in the demo folder."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from dpsupport import mail
from dpsupport.models import HolderAccess, Membership, OneTimeLink, User, UserSession
from dpsupport.models.base import utcnow
from tests.support.factories import PASSWORD, create_user, grant, post, sign_in

NEW = "a brand new password 7"


def _mail_folder(app) -> Path:  # type: ignore[no-untyped-def]
    return app.config["DPSUPPORT"].instance_path / "mail"


def _last_link(app) -> str:  # type: ignore[no-untyped-def]
    messages = mail.demo_messages(_mail_folder(app))
    assert messages, "no mail was written"
    found = re.search(r"https?://[^/\s]+(/\S+)", messages[0].body)
    assert found, messages[0].body
    return found.group(1)


def _mails(app) -> int:  # type: ignore[no-untyped-def]
    return len(mail.demo_messages(_mail_folder(app), limit=1000))


def test_reset_works_once_and_ends_other_sessions(app, session, client, holder_with_account) -> None:  # type: ignore[no-untyped-def]
    worker = holder_with_account.worker
    elsewhere = app.test_client()
    sign_in(elsewhere, worker)
    response = post(client, "/forgot-password", {"email": worker.email.upper()})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/forgot-password/sent")
    link = _last_link(app)
    message = mail.demo_messages(_mail_folder(app))[0]
    assert message.to == worker.email and "within 1 hour" in message.body
    page = client.get(link)
    assert page.status_code == 200 and "Choose a new password" in page.get_data(as_text=True)
    # the two passwords must match
    response = post(client, link, {"password": NEW, "confirm": NEW + "x"})
    assert response.status_code == 400
    assert "The two passwords are not the same" in response.get_data(as_text=True)
    response = post(client, link, {"password": NEW, "confirm": NEW})
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    # used: the link does nothing now
    assert client.get(link).status_code == 410
    assert post(client, link, {"password": "another password 8",
                               "confirm": "another password 8"}).status_code == 410
    # the session signed in elsewhere has ended; the new password signs in, the old does not
    assert elsewhere.get("/holders").status_code == 302
    sign_in(app.test_client(), worker, NEW)
    again = app.test_client()
    token = again.get("/sign-in")
    assert token.status_code == 200
    assert post(again, "/sign-in", {"email": worker.email, "password": PASSWORD}
                ).status_code == 200


def test_no_hint_whether_an_address_has_an_account(app, session, client, holder_with_account) -> None:  # type: ignore[no-untyped-def]
    known = post(client, "/forgot-password", {"email": holder_with_account.worker.email})
    unknown = post(client, "/forgot-password", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert _mails(app) == 1
    # a second request within 5 minutes sends nothing more
    post(client, "/forgot-password", {"email": holder_with_account.worker.email})
    assert _mails(app) == 1


def test_an_expired_link_does_nothing(app, session, client, holder_with_account) -> None:  # type: ignore[no-untyped-def]
    post(client, "/forgot-password", {"email": holder_with_account.worker.email})
    link = _last_link(app)
    row = session.scalars(select(OneTimeLink)).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    response = post(client, link, {"password": NEW, "confirm": NEW})
    assert response.status_code == 410
    assert "Ask for a new link" in response.get_data(as_text=True)
    assert client.get("/reset-password/not-a-real-secret").status_code == 410


def test_a_support_worker_invites_a_daughter_who_chooses_a_password(app, session, client, holder_with_account) -> None:  # type: ignore[no-untyped-def]
    h = holder_with_account
    sign_in(client, h.worker)
    url = f"/holders/{h.holder.id}/invite"
    missing = post(client, url, {"name": "Dee Hill", "email": "dee@example.org",
                                 "role": "representative"})
    assert missing.status_code == 400
    assert "Select the kind of authority they have" in missing.get_data(as_text=True)
    assert session.scalar(select(User).where(User.email == "dee@example.org")) is None
    session.rollback()  # end the read, to see what the next request writes
    response = post(client, url, {"name": "Dee Hill", "email": " Dee@Example.org ",
                                  "role": "representative",
                                  "representative_type": "nominated_person"})
    assert response.status_code == 302
    dee = session.scalars(select(User).where(User.email == "dee@example.org")).one()
    grant_row = session.scalars(select(HolderAccess).where(HolderAccess.user_id == dee.id)).one()
    assert (grant_row.holder_id, grant_row.role, grant_row.representative_type,
            grant_row.granted_by_id) == (h.holder.id, "representative", "nominated_person",
                                         h.worker.id)
    link = _last_link(app)
    assert "/invitation/" in link
    # an invited person cannot ask for a reset before choosing a password
    visitor = app.test_client()
    post(visitor, "/forgot-password", {"email": "dee@example.org"})
    assert _mails(app) == 1
    assert post(visitor, link, {"password": NEW, "confirm": NEW}).status_code == 302
    sign_in(visitor, dee, NEW)
    assert visitor.get(f"/holders/{h.holder.id}").status_code == 200
    # inviting her again is refused, and changes nothing
    again = post(client, url, {"name": "Dee Hill", "email": "dee@example.org",
                               "role": "representative", "representative_type": "attorney"})
    assert again.status_code == 400 and "can already see" in again.get_data(as_text=True)


def test_only_staff_give_access_and_only_admins_add_staff(app, session, client, holder_with_account) -> None:  # type: ignore[no-untyped-def]
    h = holder_with_account
    holder_user = create_user(session, h.org, "holder", name="Pat")
    grant(session, h.holder, holder_user, "holder")
    session.commit()
    sign_in(client, holder_user)
    assert client.get(f"/holders/{h.holder.id}/invite").status_code == 403
    assert client.get("/organisation/staff/invite").status_code == 403
    admin = create_user(session, h.org, "org_admin", name="Ada Admin")
    session.commit()
    admin_client = app.test_client()
    sign_in(admin_client, admin)
    response = post(admin_client, "/organisation/staff/invite",
                    {"name": "Nia Worker", "email": "nia@example.org", "role": "finance_officer"})
    assert response.status_code == 302
    session.rollback()
    nia = session.scalars(select(User).where(User.email == "nia@example.org")).one()
    assert session.scalars(select(Membership.role).where(Membership.user_id == nia.id)).all() == [
        "finance_officer"]


def test_change_your_own_password(app, session, client, holder_with_account) -> None:  # type: ignore[no-untyped-def]
    worker = holder_with_account.worker
    sign_in(client, worker)
    elsewhere = app.test_client()
    sign_in(elsewhere, worker)
    wrong = post(client, "/account/password", {"current": "not it", "password": NEW,
                                               "confirm": NEW})
    assert wrong.status_code == 400
    assert "Your current password is not right" in wrong.get_data(as_text=True)
    short = post(client, "/account/password", {"current": PASSWORD, "password": "short",
                                               "confirm": "short"})
    assert short.status_code == 400 and "at least 8 characters" in short.get_data(as_text=True)
    done = post(client, "/account/password", {"current": PASSWORD, "password": NEW,
                                              "confirm": NEW})
    assert done.status_code == 302
    assert client.get("/holders").status_code == 200  # still signed in here
    assert elsewhere.get("/holders").status_code == 302  # signed out there
    live = session.scalars(select(UserSession).where(UserSession.user_id == worker.id,
                                                     UserSession.revoked_at.is_(None))).all()
    assert len(live) == 1


def test_smtp_is_used_when_a_server_is_set(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sent: list[tuple[str, str]] = []

    class FakeSMTP:
        def __init__(self, host: str, port: int, timeout: int) -> None:
            sent.append(("connect", f"{host}:{port}"))

        def __enter__(self) -> FakeSMTP:
            return self

        def __exit__(self, *_: object) -> None:
            pass

        def starttls(self, context: object) -> None:
            sent.append(("starttls", ""))

        def login(self, user: str, password: str) -> None:
            sent.append(("login", user))

        def send_message(self, message: object) -> None:
            sent.append(("send", str(message["To"])))  # type: ignore[index]

    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    monkeypatch.setenv("DPSUPPORT_SMTP_HOST", "smtp.example.org")
    monkeypatch.setenv("DPSUPPORT_SMTP_USER", "robot")
    monkeypatch.setenv("DPSUPPORT_SMTP_PASSWORD", "secret")
    settings = mail.MailSettings.from_env(tmp_path, "demo")
    assert settings.folder is None
    result = mail.send(settings, "pat@example.org", "Hello", "Body")
    assert result.file is None
    assert sent == [("connect", "smtp.example.org:587"), ("starttls", ""), ("login", "robot"),
                    ("send", "pat@example.org")]
    assert list(tmp_path.iterdir()) == []


def test_production_without_a_server_sends_nothing_and_logs_no_address(tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    settings = mail.MailSettings.from_env(tmp_path, "production")
    with caplog.at_level("INFO", logger="dpsupport.mail"):
        mail.send(settings, "pat@example.org", "Reset your dpsupport password", "x")
    assert "pat@example.org" not in caplog.text and "no mail server" in caplog.text
