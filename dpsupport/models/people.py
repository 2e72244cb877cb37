"""Organisations, people, and who may see which holder."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, IntPk, ShortText, Timestamp

ORGANISATION_KINDS = {
    "ulo": "User-led organisation",
    "council": "Council or Trust",
    "household": "Household managing its own money",
}

# Roles a person can hold in an organisation.
ROLES = {
    "holder": "Direct payment holder",
    "representative": "Representative",
    "support_worker": "Support worker",
    "finance_officer": "Finance officer",
    "org_admin": "Organisation admin",
}

REPRESENTATIVE_TYPES = {
    "nominated_person": "Nominated person",
    "suitable_person": "Suitable person",
    "attorney": "Attorney (lasting power of attorney)",
    "deputy": "Deputy (Court of Protection)",
    "parent": "Parent",
}

NATIONS = {
    "england": "England",
    "wales": "Wales",
    "scotland": "Scotland",
    "northern_ireland": "Northern Ireland",
}


class Organisation(Base):
    __tablename__ = "organisation"
    __audited__ = True

    id: Mapped[IntPk]
    name: Mapped[ShortText]
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[Timestamp]

    memberships: Mapped[list[Membership]] = relationship(back_populates="organisation")

    @property
    def organisation_id(self) -> int:
        return self.id


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[IntPk]
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[ShortText]
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[Timestamp]

    memberships: Mapped[list[Membership]] = relationship(back_populates="user")


class Membership(Base):
    """A person's role in one organisation."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)
    __audited__ = True

    id: Mapped[IntPk]
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[Timestamp]

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")


class Holder(Base):
    """A person who receives a direct payment (or other personal budget)."""

    __tablename__ = "holder"
    __audited__ = True

    id: Mapped[IntPk]
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[ShortText]
    preferred_name: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    nation: Mapped[str] = mapped_column(String(20), default="england")
    support_worker_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[Timestamp]

    organisation: Mapped[Organisation] = relationship()
    support_worker: Mapped[User | None] = relationship()
    access: Mapped[list[HolderAccess]] = relationship(back_populates="holder")

    @property
    def holder_id(self) -> int:
        return self.id

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.name


class HolderAccess(Base):
    """A grant: this person may see (and, by role, change) this holder's records."""

    __tablename__ = "holder_access"
    __table_args__ = (UniqueConstraint("holder_id", "user_id"),)
    __audited__ = True

    id: Mapped[IntPk]
    holder_id: Mapped[int] = mapped_column(ForeignKey("holder.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    # The role this grant gives, one of ROLES.
    role: Mapped[str] = mapped_column(String(30))
    representative_type: Mapped[str | None] = mapped_column(String(30))
    granted_at: Mapped[Timestamp]
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    holder: Mapped[Holder] = relationship(back_populates="access")
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def organisation_id(self) -> int:
        return self.holder.organisation_id


class UserSession(Base):
    """A signed-in browser. The cookie carries a random token; we store only its hash."""

    __tablename__ = "user_session"

    id: Mapped[IntPk]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    created_at: Mapped[Timestamp]
    last_seen_at: Mapped[Timestamp]
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class SignInThrottle(Base):
    """Failed sign-ins counted for one account or one address, for slowing down guessing.

    ``key`` is "account:" or "address:" and a keyed hash: no email or address is stored in
    clear. Successful sign-ins are not counted; after a few failures each further attempt
    must wait until ``next_try_at``. ``checking`` is how many passwords are being checked
    for this key right now (so concurrent guesses cannot go over the budget), the latest
    since ``checking_since`` (see services/auth.py)."""

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                             index=True)
    next_try_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checking: Mapped[int] = mapped_column(Integer, default=0)
    checking_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
