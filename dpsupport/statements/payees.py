"""Who a payment was to or from, without the bank's own codes around the name.

Banks write more than the name into a card or transfer line: Barclays "TESCO STORES 3297
ON 01 SEP BCC", Lloyds "MONZO CD 8417", HSBC and Nationwide "GOUSTO.CO.UK VIS", dates
("ACME STORE CD 1417 14JAN24") and transaction-type codes (DD, SO, BGC, DDR, FPO, TFR,
CHQ, ...). Left in, "BRIGHTSIDE CARE LTD BCC" and "BRIGHTSIDE CARE LTD" look like two
payees, and a payment is not sorted like the earlier ones.

:func:`clean_payee` takes those off the *end* of the name only, one piece at a time, as
whole words: "DD" is removed from "BRITISH GAS DD" but not from "ADDISON LEE" or "DD
MOTORS LTD", and never so much that no word of three letters is left ("MR SO" stays). The
bank's line itself (``Transaction.description`` and ``raw``) is never changed: only the
payee the readers give.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Transaction-type codes UK banks put after the name (whole words only).
CODES = frozenset({
    "BCC", "BGC", "BP", "CHQ", "CPT", "DD", "DDR", "DEB", "FPI", "FPO", "POS", "SO", "STO",
    "TFR", "VIS", "VISA", ")))",
})
_MONTH = r"(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|SEPT|OCT|NOV|DEC)"
# Noise at the end of a line, taken off one piece at a time (upper-cased text).
_TAIL = re.compile(
    r"(?:\s+(?:"
    rf"ON\s+\d{{1,2}}\s*{_MONTH}(?:\s*\d{{2,4}})?"  # ON 25 NOV, ON 25NOV24
    r"|ON\s+\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?"  # ON 25/11, ON 25-11-2024
    rf"|\d{{1,2}}\s*{_MONTH}\s*\d{{2,4}}|\d{{1,2}}{_MONTH}"  # 14JAN24, 14 JAN 2024, 14JAN
    r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"  # 14/01/24, 14-01-2024
    r"|CD\s+\d{4}"  # card number ending: CD 8417
    r"|\S+"  # a word: taken off only if it is one of CODES (checked below)
    r")|,\s*[\d.,]+\s+[A-Z]{3},\s*RATE\s+[\d.]+/[A-Z]{3}"  # Santander: ",12.34 GBP, RATE 1.00/GBP"
    r")$")
# Noise at the start: NatWest's card ending and date ("4321 01SEP26 TESCO"), Santander's
# "CARD PAYMENT TO TESCO ...".
_HEAD = re.compile(rf"^(?:\d{{4}}\s+\d{{1,2}}{_MONTH}\d{{2,4}}\s+|CARD PAYMENT TO\s+)")
_SPACES = re.compile(r"\s+")
_LONG_WORD = re.compile(r"[^\s]{3}")  # a name keeps at least one word of 3 characters


@lru_cache(maxsize=20_000)  # statements repeat the same payees over and over
def clean_payee(text: str) -> str:
    """The payee's name from a bank's payee or description text.

    >>> clean_payee("TESCO STORES 3297    ON 01 SEP          BCC")
    'TESCO STORES 3297'
    >>> clean_payee("MONZO CD 8417 ")
    'MONZO'
    >>> clean_payee("DD")  # nothing else: kept as it is
    'DD'
    """
    name = _SPACES.sub(" ", text).strip()
    upper = name.upper()
    head = _HEAD.match(upper)
    if head and _LONG_WORD.search(upper, head.end()):
        name, upper = name[head.end():], upper[head.end():]
    while True:
        m = _TAIL.search(upper)
        if m is None or m.start() == 0:
            break
        piece = m.group(0).strip()
        if " " not in piece and not _is_noise_word(piece):
            break
        if not _LONG_WORD.search(upper, 0, m.start()):
            break  # "MR SO", "J DD": what is left would not be a name
        name, upper = name[:m.start()].rstrip(), upper[:m.start()].rstrip()
    return name


def _is_noise_word(word: str) -> bool:
    """A single word at the end: a code, or a date written as one word (14JAN, 14JAN24)."""
    return word in CODES or re.fullmatch(rf"\d{{1,2}}{_MONTH}(?:\d{{2,4}})?|\d{{1,2}}[/.-]"
                                         r"\d{1,2}[/.-]\d{2,4}", word) is not None
