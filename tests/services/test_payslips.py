"""The read side of payroll (services/payslips.py), on both databases: scoping to the holder,
payroll_rules' working shared out to each figure, NI earnings bands with a corrected period,
the FPS hours band, payments and their due dates, and the EPS's Employment Allowance."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

import payroll_rules
from dpsupport.models.payroll import PaymentDue, PayRun, Payslip
from dpsupport.payroll import record
from dpsupport.payroll.lines import PayLine
from dpsupport.services import payslips as service
from payroll_rules import PayInput

from ..support.factories import create_holder, create_org
from ..support.payroll_factories import NEST, Pay, add_pa, pay_run

ON = date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "today", lambda: ON)


def _holder(session: Session, name: str = "Jordan Price"):  # type: ignore[no-untyped-def]
    return create_holder(session, create_org(session, f"Org of {name}"), name)


def test_every_line_of_the_working_goes_to_the_figure_it_explains() -> None:
    result = payroll_rules.calculate(PayInput(
        pay_date=date(2026, 5, 29), frequency="monthly", period=2,
        gross_pay=Decimal("3100.00"), previous_pay_to_date=Decimal("3000"),
        previous_tax_to_date=Decimal("390.40"), pension=NEST, student_loan_plan="2",
        postgraduate_loan=True))
    lines = result.explain()
    parts = service.explain_sections(lines)
    assert parts["gross"] == lines[:1]
    assert parts["tax"][0].startswith("Tax code 1257L")
    assert parts["tax"][-1] == "Income tax this month: £" + f"{result.income_tax:,}" + "."
    assert parts["employee_ni"][0] == parts["employer_ni"][0]
    assert parts["employee_ni"][1].startswith("Employee National Insurance")
    assert parts["employer_ni"][1].startswith("Employer National Insurance")
    assert parts["pension"][0].startswith("Pension: 5% from you")
    assert parts["student_loan"][0].startswith("Student loan (Plan 2)")
    assert parts["postgraduate_loan"][0].startswith("Postgraduate Loan")
    assert parts["net"] == lines[-1:]
    # every line is shown once, except the NI thresholds, which both NI figures need
    shown = [line for key in ("gross", "tax", "employee_ni", "pension", "student_loan",
                              "postgraduate_loan", "net") for line in parts[key]]
    shown += parts["employer_ni"][1:]
    assert sorted(shown) == sorted(lines)


def test_lookups_are_scoped_to_the_holder(session: Session) -> None:
    mine, theirs = _holder(session), _holder(session, "Other Person")
    pa = add_pa(session, mine)
    run = pay_run(session, mine, [Pay(pa, 100 * 60)], month=4)
    session.commit()
    slip = run.payslips[0]
    assert service.payslip(session, mine, slip.id) is slip
    assert service.payslip(session, theirs, slip.id) is None
    assert service.pay_run(session, theirs, run.id) is None
    assert service.year_end(session, theirs, pa.id, 2026) is None
    assert service.year_end(session, mine, pa.id, 2025) is None
    assert service.payments(session, theirs) == []
    assert service.year_end_list(session, theirs) == []


def _correct(session: Session, run: PayRun, slip: Payslip, minutes: int) -> Payslip:
    """A correcting run for ``run``'s period paying ``slip``'s PA for ``minutes`` in all:
    its payslip keeps the period's whole pay in its inputs, and the difference as figures."""
    pay, _lines, _extra = record.loads(slip.inputs_json)
    whole = PayInput(pay_date=pay.pay_date, frequency="monthly", period=pay.period,
                     gross_pay=Decimal(minutes * 1300 // 60).scaleb(-2),
                     tax_code=pay.tax_code, ni_category=pay.ni_category)
    r = payroll_rules.calculate(whole)
    fix = PayRun(holder_id=run.holder_id, frequency="monthly", period_start=run.period_start,
                 period_end=run.period_end, pay_date=run.pay_date, tax_period=run.tax_period,
                 run_number=1, corrects_id=run.id, status="approved",
                 approved_at=datetime(2026, 5, 1))
    session.add(fix)
    session.flush()

    def diff(value: Decimal, was: int) -> int:
        return int(value * 100) - was

    new = Payslip(
        pay_run_id=fix.id, employment_id=slip.employment_id, tax_year=slip.tax_year,
        tax_code=slip.tax_code, ni_category=slip.ni_category, worked_minutes=minutes,
        gross_pence=diff(r.gross_pay, slip.gross_pence), holiday_pay_pence=0,
        sick_pay_pence=0, taxable_pence=diff(r.taxable_pay, slip.taxable_pence),
        tax_pence=diff(r.income_tax, slip.tax_pence),
        employee_ni_pence=diff(r.employee_ni, slip.employee_ni_pence),
        employer_ni_pence=diff(r.employer_ni, slip.employer_ni_pence),
        employee_pension_pence=0, employer_pension_pence=0, student_loan_pence=0,
        postgraduate_loan_pence=0, net_pence=diff(r.net_pay, slip.net_pence),
        taxable_to_date_pence=int(r.taxable_pay * 100), tax_to_date_pence=int(r.income_tax * 100),
        gross_to_date_pence=int(r.gross_pay * 100),
        employee_ni_to_date_pence=int(r.employee_ni * 100),
        employer_ni_to_date_pence=int(r.employer_ni * 100), student_loan_to_date_pence=0,
        postgraduate_loan_to_date_pence=0, auto_enrolment=None,
        inputs_json=record.dumps(whole, [PayLine("shifts", "Shifts", int(r.gross_pay * 100),
                                                 minutes)],
                                 {"already_paid": {"net_pence": slip.net_pence}}))
    session.add(new)
    session.flush()
    session.refresh(fix)
    return new


def test_a_corrected_period_counts_once_in_the_year_end_figures(session: Session) -> None:
    holder = _holder(session)
    pa = add_pa(session, holder)
    april = pay_run(session, holder, [Pay(pa, 100 * 60)], month=4)  # £1,300
    fix = _correct(session, april, april.payslips[0], 160 * 60)  # £2,080 in all
    session.commit()
    y = service.year_end(session, holder, pa.id, 2026)
    assert y is not None
    assert y.pay == 208000  # £1,300 paid + £780 more
    assert y.tax == april.payslips[0].tax_pence + fix.tax_pence
    # the bands of the period as corrected (£2,080), not of £1,300 and £2,080 added
    assert [(r.category, r.at_lel, r.lel_to_pt, r.pt_to_uel) for r in y.ni_rows] == [
        ("A", "£559", "£489", "£1,032")]
    assert y.final_tax_code == "1257L"
    assert y.payslips == 2 and not y.complete
    # the correcting payslip says what it is
    page = service.payslip_page(session, holder, fix)
    assert page.correction is not None and "the difference" in page.correction
    assert service.run_title(fix.pay_run).startswith("Correction to the pay run for 1 April")


@pytest.mark.parametrize("minutes, band", [
    (959, "A"), (960, "B"), (1439, "B"), (1440, "C"), (1799, "C"), (1800, "D"), (None, "E")])
def test_fps_hours_band_follows_the_contract(session: Session, minutes: int | None,
                                             band: str) -> None:
    pa = add_pa(session, _holder(session), weekly_minutes=minutes)
    assert service.hours_band(pa, date(2026, 5, 31)) == service.HOURS_BANDS[band]
    assert service.hours_band(pa, date(2026, 4, 1)) == service.HOURS_BANDS["E"]  # no contract


@pytest.mark.parametrize("frequency, period, words", [
    ("monthly", 8, "Month 8 of 2026 to 2027"), ("weekly", 34, "Week 34 of 2026 to 2027"),
    ("fortnightly", 3, "Week 6 of 2026 to 2027"), ("four_weekly", 2, "Week 8 of 2026 to 2027")])
def test_tax_period_words(frequency: str, period: int, words: str) -> None:
    run = PayRun(frequency=frequency, tax_period=period, pay_date=date(2026, 11, 27))
    assert service.tax_period_words(run) == words


def test_payments_waiting_first_then_paid_with_quarterly_said(session: Session) -> None:
    holder = _holder(session)
    pa = add_pa(session, holder)
    april = pay_run(session, holder, [Pay(pa, 100 * 60, 1300, NEST)], month=4)
    october = pay_run(session, holder, [Pay(pa, 100 * 60, 1300, NEST)], month=10,
                      quarterly=True)
    net = next(p for p in session.query(PaymentDue).filter_by(pay_run_id=april.id,
                                                              kind="net_pay"))
    net.settled_on = date(2026, 4, 24)
    session.commit()
    found = service.payments(session, holder)
    statuses = [(x.row.pay_run_id, x.row.kind, x.status) for x in found]
    assert statuses[-1] == (april.id, "net_pay", "paid")
    assert all(s != "paid" for _r, _k, s in statuses[:-1])
    hmrc_oct = next(x for x in found if x.row.pay_run_id == october.id and x.row.kind == "hmrc")
    # pay date 30 October 2026, tax month 7: quarter ends 5 January, due 22 January 2027
    assert hmrc_oct.row.due_date == date(2027, 1, 22) and hmrc_oct.status == "due"
    assert any("you pay HMRC every quarter" in w for w in hmrc_oct.working)
    hmrc_apr = next(x for x in found if x.row.pay_run_id == april.id and x.row.kind == "hmrc")
    assert hmrc_apr.status == "overdue"
    assert any("the 22nd after the tax month ends" in w for w in hmrc_apr.working)
    pension = next(x for x in found if x.row.kind == "pension" and x.row.pay_run_id == april.id)
    slip = april.payslips[0]
    assert pension.row.amount_pence == slip.employee_pension_pence + slip.employer_pension_pence
    assert pension.row.due_date == date(2026, 5, 22)


def test_eps_employment_allowance_used_builds_up_to_the_allowance(session: Session) -> None:
    holder = _holder(session)
    pa = add_pa(session, holder)
    # a small allowance, so two months use it up: £400 a year
    april = pay_run(session, holder, [Pay(pa, 160 * 60)], month=4, allowance_pence=40000)
    may = pay_run(session, holder, [Pay(pa, 160 * 60)], month=5, allowance_pence=40000)
    session.commit()
    er = april.payslips[0].employer_ni_pence
    assert 20000 < er < 40000  # April's employer NI is all covered; May uses the rest
    s = service.submissions(session, holder, None)
    assert s.tax_year == 2026 and s.year == "2026 to 2027"
    months = {eps.month: eps for eps, _fps in s.months}
    assert months[1].allowance_used_to_date == er
    assert months[2].allowance_used_to_date == 40000
    assert months[3].allowance_used_to_date == 40000 and not months[3].paid_anyone
    assert sorted(months) == list(range(1, 8))  # to October, the last tax month ended
    fps = dict((eps.month, f) for eps, f in s.months)[2][0]
    assert fps.run.id == may.id and fps.rows[0].tax_to_date == (
        april.payslips[0].tax_pence + may.payslips[0].tax_pence)
