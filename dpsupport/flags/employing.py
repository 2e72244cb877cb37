"""Flags about the work PAs do and the employer's duties (docs/flags.md). Pure: plain facts
in (shifts worked, contract rates, the plan's hours, the employer's duties), flags out, in
the holder's words ("you") and in staff's (the holder's name).

- ``below_minimum_wage``: an hourly rate under the legal minimum for the PA's age, on a day
  they worked (a shift in the last ``LOOK_BACK_DAYS``) or today (the contract in force for
  someone employed now). One question per PA, rate and minimum: a resolved question ("she
  is an apprentice") stays resolved while the rate and the minimum stay the same, and opens
  again when either changes (the minimum goes up every April).
- ``hours_beyond_plan``: the hours of work in the timesheets of a payment period (all PAs,
  sleep-ins not counted: they are not working time) are more than the hours the support
  plan pays for in a period. Only when the plan gives hours (a plan line may say how many
  hours of support it pays for); the current period so far and the last
  ``HOURS_LOOK_BACK_PERIODS`` finished ones, since the plan's hours are today's.
- ``employer_duty_due``: an employer's duty overdue or due soon (payroll/duties.py):
  employer's liability insurance, pension re-enrolment, the right-to-work check and the
  written statement of terms, and a DBS check older than 3 years (a suggestion, so only
  information). P60s and leavers stay reminders on the money page: we keep no record of
  them being done, so a question could never be put right.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ..payroll.duties import SOON_DAYS, Duty
from ..payroll.shifts import SHIFT_WORDS, ShiftError, paid_minutes
from ..payroll.timesheet_checks import age_on
from ..text import first_upper, format_date, format_pence, hours
from .model import HOLDER, Flag, Id, Reader, evidence_key

LOOK_BACK_DAYS = 365
HOURS_LOOK_BACK_PERIODS = 3
DUTY_CODES = ("insurance", "re_enrolment", "right_to_work", "written_statement", "dbs")


@dataclass(frozen=True)
class Worked:
    """One shift: its id, the PA's employment, the day, times, break and kind."""

    id: Id
    employment_id: Id
    work_date: dt.date
    start: dt.time
    end: dt.time
    break_minutes: int
    kind: str

    @property
    def working_minutes(self) -> int:
        """Minutes of work (a sleep-in is not working time; a shift that cannot be worked
        out counts as none here: the timesheet page names it)."""
        if self.kind == "sleep_in":
            return 0
        try:
            return paid_minutes(self.start, self.end, self.break_minutes)
        except ShiftError:
            return 0


@dataclass(frozen=True)
class PA:
    """A PA as these rules need them. ``rates_today``: hourly rates by kind of shift in the
    contract in force today (empty when none is)."""

    id: Id
    name: str
    born: dt.date
    start_date: dt.date
    leaving_date: dt.date | None
    rates_today: tuple[tuple[str, int], ...] = ()

    def employed_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.leaving_date is None or self.leaving_date >= day)


# rate_for(shift) -> the hourly rate in pence its contract pays for its kind on its day, or
# None (no contract, or a sleep-in); minimum_for(age, day) -> the legal minimum in pence, or
# None (under 16, or our figures do not cover the day).
RateFor = Callable[[Worked], int | None]
MinimumFor = Callable[[int, dt.date], int | None]


@dataclass
class _Short:
    rate: int
    minimum: int
    age: int
    shifts: list[Worked]
    contract_kinds: list[str]


def below_minimum_wage(people: Sequence[PA], shifts: Sequence[Worked], today: dt.date,
                       rate_for: RateFor, minimum_for: MinimumFor,
                       reader: Reader = HOLDER) -> list[Flag]:
    since = today - dt.timedelta(days=LOOK_BACK_DAYS)
    found = []
    for person in people:
        groups: dict[tuple[int, int], _Short] = {}
        for s in shifts:
            if s.employment_id != person.id or not since <= s.work_date <= today:
                continue
            rate = rate_for(s)
            age = age_on(person.born, s.work_date)
            minimum = minimum_for(age, s.work_date)
            if rate is None or minimum is None or rate >= minimum:
                continue
            groups.setdefault((rate, minimum), _Short(rate, minimum, age, [], [])).shifts.append(s)
        if person.employed_on(today):
            age = age_on(person.born, today)
            minimum = minimum_for(age, today)
            for kind, rate in person.rates_today:
                if minimum is not None and rate < minimum:
                    group = groups.setdefault((rate, minimum), _Short(rate, minimum, age, [], []))
                    group.contract_kinds.append(kind)
        for _key, group in sorted(groups.items(), key=lambda item: item[0]):
            found.append(_minimum_flag(person, group, today, reader))
    return found


def _minimum_flag(person: PA, group: _Short, today: dt.date, reader: Reader) -> Flag:
    shifts = sorted(group.shifts, key=lambda s: (s.work_date, s.id))
    short_by = group.minimum - group.rate
    shortfall = sum(s.working_minutes for s in shifts) * short_by // 60
    said = [f"The legal minimum wage for someone aged {group.age} is "
            f"{format_pence(group.minimum)} an hour."]
    if shifts:
        first, last = shifts[0].work_date, shifts[-1].work_date
        when = (f"on {format_date(first)}" if first == last
                else f"from {format_date(first)} to {format_date(last)}")
        said.append(f"{len(shifts)} shift{'s' if len(shifts) != 1 else ''} worked {when} "
                    f"{'were' if len(shifts) != 1 else 'was'} paid {format_pence(group.rate)} "
                    f"an hour: about {format_pence(shortfall)} less than the minimum.")
    if group.contract_kinds:
        kinds = " and ".join(SHIFT_WORDS.get(k, k) for k in group.contract_kinds)
        said.append(f"{first_upper(reader.your)} contract with {person.name} pays "
                    f"{format_pence(group.rate)} an hour for {kinds} shifts.")
    said.append("Paying less than the minimum is against the law, unless they are an "
                "apprentice on the apprentice rate.")
    if reader.is_holder:
        step = (f"Add a new version of {person.name}'s contract with a rate of at least "
                f"{format_pence(group.minimum)} an hour, and pay them what the shifts already "
                "worked were short. If they are an apprentice, tell us.")
    else:
        step = (f"Help {reader.you} raise {person.name}'s rate to at least "
                f"{format_pence(group.minimum)} an hour and pay what was short.")
    return Flag(
        code="below_minimum_wage", severity="urgent",
        title=(f"{person.name} is paid {format_pence(group.rate)} an hour, under the minimum "
               f"wage of {format_pence(group.minimum)}"),
        explanation=" ".join(said), next_step=step,
        key=f"below_minimum_wage:{person.id}:{group.rate}:{group.minimum}",
        evidence_key=evidence_key("below_minimum_wage", (),
                                  [("employment", person.id), ("rate", group.rate),
                                   ("minimum", group.minimum)]),
        on=shifts[-1].work_date if shifts else today,
        records=(("employment", person.id),) + tuple(("shift", s.id) for s in shifts),
        amount_pence=shortfall or None)


def hours_beyond_plan(periods: Sequence[tuple[dt.date, dt.date]], plan_minutes: int | None,
                      plan_lines: Sequence[Id], shifts: Sequence[Worked], today: dt.date,
                      reader: Reader = HOLDER) -> list[Flag]:
    """``periods``: the payment periods to look at, (first day, last day), oldest first."""
    if not plan_minutes:
        return []
    found = []
    for start, end in periods:
        if start > today:
            continue
        inside = [s for s in shifts if start <= s.work_date <= min(end, today)]
        worked = sum(s.working_minutes for s in inside)
        if worked <= plan_minutes:
            continue
        extra = worked - plan_minutes
        so_far = " so far" if end >= today else ""
        title = (f"{hours(worked)} of work from {format_date(start)} to {format_date(end)}"
                 f"{so_far}: more than the {hours(plan_minutes)} {reader.your} plan pays for")
        explanation = (f"{first_upper(reader.your)} support plan pays for {hours(plan_minutes)} "
                       f"of support in each payment period. The timesheets for "
                       f"{format_date(start)} to {format_date(end)} show {hours(worked)} of "
                       f"work{so_far}, {hours(extra)} more. Sleep-ins are not counted: they "
                       "are not working time.")
        step = ("If the extra hours were needed, tell us why: your needs may have changed, and "
                "the council may need to know. If a shift was entered by mistake, correct the "
                "timesheet." if reader.is_holder else
                f"Ask {reader.you} whether their needs have changed; the council may need to "
                "look at the plan again.")
        people = sorted({s.employment_id for s in inside}, key=str)
        found.append(Flag(
            code="hours_beyond_plan", severity="attention", title=title,
            explanation=explanation, next_step=step,
            key=f"hours_beyond_plan:{start.isoformat()}",
            evidence_key=evidence_key("hours_beyond_plan", (),
                                      [("worked", worked), ("planned", plan_minutes)]),
            on=min(end, today),
            records=tuple(("plan_line", i) for i in plan_lines)
            + tuple(("employment", i) for i in people)))
    return found


def _duty_words(duty: Duty, today: dt.date, reader: Reader) -> tuple[str, str, str]:
    """(severity, title, what to do) for a duty, for this reader."""
    late = duty.due is not None and duty.due < today
    who = duty.person or ""
    your = reader.your
    if duty.code == "insurance":
        if duty.due is None:
            return ("info", f"When does {your} employer's liability insurance need renewing?",
                    "Enter the renewal date in the employer details."
                    if reader.is_holder else f"Help {reader.you} record the renewal date.")
        if late:
            return ("urgent", f"{first_upper(your)} employer's liability insurance renewal date "
                    f"has passed", "Renew it (an employer must have it by law) and enter the "
                    "new renewal date in the employer details." if reader.is_holder else
                    f"Check with {reader.you} that the insurance was renewed.")
        return ("info", f"{first_upper(your)} employer's liability insurance is due for renewal "
                f"by {format_date(duty.due)}", "Renew it, then enter the new renewal date."
                if reader.is_holder else f"Remind {reader.you} to renew it.")
    if duty.code == "re_enrolment":
        return ("attention" if late else "info", "Pension re-enrolment is due",
                "Follow the steps in the explanation, or ask your payroll service."
                if reader.is_holder else f"Check that {reader.you} or their payroll service "
                "does the re-enrolment.")
    if duty.code == "right_to_work":
        return ("attention" if late else "info",
                f"{who}'s right to work in the UK has no check recorded",
                "Check their documents and record the date in their contract."
                if reader.is_holder else f"Help {reader.you} check and record it.")
    if duty.code == "written_statement":
        return ("attention" if late else "info",
                f"{who} has no written statement of their terms recorded",
                "Give them their written statement (the contract) and record the date."
                if reader.is_holder else f"Help {reader.you} give and record it.")
    return ("info", f"{who}'s DBS check is more than 3 years old",
            "Think about asking for a new check (a suggestion, not the law)."
            if reader.is_holder else f"Talk to {reader.you} about a new check.")


def asked(duty: Duty, today: dt.date) -> bool:
    """Whether this duty is a kept question (the money page lists the rest as reminders)."""
    if duty.done or duty.code not in DUTY_CODES:
        return False
    if duty.code == "dbs":  # a suggestion: raised once the 3 years are up
        return duty.due is not None and duty.due <= today
    return duty.due is None or duty.due <= today + dt.timedelta(days=SOON_DAYS)


def employer_duties(duties: Sequence[Duty], today: dt.date, people: Mapping[str, Id],
                    reader: Reader = HOLDER) -> list[Flag]:
    """``people``: the employment of each PA, by the name the duties give."""
    found = []
    for duty in duties:
        if not asked(duty, today):
            continue
        severity, title, step = _duty_words(duty, today, reader)
        explanation = duty.text
        if not reader.is_holder:
            explanation = f"{reader.you} is told: “{duty.text}”"
        due = duty.due.isoformat() if duty.due else "none"
        found.append(Flag(
            code="employer_duty_due", severity=severity, title=title,
            explanation=explanation, next_step=step,
            key=f"employer_duty_due:{duty.code}:{duty.person or ''}:{due}",
            evidence_key=evidence_key("employer_duty_due", (),
                                      [("duty", duty.code), ("person", duty.person or ""),
                                       ("due", due)]),
            on=min(duty.due, today) if duty.due else today,
            records=((("employment", people[duty.person]),)
                     if duty.person is not None and duty.person in people
                     else (("employer", 0),))))
    return found
