"""Whole statement imports (read, de-duplicate, write) into a fresh database.

100,000-line CSV and 100,000-transaction OFX, each imported in its own child process into a
freshly migrated SQLite database (and PostgreSQL too when DPSUPPORT_TEST_POSTGRES_URL is
set). In the same run: Python's csv module merely reading the CSV, and ofxtools parsing the
OFX. Reports seconds, peak memory (the child's maximum resident size, which includes Python,
SQLAlchemy and the file itself) and the ratios the issue asks for:

* CSV import time / bare csv read time   (aim: at most 10)
* ofxtools time / our OFX import time     (aim: at least 10)
* peak memory of either import            (aim: under 200 MB)
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_csv_read(path: str) -> dict[str, float]:
    import csv

    start = time.perf_counter()
    with open(path, newline="", encoding="utf-8") as fh:
        n = sum(1 for _ in csv.reader(fh))
    return {"seconds": time.perf_counter() - start, "rows": n, "peak_mb": _rss_mb()}


def child_ofxtools(path: str) -> dict[str, float]:
    from ofxtools.Parser import OFXTree

    start = time.perf_counter()
    tree = OFXTree()
    tree.parse(path)
    ofx = tree.convert()
    n = len(ofx.statements[0].transactions)
    return {"seconds": time.perf_counter() - start, "rows": n, "peak_mb": _rss_mb()}


def child_import(path: str, url: str) -> dict[str, float]:
    from dpsupport.db import make_engine, make_sessionmaker, unit_of_work
    from dpsupport.migrate import upgrade
    from dpsupport.models import Account, Holder, Organisation
    from dpsupport.services import audit, imports

    audit.install()
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
        account = Account(holder_id=holder.id, name="Bench account")
        session.add(account)
        session.flush()
        account_id = account.id
    data = Path(path).read_bytes()
    before_mb = _rss_mb()

    def timed_import() -> tuple[imports.ImportSummary, float]:
        start = time.perf_counter()
        with unit_of_work(factory) as session:
            acct = session.get(Account, account_id)
            assert acct is not None
            result = imports.import_statement(session, acct, data, Path(path).name,
                                              limits=imports.Limits(max_rows=200_000))
        return result, time.perf_counter() - start

    summary, seconds = timed_import()
    again, again_seconds = timed_import()
    engine.dispose()
    assert again.new_count == 0 and again.duplicate_count == summary.read_count
    return {"seconds": seconds, "rows": summary.new_count, "peak_mb": _rss_mb(),
            "before_mb": before_mb, "reimport_seconds": again_seconds}


def _child(kind: str, *args: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", kind, *args], check=True,
                         capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _pg_database(base: str) -> tuple[str, object]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"dpsupport_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(base).set(database=name).render_as_string(hide_password=False), drop


def main() -> int:
    from bench_import_parse import make_csv, make_ofx

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        csv_path, ofx_path = tmpdir / "statement.csv", tmpdir / "statement.ofx"
        make_csv(csv_path)
        make_ofx(ofx_path)
        print(f"CSV: {csv_path.stat().st_size / 1e6:.1f} MB, "
              f"OFX: {ofx_path.stat().st_size / 1e6:.1f} MB", flush=True)
        read = _child("csv_read", str(csv_path))
        csv_imp = _child("import", str(csv_path), f"sqlite:///{tmpdir / 'csv.sqlite3'}")
        ofx_imp = _child("import", str(ofx_path), f"sqlite:///{tmpdir / 'ofx.sqlite3'}")
        print(f"bare csv.reader read:      {read['seconds']:.3f} s ({read['rows']:,} rows)")
        print(f"CSV import (SQLite):       {csv_imp['seconds']:.3f} s, "
              f"{csv_imp['rows']:,} new, peak {csv_imp['peak_mb']:.0f} MB "
              f"(before the import {csv_imp['before_mb']:.0f} MB); "
              f"re-import adds 0 in {csv_imp['reimport_seconds']:.3f} s")
        print(f"OFX import (SQLite):       {ofx_imp['seconds']:.3f} s, "
              f"{ofx_imp['rows']:,} new, peak {ofx_imp['peak_mb']:.0f} MB; "
              f"re-import adds 0 in {ofx_imp['reimport_seconds']:.3f} s")
        pg = os.environ.get("DPSUPPORT_TEST_POSTGRES_URL")
        if pg:
            for label, path in (("CSV", csv_path), ("OFX", ofx_path)):
                url, drop = _pg_database(pg)
                try:
                    res = _child("import", str(path), url)
                finally:
                    drop()  # type: ignore[operator]
                print(f"{label} import (PostgreSQL):   {res['seconds']:.3f} s, "
                      f"{res['rows']:,} new, peak {res['peak_mb']:.0f} MB")
        else:
            print("PostgreSQL: skipped (set DPSUPPORT_TEST_POSTGRES_URL to include it)")
        tools = _child("ofxtools", str(ofx_path))
        print(f"ofxtools parse only:       {tools['seconds']:.3f} s, "
              f"peak {tools['peak_mb']:.0f} MB")
        csv_ratio = csv_imp["seconds"] / read["seconds"]
        ofx_ratio = tools["seconds"] / ofx_imp["seconds"]
        print(f"\nRATIO CSV import / bare csv read: {csv_ratio:.1f}x (aim <= 10)")
        print(f"RATIO ofxtools / our OFX import:  {ofx_ratio:.1f}x (aim >= 10)")
        print(f"PEAK memory: CSV {csv_imp['peak_mb']:.0f} MB, OFX {ofx_imp['peak_mb']:.0f} MB "
              "(aim < 200)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        kind, args = sys.argv[2], sys.argv[3:]
        result = {"csv_read": child_csv_read, "ofxtools": child_ofxtools,
                  "import": child_import}[kind](*args)  # type: ignore[operator]
        print(json.dumps(result))
        sys.exit(0)
    sys.exit(main())
