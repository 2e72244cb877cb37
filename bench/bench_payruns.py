"""Pay runs for 2,000 employers with 3 PAs each (issue 13), against payroll_rules alone.

A freshly migrated SQLite database (and PostgreSQL too when DPSUPPORT_TEST_POSTGRES_URL
names a server on this machine) gets 2,000 holders, each employing 3 PAs paid monthly with
about 12 approved shifts each in April 2026 (bulk inserts: building the data is not timed).
Then, timed, each holder's April pay run is worked out and approved through the service
(``payruns.run_payroll(..., approve=True)``: one transaction each, as ``dpsupport payroll run
--approve`` makes it). In the same run, ``payroll_rules.calculate`` alone is timed on the very
inputs those 6,000 payslips were worked out from (read back from Payslip.inputs_json), and
the pure engine (``dpsupport.payroll.run.work_out`` and ``payments_due``) on the same.

Reports seconds, payslips a second and the ratios (best of several runs for the fast
parts; CPU time too, steadier when the machine is shared):

* pay runs through the service / payroll_rules.calculate alone
* the pure engine / payroll_rules.calculate alone

Run: .venv/bin/python bench/bench_payruns.py  (or `make bench`).
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
import uuid
from datetime import date
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_load import bench_databases  # noqa: E402

EMPLOYERS = 2_000
PAS = 3
PERIOD = date(2026, 4, 1)


def _build(factory) -> list[int]:  # type: ignore[no-untyped-def]
    """The holders, PAs, contracts, shifts and timesheet approvals, by bulk inserts."""
    from sqlalchemy import insert, select

    from dpsupport.models import (
        ContractVersion,
        EmployerDetails,
        Employment,
        Holder,
        Organisation,
        Shift,
        TimesheetApproval,
    )

    rng = random.Random(13)
    with factory() as session:
        org = session.scalar(insert(Organisation).values(name="Bench payroll service",
                                                         kind="ulo").returning(Organisation.id))
        session.execute(insert(Holder), [{"organisation_id": org, "name": f"Holder {i}"}
                                         for i in range(EMPLOYERS)])
        holders = list(session.scalars(select(Holder.id).order_by(Holder.id)))
        session.execute(insert(EmployerDetails), [
            {"holder_id": h, "employment_allowance_claimed": i % 2 == 0}
            for i, h in enumerate(holders)])
        codes = ["1257L"] * 8 + ["BR", "1257L M1"]
        session.execute(insert(Employment), [
            {"holder_id": h, "name": f"PA {h}-{n}", "date_of_birth": date(1960 + n * 12, 5, 1),
             "start_date": date(2025, 6, 2), "tax_code": rng.choice(codes),
             "starter_statement": "hmrc", "ni_category": "A",
             "student_loan_plan": "2" if n == 1 else None, "postgraduate_loan": n == 2}
            for h in holders for n in range(PAS)])
        employments = list(session.scalars(select(Employment.id).order_by(Employment.id)))
        session.execute(insert(ContractVersion), [
            {"employment_id": e, "effective_date": date(2025, 6, 2),
             "pay_frequency": "monthly", "pay_day": "last Friday of the month",
             "day_rate_pence": rng.randint(1250, 1800), "night_rate_pence": 1900,
             "sleep_in_pence": 6000, "hours_kind": "irregular",
             "holiday_year_start": date(2026, 4, 1),
             "pension_scheme": "NEST" if i % 3 else None,
             "pension_employee_bp": 500 if i % 3 else None,
             "pension_employer_bp": 300 if i % 3 else None}
            for i, e in enumerate(employments)])
        shifts = []
        for e in employments:
            for day in rng.sample(range(1, 31), 12):
                kind = rng.choice(["day", "day", "day", "night", "sleep_in"])
                start = clock(22, 0) if kind != "day" else clock(8, 0)
                end = clock(7, 0) if kind != "day" else clock(8 + rng.randint(3, 10), 0)
                shifts.append({"employment_id": e, "work_date": date(2026, 4, day),
                               "start_time": start, "end_time": end, "break_minutes": 0,
                               "kind": kind})
        session.execute(insert(Shift), shifts)
        session.execute(insert(TimesheetApproval), [
            {"employment_id": e, "period_start": PERIOD, "period_end": date(2026, 4, 30)}
            for e in employments])
        session.commit()
    return holders


def bench(url: str, label: str) -> None:
    from sqlalchemy import select

    import payroll_rules
    from dpsupport.db import make_engine, make_sessionmaker, writing
    from dpsupport.migrate import upgrade
    from dpsupport.models import Holder, Payslip
    from dpsupport.payroll import record
    from dpsupport.payroll import run as engine_run
    from dpsupport.services import audit, payruns

    upgrade(url)
    engine = make_engine(url)
    audit.install()
    factory = make_sessionmaker(engine)
    started = time.perf_counter()
    holders = _build(factory)
    built = time.perf_counter() - started

    start = time.perf_counter()
    cpu = time.process_time()
    for holder_id in holders:
        with writing(), factory() as session:
            holder = session.get(Holder, holder_id)
            assert holder is not None
            payruns.run_payroll(session, holder, "monthly", PERIOD, approve=True)
    service = time.perf_counter() - start
    service_cpu = time.process_time() - cpu

    with factory() as session:
        stored = session.execute(select(Payslip.inputs_json, Payslip.net_pence)).all()
    inputs = [(record.loads(text)[0], net) for text, net in stored]
    assert len(inputs) == EMPLOYERS * PAS, len(inputs)
    calculate = payroll_rules.calculate
    best_rules = best_rules_cpu = float("inf")
    for _ in range(5):
        start, cpu = time.perf_counter(), time.process_time()
        results = [calculate(pay) for pay, _net in inputs]
        best_rules = min(best_rules, time.perf_counter() - start)
        best_rules_cpu = min(best_rules_cpu, time.process_time() - cpu)
    assert all(int(r.net_pay * 100) == net for r, (_p, net) in zip(results, inputs, strict=True))

    # the pure engine on the same payslips, a pay run of 3 at a time
    pas = [engine_run.PAInput(
        key=i, name="PA", lines=tuple(record.loads(text)[1]), tax_code=pay.tax_code,
        ni_category=pay.ni_category, pension=pay.pension, pension_scheme="NEST",
        student_loan_plan=pay.student_loan_plan, postgraduate_loan=pay.postgraduate_loan,
        age=40) for i, ((pay, _n), (text, _m)) in enumerate(zip(inputs, stored, strict=True))]
    pay_date = inputs[0][0].pay_date
    best_pure = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for i in range(0, len(pas), PAS):
            done = engine_run.work_out(pas[i:i + PAS], "monthly", pay_date)
            engine_run.payments_due(done, pay_date, allowance_pence=1_050_000,
                                    so_far=engine_run.HmrcSoFar())
        best_pure = min(best_pure, time.perf_counter() - start)
    engine.dispose()

    n = len(inputs)
    print(f"{label}: {EMPLOYERS:,} employers x {PAS} PAs = {n:,} payslips "
          f"(data built in {built:.1f} s, not timed)")
    print(f"  pay runs through the service (draft + approve, one transaction each): "
          f"{service:.2f} s ({service_cpu:.2f} s CPU)  ->  {n / service:,.0f} payslips/s, "
          f"{EMPLOYERS / service:,.0f} pay runs/s")
    print(f"  payroll_rules.calculate alone on the same inputs: {best_rules:.3f} s  ->  "
          f"{n / best_rules:,.0f} payslips/s")
    print(f"  the pure engine (work_out + payments_due) on the same: {best_pure:.3f} s")
    print(f"  ratio service / payroll_rules: {service / best_rules:.0f}x "
          f"(CPU time: {service_cpu / best_rules_cpu:.0f}x); "
          f"pure engine / payroll_rules: {best_pure / best_rules:.1f}x")


def main() -> int:
    for label, base in bench_databases():
        if base is None:
            with tempfile.TemporaryDirectory() as tmp:
                bench(f"sqlite:///{tmp}/bench.sqlite3", label)
            continue
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        name = f"dpsupport_bench_payruns_{uuid.uuid4().hex[:8]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            bench(make_url(base).set(database=name).render_as_string(hide_password=False),
                  label)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
