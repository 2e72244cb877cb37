"""Passwords, sign-in throttling and sessions.

Sessions live in the database (the cookie carries a random token; we keep only its hash),
so signing out or disabling an account makes an old cookie useless, and any number of app
processes agree. Failed sign-ins are counted in the database for the same reason.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..errors import UserError
from ..models import SignInThrottle, User, UserSession
from ..models.base import utcnow
from . import audit
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

# Sign-in throttling. Only failures count, per account and per address separately (a
# success never does: a shared office behind one address is not locked out by ordinary use).
# The first few failures cost nothing; after that, each failure makes the next attempt wait,
# twice as long each time, up to LONGEST_WAIT. Nothing is ever locked for good: an attempt
# that is refused because it came too soon is not counted, and a success clears the
# account's count. A browser that has signed in to an account before is not held up by that
# account's count (it is by its address's), so someone guessing cannot keep the real person
# out. Counts are forgotten FORGET_AFTER the last failure.
FREE_FAILURES_PER_ACCOUNT = 5
FREE_FAILURES_PER_ADDRESS = 30
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=1)
# A password check takes a fraction of a second; one marked as going on for longer than
# this was abandoned (its process stopped).
CHECK_TIMEOUT = timedelta(minutes=1)
# How long an attempt waits, in steps, while others for the same account or address are
# being checked, before being told to try again in a moment.
BUSY_STEP = timedelta(milliseconds=50)
BUSY_PATIENCE = timedelta(seconds=5)
SESSION_IDLE_LIMIT = timedelta(hours=8)
# A page view notes that the session is still in use only when it was last noted longer ago
# than this: most page views write nothing at all.
LAST_SEEN_REFRESH = timedelta(minutes=5)


def hash_password(password: str) -> str:
    """The argon2id hash to store for a new password; refuses a password that is not allowed."""
    problem = password_problem(password)
    if problem:
        raise UserError(problem, field="password")
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


def account_key(email: str, secret: str) -> str:
    """The throttling key for an account: a keyed hash, so the email is not stored."""
    return "account:" + _key(email, secret)


def address_key(address: str, secret: str) -> str:
    return "address:" + _key(address, secret)


def wait_after(failures: int, free: int) -> timedelta | None:
    """How long the next attempt must wait after this many failures in a row (None: no wait)."""
    if failures < free:
        return None
    return min(FIRST_WAIT * (1 << min(failures - free, 20)), LONGEST_WAIT)


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    token: str | None = None
    # Set when the attempt came too soon and the password was not checked.
    wait: timedelta | None = None
    account_key: str | None = None
    # The password was right, but the person uses two-step sign-in: no session is open yet.
    needs_code: bool = False

    @property
    def throttled(self) -> bool:
        return self.wait is not None


def sign_in(session: Session, email: str, password: str, address: str, secret: str,
            known_accounts: Collection[str] = ()) -> SignInResult:
    """Check the password; on success open a session and return its token.

    ``known_accounts`` are the account keys this browser has signed in to before (from a
    signed cookie): for those, the account's failure count does not hold the attempt up.
    """
    email_key = account_key(email, secret)
    budgets = {address_key(address, secret): FREE_FAILURES_PER_ADDRESS}
    if email_key not in known_accounts:
        budgets[email_key] = FREE_FAILURES_PER_ACCOUNT
    waited = timedelta()
    while True:
        reserved = _start_checking(session, budgets, email)
        if not isinstance(reserved, _Busy):
            break
        # Other attempts being checked right now use up what is left of the budget: their
        # results decide whether this one may go ahead. That takes well under a second.
        if waited >= BUSY_PATIENCE:
            return SignInResult(None, wait=BUSY_PATIENCE)
        time.sleep(BUSY_STEP.total_seconds())
        waited += BUSY_STEP
    if isinstance(reserved, timedelta):
        return SignInResult(None, wait=reserved)
    user_id, password_hash = reserved

    # The slow part happens outside any transaction: no lock is held while hashing.
    ok = False
    try:
        ok = _hasher.verify(password_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        ok = False
    return _finish_checking(session, budgets, email_key, user_id if ok else None, password)


@dataclass(frozen=True)
class _Busy:
    """Too many attempts for one key are being checked at this moment."""


def lock_rows(session: Session, keys: Collection[str]) -> dict[str, SignInThrottle]:
    """The throttling rows for these keys, made if missing, locked until the transaction
    ends (FOR UPDATE on PostgreSQL; on SQLite the transaction began with BEGIN IMMEDIATE).
    Always in order of key, so two requests never wait for each other."""
    ordered = sorted(set(keys))
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(SignInThrottle).values(
        [{"key": key, "failures": 0, "checking": 0} for key in ordered]
    ).on_conflict_do_nothing())
    rows = {row.key: row for row in session.scalars(
        select(SignInThrottle).where(SignInThrottle.key.in_(ordered))
        .order_by(SignInThrottle.key).with_for_update()
        .execution_options(populate_existing=True))}
    now = utcnow()
    for row in rows.values():
        if row.last_failure_at is not None and now - aware(row.last_failure_at) > FORGET_AFTER:
            row.failures, row.next_try_at = 0, None
        if row.checking_since is not None and now - aware(row.checking_since) > CHECK_TIMEOUT:
            row.checking = 0  # a process that was checking stopped before it finished
    return rows


@transactional
def _start_checking(session: Session, budgets: dict[str, int], email: str
                    ) -> timedelta | _Busy | tuple[int | None, str | None]:
    """May this attempt's password be checked now? A timedelta: not yet, wait this long (the
    attempt is not counted). _Busy: ask again in a moment. Otherwise the attempt is marked as
    being checked for every key, and the active user with this email (if any) is returned.

    While a key has had fewer failures than its budget, as many attempts may be checked at
    once as failures are left; after that, one at a time, each after the wait its last
    failure set. So however many guesses arrive together, no more are checked than allowed.
    """
    now = utcnow()
    rows = lock_rows(session, budgets)
    waits = [aware(row.next_try_at) - now for row in rows.values()
             if row.next_try_at is not None and aware(row.next_try_at) > now]
    if waits:
        return max(waits)
    if any(row.checking >= max(1, budgets[key] - row.failures) for key, row in rows.items()):
        return _Busy()
    for row in rows.values():
        row.checking += 1
        row.checking_since = now
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_active:
        return None, None
    return user.id, user.password_hash


@transactional
def _finish_checking(session: Session, budgets: dict[str, int], email_key: str,
                     user_id: int | None, password: str) -> SignInResult:
    """Record the result of a check: a failure counts (and may start a wait); a success
    clears the account's count (also when this browser was not held up by it) and opens a
    session."""
    now = utcnow()
    user = session.get(User, user_id) if user_id is not None else None
    if user is not None and not user.is_active:  # disabled while the password was checked
        user = None
    rows = lock_rows(session, [*budgets, email_key])
    for key in budgets:
        row = rows[key]
        row.checking = max(row.checking - 1, 0)
        if user is None:
            row.failures += 1
            row.last_failure_at = now
            wait = wait_after(row.failures, budgets[key])
            row.next_try_at = now + wait if wait else None
    if user is None:
        return SignInResult(None)

    account = rows[email_key]
    account.failures, account.next_try_at, account.last_failure_at = 0, None, None
    _forget_old_failures(session)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    if user.totp_enabled_at is not None:
        # Two-step sign-in: no session yet. The web layer holds a short-lived signed marker
        # and opens the session only when the code is right (services/two_step.py).
        return SignInResult(user, None, account_key=email_key, needs_code=True)
    return SignInResult(user, open_session(session, user), account_key=email_key)


def open_session(session: Session, user: User) -> str:
    """Open a session for someone whose sign-in is complete; its cookie token."""
    token = secrets.token_urlsafe(32)
    session.add(UserSession(token_hash=_token_hash(token), user_id=user.id))
    with audit.acting_as(audit.Actor(user.id, user.name)):
        audit.record(session, "signed_in", "app_user", entity_id=str(user.id))
    return token


def _forget_old_failures(session: Session) -> None:
    """Rows with nothing to remember: no failure for FORGET_AFTER (or none at all), and
    nothing being checked. Rows another request has locked are left for next time."""
    now = utcnow()
    idle = select(SignInThrottle.key).where(
        (SignInThrottle.last_failure_at.is_(None))
        | (SignInThrottle.last_failure_at < now - FORGET_AFTER),
        (SignInThrottle.next_try_at.is_(None)) | (SignInThrottle.next_try_at < now),
        SignInThrottle.checking == 0,
    ).with_for_update(skip_locked=True)
    session.flush()
    session.execute(delete(SignInThrottle).where(SignInThrottle.key.in_(idle)),
                    execution_options={"synchronize_session": False})


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
    last_seen = aware(row.last_seen_at)
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
        .values(last_seen_at=now),
        execution_options={"synchronize_session": False},
    )


def aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes: they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@transactional
def sign_out(session: Session, token: str | None) -> None:
    """End the session this cookie belongs to: the cookie is useless from now on."""
    if not token:
        return
    row = session.scalar(select(UserSession).where(UserSession.token_hash == _token_hash(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
    audit.record(session, "signed_out", "app_user")
