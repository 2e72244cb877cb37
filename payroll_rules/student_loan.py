"""Student Loan (plans 1, 2, 4 and 5) and Postgraduate Loan deductions from pay.

The rules, in our own words (HMRC Collection of Student Loans Manual, CSLM10111, CSLM16030,
CSLM17060, CSLM17065):

* The pay a deduction is worked out on is the pay used for the employer's Class 1 National
  Insurance (the gross pay, before a net-pay pension contribution), not the taxable pay.
* Each pay period stands on its own (nothing is carried from one period to the next).
* Weekly and monthly pay: take the plan's weekly or monthly threshold from the pay. If anything
  is left over, multiply it by the plan's rate (9% for plans 1, 2, 4 and 5; 6% for the
  Postgraduate Loan) and round the result DOWN to a whole pound. Nothing is due at or below the
  threshold.
* Pay periods of several weeks (fortnightly, four-weekly): share the pay equally over the weeks,
  work out the deduction for one week's share as above (rounded down to a whole pound), and
  multiply it by the number of weeks (CSLM17065).
* Someone repays one plan (1, 2, 4 or 5) at a time, and may repay a Postgraduate Loan as well;
  the two deductions are worked out separately, each on the same pay.

The figures, with their sources and how sure each one is, are in data/student_loan.toml. A plan
whose figure for the year is not confirmed (or that has no deductions that year) is refused with
a plain message, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .calendar import WEEKS_PER_PERIOD, tax_year_label, tax_year_start
from .errors import PayrollInputError
from .params import Table, pounds_to_pence, rate_bp, source_text, versions

PLANS = ("1", "2", "4", "5")
POSTGRADUATE = "postgraduate"

__all__ = ["PLANS", "LoanScheme", "LoanDeduction", "check_plan", "deduction", "loan_year",
           "period_deduction", "scheme"]


@dataclass(frozen=True, slots=True)
class LoanScheme:
    """One plan's figures for one tax year (pence; rate in basis points)."""

    key: str  # "plan_1", "plan_2", "plan_4", "plan_5" or "postgraduate"
    name: str  # "Plan 2", "Postgraduate Loan"
    status: str  # "secondary", "not_published" or "not_collected" (see the data file)
    rate_bp: int
    annual: int
    weekly: int
    monthly: int
    note: str
    source: str
    rounding_source: str


@dataclass(frozen=True, slots=True)
class LoanDeduction:
    """A deduction and how it was worked out (for the payslip explanation)."""

    scheme: LoanScheme
    amount: int  # pence, a whole number of pounds
    pay: int  # pence of pay for National Insurance the deduction was worked out on
    threshold: int  # pence: the threshold for one week (multi-week periods) or for the period
    weeks: int  # number of weeks the pay was shared over (1 for weekly and monthly)


def _per_period(annual_pence: int, divisor: int) -> int:
    """Yearly threshold / 52 or / 12, rounded down to the penny (how HMRC's figures are made)."""
    return annual_pence // divisor


def _scheme(key: str, t: Table, rounding_source: str) -> LoanScheme:
    status = str(t["status"])
    if status in ("not_published", "not_collected"):
        return LoanScheme(key, t["name"], status, 0, 0, 0, 0, str(t.get("note", "")),
                          source_text(t), rounding_source)
    annual = pounds_to_pence(t["annual"])
    weekly = pounds_to_pence(t["weekly"]) if "weekly" in t else _per_period(annual, 52)
    monthly = pounds_to_pence(t["monthly"]) if "monthly" in t else _per_period(annual, 12)
    return LoanScheme(key, t["name"], status, rate_bp(t["rate"]), annual, weekly, monthly,
                      str(t.get("note", "")), source_text(t), rounding_source)


@cache
def loan_year(start: int) -> dict[str, LoanScheme]:
    """Every plan's figures for the tax year starting 6 April ``start`` (cached)."""
    for v in versions("student_loan", "year"):
        if tax_year_start(v["effective"]) == start:
            rounding = source_text(v["rounding"])
            return {key: _scheme(key, t, rounding) for key, t in v["plans"].items()}
    raise PayrollInputError(
        f"Tax year {tax_year_label(start)} is not supported for student loan deductions."
    )


def check_plan(plan: object) -> str | None:
    """The plan as "1", "2", "4" or "5" (None for no plan); PayrollInputError otherwise."""
    if plan is None:
        return None
    text = str(plan).strip() if isinstance(plan, (str, int)) and not isinstance(plan, bool) else ""
    if text not in PLANS:
        raise PayrollInputError(
            f"Student loan plan {plan!r} is not known: use plan 1, 2, 4 or 5 (the plan type is on "
            "the SL1 start notice from HMRC, the P45 or the starter checklist)."
        )
    return text


def scheme(start: int, key: str) -> LoanScheme:
    """The figures for ``key`` ("plan_2", "postgraduate", ...), refusing unusable years."""
    s = loan_year(start)[key]
    label = tax_year_label(start)
    if s.status == "not_collected":
        raise PayrollInputError(
            f"There are no {s.name} deductions from pay in tax year {label}. {s.note}"
        )
    if s.status == "not_published":
        raise PayrollInputError(
            f"The {s.name} threshold for tax year {label} is not confirmed in this payroll "
            "module's figures yet, so the deduction cannot be worked out. Check the figure on "
            "GOV.UK (Rates and thresholds for employers) and add it to the data."
        )
    return s


def period_deduction(pay: int, threshold: int, rate_bp: int, weeks: int = 1) -> int:
    """HMRC's rule in whole numbers: pence of pay, pence of threshold -> pence (whole pounds).

    ``threshold`` is for the whole period when ``weeks`` is 1 (a week or a month), or for ONE
    week when the pay covers ``weeks`` weeks: the pay is then shared equally over the weeks, each
    week's deduction is rounded down to whole pounds, and the result is multiplied by ``weeks``.
    (pay / weeks - threshold) x rate is worked as (pay - weeks x threshold) x rate / weeks, so
    nothing is rounded before the final rounding down.
    """
    over = pay - weeks * threshold
    if over <= 0:
        return 0
    return over * rate_bp // (1_000_000 * weeks) * weeks * 100


def deduction(s: LoanScheme, frequency: str, pay: int) -> LoanDeduction:
    """The deduction in pence (whole pounds) from ``pay`` pence of pay for National Insurance."""
    weeks = WEEKS_PER_PERIOD[frequency]
    if weeks == 0:  # monthly
        return LoanDeduction(s, period_deduction(pay, s.monthly, s.rate_bp), pay, s.monthly, 1)
    return LoanDeduction(s, period_deduction(pay, s.weekly, s.rate_bp, weeks), pay, s.weekly,
                         weeks)
