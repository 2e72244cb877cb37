"""Needs-attention checks that look back over the record (codes from docs/flags.md).

- ``persistent_underspend``: a plan line (not a "contingency" line) with planned spend had
  actual spend below 70% of plan in each of the 3 or more most recent completed periods
  (looking back at most 12 periods).
- ``period_overspend``: all spending dated in a payment period (plan lines and things not
  in the plan) is more than ``OVERSPEND_PERCENT`` (120%) of the plan's total for the whole
  period. Checked for the current period so far and the last completed one. Spending is
  lumpy (a care agency's monthly invoice, say), so the whole period's plan is the measure,
  not the part for the days so far; 20% over that is "well over plan".
- ``payment_missing`` / ``contribution_missing``: a regular payment (or a net contribution)
  due in the last 91 days and more than 5 days ago, with no money in of exactly that amount
  dated within 5 days either side of the due date. Each credit matches one payment only
  (the nearest in date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ..text import format_date, format_pence
from .actuals import PAYMENT_WINDOW_DAYS, match_credits, plan_vs_actual
from .model import Figure, FundingTerms, Period, PlanLine, Step, Transaction
from .periods import ONE_DAY, period_at
from .schedule import payment_schedule

UNDERSPEND_PERCENT = 70
UNDERSPEND_PERIODS = 3
UNDERSPEND_LOOKBACK_PERIODS = 12
OVERSPEND_PERCENT = 120
PAYMENT_LOOKBACK_DAYS = 91


@dataclass(frozen=True)
class AttentionItem:
    """Something to look at, in plain English; ``code`` is the flag code in docs/flags.md."""

    code: str
    text: str
    figure: Figure | None = None  # the figures behind it, with "How we worked this out"

    def __str__(self) -> str:
        return self.text


def day_text(day: dt.date, today: dt.date) -> str:
    return format_date(day, year=day.year != today.year)


def persistent_underspend(
    terms: FundingTerms,
    plan_lines: Sequence[PlanLine],
    transactions: Sequence[Transaction],
    current: Period,
) -> list[AttentionItem]:
    if current.index == 0:
        return []
    first = period_at(terms, max(0, current.index - UNDERSPEND_LOOKBACK_PERIODS))
    last = period_at(terms, current.index - 1)
    assert first is not None and last is not None
    reports = plan_vs_actual(terms, plan_lines, transactions, first.start, last.end)
    items = []
    for i, line in enumerate(plan_lines):
        if line.category == "contingency" or line.planned_pence <= 0:
            continue
        run = 0
        for report in reversed(reports):
            if not report.lines[i].under_percent(UNDERSPEND_PERCENT):
                break
            run += 1
        if run >= UNDERSPEND_PERIODS:
            items.append(
                AttentionItem(
                    "persistent_underspend",
                    f"Less than {UNDERSPEND_PERCENT}% of the money planned for "
                    f"“{line.label}” was spent in each of the last {run} periods. "
                    "Is this support still right for you?",
                )
            )
    return items


def missing_payments(
    terms: FundingTerms, transactions: Sequence[Transaction], today: dt.date
) -> list[AttentionItem]:
    window = dt.timedelta(days=PAYMENT_WINDOW_DAYS)
    start = max(terms.start_date, today - dt.timedelta(days=PAYMENT_LOOKBACK_DAYS))
    last_due = today - window - ONE_DAY
    if last_due < start:
        return []
    credits = sorted((t for t in transactions if t.amount_pence > 0), key=lambda t: t.date)
    due = [p for p in payment_schedule(terms, start, last_due) if p.kind != "one_off"]
    paid = set(match_credits(due, credits).values())
    items = []
    for p in due:
        if p in paid:
            continue
        if p.kind == "regular":
            text = (
                f"The council's payment of {format_pence(p.amount_pence)} due on "
                f"{day_text(p.date, today)} has not arrived."
            )
            items.append(AttentionItem("payment_missing", text))
        else:
            text = (
                f"Your contribution of {format_pence(p.amount_pence)} due on "
                f"{day_text(p.date, today)} has not been paid in."
            )
            items.append(AttentionItem("contribution_missing", text))
    return items


def period_overspend(
    terms: FundingTerms,
    plan_lines: Sequence[PlanLine],
    transactions: Sequence[Transaction],
    current: Period,
    today: dt.date,
) -> list[AttentionItem]:
    """Spending well over plan in this period so far, or in the last one (module docstring)."""
    first = period_at(terms, max(0, current.index - 1))
    assert first is not None
    reports = plan_vs_actual(terms, plan_lines, transactions, first.start, current.end)
    items = []
    for report in reversed(reports):
        planned, spent = report.planned_pence, report.actual_pence
        if planned <= 0 or spent * 100 <= OVERSPEND_PERCENT * planned:
            continue
        period = report.period
        this = period.contains(today)
        when = "so far in this period" if this else "in the last period"
        span = f"{day_text(period.start, today)} to {day_text(period.end, today)}"
        percent = spent * 100 // planned
        on_lines = spent - report.unallocated_spend_pence
        figure = Figure(
            spent,
            f"Spent {when} ({span})",
            (
                Step("Spent on your plan lines", on_lines),
                Step("Spent on things not in your plan", report.unallocated_spend_pence),
                Step("Total spent", spent),
                Step("Planned for the whole period", planned),
                Step(
                    "Spent as a share of the plan",
                    f"{percent}%",
                    f"we point this out when it is more than {OVERSPEND_PERCENT}%",
                ),
            ),
        )
        text = (
            f"You have spent {format_pence(spent)} {when} ({span}): {percent}% of the "
            f"{format_pence(planned)} planned. Check the payments for anything that should "
            "not be there, or talk to your support worker if your needs have changed."
        )
        items.append(AttentionItem("period_overspend", text, figure))
    return items
