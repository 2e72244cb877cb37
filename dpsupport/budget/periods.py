"""Payment periods, agreement years and weekly equivalents.

Periods
    Period 0 starts on ``terms.start_date``. Weekly, two-weekly and four-weekly periods step
    by 7, 14 and 28 days. Monthly period ``i`` starts on ``start_date + relativedelta(months=i)``
    (always counted from the original start date, never from the previous period), so a start
    on 31 January gives 28 (or 29) February, 31 March, 30 April, 31 May... Each period ends
    the day before the next one starts. With an ``end_date`` the last period ends on it and
    no period starts after it.

Agreement years
    Year 0 runs from ``start_date`` for 12 months (to the day before the first anniversary),
    then year 1 from the anniversary, and so on (anniversaries of 29 February fall on
    28 February). A year is cut short at ``end_date``.

Weekly equivalents and rounding
    weekly = per-period amount × 7 ÷ 7, × 7 ÷ 14 or × 7 ÷ 28 for weekly, two-weekly and
    four-weekly schedules, and × 12 ÷ 52 for monthly ones. The exact result is a Decimal,
    rounded once to the penny, half up (``ROUND_HALF_UP``). Pro-rating by days
    (``pro_rata``) rounds the same way. Money is never held as a float.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

from .model import FundingTerms, Period, check_date, check_pence

STEP_DAYS = {"weekly": 7, "two_weekly": 14, "four_weekly": 28}
ONE_DAY = dt.timedelta(days=1)


def round_pence(amount: Decimal) -> int:
    """Round a Decimal amount of pence to a whole penny, half up (away from zero at .5)."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def pro_rata(pence: int, part_days: int, whole_days: int) -> int:
    """``pence × part_days ÷ whole_days``, rounded half up to the penny."""
    check_pence(pence, "pence")
    if whole_days <= 0:
        raise ValueError("whole_days must be positive")
    return round_pence(Decimal(pence) * part_days / whole_days)


def weekly_equivalent(terms: FundingTerms, per_period_pence: int) -> int:
    """The weekly equivalent of a per-period amount, in pence (see module docstring)."""
    check_pence(per_period_pence, "per_period_pence")
    if terms.frequency == "monthly":
        return round_pence(Decimal(per_period_pence) * 12 / 52)
    return round_pence(Decimal(per_period_pence) * 7 / STEP_DAYS[terms.frequency])


def weekly_equivalent_rule(terms: FundingTerms) -> str:
    """The rule in words, for workings: "× 7 ÷ 28", "× 12 ÷ 52"."""
    if terms.frequency == "monthly":
        return "× 12 months ÷ 52 weeks"
    return f"× 7 ÷ {STEP_DAYS[terms.frequency]} days"


def period_word(terms: FundingTerms) -> str:
    """ "week", "2 weeks", "4 weeks" or "month" """
    return {"weekly": "week", "two_weekly": "2 weeks", "four_weekly": "4 weeks"}.get(
        terms.frequency, "month"
    )


def _nominal_start(terms: FundingTerms, index: int) -> dt.date:
    if terms.frequency == "monthly":
        start: dt.date = terms.start_date + relativedelta(months=index)
        return start
    return terms.start_date + dt.timedelta(days=STEP_DAYS[terms.frequency] * index)


def period_at(terms: FundingTerms, index: int) -> Period | None:
    """Period number ``index`` (0-based), or None if it starts after ``end_date``."""
    if index < 0:
        raise ValueError("period index must not be negative")
    start = _nominal_start(terms, index)
    if terms.end_date is not None and start > terms.end_date:
        return None
    end = _nominal_start(terms, index + 1) - ONE_DAY
    if terms.end_date is not None and end > terms.end_date:
        end = terms.end_date
    return Period(index, start, end)


def period_index_on(terms: FundingTerms, day: dt.date) -> int:
    """The index of the period containing ``day`` (ignoring ``end_date``); day >= start."""
    check_date(day, "day")
    if day < terms.start_date:
        raise ValueError(f"{day} is before the agreement starts ({terms.start_date})")
    if terms.frequency == "monthly":
        s = terms.start_date
        index = (day.year - s.year) * 12 + (day.month - s.month)
        if _nominal_start(terms, index) > day:
            index -= 1
        return index
    return (day - terms.start_date).days // STEP_DAYS[terms.frequency]


def period_on(terms: FundingTerms, day: dt.date) -> Period | None:
    """The period containing ``day``; None before the start or after ``end_date``."""
    if day < terms.start_date or (terms.end_date is not None and day > terms.end_date):
        return None
    return period_at(terms, period_index_on(terms, day))


def iter_periods(terms: FundingTerms, first_index: int = 0) -> Iterator[Period]:
    """Periods from ``first_index`` onwards, until ``end_date`` (endless without one)."""
    index = first_index
    while (period := period_at(terms, index)) is not None:
        yield period
        index += 1


def periods(terms: FundingTerms, start: dt.date, end: dt.date) -> list[Period]:
    """The payment periods that overlap ``start``..``end`` (inclusive), whole, in order.

    A period that begins before ``start`` or ends after ``end`` is returned with its real
    boundaries; it is not cut to the range.
    """
    check_date(start, "start")
    check_date(end, "end")
    if end < start or end < terms.start_date:
        return []
    first = period_index_on(terms, max(start, terms.start_date))
    result = []
    for period in iter_periods(terms, first):
        if period.start > end:
            break
        result.append(period)
    return result


def agreement_year(terms: FundingTerms, day: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of the agreement year containing ``day``."""
    check_date(day, "day")
    s = terms.start_date
    if day < s:
        raise ValueError(f"{day} is before the agreement starts ({s})")
    years = day.year - s.year
    if s + relativedelta(years=years) > day:
        years -= 1
    first: dt.date = s + relativedelta(years=years)
    last: dt.date = s + relativedelta(years=years + 1) - ONE_DAY
    if terms.end_date is not None and last > terms.end_date:
        last = terms.end_date
    return first, last


def amount_for_period(terms: FundingTerms, period: Period) -> int:
    """The regular gross amount for a period: the latest change effective on or before its
    start (the earliest entry applies from the very start); 0 if there are no amounts."""
    if not terms.amounts:
        return 0
    amount = terms.amounts[0][1]
    for effective, pence in terms.amounts:
        if effective <= period.start:
            amount = pence
    return amount
