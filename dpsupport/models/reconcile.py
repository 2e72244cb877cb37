"""Reconciliation: what a person decided about a bank line, and their sorting rules.

A :class:`Match` is stored only when someone who manages the money decides: "this bank line
is this expected payment" (confirmed) or "this bank line is nothing we expected" (not
expected). Suggestions are worked out afresh each time (dpsupport/reconcile) and never
stored, so they follow the data. One bank line has at most one match (``transaction_id`` is
unique) and one expected payment at most one bank line (``holder_id, expectation_key``).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from .banking import Transaction
from .base import Audited, Base, IntPk, Timestamp, one_of
from .people import User

MATCH_STATUSES = {
    "confirmed": "Confirmed: this is the payment expected",
    "not_expected": "Confirmed: nothing expected this payment",
}

RULE_DIRECTIONS = {
    "out": "Money out",
    "in": "Money in",
}


class Match(Audited, Base):
    __tablename__ = "reconcile_match"
    __table_args__ = (UniqueConstraint("holder_id", "expectation_key"),)

    id: Mapped[IntPk]
    holder_id: Mapped[int] = mapped_column(ForeignKey("holder.id"))
    transaction_id: Mapped[int] = mapped_column(ForeignKey("money_transaction.id"), unique=True)
    status: Mapped[str] = mapped_column(String(20))
    # What was expected (reconcile.KINDS and the expectation's stable key); none when the
    # line is not expected.
    expectation_kind: Mapped[str | None] = mapped_column(String(20))
    expectation_key: Mapped[str | None] = mapped_column(String(80))
    # Why, in words, as it was when confirmed (kept if the expectation later changes).
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[Timestamp]

    transaction: Mapped[Transaction] = relationship()
    decided_by: Mapped[User | None] = relationship()

    @validates("status")
    def _check_status(self, _key: str, value: str) -> str:
        return one_of(MATCH_STATUSES, value, "A match's status")


class SortingRule(Audited, Base):
    """"Payments to NEST go to Employer costs": a payee's name (``pattern``, whole words,
    normalised like payees) and a direction, to a category and (for a holder's own rule) a
    plan line. Belongs to one holder or to a whole organisation (exactly one of the two)."""

    __tablename__ = "sorting_rule"
    __organisation_key__ = "organisation_id"

    id: Mapped[IntPk]
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("holder.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"),
                                                        index=True)
    pattern: Mapped[str] = mapped_column(String(100))
    direction: Mapped[str] = mapped_column(String(3))
    category: Mapped[str] = mapped_column(String(30))
    budget_line_id: Mapped[int | None] = mapped_column(ForeignKey("budget_line.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[Timestamp]

    @validates("direction")
    def _check_direction(self, _key: str, value: str) -> str:
        return one_of(RULE_DIRECTIONS, value, "A rule's direction")


__all__ = ["MATCH_STATUSES", "RULE_DIRECTIONS", "Match", "SortingRule"]
