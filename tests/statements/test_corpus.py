"""Every copied corpus file is read (or rejected with a plain reason) as recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dpsupport.statements import StatementError, read_statement

from .helpers import DATA, SHARED, expected

EXPECTED = expected()
GOLDEN = sorted(DATA.rglob("*.expected.json"))


def _outcome(path: Path) -> dict[str, object]:
    try:
        st = read_statement(path.read_bytes(), path.name)
    except StatementError as exc:
        assert exc.message and exc.message[0].isupper()
        return {"error": exc.message}
    out: dict[str, object] = {"format": st.format, "count": len(st.records),
                              "problems": len(st.problems)}
    if st.needs_mapping:
        out["needs_mapping"] = True
        assert st.preview is not None and st.preview.columns
    for p in st.problems:
        assert p.reason.startswith(f"Line {p.line}:")
    return out


def test_every_copied_file_is_listed() -> None:
    on_disk = {str(p.relative_to(DATA)) for p in DATA.rglob("*") if p.is_file()
               and not p.name.endswith(".expected.json")
               and p.name not in ("EXPECTED.json", "EXPECTED_SHARED_ONLY.json", "NOTICE.md")}
    assert on_disk == set(EXPECTED)
    notice = (DATA / "NOTICE.md").read_text()
    for name in on_disk:
        assert f"`{name}`" in notice


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name: str) -> None:
    assert _outcome(DATA / name) == EXPECTED[name]


def test_corpus_covers_formats_and_banks() -> None:
    formats = {v.get("format") for v in EXPECTED.values()}
    for f in ("ofx", "qfx", "qif", "santander-txt", "csv:nationwide", "csv:nationwide_midata",
              "csv:lloyds", "csv:natwest", "csv:barclays", "csv:barclaycard", "csv:hsbc",
              "csv:first_direct", "csv:starling", "csv:monzo", "csv:monzo_legacy",
              "csv:tesco_bank", "csv:john_lewis", "csv:generic"):
        assert f in formats, f
    assert sum(1 for v in EXPECTED.values() if "error" in v) >= 10


@pytest.mark.parametrize("golden", GOLDEN, ids=lambda p: str(p.relative_to(DATA)))
def test_golden_records(golden: Path) -> None:
    source = Path(str(golden)[: -len(".expected.json")])
    st = read_statement(source.read_bytes(), source.name)
    got = [{"posted": r.posted.isoformat(), "amount_pence": r.amount_pence,
            "description": r.description, "payee": r.payee, "reference": r.reference,
            "bank_id": r.bank_id, "balance_pence": r.balance_pence, "line": r.line,
            "kind": r.kind} for r in st.records]
    assert got == json.loads(golden.read_text())


SHARED_EXPECTED = expected("EXPECTED_SHARED_ONLY.json")


@pytest.mark.skipif(not SHARED.exists(), reason="shared corpus (GPL/CC-BY-SA files) not here")
@pytest.mark.parametrize("name", sorted(SHARED_EXPECTED))
def test_shared_only_file(name: str) -> None:
    assert _outcome(SHARED / name) == SHARED_EXPECTED[name]
