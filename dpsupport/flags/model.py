"""The shapes the flag rules take and give: plain dataclasses, dates and int pence.

- :class:`Line`: one transaction (money in positive, money out negative), as the app holds
  it: id, date, amount, payee, description, the bank's type code if kept, its category and
  plan line once sorted.
- :class:`Known`: what the holder's records already say: the payees they pay on purpose
  (PAs, providers, regular payees), their direct payment accounts, their other accounts,
  and the plan lines that may be paid in cash.
- :class:`StatementSpan`: the dates one imported statement covers.
- :class:`Reader`: who will read the words: the holder ("you") or staff (the holder's name).
- :class:`Flag`: a question raised, with its evidence and a stable ``evidence_key``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from .recognise import KnownPayee, plain

Id = int | str
SEVERITIES = ("info", "attention", "urgent")


@dataclass(frozen=True, slots=True)
class Line:
    """A bank line. ``kind`` is the bank's type code ("ATM", "FPO", "DD") when known."""

    id: Id
    date: dt.date
    amount_pence: int
    description: str = ""
    payee: str = ""
    kind: str = ""
    category: str | None = None
    plan_line_id: Id | None = None

    def __post_init__(self) -> None:
        if isinstance(self.amount_pence, bool) or not isinstance(self.amount_pence, int):
            raise TypeError(f"amount_pence must be int pence, not {self.amount_pence!r}")
        if isinstance(self.date, dt.datetime) or not isinstance(self.date, dt.date):
            raise TypeError(f"date must be a datetime.date, not {self.date!r}")

    @property
    def text(self) -> str:
        """Payee and description together, as the recogniser reads them."""
        if not self.payee or self.payee in self.description:
            return self.description
        return f"{self.payee} {self.description}"

    @property
    def shown_as(self) -> str:
        """What to call the line in a sentence: the payee, else the description."""
        return (self.payee or self.description).strip() or "no description"


@dataclass(frozen=True)
class Known:
    """What the records already say about where money goes.

    ``payees``: PAs, providers and regular payees (see :class:`KnownPayee`).
    ``dp_accounts``: sort code and account number ("012345 12345678") of the holder's
    accounts that dpsupport holds: moves between them are not flags.
    ``own_accounts``: the holder's other accounts (their savings): a move there is a
    ``transfer_out`` "to your own account".
    ``cash_plan_lines``: plan lines that may be paid in cash: a cash withdrawal sorted to
    one of them is covered by the plan.
    """

    payees: tuple[KnownPayee, ...] = ()
    dp_accounts: frozenset[str] = frozenset()
    own_accounts: frozenset[str] = frozenset()
    cash_plan_lines: frozenset[Id] = frozenset()


@dataclass(frozen=True, slots=True)
class StatementSpan:
    """One imported statement: its id and the first and last day it covers."""

    id: Id
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Reader:
    """Who reads the flag. ``holder_name`` None: the holder themself (or their
    representative, who reads as them): "you". Otherwise staff: "Ewan"."""

    holder_name: str | None = None

    @property
    def is_holder(self) -> bool:
        return self.holder_name is None

    @property
    def you(self) -> str:
        return "you" if self.holder_name is None else self.holder_name

    @property
    def your(self) -> str:
        return "your" if self.holder_name is None else f"{self.holder_name}’s"


HOLDER = Reader()


@dataclass(frozen=True)
class Flag:
    """A question raised by a rule.

    ``key`` names the flag (its code and the record it is about), so a stored flag can be
    found again when the flags are worked out again; ``evidence_key`` changes when, and only
    when, its evidence changes (a transaction behind it added, removed, or its date, amount
    or words changed): a resolved flag whose evidence_key is unchanged stays resolved.
    ``transactions``: ids of the lines behind it, oldest first. ``records``: other records
    behind it, as (kind, id) pairs, e.g. ("statement", 12). ``amount_pence``: the money it
    is about (positive), when there is one.
    """

    code: str
    severity: str
    title: str
    explanation: str
    next_step: str
    key: str
    evidence_key: str
    on: dt.date
    transactions: tuple[Id, ...] = ()
    records: tuple[tuple[str, Id], ...] = ()
    amount_pence: int | None = None


def evidence_key(code: str, lines: Iterable[Line] = (),
                 records: Iterable[tuple[str, object]] = ()) -> str:
    """A short, stable fingerprint of a flag's evidence (the same on every run and machine:
    SHA-256, not Python's hash())."""
    parts = [code]
    for line in sorted(lines, key=lambda item: str(item.id)):
        parts.append(f"t:{line.id}:{line.date.isoformat()}:{line.amount_pence}:{plain(line.text)}")
    for kind, value in sorted((str(k), str(v)) for k, v in records):
        parts.append(f"r:{kind}:{value}")
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:20]
    return f"{code}:{digest}"
