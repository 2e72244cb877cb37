"""The read side of payroll, for the pages: pay runs, payslips, the year-end summary (the
figures a P60 carries), what the employer must pay and when, the figures for HMRC's Full
Payment Submission (FPS) and Employer Payment Summary (EPS), and a pay run as a spreadsheet.

Working pay runs out, approving and correcting them, and recording a payment are the pay run
engine's (``services/payruns.py``); this module only reads what it saved. Every lookup is
scoped to the holder: an id from someone else's records finds nothing.

Every figure can be shown again with its working: a payslip keeps the inputs it was worked
out from (``dpsupport.payroll.record``), and ``payroll_rules.calculate(...).explain()`` gives
the steps. What the FPS and EPS figures are, and where each comes from, is written down in
docs/payroll_pages.md.

dpsupport does not send anything to HMRC (no RTI submissions): the holder, or their payroll
service, enters these figures in HMRC's Basic PAYE Tools or their own payroll software.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import payroll_rules
from payroll_rules import nics
from payroll_rules.calendar import tax_month, tax_year_start
from payroll_rules.params import params_for_date

from ..models import EmployerDetails, Employment, Holder
from ..models.employment import NI_CATEGORIES
from ..models.payroll import PAY_RUN_STATUSES as PAY_RUN_STATUSES
from ..models.payroll import PAYMENT_KINDS as PAYMENT_KINDS
from ..models.payroll import PaymentDue, PayRun, Payslip
from ..payroll import record
from ..text import format_date, format_pence, hours, plural, whole_pounds
from .employment import ni_number_text, tax_code_text

FREQUENCY_NAMES = {"weekly": "Weekly", "fortnightly": "Fortnightly",
                   "four_weekly": "Four-weekly", "monthly": "Monthly"}

# HMRC's bands for the hours a PA normally works a week, as the FPS asks for them
# (docs/payroll_pages.md): A up to 15.99, B 16 to 23.99, C 24 to 29.99, D 30 or more,
# E other (hours that change from week to week).
HOURS_BANDS = {"A": "A: up to 15.99 hours a week", "B": "B: 16 to 23.99 hours a week",
               "C": "C: 24 to 29.99 hours a week", "D": "D: 30 hours or more a week",
               "E": "E: other (hours change from week to week)"}

NOT_SENT = ("dpsupport does not send anything to HMRC. It works out the figures; you, or "
            "your payroll service, send them in HMRC's Basic PAYE Tools or other payroll "
            "software: a Full Payment Submission (FPS) on or before each pay day, and an "
            "Employer Payment Summary (EPS) by the 19th after the tax month when you need one.")


def today() -> date:
    """Today's date: one place, so tests can fix it."""
    return date.today()


# --- finding records --------------------------------------------------------------------------

def pay_runs(session: Session, holder: Holder) -> list[PayRun]:
    """The holder's pay runs, newest period first (a period's corrections after it)."""
    return list(session.scalars(
        select(PayRun).where(PayRun.holder_id == holder.id)
        .options(selectinload(PayRun.payslips))
        .order_by(PayRun.period_start.desc(), PayRun.frequency, PayRun.run_number)))


def pay_run(session: Session, holder: Holder, pay_run_id: int) -> PayRun | None:
    """One of the holder's pay runs with its payslips and their PAs (None for anyone else's)."""
    return session.scalar(
        select(PayRun).where(PayRun.id == pay_run_id, PayRun.holder_id == holder.id)
        .options(selectinload(PayRun.payslips).selectinload(Payslip.employment)))


def payslip(session: Session, holder: Holder, payslip_id: int) -> Payslip | None:
    """One of the holder's payslips (None for anyone else's)."""
    return session.scalar(
        select(Payslip).join(PayRun, PayRun.id == Payslip.pay_run_id)
        .where(Payslip.id == payslip_id, PayRun.holder_id == holder.id))


def employer_details(session: Session, holder: Holder) -> EmployerDetails | None:
    return session.scalar(select(EmployerDetails).where(EmployerDetails.holder_id == holder.id))


def _approved_payslips(session: Session, holder: Holder, *where: Any) -> list[Payslip]:
    return list(session.scalars(
        select(Payslip).join(PayRun, PayRun.id == Payslip.pay_run_id)
        .where(PayRun.holder_id == holder.id, PayRun.status == "approved", *where)
        .options(selectinload(Payslip.pay_run), selectinload(Payslip.employment))
        .order_by(PayRun.period_start, PayRun.run_number, Payslip.id)))


# --- words --------------------------------------------------------------------------------------

def period_words(run: PayRun) -> str:
    """ "6 November 2026 to 5 December 2026" """
    return f"{format_date(run.period_start)} to {format_date(run.period_end)}"


def tax_period_words(run: PayRun) -> str:
    """ "Month 8 of 2026 to 2027", "Week 34 of 2026 to 2027" (four-weekly and fortnightly pay
    count in tax weeks: HMRC's week number is the last week of the period)."""
    year = tax_year_start(run.pay_date)
    span = {"weekly": 1, "fortnightly": 2, "four_weekly": 4}.get(run.frequency)
    name = "Month" if span is None else "Week"
    number = run.tax_period if span is None else run.tax_period * span
    return f"{name} {number} of {year_words(year)}"


def year_words(tax_year: int) -> str:
    """2026 -> "2026 to 2027", as HMRC writes a tax year."""
    return f"{tax_year} to {tax_year + 1}"


def tax_year_of(run: PayRun) -> int:
    """The tax year a pay run's pay date falls in (2026 for 2026 to 2027)."""
    return tax_year_start(run.pay_date)


def run_title(run: PayRun) -> str:
    what = "Correction to the pay run" if run.run_number else "Pay run"
    return f"{what} for {period_words(run)}"


# --- one pay run ------------------------------------------------------------------------------

def deductions(slip: Payslip) -> int:
    """What comes off the PA's pay: tax, their NI and pension, student and postgraduate loans."""
    return (slip.tax_pence + slip.employee_ni_pence + slip.employee_pension_pence
            + slip.student_loan_pence + slip.postgraduate_loan_pence)


def employer_cost(slip: Payslip) -> int:
    """Gross pay, employer NI and employer pension (before any Employment Allowance)."""
    return slip.gross_pence + slip.employer_ni_pence + slip.employer_pension_pence


def hmrc_part(slip: Payslip) -> int:
    """What this payslip adds to the payment to HMRC, before any Employment Allowance."""
    return (slip.tax_pence + slip.employee_ni_pence + slip.employer_ni_pence
            + slip.student_loan_pence + slip.postgraduate_loan_pence)


@dataclass(frozen=True)
class RunRow:
    slip: Payslip
    name: str
    gross: int
    deductions: int
    net: int
    employer_ni: int
    employer_pension: int
    employer_cost: int
    working: list[str]


@dataclass(frozen=True)
class RunSummary:
    run: PayRun
    title: str
    rows: list[RunRow]
    gross: int
    deductions: int
    net: int
    employer_ni: int
    employer_pension: int
    employer_cost: int
    payments: list[PaymentDue]
    allowance_used: int  # Employment Allowance this run used (only once approved)


def run_summary(session: Session, holder: Holder, run: PayRun) -> RunSummary:
    rows = []
    for slip in sorted(run.payslips, key=lambda s: (s.employment.name, s.id)):
        d = deductions(slip)
        rows.append(RunRow(
            slip, slip.employment.name, slip.gross_pence, d, slip.net_pence,
            slip.employer_ni_pence, slip.employer_pension_pence, employer_cost(slip),
            [f"Gross pay {format_pence(slip.gross_pence)} − deductions {format_pence(d)} "
             f"(tax {format_pence(slip.tax_pence)}, National Insurance "
             f"{format_pence(slip.employee_ni_pence)}, pension "
             f"{format_pence(slip.employee_pension_pence)}, student loan "
             f"{format_pence(slip.student_loan_pence)}, postgraduate loan "
             f"{format_pence(slip.postgraduate_loan_pence)}) = net pay "
             f"{format_pence(slip.net_pence)}.",
             f"Cost to you: gross pay {format_pence(slip.gross_pence)} + employer National "
             f"Insurance {format_pence(slip.employer_ni_pence)} + employer pension "
             f"{format_pence(slip.employer_pension_pence)} = "
             f"{format_pence(employer_cost(slip))}."]))
    payments = list(session.scalars(select(PaymentDue).where(
        PaymentDue.holder_id == holder.id, PaymentDue.pay_run_id == run.id)
        .order_by(PaymentDue.due_date, PaymentDue.kind, PaymentDue.id)))
    hmrc_due = sum(p.amount_pence for p in payments if p.kind == "hmrc")
    used = (sum(hmrc_part(s) for s in run.payslips) - hmrc_due
            if run.status == "approved" else 0)
    return RunSummary(
        run, run_title(run), rows, sum(r.gross for r in rows), sum(r.deductions for r in rows),
        sum(r.net for r in rows), sum(r.employer_ni for r in rows),
        sum(r.employer_pension for r in rows), sum(r.employer_cost for r in rows), payments,
        used)


# --- one payslip ------------------------------------------------------------------------------

def explain_sections(lines: list[str]) -> dict[str, list[str]]:
    """``PayResult.explain()``'s lines shared out to the figures they explain: gross, tax,
    employee_ni, employer_ni, pension, student_loan, postgraduate_loan, net."""
    out: dict[str, list[str]] = defaultdict(list)
    before_ni = True
    for i, line in enumerate(lines):
        if i == 0:
            out["gross"].append(line)
        elif line.startswith("National Insurance category"):
            before_ni = False
            out["employee_ni"].append(line)
            out["employer_ni"].append(line)
        elif before_ni:
            out["tax"].append(line)
        elif line.startswith("Employee National Insurance"):
            out["employee_ni"].append(line)
        elif line.startswith("Employer National Insurance"):
            out["employer_ni"].append(line)
        elif line.startswith("Pension:"):
            out["pension"].append(line)
        elif line.startswith("Student loan"):
            out["student_loan"].append(line)
        elif line.startswith("Postgraduate"):
            out["postgraduate_loan"].append(line)
        else:
            out["net"].append(line)
    return dict(out)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    pence: int
    working: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PayslipPage:
    slip: Payslip
    run: PayRun
    draft: bool
    name: str
    address: list[str]
    ni_number: str
    tax_code: str
    ni_category: str
    employer_name: str
    paye_reference: str | None
    accounts_office_reference: str | None
    period: str
    tax_period: str
    frequency: str
    pay_lines: list[tuple[str, str, int]]  # what, time, pence
    gross: Figure
    deductions: list[Figure]
    total_deductions: int
    net: Figure
    employer: list[Figure]
    to_date: list[Figure]
    explain: list[str]
    correction: str | None
    worked: str | None


def _already_paid(extra: dict[str, Any]) -> dict[str, int] | None:
    paid = extra.get("already_paid")
    if not isinstance(paid, dict):
        return None
    return {str(k): int(v) for k, v in paid.items()}


def payslip_page(session: Session, holder: Holder, slip: Payslip) -> PayslipPage:
    run = slip.pay_run
    person = slip.employment
    pay, lines, extra = record.loads(slip.inputs_json)
    try:
        explain = payroll_rules.calculate(pay).explain()
    except payroll_rules.PayrollInputError as exc:  # the rules no longer cover that date
        explain = [f"The working cannot be shown again: {exc}"]
    parts = explain_sections(explain)
    details = employer_details(session, holder)
    already = _already_paid(extra)
    correction = None
    if run.run_number and already is not None:
        correction = (
            "This payslip corrects the pay for this period. The working below is for the "
            "period as it should have been; this payslip pays the difference from what was "
            f"paid before (net pay {format_pence(already.get('net_pence', 0))} was paid "
            "before).")
    elif run.run_number:
        correction = ("This payslip corrects the pay for this period: it pays the "
                      "difference from what was paid before.")
    pay_lines = [(x.description, hours(x.minutes) if x.minutes else "", x.amount_pence)
                 for x in lines]
    gross_working = parts.get("gross", []) + [
        f"{x.description}: {format_pence(x.amount_pence)}" for x in lines]
    pension_lines = parts.get("pension", [])
    ded = [Figure("tax", "Income tax", slip.tax_pence, parts.get("tax", [])),
           Figure("employee_ni", "National Insurance", slip.employee_ni_pence,
                  parts.get("employee_ni", []))]
    if slip.employee_pension_pence or pension_lines:
        ded.append(Figure("employee_pension", "Pension", slip.employee_pension_pence,
                          pension_lines))
    if slip.student_loan_pence or parts.get("student_loan"):
        ded.append(Figure("student_loan", "Student loan", slip.student_loan_pence,
                          parts.get("student_loan", [])))
    if slip.postgraduate_loan_pence or parts.get("postgraduate_loan"):
        ded.append(Figure("postgraduate_loan", "Postgraduate loan",
                          slip.postgraduate_loan_pence, parts.get("postgraduate_loan", [])))
    total_ded = deductions(slip)
    employer = [Figure("employer_ni", "Employer National Insurance", slip.employer_ni_pence,
                       parts.get("employer_ni", [])),
                Figure("employer_pension", "Employer pension contribution",
                       slip.employer_pension_pence, pension_lines)]
    def ytd(key: str, label: str, pence: int, _name: str) -> Figure:
        own = getattr(slip, key)
        return Figure(key, label, pence, [
            f"Earlier payslips this tax year in this job: {format_pence(pence - own)}; this "
            f"payslip: {format_pence(own)}; so far: {format_pence(pence)}."])

    to_date = [
        ytd("gross_pence", "Gross pay", slip.gross_to_date_pence, "gross_pence"),
        ytd("taxable_pence", "Taxable pay", slip.taxable_to_date_pence, "taxable_pence"),
        ytd("tax_pence", "Income tax", slip.tax_to_date_pence, "tax_pence"),
        ytd("employee_ni_pence", "National Insurance", slip.employee_ni_to_date_pence,
            "employee_ni_pence"),
    ]
    if slip.student_loan_to_date_pence:
        to_date.append(ytd("student_loan_pence", "Student loan",
                           slip.student_loan_to_date_pence, "student_loan_pence"))
    if slip.postgraduate_loan_to_date_pence:
        to_date.append(ytd("postgraduate_loan_pence", "Postgraduate loan",
                           slip.postgraduate_loan_to_date_pence, "postgraduate_loan_pence"))
    worked = hours(slip.worked_minutes) if slip.worked_minutes else None
    return PayslipPage(
        slip=slip, run=run, draft=run.status != "approved", name=person.name,
        address=(person.address or "").splitlines(),
        ni_number=ni_number_text(person.ni_number) or "Not given yet",
        tax_code=tax_code_text(slip.tax_code),
        ni_category=NI_CATEGORIES.get(slip.ni_category, slip.ni_category),
        employer_name=holder.name,
        paye_reference=details.paye_reference if details else None,
        accounts_office_reference=details.accounts_office_reference if details else None,
        period=period_words(run), tax_period=tax_period_words(run),
        frequency=FREQUENCY_NAMES.get(run.frequency, run.frequency),
        pay_lines=pay_lines,
        gross=Figure("gross", "Gross pay", slip.gross_pence, gross_working),
        deductions=ded, total_deductions=total_ded,
        net=Figure("net", "Net pay", slip.net_pence, parts.get("net", [])),
        employer=employer, to_date=to_date, explain=explain, correction=correction,
        worked=worked)


# --- National Insurance earnings bands (FPS and P60) ------------------------------------------

@dataclass(frozen=True)
class Bands:
    """Earnings for NI by band, in pence: at the Lower Earnings Limit, from it to the
    Primary Threshold, and from the Primary Threshold to the Upper Earnings Limit."""

    at_lel: int = 0
    lel_to_pt: int = 0
    pt_to_uel: int = 0

    def __add__(self, other: Bands) -> Bands:
        return Bands(self.at_lel + other.at_lel, self.lel_to_pt + other.lel_to_pt,
                     self.pt_to_uel + other.pt_to_uel)


def period_bands(slip: Payslip) -> Bands:
    """The bands for the whole period this payslip pays (as corrected, for a correcting
    payslip: its inputs hold the period's whole pay)."""
    pay, _lines, _extra = record.loads(slip.inputs_json)
    th = params_for_date(pay.pay_date).ni_thresholds[pay.frequency]
    gross = int((pay.gross_pay * 100).to_integral_value())
    return Bands(*nics.earnings_bands(th, gross))


def _latest_per_period(slips: list[Payslip]) -> dict[tuple[int, str, date], Payslip]:
    """For each PA and pay period, the payslip of the latest approved run that paid it."""
    out: dict[tuple[int, str, date], Payslip] = {}
    for s in slips:  # ordered by period, then run number
        out[(s.employment_id, s.pay_run.frequency, s.pay_run.period_start)] = s
    return out


def bands_to_date(slips: list[Payslip]) -> dict[str, Bands]:
    """NI earnings bands for the tax year so far, by category letter, from approved payslips
    of one PA (each period counted once, as last corrected)."""
    out: dict[str, Bands] = defaultdict(Bands)
    for s in _latest_per_period(slips).values():
        out[s.ni_category] = out[s.ni_category] + period_bands(s)
    return dict(out)


# --- year-end summary (P60) -------------------------------------------------------------------

@dataclass(frozen=True)
class NIRow:
    category: str
    at_lel: str
    lel_to_pt: str
    pt_to_uel: str
    employee_ni: int


@dataclass(frozen=True)
class YearEnd:
    employment: Employment
    tax_year: int
    year: str
    complete: bool  # the tax year has ended
    employer_name: str
    paye_reference: str | None
    ni_number: str
    pay: int
    tax: int
    final_tax_code: str
    ni_rows: list[NIRow]
    employee_ni: int
    employer_ni: int
    student_loan: int
    postgraduate_loan: int
    sick_pay: int
    employee_pension: int
    payslips: int
    working: dict[str, list[str]]


def year_end_list(session: Session, holder: Holder) -> list[tuple[int, Employment, int]]:
    """(tax year, PA, payslips) for every PA paid in an approved pay run, newest year first."""
    counts: dict[tuple[int, int], int] = defaultdict(int)
    people: dict[int, Employment] = {}
    for s in _approved_payslips(session, holder):
        counts[(s.tax_year, s.employment_id)] += 1
        people[s.employment_id] = s.employment
    return sorted(((y, people[e], n) for (y, e), n in counts.items()),
                  key=lambda t: (-t[0], t[1].name, t[1].id))


def year_end(session: Session, holder: Holder, employment_id: int,
             tax_year: int) -> YearEnd | None:
    """The figures a P60 carries for one PA and tax year, from approved payslips (None when
    the PA is not the holder's or was not paid that year)."""
    slips = _approved_payslips(session, holder, Payslip.employment_id == employment_id,
                               Payslip.tax_year == tax_year)
    if not slips:
        return None
    person = slips[0].employment
    details = employer_details(session, holder)
    last = max(slips, key=lambda s: (s.pay_run.pay_date, s.pay_run.run_number, s.id))

    def total(name: str) -> int:
        return sum(getattr(s, name) for s in slips)

    bands = bands_to_date(slips)
    ni_by_cat: dict[str, int] = defaultdict(int)
    for s in slips:
        ni_by_cat[s.ni_category] += s.employee_ni_pence
    rows = [NIRow(c, whole_pounds(b.at_lel), whole_pounds(b.lel_to_pt),
                  whole_pounds(b.pt_to_uel), ni_by_cat.get(c, 0))
            for c, b in sorted(bands.items())]
    n = plural(len(slips), "approved payslip")
    working = {
        "pay": [f"Taxable pay on {n} for {year_words(tax_year)} added up: "
                + " + ".join(format_pence(s.taxable_pence) for s in slips)
                + f" = {format_pence(total('taxable_pence'))}.",
                "Pay from any job before this one in the tax year (on a P45) is not included."],
        "tax": [f"Income tax on {n} added up: "
                + " + ".join(format_pence(s.tax_pence) for s in slips)
                + f" = {format_pence(total('tax_pence'))}."],
        "ni": [f"Each pay period's pay for National Insurance is shared out between the "
               f"bands using that period's thresholds, then added up for the year and "
               f"shown in whole pounds, as on a P60. Employee National Insurance on {n}: "
               + " + ".join(format_pence(s.employee_ni_pence) for s in slips)
               + f" = {format_pence(total('employee_ni_pence'))}."],
        "loans": [f"Student loan on {n}: {format_pence(total('student_loan_pence'))}; "
                  f"postgraduate loan: {format_pence(total('postgraduate_loan_pence'))}."],
    }
    return YearEnd(
        employment=person, tax_year=tax_year, year=year_words(tax_year),
        complete=today() >= date(tax_year + 1, 4, 6),
        employer_name=holder.name,
        paye_reference=details.paye_reference if details else None,
        ni_number=ni_number_text(person.ni_number) or "Not given yet",
        pay=total("taxable_pence"), tax=total("tax_pence"),
        final_tax_code=tax_code_text(last.tax_code), ni_rows=rows,
        employee_ni=total("employee_ni_pence"), employer_ni=total("employer_ni_pence"),
        student_loan=total("student_loan_pence"),
        postgraduate_loan=total("postgraduate_loan_pence"),
        sick_pay=total("sick_pay_pence"), employee_pension=total("employee_pension_pence"),
        payslips=len(slips), working=working)


# --- what the employer must pay, and when ---------------------------------------------------

@dataclass(frozen=True)
class Payment:
    row: PaymentDue
    what: str
    status: str  # "paid", "overdue" or "due"
    working: list[str]


def _monthly_due(row: PaymentDue) -> date | None:
    if row.tax_year is None or row.tax_month is None:
        return None
    first_day = payroll_rules.period_start(row.tax_year, "monthly", row.tax_month)
    return payroll_rules.hmrc_payment_due_date(first_day)


def _tax_month_words(tax_year: int, month: int) -> str:
    start = payroll_rules.period_start(tax_year, "monthly", month)
    end = (payroll_rules.period_start(tax_year, "monthly", month + 1) if month < 12
           else date(tax_year + 1, 4, 6))
    return (f"tax month {month} ({format_date(start)} to "
            f"{format_date(date.fromordinal(end.toordinal() - 1))})")


def payments(session: Session, holder: Holder) -> list[Payment]:
    """Every payment approved pay runs left the holder owing: not paid yet first (by due
    date), then those paid (latest first), each with how it was worked out."""
    rows = list(session.scalars(
        select(PaymentDue).where(PaymentDue.holder_id == holder.id)
        .options(selectinload(PaymentDue.pay_run).selectinload(PayRun.payslips)
                 .selectinload(Payslip.employment))
        .order_by(PaymentDue.due_date, PaymentDue.kind, PaymentDue.id)))
    on = today()
    out = []
    for p in rows:
        run = p.pay_run
        if p.kind == "net_pay":
            slip = next((s for s in run.payslips if s.id == p.payslip_id), None)
            what = f"Net pay to {p.payee}"
            working = [f"{p.payee}'s net pay for {period_words(run)}, paid on the pay date "
                       f"{format_date(run.pay_date)}."]
            if slip is not None:
                working.append(f"Gross pay {format_pence(slip.gross_pence)} − deductions "
                               f"{format_pence(deductions(slip))} = "
                               f"{format_pence(slip.net_pence)}.")
        elif p.kind == "hmrc":
            parts = sum(hmrc_part(s) for s in run.payslips)
            month = (_tax_month_words(p.tax_year, p.tax_month)
                     if p.tax_year is not None and p.tax_month is not None else "")
            what = f"PAYE tax and National Insurance to HMRC for {month}".strip()
            working = [
                "Income tax " + format_pence(sum(s.tax_pence for s in run.payslips))
                + " + employee National Insurance "
                + format_pence(sum(s.employee_ni_pence for s in run.payslips))
                + " + employer National Insurance "
                + format_pence(sum(s.employer_ni_pence for s in run.payslips))
                + " + student and postgraduate loans "
                + format_pence(sum(s.student_loan_pence + s.postgraduate_loan_pence
                                   for s in run.payslips))
                + f" = {format_pence(parts)}."]
            if parts != p.amount_pence:
                working.append(f"Less Employment Allowance used: "
                               f"{format_pence(parts - p.amount_pence)}, so "
                               f"{format_pence(p.amount_pence)} is due.")
            monthly = _monthly_due(p)
            if monthly is not None and p.due_date > monthly:
                working.append(
                    f"Due by {format_date(p.due_date)}: you pay HMRC every quarter, because "
                    "what you pay them averages less than £1,500 a month this tax year "
                    "(tax quarters end on 5 July, 5 October, 5 January and 5 April; payment "
                    "is due by the 22nd after, or the Friday before if that is a weekend).")
            else:
                working.append(
                    f"Due by {format_date(p.due_date)}: the 22nd after the tax month ends "
                    "(the Friday before if the 22nd is a weekend), when you pay "
                    "electronically. By post it must arrive by the 19th.")
        else:
            what = f"Pension contributions to {p.payee}"
            slips = [s for s in run.payslips
                     if s.employee_pension_pence or s.employer_pension_pence]
            working = [", ".join(
                f"{s.employment.name}: {format_pence(s.employee_pension_pence)} from their pay "
                f"+ {format_pence(s.employer_pension_pence)} from you" for s in slips)
                + f" = {format_pence(p.amount_pence)}.",
                f"Due to the scheme by {format_date(p.due_date)}: the 22nd of the month "
                "after the pay date (The Pensions Regulator's deadline for electronic "
                "payment)."]
        if p.settled_on is not None or p.transaction_id is not None:
            status = "paid"
        elif p.due_date < on:
            status = "overdue"
        else:
            status = "due"
        out.append(Payment(p, what, status, working))
    waiting = [x for x in out if x.status != "paid"]
    paid = sorted((x for x in out if x.status == "paid"),
                  key=lambda x: (x.row.settled_on or x.row.due_date, x.row.id), reverse=True)
    return waiting + paid


# --- HMRC submissions (FPS and EPS) ------------------------------------------------------------

@dataclass(frozen=True)
class FpsRow:
    """One PA's figures for the FPS of one pay day (this period, and year to date)."""

    slip: Payslip
    name: str
    ni_number: str
    tax_code: str
    ni_category: str
    hours_band: str
    taxable: int
    tax: int
    taxable_to_date: int
    tax_to_date: int
    ni_pay: int
    ni_pay_to_date: int
    bands_to_date: Bands
    employee_ni: int
    employee_ni_to_date: int
    employer_ni: int
    employer_ni_to_date: int
    student_loan: int
    student_loan_to_date: int
    postgraduate_loan: int
    postgraduate_loan_to_date: int
    pension_net_pay: int  # employee pension under a net pay arrangement
    pension_other: int  # employee pension not under a net pay arrangement
    sick_pay_to_date: int
    net: int


@dataclass(frozen=True)
class Fps:
    run: PayRun
    title: str
    tax_period: str
    rows: list[FpsRow]


@dataclass(frozen=True)
class Eps:
    month: int
    words: str  # "tax month 3 (6 June 2026 to 5 July 2026)"
    title: str  # the same, starting with a capital
    paid_anyone: bool
    hmrc_pence: int
    allowance_used_to_date: int
    due_by: date | None


@dataclass(frozen=True)
class Submissions:
    tax_year: int
    year: str
    years: list[int]
    paye_reference: str | None
    accounts_office_reference: str | None
    allowance_claimed: bool
    allowance_pence: int | None
    months: list[tuple[Eps, list[Fps]]]


def hours_band(person: Employment, on: date) -> str:
    """The FPS's band for the hours normally worked a week, from the contract in force."""
    version = None
    for v in person.contracts:
        if v.effective_date <= on:
            version = v
    if version is None or version.hours_kind != "regular" or version.weekly_minutes is None:
        return HOURS_BANDS["E"]
    m = version.weekly_minutes
    key = "A" if m < 16 * 60 else "B" if m < 24 * 60 else "C" if m < 30 * 60 else "D"
    return HOURS_BANDS[key]


def _pension_split(slip: Payslip) -> tuple[int, int]:
    pay, _lines, _extra = record.loads(slip.inputs_json)
    if pay.pension is not None and pay.pension.method == "net_pay":
        return slip.employee_pension_pence, 0
    return 0, slip.employee_pension_pence


def fps_rows(session: Session, holder: Holder, run: PayRun) -> list[FpsRow]:
    """The FPS figures of an approved pay run, a row per PA."""
    rows = []
    for slip in sorted(run.payslips, key=lambda s: (s.employment.name, s.id)):
        earlier = [s for s in _approved_payslips(
            session, holder, Payslip.employment_id == slip.employment_id,
            Payslip.tax_year == slip.tax_year)
            if (s.pay_run.period_start, s.pay_run.run_number)
            <= (run.period_start, run.run_number)]
        if slip not in earlier:  # a draft: count it as if approved
            earlier.append(slip)
        bands: Bands = Bands()
        for b in bands_to_date(earlier).values():
            bands = bands + b
        net_pay, other = _pension_split(slip)
        rows.append(FpsRow(
            slip=slip, name=slip.employment.name,
            ni_number=ni_number_text(slip.employment.ni_number) or "Not given yet",
            tax_code=tax_code_text(slip.tax_code), ni_category=slip.ni_category,
            hours_band=hours_band(slip.employment, run.period_end),
            taxable=slip.taxable_pence, tax=slip.tax_pence,
            taxable_to_date=slip.taxable_to_date_pence, tax_to_date=slip.tax_to_date_pence,
            ni_pay=slip.gross_pence, ni_pay_to_date=slip.gross_to_date_pence,
            bands_to_date=bands, employee_ni=slip.employee_ni_pence,
            employee_ni_to_date=slip.employee_ni_to_date_pence,
            employer_ni=slip.employer_ni_pence,
            employer_ni_to_date=slip.employer_ni_to_date_pence,
            student_loan=slip.student_loan_pence,
            student_loan_to_date=slip.student_loan_to_date_pence,
            postgraduate_loan=slip.postgraduate_loan_pence,
            postgraduate_loan_to_date=slip.postgraduate_loan_to_date_pence,
            pension_net_pay=net_pay, pension_other=other,
            sick_pay_to_date=sum(s.sick_pay_pence for s in earlier), net=slip.net_pence))
    return rows


def submission_years(session: Session, holder: Holder) -> list[int]:
    years = session.scalars(
        select(Payslip.tax_year).join(PayRun, PayRun.id == Payslip.pay_run_id)
        .where(PayRun.holder_id == holder.id, PayRun.status == "approved").distinct())
    return sorted(set(years), reverse=True)


def submissions(session: Session, holder: Holder, tax_year: int | None) -> Submissions:
    """The FPS of every approved pay run of the tax year, by tax month, and each month's EPS
    figures (from the first tax month with pay to the last month that has ended)."""
    years = submission_years(session, holder)
    year = tax_year if tax_year is not None else (years[0] if years else
                                                  tax_year_start(today()))
    details = employer_details(session, holder)
    runs = [r for r in pay_runs(session, holder)
            if r.status == "approved" and tax_year_start(r.pay_date) == year]
    runs.sort(key=lambda r: (r.pay_date, r.run_number, r.id))
    hmrc = list(session.scalars(select(PaymentDue).where(
        PaymentDue.holder_id == holder.id, PaymentDue.kind == "hmrc",
        PaymentDue.tax_year == year)))
    by_month: dict[int, list[PayRun]] = defaultdict(list)
    for r in runs:
        by_month[tax_month(r.pay_date)].append(r)
    on = today()
    current = tax_month(on) if tax_year_start(on) == year else (12 if on.year > year else 0)
    first = min(by_month) if by_month else None
    months: list[tuple[Eps, list[Fps]]] = []
    used = 0
    last = max([current - 1, *by_month]) if first is not None else 0
    for month in range(first or 1, last + 1):
        month_runs = by_month.get(month, [])
        due = [p for p in hmrc if p.tax_month == month]
        month_hmrc = sum(p.amount_pence for p in due)
        used += sum(hmrc_part(s) for r in month_runs for s in r.payslips) - month_hmrc
        words = _tax_month_words(year, month)
        eps = Eps(month, words, "T" + words[1:], bool(month_runs), month_hmrc, used,
                  min((p.due_date for p in due), default=None))
        fps = [Fps(r, run_title(r), tax_period_words(r), fps_rows(session, holder, r))
               for r in month_runs]
        months.append((eps, fps))
    allowance: int | None
    try:
        allowance = int(payroll_rules.employment_allowance(date(year, 4, 6)) * 100)
    except payroll_rules.PayrollInputError:
        allowance = None
    return Submissions(
        tax_year=year, year=year_words(year), years=years or [year],
        paye_reference=details.paye_reference if details else None,
        accounts_office_reference=details.accounts_office_reference if details else None,
        allowance_claimed=bool(details and details.employment_allowance_claimed),
        allowance_pence=allowance, months=months)


# --- periods to run -----------------------------------------------------------------------------

@dataclass(frozen=True)
class PeriodToRun:
    frequency: str
    start: date
    end: date
    pay_date: date
    label: str
    draft_id: int | None


def periods_to_run(session: Session, holder: Holder) -> list[PeriodToRun]:
    """Pay periods that have started and have no approved pay run yet (with their draft, if
    one was worked out)."""
    from . import payruns

    on = today()
    found = payruns.pay_periods(session, holder, on)
    runs = pay_runs(session, holder)
    out = []
    for p in found:
        if p.start > on:
            continue
        mine = [r for r in runs if r.frequency == p.frequency and r.period_start == p.start]
        if any(r.status == "approved" for r in mine):
            continue
        draft = next((r.id for r in mine if r.status == "draft"), None)
        out.append(PeriodToRun(p.frequency, p.start, p.end, p.pay_date,
                               f"{format_date(p.start)} to {format_date(p.end)}", draft))
    return out


# --- the pay run as a spreadsheet ---------------------------------------------------------------

EXPORT_COLUMNS = (
    "Name", "National Insurance number", "Tax code", "NI category", "Pay frequency",
    "Tax period", "Period start", "Period end", "Pay date", "Hours worked", "Gross pay",
    "Holiday pay", "Statutory Sick Pay", "Taxable pay", "Income tax",
    "Employee National Insurance", "Employer National Insurance", "Employee pension",
    "Employer pension", "Pension under net pay arrangement", "Student loan",
    "Postgraduate loan", "Net pay", "Gross pay to date", "Taxable pay to date",
    "Tax to date", "Employee NI to date", "Employer NI to date", "Student loan to date",
    "Postgraduate loan to date", "NI earnings at LEL to date",
    "NI earnings LEL to PT to date", "NI earnings PT to UEL to date",
)
MONEY_FORMAT = "£#,##0.00;-£#,##0.00"


def _pounds(pence: int) -> Decimal:
    return Decimal(pence).scaleb(-2)


def export_xlsx(session: Session, holder: Holder, run: PayRun) -> bytes:
    """The pay run as an Excel workbook: one row per PA with the figures a payroll bureau or
    Basic PAYE Tools needs, money as numbers in pounds (two decimals), dates as dates."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Pay run"
    ws.append(list(EXPORT_COLUMNS))
    for row in fps_rows(session, holder, run):
        s = row.slip
        values: list[Any] = [
            row.name, ni_number_text(s.employment.ni_number) or "", row.tax_code,
            s.ni_category, FREQUENCY_NAMES.get(run.frequency, run.frequency), run.tax_period,
            run.period_start, run.period_end, run.pay_date,
            Decimal(s.worked_minutes) / 60,
        ]
        money = [s.gross_pence, s.holiday_pay_pence, s.sick_pay_pence, s.taxable_pence,
                 s.tax_pence, s.employee_ni_pence, s.employer_ni_pence,
                 s.employee_pension_pence, s.employer_pension_pence, row.pension_net_pay,
                 s.student_loan_pence, s.postgraduate_loan_pence, s.net_pence,
                 s.gross_to_date_pence, s.taxable_to_date_pence, s.tax_to_date_pence,
                 s.employee_ni_to_date_pence, s.employer_ni_to_date_pence,
                 s.student_loan_to_date_pence, s.postgraduate_loan_to_date_pence,
                 row.bands_to_date.at_lel, row.bands_to_date.lel_to_pt,
                 row.bands_to_date.pt_to_uel]
        ws.append(values + [_pounds(p) for p in money])
    first_money = len(EXPORT_COLUMNS) - 23 + 1
    for cells in ws.iter_rows(min_row=2):
        for c in cells[6:9]:
            c.number_format = "dd/mm/yyyy"
        for c in cells[first_money - 1:]:
            c.number_format = MONEY_FORMAT
    for i, name in enumerate(EXPORT_COLUMNS, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = max(12, len(name) + 2)
    ws.freeze_panes = "B2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_filename(run: PayRun) -> str:
    suffix = f"-correction-{run.run_number}" if run.run_number else ""
    return f"pay-run-{run.period_start.isoformat()}{suffix}.xlsx"

