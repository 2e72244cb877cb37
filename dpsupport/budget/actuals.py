"""What actually happened: balances, and planned vs actual spend per period.

Allocation of a transaction to a plan line
    1. its ``plan_line_id`` if that names a line in the plan; otherwise
    2. the first line in the plan (in the order given) whose ``category`` equals the
       transaction's category; otherwise
    3. nothing: it is "unallocated".

Spend and money in
    A line's actual spend is minus the sum of its allocated transactions, so spend is positive
    and a refund (money in, allocated to a line) reduces it. Unallocated money out is
    "unallocated spend". Unallocated money in is "money in" (council payments, contributions,
    one-offs, interest...). In advance, money in counts for the period it is dated in, so for
    any period: money in − spend = the change in balance.

Money in for a period paid in arrears
    In arrears the council's payment (and a net contribution) for a period arrives after it
    ends, so it is counted for the period it pays for: a credit of exactly the amount due,
    dated within ``PAYMENT_WINDOW_DAYS`` days of the due date, is matched to that payment
    (each scheduled payment, in date order, takes the nearest credit not matched already)
    and counts for the period the payment is for. Other money in counts for the period it is
    dated in. So the payment on 1 November of a monthly agreement in arrears is October's.

Balances
    ``opening_balance`` is the balance at the start of ``start_date`` (the agreement's start),
    before that day's transactions. Every transaction in the account counts towards the
    balance, whatever its date: one dated before ``start_date`` (an imported statement line
    from before the agreement, say) is money that went in or out of the account, so it is
    counted on ``start_date`` and the money page says that it is outside the agreement.
    A list of payments therefore always adds up to the balance. Balances are end-of-day.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .model import (
    FundingTerms,
    Period,
    PlanLine,
    ScheduledPayment,
    Transaction,
    check_date,
    check_pence,
)
from .periods import period_at, period_index_on, periods
from .schedule import payment_date, payments_for

PAYMENT_WINDOW_DAYS = 5


@dataclass(frozen=True)
class LineReport:
    """Planned vs actual for one plan line in one period.

    ``difference_pence`` = planned − actual: positive means less was spent than planned,
    negative means more.
    """

    line_id: str | int
    category: str
    label: str
    planned_pence: int
    actual_pence: int
    difference_pence: int

    def under_percent(self, percent: int) -> bool:
        """True if something was planned and actual spend is below ``percent``% of it."""
        return self.planned_pence > 0 and self.actual_pence * 100 < percent * self.planned_pence


@dataclass(frozen=True)
class PeriodReport:
    """One payment period: per-line planned vs actual, unallocated spend and money in."""

    period: Period
    lines: tuple[LineReport, ...]
    unallocated_spend_pence: int
    unallocated: tuple[Transaction, ...]
    money_in_scheduled_pence: int
    money_in_received_pence: int

    @property
    def planned_pence(self) -> int:
        return sum(line.planned_pence for line in self.lines)

    @property
    def actual_pence(self) -> int:
        """All spend in the period: plan lines plus unallocated spend."""
        return sum(line.actual_pence for line in self.lines) + self.unallocated_spend_pence

    @property
    def difference_pence(self) -> int:
        """Planned − all spend (positive: spent less than planned)."""
        return self.planned_pence - self.actual_pence


def allocate(plan_lines: Sequence[PlanLine], txn: Transaction) -> PlanLine | None:
    """The plan line a transaction belongs to, or None (see module docstring)."""
    if txn.plan_line_id is not None:
        for line in plan_lines:
            if line.id == txn.plan_line_id:
                return line
    if txn.category is not None:
        for line in plan_lines:
            if line.category == txn.category:
                return line
    return None


@dataclass(frozen=True)
class Totals:
    """Money in and spend over a set of transactions."""

    by_line: dict[str | int, int]
    unallocated_spend_pence: int
    unallocated: tuple[Transaction, ...]
    money_in_pence: int

    @property
    def spend_pence(self) -> int:
        return sum(self.by_line.values()) + self.unallocated_spend_pence


def totals(plan_lines: Sequence[PlanLine], transactions: Iterable[Transaction]) -> Totals:
    """Split transactions into spend per plan line, unallocated spend and money in."""
    by_line: dict[str | int, int] = {line.id: 0 for line in plan_lines}
    unallocated: list[Transaction] = []
    unallocated_spend = 0
    money_in = 0
    # allocate() as two look-ups: a line by its id, else the first line with the category.
    line_ids = set(by_line)
    by_category: dict[str, str | int] = {}
    for line in plan_lines:
        by_category.setdefault(line.category, line.id)
    for txn in transactions:
        line_id: str | int | None = None
        if txn.plan_line_id is not None and txn.plan_line_id in line_ids:
            line_id = txn.plan_line_id
        elif txn.category is not None:
            line_id = by_category.get(txn.category)
        if line_id is not None:
            by_line[line_id] -= txn.amount_pence
        elif txn.amount_pence < 0:
            unallocated_spend -= txn.amount_pence
            unallocated.append(txn)
        else:
            money_in += txn.amount_pence
    return Totals(by_line, unallocated_spend, tuple(unallocated), money_in)


def in_range(
    transactions: Iterable[Transaction], first: dt.date, last: dt.date
) -> list[Transaction]:
    """Transactions dated ``first``..``last`` inclusive, in date order."""
    return sorted((t for t in transactions if first <= t.date <= last), key=lambda t: t.date)


class ByDate:
    """Transactions sorted by date once, so each date range is found by bisection (one sort
    for all the periods of a page, not a walk over every transaction per period)."""

    def __init__(self, transactions: Iterable[Transaction]) -> None:
        self.items = sorted(transactions, key=lambda t: t.date)
        self.dates = [t.date for t in self.items]

    def between(self, first: dt.date, last: dt.date) -> list[Transaction]:
        """Those dated ``first``..``last`` inclusive, in date order (as ``in_range``)."""
        lo = bisect_left(self.dates, first)
        return self.items[lo : bisect_right(self.dates, last, lo)]


def match_credits(
    due: Sequence[ScheduledPayment], credits: Sequence[Transaction]
) -> dict[int, ScheduledPayment]:
    """Which credit pays which scheduled payment: ``{index in credits: payment}``. Each
    payment, in date order, takes the nearest credit of exactly its amount dated within
    ``PAYMENT_WINDOW_DAYS`` days of its due date that no earlier payment took."""
    matched: dict[int, ScheduledPayment] = {}
    for p in sorted(due, key=lambda p: p.date):
        best: tuple[int, int] | None = None
        for i, txn in enumerate(credits):
            if i in matched or txn.amount_pence != p.amount_pence:
                continue
            gap = abs((txn.date - p.date).days)
            if gap <= PAYMENT_WINDOW_DAYS and (best is None or gap < best[1]):
                best = (i, gap)
        if best is not None:
            matched[best[0]] = p
    return matched


def money_in_for(
    terms: FundingTerms,
    plan_lines: Sequence[PlanLine],
    transactions: Sequence[Transaction] | ByDate,
    wanted: Sequence[Period],
    until: dt.date | None = None,
) -> list[int]:
    """Money in (unallocated credits) counted for each period of ``wanted`` (consecutive,
    in order), from credits dated up to ``until`` (module docstring)."""
    if not wanted:
        return []
    last_day = until or dt.date.max
    by_date = transactions if isinstance(transactions, ByDate) else ByDate(transactions)
    if terms.timing != "arrears":
        return [
            totals(plan_lines, by_date.between(p.start, min(p.end, last_day))).money_in_pence
            for p in wanted
        ]
    window = dt.timedelta(days=PAYMENT_WINDOW_DAYS)
    first, last = wanted[0], wanted[-1]
    # The payment for the period before the first arrives in the first: include it so its
    # credit is matched to it, and not counted as the first period's money.
    before = period_at(terms, first.index - 1) if first.index > 0 else None
    due = [p for period in ([before] if before else []) + list(wanted)
           for p in payments_for(terms, period) if p.kind != "one_off"]
    lo = (before or first).start - window
    hi = min(payment_date(terms, last) + window, last_day)
    credits = [
        t for t in by_date.between(lo, hi)
        if t.amount_pence > 0 and allocate(plan_lines, t) is None
    ]
    matched = match_credits(due, credits)
    result = {p.index: 0 for p in wanted}
    for i, txn in enumerate(credits):
        pay = matched.get(i)
        index = pay.period_index if pay is not None else None
        if index is None and first.start <= txn.date <= min(last.end, last_day):
            index = period_index_on(terms, txn.date)
        if index in result:
            result[index] += txn.amount_pence
    return [result[p.index] for p in wanted]


def plan_vs_actual(
    terms: FundingTerms,
    plan_lines: Sequence[PlanLine],
    transactions: Sequence[Transaction],
    start: dt.date,
    end: dt.date,
) -> list[PeriodReport]:
    """Planned vs actual for each payment period overlapping ``start``..``end``.

    Periods are whole (see ``periods``), and all spending dated within a period counts
    towards it. "Money in scheduled" is the total of the payments for the period
    (``schedule.payments_for``: regular payments, net contributions and one-offs); "received"
    is the money in counted for it (see "Money in" in the module docstring).
    """
    wanted = periods(terms, start, end)
    by_date = ByDate(transactions)
    received = money_in_for(terms, plan_lines, by_date, wanted)
    result = []
    for period, money_in in zip(wanted, received, strict=True):
        t = totals(plan_lines, by_date.between(period.start, period.end))
        lines = tuple(
            LineReport(
                line.id,
                line.category,
                line.label,
                line.planned_pence,
                t.by_line[line.id],
                line.planned_pence - t.by_line[line.id],
            )
            for line in plan_lines
        )
        scheduled = sum(p.amount_pence for p in payments_for(terms, period))
        result.append(
            PeriodReport(period, lines, t.unallocated_spend_pence, t.unallocated, scheduled, money_in)
        )
    return result


def balance_on(opening_balance: int, transactions: Iterable[Transaction], day: dt.date) -> int:
    """The end-of-day balance on ``day``: every transaction dated up to ``day`` counts."""
    check_pence(opening_balance, "opening_balance")
    return opening_balance + sum(t.amount_pence for t in transactions if t.date <= day)


def balance_series(
    opening_balance: int,
    start_date: dt.date,
    transactions: Iterable[Transaction],
    until: dt.date,
) -> list[tuple[dt.date, int]]:
    """End-of-day balances on ``start_date``, on each day with a transaction, and on ``until``.

    Dates strictly increase; transactions after ``until`` are left out, and those before
    ``start_date`` are counted in the first point (see "Balances" above). The last value is
    the balance at the end of ``until``.
    """
    check_pence(opening_balance, "opening_balance")
    check_date(start_date, "start_date")
    check_date(until, "until")
    if until < start_date:
        raise ValueError("until is before start_date")
    by_day: dict[dt.date, int] = {}
    for txn in transactions:
        if txn.date <= until:
            day = max(txn.date, start_date)
            by_day[day] = by_day.get(day, 0) + txn.amount_pence
    days = sorted(set(by_day) | {start_date, until})
    series = []
    balance = opening_balance
    for day in days:
        balance += by_day.get(day, 0)
        series.append((day, balance))
    return series
