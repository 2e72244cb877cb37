"""Checks on a PA's shifts, each with a plain explanation. Pure: no database, no Flask.

None of these checks stops anything on its own: each says what it found and why it
matters, and the person decides (the pages show them before anyone approves a timesheet).
The rules (ours, written down in docs/timesheets.md):

- Overlap: two shifts of the same PA overlap when one starts before the other ends. A
  shift whose end time is at or before its start ends the next day, so 22:00 to 07:00
  overlaps a shift starting at 06:00 the next morning.
- Minimum wage: each shift's hourly rate is compared with the minimum wage for the PA's
  age on the day the shift starts (payroll_rules.minimum_hourly_wage). A sleep-in is a flat
  allowance and not working time, so it is not compared; a waking night is working time
  and is compared at the night rate.
- Leaving and start dates: a shift on a day after the PA's leaving date, or before their
  start date, is named.
- Hours against the plan: a plan line may give the hours of support it pays for each
  payment period; the period checked gets its share by days (a week of a 4-weekly plan is
  a quarter). With no hours in the plan we say so rather than invent a figure. Where the
  contract sets hours a week, hours recorded beyond them are named.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, time

from dateutil.relativedelta import relativedelta

from ..text import format_date, format_pence, hours
from .shifts import ShiftError, paid_minutes, starts_and_ends


@dataclass(frozen=True, slots=True)
class ShiftFacts:
    """What a check needs to know about one shift. ``ref`` names it (its id, or a row)."""

    ref: int
    work_date: date
    start: time
    end: time
    break_minutes: int
    kind: str


@dataclass(frozen=True)
class Check:
    """One thing found: a short title, the explanation, and which shifts it is about."""

    kind: str
    title: str
    explanation: str
    refs: tuple[int, ...] = field(default=())
    warning: bool = True


def _when(s: ShiftFacts) -> str:
    return (f"{format_date(s.work_date)} {s.start.strftime('%H:%M')} to "
            f"{s.end.strftime('%H:%M')}")


def age_on(born: date, on: date) -> int:
    return relativedelta(on, born).years


def overlaps(shifts: Sequence[ShiftFacts]) -> list[Check]:
    """Each pair of shifts that overlap in time (across midnight too)."""
    timed = sorted(((*starts_and_ends(s.work_date, s.start, s.end), s) for s in shifts),
                   key=lambda t: (t[0], t[1]))
    found: list[Check] = []
    for i, (_begin, finish, first) in enumerate(timed):
        for other_begin, _other_finish, second in timed[i + 1:]:
            if other_begin >= finish:
                break
            found.append(Check(
                "overlap", "Shifts that overlap",
                f"The shift on {_when(first)} and the shift on {_when(second)} overlap. One "
                "person cannot work two shifts at once: check the times, or remove the one "
                "entered twice.", (first.ref, second.ref)))
    return found


def outside_employment(shifts: Sequence[ShiftFacts], name: str, start_date: date,
                       leaving_date: date | None) -> list[Check]:
    found: list[Check] = []
    for s in shifts:
        if leaving_date is not None and s.work_date > leaving_date:
            found.append(Check(
                "after_leaving", "A shift after the leaving date",
                f"The shift on {_when(s)} is after {name}'s leaving date, "
                f"{format_date(leaving_date)}. If they came back to work, change the leaving "
                "date first; otherwise remove the shift.", (s.ref,)))
        if s.work_date < start_date:
            found.append(Check(
                "before_start", "A shift before the start date",
                f"The shift on {_when(s)} is before {name}'s start date, "
                f"{format_date(start_date)}. Check the date, or change their start date.",
                (s.ref,)))
    return found


# rate_for(shift) -> the hourly rate in pence for its kind on its day, or None when no
# contract is in force; minimum_for(age, day) -> the minimum in pence, or None when there is
# none (under 16) or our figures do not cover the day.
RateFor = Callable[[ShiftFacts], int | None]
MinimumFor = Callable[[int, date], int | None]


def below_minimum_wage(shifts: Sequence[ShiftFacts], name: str, born: date,
                       rate_for: RateFor, minimum_for: MinimumFor) -> list[Check]:
    """Shifts paid below the minimum wage for the PA's age on the day worked.

    A sleep-in is skipped: its allowance is not pay for working time."""
    found: list[Check] = []
    for s in shifts:
        if s.kind == "sleep_in":
            continue
        rate = rate_for(s)
        if rate is None:
            found.append(Check(
                "no_contract", "No contract on the day",
                f"There is no contract in force on {format_date(s.work_date)} for {name}, so "
                "we cannot work out the pay for that shift or check it against the minimum "
                "wage. Add their contract, starting on or before that day.", (s.ref,)))
            continue
        age = age_on(born, s.work_date)
        minimum = minimum_for(age, s.work_date)
        if minimum is None or rate >= minimum:
            continue
        found.append(Check(
            "minimum_wage", "Pay below the minimum wage",
            f"On {format_date(s.work_date)} {name} was {age}, and the minimum wage for their "
            f"age that day was {format_pence(minimum)} an hour. This shift is paid "
            f"{format_pence(rate)} an hour, {format_pence(minimum - rate)} below it. Paying "
            "less is against the law, unless they are an apprentice on the apprentice rate: "
            "add a new version of the contract with a higher rate.", (s.ref,)))
    return found


def working_minutes(shifts: Sequence[ShiftFacts]) -> int:
    """Minutes worked (a sleep-in is not working time); a shift that cannot be worked out
    counts as nothing here (it is named elsewhere)."""
    total = 0
    for s in shifts:
        if s.kind == "sleep_in":
            continue
        try:
            total += paid_minutes(s.start, s.end, s.break_minutes)
        except ShiftError:
            continue
    return total


def hours_against_plan(shifts: Sequence[ShiftFacts], plan_minutes: int | None,
                       contract_weekly_minutes: int | None, weeks: int,
                       everyone_minutes: int | None = None) -> Check:
    """Hours recorded against the plan's hours and the contract's, said plainly.

    ``plan_minutes`` is None when the support plan holds no hours for the period (it holds
    money for each line): then that is what we say. The plan's hours are for all the PAs
    together: ``everyone_minutes`` is the work all of them recorded in the period (when not
    given, these shifts are everyone's)."""
    worked = working_minutes(shifts)
    everyone = worked if everyone_minutes is None else everyone_minutes
    recorded = f"{hours(worked)} of work recorded"
    together = "" if everyone == worked else (
        f" With your other PAs, {hours(everyone)} of work was recorded in all.")
    parts: list[str] = []
    warning = False
    if plan_minutes is None:
        parts.append(f"{recorded}. Your support plan does not say how many hours of support "
                     "it pays for, so we cannot check these hours against it. If your council "
                     "set hours of support, add them to the plan's lines.")
    elif everyone > plan_minutes:
        warning = True
        parts.append(f"{recorded}.{together} That is {hours(everyone - plan_minutes)} more "
                     f"than the {hours(plan_minutes)} your support plan pays for in this "
                     "time.")
    else:
        parts.append(f"{recorded}.{together} That is within the {hours(plan_minutes)} your "
                     "support plan pays for in this time.")
    if contract_weekly_minutes:
        contracted = contract_weekly_minutes * weeks
        if worked > contracted:
            warning = True
            parts.append(f"Their contract is for {hours(contract_weekly_minutes)} a week "
                         f"({hours(contracted)} in this period): {hours(worked - contracted)} "
                         "more were recorded. Extra hours are paid like any other; check they "
                         "were agreed.")
    title = "Hours beyond the plan or contract" if warning else "Hours in this period"
    return Check("hours", title, " ".join(parts), (), warning)
