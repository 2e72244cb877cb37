"""Cells written to a spreadsheet or CSV file so that no spreadsheet ever runs them.

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return can be read
by Excel, LibreOffice or Google Sheets as a formula ("CSV injection"). Every export uses the
two functions here, so the rule is written once:

- ``csv_cell``: text that starts with one of those characters gets a single quote (') in
  front, which spreadsheets read as "this is text" and do not show.
- ``xlsx_cell``: the value is stored as a string cell (never a formula), whatever it starts
  with. Numbers, dates and times are written as themselves.

Pure: no Flask, no database.
"""

from __future__ import annotations

from typing import Any

RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(text: str) -> bool:
    """True when ``text`` would be read as a formula by some spreadsheet."""
    return text.startswith(RISKY_STARTS)


def csv_cell(value: object) -> str:
    """A value as one CSV field's text, with a leading ' when it is text a spreadsheet would
    run. Numbers (int) are written as they are: -5 is a number, not a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return "'" + text if is_risky(text) else text


def xlsx_cell(cell: Any, value: object) -> None:
    """Put ``value`` in an openpyxl cell; text is always a string cell, never a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
