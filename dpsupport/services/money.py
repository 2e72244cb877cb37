"""Work out a holder's money picture: database rows in, budget engine figures out.

What is read (issue 12.11: the cost grows with the periods shown, not the whole history)
    The budget engine looks at transactions one by one only from ``budget.window_start``
    (the earliest of: this agreement year's start, 12 periods back, and the last 96 days).
    Those are read as plain rows (not ORM objects). Everything before that date is summed by
    the database (how many, money in, money out, first and last date, and the same for those
    before the agreement started) and passed to the engine as ``budget.Earlier``. The number
    of payments not sorted yet is counted by the database too. The figures are exactly those
    the engine gives from every transaction (tests/test_money_service.py checks it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from .. import budget
from ..models import FundingAgreement, Holder, Transaction
from ..models.funding import CATEGORIES
from ..models.people import REPRESENTATIVE_TYPES
from ..text import long_date
from . import records

__all__ = [
    "CATEGORIES",
    "REPRESENTATIVE_TYPES",
    "Holder",
    "HolderMoney",
    "budget_reports",
    "holder_money",
    "money_page_balances",
    "terms_for",
]


@dataclass(frozen=True)
class HolderMoney:
    """A holder's money: ``transactions`` are those dated from ``earlier.before`` on (all of
    them when ``earlier`` is None); ``earlier`` sums the ones before."""

    agreement: FundingAgreement | None
    terms: budget.FundingTerms | None
    plan: list[budget.PlanLine]
    transactions: list[budget.Transaction]
    picture: budget.MoneyPicture | None
    problem: str | None = None
    earlier: budget.Earlier | None = None
    unsorted_count: int = field(default=0)  # payments with no category yet, of every date


def terms_for(agreement: FundingAgreement) -> budget.FundingTerms:
    amounts = tuple((a.effective_date, a.amount_pence) for a in agreement.amounts) or (
        (agreement.start_date, 0),
    )
    return budget.FundingTerms(
        start_date=agreement.start_date,
        frequency=agreement.frequency,
        amounts=amounts,
        timing=agreement.timing,
        scheme=agreement.scheme,
        one_off_payments=tuple(
            (p.date, p.amount_pence, p.description) for p in agreement.one_off_payments
        ),
        client_contribution_pence=agreement.client_contribution_pence,
        contribution_basis=agreement.contribution_basis,
        contingency_reserve_pence=agreement.contingency_reserve_pence,
        surplus_threshold_weeks=agreement.surplus_threshold_weeks,
        end_date=agreement.end_date,
    )


def _transactions(session: Session, holder: Holder, since: date | None) -> list[budget.Transaction]:
    """The holder's transactions dated from ``since`` (all when None), as plain rows."""
    query = (
        select(Transaction.date, Transaction.amount_pence, Transaction.category,
               Transaction.budget_line_id, Transaction.payee, Transaction.description)
        .where(Transaction.holder_id == holder.id)
        .order_by(Transaction.date, Transaction.id)
    )
    if since is not None:
        query = query.where(Transaction.date >= since)
    return [
        budget.Transaction(day, pence, category, line_id, payee or description or "")
        for day, pence, category, line_id, payee, description in session.connection().execute(query)
    ]


def _earlier(session: Session, holder: Holder, before: date, start: date) -> budget.Earlier:
    """The holder's transactions dated before ``before``, summed by the database (and, of
    them, those dated before the agreement's ``start``)."""
    pre = Transaction.date < start
    money_in = case((Transaction.amount_pence > 0, Transaction.amount_pence), else_=0)
    money_out = case((Transaction.amount_pence < 0, -Transaction.amount_pence), else_=0)
    rows = session.execute(
        select(pre, func.count(), func.sum(money_in), func.sum(money_out),
               func.min(Transaction.date), func.max(Transaction.date))
        .where(Transaction.holder_id == holder.id, Transaction.date < before)
        .group_by(pre)
    )
    everything = before_agreement = budget.Tally()
    for is_pre, count, pence_in, pence_out, first, last in rows:
        tally = budget.Tally(int(count), int(pence_in or 0), int(pence_out or 0), first, last)
        everything = everything + tally
        if is_pre:
            before_agreement = tally
    return budget.Earlier(before, everything, before_agreement)


def _unsorted_count(session: Session, holder: Holder) -> int:
    """As sorting.unsorted_count counts them: payments with no category, of every date."""
    return session.scalar(
        select(func.count()).where(Transaction.holder_id == holder.id,
                                   Transaction.category.is_(None))
    ) or 0


def holder_money(session: Session, holder: Holder, today: date) -> HolderMoney:
    agreement = records.current_agreement(session, holder)
    plan = [
        budget.PlanLine(line.id, line.category, line.label, line.planned_pence, line.outcome)
        for line in records.budget_lines(session, holder)
    ]
    unsorted = _unsorted_count(session, holder)
    if agreement is None:
        return HolderMoney(None, None, plan, [], None,
                           "There is no funding agreement yet, so we cannot work out a forecast.",
                           unsorted_count=unsorted)
    terms = terms_for(agreement)
    if today < agreement.start_date:
        return HolderMoney(agreement, terms, plan, [], None,
                           f"The agreement starts on {long_date(agreement.start_date)}.",
                           unsorted_count=unsorted)
    since = budget.window_start(terms, today)
    earlier = _earlier(session, holder, since, terms.start_date)
    txns = _transactions(session, holder, since)
    picture = budget.money_picture(terms, plan, txns, [], today,
                                   opening_balance=agreement.opening_balance_pence,
                                   earlier=earlier)
    return HolderMoney(agreement, terms, plan, txns, picture, None, earlier, unsorted)


Balances = list[tuple[date, int]]


def _thin(points: Balances) -> Balances:
    """Keep the days where the balance changes, so the chart stays small."""
    kept: Balances = []
    for p in points:
        if not kept or kept[-1][1] != p[1]:
            kept.append(p)
    if points and kept[-1] != points[-1]:
        kept.append(points[-1])
    return kept


def money_page_balances(info: HolderMoney) -> tuple[Balances, Balances] | None:
    """The balance so far (end of each day with payments, from the agreement's start or, for
    a long history, from the earliest date the page looks at) and the forecast after today,
    for the money page's chart and table; None when there is no picture."""
    pic, terms, agreement = info.picture, info.terms, info.agreement
    if pic is None or terms is None or agreement is None:
        return None
    opening, first = agreement.opening_balance_pence, terms.start_date
    if info.earlier is not None:
        opening += info.earlier.everything.net_pence
        first = max(first, info.earlier.before)
    actual = budget.balance_series(opening, first, info.transactions, pic.today)
    forecast = _thin([p for p in pic.projected_balances if p[0] > pic.today])
    return actual, forecast


def budget_reports(info: HolderMoney) -> list[budget.PeriodReport]:
    """Planned and spent for each period of this agreement year so far, newest first."""
    pic, terms = info.picture, info.terms
    if pic is None or terms is None:
        return []
    end = min(pic.year_end, pic.period.end)
    reports = budget.plan_vs_actual(terms, info.plan, info.transactions, pic.year_start, end)
    reports.reverse()
    return reports
