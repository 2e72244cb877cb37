"""The payslip calculation: ``calculate(PayInput(...)) -> PayResult``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from . import nics, paye, student_loan
from .calendar import MAX_PERIOD, check_frequency, check_period
from .errors import PayrollInputError, format_money, from_pence, to_pence
from .params import NICategory, YearParams, params_for_date
from .pension import Pension, contributions_pence
from .taxcode import TaxCode, parse_tax_code

_ZERO = Decimal(0)


@dataclass(slots=True)
class PayInput:
    """One payment to one employee. Money is Decimal (or int pounds); floats raise TypeError.

    pay_date: the date the employee is paid (chooses the tax year and its figures).
    frequency: "weekly", "fortnightly", "four_weekly" or "monthly".
    period: pay period number in the tax year (weeks 1-53, fortnights 1-27, four-weeks 1-14,
        months 1-12); the highest number in each range is the extra week 53/54/56 pay day.
    gross_pay: pay subject to tax and NI in this period (before any net-pay pension deduction).
    tax_code: the code HMRC gave, for example "1257L", "S1257L M1", "K585", "BR", "NT".
    ni_category: National Insurance category letter (A, B, C, H, J, M, V, X or Z).
    previous_pay_to_date / previous_tax_to_date: taxable pay and tax in this employment in
        EARLIER periods of the same tax year (tax negative if refunded). Ignored for W1/M1/X.
    pension: a Pension, or None if the worker is not in a workplace pension.
    student_loan_plan: "1", "2", "4" or "5" if HMRC (SL1 notice), the P45 or the starter
        checklist says the employee repays a student loan on that plan; None if not.
    postgraduate_loan: True if the employee repays a Postgraduate Loan (PGL1 notice, P45 or
        starter checklist). Both loans can be repaid at once.
    """

    pay_date: date
    frequency: str
    period: int
    gross_pay: Decimal
    tax_code: str = "1257L"
    ni_category: str = "A"
    previous_pay_to_date: Decimal = _ZERO
    previous_tax_to_date: Decimal = _ZERO
    pension: Pension | None = None
    student_loan_plan: str | None = None
    postgraduate_loan: bool = False


class PayResult:
    """The figures for one payslip (Decimal pounds, two decimal places).

    Figures are held as integer pence and turned into Decimal when read.
    """

    __slots__ = ("_pence", "pay_input", "_working")

    def __init__(self, pence: tuple[int, ...], pay_input: PayInput,
                 working: tuple[object, ...]) -> None:
        # tax, ee NI, er NI, ee pension, er pension, net, gross, taxable, student loan,
        # postgraduate loan
        self._pence = pence
        self.pay_input = pay_input
        self._working = working

    @property
    def income_tax(self) -> Decimal:
        """Income tax this period (negative means a refund)."""
        return from_pence(self._pence[0])

    @property
    def employee_ni(self) -> Decimal:
        return from_pence(self._pence[1])

    @property
    def employer_ni(self) -> Decimal:
        """Employer (secondary) Class 1 NI, before Employment Allowance."""
        return from_pence(self._pence[2])

    @property
    def employee_pension(self) -> Decimal:
        """Employee pension contribution taken from pay."""
        return from_pence(self._pence[3])

    @property
    def employer_pension(self) -> Decimal:
        return from_pence(self._pence[4])

    @property
    def student_loan(self) -> Decimal:
        """Student Loan deduction (plan 1, 2, 4 or 5) this period, in whole pounds."""
        return from_pence(self._pence[8])

    @property
    def postgraduate_loan(self) -> Decimal:
        """Postgraduate Loan deduction this period, in whole pounds."""
        return from_pence(self._pence[9])

    @property
    def net_pay(self) -> Decimal:
        """Gross - tax - employee NI - employee pension - student and postgraduate loans."""
        return from_pence(self._pence[5])

    @property
    def gross_pay(self) -> Decimal:
        return from_pence(self._pence[6])

    @property
    def taxable_pay(self) -> Decimal:
        """Pay that tax was worked out on this period (gross less any net-pay pension)."""
        return from_pence(self._pence[7])

    def __repr__(self) -> str:
        figures = ", ".join(f"{k}={v}" for k, v in self.as_dict().items())
        return f"PayResult({figures})"

    def explain(self) -> list[str]:
        """Plain-English lines: each step, the figure used and where it comes from."""
        from .explain import explain_lines

        return explain_lines(self)

    def as_dict(self) -> dict[str, str]:
        """The money figures as strings with two decimals (for JSON)."""
        return {
            name: str(getattr(self, name))
            for name in ("gross_pay", "taxable_pay", "income_tax", "employee_ni", "employer_ni",
                         "employee_pension", "employer_pension", "student_loan",
                         "postgraduate_loan", "net_pay")
        }


def calculate(pay: PayInput) -> PayResult:
    """Work out tax, NI, pension and net pay for one payment.

    Raises PayrollInputError (a ValueError) with a plain-English message for bad input and
    TypeError if any amount is a float.
    """
    if not isinstance(pay, PayInput):
        raise TypeError("calculate() needs a PayInput")
    frequency = pay.frequency
    if frequency not in MAX_PERIOD:
        check_frequency(frequency)
    period = pay.period
    if type(period) is not int or not 1 <= period <= MAX_PERIOD[frequency]:
        check_period(frequency, period)
    yp = params_for_date(pay.pay_date)
    code = parse_tax_code(pay.tax_code)
    cat = nics.category(yp, pay.ni_category)
    gross = to_pence(pay.gross_pay, "gross_pay")
    prev_pay = to_pence(pay.previous_pay_to_date, "previous_pay_to_date")
    prev_tax = to_pence(pay.previous_tax_to_date, "previous_tax_to_date")
    if gross < 0 or prev_pay < 0:
        raise PayrollInputError("Pay amounts cannot be negative.")
    return _calculate(pay, yp, code, cat, frequency, period, gross, prev_pay, prev_tax)


def _calculate(
    pay: PayInput,
    yp: YearParams,
    code: TaxCode,
    cat: NICategory,
    frequency: str,
    period: int,
    gross: int,
    prev_pay: int,
    prev_tax: int,
) -> PayResult:
    ee_pension = er_pension = ee_gross_pension = 0
    taxable = gross
    pension = pay.pension
    if pension is not None:
        _p, ee_gross_pension, ee_pension, er_pension, _r = contributions_pence(
            gross, frequency, pay.pay_date, pension
        )
        if pension.method == "net_pay":
            taxable = gross - ee_pension
    tax, tax_working = paye.income_tax(yp, code, frequency, period, taxable, prev_pay, prev_tax)
    ee_ni, er_ni, _th = nics.class1(yp, cat, frequency, gross)
    net = gross - tax - ee_ni - ee_pension
    if pay.student_loan_plan is None and pay.postgraduate_loan is False:
        return PayResult(
            (tax, ee_ni, er_ni, ee_pension, er_pension, net, gross, taxable, 0, 0),
            pay,
            (yp, code, cat, tax_working, ee_gross_pension, ()),
        )
    # Student and Postgraduate Loans are worked out on the pay used for National Insurance
    # (gross), not on taxable pay.
    loans = tuple(student_loan.deduction(s, frequency, gross)
                  for s in _loan_schemes(pay, yp.tax_year))
    sl = sum(d.amount for d in loans if d.scheme.key != student_loan.POSTGRADUATE)
    pgl = sum(d.amount for d in loans if d.scheme.key == student_loan.POSTGRADUATE)
    return PayResult(
        (tax, ee_ni, er_ni, ee_pension, er_pension, net - sl - pgl, gross, taxable, sl, pgl),
        pay,
        (yp, code, cat, tax_working, ee_gross_pension, loans),
    )


def _loan_schemes(pay: PayInput, start: int) -> tuple[student_loan.LoanScheme, ...]:
    """The loan figures this payment needs; PayrollInputError for a bad plan or flag."""
    plan = student_loan.check_plan(pay.student_loan_plan)
    pgl = pay.postgraduate_loan
    if not isinstance(pgl, bool):
        raise PayrollInputError("postgraduate_loan must be True or False.")
    out = []
    if plan is not None:
        out.append(student_loan.scheme(start, f"plan_{plan}"))
    if pgl:
        out.append(student_loan.scheme(start, student_loan.POSTGRADUATE))
    return tuple(out)


def money(value: Decimal) -> str:
    return format_money(int(value * 100))
