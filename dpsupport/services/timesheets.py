"""Timesheets: the shifts each PA works, the checks on them, and approving a period for pay.

Every lookup is scoped to the holder (an id from someone else's records finds nothing);
every change is one transaction, and a `UserError` means nothing was saved. Shifts in an
approved period cannot be added, changed or removed until the approval is withdrawn, and
an approval cannot be withdrawn once an approved pay run has paid that period.

The rules for counting a shift and the checks are in dpsupport/payroll/shifts.py and
dpsupport/payroll/timesheet_checks.py, and in docs/timesheets.md.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, time, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

import payroll_rules

from ..budget.periods import period_on
from ..errors import UserError
from ..models import BudgetLine, Employment, Holder, PayRun, Payslip, Shift, TimesheetApproval, User
from ..models import PendingTimesheet as PendingTimesheet
from ..models.base import utcnow
from ..models.payroll import SHIFT_KINDS as SHIFT_KINDS
from ..payroll import timesheet_checks as checks
from ..payroll import timesheet_sheet as sheet
from ..payroll.shifts import Rates, ShiftError, ShiftPay, shift_pay, span_minutes
from ..payroll.timesheet_checks import Check as Check
from ..text import format_date
from . import audit
from .employment import contract_in_force, employment, employments, rates_of
from .records import flags_later
from .uow import transactional

MAX_PERIOD_DAYS = 93  # an approval covers at most about a quarter (a pay period is shorter)
PENDING_LIFETIME = timedelta(days=1)
_TOKEN = re.compile(r"[A-Za-z0-9_-]+")  # what secrets.token_urlsafe gives


def week_start(day: date) -> date:
    """The Monday of the week ``day`` is in (a timesheet week runs Monday to Sunday)."""
    return day - timedelta(days=day.weekday())


def _employment(session: Session, holder: Holder, employment_id: int) -> Employment:
    row = employment(session, holder, employment_id)
    if row is None:
        raise UserError("We could not find that person in your records")
    return row


# --- reading --------------------------------------------------------------------------------

def shifts_between(session: Session, row: Employment, start: date, end: date) -> list[Shift]:
    """The PA's shifts that start on a day from ``start`` to ``end`` (inclusive)."""
    return list(session.scalars(
        select(Shift).where(Shift.employment_id == row.id, Shift.work_date >= start,
                            Shift.work_date <= end)
        .order_by(Shift.work_date, Shift.start_time, Shift.id)))


def approvals(session: Session, row: Employment) -> list[TimesheetApproval]:
    return list(session.scalars(
        select(TimesheetApproval).where(TimesheetApproval.employment_id == row.id)
        .order_by(TimesheetApproval.period_start.desc())))


def approval_covering(session: Session, row: Employment, day: date) -> TimesheetApproval | None:
    return session.scalar(select(TimesheetApproval).where(
        TimesheetApproval.employment_id == row.id, TimesheetApproval.period_start <= day,
        TimesheetApproval.period_end >= day))


def approvals_overlapping(session: Session, row: Employment, start: date,
                          end: date) -> list[TimesheetApproval]:
    return list(session.scalars(select(TimesheetApproval).where(
        TimesheetApproval.employment_id == row.id, TimesheetApproval.period_start <= end,
        TimesheetApproval.period_end >= start).order_by(TimesheetApproval.period_start)))


def approved_shifts(session: Session, row: Employment, period_start: date,
                    period_end: date) -> list[Shift]:
    """Shifts from ``period_start`` to ``period_end`` on days an approval covers (for the
    pay run)."""
    covered = approvals_overlapping(session, row, period_start, period_end)
    return [s for s in shifts_between(session, row, period_start, period_end)
            if any(a.period_start <= s.work_date <= a.period_end for a in covered)]


def unapproved_shifts_in(session: Session, row: Employment, start: date,
                         end: date) -> list[Shift]:
    """Shifts from ``start`` to ``end`` that no approval covers (a pay run waits for them)."""
    covered = approvals_overlapping(session, row, start, end)
    return [s for s in shifts_between(session, row, start, end)
            if not any(a.period_start <= s.work_date <= a.period_end for a in covered)]


def rates_on(row: Employment, day: date) -> Rates | None:
    """The contract's rates in force on ``day``, or None when there is no contract then."""
    version = contract_in_force(row, day)
    return None if version is None else rates_of(version)


@dataclass(frozen=True)
class ShiftLine:
    """A shift as the week page shows it: its pay worked out, or why it could not be."""

    shift: Shift
    pay: ShiftPay | None
    problem: str | None
    approved: bool

    @property
    def working(self) -> str:
        """How the pay was worked out, in words."""
        if self.pay is None:
            return self.problem or ""
        if self.pay.is_sleep_in:
            return ("A sleep-in is paid the contract's flat allowance for the night; it is not "
                    "working time.")
        brk = self.shift.break_minutes
        less = f"the shift less a {brk} minute unpaid break" if brk else "no unpaid break"
        return (f"{self.pay.minutes} minutes paid ({less}) at the contract's rate for this "
                "kind of shift on that day, rounded to the nearest penny.")


def pay_for(row: Employment, shift: Shift) -> tuple[ShiftPay | None, str | None]:
    rates = rates_on(row, shift.work_date)
    if rates is None:
        return None, (f"There is no contract in force on {format_date(shift.work_date)}, so "
                      "we cannot work out this shift's pay.")
    try:
        return shift_pay(shift.kind, shift.start_time, shift.end_time, shift.break_minutes,
                         rates), None
    except ShiftError as err:
        return None, str(err)


def shift_lines(session: Session, row: Employment, start: date, end: date) -> list[ShiftLine]:
    covered = approvals_overlapping(session, row, start, end)
    lines = []
    for s in shifts_between(session, row, start, end):
        pay, problem = pay_for(row, s)
        lines.append(ShiftLine(s, pay, problem, any(a.period_start <= s.work_date <= a.period_end
                                                    for a in covered)))
    return lines


def _facts(shifts: Sequence[Shift]) -> list[checks.ShiftFacts]:
    return [checks.ShiftFacts(s.id, s.work_date, s.start_time, s.end_time, s.break_minutes,
                              s.kind) for s in shifts]


def minimum_pence(age: int, day: date) -> int | None:
    """The minimum wage in pence for ``age`` on ``day``; None when there is none (under 16)
    or our figures do not cover the day."""
    try:
        return int(payroll_rules.minimum_hourly_wage(age, day) * 100)
    except payroll_rules.PayrollInputError:
        return None


def period_checks(session: Session, row: Employment, start: date, end: date) -> list[Check]:
    """Every check on the PA's shifts from ``start`` to ``end``, each with its explanation.
    Overlaps are looked for a day either side too (a night shift runs into the next day)."""
    around = shifts_between(session, row, start - timedelta(days=1), end + timedelta(days=1))
    inside = [s for s in around if start <= s.work_date <= end]
    facts = _facts(inside)

    def rate_for(f: checks.ShiftFacts) -> int | None:
        rates = rates_on(row, f.work_date)
        return None if rates is None else rates.hourly(f.kind)

    ids = {s.id for s in inside}
    found = [c for c in checks.overlaps(_facts(around)) if ids.intersection(c.refs)]
    found += checks.outside_employment(facts, row.name, row.start_date, row.leaving_date)
    found += checks.below_minimum_wage(facts, row.name, row.date_of_birth, rate_for,
                                       minimum_pence)
    version = contract_in_force(row, end) or contract_in_force(row, start)
    weekly = version.weekly_minutes if version is not None else None
    weeks = max(1, ((end - start).days + 1) // 7)
    everyone = checks.working_minutes(_facts(session.scalars(
        select(Shift).join(Employment, Employment.id == Shift.employment_id).where(
            Employment.holder_id == row.holder_id, Shift.work_date >= start,
            Shift.work_date <= end)).all()))
    found.append(checks.hours_against_plan(facts, plan_minutes_between(session, row, start, end),
                                           weekly, weeks, everyone))
    return found


def plan_minutes_between(session: Session, row: Employment, start: date, end: date) -> int | None:
    """The support plan's hours for ``start``..``end``, in minutes: the hours its lines give
    for a payment period, in proportion to the days (a week of a 4-weekly plan is a
    quarter). None when no line gives hours (the plan holds money), or there is no
    agreement."""
    from .money import terms_for  # money reads this module's records
    from .records import current_agreement

    planned = session.scalar(select(func.sum(BudgetLine.planned_minutes)).where(
        BudgetLine.holder_id == row.holder_id, BudgetLine.planned_minutes.is_not(None)))
    holder = session.get(Holder, row.holder_id)
    agreement = current_agreement(session, holder) if holder is not None else None
    if not planned or agreement is None:
        return None
    period = period_on(terms_for(agreement), start)
    if period is None:
        return None
    return int(planned) * ((end - start).days + 1) // period.days


# --- changing shifts ------------------------------------------------------------------------

@dataclass(frozen=True)
class ShiftInput:
    work_date: date
    start: time
    end: time
    break_minutes: int
    kind: str
    note: str | None = None


def _check_input(data: ShiftInput, where: str = "") -> None:
    if data.kind not in SHIFT_KINDS:
        raise UserError(f"{where}Choose the kind of shift", field="kind")
    if data.break_minutes < 0:
        raise UserError(f"{where}The unpaid break cannot be less than 0 minutes",
                        field="break_minutes")
    if data.break_minutes >= span_minutes(data.start, data.end):
        raise UserError(f"{where}The unpaid break is as long as the shift or longer. Check "
                        "the times and the break", field="break_minutes")


def _not_locked(session: Session, row: Employment, day: date, where: str = "") -> None:
    found = approval_covering(session, row, day)
    if found is not None:
        raise UserError(
            f"{where}{row.name}'s timesheet from {format_date(found.period_start)} to "
            f"{format_date(found.period_end)} is approved, so shifts on "
            f"{format_date(day)} cannot be added, changed or removed.",
            next_step="Withdraw the approval first, if no pay run has paid it yet.")


def _note(text: str | None) -> str | None:
    """A note as kept: no NUL characters (PostgreSQL cannot store them), at most 500."""
    return (text or "").replace("\x00", "").strip()[:500] or None


def _new_shift(session: Session, row: Employment, data: ShiftInput, where: str = "") -> Shift:
    _check_input(data, where)
    _not_locked(session, row, data.work_date, where)
    shift = Shift(employment_id=row.id, work_date=data.work_date, start_time=data.start,
                  end_time=data.end, break_minutes=data.break_minutes, kind=data.kind,
                  note=_note(data.note))
    session.add(shift)
    flags_later(session, row.holder_id)  # minimum wage and the plan's hours read shifts
    return shift


def _shift(session: Session, row: Employment, shift_id: int) -> Shift:
    found = session.scalar(select(Shift).where(Shift.id == shift_id,
                                               Shift.employment_id == row.id))
    if found is None:
        raise UserError("We could not find that shift")
    return found


@transactional
def add_shift(session: Session, holder: Holder, employment_id: int, data: ShiftInput) -> Shift:
    row = _employment(session, holder, employment_id)
    shift = _new_shift(session, row, data)
    session.flush()
    return shift


@transactional
def change_shift(session: Session, holder: Holder, employment_id: int, shift_id: int,
                 data: ShiftInput) -> Shift:
    row = _employment(session, holder, employment_id)
    shift = _shift(session, row, shift_id)
    _not_locked(session, row, shift.work_date)
    _not_locked(session, row, data.work_date)
    _check_input(data)
    shift.work_date, shift.start_time, shift.end_time = data.work_date, data.start, data.end
    shift.break_minutes, shift.kind = data.break_minutes, data.kind
    shift.note = _note(data.note)
    session.flush()
    flags_later(session, row.holder_id)
    return shift


@transactional
def delete_shift(session: Session, holder: Holder, employment_id: int, shift_id: int) -> None:
    row = _employment(session, holder, employment_id)
    shift = _shift(session, row, shift_id)
    _not_locked(session, row, shift.work_date)
    session.delete(shift)
    session.flush()
    flags_later(session, row.holder_id)


@transactional
def save_week(session: Session, holder: Holder, employment_id: int, monday: date,
              shifts: Sequence[ShiftInput]) -> list[Shift]:
    """The week's shifts replaced at once by ``shifts`` (all or nothing). Shifts on days an
    approval covers are kept as they are; a new shift on such a day is refused."""
    row = _employment(session, holder, employment_id)
    sunday = monday + timedelta(days=6)
    for number, data in enumerate(shifts, 1):
        if not monday <= data.work_date <= sunday:
            raise UserError(f"Shift {number}: the date must be in the week from "
                            f"{format_date(monday)} to {format_date(sunday)}", field="shifts")
    for old in shifts_between(session, row, monday, sunday):
        if approval_covering(session, row, old.work_date) is None:
            session.delete(old)
    session.flush()
    flags_later(session, row.holder_id)
    saved = [_new_shift(session, row, data, f"Shift {number}: ")
             for number, data in enumerate(shifts, 1)]
    session.flush()
    return saved


# --- approval -------------------------------------------------------------------------------

@transactional
def approve_period(session: Session, holder: Holder, employment_id: int, period_start: date,
                   period_end: date, user: User | None) -> TimesheetApproval:
    """Approve the PA's shifts from ``period_start`` to ``period_end`` for pay. The checks do
    not stop an approval: the page shows them first."""
    row = _employment(session, holder, employment_id)
    if period_end < period_start:
        raise UserError("The end of the period must be on or after its start",
                        field="period_end")
    if (period_end - period_start).days + 1 > MAX_PERIOD_DAYS:
        raise UserError(f"Approve at most {MAX_PERIOD_DAYS} days at once (a pay period is "
                        "shorter)", field="period_end")
    clash = approvals_overlapping(session, row, period_start, period_end)
    if clash:
        first = clash[0]
        raise UserError(f"{row.name}'s timesheet from {format_date(first.period_start)} to "
                        f"{format_date(first.period_end)} is already approved. Choose a "
                        "period that does not include those days", field="period_start")
    approval = TimesheetApproval(employment_id=row.id, period_start=period_start,
                                 period_end=period_end,
                                 approved_by_id=user.id if user is not None else None)
    session.add(approval)
    session.flush()
    return approval


def paid_by(session: Session, approval: TimesheetApproval) -> PayRun | None:
    """An approved pay run with a payslip for this PA whose period overlaps the approval."""
    return session.scalar(
        select(PayRun).join(Payslip, Payslip.pay_run_id == PayRun.id).where(
            Payslip.employment_id == approval.employment_id, PayRun.status == "approved",
            PayRun.period_start <= approval.period_end,
            PayRun.period_end >= approval.period_start).limit(1))


@transactional
def withdraw_approval(session: Session, holder: Holder, employment_id: int,
                      approval_id: int) -> None:
    row = _employment(session, holder, employment_id)
    approval = session.scalar(select(TimesheetApproval).where(
        TimesheetApproval.id == approval_id, TimesheetApproval.employment_id == row.id))
    if approval is None:
        raise UserError("We could not find that approval")
    run = paid_by(session, approval)
    if run is not None:
        raise UserError(
            f"An approved pay run for {format_date(run.period_start)} to "
            f"{format_date(run.period_end)} has paid these shifts, so the approval stays.",
            next_step="Put a mistake right with a correcting pay run.")
    session.delete(approval)
    session.flush()


# --- spreadsheets ---------------------------------------------------------------------------

def people_for_sheet(session: Session, holder: Holder) -> dict[str, tuple[int, str]]:
    """The keys a row may use for a PA: their number and their name (lower case)."""
    found: dict[str, tuple[int, str]] = {}
    for person in employments(session, holder):
        found[str(person.id)] = (person.id, person.name)
        found.setdefault(" ".join(person.name.lower().split()), (person.id, person.name))
    return found


def template(session: Session, holder: Holder) -> bytes:
    return sheet.template_xlsx([(p.id, p.name) for p in employments(session, holder)],
                               SHIFT_KINDS)


@dataclass(frozen=True)
class UploadCheck:
    """What reading an upload found: the shifts, and every problem by row."""

    shifts: list[sheet.ParsedShift]
    problems: list[str]


def read_upload(session: Session, holder: Holder, data: bytes, filename: str) -> UploadCheck:
    """Read a filled-in timesheet. UserError when the file as a whole cannot be read."""
    try:
        rows = sheet.read_rows(data, filename)
    except sheet.SheetError as err:
        raise UserError(str(err), field="file") from None
    shifts, problems = sheet.parse_rows(rows, people_for_sheet(session, holder), SHIFT_KINDS)
    messages = [str(p) for p in problems]
    by_id = {p.id: p for p in employments(session, holder)}
    for s in shifts:
        person = by_id[s.employment_id]
        data_in = ShiftInput(s.work_date, s.start, s.end, s.break_minutes, s.kind)
        try:
            _check_input(data_in)
            _not_locked(session, person, s.work_date)
        except UserError as err:
            messages.append(f"Row {s.row}: {err.message}")
    messages.sort(key=lambda m: int(m.split(":")[0].split()[1]))
    return UploadCheck(shifts, messages)


@transactional
def keep_upload(session: Session, holder: Holder, filename: str,
                found: UploadCheck) -> PendingTimesheet:
    """Keep a read upload in the database until it is confirmed (any app process can finish
    it; nothing is held in memory). Older than a day, it is cleared away."""
    session.execute(delete(PendingTimesheet).where(
        PendingTimesheet.uploaded_at < utcnow() - PENDING_LIFETIME),
        execution_options={"synchronize_session": False})
    row = PendingTimesheet(
        token=secrets.token_urlsafe(32), holder_id=holder.id,
        uploaded_by_id=audit.current_actor().user_id,
        filename=filename.replace("\x00", "")[:255] or "timesheet",
        shifts=json.dumps([s.to_dict() for s in found.shifts]),
        problems=json.dumps(found.problems))
    session.add(row)
    session.flush()
    return row


def pending_upload(session: Session, holder: Holder, token: str) -> PendingTimesheet | None:
    if not token or len(token) > 64 or not _TOKEN.fullmatch(token):
        return None
    row = session.scalar(select(PendingTimesheet).where(
        PendingTimesheet.token == token, PendingTimesheet.holder_id == holder.id))
    if row is None:
        return None
    when = row.uploaded_at
    if when.tzinfo is None:  # SQLite gives back UTC times without their zone
        when = when.replace(tzinfo=UTC)
    return None if when < utcnow() - PENDING_LIFETIME else row


def pending_contents(row: PendingTimesheet) -> UploadCheck:
    return UploadCheck([sheet.ParsedShift.from_dict(d) for d in json.loads(row.shifts)],
                       list(json.loads(row.problems)))


@transactional
def confirm_upload(session: Session, holder: Holder, token: str) -> int:
    """Add every shift of a kept upload, or none: any problem (found now or when it was
    read) refuses the whole file. Returns how many shifts were added."""
    row = pending_upload(session, holder, token)
    if row is None:
        raise UserError("That upload has expired or was already used. Upload the file again")
    found = pending_contents(row)
    if found.problems:
        raise UserError("This file has problems, so none of its shifts were added.",
                        next_step="Put the rows named right in the spreadsheet and upload it "
                                  "again.")
    if not found.shifts:
        raise UserError("There are no shifts in this file")
    people = {p.id: p for p in employments(session, holder)}
    for s in found.shifts:
        person = people.get(s.employment_id)
        if person is None:
            raise UserError(f"Row {s.row}: we could not find that PA in your records")
        _new_shift(session, person, ShiftInput(s.work_date, s.start, s.end, s.break_minutes,
                                               s.kind), f"Row {s.row}: ")
    session.delete(row)
    session.flush()
    return len(found.shifts)


@transactional
def drop_upload(session: Session, holder: Holder, token: str) -> None:
    row = pending_upload(session, holder, token)
    if row is not None:
        session.delete(row)


def export_rows(session: Session, holder: Holder, start: date, end: date,
                employment_id: int | None = None) -> list[sheet.ExportRow]:
    """Every shift from ``start`` to ``end``, for the holder's PAs (or one of them)."""
    if end < start:
        raise UserError("The end of the period must be on or after its start",
                        field="period_end")
    if (end - start).days > 3 * 366:
        raise UserError("Export at most 3 years at once", field="period_end")
    people = employments(session, holder)
    if employment_id is not None:
        people = [p for p in people if p.id == employment_id]
    rows = []
    for person in people:
        for line in shift_lines(session, person, start, end):
            s = line.shift
            rows.append(sheet.ExportRow(
                person.name, s.work_date, s.start_time, s.end_time, s.break_minutes,
                SHIFT_KINDS[s.kind], line.pay.minutes if line.pay else None,
                line.pay.rate_pence if line.pay else None,
                line.pay.pay_pence if line.pay else None, line.approved))
    rows.sort(key=lambda r: (r.work_date, r.start, r.pa_name))
    return rows
