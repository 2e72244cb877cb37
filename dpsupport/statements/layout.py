"""Working out which column is which: named profiles first, then a generic guess.

Generic guess: find a heading row with a date column and an amount (or paid in / paid out)
column; or, with no headings, a column where every value is a date and one where every value
is an amount. Date order (day-first or month-first) is decided from ALL values in the file.
If we cannot be sure, the caller gets a "needs column mapping" result instead of a guess.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from . import csv_profiles as cp
from .amounts import AmountError, parse_pence
from .csv_profiles import Profile, norm_header
from .dates import DateError, DateReader, classify
from .model import ColumnMapping, MappingPreview, StatementError
from .table import cell_text

_DATE_NAMES = ("transaction date", "date", "posting date", "posted date", "booking date",
               "date processed", "completed date", "txn date", "trans date", "datum",
               "buchungstag", "fecha", "date de valeur", "value date", "created", "journaldate")
_AMOUNT_NAMES = ("amount", "value", "amount (gbp)", "billing amount", "transaction amount",
                 "net amount", "netamount", "montant", "betrag", "importe", "amount gbp",
                 "amount (eur)", "total")
_DEBIT_NAMES = ("paid out", "debit", "debit amount", "money out", "withdrawal", "withdrawals",
                "out", "outflow", "débit", "debits", "spent")
_CREDIT_NAMES = ("paid in", "credit", "credit amount", "money in", "deposit", "deposits", "in",
                 "inflow", "crédit", "credits", "received")
_BALANCE_NAMES = ("balance", "running balance", "runningbalance", "balance (gbp)", "solde",
                  "kontostand", "net cash balance", "account balance")
_DESC_NAMES = ("description", "transaction description", "details", "narrative", "memo",
               "merchant", "name", "payee", "counter party", "particulars", "desc", "remarque",
               "note", "auftraggeber/empfänger", "partner name", "description 1", "items")
_REF_NAMES = ("reference", "ref", "payment reference", "reference number", "check number",
              "checknumber", "num")
_ID_NAMES = ("transaction id", "id", "fitid", "transaction reference")
_TYPE_NAMES = ("type", "transaction type", "class")

HEAD_ROWS = 40


@dataclass(slots=True)
class Plan:
    mapping: ColumnMapping
    header: list[Any] | None  # heading cells, None when the file has none
    header_line: int  # line number of the heading row, 0 when there is none
    profile: Profile | None
    assumption: str | None = None


def _first(names: list[str], wanted: Sequence[str], exclude: set[int]) -> int | None:
    for w in wanted:
        for i, n in enumerate(names):
            if i not in exclude and n == w:
                return i
    return None


def _is_header(cells: Sequence[Any]) -> bool:
    names = [norm_header(c) for c in cells]
    return (any(n in _DATE_NAMES or n.endswith(" date") for n in names)
            and any(n in _AMOUNT_NAMES + _DEBIT_NAMES + _CREDIT_NAMES for n in names))


def generic_from_header(cells: Sequence[Any]) -> ColumnMapping | None:
    names = [norm_header(c) for c in cells]
    used: set[int] = set()
    date = _first(names, _DATE_NAMES, used)
    if date is None:
        date = next((i for i, n in enumerate(names) if n.endswith(" date")), None)
    if date is None:
        return None
    used.add(date)
    amount = _first(names, _AMOUNT_NAMES, used)
    debit = _first(names, _DEBIT_NAMES, used)
    credit = _first(names, _CREDIT_NAMES, used)
    if debit is not None and credit is not None:
        amount = None
    if amount is None and debit is None and credit is None:
        return None
    used |= {i for i in (amount, debit, credit) if i is not None}
    balance = _first(names, _BALANCE_NAMES, used)
    desc = [i for i, n in enumerate(names) if n in _DESC_NAMES and i not in used]
    ref = _first(names, _REF_NAMES, used | set(desc))
    return ColumnMapping(
        date=date, amount=amount, debit=debit if amount is None else None,
        credit=credit if amount is None else None, description=tuple(desc[:3]),
        payee=desc[0] if desc else None, reference=ref, balance=balance,
        bank_id=_first(names, _ID_NAMES, used), kind=_first(names, _TYPE_NAMES, used),
        header_row=None)


def _all(values: Iterable[str], test: Any) -> bool:
    seen = False
    for v in values:
        if v:
            seen = True
            if not test(v):
                return False
    return seen


def _is_money(v: str) -> bool:
    try:
        parse_pence(v)
        return any(ch.isdigit() for ch in v)
    except AmountError:
        return False


def _is_date(v: str) -> bool:
    return classify(v) is not None and not v.strip().lstrip("-").isdigit() or (
        len(v) == 8 and v.isdigit() and v[:2] in ("19", "20") and classify(v) == "compact")


def generic_headerless(rows: Sequence[Sequence[Any]]) -> ColumnMapping | None:
    if len(rows) < 1:
        return None
    width = max(len(r) for r in rows)
    cols = [[cell_text(r[i]) if i < len(r) else "" for r in rows] for i in range(width)]
    date = next((i for i, c in enumerate(cols) if _all(c, _is_date)), None)
    if date is None:
        return None
    money = [i for i, c in enumerate(cols) if i != date and _all(c, _is_money)]
    if len(money) != 1:
        return None
    texts = [i for i in range(width) if i not in (date, money[0]) and any(cols[i])]
    return ColumnMapping(date=date, amount=money[0], description=tuple(texts[:2]),
                         payee=texts[0] if texts else None, header_row=0)


def plan(head: Sequence[tuple[int, list[Any]]], profile: str | None,
         mapping: ColumnMapping | None) -> Plan | MappingPreview:
    """Decide how to read a table from its first rows."""
    rows = [(ln, cells) for ln, cells in head if any(cell_text(c) for c in cells)]
    if mapping is not None:
        return _with_mapping(rows, mapping, None)
    if profile is not None:
        p = cp.BY_NAME.get(profile.split(":", 1)[-1])
        if p is None:
            raise StatementError(f"We do not know the bank layout '{profile}'.")
        return _with_mapping(rows, p.mapping, p)
    for ln, cells in rows:
        p = cp.match_header(cells)
        if p is not None:
            return Plan(p.mapping, list(cells), ln, p)
    data = [[cell_text(c) for c in cells] for _, cells in rows[:10]]
    p = cp.match_headerless(data)
    if p is not None:
        return Plan(p.mapping, None, 0, p)
    for ln, cells in rows:
        if _is_header(cells):
            m = generic_from_header(cells)
            if m is not None:
                return Plan(m, list(cells), ln, None)
    m = generic_headerless([cells for _, cells in rows[:20]])
    if m is not None:
        return Plan(m, None, 0, None)
    return preview(rows, "We could not tell which column holds the date and which holds the "
                         "amount.")


def _with_mapping(rows: Sequence[tuple[int, list[Any]]], mapping: ColumnMapping,
                  p: Profile | None) -> Plan:
    if mapping.header_row == 0:
        return Plan(mapping, None, 0, p)
    if mapping.header_row is not None:
        for ln, cells in rows:
            if ln == mapping.header_row:
                return Plan(mapping, list(cells), ln, p)
        raise StatementError(f"Line {mapping.header_row} is not a heading row in this file.")
    wanted = [norm_header(r) for r in (mapping.date, mapping.amount, mapping.debit,
                                       mapping.credit) if isinstance(r, str)]
    if not wanted:  # all columns given by number: assume no heading unless row 1 has no date
        first = rows[0][1] if rows else []
        idx = mapping.date if isinstance(mapping.date, int) else 0
        txt = cell_text(first[idx]) if idx < len(first) else ""
        try:
            DateReader(mapping.date_format)(txt)
            return Plan(replace(mapping, header_row=0), None, 0, p)
        except DateError:
            return Plan(mapping, list(first), rows[0][0], p) if rows else Plan(mapping, None, 0, p)
    for ln, cells in rows:
        names = {norm_header(c) for c in cells}
        if all(w in names for w in wanted):
            return Plan(mapping, list(cells), ln, p)
    raise StatementError("We could not find the heading row with the chosen columns in this "
                         "file.")


def preview(rows: Sequence[tuple[int, list[Any]]], reason: str) -> MappingPreview:
    header_line = 0
    columns: list[str] = []
    body = list(rows)
    for i, (ln, cells) in enumerate(rows[:HEAD_ROWS]):
        texts = [cell_text(c) for c in cells]
        if len([t for t in texts if t]) >= 2 and not any(_is_money(t) or _is_date(t)
                                                          for t in texts if t):
            header_line, columns, body = ln, texts, list(rows[i + 1:])
            break
    width = max([len(c) for _, c in body[:10]] + [len(columns), 0])
    if not columns:
        columns = [f"Column {i + 1}" for i in range(width)]
    guesses: dict[str, int] = {}
    data = [[cell_text(c) for c in cells] for _, cells in body[:10]]
    for i in range(width):
        col = [r[i] if i < len(r) else "" for r in data]
        if "date" not in guesses and _all(col, _is_date):
            guesses["date"] = i
        elif "amount" not in guesses and _all(col, _is_money):
            guesses["amount"] = i
    return MappingPreview(columns=columns, rows=data[:10], header_row=header_line,
                          guesses=dict(guesses), reason=reason)
