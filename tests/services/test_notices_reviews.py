"""Questions the finance officer asks in a review are emailed like new flags: in the same
emails, by the same choices, never twice; only to the holder and a representative (who
answer them), never to a support worker; never one already answered; nothing about the
money, and a link to where the holder answers."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dpsupport.models import ReviewQuestion, ReviewQuestionTold, Transaction
from dpsupport.services import records, reviews
from dpsupport.services.audit import Actor, acting_as
from dpsupport.services.notices import send_notices

from ..support.factories import sign_in
from .test_notices_choices import MONDAY, World, _choose, _flag, _mails
from .test_notices_choices import _world as _choices_world

START, END = date(2026, 4, 6), date(2026, 10, 31)


def _world(session, tmp_path: Path) -> tuple[World, int]:  # type: ignore[no-untyped-def]
    w = _choices_world(session, tmp_path)
    account = records.main_account(session, w.holder)
    tx = Transaction(holder_id=w.holder.id, account_id=account.id, date=date(2026, 5, 3),
                     amount_pence=-4000, payee="Cash machine", description="LINK 14:32 03MAY")
    session.add(tx)
    session.commit()
    with acting_as(Actor(None, "Fran Officer")):
        reviews.start(session, w.holder, START, END)
    return w, tx.id


def _ask(session, w: World, tx_id: int, at: datetime,  # type: ignore[no-untyped-def]
         text: str = "What was the cash for?") -> ReviewQuestion:
    review = reviews.open_review(session, w.holder)
    assert review is not None
    with acting_as(Actor(None, "Fran Officer")):
        asked = reviews.ask(session, w.holder, review.id, text, transaction_id=tx_id)
    asked.asked_at = at
    session.commit()
    return asked


def _told(session) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(ReviewQuestionTold)) or 0


def test_each_a_review_question_is_told_once(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    w, tx_id = _world(session, tmp_path)
    for user in (w.me, w.rep, w.worker):
        _choose(session, user, "each")
    asked = _ask(session, w, tx_id, MONDAY - timedelta(hours=1))
    assert send_notices(session, w.settings, MONDAY) == 2  # Pat and Rita, not the worker
    [mine] = _mails(w, "pat@example.org")
    assert mine["Subject"] == "A new question about your money"
    body = mine.get_payload()
    link = f"https://dp.example.org/holders/{w.holder.id}/reviews/questions/{asked.id}/answer"
    assert link in body, "the link goes to where the holder answers it"
    for secret in ("£", "40", "Cash", "cash", "May"):
        assert secret not in body, "nothing about the money"
    assert len(_mails(w, "rita@example.org")) == 1
    assert _mails(w, w.worker.email) == [], "staff asked it: the support worker is not told"
    assert send_notices(session, w.settings, MONDAY) == 0  # run again: nothing twice
    assert send_notices(session, w.settings, MONDAY + timedelta(days=1)) == 0
    assert _told(session) == 2
    # another question the same day: its own email
    _ask(session, w, tx_id, MONDAY + timedelta(minutes=7), "And this one?")
    assert send_notices(session, w.settings, MONDAY + timedelta(minutes=10)) == 2
    assert len(_mails(w, "pat@example.org")) == 2


def test_the_answer_link_is_the_holders_answer_page(session, client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    w, tx_id = _world(session, tmp_path)
    _choose(session, w.me, "each")
    asked = _ask(session, w, tx_id, MONDAY - timedelta(hours=1))
    send_notices(session, w.settings, MONDAY)
    body = _mails(w, "pat@example.org")[0].get_payload()
    path = body.split("https://dp.example.org", 2)[1].split()[0]
    sign_in(client, w.me)
    page = client.get(path)
    assert page.status_code == 200 and asked.question in page.get_data(as_text=True)


def test_a_daily_summary_counts_flags_and_review_questions_together(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    w, tx_id = _world(session, tmp_path)
    _flag(session, w.holder, "a", MONDAY - timedelta(hours=3))
    _ask(session, w, tx_id, MONDAY - timedelta(hours=2))
    _ask(session, w, tx_id, MONDAY - timedelta(hours=1), "And this one?")
    assert send_notices(session, w.settings, MONDAY) == 3
    [mine] = _mails(w, "pat@example.org")
    assert mine["Subject"] == "3 new questions about your money"
    body = mine.get_payload()
    assert f"https://dp.example.org/holders/{w.holder.id}/questions" in body
    assert f"2 questions from the council's review: https://dp.example.org/holders/" \
           f"{w.holder.id}#review" in body
    assert "£" not in body and "Cash" not in body and "40" not in body
    assert _mails(w, "rita@example.org")[0]["Subject"] == "3 new questions about your money"
    # the support worker's summary counts the flag only
    assert _mails(w, w.worker.email)[0]["Subject"] == "1 new question about people you support"
    # the same day: nothing more; the next day, only what was asked since
    _ask(session, w, tx_id, MONDAY + timedelta(hours=1), "One more?")
    assert send_notices(session, w.settings, MONDAY + timedelta(hours=2)) == 0
    assert send_notices(session, w.settings, MONDAY + timedelta(days=1)) == 2  # Pat, Rita
    assert _mails(w, "pat@example.org")[-1]["Subject"] == "1 new question about your money"
    assert len(_mails(w, w.worker.email)) == 1


@pytest.mark.parametrize("choice", ["each", "daily", "weekly"])
def test_a_representative_is_told_a_support_worker_is_not(session, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                          choice: str) -> None:
    w, tx_id = _world(session, tmp_path)
    for user in (w.me, w.rep, w.worker):
        _choose(session, user, choice)
    _choose(session, w.me, "none")
    _ask(session, w, tx_id, MONDAY - timedelta(hours=1))
    assert send_notices(session, w.settings, MONDAY) == 1
    assert [m["To"] for m in _mails(w)] == ["rita@example.org"]
    for days in (1, 7, 8):
        send_notices(session, w.settings, MONDAY + timedelta(days=days))
    assert [m["To"] for m in _mails(w)] == ["rita@example.org"]


@pytest.mark.parametrize("choice", ["each", "daily", "weekly"])
def test_an_answered_question_is_not_told(session, tmp_path: Path, choice: str) -> None:  # type: ignore[no-untyped-def]
    w, tx_id = _world(session, tmp_path)
    for user in (w.me, w.rep, w.worker):
        _choose(session, user, choice)
    asked = _ask(session, w, tx_id, MONDAY - timedelta(hours=2))
    with acting_as(Actor(w.me.id, w.me.name)):
        reviews.answer(session, w.holder, asked.id, "Petrol for the PA's car")
    assert send_notices(session, w.settings, MONDAY) == 0
    assert _mails(w) == [] and _told(session) == 0


def test_a_question_in_a_signed_off_review_is_not_told(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    w, tx_id = _world(session, tmp_path)
    _choose(session, w.me, "each")
    asked = _ask(session, w, tx_id, MONDAY - timedelta(hours=2))
    asked.review.status = "signed_off"  # as the officer signs it off (answered or not)
    session.commit()
    assert send_notices(session, w.settings, MONDAY) == 0


def test_changing_to_each_after_a_summary_tells_only_whats_new(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Changing from a summary to "each": a question the summary told is not told again."""
    w, tx_id = _world(session, tmp_path)
    _ask(session, w, tx_id, MONDAY - timedelta(hours=1))
    assert send_notices(session, w.settings, MONDAY) == 2
    _choose(session, w.me, "each")
    assert send_notices(session, w.settings, MONDAY + timedelta(minutes=5)) == 0
    _ask(session, w, tx_id, MONDAY + timedelta(minutes=6), "And this?")
    assert send_notices(session, w.settings, MONDAY + timedelta(minutes=10)) == 1
    assert [m["Subject"] for m in _mails(w, "pat@example.org")] == [
        "1 new question about your money", "A new question about your money"]
