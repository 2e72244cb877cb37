"""Passwords, sign-in throttling and sessions.

Sessions live in the database (the cookie carries a random token; we keep only its hash),
so signing out or disabling an account makes an old cookie useless, and any number of app
processes agree. Failed sign-ins are counted in the database for the same reason.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..models import SignInAttempt, User, UserSession
from ..models.base import utcnow
from .uow import transactional

_hasher = PasswordHasher()
# Used to spend the same time when the email is unknown, so timing does not reveal it.
_DUMMY_HASH = _hasher.hash("not a real password")

MIN_PASSWORD_LENGTH = 8
COMMON_PASSWORDS = frozenset(
    """password password1 password123 12345678 123456789 1234567890 qwertyuiop qwerty123
    iloveyou letmein1 welcome1 abc12345 football monkey123 sunshine11 11111111 00000000
    passw0rd baseball dragon123 trustno1 starwars princess1 whatever1 superman1 changeme
    """.split()
)

WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_ATTEMPTS_PER_ADDRESS = 30
SESSION_IDLE_LIMIT = timedelta(hours=8)
# A page view notes that the session is still in use only when it was last noted longer ago
# than this: most page views write nothing at all.
LAST_SEEN_REFRESH = timedelta(minutes=5)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_problem(password: str) -> str | None:
    """A plain-English reason this password is not allowed, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be at least {MIN_PASSWORD_LENGTH} characters long"
    if password.lower() in COMMON_PASSWORDS:
        return "This password is too common. Choose a password that is harder to guess"
    return None


def _key(value: str, secret: str) -> str:
    return hmac.new(secret.encode(), value.strip().lower().encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    token: str | None = None
    throttled: bool = False


def sign_in(session: Session, email: str, password: str, ip: str, secret: str) -> SignInResult:
    """Check the password; on success open a session and return its token."""
    email_key, ip_key = _key(email, secret), _key(ip, secret)
    since = utcnow() - WINDOW
    recent_failures = session.scalar(
        select(func.count()).where(
            SignInAttempt.email_key == email_key,
            SignInAttempt.at >= since,
            SignInAttempt.succeeded.is_(False),
        )
    ) or 0
    from_address = session.scalar(
        select(func.count()).where(SignInAttempt.ip_key == ip_key, SignInAttempt.at >= since)
    ) or 0
    if recent_failures >= MAX_FAILURES_PER_ACCOUNT or from_address >= MAX_ATTEMPTS_PER_ADDRESS:
        session.add(SignInAttempt(email_key=email_key, ip_key=ip_key, succeeded=False))
        return SignInResult(None, throttled=True)

    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    ok = False
    try:
        ok = _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None or not user.is_active:
        session.add(SignInAttempt(email_key=email_key, ip_key=ip_key, succeeded=False))
        return SignInResult(None)

    session.add(SignInAttempt(email_key=email_key, ip_key=ip_key, succeeded=True))
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    token = secrets.token_urlsafe(32)
    session.add(UserSession(token_hash=_token_hash(token), user_id=user.id))
    return SignInResult(user, token)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SignedIn:
    """Who a session cookie belongs to, and whether their last_seen should be noted."""

    user: User
    session_id: int
    needs_refresh: bool


def session_for_token(session: Session, token: str | None) -> SignedIn | None:
    """The signed-in person for a session cookie, if the session is still good. Reads only:
    a page view must not turn its read transaction into a write (on SQLite that upgrade
    fails with "database is locked" when another request wrote in between)."""
    if not token:
        return None
    row = session.scalar(select(UserSession).where(UserSession.token_hash == _token_hash(token)))
    if row is None or row.revoked_at is not None:
        return None
    now = utcnow()
    last_seen = _aware(row.last_seen_at)
    if now - last_seen > SESSION_IDLE_LIMIT or not row.user.is_active:
        return None
    return SignedIn(row.user, row.id, now - last_seen > LAST_SEEN_REFRESH)


@transactional
def note_session_in_use(session: Session, session_id: int) -> None:
    """Move the session's last_seen to now, in a short transaction of its own. Several tabs
    may do this at once: the condition makes all but the first change nothing."""
    now = utcnow()
    session.execute(
        update(UserSession)
        .where(UserSession.id == session_id, UserSession.revoked_at.is_(None),
               UserSession.last_seen_at < now - LAST_SEEN_REFRESH)
        .values(last_seen_at=now)
    )


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes: they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def sign_out(session: Session, token: str | None) -> None:
    if not token:
        return
    row = session.scalar(select(UserSession).where(UserSession.token_hash == _token_hash(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
