"""Our OFX reader against ofxparse and ofxtools (test-only dependencies).

Compared as multisets of (date, amount in pence) per file, for every corpus OFX/QFX file the
library can read. Principled differences, applied to the library side before comparing:
* dates: both libraries return the posting time in UTC. We convert a DTPOSTED that carries a
  time zone to Europe/London before taking the date; a DTPOSTED with no zone is taken as
  written. So the library datetime is converted to London time when the raw value had a
  zone, and its UTC date is used otherwise (which equals the date as written).
* ofxparse (fail_fast=False) moves a transaction without FITID to discarded_entries; we keep
  it, so such rows are removed from our side before comparing with ofxparse.
* investment statements are rejected by us (not a bank statement); skipped here.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from dpsupport.statements import StatementError, read_statement
from dpsupport.statements.dates import LONDON

from .helpers import SHARED, ofx_files

pytestmark = pytest.mark.filterwarnings("ignore")

FILES = ofx_files() + (sorted(p for p in SHARED.rglob("*") if p.suffix.lower() in
                              (".ofx", ".qfx") and ("ofxtools" in str(p) or "beangulp" in str(p)))
                       if SHARED.exists() else [])


def _pence(d: Decimal) -> int:
    return int((Decimal(d) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _lib_date(dt: datetime, raw_has_zone: bool):  # type: ignore[no-untyped-def]
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(LONDON).date() if raw_has_zone else dt.astimezone(UTC).date()


def _ours(path: Path):  # type: ignore[no-untyped-def]
    try:
        st = read_statement(path.read_bytes(), path.name)
    except StatementError:
        return None
    return st


def _zone_map(path: Path) -> bool:
    text = path.read_bytes().decode("latin-1")
    return bool(re.search(r"<DTPOSTED>\s*\d{8,14}(\.\d+)?\s*\[", text, re.I))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_against_ofxparse(path: Path) -> None:
    ofxparse = pytest.importorskip("ofxparse")
    try:
        ofx = ofxparse.OfxParser.parse(io.BytesIO(path.read_bytes()), fail_fast=False)
        accounts = [a for a in ofx.accounts if a.statement is not None
                    and hasattr(a.statement, "transactions")
                    and type(a.statement).__name__ == "Statement"]
        lib = [(t.date, t.amount) for a in accounts for t in a.statement.transactions]
    except Exception:
        pytest.skip("ofxparse cannot read this file")
    st = _ours(path)
    if st is None:
        assert not lib, "we rejected a file in which ofxparse found transactions"
        return
    zoned = _zone_map(path)
    theirs = Counter((_lib_date(d, zoned), _pence(a)) for d, a in lib)
    ours = Counter((r.posted, r.amount_pence) for r in st.records if r.bank_id)
    assert ours == theirs


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_against_ofxtools(path: Path) -> None:
    parser = pytest.importorskip("ofxtools.Parser")
    try:
        tree = parser.OFXTree()
        tree.parse(io.BytesIO(path.read_bytes()))
        ofx = tree.convert()
        lib = [(t.dtposted, t.trnamt) for s in ofx.statements
               if type(s).__name__ in ("STMTRS", "CCSTMTRS") for t in s.transactions]
    except Exception:
        pytest.skip("ofxtools cannot read this file")
    st = _ours(path)
    if st is None:
        assert not lib
        return
    zoned = _zone_map(path)
    theirs = Counter((_lib_date(d, zoned), _pence(a)) for d, a in lib)
    assert Counter((r.posted, r.amount_pence) for r in st.records) == theirs
