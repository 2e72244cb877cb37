"""Flags about employing personal assistants, from pay runs and contracts (docs/flags.md).

Pure: plain facts in (what approved pay runs left due, bank payments, the people employed),
flags out, with words for the holder ("you") and for staff (the holder's name).

- ``pa_underpaid`` / ``pa_overpaid``: a bank payment to a PA (their name in the payee)
  within 7 days of a net pay due, more than £1 away from what the payslip says, while that
  net pay is not settled.
- ``hmrc_or_pension_overdue``: tax and National Insurance, or pension contributions, due by
  a date that has passed and not paid: not matched to a bank payment, not marked as paid,
  and no bank payment of exactly that amount to HMRC (or the scheme) from 31 days before
  the due date on (such a payment is paid, if late: the reconciliation page asks to confirm
  it).
- ``paid_after_leaving``: a payment to a PA dated more than 31 days after their leaving
  date (final pay and holiday pay are paid within a month of leaving).
- ``household_relative_unapproved``: a PA marked as a close relative living in the
  household with no council approval reference (the direct payment regulations need the
  council's agreement).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from ..statements.payees import clean_payee
from ..text import format_date, format_pence
from .model import HOLDER, Flag, Id, Reader, evidence_key
from .recognise import plain, recognise

WITHIN_DAYS = 7
TOLERANCE_PENCE = 100
AFTER_LEAVING_DAYS = 31
SEEN_FROM_DAYS = 31  # the reconciliation's window for HMRC opens 31 days before the 22nd


@dataclass(frozen=True)
class Due:
    id: Id
    kind: str  # net_pay, hmrc, pension
    payee: str
    amount_pence: int
    due_date: dt.date
    settled: bool
    employment_id: Id | None = None
    paid_by: Id | None = None  # the bank payment confirmed as paying it, when there is one


@dataclass(frozen=True)
class Paid:
    """A bank payment out (amount positive)."""

    id: Id
    date: dt.date
    amount_pence: int
    payee: str


@dataclass(frozen=True)
class Person:
    id: Id
    name: str
    leaving_date: dt.date | None
    close_relative: bool
    approval_reference: str | None


def _to(person_name: str, payee: str) -> bool:
    """The payee names the PA: their surname, and their first name or initial if given."""
    mine = clean_payee(person_name).upper().split()
    theirs = clean_payee(payee).upper().replace(".", " ").split()
    if not mine or not theirs:
        return False
    if mine[-1] not in theirs:
        return False
    return len(theirs) == 1 or any(t == mine[0] or t == mine[0][0] for t in theirs
                                   if t != mine[-1])


def pay_differences(dues: Sequence[Due], paid: Sequence[Paid], people: Sequence[Person],
                    reader: Reader = HOLDER) -> list[Flag]:
    named = {p.name: p for p in people}
    found = []
    # The payments by date, so each pay day looks only at its own fortnight (5 years of
    # statements are thousands of payments and a net pay due each month per PA).
    by_date = sorted(paid, key=lambda p: p.date)
    days = [p.date.toordinal() for p in by_date]
    for due in dues:
        if due.kind != "net_pay" or due.settled or due.payee not in named:
            continue
        day = due.due_date.toordinal()
        near = [p for p in by_date[bisect_left(days, day - WITHIN_DAYS):
                                   bisect_right(days, day + WITHIN_DAYS)]
                if _to(due.payee, p.payee)]
        if not near or any(p.amount_pence == due.amount_pence for p in near):
            continue
        payment = min(near, key=lambda p: (abs(p.amount_pence - due.amount_pence), p.id))
        difference = payment.amount_pence - due.amount_pence
        if abs(difference) <= TOLERANCE_PENCE:
            continue
        code = "pa_overpaid" if difference > 0 else "pa_underpaid"
        more_less = "more" if difference > 0 else "less"
        title = (f"{due.payee} was paid {format_pence(abs(difference))} {more_less} than "
                 f"{'your' if reader.is_holder else reader.your} payslip says")
        explanation = (f"The payslip for the pay day {format_date(due.due_date)} says "
                       f"{due.payee}'s net pay is {format_pence(due.amount_pence)}. The bank "
                       f"paid {format_pence(payment.amount_pence)} on "
                       f"{format_date(payment.date)}.")
        if reader.is_holder:
            step = ("Check the payment with your bank. If it was a mistake, pay the difference"
                    if difference < 0 else
                    "Check the payment with your bank. If it was a mistake, talk to "
                    f"{due.payee} about paying it back") + \
                ", or tell us why the amounts differ."
        else:
            step = f"Ask {reader.you} whether they know why the amounts differ."
        found.append(Flag(
            code=code, severity="attention", title=title, explanation=explanation,
            next_step=step, key=f"{code}:{due.id}",
            evidence_key=evidence_key(code, (), [("due", due.id), ("paid", payment.id),
                                                 ("amount", payment.amount_pence)]),
            on=payment.date, transactions=(payment.id,), records=(("payment_due", due.id),),
            amount_pence=abs(difference)))
    return found


def _paying(kind: str, scheme: str, payment: Paid) -> bool:
    """The bank payment is to HMRC (for tax), or to the pension scheme (its name, or words
    the recognisers know for a pension)."""
    found = recognise(payment.payee)
    if kind == "hmrc":
        return found is not None and found.kind == "hmrc"
    named = plain(scheme).split()
    return (found is not None and found.kind == "pension") or (
        bool(named) and all(word in plain(payment.payee).split() for word in named))


def overdue(dues: Sequence[Due], today: dt.date, reader: Reader = HOLDER,
            paid: Sequence[Paid] = ()) -> list[Flag]:
    late: dict[tuple[str, dt.date, str], list[Due]] = {}
    for due in dues:
        if due.kind in ("hmrc", "pension") and not due.settled and due.due_date < today:
            late.setdefault((due.kind, due.due_date, due.payee), []).append(due)
    found = []
    used: set[Id] = {due.paid_by for due in dues if due.paid_by is not None}
    by_amount: dict[int, list[Paid]] = {}  # the bank payments of each amount, by date
    if late:
        for p in sorted(paid, key=lambda p: (p.date, str(p.id))):
            by_amount.setdefault(p.amount_pence, []).append(p)
    for (kind, when, payee), rows in sorted(late.items(), key=lambda x: (x[0][1], x[0][0])):
        total = sum(r.amount_pence for r in rows)
        seen = next((p for p in by_amount.get(total, ())
                     if p.id not in used and p.date >= when - dt.timedelta(days=SEEN_FROM_DAYS)
                     and _paying(kind, payee, p)), None)
        if seen is not None:  # paid, perhaps late: the reconciliation page asks to confirm it
            used.add(seen.id)
            continue
        what = ("PAYE tax and National Insurance to HMRC" if kind == "hmrc"
                else f"pension contributions to {payee}")
        title = f"{format_pence(total)} of {what} was due by {format_date(when)}"
        explanation = (f"The approved pay runs left {format_pence(total)} of {what} to pay by "
                       f"{format_date(when)}. No bank payment has been matched to it, and it "
                       "has not been marked as paid.")
        if kind == "hmrc":
            explanation += " HMRC may add interest and penalties to late payments."
        step = ("Pay it as soon as you can, then match the bank payment on the "
                "reconciliation page (or mark it as paid on the pay page)." if reader.is_holder
                else f"Check with {reader.you} that it has been paid.")
        found.append(Flag(
            code="hmrc_or_pension_overdue", severity="urgent", title=title,
            explanation=explanation, next_step=step, key=f"overdue:{kind}:{when.isoformat()}",
            evidence_key=evidence_key("hmrc_or_pension_overdue", (),
                                      [("due", r.id) for r in rows] + [("total", total)]),
            on=when, records=tuple(("payment_due", r.id) for r in rows), amount_pence=total))
    return found


def after_leaving(paid: Sequence[Paid], people: Sequence[Person],
                  reader: Reader = HOLDER) -> list[Flag]:
    found = []
    for person in people:
        if person.leaving_date is None:
            continue
        last = person.leaving_date + dt.timedelta(days=AFTER_LEAVING_DAYS)
        for p in paid:
            if p.date > last and _to(person.name, p.payee):
                found.append(Flag(
                    code="paid_after_leaving", severity="attention",
                    title=(f"{format_pence(p.amount_pence)} paid to {person.name} on "
                           f"{format_date(p.date)}, after they left"),
                    explanation=(f"{person.name} left on {format_date(person.leaving_date)}. "
                                 "Final pay and holiday pay are usually paid within a month."),
                    next_step=("Tell us what the payment was for." if reader.is_holder else
                               f"Ask {reader.you} what the payment was for."),
                    key=f"paid_after_leaving:{p.id}",
                    evidence_key=evidence_key("paid_after_leaving", (),
                                              [("paid", p.id), ("amount", p.amount_pence),
                                               ("left", person.leaving_date.isoformat())]),
                    on=p.date, transactions=(p.id,), records=(("employment", person.id),),
                    amount_pence=p.amount_pence))
    return found


def relatives_unapproved(people: Sequence[Person], today: dt.date,
                         reader: Reader = HOLDER) -> list[Flag]:
    found = []
    for person in people:
        if not person.close_relative or (person.approval_reference or "").strip():
            continue
        found.append(Flag(
            code="household_relative_unapproved", severity="attention",
            title=(f"{person.name} is a close relative who lives with "
                   f"{'you' if reader.is_holder else reader.you}: the council's approval is "
                   "not recorded"),
            explanation=("A direct payment can pay a close relative who lives in the same "
                         "household only when the council agrees that it is necessary."),
            next_step=("Add the council's approval reference to their details, or ask the "
                       "council for it." if reader.is_holder else
                       f"Check that the council has agreed, and help {reader.you} record it."),
            key=f"household_relative_unapproved:{person.id}",
            evidence_key=evidence_key("household_relative_unapproved", (),
                                      [("employment", person.id)]),
            on=today, records=(("employment", person.id),)))
    return found


def work_out(dues: Sequence[Due], paid: Sequence[Paid], people: Sequence[Person],
             today: dt.date, readers: Sequence[Reader]) -> list[tuple[Flag, ...]]:
    """Every employer flag, as a tuple of the same flag in each reader's words."""
    per_reader = [pay_differences(dues, paid, people, r) + overdue(dues, today, r, paid)
                  + after_leaving(paid, people, r) + relatives_unapproved(people, today, r)
                  for r in readers]
    return list(zip(*per_reader, strict=True))
