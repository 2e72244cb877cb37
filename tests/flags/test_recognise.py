"""What a bank line is: on every description in the sample corpus, and on hard cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dpsupport.flags import DEFAULT_LISTS, KnownPayee, PayeeMatcher, payee_name, recognise
from dpsupport.flags.recognise import Recogniser
from dpsupport.statements import iter_statement

DATA = Path(__file__).resolve().parents[1] / "data" / "bank_samples"

# Every corpus line the recogniser names, by (description, bank type code): all the rest
# (shops, bills, wages, fees: TESCO, "SAINSBURYS SACAT 0602 LADBROKE GROV", "ROYAL LONDON
# INSURANCE", "CLUB LLOYDS FEE", "SPORTS BAR ...") must be recognised as nothing.
CORPUS = {
    ("BMO HARRIS BANK", "ATM"): "cash",  # the OFX type code says cash, the words do not
    ("HMRC - TAXES 700000009988776655 8833445566B 083210 10 01DEC23 14:49", "FPO"): "hmrc",
    ("ACME PENSIONS 112233A44556677889", "DD"): "pension",
    ("MONTHLY SAVER", "SO"): "own_transfer",
    ("Savings Savings Pot", "Pot transfer"): "own_transfer",  # Monzo
    ("Transfer from Savings", "debit"): "own_transfer",
    ("Transfer from Savings Account Transfer", ""): "own_transfer",
    ("Transfer to Savings Account Transfer", ""): "own_transfer",
    ("Transfer to Savings", "credit"): "own_transfer",
    ("012345 09876543", "Transfer to"): "transfer",  # Nationwide: sort code and account
    ("012345 12345678", "Transfer from JOHN SMITH"): "transfer",
    ("MONZO", "DEB"): "transfer",  # a card top-up of another account
    ("MONZO CD 8417", "DEB"): "transfer",
    ("ABC GARAGE", "Payment to"): "transfer",  # Nationwide's type for a bank payment
    ("PAYMENT TO**************************** *****************",
     "PAYMENT TO****************************"): "transfer",
    ("NAME SURNAME", "SO"): "transfer",  # a standing order (Lloyds)
    ("ACME LTD SEPT SALARY", "FASTER PAYMENT"): "transfer",  # money in: the rules skip it
    ("ACME LTD ACME LTD SALARY SEP", "Faster payment"): "transfer",
    ("CBA:Transfer", "Credit"): "transfer",
    ("Transfer from PATRICK BATEMAN ***********************************",
     "Transfer from PATRICK BATEMAN"): "transfer",
    ("Transfer from Checking Account Transfer", ""): "transfer",
    ("Transfer from Checking", "debit"): "transfer",
    ("Transfer from Cash", ""): "transfer",  # an account called Cash: not a withdrawal
    ("Transfer to Checking", ""): "transfer",
    ("PAYPAL INST XFER 220803~ Tran: ACHDW", "DEBIT"): "transfer",
    ("PAYPAL INST XFER 220803~ Tran: A PAYPAL INST XFER 220803~ Tran: ACHDW", "DEBIT"):
        "transfer",
    ("PAYPAL INST XFER 220803~ Tran: ACHDW", "ACH"): "transfer",
}


def _corpus_lines():  # type: ignore[no-untyped-def]
    expected = json.loads((DATA / "EXPECTED.json").read_text())
    for name, outcome in sorted(expected.items()):
        if "error" not in outcome:
            yield from iter_statement((DATA / name).read_bytes(), name).records


def test_every_corpus_description_is_recognised_as_expected() -> None:
    found, count = {}, 0
    for t in _corpus_lines():
        count += 1
        seen = recognise(t.description, t.payee, t.kind)
        if seen is not None:
            found[(t.description, t.kind)] = seen.kind
    assert count >= 450  # the search read the whole corpus
    assert found == CORPUS


@pytest.mark.parametrize(("description", "kind", "expected"), [
    # cash, as UK banks write it
    ("LNK TESCO SWINDON CD 1417 14JAN24", "", "cash"),  # Lloyds: LINK network
    ("SAINSBURYS S/MKTS", "CPT", "cash"),  # Lloyds/Halifax: cashpoint type code
    ("ASDA WAKEFIELD 24MAR", "C/L", "cash"),  # NatWest: cash line
    ("CASH WITHDRAWAL AT LINK ATM SPAR GLASGOW", "", "cash"),  # Santander
    ("LINK 14:32 12JAN", "", "cash"),
    ("CASH TESCO 12JAN", "", "cash"),
    ("TESCO STORES 3297 CASHBACK", "", "cash"),
    ("NOTEMACHINE POST OFFICE", "", "cash"),
    ("Cash withdrawal", "ATM", "cash"),
    # looks like cash, is not
    ("CASH ISA", "", "own_transfer"),
    ("TFR TO CASH ISA 12345", "", "own_transfer"),
    ("BOOKER CASH AND CARRY", "", None),
    ("CASH CONVERTERS LEEDS", "", "pawnbroking"),
    ("LINKS GOLF CLUB", "", None),
    ("LINK CARE SERVICES LTD", "", None),  # a care agency called Link
    ("REMB-CASH GENEVE", "", None),
    # betting, and the traps
    ("LADBROKES 1234 LEEDS", "", "gambling"),
    ("SAINSBURYS SACAT 0602 LADBROKE GROV GBR", "", None),
    ("WWW.BET365.COM", "", "gambling"),
    ("SKY BETTING AND GAMING", "", "gambling"),
    ("PADDYPOWER.COM", "", "gambling"),
    ("NATIONAL-LOTTERY.CO.UK", "", "gambling"),
    ("J BET", "FPO", "transfer"),  # a PA whose surname is Bet: a bank payment, not betting
    ("MRS JANE BET WAGES", "", None),
    ("BETTER CARE LTD", "", None),
    ("BETTER GYM LEISURE CENTRE", "", None),
    ("CORAL HOUSE CARE HOME", "", None),
    # alcohol, tobacco, dating
    ("MAJESTIC WINE 123", "", "alcohol"),
    ("BARGAIN BOOZE 44", "", "alcohol"),
    ("TOTALLY WICKED ECIG", "", "tobacco"),
    ("THE VAPE SHOP", "", "tobacco"),
    ("TINDER LONDON", "", "dating"),
    ("MATCH.COM", "", "dating"),
    ("PREMIER INN", "", None),
    # a pharmacy in a supermarket, and the supermarket itself
    ("LLOYDS PHARMACY SAINSBURYS", "", None),  # not Lloyds Bank, not the supermarket's wine
    ("TESCO PHARMACY 2231", "", None),
    ("ASDA PHARMACY", "", None),
    ("TESCO STORES 3297", "", None),
    ("BOOTS 1234", "", None),
    # HMRC, pensions, payroll services
    ("HMRC NDDS", "DD", "hmrc"),
    ("H M REVENUE & CUSTOMS", "", "hmrc"),
    ("NEST", "DD", "pension"),
    ("NEST PENSIONS", "", "pension"),
    ("GOOGLE NEST", "", None),
    ("THE PEOPLE'S PENSION", "", "pension"),
    ("NOW: PENSIONS", "", "pension"),
    ("SMART PENSION LTD", "", "pension"),
    ("DWP STATE PENSION", "", None),  # money in from the state, not a scheme
    ("ROYAL LONDON INSURANCE 01222 61234 GBR", "", None),
    ("PENDERELS TRUST PAYROLL", "", "payroll_bureau"),
    ("ACME PAYROLL SERVICES", "", "payroll_bureau"),
    # transfers
    ("S JONES", "FPO", "transfer"),
    ("01-23-45 12345678", "", "transfer"),
    ("REVOLUT**1234*", "", "transfer"),
    ("MONZO POT", "Pot transfer", "own_transfer"),
    ("ISA JONES", "", None),  # a PA called Isa
    ("DIRECT DEBIT PAYMENT TO BRITISH GAS REF 1234", "", None),
    ("CARD PAYMENT TO TESCO STORES 3297", "", None),
])
def test_hard_cases(description: str, kind: str, expected: str | None) -> None:
    seen = recognise(description, kind=kind)
    assert (seen.kind if seen else None) == expected, seen


def test_the_words_and_the_account_are_given() -> None:
    seen = recognise("01-23-45 12345678 RENT")
    assert seen is not None and seen.account == "012345 12345678"
    seen = recognise("WILLIAM HILL ORGANIZATION")
    assert seen is not None and (seen.kind, seen.words) == ("gambling", "WILLIAM HILL")
    assert seen.label == "betting or gambling"


def test_a_betting_company_paid_by_transfer_is_still_betting() -> None:
    seen = recognise("BET365 LTD", kind="FPO")
    assert seen is not None and seen.kind == "gambling"


def test_the_funder_can_change_the_lists() -> None:
    local = DEFAULT_LISTS.adding("gambling", "Lucky's Bookies")
    seen = recognise("LUCKY'S BOOKIES HALIFAX", word_lists=local)
    assert seen is not None and seen.kind == "gambling"
    assert recognise("LUCKY'S BOOKIES HALIFAX") is None  # the default lists are unchanged
    fewer = DEFAULT_LISTS.removing("alcohol", "wine", "wines")
    assert recognise("THE WINE SHOP", word_lists=fewer) is None
    assert recognise("THE WINE SHOP") is not None


def test_remembered_results_do_not_leak_between_lists() -> None:
    a = Recogniser(DEFAULT_LISTS.adding("dating", "FOO"))
    b = Recogniser(DEFAULT_LISTS)
    assert a.recognise("FOO") is not None and b.recognise("FOO") is None


@pytest.mark.parametrize(("payee", "description", "name"), [
    ("TESCO STORES 3297", "", "TESCO STORES"),
    ("", "TESCO STORES 3297 ON 01 SEP BCC", "TESCO STORES"),
    ("HMRC - TAXES 700000009988776655 8833445566B 083210 10 01DEC23 14:49", "", "HMRC TAXES"),
    ("J MAY", "", "J MAY"),  # a surname that is also a month stays
    ("MONZO CD 8417", "", "MONZO"),
    ("1234", "", "1234"),  # nothing left: the plain text
])
def test_payee_name(payee: str, description: str, name: str) -> None:
    assert payee_name(payee, description) == name


def test_known_payees_are_found_by_name_or_account() -> None:
    sally = KnownPayee("Sally Jones", "pa", person=True)
    bill = KnownPayee("William Hill", "pa", person=True)
    agency = KnownPayee("General Assembly Space Ltd", "provider")
    nest = KnownPayee("Pension", "pension", account="01-23-45 87654321")
    matcher = PayeeMatcher([sally, bill, agency, nest])
    assert matcher.match("S JONES WAGES") is sally
    assert matcher.match("JONES SALLY") is sally
    assert matcher.match("MRS JONES") is None  # a surname alone is not enough
    assert matcher.match("T JONES") is None
    assert matcher.match("W HILL") is bill
    assert matcher.match("GENERAL ASSEMBLY S") is agency  # cut short at 18 letters
    assert matcher.match("GENERAL STORES") is None
    assert matcher.match("ANYTHING", "012345 87654321") is nest
