"""Pay runs in the forecast and money set aside before the surplus (issue 13), on the
hand-worked example of test_budget_forecast.py (balance today £1,480.00, the year to 31
March 2026, plan £1,120.00 per four weeks, council £1,150.00 per four weeks)."""

from __future__ import annotations

import datetime as dt

from dpsupport.budget import Liability, Outgoing, money_picture, project

from .test_budget_forecast import OWED, TODAY, TXNS, make_terms, plan

D = dt.date
# A PA's coming pay: £700.00 on 30 April, £700.00 on 31 March 2026, and one after the year
# end (not counted).
RUNS = [Outgoing(D(2025, 4, 30), 70000, "Pay for Sam"),
        Outgoing(D(2026, 3, 31), 70000, "Pay for Sam"),
        Outgoing(D(2026, 4, 30), 70000, "Pay for Sam")]


def test_outgoings_are_taken_away_on_their_dates() -> None:
    terms = make_terms()
    # the plan without its wages and employer costs lines: £70.00 per period
    rest = [line for line in plan() if line.category not in ("pa_wages", "employer_costs")]
    proj = project(terms, rest, 148000, OWED, TODAY, RUNS, ["PA wages", "Employer costs"])
    # planned: 7000 × (18/28) + 12 × 7000 + 7000 / 28 = 4500 + 84000 + 250 = 88750
    assert proj.planned_pence == 88750
    assert proj.outgoings_pence == 140000
    # 148000 + 1495000 − 88750 − 35000 − 140000 = 1379250
    assert proj.year_end_balance == 1379250
    daily = dict(proj.daily)
    # 30 April: 148000 − 35000 + 115000 (29 April) − 4500 − 7000×2/28 (500) − 70000
    assert daily[D(2025, 4, 30)] == 148000 - 35000 + 115000 - 4500 - 500 - 70000
    assert daily[D(2026, 3, 31)] == 1379250


def test_the_money_picture_uses_the_forecast_plan_and_set_aside() -> None:
    terms = make_terms()
    full = plan()
    rest = [line for line in full if line.category not in ("pa_wages", "employer_costs")]
    held = [Liability("Holiday Sam has earned but not taken", 20000)]
    pic = money_picture(terms, full, TXNS, OWED, TODAY, opening_balance=100000,
                        set_aside=held, outgoings=RUNS, forecast_plan=rest)
    assert pic.forecast_year_end_balance.value == 1379250  # holiday is not paid out here
    steps = {s.label: (s.value, s.note) for s in pic.forecast_year_end_balance.workings}
    planned = steps["Take away planned spending from 11 April 2025 to 31 March 2026"]
    assert planned[0] == 88750
    assert (planned[1] or "").endswith("; not counting PA wages, Employer costs: the pay runs "
                                       "below count them instead")
    runs = steps["Take away coming pay runs for the people you employ from 11 April 2025 to "
                 "31 March 2026"]
    assert runs == (140000, "Pay for Sam: 2 pay runs £1,400.00, worked out from their "
                            "contracts")
    # the surplus sets aside each thing owed on its own line, holiday included
    labels = [(s.label, s.value) for s in pic.surplus.workings]
    assert labels[1:4] == [("Set aside: Holiday pay owed to Sam", 30000),
                           ("Set aside: Unpaid invoice", 5000),
                           ("Set aside: Holiday Sam has earned but not taken", 20000)]
    # weekly planned spend and the period figures still use the whole plan
    assert pic.weekly_planned_spend.value == 28000


def test_run_out_counts_the_pay_runs() -> None:
    terms = make_terms()
    big = [Outgoing(D(2025, 5, 10), 300000, "Pay for Sam")]
    pic = money_picture(terms, plan(), TXNS, [], TODAY, opening_balance=100000, outgoings=big,
                        forecast_plan=[])
    assert pic.run_out_date.value == D(2025, 5, 10)
    steps = {s.label: s.value for s in pic.run_out_date.workings}
    assert steps["Take away pay runs for the people you employ from 11 April 2025 to 10 May "
                 "2025"] == 300000
    # 148000 + 115000 (29 April) − 300000 = −37000
    assert steps["Projected balance at the end of 10 May 2025"] == -37000
