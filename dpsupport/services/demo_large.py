"""A large organisation for trying and measuring: ``dpsupport demo --holders 2000``.

It adds, next to whatever is in the database, a council ("Northshire Council") that funds
N holders supported by a user-led organisation, with staff to sign in as:

- finance.officer@northshire.example (finance officer for every holder),
- support.worker.K@northshire.example (support worker for a caseload of 50 holders each),
- admin@northshire.example (organisation admin),

all with the demo password. Each holder has a funding agreement, a plan of four lines, a bank
account and two years of payments (about 617 each): the council's payment every 4 weeks, a
care agency every 2 weeks, a PA's wages every week, and smaller everyday payments. A few
holders in every hundred are shaped to need attention (overdrawn, money piling up, no
statement lately), so a caseload has something to rank.

The rows go in with bulk inserts (one statement per table and chunk), so 2,000 holders take
about a minute; nothing here is used by the app's own pages.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..models import (
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
from ..models.base import utcnow
from .auth import hash_password
from .demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

CASELOAD = 50
CHUNK = 5000
FIRST_NAMES = ("Alex", "Bea", "Cal", "Dee", "Eli", "Fay", "Gus", "Hana", "Ian", "Jo", "Kit",
               "Lena", "Max", "Nia", "Oli", "Pat", "Rae", "Sam", "Tia", "Una", "Vic", "Wyn")
SURNAMES = ("Adams", "Baker", "Clarke", "Davies", "Evans", "Fraser", "Green", "Hughes",
            "Iqbal", "Jones", "Khan", "Lewis", "Morgan", "Nolan", "Owen", "Price", "Quinn",
            "Roberts", "Shah", "Taylor", "Usman", "Vaughan", "Walsh", "Young")


@dataclass(frozen=True)
class LargeOrganisation:
    organisation_id: int
    holders: int
    transactions: int
    finance_officer: str
    admin: str
    support_workers: list[str]


def _chunks(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [rows[i:i + CHUNK] for i in range(0, len(rows), CHUNK)]


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    for chunk in _chunks(rows):
        session.execute(insert(model), chunk)


def _ids(session: Session, column: Any, where: Any) -> list[int]:
    return list(session.scalars(select(column).where(where).order_by(column)))


def build_large_organisation(session: Session, holders: int, today: date | None = None,
                             seed: int = 2000) -> LargeOrganisation:
    """Add the organisation and its holders; the caller commits."""
    if holders < 1:
        raise ValueError("Give at least 1 holder")
    today = today or date.today()
    rng = random.Random(seed)
    now = utcnow()
    tag = f"{seed}-{holders}"
    org = Organisation(name=f"Northshire Council ({holders} people)", kind="council")
    session.add(org)
    session.flush()
    password = hash_password(DEMO_PASSWORD)
    domain = "northshire.example" if seed == 2000 else f"northshire-{tag}.example"
    # They must use two-step sign-in: set up with the demo's key (services/demo.py).
    officer = User(email=f"finance.officer@{domain}", name="Farida Osei", password_hash=password,
                   totp_secret=DEMO_TOTP_SECRET, totp_enabled_at=now)
    admin = User(email=f"admin@{domain}", name="Ade Bello", password_hash=password,
                 totp_secret=DEMO_TOTP_SECRET, totp_enabled_at=now)
    workers = [User(email=f"support.worker.{k + 1}@{domain}", name=f"Support worker {k + 1}",
                    password_hash=password) for k in range(max(1, holders // CASELOAD))]
    session.add_all([officer, admin, *workers])
    session.flush()
    session.add_all([Membership(user_id=officer.id, organisation_id=org.id, role="finance_officer"),
                     Membership(user_id=admin.id, organisation_id=org.id, role="org_admin")]
                    + [Membership(user_id=w.id, organisation_id=org.id, role="support_worker")
                       for w in workers])
    session.flush()

    _insert(session, Holder, [
        {"organisation_id": org.id,
         "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)} {n + 1:04d}",
         "nation": "england", "support_worker_id": workers[n // CASELOAD % len(workers)].id,
         "date_of_birth": date(1940 + n % 60, 1 + n % 12, 1 + n % 28), "created_at": now}
        for n in range(holders)])
    holder_ids = _ids(session, Holder.id, Holder.organisation_id == org.id)

    access = []
    for n, hid in enumerate(holder_ids):
        access.append({"holder_id": hid, "user_id": officer.id, "role": "finance_officer",
                       "granted_at": now, "granted_by_id": admin.id})
        access.append({"holder_id": hid, "user_id": workers[n // CASELOAD % len(workers)].id,
                       "role": "support_worker", "granted_at": now, "granted_by_id": admin.id})
    _insert(session, HolderAccess, access)

    start = today - relativedelta(years=2)
    _insert(session, FundingAgreement, [
        {"holder_id": hid, "funder": "Northshire Council", "scheme": "dp_england",
         "frequency": "four_weekly", "timing": "advance", "start_date": start,
         "client_contribution_pence": 0, "contribution_basis": "net",
         "contingency_reserve_pence": 100000, "surplus_threshold_weeks": 8,
         "opening_balance_pence": 50000, "first_review_date": start + relativedelta(months=6),
         "review_interval_months": 12, "created_at": now} for hid in holder_ids])
    agreement_of: dict[int, int] = {h: a for h, a in session.execute(
        select(FundingAgreement.holder_id, FundingAgreement.id)
        .where(FundingAgreement.holder_id.in_(select(Holder.id).where(
            Holder.organisation_id == org.id))))}
    amount_of = {hid: 180000 + 1000 * rng.randrange(0, 80) for hid in holder_ids}
    _insert(session, AgreementAmount, [
        {"agreement_id": agreement_of[hid], "effective_date": start,
         "amount_pence": amount_of[hid]} for hid in holder_ids])
    plan = (("pa_wages", "Personal assistant", 55), ("agency_care", "Home care agency", 30),
            ("day_activities", "Activities", 10), ("contingency", "Contingency", 5))
    _insert(session, BudgetLine, [
        {"holder_id": hid, "category": cat, "label": label,
         "planned_pence": amount_of[hid] * share // 100, "outcome": None,
         "created_at": now}
        for hid in holder_ids for cat, label, share in plan])
    _insert(session, Account, [
        {"holder_id": hid, "name": "Direct payment account", "kind": "bank",
         "bank_name": "Northshire Bank", "last4": f"{hid % 10000:04d}", "created_at": now}
        for hid in holder_ids])
    account_of: dict[int, int] = {h: a for h, a in session.execute(
        select(Account.holder_id, Account.id).where(Account.holder_id.in_(holder_ids)))}
    line_of = {(hid, cat): lid for hid, cat, lid in session.execute(
        select(BudgetLine.holder_id, BudgetLine.category, BudgetLine.id)
        .where(BudgetLine.holder_id.in_(holder_ids)))}

    count = 0
    rows: list[dict[str, Any]] = []
    for n, hid in enumerate(holder_ids):
        amount = amount_of[hid]
        # shape: most are steady; every 100th is overdrawn, every 50th piles money up,
        # every 30th stopped sending statements 3 months ago
        spend = 100 + (12 if n % 100 == 7 else 0) - (35 if n % 50 == 3 else 0)  # percent
        last = today - timedelta(days=95) if n % 30 == 11 else today
        rows.extend(_ledger(hid, account_of[hid], line_of, amount, spend, start, last, rng, now))
        if len(rows) >= CHUNK * 4:
            _insert(session, Transaction, rows)
            count += len(rows)
            rows = []
    _insert(session, Transaction, rows)
    count += len(rows)
    session.flush()
    return LargeOrganisation(org.id, len(holder_ids), count, officer.email, admin.email,
                             [w.email for w in workers])


def _ledger(hid: int, account: int, line_of: dict[tuple[int, str], int], amount: int,
            spend: int, start: date, last: date, rng: random.Random,
            now: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def add(day: date, pence: int, payee: str, category: str) -> None:
        if day > last:
            return
        rows.append({"holder_id": hid, "account_id": account, "date": day,
                     "amount_pence": pence, "category": category,
                     "budget_line_id": line_of.get((hid, category)), "payee": payee,
                     "description": payee.upper(), "source": "manual", "created_at": now})

    day = start
    while day <= last:  # every 4 weeks: the council; every 2 weeks: the agency
        add(day, amount, "Northshire Council", "council_payment")
        for half in (3, 17):
            add(day + timedelta(days=half), -(amount * 15 * spend // 10000), "Care Agency Ltd",
                "agency_care")
        day += timedelta(days=28)
    day = start + timedelta(days=4)
    while day <= last:  # every week: a PA's wages and about 4 everyday payments
        add(day, -(amount * 55 * spend // 40000), "PA wages", "pa_wages")
        for k in range(4):
            add(day + timedelta(days=k + 1), -rng.randrange(300, 2500),
                rng.choice(("Leisure Centre", "Bus pass", "Cinema", "Swim club", "Cafe")),
                "day_activities")
        day += timedelta(days=7)
    # a couple of transactions a holder has not sorted yet
    add(last - timedelta(days=2), -1999, "Corner Shop", "day_activities")
    rows[-1]["category"] = None
    rows[-1]["budget_line_id"] = None
    return rows
