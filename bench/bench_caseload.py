"""A large council: the caseload, a holder's money page and the audit pack with 2,000 holders.

For each database (PostgreSQL when DPSUPPORT_TEST_POSTGRES_URL is set, in a throwaway
database made for the run; SQLite otherwise, or too with --sqlite) this:

1. builds a council with N holders (default 2,000), two years of payments each (about 600
   each), with `dpsupport demo --holders N`, which also works out every caseload summary;
2. starts `gunicorn -w 4` with DPSUPPORT_COUNT_SQL=1 (each answer says how many SQL
   statements it took);
3. signs in as the council's finance officer (who sees all N holders) and asks, one after
   another, REPEAT times each: a trivial page (the sign-in page, signed in), the ranked
   caseload's first page, its 40th page, the "needs action" filter, a holder's money page;
4. reports each page's median and 95th percentile time as a ratio to the trivial page's in
   the same run, its SQL statements and its size, and the workers' memory (RSS) before and
   after (the audit pack and the reviews due list are measured the same way). Aim: every page's p95 within 5 times the trivial page's, statements constant in N.

It also asks for one holder's audit pack (a year, as Excel) and the reviews due list.

    .venv/bin/python bench/bench_caseload.py [--holders 2000] [--repeat 30] [--sqlite]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_load import Browser, _environment, _postgres, _sqlite, gunicorn  # noqa: E402

PASSWORD = "demo-calm-river-42"


def _rss_mb(master_pid: int) -> list[float]:
    """Resident memory of gunicorn's workers (children of the master), in MB."""
    sizes = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        parent = re.search(r"^PPid:\s+(\d+)", status, re.M)
        rss = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        if parent and rss and int(parent.group(1)) == master_pid:
            sizes.append(int(rss.group(1)) / 1024)
    return sorted(sizes)


def _master_pid(port: int) -> int | None:
    out = subprocess.run(["pgrep", "-f", f"gunicorn --bind 127.0.0.1:{port}"],
                         capture_output=True, text=True).stdout.split()
    pids = sorted(int(p) for p in out)
    return pids[0] if pids else None


def measure(browser: Browser, path: str, repeat: int) -> tuple[list[float], int, int]:
    times, statements, size = [], 0, 0
    for n in range(repeat + 2):
        began = time.perf_counter()
        status, headers, page = browser.request("GET", path)
        took = time.perf_counter() - began
        if status != 200:
            raise RuntimeError(f"{path} gave {status}")
        if n >= 2:  # the first two warm the worker's caches
            times.append(took)
        statements = int(headers.get("X-SQL-Statements", "0"))
        size = len(page.encode())
    return sorted(times), statements, size


def _p95(times: list[float]) -> float:
    return times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def run(name: str, database_url: str, workdir: Path, holders: int, repeat: int) -> None:
    env = _environment(database_url, workdir)
    began = time.perf_counter()
    built = subprocess.run([sys.executable, "-m", "dpsupport.cli", "demo", "--holders",
                            str(holders)], env=env, cwd=workdir, capture_output=True, text=True,
                           timeout=3600)
    if built.returncode:
        raise RuntimeError(built.stderr[-2000:])
    print(f"{name}: built {holders} holders in {time.perf_counter() - began:.0f} s: "
          f"{built.stdout.splitlines()[0]}", flush=True)
    os.environ["DPSUPPORT_COUNT_SQL"] = "1"
    try:
        with gunicorn(database_url, workdir) as port:
            browser = Browser(port)
            browser.sign_in("finance.officer@northshire.example", PASSWORD)
            _status, _h, page = browser.request("GET", "/holders")
            holder = re.search(r'href="/holders/(\d+)"', page)
            assert holder, "the caseload lists nobody"
            master = _master_pid(port)
            before = _rss_mb(master) if master else []
            pages = [("trivial page (sign-in, signed in)", "/sign-in"),
                     ("caseload, first page", "/holders"),
                     ("caseload, page 40", "/holders?page=40"),
                     ("caseload, needs action", "/holders?show=needs_action"),
                     ("a holder's money page", f"/holders/{holder.group(1)}"),
                     ("the audit pack (xlsx, a year)",
                      f"/holders/{holder.group(1)}/reviews/audit-pack.xlsx"),
                     ("reviews due (every holder)", "/reviews-due")]
            results = [(label, *measure(browser, path, repeat)) for label, path in pages]
            after = _rss_mb(master) if master else []
    finally:
        os.environ.pop("DPSUPPORT_COUNT_SQL", None)
    base = results[0][1]
    base50, base95 = statistics.median(base), _p95(base)
    print(f"{name}, {holders} holders, {repeat} requests each, one after another:")
    print(f"  {'page':<36} {'median':>9} {'p95':>9} {'x trivial p50':>14} {'x trivial p95':>14}"
          f" {'SQL':>5} {'KB':>7}")
    for label, times, statements, size in results:
        p50, p95 = statistics.median(times), _p95(times)
        print(f"  {label:<36} {p50 * 1000:8.1f}ms {p95 * 1000:8.1f}ms {p50 / base50:14.2f}"
              f" {p95 / base95:14.2f} {statements:5d} {size / 1024:7.1f}")
    if before and after:
        print(f"  worker memory (RSS, MB): before {', '.join(f'{m:.0f}' for m in before)}; "
              f"after {', '.join(f'{m:.0f}' for m in after)}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--holders", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--sqlite", action="store_true", help="SQLite as well as PostgreSQL")
    args = parser.parse_args()
    base = os.environ.get("DPSUPPORT_TEST_POSTGRES_URL")
    databases: list[tuple[str, str | None]] = []
    if base:
        databases.append(("PostgreSQL", base))
    else:
        print("PostgreSQL skipped: DPSUPPORT_TEST_POSTGRES_URL is not set")
    if args.sqlite or not base:
        databases.append(("SQLite", None))
    for name, url in databases:
        with tempfile.TemporaryDirectory(prefix="dpsupport-caseload-") as tmp:
            workdir = Path(tmp)
            with (_postgres(url) if url else _sqlite(workdir)) as database_url:
                run(name, database_url, workdir, args.holders, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
