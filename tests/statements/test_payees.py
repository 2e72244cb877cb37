"""Payee names without the bank's codes and card dates (issue 11.9).

The examples are real lines from tests/data/bank_samples where there is one (the file is
named), and made-up ones for the codes and the cases that must be left alone."""

from __future__ import annotations

import pytest

from dpsupport.statements import clean_payee, normalise_description, read_statement

from .helpers import DATA

BARCLAYS = "jameshaworthcs+countinghouse/tests/fixtures/barclays.csv"
LLOYDS = "Metasaura+ofxstatement-lloyds/tests/sample-statement.csv"
TSB = "jakubka+transactions-mapper/data/example_tsb_input.csv"
NATWEST = "jameshaworthcs+countinghouse/tests/fixtures/natwest.csv"
SANTANDER = "jameshaworthcs+countinghouse/tests/fixtures/santander.txt"

EXAMPLES = [
    # (the bank's text, the payee, where it comes from)
    ("TESCO STORES 3297    ON 01 SEP          BCC", "TESCO STORES 3297", BARCLAYS),
    ("BRITISH GAS        1234567            DDR", "BRITISH GAS 1234567", BARCLAYS),
    ("ACME LTD           SALARY             BGC", "ACME LTD SALARY", BARCLAYS),
    ("MONZO CD 8417 ", "MONZO", TSB),
    ("PAYPAL *MICROSOFT CD 8417 ", "PAYPAL *MICROSOFT", TSB),
    ("ACME STORE CD 1417    14JAN24", "ACME STORE", LLOYDS),
    ("NON-GBP TRANS FEE 2.75% CD 1425    30NOV23", "NON-GBP TRANS FEE 2.75%", LLOYDS),
    ("4321 01SEP26 TESCO STORES 3297 , LONDON GB", "TESCO STORES 3297 , LONDON GB", NATWEST),
    ("CARD PAYMENT TO TESCO STORES 3297,12.34 GBP, RATE 1.00/GBP ON 31-08-2026",
     "TESCO STORES 3297", SANTANDER),
    ("PGOUSTO.CO.UK - A LONDON  W3 VIS", "PGOUSTO.CO.UK - A LONDON W3", "a QIF sample"),
    ("BRIGHTSIDE CARE LTD BCC", "BRIGHTSIDE CARE LTD", "issue 11.9"),
    ("BRIGHTSIDE CARE LTD ON 25 NOV BCC", "BRIGHTSIDE CARE LTD", "issue 11.9"),
    ("BRITISH GAS DD", "BRITISH GAS", ""),
    ("J SMITH SO", "J SMITH", ""),
    ("J SMITH PA WAGES FPO", "J SMITH PA WAGES", ""),
    ("SAVINGS TFR", "SAVINGS", ""),
    ("COUNCIL REFUND CHQ", "COUNCIL REFUND", ""),
    ("NEST PENSION DD 12/03/2024", "NEST PENSION", ""),
    ("TFL.GOV.UK/CP ON 25/11 BCC", "TFL.GOV.UK/CP", ""),
    ("Tesco Stores on 3 Dec bcc", "Tesco Stores", "lower case"),
    # left alone: codes inside words or names, or nothing but a code
    ("ADDISON LEE", "ADDISON LEE", "DD inside a word"),
    ("DD MOTORS LTD", "DD MOTORS LTD", "DD at the start is part of the name"),
    ("TODD SOAMES", "TODD SOAMES", "DD and SO inside words"),
    ("THE SO SO CAFE", "THE SO SO CAFE", "SO in the middle"),
    ("MR SO", "MR SO", "no name would be left"),
    ("DD", "DD", "nothing but a code"),
    ("CAFE ON 5TH", "CAFE ON 5TH", "ON not followed by a date"),
    ("HMRC PAYE", "HMRC PAYE", ""),
    ("VISION EXPRESS", "VISION EXPRESS", "VIS inside a word"),
    ("", "", "empty"),
]


@pytest.mark.parametrize("text,payee,source", EXAMPLES, ids=[e[0] or "empty" for e in EXAMPLES])
def test_clean_payee(text: str, payee: str, source: str) -> None:
    assert clean_payee(text) == payee


def test_noisy_and_clean_lines_are_one_payee() -> None:
    names = {normalise_description(clean_payee(t)) for t in (
        "BRIGHTSIDE CARE LTD", "BRIGHTSIDE CARE LTD BCC", "BRIGHTSIDE CARE LTD ON 25 NOV BCC")}
    assert names == {"BRIGHTSIDE CARE LTD"}


@pytest.mark.parametrize("name,lines", [
    (BARCLAYS, {2: ("BRITISH GAS 1234567 DDR", "BRITISH GAS 1234567"),
                4: ("TESCO STORES 3297 ON 01 SEP BCC", "TESCO STORES 3297")}),
    (LLOYDS, {2: ("ACME STORE CD 1417 14JAN24", "ACME STORE")}),
])
def test_readers_clean_the_payee_and_keep_the_bank_line(
        name: str, lines: dict[int, tuple[str, str]]) -> None:
    data = (DATA / name).read_bytes()
    st = read_statement(data, name)
    by_line = {r.line: r for r in st.records}
    file_lines = data.decode().splitlines()
    for line, (description, payee) in lines.items():
        rec = by_line[line]
        assert (rec.description, rec.payee) == (description, payee)
        assert rec.raw == file_lines[line - 1]  # the bank's line, untouched
