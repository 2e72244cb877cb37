"""Reading rows of cells (from CSV or Excel) into transactions, given a column mapping.

Shared by the CSV and Excel readers. Works on any iterator of (line number, cells, raw text)
so the caller can stream; the only thing kept per file is the running state below.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .amounts import AmountError, format_pence, parse_pence
from .csv_profiles import norm_header
from .dates import DateError, DateReader
from .model import Balance, ColumnMapping, ColumnRef, Statement, StatementError, Transaction

Row = tuple[int, list[Any], str]
_SPACES = re.compile(r"\s{2,}")
_TRAILERS = re.compile(
    r"(overdraft limit|balance as at|closing balance|balance carried|balance brought|"
    r"opening balance|^total|statement balance|available balance)", re.I)
_PENDING = {"pending", "pending transaction", "authorised", "reserved"}


def cell_text(value: Any) -> str:
    if value.__class__ is str:
        s = value.strip()
    elif value is None:
        return ""
    else:
        s = str(value).strip()
    if s[:1] == "'":
        s = s[1:].strip()
    return s


def tidy(s: str) -> str:
    return _SPACES.sub(" ", s).strip() if "  " in s or "\t" in s else s


@dataclass(slots=True)
class Resolved:
    date: int
    amount: int | None
    debit: int | None
    credit: int | None
    description: tuple[int, ...]
    payee: int | None
    reference: int | None
    balance: int | None
    bank_id: int | None
    kind: int | None
    direction: int | None
    width: int  # number of headings (0 when there are none)
    headings: tuple[str, ...] = ()  # the non-empty heading names, normalised


def resolve(mapping: ColumnMapping, header: Sequence[Any] | None) -> Resolved:
    names = [norm_header(c) for c in header] if header else []

    def col(ref: ColumnRef | None, required: bool = False, what: str = "") -> int | None:
        if ref is None:
            return None
        if isinstance(ref, int):
            if ref < 0:
                raise StatementError(f"The {what} column number must not be negative.")
            return ref
        key = norm_header(ref)
        if key in names:
            return names.index(key)
        if required:
            raise StatementError(f"We could not find the {what} column ('{ref}') in this file.")
        return None

    date = col(mapping.date, True, "date")
    amount = col(mapping.amount, mapping.amount is not None and mapping.debit is None
                 and mapping.credit is None, "amount")
    debit = col(mapping.debit, False, "paid out")
    credit = col(mapping.credit, False, "paid in")
    if amount is None and debit is None and credit is None:
        raise StatementError("We need to know which column holds the amount (or the paid in "
                             "and paid out columns).")
    desc = tuple(c for c in (col(r) for r in mapping.description) if c is not None)
    assert date is not None
    return Resolved(date, amount, debit, credit, desc, col(mapping.payee),
                    col(mapping.reference), col(mapping.balance), col(mapping.bank_id),
                    col(mapping.kind), col(mapping.direction), len(names),
                    tuple(n for n in names if n))


def table_records(rows: Iterable[Row], mapping: ColumnMapping, res: Resolved,
                  st: Statement, dates: DateReader | None = None) -> Iterator[Transaction]:
    """Turn rows into transactions; unreadable lines become problems, never guesses."""
    dates = dates or DateReader(mapping.date_format)
    invert = mapping.sign == "invert"
    credit_values = {v.upper() for v in mapping.credit_values}
    needed = max(i for i in (res.date, res.amount, res.debit, res.credit) if i is not None) + 1
    all_positive = True
    seen = 0
    headings = res.headings
    mapped = max(i for i in (res.date, res.amount, res.debit, res.credit, res.balance,
                             res.payee, res.reference, res.bank_id, res.kind, res.direction,
                             *res.description) if i is not None) + 1
    for line, cells, raw in rows:
        n = len(cells)
        if n == 0 or not any(cells) or all(
                c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        if res.width and n > res.width and any(cell_text(c) for c in cells[res.width:]):
            st.add_problem(line, f"Line {line}: this line has more columns than the heading "
                           "row, so we could not be sure which value is which.", raw)
            continue
        if headings and n < min(len(headings), mapped) and not _trailer(cells, st, line, quiet=True):
            st.add_problem(line, f"Line {line}: this line has fewer columns than the heading "
                           "row, so we could not be sure which value is which.", raw)
            continue
        date_cell = cells[res.date] if res.date < n else None
        date_txt = cell_text(date_cell)
        if n < needed:
            if _trailer(cells, st, line):
                continue
            st.add_problem(line, f"Line {line}: this line has fewer columns than expected, so "
                           "we could not read it.", raw)
            continue
        try:
            posted = dates(date_cell if not isinstance(date_cell, str) else date_txt)
            if posted.year < 1970 or posted.year > 2100:
                raise DateError("out of range")
        except DateError:
            if headings and date_txt and norm_header(date_txt) == headings[0] and tuple(
                    n for n in (norm_header(c) for c in cells) if n) == headings:
                continue  # the heading row repeated
            if _trailer(cells, st, line):
                continue
            if date_txt.lower() in _PENDING:
                st.add_problem(line, f"Line {line}: this payment is still pending at the bank, "
                               "so it was not imported. It will come in with a later statement "
                               "once the bank gives it a date.", raw)
            elif not date_txt:
                st.add_problem(line, f"Line {line}: this line has no date.", raw)
            else:
                st.add_problem(line, f"Line {line}: we could not read the date '{date_txt}'.",
                               raw)
            continue
        try:
            pence = _amount(cells, res, n)
        except AmountError as exc:
            if _opening_row(cells, res, st, posted):
                continue
            st.add_problem(line, f"Line {line}: {exc}", raw)
            continue
        if res.direction is not None:
            flag = cell_text(cells[res.direction]).upper() if res.direction < n else ""
            pence = abs(pence) if flag in credit_values else -abs(pence)
        elif invert:
            pence = -pence
        if pence == 0 and _opening_row(cells, res, st, posted):
            continue
        if pence < 0:
            all_positive = False
        balance = None
        if res.balance is not None and res.balance < n:
            btxt = cells[res.balance]
            if btxt not in (None, ""):
                try:
                    balance = parse_pence(btxt if not isinstance(btxt, str) else cell_text(btxt))
                except AmountError:
                    balance = None
        desc = " ".join(t for t in (tidy(cell_text(cells[i])) for i in res.description
                                    if i < n) if t)
        seen += 1
        yield Transaction(
            posted=posted, amount_pence=pence, description=desc,
            payee=tidy(cell_text(cells[res.payee])) if res.payee is not None
            and res.payee < n else "",
            reference=tidy(cell_text(cells[res.reference])) if res.reference is not None
            and res.reference < n else "",
            bank_id=(cell_text(cells[res.bank_id]) or None) if res.bank_id is not None
            and res.bank_id < n else None,
            balance_pence=balance, line=line, raw=raw,
            kind=cell_text(cells[res.kind]) if res.kind is not None and res.kind < n else "",
        )
    if seen > 1 and all_positive and res.amount is not None and res.direction is None:
        st.notices.append("Every amount in this file is positive. If this is a card statement, "
                          "spending may be shown as money in: please check the sign setting.")


def _amount(cells: list[Any], res: Resolved, n: int) -> int:
    if res.amount is not None:
        raw = cells[res.amount] if res.amount < n else None
        txt = raw if not isinstance(raw, str) else cell_text(raw)
        if txt is None or txt == "":
            if res.debit is None and res.credit is None:
                raise AmountError("this line has no amount.")
        else:
            try:
                return parse_pence(txt)
            except AmountError:
                raise AmountError(f"we could not read the amount '{txt}'.") from None
    out = _opt(cells, res.debit, n, "paid out")
    inn = _opt(cells, res.credit, n, "paid in")
    if out is None and inn is None:
        raise AmountError("this line has no amount.")
    if out and inn:
        raise AmountError("this line has both a paid in and a paid out amount.")
    return abs(inn or 0) - abs(out or 0)


def _opt(cells: list[Any], idx: int | None, n: int, what: str) -> int | None:
    if idx is None or idx >= n:
        return None
    raw = cells[idx]
    txt = raw if not isinstance(raw, str) else cell_text(raw)
    if txt is None or txt == "":
        return None
    try:
        return parse_pence(txt)
    except AmountError:
        raise AmountError(f"we could not read the {what} amount '{txt}'.") from None


def _trailer(cells: list[Any], st: Statement, line: int, quiet: bool = False) -> bool:
    """'Balance as at ...', 'Arranged Overdraft Limit' and similar rows are not payments."""
    texts = [cell_text(c) for c in cells]
    joined = " ".join(texts)
    m = _TRAILERS.search(joined)
    if not m:
        return False
    if quiet:
        return True
    label = m.group(1).lower()
    if "balance" in label and ("as at" in label or "closing" in label or "carried" in label):
        for t in reversed(texts):
            try:
                st.closing_balance = Balance(parse_pence(t))
                break
            except AmountError:
                continue
    st.notices.append(f"Line {line}: '{tidy(joined)[:80]}' is a summary line, not a payment.")
    return True


def _opening_row(cells: list[Any], res: Resolved, st: Statement, posted: Any) -> bool:
    texts = " ".join(cell_text(cells[i]) for i in (*res.description, res.payee or 0)
                     if i < len(cells))
    if "opening balance" not in texts.lower() and "brought forward" not in texts.lower():
        return False
    if res.balance is not None and res.balance < len(cells):
        try:
            st.opening_balance = Balance(parse_pence(cell_text(cells[res.balance])), posted)
        except AmountError:
            pass
    if st.opening_balance is not None:
        st.notices.append(f"The opening balance is {format_pence(st.opening_balance.amount_pence)}"
                          ".")
    return True
