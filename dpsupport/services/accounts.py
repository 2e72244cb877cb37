"""People's own accounts: invitations, password resets and changing a password.

Links sent by email (``OneTimeLink``) carry a random secret; only its SHA-256 hash is kept.
A link works once and expires: an invitation after 7 days, a password reset after 1 hour. A
newer link of the same kind replaces an older one. Asking for a reset says the same thing
whether or not the address has an account, and sends at most one email every 5 minutes to
an address. Setting a new password (by reset or by change) ends every other session of that
person at once.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import mail
from ..errors import UserError
from ..models import Holder, HolderAccess, Membership, OneTimeLink, User, UserSession
from ..models.base import utcnow
from ..models.people import QUESTION_EMAILS as QUESTION_EMAILS
from ..models.people import REPRESENTATIVE_TYPES as REPRESENTATIVE_TYPES
from . import audit
from .auth import hash_password
from .uow import transactional

LIFETIME = {"invite": timedelta(days=7), "reset": timedelta(hours=1)}
RESET_EVERY = timedelta(minutes=5)
# Roles a person can be invited to for one holder, and to an organisation's staff.
HOLDER_ROLES = {"representative": "Representative (manages the money for them)",
                "holder": "The direct payment holder themselves"}
STAFF_ROLES = {"support_worker": "Support worker", "finance_officer": "Finance officer",
               "org_admin": "Organisation admin"}
# An invited person's password hash until they choose one: no password matches it.
NO_PASSWORD = "!invited"
_hasher = PasswordHasher()

LinkFor = Callable[[str], str]  # turns a link's secret into the full address to send


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_hash(session_token: str | None) -> str | None:
    """The stored hash of a session cookie's token (to keep that session signed in)."""
    return _hash(session_token) if session_token else None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _clean_email(text: str) -> str:
    email = " ".join((text or "").split()).lower()
    if "@" not in email or len(email) > 320 or " " in email or email.startswith("@") \
            or email.endswith("@"):
        raise UserError("Enter an email address in the right format, like name@example.com",
                        field="email")
    return email


def _new_link(session: Session, user: User, purpose: str, by: User | None) -> str:
    now = utcnow()
    session.execute(update(OneTimeLink)
                    .where(OneTimeLink.user_id == user.id, OneTimeLink.purpose == purpose,
                           OneTimeLink.used_at.is_(None))
                    .values(used_at=now), execution_options={"synchronize_session": False})
    token = secrets.token_urlsafe(32)
    session.add(OneTimeLink(user_id=user.id, purpose=purpose, token_hash=_hash(token),
                            expires_at=now + LIFETIME[purpose],
                            created_by_id=by.id if by else None))
    session.flush()
    return token


def valid_link(session: Session, token: str | None, purpose: str) -> OneTimeLink | None:
    """The link for this secret if it is unused and not expired (reads only)."""
    if not token or len(token) > 200:
        return None
    link = session.scalar(select(OneTimeLink).where(OneTimeLink.token_hash == _hash(token),
                                                    OneTimeLink.purpose == purpose))
    if link is None or link.used_at is not None or _aware(link.expires_at) <= utcnow():
        return None
    return link


def _end_sessions(session: Session, user: User, keep_token_hash: str | None = None) -> None:
    query = update(UserSession).where(UserSession.user_id == user.id,
                                      UserSession.revoked_at.is_(None))
    if keep_token_hash:
        query = query.where(UserSession.token_hash != keep_token_hash)
    session.execute(query.values(revoked_at=utcnow()),
                    execution_options={"synchronize_session": False})


def _use(session: Session, token: str, purpose: str, password: str) -> User:
    link = valid_link(session, token, purpose)
    if link is None:
        raise UserError("This link has been used already or has expired. "
                        + ("Ask whoever invited you to send a new invitation."
                           if purpose == "invite" else "Ask for a new one."))
    # used once: the condition makes a second use at the same moment change nothing
    done = session.execute(update(OneTimeLink)
                           .where(OneTimeLink.id == link.id, OneTimeLink.used_at.is_(None))
                           .values(used_at=utcnow()),
                           execution_options={"synchronize_session": False})
    if getattr(done, "rowcount", 1) != 1:
        raise UserError("This link has been used already. Ask for a new one.")
    user = link.user
    user.password_hash = hash_password(password)
    user.is_active = True
    _end_sessions(session, user)
    audit.record(session, "password_set", "app_user", entity_id=str(user.id),
                 summary=("Accepted an invitation and chose a password" if purpose == "invite"
                          else "Reset their password from an emailed link"))
    return user


@transactional
def reset_password(session: Session, token: str, password: str) -> User:
    """Set a new password from a reset link (once, before it expires)."""
    return _use(session, token, "reset", password)


@transactional
def accept_invitation(session: Session, token: str, password: str) -> User:
    """Choose a password from an invitation link (once, before it expires)."""
    return _use(session, token, "invite", password)


@transactional
def request_reset(session: Session, email: str, settings: mail.MailSettings,
                  link_for: LinkFor) -> None:
    """Email a reset link if the address has an account; say nothing either way."""
    address = " ".join((email or "").split()).lower()
    user = session.scalar(select(User).where(func.lower(User.email) == address))
    if user is None or not user.is_active or user.password_hash == NO_PASSWORD:
        return
    recent = session.scalar(select(func.max(OneTimeLink.created_at))
                            .where(OneTimeLink.user_id == user.id,
                                   OneTimeLink.purpose == "reset"))
    if recent is not None and utcnow() - _aware(recent) < RESET_EVERY:
        return
    token = _new_link(session, user, "reset", None)
    mail.send(settings, user.email, "Reset your dpsupport password",
              f"Hello {user.name},\n\n"
              "Someone (we hope you) asked to reset the password for your dpsupport account.\n"
              f"To choose a new password, open this link within 1 hour:\n\n{link_for(token)}\n\n"
              "The link works once. If you did not ask for this, you can ignore this email: "
              "your password has not changed.\n")
    audit.record(session, "reset_requested", "app_user", entity_id=str(user.id),
                 summary="Asked for a password reset link")


@transactional
def change_password(session: Session, user: User, current: str, new: str,
                    keep_session_token_hash: str | None) -> None:
    """Change your own password: the current one first. Other sessions end."""
    ok: bool = False
    try:
        ok = _hasher.verify(user.password_hash, current or "")
    except (VerificationError, InvalidHashError):
        pass
    if not ok:
        raise UserError("Your current password is not right", field="current")
    if current == new:
        raise UserError("Choose a new password that is different from the current one",
                        field="password")
    user.password_hash = hash_password(new)
    _end_sessions(session, user, keep_session_token_hash)
    audit.record(session, "password_changed", "app_user", entity_id=str(user.id),
                 summary="Changed their password")


@transactional
def choose_question_emails(session: Session, user: User, choice: str) -> None:
    """Your own choice of emails about new questions (services/notices.py). Audited when it
    changes."""
    if choice not in QUESTION_EMAILS:
        raise UserError("Select how you would like to hear about new questions",
                        field="choice")
    if user.question_emails == choice:
        return
    before = QUESTION_EMAILS[user.question_emails]
    user.question_emails = choice
    audit.record(session, "question_emails_chosen", "app_user", entity_id=str(user.id),
                 summary=f"Chose emails about questions: {QUESTION_EMAILS[choice]} "
                         f"(was: {before})")


@dataclass(frozen=True)
class Invited:
    user: User
    new_account: bool
    sent: mail.Sent


def _person(session: Session, email: str, name: str) -> tuple[User, bool]:
    address = _clean_email(email)
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise UserError("Enter their name", field="name")
    if len(cleaned) > 200:
        raise UserError("Their name must be 200 characters or fewer", field="name")
    user = session.scalar(select(User).where(func.lower(User.email) == address))
    if user is not None:
        return user, False
    user = User(email=address, name=cleaned, password_hash=NO_PASSWORD, is_active=True)
    session.add(user)
    session.flush()
    return user, True


def _invitation(session: Session, user: User, new: bool, by: User, what: str,
                settings: mail.MailSettings, link_for: LinkFor, sign_in: str) -> mail.Sent:
    if new:
        token = _new_link(session, user, "invite", by)
        body = (f"Hello {user.name},\n\n{by.name} has invited you to dpsupport: {what}.\n\n"
                f"To start, choose a password by opening this link within 7 days:\n\n"
                f"{link_for(token)}\n\nThe link works once.\n")
    else:
        body = (f"Hello {user.name},\n\n{by.name} has given you access in dpsupport: {what}.\n"
                f"\nSign in as usual to see it: {sign_in}\n")
    return mail.send(settings, user.email, "You have been invited to dpsupport", body)


@transactional
def invite_to_holder(session: Session, by: User, holder: Holder, *, email: str, name: str,
                     role: str, representative_type: str | None,
                     settings: mail.MailSettings, link_for: LinkFor,
                     sign_in: str) -> Invited:
    """Give someone access to one holder's records (inviting them if they are new)."""
    if role not in HOLDER_ROLES:
        raise UserError("Select what they will be", field="role")
    if role == "representative":
        if representative_type not in REPRESENTATIVE_TYPES:
            raise UserError("Select the kind of authority they have", field="representative_type")
    else:
        representative_type = None
    user, new = _person(session, email, name)
    existing = session.scalar(select(HolderAccess).where(HolderAccess.holder_id == holder.id,
                                                         HolderAccess.user_id == user.id))
    if existing is not None:
        raise UserError(f"{user.name} can already see {holder.name}'s records", field="email")
    session.add(HolderAccess(holder_id=holder.id, user_id=user.id, role=role,
                             representative_type=representative_type, granted_by_id=by.id))
    session.flush()
    what = (f"to help manage {holder.name}'s direct payment" if role == "representative"
            else "to see and manage your direct payment")
    sent = _invitation(session, user, new, by, what, settings, link_for, sign_in)
    return Invited(user, new, sent)


@transactional
def invite_staff(session: Session, by: User, organisation_id: int, *, email: str, name: str,
                 role: str, settings: mail.MailSettings, link_for: LinkFor,
                 sign_in: str) -> Invited:
    """Add someone to an organisation's staff (inviting them if they are new)."""
    if role not in STAFF_ROLES:
        raise UserError("Select their role", field="role")
    user, new = _person(session, email, name)
    existing = session.scalar(select(Membership).where(
        Membership.user_id == user.id, Membership.organisation_id == organisation_id))
    if existing is not None:
        raise UserError(f"{user.name} is already on the staff", field="email")
    session.add(Membership(user_id=user.id, organisation_id=organisation_id, role=role))
    session.flush()
    sent = _invitation(session, user, new, by, f"as {STAFF_ROLES[role].lower()}", settings,
                       link_for, sign_in)
    return Invited(user, new, sent)
