"""PAYE cases HMRC's test data does not cover (worked by hand from PAYROLL_RULES.md §2)."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

import payroll_rules as pr


def calc(frequency: str, period: int, gross: str, code: str = "1257L", prev_pay: str = "0",
         prev_tax: str = "0", year: int = 2026, **kw: object) -> pr.PayResult:
    pay_date = pr.period_start(year, frequency, period)
    return pr.calculate(pr.PayInput(pay_date, frequency, period, D(gross), code, "A",
                                    D(prev_pay), D(prev_tax), **kw))  # type: ignore[arg-type]


def test_fortnightly_and_four_weekly_use_tax_weeks() -> None:
    # fortnight 1 = week 2: free pay 2 x £241.92 = £483.84; 600 - 483.84 = 116.16 -> £116 x 20%
    assert calc("fortnightly", 1, "600").income_tax == D("23.20")
    # four-week 1 = week 4: free pay 4 x £241.92 = £967.68; 1000 - 967.68 -> £32 x 20%
    assert calc("four_weekly", 1, "1000").income_tax == D("6.40")
    # four-week 3 = week 12: free pay £2,903.04; pay to date 3000 -> £96 -> £19.20 to date
    assert calc("four_weekly", 3, "1000", prev_pay="2000", prev_tax="12.80").income_tax == D("6.40")


@pytest.mark.parametrize("frequency,periods", [("four_weekly", 13), ("fortnightly", 26)])
def test_whole_year_cumulative(frequency: str, periods: int) -> None:
    """Equal pay all year: each period's tax matches the running total; year total is exact."""
    pay = D("2500.00") if frequency == "four_weekly" else D("1250.00")
    prev_pay = prev_tax = D(0)
    for period in range(1, periods + 1):
        r = calc(frequency, period, str(pay), prev_pay=str(prev_pay), prev_tax=str(prev_tax))
        prev_pay += r.taxable_pay
        prev_tax += r.income_tax
    # annual: 32,500 - 13 x 4 x 241.92 (= 12,579.84) = 19,920.16 -> £19,920 x 20% = £3,984.00
    assert prev_tax == D("3984.00")


def test_week_53_is_non_cumulative() -> None:
    # week 53: taxed as week 1 on its own: 500 - 241.92 -> £258 x 20% = £51.60
    r = calc("weekly", 53, "500", prev_pay="26000", prev_tax="2703.60", year=2025)
    assert r.income_tax == D("51.60")
    # four-week 14 (week 56) uses the week-4 table; fortnight 27 (week 54) the week-2 table
    assert calc("four_weekly", 14, "1000", prev_pay="13000", prev_tax="1").income_tax == D("6.40")
    assert calc("fortnightly", 27, "600", prev_pay="15600", prev_tax="1").income_tax == D("23.20")


def test_w1_fortnightly_uses_two_week_table() -> None:
    assert calc("fortnightly", 9, "600", code="1257L W1", prev_pay="9999").income_tax == D("23.20")


def test_regulatory_limit_50_percent() -> None:
    # K500 month 1: additional pay (5009/12 -> 417.42) + 100 -> £517 x 20% = £103.40 > £50.00
    r = calc("monthly", 1, "100", code="K500")
    assert r.income_tax == D("50.00")
    assert any("limited to 50%" in line for line in r.explain())
    # cumulative: the tax not taken is collected later (still capped at half of pay)
    r2 = calc("monthly", 2, "3000", code="K500", prev_pay="100", prev_tax="50")
    assert r2.income_tax <= D("1500.00")
    assert r2.income_tax > D("103.40")


def test_refund_and_nt() -> None:
    assert calc("monthly", 2, "0", prev_pay="2000", prev_tax="190").income_tax < 0
    assert calc("monthly", 3, "500", code="NT", prev_pay="5000", prev_tax="700").income_tax == D(
        "-700.00")
    assert calc("monthly", 3, "500", code="NT M1", prev_tax="700").income_tax == D("0.00")


def test_0t_and_scottish_d_codes() -> None:
    # 0T month 1: no free pay, £1,000 x 20%
    assert calc("monthly", 1, "1000", code="0T").income_tax == D("200.00")
    assert calc("monthly", 1, "99.99", code="SD3 M1").income_tax == D("47.52")
    with pytest.raises(pr.PayrollInputError):
        calc("monthly", 1, "99.99", code="D2")


def test_2024_25_rest_of_uk_rows_reuse_hmrc_data() -> None:
    """rUK and Welsh figures are the same in 2024/25 (PAYROLL_RULES.md B.0): HMRC rows pass."""
    path = Path(__file__).resolve().parents[1] / "data" / "hmrc" / "golden_paye_2026_27.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["region"] != "Scotland"]
    freq = {"Weekly": "weekly", "Monthly": "monthly"}
    for row in rows:
        f = freq[row["freq"]]
        code = row["code"] + ("" if row["basis"] == "cumulative" else
                              ("W1" if f == "weekly" else "M1"))
        gross, tax = D(row["gross"]), D(row["tax_this_period"])
        r = pr.calculate(pr.PayInput(
            pr.period_start(2024, f, int(row["period"])), f, int(row["period"]), gross, code,
            "A", D(row["gross_to_date"]) - gross if row["basis"] == "cumulative" else D(0),
            D(row["tax_to_date"]) - tax if row["basis"] == "cumulative" else D(0)))
        assert r.income_tax == tax, row


def test_scottish_2024_25_starter_rate() -> None:
    # S1257L month 1 2024/25: free pay 1,048.26; 1,200 -> £151; starter band 2,306/12 = 192.17
    # -> £151 x 19% = £28.69
    r = calc("monthly", 1, "1200", code="S1257L", year=2024)
    assert r.income_tax == D("28.69")


def test_explain_mentions_free_pay_and_sources() -> None:
    r = pr.calculate(pr.PayInput(date(2026, 4, 30), "monthly", 1, D("1156.25"), "1257L", "A"))
    text = "\n".join(r.explain())
    assert "Your tax-free pay for month 1 is £1,048.26 (£1,048.26 a month, tax code 1257L)" in text
    assert "source:" in text and "https://" in text
    assert r.income_tax == D("21.40") and r.net_pay == r.gross_pay - D("21.40") - r.employee_ni


@pytest.mark.parametrize("kwargs,match", [
    ({"tax_code": "12X57L"}, "not a tax code"),
    ({"period": 13}, "out of range"),
    ({"pay_date": date(2030, 5, 1)}, "not supported"),
    ({"pay_date": date(2024, 4, 5)}, "not supported"),
    ({"ni_category": "Q"}, "category"),
    ({"gross_pay": D("10.001")}, "whole pence"),
    ({"frequency": "daily"}, "frequency"),
])
def test_bad_input_raises_plain_english(kwargs: dict[str, object], match: str) -> None:
    base: dict[str, object] = dict(pay_date=date(2026, 4, 30), frequency="monthly", period=1,
                                   gross_pay=D("1000"), tax_code="1257L", ni_category="A")
    base.update(kwargs)
    with pytest.raises(pr.PayrollInputError, match=match):
        pr.calculate(pr.PayInput(**base))  # type: ignore[arg-type]
    assert issubclass(pr.PayrollInputError, ValueError)
