"""The holiday and sickness pages: the figures with their working, booking and cancelling
holiday, carrying over, recording sickness with its Statutory Sick Pay, and what a finance
officer (who only reads) sees."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dpsupport.models import HolidayEntry, SicknessSpell
from dpsupport.services import employment as staff

from ..support.factories import create_holder, create_org, create_user, grant, post, sign_in

ON = date(2026, 11, 27)
PA = staff.EmploymentInput(
    name="Sally Pope", date_of_birth=date(1990, 3, 1), ni_number=None, address=None,
    start_date=date(2026, 4, 6), leaving_date=date(2027, 2, 26), starter_statement="A",
    tax_code=None, ni_category=None, student_loan_plan=None, postgraduate_loan=False,
    close_relative_in_household=False, council_approval_reference=None)
TERMS = staff.ContractInput(
    effective_date=date(2026, 4, 6), pay_frequency="monthly", pay_day="last Friday",
    day_rate_pence=1300, night_rate_pence=None, weekend_rate_pence=None,
    bank_holiday_rate_pence=None, sleep_in_pence=None, hours_kind="regular",
    weekly_minutes=16 * 60, holiday_year_start=date(2026, 4, 6), pension_scheme=None,
    pension_employee_bp=None, pension_employer_bp=None, written_statement_date=None,
    right_to_work_date=None, dbs_check_date=None)


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staff, "today", lambda: ON)


def _d(prefix: str, day: date) -> dict[str, str]:
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month),
            f"{prefix}-year": str(day.year)}


def _setup(app, session: Session, role: str = "support_worker", nation: str = "scotland"):  # type: ignore[no-untyped-def]
    holder = create_holder(session, create_org(session, "Org"), "Jordan Price")
    holder.nation = nation
    pa = staff.add_employment(session, holder, PA)
    staff.add_contract_version(session, holder, pa.id, TERMS)
    user = create_user(session, holder.organisation, role, name=f"A {role}")
    grant(session, holder, user, role)
    session.commit()
    client = app.test_client()
    sign_in(client, user)
    return client, f"/holders/{holder.id}/employing/{pa.id}"


def _errors(body: str) -> list[str]:
    return re.findall(r'govuk-error-message">.*?</span>\s*(.*?)</p>', body)


def test_the_holiday_page_shows_each_figure_with_its_working(app, session) -> None:  # type: ignore[no-untyped-def]
    client, base = _setup(app, session)
    person = client.get(base).get_data(as_text=True)
    assert f'href="{base}/holiday"' in person and f'href="{base}/sickness"' in person
    page = client.get(f"{base}/holiday").get_data(as_text=True)
    assert "Leave year 6 April 2026 to 5 April 2027" in page
    # a leaver on 26 February 2027: 327 of the 365 days, 89.6 hours × 327 / 365 = 80.27
    assert "80 hours 17 minutes" in page
    assert "× 327 of the 365 days in the leave year" in page
    assert page.count("How we worked this out") >= 4
    # Scotland's bank holidays: St Andrew's Day, but not Easter Monday
    assert "30 November 2026: Saint Andrew&#39;s Day" in page
    assert "29 March 2027" not in page
    assert "Bank holidays in Scotland" in page


def test_book_and_cancel_holiday(app, session) -> None:  # type: ignore[no-untyped-def]
    client, base = _setup(app, session)
    bad = post(client, f"{base}/holiday/book", {**_d("first_day", date(2027, 2, 25)),
                                                 **_d("last_day", date(2027, 3, 2)),
                                                 "hours": "12", "note": ""})
    assert bad.status_code == 400
    assert "leaves on 26 February 2027" in bad.get_data(as_text=True)
    bad = post(client, f"{base}/holiday/book", {**_d("first_day", date(2026, 12, 2)),
                                                 **_d("last_day", date(2026, 12, 1)),
                                                 "hours": "seven", "note": ""})
    body = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "There is a problem" in body
    assert 'id="hours-error"' in body and 'id="last_day-error"' in body
    assert session.scalars(select(HolidayEntry)).all() == []
    done = post(client, f"{base}/holiday/book", {**_d("first_day", date(2026, 11, 30)),
                                                  **_d("last_day", date(2026, 12, 1)),
                                                  "hours": "6.5", "note": "Family visit"})
    assert done.status_code == 302
    page = client.get(f"{base}/holiday").get_data(as_text=True)
    assert "Booked 6 hours 30 minutes of holiday for Sally Pope" in page
    assert "1 bank holiday: Saint Andrew&#39;s Day (30 November 2026)" in page
    assert "73 hours 47 minutes" in page  # 80:17 less 6:30
    session.rollback()
    entry = session.scalars(select(HolidayEntry)).one()
    assert entry.minutes == 390
    gone = post(client, f"{base}/holiday/{entry.id}/cancel")
    assert gone.status_code == 302
    session.rollback()
    assert session.scalars(select(HolidayEntry)).all() == []


def test_change_the_balance(app, session) -> None:  # type: ignore[no-untyped-def]
    client, base = _setup(app, session)
    assert client.get(f"{base}/holiday/change").status_code == 200
    # nothing to carry over: they started this leave year
    bad = post(client, f"{base}/holiday/change", {"kind": "carried_over",
                                                   **_d("on", date(2026, 5, 1)), "hours": "8",
                                                   "reason": "agreed", "note": ""})
    assert bad.status_code == 400 and "At most 0 hours" in bad.get_data(as_text=True)
    no_note = post(client, f"{base}/holiday/change", {"kind": "take_off",
                                                       **_d("on", date(2026, 5, 1)),
                                                       "hours": "2", "note": ""})
    assert no_note.status_code == 400 and 'id="note-error"' in no_note.get_data(as_text=True)
    done = post(client, f"{base}/holiday/change", {"kind": "take_off",
                                                    **_d("on", date(2026, 5, 1)), "hours": "2",
                                                    "note": "Unpaid afternoon agreed"})
    assert done.status_code == 302
    session.rollback()
    assert session.scalars(select(HolidayEntry.minutes)).all() == [-120]
    page = client.get(f"{base}/holiday").get_data(as_text=True)
    assert "minus 2 hours" in page and "Unpaid afternoon agreed" in page


def test_record_sickness_and_see_its_sick_pay(app, session) -> None:  # type: ignore[no-untyped-def]
    client, base = _setup(app, session)
    assert "No sickness recorded" in client.get(f"{base}/sickness").get_data(as_text=True)
    bad = post(client, f"{base}/sickness/new", {**_d("first_day", date(2026, 5, 11)),
                                                 **_d("last_day", date(2026, 5, 13)),
                                                 "fit_note": "no", "note": ""})
    assert bad.status_code == 400
    assert "Select the days of the week they normally work" in bad.get_data(as_text=True)
    done = post(client, f"{base}/sickness/new", {**_d("first_day", date(2026, 5, 11)),
                                                  **_d("last_day", date(2026, 5, 13)),
                                                  "qualifying_days": ["0", "2", "4"],
                                                  "fit_note": "no", "note": "Flu"})
    assert done.status_code == 302
    page = client.get(f"{base}/sickness").get_data(as_text=True)
    assert "Monday, Wednesday, Friday" in page
    assert "on or after 6 April 2026" in page
    # no payslips or shifts: average weekly earnings £0, so 80% of it is £0
    assert "No payslips before 11 May 2026" in page
    session.rollback()
    spell = session.scalars(select(SicknessSpell)).one()
    assert spell.qualifying_days == "024"
    assert post(client, f"{base}/sickness/{spell.id}/remove").status_code == 302
    session.rollback()
    assert session.scalars(select(SicknessSpell)).all() == []


def test_a_finance_officer_reads_but_changes_nothing(app, session) -> None:  # type: ignore[no-untyped-def]
    client, base = _setup(app, session, role="finance_officer", nation="england")
    page = client.get(f"{base}/holiday").get_data(as_text=True)
    assert "Book holiday" not in page and "Bank holidays in England" in page
    assert client.get(f"{base}/holiday/book").status_code == 403
    assert client.get(f"{base}/sickness").status_code == 200
    assert client.get(f"{base}/sickness/new").status_code == 403


def test_a_pa_without_a_contract(app, session) -> None:  # type: ignore[no-untyped-def]
    client, base = _setup(app, session)
    holder_id = int(base.split("/")[2])
    from dpsupport.models import Holder

    holder = session.get(Holder, holder_id)
    other = staff.add_employment(session, holder, replace(PA, name="Tom Reed"))
    page = client.get(f"/holders/{holder_id}/employing/{other.id}/holiday")
    assert page.status_code == 200
    assert "has no contract yet" in page.get_data(as_text=True)
    assert client.get(f"/holders/{holder_id}/employing/999999/holiday").status_code == 404


def test_rolled_up_holiday_pay_is_chosen_on_the_contract(app, session) -> None:  # type: ignore[no-untyped-def]
    client, base = _setup(app, session)
    terms = {**_d("effective_date", date(2026, 10, 1)), "pay_frequency": "monthly",
             "pay_day": "last Friday", "day_rate": "13.00", "hours_kind": "regular",
             "weekly_hours": "16", **_d("holiday_year_start", date(2026, 4, 6)),
             "rolled_up_holiday": "yes"}
    bad = post(client, f"{base}/contract", terms)
    assert bad.status_code == 400
    assert 'id="rolled_up_holiday-error"' in bad.get_data(as_text=True)
    done = post(client, f"{base}/contract", {**terms, "hours_kind": "irregular",
                                             "weekly_hours": ""})
    assert done.status_code == 302
    shown = client.get(base).get_data(as_text=True)
    assert "Rolled-up holiday pay: 12.07% extra on each payslip" in shown
    again = client.get(f"{base}/contract").get_data(as_text=True)
    assert re.search(r'name="rolled_up_holiday" type="radio" value="yes" checked', again)
    page = client.get(f"{base}/holiday").get_data(as_text=True)
    assert "gets rolled-up holiday pay" in page


def test_days_a_week_on_the_contract_caps_holiday_at_28_days(app, session) -> None:  # type: ignore[no-untyped-def]
    client, base = _setup(app, session)
    terms = {**_d("effective_date", date(2026, 4, 6)), "pay_frequency": "monthly",
             "pay_day": "last Friday", "day_rate": "13.00", "hours_kind": "regular",
             "weekly_hours": "42", **_d("holiday_year_start", date(2026, 4, 6)),
             "rolled_up_holiday": "no"}
    bad = post(client, f"{base}/contract", {**terms, "effective_date-day": "7",
                                            "days_per_week": "9"})
    assert bad.status_code == 400
    assert "Enter the days they work a week, from 1 to 7" in bad.get_data(as_text=True)
    done = post(client, f"{base}/contract", {**terms, "effective_date-day": "7",
                                             "days_per_week": "7"})
    assert done.status_code == 302
    assert "42 hours a week over 7 days" in client.get(base).get_data(as_text=True)
    page = client.get(f"{base}/holiday").get_data(as_text=True)
    assert "28 days (the most, for 7 days a week)" in page
