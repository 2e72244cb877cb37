"""Fuzzing every statement reader with a time and memory limit per file (issue 12).

Files are made from the real samples in tests/data/bank_samples (and a small Excel file)
by mutations aimed at what went wrong before: bytes flipped, lines cut, deleted or
repeated many times, a line made enormous, cells moved far to the right, amounts of
thousands of digits, impossible dates. Every reader must either read the file or raise
its own plain-English StatementError: never another exception, never more than
MEMORY_CAP of memory for a file of a few kilobytes, never more than TIME_CAP.

The time limit is loose on purpose (the test machine may be busy); the memory limit is
the real guard, because work that grows with rows x width also grows memory.
"""

from __future__ import annotations

import io
import re
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dpsupport.statements import StatementError, read_statement

from .helpers import DATA, expected

MEMORY_CAP = 64 * 2**20  # bytes traced while reading one (small) file
TIME_CAP = 10.0  # seconds for one file, generous: the machine may be busy

READABLE = sorted(n for n, v in expected().items() if v.get("count"))
SAMPLES = [DATA / n for n in READABLE if (DATA / n).stat().st_size < 64_000]


def _xlsx_sample() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Date", "Description", "Paid out", "Paid in", "Balance"])
    for day in range(1, 29):
        ws.append([f"{day:02d}/02/2024", f"SHOP {day}", f"{day}.50", None, 1000 - day])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


XLSX = _xlsx_sample()
KINDS = [p.suffix.lower() for p in SAMPLES]
assert {".csv", ".ofx", ".qif"} <= set(KINDS), "the samples should cover the text readers"

# Text put into a file by the mutations: what broke the readers before, and its cousins.
NASTY = [b"9" * 5000, b"-" + b"1" * 5000 + b".00", b"1e309", b"-1e309", b"NaN", b"inf",
         b"99999999", b"00000000", b"29/02/2023", b"1000000000000.00", b"10000000.01",
         b"\xff\xfe", b"\x00", b"&#99999999;", b"&#x110000;", b"<STMTTRN>", b"</STMTTRN>",
         b"<OFX>", b"!Type:Bank", b"^", b'"', b",,,,,,,,,,,,,,,,,,,,", b"x," * 12_000,
         b"\r", b"\x0b", b"\xe2\x80\xa8", b"'", b"(", b"\xc2\xa3"]


def check(data: bytes, name: str) -> None:
    """Read ``data`` as ``name`` within the limits: records, or a StatementError."""
    tracemalloc.start()
    start = time.process_time()
    try:
        st = read_statement(data, name, max_rows=5000)
        for r in st.records:
            assert isinstance(r.amount_pence, int)
            assert abs(r.amount_pence) <= 10_000_000_00
        for p in st.problems:
            assert p.reason.startswith("Line ") and len(p.reason) < 400
    except StatementError as exc:
        assert isinstance(exc.message, str) and 0 < len(exc.message) < 400
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < MEMORY_CAP, f"{name}: {peak / 2**20:.0f} MB"
    assert time.process_time() - start < TIME_CAP


def mutate(data: bytes, how: str, where: int, nasty: bytes, times: int) -> bytes:
    lines = data.split(b"\n")
    i = where % len(lines)
    if how == "flip" and data:
        pos = where % len(data)
        return data[:pos] + nasty[:1] + data[pos + 1:]
    if how == "truncate":
        return data[: where % (len(data) + 1)]
    if how == "delete":
        del lines[i]
    elif how == "repeat":  # the same line many times
        lines[i:i + 1] = [lines[i]] * times
    elif how == "insert":  # something nasty inside a line
        cut = where % (len(lines[i]) + 1)
        lines[i] = lines[i][:cut] + nasty + lines[i][cut:]
    elif how == "replace-field":  # a field (CSV cell, OFX/QIF value) replaced
        parts = re.split(rb"([,;\t>]|^[A-Z])", lines[i], maxsplit=0)
        if len(parts) > 2:
            j = (where % (len(parts) // 2)) * 2 + 2 if len(parts) > 2 else 0
            parts[min(j, len(parts) - 1)] = nasty
        lines[i] = b"".join(parts)
    elif how == "widen":  # the line made enormous
        lines[i] = lines[i] * times
    return b"\n".join(lines)


FUZZ = settings(deadline=None, max_examples=120, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FUZZ_EXCEL = settings(FUZZ, max_examples=60)  # openpyxl opens each file: slower


@FUZZ
@given(st.sampled_from(SAMPLES), st.sampled_from(["flip", "truncate", "delete", "repeat",
                                                  "insert", "replace-field", "widen"]),
       st.integers(0, 100_000), st.sampled_from(NASTY), st.sampled_from([2, 50, 3000]))
def test_text_readers_survive_mutated_samples(path: Path, how: str, where: int, nasty: bytes,
                                              times: int) -> None:
    check(mutate(path.read_bytes(), how, where, nasty, times), path.name)


def _xlsx_with(sheet_edit: bytes, where: int, how: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(XLSX)) as src, zipfile.ZipFile(buf, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                rows = list(re.finditer(rb"<row [^>]*>", body))
                at = rows[where % len(rows)].end()
                if how == "cell":
                    body = body[:at] + sheet_edit + body[at:]
                else:  # a whole row of its own after the last one
                    end = body.rindex(b"</sheetData>")
                    body = body[:end] + sheet_edit + body[end:]
            dst.writestr(item, body)
    return buf.getvalue()


@FUZZ_EXCEL
@given(st.integers(0, 1000), st.sampled_from(["A", "E", "Z", "AAA", "XFD"]),
       st.sampled_from(NASTY + [b"", b"1", b"-12.50"]), st.sampled_from(["cell", "row"]),
       st.integers(1, 1_048_576))
def test_excel_reader_survives_odd_cells(where: int, column: str, value: bytes, how: str,
                                         row: int) -> None:
    text = value.decode("latin-1").replace("&", "&amp;").replace("<", "&lt;")
    cell = (f'<c r="{column}{row}" t="inlineStr"><is><t>{text}</t></is></c>').encode()
    edit = cell if how == "cell" else b'<row r="%d">%s</row>' % (row, cell)
    check(_xlsx_with(edit, where, how), "statement.xlsx")


@FUZZ_EXCEL
@given(st.integers(0, len(XLSX) - 1), st.integers(0, 255))
def test_excel_reader_survives_damaged_zip_bytes(where: int, byte: int) -> None:
    data = bytearray(XLSX)
    data[where] = byte
    check(bytes(data), "statement.xlsx")


def test_many_rows_of_cells_far_right_stay_small() -> None:
    """The shape of issue 12.1 at a size the memory cap would catch if rows were padded."""
    rows = b"".join(b'<row r="%d"><c r="XFD%d"><v>1</v></c></row>' % (n, n)
                    for n in range(2, 2002))
    check(_xlsx_with(rows, 0, "row"), "statement.xlsx")


@pytest.mark.parametrize("name", ["s.csv", "s.qif", "s.ofx", "s.txt", "s.xlsx", None])
def test_enormous_single_line_in_every_reader(name: str | None) -> None:
    """Issue 12.2's shape, sent to each reader (by name) at a tenth of its size."""
    check(b"x," * 500_000, name or "statement")
