"""Spreadsheet cells never run as formulas; numbers stay numbers (pure: no database)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from dpsupport import exports
from dpsupport.exports import Money, Sheet

DANGEROUS = ['=HYPERLINK("http://evil.example","click")', "+44 7700 900123", "-2+3",
             "@SUM(A1:A2)", "\tTAB", "\rCR", "=1+1"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_looks_like_a_formula_gets_a_quote(text: str) -> None:
    assert exports.safe_text(text) == "'" + text


@pytest.mark.parametrize("text", ["Tesco", "", "A=B", "café £5", "'already"])
def test_other_text_is_left_alone(text: str) -> None:
    assert exports.safe_text(text) == text


def _sheet() -> Sheet:
    sheet = Sheet("Payments", ["Date", "Payee", "Amount (£)", "Count"])
    for n, payee in enumerate(DANGEROUS):
        sheet.add(dt.date(2026, 5, n + 1), payee, Money(-1234 - n), n)
    sheet.add(None, "Plain shop", Money(999999999), None)
    return sheet


def test_the_workbook_has_no_formula_cells_and_keeps_the_text() -> None:
    book = load_workbook(io.BytesIO(exports.workbook([_sheet()])))
    ws = book["Payments"]
    rows = list(ws.iter_rows())
    assert [c.value for c in rows[0]] == ["Date", "Payee", "Amount (£)", "Count"]
    for cell in ws.iter_rows():
        for c in cell:
            assert c.data_type != "f", (c.coordinate, c.value)
    for n, payee in enumerate(DANGEROUS):
        date_cell, payee_cell, amount_cell, count_cell = rows[n + 1]
        assert payee_cell.value == "'" + payee and payee_cell.data_type == "s"
        assert date_cell.value.date() == dt.date(2026, 5, n + 1)
        # money: a number (never text), exact to the penny, with a money format
        assert amount_cell.data_type == "n"
        assert Decimal(str(amount_cell.value)) == Decimal(-1234 - n) / 100
        assert amount_cell.number_format == exports.MONEY_FORMAT
        assert count_cell.value == n
    last = rows[-1]
    assert last[1].value == "Plain shop" and last[0].value is None
    assert Decimal(str(last[2].value)) == Decimal("9999999.99")


def test_the_csv_has_the_same_protection() -> None:
    text = exports.csv_text([_sheet()])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Date", "Payee", "Amount (£)", "Count"]
    assert rows[1] == ["2026-05-01", "'" + DANGEROUS[0], "-12.34", "0"]
    for row in rows[1:]:
        assert not row[1].startswith(exports.FORMULA_STARTS), row[1]
        # a negative amount is a number, left as it is: pounds with two places
        assert Decimal(row[2]) == Decimal(row[2]).quantize(Decimal("0.01"))
    assert rows[-1] == ["", "Plain shop", "9999999.99", ""]


def test_several_sheets_in_one_csv_each_under_its_title() -> None:
    a, b = Sheet("First", ["X"]), Sheet("-Second", ["Y"])
    a.add("1")
    b.add("=2")
    rows = list(csv.reader(io.StringIO(exports.csv_text([a, b]))))
    assert rows == [["First"], ["X"], ["1"], [], ["'-Second"], ["Y"], ["'=2"], []]


def test_pounds_are_exact() -> None:
    assert exports.pounds(1) == Decimal("0.01")
    assert exports.pounds(-123456) == Decimal("-1234.56")
    assert exports.pounds(None) is None
