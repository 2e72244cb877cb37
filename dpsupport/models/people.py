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
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from .base import Audited, Base, IntPk, ShortText, Timestamp, one_of, sensitive

# The allowed values of each coded column (code: what it means), checked by @validates below.
ORGANISATION_KINDS = {
    "ulo": "User-led organisation",
    "council": "Council or Trust",
    "household": "Household managing its own money",
}

# Roles a person can hold in an organisation, or for a holder.
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

# How a person is told about new questions (flags) by email (services/notices.py).
QUESTION_EMAILS = {
    "each": "An email for each new question",
    "daily": "At most one email a day",
    "weekly": "At most one email a week",
    "none": "No emails",
}

NATIONS = {
    "england": "England",
    "wales": "Wales",
    "scotland": "Scotland",
    "northern_ireland": "Northern Ireland",
}


class Organisation(Audited, Base):
    __tablename__ = "organisation"
    __holder_key__ = None
    __organisation_key__ = "id"

    id: Mapped[IntPk]
    name: Mapped[ShortText]
    kind: Mapped[str] = mapped_column(String(20))  # one of ORGANISATION_KINDS
    # Every member of staff must use two-step sign-in (finance officers and admins always
    # must: services/two_step.ALWAYS_REQUIRED_ROLES).
    two_step_required: Mapped[bool] = mapped_column(Boolean, default=False,
                                                    server_default=false())
    created_at: Mapped[Timestamp]

    memberships: Mapped[list[Membership]] = relationship(back_populates="organisation")

    @validates("kind")
    def _check_kind(self, _key: str, value: str) -> str:
        return one_of(ORGANISATION_KINDS, value, "An organisation's kind")


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[IntPk]
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[ShortText]
    password_hash: Mapped[str] = mapped_column(String(255), info=sensitive())
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[Timestamp]
    # Two-step sign-in (services/two_step.py): the authenticator app's shared secret, never
    # shown again after set-up, and when set-up was confirmed (None: not set up).
    totp_secret: Mapped[str | None] = mapped_column(String(64), info=sensitive())
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Emails about new questions: one of QUESTION_EMAILS, chosen by the person themselves.
    question_emails: Mapped[str] = mapped_column(String(10), default="daily",
                                                 server_default="daily")

    memberships: Mapped[list[Membership]] = relationship(back_populates="user")

    @validates("question_emails")
    def _check_question_emails(self, _key: str, value: str) -> str:
        return one_of(QUESTION_EMAILS, value, "A person's choice of emails")


class Membership(Audited, Base):
    """A person's role in one organisation."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)
    __holder_key__ = None
    __organisation_key__ = "organisation_id"

    id: Mapped[IntPk]
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(String(30))  # one of ROLES
    created_at: Mapped[Timestamp]

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")

    @validates("role")
    def _check_role(self, _key: str, value: str) -> str:
        return one_of(ROLES, value, "A membership's role")


class Holder(Audited, Base):
    """A person who receives a direct payment (or other personal budget)."""

    __tablename__ = "holder"
    __holder_key__ = "id"
    __organisation_key__ = "organisation_id"

    id: Mapped[IntPk]
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[ShortText]
    preferred_name: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    nation: Mapped[str] = mapped_column(String(20), default="england")  # one of NATIONS
    support_worker_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    # The council (an organisation of kind "council") that pays the direct payment, when it
    # uses dpsupport: its finance officers may read this holder's records, whichever
    # organisation supports them (services/access.py). The agreement's ``funder`` is the
    # funder's name in words, kept for funders that are not here.
    funder_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"),
                                                               index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[Timestamp]

    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
    funder_organisation: Mapped[Organisation | None] = relationship(
        foreign_keys=[funder_organisation_id])
    support_worker: Mapped[User | None] = relationship()
    access: Mapped[list[HolderAccess]] = relationship(back_populates="holder")

    @validates("nation")
    def _check_nation(self, _key: str, value: str) -> str:
        return one_of(NATIONS, value, "A holder's nation")

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.name


class HolderAccess(Audited, Base):
    """A grant: this person may see (and, by role, change) this holder's records."""

    __tablename__ = "holder_access"
    __table_args__ = (UniqueConstraint("holder_id", "user_id"),)

    id: Mapped[IntPk]
    holder_id: Mapped[int] = mapped_column(ForeignKey("holder.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    # The role this grant gives, one of ROLES.
    role: Mapped[str] = mapped_column(String(30))
    representative_type: Mapped[str | None] = mapped_column(String(30))  # REPRESENTATIVE_TYPES
    granted_at: Mapped[Timestamp]
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    holder: Mapped[Holder] = relationship(back_populates="access")
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @validates("role")
    def _check_role(self, _key: str, value: str) -> str:
        return one_of(ROLES, value, "A grant's role")

    @validates("representative_type")
    def _check_representative_type(self, _key: str, value: str | None) -> str | None:
        if value is None:
            return None
        return one_of(REPRESENTATIVE_TYPES, value, "A representative's type")


class UserSession(Base):
    """A signed-in browser. The cookie carries a random token; we store only its hash."""

    __tablename__ = "user_session"

    id: Mapped[IntPk]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, info=sensitive())
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

    key: Mapped[str] = mapped_column(String(80), primary_key=True, info=sensitive())
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                             index=True)
    next_try_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checking: Mapped[int] = mapped_column(Integer, default=0)
    checking_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RecoveryCode(Base):
    """A single-use code for signing in without the phone (two-step sign-in). Only a hash
    is kept; the codes are shown once, when made."""

    __tablename__ = "recovery_code"

    id: Mapped[IntPk]
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), info=sensitive())
    created_at: Mapped[Timestamp]
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


LINK_PURPOSES = {
    "invite": "An invitation to set a password and start",
    "reset": "A password reset",
}


class OneTimeLink(Base):
    """A link sent by email (an invitation, a password reset): we keep only the hash of its
    secret, it works once, and it expires."""

    __tablename__ = "one_time_link"

    id: Mapped[IntPk]
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, info=sensitive())
    created_at: Mapped[Timestamp]
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @validates("purpose")
    def _check_purpose(self, _key: str, value: str) -> str:
        return one_of(LINK_PURPOSES, value, "A link's purpose")
