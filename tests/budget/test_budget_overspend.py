"""Issue 11.4: spending well over plan in a period is something to look at."""

from __future__ import annotations

import datetime as dt

from dpsupport.budget import FundingTerms, PlanLine, Transaction, money_picture
from dpsupport.budget.attention import OVERSPEND_PERCENT

D = dt.date
START = D(2025, 12, 1)
TODAY = D(2026, 11, 27)  # in the period 2 November to 29 November 2026
TERMS = FundingTerms(START, "four_weekly", ((START, 112000),))
PLAN = [PlanLine(1, "agency_care", "Care", 82000), PlanLine(2, "day_activities", "Day", 30000)]
NOV = D(2026, 11, 2)


def codes(pic: object) -> list[str]:
    return [a.code for a in pic.needs_attention]  # type: ignore[attr-defined]


def test_a_statement_with_cash_betting_and_a_repeated_payment_is_pointed_out() -> None:
    txns = [
        Transaction(NOV, 112000, "council_payment"),
        Transaction(D(2026, 11, 16), -81016, "agency_care", None, "Brightside Care"),
        Transaction(D(2026, 11, 17), -81016, "agency_care", None, "Brightside Care"),
        Transaction(D(2026, 11, 20), -20000, None, None, "Cash withdrawal"),
        Transaction(D(2026, 11, 21), -5000, None, None, "Bet365"),
        Transaction(D(2026, 11, 22), -21384, "day_activities", None, "Day centre"),
    ]
    pic = money_picture(TERMS, PLAN, txns, [], TODAY, opening_balance=200000)
    assert pic.money_out_this_period.value == 208416
    (item,) = [a for a in pic.needs_attention if a.code == "period_overspend"]
    assert item.text.startswith(
        "You have spent £2,084.16 so far in this period (2 November to 29 November): 186% of "
        "the £1,120.00 planned.")
    assert item.figure is not None and item.figure.value == 208416
    steps = [s.text for s in item.figure.workings]
    assert "Spent on things not in your plan: £250.00" in steps
    assert "Planned for the whole period: £1,120.00" in steps
    assert f"more than {OVERSPEND_PERCENT}%" in steps[-1]


def test_at_the_threshold_nothing_is_said_and_just_over_it_is() -> None:
    at = [Transaction(D(2026, 11, 10), -112000 * OVERSPEND_PERCENT // 100, "agency_care")]
    assert "period_overspend" not in codes(money_picture(TERMS, PLAN, at, [], TODAY, 500000))
    over = [Transaction(D(2026, 11, 10), -112000 * OVERSPEND_PERCENT // 100 - 1, "agency_care")]
    assert "period_overspend" in codes(money_picture(TERMS, PLAN, over, [], TODAY, 500000))


def test_the_last_period_is_checked_too() -> None:
    txns = [Transaction(D(2026, 10, 20), -150000, "agency_care")]  # 5 Oct to 1 Nov
    pic = money_picture(TERMS, PLAN, txns, [], TODAY, opening_balance=500000)
    (item,) = [a for a in pic.needs_attention if a.code == "period_overspend"]
    assert "in the last period (5 October to 1 November)" in item.text


def test_no_plan_means_nothing_to_compare() -> None:
    txns = [Transaction(D(2026, 11, 10), -150000, "agency_care")]
    assert "period_overspend" not in codes(money_picture(TERMS, [], txns, [], TODAY, 500000))
