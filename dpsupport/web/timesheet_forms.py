"""Forms for timesheets. The week's shifts are rows sent as ``shift-N-...`` fields (any
number of them, so a row can be added without a script); they are read here into the
service's ShiftInput, with a plain message for every mistake, named by its shift number."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from wtforms import FileField
from wtforms.validators import DataRequired, ValidationError

from ..payroll.timesheet_sheet import read_time
from ..services.timesheets import SHIFT_KINDS, ShiftInput
from ..text import format_date
from .forms import DateField, Form, SelectField

MAX_ROWS = 60  # far more than anyone works in a week
FORMATS = {"xlsx": "Excel spreadsheet (.xlsx)", "csv": "CSV file (.csv)"}


@dataclass
class ShiftRow:
    """One row of the week form as it was typed, with its mistakes (field name: message)."""

    number: int
    day: str = ""
    start: str = ""
    end: str = ""
    break_minutes: str = ""
    kind: str = "day"
    note: str = ""
    locked: bool = False
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def blank(self) -> bool:
        return not (self.start.strip() or self.end.strip())


def week_days(monday: date) -> list[date]:
    return [monday + timedelta(days=n) for n in range(7)]


def read_week(formdata: Mapping[str, str], monday: date) -> tuple[list[ShiftRow],
                                                                  list[ShiftInput]]:
    """The rows typed (blank ones dropped unless part-filled) and, when none has a mistake,
    the shifts to save. A row ticked "remove" is left out."""
    try:
        count = min(max(int(formdata.get("shift-count", "0")), 0), MAX_ROWS)
    except ValueError:
        count = 0
    days = {d.isoformat(): d for d in week_days(monday)}
    rows: list[ShiftRow] = []
    inputs: list[ShiftInput] = []
    for i in range(count):
        prefix = f"shift-{i}-"
        def sent(name: str, most: int = 40) -> str:
            text = str(formdata.get(prefix + name, "")).replace("\x00", "")  # noqa: B023
            return text.strip()[:most]

        row = ShiftRow(len(rows) + 1, day=sent("day"), start=sent("start"), end=sent("end"),
                       break_minutes=sent("break"), kind=sent("kind"), note=sent("note", 500))
        if formdata.get(prefix + "remove") or row.blank:
            continue
        rows.append(row)
        where = f"Shift {row.number}"
        day = days.get(row.day)
        if day is None:
            row.errors["day"] = f"{where}: select the day of the shift"
        start, end = read_time(row.start), read_time(row.end)
        if start is None:
            row.errors["start"] = (f"{where}: enter the start time, like 08:00" if not row.start
                                   else f"{where}: the start time {row.start} is not a time. "
                                        "Use the 24-hour clock, like 08:00")
        if end is None:
            row.errors["end"] = (f"{where}: enter the end time, like 16:30" if not row.end
                                 else f"{where}: the end time {row.end} is not a time. Use "
                                      "the 24-hour clock, like 16:30")
        minutes = 0
        if row.break_minutes:
            if row.break_minutes.isdigit() and int(row.break_minutes) <= 24 * 60:
                minutes = int(row.break_minutes)
            else:
                row.errors["break"] = (f"{where}: enter the unpaid break as a whole number of "
                                       "minutes, like 30, or leave it empty")
        if row.kind not in SHIFT_KINDS:
            row.errors["kind"] = f"{where}: select the kind of shift"
        if not row.errors and day and start and end:
            inputs.append(ShiftInput(day, start, end, minutes, row.kind, row.note or None))
    return rows, inputs


def day_choices(monday: date) -> list[tuple[str, str]]:
    return [(d.isoformat(), f"{d.strftime('%A')} {format_date(d, year=False)}")
            for d in week_days(monday)]


class WeekForm(Form):
    """The week page's form: its rows are read by `read_week` (CSRF is this form's part)."""


class ApproveForm(Form):
    period_start = DateField("From", what="the first day of the period",
                             validators=[DataRequired("Enter the first day of the period")])
    period_end = DateField("To", what="the last day of the period",
                           validators=[DataRequired("Enter the last day of the period")])

    def validate_period_end(self, field: DateField) -> None:
        start = self.period_start.data
        if start and field.data and field.data < start:
            raise ValidationError("The last day of the period must be on or after the first")


class UploadForm(Form):
    file = FileField("Upload a filled-in timesheet", id="timesheet-file")

    def validate_file(self, field: FileField) -> None:
        upload = field.data
        if upload is None or not getattr(upload, "filename", None):
            raise ValidationError("Select a timesheet spreadsheet (.xlsx or .csv) to upload")


class ExportForm(Form):
    """Read from the address (a GET form): no CSRF, nothing changes."""

    class Meta(Form.Meta):
        csrf = False

    start = DateField("From", what="the first day to export",
                      validators=[DataRequired("Enter the first day to export")])
    end = DateField("To", what="the last day to export",
                    validators=[DataRequired("Enter the last day to export")])
    format = SelectField("File type", what="a file type", choices=list(FORMATS.items()),
                         default="xlsx")
    employment = SelectField("Whose shifts", what="whose shifts to export", choices=[],
                             default="")

    def validate_end(self, field: DateField) -> None:
        start = self.start.data
        if start and field.data and field.data < start:
            raise ValidationError("The last day must be on or after the first day")
