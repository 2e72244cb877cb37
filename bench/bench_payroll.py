"""Benchmark payroll_rules: 10,000 PAs paid four-weekly for a whole tax year (130,000 payslips).

Cumulative tax (each PA's pay and tax to date carried forward) and NI every period. Reports
payslips per second, peak memory (tracemalloc peak of the calculation loop, and the process's
ru_maxrss), and the time to merely read the same inputs from a CSV with csv.reader, as a ratio.
Run: .venv/bin/python bench/bench_payroll.py  (or `make bench`).
"""

from __future__ import annotations

import csv
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import payroll_rules as pr  # noqa: E402

N_PAS = 10_000
PERIODS = 13
TAX_YEAR = 2026
CODES = ["1257L"] * 14 + ["S1257L", "C1257L", "BR", "K150", "1257L M1", "0T"]
CATEGORIES = ["A"] * 8 + ["C", "M"]


def make_inputs() -> list[tuple[int, int, str, str, str, str]]:
    rng = random.Random(2026)
    rows = []
    pas = [(rng.choice(CODES), rng.choice(CATEGORIES), rng.randint(40_000, 250_000))
           for _ in range(N_PAS)]
    for period in range(1, PERIODS + 1):
        pay_date = pr.period_start(TAX_YEAR, "four_weekly", period) + timedelta(days=27)
        for pa, (code, cat, base) in enumerate(pas):
            gross = base + rng.randint(-2_000, 2_000)
            rows.append((pa, period, pay_date.isoformat(), f"{gross // 100}.{gross % 100:02d}",
                         code, cat))
    return rows


def run_payroll(rows: list[tuple[int, int, str, str, str, str]],
                all_figures: bool = False) -> tuple[float, Decimal, float]:
    """(wall seconds, total tax, CPU seconds of this process) for one run over ``rows``."""
    from datetime import date

    dates: dict[str, date] = {}
    pay_to_date = [Decimal(0)] * N_PAS
    tax_to_date = [Decimal(0)] * N_PAS
    total_tax = Decimal(0)
    calculate, PayInput = pr.calculate, pr.PayInput
    start = time.perf_counter()
    cpu_start = time.process_time()
    for pa, period, pay_date, gross_text, code, cat in rows:
        d = dates.get(pay_date)
        if d is None:
            d = dates[pay_date] = date.fromisoformat(pay_date)
        gross = Decimal(gross_text)
        result = calculate(PayInput(d, "four_weekly", period, gross, code, cat,
                                    pay_to_date[pa], tax_to_date[pa]))
        pay_to_date[pa] += result.taxable_pay
        if all_figures:  # read every payslip figure as Decimal (as a real payslip run would)
            figures = (result.employee_ni, result.employer_ni, result.employee_pension,
                       result.employer_pension, result.net_pay, result.gross_pay)
            assert figures[4] == figures[5] - result.income_tax - figures[0] - figures[2]
        tax_to_date[pa] += result.income_tax
        total_tax += result.income_tax
    return time.perf_counter() - start, total_tax, time.process_time() - cpu_start


def time_csv_read(rows: list[tuple[int, int, str, str, str, str]]) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "payroll_inputs.csv"
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["pa", "period", "pay_date", "gross", "tax_code", "ni_category"])
            writer.writerows(rows)
        start = time.perf_counter()
        with open(path, newline="", encoding="utf-8") as fh:
            count = sum(1 for _ in csv.reader(fh))
        elapsed = time.perf_counter() - start
        assert count == len(rows) + 1
        return elapsed


def main() -> int:
    rows = make_inputs()
    run_payroll(rows[:2_000])  # warm the per-year and per-code caches
    elapsed, total_tax, cpu = run_payroll(rows)
    elapsed_all, _, _ = run_payroll(rows, all_figures=True)
    tracemalloc.start()
    run_payroll(rows[: N_PAS])  # one period, to measure peak allocation of the loop itself
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    csv_time = time_csv_read(rows)
    rate = len(rows) / elapsed
    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"payslips: {len(rows):,} ({N_PAS:,} PAs x {PERIODS} four-weekly periods, cumulative)")
    print(f"time: {elapsed:.3f} s  ->  {rate:,.0f} payslips/s (one core)")
    print(f"CPU time of the same run: {cpu:.3f} s  ->  {len(rows) / cpu:,.0f} payslips/s "
          "(steadier than the wall clock when other programs share the machine)")
    print(f"reading all eight figures of every payslip as Decimal: {elapsed_all:.3f} s  ->  "
          f"{len(rows) / elapsed_all:,.0f} payslips/s")
    print(f"total tax deducted: £{total_tax:,}")
    print(f"peak memory: tracemalloc peak for 10,000 payslips {peak / 1e6:.1f} MB; "
          f"process max RSS {maxrss_kb / 1024:.1f} MB")
    print(f"csv.reader over the same inputs: {csv_time:.3f} s; "
          f"payroll / CSV read ratio: {elapsed / csv_time:.1f}x")
    target = 50_000
    print(f"target {target:,} payslips/s: {'met' if rate >= target else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
