"""The timesheet service on both databases: a week of shifts saved at once, pay from the
contract in force on the day, the checks, approval locking shifts, withdrawing it until a
pay run pays it, and spreadsheet uploads that add every shift or none."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dpsupport.errors import UserError
from dpsupport.models import PayRun, Payslip, PendingTimesheet, Shift, TimesheetApproval
from dpsupport.services import employment
from dpsupport.services import timesheets as service

from ..support.factories import create_holder, create_org

MONDAY = date(2026, 5, 4)
SALLY = employment.EmploymentInput(
    name="Sally Pope", date_of_birth=date(1990, 3, 1), ni_number=None, address=None,
    start_date=date(2026, 4, 6), leaving_date=date(2026, 5, 8), starter_statement="A",
    tax_code=None, ni_category=None, student_loan_plan=None, postgraduate_loan=False,
    close_relative_in_household=False, council_approval_reference=None)
TERMS = employment.ContractInput(
    effective_date=date(2026, 4, 6), pay_frequency="monthly", pay_day="last Friday",
    day_rate_pence=1300, night_rate_pence=1200, weekend_rate_pence=None,
    bank_holiday_rate_pence=None, sleep_in_pence=5000, hours_kind="regular",
    weekly_minutes=16 * 60, holiday_year_start=date(2026, 4, 6), pension_scheme=None,
    pension_employee_bp=None, pension_employer_bp=None, written_statement_date=None,
    right_to_work_date=None, dbs_check_date=None)


def _shift(day: date, start: str, end: str, kind: str = "day",
           brk: int = 0) -> service.ShiftInput:
    return service.ShiftInput(day, time.fromisoformat(start), time.fromisoformat(end), brk,
                              kind)


@pytest.fixture
def pa(session: Session):  # type: ignore[no-untyped-def]
    holder = create_holder(session, create_org(session), "Jordan Price")
    person = employment.add_employment(session, holder, SALLY)
    employment.add_contract_version(session, holder, person.id, TERMS)
    employment.add_contract_version(session, holder, person.id,
                                    replace(TERMS, effective_date=MONDAY + (date(2026, 5, 6)
                                                                           - MONDAY),
                                            day_rate_pence=1400))
    return holder, person


def _count(session: Session, model: type) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_week_is_saved_at_once_and_replaces_its_unapproved_shifts(session, pa) -> None:  # type: ignore[no-untyped-def]
    holder, person = pa
    service.add_shift(session, holder, person.id, _shift(MONDAY, "09:00", "12:00"))
    saved = service.save_week(session, holder, person.id, MONDAY, [
        _shift(MONDAY, "09:00", "17:00", brk=30),
        _shift(date(2026, 5, 6), "09:00", "17:00", brk=30),
        _shift(date(2026, 5, 6), "22:00", "07:00", "sleep_in")])
    assert len(saved) == 3
    shifts = service.shifts_between(session, person, MONDAY, date(2026, 5, 10))
    assert [(s.work_date, s.start_time) for s in shifts] == [
        (MONDAY, time(9)), (date(2026, 5, 6), time(9)), (date(2026, 5, 6), time(22))]
    lines = service.shift_lines(session, person, MONDAY, date(2026, 5, 10))
    # pay from the contract in force on the day: £13 on Monday, £14 from Wednesday
    assert [x.pay.pay_pence for x in lines if x.pay] == [9750, 10500, 5000]
    assert lines[2].pay is not None and lines[2].pay.working_minutes == 0


def test_a_bad_shift_in_a_week_saves_nothing(session, pa) -> None:  # type: ignore[no-untyped-def]
    holder, person = pa
    service.add_shift(session, holder, person.id, _shift(MONDAY, "09:00", "12:00"))
    with pytest.raises(UserError, match="Shift 2: The unpaid break is as long as the shift"):
        service.save_week(session, holder, person.id, MONDAY, [
            _shift(MONDAY, "09:00", "17:00"), _shift(MONDAY, "18:00", "19:00", brk=60)])
    with pytest.raises(UserError, match="must be in the week"):
        service.save_week(session, holder, person.id, MONDAY,
                          [_shift(date(2026, 5, 11), "09:00", "17:00")])
    assert _count(session, Shift) == 1


def test_someone_elses_pa_is_not_found(session, pa) -> None:  # type: ignore[no-untyped-def]
    _holder, person = pa
    other = create_holder(session, create_org(session, "Other"), "Other")
    with pytest.raises(UserError, match="could not find"):
        service.add_shift(session, other, person.id, _shift(MONDAY, "09:00", "12:00"))
    with pytest.raises(UserError, match="could not find"):
        service.approve_period(session, other, person.id, MONDAY, date(2026, 5, 10), None)


def test_the_checks_name_overlaps_low_pay_and_the_leaving_date(session, pa) -> None:  # type: ignore[no-untyped-def]
    holder, person = pa
    service.save_week(session, holder, person.id, MONDAY, [
        _shift(MONDAY, "22:00", "07:00", "night"),        # £12 < £12.71: below minimum
        _shift(date(2026, 5, 5), "06:00", "10:00"),       # overlaps the night
        _shift(date(2026, 5, 5), "22:00", "07:00", "sleep_in"),  # not compared
        _shift(date(2026, 5, 9), "09:00", "12:00")])      # after leaving on 8 May
    found = service.period_checks(session, person, MONDAY, date(2026, 5, 10))
    kinds = [c.kind for c in found]
    assert kinds.count("overlap") == 1 and kinds.count("minimum_wage") == 1
    assert kinds.count("after_leaving") == 1 and kinds[-1] == "hours"
    hours = found[-1]
    assert "does not say how many hours" in hours.explanation  # no hours in the plan: said plainly
    low = next(c for c in found if c.kind == "minimum_wage")
    assert "£12.71" in low.explanation and "£12.00" in low.explanation


def test_approval_locks_the_period_until_it_is_withdrawn(session, pa) -> None:  # type: ignore[no-untyped-def]
    holder, person = pa
    first = service.add_shift(session, holder, person.id, _shift(MONDAY, "09:00", "12:00"))
    later = service.add_shift(session, holder, person.id,
                              _shift(date(2026, 5, 12), "09:00", "12:00"))
    approval = service.approve_period(session, holder, person.id, MONDAY, date(2026, 5, 10),
                                      None)
    for attempt in (
            lambda: service.add_shift(session, holder, person.id,
                                      _shift(date(2026, 5, 5), "09:00", "12:00")),
            lambda: service.change_shift(session, holder, person.id, first.id,
                                         _shift(MONDAY, "10:00", "12:00")),
            lambda: service.change_shift(session, holder, person.id, later.id,
                                         _shift(date(2026, 5, 5), "10:00", "12:00")),
            lambda: service.delete_shift(session, holder, person.id, first.id)):
        with pytest.raises(UserError, match="is approved"):
            attempt()
    # saving the week keeps the approved shifts and refuses new ones on those days
    with pytest.raises(UserError, match="is approved"):
        service.save_week(session, holder, person.id, MONDAY,
                          [_shift(MONDAY, "13:00", "14:00")])
    assert _count(session, Shift) == 2
    with pytest.raises(UserError, match="already approved"):
        service.approve_period(session, holder, person.id, date(2026, 5, 10),
                               date(2026, 5, 16), None)
    assert [s.id for s in service.approved_shifts(session, person, date(2026, 5, 1),
                                                  date(2026, 5, 31))] == [first.id]
    assert [s.id for s in service.unapproved_shifts_in(session, person, date(2026, 5, 1),
                                                       date(2026, 5, 31))] == [later.id]
    service.withdraw_approval(session, holder, person.id, approval.id)
    service.delete_shift(session, holder, person.id, first.id)
    assert _count(session, TimesheetApproval) == 0 and _count(session, Shift) == 1


def test_an_approval_an_approved_pay_run_has_paid_stays(session, pa) -> None:  # type: ignore[no-untyped-def]
    holder, person = pa
    approval = service.approve_period(session, holder, person.id, MONDAY, date(2026, 5, 10),
                                      None)
    run = PayRun(holder_id=holder.id, frequency="monthly", period_start=date(2026, 5, 1),
                 period_end=date(2026, 5, 31), pay_date=date(2026, 5, 29), tax_period=2,
                 status="draft")
    session.add(run)
    session.flush()
    money = {name: 0 for name in (
        "gross_pence", "holiday_pay_pence", "sick_pay_pence", "taxable_pence", "tax_pence",
        "employee_ni_pence", "employer_ni_pence", "employee_pension_pence",
        "employer_pension_pence", "student_loan_pence", "postgraduate_loan_pence",
        "net_pence", "taxable_to_date_pence", "tax_to_date_pence", "gross_to_date_pence",
        "employee_ni_to_date_pence", "employer_ni_to_date_pence",
        "student_loan_to_date_pence", "postgraduate_loan_to_date_pence")}
    session.add(Payslip(pay_run_id=run.id, employment_id=person.id, tax_year=2026,
                        tax_code="1257L", ni_category="A", inputs_json="{}", **money))
    session.commit()
    # a draft run does not hold the approval...
    assert service.paid_by(session, approval) is None
    run.status = "approved"
    session.commit()
    with pytest.raises(UserError, match="approved pay run .* has paid these shifts"):
        service.withdraw_approval(session, holder, person.id, approval.id)
    assert _count(session, TimesheetApproval) == 1


def test_an_upload_with_a_bad_row_adds_nothing(session, pa) -> None:  # type: ignore[no-untyped-def]
    holder, person = pa
    data = (b"PA,Date,Start,End,Break,Kind\n"
            b"Sally Pope,04/05/2026,09:00,17:00,30,day\n"
            b"Sally Pope,05/05/2026,09:00,25:00,0,day\n")
    found = service.read_upload(session, holder, data, "week.csv")
    assert found.problems == ["Row 3: the end time 25:00 is not a time"]
    kept = service.keep_upload(session, holder, "week.csv", found)
    with pytest.raises(UserError, match="none of its shifts were added"):
        service.confirm_upload(session, holder, kept.token)
    assert _count(session, Shift) == 0


def test_an_upload_is_all_or_nothing_even_when_a_period_is_approved_meanwhile(session, pa) -> None:  # type: ignore[no-untyped-def]
    holder, person = pa
    data = (b"PA,Date,Start,End,Break,Kind\n"
            + f"{person.id},04/05/2026,09:00,17:00,30,day\n".encode()
            + b"sally pope,12/05/2026,22:00,07:00,,sleep-in\n")
    found = service.read_upload(session, holder, data, "week.csv")
    assert found.problems == [] and len(found.shifts) == 2
    kept = service.keep_upload(session, holder, "week.csv", found)
    token = kept.token
    service.approve_period(session, holder, person.id, date(2026, 5, 11), date(2026, 5, 17),
                           None)
    with pytest.raises(UserError, match="Row 3: .*is approved"):
        service.confirm_upload(session, holder, token)
    assert _count(session, Shift) == 0 and _count(session, PendingTimesheet) == 1
    # another holder cannot use the reference
    other = create_holder(session, create_org(session, "Other"), "Other")
    assert service.pending_upload(session, other, token) is None
    service.withdraw_approval(session, holder, person.id,
                              service.approvals(session, person)[0].id)
    assert service.confirm_upload(session, holder, token) == 2
    assert _count(session, Shift) == 2 and _count(session, PendingTimesheet) == 0


def test_an_export_lists_every_shift_with_its_pay(session, pa) -> None:  # type: ignore[no-untyped-def]
    holder, person = pa
    service.add_shift(session, holder, person.id, _shift(date(2026, 5, 6), "09:00", "10:00"))
    service.add_shift(session, holder, person.id, _shift(MONDAY, "09:00", "10:00"))
    rows = service.export_rows(session, holder, MONDAY, date(2026, 5, 10))
    assert [(r.work_date, r.pay_pence, r.approved) for r in rows] == [
        (MONDAY, 1300, False), (date(2026, 5, 6), 1400, False)]
    with pytest.raises(UserError, match="on or after its start"):
        service.export_rows(session, holder, MONDAY, date(2026, 5, 1))
