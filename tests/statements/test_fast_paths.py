"""The speed-ups give the same answers as the general code they short-cut."""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dpsupport.statements import RecordKey, StatementError, csv_reader, read_statement, record_keys
from dpsupport.statements import ofx as ofx_module
from dpsupport.statements import table as table_module
from dpsupport.statements.amounts import AmountError, parse_pence, pence_reader, plain_pence
from dpsupport.statements.csv_reader import text_lines
from dpsupport.statements.dedupe import KeyStream

from .helpers import DATA, expected

CSV_FILES = sorted(DATA / n for n, v in expected().items()
                   if str(v.get("format", "")).startswith("csv:") or n.endswith(".xlsx"))
KEYED = sorted(DATA / n for n, v in expected().items() if v.get("count"))
OFX_FILES = sorted(p for p in DATA.rglob("*") if p.suffix.lower() in (".ofx", ".qfx"))


def _everything(path: Path) -> object:
    try:
        s = read_statement(path.read_bytes(), path.name)
    except StatementError as exc:
        return exc.message
    return ([(r.posted, r.amount_pence, r.description, r.payee, r.reference, r.bank_id,
              r.balance_pence, r.line, r.raw, r.kind) for r in s.records], s.problems,
            s.notices, s.accounts, s.opening_balance, s.closing_balance, s.ledger_balance)


@pytest.mark.parametrize("path", CSV_FILES, ids=lambda p: str(p.relative_to(DATA)))
def test_table_fast_path_matches_the_general_rules(path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _everything(path)
    monkeypatch.setattr(csv_reader, "table_records",
                        functools.partial(table_module.table_records, fast=False))
    assert _everything(path) == fast


@pytest.mark.parametrize("path", OFX_FILES, ids=lambda p: str(p.relative_to(DATA)))
def test_ofx_plain_blocks_read_as_the_general_way_reads_them(
        path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _everything(path)
    monkeypatch.setattr(ofx_module, "_PLAIN_TRN", re.compile(r"(?!)"))  # never matches
    assert _everything(path) == fast


def _ofx(blocks: list[str]) -> bytes:
    return ("OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS>"
            "<CURDEF>GBP<BANKACCTFROM><BANKID>309629<ACCTID>20681668</BANKACCTFROM>\n"
            "<BANKTRANLIST>\n" + "\n".join(blocks) +
            "\n</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n").encode()


PLAIN = "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>2024010{d}<TRNAMT>-1.0{d}<FITID>F{d}<NAME>SHOP {d}" \
        "<MEMO>CARD</STMTTRN>"
# Blocks the fast path must give back to the general way, each for its own reason.
NOT_PLAIN = [
    "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>2024010{d}<TRNAMT>-1.0{d}<FITID>F{d}"
    "<PAYEE><NAME>PAYEE {d}</PAYEE><NAME>SHOP</STMTTRN>",  # a nested aggregate
    "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>2024010{d}<TRNAMT>-1.0{d}<FITID>F{d}<NAME>"
    "<NAME>FIRST {d}<NAME>SECOND</STMTTRN>",  # a repeated tag: the first non-empty value
    "<stmttrn><trntype>DEBIT<dtposted>2024010{d}<trnamt>-1.0{d}<fitid>F{d}<name>low {d}"
    "</stmttrn>",  # lower case
    "<STMTTRN><!-- note --><TRNTYPE>DEBIT<DTPOSTED>2024010{d}<TRNAMT>-1.0{d}<FITID>F{d}"
    "<NAME>COMMENT {d}</STMTTRN>",  # a comment
    "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>2024010{d}<TRNAMT>-1.0{d}<FITID>F{d}"
    "<NAME>OPEN {d}",  # no </STMTTRN>: ended by the next transaction
    "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>2024010{d}<TRNAMT>-1.0{d}<FITID>F{d}"
    "<NAME>A &amp; B {d}</NAME> stray text <MEMO> spaced  out </MEMO></STMTTRN>",
    "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>bad<TRNAMT>-1.0{d}<FITID>F{d}</STMTTRN>",  # a problem
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(range(len(NOT_PLAIN) + 1)), max_size=12))
def test_ofx_plain_and_other_blocks_mixed(kinds: list[int]) -> None:
    blocks = [(PLAIN if k == len(NOT_PLAIN) else NOT_PLAIN[k]).format(d=i % 9 + 1)
              for i, k in enumerate(kinds)]
    data = _ofx(blocks)

    def read() -> object:
        s = read_statement(data, "x.ofx")
        return [(r.posted, r.amount_pence, r.description, r.payee, r.bank_id, r.line, r.raw,
                 r.kind) for r in s.records], s.problems, s.notices

    fast = read()
    original = ofx_module._PLAIN_TRN
    ofx_module._PLAIN_TRN = re.compile(r"(?!)")
    try:
        assert read() == fast
    finally:
        ofx_module._PLAIN_TRN = original


def test_ofx_line_numbers_count_every_line() -> None:
    # Each transaction on its own line, and one spread over three lines: the numbers are
    # the lines the transactions start on (they used to fall behind after each </STMTTRN>).
    blocks = [PLAIN.format(d=d) for d in range(1, 4)]
    blocks.insert(2, "<STMTTRN>\n<TRNTYPE>DEBIT<DTPOSTED>20240109<TRNAMT>-9.00\n"
                     "<NAME>SPREAD</STMTTRN>")
    records = read_statement(_ofx(blocks), "x.ofx").records
    assert [r.line for r in records] == [6, 7, 8, 11]  # lines 1-5 are the heading
    assert [r.description for r in records][2] == "SPREAD"


MONEY = st.text(alphabet="0123456789,.-£+ '", max_size=16) | st.builds(
    lambda sign, pound, whole, cents: f"{sign}{pound}{whole}.{cents:02d}",
    st.sampled_from(["", "-"]), st.sampled_from(["", "£"]),
    st.sampled_from(["0", "12", "1,234", "999,999,999", "1234567890123", ""]) | st.integers(
        0, 10**13).map(str), st.integers(0, 99))


@settings(max_examples=2000, deadline=None)
@given(MONEY)
def test_plain_pence_agrees_with_parse_pence(text: str) -> None:
    fast = plain_pence(text)
    assert pence_reader()(text) == fast
    if fast is not None:
        assert parse_pence(text) == fast
        assert parse_pence(text, comma_decimal=True) == fast


def test_pence_reader_remembers_without_changing_answers() -> None:
    read = pence_reader(limit=10)
    for pence in range(-300_000, 300_000, 997):
        for text in (f"{pence / 100:.2f}", f"£{pence / 100:,.2f}",
                     f"-£{abs(pence) / 100:,.2f}"):
            got = read(text)
            assert got == plain_pence(text)
            if got is not None:
                assert got == parse_pence(text)
    with pytest.raises(AmountError):
        parse_pence("£10,000,000,000,000.00")
    assert read("£10,000,000,000,000.00") is None


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab,\"\r\n\x0b\x85\u2028 ", max_size=300))
def test_text_lines_match_stringio(text: str) -> None:
    assert list(text_lines(text)) == list(io.StringIO(text, newline=""))


def test_text_lines_across_chunks() -> None:
    text = "".join(("a,b\n", "c\r\n", "d\r", "\n", "e" * 50)[i % 5] for i in range(40_000))
    assert list(text_lines(text)) == list(io.StringIO(text, newline=""))


@pytest.mark.parametrize("path", KEYED[:60], ids=lambda p: str(p.relative_to(DATA)))
def test_key_stream_gives_record_keys(path: Path) -> None:
    recs = read_statement(path.read_bytes(), path.name).records
    scope: str | list[str] = "acct"
    if any(r.account_index for r in recs):
        scope = [f"acct-{i}" for i in range(max(r.account_index for r in recs) + 1)]
    keys = record_keys(iter(recs), scope)
    ks = KeyStream(scope)
    streamed = [ks.add(r) for r in recs]
    assert [(k.fingerprint, k.occurrence) for k in keys] == streamed
    assert [k.fitid_key for k in keys] == [ks.fitid_key(r) for r in recs]
    assert [k.key for k in keys] == [k.fitid_key or k.fingerprint for k in keys]


def _reference_keys(records: list, scope: str | list[str]) -> list[tuple]:  # type: ignore[type-arg]
    """record_keys written plainly from its definition (two passes, a Counter of tuples)."""
    import hashlib
    from collections import Counter

    from dpsupport.statements import normalise_description

    ids: dict[int, list[str | None]] = {}
    for r in records:
        ids.setdefault(r.account_index, []).append(r.bank_id)
    good = {a for a, v in ids.items() if all(v) and len(set(v)) == len(v)}
    seen: Counter[tuple] = Counter()  # type: ignore[type-arg]
    out = []
    for r in records:
        sc = scope if isinstance(scope, str) else scope[r.account_index]
        norm = normalise_description(r.description)
        triple = (r.account_index, r.posted, r.amount_pence, norm)
        seen[triple] += 1
        tag = hashlib.sha256(f"{sc}\x1f{norm}".encode()).hexdigest()[:16]
        fp = f"fp:{r.posted.isoformat()}:{r.amount_pence}:{tag}:{seen[triple]}"
        fid = f"id:{sc}\x1f{r.bank_id}" if r.account_index in good and r.bank_id else None
        if fid and len(fid) > 128:  # too long for the column: hashed, exactly
            fid = "id#" + hashlib.sha256(fid.encode()).hexdigest()
        out.append((fid or fp, fp, fid, seen[triple]))
    return out


@pytest.mark.parametrize("path", KEYED, ids=lambda p: str(p.relative_to(DATA)))
def test_record_keys_match_the_reference(path: Path) -> None:
    recs = list(read_statement(path.read_bytes(), path.name).records)
    scopes: str | list[str] = "acct"
    if any(r.account_index for r in recs):
        scopes = [f"acct-{i % 2}" for i in range(max(r.account_index for r in recs) + 1)]
    got = [(k.key, k.fingerprint, k.fitid_key, k.occurrence) for k in record_keys(recs, scopes)]
    assert got == _reference_keys(recs, scopes)


def test_record_keys_beyond_the_descriptions_remembered() -> None:
    # More distinct descriptions than the tag cache keeps: the answers must not change
    # when it is cleared part-way through.
    from datetime import date

    from dpsupport.statements import Transaction, dedupe

    recs = [Transaction(date(2024, 1, 1 + i % 28), -(i % 50), f"PAYEE {i % 12_000}")
            for i in range(3 * dedupe._TAGS_KEPT)]
    recs += recs[:100]  # the same payments again: numbered 2
    expected_keys = _reference_keys(recs, "acct")
    got = [(k.key, k.fingerprint, k.fitid_key, k.occurrence) for k in record_keys(recs, "acct")]
    assert got == expected_keys
    ks = KeyStream("acct")
    assert [ks.add(r) for r in recs] == [(k[1], k[3]) for k in expected_keys]
    assert max(k[3] for k in expected_keys) > 1  # repeats were numbered


def test_long_bank_ids_are_hashed_the_same_way_everywhere() -> None:
    from datetime import date

    from dpsupport.statements import Transaction

    recs = [Transaction(date(2024, 1, 2), -100, "SHOP", bank_id=f"{n}" + "9" * 200)
            for n in range(3)]
    keys = record_keys(recs, "acct")
    assert keys == [RecordKey(*k) for k in _reference_keys(recs, "acct")]
    assert all(k.key.startswith("id#") and len(k.key) == 67 for k in keys)
    assert len({k.key for k in keys}) == 3
    ks = KeyStream("acct")
    ks.add_many(recs)
    assert [ks.fitid_key(r) for r in recs] == [k.key for k in keys]
