"""Issue 11.3: in arrears, a payment counts for the period it pays for (money page, budget)."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from dpsupport.budget import FundingTerms, PlanLine, Transaction, money_picture, plan_vs_actual

D = dt.date
START = D(2025, 12, 1)
TODAY = D(2026, 11, 27)
# Monthly, in arrears: the payment for December arrives on 1 January, and so on.
TERMS = FundingTerms(START, "monthly", ((START, 165000),), timing="arrears")
PLAN = [PlanLine(1, "agency_care", "Support", 140000)]
COUNCIL = [Transaction(START + relativedelta(months=n), 165000, "council_payment", None, "GCC")
           for n in range(1, 12)]  # 1 January to 1 November 2026
CARE = [Transaction(START + relativedelta(months=n, days=5), -140000, "agency_care")
        for n in range(1, 12)]


def test_this_months_payment_is_not_counted_as_this_months_money() -> None:
    pic = money_picture(TERMS, PLAN, COUNCIL + CARE, [], TODAY)
    assert (pic.period.start, pic.period.end) == (D(2026, 11, 1), D(2026, 11, 30))
    # The payment on 1 November pays for October: November's £1,650 arrives on 1 December.
    assert pic.money_in_this_period.value == 0
    assert pic.money_in_due_this_period.value == 165000
    assert [s.text for s in pic.money_in_due_this_period.workings] == [
        "From the council on 1 December 2026: £1,650.00"
    ]
    assert pic.money_in_due_this_period.note == (
        "Your council pays in arrears: the payment for this period is due on 1 December 2026, "
        "after the period ends")


def test_the_budget_counts_each_payment_for_the_period_it_pays_for() -> None:
    reports = plan_vs_actual(TERMS, PLAN, COUNCIL + CARE, START, TODAY)
    got = [(r.period.start, r.money_in_scheduled_pence, r.money_in_received_pence)
           for r in reports]
    # December to October were each paid (the next month); November is not paid yet.
    assert got[:-1] == [(START + relativedelta(months=n), 165000, 165000) for n in range(11)]
    assert got[-1] == (D(2026, 11, 1), 165000, 0)


def test_a_missing_arrears_payment_leaves_its_own_period_short() -> None:
    no_june = [t for t in COUNCIL if t.date != D(2026, 6, 1)]
    reports = plan_vs_actual(TERMS, PLAN, no_june, START, TODAY)
    short = [r.period.start for r in reports if r.money_in_received_pence == 0]
    assert short == [D(2026, 5, 1), D(2026, 11, 1)]  # May's payment was due on 1 June


def test_other_money_in_counts_where_it_is_dated() -> None:
    refund = Transaction(D(2026, 11, 3), 2500, None, None, "Interest")
    pic = money_picture(TERMS, PLAN, [*COUNCIL, refund], [], TODAY)
    assert pic.money_in_this_period.value == 2500
