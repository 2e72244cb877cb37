"""The forecast to the end of the agreement year, and the run-out date.

The rule (``project``), for a given ``today``:

1. Start from the balance at the end of ``today`` (opening balance plus every transaction
   dated from the agreement's start date to ``today``, inclusive).
2. The horizon is ``tomorrow`` to the last day of the agreement year containing ``today``
   (cut short at ``end_date``). Nothing after the agreement year is counted.
3. Add every scheduled payment (see ``schedule``) dated in the horizon: the council's
   regular payments, the holder's contributions on the net basis, and one-off payments.
   A payment due on or before ``today`` is taken to be in the balance already (a late one is
   flagged as missing, not forecast).
4. Take away planned spending: the plan's total per period (all lines, contingency
   included), spread evenly over the days of each period. For each period overlapping the
   horizon, the part counted is ``planned × days of the period inside the horizon ÷ days in
   the period``, rounded half up to the penny (so the current period is pro-rated for the
   days after ``today``, and a period running past the year end for its days up to it).
5. Take away the total of known liabilities (money owed now for things already done: wages,
   holiday pay accrued, tax, pension, invoices). We assume they are paid tomorrow.
6. Take away outgoings worked out for the holder on their dates in the horizon (the coming
   pay runs from their PAs' contracts, ``dpsupport.payroll.owed``); when there are any, the
   caller leaves the plan's lines they replace (PA wages, employer costs) out of step 4, so
   nothing is counted twice (``Projection.left_out`` names them).
7. The result is the forecast balance at the end of the agreement year.

Run-out date: the same sums made day by day. The projected end-of-day balance on day ``d``
is the balance today − liabilities + payments due from tomorrow to ``d`` − planned spend
from tomorrow to ``d`` (pro-rated as in 4, rounded half up per period) − outgoings dated
from tomorrow to ``d``. The run-out date is
the first day in the horizon on which it is below zero; ``today`` if the balance is already
below zero; None if neither. On the last day of the horizon the daily sum equals the forecast.

Note for in-advance schedules: a payment due on the last day of the agreement year (as
happens with four-weekly payments, 13 periods being 364 days) is counted in the forecast
balance, because it will be in the account that day, although it pays for days after the
year end.

This year's money (``year_money``): what the forecast balance would be if every payment
counted for the days it pays for (see ``schedule``), as planned spending is counted:

- a regular payment or contribution in the horizon for a period that runs past the year end
  (the in-advance payment above) counts only for its days up to the year end: the part for
  later days, ``amount × days after the year end ÷ days in the period`` rounded half up, is
  taken away;
- one for a period with days in this year that arrives after the year end (in arrears, the
  last period's payment arrives the day after the year ends) adds its part for those days.

"More than you need" is worked out from this, never from money paid in for next year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ..text import format_date, format_pence, times
from .model import FundingTerms, Liability, Outgoing, Period, PlanLine, ScheduledPayment, Step
from .periods import (
    ONE_DAY,
    agreement_year,
    iter_periods,
    period_at,
    period_index_on,
    period_word,
    pro_rata,
)
from .schedule import payment_schedule


@dataclass(frozen=True)
class PlannedPart:
    """The planned spend counted for one period of the horizon."""

    period: Period
    days: int  # days of the period inside the horizon
    planned_pence: int  # the plan's total for the whole period
    counted_pence: int  # planned × days ÷ period days, rounded half up


@dataclass(frozen=True)
class Projection:
    """Everything the forecast was worked out from (see module docstring)."""

    today: dt.date
    year_start: dt.date
    year_end: dt.date
    balance_today: int
    inflows: tuple[ScheduledPayment, ...]
    planned: tuple[PlannedPart, ...]
    liabilities_pence: int
    daily: tuple[tuple[dt.date, int], ...]  # projected end-of-day balances over the horizon
    run_out_date: dt.date | None
    # (payment, part in pence): the part of a payment in the horizon that pays for days
    # after the year end; and the part of one paid after the year end for days before it.
    for_next_year: tuple[tuple[ScheduledPayment, int], ...] = ()
    after_year_end: tuple[tuple[ScheduledPayment, int], ...] = ()
    outgoings: tuple[Outgoing, ...] = ()  # those dated in the horizon
    left_out: tuple[str, ...] = ()  # plan lines the outgoings replace (labels)

    @property
    def outgoings_pence(self) -> int:
        return sum(o.amount_pence for o in self.outgoings)

    @property
    def inflows_pence(self) -> int:
        return sum(p.amount_pence for p in self.inflows)

    @property
    def planned_pence(self) -> int:
        return sum(part.counted_pence for part in self.planned)

    @property
    def year_end_balance(self) -> int:
        return (self.balance_today + self.inflows_pence - self.planned_pence
                - self.liabilities_pence - self.outgoings_pence)

    @property
    def year_money(self) -> int:
        """The forecast balance counting each payment for the period it pays for."""
        return (
            self.year_end_balance
            - sum(part for _, part in self.for_next_year)
            + sum(part for _, part in self.after_year_end)
        )

    @property
    def lowest(self) -> tuple[dt.date, int]:
        """The lowest projected balance and its (first) date; today's if the horizon is empty."""
        points = [(self.today, self.balance_today), *self.daily]
        return min(points, key=lambda p: (p[1], p[0]))


def planned_per_period(plan_lines: Sequence[PlanLine]) -> int:
    """The plan's total per payment period, in pence."""
    return sum(line.planned_pence for line in plan_lines)


def project(
    terms: FundingTerms,
    plan_lines: Sequence[PlanLine],
    balance_today: int,
    liabilities: Sequence[Liability],
    today: dt.date,
    outgoings: Sequence[Outgoing] = (),
    left_out: Sequence[str] = (),
) -> Projection:
    """Project the balance from tomorrow to the end of the agreement year (module docstring)."""
    year_start, year_end = agreement_year(terms, today)
    first = today + ONE_DAY
    owed = sum(item.amount_pence for item in liabilities)
    going = tuple(o for o in outgoings if first <= o.date <= year_end)
    out_by_day: dict[dt.date, int] = {}
    for o in going:
        out_by_day[o.date] = out_by_day.get(o.date, 0) + o.amount_pence
    inflows = tuple(payment_schedule(terms, first, year_end)) if first <= year_end else ()
    per_period = planned_per_period(plan_lines)
    parts: list[PlannedPart] = []
    daily: list[tuple[dt.date, int]] = []
    run_out = today if balance_today < 0 else None
    if first <= year_end:
        in_by_day: dict[dt.date, int] = {}
        for p in inflows:
            in_by_day[p.date] = in_by_day.get(p.date, 0) + p.amount_pence
        base = balance_today - owed
        received = 0
        paid_out = 0
        spent_before = 0  # planned spend counted in earlier periods of the horizon
        for period in iter_periods(terms, period_index_on(terms, first)):
            if period.start > year_end:
                break
            lo, hi = max(period.start, first), min(period.end, year_end)
            days = (hi - lo).days + 1
            for k in range(1, days + 1):
                day = lo + dt.timedelta(days=k - 1)
                received += in_by_day.get(day, 0)
                paid_out += out_by_day.get(day, 0)
                spent = spent_before + pro_rata(per_period, k, period.days)
                balance = base + received - spent - paid_out
                daily.append((day, balance))
                if run_out is None and balance < 0:
                    run_out = day
            part = PlannedPart(period, days, per_period, pro_rata(per_period, days, period.days))
            parts.append(part)
            spent_before += part.counted_pence
    return Projection(
        today,
        year_start,
        year_end,
        balance_today,
        inflows,
        tuple(parts),
        owed,
        tuple(daily),
        run_out,
        _parts(inflows, year_end, after=True),
        _parts(_paid_after(terms, year_end), year_end, after=False),
        going,
        tuple(left_out),
    )


def _parts(
    payments: Sequence[ScheduledPayment], year_end: dt.date, *, after: bool
) -> tuple[tuple[ScheduledPayment, int], ...]:
    """Each regular payment or contribution with the part of it for days after
    (``after=True``) or up to ``year_end``; those with no such days are left out."""
    found = []
    for p in payments:
        if p.kind == "one_off":
            continue
        days = (p.period_end - p.period_start).days + 1
        later = min(days, max(0, (p.period_end - year_end).days))
        part_days = later if after else days - later
        if part_days:
            found.append((p, pro_rata(p.amount_pence, part_days, days)))
    return tuple(found)


def _paid_after(terms: FundingTerms, year_end: dt.date) -> list[ScheduledPayment]:
    """Payments for periods starting by ``year_end`` that arrive after it (in arrears)."""
    last = period_at(terms, period_index_on(terms, year_end))
    assert last is not None  # the year end is never after the agreement's end date
    first = year_end + ONE_DAY
    return [
        p
        for p in payment_schedule(terms, first, max(first, last.end + ONE_DAY))
        if p.period_start <= year_end
    ]


def _payment_note(payments: Sequence[ScheduledPayment]) -> str:
    """ "12 × £1,150.00 + 1 × £1,200.00" (grouped by amount, in date order)."""
    counts: dict[int, int] = {}
    for p in payments:
        counts[p.amount_pence] = counts.get(p.amount_pence, 0) + 1
    return " + ".join(times(n, pence) for pence, n in counts.items())


def _planned_note(terms: FundingTerms, proj: Projection) -> str:
    """ "£1,100.00 per 4 weeks: 16 of 28 days of this period, 12 whole periods, 1 of 28 ..." """
    parts = list(proj.planned)
    if not parts:
        return "no days left to count"
    per = parts[0].planned_pence
    bits = []
    if parts[0].days != parts[0].period.days:
        first = parts.pop(0)
        bits.append(f"{first.days} of {first.period.days} days of this period")
    last = parts.pop() if parts and parts[-1].days != parts[-1].period.days else None
    if parts:
        bits.append(f"{len(parts)} whole period{'s' if len(parts) != 1 else ''}")
    if last is not None:
        bits.append(f"{last.days} of {last.period.days} days of the last period")
    return f"{format_pence(per)} per {period_word(terms)}: " + ", ".join(bits)


def _outgoing_note(outgoings: Sequence[Outgoing]) -> str:
    """ "Pay for Sally: 9 pay runs £3,018.20; ..." worked out from the contracts."""
    by: dict[str, list[Outgoing]] = {}
    for o in outgoings:
        by.setdefault(o.description, []).append(o)
    parts = [f"{name}: {len(items)} pay run{'s' if len(items) != 1 else ''} "
             f"{format_pence(sum(i.amount_pence for i in items))}" for name, items in by.items()]
    return "; ".join(parts) + ", worked out from their contracts"


def forecast_workings(terms: FundingTerms, proj: Projection) -> tuple[Step, ...]:
    """The "How we worked this out" steps of the year-end forecast."""
    first, end = proj.today + ONE_DAY, proj.year_end
    span = f"from {format_date(first)} to {format_date(end)}"
    steps = [Step(f"Balance at the end of today ({format_date(proj.today)})", proj.balance_today)]
    by_kind = {
        "regular": "Add payments due from the council",
        "contribution": "Add your own contributions due into the account",
        "one_off": "Add one-off payments due",
    }
    for kind, label in by_kind.items():
        due = [p for p in proj.inflows if p.kind == kind]
        if due or kind == "regular":
            note = (
                _payment_note(due)
                if kind != "one_off"
                else ", ".join(
                    f"{p.description or 'one-off'} on {format_date(p.date)}" for p in due
                )
            )
            steps.append(Step(f"{label} {span}", sum(p.amount_pence for p in due), note or None))
    planned_note = _planned_note(terms, proj)
    if proj.left_out:
        planned_note += (f"; not counting {', '.join(proj.left_out)}: the pay runs below "
                         "count them instead")
    steps.append(Step(f"Take away planned spending {span}", proj.planned_pence, planned_note))
    if proj.outgoings:
        steps.append(Step(f"Take away coming pay runs for the people you employ {span}",
                          proj.outgoings_pence, _outgoing_note(proj.outgoings)))
    if proj.liabilities_pence:
        steps.append(
            Step(
                "Take away money you owe now",
                proj.liabilities_pence,
                "we assume it is paid straight away",
            )
        )
    steps.append(Step(f"Forecast balance on {format_date(end)}", proj.year_end_balance))
    return tuple(steps)
