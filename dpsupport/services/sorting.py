"""Sorting payments that are not sorted yet, a payee at a time.

After a statement import, the payments to people and companies paid before are already
sorted (imports._sorted_before); the rest are "not sorted yet". Rather than open each one,
a person sorts them by who they were to or from: "TESCO STORES, 3 payments out: Other".
Payments are grouped by the payee's name normalised as for de-duplication ("Tesco Stores"
and "TESCO STORES." are one group) and by direction (a refund from a shop is not sorted
with the purchases there).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Holder, Transaction
from ..statements.dedupe import normalise_description
from .records import RecordError, budget_line, check_category

GROUPS_SHOWN = 25
_UPDATE_CHUNK = 500


@dataclass
class Group:
    """Unsorted payments to or from one payee, in one direction."""

    name: str  # normalised payee ("TESCO STORES")
    money_in: bool
    label: str  # the payee as the statement wrote it (the most common spelling)
    count: int
    total_pence: int  # positive
    first: date
    last: date

    @property
    def key(self) -> str:
        """What the form sends back to say which group: direction and name."""
        return f"{'in' if self.money_in else 'out'}:{self.name}"


def parse_key(key: str) -> tuple[str, bool] | None:
    """(name, money in?) from :attr:`Group.key`, or None if it is not one."""
    direction, _, name = key.partition(":")
    if direction not in ("in", "out") or not name or normalise_description(name) != name:
        return None
    return name, direction == "in"


def _unsorted(holder: Holder):  # type: ignore[no-untyped-def]
    return (Transaction.holder_id == holder.id, Transaction.category.is_(None))


def unsorted_count(session: Session, holder: Holder) -> int:
    return session.scalar(select(func.count()).where(*_unsorted(holder))) or 0


def unsorted_groups(session: Session, holder: Holder) -> list[Group]:
    """Every group of unsorted payments, the biggest (most payments) first.

    The database groups by the payee as written; names that normalise alike are then
    merged here, so the work done in Python grows with the number of distinct payees, not
    with the number of payments."""
    who = func.coalesce(Transaction.payee, Transaction.description, "")
    money_in = Transaction.amount_pence > 0
    rows = session.execute(
        select(who, money_in, func.count(), func.sum(Transaction.amount_pence),
               func.min(Transaction.date), func.max(Transaction.date))
        .where(*_unsorted(holder)).group_by(who, money_in))
    groups: dict[tuple[str, bool], Group] = {}
    spellings: dict[tuple[str, bool], int] = {}
    for written, is_in, count, total, first, last in rows:
        name = normalise_description(written) or "NO NAME"
        key = (name, bool(is_in))
        group = groups.get(key)
        if group is None:
            groups[key] = Group(name, bool(is_in), written or "No name", count,
                                abs(int(total)), first, last)
            spellings[key] = count
            continue
        group.count += count
        group.total_pence += abs(int(total))
        group.first, group.last = min(group.first, first), max(group.last, last)
        if count > spellings[key]:
            group.label, spellings[key] = written or "No name", count
    return sorted(groups.values(), key=lambda g: (-g.count, -g.total_pence, g.name))


@dataclass(frozen=True)
class Choice:
    key: str
    category: str
    budget_line_id: int | None


def check_choice(session: Session, holder: Holder, choice: Choice) -> str | None:
    """What is wrong with one choice, in words for the person, or None."""
    parsed = parse_key(choice.key)
    if parsed is None:
        return "The list of payments has changed. Please choose again."
    try:
        check_category(choice.category, 1 if parsed[1] else -1)
    except RecordError as err:
        return str(err)
    if choice.budget_line_id is not None and budget_line(
            session, holder, choice.budget_line_id) is None:
        return "Select a line from your support plan"
    return None


def sort_payments(session: Session, holder: Holder, choices: list[Choice]) -> int:
    """Give each chosen group's unsorted payments the chosen category and plan line. All or
    nothing: a bad choice raises RecordError before anything changes. Returns how many
    payments were sorted."""
    for choice in choices:
        problem = check_choice(session, holder, choice)
        if problem:
            raise RecordError(problem)
    sorted_count = 0
    for choice in choices:
        name, money_in = parse_key(choice.key)  # type: ignore[misc]
        direction = Transaction.amount_pence > 0 if money_in else Transaction.amount_pence <= 0
        rows = session.execute(
            select(Transaction.id, Transaction.payee, Transaction.description)
            .where(*_unsorted(holder), direction))
        ids = [tx_id for tx_id, payee, description in rows
               if (normalise_description(payee or description or "") or "NO NAME") == name]
        for at in range(0, len(ids), _UPDATE_CHUNK):
            part = ids[at:at + _UPDATE_CHUNK]
            # through the ORM, so that each change is in the audit trail ("who changed what")
            for tx in session.scalars(select(Transaction).where(Transaction.id.in_(part))):
                tx.category = choice.category
                tx.budget_line_id = choice.budget_line_id
        sorted_count += len(ids)
    session.flush()
    return sorted_count
