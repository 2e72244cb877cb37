"""Spreadsheets and CSV files people download (the audit pack, the monitoring return).

Pure: plain values in, bytes out; no Flask, no SQLAlchemy (tests/whole_app/test_layers.py).

Cells that could run as formulas
    Payee names and other text are stored exactly as banks and people send them, so a
    payee may be called ``=HYPERLINK("http://...")``. A spreadsheet program treats text that
    starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and some treat a leading tab or
    carriage return the same way once the cell is edited). Every text cell that starts with
    one of these is written with a single quote in front (``'=HYPERLINK(...)``), in the
    workbook and in the CSV alike:

    - in the workbook the cell is also written as a text cell (never a formula cell), so
      Excel and LibreOffice show it and never work it out; the quote stays visible, which
      tells the reader the text was changed, and it survives someone saving the workbook
      as CSV and opening that again;
    - in the CSV the quote is what stops a spreadsheet opening the file from running it.

    Only text is changed. Amounts are numbers (a minus sign on a number is a number, not
    text), dates are dates.

Money
    Amounts are integer pence everywhere else; here they become pounds as a ``Decimal`` with
    two places (never a float), written as numbers with the format ``#,##0.00``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

# What a text cell may not start with, unprotected.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "d mmm yyyy"

Value = str | int | Decimal | dt.date | None


def safe_text(text: str) -> str:
    """``text`` as it can be put in a spreadsheet cell without being run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def pounds(pence: int | None) -> Decimal | None:
    """Pence as pounds, exactly (two places)."""
    if pence is None:
        return None
    return (Decimal(pence) / 100).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Money:
    """An amount for a cell, in pence (written as pounds with a money format)."""

    pence: int


@dataclass
class Sheet:
    """One sheet: a title, column headings and rows of values."""

    title: str
    headings: Sequence[str]
    rows: list[Sequence[Value | Money]] = field(default_factory=list)

    def add(self, *values: Value | Money) -> None:
        self.rows.append(values)


def _plain(value: Value | Money) -> Value:
    if isinstance(value, Money):
        return pounds(value.pence)
    if isinstance(value, str):
        return safe_text(value)
    return value


def workbook(sheets: Iterable[Sheet]) -> bytes:
    """The sheets as an Excel workbook (.xlsx)."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = book.create_sheet(sheet.title[:31])
        heading_cells = []
        for heading in sheet.headings:
            cell = WriteOnlyCell(ws, value=safe_text(heading))
            cell.data_type = "s"
            cell.font = bold
            heading_cells.append(cell)
        ws.append(heading_cells)
        for row in sheet.rows:
            ws.append([_cell(ws, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(ws: object, value: Value | Money) -> WriteOnlyCell:
    plain = _plain(value)
    cell = WriteOnlyCell(ws, value=plain)  # type: ignore[arg-type]
    if isinstance(plain, str):
        cell.data_type = "s"  # text, whatever it looks like: never a formula
    elif isinstance(value, Money):
        cell.number_format = MONEY_FORMAT
    elif isinstance(plain, dt.date):
        cell.number_format = DATE_FORMAT
    return cell


def csv_text(sheets: Sequence[Sheet]) -> str:
    """The same sheets as one CSV file. A file of one sheet is that sheet; with more, each
    starts with a row holding its title alone and ends with an empty row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    several = len(sheets) > 1
    for sheet in sheets:
        if several:
            writer.writerow([safe_text(sheet.title)])
        writer.writerow([safe_text(h) for h in sheet.headings])
        for row in sheet.rows:
            writer.writerow([_csv_value(v) for v in row])
        if several:
            writer.writerow([])
    return out.getvalue()


def _csv_value(value: Value | Money) -> str:
    plain = _plain(value)
    if plain is None:
        return ""
    if isinstance(plain, dt.date):
        return plain.isoformat()
    return str(plain)


__all__ = ["FORMULA_STARTS", "Money", "Sheet", "csv_text", "pounds", "safe_text", "workbook"]
