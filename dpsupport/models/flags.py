"""Flags kept for a holder (worked out by dpsupport/flags, kept by services/flags.py), the
holder's answers to them, and each organisation's funding policy (docs/flags.md)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from .banking import Attachment
from .base import Audited, Base, IntPk, Timestamp, one_of
from .people import Holder, User

FLAG_STATUSES = {
    "open": "Waiting for an answer",
    "answered": "Answered",
    "resolved": "Resolved",
    "escalated": "Passed on for a closer look",
}
SEVERITIES = {"info": "For information", "attention": "Needs attention", "urgent": "Urgent"}


class Flag(Audited, Base):
    """One question raised about a holder's records, and what has happened to it.

    ``key`` names it (its code and the record it is about) so the same flag is found again
    each time flags are worked out; ``evidence_key`` changes only when the records behind
    it change. ``evidence`` is JSON: ``{"transactions": [ids], "records": [[kind, id]]}``.
    ``words`` is JSON: the title, explanation and next step for the holder ("you") and for
    staff (the holder's name), as the rules wrote them."""

    __tablename__ = "flag"
    __table_args__ = (UniqueConstraint("holder_id", "code", "key"),)

    id: Mapped[IntPk]
    holder_id: Mapped[int] = mapped_column(ForeignKey("holder.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20), default="open")
    raised_on: Mapped[date] = mapped_column(Date)
    amount_pence: Mapped[int | None] = mapped_column(BigInteger)
    evidence: Mapped[str] = mapped_column(Text)
    evidence_key: Mapped[str] = mapped_column(String(120))
    words: Mapped[str] = mapped_column(Text)
    hidden_from_holder: Mapped[bool] = mapped_column(Boolean, default=False,
                                                     server_default=false())
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    opened_at: Mapped[Timestamp]
    escalated_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_reason: Mapped[str | None] = mapped_column(Text)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    holder: Mapped[Holder] = relationship()
    hidden_by: Mapped[User | None] = relationship(foreign_keys=[hidden_by_id])
    escalated_by: Mapped[User | None] = relationship(foreign_keys=[escalated_by_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
    answers: Mapped[list[FlagAnswer]] = relationship(back_populates="flag",
                                                     order_by="FlagAnswer.id")

    @validates("status")
    def _check_status(self, _key: str, value: str) -> str:
        return one_of(FLAG_STATUSES, value, "A flag's status")

    @validates("severity")
    def _check_severity(self, _key: str, value: str) -> str:
        return one_of(SEVERITIES, value, "A flag's severity")


class FlagAnswer(Audited, Base):
    """What the holder (or someone for them) said about a flag, with a receipt if any (the
    receipt is an Attachment on the flag's payment)."""

    __tablename__ = "flag_answer"

    id: Mapped[IntPk]
    flag_id: Mapped[int] = mapped_column(ForeignKey("flag.id"), index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holder.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    text: Mapped[str] = mapped_column(Text)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"))
    created_at: Mapped[Timestamp]

    flag: Mapped[Flag] = relationship(back_populates="answers")
    user: Mapped[User | None] = relationship()
    attachment: Mapped[Attachment | None] = relationship()


class FundingPolicy(Audited, Base):
    """An organisation's settings for the flag rules, for all its holders. No row: the
    defaults (dpsupport.flags.Policy). ``prohibited``: the kinds of spending not allowed,
    comma-separated; ``added_words``: JSON, more words for each kind ({kind: [phrases]})."""

    __tablename__ = "funding_policy"
    __holder_key__ = None
    __organisation_key__ = "organisation_id"

    id: Mapped[IntPk]
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), unique=True)
    prohibited: Mapped[str] = mapped_column(String(200))
    added_words: Mapped[str] = mapped_column(Text, default="{}")
    unknown_payee_over_pence: Mapped[int] = mapped_column(BigInteger)
    duplicate_days: Mapped[int] = mapped_column(Integer)
    duplicate_min_pence: Mapped[int] = mapped_column(BigInteger)
    statement_gap_days: Mapped[int] = mapped_column(Integer)
    review_notice_days: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[Timestamp]


NOTICE_KINDS = {"summary": "New questions since the last email", "each": "One new question"}


class FlagNotice(Base):
    """One email telling a person about new flags (and questions asked in a review): when,
    how many, and whether it was a summary (daily or weekly) or about one question
    (services/notices.py). Not audited: it changes no one's records; the address is never
    copied here."""

    __tablename__ = "flag_notice"

    id: Mapped[IntPk]
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    sent_at: Mapped[Timestamp]
    flag_count: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10), default="summary", server_default="summary")

    @validates("kind")
    def _check_kind(self, _key: str, value: str) -> str:
        return one_of(NOTICE_KINDS, value, "An email's kind")


class FlagTold(Base):
    """Which flag an email told a person about. One row per person and flag, ever (the
    unique constraint): a second run of the job, or two at once, cannot tell anyone about
    the same question twice (services/notices.py claims the rows before sending)."""

    __tablename__ = "flag_told"
    __table_args__ = (UniqueConstraint("user_id", "flag_id"),)

    id: Mapped[IntPk]
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    flag_id: Mapped[int] = mapped_column(ForeignKey("flag.id"), index=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("flag_notice.id"), index=True)


class ReviewQuestionTold(Base):
    """Which question asked in a review (models/review.py ``ReviewQuestion``) an email told
    a person about: like :class:`FlagTold`, one row per person and question, ever."""

    __tablename__ = "review_question_told"
    __table_args__ = (UniqueConstraint("user_id", "question_id"),)

    id: Mapped[IntPk]
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("review_question.id"), index=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("flag_notice.id"), index=True)
