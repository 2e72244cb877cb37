"""Unit tests for the awkward cases UK statements throw at us."""

from __future__ import annotations

from datetime import date

import pytest

from dpsupport.statements import (
    ColumnMapping,
    StatementError,
    check_balances,
    iter_statement,
    read_statement,
    record_keys,
)
from dpsupport.statements.ofx import parse_ofx_datetime


def ofx(body: str, header: str = "OFXHEADER:100\nDATA:OFXSGML\nCHARSET:1252\n\n") -> bytes:
    return (header + "<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>GBP<BANKACCTFROM>"
            "<BANKID>309629<ACCTID>20681668</BANKACCTFROM><BANKTRANLIST>" + body +
            "</BANKTRANLIST><LEDGERBAL><BALAMT>10,00<DTASOF>20240401</LEDGERBAL></STMTRS>"
            "</STMTTRNRS></BANKMSGSRSV1></OFX>").encode("cp1252")


def test_bst_conversion() -> None:
    assert parse_ofx_datetime("20240331230000[+1:BST]") == date(2024, 3, 31)
    assert parse_ofx_datetime("20240601000000[+1:BST]") == date(2024, 6, 1)
    assert parse_ofx_datetime("20240630233000[0:GMT]") == date(2024, 7, 1)  # BST in London
    assert parse_ofx_datetime("20240115233000[0:GMT]") == date(2024, 1, 15)
    assert parse_ofx_datetime("20240101020000[-5:EST]") == date(2024, 1, 1)
    assert parse_ofx_datetime("20240601") == date(2024, 6, 1)


def test_ofx_comma_decimal_unclosed_and_empty_tags_no_fitid_cp1252() -> None:
    st = read_statement(ofx("<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240601000000[+1:BST]"
                            "<TRNAMT>-4,00<NAME>CAF\xc9 R\xc9MY<MEMO></MEMO>"
                            "<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240602<TRNAMT>14.00"
                            "<FITID><NAME>A &amp; B</STMTTRN>"))
    assert [(r.posted, r.amount_pence, r.bank_id) for r in st.records] == [
        (date(2024, 6, 1), -400, None), (date(2024, 6, 2), 1400, None)]
    assert st.records[0].description == "CAFÉ RÉMY"
    assert st.records[1].description == "A & B"
    assert st.ledger_balance is not None and st.ledger_balance.amount_pence == 1000
    assert st.accounts[0].sort_code == "309629" and "20681668" not in repr(st.accounts[0])


def test_ofx_bom_and_xml_no_entity_expansion() -> None:
    data = ("\ufeff<?xml version='1.0'?><!DOCTYPE x [<!ENTITY big 'AAAA'>]>"
            "<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><BANKTRANLIST><STMTTRN><DTPOSTED>20240101"
            "</DTPOSTED><TRNAMT>1.00</TRNAMT><FITID>1</FITID><NAME>&big;&#163;</NAME></STMTTRN>"
            "</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>").encode("utf-8-sig")
    st = read_statement(data)
    assert st.records[0].description == "&big;£"


def test_ofx_problem_line_for_bad_date() -> None:
    st = read_statement(ofx("<STMTTRN><DTPOSTED>2024AB01<TRNAMT>1.00</STMTTRN>"))
    assert not st.records and "could not read the date" in st.problems[0].reason


@pytest.mark.parametrize("text,expected", [
    ("D31/01/2024", date(2024, 1, 31)), ("D31/01'24", date(2024, 1, 31)),
    ("D1/ 2'24", date(2024, 2, 1)), ("D 1/02/2024", date(2024, 2, 1)),
])
def test_qif_dates(text: str, expected: date) -> None:
    st = read_statement(f"!Type:Bank\n{text}\nT-1,234.56\nPSHOP\n^\n".encode())
    assert st.records[0].posted == expected and st.records[0].amount_pence == -123456


def test_qif_card_type() -> None:
    st = read_statement(b"!Type:CCard\nD13/01/2024\nT-5.00\nPCAFE\nMlatte\n^\n")
    assert st.records[0].description == "CAFE latte"


CSV = "Date,Description,Amount\n{rows}"


def test_csv_day_first_decided_from_all_rows() -> None:
    rows = "01/02/2024,A,-1.00\n05/03/2024,B,-2.00\n13/03/2024,C,-3.00\n"
    st = read_statement(CSV.format(rows=rows).encode())
    assert [r.posted for r in st.records] == [date(2024, 2, 1), date(2024, 3, 5),
                                              date(2024, 3, 13)]
    assert not any("either way" in n for n in st.notices)


def test_csv_month_first_and_ambiguous() -> None:
    st = read_statement(CSV.format(rows="01/02/2024,A,-1.00\n03/13/2024,B,-2\n").encode())
    assert st.records[0].posted == date(2024, 1, 2)
    st = read_statement(CSV.format(rows="01/02/2024,A,-1.00\n03/04/2024,B,-2\n").encode())
    assert st.records[0].posted == date(2024, 2, 1)
    assert any("either way" in n for n in st.notices)
    with pytest.raises(StatementError):
        read_statement(CSV.format(rows="13/02/2024,A,-1\n02/13/2024,B,-2\n").encode())


def test_unreadable_date_is_a_problem_not_today() -> None:
    st = read_statement(CSV.format(rows="31/12/2024,A,-1.00\n31/13/2024,B,-2.00\n").encode())
    assert len(st.records) == 1
    assert st.problems[0].reason == "Line 3: we could not read the date '31/13/2024'."


def test_split_columns_pound_signs_trailing_balance_rows_newest_first() -> None:
    data = ('"Account Name:","Current ****1234"\n\n'
            '"Date","Transaction type","Description","Paid out","Paid in","Balance"\n'
            '"02 Jan 2024","Visa","SHOP","£1,000.00","","£200.00"\n'
            '"01 Jan 2024","Credit","PAY","","£1,200.00","£1,200.00"\n'
            '"Balance as at 02 Jan 2024","","","","","£200.00"\n').encode()
    st = read_statement(data)
    assert st.format == "csv:nationwide"
    assert [r.amount_pence for r in st.records] == [-100000, 120000]
    assert st.closing_balance is not None and st.closing_balance.amount_pence == 20000
    check = check_balances(st.records)
    assert check.adds_up and check.order == "newest-first"
    assert "£0.00 to £200.00" in check.message


def test_natwest_apostrophes_and_spaces() -> None:
    data = ("\nDate, Type, Description, Value, Balance, Account Name, Account Number\n"
            "01/09/2026,POS,\"'4321 TESCO\",-12.34,1000.00,\"'MR J\",\"'600000-12345678\"\n")
    st = read_statement(data.encode())
    assert st.format == "csv:natwest" and st.records[0].amount_pence == -1234
    assert st.accounts[0].sort_code == "600000"


def test_needs_mapping_then_explicit_mapping() -> None:
    data = b"When,What,Out,In\n2024-01-05,Rent,500.00,\n2024-01-06,Pay,,20.00\n"
    st = read_statement(data)
    assert st.needs_mapping and st.preview is not None
    assert st.preview.columns == ["When", "What", "Out", "In"]
    m = ColumnMapping(date="When", debit="Out", credit="In", description=("What",))
    st = read_statement(data, mapping=ColumnMapping.from_dict(m.to_dict()))
    assert [r.amount_pence for r in st.records] == [-50000, 2000]
    assert st.mapping == m


def test_row_limit_and_size_limit() -> None:
    rows = "".join(f"0{1 + i % 9}/01/2024,X,-1.00\n" for i in range(20))
    with pytest.raises(StatementError, match="more than 10 transactions"):
        read_statement(CSV.format(rows=rows).encode(), max_rows=10)
    with pytest.raises(StatementError, match="larger than"):
        read_statement(b"x" * 2_000_000, max_bytes=1_000_000)


@pytest.mark.parametrize("data,words", [
    (b"%PDF-1.4 blah", "PDF"), (b"", "empty"), (b"\x89PNG\r\n\x1a\n....", "picture"),
    (bytes(range(256)) * 10, "text"), (b"<html><body>hi</body></html>", "web page"),
])
def test_not_statements(data: bytes, words: str) -> None:
    with pytest.raises(StatementError, match=words):
        read_statement(data)


def test_dedupe_identical_payments_kept_and_fitid_rule() -> None:
    rows = "01/02/2024,COFFEE,-2.00\n01/02/2024,COFFEE,-2.00\n"
    recs = read_statement(CSV.format(rows=rows).encode()).records
    keys = record_keys(recs, "acct")
    assert len({k.key for k in keys}) == 2 and [k.occurrence for k in keys] == [1, 2]
    dup = ofx("<STMTTRN><DTPOSTED>20240101<TRNAMT>1<FITID>A</STMTTRN>"
              "<STMTTRN><DTPOSTED>20240102<TRNAMT>2<FITID>A</STMTTRN>")
    assert all(k.fitid_key is None for k in record_keys(read_statement(dup).records, "a"))
    good = ofx("<STMTTRN><DTPOSTED>20240101<TRNAMT>1<FITID>A</STMTTRN>")
    assert record_keys(read_statement(good).records, "a")[0].key.startswith("id:")


def test_iter_statement_streams() -> None:
    rows = "".join(f"0{1 + i % 9}/01/2024,X{i},-1.00\n" for i in range(50))
    st = iter_statement(CSV.format(rows=rows).encode())
    assert not isinstance(st.records, tuple)
    assert sum(1 for _ in st.records) == 50
