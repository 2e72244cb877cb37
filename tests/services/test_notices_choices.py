"""Each person's choice of emails about new questions: an email for each, at most one a day,
at most one a week, or none; never twice about the same question (even when two runs
overlap); never about a question hidden from the holder to the holder's side; no address in
the logs."""

from __future__ import annotations

import email
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dpsupport.models import Flag, FlagNotice, FlagTold, Holder, User
from dpsupport.services import notices
from dpsupport.services.notices import FileOutbox, MailSettings, send_notices

from ..support.factories import create_user, grant, holder_with_account

MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@dataclass
class World:
    holder: Holder
    me: User  # the holder themselves
    rep: User
    worker: User
    folder: Path
    settings: MailSettings


def _world(session, tmp_path: Path) -> World:  # type: ignore[no-untyped-def]
    h = holder_with_account(session)
    me = create_user(session, h.org, "holder", email="pat@example.org", name="Pat Jones")
    grant(session, h.holder, me, "holder")
    rep = create_user(session, h.org, "representative", email="rita@example.org", name="Rita")
    grant(session, h.holder, rep, "representative")
    # neither is emailed, whatever they choose
    for role in ("finance_officer", "org_admin"):
        staff = create_user(session, h.org, role, email=f"{role}@council.example")
        staff.question_emails = "each"
        grant(session, h.holder, staff, role)
    session.commit()
    folder = tmp_path / "mail"
    return World(h.holder, me, rep, h.worker, folder,
                 MailSettings(FileOutbox(folder), "dp <no-reply@example.org>",
                              "https://dp.example.org"))


def _flag(session, holder: Holder, key: str, opened_at: datetime,  # type: ignore[no-untyped-def]
          hidden: bool = False) -> Flag:
    flag = Flag(holder_id=holder.id, code="cash_withdrawal", severity="attention", key=key,
                status="open", raised_on=opened_at.date(), amount_pence=4000,
                evidence="{}", evidence_key=key, words=json.dumps({"title": "Cash"}),
                hidden_from_holder=hidden, opened_at=opened_at)
    session.add(flag)
    session.commit()
    return flag


def _choose(session, user: User, choice: str) -> None:  # type: ignore[no-untyped-def]
    user.question_emails = choice
    session.commit()


def _mails(w: World, to: str | None = None) -> list[email.message.Message]:
    found = [email.message_from_bytes(p.read_bytes()) for p in sorted(w.folder.glob("*.eml"))]
    return [m for m in found if to is None or m["To"] == to]


def test_daily_is_at_most_one_a_day(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    w = _world(session, tmp_path)
    _flag(session, w.holder, "a", MONDAY - timedelta(hours=1))
    assert send_notices(session, w.settings, MONDAY) == 3  # holder, representative, worker
    assert {m["To"] for m in _mails(w)} == {"pat@example.org", "rita@example.org",
                                            w.worker.email}
    _flag(session, w.holder, "b", MONDAY + timedelta(hours=1))
    assert send_notices(session, w.settings, MONDAY + timedelta(hours=2)) == 0  # same day
    assert send_notices(session, w.settings, MONDAY + timedelta(days=1)) == 3
    mine = _mails(w, "pat@example.org")
    assert [m["Subject"] for m in mine] == ["1 new question about your money"] * 2
    assert "at most one email a day" in mine[-1].get_payload()
    assert "https://dp.example.org/account/question-emails" in mine[-1].get_payload()
    assert send_notices(session, w.settings, MONDAY + timedelta(days=2)) == 0  # nothing new


def test_weekly_is_at_most_one_in_seven_days(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    w = _world(session, tmp_path)
    for user in (w.me, w.rep, w.worker):
        _choose(session, user, "weekly")
    _flag(session, w.holder, "a", MONDAY - timedelta(hours=1))
    assert send_notices(session, w.settings, MONDAY) == 3
    _flag(session, w.holder, "b", MONDAY + timedelta(days=1))
    _flag(session, w.holder, "c", MONDAY + timedelta(days=2))
    assert send_notices(session, w.settings, MONDAY + timedelta(days=6, hours=14)) == 0
    assert send_notices(session, w.settings, MONDAY + timedelta(days=7)) == 3
    assert send_notices(session, w.settings, MONDAY + timedelta(days=7, hours=1)) == 0
    last = _mails(w, "pat@example.org")[-1]
    assert last["Subject"] == "2 new questions about your money"  # b and c: since the last
    assert "at most one email a week" in last.get_payload()


def test_each_question_gets_its_own_email_once(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    w = _world(session, tmp_path)
    _choose(session, w.me, "each")
    _choose(session, w.worker, "each")
    _choose(session, w.rep, "none")
    _flag(session, w.holder, "a", MONDAY - timedelta(hours=2))
    _flag(session, w.holder, "b", MONDAY - timedelta(hours=1))
    assert send_notices(session, w.settings, MONDAY) == 4  # two each for Pat and the worker
    mine = _mails(w, "pat@example.org")
    assert [m["Subject"] for m in mine] == ["A new question about your money"] * 2
    body = mine[0].get_payload()
    assert f"https://dp.example.org/holders/{w.holder.id}/questions" in body
    assert "£" not in body and "40" not in body and "Cash" not in body, "nothing about the money"
    theirs = _mails(w, w.worker.email)
    assert theirs[0]["Subject"] == f"A new question about {w.holder.display_name}"
    assert send_notices(session, w.settings, MONDAY) == 0  # run again: nothing twice
    assert send_notices(session, w.settings, MONDAY + timedelta(minutes=5)) == 0
    # another question the same day: "each" is not held to one a day
    _flag(session, w.holder, "c", MONDAY + timedelta(minutes=7))
    assert send_notices(session, w.settings, MONDAY + timedelta(minutes=10)) == 2
    assert len(_mails(w, "pat@example.org")) == 3
    assert _mails(w, "rita@example.org") == [], "no emails: none"
    assert session.scalar(select(func.count()).select_from(FlagTold)) == 6


def test_none_means_no_emails(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    w = _world(session, tmp_path)
    for user in (w.me, w.rep, w.worker):
        _choose(session, user, "none")
    _flag(session, w.holder, "a", MONDAY - timedelta(hours=1))
    assert send_notices(session, w.settings, MONDAY) == 0
    assert send_notices(session, w.settings, MONDAY + timedelta(days=8)) == 0
    assert _mails(w) == [] and session.scalar(select(FlagNotice)) is None


@pytest.mark.parametrize("choice", ["each", "daily", "weekly"])
def test_a_hidden_question_is_never_told_to_the_holders_side(session, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                              choice: str) -> None:
    w = _world(session, tmp_path)
    for user in (w.me, w.rep, w.worker):
        _choose(session, user, choice)
    _flag(session, w.holder, "secret", MONDAY - timedelta(hours=1), hidden=True)
    assert send_notices(session, w.settings, MONDAY) == 1
    assert [m["To"] for m in _mails(w)] == [w.worker.email]
    for days in (1, 7, 8):
        send_notices(session, w.settings, MONDAY + timedelta(days=days))
    assert [m["To"] for m in _mails(w)] == [w.worker.email]


@pytest.mark.parametrize("choice", ["each", "daily", "weekly"])
def test_two_overlapping_runs_send_nothing_twice(session, tmp_path: Path, monkeypatch,  # type: ignore[no-untyped-def]
                                                 choice: str) -> None:
    """Two runs that both worked out who is due before either sent: the second's claims
    fail (the unique row per person and question, and the summary's check inside the
    claim), so it sends nothing."""
    w = _world(session, tmp_path)
    for user in (w.me, w.rep, w.worker):
        _choose(session, user, choice)
    _flag(session, w.holder, "a", MONDAY - timedelta(hours=2))
    _flag(session, w.holder, "b", MONDAY - timedelta(hours=1))
    stale = notices.due(session, MONDAY)
    first = send_notices(session, w.settings, MONDAY)
    assert first == (6 if choice == "each" else 3)
    monkeypatch.setattr(notices, "due", lambda _session, _now: stale)
    assert send_notices(session, w.settings, MONDAY) == 0
    assert len(_mails(w)) == first
    assert session.scalar(select(func.count()).select_from(FlagNotice)) == first


def test_changing_to_each_after_a_summary_tells_only_whats_new(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    w = _world(session, tmp_path)
    _flag(session, w.holder, "a", MONDAY - timedelta(hours=1))
    send_notices(session, w.settings, MONDAY)
    _choose(session, w.me, "each")
    _flag(session, w.holder, "b", MONDAY + timedelta(hours=1))
    assert send_notices(session, w.settings, MONDAY + timedelta(hours=2)) == 1  # b, to Pat
    assert [m["Subject"] for m in _mails(w, "pat@example.org")] == [
        "1 new question about your money", "A new question about your money"]


def test_no_address_is_logged(session, tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    w = _world(session, tmp_path)
    _choose(session, w.me, "each")
    _flag(session, w.holder, "a", MONDAY - timedelta(hours=1))

    class Broken:
        def send(self, mail, sender):  # type: ignore[no-untyped-def]
            raise ConnectionRefusedError(f"cannot reach the server for {mail.to}")

    with caplog.at_level(logging.DEBUG):
        assert send_notices(session, MailSettings(Broken(), "x@example.org", "u"), MONDAY) == 0
        assert session.scalar(select(FlagNotice)) is None, "the claims were taken back"
        assert send_notices(session, w.settings, MONDAY) == 3
        assert send_notices(session, w.settings, MONDAY) == 0
    assert "ConnectionRefusedError" in caplog.text and "3 sent" in caplog.text
    for address in ("pat@example.org", "rita@example.org", w.worker.email, "@"):
        assert address not in caplog.text


def test_the_first_email_for_someone_told_before_these_records(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Someone emailed a summary before the choice existed (a FlagNotice, no FlagTold rows)
    who now asks for each: not told again about what that summary covered."""
    w = _world(session, tmp_path)
    _flag(session, w.holder, "old", MONDAY - timedelta(days=2))
    session.add(FlagNotice(user_id=w.me.id, sent_at=MONDAY - timedelta(days=1), flag_count=1))
    session.commit()
    _choose(session, w.me, "each")
    _flag(session, w.holder, "new", MONDAY - timedelta(hours=1))
    send_notices(session, w.settings, MONDAY)
    assert len(_mails(w, "pat@example.org")) == 1
    assert notices.is_emailed(session, w.me.id)
