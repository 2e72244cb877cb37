"""How long a shift is and what it pays, from the contract's rates. Pure: no database.

Rules written down here (ours, not HMRC's):

- A shift whose end time is at or before its start time ends the next day (a night shift
  from 22:00 to 07:00 is 9 hours). A shift is at most 24 hours.
- Paid time is the time from start to end less the unpaid break.
- A sleep-in is paid the contract's flat sleep-in allowance, whatever its length, and is
  not working time: it counts for neither the minimum wage nor working hours.
- A day, waking night, weekend or bank holiday shift is paid at that kind's hourly rate;
  where the contract has no rate for the kind (no weekend rate, say) the day rate is used.
- Pay for one shift is rate x minutes / 60, rounded to the nearest penny (half a penny up).
  Each shift is rounded on its own, so a payslip's pay is the sum of what each shift shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

DAY_MINUTES = 24 * 60


class ShiftError(ValueError):
    """A shift that cannot be worked out (a break longer than the shift, say)."""


# The kinds of shift in plain words, for pages, payslips and questions.
SHIFT_WORDS = {"day": "day", "night": "waking night", "weekend": "weekend",
               "bank_holiday": "bank holiday"}


@dataclass(frozen=True, slots=True)
class Rates:
    """A contract's rates, in pence (an hour, or a night for the sleep-in)."""

    day: int
    night: int | None = None
    weekend: int | None = None
    bank_holiday: int | None = None
    sleep_in: int | None = None

    def hourly(self, kind: str) -> int:
        if kind == "sleep_in":
            raise ShiftError("A sleep-in is a flat allowance, not an hourly rate")
        rate = {"day": self.day, "night": self.night, "weekend": self.weekend,
                "bank_holiday": self.bank_holiday}.get(kind)
        if kind not in ("day", "night", "weekend", "bank_holiday"):
            raise ShiftError(f"Unknown kind of shift: {kind}")
        return self.day if rate is None else rate


@dataclass(frozen=True, slots=True)
class ShiftPay:
    """One shift worked out: minutes paid, working minutes (for the minimum wage) and pay."""

    kind: str
    minutes: int
    working_minutes: int
    rate_pence: int
    pay_pence: int

    @property
    def is_sleep_in(self) -> bool:
        return self.kind == "sleep_in"


def span_minutes(start: time, end: time) -> int:
    """Minutes from start to end; an end at or before the start is the next day."""
    begin = start.hour * 60 + start.minute
    finish = end.hour * 60 + end.minute
    if finish <= begin:
        finish += DAY_MINUTES
    return finish - begin


def starts_and_ends(work_date: date, start: time, end: time) -> tuple[datetime, datetime]:
    """The shift's start and end as date-times (for overlap checks)."""
    begin = datetime.combine(work_date, start)
    return begin, begin + timedelta(minutes=span_minutes(start, end))


def paid_minutes(start: time, end: time, break_minutes: int) -> int:
    if break_minutes < 0:
        raise ShiftError("A break cannot be less than 0 minutes")
    span = span_minutes(start, end)
    if break_minutes >= span:
        raise ShiftError("The unpaid break is as long as the shift or longer")
    return span - break_minutes


def pence_for_minutes(rate_pence: int, minutes: int) -> int:
    """rate x minutes / 60 to the nearest penny, half a penny up."""
    exact = Decimal(rate_pence) * minutes / 60
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def shift_pay(kind: str, start: time, end: time, break_minutes: int, rates: Rates) -> ShiftPay:
    minutes = paid_minutes(start, end, break_minutes)
    if kind == "sleep_in":
        allowance = rates.sleep_in or 0
        return ShiftPay(kind, minutes, 0, allowance, allowance)
    rate = rates.hourly(kind)
    return ShiftPay(kind, minutes, minutes, rate, pence_for_minutes(rate, minutes))
