"""Work out a holder's money picture: database rows in, budget engine figures out.

What is read (issue 12.11: the cost grows with the periods shown, not the whole history)
    The budget engine looks at transactions one by one only from ``budget.window_start``
    (the earliest of: this agreement year's start, 12 periods back, and the last 96 days).
    Those are read as plain rows (not ORM objects). Everything before that date is summed by
    the database (how many, money in, money out, first and last date, and the same for those
    before the agreement started) and passed to the engine as ``budget.Earlier``. The number
    of payments not sorted yet is counted by the database too. The figures are exactly those
    the engine gives from every transaction (tests/test_money_service.py checks it).

Money owed as an employer (docs/money_owed.md; services/owed.py reads the records)
    For a holder who employs someone, what they owe is set aside before any surplus, each on
    its own line: wages for work done and not paid, the payments approved pay runs left
    owing, and holiday earned but not taken. Wages and payments due are also taken away in
    the forecast (paid straight away); holiday is paid in later pay runs, which the forecast
    counts from the contracts instead of the plan's PA wages and employer costs lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from .. import budget
from ..errors import UserError
from ..flags import employing as employing_rules
from ..models import FundingAgreement, Holder, Transaction
from ..models.funding import CATEGORIES
from ..models.people import REPRESENTATIVE_TYPES
from ..payroll import duties as duty_rules
from ..payroll import owed as owed_rules
from ..text import long_date
from . import owed, records

__all__ = [
    "CATEGORIES",
    "REPRESENTATIVE_TYPES",
    "Holder",
    "HolderMoney",
    "WhatIfResult",
    "budget_reports",
    "holder_money",
    "money_page_balances",
    "terms_for",
    "what_if",
]

# The plan's lines the coming pay runs replace in the forecast (counting both would count
# the same wages twice).
PAY_RUN_CATEGORIES = frozenset({"pa_wages", "employer_costs"})


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
    employer: owed.EmployerMoney | None = None  # None: they employ nobody
    duties: tuple[duty_rules.Duty, ...] = ()  # employer duties to look at now
    pay_runs: tuple[budget.Outgoing, ...] = ()  # the coming pay runs the forecast counts


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


def _liability(line: owed_rules.OwedLine) -> budget.Liability:
    return budget.Liability(line.description, line.amount_pence)


SHARED = "dpsupport.money_shared"


def shared_while(session: Session) -> dict[tuple[int, date], HolderMoney]:
    """Start sharing money pictures in this session: while the unit of work ends, the flags
    and then the caseload figures each read a changed holder's picture, and nothing either
    writes changes it (services/uow.py). ``end_sharing`` stops it."""
    found: dict[tuple[int, date], HolderMoney] = {}
    session.info[SHARED] = found
    return found


def end_sharing(session: Session) -> None:
    session.info.pop(SHARED, None)


def holder_money(session: Session, holder: Holder, today: date,
                 what_if: owed_rules.WhatIf | None = None) -> HolderMoney:
    """The holder's money picture for ``today``; ``what_if`` changes one PA's hours in the
    forecast (see ``what_if``)."""
    shared = session.info.get(SHARED) if what_if is None else None
    if shared is not None and (holder.id, today) in shared:
        return shared[(holder.id, today)]
    found = _holder_money(session, holder, today, what_if)
    if shared is not None:
        shared[(holder.id, today)] = found
    return found


def _holder_money(session: Session, holder: Holder, today: date,
                  what_if: owed_rules.WhatIf | None) -> HolderMoney:
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
    employer = owed.employer_money(session, holder, today)
    liabilities: list[budget.Liability] = []
    set_aside: list[budget.Liability] = []
    outgoings: list[budget.Outgoing] = []
    forecast_plan = None
    duties: tuple[duty_rules.Duty, ...] = ()
    if employer is not None:
        liabilities = [_liability(line) for line in employer.paid_soon]
        set_aside = [_liability(line) for line in employer.held_back]
        _, year_end = budget.agreement_year(terms, today)
        if terms.end_date is not None:
            year_end = min(year_end, terms.end_date)
        outgoings = [budget.Outgoing(c.date, c.amount_pence, c.description, c.working)
                     for c in employer.pay_runs(today, year_end, what_if)]
        if outgoings:
            forecast_plan = [line for line in plan if line.category not in PAY_RUN_CATEGORIES]
        # those that are kept questions (flags/employing.py) are in the questions panel
        duties = tuple(d for d in duty_rules.things_to_look_at(
            owed.employer_duties(session, holder, today), today)
            if not employing_rules.asked(d, today))
    picture = budget.money_picture(terms, plan, txns, liabilities, today,
                                   opening_balance=agreement.opening_balance_pence,
                                   earlier=earlier, set_aside=set_aside, outgoings=outgoings,
                                   forecast_plan=forecast_plan)
    return HolderMoney(agreement, terms, plan, txns, picture, None, earlier, unsorted,
                       employer, duties, tuple(outgoings))


@dataclass(frozen=True)
class WhatIfResult:
    """How long the money lasts now, and with one PA's hours changed from a date."""

    name: str
    minutes_a_week: int
    start: date
    before: budget.Figure
    after: budget.Figure
    before_text: str
    after_text: str


def _lasts(pic: budget.MoneyPicture) -> str:
    """ "your money would last until 12 March 2027" (the day before it runs out)."""
    run_out = pic.run_out_date.value
    if isinstance(run_out, date):
        if run_out <= pic.today:
            return "your account is already overdrawn"
        return f"your money would last until {long_date(run_out - timedelta(days=1))}"
    return ("your money would last to the end of your agreement year, "
            f"{long_date(pic.year_end)}")


def what_if(session: Session, holder: Holder, today: date, employment_id: int,
            minutes_a_week: int, start: date) -> WhatIfResult:
    """How long the money lasts if one of the holder's PAs worked ``minutes_a_week`` more
    (negative: fewer) from ``start``. UserError when it cannot be worked out."""
    person = owed.employment_of(session, holder, employment_id)
    if person is None:
        raise UserError("Select someone you employ", field="employment")
    if not minutes_a_week:
        raise UserError("Enter a number of hours more than 0", field="hours")
    if start <= today:
        raise UserError(f"Enter a date after today, {long_date(today)}", field="start")
    now = holder_money(session, holder, today)
    if now.picture is None:
        raise UserError(now.problem or "We cannot work out a forecast yet")
    if start > now.picture.year_end:
        raise UserError(f"Enter a date on or before {long_date(now.picture.year_end)}, the end "
                        "of your agreement year: the forecast stops there", field="start")
    changed = holder_money(session, holder, today,
                           owed_rules.WhatIf(employment_id, minutes_a_week, start))
    assert changed.picture is not None
    return WhatIfResult(person.name, minutes_a_week, start, now.picture.run_out_date,
                        changed.picture.run_out_date, _lasts(now.picture),
                        _lasts(changed.picture))


def people_for_what_if(session: Session, holder: Holder, today: date) -> list[tuple[int, str]]:
    """The holder's own PAs who could work more (not left before today), as (id, name)."""
    return [(p.id, p.name) for p in owed.people(session, holder)
            if p.contracts and (p.leaving_date is None or p.leaving_date > today)]


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
