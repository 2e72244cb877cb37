"""Planned vs actual per period, and balances over time."""

from __future__ import annotations

import datetime as dt

import pytest

from dpsupport.budget import (
    FundingTerms,
    PlanLine,
    Transaction,
    balance_series,
    plan_vs_actual,
)

D = dt.date

TERMS = FundingTerms(
    D(2025, 4, 1),
    "monthly",
    ((D(2025, 4, 1), 100000),),
    client_contribution_pence=10000,
    contribution_basis="net",
)
PLAN = (
    PlanLine("w", "pa_wages", "PA wages", 70000),
    PlanLine("r", "respite", "Respite", 20000),
    PlanLine("e", "equipment", "Equipment", 5000),
)
TXNS = (
    Transaction(D(2025, 4, 1), 90000, "dp_payment", None, "Council"),
    Transaction(D(2025, 4, 2), 10000, None, None, "My contribution"),
    Transaction(D(2025, 4, 10), -35000, "pa_wages", None, "Sam"),
    Transaction(D(2025, 4, 15), -5000, "respite", None, "Respite centre"),
    Transaction(D(2025, 4, 16), -3000, "other", "r", "Respite extra (line chosen by hand)"),
    Transaction(D(2025, 4, 20), -1500, "cash", None, "ATM"),
    Transaction(D(2025, 4, 22), -2500, None, None, "Unknown"),
    Transaction(D(2025, 4, 24), -35000, "pa_wages", None, "Sam"),
    Transaction(D(2025, 4, 30), 500, "equipment", "e", "Refund"),
    Transaction(D(2025, 5, 1), 90000, None, None, "Council"),
    Transaction(D(2025, 5, 9), -70000, "pa_wages", "w", "Sam"),
)


def test_plan_vs_actual_per_line_with_unallocated_spend() -> None:
    april, may = plan_vs_actual(TERMS, PLAN, TXNS, D(2025, 4, 1), D(2025, 5, 31))
    assert (april.period.start, april.period.end) == (D(2025, 4, 1), D(2025, 4, 30))
    assert [
        (r.line_id, r.planned_pence, r.actual_pence, r.difference_pence) for r in april.lines
    ] == [
        ("w", 70000, 70000, 0),
        ("r", 20000, 8000, 12000),  # 5,000 by category + 3,000 by plan_line_id
        ("e", 5000, -500, 5500),  # a refund reduces spend
    ]
    assert april.unallocated_spend_pence == 4000
    assert [t.description for t in april.unallocated] == ["ATM", "Unknown"]
    assert april.money_in_scheduled_pence == 100000  # £900 council + £100 contribution
    assert april.money_in_received_pence == 100000
    assert april.planned_pence == 95000
    assert april.actual_pence == 70000 + 8000 - 500 + 4000
    assert april.difference_pence == 95000 - 81500

    assert [(r.actual_pence, r.difference_pence) for r in may.lines] == [
        (70000, 0),
        (0, 20000),
        (0, 5000),
    ]
    assert may.unallocated_spend_pence == 0
    assert may.money_in_scheduled_pence == 100000
    assert may.money_in_received_pence == 90000  # the contribution was not paid in


def test_money_in_minus_spend_is_the_change_in_balance() -> None:
    for report in plan_vs_actual(TERMS, PLAN, TXNS, D(2025, 4, 1), D(2025, 5, 31)):
        in_period = [t for t in TXNS if report.period.contains(t.date)]
        assert report.money_in_received_pence - report.actual_pence == sum(
            t.amount_pence for t in in_period
        )


def test_plan_vs_actual_reports_whole_periods_overlapping_the_range() -> None:
    got = plan_vs_actual(TERMS, PLAN, TXNS, D(2025, 4, 20), D(2025, 5, 2))
    assert [(r.period.start, r.period.end) for r in got] == [
        (D(2025, 4, 1), D(2025, 4, 30)),
        (D(2025, 5, 1), D(2025, 5, 31)),
    ]
    assert got[0].lines[0].actual_pence == 70000  # includes 10 April, before the range


def test_balance_series() -> None:
    txns = [
        Transaction(D(2025, 3, 31), -999),  # before the agreement: counted on its first day
        Transaction(D(2025, 4, 1), 5000),
        Transaction(D(2025, 4, 3), -2000),
        Transaction(D(2025, 4, 3), -1000),
        Transaction(D(2025, 4, 9), 100),  # after until
    ]
    assert balance_series(10000, D(2025, 4, 1), txns, D(2025, 4, 8)) == [
        (D(2025, 4, 1), 14001),
        (D(2025, 4, 3), 11001),
        (D(2025, 4, 8), 11001),
    ]
    assert balance_series(10000, D(2025, 4, 1), txns[2:4], D(2025, 4, 3)) == [
        (D(2025, 4, 1), 10000),
        (D(2025, 4, 3), 7000),
    ]
    assert balance_series(-500, D(2025, 4, 1), [], D(2025, 4, 1)) == [(D(2025, 4, 1), -500)]
    with pytest.raises(ValueError):
        balance_series(0, D(2025, 4, 2), [], D(2025, 4, 1))
    with pytest.raises(TypeError):
        balance_series(10.0, D(2025, 4, 1), [], D(2025, 4, 1))  # type: ignore[arg-type]


def test_a_payment_outside_the_agreement_is_counted_and_said() -> None:
    """Issue 11.1: a payment dated before the agreement started is in the account, so the
    balance counts it and the picture says so (it was listed but silently left out)."""
    from dpsupport.budget import money_picture

    txns = [*TXNS, Transaction(D(1900, 11, 26), -1000, None, None, "Shop")]
    pic = money_picture(TERMS, PLAN, txns, [], D(2025, 5, 31), opening_balance=5000)
    assert pic.balance_today.value == 5000 + sum(t.amount_pence for t in txns)
    (outside,) = pic.outside_agreement
    assert (outside.count, outside.total_pence) == (1, -1000)
    assert outside.first == outside.last == D(1900, 11, 26)
    assert "1 payment is dated before your agreement started on 1 April 2025" in outside.text
    assert "\u2212£10.00" in outside.text and "counted in your balance" in outside.text
    # "How we worked this out" agrees: every payment counted, the outside one named.
    steps = [s.text for s in pic.balance_today.workings]
    assert any(f"{len(txns)} payments counted" in s for s in steps)
    assert any("1 payment dated from 26 November 1900" in s for s in steps)
    assert steps[-1].endswith(pic.balance_today.text)


def test_payments_after_the_agreement_ended_are_counted_and_said() -> None:
    from dpsupport.budget import money_picture

    terms = FundingTerms(D(2025, 4, 1), "monthly", ((D(2025, 4, 1), 100000),),
                         end_date=D(2025, 5, 31))
    txns = [Transaction(D(2025, 4, 1), 100000), Transaction(D(2025, 6, 3), -2500)]
    pic = money_picture(terms, PLAN, txns, [], D(2025, 6, 10))
    assert pic.balance_today.value == 97500
    (outside,) = pic.outside_agreement
    assert "after your agreement ended on 31 May 2025" in outside.text
    assert outside.total_pence == -2500
    assert pic.outside_agreement == money_picture(terms, PLAN, txns[:1], [],
                                                  D(2025, 6, 10)).outside_agreement + (outside,)
