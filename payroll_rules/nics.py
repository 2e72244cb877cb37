"""Class 1 National Insurance by HMRC's exact percentage method (non-directors).

Each earnings period stands alone. Thresholds per period: weekly and monthly as HMRC publishes;
fortnightly and four-weekly are the annual figure / 26 or / 13 rounded up to the whole pound.
Each band (PT to UEL, above UEL; for the employer ST (or the upper secondary threshold for
categories H, M, V, Z) to UEL, above UEL) is worked out and rounded separately, looking only at
the third decimal place of pounds: 5 or less rounds down, 6 or more rounds up (so £0.0056 is £0.00
and £0.0060 is £0.01).
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
    employee = 0
    if pay > pt:
        employee = ni_round(min(pay, uel) - pt, cat.employee_main_bp)
        if pay > uel:
            employee += ni_round(pay - uel, cat.employee_upper_bp)
    employer = 0
    if not cat.no_employer:
        start = th[cat.employer_zero_up_to] if cat.employer_zero_up_to else th["st"]
        rate = yp.employer_bp
        if pay > start and start < uel:
            employer = ni_round(min(pay, uel) - start, rate)
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
