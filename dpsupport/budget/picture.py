"""The money picture: every headline figure for one day, a summary sentence, and what needs
attention.

Summary sentence (first that applies):
    1. overdrawn today: "Your account is overdrawn by £12.50."
    2. the agreement has ended: "Your agreement ended on 30 September 2025. There is
       £1,000.00 in the account."
    3. the forecast runs out: "At your planned spending, your money will last until 13 March."
       (the day before the run-out date; the year is added when it is not this year), or
       "At your planned spending, your money will run out tomorrow."
    4. this year's money at the end of the agreement year (``Projection.year_money``: the
       forecast balance without money paid in for days after the year end, and with this
       year's arrears payment that arrives after it), less the contingency reserve and the N
       weeks the council allows, is above zero: "You are on track to have £1,240.00 more than
       you need by 31 March 2026, the end of your agreement year." The amount is the
       ``forecast_year_end_surplus`` figure, shown with its workings beside it.
    5. otherwise: "You are on track: your money should last to the end of your agreement year
       on 31 March 2026."

Balance today
    The opening balance plus every transaction in the account dated up to today, whatever
    its date. Those dated outside the agreement (before it started, or after it ended) are
    counted and listed in ``outside_agreement``, so the money page can say so.

Needs attention (``AttentionItem`` with a code from docs/flags.md):
    - ``low_balance``: the balance today is below zero.
    - ``projected_overspend``: the forecast falls below zero before the end of the year.
    - ``surplus_above_threshold``: the surplus today is above zero.
    - ``period_overspend``: all spending in this period so far (or the last one) is more than
      120% (``attention.OVERSPEND_PERCENT``) of the plan's total for the whole period.
    - ``persistent_underspend``: a plan line (not a contingency line) with planned spend had
      actual spend below 70% of plan in each of the 3 or more most recent completed periods.
    - ``payment_missing`` / ``contribution_missing``: a regular payment (or net contribution)
      due in the last 91 days, more than 5 days ago, with no money in of exactly that amount
      dated within 5 days either side of the due date (each credit matches one payment).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ..text import format_date, format_pence, plural
from .actuals import PAYMENT_WINDOW_DAYS, in_range, money_in_for, totals
from .attention import (
    PAYMENT_LOOKBACK_DAYS,
    UNDERSPEND_LOOKBACK_PERIODS,
    AttentionItem,
    day_text,
    missing_payments,
    period_overspend,
    persistent_underspend,
)
from .forecast import Projection, forecast_workings, planned_per_period, project
from .model import (
    Earlier,
    Figure,
    FundingTerms,
    Liability,
    Outgoing,
    Period,
    PlanLine,
    ScheduledPayment,
    Step,
    Tally,
    Transaction,
    check_date,
    check_pence,
)
from .periods import (
    ONE_DAY,
    agreement_year,
    period_at,
    period_index_on,
    pro_rata,
    weekly_equivalent,
)
from .schedule import payments_for
from .surplus import regular_amount_on, surplus, weekly_planned_spend, weeks_of_funding

ARREARS_NOTE = (
    "Your council pays in arrears: the payment for a period arrives after the period ends, "
    "so it is counted for the period it pays for"
)


def _arrears_note(due: Sequence[ScheduledPayment]) -> str:
    regular = [p for p in due if p.kind != "one_off"]
    if not regular:
        return ARREARS_NOTE
    return (
        "Your council pays in arrears: the payment for this period is due on "
        f"{format_date(regular[0].date)}, after the period ends"
    )


@dataclass(frozen=True)
class MoneyPicture:
    """Every headline figure for ``today``; each Figure carries its workings."""

    today: dt.date
    period: Period
    year_start: dt.date
    year_end: dt.date
    balance_today: Figure
    money_in_this_period: Figure
    money_in_due_this_period: Figure
    money_out_this_period: Figure
    money_out_planned_this_period: Figure
    forecast_year_end_balance: Figure
    forecast_year_end_surplus: Figure
    weekly_planned_spend: Figure
    weeks_of_funding_held: Figure
    run_out_date: Figure
    surplus: Figure
    summary_sentence: str
    needs_attention: tuple[AttentionItem, ...]
    projected_balances: tuple[tuple[dt.date, int], ...]
    outside_agreement: tuple[OutsideAgreement, ...] = ()


def _payment_label(p: ScheduledPayment) -> str:
    when = format_date(p.date)
    if p.kind == "regular":
        return f"From the council on {when}"
    if p.kind == "contribution":
        return f"Your contribution on {when}"
    return f"One-off payment ({p.description or 'no description'}) on {when}"


@dataclass(frozen=True)
class OutsideAgreement:
    """Payments dated outside the agreement's dates (before it started, or after it ended)
    up to today. They are in the account, so the balance counts them; ``text`` says so."""

    first: dt.date
    last: dt.date
    count: int
    total_pence: int
    text: str


def _outside(tally: Tally, where: str) -> OutsideAgreement | None:
    if not tally.count or tally.first is None or tally.last is None:
        return None
    are = "1 payment is" if tally.count == 1 else f"{tally.count:,} payments are"
    text = (
        f"{are} dated {where} "
        f"(total {format_pence(tally.net_pence)}). "
        f"{'It is' if tally.count == 1 else 'They are'} counted in your balance."
    )
    return OutsideAgreement(tally.first, tally.last, tally.count, tally.net_pence, text)


def _outside_agreement(
    terms: FundingTerms, transactions: Sequence[Transaction], earlier: Earlier, today: dt.date
) -> tuple[OutsideAgreement, ...]:
    before = earlier.before_agreement + Tally.of(
        t for t in transactions if t.date < terms.start_date and t.date <= today
    )
    groups = [_outside(before, f"before your agreement started on {format_date(terms.start_date)}")]
    if terms.end_date is not None:
        end = terms.end_date
        after = Tally.of(t for t in transactions if end < t.date <= today)
        groups.append(_outside(after, f"after your agreement ended on {format_date(end)}"))
    return tuple(g for g in groups if g is not None)


def _balance_figure(
    opening: int,
    start: dt.date,
    transactions: Sequence[Transaction],
    earlier: Earlier,
    outside: Sequence[OutsideAgreement],
    today: dt.date,
) -> Figure:
    """Opening balance plus every payment in the account up to today, whatever its date."""
    counted = earlier.everything + Tally.of(t for t in transactions if t.date <= today)
    balance = opening + counted.net_pence
    steps = [
        Step(f"Balance on {format_date(start)}, when the agreement started", opening),
        Step("Add money in", counted.money_in_pence, f"{plural(counted.count, 'payment')} counted"),
        Step("Take away money out", counted.money_out_pence),
    ]
    steps += [
        Step(
            f"Of these, {plural(o.count, 'payment')} dated from {format_date(o.first)} to "
            f"{format_date(o.last)}, outside the agreement",
            o.total_pence,
            "counted, because the money went in or out of the account",
        )
        for o in outside
    ]
    steps.append(Step(f"Balance at the end of {format_date(today)}", balance))
    return Figure(balance, f"Balance at the end of {format_date(today)}", tuple(steps))


def _this_period(
    terms: FundingTerms,
    plan_lines: Sequence[PlanLine],
    transactions: Sequence[Transaction],
    period: Period,
    today: dt.date,
) -> tuple[Figure, Figure, Figure, Figure]:
    upto = min(today, period.end)
    so_far = f"from {format_date(period.start)} to {format_date(upto)}"
    whole = f"{format_date(period.start)} to {format_date(period.end)}"
    t = totals(plan_lines, in_range(transactions, period.start, upto))
    due = payments_for(terms, period)
    due_so_far = [p for p in due if p.date <= upto]
    (received,) = money_in_for(terms, plan_lines, transactions, [period], until=upto)
    arrears = terms.timing == "arrears"
    in_steps = [
        Step("Money in for this period so far", received),
        Step(f"Due so far (by {format_date(upto)})", sum(p.amount_pence for p in due_so_far)),
        Step(f"Due for the whole period ({whole})", sum(p.amount_pence for p in due)),
    ]
    if arrears:
        in_steps.append(Step(ARREARS_NOTE, None))
    money_in = Figure(received, f"Money in for this period so far ({so_far})", tuple(in_steps))
    money_in_due = Figure(
        sum(p.amount_pence for p in due),
        f"Money due for this period ({whole})",
        tuple(Step(_payment_label(p), p.amount_pence) for p in due),
        _arrears_note(due) if arrears else None,
    )
    planned = planned_per_period(plan_lines)
    days = (upto - period.start).days + 1
    planned_so_far = pro_rata(planned, days, period.days)
    on_lines = sum(t.by_line.values())
    money_out = Figure(
        t.spend_pence,
        f"Money spent this period so far ({so_far})",
        (
            Step("Spent on your plan lines", on_lines),
            Step("Spent on things not in your plan", t.unallocated_spend_pence),
            Step("Total spent so far", t.spend_pence),
            Step(
                f"Planned for the days so far ({days} of {period.days})",
                planned_so_far,
                f"{format_pence(planned)} × {days} ÷ {period.days}",
            ),
        ),
    )
    planned_fig = Figure(
        planned,
        f"Planned spending for this period ({whole})",
        tuple(Step(line.label, line.planned_pence) for line in plan_lines),
    )
    return money_in, money_in_due, money_out, planned_fig


def _run_out_workings(proj: Projection, run_out: dt.date) -> tuple[Step, ...]:
    today = proj.today
    steps = [Step(f"Balance at the end of today ({format_date(today)})", proj.balance_today)]
    if run_out == today:
        return (*steps, Step("The balance is already below zero", None))
    low = dict(proj.daily)[run_out]
    received = sum(p.amount_pence for p in proj.inflows if p.date <= run_out)
    paid_out = sum(o.amount_pence for o in proj.outgoings if o.date <= run_out)
    spent = proj.balance_today - proj.liabilities_pence + received - low - paid_out
    span = f"from {format_date(today + ONE_DAY)} to {format_date(run_out)}"
    if proj.liabilities_pence:
        steps.append(Step("Take away money you owe now", proj.liabilities_pence))
    steps += [
        Step(f"Add payments due {span}", received),
        Step(f"Take away planned spending {span}", spent, "spread evenly over each period"),
    ]
    if paid_out:
        steps.append(Step(f"Take away pay runs for the people you employ {span}", paid_out,
                          "worked out from their contracts"))
    steps += [
        Step(
            f"Projected balance at the end of {format_date(run_out)}",
            low,
            "the first day it is below zero",
        ),
    ]
    return tuple(steps)


def _current_period(terms: FundingTerms, today: dt.date) -> Period:
    """The period containing ``today`` (the last period once the agreement has ended)."""
    index = period_index_on(terms, today)
    if terms.end_date is not None and today > terms.end_date:
        index = period_index_on(terms, terms.end_date)
    period = period_at(terms, index)
    assert period is not None
    return period


@dataclass(frozen=True)
class _Forecast:
    balance: Figure
    surplus: Figure
    surplus_pence: int  # "what is left", may be negative
    run_out: Figure


def _year_surplus_figure(terms: FundingTerms, proj: Projection, today: dt.date) -> Figure:
    """Forecast money beyond what the holder needs at the year end, from this year's money
    only (``Projection.year_money``): the summary sentence uses this figure."""
    year_end = proj.year_end
    allowance = terms.surplus_threshold_weeks * weekly_equivalent(
        terms, regular_amount_on(terms, today)
    )
    left = proj.year_money - terms.contingency_reserve_pence - allowance
    steps = [Step(f"Forecast balance on {format_date(year_end)}", proj.year_end_balance)]
    for p, part in proj.for_next_year:
        steps.append(
            Step(
                f"Take away the part of the payment of {format_pence(p.amount_pence)} on "
                f"{format_date(p.date)} for days after {format_date(year_end)}",
                part,
                f"it pays for {format_date(p.period_start)} to {format_date(p.period_end)}: "
                "money for next year, not this one",
            )
        )
    for p, part in proj.after_year_end:
        steps.append(
            Step(
                f"Add the part of the payment of {format_pence(p.amount_pence)} due on "
                f"{format_date(p.date)} for days up to {format_date(year_end)}",
                part,
                f"paid in arrears for {format_date(p.period_start)} to "
                f"{format_date(p.period_end)}: this year's money, arriving after the year ends",
            )
        )
    steps += [
        Step("Take away your contingency reserve", terms.contingency_reserve_pence),
        Step(
            f"Take away {terms.surplus_threshold_weeks} weeks of your regular payment",
            allowance,
        ),
        Step(
            "What is left",
            left,
            None if left > 0 else "this is not above zero, so you are not on track to have more "
            "than you need",
        ),
    ]
    return Figure(
        max(0, left),
        f"Forecast money beyond what you need on {format_date(year_end)}",
        tuple(steps),
    )


def _run_out_figure(proj: Projection) -> Figure:
    label = "Date your money runs out if spending follows your plan"
    if proj.run_out_date is not None:
        return Figure(proj.run_out_date, label, _run_out_workings(proj, proj.run_out_date))
    low_day, low = proj.lowest
    return Figure(
        None,
        label,
        (Step("Lowest projected balance", low, format_date(low_day)),),
        f"Your money should last to {format_date(proj.year_end)}, the end of your agreement year.",
    )


def _forecast(terms: FundingTerms, proj: Projection, today: dt.date) -> _Forecast:
    balance = Figure(
        proj.year_end_balance,
        f"Forecast balance on {format_date(proj.year_end)}, the end of your agreement year",
        forecast_workings(terms, proj),
    )
    year_surplus = _year_surplus_figure(terms, proj, today)
    left = year_surplus.workings[-1].value
    assert isinstance(left, int)
    return _Forecast(balance, year_surplus, left, _run_out_figure(proj))


def _summary_sentence(
    terms: FundingTerms, balance: int, proj: Projection, year_surplus: int, today: dt.date
) -> str:
    """The first sentence that applies (see the module docstring)."""
    run_out, year_end = proj.run_out_date, proj.year_end
    if balance < 0:
        return f"Your account is overdrawn by {format_pence(-balance)}."
    if terms.end_date is not None and today > terms.end_date:
        return (
            f"Your agreement ended on {format_date(terms.end_date)}. "
            f"There is {format_pence(balance)} in the account."
        )
    if run_out is not None and run_out == today + ONE_DAY:
        return "At your planned spending, your money will run out tomorrow."
    if run_out is not None:
        last_day = run_out - ONE_DAY
        return f"At your planned spending, your money will last until {day_text(last_day, today)}."
    if year_surplus > 0:
        return (
            f"You are on track to have {format_pence(year_surplus)} more than you need "
            f"by {format_date(year_end)}, the end of your agreement year."
        )
    return (
        "You are on track: your money should last to the end of your agreement "
        f"year on {format_date(year_end)}."
    )


def _attention(
    terms: FundingTerms,
    plan_lines: Sequence[PlanLine],
    transactions: Sequence[Transaction],
    period: Period,
    balance: int,
    proj: Projection,
    surplus_fig: Figure,
    today: dt.date,
) -> tuple[AttentionItem, ...]:
    """Everything that needs attention (see the module docstring)."""
    items: list[AttentionItem] = []
    if balance < 0:
        items.append(
            AttentionItem(
                "low_balance",
                f"Your account is overdrawn by {format_pence(-balance)}. Talk to your support "
                "worker or the council soon.",
            )
        )
    elif proj.run_out_date is not None:
        items.append(
            AttentionItem(
                "projected_overspend",
                f"Your money may run out on about {day_text(proj.run_out_date, today)} if "
                "spending follows your plan.",
            )
        )
    if isinstance(surplus_fig.value, int) and surplus_fig.value > 0:
        items.append(
            AttentionItem(
                "surplus_above_threshold",
                f"You have {format_pence(surplus_fig.value)} more than the council usually lets "
                f"you keep ({terms.surplus_threshold_weeks} weeks of payments, after money you owe "
                "and your contingency). The council may ask for it back.",
            )
        )
    items += period_overspend(terms, plan_lines, transactions, period, today)
    items += persistent_underspend(terms, plan_lines, transactions, period)
    items += missing_payments(terms, transactions, today)
    return tuple(items)


def money_picture(
    terms: FundingTerms,
    plan_lines: Sequence[PlanLine],
    transactions: Sequence[Transaction],
    liabilities: Sequence[Liability],
    today: dt.date,
    opening_balance: int = 0,
    earlier: Earlier | None = None,
    *,
    set_aside: Sequence[Liability] = (),
    outgoings: Sequence[Outgoing] = (),
    forecast_plan: Sequence[PlanLine] | None = None,
) -> MoneyPicture:
    """All headline figures for ``today`` (see the module docstrings for every rule).

    ``transactions`` may be every transaction; or, with ``earlier`` summing those before
    ``earlier.before`` (at most ``window_start(terms, today)``), only the later ones: the
    figures are the same either way.

    ``set_aside``: money owed that is kept back from the surplus but not paid out in the
    forecast (holiday earned but not taken is paid as part of later pay runs, which
    ``outgoings`` count). ``outgoings`` are taken away in the forecast on their dates; when
    ``forecast_plan`` is given the forecast counts those plan lines instead of all of them
    (the lines left out are the ones the outgoings replace).
    """
    check_date(today, "today")
    check_pence(opening_balance, "opening_balance")
    earlier = _check_earlier(transactions, earlier)
    period = _current_period(terms, today)
    outside = _outside_agreement(terms, transactions, earlier, today)
    balance_fig = _balance_figure(
        opening_balance, terms.start_date, transactions, earlier, outside, today
    )
    balance = balance_fig.value
    assert isinstance(balance, int)
    money_in, money_in_due, money_out, planned_fig = _this_period(
        terms, plan_lines, transactions, period, today
    )
    if forecast_plan is None:
        proj = project(terms, plan_lines, balance, liabilities, today, outgoings)
    else:
        kept = {id(line) for line in forecast_plan}
        left_out = [line.label for line in plan_lines if id(line) not in kept]
        proj = project(terms, forecast_plan, balance, liabilities, today, outgoings, left_out)
    forecast = _forecast(terms, proj, today)
    weekly_fig = weekly_planned_spend(terms, plan_lines)
    assert isinstance(weekly_fig.value, int)
    surplus_fig = surplus(terms, balance, [*liabilities, *set_aside], today)
    return MoneyPicture(
        today=today,
        period=period,
        year_start=proj.year_start,
        year_end=proj.year_end,
        balance_today=balance_fig,
        money_in_this_period=money_in,
        money_in_due_this_period=money_in_due,
        money_out_this_period=money_out,
        money_out_planned_this_period=planned_fig,
        forecast_year_end_balance=forecast.balance,
        forecast_year_end_surplus=forecast.surplus,
        weekly_planned_spend=weekly_fig,
        weeks_of_funding_held=weeks_of_funding(balance, weekly_fig.value),
        run_out_date=forecast.run_out,
        surplus=surplus_fig,
        summary_sentence=_summary_sentence(terms, balance, proj, forecast.surplus_pence, today),
        needs_attention=_attention(
            terms, plan_lines, transactions, period, balance, proj, surplus_fig, today
        ),
        projected_balances=proj.daily,
        outside_agreement=outside,
    )


def window_start(terms: FundingTerms, today: dt.date) -> dt.date:
    """The earliest date whose transactions the money picture (and the budget page, for this
    agreement year) looks at one by one; earlier ones may be passed summed, as ``Earlier``."""
    period = _current_period(terms, today)
    first = period_at(terms, max(0, period.index - UNDERSPEND_LOOKBACK_PERIODS))
    assert first is not None
    year_start, _ = agreement_year(terms, min(today, period.end))
    # The agreement year's first period may start before the year does (weekly periods
    # from a Monday, a year from a Friday): the whole of that period is looked at.
    year_period = _current_period(terms, year_start)
    lookback = today - dt.timedelta(days=PAYMENT_LOOKBACK_DAYS + PAYMENT_WINDOW_DAYS)
    # A payment may arrive up to PAYMENT_WINDOW_DAYS before the period it pays for.
    return min(first.start, year_period.start, year_start, lookback) - dt.timedelta(
        days=PAYMENT_WINDOW_DAYS)


def _check_earlier(transactions: Sequence[Transaction], earlier: Earlier | None) -> Earlier:
    if earlier is None:
        return Earlier(dt.date.min)
    if any(t.date < earlier.before for t in transactions):
        raise ValueError("a transaction is dated before earlier.before: it would count twice")
    return earlier
