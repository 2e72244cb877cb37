"""Pay runs: a holder's PAs paid for one pay period at one frequency, worked out from approved
shifts, holiday pay and sick pay with ``payroll_rules``; approved once, all or nothing; put
right by correcting runs; and the payments they leave the employer owing.

The rules (what gross pay includes, pay and tax to date, corrections, due dates, Employment
Allowance, quarterly payment) are written down in docs/payroll.md. The figures themselves
are worked out in the pure ``dpsupport.payroll.run``; this module reads the records, calls it
and saves the results.

Used by the pay run pages and by ``dpsupport payroll run``:
``pay_periods``, ``period_for``, ``draft_pay_run``, ``approve_pay_run``, ``correct_pay_run``,
``pay_runs``, ``pay_run``, ``payslip_result``, ``employer_payments``, ``mark_paid``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

import payroll_rules
from payroll_rules import PayResult, Pension
from payroll_rules.calendar import tax_year_start
from payroll_rules.pension import state_pension_age_date

from ..errors import UserError
from ..models import ContractVersion, EmployerDetails, Employment, Holder, User
from ..models.base import utcnow
from ..models.employment import PAY_FREQUENCIES
from ..models.payroll import PaymentDue, PayRun, Payslip, Shift, TimesheetApproval
from ..payroll import periods, record
from ..payroll import run as engine
from ..payroll.lines import PayLine
from ..payroll.shifts import SHIFT_WORDS, ShiftError, shift_pay
from ..text import format_date, format_pence, hours, plural
from . import audit, holiday, sickness
from .employment import rates_of
from .flags import later as flags_later
from .uow import transactional

FREQUENCY_WORDS = {"weekly": "weekly", "fortnightly": "fortnightly",
                   "four_weekly": "four-weekly", "monthly": "monthly"}


@dataclass(frozen=True)
class PayPeriod:
    """One pay period of one frequency, its pay date and tax period."""

    frequency: str
    start: date
    end: date
    pay_date: date
    pay_day: str  # the contract's words the pay date came from
    pay_date_understood: bool
    tax_year: int
    tax_period: int


# --- pay periods ------------------------------------------------------------------------------

def contract_in_force(row: Employment, on: date) -> ContractVersion | None:
    found = None
    for version in row.contracts:  # ordered by date
        if version.effective_date <= on:
            found = version
    return found


def _employments(session: Session, holder: Holder) -> list[Employment]:
    return list(session.scalars(
        select(Employment).where(Employment.holder_id == holder.id)
        .options(selectinload(Employment.contracts)).order_by(Employment.id)))


def _anchor(rows: Sequence[Employment], frequency: str) -> date | None:
    dates = [v.effective_date for r in rows for v in r.contracts if v.pay_frequency == frequency]
    return min(dates) if dates else None


def _last_day_in(row: Employment, start: date, end: date) -> date | None:
    """The last day of [start, end] they were employed, or None if they were not."""
    if row.start_date > end or (row.leaving_date is not None and row.leaving_date < start):
        return None
    return end if row.leaving_date is None else min(end, row.leaving_date)


def _period(rows: Sequence[Employment], frequency: str, day: date) -> PayPeriod:
    span = periods.period_containing(frequency, day, _anchor(rows, frequency))
    words = ""
    for row in rows:  # the pay day of the first PA (by when they were added) paid this way
        last = _last_day_in(row, span.start, span.end)
        version = contract_in_force(row, last) if last else None
        if version is not None and version.pay_frequency == frequency:
            words = version.pay_day
            break
    paid = periods.pay_date(span, words)
    return PayPeriod(frequency, span.start, span.end, paid.on, words, paid.understood,
                     tax_year_start(paid.on), payroll_rules.period_for_date(frequency, paid.on))


def frequencies_on(session: Session, holder: Holder, on: date) -> list[str]:
    """The pay frequencies at which someone is paid for the pay period holding ``on`` (by the
    contract in force on the last day they were employed in that period)."""
    rows = _employments(session, holder)
    found = []
    for frequency in PAY_FREQUENCIES:
        span = periods.period_containing(frequency, on, _anchor(rows, frequency))
        for row in rows:
            last = _last_day_in(row, span.start, span.end)
            version = contract_in_force(row, last) if last else None
            if version is not None and version.pay_frequency == frequency:
                found.append(frequency)
                break
    return found


def period_for(session: Session, holder: Holder, frequency: str, day: date) -> PayPeriod:
    """The holder's pay period of ``frequency`` that holds ``day``."""
    if frequency not in PAY_FREQUENCIES:
        raise UserError(f"'{frequency}' is not a pay frequency: use weekly, fortnightly, "
                        "four_weekly or monthly")
    return _period(_employments(session, holder), frequency, day)


def pay_periods(session: Session, holder: Holder, on: date, *, before: int = 3,
                after: int = 1) -> list[PayPeriod]:
    """For each frequency the holder's contracts use, the ``before`` periods before the one
    holding ``on``, that one, and ``after`` more; newest last."""
    rows = _employments(session, holder)
    found = {v.pay_frequency for r in rows for v in r.contracts}
    out: list[PayPeriod] = []
    for frequency in (f for f in PAY_FREQUENCIES if f in found):
        current = _period(rows, frequency, on)
        day = current.start
        starts = []
        for _ in range(before):
            day = periods.period_containing(frequency, day - timedelta(days=1),
                                            _anchor(rows, frequency)).start
            starts.append(day)
        starts.reverse()
        starts.append(current.start)
        day = current.end
        for _ in range(after):
            nxt = day + timedelta(days=1)
            starts.append(nxt)
            day = periods.period_containing(frequency, nxt, _anchor(rows, frequency)).end
        out.extend(_period(rows, frequency, s) for s in starts)
    return out


# --- working a period out ---------------------------------------------------------------------

def _pension(version: ContractVersion) -> Pension | None:
    if version.pension_scheme is None:
        return None
    return Pension(employee_rate=Decimal(version.pension_employee_bp or 0).scaleb(-4),
                   employer_rate=Decimal(version.pension_employer_bp or 0).scaleb(-4))


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _state_pension_age(born: date, on: date, age: int) -> int | None:
    """An age in whole years that payroll_rules compares with: over it exactly when they
    have reached State Pension age on ``on`` (None: not set in law, use the default)."""
    try:
        reached = state_pension_age_date(born)
    except payroll_rules.PayrollInputError:
        return None
    return age if on >= reached else age + 1


def _shift_lines(row: Employment, shifts: Sequence[Shift]) -> tuple[list[PayLine], int]:
    """Pay lines for the shifts (one a kind of shift and rate) and the working minutes."""
    groups: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    working = 0
    for s in shifts:
        version = contract_in_force(row, s.work_date)
        if version is None:
            raise UserError(f"{row.name} has no contract in force on "
                            f"{format_date(s.work_date)}, when they worked a shift",
                            next_step="Add their contract on their employment page, then "
                                      "work out the pay run again")
        try:
            pay = shift_pay(s.kind, s.start_time, s.end_time, s.break_minutes, rates_of(version))
        except ShiftError as exc:
            raise UserError(f"{row.name}'s shift on {format_date(s.work_date)} cannot be "
                            f"worked out: {exc}", next_step="Correct the shift") from exc
        g = groups[(s.kind, pay.rate_pence)]
        g[0] += 1
        g[1] += pay.minutes
        g[2] += pay.pay_pence
        working += pay.working_minutes
    lines = []
    for (kind, rate), (count, minutes, pence) in sorted(groups.items()):
        if kind == "sleep_in":
            lines.append(PayLine("sleep_in", f"{plural(count, 'sleep-in night')} at "
                                             f"{format_pence(rate)} a night", pence, 0))
        else:
            lines.append(PayLine("shifts", f"{hours(minutes)} of {SHIFT_WORDS[kind]} shifts "
                                           f"at {format_pence(rate)} an hour", pence, minutes))
    return lines, working


_SUMS = (Payslip.gross_pence, Payslip.holiday_pay_pence, Payslip.sick_pay_pence,
         Payslip.taxable_pence, Payslip.tax_pence, Payslip.employee_ni_pence,
         Payslip.employer_ni_pence, Payslip.employee_pension_pence,
         Payslip.employer_pension_pence, Payslip.student_loan_pence,
         Payslip.postgraduate_loan_pence, Payslip.net_pence)


def _figures_by_employment(session: Session, ids: Sequence[int], *where: object
                           ) -> dict[int, engine.Figures]:
    if not ids:
        return {}
    rows = session.execute(
        select(Payslip.employment_id, *(func.coalesce(func.sum(c), 0) for c in _SUMS))
        .join(PayRun, PayRun.id == Payslip.pay_run_id)
        .where(PayRun.status == "approved", Payslip.employment_id.in_(ids), *where)  # type: ignore[arg-type]
        .group_by(Payslip.employment_id))
    return {r[0]: engine.Figures(*(int(x) for x in r[1:])) for r in rows}


def _figures_of(slip: Payslip) -> engine.Figures:
    return engine.Figures(slip.gross_pence, slip.holiday_pay_pence, slip.sick_pay_pence,
                          slip.taxable_pence, slip.tax_pence, slip.employee_ni_pence,
                          slip.employer_ni_pence, slip.employee_pension_pence,
                          slip.employer_pension_pence, slip.student_loan_pence,
                          slip.postgraduate_loan_pence, slip.net_pence)


@dataclass(frozen=True)
class _Worked:
    period: PayPeriod
    results: list[engine.PAResult]
    inputs: dict[int, str]  # employment id -> inputs_json


def _work_out(session: Session, holder: Holder, frequency: str, start: date, *,
              correcting: PayRun | None = None, exclude_run: int | None = None) -> _Worked:
    """Every PA's pay for the period starting ``start`` (or refuses with a UserError)."""
    rows = _employments(session, holder)
    period = _period(rows, frequency, start)
    if period.start != start:
        raise UserError(f"{format_date(start)} is not the first day of a "
                        f"{FREQUENCY_WORDS[frequency]} pay period: that period starts on "
                        f"{format_date(period.start)}")
    if correcting is not None:  # a correction keeps the period's pay date
        period = PayPeriod(frequency, correcting.period_start, correcting.period_end,
                           correcting.pay_date, period.pay_day, True,
                           tax_year_start(correcting.pay_date), correcting.tax_period)
    paid = [(r, last) for r in rows
            if (last := _last_day_in(r, period.start, period.end)) is not None]
    ids = [r.id for r, _last in paid]
    shifts: dict[int, list[Shift]] = defaultdict(list)
    approvals: dict[int, list[TimesheetApproval]] = defaultdict(list)
    if ids:
        for s in session.scalars(select(Shift).where(
                Shift.employment_id.in_(ids), Shift.work_date >= period.start,
                Shift.work_date <= period.end).order_by(Shift.work_date, Shift.start_time)):
            shifts[s.employment_id].append(s)
        for a in session.scalars(select(TimesheetApproval).where(
                TimesheetApproval.employment_id.in_(ids),
                TimesheetApproval.period_start <= period.end,
                TimesheetApproval.period_end >= period.start)):
            approvals[a.employment_id].append(a)
    year_start = period.tax_year
    before = _figures_by_employment(session, ids, Payslip.tax_year == year_start,
                                    PayRun.period_start < period.start)
    already: dict[int, engine.Figures] = {}
    if correcting is not None:
        already = _figures_by_employment(
            session, ids, PayRun.frequency == frequency, PayRun.period_start == period.start,
            PayRun.id != (exclude_run or 0))
    pas: list[engine.PAInput] = []
    for row, last in paid:
        version = contract_in_force(row, last)
        mine = [s for s in shifts[row.id] if row.start_date <= s.work_date <= last]
        if version is None:
            if mine or row.id in already:
                raise UserError(f"{row.name} has no contract in force in this pay period",
                                next_step="Add their contract on their employment page, then "
                                          "work out the pay run again")
            continue
        if version.pay_frequency != frequency:
            continue
        for s in mine:
            if not any(a.period_start <= s.work_date <= a.period_end
                       for a in approvals[row.id]):
                raise UserError(f"{row.name}'s shift on {format_date(s.work_date)} is not "
                                "approved yet",
                                next_step=f"Approve their timesheet for "
                                          f"{format_date(period.start)} to "
                                          f"{format_date(period.end)}, then work out the pay "
                                          "run again")
        lines, working = _shift_lines(row, mine)
        lines += holiday.pay_lines(session, row, period.start, last, period.pay_date)
        lines += sickness.pay_lines(session, row, period.start, last, period.pay_date)
        if not lines and row.id not in already:
            continue  # nothing to pay them this period
        if not row.tax_code or not row.tax_code.strip():
            raise UserError(f"{row.name} has no tax code",
                            next_step="Enter their tax code (from their P45, HMRC or the "
                                      "starter checklist) on their employment page")
        age = _age(row.date_of_birth, period.pay_date)
        pas.append(engine.PAInput(
            key=row.id, name=row.name, lines=tuple(lines), tax_code=row.tax_code.strip(),
            ni_category=row.ni_category, pension=_pension(version),
            pension_scheme=version.pension_scheme, student_loan_plan=row.student_loan_plan,
            postgraduate_loan=bool(row.postgraduate_loan),
            before=before.get(row.id, engine.ZERO), already=already.get(row.id, engine.ZERO),
            worked_minutes=working, age=age,
            state_pension_age=_state_pension_age(row.date_of_birth, period.pay_date, age)))
    names = {r.id: r.name for r, _last in paid}
    try:
        results = engine.work_out(pas, frequency, period.pay_date)
    except engine.RunProblem as exc:
        raise UserError(f"{names.get(exc.key, 'A PA')}'s pay cannot be worked out: "
                        f"{exc.message}",
                        next_step="Check their tax code, National Insurance category and "
                                  "pay") from exc
    except payroll_rules.PayrollInputError as exc:
        raise UserError(f"This pay run cannot be worked out: {exc}") from exc
    if correcting is not None:  # a correction holds only the PAs whose pay changed
        results = [r for r in results if r.figures != engine.ZERO]
    inputs = {}
    for r in results:
        extra: dict[str, object] = {"auto_enrolment": r.auto_enrolment,
                                    "worked_minutes": r.worked_minutes,
                                    "before": (r.to_date - r.full).as_dict()}
        if correcting is not None:
            extra["already_paid"] = (r.full - r.figures).as_dict()
        inputs[r.key] = record.dumps(r.pay_input, list(r.lines), extra)
    return _Worked(period, results, inputs)


def _save(session: Session, run: PayRun, worked: _Worked) -> None:
    if run.status != "draft":  # an approved run is never changed
        raise UserError("This pay run is approved and cannot be changed",
                        next_step="Make a correcting run if something was wrong")
    for slip in list(run.payslips):
        session.delete(slip)
    session.flush()
    p = worked.period
    run.period_end, run.pay_date, run.tax_period = p.end, p.pay_date, p.tax_period
    for r in worked.results:
        f, t = r.figures, r.to_date
        run.payslips.append(Payslip(
            employment_id=r.key, tax_year=p.tax_year, tax_code=r.pay_input.tax_code,
            ni_category=r.pay_input.ni_category, worked_minutes=r.worked_minutes,
            gross_pence=f.gross, holiday_pay_pence=f.holiday, sick_pay_pence=f.sick,
            taxable_pence=f.taxable, tax_pence=f.tax, employee_ni_pence=f.employee_ni,
            employer_ni_pence=f.employer_ni, employee_pension_pence=f.employee_pension,
            employer_pension_pence=f.employer_pension, student_loan_pence=f.student_loan,
            postgraduate_loan_pence=f.postgraduate_loan, net_pence=f.net,
            taxable_to_date_pence=t.taxable, tax_to_date_pence=t.tax,
            gross_to_date_pence=t.gross, employee_ni_to_date_pence=t.employee_ni,
            employer_ni_to_date_pence=t.employer_ni,
            student_loan_to_date_pence=t.student_loan,
            postgraduate_loan_to_date_pence=t.postgraduate_loan,
            auto_enrolment=r.auto_enrolment, inputs_json=worked.inputs[r.key]))
    session.flush()


def _runs_of_period(session: Session, holder: Holder, frequency: str, start: date
                    ) -> list[PayRun]:
    return list(session.scalars(select(PayRun).where(
        PayRun.holder_id == holder.id, PayRun.frequency == frequency,
        PayRun.period_start == start).order_by(PayRun.run_number)))


@transactional
def draft_pay_run(session: Session, holder: Holder, frequency: str, period_start: date
                  ) -> PayRun:
    """Work out (or work out again) the draft pay run for the period starting
    ``period_start``. Refuses, naming the PA and the fix, when a shift is not approved, a
    tax code is missing or no contract is in force; refuses once the period is approved."""
    return _draft(session, holder, frequency, period_start)[0]


def _draft(session: Session, holder: Holder, frequency: str, period_start: date
           ) -> tuple[PayRun, _Worked]:
    if frequency not in PAY_FREQUENCIES:
        raise UserError(f"'{frequency}' is not a pay frequency")
    runs = _runs_of_period(session, holder, frequency, period_start)
    if any(r.status == "approved" for r in runs):
        raise UserError("The pay run for this period is already approved and cannot be "
                        "changed", next_step="Make a correcting run if something was wrong")
    later = session.scalar(select(PayRun.period_start).where(
        PayRun.holder_id == holder.id, PayRun.frequency == frequency,
        PayRun.status == "approved", PayRun.period_start > period_start).limit(1))
    if later is not None:
        raise UserError(f"A later pay run (from {format_date(later)}) is already approved: "
                        "pay runs are approved in order",
                        next_step="Make a correcting run for the later period to add this pay")
    worked = _work_out(session, holder, frequency, period_start)
    if not worked.results:
        raise UserError(f"There is no pay to work out for {format_date(worked.period.start)} "
                        f"to {format_date(worked.period.end)}: no approved shifts, holiday "
                        "or sick pay for anyone paid this way",
                        next_step="Approve their timesheets first")
    run = runs[0] if runs else PayRun(
        holder_id=holder.id, frequency=frequency, period_start=period_start,
        period_end=worked.period.end, pay_date=worked.period.pay_date,
        tax_period=worked.period.tax_period, run_number=0, status="draft")
    if not runs:
        session.add(run)
        session.flush()
    _save(session, run, worked)
    return run, worked


@transactional
def correct_pay_run(session: Session, holder: Holder, pay_run_id: int,
                    note: str | None = None) -> PayRun:
    """A draft correcting run for an approved run's period (or that draft worked out again):
    each PA whose pay for the period is now different gets a payslip for the difference."""
    original = pay_run(session, holder, pay_run_id)
    if original is None:
        raise UserError("We could not find that pay run")
    if original.status != "approved":
        raise UserError("Only an approved pay run can be corrected",
                        next_step="Work the draft out again instead")
    runs = _runs_of_period(session, holder, original.frequency, original.period_start)
    draft = next((r for r in runs if r.status == "draft"), None)
    if draft is None:
        draft = PayRun(holder_id=holder.id, frequency=original.frequency,
                       period_start=original.period_start, period_end=original.period_end,
                       pay_date=original.pay_date, tax_period=original.tax_period,
                       run_number=max(r.run_number for r in runs) + 1,
                       corrects_id=original.id, status="draft")
        session.add(draft)
        session.flush()
    if note is not None:
        draft.note = note.strip() or None
    worked = _work_out(session, holder, original.frequency, original.period_start,
                       correcting=original, exclude_run=draft.id)
    if not worked.results:
        raise UserError("Nothing has changed since the pay run was approved: there is "
                        "nothing to correct",
                        next_step="Change the shifts, holiday or sick pay first")
    _save(session, draft, worked)
    return draft


@transactional
def approve_pay_run(session: Session, holder: Holder, pay_run_id: int,
                    user: User | None) -> PayRun:
    """Approve a draft: it is fixed from then on, and the payments it leaves due are
    recorded. All or nothing; of two approvals at once exactly one succeeds."""
    return _approve(session, holder, pay_run_id, user, None)


def _approve(session: Session, holder: Holder, pay_run_id: int, user: User | None,
             worked: _Worked | None) -> PayRun:
    """``worked``: the draft's figures worked out in this same transaction (nothing can
    have changed since), so they need not be worked out again."""
    # One approval at a time per holder (the Employment Allowance and the quarterly rule
    # read the holder's earlier approvals); SQLite already allows one writer.
    session.execute(select(Holder.id).where(Holder.id == holder.id).with_for_update())
    claimed = session.execute(
        update(PayRun).where(PayRun.id == pay_run_id, PayRun.holder_id == holder.id,
                             PayRun.status == "draft")
        .values(status="approved", approved_by_id=user.id if user else None,
                approved_at=utcnow())
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        found = session.scalar(select(PayRun.status).where(
            PayRun.id == pay_run_id, PayRun.holder_id == holder.id))
        if found is None:
            raise UserError("We could not find that pay run")
        raise UserError("This pay run has already been approved",
                        next_step="Make a correcting run if something was wrong")
    run = session.get(PayRun, pay_run_id, populate_existing=True)
    assert run is not None
    if worked is None:
        worked = _work_out(session, holder, run.frequency, run.period_start,
                           correcting=run if run.corrects_id is not None else None,
                           exclude_run=run.id)
    stored = {(s.employment_id, s.inputs_json, _figures_of(s)) for s in run.payslips}
    fresh = {(r.key, worked.inputs[r.key], r.figures) for r in worked.results}
    if stored != fresh or run.pay_date != worked.period.pay_date:
        raise UserError("The pay has changed since this pay run was worked out (shifts, "
                        "timesheets, contracts or tax codes)",
                        next_step="Work the pay run out again, check it, then approve it")
    _record_payments(session, holder, run, worked)
    flags_later(session, holder.id)  # payments now owed: overdue or paid wrong
    audit.record(session, "approve", "pay_run", entity_id=str(run.id), holder_id=holder.id,
                 summary=f"Approved the {FREQUENCY_WORDS[run.frequency]} pay run for "
                         f"{format_date(run.period_start)} to {format_date(run.period_end)}")
    session.flush()
    return run


def _record_payments(session: Session, holder: Holder, run: PayRun, worked: _Worked) -> None:
    year = tax_year_start(run.pay_date)
    details = session.scalar(select(EmployerDetails).where(
        EmployerDetails.holder_id == holder.id))
    allowance = 0
    if details is not None and details.employment_allowance_claimed:
        allowance = int(payroll_rules.employment_allowance(run.pay_date) * 100)
    er_ni = session.scalar(
        select(func.coalesce(func.sum(Payslip.employer_ni_pence), 0))
        .join(PayRun, PayRun.id == Payslip.pay_run_id)
        .where(PayRun.holder_id == holder.id, PayRun.status == "approved",
               PayRun.id != run.id, Payslip.tax_year == year)) or 0
    hmrc, first = session.execute(
        select(func.coalesce(func.sum(PaymentDue.amount_pence), 0),
               func.min(PaymentDue.tax_month))
        .where(PaymentDue.holder_id == holder.id, PaymentDue.kind == "hmrc",
               PaymentDue.tax_year == year)).one()
    so_far = engine.HmrcSoFar(int(er_ni), int(hmrc), first)
    payments = engine.payments_due(worked.results, run.pay_date, allowance_pence=allowance,
                                   so_far=so_far)
    slips = {s.employment_id: s.id for s in run.payslips}
    for d in payments.due:
        session.add(PaymentDue(
            holder_id=holder.id, pay_run_id=run.id,
            payslip_id=slips.get(d.key) if d.key is not None else None, kind=d.kind,
            payee=d.payee, amount_pence=d.amount_pence, due_date=d.due_date,
            tax_year=d.tax_year, tax_month=d.tax_month))


# --- reading ----------------------------------------------------------------------------------

def pay_runs(session: Session, holder: Holder) -> list[PayRun]:
    """The holder's pay runs, newest period first (a period's corrections after it)."""
    return list(session.scalars(select(PayRun).where(PayRun.holder_id == holder.id).order_by(
        PayRun.period_start.desc(), PayRun.frequency, PayRun.run_number)))


def pay_run(session: Session, holder: Holder, pay_run_id: int) -> PayRun | None:
    """One of the holder's pay runs with its payslips (None for anyone else's)."""
    return session.scalar(select(PayRun).where(
        PayRun.id == pay_run_id, PayRun.holder_id == holder.id)
        .options(selectinload(PayRun.payslips).selectinload(Payslip.employment)))


def payslip_result(payslip: Payslip) -> PayResult:
    """``payroll_rules.calculate`` run again on the payslip's stored inputs (its
    ``explain()`` is "how we worked this out"). For a correcting run this is the period as
    corrected; the payslip's own figures are these less what was already paid (kept in
    the inputs as ``already_paid``)."""
    pay, _lines, _extra = record.loads(payslip.inputs_json)
    return payroll_rules.calculate(pay)


def payslip_lines(payslip: Payslip) -> list[PayLine]:
    """The pay lines a payslip's gross pay was made of."""
    return record.loads(payslip.inputs_json)[1]


@transactional
def run_payroll(session: Session, holder: Holder, frequency: str, period_start: date, *,
                approve: bool = False, user: User | None = None) -> PayRun:
    """Draft the period's pay run and, if asked, approve it: one transaction, so nothing is
    written unless all of it succeeds (the command line's ``dpsupport payroll run``)."""
    run, worked = _draft(session, holder, frequency, period_start)
    if approve:
        run = _approve(session, holder, run.id, user, worked)
    return run


def employer_payments(session: Session, holder: Holder) -> list[PaymentDue]:
    """What approved pay runs leave the holder owing and when, settled or not, by due date."""
    return list(session.scalars(select(PaymentDue).where(PaymentDue.holder_id == holder.id)
                                .order_by(PaymentDue.due_date, PaymentDue.kind,
                                          PaymentDue.id)))


@transactional
def mark_paid(session: Session, holder: Holder, payment_id: int, on: date) -> PaymentDue:
    """Record that a payment due was made on ``on`` (by someone who manages the money)."""
    row = session.scalar(select(PaymentDue).where(PaymentDue.id == payment_id,
                                                  PaymentDue.holder_id == holder.id))
    if row is None:
        raise UserError("We could not find that payment")
    if row.settled_on is not None or row.transaction_id is not None:
        raise UserError(f"This payment was already recorded as paid on "
                        f"{format_date(row.settled_on)}")
    row.settled_on = on
    session.flush()
    flags_later(session, holder.id)
    return row
