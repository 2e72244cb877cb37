"""UK payroll rules for people who employ personal assistants (PAs).

Pure Python, standard library only, Decimal / integer pence throughout (floats are refused).
Every statutory figure comes from the TOML files in ``payroll_rules/data`` with its source.

Main entry points::

    calculate(PayInput(...)) -> PayResult          # tax, NI, pension, student and
                                                   # postgraduate loans, net pay, explain()
    minimum_hourly_wage(age, on, apprentice=False)  # NMW / NLW hourly rate
    auto_enrolment_status(age, earnings, frequency, pay_date)
    employment_allowance(pay_date)
    pension_contributions(pay, frequency, pay_date, pension)
    holiday_entitlement_days(days_per_week), irregular_hours_accrual(hours_worked, ...)
    statutory_sick_pay(...)
    must_operate_paye(pay, frequency, pay_date)
    hmrc_payment_due_date(pay_date, quarterly=False)
"""

from __future__ import annotations

from .api import PayInput, PayResult, calculate
from .calendar import hmrc_payment_due_date, period_for_date, period_start, tax_year_start
from .errors import PayrollInputError
from .holiday import holiday_entitlement_days, irregular_hours_accrual, round_accrued_hours
from .minimum_wage import minimum_hourly_wage
from .pension import Pension, PensionContributions, auto_enrolment_status, pension_contributions
from .rti import employment_allowance, must_operate_paye, paye_threshold
from .ssp import SickPay, statutory_sick_pay
from .taxcode import TaxCode, parse_tax_code

__all__ = [
    "PayInput",
    "PayResult",
    "PayrollInputError",
    "Pension",
    "PensionContributions",
    "SickPay",
    "TaxCode",
    "auto_enrolment_status",
    "calculate",
    "employment_allowance",
    "hmrc_payment_due_date",
    "holiday_entitlement_days",
    "irregular_hours_accrual",
    "minimum_hourly_wage",
    "must_operate_paye",
    "parse_tax_code",
    "paye_threshold",
    "pension_contributions",
    "period_for_date",
    "period_start",
    "round_accrued_hours",
    "statutory_sick_pay",
    "tax_year_start",
]
