"""The audit trail: append-only. Triggers created by migration 0001 make the database
refuse UPDATE and DELETE on it, whoever asks."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, IntPk, Timestamp

AUDIT_TABLE = "audit_event"


class AuditEvent(Base):
    __tablename__ = AUDIT_TABLE
    __table_args__ = (Index("ix_audit_event_holder_at", "holder_id", "at"),)

    id: Mapped[IntPk]
    at: Mapped[Timestamp]
    # Who did it, under their own name, also when acting for someone else.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    actor_name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(index=True)
    holder_id: Mapped[int | None] = mapped_column()
    action: Mapped[str] = mapped_column(String(30))  # created / changed / deleted / signed_in ...
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str | None] = mapped_column(String(50))
    before: Mapped[str | None] = mapped_column(Text)  # JSON
    after: Mapped[str | None] = mapped_column(Text)  # JSON
    summary: Mapped[str | None] = mapped_column(String(500))
