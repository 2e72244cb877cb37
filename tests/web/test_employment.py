"""Employing PAs: employer details, employments and dated contracts, on both databases,
through the services and through the pages (every page checked by tests/pagecheck.py)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import payroll_rules
from dpsupport.errors import UserError
from dpsupport.models import AuditEvent, ContractVersion, EmployerDetails, Employment
from dpsupport.services import employment as service
from dpsupport.text import hours, percent
from payroll_rules.pension import state_pension_age_date

from ..support.factories import create_holder, create_org, create_user, grant, post, sign_in

ON = date(2026, 11, 27)
SALLY = service.EmploymentInput(
    name="Sally Pope", date_of_birth=date(1990, 3, 1), ni_number="ab 12 34 56 c",
    address="1 High Street\nLeeds", start_date=date(2026, 4, 6), leaving_date=None,
    starter_statement="A", tax_code=None, ni_category=None, student_loan_plan="2",
    postgraduate_loan=True, close_relative_in_household=False,
    council_approval_reference=None)
TERMS = service.ContractInput(
    effective_date=date(2026, 4, 6), pay_frequency="monthly", pay_day="last Friday",
    day_rate_pence=1300, night_rate_pence=1400, weekend_rate_pence=None,
    bank_holiday_rate_pence=None, sleep_in_pence=5000, hours_kind="regular",
    weekly_minutes=16 * 60, holiday_year_start=date(2026, 4, 6), pension_scheme="NEST",
    pension_employee_bp=500, pension_employer_bp=300, written_statement_date=date(2026, 4, 6),
    right_to_work_date=date(2026, 4, 1), dbs_check_date=None)


def _count(session: Session, model: type) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ages, the minimum wage and "in force today" are worked out for ON, whatever the day."""
    monkeypatch.setattr(service, "today", lambda: ON)


def _holder(session: Session, name: str = "Jordan Price"):  # type: ignore[no-untyped-def]
    holder = create_holder(session, create_org(session, f"Org of {name}"), name)
    session.commit()
    return holder


# --- formats and rules (no database) --------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("123/AB45678", "123/AB45678"), (" 123 / ab45678 ", "123/AB45678"), ("", None),
    ("961/Z1", "961/Z1")])
def test_paye_reference_accepted(text: str, expected: str | None) -> None:
    assert service.check_paye_reference(text) == expected


@pytest.mark.parametrize("text", ["12/AB456", "123AB456", "123/", "123/AB-456", "123/ABCDEFGHIJK"])
def test_paye_reference_refused(text: str) -> None:
    with pytest.raises(UserError) as err:
        service.check_paye_reference(text)
    assert err.value.field == "paye_reference"


@pytest.mark.parametrize("text", ["123PX00123456", "123pa0012345x", "475PZ0000000X"])
def test_accounts_office_reference_accepted(text: str) -> None:
    assert service.check_accounts_office_reference(text) == text.upper()


@pytest.mark.parametrize("text", ["123PX0012345", "123PX001234567", "123AX00123456",
                                  "12XPX00123456", "123P100123456", "123PX0012345Y"])
def test_accounts_office_reference_refused(text: str) -> None:
    with pytest.raises(UserError) as err:
        service.check_accounts_office_reference(text)
    assert err.value.field == "accounts_office_reference"


@pytest.mark.parametrize("text", ["AB123456C", "ab 12 34 56 c", "CE123456D", "TW123456A"])
def test_ni_number_accepted(text: str) -> None:
    assert service.check_ni_number(text) == "".join(text.split()).upper()


# D, F, I, Q, U, V never first; D, F, I, O, Q, U, V never second; BG, GB, KN, NK, NT, TN,
# ZZ never given out; the last letter is A to D.
@pytest.mark.parametrize("text", ["QQ123456C", "DA123456A", "AO123456A", "BG123456A",
                                  "GB123456A", "NK123456A", "TN123456A", "ZZ123456A",
                                  "AB123456E", "AB12345C", "AB1234567C"])
def test_ni_number_refused(text: str) -> None:
    with pytest.raises(UserError) as err:
        service.check_ni_number(text)
    assert err.value.field == "ni_number"


def test_tax_codes_are_checked_with_payroll_rules() -> None:
    assert service.check_tax_code(" s1257l ") == "S1257L"
    assert service.check_tax_code("1257L m1") == payroll_rules.parse_tax_code("1257L M1").text
    for bad in ["", "1257", "L1257", "BRZ"]:
        with pytest.raises(UserError) as err:
            service.check_tax_code(bad)
        assert err.value.field == "tax_code"


def test_starter_checklist_statements_give_hmrcs_codes() -> None:
    # The personal allowance is 12,570 in 2024/25 to 2026/27: the emergency code is 1257L.
    for day in (date(2024, 4, 6), date(2025, 6, 1), date(2027, 4, 5)):
        assert service.starter_tax_code("A", day) == "1257L"
        assert service.starter_tax_code("B", day, "monthly") == "1257LM1"
        assert service.starter_tax_code("B", day, "weekly") == "1257LW1"
        assert service.starter_tax_code("C", day) == "BR"
    assert service.starter_tax_code("p45", ON) is None
    for code in ("1257L", "1257LM1", "1257LW1", "BR"):
        assert payroll_rules.parse_tax_code(code).text == code  # payroll_rules' own form
    assert service.tax_code_text("1257LM1") == "1257L M1"  # as HMRC writes it
    assert service.tax_code_text("K585X") == "K585 X"
    assert service.tax_code_text("BR") == "BR"


def test_state_pension_age_follows_the_2014_act_table() -> None:
    assert state_pension_age_date(date(1960, 4, 5)) == date(2026, 4, 5)  # 66
    assert state_pension_age_date(date(1960, 4, 6)) == date(2026, 5, 6)  # 66 and 1 month
    assert state_pension_age_date(date(1960, 5, 5)) == date(2026, 6, 5)  # 66 and 1 month
    assert state_pension_age_date(date(1960, 5, 6)) == date(2026, 7, 6)  # 66 and 2 months
    assert state_pension_age_date(date(1961, 3, 5)) == date(2028, 2, 5)  # 66 and 11
    assert state_pension_age_date(date(1961, 3, 6)) == date(2028, 3, 6)  # 67


def test_ni_category_is_suggested_from_age() -> None:
    assert service.suggested_ni_category(date(2006, 1, 1), ON) == "M"  # 20
    assert service.suggested_ni_category(date(2005, 11, 27), ON) == "A"  # 21 today
    assert service.suggested_ni_category(date(1960, 4, 5), ON) == "C"
    assert service.suggested_ni_category(date(1960, 9, 1), ON) == "A"  # reaches it in 2027
    for letter in ("A", "M", "C"):
        assert letter in service.NI_CATEGORIES


def test_every_ni_category_offered_is_one_payroll_rules_can_run() -> None:
    for letter in service.NI_CATEGORIES:
        payroll_rules.calculate(payroll_rules.PayInput(
            pay_date=ON, frequency="monthly", period=8,
            gross_pay=payroll_rules.paye_threshold("monthly", ON), ni_category=letter))


def test_employment_allowance_amount_is_payroll_rules_own() -> None:
    pence = int(payroll_rules.employment_allowance(ON) * 100)
    assert pence == 1050000  # £10,500 from 6 April 2025
    assert "£10,500.00" in service.employment_allowance_text(ON)


def test_hours_and_percent_words() -> None:
    assert hours(960) == "16 hours"
    assert hours(60) == "1 hour"
    assert hours(2250) == "37 hours 30 minutes"
    assert service.ni_number_text("AB123456C") == "AB 12 34 56 C"
    assert percent(300) == "3%"
    assert percent(350) == "3.5%"
    assert percent(305) == "3.05%"


# --- employer details -----------------------------------------------------------------------

def test_employer_details_saved_and_bad_references_change_nothing(session: Session) -> None:
    holder = _holder(session)
    data = service.EmployerInput("123/ab45678", "123PX00123456", date(2027, 4, 1), True)
    service.save_employer_details(session, holder, data)
    row = service.employer_details(session, holder)
    assert row is not None and row.paye_reference == "123/AB45678"
    with pytest.raises(UserError):
        service.save_employer_details(session, holder, replace(
            data, paye_reference="123/CD1", accounts_office_reference="123PX0012345"))
    session.rollback()
    row = service.employer_details(session, holder)
    assert row is not None and row.paye_reference == "123/AB45678"
    assert _count(session, EmployerDetails) == 1


# --- employments ----------------------------------------------------------------------------

def test_add_a_pa_with_starter_statement_a(session: Session) -> None:
    holder = _holder(session)
    added = service.add_employment(session, holder, SALLY)
    session.rollback()  # committed by the service
    pa = service.employment(session, holder, added.id)
    assert pa is not None
    assert (pa.tax_code, pa.ni_number, pa.ni_category) == ("1257L", "AB123456C", "A")
    assert (pa.student_loan_plan, pa.postgraduate_loan) == ("2", True)


def test_a_tax_code_is_needed_when_there_is_a_p45_and_nothing_is_saved(session: Session) -> None:
    holder = _holder(session)
    with pytest.raises(UserError) as err:
        service.add_employment(session, holder, replace(SALLY, starter_statement="p45"))
    assert err.value.field == "tax_code"
    with pytest.raises(UserError) as err:
        service.add_employment(session, holder, replace(SALLY, starter_statement="hmrc",
                                                        tax_code="12345"))
    assert err.value.field == "tax_code"
    assert _count(session, Employment) == 0
    pa = service.add_employment(session, holder, replace(SALLY, starter_statement="p45",
                                                         tax_code="k 585"))
    assert pa.tax_code == "K585"


def test_a_close_relative_in_the_household_needs_the_councils_approval(session: Session) -> None:
    holder = _holder(session)
    relative = replace(SALLY, close_relative_in_household=True)
    with pytest.raises(UserError) as err:
        service.add_employment(session, holder, relative)
    assert err.value.field == "council_approval_reference"
    assert _count(session, Employment) == 0
    pa = service.add_employment(session, holder, replace(
        relative, council_approval_reference=" DP/2026/114 "))
    assert pa.council_approval_reference == "DP/2026/114"


def test_under_21_is_category_m_unless_chosen_otherwise(session: Session) -> None:
    holder = _holder(session)
    young = replace(SALLY, date_of_birth=date(2007, 5, 1))
    assert service.add_employment(session, holder, young).ni_category == "M"
    assert service.add_employment(session, holder, replace(young, ni_category="A")
                                  ).ni_category == "A"


def test_one_person_working_for_two_holders_is_two_employments(session: Session) -> None:
    jordan, margaret = _holder(session, "Jordan Price"), _holder(session, "Margaret Hill")
    a = service.add_employment(session, jordan, SALLY)
    b = service.add_employment(session, margaret, replace(SALLY, starter_statement="C"))
    assert a.id != b.id and (a.tax_code, b.tax_code) == ("1257L", "BR")
    assert [p.id for p in service.employments(session, jordan)] == [a.id]
    assert [p.id for p in service.employments(session, margaret)] == [b.id]
    # another holder's id finds nothing, and cannot be changed or given a contract
    assert service.employment(session, jordan, b.id) is None
    with pytest.raises(UserError):
        service.change_employment(session, jordan, b.id, replace(SALLY, name="Changed"))
    with pytest.raises(UserError):
        service.add_contract_version(session, jordan, b.id, TERMS)
    session.rollback()
    assert service.employment(session, margaret, b.id).name == "Sally Pope"  # type: ignore[union-attr]
    assert _count(session, ContractVersion) == 0


def test_the_ni_number_never_goes_into_the_audit_trail(session: Session) -> None:
    holder = _holder(session)
    pa = service.add_employment(session, holder, SALLY)
    service.change_employment(session, holder, pa.id, replace(SALLY, ni_number="CE123456D"))
    session.rollback()
    rows = session.scalars(select(AuditEvent).where(AuditEvent.entity == "employment")).all()
    assert len(rows) == 2
    text = " ".join(f"{r.before} {r.after} {r.summary}" for r in rows)
    for secret in ("AB123456C", "CE123456D", "1990-03-01", "High Street"):
        assert secret not in text
    assert "ni_number" in (rows[1].after or "")  # ...but it is recorded that it changed


# --- contracts ------------------------------------------------------------------------------

def test_contract_versions_are_dated_and_never_overwritten(session: Session) -> None:
    holder = _holder(session)
    pa = service.add_employment(session, holder, SALLY)
    first = service.add_contract_version(session, holder, pa.id, TERMS)
    raise_on = date(2026, 10, 1)
    service.add_contract_version(session, holder, pa.id, replace(
        TERMS, effective_date=raise_on, day_rate_pence=1350))
    session.rollback()
    pa = service.employment(session, holder, pa.id)  # type: ignore[assignment]
    assert [v.day_rate_pence for v in pa.contracts] == [1300, 1350]
    assert session.get(ContractVersion, first.id).day_rate_pence == 1300  # type: ignore[union-attr]
    assert service.contract_in_force(pa, date(2026, 9, 30)).day_rate_pence == 1300  # type: ignore[union-attr]
    assert service.contract_in_force(pa, raise_on).day_rate_pence == 1350  # type: ignore[union-attr]
    assert service.contract_in_force(pa, date(2026, 4, 5)) is None
    assert service.next_contract(pa, date(2026, 9, 30)).effective_date == raise_on  # type: ignore[union-attr]


@pytest.mark.parametrize("change, field", [
    ({"effective_date": date(2026, 4, 6)}, "effective_date"),  # a version from that date exists
    ({"effective_date": date(2026, 4, 5)}, "effective_date"),  # before they started
    ({"day_rate_pence": 0}, "day_rate"),
    ({"weekly_minutes": None}, "weekly_hours"),
    ({"pension_employer_bp": None}, "pension_employer_rate"),
    ({"pay_day": "  "}, "pay_day"),
    ({"pension_scheme": None}, "pension_scheme"),  # rates with no scheme
])
def test_a_contract_that_cannot_be_saved_changes_nothing(session: Session, change: dict,  # type: ignore[type-arg]
                                                         field: str) -> None:
    holder = _holder(session)
    pa = service.add_employment(session, holder, SALLY)
    service.add_contract_version(session, holder, pa.id, TERMS)
    with pytest.raises(UserError) as err:
        service.add_contract_version(session, holder, pa.id, replace(
            TERMS, **{"effective_date": date(2026, 10, 1), **change}))
    assert err.value.field == field
    assert _count(session, ContractVersion) == 1


def test_statement_b_code_follows_how_often_they_are_paid(session: Session) -> None:
    holder = _holder(session)
    b = service.add_employment(session, holder, replace(SALLY, starter_statement="B"))
    p45 = service.add_employment(session, holder, replace(SALLY, starter_statement="p45",
                                                          tax_code="1100L M1"))
    assert b.tax_code == "1257LM1"  # monthly until a contract says otherwise
    for pa in (b, p45):
        service.add_contract_version(session, holder, pa.id, replace(TERMS,
                                                                     pay_frequency="weekly"))
    assert b.tax_code == "1257LW1"
    assert p45.tax_code == "1100LM1"  # a code from a P45 is never changed
    service.add_contract_version(session, holder, b.id, replace(
        TERMS, effective_date=date(2026, 7, 1), pay_frequency="monthly"))
    session.rollback()
    assert service.employment(session, holder, b.id).tax_code == "1257LM1"  # type: ignore[union-attr]
    # changing their details keeps the code in step with the contract too
    service.change_employment(session, holder, b.id, replace(SALLY, starter_statement="B"))
    assert service.employment(session, holder, b.id).tax_code == "1257LM1"  # type: ignore[union-attr]


def test_no_contract_change_after_they_left(session: Session) -> None:
    holder = _holder(session)
    pa = service.add_employment(session, holder, replace(SALLY, leaving_date=date(2026, 9, 30)))
    service.add_contract_version(session, holder, pa.id, TERMS)
    with pytest.raises(UserError) as err:
        service.add_contract_version(session, holder, pa.id, replace(
            TERMS, effective_date=date(2026, 10, 1)))
    assert err.value.field == "effective_date" and "30 September 2026" in err.value.message
    with pytest.raises(UserError) as err:  # nor a start date after the contract began
        service.change_employment(session, holder, pa.id, replace(
            SALLY, start_date=date(2026, 5, 1), leaving_date=date(2026, 9, 30)))
    assert err.value.field == "start_date"
    session.rollback()
    assert service.employment(session, holder, pa.id).start_date == date(2026, 4, 6)  # type: ignore[union-attr]


def test_pension_rates_below_automatic_enrolment_minimums_are_noted(session: Session) -> None:
    holder = _holder(session)
    pa = service.add_employment(session, holder, SALLY)
    ok = service.add_contract_version(session, holder, pa.id, TERMS)  # 3% + 5%
    assert service.pension_note(ok, date(2026, 6, 1)) is None
    low = service.add_contract_version(session, holder, pa.id, replace(
        TERMS, effective_date=date(2026, 5, 1), pension_employer_bp=200,
        pension_employee_bp=600))
    note = service.pension_note(low, date(2026, 6, 1))
    assert note is not None and "2% from you and 8% in all" in note
    none = service.add_contract_version(session, holder, pa.id, replace(
        TERMS, effective_date=date(2026, 6, 1), pension_scheme=None,
        pension_employer_bp=None, pension_employee_bp=None))
    assert service.pension_note(none, date(2026, 6, 1)) is None


def test_irregular_hours_keep_no_weekly_hours(session: Session) -> None:
    holder = _holder(session)
    pa = service.add_employment(session, holder, SALLY)
    v = service.add_contract_version(session, holder, pa.id, replace(
        TERMS, hours_kind="irregular", weekly_minutes=600))
    assert v.weekly_minutes is None


def test_minimum_wage_is_checked_for_the_pas_age(session: Session) -> None:
    holder = _holder(session)
    adult = service.add_employment(session, holder, SALLY)  # 36 on ON
    young = service.add_employment(session, holder, replace(SALLY, date_of_birth=date(2007, 1, 1)))
    nlw = int(payroll_rules.minimum_hourly_wage(36, ON) * 100)
    rate_18_20 = int(payroll_rules.minimum_hourly_wage(19, ON) * 100)
    assert rate_18_20 < nlw
    low = service.add_contract_version(session, holder, adult.id, replace(
        TERMS, day_rate_pence=nlw - 1, night_rate_pence=nlw, sleep_in_pence=100))
    check = service.minimum_wage_check(adult, low, ON)
    assert not check.ok
    text = " ".join(check.messages)
    assert "The daytime rate of" in text and "is £0.01 below it" in text
    assert "waking night" not in text  # at the minimum is fine; a sleep-in is not compared
    fine = service.add_contract_version(session, holder, young.id, replace(
        TERMS, day_rate_pence=rate_18_20, night_rate_pence=None))
    check = service.minimum_wage_check(young, fine, ON)
    assert check.ok and "18 to 20" in check.messages[0]


# --- pages ----------------------------------------------------------------------------------

def _signed_in(app, session, role: str = "support_worker"):  # type: ignore[no-untyped-def]
    holder = _holder(session)
    user = create_user(session, holder.organisation, role, name=f"A {role}")
    grant(session, holder, user, role)
    session.commit()
    client = app.test_client()
    sign_in(client, user)
    return holder, client, f"/holders/{holder.id}/employing"


def _d(prefix: str, day: date) -> dict[str, str]:
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month),
            f"{prefix}-year": str(day.year)}


PA_FORM = {"name": "Sally Pope", **_d("date_of_birth", date(1990, 3, 1)),
           "ni_number": "AB 12 34 56 C", "address": "1 High Street",
           **_d("start_date", date(2026, 4, 6)), "starter_statement": "B", "tax_code": "",
           "ni_category": "", "student_loan_plan": "", "postgraduate_loan": "no",
           "close_relative_in_household": "no", "council_approval_reference": ""}


def test_add_a_pa_and_a_contract_through_the_pages(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, client, base = _signed_in(app, session)
    page = client.get(base).get_data(as_text=True)
    assert "You have not added anyone yet" in page and "not built yet" not in page
    # mistakes are shown in the error summary, on their field, and nothing is saved
    bad = post(client, f"{base}/new", {**PA_FORM, "ni_number": "QQ123456C"})
    assert bad.status_code == 400
    body = bad.get_data(as_text=True)
    assert "There is a problem" in body and 'id="ni_number-error"' in body
    assert 'href="#ni_number"' in body  # the summary links to the field
    no_code = post(client, f"{base}/new", {**PA_FORM, "starter_statement": "p45"})
    assert no_code.status_code == 400 and 'id="tax_code-error"' in no_code.get_data(as_text=True)
    # every mistake shows at once, each on its own field
    many = post(client, f"{base}/new", {**PA_FORM, "ni_number": "AB1", "starter_statement":
                                        "hmrc", "tax_code": "12345",
                                        "close_relative_in_household": "yes"})
    body = many.get_data(as_text=True)
    for field in ("ni_number", "tax_code", "council_approval_reference"):
        assert f'id="{field}-error"' in body and f'href="#{field}"' in body, field
    assert _count(session, Employment) == 0
    response = post(client, f"{base}/new", PA_FORM)
    assert response.status_code == 302 and response.headers["Location"].endswith("/contract")
    session.rollback()  # a fresh snapshot: the app wrote in its own transactions
    pa = session.scalars(select(Employment)).one()
    assert pa.tax_code == "1257LM1"  # statement B, paid monthly by default
    form = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="effective_date-year" type="text" inputmode="numeric" value="2026"' in form
    low = post(client, f"{base}/{pa.id}/contract", {
        **_d("effective_date", date(2026, 4, 6)), "pay_frequency": "monthly",
        "pay_day": "last Friday", "day_rate": "5.00", "sleep_in": "40", "hours_kind": "regular",
        "weekly_hours": "37.5", **_d("holiday_year_start", date(2026, 4, 6)),
        "pension_scheme": "NEST", "pension_employer_rate": "3", "pension_employee_rate": "5%"})
    assert low.status_code == 302  # a warning, never a block
    shown = client.get(f"{base}/{pa.id}").get_data(as_text=True)
    assert "below it" in shown and "against the law" in shown
    assert "37 hours 30 minutes a week" in shown and "you pay 3%, they pay 5%" in shown
    assert "AB 12 34 56 C" in shown and "1257L M1" in shown
    session.rollback()
    version = session.scalars(select(ContractVersion)).one()
    assert (version.day_rate_pence, version.weekly_minutes) == (500, 2250)
    assert (version.pension_employer_bp, version.pension_employee_bp) == (300, 500)
    # the next version starts from the terms in force
    again = client.get(f"{base}/{pa.id}/contract").get_data(as_text=True)
    assert 'value="5.00"' in again and "change only what is changing" in again
    listing = client.get(base).get_data(as_text=True)
    assert "Sally Pope" in listing and "£5.00 an hour" in listing
    # a change agreed for later is shown, checked against the minimum wage on its own date
    later = post(client, f"{base}/{pa.id}/contract", {
        **_d("effective_date", date(2027, 1, 4)), "pay_frequency": "monthly",
        "pay_day": "last Friday", "day_rate": "13.00", "hours_kind": "irregular",
        **_d("holiday_year_start", date(2026, 4, 6))})
    assert later.status_code == 302, re.findall(r'govuk-error-message">(.*?)</p>', later.get_data(as_text=True))
    shown = client.get(f"{base}/{pa.id}").get_data(as_text=True)
    assert "A new version of the contract starts on 4 January 2027: £13.00 an hour" in shown
    assert "On 4 January 2027 the minimum wage" in shown
    assert "in force today" not in shown or "From 6 April 2026 (in force today)" in shown


def test_changing_the_starter_statement_changes_a_worked_out_code(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, client, base = _signed_in(app, session)
    pa = service.add_employment(session, holder, replace(SALLY, starter_statement="B"))
    form = client.get(f"{base}/{pa.id}/edit").get_data(as_text=True)
    assert 'id="tax_code" name="tax_code" type="text"' in form
    assert 'name="tax_code" type="text" value=' not in form  # empty: we worked it out
    sent = post(client, f"{base}/{pa.id}/edit", {**PA_FORM, "starter_statement": "C"})
    assert sent.status_code == 302
    session.rollback()
    session.expire_all()  # the app changed it in its own session
    assert service.employment(session, holder, pa.id).tax_code == "BR"  # type: ignore[union-attr]
    # a code typed from a P45 is shown for changing
    service.change_employment(session, holder, pa.id, replace(SALLY, starter_statement="p45",
                                                              tax_code="1100L"))
    form = client.get(f"{base}/{pa.id}/edit").get_data(as_text=True)
    assert 'value="1100L"' in form


def test_employer_details_page(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, client, base = _signed_in(app, session)
    page = client.get(f"{base}/employer").get_data(as_text=True)
    assert "Employment Allowance" in page
    bad = post(client, f"{base}/employer", {"paye_reference": "12/AB", **_d(
        "insurance_renewal_date", date(2027, 4, 1)), "employment_allowance_claimed": "no"})
    assert bad.status_code == 400 and 'id="paye_reference-error"' in bad.get_data(as_text=True)
    both = post(client, f"{base}/employer", {"paye_reference": "12/AB",
                                             "accounts_office_reference": "123",
                                             "employment_allowance_claimed": "no"})
    assert 'id="accounts_office_reference-error"' in both.get_data(as_text=True)
    assert _count(session, EmployerDetails) == 0
    good = post(client, f"{base}/employer", {"paye_reference": "123/AB45678",
                                             "accounts_office_reference": "123PX00123456",
                                             **_d("insurance_renewal_date", date(2027, 4, 1)),
                                             "employment_allowance_claimed": "yes"})
    assert good.status_code == 302
    listing = client.get(base).get_data(as_text=True)
    assert "123/AB45678" in listing and "Renews on 1 April 2027" in listing


def test_a_finance_officer_sees_but_changes_nothing(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, client, base = _signed_in(app, session, "finance_officer")
    pa = service.add_employment(session, holder, SALLY)
    service.add_contract_version(session, holder, pa.id, TERMS)
    assert client.get(f"{base}/{pa.id}").status_code == 200
    page = client.get(base).get_data(as_text=True)
    assert "Add someone you employ" not in page
    assert post(client, f"{base}/new", PA_FORM).status_code == 403
    assert client.get(f"{base}/{pa.id}/contract").status_code == 403


def test_another_holders_pa_is_not_found(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, client, base = _signed_in(app, session)
    other = _holder(session, "Someone Else")
    theirs = service.add_employment(session, other, SALLY)
    for url in (f"{base}/{theirs.id}", f"{base}/{theirs.id}/edit", f"{base}/{theirs.id}/contract"):
        assert client.get(url).status_code == 404, url
    assert post(client, f"{base}/{theirs.id}/edit", PA_FORM).status_code == 404
    assert re.search("Sally", client.get(base).get_data(as_text=True)) is None
