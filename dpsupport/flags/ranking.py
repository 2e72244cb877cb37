"""Ranking a caseload by need: a sum anyone can check, never an opaque score.

Each thing that needs attention gets points by its severity, plus one point for every full
week it has been open (at most 52), so something left for weeks rises above something new:

    urgent      100 points     (overdrawn)
    attention    20 points     (money may run out, money held above the limit, review late,
                                no statement for more than 35 days, an open question)
    info          5 points     (payments not sorted, review coming up)

A holder's rank is the sum of their points; the caseload lists the highest first, then by
name. Nothing open and statements up to date is "No action needed" (0 points). Every row
shows its reasons in words with their points, so the order can always be explained.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from ..text import format_date, format_pence, plural

SEVERITY_POINTS = {"urgent": 100, "attention": 20, "info": 5}
MAX_AGE_WEEKS = 52
STATEMENT_GAP_DAYS = 35  # the statement_gap default in docs/flags.md
REVIEW_NOTICE_DAYS = 28


@dataclass(frozen=True)
class Reason:
    """One reason a holder is on the list: words for staff, and how its points add up."""

    code: str
    severity: str
    words: str
    since: str | None = None  # ISO date it has been open since, when known
    points: int = 0

    def parts(self) -> str:
        base = SEVERITY_POINTS[self.severity]
        extra = self.points - base
        text = f"{self.severity.capitalize()}: {plural(base, 'point')}"
        if extra:
            text += f", plus {extra} for {plural(extra, 'week')} open"
        return text


def points_for(severity: str, since: dt.date | None, today: dt.date) -> int:
    weeks = 0 if since is None else max(0, (today - since).days // 7)
    return SEVERITY_POINTS[severity] + min(weeks, MAX_AGE_WEEKS)


def reason(code: str, severity: str, words: str, today: dt.date,
           since: dt.date | None = None) -> Reason:
    return Reason(code, severity, words, since.isoformat() if since else None,
                  points_for(severity, since, today))


@dataclass(frozen=True)
class MoneyState:
    """What the caseload knows of one holder's money (from services.money)."""

    balance_pence: int | None
    run_out_date: dt.date | None
    surplus_pence: int | None
    last_payment_date: dt.date | None
    unsorted_count: int
    review_date: dt.date | None
    has_agreement: bool


def money_reasons(state: MoneyState, today: dt.date) -> list[Reason]:
    """The reasons that come from the holder's money, in words for staff."""
    found: list[Reason] = []
    if state.balance_pence is not None and state.balance_pence < 0:
        found.append(reason("low_balance", "urgent",
                            f"Overdrawn by {format_pence(-state.balance_pence)}", today))
    elif state.run_out_date is not None:
        found.append(reason("projected_overspend", "attention",
                            f"Money may run out about {format_date(state.run_out_date)}", today))
    if state.surplus_pence is not None and state.surplus_pence > 0:
        found.append(reason("surplus_above_threshold", "attention",
                            f"{format_pence(state.surplus_pence)} more than the council allows",
                            today))
    if state.has_agreement:
        last = state.last_payment_date
        if last is None:
            found.append(reason("statement_gap", "attention", "No payments recorded yet", today))
        elif (today - last).days > STATEMENT_GAP_DAYS:
            found.append(reason("statement_gap", "attention",
                                f"No statement or payment since {format_date(last)}", today,
                                since=last + dt.timedelta(days=STATEMENT_GAP_DAYS)))
    if state.review_date is not None:
        if state.review_date < today:
            found.append(reason("review_due", "attention",
                                f"Review was due on {format_date(state.review_date)}", today,
                                since=state.review_date))
        elif (state.review_date - today).days <= REVIEW_NOTICE_DAYS:
            found.append(reason("review_due", "info",
                                f"Review due on {format_date(state.review_date)}", today))
    if state.unsorted_count:
        found.append(reason("unsorted", "info",
                            f"{plural(state.unsorted_count, 'payment')} not sorted yet", today))
    return found


def score(reasons: Iterable[Reason]) -> int:
    return sum(r.points for r in reasons)


def dumps(reasons: Sequence[Reason]) -> str:
    return json.dumps([asdict(r) for r in reasons])


def loads(text: str | None) -> list[Reason]:
    return [Reason(**r) for r in json.loads(text or "[]")]


def next_review(first: dt.date | None, interval_months: int, today: dt.date) -> dt.date | None:
    """The review date to show: the first due date (first review, then every
    ``interval_months``) not more than REVIEW_NOTICE_DAYS behind today.

    Reviews are not recorded in dpsupport yet, so one that is more than 28 days past is
    taken to have happened rather than reported late for ever.
    """
    if first is None:
        return None
    due, n = first, 0
    while (today - due).days > REVIEW_NOTICE_DAYS:
        n += 1
        due = _add_months(first, interval_months * n)
    return due


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    month += 1
    year += day.year
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)
