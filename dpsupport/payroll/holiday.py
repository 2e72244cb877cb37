"""Holiday for PAs: entitlement, accrual, balance, carry-over and holiday pay. Pure: plain
values in (dates, minutes, pence), plain values out, each figure with its working in words.

The statutory figures (5.6 weeks, the 28-day cap, 12.07%) come from `payroll_rules.holiday`.
The rules are written out, with sources, in docs/holiday_and_sickness.md; in short:

- Leave year: it starts on the contract's "holiday year starts" day and month each year.
- Regular hours: 5.6 weeks of the contracted weekly hours, capped at 28 days (the cap only
  matters to someone working more than 5 days a week; we assume 5 days or fewer when the
  contract does not say). Someone who starts or leaves during the leave year, or whose contracted hours
  change, gets the share for each part: days in that part / days in the leave year. The
  total is rounded up to the next whole minute (an employer may round up, never down).
- Irregular hours and part-year workers (leave years from 1 April 2024): 12.07% of the
  hours actually worked, rounded up to the next whole minute.
- Balance: entitlement (or accrued) + carried over + adjustments - booked.
- Carry-over into a new leave year: up to 1.6 weeks by agreement; all of the leave they
  could not take (sickness, family leave, or not given the chance) up to 5.6 weeks.
- Holiday pay at the average: the 52 most recent weeks with pay before the holiday (weeks
  with no pay are skipped), looking back no more than 104 weeks. Fewer weeks are used when
  that is all there is. Weeks run Sunday to Saturday.
- Rolled-up holiday pay: 12.07% of the pay for work in the pay period, to the nearest penny.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from payroll_rules import holiday_entitlement_days, irregular_hours_accrual

from ..text import format_date, format_pence, hours

# Leave years from this date use the irregular-hours rules (12.07% accrual, rolled-up pay).
IRREGULAR_RULES_FROM = date(2024, 4, 1)
ACCRUAL_RATE = Decimal("0.1207")  # also in payroll_rules' data: checked by a test
CARRY_OVER_AGREED_WEEKS = Decimal("1.6")
STATUTORY_WEEKS = Decimal("5.6")
REFERENCE_WEEKS = 52
LOOK_BACK_WEEKS = 104
CARRY_OVER_REASONS = {
    "agreed": "Agreed between you (up to 1.6 weeks)",
    "could_not_take": "They could not take it: off sick, on family leave, or not given the "
                      "chance (up to 5.6 weeks)",
}


@dataclass(frozen=True, slots=True)
class Working:
    """A figure in minutes with how it was worked out, in words."""

    minutes: int
    lines: tuple[str, ...]


def _ceil_minutes(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_CEILING))


def _hours_text(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- the leave year --------------------------------------------------------------------------

def _anniversary(start: date, year: int) -> date:
    try:
        return start.replace(year=year)
    except ValueError:  # 29 February in a year without one
        return date(year, 2, 28)


def leave_year(year_start: date, on: date) -> tuple[date, date]:
    """The leave year (first and last day) that ``on`` falls in, for a contract whose leave
    year starts on ``year_start``'s day and month."""
    first = _anniversary(year_start, on.year)
    if first > on:
        first = _anniversary(year_start, on.year - 1)
    return first, _anniversary(year_start, first.year + 1) - timedelta(days=1)


# --- entitlement and accrual -----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RegularSpan:
    """Part of a leave year on regular hours: ``weekly_minutes`` a week from ``first`` to
    ``last`` (inclusive; already cut to the employment and the leave year), over
    ``days_per_week`` days when known."""

    first: date
    last: date
    weekly_minutes: int
    days_per_week: int | None = None


def regular_entitlement(spans: Iterable[RegularSpan], year_first: date, year_last: date,
                        days_per_week: Decimal = Decimal(5)) -> Working:
    """Statutory holiday in minutes for the parts of a leave year on regular hours.
    ``days_per_week`` is used for a span that does not say (5: the cap does not bite)."""
    year_days = (year_last - year_first).days + 1
    total = Decimal(0)
    lines: list[str] = []
    capped = False
    assumed = False
    for span in spans:
        days = (span.last - span.first).days + 1
        fraction = Decimal(days) / Decimal(year_days)
        per_week = Decimal(span.days_per_week) if span.days_per_week else days_per_week
        assumed = assumed or not span.days_per_week
        # 5.6 weeks (28-day cap) in days, as a share of the year, then in minutes
        in_days = holiday_entitlement_days(per_week, fraction_of_year=fraction,
                                           on=year_first)
        minutes = in_days * Decimal(span.weekly_minutes) / per_week
        total += minutes
        share = ("" if days == year_days else
                 f" × {days} of the {year_days} days in the leave year "
                 f"({format_date(span.first)} to {format_date(span.last)})")
        if per_week * STATUTORY_WEEKS > 28:
            capped = True
            lines.append(f"28 days (the most, for {per_week} days a week) × "
                         f"{hours(span.weekly_minutes)} a week ÷ {per_week} days{share} = "
                         f"{_hours_text(minutes / 60)} hours.")
        else:
            lines.append(f"{hours(span.weekly_minutes)} a week × 5.6 weeks{share} = "
                         f"{_hours_text(minutes / 60)} hours.")
    result = _ceil_minutes(total)
    if len(lines) > 1 or (lines and Decimal(result) != total):
        lines.append(f"In all, rounded up to the next minute: {hours(result)}.")
    if lines:
        lines.append("The legal minimum is 5.6 weeks' holiday a year, at most 28 days"
                     + (": for 6 or 7 days a week the 28 days are the limit." if capped else
                        "."))
        if assumed:
            lines.append("The contract does not say how many days a week they work, so "
                         "we take it as 5 or fewer (the 28-day limit does not lower it).")
    return Working(result, tuple(lines))


def irregular_accrual(worked_minutes: int, year_first: date) -> Working:
    """Holiday accrued by an irregular-hours or part-year worker: 12.07% of the hours worked
    (for leave years from 1 April 2024), rounded up to the next minute."""
    if year_first < IRREGULAR_RULES_FROM:
        return Working(0, ("The 12.07% accrual is for leave years starting on or after "
                           "1 April 2024; for an earlier leave year work it out by hand.",))
    hours_worked = Decimal(worked_minutes) / 60
    accrued = irregular_hours_accrual(hours_worked, year_first)
    result = _ceil_minutes(accrued * 60)
    return Working(result, (
        f"Hours worked in this leave year so far: {_hours_text(hours_worked)}.",
        f"{_hours_text(hours_worked)} hours × 12.07% = {_hours_text(accrued)} hours "
        f"({hours(result)}, rounded up to the next minute).",
        "Irregular-hours and part-year workers build up holiday at 12.07% of the hours "
        "they work in each pay period (5.6 weeks out of the 46.4 weeks a year they are "
        "working).",
    ))


def balance(earned: int, carried_over: int, adjustments: int, booked: int) -> Working:
    result = earned + carried_over + adjustments - booked
    lines = [f"Entitlement or holiday built up: {hours(earned)}."]
    if carried_over:
        lines.append(f"Carried over from last leave year: {hours(carried_over)}.")
    if adjustments:
        word = "added" if adjustments > 0 else "taken off"
        lines.append(f"Changes to the balance {word}: {hours(abs(adjustments))}.")
    lines.append(f"Holiday booked in this leave year: {hours(booked)}.")
    left = hours(abs(result))
    lines.append(f"Left to take: {left}." if result >= 0 else
                 f"They have booked {left} more than they have.")
    return Working(result, tuple(lines))


# --- carry-over ------------------------------------------------------------------------------

def carry_over_limit(reason: str, week_minutes: int, unused_last_year: int) -> Working:
    """The most that may be carried into a new leave year. ``week_minutes`` is a week of
    their holiday: the contracted weekly hours, or for irregular hours the holiday built up
    last leave year / 5.6. Never more than what was left unused last year."""
    if reason not in CARRY_OVER_REASONS:
        raise ValueError(f"Unknown reason for carrying over: {reason}")
    weeks = CARRY_OVER_AGREED_WEEKS if reason == "agreed" else STATUTORY_WEEKS
    limit = _ceil_minutes(Decimal(week_minutes) * weeks)
    result = max(0, min(limit, unused_last_year))
    return Working(result, (
        f"{CARRY_OVER_REASONS[reason]}: {weeks} weeks × {hours(week_minutes)} = {hours(limit)}.",
        f"Left unused last leave year: {hours(max(0, unused_last_year))}.",
        f"So at most {hours(result)} can be carried over.",
    ))


# --- pay -------------------------------------------------------------------------------------

def week_start(day: date) -> date:
    """The Sunday that starts ``day``'s week (weeks run Sunday to Saturday)."""
    return day - timedelta(days=(day.weekday() + 1) % 7)


@dataclass(frozen=True, slots=True)
class WeekPay:
    """Pay for work in one week (Sunday ``start`` to Saturday), and the minutes worked."""

    start: date
    pay_pence: int
    minutes: int


@dataclass(frozen=True, slots=True)
class Average:
    """Average pay over the reference period: a week's pay and an hour's pay (exact)."""

    weeks_used: int
    weekly_pence: int
    hourly_pence: Decimal
    lines: tuple[str, ...]


def reference_average(weeks: Iterable[WeekPay], before: date) -> Average | None:
    """The average over the 52 most recent weeks with pay that end before ``before``'s week,
    skipping weeks with no pay and looking back at most 104 weeks. None: no paid weeks."""
    this_week = week_start(before)
    earliest = this_week - timedelta(weeks=LOOK_BACK_WEEKS)
    by_week: dict[date, tuple[int, int]] = {}
    for w in weeks:
        start = week_start(w.start)
        if earliest <= start < this_week:
            pay, minutes = by_week.get(start, (0, 0))
            by_week[start] = (pay + w.pay_pence, minutes + w.minutes)
    paid = [(start, pm) for start, pm in sorted(by_week.items(), reverse=True) if pm[0] > 0]
    used = paid[:REFERENCE_WEEKS]
    if not used:
        return None
    total_pay = sum(pm[0] for _s, pm in used)
    total_minutes = sum(pm[1] for _s, pm in used)
    weekly = int((Decimal(total_pay) / len(used)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    hourly = Decimal(total_pay) * 60 / total_minutes if total_minutes else Decimal(0)
    oldest = used[-1][0]
    skipped = (this_week - oldest).days // 7 - len(used)
    lines = [
        f"We looked back from the week starting {format_date(this_week)} for the last "
        f"{REFERENCE_WEEKS} weeks with pay, no further than {LOOK_BACK_WEEKS} weeks "
        f"(to {format_date(earliest)}).",
        f"Weeks with pay found: {len(used)}, the oldest starting {format_date(oldest)}; "
        f"weeks with no pay skipped: {skipped}.",
        f"Pay in those weeks: {format_pence(total_pay)} for {hours(total_minutes)} of work.",
        f"A week's pay on average: {format_pence(total_pay)} ÷ {len(used)} = "
        f"{format_pence(weekly)}.",
    ]
    if total_minutes:
        lines.append(f"An hour's pay on average: {format_pence(total_pay)} ÷ "
                     f"{_hours_text(Decimal(total_minutes) / 60)} hours = "
                     f"{format_pence(int(hourly.quantize(Decimal(1), ROUND_HALF_UP)))}.")
    if len(used) < REFERENCE_WEEKS:
        lines.append(f"They have fewer than {REFERENCE_WEEKS} weeks with pay, so we used "
                     f"the {len(used)} there are.")
    return Average(len(used), weekly, hourly, tuple(lines))


def pence_for(minutes: int, hourly_pence: Decimal) -> int:
    """Pay for ``minutes`` at an hourly rate in pence, to the nearest penny (half up)."""
    exact = Decimal(minutes) * hourly_pence / 60
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rolled_up(pay_pence: int, year_first: date) -> int:
    """Rolled-up holiday pay: 12.07% of the pay for work in the period (nearest penny).
    Only for leave years from 1 April 2024 (0 before)."""
    if year_first < IRREGULAR_RULES_FROM:
        return 0
    return int((Decimal(pay_pence) * ACCRUAL_RATE).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def days_in(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
