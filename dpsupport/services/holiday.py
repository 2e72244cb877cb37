"""Holiday: entitlement, accrual, bookings, balance and holiday pay for each PA.

The sums are in `dpsupport/payroll/holiday.py` (pure); the rules, with their sources, are
in docs/holiday_and_sickness.md. What this module decides:

- Hours worked (for 12.07% accrual and the 52-week average) come from the PA's recorded
  shifts, each paid at the contract's rates in force on its date. Sleep-ins are not working
  time, so neither their minutes nor their allowance count.
- Holiday pay an hour: for regular hours, the higher of the contract's daytime rate and the
  52-week average an hour (so a PA whose pay varies with nights or weekends is never paid
  less than the law's average); for irregular hours, the 52-week average an hour (the
  daytime rate until they have a week with pay).
- A booking is paid in full in the pay period that holds its first day (unless the PA is
  on rolled-up holiday pay: then it was paid with each payslip, and the booking only takes
  the time off the balance).
- Booking more than the balance is allowed, with a warning: people often take holiday
  before it has built up, and the employer agrees it. Booking a day after the PA's leaving
  date, before their start date, or across two leave years is refused.
- A booking can be cancelled until a payslip has paid it; a paid booking is put right with
  an adjustment.
- Adjustments may add or take off time (a signed number of minutes), with a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import UserError
from ..models import ContractVersion, Employment, Holder, HolidayEntry, Shift
from ..models.payroll import HOLIDAY_KINDS as HOLIDAY_KINDS
from ..models.people import NATIONS as NATIONS
from ..payroll import bank_holidays as bank
from ..payroll import holiday as rules
from ..payroll.holiday import CARRY_OVER_REASONS as CARRY_OVER_REASONS
from ..payroll.holiday import Working
from ..payroll.lines import PayLine
from ..payroll.shifts import ShiftError, shift_pay
from ..text import format_date, format_pence, hours, plural
from . import employment as staff
from .employment import contract_in_force, employment, rates_of
from .uow import transactional

# --- reading the records ---------------------------------------------------------------------


def _find(session: Session, holder: Holder, employment_id: int) -> Employment:
    row = employment(session, holder, employment_id)
    if row is None:
        raise UserError("We could not find that person in your records")
    return row


def worked_weeks(session: Session, row: Employment, first: date,
                 last: date) -> list[rules.WeekPay]:
    """Pay and minutes for work (not sleep-ins) from recorded shifts, week by week."""
    shifts = session.scalars(select(Shift).where(
        Shift.employment_id == row.id, Shift.work_date >= first, Shift.work_date <= last)
        .order_by(Shift.work_date, Shift.id))
    weeks: dict[date, tuple[int, int]] = {}
    for shift in shifts:
        if shift.kind == "sleep_in":
            continue
        version = contract_in_force(row, shift.work_date)
        if version is None:
            continue
        try:
            paid = shift_pay(shift.kind, shift.start_time, shift.end_time,
                             shift.break_minutes, rates_of(version))
        except ShiftError:
            continue
        start = rules.week_start(shift.work_date)
        pay, minutes = weeks.get(start, (0, 0))
        weeks[start] = (pay + paid.pay_pence, minutes + paid.working_minutes)
    return [rules.WeekPay(start, pay, minutes) for start, (pay, minutes) in sorted(weeks.items())]


def _worked(session: Session, row: Employment, first: date, last: date) -> tuple[int, int]:
    """(minutes worked, pay for them) from shifts from ``first`` to ``last``."""
    weeks = worked_weeks(session, row, first, last)
    return sum(w.minutes for w in weeks), sum(w.pay_pence for w in weeks)


def _entries(session: Session, row: Employment, first: date, last: date) -> list[HolidayEntry]:
    return list(session.scalars(select(HolidayEntry).where(
        HolidayEntry.employment_id == row.id, HolidayEntry.first_day >= first,
        HolidayEntry.first_day <= last).order_by(HolidayEntry.first_day, HolidayEntry.id)))


def leave_year_for(row: Employment, on: date) -> tuple[date, date]:
    """The leave year holding ``on``, by the contract in force then (or the first one)."""
    version = contract_in_force(row, on) or (row.contracts[0] if row.contracts else None)
    if version is None:
        raise UserError(f"{row.name} has no contract yet: add it first, so we know when "
                        "their holiday year starts")
    return rules.leave_year(version.holiday_year_start, on)


# --- entitlement and balance -----------------------------------------------------------------

def _spans(row: Employment, first: date, last: date) -> list[tuple[date, date, ContractVersion]]:
    """The parts of ``first``..``last`` (cut to the employment) under each contract version."""
    begin = max(first, row.start_date)
    end = min(last, row.leaving_date) if row.leaving_date else last
    found = []
    versions = list(row.contracts)
    for i, version in enumerate(versions):
        v_end = versions[i + 1].effective_date - timedelta(days=1) if i + 1 < len(versions) \
            else end
        a, b = max(begin, version.effective_date), min(end, v_end)
        if a <= b:
            found.append((a, b, version))
    return found


def earned(session: Session, row: Employment, year_first: date, year_last: date,
           up_to: date | None = None) -> Working:
    """Entitlement (regular hours) and holiday built up (irregular hours) in a leave year.
    ``up_to``: only the part of the year to that day (for what is owed so far)."""
    last = min(year_last, up_to) if up_to else year_last
    spans = _spans(row, year_first, last)
    if not spans:
        return Working(0, ("They did not work for you in this part of the leave year.",))
    regular: list[rules.RegularSpan] = []
    irregular_minutes = 0
    any_irregular = False
    for a, b, version in spans:
        if version.hours_kind == "regular" and version.weekly_minutes:
            regular.append(rules.RegularSpan(a, b, version.weekly_minutes,
                                              version.days_per_week))
        else:
            any_irregular = True
            irregular_minutes += _worked(session, row, a, b)[0]
    parts: list[Working] = []
    if regular:
        parts.append(rules.regular_entitlement(regular, year_first, year_last))
    if any_irregular:
        parts.append(rules.irregular_accrual(irregular_minutes, year_first))
    minutes = sum(p.minutes for p in parts)
    lines = tuple(line for p in parts for line in p.lines)
    if len(parts) > 1:
        lines += (f"In all: {hours(minutes)}.",)
    return Working(minutes, lines)


@dataclass(frozen=True)
class HolidayYear:
    """One PA's holiday in one leave year: every figure with its working."""

    first: date
    last: date
    regular: bool
    rolled_up: bool
    earned: Working
    carried_over: Working
    adjustments: Working
    booked: Working
    balance: Working
    entries: tuple[HolidayEntry, ...]
    bank_holidays: tuple[bank.BankHoliday, ...]


def _sum_entries(entries: list[HolidayEntry], kind: str, words: str) -> Working:
    chosen = [e for e in entries if e.kind == kind]
    total = sum(e.minutes for e in chosen)
    lines = [f"{format_date(e.first_day)}"
             + (f" to {format_date(e.last_day)}" if e.last_day != e.first_day else "")
             + f": {'−' if e.minutes < 0 else ''}{hours(abs(e.minutes))}"
             + (f" ({e.note})" if e.note else "") + "." for e in chosen]
    return Working(total, tuple(lines) or (f"No {words} in this leave year.",))


def holiday_year(session: Session, holder: Holder, employment_id: int,
                 on: date | None = None) -> HolidayYear:
    row = _find(session, holder, employment_id)
    day = on or staff.today()
    # someone who has left: their last leave year; someone starting later: their first
    if row.leaving_date is not None and day > row.leaving_date:
        day = row.leaving_date
    day = max(day, row.start_date)
    first, last = leave_year_for(row, day)
    entries = _entries(session, row, first, last)
    got = earned(session, row, first, last)
    carried = _sum_entries(entries, "carried_over", "holiday carried over")
    adjusted = _sum_entries(entries, "adjustment", "changes to the balance")
    booked = _sum_entries(entries, "booked", "holiday booked")
    version = contract_in_force(row, day) or row.contracts[0]
    return HolidayYear(
        first=first, last=last, regular=version.hours_kind == "regular",
        rolled_up=version.hours_kind != "regular" and version.rolled_up_holiday,
        earned=got, carried_over=carried, adjustments=adjusted, booked=booked,
        balance=rules.balance(got.minutes, carried.minutes, adjusted.minutes, booked.minutes),
        entries=tuple(entries),
        bank_holidays=tuple(bank.bank_holidays(holder.nation, first, last)))


def _balance(session: Session, row: Employment, first: date, last: date) -> int:
    entries = _entries(session, row, first, last)
    got = earned(session, row, first, last)
    return (got.minutes + sum(e.minutes for e in entries if e.kind != "booked")
            - sum(e.minutes for e in entries if e.kind == "booked"))


# --- bookings and changes --------------------------------------------------------------------

@dataclass(frozen=True)
class Booked:
    entry: HolidayEntry
    notes: tuple[str, ...]  # warnings and bank holidays in the days booked


@transactional
def book_holiday(session: Session, holder: Holder, employment_id: int, first_day: date,
                 last_day: date, minutes: int, note: str | None = None) -> Booked:
    row = _find(session, holder, employment_id)
    if last_day < first_day:
        raise UserError("The last day of the holiday must be on or after the first day",
                        field="last_day")
    if first_day < row.start_date:
        raise UserError(f"{row.name} started on {format_date(row.start_date)}: holiday must "
                        "be on or after then", field="first_day")
    if row.leaving_date is not None and last_day > row.leaving_date:
        raise UserError(f"{row.name} leaves on {format_date(row.leaving_date)}: holiday "
                        "cannot be booked after then. Holiday not taken by then is paid in "
                        "their last pay", field="last_day")
    if minutes <= 0:
        raise UserError("Enter the hours of holiday, more than 0", field="hours")
    days = (last_day - first_day).days + 1
    if minutes > days * 24 * 60:
        raise UserError(f"That is more hours than there are in {plural(days, 'day')}. Check "
                        "the hours and the dates", field="hours")
    first, last = leave_year_for(row, first_day)
    if last_day > last:
        raise UserError(f"The leave year ends on {format_date(last)}: book the days after "
                        "that separately, in the next leave year", field="last_day")
    left = _balance(session, row, first, last)
    entry = HolidayEntry(employment_id=row.id, kind="booked", first_day=first_day,
                         last_day=last_day, minutes=minutes,
                         note=(note or "").strip()[:500] or None)
    session.add(entry)
    session.flush()
    notes: list[str] = []
    if minutes > left:
        notes.append(f"This is {hours(minutes - max(left, 0))} more than {row.name} has left "
                     f"in this leave year ({hours(max(left, 0))}). It is booked: check you "
                     "both agree, as they are taking holiday before they have built it up.")
    inside = bank.bank_holidays(holder.nation, first_day, last_day)
    if inside:
        names = ", ".join(f"{b.name} ({format_date(b.day)})" for b in inside)
        notes.append(f"These days include {plural(len(inside), 'bank holiday')}: {names}. "
                     "If they would not have worked on them, take those hours off the "
                     "booking.")
    return Booked(entry, tuple(notes))


def _entry(session: Session, row: Employment, entry_id: int) -> HolidayEntry:
    entry = session.scalar(select(HolidayEntry).where(HolidayEntry.id == entry_id,
                                                      HolidayEntry.employment_id == row.id))
    if entry is None:
        raise UserError("We could not find that holiday in your records")
    return entry


@transactional
def cancel_booking(session: Session, holder: Holder, employment_id: int,
                   entry_id: int) -> None:
    row = _find(session, holder, employment_id)
    entry = _entry(session, row, entry_id)
    if entry.kind != "booked":
        raise UserError("Only booked holiday can be cancelled. To undo a change to the "
                        "balance, add another change")
    if entry.payslip_id is not None:
        raise UserError("This holiday has been paid on a payslip, so it cannot be cancelled",
                        next_step="Add a change to the balance to give the hours back")
    session.delete(entry)
    session.flush()


@transactional
def change_balance(session: Session, holder: Holder, employment_id: int, kind: str, on: date,
                   minutes: int, note: str | None = None,
                   reason: str | None = None) -> HolidayEntry:
    """Record holiday carried over into the leave year holding ``on`` (``reason`` one of
    CARRY_OVER_REASONS), or an adjustment (signed minutes, with a note)."""
    row = _find(session, holder, employment_id)
    text = (note or "").strip()[:500] or None
    first, last = leave_year_for(row, on)
    if kind == "carried_over":
        if reason not in CARRY_OVER_REASONS:
            raise UserError("Select why the holiday is carried over", field="reason")
        if minutes <= 0:
            raise UserError("Enter the hours carried over, more than 0", field="hours")
        limit = carry_over_limit(session, row, first)
        already = sum(e.minutes for e in _entries(session, row, first, last)
                      if e.kind == "carried_over")
        if already + minutes > limit.minutes:
            raise UserError(f"At most {hours(limit.minutes)} can be carried over into the "
                            f"leave year starting {format_date(first)}"
                            + (f", and {hours(already)} already has been" if already else "")
                            + ". " + " ".join(limit.lines), field="hours")
        text = CARRY_OVER_REASONS[reason] + (f": {text}" if text else "")
        entry = HolidayEntry(employment_id=row.id, kind="carried_over", first_day=first,
                             last_day=first, minutes=minutes, note=text[:500])
    elif kind == "adjustment":
        if minutes == 0:
            raise UserError("Enter the hours to add or take off", field="hours")
        if text is None:
            raise UserError("Enter why the balance is changing", field="note")
        if on < row.start_date or (row.leaving_date and on > row.leaving_date):
            raise UserError("The date must be while they work for you", field="on")
        entry = HolidayEntry(employment_id=row.id, kind="adjustment", first_day=on,
                             last_day=on, minutes=minutes, note=text)
    else:
        raise UserError("Choose whether this is holiday carried over or a change",
                        field="kind")
    session.add(entry)
    session.flush()
    return entry


def carry_over_limit(session: Session, row: Employment, year_first: date) -> Working:
    """The most that may be carried into the leave year starting ``year_first`` by
    agreement (see payroll.holiday.carry_over_limit), from last leave year's balance."""
    prev_first, prev_last = rules.leave_year(year_first, year_first - timedelta(days=1))
    if prev_last < row.start_date:
        return Working(0, ("They did not work for you in the leave year before this one, so "
                           "there is nothing to carry over.",))
    unused = _balance(session, row, prev_first, prev_last)
    version = contract_in_force(row, year_first) or row.contracts[-1]
    if version.hours_kind == "regular" and version.weekly_minutes:
        week = version.weekly_minutes
    else:  # a week of holiday for irregular hours: last year's holiday / 5.6
        got = earned(session, row, prev_first, prev_last).minutes
        week = int((Decimal(got) / rules.STATUTORY_WEEKS).to_integral_value(ROUND_HALF_UP))
    # the larger of the two limits: carrying over what they could not take includes
    # the 1.6 weeks that may be agreed
    return rules.carry_over_limit("could_not_take", week, unused)


# --- holiday pay -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Rate:
    """Holiday pay an hour (exact pence) and how it was chosen."""

    hourly_pence: Decimal
    lines: tuple[str, ...]

    @property
    def rounded(self) -> int:
        return int(self.hourly_pence.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def holiday_rate(session: Session, row: Employment, on: date) -> Rate:
    version = contract_in_force(row, on) or row.contracts[-1]
    weeks = worked_weeks(session, row, on - timedelta(weeks=rules.LOOK_BACK_WEEKS + 1), on)
    average = rules.reference_average(weeks, on)
    day_rate = Decimal(version.day_rate_pence)
    lines: list[str] = list(average.lines) if average else [
        "They have no weeks with pay recorded before this date (from their shifts)."]
    if version.hours_kind == "regular":
        if average is not None and average.hourly_pence > day_rate:
            lines.append(f"That is more than their daytime rate ({format_pence(int(day_rate))} "
                         "an hour), so holiday is paid at the average.")
            return Rate(average.hourly_pence, tuple(lines))
        lines.append(f"Holiday is paid at their daytime rate, {format_pence(int(day_rate))} "
                     "an hour (their contracted pay; the average is not higher).")
        return Rate(day_rate, tuple(lines))
    if average is not None and average.hourly_pence > 0:
        lines.append("Their hours vary, so holiday is paid at the average an hour.")
        return Rate(average.hourly_pence, tuple(lines))
    lines.append(f"Until there is a week with pay, holiday is paid at their daytime rate, "
                 f"{format_pence(int(day_rate))} an hour.")
    return Rate(day_rate, tuple(lines))


def pay_lines(session: Session, employment: Employment, period_start: date, period_end: date,
              pay_date: date) -> list[PayLine]:
    """The holiday pay (and rolled-up holiday pay) lines for this PA's pay period.

    Holiday booked to start in the period is paid in full (unless rolled-up holiday pay is
    used); rolled-up holiday pay is 12.07% of the pay for work in the period."""
    row = employment
    lines: list[PayLine] = []
    version = contract_in_force(row, period_end) or contract_in_force(row, period_start)
    if version is None:
        return lines
    rolled = version.hours_kind != "regular" and version.rolled_up_holiday
    bookings = [e for e in _entries(session, row, period_start, period_end)
                if e.kind == "booked"]
    if bookings and not rolled:
        for entry in bookings:
            rate = holiday_rate(session, row, entry.first_day)
            pence = rules.pence_for(entry.minutes, rate.hourly_pence)
            days = (format_date(entry.first_day) if entry.first_day == entry.last_day else
                    f"{format_date(entry.first_day)} to {format_date(entry.last_day)}")
            lines.append(PayLine("holiday", f"Holiday {days}: {hours(entry.minutes)} at "
                                 f"{format_pence(rate.rounded)} an hour", pence,
                                 entry.minutes))
    if rolled:
        year_first, _ = rules.leave_year(version.holiday_year_start, period_end)
        minutes, pay = _worked(session, row, period_start, period_end)
        pence = rules.rolled_up(pay, year_first)
        if pence:
            lines.append(PayLine("rolled_up_holiday",
                                 f"Rolled-up holiday pay: 12.07% of {format_pence(pay)} pay "
                                 f"for {hours(minutes)} worked", pence))
    return lines


@transactional
def mark_paid(session: Session, employment: Employment, period_start: date, period_end: date,
              payslip_id: int) -> int:
    """For the pay run engine, when a payslip is approved: its period's bookings are paid
    (they can no longer be cancelled). Returns how many were marked."""
    marked = 0
    for entry in _entries(session, employment, period_start, period_end):
        if entry.kind == "booked" and entry.payslip_id is None:
            entry.payslip_id = payslip_id
            marked += 1
    session.flush()
    return marked


# --- what is owed ----------------------------------------------------------------------------

@dataclass(frozen=True)
class HolidayOwed:
    """A PA's holiday built up but not taken, and what it would cost to pay it now."""

    employment_id: int
    name: str
    minutes: int
    pence: int
    lines: tuple[str, ...]


def holiday_owed(session: Session, holder: Holder, on: date) -> list[HolidayOwed]:
    """For each PA working for the holder on ``on``: holiday built up in this leave year to
    ``on``, plus carried over and changes, less holiday taken (bookings starting on or
    before ``on``), at their holiday pay an hour. Rolled-up holiday pay is paid as they go,
    so nothing is owed for it. Never less than 0."""
    found: list[HolidayOwed] = []
    people = session.scalars(select(Employment).where(Employment.holder_id == holder.id)
                             .order_by(Employment.name, Employment.id))
    for row in people:
        if row.start_date > on or (row.leaving_date and row.leaving_date < on):
            continue
        version = contract_in_force(row, on)
        if version is None:
            continue
        first, last = rules.leave_year(version.holiday_year_start, on)
        if version.hours_kind != "regular" and version.rolled_up_holiday:
            found.append(HolidayOwed(row.id, row.name, 0, 0, (
                f"{row.name} gets rolled-up holiday pay with each payslip, so no holiday "
                "pay is owed for time off.",)))
            continue
        got = earned(session, row, first, last, up_to=on)
        entries = [e for e in _entries(session, row, first, last) if e.first_day <= on]
        added = sum(e.minutes for e in entries if e.kind != "booked")
        taken = sum(e.minutes for e in entries if e.kind == "booked")
        minutes = max(0, got.minutes + added - taken)
        rate = holiday_rate(session, row, on)
        pence = rules.pence_for(minutes, rate.hourly_pence)
        lines = [f"Leave year {format_date(first)} to {format_date(last)}; built up to "
                 f"{format_date(on)}:", *got.lines]
        if added:
            lines.append(f"Carried over and changes: {hours(added)}.")
        lines.append(f"Holiday taken (or started) by {format_date(on)}: {hours(taken)}.")
        lines.append(f"Not taken yet: {hours(minutes)}.")
        lines.extend(rate.lines)
        lines.append(f"{hours(minutes)} at {format_pence(rate.rounded)} an hour = "
                     f"{format_pence(pence)}.")
        found.append(HolidayOwed(row.id, row.name, minutes, pence, tuple(lines)))
    return found
