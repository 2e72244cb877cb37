"""Holiday and sickness services on both databases: bookings, balance, carry-over, holiday
pay lines (at the contract's rate or the 52-week average), rolled-up holiday pay, what is
owed, sickness spells and Statutory Sick Pay before and from 6 April 2026."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dpsupport.errors import UserError
from dpsupport.models import ContractVersion, HolidayEntry, PayRun, Payslip, Shift
from dpsupport.services import employment as staff
from dpsupport.services import holiday, sickness

from ..support.factories import create_holder, create_org

ON = date(2026, 11, 27)
PA = staff.EmploymentInput(
    name="Sally Pope", date_of_birth=date(1990, 3, 1), ni_number=None, address=None,
    start_date=date(2025, 4, 6), leaving_date=None, starter_statement="A", tax_code=None,
    ni_category=None, student_loan_plan=None, postgraduate_loan=False,
    close_relative_in_household=False, council_approval_reference=None)
TERMS = staff.ContractInput(
    effective_date=date(2025, 4, 6), pay_frequency="monthly", pay_day="last Friday",
    day_rate_pence=1300, night_rate_pence=1800, weekend_rate_pence=None,
    bank_holiday_rate_pence=None, sleep_in_pence=5000, hours_kind="regular",
    weekly_minutes=16 * 60, holiday_year_start=date(2025, 4, 6), pension_scheme=None,
    pension_employee_bp=None, pension_employer_bp=None, written_statement_date=None,
    right_to_work_date=None, dbs_check_date=None)


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staff, "today", lambda: ON)


def _setup(session: Session, terms: staff.ContractInput = TERMS, nation: str = "england",
           person: staff.EmploymentInput = PA):  # type: ignore[no-untyped-def]
    holder = create_holder(session, create_org(session, "Org"), "Jordan Price")
    holder.nation = nation
    row = staff.add_employment(session, holder, person)
    staff.add_contract_version(session, holder, row.id, terms)
    session.commit()
    return holder, row


def _shift(session: Session, row, day: date, hours: int, kind: str = "day") -> None:  # type: ignore[no-untyped-def]
    end = (9 + hours) % 24
    session.add(Shift(employment_id=row.id, work_date=day, start_time=time(9, 0),
                      end_time=time(end, 0), break_minutes=0, kind=kind))


def _payslip(session: Session, holder, row, pay_date: date, gross: int,
             frequency: str = "monthly") -> None:  # type: ignore[no-untyped-def]
    start = pay_date.replace(day=1) if frequency == "monthly" else pay_date - timedelta(days=6)
    run = PayRun(holder_id=holder.id, frequency=frequency, period_start=start,
                 period_end=pay_date, pay_date=pay_date, tax_period=1, status="approved")
    session.add(run)
    session.flush()
    zero = {name: 0 for name in (
        "holiday_pay_pence", "sick_pay_pence", "taxable_pence", "tax_pence",
        "employee_ni_pence", "employer_ni_pence", "employee_pension_pence",
        "employer_pension_pence", "student_loan_pence", "postgraduate_loan_pence",
        "net_pence", "taxable_to_date_pence", "tax_to_date_pence", "gross_to_date_pence",
        "employee_ni_to_date_pence", "employer_ni_to_date_pence",
        "student_loan_to_date_pence", "postgraduate_loan_to_date_pence")}
    session.add(Payslip(pay_run_id=run.id, employment_id=row.id, tax_year=2025,
                        tax_code="1257L", ni_category="A", gross_pence=gross,
                        inputs_json="{}", **zero))
    session.flush()


# --- holiday ---------------------------------------------------------------------------------

def test_regular_hours_year_balance_and_bank_holidays(session: Session) -> None:
    holder, row = _setup(session)
    year = holiday.holiday_year(session, holder, row.id)
    assert (year.first, year.last) == (date(2026, 4, 6), date(2027, 4, 5))
    assert year.earned.minutes == 5376  # 16 hours × 5.6 weeks = 89.6 hours
    assert year.balance.minutes == 5376 and year.regular
    assert date(2026, 12, 28) in [b.day for b in year.bank_holidays]
    assert date(2026, 11, 30) not in [b.day for b in year.bank_holidays]  # not Scotland

    done = holiday.book_holiday(session, holder, row.id, date(2026, 12, 24),
                                date(2026, 12, 29), 16 * 60, "Christmas")
    assert any("Christmas Day (25 December 2026)" in n for n in done.notes)
    assert any("Boxing Day (substitute day)" in n for n in done.notes)
    assert holiday.holiday_year(session, holder, row.id).balance.minutes == 5376 - 960


def test_scotland_has_its_own_bank_holidays(session: Session) -> None:
    holder, row = _setup(session, nation="scotland")
    year = holiday.holiday_year(session, holder, row.id)
    days = [b.day for b in year.bank_holidays]
    assert date(2026, 11, 30) in days and date(2027, 1, 2) not in days  # a Saturday
    assert date(2027, 1, 4) in days  # 2 January's substitute day
    assert date(2027, 3, 29) not in days  # Easter Monday


def test_booking_rules(session: Session) -> None:
    holder, row = _setup(session, person=replace(PA, leaving_date=date(2027, 1, 31)))
    with pytest.raises(UserError) as err:
        holiday.book_holiday(session, holder, row.id, date(2027, 1, 30), date(2027, 2, 2), 480)
    assert err.value.field == "last_day" and "leaves on 31 January 2027" in err.value.message
    with pytest.raises(UserError):  # before they started
        holiday.book_holiday(session, holder, row.id, date(2025, 4, 1), date(2025, 4, 7), 480)
    with pytest.raises(UserError) as err:  # more hours than the days hold
        holiday.book_holiday(session, holder, row.id, date(2026, 12, 1), date(2026, 12, 1),
                             25 * 60)
    assert err.value.field == "hours"
    with pytest.raises(UserError):  # across two leave years (the year ends 5 April)
        holiday.book_holiday(session, holder, row.id, date(2026, 4, 4), date(2026, 4, 7), 480)
    with pytest.raises(UserError):
        holiday.book_holiday(session, holder, row.id, date(2026, 12, 2), date(2026, 12, 1), 60)
    assert session.scalars(select(HolidayEntry)).all() == []
    # more than the balance: booked, with a warning. A leaver's year is their share:
    # 6 April 2026 to 31 January 2027 is 301 of 365 days
    year = holiday.holiday_year(session, holder, row.id)
    assert year.earned.minutes == 4434  # 5376 × 301 / 365 = 4433.4, rounded up
    done = holiday.book_holiday(session, holder, row.id, date(2026, 12, 1),
                                date(2026, 12, 31), 5000)
    assert done.entry.id is not None
    assert "more than Sally Pope has left" in done.notes[0]


def test_cancel_until_paid(session: Session) -> None:
    holder, row = _setup(session)
    entry = holiday.book_holiday(session, holder, row.id, date(2026, 12, 1),
                                 date(2026, 12, 1), 480).entry
    holiday.cancel_booking(session, holder, row.id, entry.id)
    assert session.scalars(select(HolidayEntry)).all() == []
    entry = holiday.book_holiday(session, holder, row.id, date(2026, 12, 1),
                                 date(2026, 12, 1), 480).entry
    _payslip(session, holder, row, date(2026, 12, 31), 100_000)
    slip = session.scalars(select(Payslip)).one()
    assert holiday.mark_paid(session, row, date(2026, 12, 1), date(2026, 12, 31), slip.id) == 1
    with pytest.raises(UserError) as err:
        holiday.cancel_booking(session, holder, row.id, entry.id)
    assert "paid on a payslip" in err.value.message
    # someone else's holder cannot see it
    other = create_holder(session, create_org(session, "Other"), "Someone Else")
    with pytest.raises(UserError):
        holiday.cancel_booking(session, other, row.id, entry.id)


def test_carry_over_and_changes(session: Session) -> None:
    holder, row = _setup(session)
    # last leave year (6 April 2025 to 5 April 2026): 89.6 hours, 70 booked, 19.6 unused
    holiday.book_holiday(session, holder, row.id, date(2025, 8, 1), date(2025, 8, 20), 70 * 60)
    limit = holiday.carry_over_limit(session, row, date(2026, 4, 6))
    assert limit.minutes == 5376 - 4200
    with pytest.raises(UserError) as err:
        holiday.change_balance(session, holder, row.id, "carried_over", ON, 1200,
                               reason="could_not_take")
    assert "At most 19 hours 36 minutes" in err.value.message
    with pytest.raises(UserError):
        holiday.change_balance(session, holder, row.id, "carried_over", ON, 60, reason="")
    holiday.change_balance(session, holder, row.id, "carried_over", ON, 1000, reason="agreed")
    with pytest.raises(UserError):  # 1000 + 200 is more than the 1176 left
        holiday.change_balance(session, holder, row.id, "carried_over", ON, 200,
                               reason="agreed")
    with pytest.raises(UserError) as err:
        holiday.change_balance(session, holder, row.id, "adjustment", ON, -60, note="")
    assert err.value.field == "note"
    holiday.change_balance(session, holder, row.id, "adjustment", ON, -60,
                           note="Half day off agreed as unpaid")
    year = holiday.holiday_year(session, holder, row.id)
    assert year.carried_over.minutes == 1000 and year.adjustments.minutes == -60
    assert year.balance.minutes == 5376 + 1000 - 60


def test_holiday_pay_at_the_contract_rate_or_the_higher_average(session: Session) -> None:
    holder, row = _setup(session)
    holiday.book_holiday(session, holder, row.id, date(2026, 12, 7), date(2026, 12, 8), 8 * 60)
    lines = holiday.pay_lines(session, row, date(2026, 12, 1), date(2026, 12, 31),
                              date(2026, 12, 31))
    assert [(x.kind, x.amount_pence, x.minutes) for x in lines] == [("holiday", 10_400, 480)]
    assert "£13.00 an hour" in lines[0].description
    # nothing for a booking in another period
    assert holiday.pay_lines(session, row, date(2026, 11, 1), date(2026, 11, 30),
                             date(2026, 11, 30)) == []
    # waking nights at £18 an hour every week: the 52-week average (£16.50) is higher
    for n in range(1, 11):
        week = date(2026, 11, 29) - timedelta(weeks=n)
        _shift(session, row, week + timedelta(days=1), 8)  # Monday, day rate
        _shift(session, row, week + timedelta(days=2), 8, "night")
        _shift(session, row, week + timedelta(days=3), 8, "sleep_in")  # not counted
    session.commit()
    lines = holiday.pay_lines(session, row, date(2026, 12, 1), date(2026, 12, 31),
                              date(2026, 12, 31))
    assert lines[0].amount_pence == 8 * 1550  # (8 × £13 + 8 × £18) ÷ 16 hours = £15.50
    rate = holiday.holiday_rate(session, row, date(2026, 12, 7))
    assert any("more than their daytime rate" in line for line in rate.lines)


def test_irregular_hours_accrue_and_rolled_up_pay(session: Session) -> None:
    terms = replace(TERMS, hours_kind="irregular", weekly_minutes=None,
                    effective_date=date(2026, 4, 6), holiday_year_start=date(2026, 4, 6))
    holder, row = _setup(session, terms=terms, person=replace(PA, start_date=date(2026, 4, 6)))
    for n in range(10):  # 100 hours of daytime work
        _shift(session, row, date(2026, 6, 1) + timedelta(days=n), 10)
    session.commit()
    year = holiday.holiday_year(session, holder, row.id)
    assert not year.regular and year.earned.minutes == 725  # 12.07 hours
    # paid at the average when booked (£13 an hour: all day work)
    holiday.book_holiday(session, holder, row.id, date(2026, 7, 6), date(2026, 7, 6), 300)
    lines = holiday.pay_lines(session, row, date(2026, 7, 1), date(2026, 7, 31),
                              date(2026, 7, 31))
    assert [(x.kind, x.amount_pence) for x in lines] == [("holiday", 6500)]
    # with rolled-up holiday pay: 12.07% of the period's pay, and no pay when it is taken
    version = session.scalars(select(ContractVersion)).one()
    version.rolled_up_holiday = True
    session.commit()
    lines = holiday.pay_lines(session, row, date(2026, 6, 1), date(2026, 6, 30),
                              date(2026, 6, 30))
    assert [(x.kind, x.amount_pence) for x in lines] == [("rolled_up_holiday", 15_691)]
    assert "12.07% of £1,300.00" in lines[0].description
    assert holiday.pay_lines(session, row, date(2026, 7, 1), date(2026, 7, 31),
                             date(2026, 7, 31)) == []
    owed = holiday.holiday_owed(session, holder, ON)
    assert [(o.name, o.minutes, o.pence) for o in owed] == [("Sally Pope", 0, 0)]


def test_holiday_owed_is_built_up_less_taken_at_their_pay(session: Session) -> None:
    holder, row = _setup(session)
    holiday.book_holiday(session, holder, row.id, date(2026, 10, 5), date(2026, 10, 5), 480)
    holiday.book_holiday(session, holder, row.id, date(2027, 1, 4), date(2027, 1, 4), 480)
    owed = holiday.holiday_owed(session, holder, ON)
    # 6 April to 27 November 2026 is 236 of 365 days: 5376 × 236 / 365 = 3475.9 → 3476
    assert len(owed) == 1 and owed[0].minutes == 3476 - 480  # January's is not taken yet
    assert owed[0].pence == round(2996 * 1300 / 60)
    assert any("Not taken yet: 49 hours 56 minutes" in line for line in owed[0].lines)
    # someone who has left is not owed anything here
    staff.change_employment(session, holder, row.id, replace(PA, leaving_date=date(2026, 9, 1)))
    assert holiday.holiday_owed(session, holder, ON) == []


# --- sickness --------------------------------------------------------------------------------

def test_ssp_before_6_april_2026_has_waiting_days_and_the_earnings_limit(
        session: Session) -> None:
    holder, row = _setup(session)
    for pay_date in (date(2025, 12, 31), date(2026, 1, 30), date(2026, 2, 27)):
        _payslip(session, holder, row, pay_date, 100_000)
    sickness.record_spell(session, holder, row.id, date(2026, 3, 2), date(2026, 3, 6),
                          "01234", fit_note=False)
    lines = sickness.pay_lines(session, row, date(2026, 3, 1), date(2026, 3, 31),
                               date(2026, 3, 31))
    # AWE: £2,000 (30 January and 27 February) × 12 ÷ 52 ÷ 2 = £230.77; 3 waiting days,
    # then 2 days at £118.75 ÷ 5
    assert [(x.kind, x.amount_pence) for x in lines] == [("sick_pay", 4750)]
    assert "before 6 April 2026" in lines[0].description
    awe = sickness.average_weekly_earnings(session, row, date(2026, 3, 2))
    assert awe.weekly_pence == 23_077


def test_ssp_before_april_2026_not_due_below_the_lower_earnings_limit(
        session: Session) -> None:
    holder, row = _setup(session)
    for pay_date in (date(2026, 1, 30), date(2026, 2, 27)):
        _payslip(session, holder, row, pay_date, 40_000)  # £92.31 a week, below £125
    sickness.record_spell(session, holder, row.id, date(2026, 3, 2), date(2026, 3, 13),
                          "01234")
    assert sickness.pay_lines(session, row, date(2026, 3, 1), date(2026, 3, 31),
                              date(2026, 3, 31)) == []
    spell = sickness.spells(session, row)[0]
    assert "Lower Earnings Limit" in sickness.spell_pay(session, row, spell).lines[-2]


def test_ssp_from_6_april_2026_is_paid_from_day_one_at_the_lower_of_the_rate_and_80_percent(
        session: Session) -> None:
    holder, row = _setup(session)
    for pay_date in (date(2026, 2, 27), date(2026, 3, 31), date(2026, 4, 30)):
        _payslip(session, holder, row, pay_date, 100_000)
    sickness.record_spell(session, holder, row.id, date(2026, 5, 11), date(2026, 5, 13),
                          "01234")
    lines = sickness.pay_lines(session, row, date(2026, 5, 1), date(2026, 5, 31),
                               date(2026, 5, 31))
    assert [(x.kind, x.amount_pence) for x in lines] == [("sick_pay", 7395)]  # 3 × £24.65
    assert "on or after 6 April 2026" in lines[0].description


def test_ssp_from_april_2026_for_a_low_earner_is_80_percent(session: Session) -> None:
    holder, row = _setup(session, terms=replace(TERMS, pay_frequency="weekly"))
    for n in range(8):  # £100 a week, paid each Friday
        _payslip(session, holder, row, date(2026, 5, 8) - timedelta(weeks=n), 10_000,
                 "weekly")
    sickness.record_spell(session, holder, row.id, date(2026, 5, 11), date(2026, 5, 13),
                          "01234")
    lines = sickness.pay_lines(session, row, date(2026, 5, 9), date(2026, 5, 15),
                               date(2026, 5, 15))
    awe = sickness.average_weekly_earnings(session, row, date(2026, 5, 11))
    assert awe.weekly_pence == 10_000, awe.lines
    assert [x.amount_pence for x in lines] == [4800]  # £80 a week ÷ 5 × 3


def test_a_spell_across_two_pay_periods_is_split_between_them(session: Session) -> None:
    holder, row = _setup(session)
    for pay_date in (date(2026, 3, 31), date(2026, 4, 30)):
        _payslip(session, holder, row, pay_date, 100_000)
    sickness.record_spell(session, holder, row.id, date(2026, 5, 25), date(2026, 6, 5),
                          "01234", fit_note=True)
    may = sickness.pay_lines(session, row, date(2026, 5, 1), date(2026, 5, 31),
                             date(2026, 5, 31))
    june = sickness.pay_lines(session, row, date(2026, 6, 1), date(2026, 6, 30),
                              date(2026, 6, 30))
    spell = sickness.spells(session, row)[0]
    whole = sickness.spell_pay(session, row, spell)
    assert may[0].amount_pence + june[0].amount_pence == whole.pence == 10 * 2465
    assert may[0].amount_pence == 5 * 2465  # 25 to 29 May


def test_recording_sickness(session: Session) -> None:
    holder, row = _setup(session, person=replace(PA, leaving_date=date(2026, 12, 31)))
    with pytest.raises(UserError) as err:
        sickness.record_spell(session, holder, row.id, date(2026, 5, 1), date(2026, 5, 2), "")
    assert err.value.field == "qualifying_days"
    with pytest.raises(UserError):
        sickness.record_spell(session, holder, row.id, date(2026, 12, 30), date(2027, 1, 2),
                              "01234")
    spell = sickness.record_spell(session, holder, row.id, date(2026, 5, 1), date(2026, 5, 8),
                                  "024")
    assert spell.qualifying_days == "024"
    assert sickness.qualifying_days_text("420") == "Monday, Wednesday, Friday"
    with pytest.raises(UserError) as err:
        sickness.record_spell(session, holder, row.id, date(2026, 5, 8), date(2026, 5, 9),
                              "01234")
    assert "already recorded as off sick" in err.value.message
    sickness.remove_spell(session, holder, row.id, spell.id)
    assert sickness.spells(session, row) == []


def test_linked_spells_do_not_serve_waiting_days_twice(session: Session) -> None:
    holder, row = _setup(session)
    for pay_date in (date(2025, 12, 31), date(2026, 1, 30)):
        _payslip(session, holder, row, pay_date, 100_000)
    sickness.record_spell(session, holder, row.id, date(2026, 2, 2), date(2026, 2, 6), "01234")
    sickness.record_spell(session, holder, row.id, date(2026, 3, 2), date(2026, 3, 5), "01234")
    second = sickness.spells(session, row)[1]
    got = sickness.spell_pay(session, row, second)
    assert got.days_paid == 4  # linked: the 3 waiting days were served in February
    assert any("Linked to an earlier spell" in line for line in got.lines)


def test_six_days_a_week_is_capped_at_28_days(session: Session) -> None:
    terms = replace(TERMS, weekly_minutes=36 * 60, days_per_week=6)
    holder, row = _setup(session, terms=terms)
    year = holiday.holiday_year(session, holder, row.id)
    assert year.earned.minutes == 28 * 6 * 60  # 28 days of 6 hours, not 5.6 × 36 hours
    with pytest.raises(UserError) as err:
        staff.add_contract_version(session, holder, row.id, replace(
            terms, effective_date=date(2026, 5, 1), days_per_week=8))
    assert err.value.field == "days_per_week"


def test_a_leavers_page_shows_their_last_leave_year(session: Session) -> None:
    holder, row = _setup(session, person=replace(PA, leaving_date=date(2026, 3, 31)))
    year = holiday.holiday_year(session, holder, row.id)
    assert (year.first, year.last) == (date(2025, 4, 6), date(2026, 4, 5))
    assert year.earned.minutes == 5376 * 360 // 365 + 1  # 6 April 2025 to 31 March 2026


def test_sickness_paid_on_an_approved_payslip_cannot_be_removed(session: Session) -> None:
    holder, row = _setup(session)
    spell = sickness.record_spell(session, holder, row.id, date(2026, 5, 11),
                                  date(2026, 5, 13), "01234")
    _payslip(session, holder, row, date(2026, 4, 30), 100_000)
    session.scalars(select(Payslip)).one().sick_pay_pence = 500  # an earlier period
    session.commit()
    _payslip(session, holder, row, date(2026, 5, 29), 100_000)
    slip = session.scalars(select(Payslip).order_by(Payslip.id.desc())).first()
    assert slip is not None
    slip.sick_pay_pence = 7395
    session.commit()
    with pytest.raises(UserError) as err:
        sickness.remove_spell(session, holder, row.id, spell.id)
    assert "approved payslip" in err.value.message
    slip.sick_pay_pence = 0
    session.commit()
    sickness.remove_spell(session, holder, row.id, spell.id)  # April's payslip is not it
    assert sickness.spells(session, row) == []
