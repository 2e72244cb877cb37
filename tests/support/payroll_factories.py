"""Pay runs for tests, built directly from ``payroll_rules`` so every figure is real: a
PayRun with a Payslip per PA (its inputs kept with ``record.dumps``) and, when approved, the
PaymentDue rows it leaves (net pay, HMRC, pension).

This stands in for the pay run engine (services/payruns.py) in tests of the pages that read
pay runs; the rules it follows for the payments are the engine's (docs/payroll_pages.md): HMRC gets
tax, both NIs and loans less the Employment Allowance used, by the 22nd after the tax month
(or the quarter); the pension scheme gets both contributions by the 22nd of the next month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import payroll_rules
from dpsupport.models import Employment, Holder
from dpsupport.models.payroll import PaymentDue, PayRun, Payslip
from dpsupport.payroll import record
from dpsupport.payroll.lines import PayLine
from dpsupport.services import employment
from payroll_rules import PayInput, Pension
from payroll_rules.calendar import tax_month, tax_year_start

NEST = Pension(employee_rate=Decimal("0.05"), employer_rate=Decimal("0.03"))


def add_pa(session: Session, holder: Holder, name: str = "Sally Pope", *,
           ni_number: str | None = "AB123456C", tax_code: str = "1257L",
           student_loan_plan: str | None = None, postgraduate_loan: bool = False,
           start: date = date(2026, 4, 6), weekly_minutes: int | None = 16 * 60,
           pension: bool = False, frequency: str = "monthly") -> Employment:
    """A PA with a contract (through the employment service, as a person would add them)."""
    pa = employment.add_employment(session, holder, employment.EmploymentInput(
        name=name, date_of_birth=date(1990, 3, 1), ni_number=ni_number,
        address="1 High Street\nLeeds", start_date=start, leaving_date=None,
        starter_statement="hmrc", tax_code=tax_code, ni_category="A",
        student_loan_plan=student_loan_plan, postgraduate_loan=postgraduate_loan,
        close_relative_in_household=False, council_approval_reference=None))
    employment.add_contract_version(session, holder, pa.id, employment.ContractInput(
        effective_date=start, pay_frequency=frequency, pay_day="last day of the period",
        day_rate_pence=1300, night_rate_pence=None, weekend_rate_pence=None,
        bank_holiday_rate_pence=None, sleep_in_pence=None,
        hours_kind="regular" if weekly_minutes else "irregular",
        weekly_minutes=weekly_minutes, holiday_year_start=start,
        pension_scheme="NEST" if pension else None,
        pension_employee_bp=500 if pension else None,
        pension_employer_bp=300 if pension else None, written_statement_date=start,
        right_to_work_date=None, dbs_check_date=None))
    return pa


@dataclass(frozen=True)
class Pay:
    """One PA's pay in a run: hours at a rate (pence an hour), and their pension terms."""

    pa: Employment
    minutes: int
    rate_pence: int = 1300
    pension: Pension | None = None

    @property
    def gross_pence(self) -> int:
        return self.minutes * self.rate_pence // 60


def monthly_period(year: int, month: int) -> tuple[date, date]:
    """A calendar month, as the pay run engine's monthly pay periods are."""
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return start, end


def last_friday(end: date) -> date:
    return end - timedelta(days=(end.weekday() - 4) % 7)


def _to_date(session: Session, pa: Employment, tax_year: int) -> dict[str, int]:
    cols = {
        "gross": Payslip.gross_pence, "taxable": Payslip.taxable_pence,
        "tax": Payslip.tax_pence, "employee_ni": Payslip.employee_ni_pence,
        "employer_ni": Payslip.employer_ni_pence, "student_loan": Payslip.student_loan_pence,
        "postgraduate_loan": Payslip.postgraduate_loan_pence,
    }
    row = session.execute(
        select(*(func.coalesce(func.sum(c), 0) for c in cols.values()))
        .join(PayRun, PayRun.id == Payslip.pay_run_id)
        .where(Payslip.employment_id == pa.id, Payslip.tax_year == tax_year,
               PayRun.status == "approved")).one()
    return {k: int(v) for k, v in zip(cols, row, strict=True)}


def _employer_ni_so_far(session: Session, holder: Holder, tax_year: int) -> int:
    return int(session.scalar(
        select(func.coalesce(func.sum(Payslip.employer_ni_pence), 0))
        .join(PayRun, PayRun.id == Payslip.pay_run_id)
        .where(PayRun.holder_id == holder.id, PayRun.status == "approved",
               Payslip.tax_year == tax_year)) or 0)


def _pence(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


def pay_run(session: Session, holder: Holder, pays: list[Pay], *, year: int = 2026,
            month: int = 4, approved: bool = True, allowance_pence: int = 0,
            quarterly: bool = False, pay_date: date | None = None) -> PayRun:
    """A monthly pay run for calendar month ``month`` of ``year`` (paid on its last Friday
    unless ``pay_date`` is given), with real figures; approved (with its payments due)
    unless ``approved`` is False. ``allowance_pence`` is the Employment Allowance the holder
    claims this tax year."""
    start, end = monthly_period(year, month)
    paid_on = pay_date or last_friday(end)
    tax_year, period = tax_year_start(paid_on), tax_month(paid_on)
    er_before = _employer_ni_so_far(session, holder, tax_year)
    run = PayRun(holder_id=holder.id, frequency="monthly", period_start=start,
                 period_end=end, pay_date=paid_on, tax_period=period, run_number=0,
                 status="draft")
    session.add(run)
    session.flush()
    slips = []
    for p in pays:
        before = _to_date(session, p.pa, tax_year)
        hours_ = p.minutes // 60
        line = PayLine("shifts", f"{hours_} hours of day shifts at £{p.rate_pence // 100}."
                                 f"{p.rate_pence % 100:02d} an hour", p.gross_pence, p.minutes)
        pay = PayInput(
            pay_date=paid_on, frequency="monthly", period=period,
            gross_pay=Decimal(p.gross_pence).scaleb(-2), tax_code=p.pa.tax_code,
            ni_category=p.pa.ni_category,
            previous_pay_to_date=Decimal(before["taxable"]).scaleb(-2),
            previous_tax_to_date=Decimal(before["tax"]).scaleb(-2), pension=p.pension,
            student_loan_plan=p.pa.student_loan_plan,
            postgraduate_loan=bool(p.pa.postgraduate_loan))
        r = payroll_rules.calculate(pay)
        f = {"gross": _pence(r.gross_pay), "taxable": _pence(r.taxable_pay),
             "tax": _pence(r.income_tax), "employee_ni": _pence(r.employee_ni),
             "employer_ni": _pence(r.employer_ni),
             "student_loan": _pence(r.student_loan),
             "postgraduate_loan": _pence(r.postgraduate_loan)}
        before_dict = {f"{k}_pence": v for k, v in before.items()}
        slip = Payslip(
            pay_run_id=run.id, employment_id=p.pa.id, tax_year=tax_year,
            tax_code=p.pa.tax_code, ni_category=p.pa.ni_category, worked_minutes=p.minutes,
            gross_pence=f["gross"], holiday_pay_pence=0, sick_pay_pence=0,
            taxable_pence=f["taxable"], tax_pence=f["tax"],
            employee_ni_pence=f["employee_ni"], employer_ni_pence=f["employer_ni"],
            employee_pension_pence=_pence(r.employee_pension),
            employer_pension_pence=_pence(r.employer_pension),
            student_loan_pence=f["student_loan"],
            postgraduate_loan_pence=f["postgraduate_loan"], net_pence=_pence(r.net_pay),
            taxable_to_date_pence=before["taxable"] + f["taxable"],
            tax_to_date_pence=before["tax"] + f["tax"],
            gross_to_date_pence=before["gross"] + f["gross"],
            employee_ni_to_date_pence=before["employee_ni"] + f["employee_ni"],
            employer_ni_to_date_pence=before["employer_ni"] + f["employer_ni"],
            student_loan_to_date_pence=before["student_loan"] + f["student_loan"],
            postgraduate_loan_to_date_pence=(before["postgraduate_loan"]
                                             + f["postgraduate_loan"]),
            auto_enrolment=None,
            inputs_json=record.dumps(pay, [line], {"before": before_dict,
                                                   "worked_minutes": p.minutes}))
        session.add(slip)
        slips.append((slip, p))
    session.flush()
    if approved:
        run.status = "approved"
        _payments(session, holder, run, slips, er_before, allowance_pence, quarterly)
    session.flush()
    session.refresh(run)
    return run


def _payments(session: Session, holder: Holder, run: PayRun,
              slips: list[tuple[Payslip, Pay]], er_before: int, allowance: int,
              quarterly: bool) -> None:
    er_now = sum(s.employer_ni_pence for s, _p in slips)
    used = min(allowance, er_before + er_now) - min(allowance, er_before)
    hmrc = sum(s.tax_pence + s.employee_ni_pence + s.employer_ni_pence
               + s.student_loan_pence + s.postgraduate_loan_pence for s, _p in slips) - used
    for s, p in slips:
        if s.net_pence > 0:
            session.add(PaymentDue(holder_id=holder.id, pay_run_id=run.id, payslip_id=s.id,
                                   kind="net_pay", payee=p.pa.name, amount_pence=s.net_pence,
                                   due_date=run.pay_date))
    if hmrc:
        session.add(PaymentDue(
            holder_id=holder.id, pay_run_id=run.id, kind="hmrc",
            payee="HM Revenue and Customs", amount_pence=hmrc,
            due_date=payroll_rules.hmrc_payment_due_date(run.pay_date, quarterly=quarterly),
            tax_year=tax_year_start(run.pay_date), tax_month=tax_month(run.pay_date)))
    pension = sum(s.employee_pension_pence + s.employer_pension_pence for s, _p in slips)
    if pension:
        d = run.pay_date
        due = date(d.year + (d.month == 12), d.month % 12 + 1, 22)
        session.add(PaymentDue(holder_id=holder.id, pay_run_id=run.id, kind="pension",
                               payee="NEST", amount_pence=pension, due_date=due))
