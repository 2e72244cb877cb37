"""National Minimum Wage and National Living Wage hourly rates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .errors import PayrollInputError
from .params import lookup


def minimum_hourly_wage(
    age: int,
    on: date,
    apprentice: bool = False,
    *,
    pay_reference_period_start: date | None = None,
) -> Decimal:
    """The legal minimum hourly pay for a worker of ``age`` for work on ``on``.

    New rates take effect on 1 April but apply from the start of the first pay reference period
    that BEGINS on or after 1 April. Pass ``pay_reference_period_start`` (the first day of the
    pay period the work falls in) to apply that rule: a period that began on 25 March keeps the
    old rate for the whole period. Without it, the rate in force on ``on`` is returned.

    ``apprentice=True`` means the worker is entitled to the apprentice rate (apprentices under 19,
    or 19 and over in the first year of their apprenticeship).
    Raises PayrollInputError for ages under 16 (no minimum wage applies) or unsupported dates.
    """
    if isinstance(age, bool) or not isinstance(age, int):
        raise TypeError("age must be a whole number of years (int)")
    if not isinstance(on, date):
        raise TypeError("on must be a datetime.date")
    when = on
    if pay_reference_period_start is not None:
        if pay_reference_period_start > on:
            raise PayrollInputError("The pay reference period cannot start after the work date.")
        when = pay_reference_period_start
    if age < 16:
        raise PayrollInputError(
            "The minimum wage applies from school leaving age: there is no rate under 16."
        )
    rates = lookup("minimum_wage", "rates", when, "minimum wage")
    if apprentice:
        key = "apprentice"
    elif age >= 21:
        key = "age_21_and_over"
    elif age >= 18:
        key = "age_18_to_20"
    else:
        key = "age_16_to_17"
    return Decimal(rates[key]).quantize(Decimal("0.01"))
