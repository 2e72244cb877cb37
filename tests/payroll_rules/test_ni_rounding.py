"""Employer NI at 13.8% (2024/25): rounded by slice (ST to UEL, above UEL), as HMRC's software does.

At 15% the two ways of rounding always agree, so HMRC's 2025/26 test data cannot tell them apart.
At 13.8% they differ by a penny for some pay above the Upper Earnings Limit. HMRC's worked example
(National Insurance guidance for software developers 2020 to 2021, example 2: £1,000 a week,
category A, ST £169, UEL £962, 13.8%) gives employer NI of £114.67, which only the slice method
reproduces (rounding 13.8% of £831 once gives £114.68).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal as D

import pytest

import payroll_rules as pr
from payroll_rules import nics, params
from payroll_rules.nics import ni_round


def _once(pay_pence: int, start_pence: int, rate_bp: int) -> int:
    """The other reading: the employer's rate on all pay above the threshold, rounded once."""
    return ni_round(pay_pence - start_pence, rate_bp) if pay_pence > start_pence else 0


def test_hmrc_2020_21_worked_example_2() -> None:
    """HMRC's own example at 13.8%: £1,000 a week -> employee £94.24, employer £114.67."""
    yp24 = params.year_params(2024)
    weekly = dict(yp24.ni_thresholds["weekly"], lel=12000, pt=18300, st=16900, uel=96200,
                  ust=96200, aust=96200, vust=96200)
    cat_a = dataclasses.replace(yp24.categories["A"], employee_main_bp=1200)
    yp2020 = dataclasses.replace(yp24, ni_thresholds={"weekly": weekly})
    employee, employer, _th = nics.class1(yp2020, cat_a, "weekly", 100_000)
    assert (employee, employer) == (9424, 11467)
    assert _once(100_000, 16900, 1380) == 11468  # rounding once would be a penny more


@pytest.mark.parametrize("frequency,gross,by_slice,once", [
    # 2024/25 thresholds: ST £175 / £350 / £700 / £758; UEL £967 / £1,934 / £3,867 / £4,189.
    ("weekly", "967.05", "109.31", "109.30"),   # 792 x 13.8% = 109.296 -> 109.30; 0.05 -> 0.01
    ("weekly", "968.00", "109.44", "109.43"),   # 109.30 + (1 x 13.8% = 0.138 -> 0.14)
    ("four_weekly", "3867.05", "437.06", "437.05"),  # 3167 x 13.8% = 437.046 -> 437.05; +0.01
    ("monthly", "4189.05", "473.49", "473.48"),  # 3431 x 13.8% = 473.478 -> 473.48; +0.01
])
def test_2024_25_employer_ni_rounded_by_slice(frequency: str, gross: str, by_slice: str,
                                               once: str) -> None:
    when = date(2024, 4, 30) if frequency == "monthly" else date(2024, 4, 6)
    result = pr.calculate(pr.PayInput(when, frequency, 1, D(gross)))
    assert result.employer_ni == D(by_slice)
    th = params.year_params(2024).ni_thresholds[frequency]
    assert _once(int(D(gross) * 100), th["st"], 1380) == int(D(once) * 100)


@pytest.mark.parametrize("frequency,gross", [
    ("weekly", "967.05"), ("weekly", "1234.56"), ("monthly", "4189.05"), ("monthly", "9999.99"),
    ("fortnightly", "1934.05"), ("four_weekly", "3867.05"),
])
def test_15_percent_slice_and_once_agree(frequency: str, gross: str) -> None:
    """From 2025/26 (15%) the method cannot change a result: whole pounds x 15% is whole pence."""
    result = pr.calculate(pr.PayInput(date(2025, 4, 30), frequency, 1, D(gross)))
    th = params.year_params(2025).ni_thresholds[frequency]
    assert int(result.employer_ni * 100) == _once(int(D(gross) * 100), th["st"], 1500)


def test_2024_25_under_uel_is_one_slice() -> None:
    # Below the UEL there is one slice: 13.8% of (£4,000 - £758) = 447.396 -> £447.40.
    result = pr.calculate(pr.PayInput(date(2024, 4, 30), "monthly", 1, D("4000.00")))
    assert result.employer_ni == D("447.40")


def test_2024_25_upper_secondary_threshold_categories() -> None:
    # Category M: nothing up to the UST (= UEL £4,189 a month), 13.8% above it.
    # £4,200.05: 11.05 x 13.8% = 1.5249 -> £1.52.
    result = pr.calculate(pr.PayInput(date(2024, 4, 30), "monthly", 1, D("4200.05"), "1257L", "M"))
    assert result.employer_ni == D("1.52")


def test_explain_names_both_slices_above_uel() -> None:
    result = pr.calculate(pr.PayInput(date(2024, 4, 30), "monthly", 1, D("4189.05")))
    line = next(x for x in result.explain() if x.startswith("Employer National Insurance"))
    assert "from £758 (Secondary Threshold) to £4,189" in line
    assert "above £4,189, each rounded to the penny = £473.49" in line


def test_2024_25_slice_and_once_never_differ_by_more_than_a_penny() -> None:
    """HMRC accepts a difference of up to £0.01; the two readings never differ by more."""
    yp = params.year_params(2024)
    cat = yp.categories["A"]
    differ = 0
    for frequency in ("weekly", "fortnightly", "four_weekly", "monthly"):
        th = yp.ni_thresholds[frequency]
        for pay in range(th["uel"] - 500, th["uel"] + 20_000, 7):
            _ee, er, _th = nics.class1(yp, cat, frequency, pay)
            gap = er - _once(pay, th["st"], 1380)
            assert gap in (-1, 0, 1)
            differ += gap != 0
    assert differ > 0  # and at 13.8% they do differ, so the choice of method matters
