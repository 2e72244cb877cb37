"""Work out a holder's money picture: database rows in, budget engine figures out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from .. import budget
from ..models import FundingAgreement, Holder
from ..models.funding import CATEGORIES
from ..models.people import REPRESENTATIVE_TYPES
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
    agreement: FundingAgreement | None
    terms: budget.FundingTerms | None
    plan: list[budget.PlanLine]
    transactions: list[budget.Transaction]
    picture: budget.MoneyPicture | None
    problem: str | None = None

    @property
    def unsorted_count(self) -> int:
        """Payments with no category yet (as sorting.unsorted_count counts them)."""
        return sum(1 for t in self.transactions if t.category is None)


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


def holder_money(session: Session, holder: Holder, today: date) -> HolderMoney:
    agreement = records.current_agreement(session, holder)
    plan = [
        budget.PlanLine(line.id, line.category, line.label, line.planned_pence, line.outcome)
        for line in records.budget_lines(session, holder)
    ]
    txns = [
        budget.Transaction(t.date, t.amount_pence, t.category, t.budget_line_id,
                           t.payee or t.description or "")
        for t in records.all_transactions(session, holder)
    ]
    if agreement is None:
        return HolderMoney(None, None, plan, txns, None,
                           "There is no funding agreement yet, so we cannot work out a forecast.")
    terms = terms_for(agreement)
    if today < agreement.start_date:
        return HolderMoney(agreement, terms, plan, txns, None,
                           f"The agreement starts on {agreement.start_date:%d %B %Y}.")
    picture = budget.money_picture(terms, plan, txns, [], today,
                                   opening_balance=agreement.opening_balance_pence)
    return HolderMoney(agreement, terms, plan, txns, picture)


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
    """The balance so far (end of each day with payments) and the forecast after today,
    for the money page's chart and table; None when there is no picture."""
    pic, terms, agreement = info.picture, info.terms, info.agreement
    if pic is None or terms is None or agreement is None:
        return None
    actual = budget.balance_series(agreement.opening_balance_pence, terms.start_date,
                                   info.transactions, pic.today)
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
