"""Emails about new questions: who is told, at most one a day, nothing about the money in
them, no address in the logs; files in the demo, SMTP from the environment."""

from __future__ import annotations

import email
import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from dpsupport.errors import UserError
from dpsupport.models import Flag, FlagNotice, Transaction
from dpsupport.services import flags, notices
from dpsupport.services.notices import FileOutbox, MailSettings, SmtpOutbox, send_notices

from ..support.factories import create_user, grant, holder_with_account

NOW = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)


def _world(session):  # type: ignore[no-untyped-def]
    h = holder_with_account(session)
    me = create_user(session, h.org, "holder", email="pat@example.org", name="Pat Jones")
    grant(session, h.holder, me, "holder")
    create_user(session, h.org, "finance_officer", email="money@council.example")
    session.add(Transaction(holder_id=h.holder.id, account_id=h.account.id,
                            date=date(2026, 5, 3), amount_pence=-4000, payee="Cash machine",
                            description="LINK 14:32 03MAY"))
    session.flush()
    flags.refresh(session, h.holder)
    session.commit()
    return h, me


def _files(folder: Path) -> list[email.message.Message]:
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))]


def test_the_holder_and_their_worker_are_told_once_a_day(session, tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    h, me = _world(session)
    settings = MailSettings(FileOutbox(tmp_path), "dpsupport <no-reply@example.org>",
                            "https://dp.example.org")
    open_count = len(flags.flags_for(session, h.holder, for_holder=True))
    now = datetime.now(UTC)  # after the flags were opened, as a daily job would run
    with caplog.at_level(logging.INFO, logger="dpsupport.notices"):
        assert send_notices(session, settings, now) == 2
    mails = {m["To"]: m for m in _files(tmp_path)}
    assert set(mails) == {"pat@example.org", h.worker.email}  # not the finance officer
    mine = mails["pat@example.org"]
    body = mine.get_payload()
    assert mine["Subject"] == f"{open_count} new questions about your money"
    assert f"https://dp.example.org/holders/{h.holder.id}/questions" in body
    assert "£" not in body and "Cash" not in body, "nothing about the money itself"
    theirs = mails[h.worker.email].get_payload()
    assert "Pat Jones:" in theirs
    assert "@" not in caplog.text, "no address in the logs"
    # the same day: nobody gets a second email, even about a new question
    session.add(Transaction(holder_id=h.holder.id, account_id=h.account.id,
                            date=date(2026, 5, 9), amount_pence=-2000, payee="ATM",
                            description="ATM WITHDRAWAL"))
    session.flush()
    flags.refresh(session, h.holder)
    session.commit()
    assert send_notices(session, settings, now) == 0
    # the next day, one email each, about the one new question only
    assert send_notices(session, settings, now + timedelta(days=1)) == 2
    later = [m for m in _files(tmp_path) if m["To"] == "pat@example.org"]
    assert later[-1]["Subject"] == "1 new question about your money"
    # nothing new: no email
    assert send_notices(session, settings, now + timedelta(days=2)) == 0
    assert len(session.scalars(select(FlagNotice)).all()) == 4


def test_a_hidden_question_is_not_mentioned_to_the_holder(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    h, me = _world(session)
    for row in session.scalars(select(Flag).where(Flag.holder_id == h.holder.id)):
        row.hidden_from_holder = True
    session.commit()
    settings = MailSettings(FileOutbox(tmp_path), "x@example.org", "https://dp.example.org")
    assert send_notices(session, settings, NOW) == 1
    assert [m["To"] for m in _files(tmp_path)] == [h.worker.email]


def test_a_failed_send_is_logged_without_the_address(session, caplog) -> None:  # type: ignore[no-untyped-def]
    _world(session)

    class Broken:
        def send(self, mail, sender):  # type: ignore[no-untyped-def]
            raise ConnectionRefusedError(f"cannot reach the server for {mail.to}")

    with caplog.at_level(logging.INFO, logger="dpsupport.notices"):
        assert send_notices(session, MailSettings(Broken(), "x@example.org", "u"), NOW) == 0
    assert "ConnectionRefusedError" in caplog.text and "@" not in caplog.text
    assert session.scalar(select(FlagNotice)) is None, "nobody is marked as told"


def test_where_mail_goes_comes_from_the_environment(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for name in ("DPSUPPORT_SMTP_HOST", "DPSUPPORT_SMTP_PORT", "DPSUPPORT_SMTP_USER",
                 "DPSUPPORT_SMTP_PASSWORD", "DPSUPPORT_MAIL_FROM", "DPSUPPORT_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    demo = notices.mail_settings("demo", tmp_path)
    assert isinstance(demo.outbox, FileOutbox) and demo.outbox.folder == tmp_path / "mail"
    with pytest.raises(UserError, match="DPSUPPORT_SMTP_HOST is not set"):
        notices.mail_settings("production", tmp_path)
    monkeypatch.setenv("DPSUPPORT_SMTP_HOST", "smtp.example.org")
    monkeypatch.setenv("DPSUPPORT_SMTP_USER", "dp")
    monkeypatch.setenv("DPSUPPORT_SMTP_PASSWORD", "pw")
    monkeypatch.setenv("DPSUPPORT_MAIL_FROM", "DP <dp@example.org>")
    monkeypatch.setenv("DPSUPPORT_BASE_URL", "https://dp.example.org/")
    live = notices.mail_settings("production", tmp_path)
    assert live.outbox == SmtpOutbox("smtp.example.org", 587, "dp", "pw")
    assert live.base_url == "https://dp.example.org" and live.sender == "DP <dp@example.org>"
    assert isinstance(notices.mail_settings("demo", tmp_path).outbox, FileOutbox)
    monkeypatch.setenv("DPSUPPORT_SMTP_PORT", "smtp")
    with pytest.raises(UserError, match="DPSUPPORT_SMTP_PORT"):
        notices.mail_settings("production", tmp_path)


def test_smtp_uses_starttls_and_logs_in(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seen: list[object] = []

    class FakeSMTP:
        def __init__(self, host: str, port: int, timeout: int) -> None:
            seen.append((host, port))

        def __enter__(self):  # type: ignore[no-untyped-def]
            return self

        def __exit__(self, *args: object) -> None:
            seen.append("quit")

        def starttls(self, context: object) -> None:
            seen.append("starttls")

        def login(self, user: str, password: str) -> None:
            seen.append(("login", user))

        def send_message(self, message: email.message.EmailMessage) -> None:
            seen.append(("to", message["To"], message["From"]))

    monkeypatch.setattr(notices.smtplib, "SMTP", FakeSMTP)
    SmtpOutbox("smtp.example.org", 587, "dp", "pw").send(
        notices.Mail("pat@example.org", "Hi", "Body"), "dp@example.org")
    assert seen == [("smtp.example.org", 587), "starttls", ("login", "dp"),
                    ("to", "pat@example.org", "dp@example.org"), "quit"]
