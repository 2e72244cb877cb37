"""Bank statement reading speed: 100,000-line CSV statements and a 100,000-transaction OFX.

Each measurement runs in a child process (clean peak memory via tracemalloc + ru_maxrss),
timed on CPU time, best of a few runs, interleaved with the bare csv read it is compared
with (the machine may be busy). Reports, in one run:

* CSV: iter_statement + record_keys (what an import does before writing) / Python's bare
  csv.reader read of the same file, for a Lloyds layout (split paid in / paid out columns,
  sort code and account number) and a Nationwide layout ("£1,234.56" amounts, preamble).
* OFX: ofxtools parse+convert / our iter_statement (+ record_keys) -- ofxtools is slow
  (~20 s) but it is the comparison we are asked for.
* Peak memory (tracemalloc, and ru_maxrss of the child) for each of ours.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
N = 100_000
PAYEES = ["TESCO STORES 3297", "BRITISH GAS", "ACME CARE AGENCY", "HMRC PAYE", "NEST PENSION",
          "COUNCIL DIRECT PAYMENT", "J SMITH PA WAGES", "SAINSBURYS S/MKTS", "TFL.GOV.UK/CP"]


def pounds(pence: int, commas: bool = False) -> str:
    """12345 -> "123.45" (with commas: "1,234.56"); money as text without floats."""
    whole, part = divmod(abs(pence), 100)
    return f"{'-' if pence < 0 else ''}{whole:,}.{part:02d}" if commas else \
        f"{'-' if pence < 0 else ''}{whole}.{part:02d}"


def make_csv(path: Path) -> None:
    rnd = random.Random(1)
    day, bal = date(2024, 12, 31), 1_000_000_00
    lines = ["Transaction Date,Transaction Type,Sort Code,Account Number,"
             "Transaction Description,Debit Amount,Credit Amount,Balance,"]
    for i in range(N):
        pence = rnd.randint(1, 50000) * (1 if i % 7 == 0 else -1)
        debit = pounds(-pence) if pence < 0 else ""
        credit = pounds(pence) if pence > 0 else ""
        lines.append(f"{day:%d/%m/%Y},{'BGC' if pence > 0 else 'DEB'},'30-96-29,20681668,"
                     f"{rnd.choice(PAYEES)},{debit},{credit},{pounds(bal)}")
        bal -= pence
        if i % 40 == 39:
            day -= timedelta(days=1)
    path.write_text("\n".join(lines) + "\n")


def make_ofx(path: Path) -> None:
    rnd = random.Random(2)
    out = ["OFXHEADER:100", "DATA:OFXSGML", "VERSION:102", "SECURITY:NONE", "ENCODING:USASCII",
           "CHARSET:1252", "COMPRESSION:NONE", "OLDFILEUID:NONE", "NEWFILEUID:NONE", "",
           "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS>"
           "<DTSERVER>20250101120000<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>",
           "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>",
           "<STMTRS><CURDEF>GBP<BANKACCTFROM><BANKID>309629<ACCTID>20681668"
           "<ACCTTYPE>CHECKING</BANKACCTFROM>",
           "<BANKTRANLIST><DTSTART>20200101<DTEND>20250101"]
    day = date(2020, 1, 1)
    for i in range(N):
        pence = rnd.randint(1, 50000) * (1 if i % 7 == 0 else -1)
        out.append(f"<STMTTRN><TRNTYPE>{'CREDIT' if pence > 0 else 'DEBIT'}"
                   f"<DTPOSTED>{day:%Y%m%d}120000[0:GMT]<TRNAMT>{pounds(pence)}"
                   f"<FITID>{i:09d}<NAME>{rnd.choice(PAYEES)}<MEMO>REF {i}</STMTTRN>")
        if i % 40 == 39:
            day += timedelta(days=1)
    out += ["</BANKTRANLIST><LEDGERBAL><BALAMT>100.00<DTASOF>20250101</LEDGERBAL>",
            "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>"]
    path.write_text("\n".join(out) + "\n")


def make_nationwide(path: Path) -> None:
    rnd = random.Random(3)
    day, bal = date(2024, 12, 31), 1_000_000_00
    lines = ['"Account Name:","Current ****1234"', '"Account Balance:","£1,000.00"',
             '"Available Balance: ","£1,000.00"', "",
             '"Date","Transaction type","Description","Paid out","Paid in","Balance"']
    for i in range(N):
        pence = rnd.randint(1, 50000) * (1 if i % 7 == 0 else -1)
        out = f"£{pounds(-pence, True)}" if pence < 0 else ""
        inn = f"£{pounds(pence, True)}" if pence > 0 else ""
        lines.append(f'"{day:%d %b %Y}","{"Credit" if pence > 0 else "Visa"}",'
                     f'"{rnd.choice(PAYEES)} {i % 500}","{out}","{inn}","£{pounds(bal, True)}"')
        bal -= pence
        if i % 40 == 39:
            day -= timedelta(days=1)
    path.write_text("\n".join(lines) + "\n")


CHILD = r"""
import json, resource, sys, time, tracemalloc
sys.path.insert(0, sys.argv[3])
task, path, reps = sys.argv[1], sys.argv[2], int(sys.argv[4])
trace = len(sys.argv) > 5
data = open(path, "rb").read()


def bare_csv():
    import csv, io
    return sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def ours():
    from dpsupport.statements import iter_statement
    st = iter_statement(data, path, max_rows=10**6, max_bytes=10**9)
    return sum(1 for _ in st.records)


def ours_keys():
    from dpsupport.statements import iter_statement, record_keys
    st = iter_statement(data, path, max_rows=10**6, max_bytes=10**9)
    records = list(st.records)  # an import keeps them to write them
    keys = record_keys(records, "account-1")
    assert len(keys) == len(records)
    return len(records)


def ofxtools():
    import io, warnings
    warnings.simplefilter("ignore")
    from ofxtools.Parser import OFXTree
    tree = OFXTree(); tree.parse(io.BytesIO(data)); ofx = tree.convert()
    return sum(len(s.transactions) for s in ofx.statements)


tasks = {t: globals()[t] for t in task.split(",")}
best = {t: float("inf") for t in tasks}
counts = {}
if trace:
    tracemalloc.start()
for _ in range(reps):
    for name, fn in tasks.items():  # interleaved, so a busy spell hits both
        t0 = time.process_time()
        counts[name] = fn()
        best[name] = min(best[name], time.process_time() - t0)
peak = tracemalloc.get_traced_memory()[1] if tracemalloc.is_tracing() else 0
print(json.dumps({"seconds": best, "n": counts, "peak_mb": peak / 2**20,
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _child(tasks: str, path: Path, reps: int, trace: bool = False) -> dict:  # type: ignore[type-arg]
    args = [sys.executable, "-c", CHILD, tasks, str(path), str(ROOT), str(reps)]
    out = subprocess.run(args + (["trace"] if trace else []), capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _memory(task: str, path: Path) -> tuple[float, float]:
    """(tracemalloc peak MB, ru_maxrss MB) of one run of ``task`` in a fresh process."""
    r = _child(task, path, 1, trace=True)
    return r["peak_mb"], r["maxrss_mb"]


def main() -> int:
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        lloyds, nationwide = Path(tmp) / "lloyds_100k.csv", Path(tmp) / "nationwide_100k.csv"
        ofx_path = Path(tmp) / "statement_100k.ofx"
        make_csv(lloyds)
        make_nationwide(nationwide)
        make_ofx(ofx_path)
        print(f"files: Lloyds CSV {lloyds.stat().st_size / 2**20:.1f} MB, Nationwide CSV "
              f"{nationwide.stat().st_size / 2**20:.1f} MB, OFX "
              f"{ofx_path.stat().st_size / 2**20:.1f} MB; {N:,} rows each; best of {reps}, "
              "CPU time")
        for label, path in (("Lloyds", lloyds), ("Nationwide", nationwide)):
            r = _child("bare_csv,ours,ours_keys", path, reps)
            s, n = r["seconds"], r["n"]
            peak, rss = _memory("ours_keys", path)
            ok &= n["ours"] == N and n["ours_keys"] == N and peak < 200
            print(f"CSV {label:10s} bare csv read {s['bare_csv']:.3f} s | iter_statement "
                  f"{s['ours']:.3f} s ({s['ours'] / s['bare_csv']:.1f}x) | + record_keys "
                  f"{s['ours_keys']:.3f} s | peak {peak:.1f} MB, maxrss {rss:.0f} MB")
            print(f"RATIO CSV {label}: (iter_statement + record_keys) / bare csv read = "
                  f"{s['ours_keys'] / s['bare_csv']:.1f}x  (target: about 4-5x; at most 10x "
                  "with the database write)")
        r = _child("ours,ours_keys", ofx_path, reps)
        s, n = r["seconds"], r["n"]
        peak, rss = _memory("ours_keys", ofx_path)
        try:
            tools = _child("ofxtools", ofx_path, 1)["seconds"]["ofxtools"]
        except subprocess.CalledProcessError:
            tools = float("nan")
        ok &= n["ours"] == N and peak < 200
        print(f"OFX ours {s['ours']:.3f} s, + record_keys {s['ours_keys']:.3f} s | ofxtools "
              f"parse+convert {tools:.2f} s | peak {peak:.1f} MB, maxrss {rss:.0f} MB")
        print(f"RATIO OFX: ofxtools / ours = {tools / s['ours']:.1f}x faster (target >= 10x); "
              f"ofxtools / (ours + record_keys) = {tools / s['ours_keys']:.1f}x")
    print("OK" if ok else "FAILED: row counts or peak memory out of bounds")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
