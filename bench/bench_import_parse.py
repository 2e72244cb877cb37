"""Bank statement parsing speed: 100,000-line Lloyds-layout CSV and 100,000-transaction OFX.

Each measurement runs in a child process (clean peak memory via tracemalloc + ru_maxrss).
Prints parse time, peak memory and the ratios against Python's bare csv read and ofxtools.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
N = 100_000
PAYEES = ["TESCO STORES 3297", "BRITISH GAS", "ACME CARE AGENCY", "HMRC PAYE", "NEST PENSION",
          "COUNCIL DIRECT PAYMENT", "J SMITH PA WAGES", "SAINSBURYS S/MKTS", "TFL.GOV.UK/CP"]


def make_csv(path: Path) -> None:
    rnd = random.Random(1)
    day, bal = date(2024, 12, 31), 1_000_000_00
    lines = ["Transaction Date,Transaction Type,Sort Code,Account Number,"
             "Transaction Description,Debit Amount,Credit Amount,Balance,"]
    for i in range(N):
        pence = rnd.randint(1, 50000) * (1 if i % 7 == 0 else -1)
        debit = f"{-pence / 100:.2f}" if pence < 0 else ""
        credit = f"{pence / 100:.2f}" if pence > 0 else ""
        lines.append(f"{day:%d/%m/%Y},{'BGC' if pence > 0 else 'DEB'},'30-96-29,20681668,"
                     f"{rnd.choice(PAYEES)},{debit},{credit},{bal / 100:.2f}")
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
                   f"<DTPOSTED>{day:%Y%m%d}120000[0:GMT]<TRNAMT>{pence / 100:.2f}"
                   f"<FITID>{i:09d}<NAME>{rnd.choice(PAYEES)}<MEMO>REF {i}</STMTTRN>")
        if i % 40 == 39:
            day += timedelta(days=1)
    out += ["</BANKTRANLIST><LEDGERBAL><BALAMT>100.00<DTASOF>20250101</LEDGERBAL>",
            "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>"]
    path.write_text("\n".join(out) + "\n")


CHILD = r"""
import json, resource, sys, time, tracemalloc
sys.path.insert(0, sys.argv[3])
task, path = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
if len(sys.argv) > 4:
    tracemalloc.start()
t0 = time.perf_counter()
if task == "bare_csv":
    import csv, io
    n = sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
elif task in ("ours_csv", "ours_ofx"):
    from dpsupport.statements import iter_statement
    st = iter_statement(data, path, max_rows=10**6, max_bytes=10**9)
    n = sum(1 for _ in st.records)
elif task == "ofxtools":
    import io, warnings
    warnings.simplefilter("ignore")
    from ofxtools.Parser import OFXTree
    tree = OFXTree(); tree.parse(io.BytesIO(data)); ofx = tree.convert()
    n = sum(len(s.transactions) for s in ofx.statements)
elapsed = time.perf_counter() - t0
peak = tracemalloc.get_traced_memory()[1] if tracemalloc.is_tracing() else 0
print(json.dumps({"n": n, "seconds": elapsed, "peak_mb": peak / 2**20,
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _child(task: str, path: Path, *extra: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, task, str(path), str(ROOT), *extra],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(task: str, path: Path, trace: bool = True) -> dict[str, float]:
    """Time without tracemalloc (it slows allocation); peak memory from a second traced run."""
    timed = _child(task, path)
    if trace:
        timed["peak_mb"] = _child(task, path, "trace")["peak_mb"]
    return timed


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        csv_path, ofx_path = Path(tmp) / "lloyds_100k.csv", Path(tmp) / "statement_100k.ofx"
        make_csv(csv_path)
        make_ofx(ofx_path)
        print(f"files: CSV {csv_path.stat().st_size / 2**20:.1f} MB, "
              f"OFX {ofx_path.stat().st_size / 2**20:.1f} MB, {N:,} rows each")
        bare = run("bare_csv", csv_path)
        ours_csv = run("ours_csv", csv_path)
        ours_ofx = run("ours_ofx", ofx_path)
        t0 = time.perf_counter()
        try:
            tools = run("ofxtools", ofx_path, trace=False)
        except subprocess.CalledProcessError:
            tools = {"n": 0, "seconds": time.perf_counter() - t0, "peak_mb": 0, "maxrss_mb": 0}
    for name, r in (("csv module bare read", bare), ("our CSV parse", ours_csv),
                    ("our OFX parse", ours_ofx), ("ofxtools parse+convert", tools)):
        print(f"{name:24s} {r['n']:>8,} rows  {r['seconds']:7.2f} s  "
              f"peak {r['peak_mb']:6.1f} MB (tracemalloc)  maxrss {r['maxrss_mb']:6.1f} MB")
    csv_ratio = ours_csv["seconds"] / bare["seconds"]
    ofx_ratio = tools["seconds"] / ours_ofx["seconds"]
    print(f"RATIO CSV: our parse / bare csv read = {csv_ratio:.1f}x (target well within 10x, "
          f"aim ~3x)")
    print(f"RATIO OFX: ofxtools / ours = {ofx_ratio:.1f}x faster (target >= 10x)")
    ok = (ours_csv["n"] == N and ours_ofx["n"] == N and ours_csv["peak_mb"] < 200
          and ours_ofx["peak_mb"] < 200)
    print("OK" if ok else "FAILED: row counts or peak memory out of bounds")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
