"""dpsupport.budget: the pure-Python budget engine (stdlib + python-dateutil only).

It answers: how much money is there, will it last, is there a surplus the council could
claw back; and every figure carries its workings ("How we worked this out"). Inputs are
the frozen dataclasses in ``model``; money is int pence everywhere, and a float passed as
money raises ``TypeError``. Each module's docstring states its rules:

- ``periods``: payment periods, agreement years, weekly equivalents and rounding;
- ``schedule``: advance/arrears timing, net/gross contributions, one-off payments;
- ``actuals``: allocation to plan lines, planned vs actual, balances;
- ``forecast``: the year-end forecast and run-out date;
- ``surplus``: surplus, weekly planned spend, weeks of funding held;
- ``picture``: the money picture, summary sentence and needs-attention items;
- ``attention``: persistent underspend and missing payment checks.

Words and numbers for people (money, dates) come from ``dpsupport.text`` only.

Example::

    terms = FundingTerms(date(2025, 4, 1), "four_weekly", ((date(2025, 4, 1), 115000),))
    plan = [PlanLine(1, "pa_wages", "PA wages", 100000)]
    txns = [Transaction(date(2025, 4, 1), 115000, None, None, "Council")]
    pic = money_picture(terms, plan, txns, [], today=date(2025, 4, 10))
    pic.summary_sentence                       # plain English for the holder
    [s.text for s in pic.surplus.workings]     # "How we worked this out"
"""

from .actuals import LineReport, PeriodReport, allocate, balance_on, balance_series, plan_vs_actual
from .attention import AttentionItem
from .forecast import Projection, project
from .model import (
    Earlier,
    Figure,
    FundingTerms,
    Liability,
    Outgoing,
    Period,
    PlanLine,
    ScheduledPayment,
    Step,
    Tally,
    Transaction,
)
from .periods import (
    agreement_year,
    period_on,
    periods,
    pro_rata,
    round_pence,
    weekly_equivalent,
)
from .picture import MoneyPicture, OutsideAgreement, money_picture, window_start
from .schedule import payment_schedule
from .surplus import surplus, weekly_planned_spend, weeks_of_funding

__all__ = [
    "AttentionItem",
    "Earlier",
    "Figure",
    "FundingTerms",
    "Liability",
    "LineReport",
    "MoneyPicture",
    "Outgoing",
    "OutsideAgreement",
    "Period",
    "PeriodReport",
    "PlanLine",
    "Projection",
    "ScheduledPayment",
    "Step",
    "Tally",
    "Transaction",
    "agreement_year",
    "allocate",
    "balance_on",
    "balance_series",
    "money_picture",
    "payment_schedule",
    "period_on",
    "periods",
    "plan_vs_actual",
    "pro_rata",
    "project",
    "round_pence",
    "surplus",
    "weekly_equivalent",
    "weekly_planned_spend",
    "weeks_of_funding",
    "window_start",
]
