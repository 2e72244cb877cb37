"""Sorting payments (giving them a category and plan line) by who they were to or from.

Two uses of one rule. A statement import sorts a payment the way the latest sorted payment
to or from the same payee was sorted (:func:`sorted_before`); the rest are "not sorted
yet", and a person sorts those a payee at a time: "TESCO STORES, 3 payments out: Other"
(:func:`unsorted_groups`, :func:`sort_payments`). Either way a payee is known by
:func:`payee_key`: the name normalised as for de-duplication ("Tesco Stores" and
"TESCO STORES." are one payee), and the direction (a refund from a shop is not sorted like
the purchases there).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Integer, func, literal, select
from sqlalchemy.orm import Session

from ..models import Holder, Transaction
from ..statements import clean_payee
from ..statements.dedupe import normalise_description
from .records import RecordError, budget_line, check_category

GROUPS_SHOWN = 25
_UPDATE_CHUNK = 500
NO_NAME = "NO NAME"  # the payee of payments with neither a payee nor a description

Sorting = tuple[str, int | None]  # (category, plan line id)


def payee_key(payee: str | None, description: str | None, amount_pence: int
              ) -> tuple[str, bool]:
    """(normalised name, money in?): who a payment was to or from, for sorting. The bank's
    codes and card dates are taken off first (statements.clean_payee), so a payment imported
    before payees were cleaned ("BRIGHTSIDE CARE LTD BCC") still counts as the same payee."""
    name = clean_payee(payee or description or "")
    return (normalise_description(name) or NO_NAME, amount_pence > 0)


def sorted_before(session: Session, account_id: int) -> dict[tuple[str, bool], Sorting]:
    """How payments in this account have been sorted: :func:`payee_key` -> the category
    and plan line of the latest sorted payment to or from that payee (payments with no
    name are left out: they say nothing about one another).

    The database groups by the payee as written, so what comes back grows with the number
    of distinct payees and sortings, not with the account's history."""
    money_in = Transaction.amount_pence > 0  # one expression: PostgreSQL must see it twice
    who = (Transaction.payee, Transaction.description, money_in, Transaction.category,
           Transaction.budget_line_id)
    rows = session.execute(
        select(*who, func.max(Transaction.date), func.max(Transaction.id))
        .where(Transaction.account_id == account_id, Transaction.category.is_not(None))
        .group_by(*who))
    latest: dict[tuple[str, bool], tuple[date, int, Sorting]] = {}
    for payee, description, money_in, category, line_id, day, last_id in rows:
        key = payee_key(payee, description, 1 if money_in else -1)
        if key[0] == NO_NAME:
            continue
        seen = latest.get(key)
        if seen is None or (day, last_id) > seen[:2]:
            latest[key] = (day, last_id, (category, line_id))
    return {key: sorting for key, (_day, _id, sorting) in latest.items()}


class Sorter:
    """How a new payment in an account is sorted: by the first sorting rule that takes its
    payee (services/sorting_rules.py), else the way the latest payment to or from the same
    payee was (:func:`sorted_before`). Looked up by :func:`payee_key`, like a dict."""

    def __init__(self, learned: dict[tuple[str, bool], Sorting], rules: Any) -> None:
        self.learned = learned
        self.rules = rules

    def __bool__(self) -> bool:
        return bool(self.learned) or bool(self.rules)

    def get(self, key: tuple[str, bool], default: Any = None) -> Any:
        name, money_in = key
        if self.rules and name != NO_NAME:
            rule = self.rules.rule_for(name, money_in)
            if rule is not None:
                return (rule.category, rule.budget_line_id)
        return self.learned.get(key, default)


def sorter(session: Session, account_id: int, holder_id: int) -> Sorter:
    """Rules, then learning, for new payments in this account (see :class:`Sorter`)."""
    from .sorting_rules import rules_of_holder

    return Sorter(sorted_before(session, account_id), rules_of_holder(session, holder_id))


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


_SPLIT = 1_000_000_000


def exact_sum(column: Any) -> tuple[Any, Any]:
    """Two SQL sums that add up to SUM(column) of integer pence and cannot overflow.

    SQLite's SUM of integers stops with "integer overflow" past 2^63 (93,000 payments of a
    huge amount were enough); PostgreSQL's would not, but one rule for both is simpler.
    Each amount is split into whole thousand millions and the rest, which are summed apart;
    `joined` puts them back together in Python, whose integers do not overflow. (REAL or
    floats are never used for money.)"""
    high = column // literal(_SPLIT, Integer)  # integer division; the rest is exact anyway
    return func.sum(high), func.sum(column - high * literal(_SPLIT, Integer))


def joined(high: Any, low: Any) -> int:
    """The total of the two sums of `exact_sum` (either may be None: no rows)."""
    return int(high or 0) * _SPLIT + int(low or 0)


def _unsorted(holder: Holder) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
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
        select(who, money_in, func.count(), *exact_sum(Transaction.amount_pence),
               func.min(Transaction.date), func.max(Transaction.date))
        .where(*_unsorted(holder)).group_by(who, money_in))
    groups: dict[tuple[str, bool], Group] = {}
    spellings: dict[tuple[str, bool], int] = {}
    for written, is_in, count, high, low, first, last in rows:
        total = joined(high, low)
        key = payee_key(written, None, 1 if is_in else -1)
        group = groups.get(key)
        if group is None:
            groups[key] = Group(*key, written or "No name", count, abs(int(total)), first,
                                last)
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
    chosen = {parse_key(c.key): c for c in choices}
    rows = session.execute(select(Transaction.id, Transaction.payee, Transaction.description,
                                  Transaction.amount_pence).where(*_unsorted(holder)))
    ids: dict[int, Choice] = {}
    for tx_id, payee, description, amount in rows:
        picked = chosen.get(payee_key(payee, description, amount))
        if picked is not None:
            ids[tx_id] = picked
    todo = list(ids)
    for at in range(0, len(todo), _UPDATE_CHUNK):
        # through the ORM, so that each change is in the audit trail ("who changed what")
        for tx in session.scalars(select(Transaction).where(
                Transaction.id.in_(todo[at:at + _UPDATE_CHUNK]))):
            tx.category = ids[tx.id].category
            tx.budget_line_id = ids[tx.id].budget_line_id
    session.flush()
    return len(todo)
