"""The finance officer's light-touch review of a holder (docs/reviews.md).

A review covers one holder and one period. Starting one asks nothing of the holder: the app
gathers what it already knows (``gather``): the balance, the plan against what was spent,
the flags with the holder's answers, which days bank statements cover and the gaps, the
money above what the council lets the holder keep after what they owe, and the receipts.
Most reviews then end with "no action needed". Only when a line needs explaining does the
officer ask the holder (``ask``); the holder or their representative answers on their money
page (``answer``), in words and with a receipt. The officer records a decision (``decide``)
and signs the review off (``sign_off``). Each step is one transaction, refused as a whole
when it cannot be done, and every change is in the audit trail, which the holder can read.

The order of the steps (``Review.status``)::

    open -> questions_asked -> decided -> signed_off
      \\__________________________/^

Questions may be asked until the review is signed off; a decision may be changed until
then; nothing changes after sign-off. One holder has one review at a time that is not
signed off.

When reviews are due (``next_due``): the funding agreement's first review date (usually
within six months of its start), then every ``review_interval_months`` (usually 12). A
signed-off review counts for the scheduled date nearest the day it was signed off, so a
review done a little early or late is not asked for twice.

Speed: the audit pack of one holder is the money picture (a handful of statements, see
services/money.py) and one statement each for the period's payments, receipts, statement
imports and the review's questions; the monitoring return is four statements however many
holders there are.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from .. import budget, exports
from ..errors import UserError
from ..flags import ranking
from ..limits import MAX_AMOUNT_PENCE
from ..models import (
    Account,
    Attachment,
    Flag,
    FlagAnswer,
    FundingAgreement,
    Holder,
    HolderAccess,
    HolderSummary,
    Membership,
    StatementImport,
    Transaction,
    User,
)
from ..models.base import utcnow
from ..models.funding import ALL_CATEGORIES, SCHEMES
from ..models.review import DECISIONS, STATUSES, Review, ReviewQuestion
from ..text import format_pence, long_date, plural
from . import money, records
from .audit import current_actor
from .uow import transactional

__all__ = ["DECISIONS", "STATUSES", "Review", "ReviewQuestion"]

MAX_WORDS = 2000  # characters in a question, an answer or a decision's notes
DUE_SOON_DAYS = 60  # the reviews-due list shows reviews due within this many days


def today() -> dt.date:
    return dt.date.today()


# --- what is known: the gathered figures ----------------------------------------------------

@dataclass(frozen=True)
class Fact:
    """One gathered figure: its words, its value in pence (if money), where it came from
    (``note``) and how it was worked out (``workings``, as the money page shows them)."""

    label: str
    text: str
    pence: int | None
    note: str
    workings: tuple[budget.Step, ...] = ()


@dataclass(frozen=True)
class FlagRow:
    """A flag in plain values (see ``_flags_for``)."""

    code: str
    severity: str
    title: str
    status: str
    answer: str | None
    raised_on: dt.date | None
    resolved_on: dt.date | None


@dataclass(frozen=True)
class PaymentRow:
    id: int
    date: dt.date
    amount_pence: int
    payee: str
    description: str
    category: str | None
    receipts: int


@dataclass(frozen=True)
class ReceiptRow:
    transaction_id: int
    date: dt.date
    payee: str
    amount_pence: int
    filename: str
    uploaded_at: dt.datetime | None


@dataclass(frozen=True)
class Gathered:
    holder: Holder
    start: dt.date
    end: dt.date
    facts: list[Fact]
    flags: list[FlagRow]
    payments: list[PaymentRow]
    receipts: list[ReceiptRow]
    covered: list[tuple[dt.date, dt.date]]
    gaps: list[tuple[dt.date, dt.date]]
    problem: str | None = None
    money_in_pence: int = 0
    money_out_pence: int = 0
    attention: list[str] = field(default_factory=list)

    @property
    def nothing_to_ask(self) -> bool:
        return not self.flags and not self.gaps


def _flags_for(session: Session, holder: Holder, start: dt.date, end: dt.date,
               info: money.HolderMoney | None = None) -> list[FlagRow]:
    """The holder's questions (stored flags, services/flags.py) that bear on the review's
    period: raised by its end, and not resolved before it started; each in staff's words,
    with the holder's latest answer. Hidden ones are included: the review is for staff."""
    del info
    rows = list(session.scalars(
        select(Flag).where(Flag.holder_id == holder.id, Flag.raised_on <= end)
        .order_by(Flag.raised_on, Flag.id)))
    answers: dict[int, str] = {}
    if rows:
        for flag_id, text in session.execute(
                select(FlagAnswer.flag_id, FlagAnswer.text)
                .where(FlagAnswer.flag_id.in_([r.id for r in rows]))
                .order_by(FlagAnswer.created_at, FlagAnswer.id)):
            answers[flag_id] = text
    found = []
    for row in rows:
        resolved = row.resolved_at.date() if row.resolved_at is not None else None
        if row.status == "resolved" and resolved is not None and resolved < start:
            continue
        words = json.loads(row.words).get("staff", {})
        found.append(FlagRow(code=row.code, severity=row.severity,
                             title=words.get("title") or row.code, status=row.status,
                             answer=answers.get(row.id), raised_on=row.raised_on,
                             resolved_on=resolved))
    return found


def _payments(session: Session, holder: Holder, start: dt.date,
              end: dt.date) -> list[PaymentRow]:
    receipts = (select(func.count(Attachment.id)).where(Attachment.transaction_id == Transaction.id)
                .correlate(Transaction).scalar_subquery())
    rows = session.execute(
        select(Transaction.id, Transaction.date, Transaction.amount_pence, Transaction.payee,
               Transaction.description, Transaction.category, receipts)
        .where(Transaction.holder_id == holder.id, Transaction.date >= start,
               Transaction.date <= end)
        .order_by(Transaction.date, Transaction.id))
    return [PaymentRow(i, d, a, p or "", desc or "", c, int(n or 0))
            for i, d, a, p, desc, c, n in rows]


def _receipts(session: Session, holder: Holder, start: dt.date,
              end: dt.date) -> list[ReceiptRow]:
    rows = session.execute(
        select(Transaction.id, Transaction.date, Transaction.payee, Transaction.description,
               Transaction.amount_pence, Attachment.filename, Attachment.uploaded_at)
        .join(Attachment, Attachment.transaction_id == Transaction.id)
        .where(Transaction.holder_id == holder.id, Attachment.holder_id == holder.id,
               Transaction.date >= start, Transaction.date <= end)
        .order_by(Transaction.date, Attachment.id))
    return [ReceiptRow(i, d, p or desc or "", a, f, u) for i, d, p, desc, a, f, u in rows]


def _statement_cover(session: Session, holder: Holder, start: dt.date, end: dt.date,
                     on: dt.date) -> tuple[list[tuple[dt.date, dt.date]],
                                           list[tuple[dt.date, dt.date]]]:
    """The days of the period bank statements cover (imports not undone), and the gaps up
    to ``on`` (a day not yet reached cannot be missing)."""
    spans = sorted(session.execute(
        select(StatementImport.statement_start, StatementImport.statement_end)
        .join(Account, Account.id == StatementImport.account_id)
        .where(Account.holder_id == holder.id, StatementImport.status == "imported",
               StatementImport.statement_start.is_not(None),
               StatementImport.statement_end.is_not(None),
               StatementImport.statement_start <= end,
               StatementImport.statement_end >= start)).tuples())
    covered: list[tuple[dt.date, dt.date]] = []
    for first, last in spans:
        assert first is not None and last is not None
        first, last = max(first, start), min(last, end)
        if covered and first <= covered[-1][1] + dt.timedelta(days=1):
            covered[-1] = (covered[-1][0], max(covered[-1][1], last))
        else:
            covered.append((first, last))
    gaps: list[tuple[dt.date, dt.date]] = []
    cursor, stop = start, min(end, on)
    for first, last in covered:
        if first > cursor and cursor <= stop:
            gaps.append((cursor, min(first - dt.timedelta(days=1), stop)))
        cursor = max(cursor, last + dt.timedelta(days=1))
    if cursor <= stop:
        gaps.append((cursor, stop))
    return covered, gaps


def _span_words(spans: Sequence[tuple[dt.date, dt.date]]) -> str:
    return "; ".join(f"{long_date(a)} to {long_date(b)}" for a, b in spans)


def gather(session: Session, holder: Holder, start: dt.date, end: dt.date,
           on: dt.date | None = None) -> Gathered:
    """What is already known about the holder's money for the period, each figure with
    where it came from."""
    on = on or today()
    info = money.holder_money(session, holder, on)
    payments = _payments(session, holder, start, end)
    receipts = _receipts(session, holder, start, end)
    covered, gaps = _statement_cover(session, holder, start, end, on)
    flags = _flags_for(session, holder, start, end, info)
    money_in = sum(p.amount_pence for p in payments if p.amount_pence > 0)
    money_out = -sum(p.amount_pence for p in payments if p.amount_pence < 0)
    period = f"{long_date(start)} to {long_date(end)}"
    facts: list[Fact] = []
    pic = info.picture
    if pic is not None:
        balance = pic.balance_today
        facts.append(Fact("Balance today", balance.text,
                          balance.value if isinstance(balance.value, int) else None,
                          "From every payment recorded in the account, as on the money page.",
                          balance.workings))
        surplus = pic.surplus
        facts.append(Fact("Money above what the council lets them keep, after what they owe",
                          surplus.text, surplus.value if isinstance(surplus.value, int) else None,
                          "The money page's surplus: the balance less money owed as an "
                          "employer, the contingency and the weeks of payments they may hold.",
                          surplus.workings))
    reports = [r for r in money.budget_reports(info)
               if r.period.start <= end and r.period.end >= start]
    if reports:
        planned = sum(r.planned_pence for r in reports)
        spent = sum(r.actual_pence for r in reports)
        steps = tuple(budget.Step(f"{long_date(r.period.start)} to {long_date(r.period.end)}",
                                  f"planned {format_pence(r.planned_pence)}, spent "
                                  f"{format_pence(r.actual_pence)}") for r in reports)
        facts.append(Fact("Planned and spent", f"{format_pence(spent)} spent of "
                          f"{format_pence(planned)} planned", spent,
                          "The support plan against payments sorted to it, for each payment "
                          "period of this agreement year that falls in the review's period "
                          "(the budget page).", steps))
    facts.append(Fact("Money in and out in the period",
                      f"{format_pence(money_in)} in, {format_pence(money_out)} out",
                      None, f"Every payment recorded from {period}: "
                      f"{plural(len(payments), 'payment')}.",
                      (budget.Step("Money in", money_in), budget.Step("Money out", money_out))))
    facts.append(Fact("Bank statements", "Cover the whole period" if not gaps else
                      f"Missing for {_span_words(gaps)}", None,
                      "The statements imported for the holder's accounts (undone imports are "
                      "not counted); days after today cannot be missing.",
                      tuple(budget.Step("Covered", f"{long_date(a)} to {long_date(b)}")
                            for a, b in covered)))
    facts.append(Fact("Receipts", plural(len(receipts), "receipt"), None,
                      f"Receipts and invoices attached to payments from {period}."))
    return Gathered(holder, start, end, facts, flags, payments, receipts, covered, gaps,
                    info.problem, money_in, money_out)


# --- the review and its steps ---------------------------------------------------------------

# A review's questions and the names on them, read in one statement each (not one a row).
_WITH_QUESTIONS = (selectinload(Review.questions).selectinload(ReviewQuestion.asked_by),
                   selectinload(Review.questions).selectinload(ReviewQuestion.answered_by))


def reviews_for(session: Session, holder: Holder) -> list[Review]:
    return list(session.scalars(
        select(Review).where(Review.holder_id == holder.id)
        .options(*_WITH_QUESTIONS)
        .order_by(Review.started_at.desc(), Review.id.desc())))


def review(session: Session, holder: Holder, review_id: int) -> Review | None:
    """The holder's review (None for another holder's: the page is then "not found")."""
    return session.scalar(select(Review).where(Review.id == review_id,
                                               Review.holder_id == holder.id)
                          .options(*_WITH_QUESTIONS))


def open_review(session: Session, holder: Holder) -> Review | None:
    return session.scalar(select(Review).where(Review.holder_id == holder.id,
                                               Review.status != "signed_off")
                          .order_by(Review.id.desc()).limit(1))


def _review(session: Session, holder: Holder, review_id: int) -> Review:
    found = review(session, holder, review_id)
    if found is None:
        raise UserError("That review is not one of this person's")
    return found


def _not_signed_off(found: Review) -> None:
    if found.status == "signed_off":
        raise UserError("This review has been signed off, so it cannot be changed",
                        next_step="Start a new review if something needs looking at again")


def _words(text: str, what: str, field_name: str) -> str:
    text = text.strip()
    if not text:
        raise UserError(f"Enter {what}", field=field_name)
    if len(text) > MAX_WORDS:
        raise UserError(f"{what[0].upper()}{what[1:]} must be {MAX_WORDS} characters or fewer",
                        field=field_name)
    return text


@transactional
def start(session: Session, holder: Holder, period_start: dt.date,
          period_end: dt.date) -> Review:
    """Start a review of ``holder`` for the period (one open review at a time)."""
    if period_end < period_start:
        raise UserError("The end of the period must be the same as or after its start",
                        field="period_end")
    if period_start > today():
        raise UserError("The period must start today or earlier", field="period_start")
    if open_review(session, holder) is not None:
        raise UserError("A review of this person is already under way",
                        next_step="Finish it and sign it off before starting another")
    found = Review(holder_id=holder.id, period_start=period_start, period_end=period_end,
                   status="open", started_by_id=current_actor().user_id)
    session.add(found)
    session.flush()
    return found


@transactional
def ask(session: Session, holder: Holder, review_id: int, question: str, *,
        transaction_id: int | None = None, flag_code: str | None = None,
        flag_number: int = 1) -> ReviewQuestion:
    """Ask the holder about a payment in the review's period, or about a flag (the
    ``flag_number``-th flag with that code, counting from 1)."""
    found = _review(session, holder, review_id)
    _not_signed_off(found)
    text = _words(question, "your question", "question")
    if (transaction_id is None) == (flag_code is None):
        raise UserError("Select the payment or the flag you are asking about", field="about")
    if transaction_id is not None:
        tx = session.scalar(select(Transaction).where(Transaction.id == transaction_id,
                                                      Transaction.holder_id == holder.id))
        if tx is None or not found.period_start <= tx.date <= found.period_end:
            raise UserError("Select a payment from the review's period", field="about")
        about = payment_words(tx.date, tx.amount_pence, tx.payee or tx.description or "")
    else:
        same = [f for f in _flags_for(session, holder, found.period_start, found.period_end)
                if f.code == flag_code]
        if not 1 <= flag_number <= len(same):
            raise UserError("Select a flag raised for this person", field="about")
        about = same[flag_number - 1].title
    asked = ReviewQuestion(review=found, holder_id=holder.id, transaction_id=transaction_id,
                           flag_code=flag_code, about=about, question=text,
                           asked_by_id=current_actor().user_id)
    session.add(asked)
    if found.status == "open":
        found.status = "questions_asked"
    session.flush()
    return asked


def payment_words(day: dt.date, pence: int, payee: str) -> str:
    """'£12.34 to Tesco on 1 May 2026' (or 'from', for money in)."""
    way = "from" if pence > 0 else "to"
    return f"{format_pence(abs(pence))} {way} {payee or 'someone not named'} on {long_date(day)}"


def question(session: Session, holder: Holder, question_id: int) -> ReviewQuestion | None:
    return session.scalar(select(ReviewQuestion).where(ReviewQuestion.id == question_id,
                                                       ReviewQuestion.holder_id == holder.id))


@transactional
def answer(session: Session, holder: Holder, question_id: int, text: str,
           receipt: tuple[str, bytes] | None = None) -> ReviewQuestion:
    """The holder's (or their representative's) answer, in words, with a receipt if the
    question is about a payment. An answer may be changed until the review is signed off."""
    asked = question(session, holder, question_id)
    if asked is None:
        raise UserError("That question is not one of this person's")
    _not_signed_off(asked.review)
    asked.answer = _words(text, "your answer", "answer")
    if receipt is not None:
        if asked.transaction_id is None:
            raise UserError("This question is not about a payment, so a receipt cannot be "
                            "added to it", next_step="Say what you need to in your answer",
                            field="file")
        tx = session.get(Transaction, asked.transaction_id)
        assert tx is not None and tx.holder_id == holder.id
        attached = records.add_attachment(session, holder, tx, receipt[0], receipt[1])
        session.flush()
        asked.attachment_id = attached.id
    asked.answered_by_id = current_actor().user_id
    asked.answered_at = utcnow()
    session.flush()
    return asked


@dataclass(frozen=True)
class Decision:
    decision: str
    notes: str
    recover_council_pence: int | None = None
    recover_contribution_pence: int | None = None
    escalate_to: str = ""


@transactional
def decide(session: Session, holder: Holder, review_id: int, choice: Decision) -> Review:
    """Record (or change) the decision; refused once the review is signed off."""
    found = _review(session, holder, review_id)
    _not_signed_off(found)
    if choice.decision not in DECISIONS:
        raise UserError("Select what you decided", field="decision")
    notes = choice.notes.strip()
    if len(notes) > MAX_WORDS:
        raise UserError(f"Notes must be {MAX_WORDS} characters or fewer", field="notes")
    if choice.decision == "advice" and not notes:
        raise UserError("Enter the advice you gave", field="notes")
    council = contribution = None
    escalate_to = None
    if choice.decision == "recover":
        council = choice.recover_council_pence or 0
        contribution = choice.recover_contribution_pence or 0
        if council < 0 or contribution < 0:
            raise UserError("Enter amounts of £0 or more to recover", field="recover_council")
        if council + contribution == 0:
            raise UserError("Enter how much is to be paid back", field="recover_council")
        if council + contribution > MAX_AMOUNT_PENCE:
            raise UserError("Enter a smaller amount to recover", field="recover_council")
    if choice.decision == "escalate":
        escalate_to = choice.escalate_to.strip()[:200]
        if not escalate_to:
            raise UserError("Enter who you passed this to", field="escalate_to")
    found.decision = choice.decision
    found.decision_notes = notes or None
    found.recover_council_pence = council
    found.recover_contribution_pence = contribution
    found.escalate_to = escalate_to
    found.decided_by_id = current_actor().user_id
    found.decided_at = utcnow()
    found.status = "decided"
    session.flush()
    return found


@transactional
def sign_off(session: Session, holder: Holder, review_id: int) -> Review:
    """Sign the review off: final. Refused without a decision."""
    found = _review(session, holder, review_id)
    _not_signed_off(found)
    if found.status != "decided" or found.decision is None:
        raise UserError("Record a decision before signing the review off")
    found.status = "signed_off"
    found.signed_off_by_id = current_actor().user_id
    found.signed_off_at = utcnow()
    session.flush()
    return found


# --- when reviews are due -------------------------------------------------------------------

def scheduled(first: dt.date, interval_months: int, n: int) -> dt.date:
    """The n-th scheduled review date (n = 0 is the first)."""
    return ranking._add_months(first, max(1, interval_months) * n)


def next_due(first: dt.date, interval_months: int, signed_off: Iterable[dt.date]) -> dt.date:
    """The next review date: the first scheduled date after those the signed-off reviews
    count for (each counts for the scheduled date nearest the day it was signed off)."""
    done = -1
    for day in signed_off:
        n = 0
        while scheduled(first, interval_months, n + 1) <= day:
            n += 1
        before, after = scheduled(first, interval_months, n), scheduled(first, interval_months,
                                                                         n + 1)
        if day > before and (after - day) < (day - before):
            n += 1
        done = max(done, n)
    return scheduled(first, interval_months, done + 1)


@dataclass(frozen=True)
class DueRow:
    holder_id: int
    name: str
    due: dt.date
    open_review_id: int | None
    open_status: str | None
    last_signed_off: dt.date | None

    @property
    def overdue(self) -> bool:
        return self.due < today()


def _funded_ids(user: User) -> Select[tuple[int]]:
    """Holders this person reviews: a finance officer's grants, an admin's organisations."""
    granted = select(HolderAccess.holder_id).where(HolderAccess.user_id == user.id,
                                                   HolderAccess.role == "finance_officer")
    administered = select(Membership.organisation_id).where(
        Membership.user_id == user.id, Membership.role == "org_admin")
    return select(Holder.id).where(or_(Holder.id.in_(granted),
                                       Holder.organisation_id.in_(administered)))


def _agreements(session: Session, ids: Select[tuple[int]]) -> dict[int, FundingAgreement]:
    """Each holder's current agreement (the latest started), in one statement."""
    found: dict[int, FundingAgreement] = {}
    for agreement in session.scalars(
            select(FundingAgreement).where(FundingAgreement.holder_id.in_(ids))
            .order_by(FundingAgreement.start_date, FundingAgreement.id)):
        found[agreement.holder_id] = agreement
    return found


def _reviews_by_holder(session: Session, ids: Select[tuple[int]]) -> dict[int, list[Review]]:
    found: dict[int, list[Review]] = defaultdict(list)
    for row in session.scalars(select(Review).where(Review.holder_id.in_(ids))
                               .order_by(Review.id)):
        found[row.holder_id].append(row)
    return found


def due_date(agreement: FundingAgreement, holder_reviews: Sequence[Review]) -> dt.date:
    return next_due(agreement.first_review_date, agreement.review_interval_months,
                    [r.signed_off_at.date() for r in holder_reviews if r.signed_off_at])


def reviews_due(session: Session, user: User, on: dt.date | None = None,
                within_days: int = DUE_SOON_DAYS) -> list[DueRow]:
    """Reviews due within ``within_days`` (or overdue), and reviews under way, for the
    holders this person reviews, soonest first."""
    on = on or today()
    ids = _funded_ids(user)
    names = dict(session.execute(select(Holder.id, Holder.name).where(Holder.id.in_(ids)))
                 .tuples().all())
    agreements = _agreements(session, ids)
    by_holder = _reviews_by_holder(session, ids)
    rows = []
    for holder_id, name in names.items():
        agreement = agreements.get(holder_id)
        if agreement is None:
            continue
        mine = by_holder.get(holder_id, [])
        due = due_date(agreement, mine)
        current = next((r for r in reversed(mine) if r.status != "signed_off"), None)
        signed = [r.signed_off_at.date() for r in mine if r.signed_off_at]
        if current is None and (due - on).days > within_days:
            continue
        rows.append(DueRow(holder_id, name, due, current.id if current else None,
                           current.status_words if current else None,
                           max(signed) if signed else None))
    rows.sort(key=lambda r: (r.due, r.name, r.holder_id))
    return rows


DUE_PER_PAGE = 50


@dataclass(frozen=True)
class DuePage:
    """One page of the reviews due: its rows, and how many there are in all."""

    rows: list[DueRow]
    page: int
    pages: int
    total: int
    overdue: int


def reviews_due_page(session: Session, user: User, page: int = 1,
                     per_page: int = DUE_PER_PAGE) -> DuePage:
    """``reviews_due``, a page at a time (a council may review thousands of people); a page
    past the last shows the last."""
    rows = reviews_due(session, user)
    pages = max(1, -(-len(rows) // per_page))
    page = min(max(page, 1), pages)
    start = (page - 1) * per_page
    return DuePage(rows[start:start + per_page], page, pages, len(rows),
                   sum(1 for r in rows if r.overdue))


@dataclass(frozen=True)
class HolderReviews:
    """What the holder sees on their money page: the next review, and questions asked."""

    due: dt.date | None
    current: Review | None
    questions: list[ReviewQuestion]

    @property
    def unanswered(self) -> int:
        return sum(1 for q in self.questions if q.answer is None)


def for_holder(session: Session, holder: Holder) -> HolderReviews:
    agreement = records.current_agreement(session, holder)
    mine = list(session.scalars(select(Review).where(Review.holder_id == holder.id)
                                .order_by(Review.id)))
    due = due_date(agreement, mine) if agreement is not None else None
    current = next((r for r in reversed(mine) if r.status != "signed_off"), None)
    questions = list(current.questions) if current is not None else []
    return HolderReviews(due, current, questions)


# --- the monitoring return ------------------------------------------------------------------

@dataclass(frozen=True)
class ReturnRow:
    holder_id: int
    name: str
    funder: str | None
    scheme: str | None
    as_of: dt.date | None
    balance_pence: int | None
    surplus_pence: int | None
    weeks_held: str | None
    last_payment_date: dt.date | None
    unsorted_count: int
    flags: int
    review_due: dt.date | None
    review_status: str
    decision: str
    recover_council_pence: int | None
    recover_contribution_pence: int | None
    questions_open: int


def monitoring_return(session: Session, user: User) -> list[ReturnRow]:
    """One row per holder this person reviews, from the caseload's kept figures
    (services/caseload.py: worked out whenever records change, and every night)."""
    ids = _funded_ids(user)
    rows = session.execute(select(Holder.id, Holder.name, HolderSummary)
                           .outerjoin(HolderSummary, HolderSummary.holder_id == Holder.id)
                           .where(Holder.id.in_(ids))
                           .order_by(Holder.name, Holder.id)).tuples().all()
    agreements = _agreements(session, ids)
    by_holder = _reviews_by_holder(session, ids)
    open_questions = dict(session.execute(
        select(ReviewQuestion.holder_id, func.count())
        .where(ReviewQuestion.holder_id.in_(ids), ReviewQuestion.answer.is_(None))
        .group_by(ReviewQuestion.holder_id)).tuples().all())
    out = []
    for holder_id, name, summary in rows:
        agreement = agreements.get(holder_id)
        mine = by_holder.get(holder_id, [])
        latest = mine[-1] if mine else None
        out.append(ReturnRow(
            holder_id, name, agreement.funder if agreement else None,
            agreement.scheme if agreement else None,
            summary.as_of if summary else None,
            summary.balance_pence if summary else None,
            summary.surplus_pence if summary else None,
            summary.weeks_held if summary else None,
            summary.last_payment_date if summary else None,
            summary.unsorted_count if summary else 0,
            len(ranking.loads(summary.reasons)) if summary and summary.reasons else 0,
            due_date(agreement, mine) if agreement else None,
            latest.status_words if latest else "No review yet",
            latest.decision_words if latest else "",
            latest.recover_council_pence if latest else None,
            latest.recover_contribution_pence if latest else None,
            int(open_questions.get(holder_id, 0))))
    return out


# --- the audit pack and the monitoring return as sheets ------------------------------------

def _category(code: str | None) -> str:
    return ALL_CATEGORIES.get(code, code) if code else "Not sorted yet"


def audit_pack(session: Session, holder: Holder, start: dt.date, end: dt.date,
               found: Review | None = None) -> list[exports.Sheet]:
    """One holder's audit pack for the period: Summary, Transactions, Flags and answers,
    Receipts and Review (the review of this period, if ``found`` is given)."""
    known = gather(session, holder, start, end)
    summary = exports.Sheet("Summary", ["What", "Figure", "Amount (£)", "Where it came from"])
    summary.add("Holder", holder.name, None, "")
    summary.add("Period", f"{long_date(start)} to {long_date(end)}", None, "")
    for fact in known.facts:
        summary.add(fact.label, fact.text,
                    exports.Money(fact.pence) if fact.pence is not None else None, fact.note)
    summary.add("Money in during the period", "", exports.Money(known.money_in_pence), "")
    summary.add("Money out during the period", "", exports.Money(known.money_out_pence), "")
    if known.problem:
        summary.add("Not worked out", known.problem, None, "")
    payments = exports.Sheet("Transactions", ["Date", "Payee", "Bank description", "Amount (£)",
                                              "Sorted as", "Receipts"])
    for p in known.payments:
        payments.add(p.date, p.payee, p.description, exports.Money(p.amount_pence),
                     _category(p.category), p.receipts)
    flags = exports.Sheet("Flags and answers", ["Flag", "What it says", "Status", "Answer",
                                                "Raised", "Resolved"])
    for f in known.flags:
        flags.add(f.code, f.title, f.status, f.answer or "", f.raised_on, f.resolved_on)
    questions = list(found.questions) if found is not None else []
    for q in questions:
        flags.add(q.flag_code or "Question about a payment", f"{q.about}: {q.question}",
                  "Answered" if q.answer else "Waiting for an answer", q.answer or "",
                  q.asked_at.date() if q.asked_at else None,
                  q.answered_at.date() if q.answered_at else None)
    receipts = exports.Sheet("Receipts", ["Payment date", "Payee", "Amount (£)", "File",
                                          "Added"])
    for r in known.receipts:
        receipts.add(r.date, r.payee, exports.Money(r.amount_pence), r.filename,
                     r.uploaded_at.date() if r.uploaded_at else None)
    steps = exports.Sheet("Review", ["Step", "Detail"])
    if found is None:
        steps.add("Review", "No review of this period has been started")
    else:
        steps.add("Status", found.status_words)
        steps.add("Started", long_date(found.started_at.date()) if found.started_at else "")
        steps.add("Questions asked", len(questions))
        steps.add("Decision", found.decision_words or "Not decided yet")
        if found.decision_notes:
            steps.add("Notes", found.decision_notes)
        if found.decision == "recover":
            steps.add("To recover from the council's money",
                      exports.Money(found.recover_council_pence or 0))
            steps.add("To recover from the holder's contribution",
                      exports.Money(found.recover_contribution_pence or 0))
        if found.escalate_to:
            steps.add("Passed to", found.escalate_to)
        if found.signed_off_at:
            steps.add("Signed off", long_date(found.signed_off_at.date()))
    return [summary, payments, flags, receipts, steps]


RETURN_HEADINGS = ["Holder", "Funder", "Scheme", "Figures as of", "Balance (£)",
                   "Above the limit (£)", "Weeks of payments held", "Last payment",
                   "Payments not sorted", "Flags", "Next review due", "Review",
                   "Decision", "To recover: council (£)", "To recover: contribution (£)",
                   "Questions not answered"]


def return_sheet(rows: Sequence[ReturnRow]) -> exports.Sheet:
    """The monitoring return as one sheet: one row per holder."""
    def cash(pence: int | None) -> exports.Money | None:
        return exports.Money(pence) if pence is not None else None

    sheet = exports.Sheet("Monitoring return", RETURN_HEADINGS)
    for r in rows:
        sheet.add(r.name, r.funder or "", SCHEMES.get(r.scheme or "", r.scheme or ""), r.as_of,
                  cash(r.balance_pence), cash(r.surplus_pence), r.weeks_held or "",
                  r.last_payment_date, r.unsorted_count, r.flags, r.review_due,
                  r.review_status, r.decision, cash(r.recover_council_pence),
                  cash(r.recover_contribution_pence), r.questions_open)
    return sheet
