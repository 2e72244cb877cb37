"""Bank holidays in each UK nation, from the `holidays` package. Pure: no database.

England and Wales share one list; Scotland and Northern Ireland each have their own (for
example 2 January and St Andrew's Day are bank holidays only in Scotland, St Patrick's Day
and the Battle of the Boyne only in Northern Ireland, and Easter Monday is not a bank
holiday in Scotland).

A bank holiday is always a weekday. When Christmas Day, say, falls on a Saturday, the bank
holiday is the substitute weekday (as on GOV.UK's list, https://www.gov.uk/bank-holidays):
the `holidays` package lists both the day itself and the substitute ("observed") day, so we
keep only the weekdays, and call a substitute day what GOV.UK calls it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays

# dpsupport's nations (models/people.py NATIONS) and the package's subdivisions of the UK
SUBDIVISIONS = {
    "england": "ENG",
    "wales": "WLS",
    "scotland": "SCT",
    "northern_ireland": "NIR",
}


@dataclass(frozen=True, slots=True)
class BankHoliday:
    day: date
    name: str


def _subdivision(nation: str) -> str:
    try:
        return SUBDIVISIONS[nation]
    except KeyError:
        raise ValueError(f"Unknown nation: {nation}") from None


@lru_cache(maxsize=64)
def _year(nation: str, year: int) -> tuple[BankHoliday, ...]:
    found = holidays.UK(subdiv=_subdivision(nation), years=year)
    days = []
    for day, name in sorted(found.items()):
        if day.weekday() >= 5:  # the substitute weekday is the bank holiday
            continue
        days.append(BankHoliday(day, str(name).replace("(observed)", "(substitute day)")))
    return tuple(days)


def bank_holidays(nation: str, first: date, last: date) -> list[BankHoliday]:
    """The bank holidays in ``nation`` from ``first`` to ``last`` inclusive, in date order."""
    if last < first:
        return []
    found: list[BankHoliday] = []
    for year in range(first.year, last.year + 1):
        found.extend(b for b in _year(nation, year) if first <= b.day <= last)
    return found


def is_bank_holiday(nation: str, day: date) -> bool:
    """Whether ``day`` is a bank holiday in ``nation`` (one of models.people.NATIONS)."""
    return any(b.day == day for b in _year(nation, day.year))


def bank_holiday_name(nation: str, day: date) -> str | None:
    return next((b.name for b in _year(nation, day.year) if b.day == day), None)
