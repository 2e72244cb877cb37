"""Employer duties: when PAYE must be run, and the Employment Allowance."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .calendar import check_frequency
from .errors import from_pence, to_pence
from .params import employment_allowance_table, lookup, params_for_date


def employment_allowance(pay_date: date) -> Decimal:
    """Employment Allowance (yearly, per employer) for the tax year containing ``pay_date``.

    It reduces the employer's secondary Class 1 NI bill. Employers of care and support workers,
    including people who use a direct payment to employ a PA, can claim it.
    """
    return Decimal(employment_allowance_table(pay_date)["value"]).quantize(Decimal("0.01"))


def paye_threshold(frequency: str, pay_date: date) -> Decimal:
    """The pay per period at or above which an employer must operate PAYE.

    Up to 5 April 2025: the Lower Earnings Limit. From 6 April 2025: the lower of the LEL and
    the Secondary Threshold (£96 a week / £417 a month in 2025/26 and 2026/27).
    """
    check_frequency(frequency)
    yp = params_for_date(pay_date)
    rule = lookup("rti", "paye_threshold", pay_date, "PAYE threshold", open_ended=True)["rule"]
    th = yp.ni_thresholds[frequency]
    value = th["lel"] if rule == "lel" else min(th["lel"], th["st"])
    return from_pence(value)


def must_operate_paye(
    pay: Decimal,
    frequency: str,
    pay_date: date,
    *,
    has_other_job_or_pension: bool = False,
    receives_taxable_benefits: bool = False,
) -> bool:
    """Whether an employer must run PAYE (register, report to HMRC) for this pay.

    True if pay reaches the PAYE threshold for the period (see ``paye_threshold``), or the
    employee has another job or a pension, or gets taxable benefits.
    """
    pence = to_pence(pay, "pay")
    if has_other_job_or_pension or receives_taxable_benefits:
        return True
    return pence >= to_pence(paye_threshold(frequency, pay_date), "threshold")
