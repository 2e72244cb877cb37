"""The money page and the budget page for a holder with 30,000 transactions.

One holder whose four-weekly agreement started five years ago, with 30,000 transactions
spread over those years (about 16 a day), in a freshly migrated SQLite database (and
PostgreSQL too when DPSUPPORT_TEST_POSTGRES_URL is set). A support worker signs in and asks
for the money page, the budget page and a trivial page (the holder's support plan, which
reads a few rows) through the Flask test client. Reports the best of a few interleaved
runs of each, in seconds, and the ratios the issue asks about:

* money page time / trivial page time
* budget page time / trivial page time

The aim: the money and budget pages' cost grows with the periods they show, not with the
whole history, so these ratios stay small (a few times a trivial page), instead of growing
with every year of payments.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TRANSACTIONS = 30_000
YEARS = 5
RUNS = 5
PASSWORD = "bench horse battery staple"


def _holder(url: str) -> tuple[object, int]:
    """A migrated database with one holder and 30,000 transactions: (app, holder id)."""
    from sqlalchemy import insert

    from dpsupport import create_app
    from dpsupport.db import unit_of_work
    from dpsupport.migrate import upgrade
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
    from dpsupport.services.auth import hash_password

    upgrade(url)
    app = create_app({"mode": "test", "database_url": url, "secret_key": "bench" * 10,
                      "instance_path": tempfile.mkdtemp(prefix="bench-money-")})
    today = date.today()
    start = today - timedelta(days=365 * YEARS)
    rng = random.Random(12)
    with unit_of_work(app.extensions["dpsupport.sessions"]) as session:
        org = Organisation(name="Bench ULO", kind="ulo")
        session.add(org)
        session.flush()
        holder = Holder(organisation_id=org.id, name="Bench Holder")
        user = User(email="bench@example.org", name="Bench Worker",
                    password_hash=hash_password(PASSWORD))
        session.add_all([holder, user])
        session.flush()
        session.add(Membership(user_id=user.id, organisation_id=org.id, role="support_worker"))
        session.add(HolderAccess(holder_id=holder.id, user_id=user.id, role="support_worker"))
        agreement = FundingAgreement(holder_id=holder.id, funder="Bench Council",
                                     scheme="dp_england", frequency="four_weekly",
                                     timing="advance", start_date=start,
                                     first_review_date=start + timedelta(days=180))
        account = Account(holder_id=holder.id, name="Direct payment account")
        session.add_all([agreement, account])
        session.flush()
        session.add(AgreementAmount(agreement_id=agreement.id, effective_date=start,
                                    amount_pence=400000))
        lines = [BudgetLine(holder_id=holder.id, category=c, label=label, planned_pence=p)
                 for c, label, p in (("pa_wages", "PA wages", 300000),
                                     ("agency_care", "Agency", 60000),
                                     ("day_activities", "Day centre", 30000))]
        session.add_all(lines)
        session.flush()
        days = (today - start).days
        rows = []
        for n in range(TRANSACTIONS):
            day = start + timedelta(days=n * days // TRANSACTIONS)
            if n % 400 == 0:
                amount, category, line = 400000 * 400 // 450, "council_payment", None
            else:
                line = rng.choice([*lines, None])
                amount = -rng.randrange(500, 1500)
                category = line.category if line else None
            rows.append({"holder_id": holder.id, "account_id": account.id, "date": day,
                         "amount_pence": amount, "category": category,
                         "budget_line_id": line.id if line else None,
                         "payee": f"Payee {n % 97}", "source": "manual"})
        for i in range(0, len(rows), 5000):
            session.execute(insert(Transaction), rows[i:i + 5000])
        holder_id = holder.id
    return app, holder_id


def _time(client: object, path: str) -> float:
    begin = time.perf_counter()
    response = client.get(path)  # type: ignore[attr-defined]
    took = time.perf_counter() - begin
    assert response.status_code == 200, (path, response.status_code)
    return took


def bench(url: str, label: str) -> None:
    app, holder_id = _holder(url)
    client = app.test_client()  # type: ignore[attr-defined]
    page = client.get("/sign-in").get_data(as_text=True)
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    signed = client.post("/sign-in", data={"email": "bench@example.org", "password": PASSWORD,
                                           "csrf_token": token})
    assert signed.status_code == 302
    paths = {"trivial (plan)": f"/holders/{holder_id}/plan",
             "money": f"/holders/{holder_id}",
             "budget": f"/holders/{holder_id}/budget"}
    for path in paths.values():  # warm up
        _time(client, path)
    best = {name: min(_time(client, p) for _ in range(RUNS)) for name, p in paths.items()}
    trivial = best["trivial (plan)"]
    print(f"{label}: {TRANSACTIONS:,} transactions over {YEARS} years (best of {RUNS})")
    for name, seconds in best.items():
        print(f"  {name:<16} {seconds * 1000:8.1f} ms   {seconds / trivial:6.1f} x trivial")
    app.extensions["dpsupport.engine"].dispose()  # type: ignore[attr-defined]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bench(f"sqlite:///{tmp}/bench.sqlite3", "SQLite")
    pg = os.environ.get("DPSUPPORT_TEST_POSTGRES_URL")
    if not pg:
        print("PostgreSQL: skipped (set DPSUPPORT_TEST_POSTGRES_URL to include it)")
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"dpsupport_bench_money_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        bench(make_url(pg).set(database=name).render_as_string(hide_password=False),
              "PostgreSQL")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
