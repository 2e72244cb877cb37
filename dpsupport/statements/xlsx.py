"""Excel (.xlsx) statements, read with openpyxl in read-only mode, using the CSV column code.

* The statement is the first sheet (of the first 20) whose top rows we can make sense of
  (a bank layout or heading row); failing that, the first sheet with anything in it.
* The sheet's stated size (<dimension>) is ignored: some exporters write "A1" whatever the
  size, and openpyxl would then read one cell.
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
        try:
            for n, values in enumerate(ws.iter_rows(values_only=True), 1):
                if n > max_rows * 2 + 1000:
                    raise StatementError(
                        f"This file has more than {max_rows:,} transactions. Please split it "
                        "into smaller statements.")
                cells: list[Any] = list(values)
                while cells and cells[-1] is None:
                    cells.pop()
                raw = ",".join("" if c is None else str(c) for c in cells)
                if cells and len(cells) < width:
                    cells.extend([None] * (width - len(cells)))
                yield n, cells, raw
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
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()
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
