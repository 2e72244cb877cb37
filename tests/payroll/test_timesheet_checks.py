"""The timesheet checks and spreadsheets (pure): overlaps across midnight, the minimum wage
on the day worked (sleep-ins not counted, waking nights counted, a birthday that day), dates
outside the employment, hours against the plan, reading rows and writing safe cells."""

from __future__ import annotations

import csv
import io
from datetime import date, time

import openpyxl
import pytest

import payroll_rules
from dpsupport.models.payroll import SHIFT_KINDS
from dpsupport.payroll import timesheet_checks as checks
from dpsupport.payroll import timesheet_sheet as sheet
from dpsupport.safe_cells import csv_cell, xlsx_cell


def _shift(ref: int, day: date, start: str, end: str, kind: str = "day",
           brk: int = 0) -> checks.ShiftFacts:
    return checks.ShiftFacts(ref, day, time.fromisoformat(start), time.fromisoformat(end),
                             brk, kind)


def _minimum(age: int, day: date) -> int | None:
    try:
        return int(payroll_rules.minimum_hourly_wage(age, day) * 100)
    except payroll_rules.PayrollInputError:
        return None


# --- overlaps -------------------------------------------------------------------------------

def test_a_night_shift_overlaps_the_next_mornings_shift() -> None:
    night = _shift(1, date(2026, 5, 4), "22:00", "07:00", "night")
    morning = _shift(2, date(2026, 5, 5), "06:00", "10:00")
    found = checks.overlaps([morning, night])
    assert [c.refs for c in found] == [(1, 2)]
    assert "4 May 2026 22:00 to 07:00" in found[0].explanation


def test_shifts_that_meet_do_not_overlap() -> None:
    night = _shift(1, date(2026, 5, 4), "22:00", "07:00", "night")
    morning = _shift(2, date(2026, 5, 5), "07:00", "10:00")
    evening = _shift(3, date(2026, 5, 4), "18:00", "22:00")
    assert checks.overlaps([night, morning, evening]) == []


def test_a_long_shift_overlapping_two_others_names_both() -> None:
    long = _shift(1, date(2026, 5, 4), "08:00", "20:00")
    found = checks.overlaps([long, _shift(2, date(2026, 5, 4), "09:00", "10:00"),
                             _shift(3, date(2026, 5, 4), "18:00", "19:00")])
    assert sorted(c.refs for c in found) == [(1, 2), (1, 3)]


# --- minimum wage ---------------------------------------------------------------------------

BORN = date(2005, 6, 10)  # 21 on 10 June 2026


def _rate(pence: int):  # type: ignore[no-untyped-def]
    return lambda _s: pence


def test_a_sleep_in_is_not_compared_with_the_minimum_wage() -> None:
    sleep = _shift(1, date(2026, 5, 4), "22:00", "07:00", "sleep_in")
    assert checks.below_minimum_wage([sleep], "Sam", date(1990, 1, 1), _rate(100),
                                     _minimum) == []


def test_a_waking_night_is_working_time_and_is_compared() -> None:
    night = _shift(1, date(2026, 5, 4), "22:00", "07:00", "night")
    found = checks.below_minimum_wage([night], "Sam", date(1990, 1, 1), _rate(1200),
                                      _minimum)
    assert [c.kind for c in found] == ["minimum_wage"]
    assert "£12.71 an hour" in found[0].explanation and "£0.71 below" in found[0].explanation


def test_the_rate_for_their_age_changes_on_their_21st_birthday() -> None:
    rate = _rate(1100)  # above the 18 to 20 rate (£10.85), below the 21 and over (£12.71)
    day_before = _shift(1, date(2026, 6, 9), "09:00", "17:00")
    birthday = _shift(2, date(2026, 6, 10), "09:00", "17:00")
    found = checks.below_minimum_wage([day_before, birthday], "Sam", BORN, rate, _minimum)
    assert [c.refs for c in found] == [(2,)]
    assert "was 21" in found[0].explanation


def test_under_16_has_no_minimum_and_no_contract_is_said_plainly() -> None:
    young = checks.below_minimum_wage([_shift(1, date(2026, 5, 4), "09:00", "12:00")], "Kit",
                                      date(2011, 1, 1), _rate(100), _minimum)
    assert young == []
    none = checks.below_minimum_wage([_shift(1, date(2026, 5, 4), "09:00", "12:00")], "Kit",
                                     date(1990, 1, 1), lambda _s: None, _minimum)
    assert [c.kind for c in none] == ["no_contract"]


# --- dates and hours ------------------------------------------------------------------------

def test_shifts_after_leaving_or_before_starting_are_named() -> None:
    shifts = [_shift(1, date(2026, 4, 1), "09:00", "12:00"),
              _shift(2, date(2026, 5, 1), "09:00", "12:00"),
              _shift(3, date(2026, 6, 2), "09:00", "12:00")]
    found = checks.outside_employment(shifts, "Sam", date(2026, 4, 6), date(2026, 6, 1))
    assert [(c.kind, c.refs) for c in found] == [("before_start", (1,)),
                                                  ("after_leaving", (3,))]


def test_the_plan_holds_no_hours_and_the_check_says_so() -> None:
    shifts = [_shift(1, date(2026, 5, 4), "09:00", "17:00", brk=30),
              _shift(2, date(2026, 5, 4), "22:00", "07:00", "sleep_in")]
    found = checks.hours_against_plan(shifts, None, None, 1)
    assert not found.warning
    assert "7 hours 30 minutes of work recorded" in found.explanation
    assert "does not say how many hours" in found.explanation


def test_hours_beyond_the_plan_and_the_contract_are_warned_of() -> None:
    shifts = [_shift(n, date(2026, 5, 4 + n), "08:00", "18:00") for n in range(3)]
    found = checks.hours_against_plan(shifts, 20 * 60, 16 * 60, 1)
    assert found.warning
    assert "10 hours more than the 20 hours your support plan pays for" in found.explanation
    assert "14 hours more were recorded" in found.explanation


def test_the_plans_hours_are_for_all_the_pas_together() -> None:
    shifts = [_shift(n, date(2026, 5, 4 + n), "09:00", "13:00") for n in range(3)]  # 12 hours
    within = checks.hours_against_plan(shifts, 20 * 60, None, 1, everyone_minutes=20 * 60)
    assert not within.warning and "With your other PAs, 20 hours" in within.explanation
    over = checks.hours_against_plan(shifts, 20 * 60, None, 1, everyone_minutes=21 * 60)
    assert over.warning
    assert "1 hour more than the 20 hours your support plan pays for" in over.explanation


# --- spreadsheets ---------------------------------------------------------------------------

PEOPLE = {"7": (7, "Sally Pope"), "sally pope": (7, "Sally Pope")}


def _csv(text: str) -> list[tuple[int, list[object]]]:
    return sheet.read_rows(text.encode(), "shifts.csv")


def test_every_problem_is_named_by_its_row() -> None:
    rows = _csv("PA,Date,Start,End,Break,Kind\n"
                "Sally Pope,04/05/2026,09:00,17:00,30,day\n"
                "7,2026-05-05,22:00,07:00,,Waking night\n"
                "Nobody,31/02/2026,9am,25:00,half,lunch\n")
    shifts, problems = sheet.parse_rows(rows, PEOPLE, SHIFT_KINDS)
    assert [(s.row, s.kind, s.break_minutes) for s in shifts] == [(2, "day", 30),
                                                                   (3, "night", 0)]
    messages = [str(p) for p in problems]
    assert "Row 4: the end time 25:00 is not a time" in messages
    assert "Row 4: the start time 9am is not a time" in messages
    assert any(m.startswith("Row 4: we do not know a PA called 'Nobody'") for m in messages)
    assert any(m.startswith("Row 4: the date 31/02/2026 is not a date") for m in messages)
    assert any(m.startswith("Row 4: the break half") for m in messages)
    assert any(m.startswith("Row 4: 'lunch' is not a kind of shift") for m in messages)


def test_the_template_reads_back_with_its_own_cells() -> None:
    data = sheet.template_xlsx([(7, "Sally Pope")], SHIFT_KINDS)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["Shifts"]
    ws.append(["Sally Pope", date(2026, 5, 4), time(9), time(17), 30, "Sleep-in"])
    out = io.BytesIO()
    wb.save(out)
    shifts, problems = sheet.parse_rows(sheet.read_rows(out.getvalue(), "t.xlsx"), PEOPLE,
                                        SHIFT_KINDS)
    assert problems == []
    assert [(s.work_date, s.start, s.end, s.kind) for s in shifts] == [
        (date(2026, 5, 4), time(9), time(17), "sleep_in")]
    assert "7: Sally Pope" in [c.value for c in wb["How to fill it in"]["A"]]


@pytest.mark.parametrize("data, name, message", [
    (b"", "x.csv", "empty"), (b"not a zip", "x.xlsx", "not a real .xlsx"),
    (b"PA,Date\n", "x.csv", "no shifts"), (b"x" * (sheet.MAX_BYTES + 1), "x.csv", "larger")])
def test_a_file_that_cannot_be_read_says_why(data: bytes, name: str, message: str) -> None:
    with pytest.raises(sheet.SheetError, match=message):
        sheet.read_rows(data, name)


def test_too_many_rows_is_refused() -> None:
    text = "PA,Date,Start,End,Break,Kind\n" + "7,04/05/2026,09:00,10:00,,day\n" * (
        sheet.MAX_ROWS + 1)
    with pytest.raises(sheet.SheetError, match="more than 2,000 rows"):
        _csv(text)


@pytest.mark.parametrize("text", ["=1+1", "+44 113", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_risky_text_is_never_a_formula(text: str) -> None:
    assert csv_cell(text) == "'" + text
    wb = openpyxl.Workbook()
    cell = wb.active["A1"]
    xlsx_cell(cell, text)
    assert cell.data_type == "s" and cell.value == text
    assert csv_cell(-2) == "-2" and csv_cell("Sally") == "Sally"


def test_exports_protect_names_and_keep_numbers() -> None:
    row = sheet.ExportRow("=HYPERLINK(\"x\")", date(2026, 5, 4), time(9), time(17), 30,
                          "Day", 450, 1300, 9750, True)
    text = sheet.export_csv([row]).decode("utf-8-sig")
    read = list(csv.reader(io.StringIO(text)))
    assert read[1][:2] == ["'=HYPERLINK(\"x\")", "4 May 2026"]
    assert read[1][6:] == ["450", "1300", "9750", "Yes"]
    wb = openpyxl.load_workbook(io.BytesIO(sheet.export_xlsx([row], "Shifts")))
    ws = wb.active
    assert ws["A3"].data_type == "s" and ws["A3"].value == "=HYPERLINK(\"x\")"
    assert ws["I3"].value == 9750
