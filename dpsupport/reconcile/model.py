"""What reconciliation takes and gives: plain frozen dataclasses, money in signed pence.

An :class:`Expectation` is one payment that should show in the bank: the council's regular
payment, a contribution, a one-off payment, a PA's net pay, HMRC, the pension scheme, or a
regular payee of a plan line. A :class:`BankLine` is one transaction. A :class:`Pairing`
says that one bank line is one expectation, and why, in words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..budget.model import check_date, check_pence

# The kinds of expectation, with what a person calls them.
KINDS = {
    "regular": "The council's regular payment",
    "contribution": "Your contribution",
    "one_off": "A one-off payment from the council",
    "net_pay": "A PA's net pay",
    "hmrc": "PAYE and National Insurance to HMRC",
    "pension": "Pension contributions to the scheme",
    "regular_payee": "A regular payment from a plan line",
}


@dataclass(frozen=True)
class Expectation:
    """One payment expected in the bank.

    - ``key``: stable and unique (for example "payment_due:12", "regular:2026-04-06"): a
      confirmed match is stored against it, so it must not change when figures are worked
      out again.
    - ``amount_pence``: signed (money in positive, out negative). With ``amount_max_pence``
      the expectation takes any amount from ``amount_pence`` to ``amount_max_pence``
      (both the same sign, ``amount_pence`` nearer zero); without it, exactly that amount.
    - ``due``: the day it is due; a bank line may be dated ``days_before`` days earlier up
      to ``days_after`` days later.
    - ``payees``: names it may be paid to or from (hints, compared with the bank line's
      payee); ``recognised_as``: a kind of payee the flags' word lists know ("hmrc",
      "pension"), which counts as the right payee too.
    - ``payee_required``: only a bank line with a matching payee will do (for amounts in a
      range, which say little on their own).
    - ``words``: what it is, finishing a sentence: "net pay for 25 February to 24 March".
    - ``soft``: a guess from habit (a plan line's regular payee), not something owed: when
      it is left unpaid only because the line it would take pays another expectation (a
      PA's wages sorted to the plan's wages line are their net pay), it is not missing.
    """

    key: str
    kind: str
    due: dt.date
    amount_pence: int
    words: str
    days_before: int = 5
    days_after: int = 5
    amount_max_pence: int | None = None
    payees: tuple[str, ...] = ()
    recognised_as: str | None = None
    payee_required: bool = False
    soft: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {self.kind!r}")
        check_date(self.due, "due")
        check_pence(self.amount_pence, "amount_pence")
        if self.amount_pence == 0:
            raise ValueError("an expected payment of £0 cannot be seen in the bank")
        if self.amount_max_pence is not None:
            check_pence(self.amount_max_pence, "amount_max_pence")
            low, high = abs(self.amount_pence), abs(self.amount_max_pence)
            if (self.amount_max_pence > 0) != (self.amount_pence > 0) or high < low:
                raise ValueError("amount_max_pence must be of the same sign and further from 0")
        if self.days_before < 0 or self.days_after < 0:
            raise ValueError("the days either side of the due date must not be negative")

    @property
    def money_in(self) -> bool:
        return self.amount_pence > 0

    @property
    def first_day(self) -> dt.date:
        return self.due - dt.timedelta(days=self.days_before)

    @property
    def last_day(self) -> dt.date:
        return self.due + dt.timedelta(days=self.days_after)

    def takes_amount(self, pence: int) -> bool:
        if self.amount_max_pence is None:
            return pence == self.amount_pence
        low, high = sorted((self.amount_pence, self.amount_max_pence))
        return low <= pence <= high


@dataclass(frozen=True)
class BankLine:
    """One transaction: ``id`` is the transaction's id; money in positive, out negative."""

    id: int
    date: dt.date
    amount_pence: int
    payee: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        check_date(self.date, "date")
        check_pence(self.amount_pence, "amount_pence")

    @property
    def name(self) -> str:
        """Who it was to or from, as the bank wrote it (payee, else the description)."""
        return self.payee or self.description or "no name"


@dataclass(frozen=True)
class Pairing:
    """One bank line is one expectation. ``reason`` is the headline ("£1,221.56 to Sally
    Jones on 28 March: net pay for ..."); ``details`` the checks that held, in words.
    ``fixed`` is True for a pairing a person confirmed (it was not worked out here)."""

    expectation: Expectation
    line: BankLine
    reason: str
    details: tuple[str, ...] = ()
    fixed: bool = False


@dataclass(frozen=True)
class Result:
    """Every pairing (in bank line date order), the expectations no bank line was found for
    (in due date order), and the bank lines nothing expected (in date order)."""

    pairings: tuple[Pairing, ...]
    not_seen: tuple[Expectation, ...]
    not_expected: tuple[BankLine, ...]
    problems: tuple[str, ...] = field(default=())

    @property
    def left_over(self) -> int:
        return len(self.not_seen) + len(self.not_expected)
