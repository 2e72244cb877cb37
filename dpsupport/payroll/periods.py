"""Pay periods and pay dates, from a contract's frequency and its pay day in words. Pure.

Rules written down here (ours; docs/payroll.md says why):

- A monthly pay period is a calendar month (1st to last day).
- A weekly pay period runs Monday to Sunday. Fortnightly and four-weekly periods also start
  on a Monday, counted in steps of 14 or 28 days from an anchor Monday (the service uses the
  Monday on or before the holder's first contract at that frequency), so periods never
  overlap and never leave a gap.
- The pay date comes from the contract's pay day, written in words on the contract form
  ("last Friday of the month"). We understand:
    "last day" / "last working day" (of the month); "last Friday"; "first Monday";
    a day of the month ("25th", "the 1st", "25"); a weekday on its own ("Friday").
  For a monthly period these are read within the period's calendar month (a day of the
  month past the month's end is its last day; a weekday on its own is the month's last).
  For weekly-based periods a weekday is the first one after the period ends, and anything
  else is the day after the period ends.
- A pay day we cannot read gives the period's last day (monthly) or the day after it ends
  (weekly-based); ``PayDate.understood`` is then False so a page can say so.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
STEP_DAYS = {"weekly": 7, "fortnightly": 14, "four_weekly": 28}


@dataclass(frozen=True, slots=True)
class Period:
    frequency: str
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class PayDate:
    on: date
    understood: bool


def monday_on_or_before(day: date) -> date:
    return day - timedelta(days=day.weekday())


def period_containing(frequency: str, day: date, anchor: date | None = None) -> Period:
    """The pay period of ``frequency`` that holds ``day``. ``anchor`` (any date) fixes where
    fortnightly and four-weekly periods start: the Monday on or before it starts one."""
    if frequency == "monthly":
        last = calendar.monthrange(day.year, day.month)[1]
        return Period(frequency, day.replace(day=1), day.replace(day=last))
    if frequency not in STEP_DAYS:
        raise ValueError(f"Unknown pay frequency: {frequency}")
    step = STEP_DAYS[frequency]
    base = monday_on_or_before(anchor or day)
    start = base + timedelta(days=((day - base).days // step) * step)
    return Period(frequency, start, start + timedelta(days=step - 1))


def next_period(period: Period) -> Period:
    return period_containing(period.frequency, period.end + timedelta(days=1), period.start)


def _weekday(words: str) -> int | None:
    for i, name in enumerate(WEEKDAYS):
        if re.search(rf"\b({name}|{name[:3]})s?\b", words):
            return i
    return None


def pay_date(period: Period, pay_day: str) -> PayDate:
    """The pay date for ``period`` from the contract's pay day in words (rules above)."""
    words = " ".join(pay_day.lower().split())
    weekday = _weekday(words)
    if period.frequency != "monthly":
        after = period.end + timedelta(days=1)
        if weekday is None:
            return PayDate(after, False)
        return PayDate(after + timedelta(days=(weekday - after.weekday()) % 7), True)
    first, last = period.start, period.end
    if "last" in words and ("working day" in words or "weekday" in words):
        day = last
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        return PayDate(day, True)
    if "last" in words and weekday is None and "day" in words:
        return PayDate(last, True)
    number = re.search(r"\b(\d{1,2})(st|nd|rd|th)?\b", words)
    if weekday is None and number is not None and 1 <= int(number.group(1)) <= 31:
        return PayDate(first.replace(day=min(int(number.group(1)), last.day)), True)
    if weekday is not None:
        if re.search(r"\bfirst\b|\b1st\b", words):
            return PayDate(first + timedelta(days=(weekday - first.weekday()) % 7), True)
        return PayDate(last - timedelta(days=(last.weekday() - weekday) % 7), True)
    return PayDate(last, False)
