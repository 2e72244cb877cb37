"""Excel (.xlsx) statements built in memory with openpyxl: the exact transactions read."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from typing import Any

import openpyxl
import pytest

from dpsupport.statements import ColumnMapping, StatementError, read_statement


def xlsx(*sheets: tuple[str, list[list[Any]]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def lines(st: Any) -> list[tuple[Any, ...]]:
    return [(r.posted, r.amount_pence, r.description, r.balance_pence, r.line)
            for r in st.records]


HEAD = ["Date", "Description", "Amount", "Balance"]


def test_real_excel_dates_and_numbers() -> None:
    data = xlsx(("Statement", [HEAD,
                               [datetime(2024, 2, 1), "TESCO STORES", -12.34, 987.66],
                               [datetime(2024, 2, 2), "SALARY", 1500, 2487.66],
                               [datetime(2024, 2, 3, 14, 30), "  CAFE   NERO ", -3.1, 2484.56]]))
    st = read_statement(data, "statement.xlsx")
    assert st.format.startswith("xlsx:") and not st.problems
    assert lines(st) == [(date(2024, 2, 1), -1234, "TESCO STORES", 98766, 2),
                         (date(2024, 2, 2), 150000, "SALARY", 248766, 3),
                         (date(2024, 2, 3), -310, "CAFE NERO", 248456, 4)]


def test_text_dates_and_pound_amounts() -> None:
    data = xlsx(("Sheet1", [HEAD,
                            ["01/02/2024", "RENT", "-£1,234.56", "£8,765.44"],
                            ["13/02/2024", "REFUND", "£12.00", "£8,777.44"],
                            ["'14/02/2024", "'CARD", "-£0.50", ""]]))
    st = read_statement(data, "statement.xlsx")
    assert lines(st) == [(date(2024, 2, 1), -123456, "RENT", 876544, 2),
                         (date(2024, 2, 13), 1200, "REFUND", 877744, 3),
                         (date(2024, 2, 14), -50, "CARD", None, 4)]


def test_split_paid_in_paid_out_columns() -> None:
    data = xlsx(("Sheet1", [["Date", "Description", "Paid out", "Paid in", "Balance"],
                            [datetime(2024, 3, 1), "GAS", 45.5, None, 954.5],
                            [datetime(2024, 3, 2), "WAGES", None, 300, 1254.5],
                            [datetime(2024, 3, 3), "SHOP", "£1,000.00", "", 254.5]]))
    st = read_statement(data, "statement.xlsx")
    assert lines(st) == [(date(2024, 3, 1), -4550, "GAS", 95450, 2),
                         (date(2024, 3, 2), 30000, "WAGES", 125450, 3),
                         (date(2024, 3, 3), -100000, "SHOP", 25450, 4)]


def test_preamble_rows_above_the_headings() -> None:
    data = xlsx(("Sheet1", [["Account Name:", "Current ****1234"],
                            ["Account Balance:", "£254.50"],
                            [],
                            HEAD,
                            [datetime(2024, 3, 1), "GAS", -45.5, 254.5]]))
    st = read_statement(data, "statement.xlsx")
    assert lines(st) == [(date(2024, 3, 1), -4550, "GAS", 25450, 5)]
    assert st.ledger_balance is not None and st.ledger_balance.amount_pence == 25450
    assert st.accounts and st.accounts[0].name == "Current ****1234"


def test_explicit_mapping() -> None:
    data = xlsx(("Sheet1", [["When", "What", "Out", "In"],
                            [datetime(2024, 1, 5), "Rent", 500, None],
                            [datetime(2024, 1, 6), "Pay", None, 20]]))
    assert read_statement(data, "x.xlsx").needs_mapping
    m = ColumnMapping(date="When", debit="Out", credit="In", description=("What",))
    st = read_statement(data, "x.xlsx", mapping=m)
    assert lines(st) == [(date(2024, 1, 5), -50000, "Rent", None, 2),
                         (date(2024, 1, 6), 2000, "Pay", None, 3)]


def test_empty_workbook() -> None:
    with pytest.raises(StatementError, match="no transactions|empty"):
        read_statement(xlsx(("Sheet1", [])), "statement.xlsx")


def test_empty_bytes_and_not_an_xlsx_zip() -> None:
    with pytest.raises(StatementError, match="empty"):
        read_statement(b"", "statement.xlsx")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("statement.csv", "Date,Amount\n01/01/2024,1.00\n")
    with pytest.raises(StatementError, match="zip file"):
        read_statement(buf.getvalue(), "statement.xlsx")


def test_damaged_xlsx() -> None:
    good = xlsx(("Sheet1", [HEAD, [datetime(2024, 3, 1), "GAS", -45.5, 254.5]]))
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(buf, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                body = body[: len(body) // 2]
            dst.writestr(item, body)
    with pytest.raises(StatementError):
        read_statement(buf.getvalue(), "statement.xlsx")


def test_several_sheets_reads_the_statement_sheet() -> None:
    data = xlsx(("Summary", [["Statement for", "Mrs A Example"], ["Printed", "01/04/2024"]]),
                ("Transactions", [HEAD, [datetime(2024, 3, 1), "GAS", -45.5, 254.5]]),
                ("Other", [HEAD, [datetime(2025, 1, 1), "NOT THIS", 1, 1]]))
    st = read_statement(data, "statement.xlsx")
    assert lines(st) == [(date(2024, 3, 1), -4550, "GAS", 25450, 2)]


def test_several_sheets_first_one_is_the_statement() -> None:
    data = xlsx(("Transactions", [HEAD, [datetime(2024, 3, 1), "GAS", -45.5, 254.5]]),
                ("Notes", [["Some notes"]]))
    st = read_statement(data, "statement.xlsx")
    assert lines(st) == [(date(2024, 3, 1), -4550, "GAS", 25450, 2)]


def test_wrong_dimension_in_the_sheet_is_ignored() -> None:
    """Some exporters write <dimension ref="A1"/> whatever the size: read every row."""
    good = xlsx(("Sheet1", [HEAD, [datetime(2024, 3, 1), "GAS", -45.5, 254.5],
                            [datetime(2024, 3, 2), "PAY", 10, 264.5]]))
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(buf, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                body = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', body)
            dst.writestr(item, body)
    st = read_statement(buf.getvalue(), "statement.xlsx")
    assert lines(st) == [(date(2024, 3, 1), -4550, "GAS", 25450, 2),
                         (date(2024, 3, 2), 1000, "PAY", 26450, 3)]


def _with_sheet_rows(good: bytes, rows_xml: bytes) -> bytes:
    """``good`` with the sheet's rows replaced by ``rows_xml`` (raw <row> elements)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(buf, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                body = re.sub(rb"<sheetData>.*</sheetData>|<sheetData ?/>",
                              b"<sheetData>" + rows_xml.replace(b"\\", b"\\\\")
                              + b"</sheetData>", body, flags=re.S)
            dst.writestr(item, body)
    return buf.getvalue()


def _count_cells(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record the number of cells in each row the table code is given."""
    from dpsupport.statements import csv_reader

    sizes: list[int] = []
    real = csv_reader.table_records

    def counting(rows: Any, *args: Any, **kwargs: Any) -> Any:
        def counted() -> Any:
            for row in rows:
                sizes.append(len(row[1]))
                yield row
        return real(counted(), *args, **kwargs)

    monkeypatch.setattr(csv_reader, "table_records", counting)
    return sizes


def test_cells_far_to_the_right_cost_only_what_is_there(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 12.1: rows holding one cell in the last column (XFD) were made 16,384 cells wide
    each, so 100,000 such rows held a worker for minutes. Each row is now at most about as
    wide as the columns actually used, and every row is still reported."""
    rows = b"".join(b'<row r="%d"><c r="XFD%d"><v>1</v></c></row>' % (n, n)
                    for n in range(1, 2001))
    data = _with_sheet_rows(xlsx(("Sheet1", [["x"]])), rows)
    sizes = _count_cells(monkeypatch)
    st = read_statement(data, "wide.xlsx", mapping=ColumnMapping(date=0, amount=1,
                                                                 header_row=0))
    assert st.records == ()
    assert len(st.problems) == 2000
    assert st.problems[0].reason == "Line 1: this line has no date."
    assert st.problems[0].raw == "1"  # not 16,383 commas and a 1
    assert len(sizes) == 2000 and max(sizes) <= 102  # not 16,384


def test_a_value_far_right_of_the_headings_is_reported_not_dropped() -> None:
    head = b"".join(b'<c r="%s1" t="inlineStr"><is><t>%s</t></is></c>' % (col, name)
                    for col, name in ((b"A", b"Date"), (b"B", b"Description"),
                                      (b"C", b"Amount")))
    rows = (b'<row r="1">' + head + b"</row>"
            b'<row r="2"><c r="A2" t="inlineStr"><is><t>01/03/2024</t></is></c>'
            b'<c r="B2" t="inlineStr"><is><t>GAS</t></is></c><c r="C2"><v>-45.5</v></c></row>'
            b'<row r="3"><c r="A3" t="inlineStr"><is><t>02/03/2024</t></is></c>'
            b'<c r="B3" t="inlineStr"><is><t>PAY</t></is></c><c r="C3"><v>10</v></c>'
            b'<c r="XFD3"><v>7</v></c></row>'
            b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>03/03/2024</t></is></c>'
            b'<c r="B1048576" t="inlineStr"><is><t>TEA</t></is></c>'
            b'<c r="C1048576"><v>-1</v></c></row>')
    st = read_statement(_with_sheet_rows(xlsx(("Sheet1", [["x"]])), rows), "s.xlsx")
    assert [(r.posted, r.amount_pence, r.description, r.line) for r in st.records] == [
        (date(2024, 3, 1), -4550, "GAS", 2), (date(2024, 3, 3), -100, "TEA", 1048576)]
    assert [(p.line, p.reason, p.raw) for p in st.problems] == [
        (3, "Line 3: this line has more columns than the heading row, so we could not be "
         "sure which value is which.", "02/03/2024,PAY,10,7")]
