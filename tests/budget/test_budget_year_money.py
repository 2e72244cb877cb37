"""Issue 11.2 (and 11.3 for the forecast): "more than you need" counts only money that
belongs to this agreement year, so the sentence and its figure agree."""

from __future__ import annotations

import datetime as dt

from dpsupport.budget import FundingTerms, PlanLine, Transaction, money_picture, project

D = dt.date
START = D(2025, 12, 1)
TODAY = D(2026, 11, 27)
# Margaret's (Helen's) agreement: four-weekly in advance, £1,024 + £96 contribution.
HELEN = FundingTerms(START, "four_weekly", ((START, 112000),), client_contribution_pence=9600,
                     contribution_basis="net", contingency_reserve_pence=50000)
PLAN = [PlanLine(1, "agency_care", "Care", 82000), PlanLine(2, "day_activities", "Day", 16000),
        PlanLine(3, "respite", "Breaks", 10000), PlanLine(4, "contingency", "Spare", 4000)]


def _opening_for(terms: FundingTerms, year_end_balance: int) -> int:
    offset = project(terms, PLAN, 0, [], TODAY).year_end_balance
    return year_end_balance - offset


def test_next_periods_payment_on_the_last_day_is_not_more_than_you_need() -> None:
    opening = _opening_for(HELEN, 278916)
    pic = money_picture(HELEN, PLAN, [], [], TODAY, opening_balance=opening)
    assert pic.year_end == D(2026, 11, 30)
    assert pic.forecast_year_end_balance.value == 278916  # the balance that day, as before
    # £1,024 + £96 arrive on 30 November for 30 November to 27 December: 27 of its 28 days
    # are next year's (£987.43 + £92.57 = £1,080.00 taken away), so
    # £2,789.16 - £1,080 - £500 contingency - 8 weeks x £280 is below zero: no surplus.
    assert pic.forecast_year_end_surplus.value == 0
    assert "more than you need" not in pic.summary_sentence
    assert pic.summary_sentence.startswith("You are on track: your money should last")
    steps = [s.text for s in pic.forecast_year_end_surplus.workings]
    assert ("Take away the part of the payment of £1,024.00 on 30 November 2026 for days after "
            "30 November 2026: £987.43 (it pays for 30 November 2026 to 27 December 2026: "
            "money for next year, not this one)") in steps
    assert any("£96.00" in s and ": £92.57 (" in s for s in steps)
    assert steps[-1].startswith("What is left: −£1,030.84")


def test_the_sentence_says_the_figure_shown_beside_it() -> None:
    opening = _opening_for(HELEN, 278916 + 200000)
    pic = money_picture(HELEN, PLAN, [], [], TODAY, opening_balance=opening)
    assert pic.forecast_year_end_surplus.value == 478916 - 108000 - 50000 - 224000
    assert pic.forecast_year_end_surplus.text in pic.summary_sentence


def test_arrears_last_payment_after_the_year_end_is_this_years_money() -> None:
    terms = FundingTerms(START, "monthly", ((START, 165000),), timing="arrears")
    plan = [PlanLine(1, "agency_care", "Care", 165000)]
    txns = [Transaction(D(2026, 11, 1), 165000)]
    proj = project(terms, plan, 0, [], TODAY)
    # November's payment arrives on 1 December, after the year ends on 30 November.
    assert [(p.date, p.period_start, part) for p, part in proj.after_year_end] == [
        (D(2026, 12, 1), D(2026, 11, 1), 165000)]
    assert proj.year_money == proj.year_end_balance + 165000
    pic = money_picture(terms, plan, txns, [], TODAY, opening_balance=1000000)
    steps = [s.text for s in pic.forecast_year_end_surplus.workings]
    assert any(s.startswith("Add the part of the payment of £1,650.00 due on 1 December 2026 "
                            "for days up to 30 November 2026: £1,650.00") for s in steps)
