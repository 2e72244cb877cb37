"""Reading rows of cells (from CSV or Excel) into transactions, given a column mapping.

Shared by the CSV and Excel readers. Works on any iterator of (line number, cells, raw text)
so the caller can stream; the only thing kept per file is the running state below.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Any

from ..limits import MAX_BALANCE_PENCE
from ..text import format_pence
from .amounts import AmountError, parse_balance, parse_pence, pence_reader, plain_pence
from .csv_profiles import norm_header
from .dates import DateError, DateReader
from .model import Balance, ColumnMapping, ColumnRef, Statement, StatementError, Transaction
from .problems import bad_amount, bad_date, no_amount, no_date

Row = tuple[int, list[Any], str]
_SPACES = re.compile(r"\s{2,}")
_TRAILERS = re.compile(
    r"(overdraft limit|balance as at|closing balance|balance carried|balance brought|"
    r"opening balance|^total|statement balance|available balance)", re.I)
_PENDING = {"pending", "pending transaction", "authorised", "reserved"}
_CACHE = 20_000  # most distinct dates / cell texts remembered per file


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
                  st: Statement, dates: DateReader | None = None, *,
                  fast: bool = True) -> Iterator[Transaction]:
    """Turn rows into transactions; unreadable lines become problems, never guesses.

    Each row first tries :func:`_fast_row` for the usual shape (text cells, the expected
    number of columns, a date already seen, amounts written like "-12.34"); anything else
    goes through :func:`_general_row`, which holds all the rules. The fast path only ever
    accepts rows the general rules would read the same way (``fast=False`` turns it off, so
    tests can check that).
    """
    dates = dates or DateReader(mapping.date_format)
    needed = max(i for i in (res.date, res.amount, res.debit, res.credit) if i is not None) + 1
    mapped = max(i for i in (res.date, res.amount, res.debit, res.credit, res.balance,
                             res.payee, res.reference, res.bank_id, res.kind, res.direction,
                             *res.description) if i is not None) + 1
    general = _general_row(mapping, res, st, dates, needed, mapped)
    quick = _fast_row(mapping, res, dates)
    # The fast path takes rows with every mapped column present and no more cells than
    # headings: then none of the column-count rules of the general path can apply.
    fewest = mapped if fast else sys.maxsize
    most = res.width or sys.maxsize
    all_positive = True
    seen = 0
    for line, cells, raw in rows:
        rec = quick(line, cells, raw) if fewest <= len(cells) <= most else None
        if rec is None:
            rec = general(line, cells, raw)
            if rec is None:
                continue
        if rec.amount_pence < 0:
            all_positive = False
        seen += 1
        yield rec
    if seen > 1 and all_positive and res.amount is not None and res.direction is None:
        st.notices.append("Every amount in this file is positive. If this is a card statement, "
                          "spending may be shown as money in: please check the sign setting.")


# How the fast path finds the amount.
_SIGNED = 1  # one column, signed
_SPLIT = 2  # "paid out" and "paid in" columns (either may be missing)
_BOTH = 0  # a signed column and split ones too: left to the general rules


class _Memory:
    """Per-file memories keyed by the raw cell text (bounded): statements repeat the same
    dates, amounts, payees and type codes over and over."""

    __slots__ = ("dates", "days", "texts", "codes")

    def __init__(self, dates: DateReader) -> None:
        self.dates = dates
        self.days: dict[str, date] = {}  # -> date (in range)
        self.texts: dict[str, str] = {}  # -> tidy(cell_text(cell))
        self.codes: dict[str, str] = {}  # -> cell_text(cell)

    def text(self, c: Any) -> str:
        if c.__class__ is not str:
            return tidy(cell_text(c))
        t = self.texts.get(c)
        if t is None:
            t = tidy(cell_text(c))
            if len(self.texts) < _CACHE:
                self.texts[c] = t
        return t

    def code(self, c: Any) -> str:
        if c.__class__ is not str:
            return cell_text(c)
        t = self.codes.get(c)
        if t is None:
            t = cell_text(c)
            if len(self.codes) < _CACHE:
                self.codes[c] = t
        return t

    def new_day(self, c: str) -> date | None:
        """The date in text ``c`` not seen before, or None if it is not one (or out of range)."""
        try:
            d = self.dates(cell_text(c))
        except DateError:
            return None
        if d.year < 1970 or d.year > 2100:
            return None
        if len(self.days) < _CACHE:
            self.days[c] = d
        return d


def _fast_row(mapping: ColumnMapping, res: Resolved,
              dates: DateReader) -> Callable[[int, list[Any], str], Transaction | None]:
    """The fast path: a Transaction for a row of the usual shape, else None (the general
    rules then read it). The caller checks the number of cells first."""
    style = (_SIGNED if res.debit is None and res.credit is None else _BOTH) \
        if res.amount is not None else _SPLIT
    has_debit, has_credit = res.debit is not None, res.credit is not None
    one_desc = res.description[0] if len(res.description) == 1 else None
    payee_is_desc = res.payee is not None and res.payee == one_desc
    # One C call fetches every cell needed, in this order (an absent column fetches the
    # date again, unused): date, amount or paid out, paid in, balance, the one description
    # column, payee, reference, bank id, kind.
    wanted = (res.amount if style == _SIGNED else res.debit,
              None if style == _SIGNED else res.credit, res.balance, one_desc, res.payee,
              res.reference, res.bank_id, res.kind)
    pick = itemgetter(res.date, *(res.date if c is None else c for c in wanted))
    plain = pence_reader(_CACHE)
    memory = _Memory(dates)
    day_get, text_get, code_get = memory.days.get, memory.texts.get, memory.codes.get
    text, code, new_day = memory.text, memory.code, memory.new_day
    credit_values = {v.upper() for v in mapping.credit_values}
    invert = mapping.sign == "invert"
    direction, balance_col, desc_cols = res.direction, res.balance, res.description
    no_payee, no_ref = res.payee is None, res.reference is None
    no_id, no_kind = res.bank_id is None, res.kind is None

    def row(line: int, cells: list[Any], raw: str) -> Transaction | None:
        date_cell, x, y, b, desc_cell, payee_cell, ref_cell, id_cell, kind_cell = pick(cells)
        if date_cell.__class__ is not str:
            return None
        posted = day_get(date_cell) or new_day(date_cell)
        if posted is None:
            return None
        pence: int | None = None
        if style == _SIGNED:  # x: the amount
            if x.__class__ is str:
                pence = plain(x)
        elif style == _SPLIT:  # x: paid out, y: paid in
            pence = _split_pence(x if has_debit else "", y if has_credit else "", plain)
        if not pence:  # not the usual shape (or a zero amount: maybe an opening balance)
            return None
        if direction is not None:
            flag = cell_text(cells[direction]).upper()
            pence = abs(pence) if flag in credit_values else -abs(pence)
        elif invert:
            pence = -pence
        balance = None
        if balance_col is not None:
            if b.__class__ is str:
                if b:
                    balance = plain_pence(b, MAX_BALANCE_PENCE)  # rarely repeat: no memory
                    if balance is None:
                        balance = _balance(b)
            elif b is not None:
                balance = _balance(b)
        if one_desc is not None:
            desc = text_get(desc_cell) or text(desc_cell)
        else:
            desc = " ".join(t for t in (text(cells[i]) for i in desc_cols) if t)
        return Transaction(
            posted, pence, desc,
            desc if payee_is_desc else "" if no_payee else text(payee_cell),
            "" if no_ref else text(ref_cell),
            None if no_id else (cell_text(id_cell) or None),
            balance, line, raw,
            "" if no_kind else (code_get(kind_cell) or code(kind_cell)),
        )

    return row


def _split_pence(out: Any, inn: Any, plain: Callable[[str], int | None]) -> int | None:
    """Fast path for "paid out" / "paid in" text cells: exactly one of them filled."""
    if out == "":
        if inn.__class__ is str and inn != "":
            pence = plain(inn)
            return -pence if pence is not None and pence < 0 else pence
        return None
    if inn == "" and out.__class__ is str:
        pence = plain(out)
        return -pence if pence is not None and pence > 0 else pence
    return None


def _balance(btxt: Any) -> int | None:
    try:
        return parse_balance(btxt if not isinstance(btxt, str) else cell_text(btxt))
    except AmountError:
        return None


def _general_row(mapping: ColumnMapping, res: Resolved, st: Statement, dates: DateReader,
                 needed: int, mapped: int) -> Callable[[int, list[Any], str],
                                                       Transaction | None]:
    """All the rules for one row: a Transaction, or None (skipped, or noted as a problem)."""
    invert = mapping.sign == "invert"
    credit_values = {v.upper() for v in mapping.credit_values}
    headings = res.headings

    def row(line: int, cells: list[Any], raw: str) -> Transaction | None:
        n = len(cells)
        if n == 0 or not any(cells) or all(
                c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            return None
        if res.width and n > res.width and any(cell_text(c) for c in cells[res.width:]):
            st.add_problem(line, f"Line {line}: this line has more columns than the heading "
                           "row, so we could not be sure which value is which.", raw)
            return None
        if headings and n < min(len(headings), mapped) and not _trailer(cells, st, line,
                                                                        quiet=True):
            st.add_problem(line, f"Line {line}: this line has fewer columns than the heading "
                           "row, so we could not be sure which value is which.", raw)
            return None
        date_cell = cells[res.date] if res.date < n else None
        date_txt = cell_text(date_cell)
        if n < needed:
            if _trailer(cells, st, line):
                return None
            st.add_problem(line, f"Line {line}: this line has fewer columns than expected, so "
                           "we could not read it.", raw)
            return None
        try:
            posted = dates(date_cell if not isinstance(date_cell, str) else date_txt)
            if posted.year < 1970 or posted.year > 2100:
                raise DateError("out of range")
        except DateError:
            if headings and date_txt and norm_header(date_txt) == headings[0] and tuple(
                    n for n in (norm_header(c) for c in cells) if n) == headings:
                return None  # the heading row repeated
            if _trailer(cells, st, line):
                return None
            if date_txt.lower() in _PENDING:
                st.add_problem(line, f"Line {line}: this payment is still pending at the bank, "
                               "so it was not imported. It will come in with a later statement "
                               "once the bank gives it a date.", raw)
            else:
                st.add_problem(line, bad_date(line, date_txt) if date_txt else no_date(line),
                               raw)
            return None
        try:
            pence = _amount(cells, res, n, line)
        except AmountError as exc:
            if _opening_row(cells, res, st, posted):
                return None
            st.add_problem(line, str(exc), raw)
            return None
        if res.direction is not None:
            flag = cell_text(cells[res.direction]).upper() if res.direction < n else ""
            pence = abs(pence) if flag in credit_values else -abs(pence)
        elif invert:
            pence = -pence
        if pence == 0 and _opening_row(cells, res, st, posted):
            return None
        balance = None
        if res.balance is not None and res.balance < n:
            btxt = cells[res.balance]
            if btxt not in (None, ""):
                balance = _balance(btxt)
        desc = " ".join(t for t in (tidy(cell_text(cells[i])) for i in res.description
                                    if i < n) if t)
        return Transaction(
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

    return row


def _amount(cells: list[Any], res: Resolved, n: int, line: int) -> int:
    """The line's amount in pence; an AmountError whose text is the problem to report."""
    if res.amount is not None:
        raw = cells[res.amount] if res.amount < n else None
        txt = raw if not isinstance(raw, str) else cell_text(raw)
        if txt is None or txt == "":
            if res.debit is None and res.credit is None:
                raise AmountError(no_amount(line))
        else:
            try:
                return parse_pence(txt)
            except AmountError as exc:
                raise AmountError(bad_amount(line, txt, exc)) from None
    out = _opt(cells, res.debit, n, "paid out amount", line)
    inn = _opt(cells, res.credit, n, "paid in amount", line)
    if out is None and inn is None:
        raise AmountError(no_amount(line))
    if out and inn:
        raise AmountError(f"Line {line}: this line has both a paid in and a paid out amount.")
    return abs(inn or 0) - abs(out or 0)


def _opt(cells: list[Any], idx: int | None, n: int, what: str, line: int) -> int | None:
    if idx is None or idx >= n:
        return None
    raw = cells[idx]
    txt = raw if not isinstance(raw, str) else cell_text(raw)
    if txt is None or txt == "":
        return None
    try:
        return parse_pence(txt)
    except AmountError as exc:
        raise AmountError(bad_amount(line, txt, exc, what)) from None


def _trailer(cells: list[Any], st: Statement, line: int, quiet: bool = False) -> bool:
    """'Balance as at ...', 'Arranged Overdraft Limit' and similar rows are not payments."""
    texts = [cell_text(c) for c in cells if c is not None]  # (a wide row is mostly None)
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
                st.closing_balance = Balance(parse_balance(t))
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
            st.opening_balance = Balance(parse_balance(cell_text(cells[res.balance])), posted)
        except AmountError:
            pass
    if st.opening_balance is not None:
        st.notices.append(f"The opening balance is {format_pence(st.opening_balance.amount_pence)}"
                          ".")
    return True
