"""The payment schedule: what money should enter the account, and when.

Timing
    In advance, a period's payment is due on the period's first day. In arrears it is due
    on the day after the period ends (the first day of the next period; for the last period
    of an agreement with an ``end_date``, the day after ``end_date``).

Contributions
    Net basis: the council's "regular" payment is amount − contribution (not below 0) and
    the holder's "contribution" (the contribution, capped at the amount) is due into the
    account on the same day. The two together are the full amount. Gross basis: the
    "regular" payment is the full amount; the holder's contribution is invoiced by the council
    and never enters the account, so it is not in the schedule. Payments of £0 are left out.

One-off payments are listed on their own dates with kind "one_off".

The period a payment is for
    A regular payment and a contribution pay for the period in their ``period_index``: in
    arrears that is the period *before* the one they arrive in (the payment on 1 November
    of a monthly agreement in arrears pays for October). ``payments_for`` lists the payments
    for one period, whenever they arrive; a one-off payment counts for the period it is
    dated in.
"""

from __future__ import annotations

import datetime as dt

from .model import FundingTerms, Period, ScheduledPayment, check_date
from .periods import ONE_DAY, amount_for_period, iter_periods, period_index_on, period_on

_KIND_ORDER = {"regular": 0, "contribution": 1, "one_off": 2}


def _sort_key(p: ScheduledPayment) -> tuple[dt.date, int, int]:
    return (p.date, _KIND_ORDER[p.kind], p.period_index)


def payment_schedule(terms: FundingTerms, start: dt.date, end: dt.date) -> list[ScheduledPayment]:
    """Every payment due into the account on a date from ``start`` to ``end`` (inclusive).

    Sorted by date; on the same date the council's payment comes first, then the holder's
    contribution, then any one-off payment.
    """
    check_date(start, "start")
    check_date(end, "end")
    if end < start:
        return []
    due: list[ScheduledPayment] = []
    arrears = terms.timing == "arrears"
    # In arrears a payment arrives one period late, so begin one period earlier.
    first = 0
    if start > terms.start_date:
        first = max(0, period_index_on(terms, start) - (1 if arrears else 0))
    for period in iter_periods(terms, first):
        pay_date = period.end + ONE_DAY if arrears else period.start
        if pay_date > end:
            break
        if pay_date < start:
            continue
        amount = amount_for_period(terms, period)
        contribution = 0
        if terms.contribution_basis == "net":
            contribution = min(terms.client_contribution_pence, amount)
        parts = (("regular", amount - contribution), ("contribution", contribution))
        for kind, pence in parts:
            if pence:
                due.append(
                    ScheduledPayment(pay_date, pence, kind, period.index, period.start, period.end)
                )
    for when, pence, description in terms.one_off_payments:
        if start <= when <= end and pence:
            home = period_on(terms, when)
            assert home is not None  # one-offs are validated to lie within the agreement
            due.append(
                ScheduledPayment(
                    when, pence, "one_off", home.index, home.start, home.end, description
                )
            )
    due.sort(key=_sort_key)
    return due



def payment_date(terms: FundingTerms, period: Period) -> dt.date:
    """The day a period's regular payment is due (see "Timing")."""
    return period.end + ONE_DAY if terms.timing == "arrears" else period.start


def payments_for(terms: FundingTerms, period: Period) -> list[ScheduledPayment]:
    """The payments that pay for ``period``, whenever they arrive (module docstring)."""
    last = max(period.end, payment_date(terms, period))
    return [
        p
        for p in payment_schedule(terms, period.start, last)
        if p.period_index == period.index
    ]
