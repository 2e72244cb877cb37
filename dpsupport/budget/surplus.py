"""Surplus (what the council could claw back), weekly planned spend and weeks of funding.

Surplus
    surplus = balance − liabilities − contingency reserve − N weeks × weekly regular payment,
    and 0 if that is negative. N is ``terms.surplus_threshold_weeks`` (default 8). The weekly
    regular payment is the weekly equivalent (see ``periods``) of the regular gross amount for
    the period containing the date asked about: the council's payment plus, on the net basis,
    the holder's contribution, so the full amount entering the account each period.
    Money that is owed is never surplus: each thing owed is set aside on a line of its own.

    On the net basis, a surplus is split between the council's share and the holder's own
    contributions in proportion to what each pays per period (the holder's share rounded half
    up, the council's share the rest). On the gross basis it is all the council's.

Weeks of funding held
    balance ÷ weekly planned spend, as a Decimal rounded down (towards zero) to one decimal
    place; 0 if the balance is below zero; None (with a reason) when nothing is planned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal

from ..text import format_date, format_pence
from .model import Figure, FundingTerms, Liability, PlanLine, Step
from .periods import (
    amount_for_period,
    period_at,
    period_index_on,
    period_word,
    pro_rata,
    weekly_equivalent,
    weekly_equivalent_rule,
)


def regular_amount_on(terms: FundingTerms, day: dt.date) -> int:
    """The regular gross amount per period for the period containing ``day``."""
    period = period_at(terms, period_index_on(terms, day))
    if period is None:  # after end_date: use the last period's amount
        assert terms.end_date is not None
        period = period_at(terms, period_index_on(terms, terms.end_date))
    assert period is not None
    return amount_for_period(terms, period)


def weekly_planned_spend(terms: FundingTerms, plan_lines: Sequence[PlanLine]) -> Figure:
    """The plan's total per period, as a weekly equivalent (pence)."""
    per = sum(line.planned_pence for line in plan_lines)
    weekly = weekly_equivalent(terms, per)
    return Figure(
        weekly,
        "Planned spending per week",
        (
            Step(f"Planned spending per {period_word(terms)}", per, f"{len(plan_lines)} lines"),
            Step("Per week", weekly, f"{format_pence(per)} {weekly_equivalent_rule(terms)}"),
        ),
    )


def weeks_of_funding(balance: int, weekly_planned: int) -> Figure:
    """How many weeks the balance would pay for at the planned spending."""
    steps = [Step("Balance", balance), Step("Planned spending per week", weekly_planned)]
    label = "Weeks of funding held"
    if weekly_planned <= 0:
        reason = "There is no planned spending in the support plan, so we cannot count weeks."
        return Figure(None, label, tuple(steps), reason)
    if balance <= 0:
        note = "The balance is not above zero, so it pays for no weeks."
        steps.append(Step("Weeks", Decimal("0.0"), note))
        return Figure(Decimal("0.0"), label, tuple(steps), note)
    weeks = (Decimal(balance) / Decimal(weekly_planned)).quantize(
        Decimal("0.1"), rounding=ROUND_DOWN
    )
    note = f"{format_pence(balance)} ÷ {format_pence(weekly_planned)}, rounded down"
    steps.append(Step("Weeks", weeks, note))
    return Figure(weeks, label, tuple(steps))


def surplus(
    terms: FundingTerms, balance: int, liabilities: Sequence[Liability], day: dt.date
) -> Figure:
    """Money held beyond what the council allows, after what is owed (module docstring)."""
    owed = sum(item.amount_pence for item in liabilities)
    amount = regular_amount_on(terms, day)
    weekly = weekly_equivalent(terms, amount)
    weeks = terms.surplus_threshold_weeks
    allowance = weeks * weekly
    left = balance - owed - terms.contingency_reserve_pence - allowance
    value = max(0, left)
    steps = [Step(f"Balance on {format_date(day)}", balance)]
    if liabilities:
        steps += [Step(f"Set aside: {i.description}", i.amount_pence) for i in liabilities]
    else:
        steps.append(Step("Take away money you owe", owed, "nothing recorded"))
    steps += [
        Step("Take away your contingency reserve", terms.contingency_reserve_pence),
        Step(
            f"Take away {weeks} weeks of your regular payment",
            allowance,
            f"{weeks} × {format_pence(weekly)} a week ({format_pence(amount)} per "
            f"{period_word(terms)} {weekly_equivalent_rule(terms)})",
        ),
        Step(
            "What is left",
            left,
            None if left > 0 else "this is not above zero, so there is no surplus",
        ),
    ]
    if value and terms.contribution_basis == "net" and terms.client_contribution_pence and amount:
        yours = pro_rata(value, min(terms.client_contribution_pence, amount), amount)
        steps.append(Step("Of which the council's share", value - yours))
        steps.append(Step("Of which your own contributions' share", yours))
    return Figure(value, "Surplus above what the council allows you to keep", tuple(steps))
