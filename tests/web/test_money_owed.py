"""Money owed on the money page, the what-if, employer duties, and payroll links only for
holders who employ (issue 13), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select
from sqlalchemy.orm import Session

from dpsupport.models import (
    Account,
    AgreementAmount,
    BudgetLine,
    FundingAgreement,
    Holder,
    Transaction,
)
from dpsupport.models.payroll import PaymentDue, PayRun, Payslip, Shift
from dpsupport.services import employment, holiday, money, owed
from dpsupport.web import holder as holder_view

from ..support.factories import create_holder, create_org, create_user, grant, sign_in

TODAY = date(2026, 11, 27)  # agreement from 6 April 2026; Sally paid monthly, 6th to 5th


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(holder_view, "today", lambda: TODAY)
    monkeypatch.setattr(employment, "today", lambda: TODAY)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", BeautifulSoup(html, "html.parser").get_text(" "))


def _pence(text: str) -> int:
    sign = -1 if text.strip().startswith(("−", "-")) else 1
    return sign * int(re.sub(r"[^0-9]", "", text))


def _holder(session: Session, name: str, rich: bool = True,  # type: ignore[no-untyped-def]
            agency: bool = False, extra_pence: int = 2_000_000):
    org = create_org(session, f"Org of {name}")
    holder = _agency_holder(session, org, name) if agency else create_holder(session, org, name)
    if rich:  # enough money for a surplus, so the set-aside shows in it
        account = session.scalar(select(Account).where(Account.holder_id == holder.id))
        session.add(Transaction(holder_id=holder.id, account_id=account.id,
                                date=date(2026, 5, 1), amount_pence=extra_pence,
                                payee="Council", category="council_payment"))
    user = create_user(session, org, "holder", email=f"{name.split()[0].lower()}@x.example",
                       name=name)
    grant(session, holder, user, "holder")
    session.commit()
    return holder, user


def _agency_holder(session: Session, org, name: str) -> Holder:  # type: ignore[no-untyped-def]
    """As factories.create_holder, but her plan and payments are for an agency."""
    holder = Holder(organisation_id=org.id, name=name)
    session.add(holder)
    session.flush()
    agreement = FundingAgreement(holder_id=holder.id, funder="Test Council",
                                 scheme="dp_england", frequency="four_weekly",
                                 timing="advance", start_date=date(2026, 4, 6),
                                 first_review_date=date(2026, 4, 1))
    session.add(agreement)
    session.flush()
    session.add(AgreementAmount(agreement_id=agreement.id, effective_date=date(2026, 4, 6),
                                amount_pence=100000))
    account = Account(holder_id=holder.id, name="Direct payment account")
    line = BudgetLine(holder_id=holder.id, category="agency_care",
                      label="Care from Brightcare agency", planned_pence=80000)
    session.add_all([account, line])
    session.flush()
    session.add_all([
        Transaction(holder_id=holder.id, account_id=account.id, date=date(2026, 4, 6),
                    amount_pence=100000, payee="Test Council", category="council_payment"),
        Transaction(holder_id=holder.id, account_id=account.id, date=date(2026, 4, 6),
                    amount_pence=-45000, payee="Brightcare", category="agency_care",
                    budget_line_id=line.id)])
    session.flush()
    return holder


def _employ_sally(session: Session, holder, *, start: date = date(2026, 4, 6),  # type: ignore[no-untyped-def]
                  weekly_minutes: int = 1200, dbs: date | None = None):
    pa = employment.add_employment(session, holder, employment.EmploymentInput(
        name="Sally Pope", date_of_birth=date(1990, 3, 1), ni_number=None, address=None,
        start_date=start, leaving_date=None, starter_statement="hmrc", tax_code="1257L",
        ni_category="A", student_loan_plan=None, postgraduate_loan=False,
        close_relative_in_household=False, council_approval_reference=None))
    employment.add_contract_version(session, holder, pa.id, employment.ContractInput(
        effective_date=start, pay_frequency="monthly", pay_day="5th of the month",
        day_rate_pence=1250, night_rate_pence=None, weekend_rate_pence=None,
        bank_holiday_rate_pence=None, sleep_in_pence=None, hours_kind="regular",
        weekly_minutes=weekly_minutes, holiday_year_start=date(2026, 4, 6),
        pension_scheme=None, pension_employee_bp=None, pension_employer_bp=None,
        written_statement_date=start, right_to_work_date=date(2026, 4, 1),
        dbs_check_date=dbs))
    session.commit()
    return pa


def _approved_run(session: Session, holder, pa, start: date, end: date) -> PayRun:  # type: ignore[no-untyped-def]
    run = PayRun(holder_id=holder.id, frequency="monthly", period_start=start, period_end=end,
                 pay_date=end, tax_period=1, status="approved",
                 approved_at=datetime(2026, 11, 6, tzinfo=UTC))
    session.add(run)
    session.flush()
    zero = dict.fromkeys((
        "gross_pence", "holiday_pay_pence", "sick_pay_pence", "taxable_pence", "tax_pence",
        "employee_ni_pence", "employer_ni_pence", "employee_pension_pence",
        "employer_pension_pence", "student_loan_pence", "postgraduate_loan_pence",
        "net_pence", "taxable_to_date_pence", "tax_to_date_pence", "gross_to_date_pence",
        "employee_ni_to_date_pence", "employer_ni_to_date_pence",
        "student_loan_to_date_pence", "postgraduate_loan_to_date_pence"), 0)
    session.add(Payslip(pay_run_id=run.id, employment_id=pa.id, tax_year=2026,
                        tax_code="1257L", ni_category="A", inputs_json="{}", **zero))
    session.flush()
    return run


def _owing(session: Session, holder, pa) -> None:  # type: ignore[no-untyped-def]
    """Two shifts after the last approved run (unpaid), one inside it (paid), and a net pay
    payment due that is not settled, and an HMRC one that is."""
    run = _approved_run(session, holder, pa, date(2026, 10, 6), date(2026, 11, 5))
    session.add_all([
        Shift(employment_id=pa.id, work_date=date(2026, 11, 2), start_time=time(9),
              end_time=time(13), break_minutes=0, kind="day"),  # paid in the run
        Shift(employment_id=pa.id, work_date=date(2026, 11, 20), start_time=time(9),
              end_time=time(17), break_minutes=30, kind="day"),  # 7h30 = £93.75
        Shift(employment_id=pa.id, work_date=date(2026, 11, 25), start_time=time(9),
              end_time=time(13), break_minutes=0, kind="day"),  # 4h = £50.00
        Shift(employment_id=pa.id, work_date=date(2026, 11, 30), start_time=time(9),
              end_time=time(13), break_minutes=0, kind="day"),  # after today: not owed
        PaymentDue(holder_id=holder.id, pay_run_id=run.id, kind="net_pay", payee="Sally Pope",
                   amount_pence=98_000, due_date=date(2026, 11, 5)),
        PaymentDue(holder_id=holder.id, pay_run_id=run.id, kind="hmrc", payee="HMRC",
                   amount_pence=5_000, due_date=date(2026, 11, 22),
                   settled_on=date(2026, 11, 20)),
    ])
    session.commit()


def _surplus(page: str) -> int:
    soup = BeautifulSoup(page, "html.parser")
    row = soup.find("dt", string=re.compile("Money above what the council lets you keep"))
    return _pence(row.find_next("dd").find(class_="dp-money").get_text())


def test_money_owed_is_set_aside_line_by_line_and_the_surplus_falls_by_exactly_that(
        app, session) -> None:  # type: ignore[no-untyped-def]
    holder, user = _holder(session, "Dora Quinn")
    client = app.test_client()
    sign_in(client, user)
    before = client.get(f"/holders/{holder.id}").get_data(as_text=True)
    pa = _employ_sally(session, holder)
    _owing(session, holder, pa)
    page = client.get(f"/holders/{holder.id}").get_data(as_text=True)
    text = _text(page)
    assert "We do not yet count wages" not in text
    soup = BeautifulSoup(page, "html.parser")
    rows = {r.find("dt").get_text(strip=True): _pence(r.find(class_="dp-money").get_text())
            for r in soup.select("#owed-lines .govuk-summary-list__row")}
    # £93.75 + £50.00 for the two unpaid shifts; employer NI on £143.75 in one month is 0
    # (below the £417 secondary threshold); the unsettled net pay £980.00; HMRC's is settled.
    (earned,) = holiday.holiday_owed(session, holder, TODAY)
    assert earned.pence > 0
    assert rows == {
        "Wages for work Sally Pope has done but not been paid for": 14375,
        "Net pay to Sally Pope": 98000,
        "Holiday Sally Pope has earned but not taken": earned.pence,
        "Set aside in all": 112375 + earned.pence,
    }
    assert "2 shifts (11 hours 30 minutes) from 20 November 2026 to 25 November 2026" in text
    assert "Holiday owed is not worked out yet" not in text
    assert _surplus(before) - _surplus(page) == 112375 + earned.pence
    surplus_steps = _text(str(soup.find(id="workings-surplus")))
    assert "Set aside: Wages for work Sally Pope has done but not been paid for: £143.75" \
        in surplus_steps
    assert "Set aside: Net pay to Sally Pope: £980.00" in surplus_steps
    # the forecast counts Sally's coming pay runs instead of the plan's PA wages line
    forecast = _text(str(soup.find(id="workings-forecast")))
    assert "Take away coming pay runs for the people you employ" in forecast
    assert "not counting PA wages: the pay runs below count them instead" in forecast
    runs = soup.find(id="coming-pay-runs")
    assert runs is not None and "5 December 2026" in runs.get_text()
    assert "8 of its 30 days counted" in runs.get_text()
    # holiday owed holds back surplus only: it is paid in the coming pay runs
    assert "Take away money you owe now: £1,123.75" in forecast
    nav = soup.find(id="holder-navigation").get_text()
    assert "People you employ" in nav


def test_the_forecast_takes_away_exactly_the_pay_runs(session) -> None:  # type: ignore[no-untyped-def]
    holder, _ = _holder(session, "Eve Rowe")
    plain = money.holder_money(session, holder, TODAY).picture
    _employ_sally(session, holder)
    info = money.holder_money(session, holder, TODAY)
    pic = info.picture
    assert plain is not None and pic is not None and info.employer is not None
    runs = info.employer.pay_runs(TODAY, pic.year_end)
    # 20 hours × £12.50 = £250.00 a week; × 52 ÷ 12 = £1,083.33 a month; employer NI 15% of
    # (£1,083.33 − £417) = £99.95; a month is £1,183.28. From 28 November: 8 of the 30 days
    # of 6 November to 5 December (£315.54), then 4 whole months to 5 April.
    assert [r.amount_pence for r in runs] == [31554, 118328, 118328, 118328, 118328]
    # the plan line (£800 per 4 weeks) is left out and the pay runs taken away instead
    assert plain.forecast_year_end_balance.value is not None
    planned = next(s for s in plain.forecast_year_end_balance.workings
                   if s.label.startswith("Take away planned spending"))
    assert pic.forecast_year_end_balance.value == (
        plain.forecast_year_end_balance.value + planned.value - sum(r.amount_pence for r in runs))


def test_a_holder_who_employs_nobody_sees_nothing_about_payroll(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, user = _holder(session, "Margaret Hale", agency=True)
    client = app.test_client()
    sign_in(client, user)
    base = f"/holders/{holder.id}"
    # every page of hers that needs no other id, but the payroll pages themselves (people
    # you employ, pay runs, timesheets: the quiet way in leads there) and the what-if
    pages = sorted({rule.rule.replace("<int:holder_id>", str(holder.id))
                    for rule in app.url_map.iter_rules()
                    if "GET" in (rule.methods or ()) and set(rule.arguments) == {"holder_id"}
                    and rule.endpoint.split(".")[0] not in ("employment", "payroll",
                                                            "timesheets")
                    and rule.endpoint != "holder.what_if"
                    and client.get(rule.rule.replace("<int:holder_id>", str(holder.id)))
                    .status_code != 403})
    assert len(pages) >= 8 and f"{base}/plan" in pages
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        if not response.content_type.startswith("text/html"):
            continue  # a download (the audit pack): not a page of words
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        for menu in soup.find_all("select"):  # the fixed list of budget categories
            menu.decompose()
        quiet = soup.find(id="start-employing")
        if path == f"{base}/plan":
            # the one quiet way in, for someone who wants to start employing
            assert quiet is not None
            assert quiet.find("a")["href"] == f"{base}/employing"
            quiet.decompose()
        else:
            assert quiet is None
        words = soup.get_text(" ")
        found = re.findall(r".{0,40}(?:payroll|employ|pay run).{0,40}", words, re.I) + \
            re.findall(r".{0,40}(?:\bPAs?\b|\bPAYE\b).{0,40}", words)
        assert not found, (path, found)
    # the what-if is only for employers
    assert "what-if" not in client.get(base).get_data(as_text=True)


def test_saving_employer_details_is_starting_to_employ(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, user = _holder(session, "Nell Stone")
    assert owed.employs(session, holder) is False
    employment.save_employer_details(session, holder, employment.EmployerInput(
        None, None, None, False))
    session.commit()
    assert owed.employs(session, holder) is True
    client = app.test_client()
    sign_in(client, user)
    soup = BeautifulSoup(client.get(f"/holders/{holder.id}/plan").get_data(as_text=True),
                         "html.parser")
    assert "People you employ" in soup.find(id="holder-navigation").get_text()
    assert soup.find(id="start-employing") is None
    page = _text(client.get(f"/holders/{holder.id}").get_data(as_text=True))
    assert "Money you owe as an employer" in page
    assert "You owe nothing we can see" in page


def test_what_if_sally_worked_more_hours(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, user = _holder(session, "Fay Lowe", extra_pence=60000)
    pa = _employ_sally(session, holder)
    client = app.test_client()
    sign_in(client, user)
    money_page = client.get(f"/holders/{holder.id}").get_data(as_text=True)
    form = BeautifulSoup(money_page, "html.parser").find(id="what-if").find_next("form")
    assert form["method"] == "get" and form["action"].endswith("/what-if")
    assert [o.get_text() for o in form.find_all("option")] == ["Sally Pope"]
    args = {"employment": str(pa.id), "direction": "more", "hours": "4", "start-day": "1",
            "start-month": "1", "start-year": "2027"}
    response = client.get(f"/holders/{holder.id}/what-if", query_string=args)
    assert response.status_code == 200
    result = _text(str(BeautifulSoup(response.get_data(as_text=True), "html.parser")
                       .find(id="what-if-result")))
    # By hand: £1,150.00 today (£1,000 in, £450 and nothing else out, £600 more in); £1,000
    # from the council on 14 December, 11 January, 8 February, 8 March and 5 April; Sally's
    # pay runs on the 5th: £315.54 (8 days of a £1,183.28 month), then £1,183.28 a month.
    # Lowest: £284.62 on 5 March, so it lasts the year. With 4 hours more from 1 January
    # (24 hours × £12.50 = £300.00 a week, £1,300.00 a month, employer NI £132.45: £1,432.45;
    # the run of 5 January is £992.43 for 6 to 31 December plus £231.04 for 1 to 5 January):
    # £1,834.46 − £1,223.47 + £1,000 − £1,432.45 + £1,000 − £1,432.45 = −£253.91 on 5 March.
    assert "If Sally Pope worked 4 hours more a week from 1 January 2027, your money would " \
        "last until 4 March 2027." in result
    assert "Now, your money would last to the end of your agreement year, 5 April 2027." \
        in result
    fewer = money.what_if(session, holder, TODAY, pa.id, -240, date(2027, 1, 1))
    assert fewer.after.value is None and fewer.before.value is None


@pytest.mark.parametrize("args, message", [
    ({"direction": "more", "hours": "4", "start-day": "1", "start-month": "1",
      "start-year": "2027"}, "Select someone you employ"),
    ({"employment": "ID", "direction": "more", "hours": "", "start-day": "1",
      "start-month": "1", "start-year": "2027"}, "Enter the hours a week, like 4"),
    ({"employment": "ID", "direction": "more", "hours": "lots", "start-day": "1",
      "start-month": "1", "start-year": "2027"}, "Enter the hours a week as a number"),
    ({"employment": "ID", "direction": "more", "hours": "4"}, "Enter the date it starts"),
    ({"employment": "ID", "direction": "more", "hours": "4", "start-day": "1",
      "start-month": "1", "start-year": "2026"}, "Enter a date after today, 27 November 2026"),
    ({"employment": "ID", "direction": "more", "hours": "4", "start-day": "1",
      "start-month": "6", "start-year": "2027"}, "the end of your agreement year"),
    ({"employment": "ID", "direction": "more", "hours": "0", "start-day": "1",
      "start-month": "1", "start-year": "2027"}, "Enter a number of hours more than 0"),
])
def test_what_if_form_messages(app, session, args, message) -> None:  # type: ignore[no-untyped-def]
    holder, user = _holder(session, "Gail Marsh", rich=False)
    pa = _employ_sally(session, holder)
    client = app.test_client()
    sign_in(client, user)
    sent = {k: (str(pa.id) if v == "ID" else v) for k, v in args.items()}
    response = client.get(f"/holders/{holder.id}/what-if", query_string=sent)
    assert response.status_code == 400
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    summary = soup.find(class_="govuk-error-summary")
    assert summary is not None and message in summary.get_text()


def test_what_if_with_another_holders_pa_is_refused(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, user = _holder(session, "Hana Page", rich=False)
    _employ_sally(session, holder)
    other, _ = _holder(session, "Iris Vale", rich=False)
    theirs = _employ_sally(session, other)
    client = app.test_client()
    sign_in(client, user)
    response = client.get(f"/holders/{holder.id}/what-if", query_string={
        "employment": str(theirs.id), "direction": "more", "hours": "4", "start-day": "1",
        "start-month": "1", "start-year": "2027"})
    assert response.status_code == 400
    assert "Select someone you employ" in response.get_data(as_text=True)


def test_employer_duties_on_the_money_page_and_the_employment_page(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, user = _holder(session, "Jo Kemp")
    # started 3 years ago less a month: re-enrolment is due soon; the DBS review too
    _employ_sally(session, holder, start=date(2023, 12, 20), dbs=date(2023, 12, 10))
    employment.save_employer_details(session, holder, employment.EmployerInput(
        None, None, date(2026, 11, 1), False))
    session.commit()
    client = app.test_client()
    sign_in(client, user)
    page = BeautifulSoup(client.get(f"/holders/{holder.id}").get_data(as_text=True),
                         "html.parser")
    looks = [li.get_text(" ", strip=True) for li in page.select("li.dp-duty")]
    asked = page.find(id="questions-heading").find_parent("section").get_text(" ", strip=True)
    # overdue or due soon: kept questions (employer_duty_due), not said twice on the page
    assert "Your employer's liability insurance renewal date has passed" in asked
    assert "Pension re-enrolment is due" in asked
    assert not any("insurance" in t or "re-enrolment" in t for t in looks)
    # a suggestion not yet due stays a reminder
    assert any("A suggestion, not the law" in t and "10 December 2026" in t for t in looks)
    assert not any("P60" in t for t in looks)  # only from 6 April to 31 May
    index = _text(client.get(f"/holders/{holder.id}/employing").get_data(as_text=True))
    assert "What is due as an employer" in index
    assert "Sally Pope's right to work was checked on 1 April 2026" in index
    assert "give a P60 to everyone employed that day (Sally Pope now) by 31 May 2027" in index
