"""Working out every flag and match (issue 14), against importing the same statements.

In one run, through the real services on the real database (SQLite, and PostgreSQL too when
DPSUPPORT_TEST_POSTGRES_URL is set, in a throwaway database made for the run):

1. **One holder** with 5 years of statements and approved pay runs (bench_reconcile's: the
   council every 4 weeks, two PAs paid monthly with HMRC and NEST owed by an approved pay
   run each month, an agency, card spending most days; the two PAs are employed):

   (a) importing those statements in one run, through the import service as the command
       line does it (``imports.flows.import_file``: read, de-duplicate, write, then the
       caseload figures at commit);
   (b) working out every flag (``services.flags.refresh``) and every match and month status
       (``services.reconcile.work_out`` and ``periods``, as the months page does).

2. **An organisation** of N such holders (``--holders``, ``BENCH_MONITORING_HOLDERS``;
   default 2,000), each with their own names and amounts, whose history is put in the
   database with bulk inserts (not the import service). Each holder then gets ONE new
   statement (the next month, as a CSV), and:

   (a) the N new statements are imported through the import service, one after another;
   (b) every flag and every match is worked out for all N holders after those imports.

The import service already works the holder's flags out again itself, as its unit of work
ends (``imports.importing.import_statement`` asks with ``records.flags_later``; the unit of
work calls ``flags.refresh_by_id``). So that the ratio
means "work on flags and matches / import", (a) is timed with that call switched off and
(b) then does the same refresh; the one holder's import is also timed with the call left on
(its parts printed), as the app runs it. Both ratios are printed as ``RATIO ...``.

    .venv/bin/python bench/bench_monitoring.py [--holders 2000] [--months 60] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_flags import FIRST, LAST  # noqa: E402
from bench_load import _postgres as throwaway_postgres  # noqa: E402
from bench_reconcile import (  # noqa: E402
    START,
    BankRow,
    Owed,
    _fresh,
    _sort_agency,
    as_csv,
    history,
    pay_runs,
)

HOLDERS = int(os.environ.get("BENCH_MONITORING_HOLDERS", "2000"))
MONTHS = 60
RUNS = 3
CHUNK = 5000
AGENCIES = ["BRIGHTSIDE CARE LTD BCC", "CAREWATCH LTD", "HOMEINSTEAD LTD", "BLUEBIRD CARE LTD"]


# --- timing the import's own call to the flags ------------------------------------------------

@dataclass
class Clock:
    """Seconds spent in some calls, added up."""

    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def timing(self, name: str) -> Iterator[None]:
        began = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - began


@contextmanager
def import_hooks(clock: Clock, flags_on: bool) -> Iterator[None]:
    """While importing: time the import's flags refresh (or switch it off) and the caseload
    figures the unit of work works out at commit."""
    from dpsupport.services import caseload, flags

    real_flags, real_caseload = flags.refresh_by_id, caseload.refresh_changed

    def timed_flags(session: Any, holder_id: int) -> None:
        if flags_on:
            with clock.timing("flags refresh in the import"):
                real_flags(session, holder_id)

    def timed_caseload(session: Any) -> None:
        with clock.timing("caseload figures at commit"):
            real_caseload(session)

    setattr(flags, "refresh_by_id", timed_flags)  # noqa: B010 (read at call time)
    setattr(caseload, "refresh_changed", timed_caseload)  # noqa: B010
    try:
        yield
    finally:
        setattr(flags, "refresh_by_id", real_flags)  # noqa: B010
        setattr(caseload, "refresh_changed", real_caseload)  # noqa: B010


def _import(factory: Any, account_id: int, data: bytes, name: str) -> None:
    from dpsupport.services.imports import flows

    with factory() as session:
        account = flows.account_by_id(session, account_id)
        assert account is not None
        flows.import_file(session, account, data, name)


def _flags(factory: Any, holder_id: int) -> int:
    """Every flag of the holder worked out again and kept, committed: how many are open."""
    from dpsupport.db import unit_of_work
    from dpsupport.models import Flag, Holder
    from dpsupport.services import flags

    with unit_of_work(factory) as session:
        holder = session.get(Holder, holder_id)
        assert holder is not None
        flags.refresh(session, holder)
        return session.query(Flag).filter_by(holder_id=holder_id, status="open").count()


def _matches(factory: Any, holder_id: int) -> dict[str, int]:
    """Every match and every month's status, as the months page works them out."""
    from dpsupport.models import Holder
    from dpsupport.services import reconcile

    with factory() as session:
        holder = session.get(Holder, holder_id)
        worked = reconcile.work_out(session, holder)
        months = [(a, reconcile.periods(session, holder, a, worked))
                  for a in reconcile.accounts(session, holder)]
        return {"lines": len(worked.lines), "expected": len(worked.expectations),
                "matched": len(worked.result.pairings),
                "not seen": len(worked.result.not_seen),
                "not expected": len(worked.result.not_expected),
                "months": sum(len(m) for _, m in months),
                "reconciled months": sum(v.reconciled for _, m in months for v in m)}


def _employ(factory: Any, holder_id: int, names: list[str]) -> None:
    from sqlalchemy import insert

    from dpsupport.db import unit_of_work
    from dpsupport.models import Employment

    with unit_of_work(factory) as session:
        session.execute(insert(Employment), [_employment(holder_id, name) for name in names])


def _employment(holder_id: int, name: str) -> dict[str, Any]:
    return {"holder_id": holder_id, "name": name.title(), "date_of_birth": date(1980, 1, 1),
            "start_date": START, "tax_code": "1257L", "starter_statement": "A",
            "ni_category": "A"}


# --- 1. one holder -----------------------------------------------------------------------------

def one_holder(url_for: Callable[[], AbstractContextManager[str]], months: int, runs: int
               ) -> None:
    end = START + relativedelta(months=months) - timedelta(days=1)
    rows, owed = history(end=end)
    csv = as_csv(rows)
    best: dict[str, float] = {}
    parts: dict[str, float] = {}
    counts: dict[str, int] = {}
    for _ in range(runs):  # interleaved: with the import's flags refresh, then without
        for flags_on in (True, False):
            with url_for() as url:
                engine, factory, account_id, holder_id = _fresh(url, owed)
                _employ(factory, holder_id, ["SALLY JONES", "TOM REED"])
                clock = Clock()
                with import_hooks(clock, flags_on):
                    began = time.perf_counter()
                    _import(factory, account_id, csv, "five-years.csv")
                    seconds = time.perf_counter() - began
                if flags_on:
                    if seconds < best.get("import, flags on", float("inf")):
                        best["import, flags on"] = seconds
                        parts = dict(clock.seconds)
                    engine.dispose()
                    continue
                best["import"] = min(best.get("import", float("inf")), seconds)
                _sort_agency(factory, holder_id)
                began = time.perf_counter()
                open_flags = _flags(factory, holder_id)
                flags_s = time.perf_counter() - began
                began = time.perf_counter()
                counts = _matches(factory, holder_id)
                match_s = time.perf_counter() - began
                best["flags"] = min(best.get("flags", float("inf")), flags_s)
                best["matches"] = min(best.get("matches", float("inf")), match_s)
                counts["open flags"] = open_flags
                engine.dispose()
    work = best["flags"] + best["matches"]
    print(f"  one holder, {months} months: {len(rows):,} bank lines, {len(owed):,} payments "
          f"owed; best of {runs}, interleaved")
    print(f"  (a) import without its flags refresh {best['import']:.3f} s; as the app runs it "
          f"{best['import, flags on']:.3f} s, of which "
          + ", ".join(f"{k} {v:.3f} s" for k, v in sorted(parts.items())))
    print(f"  (b) every flag {best['flags']:.3f} s + every match and month "
          f"{best['matches']:.3f} s = {work:.3f} s")
    print("      " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    print(f"RATIO one holder: flags and matches / import = {work / best['import']:.2f} "
          f"(flags {best['flags'] / best['import']:.2f}, matches "
          f"{best['matches'] / best['import']:.2f}; against the import as the app runs it, "
          f"flags included: {work / best['import, flags on']:.2f})", flush=True)


# --- 2. an organisation ------------------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    """One holder of the organisation: their history and their next month's statement."""

    n: int
    council_pence: int
    pas: tuple[tuple[str, int], ...]
    old: list[BankRow]
    new: list[BankRow]
    owed: Owed


def person(n: int, months: int) -> Person:
    rnd = random.Random(1000 + n)
    names: list[str] = []
    while len(names) < 2:
        name = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
        if name not in names:
            names.append(name)
    pas = tuple((name, rnd.randint(80000, 130000)) for name in names)
    council = rnd.randint(300000, 500000) // 100 * 100
    end = START + relativedelta(months=months) - timedelta(days=1)
    rows, owed = history(seed=n, end=end + relativedelta(months=1), pas=pas,
                         council_pence=council, agency=rnd.choice(AGENCIES))
    return Person(n, council, pas, [r for r in rows if r[0] <= end],
                  [r for r in rows if r[0] > end], owed)


def _insert(conn: Any, model: Any, rows: list[dict[str, Any]]) -> None:
    from sqlalchemy import insert

    for i in range(0, len(rows), CHUNK):
        conn.execute(insert(model), rows[i:i + CHUNK])


def _by_holder(conn: Any, model: Any, ids: list[int]) -> dict[int, int]:
    """The id of each holder's row of ``model``."""
    from sqlalchemy import select

    return {h: i for h, i in conn.execute(select(model.holder_id, model.id)
                                          .where(model.holder_id.in_(ids)))}


def build(url: str, holders: int, months: int) -> tuple[Any, list[tuple[int, int, bytes]], int]:
    """A freshly migrated database with an organisation of ``holders`` holders, each with
    ``months`` of history (bulk inserts): the engine, and (holder, account, next month's CSV)
    for each, and how many bank lines went in."""
    from sqlalchemy import insert, select

    from dpsupport.db import make_engine
    from dpsupport.migrate import upgrade
    from dpsupport.models import (
        Account,
        AgreementAmount,
        BudgetLine,
        Employment,
        FundingAgreement,
        Holder,
        Organisation,
        PaymentDue,
        PayRun,
        StatementImport,
        Transaction,
    )
    from dpsupport.models.base import utcnow
    from dpsupport.statements.payees import clean_payee

    upgrade(url)
    engine = make_engine(url)
    now = utcnow()
    end = START + relativedelta(months=months) - timedelta(days=1)
    payees: dict[str, str] = {}
    out: list[tuple[int, int, bytes]] = []
    lines = 0
    with engine.begin() as conn:
        org = conn.execute(insert(Organisation).values(
            name=f"Bench council ({holders} people)", kind="council").returning(
            Organisation.id)).scalar_one()
    batch = 200
    for first in range(0, holders, batch):
        people = [person(n, months) for n in range(first, min(holders, first + batch))]
        with engine.begin() as conn:
            _insert(conn, Holder, [{"organisation_id": org, "name": f"Bench Holder {p.n + 1:04d}",
                                    "created_at": now} for p in people])
            ids = list(conn.scalars(select(Holder.id).where(Holder.organisation_id == org)
                                    .order_by(Holder.id).offset(first)))
            _insert(conn, FundingAgreement, [
                {"holder_id": h, "funder": "Northshire Council", "scheme": "dp_england",
                 "frequency": "four_weekly", "timing": "advance", "start_date": START,
                 "first_review_date": START + timedelta(days=180), "created_at": now}
                for h in ids])
            agreements = _by_holder(conn, FundingAgreement, ids)
            _insert(conn, AgreementAmount, [
                {"agreement_id": agreements[h], "effective_date": START,
                 "amount_pence": p.council_pence} for h, p in zip(ids, people, strict=True)])
            _insert(conn, Account, [{"holder_id": h, "name": "Direct payment account",
                                     "created_at": now} for h in ids])
            accounts = _by_holder(conn, Account, ids)
            _insert(conn, BudgetLine, [{"holder_id": h, "category": "agency_care",
                                        "label": "Agency", "planned_pence": 43000,
                                        "created_at": now} for h in ids])
            plan_lines = _by_holder(conn, BudgetLine, ids)
            _insert(conn, Employment, [_employment(h, name) for h, p in zip(ids, people,
                                                                            strict=True)
                                       for name, _ in p.pas])
            _insert(conn, StatementImport, [
                {"account_id": accounts[h], "holder_id": h, "filename": "history.csv",
                 "file_sha256": f"{h:064d}", "file_format": "csv", "statement_start": START,
                 "statement_end": end, "new_count": len(p.old), "status": "imported",
                 "uploaded_at": now} for h, p in zip(ids, people, strict=True)])
            imports = _by_holder(conn, StatementImport, ids)
            runs = {h: pay_runs(p.owed) for h, p in zip(ids, people, strict=True)}
            _insert(conn, PayRun, [{"holder_id": h, "created_at": now, **row}
                                   for h, (rows, _) in runs.items() for row in rows])
            run_ids = {(h, start): i for h, start, i in conn.execute(
                select(PayRun.holder_id, PayRun.period_start, PayRun.id)
                .where(PayRun.holder_id.in_(ids)))}
            _insert(conn, PaymentDue, [{"holder_id": h, "pay_run_id": run_ids[h, key],
                                        "created_at": now, **row}
                                       for h, (_, dues) in runs.items() for key, row in dues])
            rows: list[dict[str, Any]] = []
            for h, p in zip(ids, people, strict=True):
                for k, (day, text, pence) in enumerate(p.old):
                    payee = payees.get(text)
                    if payee is None:
                        payee = payees[text] = clean_payee(text)
                    is_agency = text in AGENCIES
                    rows.append({"holder_id": h, "account_id": accounts[h], "date": day,
                                 "amount_pence": pence, "payee": payee, "description": text,
                                 "source": "import", "import_id": imports[h],
                                 "dedupe_key": f"bulk:{k}", "created_at": now,
                                 "category": "agency_care" if is_agency else None,
                                 "budget_line_id": plan_lines[h] if is_agency else None})
                lines += len(p.old)
                out.append((h, accounts[h], as_csv(p.new)))
                if len(rows) >= CHUNK * 4:
                    _insert(conn, Transaction, rows)
                    rows = []
            _insert(conn, Transaction, rows)
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    return engine, out, lines


def organisation(name: str, url: str, holders: int, months: int, settle: bool = True) -> None:
    from sqlalchemy import func, select

    from dpsupport.db import make_sessionmaker
    from dpsupport.models import Flag

    began = time.perf_counter()
    engine, people, lines = build(url, holders, months)
    built = time.perf_counter() - began
    new_lines = sum(data.count(b"\n") - 1 for _, _, data in people)
    print(f"  {holders:,} holders, {months} months each: {lines:,} bank lines built in "
          f"{built:.1f} s (bulk inserts); then {new_lines:,} new lines, one statement each",
          flush=True)
    factory = make_sessionmaker(engine)
    if settle:  # as in the app, where every earlier import kept the holder's flags
        began = time.perf_counter()
        for holder_id, _, _ in people:
            _flags(factory, holder_id)
        print(f"  flags kept for the history first (not measured below): "
              f"{time.perf_counter() - began:.1f} s", flush=True)
    clock = Clock()
    began = time.perf_counter()
    with import_hooks(clock, flags_on=False):
        for holder_id, account_id, data in people:
            _import(factory, account_id, data, f"holder-{holder_id}-next-month.csv")
    import_s = time.perf_counter() - began
    flags_s = match_s = 0.0
    totals: Counter[str] = Counter()
    for holder_id, _, _ in people:
        began = time.perf_counter()
        totals["open flags"] += _flags(factory, holder_id)
        mid = time.perf_counter()
        totals.update(_matches(factory, holder_id))
        flags_s += mid - began
        match_s += time.perf_counter() - mid
    with factory() as session:
        codes: Counter[str] = Counter({code: count for code, count in session.execute(
            select(Flag.code, func.count()).where(Flag.status == "open").group_by(Flag.code))})
    engine.dispose()
    work = flags_s + match_s
    print(f"  (a) {holders:,} imports, one after another, without their flags refresh "
          f"{import_s:.1f} s ({import_s / holders * 1000:.0f} ms each; caseload figures at "
          f"commit {clock.seconds.get('caseload figures at commit', 0.0):.1f} s of it)")
    print(f"  (b) every flag {flags_s:.1f} s ({flags_s / holders * 1000:.0f} ms a holder) + "
          f"every match and month {match_s:.1f} s ({match_s / holders * 1000:.0f} ms a "
          f"holder) = {work:.1f} s")
    print("      " + ", ".join(f"{k} {v:,}" for k, v in totals.items()))
    print("      open flags by code: " + ", ".join(f"{k} {v:,}" for k, v in codes.most_common()))
    print(f"RATIO {name}, {holders:,} holders after one statement each: flags and matches / "
          f"import = {work / import_s:.2f} (flags {flags_s / import_s:.2f}, matches "
          f"{match_s / import_s:.2f}; against the imports with their own flags refresh, "
          f"a + flags: {work / (import_s + flags_s):.2f})", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--holders", type=int, default=HOLDERS)
    parser.add_argument("--months", type=int, default=MONTHS)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--no-settle", action="store_true",
                        help="do not keep the organisation's flags before the new statements")
    parser.add_argument("--only", choices=("SQLite", "PostgreSQL"),
                        help="one database only")
    args = parser.parse_args(argv)
    databases: list[tuple[str, Callable[[], AbstractContextManager[str]]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        databases.append(("SQLite", lambda: nullcontext(
            f"sqlite:///{tmp}/{uuid.uuid4().hex}.db")))
        pg = os.environ.get("DPSUPPORT_TEST_POSTGRES_URL")
        if pg:
            databases.append(("PostgreSQL", lambda: throwaway_postgres(pg)))
        else:
            print("PostgreSQL: skipped (set DPSUPPORT_TEST_POSTGRES_URL to include it)")
        for name, url_for in databases:
            if args.only and name != args.only:
                continue
            print(f"{name}:", flush=True)
            one_holder(url_for, args.months, args.runs)
            with url_for() as url:
                organisation(name, url, args.holders, args.months, not args.no_settle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
