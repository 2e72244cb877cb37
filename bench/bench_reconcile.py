"""Working out every match for a holder with 5 years of statements, against importing them.

One holder whose four-weekly agreement started five years ago, two PAs paid monthly (net
pay, HMRC by tax month and NEST owed by an approved pay run every month), an agency paid
from a plan line every month, and card spending most days: about 4,000 bank lines in one
CSV statement. In a freshly migrated SQLite database (and PostgreSQL too when
DPSUPPORT_TEST_POSTGRES_URL is set), in the same run:

* the import of that statement (read, de-duplicate, sort, write), in a fresh database each
  time;
* working out every match (``services.reconcile.work_out``: every expectation, every line,
  the matching) and every month's status of the account (``periods``), as the months page
  does.

Reports the best of a few interleaved runs, in seconds, and the ratio the issue asks for:
reconciling everything / importing the same statements. Matching reads the rows once and
pairs them by exact amount, so it should cost about as much as the import, not many times
more.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import date, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_load import _postgres as throwaway_postgres  # noqa: E402

YEARS = 5
RUNS = 3
START = date(2021, 4, 6)
SHOPS = ["TESCO STORES 3297", "BOOTS", "SAINSBURYS", "ARGOS", "CO-OP FOOD", "TAXI CO"]


Owed = list[tuple[str, int, date, int | None]]  # (kind, pence, due date, tax month)
BankRow = tuple[date, str, int]  # (date, description, pence)


def history(seed: int = 7, start: date = START, end: date | None = None,
            pas: tuple[tuple[str, int], ...] = (("SALLY JONES", 122156), ("TOM REED", 98040)),
            council_pence: int = 400000, agency: str = "BRIGHTSIDE CARE LTD BCC",
            ) -> tuple[list[BankRow], Owed]:
    """The bank lines from ``start`` to ``end`` (YEARS after ``start`` unless given), sorted,
    and the payments the approved pay runs left owing: (kind, pence, due date, tax month).
    ``seed``, the PAs' names and net pay, the council's amount and the agency vary a holder."""
    rnd = random.Random(seed)
    rows: list[BankRow] = []
    owed: Owed = []
    end = end or START + relativedelta(years=YEARS) - timedelta(days=1)
    day = start
    while day <= end:  # the council, every 4 weeks
        rows.append((day, "NORTHSHIRE COUNCIL DP", council_pence))
        day += timedelta(days=28)
    month = date(start.year, start.month, 1) + relativedelta(months=1)
    tax_month = 1
    while month <= end:
        pay_day = month + timedelta(days=27)
        hmrc = sum(net for _, net in pas) * 31240 // 220196  # about 14% of the net pay
        for name, net in pas:
            rows.append((pay_day, name, -net))
            owed.append(("net_pay:" + name.title(), net, pay_day, None))
        hmrc_due = month + relativedelta(months=1) + timedelta(days=21)
        if hmrc_due <= end:
            rows.append((hmrc_due - timedelta(days=2), "HMRC NDDS", -hmrc))
        owed.append(("hmrc", hmrc, hmrc_due, tax_month))
        rows.append((pay_day + timedelta(days=3), "NEST PENSIONS DD", -9600))
        owed.append(("pension:NEST", 9600, pay_day + timedelta(days=3), None))
        rows.append((month + timedelta(days=9), agency, -rnd.randint(40000, 44000)))
        month += relativedelta(months=1)
        tax_month = tax_month % 12 + 1
    day = start
    while day <= end:
        if rnd.random() < 0.8:
            rows.append((day, rnd.choice(SHOPS), -rnd.randint(150, 6000)))
        day += timedelta(days=1)
    rows.sort()
    return rows, owed


def as_csv(rows: list[BankRow]) -> bytes:
    """A plain CSV statement (Date, Description, Amount) of these bank lines."""
    lines = ["Date,Description,Amount"]
    lines += [f"{d:%d/%m/%Y},{name},{pence / 100:.2f}" for d, name, pence in rows]
    return ("\n".join(lines) + "\n").encode()


def _statement() -> tuple[bytes, Owed]:
    """The CSV, and the payments owed: (kind, pence, due date, tax month)."""
    rows, owed = history()
    return as_csv(rows), owed


def pay_runs(owed: Owed) -> tuple[list[dict[str, object]], list[tuple[date, dict[str, object]]]]:
    """The approved pay runs (one a month, as PayRun columns) and the payments owed as
    PaymentDue columns, each with the period start of the run that left it owing."""
    runs: dict[date, dict[str, object]] = {}
    dues: list[tuple[date, dict[str, object]]] = []
    for kind, pence, due, tax_month in owed:
        key = due.replace(day=1)
        if key not in runs and not kind.startswith("hmrc"):
            runs[key] = {"frequency": "monthly", "period_start": key,
                         "period_end": key + relativedelta(months=1) - timedelta(days=1),
                         "pay_date": due, "tax_period": 1, "status": "approved"}
        run_key = key if key in runs else max(k for k in runs if k <= key)
        base, _, payee = kind.partition(":")
        dues.append((run_key, {"kind": base, "payee": payee or "HMRC", "amount_pence": pence,
                               "due_date": due, "tax_year": due.year if tax_month else None,
                               "tax_month": tax_month}))
    return list(runs.values()), dues


def _fresh(url: str, owed: Owed):  # type: ignore[no-untyped-def]
    from dpsupport.db import make_engine, make_sessionmaker, unit_of_work
    from dpsupport.migrate import upgrade
    from dpsupport.models import (
        Account,
        AgreementAmount,
        BudgetLine,
        FundingAgreement,
        Holder,
        Organisation,
        PaymentDue,
        PayRun,
    )

    upgrade(url)
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    with unit_of_work(factory) as session:
        org = Organisation(name="Bench ULO", kind="ulo")
        session.add(org)
        session.flush()
        holder = Holder(organisation_id=org.id, name="Bench Holder")
        session.add(holder)
        session.flush()
        agreement = FundingAgreement(holder_id=holder.id, funder="Northshire Council",
                                     scheme="dp_england", frequency="four_weekly",
                                     timing="advance", start_date=START,
                                     first_review_date=START + timedelta(days=180))
        session.add(agreement)
        session.flush()
        session.add(AgreementAmount(agreement_id=agreement.id, effective_date=START,
                                    amount_pence=400000))
        account = Account(holder_id=holder.id, name="Bench account")
        session.add_all([account, BudgetLine(holder_id=holder.id, category="agency_care",
                                             label="Agency", planned_pence=40000)])
        session.flush()
        run_rows, dues = pay_runs(owed)
        runs = {row["period_start"]: PayRun(holder_id=holder.id, **row) for row in run_rows}
        session.add_all(runs.values())
        session.flush()
        session.add_all(PaymentDue(holder_id=holder.id, pay_run_id=runs[key].id, **row)
                        for key, row in dues)
        session.flush()
        return engine, factory, account.id, holder.id


def _sort_agency(factory, holder_id: int) -> None:  # type: ignore[no-untyped-def]
    """Put the agency's payments on the plan line, as a person would have."""
    from sqlalchemy import update

    from dpsupport.db import unit_of_work
    from dpsupport.models import BudgetLine, Transaction

    with unit_of_work(factory) as session:
        line_id = session.query(BudgetLine.id).filter_by(holder_id=holder_id).scalar()
        session.execute(update(Transaction).where(
            Transaction.payee.like("BRIGHTSIDE%")).values(budget_line_id=line_id,
                                                          category="agency_care"))


def _one(url: str, csv: bytes, owed: list[tuple[str, int, date, int | None]]
         ) -> tuple[float, float, dict[str, int]]:
    from dpsupport.db import unit_of_work
    from dpsupport.models import Account, Holder
    from dpsupport.services import imports, reconcile

    engine, factory, account_id, holder_id = _fresh(url, owed)
    with unit_of_work(factory) as session:
        account = session.get(Account, account_id)
        start = time.perf_counter()
        imports.import_statement(session, account, csv, "five-years.csv")
        session.commit()
        import_seconds = time.perf_counter() - start
    _sort_agency(factory, holder_id)
    with factory() as session:
        holder = session.get(Holder, holder_id)
        start = time.perf_counter()
        worked = reconcile.work_out(session, holder)  # as the months page does it
        months = [(a, reconcile.periods(session, holder, a, worked))
                  for a in reconcile.accounts(session, holder)]
        match_seconds = time.perf_counter() - start
        counts = {"lines": len(worked.lines), "expected": len(worked.expectations),
                  "matched": len(worked.result.pairings),
                  "not seen": len(worked.result.not_seen),
                  "not expected": len(worked.result.not_expected),
                  "months": len(months[0][1]),
                  "reconciled months": sum(v.reconciled for v in months[0][1])}
    engine.dispose()
    return import_seconds, match_seconds, counts


def bench(name: str, fresh_url: Callable[[], AbstractContextManager[str]], csv: bytes,
          owed: list[tuple[str, int, date, int | None]]) -> None:
    best_import = best_match = float("inf")
    counts: dict[str, int] = {}
    for _ in range(RUNS):
        with fresh_url() as url:
            seconds_import, seconds_match, counts = _one(url, csv, owed)
        best_import, best_match = min(best_import, seconds_import), min(best_match, seconds_match)
    print(f"{name}: import {best_import:.2f} s, every match and month {best_match:.2f} s, "
          f"ratio {best_match / best_import:.2f}")
    print("  " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))


def main() -> None:
    csv, owed = _statement()
    lines = csv.count(b"\n") - 1
    print(f"{YEARS} years: {lines:,} bank lines, {len(owed):,} payments owed")
    with tempfile.TemporaryDirectory() as tmp:
        bench("SQLite", lambda: nullcontext(f"sqlite:///{tmp}/{uuid.uuid4().hex}.db"), csv, owed)
    pg = os.environ.get("DPSUPPORT_TEST_POSTGRES_URL")
    if not pg:
        print("PostgreSQL: skipped (set DPSUPPORT_TEST_POSTGRES_URL to include it)")
        return
    bench("PostgreSQL", lambda: throwaway_postgres(pg), csv, owed)


if __name__ == "__main__":
    main()
