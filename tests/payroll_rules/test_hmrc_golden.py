"""Every row of HMRC's published PAYE and NI test data must pass to the penny."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import payroll_rules as pr

DATA = Path(__file__).resolve().parents[1] / "data" / "hmrc"
FREQ = {"Weekly": "weekly", "Fortnightly": "fortnightly", "FourWeekly": "four_weekly",
        "Monthly": "monthly"}
NI_CATEGORIES = set("ABCHJMVZ")


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _pay_date(year: str, frequency: str, period: int) -> date:
    start = int(year[:4])
    return pr.period_start(start, frequency, period)


PAYE_ROWS = _rows("golden_paye_2025_26.csv") + _rows("golden_paye_2026_27.csv")
NI_ROWS = [r for r in _rows("golden_ni_2025_26.csv") if r["category"] in NI_CATEGORIES]


def test_golden_files_are_complete() -> None:
    assert len(_rows("golden_paye_2025_26.csv")) == 168
    assert len(_rows("golden_paye_2026_27.csv")) == 168
    assert len(NI_ROWS) == 8 * 4 * 14


@pytest.mark.parametrize(
    "row", PAYE_ROWS, ids=[f"{r['year']}|{r['region']}|{r['sheet']}|{i}" for i, r in enumerate(PAYE_ROWS)]
)
def test_hmrc_paye_row(row: dict[str, str]) -> None:
    frequency = FREQ[row["freq"]]
    period = int(row["period"])
    gross = Decimal(row["gross"])
    tax = Decimal(row["tax_this_period"])
    code = row["code"]
    if row["basis"] == "W1/M1":
        code += "W1" if frequency == "weekly" else "M1"
        previous_pay = previous_tax = Decimal(0)
    else:
        previous_pay = Decimal(row["gross_to_date"]) - gross
        previous_tax = Decimal(row["tax_to_date"]) - tax
    result = pr.calculate(pr.PayInput(
        pay_date=_pay_date(row["year"], frequency, period),
        frequency=frequency,
        period=period,
        gross_pay=gross,
        tax_code=code,
        ni_category="A",
        previous_pay_to_date=previous_pay,
        previous_tax_to_date=previous_tax,
    ))
    assert result.income_tax == tax, row["source"]


@pytest.mark.parametrize("row", NI_ROWS, ids=[r["test_id"] + "|" + r["freq"] for r in NI_ROWS])
def test_hmrc_ni_row(row: dict[str, str]) -> None:
    frequency = FREQ[row["freq"]]
    result = pr.calculate(pr.PayInput(
        pay_date=date(2025, 4, 6) if frequency != "monthly" else date(2025, 4, 30),
        frequency=frequency,
        period=1,
        gross_pay=Decimal(row["gross"]),
        tax_code="1257L",
        ni_category=row["category"],
    ))
    assert result.employee_ni == Decimal(row["employee_nic"]), row["test_id"]
    assert result.employer_ni == Decimal(row["employer_nic"]), row["test_id"]


@pytest.mark.parametrize("row", NI_ROWS, ids=[r["test_id"] + "|" + r["freq"] for r in NI_ROWS])
def test_hmrc_ni_reported_earnings(row: dict[str, str]) -> None:
    """The LEL / LEL-to-PT / PT-to-UEL earnings figures HMRC reports also match."""
    from payroll_rules.nics import earnings_bands
    from payroll_rules.params import year_params

    th = year_params(2025).ni_thresholds[FREQ[row["freq"]]]
    got = earnings_bands(th, int(Decimal(row["gross"]) * 100))
    want = tuple(int(Decimal(row[k]) * 100) for k in
                 ("earnings_at_LEL", "earnings_LEL_to_PT", "earnings_PT_to_UEL"))
    assert got == want
