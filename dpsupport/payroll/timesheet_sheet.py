"""Timesheets as spreadsheets: the template to fill in, reading a filled-in one (xlsx or
CSV) into shifts with every problem named by its row, and exports (xlsx and CSV).

Pure: no database, no Flask. One row is one shift: the PA (their name as it is in your
records, or their number), the date, start time, end time, unpaid break in minutes and the
kind of shift. Cells in exports go through dpsupport.safe_cells, so no spreadsheet runs them.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from ..safe_cells import csv_cell, xlsx_cell
from ..text import format_date

HEADINGS = ("PA (name or number)", "Date", "Start", "End", "Unpaid break (minutes)", "Kind")
# Most a timesheet upload may be: far above a month of shifts for several PAs.
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
_MAX_UNZIPPED = 50 * 1024 * 1024
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?::(\d{2}))?$")
_DATE_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class SheetError(ValueError):
    """The file as a whole cannot be read (not a spreadsheet, too large, no rows)."""


@dataclass(frozen=True, slots=True)
class ParsedShift:
    """One row read: ``employment_id`` is the PA it names."""

    row: int
    employment_id: int
    pa_name: str
    work_date: date
    start: time
    end: time
    break_minutes: int
    kind: str

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "employment_id": self.employment_id, "pa_name": self.pa_name,
                "work_date": self.work_date.isoformat(), "start": self.start.strftime("%H:%M"),
                "end": self.end.strftime("%H:%M"), "break_minutes": self.break_minutes,
                "kind": self.kind}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ParsedShift:
        return cls(int(raw["row"]), int(raw["employment_id"]), str(raw["pa_name"]),
                   date.fromisoformat(raw["work_date"]), time.fromisoformat(raw["start"]),
                   time.fromisoformat(raw["end"]), int(raw["break_minutes"]), str(raw["kind"]))


@dataclass(frozen=True, slots=True)
class RowProblem:
    row: int
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}: {self.message}"


# --- the template ---------------------------------------------------------------------------

def template_xlsx(people: Sequence[tuple[int, str]], kinds: Mapping[str, str]) -> bytes:
    """A workbook to fill in: the headings on the first sheet, and a second sheet saying
    how to fill it in (the PAs' names and numbers, the kinds of shift)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Shifts"
    for column, heading in enumerate(HEADINGS, 1):
        xlsx_cell(ws.cell(row=1, column=column), heading)
    for letter, width in zip("ABCDEF", (24, 12, 8, 8, 22, 16), strict=True):
        ws.column_dimensions[letter].width = width
    help_sheet = wb.create_sheet("How to fill it in")
    lines = [
        "One row for each shift, from row 2 of the Shifts sheet.",
        "PA: their name as it is in your records, or their number below.",
        "Date: like 14/03/2026. Start and End: 24-hour times, like 08:00 or 22:30.",
        "An end time at or before the start time means the shift ends the next day.",
        "Unpaid break: whole minutes, or leave it empty for no break.",
        "Kind: one of the kinds below (the word or its code).",
        "",
        "Your PAs (number, name):",
        *(f"{number}: {name}" for number, name in people),
        "",
        "Kinds of shift (code: meaning):",
        *(f"{code}: {label}" for code, label in kinds.items()),
    ]
    for row, text in enumerate(lines, 1):
        xlsx_cell(help_sheet.cell(row=row, column=1), text)
    help_sheet.column_dimensions["A"].width = 80
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- reading a filled-in sheet --------------------------------------------------------------

def _rows_from_xlsx(data: bytes) -> list[tuple[int, list[Any]]]:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if sum(i.file_size for i in zf.infolist()) > _MAX_UNZIPPED:
                raise SheetError("This spreadsheet is too large to read safely. Split it into "
                                 "smaller files.")
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except SheetError:
        raise
    except Exception:  # openpyxl raises many kinds of error for damaged files
        raise SheetError("We could not open this spreadsheet. It may be damaged or "
                         "password-protected. Save it again as .xlsx or .csv and upload "
                         "that.") from None
    if not wb.worksheets:
        raise SheetError("This spreadsheet has no sheets in it.")
    rows: list[tuple[int, list[Any]]] = []
    try:
        for number, values in enumerate(
                wb.worksheets[0].iter_rows(max_col=len(HEADINGS), values_only=True), 1):
            if number > MAX_ROWS + 1:
                raise SheetError(f"This file has more than {MAX_ROWS:,} rows. Split it into "
                                 "smaller files.")
            rows.append((number, list(values)))
    except SheetError:
        raise
    except Exception:
        raise SheetError("Part of this spreadsheet is damaged and could not be read.") from None
    finally:
        wb.close()
    return rows


def _rows_from_csv(data: bytes) -> list[tuple[int, list[Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    rows = []
    for number, values in enumerate(csv.reader(io.StringIO(text)), 1):
        if number > MAX_ROWS + 1:
            raise SheetError(f"This file has more than {MAX_ROWS:,} rows. Split it into "
                             "smaller files.")
        rows.append((number, list(values[:len(HEADINGS)])))
    return rows


def read_rows(data: bytes, filename: str) -> list[tuple[int, list[Any]]]:
    """The file's rows (row number, cells), headings row left out. SheetError if unreadable."""
    if not data:
        raise SheetError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise SheetError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB. A "
                         "timesheet is much smaller: check you chose the right file.")
    is_xlsx = data[:2] == b"PK"
    if not is_xlsx and filename.lower().endswith((".xlsx", ".xlsm")):
        raise SheetError("This file is not a real .xlsx spreadsheet. Save it again as .xlsx "
                         "or .csv and upload that.")
    rows = _rows_from_xlsx(data) if is_xlsx else _rows_from_csv(data)
    rows = [(n, cells) for n, cells in rows
            if any(c is not None and str(c).strip() for c in cells)]
    if rows and _text(rows[0][1][0] if rows[0][1] else "").lower().startswith("pa"):
        rows = rows[1:]
    if not rows:
        raise SheetError("There are no shifts in this file: fill in one row for each shift, "
                         "under the headings.")
    return rows


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _read_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    try:
        if m := _DATE_DMY.match(text):
            return date(int(m[3]), int(m[2]), int(m[1]))
        if m := _DATE_ISO.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
    return None


def read_time(value: Any) -> time | None:
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    m = _TIME.match(_text(value))
    if not m:
        return None
    hour, minute = int(m[1]), int(m[2])
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _read_minutes(value: Any) -> int | None:
    if value is None or _text(value) == "":
        return 0
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value <= 24 * 60 else None
    text = _text(value)
    return int(text) if text.isdigit() and int(text) <= 24 * 60 else None


def _read_kind(value: Any, kinds: Mapping[str, str]) -> str | None:
    text = " ".join(_text(value).lower().replace("-", " ").replace("_", " ").split())
    if not text:
        return None
    for code, label in kinds.items():
        words = {code.replace("_", " "), label.lower(), label.lower().split(" (")[0]}
        if text in words:
            return code
    return None


def parse_rows(rows: Iterable[tuple[int, list[Any]]], people: Mapping[str, tuple[int, str]],
               kinds: Mapping[str, str]) -> tuple[list[ParsedShift], list[RowProblem]]:
    """Read each row into a shift, naming every problem with its row number.

    ``people`` maps a PA's number (as text) and their name (lower case, spaces squashed) to
    (employment id, name)."""
    shifts: list[ParsedShift] = []
    problems: list[RowProblem] = []
    for number, raw in rows:
        cells = list(raw) + [None] * (len(HEADINGS) - len(raw))
        who, day, start, end, brk, kind = cells[:len(HEADINGS)]
        found: list[str] = []
        key = " ".join(_text(who).lower().split())
        if isinstance(who, float) and who.is_integer():
            key = str(int(who))
        person = people.get(key)
        if not key:
            found.append("enter the PA's name or number")
        elif person is None:
            found.append(f"we do not know a PA called {_text(who)!r}. Use their name as it is "
                         "in your records, or their number")
        work_date = _read_date(day)
        if work_date is None:
            found.append("enter the date, like 14/03/2026" if not _text(day) else
                         f"the date {_text(day)} is not a date. Write it like 14/03/2026")
        begin = read_time(start)
        if begin is None:
            found.append("enter the start time, like 08:00" if not _text(start) else
                         f"the start time {_text(start)} is not a time")
        finish = read_time(end)
        if finish is None:
            found.append("enter the end time, like 16:30" if not _text(end) else
                         f"the end time {_text(end)} is not a time")
        minutes = _read_minutes(brk)
        if minutes is None:
            found.append(f"the break {_text(brk)} is not a whole number of minutes")
        code = _read_kind(kind, kinds) if _text(kind) else "day"
        if code is None:
            found.append(f"{_text(kind)!r} is not a kind of shift. Use one of: "
                         + ", ".join(kinds))
        if found:
            problems.extend(RowProblem(number, message) for message in found)
            continue
        assert person is not None and work_date and begin and finish and code
        assert minutes is not None
        shifts.append(ParsedShift(number, person[0], person[1], work_date, begin, finish,
                                  minutes, code))
    return shifts, problems


# --- exports --------------------------------------------------------------------------------

EXPORT_HEADINGS = ("PA", "Date", "Start", "End", "Unpaid break (minutes)", "Kind",
                   "Paid time (minutes)", "Rate (pence)", "Pay (pence)", "Approved")


@dataclass(frozen=True, slots=True)
class ExportRow:
    pa_name: str
    work_date: date
    start: time
    end: time
    break_minutes: int
    kind_label: str
    minutes: int | None
    rate_pence: int | None
    pay_pence: int | None
    approved: bool

    def cells(self) -> list[object]:
        return [self.pa_name, self.work_date, self.start.strftime("%H:%M"),
                self.end.strftime("%H:%M"), self.break_minutes, self.kind_label, self.minutes,
                self.rate_pence, self.pay_pence, self.approved]


def export_csv(rows: Sequence[ExportRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_HEADINGS)
    for row in rows:
        writer.writerow([format_date(c) if isinstance(c, date) else csv_cell(c)
                         for c in row.cells()])
    return out.getvalue().encode("utf-8-sig")


def export_xlsx(rows: Sequence[ExportRow], title: str) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Shifts"
    xlsx_cell(ws.cell(row=1, column=1), title)
    for column, heading in enumerate(EXPORT_HEADINGS, 1):
        xlsx_cell(ws.cell(row=2, column=column), heading)
    for r, row in enumerate(rows, 3):
        for column, value in enumerate(row.cells(), 1):
            cell = ws.cell(row=r, column=column)
            xlsx_cell(cell, "Yes" if value is True else "No" if value is False else value)
            if isinstance(value, date):
                cell.number_format = "DD/MM/YYYY"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
