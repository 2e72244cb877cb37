"""Statutory Sick Pay (SSP) under the rules in force on the first day of sickness.

Up to 5 April 2026 ("waiting_days_and_lel"): the spell of sickness (period of incapacity for
work, PIW) must be at least 4 days in a row (non-working days count); the first 3 qualifying
days are unpaid waiting days (served once in a series of linked spells); average weekly earnings
(AWE) must reach the Lower Earnings Limit; SSP is the flat weekly rate.

From 6 April 2026 ("day_one_80_percent"): SSP is payable from the first qualifying day of
sickness, with no earnings test, at the LOWER of the weekly rate and 80% of AWE.

A day's SSP is the weekly amount divided by the number of qualifying days (days the employee
normally works) in the week; each SSP week (Sunday to Saturday) is rounded UP to the penny.
A spell that began before 6 April 2026 keeps the old rules (transitional protection) and gets the
new weekly rate for days from 6 April. At most 28 weeks are paid in a spell.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .errors import PayrollInputError, from_pence, to_pence
from .params import lookup, pounds_to_pence


@dataclass(frozen=True, slots=True)
class SickPay:
    """SSP due for a spell of sickness."""

    amount: Decimal
    days_paid: int
    waiting_days: int
    rules: str
    reason: str


def _week_start(d: date) -> date:
    return d - timedelta(days=(d.weekday() + 1) % 7)  # Sunday


def statutory_sick_pay(
    *,
    first_day: date,
    last_day: date,
    qualifying_days: Iterable[int],
    average_weekly_earnings: Decimal,
    waiting_days_already_served: int = 0,
) -> SickPay:
    """SSP for the sick days ``first_day`` to ``last_day`` inclusive.

    qualifying_days: weekdays the employee normally works, 0 = Monday ... 6 = Sunday.
    waiting_days_already_served: waiting days served in an earlier spell linked to this one
    (a gap of 8 weeks or less); 3 means none are left to serve.
    """
    if not isinstance(first_day, date) or not isinstance(last_day, date):
        raise TypeError("first_day and last_day must be datetime.date")
    if last_day < first_day:
        raise PayrollInputError("The last day of sickness is before the first day.")
    qds = frozenset(qualifying_days)
    if not qds or not qds <= set(range(7)):
        raise PayrollInputError("Qualifying days must be weekday numbers 0 (Monday) to 6 (Sunday).")
    awe = to_pence(average_weekly_earnings, "average_weekly_earnings")
    rules = lookup("ssp", "ssp", first_day, "Statutory Sick Pay")
    regime = str(rules["rules"])
    span = (last_day - first_day).days + 1
    if span < int(rules["minimum_piw_days"]):
        return SickPay(from_pence(0), 0, 0, regime,
                       f"Sickness must last at least {rules['minimum_piw_days']} days in a row "
                       "(including non-working days) for SSP under these rules.")
    if regime == "waiting_days_and_lel" and awe < pounds_to_pence(rules["lower_earnings_limit_weekly"]):
        return SickPay(from_pence(0), 0, 0, regime,
                       "Average weekly earnings are below the Lower Earnings Limit "
                       f"(£{rules['lower_earnings_limit_weekly']}), so no SSP is due.")
    waiting_left = max(0, int(rules["waiting_days"]) - waiting_days_already_served)
    q = len(qds)
    weeks: dict[date, int] = {}  # SSP week -> sum of weekly amounts (pence x 100) per paid day
    waiting = paid = 0
    day = first_day
    while day <= last_day and paid < 28 * q:
        if day.weekday() in qds:
            if waiting_left:
                waiting_left -= 1
                waiting += 1
            else:
                rate = lookup("ssp", "ssp", day, "Statutory Sick Pay")
                weekly = pounds_to_pence(rate["weekly_rate"]) * 100
                if regime == "day_one_80_percent":
                    weekly = min(weekly, int(awe * Decimal(rules["earnings_fraction"]) * 100))
                wk = _week_start(day)
                weeks[wk] = weeks.get(wk, 0) + weekly
                paid += 1
        day += timedelta(days=1)
    total = sum(-(-v // (100 * q)) for v in weeks.values())
    reason = f"{paid} qualifying day(s) paid, {waiting} waiting day(s) unpaid."
    return SickPay(from_pence(total), paid, waiting, regime, reason)
