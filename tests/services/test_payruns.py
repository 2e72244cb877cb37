"""Pay runs on both databases: every payslip figure equals payroll_rules.calculate for the
same inputs (a whole tax year of monthly runs, a starter, a leaver, a change of tax code,
weekly pay with week 53), approval is all or nothing and happens once, corrections, and the
payments the employer owes."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import payroll_rules
from dpsupport.db import writing
from dpsupport.errors import UserError
from dpsupport.models import (
    ContractVersion,
    EmployerDetails,
    Employment,
    Holder,
    PaymentDue,
    PayRun,
    Payslip,
    Shift,
    TimesheetApproval,
)
from dpsupport.payroll.periods import period_containing
from dpsupport.payroll.shifts import pence_for_minutes
from dpsupport.services import payruns
from payroll_rules import PayInput, Pension

from ..support.factories import create_holder, create_org

LAST_FRIDAYS_2026_27 = [date(2026, 4, 24), date(2026, 5, 29), date(2026, 6, 26),
                        date(2026, 7, 31), date(2026, 8, 28), date(2026, 9, 25),
                        date(2026, 10, 30), date(2026, 11, 27), date(2026, 12, 25),
                        date(2027, 1, 29), date(2027, 2, 26), date(2027, 3, 26)]


def _holder(session: Session, name: str = "Jordan Price", *, allowance: bool = False) -> Holder:
    holder = create_holder(session, create_org(session, f"Org of {name}"), name)
    session.add(EmployerDetails(holder_id=holder.id, employment_allowance_claimed=allowance))
    session.commit()
    return holder


def _employ(session: Session, holder: Holder, name: str, *, start: date,
            frequency: str = "monthly", pay_day: str = "last Friday", rate: int = 1300,
            tax_code: str = "1257L", born: date = date(1990, 3, 1), plan: str | None = None,
            pgl: bool = False, pension: tuple[int, int] | None = None,
            leaving: date | None = None, category: str = "A") -> Employment:
    row = Employment(holder_id=holder.id, name=name, date_of_birth=born, start_date=start,
                     leaving_date=leaving, tax_code=tax_code, starter_statement="hmrc",
                     ni_category=category, student_loan_plan=plan, postgraduate_loan=pgl)
    session.add(row)
    session.flush()
    session.add(ContractVersion(
        employment_id=row.id, effective_date=start, pay_frequency=frequency, pay_day=pay_day,
        day_rate_pence=rate, night_rate_pence=rate + 100, sleep_in_pence=5000,
        hours_kind="irregular", holiday_year_start=date(2026, 4, 6),
        pension_scheme="NEST" if pension else None,
        pension_employee_bp=pension[0] if pension else None,
        pension_employer_bp=pension[1] if pension else None))
    session.commit()
    return row


def _shift(session: Session, row: Employment, on: date, hours: int, kind: str = "day") -> None:
    session.add(Shift(employment_id=row.id, work_date=on, start_time=time(9, 0),
                      end_time=time(9 + hours, 0), break_minutes=0, kind=kind))


def _approve_timesheet(session: Session, row: Employment, start: date, end: date) -> None:
    session.add(TimesheetApproval(employment_id=row.id, period_start=start, period_end=end))


@dataclass
class Reference:
    """payroll_rules called directly with the running totals, as an employer's payroll would."""

    tax_code: str
    category: str = "A"
    pension: Pension | None = None
    plan: str | None = None
    pgl: bool = False
    pay_to_date: Decimal = Decimal(0)
    tax_to_date: Decimal = Decimal(0)

    def pay(self, pay_date: date, frequency: str, gross_pence: int) -> payroll_rules.PayResult:
        result = payroll_rules.calculate(PayInput(
            pay_date, frequency, payroll_rules.period_for_date(frequency, pay_date),
            Decimal(gross_pence) / 100, self.tax_code, self.category, self.pay_to_date,
            self.tax_to_date, self.pension, self.plan, self.pgl))
        self.pay_to_date += result.taxable_pay
        self.tax_to_date += result.income_tax
        return result


def _pence(value: Decimal) -> int:
    return int(value * 100)


def _assert_same(slip: Payslip, expected: payroll_rules.PayResult) -> None:
    assert (slip.gross_pence, slip.taxable_pence, slip.tax_pence, slip.employee_ni_pence,
            slip.employer_ni_pence, slip.employee_pension_pence, slip.employer_pension_pence,
            slip.student_loan_pence, slip.postgraduate_loan_pence, slip.net_pence) == (
        _pence(expected.gross_pay), _pence(expected.taxable_pay),
        _pence(expected.income_tax), _pence(expected.employee_ni),
        _pence(expected.employer_ni), _pence(expected.employee_pension),
        _pence(expected.employer_pension), _pence(expected.student_loan),
        _pence(expected.postgraduate_loan), _pence(expected.net_pay))
    # the stored inputs give the same figures again
    assert payruns.payslip_result(slip).as_dict() == expected.as_dict()


def _slip(session: Session, run: PayRun, row: Employment) -> Payslip | None:
    return session.scalar(select(Payslip).where(Payslip.pay_run_id == run.id,
                                                Payslip.employment_id == row.id))


def test_a_whole_tax_year_of_monthly_runs_equals_payroll_rules(session: Session) -> None:
    holder = _holder(session, allowance=True)
    sally = _employ(session, holder, "Sally Pope", start=date(2025, 1, 6), plan="2", pgl=True,
                    pension=(500, 300), rate=2400)
    # a starter in September, whose tax code changes in December, who leaves in February
    bob = _employ(session, holder, "Bob Starter", start=date(2026, 9, 15), rate=1300,
                  leaving=date(2027, 2, 10))
    refs = {sally.id: Reference("1257L", pension=Pension(Decimal("0.05"), Decimal("0.03")),
                                plan="2", pgl=True),
            bob.id: Reference("1257L")}
    hmrc_expected = []
    employer_ni_so_far = 0
    allowance = _pence(payroll_rules.employment_allowance(date(2026, 4, 6)))
    for month, pay_date in enumerate(LAST_FRIDAYS_2026_27, start=1):
        span = period_containing("monthly", pay_date)
        if month == 9:
            bob.tax_code = "1100L"  # HMRC sent a new code
            refs[bob.id].tax_code = "1100L"
        expected_gross = {}
        for row in (sally, bob):
            start = max(span.start, row.start_date)
            end = min(span.end, row.leaving_date or span.end)
            if start > end:
                continue
            # longer shifts as the year goes on: Sally's pay reaches the higher rate band
            days = [start + timedelta(days=i) for i in range(0, (end - start).days + 1, 2)]
            hours = min(8 + month // 2, 14) if row is sally else 5
            for day in days:
                _shift(session, row, day, hours)
            if row is bob and month == 11:
                _shift(session, row, date(2027, 2, 20), 8)  # after leaving: not paid
            _approve_timesheet(session, row, span.start, span.end)
            rate = 2400 if row is sally else 1300
            expected_gross[row.id] = len(days) * pence_for_minutes(rate, hours * 60)
        session.commit()
        run = payruns.draft_pay_run(session, holder, "monthly", span.start)
        assert (run.pay_date, run.tax_period) == (pay_date, month)
        run = payruns.approve_pay_run(session, holder, run.id, None)
        assert run.status == "approved"
        er_ni = 0
        owed = 0
        for row in (sally, bob):
            slip = _slip(session, run, row)
            if row.id not in expected_gross:
                assert slip is None
                continue
            assert slip is not None
            expected = refs[row.id].pay(pay_date, "monthly", expected_gross[row.id])
            _assert_same(slip, expected)
            assert slip.tax_code == refs[row.id].tax_code
            assert slip.taxable_to_date_pence == _pence(refs[row.id].pay_to_date)
            assert slip.tax_to_date_pence == _pence(refs[row.id].tax_to_date)
            er_ni += _pence(expected.employer_ni)
            owed += (_pence(expected.income_tax) + _pence(expected.employee_ni)
                     + _pence(expected.employer_ni) + _pence(expected.student_loan)
                     + _pence(expected.postgraduate_loan))
        used = (min(allowance, employer_ni_so_far + er_ni)
                - min(allowance, employer_ni_so_far))
        employer_ni_so_far += er_ni
        hmrc_expected.append(owed - used)
        hmrc = session.scalars(select(PaymentDue.amount_pence).where(
            PaymentDue.pay_run_id == run.id, PaymentDue.kind == "hmrc")).all()
        assert list(hmrc) == ([owed - used] if owed - used else [])
    # a starter: the first payslip starts the year's totals from nothing in this employment
    first = session.scalars(select(Payslip).where(Payslip.employment_id == bob.id)
                            .order_by(Payslip.id)).first()
    assert first is not None and first.gross_to_date_pence == first.gross_pence
    # the leaver: nothing after February, and the shift after the leaving date is not paid
    assert session.scalar(select(func.count()).where(Payslip.employment_id == bob.id)) == 6
    # Sally's year: the payslips add up to the year's totals
    slips = session.scalars(select(Payslip).where(Payslip.employment_id == sally.id)).all()
    assert len(slips) == 12
    assert sum(s.gross_pence for s in slips) == slips[-1].gross_to_date_pence
    assert sum(s.student_loan_pence for s in slips) == slips[-1].student_loan_to_date_pence
    assert all(s.student_loan_pence and s.postgraduate_loan_pence for s in slips)
    assert slips[-1].tax_pence > slips[0].tax_pence * 2


def test_weekly_pay_with_week_53(session: Session) -> None:
    # 6 April 2026 is a Monday: paid on Mondays, 5 April 2027 is a 53rd pay day.
    holder = _holder(session)
    pa = _employ(session, holder, "Wes Weekly", start=date(2027, 3, 1), frequency="weekly",
                 pay_day="Monday", tax_code="1257L")
    ref = Reference("1257L")
    weeks = []
    monday = date(2027, 3, 1)
    while monday <= date(2027, 3, 29):
        weeks.append(monday)
        for i in range(5):
            _shift(session, pa, monday + timedelta(days=i), 7)
        _approve_timesheet(session, pa, monday, monday + timedelta(days=6))
        monday += timedelta(days=7)
    session.commit()
    periods = []
    for start in weeks:
        run = payruns.draft_pay_run(session, holder, "weekly", start)
        run = payruns.approve_pay_run(session, holder, run.id, None)
        slip = _slip(session, run, pa)
        assert slip is not None
        _assert_same(slip, ref.pay(run.pay_date, "weekly", 5 * pence_for_minutes(1300, 420)))
        periods.append((run.pay_date, run.tax_period))
    assert periods[-2:] == [(date(2027, 3, 29), 52), (date(2027, 4, 5), 53)]
    # week 53 is taxed on a week 1 basis: not the same as a cumulative week would give
    week53 = _slip(session, run, pa)
    assert week53 is not None and week53.tax_year == 2026


def _one_month(session: Session, *, allowance: bool = False, hours: int = 6
               ) -> tuple[Holder, Employment, PayRun]:
    holder = _holder(session, allowance=allowance)
    pa = _employ(session, holder, "Sally Pope", start=date(2026, 4, 6), pension=(500, 300))
    for day in range(6, 31, 3):
        _shift(session, pa, date(2026, 4, day), hours)
    _approve_timesheet(session, pa, date(2026, 4, 1), date(2026, 4, 30))
    session.commit()
    run = payruns.draft_pay_run(session, holder, "monthly", date(2026, 4, 1))
    return holder, pa, run


def test_an_unapproved_shift_refuses_the_run_and_writes_nothing(session: Session) -> None:
    holder = _holder(session)
    pa = _employ(session, holder, "Sally Pope", start=date(2026, 4, 6))
    _shift(session, pa, date(2026, 4, 10), 6)
    _approve_timesheet(session, pa, date(2026, 4, 1), date(2026, 4, 15))
    _shift(session, pa, date(2026, 4, 20), 6)  # outside the approved timesheet
    session.commit()
    with pytest.raises(UserError) as caught:
        payruns.draft_pay_run(session, holder, "monthly", date(2026, 4, 1))
    assert "Sally Pope's shift on" in caught.value.message and "not approved" in str(caught.value)
    assert "Approve their timesheet" in (caught.value.next_step or "")
    session.rollback()
    assert session.scalar(select(func.count()).select_from(PayRun)) == 0
    assert session.scalar(select(func.count()).select_from(Payslip)) == 0


def test_a_missing_tax_code_or_contract_refuses_the_run(session: Session) -> None:
    holder = _holder(session)
    pa = _employ(session, holder, "Sally Pope", start=date(2026, 4, 6), tax_code="")
    _shift(session, pa, date(2026, 4, 10), 6)
    _approve_timesheet(session, pa, date(2026, 4, 1), date(2026, 4, 30))
    session.commit()
    with pytest.raises(UserError, match="Sally Pope has no tax code"):
        payruns.draft_pay_run(session, holder, "monthly", date(2026, 4, 1))
    pa.tax_code = "1257L"
    contract = session.scalars(select(ContractVersion)).one()
    contract.effective_date = date(2026, 4, 20)  # the shift on the 10th has no contract
    session.commit()
    with pytest.raises(UserError, match="no contract in force"):
        payruns.draft_pay_run(session, holder, "monthly", date(2026, 4, 1))
    with pytest.raises(UserError, match="not the first day"):
        payruns.draft_pay_run(session, holder, "monthly", date(2026, 4, 2))
    session.rollback()
    assert session.scalar(select(func.count()).select_from(PayRun)) == 0


def test_approval_is_all_or_nothing_and_fixes_the_run(session: Session) -> None:
    holder, pa, run = _one_month(session)
    # the pay changes after the draft was worked out: approval refuses and changes nothing
    _shift(session, pa, date(2026, 4, 29), 4)
    session.commit()
    with pytest.raises(UserError, match="changed since"):
        payruns.approve_pay_run(session, holder, run.id, None)
    session.rollback()
    assert session.get(PayRun, run.id).status == "draft"  # type: ignore[union-attr]
    assert session.scalar(select(func.count()).select_from(PaymentDue)) == 0
    run = payruns.draft_pay_run(session, holder, "monthly", date(2026, 4, 1))
    approved = payruns.approve_pay_run(session, holder, run.id, None)
    slip = approved.payslips[0]
    before = (slip.id, slip.gross_pence, slip.net_pence, slip.inputs_json)
    with pytest.raises(UserError, match="already approved"):
        payruns.draft_pay_run(session, holder, "monthly", date(2026, 4, 1))
    with pytest.raises(UserError, match="already been approved"):
        payruns.approve_pay_run(session, holder, run.id, None)
    session.rollback()
    again = payruns.pay_run(session, holder, run.id)
    assert again is not None and again.status == "approved"
    s = again.payslips[0]
    assert (s.id, s.gross_pence, s.net_pence, s.inputs_json) == before
    # someone else's holder cannot see or approve it
    other = _holder(session, "Someone Else")
    assert payruns.pay_run(session, other, run.id) is None
    with pytest.raises(UserError, match="could not find"):
        payruns.approve_pay_run(session, other, run.id, None)


def test_two_approvals_at_once_give_exactly_one(app, session: Session) -> None:  # type: ignore[no-untyped-def]
    holder, _pa, run = _one_month(session)
    factory = app.extensions["dpsupport.sessions"]
    barrier = threading.Barrier(2, timeout=30)
    outcomes: list[str] = []

    def approve() -> None:
        barrier.wait()  # both start together (on SQLite the second then waits for the lock)
        with writing(), factory() as own:
            mine = own.get(Holder, holder.id)
            try:
                payruns.approve_pay_run(own, mine, run.id, None)
                outcomes.append("approved")
            except UserError as exc:
                outcomes.append(exc.message)

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["This pay run has already been approved", "approved"]
    session.rollback()
    assert session.scalar(select(func.count()).select_from(PaymentDue)
                          .where(PaymentDue.kind == "net_pay")) == 1


def test_a_correction_pays_the_difference_and_the_totals_end_right(session: Session) -> None:
    holder, pa, run = _one_month(session)
    run = payruns.approve_pay_run(session, holder, run.id, None)
    first = run.payslips[0]
    with pytest.raises(UserError, match="nothing to correct"):
        payruns.correct_pay_run(session, holder, run.id)
    session.rollback()
    # a shift was forgotten (its timesheet was approved again to include it)
    for day in (28, 29, 30):
        _shift(session, pa, date(2026, 4, day), 8, "night")
    session.commit()
    fix = payruns.correct_pay_run(session, holder, run.id, note="Three nights were missed")
    assert (fix.run_number, fix.corrects_id, fix.pay_date) == (1, run.id, run.pay_date)
    fix = payruns.approve_pay_run(session, holder, fix.id, None)
    second = fix.payslips[0]
    whole = payroll_rules.calculate(PayInput(
        run.pay_date, "monthly", 1, Decimal(first.gross_pence + second.gross_pence) / 100,
        "1257L", "A", pension=Pension(Decimal("0.05"), Decimal("0.03"))))
    for name in ("gross_pence", "tax_pence", "employee_ni_pence", "employer_ni_pence",
                 "employee_pension_pence", "employer_pension_pence", "net_pence"):
        attr = {"gross_pence": "gross_pay", "tax_pence": "income_tax",
                "employee_ni_pence": "employee_ni", "employer_ni_pence": "employer_ni",
                "employee_pension_pence": "employee_pension",
                "employer_pension_pence": "employer_pension", "net_pence": "net_pay"}[name]
        assert getattr(first, name) + getattr(second, name) == _pence(getattr(whole, attr))
    assert second.gross_to_date_pence == first.gross_pence + second.gross_pence
    assert payruns.payslip_result(second).as_dict() == whole.as_dict()
    # the next month carries the corrected totals
    _shift(session, pa, date(2026, 5, 5), 6)
    _approve_timesheet(session, pa, date(2026, 5, 1), date(2026, 5, 31))
    session.commit()
    may = payruns.draft_pay_run(session, holder, "monthly", date(2026, 5, 1))
    pay_in = payruns.payslip_result(may.payslips[0]).pay_input
    assert pay_in.previous_pay_to_date == whole.taxable_pay
    assert pay_in.previous_tax_to_date == whole.income_tax
    assert [r.run_number for r in payruns.pay_runs(session, holder)] == [0, 0, 1]


def test_payments_due_and_marking_one_paid(session: Session) -> None:
    holder, pa, run = _one_month(session, hours=12)
    run = payruns.approve_pay_run(session, holder, run.id, None)
    slip = run.payslips[0]
    due = payruns.employer_payments(session, holder)
    kinds = {d.kind: d for d in due}
    assert kinds["net_pay"].amount_pence == slip.net_pence
    assert kinds["net_pay"].due_date == run.pay_date == date(2026, 4, 24)
    assert kinds["net_pay"].payee == "Sally Pope" and kinds["net_pay"].payslip_id == slip.id
    owed = (slip.tax_pence + slip.employee_ni_pence + slip.employer_ni_pence
            + slip.student_loan_pence + slip.postgraduate_loan_pence)
    assert kinds["hmrc"].amount_pence == owed  # no Employment Allowance claimed
    # a small employer (under £1,500 a month) pays HMRC quarterly: 22 July for April-July
    assert kinds["hmrc"].due_date == date(2026, 7, 22) and kinds["hmrc"].tax_month == 1
    assert kinds["pension"].amount_pence == (slip.employee_pension_pence
                                             + slip.employer_pension_pence)
    assert kinds["pension"].due_date == date(2026, 5, 22) and kinds["pension"].payee == "NEST"
    paid = payruns.mark_paid(session, holder, kinds["net_pay"].id, date(2026, 4, 24))
    assert paid.settled_on == date(2026, 4, 24)
    with pytest.raises(UserError, match="already recorded as paid"):
        payruns.mark_paid(session, holder, kinds["net_pay"].id, date(2026, 4, 25))
    other = _holder(session, "Someone Else")
    with pytest.raises(UserError, match="could not find"):
        payruns.mark_paid(session, other, kinds["hmrc"].id, date(2026, 4, 25))


def test_the_employment_allowance_offsets_employer_ni_until_used(session: Session) -> None:
    holder, _pa, run = _one_month(session, allowance=True, hours=12)
    run = payruns.approve_pay_run(session, holder, run.id, None)
    slip = run.payslips[0]
    assert slip.employer_ni_pence > 0
    hmrc = session.scalars(select(PaymentDue).where(PaymentDue.kind == "hmrc")).all()
    expected = slip.tax_pence + slip.employee_ni_pence
    assert [h.amount_pence for h in hmrc] == ([expected] if expected else [])


def test_pay_periods_follow_the_contracts(session: Session) -> None:
    holder = _holder(session)
    _employ(session, holder, "Monthly Mo", start=date(2026, 4, 6), pay_day="25th")
    _employ(session, holder, "Fortnightly Fay", start=date(2026, 4, 8),
            frequency="fortnightly", pay_day="Friday")
    found = payruns.pay_periods(session, holder, date(2026, 6, 10), before=1, after=1)
    fortnights = [(p.start, p.end, p.pay_date) for p in found if p.frequency == "fortnightly"]
    # counted in fortnights from Monday 6 April, the Monday before the first contract
    assert fortnights == [(date(2026, 5, 18), date(2026, 5, 31), date(2026, 6, 5)),
                          (date(2026, 6, 1), date(2026, 6, 14), date(2026, 6, 19)),
                          (date(2026, 6, 15), date(2026, 6, 28), date(2026, 7, 3))]
    months = [(p.start, p.pay_date, p.tax_period) for p in found if p.frequency == "monthly"]
    assert months == [(date(2026, 5, 1), date(2026, 5, 25), 2),
                      (date(2026, 6, 1), date(2026, 6, 25), 3),
                      (date(2026, 7, 1), date(2026, 7, 25), 4)]
    assert payruns.frequencies_on(session, holder, date(2026, 6, 10)) == ["fortnightly",
                                                                         "monthly"]
