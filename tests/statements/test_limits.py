"""Files that are not statements are refused early and cheaply, naming the line (issue 12.2),
and amounts beyond the one money limit are problems naming the line (issue 12.3)."""

from __future__ import annotations

import pytest

from dpsupport.statements import StatementError, read_statement
from dpsupport.statements.textio import MAX_COLUMNS, MAX_LINE_CHARS

GOOD = "Date,Description,Amount\n01/02/2024,TESCO,-12.34\n02/02/2024,PAY,100.00\n"


def refused(data: bytes, name: str) -> StatementError:
    with pytest.raises(StatementError) as info:
        read_statement(data, name)
    return info.value


def test_a_csv_on_one_enormous_line_is_refused_naming_the_line() -> None:
    """Issue 12.2: 'x,' repeated millions of times took 22 s and 589 MB before. The csv
    module is never asked to build the row: the line's length is checked first."""
    err = refused(b"x," * 15_000, "statement.csv")
    assert err.line == 1
    assert err.message.startswith("Line 1 of this file is 30,000 characters long, far longer "
                                  f"than a line of a bank statement (at most {MAX_LINE_CHARS:,})")


def test_a_long_line_further_down_is_named() -> None:
    data = (GOOD + "03/02/2024,CAFE," + "9" * MAX_LINE_CHARS + "\n04/02/2024,X,1.00\n").encode()
    with pytest.raises(StatementError) as info:
        tuple(read_statement(data, "statement.csv").records)
    assert info.value.line == 4 and info.value.message.startswith("Line 4 of this file is ")


def test_a_line_of_the_longest_allowed_length_is_read() -> None:
    desc = "A" * (MAX_LINE_CHARS - len("03/02/2024,,-1.00"))
    data = (GOOD + f"03/02/2024,{desc},-1.00\n").encode()
    st = read_statement(data, "statement.csv")
    assert [r.amount_pence for r in st.records] == [-1234, 10000, -100]


def test_a_line_with_too_many_columns_is_refused_naming_the_line() -> None:
    data = (GOOD + "03/02/2024,X,1.00" + "," * MAX_COLUMNS + "\n").encode()
    with pytest.raises(StatementError) as info:
        tuple(read_statement(data, "statement.csv").records)
    assert info.value.line == 4
    assert info.value.message.startswith(f"Line 4 of this file has {MAX_COLUMNS + 3:,} columns")


def test_the_long_line_check_also_holds_with_unusual_line_breaks() -> None:
    """A form feed sends the text down the StringIO path: the same check applies there."""
    err = refused(b"Date,Amount\f\n" + b"x," * 15_000, "statement.csv")
    assert err.line == 2


@pytest.mark.parametrize("name,data", [
    ("statement.qif", b"!Type:Bank\nD01/02/2024\nT-1.00\nP" + b"A" * 30_000 + b"\n^\n"),
    ("statement.txt", b"From: 01/02/2024 to 28/02/2024\n\nAccount: XXXX\n\n"
                      b"Date: 01/02/2024\nDescription: " + b"A" * 30_000 + b"\n"),
])
def test_other_line_based_readers_refuse_an_enormous_line(name: str, data: bytes) -> None:
    err = refused(data, name)
    assert "characters long, far longer than a line of a bank statement" in err.message
