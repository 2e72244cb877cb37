"""A pay run worked out: each PA's payslip figures, the employer's cost, and what the employer
must pay and when. Pure: plain objects in and out (the service reads and saves the records).

Every payslip figure is ``payroll_rules.calculate`` for the PA's inputs, taken as whole pence:
the pay lines added up for gross pay, the tax code, NI category, pension terms and loans, and
the pay and tax to date from earlier periods of the tax year (``before``). A correcting run
works the period out again as a whole and its payslip is the difference from what approved
runs already paid for the period (``already``), so the period's totals end exactly as if it
had been right first time (docs/payroll.md, "Corrections").

Payments due (docs/payroll.md, "What the employer pays and when"):

- net pay to each PA on the pay date;
- HMRC: tax, employee and employer NI, student and postgraduate loans, less the Employment
  Allowance used by this run, due by the 22nd after the tax month ends
  (``payroll_rules.hmrc_payment_due_date``, electronic payment), or after the tax quarter ends
  when the holder's average monthly HMRC payment this tax year is under £1,500;
- pension: employee and employer contributions to each scheme by the 22nd of the month after
  the month the pay date falls in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

import payroll_rules
from payroll_rules import PayInput, PayResult, Pension
from payroll_rules.calendar import tax_month, tax_year_start
from payroll_rules.params import payment_due_rules

from .lines import PayLine

HOLIDAY_KINDS = ("holiday", "rolled_up_holiday")
SICK_KINDS = ("sick_pay",)
PENSION_DAY = 22  # The Pensions Regulator: by the 22nd of the month after deduction

# payroll_rules' automatic-enrolment categories, as kept on a payslip (Payslip.auto_enrolment
# holds at most 20 characters).
AUTO_ENROLMENT_CODES = {
    "eligible_jobholder": "eligible",
    "non_eligible_jobholder": "non_eligible",
    "entitled_worker": "entitled",
    "not_applicable": "not_applicable",
}
AUTO_ENROLMENT_WORDS = {
    "eligible": "Eligible jobholder: must be enrolled in a workplace pension",
    "non_eligible": "Non-eligible jobholder: can opt in, with employer contributions",
    "entitled": "Entitled worker: can ask to join a pension scheme",
    "not_applicable": "Outside automatic enrolment (under 16, or 75 or over)",
}


class RunProblem(ValueError):
    """A PA's pay that cannot be worked out as asked (the service names the PA and the fix)."""

    def __init__(self, key: int, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


@dataclass(frozen=True, slots=True)
class Figures:
    """A payslip's figures in pence (or totals of several payslips)."""

    gross: int = 0
    holiday: int = 0
    sick: int = 0
    taxable: int = 0
    tax: int = 0
    employee_ni: int = 0
    employer_ni: int = 0
    employee_pension: int = 0
    employer_pension: int = 0
    student_loan: int = 0
    postgraduate_loan: int = 0
    net: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(*(getattr(self, f) + getattr(other, f) for f in NAMES))

    def __sub__(self, other: Figures) -> Figures:
        return Figures(*(getattr(self, f) - getattr(other, f) for f in NAMES))

    @property
    def employer_cost(self) -> int:
        """Gross pay + employer NI + employer pension (before any Employment Allowance)."""
        return self.gross + self.employer_ni + self.employer_pension

    @property
    def hmrc(self) -> int:
        """What this pay adds to the HMRC payment, before the Employment Allowance."""
        return (self.tax + self.employee_ni + self.employer_ni + self.student_loan
                + self.postgraduate_loan)

    def as_dict(self) -> dict[str, int]:
        return {f"{f}_pence": getattr(self, f) for f in NAMES}


NAMES = tuple(f.name for f in fields(Figures))
ZERO = Figures()


def total(items: Iterable[Figures]) -> Figures:
    out = ZERO
    for item in items:
        out = out + item
    return out


@dataclass(frozen=True, slots=True)
class PAInput:
    """One PA's pay for the period.

    before: this employment's totals from approved payslips of EARLIER periods of the tax year.
    already: what approved runs already paid for this same period (a correcting run), or ZERO.
    age / state_pension_age: for the automatic-enrolment assessment (None: not assessed).
    """

    key: int
    name: str
    lines: tuple[PayLine, ...]
    tax_code: str
    ni_category: str
    pension: Pension | None = None
    pension_scheme: str | None = None
    student_loan_plan: str | None = None
    postgraduate_loan: bool = False
    before: Figures = ZERO
    already: Figures = ZERO
    worked_minutes: int = 0
    age: int | None = None
    state_pension_age: int | None = None


@dataclass(frozen=True, slots=True)
class PAResult:
    """One PA worked out. ``full`` is the period as calculate gives it; ``figures`` is this
    payslip (``full`` less ``already``: the same as ``full`` for a first run)."""

    key: int
    name: str
    pay_input: PayInput
    result: PayResult
    full: Figures
    figures: Figures
    to_date: Figures
    auto_enrolment: str | None
    lines: tuple[PayLine, ...]
    pension_scheme: str | None
    worked_minutes: int


def pay_input(pa: PAInput, frequency: str, pay_date: date, period: int) -> PayInput:
    gross = sum(line.amount_pence for line in pa.lines)
    if gross < 0:
        raise RunProblem(pa.key, "Their pay for the period comes to less than nothing")
    return PayInput(
        pay_date=pay_date, frequency=frequency, period=period,
        gross_pay=Decimal(gross).scaleb(-2), tax_code=pa.tax_code, ni_category=pa.ni_category,
        previous_pay_to_date=Decimal(pa.before.taxable).scaleb(-2),
        previous_tax_to_date=Decimal(pa.before.tax).scaleb(-2),
        pension=pa.pension, student_loan_plan=pa.student_loan_plan,
        postgraduate_loan=pa.postgraduate_loan)


def _pence(value: Decimal) -> int:
    return int(value * 100)


def figures_of(result: PayResult, lines: Sequence[PayLine]) -> Figures:
    """A calculate() result as whole pence, with the holiday and sick pay in its gross."""
    return Figures(
        gross=_pence(result.gross_pay),
        holiday=sum(x.amount_pence for x in lines if x.kind in HOLIDAY_KINDS),
        sick=sum(x.amount_pence for x in lines if x.kind in SICK_KINDS),
        taxable=_pence(result.taxable_pay), tax=_pence(result.income_tax),
        employee_ni=_pence(result.employee_ni), employer_ni=_pence(result.employer_ni),
        employee_pension=_pence(result.employee_pension),
        employer_pension=_pence(result.employer_pension),
        student_loan=_pence(result.student_loan),
        postgraduate_loan=_pence(result.postgraduate_loan), net=_pence(result.net_pay))


def work_out(pas: Sequence[PAInput], frequency: str, pay_date: date) -> list[PAResult]:
    """Each PA's payslip for the period paid on ``pay_date``.

    Raises RunProblem for a PA whose pay cannot be worked out (payroll_rules refused an
    input, or a correcting run would take pay back) and ValueError for a bad frequency.
    """
    period = payroll_rules.period_for_date(frequency, pay_date)
    out = []
    for pa in pas:
        pay = pay_input(pa, frequency, pay_date, period)
        try:
            result = payroll_rules.calculate(pay)
        except payroll_rules.PayrollInputError as exc:
            raise RunProblem(pa.key, str(exc)) from exc
        full = figures_of(result, pa.lines)
        figures = full - pa.already
        # Net pay can still come out below nothing: a few pence more pay can bring a whole
        # pound more taxable pay, and so more tax (docs/payroll.md, "Corrections").
        if figures.gross < 0:
            raise RunProblem(pa.key, "The correction would take back pay already paid "
                                     "(taking back an overpayment is not built yet)")
        status = None
        if pa.age is not None:
            status = AUTO_ENROLMENT_CODES[payroll_rules.auto_enrolment_status(
                pa.age, result.gross_pay, frequency, pay_date,
                state_pension_age=pa.state_pension_age)]
        out.append(PAResult(pa.key, pa.name, pay, result, full, figures, pa.before + full,
                            status, pa.lines, pa.pension_scheme, pa.worked_minutes))
    return out


# --- what the employer must pay, and when ----------------------------------------------------

@dataclass(frozen=True, slots=True)
class Due:
    kind: str  # "net_pay", "hmrc" or "pension" (PAYMENT_KINDS)
    payee: str
    amount_pence: int
    due_date: date
    key: int | None = None  # the PA, for net pay
    tax_year: int | None = None
    tax_month: int | None = None


@dataclass(frozen=True, slots=True)
class HmrcSoFar:
    """The holder's approved runs earlier in the same tax year (all frequencies)."""

    employer_ni_pence: int = 0  # employer NI on their payslips
    hmrc_pence: int = 0  # HMRC payments they left due
    first_month: int | None = None  # the first tax month with an HMRC payment


@dataclass(frozen=True, slots=True)
class Payments:
    due: list[Due]
    allowance_used_pence: int  # Employment Allowance this run uses (negative gives some back)
    hmrc_pence: int
    quarterly: bool
    employer_cost_pence: int  # gross + employer NI + employer pension - allowance used


def allowance_used(allowance_pence: int, employer_ni_before: int, employer_ni_now: int) -> int:
    """The Employment Allowance offsets employer NI across the tax year until it is used up:
    after any run, the allowance used so far is the smaller of the allowance and the employer
    NI so far. This run uses the difference that makes."""
    before = min(allowance_pence, max(0, employer_ni_before))
    after = min(allowance_pence, max(0, employer_ni_before + employer_ni_now))
    return after - before


def pension_due_date(pay_date: date) -> date:
    year, month = (pay_date.year + 1, 1) if pay_date.month == 12 else (pay_date.year,
                                                                        pay_date.month + 1)
    return date(year, month, PENSION_DAY)


def payments_due(results: Sequence[PAResult], pay_date: date, *, allowance_pence: int,
                 so_far: HmrcSoFar) -> Payments:
    """Net pay, HMRC and pension payments one pay run leaves the employer owing.

    ``allowance_pence`` is the year's Employment Allowance when the holder claims it, else 0.
    """
    due: list[Due] = []
    for r in results:
        if r.figures.net > 0:
            due.append(Due("net_pay", r.name, r.figures.net, pay_date, key=r.key))
    sums = total(r.figures for r in results)
    used = allowance_used(allowance_pence, so_far.employer_ni_pence, sums.employer_ni)
    hmrc = sums.hmrc - used
    month = tax_month(pay_date)
    year = tax_year_start(pay_date)
    first = month if so_far.first_month is None else min(so_far.first_month, month)
    limit = int(payment_due_rules(pay_date)["quarterly_if_monthly_average_below"]) * 100
    months = month - first + 1
    quarterly = (so_far.hmrc_pence + hmrc) < limit * months
    if hmrc != 0:
        due.append(Due("hmrc", "HM Revenue and Customs", hmrc,
                       payroll_rules.hmrc_payment_due_date(pay_date, quarterly=quarterly),
                       tax_year=year, tax_month=month))
    schemes: dict[str, int] = {}
    for r in results:
        amount = r.figures.employee_pension + r.figures.employer_pension
        if amount:
            name = r.pension_scheme or "Pension scheme"
            schemes[name] = schemes.get(name, 0) + amount
    for name, amount in schemes.items():
        due.append(Due("pension", name, amount, pension_due_date(pay_date)))
    return Payments(due, used, hmrc, quarterly, sums.employer_cost - used)
