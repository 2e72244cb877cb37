"""Plain-English explanation of a payslip, built only when asked for (keeps calculate() fast)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, cast

from . import nics, paye
from .calendar import FREQUENCY_WORDS, PERIODS_PER_YEAR, WEEKS_PER_PERIOD
from .errors import format_money, to_pence
from .params import NICategory, YearParams
from .student_loan import LoanDeduction
from .taxcode import TaxCode

if TYPE_CHECKING:
    from .api import PayResult

REGION_WORDS = {
    "rest_of_uk": "England and Northern Ireland",
    "scotland": "Scotland (S code)",
    "wales": "Wales (C code)",
}


def _pct(bp: int) -> str:
    whole, frac = divmod(bp, 100)
    return f"{whole}%" if frac == 0 else f"{whole}.{frac:02d}".rstrip("0") + "%"


def _m(value: Decimal) -> str:
    return format_money(int(value * 100))


def _pounds(pence: int) -> str:
    return format_money(pence).removesuffix(".00")


def explain_lines(result: PayResult) -> list[str]:
    pay = result.pay_input
    yp, code, cat, w, ee_gross_pension, loans = cast(
        "tuple[YearParams, TaxCode, NICategory, tuple[object, ...], int, "
        "tuple[LoanDeduction, ...]]", result._working
    )
    freq = pay.frequency
    word = FREQUENCY_WORDS[freq]
    gross = to_pence(result.gross_pay, "gross")
    taxable_now = to_pence(result.taxable_pay, "taxable")
    tax = to_pence(result.income_tax, "tax")
    lines = [
        f"Pay date {pay.pay_date:%d %B %Y}: tax year {yp.label}, {word} {pay.period}. "
        f"Gross pay this {word}: {format_money(gross)}."
    ]
    lines += _tax_lines(result, yp, code, w, word, taxable_now, tax)
    lines += _ni_lines(yp, cat, freq, word, gross, result)
    if pay.pension is not None:
        p = pay.pension
        how = ("taken from pay before tax (net pay arrangement), so it lowers your taxable pay"
               if p.method == "net_pay" else
               "taken from pay after tax with 20% basic-rate tax relief added by the pension "
               "provider (relief at source)")
        basis = ("qualifying earnings (pay between the lower and upper limits for the period)"
                 if p.basis == "qualifying_earnings" else "all pay")
        lines.append(
            f"Pension: {(p.employee_rate * 100).normalize():f}% from you and "
            f"{(p.employer_rate * 100).normalize():f}% from "
            f"your employer, of {basis}. Your contribution of {format_money(ee_gross_pension)} "
            f"is {how}; {_m(result.employee_pension)} comes off your pay. Your employer pays "
            f"{_m(result.employer_pension)} on top. — source: The Pensions Regulator, automatic "
            "enrolment earnings thresholds and contributions (payroll_rules/data/pension.toml)"
        )
    lines += [_loan_line(d, word) for d in loans]
    loan_words = "".join(
        f" − {format_money(d.amount)} "
        + ("postgraduate loan" if d.scheme.key == "postgraduate" else "student loan")
        for d in loans
    )
    lines.append(
        f"Net pay: {format_money(gross)} gross − {format_money(tax)} tax − "
        f"{_m(result.employee_ni)} National Insurance − {_m(result.employee_pension)} pension"
        f"{loan_words} = {format_money(to_pence(result.net_pay, 'net'))}."
    )
    return [line.replace(" £-", " -£") for line in lines]


def _tax_lines(
    result: PayResult, yp: YearParams, code: TaxCode, w: tuple[object, ...], word: str,
    taxable_now: int, tax: int,
) -> list[str]:
    pay = result.pay_input
    cumulative = bool(w[paye.W_CUMULATIVE])
    n = cast(int, w[paye.W_N])
    free = cast(int, w[paye.W_FREE])
    taxable = cast(int, w[paye.W_TAXABLE])
    to_date = cast(int, w[paye.W_TAX_TO_DATE])
    span = WEEKS_PER_PERIOD[pay.frequency]
    table = "week" if span else "month"
    src = yp.tables_a_source
    lines = []
    region = REGION_WORDS[code.region]
    if code.cumulative and not cumulative:
        lines.append(
            f"This is the extra pay day ({word} {pay.period}, beyond the normal "
            f"{PERIODS_PER_YEAR[pay.frequency]}), so HMRC's rule is to tax it on its own "
            f"(non-cumulative, as {table} {n}). — source: HMRC PAYE manual PAYE70015"
        )
    basis = ("cumulative: tax is worked out on all your pay so far this tax year"
             if cumulative else "non-cumulative (week 1 / month 1): this payment is taxed on its own")
    lines.append(f"Tax code {code.text}: rates for {region}; basis {basis}.")
    prev_pay = to_pence(pay.previous_pay_to_date, "p") if cumulative else 0
    prev_tax = to_pence(pay.previous_tax_to_date, "p") if cumulative else 0
    basis_pay = prev_pay + taxable_now
    if taxable_now != to_pence(result.gross_pay, "g"):
        lines.append(f"Pay for tax this {word} after your net-pay pension contribution: "
                     f"{format_money(taxable_now)}.")
    if cumulative:
        lines.append(f"Taxable pay so far this tax year including this {word}: "
                     f"{format_money(prev_pay)} + {format_money(taxable_now)} = "
                     f"{format_money(basis_pay)}.")
    if code.kind == "NT":
        lines.append("Code NT means no tax is taken from this pay.")
    elif code.kind in ("L", "K"):
        per = free // n if n else 0
        what = "tax-free pay" if code.kind == "L" else "extra taxable pay (K code)"
        span_words = f"{table}s 1 to {n}" if n > 1 else f"{table} 1"
        lines.append(
            f"Your {what} for {span_words} is {format_money(free)} ({format_money(per)} a {table}, "
            f"tax code {code.text}) — source: HMRC PAYE tax tables (Tables A), {src}"
        )
        sign = "−" if code.kind == "L" else "+"
        lines.append(
            f"Taxable pay: {format_money(basis_pay)} {sign} {format_money(free)}, rounded down to "
            f"whole pounds = {_pounds(taxable * 100)}."
        )
        region_p = yp.regions[code.region]
        bands = ", ".join(
            f"{b.name} {_pct(b.rate_bp)}" + (f" on the next £{b.width:,} a year" if b.width else "")
            for b in region_p.bands
        )
        lines.append(
            f"Tax on {_pounds(taxable * 100)} with the yearly bands shared out over {n} of "
            f"{w[paye.W_NN]} {table}s ({bands}), rounded down to the penny: "
            f"{format_money(to_date)} — source: {region_p.bands[0].source}"
        )
    else:
        rate = cast(int, w[paye.W_RATE])
        lines.append(
            f"Code {code.text} taxes all pay at one rate, {_pct(rate)}: {_pounds(taxable * 100)} "
            f"(rounded down to whole pounds) × {_pct(rate)} = {format_money(to_date)}."
        )
    if cumulative:
        lines.append(
            f"Tax already taken this tax year: {format_money(prev_tax)}, so tax this {word} is "
            f"{format_money(to_date)} − {format_money(prev_tax)} = "
            f"{format_money(tax if not w[paye.W_LIMITED] else to_date - prev_tax)}"
            + (" (a refund)." if to_date - prev_tax < 0 else ".")
        )
    if w[paye.W_LIMITED]:
        lines.append(
            f"Tax is limited to {_pct(yp.regulatory_limit_bp)} of this {word}'s pay: "
            f"{format_money(cast(int, w[paye.W_LIMIT]))}. The rest is collected later. "
            f"— source: {yp.regulatory_limit_source}"
        )
    lines.append(f"Income tax this {word}: {format_money(tax)}.")
    return lines


def _ni_lines(
    yp: YearParams, cat: NICategory, freq: str, word: str, gross: int, result: PayResult
) -> list[str]:
    _ee, _er, th = nics.class1(yp, cat, freq, gross)
    how = ("HMRC's published figure" if freq in ("weekly", "monthly")
           else "the yearly figure shared over the year and rounded up to a whole pound")
    lines = [
        f"National Insurance category {cat.letter} ({cat.description}). Thresholds this {word} "
        f"({how}): Primary Threshold {_pounds(th['pt'])}, Upper Earnings Limit "
        f"{_pounds(th['uel'])}, Secondary Threshold {_pounds(th['st'])} — source: "
        f"{yp.ni_threshold_sources['pt']}; Secondary Threshold: {yp.ni_threshold_sources['st']}"
    ]
    lines.append(
        f"Employee National Insurance: {_pct(cat.employee_main_bp)} of pay between "
        f"{_pounds(th['pt'])} and {_pounds(th['uel'])}, and {_pct(cat.employee_upper_bp)} of pay "
        f"above {_pounds(th['uel'])}, each rounded to the penny (half a penny or less rounds down)"
        f" = {_m(result.employee_ni)} — source: {cat.source}; rounding: {yp.rounding_source}"
    )
    if cat.no_employer:
        lines.append("Employer National Insurance: none for this category.")
    else:
        start = cat.employer_zero_up_to or "st"
        rate = _pct(yp.employer_bp)
        if gross > th["uel"] and th[start] < th["uel"]:
            on = (f"{rate} of pay from {_pounds(th[start])} ({yp.ni_threshold_names[start]}) to "
                  f"{_pounds(th['uel'])} and {rate} of pay above {_pounds(th['uel'])}, each "
                  f"rounded to the penny")
        else:
            on = (f"{rate} of pay above {_pounds(th[start])} ({yp.ni_threshold_names[start]}), "
                  f"rounded to the penny")
        lines.append(
            f"Employer National Insurance (paid by the employer, not taken from pay): {on} = "
            f"{_m(result.employer_ni)}, before any Employment Allowance — source: "
            f"{yp.employer_source}; rounding: {yp.rounding_source}"
        )
    return lines


def _loan_line(d: LoanDeduction, word: str) -> str:
    """One plain-English line for a Student Loan or Postgraduate Loan deduction."""
    s = d.scheme
    what = s.name if s.key == "postgraduate" else f"Student loan ({s.name})"
    rate = _pct(s.rate_bp)
    src = f" — source: {s.source}; rounding: {s.rounding_source}"
    return _loan_words(d, what, rate, word) + src


def _exact(pence_times_bp: int) -> str:
    """An exact amount given as pence x basis points, in pounds without rounding: '37.575'."""
    text = f"{Decimal(pence_times_bp).scaleb(-6):f}"
    if "." in text:
        text = text.rstrip("0")
        whole, frac = text.split(".")
        text = f"{whole}.{frac:0<2}"
    return "£" + text


def _loan_words(d: LoanDeduction, what: str, rate: str, word: str) -> str:
    s = d.scheme
    pay = d.pay
    if d.weeks == 1 and word == "month":
        per = f"the monthly threshold {format_money(d.threshold)}"
    else:
        per = f"the weekly threshold {format_money(d.threshold)}"
    yearly = f" ({_pounds(s.annual)} a year)"
    over = pay - d.weeks * d.threshold
    if over <= 0:
        return (f"{what}: your pay for National Insurance, {format_money(pay)}, is not above "
                f"{per}{yearly}, so nothing is taken this {word}.")
    if d.weeks > 1:
        share = _exact(pay * 10000 // d.weeks)  # exact: 10,000 divides by 2 and by 4
        return (
            f"{what}: your pay for National Insurance, {format_money(pay)}, is shared over the "
            f"{d.weeks} weeks of this {word} ({share} a week). Each week: {rate} of the pay "
            f"above {per}{yearly}, rounded down to whole pounds; × {d.weeks} weeks = "
            f"{format_money(d.amount)}."
        )
    return (
        f"{what}: {format_money(pay)} pay for National Insurance − {per}{yearly} = "
        f"{format_money(over)}; {rate} of that is {_exact(over * s.rate_bp)}, rounded down to "
        f"whole pounds = {format_money(d.amount)}."
    )
