"""Statutory holiday entitlement (Working Time Regulations 1998 as amended)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_FLOOR, Decimal

from .errors import PayrollInputError, require_decimal
from .params import lookup

_ONE = Decimal(1)


def _rules(on: date) -> dict[str, object]:
    return lookup("holiday", "holiday", on, "holiday", open_ended=True)


def holiday_entitlement_days(
    days_per_week: Decimal,
    *,
    fraction_of_year: Decimal = _ONE,
    on: date | None = None,
) -> Decimal:
    """Statutory paid holiday in days for a leave year: 5.6 weeks, capped at 28 days.

    ``days_per_week`` is the number of days the worker usually works (0 < days <= 7), for example
    Decimal("3") gives 16.8 days. ``fraction_of_year`` pro-rates for someone who starts or
    leaves part-way through the leave year (for example Decimal(6) / 12). The result is exact
    (not rounded); employers may round part-days up, never down.
    """
    days = require_decimal(days_per_week, "days_per_week")
    frac = require_decimal(fraction_of_year, "fraction_of_year")
    if not Decimal(0) < days <= 7:
        raise PayrollInputError("Days worked a week must be more than 0 and at most 7.")
    if not Decimal(0) <= frac <= _ONE:
        raise PayrollInputError("The fraction of the leave year must be between 0 and 1.")
    rules = _rules(on or date(2024, 4, 1))
    weeks = Decimal(rules["weeks_per_year"])  # type: ignore[arg-type]
    cap = Decimal(rules["cap_days"])  # type: ignore[arg-type]
    return min(weeks * days, cap) * frac


def round_accrued_hours(hours: Decimal) -> Decimal:
    """Round accrued holiday hours to whole hours: under 30 minutes down, 30 minutes or more up."""
    h = require_decimal(hours, "hours")
    whole = h.to_integral_value(rounding=ROUND_FLOOR)
    return whole + 1 if (h - whole) * 60 >= 30 else whole


def irregular_hours_accrual(
    hours_worked: Decimal, leave_year_start: date, *, round_to_hour: bool = False
) -> Decimal:
    """Holiday hours accrued by an irregular-hours or part-year worker in one pay period.

    For leave years starting on or after 1 April 2024, holiday accrues at 12.07% of the hours
    actually worked in each pay period (12.07% = 5.6 / (52 - 5.6)). The exact figure is returned
    (100 hours -> 12.07 hours). With ``round_to_hour=True`` it is rounded to whole hours (under 30
    minutes down, 30 minutes or more up, as in the draft regulations). Whether to round each
    period or the running total is not confirmed: rounding the running total is the safer choice,
    so by default no rounding is done here.
    """
    hours = require_decimal(hours_worked, "hours_worked")
    if hours < 0:
        raise PayrollInputError("Hours worked cannot be negative.")
    rules = lookup("holiday", "holiday", leave_year_start, "holiday accrual", open_ended=True)
    accrued = hours * Decimal(rules["irregular_hours_accrual_rate"])
    return round_accrued_hours(accrued) if round_to_hour else accrued
