"""The finance officer's light-touch review of a holder, and the questions it asks them.

A :class:`Review` covers one holder and one period. It moves forward through ``STATUSES``:
open (started, figures gathered afresh each time it is looked at), questions_asked (the
holder has been asked about one or more lines), decided (a decision is recorded, and may
still be changed), signed_off (final: nothing about it changes again). One holder has at
most one review that is not signed off (services/reviews.py checks it).

A :class:`ReviewQuestion` is asked about a flagged line or a payment the officer picks, and
answered by the holder or their representative in words, with a receipt when it is about a
payment (the receipt is an ordinary :class:`~dpsupport.models.banking.Attachment` on that
payment). Both are audited, and both are shown to the holder.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from .base import Audited, Base, IntPk, Timestamp, one_of
from .people import User

STATUSES = {
    "open": "Started",
    "questions_asked": "Waiting for answers",
    "decided": "Decision recorded",
    "signed_off": "Signed off",
}

DECISIONS = {
    "no_action": "No action needed",
    "advice": "Advice given",
    "recover": "Money to be paid back",
    "escalate": "Passed to the social worker or safeguarding lead",
}


class Review(Audited, Base):
    __tablename__ = "review"

    id: Mapped[IntPk]
    holder_id: Mapped[int] = mapped_column(ForeignKey("holder.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    started_at: Mapped[Timestamp]
    decision: Mapped[str | None] = mapped_column(String(20))
    decision_notes: Mapped[str | None] = mapped_column(Text)
    # For "recover": how much is paid back, split between the council's money and the
    # holder's own contribution (in pence; both zero or more, at least one more than zero).
    recover_council_pence: Mapped[int | None] = mapped_column(BigInteger)
    recover_contribution_pence: Mapped[int | None] = mapped_column(BigInteger)
    escalate_to: Mapped[str | None] = mapped_column(String(200))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    signed_off_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    started_by: Mapped[User | None] = relationship(foreign_keys=[started_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    signed_off_by: Mapped[User | None] = relationship(foreign_keys=[signed_off_by_id])
    questions: Mapped[list[ReviewQuestion]] = relationship(
        back_populates="review", order_by="ReviewQuestion.id")

    @validates("status")
    def _check_status(self, _key: str, value: str) -> str:
        return one_of(STATUSES, value, "A review's status")

    @validates("decision")
    def _check_decision(self, _key: str, value: str | None) -> str | None:
        return None if value is None else one_of(DECISIONS, value, "A review's decision")

    @property
    def status_words(self) -> str:
        return STATUSES[self.status]

    @property
    def decision_words(self) -> str:
        return DECISIONS[self.decision] if self.decision else ""


class ReviewQuestion(Audited, Base):
    __tablename__ = "review_question"

    id: Mapped[IntPk]
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holder.id"), index=True)
    # The payment asked about, if any; ``flag_code`` when asked about a flagged line.
    # ``about`` says which, in words, as it was when asked: a payment removed later (its
    # removal is in the history) leaves the question and these words, and no link.
    transaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("money_transaction.id", ondelete="SET NULL"))
    flag_code: Mapped[str | None] = mapped_column(String(60))
    about: Mapped[str] = mapped_column(Text, default="")
    question: Mapped[str] = mapped_column(Text)
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    asked_at: Mapped[Timestamp]
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The receipt sent with the answer (an attachment on the payment asked about).
    attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachment.id", ondelete="SET NULL"))

    review: Mapped[Review] = relationship(back_populates="questions")
    asked_by: Mapped[User | None] = relationship(foreign_keys=[asked_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])


__all__ = ["DECISIONS", "STATUSES", "Review", "ReviewQuestion"]
