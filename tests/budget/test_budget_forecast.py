"""Forecast, run-out date, surplus, weeks of funding and the summary sentences.

Hand-worked example used throughout (four-weekly, in advance, £1,150.00, from 1 April 2025):

Periods start 1 Apr, 29 Apr, 27 May, 24 Jun, 22 Jul, 19 Aug, 16 Sep, 14 Oct, 11 Nov, 9 Dec,
6 Jan 2026, 3 Feb, 3 Mar, 31 Mar 2026 (index 13). The agreement year is 1 April 2025 to
31 March 2026. Today is 10 April 2025 (day 10 of the 28 in period 0).

Balance today: opening £1,000.00 + £1,150.00 (council, 1 Apr) − £600.00 (wages, 4 Apr)
− £50.00 (payroll, 7 Apr) − £20.00 (taxi, 8 Apr, not in the plan) = £1,480.00.

Payments from 11 April 2025 to 31 March 2026: periods 1 to 13 = 13 × £1,150.00 = £14,950.00.

Plan £1,120.00 per period. Planned spend in the horizon:
  this period, 11-28 April = 18 of 28 days: 112000 × 18 / 28 = 72000 exactly
  periods 1-12 whole: 12 × 112000 = 1344000
  period 13, 31 March only = 1 of 28 days: 112000 / 28 = 4000
  total 1420000 = £14,200.00
Liabilities: holiday pay £300.00 + invoice £50.00 = £350.00.
Forecast: 148000 + 1495000 − 1420000 − 35000 = 188000 = £1,880.00.
Lowest point: 148000 − 35000 − 72000 = 41000 (£410.00) on 28 April; afterwards each
period adds 115000 − 112000 = 3000, so it never falls below zero.
Weekly planned: 112000 × 7 / 28 = 28000. Weeks held: 148000 / 28000 = 5.285... → 5.2.
Surplus: 148000 − 35000 − 50000 (contingency) − 8 × 28750 (= 230000) = −167000 → £0.
Year-end beyond need: 188000 − 50000 − 230000 = −92000 → on track.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dpsupport.budget import (
    FundingTerms,
    Liability,
    PlanLine,
    Transaction,
    money_picture,
    project,
    surplus,
    weeks_of_funding,
)

D = dt.date
TODAY = D(2025, 4, 10)


def make_terms(**kw: object) -> FundingTerms:
    args: dict[str, object] = dict(contingency_reserve_pence=50000)
    args.update(kw)
    return FundingTerms(D(2025, 4, 1), "four_weekly", ((D(2025, 4, 1), 115000),), **args)  # type: ignore[arg-type]


def plan(total: int = 112000) -> list[PlanLine]:
    """Four lines adding up to ``total`` per period (wages take whatever the others leave)."""
    return [
        PlanLine(1, "pa_wages", "PA wages", total - 22000),
        PlanLine(2, "employer_costs", "Employer costs", 15000),
        PlanLine(3, "payroll_service", "Payroll service", 5000),
        PlanLine(4, "day_activities", "Day activities", 2000),
    ]


TXNS = [
    Transaction(D(2025, 4, 1), 115000, None, None, "Council direct payment"),
    Transaction(D(2025, 4, 4), -60000, "pa_wages", None, "Sam"),
    Transaction(D(2025, 4, 7), -5000, "payroll_service", None, "Payroll bureau"),
    Transaction(D(2025, 4, 8), -2000, None, None, "Taxi"),
]
OWED = [Liability("Holiday pay owed to Sam", 30000), Liability("Unpaid invoice", 5000)]


def test_hand_worked_forecast() -> None:
    pic = money_picture(make_terms(), plan(), TXNS, OWED, TODAY, opening_balance=100000)
    assert pic.balance_today.value == 148000
    assert pic.year_start == D(2025, 4, 1) and pic.year_end == D(2026, 3, 31)
    assert pic.forecast_year_end_balance.value == 188000
    steps = [(s.label, s.value, s.note) for s in pic.forecast_year_end_balance.workings]
    assert steps == [
        ("Balance at the end of today (10 April 2025)", 148000, None),
        (
            "Add payments due from the council from 11 April 2025 to 31 March 2026",
            1495000,
            "13 × £1,150.00",
        ),
        (
            "Take away planned spending from 11 April 2025 to 31 March 2026",
            1420000,
            "£1,120.00 per 4 weeks: 18 of 28 days of this period, 12 whole periods, "
            "1 of 28 days of the last period",
        ),
        ("Take away money you owe now", 35000, "we assume it is paid straight away"),
        ("Forecast balance on 31 March 2026", 188000, None),
    ]
    assert pic.forecast_year_end_balance.workings[1].text == (
        "Add payments due from the council from 11 April 2025 to 31 March 2026: "
        "£14,950.00 (13 × £1,150.00)"
    )
    assert pic.run_out_date.value is None
    assert pic.run_out_date.workings[0].value == 41000  # lowest, on 28 April
    assert pic.weekly_planned_spend.value == 28000
    assert pic.weeks_of_funding_held.value == Decimal("5.2")
    assert pic.surplus.value == 0
    assert [s.value for s in pic.surplus.workings] == [148000, 30000, 5000, 50000, 230000, -167000]
    assert pic.forecast_year_end_surplus.value == 0
    assert pic.summary_sentence == (
        "You are on track: your money should last to the end of your agreement year "
        "on 31 March 2026."
    )
    assert pic.needs_attention == ()


def test_this_period_money_in_and_out() -> None:
    pic = money_picture(make_terms(), plan(), TXNS, OWED, TODAY, opening_balance=100000)
    assert (pic.period.start, pic.period.end) == (D(2025, 4, 1), D(2025, 4, 28))
    assert pic.money_in_this_period.value == 115000
    assert pic.money_in_due_this_period.value == 115000
    assert pic.money_out_this_period.value == 67000
    assert [s.value for s in pic.money_out_this_period.workings] == [65000, 2000, 67000, 40000]
    assert pic.money_out_planned_this_period.value == 112000


def test_daily_projection_ends_at_the_forecast() -> None:
    proj = project(make_terms(), plan(), 148000, OWED, TODAY)
    assert proj.daily[0] == (D(2025, 4, 11), 113000 - 4000)
    assert proj.daily[-1] == (D(2026, 3, 31), 188000)
    assert len(proj.daily) == 355  # 11 April 2025 to 31 March 2026
    assert proj.lowest == (D(2025, 4, 28), 41000)


def test_run_out_date_hand_worked() -> None:
    # Plan £1,250.00 a period, no liabilities, balance today £1,480.00.
    # To 28 April: 125000 × 18 / 28 = 80357.14 → 80357; balance 148000 − 80357 = 67643.
    # Each later period: +115000 − 125000 = −10000, so at the end of period k the balance is
    # 67643 − 10000 k: 7643 at the end of period 6 (13 Oct), −2357 at the end of period 7.
    # Day by day in period 7 (14 Oct - 10 Nov): received 7 × 115000 = 805000, planned before
    # it 80357 + 6 × 125000 = 830357, so day k is 148000 + 805000 − 830357 − round(125000k/28)
    # = 122643 − round(4464.2857 k):
    # k = 27 (9 Nov): 122643 − 120536 = 2107; k = 28 (10 Nov): 122643 − 125000 = −2357.
    pic = money_picture(make_terms(), plan(125000), TXNS, [], TODAY, opening_balance=100000)
    assert pic.run_out_date.value == D(2025, 11, 10)
    proj = project(make_terms(), plan(125000), 148000, [], TODAY)
    daily = dict(proj.daily)
    assert daily[D(2025, 4, 28)] == 67643
    assert daily[D(2025, 10, 13)] == 7643
    assert daily[D(2025, 11, 9)] == 2107
    assert daily[D(2025, 11, 10)] == -2357
    assert [s.value for s in pic.run_out_date.workings] == [148000, 805000, 955357, -2357]
    assert (
        pic.summary_sentence == "At your planned spending, your money will last until 9 November."
    )
    assert [a.code for a in pic.needs_attention] == ["projected_overspend"]
    assert "10 November" in pic.needs_attention[0].text
    # The year still ends in credit because of the 31 March payment (in advance):
    # 148000 + 1495000 − (80357 + 12 × 125000 + 4464) = 58179.
    assert pic.forecast_year_end_balance.value == 58179


def test_overdrawn_today() -> None:
    txns = [*TXNS, Transaction(D(2025, 4, 9), -150000, "pa_wages")]
    pic = money_picture(make_terms(), plan(), txns, [], TODAY, opening_balance=100000)
    assert pic.balance_today.value == -2000
    assert pic.run_out_date.value == TODAY
    assert pic.weeks_of_funding_held.value == Decimal("0.0")
    assert pic.summary_sentence == "Your account is overdrawn by £20.00."
    # £2,170 spent of £1,120 planned this period (193%) is also pointed out.
    assert [a.code for a in pic.needs_attention] == ["low_balance", "period_overspend"]


def test_surplus_sentence_and_attention() -> None:
    # Balance £3,000.00 today, plan £1,000.00 a period, nothing owed.
    # Planned: 100000 × 18/28 = 64285.7 → 64286; 12 × 100000; 100000 / 28 = 3571.4 → 3571.
    # Forecast: 300000 + 1495000 − 1267857 = 527143. The payment on 31 March 2026 pays for
    # 31 March to 27 April: 27 of its 28 days are next year's, 115000 × 27/28 = 110893 is not
    # this year's money (issue 11.2). Beyond need: 527143 − 110893 − 50000 − 230000 = 136250.
    # Surplus today: 300000 − 50000 − 230000 = 20000.
    txns = [Transaction(D(2025, 4, 1), 115000, None, None, "Council")]
    pic = money_picture(make_terms(), plan(100000), txns, [], TODAY, opening_balance=185000)
    assert pic.balance_today.value == 300000
    assert pic.forecast_year_end_balance.value == 527143
    assert pic.forecast_year_end_surplus.value == 136250
    assert pic.summary_sentence == (
        "You are on track to have £1,362.50 more than you need by 31 March 2026, "
        "the end of your agreement year."
    )
    assert pic.surplus.value == 20000
    assert [a.code for a in pic.needs_attention] == ["surplus_above_threshold"]
    assert "£200.00" in pic.needs_attention[0].text


def test_surplus_with_liabilities_contingency_and_contribution_split() -> None:
    # 500000 − (30000 + 5000) − 50000 − 8 × 28750 = 185000. Net contribution £230.00 of
    # £1,150.00 (20%): your share 37000, the council's 148000.
    terms = make_terms(client_contribution_pence=23000)
    fig = surplus(terms, 500000, OWED, TODAY)
    assert fig.value == 185000
    assert [(s.label, s.value) for s in fig.workings] == [
        ("Balance on 10 April 2025", 500000),
        ("Set aside: Holiday pay owed to Sam", 30000),
        ("Set aside: Unpaid invoice", 5000),
        ("Take away your contingency reserve", 50000),
        ("Take away 8 weeks of your regular payment", 230000),
        ("What is left", 185000),
        ("Of which the council's share", 148000),
        ("Of which your own contributions' share", 37000),
    ]
    gross = surplus(
        make_terms(client_contribution_pence=23000, contribution_basis="gross"), 500000, OWED, TODAY
    )
    assert gross.value == 185000 and len(gross.workings) == 6
    lower = surplus(make_terms(surplus_threshold_weeks=4), 500000, OWED, TODAY)
    assert lower.value == 185000 + 4 * 28750


def test_weeks_of_funding() -> None:
    assert weeks_of_funding(148000, 28000).value == Decimal("5.2")
    assert weeks_of_funding(280000, 28000).value == Decimal("10.0")
    assert weeks_of_funding(27999, 28000).value == Decimal("0.9")
    none = weeks_of_funding(148000, 0)
    assert none.value is None and none.note and "no planned spending" in none.note
    pic = money_picture(make_terms(), [], TXNS, [], TODAY, opening_balance=100000)
    assert pic.weeks_of_funding_held.value is None
    assert pic.run_out_date.value is None


def test_net_and_gross_forecasts_differ() -> None:
    # The same £1,150.00 agreement with a £150.00 contribution. Net: the council pays £1,000
    # and the holder £150 into the account, so the forecast counts 13 × (1000 + 150). Gross:
    # the council pays £1,150 and invoices the holder, so the forecast counts 13 × 1150.
    net = project(make_terms(client_contribution_pence=15000), plan(), 148000, [], TODAY)
    gross = project(
        make_terms(client_contribution_pence=15000, contribution_basis="gross"),
        plan(),
        148000,
        [],
        TODAY,
    )
    assert [p.amount_pence for p in net.inflows[:2]] == [100000, 15000]
    assert [p.kind for p in net.inflows[:2]] == ["regular", "contribution"]
    assert [p.amount_pence for p in gross.inflows[:1]] == [115000]
    assert net.inflows_pence == gross.inflows_pence == 1495000
    assert net.year_end_balance == gross.year_end_balance


def test_one_off_and_mid_year_change_in_forecast() -> None:
    # A rise to £1,200.00 from 1 October 2025 (periods starting 14 Oct onwards: 14 Oct, 11 Nov,
    # 9 Dec, 6 Jan, 3 Feb, 3 Mar, 31 Mar = 7 payments) and a one-off £500.00 on 1 June.
    terms = FundingTerms(
        D(2025, 4, 1),
        "four_weekly",
        ((D(2025, 4, 1), 115000), (D(2025, 10, 1), 120000)),
        one_off_payments=((D(2025, 6, 1), 50000, "Short break"),),
    )
    proj = project(terms, plan(), 148000, [], TODAY)
    # 6 × 115000 + 7 × 120000 + 50000 = 690000 + 840000 + 50000 = 1580000
    assert proj.inflows_pence == 1580000
    pic = money_picture(terms, plan(), TXNS, [], TODAY, opening_balance=100000)
    notes = [s.note for s in pic.forecast_year_end_balance.workings]
    assert "6 × £1,150.00 + 7 × £1,200.00" in notes
    assert "Short break on 1 June 2025" in notes
    assert pic.forecast_year_end_balance.value == 148000 + 1580000 - 1420000


def test_runs_out_tomorrow() -> None:
    # Balance £1,480.00, but £1,500.00 owed and assumed paid tomorrow: −£20.00 − planned.
    pic = money_picture(
        make_terms(), plan(), TXNS, [Liability("Wages", 150000)], TODAY, opening_balance=100000
    )
    assert pic.run_out_date.value == D(2025, 4, 11)
    assert pic.summary_sentence == "At your planned spending, your money will run out tomorrow."
