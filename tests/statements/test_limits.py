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


# Issue 12.3: one money limit (dpsupport.limits.MAX_AMOUNT_PENCE, £10 million) for every
# reader. Above it is a problem naming the line and the value, never a transaction.

TOO_BIG = "Line {}: £1,000,000,000,000.00 is more than £10,000,000, the most one payment can be."


def _ofx(amount: str, posted: str = "20240201", close: bool = True) -> bytes:
    end = "</STMTTRN>" if close else ""
    return ("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS>"
            "<CURDEF>GBP<BANKACCTFROM><BANKID>309629<ACCTID>20681668<ACCTTYPE>CHECKING"
            "</BANKACCTFROM>\n<BANKTRANLIST>\n"
            "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240201<TRNAMT>-1.00<FITID>1<NAME>A</STMTTRN>\n"
            f"<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>{posted}<TRNAMT>{amount}<FITID>2<NAME>B{end}\n"
            "<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240202<TRNAMT>2.00<FITID>3<NAME>C</STMTTRN>\n"
            "</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n").encode()


def _xlsx(amount: object) -> bytes:
    import io

    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["Date", "Description", "Amount"], ["01/02/2024", "A", -1],
                ["02/02/2024", "B", amount], ["03/02/2024", "C", 2]):
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("name,data,line", [
    ("s.csv", b"Date,Description,Amount\n01/02/2024,A,-1.00\n02/02/2024,B,"
              b"\"1,000,000,000,000.00\"\n03/02/2024,C,2.00\n", 3),
    ("s.csv", b"Date,Description,Paid out,Paid in\n01/02/2024,A,1.00,\n02/02/2024,B,,"
              b"1000000000000.00\n03/02/2024,C,,2.00\n", 3),
    ("s.qif", b"!Type:Bank\nD01/02/2024\nT-1.00\nPA\n^\nD02/02/2024\nT1000000000000\nPB\n^\n"
              b"D03/02/2024\nT2.00\nPC\n^\n", 6),
    ("s.txt", "From: 01/02/2024 to 28/02/2024\n\nAccount: XXXX\n\nDate: 01/02/2024\n"
              "Description: A\nAmount: -1.00 GBP\nBalance: 1.00 GBP\n\nDate: 02/02/2024\n"
              "Description: B\nAmount: 1000000000000.00 GBP\nBalance: 1.00 GBP\n\n"
              "Date: 03/02/2024\nDescription: C\nAmount: 2.00 GBP\nBalance: 3.00 GBP\n"
              .encode("cp1252"), 10),
    ("s.ofx", _ofx("1000000000000.00"), 8),
    ("s.ofx", _ofx("1000000000000.00", close=False), 8),
    ("s.xlsx", _xlsx(1_000_000_000_000), 3),
])
def test_an_amount_over_the_limit_is_a_problem_in_every_reader(name: str, data: bytes,
                                                                 line: int) -> None:
    st = read_statement(data, name)
    assert [r.amount_pence for r in st.records] == [-100, 200]
    assert [(p.line, p.reason) for p in st.problems] == [(line, TOO_BIG.format(line))]


@pytest.mark.parametrize("amount,pence", [
    ("10000000.00", 10_000_000_00), ("-10000000.00", -10_000_000_00),
    ("£10,000,000.00", 10_000_000_00), ("-£10,000,000.00", -10_000_000_00),
    ("10000000", 10_000_000_00), ("(10,000,000.00)", -10_000_000_00),
    ("10000000.001", 10_000_000_00),
])
def test_the_limit_itself_is_accepted(amount: str, pence: int) -> None:
    from dpsupport.limits import MAX_AMOUNT_PENCE
    from dpsupport.statements.amounts import parse_pence, pence_reader, plain_pence

    assert abs(pence) == MAX_AMOUNT_PENCE
    assert parse_pence(amount) == pence
    assert plain_pence(amount) in (pence, None)
    assert pence_reader()(amount) in (pence, None)
    data = f'Date,Description,Amount\n01/02/2024,A,"{amount}"\n'.encode()
    assert [r.amount_pence for r in read_statement(data, "s.csv").records] == [pence]


@pytest.mark.parametrize("amount,shown", [
    ("10000000.01", "£10,000,000.01"), ("-10000000.01", "£10,000,000.01"),
    ("£10,000,000.01", "£10,000,000.01"), ("-£99,999,999.99", "£99,999,999.99"),
    ("10000000.005", "£10,000,000.01"), ("12345678901234", "£12,345,678,901,234.00"),
])
def test_just_over_the_limit_is_a_problem(amount: str, shown: str) -> None:
    from dpsupport.statements.amounts import AmountTooLarge, parse_pence, pence_reader, plain_pence

    with pytest.raises(AmountTooLarge):
        parse_pence(amount)
    assert plain_pence(amount) is None and pence_reader()(amount) is None
    data = f'Date,Description,Amount\n01/02/2024,A,"{amount}"\n02/02/2024,B,1.00\n'.encode()
    st = read_statement(data, "s.csv")
    assert [r.amount_pence for r in st.records] == [100]
    assert [p.reason for p in st.problems] == [
        f"Line 2: {shown} is more than £10,000,000, the most one payment can be."]


# Issue 12.4: an OFX 1 file with a 5,000-digit amount was refused as a whole ("We could not
# read this file (ValueError)."); each of these is now a problem naming the line and value.

@pytest.mark.parametrize("close", [True, False])
@pytest.mark.parametrize("amount,posted,reason", [
    ("9" * 5000, "20240201", "Line 8: '" + "9" * 40 + "…' (5,000 characters) is more than "
     "£10,000,000, the most one payment can be."),
    ("-" + "1" * 5000 + ".00", "20240201", "Line 8: '-" + "1" * 39 + "…' (5,004 characters) "
     "is more than £10,000,000, the most one payment can be."),
    ("1e309", "20240201", "Line 8: we could not read the amount '1e309'."),
    ("-1.00", "99999999", "Line 8: we could not read the date '99999999'."),
])
def test_ofx_unreadable_values_are_problems_naming_line_and_value(
        amount: str, posted: str, reason: str, close: bool) -> None:
    st = read_statement(_ofx(amount, posted, close), "statement.ofx")
    assert [r.amount_pence for r in st.records] == [-100, 200]
    assert [(p.line, p.reason) for p in st.problems] == [(8, reason)]


def test_a_5000_digit_amount_in_other_readers() -> None:
    csv_data = ("Date,Description,Amount\n01/02/2024,A," + "9" * 5000 + "\n").encode()
    assert read_statement(csv_data, "s.csv").problems[0].reason.startswith(
        "Line 2: '9999999999")
    qif = ("!Type:Bank\nD01/02/2024\nT" + "9" * 5000 + "\n^\n").encode()
    assert read_statement(qif, "s.qif").problems[0].reason.endswith(
        "(5,000 characters) is more than £10,000,000, the most one payment can be.")


@pytest.mark.parametrize("balance,pence", [
    ("18834048.09", 18_834_048_09), ("-£12,000,000.00", -12_000_000_00),
    ("1,000,000,000.50", 1_000_000_000_50),
])
def test_a_balance_above_the_payment_limit_is_still_read(balance: str, pence: int) -> None:
    """The limit is for money coming in or going out; a balance the bank shows is read
    whatever it is (up to what the database holds), never silently dropped."""
    from dpsupport.statements.amounts import parse_balance, plain_pence

    assert parse_balance(balance) == pence
    data = (f'Date,Description,Amount,Balance\n01/02/2024,A,-1.00,"{balance}"\n'
            f'02/02/2024,B,1.00,"{balance}"\n').encode()
    assert [r.balance_pence for r in read_statement(data, "s.csv").records] == [pence, pence]
    assert plain_pence(balance.replace(",", "").replace("£", "")) is None  # a payment: too much
