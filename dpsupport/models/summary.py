"""A holder's money in a few figures, kept up to date for the caseload (see
services/caseload.py): the caseload lists thousands of holders without reading their
payments.

Worked out again in the same transaction whenever the holder's money, plan or agreement
changes, and every night by ``dpsupport caseload refresh`` (the forecast moves with the
date). ``reasons`` is JSON: the things that need attention, each with its code, severity,
words and points (see dpsupport/caseload.py for the ranking).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class HolderSummary(Base):
    __tablename__ = "holder_summary"
    __table_args__ = (Index("ix_holder_summary_score", "score"),)

    holder_id: Mapped[int] = mapped_column(ForeignKey("holder.id"), primary_key=True)
    as_of: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20))  # caseload.STATES
    balance_pence: Mapped[int | None] = mapped_column(BigInteger)
    weeks_held: Mapped[str | None] = mapped_column(String(100))
    run_out_date: Mapped[date | None] = mapped_column(Date)
    surplus_pence: Mapped[int | None] = mapped_column(BigInteger)
    last_payment_date: Mapped[date | None] = mapped_column(Date)
    unsorted_count: Mapped[int] = mapped_column(Integer, default=0)
    review_date: Mapped[date | None] = mapped_column(Date)
    scheme: Mapped[str | None] = mapped_column(String(30))
    problem: Mapped[str | None] = mapped_column(String(300))
    reasons: Mapped[str] = mapped_column(Text, default="[]")
    score: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
