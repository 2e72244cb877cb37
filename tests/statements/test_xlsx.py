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
