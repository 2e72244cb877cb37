"""The payslip calculation: ``calculate(PayInput(...)) -> PayResult``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from . import nics, paye
from .calendar import FREQUENCY_WORDS, WEEKS_PER_PERIOD, check_frequency, check_period
from .errors import PayrollInputError, format_money, from_pence, to_pence
from .params import NICategory, YearParams, params_for_date
from .pension import Pension, contributions_pence
from .taxcode import TaxCode, parse_tax_code

_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class PayResult:
    """The figures for one payslip (Decimal pounds, two decimal places)."""

    income_tax: Decimal
    employee_ni: Decimal
    employer_ni: Decimal
    employee_pension: Decimal
    employer_pension: Decimal
    net_pay: Decimal
    gross_pay: Decimal
    taxable_pay: Decimal
    pay_input: PayInput = field(repr=False)
    _working: tuple[object, ...] = field(repr=False, compare=False)

    def explain(self) -> list[str]:
        """Plain-English lines: each step, the figure used and where it comes from."""
        from .explain import explain_lines

        return explain_lines(self)

    def as_dict(self) -> dict[str, str]:
        """The money figures as strings with two decimals (for JSON)."""
        return {
            name: str(getattr(self, name))
            for name in ("gross_pay", "taxable_pay", "income_tax", "employee_ni", "employer_ni",
                         "employee_pension", "employer_pension", "net_pay")
        }


def calculate(pay: PayInput) -> PayResult:
    """Work out tax, NI, pension and net pay for one payment.

    Raises PayrollInputError (a ValueError) with a plain-English message for bad input and
    TypeError if any amount is a float.
    """
    if not isinstance(pay, PayInput):
        raise TypeError("calculate() needs a PayInput")
    frequency = pay.frequency
    if frequency not in WEEKS_PER_PERIOD:
        check_frequency(frequency)
    period = pay.period
    if type(period) is not int or not 1 <= period <= 56:
        check_period(frequency, period)
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
    return PayResult(
        from_pence(tax),
        from_pence(ee_ni),
        from_pence(er_ni),
        from_pence(ee_pension),
        from_pence(er_pension),
        from_pence(net),
        from_pence(gross),
        from_pence(taxable),
        pay,
        (yp, code, cat, tax_working, ee_gross_pension),
    )


def period_name(frequency: str, period: int) -> str:
    return f"{FREQUENCY_WORDS[frequency]} {period}"


def money(value: Decimal) -> str:
    return format_money(int(value * 100))
