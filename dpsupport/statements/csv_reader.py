"""CSV statements: delimiter sniffing, bank profiles, generic columns, explicit mappings."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, tee
from typing import Any

from .amounts import AmountError, parse_balance
from .dates import DateReader, decide_order
from .layout import HEAD_ROWS, Plan, plan
from .model import AccountInfo, Balance, ColumnMapping, Statement, StatementError, Transaction
from .table import Row, cell_text, resolve, table_records
from .textio import MAX_COLUMNS, check_line_lengths, decode, too_wide

csv.field_size_limit(1 << 20)
_ACCOUNT = re.compile(r"(\d{2}-?\d{2}-?\d{2})[\s\-]*(\d{7,8})\b")
_DELIMS = (",", ";", "\t", "|")


def sniff_delimiter(text: str) -> str:
    lines = [ln for ln in text[:20000].splitlines()[:60] if ln.strip()]
    best, best_score = ",", -1.0
    for d in _DELIMS:
        counts = []
        for ln in lines:
            try:
                counts.append(len(next(csv.reader([ln], delimiter=d))))
            except (csv.Error, StopIteration):
                counts.append(1)
        multi = [c for c in counts if c > 1]
        if not multi:
            continue
        common = max(set(multi), key=multi.count)
        score = multi.count(common) + (0.5 if d == "," else 0)
        if score > best_score:
            best, best_score = d, score
    return best


# Characters str.splitlines() breaks lines at but io.StringIO(newline="") does not.
_ODD_BREAKS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def text_lines(text: str) -> Iterator[str]:
    """The lines of ``text``, ends kept, exactly as ``io.StringIO(text, newline="")`` gives
    them (a line ends at \\n, \\r or \\r\\n), split a chunk at a time with str.splitlines,
    which is much cheaper than a StringIO (that copies the whole text at 4 bytes a
    character before giving the first line).

    A line longer than MAX_LINE_CHARS raises a StatementError naming it, checked a chunk at
    a time (one pass in C), before the csv module builds a row of it.
    """
    if any(c in text for c in _ODD_BREAKS):  # one fast scan per character
        return chain.from_iterable(_checked(_stringio_chunks(text)))
    return chain.from_iterable(_checked(_line_chunks(text)))


def _line_chunks(text: str) -> Iterator[list[str]]:
    pos, end, size = 0, len(text), 1 << 14  # a small first chunk: often only the top is read
    while pos < end:
        cut = text.find("\n", pos + size)
        cut = end if cut < 0 else cut + 1
        yield text[pos:cut].splitlines(True)
        pos, size = cut, 1 << 20


def _stringio_chunks(text: str) -> Iterator[list[str]]:
    lines = io.StringIO(text, newline="")
    while chunk := lines.readlines(1 << 16):
        yield chunk


def _checked(chunks: Iterator[list[str]]) -> Iterator[list[str]]:
    first = 1
    for lines in chunks:
        check_line_lengths(lines, first)
        first += len(lines)
        yield lines


def iter_rows(text: str, delimiter: str, after: int = 0) -> Iterator[Row]:
    """(1-based line number, cells, raw text) per CSV record; quoted newlines are allowed.

    Records that start on or before line ``after`` (a heading row) are read but not yielded.
    The raw text comes from a second iterator over the same lines, kept in step with the
    csv reader by its ``line_num`` (the number of lines it has consumed so far).
    """
    lines, raws = tee(text_lines(text))
    next_raw = raws.__next__
    reader = csv.reader(lines, delimiter=delimiter, skipinitialspace=delimiter == ",")
    line = 1
    try:
        for cells, raw in zip(reader, raws, strict=False):  # raws runs on: quoted lines
            end = reader.line_num
            if len(cells) > MAX_COLUMNS:
                raise too_wide(line, len(cells))
            if end != line:  # a quoted field ran over several lines
                raw += "".join([next_raw() for _ in range(end - line)])
            if line > after:
                yield line, cells, raw.rstrip("\r\n")
            line = end + 1
    except csv.Error as exc:
        raise StatementError(f"Line {line}: this line of the file is damaged ({exc}).",
                             line) from None


def iter_cells(text: str, delimiter: str, after: int = 0) -> Iterator[tuple[int, list[str]]]:
    """Like :func:`iter_rows` without the raw text (cheaper, for a first look at a column)."""
    reader = csv.reader(text_lines(text), delimiter=delimiter,
                        skipinitialspace=delimiter == ",")
    line = 1
    try:
        for cells in reader:
            if len(cells) > MAX_COLUMNS:
                raise too_wide(line, len(cells))
            if line > after:
                yield line, cells
            line = reader.line_num + 1
    except csv.Error as exc:
        raise StatementError(f"Line {line}: this line of the file is damaged ({exc}).",
                             line) from None


def read_csv(data: bytes, *, profile: str | None = None,
             mapping: ColumnMapping | None = None) -> Statement:
    text, _ = decode(data)
    if "\x00" in text[:4096]:
        raise StatementError("We could not read this file: it contains binary data, "
                             "not text.")
    delimiter = sniff_delimiter(text)
    head = [(ln, cells) for ln, cells, _ in _take(iter_rows(text, delimiter), HEAD_ROWS)]
    if max((len(c) for _, c in head), default=0) <= 1 and mapping is None:
        raise StatementError("We could not read this file: it does not have columns like a "
                             "bank statement. Please download a CSV or OFX statement from your "
                             "bank instead.")
    return read_table(head, lambda: iter_rows(text, delimiter), "csv", profile, mapping,
                      delimiter, rows_after=lambda after: iter_rows(text, delimiter, after),
                      cells_after=lambda after: iter_cells(text, delimiter, after))


def _take(it: Iterator[Row], n: int) -> list[Row]:
    out = []
    for row in it:
        out.append(row)
        if len(out) >= n:
            break
    return out


def read_table(head: list[tuple[int, list[Any]]], rows: Any, kind: str,
               profile: str | None, mapping: ColumnMapping | None,
               delimiter: str = ",", *,
               rows_after: Callable[[int], Iterator[Row]] | None = None,
               cells_after: Callable[[int], Iterator[tuple[int, list[Any]]]] | None = None,
               ) -> Statement:
    """Shared by CSV and Excel: ``rows`` is a callable returning a fresh row iterator.

    ``rows_after(n)`` / ``cells_after(n)``, when given, return the rows after line ``n``
    (with and without the raw text): cheaper than filtering ``rows()``.
    """
    p = plan(head, profile, mapping)
    if not isinstance(p, Plan):
        p.delimiter = delimiter
        return Statement(format=f"{kind}:needs-mapping", needs_mapping=True, preview=p)
    st = Statement(format=f"{kind}:{p.profile.name if p.profile else 'generic'}",
                   mapping=p.mapping)
    res = resolve(p.mapping, p.header)
    _preamble(head, p, st)
    dates = DateReader(p.mapping.date_format)
    if p.mapping.date_format is None:
        di = res.date
        if cells_after is not None:
            column = (cells[di] for _, cells in cells_after(p.header_line) if di < len(cells))
        else:
            column = (cells[di] for ln, cells, _ in rows()
                      if ln > p.header_line and di < len(cells))
        order, assumed = decide_order(_distinct_texts(column))
        if order is None:
            raise StatementError("The dates in this file are written in two different ways "
                                 "(some day first, some month first), so we cannot be sure "
                                 "what they mean.")
        if assumed:
            st.notices.append("Every date in this file could be read either way round (for "
                              "example 03/04/2024). We have read them the UK way: day, "
                              "then month.")
        elif order == "mdy":
            st.notices.append("The dates in this file are written month first (the American "
                              "way); we have read them that way.")
        dates = DateReader(None, order)
    if rows_after is not None:
        body = rows_after(p.header_line)
    else:
        body = ((ln, cells, raw) for ln, cells, raw in rows() if ln > p.header_line)
    st.records = _with_accounts(table_records(body, p.mapping, res, st, dates), p, st, res)
    return st


def _distinct_texts(values: Iterable[Any]) -> Iterator[str]:
    """cell_text of each value, each distinct value once (dates repeat a lot; decide_order
    only cares which values occur, not how often)."""
    seen: set[Any] = set()
    add = seen.add
    for v in values:
        if v.__class__ is not str:
            yield cell_text(v)
        elif v not in seen:
            add(v)
            yield cell_text(v)


def _preamble(head: list[tuple[int, list[Any]]], p: Plan, st: Statement) -> None:
    """'Account Name:' / 'Account Balance:' lines above the headings (Nationwide)."""
    name = number = None
    for ln, cells in head:
        if ln >= p.header_line or len(cells) < 2:
            continue
        key, value = cell_text(cells[0]).lower().rstrip(": "), cell_text(cells[1])
        if key in ("account name", "account"):
            name = value
        elif key == "account number":
            number = value
        elif key in ("account balance", "balance", "available balance"):
            try:
                bal = Balance(parse_balance(value))
            except AmountError:
                continue
            if key == "available balance":
                st.available_balance = bal
            else:
                st.ledger_balance = bal
    if name or number:
        st.accounts.append(AccountInfo(name=name, account_number=number))


def _with_accounts(records: Iterator[Transaction], p: Plan, st: Statement,
                   res: Any) -> Iterator[Transaction]:
    cols = p.profile.account_columns if p.profile else ()
    return _account_from_first(records, p, st, cols) if cols else records


def _account_from_first(records: Iterator[Transaction], p: Plan, st: Statement,
                        cols: tuple[str | int, ...]) -> Iterator[Transaction]:
    for rec in records:
        found = _account_from_raw(rec.raw, p, cols)
        if found is not None:
            st.accounts.append(found)
        yield rec
        break
    yield from records


def _account_from_raw(raw: str, p: Plan, cols: tuple[str | int, ...]) -> AccountInfo | None:
    if p.header is None:
        return None
    from .csv_profiles import norm_header

    names = [norm_header(c) for c in p.header]
    try:
        cells = next(csv.reader([raw]))
    except (csv.Error, StopIteration):
        return None
    parts = []
    for c in cols:
        i = names.index(norm_header(c)) if isinstance(c, str) and norm_header(c) in names else c
        if isinstance(i, int) and i < len(cells):
            parts.append(cell_text(cells[i]))
    joined = " ".join(parts)
    m = _ACCOUNT.search(joined)
    if m:
        return AccountInfo(sort_code=m.group(1).replace("-", ""), account_number=m.group(2))
    return AccountInfo(account_number=joined or None) if joined else None
