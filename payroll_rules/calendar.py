"""Tax years, pay periods and HMRC payment due dates.

A UK tax year runs from 6 April to 5 April. Tax month n runs from the 6th of one month to the
5th of the next (month 1 = 6 April to 5 May). Tax week n starts on 6 April + 7(n-1) days.
Fortnightly and four-weekly payrolls use tax weeks: fortnight n is tax week 2n and four-week
period n is tax week 4n. Week 53 (weekly), fortnight 27 (week 54) and four-week 14 (week 56)
are the extra pay days some years have.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

from .errors import PayrollInputError

FREQUENCIES: Final = ("weekly", "fortnightly", "four_weekly", "monthly")
#: weeks in one pay period of each weekly-based frequency (0 = monthly)
WEEKS_PER_PERIOD: Final = {"weekly": 1, "fortnightly": 2, "four_weekly": 4, "monthly": 0}
#: highest period number allowed, including the extra (week 53/54/56) pay day
MAX_PERIOD: Final = {"weekly": 53, "fortnightly": 27, "four_weekly": 14, "monthly": 12}
#: normal number of periods in a year (a higher number is the week 53/54/56 pay day)
PERIODS_PER_YEAR: Final = {"weekly": 52, "fortnightly": 26, "four_weekly": 13, "monthly": 12}
FREQUENCY_WORDS: Final = {
    "weekly": "week",
    "fortnightly": "fortnight",
    "four_weekly": "four-week period",
    "monthly": "month",
}


def check_frequency(frequency: object) -> str:
    if not isinstance(frequency, str) or frequency not in WEEKS_PER_PERIOD:
        raise PayrollInputError(
            f"Pay frequency {frequency!r} is not recognised: use weekly, fortnightly, "
            "four_weekly or monthly."
        )
    return frequency


def check_period(frequency: str, period: object) -> int:
    if isinstance(period, bool) or not isinstance(period, int):
        if isinstance(period, float):
            raise TypeError("period must be a whole number (int), not a float")
        raise PayrollInputError(f"Pay period must be a whole number, not {period!r}.")
    top = MAX_PERIOD[frequency]
    if not 1 <= period <= top:
        raise PayrollInputError(
            f"Pay period {period} is out of range: a {frequency.replace('_', '-')} payroll has "
            f"periods 1 to {top} in a tax year."
        )
    return period


def tax_year_start(on: date) -> int:
    """The calendar year in which the tax year containing ``on`` starts (2026 for 2026/27)."""
    return on.year if (on.month, on.day) >= (4, 6) else on.year - 1


def tax_year_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def tax_week(on: date) -> int:
    """Tax week (1-53) of a date."""
    start = date(tax_year_start(on), 4, 6)
    return (on - start).days // 7 + 1


def tax_month(on: date) -> int:
    """Tax month (1-12) of a date: month 1 is 6 April to 5 May."""
    m = on.month - 3 if on.day >= 6 else on.month - 4
    return (m - 1) % 12 + 1


def period_for_date(frequency: str, on: date) -> int:
    """Pay period number in the tax year for a pay date (weekly-based: by tax week)."""
    check_frequency(frequency)
    if frequency == "monthly":
        return tax_month(on)
    span = WEEKS_PER_PERIOD[frequency]
    return (tax_week(on) - 1) // span + 1


def period_start(tax_year: int, frequency: str, period: int) -> date:
    """First day of pay period ``period`` of the tax year starting in April ``tax_year``."""
    check_frequency(frequency)
    check_period(frequency, period)
    if frequency == "monthly":
        month = 4 + period - 1
        return date(tax_year + (month - 1) // 12, (month - 1) % 12 + 1, 6)
    weeks = (period - 1) * WEEKS_PER_PERIOD[frequency]
    return date(tax_year, 4, 6) + timedelta(weeks=weeks)


def hmrc_payment_due_date(pay_date: date, *, quarterly: bool = False, electronic: bool = True) -> date:
    """When PAYE tax and NI deducted on ``pay_date`` must reach HMRC.

    Payments are due by the 22nd (electronic) or 19th (by post) of the month after the tax month
    ends (tax months end on the 5th). Employers who usually pay HMRC less than £1,500 a month may
    pay quarterly: quarters end on 5 July, 5 October, 5 January and 5 April. If the 22nd is a
    Saturday or Sunday the electronic payment must clear by the Friday before (bank holidays are
    not adjusted here: check the GOV.UK calendar). Source: GOV.UK Running payroll: paying HMRC.
    """
    from .params import payment_due_rules  # local import: params imports this module

    if not isinstance(pay_date, date):
        raise TypeError("pay_date must be a datetime.date")
    rule = payment_due_rules(pay_date)
    month = tax_month(pay_date)
    if quarterly:
        month = ((month - 1) // 3 + 1) * 3
    # tax month m ends on the 5th of calendar month (m + 4); payment is due the 22nd of that month
    start = tax_year_start(pay_date)
    cal = 4 + month  # months since January of the start year
    year = start + (cal - 1) // 12
    mon = (cal - 1) % 12 + 1
    day = int(rule["electronic_day"] if electronic else rule["postal_day"])
    due = date(year, mon, day)
    if electronic:
        while due.weekday() >= 5:
            due -= timedelta(days=1)
    return due
