"""Class 1 National Insurance by HMRC's exact percentage method (non-directors).

Each earnings period stands alone. Thresholds per period: weekly and monthly as HMRC publishes;
fortnightly and four-weekly are the annual figure / 26 or / 13 rounded up to the whole pound.

Rounding. A contribution is rounded to the penny by looking only at the third decimal place of
pounds: 5 or less rounds down, 6 or more rounds up (so £0.0056 is £0.00 and £0.0060 is £0.01).
This is the "halfpenny or less is disregarded" rule of the Social Security (Contributions)
Regulations 2001, regulation 12(1).

What is rounded. HMRC's specification for payroll software works each contribution out in
slices of earnings and rounds each slice, and this module does the same:

* employee: earnings from the Primary Threshold to the Upper Earnings Limit at the main rate,
  rounded; earnings above the Upper Earnings Limit at the upper rate, rounded; added together.
* employer: earnings from the Secondary Threshold (or, for categories H, M, V and Z, the upper
  secondary threshold) to the Upper Earnings Limit, rounded; earnings above the Upper Earnings
  Limit, rounded; added together. The employer's rate is the same on both slices, so the
  split only matters when the rate times a whole number of pounds leaves a fraction of a penny.

At 15% (2025/26 on) whole pounds times 15% is always whole pence, so rounding by slice and
rounding the total once give the same answer. At 13.8% (2024/25) they can differ by a penny when
pay is above the Upper Earnings Limit: £4,189.05 a month gives £473.48 + £0.01 = £473.49 by
slice, where 13.8% of the whole £3,431.05 above the Secondary Threshold, rounded once, would be
£473.48. We follow HMRC's software specification (the slice method) because:

* HMRC's "National Insurance guidance for software developers 2020 to 2021", worked example 2
  (category A, £1,000 a week, Secondary Threshold £169, Upper Earnings Limit £962, 13.8%) gives
  employer contributions of £114.67. Rounding by slice gives £109.43 + £5.24 = £114.67;
  rounding once would give £114.68 (13.8% of £831 is £114.678).
* HMRC's National Insurance payroll technical specification (the steps payroll software must
  follow, as quoted in the open-source payroll engine Payetools) rounds the employer's
  contributions on earnings above the Upper Earnings Limit separately from those below it; the
  CIPP has noted that since 2022 HMRC's employer guide CWG2 (section 3.9.7, its Freeport
  example) also treats earnings above the Upper Earnings Limit as a separate calculation.
* HMRC's own NIC test data v1.1 (2025/26) matches this method to the penny for every category
  we support (tests/payroll_rules/test_hmrc_golden.py).

HMRC's guidance calls the employer's rate a rate "on the total earnings above the Secondary
Threshold"; that describes the rate, and its worked examples show how to round. HMRC accepts
results that differ from its own by no more than one penny.
"""

from __future__ import annotations

from .errors import PayrollInputError
from .params import NICategory, YearParams


def ni_round(amount_pence: int, rate_bp: int) -> int:
    """amount x rate in pence, rounded by HMRC's third-decimal rule (0.5p and below round down)."""
    tenths = amount_pence * rate_bp // 1000  # tenths of a penny = third decimal place of £
    pence, digit = divmod(tenths, 10)
    return pence + 1 if digit > 5 else pence


def category(yp: YearParams, letter: str) -> NICategory:
    try:
        return yp.categories[letter]
    except (KeyError, TypeError):
        known = ", ".join(sorted(yp.categories))
        raise PayrollInputError(
            f"National Insurance category {letter!r} is not supported: use one of {known}."
        ) from None


def class1(
    yp: YearParams, cat: NICategory, frequency: str, pay: int
) -> tuple[int, int, dict[str, int]]:
    """(employee NI, employer NI, thresholds used) in pence for one earnings period."""
    th = yp.ni_thresholds[frequency]
    pt = th["pt"]
    uel = th["uel"]
    capped = pay if pay < uel else uel  # pay up to the UEL (no min() call: this is the hot path)
    employee = 0
    if pay > pt:
        employee = ni_round(capped - pt, cat.employee_main_bp)
        if pay > uel:
            employee += ni_round(pay - uel, cat.employee_upper_bp)
    employer = 0
    if not cat.no_employer:
        start = th[cat.employer_zero_up_to] if cat.employer_zero_up_to else th["st"]
        rate = yp.employer_bp
        # Slice 1: the threshold to the UEL; slice 2: above the UEL; each rounded on its own.
        if pay > start and start < uel:
            employer = ni_round(capped - start, rate)
        top = uel if uel > start else start
        if pay > top:
            employer += ni_round(pay - top, rate)
    return employee, employer, th


def earnings_bands(th: dict[str, int], pay: int) -> tuple[int, int, int]:
    """Earnings at the LEL, from LEL to PT and from PT to UEL (pence), as reported to HMRC."""
    lel, pt, uel = th["lel"], th["pt"], th["uel"]
    if pay < lel:
        return 0, 0, 0
    return lel, max(0, min(pay, pt) - lel), max(0, min(pay, uel) - pt)
