"""Excel (.xlsx) statements, read with openpyxl in read-only mode, using the CSV column code.

* The statement is the first sheet (of the first 20) whose top rows we can make sense of
  (a bank layout or heading row); failing that, the first sheet with anything in it.
* The sheet's stated size (<dimension>) is ignored: some exporters write "A1" whatever the
  size, and openpyxl would then read one cell.
* Rows are read as the cells the file holds (openpyxl's sheet parser), not as openpyxl's
  padded rows: a row holding one cell in the last column (XFD) would otherwise become 16,384
  cells, and a sheet of such rows would take minutes. Rows missing from the file are not
  made up, and only the first :data:`LAID_OUT_COLUMNS` columns (or, below the top rows, only as
  many as the widest top row) are laid out as cells; a value further right is kept as one
  extra cell after them, so the row is still "wider than the heading row" and reported,
  never silently dropped. Reading costs time in proportion to the cells in the file.
* Empty cells at the end of a row are part of the row: a line whose last column (often
  the balance) is empty is not "shorter than the heading row" as it would be in a CSV.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from .csv_reader import read_table
from .layout import HEAD_ROWS, Plan, plan
from .model import ColumnMapping, Statement, StatementError
from .table import Row, cell_text

MAX_SHEETS = 20
LAID_OUT_COLUMNS = 100  # cells of a row laid out at their places (a statement has far fewer)


def sheet_cells(ws: Any) -> Iterator[tuple[int, list[tuple[int, Any]]]]:
    """(row number, [(column number, value), ...]) for each row the sheet's XML holds.

    Only cells with a value are listed (1-based column numbers, in the file's order).
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    wb = ws.parent
    with ws._get_source() as src:
        parser = WorkSheetParser(src, ws._shared_strings, data_only=wb.data_only,
                                 epoch=wb.epoch, date_formats=wb._date_formats,
                                 timedelta_formats=wb._timedelta_formats)
        for number, row in parser.parse():
            yield number, [(c["column"], c["value"]) for c in row if c["value"] is not None]


def lay_out(present: list[tuple[int, Any]], columns: int,
            width: int = 0) -> tuple[list[Any], str]:
    """One row as (cells, raw text).

    cells: the values in the first ``columns`` columns at their places (empty places None),
    padded with None to ``width``; then, if the row has values further right, the first of
    them as one more cell (at index ``columns``). raw: the cells joined by commas, empty
    places as empty fields, then any values further right (without their empty places).
    """
    cells: list[Any] = []
    beyond: list[Any] = []
    for column, value in present:
        if column > columns:
            beyond.append(value)
            continue
        if column > len(cells):
            cells.extend([None] * (column - len(cells)))
        cells[column - 1] = value
    raw = ",".join("" if c is None else str(c) for c in cells)
    if beyond:
        raw = ",".join([raw, *(str(v) for v in beyond)]) if cells else ",".join(
            str(v) for v in beyond)
        cells.extend([None] * (columns - len(cells)))
        cells.append(beyond[0])
    elif cells and len(cells) < width:
        cells.extend([None] * (width - len(cells)))
    return cells, raw


def read_xlsx(data: bytes, *, profile: str | None = None,
              mapping: ColumnMapping | None = None, max_rows: int = 50_000) -> Statement:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a runtime dependency
        raise StatementError("Excel files cannot be read on this system. Please download a "
                             "CSV file instead.") from None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = sum(i.file_size for i in zf.infolist())
        if total > 200 * 1024 * 1024:
            raise StatementError("This Excel file is too large to read safely.")
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except StatementError:
        raise
    except Exception:  # openpyxl raises many kinds of error for damaged files
        raise StatementError("We could not open this Excel file. It may be damaged or "
                             "password-protected. Please download a CSV file instead.") from None
    if not wb.worksheets:
        raise StatementError("This Excel file has no sheets in it.")

    def rows_of(ws: Any, width: int = 0) -> Iterator[Row]:
        columns = width or LAID_OUT_COLUMNS
        try:
            for count, (n, present) in enumerate(sheet_cells(ws), 1):
                if count > max_rows * 2 + 1000:
                    raise StatementError(
                        f"This file has more than {max_rows:,} transactions. Please split it "
                        "into smaller statements.")
                if present:
                    yield (n, *lay_out(present, columns, width))
        except StatementError:
            raise
        except Exception:
            raise StatementError("Part of this Excel file is damaged and could not be "
                                 "read.") from None

    def head_of(ws: Any) -> list[tuple[int, list[Any]]]:
        head = []
        for n, cells, _ in rows_of(ws):
            head.append((n, cells))
            if len(head) >= HEAD_ROWS:
                break
        return head

    chosen: tuple[Any, list[tuple[int, list[Any]]]] | None = None
    for ws in wb.worksheets[:MAX_SHEETS]:
        head = head_of(ws)
        if not any(cell_text(c) for _, cells in head for c in cells):
            continue  # an empty sheet
        if chosen is None:
            chosen = (ws, head)
        try:
            found = plan(head, profile, mapping)
        except StatementError:
            continue
        if isinstance(found, Plan):
            chosen = (ws, head)
            break
    if chosen is None:
        raise StatementError("This Excel file is empty: there are no transactions in it.")
    ws, head = chosen
    width = max((len(cells) for _, cells in head), default=0)
    return read_table(head, lambda: rows_of(ws, width), "xlsx", profile, mapping)
