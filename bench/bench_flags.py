"""Working out flags (dpsupport.flags.work_out) for holders with 5 years of transactions.

A holder's 5 years are generated to look like a direct payment account: the council's
4-weekly payment in; two PAs paid weekly and monthly by bank transfer; HMRC and NEST; a care
agency, a payroll service and insurance; some card spending (shops, a pharmacy, taxis); now
and then cash, a transfer to savings, a bookmaker or a bill paid twice (about 1,500 lines).

Measured in one run, on CPU time, best of a few runs (the machine may be busy):

* one holder: every flag (with statement gaps) / reading the same lines from a Lloyds-layout
  CSV statement with dpsupport.statements.iter_statement;
* 2,000 holders (``BENCH_FLAGS_HOLDERS`` to change), each with their own names, amounts and
  known payees, one after another in one process: every flag for all / reading all their
  statements with iter_statement.

Both ratios are printed as ``RATIO ...``. Reading the statement is what an import does
first, so the ratio says what re-working every flag costs next to the import itself.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dpsupport.flags import Known, KnownPayee, Line, Reader, StatementSpan, work_out  # noqa: E402
from dpsupport.statements import iter_statement  # noqa: E402

HOLDERS = int(os.environ.get("BENCH_FLAGS_HOLDERS", "2000"))
START = dt.date(2021, 4, 1)
FIRST_REVIEW = dt.date(2021, 10, 1)
YEARS = 5
FIRST = ["SALLY", "JOHN", "PRIYA", "TOM", "AMIRA", "GARETH", "NIAMH", "KWAME", "ROSE", "IAN"]
LAST = ["JONES", "SMITH", "PATEL", "HUGHES", "KHAN", "EVANS", "MURPHY", "OWUSU", "HILL", "BET"]
SHOPS = ["TESCO STORES 3297", "SAINSBURYS S/MKTS", "BOOTS 1234", "LLOYDS PHARMACY SAINSBURYS",
         "ASDA PHARMACY", "STREAMLINE TAXIS", "ARGOS LTD", "AMAZON UK MARKETPL", "THE POST OFFICE",
         "CO-OP GROUP FOOD", "MARKS&SPENCER PLC", "BETTER CARE SUPPLIES"]


def holder(n: int) -> tuple[list[Line], Known, list[StatementSpan]]:
    rnd = random.Random(n)
    pa1 = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
    pa2 = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
    agency = f"{rnd.choice(['CAREWATCH', 'HOMEINSTEAD', 'BLUEBIRD', 'KARE PLUS'])} LTD"
    lines: list[Line] = []

    def add(day: dt.date, pence: int, text: str, kind: str = "") -> None:
        lines.append(Line(len(lines) + 1, day, pence, text, "", kind))

    end = START.replace(year=START.year + YEARS)
    weekly, wage1, wage2 = rnd.randint(30000, 60000), rnd.randint(20000, 30000), \
        rnd.randint(60000, 120000)
    day = START
    while day < end:
        if (day - START).days % 28 == 0:
            add(day, weekly * 4, "SOMEWHERE COUNCIL DP", "BGC")
        if day.weekday() == 4:
            add(day, -wage1, f"{pa1[0]} {pa1.split()[1]} WAGES", "FPO")
        if day.day == 28:
            add(day, -wage2, f"{pa2} SALARY", "SO")
            add(day, -rnd.randint(2000, 9000), "NEST", "DD")
            add(day, -rnd.randint(9000, 30000), agency, "BP")
            add(day, -1800, "PENDERELS TRUST PAYROLL", "DD")
        if day.day == 19:
            add(day, -rnd.randint(10000, 40000), "HMRC NDDS", "DD")
        if day.month == 4 and day.day == 10:
            add(day, -rnd.randint(15000, 30000), "FIRSTCHOICE EMPLOYERS INSURANCE", "DD")
        for _ in range(rnd.choice([0, 0, 0, 1, 1, 2])):
            add(day, -rnd.randint(150, 9000), f"{rnd.choice(SHOPS)} {day:%d%b%y}".upper(), "DEB")
        roll = rnd.random()
        if roll < 0.01:
            add(day, -rnd.choice([2000, 4000, 10000]), f"LNK TESCO CD 1417 {day:%d%b%y}".upper(),
                "CPT")
        elif roll < 0.012:
            add(day, -rnd.choice([1000, 2500]), "LADBROKES 1234", "DEB")
        elif roll < 0.015:
            add(day, -rnd.choice([10000, 25000]), "TFR TO SAVINGS", "TFR")
        elif roll < 0.017:  # the agency's bill paid twice
            add(day, -12000, agency, "BP")
            add(day + dt.timedelta(days=2), -12000, agency, "BP")
        day += dt.timedelta(days=1)
    known = Known(payees=(KnownPayee(pa1, "pa", person=True), KnownPayee(pa2, "pa", person=True),
                          KnownPayee(agency, "provider")))
    spans = [StatementSpan(i, START + dt.timedelta(days=30 * i),
                           START + dt.timedelta(days=30 * i + 29))
             for i in range(YEARS * 12 + 1) if i not in (20, 21)]  # two months missing
    return lines, known, spans


def as_csv(lines: list[Line]) -> bytes:
    out = ["Transaction Date,Transaction Type,Sort Code,Account Number,"
           "Transaction Description,Debit Amount,Credit Amount,Balance,"]
    balance = 0
    for line in sorted(lines, key=lambda item: item.date, reverse=True):
        pence = line.amount_pence
        money = f"{abs(pence) // 100}.{abs(pence) % 100:02d}"
        out.append(f"{line.date:%d/%m/%Y},{line.kind or 'DEB'},'30-96-29,20681668,"
                   f"{line.description},{money if pence < 0 else ''},"
                   f"{money if pence > 0 else ''},{balance // 100}.{balance % 100:02d}")
        balance += 1
    return ("\n".join(out) + "\n").encode()


def best(fn: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return min(times)


def main() -> int:
    today = START.replace(year=START.year + YEARS)
    lines, known, spans = holder(0)
    data = as_csv(lines)
    read_count = sum(1 for _ in iter_statement(data, "statement.csv").records)
    flags = work_out(lines, known=known, statements=spans, since=START, today=today,
                     first_review=FIRST_REVIEW)
    by_code: dict[str, int] = {}
    for flag in flags:
        by_code[flag.code] = by_code.get(flag.code, 0) + 1
    print(f"one holder: {len(lines):,} lines over {YEARS} years (CSV read back: {read_count:,}); "
          f"flags: {by_code}")

    def one_flags() -> None:
        work_out(lines, known=known, statements=spans, since=START, today=today,
                     first_review=FIRST_REVIEW)

    def one_read() -> None:
        for _ in iter_statement(data, "statement.csv").records:
            pass

    flags_s, read_s = best(one_flags, 5), best(one_read, 5)
    print(f"one holder: flags {flags_s * 1000:.1f} ms | iter_statement {read_s * 1000:.1f} ms")
    print(f"RATIO one holder: flags / CSV read of the same lines = {flags_s / read_s:.2f}")

    people = [holder(n) for n in range(HOLDERS)]
    files = [as_csv(p[0]) for p in people]
    total = sum(len(p[0]) for p in people)
    staff = Reader("the holder")

    def all_flags() -> None:
        for lines_n, known_n, spans_n in people:
            work_out(lines_n, known=known_n, statements=spans_n, since=START, today=today,
                     first_review=FIRST_REVIEW, reader=staff)

    def all_read() -> None:
        for data_n in files:
            for _ in iter_statement(data_n, "statement.csv").records:
                pass

    flags_s, read_s = best(all_flags, 1), best(all_read, 1)
    print(f"{HOLDERS:,} holders, {total:,} lines: flags {flags_s:.2f} s "
          f"({flags_s / total * 1e6:.1f} µs a line) | iter_statement {read_s:.2f} s")
    print(f"RATIO {HOLDERS:,} holders: flags / CSV read of the same lines = "
          f"{flags_s / read_s:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
