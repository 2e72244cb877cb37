"""Student Loan (plans 1, 2, 4, 5) and Postgraduate Loan deductions: HMRC's examples and our own."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

import payroll_rules as pr
from payroll_rules import params, student_loan
from payroll_rules.__main__ import main
from payroll_rules.student_loan import period_deduction

ROOT = Path(__file__).resolve().parents[2]
APRIL_2024, APRIL_2025, APRIL_2026 = date(2024, 4, 30), date(2025, 4, 30), date(2026, 4, 30)


# --- HMRC's worked examples (Collection of Student Loans Manual; tests/data/hmrc) ---

def _hmrc_examples() -> list[dict[str, str]]:
    with open(ROOT / "tests" / "data" / "hmrc" / "student_loan_examples.csv",
              encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("row", _hmrc_examples(), ids=lambda r: r["id"])
def test_hmrc_worked_examples(row: dict[str, str]) -> None:
    pence = {k: int(D(row[k]) * 100) for k in ("pay", "threshold", "expected")}
    rate = int(D(row["rate"]) * 10000)
    got = period_deduction(pence["pay"], pence["threshold"], rate, weeks=int(row["weeks"]))
    assert got == pence["expected"], row["source"]


def test_all_three_hmrc_examples_are_there() -> None:
    assert [r["id"].split()[0] for r in _hmrc_examples()] == ["CSLM17060", "CSLM18025",
                                                              "CSLM17065"]


# --- Real years through calculate() ---

def _pay(when: date, frequency: str, gross: str, plan: str | None = None, pgl: bool = False,
         **kw: object) -> pr.PayResult:
    return pr.calculate(pr.PayInput(when, frequency, 1, D(gross), student_loan_plan=plan,
                                    postgraduate_loan=pgl, **kw))  # type: ignore[arg-type]


@pytest.mark.parametrize("when,frequency,gross,plan,expected", [
    # PayFit's 2024/25 examples: £2,500 a month.
    (APRIL_2024, "monthly", "2500.00", "1", "37.00"),   # (2500 - 2082.50) x 9% = 37.575
    (APRIL_2024, "monthly", "2500.00", "2", "20.00"),   # (2500 - 2274.58) x 9% = 20.2878
    (APRIL_2024, "monthly", "2700.00", "4", "7.00"),    # (2700 - 2616.25) x 9% = 7.5375
    (APRIL_2024, "weekly", "600.00", "1", "10.00"),     # (600 - 480.57) x 9% = 10.7487
    (APRIL_2025, "monthly", "3000.00", "1", "74.00"),   # (3000 - 2172.08) x 9% = 74.5128
    (APRIL_2025, "monthly", "3000.00", "2", "56.00"),   # (3000 - 2372.50) x 9% = 56.475
    (APRIL_2025, "weekly", "700.00", "4", "6.00"),      # (700 - 629.71) x 9% = 6.3261
    (APRIL_2026, "monthly", "3000.00", "1", "68.00"),   # 26,900/12 = 2241.66; 758.34 x 9% = 68.2506
    (APRIL_2026, "monthly", "3000.00", "2", "49.00"),   # 29,385/12 = 2448.75; x 9% = 49.6125
    (APRIL_2026, "monthly", "3000.00", "5", "82.00"),   # 25,000/12 = 2083.33; x 9% = 82.5003
    (APRIL_2026, "weekly", "600.00", "5", "10.00"),     # 25,000/52 = 480.76; x 9% = 10.7316
])
def test_plan_deductions(when: date, frequency: str, gross: str, plan: str,
                         expected: str) -> None:
    result = _pay(when, frequency, gross, plan)
    assert result.student_loan == D(expected)
    assert result.postgraduate_loan == D("0.00")


def test_plan_1_2026_27_monthly_worked() -> None:
    # Written out: 26,900 / 12 = 2,241.666.. -> £2,241.66; £3,000 - £2,241.66 = £758.34;
    # 9% = £68.2506 -> £68.
    assert _pay(APRIL_2026, "monthly", "3000.00", "1").student_loan == D("68.00")


@pytest.mark.parametrize("when,gross,expected", [
    (APRIL_2024, "2500.00", "45.00"),  # (2500 - 1750) x 6% = 45.00 exactly
    (APRIL_2025, "2000.99", "15.00"),  # 250.99 x 6% = 15.0594
    (APRIL_2026, "1750.00", "0.00"),   # at the threshold: nothing
    (APRIL_2026, "1766.66", "0.00"),   # 16.66 x 6% = 0.9996 -> rounded down to £0
    (APRIL_2026, "1766.67", "1.00"),   # 16.67 x 6% = 1.0002 -> £1
])
def test_postgraduate_loan_monthly(when: date, gross: str, expected: str) -> None:
    assert _pay(when, "monthly", gross, pgl=True).postgraduate_loan == D(expected)


def test_both_loans_and_net_pay() -> None:
    r = _pay(APRIL_2024, "monthly", "2500.00", "1", pgl=True)
    assert (r.student_loan, r.postgraduate_loan) == (D("37.00"), D("45.00"))
    assert r.net_pay == (r.gross_pay - r.income_tax - r.employee_ni - r.employee_pension
                         - r.student_loan - r.postgraduate_loan)
    assert r.as_dict()["student_loan"] == "37.00" and r.as_dict()["postgraduate_loan"] == "45.00"
    plain = _pay(APRIL_2024, "monthly", "2500.00")
    assert plain.net_pay - r.net_pay == D("82.00")


def test_no_loan_means_no_deduction() -> None:
    r = _pay(APRIL_2026, "monthly", "9000.00")
    assert (r.student_loan, r.postgraduate_loan) == (D("0.00"), D("0.00"))


def test_at_and_just_above_threshold() -> None:
    assert _pay(APRIL_2025, "monthly", "2372.50", "2").student_loan == D("0.00")
    assert _pay(APRIL_2025, "monthly", "2383.61", "2").student_loan == D("0.00")  # 0.9999
    assert _pay(APRIL_2025, "monthly", "2383.62", "2").student_loan == D("1.00")  # 1.0008


def test_fortnightly_shares_pay_over_the_weeks() -> None:
    # 2025/26 Plan 2, weekly threshold £547.50. £1,500 a fortnight = £750 a week:
    # (750 - 547.50) x 9% = 18.225 -> £18 a week; x 2 = £36.
    assert _pay(date(2025, 4, 18), "fortnightly", "1500.00", "2").student_loan == D("36.00")
    # £1,117.22 = £558.61 a week: 11.11 x 9% = 0.9999 -> £0 a week, so £0. (A single
    # fortnightly threshold of £1,095 would give 22.22 x 9% = 1.9998 -> £1: HMRC's manual,
    # CSLM17065, shares the pay over the weeks instead.)
    assert _pay(date(2025, 4, 18), "fortnightly", "1117.22", "2").student_loan == D("0.00")


def test_four_weekly() -> None:
    # 2024/25 Plan 1, weekly £480.57: £2,400 / 4 = £600; 119.43 x 9% = 10.7487 -> £10; x 4.
    assert _pay(date(2024, 5, 3), "four_weekly", "2400.00", "1").student_loan == D("40.00")


def test_loans_use_pay_for_national_insurance_not_taxable_pay() -> None:
    # A net-pay pension lowers taxable pay but not the pay loans are worked out on.
    pension = pr.Pension(D("0.05"), D("0.03"), "net_pay", basis="all_pay")
    r = _pay(APRIL_2024, "monthly", "2500.00", "1", pension=pension)
    assert r.taxable_pay < r.gross_pay
    assert r.student_loan == D("37.00")


def test_deductions_are_whole_pounds_and_never_negative() -> None:
    for pence in range(200_000, 320_000, 777):
        for plan in ("1", "2", "4"):
            r = _pay(APRIL_2025, "monthly", f"{pence // 100}.{pence % 100:02d}", plan, pgl=True)
            for amount in (r.student_loan, r.postgraduate_loan):
                assert amount >= 0 and amount == amount.to_integral_value()


# --- Refusals: plain messages, nothing guessed ---

@pytest.mark.parametrize("when", [APRIL_2024, APRIL_2025])
def test_plan_5_has_no_deductions_before_april_2026(when: date) -> None:
    with pytest.raises(pr.PayrollInputError, match="no Plan 5 deductions"):
        _pay(when, "monthly", "3000.00", "5")


def test_plan_4_2026_27_is_refused_until_its_threshold_is_confirmed() -> None:
    with pytest.raises(pr.PayrollInputError, match="Plan 4 threshold for tax year 2026/27"):
        _pay(APRIL_2026, "monthly", "3000.00", "4")


@pytest.mark.parametrize("plan", ["3", "Plan 2", "", 7, True])
def test_unknown_plan(plan: object) -> None:
    with pytest.raises(pr.PayrollInputError, match="use plan 1, 2, 4 or 5"):
        pr.calculate(pr.PayInput(APRIL_2025, "monthly", 1, D("3000"),
                                 student_loan_plan=plan))  # type: ignore[arg-type]


def test_plan_as_a_number_is_accepted() -> None:
    r = pr.calculate(pr.PayInput(APRIL_2025, "monthly", 1, D("3000"),
                                 student_loan_plan=2))  # type: ignore[arg-type]
    assert r.student_loan == D("56.00")


def test_postgraduate_flag_must_be_true_or_false() -> None:
    with pytest.raises(pr.PayrollInputError, match="True or False"):
        pr.calculate(pr.PayInput(APRIL_2025, "monthly", 1, D("3000"),
                                 postgraduate_loan="yes"))  # type: ignore[arg-type]


# --- The data ---

def test_per_period_thresholds_follow_hmrc_rule() -> None:
    """Every stored weekly / monthly figure is the yearly one / 52 or / 12 rounded down."""
    checked = 0
    for version in params.versions("student_loan", "year"):
        for key, t in version["plans"].items():
            if "annual" not in t:
                continue
            annual = params.pounds_to_pence(t["annual"])
            if "weekly" in t:
                assert params.pounds_to_pence(t["weekly"]) == annual // 52, key
                checked += 1
            if "monthly" in t:
                assert params.pounds_to_pence(t["monthly"]) == annual // 12, key
                checked += 1
    assert checked == 18


def test_rates_and_statuses() -> None:
    for start in (2024, 2025, 2026):
        year = student_loan.loan_year(start)
        assert set(year) == {"plan_1", "plan_2", "plan_4", "plan_5", "postgraduate"}
        for key, s in year.items():
            if s.status == "secondary":
                assert s.rate_bp == (600 if key == "postgraduate" else 900)
                assert s.weekly > 0 and s.monthly > 0 and s.annual > 0
            else:
                assert s.status in ("not_published", "not_collected")
    assert student_loan.loan_year(2024)["plan_5"].status == "not_collected"
    assert student_loan.loan_year(2026)["plan_4"].status == "not_published"
    derived = student_loan.loan_year(2026)["plan_5"]
    assert (derived.weekly, derived.monthly) == (48_076, 208_333)


# --- Explanation and command line ---

def test_explain_shows_the_sum() -> None:
    lines = _pay(APRIL_2024, "monthly", "2500.00", "1", pgl=True).explain()
    sl = next(x for x in lines if x.startswith("Student loan (Plan 1)"))
    assert ("£2,500.00 pay for National Insurance − the monthly threshold £2,082.50 "
            "(£24,990 a year) = £417.50; 9% of that is £37.575, rounded down to whole pounds = "
            "£37.00") in sl
    assert "source:" in sl and "CSLM17060" in sl
    pgl = next(x for x in lines if x.startswith("Postgraduate Loan"))
    assert "6% of that is £45.00" in pgl
    assert lines[-1].endswith("− £37.00 student loan − £45.00 postgraduate loan = £2,011.64.")


def test_explain_below_threshold_and_weeks() -> None:
    low = _pay(APRIL_2025, "weekly", "400.00", "2").explain()
    assert any("is not above the weekly threshold £547.50" in x for x in low)
    fort = _pay(date(2025, 4, 18), "fortnightly", "1500.00", "2").explain()
    assert any("shared over the 2 weeks of this fortnight (£750.00 a week)" in x
               and "× 2 weeks = £36.00" in x for x in fort)


CLI = ["payslip", "--date", "2026-04-30", "--frequency", "monthly", "--period", "1",
       "--gross", "2500.00"]


def test_cli_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*CLI, "--student-loan", "2", "--postgraduate-loan"]) == 0
    out = capsys.readouterr().out
    assert "Student loan (Plan 2)" in out and "£4.00" in out   # 51.25 x 9% = 4.6125
    assert "Postgraduate loan" in out and "£45.00" in out
    assert "Net pay                            £2,044.64" in out


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*CLI, "--student-loan", "5", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["student_loan_plan"] == "5" and data["student_loan"] == "37.00"  # 416.67 x 9%
    assert data["postgraduate_loan"] == "0.00" and data["postgraduate_loan_repaid"] is False


def test_cli_without_loans_shows_no_loan_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(CLI) == 0
    assert "Student loan" not in capsys.readouterr().out


def test_cli_refusals_exit_2() -> None:
    for extra in (["--student-loan", "4"], ["--student-loan", "3"]):
        done = subprocess.run([sys.executable, "-m", "payroll_rules", *CLI, *extra], cwd=ROOT,
                              capture_output=True, text=True)
        assert done.returncode == 2
        assert done.stderr.count("\n") == 1 and done.stderr.startswith("error:")
