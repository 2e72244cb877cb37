"""Inputs and outputs of the budget engine: plain frozen dataclasses.

Money is always an ``int`` number of pence. Passing a ``float`` (or a ``bool``, ``str`` or
``Decimal``) where pence are expected raises ``TypeError``: floats cannot hold pence exactly,
and a silent rounding error in someone's care budget is not acceptable.

Dates are ``datetime.date``. A ``datetime.datetime`` is refused (``TypeError``) because
comparing it with a date fails in surprising ways; the app should pass ``.date()``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

FREQUENCIES: Final = ("weekly", "two_weekly", "four_weekly", "monthly")
TIMINGS: Final = ("advance", "arrears")
CONTRIBUTION_BASES: Final = ("net", "gross")
PAYMENT_KINDS: Final = ("regular", "contribution", "one_off")


def check_pence(value: object, name: str) -> int:
    """Return ``value`` if it is an int number of pence; otherwise raise ``TypeError``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(
            f"{name} must be a whole number of pence (int), not {type(value).__name__}: {value!r}"
        )
    return value


def check_date(value: object, name: str) -> dt.date:
    """Return ``value`` if it is a ``date`` (and not a ``datetime``); else raise ``TypeError``."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__}: {value!r}")
    return value


@dataclass(frozen=True)
class FundingTerms:
    """The funding agreement: how much the council pays, how often and when.

    - ``frequency``: "weekly" | "two_weekly" | "four_weekly" | "monthly". Weekly periods step
      by 7, 14 or 28 days from ``start_date``; monthly periods step by calendar month from
      ``start_date`` (day clamped to the month's length: 31 Jan, 28/29 Feb, 31 Mar, 30 Apr...).
    - ``timing``: "advance": a period's payment arrives on the period's first day;
      "arrears": it arrives on the day after the period ends (the next period's first day).
    - ``amounts``: ``(effective_date, amount_pence)`` pairs: the regular gross amount per
      period. A change applies to periods *starting* on or after its effective date. The
      earliest entry applies from the start of the agreement whatever its date.
    - ``one_off_payments``: ``(date, amount_pence, description)``; dated within the agreement.
    - ``client_contribution_pence`` per period and ``contribution_basis``: "net" means the
      council pays amount − contribution and the holder pays the contribution into the account
      on the same day (so the full amount enters the account); "gross" means the council pays
      the full amount and invoices the holder separately (nothing extra enters the account).
    - ``contingency_reserve_pence``: the agreed reserve target, set aside before any surplus.
    - ``surplus_threshold_weeks``: weeks of the regular payment the holder may keep (default 8).
    - ``end_date``: optional last day of the agreement (inclusive). The last period is cut
      short at it but its payment is not pro-rated.
    """

    start_date: dt.date
    frequency: str
    amounts: tuple[tuple[dt.date, int], ...]
    timing: str = "advance"
    scheme: str = ""
    one_off_payments: tuple[tuple[dt.date, int, str], ...] = ()
    client_contribution_pence: int = 0
    contribution_basis: str = "net"
    contingency_reserve_pence: int = 0
    surplus_threshold_weeks: int = 8
    end_date: dt.date | None = None

    def __post_init__(self) -> None:
        check_date(self.start_date, "start_date")
        if self.frequency not in FREQUENCIES:
            raise ValueError(f"frequency must be one of {FREQUENCIES}, not {self.frequency!r}")
        if self.timing not in TIMINGS:
            raise ValueError(f"timing must be one of {TIMINGS}, not {self.timing!r}")
        if self.contribution_basis not in CONTRIBUTION_BASES:
            raise ValueError(
                f"contribution_basis must be one of {CONTRIBUTION_BASES}, "
                f"not {self.contribution_basis!r}"
            )
        amounts = []
        for i, pair in enumerate(self.amounts):
            when, pence = pair
            check_date(when, f"amounts[{i}] effective date")
            check_pence(pence, f"amounts[{i}] amount")
            if pence < 0:
                raise ValueError(f"amounts[{i}] must not be negative")
            amounts.append((when, pence))
        amounts.sort(key=lambda p: p[0])
        if len({when for when, _ in amounts}) != len(amounts):
            raise ValueError("amounts has two entries with the same effective date")
        object.__setattr__(self, "amounts", tuple(amounts))
        if self.end_date is not None:
            check_date(self.end_date, "end_date")
            if self.end_date < self.start_date:
                raise ValueError("end_date is before start_date")
        one_offs = []
        for i, item in enumerate(self.one_off_payments):
            when, pence, description = item
            check_date(when, f"one_off_payments[{i}] date")
            check_pence(pence, f"one_off_payments[{i}] amount")
            if when < self.start_date or (self.end_date is not None and when > self.end_date):
                raise ValueError(f"one_off_payments[{i}] is dated outside the agreement")
            one_offs.append((when, pence, str(description)))
        object.__setattr__(self, "one_off_payments", tuple(one_offs))
        check_pence(self.client_contribution_pence, "client_contribution_pence")
        check_pence(self.contingency_reserve_pence, "contingency_reserve_pence")
        if self.client_contribution_pence < 0 or self.contingency_reserve_pence < 0:
            raise ValueError("contribution and contingency reserve must not be negative")
        weeks = self.surplus_threshold_weeks
        if isinstance(weeks, bool) or not isinstance(weeks, int) or weeks < 0:
            raise TypeError("surplus_threshold_weeks must be a whole number of weeks (int >= 0)")


@dataclass(frozen=True)
class PlanLine:
    """One line of the support plan; ``planned_pence`` is per payment period."""

    id: str | int
    category: str
    label: str
    planned_pence: int
    outcome: str | None = None

    def __post_init__(self) -> None:
        check_pence(self.planned_pence, "planned_pence")
        if self.planned_pence < 0:
            raise ValueError("planned_pence must not be negative")


@dataclass(frozen=True)
class Transaction:
    """A bank (or cash) line: money in is positive, money out negative."""

    date: dt.date
    amount_pence: int
    category: str | None = None
    plan_line_id: str | int | None = None
    description: str = ""

    def __post_init__(self) -> None:
        check_date(self.date, "date")
        check_pence(self.amount_pence, "amount_pence")


@dataclass(frozen=True)
class Outgoing:
    """A payment out worked out for a day in the forecast (a coming pay run, say), counted
    on top of the plan's spending."""

    date: dt.date
    amount_pence: int
    description: str
    working: str = ""

    def __post_init__(self) -> None:
        check_pence(self.amount_pence, "amount_pence")


@dataclass(frozen=True)
class Liability:
    """Money owed but not yet paid (holiday pay accrued, unpaid wages, tax due, invoices)."""

    description: str
    amount_pence: int

    def __post_init__(self) -> None:
        check_pence(self.amount_pence, "amount_pence")
        if self.amount_pence < 0:
            raise ValueError("a liability is money owed: amount_pence must not be negative")


@dataclass(frozen=True)
class Period:
    """A payment period: ``start`` and ``end`` are both inclusive."""

    index: int
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class ScheduledPayment:
    """Money expected to enter the account.

    ``kind``: "regular" (the council's payment), "contribution" (the holder's own payment
    in, net basis only) or "one_off". ``period_index``/``period_start``/``period_end``: for
    regular payments and contributions, the period the money is *for* (in arrears it arrives
    after that period); for one-offs, the period containing the payment date.
    """

    date: dt.date
    amount_pence: int
    kind: str
    period_index: int
    period_start: dt.date
    period_end: dt.date
    description: str = ""


StepValue = int | dt.date | Decimal | str | None


@dataclass(frozen=True)
class Step:
    """One line of "How we worked this out".

    ``value`` is pence when it is an ``int``; a ``Decimal`` is a plain number (weeks, a
    fraction); a ``str`` is shown as it is. ``text`` renders the whole line in plain English.
    """

    label: str
    value: StepValue
    note: str | None = None

    @property
    def text(self) -> str:
        from ..text import format_value

        line = self.label if self.value is None else f"{self.label}: {format_value(self.value)}"
        return f"{line} ({self.note})" if self.note else line


FigureValue = int | dt.date | Decimal | None


@dataclass(frozen=True)
class Figure:
    """An output figure with its plain-English ``label`` and its ``workings``.

    ``value``: pence (``int``), a ``date``, a ``Decimal`` (weeks) or ``None`` when it cannot
    be worked out or does not apply; ``note`` then says why in plain English.
    """

    value: FigureValue
    label: str
    workings: tuple[Step, ...] = field(default_factory=tuple)
    note: str | None = None

    @property
    def text(self) -> str:
        """The value alone, formatted for people ("£1,240.00", "14 March 2026", "9.5")."""
        from ..text import format_value

        return format_value(self.value) if self.value is not None else (self.note or "")


@dataclass(frozen=True)
class Tally:
    """Transactions summed instead of listed: how many, money in, money out (positive),
    and the first and last date (None when there are none)."""

    count: int = 0
    money_in_pence: int = 0
    money_out_pence: int = 0
    first: dt.date | None = None
    last: dt.date | None = None

    def __post_init__(self) -> None:
        check_pence(self.money_in_pence, "money_in_pence")
        check_pence(self.money_out_pence, "money_out_pence")

    @property
    def net_pence(self) -> int:
        return self.money_in_pence - self.money_out_pence

    @classmethod
    def of(cls, transactions: Iterable[Transaction]) -> Tally:
        count = money_in = money_out = 0
        first: dt.date | None = None
        last: dt.date | None = None
        for t in transactions:
            count += 1
            if t.amount_pence > 0:
                money_in += t.amount_pence
            else:
                money_out -= t.amount_pence
            first = t.date if first is None or t.date < first else first
            last = t.date if last is None or t.date > last else last
        return cls(count, money_in, money_out, first, last)

    def __add__(self, other: Tally) -> Tally:
        firsts = [d for d in (self.first, other.first) if d is not None]
        lasts = [d for d in (self.last, other.last) if d is not None]
        return Tally(
            self.count + other.count,
            self.money_in_pence + other.money_in_pence,
            self.money_out_pence + other.money_out_pence,
            min(firsts) if firsts else None,
            max(lasts) if lasts else None,
        )


@dataclass(frozen=True)
class Earlier:
    """Every transaction dated before ``before``, given as totals rather than one by one.

    ``everything`` sums them all; ``before_agreement`` sums those of them dated before the
    agreement's start date. With an ``Earlier``, the transactions passed one by one must all
    be dated on or after ``before`` (see ``picture.window_start`` for the earliest date any
    figure looks at one by one).
    """

    before: dt.date
    everything: Tally = field(default_factory=Tally)
    before_agreement: Tally = field(default_factory=Tally)

    @classmethod
    def of(
        cls, transactions: Iterable[Transaction], before: dt.date, agreement_start: dt.date
    ) -> Earlier:
        """Sum the ``transactions`` dated before ``before`` (the others are ignored)."""
        old = [t for t in transactions if t.date < before]
        return cls(before, Tally.of(old), Tally.of(t for t in old if t.date < agreement_start))
