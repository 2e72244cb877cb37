"""The finance officer's review: each step all or nothing, checked, audited; when reviews
are due; the audit pack and monitoring return built from the records."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from dpsupport.errors import UserError
from dpsupport.models import AuditEvent, HolderSummary, Transaction
from dpsupport.services import caseload, flags, records, reviews
from dpsupport.services.audit import Actor, acting_as
from tests.support.factories import create_holder, create_org, create_user, grant

TODAY = dt.date(2026, 11, 27)
START, END = dt.date(2026, 4, 6), dt.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reviews, "today", lambda: TODAY)
    monkeypatch.setattr(caseload, "today", lambda: TODAY)


def _world(session):  # type: ignore[no-untyped-def]
    org = create_org(session)
    officer = create_user(session, org, "finance_officer", name="Fran Officer")
    holder = create_holder(session, org, "Pat Jones", start=START)
    grant(session, holder, officer, "finance_officer")
    account = records.main_account(session, holder)
    odd = Transaction(holder_id=holder.id, account_id=account.id, date=dt.date(2026, 5, 1),
                      amount_pence=-1234, payee='=HYPERLINK("http://evil.example","x")',
                      category="other")
    session.add(odd)
    session.commit()
    return org, officer, holder, odd


def _cash(session, holder) -> None:  # type: ignore[no-untyped-def]
    """£40 in cash on 3 May: a question (flag) kept for the holder."""
    account = records.main_account(session, holder)
    session.add(Transaction(holder_id=holder.id, account_id=account.id, date=dt.date(2026, 5, 3),
                            amount_pence=-4000, payee="Cash machine",
                            description="LINK 14:32 03MAY"))
    session.flush()
    flags.refresh(session, holder, dt.date(2026, 11, 27))
    session.commit()


def _audits(session, table: str) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.entity == table)) or 0


def test_the_whole_review_in_order_each_step_audited(session) -> None:  # type: ignore[no-untyped-def]
    _org, officer, holder, odd = _world(session)
    me = Actor(officer.id, officer.name)
    with acting_as(me):
        review = reviews.start(session, holder, START, END)
        assert review.status == "open" and review.started_by_id == officer.id
        with pytest.raises(UserError, match="already under way"):
            reviews.start(session, holder, START, END)
        asked = reviews.ask(session, holder, review.id, "What was this for?",
                            transaction_id=odd.id)
    assert session.get(reviews.Review, review.id).status == "questions_asked"
    with acting_as(Actor(None, "Pat Jones")):
        reviews.answer(session, holder, asked.id, "A kettle for the PA's breaks")
    with acting_as(me):
        with pytest.raises(UserError, match="Record a decision"):
            reviews.sign_off(session, holder, review.id)
        reviews.decide(session, holder, review.id, reviews.Decision(
            "recover", "Paid for a personal item", 1000, 234))
        reviews.sign_off(session, holder, review.id)
        with pytest.raises(UserError, match="signed off"):
            reviews.decide(session, holder, review.id, reviews.Decision("no_action", ""))
    with acting_as(Actor(None, "Pat Jones")), pytest.raises(UserError, match="signed off"):
        reviews.answer(session, holder, asked.id, "Changed my mind")
    session.expire_all()
    done = session.get(reviews.Review, review.id)
    assert done.status == "signed_off" and done.decision == "recover"
    assert (done.recover_council_pence, done.recover_contribution_pence) == (1000, 234)
    assert done.questions[0].answer == "A kettle for the PA's breaks"
    # started, asked (and status), decided, signed off: every change is in the trail
    assert _audits(session, "review") >= 4
    assert _audits(session, "review_question") >= 2
    # a new review may start once the last is signed off
    with acting_as(me):
        assert reviews.start(session, holder, START, END).status == "open"


def test_a_refused_step_changes_nothing(session) -> None:  # type: ignore[no-untyped-def]
    _org, officer, holder, odd = _world(session)
    with acting_as(Actor(officer.id, officer.name)):
        review = reviews.start(session, holder, START, END)
        before = _audits(session, "review")
        for bad, message in [
            (reviews.Decision("recover", "", 0, 0), "how much"),
            (reviews.Decision("escalate", "", escalate_to="  "), "who you passed"),
            (reviews.Decision("advice", ""), "advice you gave"),
            (reviews.Decision("shrug", ""), "what you decided"),
        ]:
            with pytest.raises(UserError, match=message):
                reviews.decide(session, holder, review.id, bad)
        with pytest.raises(UserError, match="payment from the review's period"):
            reviews.ask(session, holder, review.id, "Why?", transaction_id=odd.id + 999)
        with pytest.raises(UserError, match="flag raised"):
            reviews.ask(session, holder, review.id, "Why?", flag_code="made_up")
        with pytest.raises(UserError, match="Enter your question"):
            reviews.ask(session, holder, review.id, "   ", transaction_id=odd.id)
    session.expire_all()
    same = session.get(reviews.Review, review.id)
    assert same.status == "open" and same.decision is None and not same.questions
    assert _audits(session, "review") == before


def test_another_holders_review_or_question_is_refused(session) -> None:  # type: ignore[no-untyped-def]
    org, officer, holder, odd = _world(session)
    other = create_holder(session, org, "Someone Else")
    session.commit()
    with acting_as(Actor(officer.id, officer.name)):
        review = reviews.start(session, holder, START, END)
        asked = reviews.ask(session, holder, review.id, "Why?", transaction_id=odd.id)
        with pytest.raises(UserError):
            reviews.decide(session, other, review.id, reviews.Decision("no_action", ""))
        with pytest.raises(UserError):
            reviews.answer(session, other, asked.id, "Not mine")
    assert reviews.review(session, other, review.id) is None


def test_gathered_figures_say_where_they_came_from(session) -> None:  # type: ignore[no-untyped-def]
    _org, _officer, holder, _odd = _world(session)
    known = reviews.gather(session, holder, START, END)
    labels = {f.label: f for f in known.facts}
    assert labels["Balance today"].pence == 100000 - 45000 - 1234
    assert all(f.note for f in known.facts)
    assert len(known.payments) == 3
    # no statement was imported: the whole period up to today is a gap
    assert known.gaps == [(START, TODAY)] and not known.nothing_to_ask
    assert "Missing for 6 April 2026 to 27 November 2026" in labels["Bank statements"].text


@pytest.mark.parametrize(("first", "signed", "expected"), [
    (dt.date(2026, 10, 1), [], dt.date(2026, 10, 1)),
    # done a month early, it counts for the first review: the next is a year on
    (dt.date(2026, 10, 1), [dt.date(2026, 9, 1)], dt.date(2027, 10, 1)),
    (dt.date(2026, 10, 1), [dt.date(2026, 12, 20)], dt.date(2027, 10, 1)),
    # two months before the second date counts for the second
    (dt.date(2026, 10, 1), [dt.date(2026, 10, 2), dt.date(2027, 8, 1)], dt.date(2028, 10, 1)),
])
def test_next_review_due(first, signed, expected) -> None:  # type: ignore[no-untyped-def]
    assert reviews.next_due(first, 12, signed) == expected


def test_reviews_due_and_the_monitoring_return(session) -> None:  # type: ignore[no-untyped-def]
    org, officer, holder, _odd = _world(session)
    later = create_holder(session, org, "Zed Later", start=dt.date(2026, 11, 1))
    grant(session, later, officer, "finance_officer")
    session.commit()
    caseload.refresh_all(session, on=TODAY)
    due = reviews.reviews_due(session, officer)
    # Pat's first review (1 April 2026) is overdue; Zed's (1 November 2026) is too
    assert [(r.name, r.due, r.overdue) for r in due] == [
        ("Pat Jones", dt.date(2026, 4, 1), True), ("Zed Later", dt.date(2026, 11, 1), True)]
    # a page at a time: one a page here, and a page past the last shows the last
    first = reviews.reviews_due_page(session, officer, 1, per_page=1)
    last = reviews.reviews_due_page(session, officer, 9, per_page=1)
    assert (first.total, first.pages, first.overdue) == (2, 2, 2)
    assert [r.name for r in first.rows] == ["Pat Jones"]
    assert (last.page, [r.name for r in last.rows]) == (2, ["Zed Later"])
    rows = reviews.monitoring_return(session, officer)
    assert [r.name for r in rows] == ["Pat Jones", "Zed Later"]
    summary = session.get(HolderSummary, holder.id)
    assert rows[0].balance_pence == summary.balance_pence == 53766
    assert rows[0].review_status == "No review yet"
    # someone who reviews nobody gets an empty return
    nobody = create_user(session, org, "support_worker")
    assert reviews.monitoring_return(session, nobody) == []


def test_an_answer_with_a_file_that_is_not_a_receipt_saves_nothing(session) -> None:  # type: ignore[no-untyped-def]
    _org, officer, holder, odd = _world(session)
    _cash(session, holder)
    with acting_as(Actor(officer.id, officer.name)):
        review = reviews.start(session, holder, START, END)
        asked = reviews.ask(session, holder, review.id, "What was this?", transaction_id=odd.id)
        flagged = reviews.ask(session, holder, review.id, "Why?", flag_code="cash_withdrawal")
    assert asked.about == "£12.34 to " + odd.payee + " on 1 May 2026"
    assert flagged.about.startswith("£40.00 cash taken out")
    with acting_as(Actor(None, "Pat Jones")):
        with pytest.raises(UserError, match="must be a"):
            reviews.answer(session, holder, asked.id, "It was a kettle",
                           ("kettle.exe", b"MZ not a picture"))
        with pytest.raises(UserError, match="not about a payment"):
            reviews.answer(session, holder, flagged.id, "It came late", ("r.png", b"x"))
    session.expire_all()
    assert session.get(reviews.ReviewQuestion, asked.id).answer is None
    assert session.get(reviews.ReviewQuestion, flagged.id).answer is None


def test_a_payment_asked_about_can_still_be_removed_and_the_question_keeps_its_words(session) -> None:  # type: ignore[no-untyped-def]
    _org, officer, holder, odd = _world(session)
    with acting_as(Actor(officer.id, officer.name)):
        review = reviews.start(session, holder, START, END)
        asked = reviews.ask(session, holder, review.id, "What was this?", transaction_id=odd.id)
        records.delete_transaction(session, odd)
    session.expire_all()
    kept = session.get(reviews.ReviewQuestion, asked.id)
    assert kept.transaction_id is None and kept.about.startswith("£12.34 to ")
