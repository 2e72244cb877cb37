"""The shapes every statement reader returns.

Money is always an ``int`` number of pence: money coming *into* the account is positive,
money going out is negative. Dates are ``datetime.date`` in UK local time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import chain, islice
from typing import Any, Literal


class StatementError(Exception):
    """The only exception the readers raise. ``message`` is plain English for the user."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(message)

    def __str__(self) -> str:
        return self.message


@dataclass(slots=True, unsafe_hash=True)
class Transaction:
    """One line of a bank statement, normalised.

    Treat it as read-only. It is not ``frozen`` only because a frozen dataclass is several
    times slower to build, and a statement can hold 100,000 of them; equality and hashing are
    the same as before (every field except ``raw``).
    """

    posted: date
    amount_pence: int
    description: str
    payee: str = ""
    reference: str = ""
    bank_id: str | None = None  # the bank's own id (OFX FITID, Monzo "tx_..."), else None
    balance_pence: int | None = None  # running balance after this line, when the file has one
    line: int = 0  # 1-based line number (or record number for xlsx rows / QIF records)
    raw: str = field(default="", compare=False)  # the raw text of the line, kept for audit
    kind: str = ""  # the bank's transaction type text/code (e.g. "DD", "DEBIT"), if any
    account_index: int = 0  # index into Statement.accounts (multi-account OFX files)


@dataclass(frozen=True, slots=True)
class Balance:
    amount_pence: int
    as_of: date | None = None


@dataclass(frozen=True, slots=True)
class AccountInfo:
    """Account identifiers found in the file. Never log these: repr() hides them."""

    sort_code: str | None = field(default=None, repr=False)
    account_number: str | None = field(default=None, repr=False)
    acctid: str | None = field(default=None, repr=False)  # OFX ACCTID / card number as given
    bank_id: str | None = field(default=None, repr=False)  # OFX BANKID (often the sort code)
    account_type: str | None = None  # CHECKING, SAVINGS, CREDITCARD, ...
    name: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class Problem:
    """A line we could not read. ``reason`` is plain English."""

    line: int | None
    reason: str
    raw: str = ""


ColumnRef = str | int  # a header name (matched case-insensitively) or a 0-based column index


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """How to read the columns of a CSV or Excel statement.

    Either ``amount`` (one signed column) or ``debit`` and/or ``credit`` (split "Paid out" /
    "Paid in" columns, both read as positive numbers) must be given.

    ``date_format``: a strptime format (e.g. "%d/%m/%Y") or one of "dmy", "mdy", "ymd";
    None means "work it out from the file".
    ``sign``: "as_is" (money in is positive) or "invert" (e.g. card exports where
    spending is shown as a positive number).
    ``direction`` + ``credit_values``: a column saying whether the line is a credit (e.g. "CR"
    or "Credit"); when given, the amount's own sign is ignored and money in is positive.
    ``header_row``: 1-based line number of the heading row; 0 = the file has no headings;
    None = find it automatically.
    """

    date: ColumnRef
    amount: ColumnRef | None = None
    debit: ColumnRef | None = None
    credit: ColumnRef | None = None
    description: tuple[ColumnRef, ...] = ()
    payee: ColumnRef | None = None
    reference: ColumnRef | None = None
    balance: ColumnRef | None = None
    bank_id: ColumnRef | None = None
    kind: ColumnRef | None = None
    date_format: str | None = None
    sign: Literal["as_is", "invert"] = "as_is"
    direction: ColumnRef | None = None
    credit_values: tuple[str, ...] = ("CR", "CREDIT", "C")
    header_row: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in self.__slots__:  # type: ignore[attr-defined]
            value = getattr(self, name)
            out[name] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ColumnMapping:
        try:
            kwargs = dict(data)
            for key in ("description", "credit_values"):
                if key in kwargs and kwargs[key] is not None:
                    value = kwargs[key]
                    kwargs[key] = (value,) if isinstance(value, str | int) else tuple(value)
            return cls(**kwargs)
        except TypeError as exc:
            raise StatementError(f"The saved column choices are not valid ({exc}).") from None


@dataclass(slots=True)
class MappingPreview:
    """What the web page needs to ask the user which column is which."""

    columns: list[str]  # column headings (or "Column 1", "Column 2", ... when there are none)
    rows: list[list[str]]  # the first few data rows as text
    header_row: int | None  # 1-based line of the heading row, 0 if none was found
    delimiter: str = ","
    guesses: dict[str, ColumnRef] = field(default_factory=dict)  # e.g. {"date": 0}
    reason: str = ""


@dataclass(slots=True)
class Statement:
    """A statement read from one file.

    ``records`` is a tuple from :func:`read_statement`; from :func:`iter_statement` it is a
    one-shot iterator and ``problems``, ``notices`` and balances found after the
    transactions (OFX LEDGERBAL) are complete only once it has been exhausted.
    """

    format: str
    records: Sequence[Transaction] | Iterator[Transaction] = ()
    accounts: list[AccountInfo] = field(default_factory=list)
    currency: str | None = None
    opening_balance: Balance | None = None
    closing_balance: Balance | None = None
    ledger_balance: Balance | None = None
    available_balance: Balance | None = None
    period_start: date | None = None
    period_end: date | None = None
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    needs_mapping: bool = False
    preview: MappingPreview | None = None
    mapping: ColumnMapping | None = None  # the mapping used (CSV/Excel), to remember it

    def materialise(self) -> Statement:
        if not isinstance(self.records, tuple):
            self.records = tuple(self.records)
        return self

    def add_problem(self, line: int | None, reason: str, raw: str = "") -> None:
        self.problems.append(Problem(line, reason, raw[:500]))


def count_limit(records: Iterable[Transaction], max_rows: int) -> Iterator[Transaction]:
    """Pass records through, failing in plain English past ``max_rows``."""
    it = iter(records)
    return chain(islice(it, max(max_rows, 0)), _nothing_more(it, max_rows))


def _nothing_more(it: Iterator[Transaction], max_rows: int) -> Iterator[Transaction]:
    for _ in it:
        raise StatementError(
            f"This file has more than {max_rows:,} transactions. "
            "Please split it into smaller statements."
        )
    yield from ()
