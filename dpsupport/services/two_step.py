"""Two-step sign-in for staff: a code from an authenticator app after the password.

A person sets it up by scanning a QR code (or typing a key) into an app on their phone, then
typing the code the app shows; from then on, signing in needs the password and a code. Ten
single-use recovery codes are made at set-up (and on request), shown once, and kept only as
hashes: each lets them in once without the phone.

Who must use it: finance officers and organisation admins always (ALWAYS_REQUIRED_ROLES: they
can see thousands of people's money), and every member of staff of an organisation whose
admin has turned on ``Organisation.two_step_required``. Anyone else may choose to.

Wrong codes are slowed down the same way as wrong passwords (services/auth.py's throttling
rows, one per person for codes). See docs/two_step.md.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

import pyotp
import segno
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..errors import UserError
from ..models import Membership, Organisation, RecoveryCode, User
from ..models.base import utcnow
from . import audit
from .access import admin_organisation_ids
from .accounts import STAFF_ROLES
from .auth import FREE_FAILURES_PER_ACCOUNT, aware, lock_rows, open_session, wait_after
from .uow import transactional

# Finance officers and organisation admins must always use two-step sign-in, whatever their
# organisation's setting says. The one place this is decided (docs/two_step.md).
ALWAYS_REQUIRED_ROLES = frozenset({"finance_officer", "org_admin"})
ISSUER = "dpsupport"
RECOVERY_CODE_COUNT = 10
# Letters and digits that cannot be mistaken for each other (no 0/o, 1/l/i).
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_HALF = 5
# A code from the app is accepted one 30-second step either side of now (phone clocks drift).
VALID_WINDOW = 1
_SECRET = re.compile(r"[A-Z2-7]{32}")


@dataclass(frozen=True)
class SetUp:
    """What the set-up page shows: the QR code to scan and the same key to type."""

    secret: str
    uri: str
    qr_svg: str

    @property
    def key_groups(self) -> list[str]:
        """The key in groups of 4 letters, easier to type: "ABCD EFGH ..."."""
        return [self.secret[i:i + 4] for i in range(0, len(self.secret), 4)]


def start_set_up(user: User, secret: str | None = None) -> SetUp:
    """A new secret (or the one being set up, shown again), with its QR code. Nothing is
    saved until the person confirms it with a code from their app."""
    if secret is None:
        secret = pyotp.random_base32()  # 32 letters: 160 bits
    elif not _SECRET.fullmatch(secret):
        raise UserError("The set-up key was changed on the way. Start again.")
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    qr = segno.make(uri, error="m")
    svg = qr.svg_inline(scale=5, dark="#0b0c0c", light="#ffffff",
                        title="QR code to scan with your authenticator app")
    return SetUp(secret, uri, svg)


def _clean(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def _code_ok(secret: str, code: str) -> bool:
    code = _clean(code)
    return len(code) == 6 and code.isdigit() and pyotp.TOTP(secret).verify(
        code, valid_window=VALID_WINDOW)


def _recovery_hash(code: str) -> str:
    return hashlib.sha256(_clean(code).encode()).hexdigest()


def _new_recovery_codes(session: Session, user: User) -> list[str]:
    """Make RECOVERY_CODE_COUNT new codes, replacing any old ones; returns them in clear (the
    only time they exist in clear)."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id),
                    execution_options={"synchronize_session": False})
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(2 * _RECOVERY_HALF))
        codes.append(f"{raw[:_RECOVERY_HALF]}-{raw[_RECOVERY_HALF:]}")
        session.add(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(raw)))
    return codes


@transactional
def confirm_set_up(session: Session, user: User, secret: str, code: str) -> list[str]:
    """Turn two-step sign-in on (or move it to a new phone) when the code from the app is
    right; returns the new recovery codes, to be shown once."""
    start_set_up(user, secret)  # checks the key is one we could have made
    if not _clean(code):
        raise UserError("Enter the 6-digit code from your authenticator app", field="code")
    if not _code_ok(secret, code):
        raise UserError("That code is not right. Check the app shows dpsupport with your "
                        "email address, and type the 6 digits it shows now", field="code")
    again = user.totp_enabled_at is not None
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    codes = _new_recovery_codes(session, user)
    audit.record(session, "two_step_set_up", "app_user", entity_id=str(user.id),
                 summary="Two-step sign-in moved to a new phone" if again
                 else "Two-step sign-in turned on")
    return codes


@transactional
def regenerate_recovery_codes(session: Session, user: User) -> list[str]:
    """New recovery codes; the old ones stop working."""
    if user.totp_enabled_at is None:
        raise UserError("Two-step sign-in is not set up, so there are no recovery codes",
                        next_step="Set it up first.")
    codes = _new_recovery_codes(session, user)
    audit.record(session, "two_step_recovery_codes", "app_user", entity_id=str(user.id),
                 summary="New recovery codes made; the old ones no longer work")
    return codes


@transactional
def turn_off(session: Session, user: User) -> None:
    if user.totp_enabled_at is None:
        raise UserError("Two-step sign-in is already off")
    if required_for(session, user):
        raise UserError("You cannot turn off two-step sign-in: your role or your "
                        "organisation needs it",
                        next_step="To move it to a new phone, set it up again instead.")
    user.totp_secret = None
    user.totp_enabled_at = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id),
                    execution_options={"synchronize_session": False})
    audit.record(session, "two_step_turned_off", "app_user", entity_id=str(user.id),
                 summary="Two-step sign-in turned off")


def required_for(session: Session, user: User) -> bool:
    """Must this person use two-step sign-in? Their role, or a staff role in an organisation
    that asks every member of staff to."""
    rows = session.execute(
        select(Membership.role, Organisation.two_step_required)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Membership.user_id == user.id)).all()
    return any(role in ALWAYS_REQUIRED_ROLES or (role in STAFF_ROLES and org_requires)
               for role, org_requires in rows)


def why_required(session: Session, user: User) -> str | None:
    """In words, why this person must use it (None: they may choose)."""
    rows = session.execute(
        select(Membership.role, Organisation.name, Organisation.two_step_required)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Membership.user_id == user.id).order_by(Organisation.name)).all()
    for role, _name, _ in rows:
        if role in ALWAYS_REQUIRED_ROLES:
            words = "finance officers" if role == "finance_officer" else "organisation admins"
            return (f"It is needed for all {words}, because they can see many people's "
                    "money.")
    for role, name, org_requires in rows:
        if role in STAFF_ROLES and org_requires:
            return f"{name} asks all its staff to use it."
    return None


@dataclass(frozen=True)
class Status:
    enabled: bool
    required: bool
    why: str | None
    codes_left: int


def status(session: Session, user: User) -> Status:
    left = session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0
    why = why_required(session, user)
    return Status(user.totp_enabled_at is not None, why is not None, why, left)


# --- at sign-in -----------------------------------------------------------------------------

def _throttle_key(user_id: int, secret_key: str) -> str:
    digest = hmac.new(secret_key.encode(), f"two-step:{user_id}".encode(),
                      hashlib.sha256).hexdigest()
    return "code:" + digest


@dataclass(frozen=True)
class CodeCheck:
    token: str | None = None  # the new session's token when the code was right
    wait: timedelta | None = None  # set when the attempt came too soon (not checked)
    used_recovery_code: bool = False
    recovery_codes_left: int = 0


@transactional
def verify_at_sign_in(session: Session, user_id: int, code: str, secret_key: str
                      ) -> CodeCheck:
    """Check the code of someone whose password was right a moment ago; when it is right,
    open their session (the only place a two-step sign-in opens one).

    ``code`` is the 6 digits from the app or an unused recovery code, which is used up.
    After FREE_FAILURES_PER_ACCOUNT wrong codes, each try must wait, as with passwords."""
    now = utcnow()
    key = _throttle_key(user_id, secret_key)
    row = lock_rows(session, [key])[key]
    if row.next_try_at is not None and aware(row.next_try_at) > now:
        return CodeCheck(wait=aware(row.next_try_at) - now)
    user = session.get(User, user_id)
    ok = False
    used: RecoveryCode | None = None
    if user is not None and user.is_active and user.totp_secret and user.totp_enabled_at:
        if _code_ok(user.totp_secret, code):
            ok = True
        elif _clean(code):
            used = session.scalar(select(RecoveryCode).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None),
                RecoveryCode.code_hash == _recovery_hash(code)).with_for_update())
            ok = used is not None
    if not ok or user is None:
        row.failures += 1
        row.last_failure_at = now
        wait = wait_after(row.failures, FREE_FAILURES_PER_ACCOUNT)
        row.next_try_at = now + wait if wait else None
        return CodeCheck()
    row.failures, row.next_try_at, row.last_failure_at = 0, None, None
    left = 0
    if used is not None:
        # Only if nobody used it in the meantime: a recovery code works once.
        done = session.execute(update(RecoveryCode).where(
            RecoveryCode.id == used.id, RecoveryCode.used_at.is_(None)).values(used_at=now),
            execution_options={"synchronize_session": False})
        if getattr(done, "rowcount", 1) != 1:
            return CodeCheck()
        left = session.scalar(select(func.count()).select_from(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0
        with audit.acting_as(audit.Actor(user.id, user.name)):
            audit.record(session, "two_step_recovery_code_used", "app_user",
                         entity_id=str(user.id),
                         summary=f"Signed in with a recovery code ({left} left)")
    return CodeCheck(open_session(session, user), used_recovery_code=used is not None,
                     recovery_codes_left=left)


def demo_code(session: Session, user_id: int) -> str | None:
    """The code the app would show now: for the demo's sign-in page only (never in
    production: the caller checks the mode)."""
    user = session.get(User, user_id)
    if user is None or not user.totp_secret:
        return None
    return pyotp.TOTP(user.totp_secret).now()


# --- the organisation's setting -------------------------------------------------------------

def admin_organisation(session: Session, user: User) -> Organisation | None:
    """The organisation whose setting this person may change: one they are an admin of
    (None: they are not an admin, and may not)."""
    ids = admin_organisation_ids(session, user)
    return session.get(Organisation, ids[0]) if ids else None


@dataclass(frozen=True)
class OrganisationLine:
    """The line on the staff's list of people: who must use two-step sign-in."""

    words: str
    may_change: bool


def organisation_line(session: Session, user: User) -> OrganisationLine | None:
    """For staff only (None for anyone else)."""
    rows = session.execute(
        select(Membership.role, Organisation.two_step_required)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Membership.user_id == user.id, Membership.role.in_(STAFF_ROLES))
        .order_by(Organisation.id)).all()
    if not rows:
        return None
    everyone = any(required for _, required in rows)
    words = ("Two-step sign-in is needed for everyone on the staff." if everyone else
             "Two-step sign-in is needed for finance officers and organisation admins.")
    return OrganisationLine(words, any(role == "org_admin" for role, _ in rows))


@transactional
def set_required_for_all_staff(session: Session, by: User, required: bool) -> Organisation:
    org = admin_organisation(session, by)
    if org is None:
        raise UserError("Only an organisation admin can change this")
    org.two_step_required = required
    audit.record(session, "two_step_setting", "organisation", entity_id=str(org.id),
                 organisation_id=org.id,
                 summary=("Two-step sign-in needed for all staff" if required else
                          "Two-step sign-in needed only for finance officers and admins"))
    return org
