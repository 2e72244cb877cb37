"""Excel (.xlsx) statements, read with openpyxl in read-only mode, using the CSV column code."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from .csv_reader import read_table
from .layout import HEAD_ROWS
from .model import ColumnMapping, Statement, StatementError
from .table import Row


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
    ws = wb.worksheets[0] if wb.worksheets else None
    if ws is None:
        raise StatementError("This Excel file has no sheets in it.")

    def rows() -> Iterator[Row]:
        try:
            for n, values in enumerate(ws.iter_rows(values_only=True), 1):
                if n > max_rows * 2 + 1000:
                    raise StatementError(
                        f"This file has more than {max_rows:,} transactions. Please split it "
                        "into smaller statements.")
                cells: list[Any] = list(values)
                while cells and cells[-1] is None:
                    cells.pop()
                yield n, cells, ",".join("" if c is None else str(c) for c in cells)
        except StatementError:
            raise
        except Exception:
            raise StatementError("Part of this Excel file is damaged and could not be "
                                 "read.") from None

    head = []
    for n, cells, _ in rows():
        head.append((n, cells))
        if len(head) >= HEAD_ROWS:
            break
    return read_table(head, rows, "xlsx", profile, mapping)
