"""Workplace pension: automatic enrolment status and contributions per pay period.

Qualifying earnings for a pay period are the pay between the lower and upper qualifying earnings
limits for that period (£520 and £4,189 a month in 2024/25 to 2026/27). Contributions are a rate
of qualifying earnings (or of all pay, if the scheme says so), rounded to the nearest penny
(half a penny rounds up).

Two ways of giving tax relief:
* ``net_pay`` (net pay arrangement): the employee contribution is taken from pay BEFORE tax, so
  it reduces the pay that PAYE tax is worked out on (NI is still on the full pay).
* ``relief_at_source``: the employee pays the contribution less basic-rate tax relief (20%) out
  of pay after tax; the pension provider claims the 20% from HMRC. ``employee_deduction`` is what
  comes off the payslip, ``employee_gross`` is what the pension receives for the employee.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from .calendar import check_frequency
from .errors import PayrollInputError, from_pence, require_decimal, to_pence
from .params import pension_year, pounds_to_pence

Status = Literal["eligible_jobholder", "non_eligible_jobholder", "entitled_worker", "not_applicable"]
_ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class Pension:
    """How a worker's workplace pension is paid.

    employee_rate / employer_rate: fractions (Decimal("0.05") = 5%). The legal minimum under
    automatic enrolment is 8% in total with at least 3% from the employer.
    method: "relief_at_source" or "net_pay". basis: "qualifying_earnings" or "all_pay".
    """

    employee_rate: Decimal = Decimal("0.05")
    employer_rate: Decimal = Decimal("0.03")
    method: str = "relief_at_source"
    basis: str = "qualifying_earnings"

    def __post_init__(self) -> None:
        for name in ("employee_rate", "employer_rate"):
            rate = require_decimal(getattr(self, name), name)
            if not Decimal(0) <= rate <= _ONE:
                raise PayrollInputError(f"Pension {name.replace('_', ' ')} must be between 0 and 1.")
        if self.method not in ("relief_at_source", "net_pay"):
            raise PayrollInputError("Pension method must be 'relief_at_source' or 'net_pay'.")
        if self.basis not in ("qualifying_earnings", "all_pay"):
            raise PayrollInputError("Pension basis must be 'qualifying_earnings' or 'all_pay'.")


@dataclass(frozen=True, slots=True)
class PensionContributions:
    """Contributions for one pay period (Decimal pounds)."""

    pensionable_pay: Decimal
    employee_gross: Decimal
    employee_deduction: Decimal
    employer: Decimal
    tax_relief: Decimal


def _round_pence(value: Decimal) -> int:
    return int(value.quantize(_ONE, rounding=ROUND_HALF_UP))


def contributions_pence(
    pay: int, frequency: str, pay_date: date, pension: Pension
) -> tuple[int, int, int, int, int]:
    """(pensionable pay, employee gross, employee deduction, employer, relief) in pence."""
    year = pension_year(pay_date)
    if pension.basis == "qualifying_earnings":
        lower = pounds_to_pence(year["qualifying_lower"][frequency])
        upper = pounds_to_pence(year["qualifying_upper"][frequency])
        pensionable = min(pay, upper) - lower if pay > lower else 0
    else:
        pensionable = max(pay, 0)
    ee_gross = _round_pence(pensionable * pension.employee_rate)
    er = _round_pence(pensionable * pension.employer_rate)
    relief = 0
    if pension.method == "relief_at_source":
        relief = _round_pence(ee_gross * year["relief_at_source"]["basic_rate"])
    return pensionable, ee_gross, ee_gross - relief, er, relief


def pension_contributions(
    pay: Decimal, frequency: str, pay_date: date, pension: Pension
) -> PensionContributions:
    """Employee and employer pension contributions for one pay period.

    >>> from decimal import Decimal
    >>> c = pension_contributions(Decimal("1000"), "monthly", date(2026, 5, 28), Pension())
    >>> c.pensionable_pay, c.employee_gross, c.employee_deduction, c.employer
    (Decimal('480.00'), Decimal('24.00'), Decimal('19.20'), Decimal('14.40'))
    """
    check_frequency(frequency)
    p, g, d, e, r = contributions_pence(to_pence(pay, "pay"), frequency, pay_date, pension)
    return PensionContributions(from_pence(p), from_pence(g), from_pence(d), from_pence(e),
                                from_pence(r))


# State Pension age by date of birth (Pensions Act 2014 section 26 and Schedule 12; GOV.UK
# "Check your State Pension age", https://www.gov.uk/state-pension-age): 66 for people born
# before 6 April 1960; for people born 6 April 1960 to 5 March 1961, 66 and one month more for
# each month of birth from 6 April 1960 (1 to 11 months); 67 for people born 6 March 1961 to
# 5 April 1977. Later births (a rise to 68 is planned, not yet law for these dates) are refused.
SPA_66_BEFORE = date(1960, 4, 6)
SPA_67_FROM = date(1961, 3, 6)
SPA_KNOWN_BEFORE = date(1977, 4, 6)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = [31, 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28, 31, 30,
            31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return date(year, month, min(day.day, last))


def state_pension_age_date(born: date) -> date:
    """The day someone born on ``born`` reaches State Pension age (the table above)."""
    if born >= SPA_KNOWN_BEFORE:
        raise PayrollInputError("State Pension age is not set in law yet for people born on or "
                                "after 6 April 1977.")
    if born < SPA_66_BEFORE:
        return _add_months(born, 66 * 12)
    if born < SPA_67_FROM:
        # born 6 April - 5 May 1960: 1 month more; each later month of birth, one more
        months = (born.year - 1960) * 12 + born.month - 4 + (0 if born.day >= 6 else -1) + 1
        return _add_months(born, 66 * 12 + months)
    return _add_months(born, 67 * 12)


def minimum_contribution_rates(on: date) -> tuple[Decimal, Decimal]:
    """(employer, total): the automatic-enrolment minimum contributions, as fractions of
    qualifying earnings, in force on ``on`` (data/pension.toml, with its source)."""
    rates = pension_year(on)["minimum_contributions"]
    return Decimal(str(rates["employer"])), Decimal(str(rates["total"]))


def auto_enrolment_status(
    age: int,
    earnings: Decimal,
    frequency: str,
    pay_date: date,
    *,
    state_pension_age: int | None = None,
) -> Status:
    """The worker's automatic-enrolment category for a pay reference period.

    * "eligible_jobholder": aged 22 to under State Pension age and earning MORE than the earnings
      trigger for the period (£833 a month): the employer must enrol them.
    * "non_eligible_jobholder": aged 16 to 74 earning more than the lower qualifying earnings
      limit (£520 a month) but not above the trigger, or aged 16-21 or State Pension age to 74
      earning above the trigger: they can opt in and the employer must contribute.
    * "entitled_worker": aged 16 to 74 earning the lower limit or less: they can ask to join.
    * "not_applicable": under 16 or 75 and over (outside automatic enrolment).

    state_pension_age defaults to the figure in data/pension.toml (66); pass the worker's own
    State Pension age if it differs (it is rising to 67 for people born after 5 April 1960).
    """
    if isinstance(age, bool) or not isinstance(age, int):
        raise TypeError("age must be a whole number of years (int)")
    check_frequency(frequency)
    pay = to_pence(earnings, "earnings")
    year = pension_year(pay_date)
    ages = year["ages"]
    spa = ages["state_pension_age"] if state_pension_age is None else state_pension_age
    if age < ages["minimum_worker_age"] or age > ages["maximum_worker_age"]:
        return "not_applicable"
    trigger = pounds_to_pence(year["earnings_trigger"][frequency])
    lower = pounds_to_pence(year["qualifying_lower"][frequency])
    if pay > trigger:
        if ages["eligible_minimum_age"] <= age < spa:
            return "eligible_jobholder"
        return "non_eligible_jobholder"
    if pay > lower:
        return "non_eligible_jobholder"
    return "entitled_worker"
