"""An employer's duties, with dates: what is due and when. Pure (docs/money_owed.md).

The rules (ours, in our words; sources in the docs):

- Employer's liability insurance: renew by the renewal date recorded in the employer
  details. With nobody employed now, nothing is asked. With no date recorded, we ask for it.
- Workplace pension re-enrolment: every 3 years an employer puts back into the scheme staff
  who left it. We count from the duties start date, which we take to be the earliest start
  date of anyone the holder employs (the day the first PA started: the law's "duties start
  date" for a new employer). The re-enrolment date is each 3rd anniversary; the employer may
  choose a date from 3 months before to 3 months after it, and must send the re-declaration
  of compliance to The Pensions Regulator within 5 months of the anniversary (by the day
  before the date 5 months on). Later cycles run from the re-enrolment date the employer
  chose; we do not record it, so we count on from the anniversaries (the date The Pensions
  Regulator suggests choosing).
- Written statement of employment particulars: on or before the PA's first day of work.
- Right-to-work check: before the PA starts work (so by the day before their start date).
- DBS check: the law sets no renewal for an individual's own employee. We suggest a review
  3 years after the last check recorded; the page says it is a suggestion.
- P60: by 31 May, to everyone employed on 5 April, the last day of the tax year (a PA who
  left on 5 April was still employed that day).
- Leaving: a PA who leaves is paid their final pay (with holiday earned but not taken) on
  or soon after their last day, and given a P45.

``things_to_look_at`` picks what to raise on the money page: anything overdue (except the
DBS suggestion, which is never overdue), and anything due in the next ``SOON_DAYS`` days.
We keep no record of a duty being done (beyond the dates in the contract and the employer
details), so a P60 is raised from 6 April to 31 May, and a leaving from 30 days before the
leaving date to 30 days after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from ..text import format_date

SOON_DAYS = 30
RE_ENROLMENT_YEARS = 3
DBS_REVIEW_YEARS = 3
LEAVER_DAYS = 30


@dataclass(frozen=True, slots=True)
class EmployeeRecord:
    name: str
    start_date: date
    leaving_date: date | None
    written_statement_date: date | None
    right_to_work_date: date | None
    dbs_check_date: date | None
    has_contract: bool = True


@dataclass(frozen=True, slots=True)
class Duty:
    """One duty: ``due`` is its date (None when we cannot say); ``done`` when the record shows
    it was done; ``suggestion`` when the law does not require it."""

    code: str
    text: str
    due: date | None
    person: str | None = None
    done: bool = False
    suggestion: bool = False

    def overdue(self, today: date) -> bool:
        return not self.done and not self.suggestion and self.due is not None and self.due < today


def _employed_on(e: EmployeeRecord, day: date) -> bool:
    return e.start_date <= day and (e.leaving_date is None or e.leaving_date >= day)


def _current(people: Sequence[EmployeeRecord], today: date) -> list[EmployeeRecord]:
    """Those employed today or starting later."""
    return [e for e in people if e.leaving_date is None or e.leaving_date >= today]


def insurance(renewal: date | None, people: Sequence[EmployeeRecord], today: date) -> list[Duty]:
    if not _current(people, today):
        return []
    if renewal is None:
        return [Duty("insurance", "Enter the renewal date of your employer's liability "
                     "insurance in your employer details, so we can remind you.", None)]
    if renewal < today:
        text = (f"Your employer's liability insurance renewal date, {format_date(renewal)}, "
                "has passed. Renew it and enter the new date in your employer details.")
    else:
        text = f"Renew your employer's liability insurance by {format_date(renewal)}."
    return [Duty("insurance", text, renewal)]


def duties_start(people: Sequence[EmployeeRecord]) -> date | None:
    return min((e.start_date for e in people), default=None)


def re_enrolment(people: Sequence[EmployeeRecord], today: date) -> list[Duty]:
    start = duties_start(people)
    if start is None or not _current(people, today):
        return []
    years = RE_ENROLMENT_YEARS
    due = start + relativedelta(years=years)
    # the next re-enrolment date whose window (3 months after) has not closed yet
    while due + relativedelta(months=3) < today:
        years += RE_ENROLMENT_YEARS
        due = start + relativedelta(years=years)
    earliest, latest = due - relativedelta(months=3), due + relativedelta(months=3)
    declare_by = due + relativedelta(months=5) - timedelta(days=1)
    return [Duty(
        "re_enrolment",
        f"Pension re-enrolment: {format_date(due)} is {years} years from your duties start "
        f"date ({format_date(start)}, when your first PA started). Choose a re-enrolment date "
        f"from {format_date(earliest)} to {format_date(latest)}, put back into the pension "
        "anyone eligible who left it, and send The Pensions Regulator your re-declaration of "
        f"compliance by {format_date(declare_by)}.", due)]


def per_person(people: Sequence[EmployeeRecord], today: date) -> list[Duty]:
    duties: list[Duty] = []
    for e in people:
        if e.leaving_date is not None and e.leaving_date < today - timedelta(days=LEAVER_DAYS):
            continue
        day_before = e.start_date - timedelta(days=1)
        started = e.start_date <= today
        if e.right_to_work_date is None:
            text = (f"Check {e.name}'s right to work in the UK before they start on "
                    f"{format_date(e.start_date)}, and record the date in their contract.")
            if started:
                text = (f"There is no date for {e.name}'s right-to-work check, which is due "
                        f"before they start work (they started on {format_date(e.start_date)}). "
                        "Check it now and record the date in their contract.")
            duties.append(Duty("right_to_work", text, day_before, e.name))
        else:
            duties.append(Duty("right_to_work", f"{e.name}'s right to work was checked on "
                               f"{format_date(e.right_to_work_date)}.", day_before, e.name,
                               done=True))
        if e.written_statement_date is None:
            text = (f"Give {e.name} a written statement of their terms (the contract) on or "
                    f"before their first day, {format_date(e.start_date)}, and record the date.")
            if e.start_date < today:
                text = (f"There is no date for {e.name}'s written statement of their terms, "
                        f"which was due on their first day ({format_date(e.start_date)}). Give "
                        "it to them now and record the date in their contract.")
            duties.append(Duty("written_statement", text, e.start_date, e.name))
        else:
            duties.append(Duty("written_statement", f"{e.name} was given their written "
                               f"statement on {format_date(e.written_statement_date)}.",
                               e.start_date, e.name, done=True))
        if e.dbs_check_date is not None:
            review = e.dbs_check_date + relativedelta(years=DBS_REVIEW_YEARS)
            duties.append(Duty("dbs", f"A suggestion, not the law: {e.name}'s DBS check was "
                               f"on {format_date(e.dbs_check_date)}; you might review it "
                               f"around {format_date(review)}, 3 years on.", review, e.name,
                               suggestion=True))
        if e.leaving_date is not None:
            duties.append(Duty("leaving", f"{e.name} leaves on {format_date(e.leaving_date)}: "
                               "pay their final pay (with any holiday earned but not taken) "
                               "and give them a P45.", e.leaving_date, e.name))
    return duties


def p60s(people: Sequence[EmployeeRecord], today: date) -> list[Duty]:
    """P60s due by 31 May for the tax year ending on 5 April: the year that has just ended
    until 31 May, then the one that will end next 5 April (for those employed now)."""
    year = today.year if (today.month, today.day) >= (4, 6) else today.year - 1
    if today > date(year, 5, 31):
        year += 1
    last_day = date(year, 4, 5)
    due = date(year, 5, 31)
    ended = last_day < today
    names = [e.name for e in people if _employed_on(e, last_day)
             or (not ended and e.start_date <= today and e.leaving_date is None)]
    if not names:
        return []
    if ended:
        text = (f"Give a P60 for the tax year that ended on {format_date(last_day)} to "
                f"{', '.join(names)} by {format_date(due)}.")
    else:
        text = (f"After the tax year ends on {format_date(last_day)}, give a P60 to everyone "
                f"employed that day ({', '.join(names)} now) by {format_date(due)}.")
    return [Duty("p60", text, due)]


def all_duties(renewal: date | None, people: Sequence[EmployeeRecord],
               today: date) -> list[Duty]:
    """Every duty we can list, by date (those with no date first)."""
    found = [*insurance(renewal, people, today), *re_enrolment(people, today),
             *per_person(people, today), *p60s(people, today)]
    return sorted(found, key=lambda d: (d.due is not None, d.due or date.min, d.code))


def things_to_look_at(duties: Sequence[Duty], today: date) -> list[Duty]:
    """The duties to raise on the money page (module docstring)."""
    soon = today + timedelta(days=SOON_DAYS)
    picked = []
    for d in duties:
        if d.done:
            continue
        if d.code == "p60":
            if d.due is not None and d.due - timedelta(days=55) <= today <= d.due:
                picked.append(d)
        elif d.code == "leaving":
            if d.due is not None and abs((d.due - today).days) <= LEAVER_DAYS:
                picked.append(d)
        elif d.due is None or d.due <= soon and (d.due >= today or not d.suggestion):
            picked.append(d)
    return picked
