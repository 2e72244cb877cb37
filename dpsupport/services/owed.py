"""Money a holder owes as an employer, their coming pay runs and their employer duties: the
records read here, the rules in dpsupport/payroll/owed.py and duties.py (docs/money_owed.md).

Nothing here writes. A holder who employs nobody and has saved no employer details gets
nothing from any of these (``employs`` is False), so their pages say nothing about payroll.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ..models import ContractVersion, EmployerDetails, Employment, Holder
from ..models.payroll import PaymentDue, PayRun, Payslip, Shift
from ..payroll import duties as duty_rules
from ..payroll import owed as rules
from ..payroll.shifts import ShiftError, shift_pay
from . import holiday
from .employment import contract_in_force, rates_of

__all__ = ["EmployerMoney", "employer_duties", "employer_money", "employment_of", "employs",
           "holiday_owed", "people"]


def employs(session: Session, holder: Holder) -> bool:
    """True when the holder employs someone (now, before, or from a later date) or has saved
    their employer details: then payroll pages and figures apply to them."""
    return bool(session.scalar(select(
        exists().where(Employment.holder_id == holder.id)
        | exists().where(EmployerDetails.holder_id == holder.id))))


def people(session: Session, holder: Holder) -> list[Employment]:
    return list(session.scalars(select(Employment).where(Employment.holder_id == holder.id)
                                .order_by(Employment.name, Employment.id)))


def employment_of(session: Session, holder: Holder, employment_id: int) -> Employment | None:
    """One of the holder's own employments (another holder's id finds nothing)."""
    return session.scalar(select(Employment).where(Employment.id == employment_id,
                                                   Employment.holder_id == holder.id))


def _pay_terms(row: Employment, c: ContractVersion) -> rules.PayTerms:
    return rules.PayTerms(frequency=c.pay_frequency, tax_code=row.tax_code,
                          ni_category=row.ni_category,
                          pension_employee_bp=c.pension_employee_bp if c.pension_scheme else None,
                          pension_employer_bp=c.pension_employer_bp if c.pension_scheme else None)


def _shifts(session: Session, holder: Holder, people: list[Employment],
            today: date) -> list[rules.ShiftWorked]:
    """Every shift worked up to today, at its pay from the contract in force that day."""
    by_id = {p.id: p for p in people}
    rows = session.scalars(select(Shift).join(Employment)
                           .where(Employment.holder_id == holder.id, Shift.work_date <= today)
                           .order_by(Shift.work_date, Shift.id))
    worked = []
    for s in rows:
        contract = contract_in_force(by_id[s.employment_id], s.work_date)
        if contract is None:
            continue
        try:
            pay = shift_pay(s.kind, s.start_time, s.end_time, s.break_minutes, rates_of(contract))
        except ShiftError:
            continue
        worked.append(rules.ShiftWorked(s.employment_id, s.work_date, pay.pay_pence,
                                        pay.minutes))
    return worked


def _paid_periods(session: Session, holder: Holder) -> list[rules.PaidPeriod]:
    rows = session.execute(
        select(Payslip.employment_id, PayRun.period_start, PayRun.period_end)
        .join(PayRun, Payslip.pay_run_id == PayRun.id)
        .where(PayRun.holder_id == holder.id, PayRun.status == "approved"))
    return [rules.PaidPeriod(e, start, end) for e, start, end in rows]


def _unsettled(session: Session, holder: Holder) -> list[rules.Unsettled]:
    rows = session.scalars(
        select(PaymentDue).join(PayRun, PaymentDue.pay_run_id == PayRun.id)
        .where(PaymentDue.holder_id == holder.id, PayRun.status == "approved",
               PaymentDue.settled_on.is_(None), PaymentDue.transaction_id.is_(None))
        .order_by(PaymentDue.due_date, PaymentDue.id))
    return [rules.Unsettled(p.kind, p.payee, p.amount_pence, p.due_date) for p in rows]


def holiday_owed(session: Session, holder: Holder, on: date) -> list[rules.HolidayOwed]:
    """Each PA's holiday earned but not taken, at its pay (from the holiday service)."""
    return [rules.HolidayOwed(item.name, item.minutes, item.pence, tuple(item.lines))
            for item in holiday.holiday_owed(session, holder, on)]


def _employees(people: list[Employment], shifts: list[rules.ShiftWorked],
               today: date) -> list[rules.Employee]:
    since = today - timedelta(days=7 * rules.RECENT_WEEKS - 1)
    found = []
    for p in people:
        recent = sum(s.pay_pence for s in shifts if s.employment_id == p.id
                     and since <= s.work_date <= today)
        contracts = tuple(rules.ContractTerms(c.effective_date, c.hours_kind, c.weekly_minutes,
                                              c.day_rate_pence, _pay_terms(p, c))
                          for c in p.contracts)
        found.append(rules.Employee(p.id, p.name, p.start_date, p.leaving_date, contracts,
                                    recent))
    return found


@dataclass(frozen=True)
class EmployerMoney:
    """What an employer owes today and the coming pay runs (empty for a non-employer)."""

    set_aside: rules.SetAside
    employees: tuple[rules.Employee, ...]
    # the set-aside lines paid out soon (wages, payments due), which the forecast takes
    # away tomorrow; holiday owed is paid in later pay runs, so it only holds back surplus
    paid_soon: tuple[rules.OwedLine, ...]
    held_back: tuple[rules.OwedLine, ...]

    def pay_runs(self, today: date, last: date,
                 what_if: rules.WhatIf | None = None) -> list[rules.PayRunCost]:
        return rules.forecast_pay_runs(self.employees, today, last, what_if)


def employer_money(session: Session, holder: Holder, today: date) -> EmployerMoney | None:
    """Money owed and what the pay runs need, or None when the holder employs nobody."""
    if not employs(session, holder):
        return None
    staff = people(session, holder)
    shifts = _shifts(session, holder, staff, today)
    persons = []
    for p in staff:
        c = contract_in_force(p, today) or (p.contracts[-1] if p.contracts else None)
        persons.append(rules.Person(p.id, p.name, _pay_terms(p, c) if c else None))
    owed = rules.set_aside(persons, shifts, _paid_periods(session, holder),
                           _unsettled(session, holder), holiday_owed(session, holder, today),
                           today)
    holiday_lines = tuple(line for line in owed.lines if line.kind == "holiday")
    soon = tuple(line for line in owed.lines if line.kind != "holiday")
    return EmployerMoney(owed, tuple(_employees(staff, shifts, today)), soon, holiday_lines)


def employer_duties(session: Session, holder: Holder, today: date) -> list[duty_rules.Duty]:
    """Every duty with its date (see dpsupport/payroll/duties.py); none for a non-employer."""
    if not employs(session, holder):
        return []
    details = session.scalar(select(EmployerDetails)
                             .where(EmployerDetails.holder_id == holder.id))
    records = []
    for p in people(session, holder):
        c = contract_in_force(p, today) or (p.contracts[0] if p.contracts else None)
        records.append(duty_rules.EmployeeRecord(
            p.name, p.start_date, p.leaving_date,
            written_statement_date=min((v.written_statement_date for v in p.contracts
                                        if v.written_statement_date), default=None),
            right_to_work_date=min((v.right_to_work_date for v in p.contracts
                                    if v.right_to_work_date), default=None),
            dbs_check_date=max((v.dbs_check_date for v in p.contracts if v.dbs_check_date),
                               default=None),
            has_contract=c is not None))
    renewal = details.insurance_renewal_date if details else None
    return duty_rules.all_duties(renewal, records, today)
