"""Small factory functions for test data (no fixtures forest)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pyotp
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from dpsupport.models import (
    Account,
    AgreementAmount,
    BudgetLine,
    FundingAgreement,
    Holder,
    HolderAccess,
    Membership,
    Organisation,
    Transaction,
    User,
)
from dpsupport.models.base import utcnow
from dpsupport.services.auth import hash_password
from dpsupport.services.two_step import ALWAYS_REQUIRED_ROLES

PASSWORD = "correct horse battery"
# Everyone made here with two-step sign-in set up shares this authenticator secret, so
# `sign_in` (and any test) can give the code an app would show: current_code().
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_HASH: list[str] = []


def _hash() -> str:
    if not _HASH:
        _HASH.append(hash_password(PASSWORD))
    return _HASH[0]


def create_org(session: Session, name: str = "Riverside ULO", kind: str = "ulo") -> Organisation:
    org = Organisation(name=name, kind=kind)
    session.add(org)
    session.flush()
    return org


def current_code(secret: str = TOTP_SECRET) -> str:
    """The 6 digits an authenticator app with this secret shows now."""
    return pyotp.TOTP(secret).now()


def create_user(session: Session, org: Organisation, role: str, email: str | None = None,
                name: str | None = None, two_step: bool | None = None) -> User:
    """A person with a role in ``org``. Those who must use two-step sign-in (finance
    officers and admins) have it set up with TOTP_SECRET unless ``two_step`` says otherwise,
    so they can sign in (`sign_in` types the code)."""
    email = email or f"{role}.{org.id}.{len(org.memberships)}@example.org"
    if two_step is None:
        two_step = role in ALWAYS_REQUIRED_ROLES
    user = User(email=email, name=name or role.replace("_", " ").title(), password_hash=_hash(),
                totp_secret=TOTP_SECRET if two_step else None,
                totp_enabled_at=utcnow() if two_step else None)
    session.add(user)
    session.flush()
    session.add(Membership(user_id=user.id, organisation_id=org.id, role=role))
    session.flush()
    return user


def grant(session: Session, holder: Holder, user: User, role: str) -> None:
    session.add(HolderAccess(holder_id=holder.id, user_id=user.id, role=role))
    session.flush()


def create_holder(session: Session, org: Organisation, name: str = "Pat Jones", *,
                  start: date = date(2026, 4, 6), amount: int = 100000,
                  frequency: str = "four_weekly") -> Holder:
    holder = Holder(organisation_id=org.id, name=name)
    session.add(holder)
    session.flush()
    agreement = FundingAgreement(holder_id=holder.id, funder="Test Council", scheme="dp_england",
                                 frequency=frequency, timing="advance", start_date=start,
                                 first_review_date=date(start.year, start.month, 1))
    session.add(agreement)
    session.flush()
    session.add(AgreementAmount(agreement_id=agreement.id, effective_date=start,
                                amount_pence=amount))
    account = Account(holder_id=holder.id, name="Direct payment account")
    line = BudgetLine(holder_id=holder.id, category="pa_wages", label="PA wages",
                      planned_pence=80000)
    session.add_all([account, line])
    session.flush()
    session.add(Transaction(holder_id=holder.id, account_id=account.id, date=start,
                            amount_pence=amount, payee="Test Council",
                            category="council_payment"))
    session.add(Transaction(holder_id=holder.id, account_id=account.id, date=start,
                            amount_pence=-45000, payee="A Patel", category="pa_wages",
                            budget_line_id=line.id))
    session.flush()
    return holder


def csrf_token(client: FlaskClient) -> str:
    page = client.get("/sign-in").get_data(as_text=True)
    match = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert match, "no CSRF token on the sign-in page"
    return match.group(1)


def sign_in(client: FlaskClient, user: User, password: str = PASSWORD) -> None:
    """Sign in as the browser would, typing the code from the app when asked for one."""
    token = csrf_token(client)
    response = client.post("/sign-in", data={"email": user.email, "password": password,
                                             "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    if response.headers["Location"].endswith("/sign-in/code"):
        code = current_code(user.totp_secret or TOTP_SECRET)  # the demo has its own key
        response = client.post("/sign-in/code", data={"code": code,
                                                      "csrf_token": csrf_token(client)})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]


def post(client: FlaskClient, url: str, data: dict | None = None, **kwargs):  # type: ignore[no-untyped-def]
    """POST with a valid CSRF token, as the browser would."""
    payload = dict(data or {})
    payload["csrf_token"] = csrf_token(client)
    return client.post(url, data=payload, **kwargs)


@dataclass(frozen=True)
class HolderWithAccount:
    """The usual starting point: an organisation, a holder with an agreement, a plan line, a
    bank account with two payments in it, and a support worker who may manage the money."""

    org: Organisation
    holder: Holder
    account: Account
    worker: User


def holder_with_account(session: Session) -> HolderWithAccount:
    org = create_org(session)
    worker = create_user(session, org, "support_worker", name="Sam Worker")
    holder = create_holder(session, org)
    grant(session, holder, worker, "support_worker")
    account = session.scalars(select(Account).where(Account.holder_id == holder.id)).one()
    session.commit()
    return HolderWithAccount(org, holder, account, worker)
