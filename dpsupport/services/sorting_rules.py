"""Sorting rules people write: "payments to NEST go to Employer costs".

A rule has a payee's name (``pattern``), a direction (money out or in), a category and, for
a holder's own rule, a plan line. It belongs to one holder, or to the holder's whole
organisation (written by its support workers or admins, for everyone it supports).

Which payments a rule takes
    The payee's name is read as for sorting (``sorting.payee_key``: the bank's codes taken
    off, upper case, punctuation as spaces), and so is the pattern. A rule takes a payment
    going its way whose name holds the pattern as whole words: "NEST" takes "NEST
    PENSIONS DD" but not "NESTLE" or "HONEST". When several rules take a payment, the
    holder's own rules come before the organisation's, then the longer pattern, then the
    older rule.

Rules and learning
    When a statement is imported, a new payment a rule takes is sorted by the rule; one no
    rule takes is sorted the way the latest payment to or from the same payee was
    (``sorting.sorted_before``), as before. A rule is written on purpose, so it wins over
    what was learned. Payments already sorted are left as they are: "try on past payments"
    shows which of them the rule would sort, and how, before it is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..errors import UserError
from ..models import Holder, SortingRule, Transaction
from ..models.funding import ALL_CATEGORIES
from ..models.reconcile import RULE_DIRECTIONS
from ..statements import clean_payee
from ..statements.dedupe import normalise_description
from . import records
from .audit import current_actor
from .uow import transactional

__all__ = ["ALL_CATEGORIES", "RULE_DIRECTIONS", "SortingRule"]

ORGANISATION_ROLES = frozenset({"support_worker", "org_admin"})
MANAGE_ROLES = frozenset({"holder", "representative", "support_worker", "org_admin"})
SCOPES = {"holder": "Only for this person", "organisation": "For everyone your organisation "
          "supports"}
PREVIEW_ROWS = 50


def plain(text: str) -> str:
    return normalise_description(clean_payee(text)) if text.strip() else ""


@dataclass(frozen=True)
class CompiledRule:
    id: int
    pattern: str  # normalised
    money_in: bool
    category: str
    budget_line_id: int | None
    own: bool  # the holder's own rule (not the organisation's)

    def takes(self, name: str, money_in: bool) -> bool:
        return money_in == self.money_in and f" {self.pattern} " in f" {name} "


class Rules:
    """A holder's rules, ready to sort names (see the module docstring for the order)."""

    def __init__(self, rules: list[SortingRule], holder_id: int) -> None:
        compiled = [CompiledRule(r.id, plain(r.pattern), r.direction == "in", r.category,
                                 r.budget_line_id, r.holder_id == holder_id) for r in rules]
        self.rules = sorted((r for r in compiled if r.pattern),
                            key=lambda r: (not r.own, -len(r.pattern), r.id))
        self._seen: dict[tuple[str, bool], CompiledRule | None] = {}

    def __bool__(self) -> bool:
        return bool(self.rules)

    def rule_for(self, name: str, money_in: bool) -> CompiledRule | None:
        key = (name, money_in)
        if key not in self._seen:
            self._seen[key] = next((r for r in self.rules if r.takes(name, money_in)), None)
        return self._seen[key]


def _visible(holder: Holder) -> object:
    return or_(SortingRule.holder_id == holder.id,
               SortingRule.organisation_id == holder.organisation_id)


def rules_for(session: Session, holder: Holder) -> list[SortingRule]:
    """The holder's own rules, then their organisation's; each in the order they are
    written."""
    rows = session.scalars(select(SortingRule).where(_visible(holder))  # type: ignore[arg-type]
                           .order_by(SortingRule.id))
    return sorted(rows, key=lambda r: (r.holder_id is None, r.id))


def rules_of_holder(session: Session, holder_id: int) -> Rules:
    holder = session.get(Holder, holder_id)
    if holder is None:
        return Rules([], holder_id)
    return Rules(rules_for(session, holder), holder_id)


def rule(session: Session, holder: Holder, rule_id: int) -> SortingRule | None:
    return session.scalar(select(SortingRule).where(
        SortingRule.id == rule_id, _visible(holder)))  # type: ignore[arg-type]


def can_change(rule_row: SortingRule, role: str) -> bool:
    if role not in MANAGE_ROLES:
        return False
    return rule_row.holder_id is not None or role in ORGANISATION_ROLES


def scopes_for(role: str) -> dict[str, str]:
    return SCOPES if role in ORGANISATION_ROLES else {"holder": SCOPES["holder"]}


@dataclass(frozen=True)
class RuleInput:
    pattern: str
    direction: str
    category: str
    budget_line_id: int | None
    scope: str = "holder"


def _check(session: Session, holder: Holder, role: str, data: RuleInput) -> str:
    pattern = records.clean_text(data.pattern)
    if not plain(pattern):
        raise UserError("Enter the payee's name, with at least one letter or number, like NEST",
                        field="pattern")
    if len(pattern) > 100:
        raise UserError("Enter the payee's name in 100 characters or fewer", field="pattern")
    if data.direction not in RULE_DIRECTIONS:
        raise UserError("Select whether the money goes out or comes in", field="direction")
    records.check_category(data.category, 1 if data.direction == "in" else -1)
    if data.scope not in scopes_for(role):
        raise UserError("Select who the rule is for", field="scope")
    if data.budget_line_id is not None:
        if data.scope != "holder":
            raise UserError("A rule for everyone cannot name one person's plan line. Leave "
                            "the plan line out, or make the rule only for this person",
                            field="budget_line")
        if records.budget_line(session, holder, data.budget_line_id) is None:
            raise UserError("Select a line from the support plan", field="budget_line")
    return pattern


def _fill(row: SortingRule, holder: Holder, pattern: str, data: RuleInput) -> None:
    row.pattern = pattern
    row.direction = data.direction
    row.category = data.category
    row.budget_line_id = data.budget_line_id
    row.holder_id = holder.id if data.scope == "holder" else None
    row.organisation_id = holder.organisation_id if data.scope == "organisation" else None


@transactional
def add_rule(session: Session, holder: Holder, role: str, data: RuleInput) -> SortingRule:
    pattern = _check(session, holder, role, data)
    row = SortingRule(created_by_id=current_actor().user_id)
    _fill(row, holder, pattern, data)
    session.add(row)
    session.flush()
    return row


@transactional
def change_rule(session: Session, holder: Holder, role: str, rule_id: int,
                data: RuleInput) -> SortingRule:
    row = rule(session, holder, rule_id)
    if row is None or not can_change(row, role):
        raise UserError("That rule cannot be changed here.")
    pattern = _check(session, holder, role, data)
    _fill(row, holder, pattern, data)
    session.flush()
    return row


@transactional
def delete_rule(session: Session, holder: Holder, role: str, rule_id: int) -> None:
    row = rule(session, holder, rule_id)
    if row is None or not can_change(row, role):
        raise UserError("That rule cannot be removed here.")
    session.delete(row)
    session.flush()


@dataclass(frozen=True)
class PreviewRow:
    transaction_id: int
    date: date
    amount_pence: int
    payee: str
    category: str | None  # now
    budget_line_id: int | None  # now

    def changes(self, data: RuleInput) -> bool:
        return (self.category, self.budget_line_id) != (data.category, data.budget_line_id)


@dataclass(frozen=True)
class Preview:
    rows: tuple[PreviewRow, ...]  # the latest first, at most PREVIEW_ROWS
    count: int
    changed: int  # of them, how many are sorted some other way now (or not at all)
    pattern: str


def try_rule(session: Session, holder: Holder, role: str, data: RuleInput) -> Preview:
    """Which of the holder's past payments the rule would take, and how many of them it
    would sort differently from now. Nothing is saved."""
    pattern = _check(session, holder, role, data)
    compiled = CompiledRule(0, plain(pattern), data.direction == "in", data.category,
                            data.budget_line_id, True)
    rows = session.execute(
        select(Transaction.id, Transaction.date, Transaction.amount_pence, Transaction.payee,
               Transaction.description, Transaction.category, Transaction.budget_line_id)
        .where(Transaction.holder_id == holder.id)
        .where(Transaction.amount_pence > 0 if compiled.money_in
               else Transaction.amount_pence < 0)
        .order_by(Transaction.date.desc(), Transaction.id.desc()))
    taken: list[PreviewRow] = []
    count = changed = 0
    names: dict[str, bool] = {}
    for tx_id, day, amount, payee, description, category, line_id in rows:
        written = payee or description or ""
        hit = names.get(written)
        if hit is None:
            hit = names[written] = compiled.takes(plain(written), compiled.money_in)
        if not hit:
            continue
        row = PreviewRow(tx_id, day, amount, clean_payee(written) or written, category,
                         line_id)
        count += 1
        changed += row.changes(data)
        if len(taken) < PREVIEW_ROWS:
            taken.append(row)
    return Preview(tuple(taken), count, changed, pattern)
