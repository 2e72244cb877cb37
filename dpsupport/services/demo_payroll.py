"""The demo's employer: Jordan Price employs two personal assistants and runs their pay in
dpsupport (services/demo.py calls this).

- Amira Patel: regular hours (3 long days a week), monthly pay, a workplace pension (NEST)
  and a Plan 2 student loan; holiday taken and holiday booked ahead.
- Chris Nowak: irregular hours (evenings, a sleep-in on Fridays, some Saturdays), started
  two months after Amira; builds up holiday at 12.07% of his hours.

Every complete calendar month since they started has approved timesheets and an approved
pay run; this month's shifts are entered but not approved yet (the money page sets their
wages aside). Jordan's bank pays what each pay run left due, and the matches are confirmed,
except two things for a new user to find: in the last pay run Chris was paid £20 less than
his payslip says, and HMRC has not been paid for the last month (or quarter) due.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, time, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Account, BudgetLine, Holder, PaymentDue, Transaction, User
from . import employment, holiday, payruns, reconcile, timesheets

UNDERPAID_PENCE = 2000  # Chris's last net pay, paid short


@dataclass(frozen=True)
class _Day:
    kind: str
    start: time
    end: time
    break_minutes: int


def _amira_days(day: date) -> list[_Day]:
    if day.weekday() in (0, 2, 3):  # Monday, Wednesday, Thursday
        return [_Day("day", time(9), time(19, 30), 30)]
    return []


def _chris_days(day: date, rng: random.Random) -> list[_Day]:
    found = []
    if day.weekday() == 1:  # Tuesday evening
        found.append(_Day("day", time(18), time(22), 0))
    if day.weekday() == 4:  # Friday: a sleep-in
        found.append(_Day("sleep_in", time(22), time(8), 0))
    if day.weekday() == 5 and rng.random() < 0.5:  # some Saturdays
        found.append(_Day("weekend", time(10), time(16), 30))
    return found


def _months(first: date, today: date) -> list[date]:
    """First days of the complete calendar months from ``first``'s month to last month."""
    month = first.replace(day=1)
    last = today.replace(day=1)
    found = []
    while month < last:
        found.append(month)
        month += relativedelta(months=1)
    return found


def load_jordan_payroll(session: Session, holder: Holder, start: date, today: date,
                        account: Account, lines: dict[str, BudgetLine], jordan: User,
                        rng: random.Random) -> None:
    employment.save_employer_details(session, holder, employment.EmployerInput(
        paye_reference="123/JP45678", accounts_office_reference="123PX00123456",
        insurance_renewal_date=today + timedelta(days=20), employment_allowance_claimed=True,
        payroll_by_organisation=False))
    amira = employment.add_employment(session, holder, employment.EmploymentInput(
        name="Amira Patel", date_of_birth=date(today.year - 27, 5, 12), ni_number="JT482913B",
        address="12 Mill Lane\nRiverside\nRV2 4QT", start_date=start, leaving_date=None,
        starter_statement="p45", tax_code="1257L", ni_category=None, student_loan_plan="2",
        postgraduate_loan=False, close_relative_in_household=False,
        council_approval_reference=None))
    employment.add_contract_version(session, holder, amira.id, employment.ContractInput(
        effective_date=start, pay_frequency="monthly", pay_day="last Friday",
        day_rate_pence=1350, night_rate_pence=None, weekend_rate_pence=1500,
        bank_holiday_rate_pence=2025, sleep_in_pence=None, hours_kind="regular",
        weekly_minutes=30 * 60, holiday_year_start=start, pension_scheme="NEST",
        pension_employee_bp=500, pension_employer_bp=300, written_statement_date=start,
        right_to_work_date=start - timedelta(days=7),
        dbs_check_date=start - relativedelta(years=3, months=-1), days_per_week=3))
    chris_start = start + relativedelta(months=2)
    chris = employment.add_employment(session, holder, employment.EmploymentInput(
        name="Chris Nowak", date_of_birth=date(today.year - 23, 11, 2), ni_number="PR617204D",
        address="Flat 3, 40 Station Road\nRiverside\nRV1 7AB", start_date=chris_start,
        leaving_date=None, starter_statement="A", tax_code=None, ni_category=None,
        student_loan_plan=None, postgraduate_loan=False, close_relative_in_household=False,
        council_approval_reference=None))
    employment.add_contract_version(session, holder, chris.id, employment.ContractInput(
        effective_date=chris_start, pay_frequency="monthly", pay_day="last Friday",
        day_rate_pence=1400, night_rate_pence=1500, weekend_rate_pence=1550,
        bank_holiday_rate_pence=2100, sleep_in_pence=6000, hours_kind="irregular",
        weekly_minutes=None, holiday_year_start=start, pension_scheme=None,
        pension_employee_bp=None, pension_employer_bp=None,
        written_statement_date=chris_start, right_to_work_date=chris_start - timedelta(days=3),
        dbs_check_date=chris_start - timedelta(days=20)))

    # Amira's holiday: a week taken two months ago, and a week booked ahead
    away = (today - relativedelta(months=2)).replace(day=1)
    away += timedelta(days=(7 - away.weekday()) % 7)  # a Monday
    ahead = today + timedelta(days=(7 - today.weekday()) % 7 + 21)
    taken = {away + timedelta(days=n) for n in range(7)}
    for first in (away, ahead):
        days = [first + timedelta(days=n) for n in range(7) if _amira_days(first + timedelta(days=n))]
        holiday.book_holiday(session, holder, amira.id, first, first + timedelta(days=6),
                             600 * len(days), note="A week away")

    # shifts, up to yesterday
    day = start
    while day < today:
        if day not in taken:
            for d in _amira_days(day):
                timesheets.add_shift(session, holder, amira.id, timesheets.ShiftInput(
                    day, d.start, d.end, d.break_minutes, d.kind))
        if day >= chris_start:
            for d in _chris_days(day, rng):
                timesheets.add_shift(session, holder, chris.id, timesheets.ShiftInput(
                    day, d.start, d.end, d.break_minutes, d.kind))
        day += timedelta(days=1)

    # every complete month: timesheets approved, the pay run worked out and approved
    for month in _months(start, today):
        end = month + relativedelta(months=1) - timedelta(days=1)
        for pa in (amira, chris):
            if pa.start_date <= end:
                timesheets.approve_period(session, holder, pa.id, max(month, pa.start_date),
                                          end, jordan)
        run = payruns.draft_pay_run(session, holder, "monthly", month)
        payruns.approve_pay_run(session, holder, run.id, jordan)

    _pay_the_bank(session, holder, account, lines, today)


def _paid_on(dues: list[PaymentDue]) -> dict[int, date]:
    """When Jordan pays each: net pay on the pay date, pension 4 days before it is due, and
    HMRC a few days before it is due, each tax month on its own day (9 days apart, when he
    pays a quarter's at once, so no two payments look like one made twice)."""
    when: dict[int, date] = {}
    same_day: dict[date, int] = {}
    latest_first = sorted(dues, key=lambda d: (-(d.tax_year or 0), -(d.tax_month or 0), d.id))
    for due in latest_first:
        if due.kind == "net_pay":
            when[due.id] = due.due_date
        elif due.kind == "pension":
            when[due.id] = due.due_date - timedelta(days=4)
        else:
            k = same_day.get(due.due_date, 0)
            same_day[due.due_date] = k + 1
            when[due.id] = due.due_date - timedelta(days=4 + 9 * k)
    return when


def _pay_the_bank(session: Session, holder: Holder, account: Account,
                  lines: dict[str, BudgetLine], today: date) -> None:
    """Bank payments for what the pay runs left due, up to today, and the matches confirmed
    (but Chris's last net pay £20 short, and the last HMRC payment due not made)."""
    dues = list(session.scalars(select(PaymentDue).where(PaymentDue.holder_id == holder.id)
                                .order_by(PaymentDue.due_date, PaymentDue.id)))
    paid_on = _paid_on(dues)
    hmrc = sorted((d for d in dues if d.kind == "hmrc" and paid_on[d.id] <= today),
                  key=lambda d: (d.tax_year or 0, d.tax_month or 0, d.id))
    unpaid_hmrc = hmrc[-1].id if hmrc else None
    chris = [d for d in dues if d.kind == "net_pay" and d.payee.startswith("Chris")]
    short = chris[-1].id if chris else None
    wages = lines["Personal assistants' pay"]
    costs = lines["Tax, National Insurance and pension"]
    for due in dues:
        when = paid_on[due.id]
        if when > today or due.id == unpaid_hmrc:
            continue
        amount = due.amount_pence - (UNDERPAID_PENCE if due.id == short else 0)
        if due.kind == "net_pay":
            payee, category, line, note = due.payee.upper(), "pa_wages", wages, "Net pay"
        elif due.kind == "hmrc":
            payee, category, line, note = "HMRC NDDS", "employer_costs", costs, "PAYE and NI"
        else:
            payee, category, line, note = "NEST", "employer_costs", costs, "Pension"
        session.add(Transaction(holder_id=holder.id, account_id=account.id, date=when,
                                amount_pence=-amount, payee=payee, description=payee,
                                category=category, budget_line_id=line.id, note=note,
                                source="manual"))
    session.flush()
    reconcile.confirm_every_suggestion(session, holder)


